//! `rules/ola.yml` and `tests/ola.yml`: OLA objectives as recording rules (ARGO's
//! availability and reliability of roll-up groups) and error-budget alerts with windows
//! derived for each target, plus their `promtool test rules` cases (see `docs/ola.md`).
//!
//! Cost shape: at each evaluation the services of a group are combined into one series (the
//! group's worst state), so every window — up to the 30-day one — reads only per-group
//! series; the 30-day averages are chained from 1-hour averages (720 samples per group).

use std::collections::{BTreeMap, BTreeSet};

use super::rule_tests::{
    AlertTest, ExpAlert, ExpSample, ExprTest, InputSeries, TestFile, TestGroup,
};
use super::rules::{Rule, RuleFile, RuleGroup};
use crate::translate::ola::{Objective, Targets};
use crate::translate::promql::{regex_alternatives, string_literal};
use crate::translate::service_level::duration;

/// The group's state rank at each evaluation: 0 OK, 1 WARNING, 2 UNKNOWN or missing,
/// 3 scheduled downtime, 4 CRITICAL (ARGO's AND order, worst of the members).
pub const RANK: &str = "nagios:ola:rank";
/// The alert of the burn-rate pairs.
pub const BURN_ALERT: &str = "NagiosOlaErrorBudgetBurn";
/// The alert of a window below its target.
pub const BELOW_ALERT: &str = "NagiosOlaBelowTarget";
/// The alert of an unknown share above its limit.
pub const UNKNOWN_ALERT: &str = "NagiosOlaUnknownHigh";

/// The alert of a group whose membership the bridge does not export as convert found it.
pub const MEMBERS_ALERT: &str = "NagiosOlaMembersDiffer";
/// Evaluation interval of the period group (its averages move by a sample an hour).
pub const PERIOD_INTERVAL: u64 = 3600;
/// The most distinct target sets that get unit tests (each test replays days of samples).
pub const MAX_TESTED: usize = 8;

/// The two indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sli {
    /// `up / (time − unknown)`.
    Availability,
    /// `up / (time − unknown − downtime)`.
    Reliability,
}

impl Sli {
    /// Label value and record-name part.
    pub fn name(self) -> &'static str {
        match self {
            Sli::Availability => "availability",
            Sli::Reliability => "reliability",
        }
    }
    fn target(self, t: &Targets) -> Option<f64> {
        match self {
            Sli::Availability => t.availability,
            Sli::Reliability => t.reliability,
        }
    }
}

/// One multi-window burn-rate pair.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnWindow {
    /// `critical` (page) or `warning` (ticket).
    pub severity: &'static str,
    /// Share of the period's budget the long window spends at the factor.
    pub budget_share: f64,
    /// Long window, seconds.
    pub long: u64,
    /// Short window, seconds.
    pub short: u64,
    /// Burn factor.
    pub factor: f64,
}

impl BurnWindow {
    /// The error ratio above which both windows must be: factor × (1 − target).
    pub fn threshold(&self, target: f64) -> f64 {
        self.factor * (1.0 - target / 100.0)
    }
}

/// The SRE workbook's pairs as (severity, budget share, long window seconds).
const WORKBOOK: [(&str, f64, u64); 3] =
    [("critical", 0.02, 3600), ("critical", 0.05, 6 * 3600), ("warning", 0.10, 3 * 86400)];

/// Highest factor used, as a share of the largest possible burn rate 1 / (1 − target): a
/// pair then fires when 90 % of its long window is bad.
pub const CAP: f64 = 0.9;

fn round_up(secs: f64, step: u64) -> u64 {
    let step = step.max(1);
    // A hair below a whole second is float noise (0.02 × 30d / (0.9 / 0.15) is 8640 s).
    let s = (secs - 1e-6).ceil().max(1.0) as u64;
    s.div_ceil(step) * step
}

