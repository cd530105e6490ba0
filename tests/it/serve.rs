//! The bridge as a user runs it: `nag2prom export` checked by `promtool check metrics`,
//! `nag2prom serve` reloading, surviving bad input, TLS + basic auth, gzip, start-up
//! failures, and end to end with a real Nagios 4 daemon scraped by a real Prometheus.
//! Everything listens on 127.0.0.1 and every process is killed when its guard drops.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{have, nag2prom, root, text};

/// A child process killed (and reaped) on drop.
struct Proc {
    child: Child,
    name: &'static str,
}

impl Proc {
    fn spawn(name: &'static str, command: &mut Command) -> Proc {
        let child = command
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Proc { child, name }
    }

    /// True while running.
    fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Proc {
    /// SIGTERM first (Nagios then stops its worker processes), SIGKILL after 5 s.
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let stopped = wait_for(Duration::from_secs(5), || !self.running());
        if !stopped {
            eprintln!("{} did not stop on SIGTERM: killing it", self.name);
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("nag2prom-serve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Status, lower-case headers, body.
type Reply = (u16, Vec<(String, String)>, Vec<u8>);

/// A minimal HTTP/1.1 GET on 127.0.0.1: (status, lower-case headers, body).
fn get(port: u16, path: &str, headers: &[(&str, &str)]) -> Option<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect::<Vec<_>>();
    let mut body = raw[end + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v == "chunked") {
        body = dechunk(&body);
    }
    Some((status, headers, body))
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = raw.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&raw[..i]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[i + 2..i + 2 + size]);
        raw = &raw[i + 2 + size + 2..];
    }
    out
}

/// Metrics text from a running `serve`.
fn scrape(port: u16) -> String {
    let (status, _, body) = get(port, "/metrics", &[]).expect("scrape");
    assert_eq!(status, 200);
    String::from_utf8(body).unwrap()
}

/// Poll `f` every 100 ms until it returns true or `timeout` passes.
fn wait_for(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// The value of the sample line `series` (exact name and labels), if present.
fn value(metrics: &str, series: &str) -> Option<String> {
    metrics.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ').map(str::to_owned))
}

/// `nag2prom serve` on a free port; waits until it answers /-/healthy.
fn serve(args: &[&str]) -> (Proc, u16) {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut all = vec!["serve", "--web.listen-address", &listen, "--status.poll-interval", "0.1"];
    all.extend_from_slice(args);
    let mut proc = Proc::spawn(
        "nag2prom serve",
        Command::new(env!("CARGO_BIN_EXE_nag2prom")).args(&all).stderr(Stdio::null()),
    );
    let up = wait_for(Duration::from_secs(10), || {
        assert!(proc.running(), "nag2prom serve exited early");
        get(port, "/-/healthy", &[]).is_some_and(|r| r.0 == 200)
    });
    assert!(up, "nag2prom serve did not come up");
    (proc, port)
}

/// `nag2prom serve` on a free port with its log in `log`; waits until it answers.
fn serve_logged(args: &[&str], log: &Path) -> (Proc, u16) {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut all = vec!["serve", "--web.listen-address", &listen, "--status.poll-interval", "0.1"];
    all.extend_from_slice(args);
    let mut proc = Proc::spawn(
        "nag2prom serve",
        Command::new(env!("CARGO_BIN_EXE_nag2prom"))
            .args(&all)
            .stderr(std::fs::File::create(log).unwrap()),
    );
    let up = wait_for(Duration::from_secs(10), || {
        assert!(proc.running(), "nag2prom serve exited early: {}", read_log(log));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    assert!(up, "nag2prom serve did not come up");
    (proc, port)
}

fn read_log(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

/// `Basic base64(user:password)`.
fn basic(user: &str, password: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let mut out = String::new();
    for chunk in input.as_bytes().chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    format!("Basic {out}")
}

/// SIGTERM, then true when the process ended within `timeout`.
fn terminates(proc: &mut Proc, timeout: Duration) -> bool {
    let pid = proc.child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    wait_for(timeout, || !proc.running())
}

/// A status.dat with the given `(host, service, state, perfdata)` services.
fn status_dat(created: i64, services: &[(&str, &str, u8, &str)]) -> String {
    let mut out = format!(
        "info {{\n\tcreated={created}\n\tversion=4.4.6\n\t}}\n\nprogramstatus {{\n\tprogram_start={}\n\t}}\n\n",
        created - 100
    );
    let mut hosts: Vec<&str> = services.iter().map(|s| s.0).collect();
    hosts.dedup();
    for h in hosts {
        out.push_str(&format!(
            "hoststatus {{\n\thost_name={h}\n\thas_been_checked=1\n\tcurrent_state=0\n\tlast_hard_state=0\n\tstate_type=1\n\t}}\n\n"
        ));
    }
    for (h, s, state, perf) in services {
        out.push_str(&format!(
            "servicestatus {{\n\thost_name={h}\n\tservice_description={s}\n\tcheck_command=check_x!arg-secret\n\t\
             has_been_checked=1\n\tcurrent_state={state}\n\tlast_hard_state={state}\n\tstate_type=1\n\t\
             plugin_output=out\n\tperformance_data={perf}\n\t}}\n\n"
        ));
    }
    out
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Replace `path` the way Nagios does: write a temporary file, rename it over.
fn replace(path: &Path, content: &[u8]) {
    let temp = path.with_extension("tmp");
    std::fs::write(&temp, content).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

fn promtool_check(bytes: &[u8]) {
    let promtool = Path::new("/usr/bin/promtool");
    if !have(promtool, "prometheus") {
        return;
    }
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "promtool check metrics failed:\n{}", text(&out));
}

#[test]
fn serve_docs_list_every_family() {
    let docs = std::fs::read_to_string(root().join("docs/metrics.md")).unwrap();
    for family in nag2prom::exposition::catalogue::all() {
        assert!(
            docs.contains(&format!("`{}`", family.name)),
            "docs/metrics.md lacks {}",
            family.name
        );
    }
    for (_, name, _) in nag2prom::exposition::Collector::ALL {
        assert!(docs.contains(&format!("| `{name}` |")), "docs/metrics.md lacks collector {name}");
    }
}

#[test]
fn serve_export_demo_passes_promtool() {
    let cfg = root().join("examples/demo/nagios.cfg");
    let out = nag2prom(&["export", "--config", cfg.to_str().unwrap(), "--status.max-age", "0"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let metrics = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(value(&metrics, "nagios_up").as_deref(), Some("1"));
    assert_eq!(
        value(&metrics, r#"nagios_service_state{host="db-01",service="MySQL"}"#).as_deref(),
        Some("2")
    );
    // check_command names only: the demo's resource file password never appears
    assert!(!metrics.contains("s3cr3t"));
    assert!(!metrics.contains('!'), "command arguments leaked");
    promtool_check(&out.stdout);
}

#[test]
fn serve_export_enriches_labels_and_exports_output() {
    let cfg = root().join("examples/demo/nagios.cfg");
    let out = nag2prom(&[
        "export",
        "--config",
        cfg.to_str().unwrap(),
        "--status.max-age",
        "0",
        "--enrich.hostgroups",
        "--enrich.custom-var",
        "_SITE",
        "--export.plugin-output",
        "40",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let metrics = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(
        value(
            &metrics,
            r#"nagios_service_state{host="web-01",service="HTTP",hostgroups=",linux-servers,web-servers,",var_site="dc1-rack-a"}"#
        )
        .as_deref(),
        Some("2"),
        "{metrics}"
    );
    let output = metrics
        .lines()
        .find(|l| l.starts_with("nagios_service_output_info{host=\"db-01\",service=\"MySQL\""));
    let output = output.expect("plugin output exported");
    let text_value = output.split("output=\"").nth(1).unwrap().split("\"}").next().unwrap();
    assert!(text_value.len() <= 40, "{output}");
    promtool_check(&out.stdout);
    // enrichment needs the object files
    let out = nag2prom(&["export", "--status-file", "x", "--enrich.hostgroups"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn serve_reloads_nagios_cfg() {
    let dir = Scratch::new("cfg-reload");
    let (one, two) = (dir.path("one.dat"), dir.path("two.dat"));
    replace(&one, status_dat(now(), &[("h", "from-one", 0, "")]).as_bytes());
    replace(&two, status_dat(now(), &[("h", "from-two", 0, "")]).as_bytes());
    let cfg = dir.path("nagios.cfg");
    std::fs::write(&cfg, "status_file=one.dat\n").unwrap();
    let (_server, port) = serve(&["--config", cfg.to_str().unwrap()]);
    assert!(wait_for(Duration::from_secs(10), || scrape(port).contains("from-one")));
    // a relative status_file is relative to nagios.cfg; the change is picked up
    std::thread::sleep(Duration::from_millis(1100)); // a new mtime second on coarse file systems
    std::fs::write(&cfg, "status_file=two.dat\n").unwrap();
    assert!(wait_for(Duration::from_secs(10), || {
        let m = scrape(port);
        m.contains("from-two") && !m.contains("from-one")
    }));
}

#[test]
fn serve_export_escapes_names_and_writes_atomically() {
    let dir = Scratch::new("escape");
    let status = dir.path("status.dat");
    let perf = "'a \"q\" \\ b'=1s;2;3 x=U";
    std::fs::write(
        &status,
        status_dat(
            now(),
            &[("h\"1", "disk \"C:\\\" drive", 2, perf), ("h\"1", "caf\u{e9}", 0, "")],
        ),
    )
    .unwrap();
    let file = dir.path("out/nagios.prom");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let out = nag2prom(&[
        "export",
        "--status-file",
        status.to_str().unwrap(),
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.is_empty());
    let bytes = std::fs::read(&file).unwrap();
    let metrics = String::from_utf8(bytes.clone()).unwrap();
    assert_eq!(
        value(&metrics, r#"nagios_service_state{host="h\"1",service="disk \"C:\\\" drive"}"#)
            .as_deref(),
        Some("2"),
        "{metrics}"
    );
    assert!(metrics.contains(r#"label="a \"q\" \\ b"} 1"#), "{metrics}");
    assert!(metrics.contains(r#"service="café""#));
    assert!(!metrics.contains("arg-secret"));
    assert!(!metrics.contains("label=\"x\""), "U values give no sample");
    let names: Vec<_> = std::fs::read_dir(file.parent().unwrap()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary files left");
    promtool_check(&bytes);
}

#[test]
fn serve_export_reports_bad_status_files() {
    let dir = Scratch::new("export-bad");
    let status = dir.path("status.dat");
    let good = status_dat(now(), &[("h", "s", 0, "")]);
    std::fs::write(&status, &good[..good.len() - 5]).unwrap();
    let out = nag2prom(&["export", "--status-file", status.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let metrics = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(value(&metrics, "nagios_up").as_deref(), Some("0"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("truncated"));
    promtool_check(&out.stdout);

    let missing = dir.path("missing.dat");
    let out = nag2prom(&["export", "--status-file", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = nag2prom(&["export"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn serve_reloads_and_forgets_removed_objects() {
    let dir = Scratch::new("reload");
    let status = dir.path("status.dat");
    replace(&status, status_dat(now(), &[("h", "a", 0, "t=1s"), ("h", "b", 2, "")]).as_bytes());
    let (_server, port) = serve(&["--status-file", status.to_str().unwrap()]);
    assert!(wait_for(Duration::from_secs(10), || get(port, "/-/ready", &[])
        .is_some_and(|r| r.0 == 200)));
    let m = scrape(port);
    assert_eq!(value(&m, r#"nagios_service_state{host="h",service="b"}"#).as_deref(), Some("2"));
    assert_eq!(value(&m, "nagios_up").as_deref(), Some("1"));

    replace(&status, status_dat(now(), &[("h", "a", 1, "")]).as_bytes());
    assert!(wait_for(Duration::from_secs(10), || {
        value(&scrape(port), r#"nagios_service_state{host="h",service="a"}"#).as_deref()
            == Some("1")
    }));
    let m = scrape(port);
    assert!(!m.contains(r#"service="b""#), "removed service still exported:\n{m}");
    assert!(!m.contains("nagios_perfdata_seconds{"), "removed perf data still exported");
    assert_eq!(value(&m, "nag2prom_status_reloads_total").as_deref(), Some("2"));
    promtool_check(m.as_bytes());

    // landing page links the metrics path
    let (code, _, body) = get(port, "/", &[]).unwrap();
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains("href=\"/metrics\""));
}

#[test]
fn serve_survives_bad_status_files() {
    let dir = Scratch::new("bad");
    let status = dir.path("status.dat");
    let good = status_dat(now(), &[("h", "s", 2, "")]);
    replace(&status, good.as_bytes());
    let (mut server, port) = serve(&["--status-file", status.to_str().unwrap()]);
    let state = r#"nagios_service_state{host="h",service="s"}"#;
    assert!(wait_for(Duration::from_secs(10), || value(&scrape(port), state).is_some()));

    let errors = |m: &str| value(m, "nag2prom_status_parse_errors_total").unwrap_or_default();
    let mut expected = 0;
    let half = good.len() / 2;
    let bad_inputs: Vec<Vec<u8>> = vec![
        good.as_bytes()[..half].to_vec(), // half-written
        good.replace("\tstate_type=1\n", "\tgarbage\n").into_bytes(), // corrupt
        b"\xff\xfe\x00\x01 not a status file".to_vec(), // binary junk
        Vec::new(),                       // empty
    ];
    for bad in bad_inputs {
        replace(&status, &bad);
        expected += 1;
        assert!(
            wait_for(Duration::from_secs(10), || errors(&scrape(port)) == expected.to_string()),
            "error not counted for input {expected}"
        );
        let m = scrape(port);
        assert_eq!(value(&m, state).as_deref(), Some("2"), "last good data lost");
        assert_eq!(value(&m, "nagios_up").as_deref(), Some("1"));
    }
    // a status.dat that disappears, and one that is a directory (unreadable)
    std::fs::remove_file(&status).unwrap();
    expected += 1;
    assert!(wait_for(Duration::from_secs(10), || errors(&scrape(port)) == expected.to_string()));
    std::fs::create_dir(&status).unwrap();
    expected += 1;
    assert!(wait_for(Duration::from_secs(10), || errors(&scrape(port)) == expected.to_string()));
    std::fs::remove_dir(&status).unwrap();
    assert!(server.running());

    // invalid UTF-8 in names and a 1 MB perf data string are served
    let huge: String = (0..60_000).map(|i| format!("l{i}={i} ")).collect();
    assert!(huge.len() > 600_000);
    let mut content = status_dat(now(), &[("h", "s", 1, &huge)]).into_bytes();
    content.extend_from_slice(
        b"servicestatus {\n\thost_name=h\n\tservice_description=bad\xff\n\tcurrent_state=3\n\t}\n",
    );
    replace(&status, &content);
    assert!(
        wait_for(Duration::from_secs(10), || value(&scrape(port), state).as_deref() == Some("1"))
    );
    let m = scrape(port);
    assert_eq!(
        value(&m, "nagios_service_state{host=\"h\",service=\"bad\u{fffd}\"}").as_deref(),
        Some("3")
    );
    assert_eq!(
        value(&m, r#"nag2prom_perfdata_dropped_items{reason="limit"}"#).as_deref(),
        Some("59936")
    );
    promtool_check(m.as_bytes());
    assert!(server.running());
}

#[test]
fn serve_marks_stale_data_down() {
    let dir = Scratch::new("stale");
    let status = dir.path("status.dat");
    replace(&status, status_dat(now() - 3600, &[("h", "s", 0, "")]).as_bytes());
    let (_server, port) =
        serve(&["--status-file", status.to_str().unwrap(), "--status.max-age", "60"]);
    assert!(wait_for(Duration::from_secs(10), || get(port, "/-/ready", &[])
        .is_some_and(|r| r.0 == 200)));
    let m = scrape(port);
    assert_eq!(value(&m, "nagios_up").as_deref(), Some("0"));
    assert_eq!(value(&m, r#"nagios_service_state{host="h",service="s"}"#).as_deref(), Some("0"));
    replace(&status, status_dat(now(), &[("h", "s", 0, "")]).as_bytes());
    assert!(wait_for(Duration::from_secs(10), || value(&scrape(port), "nagios_up").as_deref()
        == Some("1")));
}

/// `--log.format json`: every log line is one JSON object with a level and a message, as log
/// pipelines (journald to Loki, …) parse them; secrets in a command argument never appear.
#[test]
fn serve_logs_json() {
    let dir = Scratch::new("log-json");
    let status = dir.path("status.dat");
    replace(&status, status_dat(now(), &[("h", "s", 0, "check_x!--password=hunter2")]).as_bytes());
    let log = dir.path("serve.log");
    let (_server, port) =
        serve_logged(&["--status-file", status.to_str().unwrap(), "--log.format", "json"], &log);
    assert!(wait_for(Duration::from_secs(10), || read_log(&log).contains("status.dat loaded")));
    assert!(get(port, "/metrics", &[]).is_some());
    let text = read_log(&log);
    assert!(!text.contains("hunter2"), "{text}");
    let mut messages = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v["level"].is_string() && v["timestamp"].is_string(), "{line}");
        messages.push(v["fields"]["message"].as_str().unwrap_or("").to_owned());
    }
    assert!(messages.iter().any(|m| m == "status.dat loaded"), "{messages:?}");
    let bad = crate::support::nag2prom(&["serve", "--log.format", "xml", "--status-file", "x"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// `--web.listen-address 127.0.0.1:0` binds a port the kernel picks, and the log says which:
/// the logged address answers.
#[test]
fn serve_logs_the_port_it_bound() {
    let dir = Scratch::new("port-0");
    let status = dir.path("status.dat");
    replace(&status, status_dat(now(), &[("h", "s", 0, "")]).as_bytes());
    let log = dir.path("serve.log");
    let _server = Proc::spawn(
        "nag2prom serve",
        Command::new(env!("CARGO_BIN_EXE_nag2prom"))
            .args(["serve", "--web.listen-address", "127.0.0.1:0", "--log.format", "json"])
            .arg("--status-file")
            .arg(&status)
            .stderr(std::fs::File::create(&log).unwrap()),
    );
    let mut port = 0;
    let found = wait_for(Duration::from_secs(10), || {
        let text = read_log(&log);
        let addr = text.lines().find_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            v["fields"]["addr"].as_str().map(str::to_owned)
        });
        port = addr.and_then(|a| a.rsplit(':').next()?.parse().ok()).unwrap_or(0);
        port != 0
    });
    assert!(found, "no bound port in the log: {}", read_log(&log));
    assert!(wait_for(Duration::from_secs(10), || get(port, "/-/healthy", &[])
        .is_some_and(|r| r.0 == 200)));
}

#[test]
fn serve_sends_gzip_when_asked() {
    let dir = Scratch::new("gzip");
    let status = dir.path("status.dat");
    let services: Vec<(String, String)> =
        (0..500).map(|i| ("h".to_owned(), format!("svc {i}"))).collect();
    let list: Vec<(&str, &str, u8, &str)> =
        services.iter().map(|(h, s)| (h.as_str(), s.as_str(), 0, "t=1s;2;3 u=5%")).collect();
    replace(&status, status_dat(now(), &list).as_bytes());
    let (_server, port) = serve(&["--status-file", status.to_str().unwrap()]);
    let gz =
        |h: &Vec<(String, String)>| h.iter().any(|(k, v)| k == "content-encoding" && v == "gzip");
    assert!(wait_for(Duration::from_secs(10), || {
        get(port, "/metrics", &[("Accept-Encoding", "gzip")]).is_some_and(|r| gz(&r.1))
    }));
    let (code, headers, body) = get(port, "/metrics", &[("Accept-Encoding", "gzip")]).unwrap();
    assert_eq!(code, 200);
    assert!(gz(&headers));
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut plain).unwrap();
    let (_, headers, identity) = get(port, "/metrics", &[]).unwrap();
    assert!(!gz(&headers));
    assert_eq!(plain, identity);
    assert!(body.len() * 5 < identity.len());
}

#[test]
fn serve_start_up_errors_exit_2() {
    let dir = Scratch::new("startup");
    let status = dir.path("status.dat");
    std::fs::write(&status, status_dat(now(), &[("h", "s", 0, "")])).unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let listen = format!("127.0.0.1:{port}");
    let s = status.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["serve", "--status-file", s];
        args.extend_from_slice(extra);
        nag2prom(&args)
    };
    let out = run(&["--web.listen-address", &listen]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on"), "{}", text(&out));

    let free = format!("127.0.0.1:{}", free_port());
    for (name, yaml, expect) in [
        ("typo.yml", "basic_auth_user:\n  prom: x\n", "unknown field"),
        ("hash.yml", "basic_auth_users:\n  prom: plaintext\n", "not a bcrypt hash"),
        (
            "tls.yml",
            "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n",
            "cert_file",
        ),
    ] {
        let path = dir.path(name);
        std::fs::write(&path, yaml).unwrap();
        let out =
            run(&["--web.listen-address", &free, "--web.config.file", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{name}: {err}");
    }
    let out = run(&["--web.listen-address", "not-an-address"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out =
        nag2prom(&["serve", "--config", "/nonexistent/nagios.cfg", "--web.listen-address", &free]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    drop(taken);
}

#[test]
fn serve_tls_and_basic_auth() {
    let openssl = Path::new("/usr/bin/openssl");
    let curl = Path::new("/usr/bin/curl");
    if !have(openssl, "openssl") || !have(curl, "curl") {
        return;
    }
    let dir = Scratch::new("tls");
    let (crt, key) = (dir.path("tls.crt"), dir.path("tls.key"));
    let out = Command::new(openssl)
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let hash = bcrypt::hash("s3cret", 4).unwrap();
    let web = dir.path("web.yml");
    std::fs::write(
        &web,
        format!("tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  prom: '{hash}'\n"),
    )
    .unwrap();
    let status = dir.path("status.dat");
    replace(&status, status_dat(now(), &[("h", "s", 2, "")]).as_bytes());
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = Proc::spawn(
        "nag2prom serve",
        Command::new(env!("CARGO_BIN_EXE_nag2prom"))
            .args([
                "serve",
                "--status-file",
                status.to_str().unwrap(),
                "--web.listen-address",
                &listen,
            ])
            .args(["--web.config.file", web.to_str().unwrap()])
            .stderr(Stdio::null()),
    );
    let url = format!("https://127.0.0.1:{port}/metrics");
    let curl_code = |extra: &[&str]| -> (String, String) {
        let out = Command::new(curl)
            .args([
                "-sS",
                "--cacert",
                crt.to_str().unwrap(),
                "-o",
                "-",
                "-w",
                "\n%{http_code}",
                &url,
            ])
            .args(extra)
            .output()
            .unwrap();
        let s = String::from_utf8_lossy(&out.stdout).into_owned();
        let (body, code) = s.rsplit_once('\n').unwrap_or(("", ""));
        (code.to_owned(), body.to_owned())
    };
    assert!(wait_for(Duration::from_secs(10), || {
        assert!(server.running(), "serve exited");
        curl_code(&[]).0 == "401"
    }));
    assert_eq!(curl_code(&["-u", "prom:wrong"]).0, "401");
    let (code, body) = curl_code(&["-u", "prom:s3cret"]);
    assert_eq!(code, "200");
    assert_eq!(value(&body, r#"nagios_service_state{host="h",service="s"}"#).as_deref(), Some("2"));
    // plain HTTP to the TLS port is not served
    assert!(get(port, "/metrics", &[]).is_none_or(|r| r.0 != 200));
}

/// The whole chain: a real Nagios 4 runs checks (real plugins) and writes status.dat,
/// `nag2prom serve` exports it, a real Prometheus scrapes it, and the CRITICAL service
/// Nagios sees is 2 in Prometheus.
#[test]
fn serve_end_to_end_nagios_to_prometheus() {
    let nagios = Path::new("/usr/sbin/nagios4");
    let prometheus = Path::new("/usr/bin/prometheus");
    let dummy = Path::new("/usr/lib/nagios/plugins/check_dummy");
    if !have(nagios, "nagios4-core")
        || !have(prometheus, "prometheus")
        || !have(dummy, "monitoring-plugins-basic")
    {
        return;
    }
    let dir = Scratch::new("e2e");
    for sub in ["var/rw", "var/spool/checkresults", "var/tmp", "prom"] {
        std::fs::create_dir_all(dir.path(sub)).unwrap();
    }
    let w = dir.0.display().to_string();
    // As root, Nagios drops privileges to nagios_user: use Debian's nagios account.
    let (user, group) = if is_root() && user_exists("nagios") {
        ("nagios".to_owned(), "nagios".to_owned())
    } else {
        (whoami("-un"), whoami("-gn"))
    };
    std::fs::write(
        dir.path("objects.cfg"),
        format!(
            "define command {{\n command_name check_dummy\n command_line {plugins}/check_dummy $ARG1$ \"$ARG2$\"\n}}\n\
             define command {{\n command_name check_echo\n command_line {w}/check_echo.sh\n}}\n\
             define timeperiod {{\n timeperiod_name 24x7\n alias 24x7\n sunday 00:00-24:00\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n}}\n\
             define contact {{\n contact_name nobody\n host_notifications_enabled 0\n service_notifications_enabled 0\n host_notification_period 24x7\n service_notification_period 24x7\n host_notification_options n\n service_notification_options n\n host_notification_commands check_echo\n service_notification_commands check_echo\n}}\n\
             define host {{\n host_name e2e-host\n address 127.0.0.1\n check_command check_dummy!0!up\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contacts nobody\n}}\n\
             define service {{\n host_name e2e-host\n service_description Always Critical\n check_command check_dummy!2!CRITICAL - broken on purpose\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contacts nobody\n}}\n\
             define service {{\n host_name e2e-host\n service_description Always OK\n check_command check_echo\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contacts nobody\n}}\n",
            plugins = "/usr/lib/nagios/plugins"
        ),
    )
    .unwrap();
    // A plugin with perf data (`;` would start a comment in an object file).
    let script = dir.path("check_echo.sh");
    std::fs::write(&script, "#!/bin/sh\necho 'OK - fine | time=0.25s;1;2;0 used=42%;80;90'\n")
        .unwrap();
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();
    let cfg = dir.path("nagios.cfg");
    std::fs::write(
        &cfg,
        format!(
            "log_file={w}/var/nagios.log\ncfg_file={w}/objects.cfg\nobject_cache_file={w}/var/objects.cache\n\
             precached_object_file={w}/var/objects.precache\nstatus_file={w}/var/status.dat\n\
             status_update_interval=1\nnagios_user={user}\nnagios_group={group}\ncheck_external_commands=0\n\
             command_file={w}/var/rw/nagios.cmd\nquery_socket={w}/var/rw/nagios.qh\nlock_file={w}/var/nagios.lock\n\
             temp_file={w}/var/nagios.tmp\ntemp_path={w}/var/tmp\ncheck_result_path={w}/var/spool/checkresults\n\
             state_retention_file={w}/var/retention.dat\nretain_state_information=0\nuse_syslog=0\n\
             interval_length=1\nservice_inter_check_delay_method=n\nhost_inter_check_delay_method=n\n\
             check_result_reaper_frequency=1\ncheck_workers=1\nenable_notifications=0\nenable_flap_detection=0\n\
             process_performance_data=0\ncheck_for_updates=0\nbare_update_check=1\n"
        ),
    )
    .unwrap();
    if is_root() && user == "nagios" {
        let _ = Command::new("chown").args(["-R", "nagios:nagios"]).arg(&dir.0).status();
    }
    let verify = Command::new(nagios).arg("-v").arg(&cfg).output().unwrap();
    assert!(verify.status.success(), "nagios4 -v rejected the test config:\n{}", text(&verify));
    let mut nagios_proc = Proc::spawn(
        "nagios4",
        Command::new(nagios).arg(&cfg).stdout(Stdio::null()).stderr(Stdio::null()),
    );
    let status = dir.path("var/status.dat");
    assert!(
        wait_for(Duration::from_secs(30), || {
            assert!(nagios_proc.running(), "nagios4 exited early");
            std::fs::read_to_string(&status).is_ok_and(|s| s.contains("broken on purpose"))
        }),
        "Nagios never reported the CRITICAL check"
    );

    let (_bridge, bridge_port) = serve(&["--config", cfg.to_str().unwrap()]);
    let prom_port = free_port();
    let prom_cfg = dir.path("prom/prometheus.yml");
    std::fs::write(
        &prom_cfg,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: nagios\n    \
             static_configs:\n      - targets: ['127.0.0.1:{bridge_port}']\n"
        ),
    )
    .unwrap();
    let mut prom = Proc::spawn(
        "prometheus",
        Command::new(prometheus)
            .arg(format!("--config.file={}", prom_cfg.display()))
            .arg(format!("--storage.tsdb.path={}", dir.path("prom/data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let query = "/api/v1/query?query=nagios_service_state%7Bservice%3D%22Always%20Critical%22%7D";
    let mut last = String::new();
    let found = wait_for(Duration::from_secs(45), || {
        assert!(prom.running(), "prometheus exited early");
        let Some((200, _, body)) = get(prom_port, query, &[]) else { return false };
        last = String::from_utf8_lossy(&body).into_owned();
        last.contains("\"host\":\"e2e-host\"")
            && last.contains("\"value\":[")
            && last.contains(",\"2\"]")
    });
    assert!(found, "Prometheus never saw nagios_service_state == 2; last answer: {last}");
    let ok = "/api/v1/query?query=nagios_perfdata_ratio%7Bservice%3D%22Always%20OK%22%2Clabel%3D%22used%22%7D";
    let found = wait_for(Duration::from_secs(30), || {
        let Some((200, _, body)) = get(prom_port, ok, &[]) else { return false };
        last = String::from_utf8_lossy(&body).into_owned();
        last.contains(",\"0.42\"]")
    });
    assert!(found, "perf data used=42% never reached Prometheus as 0.42; last answer: {last}");
}

fn is_root() -> bool {
    whoami("-u") == "0"
}

fn whoami(flag: &str) -> String {
    Command::new("id")
        .arg(flag)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn user_exists(name: &str) -> bool {
    Command::new("id").arg(name).output().is_ok_and(|o| o.status.success())
}

/// Issue #12, defect 1: an empty, partial or deleted web config never turns basic auth off;
/// a file that says `basic_auth_users: {}` does.
#[test]
fn serve_web_config_reload_fails_closed() {
    let dir = Scratch::new("auth-reload");
    let status = dir.path("status.dat");
    replace(&status, status_dat(now(), &[("h", "s", 0, "")]).as_bytes());
    let hash = bcrypt::hash("s3cret", 4).unwrap();
    let web = dir.path("web.yml");
    let users = format!("basic_auth_users:\n  prom: '{hash}'\n");
    std::fs::write(&web, &users).unwrap();
    let log = dir.path("serve.log");
    let (_server, port) = serve_logged(
        &["--status-file", status.to_str().unwrap(), "--web.config.file", web.to_str().unwrap()],
        &log,
    );
    let auth = basic("prom", "s3cret");
    let code = |with: bool| {
        let headers: Vec<(&str, &str)> =
            if with { vec![("Authorization", auth.as_str())] } else { vec![] };
        get(port, "/metrics", &headers).map(|r| r.0)
    };
    let errors = || {
        let (_, _, body) = get(port, "/metrics", &[("Authorization", &auth)]).unwrap();
        value(&String::from_utf8_lossy(&body), "nag2prom_web_config_reload_errors_total")
            .unwrap_or_default()
    };
    assert!(wait_for(Duration::from_secs(10), || code(true) == Some(200)));
    assert_eq!(code(false), Some(401));
    for (expected, (what, text)) in (1..).zip([
        ("empty", None),
        ("only http_server_config", Some("http_server_config:\n  headers:\n    X-A: b\n")),
        ("cut mid-key", Some("basic_auth_us")),
        ("deleted", Some("")),
    ]) {
        // Written by rename, so each bad state is seen once: a truncate-then-write can be
        // caught empty in between, which is (rightly) counted as one more refused reload.
        match (what, text) {
            ("deleted", _) => std::fs::remove_file(&web).unwrap(),
            (_, None) => replace(&web, b""),
            (_, Some(text)) => replace(&web, text.as_bytes()),
        }
        assert!(
            wait_for(Duration::from_secs(10), || errors() == expected.to_string()),
            "{what}: reload error not counted; log:\n{}",
            read_log(&log)
        );
        assert_eq!(code(false), Some(401), "{what}: auth turned off");
        assert_eq!(code(true), Some(200), "{what}");
    }
    let logged = read_log(&log);
    assert!(logged.contains("ERROR") && logged.contains("web config reload refused"), "{logged}");
    assert!(!logged.contains(&hash) && !logged.contains("s3cret"), "secret in the log");
    // On purpose: a file that parses and says so.
    std::fs::write(&web, "basic_auth_users: {}\n").unwrap();
    assert!(wait_for(Duration::from_secs(10), || code(false) == Some(200)), "{}", read_log(&log));
    assert!(read_log(&log).contains("authentication is OFF"));
}

/// Issue #12, defect 2: a FIFO renamed over status.dat is refused at once; plain scrapes,
/// staleness, readiness, web config reloads and SIGTERM keep working, and a real file
/// recovers.
#[test]
fn serve_fifo_over_status_dat_never_wedges() {
    let dir = Scratch::new("fifo");
    let status = dir.path("status.dat");
    replace(&status, status_dat(now(), &[("h", "s", 2, "")]).as_bytes());
    let web = dir.path("web.yml");
    std::fs::write(&web, "basic_auth_users: {}\n").unwrap();
    let log = dir.path("serve.log");
    let (mut server, port) = serve_logged(
        &[
            "--status-file",
            status.to_str().unwrap(),
            "--status.max-age",
            "4",
            "--web.config.file",
            web.to_str().unwrap(),
        ],
        &log,
    );
    let state = r#"nagios_service_state{host="h",service="s"}"#;
    assert!(wait_for(Duration::from_secs(10), || value(&scrape(port), state).is_some()));
    let fifo = dir.path("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::fs::rename(&fifo, &status).unwrap();
    let refused = r#"nag2prom_status_rejected_total{reason="not_regular_file"}"#;
    assert!(
        wait_for(Duration::from_secs(5), || value(&scrape(port), refused).as_deref() == Some("1")),
        "{}",
        read_log(&log)
    );
    let start = Instant::now();
    let m = scrape(port);
    assert!(start.elapsed() < Duration::from_secs(2), "plain scrape waited");
    assert_eq!(value(&m, state).as_deref(), Some("2"), "last good data lost");
    assert_eq!(get(port, "/-/ready", &[]).unwrap().0, 200);
    let (_, headers, _) = get(port, "/metrics", &[("Accept-Encoding", "gzip")]).unwrap();
    assert!(headers.iter().any(|(k, v)| k == "content-encoding" && v == "gzip"));
    // Staleness is still evaluated.
    assert!(
        wait_for(Duration::from_secs(10), || value(&scrape(port), "nagios_up").as_deref()
            == Some("0")),
        "nagios_up stayed 1 past --status.max-age"
    );
    // Web config changes are still applied.
    let hash = bcrypt::hash("s3cret", 4).unwrap();
    std::fs::write(&web, format!("basic_auth_users:\n  prom: '{hash}'\n")).unwrap();
    assert!(wait_for(Duration::from_secs(10), || get(port, "/metrics", &[])
        .is_some_and(|r| r.0 == 401)));
    let auth = basic("prom", "s3cret");
    // A real file again: served.
    replace(&status, status_dat(now(), &[("h", "s", 1, "")]).as_bytes());
    assert!(wait_for(Duration::from_secs(10), || {
        let (_, _, body) = get(port, "/metrics", &[("Authorization", &auth)]).unwrap();
        let m = String::from_utf8_lossy(&body).into_owned();
        value(&m, state).as_deref() == Some("1") && value(&m, "nagios_up").as_deref() == Some("1")
    }));
    assert!(read_log(&log).contains("not a regular file"), "{}", read_log(&log));
    // And a FIFO again, then SIGTERM: the process ends.
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::fs::rename(&fifo, &status).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(terminates(&mut server, Duration::from_secs(8)), "SIGTERM ignored");
}

/// Issue #12, defect 3: idle and slow connections are closed, connections beyond the limit
/// are refused (logged, counted), scrapes keep working, and the open-file soft limit is
/// raised to the hard one.
#[test]
fn serve_closes_idle_connections() {
    let prlimit = Path::new("/usr/bin/prlimit");
    if !have(prlimit, "util-linux") {
        return;
    }
    let dir = Scratch::new("idle");
    let status = dir.path("status.dat");
    replace(&status, status_dat(now(), &[("h", "s", 0, "")]).as_bytes());
    let log = dir.path("serve.log");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = Proc::spawn(
        "nag2prom serve",
        Command::new(prlimit)
            .args(["--nofile=256:4096", env!("CARGO_BIN_EXE_nag2prom"), "serve"])
            .args(["--status-file", status.to_str().unwrap(), "--web.listen-address", &listen])
            .args(["--web.max-connections", "40", "--web.read-header-timeout", "1"])
            .args(["--web.idle-timeout", "2"])
            .stderr(std::fs::File::create(&log).unwrap()),
    );
    assert!(wait_for(Duration::from_secs(10), || {
        assert!(server.running(), "serve exited: {}", read_log(&log));
        get(port, "/-/ready", &[]).is_some_and(|r| r.0 == 200)
    }));
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.child.id())).unwrap();
    let line = limits.lines().find(|l| l.starts_with("Max open files")).unwrap().to_owned();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields[3], fields[4], "soft limit not raised: {line}");
    assert_eq!(fields[3], "4096", "{line}");

    // 40 silent connections, and 20 trickling a header every 300 ms.
    let mut idle: Vec<TcpStream> =
        (0..40).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut slow: Vec<TcpStream> = (0..20)
        .filter_map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
            s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n").ok()?;
            Some(s)
        })
        .collect();
    // Over the limit: closed at once, counted, logged.
    let closed = |s: &mut TcpStream, within: Duration| {
        s.set_read_timeout(Some(within)).unwrap();
        let mut buf = [0u8; 64];
        matches!(s.read(&mut buf), Ok(0) | Err(_)) && {
            // a timeout is not a close
            s.read(&mut buf).map_or_else(|e| e.kind() != std::io::ErrorKind::WouldBlock, |n| n == 0)
        }
    };
    for s in slow.iter_mut() {
        let _ = s.write_all(b"X-a: b\r\n");
    }
    assert!(closed(&mut slow[0], Duration::from_secs(1)), "connection over the limit kept open");
    // Within the header timeout (1 s, plus a tick), every idle connection is closed.
    let start = Instant::now();
    for s in idle.iter_mut() {
        assert!(closed(s, Duration::from_secs(4)), "idle connection kept open");
    }
    assert!(start.elapsed() < Duration::from_secs(5));
    // Scrapes work (a fresh connection), and the refusals were counted and logged.
    let m = scrape(port);
    let refused = value(&m, "nag2prom_http_connections_refused_total").unwrap();
    assert!(refused.parse::<u64>().unwrap() >= 1, "{refused}");
    assert!(read_log(&log).contains("connection limit reached"), "{}", read_log(&log));
    // A keep-alive connection waiting for its next request longer than
    // --web.read-header-timeout is closed.
    let mut keep = TcpStream::connect(("127.0.0.1", port)).unwrap();
    keep.write_all(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    keep.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 512];
    assert!(keep.read(&mut buf).unwrap() > 0);
    let start = Instant::now();
    let mut rest = Vec::new();
    let _ = keep.read_to_end(&mut rest);
    assert!(start.elapsed() < Duration::from_secs(4), "keep-alive connection never closed");
    drop(slow);
}

/// Issue #12, defect 4: `export --output` refuses devices, FIFOs and symlinks as targets and
/// keeps the mode (and group) of the file it replaces.
#[test]
fn serve_export_output_is_safe() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = Scratch::new("export-safe");
    let status = dir.path("status.dat");
    std::fs::write(&status, status_dat(now(), &[("h", "s", 0, "")])).unwrap();
    let export = |output: &Path| {
        nag2prom(&[
            "export",
            "--status-file",
            status.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ])
    };
    let fifo = dir.path("fifo.prom");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let out = export(&fifo);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"), "{}", text(&out));
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &std::fs::symlink_metadata(&fifo).unwrap().file_type()
    ));
    let out = export(Path::new("/dev/null"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(
        &std::fs::symlink_metadata("/dev/null").unwrap().file_type()
    ));
    let victim = dir.path("victim");
    std::fs::write(&victim, "keep\n").unwrap();
    let link = dir.path("link.prom");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let out = export(&link);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
    // Mode and group kept.
    let target = dir.path("nagios.prom");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let group = if is_root() { Some(4) } else { None }; // adm on Debian
    if let Some(gid) = group {
        std::os::unix::fs::chown(&target, None, Some(gid)).unwrap();
    }
    let out = export(&target);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let meta = std::fs::metadata(&target).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    if let Some(gid) = group {
        assert_eq!(meta.gid(), gid);
    }
    promtool_check(&std::fs::read(&target).unwrap());
    let names: Vec<_> =
        std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 5, "temporary files left: {names:?}");
}

/// A self-signed certificate for 127.0.0.1 into `crt` and `key`.
fn make_cert(openssl: &Path, crt: &Path, key: &Path, cn: &str) {
    let out = Command::new(openssl)
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj"])
        .arg(format!("/CN={cn}"))
        .args(["-addext", "subjectAltName=IP:127.0.0.1", "-keyout"])
        .arg(key)
        .arg("-out")
        .arg(crt)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

/// Issue #12, defect 5: a renewed certificate and key are served without touching web.yml.
#[test]
fn serve_tls_certificate_rotation() {
    let openssl = Path::new("/usr/bin/openssl");
    let curl = Path::new("/usr/bin/curl");
    if !have(openssl, "openssl") || !have(curl, "curl") {
        return;
    }
    let dir = Scratch::new("tls-rotate");
    let (crt, key) = (dir.path("tls.crt"), dir.path("tls.key"));
    make_cert(openssl, &crt, &key, "first");
    let web = dir.path("web.yml");
    std::fs::write(&web, "tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n")
        .unwrap();
    let status = dir.path("status.dat");
    replace(&status, status_dat(now(), &[("h", "s", 0, "")]).as_bytes());
    let log = dir.path("serve.log");
    let (_server, port) = serve_logged(
        &["--status-file", status.to_str().unwrap(), "--web.config.file", web.to_str().unwrap()],
        &log,
    );
    let url = format!("https://127.0.0.1:{port}/-/healthy");
    let ok_with = |ca: &Path| {
        Command::new(curl)
            .args(["-sS", "-o", "/dev/null", "--max-time", "5", "--cacert"])
            .arg(ca)
            .arg(&url)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    assert!(wait_for(Duration::from_secs(10), || ok_with(&crt)), "{}", read_log(&log));
    let first = dir.path("first.crt");
    std::fs::copy(&crt, &first).unwrap();
    // Renew: new key and certificate, written beside and renamed over (as certbot does).
    let (new_crt, new_key) = (dir.path("new.crt"), dir.path("new.key"));
    make_cert(openssl, &new_crt, &new_key, "second");
    std::fs::rename(&new_key, &key).unwrap();
    std::fs::rename(&new_crt, &crt).unwrap();
    assert!(
        wait_for(Duration::from_secs(10), || ok_with(&crt) && !ok_with(&first)),
        "the renewed certificate is not served; log:\n{}",
        read_log(&log)
    );
}

/// Issue #12, defect 6: with the object configuration known, a status.dat that lost
/// configured services (a prefix written in place, paused at a block boundary) does not
/// replace the served data; it is counted and logged, and the complete file is taken.
#[test]
fn serve_keeps_data_over_a_partial_status_dat() {
    let dir = Scratch::new("partial");
    let services = ["a", "b", "c", "d"];
    let mut objects = String::from(
        "define command {\n command_name check_x\n command_line /bin/true\n}\n\
         define host {\n host_name h\n address 127.0.0.1\n check_command check_x\n max_check_attempts 1\n}\n",
    );
    for s in services {
        objects.push_str(&format!(
            "define service {{\n host_name h\n service_description {s}\n check_command check_x\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n}}\n"
        ));
    }
    std::fs::write(dir.path("objects.cfg"), objects).unwrap();
    let cfg = dir.path("nagios.cfg");
    std::fs::write(&cfg, "cfg_file=objects.cfg\nstatus_file=status.dat\n").unwrap();
    let status = dir.path("status.dat");
    let all: Vec<(&str, &str, u8, &str)> = services.iter().map(|s| ("h", *s, 2, "")).collect();
    let full = status_dat(now(), &all);
    replace(&status, full.as_bytes());
    let log = dir.path("serve.log");
    let (_server, port) = serve_logged(&["--config", cfg.to_str().unwrap()], &log);
    let d = r#"nagios_service_state{host="h",service="d"}"#;
    assert!(wait_for(Duration::from_secs(10), || get(port, "/metrics", &[])
        .is_some_and(|r| value(&String::from_utf8_lossy(&r.2), d).is_some())));
    // In place, stopping right after a block: a valid-looking prefix.
    let cut = full.find("servicestatus {\n\thost_name=h\n\tservice_description=c").unwrap();
    std::fs::write(&status, &full[..cut]).unwrap();
    let incomplete = r#"nag2prom_status_rejected_total{reason="incomplete"}"#;
    assert!(
        wait_for(Duration::from_secs(10), || value(&scrape(port), incomplete).as_deref()
            == Some("1")),
        "{}",
        read_log(&log)
    );
    let m = scrape(port);
    assert_eq!(value(&m, d).as_deref(), Some("2"), "a prefix replaced the served data");
    assert_eq!(value(&m, "nagios_up").as_deref(), Some("1"));
    assert!(read_log(&log).contains("lacks 2 configured hosts/services"), "{}", read_log(&log));
    // The writer finishes: the whole new file is taken.
    let all: Vec<(&str, &str, u8, &str)> = services.iter().map(|s| ("h", *s, 0, "")).collect();
    std::fs::write(&status, status_dat(now(), &all)).unwrap();
    assert!(wait_for(Duration::from_secs(10), || value(&scrape(port), d).as_deref() == Some("0")));
}

/// Issue #12, defect 7: the gzip body and its tail always describe the same snapshot.
#[test]
fn serve_gzip_body_and_tail_match_across_reloads() {
    let dir = Scratch::new("gzip-consistent");
    let status = dir.path("status.dat");
    let names: Vec<String> = (0..3000).map(|i| format!("svc {i}")).collect();
    let big: Vec<(&str, &str, u8, &str)> =
        names.iter().map(|s| ("h", s.as_str(), 0, "t=1s;2;3 u=5%")).collect();
    let (big, small) = (status_dat(now(), &big), status_dat(now(), &big[..100]));
    replace(&status, big.as_bytes());
    let (_server, port) = serve(&["--status-file", status.to_str().unwrap()]);
    let mut seen = std::collections::BTreeSet::new();
    let start = Instant::now();
    let mut i = 0;
    while start.elapsed() < Duration::from_secs(6) {
        if i % 4 == 0 {
            replace(&status, if i % 8 == 0 { small.as_bytes() } else { big.as_bytes() });
        }
        i += 1;
        let Some((200, headers, body)) = get(port, "/metrics", &[("Accept-Encoding", "gzip")])
        else {
            continue;
        };
        if !headers.iter().any(|(k, v)| k == "content-encoding" && v == "gzip") {
            continue;
        }
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut plain).unwrap();
        let m = String::from_utf8(plain).unwrap();
        let offset = m.find("# HELP nagios_up ").unwrap();
        let bytes: usize = value(&m, "nag2prom_exposition_bytes").unwrap().parse().unwrap();
        assert_eq!(offset, bytes, "body and tail of different snapshots");
        let series = m.lines().filter(|l| l.starts_with("nagios_service_state{")).count();
        let counted = value(&m, r#"nag2prom_exposition_series{family="nagios_service_state"}"#);
        assert_eq!(counted, Some(series.to_string()));
        seen.insert(series);
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(seen.len() == 2, "both files were served: {seen:?}");
}

/// Issue #12, defect 8: names, perf data lines and status.dat size are bounded, and each
/// limit is counted.
#[test]
fn serve_export_bounds_hostile_input() {
    let dir = Scratch::new("hostile");
    let status = dir.path("status.dat");
    let long = "x".repeat(100_000);
    let perf: String = (0..200_000).map(|i| format!("l{i}={i} ")).collect();
    std::fs::write(&status, status_dat(now(), &[(&long, "s", 0, ""), ("h", "s", 0, &perf)]))
        .unwrap();
    let out = nag2prom(&["export", "--status-file", status.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.len() < 100_000, "{} bytes", out.stdout.len());
    let m = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(
        value(&m, r#"nag2prom_status_objects_dropped{reason="long_name"}"#).as_deref(),
        Some("2")
    );
    assert_eq!(
        value(&m, r#"nag2prom_perfdata_dropped_items{reason="limit"}"#).as_deref(),
        Some("199936")
    );
    promtool_check(&out.stdout);
    let out = nag2prom(&[
        "export",
        "--status-file",
        status.to_str().unwrap(),
        "--status.max-bytes",
        "1000",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--status.max-bytes"), "{}", text(&out));
    let m = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(
        value(&m, r#"nag2prom_status_rejected_total{reason="too_large"}"#).as_deref(),
        Some("1")
    );
    assert_eq!(value(&m, "nagios_up").as_deref(), Some("0"));
}

/// Issue #12, cardinality: the default families, opt-in collectors, `--no-collector.NAME`,
/// and the last of `--collector.NAME` / `--no-collector.NAME` wins; every variant passes
/// promtool.
#[test]
fn serve_export_collectors() {
    let dir = Scratch::new("collectors");
    let status = dir.path("status.dat");
    let every_field = "has_been_checked=1\n\tproblem_has_been_acknowledged=0\n\t\
        scheduled_downtime_depth=0\n\tlast_check=1700000000\n\tis_flapping=0\n\tcurrent_attempt=1\n\t\
        max_attempts=3\n\tnotifications_enabled=1\n\tactive_checks_enabled=1\n\t\
        last_state_change=1700000000\n\tlast_hard_state_change=1700000000\n\tcheck_latency=0.1\n\t\
        check_execution_time=0.2\n\tcheck_command=check_y\n";
    let content = status_dat(now(), &[("h", "s", 2, "t=1s;2;3;0;9 u=5%;80;90")])
        .replace("has_been_checked=1\n", every_field);
    std::fs::write(&status, content).unwrap();
    let export = |extra: &[&str]| {
        let mut args = vec!["export", "--status-file", status.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = nag2prom(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        promtool_check(&out.stdout);
        String::from_utf8(out.stdout).unwrap()
    };
    let has = |m: &str, family: &str| m.contains(&format!("# TYPE {family} "));
    let m = export(&[]);
    for family in [
        "nagios_service_state",
        "nagios_service_hard_state",
        "nagios_service_state_type",
        "nagios_service_acknowledged",
        "nagios_service_scheduled_downtime_depth",
        "nagios_service_last_check_timestamp_seconds",
        "nagios_service_info",
        "nagios_host_hard_state",
        "nagios_perfdata_seconds",
        "nagios_perfdata_ratio",
        "nagios_up",
        "nagios_status_update_timestamp_seconds",
    ] {
        assert!(has(&m, family), "default lacks {family}");
    }
    for family in [
        "nagios_service_checked",
        "nagios_service_check_attempt",
        "nagios_service_flapping",
        "nagios_perfdata_threshold_seconds",
        "nagios_perfdata_min_seconds",
    ] {
        assert!(!has(&m, family), "{family} on by default");
    }
    let m = export(&[
        "--collector.perfdata_thresholds",
        "--no-collector.perfdata",
        "--collector.checked",
    ]);
    assert!(has(&m, "nagios_perfdata_threshold_seconds"));
    assert!(!has(&m, "nagios_perfdata_seconds"));
    assert!(has(&m, "nagios_service_checked"));
    let m = export(&["--collector.flapping", "--no-collector.flapping"]);
    assert!(!has(&m, "nagios_service_flapping"), "the last flag wins");
    let m = export(&["--no-collector.flapping", "--collector.flapping"]);
    assert!(has(&m, "nagios_service_flapping"), "the last flag wins");
    let all = [
        "--collector.checked",
        "--collector.attempts",
        "--collector.latency",
        "--collector.switches",
        "--collector.flapping",
        "--collector.state_changes",
        "--collector.perfdata_bounds",
        "--collector.perfdata_thresholds",
    ];
    let m = export(&all);
    for family in nag2prom::exposition::catalogue::all() {
        let opt_in = family.name.ends_with("_output_info")
            || family.name == "nagios_perfdata_total"
            || family.name == "nagios_perfdata_max"
            || family.name.starts_with("nag2prom_status_read")
            || family.name == "nag2prom_status_rejected_total";
        if family.name.starts_with("nagios_host_") || family.name.starts_with("nagios_service_") {
            assert!(opt_in || has(&m, family.name), "all collectors lack {}", family.name);
        }
    }
}
