//! Which directive names each object type accepts, exactly as Nagios 4.4.6
//! `xodtemplate_add_object_property` does (names are case-sensitive, aliases included).
//!
//! The tables below are data: one sorted slice of names per object type, searched with a binary
//! search. Three rules are not plain names and are handled in code:
//!
//! - **Custom variables** (`_NAME`, at least one character after the `_`) on hosts, services and
//!   contacts ([`accepts_custom_variables`]). A bare `_` is fatal ("Null custom variable name").
//! - **Contact addresses**: Nagios accepts any contact directive that *starts with* `address` and
//!   whose remainder reads, with C `atoi`, as a number from 1 to 6. So `address1`, `address01`,
//!   `address+2` and `address3x` are all `addressN`; `address`, `address0` and `address7` fail.
//! - **Timeperiod day and exception lines**: in a timeperiod every name other than
//!   `timeperiod_name`, `alias`, `exclude`, `name`, `use` and `register` is the start of a day or
//!   exception line (`monday`, `2025-12-25`, `day`, `december`, …), whose validity depends on the
//!   value too; see [`is_timeperiod_day_line`] and [`crate::timeperiod::parse_timeperiod_line`].
//!
//! `event_handler_period` is a Nagios 4.5 addition and is *not* accepted by 4.4.6.

use super::ObjectType;
use crate::number;
use crate::text::is_c_space;

/// `define timeperiod` (besides day and exception lines).
const TIMEPERIOD: &[&str] = &["alias", "exclude", "name", "register", "timeperiod_name", "use"];

/// `define command`.
const COMMAND: &[&str] = &["command_line", "command_name", "name", "register", "use"];

/// `define contactgroup`.
const CONTACTGROUP: &[&str] =
    &["alias", "contactgroup_members", "contactgroup_name", "members", "name", "register", "use"];

/// `define hostgroup`.
const HOSTGROUP: &[&str] = &[
    "action_url",
    "alias",
    "hostgroup_members",
    "hostgroup_name",
    "members",
    "name",
    "notes",
    "notes_url",
    "register",
    "use",
];

/// `define servicegroup`.
const SERVICEGROUP: &[&str] = &[
    "action_url",
    "alias",
    "members",
    "name",
    "notes",
    "notes_url",
    "register",
    "servicegroup_members",
    "servicegroup_name",
    "use",
];

/// `define servicedependency`.
const SERVICEDEPENDENCY: &[&str] = &[
    "dependency_period",
    "dependent_description",
    "dependent_host",
    "dependent_host_name",
    "dependent_hostgroup",
    "dependent_hostgroup_name",
    "dependent_hostgroups",
    "dependent_service_description",
    "dependent_servicegroup",
    "dependent_servicegroup_name",
    "dependent_servicegroups",
    "description",
    "execution_failure_criteria",
    "execution_failure_options",
    "host",
    "host_name",
    "hostgroup",
    "hostgroup_name",
    "hostgroups",
    "inherits_parent",
    "master_description",
    "master_host",
    "master_host_name",
    "master_service_description",
    "name",
    "notification_failure_criteria",
    "notification_failure_options",
    "register",
    "service_description",
    "servicegroup",
    "servicegroup_name",
    "servicegroups",
    "use",
];

/// `define serviceescalation`.
const SERVICEESCALATION: &[&str] = &[
    "contact_groups",
    "contacts",
    "description",
    "escalation_options",
    "escalation_period",
    "first_notification",
    "host",
    "host_name",
    "hostgroup",
    "hostgroup_name",
    "hostgroups",
    "last_notification",
    "name",
    "notification_interval",
    "register",
    "service_description",
    "servicegroup",
    "servicegroup_name",
    "servicegroups",
    "use",
];

/// `define contact` (besides `addressN` and custom variables).
const CONTACT: &[&str] = &[
    "alias",
    "can_submit_commands",
    "contact_groups",
    "contact_name",
    "contactgroups",
    "email",
    "host_notification_commands",
    "host_notification_options",
    "host_notification_period",
    "host_notifications_enabled",
    "minimum_importance",
    "minimum_value",
    "name",
    "pager",
    "register",
    "retain_nonstatus_information",
    "retain_status_information",
    "service_notification_commands",
    "service_notification_options",
    "service_notification_period",
    "service_notifications_enabled",
    "use",
];

