//! `nag2prom convert` as a user runs it: the files it writes, checked with the real tools
//! (`promtool check rules`, `promtool test rules`, `promtool check config`, a live
//! Prometheus), on the demo, the corpus and hand-written bad input; secrets never leave.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{corpus, free_port, have, http_get, nag2prom, root, text};

const PROMTOOL: &str = "/usr/bin/promtool";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nag2prom-convert-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir`, sorted, with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

fn convert(config: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args =
        vec!["convert", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    nag2prom(&args)
}

/// The demo converted into a fresh scratch directory: `(scratch dir, output dir)`.
/// One host `host` (127.0.0.1) with one service per command of `commands` (`s0`, `s1`, …, each
/// running the command through `c!COMMAND`), converted into `dir/out`: the output directory
/// and its report.json.
fn converted_commands(dir: &Path, host: &str, commands: &[&str]) -> (PathBuf, serde_json::Value) {
    fs::write(dir.join("nagios.cfg"), "cfg_file=o.cfg\n").unwrap();
    let mut objects = format!(
        "define host {{\n host_name {host}\n address 127.0.0.1\n max_check_attempts 3\n check_period none\n contacts nobody\n notification_period none\n}}\n\
         define timeperiod {{\n timeperiod_name none\n alias none\n}}\n\
         define contact {{\n contact_name nobody\n host_notifications_enabled 0\n service_notifications_enabled 0\n host_notification_period none\n service_notification_period none\n host_notification_options n\n service_notification_options n\n host_notification_commands c\n service_notification_commands c\n}}\n\
         define command {{\n command_name c\n command_line $ARG1$\n}}\n"
    );
    for (i, command) in commands.iter().enumerate() {
        objects.push_str(&format!(
            "define service {{\n host_name {host}\n service_description s{i}\n check_command c!{command}\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n check_period none\n notification_period none\n contacts nobody\n}}\n"
        ));
    }
    fs::write(dir.join("o.cfg"), objects).unwrap();
    let out = dir.join("out");
    let run = convert(&dir.join("nagios.cfg"), &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    (out, report)
}

fn converted_demo(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let out = dir.join("out");
    let run = convert(&root().join("examples/demo/nagios.cfg"), &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    (dir, out)
}

/// `promtool check rules` and `promtool test rules` over the output directories, in two calls.
pub(crate) fn promtool_checks(dirs: &[PathBuf]) {
    if !have(Path::new(PROMTOOL), "prometheus") {
        return;
    }
    let mut rules = Vec::new();
    let mut tests = Vec::new();
    for dir in dirs {
        for (path, _) in files(dir) {
            let full = dir.join(&path);
            if path.starts_with("rules") {
                rules.push(full);
            } else if path.starts_with("tests") {
                tests.push(full);
            }
        }
    }
    for (what, list) in [("check", &rules), ("test", &tests)] {
        let out = Command::new(PROMTOOL).arg(what).arg("rules").args(list).output().unwrap();
        assert!(out.status.success(), "promtool {what} rules: {}", text(&out));
    }
}

#[test]
fn convert_demo_passes_promtool_and_is_reproducible() {
    let dir = scratch("demo");
    let out = dir.join("out");
    let cfg = root().join("examples/demo/nagios.cfg");
    let run = convert(&cfg, &out, &["--label-from-custom-var", "_SITE=site"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let first = files(&out);
    let names: Vec<String> = first.iter().map(|(p, _)| p.display().to_string()).collect();
    for expected in [
        "prometheus.yml",
        "report.json",
        "report.md",
        "rules/bridged.yml",
        "tests/bridged.yml",
        "targets/node.json",
    ] {
        assert!(names.contains(&expected.to_owned()), "{expected} missing: {names:?}");
    }
    // Coverage: every service is native or bridged.
    let report = String::from_utf8(fs::read(out.join("report.json")).unwrap()).unwrap();
    // Native and bridged are counted apart: bridged services still depend on Nagios.
    let totals: serde_json::Value = serde_json::from_str(&report).unwrap();
    let t = &totals["totals"];
    assert_eq!(
        t["native"].as_u64().unwrap() + t["bridged"].as_u64().unwrap(),
        t["services"].as_u64().unwrap()
    );
    assert!(t["native_percent"].as_f64().unwrap() > 50.0, "{t}");
    assert!(t["native_host_checks"].as_u64().unwrap() > 0, "{t}");
    assert!(report.contains("\"outcome\": \"native\""), "nothing native");
    // Targets carry host, hostgroups and the chosen custom variable.
    let node = fs::read_to_string(out.join("targets/node.json")).unwrap();
    for label in [
        "\"host\": \"mon-01\"",
        "\"hostgroups\": \",linux-servers,\"",
        "\"site\": \"dc1-loopback\"",
    ] {
        assert!(node.contains(label), "{label} missing from targets/node.json");
    }
    // No target label names the checks that use it (a check change would rename the series);
    // probes carry their own id.
    let blackbox = fs::read_to_string(out.join("targets/blackbox.json")).unwrap();
    assert!(!node.contains("nagios_checks") && !blackbox.contains("nagios_checks"));
    assert!(blackbox.contains("\"nagios_probe\": \"nagios_"), "{blackbox}");
    // Re-running an unchanged configuration changes no byte.
    let again = convert(&cfg, &out, &["--label-from-custom-var", "_SITE=site"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(first == files(&out), "a re-run changed the output");
    promtool_checks(std::slice::from_ref(&out));
    if have(Path::new(PROMTOOL), "prometheus") {
        let check = Command::new(PROMTOOL)
            .args(["check", "config"])
            .arg(out.join("prometheus.yml"))
            .output()
            .unwrap();
        assert!(check.status.success(), "promtool check config: {}", text(&check));
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn convert_help_teaches() {
    let out = nag2prom(&["convert", "--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "nag2prom convert --config /etc/nagios4/nagios.cfg --out prom/",
        "--plugins-version",
        "--bridge-address",
        "--label-from-custom-var",
        "bridged",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

#[test]
fn convert_config_errors_write_nothing() {
    let dir = scratch("errors");
    fs::write(dir.join("nagios.cfg"), "cfg_file=bad.cfg\n").unwrap();
    fs::write(dir.join("bad.cfg"), "define host {\n    host_name=a\n}\n").unwrap();
    // An earlier output (its manifest lists what it holds) survives a failed conversion.
    let out = dir.join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("keep.txt"), "old").unwrap();
    let manifest = r#"{"generator": "nag2prom convert", "version": "0", "files": ["keep.txt", "nag2prom-manifest.json"]}"#;
    fs::write(out.join("nag2prom-manifest.json"), manifest).unwrap();
    let run = convert(&dir.join("nagios.cfg"), &out, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "old");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 2);
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 3, "no staging leftovers");
    let usage = nag2prom(&["convert", "--config", "x.cfg"]);
    assert_eq!(usage.status.code(), Some(2), "--out is required");
    fs::remove_dir_all(&dir).unwrap();
}

const SECRET: &str = "Sup3rS3cretHunter2";

#[test]
fn convert_never_writes_secrets() {
    let dir = scratch("secrets");
    fs::write(dir.join("nagios.cfg"), "resource_file=resource.cfg\ncfg_file=o.cfg\n").unwrap();
    fs::write(
        dir.join("resource.cfg"),
        format!("$USER1$=/usr/lib/nagios/plugins\n$USER3$={SECRET}\n$USER4$=5,4,3\n"),
    )
    .unwrap();
    let objects = format!(
        "define host {{\n host_name h1\n address 127.0.0.1\n max_check_attempts 3\n check_period none\n contacts nobody\n notification_period none\n}}\n\
         define timeperiod {{\n timeperiod_name none\n alias none\n}}\n\
         define contact {{\n contact_name nobody\n host_notifications_enabled 0\n service_notifications_enabled 0\n host_notification_period none\n service_notification_period none\n host_notification_options n\n service_notification_options n\n host_notification_commands c_mysql\n service_notification_commands c_mysql\n}}\n\
         define command {{\n command_name c_mysql\n command_line $USER1$/check_mysql -H $HOSTADDRESS$ -u nagios -p $USER3$\n}}\n\
         define command {{\n command_name c_pgsql\n command_line $USER1$/check_pgsql -H $HOSTADDRESS$ -p $ARG1$ -w 2 -c 8\n}}\n\
         define command {{\n command_name c_http\n command_line $USER1$/check_http -H $HOSTADDRESS$ -a admin:$ARG1$\n}}\n\
         define command {{\n command_name c_smtp\n command_line $USER1$/check_smtp -H $HOSTADDRESS$ -A LOGIN -U u -P $ARG1$\n}}\n\
         define command {{\n command_name c_load\n command_line $USER1$/check_load -w $USER4$ -c 10\n}}\n\
         define service {{\n host_name h1\n service_description mysql\n check_command c_mysql\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n check_period none\n notification_period none\n contacts nobody\n}}\n\
         define service {{\n host_name h1\n service_description pgsql\n check_command c_pgsql!{SECRET}\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n check_period none\n notification_period none\n contacts nobody\n}}\n\
         define service {{\n host_name h1\n service_description http\n check_command c_http!{SECRET}\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n check_period none\n notification_period none\n contacts nobody\n}}\n\
         define service {{\n host_name h1\n service_description smtp\n check_command c_smtp!{SECRET}\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n check_period none\n notification_period none\n contacts nobody\n}}\n\
         define service {{\n host_name h1\n service_description load\n check_command c_load\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n check_period none\n notification_period none\n contacts nobody\n}}\n"
    );
    fs::write(dir.join("o.cfg"), objects).unwrap();
    let out = dir.join("out");
    let run = convert(&dir.join("nagios.cfg"), &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let log = text(&run);
    assert!(!log.contains(SECRET), "secret in the log: {log}");
    let all = files(&out);
    assert!(all.len() >= 5, "{all:?}");
    for (path, bytes) in &all {
        let content = String::from_utf8_lossy(bytes);
        assert!(!content.contains(SECRET), "secret in {}", path.display());
        assert!(!content.contains("5,4,3"), "a $USER4$ value was expanded into {}", path.display());
    }
    let report = fs::read_to_string(out.join("report.json")).unwrap();
    assert!(report.contains("$USERn$"), "the hidden threshold is explained: {report}");
    promtool_checks(&[out]);
    fs::remove_dir_all(&dir).unwrap();
}

/// Every corpus installation that converts cleanly passes promtool; broken ones exit 1
/// without writing. Installations: every `nagios.cfg`, the object-file sets the model
/// conformance tests use, and every valid edge case (with `00base.cfg`).
#[test]
fn convert_corpus_passes_promtool() {
    let Some(corpus) = corpus() else { return };
    let dir = scratch("corpus");
    let (configs, sets) = crate::support::corpus_installations(&corpus);
    assert!(!configs.is_empty());
    let mut outs = Vec::new();
    let mut failed = 0;
    for (i, cfg) in configs.iter().enumerate() {
        let out = dir.join(format!("cfg{i}"));
        let run = convert(cfg, &out, &[]);
        match run.status.code() {
            Some(0) => outs.push(out),
            Some(1 | 2) => {
                failed += 1;
                assert!(!out.exists(), "{}: failed run wrote output", cfg.display());
            }
            _ => panic!("{}: {}", cfg.display(), text(&run)),
        }
    }
    for (i, set) in sets.iter().enumerate() {
        let out = dir.join(format!("set{i}"));
        let mut args = vec!["convert".to_owned(), "--out".to_owned(), out.display().to_string()];
        args.extend(set.iter().map(|p| p.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = nag2prom(&args);
        assert_eq!(run.status.code(), Some(0), "{set:?}: {}", text(&run));
        outs.push(out);
    }
    eprintln!(
        "corpus: {} installations converted ({failed} nagios.cfg refused with diagnostics)",
        outs.len()
    );
    assert!(outs.len() >= 25, "only {} corpus installations converted", outs.len());
    promtool_checks(&outs);
    // Every alertmanager.yml is valid for the real amtool (issue 14), in one call.
    if have(Path::new("/usr/bin/amtool"), "prometheus-alertmanager") {
        let check = std::process::Command::new("/usr/bin/amtool")
            .arg("check-config")
            .args(outs.iter().map(|o| o.join("alertmanager.yml")))
            .output()
            .unwrap();
        assert!(check.status.success(), "amtool check-config: {}", text(&check));
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// Unknown plugins, arguments that do not parse and malformed thresholds are bridged, each
/// with its exact reason in the report; nothing native is guessed.
#[test]
fn convert_bad_checks_are_bridged_with_reasons() {
    let dir = scratch("bad");
    let mut objects = String::from(
        "define host {\n host_name h1\n address 127.0.0.1\n max_check_attempts 3\n check_period p\n contacts c\n notification_period p\n}\n\
         define timeperiod {\n timeperiod_name p\n alias p\n monday 00:00-24:00\n}\n\
         define contact {\n contact_name c\n host_notification_period p\n service_notification_period p\n host_notification_options n\n service_notification_options n\n host_notification_commands x\n service_notification_commands x\n}\n\
         define command {\n command_name x\n command_line /bin/true\n}\n",
    );
    let cases = [
        (
            "custom",
            "/opt/plugins/check_widget -w 1 -c 2",
            "plugin `check_widget` is not in the catalogue",
        ),
        (
            "unknown option",
            "/usr/lib/nagios/plugins/check_load -w 1 -c 2 -Z",
            "option `-Z` is not understood by check_load",
        ),
        (
            "missing value",
            "/usr/lib/nagios/plugins/check_load -w 1 -c",
            "option `-c` needs a value",
        ),
        (
            "bad threshold",
            "/usr/lib/nagios/plugins/check_load -w 5%,4,3 -c 10",
            "threshold -w `5%` is not a number",
        ),
        (
            "bad range",
            "/usr/lib/nagios/plugins/check_users -w 10:5 -c 20",
            "range start 10 is greater than its end 5",
        ),
        ("shell", "/usr/lib/nagios/plugins/check_load -w 1 -c 2 | tee /tmp/x", "shell syntax"),
        (
            "hidden",
            "/usr/lib/nagios/plugins/check_disk -w $USER7$ -c 10% -p /",
            "hidden behind a $USERn$ macro",
        ),
    ];
    for (i, (desc, line, _)) in cases.iter().enumerate() {
        objects.push_str(&format!(
            "define command {{\n command_name c{i}\n command_line {line}\n}}\n\
             define service {{\n host_name h1\n service_description {desc}\n check_command c{i}\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n check_period p\n notification_period p\n contacts c\n}}\n"
        ));
    }
    fs::write(dir.join("o.cfg"), objects).unwrap();
    let out = dir.join("out");
    let run =
        nag2prom(&["convert", "--out", out.to_str().unwrap(), dir.join("o.cfg").to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report = fs::read_to_string(out.join("report.json")).unwrap();
    assert!(report.contains("\"native\": 0,"), "{report}");
    for (desc, _, reason) in cases {
        let line = report
            .lines()
            .find(|l| l.contains(&format!("\"service_description\": \"{desc}\"")))
            .unwrap_or_else(|| panic!("{desc} missing"));
        assert!(line.contains("\"outcome\": \"bridged\""), "{line}");
        assert!(
            line.contains(&reason.replace('"', "\\\"")),
            "{desc}: expected `{reason}` in {line}"
        );
    }
    promtool_checks(&[out]);
    fs::remove_dir_all(&dir).unwrap();
}

/// Debian's Prometheus loads the generated prometheus.yml (rules, file_sd targets, bridge),
/// on 127.0.0.1 with a temporary storage directory, serves every rule group and sends its
/// alerts to the default Alertmanager.
#[test]
fn convert_output_loads_in_prometheus() {
    let prometheus = Path::new("/usr/bin/prometheus");
    if !have(prometheus, "prometheus") {
        return;
    }
    let (dir, out) = converted_demo("prometheus");
    let port = free_port();
    let mut child = Command::new(prometheus)
        .arg(format!("--config.file={}", out.join("prometheus.yml").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg(format!("--storage.tsdb.path={}", dir.join("data").display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut rules = None;
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(200));
        if let Some(body) = http_get(port, "/api/v1/rules")
            && body.contains("\"status\":\"success\"")
        {
            rules = Some(body);
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
    }
    let jobs = ["\"job\":\"node\"", "\"job\":\"blackbox\"", "\"job\":\"nagios_bridge\""];
    let mut targets = String::new();
    for _ in 0..50 {
        targets = http_get(port, "/api/v1/targets").unwrap_or_default();
        if jobs.iter().all(|j| targets.contains(j)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // The alerts go to the Alertmanager of --alertmanager-address (default 127.0.0.1:9093).
    let mut alertmanagers = String::new();
    for _ in 0..50 {
        alertmanagers = http_get(port, "/api/v1/alertmanagers").unwrap_or_default();
        if alertmanagers.contains("http://127.0.0.1:9093/api/v2/alerts") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let rules =
        rules.unwrap_or_else(|| panic!("prometheus never served its rules: {}", text(&output)));
    assert!(
        alertmanagers.contains("http://127.0.0.1:9093/api/v2/alerts"),
        "no alertmanager: {alertmanagers}"
    );
    for group in
        ["nagios.check_load", "nagios.check_disk", "nagios.bridged.services", "nagios.meta"]
    {
        assert!(rules.contains(&format!("\"name\":\"{group}\"")), "{group} not loaded: {rules}");
    }
    assert!(rules.contains("NagiosCheckLoad") && rules.contains("NagiosServiceCritical"));
    for job in jobs {
        assert!(targets.contains(job), "{job} has no targets: {targets}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// blackbox_exporter accepts the generated modules.
#[test]
fn convert_blackbox_modules_are_valid() {
    let blackbox = Path::new("/usr/bin/prometheus-blackbox-exporter");
    if !have(blackbox, "prometheus-blackbox-exporter") {
        return;
    }
    let (dir, out) = converted_demo("blackbox");
    let check = Command::new(blackbox)
        .arg(format!("--config.file={}", out.join("blackbox.yml").display()))
        .arg("--config.check")
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check));
    fs::remove_dir_all(&dir).unwrap();
}

/// Metric names (`prefix…`) the expressions of the generated rules under `dir/rules` use.
fn rule_metrics(dir: &Path, prefix: &str) -> std::collections::BTreeSet<String> {
    #[derive(serde::Deserialize)]
    struct File {
        groups: Vec<Group>,
    }
    #[derive(serde::Deserialize)]
    struct Group {
        rules: Vec<Rule>,
    }
    #[derive(serde::Deserialize)]
    struct Rule {
        expr: String,
    }
    let mut names = std::collections::BTreeSet::new();
    for (path, bytes) in files(dir) {
        if !path.starts_with("rules") {
            continue;
        }
        let file: File = serde_saphyr::from_slice(&bytes).unwrap();
        for rule in file.groups.iter().flat_map(|g| &g.rules) {
            let mut rest = rule.expr.as_str();
            while let Some(i) = rest.find(prefix) {
                let before = rest[..i].chars().last();
                let tail = &rest[i..];
                let end = tail
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(tail.len());
                if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                    names.insert(tail[..end].to_owned());
                }
                rest = &tail[end..];
            }
        }
    }
    names
}

/// Metric names in an exposition text.
fn exposed(text: &str) -> std::collections::BTreeSet<String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split(['{', ' ']).next().unwrap_or("").to_owned())
        .collect()
}

/// A running exporter, stopped when dropped.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(program: &Path, args: &[String], port: u16) -> Option<Running> {
    let child = Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let running = Running(child);
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(running);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    None
}

/// Every node_exporter metric the demo's rules use is exported by Debian's node_exporter
/// (on 127.0.0.1), except those whose collector needs a service this machine lacks.
#[test]
fn convert_node_metrics_exist_in_node_exporter() {
    let exporter = Path::new("/usr/bin/prometheus-node-exporter");
    if !have(exporter, "prometheus-node-exporter") {
        return;
    }
    let (dir, out) = converted_demo("node");
    let port = free_port();
    let args =
        vec![format!("--web.listen-address=127.0.0.1:{port}"), "--collector.processes".to_owned()];
    let _running = start(exporter, &args, port).expect("node_exporter starts");
    let metrics = exposed(&http_get(port, "/metrics").unwrap_or_default());
    // Collectors that need an NTP server (--collector.ntp) or D-Bus (--collector.logind).
    let needs_service = ["node_ntp_offset_seconds", "node_logind_sessions"];
    let used = rule_metrics(&out, "node_");
    assert!(
        used.contains("node_load1") && used.contains("node_filesystem_avail_bytes"),
        "{used:?}"
    );
    for name in used {
        assert!(
            metrics.contains(&name) || needs_service.contains(&name.as_str()),
            "{name} is not exported"
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// Every blackbox metric the demo's rules use is exported by Debian's blackbox_exporter when
/// the generated modules probe loopback services (a tiny HTTP server of this test).
#[test]
fn convert_probe_metrics_exist_in_blackbox_exporter() {
    let exporter = Path::new("/usr/bin/prometheus-blackbox-exporter");
    if !have(exporter, "prometheus-blackbox-exporter") {
        return;
    }
    let (dir, out) = converted_demo("probe");
    // A loopback HTTP server answering 200 to anything.
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let http_port = server.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in server.incoming().flatten() {
            let mut stream = stream;
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(300)));
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
    });
    let port = free_port();
    let args = vec![
        format!("--config.file={}", out.join("blackbox.yml").display()),
        format!("--web.listen-address=127.0.0.1:{port}"),
    ];
    let _running = start(exporter, &args, port).expect("blackbox_exporter starts");
    let config = fs::read_to_string(out.join("blackbox.yml")).unwrap();
    let mut metrics = std::collections::BTreeSet::new();
    let modules = config
        .lines()
        .filter_map(|l| l.strip_prefix("  ")?.strip_suffix(':'))
        .map(|m| m.trim_matches('\''));
    for module in modules {
        let target = if module.contains("icmp") {
            "127.0.0.1".to_owned()
        } else if module.contains("http") {
            format!("http://127.0.0.1:{http_port}/")
        } else {
            format!("127.0.0.1:{http_port}")
        };
        let body =
            http_get(port, &format!("/probe?module={module}&target={target}")).unwrap_or_default();
        metrics.extend(exposed(&body));
    }
    let used = rule_metrics(&out, "probe_");
    assert!(used.contains("probe_success") && used.contains("probe_http_status_code"), "{used:?}");
    for name in used {
        assert!(
            metrics.contains(&name),
            "{name} is not exported by any generated module: {metrics:?}"
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// The generated unit tests pin the edges: flipping `>`/`>=` or `<`/`<=` in a generated rule
/// makes `promtool test rules` fail (check_load `>`, check_disk's inclusive `@` ranges,
/// check_swap's `>=`, range checks of check_users and check_procs, check_http's times).
/// (check_ping is left out: with the demo's `-p 1` a loss is 0 or 100 %, so `>= 20` and
/// `> 20` are the same rule.)
#[test]
fn convert_tests_catch_edge_mutations() {
    if !have(Path::new(PROMTOOL), "prometheus") {
        return;
    }
    let (dir, out) = converted_demo("mutations");
    let mut mutated = 0;
    for plugin in ["check_load", "check_disk", "check_swap", "check_users", "check_http"] {
        mutated += mutations_caught(&out, plugin);
    }
    // The demo's only check_procs is the stock `-s RSZDT`, which counts no process (a
    // constant 0, as the plugin): its edges are pinned on a process count of its own.
    let procs = dir.join("procs.cfg");
    fs::write(
        &procs,
        "define command {\n command_name p\n command_line /usr/lib/nagios/plugins/check_procs -w 150 -c 200\n}\n\
         define host {\n host_name h\n address 127.0.0.1\n max_check_attempts 1\n check_period t\n contacts c\n notification_period t\n}\n\
         define service {\n host_name h\n service_description Procs\n check_command p\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period t\n notification_period t\n contacts c\n}\n\
         define timeperiod {\n timeperiod_name t\n alias t\n}\n\
         define contact {\n contact_name c\n host_notifications_enabled 0\n service_notifications_enabled 0\n host_notification_period t\n service_notification_period t\n host_notification_options n\n service_notification_options n\n host_notification_commands p\n service_notification_commands p\n}\n",
    )
    .unwrap();
    let procs_out = dir.join("procs");
    let run = nag2prom(&["convert", "--out", procs_out.to_str().unwrap(), procs.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    mutated += mutations_caught(&procs_out, "check_procs");
    assert!(mutated >= 6, "only {mutated} mutations tried");
    fs::remove_dir_all(&dir).unwrap();
}

/// Flip each comparison edge of `rules/PLUGIN.yml` once; `promtool test rules` must fail on
/// every flip. Returns how many flips were tried.
fn mutations_caught(out: &Path, plugin: &str) -> usize {
    let rules = out.join(format!("rules/{plugin}.yml"));
    let original = fs::read_to_string(&rules).unwrap();
    let mut mutated = 0;
    for (from, to) in [(") > ", ") >= "), (") >= ", ") > "), (") <= ", ") < "), (") < ", ") <= ")] {
        let Some(at) = original.find(from) else { continue };
        let mut text = original.clone();
        text.replace_range(at..at + from.len(), to);
        fs::write(&rules, &text).unwrap();
        let test = Command::new(PROMTOOL)
            .args(["test", "rules"])
            .arg(out.join(format!("tests/{plugin}.yml")))
            .output()
            .unwrap();
        assert!(!test.status.success(), "{plugin}: `{from}` → `{to}` went unnoticed");
        mutated += 1;
    }
    fs::write(&rules, &original).unwrap();
    mutated
}

/// `--nrpe-config`: check_nrpe services run the remote nrpe.cfg command, translated natively
/// on the host; unknown remote commands stay bridged.
#[test]
fn convert_nrpe_config_translates_remote_commands() {
    let dir = scratch("nrpe");
    fs::write(
        dir.join("nrpe.cfg"),
        "command[check_load]=/usr/lib/nagios/plugins/check_load -r -w .15,.10,.05 -c .30,.25,.20\ncommand[check_root]=/usr/lib/nagios/plugins/check_disk -w $ARG1$ -c $ARG2$ -p /\n",
    )
    .unwrap();
    let mut objects = String::from(
        "define host {\n host_name web\n address 10.9.9.9\n max_check_attempts 3\n check_period p\n contacts c\n notification_period p\n}\n\
         define timeperiod {\n timeperiod_name p\n alias p\n monday 00:00-24:00\n}\n\
         define contact {\n contact_name c\n host_notification_period p\n service_notification_period p\n host_notification_options n\n service_notification_options n\n host_notification_commands x\n service_notification_commands x\n}\n\
         define command {\n command_name x\n command_line /bin/true\n}\n\
         define command {\n command_name check_nrpe\n command_line $USER1$/check_nrpe -H $HOSTADDRESS$ -c $ARG1$ -a $ARG2$ $ARG3$\n}\n",
    );
    for (desc, cmd) in [
        ("load", "check_nrpe!check_load!x!y"),
        ("root", "check_nrpe!check_root!20%!10%"),
        ("other", "check_nrpe!check_mailq!1!2"),
    ] {
        objects.push_str(&format!(
            "define service {{\n host_name web\n service_description {desc}\n check_command {cmd}\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n check_period p\n notification_period p\n contacts c\n}}\n"
        ));
    }
    fs::write(dir.join("o.cfg"), objects).unwrap();
    let out = dir.join("out");
    let (nrpe, objects) = (dir.join("nrpe.cfg"), dir.join("o.cfg"));
    let args = [
        "convert",
        "--out",
        out.to_str().unwrap(),
        "--nrpe-config",
        nrpe.to_str().unwrap(),
        objects.to_str().unwrap(),
    ];
    let run = nag2prom(&args);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report = fs::read_to_string(out.join("report.json")).unwrap();
    let line = |desc: &str| {
        report
            .lines()
            .find(|l| {
                l.contains(&format!("\"host_name\": \"web\", \"service_description\": \"{desc}\""))
            })
            .unwrap_or_default()
            .to_owned()
    };
    assert!(line("load").contains("\"outcome\": \"native\""), "{report}");
    assert!(line("root").contains("\"outcome\": \"native\""), "{report}");
    assert!(
        line("other").contains("remote command `check_mailq` is not in the given nrpe.cfg"),
        "{report}"
    );
    assert!(report.contains("check_nrpe -c check_root → check_disk -w @20% -c @10%"), "{report}");
    promtool_checks(&[out]);
    fs::remove_dir_all(&dir).unwrap();
}

/// Names with quotes, backslashes, `|`, `{{`, YAML-looking values (`yes`, `on`, `off`) and
/// regex metacharacters survive into valid rules, templates, selectors and unit tests.
#[test]
fn convert_special_characters_survive() {
    let dir = scratch("weird");
    fs::write(dir.join("o.cfg"), WEIRD).unwrap();
    let out = dir.join("out");
    let args = ["convert", "--out", out.to_str().unwrap(), "--label-from-custom-var", "_SITE=site"];
    let run = nag2prom(&[&args[..], &[dir.join("o.cfg").to_str().unwrap()]].concat());
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report = fs::read_to_string(out.join("report.json")).unwrap();
    assert!(report.contains("\"native\": 3,"), "{report}");
    let rules = fs::read_to_string(out.join("rules/check_load.yml")).unwrap();
    assert!(rules.contains("site: \"off\""), "a YAML 1.1 boolean stays a string: {rules}");
    assert_eq!(
        rules.matches("nagios_notify").count(),
        3,
        "only the service with notifications off (warning, critical, no data): {rules}"
    );
    promtool_checks(std::slice::from_ref(&out));
    if have(Path::new(PROMTOOL), "prometheus") {
        let check = Command::new(PROMTOOL)
            .args(["check", "config"])
            .arg(out.join("prometheus.yml"))
            .output()
            .unwrap();
        assert!(check.status.success(), "{}", text(&check));
    }
    fs::remove_dir_all(&dir).unwrap();
}

const WEIRD: &str = r#"define host {
 host_name web.example-01
 address 127.0.0.5
 max_check_attempts 3
 check_period p
 contacts c
 notification_period p
 _SITE yes
}
define host {
 host_name db(2)
 address 127.0.0.6
 max_check_attempts 1
 check_period p
 contacts c
 notification_period p
 _SITE on
}
define timeperiod {
 timeperiod_name p
 alias p
 monday 00:00-24:00
}
define contact {
 contact_name c
 host_notification_period p
 service_notification_period p
 host_notification_options d,u
 service_notification_options w,c
 host_notification_commands x
 service_notification_commands x
}
define contactgroup {
 contactgroup_name ops{{x}}
 alias o
 members c
}
define command {
 command_name x
 command_line /bin/true
}
define command {
 command_name load
 command_line /usr/lib/nagios/plugins/check_load -w $ARG1$ -c $ARG2$
}
define command {
 command_name weird
 command_line /opt/x/check_weird "$ARG1$"
}
define service {
 host_name web.example-01,db(2)
 service_description Load "1" {{ $labels.x }} | yes
 check_command load!1,2,3!4,5,6
 max_check_attempts 3
 check_interval 5
 retry_interval 1
 check_period p
 notification_period p
 contact_groups ops{{x}}
 notes_url http://wiki/$HOSTNAME$/$SERVICEDESC$?a={{b}}
 _SITE off
}
define service {
 host_name web.example-01
 service_description Weird \ name: yes
 check_command weird!a b
 max_check_attempts 3
 check_interval 5
 retry_interval 1
 check_period p
 notification_period p
 contacts c
}
define service {
 host_name db(2)
 service_description Weird \ name: yes
 check_command load!1!2
 max_check_attempts 3
 check_interval 5
 retry_interval 1
 check_period p
 notification_period p
 contacts c
 notifications_enabled 0
}
"#;

/// `$_SERVICEx$` / `$_HOSTx$` custom-variable macros in thresholds resolve per service
/// (okconfig's `okc-check_ping`): equal values share a rule group, different values get
/// their own, and each group's rule carries its own threshold.
#[test]
fn convert_resolves_custom_variable_macros() {
    let dir = scratch("macros");
    let mut cfg = String::from(
        "define command {\n command_name okc-check_ping\n command_line /usr/lib/nagios/plugins/check_ping -H $HOSTADDRESS$ -w '$_SERVICE_WARNING_ROUND_TRIP$,$_SERVICE_WARNING_PACKETLOSS$' -c '$_HOSTCRIT_RTA$,100%'\n}\n\
         define timeperiod {\n timeperiod_name t\n alias t\n}\n\
         define contact {\n contact_name c\n host_notifications_enabled 0\n service_notifications_enabled 0\n host_notification_period t\n service_notification_period t\n host_notification_options n\n service_notification_options n\n host_notification_commands okc-check_ping\n service_notification_commands okc-check_ping\n}\n\
         define service {\n name okc-ping\n register 0\n service_description PING\n check_command okc-check_ping\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period t\n notification_period t\n contacts c\n __WARNING_ROUND_TRIP 100.0\n __WARNING_PACKETLOSS 20%\n}\n",
    );
    for (i, crit) in [(1, "500"), (2, "500"), (3, "900")] {
        cfg.push_str(&format!(
            "define host {{\n host_name h{i}\n address 127.0.0.{i}\n max_check_attempts 1\n check_period t\n contacts c\n notification_period t\n _CRIT_RTA {crit}\n}}\n\
             define service {{\n use okc-ping\n host_name h{i}\n}}\n"
        ));
    }
    fs::write(dir.join("o.cfg"), cfg).unwrap();
    let out = dir.join("out");
    let run =
        nag2prom(&["convert", "--out", out.to_str().unwrap(), dir.join("o.cfg").to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report = fs::read_to_string(out.join("report.json")).unwrap();
    assert!(report.contains("\"native\": 3,"), "all three PING services are native: {report}");
    let rules = fs::read_to_string(out.join("rules/check_ping.yml")).unwrap();
    assert!(rules.contains(">= 500") && rules.contains(">= 900"), "{rules}");
    let members = fs::read_to_string(out.join("rules/members.yml")).unwrap();
    assert!(members.contains("host=~\"h1|h2\"") && members.contains("host=~\"h3\""), "{members}");
    promtool_checks(std::slice::from_ref(&out));
    fs::remove_dir_all(&dir).unwrap();
}

/// The oldest Prometheus the output needs is written down (README, docs/translation.md,
/// prometheus.yml) and the real promtool the tests run is at least that version.
#[test]
fn convert_minimum_prometheus_is_documented_and_met() {
    let min = nag2prom::emit::prometheus::MIN_PROMETHEUS;
    let (dir, out) = converted_demo("minimum");
    let yml = fs::read_to_string(out.join("prometheus.yml")).unwrap();
    assert!(yml.contains(&format!("Prometheus >= {min}")), "{yml}");
    for doc in ["README.md", "docs/translation.md"] {
        let text = fs::read_to_string(root().join(doc)).unwrap();
        assert!(
            text.contains(&format!("Prometheus {min}")),
            "{doc} does not name Prometheus {min}"
        );
    }
    if have(Path::new(PROMTOOL), "prometheus") {
        let version = Command::new(PROMTOOL).arg("--version").output().unwrap();
        let text = String::from_utf8_lossy(&version.stdout).into_owned()
            + &String::from_utf8_lossy(&version.stderr);
        let found = text
            .split_whitespace()
            .skip_while(|w| *w != "version")
            .nth(1)
            .unwrap_or("0")
            .to_owned();
        let parse = |v: &str| -> Vec<u32> {
            v.split(['.', '+', '-']).filter_map(|p| p.parse().ok()).collect()
        };
        assert!(parse(&found) >= parse(min), "promtool {found} is older than {min}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// windows_exporter's documented metrics that check_nt translations read (docs/collector.*.md
/// of prometheus-community/windows_exporter; Debian does not package it, so the names are
/// checked against its documentation, with the version each is documented for).
const WINDOWS_EXPORTER_METRICS: &[&str] = &[
    "windows_cpu_time_total",             // collector.cpu.md, all versions
    "windows_memory_committed_bytes",     // collector.memory.md, 0.20 on
    "windows_memory_commit_limit",        // collector.memory.md, 0.20 on
    "windows_logical_disk_free_bytes",    // collector.logical_disk.md
    "windows_logical_disk_size_bytes",    // collector.logical_disk.md
    "windows_service_state",              // collector.service.md (name, state labels)
    "windows_process_threads",            // collector.process.md (process, process_id)
    "windows_system_boot_time_timestamp", // collector.system.md, 0.30.6 on
    "windows_system_system_up_time",      // collector.system.md up to 0.29 (a boot timestamp)
];

/// check_nt (NSClient++) services on a Windows host: each variable of Debian's windows.cfg
/// with the upstream command (which passes `$ARG2$`) becomes windows_exporter rules that pass
/// promtool's checks and unit tests; Debian's own command (no `$ARG2$`) is reported as what
/// the plugin really answers; the agent's password never leaves.
#[test]
fn check_nt_services_become_windows_exporter_rules() {
    let dir = scratch("check-nt");
    fs::write(dir.join("nagios.cfg"), "cfg_file=o.cfg\n").unwrap();
    let mut objects = String::from(
        "define host {\n host_name win1\n address 127.0.0.9\n max_check_attempts 3\n check_period none\n contacts nobody\n notification_period none\n}\n\
         define timeperiod {\n timeperiod_name none\n alias none\n}\n\
         define contact {\n contact_name nobody\n host_notifications_enabled 0\n service_notifications_enabled 0\n host_notification_period none\n service_notification_period none\n host_notification_options n\n service_notification_options n\n host_notification_commands nt\n service_notification_commands nt\n}\n\
         define command {\n command_name nt\n command_line /usr/lib/nagios/plugins/check_nt -H $HOSTADDRESS$ -p 12489 -s nsclient-s3cret -v $ARG1$ $ARG2$\n}\n\
         define command {\n command_name nt_debian\n command_line /usr/lib/nagios/plugins/check_nt -H '$HOSTADDRESS$' -v '$ARG1$'\n}\n\
         define command {\n command_name okc-check_nrpe\n command_line /usr/lib/nagios/plugins/check_nrpe -u -t 20 -H $HOSTADDRESS$ -c $ARG1$\n}\n",
    );
    let services = [
        ("Version", "nt!CLIENTVERSION"),
        ("Uptime", "nt!UPTIME!-l hours -w 24 -c 1"),
        ("CPU", "nt!CPULOAD!-l 5,80,90"),
        ("Memory", "nt!MEMUSE!-w 80 -c 90"),
        ("Disk C", "nt!USEDDISKSPACE!-l c -w 80 -c 90"),
        ("W3SVC", "nt!SERVICESTATE!-d SHOWALL -l W3SVC"),
        ("Explorer", "nt!PROCSTATE!-d SHOWALL -l Explorer.exe"),
        ("Debian CPU", "nt_debian!CPULOAD!-l 5,80,90"),
        // NSClient++ through NRPE, as okconfig's windows-check_service asks it.
        ("Print Spooler", "okc-check_nrpe!CheckServiceState -a ShowAll \"Spooler\""),
    ];
    for (description, command) in services {
        objects.push_str(&format!(
            "define service {{\n host_name win1\n service_description {description}\n check_command {command}\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n check_period none\n notification_period none\n contacts nobody\n notification_options w,c,u,r\n}}\n"
        ));
    }
    fs::write(dir.join("o.cfg"), objects).unwrap();
    let out = dir.join("out");
    let run = convert(&dir.join("nagios.cfg"), &out, &["--windows-exporter-port", "19182"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["totals"]["native"], 8, "{}", report["services"]);
    let debian = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_description"] == "Debian CPU")
        .unwrap();
    assert_eq!(debian["code"], "bridge/plugin-refuses");
    assert!(debian["reason"].as_str().unwrap().contains("$ARG2$"));
    let targets = fs::read_to_string(out.join("targets/windows.json")).unwrap();
    assert!(targets.contains("127.0.0.9:19182"), "{targets}");
    let config = fs::read_to_string(out.join("prometheus.yml")).unwrap();
    assert!(config.contains("job_name: windows"), "{config}");
    let mut rules = String::new();
    for (path, bytes) in files(&out) {
        let content = String::from_utf8_lossy(&bytes).into_owned();
        assert!(!content.contains("nsclient-s3cret"), "the agent password in {}", path.display());
        if path.starts_with("rules") {
            rules.push_str(&content);
        }
    }
    let mut used = std::collections::BTreeSet::new();
    for word in rules.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.starts_with("windows_") && word != "windows_exporter" {
            used.insert(word.to_owned());
        }
    }
    for metric in &used {
        assert!(WINDOWS_EXPORTER_METRICS.contains(&metric.as_str()), "undocumented {metric}");
    }
    assert!(used.len() >= 8, "{used:?}");
    // A service the exporter does not list (NSClient++ does not answer OK for it) fires the
    // service rule, not its no-data companion, while windows_exporter answers.
    let check_nt = fs::read_to_string(out.join("rules/check_nt.yml")).unwrap();
    let id = check_nt
        .lines()
        .skip_while(|l| l.trim() != "service: W3SVC")
        .find_map(|l| l.trim().strip_prefix("nagios_check: check_nt_"))
        .map(|tail| format!("check_nt_{tail}"))
        .unwrap();
    let member = format!(
        "nagios:check:member{{host=\"win1\",instance=\"127.0.0.9:19182\",job=\"windows\",nagios_check=\"{id}\",service=\"W3SVC\"}}"
    );
    let unlisted = serde_json::json!({
        "rule_files": ["../rules/check_nt.yml"],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": [
                {"series": member, "values": "1x6"},
                {"series": "up{host=\"win1\",instance=\"127.0.0.9:19182\",job=\"windows\"}", "values": "1x6"},
                {"series": "windows_service_state{host=\"win1\",instance=\"127.0.0.9:19182\",job=\"windows\",name=\"Spooler\",state=\"running\"}", "values": "1x6"},
            ],
            "promql_expr_test": [{
                "expr": "count by (alertname, name) (ALERTS{alertstate=\"firing\", service=\"W3SVC\"})",
                "eval_time": "5m",
                "exp_samples": [{"labels": "{alertname=\"NagiosCheckNtService\", name=\"W3SVC\"}", "value": 1}],
            }],
        }],
    });
    // Through NRPE the agent answers UNKNOWN for a service it cannot open (NSClient++ 0.5+):
    // the no-data companion fires, the service rule does not; a stopped one is CRITICAL.
    let check_nrpe = fs::read_to_string(out.join("rules/check_nrpe.yml")).unwrap();
    let nrpe_id = check_nrpe
        .lines()
        .find_map(|l| l.trim().strip_prefix("nagios_check: check_nrpe_"))
        .map(|tail| format!("check_nrpe_{tail}"))
        .unwrap();
    let target = "host=\"win1\",instance=\"127.0.0.9:19182\",job=\"windows\"";
    let nrpe_member = |instance: &str| {
        format!(
            "nagios:check:member{{host=\"win1\",instance=\"{instance}\",job=\"windows\",nagios_check=\"{nrpe_id}\",service=\"Print Spooler\"}}"
        )
    };
    let nrpe = serde_json::json!({
        "rule_files": ["../rules/check_nrpe.yml"],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": [
                {"series": nrpe_member("127.0.0.9:19182"), "values": "1x6"},
                {"series": format!("up{{{target}}}"), "values": "1x6"},
                {"series": format!("windows_service_state{{{target},name=\"w3svc\",state=\"running\"}}"), "values": "1x6"},
                {"series": nrpe_member("127.0.0.10:19182"), "values": "1x6"},
                {"series": "up{host=\"win1\",instance=\"127.0.0.10:19182\",job=\"windows\"}", "values": "1x6"},
                {"series": "windows_service_state{host=\"win1\",instance=\"127.0.0.10:19182\",job=\"windows\",name=\"spooler\",state=\"running\"}", "values": "0x6"},
                {"series": "windows_service_state{host=\"win1\",instance=\"127.0.0.10:19182\",job=\"windows\",name=\"spooler\",state=\"stopped\"}", "values": "1x6"},
            ],
            "promql_expr_test": [{
                "expr": "count by (alertname, instance, severity) (ALERTS{alertstate=\"firing\", service=\"Print Spooler\"})",
                "eval_time": "5m",
                "exp_samples": [
                    {"labels": "{alertname=\"NagiosCheckNtServiceNoData\", instance=\"127.0.0.9:19182\", severity=\"warning\"}", "value": 1},
                    {"labels": "{alertname=\"NagiosCheckNtService\", instance=\"127.0.0.10:19182\", severity=\"critical\"}", "value": 1},
                ],
            }],
        }],
    });
    fs::create_dir_all(out.join("tests-unlisted")).unwrap();
    let unlisted_file = out.join("tests-unlisted/unlisted.json");
    fs::write(&unlisted_file, serde_json::to_vec(&unlisted).unwrap()).unwrap();
    let nrpe_file = out.join("tests-unlisted/nrpe.json");
    fs::write(&nrpe_file, serde_json::to_vec(&nrpe).unwrap()).unwrap();
    if have(Path::new(PROMTOOL), "prometheus") {
        for file in [&unlisted_file, &nrpe_file] {
            let run = Command::new(PROMTOOL).args(["test", "rules"]).arg(file).output().unwrap();
            assert!(run.status.success(), "{}: {}", file.display(), text(&run));
        }
    }
    fs::remove_dir_all(out.join("tests-unlisted")).unwrap();
    promtool_checks(&[out]);
    fs::remove_dir_all(&dir).unwrap();
}

/// `check_procs -C NAME`: the generated process-exporter.yml, run by the real
/// process-exporter (Debian prometheus-process-exporter), counts the same processes as the
/// real check_procs: a process of a unique command name started by this test, and a name no
/// process has. The rules pass promtool's checks and unit tests.
#[test]
fn check_procs_by_command_counts_like_the_plugin_on_process_exporter() {
    let exporter = Path::new("/usr/bin/prometheus-process-exporter");
    let plugin = Path::new("/usr/lib/nagios/plugins/check_procs");
    if !have(exporter, "prometheus-process-exporter") || !have(plugin, "monitoring-plugins-basic") {
        return;
    }
    let dir = scratch("procs-comm");
    // A process whose command name is ours alone: a copy of sleep under a unique name.
    let name = format!("n2psleep{}", std::process::id() % 100_000);
    let program = dir.join(&name);
    fs::copy("/bin/sleep", &program).unwrap();
    let mut sleeper = Command::new(&program).arg("300").spawn().unwrap();
    let absent = format!("n2pnone{}", std::process::id() % 100_000);
    fs::write(dir.join("nagios.cfg"), "cfg_file=o.cfg\n").unwrap();
    let mut objects = String::from(
        "define host {\n host_name localhost\n address 127.0.0.1\n max_check_attempts 3\n check_period none\n contacts nobody\n notification_period none\n}\n\
         define timeperiod {\n timeperiod_name none\n alias none\n}\n\
         define contact {\n contact_name nobody\n host_notifications_enabled 0\n service_notifications_enabled 0\n host_notification_period none\n service_notification_period none\n host_notification_options n\n service_notification_options n\n host_notification_commands procs\n service_notification_commands procs\n}\n\
         define command {\n command_name procs\n command_line /usr/lib/nagios/plugins/check_procs -w $ARG1$ -c $ARG2$ -C $ARG3$\n}\n\
         define command {\n command_name procs_user\n command_line /usr/lib/nagios/plugins/check_procs -c $ARG1$ -C $ARG2$ -u $ARG3$\n}\n",
    );
    let me = Command::new("id").arg("-un").output().unwrap();
    let me = String::from_utf8_lossy(&me.stdout).trim().to_owned();
    for (description, command) in [
        ("Ours", format!("procs!1:1!1:!{name}")),
        ("Absent", format!("procs!1:!1:!{absent}")),
        ("Ours By User", format!("procs_user!1:!{name}!{me}")),
    ] {
        objects.push_str(&format!(
            "define service {{\n host_name localhost\n service_description {description}\n check_command {command}\n max_check_attempts 1\n check_interval 5\n retry_interval 1\n check_period none\n notification_period none\n contacts nobody\n}}\n"
        ));
    }
    fs::write(dir.join("o.cfg"), objects).unwrap();
    let out = dir.join("out");
    let run = convert(&dir.join("nagios.cfg"), &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["totals"]["native"], 3, "{report}");
    let config = out.join("process-exporter.yml");
    assert!(config.exists(), "process-exporter.yml is written");
    assert!(
        fs::read_to_string(out.join("targets/process.json")).unwrap().contains("127.0.0.1:9256")
    );

    // The real plugin: one process of our name, none of the other.
    let count = |comm: &str| {
        let o = Command::new(plugin).args(["-C", comm]).output().unwrap();
        let t = String::from_utf8_lossy(&o.stdout).into_owned();
        t.split_whitespace().nth(2).and_then(|n| n.parse::<u32>().ok()).unwrap_or(u32::MAX)
    };
    assert_eq!(count(&name), 1, "check_procs sees the test's process");
    assert_eq!(count(&absent), 0);
    let by_user = Command::new(plugin).args(["-C", &name, "-u", &me]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&by_user.stdout).contains(": 1 process"),
        "check_procs -u {me}"
    );

    // The real exporter on the generated file.
    let port = free_port();
    let mut proc = crate::support::Proc::spawn(
        "process-exporter",
        Command::new(exporter)
            .arg("-config.path")
            .arg(&config)
            .arg("-children=false")
            .arg("-recheck")
            .arg("-web.listen-address")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    );
    // Groups are per command name and user: the rules sum a name's groups, or select one user's.
    let series =
        format!("namedprocess_namegroup_num_procs{{groupname=\"nagios_comm_{name}:{me}\"}} 1");
    let mut metrics = String::new();
    let seen = crate::support::wait_for(std::time::Duration::from_secs(20), || {
        assert!(proc.running(), "process-exporter exited");
        metrics = http_get(port, "/metrics").unwrap_or_default();
        metrics.contains(&series)
    });
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    assert!(seen, "the exporter counts the process as check_procs does: {series}\n{metrics}");
    assert!(
        !metrics.contains(&format!("groupname=\"nagios_comm_{absent}\"")),
        "a group that never matched is absent (the rule falls back to 0)"
    );
    promtool_checks(&[out]);
    fs::remove_dir_all(&dir).unwrap();
}

/// `check_nt -v COUNTER`: every performance counter the rules read is an object counter of
/// the generated windows_exporter.yml, under the series name the rule selects, in the schema
/// of windows_exporter's performancecounter collector (`internal/collector/performancecounter/
/// types.go`, 0.30+; windows_exporter has no Debian package to run). The rules pass promtool.
#[test]
fn check_nt_counters_are_read_by_the_generated_windows_exporter_config() {
    use nag2prom::translate::windows::Object;
    let dir = scratch("nt-counter");
    // okconfig's Exchange commands, and thresholds in both directions.
    let commands = [
        r#"/usr/lib/nagios/plugins/check_nt -H $HOSTADDRESS$ -p 12489 -v COUNTER -l "\\MSExchangeIS\\User Count","User Count: %.f""#,
        r#"/usr/lib/nagios/plugins/check_nt -H $HOSTADDRESS$ -p 12489 -v COUNTER -l "\\MSExchange Content Filter Agent(_Total)\\Messages Deleted" -w 100 -c 200"#,
        r#"/usr/lib/nagios/plugins/check_nt -H $HOSTADDRESS$ -v COUNTER -l "\\Memory\\Available MBytes","free" -w 512 -c 256"#,
        r#"/usr/lib/nagios/plugins/check_nt -H $HOSTADDRESS$ -v COUNTER -l "\\Processor(_Total)\\% Processor Time" -c 95"#,
    ];
    let (out, report) = converted_commands(&dir, "exch", &commands);
    assert_eq!(report["totals"]["native"], commands.len(), "{}", report["services"]);

    let config_text = fs::read_to_string(out.join("windows_exporter.yml")).unwrap();
    let config: nag2prom::emit::prometheus::WindowsExporterConfig =
        serde_saphyr::from_str(&config_text).unwrap();
    assert_eq!(config.collectors.enabled, "[defaults],performancecounter");
    // The flag's value is YAML text windows_exporter parses itself, into types.go's Object
    // and Counter: these are the yaml tags it declares.
    let inner: Vec<serde_json::Value> =
        serde_saphyr::from_str(&config.collector.performancecounter.objects).unwrap();
    let object_keys = ["name", "object", "type", "instances", "counters", "instance_label"];
    let counter_keys = ["name", "type", "metric", "labels"];
    for o in &inner {
        for k in o.as_object().unwrap().keys() {
            assert!(object_keys.contains(&k.as_str()), "windows_exporter has no object key {k}");
        }
        for c in o["counters"].as_array().unwrap() {
            for k in c.as_object().unwrap().keys() {
                assert!(counter_keys.contains(&k.as_str()), "no counter key {k}");
            }
        }
        // pdh.CounterTypeRaw / CounterTypeFormatted; Counter.Type "counter" / "gauge".
        assert_eq!(o["type"], "formatted");
    }
    let inner: Vec<Object> =
        serde_saphyr::from_str(&config.collector.performancecounter.objects).unwrap();
    let names: Vec<&str> = inner.iter().map(|o| o.name.as_str()).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        names.len(),
        "object names are unique (the collector refuses duplicates)"
    );
    let defined: Vec<(&str, bool)> = inner
        .iter()
        .flat_map(|o| o.counters.iter().map(move |c| (c.metric.as_str(), o.instances.is_some())))
        .collect();
    assert_eq!(defined.len(), 4, "{config_text}");

    // Every windows_nagios_ series a rule reads is defined there, with counter_instance
    // exactly where the object is read by instance.
    let rules = fs::read_to_string(out.join("rules/check_nt.yml")).unwrap();
    let mut read = 0;
    for (metric, instanced) in &defined {
        let at = rules.find(metric).unwrap_or_else(|| panic!("no rule reads {metric}"));
        let selector = &rules[at..rules[at..].find('}').map_or(rules.len(), |e| at + e)];
        assert_eq!(selector.contains("counter_instance"), *instanced, "{selector}");
        read += 1;
    }
    assert_eq!(read, 4);
    for word in rules.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.starts_with("windows_nagios_") {
            assert!(defined.iter().any(|(m, _)| *m == word), "{word} is not configured");
        }
    }
    promtool_checks(&[out]);
    fs::remove_dir_all(&dir).unwrap();
}

