//! Steps 4–5: the name index, list expansion (names, `*`, `!`, regexes), host and contact
//! group membership, nested groups, and the hosts a host/hostgroup list selects
//! (../shared/docs/nagios-formats.md §7, §8).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::hash::Hash;

use nag2prom_parsers::object::ObjectType;
use nag2prom_parsers::span::Span;
use regex::Regex;

use super::raw::{Raw, RawId, Raws};
use crate::diag::{Code, Diagnostic};
use crate::source::FileId;

/// Matching options from `nagios.cfg`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Matching {
    /// `use_regexp_matching`.
    pub regexp: bool,
    /// `use_true_regexp_matching`.
    pub true_regexp: bool,
    /// `allow_empty_hostgroup_assignment` (Nagios' built-in default is 2: warn).
    pub allow_empty_hostgroup_assignment: u8,
}

/// Registered objects by name.
pub struct Index<'r> {
    /// Every definition.
    pub raws: &'r Raws,
    named: HashMap<(ObjectType, &'r str), RawId>,
    /// Registered, named, first of each name; per type, in read order.
    pub registered: HashMap<ObjectType, Vec<RawId>>,
}

impl<'r> Index<'r> {
    /// Index the resolved definitions; two definitions of one name are fatal (D1), also when
    /// one of them is `register 0`.
    pub fn new(
        raws: &'r Raws,
        diags: &mut Vec<Diagnostic>,
        locate: &dyn Fn(FileId, Span) -> String,
    ) -> Self {
        let mut named: HashMap<(ObjectType, &'r str), RawId> = HashMap::default();
        let mut registered: HashMap<ObjectType, Vec<RawId>> = HashMap::default();
        for raw in &raws.all {
            // An object whose name comes only from a template is rejected (T10) elsewhere.
            let Some(name) = raw.own_name() else { continue };
            let key = (raw.ty, &**name);
            // Nagios checks names as definitions are read, register 0 or not (D1, e07).
            if let Some(&first) = named.get(&key) {
                let first = &raws.all[first as usize];
                let field = super::schema::name_field(raw.ty).unwrap_or("name");
                diags.push(Diagnostic::new(
                    Code::DuplicateObject,
                    raw.file,
                    raw.span_of(field),
                    format!(
                        "duplicate definition of {} `{name}` (first defined at {}); Nagios stops",
                        raw.ty,
                        locate(first.file, first.span)
                    ),
                ));
                continue;
            }
            named.insert(key, raw.id);
            if raw.register {
                registered.entry(raw.ty).or_default().push(raw.id);
            }
        }
        Index { raws, named, registered }
    }

    /// The definition that names itself `name` (the first one, should there be duplicates).
    pub fn find(&self, ty: ObjectType, name: &str) -> Option<&'r Raw> {
        self.named.get(&(ty, name)).map(|&id| &self.raws.all[id as usize])
    }

    /// True when a registered object of `ty` is called `name`.
    pub fn is_registered(&self, ty: ObjectType, name: &str) -> bool {
        self.find(ty, name).is_some_and(|raw| raw.register)
    }

    /// Registered objects of `ty`, in read order.
    pub fn of(&self, ty: ObjectType) -> impl Iterator<Item = &'r Raw> + '_ {
        self.registered.get(&ty).into_iter().flatten().map(|&id| &self.raws.all[id as usize])
    }
}

/// The items of a comma list: split on `,`, stripped, empty items ignored (X1).
pub fn items(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// Accepted and rejected names of an expanded list.
#[derive(Debug, Default)]
pub struct Expansion<'r> {
    /// Selected, in order, without repeats.
    pub accepted: Vec<&'r str>,
    /// Rejected with `!`.
    pub rejected: Vec<&'r str>,
}

fn push_unique<'r>(list: &mut Vec<&'r str>, seen: &mut HashSet<&'r str>, name: &'r str) {
    if seen.insert(name) {
        list.push(name);
    }
}

/// Where an expansion is written, for diagnostics.
#[derive(Clone, Copy)]
pub struct At {
    /// File.
    pub file: FileId,
    /// Span.
    pub span: Span,
}

