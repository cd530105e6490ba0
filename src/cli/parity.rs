//! `nag2prom parity`: compare what a live Prometheus alerts on with what Nagios says, and list
//! the generated rules that cannot fire (see [`crate::parity`]).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::parity::{self, Agreement, NoData, prometheus::Client};
use crate::plan::Plan;

/// `nag2prom parity`.
#[derive(Debug, Args)]
pub struct ParityArgs {
    /// The Prometheus that scrapes `nag2prom serve` and evaluates the converted rules
    /// (`http://HOST:PORT`, with any path prefix; plain HTTP).
    #[arg(long, value_name = "URL")]
    pub prometheus: String,

    /// The rules Prometheus evaluates: a `convert --out` directory or rule files. Each
    /// alerting rule is checked for series it needs and Prometheus does not have (a rule that
    /// cannot fire). Without it (or --config) only the agreement is checked.
    #[arg(long, value_name = "DIR", conflicts_with = "config")]
    pub rules: Option<PathBuf>,

    /// The Nagios configuration the rules were converted from: converted again in memory
    /// (with the translation flags below, as `convert` took them) and its rules checked as
    /// --rules checks them.
    #[arg(long, short = 'c', value_name = "NAGIOS_CFG")]
    pub config: Option<PathBuf>,

    /// Nagios' own state: read HARD states, acknowledgements and downtimes from this
    /// status.dat instead of from the bridge's series in Prometheus, so the comparison does
    /// not depend on the bridge.
    #[arg(long, value_name = "STATUS_DAT")]
    pub status_file: Option<PathBuf>,

    /// With --status-file: refuse a status.dat whose `created` time is older than this many
    /// seconds (Nagios has stopped writing it, so its states are not current); 0: no limit.
    #[arg(long = "status.max-age", value_name = "SECONDS", default_value_t = 300)]
    pub max_age: u64,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ParityFormat::Text)]
    pub format: ParityFormat,

    /// Exit 1 when anything disagrees or a rule cannot fire (0 otherwise; 2 on errors).
    #[arg(long)]
    pub exit_code: bool,

    /// Timeout of each HTTP request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,

    /// How --config is translated (give the flags `convert` was run with).
    #[command(flatten)]
    pub translate: super::convert::TranslateArgs,
}

/// Output format of `parity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParityFormat {
    /// A summary line, then one line per disagreement and per rule that cannot fire.
    Text,
    /// `{"agreement": …, "no_data": […]}`.
    Json,
}

#[derive(Debug, Serialize)]
struct Report {
    agreement: Agreement,
    /// `None` without --rules.
    no_data: Option<Vec<NoData>>,
    /// Alerting rules checked for data.
    rules_checked: usize,
}

fn states(map: BTreeMap<(String, String), f64>) -> BTreeMap<(String, String), u8> {
    map.into_iter().filter(|(_, v)| v.is_finite()).map(|(k, v)| (k, v as u8)).collect()
}

/// What Nagios says: HARD states of services and hosts, and which services are
/// acknowledged or in downtime.
struct NagiosSide {
    services: BTreeMap<(String, String), u8>,
    hosts: BTreeMap<String, u8>,
    acknowledged: BTreeSet<(String, String)>,
    in_downtime: BTreeSet<(String, String)>,
    /// Each service's last check (Unix seconds).
    last_check: BTreeMap<(String, String), i64>,
    /// Services whose current (SOFT) state is not the HARD one: Nagios is retrying.
    soft: BTreeSet<(String, String)>,
}