/// The burn-rate pairs of a target over a window: the workbook's (2 % in 1h, 5 % in 6h, 10 %
/// in 3d) where the factor `share × period / long` is reachable, else the long window
/// lengthened until the factor is `CAP / (1 − target)`. Windows are whole multiples of the
/// evaluation interval (and of a minute); the short window is 1/12 of the long one. Empty at
/// 100 % (no budget: any bad sample breaches the target, see [`BELOW_ALERT`]).
pub fn burn_windows(target: f64, period_days: u32, interval: u64) -> Vec<BurnWindow> {
    let budget = 1.0 - target / 100.0;
    if budget <= 0.0 {
        return Vec::new();
    }
    let step = lcm(60, interval.max(1));
    let period = f64::from(period_days) * 86400.0;
    let cap = CAP / budget;
    WORKBOOK
        .iter()
        .map(|&(severity, share, long)| {
            let wanted = share * period / long as f64;
            let long_secs =
                if wanted > cap * (1.0 + 1e-9) { share * period / cap } else { long as f64 };
            let long = round_up(long_secs, step);
            let short = round_up(long as f64 / 12.0, step).max(2 * interval.max(1));
            BurnWindow {
                severity,
                budget_share: share,
                long,
                short,
                factor: share * period / long as f64,
            }
        })
        .collect()
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn lcm(a: u64, b: u64) -> u64 {
    a / gcd(a, b).max(1) * b
}

/// The bridge's group rank (`serve --ola.members ola-members.json`): one series per group.
pub const GROUP_RANK: &str = "nagios_ola_group_rank";

/// The bridge's member count per group, from the same file.
pub const GROUP_MEMBERS: &str = "nagios_ola_group_members";

/// The recording rule of every group's rank, from the bridge's `nagios_ola_group_rank`: the
/// worst member in ARGO's order (OK 0 < WARNING 1 < UNKNOWN/MISSING 2 < DOWNTIME 3 <
/// CRITICAL 4, a member in scheduled downtime 3 whatever its state; pending, absent or
/// stateless members count as 2), computed by the bridge at each status.dat read, so an
/// evaluation reads one series per group instead of 80,000 service series (which cost 9-36 s
/// per evaluation at 10,000 hosts). While the bridge's data is stale (`nagios_up 0`), and
/// for a configured group the bridge does not report (run without `--ola.members`:
/// `NagiosOlaMembersDiffer` says so), the group is missing: 2.
pub fn rank_rule(objectives: &[Objective]) -> Rule {
    let mut expr = format!("max by (ola_group) ({GROUP_RANK})\nand on() (nagios_up == 1)");
    for o in objectives {
        expr.push_str(&format!(
            "\nor\nlabel_replace(vector(2), \"ola_group\", \"{}\", \"\", \"\")",
            string_literal(&o.name).replace('$', "$$")
        ));
    }
    Rule { record: Some(RANK.to_owned()), expr, ..Rule::default() }
}

fn record(name: &str, expr: String) -> Rule {
    Rule { record: Some(name.to_owned()), expr, ..Rule::default() }
}

/// Record-name suffix of a window.
fn win(secs: u64) -> String {
    if secs.is_multiple_of(86400) { format!("{}d", secs / 86400) } else { duration(secs) }
}

fn group_matcher(names: &BTreeSet<&str>) -> String {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    if names.len() == 1 {
        format!("ola_group=\"{}\"", string_literal(&names[0]))
    } else {
        format!("ola_group=~\"{}\"", regex_alternatives(&names))
    }
}

/// The ratio records of one window: shares of up, unknown and downtime, then the two SLIs
/// (absent while the window is entirely unknown, as ARGO leaves A/R undefined).
fn window_rules(suffix: &str, source: impl Fn(&str) -> String) -> Vec<Rule> {
    let mut rules: Vec<Rule> = ["up", "unknown", "downtime"]
        .iter()
        .map(|s| record(&format!("nagios:ola:{s}:avg{suffix}"), source(s)))
        .collect();
    rules.push(record(
        &format!("nagios:ola:availability:ratio{suffix}"),
        format!("nagios:ola:up:avg{suffix} / (1 - nagios:ola:unknown:avg{suffix} > 0)"),
    ));
    rules.push(record(
        &format!("nagios:ola:reliability:ratio{suffix}"),
        format!(
            "nagios:ola:up:avg{suffix}\n/ (1 - nagios:ola:unknown:avg{suffix} - nagios:ola:downtime:avg{suffix} > 0)"
        ),
    ));
    rules
}

/// Labels of a burn-rate alert (besides `ola_group`, from the series).
fn burn_labels(sli: Sli, w: &BurnWindow) -> BTreeMap<String, String> {
    [
        ("severity", w.severity.to_owned()),
        ("nagios_source", "ola".to_owned()),
        ("sli", sli.name().to_owned()),
        ("long", win(w.long)),
        ("short", win(w.short)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn annotations(objective: &Objective, sli: Sli, what: String) -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "summary".to_owned(),
            format!(
                "OLA group {} {}: {}",
                objective.name.replace("{{", "{{ \"{{\" }}"),
                sli.name(),
                what
            ),
        ),
        ("source".to_owned(), objective.source.clone()),
    ])
}

