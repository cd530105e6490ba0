//! Generates a large, realistic Nagios Core 4 installation (deterministic, seeded) for
//! benchmarks and conformance tests: `nagios.cfg`, `resource.cfg`, an `objects/` directory
//! and, with `--status`, a matching `var/status.dat`.
//!
//! ```text
//! cargo run --release --example gen_install -- --hosts 10000 --out /tmp/inst
//! nagios4 -v /tmp/inst/nagios.cfg
//! ```
//!
//! Options: `--seed N` (default 1), `--services-per-host N` (average number of services per
//! host after expansion, default 8), `--status` (also write `var/status.dat`), `--shape S`
//! (how the same services are written, default `hostgroups`):
//! - `hostgroups`: service definitions on host groups, `*` and lists of 250 hosts;
//! - `per-host`: one definition per host and service (what many config generators and
//!   Ansible templates write), in `services.cfg`;
//! - `many-files`: `per-host`, each host's services in a file of its own (`objects/hosts.d/`);
//! - `deep-templates`: host group definitions whose services inherit through an 8-level
//!   template chain with several `use` and a custom variable per level;
//! - `wide-groups`: each role's services on one host group listing every member host in
//!   `members` (tens of thousands of members at 50,000 hosts).
//!
//! Every shape expands to the same hosts and services. `--hosts`
//! defaults to 10000 and must be between 10 and 16,646,144: every address is in 127.0.0.0/8.
//! `DIR` is created if missing, and so are `var/`, `var/rw/` and `var/spool/checkresults/`
//! (`check_result_path`, which `nagios4 -v` requires). Stale `objects/hosts-NNN.cfg` files
//! from an earlier, larger run are removed; without `--status` an existing `var/status.dat`
//! is left alone.
//!
//! Every path in `nagios.cfg` is relative to the directory holding it, and
//! `nagios_user`/`nagios_group` are `root`, so `nagios4 -v DIR/nagios.cfg` works as root.
//! Notification and event handler commands are `/bin/true` stand-ins, as in `examples/demo`.
//!
//! The objects exercise: timeperiods with weekday, calendar-date and nth-weekday exceptions,
//! `exclude` and `use`; commands with `$USER1$`, `$USER3$` and `$ARGn$`; contacts with a
//! template, `contactgroups`, and contact groups with `members` and `contactgroup_members`;
//! host and service templates (`register 0`, multiple `use`, additive `+` values, `null`,
//! custom variables `_SITE`, `_RACK`, `_OS`); routers as `parents`; host groups filled
//! through the hosts' `hostgroups`, through `members` lists (racks), `hostgroup_members`
//! (sites, `servers`) and `members *`; services on host groups with `!` exclusions, on
//! `host_name *,!router-001` and on explicit host lists; a passive service with freshness
//! checking; service groups with `members` pairs and `servicegroup_members`; host and service
//! escalations; same-host and cross-host service dependencies and host dependencies.
//! Services on explicit host lists (`NTP`, `DNS resolution`, ... then `Custom check NN`)
//! make the total exactly `--hosts` × `--services-per-host` whenever the host group
//! services do not already exceed it; host group services are skipped (in a fixed priority
//! order) when they would.

use std::fmt::{Display, Write as _};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// xorshift64*: tiny deterministic PRNG, good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `percent` %.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// A float in `0..max` with `decimals` digits.
    fn float(&mut self, max: u64, decimals: u32) -> f64 {
        let scale = 10u64.pow(decimals);
        self.below(max * scale) as f64 / scale as f64
    }
}

/// Addresses 127.X.Y.Z with Z in 1..=254: this many hosts fit in 127.0.0.0/8.
const MAX_HOSTS: usize = 254 * 256 * 256;
const MAX_PER_HOST: usize = 1000;
const USAGE: &str = "usage: gen_install --out DIR [--hosts N] [--seed N] \
                     [--services-per-host N] [--status] \
                     [--shape hostgroups|per-host|many-files|deep-templates|wide-groups]";

/// How the services are written (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Hostgroups,
    PerHost,
    ManyFiles,
    DeepTemplates,
    WideGroups,
}

struct Options {
    hosts: usize,
    out: PathBuf,
    seed: u64,
    per_host: usize,
    status: bool,
    shape: Shape,
}

