//! What the plugin modules share: option parsing with the options every monitoring plugin
//! accepts, strict threshold reading, the checks on which host a plugin talks to, and the
//! builders of plugin families (the icmp pair of check_ping/check_icmp, the tcp prober of
//! check_tcp and the protocol plugins, the NTP offset of check_ntp_time/check_ntp, the
//! windows_exporter service state of check_nt and NSClient++ through NRPE). A plugin module
//! imports from here, never from a sibling plugin.

pub mod from_host;
pub mod icmp;
pub mod ntp;
pub mod tcp;
pub mod windows;

use nag2prom_parsers::range::{Range, parse_range};

use super::{Context, Fed, Feeder, Series};
use crate::translate::argv::{self, Call};
pub use crate::translate::refusal::{Code, Refusal};

/// getopt over the plugin's option table; unknown options and missing values are coded.
pub(crate) fn opts(
    call: &Call,
    table: &[argv::Opt],
    plugin: &'static str,
) -> Result<argv::Parsed, Refusal> {
    argv::getopt(&call.args, table, plugin).map_err(Refusal::from)
}

/// A threshold value: refuses `$USERn$` (hidden) and other macros (per host).
pub(crate) fn threshold_text<'a>(opt: &str, value: &'a str) -> Result<&'a str, Refusal> {
    if argv::has_user_macro(value) {
        return Err(Refusal::new(
            Code::SecretMacro,
            format!(
                "threshold {opt} is hidden behind a $USERn$ macro (resource file); its value is never read"
            ),
        ));
    }
    if value.contains('$') {
        return Err(Refusal::new(
            Code::PerHostMacro,
            format!("threshold {opt} `{value}` depends on a macro that differs per host"),
        ));
    }
    Ok(value)
}

/// A monitoring-plugins range (strict: text `strtod` would silently ignore is refused).
pub(crate) fn range(opt: &str, value: &str) -> Result<Range, Refusal> {
    let text = threshold_text(opt, value)?;
    parse_range(text).map_err(|e| {
        Refusal::new(Code::InvalidValue, format!("threshold {opt} `{text}`: {}", e.kind))
    })
}

/// A plain number (`strtod` without trailing junk).
pub(crate) fn number(opt: &str, value: &str) -> Result<f64, Refusal> {
    let text = threshold_text(opt, value)?;
    match text.trim().parse::<f64>() {
        Ok(v)
            if v.is_finite() && !text.trim().is_empty() && !text.contains(['i', 'n', 'I', 'N']) =>
        {
            Ok(v)
        }
        _ => Err(Refusal::new(
            Code::InvalidValue,
            format!("threshold {opt} `{text}` is not a number"),
        )),
    }
}

