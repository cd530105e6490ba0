//! `report.md` and `report.json`: per service, what it became (native rule group, or bridged
//! rule and the exact reason), with totals, per-plugin counts, the rule groups and the bridged
//! levels. Never an argument value: commands are named, and a translation is shown only in its
//! secret-free canonical form.
//!
//! One service per line in both files, so a re-run diff shows exactly the services that
//! changed: report.md written into one buffer (80,000 services make 10+ MB), report.json
//! serialised by serde in the [`super::json_layout`] layout.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use nag2prom_parsers::span::Span;

use serde::Serialize;

use crate::source::SourceDb;
use crate::translate::service_level::duration;
use crate::translate::{Code, Outcome, Translation};

/// Totals of a conversion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Totals {
    /// Services.
    pub services: usize,
    /// Translated natively.
    pub native: usize,
    /// Bridged.
    pub bridged: usize,
    /// Hosts.
    pub hosts: usize,
    /// Alerting and recording rules written.
    pub rules: usize,
}

/// Append `text` as a Markdown table cell.
fn cell(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.bytes().position(|b| b == b'|' || b == b'\n' || b == b'\r') {
        out.push_str(&rest[..i]);
        out.push_str(if rest.as_bytes()[i] == b'|' { "\\|" } else { " " });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// `path:line` of service definitions, with each file's path rendered once.
/// `file:line` of definitions, with each file's path rendered once.
pub(crate) struct Sources<'a> {
    db: &'a SourceDb,
    paths: std::collections::HashMap<crate::source::FileId, String>,
}

impl<'a> Sources<'a> {
    /// Sources of `db`.
    pub(crate) fn new(db: &'a SourceDb) -> Self {
        Sources { db, paths: std::collections::HashMap::new() }
    }

    /// Append `path:line` of `span` in `file`.
    pub(crate) fn push(&mut self, out: &mut String, file: crate::source::FileId, span: Span) {
        let Some(source) = self.db.file(file) else {
            out.push('?');
            return;
        };
        let path = self.paths.entry(file).or_insert_with(|| source.path.display().to_string());
        let line = source.line_index().line_col(&source.bytes, span.start).line;
        let _ = write!(out, "{path}:{line}");
    }
}

/// Per plugin: (native, bridged).
fn plugins<'a>(tr: &'a Translation<'_>) -> BTreeMap<&'a str, [usize; 2]> {
    let mut plugins: BTreeMap<&str, [usize; 2]> = BTreeMap::new();
    for row in &tr.services {
        match row.outcome {
            Outcome::Native(g) => {
                let plugin = tr.natives[tr.groups[g].native].plugin;
                plugins.entry(plugin).or_default()[0] += 1;
            }
            Outcome::Bridged(_, r) => {
                let plugin = tr.reasons[r].plugin.as_deref().unwrap_or("(none)");
                plugins.entry(plugin).or_default()[1] += 1;
            }
        }
    }
    plugins
}

/// A reason with the values that vary between services (quoted names: remote commands,
/// options, plugins) folded to `…`, so one cause is one row whatever it names.
pub fn reason_group(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        if c == '`' {
            if !inside {
                out.push_str("`…`");
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

/// The bridged services of one reason code.
struct ReasonGroup {
    /// Services with a reason of this code.
    services: usize,
    /// Distinct reasons of this code.
    reasons: usize,
    /// The code.
    code: Code,
    /// The plugins concerned, `, `-separated.
    plugins: String,
    /// The most frequent reason of the code, its varying names folded (`reason_group`).
    example: String,
}

/// Reason groups, one per code, most services first.
fn reason_groups(tr: &Translation<'_>) -> Vec<ReasonGroup> {
    let mut groups: BTreeMap<Code, (usize, usize, std::collections::BTreeSet<&str>, usize)> =
        BTreeMap::new();
    // `reasons` is sorted by services: the first reason of a code is its most frequent.
    for (n, r) in reasons(tr) {
        if n == 0 {
            continue;
        }
        let reason = &tr.reasons[r];
        let entry = groups.entry(reason.code).or_insert((0, 0, Default::default(), r));
        entry.0 += n;
        entry.1 += 1;
        entry.2.insert(reason.plugin.as_deref().unwrap_or("(none)"));
    }
    let mut list: Vec<ReasonGroup> = groups
        .into_iter()
        .map(|(code, (services, reasons, plugins, first))| ReasonGroup {
            services,
            reasons,
            code,
            plugins: plugins.into_iter().collect::<Vec<_>>().join(", "),
            example: reason_group(&tr.reasons[first].text),
        })
        .collect();
    list.sort_by(|a, b| b.services.cmp(&a.services).then_with(|| a.code.cmp(&b.code)));
    list
}

/// Exporter requirements of the native rule groups: requirement → services.
fn requirements<'a>(tr: &'a Translation<'_>) -> BTreeMap<&'a str, usize> {
    let mut out: BTreeMap<&str, usize> = BTreeMap::new();
    for g in &tr.groups {
        for r in &tr.natives[g.native].requires {
            *out.entry(r.as_str()).or_insert(0) += g.hosts;
        }
    }
    out
}

/// Services per reason, most frequent first.
fn reasons(tr: &Translation<'_>) -> Vec<(usize, usize)> {
    let mut counts = vec![0usize; tr.reasons.len()];
    for row in &tr.services {
        if let Outcome::Bridged(_, r) = row.outcome {
            counts[r] += 1;
        }
    }
    let mut list: Vec<(usize, usize)> =
        counts.into_iter().enumerate().map(|(r, n)| (n, r)).collect();
    list.sort_by(|a, b| {
        b.0.cmp(&a.0).then_with(|| tr.reasons[a.1].text.cmp(&tr.reasons[b.1].text))
    });
    list
}

/// The totals.
pub fn totals(tr: &Translation<'_>, rules: usize) -> Totals {
    let native = tr.native_count();
    Totals {
        services: tr.services.len(),
        native,
        bridged: tr.services.len() - native,
        hosts: tr.hosts.len(),
        rules,
    }
}

/// `part` of the services, in percent.
fn percent(t: &Totals, part: usize) -> f64 {
    if t.services == 0 { 0.0 } else { 100.0 * part as f64 / t.services as f64 }
}

/// `report.json`, as data (serialised with [`super::json_layout`]: one record a line).
#[derive(Debug, Serialize)]
pub struct Json<'a> {
    totals: JsonTotals,
    plugins: BTreeMap<&'a str, JsonCounts>,
    reasons: Vec<JsonReason<'a>>,
    reason_groups: Vec<JsonReasonGroup>,
    exporter_requirements: Vec<JsonRequirement<'a>>,
    rule_groups: Vec<JsonRuleGroup<'a>>,
    bridged_levels: Vec<JsonLevel<'a>>,
    services: Vec<JsonService<'a>>,
    /// What `alertmanager.yml` could not say exactly (see `emit::alertmanager`).
    alertmanager_notes: &'a [String],
}

#[derive(Debug, Serialize)]
struct JsonTotals {
    services: usize,
    native: usize,
    bridged: usize,
    native_percent: f64,
    bridged_percent: f64,
    hosts: usize,
    native_host_checks: usize,
    native_rule_groups: usize,
    bridged_levels: usize,
    rules: usize,
}

#[derive(Debug, Serialize)]
struct JsonCounts {
    native: usize,
    bridged: usize,
}

#[derive(Debug, Serialize)]
struct JsonReason<'a> {
    services: usize,
    code: &'static str,
    reason: &'a str,
}

#[derive(Debug, Serialize)]
struct JsonReasonGroup {
    services: usize,
    reasons: usize,
    code: &'static str,
    summary: &'static str,
    /// The most frequent reason of the code, names folded to `…`.
    reason: String,
    plugins: String,
}

#[derive(Debug, Serialize)]
struct JsonRequirement<'a> {
    services: usize,
    requires: &'a str,
}

#[derive(Debug, Serialize)]
struct JsonRuleGroup<'a> {
    id: &'a str,
    plugin: &'a str,
    alert: &'a str,
    service_description: &'a str,
    translated: &'a str,
    services: usize,
    #[serde(rename = "for")]
    for_: String,
    notes: &'a [String],
    requires: &'a [String],
    source: &'a str,
}

