//! Translation of a resolved Nagios model into Prometheus material (issue 6), before any
//! text is rendered:
//!
//! 1. each distinct `check_command` is read once ([`argv`]) and handed to its plugin module
//!    ([`plugins`]), giving a [`plugins::Native`] translation or the reason there is none;
//! 2. each service gets its [`service_level::Level`] (`for:`, severities, routing labels);
//! 3. services are **grouped** by (translation, service description, level): one group is one
//!    pair of rules, however many hosts it covers; the group's hosts are listed once, in a
//!    membership recording rule (`nagios:check:member`), so scrape targets carry no per-check
//!    label and a threshold change never renames a series or an untouched alert;
//! 4. everything without a faithful translation is grouped by level into [`bridged`] rules on
//!    the bridge's `nagios_service_hard_state`.
//!
//! No I/O and no text formats here: [`crate::emit`] renders the result.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use nag2prom_parsers::command::split_check_command;
use nag2prom_parsers::object::ObjectType;

use nag2prom_parsers::span::Span;

use crate::model::{Model, Object, Value, locate};
use crate::source::{FileId, Installation};

pub mod argv;
pub mod blackbox;
pub mod bridged;
pub mod exporters;
pub mod mib;
mod mib_names;
pub mod ola;
pub mod plugins;
pub mod promql;
pub mod refusal;
pub mod service_level;
pub mod snmp;
pub mod windows;

pub use plugins::{Native, PluginsVersion, Probe};
pub use refusal::{Code, Refusal};
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
    /// Ports the exporters on the hosts listen on.
    pub ports: Ports,
    /// `--nagios-server-address`: the addresses of the Nagios server itself. Hosts with one of
    /// them are where plugins that measure their own machine measured; empty: the loopback
    /// addresses (`127.0.0.0/8`, `::1`, `localhost`).
    pub nagios_server: Vec<String>,
    /// `--secrets-dir`: where blackbox_exporter reads the passwords of HTTP checks from.
    pub secrets_dir: String,
}

/// Ports of the exporters convert writes targets for (each an option of `convert`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    /// node_exporter (9100).
    pub node: u16,
    /// mysqld_exporter (9104).
    pub mysqld: u16,
    /// postgres_exporter (9187).
    pub postgres: u16,
    /// windows_exporter (9182).
    pub windows: u16,
    /// process-exporter (9256).
    pub process: u16,
    /// blackbox_exporter on the hosts that probe from themselves (9115).
    pub blackbox_on_host: u16,
}

impl Ports {
    /// The port of the exporter of `job` on each host ([`exporters::Reach::OnHost`]).
    pub fn of(&self, job: &str) -> Option<u16> {
        match job {
            "node" => Some(self.node),
            "mysqld" => Some(self.mysqld),
            "postgres" => Some(self.postgres),
            "windows" => Some(self.windows),
            "process" => Some(self.process),
            "blackbox_on_host" => Some(self.blackbox_on_host),
            _ => None,
        }
    }
}

impl Default for Ports {
    fn default() -> Self {
        Ports {
            node: 9100,
            mysqld: 9104,
            postgres: 9187,
            windows: 9182,
            process: 9256,
            blackbox_on_host: 9115,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            version: PluginsVersion::default(),
            custom_labels: Vec::new(),
            scrape_interval: 60,
            assume_remote: false,
            nrpe: Vec::new(),
            ports: Ports::default(),
            nagios_server: Vec::new(),
            secrets_dir: plugins::DEFAULT_SECRETS_DIR.to_owned(),
        }
    }
}

/// One group of services sharing a native translation, description and level.
#[derive(Debug)]
pub struct NativeGroup {
    /// Stable id (`check_load_1a2b3c4d`), the `nagios_check` label of its membership record.
    pub id: String,
    /// Index into [`Translation::natives`].
    pub native: usize,
    /// `service_description`.
    pub description: String,
    /// The level.
    pub level: Level,
    /// Number of services (one per host).
    pub hosts: usize,
    /// The hosts, sorted.
    pub host_names: Vec<String>,
    /// Set when another group's alerts would carry the same name and labels (the same
    /// description and routing, other thresholds or `for:`): the `nagios_variant` label, a
    /// hash of the host list, keeps the rules apart without naming the thresholds, so a
    /// threshold change still leaves every alert's labels as they were.
    pub variant: Option<String>,
    /// Definitions the services come from (`file`, `define` offset), sorted.
    pub sources: BTreeSet<(FileId, usize)>,
    /// Templates the services use, sorted.
    pub templates: BTreeSet<String>,
    /// `file:line` of the first definition, `(+N more, see report.json)` when several.
    pub source: String,
}

