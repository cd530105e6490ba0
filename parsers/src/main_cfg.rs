//! The main configuration file, `nagios.cfg` (spec §2, `base/config.c:read_main_config_file`).
//!
//! ```text
//! line     = name "=" value        ; split at the first "=", both sides stripped (M3)
//! comment  = "#" …                 ; first non-blank character (M2); no inline comments
//! ```
//! Backslash continuation joins physical lines as in object files (M1). `cfg_file=` and
//! `cfg_dir=` must be written without blanks before `=` (M5). Lines starting with `x` are
//! ignored (M4). Unknown variables are fatal in Nagios 4.4.6, so they are errors here; Naemon
//! and Icinga 1 know more names, and a reader for those cores lowers them to warnings.
//! Naemon's `include_file=FILE` / `include_dir=DIR` (more main-configuration lines, read where
//! they stand) are entries like any other, listed by [`MainConfig::includes`] for the reader to
//! follow, and reported as [`MainCfgErrorKind::NaemonInclude`] because Nagios 4.4.6 refuses
//! them.

use std::borrow::Cow;

use memchr::memchr;

use crate::diagnostic::{Severity, impl_diagnostic};
use crate::number;
use crate::object::lexer::{Comments, Lines};
use crate::span::Span;
use crate::text::strip_bounds;

mod variables;

pub use variables::{PREFIX_MATCHED, ValueRule, VariableStatus, value_rule, variable_status};

/// A parsed `nagios.cfg`: every `name=value` line in order, plus every problem found.
#[derive(Debug, Clone, Default)]
pub struct MainConfig<'a> {
    /// Every variable line, in file order (repeated names kept).
    pub entries: Vec<Entry<'a>>,
    /// Every problem, in file order.
    pub errors: Vec<MainCfgError>,
}

/// One `name=value` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    /// The variable name, stripped.
    pub name: Cow<'a, str>,
    /// Span of the name.
    pub name_span: Span,
    /// The value, stripped (for `cfg_file`/`cfg_dir`: everything after `=`, as Nagios' object
    /// reader takes it).
    pub value: Cow<'a, str>,
    /// Span of the value.
    pub value_span: Span,
}

/// An object source named by `cfg_file=` or `cfg_dir=`, in the order Nagios reads them (M7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectSourceKind {
    /// `cfg_file=PATH`
    File,
    /// `cfg_dir=PATH`: every `*.cfg` below it, recursively (M8).
    Dir,
}

/// Naemon's `include_file=` / `include_dir=` in the main configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct MainInclude<'e> {
    /// `include_file` ([`ObjectSourceKind::File`]) or `include_dir` ([`ObjectSourceKind::Dir`]):
    /// a main-configuration file, or every `*.cfg` directly in a directory (not recursive).
    pub kind: ObjectSourceKind,
    /// The path as written; Naemon takes a relative path relative to the directory of the main
    /// configuration file, also inside included files.
    pub path: &'e str,
    /// Span of the path.
    pub span: Span,
}

/// `cfg_file=` / `cfg_dir=` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectSource<'e> {
    /// File or directory.
    pub kind: ObjectSourceKind,
    /// The path as written; relative paths are relative to the directory of `nagios.cfg` (M6);
    /// a trailing `/` on a directory is insignificant.
    pub path: &'e str,
    /// Span of the path.
    pub span: Span,
}

