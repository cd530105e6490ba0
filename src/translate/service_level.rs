//! A service's (or host's) alerting level: what Nagios does between a check result and a
//! notification, as Prometheus rule settings.
//!
//! - `for:` = (max_check_attempts − 1) × retry_interval × interval_length plus
//!   first_notification_delay × interval_length. Attempt 1 is already a SOFT state
//!   (`base/checks.c`), so `max_check_attempts 1` is `for: 0s`. Bridged rules alert on Nagios'
//!   HARD state, so only first_notification_delay applies there.
//! - Severities: `notification_options` `w` → a warning rule, `c` → a critical rule, `u` → an
//!   unknown rule (bridged only; an exporter has no UNKNOWN). No letter at all (`n`) still
//!   gets rules (Nagios still shows the state), labelled `nagios_notify: "false"`.
//! - `notifications_enabled 0` → rules labelled `nagios_notify: "false"` (route them to a
//!   receiver without integrations): Nagios keeps checking and showing the state but never
//!   notifies.
//! - `flap_detection_enabled 1` → `keep_firing_for` = one check interval, so a single good
//!   sample in a flapping series does not resolve and re-notify (an approximation of Nagios'
//!   flap suppression, which has no Prometheus counterpart).
//! - `contact_groups` → the label `nagios_contact_groups: ",a,b,"`; `contacts` plus every
//!   member of those groups → the routing label `nagios_contacts: ",a,b,"` (the contacts Nagios
//!   notifies, resolved at convert time, so that Alertmanager routes once per contact and a
//!   contact in two groups is notified once; docs/alertmanager.md);
//!   `notification_period` → `nagios_notification_period` (route with Alertmanager
//!   `active_time_intervals`; prometheus-side.md §2.4).
//! - `notes_url` (else `action_url`) → the `runbook_url` annotation, with `$HOSTNAME$` and
//!   `$SERVICEDESC$` turned into label templates (or the description itself).

use std::collections::BTreeMap;

use crate::model::{Object, Value};

/// Contact group name → its resolved members (after `contactgroup_members`).
pub type GroupMembers = BTreeMap<String, Vec<String>>;

