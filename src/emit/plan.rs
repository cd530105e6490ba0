//! The [`Plan`] of a translation, built from the same typed values the files are rendered
//! from (rule files, target groups, `prometheus.yml`, blackbox modules, the report's service
//! rows), without writing or re-reading any text: what `diff` compares when a side is a
//! nagios.cfg. A test holds it equal to the plan read back from the rendered files.

use crate::plan::{Plan, PlanRule, PlanTarget, Service};
use crate::source::SourceDb;
use crate::translate::{NativeGroup, Outcome, Translation};

use super::{Addresses, EmitError, prometheus, rules, targets};

/// The plan of `tr`.
pub fn of(tr: &Translation<'_>, addresses: &Addresses, db: &SourceDb) -> Result<Plan, EmitError> {
    let mut plan = Plan { generated: true, ..Plan::default() };
    let mut by_plugin: std::collections::BTreeMap<&str, Vec<&NativeGroup>> =
        std::collections::BTreeMap::new();
    for g in &tr.groups {
        by_plugin.entry(tr.natives[g.native].plugin).or_default().push(g);
    }
    let mut files = Vec::new();
    for (plugin, groups) in &by_plugin {
        files.push((format!("rules/{plugin}.yml"), rules::plugin_file(tr, plugin, groups)));
    }
    files.push(("rules/bridged.yml".to_owned(), rules::bridged_rules(tr)));
    files.push(("rules/hosts.yml".to_owned(), rules::host_rules(tr)));
    // The native groups' membership records are not in the plan: the services say who is in
    // each group (rendering their host regexes cost a third of this function).
    files.push(("rules/meta.yml".to_owned(), rules::meta_rules(tr)));
    for (file, content) in files {
        for g in content.groups {
            for rule in g.rules {
                plan.rules.push(PlanRule { file: file.clone(), group: g.name.clone(), rule });
            }
        }
    }
    for job in tr.targets.keys() {
        for g in targets::job(tr, job) {
            for address in g.targets {
                plan.targets.push(PlanTarget {
                    job: (*job).to_owned(),
                    address,
                    labels: g.labels.clone(),
                });
            }
        }
    }
    plan.targets.sort();
    let json = |path: &str, v: serde_json::Result<serde_json::Value>| {
        v.map_err(|source| EmitError::Json { path: path.to_owned(), source })
    };
    let config =
        json("prometheus.yml", serde_json::to_value(prometheus::prometheus_config(tr, addresses)))?;
    for job in config.get("scrape_configs").and_then(|j| j.as_array()).into_iter().flatten() {
        let name = job.get("job_name").and_then(|n| n.as_str()).unwrap_or("").to_owned();
        plan.jobs.insert(name, job.clone());
    }
    let blackbox = prometheus::blackbox_config(tr)
        .map_err(|e| EmitError::Yaml { path: "blackbox.yml".to_owned(), message: e.to_string() })?;
    if let Some(config) = blackbox {
        let value = json("blackbox.yml", serde_json::to_value(config))?;
        if let Some(modules) = value.get("modules").and_then(|m| m.as_object()) {
            for (name, module) in modules {
                plan.modules.insert(name.clone(), module.clone());
            }
        }
    }
    let mut sources = super::report::Sources::new(db);
    plan.services = tr
        .services
        .iter()
        .map(|row| {
            let (outcome, group) = match row.outcome {
                Outcome::Native(g) => ("native", tr.groups[g].id.clone()),
                Outcome::Bridged(l, _) => ("bridged", tr.bridged[l].id.clone()),
            };
            let mut source = String::new();
            sources.push(&mut source, row.file, row.span);
            Service {
                host: row.host.to_owned(),
                service: row.description.to_owned(),
                outcome: outcome.to_owned(),
                rule_group: group,
                source,
            }
        })
        .collect();
    Ok(plan)
}
