//! `nag2prom diff`: what a change does to the generated monitoring. Two [`Plan`]s are compared
//! by identity, not position:
//!
//! - rules are matched by kind and name, then by their labels (exactly; then without the
//!   routing labels and ids, which are content: `nagios_contacts`, `nagios_contact_groups`,
//!   `nagios_notification_period`, `nagios_notify`, `nagios_variant`, `nagios_level`; then,
//!   among rules of one name and severity still unmatched, by the hosts they cover), and a
//!   matched pair is compared field by field: `for`, `keep_firing_for`, thresholds (number
//!   literals in an otherwise equal expression tree, [`crate::plan::expr`]), labels, annotations, hosts;
//! - nag2prom's membership records (`nagios:check:member`, …) are not shown as rules: what
//!   they hold is shown as the hosts of the alerts that use them;
//! - targets by (job, address, host, probe), probe modules (blackbox, snmp) and scrape jobs by name.
//!
//! Order, file and group placement, and the `file:line` a rule cites are no change.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::plan::expr;
use crate::plan::{Plan, PlanRule, PlanTarget, Service};

pub mod live;
pub mod render;

/// Labels that are content, not identity: a change to them is a change of the same rule.
const CONTENT_LABELS: [&str; 6] = [
    "nagios_contacts",
    "nagios_contact_groups",
    "nagios_notification_period",
    "nagios_notify",
    "nagios_variant",
    "nagios_level",
];

/// Annotations nag2prom derives from what the diff shows as fields (ids, `file:line`, the
/// description built from the command, host count and `for`), not compared on generated
/// plans.
const DERIVED_ANNOTATIONS: [&str; 4] =
    ["nagios_check", "nagios_host_check", "nagios_source", "description"];

/// Records holding the members of nag2prom's rule groups, and `nagios:host:down`, the union
/// of the host-check rules (each shown as its `NagiosHostDown` alert): not shown as rules.
const MEMBERSHIP_RECORDS: [&str; 4] = [
    "nagios:check:member",
    "nagios:host:member",
    "nagios:service_hard_state:bridged",
    "nagios:host:down",
];

/// Hosts kept in [`Hosts::sample`].
const SAMPLE: usize = 5;

/// Added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Only in NEW.
    Added,
    /// Only in OLD.
    Removed,
    /// In both, different.
    Changed,
}

impl Kind {
    /// `added`, `removed`, `changed`.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::Changed => "changed",
        }
    }
}

/// One field of a changed thing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// `for`, `keep_firing_for`, `threshold`, `expr`, `label NAME`, `annotation NAME`, `hosts`.
    pub field: String,
    /// The old value (none when the field is new).
    pub old: Option<String>,
    /// The new value (none when the field is gone).
    pub new: Option<String>,
}

impl Field {
    fn new(field: impl Into<String>, old: Option<&str>, new: Option<&str>) -> Field {
        Field { field: field.into(), old: old.map(str::to_owned), new: new.map(str::to_owned) }
    }
}

/// Hosts a rule covers, before and after.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Hosts {
    /// Hosts covered in OLD.
    pub old: usize,
    /// Hosts covered in NEW.
    pub new: usize,
    /// Hosts only in NEW, sorted.
    pub added: Vec<String>,
    /// Hosts only in OLD, sorted.
    pub removed: Vec<String>,
    /// The first hosts covered (NEW's, OLD's when removed), for display.
    pub sample: Vec<String>,
}

/// A rule added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleChange {
    /// What happened.
    pub kind: Kind,
    /// The alert or record name.
    pub name: String,
    /// An alerting rule (else a recording rule).
    pub alert: bool,
    /// Its identity labels (NEW's, OLD's when removed).
    pub labels: BTreeMap<String, String>,
    /// The rule file (NEW's, OLD's when removed).
    pub file: String,
    /// What changed (empty for added and removed rules).
    pub fields: Vec<Field>,
    /// The hosts it covers, when known (nag2prom's rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosts: Option<Hosts>,
    /// Nagios services behind it, old and new together (0 when unknown).
    pub services: usize,
    /// The Nagios object the change comes from, as the rule cites it: its templates, or the
    /// service definition, or the rule file for hand-written rules.
    pub cause: String,
    /// With `--status-file`, for an alert: its services alerting now under each side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alerting: Option<live::AlertingNow>,
}

