//! snmp_exporter modules as typed values: one [`Module`] is what one translated `check_snmp`
//! asks an agent for, and renders as one entry of `snmp.yml` in the format of Debian 12's
//! prometheus-snmp-exporter 0.21 (`type Config map[string]*Module`: `auth` lives inside the
//! module; 0.23 moved it to `auths:`, which 0.21 refuses as an unknown field).
//!
//! Community strings are secrets. A module holds the community only as a [`Community`]
//! reference; the file convert writes is `snmp.yml.tmpl`, where each community is an
//! environment variable reference (`${NAG2PROM_SNMP_COMMUNITY_1}`) for the deployment to fill
//! in (`envsubst`). A literal community from a command line is kept in memory to tell two
//! communities apart, and is never serialised, printed or hashed into a name.

use std::collections::BTreeMap;

use serde::Serialize;

/// A community string that is never shown: `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Where a module's community comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Community {
    /// No `-C`: check_snmp's default, `public` (not a secret: written as is).
    Default,
    /// `-C $USERn$`: a resource-file macro, referenced by its name (`USER3`).
    Macro(String),
    /// A community written in the command or the service's arguments; the number is given
    /// once every translation is known ([`Community::variable`]), in order of first use.
    Literal(Secret),
}

/// The environment variable prefix of community references.
pub const VARIABLE_PREFIX: &str = "NAG2PROM_SNMP_COMMUNITY_";

/// SNMP protocol version (`-P`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// `-P 1`, check_snmp's default.
    V1,
    /// `-P 2c`.
    V2c,
    /// `-P 3`, with [`Module::v3`].
    V3,
}

/// The environment variable prefixes of SNMPv3 passwords (`-A`, `-X`).
pub const AUTH_PREFIX: &str = "NAG2PROM_SNMP_AUTH_";
/// See [`AUTH_PREFIX`].
pub const PRIV_PREFIX: &str = "NAG2PROM_SNMP_PRIV_";

/// SNMPv3 settings of a module (check_snmp's `-L`, `-U`, `-a`, `-A`, `-x`, `-X`, `-N`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct V3 {
    /// `noAuthNoPriv`, `authNoPriv` or `authPriv` (`-L`, default noAuthNoPriv).
    pub level: &'static str,
    /// The security name (`-U`), written as is: an account name, not a secret.
    pub username: String,
    /// `MD5` or `SHA` (`-a`, default MD5), with auth.
    pub auth_protocol: Option<&'static str>,
    /// The auth password (`-A`), with auth: a reference, never the value.
    pub password: Option<Community>,
    /// Its environment variable, set by the translation.
    pub password_variable: Option<String>,
    /// `DES` or `AES` (`-x`, default DES), with priv.
    pub priv_protocol: Option<&'static str>,
    /// The privacy password (`-X`), with priv.
    pub priv_password: Option<Community>,
    /// Its environment variable, set by the translation.
    pub priv_variable: Option<String>,
    /// The context (`-N`).
    pub context: Option<String>,
}

/// What one translated check asks the agent for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Module {
    /// Protocol version.
    pub version: Version,
    /// The community.
    pub community: Community,
    /// The environment variable the community is read from (set by the translation once
    /// every community is known; `None` for [`Community::Default`]).
    pub variable: Option<String>,
    /// Seconds per request (`-t`, default 10).
    pub timeout: u32,
    /// Retries (`-e`, default 5).
    pub retries: u32,
    /// Numeric OIDs without a leading dot, in the order of `-o`.
    pub oids: Vec<String>,
    /// Of `oids`, those read for their presence only: the metric is 1 whenever the agent
    /// returns the OID, whatever its text (check_hpjd's display message).
    pub present: Vec<String>,
    /// SNMPv3 settings, with [`Version::V3`].
    pub v3: Option<V3>,
}

/// The metric a module exports for `oid`: `nagios_snmp_oid_1_3_6_1_2_1_25_1_6_0`.
pub fn metric_name(oid: &str) -> String {
    format!("nagios_snmp_oid_{}", oid.replace('.', "_"))
}

