//! The directives of each object type as the model stores them: canonical name, the aliases
//! Nagios 4.4.6 accepts for it, and how it inherits (`xodtemplate_add_object_property`,
//! `xodtemplate_resolve_*`; ../shared/docs/nagios-formats.md §5 and §10).

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::sync::OnceLock;

use nag2prom_parsers::object::ObjectType;

/// How a directive is stored and inherited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The object's real name (`host_name` of a host). No "have" flag: inherited whenever the
    /// object has no value; `null` is literal text (T5).
    Name,
    /// Plain text without a "have" flag (`alias`, `address`, `command_line`, `exclude`).
    Plain,
    /// Text with a "have" flag: `null` sets it to nothing and blocks inheritance (T8).
    Text,
    /// A comma list that accepts a leading `+` (T7).
    List,
    /// A number or boolean, converted when the object is registered.
    Number,
    /// An option bit set (`d,u,r`). A repeated directive ORs its letters into the set.
    Options(Opts),
}

/// Option sets, each with its letters (and the words Nagios also accepts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opts {
    /// Host `notification_options`, contact `host_notification_options`.
    HostNotify,
    /// Service `notification_options`, contact `service_notification_options`.
    ServiceNotify,
    /// Host `flap_detection_options` (a repeated directive replaces the set).
    HostFlap,
    /// Service `flap_detection_options` (a repeated directive replaces the set).
    ServiceFlap,
    /// Host `stalking_options`.
    HostStalk,
    /// Service `stalking_options`.
    ServiceStalk,
    /// Host `initial_state` (one letter).
    HostState,
    /// Service `initial_state` (one letter).
    ServiceState,
    /// Host escalation `escalation_options`.
    HostEscalation,
    /// Service escalation `escalation_options`.
    ServiceEscalation,
    /// Host dependency failure options.
    HostDependency,
    /// Service dependency failure options.
    ServiceDependency,
}

/// Bits shared by every option set (`OPT_*` in Nagios' `include/objects.h`).
pub mod bit {
    /// OK / UP / recovery (`o` or `r`).
    pub const OK: u32 = 1;
    /// DOWN (`d`).
    pub const DOWN: u32 = 1 << 1;
    /// WARNING (`w`), the same bit as DOWN.
    pub const WARNING: u32 = 1 << 1;
    /// UNREACHABLE (`u` on hosts).
    pub const UNREACHABLE: u32 = 1 << 2;
    /// CRITICAL (`c`), the same bit as UNREACHABLE.
    pub const CRITICAL: u32 = 1 << 2;
    /// UNKNOWN (`u` on services).
    pub const UNKNOWN: u32 = 1 << 3;
    /// PENDING (`p`, dependencies).
    pub const PENDING: u32 = 1 << 10;
    /// FLAPPING (`f`).
    pub const FLAPPING: u32 = 1 << 11;
    /// DOWNTIME (`s`).
    pub const DOWNTIME: u32 = 1 << 12;
    /// Notifications (`N`, stalking; never printed by Nagios 4.4.6).
    pub const NOTIFICATIONS: u32 = 1 << 13;
    /// `a` / `all`: every bit (`OPT_ALL`). Only this exact value prints as `a`.
    pub const ALL: u32 = u32::MAX;
}

/// One accepted word of an option set: the words, the bits they set.
pub type OptWord = (&'static [&'static str], u32);

