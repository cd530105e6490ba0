//! The NTP offset shared by check_ntp_time and check_ntp: node_exporter's ntp collector
//! against the plugin's server.

use nag2prom_parsers::range::{Bound, Range};

use super::super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use super::{Code, Refusal, opts, range, require_local, with_common};
use crate::translate::argv::opt;

/// The translation of check_ntp_time and check_ntp (`plugin`): offset ranges against `-H`.
pub(crate) fn build(call: &Call, ctx: &Context, plugin: &'static str) -> Result<Native, Refusal> {
    require_local(ctx, plugin)?;
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('p', "port", true),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('o', "time-offset", true),
        opt('q', "quiet", false),
        opt('j', "jwarn", true),
        opt('k', "jcrit", true),
        opt('W', "swarn", true),
        opt('C', "scrit", true),
        opt('m', "twarn", true),
        opt('n', "tcrit", true),
        opt('4', "use-ipv4", false),
        opt('6', "use-ipv6", false),
    ]);
    let parsed = opts(call, &table, plugin)?;
    for (letter, what) in [
        ('o', "-o (expected offset)"),
        ('j', "jitter thresholds"),
        ('k', "jitter thresholds"),
        ('W', "stratum thresholds"),
        ('C', "stratum thresholds"),
        ('m', "-m/-n"),
        ('n', "-m/-n"),
    ] {
        if parsed.has(letter) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("{what} is not translated"),
            ));
        }
    }
    if parsed.last('H').is_none() {
        return Err(Refusal::new(
            Code::PluginRefuses,
            "no -H: the plugin needs a server".to_owned(),
        ));
    }
    let default =
        |v: f64| Range { start: Bound::Finite(0.0), end: Bound::Finite(v), inside: false };
    let w = parsed.last('w').map(|v| range("-w", v)).transpose()?.unwrap_or(default(60.0));
    let c = parsed.last('c').map(|v| range("-c", v)).transpose()?.unwrap_or(default(120.0));
    let quiet = parsed.has('q');
    let mut critical = vec![Cond { signal: 0, test: Test::Range(c) }];
    if !quiet {
        critical.push(Cond { signal: 1, test: Test::Eq(0.0) });
    }
    Ok(Native {
        plugin,
        alert: if plugin == "check_ntp" { "NagiosCheckNtp" } else { "NagiosCheckNtpTime" },
        probe: Probe::Node,
        canonical: format!("{plugin} -H <server> -w {w} -c {c}{}", if quiet { " -q" } else { "" }),
        signals: vec![
            "abs(node_ntp_offset_seconds{__SEL__})".to_owned(),
            "node_scrape_collector_success{__SEL__, collector=\"ntp\"}".to_owned(),
        ],
        warning: vec![Cond { signal: 0, test: Test::Range(w) }],
        critical,
        feed: Box::new(|v: &[f64], _t: f64| {
            let offset = v.first().copied().unwrap_or(0.0);
            let ok = if v.get(1).copied().unwrap_or(1.0) == 0.0 { 0.0 } else { 1.0 };
            Fed {
                series: vec![
                    Series::constant("node_ntp_offset_seconds", &[], offset),
                    Series::constant("node_scrape_collector_success", &[("collector", "ntp")], ok),
                ],
                realized: vec![Some(offset.abs()), Some(ok)],
                labels: vec![Vec::new(), vec![("collector".to_owned(), "ntp".to_owned())]],
            }
        }),
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: vec![
            "node_exporter --collector.ntp --collector.ntp.server=<the plugin's -H>".to_owned(),
        ],
        missing: Missing::Unknown,
        notes: Vec::new(),
        calm: vec![0.0, 1.0],
        presence: None,
    })
}
