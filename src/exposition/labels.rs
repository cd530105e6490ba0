//! Extra identity labels taken from the object model (opt-in): a host's hostgroups and chosen
//! custom variables, added to every series of that host and of its services.
//!
//! Rendered once per configuration load into escaped label text (`,hostgroups=",db,web,"`),
//! so each series only copies bytes.

use std::collections::HashMap;

use crate::model::{Model, Value};
use nag2prom_parsers::object::ObjectType;

use super::text::push_label;

/// What to add to the identity labels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnrichOptions {
    /// Add `hostgroups=",a,b,"` (sorted, comma-delimited with leading and trailing commas, so
    /// `hostgroups=~".*,web,.*"` matches one group exactly).
    pub hostgroups: bool,
    /// Custom variables (without `_`, case-insensitive) to add as `var_<name>` labels; a
    /// service's own variable wins over its host's.
    pub custom_vars: Vec<String>,
    /// `--ola.members`: the `ola-members.json` of a conversion, whose groups' ranks and member
    /// counts are exported (`nagios_ola_group_rank`, `nagios_ola_group_members`; needs no
    /// `--config`).
    pub ola_members: Option<std::path::PathBuf>,
    /// `--ola.downtimes`: a GOCDB `get_downtime` export; its scheduled outages put the
    /// members of the endpoints they name in downtime (rank 3) while in effect.
    pub ola_downtimes: Option<std::path::PathBuf>,
}

impl EnrichOptions {
    /// True when nothing is added.
    pub fn is_empty(&self) -> bool {
        !self.hostgroups && self.custom_vars.is_empty() && self.ola_members.is_none()
    }

    /// True when labels from the object definitions are asked for (they need `--config`).
    pub fn needs_objects(&self) -> bool {
        self.hostgroups || !self.custom_vars.is_empty()
    }
}

/// The label name used for custom variable `name`: `var_` + lower case, with every character
/// outside `[a-z0-9_]` replaced by `_`.
pub fn custom_var_label(name: &str) -> String {
    let mut out = String::from("var_");
    out.extend(name.trim_start_matches('_').chars().map(|c| {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '_' }
    }));
    out
}

/// Escaped extra label text per host and per service.
#[derive(Debug, Clone, Default)]
pub struct Enrichment {
    hosts: HashMap<Vec<u8>, Vec<u8>>,
    services: HashMap<(Vec<u8>, Vec<u8>), Vec<u8>>,
    /// OLA group members, sorted.
    ola: Vec<crate::translate::ola::Member>,
    /// GOCDB scheduled outages (`--ola.downtimes`).
    downtimes: Vec<crate::gocdb::Downtime>,
}

fn custom_value<'o>(object: &'o crate::model::Object, upper: &str) -> Option<&'o str> {
    match object.get(&format!("_{upper}"))? {
        Value::Text(t) => Some(t),
        _ => None,
    }
}

impl Enrichment {
    /// Build from the resolved object model.
    pub fn from_model(model: &Model, options: &EnrichOptions) -> Enrichment {
        let mut out = Enrichment::default();
        if options.is_empty() {
            return out;
        }
        let vars: Vec<(String, String)> = options
            .custom_vars
            .iter()
            .map(|v| (v.trim_start_matches('_').to_ascii_uppercase(), custom_var_label(v)))
            .collect();
        let mut host_vars: HashMap<&str, Vec<Option<&str>>> = HashMap::new();
        let mut host_groups: HashMap<&str, String> = HashMap::new();
        for host in model.of(ObjectType::Host) {
            let Some(name) = host.text("host_name") else { continue };
            let values: Vec<Option<&str>> =
                vars.iter().map(|(upper, _)| custom_value(host, upper)).collect();
            let mut groups: Vec<&str> = host.list("hostgroups").iter().map(|g| &**g).collect();
            groups.sort_unstable();
            groups.dedup();
            let joined =
                if groups.is_empty() { String::new() } else { format!(",{},", groups.join(",")) };
            let mut text = Vec::new();
            if options.hostgroups {
                push_label(&mut text, "hostgroups", joined.as_bytes());
            }
            for ((_, label), value) in vars.iter().zip(&values) {
                if let Some(value) = value {
                    push_label(&mut text, label, value.as_bytes());
                }
            }
            out.hosts.insert(name.as_bytes().to_vec(), text);
            host_vars.insert(name, values);
            host_groups.insert(name, joined);
        }
        for service in model.of(ObjectType::Service) {
            let (Some(host), Some(desc)) =
                (service.text("host_name"), service.text("service_description"))
            else {
                continue;
            };
            let mut text = Vec::new();
            if options.hostgroups {
                let groups = host_groups.get(host).map(String::as_str).unwrap_or("");
                push_label(&mut text, "hostgroups", groups.as_bytes());
            }
            for (i, (upper, label)) in vars.iter().enumerate() {
                let own = custom_value(service, upper);
                let inherited = host_vars.get(host).and_then(|v| v.get(i).copied().flatten());
                if let Some(value) = own.or(inherited) {
                    push_label(&mut text, label, value.as_bytes());
                }
            }
            out.services.insert((host.as_bytes().to_vec(), desc.as_bytes().to_vec()), text);
        }
        out
    }

    /// Extra label text for a host (escaped, without a leading comma), if any.
    pub fn host(&self, host: &[u8]) -> Option<&[u8]> {
        self.hosts.get(host).map(Vec::as_slice).filter(|t| !t.is_empty())
    }

    /// Extra label text for a service, if any.
    pub fn service(&self, host: &[u8], service: &[u8]) -> Option<&[u8]> {
        self.services
            .get(&(host.to_vec(), service.to_vec()))
            .map(Vec::as_slice)
            .filter(|t| !t.is_empty())
    }

    /// True when no object has extra labels and there is no OLA membership.
    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.services.is_empty() && self.ola.is_empty()
    }

    /// Set the OLA group members.
    pub fn set_ola_members(&mut self, mut members: Vec<crate::translate::ola::Member>) {
        members.sort();
        members.dedup();
        self.ola = members;
    }

    /// The OLA group members, sorted.
    pub fn ola_members(&self) -> &[crate::translate::ola::Member] {
        &self.ola
    }

    /// The GOCDB scheduled outages that put OLA members in downtime (`--ola.downtimes`).
    pub fn set_ola_downtimes(&mut self, downtimes: Vec<crate::gocdb::Downtime>) {
        self.downtimes = downtimes;
    }

    /// The GOCDB scheduled outages.
    pub fn ola_downtimes(&self) -> &[crate::gocdb::Downtime] {
        &self.downtimes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_var_label_names_are_valid() {
        assert_eq!(custom_var_label("_TEAM"), "var_team");
        assert_eq!(custom_var_label("Owner-Email"), "var_owner_email");
    }
}