/// `define host` (besides custom variables).
const HOST: &[&str] = &[
    "2d_coords",
    "3d_coords",
    "action_url",
    "active_checks_enabled",
    "address",
    "alias",
    "check_command",
    "check_freshness",
    "check_interval",
    "check_period",
    "checks_enabled",
    "contact_groups",
    "contacts",
    "display_name",
    "event_handler",
    "event_handler_enabled",
    "failure_prediction_enabled",
    "failure_prediction_options",
    "first_notification_delay",
    "flap_detection_enabled",
    "flap_detection_options",
    "freshness_threshold",
    "gd2_image",
    "high_flap_threshold",
    "host_groups",
    "host_name",
    "hostgroups",
    "hourly_value",
    "icon_image",
    "icon_image_alt",
    "importance",
    "initial_state",
    "low_flap_threshold",
    "max_check_attempts",
    "name",
    "normal_check_interval",
    "notes",
    "notes_url",
    "notification_interval",
    "notification_options",
    "notification_period",
    "notifications_enabled",
    "obsess",
    "obsess_over_host",
    "parents",
    "passive_checks_enabled",
    "process_perf_data",
    "register",
    "retain_nonstatus_information",
    "retain_status_information",
    "retry_check_interval",
    "retry_interval",
    "stalking_options",
    "statusmap_image",
    "use",
    "vrml_image",
];

/// `define service` (besides custom variables). Note: no `checks_enabled` alias, no images other
/// than `icon_image`/`icon_image_alt`, no coordinates.
const SERVICE: &[&str] = &[
    "action_url",
    "active_checks_enabled",
    "check_command",
    "check_freshness",
    "check_interval",
    "check_period",
    "contact_groups",
    "contacts",
    "description",
    "display_name",
    "event_handler",
    "event_handler_enabled",
    "failure_prediction_enabled",
    "failure_prediction_options",
    "first_notification_delay",
    "flap_detection_enabled",
    "flap_detection_options",
    "freshness_threshold",
    "high_flap_threshold",
    "host",
    "host_name",
    "hostgroup",
    "hostgroup_name",
    "hostgroups",
    "hosts",
    "hourly_value",
    "icon_image",
    "icon_image_alt",
    "importance",
    "initial_state",
    "is_volatile",
    "low_flap_threshold",
    "max_check_attempts",
    "name",
    "normal_check_interval",
    "notes",
    "notes_url",
    "notification_interval",
    "notification_options",
    "notification_period",
    "notifications_enabled",
    "obsess",
    "obsess_over_service",
    "parallelize_check",
    "parents",
    "passive_checks_enabled",
    "process_perf_data",
    "register",
    "retain_nonstatus_information",
    "retain_status_information",
    "retry_check_interval",
    "retry_interval",
    "service_description",
    "service_groups",
    "servicegroups",
    "stalking_options",
    "use",
];

/// `define hostdependency`.
const HOSTDEPENDENCY: &[&str] = &[
    "dependency_period",
    "dependent_host",
    "dependent_host_name",
    "dependent_hostgroup",
    "dependent_hostgroup_name",
    "dependent_hostgroups",
    "execution_failure_criteria",
    "execution_failure_options",
    "host",
    "host_name",
    "hostgroup",
    "hostgroup_name",
    "hostgroups",
    "inherits_parent",
    "master_host",
    "master_host_name",
    "name",
    "notification_failure_criteria",
    "notification_failure_options",
    "register",
    "use",
];

/// `define hostescalation`.
const HOSTESCALATION: &[&str] = &[
    "contact_groups",
    "contacts",
    "escalation_options",
    "escalation_period",
    "first_notification",
    "host",
    "host_name",
    "hostgroup",
    "hostgroup_name",
    "hostgroups",
    "last_notification",
    "name",
    "notification_interval",
    "register",
    "use",
];