fn pct(v: f64) -> String {
    crate::translate::plugins::num(v)
}

fn burn_rule(objective: &Objective, sli: Sli, target: f64, w: &BurnWindow) -> Rule {
    let sel = format!("{{ola_group=\"{}\"}}", string_literal(&objective.name));
    let thr = w.threshold(target);
    let name = sli.name();
    Rule {
        alert: Some(BURN_ALERT.to_owned()),
        expr: format!(
            "1 - nagios:ola:{name}:ratio{}{sel} > {}\nand 1 - nagios:ola:{name}:ratio{}{sel} > {}",
            win(w.long),
            pct(thr),
            win(w.short),
            pct(thr)
        ),
        labels: burn_labels(sli, w),
        annotations: annotations(
            objective,
            sli,
            format!(
                "the error budget of the {} % target over {}d burns {}x too fast ({} of it in {})",
                pct(target),
                objective.targets.window_days,
                pct(w.factor),
                format_share(w.budget_share),
                win(w.long)
            ),
        ),
        ..Rule::default()
    }
}

/// `NagiosOlaMembersDiffer`: the bridge reports another number of members for the group than
/// the conversion found (none at all when it runs without `--ola.members`, or with the file
/// of another conversion): the group's state would not be the one convert's targets mean.
fn members_rule(o: &Objective, iv: u64) -> Rule {
    let n = o.services.len();
    let members = format!("{GROUP_MEMBERS}{{ola_group=\"{}\"}}", string_literal(&o.name));
    Rule {
        alert: Some(MEMBERS_ALERT.to_owned()),
        expr: format!("(max({members}) or on() vector(0)) != {n}\nand on() (nagios_up == 1)"),
        for_: Some(duration(2 * iv)),
        labels: [("severity", "warning"), ("nagios_source", "ola"), ("ola_group", o.name.as_str())]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        annotations: BTreeMap::from([
            (
                "summary".to_owned(),
                format!(
                    "the bridge reports {{{{ $value }}}} members of OLA group {} instead of {n}",
                    o.name
                ),
            ),
            (
                "description".to_owned(),
                format!(
                    "Run nag2prom serve with --ola.members pointing at the {} of this conversion: until then the group counts as missing (unknown).",
                    crate::translate::ola::MEMBERS_FILE
                ),
            ),
            ("source".to_owned(), o.source.clone()),
        ]),
        ..Rule::default()
    }
}

fn format_share(s: f64) -> String {
    format!("{} %", pct(s * 100.0))
}

