//! (in progress)
/// Placeholder.
pub fn parse_timeperiod_line(_line: &str) -> Result<(), String> { Ok(()) }
