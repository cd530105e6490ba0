//! `check_command` values (`name!arg1!arg2`): the command name and its `$ARGn$` arguments, as
//! Nagios' `base/utils.c:get_raw_command_line_r` splits them (`docs/nagios-formats.md` §12 C1).
//!
//! Grammar:
//!
//! ```text
//! check_command = name *( "!" argument )
//! name          = *( any byte but "!" )          ; verbatim, trailing spaces kept, `\` kept
//! argument      = *( "\!" | any byte but "!" )   ; `\!` is a literal `!`, nothing else escapes
//! ```
//!
//! Only the first [`MAX_COMMAND_ARGUMENTS`] arguments are used; Nagios silently drops the rest
//! (a warning is recorded here).

use std::borrow::Cow;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till1};
use nom::combinator::{map, value};
use nom::multi::many0;
use nom::{IResult, Parser};

use crate::diagnostic::{Severity, impl_diagnostic};
use crate::span::Span;

/// Nagios' `MAX_COMMAND_ARGUMENTS`: `$ARG1$` … `$ARG32$`.
pub const MAX_COMMAND_ARGUMENTS: usize = 32;

/// Nagios 4.4 copies each argument into a `MAX_INPUT_BUFFER` (1024-byte) buffer: a longer
/// argument is cut after 1023 bytes and the rest is misread as further arguments.
pub const MAX_ARGUMENT_BYTES: usize = 1023;

/// A `check_command` split into name and arguments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckCommand<'a> {
    /// Everything before the first `!`, verbatim (spaces and backslashes included).
    pub name: &'a str,
    /// `$ARG1$`, `$ARG2$`, … with `\!` turned into `!`; empty arguments are empty strings.
    /// At most [`MAX_COMMAND_ARGUMENTS`].
    pub args: Vec<Cow<'a, str>>,
    /// Span of each argument's text in the input (escapes included), parallel to `args`.
    pub arg_spans: Vec<Span>,
    /// Findings, each with its own severity (dropped arguments, over-long arguments, empty
    /// command name).
    pub warnings: Vec<CommandError>,
}

/// A problem in a `check_command` value.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandError {
    /// What is wrong.
    pub kind: CommandErrorKind,
    /// Where, in bytes of the text given to the parser.
    pub span: Span,
}

/// What can be wrong in a `check_command` value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CommandErrorKind {
    /// More than [`MAX_COMMAND_ARGUMENTS`] arguments: Nagios ignores the extra ones.
    #[error(
        "{given} arguments given, Nagios uses only the first 32 ($ARG1$ to $ARG32$) and ignores the rest"
    )]
    TooManyArguments {
        /// How many arguments the text holds.
        given: usize,
    },
    /// An argument longer than [`MAX_ARGUMENT_BYTES`]: Nagios 4.4 cuts it and reads the rest as
    /// further arguments (Naemon does not).
    #[error("argument {index} is {len} bytes long; Nagios 4.4 cuts arguments after 1023 bytes")]
    ArgumentTooLong {
        /// 1-based argument number (`$ARGn$`).
        index: usize,
        /// Its length in bytes after unescaping.
        len: usize,
    },
    /// Nothing before the first `!` (or an empty value): no command can have that name.
    #[error("empty command name")]
    EmptyName,
}

