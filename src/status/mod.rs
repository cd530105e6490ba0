//! The status snapshot: what one `status.dat` says about the program, every host and every
//! service, read in one pass and kept compactly for rendering.
//!
//! A [`Snapshot`] borrows every name, output and performance-data string from the file's bytes
//! (the bridge renders it and then drops both, keeping only the exposition), so building it
//! allocates two `Vec`s of small fixed-size records and nothing per field.
//!
//! A file is accepted only when it is whole and well formed: Nagios replaces `status.dat` by
//! renaming a finished temporary file, so a truncated file or a line that is not `key=value`
//! means something else wrote it or it was cut (disk full, copied mid-write). Such a file is a
//! [`SnapshotError`] and the caller keeps its last good snapshot. Values that do not parse
//! (a non-numeric `current_state`, …) only make that value absent; they are counted in
//! [`Snapshot::field_errors`].

use nag2prom_parsers::command::command_name_bytes;
use nag2prom_parsers::status::{
    Block, BlockKind, CheckStatus, Comment, Downtime, HostStatus, Info, ProgramStatus,
    ServiceStatus, StatusReader,
};

/// Why a `status.dat` was not accepted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SnapshotError {
    /// No block at all (empty file, or not a status file).
    #[error("no status blocks found (empty file or not a Nagios status.dat)")]
    Empty,
    /// The file does not end with a closed block: cut short or still being written.
    #[error("status.dat is truncated: its last block is not closed (half-written file?)")]
    Truncated,
    /// Lines that are not part of the status.dat grammar.
    #[error("status.dat is malformed: {count} error(s), first at byte {offset}: {first}")]
    Malformed {
        /// Number of structural errors.
        count: usize,
        /// Byte offset of the first.
        offset: usize,
        /// The first error's message.
        first: String,
    },
}

/// The state of one host or service, as the exposition needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectState<'a> {
    /// `host_name`.
    pub host: &'a [u8],
    /// `service_description` (empty for hosts).
    pub service: &'a [u8],
    /// The check command's NAME only (before the first `!`): arguments may hold secrets.
    pub check_command: &'a [u8],
    /// First line of the last plugin output.
    pub plugin_output: &'a [u8],
    /// Performance data, raw.
    pub perfdata: &'a [u8],
    /// `current_state`.
    pub current_state: Option<u8>,
    /// `last_hard_state`.
    pub last_hard_state: Option<u8>,
    /// `state_type`: 0 soft, 1 hard.
    pub state_type: Option<u8>,
    /// `current_attempt`.
    pub current_attempt: Option<u32>,
    /// `max_attempts`.
    pub max_attempts: Option<u32>,
    /// `scheduled_downtime_depth`.
    pub scheduled_downtime_depth: Option<u32>,
    /// `has_been_checked` (false = PENDING).
    pub checked: Option<bool>,
    /// `problem_has_been_acknowledged`.
    pub acknowledged: Option<bool>,
    /// `is_flapping`.
    pub flapping: Option<bool>,
    /// `notifications_enabled`.
    pub notifications_enabled: Option<bool>,
    /// `active_checks_enabled`.
    pub active_checks_enabled: Option<bool>,
    /// `last_check` (epoch seconds; 0 = never).
    pub last_check: Option<i64>,
    /// `last_state_change`.
    pub last_state_change: Option<i64>,
    /// `last_hard_state_change`.
    pub last_hard_state_change: Option<i64>,
    /// `check_latency` in seconds.
    pub check_latency: Option<f64>,
    /// `check_execution_time` in seconds.
    pub check_execution_time: Option<f64>,
}

