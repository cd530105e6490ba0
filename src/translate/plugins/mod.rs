//! The plugin catalogue: one module per Nagios plugin, each reading the plugin's own options
//! and threshold meaning and producing a [`Native`] translation — PromQL signals, the
//! warning/critical conditions on them (with the plugin's exact edges), the exporter and probe
//! to scrape, and a feeder that turns wanted signal values into test series.
//!
//! A plugin returns `Err(reason)` for anything it cannot translate faithfully; the service then
//! gets a bridged rule and the reason goes to the report.

use nag2prom_parsers::range::{Bound, Range};

pub use super::argv::Call;
pub use super::refusal::{Code, Refusal};

pub mod check_apt;
pub mod check_by_ssh;
pub mod check_dig;
pub mod check_disk;
pub mod check_dns;
pub mod check_hpjd;
pub mod check_http;
pub mod check_icmp;
pub mod check_load;
pub mod check_mysql;
pub mod check_nrpe;
pub mod check_nt;
pub mod check_ntp;
pub mod check_ntp_time;
pub mod check_pgsql;
pub mod check_ping;
pub mod check_procs;
pub mod check_smtp;
pub mod check_snmp;
pub mod check_ssh;
pub mod check_ssl;
pub mod check_swap;
pub mod check_tcp;
pub mod check_uptime;
pub mod check_users;
pub mod common;

/// Monitoring-plugins release whose behaviour the translation copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum PluginsVersion {
    /// 2.3.x (Debian 12).
    #[default]
    V2_3,
    /// 2.4.x.
    V2_4,
    /// 3.0.x.
    V3_0,
}

/// What the translation may assume about the environment.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Plugin release.
    pub version: PluginsVersion,
    /// The host's address is the Nagios server itself (loopback): plugins that measure the
    /// machine they run on measure this host.
    pub local: bool,
    /// `--local-checks-are-remote`: treat local plugins on other hosts as if they ran there.
    pub assume_remote: bool,
    /// NRPE commands known from `--nrpe-config` (`command[name]=command line`).
    pub nrpe: Vec<(String, String)>,
    /// Scrape interval of every target, in seconds (windows of probe-based signals).
    pub scrape_interval: u32,
    /// Where blackbox_exporter reads passwords from (`--secrets-dir`; empty: the default).
    pub secrets_dir: String,
}

/// `--secrets-dir`'s default.
pub const DEFAULT_SECRETS_DIR: &str = "/etc/prometheus/nag2prom-secrets";

/// Where the samples come from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Probe {
    /// The host's node_exporter (`address:9100`).
    Node,
    /// The host's mysqld_exporter (`address:9104`).
    Mysqld,
    /// The host's postgres_exporter (`address:9187`).
    Postgres,
    /// The host's windows_exporter (`address:9182`).
    Windows,
    /// The host's windows_exporter, reading a performance counter through its
    /// `performancecounter` collector (the generated `windows_exporter.yml`).
    WindowsCounter(Box<crate::translate::windows::Counter>),
    /// The host's process-exporter (`address:9256`), counting the processes of `group`, a
    /// group of the generated `process-exporter.yml` whose command name is `comm`.
    Process {
        /// The group name (`groupname` label).
        group: String,
        /// The command name it matches exactly (15 characters at most, as the kernel's).
        comm: String,
    },
    /// A blackbox_exporter probe: `module` (defined in `blackbox.yml`) against `target`, where
    /// `$HOSTADDRESS$` stands for the host's address.
    Blackbox {
        /// Module name.
        module: String,
        /// The module's settings (its entry under `modules: NAME:`).
        settings: Box<crate::translate::blackbox::Module>,
        /// Target template.
        target: String,
        /// Probed from the host itself, by a blackbox_exporter running there (job
        /// `blackbox_on_host`): a network plugin a remote runner (check_nrpe, check_by_ssh)
        /// ran on the host, so `target` is what the plugin reached from there
        /// (`127.0.0.1:11211`), not the host's address. False: the central prober.
        from_host: bool,
    },
    /// An snmp_exporter module (`snmp.yml.tmpl`) asking the agent at `target` (`$HOSTADDRESS$`
    /// stands for the host's address, `host:port`).
    Snmp {
        /// Module name, given by the translation once every community is numbered
        /// ([`crate::translate::snmp::Module::name`]); empty until then.
        module: String,
        /// The module's settings.
        settings: Box<crate::translate::snmp::Module>,
        /// Target template.
        target: String,
    },
}

impl Probe {
    /// A probe's identity, the `nagios_probe` label of its targets: a hash of the module and
    /// the target template, so it changes only when the probe itself does. `None` for
    /// exporters (their targets are the host).
    pub fn id(&self) -> String {
        match self {
            Probe::Blackbox { module, target, .. } | Probe::Snmp { module, target, .. } => {
                format!("{module}_{:08x}", crate::translate::fnv64(target) as u32)
            }
            other => other.job().to_owned(),
        }
    }

