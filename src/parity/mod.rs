//! `nag2prom parity`: evidence that Prometheus alerts where Nagios does, during the parallel
//! run. Two checks against a live Prometheus that scrapes `nag2prom serve` and evaluates the
//! rules `convert` wrote:
//!
//! - **Agreement** ([`compare`]): Nagios' HARD state of every service and host (the bridge's
//!   `nagios_service_hard_state` / `nagios_host_state`, as Prometheus has them) against the
//!   firing alerts. A service in HARD WARNING or UNKNOWN wants an alert of severity warning or
//!   more, CRITICAL one of severity critical, OK none; services of a host that is not UP want
//!   none (their alerts are suppressed while the host is down, as Nagios suppresses their
//!   notifications); a host not UP wants `NagiosHostDown`.
//! - **Rules that can never fire** ([`no_data`]): an alerting rule whose expression cannot
//!   produce a sample because a selector it needs matches no series (`a > 5` needs `a`; `a or
//!   b` needs either; `a unless b` needs `a` only; `absent(…)` needs nothing).
//!
//! The queries live in [`prometheus`]; everything here is pure.

pub mod prometheus;

use std::collections::{BTreeMap, BTreeSet};

use promql_parser::parser::Expr;
use serde::Serialize;

/// The severity rank of a state or an alert: 0 none, 1 warning (or unknown), 2 critical.
pub type Rank = u8;

/// What Nagios says and what fires, for one service or host that disagrees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// The host.
    pub host: String,
    /// The service (`None` for the host itself).
    pub service: Option<String>,
    /// `missed` (Nagios alerts, Prometheus does not), `extra` (the reverse) or `severity`.
    pub kind: &'static str,
    /// Nagios' HARD state (0 OK … 3 UNKNOWN; hosts 0 UP, 1 DOWN, 2 UNREACHABLE).
    pub nagios_state: u8,
    /// The rank Nagios' state wants.
    pub wanted: Rank,
    /// The highest rank of the firing alerts.
    pub firing: Rank,
    /// Why, as far as the live state tells ([`explain`]).
    pub reason: &'static str,
}

/// Services by `(host, service)`.
pub type ServiceSet = BTreeSet<(String, String)>;

/// What else Prometheus and the bridge say about the services, to explain a disagreement.
#[derive(Debug, Clone, Default)]
pub struct Circumstances {
    /// Services whose problem Nagios has acknowledged (`nagios_service_acknowledged == 1`).
    pub acknowledged: ServiceSet,
    /// Services in a scheduled downtime (`nagios_service_scheduled_downtime_depth > 0`).
    pub in_downtime: ServiceSet,
    /// Services with an alert still pending (its `for:` running).
    pub pending: ServiceSet,
    /// Services whose firing alerts are all no-data companions (`…NoData`): the rule's data is
    /// missing.
    pub no_data_only: ServiceSet,
    /// Nagios' last check of each service (Unix seconds; `last_check`).
    pub last_check: BTreeMap<(String, String), i64>,
    /// Services Nagios is retrying: the current (SOFT) state is not the HARD one.
    pub soft: ServiceSet,
    /// When the oldest firing alert of each service became active (`activeAt`).
    pub active_since: BTreeMap<(String, String), i64>,
    /// When an alert of each service last fired (within the window Prometheus was asked
    /// about), for alerts that no longer fire as well.
    pub last_fired: BTreeMap<(String, String), i64>,
}

impl Circumstances {
    /// The two sides see the same problem a check apart: a missed alert fired after Nagios'
    /// last check (the metric recovered since; Nagios sees it at its next check); an alert
    /// that fires became active after Nagios' last check, or Nagios is retrying (SOFT).
    fn a_check_apart(&self, kind: &str, key: &(String, String)) -> bool {
        let Some(&checked) = self.last_check.get(key) else { return false };
        if kind == "missed" {
            self.last_fired.get(key).is_some_and(|&t| t >= checked)
        } else {
            self.soft.contains(key) || self.active_since.get(key).is_some_and(|&t| t > checked)
        }
    }
}

