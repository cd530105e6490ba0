//! The layout of the JSON files `convert` writes for people and for diffs: the top-level
//! object one key a line, each array of it one element a line, every element on one line
//! (`{"host_name": "web-01", "outcome": "native", …}`), so a re-run diff shows exactly the
//! records that changed. A `serde_json` [`Formatter`]: the text is still serde's.

use std::io::{self, Write};

use serde_json::ser::Formatter;

/// Pretty down to `depth` 2 (keys of the top object, elements of its arrays), compact below
/// (with a space after `,` and `:`).
#[derive(Debug, Default)]
pub struct RecordLines {
    depth: usize,
    has_value: bool,
}

impl RecordLines {
    fn pretty(&self) -> bool {
        self.depth <= 2
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        let pretty = self.pretty();
        self.depth -= 1;
        if pretty && self.has_value {
            self.newline(w, self.depth)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if self.pretty() {
            w.write_all(if first { b"" } else { b"," })?;
            self.newline(w, self.depth)
        } else {
            w.write_all(if first { b"" } else { b", " })
        }
    }
}

impl Formatter for RecordLines {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `value` as JSON in [`RecordLines`] layout, with a final newline.
pub fn to_vec<T: serde::Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, RecordLines::default());
    value.serialize(&mut ser)?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_record_a_line() {
        let value = serde_json::json!({
            "totals": {"services": 2},
            "empty": [],
            "services": [{"host": "a\"b", "notes": ["x", "y"]}, {"host": "c"}],
        });
        let text = String::from_utf8(to_vec(&value).unwrap()).unwrap();
        assert_eq!(
            text,
            "{\n  \"empty\": [],\n  \"services\": [\n    {\"host\": \"a\\\"b\", \"notes\": [\"x\", \"y\"]},\n    {\"host\": \"c\"}\n  ],\n  \"totals\": {\n    \"services\": 2\n  }\n}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
