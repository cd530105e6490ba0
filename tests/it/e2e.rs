//! The migration end to end, as a team runs it during the parallel run: a real Nagios 4
//! daemon runs the real monitoring plugins against services of this test on 127.0.0.1; the
//! same configuration goes through `nag2prom convert`; a real Prometheus loads the generated
//! rules and scrapes the real node_exporter, blackbox_exporter (with the generated modules)
//! and `nag2prom serve`. For every service, the generated alerts that fire must agree with
//! the state Nagios notifies on — or the difference is listed below with its reason. Then one
//! threshold is changed and the configuration converted again: no target changes and no
//! untouched alert is re-created.
//!
//! The services cover what the field tests found: a `check_disk -p` directory that is not a
//! mount point, a missing path, a mount node_exporter excludes by default, a failing
//! collector, `check_procs -s RSZDT`, HTTP virtual hosts (`-H $HOSTNAME$ -I $HOSTADDRESS$`), a
//! wrong SMTP banner, a DOWN host (native host check) with a failing service.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Proc, api, free_port, have, nag2prom, text, urlencode, wait_for};

const PLUGINS: &str = "/usr/lib/nagios/plugins";

/// Differences that are by design, with the reason: `(host, service) → why`. The rule may
/// fire or not for these; every other service must agree.
const BY_DESIGN: [(&str, &str, &str); 2] = [
    (
        "web",
        "Missing Path",
        "check_disk -p on a path that does not exist is CRITICAL in the plugin (`is not accessible`); node_exporter cannot tell a missing directory from an existing one that is not a mount point, so the rule measures the file system containing it (`/`). With -E (the `Missing Mount` service) both are CRITICAL.",
    ),
    (
        "web",
        "Current Users",
        "the plugin counts utmp entries; node_exporter's logind collector fails where systemd-logind does not run (as on a CI machine without D-Bus), and the no-data companion then reports UNKNOWN — the point of it: a rule whose data is missing is visible instead of silent.",
    ),
];

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A TCP server of the test on 127.0.0.1, answering each connection with `handle`.
fn serve_tcp(handle: fn(std::net::TcpStream)) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || handle(stream));
        }
    });
    port
}

/// HTTP: 200 for `Host: vhost.test`, 404 for any other virtual host (as a name-based
/// virtual host server does).
fn vhost_server(mut stream: std::net::TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut host = String::new();
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        if line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("host")
        {
            host = value.trim().split(':').next().unwrap_or("").to_owned();
        }
        line.clear();
    }
    let reply = if host == "vhost.test" {
        "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"
    } else {
        "HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nno vhost\n"
    };
    let _ = stream.write_all(reply.as_bytes());
}

/// SMTP with the given greeting; 250 (good) or 503 (bad) to every command, 221 to QUIT.
fn smtp(mut stream: std::net::TcpStream, greeting: &str, reply: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(15)));
    let _ = stream.write_all(greeting.as_bytes());
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        if line.to_ascii_uppercase().starts_with("QUIT") {
            let _ = stream.write_all(b"221 bye\r\n");
            return;
        }
        let _ = stream.write_all(reply.as_bytes());
        line.clear();
    }
}

fn good_smtp(stream: std::net::TcpStream) {
    smtp(stream, "220 mail.test ESMTP\r\n", "250 ok\r\n");
}

fn bad_smtp(stream: std::net::TcpStream) {
    smtp(stream, "554 mail.test no service for you\r\n", "503 5.5.1 no service\r\n");
}

/// IMAP with the given greeting; `* BYE` to the `a1 LOGOUT` check_imap sends.
fn imap(mut stream: std::net::TcpStream, greeting: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(15)));
    let _ = stream.write_all(greeting.as_bytes());
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        if line.to_ascii_uppercase().contains("LOGOUT") {
            let _ = stream.write_all(b"* BYE\r\na1 OK LOGOUT\r\n");
            return;
        }
        let _ = stream.write_all(b"a1 BAD\r\n");
        line.clear();
    }
}

fn good_imap(stream: std::net::TcpStream) {
    imap(stream, "* OK IMAP4rev1 mail.test ready\r\n");
}

/// A server whose greeting is not IMAP's: check_imap says WARNING (expect mismatch).
fn bad_imap(stream: std::net::TcpStream) {
    imap(stream, "* BYE too many connections\r\n");
}