/// `define hostextinfo` (deprecated type).
const HOSTEXTINFO: &[&str] = &[
    "2d_coords",
    "3d_coords",
    "action_url",
    "gd2_image",
    "host_name",
    "hostgroup",
    "hostgroup_name",
    "icon_image",
    "icon_image_alt",
    "name",
    "notes",
    "notes_url",
    "register",
    "statusmap_image",
    "use",
    "vrml_image",
];

/// `define serviceextinfo` (deprecated type).
const SERVICEEXTINFO: &[&str] = &[
    "action_url",
    "host_name",
    "hostgroup",
    "hostgroup_name",
    "icon_image",
    "icon_image_alt",
    "name",
    "notes",
    "notes_url",
    "register",
    "service_description",
    "use",
];

/// Names Nagios accepts but warns about, per type: `(name, note)`. Sorted by name.
const HOST_SERVICE_DEPRECATED: &[(&str, &str)] = &[
    (
        "failure_prediction_enabled",
        "failure_prediction_enabled is obsolete and has no effect (Nagios warns and ignores it)",
    ),
    (
        "failure_prediction_options",
        "failure_prediction_options is obsolete and has no effect (Nagios warns and ignores it)",
    ),
    ("hourly_value", "hourly_value is deprecated: use importance (Nagios warns)"),
    (
        "normal_check_interval",
        "normal_check_interval is deprecated: use check_interval (Nagios warns)",
    ),
    (
        "retry_check_interval",
        "retry_check_interval is deprecated: use retry_interval (Nagios warns)",
    ),
];

/// Deprecated contact directives.
const CONTACT_DEPRECATED: &[(&str, &str)] =
    &[("minimum_value", "minimum_value is deprecated: use minimum_importance (Nagios warns)")];

/// How many `addressN` directives a contact has (`MAX_XODTEMPLATE_CONTACT_ADDRESSES`).
pub const MAX_CONTACT_ADDRESSES: i32 = 6;

/// The sorted table of plain directive names for `object_type` (without custom variables,
/// contact `addressN` and timeperiod day lines).
pub fn directive_names(object_type: ObjectType) -> &'static [&'static str] {
    match object_type {
        ObjectType::TimePeriod => TIMEPERIOD,
        ObjectType::Command => COMMAND,
        ObjectType::ContactGroup => CONTACTGROUP,
        ObjectType::HostGroup => HOSTGROUP,
        ObjectType::ServiceGroup => SERVICEGROUP,
        ObjectType::ServiceDependency => SERVICEDEPENDENCY,
        ObjectType::ServiceEscalation => SERVICEESCALATION,
        ObjectType::Contact => CONTACT,
        ObjectType::Host => HOST,
        ObjectType::Service => SERVICE,
        ObjectType::HostDependency => HOSTDEPENDENCY,
        ObjectType::HostEscalation => HOSTESCALATION,
        ObjectType::HostExtInfo => HOSTEXTINFO,
        ObjectType::ServiceExtInfo => SERVICEEXTINFO,
    }
}

/// True when Nagios 4.4.6 accepts directive `name` in a definition of `object_type`.
///
/// Besides the plain names of [`directive_names`] this returns true for:
/// - custom variables `_NAME` (non-empty `NAME`) on hosts, services and contacts;
/// - contact `addressN` directives as Nagios reads them (see the module documentation);
/// - in a timeperiod, every name for which [`is_timeperiod_day_line`] is true. Whether such a
///   line is really accepted also depends on its value: check it with
///   [`crate::timeperiod::parse_timeperiod_line`].
pub fn is_known_directive(object_type: ObjectType, name: &str) -> bool {
    if directive_names(object_type).binary_search(&name).is_ok() {
        return true;
    }
    match object_type {
        ObjectType::Host | ObjectType::Service => is_custom_variable_name(name),
        ObjectType::Contact => is_contact_address(name) || is_custom_variable_name(name),
        ObjectType::TimePeriod => is_timeperiod_day_line(name),
        _ => false,
    }
}

