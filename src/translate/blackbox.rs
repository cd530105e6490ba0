//! blackbox_exporter probe modules as typed values: one [`Module`] is one entry under
//! `modules:` in `blackbox.yml`, with blackbox's own field names (its `config.go`), serialised
//! by serde. A module's name is a hash of its serialised content, so two services that probe
//! the same way share a module, and a name changes only when the module does.
//!
//! Only the fields the translations set exist here; everything else keeps blackbox's default.

use serde::Serialize;
use std::collections::BTreeMap;

/// One probe module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Module {
    /// The prober.
    pub prober: Prober,
    /// The probe's timeout, seconds (blackbox also caps it by the scrape timeout).
    #[serde(serialize_with = "seconds")]
    pub timeout: u32,
    /// The http prober's settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpProbe>,
    /// The tcp prober's settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpProbe>,
    /// The icmp prober's settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp: Option<IcmpProbe>,
    /// The dns prober's settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns: Option<DnsProbe>,
}

/// blackbox's probers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Prober {
    /// HTTP(S) requests.
    Http,
    /// A TCP connection, optionally TLS, with a dialogue of expected and sent lines.
    Tcp,
    /// ICMP echo.
    Icmp,
    /// A DNS query.
    Dns,
}

/// The address family a probe resolves and connects with (`-4`/`-6` of the plugins).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct IpFamily {
    /// `ip4` or `ip6`; blackbox's default is ip6.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_ip_protocol: Option<&'static str>,
    /// Whether the other family is tried when the preferred one fails (blackbox: true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_protocol_fallback: Option<bool>,
}

/// TLS client settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TlsConfig {
    /// Accept any certificate (the plugins do not verify unless asked).
    pub insecure_skip_verify: bool,
    /// The SNI server name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
}

/// The http prober (`http:`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct HttpProbe {
    /// The request method.
    pub method: String,
    /// Whether redirects are followed.
    pub follow_redirects: bool,
    /// Whether HTTP/2 may be negotiated.
    pub enable_http2: bool,
    /// TLS settings.
    pub tls_config: TlsConfig,
    /// Request headers.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The request body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Status codes that pass (empty: blackbox's 2xx).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub valid_status_codes: Vec<u16>,
    /// HTTP versions that pass (empty: any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub valid_http_versions: Vec<String>,
    /// RE2 regexes the body must match, each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_if_body_not_matches_regexp: Vec<String>,
    /// RE2 regexes the body must not match.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_if_body_matches_regexp: Vec<String>,
    /// HTTP basic authentication, the password read from a file (never written here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic_auth: Option<BasicAuth>,
    /// The address family.
    #[serde(flatten)]
    pub family: IpFamily,
}

/// `basic_auth:` of an http module (Prometheus' HTTP client settings, inline in `http:`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct BasicAuth {
    /// The user name.
    pub username: String,
    /// The file holding the password.
    pub password_file: String,
}

/// The tcp prober (`tcp:`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TcpProbe {
    /// TLS from the first byte.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tls: bool,
    /// TLS settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_config: Option<TlsConfig>,
    /// The dialogue: lines expected and sent, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query_response: Vec<QueryResponse>,
    /// The address family.
    #[serde(flatten)]
    pub family: IpFamily,
}

/// One step of a tcp dialogue.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryResponse {
    /// Read lines until one matches this RE2 regex (or the timeout).
    Expect(String),
    /// Send this line (blackbox appends the newline).
    Send(String),
}

/// The icmp prober (`icmp:`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct IcmpProbe {
    /// The address family.
    #[serde(flatten)]
    pub family: IpFamily,
}

/// The dns prober (`dns:`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DnsProbe {
    /// The name asked for.
    pub query_name: String,
    /// The record type asked for.
    pub query_type: String,
    /// Response codes that pass.
    pub valid_rcodes: Vec<&'static str>,
    /// Checks of the answer section.
    pub validate_answer_rrs: RrValidator,
    /// `tcp` (blackbox's default is `udp`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_protocol: Option<&'static str>,
    /// The address family.
    #[serde(flatten)]
    pub family: IpFamily,
}

/// Checks of a DNS answer section.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RrValidator {
    /// At least one record must match one of these RE2 regexes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fail_if_none_matches_regexp: Vec<String>,
}

fn seconds<S: serde::Serializer>(t: &u32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{t}s"))
}

