//! C number conversions as Nagios applies them to configuration values: `atoi` for integers
//! and booleans (`yes` is 0, `1x` is 1), `strtod` for intervals (`5m` is 5). Both read the
//! longest valid prefix and ignore the rest; callers decide whether trailing text deserves a
//! warning.

/// `atoi`: optional leading blanks, optional sign, decimal digits; 0 when there are none.
/// Saturates instead of overflowing. Returns the value and whether text followed the number.
pub fn atoi(text: &str) -> (i64, bool) {
    let bytes = text.as_bytes();
    let mut i = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let negative = match bytes.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut value: i64 = 0;
    let digits_start = i;
    while let Some(d) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
        value = value.saturating_mul(10).saturating_add(i64::from(d - b'0'));
        i += 1;
    }
    if i == digits_start {
        return (0, !text.trim().is_empty());
    }
    (if negative { -value } else { value }, i < bytes.len())
}

/// `strtod` for plain decimal numbers: the longest prefix that parses as an `f64`
/// (`5m` → 5, `.5` → 0.5, `1e3` → 1000); 0 when there is none. Returns the value and whether
/// text followed the number.
pub fn strtod(text: &str) -> (f64, bool) {
    let trimmed = text.trim_start();
    let bytes = trimmed.as_bytes();
    let mut end = 0;
    let mut best: Option<(f64, usize)> = None;
    // Candidate prefixes end at ASCII boundaries; try each and keep the longest that parses.
    while end < bytes.len() {
        let b = bytes[end];
        if !(b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E')) {
            break;
        }
        end += 1;
        if let Ok(value) = trimmed[..end].parse::<f64>() {
            best = Some((value, end));
        }
    }
    match best {
        Some((value, len)) => (value, len < bytes.len()),
        None => (0.0, !trimmed.is_empty()),
    }
}

/// A Nagios boolean: `atoi(value) > 0`.
pub fn boolean(text: &str) -> bool {
    atoi(text).0 > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_like_c() {
        assert_eq!(atoi("42"), (42, false));
        assert_eq!(atoi("  -7x"), (-7, true));
        assert_eq!(atoi("yes"), (0, true));
        assert_eq!(atoi(""), (0, false));
        assert_eq!(atoi("1 # x"), (1, true));
        assert_eq!(atoi("99999999999999999999999").0, i64::MAX);
    }

    #[test]
    fn strtod_like_c() {
        assert_eq!(strtod("5m"), (5.0, true));
        assert_eq!(strtod(".5"), (0.5, false));
        assert_eq!(strtod("1e3"), (1000.0, false));
        assert_eq!(strtod("abc"), (0.0, true));
        assert_eq!(strtod("2.5.1"), (2.5, true));
    }

    #[test]
    fn booleans() {
        assert!(boolean("1"));
        assert!(boolean("1x"));
        assert!(!boolean("yes"));
        assert!(!boolean("0"));
    }
}
