//! NRPE's configuration file, `nrpe.cfg` (NRPE 4, `src/nrpe.c:read_config_file`): the
//! `command[name]=command line` entries a `check_nrpe -c name` runs on the monitored host,
//! and the `include=` / `include_file=` / `include_dir=` directives the caller follows.
//!
//! ```text
//! line     = name "=" value     ; the line stripped of C white space at both ends first
//! comment  = "#" …              ; first non-blank character; no inline comments
//! command  = …"command[" name "]" "=" line
//! include  = ("include" | "include_file") "=" FILE | "include_dir" "=" DIR
//! ```
//! The rules are NRPE's, quirks included:
//! - Lines are read with `fgets` into a 2,048-byte buffer: a physical line longer than 2,046
//!   bytes is read as several lines ([`NrpeErrorKind::LineTooLong`] says so). There is no
//!   continuation; a NUL byte ends the line.
//! - The name is `strtok(line, "=")`: leading `=` are skipped and the name ends at the next `=`,
//!   unstripped (`command[x] = y` names command `x`; its line is ` y`). The value is the
//!   rest of the line after that `=`, unstripped.
//! - A name that contains `command[` defines a command (`strstr`, so `xcommand[a]` does too):
//!   its name runs from after the first `[` to the next `]` or the end.
//! - A later `command[name]` replaces an earlier one (NRPE searches its list newest first).
//! - `include_dir=DIR` drops one trailing `/`. NRPE reads the files of DIR in `alphasort`
//!   order, recursively, taking regular files named `*.cfg` (more than four bytes; hidden
//!   files included) and skipping directories starting with `.`. Relative paths are relative
//!   to NRPE's working directory, not to the file naming them.
//! - A line without a value, a name made only of `=`, and `command[]` make NRPE stop reading
//!   the file with an error (the daemon refuses to start when it is the main file); this
//!   parser reports them and goes on. Other options (`server_port`, `allowed_hosts`, …) are
//!   not interpreted.

use std::borrow::Cow;

use memchr::memchr;

use crate::diagnostic::{Severity, impl_diagnostic};
use crate::span::Span;
use crate::text::{is_c_space, to_text};

/// The longest physical line NRPE reads as one line (`fgets` with `MAX_INPUT_BUFFER - 1`,
/// newline included).
pub const MAX_LINE: usize = 2046;

/// A parsed `nrpe.cfg`: its commands and includes in file order, plus every problem found.
#[derive(Debug, Clone, Default)]
pub struct NrpeConfig<'a> {
    /// `command[…]=` entries and include directives, in file order (an include is read where
    /// it stands, so order decides which of two definitions of a command wins).
    pub items: Vec<Item<'a>>,
    /// Every problem, in file order.
    pub errors: Vec<NrpeError>,
}

/// One meaningful line of an `nrpe.cfg`.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'a> {
    /// `command[name]=line`.
    Command(Command<'a>),
    /// `include=`, `include_file=` or `include_dir=`.
    Include(Include<'a>),
}

/// `command[name]=command line`.
#[derive(Debug, Clone, PartialEq)]
pub struct Command<'a> {
    /// The command name, as `check_nrpe -c` gives it.
    pub name: Cow<'a, str>,
    /// Span of the name.
    pub name_span: Span,
    /// The command line exactly as NRPE stores it (everything after the first `=`).
    pub line: Cow<'a, str>,
    /// Span of the command line.
    pub line_span: Span,
}

/// What an include directive names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeKind {
    /// `include=FILE` or `include_file=FILE`.
    File,
    /// `include_dir=DIR`.
    Dir,
}

/// An include directive, for the caller to follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Include<'a> {
    /// File or directory.
    pub kind: IncludeKind,
    /// The path as NRPE uses it (for a directory, one trailing `/` removed).
    pub path: Cow<'a, str>,
    /// Span of the path.
    pub span: Span,
}

impl<'a> NrpeConfig<'a> {
    /// The `command[…]` entries of this file alone, in file order.
    pub fn commands(&self) -> impl Iterator<Item = &Command<'a>> {
        self.items.iter().filter_map(|i| match i {
            Item::Command(c) => Some(c),
            Item::Include(_) => None,
        })
    }

    /// The include directives of this file, in file order.
    pub fn includes(&self) -> impl Iterator<Item = &Include<'a>> {
        self.items.iter().filter_map(|i| match i {
            Item::Include(inc) => Some(inc),
            Item::Command(_) => None,
        })
    }
}

/// A problem in an `nrpe.cfg`.
#[derive(Debug, Clone, PartialEq)]
pub struct NrpeError {
    /// What is wrong.
    pub kind: NrpeErrorKind,
    /// Where.
    pub span: Span,
}