/// The value check_snmp compares with its thresholds, as snmp_exporter regexes (RE2, matched
/// against the whole value text, first match wins).
///
/// check_snmp takes the value text (the `STRING:` text with its quotes, the number of an
/// `INTEGER:`/`Gauge32:`/`Counter32:`, the whole `Timeticks: (N) …` text), finds the first
/// `-` or digit (`strpbrk(show, "-0123456789")`) and reads a number there with `strtod`.
/// snmp_exporter 0.21 renders integers and counters in decimal and strings as text, so the
/// second regex does the same; it renders TimeTicks (a Go `uint32`, which its
/// `pduValueAsString` has no case for) as `%!s(uint32=N)`, which the first regex reads as
/// the N hundredths of a second check_snmp reads (verified with 0.21.0 against snmpd's
/// sysUpTime).
pub const VALUE_REGEXES: [&str; 2] =
    [r"%!s\(uint32=([0-9]+)\)", r"(?s)[^-0-9]*(-?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?).*"];

/// The regex of a presence-only OID: any text, the empty one included.
pub const PRESENT_REGEX: &str = "(?s).*";

/// One module of `snmp.yml` (0.21 format).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ConfigModule {
    /// 1 or 2.
    pub version: u8,
    /// The community.
    pub auth: Auth,
    /// Per request, `10s`.
    pub timeout: String,
    /// Retries.
    pub retries: u32,
    /// The scalar OIDs fetched with one GET.
    pub get: Vec<String>,
    /// One metric per OID.
    pub metrics: Vec<ConfigMetric>,
}

/// `auth` of a 0.21 module.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Auth {
    /// `public`, or a `${VARIABLE}` reference (v1, v2c).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// v3: `noAuthNoPriv`, `authNoPriv`, `authPriv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_level: Option<String>,
    /// v3 security name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// v3 auth password, a `${VARIABLE}` reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// v3 `MD5` or `SHA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_protocol: Option<String>,
    /// v3 `DES` or `AES`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priv_protocol: Option<String>,
    /// v3 privacy password, a `${VARIABLE}` reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priv_password: Option<String>,
    /// v3 context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_name: Option<String>,
}

/// One `metrics` entry.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ConfigMetric {
    /// The metric name.
    pub name: String,
    /// The OID (no leading dot: 0.21 silently matches nothing with one).
    pub oid: String,
    /// Always `DisplayString`, so that `regex_extracts` read every value type as text.
    #[serde(rename = "type")]
    pub type_: String,
    /// `help`.
    pub help: String,
    /// `'' → [{value: $1, regex}]`: the metric's value, read like check_snmp reads it.
    pub regex_extracts: BTreeMap<String, Vec<RegexExtract>>,
}

/// One `regex_extracts` alternative.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct RegexExtract {
    /// `$1`.
    pub value: String,
    /// The RE2 regex.
    pub regex: String,
}

impl Module {
    /// The module's name: `nagios_snmp_HASH` of everything but the secret (the variable name
    /// stands for the community), so checks that ask alike share a module.
    pub fn name(&self) -> String {
        let v3 = self.v3.as_ref().map(|v| {
            format!(
                "{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
                v.level,
                v.username,
                v.auth_protocol,
                v.password_variable,
                v.priv_protocol,
                v.priv_variable,
                v.context
            )
        });
        let key = format!(
            "{:?}|{}|{}|{}|{}|{}{}",
            self.version,
            match &self.community {
                Community::Default => "public".to_owned(),
                Community::Macro(m) => format!("${m}$"),
                Community::Literal(_) => "literal".to_owned(),
            },
            self.variable.as_deref().unwrap_or(""),
            self.timeout,
            self.retries,
            self.oids.join(","),
            v3.map(|v| format!("|{v}")).unwrap_or_default()
        );
        // Presence-only OIDs are a different metric: part of the name only when there are.
        let key = if self.present.is_empty() {
            key
        } else {
            format!("{key}|present:{}", self.present.join(","))
        };
        format!("nagios_snmp_{:08x}", crate::translate::fnv64(&key) as u32)
    }

