//! The parsers crate's single integration-test binary.

/// Golden tests over the real configurations and status files in `../shared/corpus`.
mod corpus;
/// Object files: grammar rules, round-trips, bad input.
mod object;
/// Threshold ranges and performance data: round-trips and never-panic properties.
mod perfdata;
/// status.dat / retention.dat: round-trips, truncation, never-panic properties.
mod status;
