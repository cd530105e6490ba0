//! Step 1 (`xodtemplate_process_config_file`): every definition of every object file, stored
//! raw with one slot per directive, before any template is applied.

use std::sync::Arc;

use nag2prom_parsers::number;
use nag2prom_parsers::object::{self, Definition, Mode, ObjectType};
use nag2prom_parsers::span::Span;
use nag2prom_parsers::timeperiod::{self, LineKind};

use super::schema::{self, Kind};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Installation};

/// Shared, immutable text (values inherited by many objects share one allocation).
pub type Text = Arc<str>;

/// Index of a definition in [`Raws::all`].
pub type RawId = u32;

/// A directive's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Text; `None` is `null` (set, but nothing).
    Text(Option<Text>),
    /// An option bit set.
    Bits(u32),
}

/// A set directive: its value and the definition it was written in.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The value.
    pub val: Val,
    /// The definition that wrote it (the object itself or a template).
    pub from: RawId,
}

impl Slot {
    /// The text, when set and not `null`.
    pub fn text(&self) -> Option<&Text> {
        match &self.val {
            Val::Text(text) => text.as_ref(),
            Val::Bits(_) => None,
        }
    }
}

/// A timeperiod exception line, normalised.
#[derive(Debug, Clone)]
pub struct Exception {
    /// Date part as `objects.cache` prints it; equal keys are the same date range.
    pub date: String,
    /// Time ranges as `objects.cache` prints them.
    pub ranges: String,
    /// Sort rank of the exception type (`DATERANGE_*`).
    pub rank: u8,
    /// Where it was written.
    pub from: RawId,
}

/// One definition.
#[derive(Debug, Clone)]
pub struct Raw {
    /// Its index in [`Raws::all`].
    pub id: RawId,
    /// Object type.
    pub ty: ObjectType,
    /// File it is in.
    pub file: FileId,
    /// The `define` keyword.
    pub span: Span,
    /// Template name (`name`).
    pub name: Option<Text>,
    /// `use` list, split on `,` without trimming (Nagios 4).
    pub uses: Vec<Text>,
    /// Where `use` is written.
    pub use_span: Option<Span>,
    /// `register` (default 1).
    pub register: bool,
    /// One slot per field of [`schema::fields`].
    pub slots: Vec<Option<Slot>>,
    /// Value spans of the object's own directives, `(field index, span)`: a handful per
    /// definition, so kept sparse rather than one per field (most fields come from templates).
    pub spans: Vec<(u16, Span)>,
    /// Custom variables: upper-cased name without `_`, value (`None` = empty or `null`).
    pub custom: Vec<(Text, Option<Text>, RawId)>,
    /// Service `check_command` written with a leading `!` (overrides children's commands).
    pub important: bool,
    /// Timeperiod weekday ranges, Sunday first.
    pub days: [Option<(Text, RawId)>; 7],
    /// Timeperiod exceptions.
    pub exceptions: Vec<Exception>,
}

impl Raw {
    /// The slot of canonical field `name`.
    pub fn get(&self, name: &str) -> Option<&Slot> {
        schema::lookup(self.ty, name).and_then(|i| self.slots.get(i)).and_then(Option::as_ref)
    }

    /// [`Raw::get`] for the model's own literal names (a faster lookup).
    pub fn get_static(&self, name: &'static str) -> Option<&Slot> {
        schema::lookup_static(self.ty, name)
            .and_then(|i| self.slots.get(i))
            .and_then(Option::as_ref)
    }

    /// The text of canonical field `name`, when set and not `null`.
    pub fn text(&self, name: &str) -> Option<&Text> {
        self.get(name).and_then(Slot::text)
    }

    /// The value span of the object's own directive `name`, else the definition.
    pub fn span_of(&self, name: &str) -> Span {
        schema::lookup(self.ty, name)
            .and_then(|i| self.spans.iter().find(|(f, _)| usize::from(*f) == i))
            .map_or(self.span, |(_, span)| *span)
    }

    /// The object's real name (`host_name` of a host), for the types that have one.
    pub fn real_name(&self) -> Option<&Text> {
        schema::name_field(self.ty).and_then(|field| self.text(field))
    }

    /// The real name when it is written in this definition itself, not inherited: only such
    /// names count for Nagios (it indexes names as it reads them, T10).
    pub fn own_name(&self) -> Option<&Text> {
        let field = schema::name_field(self.ty)?;
        self.get(field).filter(|slot| slot.from == self.id).and_then(Slot::text)
    }
}

/// Every definition, in read order.
#[derive(Debug, Default)]
pub struct Raws {
    /// All definitions of all types.
    pub all: Vec<Raw>,
}