/// The reason of each disagreement, the first that applies: `acknowledged` or `downtime`
/// (Nagios notifies no one; `nag2prom silences` mutes the same alerts in Alertmanager),
/// `pending` (the generated rule's `for:` is still running: Nagios' retries and the rule's
/// window are not in step), `no-data` (what fires is a no-data companion: the exporter does
/// not have what the rule reads), `timing` (the two see the same problem a check apart:
/// Nagios has not checked since the alert began or ended, or is retrying), else `thresholds`
/// (the rule and the plugin disagree on the same data: compare the rule's expression with the
/// plugin's output).
pub fn explain(agreement: &mut Agreement, circumstances: &Circumstances) {
    for d in &mut agreement.disagreements {
        let Some(service) = &d.service else {
            d.reason = "host-check";
            continue;
        };
        let key = (d.host.clone(), service.clone());
        d.reason = if circumstances.acknowledged.contains(&key) {
            "acknowledged"
        } else if circumstances.in_downtime.contains(&key) {
            "downtime"
        } else if d.kind == "missed" && circumstances.pending.contains(&key) {
            "pending"
        } else if d.kind != "missed" && circumstances.no_data_only.contains(&key) {
            "no-data"
        } else if circumstances.a_check_apart(d.kind, &key) {
            "timing"
        } else {
            "thresholds"
        };
    }
}

/// The services of `alerts` (state, labels) that have a pending alert, and those whose firing
/// alerts are all no-data companions.
pub fn alert_circumstances(alerts: &[(String, Labels)]) -> (ServiceSet, ServiceSet) {
    let mut pending = BTreeSet::new();
    let mut firing: BTreeMap<(String, String), bool> = BTreeMap::new();
    for (state, labels) in alerts {
        let (Some(host), Some(service)) = (labels.get("host"), labels.get("service")) else {
            continue;
        };
        let key = (host.clone(), service.clone());
        let no_data = labels.get("alertname").is_some_and(|a| a.ends_with("NoData"));
        match state.as_str() {
            "pending" => {
                pending.insert(key);
            }
            "firing" => {
                let all = firing.entry(key).or_insert(true);
                *all &= no_data;
            }
            _ => {}
        }
    }
    let no_data_only = firing.into_iter().filter(|(_, all)| *all).map(|(k, _)| k).collect();
    (pending, no_data_only)
}

/// The result of [`compare`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Agreement {
    /// Services compared.
    pub services: usize,
    /// Hosts compared.
    pub hosts: usize,
    /// Services and hosts on which both agree.
    pub agree: usize,
    /// The others.
    pub disagreements: Vec<Disagreement>,
}

/// A firing alert's labels.
pub type Labels = BTreeMap<String, String>;

fn alert_rank(labels: &Labels) -> Rank {
    match labels.get("severity").map(String::as_str) {
        Some("critical") => 2,
        _ => 1,
    }
}

/// Compare Nagios' HARD states (`(host, service) → state`, `host → state`) with `alerts`.
pub fn compare(
    services: &BTreeMap<(String, String), u8>,
    hosts: &BTreeMap<String, u8>,
    alerts: &[Labels],
) -> Agreement {
    let mut fired: BTreeMap<(&str, &str), Rank> = BTreeMap::new();
    let mut host_down: BTreeSet<&str> = BTreeSet::new();
    for a in alerts {
        let host = a.get("host").map_or("", String::as_str);
        match a.get("service") {
            Some(service) => {
                let slot = fired.entry((host, service.as_str())).or_insert(0);
                *slot = (*slot).max(alert_rank(a));
            }
            None if a.get("alertname").is_some_and(|n| n == "NagiosHostDown") => {
                host_down.insert(host);
            }
            None => {}
        }
    }
    let mut out =
        Agreement { services: services.len(), hosts: hosts.len(), ..Agreement::default() };
    let mut push = |host: &str, service: Option<&str>, state: u8, wanted: Rank, firing: Rank| {
        if wanted == firing {
            out.agree += 1;
            return;
        }
        let kind = match (wanted, firing) {
            (_, 0) => "missed",
            (0, _) => "extra",
            _ => "severity",
        };
        out.disagreements.push(Disagreement {
            host: host.to_owned(),
            service: service.map(str::to_owned),
            kind,
            nagios_state: state,
            wanted,
            firing,
            reason: "",
        });
    };
    for (host, &state) in hosts {
        let firing = Rank::from(host_down.contains(host.as_str()));
        push(host, None, state, Rank::from(state != 0), firing);
    }
    for ((host, service), &state) in services {
        let host_up = hosts.get(host).is_none_or(|s| *s == 0);
        let wanted = match (state, host_up) {
            (_, false) | (0, _) => 0,
            (2, _) => 2,
            _ => 1,
        };
        let firing = fired.get(&(host.as_str(), service.as_str())).copied().unwrap_or(0);
        push(host, Some(service), state, wanted, firing);
    }
    out
}

