//! Prometheus rule files: one file per plugin (`rules/check_load.yml`, one group
//! `nagios.check_load`, rules sorted by group id) and `rules/bridged.yml`.

use std::collections::BTreeMap;

pub use crate::plan::rules::{Rule, RuleFile, RuleGroup};
use crate::translate::bridged::{BridgedLevel, HostLevel};
use crate::translate::plugins::{Cond, Missing, Native, Probe, SEL, SEL2};
use crate::translate::promql::{regex_alternatives, string_literal};
use crate::translate::service_level::{Level, duration, template_text, url_template};
use crate::translate::{HostGroup, NativeGroup, Translation};

/// Warning or critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// WARNING.
    Warning,
    /// CRITICAL.
    Critical,
}

impl Severity {
    /// Label value.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
    /// Nagios state name.
    pub fn state(self) -> &'static str {
        match self {
            Severity::Warning => "WARNING",
            Severity::Critical => "CRITICAL",
        }
    }
}

/// The recording rule that lists a native group's hosts: `up` of their targets, labelled with
/// the group id (`nagios_check`) and the service description. Rules join it on
/// `(instance, host)`, so scrape targets carry no per-check label: a threshold change rewrites
/// rules, never the series or the labels of an alert.
pub const MEMBER_RECORD: &str = "nagios:check:member";

/// Hosts that Nagios would see as not UP (value 1, label `host`): every service rule, native
/// or bridged, is silent on them, as Nagios does not notify for the services of a host that is
/// DOWN or UNREACHABLE.
pub const HOST_DOWN_RECORD: &str = "nagios:host:down";

/// The matchers every signal of `native` selects its samples with: the job, and for a probe
/// its `nagios_probe` id.
pub fn selector(native: &Native) -> String {
    probe_selector(&native.probe)
}

/// The matchers of one probe's (or exporter's) samples.
pub fn probe_selector(probe: &Probe) -> String {
    match probe {
        Probe::Blackbox { .. } | Probe::Snmp { .. } => {
            format!("job=\"{}\", nagios_probe=\"{}\"", probe.job(), string_literal(&probe.id()))
        }
        _ => format!("job=\"{}\"", probe.job()),
    }
}

/// A signal's PromQL, parenthesised unless it is a plain selector.
pub fn signal(native: &Native, index: usize) -> String {
    let text = native.signals.get(index).map(String::as_str).unwrap_or("vector(0)");
    with_selectors(native, text)
}

/// `text` (a signal's PromQL) with the selector placeholders filled in, parenthesised unless
/// it is a plain selector.
fn with_selectors(native: &Native, text: &str) -> String {
    let plain =
        text.bytes().all(|b| !b.is_ascii_whitespace()) && !text.contains(['/', '*', '+', '(']);
    let mut text = text.to_owned();
    if let Some(second) = &native.second {
        text = text.replace(SEL2, &probe_selector(second));
    }
    let text = text.replace(SEL, &selector(native));
    if plain { text } else { format!("({text})") }
}

/// The membership series of a group.
pub fn member(group: &NativeGroup) -> String {
    format!("{MEMBER_RECORD}{{nagios_check=\"{}\"}}", string_literal(&group.id))
}

/// The membership recording rule of a group.
pub fn member_rule(native: &Native, group: &NativeGroup) -> Rule {
    let mut labels = BTreeMap::new();
    labels.insert("nagios_check".to_owned(), group.id.clone());
    labels.insert("service".to_owned(), template_text(&group.description));
    Rule {
        record: Some(MEMBER_RECORD.to_owned()),
        expr: format!(
            "up{{{}, host=~\"{}\"}}",
            selector(native),
            regex_alternatives(&group.host_names)
        ),
        labels,
        ..Rule::default()
    }
}

/// The conditions of one severity that get a rule (per `notification_options`).
pub fn conds<'a>(native: &'a Native, level: &Level, severity: Severity) -> &'a [Cond] {
    let all = level.severities.none();
    match severity {
        Severity::Warning if all || level.severities.warning => &native.warning,
        Severity::Critical if all || level.severities.critical => &native.critical,
        _ => &[],
    }
}

