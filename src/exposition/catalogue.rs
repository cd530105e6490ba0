//! Every metric family the bridge exports: name, type and HELP text, in one place. The HELP
//! text names the status.dat field each value comes from. `docs/metrics.md` documents each
//! family (a test keeps the two in step).

/// Prometheus metric type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A value that goes up and down.
    Gauge,
    /// A value that only goes up (name ends in `_total`).
    Counter,
}

/// One metric family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// Metric name.
    pub name: &'static str,
    /// Type.
    pub kind: Kind,
    /// HELP text.
    pub help: &'static str,
}

const fn gauge(name: &'static str, help: &'static str) -> Family {
    Family { name, kind: Kind::Gauge, help }
}

const fn counter(name: &'static str, help: &'static str) -> Family {
    Family { name, kind: Kind::Counter, help }
}

/// The host and service state families, as `(host family, service family)` pairs.
pub mod state {
    use super::{Family, gauge};

    macro_rules! pair {
        ($id:ident, $suffix:literal, $help:literal) => {
            pair!($id, $suffix, $help, $help);
        };
        ($id:ident, $suffix:literal, $host:literal, $service:literal) => {
            /// See the HELP text.
            pub const $id: (Family, Family) = (
                gauge(
                    concat!("nagios_host_", $suffix),
                    concat!(
                        "Host ",
                        $host,
                        " (status.dat hoststatus, as of the last status.dat read)."
                    ),
                ),
                gauge(
                    concat!("nagios_service_", $suffix),
                    concat!(
                        "Service ",
                        $service,
                        " (status.dat servicestatus, as of the last status.dat read)."
                    ),
                ),
            );
        };
    }

    pair!(
        STATE,
        "state",
        "current state: 0 UP, 1 DOWN, 2 UNREACHABLE (current_state)",
        "current state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (current_state)"
    );
    pair!(
        HARD_STATE,
        "hard_state",
        "last HARD state: 0 UP, 1 DOWN, 2 UNREACHABLE (last_hard_state)",
        "last HARD state, what notifications key on: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (last_hard_state)"
    );
    pair!(STATE_TYPE, "state_type", "state type: 0 soft, 1 hard (state_type)");
    pair!(CHECK_ATTEMPT, "check_attempt", "current check attempt (current_attempt)");
    pair!(MAX_CHECK_ATTEMPTS, "max_check_attempts", "attempts before a HARD state (max_attempts)");
    pair!(CHECKED, "checked", "1 once checked, 0 while PENDING (has_been_checked)");
    pair!(
        ACKNOWLEDGED,
        "acknowledged",
        "1 when the current problem is acknowledged (problem_has_been_acknowledged)"
    );
    pair!(
        DOWNTIME_DEPTH,
        "scheduled_downtime_depth",
        "number of active scheduled downtimes, > 0 means in downtime (scheduled_downtime_depth)"
    );
    pair!(FLAPPING, "flapping", "1 while flapping (is_flapping)");
    pair!(
        NOTIFICATIONS_ENABLED,
        "notifications_enabled",
        "1 when notifications are enabled (notifications_enabled)"
    );
    pair!(
        ACTIVE_CHECKS_ENABLED,
        "active_checks_enabled",
        "1 when active checks are enabled (active_checks_enabled)"
    );
    pair!(
        LAST_CHECK,
        "last_check_timestamp_seconds",
        "time of the last check, Unix seconds, 0 = never (last_check)"
    );
    pair!(
        LAST_STATE_CHANGE,
        "last_state_change_timestamp_seconds",
        "time of the last state change, Unix seconds (last_state_change)"
    );
    pair!(
        LAST_HARD_STATE_CHANGE,
        "last_hard_state_change_timestamp_seconds",
        "time of the last HARD state change, Unix seconds (last_hard_state_change)"
    );
    pair!(
        CHECK_LATENCY,
        "check_latency_seconds",
        "delay between the scheduled and the actual start of the last check (check_latency)"
    );
    pair!(
        CHECK_EXECUTION_TIME,
        "check_execution_time_seconds",
        "run time of the last check (check_execution_time)"
    );
    pair!(
        INFO,
        "info",
        "metadata, always 1; check_command is the command name only, never its arguments (check_command)"
    );
    pair!(
        OUTPUT_INFO,
        "output_info",
        "first line of the last plugin output, truncated, always 1; opt-in, changes with every output change (plugin_output)"
    );
}

/// Performance data families, one per unit class.
pub mod perfdata {
    use super::{Family, counter, gauge};

