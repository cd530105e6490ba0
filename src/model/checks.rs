//! Nagios' checks of definitions (end of definition, registration) and its pre-flight check
//! (`base/config.c:pre_flight_check`), with Nagios' classification of errors and warnings
//! (../shared/docs/nagios-formats.md §11).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use nag2prom_parsers::command::command_name;
use nag2prom_parsers::object::ObjectType;

use super::expand::{At, Index};
use super::raw::Raws;
use super::services::ServiceTable;
use super::{Model, Object, Value, schema};
use crate::diag::{Code, Diagnostic};
use crate::source::MainSettings;

/// Checks Nagios makes as each definition ends: a registered object of a named type needs its
/// own name or a template name ("Have you named all your objects?", T10, x8, z3).
pub fn definitions(raws: &Raws, diags: &mut Vec<Diagnostic>) {
    for raw in &raws.all {
        let Some(field) = schema::name_field(raw.ty) else { continue };
        if raw.register && raw.own_name().is_none() && raw.name.is_none() {
            diags.push(Diagnostic::new(
                Code::UnnamedObject,
                raw.file,
                raw.span,
                format!("{} definition has no {field} of its own and no name: have you named all your objects?", raw.ty),
            ));
        }
    }
}

/// Where `object`'s field `name` was written (the directive in the definition that set it),
/// else the object's definition.
fn at(index: &Index<'_>, object: &Object, name: &str) -> At {
    let origin = object.fields.iter().find(|f| f.name == name).and_then(|f| f.origin.as_ref());
    match origin.and_then(|&def| index.raws.all.get(def as usize)) {
        Some(raw) => At { file: raw.file, span: raw.span_of(name) },
        None => At { file: object.file, span: object.span },
    }
}

struct Pre<'a, 'r> {
    index: &'a Index<'r>,
    diags: &'a mut Vec<Diagnostic>,
    names: HashMap<ObjectType, HashSet<&'a str>>,
}

impl Pre<'_, '_> {
    fn exists(&self, ty: ObjectType, name: &str) -> bool {
        self.names.get(&ty).is_some_and(|s| s.contains(name))
    }

    fn push(&mut self, code: Code, at: At, message: String) {
        self.diags.push(Diagnostic::new(code, at.file, at.span, message));
    }

    fn reference(&mut self, object: &Object, field: &str, ty: ObjectType, what: &str) {
        let Some(Value::Text(value)) = object.get(field) else { return };
        if !self.exists(ty, value) {
            let at = at(self.index, object, field);
            self.push(
                Code::unknown(ty),
                at,
                format!(
                    "{what} `{value}` ({field}) of {} `{}` is not defined anywhere",
                    object.object_type,
                    object.key()
                ),
            );
        }
    }

    /// A command field (`check_command`, `event_handler`).
    fn command(&mut self, object: &Object, field: &str) {
        if let Some(Value::Text(value)) = object.get(field) {
            self.command_value(object, field, value);
        }
    }

    /// One command invocation `name!args` of `object`'s `field`.
    fn command_value(&mut self, object: &Object, field: &str, value: &str) {
        let name = command_name(value);
        if !self.exists(ObjectType::Command, name) {
            let at = at(self.index, object, field);
            self.push(
                Code::UnknownCommand,
                at,
                format!(
                    "{field} `{value}` of {} `{}`: command `{name}` is not defined anywhere (the name is everything before the first `!`, spaces included)",
                    object.object_type,
                    object.key()
                ),
            );
        }
    }

    fn list(&mut self, object: &Object, field: &str, ty: ObjectType) {
        let missing: Vec<String> = object
            .list(field)
            .iter()
            .filter(|n| !self.exists(ty, n))
            .map(ToString::to_string)
            .collect();
        for name in missing {
            let at = at(self.index, object, field);
            self.push(
                Code::unknown(ty),
                at,
                format!(
                    "{ty} `{name}` ({field} of {} `{}`) is not defined anywhere",
                    object.object_type,
                    object.key()
                ),
            );
        }
    }
}