/// Hosts whose host check translates natively to the same probe at the same level.
#[derive(Debug)]
pub struct HostGroup {
    /// Stable id (`host_check_ping_1a2b3c4d`), the `nagios_host_check` label of its
    /// membership record.
    pub id: String,
    /// Index into [`Translation::natives`].
    pub native: usize,
    /// The hosts' level (`for:` from their attempts and retry interval).
    pub level: Level,
    /// The hosts, sorted.
    pub host_names: Vec<String>,
    /// See [`NativeGroup::variant`].
    pub variant: Option<String>,
}

/// What became of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A native rule: index into [`Translation::groups`].
    Native(usize),
    /// A bridged rule: index into [`Translation::bridged`], and into [`Translation::reasons`].
    Bridged(usize, usize),
}

/// The report line of one service; text borrows from the model.
#[derive(Debug, Clone)]
pub struct ServiceRow<'m> {
    /// Host name.
    pub host: &'m str,
    /// Service description.
    pub description: &'m str,
    /// The check command's name (never its arguments: they may hold passwords).
    pub command: &'m str,
    /// What it became.
    pub outcome: Outcome,
    /// The service definition's file.
    pub file: FileId,
    /// The service definition's `define` keyword.
    pub span: Span,
}

/// Why a service is bridged, and its plugin when the command line could be read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reason {
    /// The plugin file name, when known.
    pub plugin: Option<String>,
    /// What kind of reason.
    pub code: refusal::Code,
    /// The reason, secret-free.
    pub text: String,
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
    /// The probe's id ([`Probe::id`]), when a probe: the `nagios_probe` label rules select.
    pub probe: Option<String>,
    /// What a prober running on the host probes (`__param_target`; job
    /// `blackbox_on_host`), when `address` is that prober's.
    pub prober_target: Option<String>,
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
    /// The address is the Nagios server itself.
    pub local: bool,
}

/// Everything a conversion produces, before rendering.
#[derive(Debug, Default)]
pub struct Translation<'m> {
    /// Distinct native translations.
    pub natives: Vec<Native>,
    /// Native groups, sorted by id.
    pub groups: Vec<NativeGroup>,
    /// Bridged service levels, sorted by id.
    pub bridged: Vec<bridged::BridgedLevel>,
    /// Bridged host levels (hosts whose host check is not native).
    pub host_levels: Vec<bridged::HostLevel>,
    /// Native host checks, sorted by id.
    pub host_groups: Vec<HostGroup>,
    /// Why services are bridged (interned).
    pub reasons: Vec<Reason>,
    /// Per service, in model order (host, description).
    pub services: Vec<ServiceRow<'m>>,
    /// Targets per job (`node`, `blackbox`, `mysqld`, `postgres`).
    pub targets: BTreeMap<&'static str, Vec<Target>>,
    /// Host labels by host name.
    pub hosts: BTreeMap<String, HostLabels>,
    /// Blackbox modules used, by name.
    pub modules: BTreeMap<String, blackbox::Module>,
    /// process-exporter groups used: group name → the command name it matches.
    pub process_groups: BTreeMap<String, String>,
    /// Windows performance counters the rules read (`windows_exporter.yml`).
    pub windows_counters: BTreeSet<windows::Counter>,
    /// snmp_exporter modules used, by name (`snmp.yml.tmpl`).
    pub snmp_modules: BTreeMap<String, snmp::Module>,
    /// The environment variables `snmp.yml.tmpl` reads communities and SNMPv3 passwords
    /// from → where each is written in the configuration (never its value).
    pub snmp_secrets: BTreeMap<String, String>,
    /// Scrape interval, seconds.
    pub scrape_interval: u32,
    /// nagios.cfg's `status_update_interval`, seconds (10 when absent).
    pub status_update_interval: u32,
}

impl Translation<'_> {
    /// Number of services translated natively.
    pub fn native_count(&self) -> usize {
        self.services.iter().filter(|s| matches!(s.outcome, Outcome::Native(_))).count()
    }
}

/// Distinct value sets of one command's custom-variable macros that get their own rule
/// groups; past it the command's services are bridged.
pub const MAX_MACRO_VARIANTS: usize = 50;

/// The command line and `check_command` arguments of a service whose command uses
/// `$_SERVICEx$` / `$_HOSTx$` macros, with them resolved from the service's and its host's
/// custom variables (`_x`; a missing one is empty, as Nagios substitutes); `None` when it
/// uses none.
fn custom_macro_call(
    check_command: &str,
    commands: &HashMap<&str, &str>,
    service: &Object,
    host: Option<&&Object>,
) -> Option<(String, Vec<String>)> {
    let split = split_check_command(check_command);
    let line = commands.get(split.name)?;
    let uses = |t: &str| t.contains("$_SERVICE") || t.contains("$_HOST");
    if !uses(line) && !split.args.iter().any(|a| uses(a)) {
        return None;
    }
    let resolve = |text: &str| -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("$_") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find('$') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let name = &after[..end];
            let value = if let Some(var) = name.strip_prefix("_SERVICE") {
                Some(custom_value(service, var))
            } else {
                name.strip_prefix("_HOST")
                    .map(|var| host.map(|h| custom_value(h, var)).unwrap_or_default())
            };
            match value {
                Some(v) => out.push_str(&v),
                None => out.push_str(&rest[start..start + end + 2]),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    };
    let args: Vec<String> = split.args.iter().map(|a| resolve(a)).collect();
    Some((resolve(line), args))
}