impl CommandErrorKind {
    /// Stable code, `command/…`.
    pub fn code(&self) -> &'static str {
        match self {
            CommandErrorKind::TooManyArguments { .. } => "command/too-many-arguments",
            CommandErrorKind::ArgumentTooLong { .. } => "command/argument-too-long",
            CommandErrorKind::EmptyName => "command/empty-name",
        }
    }

    /// Error for an empty name (Nagios refuses the object), warning otherwise (Nagios runs
    /// the check with less than was written).
    pub fn severity(&self) -> Severity {
        match self {
            CommandErrorKind::EmptyName => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

impl_diagnostic!(CommandError);

/// One piece of an argument: plain text, or the `!` of a `\!`.
#[derive(Clone, Copy)]
enum Piece<'a> {
    Text(&'a str),
    Bang,
}

/// `argument = *( "\!" | "\" | run of bytes but "\" and "!" )`, up to the next unescaped `!`.
fn argument(input: &str) -> IResult<&str, Vec<Piece<'_>>, ()> {
    many0(alt((
        value(Piece::Bang, tag("\\!")),
        map(tag("\\"), Piece::Text),
        map(take_till1(|c| c == '\\' || c == '!'), Piece::Text),
    )))
    .parse(input)
}

/// The command name of a `check_command` value: everything before the first `!` (C1). The
/// arguments are not looked at (they often hold passwords).
pub fn command_name(value: &str) -> &str {
    value.split_once('!').map_or(value, |(name, _)| name)
}

/// [`command_name`] of a raw value, as status.dat holds it (bytes, not necessarily UTF-8).
pub fn command_name_bytes(value: &[u8]) -> &[u8] {
    match memchr::memchr(b'!', value) {
        Some(i) => value.get(..i).unwrap_or_default(),
        None => value,
    }
}

/// Split a `check_command` value into its name and arguments (C1). Never fails: problems are
/// recorded in [`CheckCommand::warnings`].
pub fn split_check_command(input: &str) -> CheckCommand<'_> {
    let len = input.len();
    let name = command_name(input);
    let mut rest = input.get(name.len()..).unwrap_or("");
    let mut command = CheckCommand { name, ..CheckCommand::default() };
    if name.is_empty() {
        let end = if rest.is_empty() { 0 } else { 1 };
        command
            .warnings
            .push(CommandError { kind: CommandErrorKind::EmptyName, span: Span::new(0, end) });
    }

    let mut given = 0;
    let mut dropped_from = None;
    while let Some(after_bang) = rest.strip_prefix('!') {
        let start = len - after_bang.len();
        // `argument` cannot fail (many0 of alternatives that always consume).
        let (next, pieces) = argument(after_bang).unwrap_or((after_bang, Vec::new()));
        let end = len - next.len();
        given += 1;
        rest = next;
        if given > MAX_COMMAND_ARGUMENTS {
            dropped_from.get_or_insert(start - 1);
            continue;
        }
        let arg = match pieces.as_slice() {
            [] => Cow::Borrowed(""),
            [Piece::Text(text)] => Cow::Borrowed(*text),
            _ => {
                let mut owned = String::with_capacity(end - start);
                for piece in &pieces {
                    match piece {
                        Piece::Text(text) => owned.push_str(text),
                        Piece::Bang => owned.push('!'),
                    }
                }
                Cow::Owned(owned)
            }
        };
        if arg.len() > MAX_ARGUMENT_BYTES {
            command.warnings.push(CommandError {
                kind: CommandErrorKind::ArgumentTooLong { index: given, len: arg.len() },
                span: Span::new(start, end),
            });
        }
        command.args.push(arg);
        command.arg_spans.push(Span::new(start, end));
    }
    if let Some(from) = dropped_from {
        command.warnings.push(CommandError {
            kind: CommandErrorKind::TooManyArguments { given },
            span: Span::new(from, len),
        });
    }
    command
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn command_name_is_the_text_before_the_first_bang() {
        for (value, name) in [
            ("check_http!-a user:pass", "check_http"),
            ("check_ping", "check_ping"),
            ("!x", ""),
            ("a\\!b!c", "a\\"),
        ] {
            assert_eq!(command_name(value), name);
            assert_eq!(command_name_bytes(value.as_bytes()), name.as_bytes());
            assert_eq!(split_check_command(value).name, name);
        }
    }

    fn split(input: &str) -> (&str, Vec<String>) {
        let c = split_check_command(input);
        (c.name, c.args.iter().map(|a| a.to_string()).collect())
    }

    #[test]
    fn known_answers() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("check_ping", "check_ping", &[]),
            ("check_ping!100.0,20%!500.0,60%", "check_ping", &["100.0,20%", "500.0,60%"]),
            ("check_x!", "check_x", &[""]),
            ("check_x!!y", "check_x", &["", "y"]),
            ("check_x!a!", "check_x", &["a", ""]),
            ("check_x !a", "check_x ", &["a"]),
            ("check_x! a ", "check_x", &[" a "]),
            (r"check_x!a\!b", "check_x", &["a!b"]),
            (r"check_x!a\\b", "check_x", &[r"a\\b"]),
            (r"check_x!a\\!b", "check_x", &[r"a\!b"]),
            (r"check_x!a\", "check_x", &[r"a\"]),
            (r"check_x!\!", "check_x", &["!"]),
            (r"check\!x!a", r"check\", &["x", "a"]),
            ("check_x!$HOSTADDRESS$:80!-w 5", "check_x", &["$HOSTADDRESS$:80", "-w 5"]),
            ("check_x!é!ü", "check_x", &["é", "ü"]),
            ("", "", &[]),
        ];
        for (input, name, args) in cases {
            let (got_name, got_args) = split(input);
            assert_eq!(got_name, *name, "{input:?}");
            assert_eq!(got_args, *args, "{input:?}");
        }
    }

    #[test]
    fn borrows_unless_unescaping() {
        let c = split_check_command(r"x!plain!a\!b!");
        assert!(matches!(c.args[0], Cow::Borrowed("plain")));
        assert!(matches!(c.args[1], Cow::Owned(_)));
        assert!(matches!(c.args[2], Cow::Borrowed("")));
        assert_eq!(c.arg_spans, [Span::new(2, 7), Span::new(8, 12), Span::new(13, 13)]);
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn at_most_32_arguments() {
        let args: Vec<String> = (1..=34).map(|i| i.to_string()).collect();
        let input = format!("cmd!{}", args.join("!"));
        let c = split_check_command(&input);
        assert_eq!(c.args.len(), 32);
        assert_eq!(c.args[31], "32");
        assert_eq!(c.warnings.len(), 1);
        let w = &c.warnings[0];
        assert_eq!(w.kind, CommandErrorKind::TooManyArguments { given: 34 });
        assert_eq!(w.kind.code(), "command/too-many-arguments");
        assert_eq!(w.kind.severity(), Severity::Warning);
        assert_eq!(&input[w.span.range()], "!33!34");

        let exactly = format!("cmd{}", "!".repeat(32));
        let c = split_check_command(&exactly);
        assert_eq!(c.args.len(), 32);
        assert!(c.warnings.is_empty());
        let more = format!("{exactly}!");
        let c = split_check_command(&more);
        assert_eq!(c.args.len(), 32);
        assert_eq!(c.warnings[0].kind, CommandErrorKind::TooManyArguments { given: 33 });
    }

    #[test]
    fn empty_name_and_long_argument() {
        let c = split_check_command("!x");
        assert_eq!(c.name, "");
        assert_eq!(c.args, ["x"]);
        assert_eq!(c.warnings[0].kind.code(), "command/empty-name");
        assert_eq!(c.warnings[0].kind.severity(), Severity::Error);
        assert_eq!(split_check_command("").warnings[0].kind, CommandErrorKind::EmptyName);

        let long = format!("cmd!{}!ok", "a".repeat(1024));
        let c = split_check_command(&long);
        assert_eq!(c.args.len(), 2);
        assert_eq!(c.warnings[0].kind, CommandErrorKind::ArgumentTooLong { index: 1, len: 1024 });
        assert_eq!(c.warnings[0].span, Span::new(4, 1028));
    }
}
