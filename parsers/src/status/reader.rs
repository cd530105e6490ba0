//! The line grammar and the streaming block reader (`xsddefault_read_status_data`, §14 S2).
//!
//! Lines are split with `memchr` over the whole input; a field line is split at its first `=`
//! with `memchr` too. nom productions recognise the rare lines (block headers, the Nagios 1
//! line prefix); the per-line hot path is a first-byte test and one `memchr`.

use memchr::memchr;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::digit1;
use nom::combinator::{eof, rest};
use nom::sequence::separated_pair;
use nom::{IResult, Parser};

use super::{Block, BlockKind, Field, StatusError, StatusErrorKind, lossy_string};
use crate::span::Span;

/// nom result with the unit error: the grammar needs no error detail, and it costs nothing.
type PResult<'a, O> = IResult<&'a [u8], O, ()>;

/// Leading white space Nagios' `strip()` removes (LF never occurs inside a line).
fn is_lead_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

fn is_type_byte(b: u8) -> bool {
    !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'{' | b'}' | b'=')
}

/// `header = type { SP | TAB | CR } "{" { SP | TAB | CR } EOL` → the type name.
/// The line has had its leading white space removed.
pub(super) fn block_header(line: &[u8]) -> PResult<'_, &[u8]> {
    let (input, name) = take_while1(is_type_byte).parse(line)?;
    let (input, _) =
        (take_while(is_lead_space), tag(&b"{"[..]), take_while(is_lead_space), eof).parse(input)?;
    Ok((input, name))
}

/// `key = { byte but "=" }`, found with `memchr`.
fn key(input: &[u8]) -> PResult<'_, &[u8]> {
    match memchr(b'=', input).and_then(|i| input.split_at_checked(i)) {
        Some((key, rest)) => Ok((rest, key)),
        None => Err(nom::Err::Error(())),
    }
}

/// `field = key "=" value` → (key, value); the value is the rest of the line, raw.
pub(super) fn field(line: &[u8]) -> PResult<'_, Field<'_>> {
    separated_pair(key, tag(&b"="[..]), rest).parse(line)
}

/// The Nagios 1 `status.log` line prefix: `[` epoch `]` blanks `TYPE;`.
pub(super) fn nagios1_line(line: &[u8]) -> PResult<'_, &[u8]> {
    let (input, (_, _, _, _, kind, _)) = (
        tag(&b"["[..]),
        digit1,
        tag(&b"]"[..]),
        take_while1(|b| b == b' ' || b == b'\t'),
        take_while1(|b: u8| b.is_ascii_uppercase()),
        tag(&b";"[..]),
    )
        .parse(line)?;
    Ok((input, kind))
}

/// Strip trailing `strip()` white space (right side only).
fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| !crate::text::is_strip_space(b)).map_or(0, |i| i + 1);
    bytes.get(..end).unwrap_or_default()
}

/// A line with its leading white space and terminator removed.
#[derive(Clone, Copy)]
struct Line<'a> {
    /// Offset of the first byte of the line (before indentation).
    start: usize,
    /// Offset of `text`.
    text_start: usize,
    /// The line without leading white space, without `\n` / `\r\n`.
    text: &'a [u8],
}

impl Line<'_> {
    fn text_end(&self) -> usize {
        self.text_start + self.text.len()
    }
}

/// Where the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No meaningful line seen yet (the Nagios 1 check happens on the first one).
    Start,
    /// Reading blocks.
    Running,
    /// End of input reached.
    Done,
}

