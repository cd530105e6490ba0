//! Every command in README.md runs, so the README cannot rot: each command of its `sh` and
//! `console` blocks is run here, in a sandbox holding what the README's paths name (the demo
//! for `/etc/nagios4/nagios.cfg` and `nagios.cfg`, old/new copies for `diff`, a git repository
//! with an `origin/main` ref), or is named in [`ELSEWHERE`] with the test that runs it. A new
//! README command that is neither fails this test.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::support::{Proc, copy_tree, free_port, have, http_get, root, text, wait_for};

/// Commands run by another test or by `.ci/run` (a prefix of the README's text → where).
const ELSEWHERE: &[(&str, &str)] = &[
    ("cargo build --release", ".ci/run (scripts/package.sh builds the release binary)"),
    ("cargo test --workspace --locked", "the command that runs this test"),
    ("sudo .ci/run", "CI itself: it installs the tools and runs `cargo test --workspace --locked`"),
    ("scripts/package.sh", "scripts/check-package.sh, in .ci/run as root"),
    ("sudo dpkg -i", "scripts/check-package.sh, in .ci/run as root"),
    ("sudoedit /etc/default/nag2prom", "scripts/check-ansible.sh writes it, in .ci/run as root"),
    ("sudo systemctl start nag2prom", "systemd-analyze verify in scripts/check-package.sh"),
    ("prometheus --config.file=prom/prometheus.yml", "convert::convert_output_loads_in_prometheus"),
    ("nag2prom silences --config", "alertmanager::downtimes_become_silences_in_alertmanager"),
    ("nag2prom parity --prometheus", "e2e::e2e_generated_alerts_agree_with_nagios"),
];

/// Exit codes other than 0 that a README command is shown with.
const EXIT: &[(&str, i32)] =
    &[("nag2prom check objects/", 1), ("nag2prom diff prom-before/ prom-after/ --exit-code", 1)];

/// What a command's output must hold (the README shows it).
const OUTPUT: &[(&str, &[&str])] = &[
    (
        "nag2prom check objects/",
        &[
            "error[object/unknown-directive]: invalid host object directive `}`",
            "--> objects/hosts.cfg:4:1",
        ],
    ),
    (
        "nag2prom objects --config examples/demo/nagios.cfg --type host",
        &["{\"object_type\":\"host\",\"host_name\":\"mon-01\""],
    ),
    (
        "curl -s 127.0.0.1:10460/metrics",
        &["nagios_service_state{host=\"db-01\",service=\"MySQL\"} 2"],
    ),
    ("nag2prom diff old/nagios.cfg new/nagios.cfg", &["7.5"]),
    ("nag2prom diff --git-ref origin/main", &["### nag2prom diff", "7.5"]),
];

/// Commands of README.md's `sh` and `console` blocks, continuation lines joined, comments
/// and console output dropped.
fn readme_commands(readme: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut block: Option<bool> = None; // Some(console?)
    let mut pending = String::new();
    for line in readme.lines() {
        match (block, line) {
            (None, "```sh") => block = Some(false),
            (None, "```console") => block = Some(true),
            (None, _) => {}
            (Some(_), "```") => block = None,
            (Some(console), _) => {
                let command = if !pending.is_empty() {
                    line.trim()
                } else if console {
                    match line.strip_prefix("$ ") {
                        Some(c) => c,
                        None => continue,
                    }
                } else {
                    line
                };
                pending.push_str(command);
                if let Some(head) = pending.strip_suffix('\\') {
                    pending = head.to_owned();
                    continue;
                }
                let command = std::mem::take(&mut pending);
                // A trailing `# comment` (not inside a quoted string: none has one).
                let command = match command.find("  #") {
                    Some(i) => command[..i].trim_end().to_owned(),
                    None => command.trim_end().to_owned(),
                };
                if !command.is_empty() && !command.starts_with('#') {
                    commands.push(command);
                }
            }
        }
    }
    commands
}

/// The sandbox: what the README's paths name.
fn sandbox(dir: &Path) {
    let demo = root().join("examples/demo");
    copy_tree(&demo, &dir.join("examples/demo"));
    // `nag2prom check objects/`: the README's broken file.
    fs::create_dir_all(dir.join("objects")).unwrap();
    fs::write(
        dir.join("objects/hosts.cfg"),
        "define host {\n    host_name  web-01\n    address    127.0.0.1\n} # trailing\n",
    )
    .unwrap();
    // `diff old/nagios.cfg new/nagios.cfg`, `diff prom-before/ prom-after/`: a threshold change.
    let change = |d: &Path| {
        let services = d.join("objects/services.cfg");
        let text = fs::read_to_string(&services).unwrap();
        let changed =
            text.replace("check_local_load!5.0,4.0,3.0!", "check_local_load!7.5,4.0,3.0!");
        assert_ne!(text, changed, "the demo's check_local_load thresholds moved");
        fs::write(services, changed).unwrap();
    };
    copy_tree(&demo, &dir.join("old"));
    copy_tree(&demo, &dir.join("new"));
    change(&dir.join("new"));
    for (side, out) in [("old", "prom-before"), ("new", "prom-after")] {
        let run = Command::new(env!("CARGO_BIN_EXE_nag2prom"))
            .args(["convert", "-q", "--config"])
            .arg(dir.join(side).join("nagios.cfg"))
            .arg("--out")
            .arg(dir.join(out))
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", text(&run));
    }
    // `diff --git-ref origin/main --config nagios/nagios.cfg`: a repository whose working tree
    // changes what origin/main holds.
    let repo = dir.join("nagios");
    copy_tree(&demo, &repo);
    let git = |args: &[&str]| {
        let run = Command::new("git")
            .args(["-c", "user.name=readme", "-c", "user.email=readme@localhost"])
            .args(args)
            .current_dir(&repo)
            .output()
            .unwrap();
        assert!(run.status.success(), "git {args:?}: {}", text(&run));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "demo"]);
    git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    change(&repo);
    fs::create_dir_all(dir.join("textfile")).unwrap();
    // The binary the README calls `nag2prom` and `target/release/nag2prom`.
    fs::create_dir_all(dir.join("bin")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_nag2prom"), dir.join("bin/nag2prom")).unwrap();
}

