//! What the bridge takes from the Nagios configuration: where `status.dat` is, the identity
//! label enrichment (from the object model, opt-in) and which files to watch for changes.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::exposition::{EnrichOptions, Enrichment};
use crate::model::Model;
use crate::source::{FileRole, Installation, LoadError};

/// Where the status file is when nagios.cfg does not say (Nagios' compiled-in default on
/// Debian).
pub const DEFAULT_STATUS_FILE: &str = "/var/lib/nagios4/status.dat";

/// The configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// nagios.cfg itself could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Neither `--config` nor `--status-file`.
    #[error("give --config NAGIOS_CFG (status_file is taken from it) or --status-file PATH")]
    NothingToRead,
    /// Label enrichment needs the object files.
    #[error("--enrich.* options need --config NAGIOS_CFG (they read the object definitions)")]
    EnrichWithoutConfig,
    /// `--ola.members` could not be read.
    #[error("--ola.members {path}: {message}")]
    OlaMembers {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// `--ola.downtimes` could not be read.
    #[error("--ola.downtimes {path}: {message}")]
    OlaDowntimes {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// `--ola.downtimes` without `--ola.members`.
    #[error("--ola.downtimes needs --ola.members (the downtimes apply to OLA group members)")]
    DowntimesWithoutMembers,
}

/// The members of `--ola.members FILE` (convert's `ola-members.json`).
fn ola_members(path: &Path) -> Result<Vec<crate::translate::ola::Member>, ConfigError> {
    let failed =
        |message: String| ConfigError::OlaMembers { path: path.display().to_string(), message };
    let bytes = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
    let file: crate::translate::ola::MembersFile =
        serde_json::from_slice(&bytes).map_err(|e| failed(e.to_string()))?;
    Ok(file.members)
}

/// The scheduled outages of `--ola.downtimes FILE` (a GOCDB `get_downtime` export).
fn ola_downtimes(path: &Path) -> Result<Vec<crate::gocdb::Downtime>, ConfigError> {
    let failed =
        |message: String| ConfigError::OlaDowntimes { path: path.display().to_string(), message };
    let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
    crate::gocdb::parse_downtimes(&text).map_err(|e| failed(e.to_string()))
}

/// The Nagios side of the bridge, as loaded from nagios.cfg.
#[derive(Debug, Default)]
pub struct NagiosConfig {
    /// The status file to read.
    pub status_file: PathBuf,
    /// Extra identity labels (empty unless asked for).
    pub enrichment: Enrichment,
    /// nagios.cfg and every object file read, with their modification times, to detect
    /// changes.
    pub watched: Vec<(PathBuf, Option<SystemTime>)>,
    /// Configuration errors found while reading (see `nag2prom check` for the details).
    pub errors: usize,
    /// The configured hosts and services ([`crate::serve::refresh::object_id`]), when
    /// nagios.cfg was read: a status.dat that loses some of them is suspect.
    pub expected: Option<crate::serve::refresh::ObjectSet>,
}

/// The modification time of `path`, `None` when it cannot be read.
pub fn mtime(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Read nagios.cfg (when given) and, for enrichment or `configured_objects`, the object
/// model (then [`NagiosConfig::expected`] is set).
///
/// `status_file` overrides nagios.cfg's `status_file`. A relative `status_file` in nagios.cfg
/// is taken relative to nagios.cfg's directory, like `cfg_file`.
pub fn load(
    config: Option<&Path>,
    status_file: Option<&Path>,
    enrich: &EnrichOptions,
    configured_objects: bool,
) -> Result<NagiosConfig, ConfigError> {
    if enrich.ola_downtimes.is_some() && enrich.ola_members.is_none() {
        return Err(ConfigError::DowntimesWithoutMembers);
    }
    let members = enrich.ola_members.as_deref().map(ola_members).transpose()?;
    let downtimes = enrich.ola_downtimes.as_deref().map(ola_downtimes).transpose()?;
    let watch_members = |watched: &mut Vec<(PathBuf, Option<SystemTime>)>| {
        for path in [&enrich.ola_members, &enrich.ola_downtimes].into_iter().flatten() {
            watched.push((path.clone(), mtime(path)));
        }
    };
    let set_ola = |enrichment: &mut Enrichment| {
        enrichment.set_ola_members(members.clone().unwrap_or_default());
        enrichment.set_ola_downtimes(downtimes.clone().unwrap_or_default());
    };
    let Some(config) = config else {
        if enrich.needs_objects() {
            return Err(ConfigError::EnrichWithoutConfig);
        }
        let status_file = status_file.ok_or(ConfigError::NothingToRead)?;
        let mut enrichment = Enrichment::default();
        set_ola(&mut enrichment);
        let mut watched = Vec::new();
        watch_members(&mut watched);
        return Ok(NagiosConfig {
            status_file: status_file.to_path_buf(),
            enrichment,
            watched,
            ..Default::default()
        });
    };
    let inst = Installation::load(config)?;
    let from_cfg = inst.settings.status_file.as_deref().map(|s| s.trim().to_owned());
    let base = config.parent().unwrap_or(Path::new("."));
    let status_file = match (status_file, from_cfg) {
        (Some(path), _) => path.to_path_buf(),
        (None, Some(path)) if !path.is_empty() => base.join(path),
        _ => PathBuf::from(DEFAULT_STATUS_FILE),
    };
    // The files, and their directories (a file added to a cfg_dir changes its mtime).
    let mut paths: Vec<PathBuf> = Vec::new();
    for (_, f) in inst.db.iter() {
        if matches!(f.role, FileRole::Main | FileRole::Objects) {
            paths.push(f.path.clone());
            if let Some(dir) = f.path.parent() {
                paths.push(dir.to_path_buf());
            }
        }
    }
    paths.sort();
    paths.dedup();
    let mut watched: Vec<(PathBuf, Option<SystemTime>)> =
        paths.into_iter().map(|p| (p.clone(), mtime(&p))).collect();
    watch_members(&mut watched);
    let is_error = |d: &&crate::diag::Diagnostic| d.severity == nag2prom_parsers::Severity::Error;
    let mut errors = inst.diagnostics.iter().filter(is_error).count();
    if !enrich.needs_objects() && !configured_objects {
        let mut enrichment = Enrichment::default();
        set_ola(&mut enrichment);
        return Ok(NagiosConfig { status_file, watched, errors, enrichment, expected: None });
    }
    let (model, diagnostics) = Model::build(&inst);
    errors += diagnostics.iter().filter(is_error).count();
    let mut enrichment = if enrich.needs_objects() {
        Enrichment::from_model(&model, enrich)
    } else {
        Enrichment::default()
    };
    set_ola(&mut enrichment);
    let expected = configured_objects.then(|| objects_of(&model));
    Ok(NagiosConfig { status_file, enrichment, watched, errors, expected })
}

/// The identities of the hosts and services `model` defines.
fn objects_of(model: &Model) -> crate::serve::refresh::ObjectSet {
    use crate::serve::refresh::object_id;
    use nag2prom_parsers::object::ObjectType;
    let mut out = crate::serve::refresh::ObjectSet::default();
    for host in model.of(ObjectType::Host) {
        if let Some(name) = host.text("host_name") {
            out.insert(object_id(name.as_bytes(), None));
        }
    }
    for service in model.of(ObjectType::Service) {
        if let (Some(host), Some(desc)) =
            (service.text("host_name"), service.text("service_description"))
        {
            out.insert(object_id(host.as_bytes(), Some(desc.as_bytes())));
        }
    }
    out
}

/// True when a watched file changed, appeared or disappeared since `watched` was taken.
pub fn changed(watched: &[(PathBuf, Option<SystemTime>)]) -> bool {
    watched.iter().any(|(path, before)| mtime(path) != *before)
}