/// Streaming reader of `status.dat` / `retention.dat`: an [`Iterator`] of [`Block`]s in file
/// order, borrowing from the input. Problems do not stop it; they are collected and available
/// at any time through [`StatusReader::errors`] (or drained with
/// [`StatusReader::take_errors`]), in file order.
///
/// An unterminated block (end of input, or another header, before its `}`) is still yielded,
/// with [`Block::closed`] false, after its error was recorded.
///
/// ```
/// use nag2prom_parsers::status::{BlockKind, StatusReader};
/// let mut reader = StatusReader::new(b"hoststatus {\n\thost_name=web01\n\tcurrent_state=0\n\t}\n");
/// let block = reader.next().unwrap();
/// assert_eq!(block.kind, BlockKind::HostStatus);
/// assert_eq!(block.get("host_name"), Some(&b"web01"[..]));
/// assert!(reader.next().is_none() && reader.errors().is_empty() && reader.is_complete());
/// ```
#[derive(Debug, Clone)]
pub struct StatusReader<'a> {
    input: &'a [u8],
    pos: usize,
    errors: Vec<StatusError>,
    phase: Phase,
    /// Header of a block opened by a nested header line, to be read next.
    pending: Option<(BlockKind<'a>, usize, Span)>,
    /// Field count of the previous block, to size the next `Vec`.
    capacity_hint: usize,
    blocks: usize,
    last_closed: bool,
}

impl<'a> StatusReader<'a> {
    /// A reader over the bytes of one file.
    pub fn new(input: &'a [u8]) -> Self {
        StatusReader {
            input,
            pos: 0,
            errors: Vec::new(),
            phase: Phase::Start,
            pending: None,
            capacity_hint: 16,
            blocks: 0,
            last_closed: false,
        }
    }

    /// A reader over a later part of a file that begins right after a line that closes a
    /// block (see [`last_block_end`]): it reads the part as a reader of the whole file reads
    /// it from there (no Nagios 1 check of the first line, which only the file's first line
    /// gets). `closed`: what [`StatusReader::ends_closed`] said of the part before. Spans are
    /// relative to `input`.
    pub fn continuing(input: &'a [u8], closed: bool) -> Self {
        StatusReader { phase: Phase::Running, last_closed: closed, ..StatusReader::new(input) }
    }

    /// True when the last block read was closed and only blank and comment lines follow it
    /// (so far): [`StatusReader::is_complete`] without its "at least one block".
    pub fn ends_closed(&self) -> bool {
        self.last_closed
    }

    /// Every problem found so far, in file order.
    pub fn errors(&self) -> &[StatusError] {
        &self.errors
    }

    /// Take the problems found so far, leaving none (to report them block by block).
    pub fn take_errors(&mut self) -> Vec<StatusError> {
        std::mem::take(&mut self.errors)
    }

    /// The problems found, consuming the reader.
    pub fn into_errors(self) -> Vec<StatusError> {
        self.errors
    }

    /// Number of blocks yielded so far.
    pub fn blocks_read(&self) -> usize {
        self.blocks
    }

    /// True once the whole input was read, at least one block was found, the last block was
    /// closed and nothing but comments and blank lines follows it: the file is not truncated
    /// (§14 S10). Errors before the last block do not matter here.
    pub fn is_complete(&self) -> bool {
        self.phase == Phase::Done && self.blocks > 0 && self.last_closed
    }

    /// The next block, written into `block` (its `fields` capacity is reused). Returns false,
    /// leaving `block` unspecified, at the end of the input.
    pub fn next_into(&mut self, block: &mut Block<'a>) -> bool {
        block.fields.clear();
        match self.read_block(&mut block.fields) {
            Some(header) => {
                block.kind = header.kind;
                block.span = Span::new(header.line_start, header.end);
                block.header_span = header.span;
                block.closed = header.closed;
                block.source = self.input;
                true
            }
            None => false,
        }
    }