    /// Values in seconds (UOM s, ms, us).
    pub const SECONDS: Family = gauge(
        "nagios_perfdata_seconds",
        "Performance data value with a time unit (s, ms, us), in seconds (status.dat performance_data).",
    );
    /// Values in bytes (UOM B, KB, MB, GB, TB; 1 KB = 1024 B).
    pub const BYTES: Family = gauge(
        "nagios_perfdata_bytes",
        "Performance data value with a data unit (B, KB, MB, GB, TB; KB = 1024 B), in bytes (status.dat performance_data).",
    );
    /// Percentages as ratios (UOM %, divided by 100).
    pub const RATIO: Family = gauge(
        "nagios_perfdata_ratio",
        "Performance data percentage (%) as a ratio, value / 100 (status.dat performance_data).",
    );
    /// Continuous counters (UOM c).
    pub const TOTAL: Family = counter(
        "nagios_perfdata_total",
        "Performance data continuous counter (UOM c) (status.dat performance_data).",
    );
    /// Unitless values, and unknown units kept in a `uom` label.
    pub const UNITLESS: Family = gauge(
        "nagios_perfdata",
        "Performance data value without a unit, or with a unit outside the plugin guidelines (then in the uom label) (status.dat performance_data).",
    );

    macro_rules! aux {
        ($min:ident, $max:ident, $thr:ident, $unit:literal, $what:literal) => {
            /// Minimum, see HELP.
            pub const $min: Family = gauge(
                concat!("nagios_perfdata_min", $unit),
                concat!("Performance data minimum (min field), ", $what, "."),
            );
            /// Maximum, see HELP.
            pub const $max: Family = gauge(
                concat!("nagios_perfdata_max", $unit),
                concat!("Performance data maximum (max field), ", $what, "."),
            );
            /// Thresholds, see HELP.
            pub const $thr: Family = gauge(
                concat!("nagios_perfdata_threshold", $unit),
                concat!(
                    "Performance data threshold bound (warn/crit field), ",
                    $what,
                    "; level warning|critical, bound lower|upper, mode outside (alert outside the range) or inside (@); no series for an infinite bound."
                ),
            );
        };
    }
    aux!(MIN_SECONDS, MAX_SECONDS, THRESHOLD_SECONDS, "_seconds", "in seconds");
    aux!(MIN_BYTES, MAX_BYTES, THRESHOLD_BYTES, "_bytes", "in bytes");
    aux!(MIN_RATIO, MAX_RATIO, THRESHOLD_RATIO, "_ratio", "percentages as ratios");
    aux!(MIN, MAX, THRESHOLD, "", "unitless, counters (uom=\"c\") and unknown units (uom label)");
}

/// Program-wide families from the `info` and `programstatus` blocks.
pub mod program {
    use super::{Family, gauge};

    /// `nagios_up`.
    pub const UP: Family = gauge(
        "nagios_up",
        "1 when the last status.dat read was parsed and is fresher than the staleness limit, 0 otherwise (the last good data keeps being served).",
    );
    /// `info.created`.
    pub const STATUS_UPDATE: Family = gauge(
        "nagios_status_update_timestamp_seconds",
        "When Nagios wrote the status.dat being served, Unix seconds (status.dat info.created).",
    );
    /// `programstatus.program_start`.
    pub const PROGRAM_START: Family = gauge(
        "nagios_program_start_timestamp_seconds",
        "When the Nagios daemon started, Unix seconds (status.dat programstatus.program_start).",
    );
    /// Global switches (`programstatus`), which override every object's own switch when 0.
    pub const NOTIFICATIONS_ENABLED: Family = gauge(
        "nagios_program_notifications_enabled",
        "1 when notifications are enabled globally; 0 silences every host and service (status.dat programstatus.enable_notifications).",
    );
    /// See HELP.
    pub const ACTIVE_SERVICE_CHECKS_ENABLED: Family = gauge(
        "nagios_program_active_service_checks_enabled",
        "1 when active service checks are enabled globally (status.dat programstatus.active_service_checks_enabled).",
    );
    /// See HELP.
    pub const ACTIVE_HOST_CHECKS_ENABLED: Family = gauge(
        "nagios_program_active_host_checks_enabled",
        "1 when active host checks are enabled globally (status.dat programstatus.active_host_checks_enabled).",
    );
    /// See HELP.
    pub const FLAP_DETECTION_ENABLED: Family = gauge(
        "nagios_program_flap_detection_enabled",
        "1 when flap detection is enabled globally (status.dat programstatus.enable_flap_detection).",
    );
    /// `info.version`.
    pub const PROGRAM_INFO: Family = gauge(
        "nagios_program_info",
        "Nagios program metadata, always 1 (status.dat info.version).",
    );
    /// Comment blocks.
    pub const COMMENTS: Family = gauge(
        "nagios_comments",
        "Number of comments by object kind (status.dat hostcomment/servicecomment blocks).",
    );
    /// Downtime blocks.
    pub const DOWNTIMES: Family = gauge(
        "nagios_downtimes",
        "Number of scheduled downtimes by object kind (status.dat hostdowntime/servicedowntime blocks).",
    );
    /// Downtime blocks in effect.
    pub const DOWNTIMES_IN_EFFECT: Family = gauge(
        "nagios_downtimes_in_effect",
        "Number of scheduled downtimes in effect now by object kind (downtime blocks with is_in_effect=1).",
    );
}

