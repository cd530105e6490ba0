//! The variable names Nagios 4.4.6's `read_main_config_file` accepts, as data.
//!
//! Extracted from `base/config.c` of a Nagios Core 4.4.x tree whose Changelog heads 4.4.6
//! (the four `*_skip_check_*_status` names arrived in 4.4.0). Deprecated names are accepted,
//! their value ignored, and a warning logged. Lines starting with `x` are ignored before any
//! name test (handled by the parser).

/// How Nagios 4.4.6 treats a main-configuration variable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariableStatus {
    /// Accepted.
    Known,
    /// Accepted with a warning; the text says why.
    Deprecated(&'static str),
    /// Refused ("UNKNOWN VARIABLE").
    Unknown,
}

/// Accepted names, sorted byte-wise (binary search).
const KNOWN: &[&str] = &[
    "accept_passive_host_checks",
    "accept_passive_service_checks",
    "additional_freshness_latency",
    "admin_email",
    "admin_pager",
    "allow_empty_hostgroup_assignment",
    "auto_reschedule_checks",
    "auto_rescheduling_interval",
    "auto_rescheduling_window",
    "bare_update_check",
    "broker_module",
    "cached_host_check_horizon",
    "cached_service_check_horizon",
    "cfg_dir",
    "cfg_file",
    "check_external_commands",
    "check_for_orphaned_hosts",
    "check_for_orphaned_services",
    "check_for_updates",
    "check_host_freshness",
    "check_result_path",
    "check_result_reaper_frequency",
    "check_service_freshness",
    "check_workers",
    "child_processes_fork_twice",
    "command_file",
    "daemon_dumps_core",
    "date_format",
    "debug_file",
    "debug_level",
    "debug_verbosity",
    "enable_environment_macros",
    "enable_event_handlers",
    "enable_flap_detection",
    "enable_notifications",
    "enable_predictive_host_dependency_checks",
    "enable_predictive_service_dependency_checks",
    "event_broker_options",
    "event_handler_timeout",
    "execute_host_checks",
    "execute_service_checks",
    "free_child_process_memory",
    "freshness_check_interval",
    "global_host_event_handler",
    "global_service_event_handler",
    "high_host_flap_threshold",
    "high_service_flap_threshold",
    "host_check_timeout",
    "host_down_disable_service_checks",
    "host_freshness_check_interval",
    "host_inter_check_delay_method",
    "host_perfdata_command",
    "host_perfdata_file",
    "host_perfdata_file_mode",
    "host_perfdata_file_processing_command",
    "host_perfdata_file_processing_interval",
    "host_perfdata_file_template",
    "host_perfdata_process_empty_results",
    "host_skip_check_dependency_status",
    "illegal_macro_output_chars",
    "illegal_object_name_chars",
    "interval_length",
    "loadctl_options",
    "lock_file",
    "log_archive_path",
    "log_current_states",
    "log_event_handlers",
    "log_external_commands",
    "log_file",
    "log_host_retries",
    "log_initial_states",
    "log_notifications",
    "log_passive_checks",
    "log_rotation_method",
    "log_service_retries",
    "low_host_flap_threshold",
    "low_service_flap_threshold",
    "max_check_result_file_age",
    "max_check_result_reaper_time",
    "max_concurrent_checks",
    "max_debug_file_size",
    "max_host_check_spread",
    "max_service_check_spread",
    "nagios_group",
    "nagios_user",
    "notification_timeout",
    "object_cache_file",
    "obsess_over_hosts",
    "obsess_over_services",
    "ochp_command",
    "ochp_timeout",
    "ocsp_command",
    "ocsp_timeout",
    "passive_host_checks_are_soft",
    "perfdata_timeout",
    "precached_object_file",
    "process_performance_data",
    "query_socket",
    "resource_file",
    "retain_state_information",
    "retained_contact_host_attribute_mask",
    "retained_contact_service_attribute_mask",
    "retained_host_attribute_mask",
    "retained_process_host_attribute_mask",
    "retained_process_service_attribute_mask",
    "retained_service_attribute_mask",
    "retention_scheduling_horizon",
    "retention_update_interval",
    "service_check_timeout",
    "service_check_timeout_state",
    "service_freshness_check_interval",
    "service_inter_check_delay_method",
    "service_interleave_factor",
    "service_perfdata_command",
    "service_perfdata_file",
    "service_perfdata_file_mode",
    "service_perfdata_file_processing_command",
    "service_perfdata_file_processing_interval",
    "service_perfdata_file_template",
    "service_perfdata_process_empty_results",
    "service_reaper_frequency",
    "service_skip_check_dependency_status",
    "service_skip_check_host_down_status",
    "service_skip_check_parent_status",
    "soft_state_dependencies",
    "state_retention_file",
    "status_file",
    "status_update_interval",
    "temp_file",
    "temp_path",
    "time_change_threshold",
    "translate_passive_host_checks",
    "use_aggressive_host_checking",
    "use_agressive_host_checking",
    "use_large_installation_tweaks",
    "use_regexp_matching",
    "use_retained_program_state",
    "use_retained_scheduling_info",
    "use_syslog",
    "use_timezone",
    "use_true_regexp_matching",
    "website_url",
];