    /// The next line, or `None` at the end of the input.
    #[inline]
    fn next_line(&mut self) -> Option<Line<'a>> {
        let start = self.pos;
        let rest = self.input.get(start..).filter(|r| !r.is_empty())?;
        let (mut line, next) = match memchr(b'\n', rest) {
            Some(i) => (rest.get(..i).unwrap_or_default(), start + i + 1),
            None => (rest, self.input.len()),
        };
        self.pos = next;
        if let [head @ .., b'\r'] = line {
            line = head;
        }
        let lead = line.iter().position(|&b| !is_lead_space(b)).unwrap_or(line.len());
        let text = line.get(lead..).unwrap_or_default();
        Some(Line { start, text_start: start + lead, text })
    }

    fn header_of(line: &Line<'a>) -> Option<(BlockKind<'a>, usize, Span)> {
        block_header(line.text).ok().map(|(_, name)| {
            let span = Span::new(line.text_start, line.text_start + trim_end(line.text).len());
            (BlockKind::from_name(name), line.start, span)
        })
    }

    /// Skip lines outside blocks (recording errors) up to the next header.
    fn find_header(&mut self) -> Option<(BlockKind<'a>, usize, Span)> {
        if let Some(pending) = self.pending.take() {
            return Some(pending);
        }
        while let Some(line) = self.next_line() {
            let first = match line.text.first() {
                None | Some(b'#') => continue,
                Some(&b) => b,
            };
            if self.phase == Phase::Start {
                self.phase = Phase::Running;
                if first == b'[' && nagios1_line(line.text).is_ok() {
                    let span = Span::new(line.text_start, self.input.len());
                    self.errors.push(StatusError::new(StatusErrorKind::Nagios1Format, span));
                    self.pos = self.input.len();
                    return None;
                }
            }
            let trimmed = trim_end(line.text);
            let span = Span::new(line.text_start, line.text_start + trimmed.len());
            if trimmed.is_empty() {
                continue;
            }
            if let Some(header) = Self::header_of(&line) {
                return Some(header);
            }
            let kind = if is_close(trimmed) {
                StatusErrorKind::UnexpectedClose
            } else if let Ok((_, (key, _))) = field(line.text) {
                StatusErrorKind::FieldOutsideBlock(lossy_string(key))
            } else {
                StatusErrorKind::UnexpectedLine
            };
            self.errors.push(StatusError::new(kind, span));
            // Something other than a block after the last block: not a cleanly ended file.
            self.last_closed = false;
        }
        None
    }

    /// Read the next block's fields into `fields` (cleared by the caller).
    fn read_block(&mut self, fields: &mut Vec<Field<'a>>) -> Option<ReadHeader<'a>> {
        if self.phase == Phase::Done {
            return None;
        }
        let Some((kind, line_start, span)) = self.find_header() else {
            self.phase = Phase::Done;
            return None;
        };
        self.phase = Phase::Running;
        self.blocks += 1;
        let mut end = span.end;
        while let Some(line) = self.next_line() {
            let text = line.text;
            match text.first() {
                None | Some(b'#') => continue,
                _ => {}
            }
            if let Ok((_, pair)) = field(text) {
                fields.push(pair);
                end = line.text_end();
                continue;
            }
            let trimmed = trim_end(text);
            if trimmed.is_empty() {
                continue;
            }
            if is_close(trimmed) {
                self.last_closed = true;
                let end = line.text_start + 1;
                return Some(ReadHeader { kind, line_start, span, end, closed: true });
            }
            if let Some(next) = Self::header_of(&line) {
                let error = StatusErrorKind::NestedBlock {
                    open: lossy_string(kind.name()),
                    new: lossy_string(next.0.name()),
                };
                self.errors.push(StatusError::new(error, next.2));
                self.pending = Some(next);
                self.last_closed = false;
                return Some(ReadHeader { kind, line_start, span, end, closed: false });
            }
            let span = Span::new(line.text_start, line.text_start + trimmed.len());
            let error = StatusErrorKind::MissingEquals(lossy_string(kind.name()));
            self.errors.push(StatusError::new(error, span));
            end = span.end;
        }
        self.errors.push(StatusError::new(
            StatusErrorKind::UnterminatedBlock(lossy_string(kind.name())),
            span,
        ));
        self.last_closed = false;
        self.phase = Phase::Done;
        Some(ReadHeader { kind, line_start, span, end, closed: false })
    }
}

/// What [`StatusReader::read_block`] found besides the fields.
struct ReadHeader<'a> {
    kind: BlockKind<'a>,
    line_start: usize,
    span: Span,
    end: usize,
    closed: bool,
}

