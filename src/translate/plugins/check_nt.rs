//! `check_nt -H host -v VARIABLE [-l params] [-w N] [-c N]`: a Windows host's NSClient /
//! NSClient++ agent, translated to the host's windows_exporter (port 9182).
//!
//! Semantics (monitoring-plugins 2.3.3 `check_nt.c`; the plugin is gone from 3.0):
//! - `-w`/`-c` are read with `strtoul` (integers); critical is tested first; the agent being
//!   unreachable is CRITICAL (`-u`: a timeout is UNKNOWN).
//! - `CLIENTVERSION`: OK while the agent answers (`-l VERSION`: WARNING on another version).
//! - `CPULOAD -l m,w,c[,m,w,c…]`: integer CPU load % averaged over `m` minutes,
//!   `load >= c` CRITICAL, `load >= w` WARNING, per triple while `0 < m <= 17280` and
//!   `0 < w, c <= 100`; `-w`/`-c` are ignored; no `-l` is UNKNOWN ("missing -l parameters").
//!   windows_exporter: `floor(100 - 100 * idle / (idle + privileged + user))` of the
//!   `windows_cpu_time_total` rates over `m` minutes, all cores summed: NSClient++'s
//!   `GetSystemTimes` share (its kernel time holds idle time); `interrupt` and `dpc` are not
//!   added, as Windows counts them inside privileged time already.
//! - `UPTIME [-l seconds|minutes|hours|days]` (default minutes, integer division):
//!   `uptime <= c` CRITICAL, `<= w` WARNING (a recent reboot is the bad case).
//! - `USEDDISKSPACE -l X` (one drive letter): used % `>= c` / `>= w`; no `-l`, or more than one
//!   character, is UNKNOWN. windows_exporter: `windows_logical_disk_{size,free}_bytes{volume="X:"}`.
//! - `MEMUSE`: the **commit charge** against the commit limit (NSClient++
//!   `ullTotalPageFile - ullAvailPageFile` of `ullTotalPageFile`), not physical memory:
//!   `100 * windows_memory_committed_bytes / windows_memory_commit_limit`, `>= c` / `>= w`.
//! - `SERVICESTATE -l a,b` / `PROCSTATE -l a,b`: the agent decides; a listed service that is
//!   not running, or a process that is not running, is CRITICAL; no `-l` is UNKNOWN.
//!   `windows_service_state{name=~"(?i)a", state="running"} == 0`, and a service the
//!   exporter does not list at all (NSClient++ does not answer OK for a service it cannot open) is 0
//!   while the exporter answers (`or on(instance, job)` a zero from `up == 1`, named
//!   `name="a"`); processes by
//!   `windows_process_threads{process=~"(?i)a"}` (image name without `.exe`), which needs the
//!   process collector (`--collectors.enabled "[defaults],process"`).
//! - Without `-w`/`-c`, UPTIME, MEMUSE and USEDDISKSPACE are OK whenever the agent answers, so
//!   their only alert is the agent being unreachable: `up == 0` on the windows_exporter target.
//!
//! - `COUNTER -l "\\Object(Instance)\\Counter"[,description[,unit[,min,max]]]`: the agent's
//!   formatted value of one performance counter (what follows the first comma only shapes the
//!   output). The thresholds are `strtoul` integers, 0 when absent, and their order decides the
//!   direction: critical above warning compares upwards (`>= c` CRITICAL, `>= w` WARNING),
//!   otherwise downwards (`<= c`, `<= w`) — so a lone `-w 80` is WARNING at or *below* 80, as
//!   the plugin has it. A counter the agent cannot read is UNKNOWN ("NSClient - ERROR"); without
//!   thresholds the plugin is OK whenever it reads one. windows_exporter 0.30+ reads the counter
//!   through its `performancecounter` collector, configured by the generated
//!   `windows_exporter.yml` (formatted values, one gauge per counter,
//!   [`crate::translate::windows`]).
//!
//! Not translated: `FILEAGE`, `INSTANCES`, `CLIENTVERSION -l`. `-s` (the agent's
//! password) is never read. Names are matched case-insensitively: windows_exporter lower-cased
//! service names up to 0.28 and keeps their case from 0.29.

use super::common::{Code, Refusal, opts, own_host, threshold_text, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test, num};
use crate::translate::argv::opt;
use crate::translate::promql::regex_alternatives;

/// What `-v` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variable {
    ClientVersion,
    CpuLoad,
    Uptime,
    UsedDiskSpace,
    MemUse,
    ServiceState,
    ProcState,
    Counter,
}

/// The windows_exporter boot-time series: the current name (0.31 on), or the one before 0.30
/// (`system_up_time`, despite its name the boot timestamp). 0.30.0–0.30.5 named it
/// `…_timestamp_seconds`, and 0.30.2–0.30.5 wrote seconds since boot into it: not read.
const BOOT_TIME: &str =
    "(windows_system_boot_time_timestamp{__SEL__} or windows_system_system_up_time{__SEL__})";

