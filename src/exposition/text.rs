//! The Prometheus text format 0.0.4, written straight into a `Vec<u8>`: `# HELP`/`# TYPE`
//! headers, label-value escaping and number formatting. No intermediate strings: integers go
//! through `itoa`, other floats through `ryu`.

use std::borrow::Cow;

use super::catalogue::{Family, Kind};

/// The `Content-Type` of what [`Writer`] produces.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Appends families and samples to a buffer, writing each family's header before its first
/// sample (an empty family prints nothing) and counting samples per family.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
    family: Option<&'static Family>,
    header_written: bool,
    count: u64,
    /// `(family name, samples)` for every family that had samples, in output order.
    pub series: Vec<(&'static str, u64)>,
}

impl Writer {
    /// A writer with `capacity` bytes reserved.
    pub fn with_capacity(capacity: usize) -> Self {
        Writer { buf: Vec::with_capacity(capacity), ..Writer::default() }
    }

    /// Start family `family` (closing the previous one).
    pub fn family(&mut self, family: &'static Family) {
        self.close();
        self.family = Some(family);
        self.header_written = false;
        self.count = 0;
    }

    fn close(&mut self) {
        if let Some(f) = self.family.take()
            && self.count > 0
        {
            self.series.push((f.name, self.count));
        }
    }

    /// Finish and return the bytes.
    pub fn finish(mut self) -> (Vec<u8>, Vec<(&'static str, u64)>) {
        self.close();
        (self.buf, self.series)
    }

    fn header(&mut self) -> &'static str {
        let Some(f) = self.family else { return "" };
        if !self.header_written {
            self.header_written = true;
            let b = &mut self.buf;
            b.extend_from_slice(b"# HELP ");
            b.extend_from_slice(f.name.as_bytes());
            b.push(b' ');
            escape_help(b, f.help);
            b.extend_from_slice(b"\n# TYPE ");
            b.extend_from_slice(f.name.as_bytes());
            b.extend_from_slice(match f.kind {
                Kind::Gauge => b" gauge\n",
                Kind::Counter => b" counter\n",
            });
        }
        self.count += 1;
        f.name
    }

    /// One sample of the current family: `name{ids,extra…} value`. `ids` is already escaped
    /// label text (`host="…",service="…"`, may be empty); `extra` values are raw and escaped
    /// here.
    pub fn sample(&mut self, ids: &[u8], extra: &[(&str, &[u8])], value: f64) {
        let name = self.header();
        let b = &mut self.buf;
        b.extend_from_slice(name.as_bytes());
        if !ids.is_empty() || !extra.is_empty() {
            b.push(b'{');
            b.extend_from_slice(ids);
            let mut first = ids.is_empty();
            for (key, value) in extra {
                if !first {
                    b.push(b',');
                }
                first = false;
                b.extend_from_slice(key.as_bytes());
                b.extend_from_slice(b"=\"");
                escape_label_value(b, value);
                b.push(b'"');
            }
            b.push(b'}');
        }
        b.push(b' ');
        write_value(b, value);
        b.push(b'\n');
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

/// Append `name="value"` (escaped) to a label list being built, with a leading comma when
/// `buf` is not empty.
pub fn push_label(buf: &mut Vec<u8>, name: &str, value: &[u8]) {
    if !buf.is_empty() {
        buf.push(b',');
    }
    append_label(buf, name, value);
}

/// Append `name="value"` (escaped) to `buf` as is, without a separator.
pub fn append_label(buf: &mut Vec<u8>, name: &str, value: &[u8]) {
    buf.extend_from_slice(name.as_bytes());
    buf.extend_from_slice(b"=\"");
    escape_label_value(buf, value);
    buf.push(b'"');
}

/// Escape a label value: `\` → `\\`, `"` → `\"`, newline → `\n`. Bytes that are not UTF-8
/// become U+FFFD (label values must be UTF-8).
pub fn escape_label_value(buf: &mut Vec<u8>, raw: &[u8]) {
    let text = String::from_utf8_lossy(raw);
    let bytes = text.as_bytes();
    let mut start = 0;
    for i in memchr::memchr3_iter(b'\\', b'"', b'\n', bytes) {
        buf.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        buf.extend_from_slice(match bytes.get(i) {
            Some(b'\\') => b"\\\\",
            Some(b'"') => b"\\\"",
            _ => b"\\n",
        });
        start = i + 1;
    }
    buf.extend_from_slice(bytes.get(start..).unwrap_or_default());
}

/// Escape HELP text: `\` → `\\`, newline → `\n`.
fn escape_help(buf: &mut Vec<u8>, help: &str) {
    for &b in help.as_bytes() {
        match b {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            _ => buf.push(b),
        }
    }
}

/// A sample value as Prometheus reads it: integers without `.0`, `NaN`, `+Inf`, `-Inf`,
/// other numbers in the shortest round-trip form (`0.5`, `1e-7`).
pub fn write_value(buf: &mut Vec<u8>, v: f64) {
    if v.is_nan() {
        buf.extend_from_slice(b"NaN");
    } else if v.is_infinite() {
        buf.extend_from_slice(if v > 0.0 { b"+Inf" } else { b"-Inf" });
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        let mut b = itoa::Buffer::new();
        // exact: |v| < 1e15 < 2^53 and v is an integer
        buf.extend_from_slice(b.format(v as i64).as_bytes());
    } else {
        let mut b = ryu::Buffer::new();
        buf.extend_from_slice(b.format_finite(v).as_bytes());
    }
}

/// `text` cut to at most `max` bytes on a character boundary (for bounded label values).
pub fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    Cow::Borrowed(text.get(..text.floor_char_boundary(max)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(v: f64) -> String {
        let mut b = Vec::new();
        write_value(&mut b, v);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn values() {
        assert_eq!(value(0.0), "0");
        assert_eq!(value(-0.0), "0");
        assert_eq!(value(2.0), "2");
        assert_eq!(value(1_700_000_000.0), "1700000000");
        assert_eq!(value(0.5), "0.5");
        assert_eq!(value(1e-7), "1e-7");
        assert_eq!(value(1e300), "1e300");
        assert_eq!(value(f64::NAN), "NaN");
        assert_eq!(value(f64::INFINITY), "+Inf");
        assert_eq!(value(f64::NEG_INFINITY), "-Inf");
    }

    #[test]
    fn label_escaping() {
        let mut b = Vec::new();
        escape_label_value(&mut b, b"a\\b\"c\nd");
        assert_eq!(b, b"a\\\\b\\\"c\\nd");
        let mut b = Vec::new();
        escape_label_value(&mut b, b"x\xffy");
        assert_eq!(String::from_utf8(b).unwrap(), "x\u{fffd}y");
    }

    #[test]
    fn truncate_on_char_boundary() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("hello", 10), "hello");
    }
}
