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
}
