//! check_apt against the real thing, on this machine's own package state: the real plugin
//! (Debian monitoring-plugins-basic) counts the updates and security updates apt-get would
//! install; the real `apt_info.py` (Debian prometheus-node-exporter-collectors) writes its
//! textfile, the real node_exporter serves it and a real Prometheus with the generated
//! prometheus.yml and rules evaluates the translation. The counts and the alerts must be the
//! plugin's, whatever the machine's state (a fresh CI machine has updates pending; a fully
//! updated one has none, and then nothing may fire).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Proc, free_port, query, text, wait_for};

const CHECK_APT: &str = "/usr/lib/nagios/plugins/check_apt";
const APT_INFO: &str = "/usr/share/prometheus-node-exporter-collectors/apt_info.py";

/// check_apt's state and its `available_upgrades` and `critical_updates` perfdata.
fn check_apt(args: &[&str]) -> (i32, f64, f64) {
    plugin_counts(&Command::new(CHECK_APT).args(args).output().unwrap())
}

/// The translation's signals for `check_apt ARGS`, their selector `selector`.
fn signals(args: &[&str], selector: &str) -> (Vec<String>, nag2prom::translate::plugins::Native) {
    use nag2prom::translate::plugins::{Context, check_apt};
    let line = format!("check_apt {}", args.join(" "));
    let call = nag2prom::translate::argv::call(&line, &[] as &[&str]).unwrap();
    let native =
        check_apt::translate(&call, &Context { local: true, ..Context::default() }).unwrap();
    (native.signals.iter().map(|s| s.replace("__SEL__", selector)).collect(), native)
}

/// A plugin run's state and check_apt's two counts from its perfdata.
fn plugin_counts(out: &std::process::Output) -> (i32, f64, f64) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let perf = |name: &str| -> f64 {
        let at = stdout.find(&format!("{name}=")).unwrap_or_else(|| panic!("{name}: {stdout}"));
        let value = &stdout[at + name.len() + 1..];
        value[..value.find(';').unwrap()].parse().unwrap()
    };
    (out.status.code().unwrap(), perf("available_upgrades"), perf("critical_updates"))
}

