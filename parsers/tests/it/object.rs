//! Object files: print∘parse round-trips over generated definitions, and arbitrary input never
//! panics or produces a span outside the input.

use nag2prom_parsers::diagnostic::Diagnostic;
use nag2prom_parsers::main_cfg::parse_main_cfg;
use nag2prom_parsers::nrpe::parse_nrpe_cfg;
use nag2prom_parsers::object::{Mode, ObjectType, parse_objects};
use nag2prom_parsers::resource::parse_resource;
use proptest::prelude::*;

/// A definition as generated: type and (name, value) pairs.
#[derive(Debug, Clone)]
struct GenDef {
    object_type: ObjectType,
    directives: Vec<(String, String)>,
}

/// How to print one directive line.
#[derive(Debug, Clone, Copy)]
struct Style {
    tab: bool,
    crlf: bool,
    trailing_comment: bool,
    split_at: Option<usize>,
}

fn names_for(object_type: ObjectType) -> &'static [&'static str] {
    match object_type {
        ObjectType::Host => {
            &["host_name", "alias", "address", "notes", "check_command", "_SITE", "_Snmp_Community"]
        }
        ObjectType::Service => {
            &["host_name", "service_description", "check_command", "notes_url", "_RUNBOOK"]
        }
        ObjectType::Command => &["command_name", "command_line"],
        ObjectType::Contact => &["contact_name", "email", "pager", "_PAGER_ID"],
        _ => &["name", "use", "register"],
    }
}

fn object_type() -> impl Strategy<Value = ObjectType> {
    prop_oneof![
        Just(ObjectType::Host),
        Just(ObjectType::Service),
        Just(ObjectType::Command),
        Just(ObjectType::Contact),
        Just(ObjectType::HostGroup),
    ]
}

/// Values Nagios can represent in an object file: no line breaks, no leading or trailing
/// blanks, no trailing backslash (it would continue the line). `;` is printed as `\;`.
fn value() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.,!$:;/@=#'\"|\\\\()é -]{1,40}".prop_filter("representable", |v| {
        !v.starts_with([' ', '\t']) && !v.ends_with([' ', '\t', '\\'])
    })
}

fn definition() -> impl Strategy<Value = GenDef> {
    object_type().prop_flat_map(|object_type| {
        let names = names_for(object_type);
        prop::collection::vec((prop::sample::select(names), value()), 0..8).prop_map(move |pairs| {
            GenDef {
                object_type,
                directives: pairs.into_iter().map(|(n, v)| (n.to_owned(), v)).collect(),
            }
        })
    })
}

fn style() -> impl Strategy<Value = Style> {
    (any::<bool>(), any::<bool>(), any::<bool>(), prop::option::of(0usize..40)).prop_map(
        |(tab, crlf, trailing_comment, split_at)| Style { tab, crlf, trailing_comment, split_at },
    )
}

