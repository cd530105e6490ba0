//! The resolved object model: every registered object as Nagios 4.4.6 sees it after templates,
//! expansion, implied inheritance and defaults — the same set `nagios4 -vp` writes to its
//! `precached_object_file` (../shared/docs/nagios-formats.md §1, §5–§13).
//!
//! [`Model::build`] runs Nagios' pipeline in order:
//!
//! 1. [`raw`]: every definition of every object file, one slot per directive;
//! 2. [`inherit`]: templates (`use`, `+`, `null`, custom variables), iteratively;
//! 3. [`expand`]: names, `*`, `!`, regexes, host and contact group membership;
//! 4. [`services`]: services over their hosts, duplicates resolved as Nagios does, service
//!    groups;
//! 5. [`relations`]: escalations and dependencies over concrete hosts and services;
//! 6. [`register`]: implied inheritance, defaults, the final objects;
//! 7. [`checks`]: the pre-flight checks (unknown commands, timeperiods, contacts, …).
//!
//! Each object keeps the file and line of its definition, and each field the definition
//! (object or template) it came from.

use std::fmt::Write as _;

use nag2prom_parsers::object::ObjectType;
use nag2prom_parsers::span::Span;

use crate::diag::Diagnostic;
use crate::source::{FileId, Installation, SourceDb};

pub mod checks;
pub mod expand;
pub mod inherit;
pub mod names;
pub mod raw;
pub mod register;
pub mod relations;
pub mod schema;
pub mod services;
pub mod timeperiod;

pub use raw::Text;

/// A field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(Text),
    /// A list (members, contacts, parents, …).
    List(Box<[Text]>),
    /// An integer or a boolean (0/1).
    Int(i64),
    /// A number printed with six decimals.
    Float(f64),
    /// Option letters as `objects.cache` prints them (`r,d`, `a`, `n`).
    Options(&'static str),
    /// A custom variable without a value.
    Null,
}

impl Value {
    /// The value as `objects.cache` prints it.
    pub fn to_cache_string(&self) -> String {
        match self {
            Value::Text(t) => t.to_string(),
            Value::List(items) => items.join(","),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format!("{f:.6}"),
            Value::Options(o) => o.to_string(),
            Value::Null => "null".to_owned(),
        }
    }
}

/// Where a value was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// File of the definition.
    pub file: FileId,
    /// Its `define` keyword.
    pub span: Span,
    /// The template's `name`, when the value came from a template.
    pub template: Option<Text>,
    /// Internal index of the definition.
    pub def: raw::RawId,
}

/// One field of a resolved object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Nagios' directive name (`_NAME` for custom variables, the date for timeperiod
    /// exceptions).
    pub name: &'static str,
    /// The value.
    pub value: Value,
    /// The definition it was written in (see [`Model::origin`]); `None` for defaults and
    /// computed values.
    pub origin: Option<raw::RawId>,
    /// False for memberships computed from the other side (host `hostgroups`, service
    /// `servicegroups`, contact `contactgroups`), which `objects.cache` does not print.
    pub cached: bool,
}

/// A resolved, registered object.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// Its type.
    pub object_type: ObjectType,
    /// File of the definition it comes from.
    pub file: FileId,
    /// The definition's `define` keyword.
    pub span: Span,
    /// Fields in `objects.cache` order.
    pub fields: Vec<Field>,
}

impl Object {
    /// The field called `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|f| f.name == name).map(|f| &f.value)
    }

    /// The text of field `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The items of list field `name` (empty when absent).
    pub fn list(&self, name: &str) -> &[Text] {
        match self.get(name) {
            Some(Value::List(items)) => items,
            _ => &[],
        }
    }

    /// The object's name as `objects.cache` sorts it: `host;description` for services.
    pub fn key(&self) -> String {
        match self.object_type {
            ObjectType::Service => format!(
                "{};{}",
                self.text("host_name").unwrap_or(""),
                self.text("service_description").unwrap_or("")
            ),
            ty => schema::name_field(ty).and_then(|f| self.text(f)).unwrap_or("").to_owned(),
        }
    }
}

/// The resolved object set.
#[derive(Debug, Default)]
pub struct Model {
    /// Every registered object, in `objects.cache` order (type, then name).
    pub objects: Vec<Object>,
    /// Every definition read (objects and templates): file, `define` keyword, template name.
    pub definitions: Vec<(FileId, Span, Option<Text>)>,
}

