//! The line grammar of object files and the definition state machine
//! (`xodtemplate_process_config_file`, spec §4 L6–L12).
//!
//! ```text
//! file        = { line }
//! line        = define_header | close_brace | directive | include | (comment and blank
//!               lines are removed by the lexer)
//! define_header = "define" { SP | TAB } type_keyword [ rest-of-line ]     ; L6
//! type_keyword  = 1*( any byte but SP, TAB, "{" )
//! close_brace   = "}"                                                    ; L8: exactly
//! directive     = name [ (SP | TAB) { SP | TAB } value ]                  ; L9
//! include       = "include_file=" path | "include_dir" [ ... "=" ] path   ; L12
//! ```
//!
//! Nagios stops at the first error; this parser records it and carries on, so one run reports
//! every problem in a file: after an unexpected `define` it starts the new definition, after an
//! unknown type it still reads the block (without checking its directive names).

use std::borrow::Cow;
use std::ops::Range;

use nom::bytes::complete::{tag, take_till, take_till1, take_while};
use nom::combinator::rest;
use nom::{IResult, Parser};

use super::directives::{
    accepts_custom_variables, deprecated_directive_note, is_known_directive, is_timeperiod_day_line,
};
use super::lexer::{Comments, Lines, unescape_semicolons};
use super::{
    Definition, Directive, Include, Mode, ObjectError, ObjectErrorKind, ObjectFile, ObjectType,
};
use crate::span::Span;
use crate::text::to_text;
use crate::timeperiod;

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `define_header = "define" { SP | TAB } type_keyword [ rest ]` → the type keyword.
fn define_header(line: &[u8]) -> IResult<&[u8], &[u8]> {
    let (input, _) = (tag(&b"define"[..]), take_while(is_blank)).parse(line)?;
    let (input, keyword) = take_till(|b| is_blank(b) || b == b'{').parse(input)?;
    Ok((input, keyword))
}

/// `directive = name [ blanks value ]` → (name, value). The lexer has stripped the line.
fn directive(line: &[u8]) -> IResult<&[u8], (&[u8], &[u8])> {
    let (input, name) = take_till1(is_blank).parse(line)?;
    let (input, _) = take_while(is_blank).parse(input)?;
    let (input, value) = rest.parse(input)?;
    Ok((input, (name, value)))
}

/// `include = "include_file=" path | "include_dir" … "=" path` → (is_dir, path).
fn include(line: &[u8]) -> IResult<&[u8], (bool, &[u8])> {
    if let Ok((path, _)) = tag::<_, _, nom::error::Error<&[u8]>>(&b"include_file="[..]).parse(line)
    {
        return Ok((&[], (false, path)));
    }
    let (input, _) = tag(&b"include_dir"[..]).parse(line)?;
    // Nagios: strtok(input, "=") then the rest of the line.
    let (input, _) = take_till(|b| b == b'=').parse(input)?;
    let path = input.get(1..).unwrap_or(&[]);
    Ok((&[], (true, path)))
}

/// Byte offset of `part` inside `whole` (both slices of the same logical line).
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    Span::of_subslice(whole, part).map_or(whole.len(), |s| s.start)
}

/// Parse one object file (or `objects.cache` with [`Mode::Cache`]).
///
/// Never fails: returns every definition it could read and every problem it found.
pub fn parse_objects(input: &[u8], mode: Mode) -> ObjectFile<'_> {
    parse_objects_range(input, 0..input.len(), mode)
}

/// What a parse keeps: a caller that reads a file twice, once for its problems and once for
/// its definitions, asks each time for one of them and skips the other's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Definitions with their directives, includes and errors.
    All,
    /// Includes and errors; definitions without their directives (their spans, types and
    /// whether they are closed stay).
    Problems,
    /// Definitions with their directives and includes; no directive-name checks, so only the
    /// structural errors (an unknown type, an unexpected `define`, …) are recorded.
    Definitions,
}

/// [`parse_objects`] of the part `range` of `input`, with spans into the whole `input`.
///
/// With `range` cut at [`split_point`]s, the parts' definitions, includes and errors, put
/// one after the other, are exactly the whole file's, provided no part but the last ends
/// inside a definition (its last definition not `closed`): the whole file would report the
/// next part's `define` line there, the part reports the definition unterminated. Parse the
/// whole file in that case.
pub fn parse_objects_range(input: &[u8], range: Range<usize>, mode: Mode) -> ObjectFile<'_> {
    parse_objects_keeping(input, range, mode, Keep::All)
}

