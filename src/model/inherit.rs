//! Step 2 (`xodtemplate_resolve_objects`): apply templates (`use`) to every definition, depth
//! first and left to right (T4), then strip the `+` of additive values (step 3).
//!
//! Resolution is iterative (an explicit stack), so a 10,000-deep `use` chain cannot overflow
//! the stack. As in Nagios, each definition is marked resolved *before* its templates are, so a
//! circular `use` is cut where it is first re-entered (T6); nag2prom also warns about it.

use rustc_hash::FxHashMap as HashMap;

use nag2prom_parsers::object::ObjectType;

use super::raw::{Raw, RawId, Raws, Slot, Text, Val};
use super::schema::{self, Kind};
use crate::diag::{Code, Diagnostic};

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Fresh,
    InProgress,
    Done,
}

/// Apply every template, in place.
pub fn resolve(
    raws: &mut Raws,
    diags: &mut Vec<Diagnostic>,
    locate: &dyn Fn(crate::source::FileId, nag2prom_parsers::span::Span) -> String,
) {
    // Template names per type; a name defined twice is fatal (D1, e08b).
    let mut templates: HashMap<(ObjectType, &str), RawId> = HashMap::default();
    let mut duplicates = Vec::new();
    for (id, raw) in raws.all.iter().enumerate() {
        if let Some(name) = &raw.name
            && let Some(first) = templates.insert((raw.ty, name), id as RawId)
        {
            duplicates.push((id, first));
        }
    }
    for (id, first) in duplicates {
        let raw = &raws.all[id];
        let first = &raws.all[first as usize];
        diags.push(Diagnostic::new(
            Code::DuplicateTemplate,
            raw.file,
            raw.span,
            format!(
                "duplicate {} template `{}` (first defined at {}); Nagios stops",
                raw.ty,
                raw.name.as_deref().unwrap_or(""),
                locate(first.file, first.span)
            ),
        ));
    }
    // Resolve each `use` to a definition id once.
    let mut links: Vec<Vec<Option<RawId>>> = Vec::with_capacity(raws.all.len());
    for raw in &raws.all {
        let mut ids = Vec::with_capacity(raw.uses.len());
        for name in &raw.uses {
            let found = templates.get(&(raw.ty, &**name)).copied();
            if found.is_none() {
                diags.push(Diagnostic::new(
                    Code::UnknownTemplate,
                    raw.file,
                    raw.use_span.unwrap_or(raw.span),
                    format!(
                        "template `{name}` specified in {} definition could not be found",
                        raw.ty
                    ),
                ));
            }
            ids.push(found);
        }
        links.push(ids);
    }
    drop(templates);

    let mut state = vec![State::Fresh; raws.all.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    // Nagios keeps each type's definitions newest first, and resolves them in that order.
    for start in (0..raws.all.len()).rev() {
        if state[start] != State::Fresh {
            continue;
        }
        state[start] = State::InProgress;
        stack.push((start, 0));
        while let Some(&(object, next)) = stack.last() {
            let Some(link) = links[object].get(next).copied() else {
                state[object] = State::Done;
                stack.pop();
                continue;
            };
            let Some(template) = link else {
                bump(&mut stack);
                continue;
            };
            let template = template as usize;
            match state[template] {
                State::Fresh => {
                    state[template] = State::InProgress;
                    stack.push((template, 0));
                    continue;
                }
                // In progress means on the stack: this `use` closes a loop.
                State::InProgress => {
                    let raw = &raws.all[object];
                    diags.push(Diagnostic::new(
                        Code::CircularTemplate,
                        raw.file,
                        raw.use_span.unwrap_or(raw.span),
                        format!(
                            "circular `use`: template `{}` is already being resolved; Nagios silently cuts the loop here, so values depend on definition order",
                            raws.all[template].name.as_deref().unwrap_or("")
                        ),
                    ));
                }
                State::Done => {}
            }
            bump(&mut stack);
            if template != object {
                let (child, tmpl) = pair_mut(&mut raws.all, object, template);
                merge(child, tmpl);
            }
        }
    }
    strip_additive(raws);
}

fn bump(stack: &mut [(usize, usize)]) {
    if let Some((_, next)) = stack.last_mut() {
        *next += 1;
    }
}

/// `&mut all[a]`, `&all[b]` for `a != b`.
fn pair_mut(all: &mut [Raw], a: usize, b: usize) -> (&mut Raw, &Raw) {
    if a < b {
        let (left, right) = all.split_at_mut(b);
        (&mut left[a], &right[0])
    } else {
        let (left, right) = all.split_at_mut(a);
        (&mut right[0], &left[b])
    }
}

/// Copy what `child` has not set from an already resolved `tmpl` (T4–T9).
fn merge(child: &mut Raw, tmpl: &Raw) {
    let fields = schema::fields(child.ty);
    for (index, field) in fields.iter().enumerate() {
        let Some(from) = &tmpl.slots[index] else { continue };
        let own = &mut child.slots[index];
        match field.kind {
            Kind::Name | Kind::Plain | Kind::Text | Kind::Number | Kind::Options(_) => {
                if own.is_none() {
                    *own = Some(from.clone());
                }
            }
            Kind::List => inherit_list(own, from),
        }
    }
    for (name, value, origin) in &tmpl.custom {
        if !child.custom.iter().any(|(n, _, _)| n == name) {
            child.custom.push((name.clone(), value.clone(), *origin));
        }
    }
    if child.ty == ObjectType::Service && tmpl.important {
        let index = schema::slot(ObjectType::Service, "check_command");
        if let Some(slot) = &tmpl.slots[index] {
            child.slots[index] = Some(slot.clone());
        }
    }
    if child.ty == ObjectType::TimePeriod {
        for (day, value) in child.days.iter_mut().zip(&tmpl.days) {
            if day.is_none() {
                day.clone_from(value);
            }
        }
        for exception in &tmpl.exceptions {
            if !child.exceptions.iter().any(|e| e.date == exception.date) {
                child.exceptions.push(exception.clone());
            }
        }
    }
}

/// `xodtemplate_get_inherited_string`: additive `+` values (T7).
fn inherit_list(own: &mut Option<Slot>, from: &Slot) {
    let Some(template_value) = from.text() else {
        // The template set it to null: we now count as set.
        if own.is_none() {
            *own = Some(Slot { val: Val::Text(None), from: from.from });
        }
        return;
    };
    match own {
        None => *own = Some(from.clone()),
        Some(slot) => {
            if let Val::Text(Some(value)) = &slot.val
                && let Some(rest) = value.strip_prefix('+')
            {
                slot.val = Val::Text(Some(Text::from(format!("{template_value},{rest}"))));
            }
        }
    }
}

/// Step 3: drop the leading `+` everywhere except escalation contacts and contact groups,
/// which add to the escalated object's lists later (I5).
fn strip_additive(raws: &mut Raws) {
    for raw in &mut raws.all {
        let escalation =
            matches!(raw.ty, ObjectType::HostEscalation | ObjectType::ServiceEscalation);
        for (index, field) in schema::fields(raw.ty).iter().enumerate() {
            if field.kind != Kind::List
                || (escalation && matches!(field.name, "contacts" | "contact_groups"))
            {
                continue;
            }
            if let Some(Slot { val: Val::Text(Some(value)), .. }) = &mut raw.slots[index]
                && let Some(rest) = value.strip_prefix('+')
            {
                *value = Text::from(rest);
            }
        }
    }
}