/// Nagios' side from the bridge's series in Prometheus.
fn from_prometheus(client: &Client, url: &str) -> anyhow::Result<NagiosSide> {
    let services = states(client.states("nagios_service_hard_state")?);
    let hosts: BTreeMap<String, u8> = states(client.states("nagios_host_state")?)
        .into_iter()
        .map(|((host, _), v)| (host, v))
        .collect();
    if services.is_empty() && hosts.is_empty() {
        anyhow::bail!(
            "{url} has no nagios_service_hard_state or nagios_host_state series: is it scraping `nag2prom serve`? (or give --status-file)"
        );
    }
    let keys = |family: &str,
                pick: fn(f64) -> bool|
     -> anyhow::Result<BTreeSet<(String, String)>> {
        Ok(client.states(family)?.into_iter().filter(|(_, v)| pick(*v)).map(|(k, _)| k).collect())
    };
    let current = states(client.states("nagios_service_state")?);
    let soft = current
        .iter()
        .filter(|(k, v)| services.get(*k).is_some_and(|hard| hard != *v))
        .map(|(k, _)| k.clone())
        .collect();
    let last_check = client
        .states("nagios_service_last_check_timestamp_seconds")?
        .into_iter()
        .filter(|(_, v)| v.is_finite() && *v > 0.0)
        .map(|(k, v)| (k, v as i64))
        .collect();
    Ok(NagiosSide {
        acknowledged: keys("nagios_service_acknowledged", |v| v == 1.0)?,
        in_downtime: keys("nagios_service_scheduled_downtime_depth", |v| v > 0.0)?,
        services,
        hosts,
        last_check,
        soft,
    })
}

/// Nagios' side from a status.dat, refused when older than `max_age` seconds (0: no limit)
/// at `now`: the same values the bridge exports (`last_hard_state`,
/// `problem_has_been_acknowledged`, `scheduled_downtime_depth`).
fn from_status(bytes: &[u8], max_age: u64, now: i64) -> anyhow::Result<NagiosSide> {
    let snapshot = crate::status::Snapshot::parse(bytes)?;
    if max_age > 0 {
        let created = snapshot
            .info
            .created
            .ok_or_else(|| anyhow::anyhow!("it has no `created` time to check its age by"))?;
        let age = now.saturating_sub(created);
        if age > i64::try_from(max_age).unwrap_or(i64::MAX) {
            anyhow::bail!(
                "it was written {age} s ago, more than --status.max-age {max_age}: is Nagios running?"
            );
        }
    }
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut side = NagiosSide {
        services: BTreeMap::new(),
        hosts: BTreeMap::new(),
        acknowledged: BTreeSet::new(),
        in_downtime: BTreeSet::new(),
        last_check: BTreeMap::new(),
        soft: BTreeSet::new(),
    };
    for h in &snapshot.hosts {
        if let Some(state) = h.last_hard_state {
            side.hosts.insert(text(h.host), state);
        }
    }
    for s in &snapshot.services {
        let key = (text(s.host), text(s.service));
        if s.acknowledged == Some(true) {
            side.acknowledged.insert(key.clone());
        }
        if s.scheduled_downtime_depth.is_some_and(|d| d > 0) {
            side.in_downtime.insert(key.clone());
        }
        if let Some(t) = s.last_check.filter(|t| *t > 0) {
            side.last_check.insert(key.clone(), t);
        }
        if let Some(state) = s.last_hard_state {
            if s.current_state.is_some_and(|c| c != state) {
                side.soft.insert(key.clone());
            }
            side.services.insert(key, state);
        }
    }
    if side.services.is_empty() && side.hosts.is_empty() {
        anyhow::bail!("it holds no host or service with a HARD state");
    }
    Ok(side)
}

/// The rules to check for data: from --rules, or converted from --config.
fn rules_plan(args: &ParityArgs) -> anyhow::Result<Option<Plan>> {
    if let Some(path) = &args.rules {
        return Plan::read(path).with_context(|| format!("--rules {}", path.display())).map(Some);
    }
    let Some(config) = &args.config else { return Ok(None) };
    match super::convert::plan(Some(config), &[], &args.translate) {
        Ok((plan, _)) => Ok(Some(plan)),
        Err(super::convert::Failed::Config(n)) => {
            anyhow::bail!("--config {}: {n} error(s); nothing compared", config.display())
        }
        Err(super::convert::Failed::Other(e)) => {
            Err(e.context(format!("--config {}", config.display())))
        }
    }
}

/// How far back `parity` looks for alerts that fired and resolved (the `timing` reason).
const LAST_FIRED_WINDOW: &str = "1h";