/// A custom variable's value (`_NAME`, case-insensitive as Nagios stores them upper-case).
fn custom_value(object: &Object, var: &str) -> String {
    object
        .fields
        .iter()
        .find(|f| f.name.len() == var.len() + 1 && f.name[1..].eq_ignore_ascii_case(var))
        .and_then(|f| match &f.value {
            Value::Text(t) => Some(t.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(x) => Some(x.to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Translate the command `line` called with `args` (its `$ARGn$`): the plugin's own
/// translation, then the `-4`/`-6` pin and the command as written.
fn translate_call(
    line: &str,
    args: &[impl AsRef<str>],
    ctx: &plugins::Context,
) -> Result<Native, (Option<String>, Refusal)> {
    let call = argv::call(line, args).map_err(|e| (None, Refusal::from(e)))?;
    let Some(registered) = plugins::lookup(&call.plugin) else {
        let text = format!("plugin `{}` is not in the catalogue", call.plugin);
        return Err((Some(call.plugin), Refusal::new(Code::PluginNotTranslated, text)));
    };
    let mut native =
        (registered.translate)(&call, ctx).map_err(|r| (Some(call.plugin.clone()), r))?;
    plugins::pin_ip_family(&mut native, &call.args);
    native.written = plugins::written(&call);
    Ok(native)
}

/// A needed target: (job, host, (blackbox native, whether its second probe)).
type Slot<'m> = (&'static str, &'m str, Option<(usize, bool)>);

/// A target: (job, host, address, module, probe id).
/// (job, host, address, module, probe id, target of a prober on the host).
type TargetKey = (&'static str, String, String, Option<String>, Option<String>, Option<String>);

/// A command read once: native index, or a reason index.
type Translated = Result<usize, usize>;

/// FNV-1a 64: a stable, dependency-free content hash for group ids.
pub fn fnv64(text: &str) -> u64 {
    let mut h = Fnv::default();
    std::hash::Hasher::write(&mut h, text.as_bytes());
    h.0
}

/// FNV-1a as a `Hasher`: the interning maps hash short keys 80,000 times; SipHash's DoS
/// resistance buys nothing on a local configuration.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// `HashMap` with [`Fnv`].
pub type FnvMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// True for addresses on the Nagios server itself.
pub fn is_loopback(address: &str) -> bool {
    address == "localhost"
        || address == "::1"
        || address.parse::<std::net::Ipv4Addr>().is_ok_and(|a| a.is_loopback())
}

/// A field value as an interning key (numbers by bits).
#[derive(Debug, Clone, Copy, Default)]
struct ValueKey<'m>(Option<&'m Value>);

impl PartialEq for ValueKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self.0, other.0) {
            (Some(Value::Float(a)), Some(Value::Float(b))) => a.to_bits() == b.to_bits(),
            (a, b) => a == b,
        }
    }
}

impl Eq for ValueKey<'_> {}

impl std::hash::Hash for ValueKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self.0 {
            None => state.write_u8(0),
            Some(Value::Text(t)) => t.hash(state),
            Some(Value::List(l)) => l.hash(state),
            Some(Value::Int(i)) => i.hash(state),
            Some(Value::Float(f)) => f.to_bits().hash(state),
            Some(Value::Options(o)) => o.hash(state),
            Some(Value::Null) => state.write_u8(1),
        }
    }
}

/// The fields of a service the translation reads, collected in one pass.
#[derive(Default)]
struct Facts<'m> {
    host: &'m str,
    description: &'m str,
    check_command: &'m str,
    active: Option<&'m Value>,
    /// Everything [`service_level::level`] reads, as an interning key.
    level: [ValueKey<'m>; LEVEL_FIELDS.len()],
    custom: Vec<ValueKey<'m>>,
}

const LEVEL_FIELDS: [&str; 12] = [
    "max_check_attempts",
    "retry_interval",
    "check_interval",
    "first_notification_delay",
    "notification_options",
    "notifications_enabled",
    "contact_groups",
    "notes_url",
    "action_url",
    "flap_detection_enabled",
    "notification_period",
    "contacts",
];