fn parse_args() -> Result<Options, String> {
    let (mut hosts, mut out, mut seed, mut per_host, mut status) = (10_000, None, 1, 8, false);
    let mut shape = Shape::Hostgroups;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|e| format!("{arg} `{v}`: {e}"));
        let size = |v: u64| usize::try_from(v).map_err(|e| format!("{arg} {v}: {e}"));
        match arg.as_str() {
            "--hosts" => hosts = size(number(value()?)?)?,
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = number(value()?)?,
            "--services-per-host" => per_host = size(number(value()?)?)?,
            "--status" => status = true,
            "--shape" => {
                shape = match value()?.as_str() {
                    "hostgroups" => Shape::Hostgroups,
                    "per-host" => Shape::PerHost,
                    "many-files" => Shape::ManyFiles,
                    "deep-templates" => Shape::DeepTemplates,
                    "wide-groups" => Shape::WideGroups,
                    other => return Err(format!("unknown --shape `{other}` ({USAGE})")),
                }
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    if !(10..=MAX_HOSTS).contains(&hosts) {
        return Err(format!("--hosts must be between 10 and {MAX_HOSTS}, not {hosts}"));
    }
    if per_host > MAX_PER_HOST {
        return Err(format!("--services-per-host must be at most {MAX_PER_HOST}"));
    }
    let out = out.ok_or_else(|| format!("--out DIR is required ({USAGE})"))?;
    Ok(Options { hosts, out, seed, per_host, status, shape })
}

// Host roles, as bits so that a service definition can name the set it expands to.
const CORE: u16 = 1;
const ROUTER: u16 = 1 << 1;
const WEB: u16 = 1 << 2;
const APP: u16 = 1 << 3;
const DB: u16 = 1 << 4;
const CACHE: u16 = 1 << 5;
const LB: u16 = 1 << 6;
const WIN: u16 = 1 << 7;
const LINUX: u16 = WEB | APP | DB | CACHE | LB;
const ALL: u16 = CORE | ROUTER | LINUX | WIN;
/// The first servers get one role each, so that every role host group has members.
const FORCED_ROLES: [u16; 6] = [WEB, APP, DB, CACHE, LB, WIN];
const RACK_SIZE: usize = 40;
/// Hosts per `objects/hosts-NNN.cfg`.
const CHUNK: usize = 1000;
/// Hosts per service definition on an explicit host list.
const LIST_CHUNK: usize = 250;

/// Host name prefix, alias, host template and role host group of a server role.
fn role_info(role: u16) -> (&'static str, &'static str, &'static str, Option<&'static str>) {
    match role {
        WEB => ("web", "Web server", "linux-host", Some("web")),
        APP => ("app", "Application server", "linux-host", Some("app")),
        DB => ("db", "Database server", "linux-host", Some("db")),
        CACHE => ("cache", "Cache server", "linux-host", Some("cache")),
        LB => ("lb", "Load balancer", "linux-host", Some("lb")),
        _ => ("win", "Windows server", "windows-host", None),
    }
}

/// A service definition on host groups or host names, expanding to the hosts of `roles`.
struct SvcDef {
    desc: &'static str,
    scope: (&'static str, &'static str),
    roles: u16,
    template: &'static str,
    command: &'static str,
    more: &'static [(&'static str, &'static str)],
}

/// The first `MANDATORY` definitions are always written: they give every host a service.
const MANDATORY: usize = 3;

/// Host group services, in priority order (later ones are skipped first when the requested
/// services per host are fewer than these expand to).
const SERVICES: &[SvcDef] = &[
    SvcDef {
        desc: "PING",
        scope: ("host_name", "*,!router-001"),
        roles: ALL & !CORE,
        template: "generic-service,graphed-service",
        command: "check_ping!100.0,20%!500.0,60%",
        more: &[],
    },
    SvcDef {
        desc: "Uplink",
        scope: ("hostgroup_name", "routers"),
        roles: CORE | ROUTER,
        template: "generic-service,graphed-service",
        command: "check_ping!20.0,5%!50.0,10%",
        more: &[("contact_groups", "+network"), ("max_check_attempts", "5")],
    },
    SvcDef {
        desc: "BGP",
        scope: ("host_name", "router-001"),
        roles: CORE,
        template: "generic-service",
        command: "check_tcp!179",
        more: &[("contact_groups", "+network"), ("_SLA", "gold")],
    },
    SvcDef {
        desc: "SSH",
        scope: ("hostgroup_name", "linux"),
        roles: LINUX,
        template: "generic-service",
        command: "check_ssh",
        more: &[],
    },
    SvcDef {
        desc: "Disk /",
        scope: ("hostgroup_name", "linux"),
        roles: LINUX,
        template: "generic-service,graphed-service",
        command: "check_disk!20%!10%!/",
        more: &[("servicegroups", "disks")],
    },
    SvcDef {
        desc: "Load",
        scope: ("hostgroup_name", "linux"),
        roles: LINUX,
        template: "generic-service,graphed-service",
        command: "check_load!5.0,4.0,3.0!10.0,6.0,4.0",
        more: &[],
    },
    SvcDef {
        desc: "HTTP",
        scope: ("hostgroup_name", "web,lb"),
        roles: WEB | LB,
        template: "generic-service,graphed-service",
        command: "check_http!80!/",
        more: &[("contact_groups", "+web-team"), ("_SLA", "silver")],
    },
    SvcDef {
        desc: "MySQL",
        scope: ("hostgroup_name", "db"),
        roles: DB,
        template: "db-service",
        command: "check_mysql!nagios",
        more: &[("notes_url", "https://wiki.example.invalid/runbooks/mysql")],
    },
    SvcDef {
        desc: "CPU",
        scope: ("hostgroup_name", "windows"),
        roles: WIN,
        template: "generic-service,graphed-service",
        command: "check_nt!CPULOAD!-l 5,80,90",
        more: &[("contact_groups", "+windows-admins")],
    },
    SvcDef {
        desc: "Disk C:",
        scope: ("hostgroup_name", "windows"),
        roles: WIN,
        template: "generic-service",
        command: "check_nt!USEDDISKSPACE!-l c -w 80 -c 90",
        more: &[("servicegroups", "disks"), ("contact_groups", "+windows-admins")],
    },
    SvcDef {
        desc: "Procs",
        scope: ("hostgroup_name", "linux"),
        roles: LINUX,
        template: "lowprio-service",
        command: "check_procs!250!400!RSZDT",
        more: &[],
    },
    SvcDef {
        desc: "Swap",
        scope: ("hostgroup_name", "linux,!db"),
        roles: LINUX & !DB,
        template: "lowprio-service",
        command: "check_swap!20%!10%",
        more: &[],
    },
    SvcDef {
        desc: "App health",
        scope: ("hostgroup_name", "app"),
        roles: APP,
        template: "generic-service,graphed-service",
        command: "check_http!8080!/health",
        more: &[("max_check_attempts", "2")],
    },
    SvcDef {
        desc: "Redis",
        scope: ("hostgroup_name", "cache"),
        roles: CACHE,
        template: "generic-service",
        command: "check_tcp!6379",
        more: &[],
    },
    SvcDef {
        desc: "HAProxy",
        scope: ("hostgroup_name", "lb"),
        roles: LB,
        template: "generic-service",
        command: "check_http!8404!/stats",
        more: &[("contact_groups", "+web-team")],
    },
    SvcDef {
        desc: "HTTPS",
        scope: ("hostgroup_name", "web"),
        roles: WEB,
        template: "generic-service,graphed-service",
        command: "check_https!443!1!3",
        more: &[("contact_groups", "+web-team"), ("first_notification_delay", "5")],
    },
    SvcDef {
        desc: "Memory",
        scope: ("hostgroup_name", "windows"),
        roles: WIN,
        template: "lowprio-service",
        command: "check_nt!MEMUSE!-w 80 -c 90",
        more: &[],
    },
    SvcDef {
        desc: "Backup job",
        scope: ("hostgroup_name", "db"),
        roles: DB,
        template: "passive-service",
        command: "check_dummy!3!No backup result received for 26 hours",
        more: &[("contact_groups", "+dba")],
    },
    SvcDef {
        desc: "Disk /var",
        scope: ("hostgroup_name", "servers,!windows,!cache"),
        roles: LINUX & !CACHE,
        template: "generic-service,graphed-service",
        command: "check_disk!20%!10%!/var",
        more: &[("servicegroups", "disks")],
    },
];

/// Services on explicit host lists: description, template, check command.
const EXTRAS: &[(&str, &str, &str)] = &[
    ("NTP", "generic-service", "check_ntp_time!0.5!1"),
    ("DNS resolution", "generic-service", "check_dns!www.example.invalid"),
    ("Agent port", "generic-service", "check_tcp!5666"),
    ("Users", "lowprio-service", "check_users!20!50"),
    ("Zombie procs", "lowprio-service", "check_procs!5!10!Z"),
    ("Mail relay", "lowprio-service", "check_smtp"),
    ("Certificate", "lowprio-service", "check_cert!30"),
];

/// Description, template and check command of the `k`-th explicit-list service.
fn extra(k: usize) -> (String, &'static str, String) {
    match EXTRAS.get(k) {
        Some((desc, template, command)) => ((*desc).to_owned(), template, (*command).to_owned()),
        None => {
            let n = k - EXTRAS.len() + 1;
            (
                format!("Custom check {n:02}"),
                "lowprio-service",
                format!("check_dummy!0!custom {n} OK"),
            )
        }
    }
}

struct Host {
    name: String,
    role: u16,
    /// Site index; `None` for the core router.
    site: Option<usize>,
    /// Index into `Plan::racks`; `None` for routers.
    rack: Option<usize>,
    /// Number of explicit-list services (`extra(0..extras)`).
    extras: usize,
    /// Random 0..100 picking a few per-host deviations.
    tweak: u64,
}

struct Rack {
    name: String,
    hosts: Vec<usize>,
}

struct Plan {
    hosts: Vec<Host>,
    sites: usize,
    /// Racks of each site.
    racks: Vec<Vec<Rack>>,
    /// Indexes into `SERVICES` that are written.
    services: Vec<usize>,
    /// Number of distinct explicit-list services.
    extra_kinds: usize,
    /// Expanded services in total.
    n_services: usize,
}

impl Plan {
    fn has(&self, desc: &str) -> bool {
        self.services.iter().any(|&i| SERVICES[i].desc == desc)
    }
    /// Names of up to `n` hosts of `role`.
    fn names(&self, role: u16, n: usize) -> impl Iterator<Item = &str> {
        self.hosts.iter().filter(move |h| h.role == role).take(n).map(|h| h.name.as_str())
    }
    fn first(&self, role: u16) -> &str {
        self.names(role, 1).next().unwrap_or("router-001")
    }
}

fn site_letter(site: usize) -> char {
    char::from(b'a' + (site % 26) as u8)
}

/// 127.X.Y.Z for the `i`-th host, Z in 1..=254.
fn address(i: usize) -> String {
    format!("127.{}.{}.{}", (i / (254 * 256)) % 256, (i / 254) % 256, i % 254 + 1)
}

fn plan(o: &Options) -> Plan {
    let mut rng = Rng::new(o.seed);
    let sites = (o.hosts / 2500).clamp(2, 26);
    let servers = o.hosts - sites - 1;
    let mut hosts = Vec::with_capacity(o.hosts);
    let router =
        |name: String, role, site| Host { name, role, site, rack: None, extras: 0, tweak: 50 };
    hosts.push(router("router-001".to_owned(), CORE, None));
    for site in 0..sites {
        hosts.push(router(format!("router-{:03}", site + 2), ROUTER, Some(site)));
    }
    let mut racks: Vec<Vec<Rack>> = (0..sites).map(|_| Vec::new()).collect();
    let mut site_start = 0;
    for j in 0..servers {
        let site = j * sites / servers;
        if j > 0 && site != (j - 1) * sites / servers {
            site_start = j;
        }
        let site_racks = &mut racks[site];
        if (j - site_start).is_multiple_of(RACK_SIZE) {
            let name = format!("{}{:02}", site_letter(site), site_racks.len() + 1);
            site_racks.push(Rack { name, hosts: Vec::new() });
        }
        let rack = site_racks.len() - 1;
        if let Some(r) = site_racks.last_mut() {
            r.hosts.push(hosts.len());
        }
        let role = match FORCED_ROLES.get(j) {
            Some(&role) => role,
            None => match rng.below(100) {
                0..30 => WEB,
                30..50 => APP,
                50..65 => DB,
                65..75 => CACHE,
                75..80 => LB,
                _ => WIN,
            },
        };
        hosts.push(Host {
            name: format!("{}-{:05}", role_info(role).0, j + 1),
            role,
            site: Some(site),
            rack: Some(rack),
            extras: 0,
            tweak: rng.below(100),
        });
    }

    // Host group services in priority order while they fit, then explicit lists.
    let mut per_role = [0usize; 16];
    for h in &hosts {
        per_role[h.role.trailing_zeros() as usize] += 1;
    }
    let expand = |roles: u16| -> usize {
        (0..16).filter(|b| roles & (1 << b) != 0).map(|b| per_role[b]).sum()
    };
    let target = o.hosts * o.per_host;
    let (mut services, mut total) = (Vec::new(), 0);
    for (i, def) in SERVICES.iter().enumerate() {
        let n = expand(def.roles);
        if i < MANDATORY || total + n <= target {
            services.push(i);
            total += n;
        }
    }
    let deficit = target.saturating_sub(total);
    let (q, r, n) = (deficit / o.hosts, deficit % o.hosts, o.hosts);
    for (i, h) in hosts.iter_mut().enumerate() {
        // Spread the remainder evenly over the hosts (Bresenham).
        h.extras = q + usize::from((i + 1) * r / n > i * r / n);
    }
    Plan {
        hosts,
        sites,
        racks,
        services,
        extra_kinds: q + usize::from(r > 0),
        n_services: total + deficit,
    }
}

// ---------------------------------------------------------------------------------------
// Object definitions

fn open(s: &mut String, kind: &str) {
    let _ = writeln!(s, "define {kind} {{");
}

fn kv(s: &mut String, key: &str, value: impl Display) {
    let _ = writeln!(s, "    {key:<31} {value}");
}

fn close(s: &mut String) {
    s.push_str("}\n\n");
}

fn define(s: &mut String, kind: &str, directives: &[(&str, &str)]) {
    open(s, kind);
    for (key, value) in directives {
        kv(s, key, value);
    }
    close(s);
}

fn banner(s: &mut String, title: &str, lines: &[&str]) {
    let rule = "#".repeat(79);
    let _ = writeln!(s, "{rule}\n# {title}\n#");
    for line in lines {
        let _ = writeln!(s, "# {line}");
    }
    let _ = writeln!(s, "#\n# Generated by examples/gen_install.rs - do not edit.\n{rule}\n");
}

fn nagios_cfg(o: &Options) -> String {
    let mut s = String::new();
    banner(
        &mut s,
        "NAGIOS.CFG - generated large installation",
        &[
            &format!("{} hosts, seed {}, {} services per host.", o.hosts, o.seed, o.per_host),
            "Every path is relative to the directory of this file (temp_path excepted),",
            "so 'nagios4 -v /path/to/nagios.cfg' works from any working directory.",
            "nagios_user/nagios_group are root so that 'nagios4 -v' works as root.",
        ],
    );
    s.push_str(
        "log_file=var/nagios.log
cfg_dir=objects
object_cache_file=var/objects.cache
precached_object_file=var/objects.precache
resource_file=resource.cfg
status_file=var/status.dat
status_update_interval=10
nagios_user=root
nagios_group=root
check_external_commands=1
command_file=var/rw/nagios.cmd
query_socket=var/rw/nagios.qh
lock_file=var/nagios.lock
temp_path=/tmp
temp_file=nagios-gen-install.tmp
event_broker_options=-1
log_rotation_method=n
use_syslog=0
log_notifications=1
log_service_retries=1
log_host_retries=1
log_event_handlers=1
log_initial_states=0
log_current_states=1
log_external_commands=1
log_passive_checks=1
service_inter_check_delay_method=s
max_service_check_spread=30
service_interleave_factor=s
host_inter_check_delay_method=s
max_host_check_spread=30
max_concurrent_checks=0
check_result_reaper_frequency=10
max_check_result_reaper_time=30
check_result_path=var/spool/checkresults
max_check_result_file_age=3600
cached_host_check_horizon=15
cached_service_check_horizon=15
enable_predictive_host_dependency_checks=1
enable_predictive_service_dependency_checks=1
soft_state_dependencies=0
auto_reschedule_checks=0
service_check_timeout=60
host_check_timeout=30
event_handler_timeout=30
notification_timeout=30
ocsp_timeout=5
ochp_timeout=5
perfdata_timeout=5
retain_state_information=1
state_retention_file=var/retention.dat
retention_update_interval=60
use_retained_program_state=1
use_retained_scheduling_info=1
interval_length=60
check_for_updates=0
bare_update_check=0
use_aggressive_host_checking=0
execute_service_checks=1
accept_passive_service_checks=1
execute_host_checks=1
accept_passive_host_checks=1
enable_notifications=1
enable_event_handlers=1
process_performance_data=0
obsess_over_services=0
obsess_over_hosts=0
translate_passive_host_checks=0
passive_host_checks_are_soft=0
check_for_orphaned_services=1
check_for_orphaned_hosts=1
check_service_freshness=1
service_freshness_check_interval=60
service_check_timeout_state=c
check_host_freshness=0
host_freshness_check_interval=60
additional_freshness_latency=15
enable_flap_detection=1
low_service_flap_threshold=5.0
high_service_flap_threshold=20.0
low_host_flap_threshold=5.0
high_host_flap_threshold=20.0
date_format=iso8601
illegal_object_name_chars=`~!$%^&*|'\"<>?,()=
illegal_macro_output_chars=`~$&|'\"<>
use_regexp_matching=0
use_true_regexp_matching=0
admin_email=nagios@example.invalid
admin_pager=pagenagios@example.invalid
daemon_dumps_core=0
use_large_installation_tweaks=0
enable_environment_macros=0
allow_empty_hostgroup_assignment=0
debug_level=0
debug_verbosity=1
debug_file=var/nagios.debug
max_debug_file_size=1000000
",
    );
    s
}

fn resource_cfg() -> String {
    let mut s = String::new();
    banner(
        &mut s,
        "RESOURCE.CFG - $USERn$ macros",
        &["$USER3$ is a FAKE secret: nag2prom must never copy it into its output."],
    );
    s.push_str("$USER1$=/usr/lib/nagios/plugins\n$USER3$=gen-fake-secret\n");
    s
}

const WEEK: [&str; 7] =
    ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

fn timeperiods() -> String {
    let mut s = String::new();
    banner(
        &mut s,
        "timeperiods.cfg",
        &[
            "us-holidays is also a template (name + timeperiod_name): 24x7-sans-holidays",
            "inherits its 00:00-00:00 (no time at all) exceptions with 'use'. workhours and",
            "backup-window 'exclude' company-holidays instead.",
        ],
    );
    open(&mut s, "timeperiod");
    kv(&mut s, "timeperiod_name", "24x7");
    kv(&mut s, "alias", "24 Hours A Day, 7 Days A Week");
    for day in WEEK {
        kv(&mut s, day, "00:00-24:00");
    }
    close(&mut s);
    open(&mut s, "timeperiod");
    kv(&mut s, "timeperiod_name", "workhours");
    kv(&mut s, "alias", "Normal Work Hours");
    for day in &WEEK[1..6] {
        kv(&mut s, day, "09:00-17:00");
    }
    kv(&mut s, "exclude", "company-holidays");
    close(&mut s);
    open(&mut s, "timeperiod");
    kv(&mut s, "timeperiod_name", "nonworkhours");
    kv(&mut s, "alias", "Non-Work Hours");
    for (i, day) in WEEK.iter().enumerate() {
        kv(&mut s, day, if i == 0 || i == 6 { "00:00-24:00" } else { "00:00-09:00,17:00-24:00" });
    }
    close(&mut s);
    define(
        &mut s,
        "timeperiod",
        &[
            ("timeperiod_name", "company-holidays"),
            ("alias", "Company holidays"),
            ("january 1", "00:00-24:00"),
            ("monday -1 may", "00:00-24:00"),
            ("december 24 - 26", "00:00-24:00"),
            ("2026-12-31", "00:00-24:00"),
        ],
    );
    define(
        &mut s,
        "timeperiod",
        &[
            ("name", "us-holidays"),
            ("timeperiod_name", "us-holidays"),
            ("alias", "U.S. Holidays"),
            ("january 1", "00:00-00:00"),
            ("monday -1 may", "00:00-00:00"),
            ("july 4", "00:00-00:00"),
            ("monday 1 september", "00:00-00:00"),
            ("thursday 4 november", "00:00-00:00"),
            ("december 25", "00:00-00:00"),
        ],
    );
    open(&mut s, "timeperiod");
    kv(&mut s, "timeperiod_name", "24x7-sans-holidays");
    kv(&mut s, "alias", "24x7 Sans Holidays");
    kv(&mut s, "use", "us-holidays");
    for day in WEEK {
        kv(&mut s, day, "00:00-24:00");
    }
    close(&mut s);
    open(&mut s, "timeperiod");
    kv(&mut s, "timeperiod_name", "backup-window");
    kv(&mut s, "alias", "Nightly backup window");
    for day in WEEK {
        kv(&mut s, day, "01:00-05:00");
    }
    kv(&mut s, "day 1", "00:00-06:00");
    kv(&mut s, "exclude", "company-holidays");
    close(&mut s);
    s
}

const COMMANDS: &[(&str, &str)] = &[
    ("check-host-alive", "$USER1$/check_ping -H $HOSTADDRESS$ -w 3000.0,80% -c 5000.0,100% -p 1"),
    ("check_ping", "$USER1$/check_ping -H $HOSTADDRESS$ -w $ARG1$ -c $ARG2$ -p 5"),
    ("check_http", "$USER1$/check_http -H $HOSTADDRESS$ -p $ARG1$ -u $ARG2$ -w 2 -c 5"),
    (
        "check_https",
        "$USER1$/check_http -H $HOSTADDRESS$ --ssl --sni -p $ARG1$ -w $ARG2$ -c $ARG3$",
    ),
    ("check_cert", "$USER1$/check_http -H $HOSTADDRESS$ --ssl -C $ARG1$"),
    ("check_disk", "$USER1$/check_disk -w $ARG1$ -c $ARG2$ -p $ARG3$"),
    ("check_load", "$USER1$/check_load -w $ARG1$ -c $ARG2$"),
    ("check_swap", "$USER1$/check_swap -w $ARG1$ -c $ARG2$"),
    ("check_procs", "$USER1$/check_procs -w $ARG1$ -c $ARG2$ -s $ARG3$"),
    ("check_users", "$USER1$/check_users -w $ARG1$ -c $ARG2$"),
    ("check_ssh", "$USER1$/check_ssh -H $HOSTADDRESS$"),
    ("check_tcp", "$USER1$/check_tcp -H $HOSTADDRESS$ -p $ARG1$"),
    ("check_smtp", "$USER1$/check_smtp -H $HOSTADDRESS$"),
    ("check_ntp_time", "$USER1$/check_ntp_time -H $HOSTADDRESS$ -w $ARG1$ -c $ARG2$"),
    ("check_dns", "$USER1$/check_dns -H $ARG1$ -s $HOSTADDRESS$"),
    ("check_mysql", "$USER1$/check_mysql -H $HOSTADDRESS$ -u $ARG1$ -p $USER3$"),
    ("check_nt", "$USER1$/check_nt -H $HOSTADDRESS$ -p 12489 -v $ARG1$ $ARG2$"),
    ("check_dummy", "$USER1$/check_dummy $ARG1$ \"$ARG2$\""),
    ("bounce-uplink", "/bin/true \"$HOSTNAME$\" $HOSTSTATE$ $HOSTSTATETYPE$ $HOSTATTEMPT$"),
    (
        "notify-host-by-email",
        "/bin/true \"** $NOTIFICATIONTYPE$ Host Alert: $HOSTNAME$ is $HOSTSTATE$ **\" \
         \"$CONTACTEMAIL$\" \"$HOSTOUTPUT$\"",
    ),
    (
        "notify-service-by-email",
        "/bin/true \"** $NOTIFICATIONTYPE$ Service Alert: $HOSTALIAS$/$SERVICEDESC$ is \
         $SERVICESTATE$ **\" \"$CONTACTEMAIL$\" \"$SERVICEOUTPUT$\"",
    ),
    (
        "notify-host-by-pager",
        "/bin/true \"$NOTIFICATIONTYPE$ $HOSTNAME$ $HOSTSTATE$\" \"$CONTACTPAGER$\"",
    ),
    (
        "notify-service-by-pager",
        "/bin/true \"$NOTIFICATIONTYPE$ $HOSTNAME$/$SERVICEDESC$ $SERVICESTATE$\" \"$CONTACTPAGER$\"",
    ),
];

fn commands() -> String {
    let mut s = String::new();
    banner(
        &mut s,
        "commands.cfg",
        &["Notification and event handler commands are /bin/true stand-ins: nothing is sent."],
    );
    for (name, line) in COMMANDS {
        define(&mut s, "command", &[("command_name", name), ("command_line", line)]);
    }
    s
}

const CONTACTS: &[&[(&str, &str)]] = &[
    &[
        ("name", "generic-contact"),
        ("host_notification_period", "24x7"),
        ("service_notification_period", "24x7"),
        ("host_notification_options", "d,u,r,f,s"),
        ("service_notification_options", "w,u,c,r,f,s"),
        ("host_notification_commands", "notify-host-by-email"),
        ("service_notification_commands", "notify-service-by-email"),
        ("can_submit_commands", "1"),
        ("register", "0"),
    ],
    &[
        ("contact_name", "nagiosadmin"),
        ("use", "generic-contact"),
        ("alias", "Nagios Admin"),
        ("email", "nagios-admin@example.invalid"),
    ],
    &[
        ("contact_name", "alice"),
        ("use", "generic-contact"),
        ("alias", "Alice (sysadmin)"),
        ("email", "alice@example.invalid"),
        ("pager", "+15555550101"),
        ("_TEAM", "platform"),
    ],
    &[
        ("contact_name", "bob"),
        ("use", "generic-contact"),
        ("alias", "Bob (web)"),
        ("email", "bob@example.invalid"),
        ("service_notification_options", "w,c,r"),
        ("_TEAM", "web"),
    ],
    &[
        ("contact_name", "carol"),
        ("use", "generic-contact"),
        ("alias", "Carol (DBA)"),
        ("email", "carol@example.invalid"),
        ("_TEAM", "databases"),
    ],
    &[
        ("contact_name", "dave"),
        ("use", "generic-contact"),
        ("alias", "Dave (DBA, office hours)"),
        ("email", "dave@example.invalid"),
        ("contactgroups", "dba"),
        ("host_notification_period", "workhours"),
        ("service_notification_period", "workhours"),
        ("_TEAM", "databases"),
    ],
    &[
        ("contact_name", "erin"),
        ("use", "generic-contact"),
        ("alias", "Erin (network)"),
        ("email", "erin@example.invalid"),
        ("host_notification_options", "d,u,r"),
        ("_TEAM", "network"),
    ],
    &[
        ("contact_name", "frank"),
        ("use", "generic-contact"),
        ("alias", "Frank (Windows)"),
        ("email", "frank@example.invalid"),
        ("_TEAM", "windows"),
    ],
    &[
        ("contact_name", "grace"),
        ("use", "generic-contact"),
        ("alias", "Grace (web, services only)"),
        ("email", "grace@example.invalid"),
        ("host_notifications_enabled", "0"),
        ("_TEAM", "web"),
    ],
    &[
        ("contact_name", "oncall-pager"),
        ("use", "generic-contact"),
        ("alias", "On-call pager"),
        ("pager", "oncall@sms.example.invalid"),
        ("host_notification_period", "nonworkhours"),
        ("service_notification_period", "nonworkhours"),
        ("host_notification_options", "d,r"),
        ("service_notification_options", "c,r"),
        ("host_notification_commands", "notify-host-by-pager"),
        ("service_notification_commands", "notify-service-by-pager"),
        ("_PAGER_ID", "4711"),
    ],
];

const CONTACT_NAMES: [&str; 9] =
    ["nagiosadmin", "alice", "bob", "carol", "dave", "erin", "frank", "grace", "oncall-pager"];

const CONTACTGROUPS: &[&[(&str, &str)]] = &[
    &[
        ("contactgroup_name", "admins"),
        ("alias", "Nagios Administrators"),
        ("members", "nagiosadmin,alice"),
    ],
    &[("contactgroup_name", "network"), ("alias", "Network team"), ("members", "erin,alice")],
    &[("contactgroup_name", "web-team"), ("alias", "Web team"), ("members", "bob,grace")],
    &[("contactgroup_name", "dba"), ("alias", "Database administrators"), ("members", "carol")],
    &[
        ("contactgroup_name", "windows-admins"),
        ("alias", "Windows administrators"),
        ("members", "frank"),
    ],
    &[("contactgroup_name", "oncall"), ("alias", "On-call rota"), ("members", "oncall-pager")],
    &[
        ("contactgroup_name", "escalation"),
        ("alias", "Escalation: admins and on-call"),
        ("members", "nagiosadmin"),
        ("contactgroup_members", "admins,oncall"),
    ],
    &[
        ("contactgroup_name", "everyone"),
        ("alias", "Every team"),
        ("contactgroup_members", "admins,network,web-team,dba,windows-admins"),
    ],
];

fn contacts() -> String {
    let mut s = String::new();
    banner(
        &mut s,
        "contacts.cfg",
        &["dave joins dba through his own 'contactgroups'; escalation and everyone nest groups."],
    );
    for c in CONTACTS {
        define(&mut s, "contact", c);
    }
    for g in CONTACTGROUPS {
        define(&mut s, "contactgroup", g);
    }
    s
}

const HOST_TEMPLATES: &[&[(&str, &str)]] = &[
    &[
        ("name", "generic-host"),
        ("check_command", "check-host-alive"),
        ("check_period", "24x7"),
        ("check_interval", "5"),
        ("retry_interval", "1"),
        ("max_check_attempts", "3"),
        ("notifications_enabled", "1"),
        ("event_handler_enabled", "1"),
        ("flap_detection_enabled", "1"),
        ("process_perf_data", "1"),
        ("retain_status_information", "1"),
        ("retain_nonstatus_information", "1"),
        ("notification_period", "24x7"),
        ("notification_interval", "60"),
        ("notification_options", "d,u,r"),
        ("contact_groups", "admins"),
        ("notes_url", "https://wiki.example.invalid/hosts/$HOSTNAME$"),
        ("register", "0"),
    ],
    &[
        ("name", "linux-host"),
        ("use", "generic-host"),
        ("hostgroups", "linux"),
        ("icon_image", "base/linux40.png"),
        ("_OS", "linux"),
        ("register", "0"),
    ],
    &[
        ("name", "windows-host"),
        ("use", "generic-host"),
        ("hostgroups", "windows"),
        ("contact_groups", "+windows-admins"),
        ("notes_url", "null"),
        ("icon_image", "base/win40.png"),
        ("_OS", "windows"),
        ("register", "0"),
    ],
    &[
        ("name", "router-host"),
        ("use", "generic-host"),
        ("hostgroups", "routers"),
        ("contact_groups", "+network"),
        ("max_check_attempts", "5"),
        ("event_handler", "bounce-uplink"),
        ("_OS", "ios"),
        ("register", "0"),
    ],
];

const SERVICE_TEMPLATES: &[&[(&str, &str)]] = &[
    &[
        ("name", "generic-service"),
        ("active_checks_enabled", "1"),
        ("passive_checks_enabled", "1"),
        ("obsess_over_service", "1"),
        ("check_freshness", "0"),
        ("notifications_enabled", "1"),
        ("event_handler_enabled", "1"),
        ("flap_detection_enabled", "1"),
        ("process_perf_data", "1"),
        ("retain_status_information", "1"),
        ("retain_nonstatus_information", "1"),
        ("is_volatile", "0"),
        ("check_period", "24x7"),
        ("max_check_attempts", "3"),
        ("check_interval", "5"),
        ("retry_interval", "1"),
        ("contact_groups", "admins"),
        ("notification_options", "w,u,c,r"),
        ("notification_interval", "60"),
        ("notification_period", "24x7"),
        ("register", "0"),
    ],
    &[
        ("name", "graphed-service"),
        (
            "action_url",
            "https://grafana.example.invalid/d/nagios?var-host=$HOSTNAME$&var-service=$SERVICEDESC$",
        ),
        ("register", "0"),
    ],
    &[
        ("name", "lowprio-service"),
        ("use", "generic-service"),
        ("check_period", "24x7-sans-holidays"),
        ("check_interval", "15"),
        ("retry_interval", "5"),
        ("notification_period", "workhours"),
        ("notification_options", "c,r"),
        ("register", "0"),
    ],
    &[
        ("name", "db-service"),
        ("use", "generic-service"),
        ("contact_groups", "+dba"),
        ("notification_interval", "30"),
        ("_RUNBOOK", "https://wiki.example.invalid/runbooks/db"),
        ("register", "0"),
    ],
    &[
        ("name", "passive-service"),
        ("use", "generic-service"),
        ("active_checks_enabled", "0"),
        ("passive_checks_enabled", "1"),
        ("check_freshness", "1"),
        ("freshness_threshold", "93600"),
        ("check_period", "backup-window"),
        ("max_check_attempts", "1"),
        ("register", "0"),
    ],
];

fn templates(plan: &Plan) -> String {
    let mut s = String::new();
    banner(
        &mut s,
        "templates.cfg - host and service templates (register 0)",
        &[
            "Servers use two templates, e.g. 'use linux-host,site-a-host': the first wins for",
            "every directive both define, so site templates only add _SITE and notes.",
            "windows-host cancels the inherited notes_url with 'null'.",
        ],
    );
    for t in HOST_TEMPLATES {
        define(&mut s, "host", t);
    }
    for site in 0..plan.sites {
        let letter = site_letter(site);
        open(&mut s, "host");
        kv(&mut s, "name", format_args!("site-{letter}-host"));
        kv(&mut s, "notes", format_args!("Datacenter {}", letter.to_ascii_uppercase()));
        kv(&mut s, "_SITE", format_args!("site-{letter}"));
        kv(&mut s, "register", "0");
        close(&mut s);
    }
    for t in SERVICE_TEMPLATES {
        define(&mut s, "service", t);
    }
    s
}

fn hostgroups(plan: &Plan) -> String {
    let mut s = String::new();
    banner(
        &mut s,
        "hostgroups.cfg",
        &[
            "Role groups get their members from the hosts' 'hostgroups' (and templates);",
            "racks list 'members'; sites nest racks with 'hostgroup_members'.",
        ],
    );
    for (name, alias) in [
        ("routers", "Routers"),
        ("linux", "Linux servers"),
        ("windows", "Windows servers"),
        ("web", "Web servers"),
        ("app", "Application servers"),
        ("db", "Database servers"),
        ("cache", "Cache servers"),
        ("lb", "Load balancers"),
    ] {
        define(&mut s, "hostgroup", &[("hostgroup_name", name), ("alias", alias)]);
    }
    define(
        &mut s,
        "hostgroup",
        &[
            ("hostgroup_name", "servers"),
            ("alias", "All servers"),
            ("hostgroup_members", "linux,windows"),
        ],
    );
    define(
        &mut s,
        "hostgroup",
        &[("hostgroup_name", "all-hosts"), ("alias", "Every host"), ("members", "*")],
    );
    let mut list = String::new();
    for (site, racks) in plan.racks.iter().enumerate() {
        let letter = site_letter(site);
        for rack in racks {
            list.clear();
            for (i, &h) in rack.hosts.iter().enumerate() {
                if i > 0 {
                    list.push(',');
                }
                list.push_str(&plan.hosts[h].name);
            }
            open(&mut s, "hostgroup");
            kv(&mut s, "hostgroup_name", format_args!("rack-{}", rack.name));
            kv(&mut s, "alias", format_args!("Rack {}", rack.name.to_ascii_uppercase()));
            kv(&mut s, "members", &list);
            close(&mut s);
        }
        list.clear();
        for (i, rack) in racks.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            let _ = write!(list, "rack-{}", rack.name);
        }
        open(&mut s, "hostgroup");
        kv(&mut s, "hostgroup_name", format_args!("site-{letter}"));
        kv(&mut s, "alias", format_args!("Datacenter {}", letter.to_ascii_uppercase()));
        kv(&mut s, "members", format_args!("router-{:03}", site + 2));
        kv(&mut s, "hostgroup_members", &list);
        close(&mut s);
    }
    s
}

