//! Steps 8–10: implied inheritance and defaults (`xodtemplate_inherit_object_properties`,
//! §6), registration of the final objects with every field `objects.cache` prints (§13), and
//! the pre-flight checks (`pre_flight_check`, §11).

use rustc_hash::FxHashMap as HashMap;

use nag2prom_parsers::number;
use nag2prom_parsers::object::ObjectType;

use super::expand::{Groups, Index, ServiceInst, items};
use super::raw::{Raw, RawId, Raws, Slot, Text, Val};
use super::relations::{Dependency, DependencyKind, Escalation};
use super::schema::{self, Kind, bit};
use super::services::ServiceTable;
use super::{Field, Object, Value};

/// Numbers printed with `%f`.
fn is_float(name: &str) -> bool {
    matches!(
        name,
        "check_interval"
            | "retry_interval"
            | "notification_interval"
            | "first_notification_delay"
            | "low_flap_threshold"
            | "high_flap_threshold"
    )
}

/// Numbers printed with `%d` that are not booleans.
fn is_integer(name: &str) -> bool {
    matches!(
        name,
        "max_check_attempts"
            | "freshness_threshold"
            | "first_notification"
            | "last_notification"
            | "importance"
            | "minimum_importance"
    )
}

/// Builds one object's fields in `objects.cache` order.
pub struct Builder<'a> {
    /// For services: the host, for implied inheritance.
    host: Option<&'a Raw>,
    /// The object being built.
    pub obj: Object,
}

impl<'a> Builder<'a> {
    /// Start an object of `ty` defined by `def`.
    pub fn new(ty: ObjectType, def: &Raw) -> Self {
        Builder {
            host: None,
            obj: Object {
                object_type: ty,
                file: def.file,
                span: def.span,
                fields: Vec::with_capacity(match ty {
                    ObjectType::Host | ObjectType::Service => 44,
                    ObjectType::Contact => 24,
                    _ => 10,
                }),
            },
        }
    }