    /// The module as `snmp.yml` holds it, the community as a variable reference.
    pub fn config(&self) -> ConfigModule {
        let reference = |var: &Option<String>| var.as_ref().map(|v| format!("${{{v}}}"));
        let auth = match &self.v3 {
            None => Auth {
                community: Some(reference(&self.variable).unwrap_or_else(|| "public".to_owned())),
                ..Auth::default()
            },
            Some(v3) => Auth {
                security_level: Some(v3.level.to_owned()),
                username: Some(v3.username.clone()),
                password: reference(&v3.password_variable),
                auth_protocol: v3.auth_protocol.map(str::to_owned),
                priv_protocol: v3.priv_protocol.map(str::to_owned),
                priv_password: reference(&v3.priv_variable),
                context_name: v3.context.clone(),
                ..Auth::default()
            },
        };
        let extracts = |oid: &String| {
            let list = if self.present.contains(oid) {
                vec![RegexExtract { value: "1".to_owned(), regex: PRESENT_REGEX.to_owned() }]
            } else {
                VALUE_REGEXES
                    .iter()
                    .map(|r| RegexExtract { value: "$1".to_owned(), regex: (*r).to_owned() })
                    .collect()
            };
            BTreeMap::from([(String::new(), list)])
        };
        ConfigModule {
            version: match self.version {
                Version::V1 => 1,
                Version::V2c => 2,
                Version::V3 => 3,
            },
            auth,
            timeout: format!("{}s", self.timeout),
            retries: self.retries,
            get: self.oids.clone(),
            metrics: self
                .oids
                .iter()
                .map(|oid| ConfigMetric {
                    name: metric_name(oid),
                    oid: oid.clone(),
                    type_: "DisplayString".to_owned(),
                    help: if self.present.contains(oid) {
                        format!("OID {oid}: 1 when the agent returns it")
                    } else {
                        format!("OID {oid}, read as check_snmp reads a value")
                    },
                    regex_extracts: extracts(oid),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(community: Community, variable: Option<&str>) -> Module {
        Module {
            version: Version::V2c,
            community,
            variable: variable.map(str::to_owned),
            timeout: 10,
            retries: 5,
            oids: vec!["1.3.6.1.2.1.25.1.6.0".to_owned()],
            present: Vec::new(),
            v3: None,
        }
    }

    #[test]
    fn a_literal_community_is_never_shown() {
        let m =
            module(Community::Literal(Secret::new("s3cret")), Some("NAG2PROM_SNMP_COMMUNITY_1"));
        assert!(!format!("{m:?}").contains("s3cret"));
        let yaml = serde_saphyr::to_string(&m.config()).unwrap();
        assert!(!yaml.contains("s3cret"), "{yaml}");
        assert!(yaml.contains("${NAG2PROM_SNMP_COMMUNITY_1}"), "{yaml}");
        assert!(!m.name().contains("s3cret"));
        // Another literal with the same variable is the same module: the name is the
        // variable's, which the translation numbers per distinct community.
        let other =
            module(Community::Literal(Secret::new("other")), Some("NAG2PROM_SNMP_COMMUNITY_1"));
        assert_eq!(m.name(), other.name());
        let two =
            module(Community::Literal(Secret::new("other")), Some("NAG2PROM_SNMP_COMMUNITY_2"));
        assert_ne!(m.name(), two.name());
    }

    #[test]
    fn config_has_the_0_21_fields() {
        let m = module(Community::Default, None);
        let c = m.config();
        assert_eq!(c.auth.community.as_deref(), Some("public"));
        assert_eq!(c.version, 2);
        assert_eq!(c.metrics[0].name, "nagios_snmp_oid_1_3_6_1_2_1_25_1_6_0");
        assert_eq!(c.metrics[0].type_, "DisplayString");
        assert_eq!(c.metrics[0].regex_extracts[""].len(), 2);
    }
}