#[derive(Debug, Serialize)]
struct JsonLevel<'a> {
    id: &'a str,
    services: usize,
    #[serde(rename = "for")]
    for_: String,
}

#[derive(Debug, Serialize)]
struct JsonService<'a> {
    host_name: &'a str,
    service_description: &'a str,
    check_command: &'a str,
    outcome: &'static str,
    rule_group: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    plugin: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    source: String,
}

/// One decimal, as the report shows percentages.
fn one_decimal(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// `report.json` of `tr`; `alertmanager_notes` from `emit::alertmanager`.
pub fn json<'a>(
    tr: &'a Translation<'_>,
    db: &SourceDb,
    t: &Totals,
    alertmanager_notes: &'a [String],
) -> Json<'a> {
    let totals = JsonTotals {
        services: t.services,
        native: t.native,
        bridged: t.bridged,
        native_percent: one_decimal(percent(t, t.native)),
        bridged_percent: one_decimal(percent(t, t.bridged)),
        hosts: t.hosts,
        native_host_checks: tr.host_groups.iter().map(|g| g.host_names.len()).sum::<usize>(),
        native_rule_groups: tr.groups.len(),
        bridged_levels: tr.bridged.len(),
        rules: t.rules,
    };
    let plugins = plugins(tr)
        .into_iter()
        .map(|(p, [native, bridged])| (p, JsonCounts { native, bridged }))
        .collect();
    let reasons = reasons(tr)
        .into_iter()
        .map(|(services, r)| JsonReason {
            services,
            code: tr.reasons[r].code.as_str(),
            reason: &tr.reasons[r].text,
        })
        .collect();
    let reason_groups = reason_groups(tr)
        .into_iter()
        .map(|g| JsonReasonGroup {
            services: g.services,
            reasons: g.reasons,
            code: g.code.as_str(),
            summary: g.code.summary(),
            reason: g.example,
            plugins: g.plugins,
        })
        .collect();
    let exporter_requirements = requirements(tr)
        .into_iter()
        .map(|(requires, services)| JsonRequirement { services, requires })
        .collect();
    let rule_groups = tr
        .groups
        .iter()
        .map(|g| {
            let native = &tr.natives[g.native];
            JsonRuleGroup {
                id: &g.id,
                plugin: native.plugin,
                alert: native.alert,
                service_description: &g.description,
                translated: &native.canonical,
                services: g.hosts,
                for_: duration(g.level.for_secs),
                notes: &native.notes,
                requires: &native.requires,
                source: &g.source,
            }
        })
        .collect();
    let bridged_levels = tr
        .bridged
        .iter()
        .map(|l| JsonLevel {
            id: &l.id,
            services: l.count,
            for_: duration(l.level.bridged_for_secs),
        })
        .collect();
    let mut sources = Sources::new(db);
    let services = tr
        .services
        .iter()
        .map(|row| {
            let mut source = String::new();
            sources.push(&mut source, row.file, row.span);
            let (outcome, rule_group, plugin, code, reason) = match row.outcome {
                Outcome::Native(g) => ("native", tr.groups[g].id.as_str(), None, None, None),
                Outcome::Bridged(l, r) => (
                    "bridged",
                    tr.bridged[l].id.as_str(),
                    tr.reasons[r].plugin.as_deref(),
                    Some(tr.reasons[r].code.as_str()),
                    Some(tr.reasons[r].text.as_str()),
                ),
            };
            JsonService {
                host_name: row.host,
                service_description: row.description,
                check_command: row.command,
                outcome,
                rule_group,
                plugin,
                code,
                reason,
                source,
            }
        })
        .collect();
    Json {
        totals,
        plugins,
        reasons,
        reason_groups,
        exporter_requirements,
        rule_groups,
        bridged_levels,
        services,
        alertmanager_notes,
    }
}

