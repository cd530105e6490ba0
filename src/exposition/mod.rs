//! The exposition: a [`Snapshot`] rendered once into Prometheus text-format bytes (and a
//! gzip copy, [`gzip`]), served unchanged to every scrape until status.dat changes.
//!
//! - [`catalogue`]: every family's name, type and HELP text;
//! - [`text`]: the text format (escaping, numbers, headers);
//! - [`labels`]: opt-in identity labels from the object model;
//! - [`gzip`]: the compressed copy, built so that the small self-metrics part can change
//!   without recompressing the large body.
//!
//! The output has two parts: the **body** ([`render`]: every Nagios family, rendered once per
//! status.dat change) and the **tail** ([`render_tail`]: `nagios_up` and the bridge's own
//! metrics, a few hundred bytes, re-rendered when they change). Families are hand-rendered
//! straight into one `Vec<u8>`: a general metrics library would build a labelled object per
//! series (≈1.5 million for 80,000 services) only to print it once.

use std::borrow::Cow;
use std::collections::HashSet;

use nag2prom_parsers::perfdata::{PerfData, PerfValue, Quantity, Threshold, Uom, parse_perfdata};
use nag2prom_parsers::range::{Bound, Range};

use crate::status::{ObjectState, Snapshot};

pub mod catalogue;
pub mod gzip;
pub mod labels;
pub mod text;

use catalogue::{Family, bridge, perfdata as pf, program, state};
pub use labels::{EnrichOptions, Enrichment};
use text::{Writer, append_label};

/// A group of families switched on with `--collector.NAME` and off with
/// `--no-collector.NAME`, as node_exporter does. The default set is what alerting, the rules
/// `nag2prom convert` writes, and dashboards need; the rest multiplies the series count for
/// little use and is opt-in (docs/metrics.md has the series budget of each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collector {
    /// State, hard state, state type, acknowledged, downtime depth, last check time, info
    /// (default on).
    State,
    /// Checked (0 while PENDING). Off by default: it is `last_check_timestamp_seconds == 0`,
    /// and 90,000 series at 80,000 services would break the 10 series per service budget.
    Checked,
    /// Performance data values (default on).
    Perfdata,
    /// Current attempt and max attempts.
    Attempts,
    /// Check latency and execution time.
    Latency,
    /// Per-object runtime switches: notifications and active checks enabled.
    Switches,
    /// Flapping.
    Flapping,
    /// Last state change and last hard state change times.
    StateChanges,
    /// Performance data min and max fields.
    PerfdataBounds,
    /// Performance data warning and critical thresholds.
    PerfdataThresholds,
}

impl Collector {
    /// Every collector: `(collector, flag name, on by default)`.
    pub const ALL: [(Collector, &'static str, bool); 10] = [
        (Collector::State, "state", true),
        (Collector::Checked, "checked", false),
        (Collector::Perfdata, "perfdata", true),
        (Collector::Attempts, "attempts", false),
        (Collector::Latency, "latency", false),
        (Collector::Switches, "switches", false),
        (Collector::Flapping, "flapping", false),
        (Collector::StateChanges, "state_changes", false),
        (Collector::PerfdataBounds, "perfdata_bounds", false),
        (Collector::PerfdataThresholds, "perfdata_thresholds", false),
    ];

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The set of enabled collectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collectors(u16);

impl Default for Collectors {
    /// The default set.
    fn default() -> Self {
        let mut set = Collectors(0);
        for (c, _, on) in Collector::ALL {
            set.set(c, on);
        }
        set
    }
}

impl Collectors {
    /// Every collector on (the exposition before issue #12).
    pub fn all() -> Collectors {
        let mut set = Collectors(0);
        for (c, _, _) in Collector::ALL {
            set.set(c, true);
        }
        set
    }

    /// Switch `c` on or off.
    pub fn set(&mut self, c: Collector, on: bool) {
        if on {
            self.0 |= c.bit();
        } else {
            self.0 &= !c.bit();
        }
    }

    /// Whether `c` is on.
    pub fn on(self, c: Collector) -> bool {
        self.0 & c.bit() != 0
    }
}

/// The default `--status.max-name-bytes`: longer host names, service descriptions or check
/// command names are not exported (a 50 MB host_name made a 1.8 GB exposition).
pub const DEFAULT_MAX_NAME_BYTES: usize = 1024;

/// What to export besides the default families.
#[derive(Debug, Clone)]
pub struct Options {
    /// The enabled collectors.
    pub collectors: Collectors,
    /// Hosts and services whose host name or service description is longer than this
    /// (bytes) are left out and counted; longer check command names are cut.
    pub max_name_bytes: usize,
    /// Export `nagios_{host,service}_output_info` with the output cut to this many bytes.
    pub plugin_output: Option<usize>,
    /// Performance data only for checks matching this (service description or command name).
    pub perfdata_allow: Option<regex::bytes::Regex>,
    /// No performance data for checks matching this (service description or command name).
    pub perfdata_deny: Option<regex::bytes::Regex>,
    /// At most this many performance data items per check.
    pub perfdata_max_items: usize,
    /// Items whose label is longer than this (bytes) are skipped.
    pub perfdata_max_label_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            collectors: Collectors::default(),
            max_name_bytes: DEFAULT_MAX_NAME_BYTES,
            plugin_output: None,
            perfdata_allow: None,
            perfdata_deny: None,
            perfdata_max_items: 64,
            perfdata_max_label_bytes: 128,
        }
    }
}

/// Performance data items not exported, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Excluded by the allow/deny lists.
    pub filtered: u64,
    /// Over the per-check item cap, or an over-long label.
    pub limit: u64,
    /// `U` values (no sample).
    pub unknown: u64,
    /// A label repeated within one check's output.
    pub duplicate: u64,
}

