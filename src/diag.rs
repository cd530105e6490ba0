//! Diagnostics shown to users: a stable code, a severity, a message and a location
//! (`file:line:column` plus the offending line with a caret), rendered as text or JSON Lines.
//!
//! Parser errors arrive through [`Diagnostic::from_parser`]; the front end adds its own codes
//! ([`Code`]). Line and column are computed only here, when a diagnostic is shown. The renderer
//! is written out rather than taken from a crate because Nagios files are bytes, not UTF-8
//! strings: spans are byte offsets into the raw file and must stay exact when a file contains
//! ISO-8859-1. JSON Lines go through serde_json from a borrowed struct. Lines of resource files
//! are never echoed (they hold passwords).

use std::io::{self, Write};

use nag2prom_parsers::diagnostic::{Diagnostic as ParserDiagnostic, Severity};
use nag2prom_parsers::span::Span;

use crate::sourcedb::{FileId, SourceDb};

/// Codes of the diagnostics the front end itself raises (parsers have their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A file or directory named by the configuration cannot be read.
    UnreadableFile,
    /// Naemon's `include_file` / `include_dir` names a file or directory a second time.
    RepeatedInclude,
    /// A file includes itself (directly or through others).
    IncludeLoop,
    /// A path `nagios4 -v` opens as a directory is not one on this machine.
    PathNotADirectory,
    /// A directory `nagios4 -v` writes a probe file into is not writable on this machine.
    PathNotWritable,
    /// `nagios_user` / `nagios_group` is not an account on this machine (Nagios started as
    /// root cannot switch to it).
    UnknownNagiosUser,
    /// An `include=` / `include_dir=` of an nrpe.cfg cannot be read (NRPE goes on without it).
    UnreadableNrpeInclude,
    /// An nrpe.cfg defines a command again; NRPE runs the last definition.
    RedefinedNrpeCommand,
    /// A `use` names a template that does not exist (among `name`s of the same type).
    UnknownTemplate,
    /// Two templates of one type share a `name`.
    DuplicateTemplate,
    /// Templates use each other in a loop (Nagios accepts it silently).
    CircularTemplate,
    /// Two definitions of one type share a real name.
    DuplicateObject,
    /// A definition gives its name directive twice.
    RepeatedName,
    /// A registered definition has neither its own real name nor a template name.
    UnnamedObject,
    /// A value Nagios refuses (option letter, regex, max_check_attempts, member pairs).
    InvalidValue,
    /// A required directive is missing.
    MissingDirective,
    /// The same service is defined twice on one host; one copy wins.
    DuplicateService,
    /// A registered service has no hosts or no description.
    ServiceWithoutHost,
    /// A service's hostgroup list selects no group and rejects no host.
    EmptyHostgroupAssignment,
    /// Groups include each other through `*group_members`.
    GroupLoop,
    /// A host name that is not defined (or is only a template).
    UnknownHost,
    /// A host group name that is not defined.
    UnknownHostgroup,
    /// A host/description pair that is not defined.
    UnknownService,
    /// A service group name that is not defined.
    UnknownServicegroup,
    /// A contact name that is not defined.
    UnknownContact,
    /// A contact group name that is not defined.
    UnknownContactgroup,
    /// A timeperiod name that is not defined.
    UnknownTimeperiod,
    /// A command name that is not defined.
    UnknownCommand,
    /// A dependency without failure options is ignored.
    LameDependency,
    /// An object depends on itself.
    CircularDependency,
    /// Host parents form a loop.
    CircularParents,
    /// A name contains a character of `illegal_object_name_chars`.
    IllegalName,
    /// A host or service has no contacts or contact groups.
    NoContacts,
    /// A service has no check_period.
    NoCheckPeriod,
    /// Service notification options are only `r`.
    RecoveryOnly,
    /// A notification interval shorter than the check interval.
    ShortNotificationInterval,
    /// No hosts, services or contacts at all.
    NoObjects,
    /// `nagios.cfg` sets no `illegal_macro_output_chars`.
    NoIllegalMacroOutputChars,
    /// An OLA file (`convert --ola`) is not valid YAML or not in its format.
    OlaInvalidFile,
    /// An OLA target or unknown-share limit is not a percentage from 0 to 100, or missing.
    OlaInvalidTarget,
    /// An OLA window is not a rolling window of whole days convert supports.
    OlaUnknownWindow,
    /// Two OLA declarations give one service (or one group) different groups or targets.
    OlaConflict,
    /// An objective of the OLA file selects no service.
    OlaEmptyObjective,
}

