//! `report.md` and `report.json`: per service, what it became (native rule group, or bridged
//! rule and the exact reason), with totals, per-plugin counts, the rule groups and the bridged
//! levels. Never an argument value: commands are named, and a translation is shown only in its
//! secret-free canonical form.
//!
//! Written by hand into one buffer (80,000 services make 10+ MB): one service per line in both
//! files, so a re-run diff shows exactly the services that changed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use nag2prom_parsers::span::Span;

use crate::diag::push_json_string;
use crate::source::SourceDb;
use crate::translate::service_level::duration;
use crate::translate::{Outcome, Translation};

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

/// Reason groups: (services, distinct reasons, group text, plugins), most services first.
fn reason_groups(tr: &Translation<'_>) -> Vec<(usize, usize, String, String)> {
    let mut groups: BTreeMap<String, (usize, usize, std::collections::BTreeSet<&str>)> =
        BTreeMap::new();
    for (n, r) in reasons(tr) {
        if n == 0 {
            continue;
        }
        let reason = &tr.reasons[r];
        let entry = groups.entry(reason_group(&reason.text)).or_default();
        entry.0 += n;
        entry.1 += 1;
        entry.2.insert(reason.plugin.as_deref().unwrap_or("(none)"));
    }
    let mut list: Vec<(usize, usize, String, String)> = groups
        .into_iter()
        .map(|(text, (n, k, plugins))| {
            (n, k, text, plugins.into_iter().collect::<Vec<_>>().join(", "))
        })
        .collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.2.cmp(&b.2)));
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

/// `report.json`.
pub fn json(tr: &Translation<'_>, db: &SourceDb, t: &Totals) -> String {
    let mut out = String::with_capacity(200 * tr.services.len() + 4096);
    let _ = write!(
        out,
        "{{\n  \"totals\": {{\"services\": {}, \"native\": {}, \"bridged\": {}, \"native_percent\": {:.1}, \"bridged_percent\": {:.1}, \"hosts\": {}, \"native_host_checks\": {}, \"native_rule_groups\": {}, \"bridged_levels\": {}, \"rules\": {}}},\n  \"plugins\": {{",
        t.services,
        t.native,
        t.bridged,
        percent(t, t.native),
        percent(t, t.bridged),
        t.hosts,
        tr.host_groups.iter().map(|g| g.host_names.len()).sum::<usize>(),
        tr.groups.len(),
        tr.bridged.len(),
        t.rules
    );
    for (i, (plugin, [n, b])) in plugins(tr).iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        push_json_string(&mut out, plugin);
        let _ = write!(out, ": {{\"native\": {n}, \"bridged\": {b}}}");
    }
    out.push_str("\n  },\n  \"reasons\": [");
    for (i, (n, r)) in reasons(tr).iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        let _ = write!(out, "{{\"services\": {n}, \"reason\": ");
        push_json_string(&mut out, &tr.reasons[*r].text);
        out.push('}');
    }
    out.push_str("\n  ],\n  \"reason_groups\": [");
    for (i, (n, k, text, plugins)) in reason_groups(tr).iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        let _ = write!(out, "{{\"services\": {n}, \"reasons\": {k}, \"reason\": ");
        push_json_string(&mut out, text);
        out.push_str(", \"plugins\": ");
        push_json_string(&mut out, plugins);
        out.push('}');
    }
    out.push_str("\n  ],\n  \"exporter_requirements\": [");
    for (i, (req, n)) in requirements(tr).iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        let _ = write!(out, "{{\"services\": {n}, \"requires\": ");
        push_json_string(&mut out, req);
        out.push('}');
    }
    out.push_str("\n  ],\n  \"rule_groups\": [");
    for (i, g) in tr.groups.iter().enumerate() {
        let native = &tr.natives[g.native];
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        out.push_str("{\"id\": ");
        push_json_string(&mut out, &g.id);
        out.push_str(", \"plugin\": ");
        push_json_string(&mut out, native.plugin);
        out.push_str(", \"alert\": ");
        push_json_string(&mut out, native.alert);
        out.push_str(", \"service_description\": ");
        push_json_string(&mut out, &g.description);
        out.push_str(", \"translated\": ");
        push_json_string(&mut out, &native.canonical);
        let _ = write!(
            out,
            ", \"services\": {}, \"for\": \"{}\", \"notes\": [",
            g.hosts,
            duration(g.level.for_secs)
        );
        for (j, note) in native.notes.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            push_json_string(&mut out, note);
        }
        out.push_str("], \"requires\": [");
        for (j, r) in native.requires.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            push_json_string(&mut out, r);
        }
        out.push_str("], \"source\": ");
        push_json_string(&mut out, &g.source);
        out.push('}');
    }
    out.push_str("\n  ],\n  \"bridged_levels\": [");
    for (i, l) in tr.bridged.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        out.push_str("{\"id\": ");
        push_json_string(&mut out, &l.id);
        let _ = write!(
            out,
            ", \"services\": {}, \"for\": \"{}\"}}",
            l.count,
            duration(l.level.bridged_for_secs)
        );
    }
    out.push_str("\n  ],\n  \"services\": [");
    let mut sources = Sources::new(db);
    for (i, row) in tr.services.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        out.push_str("{\"host_name\": ");
        push_json_string(&mut out, row.host);
        out.push_str(", \"service_description\": ");
        push_json_string(&mut out, row.description);
        out.push_str(", \"check_command\": ");
        push_json_string(&mut out, row.command);
        match row.outcome {
            Outcome::Native(g) => {
                out.push_str(", \"outcome\": \"native\", \"rule_group\": ");
                push_json_string(&mut out, &tr.groups[g].id);
            }
            Outcome::Bridged(l, r) => {
                out.push_str(", \"outcome\": \"bridged\", \"rule_group\": ");
                push_json_string(&mut out, &tr.bridged[l].id);
                if let Some(plugin) = &tr.reasons[r].plugin {
                    out.push_str(", \"plugin\": ");
                    push_json_string(&mut out, plugin);
                }
                out.push_str(", \"reason\": ");
                push_json_string(&mut out, &tr.reasons[r].text);
            }
        }
        out.push_str(", \"source\": \"");
        let at = out.len();
        sources.push(&mut out, row.file, row.span);
        if out[at..].bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
            let text = out.split_off(at);
            out.pop();
            push_json_string(&mut out, &text);
        } else {
            out.push('"');
        }
        out.push('}');
    }
    out.push_str("\n  ]\n}\n");
    out
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
    out.push_str("\n## Why services are bridged\n\n| services | reason | plugins | variants |\n|---|---|---|---|\n");
    for (n, k, text, plugins) in reason_groups(tr) {
        let _ = write!(out, "| {n} | ");
        cell(&mut out, &text);
        out.push_str(" | ");
        cell(&mut out, &plugins);
        let _ = writeln!(out, " | {k} |");
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
        push_json_string(&mut s, "a\"b\\c\n\u{1}");
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001\"");
        let mut s = String::new();
        cell(&mut s, "a|b\nc");
        assert_eq!(s, "a\\|b c");
    }
}
