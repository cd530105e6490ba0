//! `status.dat` and `retention.dat` (`docs/nagios-formats.md` §14, §15): the block grammar, a
//! streaming borrowing reader ([`StatusReader`]) and typed views of the blocks a Prometheus
//! bridge needs ([`HostStatus`], [`ServiceStatus`], [`ProgramStatus`], …).
//!
//! ```text
//! file   = { line }                       ; lines end at LF (a CR before it is dropped)
//! line   = blank | comment | header | close | field
//! blank  = { SP | TAB | CR }              ; skipped
//! comment= { SP | TAB } "#" …             ; skipped, inside blocks too
//! header = { SP | TAB } type { SP | TAB } "{" { SP | TAB }   ; type has no blank, "{", "="
//! close  = { SP | TAB } "}" { SP | TAB }
//! field  = { SP | TAB } key "=" value     ; split at the FIRST "="; value kept raw to the
//!                                         ; end of the line, trailing spaces included
//! ```
//!
//! The same grammar reads Nagios 4 `status.dat` (`hoststatus {`, tab-indented), Nagios 2/3
//! status and retention files (`host {`, `service {`, `program {`, space-indented or not),
//! Naemon and Icinga 1 files. Unknown block types and unknown keys are kept.
//!
//! The Nagios 1 `status.log` format (`[time] HOST;…` positional lines) is not read: when the
//! first meaningful line looks like one, the reader reports a single
//! [`StatusErrorKind::Nagios1Format`] and yields no block.

use std::borrow::Cow;

use crate::diagnostic::{Severity, impl_diagnostic};
use crate::span::Span;

mod reader;
mod typed;

pub use reader::{
    StatusFile, StatusReader, first_block_end_after, is_block_close, last_block_end,
    looks_complete, parse_status,
};
pub use typed::{
    CheckStatus, Comment, ContactStatus, CustomVariable, Downtime, HostStatus, Info, ProgramStatus,
    Record, ServiceStatus, unescape_long_output,
};

/// One `key=value` line of a block: the key and the raw value, both borrowed from the input.
pub type Field<'a> = (&'a [u8], &'a [u8]);

/// The block types of status.dat (Nagios 4, Naemon, Icinga 1), retention.dat and the Nagios 2/3
/// files (which use the retention names `host`, `service`, `program` in status files too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind<'a> {
    /// `info` (status and retention)
    Info,
    /// `programstatus`
    ProgramStatus,
    /// `hoststatus`
    HostStatus,
    /// `servicestatus`
    ServiceStatus,
    /// `contactstatus`
    ContactStatus,
    /// `hostcomment` (status and retention)
    HostComment,
    /// `servicecomment` (status and retention)
    ServiceComment,
    /// `hostdowntime` (status and retention)
    HostDowntime,
    /// `servicedowntime` (status and retention)
    ServiceDowntime,
    /// `program` (retention; Nagios 2 status)
    Program,
    /// `host` (retention; Nagios 2 status)
    Host,
    /// `service` (retention; Nagios 2 status)
    Service,
    /// `contact` (retention)
    Contact,
    /// Any other block type, as written.
    Other(&'a [u8]),
}

impl<'a> BlockKind<'a> {
    /// The kind named by `name` (exact, case-sensitive); unknown names give [`BlockKind::Other`].
    pub fn from_name(name: &'a [u8]) -> BlockKind<'a> {
        match name {
            b"info" => BlockKind::Info,
            b"programstatus" => BlockKind::ProgramStatus,
            b"hoststatus" => BlockKind::HostStatus,
            b"servicestatus" => BlockKind::ServiceStatus,
            b"contactstatus" => BlockKind::ContactStatus,
            b"hostcomment" => BlockKind::HostComment,
            b"servicecomment" => BlockKind::ServiceComment,
            b"hostdowntime" => BlockKind::HostDowntime,
            b"servicedowntime" => BlockKind::ServiceDowntime,
            b"program" => BlockKind::Program,
            b"host" => BlockKind::Host,
            b"service" => BlockKind::Service,
            b"contact" => BlockKind::Contact,
            other => BlockKind::Other(other),
        }
    }

    /// The block type as written before ` {`.
    pub fn name(&self) -> &'a [u8] {
        match self {
            BlockKind::Info => b"info",
            BlockKind::ProgramStatus => b"programstatus",
            BlockKind::HostStatus => b"hoststatus",
            BlockKind::ServiceStatus => b"servicestatus",
            BlockKind::ContactStatus => b"contactstatus",
            BlockKind::HostComment => b"hostcomment",
            BlockKind::ServiceComment => b"servicecomment",
            BlockKind::HostDowntime => b"hostdowntime",
            BlockKind::ServiceDowntime => b"servicedowntime",
            BlockKind::Program => b"program",
            BlockKind::Host => b"host",
            BlockKind::Service => b"service",
            BlockKind::Contact => b"contact",
            BlockKind::Other(name) => name,
        }
    }

    /// True for host state blocks (`hoststatus`, retention/Nagios 2 `host`).
    pub fn is_host(&self) -> bool {
        matches!(self, BlockKind::HostStatus | BlockKind::Host)
    }

    /// True for service state blocks (`servicestatus`, retention/Nagios 2 `service`).
    pub fn is_service(&self) -> bool {
        matches!(self, BlockKind::ServiceStatus | BlockKind::Service)
    }
}

impl std::fmt::Display for BlockKind<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.name()))
    }
}