fn host_chunk(plan: &Plan, first: usize, hosts: &[Host]) -> String {
    let mut s = String::with_capacity(hosts.len() * 420 + 400);
    banner(
        &mut s,
        &format!("hosts {}-{}", first + 1, first + hosts.len()),
        &["Addresses are in 127.0.0.0/8; 'hostgroups +web' adds to the template's 'linux'."],
    );
    for (i, h) in hosts.iter().enumerate() {
        let index = first + i;
        open(&mut s, "host");
        match (h.role, h.site) {
            (CORE, _) | (_, None) => {
                kv(&mut s, "use", "router-host");
                kv(&mut s, "host_name", &h.name);
                kv(&mut s, "alias", "Core router");
                kv(&mut s, "address", address(index));
                kv(&mut s, "event_handler", "null");
                kv(&mut s, "_SITE", "core");
                kv(&mut s, "_RACK", "core");
            }
            (ROUTER, Some(site)) => {
                let letter = site_letter(site);
                kv(&mut s, "use", format_args!("router-host,site-{letter}-host"));
                kv(&mut s, "host_name", &h.name);
                kv(&mut s, "alias", format_args!("Site {} router", letter.to_ascii_uppercase()));
                kv(&mut s, "address", address(index));
                kv(&mut s, "parents", "router-001");
                kv(&mut s, "_RACK", format_args!("{letter}-net"));
            }
            (role, Some(site)) => {
                let (_, alias, template, group) = role_info(role);
                let letter = site_letter(site);
                kv(&mut s, "use", format_args!("{template},site-{letter}-host"));
                kv(&mut s, "host_name", &h.name);
                kv(&mut s, "alias", format_args!("{alias} {}", h.name));
                kv(&mut s, "address", address(index));
                kv(&mut s, "parents", format_args!("router-{:03}", site + 2));
                if let Some(group) = group {
                    kv(&mut s, "hostgroups", format_args!("+{group}"));
                }
                match role {
                    DB => kv(&mut s, "contact_groups", "+dba"),
                    WEB | LB => kv(&mut s, "contact_groups", "+web-team"),
                    _ => {}
                }
                match h.tweak {
                    0..5 => kv(&mut s, "max_check_attempts", "5"),
                    5..8 => kv(&mut s, "check_interval", "2"),
                    8..9 => {
                        kv(&mut s, "notifications_enabled", "0");
                        kv(&mut s, "notes", "Being decommissioned");
                    }
                    _ => {}
                }
                if let Some(rack) = h.rack.and_then(|r| plan.racks[site].get(r)) {
                    kv(&mut s, "_RACK", &rack.name);
                }
            }
        }
        close(&mut s);
    }
    s
}

