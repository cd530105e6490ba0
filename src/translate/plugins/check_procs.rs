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

use super::common::{
    Code, Refusal, opts, range_cond, ranges, require_local, with_common, with_ranges,
};
use super::{Call, Context, Fed, Missing, Native, Probe, Series};
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
    if parsed.has('C') {
        return by_command(&parsed);
    }
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
    let (w, c) = ranges(&parsed)?;
    let filter = parsed.last('s').map(state_filter).transpose()?.unwrap_or(StateFilter::All);
    let signal = match filter {
        StateFilter::State(state) => format!(
            "sum without(state) (node_processes_state{{__SEL__, state=\"{state}\"}}) or on(instance, job) (0 * node_processes_pids{{__SEL__}})"
        ),
        StateFilter::Never => "0 * node_processes_pids{__SEL__}".to_owned(),
        StateFilter::All => "node_processes_pids{__SEL__}".to_owned(),
    };
    let mut canonical = with_ranges("check_procs", w, c);
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
        warning: range_cond(w),
        critical: range_cond(c),
        feed,
        window_samples: 1,
        calm: Vec::new(),
        presence: None,
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

/// `check_procs -C NAME [-w RANGE] [-c RANGE]`: the processes whose command name is exactly
/// NAME (2.3.3 `check_procs.c`: `strcmp` with ps's `comm`, the kernel's 15-character name; the
/// first `-C` counts), on the host's process-exporter, whose generated `process-exporter.yml`
/// has a group matching that `comm` exactly. A group that never matched since the exporter
/// started is absent, so the count falls back to 0 while the exporter answers.
fn by_command(parsed: &crate::translate::argv::Parsed) -> Result<Native, Refusal> {
    for o in &parsed.options {
        if !matches!(o.short, 'w' | 'c' | 'C' | 'u' | 't' | 'v') {
            let name =
                if o.short == '\0' { format!("--{}", o.long) } else { format!("-{}", o.short) };
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!(
                    "{name} with -C is not translated (process-exporter groups processes by command name only)"
                ),
            ));
        }
    }
    let comm = parsed.all('C').next().unwrap_or_default();
    if comm.contains('$') {
        return Err(Refusal::new(Code::PerHostMacro, "-C depends on a macro"));
    }
    if comm.len() > 15 || comm.contains('/') || comm.is_empty() {
        return Err(Refusal::new(
            Code::InvalidValue,
            format!(
                "-C `{comm}` can never equal a command name (the kernel keeps 15 characters, without the path): the plugin counts 0 every time"
            ),
        ));
    }
    if !comm.chars().all(|c| c.is_ascii_alphanumeric() || "_.+@-".contains(c)) {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            format!("-C `{comm}` holds characters not translated into a process-exporter group"),
        ));
    }
    let (w, c) = ranges(parsed)?;
    // -u USER: the effective user, by name (a uid needs the host's user list). Groups are
    // per command name and user (`{{.Username}}`), so -C alone sums a name's groups.
    let user = parsed.last('u');
    if let Some(u) = user {
        if u.contains('$') {
            return Err(Refusal::new(Code::PerHostMacro, "-u depends on a macro"));
        }
        if u.is_empty() || u.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!(
                    "-u {u} is a uid: process-exporter names users, and the uid's name is only known on the host"
                ),
            ));
        }
        if !u.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("-u `{u}` is not a plain user name"),
            ));
        }
    }
    let group = format!("nagios_comm_{comm}");
    let matcher = match user {
        Some(u) => format!("groupname=\"{group}:{u}\""),
        None => format!(
            "groupname=~\"{}:.*\"",
            crate::translate::promql::regex_alternatives(std::slice::from_ref(&group))
        ),
    };
    let signal = format!(
        "sum without(groupname) (namedprocess_namegroup_num_procs{{__SEL__, {matcher}}}) or on(instance, job) (0 * (up{{__SEL__}} == 1))"
    );
    let canonical = with_ranges(
        &format!("check_procs -C {comm}{}", user.map(|u| format!(" -u {u}")).unwrap_or_default()),
        w,
        c,
    );
    let fed_group = format!("{group}:{}", user.unwrap_or("root"));
    let feed = Box::new(move |values: &[f64], _t: f64| {
        let n = values.first().copied().unwrap_or(0.0).max(0.0).round();
        let mut series = vec![Series::constant("up", &[], 1.0)];
        if n > 0.0 {
            series.push(Series::constant(
                "namedprocess_namegroup_num_procs",
                &[("groupname", &fed_group)],
                n,
            ));
        }
        Fed { series, realized: vec![Some(n)], labels: vec![Vec::new()] }
    });
    Ok(Native {
        plugin: "check_procs",
        alert: "NagiosCheckProcsCommand",
        probe: Probe::Process { group, comm: comm.to_owned() },
        canonical,
        signals: vec![signal],
        warning: range_cond(w),
        critical: range_cond(c),
        feed,
        window_samples: 1,
        calm: Vec::new(),
        presence: None,
        written: String::new(),
        second: None,
        requires: vec![
            "process-exporter on the host (port 9256) with -config.path set to the generated process-exporter.yml, -children=false and -recheck".to_owned(),
        ],
        missing: Missing::Unknown,
        notes: vec![
            "close: process-exporter counts the processes with this command name; check_procs also skips itself and its parent, which never have it".to_owned(),
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
        assert!(tr("check_procs -c 1: -a nagios4").unwrap_err().text.contains("-a"));
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

    #[test]
    fn command_names_count_on_process_exporter() {
        let n = tr("check_procs -w 1:4 -c 1: -C sshd").unwrap();
        assert_eq!(
            n.probe,
            Probe::Process { group: "nagios_comm_sshd".to_owned(), comm: "sshd".to_owned() }
        );
        assert!(n.signals[0].contains("groupname=~\"nagios_comm_sshd:.*\""), "{}", n.signals[0]);
        let nu = tr("check_procs -c 1: -C nrpe -u nagios").unwrap();
        assert!(
            nu.signals[0].contains("groupname=\"nagios_comm_nrpe:nagios\""),
            "{}",
            nu.signals[0]
        );
        assert_eq!(
            tr("check_procs -c 1: -C nrpe -u 107").unwrap_err().code,
            Code::OptionNotTranslated
        );
        assert_eq!(tr("check_procs -c 1: -u nagios").unwrap_err().code, Code::OptionNotTranslated);
        // 1: alerts below 1 (none running), 1:4 above 4 too: both edges.
        assert!(n.critical[0].test.alerts(0.0) && !n.critical[0].test.alerts(1.0));
        assert!(n.warning[0].test.alerts(5.0) && !n.warning[0].test.alerts(4.0));
        // No process: the group's series is absent, the count still 0.
        let fed = (n.feed)(&[0.0], 60.0);
        assert_eq!(fed.realized, vec![Some(0.0)]);
        assert!(fed.series.iter().all(|s| s.metric != "namedprocess_namegroup_num_procs"));
        assert_eq!(
            tr("check_procs -c 1: -C a-command-name-too-long").unwrap_err().code,
            Code::InvalidValue
        );
        assert_eq!(tr("check_procs -c 1: -C /usr/sbin/sshd").unwrap_err().code, Code::InvalidValue);
        assert_eq!(
            tr("check_procs -c 1: -C sshd -a -D").unwrap_err().code,
            Code::OptionNotTranslated
        );
        assert_eq!(tr("check_procs -C sshd").unwrap_err().code, Code::NoThresholds);
    }
}
