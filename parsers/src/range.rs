//! Plugin threshold ranges (`10`, `10:`, `~:10`, `10:20`, `@10:20`) and comma-separated
//! threshold lists (`5,4,3`): the monitoring-plugins range syntax, `docs/nagios-formats.md` §17.
//!
//! Grammar (strict, [`parse_range`]):
//!
//! ```text
//! range  = ["@"] ( "~" ":" [number]         ; -inf .. end (or +inf)
//!                | [number] ":" [number]    ; start (0 when empty) .. end (or +inf)
//!                | [number] )               ; 0 .. end (TR1); empty = 0 .. +inf
//! number = ["+" | "-"] ( digits ["." digits*] | "." digits ) [("e" | "E") ["+" | "-"] digits]
//! ```
//!
//! The classic `check_range` of the monitoring-plugins (`lib/utils_base.c`) alerts when the
//! value is **outside** `[start, end]`, bounds included, or **inside** it with `@`. Note (TR6):
//! the newer `mp_check_range` treats `~:10` as strictly below 10; this module follows the
//! guideline and the classic function (inclusive), which is what Nagios-era plugins do.
//!
//! Nagios-era plugins read the numbers with C's `strtod`, which silently ignores trailing junk
//! (`10%` is 10, `80,90` is 80, TR2). [`parse_range`] reports such junk as an error with its
//! span; [`parse_range_lenient`] reproduces `strtod` and returns the range plus warnings.

use std::fmt;

use crate::diagnostic::{Severity, impl_diagnostic};
use crate::number::{number_text, strtod};
use crate::span::Span;

/// One end of a [`Range`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// No bound: −∞ as a start (`~`), +∞ as an end (nothing after `:`).
    Infinite,
    /// A finite number (the parsers never produce NaN or ±∞ here).
    Finite(f64),
}

/// A monitoring-plugins threshold range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower bound; [`Bound::Infinite`] is −∞ (`~`).
    pub start: Bound,
    /// Upper bound; [`Bound::Infinite`] is +∞.
    pub end: Bound,
    /// `@`: alert when the value is inside the range instead of outside.
    pub inside: bool,
}

impl Range {
    /// The range of an empty threshold text: `0 .. +∞`, alert when below 0.
    pub const DEFAULT: Range =
        Range { start: Bound::Finite(0.0), end: Bound::Infinite, inside: false };

    /// The lower bound as a number (−∞ when infinite).
    pub fn start_value(&self) -> f64 {
        match self.start {
            Bound::Infinite => f64::NEG_INFINITY,
            Bound::Finite(v) => v,
        }
    }

    /// The upper bound as a number (+∞ when infinite).
    pub fn end_value(&self) -> f64 {
        match self.end {
            Bound::Infinite => f64::INFINITY,
            Bound::Finite(v) => v,
        }
    }

    /// True when `value` raises an alert against this range, exactly as the classic
    /// `check_range`: outside `[start, end]` (inclusive), or inside it with `@`. Both bounds
    /// infinite never alerts (always alerts with `@`), whatever the value, NaN included; a NaN
    /// value against a finite bound counts as outside.
    pub fn alerts(&self, value: f64) -> bool {
        let within = match (self.start, self.end) {
            (Bound::Finite(s), Bound::Finite(e)) => s <= value && value <= e,
            (Bound::Finite(s), Bound::Infinite) => s <= value,
            (Bound::Infinite, Bound::Finite(e)) => value <= e,
            (Bound::Infinite, Bound::Infinite) => true,
        };
        within == self.inside
    }
}

impl Default for Range {
    fn default() -> Self {
        Range::DEFAULT
    }
}

/// Canonical text that [`parse_range`] reads back as the same range (for every range the
/// parsers produce): `[@]` then `~:` or `START:` (omitted when the start is 0 and the end is
/// finite), then the end (nothing for +∞). `0 .. +∞` prints as `0:`.
impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inside {
            f.write_str("@")?;
        }
        match (self.start, self.end) {
            (Bound::Finite(0.0), Bound::Finite(e)) => write_number(f, e),
            (start, end) => {
                match start {
                    Bound::Infinite => f.write_str("~")?,
                    Bound::Finite(s) => write_number(f, s)?,
                }
                f.write_str(":")?;
                match end {
                    Bound::Infinite => Ok(()),
                    Bound::Finite(e) => write_number(f, e),
                }
            }
        }
    }
}