/// Deprecated names and Nagios' explanation, sorted.
const DEPRECATED: &[(&str, &str)] = &[
    ("auth_file", "Nagios ignores its value"),
    ("command_check_interval", "Commands are always handled on arrival"),
    ("enable_embedded_perl", "Nagios ignores its value"),
    ("enable_failure_prediction", "Nagios ignores its value"),
    ("external_command_buffer_slots", "All commands are always processed upon arrival"),
    ("p1_file", "Nagios ignores its value"),
    ("sleep_time", "Nagios ignores its value"),
    ("use_embedded_perl_implicitly", "Nagios ignores its value"),
];

/// Names that must be written `name=value` with no blank before `=`: Nagios matches them as a
/// prefix of the line (`cfg_file = x` is an unknown variable).
pub const PREFIX_MATCHED: &[&str] =
    &["cfg_dir", "cfg_file", "object_cache_file", "precached_object_file", "state_retention_file"];

/// How Nagios 4.4.6 treats variable `name` (exact, case-sensitive).
pub fn variable_status(name: &str) -> VariableStatus {
    if KNOWN.binary_search(&name).is_ok() {
        return VariableStatus::Known;
    }
    match DEPRECATED.binary_search_by(|(n, _)| n.cmp(&name)) {
        Ok(i) => DEPRECATED
            .get(i)
            .map_or(VariableStatus::Unknown, |(_, note)| VariableStatus::Deprecated(note)),
        Err(_) => VariableStatus::Unknown,
    }
}

/// What Nagios 4.4.6's `read_main_config_file` requires of a variable's value; anything else is
/// "Illegal value for …" (or "… is too long"), fatal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRule {
    /// Exactly one character, `0` or `1`.
    Flag,
    /// `atoi(value)` at least this.
    AtLeast(i32),
    /// `atoi(value)` within these bounds, inclusive.
    Between(i32, i32),
    /// `strtod(value)` above 0 and below 100, or up to 100 included when the flag is set.
    Percent(bool),
    /// One of these words, exactly.
    OneOf(&'static [&'static str]),
    /// `n`, `d`, `s`, or a number above 0 (`strtod`): an inter-check delay method.
    DelayMethod,
    /// A path of at most 255 bytes (`MAX_FILENAME_LENGTH - 1`).
    Path,
}

/// The rule for `name`'s value, when Nagios 4.4.6 checks it.
pub fn value_rule(name: &str) -> Option<ValueRule> {
    use ValueRule::*;
    Some(match name {
        "use_syslog"
        | "log_notifications"
        | "log_service_retries"
        | "log_host_retries"
        | "log_event_handlers"
        | "log_external_commands"
        | "log_passive_checks"
        | "log_initial_states"
        | "log_current_states"
        | "retain_state_information"
        | "use_retained_program_state"
        | "use_retained_scheduling_info"
        | "obsess_over_services"
        | "obsess_over_hosts"
        | "translate_passive_host_checks"
        | "use_aggressive_host_checking"
        | "use_agressive_host_checking"
        | "soft_state_dependencies"
        | "check_external_commands"
        | "check_for_orphaned_services"
        | "check_for_orphaned_hosts"
        | "check_service_freshness"
        | "check_host_freshness"
        | "auto_reschedule_checks"
        | "daemon_dumps_core"
        | "use_large_installation_tweaks" => Flag,
        "retention_update_interval" | "max_concurrent_checks" => AtLeast(0),
        "retention_scheduling_horizon"
        | "service_check_timeout"
        | "host_check_timeout"
        | "event_handler_timeout"
        | "notification_timeout"
        | "ocsp_timeout"
        | "ochp_timeout"
        | "service_freshness_check_interval"
        | "freshness_check_interval"
        | "host_freshness_check_interval"
        | "auto_rescheduling_interval"
        | "auto_rescheduling_window"
        | "max_service_check_spread"
        | "max_host_check_spread"
        | "check_result_reaper_frequency"
        | "service_reaper_frequency"
        | "max_check_result_reaper_time"
        | "interval_length"
        | "status_update_interval" => AtLeast(1),
        "time_change_threshold" => AtLeast(6),
        "service_skip_check_dependency_status"
        | "service_skip_check_parent_status"
        | "service_skip_check_host_down_status"
        | "host_skip_check_dependency_status" => Between(-1, 3),
        "low_service_flap_threshold" | "low_host_flap_threshold" => Percent(false),
        "high_service_flap_threshold" | "high_host_flap_threshold" => Percent(true),
        "service_check_timeout_state" => OneOf(&["o", "w", "c", "u"]),
        "log_rotation_method" => OneOf(&["n", "h", "d", "w", "m"]),
        "service_inter_check_delay_method" | "host_inter_check_delay_method" => DelayMethod,
        "log_file" | "debug_file" | "command_file" | "check_result_path" | "lock_file"
        | "log_archive_path" => Path,
        _ => return None,
    })
}

