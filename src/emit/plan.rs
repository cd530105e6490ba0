//! The [`Plan`] of a translation, built from the same typed values the files are rendered
//! from (rule files, target groups, `prometheus.yml`, blackbox and snmp modules, the report's service
//! rows), without writing or re-reading any text: what `diff` compares when a side is a
//! nagios.cfg. A test holds it equal to the plan read back from the rendered files.

use crate::plan::{Plan, PlanTarget, Service};
use crate::source::SourceDb;
use crate::translate::{Outcome, Translation};

use super::{Addresses, EmitError, prometheus, targets};

/// The plan of `tr`.
pub fn of(tr: &Translation<'_>, addresses: &Addresses, db: &SourceDb) -> Result<Plan, EmitError> {
    let mut plan = Plan { generated: true, ..Plan::default() };
    // The native groups' membership records are not in the plan: the services say who is in
    // each group (rendering their host regexes cost a third of this function).
    for (file, content) in super::typed_rule_files(tr, false) {
        plan.push_file(&file, content);
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
    if let Some(config) = prometheus::blackbox_config(tr) {
        plan.modules = config.modules;
    }
    for (name, module) in prometheus::snmp_config(tr).unwrap_or_default() {
        plan.modules.insert(name, json(prometheus::SNMP_TEMPLATE, serde_json::to_value(module))?);
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