/// The `-w`/`-c` ranges of a plugin that alerts on nothing else: neither is refused (the
/// plugin never alerts).
pub(crate) fn ranges(parsed: &argv::Parsed) -> Result<(Option<Range>, Option<Range>), Refusal> {
    let w = parsed.last('w').map(|v| range("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| range("-c", v)).transpose()?;
    if w.is_none() && c.is_none() {
        return Err(Refusal::new(Code::NoThresholds, "neither -w nor -c: the plugin never alerts"));
    }
    Ok((w, c))
}

/// The condition of signal 0 meeting `range`, when there is one.
pub(crate) fn range_cond(range: Option<Range>) -> Vec<super::Cond> {
    range.map(|r| vec![super::Cond { signal: 0, test: super::Test::Range(r) }]).unwrap_or_default()
}

/// `base` followed by ` -w W` and ` -c C` for the ranges given: the canonical call.
pub(crate) fn with_ranges(base: &str, w: Option<Range>, c: Option<Range>) -> String {
    let mut canonical = base.to_owned();
    if let Some(w) = w {
        canonical.push_str(&format!(" -w {w}"));
    }
    if let Some(c) = c {
        canonical.push_str(&format!(" -c {c}"));
    }
    canonical
}

/// The host the plugin talks to must be the service's host (`$HOSTADDRESS$`/`$HOSTNAME$`).
pub(crate) fn own_host(opt: char, value: Option<&str>) -> Result<(), Refusal> {
    own_host_as(&format!("-{opt}"), opt, value)
}

/// [`own_host`] for a host given as `what` (`-H`, or `the host argument` for a plugin that
/// also takes it as an operand); a missing one is named by `-opt`.
pub(crate) fn own_host_as(what: &str, opt: char, value: Option<&str>) -> Result<(), Refusal> {
    match value {
        Some("$HOSTADDRESS$" | "$HOSTNAME$") => Ok(()),
        Some(v) if v.contains('$') => Err(Refusal::new(
            Code::PerHostMacro,
            format!("{what} uses a macro other than $HOSTADDRESS$"),
        )),
        Some(_) => Err(Refusal::new(
            Code::NotServiceHost,
            format!(
                "{what} names a fixed host, not the service's host; the probe target would be the same for every host"
            ),
        )),
        None => Err(Refusal::new(
            Code::PluginRefuses,
            format!("no -{opt}: the plugin would not know which host to check"),
        )),
    }
}

/// Plugins that measure the machine they run on (the Nagios server) unless run through NRPE.
pub(crate) fn require_local(ctx: &Context, plugin: &str) -> Result<(), Refusal> {
    if ctx.local || ctx.assume_remote {
        Ok(())
    } else {
        Err(Refusal::new(
            Code::RunsOnNagiosServer,
            format!(
                "{plugin} runs on the Nagios server and measures it, not this host; run it through check_nrpe or pass --local-checks-are-remote"
            ),
        ))
    }
}

/// `inner`, a command a remote runner (check_nrpe, check_by_ssh) runs on the host, translated
/// as that plugin measuring the host, or, for a network plugin, probing from the host
/// ([`from_host`]); `what` names the command in reasons (`remote command `x``), `via` the
/// runner (`through NRPE`). Other plugins, and unregistered ones, are refused with the code
/// that says which.
pub(crate) fn on_host(
    inner: &Call,
    ctx: &Context,
    what: &str,
    via: &str,
) -> Result<super::Native, Refusal> {
    let refused = |code| {
        Refusal::new(code, format!("{what} runs `{}`, which is not translated {via}", inner.plugin))
    };
    let Some(registered) = super::lookup(&inner.plugin) else {
        return Err(refused(Code::PluginNotTranslated));
    };
    match registered.remote {
        super::Remote::Measures => {
            // The remote plugin measures the host it runs on.
            let remote = Context { local: true, ..ctx.clone() };
            (registered.translate)(inner, &remote).map_err(|e| e.context(what))
        }
        super::Remote::ProbesFrom(options) => {
            from_host::translate(registered, options, inner, ctx, what, via)
        }
        super::Remote::No => Err(refused(Code::RemoteCommand)),
    }
}

/// The UNIX CPU count used by test feeders (a power of two keeps divisions exact).
pub(crate) const TEST_CPUS: u32 = 4;

/// Option table entries every monitoring plugin accepts.
pub(crate) const COMMON: [argv::Opt; 4] = [
    argv::opt('t', "timeout", true),
    argv::opt('v', "verbose", false),
    argv::opt('h', "help", false),
    argv::opt('V', "version", false),
];

/// `table` plus [`COMMON`].
pub(crate) fn with_common(table: &[argv::Opt]) -> Vec<argv::Opt> {
    let mut v = table.to_vec();
    for c in COMMON {
        if !v.iter().any(|o| o.short == c.short) {
            v.push(c);
        }
    }
    v
}

/// A feeder for one `probe_success` signal (0 or 1).
pub(crate) fn probe_success_feed() -> Feeder {
    Box::new(|v: &[f64], _t: f64| {
        let x = if v.first().copied().unwrap_or(1.0) == 0.0 { 0.0 } else { 1.0 };
        Fed {
            series: vec![Series::constant("probe_success", &[], x)],
            realized: vec![Some(x)],
            labels: vec![Vec::new()],
        }
    })
}

/// The signals of a probe the rules read for its success and its duration
/// (`probe_success{S}`, `probe_duration_seconds{S}`), and their feeder: a wanted 0 fails the
/// probe, anything else succeeds; the duration is fed as wanted.
pub(crate) fn success_and_duration() -> (Vec<String>, Feeder) {
    let signals =
        vec!["probe_success{__SEL__}".to_owned(), "probe_duration_seconds{__SEL__}".to_owned()];
    let feed: Feeder = Box::new(|v: &[f64], _t: f64| {
        let ok = if v.first().copied().unwrap_or(1.0) == 0.0 { 0.0 } else { 1.0 };
        let d = v.get(1).copied().unwrap_or(0.0);
        Fed {
            series: vec![
                Series::constant("probe_success", &[], ok),
                Series::constant("probe_duration_seconds", &[], d),
            ],
            realized: vec![Some(ok), Some(d)],
            labels: vec![Vec::new(), Vec::new()],
        }
    });
    (signals, feed)
}

/// A TCP port (1..=65535) from `-p`, or the default; macros are per host.
pub(crate) fn port(value: Option<&str>, default: u16) -> Result<u16, Refusal> {
    match value {
        None => Ok(default),
        Some(v) => v.trim().parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
            if v.contains('$') {
                Refusal::new(Code::PerHostMacro, "-p depends on a macro")
            } else {
                Refusal::new(Code::InvalidValue, format!("-p `{v}` is not a TCP port"))
            }
        }),
    }
}

/// `-t` seconds (default 10), as a whole number of seconds.
pub(crate) fn timeout(value: Option<&str>) -> Result<u32, Refusal> {
    match value {
        None => Ok(10),
        Some(v) => {
            let secs = v.split(':').next().unwrap_or("");
            secs.trim().parse::<u32>().ok().filter(|t| *t > 0 && *t <= 600).ok_or_else(|| {
                Refusal::new(Code::InvalidValue, format!("-t `{v}` is not a timeout in seconds"))
            })
        }
    }
}