impl<'a> ObjectState<'a> {
    fn new(host: &'a [u8], service: &'a [u8], c: &CheckStatus<'a>) -> Self {
        ObjectState {
            host,
            service,
            check_command: command_name_bytes(c.check_command.unwrap_or_default()),
            plugin_output: c.plugin_output.unwrap_or_default(),
            perfdata: c.performance_data.unwrap_or_default(),
            current_state: c.current_state,
            last_hard_state: c.last_hard_state,
            state_type: c.state_type,
            current_attempt: c.current_attempt,
            max_attempts: c.max_attempts,
            scheduled_downtime_depth: c.scheduled_downtime_depth,
            checked: c.has_been_checked,
            acknowledged: c.problem_has_been_acknowledged,
            flapping: c.is_flapping,
            notifications_enabled: c.notifications_enabled,
            active_checks_enabled: c.active_checks_enabled,
            last_check: c.last_check,
            last_state_change: c.last_state_change,
            last_hard_state_change: c.last_hard_state_change,
            check_latency: c.check_latency,
            check_execution_time: c.check_execution_time,
        }
    }
}

/// Counts of comments and downtimes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Annotations {
    /// `hostcomment` blocks.
    pub host_comments: u64,
    /// `servicecomment` blocks.
    pub service_comments: u64,
    /// `hostdowntime` blocks.
    pub host_downtimes: u64,
    /// `servicedowntime` blocks.
    pub service_downtimes: u64,
    /// `hostdowntime` blocks with `is_in_effect=1`.
    pub host_downtimes_in_effect: u64,
    /// `servicedowntime` blocks with `is_in_effect=1`.
    pub service_downtimes_in_effect: u64,
}

/// Everything one `status.dat` says, borrowed from its bytes.
#[derive(Debug, Clone, Default)]
pub struct Snapshot<'a> {
    /// The `info` block (`created` is when Nagios wrote the file).
    pub info: Info<'a>,
    /// The `programstatus` block.
    pub program: ProgramStatus<'a>,
    /// Every host, in file order.
    pub hosts: Vec<ObjectState<'a>>,
    /// Every service, in file order.
    pub services: Vec<ObjectState<'a>>,
    /// Comment and downtime counts.
    pub annotations: Annotations,
    /// Values that did not parse and blocks skipped for a missing name.
    pub field_errors: u64,
}