fn facts<'m>(service: &'m Object, custom: &[(String, String)]) -> Facts<'m> {
    let mut f = Facts { custom: vec![ValueKey(None); custom.len()], ..Facts::default() };
    for field in &service.fields {
        let name: &str = field.name;
        let text = || match &field.value {
            Value::Text(t) => &**t,
            _ => "",
        };
        match name {
            "host_name" => f.host = text(),
            "service_description" => f.description = text(),
            "check_command" => f.check_command = text(),
            "active_checks_enabled" => f.active = Some(&field.value),
            _ if name.starts_with('_') => {
                if let Some(i) = custom.iter().position(|(var, _)| var == name) {
                    f.custom[i] = ValueKey(Some(&field.value));
                }
            }
            _ => {
                // A literal match compiles to a length dispatch: this runs for every field of
                // every service.
                let slot = match name {
                    "max_check_attempts" => 0,
                    "retry_interval" => 1,
                    "check_interval" => 2,
                    "first_notification_delay" => 3,
                    "notification_options" => 4,
                    "notifications_enabled" => 5,
                    "contact_groups" => 6,
                    "notes_url" => 7,
                    "action_url" => 8,
                    "flap_detection_enabled" => 9,
                    "notification_period" => 10,
                    "contacts" => 11,
                    _ => continue,
                };
                debug_assert_eq!(LEVEL_FIELDS[slot], name);
                f.level[slot] = ValueKey(Some(&field.value));
            }
        }
    }
    f
}