impl<'a> MainConfig<'a> {
    /// The last value of `name` (later lines override earlier ones).
    pub fn get(&self, name: &str) -> Option<&Entry<'a>> {
        self.entries.iter().rev().find(|e| e.name == name)
    }

    /// Every value of `name`, in order (for repeated variables: `cfg_file`, `resource_file`,
    /// `broker_module`).
    pub fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Entry<'a>> + 's {
        self.entries.iter().filter(move |e| e.name == name)
    }

    /// `cfg_file` and `cfg_dir` entries interleaved, in file order.
    pub fn object_sources(&self) -> Vec<ObjectSource<'_>> {
        self.entries
            .iter()
            .filter_map(|e| {
                let kind = match &*e.name {
                    "cfg_file" => ObjectSourceKind::File,
                    "cfg_dir" => ObjectSourceKind::Dir,
                    _ => return None,
                };
                Some(ObjectSource { kind, path: &e.value, span: e.value_span })
            })
            .collect()
    }

    /// Naemon's `include_file` / `include_dir` entries, in file order.
    pub fn includes(&self) -> Vec<MainInclude<'_>> {
        self.entries.iter().filter_map(include_of).collect()
    }

    /// `resource_file` entries in order (each is read when its line is met, M11).
    pub fn resource_files(&self) -> impl Iterator<Item = &Entry<'a>> {
        self.all("resource_file")
    }

    fn string(&self, name: &str) -> Option<&str> {
        self.get(name).map(|e| &*e.value)
    }

    /// `status_file`, as written.
    pub fn status_file(&self) -> Option<&str> {
        self.string("status_file")
    }

    /// `object_cache_file`, as written.
    pub fn object_cache_file(&self) -> Option<&str> {
        self.string("object_cache_file")
    }

    /// `precached_object_file`, as written.
    pub fn precached_object_file(&self) -> Option<&str> {
        self.string("precached_object_file")
    }

    /// `state_retention_file`, as written.
    pub fn state_retention_file(&self) -> Option<&str> {
        self.string("state_retention_file")
    }

    /// `interval_length`: seconds per object interval unit; Nagios' default is 60.
    pub fn interval_length(&self) -> i64 {
        self.string("interval_length").map_or(60, |v| number::strtol(v.as_bytes()).0)
    }

    /// `status_update_interval` in seconds; Nagios' default is 10 and its minimum 1.
    pub fn status_update_interval(&self) -> i64 {
        self.string("status_update_interval").map_or(10, |v| number::strtol(v.as_bytes()).0.max(1))
    }

    /// `use_regexp_matching` (boolean, `atoi > 0`).
    pub fn use_regexp_matching(&self) -> bool {
        self.string("use_regexp_matching").is_some_and(number::boolean)
    }

    /// `use_true_regexp_matching` (boolean, `atoi > 0`).
    pub fn use_true_regexp_matching(&self) -> bool {
        self.string("use_true_regexp_matching").is_some_and(number::boolean)
    }

    /// `allow_empty_hostgroup_assignment`: built-in default 2 (warn); a configured value is
    /// 0 or 1 (`atoi > 0`), spec X9.
    pub fn allow_empty_hostgroup_assignment(&self) -> u8 {
        self.string("allow_empty_hostgroup_assignment").map_or(2, |v| u8::from(number::boolean(v)))
    }

    /// `illegal_macro_output_chars`: characters stripped from some macro values.
    pub fn illegal_macro_output_chars(&self) -> Option<&str> {
        self.string("illegal_macro_output_chars")
    }

    /// `illegal_object_name_chars`: characters not allowed in object names.
    pub fn illegal_object_name_chars(&self) -> Option<&str> {
        self.string("illegal_object_name_chars")
    }
}

/// The include an entry is, when it is Naemon's `include_file` or `include_dir`.
pub fn include_of<'e>(entry: &'e Entry<'_>) -> Option<MainInclude<'e>> {
    let kind = match &*entry.name {
        "include_file" => ObjectSourceKind::File,
        "include_dir" => ObjectSourceKind::Dir,
        _ => return None,
    };
    Some(MainInclude { kind, path: &entry.value, span: entry.value_span })
}

/// A problem in `nagios.cfg`.
#[derive(Debug, Clone, PartialEq)]
pub struct MainCfgError {
    /// What is wrong.
    pub kind: MainCfgErrorKind,
    /// Where.
    pub span: Span,
}

/// What can be wrong in `nagios.cfg`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MainCfgErrorKind {
    /// A line without `=`.
    #[error("missing `=`: main configuration lines are `name=value`")]
    MissingEquals,
    /// `name=` with nothing after it.
    #[error("`{0}` has an empty value")]
    EmptyValue(String),
    /// `=` with no name before it.
    #[error("missing variable name before `=`")]
    EmptyName,
    /// A name Nagios 4.4.6 does not know (fatal there; Naemon and Icinga 1 know more names).
    #[error("unknown variable `{0}`: Nagios 4.4.6 refuses it (UNKNOWN VARIABLE)")]
    UnknownVariable(String),
    /// Naemon's `include_file` / `include_dir`: read as Naemon reads them, but Nagios 4.4.6
    /// does not know them.
    #[error(
        "`{0}` is Naemon's: Nagios 4.4.6 refuses it (UNKNOWN VARIABLE); Naemon reads the main-configuration lines it names"
    )]
    NaemonInclude(String),
    /// A name Nagios accepts with a warning.
    #[error("`{name}` is deprecated: {note}")]
    Deprecated {
        /// The variable.
        name: String,
        /// Nagios' explanation.
        note: &'static str,
    },
    /// A value Nagios 4.4.6 refuses for this variable ("Illegal value for …", "… is too long").
    #[error("illegal value for `{name}`: {expected}")]
    IllegalValue {
        /// The variable.
        name: String,
        /// What Nagios takes instead.
        expected: String,
    },
    /// `cfg_file = x`: Nagios matches `cfg_file=` (and a few other names) as the start of the
    /// line, so blanks before `=` make it an unknown variable (M5).
    #[error(
        "`{0}` must be written `{0}=PATH` with no blank before `=`: Nagios 4 treats this line as an unknown variable"
    )]
    SpacedObjectSource(String),
}