impl<'a> Iterator for StatusReader<'a> {
    type Item = Block<'a>;

    fn next(&mut self) -> Option<Block<'a>> {
        let mut fields = Vec::with_capacity(self.capacity_hint);
        let header = self.read_block(&mut fields)?;
        self.capacity_hint = fields.len().max(4);
        Some(Block {
            kind: header.kind,
            span: Span::new(header.line_start, header.end),
            header_span: header.span,
            fields,
            closed: header.closed,
            source: self.input,
        })
    }
}

impl std::iter::FusedIterator for StatusReader<'_> {}

/// A whole file read at once: every block and every problem.
#[derive(Debug, Clone, Default)]
pub struct StatusFile<'a> {
    /// Blocks in file order (unterminated ones included, with `closed` false).
    pub blocks: Vec<Block<'a>>,
    /// Every problem found, in file order.
    pub errors: Vec<StatusError>,
    /// See [`StatusReader::is_complete`].
    pub complete: bool,
}

/// Read a whole status or retention file (convenience over [`StatusReader`]).
pub fn parse_status(input: &[u8]) -> StatusFile<'_> {
    let mut reader = StatusReader::new(input);
    let blocks: Vec<Block<'_>> = reader.by_ref().collect();
    let complete = reader.is_complete();
    StatusFile { blocks, errors: reader.into_errors(), complete }
}

/// A line's text, indentation and trailing white space removed, that closes a block.
fn is_close(trimmed: &[u8]) -> bool {
    trimmed == b"}"
}

/// True when `line` (one line without its `\n`) is a line that closes a block as
/// [`StatusReader`] reads it: `}` alone, with white space around.
pub fn is_block_close(line: &[u8]) -> bool {
    let line = match line {
        [head @ .., b'\r'] => head,
        line => line,
    };
    let lead = line.iter().position(|&b| !is_lead_space(b)).unwrap_or(line.len());
    is_close(trim_end(line.get(lead..).unwrap_or_default()))
}

/// The end (just past its `\n`) of the last line of `input` that closes a block, or `None`.
///
/// After such a line a [`StatusReader`] is always between blocks (a `}` closes the open
/// block, or is an error outside one), and values never hold a newline, so a file cut there
/// reads, part by part (the later parts with [`StatusReader::continuing`]), as it reads
/// whole. Usually the last `}` of the input, found with `memrchr`.
pub fn last_block_end(input: &[u8]) -> Option<usize> {
    let mut search = input;
    while let Some(brace) = memchr::memrchr(b'}', search) {
        let line_start =
            memchr::memrchr(b'\n', search.get(..brace).unwrap_or_default()).map_or(0, |i| i + 1);
        let rest = input.get(brace..).unwrap_or_default();
        if let Some(newline) = memchr::memchr(b'\n', rest) {
            let end = brace + newline;
            if is_block_close(input.get(line_start..end).unwrap_or_default()) {
                return Some(end + 1);
            }
        }
        search = search.get(..line_start.max(1) - 1).unwrap_or_default();
        if line_start == 0 {
            break;
        }
    }
    None
}

/// The end (just past its `\n`) of the first line that closes a block among the whole lines
/// that begin at or after `from` (a line cut by `from` is skipped), or `None`.
pub fn first_block_end_after(input: &[u8], from: usize) -> Option<usize> {
    let mut start =
        if from == 0 { 0 } else { from + memchr::memchr(b'\n', input.get(from..)?)? + 1 };
    if from > 0 && input.get(from - 1) == Some(&b'\n') {
        start = from;
    }
    while start < input.len() {
        let end = start + memchr::memchr(b'\n', input.get(start..)?)?;
        if is_block_close(input.get(start..end).unwrap_or_default()) {
            return Some(end + 1);
        }
        start = end + 1;
    }
    None
}