impl RuleChange {
    /// The change of `kind` to `rule`, its fields, hosts, services and cause still empty.
    fn of(kind: Kind, rule: &PlanRule) -> RuleChange {
        RuleChange {
            kind,
            name: rule.rule.name().to_owned(),
            alert: rule.rule.is_alert(),
            labels: key_labels(&rule.rule.labels)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            file: rule.file.clone(),
            fields: Vec::new(),
            hosts: None,
            services: 0,
            cause: String::new(),
            alerting: None,
        }
    }
}

/// A target added, removed, or relabelled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetChange {
    /// What happened.
    pub kind: Kind,
    /// Scrape job.
    pub job: String,
    /// Address.
    pub address: String,
    /// Host label.
    pub host: String,
    /// Label changes (changed targets).
    pub fields: Vec<Field>,
}

/// A probe module or scrape job added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemChange {
    /// What happened.
    pub kind: Kind,
    /// The module or job name.
    pub name: String,
    /// Changed keys as dotted paths, with values as JSON.
    pub fields: Vec<Field>,
}

/// Counts for the summary table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Alerting and recording rules added.
    pub rules_added: usize,
    /// Removed.
    pub rules_removed: usize,
    /// Changed.
    pub rules_changed: usize,
    /// Distinct hosts covered by a changed, added or removed rule.
    pub hosts_affected: usize,
    /// Distinct Nagios services behind a changed, added or removed rule.
    pub services_affected: usize,
    /// Targets added.
    pub targets_added: usize,
    /// Targets removed.
    pub targets_removed: usize,
    /// Targets relabelled.
    pub targets_changed: usize,
    /// Probe modules (blackbox, snmp) added, removed or changed.
    pub modules: usize,
    /// Scrape jobs added, removed or changed.
    pub jobs: usize,
    /// Alertmanager receivers, routes, inhibit rules and time intervals added, removed or
    /// changed.
    pub routing: usize,
}

/// The difference between two plans.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// Counts.
    pub summary: Summary,
    /// Rules, sorted by cause, name and labels.
    pub rules: Vec<RuleChange>,
    /// Targets, sorted.
    pub targets: Vec<TargetChange>,
    /// Probe modules (blackbox, snmp).
    pub modules: Vec<ItemChange>,
    /// Scrape jobs.
    pub jobs: Vec<ItemChange>,
    /// Alertmanager items ([`crate::plan::routing::items`]).
    pub routing: Vec<ItemChange>,
}

impl Diff {
    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
            && self.targets.is_empty()
            && self.modules.is_empty()
            && self.jobs.is_empty()
            && self.routing.is_empty()
    }
}

/// What one side knows about its rules' members.
struct Side<'p> {
    plan: &'p Plan,
    /// Services by rule group / level id.
    services: BTreeMap<&'p str, Vec<&'p Service>>,
    /// Hosts by membership id, from the membership records.
    members: BTreeMap<String, BTreeSet<String>>,
    /// The templates a rule group's rules cite, by group id (its no-data rule cites none).
    templates: BTreeMap<String, String>,
    /// Hosts by group id, sorted and distinct: from the services, else the members.
    hosts: BTreeMap<&'p str, Vec<&'p str>>,
}

