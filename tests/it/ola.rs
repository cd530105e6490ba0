//! `convert` with OLA targets (issue 15): rules/ola.yml and tests/ola.yml checked and run by
//! the real promtool; bad declarations are coded diagnostics with file:line and exit 2.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{have, nag2prom, root, text};

const PROMTOOL: &str = "/usr/bin/promtool";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nag2prom-ola-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn site() -> PathBuf {
    root().join("tests/it/ola/site.cfg")
}

/// Custom variables inherited from a host template give a group; promtool checks the rules
/// and runs the generated edge tests.
#[test]
fn ola_custom_variables_give_rules_that_pass_promtool_test() {
    let dir = scratch("vars");
    let out = dir.join("out");
    let run =
        nag2prom(&["convert", "-q", "--out", out.to_str().unwrap(), site().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let rules = fs::read_to_string(out.join("rules/ola.yml")).unwrap();
    assert!(rules.contains("ola_group: SITE-A"), "{rules}");
    assert!(rules.contains("alert: NagiosOlaErrorBudgetBurn"));
    // At 80 % the 1h page window is lengthened to 3h12m (factor 4.5 < 5).
    assert!(rules.contains("long: 3h12m"), "{rules}");
    assert!(!rules.contains("> 14.4"));
    if !have(Path::new(PROMTOOL), "prometheus") {
        return;
    }
    let check = Command::new(PROMTOOL)
        .args(["check", "rules"])
        .arg(out.join("rules/ola.yml"))
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check));
    let test = Command::new(PROMTOOL)
        .args(["test", "rules"])
        .arg(out.join("tests/ola.yml"))
        .output()
        .unwrap();
    assert!(test.status.success(), "{}", text(&test));
}

/// No declaration: no OLA files.
#[test]
fn ola_files_only_when_declared() {
    let dir = scratch("none");
    let cfg = dir.join("site.cfg");
    let text_cfg = fs::read_to_string(site()).unwrap();
    let plain: String =
        text_cfg.lines().filter(|l| !l.contains("_OLA_")).map(|l| format!("{l}\n")).collect();
    fs::write(&cfg, plain).unwrap();
    let out = dir.join("out");
    let run = nag2prom(&["convert", "-q", "--out", out.to_str().unwrap(), cfg.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    assert!(!out.join("rules/ola.yml").exists() && !out.join("tests/ola.yml").exists());
}

/// Bad targets, windows, files and conflicts: coded diagnostics at file:line, exit 2,
/// nothing written.
#[test]
fn ola_bad_input_exits_2_with_located_diagnostics() {
    let dir = scratch("bad");
    let cases: [(&str, &str, &str); 5] = [
        (
            "objectives:\n  - service: CE\n    availability: 120\n",
            "ola/invalid-target",
            "ola.yaml:2",
        ),
        (
            "objectives:\n  - service: CE\n    availability: 80\n    window: month\n",
            "ola/unknown-window",
            "ola.yaml:2",
        ),
        ("objectives:\n  - service: CE\n    availabilty: 80\n", "ola/invalid-file", "ola.yaml:"),
        (
            "objectives:\n  - service: NOPE\n    availability: 80\n",
            "ola/empty-objective",
            "ola.yaml:2",
        ),
        ("objectives:\n  - service: CE\n    availability: 99\n", "ola/conflict", "site.cfg:"),
    ];
    for (i, (yaml, code, at)) in cases.iter().enumerate() {
        let file = dir.join("ola.yaml");
        fs::write(&file, yaml).unwrap();
        let out = dir.join(format!("out{i}"));
        let run = nag2prom(&[
            "convert",
            "-q",
            "--out",
            out.to_str().unwrap(),
            "--ola",
            file.to_str().unwrap(),
            site().to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{code}: {}", text(&run));
        assert!(stderr.contains(code) && stderr.contains(at), "{code} {at}: {stderr}");
        assert!(!out.exists(), "{code}: something was written");
    }
}
