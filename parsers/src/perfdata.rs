//! Performance data: `'label'=value[UOM];[warn];[crit];[min];[max]` items separated by white
//! space (`docs/nagios-formats.md` §18, monitoring-plugins guidelines §2.6).
//!
//! Grammar of one item (strict; the reading of every field is in its doc comment below):
//!
//! ```text
//! item   = label "=" value [uom] [";" [warn] [";" [crit] [";" [min] [";" [max]]]]]
//! label  = "'" *( "''" | any char but "'" ) "'"     ; `''` is a literal quote (PD1)
//!        | 1*( any char but "=" and white space )
//! value  = number | "U"                              ; `U`: unknown (PD2)
//! uom    = run of chars but ";" and white space, not starting with a digit, ".", ",", "+", "-"
//!          and without "=" or "'"                    ; kept verbatim when unknown (PD3)
//! warn   = crit = range (§17, [`crate::range`])      ; also kept as raw text (TR7)
//! min    = max = number
//! ```
//!
//! Items are separated by one or more white-space characters; leading and trailing white
//! space is allowed (PD5). A bad item is skipped with an error and parsing resumes at the next
//! white space outside its quoted label (PD6): one bad item never loses the others. A bad
//! threshold, min or max keeps the item (that field is dropped, a warning is recorded). The
//! whole string is read once: time is linear in its length.

use std::borrow::Cow;
use std::fmt;

use nom::bytes::complete::take_till;
use nom::character::complete::char;
use nom::{IResult, Parser};

use crate::diagnostic::{Severity, impl_diagnostic};
use crate::range::{self, Range, RangeErrorKind};
use crate::span::Span;

/// The items of one performance data string and every problem found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PerfData<'a> {
    /// The items that could be read, in order.
    pub items: Vec<PerfItem<'a>>,
    /// Every problem, in input order: errors for skipped items, warnings for dropped fields.
    pub errors: Vec<PerfdataError>,
}

/// One `label=value…` item.
#[derive(Debug, Clone, PartialEq)]
pub struct PerfItem<'a> {
    /// The label, without its quotes and with `''` turned into `'`.
    pub label: Cow<'a, str>,
    /// Span of the label as written (quotes included).
    pub label_span: Span,
    /// The value.
    pub value: PerfValue,
    /// The unit written right after the value.
    pub uom: Uom<'a>,
    /// Warning threshold, `None` when the field is empty or absent.
    pub warn: Option<Threshold<'a>>,
    /// Critical threshold, `None` when the field is empty or absent.
    pub crit: Option<Threshold<'a>>,
    /// Minimum, `None` when empty, absent or not a number (a warning was recorded then).
    pub min: Option<f64>,
    /// Maximum, `None` when empty, absent or not a number (a warning was recorded then).
    pub max: Option<f64>,
    /// The whole item.
    pub span: Span,
}

/// The value of an item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PerfValue {
    /// A finite number.
    Number(f64),
    /// `U`: the plugin could not determine the value.
    Unknown,
}

impl PerfValue {
    /// The number, `None` for [`PerfValue::Unknown`].
    pub fn as_f64(self) -> Option<f64> {
        match self {
            PerfValue::Number(v) => Some(v),
            PerfValue::Unknown => None,
        }
    }
}

/// A warn or crit field: its text and, when it is a valid range, the range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold<'a> {
    /// The field as written (never empty).
    pub raw: &'a str,
    /// Where it is.
    pub span: Span,
    /// The range, `None` when the text is not a valid range (a warning was recorded).
    pub range: Option<Range>,
}

/// What a unit measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// No unit: a plain number or count.
    Count,
    /// `s`, `ms`, `us`.
    Time,
    /// `%`.
    Percent,
    /// `B`, `KB`, `MB`, `GB`, `TB`.
    Data,
    /// `c`: a continuously increasing counter.
    Counter,
    /// A unit outside the guidelines' table ([`Uom::Other`]).
    Unknown,
}

/// Unit of measurement (PD3). Matching is exact and case-sensitive, as in the guidelines;
/// anything else is kept verbatim in [`Uom::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Uom<'a> {
    /// No unit.
    None,
    /// `s`
    Seconds,
    /// `ms`
    Milliseconds,
    /// `us`
    Microseconds,
    /// `%`
    Percent,
    /// `B`
    Bytes,
    /// `KB`
    Kilobytes,
    /// `MB`
    Megabytes,
    /// `GB`
    Gigabytes,
    /// `TB`
    Terabytes,
    /// `c` (continuous counter)
    Counter,
    /// Any other unit, verbatim (`KiB`, `bps`, `°C`, `/s`, `kB`).
    Other(&'a str),
}

