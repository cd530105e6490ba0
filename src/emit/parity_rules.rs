//! `rules/parity.yml` and `tests/parity.yml`: the agreement `nag2prom parity` checks, as
//! recording rules Prometheus evaluates all the time, so a dashboard panel tracks the
//! parallel run between two `parity` runs.
//!
//! `nagios:parity_disagreements:count{object, kind, reason}` counts, at each evaluation, what
//! [`crate::parity::compare`] would list: for services (`object="service"`) whose host is up,
//! `missed` (Nagios' HARD state is not OK and no alert of the service fires), `extra` (an
//! alert of a service Nagios knows fires while its HARD state is OK, or its host is not UP)
//! and `severity` (CRITICAL with only warning alerts, or WARNING/UNKNOWN with a critical
//! one); for hosts (`object="host"`), `missed` (not UP without `NagiosHostDown`) and `extra`
//! (`NagiosHostDown` while UP). Services of a host that is not UP want no alert, as Nagios
//! sends none. Each is split by the reason [`crate::parity::explain`] gives, the first that
//! applies: `acknowledged`, `downtime`, `pending` (a missed alert whose `for:` is running),
//! `no-data` (what fires is only a no-data companion), `timing` (a check apart: a missed
//! alert fired after Nagios' last check; one that fires began after it, or Nagios is
//! retrying), else `thresholds`; hosts `host-check`.

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

/// Services whose problem Nagios has acknowledged.
const ACKNOWLEDGED: &str = "(nagios_service_acknowledged == 1)";

/// Services in a scheduled downtime.
const IN_DOWNTIME: &str = "(nagios_service_scheduled_downtime_depth > 0)";

/// Services with an alert whose `for:` is still running.
const PENDING: &str = "ALERTS{alertstate=\"pending\", service!=\"\"}";

/// Services whose firing alerts are all no-data companions.
const NO_DATA_ONLY: &str = "(max by(host, service) (ALERTS{alertstate=\"firing\", service!=\"\", alertname=~\".+NoData\"}) unless on(host, service) ALERTS{alertstate=\"firing\", service!=\"\", alertname!~\".+NoData\"})";

/// Missed alerts a check apart: an alert of the service fired (and resolved) after Nagios'
/// last check, within the hour `nag2prom parity` looks back.
const MISSED_TIMING: &str = "(max by(host, service) (last_over_time(timestamp(ALERTS{alertstate=\"firing\", service!=\"\"})[1h:])) >= on(host, service) (max by(host, service) (nagios_service_last_check_timestamp_seconds) > 0))";

/// Alerts that fire a check apart: the oldest firing alert of the service became active after
/// Nagios' last check, or Nagios is retrying (its SOFT state is not the HARD one).
const FIRING_TIMING: &str = "(((max by(host, service) (nagios_service_last_check_timestamp_seconds) > 0) < on(host, service) min by(host, service) (ALERTS_FOR_STATE{service!=\"\"} and ignoring(alertstate) ALERTS{alertstate=\"firing\", service!=\"\"})) or on(host, service) (nagios_service_state != nagios_service_hard_state))";