/// The PromQL of a native rule, or `None` when the severity has no rule.
pub fn native_expr(native: &Native, group: &NativeGroup, severity: Severity) -> Option<String> {
    let terms: Vec<String> = conds(native, &group.level, severity)
        .iter()
        .filter_map(|c| c.test.promql(&signal(native, c.signal)))
        .collect();
    if terms.is_empty() {
        return None;
    }
    Some(format!(
        "(\n  {}\n)\nand on(instance, host) {}\nunless on(host) {HOST_DOWN_RECORD}",
        terms.join("\nor "),
        member(group)
    ))
}

/// The alert name of a group's no-data companion.
pub fn no_data_alert(native: &Native) -> String {
    format!("{}NoData", native.alert)
}

/// The no-data companion of a group: fires for each of its hosts whose exporter (or probe)
/// cannot be scraped, or whose scrape lacks a series the rules read, at the state the plugin
/// itself would report ([`Native::missing`]) when `notification_options` notify it. Without
/// it a rule whose series are absent could never fire, unnoticed.
pub fn no_data_rule(native: &Native, group: &NativeGroup) -> Option<Rule> {
    let s = group.level.severities;
    let (state, severity, enabled) = match native.missing {
        Missing::Critical => ("CRITICAL", "critical", s.none() || s.critical),
        Missing::Unknown | Missing::UnknownWhileUp => ("UNKNOWN", "warning", s.none() || s.unknown),
        Missing::WarningWhileUp => ("WARNING", "warning", s.none() || s.warning),
        Missing::Covered => return None,
    };
    if !enabled {
        return None;
    }
    let mut used: Vec<usize> = [Severity::Warning, Severity::Critical]
        .iter()
        .flat_map(|sev| conds(native, &group.level, *sev).iter().map(|c| c.signal))
        .collect();
    used.sort_unstable();
    used.dedup();
    if used.is_empty() {
        return None;
    }
    // Data is there when any signal the rules read has a sample (check_ping's round-trip
    // time has none while every packet is lost, yet the loss is measured).
    // A probe has data when it ran: its window-based signals (check_ping's loss over the last
    // packets) may legitimately be empty for a moment, `probe_success` is not.
    let present: Vec<String> = match (&native.presence, &native.probe) {
        (Some(presence), _) => vec![with_selectors(native, presence)],
        (None, Probe::Blackbox { .. }) => {
            vec![format!("probe_success{{{}}}", selector(native))]
        }
        (None, _) => used.iter().map(|&i| signal(native, i)).collect(),
    };
    let m = member(group);
    // A target that cannot be scraped is the rules' own condition for the *WhileUp kinds.
    let down = if native.missing.while_up() { String::new() } else { format!("{m} == 0\n  or ") };
    let expr = format!(
        "max without(nagios_check) (\n  {down}({m} == 1 unless on(instance, host) (\n    {}\n  ))\n)\nunless on(host) {HOST_DOWN_RECORD}",
        present.join("\n    or ")
    );
    let mut labels = BTreeMap::new();
    labels.insert("severity".to_owned(), severity.to_owned());
    labels.insert("nagios_state".to_owned(), state.to_owned());
    labels.insert("service".to_owned(), template_text(&group.description));
    if let Some(v) = &group.variant {
        labels.insert("nagios_variant".to_owned(), v.clone());
    }
    level_labels(&group.level, &mut labels);
    let mut annotations = BTreeMap::new();
    annotations.insert(
        "summary".to_owned(),
        format!(
            "{{{{ $labels.host }}}}/{} has no data (Nagios would show {state})",
            template_text(&group.description)
        ),
    );
    let mut description = format!(
        "The {} target of this host is down, or it does not export what the rule reads, so `{}` cannot be evaluated.",
        native.probe.job(),
        native.alert
    );
    if !native.requires.is_empty() {
        description.push_str(" The rule needs: ");
        description.push_str(&native.requires.join("; "));
        description.push('.');
    }
    annotations.insert("description".to_owned(), template_text(&description));
    annotations.insert("nagios_check".to_owned(), group.id.clone());
    annotations.insert("nagios_source".to_owned(), template_text(&group.source));
    Some(Rule {
        alert: Some(no_data_alert(native)),
        expr,
        for_: (group.level.for_secs > 0).then(|| duration(group.level.for_secs)),
        labels,
        annotations,
        ..Rule::default()
    })
}