impl<'a> Uom<'a> {
    /// The unit written as `text` (exact match, `""` is [`Uom::None`]).
    pub fn parse(text: &'a str) -> Uom<'a> {
        match text {
            "" => Uom::None,
            "s" => Uom::Seconds,
            "ms" => Uom::Milliseconds,
            "us" => Uom::Microseconds,
            "%" => Uom::Percent,
            "B" => Uom::Bytes,
            "KB" => Uom::Kilobytes,
            "MB" => Uom::Megabytes,
            "GB" => Uom::Gigabytes,
            "TB" => Uom::Terabytes,
            "c" => Uom::Counter,
            other => Uom::Other(other),
        }
    }

    /// The unit as written.
    pub fn as_str(&self) -> &'a str {
        match self {
            Uom::None => "",
            Uom::Seconds => "s",
            Uom::Milliseconds => "ms",
            Uom::Microseconds => "us",
            Uom::Percent => "%",
            Uom::Bytes => "B",
            Uom::Kilobytes => "KB",
            Uom::Megabytes => "MB",
            Uom::Gigabytes => "GB",
            Uom::Terabytes => "TB",
            Uom::Counter => "c",
            Uom::Other(text) => text,
        }
    }

    /// What the unit measures.
    pub fn quantity(&self) -> Quantity {
        match self {
            Uom::None => Quantity::Count,
            Uom::Seconds | Uom::Milliseconds | Uom::Microseconds => Quantity::Time,
            Uom::Percent => Quantity::Percent,
            Uom::Bytes | Uom::Kilobytes | Uom::Megabytes | Uom::Gigabytes | Uom::Terabytes => {
                Quantity::Data
            }
            Uom::Counter => Quantity::Counter,
            Uom::Other(_) => Quantity::Unknown,
        }
    }

    /// The factor that turns a value in this unit into the base unit of its [`Quantity`]:
    /// seconds for time, bytes for data, 1 for counts, percent and counters (a percentage stays
    /// a percentage here), `None` for an unknown unit.
    ///
    /// Data units use **binary multiples: KB = 1024 B, MB = 1024² B, GB = 1024³ B,
    /// TB = 1024⁴ B**. The guidelines only name the units; the plugins that emit them compute
    /// them with 1024: `check_disk` (its `-u MB` is 1024 × 1024 bytes, and its
    /// `/=3310.46484375MB` values are byte counts divided by 1048576), `check_swap` (`swap=…MB`
    /// from 1024-based sizes), `check_procs` (`KB` of RSS/VSZ as the kernel reports them).
    /// Decimal (SI) readers would be off by 2.4 % (KB) to 10 % (TB).
    pub fn to_base_factor(&self) -> Option<f64> {
        const KIB: f64 = 1024.0;
        match self {
            Uom::None | Uom::Percent | Uom::Counter | Uom::Seconds | Uom::Bytes => Some(1.0),
            Uom::Milliseconds => Some(1e-3),
            Uom::Microseconds => Some(1e-6),
            Uom::Kilobytes => Some(KIB),
            Uom::Megabytes => Some(KIB * KIB),
            Uom::Gigabytes => Some(KIB * KIB * KIB),
            Uom::Terabytes => Some(KIB * KIB * KIB * KIB),
            Uom::Other(_) => None,
        }
    }

    /// `value` converted to the base unit (see [`Uom::to_base_factor`]).
    pub fn to_base(&self, value: f64) -> Option<f64> {
        self.to_base_factor().map(|factor| value * factor)
    }
}

impl fmt::Display for Uom<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem in performance data.
#[derive(Debug, Clone, PartialEq)]
pub struct PerfdataError {
    /// What is wrong.
    pub kind: PerfdataErrorKind,
    /// Where, in bytes of the text given to [`parse_perfdata`].
    pub span: Span,
}

