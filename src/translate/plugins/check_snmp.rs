//! `check_snmp -H host -o OID[,OID…] [-w W[,W…]] [-c C[,C…]] [-C community] [-P 1|2c]`:
//! scalar values from an SNMP agent, compared with per-OID ranges → snmp_exporter.
//!
//! Semantics (monitoring-plugins 2.3.3 `check_snmp.c`, verified against snmpd, check_snmp
//! and prometheus-snmp-exporter 0.21 on loopback; docs/design/check_snmp.md has the runs):
//! - `-o` is split at commas and blanks, several `-o` accumulate. An OID with anything but
//!   digits, dots and commas is symbolic and makes the plugin load every MIB (`-m ALL`).
//!   Names of the standard MIBs are resolved as snmpget resolves them with those MIBs
//!   ([`crate::translate::mib`]), under the assumption, listed for the user to confirm,
//!   that the Nagios server has them (on a stock Debian, without snmp-mibs-downloader, the
//!   plugin hangs until its alarm: CRITICAL on every run). With the MIBs loaded snmpget
//!   formats values by them: a compared OID must be an object of those MIBs whose text
//!   keeps its number (no DISPLAY-HINT but `d` or `255a`); others are refused.
//! - The i-th comma field of `-w`/`-c` is OID i's threshold; fewer fields leave the rest
//!   without one, an empty field is none, leading text other than `-0123456789.:@~` is
//!   skipped (`strpbrk`), and `hi:lo` with hi > lo is read as `@lo:hi` (`fix_snmp_range`).
//!   Ranges are the classic ones (`:N` is 0..N). Per OID, critical is tested first; the
//!   check's state is the worst OID's.
//! - A threshold OID's value is the number at the first `-` or digit of its text; an OID
//!   whose value has none, or that the agent lacks, is UNKNOWN (`-z 3`, the default) — the
//!   no-data companion, while the agent answers. OIDs without thresholds are OK whenever the
//!   agent answers (SNMPv2c answers "No Such Object" for a missing one; SNMPv1 fails the
//!   whole request, UNKNOWN: there every OID must be present).
//! - An agent that does not answer: snmpget gives up after `-t`×(`-e`+1) s, the plugin's
//!   alarm fires at `-t`×`-e`+5 s with CRITICAL ("Plugin timed out"), so the state is
//!   CRITICAL when `-t` > 5 (the default 10) and UNKNOWN when `-t` < 5 (`External command
//!   error`), unless Nagios' own 60 s service check timeout comes first (CRITICAL). In
//!   Prometheus the agent not answering is the snmp target's `up == 0` (the exporter
//!   returns HTTP 500).
//! - `--offset O` is added to every value. `-l`, `-u`, `-D`, `-O`, `-f` only change the
//!   output text.
//!
//! SNMPv3 (`-P 3`): `-L`, `-U`, `-a` (MD5, SHA), `-A`, `-x` (DES, AES), `-X`, `-N`, the
//! passwords referenced like the community.
//!
//! Bridged: `-s`/`-r`/`-R`/`--invert-search` (string
//! tests on the agent's formatted text), `--rate`, `-M` (applied to INTEGER and Gauge values
//! only, a type known at run time), `-n` (getnext), `-m`, `-d`, `-6`, `-z` other than 3, and
//! `-t 5` (the two timeouts race).
//!
//! The community (`-C`, default `public`) is a secret: the module references it by an
//! environment variable of `snmp.yml.tmpl`, never by value ([`crate::translate::snmp`]).

use nag2prom_parsers::number::strtod;
use nag2prom_parsers::range::Range;

use super::common::{Code, Refusal, opts, own_host, port, range};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::{has_user_macro, opt};
use crate::translate::mib::{self, MibError};
use crate::translate::snmp::{Community, Module, Secret, V3, Version, metric_name};

/// Characters `set_thresholds` starts a threshold at (`NP_THRESHOLDS_CHARS`).
const THRESHOLD_CHARS: &str = "-0123456789.:@~";

/// Nagios' default `service_check_timeout`, after which it kills the plugin (CRITICAL).
const SERVICE_CHECK_TIMEOUT: u32 = 60;

