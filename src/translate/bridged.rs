//! Bridged rules: services without a faithful native translation alert on the state Nagios
//! itself computed, exported by the bridge (`nag2prom serve`) as `nagios_service_hard_state`
//! and `nagios_host_hard_state`.
//!
//! Services are grouped by level (severities, routing labels, first_notification_delay), not
//! one rule per service: a level selects its services with `service_description` matchers (a
//! description whose every service is in the level needs no host list) and, only where needed,
//! `host_name` regexes shared by descriptions with the same host set.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::service_level::{self, Level};
use crate::model::Object;

/// Services of one bridged level.
#[derive(Debug, Clone)]
pub struct BridgedLevel {
    /// Stable id (`bridged_1a2b3c4d`).
    pub id: String,
    /// The level (its `bridged_for_secs` is the `for:`).
    pub level: Level,
    /// Descriptions all of whose services are in this level.
    pub whole: Vec<String>,
    /// (hosts, descriptions): these descriptions on these hosts only.
    pub partial: Vec<(Vec<String>, Vec<String>)>,
    /// One (host, description) of the level, for unit tests.
    pub example: (String, String),
    /// Number of services.
    pub count: usize,
}

/// Hosts of one host level.
#[derive(Debug, Clone)]
pub struct HostLevel {
    /// Stable id (`hosts_1a2b3c4d`).
    pub id: String,
    /// The level.
    pub level: Level,
    /// Hosts (sorted); empty when `all`.
    pub hosts: Vec<String>,
    /// Every host is in this level.
    pub all: bool,
    /// One host, for unit tests.
    pub example: String,
}

/// Collects bridged services while the translation runs.
#[derive(Debug, Default)]
pub struct Collector<'m> {
    index: HashMap<Level, usize>,
    levels: Vec<(Level, BTreeMap<&'m str, BTreeSet<&'m str>>)>,
    totals: super::FnvMap<&'m str, usize>,
}

/// The part of a level that shapes a bridged rule.
fn bridged_key(level: &Level) -> Level {
    Level { for_secs: 0, keep_firing_secs: 0, ..level.clone() }
}

impl<'m> Collector<'m> {
    /// Count a service of any kind (for "every service with this description" shortcuts).
    pub fn seen(&mut self, description: &'m str) {
        *self.totals.entry(description).or_insert(0) += 1;
    }

    /// Add a bridged service; returns its level's index in insertion order (see
    /// [`Collector::finish`] for the final order).
    pub fn add(&mut self, host: &'m str, description: &'m str, level: &Level) -> usize {
        let key = bridged_key(level);
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                self.levels.push((key.clone(), BTreeMap::new()));
                self.index.insert(key, self.levels.len() - 1);
                self.levels.len() - 1
            }
        };
        self.levels[i].1.entry(description).or_default().insert(host);
        i
    }

    /// Bridged levels sorted by id, the new index of each insertion-order index, and the
    /// host levels of `hosts` (those whose host check is bridged) out of `all_hosts`.
    pub fn finish(
        self,
        hosts: &[&Object],
        all_hosts: usize,
        interval_length: f64,
        custom_labels: &[(String, String)],
        members: &service_level::GroupMembers,
        escalations: &service_level::Escalations<'_>,
    ) -> (Vec<BridgedLevel>, Vec<usize>, Vec<HostLevel>) {
        let mut out = Vec::new();
        for (level, members) in self.levels {
            let mut whole = Vec::new();
            let mut by_hosts: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
            let mut count = 0;
            let mut example = None;
            for (desc, hs) in &members {
                count += hs.len();
                if example.is_none()
                    && let Some(h) = hs.iter().next()
                {
                    example = Some(((*h).to_owned(), (*desc).to_owned()));
                }
                if self.totals.get(desc).copied() == Some(hs.len()) {
                    whole.push((*desc).to_owned());
                } else {
                    by_hosts
                        .entry(hs.iter().map(|h| (*h).to_owned()).collect())
                        .or_default()
                        .push((*desc).to_owned());
                }
            }
            out.push(BridgedLevel {
                id: level_id("bridged", &level),
                level,
                whole,
                partial: by_hosts.into_iter().collect(),
                example: example.unwrap_or_default(),
                count,
            });
        }
        let mut order: Vec<usize> = (0..out.len()).collect();
        order.sort_by(|&a, &b| out[a].id.cmp(&out[b].id));
        let mut new_index = vec![0; out.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));

        let mut host_index: BTreeMap<String, (Level, Vec<String>)> = BTreeMap::new();
        for host in hosts {
            let Some(name) = host.text("host_name") else { continue };
            let level = bridged_key(&service_level::host_level(
                host,
                interval_length,
                custom_labels,
                members,
                escalations,
            ));
            host_index
                .entry(level_id("hosts", &level))
                .or_insert_with(|| (level, Vec::new()))
                .1
                .push(name.to_owned());
        }
        let total = all_hosts;
        let host_levels = host_index
            .into_iter()
            .map(|(id, (level, mut names))| {
                names.sort();
                let all = names.len() == total;
                let example = names.first().cloned().unwrap_or_default();
                HostLevel { id, level, hosts: if all { Vec::new() } else { names }, all, example }
            })
            .collect();
        (out, new_index, host_levels)
    }
}

/// `prefix_` + 8 hex digits of the level's content.
fn level_id(prefix: &str, level: &Level) -> String {
    format!("{prefix}_{:08x}", super::fnv64(&format!("{level:?}")) as u32)
}
