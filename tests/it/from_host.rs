//! Network checks NRPE runs on the host, against the real thing: a real NRPE daemon (Debian
//! nagios-nrpe-server) on the host's address 127.0.0.2 runs `check_tcp -H 127.0.0.1` and
//! `check_http -I 127.0.0.1` against a web server that listens on 127.0.0.1 only; the real
//! check_nrpe gives each service's state. The conversion probes from the host: a real
//! blackbox_exporter on 127.0.0.2 (the host's own, with the generated modules) scraped by a
//! real Prometheus with the generated prometheus.yml and targets. Both ways must agree with
//! the web server up, and again after it is stopped.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Proc, free_port, nag2prom, query, text, wait_for};

const PLUGINS: &str = "/usr/lib/nagios/plugins";
/// The host's address (Linux routes all of 127.0.0.0/8 to the loopback interface).
const HOST: &str = "127.0.0.2";

/// The state check_nrpe gives for `command` (its exit code).
fn nrpe_state(nrpe_port: u16, command: &str) -> i32 {
    let out = Command::new(format!("{PLUGINS}/check_nrpe"))
        .args(["-H", HOST, "-p", &nrpe_port.to_string(), "-c", command])
        .output()
        .unwrap();
    out.status.code().unwrap_or(-1)
}

#[test]
fn network_checks_run_through_nrpe_are_probed_from_the_host() {
    let tools = [
        ("/usr/sbin/nrpe", "nagios-nrpe-server"),
        ("/usr/lib/nagios/plugins/check_nrpe", "nagios-nrpe-plugin"),
        ("/usr/lib/nagios/plugins/check_http", "monitoring-plugins-basic"),
        ("/usr/bin/prometheus-blackbox-exporter", "prometheus-blackbox-exporter"),
        ("/usr/bin/prometheus", "prometheus"),
        ("/usr/bin/python3", "python3"),
    ];
    if !crate::support::have_all(&tools) {
        return;
    }
    let root = std::env::temp_dir().join(format!("nag2prom-from-host-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("www")).unwrap();
    std::fs::create_dir_all(root.join("prom/data")).unwrap();
    std::fs::write(root.join("www/index.html"), "ok\n").unwrap();
    let (web_port, nrpe_port, blackbox_port, prom_port) =
        (free_port(), free_port(), free_port(), free_port());

    // The host's web server, on its loopback only, and its NRPE daemon.
    let web = |root: &Path| {
        Proc::spawn(
            "web server",
            Command::new("/usr/bin/python3")
                .args(["-m", "http.server", "--bind", "127.0.0.1", &web_port.to_string()])
                .current_dir(root.join("www"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
    };
    let mut server = Some(web(&root));
    let nrpe_cfg = root.join("nrpe.cfg");
    std::fs::write(
        &nrpe_cfg,
        format!(
            "server_address={HOST}\nserver_port={nrpe_port}\nallowed_hosts=127.0.0.1\nnrpe_user=nobody\nnrpe_group=nogroup\ndont_blame_nrpe=0\npid_file={}\n\
             command[check_web_port]={PLUGINS}/check_tcp -H 127.0.0.1 -p {web_port} -w 1 -c 3\n\
             command[check_web]={PLUGINS}/check_http -I 127.0.0.1 -p {web_port} -u / -w 5 -c 10\n",
            root.join("nrpe.pid").display()
        ),
    )
    .unwrap();
    let _nrpe = Proc::spawn(
        "nrpe",
        Command::new("/usr/sbin/nrpe")
            .arg("-c")
            .arg(&nrpe_cfg)
            .arg("-f")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let services = [("Web Port", "check_web_port"), ("Web", "check_web")];
    let answering = wait_for(Duration::from_secs(10), || {
        services.iter().all(|(_, command)| nrpe_state(nrpe_port, command) == 0)
    });
    assert!(answering, "NRPE on {HOST}:{nrpe_port} or the web server does not answer OK");

    // The Nagios side, converted with the host's nrpe.cfg.
    let mut objects = String::from(crate::support::LOOPBACK_OBJECTS);
    objects.push_str(&format!(
        "define command {{\n command_name check_by_nrpe\n command_line {PLUGINS}/check_nrpe -H $HOSTADDRESS$ -p {nrpe_port} -c $ARG1$\n}}\n\
         define host {{\n host_name web1\n address {HOST}\n max_check_attempts 1\n check_period always\n contacts ops\n notification_period always\n}}\n"
    ));
    for (service, command) in services {
        objects.push_str(&format!(
            "define service {{\n host_name web1\n service_description {service}\n check_command check_by_nrpe!{command}\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period always\n notification_period always\n contacts ops\n}}\n"
        ));
    }
    std::fs::write(root.join("objects.cfg"), objects).unwrap();
    std::fs::write(root.join("nagios.cfg"), "cfg_file=objects.cfg\n").unwrap();
    let out = root.join("out");
    let run = nag2prom(&[
        "convert",
        "--config",
        root.join("nagios.cfg").to_str().unwrap(),
        "--nrpe-config",
        nrpe_cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--scrape-interval",
        "2",
        "--host-blackbox-exporter-port",
        &blackbox_port.to_string(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["totals"]["native"], services.len(), "{}", report["services"]);
    assert!(
        report["exporter_requirements"].to_string().contains("blackbox_exporter on each host"),
        "{}",
        report["exporter_requirements"]
    );
    // Scraped at the host's prober, which is told what to probe; the central prober has none.
    let targets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("targets/blackbox_on_host.json")).unwrap())
            .unwrap();
    let groups = targets.as_array().unwrap();
    assert!(!groups.is_empty());
    for g in groups {
        assert_eq!(g["targets"][0], format!("{HOST}:{blackbox_port}").as_str(), "{g}");
        let probed = g["labels"]["__param_target"].as_str().unwrap_or("");
        assert!(probed.contains(&format!("127.0.0.1:{web_port}")), "{g}");
    }
    assert!(!out.join("targets/blackbox.json").exists(), "nothing for the central prober");
    crate::convert::promtool_checks(std::slice::from_ref(&out));

    // The host's own blackbox_exporter and a Prometheus with the generated configuration.
    let mut blackbox = crate::support::blackbox(
        &out.join("blackbox.yml"),
        &format!("{HOST}:{blackbox_port}"),
        &[],
    );
    let mut prom =
        crate::support::prometheus(&out.join("prometheus.yml"), &root.join("prom/data"), prom_port);
    let probes = groups.len().to_string();
    let probing = wait_for(Duration::from_secs(60), || {
        assert!(prom.running() && blackbox.running(), "prometheus or blackbox_exporter exited");
        query(prom_port, "count(probe_success{job=\"blackbox_on_host\"} == 1)")
            .is_some_and(|r| r[0]["value"][1] == probes.as_str())
    });
    assert!(probing, "the host's prober does not report every probe successful");

    // Up: no alert, as NRPE says OK. Down: both CRITICAL, through NRPE and here.
    for up in [true, false] {
        if !up {
            server = None;
            let down = wait_for(Duration::from_secs(10), || {
                services.iter().all(|(_, command)| nrpe_state(nrpe_port, command) == 2)
            });
            assert!(down, "check_nrpe does not report the stopped web server CRITICAL");
        }
        let expected: BTreeMap<String, i32> =
            services.iter().map(|(s, c)| ((*s).to_owned(), nrpe_state(nrpe_port, c))).collect();
        let mut last = BTreeMap::new();
        let agreed = wait_for(Duration::from_secs(90), || {
            assert!(prom.running() && blackbox.running(), "prometheus or blackbox_exporter exited");
            let Some(got) = crate::support::firing_ranks(prom_port) else { return false };
            last = got.clone();
            expected.iter().all(|(s, state)| got.get(s).copied().unwrap_or(0) == *state)
        });
        assert!(agreed, "web server up={up}: NRPE says {expected:?}, the alerts {last:?}");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&root);
}