/// The depth of the `deep-templates` service template chain.
const DEPTH: usize = 8;

/// The `deep-templates` chain: `deep-1` uses `deep-2,TEMPLATE`'s first template … `deep-8`
/// uses the service's own templates; each level sets a custom variable and one adds `+`.
fn deep_templates() -> String {
    let mut s = String::new();
    for level in 1..=DEPTH {
        open(&mut s, "service");
        kv(&mut s, "name", format_args!("deep-{level}"));
        if level < DEPTH {
            kv(&mut s, "use", format_args!("deep-{}", level + 1));
        }
        kv(&mut s, format_args!("_LEVEL{level}").to_string().as_str(), level);
        if level == 3 {
            kv(&mut s, "servicegroups", "+deep-services");
        }
        kv(&mut s, "register", "0");
        close(&mut s);
    }
    define(&mut s, "servicegroup", &[("servicegroup_name", "deep-services"), ("alias", "Deep")]);
    s
}

/// One service definition.
fn service(s: &mut String, template: &str, scope: (&str, &str), desc: &str, command: &str) {
    open(s, "service");
    kv(s, "use", template);
    kv(s, scope.0, scope.1);
    kv(s, "service_description", desc);
    kv(s, "check_command", command);
}

/// Every host's services, one definition each (`per-host` and `many-files`), by host.
fn per_host_services(plan: &Plan) -> Vec<String> {
    plan.hosts
        .iter()
        .map(|h| {
            let mut s = String::new();
            for &i in &plan.services {
                let def = &SERVICES[i];
                if def.roles & h.role == 0 {
                    continue;
                }
                service(&mut s, def.template, ("host_name", &h.name), def.desc, def.command);
                for (key, value) in def.more {
                    kv(&mut s, key, value);
                }
                close(&mut s);
            }
            for k in 0..h.extras {
                let (desc, template, command) = extra(k);
                service(&mut s, template, ("host_name", &h.name), &desc, &command);
                close(&mut s);
            }
            s
        })
        .collect()
}

