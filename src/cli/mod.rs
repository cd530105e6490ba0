//! The command line: argument definitions (clap derive), dispatch, and the exit-code policy.
//!
//! Exit codes scripts can rely on:
//! - `0`: success (warnings allowed);
//! - `1`: the configuration has errors (diagnostics were printed);
//! - `2`: usage or I/O error (bad flag, unreadable `nagios.cfg`, …).

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod check;
mod convert;
mod diff;
mod export;
mod generate;
mod logging;
mod objects;
mod parity;
mod progress;
mod serve;
mod silences;

/// Move monitoring from Nagios Core 4 (Naemon, Icinga 1) to Prometheus.
///
/// nag2prom reads a Nagios installation exactly as Nagios 4 does (nagios.cfg, cfg_file,
/// cfg_dir, resource_file, object definitions, status.dat) and reports every problem with
/// file:line:column. A migration usually goes: `check` the configuration, `convert` it into
/// alerting rules, unit tests and scrape targets, and run `serve` so that Prometheus sees every
/// Nagios state while both systems run side by side.
///
/// Exit codes: 0 success, 1 the input has errors (diagnostics printed), 2 usage or I/O error.
#[derive(Debug, Parser)]
#[command(name = "nag2prom", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// Logging, for every subcommand.
    #[command(flatten)]
    pub log: logging::LogArgs,

    /// Progress and timing of long work (reading, resolving, translating, writing) on
    /// stderr: `auto` shows it on a terminal only, `always` also in pipes and logs (plain
    /// lines), `never` not at all. Off with --log.format json and with --quiet.
    #[arg(long, value_enum, default_value_t = progress::ProgressMode::Auto, global = true)]
    pub progress: progress::ProgressMode,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse a Nagios configuration and report every problem.
    ///
    /// Reads nagios.cfg (with the main-configuration files Naemon's include_file and
    /// include_dir name), every object file it names (cfg_file, cfg_dir, and include_file,
    /// include_dir inside object files) and every resource_file, in the order Nagios reads
    /// them, and prints each problem with its file, line, column and the offending line.
    /// Judged for --target (default nagios: exit 1 wherever `nagios4 -v` of Nagios 4.4.6
    /// refuses the configuration, including an unknown nagios.cfg variable and a temp_path or
    /// check_result_path this machine cannot write to). Exits 0 when there are no errors
    /// (warnings allowed), 1 when there are errors, 2 on usage or I/O errors. Diagnostics go to
    /// stdout, the summary line to stderr.
    ///
    /// Examples:
    ///
    ///   nag2prom check --config /etc/nagios4/nagios.cfg
    ///
    ///   nag2prom check --config /etc/naemon/naemon.cfg --target naemon
    ///
    ///   nag2prom check --config copy-of-prod/nagios.cfg --no-machine-checks
    ///
    ///   nag2prom check objects/hosts.cfg objects/services/      # files or cfg_dir-style dirs
    ///
    ///   nag2prom check --config nagios.cfg --format json | jq .code
    Check(check::CheckArgs),

    /// Print the resolved objects, as Nagios registers them, as JSON Lines.
    ///
    /// Applies templates (multiple `use`, `+`, `null`, custom variables), expands host and
    /// hostgroup lists (`*`, `!`, regexes), group members, services over their hosts
    /// (duplicates resolved as Nagios 4.4.6 does), escalations and dependencies, implied
    /// inheritance and defaults: the object set `nagios4 -vp` writes to its precache. One
    /// object per line, keys `object_type` plus Nagios' directive names; lists are arrays,
    /// custom variables are `_NAME` keys. Types in the order of Nagios' objects.cache
    /// (timeperiods, commands, …, host escalations), each in the order Nagios registers it
    /// (definition order). Errors go to stderr and make the exit code 1.
    ///
    /// Examples:
    ///
    ///   nag2prom objects --config /etc/nagios4/nagios.cfg --type host | jq .host_name
    ///
    ///   nag2prom objects --config nagios.cfg --type service --provenance
    ///
    ///   nag2prom objects --config nagios.cfg --format cache > objects.cache
    Objects(objects::ObjectsArgs),

    /// Serve live Nagios states and performance data from status.dat to Prometheus.
    ///
    /// A bridge exporter: reads status.dat (the status_file of nagios.cfg, or --status-file),
    /// renders it once into the Prometheus text format (and a gzip copy), and serves that to
    /// every scrape until Nagios writes a new status.dat (checked every second). A truncated,
    /// missing or unreadable status.dat is logged and counted, and the last good data keeps
    /// being served; nagios_up turns 0 only when there is none or it is older than
    /// --status.max-age. Routes: / (landing page), /metrics, /-/healthy, /-/ready. Metrics:
    /// docs/metrics.md. Exits 2 when it cannot start (bad flag, nagios.cfg, web config, port
    /// in use).
    ///
    /// Examples:
    ///
    ///   nag2prom serve --config /etc/nagios4/nagios.cfg
    ///
    ///   nag2prom serve --config nagios.cfg --web.listen-address 127.0.0.1:10460 --web.config.file web.yml
    ///
    ///   nag2prom serve --status-file /var/lib/nagios4/status.dat --perfdata.deny '.*'
    ///
    ///   nag2prom serve --config nagios.cfg --enrich.hostgroups --enrich.custom-var _TEAM
    Serve(serve::ServeArgs),

    /// Print the bridge's exposition once (or write it atomically to a file).
    ///
    /// The same metrics as `serve`, read from status.dat once: for node_exporter's textfile
    /// collector (run it from cron or after each status update) or to see what `serve` would
    /// export. Exits 0 when written, 1 when status.dat is truncated or malformed, 2 when it
    /// cannot be read; in both failure cases an exposition with nagios_up 0 is still written.
    ///
    /// Examples:
    ///
    ///   nag2prom export --config /etc/nagios4/nagios.cfg | promtool check metrics
    ///
    ///   nag2prom export --config nagios.cfg --output /var/lib/node_exporter/textfile/nagios.prom
    ///
    ///   nag2prom export --status-file status.dat --perfdata.allow '^check_(disk|load)$'
    Export(export::ExportArgs),
    /// Translate the installation into Prometheus alerting rules, their unit tests, scrape
    /// targets and a prometheus.yml, with a report of what each service became.
    ///
    /// Each service becomes a native rule (an exporter metric compared with the plugin's own
    /// thresholds and edges: check_load, check_disk, check_ping, check_http, …) or a bridged
    /// rule (an alert on the HARD state Nagios computed, exported by `nag2prom serve`), and
    /// report.md / report.json say which and why. Services sharing a check, thresholds and
    /// service level share one rule, its hosts listed once in rules/members.yml. Host checks on
    /// network plugins become native NagiosHostDown rules; rules/meta.yml alerts when Nagios,
    /// the bridge or an exporter goes away, and every native rule has a no-data companion.
    ///
    /// DIR must be missing, empty, or an earlier convert output (its nag2prom-manifest.json
    /// lists every file in it), and may not be, contain or lie inside an input: anything else
    /// is refused with exit code 2 and left untouched. DIR is replaced as a whole, only on
    /// success: with configuration errors nothing is written and the exit code is 1.
    ///
    /// Writes DIR/rules/*.yml, DIR/tests/*.yml (promtool test rules), DIR/targets/*.json
    /// (file_sd), DIR/prometheus.yml, DIR/blackbox.yml, DIR/report.md, DIR/report.json and
    /// DIR/nag2prom-manifest.json. Needs Prometheus 2.42.0 or later.
    ///
    /// Examples:
    ///
    ///   nag2prom convert --config /etc/nagios4/nagios.cfg --out prom/
    ///
    ///   nag2prom convert -c nagios.cfg -o prom/ --label-from-custom-var _SITE=site
    ///
    ///   promtool check rules prom/rules/*.yml && promtool test rules prom/tests/*.yml
    Convert(convert::ConvertArgs),

    /// Show what a change does to the generated alerts, for review in a pull request.
    ///
    /// Compares two sides, each a nagios.cfg (converted on the fly, with the translation
    /// options below for both), a convert output directory, or Prometheus rule files written
    /// by anyone. Rules are matched by name and labels, not position: a threshold change is
    /// shown as `threshold: > 90 → > 95` inside the expression, a `for:` change as
    /// `for: 3m → 15m`, a routing label change as a label change, and each with the hosts and
    /// Nagios services it covers, grouped by the templates or definitions the rules cite.
    /// Targets, probe modules (blackbox, snmp), scrape jobs and Alertmanager routing (receivers, routes,
    /// inhibit rules, time intervals) are compared too. Reordering and formatting
    /// are no change; unchanged things are not shown.
    ///
    /// Exit codes: 0 (with --exit-code: nothing changed), 1 (only with --exit-code:
    /// something changed), 2 (an unreadable or invalid side, named OLD or NEW; nothing is
    /// compared).
    ///
    /// Examples:
    ///
    ///   nag2prom diff old/nagios.cfg new/nagios.cfg
    ///
    ///   nag2prom diff --git-ref origin/main --config nagios/nagios.cfg --format markdown
    ///
    ///   nag2prom diff prom-before/ prom-after/ --exit-code      # two convert outputs
    ///
    ///   nag2prom diff /etc/prometheus/rules/ generated/rules/ --format json | jq .summary
    Diff(diff::DiffArgs),

    /// Check, during the parallel run, that Prometheus alerts where Nagios does.
    ///
    /// Asks a live Prometheus (which scrapes `nag2prom serve` and evaluates the converted
    /// rules) for Nagios' HARD state of every service and host (or reads them from
    /// --status-file) and for the firing alerts, and lists where they disagree: `missed` (Nagios alerts, Prometheus does not), `extra`
    /// (the reverse), `severity` (warning vs critical). Services of a host that is not UP
    /// want no alert; a host not UP wants NagiosHostDown. With --rules, also lists the
    /// alerting rules that cannot fire because a series they need does not exist (a wrong
    /// metric name or label value, an exporter not scraped); --config converts nagios.cfg
    /// in memory for the same check. Each disagreement says why, the first reason that
    /// applies: acknowledged, downtime, pending (the rule's `for:` still running), no-data
    /// (only a no-data companion fires), timing (Nagios has not checked since the alert
    /// began or resolved, or is retrying), host-check, else thresholds. Run it daily.
    ///
    /// Exit codes: 0 (with --exit-code: everything agrees and every rule has data), 1 (only
    /// with --exit-code: something disagrees or cannot fire), 2 (Prometheus unreachable, no
    /// bridge series, unreadable --rules or --config, a status.dat older than
    /// --status.max-age).
    ///
    /// Examples:
    ///
    ///   nag2prom parity --prometheus http://127.0.0.1:9090
    ///
    ///   nag2prom parity --prometheus http://127.0.0.1:9090 --rules /etc/prometheus/nag2prom --exit-code
    ///
    ///   nag2prom parity --prometheus http://127.0.0.1:9090 --format json | jq '.agreement.disagreements'
    ///
    ///   nag2prom parity --prometheus http://127.0.0.1:9090 -c /etc/nagios4/nagios.cfg --status-file /var/lib/nagios4/status.dat
    Parity(parity::ParityArgs),

    /// Turn Nagios' scheduled downtimes into Alertmanager silences.
    ///
    /// Reads the hostdowntime and servicedowntime blocks of status.dat (from nagios.cfg's
    /// status_file, or --status-file; retention.dat works too) and makes a silence of each
    /// downtime Nagios mutes notifications in, now or later: a fixed one from its start to its
    /// end, a flexible one that has started for its duration. A flexible downtime that has not
    /// started (it starts with the first problem) and one triggered by a downtime that has not
    /// started have no Alertmanager form: they are listed, not silenced (notify rather than
    /// miss). A host downtime matches every alert of the host. With --alertmanager the
    /// silences are posted (idempotently: the downtime id is in each comment); without it
    /// they are printed (--format json: the API's PostableSilence).
    ///
    /// Examples:
    ///
    ///   nag2prom silences --config /etc/nagios4/nagios.cfg
    ///
    ///   nag2prom silences --config /etc/nagios4/nagios.cfg --alertmanager http://127.0.0.1:9093
    ///
    ///   nag2prom silences --status-file /var/lib/nagios4/retention.dat --format json
    Silences(silences::SilencesArgs),

    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// Generated from the same definitions as --help, so it always knows every flag.
    ///
    /// Examples:
    ///
    ///   nag2prom completions bash > /etc/bash_completion.d/nag2prom
    ///
    ///   nag2prom completions zsh > "${fpath[1]}/_nag2prom"
    ///
    ///   nag2prom completions fish > ~/.config/fish/completions/nag2prom.fish
    Completions(generate::CompletionsArgs),

    /// Print the man page (roff), or write one page per subcommand with --out-dir.
    ///
    /// Generated from the same definitions as --help.
    ///
    /// Examples:
    ///
    ///   nag2prom man | man -l -
    ///
    ///   nag2prom man --out-dir /usr/share/man/man1      # nag2prom.1, nag2prom-convert.1, …
    Man(generate::ManArgs),
}