/// Labels shared by native and bridged rules from a level.
fn level_labels(level: &Level, labels: &mut BTreeMap<String, String>) {
    if !level.contact_groups.is_empty() {
        labels.insert("nagios_contact_groups".to_owned(), template_text(&level.contact_groups));
    }
    if !level.contacts.is_empty() {
        labels.insert("nagios_contacts".to_owned(), template_text(&level.contacts));
    }
    if !level.notification_period.is_empty() {
        labels.insert(
            "nagios_notification_period".to_owned(),
            template_text(&level.notification_period),
        );
    }
    if !level.notify {
        labels.insert("nagios_notify".to_owned(), "false".to_owned());
    }
    for (k, v) in &level.labels {
        labels.entry(k.clone()).or_insert_with(|| template_text(v));
    }
}

/// The rule labels of a native group's severity.
pub fn native_labels(group: &NativeGroup, severity: Severity) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    labels.insert("severity".to_owned(), severity.label().to_owned());
    // The Nagios state, as bridged and no-data alerts carry it: what a contact's own
    // notification options are matched on in Alertmanager.
    labels.insert("nagios_state".to_owned(), severity.label().to_uppercase());
    labels.insert("service".to_owned(), template_text(&group.description));
    if let Some(v) = &group.variant {
        labels.insert("nagios_variant".to_owned(), v.clone());
    }
    level_labels(&group.level, &mut labels);
    labels
}

/// The rule annotations of a native group's severity.
pub fn native_annotations(
    native: &Native,
    group: &NativeGroup,
    severity: Severity,
) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    a.insert(
        "summary".to_owned(),
        format!(
            "{{{{ $labels.host }}}}/{} is {}",
            template_text(&group.description),
            severity.state()
        ),
    );
    a.insert(
        "description".to_owned(),
        template_text(&format!(
            "Nagios `{}` (translated natively as `{}`; {} host(s)); for {} = (max_check_attempts - 1) x retry_interval x interval_length + first_notification_delay",
            if native.written.is_empty() { &native.canonical } else { &native.written },
            native.canonical,
            group.hosts,
            duration(group.level.for_secs)
        )),
    );
    if let Some(url) = &group.level.runbook {
        a.insert("runbook_url".to_owned(), url_template(url, Some(&group.description)));
    }
    a.insert("nagios_source".to_owned(), template_text(&group.source));
    a.insert("nagios_check".to_owned(), group.id.clone());
    if !group.templates.is_empty() {
        let list: Vec<&str> = group.templates.iter().map(String::as_str).collect();
        a.insert("nagios_templates".to_owned(), template_text(&list.join(", ")));
    }
    a
}

/// The native rules of one group.
pub fn native_rules(native: &Native, group: &NativeGroup) -> Vec<Rule> {
    let mut rules = Vec::new();
    for severity in [Severity::Warning, Severity::Critical] {
        let Some(expr) = native_expr(native, group, severity) else { continue };
        rules.push(Rule {
            alert: Some(native.alert.to_owned()),
            expr,
            for_: (group.level.for_secs > 0).then(|| duration(group.level.for_secs)),
            keep_firing_for: (group.level.keep_firing_secs > 0)
                .then(|| duration(group.level.keep_firing_secs)),
            labels: native_labels(group, severity),
            annotations: native_annotations(native, group, severity),
            ..Rule::default()
        });
    }
    rules
}

/// The recording rule name of bridged service states.
pub const BRIDGED_RECORD: &str = "nagios:service_hard_state:bridged";