impl<'p> Side<'p> {
    fn new(plan: &'p Plan) -> Side<'p> {
        let services = plan.hosts_by_group();
        let mut members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for r in &plan.rules {
            if !MEMBERSHIP_RECORDS.contains(&r.rule.name()) {
                continue;
            }
            let Some(id) = ["nagios_check", "nagios_host_check", "nagios_level"]
                .iter()
                .find_map(|k| r.rule.labels.get(*k))
            else {
                continue;
            };
            // The services already say who is in a service group; host checks have none.
            if services.contains_key(id.as_str()) {
                continue;
            }
            members.entry(id.clone()).or_default().extend(member_hosts(&r.rule.expr));
        }
        let mut templates = BTreeMap::new();
        for r in &plan.rules {
            if let (Some(id), Some(t)) =
                (r.rule.annotations.get("nagios_check"), r.rule.annotations.get("nagios_templates"))
            {
                templates.insert(id.clone(), t.clone());
            }
        }
        let mut hosts: BTreeMap<&'p str, Vec<&'p str>> = BTreeMap::new();
        for (id, list) in &services {
            let mut h: Vec<&str> = list.iter().map(|s| s.host.as_str()).collect();
            h.sort_unstable();
            h.dedup();
            hosts.insert(id, h);
        }
        Side { plan, services, members, templates, hosts }
    }

    /// The membership id a rule uses.
    fn id<'r>(&self, rule: &'r PlanRule) -> Option<&'r str> {
        let r = &rule.rule;
        r.annotations
            .get("nagios_check")
            .or_else(|| r.annotations.get("nagios_host_check"))
            .or_else(|| r.labels.get("nagios_level"))
            .map(String::as_str)
    }

    /// The services behind a rule.
    fn services_of(&self, rule: &PlanRule) -> &[&'p Service] {
        self.id(rule).and_then(|id| self.services.get(id)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The hosts a rule covers, when known.
    fn hosts_of(&self, rule: &PlanRule) -> Option<Vec<&str>> {
        let id = self.id(rule)?;
        if let Some(h) = self.hosts.get(id) {
            return Some(h.clone());
        }
        self.members.get(id).map(|m| m.iter().map(String::as_str).collect())
    }
}

/// The hosts of a membership record: its `host=~"a|b"` matcher (a PromQL string of
/// RE2-escaped alternatives), read lexically.
fn member_hosts(expr: &str) -> Vec<String> {
    expr::matchers(expr)
        .into_iter()
        .filter(|m| m.label == "host")
        .flat_map(|m| {
            if m.op == "=~" {
                expr::split_alternatives(&expr::unquote(m.body))
            } else {
                vec![expr::unquote(m.body)]
            }
        })
        .collect()
}

fn key_labels(labels: &BTreeMap<String, String>) -> BTreeMap<&str, &str> {
    labels
        .iter()
        .filter(|(k, _)| !CONTENT_LABELS.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Pair OLD's and NEW's rules; returns matched pairs and the unmatched of each side.
fn match_rules(old: &Side<'_>, new: &Side<'_>) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let shown = |p: &Plan| -> Vec<usize> {
        (0..p.rules.len())
            .filter(|&i| !MEMBERSHIP_RECORDS.contains(&p.rules[i].rule.name()))
            .collect()
    };
    let mut left: BTreeSet<usize> = shown(old.plan).into_iter().collect();
    let mut right: BTreeSet<usize> = shown(new.plan).into_iter().collect();
    let mut pairs = Vec::new();
    // 1 and 2: a key that is unique on both sides pairs its two rules.
    type KeyFn<'a> = &'a dyn Fn(&PlanRule) -> String;
    let full: KeyFn<'_> =
        &|r| format!("{}|{}|{:?}", r.rule.is_alert(), r.rule.name(), r.rule.labels);
    let key: KeyFn<'_> =
        &|r| format!("{}|{}|{:?}", r.rule.is_alert(), r.rule.name(), key_labels(&r.rule.labels));
    for f in [full, key] {
        let mut by: BTreeMap<String, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for &i in &left {
            by.entry(f(&old.plan.rules[i])).or_default().0.push(i);
        }
        for &j in &right {
            by.entry(f(&new.plan.rules[j])).or_default().1.push(j);
        }
        for (_, (a, b)) in by {
            if a.len() == b.len() && a.len() == 1 {
                pairs.push((a[0], b[0]));
                left.remove(&a[0]);
                right.remove(&b[0]);
            } else if !a.is_empty() && !b.is_empty() {
                // Several with one key: pair by the hosts they cover.
                for (i, j) in pair_by_hosts(old, new, &a, &b) {
                    pairs.push((i, j));
                    left.remove(&i);
                    right.remove(&j);
                }
            }
        }
    }
    // 3: one name and severity, the rest of their labels changed (a renamed service):
    // paired by the hosts they cover, or when each side has just one.
    let mut by: BTreeMap<String, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    let coarse = |r: &PlanRule| {
        format!(
            "{}|{}|{:?}|{:?}",
            r.rule.is_alert(),
            r.rule.name(),
            r.rule.labels.get("severity"),
            r.rule.labels.get("nagios_state")
        )
    };
    for &i in &left {
        by.entry(coarse(&old.plan.rules[i])).or_default().0.push(i);
    }
    for &j in &right {
        by.entry(coarse(&new.plan.rules[j])).or_default().1.push(j);
    }
    for (_, (a, b)) in by {
        let found = if a.len() == 1 && b.len() == 1 {
            vec![(a[0], b[0])]
        } else {
            pair_by_hosts(old, new, &a, &b)
        };
        for (i, j) in found {
            pairs.push((i, j));
            left.remove(&i);
            right.remove(&j);
        }
    }
    (pairs, left.into_iter().collect(), right.into_iter().collect())
}

/// Greedy pairing by host overlap (largest first); pairs with no host in common are left.
fn pair_by_hosts(old: &Side<'_>, new: &Side<'_>, a: &[usize], b: &[usize]) -> Vec<(usize, usize)> {
    let ha: Vec<Option<Vec<&str>>> = a.iter().map(|&i| old.hosts_of(&old.plan.rules[i])).collect();
    let hb: Vec<Option<Vec<&str>>> = b.iter().map(|&j| new.hosts_of(&new.plan.rules[j])).collect();
    let mut scored = Vec::new();
    for (x, ia) in ha.iter().enumerate() {
        for (y, jb) in hb.iter().enumerate() {
            if let (Some(p), Some(q)) = (ia, jb) {
                let common = merged(p, q).0.len();
                if common > 0 {
                    let union = (p.len() + q.len() - common).max(1);
                    // Jaccard in parts per million, so the sort is exact and stable.
                    scored.push((common * 1_000_000 / union, x, y));
                }
            }
        }
    }
    scored.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    let (mut used_a, mut used_b) = (BTreeSet::new(), BTreeSet::new());
    let mut out = Vec::new();
    for (_, x, y) in scored {
        if used_a.insert(x) {
            if used_b.insert(y) {
                out.push((a[x], b[y]));
            } else {
                used_a.remove(&x);
            }
        }
    }
    out
}

fn opt_field(out: &mut Vec<Field>, name: &str, old: Option<&String>, new: Option<&String>) {
    if old != new {
        out.push(Field::new(name, old.map(String::as_str), new.map(String::as_str)));
    }
}

fn map_fields(
    out: &mut Vec<Field>,
    prefix: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    skip: &[&str],
) {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for k in keys {
        if skip.contains(&k.as_str()) {
            continue;
        }
        opt_field(out, &format!("{prefix} {k}"), old.get(k), new.get(k));
    }
}

/// The fields that differ between two matched rules.
fn rule_fields(old: &PlanRule, new: &PlanRule, generated: bool) -> Vec<Field> {
    let (a, b) = (&old.rule, &new.rule);
    let mut out = Vec::new();
    opt_field(&mut out, "for", a.for_.as_ref(), b.for_.as_ref());
    opt_field(&mut out, "keep_firing_for", a.keep_firing_for.as_ref(), b.keep_firing_for.as_ref());
    match expr::compare(&a.expr, &b.expr) {
        expr::ExprChange::Same => {}
        expr::ExprChange::Numbers(numbers) => {
            for (op, x, y) in numbers {
                let op = if op.is_empty() { String::new() } else { format!("{op} ") };
                out.push(Field {
                    field: "threshold".to_owned(),
                    old: Some(format!("{op}{}", expr::number(x))),
                    new: Some(format!("{op}{}", expr::number(y))),
                });
            }
        }
        expr::ExprChange::Rewritten => {
            let (old, new) = expr::changed_lines(&a.expr, &b.expr);
            out.push(Field { field: "expr".to_owned(), old: Some(old), new: Some(new) });
        }
    }
    map_fields(&mut out, "label", &a.labels, &b.labels, &[]);
    let skip: &[&str] = if generated { &DERIVED_ANNOTATIONS } else { &[] };
    map_fields(&mut out, "annotation", &a.annotations, &b.annotations, skip);
    out
}

/// What a rule cites as its cause: templates, else its services' definitions, else its file.
fn cause(side: &Side<'_>, rule: &PlanRule, services: &[&Service]) -> String {
    let group_templates = side.id(rule).and_then(|id| side.templates.get(id));
    if let Some(t) = rule.rule.annotations.get("nagios_templates").or(group_templates) {
        return format!("templates {t}");
    }
    if rule.rule.annotations.contains_key("nagios_host_check") {
        return "host checks".to_owned();
    }
    let sources: BTreeSet<&str> = services
        .iter()
        .map(|s| s.source.rsplit_once(':').map_or(s.source.as_str(), |(f, _)| f))
        .collect();
    match sources.len() {
        0 => rule.rule.annotations.get("nagios_source").map_or_else(
            || format!("rule file {}", rule.file),
            |s| format!("definition {}", s.rsplit_once(':').map_or(s.as_str(), |(f, _)| f)),
        ),
        1 => format!("definitions in {}", sources.iter().next().map_or("", |s| s)),
        n => format!("definitions in {n} files"),
    }
}

/// Two sorted, distinct lists merged: `(in both, only in a, only in b)`.
fn merged<'a>(a: &[&'a str], b: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>, Vec<&'a str>) {
    let (mut both, mut only_a, mut only_b) = (Vec::new(), Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(b[j]) {
            std::cmp::Ordering::Equal => {
                both.push(a[i]);
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                only_a.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                only_b.push(b[j]);
                j += 1;
            }
        }
    }
    only_a.extend_from_slice(&a[i..]);
    only_b.extend_from_slice(&b[j..]);
    (both, only_a, only_b)
}