/// The vector selectors of `expr` (as PromQL text), each once, in order.
pub fn selectors(expr: &Expr) -> Vec<String> {
    fn walk(e: &Expr, out: &mut Vec<String>) {
        match e {
            Expr::VectorSelector(v) => out.push(v.to_string()),
            Expr::MatrixSelector(m) => out.push(m.vs.to_string()),
            Expr::Aggregate(a) => walk(&a.expr, out),
            Expr::Unary(u) => walk(&u.expr, out),
            Expr::Paren(p) => walk(&p.expr, out),
            Expr::Subquery(s) => walk(&s.expr, out),
            Expr::Binary(b) => {
                walk(&b.lhs, out);
                walk(&b.rhs, out);
            }
            Expr::Call(c) => c.args.args.iter().for_each(|a| walk(a, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(expr, &mut out);
    let mut seen = BTreeSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out
}

/// Whether `expr` can produce a sample, given which selectors have series (`has`).
pub fn can_have_data(expr: &Expr, has: &dyn Fn(&str) -> bool) -> bool {
    match expr {
        Expr::VectorSelector(v) => has(&v.to_string()),
        Expr::MatrixSelector(m) => has(&m.vs.to_string()),
        Expr::Aggregate(a) => can_have_data(&a.expr, has),
        Expr::Unary(u) => can_have_data(&u.expr, has),
        Expr::Paren(p) => can_have_data(&p.expr, has),
        Expr::Subquery(s) => can_have_data(&s.expr, has),
        Expr::Binary(b) => {
            let (l, r) = (can_have_data(&b.lhs, has), can_have_data(&b.rhs, has));
            match b.op.to_string().as_str() {
                "or" => l || r,
                "unless" => l,
                _ => l && r,
            }
        }
        Expr::Call(c) => match c.func.name {
            // Produce a sample without any input series.
            "absent" | "absent_over_time" | "vector" | "time" | "scalar" | "pi" => true,
            _ => c.args.args.iter().all(|a| can_have_data(a, has)),
        },
        _ => true,
    }
}

/// An alerting rule that cannot fire now: the selectors it needs that match no series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoData {
    /// The rule file (relative to the convert output).
    pub file: String,
    /// The alert name.
    pub alert: String,
    /// Its `service` label, when it has one.
    pub service: Option<String>,
    /// Its `severity` label, when it has one.
    pub severity: Option<String>,
    /// The selectors with no series.
    pub missing: Vec<String>,
    /// The rule's no-data companion (`<alert>NoData`, same service) when there is one that
    /// can fire: the service's missing data is then alerted on, not silent.
    pub covered_by: Option<String>,
}

/// One alerting rule as [`no_data`] reads it.
#[derive(Debug, Clone, Copy)]
pub struct RuleRef<'a> {
    /// The rule file.
    pub file: &'a str,
    /// The alert name.
    pub alert: &'a str,
    /// Its `service` label.
    pub service: Option<&'a str>,
    /// Its `severity` label.
    pub severity: Option<&'a str>,
    /// Its expression, parsed (`promql_parser::parser::parse`; the error when it does not parse).
    pub tree: &'a Result<Expr, String>,
}

/// The alerting rules of `rules` that cannot fire with
/// the series `has` says exist, each with its no-data companion when that one can fire. An
/// expression that does not parse is listed with itself as the missing selector.
pub fn no_data(rules: &[RuleRef<'_>], has: &dyn Fn(&str) -> bool) -> Vec<NoData> {
    let mut out = Vec::new();
    let mut can_fire = BTreeSet::new();
    for r in rules {
        let entry = |missing| NoData {
            file: r.file.to_owned(),
            alert: r.alert.to_owned(),
            service: r.service.map(str::to_owned),
            severity: r.severity.map(str::to_owned),
            missing,
            covered_by: None,
        };
        match r.tree {
            Ok(tree) if can_have_data(tree, has) => {
                can_fire.insert((r.alert, r.service));
            }
            Ok(tree) => {
                let missing = selectors(tree).into_iter().filter(|s| !has(s)).collect();
                out.push(entry(missing));
            }
            Err(e) => out.push(entry(vec![format!("(does not parse: {e})")])),
        }
    }
    for n in &mut out {
        let companion = format!("{}NoData", n.alert);
        if can_fire.contains(&(companion.as_str(), n.service.as_deref())) {
            n.covered_by = Some(companion);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use promql_parser::parser;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn agreement_by_rank_and_host_state() {
        let services: BTreeMap<(String, String), u8> = [
            (("a", "ok"), 0),
            (("a", "warn"), 1),
            (("a", "crit"), 2),
            (("a", "unknown"), 3),
            (("b", "crit"), 2),
            (("a", "missed"), 2),
        ]
        .into_iter()
        .map(|((h, s), v)| ((h.to_owned(), s.to_owned()), v))
        .collect();
        let hosts: BTreeMap<String, u8> = [("a".to_owned(), 0), ("b".to_owned(), 1)].into();
        let alerts = vec![
            labels(&[("host", "a"), ("service", "warn"), ("severity", "warning")]),
            labels(&[("host", "a"), ("service", "crit"), ("severity", "warning")]),
            labels(&[("host", "a"), ("service", "crit"), ("severity", "critical")]),
            labels(&[("host", "a"), ("service", "unknown"), ("severity", "warning")]),
            labels(&[("host", "a"), ("service", "ok"), ("severity", "warning")]),
            labels(&[("alertname", "NagiosHostDown"), ("host", "b")]),
        ];
        let got = compare(&services, &hosts, &alerts);
        assert_eq!((got.services, got.hosts, got.agree), (6, 2, 6));
        let kinds: Vec<(&str, Option<&str>, &str)> = got
            .disagreements
            .iter()
            .map(|d| (d.host.as_str(), d.service.as_deref(), d.kind))
            .collect();
        assert_eq!(kinds, [("a", Some("missed"), "missed"), ("a", Some("ok"), "extra")]);
    }

    /// Each disagreement gets the first reason that applies.
    #[test]
    fn disagreements_are_explained() {
        let key = |s: &str| ("h".to_owned(), s.to_owned());
        let services: BTreeMap<(String, String), u8> = ["acked", "down", "slow", "other"]
            .iter()
            .map(|s| (key(s), 2))
            .chain([(key("blind"), 0)])
            .collect();
        let hosts: BTreeMap<String, u8> = [("h".to_owned(), 0)].into();
        let active = vec![
            (
                "pending".to_owned(),
                labels(&[("host", "h"), ("service", "slow"), ("alertname", "NagiosCheckLoad")]),
            ),
            (
                "firing".to_owned(),
                labels(&[
                    ("host", "h"),
                    ("service", "blind"),
                    ("alertname", "NagiosCheckUsersNoData"),
                    ("severity", "warning"),
                ]),
            ),
        ];
        let firing: Vec<Labels> =
            active.iter().filter(|(s, _)| s == "firing").map(|(_, l)| l.clone()).collect();
        let mut got = compare(&services, &hosts, &firing);
        let (pending, no_data_only) = alert_circumstances(&active);
        let circumstances = Circumstances {
            acknowledged: [key("acked")].into(),
            in_downtime: [key("down")].into(),
            pending,
            no_data_only,
            ..Circumstances::default()
        };
        explain(&mut got, &circumstances);
        let reasons: BTreeMap<&str, (&str, &str)> = got
            .disagreements
            .iter()
            .map(|d| (d.service.as_deref().unwrap_or(""), (d.kind, d.reason)))
            .collect();
        assert_eq!(reasons["acked"], ("missed", "acknowledged"));
        assert_eq!(reasons["down"], ("missed", "downtime"));
        assert_eq!(reasons["slow"], ("missed", "pending"));
        assert_eq!(reasons["other"], ("missed", "thresholds"));
        assert_eq!(reasons["blind"], ("extra", "no-data"));
        // A no-data companion beside the rule's own alert is not "only no data".
        let both = vec![
            (
                "firing".to_owned(),
                labels(&[("host", "h"), ("service", "x"), ("alertname", "AlertNoData")]),
            ),
            (
                "firing".to_owned(),
                labels(&[("host", "h"), ("service", "x"), ("alertname", "Alert")]),
            ),
        ];
        assert!(alert_circumstances(&both).1.is_empty());
    }

    /// A check apart: an alert that fired after Nagios' last check and resolved, an alert
    /// newer than the last check, Nagios retrying; older alerts are not timing.
    #[test]
    fn disagreements_a_check_apart_are_timing() {
        let key = |s: &str| ("h".to_owned(), s.to_owned());
        let services: BTreeMap<(String, String), u8> = [
            (key("recovered since"), 2),
            (key("resolved before"), 2),
            (key("new alert"), 0),
            (key("old alert"), 0),
            (key("retrying"), 0),
        ]
        .into();
        let hosts: BTreeMap<String, u8> = [("h".to_owned(), 0)].into();
        let firing: Vec<Labels> = ["new alert", "old alert", "retrying"]
            .iter()
            .map(|s| labels(&[("host", "h"), ("service", s), ("severity", "warning")]))
            .collect();
        let mut got = compare(&services, &hosts, &firing);
        let circumstances = Circumstances {
            last_check: [
                "recovered since",
                "resolved before",
                "new alert",
                "old alert",
                "retrying",
            ]
            .iter()
            .map(|s| (key(s), 1000))
            .collect(),
            soft: [key("retrying")].into(),
            active_since: [
                (key("new alert"), 1001),
                (key("old alert"), 999),
                (key("retrying"), 10),
            ]
            .into(),
            last_fired: [(key("recovered since"), 1030), (key("resolved before"), 990)].into(),
            ..Circumstances::default()
        };
        explain(&mut got, &circumstances);
        let reasons: BTreeMap<&str, (&str, &str)> = got
            .disagreements
            .iter()
            .map(|d| (d.service.as_deref().unwrap_or(""), (d.kind, d.reason)))
            .collect();
        assert_eq!(reasons["recovered since"], ("missed", "timing"));
        assert_eq!(reasons["resolved before"], ("missed", "thresholds"));
        assert_eq!(reasons["new alert"], ("extra", "timing"));
        assert_eq!(reasons["old alert"], ("extra", "thresholds"));
        assert_eq!(reasons["retrying"], ("extra", "timing"));
    }

    #[test]
    fn what_an_expression_needs() {
        let has = |s: &str| s.starts_with("up");
        let can = |e: &str| can_have_data(&parser::parse(e).unwrap(), &has);
        assert!(can("up > 1"));
        assert!(!can("node_load1 > 5"));
        assert!(!can("node_load1 > 5 and on(host) up"));
        assert!(can("node_load1 > 5 or up"));
        assert!(can("up unless node_load1"));
        assert!(!can("node_load1 unless up"));
        assert!(can("absent(node_load1)"));
        assert!(!can("max by (host) (rate(node_cpu_seconds_total[5m])) > 0"));
        assert!(can("(up == 0) * 2"));
        assert!(can("up * on(host) group_left up"));
        let tree = parser::parse("a > 1 and on(x) b and on(x) a").unwrap();
        assert_eq!(selectors(&tree), ["a", "b"]);
    }

    #[test]
    fn rules_without_data_name_their_selectors() {
        let has = |s: &str| s == "up";
        let exprs = [
            ("rules/x.yml", "X", Some("S"), "node_load1 > 5 and on() up"),
            ("r", "Y", None, "up"),
            ("r", "Z", Some("T"), "node_load5 > 1"),
            ("r", "ZNoData", Some("T"), "up unless on() node_load5"),
        ];
        let trees: Vec<_> = exprs.iter().map(|e| parser::parse(e.3)).collect();
        let rules: Vec<RuleRef<'_>> = exprs
            .iter()
            .zip(&trees)
            .map(|(&(file, alert, service, _), tree)| RuleRef {
                file,
                alert,
                service,
                severity: None,
                tree,
            })
            .collect();
        let got = no_data(&rules, &has);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].alert.as_str(), got[0].covered_by.as_deref()), ("X", None));
        assert_eq!(got[0].missing, ["node_load1"]);
        assert_eq!((got[1].alert.as_str(), got[1].covered_by.as_deref()), ("Z", Some("ZNoData")));
    }
}