    /// `raw`'s slot `name`, or for a service the host's where implied inheritance applies (I1,
    /// I2).
    fn get(&self, raw: &'a Raw, name: &'static str) -> Option<&'a Slot> {
        match self.host {
            Some(host) => implied_get(raw, host, name),
            None => raw.get_static(name),
        }
    }

    fn push(&mut self, name: &'static str, value: Value, origin: Option<RawId>) {
        self.obj.fields.push(Field { name, value, origin, cached: true });
    }

    /// A text field, printed when set and not `null`.
    pub fn text(&mut self, raw: &'a Raw, name: &'static str) {
        if let Some(slot) = self.get(raw, name)
            && let Some(text) = slot.text()
        {
            let origin = Some(slot.from);
            self.push(name, Value::Text(text.clone()), origin);
        }
    }

    /// A text field with a fallback value.
    pub fn text_or(&mut self, raw: &'a Raw, name: &'static str, default: &Text) {
        match self.get(raw, name).filter(|s| s.text().is_some()) {
            Some(_) => self.text(raw, name),
            None => self.push(name, Value::Text(default.clone()), None),
        }
    }

    /// A list field, printed when non-empty.
    pub fn list(&mut self, name: &'static str, list: Vec<Text>, origin: Option<RawId>) {
        if !list.is_empty() {
            self.push(name, Value::List(list.into_boxed_slice()), origin);
        }
    }

    /// A list directive of `raw` as written (items stripped).
    pub fn raw_list(&mut self, raw: &'a Raw, name: &'static str) {
        if let Some(slot) = self.get(raw, name)
            && let Some(text) = slot.text()
        {
            let list = items(text).map(Text::from).collect();
            let origin = Some(slot.from);
            self.list(name, list, origin);
        }
    }

    /// A number: its value if set, else `default`.
    pub fn number(&mut self, raw: &'a Raw, name: &'static str, default: f64) {
        let slot = self.get(raw, name).filter(|s| matches!(s.val, Val::Text(Some(_))));
        let text = slot.and_then(Slot::text);
        let origin = slot.map(|s| s.from);
        let value = if is_float(name) {
            Value::Float(text.map_or(default, |t| number::strtod(t).map_or(0.0, |(v, _)| v)))
        } else if is_integer(name) {
            Value::Int(text.map_or(default as i64, |t| i64::from(number::atoi(t.as_bytes()))))
        } else {
            Value::Int(text.map_or(default as i64, |t| i64::from(number::atoi(t.as_bytes()) > 0)))
        };
        self.push(name, value, origin);
    }

    /// An option set: its value if set, else `default`.
    pub fn options(&mut self, raw: &'a Raw, name: &'static str, default: u32) {
        let Some(field) = schema::lookup(raw.ty, name).map(|i| &schema::fields(raw.ty)[i]) else {
            return;
        };
        let Kind::Options(opts) = field.kind else { return };
        let slot = self.get(raw, name);
        let bits = match slot {
            Some(Slot { val: Val::Bits(b), .. }) => *b,
            _ => default,
        };
        let origin = slot.map(|s| s.from);
        self.push(name, Value::Options(opts.render(bits)), origin);
    }

    /// Custom variables.
    pub fn custom(&mut self, raw: &Raw) {
        for (name, value, from) in &raw.custom {
            let origin = Some(*from);
            let value = value.clone().map_or(Value::Null, Value::Text);
            self.push(super::names::custom(name), value, origin);
        }
    }

    /// A field `objects.cache` does not print but the model exposes (group memberships).
    pub fn derived(&mut self, name: &'static str, list: Vec<Text>) {
        if !list.is_empty() {
            self.obj.fields.push(Field {
                name,
                value: Value::List(list.into_boxed_slice()),
                origin: None,
                cached: false,
            });
        }
    }

    /// Finish.
    pub fn finish(mut self) -> Object {
        // Right-size: the fields were built in a vector sized for the longest objects, and a
        // large installation keeps ~100,000 of these for the whole run.
        let mut fields = Vec::with_capacity(self.obj.fields.len());
        fields.append(&mut self.obj.fields);
        self.obj.fields = fields;
        self.obj
    }
}

/// Everything registration needs.
pub struct Inputs<'r, 'i> {
    /// Names.
    pub index: &'i Index<'r>,
    /// Host groups.
    pub hostgroups: &'i Groups<'r>,
    /// Contact groups.
    pub contactgroups: &'i Groups<'r>,
    /// Services.
    pub services: &'i ServiceTable<'r>,
    /// Service groups.
    pub servicegroups: &'i HashMap<&'r str, Vec<(&'r str, &'r str)>>,
    /// Escalations.
    pub escalations: &'i [Escalation<'r>],
    /// Dependencies.
    pub dependencies: &'i [Dependency<'r>],
}

fn sorted_texts<'r>(names: impl IntoIterator<Item = &'r str>) -> Vec<Text> {
    let mut v: Vec<&str> = names.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter().map(Text::from).collect()
}

/// Group → members, turned into member → groups.
fn groups_of<'r, M: Copy + Eq + std::hash::Hash>(
    members: &HashMap<&'r str, Vec<M>>,
) -> HashMap<M, Vec<&'r str>> {
    let mut out: HashMap<M, Vec<&'r str>> = HashMap::default();
    for (group, list) in members {
        for &m in list {
            out.entry(m).or_default().push(group);
        }
    }
    out
}