#[test]
fn check_apt_counts_like_the_plugin_from_the_apt_textfile() {
    let tools = [
        (CHECK_APT, "monitoring-plugins-basic"),
        (APT_INFO, "prometheus-node-exporter-collectors"),
        ("/usr/bin/prometheus-node-exporter", "prometheus-node-exporter"),
        ("/usr/bin/prometheus", "prometheus"),
    ];
    if !crate::support::have_all(&tools) {
        return;
    }
    let root = std::env::temp_dir().join(format!("nag2prom-apt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("textfile")).unwrap();
    std::fs::create_dir_all(root.join("prom/data")).unwrap();

    // The textfile, as the Debian timer writes it (the script runs with the system Python,
    // which has python3-apt).
    let info = Command::new("/usr/bin/python3").arg(APT_INFO).output().unwrap();
    assert!(info.status.success(), "apt_info.py: {}", String::from_utf8_lossy(&info.stderr));
    std::fs::write(root.join("textfile/apt.prom"), &info.stdout).unwrap();

    let variants: [(&str, &[&str]); 4] = [
        ("APT", &[]),
        ("APT dist-upgrade", &["-d"]),
        ("APT security only", &["-o"]),
        ("APT many", &["-w", "100000"]),
    ];
    let expected: BTreeMap<String, (i32, f64, f64)> =
        variants.iter().map(|(s, args)| ((*s).to_owned(), check_apt(args))).collect();

    // The Nagios side: the checks run on the Nagios server itself (127.0.0.1).
    let mut objects = String::from(crate::support::LOOPBACK_OBJECTS)
        + "define command {\n command_name apt\n command_line /usr/lib/nagios/plugins/check_apt $ARG1$\n}\n\
         define host {\n host_name nagios\n address 127.0.0.1\n max_check_attempts 1\n check_period always\n contacts ops\n notification_period always\n}\n";
    for (service, args) in &variants {
        objects.push_str(&format!(
            "define service {{\n host_name nagios\n service_description {service}\n check_command apt!{}\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period always\n notification_period always\n contacts ops\n}}\n",
            args.join(" ")
        ));
    }
    let (node_port, prom_port) = (free_port(), free_port());
    let out = crate::support::convert_scenario(
        &root,
        &objects,
        &[
            "--scrape-interval",
            "1",
            "--nagios-server-address",
            "127.0.0.1",
            "--node-exporter-port",
            &node_port.to_string(),
        ],
        variants.len(),
    );

    let mut node = Proc::spawn(
        "node_exporter",
        Command::new("/usr/bin/prometheus-node-exporter")
            .arg(format!("--web.listen-address=127.0.0.1:{node_port}"))
            .arg("--collector.disable-defaults")
            .arg("--collector.textfile")
            .arg(format!("--collector.textfile.directory={}", root.join("textfile").display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let mut prom =
        crate::support::prometheus(&out.join("prometheus.yml"), &root.join("prom/data"), prom_port);
    let scalar = |expr: &str| -> Option<f64> {
        query(prom_port, expr)?.as_array()?.first()?["value"][1].as_str()?.parse().ok()
    };
    let scraped = wait_for(Duration::from_secs(60), || {
        assert!(prom.running() && node.running(), "prometheus or node_exporter exited");
        scalar("count(apt_upgrades_pending{job=\"node\"})").is_some()
    });
    assert!(scraped, "Prometheus does not scrape the textfile");

    // The counts: the rules' expressions over the real textfile equal the plugin's.
    let rules = std::fs::read_to_string(out.join("rules/check_apt.yml")).unwrap();
    assert!(rules.contains("apt_upgrades_held"), "{rules}");
    let (exprs, _) = signals(&[], "job=\"node\"");
    // apt-get upgrade keeps back what needs new packages or removals, which the exporter
    // counts; dist-upgrade also installs new packages, which it does not: exact when the two
    // agree (nothing kept back, nothing new), between them otherwise.
    let (_, available, critical) = expected["APT"];
    let (_, dist, dist_critical) = expected["APT dist-upgrade"];
    let (updates, security_updates) = (scalar(&exprs[0]).unwrap(), scalar(&exprs[1]).unwrap());
    if available == dist && critical == dist_critical {
        assert_eq!(updates, available, "updates: check_apt counts {available}");
        assert_eq!(security_updates, critical, "security: check_apt counts {critical}");
    } else {
        assert!(available <= updates && updates <= dist, "{available} <= {updates} <= {dist}");
        assert!(critical <= security_updates && security_updates <= dist_critical);
    }

    // The alerts: each service's worst firing severity is the plugin's state.
    let want: BTreeMap<String, i32> =
        expected.iter().map(|(s, (state, _, _))| (s.clone(), *state)).collect();
    let mut last = BTreeMap::new();
    let agreed = wait_for(Duration::from_secs(60), || {
        assert!(prom.running() && node.running(), "prometheus or node_exporter exited");
        let Some(got) = crate::support::firing_ranks(prom_port) else { return false };
        last = got.clone();
        want.iter().all(|(s, state)| got.get(s).copied().unwrap_or(0) == *state)
    });
    assert!(agreed, "check_apt says {expected:?}, the alerts {last:?}");
    let _ = std::fs::remove_dir_all(&root);
}

/// One package world apt reads through `APT_CONFIG`: a dpkg status file with three installed
/// packages and two flat repositories, Debian's security suite (Label `Debian-Security`) and
/// its main one, offering newer versions of those named. `n2p-held` is on hold.
fn apt_world(dir: &Path, security: &[&str], main: &[&str]) {
    let _ = std::fs::remove_dir_all(dir);
    for sub in ["sec", "main", "lists/partial", "cache/archives/partial", "parts", "prefs", "state"]
    {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let mut status = String::new();
    for (name, state) in [("n2p-sec", "install"), ("n2p-plain", "install"), ("n2p-held", "hold")] {
        status.push_str(&format!(
            "Package: {name}\nStatus: {state} ok installed\nPriority: optional\nSection: misc\nMaintainer: nag2prom tests <root@localhost>\nArchitecture: all\nVersion: 1.0\nDescription: nag2prom test package\n\n"
        ));
    }
    std::fs::write(dir.join("status"), status).unwrap();
    let packages = |names: &[&str]| -> String {
        names
            .iter()
            .map(|n| format!("Package: {n}\nVersion: 2.0\nArchitecture: all\nMaintainer: nag2prom tests <root@localhost>\nFilename: ./{n}_2.0_all.deb\nSize: 1000\nDescription: nag2prom test package\n\n"))
            .collect()
    };
    std::fs::write(dir.join("sec/Packages"), packages(security)).unwrap();
    std::fs::write(dir.join("main/Packages"), packages(main)).unwrap();
    std::fs::write(
        dir.join("sec/Release"),
        "Origin: Debian\nLabel: Debian-Security\nSuite: stable-security\nCodename: bookworm-security\nVersion: 12\nArchitectures: all amd64\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main/Release"),
        "Origin: Debian\nLabel: Debian\nSuite: stable\nCodename: bookworm\nVersion: 12.9\nArchitectures: all amd64\n",
    )
    .unwrap();
    let d = dir.display();
    std::fs::write(
        dir.join("sources.list"),
        format!("deb [trusted=yes] file:{d}/sec ./\ndeb [trusted=yes] file:{d}/main ./\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("apt.conf"),
        format!(
            "Dir::State \"{d}/state\";\nDir::State::Lists \"{d}/lists\";\nDir::State::status \"{d}/status\";\nDir::Cache \"{d}/cache\";\nDir::Etc::SourceList \"{d}/sources.list\";\nDir::Etc::SourceParts \"{d}/parts\";\nDir::Etc::Preferences \"{d}/prefs/none\";\nDir::Etc::PreferencesParts \"{d}/prefs\";\nDir::Etc::Parts \"{d}/parts\";\nDebug::NoLocking \"true\";\n"
        ),
    )
    .unwrap();
    let update = Command::new("/usr/bin/apt-get")
        .args(["-qq", "update"])
        .env("APT_CONFIG", dir.join("apt.conf"))
        .output()
        .unwrap();
    assert!(update.status.success(), "apt-get update: {}", text(&update));
}

/// Worlds with and without security updates, each with a held package: the real check_apt
/// reads the real apt-get's simulation of each (`--input-file`: the plugin clears its
/// environment, so it cannot be pointed at a world itself); the real apt_info.py reads the
/// same world, node_exporter serves each world's textfile, Prometheus evaluates the
/// translation's signals, and the state its conditions give is the plugin's for every option
/// variant.
#[test]
fn check_apt_states_match_the_plugin_in_package_worlds() {
    let tools = [
        (CHECK_APT, "monitoring-plugins-basic"),
        (APT_INFO, "prometheus-node-exporter-collectors"),
        ("/usr/bin/apt-get", "apt"),
        ("/usr/bin/prometheus-node-exporter", "prometheus-node-exporter"),
        ("/usr/bin/prometheus", "prometheus"),
    ];
    if !crate::support::have_all(&tools) {
        return;
    }
    let root = std::env::temp_dir().join(format!("nag2prom-apt-worlds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let worlds: [(&str, &[&str], &[&str]); 3] = [
        ("security", &["n2p-sec"], &["n2p-plain", "n2p-held"]),
        ("ordinary", &[], &["n2p-plain", "n2p-held"]),
        ("held", &[], &["n2p-held"]),
    ];
    let variants: [&[&str]; 5] = [&[], &["-o"], &["-w", "2"], &["-d"], &["-w", "0"]];
    let mut scrape = String::from("global:\n  scrape_interval: 1s\nscrape_configs:\n");
    let mut exporters = Vec::new();
    let mut expected = BTreeMap::new();
    for (name, security, main) in worlds {
        let dir = root.join(name);
        apt_world(&dir, security, main);
        let simulated = |dist: bool| {
            let out = Command::new("/usr/bin/apt-get")
                .args(["-o", "Debug::NoLocking=true", "-s", "-qq"])
                .arg(if dist { "dist-upgrade" } else { "upgrade" })
                .env("APT_CONFIG", dir.join("apt.conf"))
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", text(&out));
            let file = dir.join(if dist { "dist-upgrade.txt" } else { "upgrade.txt" });
            std::fs::write(&file, &out.stdout).unwrap();
            file
        };
        let (upgrade, dist) = (simulated(false), simulated(true));
        for args in variants {
            let input = if args.contains(&"-d") { &dist } else { &upgrade };
            let out =
                Command::new(CHECK_APT).args(args).arg("--input-file").arg(input).output().unwrap();
            expected.insert((name, args.join(" ")), plugin_counts(&out));
        }
        std::fs::create_dir_all(dir.join("textfile")).unwrap();
        let info = Command::new("/usr/bin/python3")
            .arg(APT_INFO)
            .env("APT_CONFIG", dir.join("apt.conf"))
            .output()
            .unwrap();
        assert!(info.status.success(), "apt_info.py: {}", String::from_utf8_lossy(&info.stderr));
        std::fs::write(dir.join("textfile/apt.prom"), &info.stdout).unwrap();
        let port = free_port();
        exporters.push(Proc::spawn(
            "node_exporter",
            Command::new("/usr/bin/prometheus-node-exporter")
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg("--collector.disable-defaults")
                .arg("--collector.textfile")
                .arg(format!("--collector.textfile.directory={}", dir.join("textfile").display()))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        ));
        scrape.push_str(&format!(
            "- job_name: {name}\n  static_configs:\n  - targets: ['127.0.0.1:{port}']\n"
        ));
    }
    // The worlds are what they should be: the plugin sees a security update and an ordinary
    // one in the first, the ordinary one in the second (the held package is never upgraded),
    // none in the third.
    assert_eq!(expected[&("security", String::new())], (2, 2.0, 1.0));
    assert_eq!(expected[&("ordinary", String::new())], (1, 1.0, 0.0));
    assert_eq!(expected[&("held", String::new())], (0, 0.0, 0.0));
    std::fs::write(root.join("prometheus.yml"), scrape).unwrap();
    let prom_port = free_port();
    let mut prom =
        crate::support::prometheus(&root.join("prometheus.yml"), &root.join("data"), prom_port);
    let scalar = |expr: &str| -> Option<f64> {
        query(prom_port, expr)?.as_array()?.first()?["value"][1].as_str()?.parse().ok()
    };
    let scraped = wait_for(Duration::from_secs(60), || {
        assert!(prom.running(), "prometheus exited");
        scalar("count(count by (job) (apt_upgrades_pending))") == Some(worlds.len() as f64)
    });
    assert!(scraped, "Prometheus does not scrape every world's textfile");
    for ((world, args), (state, _, _)) in &expected {
        let args: Vec<&str> = args.split_whitespace().collect();
        let (exprs, native) = signals(&args, &format!("job=\"{world}\""));
        let values: Vec<f64> = exprs.iter().map(|e| scalar(e).unwrap_or(f64::NAN)).collect();
        let fires = |conds: &[nag2prom::translate::plugins::Cond]| {
            conds.iter().any(|c| c.test.alerts(values[c.signal]))
        };
        let got = if fires(&native.critical) {
            2
        } else if fires(&native.warning) {
            1
        } else {
            0
        };
        assert_eq!(got, *state, "{world} world, check_apt {args:?}: signals {values:?}");
    }
    drop(exporters);
    let _ = std::fs::remove_dir_all(&root);
}
