//! Conformance of the object model with the real Nagios 4.4.6: the resolved object set must
//! equal `nagios4 -vp`'s precache object for object and directive for directive (lists compared
//! as sets, since Nagios prints them in internal order), and configurations Nagios rejects must
//! be rejected for the same reason.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use nag2prom::diag::Diagnostic;
use nag2prom::model::Model;
use nag2prom::source::Installation;
use nag2prom_parsers::Severity;
use nag2prom_parsers::object::{Mode, parse_objects};

use crate::support::{corpus, recorded_object_sets, root};

/// Directives whose value is a list Nagios prints in internal order.
const LISTS: &[&str] = &[
    "members",
    "parents",
    "contacts",
    "contact_groups",
    "exclude",
    "service_notification_commands",
    "host_notification_commands",
];

/// Every object of an `objects.cache` text as one canonical line (fields sorted, list values
/// and time ranges sorted), as a multiset.
fn canonical(text: &[u8]) -> BTreeMap<String, usize> {
    let parsed = parse_objects(text, Mode::Cache);
    assert!(parsed.errors.is_empty(), "cache text does not parse: {:?}", parsed.errors);
    let mut out = BTreeMap::new();
    for def in &parsed.definitions {
        let timeperiod = def.keyword == "timeperiod";
        let mut fields: Vec<String> = def
            .directives
            .iter()
            .map(|d| {
                let name: &str = &d.name;
                let value: &str = &d.value;
                let sortable = LISTS.contains(&name)
                    || (timeperiod && name != "timeperiod_name" && name != "alias");
                if sortable {
                    // Time-period lines: the ranges follow the last tab or space.
                    let (head, tail) = match value.rfind(['\t', ' ']) {
                        Some(i) if timeperiod && !LISTS.contains(&name) => {
                            (&value[..i], &value[i + 1..])
                        }
                        _ => ("", value),
                    };
                    let mut items: Vec<&str> = tail.split(',').collect();
                    items.sort_unstable();
                    format!("{name} {} {}", head.trim(), items.join(","))
                } else {
                    format!("{name} {value}")
                }
            })
            .collect();
        fields.sort();
        *out.entry(format!("{} {{ {} }}", def.keyword, fields.join(" | "))).or_default() += 1;
    }
    out
}

/// Compare two canonical sets; the message lists what each side alone has.
fn assert_same(case: &str, oracle: &[u8], ours: &[u8]) {
    let (a, b) = (canonical(oracle), canonical(ours));
    if a == b {
        return;
    }
    let only = |x: &BTreeMap<String, usize>, y: &BTreeMap<String, usize>| -> Vec<String> {
        x.iter().filter(|(k, n)| y.get(*k) != Some(n)).map(|(k, _)| k.clone()).take(5).collect()
    };
    panic!(
        "{case}: resolved objects differ from nagios4 -vp\n--- only in Nagios:\n{}\n--- only in nag2prom:\n{}",
        only(&a, &b).join("\n"),
        only(&b, &a).join("\n")
    );
}

/// A scratch directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nag2prom-model-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A nagios.cfg like the one `nagios-oracle.sh` writes: the sources in order, the oracle's
/// illegal_object_name_chars and illegal_macro_output_chars (Nagios warns without the latter),
/// and extra lines.
fn oracle_like_cfg(dir: &Path, sources: &[PathBuf], extra: &str) -> PathBuf {
    let mut cfg = String::new();
    for s in sources {
        let kind = if s.is_dir() { "cfg_dir" } else { "cfg_file" };
        cfg.push_str(&format!("{kind}={}\n", s.display()));
    }
    cfg.push_str("illegal_object_name_chars=`~!$%^&*|'\"<>?,()=\n");
    cfg.push_str("illegal_macro_output_chars=`~$&|'\"<>\n");
    cfg.push_str(extra);
    cfg.push('\n');
    let path = dir.join("nagios.cfg");
    fs::write(&path, cfg).unwrap();
    path
}

fn build(cfg: &Path) -> (Installation, Model, Vec<Diagnostic>) {
    let inst = Installation::load(cfg).unwrap();
    let (model, mut diags) = Model::build(&inst);
    diags.extend(inst.diagnostics.iter().cloned());
    (inst, model, diags)
}

fn errors(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.code.as_str(), d.message))
        .collect()
}