/// Build every registered object.
pub fn register(inp: &Inputs<'_, '_>) -> Vec<Object> {
    let raws = inp.index.raws;
    let mut objects = Vec::new();
    // Memberships seen from the member side.
    let host_groups = groups_of(&inp.hostgroups.members);
    let contact_groups = groups_of(&inp.contactgroups.members);
    let service_groups = groups_of(inp.servicegroups);
    let (host_extinfo, service_extinfo) = extinfo(inp);

    // The named types, in objects.cache order (services and the rest follow).
    for &ty in &super::CACHE_ORDER[..7] {
        for raw in inp.index.of(ty) {
            let Some(name) = raw.real_name().cloned() else { continue };
            let mut b = Builder::new(ty, raw);
            let name_field = schema::name_field(ty).unwrap_or("name");
            let origin = raw.get(name_field).map(|s| s.from);
            b.push(name_field, Value::Text(name.clone()), origin);
            match ty {
                ObjectType::TimePeriod => timeperiod(&mut b, raw, &name),
                ObjectType::Command => b.text_or(raw, "command_line", &Text::from("")),
                ObjectType::ContactGroup | ObjectType::HostGroup => {
                    b.text_or(raw, "alias", &name);
                    let groups = if ty == ObjectType::HostGroup {
                        inp.hostgroups
                    } else {
                        inp.contactgroups
                    };
                    let members = groups.members.get(&*name).cloned().unwrap_or_default();
                    b.list("members", sorted_texts(members), None);
                    if ty == ObjectType::HostGroup {
                        for f in ["notes", "notes_url", "action_url"] {
                            b.text(raw, f);
                        }
                    }
                }
                ObjectType::ServiceGroup => {
                    b.text_or(raw, "alias", &name);
                    let mut members = inp.servicegroups.get(&*name).cloned().unwrap_or_default();
                    members.sort_unstable();
                    members.dedup();
                    let flat = members
                        .iter()
                        .flat_map(|(h, d)| [Text::from(*h), Text::from(*d)])
                        .collect();
                    b.list("members", flat, None);
                    for f in ["notes", "notes_url", "action_url"] {
                        b.text(raw, f);
                    }
                }
                ObjectType::Contact => {
                    contact(&mut b, raw, &name);
                    b.derived(
                        "contactgroups",
                        sorted_texts(contact_groups.get(&*name).cloned().unwrap_or_default()),
                    );
                }
                ObjectType::Host => {
                    host(&mut b, raw, &name, host_extinfo.get(&*name));
                    b.derived(
                        "hostgroups",
                        sorted_texts(host_groups.get(&*name).cloned().unwrap_or_default()),
                    );
                }
                _ => {}
            }
            objects.push(b.finish());
        }
    }
    let mut services: Vec<&ServiceInst<'_>> = inp.services.list.iter().collect();
    services.sort_unstable_by(|a, b| (a.host, a.description).cmp(&(b.host, b.description)));
    // Services are most of the work and independent of each other: build them on every core,
    // in order-preserving chunks.
    let build = |inst: &ServiceInst<'_>| {
        let raw = &raws.all[inst.def as usize];
        let host = inp.index.find(ObjectType::Host, inst.host);
        let mut b = Builder::new(ObjectType::Service, raw);
        service(&mut b, raw, inst, host, service_extinfo.get(&(inst.host, inst.description)));
        let groups =
            service_groups.get(&(inst.host, inst.description)).cloned().unwrap_or_default();
        b.derived("servicegroups", sorted_texts(groups));
        b.finish()
    };
    objects.extend(in_parallel(&services, |chunk| chunk.iter().map(|i| build(i)).collect()));
    // Service dependencies and escalations come before host ones (objects.cache order).
    let mut deps: Vec<&Dependency<'_>> = inp.dependencies.iter().collect();
    deps.sort_by_key(|d| {
        let execution = d.kind == DependencyKind::Execution;
        (d.host, d.description, d.dependent_host, d.dependent_description, execution)
    });
    let mut escs: Vec<&Escalation<'_>> = inp.escalations.iter().collect();
    escs.sort_by_key(|e| (e.host, e.description));
    for services in [true, false] {
        for dep in deps.iter().filter(|d| d.description.is_some() == services) {
            objects.push(dependency(raws, dep));
        }
        for esc in escs.iter().filter(|e| e.description.is_some() == services) {
            objects.push(escalation(inp, esc));
        }
    }
    objects
}

