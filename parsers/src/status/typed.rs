//! Typed views of status and retention blocks (§14 S5–S8): each is built in one pass over the
//! block's fields, borrows its text from the input, and treats an unparsable number as absent
//! (recording an error in its `field_errors`).

use std::borrow::Cow;

use memchr::memchr;

use super::{Block, BlockKind, StatusError, StatusErrorKind, lossy_string};

/// Reads typed values out of one block, collecting the problems.
struct Fields<'b, 'a> {
    block: &'b Block<'a>,
    errors: Vec<StatusError>,
}

impl<'a> Fields<'_, 'a> {
    fn invalid(&mut self, key: &[u8], value: &[u8], expected: &'static str) {
        let kind = StatusErrorKind::InvalidNumber {
            key: lossy_string(key),
            value: lossy_string(value),
            expected,
        };
        self.errors.push(StatusError::new(kind, self.block.span_of(value)));
    }

    fn int<T: TryFrom<i64>>(&mut self, key: &[u8], value: &[u8]) -> Option<T> {
        let parsed = parse_i64(value).and_then(|n| T::try_from(n).ok());
        if parsed.is_none() {
            self.invalid(key, value, "integer");
        }
        parsed
    }

    fn float(&mut self, key: &[u8], value: &[u8]) -> Option<f64> {
        let parsed = parse_f64(value);
        if parsed.is_none() {
            self.invalid(key, value, "number");
        }
        parsed
    }

    /// A 0/1 switch, read as Nagios does (`atoi(value) > 0`, but the value must be an integer).
    fn flag(&mut self, key: &[u8], value: &[u8]) -> Option<bool> {
        let parsed = parse_i64(value).map(|n| n > 0);
        if parsed.is_none() {
            self.invalid(key, value, "0/1 flag");
        }
        parsed
    }

    /// `_NAME=<modified>;<value>` (§14 S5).
    fn custom(&mut self, key: &'a [u8], value: &'a [u8]) -> Option<CustomVariable<'a>> {
        let name = key.get(1..).unwrap_or_default();
        let split = memchr(b';', value).and_then(|i| {
            let (modified, rest) = value.split_at_checked(i)?;
            Some((parse_i64(modified)?, rest.get(1..).unwrap_or_default()))
        });
        match split {
            Some((modified, value)) => Some(CustomVariable { name, modified: modified > 0, value }),
            None => {
                let kind = StatusErrorKind::InvalidCustomVariable(lossy_string(key));
                self.errors.push(StatusError::new(kind, self.block.span_of(value)));
                None
            }
        }
    }

    fn missing(&mut self, key: &'static str) -> StatusError {
        let kind = StatusErrorKind::MissingKey { block: self.block.kind.to_string(), key };
        StatusError::new(kind, self.block.span)
    }
}

fn is_custom(key: &[u8]) -> bool {
    key.len() > 1 && key.first() == Some(&b'_')
}

/// A decimal integer with an optional sign, nothing else.
fn parse_i64(bytes: &[u8]) -> Option<i64> {
    let bytes = crate::text::strip(bytes);
    let (negative, digits) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_sub(i64::from(d))?;
    }
    if negative { Some(n) } else { n.checked_neg() }
}

/// Exact powers of ten for the fast float path.
const POW10: [f64; 16] =
    [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// A decimal number as Nagios prints it (`%f`, `%.3f`, `%.2f`); anything else `str::parse`
/// accepts is taken too. The fast path (≤ 15 digits) is exact: an integer below 2^53 divided
/// by an exact power of ten is correctly rounded.
fn parse_f64(bytes: &[u8]) -> Option<f64> {
    let bytes = crate::text::strip(bytes);
    let (negative, digits) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, bytes),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut frac: Option<usize> = None;
    let mut fast = !digits.is_empty() && digits.len() <= 16;
    if fast {
        for &b in digits {
            match b {
                b'0'..=b'9' => {
                    mantissa = mantissa * 10 + u64::from(b - b'0');
                    count += 1;
                    if let Some(f) = frac.as_mut() {
                        *f += 1;
                    }
                }
                b'.' if frac.is_none() => frac = Some(0),
                _ => {
                    fast = false;
                    break;
                }
            }
        }
    }
    if fast && count > 0 && count <= 15 {
        let scale = POW10.get(frac.unwrap_or(0)).copied()?;
        let value = mantissa as f64 / scale;
        return Some(if negative { -value } else { value });
    }
    std::str::from_utf8(bytes).ok()?.parse::<f64>().ok()
}

/// Undo the escaping of `long_plugin_output` (§14 S4): `\n` becomes a newline, `\\` a
/// backslash; like Nagios' `unescape_newlines`, a backslash before any other byte is dropped
/// and the byte kept. Borrowed when there is nothing to undo.
pub fn unescape_long_output(raw: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = memchr(b'\\', raw) else {
        return Cow::Borrowed(raw);
    };
    let mut out = Vec::with_capacity(raw.len());
    out.extend_from_slice(raw.get(..first).unwrap_or_default());
    let mut bytes = raw.get(first..).unwrap_or_default().iter();
    while let Some(&b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b'n') => out.push(b'\n'),
            Some(&other) => out.push(other),
            None => out.push(b'\\'),
        }
    }
    Cow::Owned(out)
}

