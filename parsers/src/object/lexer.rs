//! Logical lines of Nagios configuration files: backslash continuation, `;` comments and
//! white-space stripping, exactly as Nagios 4.4.6 reads them.
//!
//! - Continuation (`mmap_fgets_multiline`, spec L3): a physical line whose content ends in one
//!   `\` continues on the next physical line, whose leading spaces and tabs are dropped; a line
//!   ending in `\\` ends there and keeps one `\`; a line that is only `\` does not continue.
//! - Comments (spec L4, object files only): the first `;` not preceded by `\` cuts the line,
//!   continuation having been applied first.
//! - Stripping: space, tab, CR and LF are removed from both ends.
//!
//! A logical line borrows from the input unless continuation joined several physical lines.
//! Offsets inside it map back to input offsets through [`LogicalLine::source_offset`].

use std::borrow::Cow;

use memchr::memchr;

use crate::span::Span;
use crate::text::{strip_bounds, to_text};

/// Which comment rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comments {
    /// Object files: a `;` anywhere (unless written `\;`) starts a comment; lines starting with
    /// `#` are comments.
    Semicolon,
    /// `nagios.cfg` and `objects.cache`: no inline comments, only whole lines starting with `#`.
    HashLineOnly,
    /// Resource files in Nagios 4.4.6: only a `#` in the first column; an indented `#` line is
    /// data (spec R1).
    HashFirstColumn,
}

/// One logical line: the stripped text plus how its offsets map back to the input.
#[derive(Debug, Clone, PartialEq)]
pub struct LogicalLine<'a> {
    /// The line after continuation, comment removal and stripping.
    pub text: Cow<'a, [u8]>,
    /// Input offset of the first byte of the first physical line.
    pub line_start: usize,
    /// Input offset just past the last physical line's content (before its line terminator).
    pub line_end: usize,
    map: OffsetMap,
}

#[derive(Debug, Clone, PartialEq)]
enum OffsetMap {
    /// `text[i]` is input byte `base + i`.
    Direct(usize),
    /// Joined physical lines: `(text offset, input offset)` of each piece, ascending.
    Pieces(Vec<(usize, usize)>),
}

impl<'a> LogicalLine<'a> {
    /// Input offset of byte `i` of [`LogicalLine::text`] (`i == text.len()` maps past the end).
    pub fn source_offset(&self, i: usize) -> usize {
        match &self.map {
            OffsetMap::Direct(base) => base + i,
            OffsetMap::Pieces(pieces) => {
                let idx = pieces.partition_point(|(text_off, _)| *text_off <= i).saturating_sub(1);
                match pieces.get(idx) {
                    Some((text_off, src_off)) => src_off + (i - text_off),
                    None => self.line_start + i,
                }
            }
        }
    }

    /// Input span of `text[start..end]`.
    pub fn source_span(&self, start: usize, end: usize) -> Span {
        if start >= end {
            return Span::at(self.source_offset(start));
        }
        Span::new(self.source_offset(start), self.source_offset(end - 1) + 1)
    }

    /// `text[start..end]`, borrowed from the input when the line is (out-of-range is empty).
    pub fn slice(&self, start: usize, end: usize) -> Cow<'a, [u8]> {
        match &self.text {
            Cow::Borrowed(slice) => {
                let slice: &'a [u8] = slice;
                Cow::Borrowed(slice.get(start..end).unwrap_or(&[]))
            }
            Cow::Owned(buf) => Cow::Owned(buf.get(start..end).unwrap_or(&[]).to_vec()),
        }
    }

    /// `text[start..end]` as text: borrowed when possible, invalid UTF-8 replaced lossily.
    pub fn slice_text(&self, start: usize, end: usize) -> Cow<'a, str> {
        to_text(self.slice(start, end))
    }

    /// Input span of the whole logical line, from its first physical line to its last.
    pub fn full_span(&self) -> Span {
        Span::new(self.line_start, self.line_end)
    }
}

/// Iterator over the logical lines of a file. Comment-only and blank lines are skipped.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    input: &'a [u8],
    pos: usize,
    comments: Comments,
    continuation: bool,
}

impl<'a> Lines<'a> {
    /// Logical lines of `input`. `continuation` enables backslash continuation (object files,
    /// nagios.cfg and resource files; not objects.cache).
    pub fn new(input: &'a [u8], comments: Comments, continuation: bool) -> Self {
        Lines { input, pos: 0, comments, continuation }
    }

    /// Logical lines of `input` from `pos`, which must start a physical line; offsets stay
    /// offsets into `input`.
    pub fn starting_at(
        input: &'a [u8],
        pos: usize,
        comments: Comments,
        continuation: bool,
    ) -> Self {
        Lines { input, pos, comments, continuation }
    }