impl<'a> Snapshot<'a> {
    /// Read a whole `status.dat` (Nagios 4, Naemon, Icinga 1; Nagios 2/3 `host`/`service`
    /// blocks too). Never panics on any input.
    pub fn parse(input: &'a [u8]) -> Result<Snapshot<'a>, SnapshotError> {
        let mut ending = Ending::default();
        Snapshot::parse_part(input, Part::Whole, &mut ending).map(|(snapshot, _)| snapshot)
    }

    /// Read one part of a file (see [`Part`]); `ending` is updated to include it. Also says
    /// which single-instance blocks it met.
    fn parse_part(
        input: &'a [u8],
        part: Part,
        ending: &mut Ending,
    ) -> Result<(Snapshot<'a>, Seen), SnapshotError> {
        let mut seen = Seen::default();
        let mut snapshot = Snapshot::default();
        let mut reader = match part {
            Part::Whole | Part::First => StatusReader::new(input),
            // The initial state only matters for a part without a block or an error, whose
            // ending is left unknown below.
            Part::Later => StatusReader::continuing(input, true),
        };
        let mut block = Block::default();
        let mut field_errors = 0usize;
        while reader.next_into(&mut block) {
            match block.kind {
                BlockKind::HostStatus | BlockKind::Host => match HostStatus::from_block(&block) {
                    Ok(h) => {
                        field_errors += h.field_errors.len();
                        snapshot.hosts.push(ObjectState::new(h.host_name, b"", &h.check));
                    }
                    Err(_) => field_errors += 1,
                },
                BlockKind::ServiceStatus | BlockKind::Service => {
                    match ServiceStatus::from_block(&block) {
                        Ok(s) => {
                            field_errors += s.field_errors.len();
                            snapshot.services.push(ObjectState::new(
                                s.host_name,
                                s.service_description,
                                &s.check,
                            ));
                        }
                        Err(_) => field_errors += 1,
                    }
                }
                BlockKind::Info => {
                    seen.info = true;
                    if let Ok(info) = Info::from_block(&block) {
                        field_errors += info.field_errors.len();
                        snapshot.info = info;
                    }
                }
                BlockKind::ProgramStatus | BlockKind::Program => {
                    seen.program = true;
                    if let Ok(program) = ProgramStatus::from_block(&block) {
                        field_errors += program.field_errors.len();
                        snapshot.program = program;
                    }
                }
                BlockKind::HostComment | BlockKind::ServiceComment => {
                    if let Ok(c) = Comment::from_block(&block) {
                        let a = &mut snapshot.annotations;
                        if c.service_description.is_some() {
                            a.service_comments += 1;
                        } else {
                            a.host_comments += 1;
                        }
                    } else {
                        field_errors += 1;
                    }
                }
                BlockKind::HostDowntime | BlockKind::ServiceDowntime => {
                    if let Ok(d) = Downtime::from_block(&block) {
                        let a = &mut snapshot.annotations;
                        let in_effect = u64::from(d.is_in_effect == Some(true));
                        if d.service_description.is_some() {
                            a.service_downtimes += 1;
                            a.service_downtimes_in_effect += in_effect;
                        } else {
                            a.host_downtimes += 1;
                            a.host_downtimes_in_effect += in_effect;
                        }
                    } else {
                        field_errors += 1;
                    }
                }
                _ => {}
            }
        }
        let blocks = reader.blocks_read();
        let closed = reader.ends_closed();
        let errors = reader.into_errors();
        // Only a block or a line outside blocks (always an error or warning) decides how
        // the file ends so far.
        if blocks > 0 || !errors.is_empty() {
            ending.closed = Some(closed);
        }
        ending.blocks |= blocks > 0;
        let structural: Vec<_> = errors
            .iter()
            .filter(|e| e.kind.severity() == nag2prom_parsers::diagnostic::Severity::Error)
            .collect();
        // For a part, the whole file decides (`Loader::into_compact`).
        if part == Part::Whole && ending.truncated() {
            return Err(SnapshotError::Truncated);
        }
        if let Some(first) = structural.first() {
            return Err(SnapshotError::Malformed {
                count: structural.len(),
                offset: first.span.start,
                first: first.kind.to_string(),
            });
        }
        if blocks == 0 {
            return Err(SnapshotError::Empty);
        }
        snapshot.field_errors = field_errors as u64;
        Ok((snapshot, seen))
    }
}

/// Which part of a file a parse reads: parts but the file's end end right after a line
/// that closes a block (`nag2prom_parsers::status::last_block_end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The whole file.
    Whole,
    /// The file's beginning.
    First,
    /// A part that begins after the first.
    Later,
}

/// How the parts read so far end: whether they held a block, and whether the last block
/// was closed with only blank and comment lines after it (`None`: no part said yet).
#[derive(Debug, Default, Clone, Copy)]
struct Ending {
    blocks: bool,
    closed: Option<bool>,
}

impl Ending {
    /// The parts so far, if they end the file, are cut short.
    fn truncated(&self) -> bool {
        self.blocks && self.closed != Some(true)
    }

    /// This ending followed by `later`'s.
    fn then(self, later: Ending) -> Ending {
        Ending { blocks: self.blocks || later.blocks, closed: later.closed.or(self.closed) }
    }
}

/// Which single-instance blocks a part holds (of several, the file's last one counts).
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    info: bool,
    program: bool,
}

/// A [`Snapshot`] that owns its texts: the names, commands, outputs and performance data the
/// exposition uses, copied into one buffer, so that the file's bytes need not be kept (a
/// 120 MB status.dat holds ~10 MB of them). Built from a parsed snapshot
/// ([`Snapshot::compact`]) or a file read piece by piece ([`Loader`]); read back with
/// [`Compact::snapshot`].
#[derive(Debug, Default)]
pub struct Compact {
    text: Vec<u8>,
    /// Hosts, then services, with empty texts; their texts are at `spans`.
    hosts: Vec<ObjectState<'static>>,
    services: Vec<ObjectState<'static>>,
    /// Per host, then per service: host, service, command, output, perfdata.
    host_spans: Vec<Spans>,
    service_spans: Vec<Spans>,
    created: Option<i64>,
    version: Option<(u32, u32)>,
    program: ProgramStatus<'static>,
    seen: Seen,
    annotations: Annotations,
    field_errors: u64,
    keep_output: bool,
}