/// What can be wrong in performance data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PerfdataErrorKind {
    /// A word without `=` (`garbage`), or a quoted label not followed by `=`.
    #[error("expected `label=value`: no `=` after the label; item skipped")]
    MissingEquals,
    /// `=1`, `''=1`: nothing before `=`.
    #[error("empty label; item skipped")]
    MissingLabel,
    /// A `'` that opens a label is never closed.
    #[error("unterminated quoted label; item skipped")]
    UnterminatedQuote,
    /// `a=`, `a=;1`: nothing after `=`.
    #[error("missing value after `=`; item skipped")]
    MissingValue,
    /// The value is neither a number nor `U`, or is followed by something that is not a unit
    /// (`a=abc`, `a=1.2.3`, `a=1e999`).
    #[error("invalid value: expected a number or `U`, optionally followed by a unit; item skipped")]
    InvalidValue,
    /// `a=1,5`: a decimal comma (plugin run under a non-C locale) or thousands separator.
    #[error("comma in the value (decimal comma of a non-C locale?); item skipped")]
    DecimalComma,
    /// A warn or crit field that is not a valid range; the item is kept without it.
    #[error("invalid {field} threshold: {reason}; the field is ignored")]
    InvalidThreshold {
        /// `warn` or `crit`.
        field: &'static str,
        /// Why the range is invalid.
        reason: RangeErrorKind,
    },
    /// A min or max field that is not a number; the item is kept without it.
    #[error("invalid {field}: expected a number; the field is ignored")]
    InvalidMinMax {
        /// `min` or `max`.
        field: &'static str,
    },
    /// Non-empty fields after max (`a=1;2;3;4;5;6`); the item is kept without them.
    #[error("fields after `max` are ignored")]
    ExtraFields,
    /// An unquoted label containing `'` (the guidelines forbid it); the item is kept.
    #[error("unquoted label contains `'`")]
    QuoteInLabel,
}

impl PerfdataErrorKind {
    /// Stable code, `perfdata/…`.
    pub fn code(&self) -> &'static str {
        match self {
            PerfdataErrorKind::MissingEquals => "perfdata/missing-equals",
            PerfdataErrorKind::MissingLabel => "perfdata/missing-label",
            PerfdataErrorKind::UnterminatedQuote => "perfdata/unterminated-quote",
            PerfdataErrorKind::MissingValue => "perfdata/missing-value",
            PerfdataErrorKind::InvalidValue => "perfdata/invalid-value",
            PerfdataErrorKind::DecimalComma => "perfdata/decimal-comma",
            PerfdataErrorKind::InvalidThreshold { .. } => "perfdata/invalid-threshold",
            PerfdataErrorKind::InvalidMinMax { .. } => "perfdata/invalid-min-max",
            PerfdataErrorKind::ExtraFields => "perfdata/extra-fields",
            PerfdataErrorKind::QuoteInLabel => "perfdata/quote-in-label",
        }
    }

    /// Error when the item is skipped (its data is lost), warning when it is kept.
    pub fn severity(&self) -> Severity {
        match self {
            PerfdataErrorKind::InvalidThreshold { .. }
            | PerfdataErrorKind::InvalidMinMax { .. }
            | PerfdataErrorKind::ExtraFields
            | PerfdataErrorKind::QuoteInLabel => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl_diagnostic!(PerfdataError);

/// White space between items: ASCII space, tab, CR, LF, vertical tab and form feed.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// End of a field: `;` or white space.
fn is_field_end(c: char) -> bool {
    c == ';' || is_space(c)
}

/// `"'" *( "''" | any char but "'" ) "'"`: the label without quotes, `''` unescaped. Fails
/// when the quote is not closed.
fn quoted_label(input: &str) -> IResult<&str, Cow<'_, str>, ()> {
    let (mut rest, _) = char('\'').parse(input)?;
    let mut owned: Option<String> = None;
    loop {
        let (after, chunk) = take_till(|c| c == '\'').parse(rest)?;
        let Some(after_quote) = after.strip_prefix('\'') else {
            return Err(nom::Err::Error(()));
        };
        if let Some(after_escape) = after_quote.strip_prefix('\'') {
            let buffer = owned.get_or_insert_with(String::new);
            buffer.push_str(chunk);
            buffer.push('\'');
            rest = after_escape;
            continue;
        }
        let label = match owned {
            Some(mut buffer) => {
                buffer.push_str(chunk);
                Cow::Owned(buffer)
            }
            None => Cow::Borrowed(chunk),
        };
        return Ok((after_quote, label));
    }
}

/// `1*( any char but "=" and white space )`.
fn unquoted_label(input: &str) -> IResult<&str, &str, ()> {
    take_till(|c| c == '=' || is_space(c)).parse(input)
}

/// A field: everything up to `;` or white space.
fn field(input: &str) -> IResult<&str, &str, ()> {
    take_till(is_field_end).parse(input)
}

/// An item-level failure: what, and where when narrower than the whole item.
type ItemError = (PerfdataErrorKind, Option<Span>);

/// Reads items from one performance data string, keeping the offsets.
struct Reader<'a> {
    input: &'a str,
    warnings: Vec<PerfdataError>,
}

