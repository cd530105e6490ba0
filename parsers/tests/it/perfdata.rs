//! Threshold ranges, performance data and `check_command` splitting: print-then-parse
//! round-trips, an independent reference of the range semantics, never-panic properties on
//! arbitrary input, and every `performance_data=` value of the shared corpus.

#![allow(clippy::unwrap_used)]

use std::borrow::Cow;
use std::fs;

use nag2prom_parsers::command::{CommandErrorKind, MAX_COMMAND_ARGUMENTS, split_check_command};
use nag2prom_parsers::perfdata::{PerfData, PerfValue, Uom, parse_perfdata};
use nag2prom_parsers::range::{Bound, Range, parse_range, parse_range_lenient, parse_thresholds};
use nag2prom_parsers::span::Span;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Generators

/// A finite number as plugins print it: integers, decimals, tiny and huge exponents.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1000i64..1000).prop_map(|i| i as f64),
        (-1.0e6f64..1.0e6),
        (-1.0e-3f64..1.0e-3),
        prop::num::f64::NORMAL,
        Just(0.0),
    ]
}

/// Text for `v` in one of the spellings `strtod` and the strict grammar both read.
fn number_text(v: f64, style: u8) -> String {
    match style % 4 {
        0 => format!("{v}"),
        1 => format!("{v:e}"),
        2 => format!("{v:E}"),
        _ if v >= 0.0 => format!("+{v}"),
        _ => format!("{v}"),
    }
}

/// A valid range (start ≤ end when both finite).
fn range() -> impl Strategy<Value = Range> {
    (prop::option::of(number()), prop::option::of(number()), any::<bool>()).prop_map(
        |(a, b, inside)| {
            let (start, end) = match (a, b) {
                (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
                other => other,
            };
            Range {
                start: start.map_or(Bound::Infinite, Bound::Finite),
                end: end.map_or(Bound::Infinite, Bound::Finite),
                inside,
            }
        },
    )
}

/// Range text in any accepted form, with the range it denotes.
fn range_text() -> impl Strategy<Value = (String, Range)> {
    (range(), any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(r, s1, s2, short)| {
        let mut text = String::new();
        if r.inside {
            text.push('@');
        }
        match (r.start, r.end) {
            (Bound::Finite(s), Bound::Finite(e)) if s == 0.0 && short => {
                text += &number_text(e, s2)
            }
            (Bound::Finite(s), Bound::Infinite) if s == 0.0 && short && !r.inside => {
                // The empty text is 0..+inf too.
            }
            (start, end) => {
                match start {
                    Bound::Infinite => text.push('~'),
                    Bound::Finite(s) => text += &number_text(s, s1),
                }
                text.push(':');
                if let Bound::Finite(e) = end {
                    text += &number_text(e, s2);
                }
            }
        }
        (text, r)
    })
}

/// Labels with the awkward characters real plugins use: spaces, quotes, `=`, `:`, `/`, `%`,
/// non-ASCII letters.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _=':/.%|éü°-]{1,16}"
}

const UOMS: &[&str] = &[
    "", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c", "KiB", "bps", "°C", "/s", "B/s",
    "b",
];

#[derive(Debug, Clone)]
struct GenItem {
    label: String,
    quote: bool,
    value: Option<f64>,
    value_style: u8,
    uom: &'static str,
    warn: Option<(String, Range)>,
    crit: Option<(String, Range)>,
    min: Option<f64>,
    max: Option<f64>,
    trailing_semicolons: usize,
}

fn item() -> impl Strategy<Value = GenItem> {
    (
        label(),
        any::<bool>(),
        prop::option::weighted(0.9, number()),
        any::<u8>(),
        prop::sample::select(UOMS),
        (prop::option::of(range_text()), prop::option::of(range_text())),
        (prop::option::of(number()), prop::option::of(number())),
        0usize..3,
    )
        .prop_map(
            |(
                label,
                quote,
                value,
                value_style,
                uom,
                (warn, crit),
                (min, max),
                trailing_semicolons,
            )| {
                // An empty range text is an empty (absent) field.
                let warn = warn.filter(|(text, _)| !text.is_empty());
                let crit = crit.filter(|(text, _)| !text.is_empty());
                GenItem {
                    label,
                    quote,
                    value,
                    value_style,
                    uom,
                    warn,
                    crit,
                    min,
                    max,
                    trailing_semicolons,
                }
            },
        )
}