impl Code {
    /// The "unknown name" code for references to objects of `ty`.
    pub fn unknown(ty: nag2prom_parsers::object::ObjectType) -> Code {
        use nag2prom_parsers::object::ObjectType as T;
        match ty {
            T::Host => Code::UnknownHost,
            T::HostGroup => Code::UnknownHostgroup,
            T::ServiceGroup => Code::UnknownServicegroup,
            T::Contact => Code::UnknownContact,
            T::ContactGroup => Code::UnknownContactgroup,
            T::TimePeriod => Code::UnknownTimeperiod,
            T::Command => Code::UnknownCommand,
            _ => Code::UnknownService,
        }
    }

    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::OlaInvalidFile => "ola/invalid-file",
            Code::OlaInvalidTarget => "ola/invalid-target",
            Code::OlaUnknownWindow => "ola/unknown-window",
            Code::OlaConflict => "ola/conflict",
            Code::OlaEmptyObjective => "ola/empty-objective",
            Code::UnreadableFile => "source/unreadable-file",
            Code::RepeatedInclude => "source/repeated-include",
            Code::IncludeLoop => "source/include-loop",
            Code::PathNotADirectory => "source/path-not-a-directory",
            Code::PathNotWritable => "source/path-not-writable",
            Code::UnknownNagiosUser => "source/unknown-nagios-user",
            Code::UnreadableNrpeInclude => "source/unreadable-nrpe-include",
            Code::RedefinedNrpeCommand => "source/redefined-nrpe-command",
            Code::UnknownTemplate => "model/unknown-template",
            Code::DuplicateTemplate => "model/duplicate-template",
            Code::CircularTemplate => "model/circular-template",
            Code::DuplicateObject => "model/duplicate-object",
            Code::RepeatedName => "model/repeated-name",
            Code::UnnamedObject => "model/unnamed-object",
            Code::InvalidValue => "model/invalid-value",
            Code::MissingDirective => "model/missing-directive",
            Code::DuplicateService => "model/duplicate-service",
            Code::ServiceWithoutHost => "model/service-without-host",
            Code::EmptyHostgroupAssignment => "model/empty-hostgroup-assignment",
            Code::GroupLoop => "model/group-loop",
            Code::UnknownHost => "model/unknown-host",
            Code::UnknownHostgroup => "model/unknown-hostgroup",
            Code::UnknownService => "model/unknown-service",
            Code::UnknownServicegroup => "model/unknown-servicegroup",
            Code::UnknownContact => "model/unknown-contact",
            Code::UnknownContactgroup => "model/unknown-contactgroup",
            Code::UnknownTimeperiod => "model/unknown-timeperiod",
            Code::UnknownCommand => "model/unknown-command",
            Code::LameDependency => "model/lame-dependency",
            Code::CircularDependency => "model/circular-dependency",
            Code::CircularParents => "model/circular-parents",
            Code::IllegalName => "model/illegal-name",
            Code::NoContacts => "model/no-contacts",
            Code::NoCheckPeriod => "model/no-check-period",
            Code::RecoveryOnly => "model/recovery-only-notifications",
            Code::ShortNotificationInterval => "model/short-notification-interval",
            Code::NoObjects => "model/no-objects",
            Code::NoIllegalMacroOutputChars => "model/no-illegal-macro-output-chars",
        }
    }

    /// Default severity.
    pub fn severity(self) -> Severity {
        match self {
            Code::CircularTemplate
            | Code::UnreadableNrpeInclude
            | Code::RedefinedNrpeCommand
            | Code::DuplicateService
            | Code::EmptyHostgroupAssignment
            | Code::LameDependency
            | Code::NoContacts
            | Code::NoCheckPeriod
            | Code::RecoveryOnly
            | Code::ShortNotificationInterval
            | Code::NoIllegalMacroOutputChars => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// A diagnostic's code: either one of ours or a parser's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiagCode(&'static str);

impl DiagCode {
    /// The stable `area/name` identifier.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// A problem to show to the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Stable identifier, `area/kebab-name`.
    pub code: DiagCode,
    /// Error, warning or note.
    pub severity: Severity,
    /// One line, lower case, no trailing period.
    pub message: String,
    /// Where, when it has a location.
    pub location: Option<(FileId, Span)>,
}

impl Diagnostic {
    /// A front-end diagnostic at a location.
    pub fn new(code: Code, file: FileId, span: Span, message: String) -> Self {
        Diagnostic {
            code: DiagCode(code.as_str()),
            severity: code.severity(),
            message,
            location: Some((file, span)),
        }
    }

    /// A front-end diagnostic with no location (e.g. a path given on the command line).
    pub fn without_location(code: Code, message: String) -> Self {
        Diagnostic {
            code: DiagCode(code.as_str()),
            severity: code.severity(),
            message,
            location: None,
        }
    }

    /// Wrap a parser's error found in `file`.
    pub fn from_parser(file: FileId, error: &impl ParserDiagnostic) -> Self {
        Diagnostic {
            code: DiagCode(error.code()),
            severity: error.severity(),
            message: error.message(),
            location: Some((file, error.span())),
        }
    }
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

impl Tally {
    /// Count `diagnostics`.
    pub fn of(diagnostics: &[Diagnostic]) -> Tally {
        let mut tally = Tally::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => tally.errors += 1,
                Severity::Warning => tally.warnings += 1,
                Severity::Note => tally.notes += 1,
            }
        }
        tally
    }
}

/// Where a diagnostic points, resolved for display.
struct Resolved {
    path: String,
    line: usize,
    column: usize,
    /// The source line and the caret's start column and width, unless the file is sensitive.
    snippet: Option<(String, usize, usize)>,
}

fn resolve(db: &SourceDb, file: FileId, span: Span) -> Option<Resolved> {
    let source = db.file(file)?;
    let index = source.line_index();
    let start = index.line_col(&source.bytes, span.start);
    let snippet = if source.is_sensitive() {
        None
    } else {
        let range = index.line_range(&source.bytes, start.line - 1);
        let line_text = String::from_utf8_lossy(source.bytes.get(range.clone()).unwrap_or(&[]))
            .replace('\t', " ");
        // The caret covers the span's part on its first line (at least one character).
        let end_offset = span.end.min(range.end).max(span.start);
        let end = index.line_col(&source.bytes, end_offset);
        let width =
            if end.line == start.line { end.column.saturating_sub(start.column).max(1) } else { 1 };
        Some((line_text, start.column, width))
    };
    Some(Resolved {
        path: source.path.display().to_string(),
        line: start.line,
        column: start.column,
        snippet,
    })
}

/// Write `diagnostic` in the human format:
///
/// ```text
/// error[object/unknown-directive]: invalid host object directive `host_name=a`
///   --> objects/hosts.cfg:3:5
///    |
///  3 |     host_name=a
///    |     ^^^^^^^^^^^
/// ```
pub fn render_human(out: &mut dyn Write, db: &SourceDb, diagnostic: &Diagnostic) -> io::Result<()> {
    writeln!(
        out,
        "{}[{}]: {}",
        diagnostic.severity.as_str(),
        diagnostic.code.as_str(),
        diagnostic.message
    )?;
    let Some((file, span)) = diagnostic.location else { return Ok(()) };
    let Some(resolved) = resolve(db, file, span) else { return Ok(()) };
    let gutter = resolved.line.to_string().len();
    writeln!(out, "{:gutter$}--> {}:{}:{}", "", resolved.path, resolved.line, resolved.column)?;
    if let Some((text, column, width)) = resolved.snippet {
        writeln!(out, "{:gutter$} |", "")?;
        writeln!(out, "{} | {}", resolved.line, text)?;
        writeln!(out, "{:gutter$} | {:pad$}{}", "", "", "^".repeat(width), pad = column - 1)?;
    }
    Ok(())
}

/// A diagnostic as its JSON line, borrowed (keys in this order; the location keys only when
/// it has a location).
#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'a str,
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_end: Option<usize>,
}