/// The expansion engine.
pub struct Expander<'r, 'i> {
    /// Names.
    pub index: &'i Index<'r>,
    /// Matching options.
    pub matching: Matching,
    /// Problems.
    pub diags: &'i mut Vec<Diagnostic>,
    regex_cache: HashMap<String, Option<Regex>>,
}

impl<'r, 'i> Expander<'r, 'i> {
    /// A new expander.
    pub fn new(index: &'i Index<'r>, matching: Matching, diags: &'i mut Vec<Diagnostic>) -> Self {
        Expander { index, matching, diags, regex_cache: HashMap::default() }
    }

    fn is_regex_item(&self, item: &str) -> bool {
        self.matching.regexp
            && (self.matching.true_regexp || item.contains(['*', '?', '+']) || item.contains("\\."))
    }

    fn regex(&mut self, pattern: &str, at: At) -> Option<Regex> {
        if let Some(found) = self.regex_cache.get(pattern) {
            return found.clone();
        }
        let compiled = match Regex::new(pattern) {
            Ok(re) => Some(re),
            Err(err) => {
                self.error(
                    Code::InvalidValue,
                    at,
                    format!("invalid regular expression `{pattern}`: {err}"),
                );
                None
            }
        };
        self.regex_cache.insert(pattern.to_owned(), compiled.clone());
        compiled
    }

    /// Report an error at `at`.
    pub fn error(&mut self, code: Code, at: At, message: String) {
        self.diags.push(Diagnostic::new(code, at.file, at.span, message));
    }

    /// Names of the registered objects of `ty` (`*`, regexes).
    fn registered_names(&self, ty: ObjectType) -> Vec<&'r str> {
        self.index.of(ty).filter_map(|raw| raw.real_name()).map(|t| &**t).collect()
    }

    /// `xodtemplate_expand_hosts` / `_expand_contacts`: names, `*`, `!name`, regexes. With
    /// `sticky`, once an item is a regex every later item is one too (X11 quirk of host and
    /// contact lists). `None` after an error.
    pub fn expand(
        &mut self,
        ty: ObjectType,
        list: &str,
        sticky: bool,
        at: At,
    ) -> Option<Expansion<'r>> {
        let mut out = Expansion::default();
        let (mut seen_a, mut seen_r) = (HashSet::default(), HashSet::default());
        let mut regex_mode = false;
        let mut ok = true;
        for item in items(list) {
            let item_regex = self.is_regex_item(item);
            let use_regex = if sticky {
                regex_mode |= item_regex;
                regex_mode
            } else {
                item_regex
            };
            if use_regex {
                let Some(re) = self.regex(item, at) else {
                    ok = false;
                    continue;
                };
                let matches: Vec<_> =
                    self.registered_names(ty).into_iter().filter(|n| re.is_match(n)).collect();
                if matches.is_empty() {
                    self.error(
                        Code::unknown(ty),
                        at,
                        format!("could not find any {ty} matching `{item}`"),
                    );
                    ok = false;
                }
                for name in matches {
                    push_unique(&mut out.accepted, &mut seen_a, name);
                }
                continue;
            }
            let (reject, name) = match item.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, item),
            };
            let found: Vec<&'r str> = if name == "*" {
                self.registered_names(ty)
            } else {
                self.index
                    .find(ty, name)
                    .and_then(Raw::real_name)
                    .map(|t| &**t)
                    .into_iter()
                    .collect()
            };
            if found.is_empty() {
                self.error(
                    Code::unknown(ty),
                    at,
                    format!("could not find any {ty} matching `{name}`"),
                );
                ok = false;
            }
            for name in found {
                if reject {
                    push_unique(&mut out.rejected, &mut seen_r, name);
                } else {
                    push_unique(&mut out.accepted, &mut seen_a, name);
                }
            }
        }
        ok.then_some(out)
    }
}

/// Group memberships of one group type, computed like `xodtemplate_recombobulate_*groups`.
pub struct Groups<'r> {
    /// Final members per registered group name, in insertion order.
    pub members: HashMap<&'r str, Vec<&'r str>>,
}