/// Print an item by hand (independently of the crate's `Display`).
fn print_item(item: &GenItem) -> String {
    let needs_quotes = item.label.contains([' ', '=', '\'']);
    let mut out = if item.quote || needs_quotes {
        format!("'{}'=", item.label.replace('\'', "''"))
    } else {
        format!("{}=", item.label)
    };
    match item.value {
        Some(v) => out += &number_text(v, item.value_style),
        None => out.push('U'),
    }
    out += item.uom;
    let fields = [
        item.warn.as_ref().map(|(t, _)| t.clone()),
        item.crit.as_ref().map(|(t, _)| t.clone()),
        item.min.map(|v| format!("{v}")),
        item.max.map(|v| format!("{v:e}")),
    ];
    let used = fields.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
    for field in fields.iter().take(used) {
        out.push(';');
        out += field.as_deref().unwrap_or("");
    }
    if used == 4 {
        // Only after max: a `;` more would start a fifth (ignored, empty) field.
        out += &";".repeat(item.trailing_semicolons.min(1));
    } else {
        out += &";".repeat(item.trailing_semicolons.min(4 - used));
    }
    out
}

const SEPARATORS: &[&str] = &[" ", "  ", "\t", " \t ", "   "];

// ---------------------------------------------------------------------------------------------
// Reference implementation of the range semantics, written from the guideline table (§17):
// it works on the text, not on `Range`.

fn reference_alerts(text: &str, x: f64) -> bool {
    let (inside, body) = match text.strip_prefix('@') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (low, high) = match body.split_once(':') {
        None if body.is_empty() => (0.0, f64::INFINITY),
        None => (0.0, body.parse::<f64>().unwrap()),
        Some((start, end)) => {
            let low = match start {
                "~" => f64::NEG_INFINITY,
                "" => 0.0,
                s => s.parse::<f64>().unwrap(),
            };
            let high = if end.is_empty() { f64::INFINITY } else { end.parse::<f64>().unwrap() };
            (low, high)
        }
    };
    let outside = x < low || x > high;
    if inside { !outside } else { outside }
}