/// The pre-flight check on the registered objects. `illegal` is `illegal_object_name_chars`;
/// `complete` says the objects come from a whole `nagios.cfg` (not loose object files), so
/// that having no hosts, services or contacts at all is an error.
pub fn preflight(
    model: &Model,
    index: &Index<'_>,
    table: &ServiceTable<'_>,
    illegal: Option<&str>,
    complete: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let mut names: HashMap<ObjectType, HashSet<&str>> = HashMap::default();
    for object in &model.objects {
        if let Some(name) = schema::name_field(object.object_type).and_then(|f| object.text(f)) {
            names.entry(object.object_type).or_default().insert(name);
        }
    }
    let mut pre = Pre { index, diags, names };
    for inst_ in &table.list {
        if !index.is_registered(ObjectType::Host, inst_.host) {
            let raw = &index.raws.all[inst_.def as usize];
            pre.push(
                Code::UnknownHost,
                At { file: raw.file, span: raw.span_of("host_name") },
                format!(
                    "unable to locate host `{}` for service `{}`: it is a template (register 0)",
                    inst_.host, inst_.description
                ),
            );
        }
    }
    for object in &model.objects {
        let ty = object.object_type;
        // Names of the named types, and service descriptions.
        let name_field = schema::name_field(ty)
            .or_else(|| (ty == ObjectType::Service).then_some("service_description"));
        if let (Some(chars), Some(field)) = (illegal, name_field)
            && let Some(name) = object.text(field)
            && name.contains(|c| chars.contains(c))
        {
            let at = at(index, object, field);
            pre.push(Code::IllegalName, at, format!("the name of {ty} `{name}` contains one or more characters of illegal_object_name_chars"));
        }
        match ty {
            ObjectType::Host | ObjectType::Service => {
                pre.command(object, "check_command");
                pre.command(object, "event_handler");
                pre.reference(object, "check_period", ObjectType::TimePeriod, "timeperiod");
                pre.reference(object, "notification_period", ObjectType::TimePeriod, "timeperiod");
                pre.list(object, "contacts", ObjectType::Contact);
                pre.list(object, "contact_groups", ObjectType::ContactGroup);
                if let Some(Value::Int(n)) = object.get("max_check_attempts")
                    && *n < 1
                {
                    let at = at(index, object, "max_check_attempts");
                    pre.push(
                        Code::InvalidValue,
                        at,
                        format!(
                            "invalid max_check_attempts value for {ty} `{}`: it must be at least 1",
                            object.key()
                        ),
                    );
                }
                if ty == ObjectType::Service && object.get("check_command").is_none() {
                    pre.push(
                        Code::MissingDirective,
                        At { file: object.file, span: object.span },
                        format!("service `{}` has no check command", object.key()),
                    );
                }
                if ty == ObjectType::Host {
                    pre.list(object, "parents", ObjectType::Host);
                }
                if object.list("contacts").is_empty() && object.list("contact_groups").is_empty() {
                    pre.push(Code::NoContacts, At { file: object.file, span: object.span }, format!("{ty} `{}` has no default contacts or contact groups: nobody is notified", object.key()));
                }
                if ty == ObjectType::Service && object.get("check_period").is_none() {
                    pre.push(Code::NoCheckPeriod, At { file: object.file, span: object.span }, format!("service `{}` has no check time period defined (Nagios treats it as always)", object.key()));
                }
                if ty == ObjectType::Service {
                    if let Some(Value::Options(o)) = object.get("notification_options")
                        && *o == "r"
                    {
                        let at = at(index, object, "notification_options");
                        pre.push(Code::RecoveryOnly, at, format!("recovery-only notification_options on service `{}` make no sense: add warning and/or critical", object.key()));
                    }
                    if let (Some(Value::Float(n)), Some(Value::Float(c))) =
                        (object.get("notification_interval"), object.get("check_interval"))
                        && *n > 0.0
                        && n < c
                    {
                        let at = at(index, object, "notification_interval");
                        pre.push(Code::ShortNotificationInterval, at, format!("service `{}` has a notification interval ({n}) shorter than its check interval ({c}): notifications are only re-sent after checks", object.key()));
                    }
                }
            }
            ObjectType::Contact => {
                for f in ["host_notification_period", "service_notification_period"] {
                    pre.reference(object, f, ObjectType::TimePeriod, "timeperiod");
                }
                for f in ["host_notification_commands", "service_notification_commands"] {
                    let values = object.list(f);
                    if values.is_empty() {
                        pre.push(
                            Code::MissingDirective,
                            At { file: object.file, span: object.span },
                            format!("contact `{}` has no {f}", object.key()),
                        );
                    }
                    for value in values {
                        pre.command_value(object, f, value);
                    }
                }
            }
            ObjectType::TimePeriod => pre.list(object, "exclude", ObjectType::TimePeriod),
            ObjectType::HostEscalation | ObjectType::ServiceEscalation => {
                pre.reference(object, "escalation_period", ObjectType::TimePeriod, "timeperiod");
                pre.list(object, "contacts", ObjectType::Contact);
                pre.list(object, "contact_groups", ObjectType::ContactGroup);
            }
            ObjectType::HostDependency | ObjectType::ServiceDependency => {
                pre.reference(object, "dependency_period", ObjectType::TimePeriod, "timeperiod");
            }
            _ => {}
        }
    }
    circular_parents(model, &mut pre);
    if complete {
        for (ty, what) in [
            (ObjectType::Host, "hosts"),
            (ObjectType::Service, "services"),
            (ObjectType::Contact, "contacts"),
        ] {
            if model.of(ty).next().is_none() {
                pre.diags.push(Diagnostic::without_location(
                    Code::NoObjects,
                    format!("there are no {what} defined: Nagios refuses to start"),
                ));
            }
        }
    }
}