fn hosts_field(old: Option<&[&str]>, new: Option<&[&str]>) -> Option<Hosts> {
    if old.is_none() && new.is_none() {
        return None;
    }
    let (o, n) = (old.unwrap_or(&[]), new.unwrap_or(&[]));
    let owned = |v: &[&str]| v.iter().map(|h| (*h).to_owned()).collect::<Vec<String>>();
    let base = if n.is_empty() { o } else { n };
    let sample = owned(&base[..SAMPLE.min(base.len())]);
    let (added, removed) = if o == n {
        (Vec::new(), Vec::new())
    } else {
        let (_, removed, added) = merged(o, n);
        (owned(&added), owned(&removed))
    };
    Some(Hosts { old: o.len(), new: n.len(), added, removed, sample })
}

/// Compare two plans.
pub fn diff(old_plan: &Plan, new_plan: &Plan) -> Diff {
    diff_live(old_plan, new_plan, None)
}

/// [`diff`], and with `live` (a status.dat's states) each changed alert's services alerting
/// now under the old and the new rule ([`live`]).
pub fn diff_live(old_plan: &Plan, new_plan: &Plan, live: Option<&live::LiveStates>) -> Diff {
    let (old, new) = (Side::new(old_plan), Side::new(new_plan));
    let generated = old_plan.generated && new_plan.generated;
    let (pairs, removed, added) = match_rules(&old, &new);
    let mut rules = Vec::new();
    // Hash sets: up to every host and service of the installation, inserted once per rule.
    let mut hosts_affected: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    let mut services_affected: rustc_hash::FxHashSet<(&str, &str)> =
        rustc_hash::FxHashSet::default();
    for (i, j) in pairs {
        let (a, b) = (&old_plan.rules[i], &new_plan.rules[j]);
        let mut fields = rule_fields(a, b, generated);
        let (ho, hn) = (old.hosts_of(a), new.hosts_of(b));
        let hosts = hosts_field(ho.as_deref(), hn.as_deref());
        if let Some(h) = &hosts
            && (!h.added.is_empty() || !h.removed.is_empty())
        {
            fields.push(Field {
                field: "hosts".to_owned(),
                old: Some(h.old.to_string()),
                new: Some(format!("{} (+{} −{})", h.new, h.added.len(), h.removed.len())),
            });
        }
        if fields.is_empty() {
            continue;
        }
        let (so, sn) = (old.services_of(a), new.services_of(b));
        hosts_affected.extend(ho.iter().chain(hn.iter()).flatten());
        for s in so.iter().chain(sn) {
            hosts_affected.insert(s.host.as_str());
            services_affected.insert((s.host.as_str(), s.service.as_str()));
        }
        // The rule's own count: the larger side (a renamed service is not twice as many).
        let services = so.len().max(sn.len());
        let alerting = live
            .filter(|_| b.rule.is_alert())
            .map(|l| live::estimate(l, Some((a, so)), Some((b, sn))));
        rules.push(RuleChange {
            fields,
            hosts,
            services,
            cause: cause(&new, b, sn),
            alerting,
            ..RuleChange::of(Kind::Changed, b)
        });
    }
    for (side, indices, kind) in [(&old, removed, Kind::Removed), (&new, added, Kind::Added)] {
        for i in indices {
            let r = &side.plan.rules[i];
            let set = side.hosts_of(r);
            let hosts = match kind {
                Kind::Removed => hosts_field(set.as_deref(), None),
                _ => hosts_field(None, set.as_deref()),
            };
            let svc = side.services_of(r);
            hosts_affected.extend(set.iter().flatten());
            for s in svc {
                hosts_affected.insert(s.host.as_str());
                services_affected.insert((s.host.as_str(), s.service.as_str()));
            }
            let alerting = live.filter(|_| r.rule.is_alert()).map(|l| match kind {
                Kind::Removed => live::estimate(l, Some((r, svc)), None),
                _ => live::estimate(l, None, Some((r, svc))),
            });
            rules.push(RuleChange {
                hosts,
                services: svc.len(),
                cause: cause(side, r, svc),
                alerting,
                ..RuleChange::of(kind, r)
            });
        }
    }
    rules.sort_by(|a, b| {
        (&a.cause, &a.name, &a.labels, a.kind).cmp(&(&b.cause, &b.name, &b.labels, b.kind))
    });
    let targets = diff_targets(&old_plan.targets, &new_plan.targets);
    let modules = diff_items(&old_plan.modules, &new_plan.modules);
    let jobs = diff_items(&old_plan.jobs, &new_plan.jobs);
    let routing = diff_items(&old_plan.routing, &new_plan.routing);
    let count = |k: Kind| rules.iter().filter(|r| r.kind == k).count();
    let tcount = |k: Kind| targets.iter().filter(|t| t.kind == k).count();
    let summary = Summary {
        rules_added: count(Kind::Added),
        rules_removed: count(Kind::Removed),
        rules_changed: count(Kind::Changed),
        hosts_affected: hosts_affected.len(),
        services_affected: services_affected.len(),
        targets_added: tcount(Kind::Added),
        targets_removed: tcount(Kind::Removed),
        targets_changed: tcount(Kind::Changed),
        modules: modules.len(),
        jobs: jobs.len(),
        routing: routing.len(),
    };
    Diff { summary, rules, targets, modules, jobs, routing }
}