/// Cheap check that a file is not cut short (§14 S10): its last meaningful line is a `}`.
/// Looks only at the tail of the input; [`StatusReader::is_complete`] is the exact answer
/// after a full read.
pub fn looks_complete(input: &[u8]) -> bool {
    let mut end = input.len();
    loop {
        let head = input.get(..end).unwrap_or_default();
        let start = memchr::memrchr(b'\n', head).map_or(0, |i| i + 1);
        let line = crate::text::strip(head.get(start..).unwrap_or_default());
        if !line.is_empty() && !line.starts_with(b"#") {
            return line == b"}";
        }
        if start == 0 {
            return false;
        }
        end = start - 1;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::type_complexity, clippy::excessive_precision)]
mod tests {
    use super::*;

    fn kinds_and_errors(input: &str) -> (Vec<(String, bool, usize)>, Vec<&'static str>) {
        let file = parse_status(input.as_bytes());
        let blocks =
            file.blocks.iter().map(|b| (b.kind.to_string(), b.closed, b.fields.len())).collect();
        (blocks, file.errors.iter().map(|e| e.kind.code()).collect())
    }

    #[test]
    fn header_rule() {
        let cases: &[(&[u8], Option<&[u8]>)] = &[
            (b"hoststatus {", Some(b"hoststatus")),
            (b"hoststatus{", Some(b"hoststatus")),
            (b"hoststatus \t{ \t", Some(b"hoststatus")),
            (b"x-y.z {", Some(b"x-y.z")),
            (b"hoststatus {x", None),
            (b"define host {", None),
            (b"a=b {", None),
            (b"{", None),
            (b"hoststatus", None),
            (b"}", None),
        ];
        for (line, want) in cases {
            assert_eq!(block_header(line).ok().map(|(_, n)| n), *want, "{:?}", lossy_string(line));
        }
    }

    #[test]
    fn field_rule_splits_at_first_equals_and_keeps_raw_value() {
        let cases: &[(&[u8], Option<(&[u8], &[u8])>)] = &[
            (b"a=b", Some((b"a", b"b"))),
            (b"a=", Some((b"a", b""))),
            (b"=b", Some((b"", b"b"))),
            (b"a==b=c", Some((b"a", b"=b=c"))),
            (b"perf='/'=1MB;2;3 x=1  ", Some((b"perf", b"'/'=1MB;2;3 x=1  "))),
            (b"no equals", None),
        ];
        for (line, want) in cases {
            assert_eq!(field(line).ok().map(|(_, f)| f), *want);
        }
    }

    #[test]
    fn nagios1_prefix_rule() {
        assert!(nagios1_line(b"[1064776420] PROGRAM;1;2").is_ok());
        assert!(nagios1_line(b"[1064776420] SERVICE;a;b").is_ok());
        assert!(nagios1_line(b"[x] HOST;").is_err());
        assert!(nagios1_line(b"[1] host;").is_err());
        assert!(nagios1_line(b"[1]HOST;").is_err());
    }

    #[test]
    fn lines_are_stripped_and_values_keep_trailing_spaces() {
        let input = b"# header\n\ninfo {\r\n\t  created=1 \r\n  \t\n\t# c=1\n\tv=a b  \n\t}\t\r\n";
        let file = parse_status(input);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        assert!(file.complete);
        let block = &file.blocks[0];
        assert_eq!(block.kind, BlockKind::Info);
        assert_eq!(block.fields, vec![(&b"created"[..], &b"1 "[..]), (&b"v"[..], &b"a b  "[..])]);
        assert_eq!(&input[block.header_span.range()], b"info {");
        assert_eq!(&input[block.span.range()], &input[10..input.len() - 3]);
        assert_eq!(block.span_of(block.fields[1].1), Span::new(47, 52));
    }