/// The contacts Nagios notifies for `object`: its `contacts` and the members of its
/// `contact_groups`, sorted and deduplicated.
pub fn notified_contacts<'a>(object: &'a Object, members: &'a GroupMembers) -> Vec<&'a str> {
    let mut out: Vec<&str> = object.list("contacts").iter().map(|c| &**c).collect();
    for group in object.list("contact_groups") {
        if let Some(m) = members.get(&**group) {
            out.extend(m.iter().map(String::as_str));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The service escalations of a model by host and description (each one expanded to its
/// services, as Nagios registers them).
#[derive(Debug, Default)]
pub struct Escalations<'m> {
    by_service: std::collections::HashMap<(&'m str, &'m str), Vec<&'m Object>>,
    by_host: std::collections::HashMap<&'m str, Vec<&'m Object>>,
}

/// Who a service's first notification goes to, by its escalations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstNotification<'m> {
    /// No escalation is valid for notification 1: the service's own contacts.
    Own,
    /// Escalations valid for notification 1 in every state and whenever the service notifies
    /// (no escalation period, or the service's notification period) and never ending
    /// (`last_notification 0`): Nagios notifies their contacts instead of the service's, and
    /// so does the route.
    Escalated(Vec<&'m str>),
    /// Escalations valid for notification 1 only in some states, in another period or up to
    /// a later notification, which Alertmanager cannot tell apart: the route notifies their
    /// contacts and those Nagios notifies otherwise (notify rather than miss).
    Partly(Vec<&'m str>),
}

impl<'m> Escalations<'m> {
    /// Index `model`'s service escalations.
    pub fn of(model: &'m crate::model::Model) -> Escalations<'m> {
        use nag2prom_parsers::object::ObjectType;
        let mut by_service: std::collections::HashMap<_, Vec<_>> = Default::default();
        for e in model.of(ObjectType::ServiceEscalation) {
            if let (Some(h), Some(d)) = (e.text("host_name"), e.text("service_description")) {
                by_service.entry((h, d)).or_default().push(e);
            }
        }
        let mut by_host: std::collections::HashMap<_, Vec<_>> = Default::default();
        for e in model.of(ObjectType::HostEscalation) {
            if let Some(h) = e.text("host_name") {
                by_host.entry(h).or_default().push(e);
            }
        }
        Escalations { by_service, by_host }
    }

    /// [`Escalations::first`] for a host's first notification, by its host escalations
    /// (`is_valid_escalation_for_host_notification`: every state is DOWN and UNREACHABLE).
    pub fn first_for_host(
        &self,
        host: &'m Object,
        members: &'m GroupMembers,
    ) -> FirstNotification<'m> {
        let Some(h) = host.text("host_name") else { return FirstNotification::Own };
        match self.by_host.get(h) {
            Some(all) => decide(host, all, members, &["d", "u"]),
            None => FirstNotification::Own,
        }
    }

    /// Who `service`'s first notification goes to. The escalations that decide it are those
    /// Nagios' `is_valid_escalation_for_service_notification` finds valid for notification 1:
    /// `first_notification` at most 1 and `last_notification` 0 or at least 1; the others
    /// (from notification 2 on) are not routed.
    pub fn first(&self, service: &'m Object, members: &'m GroupMembers) -> FirstNotification<'m> {
        let (Some(h), Some(d)) = (service.text("host_name"), service.text("service_description"))
        else {
            return FirstNotification::Own;
        };
        match self.by_service.get(&(h, d)) {
            Some(all) => decide(service, all, members, &["w", "u", "c"]),
            None => FirstNotification::Own,
        }
    }
}

/// Who `object`'s first notification goes to among its escalations `all`: `states` are the
/// problem states an escalation must cover (`escalation_options`, or `a`) to be valid in
/// every one.
fn decide<'m>(
    object: &'m Object,
    all: &[&'m Object],
    members: &'m GroupMembers,
    states: &[&str],
) -> FirstNotification<'m> {
    let valid: Vec<&&Object> = all
        .iter()
        .filter(|e| {
            let first = number(e, "first_notification").unwrap_or(1.0);
            let last = number(e, "last_notification").unwrap_or(0.0);
            first <= 1.0 && (last == 0.0 || last >= 1.0)
        })
        .collect();
    if valid.is_empty() {
        return FirstNotification::Own;
    }
    let period = object.text("notification_period").unwrap_or("");
    let always = |e: &Object| {
        let opts = options(e, "escalation_options");
        let words: Vec<&str> = opts.split(',').map(str::trim).collect();
        let every = words.contains(&"a") || states.iter().all(|s| words.contains(s));
        let within = e.text("escalation_period").is_none_or(|p| p.is_empty() || p == period);
        every && within && number(e, "last_notification").unwrap_or(0.0) == 0.0
    };
    let exact = valid.iter().all(|e| always(e));
    let mut contacts: Vec<&'m str> = Vec::new();
    for e in &valid {
        contacts.extend(notified_contacts(e, members));
    }
    if !exact && !valid.iter().any(|e| always(e)) {
        // Where no escalation is valid, Nagios notifies the object's own contacts.
        contacts.extend(notified_contacts(object, members));
    }
    contacts.sort_unstable();
    contacts.dedup();
    if exact { FirstNotification::Escalated(contacts) } else { FirstNotification::Partly(contacts) }
}

/// The contacts the route of `service` notifies: its first notification's, by its
/// escalations ([`Escalations::first`]), else its own.
pub fn routed_contacts<'m>(
    service: &'m Object,
    members: &'m GroupMembers,
    escalations: &Escalations<'m>,
) -> Vec<&'m str> {
    match escalations.first(service, members) {
        FirstNotification::Own => notified_contacts(service, members),
        FirstNotification::Escalated(c) | FirstNotification::Partly(c) => c,
    }
}

/// [`routed_contacts`] for a host.
pub fn routed_host_contacts<'m>(
    host: &'m Object,
    members: &'m GroupMembers,
    escalations: &Escalations<'m>,
) -> Vec<&'m str> {
    match escalations.first_for_host(host, members) {
        FirstNotification::Own => notified_contacts(host, members),
        FirstNotification::Escalated(c) | FirstNotification::Partly(c) => c,
    }
}

/// A host's [`level`] with its contacts those its escalations route its first notification
/// to.
pub fn host_level<'m>(
    host: &'m Object,
    interval_length: f64,
    custom_labels: &[(String, String)],
    members: &'m GroupMembers,
    escalations: &Escalations<'m>,
) -> Level {
    let mut l = level(host, true, interval_length, custom_labels, members);
    if escalations.first_for_host(host, members) != FirstNotification::Own {
        l.contacts = comma_list(&routed_host_contacts(host, members, escalations));
    }
    l
}