/// The Alertmanager section of `report.md`: what `alertmanager.yml` could not say exactly.
pub fn alertmanager_section(out: &mut String, notes: &[String]) {
    out.push_str("\n## Alertmanager (alertmanager.yml)\n\n");
    if notes.is_empty() {
        out.push_str("Everything was translated exactly.\n");
    }
    for note in notes {
        out.push_str("- ");
        out.push_str(note);
        out.push('\n');
    }
}

/// `report.md`.
pub fn markdown(tr: &Translation<'_>, db: &SourceDb, t: &Totals) -> String {
    let mut out = String::with_capacity(150 * tr.services.len() + 4096);
    out.push_str("# nag2prom convert report\n\n");
    let _ = writeln!(
        out,
        "| services | native | bridged | hosts | native host checks | native rule groups | bridged levels | rules |\n|---|---|---|---|---|---|---|---|\n| {} | {} ({:.1} %) | {} ({:.1} %) | {} | {} | {} | {} | {} |\n",
        t.services,
        t.native,
        percent(t, t.native),
        t.bridged,
        percent(t, t.bridged),
        t.hosts,
        tr.host_groups.iter().map(|g| g.host_names.len()).sum::<usize>(),
        tr.groups.len(),
        tr.bridged.len(),
        t.rules
    );
    out.push_str("Native services are checked by Prometheus itself (an exporter metric compared with the plugin's own thresholds and edges); bridged services still depend on Nagios: their alerts read the HARD state Nagios computed, exported by `nag2prom serve`. The migration is done when nothing is bridged.\n\n## Plugins\n\n| plugin | native | bridged |\n|---|---|---|\n");
    for (plugin, [n, b]) in plugins(tr) {
        out.push_str("| ");
        cell(&mut out, plugin);
        let _ = writeln!(out, " | {n} | {b} |");
    }
    out.push_str("\n## Why services are bridged\n\n| services | code | what it means | most frequent | plugins | variants |\n|---|---|---|---|---|---|\n");
    for g in reason_groups(tr) {
        let _ = write!(out, "| {} | `{}` | ", g.services, g.code);
        cell(&mut out, g.code.summary());
        out.push_str(" | ");
        cell(&mut out, &g.example);
        out.push_str(" | ");
        cell(&mut out, &g.plugins);
        let _ = writeln!(out, " | {} |", g.reasons);
    }
    out.push_str("\nEach service's exact reason is in the Services table below and in report.json.\n\n## What the exporters must be run with\n\n| services | requirement |\n|---|---|\n");
    for (req, n) in requirements(tr) {
        let _ = write!(out, "| {n} | ");
        cell(&mut out, req);
        out.push_str(" |\n");
    }
    out.push_str("\n## Native rule groups\n\n| rule group | alert | service | services | for | translated | notes | source |\n|---|---|---|---|---|---|---|---|\n");
    for g in &tr.groups {
        let native = &tr.natives[g.native];
        let _ = write!(out, "| {} | {} | ", g.id, native.alert);
        cell(&mut out, &g.description);
        let _ = write!(out, " | {} | {} | `", g.hosts, duration(g.level.for_secs));
        cell(&mut out, &native.canonical);
        out.push_str("` | ");
        cell(&mut out, &native.notes.join("; "));
        out.push_str(" | ");
        cell(&mut out, &g.source);
        out.push_str(" |\n");
    }
    let mut sources = Sources::new(db);
    out.push_str("\n## Services\n\n| host | service | command | became | rule group | reason | source |\n|---|---|---|---|---|---|---|\n");
    for row in &tr.services {
        out.push_str("| ");
        cell(&mut out, row.host);
        out.push_str(" | ");
        cell(&mut out, row.description);
        out.push_str(" | ");
        cell(&mut out, row.command);
        match row.outcome {
            Outcome::Native(g) => {
                let _ = write!(out, " | native | {} | ", tr.groups[g].id);
            }
            Outcome::Bridged(l, r) => {
                let _ = write!(out, " | bridged | {} | ", tr.bridged[l].id);
                cell(&mut out, &tr.reasons[r].text);
            }
        }
        out.push_str(" | ");
        let at = out.len();
        sources.push(&mut out, row.file, row.span);
        if out[at..].contains(['|', '\n', '\r']) {
            let text = out.split_off(at);
            cell(&mut out, &text);
        }
        out.push_str(" |\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_group_by_what_they_say() {
        assert_eq!(
            reason_group("the thresholds of remote command `check_x` live in the host's nrpe.cfg"),
            "the thresholds of remote command `…` live in the host's nrpe.cfg"
        );
        assert_eq!(reason_group("plain"), "plain");
    }

    #[test]
    fn escaping() {
        let mut s = String::new();
        cell(&mut s, "a|b\nc");
        assert_eq!(s, "a\\|b c");
    }
}
