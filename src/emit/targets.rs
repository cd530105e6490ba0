//! file_sd target files (`targets/<job>.json`): one target group per host (node, mysqld,
//! postgres exporters) or per probe (blackbox), labelled with `host`, the host's
//! hostgroups (`hostgroups: ",a,b,"`, as the bridge labels them), chosen custom variables,
//! and for probes `module` and `nagios_probe` (the probe's id), and `__param_target` (what
//! to probe) for a prober on the host (`blackbox_on_host`). No label names the checks
//! that use a target: rules find their hosts through a membership recording rule, so adding,
//! removing or changing a check never renames a series.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::translate::Translation;

/// One file_sd target group.
#[derive(Debug, Serialize)]
pub struct TargetGroup {
    /// Addresses (one).
    pub targets: Vec<String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
}

/// The target groups of one job.
pub fn job(tr: &Translation<'_>, job: &str) -> Vec<TargetGroup> {
    let Some(list) = tr.targets.get(job) else { return Vec::new() };
    list.iter()
        .map(|t| {
            let mut labels = BTreeMap::new();
            if let Some(host) = tr.hosts.get(&t.host) {
                for (k, v) in &host.labels {
                    labels.insert(k.clone(), v.clone());
                }
                if !host.hostgroups.is_empty() {
                    labels.insert("hostgroups".to_owned(), host.hostgroups.clone());
                }
            }
            labels.insert("host".to_owned(), t.host.clone());
            if let Some(probe) = &t.probe {
                labels.insert("nagios_probe".to_owned(), probe.clone());
            }
            if let Some(module) = &t.module {
                labels.insert("module".to_owned(), module.clone());
            }
            if let Some(probed) = &t.prober_target {
                // The prober on the host is scraped; what it probes is a URL parameter.
                labels.insert("__param_target".to_owned(), probed.clone());
            }
            TargetGroup { targets: vec![t.address.clone()], labels }
        })
        .collect()
}
