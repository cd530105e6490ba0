//! `promtool test rules` files generated beside the rules: for every native group, synthetic
//! hosts fed with values at, just below and just above every threshold (the neighbouring
//! doubles, or the nearest values the exporter's metrics can produce), and the alerts the
//! plugin's own semantics say must fire — computed here from the parsed thresholds, checked
//! there against the generated PromQL. Bridged levels get a firing / acknowledged pair.

use std::collections::BTreeMap;

use serde::Serialize;

use super::rules::{self, Severity};
use crate::translate::bridged::{BridgedLevel, HostLevel};
use crate::translate::plugins::{Fed, Native, SECOND_PROBE_LABEL};
use crate::translate::service_level::duration;
use crate::translate::{NativeGroup, Translation};

/// A unit-test file.
#[derive(Debug, Serialize)]
pub struct TestFile {
    /// Rule files, relative to the test file.
    pub rule_files: Vec<String>,
    /// Must equal the series interval (promtool only sees samples up to the last evaluation).
    pub evaluation_interval: String,
    /// Test groups.
    pub tests: Vec<TestGroup>,
}

/// One test group.
#[derive(Debug, Serialize)]
pub struct TestGroup {
    /// Name.
    pub name: String,
    /// Series interval.
    pub interval: String,
    /// Input series.
    pub input_series: Vec<InputSeries>,
    /// Alert expectations.
    pub alert_rule_test: Vec<AlertTest>,
    /// Expression expectations (recording rules).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub promql_expr_test: Vec<ExprTest>,
}

/// An expression's expected samples at a time.
#[derive(Debug, Serialize)]
pub struct ExprTest {
    /// PromQL.
    pub expr: String,
    /// Evaluation time.
    pub eval_time: String,
    /// Expected samples.
    pub exp_samples: Vec<ExpSample>,
}

/// One expected sample.
#[derive(Debug, Serialize)]
pub struct ExpSample {
    /// `metric{labels}` (or `{labels}`).
    pub labels: String,
    /// The value.
    pub value: f64,
}

/// One input series.
#[derive(Debug, Clone, Serialize)]
pub struct InputSeries {
    /// `metric{labels}`.
    pub series: String,
    /// Expanding notation.
    pub values: String,
}

/// Expected alerts at a time.
#[derive(Debug, Serialize)]
pub struct AlertTest {
    /// Evaluation time.
    pub eval_time: String,
    /// Alert name.
    pub alertname: String,
    /// Expected alerts (empty: none).
    pub exp_alerts: Vec<ExpAlert>,
}

/// One expected alert.
#[derive(Debug, Serialize)]
pub struct ExpAlert {
    /// Labels.
    pub exp_labels: BTreeMap<String, String>,
    /// Annotations.
    pub exp_annotations: BTreeMap<String, String>,
}

/// Render a Go template the way Prometheus would for the templates nag2prom writes.
pub fn render(template: &str, labels: &BTreeMap<String, String>) -> String {
    let mut out = template.to_owned();
    for (k, v) in labels {
        out = out.replace(&format!("{{{{ $labels.{k} }}}}"), v);
    }
    out.replace("{{ \"{{\" }}", "{{")
}

fn series_text(metric: &str, labels: &BTreeMap<String, String>) -> String {
    let inner: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", crate::translate::promql::string_literal(v)))
        .collect();
    format!("{metric}{{{}}}", inner.join(","))
}