/// A custom variable of a host, service or contact: `_NAME=<modified>;<value>` (§14 S5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomVariable<'a> {
    /// The name without the leading `_` (upper-cased by Nagios).
    pub name: &'a [u8],
    /// True when changed at run time (`CHANGE_CUSTOM_*_VAR`).
    pub modified: bool,
    /// The value (everything after the first `;`).
    pub value: &'a [u8],
}

/// The check state shared by hosts and services (`hoststatus`/`servicestatus`, retention
/// `host`/`service`). Every field is `None` when its key is absent or unparsable. State codes
/// (§14 S6): hosts 0 UP, 1 DOWN, 2 UNREACHABLE; services 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckStatus<'a> {
    /// Bitmask of attributes changed at run time (§14 S6).
    pub modified_attributes: Option<u64>,
    /// `check_command`, raw (`name!arg1!arg2`).
    pub check_command: Option<&'a [u8]>,
    /// `check_period` timeperiod name.
    pub check_period: Option<&'a [u8]>,
    /// `notification_period` timeperiod name.
    pub notification_period: Option<&'a [u8]>,
    /// `importance` (Nagios 4.4 `hourly_value`).
    pub importance: Option<i64>,
    /// `check_interval` in interval units (Nagios 2 retention: `normal_check_interval`).
    pub check_interval: Option<f64>,
    /// `retry_interval` in interval units (Nagios 2 retention: `retry_check_interval`).
    pub retry_interval: Option<f64>,
    /// False while never checked (PENDING).
    pub has_been_checked: Option<bool>,
    /// False when no active check will be scheduled.
    pub should_be_scheduled: Option<bool>,
    /// Seconds the last check ran.
    pub check_execution_time: Option<f64>,
    /// Seconds between the scheduled and the actual start of the last check.
    pub check_latency: Option<f64>,
    /// 0 active, 1 passive.
    pub check_type: Option<u8>,
    /// Current state code.
    pub current_state: Option<u8>,
    /// `last_state` (retention files only).
    pub last_state: Option<u8>,
    /// Last HARD state code.
    pub last_hard_state: Option<u8>,
    /// Non-zero while a problem lasts.
    pub current_problem_id: Option<u64>,
    /// The previous problem's id.
    pub last_problem_id: Option<u64>,
    /// First line of the last output (raw; `;` already replaced by `:` by Nagios).
    pub plugin_output: Option<&'a [u8]>,
    /// Lines 2..n of the last output, still escaped; see [`CheckStatus::long_output`].
    pub long_plugin_output: Option<&'a [u8]>,
    /// Performance data, raw.
    pub performance_data: Option<&'a [u8]>,
    /// Epoch of the last check (0 = never).
    pub last_check: Option<i64>,
    /// Epoch of the next scheduled check (0 = none).
    pub next_check: Option<i64>,
    /// Check option bits (1 force, 2 freshness, 4 orphan).
    pub check_options: Option<u32>,
    /// Current attempt, of `max_attempts`.
    pub current_attempt: Option<u32>,
    /// Attempts before a HARD state.
    pub max_attempts: Option<u32>,
    /// 0 SOFT, 1 HARD.
    pub state_type: Option<u8>,
    /// Epoch of the last state change.
    pub last_state_change: Option<i64>,
    /// Epoch of the last HARD state change ("in this state since").
    pub last_hard_state_change: Option<i64>,
    /// `last_time_<state>` indexed by state code: hosts up/down/unreachable, services
    /// ok/warning/critical/unknown.
    pub last_time_in_state: [Option<i64>; 4],
    /// Epoch of the last notification.
    pub last_notification: Option<i64>,
    /// Epoch of the next notification.
    pub next_notification: Option<i64>,
    /// Notifications sent for the current problem.
    pub current_notification_number: Option<u32>,
    /// Runtime notification switch.
    pub notifications_enabled: Option<bool>,
    /// Runtime active-check switch.
    pub active_checks_enabled: Option<bool>,
    /// Runtime passive-check switch.
    pub passive_checks_enabled: Option<bool>,
    /// Runtime event handler switch.
    pub event_handler_enabled: Option<bool>,
    /// Runtime flap detection switch.
    pub flap_detection_enabled: Option<bool>,
    /// True when the current problem is acknowledged.
    pub problem_has_been_acknowledged: Option<bool>,
    /// 0 none, 1 normal, 2 sticky.
    pub acknowledgement_type: Option<u8>,
    /// Epoch this block was written.
    pub last_update: Option<i64>,
    /// True while flapping.
    pub is_flapping: Option<bool>,
    /// Flap metric, 0–100.
    pub percent_state_change: Option<f64>,
    /// Number of active downtimes covering the object (> 0 = in downtime).
    pub scheduled_downtime_depth: Option<u32>,
    /// Custom variables in file order.
    pub custom_variables: Vec<CustomVariable<'a>>,
}

