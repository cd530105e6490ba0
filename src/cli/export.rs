//! `nag2prom export`: the bridge's exposition, once, to stdout or atomically to a file (for
//! node_exporter's textfile collector). Also holds the options `serve` shares.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use crate::exposition::{Collector, Collectors, EnrichOptions, Options};
use crate::serve::refresh::{DEFAULT_MAX_BYTES, ReadError, ReadLimits};
use crate::serve::{config, export_once};

/// `(collector, --collector.NAME, --no-collector.NAME, what it exports)`.
const COLLECTOR_FLAGS: [(Collector, &str, &str, &str); 10] = [
    (
        Collector::State,
        "collector.state",
        "no-collector.state",
        "state, hard_state, state_type, acknowledged, scheduled_downtime_depth, last_check_timestamp_seconds and info of hosts and services (default: enabled). Every --collector.NAME has a --no-collector.NAME; the last of the two wins",
    ),
    (
        Collector::Checked,
        "collector.checked",
        "no-collector.checked",
        "checked, 0 while PENDING; the same as last_check_timestamp_seconds == 0 (default: disabled)",
    ),
    (
        Collector::Perfdata,
        "collector.perfdata",
        "no-collector.perfdata",
        "performance data values: nagios_perfdata{,_seconds,_bytes,_ratio,_total} (default: enabled)",
    ),
    (
        Collector::Attempts,
        "collector.attempts",
        "no-collector.attempts",
        "check_attempt and max_check_attempts (default: disabled)",
    ),
    (
        Collector::Latency,
        "collector.latency",
        "no-collector.latency",
        "check_latency_seconds and check_execution_time_seconds (default: disabled)",
    ),
    (
        Collector::Switches,
        "collector.switches",
        "no-collector.switches",
        "per-object notifications_enabled and active_checks_enabled (default: disabled)",
    ),
    (
        Collector::Flapping,
        "collector.flapping",
        "no-collector.flapping",
        "flapping (default: disabled)",
    ),
    (
        Collector::StateChanges,
        "collector.state_changes",
        "no-collector.state_changes",
        "last_state_change_timestamp_seconds and last_hard_state_change_timestamp_seconds (default: disabled)",
    ),
    (
        Collector::PerfdataBounds,
        "collector.perfdata_bounds",
        "no-collector.perfdata_bounds",
        "performance data min and max: nagios_perfdata_{min,max}* (default: disabled)",
    ),
    (
        Collector::PerfdataThresholds,
        "collector.perfdata_thresholds",
        "no-collector.perfdata_thresholds",
        "performance data warning/critical thresholds: nagios_perfdata_threshold* (default: disabled)",
    ),
];

/// `--collector.NAME` / `--no-collector.NAME` for every collector, as node_exporter spells
/// them (the last of the two wins).
#[derive(Debug, Clone, Default)]
pub struct CollectorArgs {
    /// The resulting set.
    pub collectors: Collectors,
}

impl clap::FromArgMatches for CollectorArgs {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut args = CollectorArgs::default();
        args.update_from_arg_matches(matches)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        for (collector, on, off, _) in COLLECTOR_FLAGS {
            if matches.get_flag(on) {
                self.collectors.set(collector, true);
            } else if matches.get_flag(off) {
                self.collectors.set(collector, false);
            }
        }
        Ok(())
    }
}

impl clap::Args for CollectorArgs {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for (_, on, off, help) in COLLECTOR_FLAGS {
            cmd = cmd
                .arg(
                    clap::Arg::new(on)
                        .long(on)
                        .action(clap::ArgAction::SetTrue)
                        .overrides_with(off)
                        .help(help),
                )
                .arg(
                    clap::Arg::new(off)
                        .long(off)
                        .action(clap::ArgAction::SetTrue)
                        .overrides_with(on)
                        .hide(true),
                );
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

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

    /// The OLA groups of a conversion (its ola-members.json): export each group's worst
    /// member state as nagios_ola_group_rank{ola_group} and its member count as
    /// nagios_ola_group_members, which the generated rules/ola.yml read. Re-read when the
    /// file changes; a file that cannot be read keeps the last good membership. Two series
    /// per group.
    #[arg(long = "ola.members", value_name = "FILE")]
    pub ola_members: Option<std::path::PathBuf>,

    /// A GOCDB get_downtime export (XML) whose scheduled outages (CLASSIFICATION SCHEDULED,
    /// SEVERITY OUTAGE, as ARGO counts them) put OLA members in downtime while in effect:
    /// a member whose host is the downtime's HOSTNAME and whose _SERVICE_FLAVOUR names its
    /// SERVICE_TYPE ranks 3 (downtime) whatever its state. Needs --ola.members; re-read when
    /// it changes, a file that does not read keeps the last good one.
    #[arg(long = "ola.downtimes", value_name = "GOCDB_XML", requires = "ola_members")]
    pub ola_downtimes: Option<std::path::PathBuf>,

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

    /// A status.dat larger than this many bytes is refused (logged, counted in
    /// nag2prom_status_rejected_total{reason="too_large"}); the last good data is kept.
    #[arg(long = "status.max-bytes", value_name = "BYTES", default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,

    /// A status.dat read still going after this many seconds is abandoned; one blocked in
    /// the kernel (hung NFS) is reported as stalled (nag2prom_status_read_stalled 1, /-/ready
    /// 503) while the last good data is served.
    #[arg(long = "status.read-timeout", value_name = "SECONDS", default_value_t = 30.0)]
    pub read_timeout: f64,

    /// Hosts and services whose host name or service description is longer than this many
    /// bytes are left out (counted in nag2prom_status_objects_dropped{reason="long_name"});
    /// longer check command names are cut.
    #[arg(long = "status.max-name-bytes", value_name = "BYTES",
          default_value_t = crate::exposition::DEFAULT_MAX_NAME_BYTES)]
    pub max_name_bytes: usize,

    #[command(flatten)]
    pub collectors: CollectorArgs,
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
            collectors: self.collectors.collectors,
            max_name_bytes: self.max_name_bytes,
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
            ola_members: self.ola_members.clone(),
            ola_downtimes: self.ola_downtimes.clone(),
        }
    }

    /// The staleness limit.
    pub fn max_age(&self) -> Option<Duration> {
        (self.max_age > 0).then(|| Duration::from_secs(self.max_age))
    }

    /// The bounds of a status.dat read.
    pub fn read_limits(&self) -> anyhow::Result<ReadLimits> {
        Ok(ReadLimits {
            max_bytes: self.max_bytes,
            timeout: super::seconds("--status.read-timeout", self.read_timeout)?,
        })
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
    let nagios =
        config::load(b.config.as_deref(), b.status_file.as_deref(), &b.enrich_options(), false)?;
    let enrich = if nagios.enrichment.is_empty() { None } else { Some(&nagios.enrichment) };
    let (bytes, result) =
        export_once(&nagios.status_file, &render, enrich, b.max_age(), b.read_limits()?);
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
        Err(
            err @ (ReadError::Parse { .. }
            | ReadError::Changed { .. }
            | ReadError::Incomplete { .. }),
        ) => {
            eprintln!("nag2prom: error: {err} (exported nagios_up 0)");
            Ok(ExitCode::from(1))
        }
        Err(
            err @ (ReadError::Io { .. }
            | ReadError::NotRegular { .. }
            | ReadError::TooLarge { .. }
            | ReadError::Timeout { .. }),
        ) => {
            eprintln!("nag2prom: error: {err} (exported nagios_up 0)");
            Ok(ExitCode::from(2))
        }
    }
}