    /// The next physical line: (start offset, content end offset excluding `\n`, next position).
    fn physical(&self, pos: usize) -> Option<(usize, usize, usize)> {
        if pos >= self.input.len() {
            return None;
        }
        let rest = &self.input[pos..];
        Some(match memchr(b'\n', rest) {
            Some(nl) => (pos, pos + nl, pos + nl + 1),
            None => (pos, self.input.len(), self.input.len()),
        })
    }
}

/// Where a physical line's continuation marker stands, per `mmap_fgets_multiline`.
enum LineEnd {
    /// Ends in `\\`: keep content up to (and including) the first backslash, stop.
    Escaped(usize),
    /// Ends in a single `\`: drop it, continue with the next physical line.
    Continue(usize),
    /// No marker.
    Plain,
}

/// Whether the physical line `raw` (with its `\n`) continues onto the next one (ends in a
/// single `\`).
pub(crate) fn continues(raw: &[u8]) -> bool {
    matches!(line_end(raw), LineEnd::Continue(_))
}

/// `raw` is a physical line's bytes including its `\n` when present (as Nagios sees it).
fn line_end(raw: &[u8]) -> LineEnd {
    let len = raw.len();
    // Nagios: "\r" second-to-last → content ends 3 before the end; "\n" last → 2 before;
    // otherwise the last byte. Indices may be negative, which means "no marker".
    let end = if len >= 2 && raw[len - 2] == b'\r' {
        len as isize - 3
    } else if len >= 1 && raw[len - 1] == b'\n' {
        len as isize - 2
    } else {
        len as isize - 1
    };
    if end < 0 {
        return LineEnd::Plain;
    }
    let end = end as usize;
    if end >= 1 && raw[end - 1] == b'\\' && raw[end] == b'\\' {
        LineEnd::Escaped(end)
    } else if end > 0 && raw[end] == b'\\' {
        LineEnd::Continue(end)
    } else {
        LineEnd::Plain
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = LogicalLine<'a>;

    fn next(&mut self) -> Option<LogicalLine<'a>> {
        loop {
            let (start, content_end, next) = self.physical(self.pos)?;
            self.pos = next;
            // Raw physical line including the '\n' (if any), as Nagios' buffer holds it.
            let raw = &self.input[start..next];

            let (mut text, map, line_end_off) = if !self.continuation {
                (Cow::Borrowed(raw), OffsetMap::Direct(start), content_end)
            } else {
                match line_end(raw) {
                    LineEnd::Plain => (Cow::Borrowed(raw), OffsetMap::Direct(start), content_end),
                    LineEnd::Escaped(end) => {
                        (Cow::Borrowed(&raw[..end]), OffsetMap::Direct(start), content_end)
                    }
                    LineEnd::Continue(end) => self.join(start, &raw[..end]),
                }
            };

            if self.comments == Comments::HashFirstColumn && text.first() == Some(&b'#') {
                continue;
            }
            let cut = match self.comments {
                Comments::Semicolon => comment_start(&text),
                Comments::HashLineOnly | Comments::HashFirstColumn => text.len(),
            };
            let (lo, hi) = strip_bounds(&text[..cut]);
            let hash_comment =
                self.comments != Comments::HashFirstColumn && text.get(lo) == Some(&b'#');
            if lo >= hi || hash_comment {
                continue;
            }
            let map = match map {
                OffsetMap::Direct(base) => OffsetMap::Direct(base + lo),
                OffsetMap::Pieces(pieces) => OffsetMap::Pieces(shift_pieces(pieces, lo)),
            };
            text = match text {
                Cow::Borrowed(slice) => Cow::Borrowed(&slice[lo..hi]),
                Cow::Owned(mut buf) => {
                    buf.truncate(hi);
                    buf.drain(..lo);
                    Cow::Owned(buf)
                }
            };
            return Some(LogicalLine { text, line_start: start, line_end: line_end_off, map });
        }
    }
}

impl<'a> Lines<'a> {
    /// Joins continuation lines starting with `first` (already without its trailing `\`).
    fn join(&mut self, start: usize, first: &[u8]) -> (Cow<'a, [u8]>, OffsetMap, usize) {
        let mut buf = first.to_vec();
        let mut pieces = vec![(0, start)];
        let mut last_end = start + first.len();
        while let Some((pstart, content_end, next)) = self.physical(self.pos) {
            self.pos = next;
            let raw = &self.input[pstart..next];
            let skip = raw.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
            let piece = &raw[skip..];
            pieces.push((buf.len(), pstart + skip));
            buf.extend_from_slice(piece);
            last_end = content_end;
            // Nagios re-examines the end of the whole joined buffer.
            match line_end(&buf) {
                LineEnd::Plain => break,
                LineEnd::Escaped(end) => {
                    buf.truncate(end);
                    break;
                }
                LineEnd::Continue(end) => buf.truncate(end),
            }
            // A joined piece that was empty apart from its newline ends the line (handled by
            // `Plain` above); an empty buffer cannot continue.
            if buf.is_empty() {
                break;
            }
        }
        (Cow::Owned(buf), OffsetMap::Pieces(pieces), last_end)
    }
}