    /// The scrape job name.
    pub fn job(&self) -> &'static str {
        match self {
            Probe::Node => "node",
            Probe::Mysqld => "mysqld",
            Probe::Postgres => "postgres",
            Probe::Windows | Probe::WindowsCounter(_) => "windows",
            Probe::Process { .. } => "process",
            Probe::Blackbox { from_host: false, .. } => "blackbox",
            Probe::Blackbox { from_host: true, .. } => "blackbox_on_host",
            Probe::Snmp { .. } => "snmp",
        }
    }

    /// True for probes through an exporter (blackbox, snmp) whose targets are one per probe
    /// and host, labelled with the probe's id; false for exporters on the host.
    pub fn is_probe(&self) -> bool {
        matches!(self, Probe::Blackbox { .. } | Probe::Snmp { .. })
    }
}

/// A comparison against a threshold, with the plugin's edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Test {
    /// Classic `check_range`: alert outside `[start, end]` (inclusive), or inside with `@`.
    Range(Range),
    /// Alert when value > t.
    Gt(f64),
    /// Alert when value >= t.
    Ge(f64),
    /// Alert when value < t.
    Lt(f64),
    /// Alert when value <= t.
    Le(f64),
    /// Alert when value == t.
    Eq(f64),
}

impl Test {
    /// True when `value` alerts.
    pub fn alerts(&self, value: f64) -> bool {
        match *self {
            Test::Range(r) => r.alerts(value),
            Test::Gt(t) => value > t,
            Test::Ge(t) => value >= t,
            Test::Lt(t) => value < t,
            Test::Le(t) => value <= t,
            Test::Eq(t) => value == t,
        }
    }

    /// The finite thresholds, for test points.
    pub fn bounds(&self) -> Vec<f64> {
        match *self {
            Test::Range(r) => {
                let mut v = Vec::new();
                if let Bound::Finite(s) = r.start {
                    v.push(s);
                }
                if let Bound::Finite(e) = r.end {
                    v.push(e);
                }
                v
            }
            Test::Gt(t) | Test::Ge(t) | Test::Lt(t) | Test::Le(t) | Test::Eq(t) => vec![t],
        }
    }

    /// PromQL alerting when `expr` (a parenthesised expression) meets this test; `None` when
    /// the test can never alert.
    pub fn promql(&self, expr: &str) -> Option<String> {
        let n = num;
        Some(match *self {
            Test::Gt(t) => format!("{expr} > {}", n(t)),
            Test::Ge(t) => format!("{expr} >= {}", n(t)),
            Test::Lt(t) => format!("{expr} < {}", n(t)),
            Test::Le(t) => format!("{expr} <= {}", n(t)),
            Test::Eq(t) => format!("{expr} == {}", n(t)),
            Test::Range(r) => match (r.start, r.end, r.inside) {
                (Bound::Finite(s), Bound::Finite(e), false) => {
                    format!("{expr} < {} or {expr} > {}", n(s), n(e))
                }
                (Bound::Finite(s), Bound::Infinite, false) => format!("{expr} < {}", n(s)),
                (Bound::Infinite, Bound::Finite(e), false) => format!("{expr} > {}", n(e)),
                (Bound::Infinite, Bound::Infinite, false) => return None,
                (Bound::Finite(s), Bound::Finite(e), true) => {
                    format!("({expr} >= {}) <= {}", n(s), n(e))
                }
                (Bound::Finite(s), Bound::Infinite, true) => format!("{expr} >= {}", n(s)),
                (Bound::Infinite, Bound::Finite(e), true) => format!("{expr} <= {}", n(e)),
                (Bound::Infinite, Bound::Infinite, true) => expr.to_owned(),
            },
        })
    }
}

/// A number as PromQL and YAML read it back exactly (the form threshold ranges print).
pub fn num(v: f64) -> String {
    let mut s = String::new();
    let _ = nag2prom_parsers::range::write_number(&mut s, v);
    s
}

/// One alert condition: signal `signal` meets `test`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// Index into [`Native::signals`].
    pub signal: usize,
    /// The comparison.
    pub test: Test,
}

/// A series fed into a unit test: metric name with extra labels, and a repeating value
/// pattern (one value per scrape).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// `metric` or `metric{label="v",…}` extra labels (without the target's labels).
    pub metric: String,
    /// Extra labels `(name, value)`.
    pub labels: Vec<(String, String)>,
    /// Values, repeated cyclically.
    pub values: Vec<f64>,
}

impl Series {
    /// A constant series.
    pub fn constant(metric: &str, labels: &[(&str, &str)], value: f64) -> Series {
        Series {
            metric: metric.to_owned(),
            labels: labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            values: vec![value],
        }
    }
}

