//! `check_procs -w RANGE -c RANGE [-s STATES]`: number of processes, optionally in given
//! states.
//!
//! Semantics (2.3.3 `check_procs.c`): ranges on the count (`set_thresholds`; "max:min inverts"
//! in the help is stale, 2.3.3 refuses it); `-s` letters select processes whose state is one of
//! them. node_exporter (`--collector.processes`): `node_processes_state{state}` (only states
//! present are exported, so an absent state counts 0) and `node_processes_pids`. Close: the
//! plugin's own processes (ps, sh) are in its count. Per-process filters (`-C`, `-a`, `-u`,
//! `-r`, `-z`, `-P`, `--metric`, …) have no faithful mapping and are bridged.

use super::{
    Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test, opts, range, require_local,
    with_common,
};
use crate::translate::argv::opt;

const STATES: &str = "RSDZTWIX";

/// Translate a `check_procs` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, String> {
    require_local(ctx, "check_procs")?;
    let table = with_common(&[
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('s', "state", true),
        opt('m', "metric", true),
        opt('p', "ppid", true),
        opt('P', "pcpu", true),
        opt('r', "rss", true),
        opt('z', "vsz", true),
        opt('u', "user", true),
        opt('a', "argument-array", true),
        opt('C', "command", true),
        opt('k', "no-kthreads", false),
        opt('T', "traditional", false),
        opt('\0', "ereg-argument-array", true),
        opt('\0', "unknown-timeout", false),
    ]);
    let parsed = opts(call, &table, "check_procs")?;
    for o in &parsed.options {
        if !matches!(o.short, 'w' | 'c' | 's' | 't' | 'v') {
            let name =
                if o.short == '\0' { format!("--{}", o.long) } else { format!("-{}", o.short) };
            return Err(format!(
                "{name} selects processes individually; node_exporter only counts all processes or states"
            ));
        }
    }
    let w = parsed.last('w').map(|v| range("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| range("-c", v)).transpose()?;
    if w.is_none() && c.is_none() {
        return Err("neither -w nor -c: the plugin never alerts".to_owned());
    }
    let states: Option<Vec<char>> = match parsed.last('s') {
        None => None,
        Some(s) => {
            let mut v: Vec<char> = s.chars().collect();
            if v.is_empty() || v.iter().any(|c| !STATES.contains(*c)) {
                return Err(format!(
                    "-s `{s}` holds letters other than the process states {STATES}"
                ));
            }
            v.sort_unstable();
            v.dedup();
            Some(v)
        }
    };
    let signal = match &states {
        Some(v) => {
            let re: Vec<String> = v.iter().map(char::to_string).collect();
            format!(
                "sum without(state) (node_processes_state{{__SEL__, state=~\"{}\"}}) or on(instance, job) (0 * node_processes_pids{{__SEL__}})",
                re.join("|")
            )
        }
        None => "node_processes_pids{__SEL__}".to_owned(),
    };
    let cond = |r: Option<nag2prom_parsers::range::Range>| {
        r.map(|r| vec![Cond { signal: 0, test: Test::Range(r) }]).unwrap_or_default()
    };
    let mut canonical = "check_procs".to_owned();
    if let Some(w) = w {
        canonical.push_str(&format!(" -w {w}"));
    }
    if let Some(c) = c {
        canonical.push_str(&format!(" -c {c}"));
    }
    let first_state = states.as_ref().and_then(|v| v.first().copied());
    if let Some(v) = &states {
        canonical.push_str(&format!(" -s {}", v.iter().collect::<String>()));
    }
    let feed = Box::new(move |values: &[f64], _t: f64| {
        let n = values.first().copied().unwrap_or(0.0).max(0.0).round();
        let mut series = vec![Series::constant("node_processes_pids", &[], n + 100.0)];
        match first_state {
            Some(state) => {
                if n > 0.0 {
                    series.push(Series::constant(
                        "node_processes_state",
                        &[("state", &state.to_string())],
                        n,
                    ));
                }
                Fed { series, realized: vec![Some(n)], labels: vec![Vec::new()] }
            }
            None => {
                series[0] = Series::constant("node_processes_pids", &[], n);
                Fed { series, realized: vec![Some(n)], labels: vec![Vec::new()] }
            }
        }
    });
    Ok(Native {
        plugin: "check_procs",
        alert: "NagiosCheckProcs",
        probe: Probe::Node,
        canonical,
        signals: vec![signal],
        warning: cond(w),
        critical: cond(c),
        feed,
        window_samples: 1,
        calm: Vec::new(),
        requires: Vec::new(),
        missing: Missing::Unknown,
        notes: vec![
            "needs node_exporter --collector.processes; close: the plugin counts its own ps/sh too"
                .to_owned(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    fn tr(line: &str) -> Result<Native, String> {
        let ctx = Context { local: true, ..Context::default() };
        translate(&call(line, &[] as &[&str]).map_err(|e| e.to_string())?, &ctx)
    }

    #[test]
    fn counts_and_states() {
        let n = tr("check_procs -w 250 -c 400 -s RSZDT").unwrap();
        assert!(n.signals[0].contains("state=~\"D|R|S|T|Z\""), "{}", n.signals[0]);
        assert!(n.warning[0].test.alerts(251.0) && !n.warning[0].test.alerts(250.0));
        let n = tr("check_procs -w 150 -c 200").unwrap();
        assert_eq!(n.signals[0], "node_processes_pids{__SEL__}");
        let n = tr("check_procs -c 1: -s Z").unwrap();
        assert!(n.critical[0].test.alerts(0.0));
        assert!(tr("check_procs -c 1: -C nagios4").unwrap_err().contains("-C"));
        assert!(tr("check_procs -w 5 -c 10 -s Q").is_err());
    }
}
