//! `nag2prom check`: parse an installation and print every diagnostic.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::Format;
use crate::diag::{self, Tally};
use crate::source::{LoadOptions, Target};

/// `--target`: the core whose rules decide what is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TargetArg {
    /// Nagios Core 4.4.6: exit 1 wherever `nagios4 -v` refuses the configuration.
    #[default]
    Nagios,
    /// Naemon: its include_file / include_dir are fine; other variables Nagios 4.4.6 does not
    /// know only warn; no machine checks.
    Naemon,
    /// Icinga 1: variables Nagios 4.4.6 does not know only warn; no machine checks.
    Icinga,
}

/// Arguments of `nag2prom check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The main configuration file (nagios.cfg); every file it names is checked.
    #[arg(long, short = 'c', value_name = "NAGIOS_CFG", env = "NAG2PROM_CONFIG")]
    pub config: Option<PathBuf>,

    /// Object files or directories (read like cfg_dir) to check, without a nagios.cfg.
    #[arg(value_name = "OBJECT_PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The core the configuration is for.
    #[arg(long, value_enum, default_value_t = TargetArg::Nagios, env = "NAG2PROM_TARGET")]
    pub target: TargetArg,

    /// Skip the checks that depend on the machine nag2prom runs on (temp_path and
    /// check_result_path are writable directories here, as `nagios4 -v` checks where it
    /// runs): for a configuration copied from the Nagios server.
    #[arg(long)]
    pub no_machine_checks: bool,

    /// Do not print the summary line (diagnostics are still printed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Run the check; `Ok` carries the exit code (0 clean, 1 errors).
pub(super) fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let target = match args.target {
        TargetArg::Nagios => Target::Nagios,
        TargetArg::Naemon => Target::Naemon,
        TargetArg::Icinga => Target::Icinga,
    };
    let options = LoadOptions { target: Some(target), machine_checks: !args.no_machine_checks };
    if args.quiet {
        super::progress::silence();
    }
    let mut inst = super::load_with(args.config.as_deref(), &args.paths, &options)?;
    // Nagios stops at the first syntax error; resolve only a configuration that parsed.
    if Tally::of(&inst.diagnostics).errors == 0 {
        let phase = super::progress::start("resolving templates and expanding objects");
        let (model, model_diags) = crate::model::Model::build(&inst);
        phase.done(&format!("resolved {} objects", super::progress::count(model.objects.len())));
        inst.diagnostics.extend(model_diags);
        super::discard(model);
    }

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for diagnostic in &inst.diagnostics {
        match args.format {
            Format::Human => {
                diag::render_human(&mut out, &inst.db, diagnostic)?;
                writeln!(out)?;
            }
            Format::Json => diag::render_json(&mut out, &inst.db, diagnostic)?,
        }
    }
    out.flush().context("writing diagnostics")?;

    let tally = Tally::of(&inst.diagnostics);
    if !args.quiet {
        let elapsed = started.elapsed();
        let summary = format!(
            "checked {} ({:.1} MB) in {:.0?}: {}, {}",
            plural(inst.db.len(), "file"),
            inst.db.total_bytes() as f64 / 1e6,
            elapsed,
            plural(tally.errors, "error"),
            plural(tally.warnings, "warning")
        );
        let mut err = io::stderr();
        if err.is_terminal() || args.format == Format::Human {
            let _ = writeln!(err, "{summary}");
        }
    }
    Ok(if tally.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `1 error`, `2 errors`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn counts_are_pluralised() {
        assert_eq!(plural(0, "error"), "0 errors");
        assert_eq!(plural(1, "error"), "1 error");
        assert_eq!(plural(2, "warning"), "2 warnings");
    }
}