/// Translate every service (and host) of `model`.
pub fn translate<'m>(inst: &Installation, model: &'m Model, options: &Options) -> Translation<'m> {
    let interval_length = interval_length(inst);
    let commands: HashMap<&str, &str> = model
        .of(ObjectType::Command)
        .filter_map(|c| Some((c.text("command_name")?, c.text("command_line").unwrap_or(""))))
        .collect();
    let host_objects: Vec<&Object> = model.of(ObjectType::Host).collect();
    let members = group_members(model);

    let mut out = Translation {
        scrape_interval: options.scrape_interval,
        status_update_interval: status_update_interval(inst),
        ..Translation::default()
    };
    for host in &host_objects {
        let Some(name) = host.text("host_name") else { continue };
        let mut groups: Vec<&str> = host.list("hostgroups").iter().map(|g| &**g).collect();
        groups.sort_unstable();
        groups.dedup();
        let mut labels = Vec::new();
        for (var, label) in &options.custom_labels {
            if let Some(Value::Text(v)) = host.get(var) {
                labels.push((label.clone(), v.to_string()));
            }
        }
        let address =
            host.text("address").filter(|a| !a.is_empty() && !a.contains('$')).unwrap_or(name);
        out.hosts.insert(
            name.to_owned(),
            HostLabels {
                hostgroups: if groups.is_empty() {
                    String::new()
                } else {
                    format!(",{},", groups.join(","))
                },
                labels,
                address: address.to_owned(),
                local: if options.nagios_server.is_empty() {
                    is_loopback(address)
                } else {
                    options.nagios_server.iter().any(|a| a == address)
                },
            },
        );
    }

    // Host name → its address is the Nagios server (looked up once per service).
    let host_local: FnvMap<&str, bool> = host_objects
        .iter()
        .filter_map(|h| {
            let name = h.text("host_name")?;
            Some((name, out.hosts.get(name).is_some_and(|l| l.local)))
        })
        .collect();
    let mut cache: FnvMap<(&str, bool), Translated> = FnvMap::default();
    let mut macro_cache: FnvMap<(String, bool), Translated> = FnvMap::default();
    let mut macro_variants: FnvMap<&str, usize> = FnvMap::default();
    let host_by_name: FnvMap<&str, &Object> =
        host_objects.iter().filter_map(|h| Some((h.text("host_name")?, *h))).collect();
    let mut reason_index: HashMap<Reason, usize> = HashMap::new();
    let mut levels: Vec<Level> = Vec::new();
    let escalations = service_level::Escalations::of(model);
    // A level's key: its fields, its custom labels and the contacts its escalations route to.
    type LevelKey<'k> = ([ValueKey<'k>; LEVEL_FIELDS.len()], Vec<ValueKey<'k>>, Option<String>);
    let mut level_index: FnvMap<LevelKey<'_>, usize> = FnvMap::default();
    let mut group_index: FnvMap<(usize, &str, usize), usize> = FnvMap::default();
    let mut groups: Vec<NativeGroup> = Vec::new();
    let mut collector = bridged::Collector::default();
    // (job, host, (blackbox native, its second probe)): the targets needed.
    let mut slots: FnvMap<Slot<'_>, ()> = FnvMap::default();
    let base_ctx = plugins::Context {
        version: options.version,
        local: false,
        assume_remote: options.assume_remote,
        nrpe: options.nrpe.clone(),
        scrape_interval: options.scrape_interval,
        secrets_dir: options.secrets_dir.clone(),
    };
    let mut reason = |plugin: Option<String>, refusal: Refusal, out: &mut Vec<Reason>| -> usize {
        let r = Reason { plugin, code: refusal.code, text: refusal.text };
        *reason_index.entry(r.clone()).or_insert_with(|| {
            out.push(r);
            out.len() - 1
        })
    };

    for service in model.of(ObjectType::Service) {
        let f = facts(service, &options.custom_labels);
        // Escalations valid for the first notification route it to their contacts.
        let escalated = match escalations.first(service, &members) {
            service_level::FirstNotification::Own => None,
            service_level::FirstNotification::Escalated(c)
            | service_level::FirstNotification::Partly(c) => Some(service_level::comma_list(&c)),
        };
        let level = *level_index
            .entry((f.level, f.custom.clone(), escalated.clone()))
            .or_insert_with(|| {
                let mut level = service_level::level(
                    service,
                    false,
                    interval_length,
                    &options.custom_labels,
                    &members,
                );
                if let Some(contacts) = escalated {
                    level.contacts = contacts;
                }
                levels.push(level);
                levels.len() - 1
            });
        let host = host_local.get(f.host);
        let local = host.copied().unwrap_or(false);
        let command_name = nag2prom_parsers::command::command_name(f.check_command);
        collector.seen(f.description);

        let result = if matches!(f.active, Some(Value::Int(0))) {
            Err(reason(
                None,
                Refusal::new(
                    Code::Passive,
                    "active checks are disabled: the state comes from passive results, which only the bridge sees",
                ),
                &mut out.reasons,
            ))
        } else if host.is_none() {
            Err(reason(
                None,
                Refusal::new(Code::HostMissing, "the service's host is not registered"),
                &mut out.reasons,
            ))
        } else if let Some(r) = cache.get(&(f.check_command, local)) {
            *r
        } else if let Some((line, args)) =
            custom_macro_call(f.check_command, &commands, service, host_by_name.get(f.host))
        {
            // `$_SERVICEx$` / `$_HOSTx$` resolve per service: one translation per distinct
            // value set, bridged past MAX_MACRO_VARIANTS of them.
            // The cache key: the resolved line and arguments, NUL-separated.
            let resolved = std::iter::once(line.as_str())
                .chain(args.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join("\0");
            match macro_cache.get(&(resolved.clone(), local)) {
                Some(r) => *r,
                None => {
                    let variants = macro_variants.entry(f.check_command).or_insert(0);
                    *variants += 1;
                    let r = if *variants > MAX_MACRO_VARIANTS {
                        Err(reason(
                            None,
                            Refusal::new(
                                Code::MacroVariants,
                                format!(
                                    "its custom-variable macros take more than {MAX_MACRO_VARIANTS} distinct values: one rule group each would not pay"
                                ),
                            ),
                            &mut out.reasons,
                        ))
                    } else {
                        let ctx = plugins::Context { local, ..base_ctx.clone() };
                        match translate_call(&line, &args, &ctx) {
                            Ok(native) => {
                                out.natives.push(native);
                                Ok(out.natives.len() - 1)
                            }
                            Err((plugin, refusal)) => {
                                Err(reason(plugin, refusal, &mut out.reasons))
                            }
                        }
                    };
                    macro_cache.insert((resolved, local), r);
                    r
                }
            }
        } else {
            let split = split_check_command(f.check_command);
            let r = (|| {
                let Some(line) = commands.get(split.name) else {
                    return Err((
                        None,
                        Refusal::new(
                            Code::CommandUndefined,
                            format!("command `{}` is not defined", split.name),
                        ),
                    ));
                };
                translate_call(line, &split.args, &plugins::Context { local, ..base_ctx.clone() })
            })();
            let r = match r {
                Ok(native) => {
                    out.natives.push(native);
                    Ok(out.natives.len() - 1)
                }
                Err((plugin, refusal)) => Err(reason(plugin, refusal, &mut out.reasons)),
            };
            cache.insert((f.check_command, local), r);
            r
        };

        let outcome = match result {
            Ok(native) => {
                let index =
                    *group_index.entry((native, f.description, level)).or_insert_with(|| {
                        groups.push(NativeGroup {
                            id: String::new(),
                            native,
                            description: f.description.to_owned(),
                            level: levels[level].clone(),
                            hosts: 0,
                            host_names: Vec::new(),
                            variant: None,
                            sources: BTreeSet::new(),
                            templates: templates(model, service),
                            source: String::new(),
                        });
                        groups.len() - 1
                    });
                let group = &mut groups[index];
                group.hosts += 1;
                group.host_names.push(f.host.to_owned());
                group.sources.insert((service.file, service.span.start));
                let probe = &out.natives[native].probe;
                let blackbox = probe.is_probe().then_some((native, false));
                slots.insert((probe.job(), f.host, blackbox), ());
                if let Some(second) = &out.natives[native].second {
                    slots.insert((second.job(), f.host, Some((native, true))), ());
                }
                Outcome::Native(index)
            }
            Err(reason) => {
                Outcome::Bridged(collector.add(f.host, f.description, &levels[level]), reason)
            }
        };
        out.services.push(ServiceRow {
            host: f.host,
            description: f.description,
            command: command_name,
            outcome,
            file: service.file,
            span: service.span,
        });
    }

    // Host checks: a network plugin (check_ping, check_icmp, check_tcp, …) on a probe
    // becomes a native host check; anything else stays a bridged host level.
    let mut host_cache: FnvMap<(&str, bool), Option<usize>> = FnvMap::default();
    // Grouped by what the check is (its canonical form and probe), not by command name.
    let mut host_group_index: FnvMap<(String, String, Level), usize> = FnvMap::default();
    let mut host_groups: Vec<HostGroup> = Vec::new();
    let mut bridged_hosts: Vec<&Object> = Vec::new();
    for host in &host_objects {
        let Some(name) = host.text("host_name") else { continue };
        let command = host.text("check_command").unwrap_or("");
        let local = host_local.get(name).copied().unwrap_or(false);
        let native = if command.is_empty() {
            None
        } else if let Some(r) = cache.get(&(command, local)) {
            r.ok()
        } else if let Some(r) = host_cache.get(&(command, local)) {
            *r
        } else {
            let split = split_check_command(command);
            let r = commands.get(split.name).and_then(|line| {
                let ctx = plugins::Context { local, ..base_ctx.clone() };
                translate_call(line, &split.args, &ctx).ok()
            });
            let r = r.map(|native| {
                out.natives.push(native);
                out.natives.len() - 1
            });
            host_cache.insert((command, local), r);
            r
        };
        let native = native.filter(|&n| {
            let native = &out.natives[n];
            matches!(native.probe, Probe::Blackbox { .. }) && !native.critical.is_empty()
        });
        let Some(native) = native else {
            bridged_hosts.push(host);
            continue;
        };
        let level = service_level::host_level(
            host,
            interval_length,
            &options.custom_labels,
            &members,
            &escalations,
        );
        let key =
            (out.natives[native].canonical.clone(), out.natives[native].probe.id(), level.clone());
        let index = *host_group_index.entry(key).or_insert_with(|| {
            host_groups.push(HostGroup {
                id: String::new(),
                native,
                level,
                host_names: Vec::new(),
                variant: None,
            });
            host_groups.len() - 1
        });
        host_groups[index].host_names.push(name.to_owned());
        slots.insert((out.natives[native].probe.job(), name, Some((native, false))), ());
        if let Some(second) = &out.natives[native].second {
            slots.insert((second.job(), name, Some((native, true))), ());
        }
    }
    for g in &mut host_groups {
        g.host_names.sort_unstable();
        g.id = format!(
            "host_{}_{:08x}",
            out.natives[g.native].plugin,
            fnv64(&format!("{}|{:?}", out.natives[g.native].canonical, g.level)) as u32
        );
    }
    host_groups.sort_by(|a, b| a.id.cmp(&b.id));
    set_variants(
        &mut host_groups,
        |g| ("NagiosHostDown", String::new(), &g.level),
        |g| &g.host_names,
        |g, v| g.variant = v,
    );
    out.host_groups = host_groups;

    // Stable ids from content; a (rare) short-hash clash gets a numbered suffix.
    let keys: Vec<String> = groups
        .iter()
        .map(|g| format!("{}|{}|{:?}", out.natives[g.native].canonical, g.description, g.level))
        .collect();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut taken: HashMap<String, usize> = HashMap::new();
    for &i in &order {
        let base =
            format!("{}_{:08x}", out.natives[groups[i].native].plugin, fnv64(&keys[i]) as u32);
        let n = taken.entry(base.clone()).or_insert(0);
        *n += 1;
        groups[i].id = if *n == 1 { base } else { format!("{base}_{n}") };
    }

    name_snmp_modules(&groups, &mut out);

    for g in &groups {
        match &out.natives[g.native].probe {
            Probe::Process { group, comm } => {
                out.process_groups.insert(group.clone(), comm.clone());
            }
            Probe::WindowsCounter(counter) => {
                out.windows_counters.insert((**counter).clone());
            }
            _ => {}
        }
    }

    // Targets: every host gets a node target, so node metrics exist for all of them. Probes
    // are one target per (host, probe); rules find theirs by `nagios_probe` and host.
    let mut merged: BTreeSet<TargetKey> = BTreeSet::new();
    for (name, labels) in &out.hosts {
        merged.insert((
            "node",
            name.clone(),
            target_address(&labels.address, options.ports.node),
            None,
            None,
            None,
        ));
    }
    for (job, host, blackbox) in slots.into_keys() {
        let Some(labels) = out.hosts.get(host) else { continue };
        let probe = blackbox.and_then(|(n, second)| {
            if second { out.natives[n].second.as_ref() } else { Some(&out.natives[n].probe) }
        });
        let (address, module, id, prober_target) = match probe {
            Some(probe @ Probe::Blackbox { module, settings, target, from_host }) => {
                // A module that names the host (a `$HOSTNAME$` virtual host) is one per host.
                let (module, settings) = match settings.for_host(host) {
                    Some(own) => (format!("{module}__{host}"), own),
                    None => (module.clone(), (**settings).clone()),
                };
                out.modules.entry(module.clone()).or_insert(settings);
                let probed = fill_address(target, &labels.address).replace("$HOSTNAME$", host);
                if *from_host {
                    // Scraped at the host's own blackbox_exporter, which probes `probed`.
                    let address = target_address(&labels.address, options.ports.blackbox_on_host);
                    (address, Some(module), Some(probe.id()), Some(probed))
                } else {
                    (probed, Some(module), Some(probe.id()), None)
                }
            }
            Some(probe @ Probe::Snmp { module, settings, target }) => {
                out.snmp_modules.entry(module.clone()).or_insert_with(|| (**settings).clone());
                let address = fill_address(target, &labels.address);
                (address, Some(module.clone()), Some(probe.id()), None)
            }
            _ => {
                let port = options.ports.of(job).unwrap_or(options.ports.node);
                (target_address(&labels.address, port), None, None, None)
            }
        };
        merged.insert((job, host.to_owned(), address, module, id, prober_target));
    }
    for (job, host, address, module, probe, prober_target) in merged {
        out.targets.entry(job).or_default().push(Target {
            address,
            host,
            module,
            probe,
            prober_target,
        });
    }

    for g in &mut groups {
        g.host_names.sort_unstable();
        g.host_names.dedup();
        let mut it = g.sources.iter();
        if let Some(&(file, start)) = it.next() {
            g.source = locate(&inst.db, file, Span::new(start, start));
        }
        if g.sources.len() > 1 {
            g.source.push_str(&format!(" (+{} more, see report.json)", g.sources.len() - 1));
        }
    }

    // Groups sorted by id; rows follow.
    let mut by_id: Vec<usize> = (0..groups.len()).collect();
    by_id.sort_by(|&a, &b| groups[a].id.cmp(&groups[b].id));
    let mut new_index = vec![0; groups.len()];
    for (new, &old) in by_id.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<NativeGroup>> = groups.into_iter().map(Some).collect();
    out.groups = by_id.iter().filter_map(|&old| slots[old].take()).collect();
    let natives = &out.natives;
    set_variants(
        &mut out.groups,
        |g| (natives[g.native].alert, g.description.clone(), &g.level),
        |g| &g.host_names,
        |g, v| g.variant = v,
    );
    let (bridged_levels, level_order, host_levels) = collector.finish(
        &bridged_hosts,
        host_objects.len(),
        interval_length,
        &options.custom_labels,
        &members,
        &escalations,
    );
    for row in &mut out.services {
        row.outcome = match row.outcome {
            Outcome::Native(i) => Outcome::Native(new_index[i]),
            Outcome::Bridged(l, r) => Outcome::Bridged(level_order[l], r),
        };
    }
    out.bridged = bridged_levels;
    out.host_levels = host_levels;
    out
}

