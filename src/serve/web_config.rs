//! The exporter-toolkit web configuration file (`--web.config.file`): TLS with rustls and
//! HTTP basic authentication with bcrypt hashes, read with the same keys as Prometheus'
//! exporters so one file serves node_exporter and nag2prom.
//!
//! ```yaml
//! tls_server_config:
//!   cert_file: /etc/nag2prom/tls.crt
//!   key_file: /etc/nag2prom/tls.key
//! basic_auth_users:
//!   prometheus: $2y$10$...          # htpasswd -nBC 10 "" | tr -d ':\n'
//! ```
//!
//! Unknown keys are errors (a misspelt `basic_auth_user` must not leave the exporter open).
//! Settings rustls cannot honour (`cipher_suites`, `curve_preferences`) are errors too.
//!
//! A *reload* ([`WebConfig::reload`]) never weakens the configuration silently: an empty file
//! (or one caught mid-rewrite), a file without `basic_auth_users` when users were configured,
//! or without `tls_server_config` when TLS is on, is an error and the previous configuration
//! stays. Turning authentication off on purpose takes a file that says so:
//! `basic_auth_users: {}`. The certificate, key and client CA files are watched too
//! ([`WebConfig::watched`]), so a renewed certificate is served without touching the YAML.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde::Deserialize;

/// The web configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum WebConfigError {
    /// The file could not be read.
    #[error("cannot read web config {path}: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// Not valid YAML for this schema.
    #[error("invalid web config {path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The YAML error.
        message: String,
    },
    /// A value that cannot be used.
    #[error("invalid web config {path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    tls_server_config: Option<TlsFile>,
    http_server_config: Option<HttpFile>,
    basic_auth_users: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TlsFile {
    cert_file: Option<PathBuf>,
    key_file: Option<PathBuf>,
    client_auth_type: Option<String>,
    client_ca_file: Option<PathBuf>,
    min_version: Option<String>,
    max_version: Option<String>,
    cipher_suites: Option<Vec<String>>,
    curve_preferences: Option<Vec<String>>,
    prefer_server_cipher_suites: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpFile {
    http2: Option<bool>,
    headers: Option<BTreeMap<String, String>>,
}

/// A loaded, validated web configuration.
#[derive(Clone, Default)]
pub struct WebConfig {
    /// The TLS server configuration, when `tls_server_config` is set.
    pub tls: Option<Arc<ServerConfig>>,
    /// User name → bcrypt hash; empty means no authentication.
    pub users: BTreeMap<String, String>,
    /// True when the file has a `basic_auth_users` key (an empty map turns auth off on
    /// purpose; a missing key on reload is a partial file).
    pub users_declared: bool,
    /// A bcrypt hash of a fixed text, at the cost of the configured users, that unknown user
    /// names are checked against: an unknown user costs as much as a wrong password.
    pub dummy_hash: Option<String>,
    /// Extra response headers.
    pub headers: Vec<(axum::http::HeaderName, axum::http::HeaderValue)>,
    /// The files this configuration was read from: the YAML file, then the certificate, key
    /// and client CA files. A change to any of them triggers a reload.
    pub watched: Vec<PathBuf>,
}

/// Users and hashes are secrets: never printed.
impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("tls", &self.tls.is_some())
            .field("users", &self.users.len())
            .field("users_declared", &self.users_declared)
            .field("headers", &self.headers.len())
            .field("watched", &self.watched)
            .finish_non_exhaustive()
    }
}

/// The identity of one watched file: device, inode, size, modification time.
pub type FileId = (u64, u64, u64, Option<std::time::SystemTime>);

/// The identity of each watched file, `None` for one that cannot be read: a change of any of
/// them means "reload".
pub fn fingerprint(paths: &[PathBuf]) -> Vec<Option<FileId>> {
    use std::os::unix::fs::MetadataExt;
    paths
        .iter()
        .map(|p| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino(), m.len(), m.modified().ok())))
        .collect()
}