/// Translate a `check_snmp` call.
pub fn translate(call: &Call, _ctx: &Context) -> Result<Native, Refusal> {
    let table = [
        opt('h', "help", false),
        opt('v', "verbose", false),
        opt('V', "version", false),
        opt('n', "next", false),
        opt('O', "perf-oids", false),
        opt('4', "ipv4", false),
        opt('6', "ipv6", false),
        opt('t', "timeout", true),
        opt('c', "critical", true),
        opt('w', "warning", true),
        opt('H', "hostname", true),
        opt('C', "community", true),
        opt('o', "oid", true),
        opt('o', "object", true),
        opt('e', "retries", true),
        opt('E', "", true),
        opt('d', "delimiter", true),
        opt('D', "output-delimiter", true),
        opt('s', "string", true),
        opt('R', "eregi", true),
        opt('r', "regex", true),
        opt('r', "ereg", true),
        opt('l', "label", true),
        opt('u', "units", true),
        opt('p', "port", true),
        opt('m', "miblist", true),
        opt('P', "protocol", true),
        opt('N', "context", true),
        opt('L', "seclevel", true),
        opt('U', "secname", true),
        opt('a', "authproto", true),
        opt('x', "privproto", true),
        opt('A', "authpasswd", true),
        opt('X', "privpasswd", true),
        opt('M', "multiplier", true),
        opt('f', "fmtstr", true),
        opt('z', "nulloid", true),
        opt('\0', "rate", false),
        opt('\0', "rate-multiplier", true),
        opt('\0', "offset", true),
        opt('\0', "invert-search", false),
    ];
    let parsed = opts(call, &table, "check_snmp")?;
    let not_translated = |what: &str| Err(Refusal::new(Code::OptionNotTranslated, what.to_owned()));
    for (short, what) in [
        ('n', "-n (getnext) reads the OID after the one given"),
        ('s', "-s compares the agent's formatted text, which snmp_exporter does not export"),
        ('r', "-r matches the agent's formatted text, which snmp_exporter does not export"),
        ('R', "-R matches the agent's formatted text, which snmp_exporter does not export"),
        ('m', "-m loads MIBs that change how snmpget formats values"),
        ('d', "-d changes how the plugin splits snmpget's output"),
        ('6', "-6 (SNMP over IPv6) is not translated"),
    ] {
        if parsed.has(short) {
            return not_translated(what);
        }
    }
    for (long, what) in [
        ("rate", "--rate keeps a state file between runs"),
        ("rate-multiplier", "--rate keeps a state file between runs"),
        ("invert-search", "--invert-search inverts a string test (-s/-r)"),
    ] {
        if parsed.has_long(long) {
            return not_translated(what);
        }
    }
    if let Some(m) = parsed.last('M') {
        // The plugin ignores a multiplier with other characters; 1 changes nothing.
        let numeric = m.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',');
        if numeric && strtod(m).map(|(v, _)| v) != Some(1.0) {
            return not_translated(
                "-M multiplies INTEGER and Gauge values only, a type known at run time",
            );
        }
    }
    own_host('H', parsed.last('H'))?;
    let version = match parsed.last('P').unwrap_or("1") {
        "1" => Version::V1,
        "2c" => Version::V2c,
        "3" => Version::V3,
        v if v.contains('$') => {
            return Err(Refusal::new(Code::PerHostMacro, "-P depends on a macro"));
        }
        v => {
            return Err(Refusal::new(
                Code::PluginRefuses,
                format!("-P `{v}`: the plugin refuses it (Invalid SNMP version)"),
            ));
        }
    };
    let community = match parsed.last('C') {
        None => Community::Default,
        Some(c) => credential("-C", c)?,
    };
    let v3 = match version {
        Version::V3 => Some(v3_settings(&parsed)?),
        _ => None,
    };
    let timeout = whole("-t", parsed.last('t'), 10)?;
    let retries = whole(
        "-e",
        parsed
            .options
            .iter()
            .rev()
            .find(|o| o.short == 'e' || o.short == 'E')
            .and_then(|o| o.value.as_deref()),
        5,
    )?;
    if timeout == 0 {
        return Err(Refusal::new(Code::InvalidValue, "-t 0 is not a timeout"));
    }
    let unknown_when_down = timeout < 5 && timeout * (retries + 1) < SERVICE_CHECK_TIMEOUT;
    if timeout == 5 {
        return not_translated(
            "-t 5: snmpget's timeout and the plugin's alarm race, CRITICAL or UNKNOWN",
        );
    }
    match parsed.last('z') {
        None => {}
        Some(z) if z.trim() == "3" => {}
        Some(_) => return not_translated("-z other than 3 (UNKNOWN) is not translated"),
    }
    let offset = match parsed.last_long("offset") {
        None => 0.0,
        Some(o) => {
            if o.contains('$') {
                return Err(Refusal::new(Code::PerHostMacro, "--offset depends on a macro"));
            }
            strtod(o).map_or(0.0, |(v, _)| v)
        }
    };
    let target_port = port(parsed.last('p'), 161)?;

    let mut oids: Vec<String> = Vec::new();
    // Symbolic names and the numeric OIDs they resolve to.
    let mut symbolic: Vec<(String, String)> = Vec::new();
    for value in parsed.all('o') {
        if value.contains('$') {
            return Err(Refusal::new(Code::PerHostMacro, "-o depends on a macro"));
        }
        for oid in value.split([',', ' ']).filter(|o| !o.is_empty()) {
            if !mib::is_numeric(oid) {
                let numeric = mib::resolve(oid).map_err(|e| match e {
                    MibError::Malformed(_) => {
                        Refusal::new(Code::InvalidValue, format!("-o `{value}`: {e}"))
                    }
                    _ => Refusal::new(
                        Code::OptionNotTranslated,
                        format!("-o names a symbolic OID the plugin resolves from MIBs: {e}; give its numeric OID"),
                    ),
                })?;
                symbolic.push((oid.to_owned(), numeric.clone()));
                oids.push(numeric);
                continue;
            }
            let oid = oid.trim_start_matches('.');
            if oid.is_empty() || oid.split('.').any(str::is_empty) {
                return Err(Refusal::new(
                    Code::InvalidValue,
                    format!("-o `{value}` is not an OID"),
                ));
            }
            oids.push(oid.to_owned());
        }
    }
    if oids.is_empty() {
        return Err(Refusal::new(
            Code::PluginRefuses,
            "no -o: the plugin refuses to run without an OID",
        ));
    }
    let warn = thresholds("-w", parsed.last('w'), oids.len())?;
    let crit = thresholds("-c", parsed.last('c'), oids.len())?;
    if !symbolic.is_empty() {
        // With a symbolic OID the plugin loads every MIB (-m ALL), and snmpget then formats
        // each value by its MIB: a compared value must be one whose text keeps its number.
        for (i, oid) in oids.iter().enumerate() {
            if warn[i].is_none() && crit[i].is_none() {
                continue;
            }
            match mib::leaf_of(oid) {
                None => {
                    return not_translated(&format!(
                        "-o {oid} is compared while the plugin loads every MIB (a symbolic OID is given), and it is no object of the standard MIBs nag2prom knows ({}), so how snmpget formats it is unknown",
                        mib::MODULES
                    ));
                }
                Some(object) if !matches!(object.hint, "" | "d" | "255a") => {
                    return not_translated(&format!(
                        "-o {oid} is compared while the plugin loads every MIB, which formats it by its DISPLAY-HINT `{}` ({})",
                        object.hint, object.module
                    ));
                }
                Some(_) => {}
            }
        }
    }

    // One signal per OID with a threshold; `up` last, when the agent not answering is
    // CRITICAL.
    let mut signals = Vec::new();
    let mut metrics = Vec::new();
    let mut warning = Vec::new();
    let mut critical = Vec::new();
    let mut canonical_w = Vec::new();
    let mut canonical_c = Vec::new();
    for (i, oid) in oids.iter().enumerate() {
        let (w, c) = (warn[i], crit[i]);
        canonical_w.push(w.map(|r| r.to_string()).unwrap_or_default());
        canonical_c.push(c.map(|r| r.to_string()).unwrap_or_default());
        if w.is_none() && c.is_none() {
            continue;
        }
        let metric = metric_name(oid);
        let signal = signals.len();
        signals.push(if offset == 0.0 {
            format!("{metric}{{__SEL__}}")
        } else {
            format!("{metric}{{__SEL__}} + {}", super::num(offset))
        });
        metrics.push(metric);
        if let Some(r) = w {
            warning.push(Cond { signal, test: Test::Range(r) });
        }
        if let Some(r) = c {
            critical.push(Cond { signal, test: Test::Range(r) });
        }
    }
    let threshold_metrics = metrics.clone();
    let up_signal = (!unknown_when_down).then(|| {
        signals.push("up{__SEL__}".to_owned());
        critical.push(Cond { signal: signals.len() - 1, test: Test::Eq(0.0) });
        signals.len() - 1
    });
    if warning.is_empty() && critical.is_empty() {
        return Err(Refusal::new(
            Code::NoThresholds,
            "no -w/-c and -t below 5: the plugin only reports UNKNOWN when the agent does not answer",
        ));
    }
    // What must be there for the plugin to have its data: every threshold OID, and with
    // SNMPv1 every OID (one missing one fails the whole request).
    let required: Vec<String> = match version {
        Version::V1 => oids.iter().map(|o| metric_name(o)).collect(),
        Version::V2c | Version::V3 => threshold_metrics.clone(),
    };
    // The module asks for what the rules read: with SNMPv1 every OID, with v2c the
    // threshold OIDs (others are OK whenever the agent answers), or the first OID when none
    // has a threshold (the agent must still be asked).
    let fetched: Vec<String> = match version {
        Version::V1 => oids.clone(),
        Version::V2c | Version::V3 if threshold_metrics.is_empty() => vec![oids[0].clone()],
        Version::V2c | Version::V3 => {
            oids.iter().filter(|o| threshold_metrics.contains(&metric_name(o))).cloned().collect()
        }
    };
    let presence = (!required.is_empty()).then(|| {
        required.iter().map(|m| format!("{m}{{__SEL__}}")).collect::<Vec<_>>().join(" and ")
    });
    let missing = match (&presence, unknown_when_down) {
        // Down is UNKNOWN: the companion covers both the agent and a missing value.
        (_, true) => Missing::Unknown,
        (Some(_), false) => Missing::UnknownWhileUp,
        (None, false) => Missing::Covered,
    };

    let trim = |v: &[String]| {
        let mut v = v.to_vec();
        while v.last().is_some_and(String::is_empty) {
            v.pop();
        }
        v.join(",")
    };
    let mut canonical = format!(
        "check_snmp -P {} -o {}",
        match version {
            Version::V1 => "1",
            Version::V2c => "2c",
            Version::V3 => "3",
        },
        oids.join(",")
    );
    if let Some(v) = &v3 {
        canonical.push_str(&format!(" -L {} -U {}", v.level, v.username));
        if let Some(a) = v.auth_protocol {
            canonical.push_str(&format!(" -a {a}"));
        }
        if let Some(x) = v.priv_protocol {
            canonical.push_str(&format!(" -x {x}"));
        }
        if let Some(n) = &v.context {
            canonical.push_str(&format!(" -N {n}"));
        }
    }
    for (flag, list) in [("-w", &canonical_w), ("-c", &canonical_c)] {
        let text = trim(list);
        if !text.is_empty() {
            canonical.push_str(&format!(" {flag} {text}"));
        }
    }
    if offset != 0.0 {
        canonical.push_str(&format!(" --offset {}", super::num(offset)));
    }
    canonical.push_str(&format!(" -t {timeout} -e {retries}"));
    if target_port != 161 {
        canonical.push_str(&format!(" -p {target_port}"));
    }

    let settings = Module {
        version,
        community,
        variable: None,
        timeout,
        retries,
        oids: fetched,
        present: Vec::new(),
        v3,
    };
    let n_threshold = metrics.len();
    // OIDs that must be there without being compared (SNMPv1: any missing one fails the
    // request): the agent returns them whenever it answers.
    let answered: Vec<String> = required.iter().filter(|m| !metrics.contains(m)).cloned().collect();
    let feed = Box::new(move |values: &[f64], _t: f64| {
        let mut fed = Fed::default();
        for (i, metric) in metrics.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0.0);
            let raw = v - offset;
            fed.series.push(Series::constant(metric, &[], raw));
            fed.realized.push(Some(raw + offset));
            fed.labels.push(Vec::new());
        }
        for metric in &answered {
            fed.series.push(Series::constant(metric, &[], 0.0));
        }
        if up_signal.is_some() {
            let v = values.get(n_threshold).copied().unwrap_or(1.0);
            fed.series.push(Series::constant("up", &[], v));
            fed.realized.push(Some(v));
            fed.labels.push(Vec::new());
        }
        fed
    });
    let mut notes = vec![
        "close: the value is the number at the first digit or `-` of the agent's text, as the plugin reads it (strtod's hexadecimal and `inf` forms are not)".to_owned(),
    ];
    if up_signal.is_some() {
        notes.push(format!(
            "an agent that does not answer is CRITICAL (the plugin's alarm at -t {timeout} × -e {retries} + 5 s); one that refuses at once is UNKNOWN in the plugin and CRITICAL here"
        ));
    }
    let mut requires = Vec::new();
    if !symbolic.is_empty() {
        let names: Vec<String> = symbolic.iter().map(|(n, o)| format!("{n} = {o}")).collect();
        let confirm = format!(
            "confirm the Nagios server has the standard MIBs (Debian: snmp-mibs-downloader): the symbolic OIDs were resolved as snmpget resolves them with those MIBs ({}); without them the plugin times out, CRITICAL, on every run",
            names.join(", ")
        );
        notes.push(confirm.clone());
        requires.push(confirm);
    }
    let calm = {
        let mut calm = vec![0.0; signals.len()];
        if let Some(i) = up_signal {
            calm[i] = 1.0;
        }
        calm
    };
    Ok(Native {
        plugin: "check_snmp",
        alert: "NagiosCheckSnmp",
        probe: Probe::Snmp {
            module: String::new(),
            settings: Box::new(settings),
            target: format!("$HOSTADDRESS$:{target_port}"),
        },
        canonical,
        signals,
        warning,
        critical,
        feed,
        window_samples: 1,
        second: None,
        written: String::new(),
        requires,
        missing,
        notes,
        calm,
        presence,
    })
}