fn shift_pieces(pieces: Vec<(usize, usize)>, lo: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(pieces.len());
    for (text_off, src_off) in pieces {
        if text_off <= lo {
            // This piece contains `lo` (or lies before it): keep only the last such piece.
            out.clear();
            out.push((0, src_off + (lo - text_off)));
        } else {
            out.push((text_off - lo, src_off));
        }
    }
    out
}

/// Offset of the first `;` that starts a comment (not preceded by `\`), or the length.
pub fn comment_start(text: &[u8]) -> usize {
    let mut from = 0;
    while let Some(rel) = memchr(b';', &text[from..]) {
        let at = from + rel;
        if at == 0 || text[at - 1] != b'\\' {
            return at;
        }
        from = at + 1;
    }
    text.len()
}

/// Replace each `\;` with `;` (spec L4). Borrows when there is nothing to replace.
pub fn unescape_semicolons(value: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memmem::find(value, b"\\;").is_none() {
        return Cow::Borrowed(value);
    }
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'\\' && value.get(i + 1) == Some(&b';') {
            out.push(b';');
            i += 2;
        } else {
            out.push(value[i]);
            i += 1;
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<String> {
        Lines::new(input.as_bytes(), Comments::Semicolon, true)
            .map(|l| String::from_utf8_lossy(&l.text).into_owned())
            .collect()
    }

    #[test]
    fn continuation_strips_next_line_indentation() {
        assert_eq!(
            lines("notes line one \\\n   continued here\n"),
            ["notes line one continued here"]
        );
    }

    #[test]
    fn double_backslash_ends_line_and_keeps_one() {
        assert_eq!(lines("notes back\\\\\nnext x\n"), ["notes back\\", "next x"]);
    }

    #[test]
    fn lone_backslash_does_not_continue() {
        assert_eq!(lines("\\\nnext\n"), ["\\", "next"]);
    }

    #[test]
    fn continuation_followed_by_empty_line_ends_there() {
        assert_eq!(lines("a \\\n\nb\n"), ["a", "b"]);
    }

    #[test]
    fn continuation_at_eof() {
        assert_eq!(lines("a b\\"), ["a b"]);
    }

    #[test]
    fn crlf_continuation() {
        assert_eq!(lines("a \\\r\n  b\r\nc\r\n"), ["a b", "c"]);
    }

    #[test]
    fn semicolon_comments_and_escapes() {
        assert_eq!(lines("alias semi; comment\n"), ["alias semi"]);
        assert_eq!(lines("check_command ok!a\\;b ; c\n"), ["check_command ok!a\\;b"]);
        assert_eq!(lines("; whole line\n# hash\n   # indented hash\n"), Vec::<String>::new());
        assert_eq!(lines("address 127.0.0.1 # x\n"), ["address 127.0.0.1 # x"]);
    }

    #[test]
    fn continuation_applies_before_comments() {
        assert_eq!(lines("a ; comment \\\n b\n"), ["a"]);
    }

    #[test]
    fn hash_only_mode_keeps_semicolons() {
        let got: Vec<_> = Lines::new(b"\tcheck_command\tok!a;b \n", Comments::HashLineOnly, false)
            .map(|l| String::from_utf8_lossy(&l.text).into_owned())
            .collect();
        assert_eq!(got, ["check_command\tok!a;b"]);
    }

    #[test]
    fn offsets_map_back_through_continuations() {
        let input = b"  one \\\n    two\n";
        let line = Lines::new(input, Comments::Semicolon, true).next().unwrap();
        assert_eq!(&*line.text, b"one two");
        assert_eq!(line.source_offset(0), 2);
        assert_eq!(line.source_offset(4), 12);
        assert_eq!(&input[line.source_span(4, 7).range()], b"two");
    }

    #[test]
    fn unescape() {
        assert_eq!(&*unescape_semicolons(b"ok!a\\;b"), b"ok!a;b");
        assert_eq!(&*unescape_semicolons(b"x\\\\;y"), b"x\\;y");
        assert!(matches!(unescape_semicolons(b"plain"), Cow::Borrowed(_)));
    }
}