impl<'a> CheckStatus<'a> {
    /// Read one field; false when the key is not a check-state key.
    #[inline]
    fn apply(&mut self, f: &mut Fields<'_, 'a>, key: &'a [u8], value: &'a [u8]) -> bool {
        match key {
            b"modified_attributes" => self.modified_attributes = f.int(key, value),
            b"check_command" => self.check_command = Some(value),
            b"check_period" => self.check_period = Some(value),
            b"notification_period" => self.notification_period = Some(value),
            b"importance" => self.importance = f.int(key, value),
            b"check_interval" | b"normal_check_interval" => {
                self.check_interval = f.float(key, value)
            }
            b"retry_interval" | b"retry_check_interval" => {
                self.retry_interval = f.float(key, value)
            }
            b"has_been_checked" => self.has_been_checked = f.flag(key, value),
            b"should_be_scheduled" => self.should_be_scheduled = f.flag(key, value),
            b"check_execution_time" => self.check_execution_time = f.float(key, value),
            b"check_latency" => self.check_latency = f.float(key, value),
            b"check_type" => self.check_type = f.int(key, value),
            b"current_state" => self.current_state = f.int(key, value),
            b"last_state" => self.last_state = f.int(key, value),
            b"last_hard_state" => self.last_hard_state = f.int(key, value),
            b"current_problem_id" => self.current_problem_id = f.int(key, value),
            b"last_problem_id" => self.last_problem_id = f.int(key, value),
            b"plugin_output" => self.plugin_output = Some(value),
            b"long_plugin_output" => self.long_plugin_output = Some(value),
            b"performance_data" => self.performance_data = Some(value),
            b"last_check" => self.last_check = f.int(key, value),
            b"next_check" => self.next_check = f.int(key, value),
            b"check_options" => self.check_options = f.int(key, value),
            b"current_attempt" => self.current_attempt = f.int(key, value),
            b"max_attempts" => self.max_attempts = f.int(key, value),
            b"state_type" => self.state_type = f.int(key, value),
            b"last_state_change" => self.last_state_change = f.int(key, value),
            b"last_hard_state_change" => self.last_hard_state_change = f.int(key, value),
            b"last_time_ok" | b"last_time_up" => self.last_time_in_state[0] = f.int(key, value),
            b"last_time_warning" | b"last_time_down" => {
                self.last_time_in_state[1] = f.int(key, value)
            }
            b"last_time_critical" | b"last_time_unreachable" => {
                self.last_time_in_state[2] = f.int(key, value)
            }
            b"last_time_unknown" => self.last_time_in_state[3] = f.int(key, value),
            b"last_notification" => self.last_notification = f.int(key, value),
            b"next_notification" => self.next_notification = f.int(key, value),
            b"current_notification_number" => self.current_notification_number = f.int(key, value),
            b"notifications_enabled" => self.notifications_enabled = f.flag(key, value),
            b"active_checks_enabled" => self.active_checks_enabled = f.flag(key, value),
            b"passive_checks_enabled" => self.passive_checks_enabled = f.flag(key, value),
            b"event_handler_enabled" => self.event_handler_enabled = f.flag(key, value),
            b"flap_detection_enabled" => self.flap_detection_enabled = f.flag(key, value),
            b"problem_has_been_acknowledged" => {
                self.problem_has_been_acknowledged = f.flag(key, value)
            }
            b"acknowledgement_type" => self.acknowledgement_type = f.int(key, value),
            b"last_update" => self.last_update = f.int(key, value),
            b"is_flapping" => self.is_flapping = f.flag(key, value),
            b"percent_state_change" => self.percent_state_change = f.float(key, value),
            b"scheduled_downtime_depth" => self.scheduled_downtime_depth = f.int(key, value),
            _ if is_custom(key) => {
                if let Some(var) = f.custom(key, value) {
                    self.custom_variables.push(var);
                }
            }
            _ => return false,
        }
        true
    }

    /// `long_plugin_output` unescaped (`\n` → newline, `\\` → backslash).
    pub fn long_output(&self) -> Option<Cow<'a, [u8]>> {
        self.long_plugin_output.map(unescape_long_output)
    }

    /// `long_plugin_output` unescaped and decoded as text (lossily when not UTF-8).
    pub fn long_output_text(&self) -> Option<String> {
        self.long_output().map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The custom variable `name` (without `_`), if present.
    pub fn custom_variable(&self, name: impl AsRef<[u8]>) -> Option<&CustomVariable<'a>> {
        let name = name.as_ref();
        self.custom_variables.iter().rev().find(|v| v.name == name)
    }

    /// `last_time_<state>` for a state code (0–3).
    pub fn last_time_in(&self, state: u8) -> Option<i64> {
        self.last_time_in_state.get(usize::from(state)).copied().flatten()
    }
}

/// A `hoststatus` block (or a retention / Nagios 2 `host` block).
#[derive(Debug, Clone, PartialEq)]
pub struct HostStatus<'a> {
    /// `host_name` (required).
    pub host_name: &'a [u8],
    /// The check state.
    pub check: CheckStatus<'a>,
    /// Values that did not parse (each treated as absent).
    pub field_errors: Vec<StatusError>,
}

impl<'a> HostStatus<'a> {
    /// Read the block's fields in one pass; fails only without `host_name`. Does not check the
    /// block kind.
    pub fn from_block(block: &Block<'a>) -> Result<Self, StatusError> {
        let mut f = Fields { block, errors: Vec::new() };
        let mut host_name = None;
        let mut check = CheckStatus::default();
        for &(key, value) in &block.fields {
            if !check.apply(&mut f, key, value) && key == b"host_name" {
                host_name = Some(value);
            }
        }
        let host_name = host_name.ok_or_else(|| f.missing("host_name"))?;
        Ok(HostStatus { host_name, check, field_errors: f.errors })
    }