/// `,a,b,` for a non-empty list, else empty (the form routing regexes match `,a,` in).
pub fn comma_list(items: &[&str]) -> String {
    if items.is_empty() { String::new() } else { format!(",{},", items.join(",")) }
}

/// Which severities get rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Severities {
    /// `w` (services) / `d` (hosts: DOWN).
    pub warning: bool,
    /// `c` (services) / `d` (hosts).
    pub critical: bool,
    /// `u` (services: UNKNOWN; hosts: UNREACHABLE).
    pub unknown: bool,
}

impl Severities {
    /// From a service's `notification_options` letters (`a` is all of them, as
    /// `objects.cache` prints the default).
    pub fn of_service(options: &str) -> Severities {
        let has =
            |c: char| options.split(',').any(|o| o.trim() == c.to_string() || o.trim() == "a");
        if options.split(',').any(|o| o.trim() == "n") {
            return Severities::default();
        }
        Severities { warning: has('w'), critical: has('c'), unknown: has('u') }
    }

    /// From a host's `notification_options` letters (`d` → critical, `u` → unknown, `a` →
    /// all).
    pub fn of_host(options: &str) -> Severities {
        let has =
            |c: char| options.split(',').any(|o| o.trim() == c.to_string() || o.trim() == "a");
        if options.split(',').any(|o| o.trim() == "n") {
            return Severities::default();
        }
        Severities { warning: false, critical: has('d'), unknown: has('u') }
    }

    /// True when no severity is notified.
    pub fn none(&self) -> bool {
        !(self.warning || self.critical || self.unknown)
    }
}

/// Everything about a service that shapes its rules, apart from the check itself.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level {
    /// `for:` of native rules, seconds.
    pub for_secs: u64,
    /// `for:` of bridged rules (first_notification_delay only), seconds.
    pub bridged_for_secs: u64,
    /// Severities notified.
    pub severities: Severities,
    /// False when Nagios never notifies (notifications disabled, or `notification_options n`).
    pub notify: bool,
    /// `,a,b,` (sorted), or empty.
    pub contact_groups: String,
    /// `,a,b,`: every contact notified (direct and through groups), sorted, or empty.
    pub contacts: String,
    /// `notification_period` (a timeperiod name), or empty.
    pub notification_period: String,
    /// Labels from `--label-from-custom-var`.
    pub labels: Vec<(String, String)>,
    /// `runbook_url` annotation.
    pub runbook: Option<String>,
    /// `keep_firing_for` seconds (flap detection), 0 when off.
    pub keep_firing_secs: u64,
}

/// A numeric field (integers and floats alike).
pub fn number(object: &Object, name: &str) -> Option<f64> {
    match object.get(name)? {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Text(t) => t.trim().parse().ok(),
        _ => None,
    }
}

/// Option letters of a field.
pub fn options(object: &Object, name: &str) -> String {
    match object.get(name) {
        Some(Value::Options(o)) => o.to_string(),
        Some(Value::Text(t)) => t.to_string(),
        _ => String::new(),
    }
}

/// Seconds, rounded to whole seconds, never negative.
fn secs(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 { v.round() as u64 } else { 0 }
}