fn period_labels(sli: &str, severity: &str) -> BTreeMap<String, String> {
    [("severity", severity), ("nagios_source", "ola"), ("sli", sli)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// `rules/ola.yml`; `None` without objectives.
pub fn rules(objectives: &[Objective], interval: u32) -> Option<RuleFile> {
    if objectives.is_empty() {
        return None;
    }
    let iv = u64::from(interval.max(1));
    let every = duration(iv);
    // State at each evaluation.
    let mut state: Vec<Rule> = vec![rank_rule(objectives)];
    state.push(record("nagios:ola:up", format!("{RANK} <= bool 1")));
    state.push(record("nagios:ola:unknown", format!("{RANK} == bool 2")));
    state.push(record("nagios:ola:downtime", format!("{RANK} == bool 3")));
    // Short windows: the burn-rate windows, and the 1h chain of the periods.
    let mut windows: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
    let mut periods: BTreeMap<u32, BTreeSet<&str>> = BTreeMap::new();
    for o in objectives {
        periods.entry(o.targets.window_days).or_default().insert(&o.name);
        for sli in [Sli::Availability, Sli::Reliability] {
            let Some(target) = sli.target(&o.targets) else { continue };
            for w in burn_windows(target, o.targets.window_days, iv) {
                windows.entry(w.long).or_default().insert(&o.name);
                windows.entry(w.short).or_default().insert(&o.name);
            }
        }
    }
    let mut short = Vec::new();
    for (secs, names) in &windows {
        let m = group_matcher(names);
        let range = duration(*secs);
        short.extend(window_rules(&win(*secs), |s| {
            format!("avg_over_time(nagios:ola:{s}{{{m}}}[{range}])")
        }));
    }
    // The periods, chained from the 1h averages.
    // Recorded once an hour: the 1-hour chain, then the periods over its samples.
    let mut long = Vec::new();
    for s in ["up", "unknown", "downtime"] {
        long.push(record(
            &format!("nagios:ola:{s}:avg1h_hourly"),
            format!("avg_over_time(nagios:ola:{s}[1h])"),
        ));
    }
    for (days, names) in &periods {
        let m = group_matcher(names);
        long.extend(window_rules(&format!("{days}d"), |s| {
            format!("avg_over_time(nagios:ola:{s}:avg1h_hourly{{{m}}}[{days}d])")
        }));
    }
    let mut alerts = Vec::new();
    let mut period_alerts = Vec::new();
    for o in objectives {
        let sel = format!("{{ola_group=\"{}\"}}", string_literal(&o.name));
        alerts.push(members_rule(o, iv));
        let days = o.targets.window_days;
        for sli in [Sli::Availability, Sli::Reliability] {
            let Some(target) = sli.target(&o.targets) else { continue };
            for w in burn_windows(target, days, iv) {
                alerts.push(burn_rule(o, sli, target, &w));
            }
            period_alerts.push(Rule {
                alert: Some(BELOW_ALERT.to_owned()),
                expr: format!(
                    "nagios:ola:{}:ratio{days}d{sel} < {}",
                    sli.name(),
                    pct(target / 100.0)
                ),
                labels: period_labels(sli.name(), "warning"),
                annotations: annotations(
                    o,
                    sli,
                    format!("below the {} % target over {days}d", pct(target)),
                ),
                ..Rule::default()
            });
        }
        period_alerts.push(Rule {
            alert: Some(UNKNOWN_ALERT.to_owned()),
            expr: format!(
                "nagios:ola:unknown:avg{days}d{sel} > {}",
                pct(o.targets.unknown_max / 100.0)
            ),
            labels: period_labels("unknown", "warning"),
            annotations: BTreeMap::from([
                ("summary".to_owned(), unknown_summary(o, days)),
                ("source".to_owned(), o.source.clone()),
            ]),
            ..Rule::default()
        });
    }
    long.extend(period_alerts);
    let group = |name: &str, interval: &str, rules: Vec<Rule>| RuleGroup {
        name: name.to_owned(),
        interval: interval.to_owned(),
        rules,
    };
    let hourly = duration(PERIOD_INTERVAL.max(iv));
    Some(RuleFile {
        // State, windows and burn-rate alerts in one group: rules of a group run in order, so
        // each reads the others' samples of the same evaluation.
        groups: vec![
            group(
                "nagios.ola.state",
                &every,
                state.into_iter().chain(short).chain(alerts).collect(),
            ),
            group("nagios.ola.periods", &hourly, long),
        ],
    })
}

// ---------------------------------------------------------------------------------------
// Unit tests.

/// The bridge's series for an objective over `samples` samples: every member OK except the
/// first, whose `(state, downtime)` are `first` (padded with its last value), as the group
/// rank the bridge computes from them ([`crate::translate::ola::argo_rank`]), and the member
/// count.
fn inputs(o: &Objective, samples: usize, first: &[(u8, u8)], up: &str) -> Vec<InputSeries> {
    let ranks: Vec<u8> = first
        .iter()
        .map(|&(state, downtime)| crate::translate::ola::argo_rank(state, downtime > 0))
        .collect();
    let group = string_literal(&o.name);
    vec![
        InputSeries { series: "nagios_up".to_owned(), values: up.to_owned() },
        InputSeries {
            series: format!("{GROUP_RANK}{{ola_group=\"{group}\"}}"),
            values: runs(&ranks, samples),
        },
        InputSeries {
            series: format!("{GROUP_MEMBERS}{{ola_group=\"{group}\"}}"),
            values: format!("{}x{}", o.services.len(), samples.saturating_sub(1)),
        },
    ]
}

/// `values` run-length encoded in promtool's expanding notation, `samples` long.
fn runs(values: &[u8], samples: usize) -> String {
    let mut full: Vec<u8> = values.iter().copied().take(samples).collect();
    let last = full.last().copied().unwrap_or(0);
    full.resize(samples, last);
    let mut parts = Vec::new();
    let mut i = 0;
    while i < full.len() {
        let mut j = i;
        while j + 1 < full.len() && full[j + 1] == full[i] {
            j += 1;
        }
        parts.push(if j == i { full[i].to_string() } else { format!("{}x{}", full[i], j - i) });
        i = j + 1;
    }
    parts.join(" ")
}

/// A member bad (CRITICAL) for the last `bad` of `samples` samples.
fn tail_bad(samples: usize, bad: usize) -> Vec<(u8, u8)> {
    let mut v = vec![(0u8, 0u8); samples - bad.min(samples)];
    v.extend(std::iter::repeat_n((2, 0), bad.min(samples)));
    v
}

/// The bad share a window of `secs` reports at the last of `samples` samples (one per `iv`
/// seconds from 0) when the last `bad` are bad, as Prometheus 2.42 computes it: a range
/// holds the samples at both of its ends.
fn window_ratio(samples: usize, bad: usize, secs: u64, iv: u64) -> f64 {
    let n = ((secs / iv) as usize + 1).min(samples);
    bad.min(n) as f64 / n as f64
}

fn alert_labels(o: &Objective, labels: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut l = labels.clone();
    l.insert("ola_group".to_owned(), o.name.clone());
    l
}

/// `tests/ola.yml`: for each distinct target set (up to [`MAX_TESTED`], the objective with
/// the fewest members), the state roll-up, each burn-rate pair at its edge (as many bad
/// samples as the threshold allows: silent; one more: firing, with every other pair's
/// expected state computed alike), and the period and unknown alerts.
pub fn tests(objectives: &[Objective], interval: u32) -> Option<TestFile> {
    if objectives.is_empty() {
        return None;
    }
    let iv = u64::from(interval.max(1));
    let every = duration(iv);
    let mut chosen: Vec<&Objective> = Vec::new();
    for o in objectives {
        match chosen.iter_mut().find(|c| c.targets == o.targets) {
            Some(c) if c.services.len() > o.services.len() => *c = o,
            Some(_) => {}
            None => chosen.push(o),
        }
    }
    chosen.truncate(MAX_TESTED);
    let mut groups = Vec::new();
    for o in chosen {
        groups.push(state_test(o, iv, &every));
        groups.extend(members_tests(o, iv, &every));
        groups.extend(burn_tests(o, iv, &every));
        groups.extend(period_tests(o, iv, &every));
    }
    Some(TestFile {
        rule_files: vec!["../rules/ola.yml".to_owned()],
        evaluation_interval: every,
        tests: groups,
    })
}

fn state_test(o: &Objective, iv: u64, every: &str) -> TestGroup {
    // OK, CRITICAL, CRITICAL in downtime, UNKNOWN, OK, then the bridge stale.
    let first = [(0, 0), (2, 0), (2, 1), (3, 0), (1, 0), (0, 0)];
    let ranks = [0.0, 4.0, 3.0, 2.0, 1.0, 2.0];
    let q = |t: usize, v: f64| ExprTest {
        expr: format!("{RANK}{{ola_group=\"{}\"}}", string_literal(&o.name)),
        eval_time: duration(iv * t as u64),
        exp_samples: vec![ExpSample {
            labels: format!("{RANK}{{ola_group=\"{}\"}}", string_literal(&o.name)),
            value: v,
        }],
    };
    TestGroup {
        name: format!("ola {}: worst member state (ARGO AND)", o.name),
        interval: every.to_owned(),
        input_series: inputs(o, 6, &first, "1 1 1 1 1 0"),
        alert_rule_test: Vec::new(),
        promql_expr_test: ranks.iter().enumerate().map(|(t, v)| q(t, *v)).collect(),
    }
}

/// With the bridge's group series the group has its state and `NagiosOlaMembersDiffer` is
/// silent; without them (the bridge run without `--ola.members`) the group is missing (rank 2)
/// and the alert fires.
fn members_tests(o: &Objective, iv: u64, every: &str) -> Vec<TestGroup> {
    let samples = 6;
    let all = inputs(o, samples, &[(0, 0)], "1x5");
    let without: Vec<InputSeries> =
        all.iter().filter(|s| s.series == "nagios_up").cloned().collect();
    let name = string_literal(&o.name);
    let at = duration(iv * 5);
    let rank = |v: f64| ExprTest {
        expr: format!("{RANK}{{ola_group=\"{name}\"}}"),
        eval_time: at.clone(),
        exp_samples: vec![ExpSample {
            labels: format!("{RANK}{{ola_group=\"{name}\"}}"),
            value: v,
        }],
    };
    let rule = members_rule(o, iv);
    let firing = ExpAlert {
        exp_labels: rule.labels.clone(),
        exp_annotations: rule
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.replace("{{ $value }}", "0")))
            .collect(),
    };
    let alert = |exp_alerts: Vec<ExpAlert>| AlertTest {
        eval_time: at.clone(),
        alertname: MEMBERS_ALERT.to_owned(),
        exp_alerts,
    };
    vec![
        TestGroup {
            name: format!("ola {}: the bridge reports the group", o.name),
            interval: every.to_owned(),
            input_series: all,
            alert_rule_test: vec![alert(Vec::new())],
            promql_expr_test: vec![rank(0.0)],
        },
        TestGroup {
            name: format!("ola {}: the bridge reports no group (no --ola.members)", o.name),
            interval: every.to_owned(),
            input_series: without,
            alert_rule_test: vec![alert(vec![firing])],
            promql_expr_test: vec![rank(2.0)],
        },
    ]
}

