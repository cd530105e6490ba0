//! `nag2prom convert`: translate an installation into Prometheus rules, their unit tests,
//! scrape targets, `prometheus.yml` and a report, written atomically into one directory.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use crate::diag::{self, Tally};
use crate::emit::{self, Addresses};
use crate::model::Model;
use crate::translate::{self, PluginsVersion};

/// `--plugins-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PluginsArg {
    /// monitoring-plugins 2.3.x (Debian 12).
    #[default]
    #[value(name = "2.3")]
    V23,
    /// monitoring-plugins 2.4.x.
    #[value(name = "2.4")]
    V24,
    /// monitoring-plugins 3.0.x.
    #[value(name = "3.0")]
    V30,
}

/// Arguments of `nag2prom convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The main configuration file (nagios.cfg).
    #[arg(long, short = 'c', value_name = "NAGIOS_CFG", env = "NAG2PROM_CONFIG")]
    pub config: Option<PathBuf>,

    /// Object files or directories (read like cfg_dir), without a nagios.cfg.
    #[arg(value_name = "OBJECT_PATH")]
    pub paths: Vec<PathBuf>,

    /// Output directory, replaced as a whole when the conversion succeeds. It must be missing,
    /// empty, or an earlier output of convert (its nag2prom-manifest.json lists every file it
    /// holds), and may not be, contain or lie inside any input; anything else is refused
    /// (exit 2) and left untouched.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,

    /// monitoring-plugins release whose behaviour the rules copy (edges and rounding changed
    /// between releases).
    #[arg(long, value_enum, default_value = "2.3")]
    pub plugins_version: PluginsArg,

    /// Copy a custom variable into a label: `_SITE=site` (hosts: on their targets; services:
    /// on their rules). Repeatable.
    #[arg(long = "label-from-custom-var", value_name = "_VAR=label", value_parser = parse_custom)]
    pub custom_labels: Vec<(String, String)>,

    /// Where `nag2prom serve` (the bridge) listens, as Prometheus should scrape it.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:10460")]
    pub bridge_address: String,

    /// Where the blackbox exporter listens.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:9115")]
    pub blackbox_address: String,

    /// The port node_exporter listens on, on every host.
    #[arg(long, value_name = "PORT", default_value_t = 9100)]
    pub node_exporter_port: u16,

    /// The port mysqld_exporter listens on, on hosts with translated check_mysql services.
    #[arg(long, value_name = "PORT", default_value_t = 9104)]
    pub mysqld_exporter_port: u16,

    /// The port postgres_exporter listens on, on hosts with translated check_pgsql services.
    #[arg(long, value_name = "PORT", default_value_t = 9187)]
    pub postgres_exporter_port: u16,

    /// Scrape and rule evaluation interval, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=86400))]
    pub scrape_interval: u32,

    /// Translate plugins that measure the machine they run on (check_load, check_disk, …)
    /// on non-loopback hosts as if they ran on that host (e.g. through a wrapper). Without
    /// it such services are bridged, because Nagios measured its own server.
    #[arg(long)]
    pub local_checks_are_remote: bool,

    /// The nrpe.cfg of the monitored hosts (`command[name]=command line`), so check_nrpe
    /// services translate to the remote plugin. Without it they are bridged.
    #[arg(long, value_name = "NRPE_CFG")]
    pub nrpe_config: Option<PathBuf>,

    /// OLA targets (ola.yaml): host groups, service groups, service descriptions or
    /// custom-variable values mapped to availability / reliability targets (docs/ola.md).
    /// With these or `_OLA_*` custom variables, convert writes rules/ola.yml and tests/ola.yml.
    /// Bad targets are diagnostics with file:line, and exit 2.
    #[arg(long, value_name = "OLA_YAML")]
    pub ola: Option<PathBuf>,

    /// Do not print the summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

fn parse_custom(s: &str) -> Result<(String, String), String> {
    let (var, label) = s.split_once('=').ok_or("expected _VAR=label")?;
    let var = var.trim().to_ascii_uppercase();
    let var = if var.starts_with('_') { var } else { format!("_{var}") };
    let ok = label.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !label.starts_with("__");
    if !ok || var.len() < 2 {
        return Err(format!(
            "`{label}` is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not __…)"
        ));
    }
    Ok((var, label.to_owned()))
}

fn valid_address(a: &str) -> bool {
    !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || ".:-[]_".contains(c))
}