/// The Nagios object configuration of the test, with `load_warning` as the Load service's
/// warning thresholds (changed for the re-conversion).
fn objects(ports: &Ports, load_warning: &str) -> String {
    let closed = ports.closed;
    let mut o = format!(
        "define command {{\n command_name check-host-alive\n command_line {PLUGINS}/check_ping -H $HOSTADDRESS$ -w 3000.0,80% -c 5000.0,100% -p 1\n}}\n\
         define command {{\n command_name check-host-tcp\n command_line {PLUGINS}/check_tcp -H $HOSTADDRESS$ -p $ARG1$\n}}\n\
         define command {{\n command_name check_local_disk\n command_line {PLUGINS}/check_disk -w $ARG1$ -c $ARG2$ -p $ARG3$\n}}\n\
         define command {{\n command_name check_local_mount\n command_line {PLUGINS}/check_disk -w $ARG1$ -c $ARG2$ -E -p $ARG3$\n}}\n\
         define command {{\n command_name check_local_load\n command_line {PLUGINS}/check_load -w $ARG1$ -c $ARG2$\n}}\n\
         define command {{\n command_name check_local_procs\n command_line {PLUGINS}/check_procs -w $ARG1$ -c $ARG2$ -s $ARG3$\n}}\n\
         define command {{\n command_name check_local_users\n command_line {PLUGINS}/check_users -w $ARG1$ -c $ARG2$\n}}\n\
         define command {{\n command_name check_tcp\n command_line {PLUGINS}/check_tcp -H $HOSTADDRESS$ -p $ARG1$\n}}\n\
         define command {{\n command_name check_smtp\n command_line {PLUGINS}/check_smtp -H $HOSTADDRESS$ -p $ARG1$\n}}\n\
         define command {{\n command_name check_imap\n command_line {PLUGINS}/check_imap -H $HOSTADDRESS$ -p $ARG1$\n}}\n\
         define command {{\n command_name check_http_expect\n command_line {PLUGINS}/check_http -H $HOSTNAME$ -I $HOSTADDRESS$ -p $ARG1$ -e '$ARG2$'\n}}\n\
         define command {{\n command_name check_http_string\n command_line {PLUGINS}/check_http -H $HOSTNAME$ -I $HOSTADDRESS$ -p $ARG1$ -s '$ARG2$'\n}}\n\
         define command {{\n command_name check_http_vhost\n command_line {PLUGINS}/check_http -H $ARG2$ -I $HOSTADDRESS$ -p $ARG1$\n}}\n\
         define command {{\n command_name check_http_hostname\n command_line {PLUGINS}/check_http -H $HOSTNAME$ -I $HOSTADDRESS$ -p $ARG1$\n}}\n\
         define command {{\n command_name notify-none\n command_line /bin/true\n}}\n\
         define timeperiod {{\n timeperiod_name 24x7\n alias 24x7\n sunday 00:00-24:00\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n}}\n\
         define contact {{\n contact_name ops\n host_notifications_enabled 0\n service_notifications_enabled 0\n host_notification_period 24x7\n service_notification_period 24x7\n host_notification_options d,u,r\n service_notification_options w,u,c,r\n host_notification_commands notify-none\n service_notification_commands notify-none\n}}\n\
         define host {{\n name e2e-host\n register 0\n check_command check-host-alive\n max_check_attempts 1\n check_interval 2\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contacts ops\n}}\n\
         define service {{\n name e2e-service\n register 0\n max_check_attempts 1\n check_interval 2\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contacts ops\n}}\n\
         define host {{\n use e2e-host\n host_name web\n address 127.0.0.1\n}}\n\
         define host {{\n use e2e-host\n host_name vhost.test\n address 127.0.0.1\n}}\n\
         define host {{\n use e2e-host\n host_name down-host\n address 127.0.0.3\n check_command check-host-tcp!{closed}\n}}\n"
    );
    let services: Vec<(&str, &str, String)> = vec![
        ("web", "PING", "check-host-alive".to_owned()),
        ("web", "Load", format!("check_local_load!{load_warning}!2000,2000,2000")),
        ("web", "Root Disk", "check_local_disk!2%!1%!/".to_owned()),
        ("web", "Log Disk Full", "check_local_disk!100%!100%!/var/log".to_owned()),
        ("web", "Missing Path", "check_local_disk!2%!1%!/srv/nag2prom-missing".to_owned()),
        ("web", "Missing Mount", "check_local_mount!2%!1%!/srv/nag2prom-missing".to_owned()),
        ("web", "Shared Memory", "check_local_disk!2%!1%!/dev/shm".to_owned()),
        ("web", "Total Processes", "check_local_procs!250!400!RSZDT".to_owned()),
        ("web", "Current Users", "check_local_users!20!50".to_owned()),
        ("web", "Closed Port", format!("check_tcp!{closed}")),
        ("web", "SMTP", format!("check_smtp!{}", ports.good_smtp)),
        ("web", "SMTP Wrong Banner", format!("check_smtp!{}", ports.bad_smtp)),
        ("web", "IMAP", format!("check_imap!{}", ports.good_imap)),
        ("web", "IMAP Wrong Banner", format!("check_imap!{}", ports.bad_imap)),
        ("web", "HTTP Wrong Vhost", format!("check_http_vhost!{}!wrong.test", ports.http)),
        ("vhost.test", "HTTP Vhost", format!("check_http_hostname!{}", ports.http)),
        ("vhost.test", "HTTP Expect", format!("check_http_expect!{}!HTTP/1.0 200", ports.http)),
        ("vhost.test", "HTTP Expect 201", format!("check_http_expect!{}!201", ports.http)),
        ("vhost.test", "HTTP String", format!("check_http_string!{}!ok", ports.http)),
        ("vhost.test", "HTTP Missing String", format!("check_http_string!{}!absent", ports.http)),
        // A 404 page: WARNING with the string, CRITICAL without it (the body is tested at
        // any status).
        ("web", "HTTP 404 String", format!("check_http_string!{}!vhost", ports.http)),
        ("web", "HTTP 404 Missing String", format!("check_http_string!{}!absent", ports.http)),
        ("down-host", "Down Port", format!("check_tcp!{closed}")),
    ];
    for (host, description, command) in services {
        o.push_str(&format!(
            "define service {{\n use e2e-service\n host_name {host}\n service_description {description}\n check_command {command}\n}}\n"
        ));
    }
    o
}