/// Every (sli, target, pair) of an objective.
fn pairs(o: &Objective, iv: u64) -> Vec<(Sli, f64, BurnWindow)> {
    let mut out = Vec::new();
    for sli in [Sli::Availability, Sli::Reliability] {
        let Some(target) = sli.target(&o.targets) else { continue };
        for w in burn_windows(target, o.targets.window_days, iv) {
            out.push((sli, target, w));
        }
    }
    out
}

/// One timeline for every pair: all OK for the longest long window, then the first member
/// CRITICAL; each pair is checked when its long window holds exactly as many bad samples as
/// its threshold allows (silent) and at the next evaluation, one more (firing). Every other
/// pair's state at those times is computed alike.
fn burn_tests(o: &Objective, iv: u64, every: &str) -> Vec<TestGroup> {
    let all = pairs(o, iv);
    let Some(longest) = all.iter().map(|(_, _, w)| w.long).max() else { return Vec::new() };
    let start = (longest / iv) as usize; // index of the first bad sample
    let edges: Vec<usize> = all
        .iter()
        .map(|(_, target, w)| {
            let thr = w.threshold(*target);
            let n = (w.long / iv) as usize + 1;
            (0..n).find(|k| window_ratio(n, k + 1, w.long, iv) > thr).unwrap_or(n)
        })
        .collect();
    let max_k = edges.iter().copied().max().unwrap_or(0);
    let samples = start + max_k + 2;
    let mut tests = Vec::new();
    let mut times: Vec<usize> = edges.iter().flat_map(|k| [*k, k + 1]).collect();
    times.sort_unstable();
    times.dedup();
    for bad in times {
        let t = start + bad - 1;
        let t = if bad == 0 { start - 1 } else { t };
        let mut exp = Vec::new();
        for (s2, t2, w2) in &all {
            let thr = w2.threshold(*t2);
            let ratio = |secs: u64| window_ratio(usize::MAX, bad, secs, iv);
            if ratio(w2.long) > thr && ratio(w2.short) > thr {
                exp.push(ExpAlert {
                    exp_labels: alert_labels(o, &burn_labels(*s2, w2)),
                    exp_annotations: burn_rule(o, *s2, *t2, w2).annotations,
                });
            }
        }
        tests.push(AlertTest {
            eval_time: duration(t as u64 * iv),
            alertname: BURN_ALERT.to_owned(),
            exp_alerts: exp,
        });
    }
    let bad = samples - start;
    vec![TestGroup {
        name: format!(
            "ola {}: burn-rate pairs at their edges (bad samples {:?} at the threshold: silent; one more: firing)",
            o.name, edges
        ),
        interval: every.to_owned(),
        input_series: inputs(o, samples, &tail_bad(samples, bad), &format!("1x{}", samples - 1)),
        alert_rule_test: tests,
        promql_expr_test: Vec::new(),
    }]
}