/// True for the object types that take custom variables (`_NAME value`): host, service, contact.
pub fn accepts_custom_variables(object_type: ObjectType) -> bool {
    matches!(object_type, ObjectType::Host | ObjectType::Service | ObjectType::Contact)
}

/// True when `name` is a custom variable name: `_` followed by at least one character.
pub fn is_custom_variable_name(name: &str) -> bool {
    name.len() > 1 && name.starts_with('_')
}

/// The address slot (1 to 6) a contact directive named `name` fills, if Nagios reads it as
/// `addressN`: the name starts with `address` and the rest, read like C `atoi` (leading white
/// space, optional sign, digits, anything after ignored), is between 1 and 6.
pub fn contact_address_index(name: &str) -> Option<u8> {
    let rest = name.strip_prefix("address")?;
    let n = number::atoi(rest.as_bytes());
    if (1..=MAX_CONTACT_ADDRESSES).contains(&n) { u8::try_from(n).ok() } else { None }
}

/// True when a contact accepts `name` as one of its `addressN` directives.
fn is_contact_address(name: &str) -> bool {
    contact_address_index(name).is_some()
}

/// True when, in a timeperiod, `name` is not one of the fixed directives (`timeperiod_name`,
/// `alias`, `exclude`, `name`, `use`, `register`) and could begin a day or exception line.
///
/// Nagios matches the text `"<name> <value>"` against the date forms (`monday`, `2025-12-25`,
/// `day 1`, `december 25`, …), which all begin either with a lowercase word or with a number.
/// So a name is rejected outright unless it begins with `a`–`z`, or (possibly after C white
/// space) with a digit or a sign. A true result only means "not rejected by its name alone":
/// [`crate::timeperiod::parse_timeperiod_line`] decides with the value.
pub fn is_timeperiod_day_line(name: &str) -> bool {
    if TIMEPERIOD.binary_search(&name).is_ok() {
        return false;
    }
    let bytes = name.as_bytes();
    match bytes.first() {
        Some(b) if b.is_ascii_lowercase() => true,
        Some(_) => {
            let start = bytes.iter().position(|b| !is_c_space(*b)).unwrap_or(bytes.len());
            matches!(bytes.get(start), Some(b'0'..=b'9' | b'+' | b'-'))
        }
        None => false,
    }
}