impl ValueRule {
    /// `None` when `value` is fine, else what Nagios wants instead.
    pub fn check(self, value: &str) -> Option<String> {
        let int = || crate::number::atoi(value.as_bytes());
        let float = || crate::number::strtod(value).map_or(0.0, |(f, _)| f);
        let ok = match self {
            ValueRule::Flag => value == "0" || value == "1",
            ValueRule::AtLeast(min) => int() >= min,
            ValueRule::Between(lo, hi) => (lo..=hi).contains(&int()),
            ValueRule::Percent(inclusive) => {
                let f = float();
                f > 0.0 && (f < 100.0 || (inclusive && f == 100.0))
            }
            ValueRule::OneOf(words) => words.contains(&value),
            ValueRule::DelayMethod => ["n", "d", "s"].contains(&value) || float() > 0.0,
            ValueRule::Path => value.len() <= 255,
        };
        if ok {
            return None;
        }
        Some(match self {
            ValueRule::Flag => "Nagios takes exactly `0` or `1`".to_owned(),
            ValueRule::AtLeast(min) => format!("Nagios takes a whole number of at least {min}"),
            ValueRule::Between(lo, hi) => format!("Nagios takes a whole number from {lo} to {hi}"),
            ValueRule::Percent(false) => "Nagios takes a number above 0 and below 100".to_owned(),
            ValueRule::Percent(true) => "Nagios takes a number above 0, at most 100".to_owned(),
            ValueRule::OneOf(words) => format!("Nagios takes one of {}", words.join(", ")),
            ValueRule::DelayMethod => {
                "Nagios takes n, d, s or a number of seconds above 0".to_owned()
            }
            ValueRule::Path => "Nagios takes paths of at most 255 bytes".to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(KNOWN.windows(2).all(|w| w[0] < w[1]));
        assert!(DEPRECATED.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn lookups() {
        assert_eq!(variable_status("status_file"), VariableStatus::Known);
        assert_eq!(variable_status("use_agressive_host_checking"), VariableStatus::Known);
        assert!(matches!(variable_status("sleep_time"), VariableStatus::Deprecated(_)));
        assert_eq!(variable_status("Status_File"), VariableStatus::Unknown);
        assert_eq!(variable_status("include_dir"), VariableStatus::Unknown);
    }

    #[test]
    fn value_rules_follow_read_main_config_file() {
        let check = |name: &str, value: &str| value_rule(name).and_then(|r| r.check(value));
        assert_eq!(check("use_syslog", "1"), None);
        assert!(check("use_syslog", "yes").is_some());
        assert!(check("log_notifications", "10").is_some());
        assert_eq!(check("interval_length", "60 # comment"), None, "atoi reads the number");
        assert!(check("interval_length", "0").is_some());
        assert!(check("time_change_threshold", "5").is_some());
        assert_eq!(check("time_change_threshold", "6"), None);
        assert_eq!(check("retention_update_interval", "0"), None);
        assert!(check("host_skip_check_dependency_status", "4").is_some());
        assert_eq!(check("host_skip_check_dependency_status", "-1"), None);
        assert!(check("low_service_flap_threshold", "100").is_some());
        assert_eq!(check("high_service_flap_threshold", "100"), None);
        assert!(check("log_rotation_method", "daily").is_some());
        assert_eq!(check("service_inter_check_delay_method", "0.5"), None);
        assert!(check("service_inter_check_delay_method", "x").is_some());
        assert!(check("lock_file", &"x".repeat(256)).is_some());
        assert_eq!(check("enable_notifications", "yes"), None, "atoi > 0, never refused");
    }
}