/// [`parse_objects_range`] keeping only what `keep` names.
pub fn parse_objects_keeping(
    input: &[u8],
    range: Range<usize>,
    mode: Mode,
    keep: Keep,
) -> ObjectFile<'_> {
    let (comments, continuation) = match mode {
        Mode::Config => (Comments::Semicolon, true),
        Mode::Cache => (Comments::HashLineOnly, false),
    };
    let end = range.end.min(input.len());
    let mut file = ObjectFile::default();
    let mut open: Option<Definition<'_>> = None;

    for line in Lines::starting_at(&input[..end], range.start, comments, continuation) {
        let bytes: &[u8] = &line.text;
        let full = line.full_span();

        if bytes.starts_with(b"define") {
            let keyword = match define_header(bytes) {
                Ok((_, keyword)) => keyword,
                Err(_) => &[][..],
            };
            let kw_start = offset_in(bytes, keyword);
            let keyword_span = line.source_span(kw_start, kw_start + keyword.len());
            let keyword_text = line.slice_text(kw_start, kw_start + keyword.len());

            if let Some(previous) = open.take() {
                file.errors.push(ObjectError {
                    kind: ObjectErrorKind::UnexpectedDefine(previous.keyword.clone().into_owned()),
                    span: full,
                });
                file.definitions.push(previous);
            }
            let object_type = ObjectType::from_keyword(keyword);
            if keyword.is_empty() {
                file.errors
                    .push(ObjectError { kind: ObjectErrorKind::MissingObjectType, span: full });
            } else if object_type.is_none() {
                file.errors.push(ObjectError {
                    kind: ObjectErrorKind::UnknownObjectType(keyword_text.clone().into_owned()),
                    span: keyword_span,
                });
            } else if matches!(
                object_type,
                Some(ObjectType::HostExtInfo | ObjectType::ServiceExtInfo)
            ) {
                file.errors.push(ObjectError {
                    kind: ObjectErrorKind::DeprecatedExtInfo(keyword_text.clone().into_owned()),
                    span: keyword_span,
                });
            }
            open = Some(Definition {
                object_type,
                keyword: keyword_text,
                keyword_span,
                span: full,
                directives: Vec::new(),
                closed: false,
            });
            continue;
        }

        let Some(definition) = open.as_mut() else {
            match include(bytes) {
                Ok((_, (is_dir, path))) => {
                    let p_start = offset_in(bytes, path);
                    let path = line.slice_text(p_start, p_start + path.len());
                    file.includes.push(Include { is_dir, path, span: full });
                }
                Err(_) => file
                    .errors
                    .push(ObjectError { kind: ObjectErrorKind::UnexpectedStatement, span: full }),
            }
            continue;
        };

        if bytes == b"}" {
            definition.span = definition.span.to(full);
            definition.closed = true;
            if let Some(done) = open.take() {
                file.definitions.push(done);
            }
            continue;
        }

        // `directive` cannot fail on a stripped, non-empty line; keep the whole line as the name
        // if it ever does.
        let (name, value) = directive(bytes).map_or((bytes, &[][..]), |(_, nv)| nv);
        let name_start = offset_in(bytes, name);
        let value_start =
            if value.is_empty() { name_start + name.len() } else { offset_in(bytes, value) };
        let name_span = line.source_span(name_start, name_start + name.len());
        let value_span = line.source_span(value_start, value_start + value.len());
        let name_text = line.slice_text(name_start, name_start + name.len());
        definition.span = definition.span.to(full);
        // Only a timeperiod's checks read a value; a problems-only parse reads no other.
        if keep == Keep::Problems && definition.object_type != Some(ObjectType::TimePeriod) {
            if let Some(object_type) = definition.object_type {
                check_directive(
                    object_type,
                    &name_text,
                    "",
                    name_span,
                    value_span,
                    &mut file.errors,
                );
            }
            continue;
        }
        let raw_value = line.slice(value_start, value_start + value.len());
        let value_text = match mode {
            Mode::Config => to_text(unescape_owned(raw_value)),
            Mode::Cache => to_text(raw_value),
        };

        if let Some(object_type) = definition.object_type
            && keep != Keep::Definitions
        {
            check_directive(
                object_type,
                &name_text,
                &value_text,
                name_span,
                value_span,
                &mut file.errors,
            );
        }
        if keep == Keep::Problems {
            continue;
        }
        definition.directives.push(Directive {
            name: name_text,
            name_span,
            value: value_text,
            value_span,
        });
    }

    if let Some(unclosed) = open.take() {
        file.errors.push(ObjectError {
            kind: ObjectErrorKind::UnterminatedDefine(unclosed.keyword.clone().into_owned()),
            span: unclosed.keyword_span,
        });
        file.definitions.push(unclosed);
    }
    file
}

