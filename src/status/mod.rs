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
        let mut snapshot = Snapshot::default();
        let mut reader = StatusReader::new(input);
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
                    if let Ok(info) = Info::from_block(&block) {
                        field_errors += info.field_errors.len();
                        snapshot.info = info;
                    }
                }
                BlockKind::ProgramStatus | BlockKind::Program => {
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
        let complete = reader.is_complete();
        let errors = reader.into_errors();
        let structural: Vec<_> = errors
            .iter()
            .filter(|e| e.kind.severity() == nag2prom_parsers::diagnostic::Severity::Error)
            .collect();
        if blocks > 0 && !complete {
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
        Ok(snapshot)
    }
}

/// The texts of a [`Snapshot`] that the exposition uses, copied into one buffer so that the
/// file's bytes can be freed before rendering (a 120 MB status.dat holds ~10 MB of names and
/// performance data). See [`Snapshot::compact`].
#[derive(Debug, Default)]
pub struct TextArena {
    text: Vec<u8>,
    /// Per object (hosts, then services): host, service, command, output, perfdata.
    spans: Vec<[(u32, u32); 5]>,
    version: (u32, u32),
}

impl TextArena {
    fn push(&mut self, part: &[u8]) -> (u32, u32) {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.text.extend_from_slice(part);
        (start, u32::try_from(part.len()).unwrap_or(0))
    }

    fn get(&self, (start, len): (u32, u32)) -> &[u8] {
        let start = start as usize;
        self.text.get(start..start + len as usize).unwrap_or_default()
    }
}

impl<'a> Snapshot<'a> {
    /// Copy the texts the exposition uses into a [`TextArena`]; `keep_output` keeps plugin
    /// output too (only needed for `--export.plugin-output`). Then [`Snapshot::rebased`].
    pub fn compact(&self, keep_output: bool) -> TextArena {
        let objects = self.hosts.len() + self.services.len();
        let mut arena = TextArena { spans: Vec::with_capacity(objects), ..TextArena::default() };
        let wanted: usize = self
            .hosts
            .iter()
            .chain(&self.services)
            .map(|o| {
                o.host.len()
                    + o.service.len()
                    + o.check_command.len()
                    + o.perfdata.len()
                    + if keep_output { o.plugin_output.len() } else { 0 }
            })
            .sum();
        arena.text.reserve_exact(wanted + 64);
        arena.version = arena.push(self.info.version.unwrap_or_default());
        for o in self.hosts.iter().chain(&self.services) {
            let output = if keep_output { o.plugin_output } else { b"" };
            let spans = [
                arena.push(o.host),
                arena.push(o.service),
                arena.push(o.check_command),
                arena.push(output),
                arena.push(o.perfdata),
            ];
            arena.spans.push(spans);
        }
        arena
    }

    /// The same snapshot with every text in `arena` (made by [`Snapshot::compact`] from this
    /// snapshot) instead of the file's bytes. Keeps what the exposition uses: `info.created`,
    /// `info.version`, `programstatus.program_start` and the global switches, objects and
    /// annotations.
    pub fn rebased<'b>(&self, arena: &'b TextArena) -> Snapshot<'b> {
        let rebase = |o: &ObjectState<'a>, spans: Option<&[(u32, u32); 5]>| {
            let [host, service, command, output, perfdata] = spans.copied().unwrap_or_default();
            ObjectState {
                host: arena.get(host),
                service: arena.get(service),
                check_command: arena.get(command),
                plugin_output: arena.get(output),
                perfdata: arena.get(perfdata),
                current_state: o.current_state,
                last_hard_state: o.last_hard_state,
                state_type: o.state_type,
                current_attempt: o.current_attempt,
                max_attempts: o.max_attempts,
                scheduled_downtime_depth: o.scheduled_downtime_depth,
                checked: o.checked,
                acknowledged: o.acknowledged,
                flapping: o.flapping,
                notifications_enabled: o.notifications_enabled,
                active_checks_enabled: o.active_checks_enabled,
                last_check: o.last_check,
                last_state_change: o.last_state_change,
                last_hard_state_change: o.last_hard_state_change,
                check_latency: o.check_latency,
                check_execution_time: o.check_execution_time,
            }
        };
        let mut spans = arena.spans.iter();
        let hosts = self.hosts.iter().map(|o| rebase(o, spans.next())).collect();
        let services = self.services.iter().map(|o| rebase(o, spans.next())).collect();
        Snapshot {
            info: Info {
                created: self.info.created,
                version: self.info.version.map(|_| arena.get(arena.version)),
                ..Info::default()
            },
            program: ProgramStatus {
                program_start: self.program.program_start,
                enable_notifications: self.program.enable_notifications,
                active_service_checks_enabled: self.program.active_service_checks_enabled,
                active_host_checks_enabled: self.program.active_host_checks_enabled,
                enable_flap_detection: self.program.enable_flap_detection,
                ..ProgramStatus::default()
            },
            hosts,
            services,
            annotations: self.annotations,
            field_errors: self.field_errors,
        }
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
    fn rebased_snapshot_equals_the_original() {
        let bytes = SAMPLE.as_bytes().to_vec();
        let s = Snapshot::parse(&bytes).unwrap();
        let arena = s.compact(true);
        let r = s.rebased(&arena);
        assert_eq!(r.hosts, s.hosts);
        assert_eq!(r.services, s.services);
        assert_eq!(r.info.version, s.info.version);
        assert_eq!(r.program.program_start, s.program.program_start);
        let without_output = s.compact(false);
        assert_eq!(s.rebased(&without_output).services[0].plugin_output, b"");
    }

    #[test]
    fn command_name_never_includes_arguments() {
        assert_eq!(command_name_bytes(b"check_http!-a user:pass"), b"check_http");
        assert_eq!(command_name_bytes(b"check_ping"), b"check_ping");
        assert_eq!(command_name_bytes(b"!x"), b"");
    }
}
