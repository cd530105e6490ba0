//! C number conversions as Nagios and the monitoring plugins apply them, in one place:
//! [`strtol`] and [`atoi`] for integers and booleans (`yes` is 0, `1x` is 1), [`strtod`] for
//! intervals and thresholds (`5m` is 5, `10%` is 10), and the decimal [`number_text`]
//! production. Each reads the longest valid prefix and says how much it used; callers decide
//! whether trailing text deserves a diagnostic.

use nom::branch::alt;
use nom::character::complete::{char, digit0, digit1, one_of};
use nom::combinator::opt;
use nom::{IResult, Parser};

use crate::text::is_c_space;

/// glibc `strtol(text, &end, 10)`: leading C white space, optional sign, decimal digits,
/// clamped to the `long` range. Returns the value and the bytes used (0 when there are no
/// digits, and the value is then 0).
pub fn strtol(text: &[u8]) -> (i64, usize) {
    let start = text.iter().position(|b| !is_c_space(*b)).unwrap_or(text.len());
    let rest = text.get(start..).unwrap_or_default();
    let (negative, sign_len) = match rest.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let digits = rest.get(sign_len..).unwrap_or_default();
    let count = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    if count == 0 {
        return (0, 0);
    }
    let mut magnitude: u64 = 0;
    for &b in digits.get(..count).unwrap_or_default() {
        magnitude = magnitude.saturating_mul(10).saturating_add(u64::from(b - b'0'));
    }
    let value = if negative {
        i64::try_from(magnitude).map_or(i64::MIN, |m| -m)
    } else {
        i64::try_from(magnitude).unwrap_or(i64::MAX)
    };
    (value, start + sign_len + count)
}

/// C `atoi` as glibc implements it: `(int) strtol(text, NULL, 10)`, so out-of-range values
/// wrap the way Nagios sees them (`address4294967297` is `address1`).
pub fn atoi(text: &[u8]) -> i32 {
    strtol(text).0 as i32
}

/// A Nagios boolean: the number read by [`strtol`] is greater than 0 (Nagios' `atoi(v) > 0`
/// for every value that fits an `int`).
pub fn boolean(text: &str) -> bool {
    strtol(text.as_bytes()).0 > 0
}

/// What C's `strtod` reads at the start of `input`: the value and the number of bytes used,
/// or `None` when it converts nothing (it then returns 0 and uses no byte). Handles leading
/// white space, signs, decimal and hexadecimal (`0x1A`, `0x1.8p1`) numbers, `inf`,
/// `infinity` and `nan[(…)]`, case-insensitively.
pub fn strtod(input: &str) -> Option<(f64, usize)> {
    let body = input.trim_start_matches(|c: char| c.is_ascii() && is_c_space(c as u8));
    let skipped = input.len() - body.len();
    let (negative, unsigned) = match body.as_bytes().first() {
        Some(b'-') => (true, body.get(1..).unwrap_or("")),
        Some(b'+') => (false, body.get(1..).unwrap_or("")),
        _ => (false, body),
    };
    let sign_len = body.len() - unsigned.len();
    let sign = if negative { -1.0 } else { 1.0 };
    let starts_with_ci = |s: &str, word: &str| {
        s.get(..word.len()).is_some_and(|head| head.eq_ignore_ascii_case(word))
    };

    if starts_with_ci(unsigned, "infinity") {
        return Some((sign * f64::INFINITY, skipped + sign_len + 8));
    }
    if starts_with_ci(unsigned, "inf") {
        return Some((sign * f64::INFINITY, skipped + sign_len + 3));
    }
    if starts_with_ci(unsigned, "nan") {
        let mut used = 3;
        if let Some(paren) = unsigned.get(3..).and_then(|r| r.strip_prefix('(')) {
            let inner =
                paren.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
            if paren.as_bytes().get(inner) == Some(&b')') {
                used += inner + 2;
            }
        }
        return Some((f64::NAN, skipped + sign_len + used));
    }
    if let Some(hex) = unsigned.strip_prefix("0x").or_else(|| unsigned.strip_prefix("0X")) {
        if let Some((value, used)) = hex_float(hex) {
            return Some((sign * value, skipped + sign_len + 2 + used));
        }
        // `0x` without hex digits: strtod reads the `0` only.
        return Some((sign * 0.0, skipped + sign_len + 1));
    }
    if unsigned.starts_with(['+', '-']) {
        return None;
    }
    let (_, text) = number_text(unsigned).ok()?;
    let value = text.parse::<f64>().ok()?;
    Some((sign * value, skipped + sign_len + text.len()))
}

