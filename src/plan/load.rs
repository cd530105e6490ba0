//! Reading a [`Plan`] from the files of a conversion or from any rule files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::rules::{self, Rule, RuleFile};

/// One rule and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRule {
    /// The file, relative to the side's root.
    pub file: String,
    /// The rule group's name.
    pub group: String,
    /// The rule.
    pub rule: Rule,
}

/// One scrape target of a file_sd file (`targets/JOB.json`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlanTarget {
    /// The scrape job (the file's stem).
    pub job: String,
    /// The address.
    pub address: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
}

/// A Nagios service and the rule group (native) or level (bridged) that stands for it, from
/// `report.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Service {
    /// Host name.
    #[serde(rename = "host_name")]
    pub host: String,
    /// Service description.
    #[serde(rename = "service_description")]
    pub service: String,
    /// `native` or `bridged`.
    pub outcome: String,
    /// The native group id (`nagios_check`) or bridged level id (`nagios_level`).
    pub rule_group: String,
    /// `file:line` of the service definition.
    #[serde(default)]
    pub source: String,
}

/// What a conversion produced (or what a rule directory holds), as data. In a conversion's
/// plan the native groups' membership records (`nagios:check:member`) are not rules: the
/// services say who is in each group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Every rule, in file and group order.
    pub rules: Vec<PlanRule>,
    /// Scrape targets, sorted.
    pub targets: Vec<PlanTarget>,
    /// Probe modules by name: blackbox's (`blackbox.yml`) and snmp_exporter's
    /// (`snmp.yml.tmpl`; their names never clash: `nagios_snmp_…`).
    pub modules: BTreeMap<String, serde_json::Value>,
    /// Scrape jobs by `job_name` (`prometheus.yml`).
    pub jobs: BTreeMap<String, serde_json::Value>,
    /// The Nagios services behind the rules (`report.json`; empty for plain rule files).
    pub services: Vec<Service>,
    /// `alertmanager.yml` as items ([`super::routing::items`]; empty without one).
    pub routing: BTreeMap<String, serde_json::Value>,
    /// The side is a nag2prom output (it has a manifest or was rendered in memory).
    pub generated: bool,
}

/// Why a plan could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A rule file is invalid.
    #[error("{path}: {source}")]
    Rules {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: rules::RuleFileError,
    },
    /// Another file of a conversion is invalid.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// Nothing to compare.
    #[error("{path}: no rule files (*.yml, *.yaml) found")]
    Empty {
        /// The directory.
        path: String,
    },
}

/// The membership record of native groups, carried by [`Plan::services`] instead.
const CHECK_MEMBER_RECORD: &str = "nagios:check:member";

/// The file a conversion's manifest is kept in.
const MANIFEST: &str = crate::out_dir::MANIFEST;

#[derive(Deserialize)]
struct FileSdGroup {
    #[serde(default)]
    targets: Vec<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Report {
    #[serde(default)]
    services: Vec<Service>,
}

#[derive(Deserialize)]
struct Blackbox {
    #[serde(default)]
    modules: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Prometheus {
    #[serde(default)]
    scrape_configs: Vec<serde_json::Value>,
}

fn text<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str, PlanError> {
    std::str::from_utf8(bytes)
        .map_err(|_| PlanError::Invalid { path: path.to_owned(), message: "not UTF-8".to_owned() })
}

/// `PlanError::Invalid` for `path`, with the error's text.
fn invalid<E: std::fmt::Display>(path: &str) -> impl FnOnce(E) -> PlanError + '_ {
    move |e| PlanError::Invalid { path: path.to_owned(), message: e.to_string() }
}

fn is_yaml(path: &str) -> bool {
    path.ends_with(".yml") || path.ends_with(".yaml")
}

impl Plan {
    /// The plan of a conversion's files, `(path relative to the output directory, bytes)`, as
    /// `emit::render` returns them or as read back from disk. Rule files are those under
    /// `rules/`; `tests/` (promtool unit tests) are not rules.
    pub fn from_output<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<Plan, PlanError> {
        let mut plan = Plan { generated: true, ..Plan::default() };
        for (path, bytes) in files {
            if path.starts_with("rules/") && is_yaml(path) {
                plan.add_rules(path, text(path, bytes)?)?;
            } else if let Some(job) =
                path.strip_prefix("targets/").and_then(|p| p.strip_suffix(".json"))
            {
                let groups: Vec<FileSdGroup> =
                    serde_json::from_slice(bytes).map_err(invalid(path))?;
                for g in groups {
                    for address in g.targets {
                        plan.targets.push(PlanTarget {
                            job: job.to_owned(),
                            address,
                            labels: g.labels.clone(),
                        });
                    }
                }
            } else if path == "report.json" {
                let report: Report = serde_json::from_slice(bytes).map_err(invalid(path))?;
                plan.services = report.services;
            } else if path == "alertmanager.yml" {
                let config: serde_json::Value =
                    serde_saphyr::from_str(text(path, bytes)?).map_err(invalid(path))?;
                plan.routing = super::routing::items(&config);
            } else if path == "blackbox.yml" {
                let b: Blackbox =
                    serde_saphyr::from_str(text(path, bytes)?).map_err(invalid(path))?;
                plan.modules = b.modules;
            } else if path == crate::emit::prometheus::SNMP_TEMPLATE {
                let modules: BTreeMap<String, serde_json::Value> =
                    serde_saphyr::from_str(text(path, bytes)?).map_err(invalid(path))?;
                plan.modules.extend(modules);
            } else if path == "prometheus.yml" {
                let p: Prometheus =
                    serde_saphyr::from_str(text(path, bytes)?).map_err(invalid(path))?;
                for job in p.scrape_configs {
                    let name = job.get("job_name").and_then(|n| n.as_str()).unwrap_or("");
                    plan.jobs.insert(name.to_owned(), job);
                }
            }
        }
        plan.targets.sort();
        Ok(plan)
    }