/// Run; `Ok` carries the exit code (0, or 1 when the configuration has errors).
pub(super) fn run(args: &ConvertArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    for a in [&args.bridge_address, &args.blackbox_address] {
        if !valid_address(a) {
            anyhow::bail!("`{a}` is not a HOST:PORT address");
        }
    }
    let mut inst = super::load(args.config.as_deref(), &args.paths)?;
    // Its problems join the configuration's: an error means nothing is written.
    let nrpe = match &args.nrpe_config {
        Some(path) => {
            inst.load_nrpe(path).with_context(|| format!("--nrpe-config {}", path.display()))?
        }
        None => Vec::new(),
    };
    // Refuse an output directory that holds anything convert did not write, or any input,
    // before doing any work.
    let mut extra: Vec<PathBuf> = args.paths.clone();
    extra.extend(args.config.iter().cloned());
    extra.extend(args.nrpe_config.iter().cloned());
    extra.extend(args.ola.iter().cloned());
    crate::out_dir::check(&args.out, &crate::out_dir::inputs(&inst, &extra))
        .map_err(|refusal| anyhow::anyhow!("refusing --out: {refusal}; nothing was written"))?;
    let mut diagnostics = inst.diagnostics.clone();
    let model = if Tally::of(&diagnostics).errors == 0 {
        let (model, model_diags) = Model::build(&inst);
        diagnostics.extend(model_diags);
        Some(model)
    } else {
        None
    };
    let tally = Tally::of(&diagnostics);
    if tally.errors > 0 {
        let mut err = io::stderr().lock();
        for d in diagnostics.iter().filter(|d| d.severity == nag2prom_parsers::Severity::Error) {
            diag::render_human(&mut err, &inst.db, d)?;
            writeln!(err)?;
        }
        let _ = writeln!(
            err,
            "nag2prom: {} errors: nothing written to {}",
            tally.errors,
            args.out.display()
        );
        return Ok(ExitCode::from(1));
    }
    let Some(model) = model else { return Ok(ExitCode::from(1)) };
    // OLA declarations: an error in them is bad input to convert (exit 2), nothing written.
    let ola_file = match &args.ola {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("--ola {}", path.display()))?;
            Some(inst.db.add(path.clone(), crate::sourcedb::FileRole::Ola, bytes))
        }
        None => None,
    };
    let (objectives, ola_diags) = translate::ola::collect(&model, &inst.db, ola_file);
    if !ola_diags.is_empty() {
        let mut err = io::stderr().lock();
        for d in &ola_diags {
            diag::render_human(&mut err, &inst.db, d)?;
            writeln!(err)?;
        }
        let _ = writeln!(
            err,
            "nag2prom: {} OLA errors: nothing written to {}",
            ola_diags.len(),
            args.out.display()
        );
        return Ok(ExitCode::from(2));
    }
    let options = translate::Options {
        version: match args.plugins_version {
            PluginsArg::V23 => PluginsVersion::V2_3,
            PluginsArg::V24 => PluginsVersion::V2_4,
            PluginsArg::V30 => PluginsVersion::V3_0,
        },
        custom_labels: args.custom_labels.clone(),
        scrape_interval: args.scrape_interval,
        assume_remote: args.local_checks_are_remote,
        nrpe,
        ports: translate::Ports {
            node: args.node_exporter_port,
            mysqld: args.mysqld_exporter_port,
            postgres: args.postgres_exporter_port,
        },
    };
    let translation = translate::translate(&inst, &model, &options);
    let addresses =
        Addresses { bridge: args.bridge_address.clone(), blackbox: args.blackbox_address.clone() };
    let mut files = emit::render(&translation, &addresses, &inst.db)?;
    files.extend(emit::render_ola(&objectives, args.scrape_interval)?);
    let manifest = crate::out_dir::Manifest::of(files.iter().map(|(p, _)| p.as_str()));
    files.push((
        crate::out_dir::MANIFEST.to_owned(),
        serde_json::to_vec_pretty(&manifest).context("rendering the manifest")?,
    ));

    let staged = crate::output::replace_dir(&args.out)
        .with_context(|| format!("preparing {}", args.out.display()))?;
    for (path, bytes) in &files {
        let full = staged.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&full, bytes).with_context(|| format!("writing {}", full.display()))?;
    }
    staged.commit().with_context(|| format!("replacing {}", args.out.display()))?;

    if !args.quiet {
        let native = translation.native_count();
        let _ = writeln!(
            io::stderr(),
            "converted {} services on {} hosts in {:.0?}: {} native ({:.0} %, {} rule groups), {} bridged ({} levels), {} of {} host checks native; {} files in {}",
            translation.services.len(),
            translation.hosts.len(),
            started.elapsed(),
            native,
            100.0 * native as f64 / translation.services.len().max(1) as f64,
            translation.groups.len(),
            translation.services.len() - native,
            translation.bridged.len(),
            translation.host_groups.iter().map(|g| g.host_names.len()).sum::<usize>(),
            translation.hosts.len(),
            files.len(),
            args.out.display()
        );
    }
    // The process ends here: handing ~0.5 GB of small allocations back one by one would
    // take a tenth of a second for nothing.
    std::mem::forget(files);
    std::mem::forget(translation);
    std::mem::forget(model);
    std::mem::forget(inst);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_label_flags() {
        assert_eq!(parse_custom("_SITE=site"), Ok(("_SITE".to_owned(), "site".to_owned())));
        assert_eq!(parse_custom("rack=rack_id"), Ok(("_RACK".to_owned(), "rack_id".to_owned())));
        assert!(parse_custom("_SITE=9x").is_err());
        assert!(parse_custom("_SITE=__x").is_err());
        assert!(parse_custom("site").is_err());
    }
}