/// Where `input` can be cut for [`parse_objects_range`]: the start of the first physical line
/// at or after `near` that begins with `define` in its first column, when the line before it
/// does not continue onto it (a trailing `\\`). Such a line starts a definition whatever
/// came before it, so parsing from there reads what the whole parse reads.
pub fn split_point(input: &[u8], near: usize) -> Option<usize> {
    let mut pos = near.min(input.len());
    // The start of the line holding `pos`'s next line.
    if pos > 0 {
        pos = memchr::memchr(b'\n', &input[pos - 1..]).map(|nl| pos + nl)?;
    }
    while pos < input.len() {
        let line_end = memchr::memchr(b'\n', &input[pos..]).map_or(input.len(), |nl| pos + nl);
        if input[pos..].starts_with(b"define") && pos > 0 && !continues(&input[..pos]) {
            return Some(pos);
        }
        pos = line_end + 1;
    }
    None
}

/// Whether the physical line ending `before` (with its `\n`) continues onto the next one.
fn continues(before: &[u8]) -> bool {
    let start = before[..before.len().saturating_sub(1)]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |nl| nl + 1);
    crate::object::lexer::continues(&before[start..])
}

fn unescape_owned(value: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
    match value {
        Cow::Borrowed(b) => unescape_semicolons(b),
        Cow::Owned(v) => Cow::Owned(unescape_semicolons(&v).into_owned()),
    }
}

