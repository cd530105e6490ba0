//! Step 6–7: services over their hosts, with Nagios 4.4.6's duplicate rules
//! (`xodtemplate_duplicate_services`, D2/D3), and service group membership.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use nag2prom_parsers::diagnostic::Severity;
use nag2prom_parsers::object::ObjectType;

use super::expand::{At, Expander, Groups, Members, ServiceInst, hosts_of, items, nest};
use super::raw::RawId;
use crate::diag::{Code, Diagnostic};
use crate::source::FileId;
use nag2prom_parsers::span::Span;

/// Services keyed by host, then description.
#[derive(Debug, Default)]
pub struct ServiceTable<'r> {
    /// The winning instances.
    pub list: Vec<ServiceInst<'r>>,
    /// `(host, description)` → index in `list`.
    pub by_key: HashMap<(&'r str, &'r str), usize>,
    /// Descriptions per host, in `list` order.
    pub by_host: HashMap<&'r str, Vec<&'r str>>,
}

struct Entry<'r> {
    inst: ServiceInst<'r>,
    tagged: bool,
}

/// Expand every registered service definition and pick one winner per (host, description).
pub fn services<'r>(
    ex: &mut Expander<'r, '_>,
    hostgroups: &Groups<'r>,
    locate: &dyn Fn(FileId, Span) -> String,
) -> ServiceTable<'r> {
    let raws = ex.index.raws;
    let mut copies: Vec<Entry<'r>> = Vec::new();
    let mut originals: Vec<Entry<'r>> = Vec::new();
    // Nagios' list is newest first; the copies it makes for all hosts but the last go to its
    // head.
    for (id, raw) in raws.all.iter().enumerate().rev() {
        if raw.ty != ObjectType::Service || !raw.register {
            continue;
        }
        let at = At { file: raw.file, span: raw.span };
        let description = raw.text("service_description");
        let host_list = raw.text("host_name");
        let group_list = raw.text("hostgroup_name");
        let Some(description) = description.filter(|_| host_list.is_some() || group_list.is_some())
        else {
            ex.error(
                Code::ServiceWithoutHost,
                at,
                "service has no hosts and/or service_description (a template without `register 0`?)".to_owned(),
            );
            continue;
        };
        let Some((hosts, empty_groups)) = hosts_of(
            ex,
            hostgroups,
            host_list.map(|t| &**t),
            group_list.map(|t| &**t),
            At {
                file: raw.file,
                span: raw.span_of(if host_list.is_some() { "host_name" } else { "hostgroup_name" }),
            },
        ) else {
            continue;
        };
        if group_list.is_some() && host_list.is_none() && empty_groups {
            let severity = match ex.matching.allow_empty_hostgroup_assignment {
                0 => Some(Severity::Error),
                1 => None,
                _ => Some(Severity::Warning),
            };
            if let Some(severity) = severity {
                let mut d = Diagnostic::new(
                    Code::EmptyHostgroupAssignment,
                    raw.file,
                    raw.span_of("hostgroup_name"),
                    format!(
                        "could not expand hostgroups and/or hosts specified in service `{description}`: it applies to no host"
                    ),
                );
                d.severity = severity;
                ex.diags.push(d);
            }
        }
        let count = hosts.len();
        for (i, (host, from_group)) in hosts.into_iter().enumerate() {
            let inst = ServiceInst { def: id as RawId, host, description };
            if i + 1 == count {
                originals.push(Entry { inst, tagged: false });
            } else {
                copies.push(Entry { inst, tagged: from_group });
            }
        }
    }
    // Each copy went to the head of Nagios' list: the list starts with the copies in reverse
    // order of making, then the originals.
    copies.reverse();
    let mut order = copies;
    order.append(&mut originals);

    let mut table = ServiceTable::default();
    for pass_tagged in [false, true] {
        for entry in order.iter().filter(|e| e.tagged == pass_tagged) {
            let key = (entry.inst.host, entry.inst.description);
            if let Some(&winner) = table.by_key.get(&key) {
                let loser = &raws.all[entry.inst.def as usize];
                let kept = &raws.all[table.list[winner].def as usize];
                ex.diags.push(Diagnostic::new(
                    Code::DuplicateService,
                    loser.file,
                    loser.span,
                    format!(
                        "duplicate definition found for service `{}` on host `{}`: this one is ignored, Nagios keeps the one at {}",
                        key.1,
                        key.0,
                        locate(kept.file, kept.span)
                    ),
                ));
                continue;
            }
            table.by_key.insert(key, table.list.len());
            table.by_host.entry(key.0).or_default().push(key.1);
            table.list.push(entry.inst.clone());
        }
    }
    table
}