impl<'a> Reader<'a> {
    /// Offset of `rest`, a suffix of the input.
    fn offset(&self, rest: &str) -> usize {
        self.input.len() - rest.len()
    }

    fn span(&self, from: &str, to: &str) -> Span {
        Span::new(self.offset(from), self.offset(to))
    }

    fn warn(&mut self, kind: PerfdataErrorKind, span: Span) {
        self.warnings.push(PerfdataError { kind, span });
    }

    /// One item at the start of `rest` (which starts with a non-space character).
    fn item(&mut self, rest: &'a str) -> Result<(&'a str, PerfItem<'a>), ItemError> {
        let start = self.offset(rest);

        // label
        let (after_label, label) = if rest.starts_with('\'') {
            match quoted_label(rest) {
                Ok(found) => found,
                Err(_) => {
                    return Err((
                        PerfdataErrorKind::UnterminatedQuote,
                        Some(Span::new(start, start + 1)),
                    ));
                }
            }
        } else {
            let (after, text) = unquoted_label(rest).unwrap_or((rest, ""));
            if text.contains('\'') {
                self.warn(PerfdataErrorKind::QuoteInLabel, self.span(rest, after));
            }
            (after, Cow::Borrowed(text))
        };
        let label_span = self.span(rest, after_label);
        let Some(after_eq) = after_label.strip_prefix('=') else {
            return Err((PerfdataErrorKind::MissingEquals, None));
        };
        if label.is_empty() {
            return Err((PerfdataErrorKind::MissingLabel, None));
        }

        // value and unit
        let (after_token, token) = field(after_eq).unwrap_or((after_eq, ""));
        let token_span = self.span(after_eq, after_token);
        if token.is_empty() {
            return Err((
                PerfdataErrorKind::MissingValue,
                Some(Span::new(token_span.start.saturating_sub(1), token_span.start)),
            ));
        }
        let (value, uom_text) = if let Some(uom) = token.strip_prefix('U') {
            (PerfValue::Unknown, uom)
        } else {
            match range::number(token) {
                Some((uom, Ok(v), _)) => (PerfValue::Number(v), uom),
                _ => return Err((PerfdataErrorKind::InvalidValue, Some(token_span))),
            }
        };
        if let Some(after_comma) = uom_text.strip_prefix(',')
            && after_comma.starts_with(|c: char| c.is_ascii_digit())
            && value != PerfValue::Unknown
        {
            return Err((PerfdataErrorKind::DecimalComma, Some(token_span)));
        }
        if uom_text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '.' | ',' | '+' | '-'))
            || uom_text.contains(['=', '\''])
        {
            return Err((PerfdataErrorKind::InvalidValue, Some(token_span)));
        }
        let uom = Uom::parse(uom_text);

        // ;warn;crit;min;max
        let mut item = PerfItem {
            label,
            label_span,
            value,
            uom,
            warn: None,
            crit: None,
            min: None,
            max: None,
            span: Span::default(),
        };
        let mut rest = after_token;
        let mut index = 0;
        let mut extra: Option<(usize, bool)> = None;
        while let Some(after_semicolon) = rest.strip_prefix(';') {
            let (next, text) = field(after_semicolon).unwrap_or((after_semicolon, ""));
            let span = self.span(after_semicolon, next);
            match index {
                0 => item.warn = self.threshold(text, span, "warn"),
                1 => item.crit = self.threshold(text, span, "crit"),
                2 => item.min = self.min_max(text, span, "min"),
                3 => item.max = self.min_max(text, span, "max"),
                _ => {
                    let entry = extra.get_or_insert((span.start.saturating_sub(1), false));
                    entry.1 |= !text.is_empty();
                }
            }
            index += 1;
            rest = next;
        }
        let end = self.offset(rest);
        if let Some((from, true)) = extra {
            self.warn(PerfdataErrorKind::ExtraFields, Span::new(from, end));
        }
        item.span = Span::new(start, end);
        Ok((rest, item))
    }

    /// A warn/crit field (TR7): empty is `None`; invalid keeps the raw text without a range.
    fn threshold(
        &mut self,
        text: &'a str,
        span: Span,
        field: &'static str,
    ) -> Option<Threshold<'a>> {
        if text.is_empty() {
            return None;
        }
        let range = match range::parse_range(text) {
            Ok(range) => Some(range),
            Err(e) => {
                let e = e.shifted(span.start);
                self.warn(PerfdataErrorKind::InvalidThreshold { field, reason: e.kind }, e.span);
                None
            }
        };
        Some(Threshold { raw: text, span, range })
    }

    /// A min/max field: a whole number, or `None`.
    fn min_max(&mut self, text: &str, span: Span, field: &'static str) -> Option<f64> {
        if text.is_empty() {
            return None;
        }
        match range::number(text) {
            Some(("", Ok(v), _)) => Some(v),
            _ => {
                self.warn(PerfdataErrorKind::InvalidMinMax { field }, span);
                None
            }
        }
    }
}