/// `wide-groups`: one host group per role listing its hosts in `members`.
fn wide_groups(plan: &Plan) -> String {
    let mut s = String::new();
    for bit in 0..8u16 {
        let role = 1u16 << bit;
        let members: Vec<&str> =
            plan.hosts.iter().filter(|h| h.role == role).map(|h| h.name.as_str()).collect();
        if members.is_empty() {
            continue;
        }
        open(&mut s, "hostgroup");
        kv(&mut s, "hostgroup_name", format_args!("wide-{bit}"));
        kv(&mut s, "alias", format_args!("Every host of role {bit}"));
        kv(&mut s, "members", members.join(","));
        close(&mut s);
    }
    s
}

/// The `wide-groups` scope of a definition expanding to `roles`.
fn wide_scope(plan: &Plan, roles: u16) -> String {
    (0..8u16)
        .filter(|bit| roles & (1 << bit) != 0 && plan.hosts.iter().any(|h| h.role == 1 << bit))
        .map(|bit| format!("wide-{bit}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn services(plan: &Plan, shape: Shape) -> String {
    let mut s = String::new();
    if shape == Shape::DeepTemplates {
        s.push_str(&deep_templates());
    }
    if shape == Shape::WideGroups {
        s.push_str(&wide_groups(plan));
    }
    if shape == Shape::PerHost {
        for host in per_host_services(plan) {
            s.push_str(&host);
        }
    }
    banner(
        &mut s,
        "services.cfg - services and service groups",
        &[&format!(
            "{} services after expansion over {} hosts.",
            plan.n_services,
            plan.hosts.len()
        )],
    );
    let grouped = matches!(shape, Shape::Hostgroups | Shape::DeepTemplates | Shape::WideGroups);
    for &i in plan.services.iter().filter(|_| grouped) {
        let def = &SERVICES[i];
        let template = match shape {
            Shape::DeepTemplates => format!("deep-1,{}", def.template),
            _ => def.template.to_owned(),
        };
        let wide;
        let scope = match shape {
            Shape::WideGroups => {
                wide = wide_scope(plan, def.roles);
                ("hostgroup_name", wide.as_str())
            }
            _ => def.scope,
        };
        service(&mut s, &template, scope, def.desc, def.command);
        for (key, value) in def.more {
            kv(&mut s, key, value);
        }
        close(&mut s);
    }
    if grouped && plan.extra_kinds > 0 {
        let _ =
            writeln!(s, "# Services on explicit host lists ({LIST_CHUNK} hosts per definition).\n");
    }
    let mut list = String::new();
    for k in (0..plan.extra_kinds).filter(|_| grouped) {
        let (desc, template, command) = extra(k);
        let mut chosen = plan.hosts.iter().filter(|h| h.extras > k).peekable();
        while chosen.peek().is_some() {
            list.clear();
            for (i, h) in chosen.by_ref().take(LIST_CHUNK).enumerate() {
                if i > 0 {
                    list.push(',');
                }
                list.push_str(&h.name);
            }
            open(&mut s, "service");
            kv(&mut s, "use", template);
            kv(&mut s, "host_name", &list);
            kv(&mut s, "service_description", &desc);
            kv(&mut s, "check_command", &command);
            close(&mut s);
        }
    }

    // Service groups: 'members' host,service pairs and nested groups.
    let pairs = |role: u16, desc: &str| -> String {
        let mut out = String::new();
        for (i, name) in plan.names(role, 20).enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{name},{desc}");
        }
        out
    };
    let mut nested = Vec::new();
    if plan.has("HTTP") {
        nested.push("web-frontends");
        define(
            &mut s,
            "servicegroup",
            &[
                ("servicegroup_name", "web-frontends"),
                ("alias", "Web front ends"),
                ("members", &pairs(WEB, "HTTP")),
            ],
        );
    }
    if plan.has("MySQL") {
        nested.push("databases");
        define(
            &mut s,
            "servicegroup",
            &[
                ("servicegroup_name", "databases"),
                ("alias", "Databases"),
                ("members", &pairs(DB, "MySQL")),
            ],
        );
    }
    if ["Disk /", "Disk C:", "Disk /var"].iter().any(|d| plan.has(d)) {
        define(
            &mut s,
            "servicegroup",
            &[("servicegroup_name", "disks"), ("alias", "Disk space (from 'servicegroups')")],
        );
    }
    open(&mut s, "servicegroup");
    kv(&mut s, "servicegroup_name", "business-critical");
    kv(&mut s, "alias", "Business critical");
    kv(&mut s, "members", "router-001,BGP");
    if !nested.is_empty() {
        kv(&mut s, "servicegroup_members", nested.join(","));
    }
    close(&mut s);
    s
}

fn escalations(plan: &Plan) -> String {
    let mut s = String::new();
    banner(&mut s, "escalations.cfg", &["Escalations on host groups, hosts and service groups."]);
    define(
        &mut s,
        "hostescalation",
        &[
            ("hostgroup_name", "routers"),
            ("first_notification", "2"),
            ("last_notification", "0"),
            ("notification_interval", "30"),
            ("escalation_period", "24x7"),
            ("escalation_options", "d,u,r"),
            ("contact_groups", "network,oncall"),
        ],
    );
    define(
        &mut s,
        "hostescalation",
        &[
            ("hostgroup_name", "db,web"),
            ("first_notification", "3"),
            ("last_notification", "6"),
            ("notification_interval", "60"),
            ("escalation_period", "nonworkhours"),
            ("escalation_options", "d,r"),
            ("contact_groups", "escalation"),
        ],
    );
    define(
        &mut s,
        "serviceescalation",
        &[
            ("host_name", "router-001"),
            ("service_description", "BGP"),
            ("first_notification", "1"),
            ("last_notification", "0"),
            ("notification_interval", "15"),
            ("contact_groups", "network,oncall"),
        ],
    );
    if plan.has("MySQL") {
        define(
            &mut s,
            "serviceescalation",
            &[
                ("hostgroup_name", "db"),
                ("service_description", "MySQL"),
                ("first_notification", "2"),
                ("last_notification", "5"),
                ("notification_interval", "30"),
                ("escalation_options", "w,c,r"),
                ("contact_groups", "dba,oncall"),
            ],
        );
        define(
            &mut s,
            "serviceescalation",
            &[
                ("servicegroup_name", "databases"),
                ("first_notification", "6"),
                ("last_notification", "0"),
                ("notification_interval", "60"),
                ("contact_groups", "escalation"),
            ],
        );
    }
    let web: Vec<&str> = ["HTTP", "HTTPS"].into_iter().filter(|d| plan.has(d)).collect();
    if !web.is_empty() {
        define(
            &mut s,
            "serviceescalation",
            &[
                ("hostgroup_name", "web"),
                ("service_description", &web.join(",")),
                ("first_notification", "3"),
                ("last_notification", "0"),
                ("notification_interval", "45"),
                ("escalation_period", "workhours"),
                ("contact_groups", "web-team,escalation"),
            ],
        );
    }
    s
}

fn dependencies(plan: &Plan) -> String {
    let mut s = String::new();
    banner(
        &mut s,
        "dependencies.cfg",
        &[
            "Service dependencies without dependent_host_name/dependent_hostgroup_name are",
            "same-host: the master service is on the dependent host.",
        ],
    );
    let routers: Vec<String> =
        (0..plan.sites).map(|site| format!("router-{:03}", site + 2)).collect();
    define(
        &mut s,
        "hostdependency",
        &[
            ("host_name", "router-001"),
            ("dependent_host_name", &routers.join(",")),
            ("notification_failure_criteria", "d,u"),
            ("execution_failure_criteria", "n"),
        ],
    );
    let db = plan.first(DB);
    define(
        &mut s,
        "hostdependency",
        &[
            ("host_name", db),
            ("dependent_hostgroup_name", "app"),
            ("dependency_period", "24x7"),
            ("notification_failure_criteria", "d"),
            ("execution_failure_criteria", "n"),
        ],
    );
    let dependents: Vec<&str> =
        ["Disk /", "Load", "Procs"].into_iter().filter(|d| plan.has(d)).collect();
    if plan.has("SSH") && !dependents.is_empty() {
        define(
            &mut s,
            "servicedependency",
            &[
                ("hostgroup_name", "linux"),
                ("service_description", "SSH"),
                ("dependent_service_description", &dependents.join(",")),
                ("execution_failure_criteria", "n"),
                ("notification_failure_criteria", "c,u"),
            ],
        );
    }
    if plan.has("HTTP") && plan.has("HTTPS") {
        define(
            &mut s,
            "servicedependency",
            &[
                ("hostgroup_name", "web"),
                ("service_description", "HTTP"),
                ("dependent_service_description", "HTTPS"),
                ("inherits_parent", "1"),
                ("notification_failure_criteria", "w,c,u"),
            ],
        );
    }
    if plan.has("MySQL") && plan.has("Backup job") {
        define(
            &mut s,
            "servicedependency",
            &[
                ("hostgroup_name", "db"),
                ("service_description", "MySQL"),
                ("dependent_service_description", "Backup job"),
                ("execution_failure_criteria", "c"),
                ("notification_failure_criteria", "c,u"),
            ],
        );
    }
    if plan.has("MySQL") && plan.has("App health") {
        define(
            &mut s,
            "servicedependency",
            &[
                ("host_name", db),
                ("service_description", "MySQL"),
                ("dependent_hostgroup_name", "app"),
                ("dependent_service_description", "App health"),
                ("notification_failure_criteria", "c"),
                ("execution_failure_criteria", "n"),
            ],
        );
    }
    s
}

// ---------------------------------------------------------------------------------------
// status.dat

const NOW: u64 = 1_795_479_023;
const WORDS: [&str; 4] = ["OK", "WARNING", "CRITICAL", "UNKNOWN"];

/// Plugin output and perf data of `command` in `state` (0..=3).
fn check_output(rng: &mut Rng, command: &str, state: u64, address: &str) -> (String, String) {
    let word = WORDS[(state % 4) as usize];
    let mut args = command.split('!');
    let plugin = args.next().unwrap_or_default();
    match plugin {
        "check_ping" => {
            let rta = rng.float(100, 3);
            let pl = if state == 2 { 100 } else { rng.below(5) };
            (
                format!("PING {word} - Packet loss = {pl}%, RTA = {rta:.2} ms"),
                format!("rta={rta:.6}ms;100.000000;500.000000;0.000000 pl={pl}%;20;60;0"),
            )
        }
        "check_disk" => {
            let mount = args.nth(2).unwrap_or("/");
            let total = 4000 + rng.below(60_000);
            let used = rng.below(total);
            let free = total - used;
            (
                format!(
                    "DISK {word} - free space: {mount} {free} MB ({}% inode=97%):",
                    free * 100 / total
                ),
                format!("'{mount}'={used}MB;{};{};0;{total}", total * 8 / 10, total * 9 / 10),
            )
        }
        "check_load" => {
            let (a, b, c) = (rng.float(8, 2), rng.float(6, 2), rng.float(4, 2));
            (
                format!("{word} - load average: {a:.2}, {b:.2}, {c:.2}"),
                format!(
                    "load1={a:.3};5.000;10.000;0; load5={b:.3};4.000;6.000;0; \
                     load15={c:.3};3.000;4.000;0;"
                ),
            )
        }
        "check_swap" => {
            let total = 2048 + rng.below(6144);
            let free = rng.below(total);
            (
                format!("SWAP {word} - {}% free ({free} MB out of {total} MB)", free * 100 / total),
                format!("swap={free}MB;{};{};0;{total}", total / 5, total / 10),
            )
        }
        "check_procs" => {
            let n = rng.below(300);
            (format!("PROCS {word}: {n} processes"), format!("procs={n};250;400;0;"))
        }
        "check_http" | "check_https" | "check_cert" => {
            let t = rng.float(2, 6);
            let size = 500 + rng.below(90_000);
            (
                format!(
                    "HTTP {word}: HTTP/1.1 200 OK - {size} bytes in {t:.3} second response time"
                ),
                format!("time={t:.6}s;2.000000;5.000000;0.000000 size={size}B;;;0"),
            )
        }
        "check_tcp" | "check_smtp" | "check_ssh" => {
            let t = rng.float(1, 6);
            (
                format!("TCP {word} - {t:.3} second response time on {address}"),
                format!("time={t:.6}s;;;0.000000;10.000000"),
            )
        }
        "check_nt" => {
            let v = rng.below(100);
            (
                format!("{word}: {} {v}%", args.next().unwrap_or("NT")),
                format!("'value'={v}%;80;90;0;100"),
            )
        }
        "check_mysql" => (
            format!(
                "Uptime: {}  Threads: {}  Questions: {}  Slow queries: 0  Opens: 512  \
                 Flush tables: 1  Open tables: 400  Queries per second avg: {:.3}",
                rng.below(10_000_000),
                1 + rng.below(40),
                rng.below(100_000_000),
                rng.float(500, 3)
            ),
            String::new(),
        ),
        "check_ntp_time" => {
            let offset = rng.float(1, 6);
            (
                format!("NTP {word}: Offset {offset:.6} secs"),
                format!("offset={offset:.6}s;0.500000;1.000000;"),
            )
        }
        "check_dummy" => (args.nth(1).unwrap_or("OK").to_owned(), String::new()),
        _ => {
            let v = rng.below(100);
            (format!("{plugin} {word} - value {v}"), format!("value={v};80;90;0;100"))
        }
    }
}

struct Note {
    host: usize,
    service: Option<String>,
    acked: bool,
    downtime: bool,
}

/// `var/status.dat` as parts (written in order): header, hosts and services, the rest.
fn status_dat(plan: &Plan, seed: u64) -> [String; 3] {
    let mut rng = Rng::new(seed ^ 0x5354_4154_5553);
    let mut body = String::with_capacity(plan.hosts.len() * 1500 + plan.n_services * 1500);
    let mut notes = Vec::new();
    let mut down = vec![false; plan.hosts.len()];
    let (mut n_scheduled, mut n_passive) = (0usize, 0usize);
    for (i, h) in plan.hosts.iter().enumerate() {
        let is_down = h.role & (CORE | ROUTER) == 0 && rng.chance(2);
        down[i] = is_down;
        let acked = is_down && rng.chance(50);
        let downtime = h.tweak == 8 || (is_down && !acked && rng.chance(20));
        if acked || downtime {
            notes.push(Note { host: i, service: None, acked, downtime });
        }
        let state = u8::from(is_down);
        let last_check = NOW - rng.below(300);
        let addr = address(i);
        let (output, perf) = if is_down {
            (
                format!("CRITICAL - Host Unreachable ({addr})"),
                "rta=0.000000ms;3000.000000;5000.000000;0.000000 pl=100%;80;100;0".to_owned(),
            )
        } else {
            let rta = rng.float(5, 3);
            (
                format!("PING OK - Packet loss = 0%, RTA = {rta:.2} ms"),
                format!("rta={rta:.6}ms;3000.000000;5000.000000;0.000000 pl=0%;80;100;0"),
            )
        };
        let since = if is_down { NOW - rng.below(3600) } else { NOW - rng.below(10_000_000) };
        let _ = write!(
            body,
            "hoststatus {{\n\thost_name={}\n\tmodified_attributes=0\n\
             \tcheck_command=check-host-alive\n\tcheck_period=24x7\n\tnotification_period=24x7\n\
             \timportance=0\n\tcheck_interval={}.000000\n\tretry_interval=1.000000\n\
             \tevent_handler={}\n\thas_been_checked=1\n\tshould_be_scheduled=1\n\
             \tcheck_execution_time={:.3}\n\tcheck_latency={:.3}\n\tcheck_type=0\n\
             \tcurrent_state={state}\n\tlast_hard_state={state}\n\tlast_event_id=0\n\
             \tcurrent_event_id={}\n\tcurrent_problem_id={}\n\tlast_problem_id=0\n\
             \tplugin_output={output}\n\tlong_plugin_output=\n\tperformance_data={perf}\n\
             \tlast_check={last_check}\n\tnext_check={}\n\tcheck_options=0\n\
             \tcurrent_attempt=1\n\tmax_attempts={}\n\tstate_type=1\n\
             \tlast_state_change={since}\n\tlast_hard_state_change={since}\n\tlast_time_up={}\n\
             \tlast_time_down={}\n\tlast_time_unreachable=0\n\tlast_notification=0\n\
             \tnext_notification=0\n\tno_more_notifications=0\n\
             \tcurrent_notification_number={state}\n\tcurrent_notification_id=0\n\
             \tnotifications_enabled={}\n\tproblem_has_been_acknowledged={}\n\
             \tacknowledgement_type={}\n\tactive_checks_enabled=1\n\tpassive_checks_enabled=1\n\
             \tevent_handler_enabled=1\n\tflap_detection_enabled=1\n\
             \tprocess_performance_data=1\n\tobsess=1\n\tlast_update={NOW}\n\tis_flapping=0\n\
             \tpercent_state_change={:.2}\n\tscheduled_downtime_depth={}\n",
            h.name,
            if (5..8).contains(&h.tweak) { 2 } else { 5 },
            if h.role == ROUTER { "bounce-uplink" } else { "" },
            rng.float(4, 3),
            rng.float(1, 3),
            i * usize::from(is_down),
            i * usize::from(is_down),
            last_check + 300,
            match h.role {
                CORE | ROUTER => 5,
                _ if h.tweak < 5 => 5,
                _ => 3,
            },
            if is_down { since - 60 } else { last_check },
            if is_down { last_check } else { 0 },
            u8::from(h.tweak != 8),
            u8::from(acked),
            u8::from(acked),
            rng.float(30, 2),
            u8::from(downtime),
        );
        let (os, site) = match (h.role, h.site) {
            (CORE, _) | (_, None) => ("ios", "core".to_owned()),
            (ROUTER, Some(site)) => ("ios", format!("site-{}", site_letter(site))),
            (WIN, Some(site)) => ("windows", format!("site-{}", site_letter(site))),
            (_, Some(site)) => ("linux", format!("site-{}", site_letter(site))),
        };
        let rack = match (h.role, h.site, h.rack) {
            (ROUTER, Some(site), _) => format!("{}-net", site_letter(site)),
            (_, Some(site), Some(r)) => {
                plan.racks[site].get(r).map_or_else(String::new, |r| r.name.clone())
            }
            _ => "core".to_owned(),
        };
        let _ = write!(body, "\t_OS=0;{os}\n\t_RACK=0;{rack}\n\t_SITE=0;{site}\n\t}}\n\n");
    }

    let mut written = 0usize;
    for (i, h) in plan.hosts.iter().enumerate() {
        let addr = address(i);
        let defs = plan.services.iter().map(|&k| &SERVICES[k]).filter(|d| d.roles & h.role != 0);
        let base = defs.map(|d| (d.desc.to_owned(), d.template, d.command.to_owned()));
        for (desc, template, command) in base.chain((0..h.extras).map(extra)) {
            written += 1;
            let passive = template == "passive-service";
            n_passive += usize::from(passive);
            n_scheduled += usize::from(!passive);
            let state = if passive {
                u64::from(rng.chance(3)) * 2
            } else if down[i] {
                2
            } else {
                match rng.below(100) {
                    0..90 => 0,
                    90..95 => 1,
                    95..98 => 2,
                    _ => 3,
                }
            };
            let hard = state == 0 || rng.chance(80);
            let acked = state != 0 && hard && rng.chance(30);
            let downtime = rng.chance(1) && rng.chance(50);
            let (output, perf) = if passive {
                let text = if state == 0 {
                    format!("OK: nightly backup finished, {} GB", rng.below(900))
                } else {
                    "No backup result received for 26 hours".to_owned()
                };
                (text, String::new())
            } else {
                check_output(&mut rng, &command, state, &addr)
            };
            let last_check = NOW - rng.below(300);
            let since = NOW - rng.below(5_000_000);
            let long = if written.is_multiple_of(17) {
                format!("detail line 1 for {desc}\\ndetail line 2: all sub-checks passed")
            } else {
                String::new()
            };
            let _ = write!(
                body,
                "servicestatus {{\n\thost_name={}\n\tservice_description={desc}\n\
                 \tmodified_attributes=0\n\tcheck_command={command}\n\tcheck_period=24x7\n\
                 \tnotification_period=24x7\n\timportance=0\n\tcheck_interval=5.000000\n\
                 \tretry_interval=1.000000\n\tevent_handler=\n\thas_been_checked=1\n\
                 \tshould_be_scheduled={}\n\tcheck_execution_time={:.3}\n\tcheck_latency={:.3}\n\
                 \tcheck_type={}\n\tcurrent_state={state}\n\tlast_hard_state={}\n\
                 \tlast_event_id=0\n\tcurrent_event_id={}\n\tcurrent_problem_id={}\n\
                 \tlast_problem_id=0\n\tcurrent_attempt={}\n\tmax_attempts=3\n\tstate_type={}\n\
                 \tlast_state_change={since}\n\tlast_hard_state_change={since}\n\
                 \tlast_time_ok={}\n\tlast_time_warning={}\n\tlast_time_unknown={}\n\
                 \tlast_time_critical={}\n\tplugin_output={output}\n\
                 \tlong_plugin_output={long}\n\tperformance_data={perf}\n\
                 \tlast_check={last_check}\n\tnext_check={}\n\tcheck_options=0\n\
                 \tcurrent_notification_number={}\n\tcurrent_notification_id=0\n\
                 \tlast_notification=0\n\tnext_notification=0\n\tno_more_notifications=0\n\
                 \tnotifications_enabled=1\n\tactive_checks_enabled={}\n\
                 \tpassive_checks_enabled=1\n\tevent_handler_enabled=1\n\
                 \tproblem_has_been_acknowledged={}\n\tacknowledgement_type={}\n\
                 \tflap_detection_enabled=1\n\tprocess_performance_data=1\n\tobsess=1\n\
                 \tlast_update={NOW}\n\tis_flapping=0\n\tpercent_state_change={:.2}\n\
                 \tscheduled_downtime_depth={}\n\t}}\n\n",
                h.name,
                u8::from(!passive),
                rng.float(5, 3),
                rng.float(1, 3),
                u8::from(passive),
                if hard { state } else { 0 },
                written * usize::from(state != 0),
                written * usize::from(state != 0),
                if hard && state != 0 { 3 } else { 1 },
                u8::from(hard),
                if state == 0 { last_check } else { since - 60 },
                if state == 1 { last_check } else { 0 },
                if state == 3 { last_check } else { 0 },
                if state == 2 { last_check } else { 0 },
                if passive { 0 } else { last_check + 300 },
                u64::from(state != 0 && hard),
                u8::from(!passive),
                u8::from(acked),
                u8::from(acked),
                rng.float(20, 2),
                u8::from(downtime),
            );
            if acked || downtime {
                notes.push(Note { host: i, service: Some(desc), acked, downtime });
            }
        }
    }

    let mut tail = String::new();
    for c in CONTACT_NAMES {
        let _ = write!(
            tail,
            "contactstatus {{\n\tcontact_name={c}\n\tmodified_attributes=0\n\
             \tmodified_host_attributes=0\n\tmodified_service_attributes=0\n\
             \thost_notification_period=24x7\n\tservice_notification_period=24x7\n\
             \tlast_host_notification=0\n\tlast_service_notification={}\n\
             \thost_notifications_enabled={}\n\tservice_notifications_enabled=1\n\t}}\n\n",
            NOW - 600,
            u8::from(c != "grace"),
        );
    }
    let (mut comment_id, mut downtimes) = (0usize, Vec::new());
    for n in &notes {
        let host = &plan.hosts[n.host].name;
        let (kind, service) = match &n.service {
            Some(desc) => ("service", format!("\tservice_description={desc}\n")),
            None => ("host", String::new()),
        };
        if n.acked {
            comment_id += 1;
            let _ = write!(
                tail,
                "{kind}comment {{\n\thost_name={host}\n{service}\tentry_type=4\n\
                 \tcomment_id={comment_id}\n\tsource=1\n\tpersistent=1\n\tentry_time={}\n\
                 \texpires=0\n\texpire_time=0\n\tauthor=alice\n\
                 \tcomment_data=Known issue, ticket #{}; owner=ops\n\t}}\n\n",
                NOW - 3600,
                1000 + comment_id
            );
        }
        if n.downtime {
            comment_id += 1;
            let _ = write!(
                tail,
                "{kind}comment {{\n\thost_name={host}\n{service}\tentry_type=2\n\
                 \tcomment_id={comment_id}\n\tsource=0\n\tpersistent=0\n\tentry_time={}\n\
                 \texpires=0\n\texpire_time=0\n\tauthor=dave\n\
                 \tcomment_data=This {kind} has been scheduled for fixed downtime.\n\t}}\n\n",
                NOW - 1800
            );
            downtimes.push((kind, host, service, comment_id));
        }
    }
    for (n, (kind, host, service, comment_id)) in downtimes.iter().enumerate() {
        let _ = write!(
            tail,
            "{kind}downtime {{\n\thost_name={host}\n{service}\tdowntime_id={}\n\
             \tcomment_id={comment_id}\n\tentry_time={}\n\tstart_time={}\n\
             \tflex_downtime_start=0\n\tend_time={}\n\ttriggered_by=0\n\tfixed=1\n\
             \tduration=7200\n\tis_in_effect=1\n\tstart_notification_sent=1\n\tauthor=dave\n\
             \tcomment=Maintenance window\n\t}}\n\n",
            n + 1,
            NOW - 1800,
            NOW - 1800,
            NOW + 5400
        );
    }

    let mut head = String::new();
    head.push_str(
        "########################################\n#          NAGIOS STATUS FILE\n#\n\
         # THIS FILE IS AUTOMATICALLY GENERATED\n# BY NAGIOS.  DO NOT MODIFY THIS FILE!\n\
         ########################################\n\n",
    );
    let (h, sv) = (plan.hosts.len() / 5, n_scheduled / 5);
    let _ = write!(
        head,
        "info {{\n\tcreated={NOW}\n\tversion=4.4.6\n\tlast_update_check=0\n\
         \tupdate_available=0\n\tlast_version=\n\tnew_version=\n\t}}\n\n\
         programstatus {{\n\tmodified_host_attributes=0\n\tmodified_service_attributes=0\n\
         \tnagios_pid=23533\n\tdaemon_mode=1\n\tprogram_start={}\n\tlast_log_rotation=0\n\
         \tenable_notifications=1\n\tactive_service_checks_enabled=1\n\
         \tpassive_service_checks_enabled=1\n\tactive_host_checks_enabled=1\n\
         \tpassive_host_checks_enabled=1\n\tenable_event_handlers=1\n\tobsess_over_services=0\n\
         \tobsess_over_hosts=0\n\tcheck_service_freshness=1\n\tcheck_host_freshness=0\n\
         \tenable_flap_detection=1\n\tprocess_performance_data=0\n\tglobal_host_event_handler=\n\
         \tglobal_service_event_handler=\n\tnext_comment_id={}\n\tnext_downtime_id={}\n\
         \tnext_event_id={}\n\tnext_problem_id={}\n\tnext_notification_id=1\n\
         \tactive_scheduled_host_check_stats={h},{h},{h}\n\
         \tactive_ondemand_host_check_stats=25,25,25\n\tpassive_host_check_stats=0,0,0\n\
         \tactive_scheduled_service_check_stats={sv},{sv},{sv}\n\
         \tactive_ondemand_service_check_stats=0,0,0\n\
         \tpassive_service_check_stats={n_passive},{n_passive},{n_passive}\n\
         \tcached_host_check_stats=25,25,25\n\tcached_service_check_stats=0,0,0\n\
         \texternal_command_stats=8,8,8\n\tparallel_host_check_stats=4,4,4\n\
         \tserial_host_check_stats=0,0,0\n\t}}\n\n",
        NOW - 86_400,
        comment_id + 1,
        downtimes.len() + 1,
        written + 1,
        written + 1,
    );
    [head, body, tail]
}

// ---------------------------------------------------------------------------------------
// Output

fn put(path: &Path, parts: &[&str], bytes: &mut usize) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut file = std::fs::File::create(path).map_err(fail)?;
    for part in parts {
        file.write_all(part.as_bytes()).map_err(fail)?;
        *bytes += part.len();
    }
    Ok(())
}