fn values_text(pattern: &[f64], samples: usize) -> String {
    let pattern: Vec<f64> = if pattern.is_empty() { vec![0.0] } else { pattern.to_vec() };
    if pattern.len() == 1 {
        return format!(
            "{}x{}",
            crate::translate::plugins::num(pattern[0]),
            samples.saturating_sub(1)
        );
    }
    (0..samples)
        .map(|i| crate::translate::plugins::num(pattern[i % pattern.len()]))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Values to try around a threshold: the doubles below and above, and one unit below and
/// above (for integer-valued signals such as counts and whole MiB).
fn around(b: f64) -> [f64; 5] {
    [b - 1.0, b.next_down(), b, b.next_up(), b + 1.0]
}

/// Test group of one native group.
fn native_group(tr: &Translation<'_>, native: &Native, group: &NativeGroup) -> Option<TestGroup> {
    let interval = u64::from(tr.scrape_interval.max(1));
    let severities: Vec<Severity> = [Severity::Warning, Severity::Critical]
        .into_iter()
        .filter(|s| rules::native_expr(native, group, *s).is_some())
        .collect();
    if severities.is_empty() {
        return None;
    }
    let active: Vec<(Severity, &[crate::translate::plugins::Cond])> =
        severities.iter().map(|s| (*s, rules::conds(native, &group.level, *s))).collect();
    let n = native.signals.len();
    // A calm value per signal: one no condition alerts on.
    let mut calm = vec![0.0; n];
    for (s, slot) in calm.iter_mut().enumerate() {
        let mut candidates: Vec<f64> = native.calm.get(s).copied().into_iter().collect();
        candidates.extend([0.0, 50.0, 1.0, 100.0, 10.0, 1000.0, -1.0]);
        for (_, conds) in &active {
            for c in conds.iter().filter(|c| c.signal == s) {
                for b in c.test.bounds() {
                    candidates.extend([b - 1.0, b + 1.0, b / 2.0, b * 2.0]);
                }
            }
        }
        *slot = candidates
            .into_iter()
            .find(|v| {
                active.iter().all(|(_, conds)| {
                    conds.iter().filter(|c| c.signal == s).all(|c| !c.test.alerts(*v))
                })
            })
            .unwrap_or(0.0);
    }
    let mut cases: Vec<Vec<f64>> = vec![calm.clone()];
    for (_, conds) in &active {
        for c in conds.iter() {
            for b in c.test.bounds() {
                for v in around(b) {
                    let mut case = calm.clone();
                    if let Some(slot) = case.get_mut(c.signal) {
                        *slot = v;
                    }
                    if !cases
                        .iter()
                        .any(|k| k.iter().zip(&case).all(|(a, b)| a.to_bits() == b.to_bits()))
                    {
                        cases.push(case);
                    }
                }
            }
        }
    }
    let window = u64::from(native.window_samples.max(1)) - 1;
    let eval = (group.level.for_secs + window * interval).div_ceil(interval) * interval + interval;
    let samples = usize::try_from(eval / interval + 1).unwrap_or(1);
    let mut input_series: Vec<InputSeries> = Vec::new();
    let mut exp_alerts = Vec::new();
    // Every case is one target of the group's first host (the membership rule selects the
    // group's hosts by name), told apart by `instance`; two more have no data: an exporter
    // that is down, and one that lacks every series the rules read.
    let host = group.host_names.first().cloned().unwrap_or_else(|| "t".to_owned());
    let target_of = |instance: String| {
        let mut target = BTreeMap::new();
        target.insert("instance".to_owned(), instance);
        target.insert("job".to_owned(), native.probe.job().to_owned());
        target.insert("host".to_owned(), host.clone());
        if native.probe.is_probe() {
            target.insert("nagios_probe".to_owned(), native.probe.id());
        }
        target
    };
    let no_data_rule = rules::no_data_rule(native, group);
    let mut no_data_alerts = Vec::new();
    let mut expect_no_data = |target: &BTreeMap<String, String>| {
        let Some(rule) = &no_data_rule else { return };
        let mut labels = target.clone();
        labels.insert("service".to_owned(), group.description.clone());
        let series = labels.clone();
        for (k, v) in &rule.labels {
            labels.insert(k.clone(), render(v, &series));
        }
        let exp_annotations =
            rule.annotations.iter().map(|(k, v)| (k.clone(), render(v, &series))).collect();
        no_data_alerts.push(ExpAlert { exp_labels: labels, exp_annotations });
    };
    // The membership series (recorded from `up` in rules/members.yml, not loaded here) is
    // fed directly, so other groups on the same host stay silent.
    let member_of = |target: &BTreeMap<String, String>| {
        let mut labels = target.clone();
        labels.insert("nagios_check".to_owned(), group.id.clone());
        labels.insert("service".to_owned(), group.description.clone());
        series_text(rules::MEMBER_RECORD, &labels)
    };
    for (up, instance) in [(0.0, "down"), (1.0, "empty")] {
        let target = target_of(instance.to_owned());
        input_series
            .push(InputSeries { series: member_of(&target), values: values_text(&[up], samples) });
        if up == 1.0 || !native.missing.while_up() {
            expect_no_data(&target);
        }
    }
    for (i, case) in cases.iter().enumerate() {
        let target = target_of(format!("t{}", i + 1));
        input_series
            .push(InputSeries { series: member_of(&target), values: values_text(&[1.0], samples) });
        // Feeders write every series the signals read (a `None` realized value is a NaN
        // sample, not a missing one), so these cases have data.
        let fed: Fed = (native.feed)(case, eval as f64);
        input_series.extend(fed_series(native, &fed, &target, samples));
        for (severity, conds) in &active {
            // `or` keeps one series per distinct label set, left to right.
            let mut sets: Vec<BTreeMap<String, String>> = Vec::new();
            for c in conds.iter() {
                let Some(Some(v)) = fed.realized.get(c.signal) else { continue };
                if c.test.promql("x").is_none() || !c.test.alerts(*v) {
                    continue;
                }
                let mut labels = target.clone();
                if let Some(extra) = fed.labels.get(c.signal) {
                    for (k, v) in extra {
                        labels.insert(k.clone(), v.clone());
                    }
                }
                if !sets.contains(&labels) {
                    sets.push(labels);
                }
            }
            for series in sets {
                // Templates see the expression's labels, not the rule's.
                let mut labels = series.clone();
                for (k, v) in rules::native_labels(group, *severity) {
                    labels.insert(k, render(&v, &series));
                }
                let exp_annotations = rules::native_annotations(native, group, *severity)
                    .into_iter()
                    .map(|(k, v)| (k, render(&v, &series)))
                    .collect();
                exp_alerts.push(ExpAlert { exp_labels: labels, exp_annotations });
            }
        }
    }
    Some(TestGroup {
        name: format!(
            "{} {} ({}): thresholds at, below and above each edge",
            group.id, group.description, native.canonical
        ),
        interval: duration(interval),
        input_series,
        alert_rule_test: {
            let mut tests = vec![AlertTest {
                eval_time: duration(eval),
                alertname: native.alert.to_owned(),
                exp_alerts,
            }];
            if no_data_rule.is_some() {
                tests.push(AlertTest {
                    eval_time: duration(eval),
                    alertname: rules::no_data_alert(native),
                    exp_alerts: no_data_alerts,
                });
            }
            tests
        },
        promql_expr_test: Vec::new(),
    })
}

/// The unit-test file of one plugin's rule file.
pub fn plugin_file(tr: &Translation<'_>, plugin: &str, groups: &[&NativeGroup]) -> TestFile {
    let tests = groups.iter().filter_map(|g| native_group(tr, &tr.natives[g.native], g)).collect();
    TestFile {
        rule_files: vec![format!("../rules/{plugin}.yml")],
        evaluation_interval: duration(u64::from(tr.scrape_interval.max(1))),
        tests,
    }
}

/// Bridged tests: per level and enabled state, the example service fires while not
/// acknowledged, and stops once acknowledged.
pub fn bridged_file(tr: &Translation<'_>) -> TestFile {
    let interval = u64::from(tr.scrape_interval.max(1));
    let mut tests = Vec::new();
    for level in &tr.bridged {
        tests.extend(bridged_level(level, interval));
    }
    for level in &tr.host_levels {
        tests.extend(host_level(level, interval));
    }
    TestFile {
        rule_files: vec!["../rules/bridged.yml".to_owned()],
        evaluation_interval: duration(interval),
        tests,
    }
}

fn bridge_target(host: &str) -> BTreeMap<String, String> {
    let mut l = BTreeMap::new();
    l.insert("instance".to_owned(), "bridge".to_owned());
    l.insert("job".to_owned(), "nagios_bridge".to_owned());
    l.insert("host".to_owned(), host.to_owned());
    l
}

fn bridged_level(level: &BridgedLevel, interval: u64) -> Vec<TestGroup> {
    let (host, desc) = &level.example;
    let fire = level.level.bridged_for_secs.div_ceil(interval) * interval + interval;
    let quiet = fire + 2 * interval;
    let samples = usize::try_from(quiet / interval + 1).unwrap_or(1);
    let ack_from = usize::try_from(fire / interval + 1).unwrap_or(1);
    let mut out = Vec::new();
    for (code, alert, severity, state) in rules::SERVICE_STATES {
        if !rules::service_state_enabled(&level.level, code) {
            continue;
        }
        let mut labels = bridge_target(host);
        labels.insert("service".to_owned(), desc.clone());
        let ack: Vec<String> =
            (0..samples).map(|i| if i < ack_from { "0" } else { "1" }.to_owned()).collect();
        let host_labels = bridge_target(host);
        let input_series = vec![
            InputSeries {
                series: series_text("nagios_service_hard_state", &labels),
                values: format!("{code}x{}", samples - 1),
            },
            InputSeries {
                series: series_text("nagios_service_acknowledged", &labels),
                values: ack.join(" "),
            },
            InputSeries {
                series: series_text("nagios_service_scheduled_downtime_depth", &labels),
                values: format!("0x{}", samples - 1),
            },
            InputSeries {
                series: series_text("nagios_host_hard_state", &host_labels),
                values: format!("0x{}", samples - 1),
            },
            InputSeries {
                series: series_text("nagios_host_scheduled_downtime_depth", &host_labels),
                values: format!("0x{}", samples - 1),
            },
        ];
        let mut recorded = labels.clone();
        for (k, v) in rules::bridged_record_labels(level) {
            let rendered = render(&v, &labels);
            recorded.insert(k, rendered);
        }
        let mut exp = recorded.clone();
        exp.insert("severity".to_owned(), severity.to_owned());
        exp.insert("nagios_state".to_owned(), state.to_owned());
        exp.insert("nagios_source".to_owned(), "bridged".to_owned());
        exp.insert("nagios_level".to_owned(), level.id.clone());
        let exp_annotations = rules::bridged_annotations(&level.level, state)
            .into_iter()
            .map(|(k, v)| (k, render(&v, &recorded)))
            .collect();
        out.push(TestGroup {
            name: format!("{} {state}: fires on the HARD state, not once acknowledged", level.id),
            interval: duration(interval),
            input_series,
            alert_rule_test: vec![
                AlertTest {
                    eval_time: duration(fire),
                    alertname: alert.to_owned(),
                    exp_alerts: vec![ExpAlert { exp_labels: exp, exp_annotations }],
                },
                AlertTest {
                    eval_time: duration(quiet),
                    alertname: alert.to_owned(),
                    exp_alerts: Vec::new(),
                },
            ],
            promql_expr_test: Vec::new(),
        });
    }
    out
}

fn host_level(level: &HostLevel, interval: u64) -> Vec<TestGroup> {
    let host = &level.example;
    let fire = level.level.bridged_for_secs.div_ceil(interval) * interval + interval;
    let quiet = fire + 2 * interval;
    let samples = usize::try_from(quiet / interval + 1).unwrap_or(1);
    let ack_from = usize::try_from(fire / interval + 1).unwrap_or(1);
    let file = rules::bridged_rules_for_hosts(level);
    let mut out = Vec::new();
    for rule in file {
        let code = if rule.alert.as_deref() == Some("NagiosHostDown") { 1 } else { 2 };
        let labels = bridge_target(host);
        let ack: Vec<String> =
            (0..samples).map(|i| if i < ack_from { "0" } else { "1" }.to_owned()).collect();
        let input_series = vec![
            InputSeries {
                series: series_text("nagios_host_hard_state", &labels),
                values: format!("{code}x{}", samples - 1),
            },
            InputSeries {
                series: series_text("nagios_host_acknowledged", &labels),
                values: ack.join(" "),
            },
            InputSeries {
                series: series_text("nagios_host_scheduled_downtime_depth", &labels),
                values: format!("0x{}", samples - 1),
            },
        ];
        let mut exp = labels.clone();
        for (k, v) in &rule.labels {
            exp.insert(k.clone(), render(v, &labels));
        }
        let exp_annotations =
            rule.annotations.iter().map(|(k, v)| (k.clone(), render(v, &labels))).collect();
        let alert = rule.alert.clone().unwrap_or_default();
        out.push(TestGroup {
            name: format!("{} {alert}: fires on the HARD state, not once acknowledged", level.id),
            interval: duration(interval),
            input_series,
            alert_rule_test: vec![
                AlertTest {
                    eval_time: duration(fire),
                    alertname: alert.clone(),
                    exp_alerts: vec![ExpAlert { exp_labels: exp, exp_annotations }],
                },
                AlertTest { eval_time: duration(quiet), alertname: alert, exp_alerts: Vec::new() },
            ],
            promql_expr_test: Vec::new(),
        });
    }
    out
}

/// `tests/hosts.yml`: per native host check, a host whose check fails is DOWN after its
/// `for:` (and in [`rules::HOST_DOWN_RECORD`] at once), one whose check passes is not.
pub fn hosts_file(tr: &Translation<'_>) -> TestFile {
    let interval = u64::from(tr.scrape_interval.max(1));
    let tests = tr.host_groups.iter().filter_map(|g| host_group(tr, g, interval)).collect();
    TestFile {
        rule_files: vec!["../rules/hosts.yml".to_owned()],
        evaluation_interval: duration(interval),
        tests,
    }
}

fn host_group(
    tr: &Translation<'_>,
    group: &crate::translate::HostGroup,
    interval: u64,
) -> Option<TestGroup> {
    let native = &tr.natives[group.native];
    let rule = rules::native_host_rule(native, group)?;
    let n = native.signals.len();
    // A value per signal that raises no CRITICAL, and one case that does.
    let calm_of = |s: usize| {
        let mut candidates: Vec<f64> = native.calm.get(s).copied().into_iter().collect();
        candidates.extend([0.0, 1.0, 50.0, 100.0, 10.0, -1.0]);
        candidates
            .into_iter()
            .find(|v| native.critical.iter().filter(|c| c.signal == s).all(|c| !c.test.alerts(*v)))
            .unwrap_or(0.0)
    };
    let calm: Vec<f64> = (0..n).map(calm_of).collect();
    let down = native.critical.iter().find_map(|c| {
        let v = c.test.bounds().into_iter().flat_map(around).find(|v| c.test.alerts(*v))?;
        let mut case = calm.clone();
        *case.get_mut(c.signal)? = v;
        Some(case)
    })?;
    let window = u64::from(native.window_samples.max(1)) - 1;
    let eval = (group.level.for_secs + window * interval).div_ceil(interval) * interval + interval;
    let samples = usize::try_from(eval / interval + 1).unwrap_or(1);
    let host = group.host_names.first()?.clone();
    let mut input_series = Vec::new();
    let mut exp_alerts = Vec::new();
    let mut exp_samples = Vec::new();
    for (instance, case, fails) in [("down", &down, true), ("up", &calm, false)] {
        // The membership record (in the rule file under test) selects the group's hosts by
        // name from `up`: both cases are targets of the group's first host.
        let mut up = BTreeMap::new();
        up.insert("instance".to_owned(), instance.to_owned());
        up.insert("job".to_owned(), native.probe.job().to_owned());
        up.insert("host".to_owned(), host.clone());
        up.insert("nagios_probe".to_owned(), native.probe.id());
        let fed = (native.feed)(case, eval as f64);
        input_series.extend(fed_series(native, &fed, &up, samples));
        input_series.push(InputSeries {
            series: series_text("up", &up),
            values: values_text(&[1.0], samples),
        });
        if fails {
            let mut labels = up.clone();
            for (k, v) in &rule.labels {
                labels.insert(k.clone(), render(v, &up));
            }
            let exp_annotations =
                rule.annotations.iter().map(|(k, v)| (k.clone(), render(v, &up))).collect();
            exp_alerts.push(ExpAlert { exp_labels: labels, exp_annotations });
            exp_samples.push(ExpSample {
                labels: format!(
                    "{}{{host=\"{}\"}}",
                    rules::HOST_DOWN_RECORD,
                    crate::translate::promql::string_literal(&host)
                ),
                value: 1.0,
            });
        }
    }
    // Both cases share the host name: the record holds it once, down.
    Some(TestGroup {
        name: format!("{} ({}): a failing host check is DOWN", group.id, native.canonical),
        interval: duration(interval),
        input_series,
        alert_rule_test: vec![AlertTest {
            eval_time: duration(eval),
            alertname: "NagiosHostDown".to_owned(),
            exp_alerts,
        }],
        promql_expr_test: vec![ExprTest {
            expr: rules::HOST_DOWN_RECORD.to_owned(),
            eval_time: duration(eval),
            exp_samples,
        }],
    })
}

/// `tests/meta.yml`: the blind-monitoring alerts fire (Nagios down, status.dat stale, the
/// bridge down or absent, an exporter down naming the services it leaves unchecked).
pub fn meta_file(tr: &Translation<'_>) -> TestFile {
    let interval = u64::from(tr.scrape_interval.max(1));
    let file = rules::meta_rules(tr);
    let rule = |name: &str| {
        file.groups.iter().flat_map(|g| &g.rules).find(|r| r.alert.as_deref() == Some(name))
    };
    // Past the staleness bound and every `for:` (at most two intervals).
    let stale = (6 * u64::from(tr.status_update_interval.max(1))).max(120);
    let eval = (stale + 3 * interval).div_ceil(interval) * interval;
    let samples = usize::try_from(eval / interval + 2).unwrap_or(8);
    let series = |metric: &str, labels: &[(&str, &str)], value: f64| InputSeries {
        series: series_text(
            metric,
            &labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        ),
        values: values_text(&[value], samples),
    };
    let bridge = [("instance", "127.0.0.1:10460"), ("job", "nagios_bridge")];
    let node = [("host", "db-1"), ("instance", "db-1:9100"), ("job", "node")];
    let expect = |name: &str, labels: &[(&str, &str)], value: Option<&str>| -> AlertTest {
        let mut exp = BTreeMap::new();
        for (k, v) in labels {
            exp.insert((*k).to_owned(), (*v).to_owned());
        }
        let mut exp_alerts = Vec::new();
        if let Some(r) = rule(name) {
            let series = exp.clone();
            for (k, v) in &r.labels {
                exp.insert(k.clone(), render(v, &series));
            }
            let exp_annotations = r
                .annotations
                .iter()
                .map(|(k, v)| {
                    let mut text = render(v, &series);
                    if let Some(value) = value {
                        text = text.replace("{{ $value | humanizeDuration }}", value);
                    }
                    (k.clone(), text)
                })
                .collect();
            exp_alerts.push(ExpAlert { exp_labels: exp, exp_annotations });
        }
        AlertTest { eval_time: duration(eval), alertname: name.to_owned(), exp_alerts }
    };
    let mut member = node.to_vec();
    member.extend([("nagios_check", "check_disk_0"), ("service", "Disk /")]);
    let mut exporter = expect("NagiosExporterDown", &node, None);
    for alert in &mut exporter.exp_alerts {
        alert
            .exp_annotations
            .insert("description".to_owned(), "Unchecked Nagios services: Disk /; ".to_owned());
    }
    let stale_by = humanize_duration(eval);
    let tests = vec![
        TestGroup {
            name: "Nagios down, status.dat stale, an exporter down".to_owned(),
            interval: duration(interval),
            input_series: vec![
                series("nagios_up", &bridge, 0.0),
                series("nagios_status_update_timestamp_seconds", &bridge, 0.0),
                series("up", &bridge, 1.0),
                series("up", &node, 0.0),
                series(rules::MEMBER_RECORD, &member, 0.0),
            ],
            alert_rule_test: vec![
                expect("NagiosDown", &bridge, None),
                expect("NagiosStatusStale", &bridge, Some(&stale_by)),
                exporter,
                AlertTest {
                    eval_time: duration(eval),
                    alertname: "NagiosBridgeDown".to_owned(),
                    exp_alerts: Vec::new(),
                },
            ],
            promql_expr_test: Vec::new(),
        },
        TestGroup {
            name: "the bridge down, then not scraped at all".to_owned(),
            interval: duration(interval),
            input_series: vec![series("up", &bridge, 0.0)],
            alert_rule_test: vec![
                expect("NagiosBridgeDown", &bridge, None),
                AlertTest {
                    eval_time: duration(eval),
                    alertname: "NagiosBridgeAbsent".to_owned(),
                    exp_alerts: Vec::new(),
                },
            ],
            promql_expr_test: Vec::new(),
        },
        TestGroup {
            name: "no bridge target".to_owned(),
            interval: duration(interval),
            input_series: vec![series("up", &node, 1.0)],
            alert_rule_test: vec![expect("NagiosBridgeAbsent", &[("job", "nagios_bridge")], None)],
            promql_expr_test: Vec::new(),
        },
    ];
    TestFile {
        rule_files: vec!["../rules/meta.yml".to_owned()],
        evaluation_interval: duration(interval),
        tests,
    }
}

/// Prometheus' `humanizeDuration` of whole seconds (`1m 30s`, `2h 0m 5s`).
fn humanize_duration(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}d {h}h {m}m {s}s")
    } else if h > 0 {
        format!("{h}h {m}m {s}s")
    } else if m > 0 {
        format!("{m}m {s}s")
    } else {
        format!("{s}s")
    }
}

/// The input series of what a feeder made, on `target`'s labels (a series of the second probe
/// gets that probe's `nagios_probe`).
fn fed_series(
    native: &Native,
    fed: &Fed,
    target: &BTreeMap<String, String>,
    samples: usize,
) -> Vec<InputSeries> {
    fed.series
        .iter()
        .map(|s| {
            let mut labels = target.clone();
            for (k, v) in &s.labels {
                labels.insert(k.clone(), v.clone());
            }
            if labels.remove(SECOND_PROBE_LABEL).is_some()
                && let Some(second) = &native.second
            {
                labels.insert("nagios_probe".to_owned(), second.id());
            }
            InputSeries {
                series: series_text(&s.metric, &labels),
                values: values_text(&s.values, samples),
            }
        })
        .collect()
}