/// What can be wrong in an `nrpe.cfg`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NrpeErrorKind {
    /// A line with no value after `=` (or no `=` at all): "No variable value specified".
    #[error("missing value: NRPE lines are `name=value` (NRPE stops reading this file here)")]
    MissingValue,
    /// A line made only of `=`: "No variable name specified".
    #[error("missing name before `=` (NRPE stops reading this file here)")]
    MissingName,
    /// `command[]=…` or `command[=…`: "Invalid command specified".
    #[error("`command[…]` has no command name (NRPE stops reading this file here)")]
    InvalidCommand,
    /// A physical line longer than NRPE's buffer.
    #[error(
        "line longer than {MAX_LINE} bytes: NRPE reads it as several lines, so its end is a line of its own"
    )]
    LineTooLong,
}

impl NrpeErrorKind {
    /// Stable code, `nrpe/…`.
    pub fn code(&self) -> &'static str {
        match self {
            NrpeErrorKind::MissingValue => "nrpe/missing-value",
            NrpeErrorKind::MissingName => "nrpe/missing-name",
            NrpeErrorKind::InvalidCommand => "nrpe/invalid-command",
            NrpeErrorKind::LineTooLong => "nrpe/line-too-long",
        }
    }

    /// Error when NRPE refuses the file, warning otherwise.
    pub fn severity(&self) -> Severity {
        match self {
            NrpeErrorKind::LineTooLong => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl_diagnostic!(NrpeError);

/// `strtok(s, delim)` on `bytes[from..to]` for a single delimiter byte: the token's bounds
/// (leading delimiters skipped) and where the next call starts, or `None` when nothing is left.
fn strtok(bytes: &[u8], from: usize, to: usize, delim: u8) -> Option<(usize, usize, usize)> {
    let slice = bytes.get(from..to)?;
    let skip = slice.iter().position(|&b| b != delim)?;
    let start = from + skip;
    let rest = bytes.get(start..to)?;
    match memchr(delim, rest) {
        Some(i) => Some((start, start + i, start + i + 1)),
        None => Some((start, to, to)),
    }
}

fn text(bytes: &[u8], start: usize, end: usize) -> Cow<'_, str> {
    to_text(Cow::Borrowed(bytes.get(start..end).unwrap_or_default()))
}

/// Parse an `nrpe.cfg`. Never fails: returns every item it could read and every problem.
pub fn parse_nrpe_cfg(input: &[u8]) -> NrpeConfig<'_> {
    let mut config = NrpeConfig::default();
    let mut pos = 0;
    while pos < input.len() {
        // One `fgets`: up to MAX_LINE bytes, newline included.
        let rest = input.get(pos..).unwrap_or_default();
        let newline = memchr(b'\n', rest);
        let piece_end = match newline {
            Some(i) if i < MAX_LINE => pos + i + 1,
            _ => (pos + MAX_LINE).min(input.len()),
        };
        let line_end = newline.map_or(input.len(), |i| pos + i);
        if line_end > piece_end {
            let span = Span::new(pos, line_end);
            config.errors.push(NrpeError { kind: NrpeErrorKind::LineTooLong, span });
        }
        parse_line(input, pos, piece_end, &mut config);
        pos = piece_end;
    }
    config
}