/// The bridged states: (code, alert name, severity label, state name, notification letter).
pub const SERVICE_STATES: [(u8, &str, &str, &str); 3] = [
    (1, "NagiosServiceWarning", "warning", "WARNING"),
    (2, "NagiosServiceCritical", "critical", "CRITICAL"),
    (3, "NagiosServiceUnknown", "warning", "UNKNOWN"),
];

/// Whether a bridged level has a rule for a state code.
pub fn service_state_enabled(level: &Level, code: u8) -> bool {
    let s = level.severities;
    s.none()
        || match code {
            1 => s.warning,
            2 => s.critical,
            _ => s.unknown,
        }
}

/// The selector expression of a bridged level.
pub fn bridged_selection(level: &BridgedLevel) -> String {
    let mut parts = Vec::new();
    if !level.whole.is_empty() {
        parts.push(format!(
            "nagios_service_hard_state{{service=~\"{}\"}}",
            regex_alternatives(&level.whole)
        ));
    }
    for (hosts, descs) in &level.partial {
        let desc = if descs.len() == 1 {
            format!("service=\"{}\"", string_literal(&descs[0]))
        } else {
            format!("service=~\"{}\"", regex_alternatives(descs))
        };
        parts.push(format!(
            "nagios_service_hard_state{{host=~\"{}\", {desc}}}",
            regex_alternatives(hosts)
        ));
    }
    if parts.is_empty() {
        "nagios_service_hard_state{service=\"\"} < 0".to_owned()
    } else {
        parts.join("\nor ")
    }
}

/// Labels of a bridged level's recording rule.
pub fn bridged_record_labels(level: &BridgedLevel) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    labels.insert("nagios_level".to_owned(), level.id.clone());
    level_labels(&level.level, &mut labels);
    labels
}

/// The rules of the bridged file.
pub fn bridged_rules(tr: &Translation<'_>) -> RuleFile {
    let interval = duration(u64::from(tr.scrape_interval));
    let mut services = Vec::new();
    for level in &tr.bridged {
        services.push(Rule {
            record: Some(BRIDGED_RECORD.to_owned()),
            expr: bridged_selection(level),
            labels: bridged_record_labels(level),
            ..Rule::default()
        });
        for (code, alert, severity, state) in SERVICE_STATES {
            if !service_state_enabled(&level.level, code) {
                continue;
            }
            services.push(Rule {
                alert: Some(alert.to_owned()),
                expr: bridged_service_expr(&level.id, code),
                for_: (level.level.bridged_for_secs > 0)
                    .then(|| duration(level.level.bridged_for_secs)),
                labels: [
                    ("severity", severity),
                    ("nagios_state", state),
                    ("nagios_source", "bridged"),
                    ("nagios_level", level.id.as_str()),
                ]
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
                annotations: bridged_annotations(&level.level, state),
                ..Rule::default()
            });
        }
    }
    let hosts = tr.host_levels.iter().flat_map(bridged_rules_for_hosts).collect();
    RuleFile {
        groups: vec![
            RuleGroup {
                name: "nagios.bridged.services".to_owned(),
                interval: interval.clone(),
                rules: services,
            },
            RuleGroup { name: "nagios.bridged.hosts".to_owned(), interval, rules: hosts },
        ],
    }
}