/// A secret option's value (`-C`, `-A`, `-X`) as a reference: a `$USERn$` macro by its name,
/// a literal kept hidden; other macros differ per host.
pub(crate) fn credential(opt: &str, value: &str) -> Result<Community, Refusal> {
    if has_user_macro(value) {
        let name = value.trim_matches('$');
        if value.starts_with("$USER") && value.ends_with('$') && !name.contains('$') {
            return Ok(Community::Macro(name.to_owned()));
        }
        return Err(Refusal::new(
            Code::SecretMacro,
            format!("{opt} mixes a $USERn$ macro with other text"),
        ));
    }
    if value.contains('$') {
        return Err(Refusal::new(
            Code::PerHostMacro,
            format!("{opt} depends on a macro that differs per host"),
        ));
    }
    Ok(Community::Literal(Secret::new(value)))
}

/// SNMPv3 settings as check_snmp 2.3.3 reads them (`validate_arguments`): `-L` defaults to
/// noAuthNoPriv, `-U` is required; with auth `-a` defaults to MD5 and `-A` is required; with
/// priv `-x` defaults to DES and `-X` is required.
fn v3_settings(parsed: &crate::translate::argv::Parsed) -> Result<V3, Refusal> {
    let refuses = |what: String| Err(Refusal::new(Code::PluginRefuses, what));
    let level = match parsed.last('L').unwrap_or("noAuthNoPriv") {
        "noAuthNoPriv" => "noAuthNoPriv",
        "authNoPriv" => "authNoPriv",
        "authPriv" => "authPriv",
        other if other.contains('$') => {
            return Err(Refusal::new(Code::PerHostMacro, "-L depends on a macro"));
        }
        other => return refuses(format!("-L `{other}`: the plugin refuses it (Invalid seclevel)")),
    };
    let Some(username) = parsed.last('U') else {
        return refuses(
            "-P 3 without -U: the plugin answers UNKNOWN (Required parameter: secname)".to_owned(),
        );
    };
    if username.contains('$') {
        return Err(Refusal::new(
            Code::SecretMacro,
            "-U through a macro: the security name would have to be read",
        ));
    }
    let context = match parsed.last('N') {
        Some(n) if n.contains('$') => {
            return Err(Refusal::new(Code::PerHostMacro, "-N depends on a macro"));
        }
        n => n.map(str::to_owned),
    };
    let mut v3 = V3 {
        level,
        username: username.to_owned(),
        auth_protocol: None,
        password: None,
        password_variable: None,
        priv_protocol: None,
        priv_password: None,
        priv_variable: None,
        context,
    };
    if level == "noAuthNoPriv" {
        return Ok(v3);
    }
    v3.auth_protocol = Some(match parsed.last('a').unwrap_or("MD5") {
        "MD5" => "MD5",
        "SHA" => "SHA",
        other => {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("-a `{other}`: only MD5 and SHA are translated"),
            ));
        }
    });
    let Some(password) = parsed.last('A') else {
        return refuses(
            "-L with auth but no -A: the plugin answers UNKNOWN (Required parameter: authpasswd)"
                .to_owned(),
        );
    };
    v3.password = Some(credential("-A", password)?);
    if level == "authPriv" {
        v3.priv_protocol = Some(match parsed.last('x').unwrap_or("DES") {
            "DES" => "DES",
            "AES" => "AES",
            other => {
                return Err(Refusal::new(
                    Code::OptionNotTranslated,
                    format!("-x `{other}`: only DES and AES are translated"),
                ));
            }
        });
        let Some(privacy) = parsed.last('X') else {
            return refuses("-L authPriv without -X: the plugin answers UNKNOWN (Required parameter: privpasswd)".to_owned());
        };
        v3.priv_password = Some(credential("-X", privacy)?);
    }
    Ok(v3)
}