/// The bridge's own families.
pub mod bridge {
    use super::{Family, counter, gauge};

    /// Build metadata.
    pub const BUILD_INFO: Family =
        gauge("nag2prom_build_info", "nag2prom build metadata, always 1.");
    /// Time of the last parse + render.
    pub const PARSE_DURATION: Family = gauge(
        "nag2prom_status_parse_duration_seconds",
        "Time taken to read, parse and render the last status.dat that was accepted.",
    );
    /// Rejected reads.
    pub const PARSE_ERRORS: Family = counter(
        "nag2prom_status_parse_errors_total",
        "status.dat reads that failed (missing, unreadable, truncated or malformed file); the last good data was kept.",
    );
    /// Accepted reads.
    pub const RELOADS: Family = counter(
        "nag2prom_status_reloads_total",
        "status.dat files read, parsed and rendered successfully.",
    );
    /// Field errors in the current snapshot.
    pub const FIELD_ERRORS: Family = gauge(
        "nag2prom_status_field_errors",
        "Values in the served status.dat that did not parse and were left out.",
    );
    /// Perfdata problems in the current snapshot.
    pub const PERFDATA_ERRORS: Family = gauge(
        "nag2prom_perfdata_errors",
        "Performance data items in the served status.dat that were malformed and skipped (or had a field dropped).",
    );
    /// Perfdata items not exported.
    pub const PERFDATA_DROPPED: Family = gauge(
        "nag2prom_perfdata_dropped_items",
        "Performance data items not exported, by reason: filtered (allow/deny lists), limit (per-check item cap or over-long label), unknown (U value: no sample), duplicate (label repeated).",
    );
    /// Series per family.
    pub const SERIES: Family = gauge(
        "nag2prom_exposition_series",
        "Number of series per exported metric family in the served exposition (cardinality).",
    );
    /// Exposition size.
    pub const BYTES: Family =
        gauge("nag2prom_exposition_bytes", "Size of the served exposition (uncompressed).");
    /// Time of the last accepted read.
    pub const LAST_RELOAD: Family = gauge(
        "nag2prom_status_last_reload_success_timestamp_seconds",
        "When the served status.dat was read, Unix seconds.",
    );
    /// status.dat versions not used, by reason.
    pub const REJECTED: Family = counter(
        "nag2prom_status_rejected_total",
        "status.dat versions not used, by reason: io, not_regular_file, too_large, timeout, changed_while_read, malformed, incomplete (each also counted in nag2prom_status_parse_errors_total).",
    );
    /// A read blocked right now.
    pub const READ_STALLED: Family = gauge(
        "nag2prom_status_read_stalled",
        "1 while a status.dat read has been blocked longer than --status.read-timeout (hung NFS?); the last good data is served and /-/ready answers 503.",
    );
    /// Reads that blocked.
    pub const READ_STALLS: Family = counter(
        "nag2prom_status_read_stalls_total",
        "status.dat reads that blocked longer than --status.read-timeout.",
    );
    /// Hosts and services left out of the exposition.
    pub const OBJECTS_DROPPED: Family = gauge(
        "nag2prom_status_objects_dropped",
        "Hosts and services of the served status.dat left out, by reason: duplicate (same names twice), long_name (a name longer than --status.max-name-bytes).",
    );
    /// Web config reloads that failed.
    pub const WEB_CONFIG_ERRORS: Family = counter(
        "nag2prom_web_config_reload_errors_total",
        "Reloads of the web config file (or its certificate, key or CA files) that failed or would have weakened it (empty file, basic_auth_users or tls_server_config missing); the previous configuration was kept.",
    );
    /// Connections refused at the limit.
    pub const CONNECTIONS_REFUSED: Family = counter(
        "nag2prom_http_connections_refused_total",
        "Connections closed at once because --web.max-connections were open.",
    );
    /// Credential checks refused because the bcrypt slot was busy.
    pub const AUTH_THROTTLED: Family = counter(
        "nag2prom_http_auth_throttled_total",
        "Requests with credentials not yet verified that waited too long for the (single) bcrypt slot and were refused with 401.",
    );
    /// Object configuration reloads that failed.
    pub const CONFIG_ERRORS: Family = counter(
        "nag2prom_config_reload_errors_total",
        "Reloads of nagios.cfg and the object files (for label enrichment), or of --ola.members or --ola.downtimes, that failed; the previous configuration was kept.",
    );
}