/// `(start, len)` in [`Compact::text`] of host, service, command, output and perfdata.
type Spans = [(u32, u32); 5];

impl Compact {
    /// An empty one; plugin output is kept only with `keep_output`.
    pub fn new(keep_output: bool) -> Compact {
        Compact { keep_output, ..Compact::default() }
    }

    fn push(&mut self, part: &[u8]) -> (u32, u32) {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.text.extend_from_slice(part);
        (start, u32::try_from(part.len()).unwrap_or(0))
    }

    fn get(&self, (start, len): (u32, u32)) -> &[u8] {
        let start = start as usize;
        self.text.get(start..start + len as usize).unwrap_or_default()
    }

    fn store(&mut self, o: &ObjectState<'_>) -> (Spans, ObjectState<'static>) {
        let output = if self.keep_output { o.plugin_output } else { b"" };
        let spans = [
            self.push(o.host),
            self.push(o.service),
            self.push(o.check_command),
            self.push(output),
            self.push(o.perfdata),
        ];
        let state = ObjectState {
            host: b"",
            service: b"",
            check_command: b"",
            plugin_output: b"",
            perfdata: b"",
            ..o.clone()
        };
        (spans, state)
    }

    /// Add what a parsed part holds, after what is already here.
    fn absorb(&mut self, snapshot: &Snapshot<'_>, seen: Seen) {
        let wanted: usize = snapshot
            .hosts
            .iter()
            .chain(&snapshot.services)
            .map(|o| {
                o.host.len()
                    + o.service.len()
                    + o.check_command.len()
                    + o.perfdata.len()
                    + if self.keep_output { o.plugin_output.len() } else { 0 }
            })
            .sum();
        self.text.reserve(wanted);
        self.hosts.reserve(snapshot.hosts.len());
        self.host_spans.reserve(snapshot.hosts.len());
        self.services.reserve(snapshot.services.len());
        self.service_spans.reserve(snapshot.services.len());
        for o in &snapshot.hosts {
            let (spans, state) = self.store(o);
            self.host_spans.push(spans);
            self.hosts.push(state);
        }
        for o in &snapshot.services {
            let (spans, state) = self.store(o);
            self.service_spans.push(spans);
            self.services.push(state);
        }
        if seen.info {
            self.created = snapshot.info.created;
            self.version = snapshot.info.version.map(|v| self.push(v));
        }
        if seen.program {
            let p = &snapshot.program;
            self.program = ProgramStatus {
                program_start: p.program_start,
                enable_notifications: p.enable_notifications,
                active_service_checks_enabled: p.active_service_checks_enabled,
                active_host_checks_enabled: p.active_host_checks_enabled,
                enable_flap_detection: p.enable_flap_detection,
                ..ProgramStatus::default()
            };
        }
        self.seen.info |= seen.info;
        self.seen.program |= seen.program;
        add_annotations(&mut self.annotations, snapshot.annotations);
        self.field_errors += snapshot.field_errors;
    }

    /// Add `later`, the compact form of the part of the file that follows this one.
    pub fn append(&mut self, later: Compact) {
        let shift = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        let moved = |spans: Spans| spans.map(|(start, len)| (start.saturating_add(shift), len));
        self.text.extend_from_slice(&later.text);
        self.hosts.extend(later.hosts);
        self.services.extend(later.services);
        self.host_spans.extend(later.host_spans.into_iter().map(moved));
        self.service_spans.extend(later.service_spans.into_iter().map(moved));
        if later.seen.info {
            self.created = later.created;
            self.version = later.version.map(|(start, len)| (start.saturating_add(shift), len));
        }
        if later.seen.program {
            self.program = later.program;
        }
        self.seen.info |= later.seen.info;
        self.seen.program |= later.seen.program;
        add_annotations(&mut self.annotations, later.annotations);
        self.field_errors += later.field_errors;
    }

    /// How many hosts and services it holds.
    pub fn objects(&self) -> usize {
        self.hosts.len() + self.services.len()
    }

