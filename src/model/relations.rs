//! Escalations and dependencies expanded to concrete hosts and services (§7 X12, X13).

use nag2prom_parsers::object::ObjectType;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::expand::{At, Expander, Groups, hosts_of, items};
use super::raw::{Raw, RawId, Slot, Val};
use super::services::{ServiceTable, descriptions};
use crate::diag::{Code, Diagnostic};

/// An escalation of one host or service.
#[derive(Debug, Clone)]
pub struct Escalation<'r> {
    /// Its definition.
    pub def: RawId,
    /// The host.
    pub host: &'r str,
    /// The service description (service escalations).
    pub description: Option<&'r str>,
}

/// Which failure options a dependency object carries (one definition with both becomes two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyKind {
    /// `notification_failure_options`.
    Notification,
    /// `execution_failure_options`.
    Execution,
}

/// One dependency between two hosts or services.
#[derive(Debug, Clone)]
pub struct Dependency<'r> {
    /// Its definition.
    pub def: RawId,
    /// Master host.
    pub host: &'r str,
    /// Master service.
    pub description: Option<&'r str>,
    /// Dependent host.
    pub dependent_host: &'r str,
    /// Dependent service.
    pub dependent_description: Option<&'r str>,
    /// Which options.
    pub kind: DependencyKind,
}

/// A host and, for services, a description.
type Endpoint<'r> = (&'r str, Option<&'r str>);

/// Hosts selected by `raw`'s `host_field` and `group_field` lists (`None` after an error;
/// empty when neither is set).
fn hosts_in<'r>(
    ex: &mut Expander<'r, '_>,
    hostgroups: &Groups<'r>,
    raw: &'r Raw,
    host_field: &str,
    group_field: &str,
) -> Option<Vec<&'r str>> {
    let host_list = raw.text(host_field).map(|t| &**t);
    let group_list = raw.text(group_field).map(|t| &**t);
    let at = At {
        file: raw.file,
        span: raw.span_of(if host_list.is_some() { host_field } else { group_field }),
    };
    let (hosts, _) = hosts_of(ex, hostgroups, host_list, group_list, at)?;
    Some(hosts.into_iter().map(|(host, _)| host).collect())
}

/// The descriptions of `list` (`raw`'s `field`) on `host`, reporting those the host lacks;
/// the flag is false when one was missing.
fn descriptions_on<'r>(
    ex: &mut Expander<'r, '_>,
    table: &ServiceTable<'r>,
    raw: &Raw,
    field: &str,
    host: &'r str,
    list: &'r str,
) -> (Vec<&'r str>, bool) {
    let (found, missing) = descriptions(table, host, list);
    for desc in &missing {
        ex.error(
            Code::UnknownService,
            At { file: raw.file, span: raw.span_of(field) },
            format!(
                "could not find a service matching host name `{host}` and description `{desc}` ({})",
                raw.ty
            ),
        );
    }
    (found, missing.is_empty())
}

/// Services selected by hosts × a description list, plus service groups.
fn service_targets<'r>(
    ex: &mut Expander<'r, '_>,
    hostgroups: &Groups<'r>,
    table: &ServiceTable<'r>,
    servicegroups: &HashMap<&'r str, Vec<(&'r str, &'r str)>>,
    raw: &'r Raw,
    fields: [&str; 4],
) -> Option<Vec<(&'r str, &'r str)>> {
    let [host_field, group_field, sg_field, desc_field] = fields;
    let mut out = Vec::new();
    if raw.text(host_field).is_some() || raw.text(group_field).is_some() {
        let hosts = hosts_in(ex, hostgroups, raw, host_field, group_field)?;
        let Some(list) = raw.text(desc_field) else {
            ex.error(
                Code::MissingDirective,
                At { file: raw.file, span: raw.span_of(desc_field) },
                format!("{} has hosts but no {desc_field}", raw.ty),
            );
            return None;
        };
        let mut ok = true;
        for host in hosts {
            let (found, all_there) = descriptions_on(ex, table, raw, desc_field, host, list);
            ok &= all_there;
            out.extend(found.into_iter().map(|d| (host, d)));
        }
        if !ok {
            return None;
        }
    }
    if let Some(list) = raw.text(sg_field) {
        for group in items(list) {
            match servicegroups.get(group) {
                Some(members) => out.extend(members.iter().copied()),
                None => {
                    ex.error(
                        Code::UnknownServicegroup,
                        At { file: raw.file, span: raw.span_of(sg_field) },
                        format!("could not find servicegroup `{group}` ({})", raw.ty),
                    );
                    return None;
                }
            }
        }
    }
    let mut seen = HashSet::default();
    out.retain(|k| seen.insert(*k));
    Some(out)
}

