//! Byte-offset spans and the line index that turns them into `line:column` when shown.
//!
//! Parsers record only byte offsets into the input they were given; computing line and column
//! is deferred to rendering time (`LineIndex`), so the hot paths never count lines.

use std::ops::Range;

/// A half-open byte range `start..end` into the parsed input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (swapped if given in the wrong order).
    pub fn new(start: usize, end: usize) -> Self {
        if start <= end { Span { start, end } } else { Span { start: end, end: start } }
    }

    /// An empty span at `offset`.
    pub fn at(offset: usize) -> Self {
        Span { start: offset, end: offset }
    }

    /// Number of bytes covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The span as a `Range`, for slicing.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The offset of `part` inside `whole`, when `part` is a sub-slice of it.
    pub fn of_subslice(whole: &[u8], part: &[u8]) -> Option<Span> {
        let whole_start = whole.as_ptr() as usize;
        let part_start = part.as_ptr() as usize;
        if part_start < whole_start || part_start + part.len() > whole_start + whole.len() {
            return None;
        }
        let start = part_start - whole_start;
        Some(Span { start, end: start + part.len() })
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }
}

/// A 1-based line and column, as shown to users. Columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (characters of the lossily decoded line before the position, plus one).
    pub column: usize,
}

/// Start offsets of every line of a text, to map byte offsets to lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Index the lines of `text` (lines end at `\n`).
    pub fn new(text: &[u8]) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex { line_starts, len: text.len() }
    }

    /// Number of lines (a trailing newline does not start a counted line of its own).
    pub fn line_count(&self) -> usize {
        match self.line_starts.last() {
            Some(&last) if last == self.len && self.line_starts.len() > 1 => {
                self.line_starts.len() - 1
            }
            _ => self.line_starts.len(),
        }
    }

    /// 0-based line number holding `offset` (offsets past the end map to the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte range of 0-based `line`, without its line terminator (`\n` or `\r\n`).
    pub fn line_range(&self, text: &[u8], line: usize) -> Range<usize> {
        let start = self.line_starts.get(line).copied().unwrap_or(self.len).min(text.len());
        let mut end = self
            .line_starts
            .get(line + 1)
            .map(|next| next - 1)
            .unwrap_or(self.len)
            .min(text.len())
            .max(start);
        if end > start && text.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end
    }

    /// 1-based line and column of `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &[u8], offset: usize) -> LineCol {
        let line = self.line_of(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0).min(text.len());
        let end = offset.min(text.len()).max(start);
        let prefix = String::from_utf8_lossy(&text[start..end]);
        LineCol { line: line + 1, column: prefix.chars().count() + 1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = b"ab\ncd\r\nef";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 4), LineCol { line: 2, column: 2 });
        assert_eq!(index.line_col(text, 7), LineCol { line: 3, column: 1 });
        assert_eq!(index.line_col(text, 99), LineCol { line: 3, column: 3 });
        assert_eq!(index.line_range(text, 1), 3..5);
        assert_eq!(index.line_count(), 3);
    }

    #[test]
    fn columns_count_characters() {
        let text = "hé x".as_bytes();
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 4).column, 4);
    }

    #[test]
    fn subslice_offsets() {
        let whole = b"hello world";
        assert_eq!(Span::of_subslice(whole, &whole[6..]), Some(Span::new(6, 11)));
        assert_eq!(Span::of_subslice(whole, b"other"), None);
    }
}