/// Output format of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// rustc-style text: `error[code]: message`, then `--> file:line:column`, the line and a caret.
    #[default]
    Human,
    /// One JSON object per line: severity, code, message, file, line, column, byte_start, byte_end.
    Json,
}

/// Parse the command line, run, and return the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are not errors.
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    if let Err(err) = logging::init(&cli.log) {
        let _ = writeln!(io::stderr(), "nag2prom: error: {err:#}");
        return ExitCode::from(2);
    }
    progress::init(cli.progress, cli.log.format == logging::LogFormat::Json);
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Objects(args) => objects::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Parity(args) => parity::run(&args),
        Command::Silences(args) => silences::run(&args),
        Command::Completions(args) => generate::completions(&args),
        Command::Man(args) => generate::man(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(io::stderr(), "nag2prom: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// A duration flag given in seconds: finite, positive and under 10^9 (Duration would
/// overflow, and panic, beyond its range).
fn seconds(flag: &str, value: f64) -> anyhow::Result<std::time::Duration> {
    if !(value.is_finite() && value > 0.0 && value < 1e9) {
        anyhow::bail!("{flag} must be a positive number of seconds");
    }
    Ok(std::time::Duration::from_secs_f64(value))
}

/// The installation named by `--config` and/or object paths (read like `cfg_dir`), for any
/// core.
fn load(
    config: Option<&std::path::Path>,
    paths: &[std::path::PathBuf],
) -> anyhow::Result<crate::source::Installation> {
    load_with(config, paths, &crate::source::LoadOptions::default())
}

/// [`load`], judged as `options` say.
fn load_with(
    config: Option<&std::path::Path>,
    paths: &[std::path::PathBuf],
    options: &crate::source::LoadOptions,
) -> anyhow::Result<crate::source::Installation> {
    let phase = progress::start("reading the configuration");
    let mut inst = match (config, paths.is_empty()) {
        (None, true) => {
            anyhow::bail!("nothing to read: give --config NAGIOS_CFG or object files/directories")
        }
        (Some(config), _) => crate::source::Installation::load_with(config, options)?,
        (None, false) => crate::source::Installation::default(),
    };
    for path in paths {
        if !path.exists() {
            anyhow::bail!("no such file or directory: {}", path.display());
        }
    }
    inst.read_object_paths(paths);
    phase.done(&format!("read and parsed {} files", progress::count(inst.db.iter().count())));
    Ok(inst)
}

/// Let the operating system reclaim `value` at exit instead of freeing it piece by piece: a
/// 10,000-host model is ~100,000 objects and ~4 million allocations, and freeing them one by one
/// takes a tenth of a `check` run for nothing, since the process ends right after.
fn discard<T>(value: T) {
    std::mem::forget(value);
}

/// A closed stdout (`nag2prom check … | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