    /// The host name as text.
    pub fn host_name_str(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.host_name)
    }
}

/// A `servicestatus` block (or a retention / Nagios 2 `service` block).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceStatus<'a> {
    /// `host_name` (required).
    pub host_name: &'a [u8],
    /// `service_description` (required).
    pub service_description: &'a [u8],
    /// The check state.
    pub check: CheckStatus<'a>,
    /// Values that did not parse (each treated as absent).
    pub field_errors: Vec<StatusError>,
}

impl<'a> ServiceStatus<'a> {
    /// Read the block's fields in one pass; fails only without `host_name` or
    /// `service_description`. Does not check the block kind.
    pub fn from_block(block: &Block<'a>) -> Result<Self, StatusError> {
        let mut f = Fields { block, errors: Vec::new() };
        let (mut host_name, mut service_description) = (None, None);
        let mut check = CheckStatus::default();
        for &(key, value) in &block.fields {
            if !check.apply(&mut f, key, value) {
                match key {
                    b"host_name" => host_name = Some(value),
                    b"service_description" => service_description = Some(value),
                    _ => {}
                }
            }
        }
        let host_name = host_name.ok_or_else(|| f.missing("host_name"))?;
        let service_description =
            service_description.ok_or_else(|| f.missing("service_description"))?;
        Ok(ServiceStatus { host_name, service_description, check, field_errors: f.errors })
    }

    /// The host name as text.
    pub fn host_name_str(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.host_name)
    }

    /// The service description as text.
    pub fn service_description_str(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.service_description)
    }
}

/// The `info` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Info<'a> {
    /// Epoch the file was written.
    pub created: Option<i64>,
    /// Nagios version (`4.4.6`).
    pub version: Option<&'a [u8]>,
    /// Epoch of the last update check.
    pub last_update_check: Option<i64>,
    /// True when a newer version is available.
    pub update_available: Option<bool>,
    /// `last_version`.
    pub last_version: Option<&'a [u8]>,
    /// `new_version`.
    pub new_version: Option<&'a [u8]>,
    /// Values that did not parse (each treated as absent).
    pub field_errors: Vec<StatusError>,
}

impl<'a> Info<'a> {
    /// Read the block's fields in one pass (nothing is required).
    pub fn from_block(block: &Block<'a>) -> Result<Self, StatusError> {
        let mut f = Fields { block, errors: Vec::new() };
        let mut info = Info::default();
        for &(key, value) in &block.fields {
            match key {
                b"created" => info.created = f.int(key, value),
                b"version" => info.version = Some(value),
                b"last_update_check" => info.last_update_check = f.int(key, value),
                b"update_available" => info.update_available = f.flag(key, value),
                b"last_version" => info.last_version = Some(value),
                b"new_version" => info.new_version = Some(value),
                _ => {}
            }
        }
        info.field_errors = f.errors;
        Ok(info)
    }
}

/// The `programstatus` block (retention: `program`): the daemon and its global switches, which
/// override every object's own switch when off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgramStatus<'a> {
    /// Host attributes changed at run time (bitmask).
    pub modified_host_attributes: Option<u64>,
    /// Service attributes changed at run time (bitmask).
    pub modified_service_attributes: Option<u64>,
    /// Process id of the daemon.
    pub nagios_pid: Option<i64>,
    /// True when running as a daemon.
    pub daemon_mode: Option<bool>,
    /// Epoch the daemon started.
    pub program_start: Option<i64>,
    /// Epoch of the last log rotation.
    pub last_log_rotation: Option<i64>,
    /// Epoch of the last external command check (Nagios 3).
    pub last_command_check: Option<i64>,
    /// Global notification switch.
    pub enable_notifications: Option<bool>,
    /// Global active service check switch.
    pub active_service_checks_enabled: Option<bool>,
    /// Global passive service check switch.
    pub passive_service_checks_enabled: Option<bool>,
    /// Global active host check switch.
    pub active_host_checks_enabled: Option<bool>,
    /// Global passive host check switch.
    pub passive_host_checks_enabled: Option<bool>,
    /// Global event handler switch.
    pub enable_event_handlers: Option<bool>,
    /// Obsess over services.
    pub obsess_over_services: Option<bool>,
    /// Obsess over hosts.
    pub obsess_over_hosts: Option<bool>,
    /// Service freshness checking.
    pub check_service_freshness: Option<bool>,
    /// Host freshness checking.
    pub check_host_freshness: Option<bool>,
    /// Global flap detection switch.
    pub enable_flap_detection: Option<bool>,
    /// Global performance data processing switch.
    pub process_performance_data: Option<bool>,
    /// Global host event handler command.
    pub global_host_event_handler: Option<&'a [u8]>,
    /// Global service event handler command.
    pub global_service_event_handler: Option<&'a [u8]>,
    /// Next comment id.
    pub next_comment_id: Option<u64>,
    /// Next downtime id.
    pub next_downtime_id: Option<u64>,
    /// Next event id.
    pub next_event_id: Option<u64>,
    /// Next problem id.
    pub next_problem_id: Option<u64>,
    /// Next notification id.
    pub next_notification_id: Option<u64>,
    /// Values that did not parse (each treated as absent).
    pub field_errors: Vec<StatusError>,
}