/// What a feeder made of wanted signal values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fed {
    /// Input series.
    pub series: Vec<Series>,
    /// The values the signals' PromQL will compute from them (`None`: no sample).
    pub realized: Vec<Option<f64>>,
    /// Labels each signal's result carries beyond the target's (e.g. `mountpoint`).
    pub labels: Vec<Vec<(String, String)>>,
}

/// Turns wanted signal values into test series and the values PromQL will see at the
/// evaluation time (second argument, seconds since the first sample at 0).
pub type Feeder = Box<dyn Fn(&[f64], f64) -> Fed + Send + Sync>;

/// A faithful translation of one plugin call.
pub struct Native {
    /// Plugin name (`check_load`).
    pub plugin: &'static str,
    /// Alert name (`NagiosCheckLoad`).
    pub alert: &'static str,
    /// Where samples come from.
    pub probe: Probe,
    /// The call as understood, in canonical form, without any secret (`check_load -w 5,4,3 -c 10,8,6`).
    pub canonical: String,
    /// PromQL of each signal; `__SEL__` (inside `{…}`) stands for the group's selector labels.
    pub signals: Vec<String>,
    /// What raises WARNING (any of).
    pub warning: Vec<Cond>,
    /// What raises CRITICAL (any of).
    pub critical: Vec<Cond>,
    /// Feeder for tests.
    pub feed: Feeder,
    /// Scrapes a window-based signal needs before it is complete (1 for instant signals).
    pub window_samples: u32,
    /// A second probe some signals read (`__SEL2__` in their PromQL), on the same target
    /// address: e.g. "any line at all" beside "the expected banner", to tell a wrong banner
    /// (WARNING in the plugin) from no answer (CRITICAL).
    pub second: Option<Probe>,
    /// The command as the user wrote it (the plugin and its words, `$USERn$` unexpanded,
    /// password values masked), filled in by the pipeline: rule descriptions show it.
    pub written: String,
    /// What the exporter must be run with for the rule's series to exist (collectors,
    /// mount-point excludes, capabilities), for the report.
    pub requires: Vec<String>,
    /// The state the plugin reports when what it measures cannot be read; the rule's no-data
    /// companion alerts at it when the series are absent.
    pub missing: Missing,
    /// Caveats for the report.
    pub notes: Vec<String>,
    /// Values at which each signal raises nothing, for unit tests (empty: searched).
    pub calm: Vec<f64>,
    /// PromQL (with `__SEL__`) that has a sample exactly when the plugin has every value it
    /// needs; `None`: when any signal the rules read has one. The no-data companion fires
    /// where it has none.
    pub presence: Option<String>,
}

impl std::fmt::Debug for Native {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Native")
            .field("canonical", &self.canonical)
            .field("signals", &self.signals)
            .field("warning", &self.warning)
            .field("critical", &self.critical)
            .finish_non_exhaustive()
    }
}

/// The state Nagios shows when the plugin cannot measure what it checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Missing {
    /// UNKNOWN (the plugin could not run or read its source): `notification_options u`.
    #[default]
    Unknown,
    /// CRITICAL (e.g. check_disk on a path that does not exist): `notification_options c`.
    Critical,
    /// The rules themselves alert when the target cannot be scraped (`up == 0` is the
    /// check): no companion.
    Covered,
    /// UNKNOWN when the target answers but lacks what the rules read; a target that cannot
    /// be scraped is a condition of the rules themselves (check_snmp's silent agent is
    /// CRITICAL), so the companion stays silent then.
    UnknownWhileUp,
    /// WARNING when the target answers but lacks what the rules read (check_hpjd: snmpget
    /// complains on stderr), the target not answering being the rules' own condition.
    WarningWhileUp,
}

impl Missing {
    /// True when a target that cannot be scraped is the rules' own condition, not the
    /// companion's.
    pub fn while_up(self) -> bool {
        matches!(self, Missing::UnknownWhileUp | Missing::WarningWhileUp)
    }
}

/// The placeholder in signal PromQL replaced by the group's selector.
pub const SEL: &str = "__SEL__";

/// The placeholder for the selector of [`Native::second`].
pub const SEL2: &str = "__SEL2__";

/// The label a feeder puts on a test series of [`Native::second`]'s probe (replaced by its
/// `nagios_probe`).
pub const SECOND_PROBE_LABEL: &str = "__second_probe";

/// A plugin translation function.
pub type Translate = fn(&Call, &Context) -> Result<Native, Refusal>;