/// `work` over `items` split into one chunk per available core (a single chunk for small
/// inputs), the results concatenated in order.
fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    const MIN_CHUNK: usize = 4096;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(threads).max(MIN_CHUNK);
    if items.len() <= chunk {
        return work(items);
    }
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(move || work(part))).collect();
        let mut out = Vec::with_capacity(items.len());
        for handle in handles {
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

fn timeperiod<'a>(b: &mut Builder<'a>, raw: &'a Raw, name: &Text) {
    b.text_or(raw, "alias", name);
    if let Some(slot) = raw.get("exclude")
        && let Some(text) = slot.text()
    {
        let origin = Some(slot.from);
        b.list("exclude", items(text).map(Text::from).collect(), origin);
    }
    let mut exceptions: Vec<_> = raw.exceptions.iter().collect();
    exceptions.sort_by_key(|e| e.rank);
    for e in exceptions {
        let origin = Some(e.from);
        b.obj.fields.push(Field {
            name: super::names::intern(&e.date),
            value: Value::Text(Text::from(&*e.ranges)),
            origin,
            cached: true,
        });
    }
    const DAYS: [&str; 7] =
        ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
    for (day, value) in DAYS.iter().zip(&raw.days) {
        if let Some((ranges, from)) = value {
            // Weekday ranges are kept sorted by start time.
            let mut list: Vec<&str> = ranges.split(',').filter(|r| !r.is_empty()).collect();
            list.sort_by(|a, b| a.get(..5).cmp(&b.get(..5)));
            let origin = Some(*from);
            b.push(day, Value::Text(Text::from(list.join(","))), origin);
        }
    }
}

fn contact<'a>(b: &mut Builder<'a>, raw: &'a Raw, name: &Text) {
    b.text_or(raw, "alias", name);
    b.text(raw, "service_notification_period");
    b.text(raw, "host_notification_period");
    b.options(raw, "service_notification_options", 0);
    b.options(raw, "host_notification_options", 0);
    for field in ["service_notification_commands", "host_notification_commands"] {
        if let Some(slot) = raw.get(field)
            && let Some(text) = slot.text()
        {
            // Split on commas and spaces (`xodtemplate_register_contact`).
            let list = text.split([',', ' ']).filter(|s| !s.is_empty()).map(Text::from).collect();
            let origin = Some(slot.from);
            b.list(field, list, origin);
        }
    }
    for f in
        ["email", "pager", "address1", "address2", "address3", "address4", "address5", "address6"]
    {
        b.text(raw, f);
    }
    b.number(raw, "minimum_importance", 0.0);
    b.number(raw, "host_notifications_enabled", 1.0);
    b.number(raw, "service_notifications_enabled", 1.0);
    b.number(raw, "can_submit_commands", 1.0);
    b.number(raw, "retain_status_information", 1.0);
    b.number(raw, "retain_nonstatus_information", 1.0);
    b.custom(raw);
}

type ExtInfo = Vec<(&'static str, Text, Option<RawId>)>;
/// Extinfo values per host, and per (host, description).
type ExtInfoMaps<'r> = (HashMap<&'r str, ExtInfo>, HashMap<(&'r str, &'r str), ExtInfo>);

