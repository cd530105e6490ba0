//! `report.md` and `report.json`: per service, what it became (native rule and its group,
//! or bridged rule and the exact reason), with totals. Never an argument value: the command
//! is named, and the understood call is shown only in its secret-free canonical form.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::translate::{Outcome, Translation};

/// Totals.
#[derive(Debug, Serialize)]
pub struct Totals {
    /// Services.
    pub services: usize,
    /// Translated natively.
    pub native: usize,
    /// Bridged.
    pub bridged: usize,
    /// Percent of services with a rule (native or bridged).
    pub coverage_percent: f64,
    /// Hosts.
    pub hosts: usize,
    /// Native rule groups (distinct check, threshold, description and service level).
    pub native_groups: usize,
    /// Bridged service levels.
    pub bridged_levels: usize,
    /// Alerting and recording rules written.
    pub rules: usize,
}

/// One service in `report.json`.
#[derive(Debug, Serialize)]
pub struct ServiceEntry<'a> {
    /// Host.
    pub host_name: &'a str,
    /// Description.
    pub service_description: &'a str,
    /// The check command's name.
    pub check_command: &'a str,
    /// The plugin, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin: Option<&'a str>,
    /// `native` or `bridged`.
    pub outcome: &'static str,
    /// Native group id or bridged level id.
    pub rule_group: &'a str,
    /// Why bridged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    /// Understood call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translated: Option<&'a str>,
    /// Definition.
    pub source: &'a str,
    /// Caveats.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub notes: &'a [String],
}

/// The JSON report.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// Totals.
    pub totals: Totals,
    /// Per plugin: (native, bridged).
    pub plugins: BTreeMap<&'a str, [usize; 2]>,
    /// Bridged reasons with counts.
    pub reasons: BTreeMap<&'a str, usize>,
    /// Every service.
    pub services: Vec<ServiceEntry<'a>>,
}

/// Build the report.
pub fn build(tr: &Translation, rules: usize) -> Report<'_> {
    let mut plugins: BTreeMap<&str, [usize; 2]> = BTreeMap::new();
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let mut services = Vec::with_capacity(tr.services.len());
    let mut native = 0;
    for row in &tr.services {
        let plugin = row.plugin.as_deref().unwrap_or("(none)");
        let (outcome, group, reason) = match &row.outcome {
            Outcome::Native(id) => {
                native += 1;
                plugins.entry(plugin).or_default()[0] += 1;
                ("native", id.as_str(), None)
            }
            Outcome::Bridged(id, reason) => {
                plugins.entry(plugin).or_default()[1] += 1;
                *reasons.entry(reason.as_str()).or_default() += 1;
                ("bridged", id.as_str(), Some(reason.as_str()))
            }
        };
        services.push(ServiceEntry {
            host_name: &row.host,
            service_description: &row.description,
            check_command: &row.command,
            plugin: row.plugin.as_deref(),
            outcome,
            rule_group: group,
            reason,
            translated: row.canonical.as_deref(),
            source: &row.source,
            notes: &row.notes,
        });
    }
    let total = tr.services.len();
    Report {
        totals: Totals {
            services: total,
            native,
            bridged: total - native,
            coverage_percent: if total == 0 { 100.0 } else { 100.0 * total as f64 / total as f64 },
            hosts: tr.hosts.len(),
            native_groups: tr.groups.len(),
            bridged_levels: tr.bridged.len(),
            rules,
        },
        plugins,
        reasons,
        services,
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `report.md`.
pub fn markdown(report: &Report<'_>) -> String {
    let t = &report.totals;
    let mut out = String::new();
    out.push_str("# nag2prom convert report\n\n");
    let _ = writeln!(
        out,
        "| services | native | bridged | coverage | hosts | native rule groups | bridged levels | rules |\n|---|---|---|---|---|---|---|---|\n| {} | {} | {} | {:.1} % | {} | {} | {} | {} |\n",
        t.services,
        t.native,
        t.bridged,
        t.coverage_percent,
        t.hosts,
        t.native_groups,
        t.bridged_levels,
        t.rules
    );
    out.push_str("Every service is covered: natively (an exporter metric with the plugin's own thresholds and edges) or bridged (an alert on the HARD state Nagios computed, exported by `nag2prom serve`).\n\n## Plugins\n\n| plugin | native | bridged |\n|---|---|---|\n");
    for (plugin, [n, b]) in &report.plugins {
        let _ = writeln!(out, "| {} | {n} | {b} |", cell(plugin));
    }
    out.push_str("\n## Why services are bridged\n\n| services | reason |\n|---|---|\n");
    let mut reasons: Vec<(&&str, &usize)> = report.reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (reason, n) in reasons {
        let _ = writeln!(out, "| {n} | {} |", cell(reason));
    }
    out.push_str("\n## Services\n\n| host | service | command | became | rule group | reason or translation | source |\n|---|---|---|---|---|---|---|\n");
    for s in &report.services {
        let detail = s.reason.or(s.translated).unwrap_or("");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(s.host_name),
            cell(s.service_description),
            cell(s.check_command),
            s.outcome,
            s.rule_group,
            cell(detail),
            cell(s.source)
        );
    }
    out
}