/// `-t`/`-e`: a non-negative integer (`is_integer`), or the default.
fn whole(opt: &str, value: Option<&str>, default: u32) -> Result<u32, Refusal> {
    match value {
        None => Ok(default),
        Some(v) if v.contains('$') => {
            Err(Refusal::new(Code::PerHostMacro, format!("{opt} depends on a macro")))
        }
        Some(v) => v.trim().parse::<u32>().ok().filter(|n| *n <= 600).ok_or_else(|| {
            Refusal::new(
                Code::PluginRefuses,
                format!("{opt} `{v}` is not a whole number: the plugin refuses it"),
            )
        }),
    }
}

/// The per-OID thresholds of `-w`/`-c` as check_snmp reads them: the i-th comma field is
/// OID i's; missing and empty fields are none; leading text before a threshold character is
/// skipped; `hi:lo` (hi > lo) is `@lo:hi`.
fn thresholds(opt: &str, value: Option<&str>, n: usize) -> Result<Vec<Option<Range>>, Refusal> {
    let mut out = vec![None; n];
    let Some(value) = value else { return Ok(out) };
    let mut fields = value.split(',');
    for slot in out.iter_mut() {
        let Some(field) = fields.next() else { break };
        let field = fix_snmp_range(field);
        let Some(start) = field.find(|c| THRESHOLD_CHARS.contains(c)) else { continue };
        *slot = Some(range(opt, &field[start..]).map_err(|r| {
            if r.code == Code::InvalidValue {
                Refusal::new(
                    Code::PluginRefuses,
                    format!("{}: the plugin answers UNKNOWN (Range format incorrect)", r.text),
                )
            } else {
                r
            }
        })?);
    }
    Ok(out)
}