impl Opts {
    /// Accepted words (`n`/`none` and `a`/`all` are handled by the caller).
    pub fn words(self) -> &'static [OptWord] {
        use bit::*;
        match self {
            Opts::HostNotify => &[
                (&["d", "down"], DOWN),
                (&["u", "unreachable"], UNREACHABLE),
                (&["r", "recovery"], OK),
                (&["f", "flapping"], FLAPPING),
                (&["s", "downtime"], DOWNTIME),
            ],
            Opts::ServiceNotify => &[
                (&["u", "unknown"], UNKNOWN),
                (&["w", "warning"], WARNING),
                (&["c", "critical"], CRITICAL),
                (&["r", "recovery"], OK),
                (&["f", "flapping"], FLAPPING),
                (&["s", "downtime"], DOWNTIME),
            ],
            Opts::HostFlap | Opts::HostState => {
                &[(&["o", "up"], OK), (&["d", "down"], DOWN), (&["u", "unreachable"], UNREACHABLE)]
            }
            Opts::HostStalk => &[
                (&["o", "up"], OK),
                (&["d", "down"], DOWN),
                (&["u", "unreachable"], UNREACHABLE),
                (&["N", "notifications"], NOTIFICATIONS),
            ],
            Opts::ServiceFlap | Opts::ServiceState => &[
                (&["o", "ok"], OK),
                (&["w", "warning"], WARNING),
                (&["u", "unknown"], UNKNOWN),
                (&["c", "critical"], CRITICAL),
            ],
            Opts::ServiceStalk => &[
                (&["o", "ok"], OK),
                (&["w", "warning"], WARNING),
                (&["u", "unknown"], UNKNOWN),
                (&["c", "critical"], CRITICAL),
                (&["N", "notifications"], NOTIFICATIONS),
            ],
            Opts::HostEscalation => &[
                (&["d", "down"], DOWN),
                (&["u", "unreachable"], UNREACHABLE),
                (&["r", "recovery"], OK),
            ],
            Opts::ServiceEscalation => &[
                (&["w", "warning"], WARNING),
                (&["u", "unknown"], UNKNOWN),
                (&["c", "critical"], CRITICAL),
                (&["r", "recovery"], OK),
            ],
            Opts::HostDependency => &[
                (&["o", "up"], OK),
                (&["d", "down"], DOWN),
                (&["u", "unreachable"], UNREACHABLE),
                (&["p", "pending"], PENDING),
            ],
            Opts::ServiceDependency => &[
                (&["o", "ok"], OK),
                (&["w", "warning"], WARNING),
                (&["u", "unknown"], UNKNOWN),
                (&["c", "critical"], CRITICAL),
                (&["p", "pending"], PENDING),
            ],
        }
    }

    /// Every bit of the set (what `a` means).
    pub fn all(self) -> u32 {
        bit::ALL
    }

    /// True for the single-letter `initial_state`.
    pub fn is_state(self) -> bool {
        matches!(self, Opts::HostState | Opts::ServiceState)
    }

    /// True when a repeated directive replaces the set instead of adding to it (Nagios resets
    /// flap detection options, whose default is "all", when the user gives any).
    pub fn replaces(self) -> bool {
        matches!(self, Opts::HostFlap | Opts::ServiceFlap)
    }

    /// The letter of the OK/UP bit when printed (`opts2str`'s `ok_char`): `r` in notification
    /// and escalation options, `u` (sic) in host flap and stalking options, `o` elsewhere.
    fn ok_letter(self) -> &'static str {
        match self {
            Opts::HostNotify
            | Opts::ServiceNotify
            | Opts::HostEscalation
            | Opts::ServiceEscalation => "r",
            Opts::HostFlap | Opts::HostStalk => "u",
            _ => "o",
        }
    }

    /// True for the sets printed with the host letter map.
    fn is_host(self) -> bool {
        matches!(
            self,
            Opts::HostNotify
                | Opts::HostFlap
                | Opts::HostStalk
                | Opts::HostState
                | Opts::HostEscalation
                | Opts::HostDependency
        )
    }

    /// Every set, for the rendering tables.
    const ALL: [Opts; 12] = [
        Opts::HostNotify,
        Opts::ServiceNotify,
        Opts::HostFlap,
        Opts::ServiceFlap,
        Opts::HostStalk,
        Opts::ServiceStalk,
        Opts::HostState,
        Opts::ServiceState,
        Opts::HostEscalation,
        Opts::ServiceEscalation,
        Opts::HostDependency,
        Opts::ServiceDependency,
    ];

    /// The printed letters in `opts2str` order: the OK letter, then the map's.
    fn letters(self) -> [(u32, &'static str); 7] {
        let ok = (bit::OK, self.ok_letter());
        if self.is_host() {
            [
                ok,
                (bit::DOWN, "d"),
                (bit::UNREACHABLE, "u"),
                (bit::FLAPPING, "f"),
                (bit::DOWNTIME, "s"),
                (bit::PENDING, "p"),
                (0, ""),
            ]
        } else {
            [
                ok,
                (bit::WARNING, "w"),
                (bit::UNKNOWN, "u"),
                (bit::CRITICAL, "c"),
                (bit::FLAPPING, "f"),
                (bit::DOWNTIME, "s"),
                (bit::PENDING, "p"),
            ]
        }
    }

    /// Printed as `objects.cache` does (`opts2str`): `n` for none, `a` only for `OPT_ALL`,
    /// otherwise the OK letter then the map's letters in map order. `initial_state` is always
    /// printed `o` by Nagios 4.4.6 (the value is never stored). The texts come from a table
    /// built once, so a registered object's option fields cost no allocation.
    pub fn render(self, bits: u32) -> &'static str {
        if self.is_state() {
            return "o";
        }
        if bits == 0 {
            return "n";
        }
        if bits == bit::ALL {
            return "a";
        }
        static TABLES: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
        let tables = TABLES.get_or_init(|| {
            Opts::ALL
                .iter()
                .map(|opts| {
                    let letters = opts.letters();
                    (0..1usize << letters.len())
                        .map(|index| {
                            let text: Vec<&str> = letters
                                .iter()
                                .enumerate()
                                .filter(|(i, (b, _))| index & (1 << i) != 0 && *b != 0)
                                .map(|(_, (_, l))| *l)
                                .collect();
                            &*Box::leak(text.join(",").into_boxed_str())
                        })
                        .collect()
                })
                .collect()
        });
        let index = self
            .letters()
            .iter()
            .enumerate()
            .filter(|(_, (b, _))| bits & b != 0)
            .fold(0usize, |acc, (i, _)| acc | 1 << i);
        let at = Opts::ALL.iter().position(|&o| o == self).unwrap_or(0);
        tables.get(at).and_then(|t| t.get(index)).copied().unwrap_or("")
    }

    /// Parse a value: `Ok(bits)` or the first word that is not accepted. `None` means the
    /// value reset the set (`n`).
    pub fn parse(self, value: &str) -> Result<u32, String> {
        let mut bits = 0;
        for word in value.split([',', ' ']).filter(|w| !w.is_empty()) {
            if word == "n" || word == "none" {
                bits = 0;
            } else if word == "a" || word == "all" {
                bits = self.all();
            } else if let Some((_, b)) = self.words().iter().find(|(w, _)| w.contains(&word)) {
                bits |= b;
            } else {
                return Err(word.to_owned());
            }
        }
        Ok(bits)
    }
}