/// (job, address, host, probe).
type TargetKey<'a> = (&'a str, &'a str, &'a str, &'a str);

fn target_key(t: &PlanTarget) -> TargetKey<'_> {
    let get = |k: &str| t.labels.get(k).map_or("", String::as_str);
    (t.job.as_str(), t.address.as_str(), get("host"), get("nagios_probe"))
}

fn diff_targets(old: &[PlanTarget], new: &[PlanTarget]) -> Vec<TargetChange> {
    fn index(ts: &[PlanTarget]) -> Vec<(TargetKey<'_>, usize)> {
        let mut v: Vec<(TargetKey<'_>, usize)> =
            ts.iter().enumerate().map(|(i, t)| (target_key(t), i)).collect();
        v.sort_unstable();
        v
    }
    let (a, b) = (index(old), index(new));
    let mut out = Vec::new();
    let push = |out: &mut Vec<TargetChange>, kind, k: TargetKey<'_>, fields| {
        out.push(TargetChange {
            kind,
            job: k.0.to_owned(),
            address: k.1.to_owned(),
            host: k.2.to_owned(),
            fields,
        });
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.0.cmp(&y.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                push(&mut out, Kind::Removed, a[i].0, Vec::new());
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                push(&mut out, Kind::Added, b[j].0, Vec::new());
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let (x, y) = (&old[a[i].1], &new[b[j].1]);
                if x.labels != y.labels {
                    let mut f = Vec::new();
                    map_fields(&mut f, "label", &x.labels, &y.labels, &[]);
                    push(&mut out, Kind::Changed, a[i].0, f);
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Leaves of a JSON value as `(dotted path, JSON text)`.
fn leaves(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    match v {
        serde_json::Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                leaves(&p, v, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

fn diff_items(
    old: &BTreeMap<String, serde_json::Value>,
    new: &BTreeMap<String, serde_json::Value>,
) -> Vec<ItemChange> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = Vec::new();
    for k in keys {
        match (old.get(k), new.get(k)) {
            (Some(_), None) => {
                out.push(ItemChange { kind: Kind::Removed, name: k.clone(), fields: Vec::new() })
            }
            (None, Some(_)) => {
                out.push(ItemChange { kind: Kind::Added, name: k.clone(), fields: Vec::new() })
            }
            (Some(a), Some(b)) if a != b => {
                let (mut la, mut lb) = (BTreeMap::new(), BTreeMap::new());
                leaves("", a, &mut la);
                leaves("", b, &mut lb);
                let mut fields = Vec::new();
                map_fields(&mut fields, "", &la, &lb, &[]);
                for f in &mut fields {
                    f.field = f.field.trim_start().to_owned();
                }
                out.push(ItemChange { kind: Kind::Changed, name: k.clone(), fields });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::rules::Rule;

    fn rule(name: &str, expr: &str, labels: &[(&str, &str)], for_: &str) -> PlanRule {
        PlanRule {
            file: "r.yml".to_owned(),
            group: "g".to_owned(),
            rule: Rule {
                alert: Some(name.to_owned()),
                expr: expr.to_owned(),
                for_: Some(for_.to_owned()),
                labels: labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
                ..Rule::default()
            },
        }
    }

    fn plan(rules: Vec<PlanRule>) -> Plan {
        Plan { rules, ..Plan::default() }
    }

    #[test]
    fn reordering_and_formatting_are_no_change() {
        let a = plan(vec![
            rule("A", "up == 0", &[("severity", "critical")], "5m"),
            rule("B", "x > 1", &[], "1m"),
        ]);
        let b = plan(vec![
            rule("B", "x>1", &[], "1m"),
            rule("A", "(up == 0)", &[("severity", "critical")], "5m"),
        ]);
        assert!(diff(&a, &b).is_empty());
    }

    #[test]
    fn a_threshold_and_a_duration_are_fields_of_one_change() {
        let a = plan(vec![rule("A", "x > 90", &[("service", "Disk")], "3m")]);
        let b = plan(vec![rule("A", "x > 95", &[("service", "Disk")], "15m")]);
        let d = diff(&a, &b);
        assert_eq!(d.rules.len(), 1);
        let fields: Vec<(String, Option<String>, Option<String>)> = d.rules[0]
            .fields
            .iter()
            .map(|f| (f.field.clone(), f.old.clone(), f.new.clone()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("for".to_owned(), Some("3m".to_owned()), Some("15m".to_owned())),
                ("threshold".to_owned(), Some("> 90".to_owned()), Some("> 95".to_owned())),
            ]
        );
    }

    #[test]
    fn a_routing_label_change_is_a_change_not_a_removal() {
        let a =
            plan(vec![rule("A", "x", &[("service", "S"), ("nagios_contact_groups", ",a,")], "1m")]);
        let b =
            plan(vec![rule("A", "x", &[("service", "S"), ("nagios_contact_groups", ",b,")], "1m")]);
        let d = diff(&a, &b);
        assert_eq!((d.summary.rules_changed, d.summary.rules_added), (1, 0));
        assert_eq!(d.rules[0].fields[0].field, "label nagios_contact_groups");
    }

    #[test]
    fn added_and_removed_rules() {
        let a = plan(vec![rule("A", "x", &[], "1m"), rule("B", "y", &[("k", "1")], "1m")]);
        let b = plan(vec![rule("A", "x", &[], "1m"), rule("C", "z", &[], "1m")]);
        let d = diff(&a, &b);
        assert_eq!((d.summary.rules_added, d.summary.rules_removed), (1, 1));
    }

    #[test]
    fn membership_hosts_are_read_back_from_the_escaped_regex() {
        assert_eq!(
            member_hosts("up{job=\"node\", host=~\"a\\\\.b|c\"}"),
            vec!["a.b".to_owned(), "c".to_owned()]
        );
    }
}