    /// The snapshot, borrowing its texts from here.
    pub fn snapshot(&self) -> Snapshot<'_> {
        let full = |o: &ObjectState<'static>, spans: &Spans| {
            let [host, service, command, output, perfdata] = *spans;
            ObjectState {
                host: self.get(host),
                service: self.get(service),
                check_command: self.get(command),
                plugin_output: self.get(output),
                perfdata: self.get(perfdata),
                ..o.clone()
            }
        };
        Snapshot {
            info: Info {
                created: self.created,
                version: self.version.map(|v| self.get(v)),
                ..Info::default()
            },
            program: self.program.clone(),
            hosts: self.hosts.iter().zip(&self.host_spans).map(|(o, s)| full(o, s)).collect(),
            services: self
                .services
                .iter()
                .zip(&self.service_spans)
                .map(|(o, s)| full(o, s))
                .collect(),
            annotations: self.annotations,
            field_errors: self.field_errors,
        }
    }
}

fn add_annotations(a: &mut Annotations, b: Annotations) {
    a.host_comments += b.host_comments;
    a.service_comments += b.service_comments;
    a.host_downtimes += b.host_downtimes;
    a.service_downtimes += b.service_downtimes;
    a.host_downtimes_in_effect += b.host_downtimes_in_effect;
    a.service_downtimes_in_effect += b.service_downtimes_in_effect;
}

impl Snapshot<'_> {
    /// The texts the exposition uses, copied (plugin output only with `keep_output`).
    pub fn compact(&self, keep_output: bool) -> Compact {
        let mut compact = Compact::new(keep_output);
        compact.absorb(self, Seen { info: true, program: true });
        compact
    }
}

/// Reads a status.dat, or one region of it, piece by piece into a [`Compact`], never
/// holding more of the file than the piece at hand: [`Loader::feed`] parses the whole
/// blocks a buffer begins with, [`Loader::finish`] the file's end. A file read in regions
/// (each starting right after a line that closes a block, see
/// `nag2prom_parsers::status::first_block_end_after`) by several loaders and joined with
/// [`Loader::then`] gives what [`Snapshot::parse`] gives for the whole file, errors included
/// (at their offsets in the file).
#[derive(Debug)]
pub struct Loader {
    compact: Compact,
    /// Offset in the file of the next byte fed.
    offset: usize,
    /// Nothing has been parsed yet and the region is the file's beginning.
    at_start: bool,
    /// How the parts read so far end.
    ending: Ending,
    /// Some part was read without error (so it held a block).
    found: bool,
    /// Structural errors: how many, and the first one's file offset and message.
    malformed: Option<(usize, usize, String)>,
}

impl Loader {
    /// A loader for the region that begins at `offset` in the file (0: the beginning).
    pub fn new(offset: usize, keep_output: bool) -> Loader {
        Loader {
            compact: Compact::new(keep_output),
            offset,
            at_start: offset == 0,
            ending: Ending::default(),
            found: false,
            malformed: None,
        }
    }

    /// Parse the whole blocks at the beginning of `buf` (up to its last line that closes a
    /// block); returns how many bytes were used. The rest must be given again, followed by
    /// the next bytes.
    pub fn feed(&mut self, buf: &[u8]) -> usize {
        let Some(end) = nag2prom_parsers::status::last_block_end(buf) else {
            return 0;
        };
        let part = if self.at_start { Part::First } else { Part::Later };
        self.parse(buf.get(..end).unwrap_or_default(), part);
        end
    }

    /// Parse `rest`, the end of the region.
    pub fn finish(mut self, rest: &[u8]) -> Loader {
        if !rest.is_empty() {
            let part = if self.at_start { Part::First } else { Part::Later };
            self.parse(rest, part);
        }
        self
    }

    fn parse(&mut self, bytes: &[u8], part: Part) {
        self.at_start = false;
        match Snapshot::parse_part(bytes, part, &mut self.ending) {
            Ok((snapshot, seen)) => {
                self.found = true;
                self.compact.absorb(&snapshot, seen);
            }
            Err(SnapshotError::Empty | SnapshotError::Truncated) => {}
            Err(SnapshotError::Malformed { count, offset, first }) => {
                let offset = self.offset + offset;
                match &mut self.malformed {
                    Some((total, _, _)) => *total += count,
                    None => self.malformed = Some((count, offset, first)),
                }
            }
        }
        self.offset += bytes.len();
    }