/// hostextinfo / serviceextinfo values per host / service (merged where the object left the
/// field unset).
fn extinfo<'r>(inp: &Inputs<'r, '_>) -> ExtInfoMaps<'r> {
    let raws = inp.index.raws;
    let mut hosts: HashMap<&'r str, ExtInfo> = HashMap::default();
    let mut services: HashMap<(&'r str, &'r str), ExtInfo> = HashMap::default();
    for raw in &raws.all {
        if !raw.register || !matches!(raw.ty, ObjectType::HostExtInfo | ObjectType::ServiceExtInfo)
        {
            continue;
        }
        let mut targets: Vec<&'r str> = Vec::new();
        if let Some(list) = raw.text("host_name") {
            for h in items(list) {
                if let Some(found) = inp.index.find(ObjectType::Host, h).and_then(Raw::real_name) {
                    targets.push(found);
                }
            }
        }
        if let Some(list) = raw.text("hostgroup_name") {
            for g in items(list) {
                targets.extend(inp.hostgroups.members.get(g).map(Vec::as_slice).unwrap_or(&[]));
            }
        }
        let fields: &[&'static str] = if raw.ty == ObjectType::HostExtInfo {
            &[
                "notes",
                "notes_url",
                "action_url",
                "icon_image",
                "icon_image_alt",
                "vrml_image",
                "statusmap_image",
                "2d_coords",
                "3d_coords",
            ]
        } else {
            &["notes", "notes_url", "action_url", "icon_image", "icon_image_alt"]
        };
        let origin = Some(raw.id);
        let values: ExtInfo =
            fields.iter().filter_map(|f| raw.text(f).map(|t| (*f, t.clone(), origin))).collect();
        for host in targets {
            if raw.ty == ObjectType::HostExtInfo {
                hosts.entry(host).or_default().extend(values.iter().cloned());
            } else if let Some(desc) = raw.text("service_description")
                && let Some((key, _)) = inp.services.by_key.get_key_value(&(host, &**desc))
            {
                services.entry(*key).or_default().extend(values.iter().cloned());
            }
        }
    }
    (hosts, services)
}

/// The value of `name` from extinfo when `raw` left it unset.
fn ext_text<'a>(b: &mut Builder<'a>, raw: &'a Raw, name: &'static str, ext: Option<&ExtInfo>) {
    if raw.get(name).is_some() {
        b.text(raw, name);
    } else if let Some((_, value, origin)) = ext.and_then(|e| e.iter().find(|(n, _, _)| *n == name))
    {
        b.push(name, Value::Text(value.clone()), *origin);
    }
}

fn host<'a>(b: &mut Builder<'a>, raw: &'a Raw, name: &Text, ext: Option<&ExtInfo>) {
    b.text(raw, "display_name");
    b.text_or(raw, "alias", name);
    b.text_or(raw, "address", name);
    b.raw_list(raw, "parents");
    check_fields(b, raw);
    for f in ["icon_image", "icon_image_alt", "vrml_image", "statusmap_image"] {
        ext_text(b, raw, f, ext);
    }
    let coords2 = raw.text("2d_coords").cloned().or_else(|| {
        ext.and_then(|e| e.iter().find(|(n, _, _)| *n == "2d_coords")).map(|(_, v, _)| v.clone())
    });
    if let Some(c) = coords2 {
        let parts: Vec<i32> = c.split(',').map(|p| number::atoi(p.trim().as_bytes())).collect();
        if parts.len() == 2 {
            b.push(
                "2d_coords",
                Value::Text(Text::from(format!("{},{}", parts[0], parts[1]))),
                None,
            );
        }
    }
    let coords3 = raw.text("3d_coords").cloned().or_else(|| {
        ext.and_then(|e| e.iter().find(|(n, _, _)| *n == "3d_coords")).map(|(_, v, _)| v.clone())
    });
    if let Some(c) = coords3 {
        let parts: Vec<f64> =
            c.split(',').map(|p| number::strtod(p.trim()).map_or(0.0, |(v, _)| v)).collect();
        if parts.len() == 3 {
            b.push(
                "3d_coords",
                Value::Text(Text::from(format!("{:.6},{:.6},{:.6}", parts[0], parts[1], parts[2]))),
                None,
            );
        }
    }
    for f in ["notes", "notes_url", "action_url"] {
        ext_text(b, raw, f, ext);
    }
    b.number(raw, "retain_status_information", 1.0);
    b.number(raw, "retain_nonstatus_information", 1.0);
    b.custom(raw);
}

/// The fields hosts and services share, from `check_period` to `process_perf_data`, in
/// `objects.cache` order.
fn check_fields<'a>(b: &mut Builder<'a>, raw: &'a Raw) {
    b.text(raw, "check_period");
    b.text(raw, "check_command");
    b.text(raw, "event_handler");
    b.raw_list(raw, "contacts");
    b.raw_list(raw, "contact_groups");
    b.text(raw, "notification_period");
    b.options(raw, "initial_state", bit::OK);
    b.number(raw, "importance", 0.0);
    common_numbers(b, raw);
    b.options(raw, "stalking_options", 0);
    b.number(raw, "process_perf_data", 1.0);
}

