//! check_dig against the real thing: a real DNS server (dnsmasq, Debian dnsmasq-base) on
//! loopback with an answer, a name that does not exist, a type the name does not have and a
//! TXT record over TCP; the real check_dig (monitoring-plugins-standard, running the real
//! `dig` of bind9-dnsutils) gives each service's state; the real blackbox_exporter with the
//! generated modules, scraped by a real Prometheus with the generated configuration and
//! rules, must fire the same severities. Then the server stops: the plugin says WARNING or
//! CRITICAL (dig refused at once, or the plugin's alarm), the rules CRITICAL (documented).

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Proc, free_port, query, wait_for};

const CHECK_DIG: &str = "/usr/lib/nagios/plugins/check_dig";

/// The state check_dig gives for `args` against 127.0.0.1.
fn dig_state(args: &str) -> i32 {
    let line = format!("{CHECK_DIG} -H 127.0.0.1 {args}");
    let out = Command::new("/bin/sh").arg("-c").arg(&line).output().unwrap();
    out.status.code().unwrap_or(-1)
}

#[test]
fn check_dig_states_match_a_real_dns_server() {
    let tools = [
        ("/usr/sbin/dnsmasq", "dnsmasq-base"),
        ("/usr/bin/dig", "bind9-dnsutils"),
        (CHECK_DIG, "monitoring-plugins-standard"),
        ("/usr/bin/prometheus-blackbox-exporter", "prometheus-blackbox-exporter"),
        ("/usr/bin/prometheus", "prometheus"),
    ];
    if !crate::support::have_all(&tools) {
        return;
    }
    let root = std::env::temp_dir().join(format!("nag2prom-dns-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("prom/data")).unwrap();
    let (dns_port, blackbox_port, prom_port) = (free_port(), free_port(), free_port());
    let dnsmasq = || {
        Proc::spawn(
            "dnsmasq",
            Command::new("/usr/sbin/dnsmasq")
                .args(["--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv"])
                .args(["--no-hosts", "--bind-interfaces", "--listen-address=127.0.0.1"])
                .arg(format!("--port={dns_port}"))
                .args(["--local=/n2p.test/", "--host-record=ok.n2p.test,127.0.0.7"])
                .args(["--txt-record=txt.n2p.test,hello", "--pid-file="])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
    };
    let mut server = Some(dnsmasq());
    let services = [
        ("Answer", format!("-p {dns_port} -l ok.n2p.test -w 2 -c 5")),
        ("No Such Name", format!("-p {dns_port} -l missing.n2p.test")),
        ("No Such Type", format!("-p {dns_port} -l ok.n2p.test -T AAAA")),
        ("Text Over TCP", format!("-p {dns_port} -l txt.n2p.test -T TXT -A +tcp")),
    ];
    let answering = wait_for(Duration::from_secs(10), || dig_state(&services[0].1) == 0);
    assert!(answering, "dnsmasq on 127.0.0.1:{dns_port} does not answer check_dig");

    let mut objects = String::from(crate::support::LOOPBACK_OBJECTS)
        + "define host {\n host_name dns1\n address 127.0.0.1\n max_check_attempts 1\n check_period always\n contacts ops\n notification_period always\n}\n";
    for (i, (service, args)) in services.iter().enumerate() {
        objects.push_str(&format!(
            "define command {{\n command_name dig{i}\n command_line {CHECK_DIG} -H $HOSTADDRESS$ {args}\n}}\n\
             define service {{\n host_name dns1\n service_description {service}\n check_command dig{i}\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period always\n notification_period always\n contacts ops\n}}\n"
        ));
    }
    let out = crate::support::convert_scenario(
        &root,
        &objects,
        &["--scrape-interval", "2", "--blackbox-address", &format!("127.0.0.1:{blackbox_port}")],
        services.len(),
    );

    let mut blackbox = crate::support::blackbox(
        &out.join("blackbox.yml"),
        &format!("127.0.0.1:{blackbox_port}"),
        &[],
    );
    let mut prom =
        crate::support::prometheus(&out.join("prometheus.yml"), &root.join("prom/data"), prom_port);
    let targets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("targets/blackbox.json")).unwrap()).unwrap();
    let probes = targets.as_array().map_or(0, Vec::len).to_string();
    let scraped = wait_for(Duration::from_secs(60), || {
        assert!(prom.running() && blackbox.running(), "prometheus or blackbox_exporter exited");
        query(prom_port, "count(probe_success{job=\"blackbox\"})")
            .is_some_and(|r| r[0]["value"][1] == probes.as_str())
    });
    assert!(scraped, "Prometheus does not scrape every probe");

    for up in [true, false] {
        if !up {
            server = None;
            let stopped = wait_for(Duration::from_secs(20), || dig_state(&services[0].1) != 0);
            assert!(stopped, "check_dig still answers OK with dnsmasq stopped");
        }
        let plugin: BTreeMap<&str, i32> =
            services.iter().map(|(s, args)| (*s, dig_state(args))).collect();
        if up {
            let want = BTreeMap::from([
                ("Answer", 0),
                ("No Such Name", 2),
                ("No Such Type", 2),
                ("Text Over TCP", 0),
            ]);
            assert_eq!(plugin, want, "the real plugin against the real server");
        } else {
            assert!(plugin.values().all(|s| *s == 1 || *s == 2), "{plugin:?}");
        }
        // Up: the plugin's own states. Down: CRITICAL (a WARNING from dig refused at once is
        // the documented difference).
        let expected: BTreeMap<&str, i32> =
            plugin.iter().map(|(s, st)| (*s, if up { *st } else { 2 })).collect();
        let mut last = BTreeMap::new();
        let agreed = wait_for(Duration::from_secs(90), || {
            assert!(prom.running() && blackbox.running(), "prometheus or blackbox_exporter exited");
            let Some(got) = crate::support::firing_ranks(prom_port) else { return false };
            last = got.clone();
            expected.iter().all(|(s, st)| got.get(*s).copied().unwrap_or(0) == *st)
        });
        assert!(agreed, "server up={up}: check_dig says {plugin:?}, the alerts {last:?}");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&root);
}
