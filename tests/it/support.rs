//! Helpers shared by the integration tests.

use std::ops::Not as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Run the built `nag2prom` binary with `args`.
pub(crate) fn nag2prom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nag2prom")).args(args).output().expect("run nag2prom")
}

/// A copy of `from` at `to` (files and directories).
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus`, or `None` with a printed reason (a failure when
/// `NAG2PROM_REQUIRE_SHARED=1`, as in CI).
pub(crate) fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("NAG2PROM_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!("../shared/corpus not found at {} and NAG2PROM_REQUIRE_SHARED=1", dir.display());
    }
    eprintln!("skipped: ../shared/corpus not found at {}", dir.display());
    None
}

/// True when `path` exists; otherwise prints why the test is skipped (a failure when
/// `NAG2PROM_REQUIRE_TOOLS=1`, as in CI, which installs the Debian packages).
pub(crate) fn have(path: &Path, package: &str) -> bool {
    if path.exists() {
        return true;
    }
    if std::env::var_os("NAG2PROM_REQUIRE_TOOLS").is_some_and(|v| v == "1") {
        panic!(
            "{} not found (Debian package {package}) and NAG2PROM_REQUIRE_TOOLS=1",
            path.display()
        );
    }
    eprintln!("skipped: {} not found (install Debian package {package})", path.display());
    false
}

/// stdout and stderr as text, for assertion messages.
pub(crate) fn text(output: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The corpus' object-file sets (without a nagios.cfg) whose precache real Nagios recorded:
/// `(oracle directory, sources in reading order)`.
pub(crate) fn recorded_object_sets(corpus: &Path) -> Vec<(&'static str, Vec<PathBuf>)> {
    let debian = corpus.join("debian-nagios4/etc-nagios4/objects");
    let perl = corpus.join("perl-nagios-object/t/v4_config/template-object");
    let debian_files = [
        "commands",
        "contacts",
        "timeperiods",
        "templates",
        "localhost",
        "printer",
        "switch",
        "windows",
    ];
    let minimal = |oracle: &'static str, path: &str| (oracle, vec![corpus.join(path)]);
    vec![
        (
            "debian-nagios4/oracle",
            std::iter::once(corpus.join("debian-nagios4/etc-nagios-plugins-config"))
                .chain(debian_files.iter().map(|f| debian.join(format!("{f}.cfg"))))
                .collect(),
        ),
        minimal("nagioscore/oracle-t-etc-minimal", "nagioscore/t/etc/minimal.cfg"),
        minimal("nagioscore/oracle-t-tap-smallconfig", "nagioscore/t-tap/smallconfig/minimal.cfg"),
        minimal("naemon-core/oracle-t-etc-minimal", "naemon-core/t/etc/minimal.cfg"),
        minimal("icinga-core/oracle-t-etc-minimal", "icinga-core/t/etc/minimal.cfg"),
        (
            "perl-nagios-object/oracle-v4_config",
            ["commands", "contacts", "timeperiods", "templates", "localhost"]
                .iter()
                .map(|f| perl.join(format!("{f}.cfg")))
                .collect(),
        ),
    ]
}

/// Every corpus installation: each `nagios.cfg` (sorted), then the object-file sets without
/// one: the model conformance sets and every valid edge case (with `00base.cfg`).
pub(crate) fn corpus_installations(corpus: &Path) -> (Vec<PathBuf>, Vec<Vec<PathBuf>>) {
    let mut configs = Vec::new();
    let mut stack = vec![corpus.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "nagios.cfg") {
                configs.push(path);
            }
        }
    }
    configs.sort();
    let mut sets: Vec<Vec<PathBuf>> =
        recorded_object_sets(corpus).into_iter().map(|(_, sources)| sources).collect();
    let edge = corpus.join("nagios4-oracle-edgecases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&edge)
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.join("input").is_dir()).collect())
        .unwrap_or_default();
    cases.sort();
    for case in cases {
        let valid = std::fs::read_to_string(case.join("expected/verify.rc"))
            .is_ok_and(|rc| rc.trim() == "0");
        if valid && !case.join("expected/main-extra.cfg").exists() {
            sets.push(vec![edge.join("00base.cfg"), case.join("input")]);
        }
    }
    (configs, sets)
}

/// A port that was free a moment ago on 127.0.0.1.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `GET path` on 127.0.0.1:port, the body as text (HTTP/1.0, no dependency).
pub(crate) fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    text.split_once("\r\n\r\n").map(|(_, body)| body.to_owned())
}

/// A Prometheus API answer's `data` (`GET path` on 127.0.0.1:port), when its status is
/// success.
pub(crate) fn api(port: u16, path: &str) -> Option<serde_json::Value> {
    let body = http_get(port, path)?;
    let value: serde_json::Value = serde_json::from_str(&body).ok()?;
    (value["status"] == "success").then(|| value["data"].clone())
}

/// The instant-query result vector of `expr` on the Prometheus at 127.0.0.1:port.
pub(crate) fn query(port: u16, expr: &str) -> Option<serde_json::Value> {
    api(port, &format!("/api/v1/query?query={}", urlencode(expr))).map(|d| d["result"].clone())
}

/// `text` percent-encoded for a URL query (everything but unreserved characters).
pub(crate) fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Poll `f` every 100 ms until it holds or `timeout` passes.
pub(crate) fn wait_for(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    f()
}

/// A real Prometheus (Debian `prometheus`) with `config`, its data under `data`, listening
/// on 127.0.0.1:`port`, its output discarded.
pub(crate) fn prometheus(config: &Path, data: &Path, port: u16) -> Proc {
    Proc::spawn(
        "prometheus",
        Command::new("/usr/bin/prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
}

/// The worst severity of the alerts firing per `service` label on the Prometheus at
/// 127.0.0.1:`port` (critical 2, anything else 1); `None` while the API does not answer.
pub(crate) fn firing_ranks(port: u16) -> Option<std::collections::BTreeMap<String, i32>> {
    let data = api(port, "/api/v1/alerts")?;
    let mut got = std::collections::BTreeMap::new();
    for a in data["alerts"].as_array().into_iter().flatten() {
        let Some(service) = a["labels"]["service"].as_str() else { continue };
        if a["state"] != "firing" {
            continue;
        }
        let rank = if a["labels"]["severity"] == "critical" { 2 } else { 1 };
        let slot = got.entry(service.to_owned()).or_insert(0);
        *slot = (*slot).max(rank);
    }
    Some(got)
}

/// A child process stopped (SIGTERM, then SIGKILL after 5 s) and reaped on drop.
pub(crate) struct Proc {
    child: Child,
    name: &'static str,
}

impl Proc {
    /// Start `command` with no standard input.
    pub(crate) fn spawn(name: &'static str, command: &mut Command) -> Proc {
        let child = command
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Proc { child, name }
    }

    /// True while running.
    pub(crate) fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Its process id.
    pub(crate) fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        if !wait_for(Duration::from_secs(5), || self.running().not()) {
            eprintln!("{} did not stop on SIGTERM: killing it", self.name);
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The objects every loopback scenario shares: a timeperiod `always` (every day, all day), a
/// contact `ops` (no notifications sent, `w,u,c,r` on services) and a command `none`.
pub(crate) const LOOPBACK_OBJECTS: &str = "define timeperiod {\n timeperiod_name always\n alias always\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n sunday 00:00-24:00\n}\n\
     define contact {\n contact_name ops\n host_notifications_enabled 0\n service_notifications_enabled 0\n host_notification_period always\n service_notification_period always\n host_notification_options n\n service_notification_options w,u,c,r\n host_notification_commands none\n service_notification_commands none\n}\n\
     define command {\n command_name none\n command_line /bin/true\n}\n";

/// Whether every `(path, package)` is installed ([`have`] for each, all of them checked).
pub(crate) fn have_all(tools: &[(&str, &str)]) -> bool {
    tools.iter().fold(true, |all, (path, package)| have(Path::new(path), package) && all)
}

/// `objects` as the one object file of `root/nagios.cfg`, converted into `root/out` with
/// `args`: the conversion succeeds with `native` services native, and promtool accepts its
/// rules and tests. The output directory.
pub(crate) fn convert_scenario(
    root: &Path,
    objects: &str,
    args: &[&str],
    native: usize,
) -> PathBuf {
    std::fs::write(root.join("objects.cfg"), objects).unwrap();
    std::fs::write(root.join("nagios.cfg"), "cfg_file=objects.cfg\n").unwrap();
    let out = root.join("out");
    let config = root.join("nagios.cfg");
    let mut all =
        vec!["convert", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let run = nag2prom(&all);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["totals"]["native"], native, "{}", report["services"]);
    crate::convert::promtool_checks(std::slice::from_ref(&out));
    out
}

/// The real blackbox_exporter on `config`, listening on `address`, with `env` set.
pub(crate) fn blackbox(config: &Path, address: &str, env: &[(&str, &Path)]) -> Proc {
    let mut command = Command::new("/usr/bin/prometheus-blackbox-exporter");
    command
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--web.listen-address={address}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    Proc::spawn("blackbox_exporter", &mut command)
}