/// Translate a `check_nt` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('p', "port", true),
        opt('u', "unknown-timeout", false),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('v', "variable", true),
        opt('l', "params", true),
        opt('s', "secret", true),
        opt('d', "display", true),
    ]);
    let parsed = opts(call, &table, "check_nt")?;
    own_host('H', parsed.last('H'))?;
    let Some(name) = parsed.last('v') else {
        return Err(Refusal::new(Code::PluginRefuses, "no -v: check_nt needs a variable"));
    };
    let variable = match name {
        "CLIENTVERSION" => Variable::ClientVersion,
        "CPULOAD" => Variable::CpuLoad,
        "UPTIME" => Variable::Uptime,
        "USEDDISKSPACE" => Variable::UsedDiskSpace,
        "MEMUSE" => Variable::MemUse,
        "SERVICESTATE" => Variable::ServiceState,
        "PROCSTATE" => Variable::ProcState,
        "COUNTER" => Variable::Counter,
        "FILEAGE" | "INSTANCES" => {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("-v {name} has no windows_exporter counterpart"),
            ));
        }
        v if v.contains('$') => {
            return Err(Refusal::new(Code::PerHostMacro, "-v depends on a macro"));
        }
        other => {
            return Err(Refusal::new(
                Code::PluginRefuses,
                format!("-v `{other}` is not a check_nt variable (the plugin answers UNKNOWN)"),
            ));
        }
    };
    let params = parsed.last('l').map(|l| threshold_text("-l", l)).transpose()?;
    let w = parsed.last('w').map(|v| whole("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| whole("-c", v)).transpose()?;
    let missing_l = || {
        Refusal::new(
            Code::PluginRefuses,
            format!(
                "check_nt -v {name} without -l answers UNKNOWN on every run (\"missing -l parameters\"); if the service passes -l as $ARG2$, the command definition drops it (Debian's check_nt command passes only $ARG1$)"
            ),
        )
    };
    let mut b = Build::new(name, ctx.scrape_interval);
    match variable {
        Variable::ClientVersion => {
            if params.is_some() {
                return Err(Refusal::new(
                    Code::OptionNotTranslated,
                    "CLIENTVERSION -l (the agent's expected version) has no windows_exporter counterpart",
                ));
            }
            b.reachability();
        }
        Variable::CpuLoad => {
            let params = params.ok_or_else(missing_l)?;
            let triples = cpu_triples(params)?;
            b.cpu(&triples);
        }
        Variable::Uptime => {
            let (unit, secs) = match params.unwrap_or("minutes") {
                "seconds" => ("seconds", 1.0),
                "minutes" => ("minutes", 60.0),
                "hours" => ("hours", 3600.0),
                "days" => ("days", 86400.0),
                other => {
                    return Err(Refusal::new(
                        Code::PluginRefuses,
                        format!("-l `{other}` is not seconds, minutes, hours or days (UNKNOWN)"),
                    ));
                }
            };
            b.uptime(unit, secs, w, c);
        }
        Variable::UsedDiskSpace => {
            let drive = params.ok_or_else(missing_l)?;
            let letter = match drive.as_bytes() {
                [l] if l.is_ascii_alphabetic() => char::from(l.to_ascii_uppercase()),
                _ => {
                    return Err(Refusal::new(
                        Code::PluginRefuses,
                        format!(
                            "-l `{drive}` is not one drive letter: the plugin answers UNKNOWN (\"wrong -l argument\")"
                        ),
                    ));
                }
            };
            b.disk(letter, w, c);
        }
        Variable::MemUse => b.memory(w, c),
        Variable::Counter => {
            let params = params.ok_or_else(|| {
                Refusal::new(
                    Code::PluginRefuses,
                    "check_nt -v COUNTER without -l answers \"No counter specified\" on every run; if the service passes -l as $ARG2$, the command definition drops it",
                )
            })?;
            // `preparelist` turns commas into `&`, `strtok` keeps what precedes the first.
            let path = params.split([',', '&']).next().unwrap_or_default();
            if path.contains('$') {
                return Err(Refusal::new(
                    Code::PerHostMacro,
                    "the counter path depends on a macro",
                ));
            }
            let counter = crate::translate::windows::Counter::parse(path)
                .map_err(|e| Refusal::new(Code::OptionNotTranslated, format!("-l {e}")))?;
            b.counter(counter, w, c);
        }
        Variable::ServiceState | Variable::ProcState => {
            let list = params.ok_or_else(|| {
                Refusal::new(
                    Code::PluginRefuses,
                    format!(
                        "check_nt -v {name} without -l answers UNKNOWN on every run (\"No service/process specified\"); if the service passes -l as $ARG2$, the command definition drops it (Debian's check_nt command passes only $ARG1$)"
                    ),
                )
            })?;
            let names: Vec<String> = list.split(',').map(|s| s.trim().to_owned()).collect();
            for n in &names {
                if n.is_empty()
                    || !n.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
                {
                    return Err(Refusal::new(
                        Code::OptionNotTranslated,
                        format!("-l name `{n}` is not a plain service or process name"),
                    ));
                }
            }
            if variable == Variable::ServiceState {
                b.services(&names);
            } else {
                b.processes(&names);
            }
        }
    }
    Ok(b.finish())
}

/// An integer threshold as `strtoul` reads it, strictly: digits only.
fn whole(opt: &str, value: &str) -> Result<f64, Refusal> {
    let text = threshold_text(opt, value)?.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) || text.len() > 9 {
        return Err(Refusal::new(
            Code::InvalidValue,
            format!(
                "threshold {opt} `{text}` is not a whole number (check_nt reads it with strtoul, dropping what follows the digits)"
            ),
        ));
    }
    text.parse::<u32>().map(f64::from).map_err(|_| {
        Refusal::new(Code::InvalidValue, format!("threshold {opt} `{text}` is not a whole number"))
    })
}