/// The rules of one host level: `NagiosHostDown` (notification option `d`) and
/// `NagiosHostUnreachable` (`u`).
pub fn bridged_rules_for_hosts(level: &HostLevel) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (code, state, enabled) in [
        (1u8, "DOWN", level.level.severities.critical),
        (2, "UNREACHABLE", level.level.severities.unknown),
    ] {
        if !(enabled || level.level.severities.none()) {
            continue;
        }
        let mut labels = BTreeMap::new();
        labels.insert("severity".to_owned(), "critical".to_owned());
        labels.insert("nagios_state".to_owned(), state.to_owned());
        labels.insert("nagios_source".to_owned(), "bridged".to_owned());
        labels.insert("nagios_level".to_owned(), level.id.clone());
        level_labels(&level.level, &mut labels);
        let mut annotations = BTreeMap::new();
        annotations
            .insert("summary".to_owned(), format!("{{{{ $labels.host }}}} is {state} in Nagios"));
        if let Some(url) = &level.level.runbook {
            annotations.insert("runbook_url".to_owned(), url_template(url, None));
        }
        rules.push(Rule {
            alert: Some(
                if code == 1 { "NagiosHostDown" } else { "NagiosHostUnreachable" }.to_owned(),
            ),
            expr: host_expr(level, code),
            for_: (level.level.bridged_for_secs > 0)
                .then(|| duration(level.level.bridged_for_secs)),
            labels,
            annotations,
            ..Rule::default()
        });
    }
    rules
}

/// The alert expression of a bridged service state.
pub fn bridged_service_expr(level_id: &str, code: u8) -> String {
    format!(
        "{BRIDGED_RECORD}{{nagios_level=\"{level_id}\"}} == {code}\n\
         unless on(host, service) (\n    nagios_service_acknowledged == 1\n  or nagios_service_scheduled_downtime_depth > 0\n)\n\
         unless on(host) ({HOST_DOWN_RECORD} or nagios_host_scheduled_downtime_depth > 0)"
    )
}

fn host_expr(level: &HostLevel, code: u8) -> String {
    let sel = if level.all {
        "nagios_host_hard_state".to_owned()
    } else {
        format!("nagios_host_hard_state{{host=~\"{}\"}}", regex_alternatives(&level.hosts))
    };
    format!(
        "{sel} == {code}\nunless on(host) (nagios_host_acknowledged == 1 or nagios_host_scheduled_downtime_depth > 0)"
    )
}

/// Annotations of a bridged service rule.
pub fn bridged_annotations(level: &Level, state: &str) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    a.insert(
        "summary".to_owned(),
        format!("{{{{ $labels.host }}}}/{{{{ $labels.service }}}} is {state} in Nagios"),
    );
    if let Some(url) = &level.runbook {
        a.insert("runbook_url".to_owned(), url_template(url, None));
    }
    a
}

/// The native rule file of one plugin.
pub fn plugin_file(tr: &Translation<'_>, plugin: &str, groups: &[&NativeGroup]) -> RuleFile {
    let mut rules = Vec::new();
    for g in groups {
        let native = &tr.natives[g.native];
        rules.extend(native_rules(native, g));
        rules.extend(no_data_rule(native, g));
    }
    RuleFile {
        groups: vec![RuleGroup {
            name: format!("nagios.{plugin}"),
            interval: duration(u64::from(tr.scrape_interval)),
            rules,
        }],
    }
}

/// `rules/members.yml`: the membership record of every native group (one group
/// `nagios.members`), kept apart from the alerting rules so that their unit tests feed
/// membership directly.
pub fn member_rules(tr: &Translation<'_>) -> RuleFile {
    RuleFile {
        groups: vec![RuleGroup {
            name: "nagios.members".to_owned(),
            interval: duration(u64::from(tr.scrape_interval)),
            rules: tr.groups.iter().map(|g| member_rule(&tr.natives[g.native], g)).collect(),
        }],
    }
}