fn print(defs: &[GenDef], styles: &[Style]) -> String {
    let mut out = String::from("# generated\n\n");
    let mut style_iter = styles.iter().cycle();
    for def in defs {
        out.push_str(&format!("define {} {{ ; opening\n", def.object_type));
        for (name, value) in &def.directives {
            let style = style_iter.next().copied().unwrap_or(Style {
                tab: false,
                crlf: false,
                trailing_comment: false,
                split_at: None,
            });
            let escaped = value.replace(';', "\\;");
            let sep = if style.tab { "\t" } else { "   " };
            // Continuation: split after a space whose next character is not blank, so the
            // re-joined line is identical (Nagios drops the next line's indentation).
            let printed = match style.split_at {
                Some(at)
                    if at + 1 < escaped.len()
                        && escaped.is_char_boundary(at + 1)
                        && escaped.as_bytes()[at] == b' '
                        && !matches!(escaped.as_bytes()[at + 1], b' ' | b'\t')
                        && (at == 0 || escaped.as_bytes()[at - 1] != b'\\') =>
                {
                    format!("{}\\\n        {}", &escaped[..=at], &escaped[at + 1..])
                }
                _ => escaped,
            };
            let comment = if style.trailing_comment { " ; trailing comment" } else { "" };
            let eol = if style.crlf { "\r\n" } else { "\n" };
            out.push_str(&format!("  {name}{sep}{printed}{comment}{eol}"));
        }
        out.push_str("}\n\n");
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn print_then_parse_round_trips(defs in prop::collection::vec(definition(), 0..6), styles in prop::collection::vec(style(), 1..8)) {
        let text = print(&defs, &styles);
        let file = parse_objects(text.as_bytes(), Mode::Config);
        prop_assert!(file.errors.is_empty(), "errors {:?} in\n{}", file.errors, text);
        prop_assert_eq!(file.definitions.len(), defs.len());
        for (got, want) in file.definitions.iter().zip(&defs) {
            prop_assert_eq!(got.object_type, Some(want.object_type));
            prop_assert!(got.closed);
            let got_pairs: Vec<(String, String)> =
                got.directives.iter().map(|d| (d.name.to_string(), d.value.to_string())).collect();
            prop_assert_eq!(&got_pairs, &want.directives, "in\n{}", text);
            for d in &got.directives {
                // Spans point at the name, and at the value's first and last characters.
                prop_assert_eq!(&text.as_bytes()[d.name_span.range()], d.name.as_bytes());
            }
        }
    }

    #[test]
    fn cache_mode_round_trips_raw_values(defs in prop::collection::vec(definition(), 0..6)) {
        // objects.cache: tab separated, values raw (a `;` is data), `\t}` closes.
        let mut text = String::from("# cache\n");
        for def in &defs {
            text.push_str(&format!("define {} {{\n", def.object_type));
            for (name, value) in &def.directives {
                text.push_str(&format!("\t{name}\t{value} \n"));
            }
            text.push_str("\t}\n\n");
        }
        let file = parse_objects(text.as_bytes(), Mode::Cache);
        prop_assert!(file.errors.is_empty(), "{:?}", file.errors);
        for (got, want) in file.definitions.iter().zip(&defs) {
            let got_pairs: Vec<(String, String)> =
                got.directives.iter().map(|d| (d.name.to_string(), d.value.to_string())).collect();
            prop_assert_eq!(&got_pairs, &want.directives);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_spans_stay_inside(data in prop::collection::vec(any::<u8>(), 0..2048)) {
        for mode in [Mode::Config, Mode::Cache] {
            let file = parse_objects(&data, mode);
            for e in &file.errors {
                prop_assert!(e.span().start <= e.span().end && e.span().end <= data.len());
            }
            for def in &file.definitions {
                prop_assert!(def.span.end <= data.len());
                for d in &def.directives {
                    prop_assert!(d.name_span.end <= data.len() && d.value_span.end <= data.len());
                }
            }
        }
        let config = parse_main_cfg(&data);
        for e in &config.errors {
            prop_assert!(e.span().end <= data.len());
        }
        let resource = parse_resource(&data);
        for e in &resource.errors {
            prop_assert!(e.span().end <= data.len());
        }
        let nrpe = parse_nrpe_cfg(&data);
        for e in &nrpe.errors {
            prop_assert!(e.span().start <= e.span().end && e.span().end <= data.len());
        }
        for c in nrpe.commands() {
            prop_assert!(c.name_span.end <= data.len() && c.line_span.end <= data.len());
        }
    }

    #[test]
    fn nrpe_like_text_never_panics(text in "(command\\[|\\]|=|#|\n|\r| |\t|\0|include=|include_dir=|/|[a-z]){0,200}") {
        let nrpe = parse_nrpe_cfg(text.as_bytes());
        for e in &nrpe.errors {
            prop_assert!(e.span().end <= text.len());
        }
        for i in nrpe.includes() {
            prop_assert!(i.span.start <= i.span.end && i.span.end <= text.len());
        }
    }

    #[test]
    fn config_like_text_never_panics(text in "(define|host_name|\\{|\\}|;|#|\\\\|\n|\r| |\t|=|cfg_file=|include_dir|[a-z]){0,200}") {
        let file = parse_objects(text.as_bytes(), Mode::Config);
        for e in &file.errors {
            prop_assert!(e.span().end <= text.len());
        }
        let _ = parse_main_cfg(text.as_bytes());
        let _ = parse_resource(text.as_bytes());
    }

    #[test]
    fn truncation_anywhere_is_diagnosed_not_fatal(cut in 0usize..200) {
        let text = "define host {\n  host_name web01\n  address 127.0.0.1\n}\ndefine service {\n  host_name web01\n  service_description HTTP\n  check_command check_http!80\n}\n";
        let cut = cut.min(text.len());
        let file = parse_objects(&text.as_bytes()[..cut], Mode::Config);
        let unclosed = file.definitions.iter().filter(|d| !d.closed).count();
        let unterminated = file.errors.iter().filter(|e| e.code() == "object/unterminated-define").count();
        prop_assert_eq!(unclosed, unterminated);
    }
}

#[test]
fn ten_thousand_line_continuation_is_linear() {
    // One directive continued over 10,000 physical lines: must finish quickly (no quadratic
    // rescans) and produce one value.
    let mut text = String::from("define host {\n  notes start");
    for _ in 0..10_000 {
        text.push_str(" \\\n      more");
    }
    text.push_str("\n  host_name h\n}\n");
    let started = std::time::Instant::now();
    let file = parse_objects(text.as_bytes(), Mode::Config);
    assert!(file.errors.is_empty());
    assert_eq!(
        file.definitions[0].directives[0].value.len(),
        "start".len() + 10_000 * " more".len()
    );
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn unterminated_define_at_eof_names_its_line() {
    let text = b"define host {\n  host_name a\n}\ndefine service {\n  host_name a\n";
    let file = parse_objects(text, Mode::Config);
    assert_eq!(file.errors.len(), 1);
    let index = nag2prom_parsers::LineIndex::new(text);
    assert_eq!(index.line_col(text, file.errors[0].span().start).line, 4);
}