/// Run; `Ok` carries the exit code.
pub(super) fn run(args: &ParityArgs) -> anyhow::Result<ExitCode> {
    let client = Client::new(&args.prometheus, super::seconds("--timeout", args.timeout)?);
    // Both inputs are read before anything is compared: a bad one is an error, never a
    // partial report.
    let plan = rules_plan(args)?;
    let nagios = match &args.status_file {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("--status-file {}", path.display()))?;
            let now = crate::serve::refresh::unix_now() as i64;
            from_status(&bytes, args.max_age, now)
                .with_context(|| format!("--status-file {}", path.display()))?
        }
        None => from_prometheus(&client, &args.prometheus)?,
    };
    let NagiosSide { services, hosts, acknowledged, in_downtime, last_check, soft } = nagios;
    let listed = client.active_alerts()?;
    let mut active_since: BTreeMap<(String, String), i64> = BTreeMap::new();
    for a in listed.iter().filter(|a| a.state == "firing") {
        let (Some(host), Some(service), Some(t)) =
            (a.labels.get("host"), a.labels.get("service"), a.since)
        else {
            continue;
        };
        let slot = active_since.entry((host.clone(), service.clone())).or_insert(t);
        *slot = (*slot).min(t);
    }
    let active: Vec<(String, parity::Labels)> =
        listed.into_iter().map(|a| (a.state, a.labels)).collect();
    let alerts: Vec<parity::Labels> =
        active.iter().filter(|(state, _)| state == "firing").map(|(_, l)| l.clone()).collect();
    let mut agreement = parity::compare(&services, &hosts, &alerts);
    let (pending, no_data_only) = parity::alert_circumstances(&active);
    // Alerts that fired and resolved since Nagios' last check: an hour back covers check
    // intervals up to an hour.
    let last_fired = client.last_fired(LAST_FIRED_WINDOW)?;
    let circumstances = parity::Circumstances {
        acknowledged,
        in_downtime,
        pending,
        no_data_only,
        last_check,
        soft,
        active_since,
        last_fired,
    };
    parity::explain(&mut agreement, &circumstances);
    let (no_data, rules_checked) = match plan {
        None => (None, 0),
        Some(plan) => {
            let rules: Vec<_> = plan.rules.iter().filter(|r| r.rule.is_alert()).collect();
            // Each expression parsed once: for the selectors to ask for, then for the check.
            let trees: Vec<_> =
                rules.iter().map(|r| promql_parser::parser::parse(&r.rule.expr)).collect();
            let selectors: BTreeSet<String> =
                trees.iter().flatten().flat_map(parity::selectors).collect();
            let mut has = BTreeMap::new();
            for s in selectors {
                let found = !client.query(&format!("count({s})"))?.is_empty();
                has.insert(s, found);
            }
            let lookup = |s: &str| has.get(s).copied().unwrap_or(false);
            let rows: Vec<_> = rules
                .iter()
                .zip(&trees)
                .map(|(r, tree)| parity::RuleRef {
                    file: r.file.as_str(),
                    alert: r.rule.name(),
                    service: r.rule.labels.get("service").map(String::as_str),
                    severity: r.rule.labels.get("severity").map(String::as_str),
                    tree,
                })
                .collect();
            let list = parity::no_data(&rows, &lookup);
            (Some(list), rules.len())
        }
    };
    let report = Report { agreement, no_data, rules_checked };
    let mut out = io::stdout().lock();
    match args.format {
        ParityFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        ParityFormat::Text => write_text(&mut out, &report)?,
    }
    // A rule whose no-data companion can fire is noticed (the companion alerts): only the
    // others make the run fail.
    let bad = !report.agreement.disagreements.is_empty()
        || report.no_data.iter().flatten().any(|n| n.covered_by.is_none());
    Ok(ExitCode::from(u8::from(args.exit_code && bad)))
}