/// The numeric and option fields hosts and services share, in `objects.cache` order.
fn common_numbers<'a>(b: &mut Builder<'a>, raw: &'a Raw) {
    b.number(raw, "check_interval", 5.0);
    b.number(raw, "retry_interval", 1.0);
    b.number(raw, "max_check_attempts", 0.0);
    if raw.ty == ObjectType::Service {
        b.number(raw, "is_volatile", 0.0);
        b.number(raw, "parallelize_check", 1.0);
    }
    b.number(raw, "active_checks_enabled", 1.0);
    b.number(raw, "passive_checks_enabled", 1.0);
    b.number(raw, "obsess", 1.0);
    b.number(raw, "event_handler_enabled", 1.0);
    b.number(raw, "low_flap_threshold", 0.0);
    b.number(raw, "high_flap_threshold", 0.0);
    b.number(raw, "flap_detection_enabled", 1.0);
    b.options(raw, "flap_detection_options", bit::ALL);
    b.number(raw, "freshness_threshold", 0.0);
    b.number(raw, "check_freshness", 0.0);
    b.options(raw, "notification_options", bit::ALL);
    b.number(raw, "notifications_enabled", 1.0);
    b.number(raw, "notification_interval", 30.0);
    b.number(raw, "first_notification_delay", 0.0);
}

/// Implied inheritance for services (I1, I2): the service's slot `name`, or the host's for
/// contacts and contact groups (when the service has neither) and the notification interval
/// and period (when the service has none).
fn implied_get<'a>(raw: &'a Raw, host: &'a Raw, name: &'static str) -> Option<&'a Slot> {
    match name {
        "contacts" | "contact_groups" => {
            if raw.get_static("contacts").is_none() && raw.get_static("contact_groups").is_none() {
                host.get_static(name)
            } else {
                raw.get_static(name)
            }
        }
        "notification_interval" | "notification_period" => {
            raw.get_static(name).or_else(|| host.get_static(name))
        }
        _ => raw.get_static(name),
    }
}

fn service<'a>(
    b: &mut Builder<'a>,
    raw: &'a Raw,
    inst: &ServiceInst<'_>,
    host: Option<&'a Raw>,
    ext: Option<&ExtInfo>,
) {
    b.host = host;
    b.push("host_name", Value::Text(Text::from(inst.host)), raw.get("host_name").map(|s| s.from));
    let desc_origin = raw.get("service_description").map(|s| s.from);
    b.push("service_description", Value::Text(Text::from(inst.description)), desc_origin);
    b.text(raw, "display_name");
    if let Some(slot) = raw.get("parents")
        && let Some(text) = slot.text()
    {
        let parts: Vec<&str> = items(text).collect();
        let list: Vec<Text> = if parts.len() == 1 {
            vec![Text::from(parts[0])]
        } else {
            parts.into_iter().map(Text::from).collect()
        };
        let origin = Some(slot.from);
        b.list("parents", list, origin);
    }
    check_fields(b, raw);
    for f in ["icon_image", "icon_image_alt", "notes", "notes_url", "action_url"] {
        ext_text(b, raw, f, ext);
    }
    b.number(raw, "retain_status_information", 1.0);
    b.number(raw, "retain_nonstatus_information", 1.0);
    b.custom(raw);
}

/// Slot `field` of the escalated host or service (after implied inheritance).
fn target_get<'a>(
    inp: &Inputs<'a, '_>,
    esc: &Escalation<'_>,
    field: &'static str,
) -> Option<&'a Slot> {
    let raws = inp.index.raws;
    let host = inp.index.find(ObjectType::Host, esc.host);
    match esc.description {
        Some(d) => {
            let &i = inp.services.by_key.get(&(esc.host, d))?;
            let def = &raws.all[inp.services.list.get(i)?.def as usize];
            match host {
                Some(host) => implied_get(def, host, field),
                None => def.get(field),
            }
        }
        None => host?.get(field),
    }
}

