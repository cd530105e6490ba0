//! Operating level agreement (OLA) targets as typed values (issue 15): availability and
//! reliability targets, the unknown-share limit and the rolling window of each roll-up group
//! ("objective"), and the services it covers.
//!
//! Two sources, merged: custom variables on services or their hosts (`_OLA_AVAILABILITY`,
//! `_OLA_RELIABILITY`, `_OLA_UNKNOWN_MAX`, `_OLA_WINDOW`, `_OLA_GROUP`, inherited through
//! templates like any directive; a service's own value wins over its host's), and an
//! `ola.yaml` (`convert --ola`) mapping host groups, service groups, service descriptions or
//! custom-variable values to targets. Every problem is a coded diagnostic at its file and
//! line; nothing is defaulted silently. No I/O here: the CLI reads the file.

use std::collections::BTreeMap;

use nag2prom_parsers::object::ObjectType;
use nag2prom_parsers::span::Span;
use serde::Deserialize;

use crate::diag::{Code, Diagnostic};
use crate::model::{Field, Model, Object, Value};
use crate::source::{FileId, SourceDb};

/// The window used when a declaration names none (the EGI OLA's rolling 30 days).
pub const DEFAULT_WINDOW_DAYS: u32 = 30;
/// The unknown-share limit used when a declaration names none (the EGI OLA's 10 %).
pub const DEFAULT_UNKNOWN_MAX: f64 = 10.0;
/// The longest rolling window accepted, in days (past it Prometheus' retention and the
/// 1-hour chain's 2,160 samples per group become the cost).
pub const MAX_WINDOW_DAYS: u32 = 90;

/// The targets of one objective, in percent.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    /// Availability target, `up / (time − unknown)`, percent.
    pub availability: Option<f64>,
    /// Reliability target, `up / (time − unknown − scheduled downtime)`, percent.
    pub reliability: Option<f64>,
    /// The largest acceptable unknown share, percent.
    pub unknown_max: f64,
    /// Rolling window, days.
    pub window_days: u32,
}

/// One roll-up group with its targets and members.
#[derive(Debug, Clone)]
pub struct Objective {
    /// The `ola_group` label.
    pub name: String,
    /// The targets.
    pub targets: Targets,
    /// Member services `(host, description)`, sorted.
    pub services: Vec<(String, String)>,
    /// The GOCDB service types of the members that name theirs (the service's
    /// `_SERVICE_FLAVOUR` custom variable, comma-separated, as argo-ncg writes it): what a
    /// GOCDB downtime of `(host, service type)` applies to.
    pub service_types: BTreeMap<(String, String), Vec<String>>,
    /// Where it was declared (`path:line`), for messages and the rules' annotations.
    pub source: String,
}

/// `ola-members.json`, written by convert beside `rules/ola.yml` and read by the bridge
/// (`serve --ola.members`), which computes each group's worst member state at every
/// status.dat read and exports it as `nagios_ola_group_rank{ola_group}` (and the member count
/// as `nagios_ola_group_members`): the OLA rules read one series per group instead of every
/// member's.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersFile {
    /// Every member of every objective, sorted by group, host and service.
    pub members: Vec<Member>,
}

/// One member service of an OLA group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The `ola_group` label.
    pub ola_group: String,
    /// Host name.
    pub host: String,
    /// Service description.
    pub service: String,
    /// Its GOCDB service types (`_SERVICE_FLAVOUR`), for `serve --ola.downtimes`; absent
    /// when the service names none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_types: Vec<String>,
}

impl MembersFile {
    /// The members of `objectives`.
    pub fn of(objectives: &[Objective]) -> MembersFile {
        let mut members: Vec<Member> = objectives
            .iter()
            .flat_map(|o| {
                o.services.iter().map(|(host, service)| Member {
                    ola_group: o.name.clone(),
                    host: host.clone(),
                    service: service.clone(),
                    service_types: o
                        .service_types
                        .get(&(host.clone(), service.clone()))
                        .cloned()
                        .unwrap_or_default(),
                })
            })
            .collect();
        members.sort();
        members.dedup();
        MembersFile { members }
    }
}