/// What kind of group: host groups (members are hosts) or contact groups (contacts).
#[derive(Clone, Copy)]
pub struct GroupKind {
    /// The group type.
    pub group: ObjectType,
    /// The member type.
    pub member: ObjectType,
    /// The nested-groups directive.
    pub nested: &'static str,
    /// The member-side directive naming groups (`hostgroups`, `contactgroups`).
    pub back: &'static str,
}

/// Host groups.
pub const HOSTGROUPS: GroupKind = GroupKind {
    group: ObjectType::HostGroup,
    member: ObjectType::Host,
    nested: "hostgroup_members",
    back: "hostgroups",
};
/// Contact groups.
pub const CONTACTGROUPS: GroupKind = GroupKind {
    group: ObjectType::ContactGroup,
    member: ObjectType::Contact,
    nested: "contactgroup_members",
    back: "contactgroups",
};

/// A group's own members (in insertion order, without repeats) and its `!` rejections.
#[derive(Debug)]
pub struct Members<M> {
    /// Members, in insertion order.
    pub list: Vec<M>,
    seen: HashSet<M>,
    rejected: HashSet<M>,
}

impl<M: Copy + Eq + Hash> Members<M> {
    /// No members; `rejected` can never be added.
    pub fn new(rejected: HashSet<M>) -> Self {
        Members { list: Vec::new(), seen: HashSet::default(), rejected }
    }

    /// Add `member` unless it is rejected or already there.
    pub fn add(&mut self, member: M) {
        if !self.rejected.contains(&member) && self.seen.insert(member) {
            self.list.push(member);
        }
    }
}

/// Compute every group's members: own `members` (with `*`, `!`), members naming the group,
/// then nested groups recursively; a `!member` of a group blocks all three ways in (X5).
pub fn groups<'r>(ex: &mut Expander<'r, '_>, kind: GroupKind) -> Groups<'r> {
    let index = ex.index;
    let mut direct: HashMap<&'r str, Members<&'r str>> = HashMap::default();
    let mut order: Vec<&'r str> = Vec::new();
    for group in index.of(kind.group) {
        let Some(name) = group.real_name() else { continue };
        let mut members = Members::new(HashSet::default());
        if let Some(list) = group.text("members") {
            let at = At { file: group.file, span: group.span_of("members") };
            if let Some(expansion) = ex.expand(kind.member, list, true, at) {
                members = Members::new(expansion.rejected.into_iter().collect());
                for member in expansion.accepted {
                    members.add(member);
                }
            }
        }
        order.push(name);
        direct.insert(name, members);
    }
    // Members naming their groups.
    for member in index.of(kind.member) {
        let (Some(member_name), Some(list)) = (member.real_name(), member.text(kind.back)) else {
            continue;
        };
        for group in items(list) {
            match direct.get_mut(group) {
                Some(members) => members.add(member_name),
                None => ex.error(
                    Code::unknown(kind.group),
                    At { file: member.file, span: member.span_of(kind.back) },
                    format!(
                        "could not find {} `{group}` specified in {} `{member_name}`",
                        kind.group, kind.member
                    ),
                ),
            }
        }
    }
    Groups { members: nest(ex, kind.group, kind.nested, &order, direct) }
}