/// A rendered body and what was counted while rendering it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The text-format body (every Nagios family).
    pub body: Vec<u8>,
    /// `(family, series)` for each family in the body.
    pub series: Vec<(&'static str, u64)>,
    /// Performance data problems (skipped items and dropped fields).
    pub perfdata_errors: u64,
    /// Performance data items not exported.
    pub dropped: Dropped,
    /// `field_errors` of the snapshot.
    pub field_errors: u64,
    /// `info.created` of the snapshot (when Nagios wrote it).
    pub created: Option<i64>,
    /// Hosts and services in the snapshot that were exported more than once (first kept).
    pub duplicate_objects: u64,
    /// Hosts and services left out because a name is longer than `max_name_bytes`.
    pub long_names: u64,
}

/// The unit class of a performance data item: which family it goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Seconds,
    Bytes,
    Ratio,
    Counter,
    Unitless,
}

/// One performance data item ready to print, values already in base units.
#[derive(Debug, Clone)]
struct PerfSample<'a> {
    /// Index into the identity label table.
    object: u32,
    class: Class,
    label: Cow<'a, str>,
    /// The unit as written, for unknown units and counter-class bounds (`uom` label).
    uom: Cow<'a, str>,
    value: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    warn: Option<Range>,
    crit: Option<Range>,
}

/// Identity label text (`host="…",service="…",extra…`) of every exported object, in one buffer.
#[derive(Debug, Default)]
struct Identities {
    text: Vec<u8>,
    ends: Vec<usize>,
}

impl Identities {
    fn push(&mut self, host: &[u8], service: Option<&[u8]>, extra: Option<&[u8]>) -> u32 {
        append_label(&mut self.text, "host", host);
        if let Some(service) = service {
            self.text.push(b',');
            append_label(&mut self.text, "service", service);
        }
        if let Some(extra) = extra {
            self.text.push(b',');
            self.text.extend_from_slice(extra);
        }
        self.ends.push(self.text.len());
        u32::try_from(self.ends.len() - 1).unwrap_or(u32::MAX)
    }

    fn get(&self, i: u32) -> &[u8] {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).copied().unwrap_or(0) };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or_default()
    }
}

/// An accessor of one state value.
type Get = fn(&ObjectState<'_>) -> Option<f64>;

fn flag(v: Option<bool>) -> Option<f64> {
    v.map(|b| if b { 1.0 } else { 0.0 })
}

/// The state families, the collector each belongs to, and where their values come from.
const STATE_FAMILIES: [(&(Family, Family), Collector, Get); 16] = [
    (&state::STATE, Collector::State, |o| o.current_state.map(f64::from)),
    (&state::HARD_STATE, Collector::State, |o| o.last_hard_state.map(f64::from)),
    (&state::STATE_TYPE, Collector::State, |o| o.state_type.map(f64::from)),
    (&state::CHECK_ATTEMPT, Collector::Attempts, |o| o.current_attempt.map(f64::from)),
    (&state::MAX_CHECK_ATTEMPTS, Collector::Attempts, |o| o.max_attempts.map(f64::from)),
    (&state::CHECKED, Collector::Checked, |o| flag(o.checked)),
    (&state::ACKNOWLEDGED, Collector::State, |o| flag(o.acknowledged)),
    (&state::DOWNTIME_DEPTH, Collector::State, |o| o.scheduled_downtime_depth.map(f64::from)),
    (&state::FLAPPING, Collector::Flapping, |o| flag(o.flapping)),
    (&state::NOTIFICATIONS_ENABLED, Collector::Switches, |o| flag(o.notifications_enabled)),
    (&state::ACTIVE_CHECKS_ENABLED, Collector::Switches, |o| flag(o.active_checks_enabled)),
    (&state::LAST_CHECK, Collector::State, |o| o.last_check.map(|t| t as f64)),
    (&state::LAST_STATE_CHANGE, Collector::StateChanges, |o| o.last_state_change.map(|t| t as f64)),
    (&state::LAST_HARD_STATE_CHANGE, Collector::StateChanges, |o| {
        o.last_hard_state_change.map(|t| t as f64)
    }),
    (&state::CHECK_LATENCY, Collector::Latency, |o| o.check_latency),
    (&state::CHECK_EXECUTION_TIME, Collector::Latency, |o| o.check_execution_time),
];

/// The collector of a state family, `None` for a family that is not one (for docs and
/// tests).
pub fn collector_of(family: &str) -> Option<Collector> {
    for (pair, collector, _) in STATE_FAMILIES {
        if pair.0.name == family || pair.1.name == family {
            return Some(collector);
        }
    }
    if family == state::INFO.0.name || family == state::INFO.1.name {
        return Some(Collector::State);
    }
    for c in &CLASSES {
        if family == c.value.name {
            return Some(Collector::Perfdata);
        }
        if family == c.min.name || family == c.max.name {
            return Some(Collector::PerfdataBounds);
        }
        if family == c.threshold.name {
            return Some(Collector::PerfdataThresholds);
        }
    }
    (family == pf::TOTAL.name).then_some(Collector::Perfdata)
}

/// Render every Nagios family of `snapshot`.
pub fn render(snapshot: &Snapshot<'_>, options: &Options, enrich: Option<&Enrichment>) -> Rendered {
    let mut out = Rendered {
        field_errors: snapshot.field_errors,
        created: snapshot.info.created,
        ..Rendered::default()
    };

    // Identity labels, once per object. Two objects with the same labels (the same name
    // twice, or names that differ only in bytes that are not UTF-8, which both become U+FFFD)
    // would be duplicate series: the first is kept.
    let mut ids = Identities::default();
    let mut hosts: Vec<(u32, &ObjectState<'_>)> = Vec::with_capacity(snapshot.hosts.len());
    let mut services: Vec<(u32, &ObjectState<'_>)> = Vec::with_capacity(snapshot.services.len());
    {
        let lossy = String::from_utf8_lossy;
        let mut seen_hosts: HashSet<Cow<'_, str>> = HashSet::with_capacity(snapshot.hosts.len());
        let max = options.max_name_bytes;
        for h in &snapshot.hosts {
            if h.host.len() > max {
                out.long_names += 1;
                continue;
            }
            if !seen_hosts.insert(lossy(h.host)) {
                out.duplicate_objects += 1;
                continue;
            }
            let extra = enrich.and_then(|e| e.host(h.host));
            hosts.push((ids.push(h.host, None, extra), h));
        }
        let mut seen: HashSet<(Cow<'_, str>, Cow<'_, str>)> =
            HashSet::with_capacity(snapshot.services.len());
        for s in &snapshot.services {
            if s.host.len() > max || s.service.len() > max {
                out.long_names += 1;
                continue;
            }
            if !seen.insert((lossy(s.host), lossy(s.service))) {
                out.duplicate_objects += 1;
                continue;
            }
            let extra = enrich.and_then(|e| e.service(s.host, s.service));
            services.push((ids.push(s.host, Some(s.service), extra), s));
        }
    }

    let estimate =
        (hosts.len() + services.len()) * 18 * (ids.text.len() / ids.ends.len().max(1) + 40);
    let mut w = Writer::with_capacity(estimate + 4096);

    // Program families.
    if let Some(created) = snapshot.info.created {
        w.family(&program::STATUS_UPDATE);
        w.sample(b"", &[], created as f64);
    }
    if let Some(start) = snapshot.program.program_start {
        w.family(&program::PROGRAM_START);
        w.sample(b"", &[], start as f64);
    }
    let p = &snapshot.program;
    for (family, switch) in [
        (&program::NOTIFICATIONS_ENABLED, p.enable_notifications),
        (&program::ACTIVE_SERVICE_CHECKS_ENABLED, p.active_service_checks_enabled),
        (&program::ACTIVE_HOST_CHECKS_ENABLED, p.active_host_checks_enabled),
        (&program::FLAP_DETECTION_ENABLED, p.enable_flap_detection),
    ] {
        if let Some(v) = flag(switch) {
            w.family(family);
            w.sample(b"", &[], v);
        }
    }
    w.family(&program::PROGRAM_INFO);
    w.sample(b"", &[("version", snapshot.info.version.unwrap_or_default())], 1.0);
    let a = &snapshot.annotations;
    for (family, host, service) in [
        (&program::COMMENTS, a.host_comments, a.service_comments),
        (&program::DOWNTIMES, a.host_downtimes, a.service_downtimes),
        (&program::DOWNTIMES_IN_EFFECT, a.host_downtimes_in_effect, a.service_downtimes_in_effect),
    ] {
        w.family(family);
        w.sample(b"", &[("object", b"host")], host as f64);
        w.sample(b"", &[("object", b"service")], service as f64);
    }

    // Performance data items are parsed on a second thread while the state families are
    // written (on a large installation each takes about as long as the other).
    let collectors = options.collectors;
    let want_perfdata = collectors.on(Collector::Perfdata)
        || collectors.on(Collector::PerfdataBounds)
        || collectors.on(Collector::PerfdataThresholds);
    let samples = std::thread::scope(|scope| {
        let collect = want_perfdata.then(|| {
            scope.spawn(|| {
                let mut counts = Rendered::default();
                let samples = collect_perfdata(&hosts, &services, options, &mut counts);
                (samples, counts)
            })
        });
        render_states(&mut w, &ids, &hosts, &services, options);
        if let Some(enrich) = enrich.filter(|e| !e.ola_members().is_empty()) {
            // The downtimes in effect when Nagios wrote the file (now, when it does not say).
            let at = snapshot.info.created.unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64)
            });
            let groups = ola_groups(enrich.ola_members(), &services, enrich.ola_downtimes(), at);
            w.family(&catalogue::ola::RANK);
            for (group, (rank, _)) in &groups {
                w.sample(b"", &[("ola_group", group.as_bytes())], f64::from(*rank));
            }
            w.family(&catalogue::ola::MEMBERS);
            for (group, (_, count)) in &groups {
                w.sample(b"", &[("ola_group", group.as_bytes())], *count as f64);
            }
        }
        collect.map(|handle| match handle.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        })
    });
    if let Some((samples, counts)) = samples {
        out.perfdata_errors += counts.perfdata_errors;
        let (d, c) = (&mut out.dropped, counts.dropped);
        d.filtered += c.filtered;
        d.limit += c.limit;
        d.unknown += c.unknown;
        d.duplicate += c.duplicate;
        render_perfdata(&mut w, &ids, &samples, collectors);
    }

    let (body, series) = w.finish();
    out.body = body;
    out.series = series;
    out
}

