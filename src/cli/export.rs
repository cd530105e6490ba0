//! `nag2prom export`: the bridge's exposition, once, to stdout or atomically to a file (for
//! node_exporter's textfile collector). Also holds the options `serve` shares.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use crate::exposition::{EnrichOptions, Options};
use crate::serve::{config, export_once, refresh::ReadError};

/// Where the Nagios data comes from and what to render: shared by `serve` and `export`.
#[derive(Debug, Args)]
pub struct BridgeArgs {
    /// nagios.cfg: status_file is taken from it (relative paths are relative to its directory)
    /// and, with --enrich.*, the object definitions.
    #[arg(long, value_name = "NAGIOS_CFG")]
    pub config: Option<PathBuf>,

    /// The status.dat to read, instead of nagios.cfg's status_file.
    #[arg(long, value_name = "PATH")]
    pub status_file: Option<PathBuf>,

    /// nagios_up is 0 when status.dat was written longer ago than this many seconds (0: never
    /// stale). Nagios rewrites it every status_update_interval (10 s by default).
    #[arg(long = "status.max-age", value_name = "SECONDS", default_value_t = 300)]
    pub max_age: u64,

    /// Add a hostgroups=",a,b," label (from the object definitions) to every host and service
    /// series.
    #[arg(long = "enrich.hostgroups")]
    pub enrich_hostgroups: bool,

    /// Add the custom variable NAME (e.g. _TEAM, without or with the underscore) as a
    /// var_<name> label to every host and service series; a service's own value wins over
    /// its host's. Repeatable.
    #[arg(long = "enrich.custom-var", value_name = "NAME")]
    pub enrich_custom_vars: Vec<String>,

    /// Export the first line of plugin output, cut to this many bytes, as
    /// nagios_{host,service}_output_info{output="…"} (high churn: one new series per output
    /// change).
    #[arg(long = "export.plugin-output", value_name = "BYTES")]
    pub plugin_output: Option<usize>,

    /// Export performance data only for checks whose service description or check command
    /// name matches this regex (anchor it yourself: ^check_disk$).
    #[arg(long = "perfdata.allow", value_name = "REGEX")]
    pub perfdata_allow: Option<String>,

    /// Export no performance data for checks whose service description or check command
    /// name matches this regex (applied after --perfdata.allow). Use '.*' to turn perf data
    /// off.
    #[arg(long = "perfdata.deny", value_name = "REGEX")]
    pub perfdata_deny: Option<String>,

    /// At most this many performance data items per check; the rest are dropped and counted
    /// in nag2prom_perfdata_dropped_items{reason="limit"}.
    #[arg(long = "perfdata.max-items", value_name = "N", default_value_t = 64)]
    pub perfdata_max_items: usize,
}

impl BridgeArgs {
    /// The rendering options.
    pub fn render_options(&self) -> anyhow::Result<Options> {
        let regex = |flag: &str, text: &Option<String>| -> anyhow::Result<_> {
            text.as_deref()
                .map(regex::bytes::Regex::new)
                .transpose()
                .with_context(|| format!("invalid {flag} regex"))
        };
        Ok(Options {
            plugin_output: self.plugin_output,
            perfdata_allow: regex("--perfdata.allow", &self.perfdata_allow)?,
            perfdata_deny: regex("--perfdata.deny", &self.perfdata_deny)?,
            perfdata_max_items: self.perfdata_max_items,
            ..Options::default()
        })
    }

    /// The enrichment options.
    pub fn enrich_options(&self) -> EnrichOptions {
        EnrichOptions {
            hostgroups: self.enrich_hostgroups,
            custom_vars: self.enrich_custom_vars.clone(),
        }
    }

    /// The staleness limit.
    pub fn max_age(&self) -> Option<Duration> {
        (self.max_age > 0).then(|| Duration::from_secs(self.max_age))
    }
}

/// Arguments of `nag2prom export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub bridge: BridgeArgs,

    /// Write to this file atomically (temporary file + rename, for node_exporter's textfile
    /// collector: name it *.prom) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Run `nag2prom export`: 0 written, 1 status.dat unusable (truncated, malformed; an
/// exposition with nagios_up 0 is still written), 2 usage or I/O error.
pub(super) fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let b = &args.bridge;
    let render = b.render_options()?;
    let nagios = config::load(b.config.as_deref(), b.status_file.as_deref(), &b.enrich_options())?;
    let enrich = if nagios.enrichment.is_empty() { None } else { Some(&nagios.enrichment) };
    let (bytes, result) = export_once(&nagios.status_file, &render, enrich, b.max_age());
    match &args.output {
        Some(path) => crate::output::write_file(path, &bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(err @ ReadError::Parse { .. }) => {
            eprintln!("nag2prom: error: {err} (exported nagios_up 0)");
            Ok(ExitCode::from(1))
        }
        Err(err @ ReadError::Io { .. }) => {
            eprintln!("nag2prom: error: {err} (exported nagios_up 0)");
            Ok(ExitCode::from(2))
        }
    }
}
