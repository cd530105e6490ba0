//! What every parser error has in common: a stable code, a severity, a message and a span.
//!
//! Each parser has its own error type (`object::ObjectError`, `status::StatusError`, …); they all
//! implement [`Diagnostic`] so that the root crate renders them the same way, with the file name,
//! line, column and the offending line.

use crate::span::Span;

/// How serious a parser finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; Nagios accepts it silently or with a notice.
    Note,
    /// Nagios accepts it with a warning, or nag2prom tolerates it where Nagios would not.
    Warning,
    /// Nagios refuses it (`nagios4 -v` exits non-zero), or the data is lost.
    Error,
}

impl Severity {
    /// Lower-case name as printed in diagnostics.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A parser finding that can be shown to a user.
pub trait Diagnostic {
    /// Stable identifier, `area/kebab-name` (e.g. `object/unterminated-define`).
    fn code(&self) -> &'static str;
    /// How serious it is.
    fn severity(&self) -> Severity;
    /// One-line, lower-case message without a trailing period.
    fn message(&self) -> String;
    /// Where in the input it is.
    fn span(&self) -> Span;
}

/// Implements [`Diagnostic`] for a `{ kind, span }` error struct whose kind enum derives
/// `thiserror::Error` and has `code()` and `severity()` methods.
macro_rules! impl_diagnostic {
    ($error:ty) => {
        impl $crate::diagnostic::Diagnostic for $error {
            fn code(&self) -> &'static str {
                self.kind.code()
            }
            fn severity(&self) -> $crate::diagnostic::Severity {
                self.kind.severity()
            }
            fn message(&self) -> String {
                self.kind.to_string()
            }
            fn span(&self) -> $crate::span::Span {
                self.span
            }
        }

        impl std::fmt::Display for $error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} at bytes {}..{}", self.kind, self.span.start, self.span.end)
            }
        }

        impl std::error::Error for $error {}
    };
}
pub(crate) use impl_diagnostic;