/// CPULOAD's `-l m,w,c[,…]` as `strtoularray` reads it: `strtok` on commas (empty items
/// vanish), at most 30 items, each one whole number for `sscanf("%f%c")` (leading blanks,
/// nothing after it), its value `strtoul`'s integer prefix (`8e1` is 8, `-5` wraps to a
/// huge value); anything else is UNKNOWN ("wrong -l parameter"). The triples the plugin
/// uses end at the first one out of range.
fn cpu_triples(params: &str) -> Result<Vec<[u32; 3]>, Refusal> {
    let unknown = |why: String| {
        Refusal::new(
            Code::PluginRefuses,
            format!("-l `{params}`: {why} (the plugin answers UNKNOWN \"wrong -l parameter\")"),
        )
    };
    let tokens: Vec<&str> = params.split(',').filter(|t| !t.is_empty()).collect();
    if tokens.len() > 30 {
        return Err(unknown(format!("{} values, more than the 30 it reads", tokens.len())));
    }
    let mut values = Vec::new();
    for token in tokens {
        let t = token.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
        // Rust's float syntax is C's without hexadecimal floats; `inf`/`nan` are C floats too.
        if t.is_empty() || t.parse::<f64>().is_err() {
            return Err(unknown(format!("`{token}` is not numeric")));
        }
        values.push(strtoul(t));
    }
    let mut triples = Vec::new();
    for chunk in values.chunks(3) {
        match *chunk {
            [m, w, c]
                if (1..=17280).contains(&m) && (1..=100).contains(&w) && (1..=100).contains(&c) =>
            {
                triples.push([m, w, c]);
            }
            _ => break,
        }
    }
    if triples.is_empty() {
        return Err(Refusal::new(
            Code::PluginRefuses,
            format!(
                "-l `{params}` holds no valid minutes,warning,critical triple: the plugin answers OK \"not enough values\" on every run"
            ),
        ));
    }
    Ok(triples)
}

/// glibc `strtoul(text, NULL, 10)` of a text `sscanf` read as a number, saturated to `u32`:
/// the leading digits after an optional sign; a negative value wraps around (huge).
fn strtoul(text: &str) -> u32 {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let value = rest[..digits]
        .bytes()
        .fold(0u64, |v, d| v.saturating_mul(10).saturating_add(u64::from(d - b'0')));
    if negative && value != 0 { u32::MAX } else { u32::try_from(value).unwrap_or(u32::MAX) }
}

/// The translation being built.
struct Build {
    alert: &'static str,
    canonical: String,
    signals: Vec<String>,
    warning: Vec<Cond>,
    critical: Vec<Cond>,
    feeds: Vec<FeedKind>,
    window_samples: u32,
    requires: Vec<String>,
    notes: Vec<String>,
    missing: Missing,
    /// Scrape interval, seconds.
    interval: u32,
    /// The performance counter COUNTER reads.
    counter: Option<crate::translate::windows::Counter>,
    /// What must be there for the plugin to have its value (the counter's series).
    presence: Option<String>,
}

/// How one signal's test series are made.
#[derive(Debug, Clone)]
enum FeedKind {
    /// `up`: 0 or 1.
    Up,
    /// CPU load (all CPU signals share one pair of counters: the first sets the load).
    Cpu,
    /// Uptime in `secs` units.
    Uptime(f64),
    /// Used percent of drive `letter`.
    Disk(char),
    /// Commit charge percent.
    Memory,
    /// Service `name` running (1) or not (0).
    Service(String),
    /// Process `name` present (1) or not (0).
    Process(String),
    /// A performance counter's value: its series name and instance.
    Counter(String, Option<String>),
}

/// 2^34 bytes: a percent of [`TEST_BYTES`] is exact, so the thresholds themselves are fed.
const PERCENT_BYTES: f64 = 17_179_869_184.0;

/// 100 × 2^34 bytes (1.6 TB): the size and commit limit of test series.
const TEST_BYTES: f64 = 100.0 * PERCENT_BYTES;

impl Build {
    fn new(variable: &str, interval: u32) -> Build {
        Build {
            interval: interval.max(1),
            alert: "NagiosCheckNt",
            canonical: format!("check_nt -v {variable}"),
            signals: Vec::new(),
            warning: Vec::new(),
            critical: Vec::new(),
            feeds: Vec::new(),
            window_samples: 1,
            requires: vec!["windows_exporter on the host (port 9182)".to_owned()],
            notes: vec![
                "check_nt asked the host's NSClient agent; windows_exporter is asked instead"
                    .to_owned(),
            ],
            // check_nt is CRITICAL when the agent cannot be reached; a missing drive or
            // service (UNKNOWN in the plugin) fires the same companion: notify rather than miss.
            missing: Missing::Critical,
            counter: None,
            presence: None,
        }
    }

    fn signal(&mut self, promql: String, feed: FeedKind) -> usize {
        self.signals.push(promql);
        self.feeds.push(feed);
        self.signals.len() - 1
    }

    /// The agent unreachable is CRITICAL: `up == 0`, which is itself the no-data case.
    fn reachability(&mut self) {
        let s = self.signal("up{__SEL__}".to_owned(), FeedKind::Up);
        self.critical.push(Cond { signal: s, test: Test::Eq(0.0) });
        self.missing = Missing::Covered;
        self.notes.push(
            "without thresholds the plugin is OK whenever the agent answers: the rule fires when windows_exporter cannot be scraped".to_owned(),
        );
    }

    fn thresholds(&mut self, s: usize, w: Option<f64>, c: Option<f64>, ge: bool) {
        let test = |t: f64| if ge { Test::Ge(t) } else { Test::Le(t) };
        if let Some(w) = w {
            self.warning.push(Cond { signal: s, test: test(w) });
            self.canonical.push_str(&format!(" -w {}", num(w)));
        }
        if let Some(c) = c {
            self.critical.push(Cond { signal: s, test: test(c) });
            self.canonical.push_str(&format!(" -c {}", num(c)));
        }
    }