/// Write `diagnostic` as one JSON object on one line (keys: severity, code, message, file,
/// line, column, byte_start, byte_end), through serde_json.
pub fn render_json(out: &mut dyn Write, db: &SourceDb, diagnostic: &Diagnostic) -> io::Result<()> {
    let located = diagnostic
        .location
        .and_then(|(file, span)| resolve(db, file, span).map(|resolved| (resolved, span)));
    let line = JsonDiagnostic {
        severity: diagnostic.severity.as_str(),
        code: diagnostic.code.as_str(),
        message: &diagnostic.message,
        file: located.as_ref().map(|(r, _)| r.path.as_str()),
        line: located.as_ref().map(|(r, _)| r.line),
        column: located.as_ref().map(|(r, _)| r.column),
        byte_start: located.as_ref().map(|(_, span)| span.start),
        byte_end: located.as_ref().map(|(_, span)| span.end),
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::sourcedb::FileRole;

    #[test]
    fn human_rendering_has_location_line_and_caret() {
        let mut db = SourceDb::default();
        let file = db.add(
            PathBuf::from("objects/hosts.cfg"),
            FileRole::Objects,
            b"define host {\n    host_name=a\n}\n".to_vec(),
        );
        let d = Diagnostic::new(Code::UnreadableFile, file, Span::new(18, 29), "x".into());
        let mut out = Vec::new();
        render_human(&mut out, &db, &d).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "error[source/unreadable-file]: x\n --> objects/hosts.cfg:2:5\n  |\n2 |     host_name=a\n  |     ^^^^^^^^^^^\n"
        );
    }

    #[test]
    fn sensitive_files_are_never_echoed() {
        let mut db = SourceDb::default();
        let file = db.add(
            PathBuf::from("resource.cfg"),
            FileRole::Resource,
            b"$USER2$ = hunter2\n".to_vec(),
        );
        let d = Diagnostic::new(Code::UnreadableFile, file, Span::new(0, 8), "x".into());
        let mut out = Vec::new();
        render_human(&mut out, &db, &d).unwrap();
        render_json(&mut out, &db, &d).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("resource.cfg:1:1"));
    }

    #[test]
    fn json_lines_are_valid_json_with_every_key() {
        let mut db = SourceDb::default();
        let file =
            db.add(PathBuf::from("o \"q\".cfg"), FileRole::Objects, b"a\nbad \\ line\n".to_vec());
        let mut out = Vec::new();
        let d =
            Diagnostic::new(Code::UnreadableFile, file, Span::new(2, 5), "say \"x\"\tnow".into());
        render_json(&mut out, &db, &d).unwrap();
        render_json(&mut out, &db, &Diagnostic::without_location(Code::NoObjects, "none".into()))
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> =
            text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0]["file"], "o \"q\".cfg");
        assert_eq!(lines[0]["message"], "say \"x\"\tnow");
        assert_eq!((lines[0]["line"].as_u64(), lines[0]["column"].as_u64()), (Some(2), Some(1)));
        assert_eq!(
            (lines[0]["byte_start"].as_u64(), lines[0]["byte_end"].as_u64()),
            (Some(2), Some(5))
        );
        assert!(
            text.starts_with(
                "{\"severity\":\"error\",\"code\":\"source/unreadable-file\",\"message\":"
            ),
            "{text}"
        );
        assert_eq!(
            text.lines().nth(1),
            Some("{\"severity\":\"error\",\"code\":\"model/no-objects\",\"message\":\"none\"}")
        );
    }
}