/// As many warnings as Nagios printed (`Warning:` and `WARNING:` lines of its `-v` output),
/// besides the ones nag2prom adds on purpose (Nagios cuts `use` loops silently).
fn assert_same_warnings(name: &str, verify: &str, diags: &[Diagnostic]) {
    let theirs = verify.lines().filter(|l| l.to_ascii_lowercase().starts_with("warning:")).count();
    let ours: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .filter(|d| d.code.as_str() != "model/circular-template")
        .map(|d| format!("{}: {}", d.code.as_str(), d.message))
        .collect();
    assert_eq!(
        ours.len(),
        theirs,
        "{name}: warnings differ from Nagios'\n{verify}\nours: {ours:#?}"
    );
}

/// Every edge case Nagios accepted: the model equals its precache, without errors. Every
/// case it rejected: nag2prom rejects it too, with the diagnostic for the same reason.
#[test]
fn edge_cases_match_nagios() {
    let Some(corpus) = corpus() else { return };
    let cases = corpus.join("nagios4-oracle-edgecases");
    // Why Nagios rejects each case (its verify.txt), as our diagnostic code.
    let reasons: BTreeMap<&str, &str> = [
        ("e01b", "model/unknown-template"),
        ("e07", "model/duplicate-object"),
        ("e08b", "model/duplicate-template"),
        ("e10b", "object/invalid-timeperiod-line"),
        ("e10c", "model/unknown-template"),
        ("w2", "model/repeated-name"),
        ("w4", "model/unknown-command"),
        ("w5", "model/illegal-name"),
        ("x1", "object/unknown-directive"),
        ("x2", "object/unknown-directive"),
        ("x3", "object/unknown-directive"),
        ("x4", "object/unknown-object-type"),
        ("x5", "object/unknown-directive"),
        ("x8", "model/unnamed-object"),
        ("x9", "object/unexpected-define"),
        ("x10", "object/unexpected-statement"),
        ("y1", "model/unknown-host"),
        ("y2", "model/unknown-contactgroup"),
        ("y3", "model/unknown-service"),
        ("y5", "model/unknown-host"),
        ("y6", "model/unknown-command"),
        ("z2", "model/service-without-host"),
        ("z3", "model/unnamed-object"),
    ]
    .into_iter()
    .collect();
    let mut checked = 0;
    for entry in fs::read_dir(&cases).unwrap() {
        let case = entry.unwrap().path();
        if !case.join("expected").is_dir() {
            continue;
        }
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let rc = fs::read_to_string(case.join("expected/verify.rc")).unwrap();
        let extra = fs::read_to_string(case.join("expected/main-extra.cfg")).unwrap_or_default();
        let dir = scratch(&name);
        let cfg = oracle_like_cfg(&dir, &[cases.join("00base.cfg"), case.join("input")], &extra);
        let (_, model, diags) = build(&cfg);
        let errors = errors(&diags);
        if rc.trim() == "0" {
            assert!(errors.is_empty(), "{name}: Nagios accepts it, nag2prom reports {errors:#?}");
            let expected = fs::read(case.join("expected/objects.precache")).unwrap();
            assert_same(&name, &expected, model.to_cache().as_bytes());
            let verify = fs::read_to_string(case.join("expected/verify.txt")).unwrap();
            assert_same_warnings(&name, &verify, &diags);
        } else {
            let reason = reasons
                .get(name.as_str())
                .unwrap_or_else(|| panic!("{name}: no expected reason recorded"));
            assert!(
                errors.iter().any(|e| e.starts_with(reason)),
                "{name}: Nagios rejects it ({reason}); nag2prom reports {errors:#?}"
            );
        }
        fs::remove_dir_all(&dir).unwrap();
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} edge cases found");
}

/// The recorded oracle results of real-world configurations in the corpus.
#[test]
fn corpus_configs_match_recorded_precaches() {
    let Some(corpus) = corpus() else { return };
    let sets = recorded_object_sets(&corpus);
    for (oracle, sources) in sets {
        let dir = scratch(&oracle.replace('/', "-"));
        let cfg = oracle_like_cfg(&dir, &sources, "");
        let (_, model, diags) = build(&cfg);
        let errors = errors(&diags);
        assert!(errors.is_empty(), "{oracle}: {errors:#?}");
        let expected = fs::read(corpus.join(oracle).join("objects.precache")).unwrap();
        assert_same(oracle, &expected, model.to_cache().as_bytes());
        fs::remove_dir_all(&dir).unwrap();
    }
}