fn parse_line<'a>(input: &'a [u8], start: usize, end: usize, config: &mut NrpeConfig<'a>) {
    // C strings end at NUL.
    let end = memchr(0, input.get(start..end).unwrap_or_default()).map_or(end, |i| start + i);
    let piece = input.get(start..end).unwrap_or_default();
    let Some(lo) = piece.iter().position(|&b| !is_c_space(b)) else { return };
    let hi = piece.iter().rposition(|&b| !is_c_space(b)).map_or(lo, |i| i + 1);
    let (lo, hi) = (start + lo, start + hi);
    if input.get(lo) == Some(&b'#') {
        return;
    }
    let full = Span::new(lo, hi);
    let Some((name_lo, name_hi, value_from)) = strtok(input, lo, hi, b'=') else {
        config.errors.push(NrpeError { kind: NrpeErrorKind::MissingName, span: full });
        return;
    };
    // `strtok(NULL, "\n")`: the rest of the line (no newline is left in it).
    if value_from >= hi {
        config.errors.push(NrpeError { kind: NrpeErrorKind::MissingValue, span: full });
        return;
    }
    let name = input.get(name_lo..name_hi).unwrap_or_default();
    let value_span = Span::new(value_from, hi);
    match name {
        b"include_dir" => {
            let path_hi =
                if input.get(hi - 1) == Some(&b'/') && hi - 1 > value_from { hi - 1 } else { hi };
            config.items.push(Item::Include(Include {
                kind: IncludeKind::Dir,
                path: text(input, value_from, path_hi),
                span: Span::new(value_from, path_hi),
            }));
        }
        b"include" | b"include_file" => config.items.push(Item::Include(Include {
            kind: IncludeKind::File,
            path: text(input, value_from, hi),
            span: value_span,
        })),
        _ if memchr::memmem::find(name, b"command[").is_some() => {
            // strtok(varname, "[") then strtok(NULL, "]").
            let after = strtok(input, name_lo, name_hi, b'[').map_or(name_hi, |(_, _, next)| next);
            match strtok(input, after, name_hi, b']') {
                Some((cmd_lo, cmd_hi, _)) => config.items.push(Item::Command(Command {
                    name: text(input, cmd_lo, cmd_hi),
                    name_span: Span::new(cmd_lo, cmd_hi),
                    line: text(input, value_from, hi),
                    line_span: value_span,
                })),
                None => config
                    .errors
                    .push(NrpeError { kind: NrpeErrorKind::InvalidCommand, span: full }),
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands<'a>(config: &'a NrpeConfig<'_>) -> Vec<(&'a str, &'a str)> {
        config.commands().map(|c| (&*c.name, &*c.line)).collect()
    }

    fn codes(config: &NrpeConfig<'_>) -> Vec<&'static str> {
        config.errors.iter().map(|e| e.kind.code()).collect()
    }

    #[test]
    fn commands_comments_and_settings() {
        let config = parse_nrpe_cfg(
            b"# comment\n  # indented comment\nserver_port=5666\n\
              command[check_load]=/usr/lib/nagios/plugins/check_load -w 15,10,5 -c 30,25,20\n\
              \tcommand[check_users]=check_users -w 5 -c 10 # not a comment\r\n",
        );
        assert!(config.errors.is_empty(), "{:?}", config.errors);
        assert_eq!(
            commands(&config),
            [
                ("check_load", "/usr/lib/nagios/plugins/check_load -w 15,10,5 -c 30,25,20"),
                ("check_users", "check_users -w 5 -c 10 # not a comment"),
            ]
        );
    }

    #[test]
    fn names_and_values_are_not_stripped() {
        let config = parse_nrpe_cfg(b"command[a] = x=y\nxcommand[b]=z\ncommand[c=w\n");
        assert_eq!(commands(&config), [("a", " x=y"), ("b", "z"), ("c", "w")]);
    }

    #[test]
    fn spans_point_at_name_and_line() {
        let input = b"\n  command[disk]=check_disk -w 10%\n";
        let config = parse_nrpe_cfg(input);
        let Some(c) = config.commands().next() else { panic!("no command") };
        assert_eq!(&input[c.name_span.start..c.name_span.end], b"disk");
        assert_eq!(&input[c.line_span.start..c.line_span.end], b"check_disk -w 10%");
    }

    #[test]
    fn includes_in_order() {
        let config = parse_nrpe_cfg(
            b"include=/etc/nrpe/a.cfg\ncommand[x]=y\ninclude_dir=/etc/nrpe.d/\ninclude_file=b.cfg\n",
        );
        let includes: Vec<_> = config.includes().map(|i| (i.kind, &*i.path)).collect();
        assert_eq!(
            includes,
            [
                (IncludeKind::File, "/etc/nrpe/a.cfg"),
                (IncludeKind::Dir, "/etc/nrpe.d"),
                (IncludeKind::File, "b.cfg")
            ]
        );
        assert!(matches!(config.items[1], Item::Command(_)));
    }

    #[test]
    fn malformed_lines_are_coded_errors() {
        let config = parse_nrpe_cfg(b"server_port\n===\ncommand[]=x\ncommand[=x\ndebug=\n");
        assert_eq!(
            codes(&config),
            [
                "nrpe/missing-value",
                "nrpe/missing-name",
                "nrpe/invalid-command",
                "nrpe/invalid-command",
                "nrpe/missing-value"
            ]
        );
        assert!(config.errors.iter().all(|e| e.kind.severity() == Severity::Error));
    }

    #[test]
    fn long_lines_are_split_like_fgets() {
        let mut input = b"command[long]=".to_vec();
        input.resize(MAX_LINE + 10, b'a');
        input.extend_from_slice(b"\ncommand[next]=ok\n");
        let config = parse_nrpe_cfg(&input);
        assert_eq!(codes(&config), ["nrpe/line-too-long", "nrpe/missing-value"]);
        let names: Vec<_> = config.commands().map(|c| &*c.name).collect();
        assert_eq!(names, ["long", "next"]);
        assert_eq!(config.commands().next().map(|c| c.line.len()), Some(MAX_LINE - 14));
    }

    #[test]
    fn nul_ends_a_line_and_bytes_pass_through() {
        let config = parse_nrpe_cfg(b"command[a]=x\0y\ncommand[b]=caf\xe9\n");
        assert_eq!(commands(&config)[0], ("a", "x"));
        assert_eq!(commands(&config)[1].1, "caf\u{fffd}");
    }
}