    #[test]
    fn block_kinds() {
        let input = "info {\n}\nprogramstatus {\n}\nhoststatus {\n}\nservicestatus {\n}\n\
            contactstatus {\n}\nhostcomment {\n}\nservicecomment {\n}\nhostdowntime {\n}\n\
            servicedowntime {\n}\nprogram {\n}\nhost {\n}\nservice {\n}\ncontact {\n}\nweird {\n}\n";
        let file = parse_status(input.as_bytes());
        let kinds: Vec<_> = file.blocks.iter().map(|b| b.kind).collect();
        use BlockKind::*;
        assert_eq!(
            kinds,
            [
                Info,
                ProgramStatus,
                HostStatus,
                ServiceStatus,
                ContactStatus,
                HostComment,
                ServiceComment,
                HostDowntime,
                ServiceDowntime,
                Program,
                Host,
                Service,
                Contact,
                Other(b"weird")
            ]
        );
        for kind in kinds {
            assert_eq!(BlockKind::from_name(kind.name()), kind);
        }
    }

    #[test]
    fn structural_errors_known_answers() {
        type Case = (&'static str, &'static [(&'static str, bool, usize)], &'static [&'static str]);
        let cases: &[Case] = &[
            ("", &[], &[]),
            ("a {\nk=v\n}\n", &[("a", true, 1)], &[]),
            ("a {\nk=v\n", &[("a", false, 1)], &["status/unterminated-block"]),
            ("a {", &[("a", false, 0)], &["status/unterminated-block"]),
            ("}\n", &[], &["status/unexpected-close"]),
            ("k=v\n", &[], &["status/field-outside-block"]),
            ("junk\n", &[], &["status/unexpected-line"]),
            ("a {\njunk\nk=v\n}", &[("a", true, 1)], &["status/missing-equals"]),
            (
                "a {\nk=v\nb {\nx=y\n}\n",
                &[("a", false, 1), ("b", true, 1)],
                &["status/nested-block"],
            ),
            ("a {\n} # x\n}\n", &[("a", true, 0)], &["status/missing-equals"]),
            (
                "a {\n}\n}\nk=v\na {\n",
                &[("a", true, 0), ("a", false, 0)],
                &[
                    "status/unexpected-close",
                    "status/field-outside-block",
                    "status/unterminated-block",
                ],
            ),
            ("a {\nk=v {\n}\n", &[("a", true, 1)], &[]),
        ];
        for (input, blocks, errors) in cases {
            let (got_blocks, got_errors) = kinds_and_errors(input);
            let want: Vec<_> = blocks.iter().map(|(k, c, n)| (k.to_string(), *c, *n)).collect();
            assert_eq!(got_blocks, want, "blocks of {input:?}");
            assert_eq!(&got_errors, errors, "errors of {input:?}");
        }
    }

    #[test]
    fn error_spans_point_at_the_line() {
        let input = b"a {\nk=v\n  junk  \nb {\n";
        let file = parse_status(input);
        let spans: Vec<_> = file.errors.iter().map(|e| &input[e.span.range()]).collect();
        assert_eq!(spans, [&b"junk"[..], b"b {", b"b {"]);
        assert_eq!(file.blocks[0].span, Span::new(0, 14));
    }

    #[test]
    fn nagios1_status_log_gives_one_error_and_no_block() {
        let input = b"# Nagios 1.1 Status File\n[1064776420] PROGRAM;1;2\n[1] HOST;a=b;UP\n";
        let file = parse_status(input);
        assert!(file.blocks.is_empty());
        assert_eq!(file.errors.len(), 1);
        assert_eq!(file.errors[0].kind, StatusErrorKind::Nagios1Format);
        assert_eq!(file.errors[0].span, Span::new(25, input.len()));
        assert!(!file.complete);
    }

    #[test]
    fn invalid_utf8_is_not_an_error() {
        let file = parse_status(b"a {\n\xff\xfe=\xc3\x28\n}\n");
        assert!(file.errors.is_empty());
        assert_eq!(file.blocks[0].get(b"\xff\xfe"), Some(&b"\xc3\x28"[..]));
        assert_eq!(file.blocks[0].get_str(b"\xff\xfe").as_deref(), Some("\u{fffd}("));
    }

    #[test]
    fn get_prefers_the_last_duplicate() {
        let file = parse_status(b"a {\nk=1\nk=2\n}\n");
        assert_eq!(file.blocks[0].get("k"), Some(&b"2"[..]));
        assert_eq!(file.blocks[0].get("missing"), None);
    }

    #[test]
    fn next_into_reuses_the_block() {
        let mut reader = StatusReader::new(b"a {\nx=1\ny=2\n}\nb {\nz=3\n}\n");
        let mut block = Block::default();
        assert!(reader.next_into(&mut block));
        assert_eq!(block.fields.len(), 2);
        assert!(reader.next_into(&mut block));
        assert_eq!(block.kind, BlockKind::Other(b"b"));
        assert_eq!(block.fields, vec![(&b"z"[..], &b"3"[..])]);
        assert!(!reader.next_into(&mut block));
        assert!(reader.is_complete());
    }

    #[test]
    fn block_ends() {
        let input = b"a {\nk=}\n\t}\r\n\nb {\n  }  \nx}\n}";
        assert!(is_block_close(b"\t}\r"));
        assert!(is_block_close(b"  }  "));
        assert!(!is_block_close(b"k=}"));
        assert!(!is_block_close(b"x}"));
        assert!(!is_block_close(b"}}"));
        // the final `}` has no newline: not a whole line
        assert_eq!(last_block_end(input), Some(23));
        assert_eq!(&input[..23], b"a {\nk=}\n\t}\r\n\nb {\n  }  \n");
        assert_eq!(last_block_end(&input[..22]), Some(12));
        assert_eq!(last_block_end(b"k=}\n"), None);
        assert_eq!(last_block_end(b""), None);
        assert_eq!(last_block_end(b"}\n"), Some(2));
        assert_eq!(first_block_end_after(input, 0), Some(12));
        assert_eq!(first_block_end_after(input, 5), Some(12));
        assert_eq!(first_block_end_after(input, 9), Some(23));
        assert_eq!(first_block_end_after(input, 12), Some(23));
        assert_eq!(first_block_end_after(input, 23), None);
        // every cut reads as the whole: same blocks, same errors (offsets shifted)
        let whole = parse_status(input);
        let mut at = 0;
        let mut blocks = Vec::new();
        let mut errors = 0;
        while let Some(end) = last_block_end(&input[..input.len().min(at + 13)]).filter(|&e| e > at)
        {
            let mut r = if at == 0 {
                StatusReader::new(&input[at..end])
            } else {
                StatusReader::continuing(&input[at..end], true)
            };
            blocks.extend(r.by_ref().map(|b| (b.kind, b.fields)));
            errors += r.errors().len();
            at = end;
        }
        let mut r = StatusReader::continuing(&input[at..], true);
        blocks.extend(r.by_ref().map(|b| (b.kind, b.fields)));
        errors += r.errors().len();
        assert_eq!(
            blocks,
            whole.blocks.into_iter().map(|b| (b.kind, b.fields)).collect::<Vec<_>>()
        );
        assert_eq!(errors, whole.errors.len());
    }

    #[test]
    fn completeness() {
        let cases: &[(&[u8], bool)] = &[
            (b"", false),
            (b"a {\n}\n", true),
            (b"a {\n\t}\n\n  \n", true),
            (b"a {\n}\n# trailer\n", true),
            (b"a {\nk=v\n", false),
            (b"a {\nk=v", false),
            (b"}", true),
        ];
        for (input, want) in cases {
            assert_eq!(looks_complete(input), *want, "{:?}", lossy_string(input));
        }
        assert!(!parse_status(b"}").complete);
        assert!(!parse_status(b"a {\n}\nb {\n").complete);
        assert!(parse_status(b"a {\n}\nb {\n}").complete);
        assert!(parse_status(b"a {\n}\n# end\n\n").complete);
        assert!(!parse_status(b"a {\n}\nhoststat").complete);
        assert!(!parse_status(b"a {\n}\n}\n").complete);
    }
}