    /// Join the loader of the region that follows this one.
    pub fn then(mut self, later: Loader) -> Loader {
        self.compact.append(later.compact);
        self.found |= later.found;
        self.ending = self.ending.then(later.ending);
        self.malformed = match (self.malformed, later.malformed) {
            (Some((a, offset, first)), Some((b, _, _))) => Some((a + b, offset, first)),
            (first, later) => first.or(later),
        };
        self.offset = later.offset;
        self
    }

    /// The file's snapshot, or why it is not accepted (as [`Snapshot::parse`] says).
    pub fn into_compact(self) -> Result<Compact, SnapshotError> {
        if self.ending.truncated() {
            return Err(SnapshotError::Truncated);
        }
        if let Some((count, offset, first)) = self.malformed {
            return Err(SnapshotError::Malformed { count, offset, first });
        }
        if !self.found {
            return Err(SnapshotError::Empty);
        }
        Ok(self.compact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "info {\n\tcreated=1700000000\n\tversion=4.4.6\n\t}\n\n\
        programstatus {\n\tprogram_start=1699990000\n\t}\n\n\
        hoststatus {\n\thost_name=web01\n\tcurrent_state=1\n\tlast_hard_state=1\n\tstate_type=1\n\t\
        check_command=check-host-alive!secret\n\t}\n\n\
        servicestatus {\n\thost_name=web01\n\tservice_description=HTTP\n\tcurrent_state=2\n\t\
        check_command=check_http!-a user:password\n\tperformance_data=time=0.5s;1;2;0\n\t\
        current_state=oops\n\t}\n\n\
        servicecomment {\n\thost_name=web01\n\tservice_description=HTTP\n\t}\n\n\
        hostdowntime {\n\thost_name=web01\n\tis_in_effect=1\n\t}\n";

    #[test]
    fn reads_hosts_services_and_annotations() {
        let s = Snapshot::parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(s.info.created, Some(1_700_000_000));
        assert_eq!(s.program.program_start, Some(1_699_990_000));
        assert_eq!(s.hosts.len(), 1);
        assert_eq!(s.hosts[0].current_state, Some(1));
        assert_eq!(s.hosts[0].check_command, b"check-host-alive");
        assert_eq!(s.services[0].service, b"HTTP");
        assert_eq!(s.services[0].check_command, b"check_http");
        // the later, unparsable current_state wins and is absent (Nagios: later line wins)
        assert_eq!(s.services[0].current_state, None);
        assert_eq!(s.field_errors, 1);
        assert_eq!(s.annotations.service_comments, 1);
        assert_eq!(s.annotations.host_downtimes_in_effect, 1);
    }

    #[test]
    fn truncated_and_malformed_files_are_rejected() {
        let cut = &SAMPLE.as_bytes()[..SAMPLE.len() - 4];
        assert_eq!(Snapshot::parse(cut).unwrap_err(), SnapshotError::Truncated);
        let junk = SAMPLE.replace("\tcurrent_state=1\n", "\tgarbage line\n");
        assert!(matches!(
            Snapshot::parse(junk.as_bytes()).unwrap_err(),
            SnapshotError::Malformed { count: 1, .. }
        ));
        assert_eq!(Snapshot::parse(b"").unwrap_err(), SnapshotError::Empty);
        assert!(Snapshot::parse(b"\xff\xfe\x00garbage").is_err());
    }

    #[test]
    fn compact_snapshot_equals_the_original() {
        let bytes = SAMPLE.as_bytes().to_vec();
        let s = Snapshot::parse(&bytes).unwrap();
        let compact = s.compact(true);
        let r = compact.snapshot();
        assert_eq!(r.hosts, s.hosts);
        assert_eq!(r.services, s.services);
        assert_eq!(r.info.version, s.info.version);
        assert_eq!(r.program.program_start, s.program.program_start);
        assert_eq!(r.annotations, s.annotations);
        assert_eq!(r.field_errors, s.field_errors);
        let without_output = s.compact(false);
        assert_eq!(without_output.snapshot().services[0].plugin_output, b"");
    }

    /// What [`Snapshot::parse`] makes of `input`, in the form a [`Loader`] gives.
    fn whole(input: &[u8]) -> Result<String, SnapshotError> {
        Snapshot::parse(input).map(|s| format!("{:?}", s.compact(true).snapshot()))
    }

    /// `input` read as the bridge reads it: in `regions` regions (split right after a line
    /// that closes a block), each fed in pieces of `piece` bytes.
    fn pieces(input: &[u8], regions: usize, piece: usize) -> Result<String, SnapshotError> {
        let mut starts = vec![0];
        for r in 1..regions {
            let from = input.len() * r / regions;
            match nag2prom_parsers::status::first_block_end_after(input, from) {
                Some(at) if at > *starts.last().unwrap() && at < input.len() => starts.push(at),
                _ => {}
            }
        }
        let mut joined: Option<Loader> = None;
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(input.len());
            let mut loader = Loader::new(start, true);
            let mut pending = start;
            let mut filled = start;
            while filled < end {
                filled = (filled + piece).min(end);
                pending += loader.feed(&input[pending..filled]);
            }
            let loader = loader.finish(&input[pending..end]);
            joined = Some(match joined {
                None => loader,
                Some(j) => j.then(loader),
            });
        }
        joined.unwrap().into_compact().map(|c| format!("{:?}", c.snapshot()))
    }

    /// Read in regions and pieces, a file gives what one pass gives: the same snapshot, or
    /// the same error at the same offset, on the sample, broken variants of it and every
    /// status file of the corpus.
    #[test]
    fn pieces_read_as_the_whole() {
        let many = SAMPLE.repeat(5);
        let info_late = format!("{many}info {{\n\tcreated=1800000000\n\tversion=9\n\t}}\n");
        let junk = SAMPLE.replace("\tcurrent_state=1\n", "\tgarbage line\n");
        let mut inputs: Vec<Vec<u8>> = vec![
            many.clone().into_bytes(),
            info_late.into_bytes(),
            format!("{many}{junk}{many}").into_bytes(),
            format!("{many}}}\n{many}").into_bytes(),
            format!("{many}[1700000000] HOST;x\n").into_bytes(),
            many.as_bytes()[..many.len() - 3].to_vec(),
            format!("{many}hoststatus {{\n\thost_name=x\n").into_bytes(),
            format!("# header\n\n{many}\n# trailer\n").into_bytes(),
            b"".to_vec(),
            b"\n\n# only a comment\n".to_vec(),
            b"a {\n}\n".to_vec(),
            b"a {\nb {\n}\n}\n".to_vec(),
            b"[1700000000] PROGRAM;x\n".to_vec(),
            b"}\n".repeat(50),
            format!("{}{many}", "}\n".repeat(50)).into_bytes(),
        ];
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let mut dirs = vec![corpus.clone()];
        let mut files = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("status"))
                    && let Ok(bytes) = std::fs::read(&path)
                {
                    inputs.push(bytes);
                    files += 1;
                }
            }
        }
        if std::env::var_os("NAG2PROM_REQUIRE_SHARED").is_some() {
            assert!(files > 0, "no status files under {}", corpus.display());
        }
        for (i, input) in inputs.iter().enumerate() {
            let want = whole(input);
            for (regions, piece) in [(1, 1 << 20), (1, 7), (2, 64), (3, 1), (2, 1 << 20)] {
                let got = pieces(input, regions, piece);
                assert!(
                    got == want,
                    "input {i}, {regions} regions, {piece}-byte pieces of {:.100}: {:.300} != {:.300}",
                    String::from_utf8_lossy(input),
                    format!("{got:?}"),
                    format!("{want:?}")
                );
            }
        }
    }

    #[test]
    fn command_name_never_includes_arguments() {
        assert_eq!(command_name_bytes(b"check_http!-a user:pass"), b"check_http");
        assert_eq!(command_name_bytes(b"check_ping"), b"check_ping");
        assert_eq!(command_name_bytes(b"!x"), b"");
    }
}
