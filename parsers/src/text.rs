//! Byte slices to text: Nagios is byte-oriented (UTF-8 and ISO-8859-1 pass through), so parsers
//! borrow valid UTF-8 as `&str` and decode anything else lossily, allocating only then.

use std::borrow::Cow;

/// Bytes to text without copying valid borrowed UTF-8; invalid sequences become U+FFFD.
pub fn to_text(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
    match bytes {
        Cow::Borrowed(b) => String::from_utf8_lossy(b),
        Cow::Owned(v) => match String::from_utf8(v) {
            Ok(s) => Cow::Owned(s),
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        },
    }
}

/// Strip Nagios' `strip()` white space (space, tab, CR, LF) from both ends.
pub fn strip(bytes: &[u8]) -> &[u8] {
    let (start, end) = strip_bounds(bytes);
    &bytes[start..end]
}

/// `(start, end)` of `bytes` without Nagios' `strip()` white space at either end
/// (`start == end` when nothing is left).
pub fn strip_bounds(bytes: &[u8]) -> (usize, usize) {
    let start = bytes.iter().position(|b| !is_strip_space(*b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !is_strip_space(*b)).map_or(start, |i| i + 1);
    (start, end.max(start))
}

/// C `isspace` in the "C" locale (what `strtol`, `strtod` and `sscanf` skip).
pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
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
    fn to_text_borrows_valid_utf8() {
        assert!(matches!(to_text(Cow::Borrowed("héllo".as_bytes())), Cow::Borrowed("héllo")));
        assert_eq!(to_text(Cow::Borrowed(b"caf\xe9")), "caf\u{fffd}");
        assert_eq!(to_text(Cow::Owned(b"caf\xe9".to_vec())), "caf\u{fffd}");
    }
}