/// The warning Nagios 4.4.6 logs when it reads directive `name` in a definition of
/// `object_type`, for names it accepts but deprecates (`normal_check_interval`,
/// `retry_check_interval`, `hourly_value`, `failure_prediction_*` on hosts and services,
/// `minimum_value` on contacts). `None` for every other name.
///
/// `parallelize_check`, `obsess_over_host`/`obsess_over_service`, `checks_enabled`,
/// `host_groups`, `service_groups`, `gd2_image` and the other aliases are accepted silently.
pub fn deprecated_directive_note(object_type: ObjectType, name: &str) -> Option<&'static str> {
    let table = match object_type {
        ObjectType::Host | ObjectType::Service => HOST_SERVICE_DEPRECATED,
        ObjectType::Contact => CONTACT_DEPRECATED,
        _ => return None,
    };
    table
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .and_then(|i| table.get(i))
        .map(|(_, note)| *note)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Names every object type accepts.
    const COMMON: &[&str] = &["name", "register", "use"];
    use std::path::{Path, PathBuf};

    const ALL_TABLES: &[&[&str]] = &[
        COMMON,
        TIMEPERIOD,
        COMMAND,
        CONTACTGROUP,
        HOSTGROUP,
        SERVICEGROUP,
        SERVICEDEPENDENCY,
        SERVICEESCALATION,
        CONTACT,
        HOST,
        SERVICE,
        HOSTDEPENDENCY,
        HOSTESCALATION,
        HOSTEXTINFO,
        SERVICEEXTINFO,
    ];

    #[test]
    fn tables_are_sorted_and_unique() {
        for table in ALL_TABLES {
            assert!(table.windows(2).all(|w| w[0] < w[1]), "not sorted/unique: {table:?}");
        }
        for table in [HOST_SERVICE_DEPRECATED, CONTACT_DEPRECATED] {
            assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    #[test]
    fn every_type_accepts_common_names() {
        for t in ObjectType::ALL {
            for name in COMMON {
                assert!(is_known_directive(t, name), "{t} {name}");
            }
        }
    }

    #[test]
    fn aliases() {
        use ObjectType::*;
        let yes = [
            (Host, "normal_check_interval"),
            (Host, "retry_check_interval"),
            (Host, "checks_enabled"),
            (Host, "host_groups"),
            (Host, "obsess_over_host"),
            (Host, "hourly_value"),
            (Host, "gd2_image"),
            (Host, "failure_prediction_options"),
            (Host, "failure_prediction_enabled"),
            (Service, "service_groups"),
            (Service, "description"),
            (Service, "host"),
            (Service, "hosts"),
            (Service, "hostgroup"),
            (Service, "obsess_over_service"),
            (Service, "parallelize_check"),
            (Service, "normal_check_interval"),
            (Contact, "minimum_value"),
            (Contact, "contact_groups"),
            (Contact, "contactgroups"),
            (Contact, "address1"),
            (Contact, "address6"),
            (Contact, "address01"),
            (Contact, "address+2"),
            (Contact, "address3x"),
            (ServiceDependency, "master_host"),
            (ServiceDependency, "master_service_description"),
            (ServiceDependency, "execution_failure_criteria"),
            (ServiceDependency, "dependent_description"),
            (HostDependency, "master_host_name"),
            (HostDependency, "notification_failure_criteria"),
            (ServiceEscalation, "servicegroups"),
            (HostEscalation, "hostgroups"),
            (HostExtInfo, "gd2_image"),
            (ServiceExtInfo, "hostgroup"),
            (TimePeriod, "monday"),
            (TimePeriod, "2025-12-25"),
            (TimePeriod, "december"),
            (TimePeriod, "day"),
            (Host, "_SNMP"),
            (Contact, "_x"),
        ];
        for (t, name) in yes {
            assert!(is_known_directive(t, name), "{t} {name} should be known");
        }
        let no = [
            (Host, "event_handler_period"),
            (Service, "event_handler_period"),
            (Service, "checks_enabled"),
            (Service, "vrml_image"),
            (Service, "2d_coords"),
            (Host, "host"),
            (Host, "obsess_over_service"),
            (Host, "parallelize_check"),
            (Host, "_"),
            (HostGroup, "_x"),
            (Contact, "address"),
            (Contact, "address0"),
            (Contact, "address7"),
            (Contact, "addresses"),
            (ContactGroup, "notes"),
            (HostExtInfo, "hostgroups"),
            (ServiceExtInfo, "description"),
            (Command, "alias"),
            (TimePeriod, "{"),
            (TimePeriod, "}"),
            (TimePeriod, "Monday"),
            (TimePeriod, "_x"),
            (TimePeriod, ""),
        ];
        for (t, name) in no {
            assert!(!is_known_directive(t, name), "{t} {name} should be unknown");
        }
    }

    #[test]
    fn deprecation_notes() {
        use ObjectType::*;
        assert!(deprecated_directive_note(Host, "normal_check_interval").is_some());
        assert!(deprecated_directive_note(Service, "retry_check_interval").is_some());
        assert!(deprecated_directive_note(Service, "failure_prediction_enabled").is_some());
        assert!(deprecated_directive_note(Host, "hourly_value").is_some());
        assert!(deprecated_directive_note(Contact, "minimum_value").is_some());
        assert!(deprecated_directive_note(Service, "parallelize_check").is_none());
        assert!(deprecated_directive_note(Host, "check_interval").is_none());
        assert!(deprecated_directive_note(Contact, "hourly_value").is_none());
        assert!(deprecated_directive_note(HostGroup, "normal_check_interval").is_none());
    }

    #[test]
    fn contact_address_numbers_read_like_c_atoi() {
        assert_eq!(contact_address_index("address05"), Some(5));
        assert_eq!(contact_address_index("address4294967297"), Some(1)); // (int) 2^32+1 == 1
    }

    // ---- corpus walk ------------------------------------------------------------------------

    fn corpus_dir() -> Option<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        if dir.is_dir() {
            return Some(dir);
        }
        if std::env::var("NAG2PROM_REQUIRE_SHARED").as_deref() == Ok("1") {
            panic!("../shared/corpus not found at {}", dir.display());
        }
        println!("skipped: ../shared/corpus not found");
        None
    }

    fn cfg_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                cfg_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "cfg") {
                out.push(path);
            }
        }
    }

    /// Files Nagios 4.4.6 accepted (per the oracle), plus every precache it wrote.
    fn accepted_files(corpus: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for dir in [
            "debian-nagios4/etc-nagios4/objects",
            "debian-nagios4/etc-nagios-plugins-config",
            "nagioscore/t-tap/smallconfig",
            "nagios4-oracle-generated/scenario-states/objects",
        ] {
            cfg_files(&corpus.join(dir), &mut files);
        }
        for file in [
            "nagioscore/t/etc/minimal.cfg",
            "naemon-core/t/etc/minimal.cfg",
            "icinga-core/t/etc/minimal.cfg",
            "nagios4-oracle-edgecases/00base.cfg",
            "nagios4-oracle-generated/scenario-states/output/objects.cache",
        ] {
            files.push(corpus.join(file));
        }
        for name in ["commands", "contacts", "timeperiods", "templates", "localhost"] {
            files.push(
                corpus.join(format!("perl-nagios-object/t/v4_config/template-object/{name}.cfg")),
            );
        }
        let edge = corpus.join("nagios4-oracle-edgecases");
        if let Ok(entries) = std::fs::read_dir(&edge) {
            let mut cases: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            cases.sort();
            for case in cases {
                let rc =
                    std::fs::read_to_string(case.join("expected/verify.rc")).unwrap_or_default();
                if rc.trim() == "0" {
                    cfg_files(&case.join("input"), &mut files);
                }
            }
        }
        let mut stack = vec![corpus.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for path in entries.flatten().map(|e| e.path()) {
                if path.is_dir() {
                    stack.push(path);
                } else if path.file_name().is_some_and(|n| n == "objects.precache") {
                    files.push(path);
                }
            }
        }
        files
    }

    /// `(type, directive name, file, line)` of every directive line inside a `define` block, by
    /// a naive line scan (comments, blank lines and `}` skipped).
    fn directives_in(text: &str) -> Vec<(ObjectType, String, usize)> {
        directive_lines(text).into_iter().map(|(t, name, _, line)| (t, name, line)).collect()
    }

    /// Like [`directives_in`], with the value (leading blanks removed).
    fn directive_lines(text: &str) -> Vec<(ObjectType, String, String, usize)> {
        let mut out = Vec::new();
        let mut current: Option<Option<ObjectType>> = None;
        let mut joined = String::new();
        for (n, raw) in text.lines().enumerate() {
            // Backslash continuation (a single trailing `\`): join with the next line, whose
            // indentation is dropped.
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let piece = if joined.is_empty() { raw } else { raw.trim_start_matches([' ', '\t']) };
            if raw.ends_with('\\') && !raw.ends_with("\\\\") && raw.trim() != "\\" {
                joined.push_str(piece.strip_suffix('\\').unwrap_or(piece));
                continue;
            }
            joined.push_str(piece);
            let logical = std::mem::take(&mut joined);
            let line = logical.split(';').next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(rest) = line.strip_prefix("define") {
                let keyword: String = rest
                    .trim_start()
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '{')
                    .collect();
                current = Some(ObjectType::from_keyword(keyword.as_bytes()));
                continue;
            }
            if line == "}" {
                current = None;
                continue;
            }
            if let Some(Some(t)) = current {
                let (name, value) = line.split_once([' ', '\t']).unwrap_or((line, ""));
                out.push((
                    t,
                    name.to_owned(),
                    value.trim_start_matches([' ', '\t']).to_owned(),
                    n + 1,
                ));
            }
        }
        out
    }

    #[test]
    fn every_directive_in_accepted_corpus_is_known() {
        let Some(corpus) = corpus_dir() else { return };
        let files = accepted_files(&corpus);
        let mut checked = 0;
        let mut failures = Vec::new();
        for file in &files {
            let Ok(bytes) = std::fs::read(file) else {
                failures.push(format!("{}: missing", file.display()));
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            for (t, name, line) in directives_in(&text) {
                checked += 1;
                if !is_known_directive(t, &name) {
                    failures.push(format!("{}:{line}: {t} `{name}`", file.display()));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "unknown directives in accepted configs:\n{}",
            failures.join("\n")
        );
        assert!(checked > 1000, "only {checked} directives checked in {} files", files.len());
    }

    /// Every day/exception line of an accepted timeperiod parses; in the objects.precache files
    /// Nagios wrote, printing it again gives the same text (the `objects.cache` normal form).
    #[test]
    fn timeperiod_lines_in_accepted_corpus_parse_and_round_trip() {
        let Some(corpus) = corpus_dir() else { return };
        let mut failures = Vec::new();
        let mut checked = 0;
        for file in accepted_files(&corpus) {
            let Ok(bytes) = std::fs::read(&file) else { continue };
            let text = String::from_utf8_lossy(&bytes);
            let cache = file.file_name().is_some_and(|n| n != "objects.cache")
                && file.extension().is_some_and(|e| e == "precache");
            for (t, name, value, line) in directive_lines(&text) {
                if t != ObjectType::TimePeriod || !is_timeperiod_day_line(&name) {
                    continue;
                }
                checked += 1;
                match crate::timeperiod::parse_timeperiod_line(&name, &value) {
                    Err(e) => failures.push(format!("{}:{line}: {e}", file.display())),
                    Ok(parsed) if cache => {
                        let original = format!("{name} {value}");
                        let printed = parsed.to_string();
                        // The cache separates name and value by a space or a tab.
                        if printed.replacen('\t', " ", 1) != original.replacen('\t', " ", 1)
                            && printed != original
                        {
                            failures.push(format!(
                                "{}:{line}: `{original}` printed `{printed}`",
                                file.display()
                            ));
                        }
                    }
                    Ok(_) => {}
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(checked > 100, "only {checked} timeperiod lines checked");
    }

    #[test]
    fn rejected_edge_case_names_are_unknown() {
        // x1: `} # comment` is a directive named `}`; x2: `{` on its own line; x3: `host_name=a`;
        // x5: `Host_Name`. Each was fatal in Nagios 4.4.6.
        for name in ["}", "{", "host_name=a", "Host_Name", "event_handler_period"] {
            for t in ObjectType::ALL {
                if t == ObjectType::TimePeriod && is_timeperiod_day_line(name) {
                    // In a timeperiod a lowercase name starts a day line; the line parser
                    // rejects these whatever the value.
                    for value in ["", "00:00-24:00", "1 00:00-24:00"] {
                        assert!(crate::timeperiod::parse_timeperiod_line(name, value).is_err());
                    }
                    continue;
                }
                assert!(!is_known_directive(t, name), "{t} `{name}`");
            }
        }
        let Some(corpus) = corpus_dir() else { return };
        let edge = corpus.join("nagios4-oracle-edgecases");
        for (case, name) in [("x1", "}"), ("x2", "{"), ("x3", "host_name=a"), ("x5", "Host_Name")] {
            let text = std::fs::read_to_string(edge.join(case).join("input/10case.cfg")).unwrap();
            let found: Vec<_> =
                directives_in(&text).into_iter().filter(|(_, n, _)| n == name).collect();
            assert!(!found.is_empty(), "{case}: `{name}` not found by the line scan");
            for (t, n, line) in found {
                assert!(!is_known_directive(t, &n), "{case}:{line}: {t} `{n}` must be unknown");
            }
        }
    }
}