/// Hexadecimal mantissa `h* [. h*]` (at least one digit) with an optional `p[+-]d+` exponent.
fn hex_float(input: &str) -> Option<(f64, usize)> {
    let bytes = input.as_bytes();
    let mut i = 0;
    let mut value = 0.0f64;
    let mut digits = 0;
    while let Some(d) = bytes.get(i).and_then(|b| (*b as char).to_digit(16)) {
        value = value * 16.0 + f64::from(d);
        digits += 1;
        i += 1;
    }
    if bytes.get(i) == Some(&b'.') {
        let mut scale = 1.0 / 16.0;
        let mut j = i + 1;
        let mut frac_digits = 0;
        while let Some(d) = bytes.get(j).and_then(|b| (*b as char).to_digit(16)) {
            value += f64::from(d) * scale;
            scale /= 16.0;
            frac_digits += 1;
            j += 1;
        }
        if digits + frac_digits > 0 {
            digits += frac_digits;
            i = j;
        }
    }
    if digits == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'p' | b'P')) {
        let mut j = i + 1;
        let negative = match bytes.get(j) {
            Some(b'-') => {
                j += 1;
                true
            }
            Some(b'+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let exp_start = j;
        let mut exp: i32 = 0;
        while let Some(d) = bytes.get(j).filter(|b| b.is_ascii_digit()) {
            exp = exp.saturating_mul(10).saturating_add(i32::from(d - b'0'));
            j += 1;
        }
        if j > exp_start {
            value *= 2f64.powi(if negative { -exp } else { exp });
            i = j;
        }
    }
    Some((value, i))
}

/// `number = ["+"|"-"] (digits ["." digits*] | "." digits) [("e"|"E") ["+"|"-"] digits]`:
/// what `strtod` reads in decimal, without `inf`/`nan`/hex. Unlike nom's `recognize_float`, an
/// `e` without exponent digits is not consumed (`1e` is `1` followed by `e`).
///
/// The consumed text is computed from lengths, not with `recognize`: in nom 8.0.0,
/// `split_at_position_complete` on `&str` returns an empty remainder that points at the
/// *start* of the input when a `digit0`/`digit1`/`take_till` run reaches the end, so
/// pointer-based `recognize`/`Offset` read `0.5` as `0.`.
pub(crate) fn number_text(input: &str) -> IResult<&str, &str, ()> {
    let (rest, _) = (
        opt(one_of("+-")),
        alt(((digit1, opt((char('.'), digit0))).map(|_| ()), (char('.'), digit1).map(|_| ()))),
        opt((one_of("eE"), opt(one_of("+-")), digit1)),
    )
        .parse(input)?;
    let used = input.len() - rest.len();
    Ok((rest, input.get(..used).unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtol_like_c() {
        assert_eq!(strtol(b"42"), (42, 2));
        assert_eq!(strtol(b"  -7x"), (-7, 4));
        assert_eq!(strtol(b"yes"), (0, 0));
        assert_eq!(strtol(b""), (0, 0));
        assert_eq!(strtol(b"1 # x"), (1, 1));
        assert_eq!(strtol(b"99999999999999999999").0, i64::MAX);
    }

    #[test]
    fn atoi() {
        assert_eq!(super::atoi(b""), 0);
        assert_eq!(super::atoi(b" 12x"), 12);
        assert_eq!(super::atoi(b"-3"), -3);
        assert_eq!(super::atoi(b"99999999999999999999"), -1);
    }

    #[test]
    fn strtod_like_c() {
        assert_eq!(strtod("5m"), Some((5.0, 1)));
        assert_eq!(strtod(".5"), Some((0.5, 2)));
        assert_eq!(strtod("1e3"), Some((1000.0, 3)));
        assert_eq!(strtod("abc"), None);
        assert_eq!(strtod("2.5.1"), Some((2.5, 3)));
    }

    #[test]
    fn strtod_prefix_reads_like_c() {
        assert_eq!(strtod("  -1.5e2xyz"), Some((-150.0, 8)));
        assert_eq!(strtod("INFINITY!"), Some((f64::INFINITY, 8)));
        assert_eq!(strtod("-inf"), Some((f64::NEG_INFINITY, 4)));
        assert_eq!(strtod("nan(123)x").map(|(_, n)| n), Some(8));
        assert_eq!(strtod("0x"), Some((0.0, 1)));
        assert_eq!(strtod("0xff"), Some((255.0, 4)));
        assert_eq!(strtod("x"), None);
        assert_eq!(strtod(""), None);
        assert_eq!(strtod("+.5"), Some((0.5, 3)));
        assert_eq!(strtod("--5"), None);
        assert_eq!(number_text("0.5"), Ok(("", "0.5")));
        assert_eq!(number_text("1e5"), Ok(("", "1e5")));
        assert_eq!(number_text("-1.e-3x"), Ok(("x", "-1.e-3")));
    }

    #[test]
    fn booleans() {
        assert!(boolean("1"));
        assert!(boolean("1x"));
        assert!(!boolean("yes"));
        assert!(!boolean("0"));
    }
}
