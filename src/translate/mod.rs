//! Translation of a resolved Nagios model into Prometheus material (issue 6), before any
//! text is rendered:
//!
//! 1. each distinct `check_command` is read once ([`argv`]) and handed to its plugin module
//!    ([`plugins`]), giving a [`plugins::Native`] translation or the reason there is none;
//! 2. each service gets its [`service_level::Level`] (`for:`, severities, routing labels);
//! 3. services are **grouped** by (translation, service description, level): one group is one
//!    pair of rules, however many hosts it covers; hosts join a group through the
//!    `nagios_checks` label of their scrape targets;
//! 4. everything without a faithful translation is grouped by level into [`bridged`] rules on
//!    the bridge's `nagios_service_hard_state`.
//!
//! No I/O and no text formats here: [`crate::emit`] renders the result.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use nag2prom_parsers::command::split_check_command;
use nag2prom_parsers::object::ObjectType;

use crate::model::{Model, Object, locate};
use crate::source::Installation;

pub mod argv;
pub mod bridged;
pub mod plugins;
pub mod service_level;

pub use plugins::{Native, PluginsVersion, Probe};
pub use service_level::Level;

/// Settings of a conversion.
#[derive(Debug, Clone)]
pub struct Options {
    /// Plugin release whose behaviour is copied.
    pub version: PluginsVersion,
    /// `(custom variable, label)` pairs, e.g. `("_SITE", "site")`.
    pub custom_labels: Vec<(String, String)>,
    /// Scrape and evaluation interval, seconds.
    pub scrape_interval: u32,
    /// Translate local plugins (check_load, check_disk, …) on non-loopback hosts as if they
    /// ran there.
    pub assume_remote: bool,
    /// NRPE commands (`command[name]=line`) from `--nrpe-config`.
    pub nrpe: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            version: PluginsVersion::default(),
            custom_labels: Vec::new(),
            scrape_interval: 60,
            assume_remote: false,
            nrpe: Vec::new(),
        }
    }
}

/// One group of services sharing a native translation, description and level.
#[derive(Debug)]
pub struct NativeGroup {
    /// Stable id (`check_load_1a2b3c4d`), the value hosts carry in `nagios_checks`.
    pub id: String,
    /// Index into [`Translation::natives`].
    pub native: usize,
    /// `service_description`.
    pub description: String,
    /// The level.
    pub level: Level,
    /// Hosts (names) in the group, sorted.
    pub hosts: BTreeSet<String>,
    /// Definitions the services come from (`file:line`), sorted.
    pub sources: BTreeSet<String>,
    /// Templates the services use, sorted.
    pub templates: BTreeSet<String>,
}

/// What became of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A native rule: the group id.
    Native(String),
    /// A bridged rule: the bridged level id, and why it is not native.
    Bridged(String, String),
}

/// The report line of one service.
#[derive(Debug, Clone)]
pub struct ServiceRow {
    /// Host name.
    pub host: String,
    /// Service description.
    pub description: String,
    /// The check command's name (never its arguments: they may hold passwords).
    pub command: String,
    /// The plugin file name, when the command line could be read.
    pub plugin: Option<String>,
    /// The call as understood (secret-free), for native services.
    pub canonical: Option<String>,
    /// What it became.
    pub outcome: Outcome,
    /// Definition `file:line`.
    pub source: String,
    /// Caveats.
    pub notes: Vec<String>,
}

/// A scrape target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// The address to scrape or probe.
    pub address: String,
    /// Host name.
    pub host: String,
    /// Blackbox module, when a probe.
    pub module: Option<String>,
    /// Group ids (sorted).
    pub checks: BTreeSet<String>,
}

/// A host's labels on its targets.
#[derive(Debug, Clone, Default)]
pub struct HostLabels {
    /// `,a,b,` hostgroups.
    pub hostgroups: String,
    /// Custom variable labels.
    pub labels: Vec<(String, String)>,
    /// Its address.
    pub address: String,
}

/// Everything a conversion produces, before rendering.
#[derive(Debug, Default)]
pub struct Translation {
    /// Distinct native translations.
    pub natives: Vec<Native>,
    /// Native groups, sorted by id.
    pub groups: Vec<NativeGroup>,
    /// Bridged service levels.
    pub bridged: Vec<bridged::BridgedLevel>,
    /// Bridged host levels.
    pub host_levels: Vec<bridged::HostLevel>,
    /// Per service, in model order (host, description).
    pub services: Vec<ServiceRow>,
    /// Targets per job (`node`, `blackbox`, `mysqld`, `postgres`).
    pub targets: BTreeMap<&'static str, Vec<Target>>,
    /// Host labels by host name.
    pub hosts: BTreeMap<String, HostLabels>,
    /// Blackbox modules used: name → YAML body.
    pub modules: BTreeMap<String, String>,
    /// Scrape interval, seconds.
    pub scrape_interval: u32,
}

