//! Object definition files (`define TYPE { … }`) and Nagios' own `objects.cache` /
//! `objects.precache`, which share the grammar.
//!
//! The lexical rules (`docs/nagios-formats.md` §4, Nagios' `mmap_fgets_multiline` and
//! `xodtemplate_process_config_file`) are implemented in [`lexer`]; the line grammar (define
//! header, directive, closing brace, `include_file=`) in [`grammar`]; which directive names each
//! object type accepts in [`directives`].

use std::borrow::Cow;

use crate::diagnostic::{Severity, impl_diagnostic};
use crate::span::Span;

pub mod directives;
mod grammar;
pub mod lexer;

pub use grammar::{Keep, parse_objects, parse_objects_keeping, parse_objects_range, split_point};

/// How to read the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// A hand-written object file: backslash continuation, `;` comments, `\;` escapes.
    #[default]
    Config,
    /// `objects.cache` / `objects.precache` written by Nagios: values are raw (a `;` is data,
    /// §13 O8), lines are not continued, trailing white space is stripped.
    Cache,
}

/// The object types Nagios 4 knows (`define TYPE`). Names are case-sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectType {
    /// `define host`
    Host,
    /// `define hostgroup`
    HostGroup,
    /// `define service`
    Service,
    /// `define servicegroup`
    ServiceGroup,
    /// `define contact`
    Contact,
    /// `define contactgroup`
    ContactGroup,
    /// `define timeperiod`
    TimePeriod,
    /// `define command`
    Command,
    /// `define servicedependency`
    ServiceDependency,
    /// `define serviceescalation`
    ServiceEscalation,
    /// `define hostdependency`
    HostDependency,
    /// `define hostescalation`
    HostEscalation,
    /// `define hostextinfo` (deprecated: Nagios warns and merges it into hosts)
    HostExtInfo,
    /// `define serviceextinfo` (deprecated: Nagios warns and merges it into services)
    ServiceExtInfo,
}

impl ObjectType {
    /// Every type, in Nagios' objects.cache order followed by the extinfo types.
    pub const ALL: [ObjectType; 14] = [
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
        ObjectType::HostExtInfo,
        ObjectType::ServiceExtInfo,
    ];

    /// The keyword after `define`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Host => "host",
            ObjectType::HostGroup => "hostgroup",
            ObjectType::Service => "service",
            ObjectType::ServiceGroup => "servicegroup",
            ObjectType::Contact => "contact",
            ObjectType::ContactGroup => "contactgroup",
            ObjectType::TimePeriod => "timeperiod",
            ObjectType::Command => "command",
            ObjectType::ServiceDependency => "servicedependency",
            ObjectType::ServiceEscalation => "serviceescalation",
            ObjectType::HostDependency => "hostdependency",
            ObjectType::HostEscalation => "hostescalation",
            ObjectType::HostExtInfo => "hostextinfo",
            ObjectType::ServiceExtInfo => "serviceextinfo",
        }
    }

    /// The type named by `keyword` (exact, case-sensitive), if Nagios knows it.
    pub fn from_keyword(keyword: &[u8]) -> Option<ObjectType> {
        ObjectType::ALL.into_iter().find(|t| t.as_str().as_bytes() == keyword)
    }
}

impl std::fmt::Display for ObjectType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed object file: its definitions and `include_file=`/`include_dir=` statements, in
/// order, plus every problem found.
#[derive(Debug, Clone, Default)]
pub struct ObjectFile<'a> {
    /// Definitions in file order (including ones with errors, as far as they could be read).
    pub definitions: Vec<Definition<'a>>,
    /// `include_file=` / `include_dir=` statements found outside definitions.
    pub includes: Vec<Include<'a>>,
    /// Every problem found, in file order.
    pub errors: Vec<ObjectError>,
}

/// One `define TYPE { … }` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition<'a> {
    /// The object type, `None` when the keyword is unknown (an error was recorded).
    pub object_type: Option<ObjectType>,
    /// The type keyword as written.
    pub keyword: Cow<'a, str>,
    /// Span of the type keyword.
    pub keyword_span: Span,
    /// From the start of the `define` line to the end of the closing `}` (or of the last line
    /// read, when the block is not closed).
    pub span: Span,
    /// Directives in order, duplicates included.
    pub directives: Vec<Directive<'a>>,
    /// False when the file ended (or another `define` started) before the closing `}`.
    pub closed: bool,
}

impl<'a> Definition<'a> {
    /// The last value given for `name` (Nagios' "last one wins" for scalars).
    pub fn get(&self, name: &str) -> Option<&Directive<'a>> {
        self.directives.iter().rev().find(|d| d.name == name)
    }
}