struct Ports {
    closed: u16,
    good_smtp: u16,
    bad_smtp: u16,
    good_imap: u16,
    bad_imap: u16,
    http: u16,
}

/// `host/service → value` of an instant vector.
fn vector(port: u16, query: &str) -> BTreeMap<(String, String), f64> {
    let path = format!("/api/v1/query?query={}", urlencode(query));
    let Some(data) = api(port, &path) else { return BTreeMap::new() };
    let mut out = BTreeMap::new();
    for r in data["result"].as_array().into_iter().flatten() {
        let label = |k: &str| r["metric"][k].as_str().unwrap_or("").to_owned();
        let value = r["value"][1].as_str().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
        out.insert((label("host"), label("service")), value);
    }
    out
}

/// Firing alerts: labels → activeAt.
fn firing(port: u16) -> BTreeMap<BTreeMap<String, String>, String> {
    let Some(data) = api(port, "/api/v1/alerts") else { return BTreeMap::new() };
    let mut out = BTreeMap::new();
    for a in data["alerts"].as_array().into_iter().flatten() {
        if a["state"] != "firing" {
            continue;
        }
        let labels: BTreeMap<String, String> = a["labels"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
            .collect();
        out.insert(labels, a["activeAt"].as_str().unwrap_or("").to_owned());
    }
    out
}

/// What disagrees between Nagios' view (through the bridge) and the firing alerts.
fn disagreements(prom: u16) -> (Vec<String>, usize) {
    let services = vector(prom, "nagios_service_hard_state");
    let hosts: BTreeMap<String, f64> =
        vector(prom, "nagios_host_state").into_iter().map(|((h, _), v)| (h, v)).collect();
    let alerts = firing(prom);
    let rank = |labels: &BTreeMap<String, String>| match labels.get("severity").map(String::as_str)
    {
        Some("critical") => 2,
        _ => 1,
    };
    let mut ours: BTreeMap<(String, String), u8> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut host_down_alerts = BTreeSet::new();
    for labels in alerts.keys() {
        let name = labels.get("alertname").cloned().unwrap_or_default();
        let host = labels.get("host").cloned().unwrap_or_default();
        match labels.get("service") {
            Some(service) => {
                let slot = ours.entry((host, service.clone())).or_insert(0);
                *slot = (*slot).max(rank(labels));
            }
            None if name == "NagiosHostDown" => {
                host_down_alerts.insert(host);
            }
            None => problems.push(format!("unexpected alert {labels:?}")),
        }
    }
    for (host, state) in &hosts {
        let down = *state != 0.0;
        if down != host_down_alerts.contains(host) {
            problems.push(format!(
                "host {host}: Nagios state {state}, NagiosHostDown firing: {}",
                host_down_alerts.contains(host)
            ));
        }
    }
    for ((host, service), state) in &services {
        let host_up = hosts.get(host).is_some_and(|s| *s == 0.0);
        let expected = match (*state as u8, host_up) {
            (_, false) | (0, _) => 0,
            (2, _) => 2,
            _ => 1,
        };
        let got = ours.get(&(host.clone(), service.clone())).copied().unwrap_or(0);
        if expected != got && !BY_DESIGN.iter().any(|(h, s, _)| h == host && s == service) {
            problems.push(format!(
                "{host}/{service}: Nagios HARD state {state} (host up: {host_up}) wants severity rank {expected}, firing alerts give {got}"
            ));
        }
    }
    (problems, services.len())
}

#[test]
fn e2e_generated_alerts_agree_with_nagios() {
    let tools = [
        ("/usr/sbin/nagios4", "nagios4-core"),
        ("/usr/bin/prometheus", "prometheus"),
        ("/usr/bin/prometheus-node-exporter", "prometheus-node-exporter"),
        ("/usr/bin/prometheus-blackbox-exporter", "prometheus-blackbox-exporter"),
        ("/usr/lib/nagios/plugins/check_smtp", "monitoring-plugins-basic"),
        ("/usr/lib/nagios/plugins/check_imap", "monitoring-plugins-basic"),
        ("/usr/lib/nagios/plugins/check_disk", "monitoring-plugins-basic"),
    ];
    if !tools.iter().all(|(path, package)| have(Path::new(path), package)) {
        return;
    }
    let root = std::env::temp_dir().join(format!("nag2prom-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = Scratch(root.clone());
    for sub in ["nagios/var/rw", "nagios/var/spool/checkresults", "nagios/var/tmp", "prom/data"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    let ports = Ports {
        closed: free_port(),
        good_smtp: serve_tcp(good_smtp),
        bad_smtp: serve_tcp(bad_smtp),
        good_imap: serve_tcp(good_imap),
        bad_imap: serve_tcp(bad_imap),
        http: serve_tcp(vhost_server),
    };
    let (node_port, blackbox_port, bridge_port, prom_port) =
        (free_port(), free_port(), free_port(), free_port());

    // Nagios: interval_length 1, so a check interval of 2 is two seconds.
    let w = root.join("nagios").display().to_string();
    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout == b"0\n");
    let (user, group) = if is_root {
        ("nagios".to_owned(), "nagios".to_owned())
    } else {
        let id = |f: &str| {
            let o = Command::new("id").arg(f).output().unwrap();
            String::from_utf8_lossy(&o.stdout).trim().to_owned()
        };
        (id("-un"), id("-gn"))
    };
    let objects_path = root.join("nagios/objects.cfg");
    std::fs::write(&objects_path, objects(&ports, "1000,1000,1000")).unwrap();
    let cfg = root.join("nagios/nagios.cfg");
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
             check_result_reaper_frequency=1\ncheck_workers=2\nenable_notifications=0\nenable_flap_detection=0\n\
             process_performance_data=0\ncheck_for_updates=0\nbare_update_check=1\n"
        ),
    )
    .unwrap();
    if is_root {
        let _ =
            Command::new("chown").args(["-R", "nagios:nagios"]).arg(root.join("nagios")).status();
    }
    let verify = Command::new("/usr/sbin/nagios4").arg("-v").arg(&cfg).output().unwrap();
    assert!(verify.status.success(), "nagios4 -v rejected the test config:\n{}", text(&verify));

    // Convert, as the migration does.
    let out = root.join("prom/out");
    let convert = |out: &Path| {
        nag2prom(&[
            "convert",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--scrape-interval",
            "2",
            "--node-exporter-port",
            &node_port.to_string(),
            "--blackbox-address",
            &format!("127.0.0.1:{blackbox_port}"),
            "--bridge-address",
            &format!("127.0.0.1:{bridge_port}"),
        ])
    };
    let run = convert(&out);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    // The report says what node_exporter needs; run it that way (as an operator would).
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let needs: Vec<String> = report["exporter_requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["requires"].as_str().map(str::to_owned))
        .collect();
    for flag in
        ["--collector.processes", "--collector.logind", "mount-points-exclude", "CAP_NET_RAW"]
    {
        assert!(
            needs.iter().any(|n| n.contains(flag)),
            "the report does not ask for {flag}: {needs:?}"
        );
    }

    let _nagios = Proc::spawn(
        "nagios4",
        Command::new("/usr/sbin/nagios4").arg(&cfg).stdout(Stdio::null()).stderr(Stdio::null()),
    );
    let _node = Proc::spawn(
        "node_exporter",
        Command::new("/usr/bin/prometheus-node-exporter")
            .arg(format!("--web.listen-address=127.0.0.1:{node_port}"))
            .arg("--collector.processes")
            .arg("--collector.logind")
            // /dev/shm, which check_disk names, is excluded by default.
            .arg("--collector.filesystem.mount-points-exclude=^/(proc|sys|run/credentials/.+)($|/)")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let _blackbox = Proc::spawn(
        "blackbox_exporter",
        Command::new("/usr/bin/prometheus-blackbox-exporter")
            .arg(format!("--config.file={}", out.join("blackbox.yml").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{blackbox_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let _bridge = Proc::spawn(
        "nag2prom serve",
        Command::new(env!("CARGO_BIN_EXE_nag2prom"))
            .args(["serve", "--config", cfg.to_str().unwrap()])
            .arg(format!("--web.listen-address=127.0.0.1:{bridge_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let mut prom =
        crate::support::prometheus(&out.join("prometheus.yml"), &root.join("prom/data"), prom_port);

    // Every service and host checked by Nagios and seen by Prometheus through the bridge.
    let checked = wait_for(Duration::from_secs(90), || {
        assert!(prom.running(), "prometheus exited early");
        let services = vector(prom_port, "nagios_service_last_check_timestamp_seconds > 0");
        let hosts = vector(prom_port, "nagios_host_last_check_timestamp_seconds > 0");
        services.len() == 23 && hosts.len() == 3
    });
    assert!(checked, "Nagios never checked every service (or Prometheus never saw it)");
    // Agreement, once Nagios' states and the rules have settled (hard states, probes scraped).
    let mut last = (Vec::new(), 0);
    let agreed = wait_for(Duration::from_secs(60), || {
        last = disagreements(prom_port);
        last.0.is_empty() && last.1 == 23
    });
    assert!(
        agreed,
        "generated alerts disagree with Nagios ({} services):\n{}\nfiring: {:#?}",
        last.1,
        last.0.join("\n"),
        firing(prom_port).keys().collect::<Vec<_>>()
    );
    // `nag2prom parity` says the same: only the by-design differences disagree, and the
    // rules it says cannot fire are those whose exporter data Prometheus really lacks.
    let parity = Command::new(env!("CARGO_BIN_EXE_nag2prom"))
        .args(["parity", "--format", "json", "--exit-code", "--rules"])
        .arg(&out)
        .arg("--prometheus")
        .arg(format!("http://127.0.0.1:{prom_port}"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&parity.stdout)
        .unwrap_or_else(|e| panic!("parity output ({e}): {}", text(&parity)));
    eprintln!("parity: {}", serde_json::to_string_pretty(&report).unwrap());
    assert_eq!(report["agreement"]["services"], 23, "{report}");
    assert_eq!(report["agreement"]["hosts"], 3, "{report}");
    for d in report["agreement"]["disagreements"].as_array().unwrap() {
        let (h, s) = (d["host"].as_str().unwrap(), d["service"].as_str().unwrap_or(""));
        assert!(BY_DESIGN.iter().any(|(bh, bs, _)| *bh == h && *bs == s), "parity: {d}");
        // The reasons parity gives them: the missing path is a translation that measures
        // another thing (the rule and the plugin disagree on the same data); the users rule
        // has no data, and its no-data companion is what fires.
        let reason = d["reason"].as_str().unwrap_or("");
        match s {
            "Missing Path" => assert_eq!(reason, "thresholds", "{d}"),
            "Current Users" => assert_eq!(reason, "no-data", "{d}"),
            _ => {}
        }
    }
    let no_data = report["no_data"].as_array().unwrap();
    let users_listed = no_data.iter().any(|n| n["service"] == "Current Users");
    let logind = !vector(prom_port, "node_logind_sessions").is_empty();
    assert_eq!(
        users_listed, !logind,
        "Current Users listed: {users_listed}, logind data: {logind}"
    );
    // The missing mount has no node_exporter series by nature; both are covered by their
    // no-data companions, which do fire.
    assert!(no_data.iter().any(|n| n["service"] == "Missing Mount"), "{report}");
    for n in no_data {
        let service = n["service"].as_str().unwrap_or("");
        assert!(["Current Users", "Missing Mount"].contains(&service), "a rule without data: {n}");
        assert!(n["covered_by"].is_string(), "not covered by a no-data companion: {n}");
    }
    // rules/parity.yml records the same disagreements, by object, kind and reason, for the
    // dashboard: once its rules have run on the same states, its counts are the report's.
    type Key = (String, String, String);
    let mut want: BTreeMap<Key, f64> = BTreeMap::new();
    let key = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    for kind in ["missed", "extra", "severity"] {
        let explained = if kind == "missed" { "pending" } else { "no-data" };
        for reason in ["acknowledged", "downtime", explained, "timing", "thresholds"] {
            want.insert(key("service", kind, reason), 0.0);
        }
        if kind != "severity" {
            want.insert(key("host", kind, "host-check"), 0.0);
        }
    }
    for d in report["agreement"]["disagreements"].as_array().unwrap() {
        let object = if d["service"].is_null() { "host" } else { "service" };
        let (kind, reason) = (d["kind"].as_str().unwrap(), d["reason"].as_str().unwrap());
        *want.entry(key(object, kind, reason)).or_default() += 1.0;
    }
    let mut recorded = BTreeMap::new();
    let same = wait_for(Duration::from_secs(30), || {
        recorded = crate::support::query(prom_port, "nagios:parity_disagreements:count")
            .and_then(|r| r.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let label = |k: &str| r["metric"][k].as_str().unwrap_or("").to_owned();
                let value: f64 =
                    r["value"][1].as_str().and_then(|v| v.parse().ok()).unwrap_or(-1.0);
                ((label("object"), label("kind"), label("reason")), value)
            })
            .collect();
        recorded == want
    });
    assert!(same, "rules/parity.yml records {recorded:?}, nag2prom parity reports {want:?}");
    // Without the bridge in between: Nagios' states read from its own status.dat, the rules
    // converted again from nagios.cfg with convert's flags. The same report.
    let direct = Command::new(env!("CARGO_BIN_EXE_nag2prom"))
        .args(["parity", "--format", "json", "--config"])
        .arg(&cfg)
        .arg("--status-file")
        .arg(root.join("nagios/var/status.dat"))
        .args(["--scrape-interval", "2", "--node-exporter-port", &node_port.to_string()])
        .arg("--blackbox-address")
        .arg(format!("127.0.0.1:{blackbox_port}"))
        .arg("--bridge-address")
        .arg(format!("127.0.0.1:{bridge_port}"))
        .arg("--prometheus")
        .arg(format!("http://127.0.0.1:{prom_port}"))
        .output()
        .unwrap();
    assert_eq!(direct.status.code(), Some(0), "{}", text(&direct));
    let direct: serde_json::Value = serde_json::from_slice(&direct.stdout).unwrap();
    let keyed = |r: &serde_json::Value, part: &str, fields: &[&str]| -> BTreeSet<String> {
        let list = if part == "no_data" { &r[part] } else { &r["agreement"][part] };
        list.as_array()
            .unwrap()
            .iter()
            .map(|d| fields.iter().map(|f| d[*f].to_string()).collect::<Vec<_>>().join(" "))
            .collect()
    };
    for (part, fields) in [
        ("disagreements", &["host", "service", "kind", "reason"][..]),
        ("no_data", &["file", "alert", "service", "severity", "missing"][..]),
    ] {
        assert_eq!(keyed(&direct, part, fields), keyed(&report, part, fields), "{part}: {direct}");
    }
    for count in ["services", "hosts", "agree"] {
        assert_eq!(direct["agreement"][count], report["agreement"][count], "{count}: {direct}");
    }
    assert_eq!(direct["rules_checked"], report["rules_checked"], "{direct}");
    let bad = !report["agreement"]["disagreements"].as_array().unwrap().is_empty();
    let as_text = Command::new(env!("CARGO_BIN_EXE_nag2prom"))
        .args(["parity", "--rules"])
        .arg(&out)
        .arg("--prometheus")
        .arg(format!("http://127.0.0.1:{prom_port}"))
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&as_text.stdout).into_owned();
    eprintln!("parity (text):\n{shown}");
    assert!(shown.starts_with("agreement: "), "{}", text(&as_text));
    assert_eq!(parity.status.code(), Some(i32::from(bad)), "{}", text(&parity));

    // The cases the field tests found really were exercised.
    let alerts = firing(prom_port);
    let mut shown: Vec<String> = alerts
        .keys()
        .map(|l| {
            let get = |k: &str| l.get(k).map(String::as_str).unwrap_or("-");
            format!("{} {}/{} {}", get("alertname"), get("host"), get("service"), get("severity"))
        })
        .collect();
    shown.sort();
    eprintln!("firing after agreement:\n  {}", shown.join("\n  "));
    let fired = |alert: &str, service: &str| {
        alerts.keys().any(|l| {
            l.get("alertname").is_some_and(|a| a == alert)
                && l.get("service").is_some_and(|s| s == service)
        })
    };
    assert!(fired("NagiosCheckDisk", "Log Disk Full"), "the non-mount -p path measured /");
    assert!(fired("NagiosCheckDiskNoData", "Missing Mount"), "-E on a missing mount is CRITICAL");
    assert!(fired("NagiosCheckSmtp", "SMTP Wrong Banner"), "a wrong banner is WARNING");
    assert!(fired("NagiosCheckImap", "IMAP Wrong Banner"), "a wrong IMAP greeting is WARNING");
    assert!(!fired("NagiosCheckImap", "IMAP"), "a good IMAP greeting is OK");
    assert!(fired("NagiosCheckHttp", "HTTP Wrong Vhost"), "the wrong vhost gets 404");
    assert!(!fired("NagiosCheckHttp", "HTTP Vhost"), "$HOSTNAME$ is the virtual host");
    assert!(!fired("NagiosCheckHttp", "HTTP Expect"), "-e 'HTTP/1.0 200' matches the status line");
    assert!(fired("NagiosCheckHttp", "HTTP Expect 201"), "-e 201: a 200 is CRITICAL");
    assert!(!fired("NagiosCheckHttp", "HTTP String"), "-s: the body holds the string");
    assert!(fired("NagiosCheckHttp", "HTTP Missing String"), "-s: a body without it is CRITICAL");
    assert!(!fired("NagiosCheckTcp", "Down Port"), "services of a DOWN host are silent");

    // Re-conversion after one threshold change: the targets do not change, the Load rule
    // does, and no alert that fired is re-created.
    let targets_before: Vec<(PathBuf, Vec<u8>)> = read_dir_files(&out.join("targets"));
    let load_before = std::fs::read(out.join("rules/check_load.yml")).unwrap();
    std::fs::write(&objects_path, objects(&ports, "999,999,999")).unwrap();
    let run = convert(&out);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    assert!(
        read_dir_files(&out.join("targets")) == targets_before,
        "a threshold change changed a target"
    );
    assert!(std::fs::read(out.join("rules/check_load.yml")).unwrap() != load_before);
    let before = firing(prom_port);
    assert!(!before.is_empty());
    let pid = prom.id().to_string();
    assert!(Command::new("kill").args(["-HUP", &pid]).status().unwrap().success());
    // Wait until the new Load rule is loaded, then a few evaluations more.
    let reloaded = wait_for(Duration::from_secs(30), || {
        api(prom_port, "/api/v1/rules").is_some_and(|r| r.to_string().contains("999"))
    });
    assert!(reloaded, "Prometheus did not load the re-converted rules");
    std::thread::sleep(Duration::from_secs(8));
    let after = firing(prom_port);
    for (labels, active_at) in &before {
        assert_eq!(
            after.get(labels),
            Some(active_at),
            "alert {labels:?} was re-created or lost by the re-conversion"
        );
    }
    drop(dir);
}

/// Every file under `dir` with its bytes, sorted.
fn read_dir_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let mut bytes = Vec::new();
            std::fs::File::open(e.path()).unwrap().read_to_end(&mut bytes).unwrap();
            (e.path(), bytes)
        })
        .collect();
    out.sort();
    out
}
