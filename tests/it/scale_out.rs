//! Several Nagios installations behind one global view (docs/scale-out.md): two bridges, two
//! Prometheus servers each running its own `convert --nagios-instance` output, and a global
//! Prometheus federating both, all real and on loopback.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Proc, free_port, have, nag2prom, root, text, wait_for};

/// `label value → sample value` of the instant query `query` on a Prometheus.
fn by_label(port: u16, query: &str, label: &str) -> BTreeMap<String, String> {
    crate::support::query(port, query)
        .as_ref()
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["metric"][label].as_str().unwrap_or("").to_owned(),
                r["value"][1].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Each installation's series and alerts reach the global Prometheus, told apart by the
/// `nagios_instance` external label, though both hold the same host and service names.
#[test]
fn two_nagios_installations_federate_into_one_view() {
    let prometheus = Path::new("/usr/bin/prometheus");
    if !have(prometheus, "prometheus") {
        return;
    }
    let dir: PathBuf =
        std::env::temp_dir().join(format!("nag2prom-scale-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let demo = root().join("examples/demo");
    let status = demo.join("var/status.dat");
    let mut procs: Vec<Proc> = Vec::new();
    let mut locals = Vec::new();
    for site in ["site-a", "site-b"] {
        // The bridge of this installation.
        let bridge = free_port();
        procs.push(Proc::spawn(
            "nag2prom serve",
            Command::new(env!("CARGO_BIN_EXE_nag2prom"))
                .args(["serve", "--status.max-age", "0", "--status-file"])
                .arg(&status)
                .arg(format!("--web.listen-address=127.0.0.1:{bridge}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        ));
        // Its conversion, naming the installation, and its own Prometheus.
        let out = dir.join(site);
        let run = nag2prom(&[
            "convert",
            "-q",
            "--config",
            demo.join("nagios.cfg").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--nagios-instance",
            site,
            "--scrape-interval",
            "1",
            "--bridge-address",
            &format!("127.0.0.1:{bridge}"),
            "--alertmanager-address",
            &format!("127.0.0.1:{}", free_port()),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run));
        let port = free_port();
        procs.push(Proc::spawn(
            "prometheus",
            Command::new(prometheus)
                .arg(format!("--config.file={}", out.join("prometheus.yml").display()))
                .arg(format!("--storage.tsdb.path={}", dir.join(format!("{site}-data")).display()))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        ));
        locals.push(format!("127.0.0.1:{port}"));
    }
    // The global Prometheus: federation of the bridges' series and of every alert.
    let global_port = free_port();
    let global = serde_json::json!({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [{
            "job_name": "federate",
            "honor_labels": true,
            "metrics_path": "/federate",
            "params": {"match[]": ["{job=\"nagios_bridge\"}", "{__name__=\"ALERTS\"}"]},
            "static_configs": [{"targets": locals}],
        }],
    });
    let global_cfg = dir.join("global.yml");
    // JSON is YAML.
    std::fs::write(&global_cfg, serde_json::to_vec(&global).unwrap()).unwrap();
    procs.push(Proc::spawn(
        "global prometheus",
        Command::new(prometheus)
            .arg(format!("--config.file={}", global_cfg.display()))
            .arg(format!("--storage.tsdb.path={}", dir.join("global-data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{global_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    ));
    let services = std::fs::read_to_string(&status).unwrap().matches("\nservicestatus {").count();
    assert!(services > 10, "{services}");
    let want: BTreeMap<String, String> =
        ["site-a", "site-b"].iter().map(|s| ((*s).to_owned(), services.to_string())).collect();
    let mut states = BTreeMap::new();
    let ok = wait_for(Duration::from_secs(60), || {
        states = by_label(
            global_port,
            "count by (nagios_instance) (nagios_service_state)",
            "nagios_instance",
        );
        states == want
    });
    assert!(ok, "global view of nagios_service_state by instance: {states:?}, want {want:?}");
    // The rules ran where their data is; their alerts (pending or firing) carry the label.
    let mut alerts = BTreeMap::new();
    let ok = wait_for(Duration::from_secs(60), || {
        alerts = by_label(global_port, "count by (nagios_instance) (ALERTS)", "nagios_instance");
        // Both sites alert (their counts move as alerts go from pending to firing, and the
        // two are sampled at different moments, so they are not compared), and no alert
        // arrives without the label.
        alerts.keys().cloned().collect::<Vec<_>>() == ["site-a", "site-b"]
    });
    assert!(ok, "global view of ALERTS by instance: {alerts:?}");
    let unlabelled =
        by_label(global_port, "count(ALERTS{nagios_instance=\"\"})", "nagios_instance");
    assert!(unlabelled.is_empty(), "alerts without nagios_instance: {unlabelled:?}");
    drop(procs);
    std::fs::remove_dir_all(&dir).unwrap();
}