/// Where to resume after a bad item starting at `rest`: the next white space after the item's
/// quoted label (or after its opening quote when the quote is not closed), else after the word.
fn skip_item(rest: &str) -> &str {
    let body = if rest.starts_with('\'') {
        match quoted_label(rest) {
            Ok((after, _)) => after,
            Err(_) => rest.get(1..).unwrap_or(""),
        }
    } else {
        rest
    };
    body.trim_start_matches(|c: char| !is_space(c))
}

/// Parse one performance data string (the text after `|`, or status.dat's
/// `performance_data=` value). Never fails: bad items are skipped and reported.
pub fn parse_perfdata(input: &str) -> PerfData<'_> {
    let mut reader = Reader { input, warnings: Vec::new() };
    let mut out = PerfData::default();
    let mut rest = input.trim_start_matches(is_space);
    while !rest.is_empty() {
        match reader.item(rest) {
            Ok((next, item)) => {
                out.items.push(item);
                out.errors.append(&mut reader.warnings);
                rest = next;
            }
            Err((kind, span)) => {
                reader.warnings.clear();
                let next = skip_item(rest);
                let span = span.unwrap_or_else(|| reader.span(rest, next));
                out.errors.push(PerfdataError { kind, span });
                rest = next;
            }
        }
        rest = rest.trim_start_matches(is_space);
    }
    out
}

/// True when a label must be quoted to read back the same: empty, or holding white space, `=`
/// or `'`.
fn needs_quotes(label: &str) -> bool {
    label.is_empty() || label.contains(|c: char| is_space(c) || c == '=' || c == '\'')
}

/// Canonical text: the label (quoted with `''` escapes when needed), `=`, the value, the unit,
/// then `;warn;crit;min;max` without trailing empty fields. Thresholds are written as their raw
/// text. [`parse_perfdata`] reads it back as the same item (spans aside).
impl fmt::Display for PerfItem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if needs_quotes(&self.label) {
            write!(f, "'{}'=", self.label.replace('\'', "''"))?;
        } else {
            write!(f, "{}=", self.label)?;
        }
        match self.value {
            PerfValue::Number(v) => range::write_number(f, v)?,
            PerfValue::Unknown => f.write_str("U")?,
        }
        f.write_str(self.uom.as_str())?;
        let fields = [
            self.warn.map(|t| Cow::Borrowed(t.raw)),
            self.crit.map(|t| Cow::Borrowed(t.raw)),
            self.min.map(|v| Cow::Owned(number_string(v))),
            self.max.map(|v| Cow::Owned(number_string(v))),
        ];
        let used = fields.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
        for field in fields.iter().take(used) {
            f.write_str(";")?;
            if let Some(text) = field {
                f.write_str(text)?;
            }
        }
        Ok(())
    }
}

fn number_string(v: f64) -> String {
    let mut s = String::new();
    let _ = range::write_number(&mut s, v);
    s
}