/// Writes `v` so that [`number`] reads it back exactly: integers below 2^53 plainly (`10`),
/// everything else in Rust's shortest round-trip form (`0.5`, `1e300`, `1.5e-7`).
pub fn write_number(f: &mut impl fmt::Write, v: f64) -> fmt::Result {
    if v.fract() == 0.0 && v.abs() < 9.0e15 { write!(f, "{v}") } else { write!(f, "{v:?}") }
}

/// A range with the span of its text inside a threshold list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpannedRange {
    /// The range.
    pub range: Range,
    /// Where its text is.
    pub span: Span,
}

/// A range read by [`parse_range_lenient`], with what `strtod` silently ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct LenientRange {
    /// The range Nagios-era plugins would use.
    pub range: Range,
    /// One [`RangeErrorKind::IgnoredText`] warning per piece of ignored text.
    pub warnings: Vec<RangeError>,
}

/// A problem in a threshold range.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeError {
    /// What is wrong.
    pub kind: RangeErrorKind,
    /// Where, in bytes of the text given to the parser.
    pub span: Span,
}

/// What can be wrong in a threshold range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RangeErrorKind {
    /// Text that is not a number where one is required (`abc`, `x:10`, `10:y`).
    #[error("expected a number")]
    ExpectedNumber,
    /// Text after a complete number (`10%`, `80,90`, `10:20:30`); `strtod` would ignore it.
    #[error("unexpected text after the number (Nagios plugins' strtod would silently ignore it)")]
    TrailingText,
    /// `~` not followed by `:` (`~`, `~10`, `~5:10`).
    #[error("`~` (negative infinity) is only valid as a range start, directly followed by `:`")]
    MisplacedTilde,
    /// A number whose magnitude overflows a double (`1e999`).
    #[error("number too large for a double")]
    NumberOutOfRange,
    /// NaN (`nan`), which `strtod` accepts in lenient mode but no plugin can compare against.
    #[error("not a number (NaN)")]
    NotANumber,
    /// Both bounds finite and start > end (TR3, "Range format incorrect").
    #[error("range start {start} is greater than its end {end}")]
    StartAfterEnd {
        /// The start.
        start: f64,
        /// The end.
        end: f64,
    },
    /// Lenient mode only: text `strtod` stopped before and the plugin ignores.
    #[error("ignored text: Nagios plugins' strtod stops before it")]
    IgnoredText,
}