/// `nagios4`, or a failure that says how to install it: conformance is never skipped silently.
fn nagios4() -> PathBuf {
    let path = PathBuf::from("/usr/sbin/nagios4");
    assert!(
        path.exists(),
        "conformance tests need the real Nagios: apt-get install nagios4-core monitoring-plugins-basic (see .ci/run)"
    );
    path
}

/// Run the real Nagios (`nagios-oracle.sh precache`) on `sources` and compare.
fn live_oracle(name: &str, sources: &[PathBuf]) {
    let _ = nagios4();
    let oracle = root().join("../shared/tools/nagios-oracle.sh");
    assert!(oracle.exists(), "{} missing", oracle.display());
    let out = scratch(&format!("{name}-oracle"));
    let status = Command::new("bash")
        .arg(&oracle)
        .arg("precache")
        .args(sources)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{name}: nagios4 -vp rejected it:\n{}\n{}",
        String::from_utf8_lossy(&status.stdout),
        fs::read_to_string(out.join("verify.txt")).unwrap_or_default()
    );
    let dir = scratch(name);
    let cfg = oracle_like_cfg(&dir, sources, "");
    let (_, model, diags) = build(&cfg);
    let errors = errors(&diags);
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    // Drop the `# Created:` header line, which only the real file has.
    let text = fs::read_to_string(out.join("objects.precache")).unwrap();
    let expected: Vec<&str> = text.lines().filter(|l| !l.starts_with("# Created:")).collect();
    let expected = expected.join("\n").into_bytes();
    assert_same(name, &expected, model.to_cache().as_bytes());
    assert_same_warnings(name, &fs::read_to_string(out.join("verify.txt")).unwrap(), &diags);
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::remove_dir_all(&out);
}

/// The object files a nagios.cfg names (cfg_file / cfg_dir), resolved against its directory.
fn sources_of(cfg: &Path) -> Vec<PathBuf> {
    let base = cfg.parent().unwrap();
    fs::read_to_string(cfg)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("cfg_file=").or_else(|| l.strip_prefix("cfg_dir=")))
        .map(|p| base.join(p.trim()))
        .collect()
}

/// This machine's Debian configuration, run through the real Nagios now.
#[test]
fn etc_nagios4_matches_live_nagios() {
    let cfg = Path::new("/etc/nagios4/nagios.cfg");
    let _ = nagios4();
    assert!(cfg.exists(), "/etc/nagios4/nagios.cfg missing: apt-get install nagios4-core");
    live_oracle("etc-nagios4", &sources_of(cfg));
}

/// The bundled demo installation, run through the real Nagios now.
#[test]
fn demo_matches_live_nagios() {
    live_oracle("demo", &sources_of(&root().join("examples/demo/nagios.cfg")));
}

