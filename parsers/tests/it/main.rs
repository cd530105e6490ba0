//! The parsers crate's single integration-test binary.

// Test code may unwrap: a panic is a test failure with a message.
#![allow(clippy::unwrap_used)]

/// Golden tests over the real configurations and status files in `../shared/corpus`.
mod corpus;
/// Object files: grammar rules, round-trips, bad input.
mod object;
/// Threshold ranges and performance data: round-trips and never-panic properties.
mod perfdata;
/// status.dat / retention.dat: round-trips, truncation, never-panic properties.
mod status;
