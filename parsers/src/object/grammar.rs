//! (in progress)
use super::{Mode, ObjectFile};
/// Placeholder.
pub fn parse_objects(_input: &[u8], _mode: Mode) -> ObjectFile<'_> { ObjectFile::default() }
