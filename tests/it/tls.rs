//! Wikimedia's `check_ssl` against a real TLS server: real `openssl s_server`s on loopback
//! present certificates of a test CA expiring in 20 and 5 days; the converted rules are
//! evaluated by a real Prometheus scraping the real blackbox_exporter (with the generated
//! modules, trusting the test CA as a deployment trusts its own: `SSL_CERT_FILE`). Each
//! service's firing alerts must give the state the plugin gives: the plugin's source is not
//! in Debian, so the expected states are the ones the real plugin printed for these
//! certificates when this test was written (docs/translation.md; `SSL WARNING - Certificate
//! www.example.org valid until … (expires in 19 days)`, `SSL CRITICAL - failed to verify
//! wrong.example.org against www.example.org`, …).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Proc, free_port, query, text, wait_for};

const OPENSSL: &str = "/usr/bin/openssl";

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new(OPENSSL).current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", text(&out));
}

/// A key and a certificate for `name`, signed by the test CA, valid for `days`.
fn leaf(dir: &Path, file: &str, name: &str, days: &str) {
    let (key, csr, pem, ext) = (
        format!("{file}.key"),
        format!("{file}.csr"),
        format!("{file}.pem"),
        format!("{file}.ext"),
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            &format!("/CN={name}"),
        ],
    );
    std::fs::write(dir.join(&ext), format!("subjectAltName=DNS:{name}\n")).unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            &pem,
            "-days",
            days,
            "-extfile",
            &ext,
        ],
    );
}

#[test]
fn check_ssl_rules_agree_with_the_plugin_on_real_certificates() {
    let tools = [
        (OPENSSL, "openssl"),
        ("/usr/bin/prometheus-blackbox-exporter", "prometheus-blackbox-exporter"),
        ("/usr/bin/prometheus", "prometheus"),
    ];
    if !crate::support::have_all(&tools) {
        return;
    }
    let root = std::env::temp_dir().join(format!("nag2prom-tls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("prom/data")).unwrap();
    openssl(
        &root,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "365",
            "-subj",
            "/CN=nag2prom test CA",
        ],
    );
    leaf(&root, "d20", "www.example.org", "20");
    leaf(&root, "d5", "www.example.org", "5");
    let (p20, p5, closed) = (free_port(), free_port(), free_port());
    let server = |pem: &str, key: &str, port: u16| {
        Proc::spawn(
            "openssl s_server",
            Command::new(OPENSSL)
                .current_dir(&root)
                .args([
                    "s_server",
                    "-quiet",
                    "-accept",
                    &format!("127.0.0.1:{port}"),
                    "-cert",
                    pem,
                    "-key",
                    key,
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
    };
    let _s20 = server("d20.pem", "d20.key", p20);
    let _s5 = server("d5.pem", "d5.key", p5);
    let listening = wait_for(Duration::from_secs(10), || {
        [p20, p5].iter().all(|p| std::net::TcpStream::connect(("127.0.0.1", *p)).is_ok())
    });
    assert!(listening, "openssl s_server does not listen");

    // (service, check_ssl options after -H, the state the real plugin gave).
    let services = [
        ("Cert 19 Days", format!("-p {p20} --cn www.example.org -w 30 -c 15"), 1),
        ("Cert 4 Days", format!("-p {p5} --cn www.example.org -w 30 -c 15"), 2),
        ("Wrong Name", format!("-p {p20} --cn wrong.example.org -w 30 -c 15"), 2),
        (
            "Wrong Name Unverified",
            format!("-p {p20} --cn wrong.example.org --no-verify -w 30 -c 15"),
            1,
        ),
        ("Lenient", format!("-p {p20} --cn www.example.org -w 10 -c 5"), 0),
        ("Nothing Listening", format!("-p {closed} --cn www.example.org"), 2),
    ];
    let mut objects = String::from(crate::support::LOOPBACK_OBJECTS)
        + "define host {\n host_name web\n address 127.0.0.1\n max_check_attempts 1\n check_period always\n contacts ops\n notification_period always\n}\n";
    for (i, (service, options, _)) in services.iter().enumerate() {
        objects.push_str(&format!(
            "define command {{\n command_name ssl{i}\n command_line /usr/lib/nagios/plugins/check_ssl -H $HOSTADDRESS$ {options}\n}}\n\
             define service {{\n host_name web\n service_description {service}\n check_command ssl{i}\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period always\n notification_period always\n contacts ops\n}}\n"
        ));
    }
    let (blackbox_port, prom_port) = (free_port(), free_port());
    let out = crate::support::convert_scenario(
        &root,
        &objects,
        &["--scrape-interval", "2", "--blackbox-address", &format!("127.0.0.1:{blackbox_port}")],
        services.len(),
    );

    let mut blackbox = crate::support::blackbox(
        &out.join("blackbox.yml"),
        &format!("127.0.0.1:{blackbox_port}"),
        &[("SSL_CERT_FILE", &root.join("ca.pem"))],
    );
    let mut prom =
        crate::support::prometheus(&out.join("prometheus.yml"), &root.join("prom/data"), prom_port);
    // One target per distinct (module, address): two services share the 20-day one.
    let targets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("targets/blackbox.json")).unwrap()).unwrap();
    let probes = targets.as_array().map_or(0, Vec::len).to_string();
    let scraped = wait_for(Duration::from_secs(60), || {
        query(prom_port, "count(probe_success{job=\"blackbox\"})")
            .is_some_and(|r| r[0]["value"][1] == probes.as_str())
    });
    assert!(scraped, "Prometheus does not scrape every probe");
    let expected: BTreeMap<&str, i32> = services.iter().map(|(s, _, st)| (*s, *st)).collect();
    let mut last = BTreeMap::new();
    let agreed = wait_for(Duration::from_secs(90), || {
        assert!(prom.running() && blackbox.running(), "prometheus or blackbox_exporter exited");
        let Some(got) = crate::support::firing_ranks(prom_port) else { return false };
        last = got.clone();
        expected.iter().all(|(s, st)| got.get(*s).copied().unwrap_or(0) == *st)
    });
    assert!(agreed, "the rules disagree with check_ssl: expected {expected:?}, firing {last:?}");
    let _ = std::fs::remove_dir_all(&root);
}