/// A member's rank in ARGO's state order (a group's AND is the maximum): OK 0, WARNING 1,
/// UNKNOWN 2, scheduled downtime 3 (ARGO overwrites the endpoint's timeline with DOWNTIME,
/// whatever the state), CRITICAL 4. A missing member counts as 2.
pub fn argo_rank(hard_state: u8, in_downtime: bool) -> u8 {
    if in_downtime {
        return 3;
    }
    match hard_state {
        0 => 0,
        1 => 1,
        2 => 4,
        _ => 2,
    }
}

/// The file name of [`MembersFile`] in convert's output.
pub const MEMBERS_FILE: &str = "ola-members.json";

/// `ola.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OlaFile {
    objectives: Vec<serde_saphyr::Spanned<Entry>>,
}

/// One entry of `ola.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// `ola_group` name; default: the selected group, description or value.
    name: Option<String>,
    hostgroup: Option<String>,
    servicegroup: Option<String>,
    service: Option<String>,
    custom_var: Option<String>,
    value: Option<String>,
    availability: Option<f64>,
    reliability: Option<f64>,
    unknown_max: Option<f64>,
    window: Option<String>,
}

/// An objective being built: its targets, where they were first declared, its services.
type Members = (Targets, At, Vec<(String, String)>);

/// A declaration's location.
#[derive(Debug, Clone, Copy)]
struct At {
    file: FileId,
    span: Span,
}

/// What one declaration says about one service.
#[derive(Debug, Clone)]
struct Claim {
    group: String,
    targets: Targets,
    at: At,
}

/// A window text (`30d`, `4w`, `720h`) as days: whole days from 1 to [`MAX_WINDOW_DAYS`].
pub fn parse_window(text: &str) -> Option<u32> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u32 = number.parse().ok()?;
    let days = match unit {
        "d" => n,
        "w" => n.checked_mul(7)?,
        "h" if n.is_multiple_of(24) => n / 24,
        _ => return None,
    };
    (1..=MAX_WINDOW_DAYS).contains(&days).then_some(days)
}

/// A percentage from 0 to 100 inclusive.
fn percent(v: f64) -> bool {
    v.is_finite() && (0.0..=100.0).contains(&v)
}

/// Line and column (1-based) to a one-byte span in `file`.
fn span_at(db: &SourceDb, file: FileId, line: u64, column: u64) -> Span {
    let Some(source) = db.file(file) else { return Span { start: 0, end: 0 } };
    let bytes = &source.bytes;
    let mut start = 0usize;
    let mut current = 1u64;
    while current < line {
        match bytes.get(start..).and_then(memchr_nl) {
            Some(i) => start += i + 1,
            None => break,
        }
        current += 1;
    }
    let offset = (start + column.saturating_sub(1) as usize).min(bytes.len());
    Span { start: offset, end: (offset + 1).min(bytes.len()).max(offset) }
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// The text of a custom variable of `object` (`name` upper-case, with its `_`).
fn var<'o>(object: &'o Object, name: &str) -> Option<&'o Field> {
    object.fields.iter().find(|f| f.name == name)
}

/// A service's GOCDB service types: its `_SERVICE_FLAVOUR` custom variable (argo-ncg writes
/// the endpoint's service types there, comma-separated).
fn service_types(service: &Object) -> Vec<String> {
    var(service, "_SERVICE_FLAVOUR")
        .map(|f| value_text(&f.value))
        .map(|v| v.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Text(t) => t.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(x) => x.to_string(),
        _ => String::new(),
    }
}

