//! A [`Diff`] as text (a terminal, optionally coloured), Markdown (a pull-request comment:
//! summary table first, details in collapsible sections, cut at a size with a note saying how
//! much was left out) or JSON (every change, uncut).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Diff, Field, Kind, RuleChange};

/// The first line of the Markdown output (an HTML comment, invisible when rendered).
pub const MARKER: &str = "<!-- nag2prom diff -->";

/// Hosts listed by name under one change before "and N more".
const HOSTS_SHOWN: usize = 10;

fn labels_text(labels: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = labels
        .iter()
        .filter(|(k, _)| k.as_str() != "nagios_source")
        .map(|(k, v)| format!("{k}={v:?}"))
        .collect();
    if parts.is_empty() { String::new() } else { format!("{{{}}}", parts.join(", ")) }
}

fn field_text(f: &Field) -> String {
    match (&f.old, &f.new) {
        (Some(a), Some(b)) => format!("{}: {} → {}", f.field, a, b),
        (None, Some(b)) => format!("{}: (none) → {}", f.field, b),
        (Some(a), None) => format!("{}: {} → (none)", f.field, a),
        (None, None) => f.field.clone(),
    }
}

fn host_list(names: &[String]) -> String {
    let mut text = names.iter().take(HOSTS_SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > HOSTS_SHOWN {
        let _ = write!(text, " and {} more", names.len() - HOSTS_SHOWN);
    }
    text
}

fn scope(r: &RuleChange) -> String {
    let Some(h) = &r.hosts else { return String::new() };
    let n = h.old.max(h.new);
    let mut text = format!("{n} host(s)");
    if r.services > 0 {
        let _ = write!(text, ", {} service(s)", r.services);
    }
    if r.kind == Kind::Changed && n <= h.sample.len() {
        let _ = write!(text, ": {}", h.sample.join(", "));
    }
    if let Some(a) = &r.alerting {
        let count = |n: Option<usize>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
        let _ = write!(text, "; alerting now: {} → {}", count(a.old), count(a.new));
        if let Some(note) = &a.note {
            let _ = write!(text, " ({note})");
        }
    }
    text
}

/// Plain text; `colour` adds ANSI colours (a terminal).
pub fn text(d: &Diff, colour: bool) -> String {
    let paint = |code: &str, s: &str| {
        if colour { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
    };
    let mut out = String::new();
    if d.is_empty() {
        out.push_str(
            "no change to the generated rules, targets, modules, scrape jobs or routing\n",
        );
        return out;
    }
    let s = &d.summary;
    let _ = writeln!(
        out,
        "rules: {} changed, {} added, {} removed; {} host(s), {} service(s) affected; targets: {} added, {} removed, {} relabelled; {} module(s), {} scrape job(s), {} routing item(s) changed",
        s.rules_changed,
        s.rules_added,
        s.rules_removed,
        s.hosts_affected,
        s.services_affected,
        s.targets_added,
        s.targets_removed,
        s.targets_changed,
        s.modules,
        s.jobs,
        s.routing
    );
    let mut cause = "";
    for r in &d.rules {
        if r.cause != cause {
            cause = &r.cause;
            let _ = writeln!(out, "\n{}", paint("1", cause));
        }
        let (mark, code) = match r.kind {
            Kind::Added => ("+", "32"),
            Kind::Removed => ("-", "31"),
            Kind::Changed => ("~", "33"),
        };
        let _ = writeln!(
            out,
            "  {} {} {}{}  {}",
            paint(code, mark),
            if r.alert { "alert" } else { "record" },
            r.name,
            labels_text(&r.labels),
            scope(r)
        );
        for f in r.fields.iter().filter(|f| f.field != "hosts") {
            let _ = writeln!(out, "      {}", field_text(f));
        }
        if let Some(h) = &r.hosts {
            if r.kind != Kind::Changed {
                let names = if r.kind == Kind::Added { &h.added } else { &h.removed };
                let _ = writeln!(out, "      hosts: {}", host_list(names));
            }
            if r.kind == Kind::Changed && !h.added.is_empty() {
                let _ = writeln!(out, "      hosts added: {}", host_list(&h.added));
            }
            if r.kind == Kind::Changed && !h.removed.is_empty() {
                let _ = writeln!(out, "      hosts removed: {}", host_list(&h.removed));
            }
        }
    }
    if !d.targets.is_empty() {
        let _ = writeln!(out, "\n{}", paint("1", "targets"));
        for t in &d.targets {
            let mark = match t.kind {
                Kind::Added => "+",
                Kind::Removed => "-",
                Kind::Changed => "~",
            };
            let _ = writeln!(out, "  {mark} {} {} (host {})", t.job, t.address, t.host);
            for f in &t.fields {
                let _ = writeln!(out, "      {}", field_text(f));
            }
        }
    }
    for (title, items) in [
        ("probe modules", &d.modules),
        ("scrape jobs", &d.jobs),
        ("alertmanager routing", &d.routing),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", paint("1", title));
        for i in items {
            let _ = writeln!(out, "  {} {}", i.kind.word(), i.name);
            for f in &i.fields {
                let _ = writeln!(out, "      {}", field_text(f));
            }
        }
    }
    out
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '<' | '>' | '*' | '_' | '`' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Inline code that survives any content (a run of backquotes longer than any inside).
fn code(s: &str) -> String {
    let s = s.replace('\n', " ");
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

/// Markdown for a pull-request comment, at most `limit` bytes: the summary table always, then
/// one collapsible section per cause until the limit, and a line saying how many changes were
/// left out (`--format json` has them all).
pub fn markdown(d: &Diff, title: &str, limit: usize) -> String {
    let mut out = String::new();
    // Hidden in the rendered comment; CI jobs find their earlier comment by it and update it.
    out.push_str(MARKER);
    out.push('\n');
    let _ = writeln!(out, "### {}\n", md_escape(title));
    if d.is_empty() {
        out.push_str(
            "No change to the generated rules, targets, probe modules, scrape jobs or routing.\n",
        );
        return out;
    }
    let s = &d.summary;
    out.push_str("| | changed | added | removed |\n|---|---:|---:|---:|\n");
    let _ =
        writeln!(out, "| rules | {} | {} | {} |", s.rules_changed, s.rules_added, s.rules_removed);
    let _ = writeln!(
        out,
        "| targets | {} | {} | {} |",
        s.targets_changed, s.targets_added, s.targets_removed
    );
    let count = |items: &[super::ItemChange], k: Kind| items.iter().filter(|i| i.kind == k).count();
    for (name, items) in [
        ("probe modules", &d.modules),
        ("scrape jobs", &d.jobs),
        ("alertmanager routing", &d.routing),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} |",
            count(items, Kind::Changed),
            count(items, Kind::Added),
            count(items, Kind::Removed)
        );
    }
    let _ = writeln!(
        out,
        "\n**{} host(s), {} Nagios service(s)** are covered by a changed, added or removed rule.\n",
        s.hosts_affected, s.services_affected
    );
    // Sections by cause.
    let mut sections: Vec<(String, String, usize)> = Vec::new();
    let mut by: BTreeMap<&str, Vec<&RuleChange>> = BTreeMap::new();
    for r in &d.rules {
        by.entry(r.cause.as_str()).or_default().push(r);
    }
    for (cause, rules) in by {
        let mut body = String::new();
        for r in &rules {
            let _ = writeln!(
                body,
                "- **{}** {} {} {}{}",
                r.kind.word(),
                if r.alert { "alert" } else { "record" },
                code(&r.name),
                code(&labels_text(&r.labels)),
                match scope(r) {
                    s if s.is_empty() => String::new(),
                    s => format!(" — {s}"),
                }
            );
            for f in r.fields.iter().filter(|f| f.field != "hosts") {
                let _ = writeln!(
                    body,
                    "  - {}: {} → {}",
                    md_escape(&f.field),
                    f.old.as_deref().map_or_else(|| "(none)".to_owned(), code),
                    f.new.as_deref().map_or_else(|| "(none)".to_owned(), code)
                );
            }
            if let Some(h) = &r.hosts
                && r.kind != Kind::Changed
            {
                let names = if r.kind == Kind::Added { &h.added } else { &h.removed };
                let _ = writeln!(body, "  - hosts: {}", md_escape(&host_list(names)));
            }
            if let Some(h) = &r.hosts
                && r.kind == Kind::Changed
            {
                if !h.added.is_empty() {
                    let _ = writeln!(body, "  - hosts added: {}", md_escape(&host_list(&h.added)));
                }
                if !h.removed.is_empty() {
                    let _ =
                        writeln!(body, "  - hosts removed: {}", md_escape(&host_list(&h.removed)));
                }
            }
        }
        let head = format!(
            "<details><summary>{} — {} rule change(s)</summary>\n\n",
            md_escape(cause),
            rules.len()
        );
        sections.push((head, body, rules.len()));
    }
    let mut other = String::new();
    for t in &d.targets {
        let _ = writeln!(
            other,
            "- **{}** target {} {} (host {})",
            t.kind.word(),
            code(&t.job),
            code(&t.address),
            md_escape(&t.host)
        );
        for f in &t.fields {
            let _ = writeln!(other, "  - {}", md_escape(&field_text(f)));
        }
    }
    for (what, items) in
        [("probe module", &d.modules), ("scrape job", &d.jobs), ("alertmanager", &d.routing)]
    {
        for i in items.iter() {
            let _ = writeln!(other, "- **{}** {what} {}", i.kind.word(), code(&i.name));
            for f in &i.fields {
                let _ = writeln!(other, "  - {}", md_escape(&field_text(f)));
            }
        }
    }
    let others = d.targets.len() + d.modules.len() + d.jobs.len() + d.routing.len();
    if others > 0 {
        sections.push((
            format!("<details><summary>targets, modules, scrape jobs and routing — {others} change(s)</summary>\n\n"),
            other,
            others,
        ));
    }
    let total: usize = sections.iter().map(|s| s.2).sum();
    let mut shown = 0;
    let reserve = 200;
    for (head, body, n) in &sections {
        let section_len = head.len() + body.len() + "\n</details>\n\n".len();
        if out.len() + section_len + reserve > limit {
            // Cut inside the section at a line boundary when even the first lines fit.
            let room = limit.saturating_sub(out.len() + head.len() + reserve + 20);
            let mut kept = 0;
            let mut text = String::new();
            for line in body.lines() {
                if text.len() + line.len() + 1 > room {
                    break;
                }
                if line.starts_with("- ") {
                    kept += 1;
                }
                text.push_str(line);
                text.push('\n');
            }
            if kept > 0 {
                out.push_str(head);
                out.push_str(&text);
                out.push_str("\n</details>\n\n");
                shown += kept;
            }
            break;
        }
        out.push_str(head);
        out.push_str(body);
        out.push_str("\n</details>\n\n");
        shown += n;
    }
    if shown < total {
        let _ = writeln!(
            out,
            "_{} of {} changes not shown (comment size limit); run `nag2prom diff --format json` for all._",
            total - shown,
            total
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Diff, RuleChange, Summary};

    fn change(i: usize) -> RuleChange {
        RuleChange {
            kind: Kind::Changed,
            name: format!("Alert{i}"),
            alert: true,
            labels: BTreeMap::new(),
            file: "r.yml".to_owned(),
            fields: vec![Field {
                field: "for".to_owned(),
                old: Some("1m".to_owned()),
                new: Some("2m".to_owned()),
            }],
            hosts: None,
            services: 0,
            cause: format!("rule file r{i}.yml"),
            alerting: None,
        }
    }

    #[test]
    fn markdown_is_cut_at_the_limit_and_says_how_much() {
        let d = Diff {
            summary: Summary { rules_changed: 500, ..Summary::default() },
            rules: (0..500).map(change).collect(),
            ..Diff::default()
        };
        let md = markdown(&d, "nag2prom diff", 8000);
        assert!(md.len() <= 8000, "{}", md.len());
        assert!(md.starts_with("<!-- nag2prom diff -->\n### nag2prom diff\n\n| | changed"));
        assert!(md.contains("changes not shown (comment size limit)"), "{md}");
        let full = markdown(&d, "t", usize::MAX);
        assert!(!full.contains("not shown"));
        assert_eq!(full.matches("<details>").count(), 500);
    }

    #[test]
    fn inline_code_survives_backquotes() {
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