/// One `TYPE { … }` block. Every slice borrows from the input given to [`StatusReader`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<'a> {
    /// The block type.
    pub kind: BlockKind<'a>,
    /// From the start of the header line to just after the closing `}` (or to the end of the
    /// last line read, when the block is not closed).
    pub span: Span,
    /// The header, `TYPE {`, without indentation and trailing blanks.
    pub header_span: Span,
    /// `(key, raw value)` pairs in file order, duplicates and unknown keys included.
    pub fields: Vec<Field<'a>>,
    /// False when the file ended, or another block started, before the closing `}`.
    pub closed: bool,
    /// The whole input, to turn field slices back into spans.
    pub(crate) source: &'a [u8],
}

impl Default for Block<'_> {
    fn default() -> Self {
        Block {
            kind: BlockKind::Other(b""),
            span: Span::default(),
            header_span: Span::default(),
            fields: Vec::new(),
            closed: false,
            source: b"",
        }
    }
}

impl<'a> Block<'a> {
    /// The raw value of the last field named `key` (Nagios' readers let a later line win).
    pub fn get(&self, key: impl AsRef<[u8]>) -> Option<&'a [u8]> {
        let key = key.as_ref();
        self.fields.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// [`Block::get`] decoded as text (borrowed when valid UTF-8, lossy otherwise).
    pub fn get_str(&self, key: impl AsRef<[u8]>) -> Option<Cow<'a, str>> {
        self.get(key).map(String::from_utf8_lossy)
    }

    /// The byte span of `part`, a key or value slice of this block (the block's span when
    /// `part` does not come from the input).
    pub fn span_of(&self, part: &[u8]) -> Span {
        Span::of_subslice(self.source, part).unwrap_or(self.span)
    }
}

/// A problem in a status or retention file.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusError {
    /// What is wrong.
    pub kind: StatusErrorKind,
    /// Where.
    pub span: Span,
}

impl StatusError {
    pub(crate) fn new(kind: StatusErrorKind, span: Span) -> Self {
        StatusError { kind, span }
    }
}

/// What can be wrong in a status or retention file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusErrorKind {
    /// End of input inside a block: the file is truncated (or being written, §14 S1).
    #[error("unexpected end of file: `{0} {{` is not closed with a `}}` line (truncated file?)")]
    UnterminatedBlock(String),
    /// A block header while another block is open; the open block ends there, unclosed.
    #[error("`{new} {{` starts a block while `{open} {{` is still open")]
    NestedBlock {
        /// Type of the block left open.
        open: String,
        /// Type of the block that starts.
        new: String,
    },
    /// A `}` line outside any block.
    #[error("`}}` outside a block")]
    UnexpectedClose,
    /// A `key=value` line outside any block.
    #[error("field `{0}` outside a block")]
    FieldOutsideBlock(String),
    /// A line outside any block that is not a header, a comment, a field or `}`.
    #[error("unexpected line outside a block: expected `TYPE {{`")]
    UnexpectedLine,
    /// A line inside a block that is neither `key=value`, `}`, a comment, nor a header.
    #[error("line without `=` inside a `{0}` block")]
    MissingEquals(String),
    /// The input is a Nagios 1 `status.log` (`[time] TYPE;…` lines), which is not supported.
    #[error(
        "Nagios 1 status.log format (`[time] TYPE;…` lines) is not supported; nothing was read"
    )]
    Nagios1Format,
    /// A block lacks a key its typed view requires (`host_name`, `service_description`, …).
    #[error("`{block}` block without `{key}`")]
    MissingKey {
        /// The block type.
        block: String,
        /// The missing key.
        key: &'static str,
    },
    /// A numeric (or 0/1 flag) field that does not parse; the field is treated as absent.
    #[error("`{key}` is not a valid {expected}: `{value}`")]
    InvalidNumber {
        /// The key.
        key: String,
        /// The value as written (lossily decoded).
        value: String,
        /// What was expected (`integer`, `number`, `0/1 flag`, …).
        expected: &'static str,
    },
    /// A custom variable value that is not `<modified 0|1>;<value>` (§14 S5); ignored.
    #[error("custom variable `{0}` is not `<modified>;<value>`")]
    InvalidCustomVariable(String),
}

impl StatusErrorKind {
    /// Stable code, `status/…`.
    pub fn code(&self) -> &'static str {
        match self {
            StatusErrorKind::UnterminatedBlock(_) => "status/unterminated-block",
            StatusErrorKind::NestedBlock { .. } => "status/nested-block",
            StatusErrorKind::UnexpectedClose => "status/unexpected-close",
            StatusErrorKind::FieldOutsideBlock(_) => "status/field-outside-block",
            StatusErrorKind::UnexpectedLine => "status/unexpected-line",
            StatusErrorKind::MissingEquals(_) => "status/missing-equals",
            StatusErrorKind::Nagios1Format => "status/nagios1-format",
            StatusErrorKind::MissingKey { .. } => "status/missing-key",
            StatusErrorKind::InvalidNumber { .. } => "status/invalid-number",
            StatusErrorKind::InvalidCustomVariable(_) => "status/invalid-custom-variable",
        }
    }

    /// Every finding loses or misplaces data, so all are errors; lines outside blocks, which
    /// Nagios' readers ignore, are warnings.
    pub fn severity(&self) -> Severity {
        match self {
            StatusErrorKind::UnexpectedClose
            | StatusErrorKind::FieldOutsideBlock(_)
            | StatusErrorKind::UnexpectedLine => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl_diagnostic!(StatusError);

/// Lossy text of a byte slice, for error messages.
pub(crate) fn lossy_string(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