fn period_tests(o: &Objective, iv: u64, every: &str) -> Vec<TestGroup> {
    // Six hours of data (the period averages what exists): all OK, all UNKNOWN, all CRITICAL.
    let samples = (6 * 3600 / iv) as usize + 1;
    let days = o.targets.window_days;
    let below = |o: &Objective| -> Vec<ExpAlert> {
        [Sli::Availability, Sli::Reliability]
            .into_iter()
            .filter_map(|sli| {
                let target = sli.target(&o.targets)?;
                (target > 0.0).then(|| ExpAlert {
                    exp_labels: alert_labels(o, &period_labels(sli.name(), "warning")),
                    exp_annotations: annotations(
                        o,
                        sli,
                        format!("below the {} % target over {days}d", pct(target)),
                    ),
                })
            })
            .collect()
    };
    let unknown = ExpAlert {
        exp_labels: alert_labels(o, &period_labels("unknown", "warning")),
        exp_annotations: BTreeMap::from([
            ("summary".to_owned(), unknown_summary(o, days)),
            ("source".to_owned(), o.source.clone()),
        ]),
    };
    let cases: [(u8, &str, Vec<ExpAlert>, Vec<ExpAlert>); 3] = [
        (0, "all OK", Vec::new(), Vec::new()),
        (
            3,
            "all UNKNOWN: unknown share alert, A/R undefined",
            Vec::new(),
            if o.targets.unknown_max < 100.0 { vec![unknown] } else { Vec::new() },
        ),
        (2, "all CRITICAL: below target", below(o), Vec::new()),
    ];
    cases
        .into_iter()
        .map(|(state, what, below, unknown)| TestGroup {
            name: format!("ola {} {days}d: {what}", o.name),
            interval: every.to_owned(),
            input_series: inputs(o, samples, &[(state, 0)], &format!("1x{}", samples - 1)),
            alert_rule_test: vec![
                AlertTest {
                    eval_time: "6h".to_owned(),
                    alertname: BELOW_ALERT.to_owned(),
                    exp_alerts: below,
                },
                AlertTest {
                    eval_time: "6h".to_owned(),
                    alertname: UNKNOWN_ALERT.to_owned(),
                    exp_alerts: unknown,
                },
            ],
            promql_expr_test: Vec::new(),
        })
        .collect()
}

