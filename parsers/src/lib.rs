//! Parsers for the file formats of Nagios Core 4 (and Naemon / Icinga 1, which share them).
//!
//! | format | entry point |
//! |---|---|
//! | `nagios.cfg` main configuration | [`main_cfg::parse_main_cfg`] |
//! | resource files (`$USERn$=…`) | [`resource::parse_resource`] |
//! | NRPE's `nrpe.cfg` (`command[name]=…`, includes) | [`nrpe::parse_nrpe_cfg`] |
//! | object definitions (`define host { … }`) | [`object::parse_objects`] |
//! | `objects.cache` / `objects.precache` | [`object::parse_objects`] with [`object::Mode::Cache`] |
//! | timeperiod day and exception lines | [`timeperiod::parse_timeperiod_line`] |
//! | `check_command` (`name!arg1!arg2`) | [`command::split_check_command`] |
//! | `status.dat` / `retention.dat` | [`status::StatusReader`] |
//! | plugin threshold ranges (`10:20`, `@~:5`, `5,4,3`) | [`range::parse_range`], [`range::parse_thresholds`] |
//! | performance data (`'label'=1.5s;1;2;0;10`) | [`perfdata::parse_perfdata`] |
//!
//! Rules every parser keeps:
//! - **No I/O.** Parsers take the bytes of one file; reading files is the caller's job.
//! - **Borrowing.** Names and values borrow from the input; a value is copied only when Nagios'
//!   escapes (line continuation, `\;`) or invalid UTF-8 force a rewrite.
//! - **Never panics, always terminates**, on any input (property-tested and fuzzed).
//! - **All errors, not the first.** Each parser returns what it could read plus every problem it
//!   found, each a [`Diagnostic`] with a stable code and a byte [`Span`]; line and column are
//!   computed from a [`LineIndex`] only when shown.
//! - **Nagios' rules, not ours.** Each grammar follows what Nagios 4.4.6 does, quirks included
//!   (see `docs/nagios-formats.md` in the shared reference and the doc comment of each rule).
//!
//! The crate knows nothing of Prometheus.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod command;
pub mod diagnostic;
pub mod main_cfg;
pub mod nrpe;
pub mod number;
pub mod object;
pub mod perfdata;
pub mod range;
pub mod resource;
pub mod span;
pub mod status;
pub mod text;
pub mod timeperiod;

pub use diagnostic::{Diagnostic, Severity};
pub use span::{LineCol, LineIndex, Span};