/// The rest of Nagios' pre-flight check, on what `nagios.cfg` names: the global event
/// handlers and the OCSP/OCHP commands must be defined commands (errors), and
/// `illegal_macro_output_chars` should be set (a warning).
pub fn main_settings(model: &Model, settings: &MainSettings, diags: &mut Vec<Diagnostic>) {
    let commands: HashSet<&str> =
        model.of(ObjectType::Command).filter_map(|o| o.text("command_name")).collect();
    for command in &settings.commands {
        let name = command_name(&command.value);
        if !commands.contains(name) {
            let what = match command.variable {
                "global_host_event_handler" => "global host event handler",
                "global_service_event_handler" => "global service event handler",
                "ocsp_command" => "OCSP command",
                _ => "OCHP command",
            };
            diags.push(Diagnostic::new(
                Code::UnknownCommand,
                command.file,
                command.span,
                format!(
                    "{what} `{}` ({}): command `{name}` is not defined anywhere",
                    command.value, command.variable
                ),
            ));
        }
    }
    if settings.illegal_macro_output_chars.is_none() {
        diags.push(Diagnostic::without_location(
            Code::NoIllegalMacroOutputChars,
            "nothing specified for illegal_macro_output_chars: macro values in commands keep shell metacharacters such as `;` and `|`".to_owned(),
        ));
    }
}

/// Circular host parents are fatal.
fn circular_parents(model: &Model, pre: &mut Pre<'_, '_>) {
    let parents: HashMap<&str, (&Object, Vec<&str>)> = model
        .of(ObjectType::Host)
        .filter_map(|o| {
            Some((o.text("host_name")?, (o, o.list("parents").iter().map(|t| &**t).collect())))
        })
        .collect();
    let mut state: HashMap<&str, u8> = HashMap::default();
    for &start in parents.keys() {
        if state.contains_key(start) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some((name, next)) = stack.last_mut() {
            let list = parents.get(*name).map(|(_, p)| p.as_slice()).unwrap_or(&[]);
            if let Some(&parent) = list.get(*next) {
                *next += 1;
                match state.get(parent) {
                    None => {
                        state.insert(parent, 1);
                        stack.push((parent, 0));
                    }
                    Some(1) => {
                        if let Some((object, _)) = parents.get(*name) {
                            let at = at(pre.index, object, "parents");
                            pre.push(Code::CircularParents, at, format!("circular parent/child path: host `{name}` has `{parent}` as an ancestor and a descendant"));
                        }
                    }
                    _ => {}
                }
            } else {
                state.insert(name, 2);
                stack.pop();
            }
        }
    }
}