impl MainCfgErrorKind {
    /// Stable code, `main-cfg/…`.
    pub fn code(&self) -> &'static str {
        match self {
            MainCfgErrorKind::MissingEquals => "main-cfg/missing-equals",
            MainCfgErrorKind::EmptyValue(_) => "main-cfg/empty-value",
            MainCfgErrorKind::EmptyName => "main-cfg/empty-name",
            MainCfgErrorKind::UnknownVariable(_) => "main-cfg/unknown-variable",
            MainCfgErrorKind::NaemonInclude(_) => "main-cfg/naemon-include",
            MainCfgErrorKind::IllegalValue { .. } => "main-cfg/illegal-value",
            MainCfgErrorKind::Deprecated { .. } => "main-cfg/deprecated-variable",
            MainCfgErrorKind::SpacedObjectSource(_) => "main-cfg/spaced-object-source",
        }
    }

    /// Error when `nagios4 -v` refuses it, warning otherwise.
    pub fn severity(&self) -> Severity {
        match self {
            MainCfgErrorKind::Deprecated { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl_diagnostic!(MainCfgError);

/// Stripped bounds of `bytes[start..end]`, as offsets into `bytes`.
fn strip_range(bytes: &[u8], start: usize, end: usize) -> (usize, usize) {
    let (lo, hi) = strip_bounds(bytes.get(start..end).unwrap_or_default());
    (start + lo, start + hi)
}

/// Parse `nagios.cfg`. Never fails: returns every entry it could read and every problem.
pub fn parse_main_cfg(input: &[u8]) -> MainConfig<'_> {
    let mut config = MainConfig::default();
    for line in Lines::new(input, Comments::HashLineOnly, true) {
        let bytes: &[u8] = &line.text;
        let full = line.full_span();
        let Some(eq) = memchr(b'=', bytes) else {
            config.errors.push(MainCfgError { kind: MainCfgErrorKind::MissingEquals, span: full });
            continue;
        };
        let (n_lo, n_hi) = strip_range(bytes, 0, eq);
        let (v_lo, v_hi) = strip_range(bytes, eq + 1, bytes.len());
        let name_span = line.source_span(n_lo, n_hi);
        let value_span = line.source_span(v_lo, v_hi);
        let name = line.slice_text(n_lo, n_hi);
        let value = line.slice_text(v_lo, v_hi);
        if name.is_empty() {
            config.errors.push(MainCfgError { kind: MainCfgErrorKind::EmptyName, span: full });
            continue;
        }
        if value.is_empty() {
            config.errors.push(MainCfgError {
                kind: MainCfgErrorKind::EmptyValue(name.clone().into_owned()),
                span: full,
            });
            continue;
        }
        // M4: any other line starting with `x` (old xodtemplate_/xrddefault_ names) is ignored,
        // once it has passed the `=` and empty-value checks.
        if bytes.first() == Some(&b'x') {
            continue;
        }
        // M5: these names are matched as `name=` at the very start of the line.
        let prefix_matched = PREFIX_MATCHED.contains(&&*name);
        if prefix_matched
            && !(bytes.starts_with(name.as_bytes()) && bytes.get(name.len()) == Some(&b'='))
        {
            config.errors.push(MainCfgError {
                kind: MainCfgErrorKind::SpacedObjectSource(name.clone().into_owned()),
                span: full,
            });
            continue;
        }
        match variable_status(&name) {
            VariableStatus::Known => {
                if let Some(expected) = value_rule(&name).and_then(|rule| rule.check(&value)) {
                    let kind = MainCfgErrorKind::IllegalValue {
                        name: name.clone().into_owned(),
                        expected,
                    };
                    config.errors.push(MainCfgError { kind, span: value_span });
                }
            }
            VariableStatus::Deprecated(note) => config.errors.push(MainCfgError {
                kind: MainCfgErrorKind::Deprecated { name: name.clone().into_owned(), note },
                span: name_span,
            }),
            VariableStatus::Unknown => {
                let name = name.clone().into_owned();
                let kind = if name == "include_file" || name == "include_dir" {
                    MainCfgErrorKind::NaemonInclude(name)
                } else {
                    MainCfgErrorKind::UnknownVariable(name)
                };
                config.errors.push(MainCfgError { kind, span: name_span });
            }
        }
        let entry = Entry { name, name_span, value, value_span };
        config.entries.push(entry);
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(config: &MainConfig<'_>) -> Vec<&'static str> {
        config.errors.iter().map(|e| e.kind.code()).collect()
    }

    #[test]
    fn splits_at_first_equals_and_strips() {
        let config =
            parse_main_cfg(b"status_update_interval = 5\nillegal_macro_output_chars=`~$&|'\"<>=\n");
        assert!(config.errors.is_empty(), "{:?}", config.errors);
        assert_eq!(config.status_update_interval(), 5);
        assert_eq!(config.illegal_macro_output_chars(), Some("`~$&|'\"<>="));
    }

    #[test]
    fn no_inline_comments() {
        let config = parse_main_cfg(b"log_rotation_method=d ; x\nuse_regexp_matching=1 # x\n");
        assert_eq!(config.get("log_rotation_method").map(|e| &*e.value), Some("d ; x"));
        assert!(config.use_regexp_matching());
    }

    #[test]
    fn object_sources_in_line_order() {
        let config = parse_main_cfg(b"cfg_file=a.cfg\ncfg_dir=objects/\ncfg_file=/b.cfg\n");
        let sources = config.object_sources();
        assert_eq!(sources.len(), 3);
        assert_eq!(sources[1].kind, ObjectSourceKind::Dir);
        assert_eq!(sources[1].path, "objects/");
        assert_eq!(sources[2].path, "/b.cfg");
    }

    #[test]
    fn spaced_cfg_file_is_refused() {
        let config = parse_main_cfg(b"cfg_file = x.cfg\n");
        assert_eq!(codes(&config), ["main-cfg/spaced-object-source"]);
        assert!(config.object_sources().is_empty());
    }

    #[test]
    fn missing_equals_and_empty_value() {
        let config = parse_main_cfg(b"# comment\n\nlog_file\nstatus_file=\n");
        assert_eq!(codes(&config), ["main-cfg/missing-equals", "main-cfg/empty-value"]);
    }

    #[test]
    fn x_lines_are_ignored_and_unknown_names_are_errors() {
        let config = parse_main_cfg(b"xodtemplate_foo=1\nno_such_thing=1\n");
        assert_eq!(codes(&config), ["main-cfg/unknown-variable"]);
        assert_eq!(config.errors[0].kind.severity(), Severity::Error);
    }

    #[test]
    fn naemon_includes_are_listed_and_refused_by_nagios() {
        let config =
            parse_main_cfg(b"include_file=more.cfg\ncfg_dir=objects\ninclude_dir=module-conf.d\n");
        assert_eq!(codes(&config), ["main-cfg/naemon-include", "main-cfg/naemon-include"]);
        let includes = config.includes();
        assert_eq!(includes.len(), 2);
        assert_eq!((includes[0].kind, includes[0].path), (ObjectSourceKind::File, "more.cfg"));
        assert_eq!((includes[1].kind, includes[1].path), (ObjectSourceKind::Dir, "module-conf.d"));
        assert_eq!(config.object_sources().len(), 1);
    }

    #[test]
    fn illegal_values_are_errors_at_the_value() {
        let input = b"use_syslog=yes\ninterval_length=60\nlog_rotation_method=x\n";
        let config = parse_main_cfg(input);
        assert_eq!(codes(&config), ["main-cfg/illegal-value", "main-cfg/illegal-value"]);
        let span = config.errors[0].span;
        assert_eq!(&input[span.start..span.end], b"yes");
        assert_eq!(config.errors[0].kind.severity(), Severity::Error);
        assert_eq!(config.interval_length(), 60);
    }

    #[test]
    fn defaults() {
        let config = parse_main_cfg(b"");
        assert_eq!(config.interval_length(), 60);
        assert_eq!(config.status_update_interval(), 10);
        assert_eq!(config.allow_empty_hostgroup_assignment(), 2);
    }

    #[test]
    fn continuation_lines_join() {
        let config = parse_main_cfg(b"admin_email=a\\\n  b@example.invalid\n");
        assert_eq!(config.get("admin_email").map(|e| &*e.value), Some("ab@example.invalid"));
    }
}