/// The disagreements `expr` of `kind` split by reason, the first that applies, as
/// [`crate::parity::explain`] gives them: `(reason, expression)`.
fn by_reason(object: &str, kind: &str, expr: &str) -> Vec<(&'static str, String)> {
    if object == "host" {
        return vec![("host-check", expr.to_owned())];
    }
    let on = "on(host, service)";
    // The reasons after acknowledged and downtime, in order: a missed alert may be pending
    // or a check apart; one that fires may be only its no-data companion (missing data is
    // no matter of timing) or a check apart.
    let later: [(&'static str, &str); 2] = if kind == "missed" {
        [("pending", PENDING), ("timing", MISSED_TIMING)]
    } else {
        [("no-data", NO_DATA_ONLY), ("timing", FIRING_TIMING)]
    };
    let mut rest = format!("(({expr}) unless {on} {ACKNOWLEDGED}) unless {on} {IN_DOWNTIME}");
    let mut out = vec![
        ("acknowledged", format!("({expr}) and {on} {ACKNOWLEDGED}")),
        ("downtime", format!("(({expr}) unless {on} {ACKNOWLEDGED}) and {on} {IN_DOWNTIME}")),
    ];
    for (reason, why) in later {
        out.push((reason, format!("({rest}) and {on} {why}")));
        rest = format!("({rest}) unless {on} {why}");
    }
    out.push(("thresholds", rest));
    out
}

/// `rules/parity.yml`.
pub fn parity_rules(tr: &Translation<'_>) -> RuleFile {
    let rules = expressions()
        .into_iter()
        .flat_map(|(object, kind, expr)| {
            by_reason(object, kind, &expr).into_iter().map(move |(reason, expr)| Rule {
                record: Some(PARITY_RECORD.to_owned()),
                expr: format!("count({expr}) or vector(0)"),
                labels: [("kind", kind), ("object", object), ("reason", reason)]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                ..Rule::default()
            })
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

/// `tests/parity.yml`: one case of every kind and reason beside services and hosts that agree.
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
    let half = interval as f64 / 2.0;
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
    let flag = |metric: &'static str, host: &'static str, service: &'static str, value: f64| {
        let mut labels = bridge.to_vec();
        labels.extend([("host", host), ("service", service)]);
        series(metric, &labels, value)
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
        // The reasons: a missed problem acknowledged, one in downtime, one whose alert is
        // pending; an extra alert that is only a no-data companion.
        state("up-1", "missed acked", 2.0),
        flag("nagios_service_acknowledged", "up-1", "missed acked", 1.0),
        state("up-1", "missed downtime", 2.0),
        flag("nagios_service_scheduled_downtime_depth", "up-1", "missed downtime", 1.0),
        state("up-1", "missed pending", 1.0),
        series(
            "ALERTS",
            &[
                ("alertname", "NagiosCheckDisk"),
                ("alertstate", "pending"),
                ("host", "up-1"),
                ("service", "missed pending"),
                ("severity", "warning"),
            ],
            1.0,
        ),
        state("up-1", "extra no-data", 0.0),
        series(
            "ALERTS",
            &[
                ("alertname", "NagiosCheckDiskNoData"),
                ("alertstate", "firing"),
                ("host", "up-1"),
                ("service", "extra no-data"),
                ("severity", "warning"),
            ],
            1.0,
        ),
        // A check apart: a missed problem whose alert fired (at one interval) after Nagios'
        // last check (at half of one) and resolved; an OK service whose alert became active
        // (at 1.5 intervals) after the last check; an OK service Nagios is retrying (SOFT
        // WARNING).
        state("up-1", "missed timing", 2.0),
        flag("nagios_service_last_check_timestamp_seconds", "up-1", "missed timing", half),
        InputSeries {
            series: "ALERTS{alertname=\"NagiosCheckDisk\",alertstate=\"firing\",host=\"up-1\",service=\"missed timing\",severity=\"critical\"}".to_owned(),
            values: "_ 1 stale".to_owned(),
        },
        state("up-1", "extra timing", 0.0),
        flag("nagios_service_last_check_timestamp_seconds", "up-1", "extra timing", half),
        alert("up-1", "extra timing", "warning"),
        series(
            "ALERTS_FOR_STATE",
            &[
                ("alertname", "NagiosCheckDisk"),
                ("host", "up-1"),
                ("service", "extra timing"),
                ("severity", "warning"),
            ],
            3.0 * half,
        ),
        state("up-1", "extra soft", 0.0),
        flag("nagios_service_state", "up-1", "extra soft", 1.0),
        alert("up-1", "extra soft", "warning"),
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
    let expected: BTreeMap<(&str, &str, &str), f64> = [
        (("service", "missed", "acknowledged"), 1.0),
        (("service", "missed", "downtime"), 1.0),
        (("service", "missed", "pending"), 1.0),
        (("service", "missed", "timing"), 1.0),
        (("service", "missed", "thresholds"), 1.0),
        (("service", "extra", "acknowledged"), 0.0),
        (("service", "extra", "downtime"), 0.0),
        (("service", "extra", "timing"), 2.0),
        (("service", "extra", "no-data"), 1.0),
        (("service", "extra", "thresholds"), 2.0),
        (("service", "severity", "acknowledged"), 0.0),
        (("service", "severity", "downtime"), 0.0),
        (("service", "severity", "timing"), 0.0),
        (("service", "severity", "no-data"), 0.0),
        (("service", "severity", "thresholds"), 2.0),
        (("host", "missed", "host-check"), 1.0),
        (("host", "extra", "host-check"), 1.0),
    ]
    .into_iter()
    .collect();
    let exp_samples = expected
        .iter()
        .map(|((object, kind, reason), value)| ExpSample {
            labels: format!(
                "{PARITY_RECORD}{{kind=\"{kind}\",object=\"{object}\",reason=\"{reason}\"}}"
            ),
            value: *value,
        })
        .collect();
    TestFile {
        rule_files: vec!["../rules/parity.yml".to_owned()],
        evaluation_interval: duration(interval),
        tests: vec![TestGroup {
            name: "parity: one disagreement of every kind and reason beside agreements".to_owned(),
            interval: duration(interval),
            input_series,
            alert_rule_test: Vec::new(),
            promql_expr_test: vec![ExprTest {
                expr: PARITY_RECORD.to_owned(),
                eval_time: duration(2 * interval),
                exp_samples,
            }],
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every expression parses; each service kind is recorded per reason, each host kind once.
    #[test]
    fn expressions_parse() {
        let file = parity_rules(&Translation { scrape_interval: 60, ..Translation::default() });
        let rules = &file.groups[0].rules;
        assert_eq!(rules.len(), 3 * 5 + 2);
        for r in rules {
            assert!(promql_parser::parser::parse(&r.expr).is_ok(), "{}", r.expr);
            assert_eq!(r.record.as_deref(), Some(PARITY_RECORD));
        }
    }
}