impl<'a> ProgramStatus<'a> {
    /// Read the block's fields in one pass (nothing is required). The `*_check_stats`
    /// triples are left to [`Block::get`].
    pub fn from_block(block: &Block<'a>) -> Result<Self, StatusError> {
        let mut f = Fields { block, errors: Vec::new() };
        let mut p = ProgramStatus::default();
        for &(key, value) in &block.fields {
            match key {
                b"modified_host_attributes" => p.modified_host_attributes = f.int(key, value),
                b"modified_service_attributes" => p.modified_service_attributes = f.int(key, value),
                b"nagios_pid" => p.nagios_pid = f.int(key, value),
                b"daemon_mode" => p.daemon_mode = f.flag(key, value),
                b"program_start" => p.program_start = f.int(key, value),
                b"last_log_rotation" => p.last_log_rotation = f.int(key, value),
                b"last_command_check" => p.last_command_check = f.int(key, value),
                b"enable_notifications" => p.enable_notifications = f.flag(key, value),
                b"active_service_checks_enabled" => {
                    p.active_service_checks_enabled = f.flag(key, value)
                }
                b"passive_service_checks_enabled" => {
                    p.passive_service_checks_enabled = f.flag(key, value)
                }
                b"active_host_checks_enabled" => p.active_host_checks_enabled = f.flag(key, value),
                b"passive_host_checks_enabled" => {
                    p.passive_host_checks_enabled = f.flag(key, value)
                }
                b"enable_event_handlers" => p.enable_event_handlers = f.flag(key, value),
                b"obsess_over_services" => p.obsess_over_services = f.flag(key, value),
                b"obsess_over_hosts" => p.obsess_over_hosts = f.flag(key, value),
                b"check_service_freshness" => p.check_service_freshness = f.flag(key, value),
                b"check_host_freshness" => p.check_host_freshness = f.flag(key, value),
                b"enable_flap_detection" => p.enable_flap_detection = f.flag(key, value),
                b"process_performance_data" => p.process_performance_data = f.flag(key, value),
                b"global_host_event_handler" => p.global_host_event_handler = Some(value),
                b"global_service_event_handler" => p.global_service_event_handler = Some(value),
                b"next_comment_id" => p.next_comment_id = f.int(key, value),
                b"next_downtime_id" => p.next_downtime_id = f.int(key, value),
                b"next_event_id" => p.next_event_id = f.int(key, value),
                b"next_problem_id" => p.next_problem_id = f.int(key, value),
                b"next_notification_id" => p.next_notification_id = f.int(key, value),
                _ => {}
            }
        }
        p.field_errors = f.errors;
        Ok(p)
    }
}

/// A `contactstatus` block (retention: `contact`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactStatus<'a> {
    /// `contact_name` (required).
    pub contact_name: &'a [u8],
    /// Attributes changed at run time (bitmask).
    pub modified_attributes: Option<u64>,
    /// Host attributes changed at run time (bitmask).
    pub modified_host_attributes: Option<u64>,
    /// Service attributes changed at run time (bitmask).
    pub modified_service_attributes: Option<u64>,
    /// Host notification timeperiod.
    pub host_notification_period: Option<&'a [u8]>,
    /// Service notification timeperiod.
    pub service_notification_period: Option<&'a [u8]>,
    /// Epoch of the last host notification.
    pub last_host_notification: Option<i64>,
    /// Epoch of the last service notification.
    pub last_service_notification: Option<i64>,
    /// Host notification switch.
    pub host_notifications_enabled: Option<bool>,
    /// Service notification switch.
    pub service_notifications_enabled: Option<bool>,
    /// Custom variables in file order.
    pub custom_variables: Vec<CustomVariable<'a>>,
    /// Values that did not parse (each treated as absent).
    pub field_errors: Vec<StatusError>,
}

impl<'a> ContactStatus<'a> {
    /// Read the block's fields in one pass; fails only without `contact_name`.
    pub fn from_block(block: &Block<'a>) -> Result<Self, StatusError> {
        let mut f = Fields { block, errors: Vec::new() };
        let mut name = None;
        let mut c = ContactStatus::default();
        for &(key, value) in &block.fields {
            match key {
                b"contact_name" => name = Some(value),
                b"modified_attributes" => c.modified_attributes = f.int(key, value),
                b"modified_host_attributes" => c.modified_host_attributes = f.int(key, value),
                b"modified_service_attributes" => c.modified_service_attributes = f.int(key, value),
                b"host_notification_period" => c.host_notification_period = Some(value),
                b"service_notification_period" => c.service_notification_period = Some(value),
                b"last_host_notification" => c.last_host_notification = f.int(key, value),
                b"last_service_notification" => c.last_service_notification = f.int(key, value),
                b"host_notifications_enabled" => c.host_notifications_enabled = f.flag(key, value),
                b"service_notifications_enabled" => {
                    c.service_notifications_enabled = f.flag(key, value)
                }
                _ if is_custom(key) => {
                    if let Some(var) = f.custom(key, value) {
                        c.custom_variables.push(var);
                    }
                }
                _ => {}
            }
        }
        c.contact_name = name.ok_or_else(|| f.missing("contact_name"))?;
        c.field_errors = f.errors;
        Ok(c)
    }
}