/// One directive of a type.
#[derive(Debug)]
pub struct Field {
    /// Canonical name (as `objects.cache` prints it).
    pub name: &'static str,
    /// Other names Nagios accepts for it.
    pub aliases: &'static [&'static str],
    /// Storage and inheritance.
    pub kind: Kind,
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field { name, aliases: &[], kind }
}
const fn a(name: &'static str, aliases: &'static [&'static str], kind: Kind) -> Field {
    Field { name, aliases, kind }
}

use Kind::{List, Name, Number, Plain, Text};

const TIMEPERIOD: &[Field] = &[f("timeperiod_name", Name), f("alias", Plain), f("exclude", Plain)];
const COMMAND: &[Field] = &[f("command_name", Name), f("command_line", Plain)];
const CONTACTGROUP: &[Field] = &[
    f("contactgroup_name", Name),
    f("alias", Plain),
    f("members", List),
    f("contactgroup_members", List),
];
const HOSTGROUP: &[Field] = &[
    f("hostgroup_name", Name),
    f("alias", Plain),
    f("members", List),
    f("hostgroup_members", List),
    f("notes", Text),
    f("notes_url", Text),
    f("action_url", Text),
];
const SERVICEGROUP: &[Field] = &[
    f("servicegroup_name", Name),
    f("alias", Plain),
    f("members", List),
    f("servicegroup_members", List),
    f("notes", Text),
    f("notes_url", Text),
    f("action_url", Text),
];
const CONTACT: &[Field] = &[
    f("contact_name", Name),
    f("alias", Plain),
    a("contactgroups", &["contact_groups"], List),
    f("email", Text),
    f("pager", Text),
    f("address1", Text),
    f("address2", Text),
    f("address3", Text),
    f("address4", Text),
    f("address5", Text),
    f("address6", Text),
    f("host_notification_period", Text),
    f("service_notification_period", Text),
    f("host_notification_options", Kind::Options(Opts::HostNotify)),
    f("service_notification_options", Kind::Options(Opts::ServiceNotify)),
    f("host_notification_commands", List),
    f("service_notification_commands", List),
    f("host_notifications_enabled", Number),
    f("service_notifications_enabled", Number),
    f("can_submit_commands", Number),
    f("retain_status_information", Number),
    f("retain_nonstatus_information", Number),
    a("minimum_importance", &["minimum_value"], Number),
];
const HOST: &[Field] = &[
    f("host_name", Name),
    f("alias", Plain),
    f("address", Plain),
    f("display_name", Text),
    f("parents", List),
    a("hostgroups", &["host_groups"], List),
    f("check_command", Text),
    f("check_period", Text),
    a("check_interval", &["normal_check_interval"], Number),
    a("retry_interval", &["retry_check_interval"], Number),
    f("max_check_attempts", Number),
    a("active_checks_enabled", &["checks_enabled"], Number),
    f("passive_checks_enabled", Number),
    f("check_freshness", Number),
    f("freshness_threshold", Number),
    f("contacts", List),
    f("contact_groups", List),
    f("notification_period", Text),
    f("notification_interval", Number),
    f("first_notification_delay", Number),
    f("notification_options", Kind::Options(Opts::HostNotify)),
    f("notifications_enabled", Number),
    f("flap_detection_enabled", Number),
    f("flap_detection_options", Kind::Options(Opts::HostFlap)),
    f("low_flap_threshold", Number),
    f("high_flap_threshold", Number),
    f("event_handler", Text),
    f("event_handler_enabled", Number),
    f("stalking_options", Kind::Options(Opts::HostStalk)),
    f("process_perf_data", Number),
    f("initial_state", Kind::Options(Opts::HostState)),
    a("obsess", &["obsess_over_host"], Number),
    a("importance", &["hourly_value"], Number),
    f("notes", Text),
    f("notes_url", Text),
    f("action_url", Text),
    f("icon_image", Text),
    f("icon_image_alt", Text),
    f("vrml_image", Text),
    a("statusmap_image", &["gd2_image"], Text),
    f("2d_coords", Text),
    f("3d_coords", Text),
    f("retain_status_information", Number),
    f("retain_nonstatus_information", Number),
];
const SERVICE: &[Field] = &[
    a("host_name", &["host", "hosts"], List),
    a("hostgroup_name", &["hostgroup", "hostgroups"], List),
    a("service_description", &["description"], Text),
    f("display_name", Text),
    a("servicegroups", &["service_groups"], List),
    f("parents", List),
    f("check_command", Text),
    f("check_period", Text),
    a("check_interval", &["normal_check_interval"], Number),
    a("retry_interval", &["retry_check_interval"], Number),
    f("max_check_attempts", Number),
    f("is_volatile", Number),
    f("parallelize_check", Number),
    f("active_checks_enabled", Number),
    f("passive_checks_enabled", Number),
    f("check_freshness", Number),
    f("freshness_threshold", Number),
    f("contacts", List),
    f("contact_groups", List),
    f("notification_period", Text),
    f("notification_interval", Number),
    f("first_notification_delay", Number),
    f("notification_options", Kind::Options(Opts::ServiceNotify)),
    f("notifications_enabled", Number),
    f("flap_detection_enabled", Number),
    f("flap_detection_options", Kind::Options(Opts::ServiceFlap)),
    f("low_flap_threshold", Number),
    f("high_flap_threshold", Number),
    f("event_handler", Text),
    f("event_handler_enabled", Number),
    f("stalking_options", Kind::Options(Opts::ServiceStalk)),
    f("process_perf_data", Number),
    f("initial_state", Kind::Options(Opts::ServiceState)),
    a("obsess", &["obsess_over_service"], Number),
    a("importance", &["hourly_value"], Number),
    f("notes", Text),
    f("notes_url", Text),
    f("action_url", Text),
    f("icon_image", Text),
    f("icon_image_alt", Text),
    f("retain_status_information", Number),
    f("retain_nonstatus_information", Number),
];
const SERVICEDEPENDENCY: &[Field] = &[
    a("host_name", &["host", "master_host", "master_host_name"], List),
    a("hostgroup_name", &["hostgroup", "hostgroups"], List),
    a("servicegroup_name", &["servicegroup", "servicegroups"], List),
    a(
        "service_description",
        &["description", "master_description", "master_service_description"],
        List,
    ),
    a("dependent_host_name", &["dependent_host"], List),
    a("dependent_hostgroup_name", &["dependent_hostgroup", "dependent_hostgroups"], List),
    a("dependent_servicegroup_name", &["dependent_servicegroup", "dependent_servicegroups"], List),
    a("dependent_service_description", &["dependent_description"], List),
    f("dependency_period", Text),
    f("inherits_parent", Number),
    a(
        "execution_failure_options",
        &["execution_failure_criteria"],
        Kind::Options(Opts::ServiceDependency),
    ),
    a(
        "notification_failure_options",
        &["notification_failure_criteria"],
        Kind::Options(Opts::ServiceDependency),
    ),
];
const HOSTDEPENDENCY: &[Field] = &[
    a("host_name", &["host", "master_host", "master_host_name"], List),
    a("hostgroup_name", &["hostgroup", "hostgroups"], List),
    a("dependent_host_name", &["dependent_host"], List),
    a("dependent_hostgroup_name", &["dependent_hostgroup", "dependent_hostgroups"], List),
    f("dependency_period", Text),
    f("inherits_parent", Number),
    a(
        "execution_failure_options",
        &["execution_failure_criteria"],
        Kind::Options(Opts::HostDependency),
    ),
    a(
        "notification_failure_options",
        &["notification_failure_criteria"],
        Kind::Options(Opts::HostDependency),
    ),
];
const SERVICEESCALATION: &[Field] = &[
    a("host_name", &["host"], List),
    a("hostgroup_name", &["hostgroup", "hostgroups"], List),
    a("servicegroup_name", &["servicegroup", "servicegroups"], List),
    a("service_description", &["description"], List),
    f("contacts", List),
    f("contact_groups", List),
    f("first_notification", Number),
    f("last_notification", Number),
    f("notification_interval", Number),
    f("escalation_period", Text),
    f("escalation_options", Kind::Options(Opts::ServiceEscalation)),
];
const HOSTESCALATION: &[Field] = &[
    a("host_name", &["host"], List),
    a("hostgroup_name", &["hostgroup", "hostgroups"], List),
    f("contacts", List),
    f("contact_groups", List),
    f("first_notification", Number),
    f("last_notification", Number),
    f("notification_interval", Number),
    f("escalation_period", Text),
    f("escalation_options", Kind::Options(Opts::HostEscalation)),
];
const HOSTEXTINFO: &[Field] = &[
    f("host_name", List),
    a("hostgroup_name", &["hostgroup"], List),
    f("notes", Text),
    f("notes_url", Text),
    f("action_url", Text),
    f("icon_image", Text),
    f("icon_image_alt", Text),
    f("vrml_image", Text),
    a("statusmap_image", &["gd2_image"], Text),
    f("2d_coords", Text),
    f("3d_coords", Text),
];
const SERVICEEXTINFO: &[Field] = &[
    f("host_name", List),
    a("hostgroup_name", &["hostgroup"], List),
    f("service_description", Text),
    f("notes", Text),
    f("notes_url", Text),
    f("action_url", Text),
    f("icon_image", Text),
    f("icon_image_alt", Text),
];

/// The fields of `ty`, in a fixed order (their index is the slot index in a stored object).
pub fn fields(ty: ObjectType) -> &'static [Field] {
    match ty {
        ObjectType::TimePeriod => TIMEPERIOD,
        ObjectType::Command => COMMAND,
        ObjectType::ContactGroup => CONTACTGROUP,
        ObjectType::HostGroup => HOSTGROUP,
        ObjectType::ServiceGroup => SERVICEGROUP,
        ObjectType::Contact => CONTACT,
        ObjectType::Host => HOST,
        ObjectType::Service => SERVICE,
        ObjectType::ServiceDependency => SERVICEDEPENDENCY,
        ObjectType::ServiceEscalation => SERVICEESCALATION,
        ObjectType::HostDependency => HOSTDEPENDENCY,
        ObjectType::HostEscalation => HOSTESCALATION,
        ObjectType::HostExtInfo => HOSTEXTINFO,
        ObjectType::ServiceExtInfo => SERVICEEXTINFO,
    }
}