/// A member's rank ([`crate::translate::ola::argo_rank`]); `None` (missing: counted as 2 for
/// the group) for a member that is pending (never checked) or has no HARD state.
pub fn ola_rank(o: &ObjectState<'_>) -> Option<u8> {
    if o.checked == Some(false) || o.last_check == Some(0) {
        return None;
    }
    let in_downtime = o.scheduled_downtime_depth.is_some_and(|d| d > 0);
    Some(crate::translate::ola::argo_rank(o.last_hard_state?, in_downtime))
}

/// Every OLA group's `(rank, members)`: the worst member rank; at least 2 (missing) when a
/// member is absent from status.dat, pending or without a state. A member whose endpoint
/// (host, one of its GOCDB service types) has a GOCDB scheduled outage in effect at `at` is
/// in downtime (3) whatever its state, as ARGO overwrites the endpoint's timeline.
fn ola_groups<'m>(
    members: &'m [crate::translate::ola::Member],
    services: &[(u32, &ObjectState<'_>)],
    downtimes: &[crate::gocdb::Downtime],
    at: i64,
) -> std::collections::BTreeMap<&'m str, (u8, usize)> {
    let by_name: std::collections::HashMap<(&[u8], &[u8]), &ObjectState<'_>> =
        services.iter().map(|(_, o)| ((o.host, o.service), *o)).collect();
    let in_effect: std::collections::HashSet<(&str, &str)> = downtimes
        .iter()
        .filter(|d| d.covers(at))
        .flat_map(|d| {
            let t = d.service_type.as_str();
            std::iter::once((d.host.as_str(), t)).chain(d.host_with_id.as_deref().map(|h| (h, t)))
        })
        .collect();
    let mut groups: std::collections::BTreeMap<&str, (u8, usize)> = Default::default();
    for m in members {
        let outage = !in_effect.is_empty()
            && m.service_types.iter().any(|t| in_effect.contains(&(m.host.as_str(), t.as_str())));
        let rank = if outage {
            3
        } else {
            by_name
                .get(&(m.host.as_bytes(), m.service.as_bytes()))
                .and_then(|o| ola_rank(o))
                .unwrap_or(2)
        };
        let slot = groups.entry(m.ola_group.as_str()).or_insert((0, 0));
        slot.0 = slot.0.max(rank);
        slot.1 += 1;
    }
    groups
}