    fn cpu(&mut self, triples: &[[u32; 3]]) {
        self.alert = "NagiosCheckNtCpuLoad";
        let mut list = Vec::new();
        for &[m, w, c] in triples {
            let s = self.signal(
                format!(
                    "floor(100 - 100 * sum without(core, mode) (rate(windows_cpu_time_total{{__SEL__, mode=\"idle\"}}[{m}m])) / sum without(core, mode) (rate(windows_cpu_time_total{{__SEL__, mode=~\"idle|privileged|user\"}}[{m}m])))"
                ),
                FeedKind::Cpu,
            );
            self.warning.push(Cond { signal: s, test: Test::Ge(f64::from(w)) });
            self.critical.push(Cond { signal: s, test: Test::Ge(f64::from(c)) });
            list.push(format!("{m},{w},{c}"));
            // rate() over m minutes needs the samples of the whole window.
            let scrapes = (m.saturating_mul(60)).div_ceil(self.interval) + 1;
            self.window_samples = self.window_samples.max(scrapes);
        }
        self.canonical.push_str(&format!(" -l {}", list.join(",")));
        self.notes.push(
            "CPU load is the share of idle time in all CPU time over the window, as NSClient++ computes it from GetSystemTimes (it samples once a second; its default buffer holds one hour); a window not yet full after a restart gives the share of what it holds, not a diluted rate".to_owned(),
        );
    }

    fn uptime(&mut self, unit: &str, secs: f64, w: Option<f64>, c: Option<f64>) {
        if w.is_none() && c.is_none() {
            self.reachability();
            return;
        }
        self.alert = "NagiosCheckNtUptime";
        self.canonical.push_str(&format!(" -l {unit}"));
        let s = self.signal(
            format!("floor((time() - {BOOT_TIME}) / {})", num(secs)),
            FeedKind::Uptime(secs),
        );
        self.thresholds(s, w, c, false);
    }

    fn disk(&mut self, letter: char, w: Option<f64>, c: Option<f64>) {
        if w.is_none() && c.is_none() {
            self.reachability();
            return;
        }
        self.alert = "NagiosCheckNtDisk";
        self.canonical.push_str(&format!(" -l {}", letter.to_ascii_lowercase()));
        let sel = format!("__SEL__, volume=\"{letter}:\"");
        let s = self.signal(
            format!(
                "100 * (windows_logical_disk_size_bytes{{{sel}}} - windows_logical_disk_free_bytes{{{sel}}}) / windows_logical_disk_size_bytes{{{sel}}}"
            ),
            FeedKind::Disk(letter),
        );
        self.thresholds(s, w, c, true);
        self.notes.push(
            "windows_exporter refreshes free space every 10–15 minutes (the \"Free Megabytes\" counter)".to_owned(),
        );
    }

    fn memory(&mut self, w: Option<f64>, c: Option<f64>) {
        if w.is_none() && c.is_none() {
            self.reachability();
            return;
        }
        self.alert = "NagiosCheckNtMemory";
        let s = self.signal(
            "100 * windows_memory_committed_bytes{__SEL__} / windows_memory_commit_limit{__SEL__}"
                .to_owned(),
            FeedKind::Memory,
        );
        self.thresholds(s, w, c, true);
        self.requires.push(
            "windows_exporter's memory collector (a default from 0.29; older: --collectors.enabled \"[defaults],memory\")".to_owned(),
        );
    }

    fn services(&mut self, names: &[String]) {
        self.alert = "NagiosCheckNtService";
        for n in names {
            let s = self.signal(
                format!(
                    "{} or on(instance, job) label_replace(0 * (up{{__SEL__}} == 1), \"name\", \"{}\", \"\", \"\")",
                    super::common::windows::service_running(n),
                    n
                ),
                FeedKind::Service(n.clone()),
            );
            self.critical.push(Cond { signal: s, test: Test::Eq(0.0) });
        }
        self.canonical.push_str(&format!(" -l {}", names.join(",")));
    }

    fn processes(&mut self, names: &[String]) {
        self.alert = "NagiosCheckNtProcess";
        for n in names {
            let image = image_name(n);
            let s = self.signal(
                format!(
                    "count without(process, process_id, creating_process_id) (windows_process_threads{{__SEL__, process=~\"(?i){}\"}}) or on(instance, job) (0 * count without(process, process_id, creating_process_id) (windows_process_threads{{__SEL__}}))",
                    regex_alternatives(std::slice::from_ref(&image))
                ),
                FeedKind::Process(image),
            );
            self.critical.push(Cond { signal: s, test: Test::Eq(0.0) });
        }
        self.canonical.push_str(&format!(" -l {}", names.join(",")));
        self.requires.push(
            "windows_exporter's process collector (--collectors.enabled \"[defaults],process\"), and a --collector.process.include that covers the checked processes".to_owned(),
        );
    }