/// Give every check_snmp translation its secrets' variables and its module name: each
/// distinct community or SNMPv3 password is one environment variable of `snmp.yml.tmpl`
/// (`$USERn$` by its macro name, literal ones numbered per kind in the order of the groups'
/// ids, so reordering the configuration renames nothing), and the module is named after its
/// settings with those variables.
fn name_snmp_modules(groups: &[NativeGroup], out: &mut Translation<'_>) {
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| groups[a].id.cmp(&groups[b].id));
    // Literal secrets seen so far, per variable prefix: their position is their number.
    let mut literals: BTreeMap<&str, Vec<snmp::Secret>> = BTreeMap::new();
    let mut variable = |prefix: &'static str,
                        what: &str,
                        service: &str,
                        secret: &snmp::Community,
                        secrets: &mut BTreeMap<String, String>|
     -> Option<String> {
        let (var, origin) = match secret {
            snmp::Community::Default => return None,
            snmp::Community::Macro(name) => {
                (format!("{prefix}{name}"), format!("the ${name}$ macro of the resource file"))
            }
            snmp::Community::Literal(value) => {
                let list = literals.entry(prefix).or_default();
                let n = match list.iter().position(|s| s == value) {
                    Some(i) => i + 1,
                    None => {
                        list.push(value.clone());
                        list.len()
                    }
                };
                (
                    format!("{prefix}{n}"),
                    format!("the {what} of {service} (and every check_snmp with the same one)"),
                )
            }
        };
        secrets.entry(var.clone()).or_insert(origin);
        Some(var)
    };
    for &index in &order {
        let group = &groups[index];
        let native = &mut out.natives[group.native];
        let Probe::Snmp { module, settings, .. } = &mut native.probe else { continue };
        if !module.is_empty() {
            continue;
        }
        let first = group.host_names.first().map(String::as_str).unwrap_or("");
        let service = format!("{first}/{}", group.description);
        let secrets = &mut out.snmp_secrets;
        settings.variable =
            variable(snmp::VARIABLE_PREFIX, "-C community", &service, &settings.community, secrets);
        if let Some(v3) = &mut settings.v3 {
            if let Some(p) = &v3.password {
                v3.password_variable =
                    variable(snmp::AUTH_PREFIX, "-A auth password", &service, p, secrets);
            }
            if let Some(p) = &v3.priv_password {
                v3.priv_variable =
                    variable(snmp::PRIV_PREFIX, "-X privacy password", &service, p, secrets);
            }
        }
        let requirement = match &settings.variable {
            Some(var) => format!(
                "snmp_exporter 0.21/0.22 with snmp.yml rendered from snmp.yml.tmpl, {var} set to the community"
            ),
            None => "snmp_exporter 0.21/0.22 with snmp.yml rendered from snmp.yml.tmpl".to_owned(),
        };
        *module = settings.name();
        native.requires.push(requirement);
    }
}