/// blackbox_exporter accepts the modules of every probe option the translations write:
/// check_http -e/-s/-r/-R/-P/-k/-j, check_dns -a, the check_tcp protocol names. (An `-e`
/// with a reason phrase is bridged, so `-e 'HTTP/1.0 200'` stands for the status-line form.)
#[test]
fn convert_blackbox_modules_of_every_probe_option_are_valid() {
    let blackbox = Path::new("/usr/bin/prometheus-blackbox-exporter");
    if !have(blackbox, "prometheus-blackbox-exporter") {
        return;
    }
    let dir = scratch("blackbox-options");
    let commands = [
        "/usr/lib/nagios/plugins/check_http -H $HOSTADDRESS$ -e 'HTTP/1.0 200'",
        "/usr/lib/nagios/plugins/check_http -H $HOSTADDRESS$ -e 200,301 -s 'it''s up'",
        "/usr/lib/nagios/plugins/check_http -H $HOSTADDRESS$ -R '^(ok|fine)$' --invert-regex",
        "/usr/lib/nagios/plugins/check_http -H $HOSTADDRESS$ -P 'q=1&x=[2]' -T application/json -k 'X-Probe: nagios'",
        "/usr/lib/nagios/plugins/check_http -H $HOSTADDRESS$ -j OPTIONS -r 'a.b'",
        "/usr/lib/nagios/plugins/check_dns -H www.example.org -s $HOSTADDRESS$ -a 192.0.2.1,198.51.100.0/24",
        "/usr/lib/nagios/plugins/check_dns -H www.example.org -s $HOSTADDRESS$ -q AAAA -a 2001:db8::1",
        "/usr/lib/nagios/plugins/check_imap -H $HOSTADDRESS$",
        "/usr/lib/nagios/plugins/check_simap -H $HOSTADDRESS$ -w 2 -c 5",
        "/usr/lib/nagios/plugins/check_nntp -H $HOSTADDRESS$",
        "/usr/lib/nagios/plugins/check_ftp -H $HOSTADDRESS$ -e ready",
    ];
    let (out, report) = converted_commands(&dir, "web", &commands);
    assert_eq!(report["totals"]["native"], commands.len(), "{}", report["services"]);
    let check = Command::new(blackbox)
        .arg(format!("--config.file={}", out.join("blackbox.yml").display()))
        .arg("--config.check")
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check));
    promtool_checks(&[out]);
    fs::remove_dir_all(&dir).unwrap();
}

