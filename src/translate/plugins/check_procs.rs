//! `check_procs -w RANGE -c RANGE [-s STATES]`: number of processes, optionally in given
//! states.
//!
//! Semantics (2.3.3 `check_procs.c`): ranges on the count (`set_thresholds`; "max:min inverts"
//! in the help is stale, 2.3.3 refuses it). `-s STRING` keeps the processes whose ps `STAT`
//! column **contains STRING** (`strstr(procstat, statopts)`), and a `STAT` is one state letter
//! followed by flag characters (`Ss`, `S<l`, `R+`, `I<`). So `-s S` counts processes in state
//! S, `-s Ss` session leaders in state S, and `-s RSZDT` — the stock "Total Processes" — counts
//! nothing, ever (verified: `PROCS OK: 0 processes with STATE = RSZDT`). node_exporter
//! (`--collector.processes`): `node_processes_state{state}` (one letter; only states present
//! are exported, so an absent state counts 0) and `node_processes_pids`. Translated: no `-s`,
//! a single state letter, and strings no `STAT` can contain (a constant 0, as the plugin
//! counts); bridged: strings that need the flag characters node_exporter does not export.
//! Close: the plugin skips itself and its parent shell. Per-process filters (`-C`, `-a`, `-u`,
//! `-r`, `-z`, `-P`, `--metric`, …) have no faithful mapping and are bridged.

use super::common::{Code, Refusal, opts, range, require_local, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::opt;

/// Process state letters: the first character of ps' `STAT` (ps(1) PROCESS STATE CODES, and
/// the kernel's `/proc/PID/stat` states node_exporter labels).
const STATES: &str = "DIRSTtWXZPK";

/// The flag characters ps appends to the state letter in `STAT`.
const FLAGS: &str = "<NLsl+";

/// Which processes `-s STRING` selects.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StateFilter {
    /// Every process (`-s ''` is contained in every `STAT`).
    All,
    /// Processes in this state.
    State(char),
    /// No process: no `STAT` can contain the string.
    Never,
}

/// The processes a `-s` string selects, as the plugin's `strstr(procstat, statopts)` does;
/// `Err` when that needs the flag characters.
fn state_filter(s: &str) -> Result<StateFilter, Refusal> {
    let chars: Vec<char> = s.chars().collect();
    let Some(&first) = chars.first() else { return Ok(StateFilter::All) };
    let rest_are_flags = chars[1..].iter().all(|c| FLAGS.contains(*c));
    if STATES.contains(first) && chars.len() == 1 {
        return Ok(StateFilter::State(first));
    }
    if (STATES.contains(first) || FLAGS.contains(first)) && rest_are_flags {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            format!(
                "-s `{s}` matches the ps STAT flags ({FLAGS}), which node_exporter does not export"
            ),
        ));
    }
    // A second state letter, or a character ps never prints in STAT: nothing matches.
    Ok(StateFilter::Never)
}

/// Translate a `check_procs` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
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
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!(
                    "{name} selects processes individually; node_exporter only counts all processes or states"
                ),
            ));
        }
    }
    let w = parsed.last('w').map(|v| range("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| range("-c", v)).transpose()?;
    if w.is_none() && c.is_none() {
        return Err(Refusal::new(
            Code::NoThresholds,
            "neither -w nor -c: the plugin never alerts".to_owned(),
        ));
    }
    let filter = parsed.last('s').map(state_filter).transpose()?.unwrap_or(StateFilter::All);
    let signal = match filter {
        StateFilter::State(state) => format!(
            "sum without(state) (node_processes_state{{__SEL__, state=\"{state}\"}}) or on(instance, job) (0 * node_processes_pids{{__SEL__}})"
        ),
        StateFilter::Never => "0 * node_processes_pids{__SEL__}".to_owned(),
        StateFilter::All => "node_processes_pids{__SEL__}".to_owned(),
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
    if let Some(s) = parsed.last('s') {
        canonical.push_str(&format!(" -s {s}"));
    }
    let feed = Box::new(move |values: &[f64], _t: f64| {
        let n = values.first().copied().unwrap_or(0.0).max(0.0).round();
        match filter {
            StateFilter::State(state) => {
                let mut series = vec![Series::constant("node_processes_pids", &[], n + 100.0)];
                if n > 0.0 {
                    series.push(Series::constant(
                        "node_processes_state",
                        &[("state", &state.to_string())],
                        n,
                    ));
                }
                Fed { series, realized: vec![Some(n)], labels: vec![Vec::new()] }
            }
            StateFilter::Never => Fed {
                series: vec![Series::constant("node_processes_pids", &[], n + 100.0)],
                realized: vec![Some(0.0)],
                labels: vec![Vec::new()],
            },
            StateFilter::All => Fed {
                series: vec![Series::constant("node_processes_pids", &[], n)],
                realized: vec![Some(n)],
                labels: vec![Vec::new()],
            },
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
        written: String::new(),
        second: None,
        requires: vec!["node_exporter --collector.processes".to_owned()],
        missing: Missing::Unknown,
        notes: vec![
            "close: node_exporter also counts the plugin's own ps and shell, which the plugin skips"
                .to_owned(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    fn tr(line: &str) -> Result<Native, Refusal> {
        let ctx = Context { local: true, ..Context::default() };
        translate(&call(line, &[] as &[&str]).map_err(Refusal::from)?, &ctx)
    }

    #[test]
    fn counts_and_states() {
        let n = tr("check_procs -w 150 -c 200").unwrap();
        assert_eq!(n.signals[0], "node_processes_pids{__SEL__}");
        let n = tr("check_procs -c 1: -s Z").unwrap();
        assert!(n.signals[0].contains("state=\"Z\""), "{}", n.signals[0]);
        assert!(n.critical[0].test.alerts(0.0));
        assert!(tr("check_procs -c 1: -C nagios4").unwrap_err().text.contains("-C"));
    }

    /// `-s` is a substring of ps' STAT (`strstr(procstat, statopts)`, check_procs.c 2.3.3):
    /// the stock "Total Processes" `-s RSZDT` counts no process at all (the real plugin:
    /// `PROCS OK: 0 processes with STATE = RSZDT`), so its rule never fires at 250/400.
    #[test]
    fn state_strings_match_as_the_plugin_does() {
        assert_eq!(state_filter("S"), Ok(StateFilter::State('S')));
        assert_eq!(state_filter("RSZDT"), Ok(StateFilter::Never));
        assert_eq!(state_filter("SR"), Ok(StateFilter::Never));
        assert_eq!(state_filter("Q"), Ok(StateFilter::Never));
        assert_eq!(state_filter("sS"), Ok(StateFilter::Never));
        assert_eq!(state_filter(""), Ok(StateFilter::All));
        assert!(state_filter("Ss").unwrap_err().text.contains("flags"));
        assert!(state_filter("<").is_err());
        let n = tr("check_procs -w 250 -c 400 -s RSZDT").unwrap();
        assert_eq!(n.signals[0], "0 * node_processes_pids{__SEL__}");
        let fed = (n.feed)(&[1000.0], 0.0);
        assert_eq!(fed.realized, vec![Some(0.0)]);
        assert!(!n.warning[0].test.alerts(0.0) && !n.critical[0].test.alerts(0.0));
        assert!(n.canonical.ends_with("-s RSZDT"), "{}", n.canonical);
        assert!(tr("check_procs -w 5 -c 10 -s Ss").is_err());
    }
}