/// Values around the bounds of `r` (exactly on them, one ulp off, far away) and random ones.
fn probe_values(r: &Range, random: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::MAX, f64::MIN];
    for b in [r.start, r.end] {
        if let Bound::Finite(v) = b {
            out.extend([v, v.next_up(), v.next_down(), v + 1.0, v - 1.0, v * 2.0]);
        }
    }
    out.extend_from_slice(random);
    out
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn range_display_round_trips(r in range()) {
        let text = r.to_string();
        prop_assert_eq!(parse_range(&text), Ok(r), "{}", text);
        let lenient = parse_range_lenient(&text).unwrap();
        prop_assert_eq!(lenient.range, r);
        prop_assert!(lenient.warnings.is_empty());
    }

    #[test]
    fn range_texts_parse_to_their_range((text, r) in range_text()) {
        prop_assert_eq!(parse_range(&text), Ok(r), "{}", text);
        prop_assert_eq!(parse_range_lenient(&text).unwrap().range, r, "{}", text);
    }

    #[test]
    fn alerts_agree_with_the_reference(
        (text, r) in range_text(),
        random in prop::collection::vec(number(), 0..8),
    ) {
        let parsed = parse_range(&text).unwrap();
        for x in probe_values(&r, &random) {
            prop_assert_eq!(parsed.alerts(x), reference_alerts(&text, x), "{} at {}", text, x);
        }
    }

    #[test]
    fn threshold_lists_keep_positions(items in prop::collection::vec(range_text(), 1..5)) {
        let text = items.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join(",");
        let got = parse_thresholds(&text);
        prop_assert_eq!(got.len(), items.len());
        for (got, (item_text, r)) in got.iter().zip(&items) {
            let got = got.as_ref().unwrap();
            prop_assert_eq!(got.range, *r);
            prop_assert_eq!(&text[got.span.range()], item_text.as_str());
        }
    }

    #[test]
    fn perfdata_round_trips(
        items in prop::collection::vec(item(), 0..6),
        seps in prop::collection::vec(prop::sample::select(SEPARATORS), 8),
        lead in prop::sample::select(&["", " ", "  "][..]),
        trail in prop::sample::select(&["", " ", "\t"][..]),
    ) {
        let printed: Vec<String> = items.iter().map(print_item).collect();
        let mut input = lead.to_owned();
        for (i, text) in printed.iter().enumerate() {
            if i > 0 {
                input += seps[i % seps.len()];
            }
            input += text;
        }
        input += trail;

        let parsed = parse_perfdata(&input);
        prop_assert!(parsed.errors.is_empty(), "{:?}: {:?}", input, parsed.errors);
        prop_assert_eq!(parsed.items.len(), items.len(), "{:?}", input);
        for ((got, want), text) in parsed.items.iter().zip(&items).zip(&printed) {
            prop_assert_eq!(got.label.as_ref(), want.label.as_str());
            prop_assert_eq!(&input[got.span.range()], text.as_str());
            prop_assert_eq!(got.value.as_f64(), want.value);
            prop_assert_eq!(got.uom.as_str(), want.uom);
            prop_assert_eq!(got.warn.map(|t| (t.raw, t.range)),
                want.warn.as_ref().map(|(t, r)| (t.as_str(), Some(*r))));
            prop_assert_eq!(got.crit.map(|t| (t.raw, t.range)),
                want.crit.as_ref().map(|(t, r)| (t.as_str(), Some(*r))));
            prop_assert_eq!(got.min, want.min);
            prop_assert_eq!(got.max, want.max);
        }

        // The crate's own printer reads back the same.
        let canonical = parsed.to_string();
        let again = parse_perfdata(&canonical);
        prop_assert!(again.errors.is_empty(), "{:?}", canonical);
        prop_assert_eq!(same_items(&again, &parsed), true, "{:?}", canonical);
    }

    #[test]
    fn check_commands_round_trip(
        name in "[a-z_ \\\\é]{0,12}",
        args in prop::collection::vec("[a-zA-Z0-9 !\\\\$:,%@~.é-]{0,10}", 0..40),
    ) {
        // An argument ending in `\` before another `!` would escape it: Nagios cannot express
        // it, so only the last argument may end with a backslash.
        let mut args = args;
        let last = args.len().saturating_sub(1);
        for (i, a) in args.iter_mut().enumerate() {
            if i < last && a.ends_with('\\') {
                a.push('x');
            }
        }
        let mut text = name.clone();
        for a in &args {
            text.push('!');
            text += &a.replace('!', "\\!");
        }
        let c = split_check_command(&text);
        prop_assert_eq!(c.name, name.as_str());
        let kept = args.len().min(MAX_COMMAND_ARGUMENTS);
        prop_assert_eq!(c.args.len(), kept);
        for (got, want) in c.args.iter().zip(&args) {
            prop_assert_eq!(got.as_ref(), want.as_str());
        }
        let too_many = c.warnings.iter().any(|w| matches!(w.kind, CommandErrorKind::TooManyArguments { .. }));
        prop_assert_eq!(too_many, args.len() > MAX_COMMAND_ARGUMENTS);
        for (span, arg) in c.arg_spans.iter().zip(&c.args) {
            prop_assert_eq!(text[span.range()].replace("\\!", "!"), arg.as_ref());
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        check_all(&s);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        check_all(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn perfdata_shaped_noise_never_panics(s in "[a-z '=;:~@.,+U%0-9\\-\t]{0,64}") {
        check_all(&s);
    }
}

/// Run every parser on `s` and check what must hold for any input: spans inside the input and
/// on character boundaries, items in order, the canonical print of what was read reads back
/// the same.
fn check_all(s: &str) {
    let in_bounds = |span: Span| span.end <= s.len() && s.get(span.range()).is_some();

    if let Err(e) = parse_range(s) {
        assert!(in_bounds(e.span), "{s:?}: {e:?}");
    }
    match parse_range_lenient(s) {
        Ok(lenient) => assert!(lenient.warnings.iter().all(|w| in_bounds(w.span))),
        Err(e) => assert!(in_bounds(e.span)),
    }
    for item in parse_thresholds(s) {
        match item {
            Ok(r) => assert!(in_bounds(r.span)),
            Err(e) => assert!(in_bounds(e.span)),
        }
    }

    let parsed = parse_perfdata(s);
    let mut last_end = 0;
    for item in &parsed.items {
        assert!(in_bounds(item.span) && in_bounds(item.label_span), "{s:?}");
        assert!(item.span.start >= last_end, "{s:?}");
        last_end = item.span.end;
        for t in [item.warn, item.crit].into_iter().flatten() {
            assert_eq!(&s[t.span.range()], t.raw);
        }
    }
    assert!(parsed.errors.iter().all(|e| in_bounds(e.span)), "{s:?}: {:?}", parsed.errors);
    let canonical = parsed.to_string();
    let again = parse_perfdata(&canonical);
    assert!(same_items(&again, &parsed), "{s:?} printed as {canonical:?}");

    let c = split_check_command(s);
    assert!(c.arg_spans.iter().all(|sp| in_bounds(*sp)));
    assert!(c.warnings.iter().all(|w| in_bounds(w.span)));
    assert!(c.args.len() <= MAX_COMMAND_ARGUMENTS);
    assert!(s.starts_with(c.name));
}

/// Same labels, values, units, thresholds and limits (spans aside).
fn same_items(a: &PerfData<'_>, b: &PerfData<'_>) -> bool {
    a.items.len() == b.items.len()
        && a.items.iter().zip(&b.items).all(|(x, y)| {
            x.label == y.label
                && x.value == y.value
                && x.uom == y.uom
                && x.warn.map(|t| (t.raw, t.range)) == y.warn.map(|t| (t.raw, t.range))
                && x.crit.map(|t| (t.raw, t.range)) == y.crit.map(|t| (t.raw, t.range))
                && x.min == y.min
                && x.max == y.max
        })
}

// ---------------------------------------------------------------------------------------------
// Known limits and fixed examples

#[test]
fn backslash_before_separator_is_an_escape() {
    // `a\` then `!b` cannot be written: the backslash escapes the separator (C1).
    let c = split_check_command(r"cmd!a\!b");
    assert_eq!(c.args, [Cow::<str>::Owned("a!b".to_owned())]);
}

#[test]
fn one_megabyte_parses_in_linear_time() {
    let unit = "'/var'=8500MB;8000;9000;0;10000 rta=0.050000ms;3000.000000;5000.000000;0.000000 \
                pl=0%;80;100;0 garbage load1=0.100;5.000;10.000;0; x=U ";
    let input = unit.repeat(1_000_000 / unit.len() + 1);
    let started = std::time::Instant::now();
    let parsed = parse_perfdata(&input);
    let elapsed = started.elapsed();
    let copies = input.len() / unit.len();
    assert_eq!(parsed.items.len(), copies * 5);
    assert_eq!(parsed.errors.len(), copies);
    // Generous even for debug builds on a loaded machine; quadratic would take minutes.
    assert!(elapsed.as_secs_f64() < 5.0, "{elapsed:?}");

    // A single 1 MB item and 1 MB without any separator.
    for input in ["a=1;".repeat(250_000), "x".repeat(1_000_000), "'".repeat(1_000_001)] {
        let started = std::time::Instant::now();
        let _ = parse_perfdata(&input);
        assert!(started.elapsed().as_secs_f64() < 5.0);
    }
}

// ---------------------------------------------------------------------------------------------
// The shared corpus

/// Real values that are malformed at the source, with the reason. Each still parses: its value
/// is kept and only the bad threshold fields are reported.
const KNOWN_MALFORMED: &[(&str, &str)] = &[
    (
        "inuse=400;max=30000;perc=1",
        "node-nagios-status-parser, check_nrpe!check_ipnat_mappings: the plugin separates its \
         items with `;` instead of spaces, so `max=30000` and `perc=1` land in warn/crit",
    ),
    (
        "mem_used=",
        "node-nagios-status-parser, check_nrpe!check_mem: `mem_used=N;mem_cap=M` uses `;` as \
         item separator, so `mem_cap=M` lands in warn",
    ),
    (
        "a=1 b=2c",
        "not malformed: `2c` is 2 with the counter unit (PD6's example); listed to pin it",
    ),
];

#[test]
fn corpus_performance_data_parses() {
    let Some(dir) = crate::corpus::corpus() else { return };
    let mut values = 0;
    let mut clean = 0;
    let mut malformed_seen = Vec::new();
    let mut failures = Vec::new();
    for path in crate::corpus::files_under(&dir, ".dat") {
        let bytes = fs::read(&path).unwrap();
        for line in bytes.split(|b| *b == b'\n') {
            let trimmed = line.trim_ascii_start();
            let Some(value) = trimmed.strip_prefix(b"performance_data=") else { continue };
            let value = String::from_utf8_lossy(value.strip_suffix(b"\r").unwrap_or(value));
            if value.trim().is_empty() {
                continue;
            }
            values += 1;
            let parsed = parse_perfdata(&value);
            assert!(!parsed.items.is_empty(), "{}: no item in {value:?}", path.display());
            let known = KNOWN_MALFORMED.iter().find(|(prefix, _)| value.starts_with(prefix));
            match known {
                Some((prefix, _)) => {
                    if !parsed.errors.is_empty() {
                        malformed_seen.push(*prefix);
                    }
                    // Never more than the bad fields: the value itself is always kept.
                    assert_eq!(parsed.items.len(), value.split(' ').count(), "{value:?}");
                }
                None if parsed.errors.is_empty() => clean += 1,
                None => failures.push(format!(
                    "{}: {value:?}: {:?}",
                    path.display(),
                    parsed.errors.iter().map(|e| e.kind.code()).collect::<Vec<_>>()
                )),
            }
        }
    }
    assert!(failures.is_empty(), "unexpected perfdata errors:\n{}", failures.join("\n"));
    assert!(values > 500, "only {values} performance_data values found");
    assert!(clean > 500);
    malformed_seen.sort_unstable();
    malformed_seen.dedup();
    assert_eq!(malformed_seen, ["inuse=400;max=30000;perc=1", "mem_used="]);
    eprintln!("corpus perfdata: {values} values, {clean} clean, malformed: {malformed_seen:?}");
}

#[test]
fn corpus_examples_read_as_expected() {
    let p = parse_perfdata(
        "'/var'=8500MB;8000;9000;0;10000  'inodes used'=85%;80;90 '/tmp'=1.5GB;;;0;4",
    );
    assert!(p.errors.is_empty());
    let bytes: Vec<Option<f64>> =
        p.items.iter().map(|i| i.value.as_f64().and_then(|v| i.uom.to_base(v))).collect();
    assert_eq!(bytes, [Some(8500.0 * 1048576.0), Some(85.0), Some(1.5 * 1073741824.0)]);
    assert_eq!(p.items[2].warn, None);
    assert_eq!(p.items[2].min, Some(0.0));

    let p = parse_perfdata("offset=-0.000090s;2.000000;5.000000;");
    assert_eq!(p.items[0].value, PerfValue::Number(-0.00009));
    assert_eq!(p.items[0].uom, Uom::Seconds);
    assert!(p.items[0].crit.unwrap().range.unwrap().alerts(5.1));

    let p = parse_perfdata("inuse=400;max=30000;perc=1");
    assert_eq!(p.items[0].value, PerfValue::Number(400.0));
    assert_eq!(p.items[0].warn.unwrap().raw, "max=30000");
    assert_eq!(p.items[0].warn.unwrap().range, None);
    assert_eq!(p.errors.len(), 2);
}