/// The README's command with its system paths pointed into the sandbox.
fn localise(command: &str, port: u16) -> String {
    // The binary under test stands for the release build (.ci/run's package step builds that).
    let mut c = command
        .replace("cargo run --release -- ", "nag2prom ")
        .replace("target/release/nag2prom", "nag2prom");
    for (from, to) in [
        ("/etc/nagios4/nagios.cfg", "examples/demo/nagios.cfg"),
        ("--config nagios.cfg", "--config examples/demo/nagios.cfg"),
        ("/tmp/prom", "tmp-prom"),
        ("/var/lib/node_exporter/textfile/", "textfile/"),
        ("/etc/bash_completion.d/nag2prom", "nag2prom.bash"),
        ("/usr/local/share/man/man1", "man1"),
        ("127.0.0.1:10460", "127.0.0.1:PORT"),
    ] {
        c = c.replace(from, to);
    }
    if c.starts_with("nag2prom serve") && !c.contains("--web.listen-address") {
        c.push_str(" --web.listen-address 127.0.0.1:PORT");
    }
    c.replace("PORT", &port.to_string())
}

/// Every README command runs in the sandbox with the exit code and output the README shows,
/// or is run elsewhere ([`ELSEWHERE`]).
#[test]
fn readme_commands_run() {
    if !have(Path::new("/usr/bin/promtool"), "prometheus")
        || !have(Path::new("/usr/bin/git"), "git")
    {
        return;
    }
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let commands = readme_commands(&readme);
    assert!(commands.len() >= 20, "{commands:?}");
    let dir: PathBuf = std::env::temp_dir().join(format!("nag2prom-readme-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    sandbox(&dir);
    let path =
        format!("{}:{}", dir.join("bin").display(), std::env::var("PATH").unwrap_or_default());
    let mut bridges: Vec<Proc> = Vec::new();
    // The port of the last bridge started: the README's `curl 127.0.0.1:10460` reaches it.
    let mut bridge_port = None;
    let mut ran = 0;
    for command in &commands {
        if ELSEWHERE.iter().any(|(prefix, _)| command.starts_with(prefix)) {
            continue;
        }
        let port = match bridge_port {
            Some(p) if command.starts_with("curl ") => p,
            _ => free_port(),
        };
        let local = localise(command, port);
        if local.starts_with("nag2prom serve") {
            // Long-running: started and ready for the next commands, stopped at the end.
            let mut serve = Command::new("bash");
            serve.args(["-c", &format!("exec {local}")]).current_dir(&dir).env("PATH", &path);
            bridges.push(Proc::spawn("nag2prom serve", serve.stderr(std::process::Stdio::null())));
            assert!(
                wait_for(Duration::from_secs(10), || http_get(port, "/-/healthy").is_some()),
                "`{command}` never answered on {port}"
            );
            bridge_port = Some(port);
            ran += 1;
            continue;
        }
        let run = Command::new("bash")
            .args(["-o", "pipefail", "-c", &local])
            .current_dir(&dir)
            .env("PATH", &path)
            .output()
            .unwrap();
        let want = EXIT.iter().find(|(c, _)| command.starts_with(c)).map_or(0, |(_, code)| *code);
        assert_eq!(
            run.status.code(),
            Some(want),
            "README command `{command}` (run as `{local}`): {}",
            text(&run)
        );
        let out = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        for (prefix, needles) in OUTPUT {
            if command.starts_with(prefix) {
                for needle in *needles {
                    assert!(out.contains(needle), "`{command}` lacks `{needle}`: {out}");
                }
            }
        }
        ran += 1;
    }
    // What the commands wrote, where the README says.
    assert!(dir.join("tmp-prom/prometheus.yml").is_file());
    assert!(dir.join("textfile/nagios.prom").is_file());
    assert!(fs::read_to_string(dir.join("nag2prom.bash")).unwrap().contains("nag2prom"));
    assert!(dir.join("man1/nag2prom-convert.1").is_file());
    assert!(ran >= 15, "only {ran} README commands ran");
    drop(bridges);
    fs::remove_dir_all(&dir).unwrap();
}

/// Every README command is either run here or named as run elsewhere, and every entry of
/// [`ELSEWHERE`] still names a README command.
#[test]
fn readme_commands_are_all_accounted_for() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let commands = readme_commands(&readme);
    for (prefix, _) in ELSEWHERE {
        assert!(
            commands.iter().any(|c| c.starts_with(prefix)),
            "ELSEWHERE names `{prefix}`, no README command"
        );
    }
    for (prefix, _) in EXIT.iter() {
        assert!(
            commands.iter().any(|c| c.starts_with(prefix)),
            "EXIT names `{prefix}`, no README command"
        );
    }
    for (prefix, _) in OUTPUT {
        assert!(
            commands.iter().any(|c| c.starts_with(prefix)),
            "OUTPUT names `{prefix}`, no README command"
        );
    }
}