/// The host and service state families (`STATE_FAMILIES`, info, plugin output).
fn render_states(
    w: &mut Writer,
    ids: &Identities,
    hosts: &[(u32, &ObjectState<'_>)],
    services: &[(u32, &ObjectState<'_>)],
    options: &Options,
) {
    let collectors = options.collectors;
    for (objects, pick) in [(hosts, 0usize), (services, 1usize)] {
        for (pair, collector, get) in STATE_FAMILIES {
            if !collectors.on(collector) {
                continue;
            }
            w.family(if pick == 0 { &pair.0 } else { &pair.1 });
            for (id, o) in objects.iter() {
                if let Some(v) = get(o) {
                    w.sample(ids.get(*id), &[], v);
                }
            }
        }
        if collectors.on(Collector::State) {
            w.family(if pick == 0 { &state::INFO.0 } else { &state::INFO.1 });
            for (id, o) in objects.iter() {
                let command =
                    o.check_command.get(..options.max_name_bytes).unwrap_or(o.check_command);
                w.sample(ids.get(*id), &[("check_command", command)], 1.0);
            }
        }
        if let Some(max) = options.plugin_output {
            w.family(if pick == 0 { &state::OUTPUT_INFO.0 } else { &state::OUTPUT_INFO.1 });
            for (id, o) in objects.iter() {
                let output = String::from_utf8_lossy(o.plugin_output);
                let output = text::truncate(&output, max);
                w.sample(ids.get(*id), &[("output", output.as_bytes())], 1.0);
            }
        }
    }
}

/// True when the check's performance data is exported.
fn perfdata_wanted(o: &ObjectState<'_>, options: &Options) -> bool {
    let matches = |re: &regex::bytes::Regex| {
        (!o.service.is_empty() && re.is_match(o.service)) || re.is_match(o.check_command)
    };
    if let Some(allow) = &options.perfdata_allow
        && !matches(allow)
    {
        return false;
    }
    !options.perfdata_deny.as_ref().is_some_and(matches)
}

fn collect_perfdata<'a>(
    hosts: &[(u32, &ObjectState<'a>)],
    services: &[(u32, &ObjectState<'a>)],
    options: &Options,
    out: &mut Rendered,
) -> Vec<PerfSample<'a>> {
    let mut samples = Vec::new();
    for (id, o) in hosts.iter().chain(services) {
        if o.perfdata.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if !perfdata_wanted(o, options) {
            out.dropped.filtered += 1;
            continue;
        }
        // Parse at most twice the item cap: the rest is only counted, so a 50 MB line of
        // millions of items costs a scan, not millions of parsed items.
        let keep = options.perfdata_max_items.saturating_mul(2).saturating_add(16);
        match std::str::from_utf8(o.perfdata) {
            Ok(text) => {
                let (text, rest) = cut_items(text, keep);
                out.dropped.limit += rest;
                let parsed = parse_perfdata(text);
                add_items(&mut samples, *id, parsed, options, out, |c| c);
            }
            Err(_) => {
                // Rare: invalid UTF-8. Parse a lossy copy and own what is kept.
                let lossy = String::from_utf8_lossy(o.perfdata).into_owned();
                let (text, rest) = cut_items(&lossy, keep);
                out.dropped.limit += rest;
                let parsed = parse_perfdata(text);
                add_items(&mut samples, *id, parsed, options, out, |c| Cow::Owned(c.into_owned()));
            }
        }
    }
    samples
}

/// The first `keep` items of a perf data text (items are separated by whitespace outside
/// single quotes) and how many items follow them.
fn cut_items(text: &str, keep: usize) -> (&str, u64) {
    let bytes = text.as_bytes();
    let (mut i, mut items, mut cut) = (0usize, 0usize, None);
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        if items == keep {
            cut = Some(i);
        }
        let mut quoted = false;
        while let Some(&c) = bytes.get(i) {
            if c == b'\'' {
                quoted = !quoted;
            } else if !quoted && c.is_ascii_whitespace() {
                break;
            }
            i += 1;
        }
        items += 1;
    }
    match cut {
        Some(at) => (text.get(..at).unwrap_or(text), (items - keep) as u64),
        None => (text, 0),
    }
}

fn add_items<'a, 'p>(
    samples: &mut Vec<PerfSample<'a>>,
    object: u32,
    parsed: PerfData<'p>,
    options: &Options,
    out: &mut Rendered,
    own: impl Fn(Cow<'p, str>) -> Cow<'a, str>,
) {
    out.perfdata_errors += parsed.errors.len() as u64;
    let first = samples.len();
    let mut kept = 0usize;
    for item in parsed.items {
        if kept >= options.perfdata_max_items || item.label.len() > options.perfdata_max_label_bytes
        {
            out.dropped.limit += 1;
            continue;
        }
        if samples.get(first..).unwrap_or_default().iter().any(|s| s.label == item.label) {
            out.dropped.duplicate += 1;
            continue;
        }
        let class = match item.uom.quantity() {
            Quantity::Time => Class::Seconds,
            Quantity::Data => Class::Bytes,
            Quantity::Percent => Class::Ratio,
            Quantity::Counter => Class::Counter,
            Quantity::Count | Quantity::Unknown => Class::Unitless,
        };
        let to_base = Scale::of(item.uom);
        let value = match item.value {
            PerfValue::Number(v) => Some(to_base.apply(v)),
            PerfValue::Unknown => {
                out.dropped.unknown += 1;
                None
            }
        };
        let scale = |r: Range| Range {
            start: scale_bound(r.start, to_base),
            end: scale_bound(r.end, to_base),
            inside: r.inside,
        };
        let range = |t: Option<Threshold<'_>>| t.and_then(|t| t.range).map(scale);
        samples.push(PerfSample {
            object,
            class,
            uom: own(Cow::Borrowed(item.uom.as_str())),
            label: own(item.label),
            value,
            min: item.min.map(|v| to_base.apply(v)),
            max: item.max.map(|v| to_base.apply(v)),
            warn: range(item.warn),
            crit: range(item.crit),
        });
        kept += 1;
    }
}

/// Conversion to the base unit. Decimal units divide (`42 / 100` is exactly the double
/// nearest 0.42, `42 * 0.01` is not); binary multiples multiply (exact).
#[derive(Debug, Clone, Copy)]
enum Scale {
    Multiply(f64),
    Divide(f64),
}

impl Scale {
    fn of(uom: Uom<'_>) -> Scale {
        match uom {
            Uom::Milliseconds => Scale::Divide(1e3),
            Uom::Microseconds => Scale::Divide(1e6),
            Uom::Percent => Scale::Divide(100.0),
            other => Scale::Multiply(other.to_base_factor().unwrap_or(1.0)),
        }
    }

    fn apply(self, v: f64) -> f64 {
        match self {
            Scale::Multiply(f) => v * f,
            Scale::Divide(d) => v / d,
        }
    }
}

fn scale_bound(b: Bound, scale: Scale) -> Bound {
    match b {
        Bound::Finite(v) => Bound::Finite(scale.apply(v)),
        Bound::Infinite => Bound::Infinite,
    }
}

/// The four families of each class: value, min, max, threshold.
struct ClassFamilies {
    class: Class,
    value: &'static Family,
    min: &'static Family,
    max: &'static Family,
    threshold: &'static Family,
}

const CLASSES: [ClassFamilies; 4] = [
    ClassFamilies {
        class: Class::Seconds,
        value: &pf::SECONDS,
        min: &pf::MIN_SECONDS,
        max: &pf::MAX_SECONDS,
        threshold: &pf::THRESHOLD_SECONDS,
    },
    ClassFamilies {
        class: Class::Bytes,
        value: &pf::BYTES,
        min: &pf::MIN_BYTES,
        max: &pf::MAX_BYTES,
        threshold: &pf::THRESHOLD_BYTES,
    },
    ClassFamilies {
        class: Class::Ratio,
        value: &pf::RATIO,
        min: &pf::MIN_RATIO,
        max: &pf::MAX_RATIO,
        threshold: &pf::THRESHOLD_RATIO,
    },
    ClassFamilies {
        class: Class::Unitless,
        value: &pf::UNITLESS,
        min: &pf::MIN,
        max: &pf::MAX,
        threshold: &pf::THRESHOLD,
    },
];

/// `label` plus `uom` when the unit is not implied by the family name.
fn perf_labels<'s>(
    s: &'s PerfSample<'_>,
    buf: &'s mut [(&'static str, &'s [u8]); 2],
) -> &'s [(&'static str, &'s [u8])] {
    buf[0] = ("label", s.label.as_bytes());
    let uom_label = matches!(s.class, Class::Unitless | Class::Counter) && !s.uom.is_empty();
    if uom_label {
        buf[1] = ("uom", s.uom.as_bytes());
        &buf[..]
    } else {
        &buf[..1]
    }
}

fn render_perfdata(
    w: &mut Writer,
    ids: &Identities,
    samples: &[PerfSample<'_>],
    collectors: Collectors,
) {
    // Counters: values in their own counter family; bounds go with the unitless ones.
    if collectors.on(Collector::Perfdata) {
        w.family(&pf::TOTAL);
        for s in samples.iter().filter(|s| s.class == Class::Counter) {
            if let Some(v) = s.value {
                w.sample(ids.get(s.object), &[("label", s.label.as_bytes())], v);
            }
        }
    }
    for c in &CLASSES {
        let in_class = |s: &&PerfSample<'_>| {
            s.class == c.class || (c.class == Class::Unitless && s.class == Class::Counter)
        };
        if collectors.on(Collector::Perfdata) {
            w.family(c.value);
            for s in samples.iter().filter(|s| s.class == c.class) {
                if let Some(v) = s.value {
                    let mut buf = [("", &b""[..]); 2];
                    w.sample(ids.get(s.object), perf_labels(s, &mut buf), v);
                }
            }
        }
        for (family, pick) in [(c.min, 0), (c.max, 1)] {
            if !collectors.on(Collector::PerfdataBounds) {
                continue;
            }
            w.family(family);
            for s in samples.iter().filter(in_class) {
                let bound = if pick == 0 { s.min } else { s.max };
                if let Some(v) = bound {
                    let mut buf = [("", &b""[..]); 2];
                    w.sample(ids.get(s.object), perf_labels(s, &mut buf), v);
                }
            }
        }
        if !collectors.on(Collector::PerfdataThresholds) {
            continue;
        }
        w.family(c.threshold);
        for s in samples.iter().filter(in_class) {
            for (level, range) in [("warning", &s.warn), ("critical", &s.crit)] {
                let Some(range) = range else { continue };
                let mode: &[u8] = if range.inside { b"inside" } else { b"outside" };
                for (bound, value) in [("lower", range.start), ("upper", range.end)] {
                    let Bound::Finite(v) = value else { continue };
                    let mut buf = [("", &b""[..]); 2];
                    let base = perf_labels(s, &mut buf);
                    let n = base.len();
                    let mut labels = [("", &b""[..]); 5];
                    labels[..n].copy_from_slice(base);
                    labels[n..n + 3].copy_from_slice(&[
                        ("level", level.as_bytes()),
                        ("bound", bound.as_bytes()),
                        ("mode", mode),
                    ]);
                    w.sample(ids.get(s.object), &labels[..n + 3], v);
                }
            }
        }
    }
}

/// The bridge's state, rendered into the tail of the exposition.
#[derive(Debug, Clone, Default)]
pub struct Health {
    /// `nagios_up`.
    pub up: bool,
    /// Seconds the last accepted read + parse + render took.
    pub parse_seconds: Option<f64>,
    /// Failed reads so far.
    pub parse_errors: u64,
    /// Accepted reads so far.
    pub reloads: u64,
    /// Failed configuration reloads so far.
    pub config_errors: u64,
    /// When the served snapshot was read (Unix seconds).
    pub last_reload: Option<f64>,
    /// Size of the served body.
    pub body_bytes: u64,
    /// Failed web config reloads so far.
    pub web_config_errors: u64,
    /// True while a status.dat read has been blocked for longer than the read timeout.
    pub read_stalled: bool,
    /// Reads that stalled so far.
    pub read_stalls: u64,
    /// status.dat versions not used, by reason ([`crate::serve::refresh::ReadError::reason`]).
    pub rejected: Vec<(&'static str, u64)>,
    /// Connections refused at the connection limit.
    pub connections_refused: u64,
    /// Credentials checks that waited too long for the bcrypt slot and were refused.
    pub auth_throttled: u64,
}

impl Health {
    /// Count one rejected status.dat version for `reason`.
    pub fn reject(&mut self, reason: &'static str) {
        self.parse_errors += 1;
        match self.rejected.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => self.rejected.push((reason, 1)),
        }
    }
}

/// Render `nagios_up` and the bridge's own families; `rendered` describes the served body.
pub fn render_tail(health: &Health, rendered: Option<&Rendered>) -> Vec<u8> {
    let mut w = Writer::with_capacity(4096);
    w.family(&program::UP);
    w.sample(b"", &[], if health.up { 1.0 } else { 0.0 });
    w.family(&bridge::BUILD_INFO);
    w.sample(b"", &[("version", env!("CARGO_PKG_VERSION").as_bytes())], 1.0);
    if let Some(seconds) = health.parse_seconds {
        w.family(&bridge::PARSE_DURATION);
        w.sample(b"", &[], seconds);
    }
    w.family(&bridge::PARSE_ERRORS);
    w.sample(b"", &[], health.parse_errors as f64);
    w.family(&bridge::RELOADS);
    w.sample(b"", &[], health.reloads as f64);
    w.family(&bridge::REJECTED);
    for (reason, n) in &health.rejected {
        w.sample(b"", &[("reason", reason.as_bytes())], *n as f64);
    }
    w.family(&bridge::READ_STALLED);
    w.sample(b"", &[], if health.read_stalled { 1.0 } else { 0.0 });
    w.family(&bridge::READ_STALLS);
    w.sample(b"", &[], health.read_stalls as f64);
    w.family(&bridge::CONFIG_ERRORS);
    w.sample(b"", &[], health.config_errors as f64);
    w.family(&bridge::WEB_CONFIG_ERRORS);
    w.sample(b"", &[], health.web_config_errors as f64);
    w.family(&bridge::CONNECTIONS_REFUSED);
    w.sample(b"", &[], health.connections_refused as f64);
    w.family(&bridge::AUTH_THROTTLED);
    w.sample(b"", &[], health.auth_throttled as f64);
    if let Some(t) = health.last_reload {
        w.family(&bridge::LAST_RELOAD);
        w.sample(b"", &[], t.floor());
    }
    if let Some(r) = rendered {
        w.family(&bridge::FIELD_ERRORS);
        w.sample(b"", &[], r.field_errors as f64);
        w.family(&bridge::PERFDATA_ERRORS);
        w.sample(b"", &[], r.perfdata_errors as f64);
        w.family(&bridge::PERFDATA_DROPPED);
        let d = r.dropped;
        for (reason, n) in [
            ("filtered", d.filtered),
            ("limit", d.limit),
            ("unknown", d.unknown),
            ("duplicate", d.duplicate),
        ] {
            w.sample(b"", &[("reason", reason.as_bytes())], n as f64);
        }
        w.family(&bridge::OBJECTS_DROPPED);
        w.sample(b"", &[("reason", b"duplicate")], r.duplicate_objects as f64);
        w.sample(b"", &[("reason", b"long_name")], r.long_names as f64);
        w.family(&bridge::SERIES);
        for (family, n) in &r.series {
            w.sample(b"", &[("family", family.as_bytes())], *n as f64);
        }
        w.family(&bridge::BYTES);
        w.sample(b"", &[], health.body_bytes as f64);
    }
    w.finish().0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "info {\n\tcreated=1700000000\n\tversion=4.4.6\n\t}\n\
        hoststatus {\n\thost_name=web\"01\n\tcurrent_state=0\n\tperformance_data=rta=0.5ms;100;500;0 pl=0%;20;60\n\t}\n\
        servicestatus {\n\thost_name=web\"01\n\tservice_description=disk \\ \"root\"\n\tcurrent_state=2\n\t\
        last_hard_state=2\n\tcheck_command=check_disk!-w 20%!secret\n\t\
        performance_data='/'=10MB;@5:8;~:9;0;20 x=U c=5c load=1.5 t=3degC\n\t}\n";

    /// ARGO's order per member, and the group's worst, with missing members as 2.
    #[test]
    fn ola_group_rank_is_the_worst_member_in_argo_order() {
        let service = |name: &'static str, state: u8, downtime: u32, checked: bool| ObjectState {
            host: b"h",
            service: name.as_bytes(),
            last_hard_state: Some(state),
            scheduled_downtime_depth: Some(downtime),
            checked: Some(checked),
            last_check: Some(if checked { 1_700_000_000 } else { 0 }),
            ..ObjectState::default()
        };
        assert_eq!(ola_rank(&service("a", 0, 0, true)), Some(0));
        assert_eq!(ola_rank(&service("a", 1, 0, true)), Some(1));
        assert_eq!(ola_rank(&service("a", 3, 0, true)), Some(2), "UNKNOWN");
        assert_eq!(ola_rank(&service("a", 2, 1, true)), Some(3), "CRITICAL in downtime");
        assert_eq!(ola_rank(&service("a", 2, 0, true)), Some(4));
        assert_eq!(ola_rank(&service("a", 2, 0, false)), None, "pending");
        let states =
            [service("ok", 0, 0, true), service("warn", 1, 0, true), service("dt", 0, 2, true)];
        let services: Vec<(u32, &ObjectState<'_>)> =
            states.iter().enumerate().map(|(i, o)| (i as u32, o)).collect();
        let m = |s: &str, g: &str| crate::translate::ola::Member {
            ola_group: g.to_owned(),
            host: "h".to_owned(),
            service: s.to_owned(),
            service_types: Vec::new(),
        };
        let members = vec![
            m("ok", "A"),
            m("warn", "A"),
            m("ok", "B"),
            m("dt", "C"),
            m("ok", "D"),
            m("absent", "D"),
        ];
        let groups = ola_groups(&members, &services, &[], 0);
        assert_eq!(groups["A"], (1, 2));
        assert_eq!(groups["B"], (0, 1));
        assert_eq!(groups["C"], (3, 1));
        assert_eq!(groups["D"], (2, 2), "a member absent from status.dat is missing");

        // A GOCDB scheduled outage of the endpoint (h, webdav) while in effect: downtime,
        // whatever the member's state (missing too); members of other types are untouched.
        let typed = |s: &str, g: &str, t: &str| crate::translate::ola::Member {
            service_types: vec!["other".to_owned(), t.to_owned()],
            ..m(s, g)
        };
        let members = vec![
            typed("warn", "E", "webdav"),
            typed("absent", "F", "webdav"),
            typed("ok", "G", "srm"),
        ];
        let outage = crate::gocdb::Downtime {
            host: "h".to_owned(),
            host_with_id: None,
            service_type: "webdav".to_owned(),
            start: 100,
            end: 200,
        };
        let during = ola_groups(&members, &services, std::slice::from_ref(&outage), 150);
        assert_eq!((during["E"], during["F"], during["G"]), ((3, 1), (3, 1), (0, 1)));
        let after = ola_groups(&members, &services, std::slice::from_ref(&outage), 200);
        assert_eq!((after["E"], after["F"]), ((1, 1), (2, 1)), "the end is exclusive");
        // argo-ncg's USE_IDS host name, HOSTNAME_PRIMARYKEY.
        let with_id =
            crate::translate::ola::Member { host: "h_9G0".to_owned(), ..typed("x", "H", "webdav") };
        let outage = crate::gocdb::Downtime { host_with_id: Some("h_9G0".to_owned()), ..outage };
        let ids = ola_groups(
            std::slice::from_ref(&with_id),
            &services,
            std::slice::from_ref(&outage),
            150,
        );
        assert_eq!(ids["H"], (3, 1));
    }

    fn render_text(options: &Options) -> String {
        let snapshot = Snapshot::parse(SAMPLE.as_bytes()).unwrap();
        String::from_utf8(render(&snapshot, options, None).body).unwrap()
    }

    /// Every family, as before issue #12 (all collectors on).
    fn all_families() -> Options {
        Options { collectors: Collectors::all(), ..Options::default() }
    }

    #[test]
    fn states_perfdata_and_escaping() {
        let text = render_text(&all_families());
        let has = |line: &str| assert!(text.lines().any(|l| l == line), "missing {line}\n{text}");
        has(r#"nagios_service_state{host="web\"01",service="disk \\ \"root\""} 2"#);
        has(
            r#"nagios_service_info{host="web\"01",service="disk \\ \"root\"",check_command="check_disk"} 1"#,
        );
        has(r#"nagios_perfdata_seconds{host="web\"01",label="rta"} 0.0005"#);
        has(r#"nagios_perfdata_ratio{host="web\"01",label="pl"} 0"#);
        has(
            r#"nagios_perfdata_threshold_ratio{host="web\"01",label="pl",level="critical",bound="upper",mode="outside"} 0.6"#,
        );
        has(
            r#"nagios_perfdata_bytes{host="web\"01",service="disk \\ \"root\"",label="/"} 10485760"#,
        );
        has(
            r#"nagios_perfdata_threshold_bytes{host="web\"01",service="disk \\ \"root\"",label="/",level="warning",bound="lower",mode="inside"} 5242880"#,
        );
        has(
            r#"nagios_perfdata_threshold_bytes{host="web\"01",service="disk \\ \"root\"",label="/",level="critical",bound="upper",mode="outside"} 9437184"#,
        );
        has(r#"nagios_perfdata_total{host="web\"01",service="disk \\ \"root\"",label="c"} 5"#);
        has(r#"nagios_perfdata{host="web\"01",service="disk \\ \"root\"",label="t",uom="degC"} 3"#);
        has(
            r#"nagios_perfdata_max_bytes{host="web\"01",service="disk \\ \"root\"",label="/"} 20971520"#,
        );
        // infinite lower bound of ~:9: no series; U: no sample; never the arguments
        assert!(
            !text.contains(r#"level="critical",bound="lower""#)
                || !text.contains("label=\"/\",level=\"critical\",bound=\"lower\"")
        );
        assert!(!text.contains("label=\"x\""));
        assert!(!text.contains("secret") && !text.contains("-w 20"));
        // every family has HELP and TYPE before its samples
        for family in catalogue::all() {
            if text.contains(&format!("\n{}{{", family.name)) {
                assert!(text.contains(&format!("# TYPE {} ", family.name)));
            }
        }
    }

    /// Issue #12: the default set is what alerting and convert's rules need; the rest is
    /// opt-in per collector.
    #[test]
    fn default_collectors() {
        let text = render_text(&Options::default());
        for family in [
            "nagios_service_state",
            "nagios_service_hard_state",
            "nagios_service_info",
            "nagios_host_state",
            "nagios_perfdata_seconds",
            "nagios_perfdata_bytes",
            "nagios_perfdata_total",
            "nagios_status_update_timestamp_seconds",
        ] {
            assert!(text.contains(&format!("# TYPE {family} ")), "{family} missing:\n{text}");
        }
        // What the rules nag2prom convert writes read (and alerting needs) is default.
        for object in ["host", "service"] {
            for suffix in [
                "state",
                "hard_state",
                "state_type",
                "acknowledged",
                "scheduled_downtime_depth",
                "last_check_timestamp_seconds",
                "info",
            ] {
                let family = format!("nagios_{object}_{suffix}");
                assert_eq!(collector_of(&family), Some(Collector::State), "{family}");
            }
        }
        assert!(Collectors::default().on(Collector::State));
        assert!(Collectors::default().on(Collector::Perfdata));
        for family in [
            "nagios_service_check_attempt",
            "nagios_service_check_latency_seconds",
            "nagios_service_notifications_enabled",
            "nagios_service_flapping",
            "nagios_service_last_state_change_timestamp_seconds",
            "nagios_perfdata_max_bytes",
            "nagios_perfdata_threshold_bytes",
            "nagios_perfdata_threshold_ratio",
        ] {
            assert!(!text.contains(&format!("# TYPE {family} ")), "{family} on by default");
        }
        let mut only = Options::default();
        only.collectors.set(Collector::PerfdataThresholds, true);
        only.collectors.set(Collector::Perfdata, false);
        let text = render_text(&only);
        assert!(text.contains("# TYPE nagios_perfdata_threshold_bytes "));
        assert!(!text.contains("# TYPE nagios_perfdata_bytes "));
        for family in catalogue::all() {
            let _ = collector_of(family.name);
        }
        assert_eq!(collector_of("nagios_perfdata_min_ratio"), Some(Collector::PerfdataBounds));
        assert_eq!(collector_of("nagios_host_check_attempt"), Some(Collector::Attempts));
        assert_eq!(collector_of("nagios_service_checked"), Some(Collector::Checked));
        assert!(!Collectors::default().on(Collector::Checked));
    }

    /// Issue #12, defect 8: names over the limit leave their object out (counted), and a
    /// perf data line of a million items is scanned, not parsed item by item.
    #[test]
    fn names_and_perfdata_are_bounded() {
        let long = "h".repeat(2000);
        let input = format!(
            "hoststatus {{\n\thost_name={long}\n\tcurrent_state=0\n\t}}\n\
             hoststatus {{\n\thost_name=ok\n\tcurrent_state=0\n\tcheck_command={long}\n\t}}\n\
             servicestatus {{\n\thost_name=ok\n\tservice_description={long}\n\tcurrent_state=0\n\t}}\n"
        );
        let snapshot = Snapshot::parse(input.as_bytes()).unwrap();
        let r = render(&snapshot, &Options::default(), None);
        assert_eq!(r.long_names, 2);
        let text = String::from_utf8(r.body).unwrap();
        assert!(!text.contains(&long));
        assert!(text.contains(&format!("check_command=\"{}\"", "h".repeat(1024))));

        let items: String = (0..1_000_000).map(|i| format!("'a {i}'={i}s;1;2 ")).collect();
        let (kept, rest) = cut_items(&items, 10);
        assert_eq!(rest, 999_990);
        assert_eq!(parse_perfdata(kept).items.len(), 10);
        assert_eq!(cut_items("a=1 b=2", 10), ("a=1 b=2", 0));
        assert_eq!(cut_items("  ", 0), ("  ", 0));
        let input = format!(
            "servicestatus {{\n\thost_name=h\n\tservice_description=s\n\tperformance_data={items}\n\t}}\n"
        );
        let snapshot = Snapshot::parse(input.as_bytes()).unwrap();
        let r = render(&snapshot, &Options::default(), None);
        assert_eq!(r.dropped.limit, 1_000_000 - 64);
    }

    #[test]
    fn duplicate_objects_are_exported_once() {
        let input = format!(
            "{SAMPLE}servicestatus {{\n\thost_name=web\"01\n\tservice_description=disk \\ \"root\"\n\tcurrent_state=1\n\t}}\n"
        );
        let mut bytes = input.into_bytes();
        bytes.extend_from_slice(
            b"servicestatus {\n\thost_name=h\n\tservice_description=a\xff\n\t}\n",
        );
        bytes.extend_from_slice(
            b"servicestatus {\n\thost_name=h\n\tservice_description=a\xfe\n\t}\n",
        );
        let snapshot = Snapshot::parse(&bytes).unwrap();
        let r = render(&snapshot, &Options::default(), None);
        assert_eq!(r.duplicate_objects, 2);
        let text = String::from_utf8(r.body).unwrap();
        assert_eq!(text.matches("\nnagios_service_info{").count(), 2);
    }

    #[test]
    fn perfdata_filters_and_limits() {
        let deny = Options {
            perfdata_deny: Some(regex::bytes::Regex::new("^check_disk$").unwrap()),
            ..Options::default()
        };
        let text = render_text(&deny);
        assert!(!text.contains("label=\"/\""));
        assert!(text.contains("label=\"rta\""));
        let cap = Options { perfdata_max_items: 1, ..Options::default() };
        let snapshot = Snapshot::parse(SAMPLE.as_bytes()).unwrap();
        let r = render(&snapshot, &cap, None);
        assert_eq!(r.dropped.limit, 1 + 4);
    }

    #[test]
    fn tail_has_up_and_series_counts() {
        let snapshot = Snapshot::parse(SAMPLE.as_bytes()).unwrap();
        let r = render(&snapshot, &Options::default(), None);
        let tail =
            String::from_utf8(render_tail(&Health { up: true, ..Health::default() }, Some(&r)))
                .unwrap();
        assert!(tail.contains("\nnagios_up 1\n") || tail.starts_with("# HELP nagios_up"));
        assert!(tail.contains("nag2prom_exposition_series{family=\"nagios_service_state\"} 1"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// status.dat is untrusted: any bytes, and any damage to a valid file, must give an
        /// error or a rendering, never a panic; a rendering is valid UTF-8 text.
        #[test]
        fn never_panics_on_any_input(
            junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            at in 0usize..400,
            cut in 0usize..400,
        ) {
            let mut damaged = SAMPLE.as_bytes().to_vec();
            let at = at.min(damaged.len());
            damaged.splice(at..at, junk.iter().copied());
            damaged.truncate(damaged.len().saturating_sub(cut));
            for input in [&junk[..], &damaged[..]] {
                if let Ok(snapshot) = Snapshot::parse(input) {
                    let r = render(&snapshot, &Options { plugin_output: Some(8), ..Options::default() }, None);
                    proptest::prop_assert!(std::str::from_utf8(&r.body).is_ok());
                    let tail = render_tail(&Health::default(), Some(&r));
                    proptest::prop_assert!(std::str::from_utf8(&tail).is_ok());
                }
            }
        }
    }
}