/// `address:port`, with brackets for IPv6.
/// A probe target template with `$HOSTADDRESS$` filled in: an IPv6 address in brackets where
/// a port follows it or it is a URL's host (`[2001:db8::1]:22`, `http://[::1]:8080/`), bare
/// elsewhere (an ICMP or DNS target).
fn fill_address(target: &str, address: &str) -> String {
    if !address.contains(':') || address.starts_with('[') {
        return target.replace("$HOSTADDRESS$", address);
    }
    let bracketed = format!("[{address}]");
    target
        .replace("$HOSTADDRESS$:", &format!("{bracketed}:"))
        .replace("//$HOSTADDRESS$", &format!("//{bracketed}"))
        .replace("$HOSTADDRESS$", address)
}

fn target_address(address: &str, port: u16) -> String {
    if address.contains(':') { format!("[{address}]:{port}") } else { format!("{address}:{port}") }
}

/// The templates a service's fields came from.
fn templates(model: &Model, object: &Object) -> BTreeSet<String> {
    object.fields.iter().filter_map(|f| model.origin(f)?.template.map(|t| t.to_string())).collect()
}

/// Every contact group's resolved members.
pub fn group_members(model: &Model) -> service_level::GroupMembers {
    model
        .of(ObjectType::ContactGroup)
        .filter_map(|g| {
            let name = g.text("contactgroup_name")?;
            Some((name.to_owned(), g.list("members").iter().map(|m| m.to_string()).collect()))
        })
        .collect()
}