/// Read every object file of `inst`. Parser diagnostics were already reported by
/// [`Installation`]; this reports what Nagios rejects while storing definitions.
///
/// With two cores and enough to read, the files are split in two runs of about equal size
/// (a file that holds the middle is cut at a `define` line, [`object::split_point`]), each
/// parsed and lowered on its own thread; the second run's ids are then shifted, so the
/// definitions, their ids and the diagnostics come out exactly as one thread makes them.
pub fn collect(inst: &Installation, diags: &mut Vec<Diagnostic>) -> Raws {
    let files = &inst.object_files;
    let size = |f: &FileId| inst.db.file(*f).map_or(0, |s| s.bytes.len());
    let total: usize = files.iter().map(size).sum();
    let two_cores = std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    let whole = |f: &FileId| (*f, 0..size(f));
    let mut head: Vec<Unit> = Vec::new();
    let mut tail: Vec<Unit> = Vec::new();
    if two_cores && total >= PARALLEL_MIN_BYTES {
        let mut seen = 0;
        for f in files {
            let len = size(f);
            if !tail.is_empty() || seen * 2 >= total {
                tail.push(whole(f));
            } else if (seen + len) * 2 <= total {
                head.push(whole(f));
            } else {
                // The middle is inside this file: cut it there when it has a clean cut.
                let bytes = inst.db.file(*f).map_or(&[][..], |s| &s.bytes[..]);
                match object::split_point(bytes, total / 2 - seen) {
                    Some(cut) => {
                        head.push((*f, 0..cut));
                        tail.push((*f, cut..len));
                    }
                    None => head.push(whole(f)),
                }
            }
            seen += len;
        }
    } else {
        head = files.iter().map(whole).collect();
    }
    if tail.is_empty() {
        let (all, found) = collect_units(inst, &head);
        diags.extend(found);
        return Raws { all };
    }
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| collect_units(inst, &tail));
        (collect_units(inst, &head), second.join())
    });
    let (mut all, found) = first;
    let (rest, rest_found) = second.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let base = all.len() as RawId;
    all.extend(rest.into_iter().map(|mut raw| {
        raw.shift_ids(base);
        raw
    }));
    diags.extend(found);
    diags.extend(rest_found);
    Raws { all }
}

/// Object files at least this large in all are read on two threads.
const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// A file, or the part of it one run reads.
type Unit = (FileId, std::ops::Range<usize>);

/// The definitions of `units`, numbered from 0, and the diagnostics. A part of a file cut at
/// a split point reads the same definitions as the whole file would there (a definition left
/// open at the cut is read to the cut, as the whole file reads it to the next `define`).
fn collect_units(inst: &Installation, units: &[Unit]) -> (Vec<Raw>, Vec<Diagnostic>) {
    let mut all = Vec::new();
    let mut diags = Vec::new();
    for (file, range) in units {
        let Some(source) = inst.db.file(*file) else { continue };
        // The installation has read the file's problems already: definitions only.
        let parsed = object::parse_objects_keeping(
            &source.bytes,
            range.clone(),
            Mode::Config,
            object::Keep::Definitions,
        );
        all.reserve(parsed.definitions.len());
        for def in &parsed.definitions {
            let Some(ty) = def.object_type else { continue };
            let id = all.len() as RawId;
            all.push(lower(ty, *file, id, def, &mut diags));
        }
    }
    (all, diags)
}

impl Raw {
    /// Add `by` to its id and to every "written by" id it holds (all its own, as lowered).
    fn shift_ids(&mut self, by: RawId) {
        self.id += by;
        for slot in self.slots.iter_mut().flatten() {
            slot.from += by;
        }
        for (_, _, from) in &mut self.custom {
            *from += by;
        }
        for (_, from) in self.days.iter_mut().flatten() {
            *from += by;
        }
        for e in &mut self.exceptions {
            e.from += by;
        }
    }
}

/// Record the value span of the object's own directive for field `index` (the last one
/// written wins, as its value does).
fn set_span(raw: &mut Raw, index: usize, span: Span) {
    let field = u16::try_from(index).unwrap_or(u16::MAX);
    match raw.spans.iter_mut().find(|(f, _)| *f == field) {
        Some(entry) => entry.1 = span,
        None => raw.spans.push((field, span)),
    }
}