impl Module {
    /// A module of `prober` with `timeout` seconds and no settings of its own.
    pub fn new(prober: Prober, timeout: u32) -> Self {
        Module { prober, timeout, http: None, tcp: None, icmp: None, dns: None }
    }

    /// The module's name: `nagios_KIND_HASH`, the hash of its content, so services that
    /// probe alike share one module and a name changes only when the module does.
    pub fn name(&self, kind: &str) -> String {
        format!("nagios_{kind}_{:08x}", self.hash())
    }

    /// A short hash of the module's content.
    fn hash(&self) -> u32 {
        // Serialising these types cannot fail: no maps with non-string keys, no custom errors.
        let text = serde_json::to_string(self).unwrap_or_default();
        crate::translate::fnv64(&text) as u32
    }

    /// The module as a JSON value (what `blackbox.yml` and the plan hold).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Pin the address family, without fallback to the other one.
    pub fn pin_family(&mut self, family: &'static str) {
        let pinned =
            IpFamily { preferred_ip_protocol: Some(family), ip_protocol_fallback: Some(false) };
        match self.prober {
            Prober::Http => self.http.get_or_insert_with(HttpProbe::default).family = pinned,
            Prober::Tcp => self.tcp.get_or_insert_with(TcpProbe::default).family = pinned,
            Prober::Icmp => self.icmp.get_or_insert_with(IcmpProbe::default).family = pinned,
            Prober::Dns => self.dns.get_or_insert_with(DnsProbe::default).family = pinned,
        }
    }

    /// The module for one host when it names `$HOSTNAME$` (a virtual host or TLS server name),
    /// else `None`.
    pub fn for_host(&self, host: &str) -> Option<Module> {
        let mut m = self.clone();
        let mut named = false;
        let mut sub = |s: &mut String| {
            if s.contains("$HOSTNAME$") {
                *s = s.replace("$HOSTNAME$", host);
                named = true;
            }
        };
        if let Some(http) = &mut m.http {
            http.headers.values_mut().for_each(&mut sub);
            if let Some(name) = &mut http.tls_config.server_name {
                sub(name);
            }
        }
        if let Some(name) = m.tcp.as_mut().and_then(|t| t.tls_config.as_mut()?.server_name.as_mut())
        {
            sub(name);
        }
        named.then_some(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_blackbox_field_names() {
        let mut m = Module::new(Prober::Tcp, 10);
        m.tcp = Some(TcpProbe {
            tls: true,
            tls_config: Some(TlsConfig { insecure_skip_verify: true, server_name: None }),
            query_response: vec![
                QueryResponse::Expect("^220 it's".to_owned()),
                QueryResponse::Send("QUIT".to_owned()),
            ],
            family: IpFamily::default(),
        });
        m.pin_family("ip6");
        let v = m.to_value();
        assert_eq!(
            v,
            serde_json::json!({
                "prober": "tcp", "timeout": "10s",
                "tcp": {
                    "tls": true, "tls_config": {"insecure_skip_verify": true},
                    "query_response": [{"expect": "^220 it's"}, {"send": "QUIT"}],
                    "preferred_ip_protocol": "ip6", "ip_protocol_fallback": false,
                }
            })
        );
        let mut icmp = Module::new(Prober::Icmp, 3);
        assert_eq!(icmp.to_value(), serde_json::json!({"prober": "icmp", "timeout": "3s"}));
        icmp.pin_family("ip4");
        assert_eq!(icmp.to_value()["icmp"]["preferred_ip_protocol"], "ip4");
        assert_ne!(m.hash(), icmp.hash());
    }

    #[test]
    fn a_module_naming_the_host_is_one_per_host() {
        let mut m = Module::new(Prober::Http, 10);
        let mut http = HttpProbe { method: "GET".to_owned(), ..HttpProbe::default() };
        http.headers.insert("Host".to_owned(), "$HOSTNAME$:8080".to_owned());
        http.tls_config.server_name = Some("$HOSTNAME$".to_owned());
        m.http = Some(http);
        let web = m.for_host("o'web").unwrap();
        let http = web.http.as_ref().unwrap();
        assert_eq!(http.headers["Host"], "o'web:8080");
        assert_eq!(http.tls_config.server_name.as_deref(), Some("o'web"));
        assert!(web.for_host("other").is_none());
        assert!(Module::new(Prober::Icmp, 1).for_host("web").is_none());
    }
}