/// Service descriptions on `host` selected by a description list (`*`, `!desc`; X12). Names
/// that do not exist on the host are returned too, for the caller to report.
pub fn descriptions<'r>(
    table: &ServiceTable<'r>,
    host: &'r str,
    list: &'r str,
) -> (Vec<&'r str>, Vec<&'r str>) {
    let mut accepted = Vec::new();
    let mut rejected = HashSet::default();
    let mut missing = Vec::new();
    let on_host = table.by_host.get(host).map(Vec::as_slice).unwrap_or(&[]);
    for item in items(list) {
        if let Some(rest) = item.strip_prefix('!') {
            rejected.insert(rest);
        } else if item == "*" {
            accepted.extend(on_host.iter().copied());
        } else if on_host.contains(&item) {
            accepted.push(item);
        } else {
            missing.push(item);
        }
    }
    let mut seen = HashSet::default();
    accepted.retain(|d| !rejected.contains(d) && seen.insert(*d));
    (accepted, missing)
}

/// Service group members, each as (host, description).
pub fn servicegroups<'r>(
    ex: &mut Expander<'r, '_>,
    table: &ServiceTable<'r>,
) -> HashMap<&'r str, Vec<(&'r str, &'r str)>> {
    let index = ex.index;
    let mut direct: HashMap<&'r str, Members<(&'r str, &'r str)>> = HashMap::default();
    let mut order = Vec::new();
    for group in index.of(ObjectType::ServiceGroup) {
        let Some(name) = group.real_name() else { continue };
        let mut members = Members::new(HashSet::default());
        if let Some(list) = group.text("members") {
            let at = At { file: group.file, span: group.span_of("members") };
            let parts: Vec<&str> = items(list).collect();
            if parts.len() % 2 == 1 {
                ex.error(
                    Code::InvalidValue,
                    at,
                    format!("servicegroup `{name}` members: service description missing from list (members are `host,description` pairs)"),
                );
            }
            for pair in parts.chunks_exact(2) {
                let (host, desc) = (pair[0], pair[1]);
                let hosts: Vec<&'r str> = if host == "*" {
                    table.by_host.keys().copied().collect()
                } else {
                    table.by_host.get_key_value(host).map(|(h, _)| *h).into_iter().collect()
                };
                let mut found = false;
                for h in hosts {
                    for &d in table.by_host.get(h).map(Vec::as_slice).unwrap_or(&[]) {
                        if desc == "*" || d == desc {
                            members.add((h, d));
                            found = true;
                        }
                    }
                }
                if !found {
                    ex.error(
                        Code::UnknownService,
                        at,
                        format!("could not find a service matching host name `{host}` and description `{desc}` (servicegroup `{name}`)"),
                    );
                }
            }
        }
        order.push(&**name);
        direct.insert(&**name, members);
    }
    // Services naming their groups.
    for inst in &table.list {
        let raw = &index.raws.all[inst.def as usize];
        let Some(list) = raw.text("servicegroups") else { continue };
        for group in items(list) {
            match direct.get_mut(group) {
                Some(members) => members.add((inst.host, inst.description)),
                None => ex.error(
                    Code::UnknownServicegroup,
                    At { file: raw.file, span: raw.span_of("servicegroups") },
                    format!("could not find servicegroup `{group}` specified in service `{}` on host `{}`", inst.description, inst.host),
                ),
            }
        }
    }
    nest(ex, ObjectType::ServiceGroup, "servicegroup_members", &order, direct)
}