fn lower(
    ty: ObjectType,
    file: FileId,
    id: RawId,
    def: &Definition<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Raw {
    let fields = schema::fields(ty);
    let mut raw = Raw {
        id,
        ty,
        file,
        span: def.keyword_span,
        name: None,
        uses: Vec::new(),
        use_span: None,
        register: true,
        slots: vec![None; fields.len()],
        spans: Vec::new(),
        custom: Vec::new(),
        important: false,
        days: Default::default(),
        exceptions: Vec::new(),
    };
    for directive in &def.directives {
        let name: &str = &directive.name;
        let value: &str = &directive.value;
        match name {
            "use" => {
                raw.uses = value.split(',').filter(|t| !t.is_empty()).map(Text::from).collect();
                raw.use_span = Some(directive.value_span);
                continue;
            }
            "name" => {
                raw.name = Some(Text::from(value));
                continue;
            }
            "register" => {
                raw.register = number::atoi(value.as_bytes()) > 0;
                continue;
            }
            _ => {}
        }
        if let Some(var) = name.strip_prefix('_')
            && !var.is_empty()
            && matches!(ty, ObjectType::Host | ObjectType::Service | ObjectType::Contact)
        {
            let var = Text::from(var.to_ascii_uppercase());
            let value = (!value.is_empty() && value != "null").then(|| Text::from(value));
            if let Some(existing) = raw.custom.iter_mut().find(|(n, _, _)| *n == var) {
                existing.1 = value;
            } else {
                raw.custom.push((var, value, id));
            }
            continue;
        }
        let Some(index) = schema::lookup(ty, name) else {
            if ty == ObjectType::TimePeriod {
                timeperiod_line(&mut raw, id, name, value);
            } else if ty == ObjectType::Contact && name.starts_with("address") {
                // `address01`, `address+2`: Nagios reads the number with atoi.
                let n = number::atoi(&name.as_bytes()[7..]);
                if (1..=6).contains(&n) {
                    let index = schema::slot(ty, &format!("address{n}"));
                    set_text(&mut raw, index, id, value, Kind::Text, directive.value_span);
                }
            }
            // Anything else was reported by the parser (unknown or obsolete directive).
            continue;
        };
        let kind = fields[index].kind;
        if kind == Kind::Name && raw.slots[index].is_some() {
            diags.push(Diagnostic::new(
                Code::RepeatedName,
                file,
                directive.name_span,
                format!("`{name}` is given twice in one {ty} definition (Nagios stops: duplicate definition)"),
            ));
        }
        match kind {
            Kind::Options(opts) => match opts.parse(value) {
                Ok(bits) => {
                    let bits = match &raw.slots[index] {
                        Some(Slot { val: Val::Bits(old), .. })
                            if !opts.replaces() && !opts.is_state() =>
                        {
                            old | bits
                        }
                        _ => bits,
                    };
                    raw.slots[index] = Some(Slot { val: Val::Bits(bits), from: id });
                    set_span(&mut raw, index, directive.value_span);
                }
                Err(word) => diags.push(Diagnostic::new(
                    Code::InvalidValue,
                    file,
                    directive.value_span,
                    format!("invalid {name} option `{word}` in {ty} definition"),
                )),
            },
            Kind::List if name == "members" && raw.slots[index].is_some() => {
                // Repeated group `members` lines are concatenated.
                let old = raw.slots[index].as_ref().and_then(Slot::text).cloned();
                let joined = match (old, value) {
                    (_, "null") => None,
                    (Some(old), value) => Some(Text::from(format!("{old},{value}"))),
                    (None, value) => Some(Text::from(value)),
                };
                raw.slots[index] = Some(Slot { val: Val::Text(joined), from: id });
                set_span(&mut raw, index, directive.value_span);
            }
            _ => {
                if ty == ObjectType::Service && fields[index].name == "check_command" {
                    if let Some(rest) = value.strip_prefix('!') {
                        raw.important = true;
                        set_text(&mut raw, index, id, rest, kind, directive.value_span);
                        continue;
                    }
                    raw.important = false;
                }
                set_text(&mut raw, index, id, value, kind, directive.value_span);
            }
        }
    }
    raw
}

fn set_text(raw: &mut Raw, index: usize, id: RawId, value: &str, kind: Kind, span: Span) {
    let text = match kind {
        Kind::Name | Kind::Plain => Some(Text::from(value)),
        _ if value == "null" => None,
        _ => Some(Text::from(value)),
    };
    raw.slots[index] = Some(Slot { val: Val::Text(text), from: id });
    set_span(raw, index, span);
}

fn timeperiod_line(raw: &mut Raw, id: RawId, name: &str, value: &str) {
    // Errors were reported by the parser.
    let Ok(line) = timeperiod::parse_timeperiod_line(name, value) else { return };
    let ranges = line.ranges.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
    match line.kind {
        LineKind::Weekday(day) => {
            raw.days[usize::from(day.index()) % 7] = Some((Text::from(ranges), id));
        }
        kind => {
            // An exception whose range text is `null` is dropped (TP4).
            if value.trim_end().ends_with("null") && line.ranges.is_empty() {
                return;
            }
            let rank = kind.exception_type().map_or(9, |t| t as u8);
            raw.exceptions.push(Exception { date: line.date_text(), ranges, rank, from: id });
        }
    }
}