/// One registered plugin: everything the rest of the program knows of it.
#[derive(Debug)]
pub struct Plugin {
    /// The plugin's file names (`check_http`, `check_curl`): what a command line runs.
    pub names: &'static [&'static str],
    /// Its translation.
    pub translate: Translate,
    /// What it is when a remote runner (check_nrpe's nrpe.cfg command, check_by_ssh's `-C`)
    /// runs it on the host.
    pub remote: Remote,
    /// Options whose value is a secret, masked wherever the call is shown ([`written`]).
    pub secrets: &'static [&'static str],
}

/// What a plugin is when a remote runner (check_nrpe, check_by_ssh) runs it on the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remote {
    /// It measures the machine it runs on: translated as it, on the host.
    Measures,
    /// It probes a network service: translated as a probe from the host, by the
    /// blackbox_exporter running there, of the address the first of these options gives
    /// (an IPv4 literal: nrpe.cfg has no host macros).
    ProbesFrom(&'static [char]),
    /// Not translated when run remotely.
    No,
}

/// The registry: every translated plugin, once. The lookup, the catalogue, the plugins
/// translated through check_nrpe and check_by_ssh, the secret masking and the check that
/// docs/translation.md has a row per plugin all read this table; adding a plugin is one
/// module and one line here.
pub static REGISTRY: &[Plugin] = &[
    plugin(&["check_load"], check_load::translate, Remote::Measures, &[]),
    plugin(&["check_disk"], check_disk::translate, Remote::Measures, &[]),
    plugin(&["check_swap"], check_swap::translate, Remote::Measures, &[]),
    plugin(&["check_procs"], check_procs::translate, Remote::Measures, &[]),
    plugin(&["check_users"], check_users::translate, Remote::Measures, &[]),
    plugin(&["check_uptime"], check_uptime::translate, Remote::Measures, &[]),
    plugin(&["check_apt"], check_apt::translate, Remote::Measures, &[]),
    plugin(&["check_ntp_time"], check_ntp_time::translate, Remote::No, &[]),
    plugin(&["check_ntp"], check_ntp::translate, Remote::No, &[]),
    plugin(&["check_ping"], check_ping::translate, Remote::ProbesFrom(&['H']), &[]),
    plugin(&["check_icmp"], check_icmp::translate, Remote::ProbesFrom(&['H']), &[]),
    plugin(
        &["check_http", "check_curl"],
        check_http::translate,
        Remote::ProbesFrom(&['I', 'H']),
        &["-a", "--authorization", "-b", "--proxy-authorization"],
    ),
    plugin(check_tcp::NAMES, check_tcp::translate, Remote::ProbesFrom(&['H']), &[]),
    plugin(
        &["check_smtp"],
        check_smtp::translate,
        Remote::ProbesFrom(&['H']),
        &["-A", "--authtype", "-U", "--authuser", "-P", "--authpass"],
    ),
    plugin(&["check_ssh"], check_ssh::translate, Remote::ProbesFrom(&['H']), &[]),
    plugin(&["check_ssl"], check_ssl::translate, Remote::ProbesFrom(&['H']), &[]),
    plugin(
        &["check_snmp"],
        check_snmp::translate,
        Remote::No,
        &["-C", "--community", "-A", "--authpasswd", "-X", "--privpasswd"],
    ),
    plugin(&["check_hpjd"], check_hpjd::translate, Remote::No, &["-C", "--community"]),
    plugin(&["check_dns"], check_dns::translate, Remote::ProbesFrom(&['s']), &[]),
    plugin(&["check_dig"], check_dig::translate, Remote::ProbesFrom(&['H']), &[]),
    plugin(&["check_mysql"], check_mysql::translate, Remote::No, &["-p", "--password"]),
    plugin(&["check_pgsql"], check_pgsql::translate, Remote::No, &["-p", "--password"]),
    plugin(&["check_nt"], check_nt::translate, Remote::No, &["-s", "--secret"]),
    plugin(&["check_nrpe"], check_nrpe::translate, Remote::No, &[]),
    plugin(&["check_by_ssh"], check_by_ssh::translate, Remote::No, &[]),
];

const fn plugin(
    names: &'static [&'static str],
    translate: Translate,
    remote: Remote,
    secrets: &'static [&'static str],
) -> Plugin {
    Plugin { names, translate, remote, secrets }
}

/// The registered plugin a command runs (by its file name).
pub fn lookup(name: &str) -> Option<&'static Plugin> {
    REGISTRY.iter().find(|p| p.names.contains(&name))
}

/// Every registered plugin name, in registry order.
pub fn catalogue() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().flat_map(|p| p.names.iter().copied())
}