    fn counter(
        &mut self,
        counter: crate::translate::windows::Counter,
        w: Option<f64>,
        c: Option<f64>,
    ) {
        use crate::translate::promql::{regex_escape, string_literal};
        self.alert = "NagiosCheckNtCounter";
        self.canonical.push_str(&format!(" -l {}", counter.path()));
        let metric = counter.metric();
        let selector = match &counter.instance {
            Some(i) => format!(
                "{metric}{{__SEL__, {}=~\"(?i){}\"}}",
                crate::translate::windows::INSTANCE_LABEL,
                string_literal(&regex_escape(i))
            ),
            None => format!("{metric}{{__SEL__}}"),
        };
        let s = self.signal(selector.clone(), FeedKind::Counter(metric, counter.instance.clone()));
        // check_nt.c: `critical_value > warning_value` (both 0 when absent) compares upwards.
        let upwards = c.unwrap_or(0.0) > w.unwrap_or(0.0);
        self.thresholds(s, w, c, upwards);
        if !upwards && w.is_some() && c.is_none() {
            self.notes.push(
                "-w without -c compares downwards, as check_nt does (critical 0 is not above warning): WARNING at or below the threshold".to_owned(),
            );
        }
        // The agent unreachable is CRITICAL; a counter it cannot read, UNKNOWN.
        let up = self.signal("up{__SEL__}".to_owned(), FeedKind::Up);
        self.critical.push(Cond { signal: up, test: Test::Eq(0.0) });
        self.presence = Some(selector);
        self.missing = Missing::UnknownWhileUp;
        self.requires.push(format!(
            "windows_exporter 0.30 or later with the performancecounter collector and the generated windows_exporter.yml (--config.file, or its collector.performancecounter.objects merged into yours), which reads {}",
            counter.path()
        ));
        self.notes.push(
            "windows_exporter reads the counter's formatted value as the NSClient agent does; percentages are not capped at 100 (PDH_FMT_NOCAP100)".to_owned(),
        );
        self.counter = Some(counter);
    }

    fn finish(self) -> Native {
        let feeds = self.feeds;
        let interval = f64::from(self.interval);
        Native {
            plugin: "check_nt",
            alert: self.alert,
            probe: match self.counter {
                Some(c) => Probe::WindowsCounter(Box::new(c)),
                None => Probe::Windows,
            },
            canonical: self.canonical,
            signals: self.signals,
            warning: self.warning,
            critical: self.critical,
            feed: Box::new(move |values: &[f64], t: f64| feed(&feeds, values, t, interval)),
            window_samples: self.window_samples,
            written: String::new(),
            second: None,
            requires: self.requires,
            missing: self.missing,
            notes: self.notes,
            calm: Vec::new(),
            presence: self.presence,
        }
    }
}

/// An image name as windows_exporter's `process` label shows it: without `.exe`.
fn image_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".exe") { name[..name.len() - 4].to_owned() } else { name.to_owned() }
}