/// Directive-name checks Nagios makes while reading (`xodtemplate_add_object_property`).
fn check_directive(
    object_type: ObjectType,
    name: &str,
    value: &str,
    name_span: Span,
    value_span: Span,
    errors: &mut Vec<ObjectError>,
) {
    if let Some(custom) = name.strip_prefix('_') {
        if custom.is_empty() || !accepts_custom_variables(object_type) {
            errors.push(ObjectError {
                kind: ObjectErrorKind::InvalidCustomVariable { object_type, name: name.to_owned() },
                span: name_span,
            });
        }
        return;
    }
    if !is_known_directive(object_type, name) {
        errors.push(ObjectError {
            kind: ObjectErrorKind::UnknownDirective { object_type, name: name.to_owned() },
            span: name_span,
        });
        return;
    }
    if let Some(note) = deprecated_directive_note(object_type, name) {
        errors.push(ObjectError {
            kind: ObjectErrorKind::DeprecatedDirective { name: name.to_owned(), note },
            span: name_span,
        });
    }
    if object_type == ObjectType::TimePeriod
        && is_timeperiod_day_line(name)
        && let Err(err) = timeperiod::parse_timeperiod_line(name, value)
    {
        // Nagios checks time ranges when it registers a timeperiod, after inheritance, so a
        // broken range in a never-used `register 0` template is accepted there; here every
        // line is checked as written.
        let span = timeperiod::source_span(err.span, name, name_span, value_span);
        errors.push(ObjectError { kind: ObjectErrorKind::TimePeriod(err.kind.to_string()), span });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> ObjectFile<'_> {
        parse_objects(input.as_bytes(), Mode::Config)
    }

    /// A problems-only parse reports every directive problem the whole parse does, those a
    /// value decides (a timeperiod's ranges) too; a definitions-only parse skips the name
    /// checks and keeps the directives.
    #[test]
    fn partial_parses_split_the_work() {
        let text = "define host {\n host_name a\n normal_check_interval 5\n bogus 1\n}\n\
                    define command {\n _X 1\n command_name c\n}\n\
                    define timeperiod {\n timeperiod_name t\n monday 25:00-26:00\n}\n\
                    define nonsense {\n x 1\n}\n";
        let whole = parse(text);
        let kinds = |f: &ObjectFile<'_>| {
            f.errors.iter().map(|e| std::mem::discriminant(&e.kind)).collect::<Vec<_>>()
        };
        assert_eq!(whole.errors.len(), 5, "{:?}", whole.errors);
        let range = 0..text.len();
        let problems =
            parse_objects_keeping(text.as_bytes(), range.clone(), Mode::Config, Keep::Problems);
        assert_eq!(problems.errors, whole.errors);
        assert!(problems.definitions.iter().all(|d| d.directives.is_empty()));
        let definitions =
            parse_objects_keeping(text.as_bytes(), range, Mode::Config, Keep::Definitions);
        assert_eq!(definitions.definitions, whole.definitions);
        assert_eq!(kinds(&definitions).len(), 1, "only the unknown type: {:?}", definitions.errors);
        assert!(matches!(definitions.errors[0].kind, ObjectErrorKind::UnknownObjectType(_)));
    }

    /// Fragments whose combinations exercise what a cut could break: continued lines, a
    /// `define` on a continuation line, comments, includes, an unclosed definition, CRLF.
    const FRAGMENTS: [&str; 10] = [
        "define host {\n host_name a\n address 127.0.0.1\n}\n",
        "define service {\n host_name a\n service_description s ; comment\n check_command c\n}\n",
        "# define host {\n",
        "define command {\n command_name c\n command_line /bin/true \\\ndefine x\n}\n",
        "include_file=/etc/x.cfg\n",
        "define host {\n host_name unclosed\n",
        "  define contact {\n contact_name c\n}\n",
        "define timeperiod {\r\n timeperiod_name t\r\n monday 00:00-24:00\r\n}\r\n",
        "define hostgroup{\nhostgroup_name g\nmembers a\\\\\n}\n",
        "stray line\n",
    ];

    #[test]
    fn parts_cut_at_split_points_parse_as_the_whole_file() {
        let mut seed = 7u64;
        let mut cuts = 0;
        for _ in 0..400 {
            let mut doc = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                doc.push_str(FRAGMENTS[(seed >> 33) as usize % FRAGMENTS.len()]);
            }
            let input = doc.as_bytes();
            let whole = format!("{:?}", parse_objects(input, Mode::Config));
            let mut near = 0;
            while let Some(cut) = split_point(input, near) {
                assert!(input[cut..].starts_with(b"define"), "{doc:?} at {cut}");
                let head = parse_objects_range(input, 0..cut, Mode::Config);
                if head.definitions.last().is_none_or(|d| d.closed) {
                    let mut parts = head.clone();
                    let tail = parse_objects_range(input, cut..input.len(), Mode::Config);
                    parts.definitions.extend(tail.definitions);
                    parts.includes.extend(tail.includes);
                    parts.errors.extend(tail.errors);
                    assert_eq!(format!("{parts:?}"), whole, "{doc:?} cut at {cut}");
                    cuts += 1;
                }
                near = cut + 1;
            }
        }
        assert!(cuts > 1000, "only {cuts} cuts were compared");
    }

    #[test]
    fn a_define_on_a_continued_line_is_no_split_point() {
        let input = b"define command {\n command_line a \\\ndefine x\n}\ndefine host {\n}\n";
        let cut = split_point(input, 1).unwrap();
        assert_eq!(&input[cut..], b"define host {\n}\n");
        assert_eq!(split_point(b"define host {\n}\n", 0), None, "not at offset 0");
    }

    fn codes(file: &ObjectFile<'_>) -> Vec<&'static str> {
        file.errors.iter().map(|e| e.kind.code()).collect()
    }

    #[test]
    fn define_header_forms() {
        for header in
            ["define host{", "definehost{", "define host {", "define\thost", "define host"]
        {
            let input = format!("{header}\n host_name a\n}}\n");
            let file = parse_objects(input.as_bytes(), Mode::Config);
            let def = &file.definitions[0];
            assert_eq!(def.object_type, Some(ObjectType::Host), "{header}");
            assert!(def.closed);
        }
    }

    #[test]
    fn directive_values_keep_inner_whitespace() {
        let file = parse("define service {\n service_description  Disk  usage\t/ \n notes\n}\n");
        let def = &file.definitions[0];
        assert_eq!(def.directives[0].name, "service_description");
        assert_eq!(def.directives[0].value, "Disk  usage\t/");
        assert_eq!(def.directives[1].value, "");
        assert!(file.errors.is_empty(), "{:?}", file.errors);
    }

    #[test]
    fn spans_point_at_name_and_value() {
        let input = "define host {\n  host_name   web01 ; comment\n}\n";
        let file = parse(input);
        let d = &file.definitions[0].directives[0];
        assert_eq!(&input[d.name_span.range()], "host_name");
        assert_eq!(&input[d.value_span.range()], "web01");
    }

    #[test]
    fn escaped_semicolon_in_value() {
        let file =
            parse("define command {\n command_name x\n command_line /bin/echo a\\;b ; c\n}\n");
        assert_eq!(file.definitions[0].directives[1].value, "/bin/echo a;b");
    }

    #[test]
    fn cache_mode_keeps_semicolons_and_tabs() {
        let file = parse_objects(
            b"# header\ndefine command {\n\tcommand_name\tok \n\tcommand_line\t/bin/x a;b\n\t}\n",
            Mode::Cache,
        );
        let def = &file.definitions[0];
        assert_eq!(def.directives[0].value, "ok");
        assert_eq!(def.directives[1].value, "/bin/x a;b");
        assert!(file.errors.is_empty());
    }

    #[test]
    fn closing_brace_must_be_alone() {
        // `} # x` is a directive named `}` (x1); the file then ends inside the definition.
        let file = parse("define host {\n host_name a\n } # x\n");
        assert_eq!(codes(&file), ["object/unknown-directive", "object/unterminated-define"]);
        // `} ; x` closes (the comment is removed first).
        assert!(parse("define host {\n host_name a\n} ; x\n").errors.is_empty());
    }

    #[test]
    fn brace_on_next_line_is_invalid_directive() {
        let file = parse("define host\n{\n host_name a\n}\n");
        assert_eq!(codes(&file), ["object/unknown-directive"]);
    }

    #[test]
    fn unknown_type_is_case_sensitive() {
        let input = "define Host {\n host_name a\n}\n";
        let file = parse(input);
        assert_eq!(codes(&file), ["object/unknown-object-type"]);
        assert_eq!(&input[file.errors[0].span.range()], "Host");
    }

    #[test]
    fn unexpected_define_and_statement() {
        let file =
            parse("host_name x\ndefine host {\n host_name a }\ndefine host {\n host_name b\n}\n");
        assert_eq!(codes(&file), ["object/unexpected-statement", "object/unexpected-define"]);
        assert_eq!(file.definitions.len(), 2);
        assert!(!file.definitions[0].closed);
        assert_eq!(file.definitions[0].directives[0].value, "a }");
    }

    #[test]
    fn unterminated_define_points_at_keyword() {
        let input = "define host {\n host_name a\n";
        let file = parse(input);
        assert_eq!(codes(&file), ["object/unterminated-define"]);
        assert_eq!(&input[file.errors[0].span.range()], "host");
    }

    #[test]
    fn includes_outside_definitions() {
        let file = parse("include_file=/etc/a.cfg\ninclude_dir=/etc/d\n");
        assert_eq!(file.includes.len(), 2);
        assert_eq!(file.includes[0].path, "/etc/a.cfg");
        assert!(file.includes[1].is_dir);
        assert_eq!(file.includes[1].path, "/etc/d");
    }

    #[test]
    fn custom_variables_only_where_nagios_has_them() {
        assert!(parse("define host {\n host_name a\n _snmp public\n}\n").errors.is_empty());
        let file = parse("define command {\n command_name a\n _x y\n}\n");
        assert_eq!(codes(&file), ["object/invalid-custom-variable"]);
        let file = parse("define host {\n host_name a\n _ y\n}\n");
        assert_eq!(codes(&file), ["object/invalid-custom-variable"]);
    }

    #[test]
    fn invalid_utf8_is_kept_lossily() {
        let file = parse_objects(b"define host {\n host_name caf\xe9\n}\n", Mode::Config);
        assert!(file.errors.is_empty());
        assert_eq!(file.definitions[0].directives[0].value, "caf\u{fffd}");
    }
}
