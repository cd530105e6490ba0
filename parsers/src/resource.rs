//! Resource files (`resource.cfg`): `$USERn$=value` macro definitions, usually secrets
//! (spec §3, `base/config.c:read_resource_file`).
//!
//! ```text
//! line    = name "=" value     ; split at the first "=", neither side stripped (R2)
//! comment = "#" …              ; in the first column only, in Nagios 4.4.6 (R1)
//! ```
//! Only `$USER1$` … `$USER256$` mean anything (R3); other names are ignored by Nagios and
//! reported here as warnings, because they are almost always mistakes (`$USER2$ = x` defines
//! nothing: the name ends in a space). Values are wrapped in [`Secret`], whose `Debug` never
//! shows them.

use std::borrow::Cow;

use memchr::memchr;

use crate::diagnostic::{Severity, impl_diagnostic};
use crate::object::lexer::{Comments, Lines};
use crate::span::Span;

/// A value that must never reach an output file or a log. `Debug` prints `<redacted>`; there
/// is no `Display`. Use [`Secret::expose`] where the real value is needed (running a command).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<'a>(Cow<'a, str>);

impl<'a> Secret<'a> {
    /// Wrap a value.
    pub fn new(value: Cow<'a, str>) -> Self {
        Secret(value)
    }

    /// The real value. Do not print it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Detach from the input buffer.
    pub fn into_owned(self) -> Secret<'static> {
        Secret(Cow::Owned(self.0.into_owned()))
    }
}

impl std::fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One `$USERn$=value` definition.
#[derive(Debug, Clone, PartialEq)]
pub struct UserMacro<'a> {
    /// `n`, from 1 to 256.
    pub number: u16,
    /// The value exactly as written after `=` (leading blanks kept, R2).
    pub value: Secret<'a>,
    /// Span of the whole line (never of the value alone, so a rendered diagnostic cannot
    /// underline a secret).
    pub span: Span,
}

/// A parsed resource file.
#[derive(Debug, Clone, Default)]
pub struct ResourceFile<'a> {
    /// Definitions in file order; a later one for the same `n` replaces an earlier one.
    pub macros: Vec<UserMacro<'a>>,
    /// Every problem found.
    pub errors: Vec<ResourceError>,
}

impl<'a> ResourceFile<'a> {
    /// The effective value of `$USERn$` (the last definition wins).
    pub fn get(&self, number: u16) -> Option<&Secret<'a>> {
        self.macros.iter().rev().find(|m| m.number == number).map(|m| &m.value)
    }
}

/// A problem in a resource file. Messages never contain values.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceError {
    /// What is wrong.
    pub kind: ResourceErrorKind,
    /// Where (always the whole line or the name, never the value).
    pub span: Span,
}

/// What can be wrong in a resource file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ResourceErrorKind {
    /// A line without `=` (this includes an indented `#` comment in Nagios 4.4.6).
    #[error(
        "missing `=`: resource lines are `$USERn$=value` (in Nagios 4.4.6 a `#` comment must start in the first column)"
    )]
    MissingEquals,
    /// A name other than `$USER1$` … `$USER256$` (ignored by Nagios).
    #[error(
        "`{0}` is not a `$USERn$` macro name (1 to 256, no blanks around `=`): Nagios ignores this line"
    )]
    NotAUserMacro(String),
}

impl ResourceErrorKind {
    /// Stable code, `resource/…`.
    pub fn code(&self) -> &'static str {
        match self {
            ResourceErrorKind::MissingEquals => "resource/missing-equals",
            ResourceErrorKind::NotAUserMacro(_) => "resource/not-a-user-macro",
        }
    }

    /// Error when Nagios refuses it, warning when Nagios ignores it.
    pub fn severity(&self) -> Severity {
        match self {
            ResourceErrorKind::MissingEquals => Severity::Error,
            ResourceErrorKind::NotAUserMacro(_) => Severity::Warning,
        }
    }
}

impl_diagnostic!(ResourceError);

/// `$USERn$` → n when 1 ≤ n ≤ 256.
fn user_macro_number(name: &[u8]) -> Option<u16> {
    let digits = name.strip_prefix(b"$USER")?.strip_suffix(b"$")?;
    if digits.is_empty() || digits.len() > 3 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits.iter().fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
    (1..=256).contains(&n).then_some(n)
}

/// Parse a resource file. Never fails: returns every definition and every problem.
pub fn parse_resource(input: &[u8]) -> ResourceFile<'_> {
    let mut file = ResourceFile::default();
    for line in Lines::new(input, Comments::HashFirstColumn, true) {
        let bytes: &[u8] = &line.text;
        let full = line.full_span();
        let Some(eq) = memchr(b'=', bytes) else {
            file.errors.push(ResourceError { kind: ResourceErrorKind::MissingEquals, span: full });
            continue;
        };
        let name = &bytes[..eq];
        match user_macro_number(name) {
            Some(number) => {
                let value = Secret::new(line.slice_text(eq + 1, bytes.len()));
                file.macros.push(UserMacro { number, value, span: full });
            }
            None => file.errors.push(ResourceError {
                kind: ResourceErrorKind::NotAUserMacro(String::from_utf8_lossy(name).into_owned()),
                span: line.source_span(0, eq),
            }),
        }
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_raw_after_first_equals() {
        let file = parse_resource(
            b"$USER1$=/usr/lib/nagios/plugins\n$USER3$=pass=word;x # y\n$USER4$=  lead\n",
        );
        assert!(file.errors.is_empty());
        assert_eq!(file.get(1).map(Secret::expose), Some("/usr/lib/nagios/plugins"));
        assert_eq!(file.get(3).map(Secret::expose), Some("pass=word;x # y"));
        assert_eq!(file.get(4).map(Secret::expose), Some("  lead"));
    }

    #[test]
    fn blanks_around_equals_define_nothing() {
        let file = parse_resource(b"$USER2$ = x\n");
        assert!(file.macros.is_empty());
        assert_eq!(file.errors[0].kind.code(), "resource/not-a-user-macro");
    }

    #[test]
    fn only_first_column_hash_is_a_comment() {
        let file = parse_resource(b"# ok\n   # not a comment in 4.4.6\n");
        assert_eq!(file.errors.len(), 1);
        assert_eq!(file.errors[0].kind.code(), "resource/missing-equals");
    }

    #[test]
    fn later_definition_wins_and_range_is_checked() {
        let file = parse_resource(b"$USER5$=a\n$USER5$=b\n$USER257$=c\n$USER0$=d\n");
        assert_eq!(file.get(5).map(Secret::expose), Some("b"));
        assert_eq!(file.errors.len(), 2);
    }

    #[test]
    fn debug_never_shows_values() {
        let file = parse_resource(b"$USER9$=hunter2\n");
        let shown = format!("{file:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
