//! `rules/parity.yml` and `tests/parity.yml`: the agreement `nag2prom parity` checks, as
//! recording rules Prometheus evaluates all the time, so a dashboard panel tracks the
//! parallel run between two `parity` runs.
//!
//! `nagios:parity_disagreements:count{object, kind}` counts, at each evaluation, what
//! [`crate::parity::compare`] would list: for services (`object="service"`) whose host is up,
//! `missed` (Nagios' HARD state is not OK and no alert of the service fires), `extra` (an
//! alert of a service Nagios knows fires while its HARD state is OK, or its host is not UP)
//! and `severity` (CRITICAL with only warning alerts, or WARNING/UNKNOWN with a critical
//! one); for hosts (`object="host"`), `missed` (not UP without `NagiosHostDown`) and `extra`
//! (`NagiosHostDown` while UP). Services of a host that is not UP want no alert, as Nagios
//! sends none. Right after a state change a count can be a rule's `for:` still running.

use std::collections::BTreeMap;

use super::rule_tests::{ExpSample, ExprTest, InputSeries, TestFile, TestGroup};
use super::rules::{Rule, RuleFile, RuleGroup};
use crate::translate::Translation;
use crate::translate::service_level::duration;

/// The series the rules record.
pub const PARITY_RECORD: &str = "nagios:parity_disagreements:count";

/// Services whose HARD state Nagios alerts on: not OK, on a host that is UP (or unknown).
const ALERTING: &str = "(nagios_service_hard_state > 0 unless on(host) (nagios_host_state > 0))";

/// The firing alerts of services.
const FIRING: &str = "ALERTS{alertstate=\"firing\", service!=\"\"}";

/// The firing critical alerts of services.
const FIRING_CRITICAL: &str = "ALERTS{alertstate=\"firing\", service!=\"\", severity=\"critical\"}";

/// The firing host-down alerts.
const HOST_DOWN: &str = "ALERTS{alertstate=\"firing\", alertname=\"NagiosHostDown\"}";

/// The expression of each `(object, kind)`.
fn expressions() -> [(&'static str, &'static str, String); 5] {
    [
        ("service", "missed", format!("{ALERTING} unless on(host, service) {FIRING}")),
        (
            "service",
            "extra",
            format!(
                "(max by(host, service) ({FIRING}) and on(host, service) nagios_service_hard_state) unless on(host, service) {ALERTING}"
            ),
        ),
        (
            "service",
            "severity",
            format!(
                "(({ALERTING} == 2) and on(host, service) {FIRING} unless on(host, service) {FIRING_CRITICAL}) or (({ALERTING} != 2) and on(host, service) {FIRING_CRITICAL})"
            ),
        ),
        ("host", "missed", format!("(nagios_host_state > 0) unless on(host) {HOST_DOWN}")),
        (
            "host",
            "extra",
            format!("max by(host) ({HOST_DOWN}) and on(host) (nagios_host_state == 0)"),
        ),
    ]
}