/// Everything OLA the model and `ola.yaml` (`(file, bytes)` already in `db`) declare.
/// Diagnostics are errors unless documented otherwise; with any error the objectives must
/// not be used.
pub fn collect(
    model: &Model,
    db: &SourceDb,
    ola_file: Option<FileId>,
) -> (Vec<Objective>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let hosts: BTreeMap<&str, &Object> =
        model.of(ObjectType::Host).filter_map(|h| Some((h.text("host_name")?, h))).collect();
    let services: Vec<(&str, &str, &Object)> = model
        .of(ObjectType::Service)
        .filter_map(|s| Some((s.text("host_name")?, s.text("service_description")?, s)))
        .collect();
    // Claims per service index.
    let mut claims: Vec<Vec<Claim>> = vec![Vec::new(); services.len()];

    // 1. Custom variables (service first, then its host).
    for (i, (host, _, service)) in services.iter().enumerate() {
        let host_obj = hosts.get(host).copied();
        let lookup = |name: &str| -> Option<(String, At)> {
            let (object, found) = match var(service, name) {
                Some(v) => (*service, v),
                None => {
                    let h = host_obj?;
                    (h, var(h, name)?)
                }
            };
            let at = model
                .origin(found)
                .map(|o| At { file: o.file, span: o.span })
                .unwrap_or(At { file: object.file, span: object.span });
            Some((value_text(&found.value), at))
        };
        let availability = lookup("_OLA_AVAILABILITY");
        let reliability = lookup("_OLA_RELIABILITY");
        if availability.is_none() && reliability.is_none() {
            continue;
        }
        let mut ok = true;
        let mut number = |v: &Option<(String, At)>, what: &str| -> Option<f64> {
            let (text, at) = v.as_ref()?;
            match text.trim().trim_end_matches('%').trim().parse::<f64>() {
                Ok(x) if percent(x) => Some(x),
                _ => {
                    ok = false;
                    diags.push(Diagnostic::new(
                        Code::OlaInvalidTarget,
                        at.file,
                        at.span,
                        format!("{what} `{text}` is not a percentage from 0 to 100"),
                    ));
                    None
                }
            }
        };
        let a = number(&availability, "_OLA_AVAILABILITY");
        let r = number(&reliability, "_OLA_RELIABILITY");
        let u = number(&lookup("_OLA_UNKNOWN_MAX"), "_OLA_UNKNOWN_MAX");
        let window = match lookup("_OLA_WINDOW") {
            None => Some(DEFAULT_WINDOW_DAYS),
            Some((text, at)) => {
                let days = parse_window(&text);
                if days.is_none() {
                    ok = false;
                    diags.push(unknown_window(at, &text));
                }
                days
            }
        };
        let (Some(window_days), true) = (window, ok) else { continue };
        let at = availability.as_ref().or(reliability.as_ref()).map(|(_, at)| *at);
        let Some(at) = at else { continue };
        let group = lookup("_OLA_GROUP").map(|(g, _)| g).unwrap_or_else(|| (*host).to_owned());
        claims[i].push(Claim {
            group,
            targets: Targets {
                availability: a,
                reliability: r,
                unknown_max: u.unwrap_or(DEFAULT_UNKNOWN_MAX),
                window_days,
            },
            at,
        });
    }

    // 2. ola.yaml.
    if let Some(file) = ola_file {
        yaml_claims(model, db, file, &hosts, &services, &mut claims, &mut diags);
    }

    // 3. One objective per service; conflicting claims are errors.
    let mut objectives: BTreeMap<String, Members> = BTreeMap::new();
    for (i, list) in claims.iter().enumerate() {
        let Some(first) = list.first() else { continue };
        let (host, desc, _) = services[i];
        if let Some(other) =
            list.iter().skip(1).find(|c| c.group != first.group || c.targets != first.targets)
        {
            diags.push(Diagnostic::new(
                Code::OlaConflict,
                other.at.file,
                other.at.span,
                format!(
                    "service `{host};{desc}` gets OLA group `{}` ({}) here but group `{}` ({}) at {}",
                    other.group,
                    describe(&other.targets),
                    first.group,
                    describe(&first.targets),
                    crate::model::locate(db, first.at.file, first.at.span)
                ),
            ));
            continue;
        }
        match objectives.get_mut(&first.group) {
            Some((targets, at, members)) => {
                if *targets != first.targets {
                    diags.push(Diagnostic::new(
                        Code::OlaConflict,
                        first.at.file,
                        first.at.span,
                        format!(
                            "OLA group `{}` gets {} here (service `{host};{desc}`) but {} at {}",
                            first.group,
                            describe(&first.targets),
                            describe(targets),
                            crate::model::locate(db, at.file, at.span)
                        ),
                    ));
                    continue;
                }
                members.push((host.to_owned(), desc.to_owned()));
            }
            None => {
                objectives.insert(
                    first.group.clone(),
                    (first.targets.clone(), first.at, vec![(host.to_owned(), desc.to_owned())]),
                );
            }
        }
    }
    let flavours: BTreeMap<(&str, &str), Vec<String>> = services
        .iter()
        .filter_map(|(host, desc, service)| {
            let types = service_types(service);
            (!types.is_empty()).then_some(((*host, *desc), types))
        })
        .collect();
    let objectives = objectives
        .into_iter()
        .map(|(name, (targets, at, mut services))| {
            services.sort();
            services.dedup();
            let service_types = services
                .iter()
                .filter_map(|(h, d)| {
                    Some(((h.clone(), d.clone()), flavours.get(&(h.as_str(), d.as_str()))?.clone()))
                })
                .collect();
            Objective {
                name,
                targets,
                services,
                service_types,
                source: crate::model::locate(db, at.file, at.span),
            }
        })
        .collect();
    (objectives, diags)
}