impl WebConfig {
    /// Read and validate `path` at start: YAML keys, bcrypt hash syntax, certificate and key
    /// files. An empty file means no TLS and no authentication, as in exporter-toolkit.
    pub fn load(path: &Path) -> Result<WebConfig, WebConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| WebConfigError::Read { path: path.to_path_buf(), error })?;
        Self::parse(path, &text)
    }

    /// Re-read `path` while running, given the configuration in force. Fails closed: an
    /// empty file, a file that drops `basic_auth_users` while users are configured, or one
    /// that drops (or adds) `tls_server_config` on a running listener is an error, and the
    /// caller keeps `previous`. Removing every user on purpose needs `basic_auth_users: {}`.
    pub fn reload(path: &Path, previous: &WebConfig) -> Result<WebConfig, WebConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| WebConfigError::Read { path: path.to_path_buf(), error })?;
        let invalid = |message: &str| WebConfigError::Invalid {
            path: path.to_path_buf(),
            message: message.to_owned(),
        };
        if text.trim().is_empty() {
            return Err(invalid(
                "the file is empty (half-written?); to turn authentication off on purpose write `basic_auth_users: {}`",
            ));
        }
        let fresh = Self::parse(path, &text)?;
        if !previous.users.is_empty() && !fresh.users_declared {
            return Err(invalid(
                "basic_auth_users is missing (partial file?); to turn authentication off on purpose write `basic_auth_users: {}`",
            ));
        }
        match (previous.tls.is_some(), fresh.tls.is_some()) {
            (true, false) => {
                return Err(invalid(
                    "tls_server_config is missing (partial file?); TLS cannot be turned off without a restart",
                ));
            }
            (false, true) => {
                return Err(invalid(
                    "tls_server_config was added; TLS can only be turned on by a restart",
                ));
            }
            _ => {}
        }
        Ok(fresh)
    }

    fn parse(path: &Path, text: &str) -> Result<WebConfig, WebConfigError> {
        let invalid =
            |message: String| WebConfigError::Invalid { path: path.to_path_buf(), message };
        let file: File = if text.trim().is_empty() {
            File::default()
        } else {
            serde_saphyr::from_str(text).map_err(|e| WebConfigError::Syntax {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?
        };
        let base = path.parent().unwrap_or(Path::new("."));
        let users_declared = file.basic_auth_users.is_some();
        let users = file.basic_auth_users.unwrap_or_default();
        let mut cost = 0;
        for (user, hash) in &users {
            match bcrypt::HashParts::from_str(hash) {
                Ok(parts) => cost = cost.max(parts.get_cost()),
                Err(_) => {
                    return Err(invalid(format!(
                        "basic_auth_users.{user}: not a bcrypt hash (make one with: htpasswd -nBC 10 \"\" | tr -d ':\\n')"
                    )));
                }
            }
        }
        let dummy_hash = if users.is_empty() {
            None
        } else {
            bcrypt::hash("nag2prom: no such user", cost.clamp(4, 31)).ok()
        };
        let mut headers = Vec::new();
        if let Some(http) = file.http_server_config {
            let _ = http.http2; // HTTP/1.1 only; accepted for compatibility.
            for (name, value) in http.headers.unwrap_or_default() {
                let n = axum::http::HeaderName::from_str(&name).map_err(|_| {
                    invalid(format!("http_server_config.headers: bad name {name:?}"))
                })?;
                let v = axum::http::HeaderValue::from_str(&value).map_err(|_| {
                    invalid(format!("http_server_config.headers.{name}: bad value"))
                })?;
                headers.push((n, v));
            }
        }
        let mut watched = vec![path.to_path_buf()];
        let tls = match file.tls_server_config {
            None => None,
            Some(tls) => {
                for file in
                    [&tls.cert_file, &tls.key_file, &tls.client_ca_file].into_iter().flatten()
                {
                    watched.push(base.join(file));
                }
                Some(Arc::new(tls_config(&tls, base).map_err(invalid)?))
            }
        };
        Ok(WebConfig { tls, users, users_declared, dummy_hash, headers, watched })
    }
}

fn tls_config(tls: &TlsFile, base: &Path) -> Result<ServerConfig, String> {
    if tls.cipher_suites.is_some() || tls.curve_preferences.is_some() {
        return Err("tls_server_config: cipher_suites and curve_preferences are not supported \
                    (rustls uses its own safe defaults); remove them"
            .to_owned());
    }
    let _ = tls.prefer_server_cipher_suites;
    let (Some(cert), Some(key)) = (&tls.cert_file, &tls.key_file) else {
        return Err("tls_server_config needs cert_file and key_file".to_owned());
    };
    let cert = base.join(cert);
    let key = base.join(key);
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert)
        .map_err(|e| format!("tls_server_config.cert_file {}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("tls_server_config.cert_file {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "tls_server_config.cert_file {}: no certificate found",
            cert.display()
        ));
    }
    let private = PrivateKeyDer::from_pem_file(&key)
        .map_err(|e| format!("tls_server_config.key_file {}: {e}", key.display()))?;
    let version = |v: &Option<String>, default: &'static rustls::SupportedProtocolVersion| match v
        .as_deref()
    {
        None => Ok(default),
        Some("TLS12") => Ok(&rustls::version::TLS12),
        Some("TLS13") => Ok(&rustls::version::TLS13),
        Some(other) => {
            Err(format!("tls_server_config: unsupported TLS version {other:?} (TLS12 or TLS13)"))
        }
    };
    let min = version(&tls.min_version, &rustls::version::TLS12)?;
    let max = version(&tls.max_version, &rustls::version::TLS13)?;
    let versions: Vec<&'static rustls::SupportedProtocolVersion> =
        [&rustls::version::TLS12, &rustls::version::TLS13]
            .into_iter()
            .filter(|v| {
                let rank = |x: &rustls::SupportedProtocolVersion| {
                    if x.version == rustls::ProtocolVersion::TLSv1_2 { 0 } else { 1 }
                };
                rank(v) >= rank(min) && rank(v) <= rank(max)
            })
            .collect();
    if versions.is_empty() {
        return Err("tls_server_config: min_version is above max_version".to_owned());
    }
    let builder = ServerConfig::builder_with_protocol_versions(&versions);
    let auth = tls.client_auth_type.as_deref().unwrap_or("NoClientCert");
    let builder = match auth {
        "NoClientCert" => builder.with_no_client_auth(),
        "RequireAndVerifyClientCert" | "VerifyClientCertIfGiven" => {
            let Some(ca) = &tls.client_ca_file else {
                return Err(format!(
                    "tls_server_config: client_auth_type {auth} needs client_ca_file"
                ));
            };
            let ca = base.join(ca);
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_file_iter(&ca)
                .map_err(|e| format!("tls_server_config.client_ca_file {}: {e}", ca.display()))?
            {
                let c = c.map_err(|e| {
                    format!("tls_server_config.client_ca_file {}: {e}", ca.display())
                })?;
                roots.add(c).map_err(|e| {
                    format!("tls_server_config.client_ca_file {}: {e}", ca.display())
                })?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots));
            let verifier = if auth == "VerifyClientCertIfGiven" {
                verifier.allow_unauthenticated()
            } else {
                verifier
            };
            let verifier =
                verifier.build().map_err(|e| format!("tls_server_config.client_ca_file: {e}"))?;
            builder.with_client_cert_verifier(verifier)
        }
        other => {
            return Err(format!(
                "tls_server_config: unsupported client_auth_type {other:?} (NoClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)"
            ));
        }
    };
    let mut config = builder.with_single_cert(certs, private).map_err(|e| {
        format!("tls_server_config: certificate and key do not match or are unusable: {e}")
    })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Checks basic-auth credentials against the configured bcrypt hashes, remembering