/// One `name value` line inside a definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Directive<'a> {
    /// Everything up to the first space or tab (`host_name`, `_SNMP_COMMUNITY`, `monday`).
    pub name: Cow<'a, str>,
    /// Span of the name.
    pub name_span: Span,
    /// The rest, leading blanks and trailing white space removed, comments cut, `\;` unescaped
    /// and continuation lines joined. Empty when the directive has no value.
    pub value: Cow<'a, str>,
    /// Span of the value in the input (across continuation lines, if any; empty at the end of
    /// the name when there is no value).
    pub value_span: Span,
}

/// An `include_file=PATH` or `include_dir=PATH` statement. Nagios resolves a relative path
/// against its working directory, not the including file.
#[derive(Debug, Clone, PartialEq)]
pub struct Include<'a> {
    /// `include_dir` rather than `include_file`.
    pub is_dir: bool,
    /// The path as written.
    pub path: Cow<'a, str>,
    /// Span of the whole statement.
    pub span: Span,
}

/// A problem in an object file.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectError {
    /// What is wrong.
    pub kind: ObjectErrorKind,
    /// Where.
    pub span: Span,
}

/// What can be wrong in an object file, with Nagios' own wording where it has one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ObjectErrorKind {
    /// `define` with nothing after it.
    #[error("no object type specified after `define`")]
    MissingObjectType,
    /// `define Host`, `define hostgroupescalation`, … (types are case-sensitive).
    #[error("invalid object definition type `{0}`")]
    UnknownObjectType(String),
    /// A `define` line while a definition is still open.
    #[error(
        "unexpected start of object definition: the `define {0}` above is not closed with a `}}` line"
    )]
    UnexpectedDefine(String),
    /// End of file inside a definition.
    #[error("unexpected end of file: `define {0}` is not closed with a `}}` line")]
    UnterminatedDefine(String),
    /// A line outside any definition that is neither a `define`, a comment, nor an include.
    #[error("unexpected token or statement outside an object definition")]
    UnexpectedStatement,
    /// A directive name the object type does not accept (`host_name=a`, `Host_Name`, `{`, `} # x`).
    #[error("invalid {object_type} object directive `{name}`")]
    UnknownDirective {
        /// The object type.
        object_type: ObjectType,
        /// The directive name as written.
        name: String,
    },
    /// A custom variable (`_NAME`) on a type that has none, or a bare `_`.
    #[error(
        "invalid custom variable `{name}` on a {object_type}: only hosts, services and contacts have custom variables, and the name cannot be empty"
    )]
    InvalidCustomVariable {
        /// The object type.
        object_type: ObjectType,
        /// The directive name as written.
        name: String,
    },
    /// A timeperiod day or exception line Nagios cannot parse.
    #[error("{0}")]
    TimePeriod(String),
    /// A directive Nagios accepts with a deprecation warning.
    #[error("`{name}` is deprecated: {note}")]
    DeprecatedDirective {
        /// The directive name.
        name: String,
        /// What to use instead.
        note: &'static str,
    },
    /// Deprecated `hostextinfo`/`serviceextinfo` definitions.
    #[error("`{0}` objects are deprecated: Nagios merges them into the matching objects and warns")]
    DeprecatedExtInfo(String),
}

impl ObjectErrorKind {
    /// Stable code, `object/…`.
    pub fn code(&self) -> &'static str {
        match self {
            ObjectErrorKind::MissingObjectType => "object/missing-object-type",
            ObjectErrorKind::UnknownObjectType(_) => "object/unknown-object-type",
            ObjectErrorKind::UnexpectedDefine(_) => "object/unexpected-define",
            ObjectErrorKind::UnterminatedDefine(_) => "object/unterminated-define",
            ObjectErrorKind::UnexpectedStatement => "object/unexpected-statement",
            ObjectErrorKind::UnknownDirective { .. } => "object/unknown-directive",
            ObjectErrorKind::InvalidCustomVariable { .. } => "object/invalid-custom-variable",
            ObjectErrorKind::TimePeriod(_) => "object/invalid-timeperiod-line",
            ObjectErrorKind::DeprecatedDirective { .. } => "object/deprecated-directive",
            ObjectErrorKind::DeprecatedExtInfo(_) => "object/deprecated-extinfo",
        }
    }

    /// Error when `nagios4 -v` refuses it, warning when it only warns.
    pub fn severity(&self) -> Severity {
        match self {
            ObjectErrorKind::DeprecatedExtInfo(_) | ObjectErrorKind::DeprecatedDirective { .. } => {
                Severity::Warning
            }
            _ => Severity::Error,
        }
    }
}

impl_diagnostic!(ObjectError);