/// Host and service escalations, per host / service.
pub fn escalations<'r>(
    ex: &mut Expander<'r, '_>,
    hostgroups: &Groups<'r>,
    table: &ServiceTable<'r>,
    servicegroups: &HashMap<&'r str, Vec<(&'r str, &'r str)>>,
) -> Vec<Escalation<'r>> {
    let raws = ex.index.raws;
    let mut out = Vec::new();
    for (id, raw) in raws.all.iter().enumerate() {
        if !raw.register {
            continue;
        }
        match raw.ty {
            ObjectType::HostEscalation => {
                if raw.text("host_name").is_none() && raw.text("hostgroup_name").is_none() {
                    ex.error(
                        Code::MissingDirective,
                        At { file: raw.file, span: raw.span },
                        "hostescalation has no host_name or hostgroup_name".to_owned(),
                    );
                    continue;
                }
                if let Some(hosts) = hosts_in(ex, hostgroups, raw, "host_name", "hostgroup_name") {
                    out.extend(hosts.into_iter().map(|host| Escalation {
                        def: id as RawId,
                        host,
                        description: None,
                    }));
                }
            }
            ObjectType::ServiceEscalation => {
                let fields =
                    ["host_name", "hostgroup_name", "servicegroup_name", "service_description"];
                if let Some(targets) =
                    service_targets(ex, hostgroups, table, servicegroups, raw, fields)
                {
                    out.extend(targets.into_iter().map(|(host, d)| Escalation {
                        def: id as RawId,
                        host,
                        description: Some(d),
                    }));
                }
            }
            _ => {}
        }
    }
    out
}

fn bits(raw: &Raw, field: &str) -> Option<u32> {
    match raw.get(field) {
        Some(Slot { val: Val::Bits(b), .. }) => Some(*b),
        _ => None,
    }
}