/// `rules/parity.yml`.
pub fn parity_rules(tr: &Translation<'_>) -> RuleFile {
    let rules = expressions()
        .into_iter()
        .map(|(object, kind, expr)| Rule {
            record: Some(PARITY_RECORD.to_owned()),
            expr: format!("count({expr}) or vector(0)"),
            labels: [("kind", kind), ("object", object)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            ..Rule::default()
        })
        .collect();
    RuleFile {
        groups: vec![RuleGroup {
            name: "nagios.parity".to_owned(),
            interval: duration(u64::from(tr.scrape_interval)),
            rules,
        }],
    }
}

/// `tests/parity.yml`: one case of every kind beside services and hosts that agree.
pub fn parity_tests(tr: &Translation<'_>) -> TestFile {
    let interval = u64::from(tr.scrape_interval.max(1));
    let series = |metric: &str, labels: &[(&str, &str)], value: f64| {
        let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
        InputSeries {
            series: format!("{metric}{{{}}}", inner.join(",")),
            values: format!("{}x3", crate::translate::plugins::num(value)),
        }
    };
    let bridge = [("instance", "127.0.0.1:10460"), ("job", "nagios_bridge")];
    let state = |host: &'static str, service: &'static str, value: f64| {
        let mut labels = bridge.to_vec();
        labels.extend([("host", host), ("service", service)]);
        series("nagios_service_hard_state", &labels, value)
    };
    let host = |host: &'static str, value: f64| {
        let mut labels = bridge.to_vec();
        labels.push(("host", host));
        series("nagios_host_state", &labels, value)
    };
    let alert = |host: &'static str, service: &'static str, severity: &'static str| {
        series(
            "ALERTS",
            &[
                ("alertname", "NagiosCheckDisk"),
                ("alertstate", "firing"),
                ("host", host),
                ("service", service),
                ("severity", severity),
            ],
            1.0,
        )
    };
    let input_series = vec![
        host("up-1", 0.0),
        host("down-1", 1.0),
        host("up-2", 0.0),
        // Agree: CRITICAL with a critical alert, WARNING with a warning one, OK with none,
        // and a service of a down host with none.
        state("up-1", "agree critical", 2.0),
        alert("up-1", "agree critical", "critical"),
        state("up-1", "agree warning", 1.0),
        alert("up-1", "agree warning", "warning"),
        state("up-1", "agree ok", 0.0),
        state("down-1", "agree silent", 2.0),
        // missed: WARNING, nothing fires.
        state("up-1", "missed", 1.0),
        // extra: OK with an alert; a down host's service with one.
        state("up-1", "extra ok", 0.0),
        alert("up-1", "extra ok", "warning"),
        state("down-1", "extra down", 2.0),
        alert("down-1", "extra down", "critical"),
        // An alert of a service Nagios does not have is not compared.
        alert("up-1", "unknown to nagios", "critical"),
        // severity: CRITICAL with a warning alert only; UNKNOWN with a critical one.
        state("up-1", "severity low", 2.0),
        alert("up-1", "severity low", "warning"),
        state("up-1", "severity high", 3.0),
        alert("up-1", "severity high", "critical"),
        // Hosts: down-1 DOWN without NagiosHostDown (missed); up-2 UP with it (extra).
        series(
            "ALERTS",
            &[
                ("alertname", "NagiosHostDown"),
                ("alertstate", "firing"),
                ("host", "up-2"),
                ("severity", "critical"),
            ],
            1.0,
        ),
    ];
    let expected: BTreeMap<(&str, &str), f64> = [
        (("service", "missed"), 1.0),
        (("service", "extra"), 2.0),
        (("service", "severity"), 2.0),
        (("host", "missed"), 1.0),
        (("host", "extra"), 1.0),
    ]
    .into_iter()
    .collect();
    let exp_samples = expected
        .iter()
        .map(|((object, kind), value)| ExpSample {
            labels: format!("{PARITY_RECORD}{{kind=\"{kind}\",object=\"{object}\"}}"),
            value: *value,
        })
        .collect();
    TestFile {
        rule_files: vec!["../rules/parity.yml".to_owned()],
        evaluation_interval: duration(interval),
        tests: vec![TestGroup {
            name: "parity: one disagreement of every kind beside agreements".to_owned(),
            interval: duration(interval),
            input_series,
            alert_rule_test: Vec::new(),
            promql_expr_test: vec![ExprTest {
                expr: PARITY_RECORD.to_owned(),
                eval_time: duration(interval),
                exp_samples,
            }],
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every expression parses, and the five kinds are recorded once each.
    #[test]
    fn expressions_parse() {
        let file = parity_rules(&Translation { scrape_interval: 60, ..Translation::default() });
        let rules = &file.groups[0].rules;
        assert_eq!(rules.len(), 5);
        for r in rules {
            assert!(promql_parser::parser::parse(&r.expr).is_ok(), "{}", r.expr);
            assert_eq!(r.record.as_deref(), Some(PARITY_RECORD));
        }
    }
}