/// OLA roll-up groups (opt-in, `--ola.members`): one series per group, not per member.
pub mod ola {
    use super::{Family, gauge};

    /// See the HELP text.
    pub const RANK: Family = gauge(
        "nagios_ola_group_rank",
        "Worst member state of an OLA group in ARGO's order (its AND): 0 OK, 1 WARNING, 2 UNKNOWN or missing (a member absent from status.dat, pending, or without a state), 3 scheduled downtime (Nagios', or a GOCDB scheduled outage from --ola.downtimes), 4 CRITICAL (members from --ola.members, states from the last status.dat read).",
    );
    /// See the HELP text.
    pub const MEMBERS: Family = gauge(
        "nagios_ola_group_members",
        "Member services of an OLA group in the --ola.members file (the ola-members.json of a conversion).",
    );
}

/// Every family, for documentation checks.
pub fn all() -> Vec<&'static Family> {
    use perfdata as p;
    use state as s;
    let pairs: [&'static (Family, Family); 18] = [
        &s::STATE,
        &s::HARD_STATE,
        &s::STATE_TYPE,
        &s::CHECK_ATTEMPT,
        &s::MAX_CHECK_ATTEMPTS,
        &s::CHECKED,
        &s::ACKNOWLEDGED,
        &s::DOWNTIME_DEPTH,
        &s::FLAPPING,
        &s::NOTIFICATIONS_ENABLED,
        &s::ACTIVE_CHECKS_ENABLED,
        &s::LAST_CHECK,
        &s::LAST_STATE_CHANGE,
        &s::LAST_HARD_STATE_CHANGE,
        &s::CHECK_LATENCY,
        &s::CHECK_EXECUTION_TIME,
        &s::INFO,
        &s::OUTPUT_INFO,
    ];
    let mut out: Vec<&'static Family> = Vec::new();
    for pair in pairs {
        out.push(&pair.0);
        out.push(&pair.1);
    }
    out.extend([
        &p::SECONDS,
        &p::BYTES,
        &p::RATIO,
        &p::TOTAL,
        &p::UNITLESS,
        &p::MIN_SECONDS,
        &p::MAX_SECONDS,
        &p::THRESHOLD_SECONDS,
        &p::MIN_BYTES,
        &p::MAX_BYTES,
        &p::THRESHOLD_BYTES,
        &p::MIN_RATIO,
        &p::MAX_RATIO,
        &p::THRESHOLD_RATIO,
        &p::MIN,
        &p::MAX,
        &p::THRESHOLD,
        &ola::RANK,
        &ola::MEMBERS,
        &program::UP,
        &program::STATUS_UPDATE,
        &program::PROGRAM_START,
        &program::NOTIFICATIONS_ENABLED,
        &program::ACTIVE_SERVICE_CHECKS_ENABLED,
        &program::ACTIVE_HOST_CHECKS_ENABLED,
        &program::FLAP_DETECTION_ENABLED,
        &program::PROGRAM_INFO,
        &program::COMMENTS,
        &program::DOWNTIMES,
        &program::DOWNTIMES_IN_EFFECT,
        &bridge::BUILD_INFO,
        &bridge::PARSE_DURATION,
        &bridge::PARSE_ERRORS,
        &bridge::RELOADS,
        &bridge::FIELD_ERRORS,
        &bridge::PERFDATA_ERRORS,
        &bridge::PERFDATA_DROPPED,
        &bridge::SERIES,
        &bridge::BYTES,
        &bridge::LAST_RELOAD,
        &bridge::CONFIG_ERRORS,
        &bridge::REJECTED,
        &bridge::READ_STALLED,
        &bridge::READ_STALLS,
        &bridge::OBJECTS_DROPPED,
        &bridge::WEB_CONFIG_ERRORS,
        &bridge::CONNECTIONS_REFUSED,
        &bridge::AUTH_THROTTLED,
    ]);
    out
}