/// A `hostcomment` or `servicecomment` block.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comment<'a> {
    /// `host_name` (required).
    pub host_name: &'a [u8],
    /// `service_description`, for service comments.
    pub service_description: Option<&'a [u8]>,
    /// 1 user, 2 downtime, 3 flapping, 4 acknowledgement.
    pub entry_type: Option<u8>,
    /// Comment id.
    pub comment_id: Option<u64>,
    /// 0 internal, 1 external command.
    pub source: Option<u8>,
    /// Survives restarts.
    pub persistent: Option<bool>,
    /// Epoch of creation.
    pub entry_time: Option<i64>,
    /// Deleted automatically at `expire_time`.
    pub expires: Option<bool>,
    /// Epoch of expiry.
    pub expire_time: Option<i64>,
    /// Author, raw.
    pub author: Option<&'a [u8]>,
    /// Text, raw (may contain `;` and `=`).
    pub comment_data: Option<&'a [u8]>,
    /// Values that did not parse (each treated as absent).
    pub field_errors: Vec<StatusError>,
}

impl<'a> Comment<'a> {
    /// Read the block's fields in one pass; fails only without `host_name`.
    pub fn from_block(block: &Block<'a>) -> Result<Self, StatusError> {
        let mut f = Fields { block, errors: Vec::new() };
        let mut host_name = None;
        let mut c = Comment::default();
        for &(key, value) in &block.fields {
            match key {
                b"host_name" => host_name = Some(value),
                b"service_description" => c.service_description = Some(value),
                b"entry_type" => c.entry_type = f.int(key, value),
                b"comment_id" => c.comment_id = f.int(key, value),
                b"source" => c.source = f.int(key, value),
                b"persistent" => c.persistent = f.flag(key, value),
                b"entry_time" => c.entry_time = f.int(key, value),
                b"expires" => c.expires = f.flag(key, value),
                b"expire_time" => c.expire_time = f.int(key, value),
                b"author" => c.author = Some(value),
                b"comment_data" => c.comment_data = Some(value),
                _ => {}
            }
        }
        c.host_name = host_name.ok_or_else(|| f.missing("host_name"))?;
        c.field_errors = f.errors;
        Ok(c)
    }
}

/// A `hostdowntime` or `servicedowntime` block.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Downtime<'a> {
    /// `host_name` (required).
    pub host_name: &'a [u8],
    /// `service_description`, for service downtimes.
    pub service_description: Option<&'a [u8]>,
    /// Downtime id.
    pub downtime_id: Option<u64>,
    /// Id of the comment announcing it.
    pub comment_id: Option<u64>,
    /// Epoch of creation.
    pub entry_time: Option<i64>,
    /// Start of the window.
    pub start_time: Option<i64>,
    /// When a flexible downtime actually started (0 = not yet).
    pub flex_downtime_start: Option<i64>,
    /// End of the window.
    pub end_time: Option<i64>,
    /// Id of the triggering downtime (0 = none).
    pub triggered_by: Option<u64>,
    /// True: exactly start–end; false: flexible, lasting `duration`.
    pub fixed: Option<bool>,
    /// Seconds, for flexible downtimes.
    pub duration: Option<i64>,
    /// True while active.
    pub is_in_effect: Option<bool>,
    /// True once the start notification was sent.
    pub start_notification_sent: Option<bool>,
    /// Author, raw.
    pub author: Option<&'a [u8]>,
    /// Comment, raw.
    pub comment: Option<&'a [u8]>,
    /// Values that did not parse (each treated as absent).
    pub field_errors: Vec<StatusError>,
}

impl<'a> Downtime<'a> {
    /// Read the block's fields in one pass; fails only without `host_name`.
    pub fn from_block(block: &Block<'a>) -> Result<Self, StatusError> {
        let mut f = Fields { block, errors: Vec::new() };
        let mut host_name = None;
        let mut d = Downtime::default();
        for &(key, value) in &block.fields {
            match key {
                b"host_name" => host_name = Some(value),
                b"service_description" => d.service_description = Some(value),
                b"downtime_id" => d.downtime_id = f.int(key, value),
                b"comment_id" => d.comment_id = f.int(key, value),
                b"entry_time" => d.entry_time = f.int(key, value),
                b"start_time" => d.start_time = f.int(key, value),
                b"flex_downtime_start" => d.flex_downtime_start = f.int(key, value),
                b"end_time" => d.end_time = f.int(key, value),
                b"triggered_by" => d.triggered_by = f.int(key, value),
                b"fixed" => d.fixed = f.flag(key, value),
                b"duration" => d.duration = f.int(key, value),
                b"is_in_effect" => d.is_in_effect = f.flag(key, value),
                b"start_notification_sent" => d.start_notification_sent = f.flag(key, value),
                b"author" => d.author = Some(value),
                b"comment" => d.comment = Some(value),
                _ => {}
            }
        }
        d.host_name = host_name.ok_or_else(|| f.missing("host_name"))?;
        d.field_errors = f.errors;
        Ok(d)
    }
}