/// The level of `object` (a service, or a host with `host = true`).
pub fn level(
    object: &Object,
    host: bool,
    interval_length: f64,
    custom_labels: &[(String, String)],
    members: &GroupMembers,
) -> Level {
    let attempts = number(object, "max_check_attempts").unwrap_or(1.0).max(1.0);
    let retry = number(object, "retry_interval").unwrap_or(1.0);
    let check = number(object, "check_interval").unwrap_or(5.0);
    let delay = number(object, "first_notification_delay").unwrap_or(0.0);
    let delay_secs = secs(delay * interval_length);
    let for_secs = secs((attempts - 1.0) * retry * interval_length) + delay_secs;
    let opts = options(object, "notification_options");
    let severities = if host { Severities::of_host(&opts) } else { Severities::of_service(&opts) };
    let enabled = number(object, "notifications_enabled").unwrap_or(1.0) != 0.0;
    let mut groups: Vec<&str> = object.list("contact_groups").iter().map(|g| &**g).collect();
    groups.sort_unstable();
    groups.dedup();
    let contact_groups =
        if groups.is_empty() { String::new() } else { format!(",{},", groups.join(",")) };
    let mut labels = Vec::new();
    for (var, label) in custom_labels {
        if let Some(Value::Text(v)) = object.get(var) {
            labels.push((label.clone(), v.to_string()));
        }
    }
    let runbook = object
        .text("notes_url")
        .or_else(|| object.text("action_url"))
        .filter(|u| !u.is_empty())
        .map(template_text);
    let flap = number(object, "flap_detection_enabled").unwrap_or(0.0) != 0.0;
    Level {
        for_secs,
        bridged_for_secs: delay_secs,
        severities,
        notify: enabled && !severities.none(),
        contact_groups,
        contacts: comma_list(&notified_contacts(object, members)),
        notification_period: object.text("notification_period").unwrap_or("").to_owned(),
        labels,
        runbook,
        keep_firing_secs: if flap { secs(check * interval_length) } else { 0 },
    }
}

/// Escape text for a Go template (Prometheus label and annotation values are templates).
pub fn template_text(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

/// A runbook URL (already template-escaped) with `$HOSTNAME$` as a label template and
/// `$SERVICEDESC$` as the label template (bridged: `service` is a series label) or the given
/// description (native: `service` is a rule label, which templates cannot see).
pub fn url_template(url: &str, description: Option<&str>) -> String {
    let service = match description {
        Some(d) => template_text(d),
        None => "{{ $labels.service }}".to_owned(),
    };
    url.replace("$HOSTNAME$", "{{ $labels.host }}").replace("$SERVICEDESC$", &service)
}

/// A Prometheus duration (`0s`, `90s`, `2m`, `1h30m`).
pub fn duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".to_owned();
    }
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use nag2prom_parsers::object::ObjectType;

    fn service(fields: &[(&'static str, Value)]) -> Object {
        Object {
            object_type: ObjectType::Service,
            file: Default::default(),
            span: Default::default(),
            fields: fields
                .iter()
                .map(|(n, v)| Field { name: n, value: v.clone(), origin: None, cached: true })
                .collect(),
        }
    }

    #[test]
    fn for_formula() {
        let s = service(&[
            ("max_check_attempts", Value::Int(4)),
            ("retry_interval", Value::Float(1.0)),
            ("first_notification_delay", Value::Int(5)),
            ("notification_options", Value::Options("w,c,r")),
        ]);
        let l = level(&s, false, 60.0, &[], &GroupMembers::new());
        assert_eq!(l.for_secs, 3 * 60 + 300);
        assert_eq!(l.bridged_for_secs, 300);
        assert_eq!(duration(l.for_secs), "8m");
        assert!(l.severities.warning && l.severities.critical && !l.severities.unknown);
        let one = service(&[("max_check_attempts", Value::Int(1))]);
        assert_eq!(level(&one, false, 60.0, &[], &GroupMembers::new()).for_secs, 0);
        assert_eq!(duration(5430), "1h30m30s");
    }

    #[test]
    fn all_letters() {
        let all = Severities::of_service("a");
        assert!(all.warning && all.critical && all.unknown);
        let host = Severities::of_host("a");
        assert!(host.critical && host.unknown);
        assert!(Severities::of_service("n").none());
        let s = service(&[("notification_options", Value::Options("a"))]);
        assert!(level(&s, false, 60.0, &[], &GroupMembers::new()).notify);
    }

    #[test]
    fn notifications_off_or_none() {
        let s = service(&[("notification_options", Value::Options("n"))]);
        assert!(!level(&s, false, 60.0, &[], &GroupMembers::new()).notify);
        let s = service(&[
            ("notification_options", Value::Options("w,c")),
            ("notifications_enabled", Value::Int(0)),
        ]);
        assert!(!level(&s, false, 60.0, &[], &GroupMembers::new()).notify);
    }

    #[test]
    fn templates_are_escaped() {
        assert_eq!(template_text("a {{b}}"), "a {{ \"{{\" }}b}}");
        assert_eq!(url_template("http://x/$HOSTNAME$", None), "http://x/{{ $labels.host }}");
        assert_eq!(url_template("/$SERVICEDESC$", Some("a b")), "/a b");
    }
}
