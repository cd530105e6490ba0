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
    /// cannot fire). Without it only the agreement is checked.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ParityFormat::Text)]
    pub format: ParityFormat,

    /// Exit 1 when anything disagrees or a rule cannot fire (0 otherwise; 2 on errors).
    #[arg(long)]
    pub exit_code: bool,

    /// Timeout of each HTTP request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
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

/// Run; `Ok` carries the exit code.
pub(super) fn run(args: &ParityArgs) -> anyhow::Result<ExitCode> {
    let client = Client::new(&args.prometheus, super::seconds("--timeout", args.timeout)?);
    let services = states(client.states("nagios_service_hard_state")?);
    let hosts: BTreeMap<String, u8> = states(client.states("nagios_host_state")?)
        .into_iter()
        .map(|((host, _), v)| (host, v))
        .collect();
    if services.is_empty() && hosts.is_empty() {
        anyhow::bail!(
            "{} has no nagios_service_hard_state or nagios_host_state series: is it scraping `nag2prom serve`?",
            args.prometheus
        );
    }
    let active = client.alerts()?;
    let alerts: Vec<parity::Labels> =
        active.iter().filter(|(state, _)| state == "firing").map(|(_, l)| l.clone()).collect();
    let mut agreement = parity::compare(&services, &hosts, &alerts);
    let keys = |family: &str,
                pick: fn(f64) -> bool|
     -> anyhow::Result<BTreeSet<(String, String)>> {
        Ok(client.states(family)?.into_iter().filter(|(_, v)| pick(*v)).map(|(k, _)| k).collect())
    };
    let (pending, no_data_only) = parity::alert_circumstances(&active);
    let circumstances = parity::Circumstances {
        acknowledged: keys("nagios_service_acknowledged", |v| v == 1.0)?,
        in_downtime: keys("nagios_service_scheduled_downtime_depth", |v| v > 0.0)?,
        pending,
        no_data_only,
    };
    parity::explain(&mut agreement, &circumstances);
    let (no_data, rules_checked) = match &args.rules {
        None => (None, 0),
        Some(path) => {
            let plan = Plan::read(path).with_context(|| format!("--rules {}", path.display()))?;
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