/// Writes the installation; returns (files, bytes).
fn write_install(o: &Options, plan: &Plan) -> Result<(usize, usize), String> {
    let objects = o.out.join("objects");
    let mkdir = |p: &Path| std::fs::create_dir_all(p).map_err(|e| format!("{}: {e}", p.display()));
    mkdir(&objects)?;
    mkdir(&o.out.join("var/rw"))?;
    mkdir(&o.out.join("var/spool/checkresults"))?;

    let chunks = plan.hosts.len().div_ceil(CHUNK);
    let chunk_name = |n: usize| format!("hosts-{:03}.cfg", n + 1);
    // A previous, larger run may have left more chunks: they would define hosts twice.
    let entries = std::fs::read_dir(&objects).map_err(|e| format!("{}: {e}", objects.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", objects.display()))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = name.starts_with("hosts-")
            && name.ends_with(".cfg")
            && !(0..chunks).any(|n| chunk_name(n) == name);
        if stale {
            std::fs::remove_file(entry.path()).map_err(|e| format!("{name}: {e}"))?;
        }
    }

    let (mut files, mut bytes) = (0, 0);
    let mut one = |path: PathBuf, text: String| -> Result<(), String> {
        files += 1;
        put(&path, &[&text], &mut bytes)
    };
    one(o.out.join("nagios.cfg"), nagios_cfg(o))?;
    one(o.out.join("resource.cfg"), resource_cfg())?;
    one(objects.join("timeperiods.cfg"), timeperiods())?;
    one(objects.join("commands.cfg"), commands())?;
    one(objects.join("contacts.cfg"), contacts())?;
    one(objects.join("templates.cfg"), templates(plan))?;
    one(objects.join("hostgroups.cfg"), hostgroups(plan))?;
    for (n, hosts) in plan.hosts.chunks(CHUNK).enumerate() {
        one(objects.join(chunk_name(n)), host_chunk(plan, n * CHUNK, hosts))?;
    }
    one(objects.join("services.cfg"), services(plan, o.shape))?;
    let hosts_d = objects.join("hosts.d");
    if hosts_d.exists() {
        std::fs::remove_dir_all(&hosts_d).map_err(|e| format!("{}: {e}", hosts_d.display()))?;
    }
    if o.shape == Shape::ManyFiles {
        mkdir(&hosts_d)?;
        for (h, text) in plan.hosts.iter().zip(per_host_services(plan)) {
            one(hosts_d.join(format!("{}.cfg", h.name)), text)?;
        }
    }
    one(objects.join("escalations.cfg"), escalations(plan))?;
    one(objects.join("dependencies.cfg"), dependencies(plan))?;
    if o.status {
        let [head, body, tail] = status_dat(plan, o.seed);
        files += 1;
        put(&o.out.join("var/status.dat"), &[&head, &body, &tail], &mut bytes)?;
    }
    Ok((files, bytes))
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("gen_install: {e}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let plan = plan(&options);
    let (files, bytes) = match write_install(&options, &plan) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gen_install: {e}");
            return ExitCode::FAILURE;
        }
    };
    let on_lists: usize = plan.hosts.iter().map(|h| h.extras).sum();
    let racks: usize = plan.racks.iter().map(Vec::len).sum();
    eprintln!(
        "gen_install: {}: {} hosts ({} routers, {} sites, {racks} racks), {} services \
         ({on_lists} on explicit host lists), {files} files, {:.1} MB in {:.3} s",
        options.out.display(),
        plan.hosts.len(),
        plan.sites + 1,
        plan.sites,
        plan.n_services,
        bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    if !options.status && options.out.join("var/status.dat").exists() {
        eprintln!("gen_install: note: var/status.dat was left as it was (no --status)");
    }
    ExitCode::SUCCESS
}