fn describe(t: &Targets) -> String {
    let p = |v: Option<f64>| v.map(|v| format!("{v} %")).unwrap_or_else(|| "none".to_owned());
    format!(
        "availability {}, reliability {}, unknown ≤ {} %, window {}d",
        p(t.availability),
        p(t.reliability),
        t.unknown_max,
        t.window_days
    )
}

fn unknown_window(at: At, text: &str) -> Diagnostic {
    Diagnostic::new(
        Code::OlaUnknownWindow,
        at.file,
        at.span,
        format!(
            "OLA window `{text}` is not a rolling window of whole days from 1d to {MAX_WINDOW_DAYS}d (`30d`, `4w`, `720h`)"
        ),
    )
}

#[allow(clippy::too_many_arguments)]
fn yaml_claims(
    model: &Model,
    db: &SourceDb,
    file: FileId,
    hosts: &BTreeMap<&str, &Object>,
    services: &[(&str, &str, &Object)],
    claims: &mut [Vec<Claim>],
    diags: &mut Vec<Diagnostic>,
) {
    let Some(source) = db.file(file) else { return };
    let parsed: Result<OlaFile, _> = serde_saphyr::from_slice(&source.bytes);
    let doc = match parsed {
        Ok(doc) => doc,
        Err(e) => {
            let span = e
                .location()
                .map(|l| span_at(db, file, l.line(), l.column()))
                .unwrap_or(Span { start: 0, end: 0 });
            let message = e.to_string();
            let first = message.lines().next().unwrap_or("invalid YAML").to_owned();
            diags.push(Diagnostic::new(
                Code::OlaInvalidFile,
                file,
                span,
                format!("ola file: {first}"),
            ));
            return;
        }
    };
    let _ = model;
    for spanned in &doc.objectives {
        let entry = &spanned.value;
        let at = At {
            file,
            span: span_at(db, file, spanned.referenced.line(), spanned.referenced.column()),
        };
        let mut ok = true;
        for (what, v) in [
            ("availability", entry.availability),
            ("reliability", entry.reliability),
            ("unknown_max", entry.unknown_max),
        ] {
            if let Some(v) = v
                && !percent(v)
            {
                ok = false;
                diags.push(Diagnostic::new(
                    Code::OlaInvalidTarget,
                    at.file,
                    at.span,
                    format!("{what} {v} is not a percentage from 0 to 100"),
                ));
            }
        }
        if entry.availability.is_none() && entry.reliability.is_none() {
            ok = false;
            diags.push(Diagnostic::new(
                Code::OlaInvalidTarget,
                at.file,
                at.span,
                "an objective needs `availability`, `reliability` or both".to_owned(),
            ));
        }
        let window_days = match &entry.window {
            None => Some(DEFAULT_WINDOW_DAYS),
            Some(text) => {
                let days = parse_window(text);
                if days.is_none() {
                    ok = false;
                    diags.push(unknown_window(at, text));
                }
                days
            }
        };
        let selectors = [
            entry.hostgroup.is_some(),
            entry.servicegroup.is_some(),
            entry.service.is_some(),
            entry.custom_var.is_some(),
        ];
        if selectors.iter().filter(|s| **s).count() != 1
            || (entry.value.is_some() && entry.custom_var.is_none())
        {
            diags.push(Diagnostic::new(
                Code::OlaInvalidFile,
                at.file,
                at.span,
                "an objective selects its services with exactly one of `hostgroup`, `servicegroup`, `service` or `custom_var` (with an optional `value`)".to_owned(),
            ));
            continue;
        }
        let (Some(window_days), true) = (window_days, ok) else { continue };
        let targets = Targets {
            availability: entry.availability,
            reliability: entry.reliability,
            unknown_max: entry.unknown_max.unwrap_or(DEFAULT_UNKNOWN_MAX),
            window_days,
        };
        let mut matched = 0usize;
        for (i, (host, desc, service)) in services.iter().enumerate() {
            let group: Option<String> = if let Some(hg) = &entry.hostgroup {
                hosts
                    .get(host)
                    .is_some_and(|h| h.list("hostgroups").iter().any(|g| &**g == hg.as_str()))
                    .then(|| hg.clone())
            } else if let Some(sg) = &entry.servicegroup {
                service
                    .list("servicegroups")
                    .iter()
                    .any(|g| &**g == sg.as_str())
                    .then(|| sg.clone())
            } else if let Some(d) = &entry.service {
                (*desc == d.as_str()).then(|| d.clone())
            } else if let Some(cv) = &entry.custom_var {
                let name = if cv.starts_with('_') {
                    cv.to_ascii_uppercase()
                } else {
                    format!("_{}", cv.to_ascii_uppercase())
                };
                let found = var(service, &name)
                    .or_else(|| hosts.get(host).and_then(|h| var(h, &name)))
                    .map(|f| value_text(&f.value));
                match (found, &entry.value) {
                    (Some(v), Some(want)) => (v == *want).then_some(v),
                    (Some(v), None) if !v.is_empty() => Some(v),
                    _ => None,
                }
            } else {
                None
            };
            let Some(group) = group else { continue };
            matched += 1;
            let group = entry.name.clone().unwrap_or(group);
            claims[i].push(Claim { group, targets: targets.clone(), at });
        }
        if matched == 0 {
            diags.push(Diagnostic::new(
                Code::OlaEmptyObjective,
                at.file,
                at.span,
                "this objective selects no service".to_owned(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        assert_eq!(parse_window("30d"), Some(30));
        assert_eq!(parse_window("4w"), Some(28));
        assert_eq!(parse_window("720h"), Some(30));
        assert_eq!(parse_window("1d"), Some(1));
        assert_eq!(parse_window("90d"), Some(90));
        for bad in ["", "d", "30", "0d", "91d", "30m", "1y", "month", "-3d", "25h", "30 d"] {
            assert_eq!(parse_window(bad), None, "{bad}");
        }
    }

    #[test]
    fn percentages() {
        assert!(percent(0.0) && percent(80.0) && percent(100.0));
        assert!(!percent(-0.1) && !percent(100.01) && !percent(f64::NAN));
    }
}
