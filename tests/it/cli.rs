//! `nag2prom check` as a user runs it: exit codes (0 clean, 1 config errors, 2 usage or I/O),
//! rendered diagnostics, real installations (Debian's /etc/nagios4, the bundled example, the
//! corpus), cross-checked against the real `nagios4 -v` where it is installed.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::{copy_tree, corpus, have, nag2prom, root, text};

#[test]
fn help_teaches_and_exits_zero() {
    let out = nag2prom(&["check", "--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--config"), "{help}");
    assert!(help.contains("nag2prom check --config /etc/nagios4/nagios.cfg"), "{help}");
}

#[test]
fn usage_and_io_errors_exit_two() {
    assert_eq!(nag2prom(&["check"]).status.code(), Some(2));
    assert_eq!(nag2prom(&["check", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(nag2prom(&["frobnicate"]).status.code(), Some(2));
    let out = nag2prom(&["check", "--config", "/nonexistent/nagios.cfg"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/nagios.cfg"));
}

#[test]
fn config_errors_exit_one_with_file_line_column_and_caret() {
    let dir = std::env::temp_dir().join(format!("nag2prom-cli-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("nagios.cfg"), "cfg_file=bad.cfg\n").unwrap();
    fs::write(dir.join("bad.cfg"), "define host {\n    host_name=a\n}\ndefine Host {\n}\n")
        .unwrap();
    let out = nag2prom(&["check", "--config", dir.join("nagios.cfg").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let bad = dir.join("bad.cfg");
    assert!(stdout.contains(&format!("--> {}:2:5", bad.display())), "{stdout}");
    assert!(stdout.contains("2 |     host_name=a\n  |     ^^^^^^^^^^^"), "{stdout}");
    assert!(stdout.contains(&format!("--> {}:4:8", bad.display())), "{stdout}");
    assert!(stdout.contains("error[object/unknown-object-type]"), "{stdout}");

    let out = nag2prom(&[
        "check",
        "--format",
        "json",
        "--config",
        dir.join("nagios.cfg").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stdout.lines().all(|l| l.starts_with("{\"severity\":\"error\"") && l.ends_with('}')),
        "{stdout}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn resource_secrets_never_appear_in_output() {
    let dir = std::env::temp_dir().join(format!("nag2prom-secret-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("nagios.cfg"), "resource_file=resource.cfg\ncfg_file=o.cfg\n").unwrap();
    fs::write(
        dir.join("resource.cfg"),
        "$USER1$=/usr/lib/nagios/plugins\n$USER3$ = hunter2-secret\n   # indented hunter2-secret\n",
    )
    .unwrap();
    fs::write(
        dir.join("o.cfg"),
        "define command {\n command_name c\n command_line $USER1$/check_mysql -p $USER3$\n}\n",
    )
    .unwrap();
    for format in ["human", "json"] {
        let out = nag2prom(&[
            "check",
            "--format",
            format,
            "--config",
            dir.join("nagios.cfg").to_str().unwrap(),
        ]);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(all.contains("resource/not-a-user-macro"), "{all}");
        assert!(!all.contains("hunter2"), "a secret leaked:\n{all}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn debian_etc_nagios4_is_clean() {
    let cfg = Path::new("/etc/nagios4/nagios.cfg");
    if !have(cfg, "nagios4-core") {
        return;
    }
    let out = nag2prom(&["check", "--config", "/etc/nagios4/nagios.cfg"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));
}

#[test]
fn bundled_example_is_clean_and_nagios_agrees() {
    let cfg = root().join("examples/demo/nagios.cfg");
    assert!(cfg.is_file(), "the bundled example installation is missing");
    let out = nag2prom(&["check", "--config", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));
    let nagios = Path::new("/usr/sbin/nagios4");
    if have(nagios, "nagios4-core") {
        let verify = Command::new(nagios).arg("-v").arg(&cfg).output().unwrap();
        assert_eq!(
            verify.status.code(),
            Some(0),
            "nagios4 -v rejects the example:\n{}",
            text(&verify)
        );
    }
}

#[test]
fn corpus_configurations_that_nagios_rejects_for_syntax_exit_one() {
    let Some(corpus) = corpus() else { return };
    for case in ["x1", "x2", "x3", "x4", "x5", "x9", "x10", "e10b"] {
        let input = corpus.join("nagios4-oracle-edgecases").join(case).join("input");
        let base = corpus.join("nagios4-oracle-edgecases/00base.cfg");
        let out = nag2prom(&["check", base.to_str().unwrap(), input.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{case}: {}", text(&out));
    }
    let pynag = corpus.join("pynag/tests/dataset01/nagios/conf.d");
    assert_eq!(nag2prom(&["check", pynag.to_str().unwrap()]).status.code(), Some(1));
}

#[test]
fn corpus_configurations_that_nagios_accepts_exit_zero() {
    let Some(corpus) = corpus() else { return };
    let edge = corpus.join("nagios4-oracle-edgecases");
    let mut n_cases = 0;
    for entry in fs::read_dir(&edge).unwrap().flatten() {
        let rc = fs::read_to_string(entry.path().join("expected/verify.rc")).unwrap_or_default();
        if rc.trim() != "0" {
            continue;
        }
        // Cases that need nagios.cfg settings (e13: use_regexp_matching=1) cannot be checked
        // as bare object files; model::edge_cases_match_nagios runs them with their settings.
        if entry.path().join("expected/main-extra.cfg").exists() {
            continue;
        }
        let out = nag2prom(&[
            "check",
            edge.join("00base.cfg").to_str().unwrap(),
            entry.path().join("input").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}: {}", entry.path().display(), text(&out));
        n_cases += 1;
    }
    assert!(n_cases >= 19, "{n_cases}");
    let debian = corpus.join("debian-nagios4");
    let out = nag2prom(&[
        "check",
        debian.join("etc-nagios-plugins-config").to_str().unwrap(),
        debian.join("etc-nagios4/objects").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn config_and_extra_object_paths_are_checked_together() {
    let dir = std::env::temp_dir().join(format!("nag2prom-both-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("nagios.cfg"), "cfg_file=good.cfg\n").unwrap();
    fs::write(
        dir.join("good.cfg"),
        "define command {\n command_name c\n command_line /bin/true\n}\n",
    )
    .unwrap();
    fs::write(dir.join("extra.cfg"), "define host {\n host_name=a\n}\n").unwrap();
    let out = nag2prom(&[
        "check",
        "--config",
        dir.join("nagios.cfg").to_str().unwrap(),
        dir.join("extra.cfg").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("--> {}:2:2", dir.join("extra.cfg").display())), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("checked 3 files"), "{}", text(&out));
    fs::remove_dir_all(&dir).unwrap();
}

/// A copy of the bundled demo installation in a fresh scratch directory (the caller removes
/// it).
fn demo_copy(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nag2prom-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_tree(&root().join("examples/demo"), &dir);
    dir
}

/// True when the tests run as root (the owner of /proc/self is the effective user).
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `nagios4 -v`'s exit status on `cfg`, when nagios4 is installed (a failure when
/// `NAG2PROM_REQUIRE_TOOLS=1` and it is not).
fn nagios_verify(cfg: &Path) -> Option<i32> {
    let nagios = Path::new("/usr/sbin/nagios4");
    if !have(nagios, "nagios4-core") {
        return None;
    }
    let out = Command::new(nagios).arg("-v").arg(cfg).output().unwrap();
    out.status.code()
}

/// Issue #11 §6: `check` (default `--target nagios`) exits 1 exactly where `nagios4 -v`
/// refuses the configuration: unknown nagios.cfg variables, Naemon's includes, a
/// check_result_path or temp_path that is not a directory here; `--target naemon` and
/// `--no-machine-checks` relax what they say.
#[test]
fn check_refuses_what_nagios_verify_refuses() {
    type Edit = fn(&Path);
    let cases: [(&str, Edit, i32, i32); 9] = [
        (
            "no-such-nagios-group",
            |d| {
                let cfg = d.join("nagios.cfg");
                let text = fs::read_to_string(&cfg).unwrap();
                fs::write(
                    &cfg,
                    text.replace("nagios_group=root\n", "nagios_group=no-such-group\n"),
                )
                .unwrap();
            },
            // Only Nagios started as root switches to nagios_group.
            if running_as_root() { 1 } else { 0 },
            0,
        ),
        ("unchanged", |_| {}, 0, 0),
        (
            "unknown-global-event-handler",
            |d| {
                let cfg = d.join("nagios.cfg");
                let text = fs::read_to_string(&cfg).unwrap();
                fs::write(&cfg, format!("{text}global_host_event_handler=no-such-handler!1\n"))
                    .unwrap();
            },
            1,
            1,
        ),
        (
            "no-illegal-macro-output-chars-only-warns",
            |d| {
                let cfg = d.join("nagios.cfg");
                let text = fs::read_to_string(&cfg).unwrap();
                let kept: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.starts_with("illegal_macro_output_chars="))
                    .collect();
                fs::write(&cfg, kept.join("\n") + "\n").unwrap();
            },
            0,
            0,
        ),
        (
            "unknown-variable",
            |d| {
                let cfg = d.join("nagios.cfg");
                let text = fs::read_to_string(&cfg).unwrap();
                fs::write(&cfg, format!("{text}bogus_main_option=1\n")).unwrap();
            },
            1,
            0,
        ),
        (
            "naemon-include",
            |d| {
                let cfg = d.join("nagios.cfg");
                let text = fs::read_to_string(&cfg).unwrap();
                fs::write(&cfg, format!("{text}include_dir=module-conf.d\n")).unwrap();
                fs::create_dir_all(d.join("module-conf.d")).unwrap();
                fs::write(d.join("module-conf.d/x.cfg"), "use_syslog=0\n").unwrap();
            },
            1,
            0,
        ),
        (
            "no-check-result-dir",
            |d| fs::remove_dir_all(d.join("var/spool/checkresults")).unwrap(),
            1,
            0,
        ),
        (
            "no-temp-dir",
            |d| {
                let cfg = d.join("nagios.cfg");
                let text = fs::read_to_string(&cfg).unwrap();
                fs::write(&cfg, text.replace("temp_path=/tmp\n", "temp_path=var/no-tmp/\n"))
                    .unwrap();
            },
            1,
            0,
        ),
        (
            "temp-dir-is-a-file",
            |d| {
                let cfg = d.join("nagios.cfg");
                let text = fs::read_to_string(&cfg).unwrap();
                fs::write(&cfg, text.replace("temp_path=/tmp\n", "temp_path=nagios.cfg\n"))
                    .unwrap();
            },
            1,
            0,
        ),
    ];
    for (name, edit, nagios_rc, relaxed_rc) in cases {
        let dir = demo_copy(&format!("verify-{name}"));
        edit(&dir);
        let cfg = dir.join("nagios.cfg");
        let cfg_s = cfg.to_str().unwrap();
        let out = nag2prom(&["check", "--config", cfg_s]);
        assert_eq!(out.status.code(), Some(nagios_rc), "{name}: {}", text(&out));
        if let Some(rc) = nagios_verify(&cfg) {
            assert_eq!(rc, nagios_rc, "{name}: nagios4 -v disagrees with the expectation");
        }
        if name.starts_with("no-illegal") {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(stdout.contains("warning[model/no-illegal-macro-output-chars]"), "{stdout}");
        }
        if name == "unknown-global-event-handler" {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(stdout.contains("global host event handler `no-such-handler!1`"), "{stdout}");
        }
        let machine = ["no-c", "no-t", "no-s", "temp-"];
        let relaxed: &[&str] = if machine.iter().any(|m| name.starts_with(m)) {
            &["check", "--no-machine-checks", "--config", cfg_s]
        } else {
            &["check", "--target", "naemon", "--config", cfg_s]
        };
        let out = nag2prom(relaxed);
        assert_eq!(out.status.code(), Some(relaxed_rc), "{name} relaxed: {}", text(&out));
        fs::remove_dir_all(&dir).unwrap();
    }
}

/// Machine-dependent diagnostics say so, name the variable and the path, and point at the line.
#[test]
fn machine_checks_say_they_depend_on_this_machine() {
    let dir = demo_copy("machine-msg");
    fs::remove_dir_all(dir.join("var/spool/checkresults")).unwrap();
    let out = nag2prom(&["check", "--config", dir.join("nagios.cfg").to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("error[source/path-not-a-directory]: check_result_path"), "{stdout}");
    assert!(stdout.contains("on this machine"), "{stdout}");
    assert!(stdout.contains(&dir.join("var/spool/checkresults").display().to_string()), "{stdout}");
    assert!(stdout.contains(&format!("--> {}:", dir.join("nagios.cfg").display())), "{stdout}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(": 1 error, 0 warnings"),
        "{}",
        text(&out)
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// Issue #11 §6 / newcomer finding 9: Naemon's include_dir in the main configuration is read
/// as Naemon reads it (main-configuration lines, relative to nagios.cfg), so a host reached
/// through it is in `objects`.
#[test]
fn naemon_include_dir_brings_its_objects_in() {
    let dir = demo_copy("include-dir");
    let cfg = dir.join("nagios.cfg");
    let text_cfg = fs::read_to_string(&cfg).unwrap();
    fs::write(&cfg, format!("{text_cfg}include_dir=module-conf.d\n")).unwrap();
    fs::create_dir_all(dir.join("module-conf.d")).unwrap();
    fs::create_dir_all(dir.join("extra")).unwrap();
    fs::write(dir.join("module-conf.d/extra.cfg"), "cfg_dir=extra\n").unwrap();
    fs::write(
        dir.join("extra/host.cfg"),
        "define host {\n    use linux-server\n    host_name inc-01\n    address 127.0.0.9\n}\n",
    )
    .unwrap();
    let cfg_s = cfg.to_str().unwrap();
    let out = nag2prom(&["objects", "--config", cfg_s, "--type", "host"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"host_name\":\"inc-01\""), "{}", text(&out));
    let out = nag2prom(&["check", "--target", "naemon", "--config", cfg_s]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));
    let out = nag2prom(&["check", "--config", cfg_s]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("main-cfg/naemon-include"));
    if let Some(rc) = nagios_verify(&cfg) {
        assert_eq!(rc, 1, "Nagios 4.4.6 has no include_dir in nagios.cfg");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// Newcomer finding 12: an unreadable `--nrpe-config` names the flag and the file.
#[test]
fn unreadable_nrpe_config_names_the_flag_and_the_file() {
    let out_dir =
        std::env::temp_dir().join(format!("nag2prom-nrpe-missing-{}", std::process::id()));
    let cfg = root().join("examples/demo/nagios.cfg");
    let out = nag2prom(&[
        "convert",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--nrpe-config",
        "/nonexistent/nrpe.cfg",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--nrpe-config /nonexistent/nrpe.cfg"), "{stderr}");
    assert!(
        stderr.contains("cannot read NRPE configuration file /nonexistent/nrpe.cfg"),
        "{stderr}"
    );
    assert!(!out_dir.exists());
}

/// Issue #13: nrpe.cfg is read by `source` (includes followed); its errors carry
/// file:line:column and stop `convert` like configuration errors.
#[test]
fn nrpe_config_includes_are_followed_and_errors_stop_convert() {
    let dir = demo_copy("nrpe-include");
    let cfg = dir.join("nagios.cfg");
    let out_dir = dir.join("prom");
    fs::create_dir_all(dir.join("nrpe.d")).unwrap();
    let nrpe = dir.join("nrpe.cfg");
    fs::write(&nrpe, format!("# agents\ninclude_dir={}/nrpe.d/\n", dir.display())).unwrap();
    fs::write(
        dir.join("nrpe.d/load.cfg"),
        "command[check_load]=/usr/lib/nagios/plugins/check_load -w 5,4,3 -c 10,8,6\n",
    )
    .unwrap();
    fs::write(
        dir.join("objects/nrpe-services.cfg"),
        "define service {\n    use generic-service\n    host_name fw-01\n    service_description Remote Load\n    check_command check_nrpe!check_load\n}\n",
    )
    .unwrap();
    let args = |nrpe: &Path| {
        nag2prom(&[
            "convert",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--nrpe-config",
            nrpe.to_str().unwrap(),
        ])
    };
    let out = args(&nrpe);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report = fs::read_to_string(out_dir.join("report.json")).unwrap();
    let remote = report
        .lines()
        .find(|l| l.contains("\"host_name\": \"fw-01\", \"service_description\": \"Remote Load\""))
        .unwrap_or_default();
    assert!(remote.contains("\"outcome\": \"native\""), "{report}");

    fs::write(dir.join("nrpe.d/load.cfg"), "command[check_load]=x\ncommand[]=broken\n").unwrap();
    fs::remove_dir_all(&out_dir).unwrap();
    let out = args(&nrpe);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[nrpe/invalid-command]"), "{stderr}");
    assert!(
        stderr.contains(&format!("--> {}:2:1", dir.join("nrpe.d/load.cfg").display())),
        "{stderr}"
    );
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert!(!out_dir.exists());
    fs::remove_dir_all(&dir).unwrap();
}

/// Newcomer finding 6: nagioscore's own test configurations, checked where real `nagios4 -v`
/// runs: same exit status for every one, including those Nagios refuses only because of this
/// machine (a temp_path or check_result_path its nagios_user cannot write to).
#[test]
fn nagioscore_test_configurations_exit_as_nagios_verify_does() {
    let Some(corpus) = corpus() else { return };
    let nagios = Path::new("/usr/sbin/nagios4");
    if !have(nagios, "nagios4-core") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("nag2prom-core-t-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_tree(&corpus.join("nagioscore/t"), &dir.join("t"));
    let etc = dir.join("t/etc");
    let mut n_refused = 0;
    for entry in fs::read_dir(&etc).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("nagios") || !name.ends_with(".cfg") {
            continue;
        }
        let verify = Command::new(nagios).arg("-v").arg(&name).current_dir(&etc).output().unwrap();
        let out = nag2prom(&["check", "--config", etc.join(&name).to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            verify.status.code(),
            "{name}: nag2prom and nagios4 -v disagree\n{}\n--- nagios4 -v\n{}",
            text(&out),
            String::from_utf8_lossy(&verify.stdout)
        );
        n_refused += usize::from(verify.status.code() != Some(0));
    }
    assert!(n_refused >= 4, "{n_refused}");
    fs::remove_dir_all(&dir).unwrap();
}

/// Nagios 4.4.6 refuses values it does not take ("Illegal value for …"): `check` exits 1 on
/// the same ones, 0 on the look-alikes it accepts (atoi/strtod read a leading number).
#[test]
fn illegal_main_values_match_nagios_verify() {
    let cases: [(&str, &str, i32); 11] = [
        ("use_syslog=0", "use_syslog=yes", 1),
        ("log_rotation_method=n", "log_rotation_method=n ; never", 1),
        ("high_service_flap_threshold=20.0", "high_service_flap_threshold=100", 0),
        ("low_service_flap_threshold=5.0", "low_service_flap_threshold=100", 1),
        ("interval_length=60", "interval_length=60 # seconds", 0),
        ("interval_length=60", "interval_length=0", 1),
        ("service_inter_check_delay_method=s", "service_inter_check_delay_method=0.5", 0),
        ("max_service_check_spread=30", "max_service_check_spread=0", 1),
        ("use_large_installation_tweaks=0", "time_change_threshold=5", 1),
        ("use_large_installation_tweaks=0", "host_skip_check_dependency_status=4", 1),
        ("service_check_timeout_state=c", "service_check_timeout_state=x", 1),
    ];
    for (i, (line, replacement, rc)) in cases.into_iter().enumerate() {
        let dir = demo_copy(&format!("illegal-{i}"));
        let cfg = dir.join("nagios.cfg");
        let text_cfg = fs::read_to_string(&cfg).unwrap();
        assert!(text_cfg.contains(&format!("\n{line}\n")), "{line}");
        fs::write(&cfg, text_cfg.replace(&format!("\n{line}\n"), &format!("\n{replacement}\n")))
            .unwrap();
        let out = nag2prom(&["check", "--config", cfg.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(rc), "{replacement}: {}", text(&out));
        if rc == 1 {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(stdout.contains("error[main-cfg/illegal-value]"), "{stdout}");
        }
        if let Some(nagios_rc) = nagios_verify(&cfg) {
            assert_eq!(nagios_rc, rc, "{replacement}: nagios4 -v disagrees");
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}

/// Completions and man pages come from the clap definitions: the bash script is valid bash
/// that knows the subcommands and their flags, and `man --out-dir` writes a page per
/// subcommand.
#[test]
fn completions_and_man_pages() {
    let bash = nag2prom(&["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0), "{}", text(&bash));
    let script = String::from_utf8_lossy(&bash.stdout).into_owned();
    for word in ["convert", "serve", "diff", "--web.listen-address", "--alertmanager-timezone"] {
        assert!(script.contains(word), "bash completions lack {word}");
    }
    let dir = std::env::temp_dir().join(format!("nag2prom-man-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let file = dir.join("nag2prom.bash");
    fs::write(&file, &script).unwrap();
    let syntax = std::process::Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(syntax.status.success(), "bash -n: {}", text(&syntax));
    for shell in ["zsh", "fish"] {
        let out = nag2prom(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("convert"), "{shell}");
    }
    assert_eq!(nag2prom(&["completions", "tcsh"]).status.code(), Some(2));
    let pages = dir.join("man1");
    let man = nag2prom(&["man", "--out-dir", pages.to_str().unwrap()]);
    assert_eq!(man.status.code(), Some(0), "{}", text(&man));
    for sub in ["check", "objects", "serve", "export", "convert", "diff", "completions", "man"] {
        let page = fs::read_to_string(pages.join(format!("nag2prom-{sub}.1"))).unwrap();
        assert!(page.contains(&format!(".TH nag2prom-{sub} 1")), "{sub}: {page:.200}");
    }
    let top = nag2prom(&["man"]);
    assert!(String::from_utf8_lossy(&top.stdout).contains(".TH nag2prom 1"));
    let _ = fs::remove_dir_all(&dir);
}

/// `parity` against no Prometheus: exit 2 with the URL in the message, never a report.
#[test]
fn parity_without_prometheus_exits_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let out = nag2prom(&["parity", "--prometheus", &url, "--timeout", "2"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&url), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));
    for timeout in ["0", "1e300", "nan"] {
        let bad = nag2prom(&["parity", "--prometheus", &url, "--timeout", timeout]);
        assert_eq!(bad.status.code(), Some(2), "--timeout {timeout}: {}", text(&bad));
        assert!(String::from_utf8_lossy(&bad.stderr).contains("positive number"), "{}", text(&bad));
    }
    let export = nag2prom(&["export", "--status-file", "x", "--status.read-timeout", "1e300"]);
    assert_eq!(export.status.code(), Some(2), "{}", text(&export));
    assert!(
        String::from_utf8_lossy(&export.stderr).contains("positive number"),
        "{}",
        text(&export)
    );
}

/// `--log.level` and `--log.format` work for every subcommand, before or after it: the
/// one-shot commands log their phases and timings at debug (as JSON objects on stderr with
/// `--log.format json`), stay quiet at the default level, and an invalid level exits 2.
#[test]
fn logging_flags_are_global() {
    let cfg = root().join("examples/demo/nagios.cfg");
    let cfg = cfg.to_str().unwrap();
    let dir = std::env::temp_dir().join(format!("nag2prom-logging-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let out = dir.join("out");
    let run = nag2prom(&[
        "--log.format",
        "json",
        "convert",
        "--config",
        cfg,
        "--out",
        out.to_str().unwrap(),
        "--log.level",
        "debug",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let stderr = String::from_utf8_lossy(&run.stderr);
    let logs: Vec<serde_json::Value> =
        stderr.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let phases: Vec<&str> = logs.iter().filter_map(|l| l["fields"]["phase"].as_str()).collect();
    for phase in [
        "reading the configuration",
        "resolving templates and expanding objects",
        "translating services",
        "rendering",
        "writing",
    ] {
        assert!(phases.contains(&phase), "no `{phase}` in {stderr}");
    }
    assert!(
        logs.iter().any(|l| l["fields"]["message"] == "translated 55 services into 12 rule groups"),
        "{stderr}"
    );
    assert!(
        logs.iter().all(|l| l["level"] == "DEBUG" && l["fields"]["seconds"].is_f64()),
        "{stderr}"
    );
    // The summary line is the command's own output, not a log line.
    assert!(stderr.lines().any(|l| l.starts_with("converted 55 services")), "{stderr}");
    // Default level: no log lines from a one-shot command.
    let run = nag2prom(&["check", "--config", cfg]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    assert!(!String::from_utf8_lossy(&run.stderr).contains("DEBUG"), "{}", text(&run));
    // check has a --format of its own; both are accepted together.
    let run = nag2prom(&["check", "--format", "json", "--log.format", "json", "--config", cfg]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let run = nag2prom(&["check", "--log.level", "a=b=c", "--config", cfg]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    assert!(text(&run).contains("invalid --log.level"), "{}", text(&run));
    let _ = fs::remove_dir_all(&dir);
}

/// `--progress`: nothing in a pipe by default (scripts read results and the summary line);
/// `--progress always` prints each finished phase with its size and seconds, without terminal
/// control characters; `--quiet` and `--log.format json` keep it off.
#[test]
fn progress_is_shown_when_asked_and_quiet_in_pipes() {
    let cfg = root().join("examples/demo/nagios.cfg");
    let cfg = cfg.to_str().unwrap();
    let dir = std::env::temp_dir().join(format!("nag2prom-progress-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    let run = nag2prom(&["convert", "--config", cfg, "--out", out]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "only the summary line in a pipe: {stderr}");
    let run = nag2prom(&["convert", "--progress", "always", "--config", cfg, "--out", out]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(!stderr.contains('\x1b'), "no terminal control characters in a pipe: {stderr:?}");
    let lines: Vec<&str> = stderr.lines().collect();
    for (i, start) in
        ["  read and parsed ", "  resolved ", "  translated 55 services", "  rendered ", "  wrote "]
            .iter()
            .enumerate()
    {
        let line = lines.get(i).copied().unwrap_or("");
        assert!(line.starts_with(start) && line.ends_with(" s"), "line {i}: {line:?} in {stderr}");
    }
    assert!(lines.last().is_some_and(|l| l.starts_with("converted 55 services")), "{stderr}");
    for quiet in [&["-q"][..], &["--log.format", "json"][..]] {
        let mut args = vec!["convert", "--progress", "always", "--config", cfg, "--out", out];
        args.extend_from_slice(quiet);
        let run = nag2prom(&args);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run));
        let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
        assert!(!stderr.contains(": 0.") && !stderr.contains("  read "), "{quiet:?}: {stderr}");
    }
    let _ = fs::remove_dir_all(&dir);
}