/// The slot index of directive `name` (canonical or alias) in `ty`.
pub fn lookup(ty: ObjectType, name: &str) -> Option<usize> {
    static TABLES: OnceLock<Vec<HashMap<&'static str, usize>>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        ObjectType::ALL
            .iter()
            .map(|&t| {
                let mut map = HashMap::default();
                for (i, field) in fields(t).iter().enumerate() {
                    map.insert(field.name, i);
                    for alias in field.aliases {
                        map.insert(*alias, i);
                    }
                }
                map
            })
            .collect()
    });
    let at = ObjectType::ALL.iter().position(|&t| t == ty)?;
    tables.get(at)?.get(name).copied()
}

/// [`lookup`] for the model's own `&'static str` names, memoised per thread by address and
/// length: registration asks for ~40 directives of each of ~100,000 objects, and hashing a
/// pointer is cheaper than hashing and comparing the name (12% of a large `check` before).
pub fn lookup_static(ty: ObjectType, name: &'static str) -> Option<usize> {
    thread_local! {
        static CACHE: RefCell<HashMap<(ObjectType, usize, usize), Option<usize>>> =
            RefCell::default();
    }
    let key = (ty, name.as_ptr() as usize, name.len());
    if let Some(hit) = CACHE.with(|cache| cache.borrow().get(&key).copied()) {
        return hit;
    }
    let found = lookup(ty, name);
    CACHE.with(|cache| cache.borrow_mut().insert(key, found));
    found
}