/// The typed view of any block, chosen by its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Record<'a> {
    /// `info`
    Info(Info<'a>),
    /// `programstatus` / `program`
    Program(ProgramStatus<'a>),
    /// `hoststatus` / `host`
    Host(HostStatus<'a>),
    /// `servicestatus` / `service`
    Service(ServiceStatus<'a>),
    /// `contactstatus` / `contact`
    Contact(ContactStatus<'a>),
    /// `hostcomment` / `servicecomment`
    Comment(Comment<'a>),
    /// `hostdowntime` / `servicedowntime`
    Downtime(Downtime<'a>),
    /// A block type without a typed view (its fields stay available on the [`Block`]).
    Other,
}

impl<'a> Record<'a> {
    /// The typed view matching `block.kind`.
    pub fn from_block(block: &Block<'a>) -> Result<Self, StatusError> {
        Ok(match block.kind {
            BlockKind::Info => Record::Info(Info::from_block(block)?),
            BlockKind::ProgramStatus | BlockKind::Program => {
                Record::Program(ProgramStatus::from_block(block)?)
            }
            BlockKind::HostStatus | BlockKind::Host => Record::Host(HostStatus::from_block(block)?),
            BlockKind::ServiceStatus | BlockKind::Service => {
                Record::Service(ServiceStatus::from_block(block)?)
            }
            BlockKind::ContactStatus | BlockKind::Contact => {
                Record::Contact(ContactStatus::from_block(block)?)
            }
            BlockKind::HostComment | BlockKind::ServiceComment => {
                Record::Comment(Comment::from_block(block)?)
            }
            BlockKind::HostDowntime | BlockKind::ServiceDowntime => {
                Record::Downtime(Downtime::from_block(block)?)
            }
            BlockKind::Other(_) => Record::Other,
        })
    }

    /// The problems found in the fields (none for [`Record::Other`]).
    pub fn field_errors(&self) -> &[StatusError] {
        match self {
            Record::Info(r) => &r.field_errors,
            Record::Program(r) => &r.field_errors,
            Record::Host(r) => &r.field_errors,
            Record::Service(r) => &r.field_errors,
            Record::Contact(r) => &r.field_errors,
            Record::Comment(r) => &r.field_errors,
            Record::Downtime(r) => &r.field_errors,
            Record::Other => &[],
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::type_complexity, clippy::excessive_precision)]
mod tests {
    use super::*;
    use crate::span::Span;
    use crate::status::parse_status;

    fn block(text: &str) -> Block<'_> {
        let file = parse_status(text.as_bytes());
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        file.blocks.into_iter().next().unwrap()
    }

    #[test]
    fn integers_known_answers() {
        let cases: &[(&[u8], Option<i64>)] = &[
            (b"0", Some(0)),
            (b"1795479023", Some(1795479023)),
            (b"-5", Some(-5)),
            (b"+5", Some(5)),
            (b" 7 ", Some(7)),
            (b"7\r", Some(7)),
            (b"-9223372036854775808", Some(i64::MIN)),
            (b"9223372036854775808", None),
            (b"", None),
            (b"-", None),
            (b"1.0", None),
            (b"1x", None),
            (b"0x10", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_i64(text), *want, "{:?}", lossy_string(text));
        }
    }

    #[test]
    fn floats_known_answers() {
        let cases: &[(&[u8], Option<f64>)] = &[
            (b"5.000000", Some(5.0)),
            (b"0.006", Some(0.006)),
            (b"5.72", Some(5.72)),
            (b"-0.5", Some(-0.5)),
            (b"100", Some(100.0)),
            (b".5", Some(0.5)),
            (b"5.", Some(5.0)),
            (b"1e3", Some(1000.0)),
            (b"123456789.123456789", Some(123456789.123456789)),
            (b"0.1234567890123456789", Some(0.1234567890123456789)),
            (b"", None),
            (b".", None),
            (b"-", None),
            (b"1.2.3", None),
            (b"abc", None),
            (b"5,5", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_f64(text), *want, "{:?}", lossy_string(text));
        }
        for x in ["0.001", "3.141", "99.99", "12345.678901", "0.000001", "987654321.5"] {
            assert_eq!(parse_f64(x.as_bytes()), x.parse().ok(), "{x}");
        }
    }

    #[test]
    fn unescape_known_answers() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"plain", b"plain"),
            (b"a\\nb", b"a\nb"),
            (b"C:\\\\temp", b"C:\\temp"),
            (b"\\\\n", b"\\n"),
            (b"x\\ty", b"xty"),
            (b"end\\", b"end\\"),
            (b"", b""),
        ];
        for (raw, want) in cases {
            assert_eq!(&*unescape_long_output(raw), *want, "{:?}", lossy_string(raw));
        }
        assert!(matches!(unescape_long_output(b"plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn service_status_one_pass() {
        let b = block(
            "servicestatus {\n\thost_name=web01\n\tservice_description=Disk /var\n\
             \tcurrent_state=1\n\tlast_hard_state=2\n\tstate_type=1\n\tcurrent_attempt=3\n\
             \tmax_attempts=3\n\thas_been_checked=1\n\tproblem_has_been_acknowledged=0\n\
             \tacknowledgement_type=0\n\tscheduled_downtime_depth=1\n\tis_flapping=0\n\
             \tpercent_state_change=5.72\n\tcheck_interval=5.000000\n\tcheck_latency=0.001\n\
             \tlong_plugin_output=a\\nb\\\\c \n\tperformance_data='/'=1MB;2;3  x=1\n\
             \tlast_time_critical=77\n\t_SLA=1;silver;gold\n\t_EMPTY=0;\n\tunknown_key=zzz\n\t}\n",
        );
        let s = ServiceStatus::from_block(&b).unwrap();
        assert!(s.field_errors.is_empty());
        assert_eq!(s.host_name, b"web01");
        assert_eq!(s.service_description_str(), "Disk /var");
        let c = &s.check;
        assert_eq!((c.current_state, c.last_hard_state, c.state_type), (Some(1), Some(2), Some(1)));
        assert_eq!((c.current_attempt, c.max_attempts), (Some(3), Some(3)));
        assert_eq!(c.has_been_checked, Some(true));
        assert_eq!(c.problem_has_been_acknowledged, Some(false));
        assert_eq!(c.scheduled_downtime_depth, Some(1));
        assert_eq!(c.percent_state_change, Some(5.72));
        assert_eq!(c.check_interval, Some(5.0));
        assert_eq!(c.check_latency, Some(0.001));
        assert_eq!(c.long_output_text().as_deref(), Some("a\nb\\c "));
        assert_eq!(c.performance_data, Some(&b"'/'=1MB;2;3  x=1"[..]));
        assert_eq!(c.last_time_in(2), Some(77));
        assert_eq!(c.last_time_in(9), None);
        assert_eq!(c.next_check, None);
        let sla = c.custom_variable("SLA").unwrap();
        assert!(sla.modified);
        assert_eq!(sla.value, b"silver;gold");
        assert_eq!(c.custom_variable("EMPTY").unwrap().value, b"");
    }

    #[test]
    fn bad_values_are_absent_and_reported_with_value_span() {
        let text = "hoststatus {\n\thost_name=h\n\tcurrent_state=x\n\tcheck_latency=1,5\n\
                    \tis_flapping=yes\n\tcurrent_attempt=-1\n\t_BAD=novalue\n\tmax_attempts=3\n}\n";
        let b = block(text);
        let h = HostStatus::from_block(&b).unwrap();
        assert_eq!(h.check.current_state, None);
        assert_eq!(h.check.check_latency, None);
        assert_eq!(h.check.is_flapping, None);
        assert_eq!(h.check.current_attempt, None);
        assert_eq!(h.check.max_attempts, Some(3));
        assert!(h.check.custom_variables.is_empty());
        let codes: Vec<_> = h.field_errors.iter().map(|e| e.kind.code()).collect();
        assert_eq!(
            codes,
            [
                "status/invalid-number",
                "status/invalid-number",
                "status/invalid-number",
                "status/invalid-number",
                "status/invalid-custom-variable"
            ]
        );
        let spans: Vec<_> = h.field_errors.iter().map(|e| &text[e.span.range()]).collect();
        assert_eq!(spans, ["x", "1,5", "yes", "-1", "novalue"]);
    }

    #[test]
    fn missing_required_keys() {
        let b = block("servicestatus {\n\thost_name=h\n\tcurrent_state=0\n}\n");
        let err = ServiceStatus::from_block(&b).unwrap_err();
        assert_eq!(err.kind.code(), "status/missing-key");
        assert_eq!(err.span, b.span);
        assert!(HostStatus::from_block(&block("hoststatus {\n}\n")).is_err());
        assert!(ContactStatus::from_block(&block("contactstatus {\n}\n")).is_err());
        assert!(Comment::from_block(&block("hostcomment {\n}\n")).is_err());
        assert!(Downtime::from_block(&block("hostdowntime {\n}\n")).is_err());
        assert!(Info::from_block(&block("info {\n}\n")).is_ok());
        assert_eq!(b.span, Span::new(0, 47));
    }

    #[test]
    fn records_dispatch_on_kind() {
        let file = parse_status(
            b"info {\ncreated=5\nversion=4.4.6\n}\nprogram {\nnagios_pid=12\nenable_notifications=0\n}\n\
              host {\nhost_name=a\nnormal_check_interval=5\n}\nservice {\nhost_name=a\nservice_description=b\n}\n\
              contact {\ncontact_name=c\n_PAGER=0;42\n}\nservicecomment {\nhost_name=a\nservice_description=b\nauthor=x\ncomment_data=a=b; c\n}\n\
              hostdowntime {\nhost_name=a\nfixed=1\nis_in_effect=1\nduration=60\n}\nother {\n}\n",
        );
        assert!(file.errors.is_empty());
        let records: Vec<_> = file.blocks.iter().map(|b| Record::from_block(b).unwrap()).collect();
        match &records[..] {
            [
                Record::Info(i),
                Record::Program(p),
                Record::Host(h),
                Record::Service(s),
                Record::Contact(c),
                Record::Comment(m),
                Record::Downtime(d),
                Record::Other,
            ] => {
                assert_eq!((i.created, i.version), (Some(5), Some(&b"4.4.6"[..])));
                assert_eq!((p.nagios_pid, p.enable_notifications), (Some(12), Some(false)));
                assert_eq!(h.check.check_interval, Some(5.0));
                assert_eq!(s.service_description, b"b");
                assert_eq!(c.custom_variables[0].value, b"42");
                assert_eq!(m.comment_data, Some(&b"a=b; c"[..]));
                assert_eq!(
                    (d.fixed, d.is_in_effect, d.duration),
                    (Some(true), Some(true), Some(60))
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(records.iter().all(|r| r.field_errors().is_empty()));
    }
}