/// `interval_length` from nagios.cfg (60 when absent).
pub fn interval_length(inst: &Installation) -> f64 {
    let length = inst.settings.interval_length;
    if length > 0 { length as f64 } else { 60.0 }
}

/// `status_update_interval` from nagios.cfg (10 when absent or not positive).
pub fn status_update_interval(inst: &Installation) -> u32 {
    let Some(main) = inst.main.and_then(|id| inst.db.file(id)) else { return 10 };
    let value = nag2prom_parsers::main_cfg::parse_main_cfg(&main.bytes).status_update_interval();
    u32::try_from(value).ok().filter(|v| *v > 0).unwrap_or(10)
}

/// Give every group whose alerts would share their name and labels with another group's a
/// `nagios_variant` (see [`NativeGroup::variant`]).
fn set_variants<G>(
    groups: &mut [G],
    key: impl Fn(&G) -> (&'static str, String, &Level),
    hosts: impl Fn(&G) -> &Vec<String>,
    set: impl Fn(&mut G, Option<String>),
) {
    let label_key = |g: &G| {
        let (alert, description, level) = key(g);
        format!(
            "{alert}|{description}|{}|{}|{}|{:?}",
            level.contact_groups, level.notification_period, level.notify, level.labels
        )
    };
    let mut count: HashMap<String, usize> = HashMap::new();
    for g in groups.iter() {
        *count.entry(label_key(g)).or_insert(0) += 1;
    }
    for g in groups.iter_mut() {
        let variant = (count.get(&label_key(g)).copied().unwrap_or(0) > 1)
            .then(|| format!("{:08x}", fnv64(&hosts(g).join(",")) as u32));
        set(g, variant);
    }
}

#[cfg(test)]
mod tests {
    use super::fill_address;

    #[test]
    fn ipv6_addresses_are_bracketed_where_a_port_or_url_needs_it() {
        assert_eq!(fill_address("$HOSTADDRESS$:22", "2001:db8::1"), "[2001:db8::1]:22");
        assert_eq!(
            fill_address("http://$HOSTADDRESS$:8080/health", "::1"),
            "http://[::1]:8080/health"
        );
        assert_eq!(fill_address("https://$HOSTADDRESS$/", "::1"), "https://[::1]/");
        assert_eq!(
            fill_address("$HOSTADDRESS$", "::1"),
            "::1",
            "ICMP and DNS take the bare address"
        );
        assert_eq!(fill_address("$HOSTADDRESS$:22", "127.0.0.1"), "127.0.0.1:22");
        assert_eq!(fill_address("$HOSTADDRESS$:22", "[::1]"), "[::1]:22", "already bracketed");
    }
}