/// `fix_snmp_range`: `hi:lo` with `strtod(hi) > strtod(lo)` becomes `@lo:hi`.
fn fix_snmp_range(field: &str) -> String {
    let Some((left, right)) = field.split_once(':') else { return field.to_owned() };
    if right.is_empty() {
        return field.to_owned();
    }
    let value = |s: &str| strtod(s).map_or(0.0, |(v, _)| v);
    if value(right) >= value(left) {
        return field.to_owned();
    }
    format!("@{right}:{left}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    fn tr(line: &str) -> Result<Native, Refusal> {
        translate(&call(line, &[] as &[&str]).map_err(Refusal::from)?, &Context::default())
    }

    fn alerts(conds: &[Cond], values: &[f64]) -> bool {
        conds.iter().any(|c| c.test.alerts(values[c.signal]))
    }

    #[test]
    fn ranges_per_oid_with_the_plugins_edges() {
        // `:N` is 0..N: a negative value alerts (the plugin: -129 with -w :500 is CRITICAL
        // with -c :1000).
        let n =
            tr("check_snmp -H $HOSTADDRESS$ -o .1.3.6.1.2.1.25.1.6.0 -w :500 -c :1000").unwrap();
        assert_eq!(n.signals[0], "nagios_snmp_oid_1_3_6_1_2_1_25_1_6_0{__SEL__}");
        assert_eq!(n.signals[1], "up{__SEL__}");
        for (v, warn, crit) in [
            (500.0, false, false),
            (500.5, true, false),
            (1000.0, true, false),
            (1000.5, true, true),
            (-1.0, true, true),
            (0.0, false, false),
        ] {
            assert_eq!(alerts(&n.warning, &[v, 1.0]), warn, "{v}");
            assert_eq!(alerts(&n.critical, &[v, 1.0]), crit, "{v}");
        }
        assert!(alerts(&n.critical, &[0.0, 0.0]), "an agent that does not answer");
        assert_eq!(n.missing, Missing::UnknownWhileUp);
        assert_eq!(n.presence.as_deref(), Some("nagios_snmp_oid_1_3_6_1_2_1_25_1_6_0{__SEL__}"));
        assert_eq!(
            n.canonical,
            "check_snmp -P 1 -o 1.3.6.1.2.1.25.1.6.0 -w 500 -c 1000 -t 10 -e 5"
        );
    }

    #[test]
    fn symbolic_oids_of_the_standard_mibs_are_their_numeric_oids_and_marked() {
        // Wikimedia's commands: the plugin loads every MIB and snmpget resolves the names.
        let named = tr("check_snmp -H $HOSTADDRESS$ -C public -o host.hrSystem.hrSystemProcesses.0,tcp.tcpCurrEstab.0 -w :500,:90 -c :1000,:95").unwrap();
        let numeric = tr("check_snmp -H $HOSTADDRESS$ -C public -o .1.3.6.1.2.1.25.1.6.0,.1.3.6.1.2.1.6.9.0 -w :500,:90 -c :1000,:95").unwrap();
        assert_eq!(named.signals, numeric.signals);
        assert_eq!(named.canonical, numeric.canonical);
        assert_eq!(named.warning.len(), numeric.warning.len());
        assert_eq!(named.presence, numeric.presence);
        assert!(numeric.requires.is_empty());
        assert_eq!(named.requires.len(), 1, "the MIB assumption is for the user to confirm");
        assert!(named.requires[0].contains("tcp.tcpCurrEstab.0 = 1.3.6.1.2.1.6.9.0"));
        // Instances through a column: hrStorageUsed.31.
        let storage = tr("check_snmp -H $HOSTADDRESS$ -o host.hrStorage.hrStorageTable.hrStorageEntry.hrStorageUsed.31 -w 10 -c 20").unwrap();
        assert_eq!(storage.signals[0], "nagios_snmp_oid_1_3_6_1_2_1_25_2_3_1_6_31{__SEL__}");
    }

    #[test]
    fn test_feeds_give_every_oid_snmpv1_requires() {
        // No threshold, SNMPv1: the OID must still be there (Debian's switch.cfg Uptime).
        let n = tr("check_snmp -H $HOSTADDRESS$ -C public -o sysUpTime.0").unwrap();
        let fed = (n.feed)(&[0.0, 1.0], 0.0);
        let metric = "nagios_snmp_oid_1_3_6_1_2_1_1_3_0";
        assert!(fed.series.iter().any(|s| s.metric == metric), "{:?}", n.presence);
        assert_eq!(fed.realized.len(), n.signals.len(), "one value per signal");
    }

    #[test]
    fn symbolic_oids_the_table_cannot_vouch_for_are_refused() {
        // Not a standard object: its MIB is unknown.
        let e = tr("check_snmp -H $HOSTADDRESS$ -o cpmCPUTotal5sec.1 -w 80 -c 90").unwrap_err();
        assert_eq!(e.code, Code::OptionNotTranslated, "{e:?}");
        // A vendor OID compared in a call that loads every MIB: its formatting is unknown.
        let e = tr(
            "check_snmp -H $HOSTADDRESS$ -o sysUpTime.0,.1.3.6.1.4.1.789.1.2.1.3.0 -w ,90 -c ,95",
        )
        .unwrap_err();
        assert!(e.text.contains("1.3.6.1.4.1.789.1.2.1.3.0"), "{e:?}");
        // Without a threshold it is only asked for: fine.
        assert!(
            tr("check_snmp -H $HOSTADDRESS$ -o sysUpTime.0,.1.3.6.1.4.1.789.1.2.1.3.0 -w 90 -c 95")
                .is_ok()
        );
        // DateAndTime is printed by its DISPLAY-HINT once the MIB is loaded.
        let e = tr("check_snmp -H $HOSTADDRESS$ -o hrSystemDate.0 -w 1 -c 2").unwrap_err();
        assert!(e.text.contains("DISPLAY-HINT"), "{e:?}");
        let e = tr("check_snmp -H $HOSTADDRESS$ -o sysUpTime..0 -w 1").unwrap_err();
        assert_eq!(e.code, Code::InvalidValue);
    }

    #[test]
    fn comma_fields_bind_to_oids_in_order() {
        let n = tr("check_snmp -H $HOSTADDRESS$ -P 2c -o A.1,2.2 -w 1:,:90 -c 2:,:95");
        assert!(n.is_err(), "a symbolic OID is refused");
        let n = tr("check_snmp -H $HOSTADDRESS$ -P 2c -o 1.1,2.2,3.3 -w 1:,:90 -c 2:").unwrap();
        // OID 1: crit < 2, warn < 1; OID 2: warn > 90 (no critical field); OID 3: none.
        assert_eq!(n.signals.len(), 3, "{:?}", n.signals);
        assert!(alerts(&n.critical, &[1.5, 0.0, 1.0]));
        assert!(!alerts(&n.warning, &[1.5, 0.0, 1.0]));
        assert!(alerts(&n.warning, &[0.5, 0.0, 1.0]));
        assert!(alerts(&n.warning, &[5.0, 90.5, 1.0]));
        assert!(!alerts(&n.critical, &[5.0, 1000.0, 1.0]));
        // v2c: the OID without thresholds is not fetched, nor required.
        let Probe::Snmp { settings, .. } = &n.probe else { panic!() };
        assert_eq!(settings.oids, ["1.1", "2.2"]);
        assert!(n.presence.as_deref().unwrap().contains(" and "));
        // `-w 2:2,…` HP thermal style; an empty field is none.
        let n = tr("check_snmp -H $HOSTADDRESS$ -o 1.1,2.2 -w ,:5").unwrap();
        assert_eq!(n.signals.len(), 2);
        assert!(alerts(&n.warning, &[5.5, 1.0]));
    }

    #[test]
    fn hi_lo_is_an_inside_range_and_junk_is_skipped() {
        let n = tr("check_snmp -H $HOSTADDRESS$ -o 1.1 -w 10:1").unwrap();
        // @1:10: alert inside.
        assert!(alerts(&n.warning, &[1.0, 1.0]));
        assert!(alerts(&n.warning, &[10.0, 1.0]));
        assert!(!alerts(&n.warning, &[10.5, 1.0]));
        assert!(!alerts(&n.warning, &[0.5, 1.0]));
        let n = tr("check_snmp -H $HOSTADDRESS$ -o 1.1 -w abc5").unwrap();
        assert!(alerts(&n.warning, &[5.5, 1.0]));
        // No threshold character at all: no threshold (the plugin is OK).
        let n = tr("check_snmp -H $HOSTADDRESS$ -o 1.1 -w abc").unwrap();
        assert_eq!(n.signals, ["up{__SEL__}"]);
        assert_eq!(n.missing, Missing::UnknownWhileUp, "v1: every OID must answer");
        let n = tr("check_snmp -H $HOSTADDRESS$ -P 2c -o 1.1").unwrap();
        assert_eq!(n.missing, Missing::Covered, "v2c without thresholds: only the agent");
    }

    #[test]
    fn timeouts_decide_the_state_of_a_silent_agent() {
        let n = tr("check_snmp -H $HOSTADDRESS$ -o 1.1 -w 5 -t 1 -e 1").unwrap();
        assert!(!n.signals.iter().any(|s| s.starts_with("up")), "-t 1: UNKNOWN, no up rule");
        assert_eq!(n.missing, Missing::Unknown);
        assert!(tr("check_snmp -H $HOSTADDRESS$ -o 1.1 -w 5 -t 5").is_err());
        let e = tr("check_snmp -H $HOSTADDRESS$ -o 1.1 -t 2").unwrap_err();
        assert_eq!(e.code, Code::NoThresholds);
        // -t 4 with many retries: Nagios' 60 s timeout kills it first (CRITICAL).
        let n = tr("check_snmp -H $HOSTADDRESS$ -o 1.1 -w 5 -t 4 -e 20").unwrap();
        assert!(n.signals.iter().any(|s| s.starts_with("up")));
    }

    #[test]
    fn the_community_is_referenced_never_shown() {
        let n = tr("check_snmp -H $HOSTADDRESS$ -C s3cret -o 1.1 -w 5").unwrap();
        assert!(!n.canonical.contains("s3cret"));
        assert!(!format!("{n:?}").contains("s3cret"));
        let Probe::Snmp { settings, .. } = &n.probe else { panic!() };
        assert!(matches!(settings.community, Community::Literal(_)));
        let n = tr("check_snmp -H $HOSTADDRESS$ -C $USER3$ -o 1.1 -w 5").unwrap();
        let Probe::Snmp { settings, .. } = &n.probe else { panic!() };
        assert_eq!(settings.community, Community::Macro("USER3".to_owned()));
        assert_eq!(
            tr("check_snmp -H $HOSTADDRESS$ -C x$USER3$ -o 1.1 -w 5").unwrap_err().code,
            Code::SecretMacro
        );
        assert_eq!(
            tr("check_snmp -H $HOSTADDRESS$ -C $_HOSTC$ -o 1.1 -w 5").unwrap_err().code,
            Code::PerHostMacro
        );
    }

    #[test]
    fn snmpv3_credentials_are_referenced() {
        let n = tr("check_snmp -H $HOSTADDRESS$ -P 3 -L authPriv -U mon -a SHA -A s3cretauth -x AES -X $USER7$ -o 1.1 -w 5").unwrap();
        assert!(!format!("{n:?}").contains("s3cretauth") && !n.canonical.contains("s3cretauth"));
        assert_eq!(
            n.canonical,
            "check_snmp -P 3 -o 1.1 -L authPriv -U mon -a SHA -x AES -w 5 -t 10 -e 5"
        );
        let Probe::Snmp { settings, .. } = &n.probe else { panic!() };
        let v3 = settings.v3.as_ref().unwrap();
        assert!(matches!(v3.password, Some(Community::Literal(_))));
        assert_eq!(v3.priv_password, Some(Community::Macro("USER7".to_owned())));
        // Defaults: noAuthNoPriv; with auth MD5, with priv DES.
        let n = tr("check_snmp -H $HOSTADDRESS$ -P 3 -L authPriv -U mon -A a -X x -o 1.1 -w 5")
            .unwrap();
        let Probe::Snmp { settings, .. } = &n.probe else { panic!() };
        let v3 = settings.v3.as_ref().unwrap();
        assert_eq!((v3.auth_protocol, v3.priv_protocol), (Some("MD5"), Some("DES")));
        for (line, code) in [
            ("check_snmp -H $HOSTADDRESS$ -P 3 -o 1.1 -w 5", Code::PluginRefuses),
            (
                "check_snmp -H $HOSTADDRESS$ -P 3 -L authNoPriv -U u -o 1.1 -w 5",
                Code::PluginRefuses,
            ),
            ("check_snmp -H $HOSTADDRESS$ -P 3 -L bogus -U u -o 1.1 -w 5", Code::PluginRefuses),
            (
                "check_snmp -H $HOSTADDRESS$ -P 3 -L authNoPriv -U u -a SHA-256 -A p -o 1.1 -w 5",
                Code::OptionNotTranslated,
            ),
        ] {
            assert_eq!(tr(line).unwrap_err().code, code, "{line}");
        }
        // v3 options without -P 3 are ignored by the plugin.
        assert!(tr("check_snmp -H $HOSTADDRESS$ -U u -o 1.1 -w 5").is_ok());
    }

    #[test]
    fn refusals() {
        for line in [
            "check_snmp -H $HOSTADDRESS$ -o 1.1 -s x",
            "check_snmp -H $HOSTADDRESS$ -o 1.1 -r x",
            "check_snmp -H $HOSTADDRESS$ -o 1.1 -w 5 --rate",
            "check_snmp -H $HOSTADDRESS$ -o 1.1 -w 5 -M 8",
            // A name outside the standard MIBs (symbolic names inside them are translated).
            "check_snmp -H $HOSTADDRESS$ -o cpmCPUTotal5sec.1 -w 5",
            "check_snmp -H $HOSTADDRESS$ -o 1.1 -w 5 -z 0",
            "check_snmp -H $HOSTADDRESS$ -o 1.1 -w 5 --delimiter=x",
        ] {
            assert_eq!(tr(line).unwrap_err().code, Code::OptionNotTranslated, "{line}");
        }
        assert_eq!(tr("check_snmp -H $HOSTADDRESS$ -w 5").unwrap_err().code, Code::PluginRefuses);
        assert_eq!(
            tr("check_snmp -H $HOSTADDRESS$ -o 1.1 -P 4").unwrap_err().code,
            Code::PluginRefuses
        );
        assert_eq!(
            tr("check_snmp -H $HOSTADDRESS$ -o 1.1 -w @10:1").unwrap_err().code,
            Code::PluginRefuses
        );
        assert_eq!(
            tr("check_snmp -H 10.0.0.1 -o 1.1 -w 5").unwrap_err().code,
            Code::NotServiceHost
        );
        // -M 1 and cosmetic options change nothing.
        let n = tr("check_snmp -H $HOSTADDRESS$ -o 1.1 -w 5 -M 1 -l load -u x -O -f %d").unwrap();
        assert_eq!(n.signals.len(), 2);
    }

    #[test]
    fn offset_and_feeder_agree() {
        let n = tr("check_snmp -H $HOSTADDRESS$ -p 1161 -o 1.1 -c 10 --offset -70").unwrap();
        assert_eq!(n.signals[0], "nagios_snmp_oid_1_1{__SEL__} + -70");
        let fed = (n.feed)(&[10.5, 1.0], 0.0);
        assert_eq!(fed.series[0].values, [80.5]);
        assert_eq!(fed.realized[0], Some(10.5));
        assert!(n.canonical.ends_with("-p 1161"), "{}", n.canonical);
        let Probe::Snmp { target, .. } = &n.probe else { panic!() };
        assert_eq!(target, "$HOSTADDRESS$:1161");
    }
}