/// `--alertmanager-address` (repeatable) becomes prometheus.yml's `alerting` targets, every
/// peer of a cluster listed; an address that is not HOST:PORT exits 2 and writes nothing.
#[test]
fn convert_alertmanager_addresses() {
    let dir = scratch("alertmanager-addresses");
    let out = dir.join("out");
    let cfg = root().join("examples/demo/nagios.cfg");
    let two =
        ["--alertmanager-address", "127.0.0.1:19093", "--alertmanager-address=127.0.0.2:19093"];
    let run = convert(&cfg, &out, &two);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let config: serde_json::Value =
        serde_saphyr::from_str(&fs::read_to_string(out.join("prometheus.yml")).unwrap()).unwrap();
    assert_eq!(
        config["alerting"],
        serde_json::json!({"alertmanagers": [{"static_configs": [{"targets": ["127.0.0.1:19093", "127.0.0.2:19093"]}]}]})
    );
    let bad = dir.join("bad");
    let run = convert(&cfg, &bad, &["--alertmanager-address", "http://127.0.0.1:9093"]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    assert!(text(&run).contains("is not a HOST:PORT address"), "{}", text(&run));
    assert!(!bad.exists());
    fs::remove_dir_all(&dir).unwrap();
}

/// `--nagios-instance` becomes prometheus.yml's `nagios_instance` external label; an empty
/// name exits 2 and writes nothing.
#[test]
fn convert_nagios_instance_is_an_external_label() {
    let dir = scratch("nagios-instance");
    let cfg = root().join("examples/demo/nagios.cfg");
    let out = dir.join("out");
    let run = convert(&cfg, &out, &["--nagios-instance", "site-a"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let config: serde_json::Value =
        serde_saphyr::from_str(&fs::read_to_string(out.join("prometheus.yml")).unwrap()).unwrap();
    assert_eq!(
        config["global"]["external_labels"],
        serde_json::json!({"nagios_instance": "site-a"})
    );
    let bad = dir.join("bad");
    let run = convert(&cfg, &bad, &["--nagios-instance", ""]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    assert!(!bad.exists());
    fs::remove_dir_all(&dir).unwrap();
}

/// The generated Grafana dashboard's every query runs on a real Prometheus that loads the
/// generated prometheus.yml and scrapes a real bridge on the demo's status.dat: each answers,
/// the host variable lists the demo's hosts, and the stat panels agree with the table.
#[test]
fn convert_dashboard_queries_answer_on_real_prometheus() {
    use crate::support::{Proc, wait_for};
    use std::process::Stdio;
    use std::time::Duration;
    let prometheus = Path::new("/usr/bin/prometheus");
    if !have(prometheus, "prometheus") {
        return;
    }
    let dir = scratch("dashboard");
    let out = dir.join("out");
    let bridge = free_port();
    let demo = root().join("examples/demo");
    let _serve = Proc::spawn(
        "nag2prom serve",
        Command::new(env!("CARGO_BIN_EXE_nag2prom"))
            .args(["serve", "--status.max-age", "0", "--collector.perfdata_thresholds"])
            .arg("--status-file")
            .arg(demo.join("var/status.dat"))
            .arg(format!("--web.listen-address=127.0.0.1:{bridge}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let bridge_address = format!("127.0.0.1:{bridge}");
    let run = convert(
        &demo.join("nagios.cfg"),
        &out,
        &["--scrape-interval", "1", "--bridge-address", &bridge_address],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let dashboard: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("dashboards/nagios-overview.json")).unwrap())
            .unwrap();
    let port = free_port();
    let _prom = Proc::spawn(
        "prometheus",
        Command::new(prometheus)
            .arg(format!("--config.file={}", out.join("prometheus.yml").display()))
            .arg(format!("--storage.tsdb.path={}", dir.join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let query = |expr: &str| crate::support::query(port, expr);
    // The bridge is scraped: the host variable's values.
    let mut hosts = String::new();
    assert!(
        wait_for(Duration::from_secs(30), || {
            hosts = http_get(port, "/api/v1/label/host/values?match[]=nagios_host_state")
                .unwrap_or_default();
            hosts.contains("\"db-01\"")
        }),
        "the host variable lists no demo host: {hosts}"
    );
    // Variables as Grafana fills them: All is `.*` for each.
    let fill = |expr: &str, groups: &str| {
        expr.replace("$host", ".*")
            .replace("${hostgroup:regex}", groups)
            .replace("${contactgroup:regex}", groups)
    };
    let all = |expr: &str| fill(expr, ".*");
    // The panels join the bridge's states with the node targets' host groups: every node
    // target scraped once.
    let node: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("targets/node.json")).unwrap()).unwrap();
    let node_targets = node.as_array().unwrap().len() as f64;
    let mut scraped = None;
    assert!(
        wait_for(Duration::from_secs(30), || {
            scraped = query("count(up{job=\"node\"})")
                .and_then(|r| r[0]["value"][1].as_str().and_then(|v| v.parse::<f64>().ok()));
            scraped == Some(node_targets)
        }),
        "node targets scraped: {scraped:?} of {node_targets}"
    );
    // Every query answers; the stat panels once the first scrapes and rule evaluations are in
    // (one scrape of the bridge, above, does not mean every series is there yet under load).
    let mut answers = std::collections::BTreeMap::new();
    let stats = ["Nagios up", "Services CRITICAL", "Services WARNING"];
    let answered = wait_for(Duration::from_secs(30), || {
        for panel in dashboard["panels"].as_array().unwrap() {
            for target in panel["targets"].as_array().unwrap() {
                let expr = all(target["expr"].as_str().unwrap());
                let result =
                    query(&expr).unwrap_or_else(|| panic!("{}: `{expr}` failed", panel["title"]));
                answers.insert(panel["title"].as_str().unwrap().to_owned(), result);
            }
        }
        stats.iter().all(|t| answers.get(*t).and_then(|a| a[0]["value"][1].as_str()).is_some())
    });
    assert!(answered, "a stat panel has no value: {answers:?}");
    let value =
        |title: &str| -> f64 { answers[title][0]["value"][1].as_str().unwrap().parse().unwrap() };
    assert_eq!(value("Nagios up"), 1.0);
    let not_ok = query("nagios_service_hard_state > 0").unwrap();
    let not_ok = not_ok.as_array().unwrap();
    let critical = not_ok.iter().filter(|r| r["value"][1] == "2").count();
    assert!(critical > 0, "the demo has CRITICAL services");
    assert_eq!(value("Services CRITICAL"), critical as f64);
    let warning = not_ok.iter().filter(|r| r["value"][1] == "1").count();
    assert_eq!(value("Services WARNING"), warning as f64);
    // The problems table leaves out what is acknowledged or in downtime (the demo has both).
    let handled =
        query("nagios_service_acknowledged == 1 or nagios_service_scheduled_downtime_depth > 0")
            .unwrap();
    let key = |r: &serde_json::Value| (r["metric"]["host"].clone(), r["metric"]["service"].clone());
    let handled: Vec<_> = handled.as_array().unwrap().iter().map(key).collect();
    let problems = answers["Problems"].as_array().unwrap();
    assert!(!problems.is_empty() && problems.len() < not_ok.len(), "{problems:?}");
    for p in problems {
        assert!(!handled.contains(&key(p)), "an acknowledged or downtimed problem: {p}");
    }
    assert_eq!(
        problems.len(),
        not_ok.iter().filter(|r| !handled.contains(&key(r))).count(),
        "every unhandled problem is listed"
    );
    // The host-group selector: the configuration's groups; the host selector lists the
    // selected groups' hosts (All: every demo host), and the state panels count the selected
    // groups' hosts only, as the groups' members in targets/node.json (written by convert)
    // and the bridge's states say.
    let variable = |name: &str| {
        dashboard["templating"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap()
            .clone()
    };
    let offered: Vec<String> = variable("hostgroup")["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(offered, ["$__all", "db-servers", "linux-servers", "web-servers"]);
    assert!(variable("contactgroup")["options"].as_array().unwrap().len() > 1);
    let host_query = variable("host")["definition"].as_str().unwrap().to_owned();
    let selector =
        host_query.strip_prefix("label_values(").and_then(|q| q.strip_suffix(", host)")).unwrap();
    let hosts_of = |groups: &str| -> std::collections::BTreeSet<String> {
        let found = query(&format!("count by (host) ({})", fill(selector, groups))).unwrap();
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["metric"]["host"].as_str().unwrap().to_owned())
            .collect()
    };
    let every: std::collections::BTreeSet<String> =
        serde_json::from_str::<serde_json::Value>(&hosts).unwrap()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap().to_owned())
            .collect();
    assert_eq!(hosts_of(".*"), every, "All lists every host");
    let members = |group: &str| -> std::collections::BTreeSet<String> {
        node.as_array()
            .unwrap()
            .iter()
            .filter(|t| {
                t["labels"]["hostgroups"]
                    .as_str()
                    .is_some_and(|g| g.contains(&format!(",{group},")))
            })
            .map(|t| t["labels"]["host"].as_str().unwrap().to_owned())
            .collect()
    };
    let web = members("web-servers");
    assert!(!web.is_empty() && web.len() < every.len(), "{web:?}");
    assert_eq!(hosts_of("web-servers"), web);
    assert_eq!(hosts_of("(db-servers|web-servers)"), &members("db-servers") | &web);
    let critical_on = |hosts: &std::collections::BTreeSet<String>| {
        not_ok
            .iter()
            .filter(|r| {
                r["value"][1] == "2" && hosts.contains(r["metric"]["host"].as_str().unwrap())
            })
            .count() as f64
    };
    let panel_expr = |title: &str| {
        dashboard["panels"].as_array().unwrap().iter().find(|p| p["title"] == title).unwrap()["targets"][0]["expr"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for group in ["web-servers", "db-servers", "linux-servers"] {
        let expr = fill(&panel_expr("Services CRITICAL"), group);
        let got: f64 = query(&expr).unwrap()[0]["value"][1].as_str().unwrap().parse().unwrap();
        assert_eq!(got, critical_on(&members(group)), "{group}: {expr}");
    }
    // The performance-data dashboard: with every variable at All, each family panel's values
    // are the bridge's whole family and its dashed series the family's thresholds, each one
    // beside a value of the same service and perf label; the service selector lists the
    // services with perf data.
    let perf: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("dashboards/nagios-perfdata.json")).unwrap())
            .unwrap();
    let perf_all = |expr: &str| all(expr).replace("$service", ".*");
    let key = |r: &serde_json::Value| {
        let m = &r["metric"];
        (m["host"].clone(), m["service"].clone(), m["label"].clone())
    };
    let mut thresholds_seen = 0;
    for panel in perf["panels"].as_array().unwrap() {
        let targets = panel["targets"].as_array().unwrap();
        let expr = perf_all(targets[0]["expr"].as_str().unwrap());
        let values = query(&expr).unwrap();
        let family = expr.split('{').next().unwrap().trim_start_matches("rate(").to_owned();
        let whole = query(&format!("{{__name__=\"{family}\", job=\"nagios_bridge\"}}")).unwrap();
        let extra_excluded = expr.contains("uom!=");
        if !extra_excluded {
            assert_eq!(
                values.as_array().unwrap().len(),
                whole.as_array().unwrap().len(),
                "{}: {expr}",
                panel["title"]
            );
        }
        if let Some(t) = targets.get(1) {
            let value_keys: Vec<_> = values.as_array().unwrap().iter().map(key).collect();
            for r in query(&perf_all(t["expr"].as_str().unwrap())).unwrap().as_array().unwrap() {
                assert!(
                    value_keys.contains(&key(r)),
                    "{}: a threshold without its value: {r}",
                    panel["title"]
                );
                thresholds_seen += 1;
            }
        }
    }
    assert!(thresholds_seen > 0, "the demo's perf data has thresholds");
    let services_query = perf["templating"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "service")
        .unwrap()["definition"]
        .as_str()
        .unwrap()
        .to_owned();
    let selector = services_query
        .strip_prefix("label_values(")
        .and_then(|q| q.strip_suffix(", service)"))
        .unwrap();
    let listed = query(&format!("count by (service) ({})", all(selector))).unwrap();
    let with_perfdata = query("count by (service) ({__name__=~\"nagios_perfdata.*\", __name__!~\"nagios_perfdata_(threshold|min|max).*\"})").unwrap();
    assert_eq!(listed.as_array().unwrap().len(), with_perfdata.as_array().unwrap().len());
    assert!(!listed.as_array().unwrap().is_empty());
    // The migration panel counts what the report counts, once the rules have run.
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("report.json")).unwrap()).unwrap();
    let count = |expr: &str| -> Option<f64> { query(expr)?[0]["value"][1].as_str()?.parse().ok() };
    let (mut native, mut bridged) = (None, None);
    let counted = wait_for(Duration::from_secs(30), || {
        native = count("count(nagios:check:member) or vector(0)");
        bridged = count("count(nagios:service_hard_state:bridged) or vector(0)");
        native == report["totals"]["native"].as_f64()
            && bridged == report["totals"]["bridged"].as_f64()
    });
    assert!(
        counted,
        "migration panel: native {native:?}, bridged {bridged:?}; report {}",
        report["totals"]
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// A host with an IPv6 address: its probe targets are bracketed where a port follows
/// (`[::1]:PORT`, `http://[::1]:PORT/`), bare for ICMP; the real blackbox_exporter, with the
/// generated modules, reaches a TCP service on `[::1]` through them (it refuses `::1:PORT`).
#[test]
fn ipv6_hosts_get_probe_targets_blackbox_can_dial() {
    let exporter = Path::new("/usr/bin/prometheus-blackbox-exporter");
    if !have(exporter, "prometheus-blackbox-exporter") {
        return;
    }
    let Ok(service) = std::net::TcpListener::bind("[::1]:0") else {
        eprintln!("skipped: no IPv6 loopback on this machine");
        return;
    };
    let port = service.local_addr().unwrap().port();
    std::thread::spawn(move || for _ in service.incoming() {});
    let dir = scratch("ipv6");
    fs::write(
        dir.join("o.cfg"),
        format!(
            "define command {{\n command_name tcp\n command_line /usr/lib/nagios/plugins/check_tcp -H $HOSTADDRESS$ -p {port} -w 1 -c 3\n}}\n\
             define command {{\n command_name web\n command_line /usr/lib/nagios/plugins/check_http -H $HOSTADDRESS$ -p {port} -u /\n}}\n\
             define command {{\n command_name ping\n command_line /usr/lib/nagios/plugins/check_ping -H $HOSTADDRESS$ -w 100,20% -c 200,50%\n}}\n\
             define command {{\n command_name none\n command_line /bin/true\n}}\n\
             define timeperiod {{\n timeperiod_name always\n alias always\n monday 00:00-24:00\n}}\n\
             define contact {{\n contact_name ops\n host_notification_period always\n service_notification_period always\n host_notification_options n\n service_notification_options w,u,c,r\n host_notification_commands none\n service_notification_commands none\n}}\n\
             define host {{\n host_name v6\n address ::1\n max_check_attempts 1\n check_period always\n contacts ops\n notification_period always\n}}\n"
        ) + &["tcp", "web", "ping"]
            .iter()
            .map(|c| format!("define service {{\n host_name v6\n service_description {c}\n check_command {c}\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period always\n notification_period always\n contacts ops\n}}\n"))
            .collect::<String>(),
    )
    .unwrap();
    fs::write(dir.join("nagios.cfg"), "cfg_file=o.cfg\n").unwrap();
    let out = dir.join("out");
    let run = convert(&dir.join("nagios.cfg"), &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let groups: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("targets/blackbox.json")).unwrap()).unwrap();
    let targets: Vec<(String, String)> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["targets"][0].as_str().unwrap().to_owned(),
                g["labels"]["module"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let addresses: Vec<&str> = targets.iter().map(|(t, _)| t.as_str()).collect();
    assert!(addresses.contains(&format!("[::1]:{port}").as_str()), "{addresses:?}");
    assert!(addresses.contains(&format!("http://[::1]:{port}/").as_str()), "{addresses:?}");
    assert!(addresses.contains(&"::1"), "{addresses:?}");
    let bb_port = free_port();
    let args = vec![
        format!("--config.file={}", out.join("blackbox.yml").display()),
        format!("--web.listen-address=127.0.0.1:{bb_port}"),
    ];
    let _bb = start(exporter, &args, bb_port).expect("blackbox_exporter starts");
    let (target, module) = targets.iter().find(|(t, _)| t.starts_with('[')).unwrap();
    let probe = |target: &str| {
        http_get(bb_port, &format!("/probe?module={module}&target={target}")).unwrap_or_default()
    };
    assert!(probe(target).lines().any(|l| l == "probe_success 1"), "{}", probe(target));
    // The unbracketed form the targets used to have does not dial.
    assert!(probe(&format!("::1:{port}")).lines().any(|l| l == "probe_success 0"));
    let _ = fs::remove_dir_all(&dir);
}