/// The call as written: the plugin and its words, each secret option's value replaced by
/// `***`. The words are read as getopt reads them, erring on the side of masking: `-p X`,
/// `-pX`, a bundle `-vpX` (a secret letter anywhere in a bundle masks what follows it),
/// `--password=X`, `--password X` and any abbreviation getopt accepts (`--pass X`,
/// `--pa=X`). check_nrpe's `-a` passes the remote command's arguments: all of them are
/// masked, as the remote command may take a password.
pub fn written(call: &Call) -> String {
    let secret: &[&str] = lookup(&call.plugin).map_or(&[], |p| p.secrets);
    let shorts: Vec<char> = secret
        .iter()
        .filter_map(|o| o.strip_prefix('-').filter(|r| !r.starts_with('-')))
        .filter_map(|r| r.chars().next())
        .collect();
    let longs: Vec<&str> = secret.iter().filter_map(|o| o.strip_prefix("--")).collect();
    let rest_masked = call.plugin == "check_nrpe";
    let mut words = vec![call.plugin.clone()];
    let mut mask_next = false;
    let mut mask_rest = false;
    let mut options_done = false;
    for word in &call.args {
        if mask_rest || mask_next {
            words.push("***".to_owned());
            mask_next = false;
            continue;
        }
        if options_done || word == "-" || !word.starts_with('-') {
            options_done |= word == "--";
            words.push(word.clone());
            continue;
        }
        if word == "--" {
            options_done = true;
            words.push(word.clone());
            continue;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, _)) => (n, true),
                None => (long, false),
            };
            let is_secret = !name.is_empty() && longs.iter().any(|l| l.starts_with(name));
            let is_args = rest_masked && !name.is_empty() && "args".starts_with(name);
            match (is_secret || is_args, inline) {
                (true, true) => words.push(format!("--{name}=***")),
                (true, false) => {
                    words.push(word.clone());
                    mask_next = true;
                }
                (false, _) => words.push(word.clone()),
            }
            mask_rest |= is_args;
            continue;
        }
        let bundle = &word[1..];
        let hit =
            bundle.char_indices().find(|&(_, c)| shorts.contains(&c) || rest_masked && c == 'a');
        match hit {
            Some((at, c)) => {
                let end = at + c.len_utf8();
                if end < bundle.len() {
                    words.push(format!("-{}***", &bundle[..end]));
                } else {
                    words.push(word.clone());
                    mask_next = true;
                }
                mask_rest |= rest_masked && c == 'a';
            }
            None => words.push(word.clone()),
        }
    }
    words.join(" ")
}

