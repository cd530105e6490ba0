//! Byte slices to text: Nagios is byte-oriented (UTF-8 and ISO-8859-1 pass through), so parsers
//! borrow valid UTF-8 as `&str` and decode anything else lossily, allocating only then.

use std::borrow::Cow;

/// Borrow `bytes` as text when it is valid UTF-8; otherwise replace invalid sequences with U+FFFD.
pub fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Strip Nagios' `strip()` white space (space, tab, CR, LF) from both ends.
pub fn strip(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !is_strip_space(*b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !is_strip_space(*b)).map_or(start, |i| i + 1);
    &bytes[start..end.max(start)]
}

/// True for the bytes Nagios' `strip()` removes.
pub fn is_strip_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_removes_nagios_whitespace_only() {
        assert_eq!(strip(b" \t a b \r\n"), b"a b");
        assert_eq!(strip(b"   "), b"");
        assert_eq!(strip(b"\x0bx"), b"\x0bx");
    }

    #[test]
    fn lossy_borrows_valid_utf8() {
        assert!(matches!(lossy("héllo".as_bytes()), Cow::Borrowed("héllo")));
        assert_eq!(lossy(b"caf\xe9"), "caf\u{fffd}");
    }
}