/// The slot index of canonical `name`; panics in tests only when the table lacks it.
pub fn slot(ty: ObjectType, name: &str) -> usize {
    let index = lookup(ty, name);
    debug_assert!(index.is_some(), "{name} is not a field of {ty:?}");
    index.unwrap_or(usize::MAX)
}

/// The directive holding the real name of objects of `ty`, for the types that have one.
pub fn name_field(ty: ObjectType) -> Option<&'static str> {
    Some(match ty {
        ObjectType::TimePeriod => "timeperiod_name",
        ObjectType::Command => "command_name",
        ObjectType::ContactGroup => "contactgroup_name",
        ObjectType::HostGroup => "hostgroup_name",
        ObjectType::ServiceGroup => "servicegroup_name",
        ObjectType::Contact => "contact_name",
        ObjectType::Host => "host_name",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_a_directive_nagios_accepts() {
        use nag2prom_parsers::object::directives::is_known_directive;
        for ty in ObjectType::ALL {
            for field in fields(ty) {
                for name in std::iter::once(&field.name).chain(field.aliases) {
                    assert!(is_known_directive(ty, name), "{ty:?} {name}");
                }
            }
        }
    }

    #[test]
    fn options_render_like_objects_cache() {
        assert_eq!(Opts::HostNotify.render(bit::DOWN | bit::OK), "r,d");
        assert_eq!(Opts::HostNotify.render(0), "n");
        assert_eq!(Opts::HostNotify.render(Opts::HostNotify.all()), "a");
        // Listing every letter is not `a` (only OPT_ALL is).
        assert_eq!(
            Opts::HostNotify.render(Opts::HostNotify.parse("d,u,r,f,s").unwrap()),
            "r,d,u,f,s"
        );
        assert_eq!(Opts::HostFlap.render(Opts::HostFlap.parse("o,d,u").unwrap()), "u,d,u");
        assert_eq!(
            Opts::ServiceNotify.render(Opts::ServiceNotify.parse("w,u,c,r").unwrap()),
            "r,w,u,c"
        );
        assert_eq!(Opts::HostNotify.parse("d, r"), Ok(bit::DOWN | bit::OK));
        assert_eq!(Opts::HostNotify.parse("x"), Err("x".to_owned()));
        assert_eq!(Opts::HostState.render(bit::DOWN), "o");
    }
}