/// `-4` / `-6` of a network plugin (the last one wins, as in the plugins' getopt loops): the
/// probe's module gets blackbox's `preferred_ip_protocol` **without** fallback, so a `-6`
/// check fails when IPv6 does (blackbox's default is "ip6, then ip4").
pub fn pin_ip_family(native: &mut Native, args: &[String]) {
    let Probe::Blackbox { module, settings, .. } = &mut native.probe else { return };
    let family = args.iter().rev().find_map(|a| match a.as_str() {
        "-4" | "--use-ipv4" | "--ipv4" => Some("ip4"),
        "-6" | "--use-ipv6" | "--ipv6" => Some("ip6"),
        _ => None,
    });
    let Some(family) = family else { return };
    settings.pin_family(family);
    module.push('_');
    module.push_str(family);
    native.canonical.push_str(if family == "ip4" { " -4" } else { " -6" });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv;
    use nag2prom_parsers::range::parse_range;
    use proptest::prelude::*;

    /// Evaluates the PromQL [`Test::promql`] writes for `x`, on one value.
    fn eval(promql: &str, v: f64) -> bool {
        promql.split(" or ").any(|term| {
            if term == "x" {
                return true;
            }
            if let Some(rest) = term.strip_prefix("(x >= ") {
                let (a, b) = rest.split_once(") <= ").unwrap_or(("nan", "nan"));
                return v >= a.parse::<f64>().unwrap_or(f64::NAN)
                    && v <= b.parse::<f64>().unwrap_or(f64::NAN);
            }
            let mut parts = term.splitn(3, ' ');
            let (_, op, n) =
                (parts.next(), parts.next().unwrap_or(""), parts.next().unwrap_or("nan"));
            let n: f64 = n.parse().unwrap_or(f64::NAN);
            match op {
                "<" => v < n,
                ">" => v > n,
                "<=" => v <= n,
                ">=" => v >= n,
                "==" => v == n,
                _ => panic!("unexpected term {term}"),
            }
        })
    }

    fn bound() -> impl Strategy<Value = Bound> {
        prop_oneof![
            Just(Bound::Infinite),
            (-1e6f64..1e6).prop_map(Bound::Finite),
            (-20i32..20).prop_map(|i| Bound::Finite(f64::from(i)))
        ]
    }

    proptest! {
        /// The rendered PromQL alerts exactly when the plugin's range check does, at the
        /// bounds, next to them and anywhere.
        #[test]
        fn rendered_ranges_agree_with_check_range(start in bound(), end in bound(), inside: bool, v in -1e6f64..1e6) {
            let (start, end) = match (start, end) {
                (Bound::Finite(a), Bound::Finite(b)) if a > b => (Bound::Finite(b), Bound::Finite(a)),
                other => other,
            };
            let r = Range { start, end, inside };
            let test = Test::Range(r);
            let mut values = vec![v];
            for b in test.bounds() {
                values.extend([b, b.next_up(), b.next_down()]);
            }
            for v in values {
                let rendered = test.promql("x").map(|p| eval(&p, v)).unwrap_or(false);
                prop_assert_eq!(rendered, r.alerts(v), "{} at {}", test.promql("x").unwrap_or_default(), v);
            }
        }

        /// Numbers written into rules and tests read back exactly.
        #[test]
        fn numbers_round_trip(v in proptest::num::f64::NORMAL | proptest::num::f64::ZERO) {
            prop_assert_eq!(num(v).parse::<f64>().ok(), Some(v));
        }

        /// No plugin panics, whatever its arguments.
        #[test]
        fn plugins_never_panic(words in proptest::collection::vec(prop_oneof![
            Just("-w".to_owned()), Just("-c".to_owned()), Just("-p".to_owned()), Just("-H".to_owned()),
            Just("$HOSTADDRESS$".to_owned()), Just("$USER3$".to_owned()), Just("--warning=".to_owned()),
            Just("-s".to_owned()), Just("-C".to_owned()), Just("-a".to_owned()), Just("-S".to_owned()),
            Just("@10:20".to_owned()), Just("~:".to_owned()), Just("5,4,3".to_owned()), Just("20%".to_owned()),
            Just("100.0,20%".to_owned()), Just("-u".to_owned()), Just("/".to_owned()), ".{0,8}",
        ], 0..10), local: bool) {
            let call = Call { plugin: String::new(), args: words };
            let ctx = Context { local, scrape_interval: 60, nrpe: vec![("check_load".to_owned(), "check_load -w $ARG1$ -c $ARG2$".to_owned())], ..Context::default() };
            for plugin in REGISTRY {
                if let Ok(native) = (plugin.translate)(&call, &ctx)
                {
                    let fed = (native.feed)(&vec![0.0; native.signals.len()], 60.0);
                    prop_assert_eq!(fed.realized.len(), native.signals.len());
                }
            }
        }
    }

    #[test]
    fn written_commands_mask_passwords() {
        let call = |line: &str| argv::call(line, &[] as &[&str]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            written(&call("check_mysql -H $HOSTADDRESS$ -u u -p s3cret --password=x -pY")),
            "check_mysql -H $HOSTADDRESS$ -u u -p *** --password=*** -p***"
        );
        assert_eq!(written(&call("check_tcp -H a -p 22")), "check_tcp -H a -p 22");
        assert_eq!(written(&call("check_pgsql -p $USER3$")), "check_pgsql -p ***");
        // Abbreviated long options and bundles, as getopt reads them.
        assert_eq!(
            written(&call("check_nt -H a --sec s3cret --se=s3cret -us3cret -v MEMUSE")),
            "check_nt -H a --sec *** --se=*** -us*** -v MEMUSE"
        );
        assert_eq!(
            written(&call("check_http -H a -fa user:s3cret --auth=user:s3cret -b x:y")),
            "check_http -H a -fa *** --auth=*** -b ***"
        );
        // check_nrpe: everything after -a is the remote command's, masked.
        assert_eq!(
            written(&call("check_nrpe -H a -c check_db -a user s3cret 5")),
            "check_nrpe -H a -c check_db -a *** *** ***"
        );
        // After `--` nothing is an option.
        assert_eq!(written(&call("check_mysql -- -p")), "check_mysql -- -p");
        for line in [
            "check_smtp -H a --authp s3cret",
            "check_smtp -H a -Ps3cret",
            "check_mysql -H a --passw=s3cret",
            "check_pgsql -H a -dprod -ps3cret",
        ] {
            assert!(!written(&call(line)).contains("s3cret"), "{line}");
        }
    }

    #[test]
    fn ip_family_is_pinned_without_fallback() {
        let call = |line: &str| argv::call(line, &[] as &[&str]).unwrap_or_else(|e| panic!("{e}"));
        let ctx = Context { scrape_interval: 60, ..Context::default() };
        for (line, family) in [
            ("check_tcp -H $HOSTADDRESS$ -p 22 -6", Some("ip6")),
            ("check_ping -4 -H $HOSTADDRESS$ -w 100,20% -c 500,60%", Some("ip4")),
            ("check_http -H $HOSTADDRESS$ -6 -4", Some("ip4")),
            ("check_ssh -H $HOSTADDRESS$", None),
        ] {
            let c = call(line);
            let Some(p) = lookup(&c.plugin) else { panic!("{line}") };
            let mut native = (p.translate)(&c, &ctx).unwrap_or_else(|e| panic!("{line}: {e}"));
            pin_ip_family(&mut native, &c.args);
            let Probe::Blackbox { module, settings, .. } = &native.probe else { panic!() };
            let v = settings.to_value();
            let section = &v[v["prober"].as_str().unwrap_or_default()];
            match family {
                Some(f) => {
                    assert!(module.ends_with(f), "{module}");
                    assert_eq!(section["preferred_ip_protocol"], f, "{line}: {v}");
                    assert_eq!(section["ip_protocol_fallback"], false, "{line}: {v}");
                }
                None => assert!(section.get("preferred_ip_protocol").is_none(), "{v}"),
            }
        }
    }

    #[test]
    fn catalogue_entries_resolve() {
        let mut seen = std::collections::BTreeSet::new();
        for name in catalogue() {
            assert!(lookup(name).is_some_and(|p| p.names.contains(&name)), "{name}");
            assert!(seen.insert(name), "{name} is registered twice");
        }
        let remote = |name| lookup(name).map(|p| p.remote);
        assert_eq!(remote("check_load"), Some(Remote::Measures));
        assert_eq!(remote("check_http"), Some(Remote::ProbesFrom(&['I', 'H'])));
        assert_eq!(remote("check_snmp"), Some(Remote::No));
        assert!(lookup("check_dummy").is_none());
    }

    #[test]
    fn promql_of_ranges_follows_check_range() {
        let r = parse_range("10:20").unwrap_or_default();
        assert_eq!(Test::Range(r).promql("(x)").as_deref(), Some("(x) < 10 or (x) > 20"));
        let r = parse_range("@10:20").unwrap_or_default();
        assert_eq!(Test::Range(r).promql("(x)").as_deref(), Some("((x) >= 10) <= 20"));
        let r = parse_range("~:").unwrap_or_default();
        assert_eq!(Test::Range(r).promql("(x)"), None);
        assert_eq!(num(0.1), "0.1");
        assert_eq!(num(5.0), "5");
    }

    /// Words plugin calls are made of: every option letter and long name the plugins read,
    /// values of each kind they parse (ranges, percentages, sizes, counter paths, NRPE and
    /// NSClient++ syntax, macros), and text that is none of them (multibyte, empty, signs).
    fn word() -> impl Strategy<Value = String> {
        let options: Vec<String> = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            .chars()
            .map(|c| format!("-{c}"))
            .collect();
        let values = [
            "5",
            "0",
            "-1",
            "10%",
            "@1:5",
            "~:3",
            "5:",
            "1.5",
            "80,90",
            "5,80,90",
            "1e3",
            "",
            " ",
            "é",
            "∞",
            "-",
            "--",
            "$HOSTADDRESS$",
            "$HOSTNAME$",
            "$ARG1$",
            "$USER3$",
            "127.0.0.1",
            "::1",
            "[::1]",
            "localhost",
            "/",
            "/var",
            "10MB",
            "1GiB",
            "COUNTER",
            "CPULOAD",
            "MEMUSE",
            "USEDDISKSPACE",
            "SERVICESTATE",
            "UPTIME",
            "\\Memory\\Pages/sec",
            "\\\\x\\y\\z",
            "\\a(b)\\c",
            "\\(",
            "CheckServiceState",
            "ShowAll",
            "a=b",
            "+tcp",
            "+short",
            "check_load",
            "check_disk",
            "-a",
            "--",
            "=",
            "w=1",
            "%",
            "\\",
            "\"",
            "'",
            ".1.3.6.1.2.1.1.3.0",
            "sysUpTime.0",
            "IF-MIB::ifInOctets.1",
            "2c",
            "3",
            "A",
            "MX",
            "--warning=5",
            "--critical",
            "--hostname=x",
            "--port=0",
            "--port=70000",
            "-w5",
            "-c10%",
            "-vvv",
            "-4",
            "-6",
            "d",
            "u",
            "HTTP/1.0 200",
            "200,301",
            "^ok$",
        ];
        prop_oneof![
            proptest::sample::select(options),
            proptest::sample::select(values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>()),
            "\\PC{0,12}",
        ]
    }

    /// One accepted call of each registered plugin (words split on spaces, `¦` a space inside
    /// a word): the seeds the property below mutates.
    const GOOD_CALLS: &[&str] = &[
        "check_load -r -w 5,4,3 -c 10,8,6",
        "check_disk -w 20% -c 10% -p /",
        "check_swap -w 20% -c 10%",
        "check_procs -w 150 -c 200 -s Z",
        "check_procs -c 1:1 -C sshd",
        "check_users -w 5 -c 10",
        "check_uptime -w 5 -c 10",
        "check_apt -w 2",
        "check_dig -H $HOSTADDRESS$ -l a.example -w 1 -c 3",
        "check_dns -H www.example.org -s $HOSTADDRESS$ -a 192.0.2.1",
        "check_http -H $HOSTADDRESS$ -u / -e 200 -s ok -w 1 -c 2",
        "check_http -I $HOSTADDRESS$ -S -C 30,10",
        "check_tcp -H $HOSTADDRESS$ -p 80 -w 1 -c 3",
        "check_ping -H $HOSTADDRESS$ -w 100,20% -c 200,40%",
        "check_icmp -H $HOSTADDRESS$ -w 100,20% -c 200,40%",
        "check_smtp -H $HOSTADDRESS$ -e 220",
        "check_ssh -H $HOSTADDRESS$ -p 22",
        "check_ssl -H $HOSTADDRESS$ -p 443 --cn www.example.org -w 30 -c 10",
        "check_snmp -H $HOSTADDRESS$ -C public -o sysUpTime.0 -w 1: -c 1:",
        "check_snmp -H $HOSTADDRESS$ -P 2c -C $USER3$ -o .1.3.6.1.2.1.2.2.1.8.1 -c 1",
        "check_hpjd -H $HOSTADDRESS$ -C public",
        "check_hpjd -H $HOSTADDRESS$ -C $USER3$ -p 1161 -D",
        "check_nt -H $HOSTADDRESS$ -v MEMUSE -w 80 -c 90",
        "check_nt -H $HOSTADDRESS$ -v CPULOAD -l 5,80,90",
        "check_nt -H $HOSTADDRESS$ -v COUNTER -l \\Memory\\Pages/sec -w 5 -c 10",
        "check_nt -H $HOSTADDRESS$ -v SERVICESTATE -l W3SVC",
        "check_mysql -H $HOSTADDRESS$ -S -w 60 -c 120",
        "check_pgsql -H $HOSTADDRESS$ -d postgres",
        "check_ntp_time -H 127.0.0.1 -w 1 -c 2",
        "check_ntp -H 127.0.0.1",
        "check_nrpe -H $HOSTADDRESS$ -c check_load",
        "check_nrpe -H $HOSTADDRESS$ -c CheckServiceState -a ShowAll W3SVC",
        "check_by_ssh -H $HOSTADDRESS$ -C /usr/lib/nagios/plugins/check_load¦-w¦5¦-c¦10",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

        /// No registered plugin panics on any call: each answers a translation or a refusal,
        /// locally, remotely or through NRPE (with an nrpe.cfg command of the same words).
        #[test]
        fn no_plugin_panics_on_any_arguments(
            base in proptest::sample::select(GOOD_CALLS.to_vec()),
            extra in proptest::collection::vec(word(), 0..4),
            replace in proptest::option::of((0usize..8, word())),
            local: bool,
        ) {
            // A call the translation accepts, then words added and one replaced.
            let mut parts = base.split_whitespace();
            let plugin = parts.next().unwrap_or("check_load");
            let mut words: Vec<String> = parts.map(|w| w.replace('¦', " ")).collect();
            if let Some((at, w)) = replace
                && !words.is_empty()
            {
                let i = at % words.len();
                words[i] = w;
            }
            words.extend(extra);
            let call = Call { plugin: plugin.to_owned(), args: words.clone() };
            let nrpe = vec![("x".to_owned(), format!("/usr/lib/nagios/plugins/{plugin} {}", words.join(" ")))];
            let ctx = Context { local, nrpe, scrape_interval: 60, ..Context::default() };
            if let Some(p) = lookup(&call.plugin)
                && let Ok(native) = (p.translate)(&call, &ctx)
            {
                    // A translation is whole: signals that select the service's target,
                    // conditions on them, a feeder realising a value for each.
                    let n = native.signals.len();
                    prop_assert!(n > 0);
                    for s in &native.signals {
                        prop_assert!(s.contains(SEL), "{s}");
                    }
                    for c in native.warning.iter().chain(&native.critical) {
                        prop_assert!(c.signal < n, "{c:?} of {n} signals");
                    }
                    for (values, t) in [(vec![0.0; n], 60.0), (vec![1e9; n], 3600.0)] {
                        let fed = (native.feed)(&values, t);
                        prop_assert_eq!(fed.realized.len(), n);
                    }
            }
            let _ = written(&call);
            // The same words as the nrpe.cfg command that check_nrpe runs on the host.
            let remote = Call {
                plugin: "check_nrpe".to_owned(),
                args: ["-H", "$HOSTADDRESS$", "-c", "x"].iter().map(|w| (*w).to_owned()).collect(),
            };
            if let Some(p) = lookup("check_nrpe")
                && let Ok(native) = (p.translate)(&remote, &ctx)
            {
                let fed = (native.feed)(&vec![0.0; native.signals.len()], 60.0);
                prop_assert_eq!(fed.realized.len(), native.signals.len());
            }
        }
    }
}
