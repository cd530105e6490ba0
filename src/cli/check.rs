//! `nag2prom check`: parse an installation and print every diagnostic.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::Format;
use crate::diag::{self, Tally};

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

    /// Do not print the summary line (diagnostics are still printed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Run the check; `Ok` carries the exit code (0 clean, 1 errors).
pub(super) fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut inst = super::load(args.config.as_deref(), &args.paths)?;
    // Nagios stops at the first syntax error; resolve only a configuration that parsed.
    if Tally::of(&inst.diagnostics).errors == 0 {
        let (model, model_diags) = crate::model::Model::build(&inst);
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
            "checked {} files ({:.1} MB) in {:.0?}: {} errors, {} warnings",
            inst.db.len(),
            inst.db.total_bytes() as f64 / 1e6,
            elapsed,
            tally.errors,
            tally.warnings
        );
        let mut err = io::stderr();
        if err.is_terminal() || args.format == Format::Human {
            let _ = writeln!(err, "{summary}");
        }
    }
    Ok(if tally.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