impl RangeErrorKind {
    /// Stable code, `range/…`.
    pub fn code(&self) -> &'static str {
        match self {
            RangeErrorKind::ExpectedNumber => "range/expected-number",
            RangeErrorKind::TrailingText => "range/trailing-text",
            RangeErrorKind::MisplacedTilde => "range/misplaced-tilde",
            RangeErrorKind::NumberOutOfRange => "range/number-out-of-range",
            RangeErrorKind::NotANumber => "range/not-a-number",
            RangeErrorKind::StartAfterEnd { .. } => "range/start-after-end",
            RangeErrorKind::IgnoredText => "range/ignored-text",
        }
    }

    /// Warning for text the lenient reader ignored, error otherwise (the plugin would refuse
    /// the range or read something else than written).
    pub fn severity(&self) -> Severity {
        match self {
            RangeErrorKind::IgnoredText => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl_diagnostic!(RangeError);

impl RangeError {
    fn new(kind: RangeErrorKind, span: Span) -> Self {
        RangeError { kind, span }
    }

    /// The same error with its span moved `offset` bytes right (for embedded ranges).
    pub fn shifted(mut self, offset: usize) -> Self {
        self.span = Span::new(self.span.start + offset, self.span.end + offset);
        self
    }
}

/// The number at the start of `input`: `None` when there is none, `Some(Err)` when it overflows.
pub(crate) fn number(input: &str) -> Option<(&str, Result<f64, RangeErrorKind>, usize)> {
    let (rest, text) = number_text(input).ok()?;
    let value = match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(RangeErrorKind::NumberOutOfRange),
    };
    Some((rest, value, text.len()))
}

/// Parse one threshold range strictly (see the module grammar). Spans are byte offsets into
/// `input`. Errors: junk after a number, `~` not before `:`, non-numbers, overflowing numbers,
/// and start > end with both finite (TR3).
pub fn parse_range(input: &str) -> Result<Range, RangeError> {
    let len = input.len();
    let pos = |rest: &str| len - rest.len();
    let (mut rest, inside) = match input.strip_prefix('@') {
        Some(r) => (r, true),
        None => (input, false),
    };

    // The start, or the end when there is no `:`.
    let mut start = Bound::Finite(0.0);
    let end_text;
    if let Some(after) = rest.strip_prefix('~') {
        match after.strip_prefix(':') {
            Some(after_colon) => {
                start = Bound::Infinite;
                end_text = after_colon;
            }
            None => {
                let stop = after.find(':').map_or(len, |i| pos(after) + i);
                return Err(RangeError::new(
                    RangeErrorKind::MisplacedTilde,
                    Span::new(pos(rest), stop),
                ));
            }
        }
    } else {
        let first = pos(rest);
        let value = match number(rest) {
            Some((r, value, _)) => {
                let value = value.map_err(|k| RangeError::new(k, Span::new(first, pos(r))))?;
                rest = r;
                Some(value)
            }
            None => None,
        };
        match rest.strip_prefix(':') {
            Some(after_colon) => {
                start = Bound::Finite(value.unwrap_or(0.0));
                end_text = after_colon;
            }
            None if rest.is_empty() => {
                let end = value.map_or(Bound::Infinite, Bound::Finite);
                return Ok(Range { start, end, inside });
            }
            None => {
                let kind = if value.is_some() {
                    RangeErrorKind::TrailingText
                } else {
                    RangeErrorKind::ExpectedNumber
                };
                return Err(RangeError::new(kind, Span::new(pos(rest), len)));
            }
        }
    }

    // The end, after `:`.
    let end = if end_text.is_empty() {
        Bound::Infinite
    } else {
        let first = pos(end_text);
        match number(end_text) {
            Some((r, value, _)) => {
                let value = value.map_err(|k| RangeError::new(k, Span::new(first, pos(r))))?;
                if !r.is_empty() {
                    return Err(RangeError::new(
                        RangeErrorKind::TrailingText,
                        Span::new(pos(r), len),
                    ));
                }
                Bound::Finite(value)
            }
            None => {
                return Err(RangeError::new(RangeErrorKind::ExpectedNumber, Span::new(first, len)));
            }
        }
    };
    check_order(Range { start, end, inside }, len)
}

/// TR3: both bounds finite and start > end is refused.
fn check_order(range: Range, len: usize) -> Result<Range, RangeError> {
    match (range.start, range.end) {
        (Bound::Finite(start), Bound::Finite(end)) if start > end => {
            Err(RangeError::new(RangeErrorKind::StartAfterEnd { start, end }, Span::new(0, len)))
        }
        _ => Ok(range),
    }
}

/// Parse one threshold range the way Nagios-era plugins do (`parse_range_string` with
/// `strtod`): leading white space is skipped, text after each number is ignored and reported
/// as an [`RangeErrorKind::IgnoredText`] warning (`10%` → `0..10`, `80,90` → `0..80`,
/// `~5:10` → `~:10`, `abc` → `0..0`), hexadecimal numbers and `inf` are read as `strtod` does.
///
/// Still errors: start > end with both finite (TR3, the plugin refuses it too), and — a
/// deliberate deviation from C — NaN and numbers that are infinite without being written
/// `~` or left empty (`1e999`, `inf`), which the plugins compare in surprising ways.
pub fn parse_range_lenient(input: &str) -> Result<LenientRange, RangeError> {
    let len = input.len();
    let mut warnings = Vec::new();
    let (body, offset) = match input.strip_prefix('@') {
        Some(r) => (r, 1),
        None => (input, 0),
    };
    let inside = offset == 1;

    let ignored = |from: usize, to: usize, warnings: &mut Vec<RangeError>| {
        if to > from {
            warnings.push(RangeError::new(RangeErrorKind::IgnoredText, Span::new(from, to)));
        }
    };
    let read = |text: &str, at: usize| -> Result<(f64, usize), RangeError> {
        match strtod(text) {
            None => Ok((0.0, 0)),
            Some((v, used)) if v.is_nan() => {
                Err(RangeError::new(RangeErrorKind::NotANumber, Span::new(at, at + used)))
            }
            Some((v, used)) if !v.is_finite() => {
                Err(RangeError::new(RangeErrorKind::NumberOutOfRange, Span::new(at, at + used)))
            }
            Some(found) => Ok(found),
        }
    };

    let mut start = Bound::Finite(0.0);
    let (end_text, end_at) = match body.find(':') {
        Some(colon) => {
            let start_text = body.get(..colon).unwrap_or("");
            if start_text.starts_with('~') {
                start = Bound::Infinite;
                ignored(offset + 1, offset + colon, &mut warnings);
            } else {
                let (value, used) = read(start_text, offset)?;
                start = Bound::Finite(value);
                ignored(offset + used, offset + colon, &mut warnings);
            }
            (body.get(colon + 1..).unwrap_or(""), offset + colon + 1)
        }
        None => (body, offset),
    };
    let end = if end_text.is_empty() {
        Bound::Infinite
    } else {
        let (value, used) = read(end_text, end_at)?;
        ignored(end_at + used, len, &mut warnings);
        Bound::Finite(value)
    };
    let range = check_order(Range { start, end, inside }, len)?;
    Ok(LenientRange { range, warnings })
}

/// Parse a comma-separated list of ranges (`check_load -w 5,4,3`), each strictly and in
/// order, with spans into `input`. An empty item is the empty range (`0 .. +∞`), as for
/// [`parse_range`]. One result per item, so positions (1, 5, 15 minutes) are kept.
pub fn parse_thresholds(input: &str) -> Vec<Result<SpannedRange, RangeError>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for item in input.split(',') {
        let span = Span::new(offset, offset + item.len());
        out.push(match parse_range(item) {
            Ok(range) => Ok(SpannedRange { range, span }),
            Err(e) => Err(e.shifted(offset)),
        });
        offset += item.len() + 1;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const INF: Bound = Bound::Infinite;
    fn fin(v: f64) -> Bound {
        Bound::Finite(v)
    }
    fn r(start: Bound, end: Bound, inside: bool) -> Range {
        Range { start, end, inside }
    }

    #[test]
    fn known_answers() {
        let cases: &[(&str, Range)] = &[
            ("10", r(fin(0.0), fin(10.0), false)),
            ("10:", r(fin(10.0), INF, false)),
            ("~:10", r(INF, fin(10.0), false)),
            ("10:20", r(fin(10.0), fin(20.0), false)),
            ("@10:20", r(fin(10.0), fin(20.0), true)),
            ("~:", r(INF, INF, false)),
            ("@~:", r(INF, INF, true)),
            ("", r(fin(0.0), INF, false)),
            ("@", r(fin(0.0), INF, true)),
            (":10", r(fin(0.0), fin(10.0), false)),
            (":", r(fin(0.0), INF, false)),
            ("0.5", r(fin(0.0), fin(0.5), false)),
            (".5", r(fin(0.0), fin(0.5), false)),
            ("5.", r(fin(0.0), fin(5.0), false)),
            ("+5", r(fin(0.0), fin(5.0), false)),
            ("-5:-1", r(fin(-5.0), fin(-1.0), false)),
            ("-5:", r(fin(-5.0), INF, false)),
            ("1e3", r(fin(0.0), fin(1000.0), false)),
            ("1E+3:2e3", r(fin(1000.0), fin(2000.0), false)),
            ("2.5e-1", r(fin(0.0), fin(0.25), false)),
            ("@~:-1.5", r(INF, fin(-1.5), true)),
            ("@0:0", r(fin(0.0), fin(0.0), true)),
            ("10:10", r(fin(10.0), fin(10.0), false)),
            ("3000.000000", r(fin(0.0), fin(3000.0), false)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_range(text).as_ref(), Ok(want), "{text:?}");
            // Lenient agrees on every valid text, without warnings.
            let lenient = parse_range_lenient(text).unwrap();
            assert_eq!(&lenient.range, want, "lenient {text:?}");
            assert!(lenient.warnings.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn strict_errors() {
        let cases: &[(&str, &str, Span)] = &[
            ("10%", "range/trailing-text", Span::new(2, 3)),
            ("80,90", "range/trailing-text", Span::new(2, 5)),
            ("10:20:30", "range/trailing-text", Span::new(5, 8)),
            ("10:20x", "range/trailing-text", Span::new(5, 6)),
            ("abc", "range/expected-number", Span::new(0, 3)),
            ("x:10", "range/expected-number", Span::new(0, 4)),
            ("10:y", "range/expected-number", Span::new(3, 4)),
            ("~", "range/misplaced-tilde", Span::new(0, 1)),
            ("~10", "range/misplaced-tilde", Span::new(0, 3)),
            ("@~5:10", "range/misplaced-tilde", Span::new(1, 3)),
            ("20:10", "range/start-after-end", Span::new(0, 5)),
            ("@5:-5", "range/start-after-end", Span::new(0, 5)),
            ("1e999", "range/number-out-of-range", Span::new(0, 5)),
            (" 10", "range/expected-number", Span::new(0, 3)),
            ("10 ", "range/trailing-text", Span::new(2, 3)),
            ("inf", "range/expected-number", Span::new(0, 3)),
            ("1e", "range/trailing-text", Span::new(1, 2)),
            ("@@1", "range/expected-number", Span::new(1, 3)),
            ("-", "range/expected-number", Span::new(0, 1)),
        ];
        for (text, code, span) in cases {
            let err = parse_range(text).unwrap_err();
            assert_eq!((err.kind.code(), err.span), (*code, *span), "{text:?}: {err}");
            assert_eq!(err.kind.severity(), Severity::Error);
        }
    }

    #[test]
    fn lenient_mirrors_strtod() {
        let cases: &[(&str, Range, &[Span])] = &[
            ("10%", r(fin(0.0), fin(10.0), false), &[Span::new(2, 3)]),
            ("80,90", r(fin(0.0), fin(80.0), false), &[Span::new(2, 5)]),
            ("~5:10", r(INF, fin(10.0), false), &[Span::new(1, 2)]),
            ("5x:10y", r(fin(5.0), fin(10.0), false), &[Span::new(1, 2), Span::new(5, 6)]),
            ("abc", r(fin(0.0), fin(0.0), false), &[Span::new(0, 3)]),
            ("~", r(fin(0.0), fin(0.0), false), &[Span::new(0, 1)]),
            (" 10", r(fin(0.0), fin(10.0), false), &[]),
            ("@ 1: 2", r(fin(1.0), fin(2.0), true), &[]),
            ("0x10", r(fin(0.0), fin(16.0), false), &[]),
            ("0x1.8p1", r(fin(0.0), fin(3.0), false), &[]),
            ("0xg", r(fin(0.0), fin(0.0), false), &[Span::new(1, 3)]),
            ("10:20:30", r(fin(10.0), fin(20.0), false), &[Span::new(5, 8)]),
            ("1e", r(fin(0.0), fin(1.0), false), &[Span::new(1, 2)]),
        ];
        for (text, want, spans) in cases {
            let got = parse_range_lenient(text).unwrap();
            assert_eq!(&got.range, want, "{text:?}");
            let got_spans: Vec<Span> = got.warnings.iter().map(|w| w.span).collect();
            assert_eq!(&got_spans, spans, "{text:?}");
            assert!(got.warnings.iter().all(|w| w.kind == RangeErrorKind::IgnoredText));
            assert!(got.warnings.iter().all(|w| w.kind.severity() == Severity::Warning));
        }
        for (text, code) in [
            ("20:10", "range/start-after-end"),
            ("nan", "range/not-a-number"),
            ("inf", "range/number-out-of-range"),
            ("1e999:", "range/number-out-of-range"),
        ] {
            assert_eq!(parse_range_lenient(text).unwrap_err().kind.code(), code, "{text:?}");
        }
    }

    #[test]
    fn alert_semantics() {
        let p = |t: &str| parse_range(t).unwrap();
        // `10`: alert below 0 or above 10.
        assert!(p("10").alerts(-0.0001));
        assert!(!p("10").alerts(0.0));
        assert!(!p("10").alerts(-0.0));
        assert!(!p("10").alerts(10.0));
        assert!(p("10").alerts(10.0001));
        // `10:`: alert below 10.
        assert!(p("10:").alerts(9.999));
        assert!(!p("10:").alerts(10.0));
        assert!(!p("10:").alerts(1e300));
        // `~:10`: inclusive (classic check_range, TR6).
        assert!(!p("~:10").alerts(10.0));
        assert!(p("~:10").alerts(10.0000001));
        assert!(!p("~:10").alerts(-1e300));
        // `10:20` and `@10:20`.
        for v in [9.99, 20.01] {
            assert!(p("10:20").alerts(v));
            assert!(!p("@10:20").alerts(v));
        }
        for v in [10.0, 15.0, 20.0] {
            assert!(!p("10:20").alerts(v));
            assert!(p("@10:20").alerts(v), "{v}");
        }
        // `~:` never alerts, `@~:` always; empty range alerts below 0.
        for v in [f64::NEG_INFINITY, -1.0, 0.0, 1e308, f64::NAN] {
            assert!(!p("~:").alerts(v));
            assert!(p("@~:").alerts(v));
        }
        assert!(p("").alerts(-1.0));
        assert!(!p("").alerts(0.0));
        assert!(!p("").alerts(f64::INFINITY));
        // NaN against a finite bound counts as outside.
        assert!(p("10").alerts(f64::NAN));
        assert!(!p("@10").alerts(f64::NAN));
    }

    #[test]
    fn display_is_canonical_and_round_trips() {
        let cases = [
            ("10", "10"),
            ("0:10", "10"),
            ("10:", "10:"),
            ("~:10", "~:10"),
            ("@10:20", "@10:20"),
            ("~:", "~:"),
            ("", "0:"),
            ("@", "@0:"),
            (".5", "0.5"),
            ("+5:1e3", "5:1000"),
            ("1e300", "1e300"),
            ("-1.5e-7:", "-1.5e-7:"),
            ("@-0:1", "@1"),
        ];
        for (text, canonical) in cases {
            let range = parse_range(text).unwrap();
            assert_eq!(range.to_string(), canonical, "{text:?}");
            assert_eq!(parse_range(canonical).unwrap(), range, "{text:?}");
        }
    }

    #[test]
    fn threshold_lists() {
        let got = parse_thresholds("5,4.5,~:3");
        let ranges: Vec<(String, Span)> = got
            .iter()
            .map(|r| r.as_ref().map(|s| (s.range.to_string(), s.span)).unwrap())
            .collect();
        assert_eq!(
            ranges,
            [
                ("5".to_owned(), Span::new(0, 1)),
                ("4.5".to_owned(), Span::new(2, 5)),
                ("~:3".to_owned(), Span::new(6, 9))
            ]
        );
        let got = parse_thresholds("5,x,20:10,");
        assert_eq!(got.len(), 4);
        assert!(got[0].is_ok());
        assert_eq!(got[1].as_ref().unwrap_err().span, Span::new(2, 3));
        assert_eq!(got[2].as_ref().unwrap_err().span, Span::new(4, 9));
        assert_eq!(got[2].as_ref().unwrap_err().kind.code(), "range/start-after-end");
        assert_eq!(got[3].as_ref().unwrap().range, Range::DEFAULT);
        assert_eq!(got[3].as_ref().unwrap().span, Span::new(10, 10));
        assert_eq!(parse_thresholds("").len(), 1);
    }

    #[test]
    fn diagnostics_render() {
        use crate::diagnostic::Diagnostic;
        let err = parse_range("10%").unwrap_err();
        assert_eq!(err.code(), "range/trailing-text");
        assert_eq!(err.span(), Span::new(2, 3));
        assert!(err.to_string().ends_with("at bytes 2..3"));
    }
}