/// An installation from the project's generator (templates with several `use`, `+`, `null`,
/// nested host groups, `!` exclusions, escalations, dependencies), run through the real Nagios.
#[test]
fn generated_installation_matches_live_nagios() {
    // Examples are built next to the test binary's directory (target/<profile>/examples).
    let exe = std::env::current_exe().unwrap();
    let generator = exe.parent().unwrap().parent().unwrap().join("examples/gen_install");
    assert!(generator.exists(), "{} not built (cargo test builds examples)", generator.display());
    let dir = scratch("gen-install");
    let status = Command::new(&generator)
        .args(["--hosts", "300", "--seed", "7", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    live_oracle("generated", &sources_of(&dir.join("nagios.cfg")));
    let _ = fs::remove_dir_all(&dir);
}

/// Every shape of the generator (the same services written per host, in a file per host,
/// through deep template chains, on host groups with explicit member lists), run through the
/// real Nagios. At 600 hosts the per-host shapes exceed 1 MiB of object files, so the files
/// are read on two threads (`raw::collect`), and per-host's one services.cfg of over 1 MiB is
/// cut in two at a `define` line (`object::split_point`) and parsed on two threads, by both
/// the installation's read and the model's: that must give exactly what Nagios gives.
#[test]
fn generated_shapes_match_live_nagios() {
    let exe = std::env::current_exe().unwrap();
    let generator = exe.parent().unwrap().parent().unwrap().join("examples/gen_install");
    assert!(generator.exists(), "{} not built (cargo test builds examples)", generator.display());
    for shape in ["per-host", "many-files", "deep-templates", "wide-groups"] {
        let dir = scratch(&format!("gen-shape-{shape}"));
        let status = Command::new(&generator)
            .args(["--hosts", "600", "--seed", "3", "--shape", shape, "--out"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        if shape == "per-host" {
            let bytes = fs::metadata(dir.join("objects/services.cfg")).unwrap().len();
            assert!(bytes > 1 << 20, "per-host services.cfg is only {bytes} bytes");
        }
        live_oracle(shape, &sources_of(&dir.join("nagios.cfg")));
        let _ = fs::remove_dir_all(&dir);
    }
}

/// Run `nag2prom check` on object files written to a scratch directory.
fn check_files(name: &str, files: &[(&str, String)]) -> (Option<i32>, String) {
    let dir = scratch(name);
    for (file, text) in files {
        fs::write(dir.join(file), text).unwrap();
    }
    let out = crate::support::nag2prom(&["check", "--format", "json", dir.to_str().unwrap()]);
    let _ = fs::remove_dir_all(&dir);
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

const BASE: &str = "define command {\n command_name ok\n command_line /bin/true\n}\n\
define timeperiod {\n timeperiod_name 24x7\n alias a\n monday 00:00-24:00\n}\n\
define contact {\n contact_name c\n host_notification_commands ok\n service_notification_commands ok\n\
 host_notification_period 24x7\n service_notification_period 24x7\n}\n";

/// Bad input gets a diagnostic and exit 1, never a panic or a stack overflow.
#[test]
fn bad_object_graphs_are_diagnosed() {
    // A 10,000-deep inheritance chain resolves (iteratively) and is accepted.
    let mut chain = String::from(BASE);
    chain.push_str("define host {\n name t0\n register 0\n max_check_attempts 3\n check_command ok\n contacts c\n}\n");
    for i in 1..10_000 {
        chain.push_str(&format!("define host {{\n name t{i}\n use t{}\n register 0\n}}\n", i - 1));
    }
    chain.push_str("define host {\n host_name h\n use t9999\n}\n");
    chain.push_str("define service {\n host_name h\n service_description s\n check_command ok\n max_check_attempts 1\n contacts c\n check_period 24x7\n}\n");
    let (code, out) = check_files("deep", &[("a.cfg", chain)]);
    assert_eq!(code, Some(0), "{out}");

    let cases: &[(&str, &str, &str)] = &[
        (
            "unknown-template",
            "define host {\n host_name h\n use nope\n}\n",
            "model/unknown-template",
        ),
        (
            "cycle",
            "define host {\n name a\n use b\n register 0\n}\ndefine host {\n name b\n use a\n register 0\n}\ndefine host {\n host_name h\n use a\n}\n",
            "model/circular-template",
        ),
        (
            "self-hostgroup",
            "define host {\n host_name h\n max_check_attempts 1\n}\ndefine hostgroup {\n hostgroup_name g\n hostgroup_members g\n}\n",
            "model/group-loop",
        ),
        (
            "unknown-host",
            "define service {\n host_name ghost\n service_description s\n check_command ok\n max_check_attempts 1\n}\n",
            "model/unknown-host",
        ),
        (
            "dangling-contact",
            "define host {\n host_name h\n max_check_attempts 1\n contacts nobody\n}\n",
            "model/unknown-contact",
        ),
        (
            "unknown-command",
            "define host {\n host_name h\n max_check_attempts 1\n check_command nocmd!1\n contacts c\n}\n",
            "model/unknown-command",
        ),
    ];
    for (name, text, code) in cases {
        let (status, out) = check_files(name, &[("a.cfg", format!("{BASE}{text}"))]);
        assert!(out.contains(&format!("\"code\":\"{code}\"")), "{name}: {out}");
        if *code != "model/circular-template" {
            assert_eq!(status, Some(1), "{name}: {out}");
        }
    }
}

/// An unreadable cfg_dir is a diagnostic and exit 1.
#[test]
fn unreadable_cfg_dir_is_an_error() {
    let dir = scratch("unreadable");
    fs::write(dir.join("nagios.cfg"), "cfg_dir=does-not-exist\n").unwrap();
    let out =
        crate::support::nag2prom(&["check", "--config", dir.join("nagios.cfg").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", crate::support::text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("source/unreadable-file"));
    let _ = fs::remove_dir_all(&dir);
}

/// `nag2prom objects` prints JSON Lines with Nagios' directive names, lists as arrays and
/// custom variables as `_NAME` keys.
#[test]
fn objects_prints_json_lines() {
    let out = crate::support::nag2prom(&[
        "objects",
        "--config",
        root().join("examples/demo/nagios.cfg").to_str().unwrap(),
        "--type",
        "host",
        "--provenance",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", crate::support::text(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 9, "{text}");
    for line in text.lines() {
        assert!(line.starts_with("{\"object_type\":\"host\",\"host_name\":"), "{line}");
        assert!(line.contains("\"max_check_attempts\":"), "{line}");
        assert!(line.contains("\"_provenance\":{"), "{line}");
    }
    assert!(text.contains("\"hostgroups\":["), "{text}");
}

mod never_panics {
    //! Resolution never panics, whatever the definitions say: random object files built from
    //! the constructs that drive resolution (templates, `use` cycles, `+`, `null`, `*`, `!`,
    //! regex characters, groups that include each other, dangling names).

    use nag2prom::model::Model;
    use nag2prom::source::{FileRole, Installation};
    use proptest::prelude::*;

    const TYPES: &[&str] = &[
        "host",
        "service",
        "hostgroup",
        "servicegroup",
        "contact",
        "contactgroup",
        "timeperiod",
        "command",
        "hostdependency",
        "servicedependency",
        "hostescalation",
        "serviceescalation",
        "hostextinfo",
        "serviceextinfo",
    ];
    const DIRECTIVES: &[&str] = &[
        "name",
        "use",
        "register",
        "host_name",
        "hostgroup_name",
        "hostgroups",
        "members",
        "hostgroup_members",
        "servicegroup_members",
        "contactgroup_members",
        "service_description",
        "servicegroups",
        "contact_name",
        "contacts",
        "contact_groups",
        "contactgroups",
        "parents",
        "check_command",
        "command_name",
        "command_line",
        "timeperiod_name",
        "exclude",
        "monday",
        "dependent_host_name",
        "dependent_service_description",
        "dependent_hostgroup_name",
        "first_notification",
        "max_check_attempts",
        "check_interval",
        "notification_options",
        "_CUSTOM",
    ];
    const VALUES: &[&str] = &[
        "a",
        "b",
        "c",
        "t1",
        "t2",
        "g1",
        "g2",
        "*",
        "!a",
        "!g1",
        "+a",
        "+g2",
        "null",
        "a,b",
        "a,!b",
        "g1,g2",
        "^a.*",
        "[",
        "0",
        "1",
        "-1",
        "99999999999",
        "d,u,r",
        "x",
        "",
        "ok",
        "00:00-24:00",
        "c!1!2",
        "t1,t2",
    ];

    fn definition() -> impl Strategy<Value = String> {
        (
            prop::sample::select(TYPES),
            prop::collection::vec(
                (prop::sample::select(DIRECTIVES), prop::sample::select(VALUES)),
                0..8,
            ),
        )
            .prop_map(|(ty, directives)| {
                let mut text = format!("define {ty} {{\n");
                for (name, value) in directives {
                    text.push_str(&format!("  {name} {value}\n"));
                }
                text.push_str("}\n");
                text
            })
    }

    fn in_memory(text: String) -> (Installation, nag2prom_parsers::span::Span) {
        let mut inst = Installation::default();
        let len = text.len();
        let id = inst.db.add("random.cfg".into(), FileRole::Objects, text.into_bytes());
        inst.object_files.push(id);
        (inst, nag2prom_parsers::span::Span { start: 0, end: len })
    }

    /// The property below really resolves what it generates.
    #[test]
    fn in_memory_files_are_resolved() {
        let (inst, _) = in_memory(
            "define host {\n host_name a\n address 127.0.0.1\n max_check_attempts 1\n}\n".into(),
        );
        let (model, _) = Model::build(&inst);
        assert_eq!(model.of(nag2prom_parsers::object::ObjectType::Host).count(), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn resolution_never_panics(defs in prop::collection::vec(definition(), 0..24)) {
            let (inst, whole) = in_memory(defs.concat());
            let (model, diags) = Model::build(&inst);
            for d in &diags {
                if let Some((_, span)) = d.location {
                    prop_assert!(span.start <= span.end && span.end <= whole.end, "{d:?}");
                }
            }
            // Printing never panics either.
            let _ = model.to_cache();
        }
    }
}