    /// The plan of rule files written by anyone: every `*.yml`/`*.yaml` file is a rule file.
    pub fn from_rule_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<Plan, PlanError> {
        let mut plan = Plan::default();
        for (path, bytes) in files {
            if is_yaml(path) {
                plan.add_rules(path, text(path, bytes)?)?;
            }
        }
        Ok(plan)
    }

    fn add_rules(&mut self, path: &str, text: &str) -> Result<(), PlanError> {
        let file = rules::parse(text)
            .map_err(|source| PlanError::Rules { path: path.to_owned(), source })?;
        self.push_file(path, file);
        Ok(())
    }

    /// Add the rules of one rule file, `path` relative to the side's root.
    pub fn push_file(&mut self, path: &str, file: RuleFile) {
        for g in file.groups {
            for rule in g.rules {
                // A conversion's services (report.json) say who is in each native group.
                if self.generated && rule.record.as_deref() == Some(CHECK_MEMBER_RECORD) {
                    continue;
                }
                self.rules.push(PlanRule { file: path.to_owned(), group: g.name.clone(), rule });
            }
        }
    }

    /// Read a plan from disk: a `convert` output directory (it holds the manifest: only the
    /// files it lists are read), any directory of rule files (read recursively), or one rule
    /// file.
    pub fn read(path: &Path) -> Result<Plan, PlanError> {
        let io = |p: &Path, source| PlanError::Io { path: p.display().to_string(), source };
        let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
        if !meta.is_dir() {
            let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
            let name = path.display().to_string();
            let mut plan = Plan::default();
            plan.add_rules(&name, text(&name, &bytes)?)?;
            return Ok(plan);
        }
        let manifest = path.join(MANIFEST);
        let files: Vec<(String, PathBuf)> = if manifest.exists() {
            let bytes = std::fs::read(&manifest).map_err(|e| io(&manifest, e))?;
            let m: crate::out_dir::Manifest = serde_json::from_slice(&bytes).map_err(|e| {
                PlanError::Invalid { path: manifest.display().to_string(), message: e.to_string() }
            })?;
            let mut files = Vec::with_capacity(m.files.len());
            for f in m.files {
                // A manifest names files inside its directory, nothing else.
                let rel = Path::new(&f);
                if rel.is_absolute()
                    || rel.components().any(|c| !matches!(c, std::path::Component::Normal(_)))
                {
                    return Err(PlanError::Invalid {
                        path: manifest.display().to_string(),
                        message: format!("`{f}` is not a path inside the output directory"),
                    });
                }
                files.push((f.clone(), path.join(rel)));
            }
            files
        } else {
            let mut found = Vec::new();
            walk(path, path, &mut found).map_err(|e| io(path, e))?;
            found.sort();
            found
        };
        let mut loaded = Vec::with_capacity(files.len());
        for (rel, full) in files {
            let bytes = std::fs::read(&full).map_err(|e| io(&full, e))?;
            loaded.push((rel, bytes));
        }
        let iter = loaded.iter().map(|(p, b)| (p.as_str(), b.as_slice()));
        if manifest.exists() {
            Plan::from_output(iter)
        } else {
            let plan = Plan::from_rule_files(iter)?;
            if plan.rules.is_empty() && !loaded.iter().any(|(p, _)| is_yaml(p)) {
                return Err(PlanError::Empty { path: path.display().to_string() });
            }
            Ok(plan)
        }
    }

    /// Make the `file:line` references (services' sources, rules' `nagios_source`) relative to
    /// `dir`, the side's configuration directory, so two sides read from different places
    /// (a git ref extracted to a temporary directory) cite the same files alike.
    pub fn relative_to(&mut self, dir: &Path) {
        let prefix = format!("{}/", dir.display());
        let strip = |s: &mut String| {
            if let Some(rest) = s.strip_prefix(&prefix) {
                *s = rest.to_owned();
            }
        };
        for s in &mut self.services {
            strip(&mut s.source);
        }
        for r in &mut self.rules {
            if let Some(src) = r.rule.annotations.get_mut("nagios_source") {
                strip(src);
            }
        }
    }

    /// The hosts of each native rule group (`nagios_check` id) and bridged level
    /// (`nagios_level` id), from the services.
    pub fn hosts_by_group(&self) -> BTreeMap<&str, Vec<&Service>> {
        let mut by: BTreeMap<&str, Vec<&Service>> = BTreeMap::new();
        for s in &self.services {
            by.entry(s.rule_group.as_str()).or_default().push(s);
        }
        by
    }
}

/// Rule files under `dir`, recursively, skipping hidden entries; symlinks are not followed.
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            walk(root, &path, out)?;
        } else if kind.is_file() {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
            if is_yaml(&rel) {
                out.push((rel, path));
            }
        }
    }
    Ok(())
}
