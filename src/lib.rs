//! nag2prom: move monitoring from Nagios Core 4 (and Naemon / Icinga 1) to Prometheus.
//!
//! The pipeline, each stage in its own module (see `docs/ARCHITECTURE.md`):
//!
//! 1. [`source`] reads `nagios.cfg` and every file it names, in Nagios' order (the only I/O of
//!    the front end), into a [`sourcedb::SourceDb`];
//! 2. `nag2prom_parsers` parses each file (no I/O, never panics, all errors with spans);
//! 3. [`diag`] turns parser and front-end problems into coded diagnostics shown as
//!    `file:line:column` with the offending line;
//! 4. [`model`] resolves the objects; [`translate`] turns them into rule groups, bridged levels
//!    and targets, and [`emit`] renders those as files;
//! 5. [`cli`] holds the `nag2prom` subcommands; [`output`] writes their files atomically.

pub mod cli;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod exposition;
pub mod gocdb;
pub mod model;
pub mod out_dir;
pub mod output;
pub mod parity;
pub mod plan;
pub mod serve;
pub mod silences;
pub mod source;
pub mod sourcedb;
pub mod status;
pub mod translate;
