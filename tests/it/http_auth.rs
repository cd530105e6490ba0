//! check_http `-a user:$USERn$` against the real thing: a web server on loopback that wants
//! HTTP basic auth; the real check_http with the right password (OK) and a wrong one
//! (WARNING: 401); the conversion gives blackbox_exporter the user and a `password_file`
//! under `--secrets-dir` (the files written here, as an operator would), the real
//! blackbox_exporter and Prometheus must fire the plugin's severities, and no password
//! appears anywhere in the output.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Proc, free_port, query, wait_for};

const CHECK_HTTP: &str = "/usr/lib/nagios/plugins/check_http";

/// A web server answering 200 to `nagios:RIGHT` and 401 to anything else.
const SERVER: &str = r#"
import base64, http.server, sys
want = "Basic " + base64.b64encode(b"nagios:s3cret-n2p-5").decode()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.headers.get("Authorization") == want:
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok\n")
        else:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="n2p"')
            self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"#;

#[test]
fn check_http_basic_auth_reads_the_password_from_a_file() {
    let tools = [
        (CHECK_HTTP, "monitoring-plugins-basic"),
        ("/usr/bin/python3", "python3"),
        ("/usr/bin/prometheus-blackbox-exporter", "prometheus-blackbox-exporter"),
        ("/usr/bin/prometheus", "prometheus"),
    ];
    if !crate::support::have_all(&tools) {
        return;
    }
    let root = std::env::temp_dir().join(format!("nag2prom-http-auth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("secrets")).unwrap();
    std::fs::create_dir_all(root.join("prom/data")).unwrap();
    let (web_port, blackbox_port, prom_port) = (free_port(), free_port(), free_port());
    std::fs::write(root.join("server.py"), SERVER).unwrap();
    let _web = Proc::spawn(
        "web server",
        Command::new("/usr/bin/python3")
            .arg(root.join("server.py"))
            .arg(web_port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let plugin = |password: &str| {
        let out = Command::new(CHECK_HTTP)
            .args(["-H", "127.0.0.1", "-p", &web_port.to_string(), "-a"])
            .arg(format!("nagios:{password}"))
            .output()
            .unwrap();
        out.status.code().unwrap_or(-1)
    };
    let up = wait_for(Duration::from_secs(10), || plugin("s3cret-n2p-5") == 0);
    assert!(up, "the web server does not answer check_http");
    let expected = BTreeMap::from([
        ("Right Password", plugin("s3cret-n2p-5")),
        ("Wrong Password", plugin("wr0ng-n2p-6")),
    ]);
    assert_eq!(expected, BTreeMap::from([("Right Password", 0), ("Wrong Password", 1)]));

    // The Nagios side: the passwords are in resource.cfg, the commands name their macros.
    std::fs::write(root.join("resource.cfg"), "$USER5$=s3cret-n2p-5\n$USER6$=wr0ng-n2p-6\n")
        .unwrap();
    let mut objects = String::from(crate::support::LOOPBACK_OBJECTS)
        + "define host {\n host_name web\n address 127.0.0.1\n max_check_attempts 1\n check_period always\n contacts ops\n notification_period always\n}\n";
    for (i, (service, user)) in [("Right Password", 5), ("Wrong Password", 6)].iter().enumerate() {
        objects.push_str(&format!(
            "define command {{\n command_name web{i}\n command_line {CHECK_HTTP} -H $HOSTADDRESS$ -p {web_port} -a nagios:$USER{user}$\n}}\n\
             define service {{\n host_name web\n service_description {service}\n check_command web{i}\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period always\n notification_period always\n contacts ops\n}}\n"
        ));
    }
    let secrets = root.join("secrets");
    std::fs::write(root.join("objects.cfg"), &objects).unwrap();
    std::fs::write(root.join("nagios.cfg"), "resource_file=resource.cfg\ncfg_file=objects.cfg\n")
        .unwrap();
    let out = root.join("out");
    let run = crate::support::nag2prom(&[
        "convert",
        "--config",
        root.join("nagios.cfg").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--scrape-interval",
        "2",
        "--blackbox-address",
        &format!("127.0.0.1:{blackbox_port}"),
        "--secrets-dir",
        secrets.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", crate::support::text(&run));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["totals"]["native"], 2, "{}", report["services"]);
    assert!(
        report["exporter_requirements"].to_string().contains("USER5"),
        "the report says which password file to create: {}",
        report["exporter_requirements"]
    );
    crate::convert::promtool_checks(std::slice::from_ref(&out));
    // No password anywhere in what convert wrote.
    for entry in walk(&out) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(
            !text.contains("s3cret-n2p-5") && !text.contains("wr0ng-n2p-6"),
            "a password in {}",
            entry.display()
        );
    }
    let blackbox_yml = std::fs::read_to_string(out.join("blackbox.yml")).unwrap();
    assert!(blackbox_yml.contains(&format!("{}/USER5", secrets.display())), "{blackbox_yml}");
    // The operator's step: the password files.
    std::fs::write(secrets.join("USER5"), "s3cret-n2p-5").unwrap();
    std::fs::write(secrets.join("USER6"), "wr0ng-n2p-6").unwrap();

    let mut blackbox = crate::support::blackbox(
        &out.join("blackbox.yml"),
        &format!("127.0.0.1:{blackbox_port}"),
        &[],
    );
    let mut prom =
        crate::support::prometheus(&out.join("prometheus.yml"), &root.join("prom/data"), prom_port);
    let scraped = wait_for(Duration::from_secs(60), || {
        assert!(prom.running() && blackbox.running(), "prometheus or blackbox_exporter exited");
        query(prom_port, "count(probe_http_status_code{job=\"blackbox\"})")
            .is_some_and(|r| r[0]["value"][1] == "2")
    });
    assert!(scraped, "Prometheus does not scrape both probes");
    let mut last = BTreeMap::new();
    let agreed = wait_for(Duration::from_secs(90), || {
        let Some(got) = crate::support::firing_ranks(prom_port) else { return false };
        last = got.clone();
        expected.iter().all(|(s, st)| got.get(*s).copied().unwrap_or(0) == *st)
    });
    assert!(agreed, "check_http says {expected:?}, the alerts {last:?}");
    let _ = std::fs::remove_dir_all(&root);
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() { stack.push(path) } else { out.push(path) }
        }
    }
    out
}