fn labels_of(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// The membership record of natively checked hosts.
pub const HOST_MEMBER_RECORD: &str = "nagios:host:member";

/// The membership series of a host group.
pub fn host_member(group: &HostGroup) -> String {
    format!("{HOST_MEMBER_RECORD}{{nagios_host_check=\"{}\"}}", string_literal(&group.id))
}

/// The condition of a native host check: its plugin's CRITICAL (a WARNING host check result
/// is UP in Nagios 4), on its hosts.
pub fn host_down_expr(native: &Native, group: &HostGroup) -> String {
    let terms: Vec<String> =
        native.critical.iter().filter_map(|c| c.test.promql(&signal(native, c.signal))).collect();
    format!("(\n  {}\n)\nand on(instance, host) {}", terms.join("\nor "), host_member(group))
}

/// The native `NagiosHostDown` of a host group, when its `notification_options` notify DOWN.
pub fn native_host_rule(native: &Native, group: &HostGroup) -> Option<Rule> {
    let s = group.level.severities;
    if !(s.none() || s.critical) {
        return None;
    }
    let mut labels = BTreeMap::new();
    labels.insert("severity".to_owned(), "critical".to_owned());
    labels.insert("nagios_state".to_owned(), "DOWN".to_owned());
    if let Some(v) = &group.variant {
        labels.insert("nagios_variant".to_owned(), v.clone());
    }
    level_labels(&group.level, &mut labels);
    let mut annotations = BTreeMap::new();
    annotations.insert("summary".to_owned(), "{{ $labels.host }} is DOWN".to_owned());
    annotations.insert(
        "description".to_owned(),
        template_text(&format!(
            "Nagios host check `{}` (translated natively as `{}`; {} host(s)); for {} = (max_check_attempts - 1) x retry_interval x interval_length",
            if native.written.is_empty() { &native.canonical } else { &native.written },
            native.canonical,
            group.host_names.len(),
            duration(group.level.for_secs)
        )),
    );
    annotations.insert("nagios_host_check".to_owned(), group.id.clone());
    if let Some(url) = &group.level.runbook {
        annotations.insert("runbook_url".to_owned(), url_template(url, None));
    }
    Some(Rule {
        alert: Some("NagiosHostDown".to_owned()),
        expr: host_down_expr(native, group),
        for_: (group.level.for_secs > 0).then(|| duration(group.level.for_secs)),
        labels,
        annotations,
        ..Rule::default()
    })
}

/// `rules/hosts.yml`: host state, one group `nagios.hosts`.
///
/// - the membership records of natively checked hosts (`up` of their probe targets);
/// - `NagiosHostDown` for them, at their own attempts and retry interval;
/// - [`HOST_DOWN_RECORD`], every service rule's host condition: natively checked hosts are
///   down while their check fails (no `for:`: Nagios suppresses service notifications while
///   the host is not UP, soft states included), the others while the bridge reports a current
///   state other than UP.
pub fn host_rules(tr: &Translation<'_>) -> RuleFile {
    let mut rules = Vec::new();
    for g in &tr.host_groups {
        let native = &tr.natives[g.native];
        let mut labels = BTreeMap::new();
        labels.insert("nagios_host_check".to_owned(), g.id.clone());
        rules.push(Rule {
            record: Some(HOST_MEMBER_RECORD.to_owned()),
            expr: format!(
                "up{{{}, host=~\"{}\"}}",
                selector(native),
                regex_alternatives(&g.host_names)
            ),
            labels,
            ..Rule::default()
        });
    }
    let mut down = Vec::new();
    for g in &tr.host_groups {
        let native = &tr.natives[g.native];
        rules.extend(native_host_rule(native, g));
        down.push(format!("clamp_max(count by(host) (\n{}\n), 1)", host_down_expr(native, g)));
    }
    down.push(format!(
        "(clamp_max(count by(host) (nagios_host_state > 0), 1)\nunless on(host) {HOST_MEMBER_RECORD})"
    ));
    rules.push(Rule {
        record: Some(HOST_DOWN_RECORD.to_owned()),
        expr: down.join("\nor "),
        ..Rule::default()
    });
    RuleFile {
        groups: vec![RuleGroup {
            name: "nagios.hosts".to_owned(),
            interval: duration(u64::from(tr.scrape_interval)),
            rules,
        }],
    }
}

/// `rules/meta.yml`: what keeps the monitoring from going blind unnoticed, always generated.
///
/// - `nagios.meta`: `NagiosDown` (the bridge reports `nagios_up 0`: no status.dat, or one older
///   than `--status.max-age`), `NagiosStatusStale` (status.dat's own time lags by more than six
///   `status_update_interval`s, at least two minutes: Nagios hangs or stopped writing),
///   `NagiosBridgeDown` / `NagiosBridgeAbsent` (the bridge cannot be scraped, or is not
///   scraped at all: every bridged alert is frozen), and `NagiosExporterDown` (one alert per
///   exporter or probe target that cannot be scraped, naming the host and the services that
///   are now unchecked).
pub fn meta_rules(tr: &Translation<'_>) -> RuleFile {
    let interval = duration(u64::from(tr.scrape_interval));
    let stale = (6 * u64::from(tr.status_update_interval.max(1))).max(120);
    let critical = |summary: &str, description: &str| -> BTreeMap<String, String> {
        labels_of(&[("summary", summary), ("description", description)])
    };
    let jobs = crate::translate::exporters::blind_jobs().collect::<Vec<_>>().join("|");
    let meta = vec![
        Rule {
            alert: Some("NagiosDown".to_owned()),
            expr: "nagios_up == 0".to_owned(),
            for_: Some(duration(2 * u64::from(tr.scrape_interval))),
            labels: labels_of(&[("severity", "critical")]),
            annotations: critical(
                "Nagios on {{ $labels.instance }} is down or its status.dat is missing or too old",
                "The bridge serves no current Nagios state: every bridged alert is frozen at its last state and new problems of bridged services go unseen.",
            ),
            ..Rule::default()
        },
        Rule {
            alert: Some("NagiosStatusStale".to_owned()),
            expr: format!("time() - nagios_status_update_timestamp_seconds > {stale}"),
            for_: Some(duration(u64::from(tr.scrape_interval))),
            labels: labels_of(&[("severity", "critical")]),
            annotations: critical(
                "status.dat on {{ $labels.instance }} was last written {{ $value | humanizeDuration }} ago",
                &format!(
                    "Nagios writes status.dat every status_update_interval ({} s); more than {stale} s means it hangs or stopped.",
                    tr.status_update_interval
                ),
            ),
            ..Rule::default()
        },
        Rule {
            alert: Some("NagiosBridgeDown".to_owned()),
            expr: "up{job=\"nagios_bridge\"} == 0".to_owned(),
            for_: Some(duration(2 * u64::from(tr.scrape_interval))),
            labels: labels_of(&[("severity", "critical")]),
            annotations: critical(
                "the nag2prom bridge on {{ $labels.instance }} cannot be scraped: bridged alerts are blind",
                "Start `nag2prom serve` or fix its address in prometheus.yml (job nagios_bridge).",
            ),
            ..Rule::default()
        },
        Rule {
            alert: Some("NagiosBridgeAbsent".to_owned()),
            expr: "absent(up{job=\"nagios_bridge\"})".to_owned(),
            for_: Some(duration(2 * u64::from(tr.scrape_interval))),
            labels: labels_of(&[("severity", "critical")]),
            annotations: critical(
                "no nag2prom bridge is scraped: bridged alerts are blind",
                "Prometheus has no target in the job nagios_bridge; load the generated prometheus.yml scrape config.",
            ),
            ..Rule::default()
        },
        Rule {
            alert: Some("NagiosExporterDown".to_owned()),
            expr: format!("up{{job=~\"{jobs}\"}} == 0\nunless on(host) {HOST_DOWN_RECORD}"),
            for_: Some(duration(2 * u64::from(tr.scrape_interval))),
            labels: labels_of(&[("severity", "critical")]),
            annotations: critical(
                "{{ $labels.host }}: the {{ $labels.job }} target {{ $labels.instance }} cannot be scraped",
                &format!(
                    "Unchecked Nagios services: {{{{ range query (printf \"{MEMBER_RECORD}{{job=%q,instance=%q,host=%q}}\" $labels.job $labels.instance $labels.host) }}}}{{{{ .Labels.service }}}}; {{{{ end }}}}"
                ),
            ),
            ..Rule::default()
        },
    ];
    RuleFile { groups: vec![RuleGroup { name: "nagios.meta".to_owned(), interval, rules: meta }] }
}
