//! `check_ntp_time -H server -w RANGE -c RANGE` (defaults 60 / 120 s); the deprecated
//! `check_ntp` shares it (`check_ntp.rs`).
//!
//! Semantics (2.3.3 `check_ntp_time.c`): ranges on the **absolute** offset in seconds between
//! the NTP server and the clock of the machine the plugin runs on; no answer is CRITICAL (`-q`:
//! UNKNOWN). The plugin runs on the Nagios server, so this is only the host's own metric when
//! the host is the Nagios server (loopback): node_exporter `--collector.ntp` measures
//! `node_ntp_offset_seconds` against `--collector.ntp.server` (set it to the plugin's `-H`);
//! a failed query shows as `node_scrape_collector_success{collector="ntp"} == 0`. Not
//! translated: `-o` (expected offset), check_ntp's jitter (`-j`/`-k`) and stratum thresholds.

use super::{
    Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test, opts, range, require_local,
    with_common,
};
use crate::translate::argv::opt;
use nag2prom_parsers::range::{Bound, Range};

/// Translate a `check_ntp_time` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, String> {
    build(call, ctx, "check_ntp_time")
}

pub(crate) fn build(call: &Call, ctx: &Context, plugin: &'static str) -> Result<Native, String> {
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
            return Err(format!("{what} is not translated"));
        }
    }
    if parsed.last('H').is_none() {
        return Err("no -H: the plugin needs a server".to_owned());
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn offsets_are_absolute_ranges() {
        let ctx = Context { local: true, ..Context::default() };
        let n = translate(
            &call("check_ntp_time -H $HOSTADDRESS$ -w 0.5 -c 1", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert!(n.warning[0].test.alerts(0.6) && !n.warning[0].test.alerts(0.5));
        assert_eq!(n.critical.len(), 2);
        let n = translate(&call("check_ntp_time -H pool.ntp.org", &[] as &[&str]).unwrap(), &ctx)
            .unwrap();
        assert!(n.critical[0].test.alerts(120.5));
        assert!(
            translate(&call("check_ntp_time -H x", &[] as &[&str]).unwrap(), &Context::default())
                .is_err()
        );
    }
}