/// The items' canonical texts separated by single spaces.
impl fmt::Display for PerfData<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::range::Bound;

    fn codes(p: &PerfData<'_>) -> Vec<&'static str> {
        p.errors.iter().map(|e| e.kind.code()).collect()
    }

    fn labels<'a>(p: &'a PerfData<'_>) -> Vec<&'a str> {
        p.items.iter().map(|i| i.label.as_ref()).collect()
    }

    #[test]
    fn full_item() {
        let p = parse_perfdata("'/var'=8500MB;8000;9000;0;10000");
        assert!(p.errors.is_empty());
        let item = &p.items[0];
        assert_eq!(item.label, "/var");
        assert_eq!(item.label_span, Span::new(0, 6));
        assert_eq!(item.value, PerfValue::Number(8500.0));
        assert_eq!(item.uom, Uom::Megabytes);
        let warn = item.warn.unwrap();
        assert_eq!((warn.raw, warn.span), ("8000", Span::new(14, 18)));
        assert_eq!(warn.range.unwrap().end, Bound::Finite(8000.0));
        assert_eq!(item.crit.unwrap().raw, "9000");
        assert_eq!((item.min, item.max), (Some(0.0), Some(10000.0)));
        assert_eq!(item.span, Span::new(0, 31));
        assert!(matches!(item.label, Cow::Borrowed(_)));
    }

    /// (input, labels, values, uoms, error codes)
    #[test]
    fn known_answers() {
        type Case<'a> = (&'a str, &'a [&'a str], &'a [Option<f64>], &'a [&'a str], &'a [&'a str]);
        let cases: &[Case<'_>] = &[
            ("", &[], &[], &[], &[]),
            ("   ", &[], &[], &[], &[]),
            ("a=1", &["a"], &[Some(1.0)], &[""], &[]),
            (
                "  a=1  b=2\tc=3 ",
                &["a", "b", "c"],
                &[Some(1.0), Some(2.0), Some(3.0)],
                &["", "", ""],
                &[],
            ),
            ("a=1 b=2c", &["a", "b"], &[Some(1.0), Some(2.0)], &["", "c"], &[]),
            ("garbage a=1", &["a"], &[Some(1.0)], &[""], &["perfdata/missing-equals"]),
            ("a=1 garbage", &["a"], &[Some(1.0)], &[""], &["perfdata/missing-equals"]),
            ("'inodes used'=85%;80;90", &["inodes used"], &[Some(85.0)], &["%"], &[]),
            ("'a=b'=1", &["a=b"], &[Some(1.0)], &[""], &[]),
            ("'it''s'=1", &["it's"], &[Some(1.0)], &[""], &[]),
            ("''''=1", &["'"], &[Some(1.0)], &[""], &[]),
            ("svc::check::metric=1", &["svc::check::metric"], &[Some(1.0)], &[""], &[]),
            ("x=U", &["x"], &[None], &[""], &[]),
            ("x=U;1;2;0;10", &["x"], &[None], &[""], &[]),
            ("x=Us", &["x"], &[None], &["s"], &[]),
            ("'/tmp'=1.5GB;;;0;4", &["/tmp"], &[Some(1.5)], &["GB"], &[]),
            ("load1=0.100;5.000;10.000;0;", &["load1"], &[Some(0.1)], &[""], &[]),
            ("a=-1.5e3s", &["a"], &[Some(-1500.0)], &["s"], &[]),
            (
                "a=+5 b=.5 c=5.",
                &["a", "b", "c"],
                &[Some(5.0), Some(0.5), Some(5.0)],
                &["", "", ""],
                &[],
            ),
            (
                "a=1ms b=2us c=3B d=4KB e=5TB",
                &["a", "b", "c", "d", "e"],
                &[Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(5.0)],
                &["ms", "us", "B", "KB", "TB"],
                &[],
            ),
            (
                "a=1KiB b=2bps c=3°C d=4/s e=5B/s",
                &["a", "b", "c", "d", "e"],
                &[Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(5.0)],
                &["KiB", "bps", "°C", "/s", "B/s"],
                &[],
            ),
            ("temp=1,5 b=2", &["b"], &[Some(2.0)], &[""], &["perfdata/decimal-comma"]),
            ("a=1.2.3 b=2", &["b"], &[Some(2.0)], &[""], &["perfdata/invalid-value"]),
            ("a=abc b=2", &["b"], &[Some(2.0)], &[""], &["perfdata/invalid-value"]),
            ("a=1e999 b=2", &["b"], &[Some(2.0)], &[""], &["perfdata/invalid-value"]),
            ("a= b=2", &["b"], &[Some(2.0)], &[""], &["perfdata/missing-value"]),
            ("a=;1 b=2", &["b"], &[Some(2.0)], &[""], &["perfdata/missing-value"]),
            ("=1 b=2", &["b"], &[Some(2.0)], &[""], &["perfdata/missing-label"]),
            ("''=1 b=2", &["b"], &[Some(2.0)], &[""], &["perfdata/missing-label"]),
            ("'a b'c=1 d=2", &["d"], &[Some(2.0)], &[""], &["perfdata/missing-equals"]),
            (
                "'a b=1 c=2",
                &["b", "c"],
                &[Some(1.0), Some(2.0)],
                &["", ""],
                &["perfdata/unterminated-quote"],
            ),
            ("a=1=2 b=2", &["b"], &[Some(2.0)], &[""], &["perfdata/invalid-value"]),
            ("my label=1", &["label"], &[Some(1.0)], &[""], &["perfdata/missing-equals"]),
            ("it's=1", &["it's"], &[Some(1.0)], &[""], &["perfdata/quote-in-label"]),
            ("a=1;2;3;4;5;6", &["a"], &[Some(1.0)], &[""], &["perfdata/extra-fields"]),
            ("a=1;2;3;4;5;", &["a"], &[Some(1.0)], &[""], &[]),
            (
                "inuse=400;max=30000;perc=1",
                &["inuse"],
                &[Some(400.0)],
                &[""],
                &["perfdata/invalid-threshold", "perfdata/invalid-threshold"],
            ),
            (
                "a=1;;;x;1,5",
                &["a"],
                &[Some(1.0)],
                &[""],
                &["perfdata/invalid-min-max", "perfdata/invalid-min-max"],
            ),
            ("a=1;10%", &["a"], &[Some(1.0)], &[""], &["perfdata/invalid-threshold"]),
            (
                "métrique=1 'ünï cödé'=2",
                &["métrique", "ünï cödé"],
                &[Some(1.0), Some(2.0)],
                &["", ""],
                &[],
            ),
            ("|a=1", &["|a"], &[Some(1.0)], &[""], &[]),
        ];
        for (input, want_labels, want_values, want_uoms, want_codes) in cases {
            let p = parse_perfdata(input);
            assert_eq!(labels(&p), *want_labels, "{input:?}");
            let values: Vec<Option<f64>> = p.items.iter().map(|i| i.value.as_f64()).collect();
            assert_eq!(values, *want_values, "{input:?}");
            let uoms: Vec<&str> = p.items.iter().map(|i| i.uom.as_str()).collect();
            assert_eq!(uoms, *want_uoms, "{input:?}");
            assert_eq!(codes(&p), *want_codes, "{input:?}");
        }
    }

    #[test]
    fn thresholds_are_ranges() {
        let p = parse_perfdata("a=5;~:10;@5:6;0;");
        assert!(p.errors.is_empty());
        let item = &p.items[0];
        let warn = item.warn.unwrap().range.unwrap();
        assert_eq!(
            (warn.start, warn.end, warn.inside),
            (Bound::Infinite, Bound::Finite(10.0), false)
        );
        let crit = item.crit.unwrap().range.unwrap();
        assert!(crit.inside && crit.alerts(5.0));
        assert_eq!((item.min, item.max), (Some(0.0), None));

        let p = parse_perfdata("a=1;20:10;abc");
        assert_eq!(p.items[0].warn.unwrap().range, None);
        assert_eq!(p.items[0].warn.unwrap().raw, "20:10");
        assert_eq!(p.items[0].crit.unwrap().raw, "abc");
        assert_eq!(p.errors[0].span, Span::new(4, 9));
        assert_eq!(p.errors[1].span, Span::new(10, 13));
        assert_eq!(
            p.errors[0].kind,
            PerfdataErrorKind::InvalidThreshold {
                field: "warn",
                reason: RangeErrorKind::StartAfterEnd { start: 20.0, end: 10.0 }
            }
        );
        assert_eq!(p.errors[0].kind.severity(), Severity::Warning);
    }

    #[test]
    fn error_spans_cover_the_skipped_item() {
        let input = "garbage a=1 'x y'z=2 'open b=3 c=1,5;1 d=";
        let p = parse_perfdata(input);
        assert_eq!(labels(&p), ["a", "b"]);
        let got: Vec<(&str, &str)> =
            p.errors.iter().map(|e| (e.kind.code(), &input[e.span.range()])).collect();
        assert_eq!(
            got,
            [
                ("perfdata/missing-equals", "garbage"),
                ("perfdata/missing-equals", "'x y'z=2"),
                ("perfdata/unterminated-quote", "'"),
                ("perfdata/decimal-comma", "1,5"),
                ("perfdata/missing-value", "="),
            ]
        );
        assert!(p.errors.iter().all(|e| e.kind.severity() == Severity::Error));
    }

    #[test]
    fn labels_borrow_unless_unescaped() {
        let p = parse_perfdata("'a b'=1 'a''b'=2 c=3");
        assert!(matches!(p.items[0].label, Cow::Borrowed("a b")));
        assert!(matches!(&p.items[1].label, Cow::Owned(s) if s == "a'b"));
        assert!(matches!(p.items[2].label, Cow::Borrowed("c")));
    }

    #[test]
    fn display_round_trips() {
        let cases = [
            (
                "'/var'=8500MB;8000;9000;0;10000  'inodes used'=85%;80;90 '/tmp'=1.5GB;;;0;4 ",
                "/var=8500MB;8000;9000;0;10000 'inodes used'=85%;80;90 /tmp=1.5GB;;;0;4",
            ),
            (
                "'it''s'=1 'a=b'=U;~:10;@5:6 x=1e300B;;;;1e-300 y=-0.5c",
                "'it''s'=1 'a=b'=U;~:10;@5:6 x=1e300B;;;;1e-300 y=-0.5c",
            ),
            ("load1=0.100;5.000;10.000;0; z=1°C", "load1=0.1;5.000;10.000;0 z=1°C"),
            ("'='=+1;;;-0.0", "'='=1;;;-0"),
        ];
        for (input, canonical) in cases {
            let p = parse_perfdata(input);
            assert!(p.errors.is_empty(), "{input}");
            let printed = p.to_string();
            assert_eq!(printed, canonical);
            let again = parse_perfdata(&printed);
            assert!(again.errors.is_empty());
            assert_eq!(again.to_string(), printed);
            assert_eq!(again.items.len(), p.items.len());
            for (a, b) in again.items.iter().zip(&p.items) {
                assert_eq!(
                    (&a.label, a.value, a.uom, a.min, a.max),
                    (&b.label, b.value, b.uom, b.min, b.max)
                );
                assert_eq!(a.warn.map(|t| (t.raw, t.range)), b.warn.map(|t| (t.raw, t.range)));
                assert_eq!(a.crit.map(|t| (t.raw, t.range)), b.crit.map(|t| (t.raw, t.range)));
            }
        }
    }

    #[test]
    fn unit_factors() {
        assert_eq!(Uom::Megabytes.to_base(2.0), Some(2.0 * 1024.0 * 1024.0));
        assert_eq!(Uom::Kilobytes.to_base_factor(), Some(1024.0));
        assert_eq!(Uom::Terabytes.to_base_factor(), Some(1024f64.powi(4)));
        assert_eq!(Uom::Milliseconds.to_base(1500.0), Some(1.5));
        assert_eq!(Uom::Microseconds.to_base_factor(), Some(1e-6));
        assert_eq!(Uom::Percent.to_base_factor(), Some(1.0));
        assert_eq!(Uom::Other("KiB").to_base_factor(), None);
        assert_eq!(Uom::parse("kB"), Uom::Other("kB"));
        assert_eq!(Uom::parse("c").quantity(), Quantity::Counter);
        assert_eq!(Uom::parse("GB").quantity(), Quantity::Data);
        assert_eq!(Uom::parse("").quantity(), Quantity::Count);
        for text in ["", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c", "KiB"] {
            assert_eq!(Uom::parse(text).as_str(), text);
        }
    }

    #[test]
    fn pathological_inputs_are_linear() {
        for unit in ["'", "' ", "'a ", "''", "a", "=", ";", "a=1;", "'a ''b ", "a=1,5 "] {
            let input = unit.repeat(200_000);
            let started = std::time::Instant::now();
            let p = parse_perfdata(&input);
            let elapsed = started.elapsed();
            assert!(elapsed.as_secs_f64() < 2.0, "{unit:?}: {elapsed:?}");
            let _ = p;
        }
    }
}