/// The final list of `field` of the escalated host or service.
fn target_list(inp: &Inputs<'_, '_>, esc: &Escalation<'_>, field: &'static str) -> Vec<Text> {
    let slot = target_get(inp, esc, field);
    slot.and_then(Slot::text).map(|t| items(t).map(Text::from).collect()).unwrap_or_default()
}

fn escalation(inp: &Inputs<'_, '_>, esc: &Escalation<'_>) -> Object {
    let raws = inp.index.raws;
    let raw = &raws.all[esc.def as usize];
    let ty = if esc.description.is_some() {
        ObjectType::ServiceEscalation
    } else {
        ObjectType::HostEscalation
    };
    let mut b = Builder::new(ty, raw);
    b.push("host_name", Value::Text(Text::from(esc.host)), None);
    if let Some(d) = esc.description {
        b.push("service_description", Value::Text(Text::from(d)), None);
    }
    b.number(raw, "first_notification", -2.0);
    b.number(raw, "last_notification", -2.0);
    // notification_interval and escalation_period from the escalated object when unset (I4).
    let interval_slot =
        raw.get("notification_interval").or_else(|| target_get(inp, esc, "notification_interval"));
    let interval = interval_slot
        .and_then(Slot::text)
        .map_or(0.0, |t| number::strtod(t).map_or(0.0, |(v, _)| v))
        .max(0.0);
    let origin = interval_slot.map(|s| s.from);
    b.push("notification_interval", Value::Float(interval), origin);
    let period =
        raw.get("escalation_period").or_else(|| target_get(inp, esc, "notification_period"));
    if let Some(slot) = period
        && let Some(text) = slot.text()
    {
        let origin = Some(slot.from);
        b.push("escalation_period", Value::Text(text.clone()), origin);
    }
    b.options(raw, "escalation_options", bit::ALL);
    // Contacts (I4, I5).
    let own_contacts = raw.get("contacts");
    let own_groups = raw.get("contact_groups");
    for (field, own) in [("contacts", own_contacts), ("contact_groups", own_groups)] {
        let list: Vec<Text> = if own_contacts.is_none() && own_groups.is_none() {
            target_list(inp, esc, field)
        } else {
            match own.and_then(Slot::text) {
                Some(text) => match text.strip_prefix('+') {
                    Some(rest) => {
                        let mut list: Vec<Text> = items(rest).map(Text::from).collect();
                        for t in target_list(inp, esc, field) {
                            if !list.contains(&t) {
                                list.push(t);
                            }
                        }
                        list
                    }
                    None => items(text).map(Text::from).collect(),
                },
                None => Vec::new(),
            }
        };
        b.list(field, list, own.map(|s| s.from));
    }
    b.finish()
}

fn dependency(raws: &Raws, dep: &Dependency<'_>) -> Object {
    let raw = &raws.all[dep.def as usize];
    let ty = if dep.description.is_some() {
        ObjectType::ServiceDependency
    } else {
        ObjectType::HostDependency
    };
    let mut b = Builder::new(ty, raw);
    b.push("host_name", Value::Text(Text::from(dep.host)), None);
    if let Some(d) = dep.description {
        b.push("service_description", Value::Text(Text::from(d)), None);
    }
    b.push("dependent_host_name", Value::Text(Text::from(dep.dependent_host)), None);
    if let Some(d) = dep.dependent_description {
        b.push("dependent_service_description", Value::Text(Text::from(d)), None);
    }
    b.text(raw, "dependency_period");
    b.number(raw, "inherits_parent", 0.0);
    match dep.kind {
        DependencyKind::Notification => b.options(raw, "notification_failure_options", 0),
        DependencyKind::Execution => b.options(raw, "execution_failure_options", 0),
    }
    b.finish()
}