/// credentials that were right (a cost-10 bcrypt takes ~70 ms; Prometheus scrapes every few
/// seconds with the same credentials).
#[derive(Debug, Default)]
pub struct AuthCache {
    ok: Mutex<HashMap<(String, String), String>>,
}

impl AuthCache {
    /// True when `user:password` was verified before against the hash `users` holds now
    /// (cheap: no bcrypt).
    pub fn known(&self, users: &BTreeMap<String, String>, user: &str, password: &str) -> bool {
        let Some(hash) = users.get(user) else { return false };
        let key = (user.to_owned(), password.to_owned());
        self.ok.lock().is_ok_and(|ok| ok.get(&key) == Some(hash))
    }

    /// Check `user:password` with bcrypt (slow: run it off the async runtime) and remember a
    /// success.
    ///
    /// An unknown user is checked against `dummy` (a hash at the same cost) and refused, so
    /// the answer takes as long as for a wrong password: user names cannot be guessed by
    /// timing.
    pub fn verify(
        &self,
        users: &BTreeMap<String, String>,
        dummy: Option<&str>,
        user: &str,
        password: &str,
    ) -> bool {
        let Some(hash) = users.get(user) else {
            if let Some(dummy) = dummy {
                let _ = bcrypt::verify(password, dummy);
            }
            return false;
        };
        let good = bcrypt::verify(password, hash).unwrap_or(false);
        if good && let Ok(mut ok) = self.ok.lock() {
            if ok.len() > 1024 {
                ok.clear();
            }
            ok.insert((user.to_owned(), password.to_owned()), hash.clone());
        }
        good
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nag2prom-webcfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn unknown_keys_and_bad_hashes_are_rejected() {
        let p = write("typo.yml", "basic_auth_user:\n  a: b\n");
        assert!(matches!(WebConfig::load(&p), Err(WebConfigError::Syntax { .. })));
        let p = write("hash.yml", "basic_auth_users:\n  a: notahash\n");
        let err = WebConfig::load(&p).unwrap_err().to_string();
        assert!(err.contains("not a bcrypt hash"), "{err}");
        let p = write(
            "tls.yml",
            "tls_server_config:\n  cert_file: /nonexistent.crt\n  key_file: /nonexistent.key\n",
        );
        let err = WebConfig::load(&p).unwrap_err().to_string();
        assert!(err.contains("cert_file"), "{err}");
        let p = write("empty.yml", "");
        assert!(WebConfig::load(&p).unwrap().users.is_empty());
    }

    #[test]
    fn auth_checks_bcrypt_and_caches() {
        let hash = bcrypt::hash("s3cret", 4).unwrap();
        let users = BTreeMap::from([("prom".to_owned(), hash)]);
        let cache = AuthCache::default();
        assert!(!cache.known(&users, "prom", "s3cret"));
        assert!(cache.verify(&users, None, "prom", "s3cret"));
        assert!(cache.known(&users, "prom", "s3cret"));
        assert!(
            !cache.known(&users, "prom", "wrong") && !cache.verify(&users, None, "prom", "wrong")
        );
        assert!(!cache.known(&users, "other", "s3cret"));
        assert!(!cache.verify(&users, None, "other", "s3cret"));
        // A changed hash for the user invalidates the remembered success.
        let other = BTreeMap::from([("prom".to_owned(), bcrypt::hash("new", 4).unwrap())]);
        assert!(!cache.known(&other, "prom", "s3cret"));
    }

    /// Issue #12, defect 1: a reload never turns authentication off by accident.
    #[test]
    fn reload_fails_closed() {
        let hash = bcrypt::hash("s3cret", 4).unwrap();
        let with_users = format!("basic_auth_users:\n  prom: '{hash}'\n");
        let p = write("reload.yml", &with_users);
        let before = WebConfig::load(&p).unwrap();
        assert_eq!(before.users.len(), 1);
        assert!(before.dummy_hash.is_some());
        for (text, expect) in [
            ("", "empty"),
            ("   \n", "empty"),
            ("http_server_config:\n  headers:\n    X-A: b\n", "basic_auth_users is missing"),
            ("basic_auth_users:\n  prom: '$2y$04$short", ""),
        ] {
            std::fs::write(&p, text).unwrap();
            let err = WebConfig::reload(&p, &before).unwrap_err().to_string();
            assert!(err.contains(expect), "{text:?}: {err}");
            assert!(!err.contains(&hash), "a hash in an error: {err}");
        }
        std::fs::remove_file(&p).unwrap();
        assert!(matches!(WebConfig::reload(&p, &before), Err(WebConfigError::Read { .. })));
        // On purpose: a file that parses and says so.
        std::fs::write(&p, "basic_auth_users: {}\n").unwrap();
        let off = WebConfig::reload(&p, &before).unwrap();
        assert!(off.users.is_empty() && off.users_declared);
        // Adding users back, and a start with an empty file, are fine.
        std::fs::write(&p, &with_users).unwrap();
        assert_eq!(WebConfig::reload(&p, &off).unwrap().users.len(), 1);
        assert!(!format!("{before:?}").contains(&hash), "Debug prints no hash");
    }
}