/// Add nested groups (`nested`: `hostgroup_members`, `contactgroup_members`,
/// `servicegroup_members`) to each group's own members, depth first and iteratively; loops and
/// unknown groups are errors (X6). A group's rejections also apply to what its subgroups bring.
pub fn nest<'r, M: Copy + Eq + Hash>(
    ex: &mut Expander<'r, '_>,
    group: ObjectType,
    nested: &'static str,
    order: &[&'r str],
    mut direct: HashMap<&'r str, Members<M>>,
) -> HashMap<&'r str, Vec<M>> {
    let mut done: HashMap<&'r str, Vec<M>> = HashMap::default();
    let children_of = |ex: &mut Expander<'r, '_>, name: &'r str| -> Vec<&'r str> {
        let Some(raw) = ex.index.find(group, name) else { return Vec::new() };
        let Some(list) = raw.text(nested) else { return Vec::new() };
        let mut out = Vec::new();
        for child in items(list) {
            match ex.index.find(group, child).filter(|g| g.register).and_then(Raw::real_name) {
                Some(found) => out.push(&**found),
                None => ex.error(
                    Code::unknown(group),
                    At { file: raw.file, span: raw.span_of(nested) },
                    format!("could not find {group} member group `{child}` of `{name}`"),
                ),
            }
        }
        out
    };
    for &start in order {
        if done.contains_key(start) {
            continue;
        }
        // (group, its children, next child index); `on_stack` detects loops.
        let mut stack: Vec<(&'r str, Vec<&'r str>, usize)> =
            vec![(start, children_of(ex, start), 0)];
        let mut on_stack: HashSet<&'r str> = HashSet::from_iter([start]);
        while let Some((name, children, next)) = stack.last_mut() {
            if let Some(&child) = children.get(*next) {
                *next += 1;
                if done.contains_key(child) {
                    continue;
                }
                if on_stack.contains(child) {
                    let at =
                        ex.index
                            .find(group, child)
                            .map_or(At { file: FileId::default(), span: Span::default() }, |g| {
                                At { file: g.file, span: g.span_of(nested) }
                            });
                    ex.error(
                        Code::GroupLoop,
                        at,
                        format!("{group} `{child}` is part of a {nested} include loop"),
                    );
                    continue;
                }
                let grandchildren = children_of(ex, child);
                on_stack.insert(child);
                stack.push((child, grandchildren, 0));
                continue;
            }
            let name = *name;
            let children = std::mem::take(children);
            stack.pop();
            on_stack.remove(name);
            let mut members =
                direct.remove(name).unwrap_or_else(|| Members::new(HashSet::default()));
            for child in children {
                for &m in done.get(child).map(Vec::as_slice).unwrap_or(&[]) {
                    members.add(m);
                }
            }
            done.insert(name, members.list);
        }
    }
    done
}

/// One service on one host.
#[derive(Debug, Clone)]
pub struct ServiceInst<'r> {
    /// Its definition.
    pub def: RawId,
    /// The host.
    pub host: &'r str,
    /// The description.
    pub description: &'r str,
}

/// Hosts selected by a `host_name` list and a `hostgroup_name` list, minus rejections (X3,
/// X4). Also returns whether the hostgroup list selected no group and rejected no host (X9),
/// and, per host, whether it came only through a hostgroup.
pub fn hosts_of<'r>(
    ex: &mut Expander<'r, '_>,
    hostgroups: &Groups<'r>,
    host_list: Option<&str>,
    group_list: Option<&str>,
    at: At,
) -> Option<(Vec<(&'r str, bool)>, bool)> {
    let mut accepted: Vec<(&'r str, bool)> = Vec::new();
    let mut rejected: HashSet<&'r str> = HashSet::default();
    let mut ok = true;
    if let Some(list) = host_list {
        match ex.expand(ObjectType::Host, list, true, at) {
            Some(e) => {
                accepted.extend(e.accepted.into_iter().map(|h| (h, false)));
                rejected.extend(e.rejected);
            }
            None => ok = false,
        }
    }
    let mut empty_groups = false;
    if let Some(list) = group_list {
        match ex.expand(ObjectType::HostGroup, list, false, at) {
            Some(e) => {
                let mut rejected_hosts = 0;
                for group in &e.rejected {
                    for &h in hostgroups.members.get(group).map(Vec::as_slice).unwrap_or(&[]) {
                        rejected.insert(h);
                        rejected_hosts += 1;
                    }
                }
                empty_groups = e.accepted.is_empty() && rejected_hosts == 0;
                for group in &e.accepted {
                    for &h in hostgroups.members.get(group).map(Vec::as_slice).unwrap_or(&[]) {
                        accepted.push((h, true));
                    }
                }
            }
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    let mut seen = HashSet::default();
    let hosts =
        accepted.into_iter().filter(|(h, _)| !rejected.contains(h) && seen.insert(*h)).collect();
    Some((hosts, empty_groups))
}