/// The `objects.cache` type order (O1).
pub const CACHE_ORDER: [ObjectType; 12] = [
    ObjectType::TimePeriod,
    ObjectType::Command,
    ObjectType::ContactGroup,
    ObjectType::HostGroup,
    ObjectType::ServiceGroup,
    ObjectType::Contact,
    ObjectType::Host,
    ObjectType::Service,
    ObjectType::ServiceDependency,
    ObjectType::ServiceEscalation,
    ObjectType::HostDependency,
    ObjectType::HostEscalation,
];

/// `path:line` of a location, for messages that name a second place.
pub fn locate(db: &SourceDb, file: FileId, span: Span) -> String {
    match db.file(file) {
        Some(source) => {
            let line = source.line_index().line_col(&source.bytes, span.start).line;
            format!("{}:{line}", source.path.display())
        }
        None => "?".to_owned(),
    }
}

impl Model {
    /// Resolve and expand every object of `inst` as Nagios 4.4.6 does. Problems are returned
    /// as diagnostics; the model holds whatever could be resolved.
    pub fn build(inst: &Installation) -> (Model, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let settings = Settings::of(inst);
        let locate = |file: FileId, span: Span| locate(&inst.db, file, span);
        let mut raws = raw::collect(inst, &mut diags);
        inherit::resolve(&mut raws, &mut diags, &locate);
        checks::definitions(&raws, &mut diags);
        let index = expand::Index::new(&raws, &mut diags, &locate);
        let mut ex = expand::Expander::new(&index, settings.matching, &mut diags);
        let contactgroups = expand::groups(&mut ex, expand::CONTACTGROUPS);
        let hostgroups = expand::groups(&mut ex, expand::HOSTGROUPS);
        let table = services::services(&mut ex, &hostgroups, &locate);
        let servicegroups = services::servicegroups(&mut ex, &table);
        let escalations = relations::escalations(&mut ex, &hostgroups, &table, &servicegroups);
        let dependencies = relations::dependencies(&mut ex, &hostgroups, &table, &servicegroups);
        let inputs = register::Inputs {
            index: &index,
            hostgroups: &hostgroups,
            contactgroups: &contactgroups,
            services: &table,
            servicegroups: &servicegroups,
            escalations: &escalations,
            dependencies: &dependencies,
        };
        let objects = register::register(&inputs);
        let definitions = raws.all.iter().map(|r| (r.file, r.span, r.name.clone())).collect();
        let model = Model { objects, definitions };
        checks::preflight(
            &model,
            &index,
            &table,
            settings.illegal_object_name_chars.as_deref(),
            inst.main.is_some(),
            &mut diags,
        );
        if inst.main.is_some() {
            checks::main_settings(&model, &inst.settings, &mut diags);
        }
        (model, diags)
    }

    /// Where `field`'s value was written: the definition (object or template) and, for a
    /// template, its name.
    pub fn origin(&self, field: &Field) -> Option<Origin> {
        let def = field.origin?;
        let (file, span, template) = self.definitions.get(def as usize)?.clone();
        Some(Origin { file, span, template, def })
    }

    /// Objects of one type.
    pub fn of(&self, ty: ObjectType) -> impl Iterator<Item = &Object> {
        self.objects.iter().filter(move |o| o.object_type == ty)
    }

    /// The model as `objects.cache` text (without the `# Created:` line, so the output is
    /// reproducible).
    pub fn to_cache(&self) -> String {
        cache_text(&self.objects)
    }
}

/// `objects` in the `objects.cache` layout, after its header (without the `# Created:` line).
pub fn cache_text<'a>(objects: impl IntoIterator<Item = &'a Object>) -> String {
    let mut out = String::new();
    out.push_str("########################################\n#       NAGIOS OBJECT CACHE FILE\n#\n# THIS FILE IS AUTOMATICALLY GENERATED\n# BY NAGIOS.  DO NOT MODIFY THIS FILE!\n#\n########################################\n\n");
    for object in objects {
        let _ = writeln!(out, "define {} {{", object.object_type);
        for field in object.fields.iter().filter(|f| f.cached) {
            let _ = writeln!(out, "\t{}\t{}", field.name, field.value.to_cache_string());
        }
        out.push_str("\t}\n\n");
    }
    out
}

/// What the model takes from `nagios.cfg` (Nagios' defaults for loose object files), read
/// once.
struct Settings {
    matching: expand::Matching,
    illegal_object_name_chars: Option<String>,
}

impl Settings {
    fn of(inst: &Installation) -> Settings {
        let main = &inst.settings;
        Settings {
            matching: expand::Matching {
                regexp: main.use_regexp_matching,
                true_regexp: main.use_true_regexp_matching,
                allow_empty_hostgroup_assignment: main.allow_empty_hostgroup_assignment,
            },
            illegal_object_name_chars: main.illegal_object_name_chars.clone(),
        }
    }
}