/// Host and service dependencies, one object per (master, dependent, kind).
pub fn dependencies<'r>(
    ex: &mut Expander<'r, '_>,
    hostgroups: &Groups<'r>,
    table: &ServiceTable<'r>,
    servicegroups: &HashMap<&'r str, Vec<(&'r str, &'r str)>>,
) -> Vec<Dependency<'r>> {
    let raws = ex.index.raws;
    let mut out = Vec::new();
    for (id, raw) in raws.all.iter().enumerate() {
        if !raw.register
            || !matches!(raw.ty, ObjectType::HostDependency | ObjectType::ServiceDependency)
        {
            continue;
        }
        let kinds: Vec<DependencyKind> = [
            (DependencyKind::Notification, "notification_failure_options"),
            (DependencyKind::Execution, "execution_failure_options"),
        ]
        .into_iter()
        // Nagios 4.4.6 creates a host execution dependency even for `n`; every other kind
        // needs at least one option.
        .filter(|(k, f)| {
            bits(raw, f).is_some_and(|b| {
                b != 0 || (raw.ty == ObjectType::HostDependency && *k == DependencyKind::Execution)
            })
        })
        .map(|(k, _)| k)
        .collect();
        if kinds.is_empty() {
            ex.diags.push(Diagnostic::new(
                Code::LameDependency,
                raw.file,
                raw.span,
                format!(
                    "ignoring lame {}: it has no execution or notification failure options",
                    raw.ty
                ),
            ));
            continue;
        }
        let pairs: Vec<(Endpoint<'r>, Endpoint<'r>)> = if raw.ty == ObjectType::HostDependency {
            let masters = hosts_in(ex, hostgroups, raw, "host_name", "hostgroup_name");
            let dependents =
                hosts_in(ex, hostgroups, raw, "dependent_host_name", "dependent_hostgroup_name");
            let (Some(masters), Some(dependents)) = (masters, dependents) else { continue };
            let mut pairs = Vec::new();
            for m in &masters {
                for d in &dependents {
                    pairs.push(((*m, None), (*d, None)));
                }
            }
            pairs
        } else {
            let has_master = ["host_name", "hostgroup_name", "servicegroup_name"]
                .iter()
                .any(|f| raw.get(f).is_some());
            let has_dependent =
                ["dependent_host_name", "dependent_hostgroup_name", "dependent_servicegroup_name"]
                    .iter()
                    .any(|f| raw.get(f).is_some());
            let master_fields =
                ["host_name", "hostgroup_name", "servicegroup_name", "service_description"];
            let dependent_fields = [
                "dependent_host_name",
                "dependent_hostgroup_name",
                "dependent_servicegroup_name",
                "dependent_service_description",
            ];
            let mut pairs = Vec::new();
            if has_master && has_dependent {
                let masters =
                    service_targets(ex, hostgroups, table, servicegroups, raw, master_fields);
                let dependents =
                    service_targets(ex, hostgroups, table, servicegroups, raw, dependent_fields);
                let (Some(masters), Some(dependents)) = (masters, dependents) else { continue };
                for m in &masters {
                    for d in &dependents {
                        pairs.push(((m.0, Some(m.1)), (d.0, Some(d.1))));
                    }
                }
            } else if has_dependent {
                // Same-host dependency: the master description is looked up on each dependent host.
                let Some(dependents) =
                    service_targets(ex, hostgroups, table, servicegroups, raw, dependent_fields)
                else {
                    continue;
                };
                let Some(list) = raw.text("service_description") else {
                    ex.error(
                        Code::MissingDirective,
                        At { file: raw.file, span: raw.span },
                        "servicedependency has no service_description".to_owned(),
                    );
                    continue;
                };
                for d in &dependents {
                    let (found, _) =
                        descriptions_on(ex, table, raw, "service_description", d.0, list);
                    for m in found {
                        pairs.push(((d.0, Some(m)), (d.0, Some(d.1))));
                    }
                }
            } else if has_master {
                let Some(masters) =
                    service_targets(ex, hostgroups, table, servicegroups, raw, master_fields)
                else {
                    continue;
                };
                let Some(list) = raw.text("dependent_service_description") else {
                    ex.error(
                        Code::MissingDirective,
                        At { file: raw.file, span: raw.span },
                        "servicedependency has no dependent_service_description".to_owned(),
                    );
                    continue;
                };
                for m in &masters {
                    let (found, _) =
                        descriptions_on(ex, table, raw, "dependent_service_description", m.0, list);
                    for d in found {
                        pairs.push(((m.0, Some(m.1)), (m.0, Some(d))));
                    }
                }
            } else {
                ex.error(
                    Code::MissingDirective,
                    At { file: raw.file, span: raw.span },
                    "servicedependency names no hosts".to_owned(),
                );
                continue;
            }
            pairs
        };
        for ((host, description), (dependent_host, dependent_description)) in pairs {
            if host == dependent_host && description == dependent_description {
                ex.error(
                    Code::CircularDependency,
                    At { file: raw.file, span: raw.span },
                    format!(
                        "{} makes `{host}{}` depend on itself",
                        raw.ty,
                        description.map(|d| format!(";{d}")).unwrap_or_default()
                    ),
                );
                continue;
            }
            for &kind in &kinds {
                out.push(Dependency {
                    def: id as RawId,
                    host,
                    description,
                    dependent_host,
                    dependent_description,
                    kind,
                });
            }
        }
    }
    out
}