/// Test series for `values` at evaluation time `t`; counters step by the scrape `interval`.
fn feed(kinds: &[FeedKind], values: &[f64], t: f64, interval: f64) -> Fed {
    let mut fed = Fed::default();
    let mut cpu_level = None;
    for (i, kind) in kinds.iter().enumerate() {
        let v = values.get(i).copied().unwrap_or(0.0);
        match kind {
            FeedKind::Up => {
                let up = if v == 0.0 { 0.0 } else { 1.0 };
                fed.series.push(Series::constant("up", &[], up));
                fed.realized.push(Some(up));
            }
            FeedKind::Cpu => {
                // One idle counter for every window: the first CPU signal sets the load, the
                // others realise the same. A linear counter gives rate() its exact slope up to
                // rounding; half a percent above the wanted whole load keeps floor() exact.
                let first = cpu_level.is_none();
                let level = *cpu_level.get_or_insert_with(|| {
                    if v >= 100.0 {
                        100.0
                    } else if v < 0.0 {
                        0.0
                    } else {
                        v.floor()
                    }
                });
                if first {
                    let busy = if level >= 100.0 { 100.0 } else { level + 0.5 };
                    // Idle and user time counters, one value per scrape; the generator
                    // cycles the pattern, so it covers the whole run.
                    let samples = (t.max(0.0) / interval) as usize + 2;
                    let counter = |share: f64| -> Vec<f64> {
                        (0..samples.min(100_000)).map(|k| k as f64 * share * interval).collect()
                    };
                    // Interrupt and DPC time are part of privileged time: counted twice, they
                    // would lower the load.
                    for (mode, share) in [
                        ("idle", (100.0 - busy) / 100.0),
                        ("user", 0.75 * busy / 100.0),
                        ("privileged", 0.25 * busy / 100.0),
                        ("interrupt", 0.15 * busy / 100.0),
                        ("dpc", 0.05 * busy / 100.0),
                    ] {
                        fed.series.push(Series {
                            metric: "windows_cpu_time_total".to_owned(),
                            labels: vec![
                                ("core".to_owned(), "0,0".to_owned()),
                                ("mode".to_owned(), mode.to_owned()),
                            ],
                            values: counter(share),
                        });
                    }
                }
                fed.realized.push(Some(level));
            }
            FeedKind::Uptime(secs) => {
                // time() moves through the test: the boot time moves with it, so the uptime
                // is the same at every evaluation, half a unit past the wanted whole value.
                let up = v.max(0.0).floor();
                let samples = (t.max(0.0) / interval) as usize + 2;
                let boot: Vec<f64> = (0..samples.min(100_000))
                    .map(|k| k as f64 * interval - (up + 0.5) * secs)
                    .collect();
                fed.series.push(Series {
                    metric: "windows_system_boot_time_timestamp".to_owned(),
                    labels: Vec::new(),
                    values: boot,
                });
                fed.realized.push(Some(up));
            }
            FeedKind::Disk(letter) => {
                let volume = format!("{letter}:");
                let used = v.clamp(0.0, 100.0) * PERCENT_BYTES;
                let free = TEST_BYTES - used;
                fed.series.push(Series::constant(
                    "windows_logical_disk_size_bytes",
                    &[("volume", &volume)],
                    TEST_BYTES,
                ));
                fed.series.push(Series::constant(
                    "windows_logical_disk_free_bytes",
                    &[("volume", &volume)],
                    free,
                ));
                fed.realized.push(Some(100.0 * (TEST_BYTES - free) / TEST_BYTES));
                fed.labels.push(vec![("volume".to_owned(), volume)]);
                continue;
            }
            FeedKind::Memory => {
                let committed = v.max(0.0) * PERCENT_BYTES;
                fed.series.push(Series::constant("windows_memory_committed_bytes", &[], committed));
                fed.series.push(Series::constant("windows_memory_commit_limit", &[], TEST_BYTES));
                fed.realized.push(Some(100.0 * committed / TEST_BYTES));
            }
            FeedKind::Service(name) => {
                super::common::windows::feed_service(&mut fed, name, v);
                continue;
            }
            FeedKind::Counter(metric, instance) => {
                let labels: Vec<(&str, &str)> = instance
                    .as_deref()
                    .map(|i| (crate::translate::windows::INSTANCE_LABEL, i))
                    .into_iter()
                    .collect();
                fed.series.push(Series::constant(metric, &labels, v));
                fed.realized.push(Some(v));
                fed.labels
                    .push(labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect());
                continue;
            }
            FeedKind::Process(name) => {
                let present = v != 0.0;
                // Another process keeps the collector's series there when this one is gone.
                fed.series.push(Series::constant(
                    "windows_process_threads",
                    &[("process", "System"), ("process_id", "4")],
                    100.0,
                ));
                if present {
                    fed.series.push(Series::constant(
                        "windows_process_threads",
                        &[("process", name), ("process_id", "1000")],
                        8.0,
                    ));
                }
                fed.realized.push(Some(if present { 1.0 } else { 0.0 }));
            }
        }
        fed.labels.push(Vec::new());
    }
    fed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    fn tr(line: &str, args: &[&str]) -> Result<Native, Refusal> {
        let ctx = Context { scrape_interval: 60, ..Context::default() };
        translate(&call(line, args).map_err(Refusal::from)?, &ctx)
    }

    const UPSTREAM: &str = "check_nt -H $HOSTADDRESS$ -p 12489 -v $ARG1$ $ARG2$";

    #[test]
    fn debian_command_drops_arg2_and_the_plugin_answers_unknown() {
        // Debian's nt.cfg: `check_nt -H '$HOSTADDRESS$' -v '$ARG1$'`, no $ARG2$.
        let debian = "check_nt -H '$HOSTADDRESS$' -v '$ARG1$'";
        for v in ["CPULOAD", "USEDDISKSPACE", "SERVICESTATE", "PROCSTATE"] {
            let e = tr(debian, &[v, "-l 5,80,90"]).unwrap_err();
            assert_eq!(e.code, Code::PluginRefuses, "{v}");
            assert!(e.text.contains("$ARG2$"), "{}", e.text);
        }
        // MEMUSE and UPTIME without thresholds: OK while the agent answers.
        for v in ["MEMUSE", "UPTIME", "CLIENTVERSION"] {
            let n = tr(debian, &[v]).unwrap();
            assert_eq!(n.signals, vec!["up{__SEL__}"]);
            assert_eq!(n.critical, vec![Cond { signal: 0, test: Test::Eq(0.0) }]);
            assert!(n.warning.is_empty());
            assert_eq!(n.missing, Missing::Covered);
        }
    }

    #[test]
    fn cpu_triples_compare_at_or_above() {
        let n = tr(UPSTREAM, &["CPULOAD", "-l 5,80,90,15,70,95"]).unwrap();
        assert_eq!(n.signals.len(), 2);
        assert!(n.signals[1].contains("[15m]"));
        assert_eq!(n.critical[0].test, Test::Ge(90.0));
        assert_eq!(n.warning[1].test, Test::Ge(70.0));
        // Both edges: 90 is CRITICAL, 89 is not; 80 WARNING, 79 not.
        assert!(n.critical[0].test.alerts(90.0) && !n.critical[0].test.alerts(89.0));
        assert!(n.warning[0].test.alerts(80.0) && !n.warning[0].test.alerts(79.0));
        // The plugin stops at the first triple out of range.
        let n = tr(UPSTREAM, &["CPULOAD", "-l 5,80,90,0,70,95,10,50,60"]).unwrap();
        assert_eq!(n.signals.len(), 1);
        assert_eq!(n.canonical, "check_nt -v CPULOAD -l 5,80,90");
        // No valid triple: OK "not enough values"; junk: UNKNOWN.
        assert_eq!(tr(UPSTREAM, &["CPULOAD", "-l 5,80"]).unwrap_err().code, Code::PluginRefuses);
        assert_eq!(
            tr(UPSTREAM, &["CPULOAD", "-l 5,eighty,90"]).unwrap_err().code,
            Code::PluginRefuses
        );
        assert_eq!(n.window_samples, 6, "5 minutes of 60 s scrapes, and one more");
        // strtok: empty items vanish; sscanf %f: `8e1` and ` 5` are numbers, strtoul reads 8
        // and 5; `5 ` is not a number.
        let n = tr(UPSTREAM, &["CPULOAD", "-l ,5,,80,90,"]).unwrap();
        assert_eq!(n.canonical, "check_nt -v CPULOAD -l 5,80,90");
        let n = tr(UPSTREAM, &["CPULOAD", "-l 8e1,80,90"]).unwrap();
        assert_eq!(n.canonical, "check_nt -v CPULOAD -l 8,80,90");
        let n = tr(UPSTREAM, &["CPULOAD", "'-l  5,80,90'"]).unwrap();
        assert_eq!(n.canonical, "check_nt -v CPULOAD -l 5,80,90");
        assert_eq!(
            tr(UPSTREAM, &["CPULOAD", "'-l 5 ,80,90'"]).unwrap_err().code,
            Code::PluginRefuses
        );
        // A negative minute count wraps to a huge one: no triple, OK "not enough values".
        let e = tr(UPSTREAM, &["CPULOAD", "-l -5,80,90"]).unwrap_err();
        assert!(e.text.contains("not enough values"), "{}", e.text);
        // More than 30 values: UNKNOWN, even when the first triples are good.
        let many = ["5,80,90"; 11].join(",");
        let e = tr(UPSTREAM, &["CPULOAD", &format!("-l {many}")]).unwrap_err();
        assert!(e.text.contains("33 values"), "{}", e.text);
        assert_eq!(strtoul("-0"), 0);
        assert_eq!(strtoul("+7.9"), 7);
        assert_eq!(strtoul("99999999999"), u32::MAX);
    }

    #[test]
    fn cpu_feed_realises_whole_loads() {
        let n = tr(UPSTREAM, &["CPULOAD", "-l 5,80,90"]).unwrap();
        for (want, got) in [(80.0, 80.0), (79.999, 79.0), (100.5, 100.0), (-1.0, 0.0)] {
            let fed = (n.feed)(&[want], 900.0);
            assert_eq!(fed.realized, vec![Some(got)]);
            let s = &fed.series[0];
            assert_eq!(s.metric, "windows_cpu_time_total");
            assert!(s.values.len() > 15, "a value per scrape up to the evaluation");
            assert_eq!(fed.series.len(), 5, "idle, user, privileged, interrupt and dpc time");
            assert!(s.values.windows(2).all(|w| w[1] >= w[0]), "a counter never decreases");
        }
    }

    #[test]
    fn memory_disk_and_uptime_edges() {
        let n = tr(UPSTREAM, &["MEMUSE", "-w 80 -c 90"]).unwrap();
        assert!(n.signals[0].contains("windows_memory_committed_bytes"));
        assert_eq!(n.warning[0].test, Test::Ge(80.0));
        let fed = (n.feed)(&[90.0], 60.0);
        assert_eq!(fed.realized, vec![Some(90.0)]);

        let n = tr(UPSTREAM, &["USEDDISKSPACE", "-l c -w 80 -c 90"]).unwrap();
        assert!(n.signals[0].contains("volume=\"C:\""));
        assert_eq!(n.critical[0].test, Test::Ge(90.0));
        for edge in [80.0, 90.0, 80.0f64.next_down(), 90.0f64.next_up()] {
            assert_eq!((n.feed)(&[edge], 60.0).realized, vec![Some(edge)], "{edge}");
        }
        assert_eq!(
            tr(UPSTREAM, &["USEDDISKSPACE", "-l c: -w 80 -c 90"]).unwrap_err().code,
            Code::PluginRefuses
        );

        let n = tr(UPSTREAM, &["UPTIME", "-l hours -w 24 -c 1"]).unwrap();
        assert_eq!(n.critical[0].test, Test::Le(1.0));
        assert!(n.critical[0].test.alerts(1.0) && !n.critical[0].test.alerts(2.0));
        assert!(n.signals[0].ends_with("/ 3600)"));
        let fed = (n.feed)(&[24.0], 600.0);
        assert_eq!(fed.realized, vec![Some(24.0)]);
        assert_eq!(
            tr(UPSTREAM, &["UPTIME", "-l weeks -w 1"]).unwrap_err().code,
            Code::PluginRefuses
        );
    }

    #[test]
    fn thresholds_are_whole_numbers() {
        let e = tr(UPSTREAM, &["MEMUSE", "-w 80% -c 90"]).unwrap_err();
        assert_eq!(e.code, Code::InvalidValue);
        let e = tr(UPSTREAM, &["MEMUSE", "-w $USER3$ -c 90"]).unwrap_err();
        assert_eq!(e.code, Code::SecretMacro);
    }

    #[test]
    fn services_and_processes() {
        let n = tr(UPSTREAM, &["SERVICESTATE", "-d SHOWALL -l W3SVC,MSSQLSERVER"]).unwrap();
        assert_eq!(n.signals.len(), 2);
        assert!(n.signals[0].contains("name=~\"(?i)W3SVC\""), "{}", n.signals[0]);
        assert_eq!(n.critical[1].test, Test::Eq(0.0));
        let fed = (n.feed)(&[0.0, 1.0], 60.0);
        assert_eq!(fed.realized, vec![Some(0.0), Some(1.0)]);
        // A service the exporter does not list is a zero named after it.
        assert!(
            n.signals[0].ends_with(
                "or on(instance, job) label_replace(0 * (up{__SEL__} == 1), \"name\", \"W3SVC\", \"\", \"\")"
            ),
            "{}",
            n.signals[0]
        );

        let n = tr(UPSTREAM, &["PROCSTATE", "-l Explorer.exe"]).unwrap();
        assert!(n.signals[0].contains("process=~\"(?i)Explorer\""), "{}", n.signals[0]);
        assert!(n.requires.iter().any(|r| r.contains("process collector")));
        let fed = (n.feed)(&[0.0], 60.0);
        assert_eq!(fed.realized, vec![Some(0.0)]);
        assert_eq!(
            tr(UPSTREAM, &["SERVICESTATE", "-l 'a b'"]).unwrap_err().code,
            Code::OptionNotTranslated
        );
    }

    #[test]
    fn counter_thresholds_take_their_direction_from_their_order() {
        let path = r#"-l "\\MSExchangeIS(_Total)\\RPC Requests","RPC Requests: %.f""#;
        // Critical above warning: upwards, both edges inclusive.
        let n = tr(UPSTREAM, &["COUNTER", &format!("{path} -w 50 -c 70")]).unwrap();
        assert_eq!(
            n.canonical,
            "check_nt -v COUNTER -l \\MSExchangeIS(_Total)\\RPC Requests -w 50 -c 70"
        );
        assert_eq!(n.warning, vec![Cond { signal: 0, test: Test::Ge(50.0) }]);
        assert_eq!(n.critical[0], Cond { signal: 0, test: Test::Ge(70.0) });
        assert!(n.critical[0].test.alerts(70.0) && !n.critical[0].test.alerts(70f64.next_down()));
        assert!(n.warning[0].test.alerts(50.0) && !n.warning[0].test.alerts(50f64.next_down()));
        let metric = match &n.probe {
            Probe::WindowsCounter(c) => {
                assert_eq!(c.instance.as_deref(), Some("_Total"));
                c.metric()
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(n.signals[0], format!("{metric}{{__SEL__, counter_instance=~\"(?i)_Total\"}}"));
        // The agent unreachable is CRITICAL, the counter missing while it answers UNKNOWN.
        assert_eq!(n.signals[1], "up{__SEL__}");
        assert_eq!(n.critical[1], Cond { signal: 1, test: Test::Eq(0.0) });
        assert_eq!(n.missing, Missing::UnknownWhileUp);
        assert_eq!(n.presence.as_deref(), Some(n.signals[0].as_str()));
        let fed = (n.feed)(&[70.0, 1.0], 60.0);
        assert_eq!(fed.realized, vec![Some(70.0), Some(1.0)]);
        assert_eq!(fed.series[0].metric, metric);
        assert_eq!(fed.labels[0], vec![("counter_instance".to_owned(), "_Total".to_owned())]);

        // Warning above critical, or equal: downwards.
        let n = tr(UPSTREAM, &["COUNTER", &format!("{path} -w 70 -c 50")]).unwrap();
        assert_eq!(n.warning[0].test, Test::Le(70.0));
        assert_eq!(n.critical[0].test, Test::Le(50.0));
        assert!(n.critical[0].test.alerts(50.0) && !n.critical[0].test.alerts(50f64.next_up()));
        let n = tr(UPSTREAM, &["COUNTER", &format!("{path} -w 60 -c 60")]).unwrap();
        assert_eq!(n.critical[0].test, Test::Le(60.0));
        // A lone -w: critical 0 is not above it, so downwards; a lone -c: upwards.
        let n = tr(UPSTREAM, &["COUNTER", &format!("{path} -w 80")]).unwrap();
        assert_eq!(n.warning[0].test, Test::Le(80.0));
        assert!(n.notes.iter().any(|t| t.contains("downwards")));
        let n = tr(UPSTREAM, &["COUNTER", &format!("{path} -c 80")]).unwrap();
        assert_eq!(n.critical[0].test, Test::Ge(80.0));
        // No thresholds: OK whenever the counter is read; only the agent and the counter
        // being missing alert.
        let n = tr(UPSTREAM, &["COUNTER", path]).unwrap();
        assert!(n.warning.is_empty());
        assert_eq!(n.critical, vec![Cond { signal: 1, test: Test::Eq(0.0) }]);
        // Thresholds are strtoul integers.
        assert_eq!(
            tr(UPSTREAM, &["COUNTER", &format!("{path} -w 1.5")]).unwrap_err().code,
            Code::InvalidValue
        );
    }

    #[test]
    fn counter_paths_the_plugin_or_exporter_cannot_read_are_refused() {
        // No -l: "No counter specified".
        assert_eq!(tr(UPSTREAM, &["COUNTER"]).unwrap_err().code, Code::PluginRefuses);
        // okconfig's quoting: the shell turns `\\` into `\`; the description is output only.
        let n = tr(
            r#"check_nt -H $HOSTADDRESS$ -p 12489 -v COUNTER -l "\\MSExchangeIS\\User Count","User Count: %.f""#,
            &[],
        )
        .unwrap();
        assert_eq!(n.canonical, "check_nt -v COUNTER -l \\MSExchangeIS\\User Count");
        assert!(!n.signals[0].contains("counter_instance"), "{}", n.signals[0]);
        for (bad, code) in [
            (r#"-l '\Processor(*)\% Processor Time'"#, Code::OptionNotTranslated),
            (r#"-l '\\srv\Memory\Pages/sec'"#, Code::OptionNotTranslated),
            ("-l Memory", Code::OptionNotTranslated),
            (r#"-l '\$_HOSTOBJ$\Count'"#, Code::PerHostMacro),
        ] {
            assert_eq!(tr(UPSTREAM, &["COUNTER", bad]).unwrap_err().code, code, "{bad}");
        }
    }

    #[test]
    fn other_variables_and_hosts() {
        assert_eq!(tr(UPSTREAM, &["COUNTER", "-l x"]).unwrap_err().code, Code::OptionNotTranslated);
        assert_eq!(tr(UPSTREAM, &["FILEAGE", "-l x"]).unwrap_err().code, Code::OptionNotTranslated);
        assert_eq!(tr(UPSTREAM, &["NOPE"]).unwrap_err().code, Code::PluginRefuses);
        assert_eq!(
            tr("check_nt -H 10.0.0.1 -v MEMUSE", &[]).unwrap_err().code,
            Code::NotServiceHost
        );
        // The agent's password is never part of the canonical call.
        let n = tr("check_nt -H $HOSTADDRESS$ -s s3cret -v MEMUSE -w 80 -c 90", &[]).unwrap();
        assert!(!n.canonical.contains("s3cret"));
    }
}
