//! Golden tests over the real files in `../shared/corpus` (see its SOURCES.md): every object
//! file, main configuration and objects.cache/precache that real Nagios 4.4.6 accepted parses
//! with no error; every configuration it rejected for a syntax reason gets an error on the line
//! Nagios named in its own `verify.txt`.

use std::fs;
use std::path::{Path, PathBuf};

use nag2prom_parsers::diagnostic::{Diagnostic, Severity};
use nag2prom_parsers::main_cfg::parse_main_cfg;
use nag2prom_parsers::object::{Mode, parse_objects};
use nag2prom_parsers::resource::parse_resource;
use nag2prom_parsers::span::LineIndex;

/// The shared corpus, or `None` (with a printed reason) when it is not beside the checkout.
/// With `NAG2PROM_REQUIRE_SHARED=1` (set by CI) a missing corpus fails the test instead.
pub(crate) fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("NAG2PROM_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!("../shared/corpus not found at {} and NAG2PROM_REQUIRE_SHARED=1", dir.display());
    }
    eprintln!("skipped: ../shared/corpus not found at {}", dir.display());
    None
}

/// Every file under `dir` whose path ends in `suffix`, sorted.
pub(crate) fn files_under(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Errors (not warnings) found in an object file, as `line: code message`.
fn object_errors(path: &Path, mode: Mode) -> Vec<String> {
    let bytes = fs::read(path).unwrap();
    let parsed = parse_objects(&bytes, mode);
    let index = LineIndex::new(&bytes);
    parsed
        .errors
        .iter()
        .filter(|e| e.severity() == Severity::Error)
        .map(|e| {
            format!("{}: {} {}", index.line_col(&bytes, e.span().start).line, e.code(), e.message())
        })
        .collect()
}

fn verify_rc(dir: &Path) -> Option<i32> {
    fs::read_to_string(dir.join("verify.rc")).ok()?.trim().parse().ok()
}

/// Object files of each corpus configuration Nagios 4.4.6 accepted (oracle verify.rc = 0),
/// as recorded in each oracle folder's INVOCATION.txt.
fn accepted_object_files(corpus: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut add_dir = |dir: &str| files.extend(files_under(&corpus.join(dir), ".cfg"));
    add_dir("debian-nagios4/etc-nagios-plugins-config");
    add_dir("debian-nagios4/etc-nagios4/objects");
    add_dir("nagios4-oracle-generated/scenario-states/objects");
    for file in [
        "nagioscore/t/etc/minimal.cfg",
        "nagioscore/t-tap/smallconfig/minimal.cfg",
        "naemon-core/t/etc/minimal.cfg",
        "icinga-core/t/etc/minimal.cfg",
        "nagios4-oracle-edgecases/00base.cfg",
    ] {
        files.push(corpus.join(file));
    }
    for name in ["commands", "contacts", "timeperiods", "templates", "localhost"] {
        files.push(
            corpus.join(format!("perl-nagios-object/t/v4_config/template-object/{name}.cfg")),
        );
    }
    let edge = corpus.join("nagios4-oracle-edgecases");
    for case in fs::read_dir(&edge).unwrap().flatten() {
        if verify_rc(&case.path().join("expected")) == Some(0) {
            files.extend(files_under(&case.path().join("input"), ".cfg"));
        }
    }
    files
}

#[test]
fn every_object_file_nagios_accepted_parses_without_errors() {
    let Some(corpus) = corpus() else { return };
    let files = accepted_object_files(&corpus);
    assert!(files.len() > 60, "expected the whole accepted set, found {}", files.len());
    let mut failures = Vec::new();
    for file in &files {
        assert!(file.is_file(), "corpus file missing: {}", file.display());
        for error in object_errors(file, Mode::Config) {
            failures.push(format!("{}:{error}", file.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} errors in accepted files:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_objects_cache_and_precache_parses_without_errors() {
    let Some(corpus) = corpus() else { return };
    let mut files = files_under(&corpus, "objects.precache");
    files.extend(files_under(&corpus, "objects.cache"));
    files.extend(files_under(&corpus, "objects.precache.expected"));
    assert!(files.len() >= 30, "found only {} cache files", files.len());
    let mut n_definitions = 0;
    for file in &files {
        let errors = object_errors(file, Mode::Cache);
        assert!(errors.is_empty(), "{}:\n{}", file.display(), errors.join("\n"));
        let bytes = fs::read(file).unwrap();
        let parsed = parse_objects(&bytes, Mode::Cache);
        // Independent count: every `define ` line at column 0.
        let expected = bytes.split(|b| *b == b'\n').filter(|l| l.starts_with(b"define ")).count();
        assert_eq!(parsed.definitions.len(), expected, "{}", file.display());
        n_definitions += expected;
    }
    // 689 definitions in the corpus as of its SOURCES.md snapshot.
    assert!(n_definitions >= 689, "{n_definitions}");
}

/// Configurations Nagios rejected for a syntax reason, with the file and the text of the
/// message in its verify.txt that names the line.
const SYNTAX_REJECTIONS: &[(&str, &str, &str)] = &[
    ("nagios4-oracle-edgecases/x1", "input/10case.cfg", "Invalid host object directive '}'"),
    ("nagios4-oracle-edgecases/x2", "input/10case.cfg", "Invalid host object directive '{'"),
    (
        "nagios4-oracle-edgecases/x3",
        "input/10case.cfg",
        "Invalid host object directive 'host_name=a'",
    ),
    ("nagios4-oracle-edgecases/x4", "input/10case.cfg", "Invalid object definition type 'Host'"),
    (
        "nagios4-oracle-edgecases/x5",
        "input/10case.cfg",
        "Invalid host object directive 'Host_Name'",
    ),
    ("nagios4-oracle-edgecases/x9", "input/10case.cfg", "Unexpected start of object definition"),
    ("nagios4-oracle-edgecases/x10", "input/10case.cfg", "Unexpected token or statement"),
    (
        "pynag",
        "tests/dataset01/nagios/conf.d/missing.end.of.object.cfg",
        "Unexpected start of object definition",
    ),
];

/// The line Nagios names for `message` in `verify.txt`: the `on line N` of that message or of
/// the "Could not add object property" line that follows it.
fn nagios_line(verify: &str, message: &str) -> usize {
    let lines: Vec<&str> = verify.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(message))
        .unwrap_or_else(|| panic!("`{message}` not in verify.txt"));
    for line in &lines[at..(at + 2).min(lines.len())] {
        if let Some(pos) = line.find("on line ") {
            let digits: String = line[pos + 8..].chars().take_while(char::is_ascii_digit).collect();
            return digits.parse().unwrap();
        }
    }
    panic!("no line number for `{message}`");
}

#[test]
fn every_syntax_rejection_gets_an_error_on_nagios_line() {
    let Some(corpus) = corpus() else { return };
    for (case, file, message) in SYNTAX_REJECTIONS {
        let case_dir = corpus.join(case);
        let oracle = if case_dir.join("expected").is_dir() {
            case_dir.join("expected")
        } else {
            case_dir.join("oracle")
        };
        assert_eq!(verify_rc(&oracle), Some(1), "{case}: Nagios rejected it");
        let verify = fs::read_to_string(oracle.join("verify.txt")).unwrap();
        let line = nagios_line(&verify, message);
        let errors = object_errors(&case_dir.join(file), Mode::Config);
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("{line}: "))),
            "{case}: Nagios says line {line} (`{message}`), we found:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn timerange_with_comma_space_is_rejected_on_its_line() {
    // e10b: "Could not parse timerange #2" (Nagios names the definition's first line; we point
    // at the offending day line itself).
    let Some(corpus) = corpus() else { return };
    let case = corpus.join("nagios4-oracle-edgecases/e10b");
    assert_eq!(verify_rc(&case.join("expected")), Some(1));
    let file = case.join("input/10case.cfg");
    let text = fs::read_to_string(&file).unwrap();
    let bad_line = text.lines().position(|l| l.contains(", ")).unwrap() + 1;
    let errors = object_errors(&file, Mode::Config);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(&format!("{bad_line}: object/invalid-timeperiod-line"))),
        "expected a timeperiod error on line {bad_line}, got:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_object_file_in_the_corpus_parses_without_panicking() {
    // Not all of these are valid for Nagios 4 (Icinga-only directives, deliberately broken
    // files, templates needing other files): the parser must still read them all.
    let Some(corpus) = corpus() else { return };
    let mut files = files_under(&corpus, ".cfg");
    files.extend(files_under(&corpus, ".cfg.in"));
    files.extend(files_under(&corpus, ".cfg-example"));
    assert!(files.len() > 300, "found {}", files.len());
    let mut n_definitions = 0;
    for file in &files {
        let bytes = fs::read(file).unwrap();
        n_definitions += parse_objects(&bytes, Mode::Config).definitions.len();
        let _ = parse_main_cfg(&bytes);
        let _ = parse_resource(&bytes);
    }
    assert!(n_definitions > 2000, "{n_definitions}");
}

#[test]
fn main_configurations_nagios_accepted_parse_without_errors() {
    let Some(corpus) = corpus() else { return };
    for file in [
        "debian-nagios4/etc-nagios4/nagios.cfg",
        "nagios4-oracle-generated/scenario-states/output/nagios.cfg",
    ] {
        let bytes = fs::read(corpus.join(file)).unwrap();
        let config = parse_main_cfg(&bytes);
        let errors: Vec<_> =
            config.errors.iter().filter(|e| e.severity() == Severity::Error).collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
        let unknown: Vec<_> = config
            .errors
            .iter()
            .filter(|e| e.code() == "main-cfg/unknown-variable")
            .map(|e| e.message())
            .collect();
        assert!(unknown.is_empty(), "{file}: Nagios 4.4.6 accepted these: {unknown:?}");
        assert!(!config.object_sources().is_empty());
    }
}

#[test]
fn resource_files_parse_and_never_leak() {
    let Some(corpus) = corpus() else { return };
    let mut files = files_under(&corpus, "resource.cfg");
    files.extend(files_under(&corpus, "resource.cfg.in"));
    assert!(files.len() >= 5);
    for file in files {
        let bytes = fs::read(&file).unwrap();
        let parsed = parse_resource(&bytes);
        let shown = format!("{parsed:?}");
        for m in &parsed.macros {
            if m.value.expose().len() > 3 {
                assert!(
                    !shown.contains(m.value.expose()),
                    "{}: Debug leaks a value",
                    file.display()
                );
            }
        }
    }
}

/// The two partial parses keep what the whole parse finds, on every object file of the
/// corpus (accepted and rejected ones): `Keep::Problems` its errors, includes and definition
/// outlines; `Keep::Definitions` its definitions and includes, and of its errors only
/// structural ones, never one the whole parse lacks.
#[test]
fn partial_parses_keep_what_the_whole_parse_finds() {
    use nag2prom_parsers::object::{Keep, parse_objects_keeping};
    let Some(corpus) = corpus() else { return };
    let files = files_under(&corpus, ".cfg");
    assert!(files.len() > 200, "found only {} object files", files.len());
    let mut errors_seen = 0;
    for file in &files {
        let bytes = fs::read(file).unwrap();
        let whole = parse_objects(&bytes, Mode::Config);
        let range = 0..bytes.len();
        let problems = parse_objects_keeping(&bytes, range.clone(), Mode::Config, Keep::Problems);
        assert_eq!(problems.errors, whole.errors, "{}", file.display());
        assert_eq!(problems.includes, whole.includes, "{}", file.display());
        assert_eq!(problems.definitions.len(), whole.definitions.len(), "{}", file.display());
        for (p, w) in problems.definitions.iter().zip(&whole.definitions) {
            assert_eq!(
                (p.object_type, &p.keyword, p.span, p.closed),
                (w.object_type, &w.keyword, w.span, w.closed),
                "{}",
                file.display()
            );
            assert!(p.directives.is_empty());
        }
        let definitions = parse_objects_keeping(&bytes, range, Mode::Config, Keep::Definitions);
        assert_eq!(definitions.definitions, whole.definitions, "{}", file.display());
        assert_eq!(definitions.includes, whole.includes, "{}", file.display());
        for e in &definitions.errors {
            assert!(whole.errors.contains(e), "{}: {e:?}", file.display());
        }
        errors_seen += whole.errors.len();
    }
    assert!(errors_seen > 0, "the corpus has files with errors: the comparison covers them");
}