/// The summary of the unknown-share alert (rule and its test expect the same text).
fn unknown_summary(o: &Objective, days: u32) -> String {
    format!(
        "OLA group {}: more than {} % of the last {days}d unknown or missing",
        o.name.replace("{{", "{{ \"{{\" }}"),
        pct(o.targets.unknown_max)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_at_80_percent_are_reachable() {
        let w = burn_windows(80.0, 30, 60);
        assert_eq!(w.len(), 3);
        for p in &w {
            assert!(p.factor <= CAP / 0.2 + 1e-9, "{p:?}");
        }
        assert_eq!((w[0].long, w[0].short), (192 * 60, 16 * 60));
        assert_eq!((w[1].long, w[1].short), (8 * 3600, 40 * 60));
        assert_eq!((w[2].long, w[2].short, w[2].factor), (3 * 86400, 6 * 3600, 1.0));
        assert!((w[0].threshold(80.0) - 0.9).abs() < 1e-12);
        let w = burn_windows(85.0, 30, 60);
        let got: Vec<(u64, u64)> = w.iter().map(|p| (p.long, p.short)).collect();
        assert_eq!(got, [(8640, 720), (6 * 3600, 1800), (3 * 86400, 6 * 3600)]);
    }

    #[test]
    fn windows_at_high_targets_are_the_workbook_s() {
        let w = burn_windows(99.9, 30, 60);
        assert_eq!(w.iter().map(|p| p.long).collect::<Vec<_>>(), [3600, 6 * 3600, 3 * 86400]);
        assert!((w[0].factor - 14.4).abs() < 1e-9 && (w[1].factor - 6.0).abs() < 1e-9);
        assert!(burn_windows(100.0, 30, 60).is_empty());
        // 0 %: the largest burn rate is 1, every factor at most 0.9.
        assert!(burn_windows(0.0, 30, 60).iter().all(|p| p.factor <= 0.9 + 1e-9));
        // Windows are multiples of the interval.
        assert!(burn_windows(85.0, 30, 45).iter().all(|p| p.long % 45 == 0 && p.short % 45 == 0));
    }

    #[test]
    fn edges() {
        assert!((window_ratio(11, 5, 600, 60) - 5.0 / 11.0).abs() < 1e-12);
        assert!((window_ratio(11, 20, 300, 60) - 1.0).abs() < 1e-12);
        assert_eq!(runs(&[0, 0, 2], 5), "0x1 2x2");
        assert_eq!(runs(&[1], 1), "1");
    }
}