/// A command read once: (native index, plugin) or (plugin if known, reason).
type Translated = Result<(usize, String), (Option<String>, String)>;

/// FNV-1a 64: a stable, dependency-free content hash for group ids.
pub fn fnv64(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// True for addresses on the Nagios server itself.
pub fn is_loopback(address: &str) -> bool {
    address == "localhost"
        || address == "::1"
        || address.parse::<std::net::Ipv4Addr>().is_ok_and(|a| a.is_loopback())
}

/// Translate every service (and host) of `model`.
pub fn translate(inst: &Installation, model: &Model, options: &Options) -> Translation {
    let interval_length = interval_length(inst);
    let commands: HashMap<&str, &str> = model
        .of(ObjectType::Command)
        .filter_map(|c| Some((c.text("command_name")?, c.text("command_line").unwrap_or(""))))
        .collect();
    let hosts: HashMap<&str, &Object> =
        model.of(ObjectType::Host).filter_map(|h| Some((h.text("host_name")?, h))).collect();

    let mut out =
        Translation { scrape_interval: options.scrape_interval, ..Translation::default() };
    for (name, host) in &hosts {
        let mut groups: Vec<&str> = host.list("hostgroups").iter().map(|g| &**g).collect();
        groups.sort_unstable();
        let mut labels = Vec::new();
        for (var, label) in &options.custom_labels {
            if let Some(crate::model::Value::Text(v)) = host.get(var) {
                labels.push((label.clone(), v.to_string()));
            }
        }
        let address =
            host.text("address").filter(|a| !a.is_empty() && !a.contains('$')).unwrap_or(name);
        out.hosts.insert(
            (*name).to_owned(),
            HostLabels {
                hostgroups: if groups.is_empty() {
                    String::new()
                } else {
                    format!(",{},", groups.join(","))
                },
                labels,
                address: address.to_owned(),
            },
        );
    }

    // (check_command, local) → native index or reason; translated once.
    let mut cache: HashMap<(&str, bool), Translated> = HashMap::new();
    let mut group_index: HashMap<(usize, String, Level), usize> = HashMap::new();
    let mut groups: Vec<NativeGroup> = Vec::new();
    let mut bridged = bridged::Collector::default();
    // (job, host, probe) → (address, host, module, group indices)
    type Slot = (String, String, Option<String>, BTreeSet<usize>);
    let mut targets: BTreeMap<(&'static str, String, Option<String>), Slot> = BTreeMap::new();
    let mut pending: Vec<Option<usize>> = Vec::new();
    let base_ctx = plugins::Context {
        version: options.version,
        local: false,
        assume_remote: options.assume_remote,
        nrpe: options.nrpe.clone(),
        scrape_interval: options.scrape_interval,
    };

    for service in model.of(ObjectType::Service) {
        let host_name = service.text("host_name").unwrap_or("");
        let description = service.text("service_description").unwrap_or("");
        let check_command = service.text("check_command").unwrap_or("");
        let source = locate(&inst.db, service.file, service.span);
        let level = service_level::level(service, false, interval_length, &options.custom_labels);
        let host = hosts.get(host_name);
        let address = out.hosts.get(host_name).map(|h| h.address.clone()).unwrap_or_default();
        let local = is_loopback(&address);
        let split = split_check_command(check_command);
        bridged.seen(description);
        let command_name = split.name.to_owned();

        let result = if number_is(service, "active_checks_enabled", 0.0) {
            Err((None, "active checks are disabled: the state comes from passive results, which only the bridge sees".to_owned()))
        } else if host.is_none() {
            Err((None, "the service's host is not registered".to_owned()))
        } else {
            cache
                .entry((check_command, local))
                .or_insert_with(|| {
                    let Some(line) = commands.get(split.name) else {
                        return Err((None, format!("command `{}` is not defined", split.name)));
                    };
                    let call = argv::call(line, &split.args).map_err(|e| (None, e.to_string()))?;
                    let plugin = call.plugin.clone();
                    let Some(f) = plugins::lookup(&plugin) else {
                        return Err((
                            Some(plugin.clone()),
                            format!("plugin `{plugin}` is not in the catalogue"),
                        ));
                    };
                    let ctx = plugins::Context { local, ..base_ctx.clone() };
                    match f(&call, &ctx) {
                        Ok(native) => {
                            out.natives.push(native);
                            Ok((out.natives.len() - 1, plugin))
                        }
                        Err(reason) => Err((Some(plugin), reason)),
                    }
                })
                .clone()
        };

        match result {
            Ok((native_index, plugin)) => {
                let key = (native_index, description.to_owned(), level.clone());
                let index = *group_index.entry(key).or_insert_with(|| {
                    groups.push(NativeGroup {
                        id: String::new(),
                        native: native_index,
                        description: description.to_owned(),
                        level: level.clone(),
                        hosts: BTreeSet::new(),
                        sources: BTreeSet::new(),
                        templates: BTreeSet::new(),
                    });
                    groups.len() - 1
                });
                let group = &mut groups[index];
                group.hosts.insert(host_name.to_owned());
                group.sources.insert(source.clone());
                if group.templates.is_empty() {
                    group.templates = templates(model, service);
                }
                let native = &out.natives[native_index];
                let (module, target) = match &native.probe {
                    Probe::Node => (None, target_address(&address, 9100)),
                    Probe::Mysqld => (None, target_address(&address, 9104)),
                    Probe::Postgres => (None, target_address(&address, 9187)),
                    Probe::Blackbox { module, module_yaml, target } => {
                        out.modules.entry(module.clone()).or_insert_with(|| module_yaml.clone());
                        let target = target
                            .replace("$HOSTADDRESS$", &address)
                            .replace("$HOSTNAME$", host_name);
                        (Some(module.clone()), target)
                    }
                };
                let job = native.probe.job();
                targets
                    .entry((
                        job,
                        host_name.to_owned(),
                        module.clone().map(|m| format!("{m} {target}")),
                    ))
                    .or_insert_with(|| (target, host_name.to_owned(), module, BTreeSet::new()))
                    .3
                    .insert(index);
                pending.push(Some(index));
                out.services.push(ServiceRow {
                    host: host_name.to_owned(),
                    description: description.to_owned(),
                    command: command_name,
                    plugin: Some(plugin),
                    canonical: Some(native.canonical.clone()),
                    outcome: Outcome::Native(String::new()),
                    source,
                    notes: native.notes.clone(),
                });
            }
            Err((plugin, reason)) => {
                let id = bridged.add(host_name, description, &level);
                pending.push(None);
                out.services.push(ServiceRow {
                    host: host_name.to_owned(),
                    description: description.to_owned(),
                    command: command_name,
                    plugin,
                    canonical: None,
                    outcome: Outcome::Bridged(id, reason),
                    source,
                    notes: Vec::new(),
                });
            }
        }
    }

    // Stable ids from content; a (rare) short-hash clash gets a numbered suffix.
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    let keys: Vec<String> = groups
        .iter()
        .map(|g| format!("{}|{}|{:?}", out.natives[g.native].canonical, g.description, g.level))
        .collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    for i in order {
        let base =
            format!("{}_{:08x}", out.natives[groups[i].native].plugin, fnv64(&keys[i]) as u32);
        let n = taken.entry(base.clone()).or_insert(0);
        *n += 1;
        groups[i].id = if *n == 1 { base } else { format!("{base}_{n}") };
    }
    for (row, index) in out.services.iter_mut().zip(&pending) {
        if let (Outcome::Native(id), Some(i)) = (&mut row.outcome, index) {
            id.clone_from(&groups[*i].id);
        }
    }
    // Every host gets a node target, so node metrics exist for all of them.
    for (name, labels) in &out.hosts {
        targets.entry(("node", name.clone(), None)).or_insert_with(|| {
            (target_address(&labels.address, 9100), name.clone(), None, BTreeSet::new())
        });
    }
    for ((job, _, _), (address, host, module, indices)) in targets {
        let checks = indices.iter().map(|&i| groups[i].id.clone()).collect();
        out.targets.entry(job).or_default().push(Target { address, host, module, checks });
    }
    groups.sort_by(|a, b| a.id.cmp(&b.id));
    out.groups = groups;
    let host_objects: Vec<&Object> = model.of(ObjectType::Host).collect();
    let (bridged_levels, host_levels) =
        bridged.finish(model, &host_objects, interval_length, &options.custom_labels);
    out.bridged = bridged_levels;
    out.host_levels = host_levels;
    out
}

fn number_is(object: &Object, name: &str, value: f64) -> bool {
    service_level::number(object, name) == Some(value)
}

/// `address:port`, with brackets for IPv6.
fn target_address(address: &str, port: u16) -> String {
    if address.contains(':') { format!("[{address}]:{port}") } else { format!("{address}:{port}") }
}

/// The templates a service's fields came from.
fn templates(model: &Model, object: &Object) -> BTreeSet<String> {
    object.fields.iter().filter_map(|f| model.origin(f)?.template.map(|t| t.to_string())).collect()
}

/// `interval_length` from nagios.cfg (60 when absent).
pub fn interval_length(inst: &Installation) -> f64 {
    inst.main
        .and_then(|id| inst.db.file(id))
        .map(|f| nag2prom_parsers::main_cfg::parse_main_cfg(&f.bytes).interval_length())
        .filter(|v| *v > 0)
        .unwrap_or(60) as f64
}