fn write_text(out: &mut impl Write, r: &Report) -> io::Result<()> {
    let a = &r.agreement;
    writeln!(
        out,
        "agreement: {} of {} services and hosts ({} services, {} hosts); {} disagree",
        a.agree,
        a.services + a.hosts,
        a.services,
        a.hosts,
        a.disagreements.len()
    )?;
    for d in &a.disagreements {
        let what = match &d.service {
            Some(s) => format!("{}/{s}", d.host),
            None => d.host.clone(),
        };
        let name = |rank| ["none", "warning", "critical"].get(usize::from(rank)).copied();
        writeln!(
            out,
            "  {} {what}: Nagios HARD state {} wants {}, firing {} ({})",
            d.kind,
            d.nagios_state,
            name(d.wanted).unwrap_or("?"),
            name(d.firing).unwrap_or("?"),
            d.reason
        )?;
    }
    if let Some(list) = &r.no_data {
        let silent = list.iter().filter(|n| n.covered_by.is_none()).count();
        writeln!(
            out,
            "rules: {} of {} alerting rules cannot fire (a selector they need has no series), {silent} of them silently",
            list.len(),
            r.rules_checked
        )?;
        for n in list {
            let service = match (&n.service, &n.severity) {
                (Some(s), Some(v)) => format!(" (service {s}, {v})"),
                (Some(s), None) => format!(" (service {s})"),
                (None, Some(v)) => format!(" ({v})"),
                (None, None) => String::new(),
            };
            let cover = match &n.covered_by {
                Some(c) => format!("; {c} alerts on the missing data instead"),
                None => "; nothing alerts on it".to_owned(),
            };
            writeln!(
                out,
                "  {} {}{service}: no series for {}{cover}",
                n.file,
                n.alert,
                n.missing.join(", ")
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "info {\n\tcreated=1000\n\t}\n\
        hoststatus {\n\thost_name=a\n\tlast_hard_state=0\n\t}\n\
        hoststatus {\n\thost_name=b\n\tlast_hard_state=1\n\t}\n\
        servicestatus {\n\thost_name=a\n\tservice_description=Disk\n\tcurrent_state=2\n\tlast_hard_state=1\n\tlast_check=990\n\tproblem_has_been_acknowledged=1\n\t}\n\
        servicestatus {\n\thost_name=a\n\tservice_description=Load\n\tlast_hard_state=2\n\tscheduled_downtime_depth=1\n\t}\n\
        servicestatus {\n\thost_name=b\n\tservice_description=Never checked\n\t}\n";

    #[test]
    fn status_dat_gives_the_states_the_bridge_exports() {
        let side = from_status(STATUS.as_bytes(), 300, 1100).unwrap();
        let key = |h: &str, s: &str| (h.to_owned(), s.to_owned());
        // HARD states, not the current soft one; a service without one is not compared.
        assert_eq!(side.services, BTreeMap::from([(key("a", "Disk"), 1), (key("a", "Load"), 2)]));
        assert_eq!(side.hosts, BTreeMap::from([("a".to_owned(), 0), ("b".to_owned(), 1)]));
        assert_eq!(side.acknowledged, BTreeSet::from([key("a", "Disk")]));
        assert_eq!(side.in_downtime, BTreeSet::from([key("a", "Load")]));
        // For `timing`: when Nagios last checked, and that it is retrying (SOFT 2, HARD 1).
        assert_eq!(side.last_check, BTreeMap::from([(key("a", "Disk"), 990)]));
        assert_eq!(side.soft, BTreeSet::from([key("a", "Disk")]));
    }

    #[test]
    fn a_stale_or_empty_status_dat_is_refused() {
        let err = from_status(STATUS.as_bytes(), 300, 1301).err().unwrap().to_string();
        assert!(err.contains("301 s ago") && err.contains("--status.max-age 300"), "{err}");
        // 0 lifts the limit; a file without `created` cannot be checked for age.
        assert!(from_status(STATUS.as_bytes(), 0, 1_000_000).is_ok());
        let undated = STATUS.replace("\tcreated=1000\n", "");
        let err = from_status(undated.as_bytes(), 300, 1100).err().unwrap().to_string();
        assert!(err.contains("no `created` time"), "{err}");
        let err = from_status(b"info {\n\tcreated=1000\n\t}\n", 300, 1000).err().unwrap();
        assert!(err.to_string().contains("no host or service"), "{err}");
    }
}
