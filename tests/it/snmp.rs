//! `check_snmp` against the real thing: a real snmpd on loopback with fixed values, the real
//! check_snmp (monitoring-plugins-standard) deciding each service's state, and the converted
//! rules evaluated by a real Prometheus scraping the real snmp_exporter (Debian
//! prometheus-snmp-exporter 0.21) loaded with the generated `snmp.yml.tmpl`, rendered by the
//! real `envsubst` as the deployment would. For every service the firing alerts must give
//! the plugin's state; no community may appear in anything convert writes.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Proc, api, free_port, have, http_get, nag2prom, text, wait_for};

const PLUGIN: &str = "/usr/lib/nagios/plugins/check_snmp";
const COMMUNITY: &str = "n2p-test-community";
const WRONG: &str = "n2p-wrong-community";
/// The SNMPv3 user's passwords (at least 8 characters, as net-snmp wants).
const AUTH_PASS: &str = "n2p-auth-secret";
const PRIV_PASS: &str = "n2p-priv-secret";

/// Fixed values of the test's agent (snmpd `override`), beside its own sysUpTime.
const AGENT: &str = "override .1.3.6.1.4.1.8072.9999.1.0 integer 42
override .1.3.6.1.4.1.8072.9999.2.0 octet_str \"17.5 degrees\"
override .1.3.6.1.4.1.8072.9999.3.0 integer -129
override .1.3.6.1.4.1.8072.9999.4.0 octet_str \"no digits\"
";

/// `(service, check_snmp options after -H/-p/-C, community)`.
fn services() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("Int OK", "-P 2c -o .1.3.6.1.4.1.8072.9999.1.0 -w :50 -c :100", COMMUNITY),
        ("Int Warning v1", "-o .1.3.6.1.4.1.8072.9999.1.0 -w :40 -c :100", COMMUNITY),
        ("Int Critical", "-P 2c -o .1.3.6.1.4.1.8072.9999.1.0 -w :10 -c :20", COMMUNITY),
        ("At The Edge", "-P 2c -o .1.3.6.1.4.1.8072.9999.1.0 -w 42 -c 43", COMMUNITY),
        ("String Number", "-P 2c -o .1.3.6.1.4.1.8072.9999.2.0 -w 10 -c 20", COMMUNITY),
        ("Negative Colon", "-P 2c -o .1.3.6.1.4.1.8072.9999.3.0 -w :500 -c :1000", COMMUNITY),
        ("Negative Tilde", "-P 2c -o .1.3.6.1.4.1.8072.9999.3.0 -w ~:500 -c ~:1000", COMMUNITY),
        (
            "Two OIDs",
            "-P 2c -o .1.3.6.1.4.1.8072.9999.1.0,.1.3.6.1.4.1.8072.9999.2.0 -w 1:,:10 -c 2:,:20",
            COMMUNITY,
        ),
        ("Hi Lo Inside", "-P 2c -o .1.3.6.1.4.1.8072.9999.1.0 -c 50:40", COMMUNITY),
        ("Missing OID", "-P 2c -o .1.3.6.1.4.1.8072.9999.99.0 -w 5", COMMUNITY),
        ("Missing OID v1", "-o .1.3.6.1.4.1.8072.9999.99.0 -w 5", COMMUNITY),
        ("No Digits", "-P 2c -o .1.3.6.1.4.1.8072.9999.4.0 -w 5", COMMUNITY),
        ("Uptime Ticks", "-P 2c -o .1.3.6.1.2.1.1.3.0 -w :1", COMMUNITY),
        ("Offset", "-P 2c -o .1.3.6.1.4.1.8072.9999.1.0 -w :5 --offset -40", COMMUNITY),
        (
            "Only Answer",
            "-P 2c -o .1.3.6.1.4.1.8072.9999.1.0,.1.3.6.1.4.1.8072.9999.99.0",
            COMMUNITY,
        ),
        ("Wrong Community", "-P 2c -o .1.3.6.1.4.1.8072.9999.1.0 -w 5 -t 1 -e 1", WRONG),
        // SNMPv3 (no community): the passwords are in the options.
        (
            "V3 AuthPriv",
            "-P 3 -L authPriv -U n2pv3 -a SHA -A n2p-auth-secret -x AES -X n2p-priv-secret -o .1.3.6.1.4.1.8072.9999.1.0 -w :40 -c :100",
            "",
        ),
        // Symbolic names: the plugin loads every MIB; converted as snmpget resolves them.
        (
            "Symbolic Processes",
            "-P 2c -o host.hrSystem.hrSystemProcesses.0 -w :1 -c :100000",
            COMMUNITY,
        ),
        ("Symbolic Uptime", "-P 2c -o system.sysUpTime.0 -w :1", COMMUNITY),
        (
            "V3 Wrong Password",
            "-P 3 -L authPriv -U n2pv3 -a SHA -A n2p-auth-wrong -x AES -X n2p-priv-secret -o .1.3.6.1.4.1.8072.9999.1.0 -w :50 -t 1 -e 1",
            "",
        ),
    ]
}

/// Symbolic names and the numeric OIDs the real snmpget (net-snmp 5.9.3) resolved them to with
/// net-snmp's MIB files loaded. The IETF MIBs are not on a stock Debian (non-free
/// snmp-mibs-downloader), where the plugin then times out: the reference state of a symbolic
/// service is the plugin's on the OID the name stands for, as on a server with the MIBs.
const RESOLVED_BY_SNMPGET: &[(&str, &str)] = &[
    ("host.hrSystem.hrSystemProcesses.0", ".1.3.6.1.2.1.25.1.6.0"),
    ("system.sysUpTime.0", ".1.3.6.1.2.1.1.3.0"),
];

/// The state check_snmp itself gives (its exit code).
fn plugin_state(port: u16, options: &str, community: &str) -> i32 {
    let mut args = vec!["-H".to_owned(), "127.0.0.1".to_owned(), "-p".to_owned(), port.to_string()];
    if !community.is_empty() {
        args.extend(["-C".to_owned(), community.to_owned()]);
    }
    args.extend(options.split(' ').map(|arg| {
        RESOLVED_BY_SNMPGET
            .iter()
            .find(|(name, _)| *name == arg)
            .map_or(arg, |(_, oid)| oid)
            .to_owned()
    }));
    let out = Command::new(PLUGIN).args(&args).output().unwrap();
    out.status.code().unwrap_or(-1)
}

#[test]
fn check_snmp_rules_agree_with_the_plugin_on_snmp_exporter() {
    let tools = [
        ("/usr/sbin/snmpd", "snmpd"),
        (PLUGIN, "monitoring-plugins-standard"),
        ("/usr/bin/prometheus-snmp-exporter", "prometheus-snmp-exporter"),
        ("/usr/bin/prometheus", "prometheus"),
        ("/usr/bin/envsubst", "gettext-base"),
    ];
    if !tools.iter().all(|(path, package)| have(Path::new(path), package)) {
        return;
    }
    let root = std::env::temp_dir().join(format!("nag2prom-snmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("snmpd")).unwrap();
    std::fs::create_dir_all(root.join("prom/data")).unwrap();

    // The agent.
    let agent_port = free_port();
    let conf = root.join("snmpd/snmpd.conf");
    std::fs::write(
        &conf,
        format!(
            "rocommunity {COMMUNITY} 127.0.0.1\ncreateUser n2pv3 SHA {AUTH_PASS} AES {PRIV_PASS}\nrouser n2pv3 priv\n{AGENT}"
        ),
    )
    .unwrap();
    let _snmpd = Proc::spawn(
        "snmpd",
        Command::new("/usr/sbin/snmpd")
            .args(["-f", "-C", "-Lf", "/dev/null", "-c"])
            .arg(&conf)
            .arg("-p")
            .arg(root.join("snmpd/pid"))
            .arg(format!("udp:127.0.0.1:{agent_port}"))
            .env("SNMP_PERSISTENT_DIR", root.join("snmpd"))
            .env("MIBS", "")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let answering = wait_for(Duration::from_secs(10), || {
        plugin_state(agent_port, "-P 2c -o .1.3.6.1.4.1.8072.9999.1.0 -t 1 -e 0", COMMUNITY) == 0
    });
    assert!(answering, "snmpd does not answer on 127.0.0.1:{agent_port}");

    // What the plugin says, service by service: the reference.
    let mut expected = BTreeMap::new();
    for (service, options, community) in services() {
        expected.insert(service.to_owned(), plugin_state(agent_port, options, community));
    }
    // The semantics this test is about really are exercised.
    for (service, state) in [
        ("Int OK", 0),
        ("Int Warning v1", 1),
        ("Int Critical", 2),
        ("At The Edge", 0),
        ("String Number", 1),
        ("Negative Colon", 2),
        ("Negative Tilde", 0),
        ("Two OIDs", 1),
        ("Hi Lo Inside", 2),
        ("Missing OID", 3),
        ("Missing OID v1", 3),
        ("No Digits", 3),
        ("Uptime Ticks", 1),
        ("Offset", 0),
        ("Only Answer", 0),
        ("Wrong Community", 3),
        ("V3 AuthPriv", 1),
        ("V3 Wrong Password", 3),
        ("Symbolic Processes", 1),
        ("Symbolic Uptime", 1),
    ] {
        assert_eq!(expected[service], state, "check_snmp on {service}");
    }

    // The configuration, converted.
    let mut objects = String::from(crate::support::LOOPBACK_OBJECTS)
        + "define host {\n host_name agent\n address 127.0.0.1\n max_check_attempts 1\n check_period always\n contacts ops\n notification_period always\n}\n";
    for (i, (service, options, community)) in services().into_iter().enumerate() {
        let c = if community.is_empty() { "" } else { "-C '$ARG1$' " };
        objects.push_str(&format!(
            "define command {{\n command_name snmp{i}\n command_line {PLUGIN} -H $HOSTADDRESS$ -p {agent_port} {c}{options}\n}}\n\
             define service {{\n host_name agent\n service_description {service}\n check_command snmp{i}!{community}\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period always\n notification_period always\n contacts ops\n}}\n"
        ));
    }
    std::fs::write(root.join("objects.cfg"), objects).unwrap();
    std::fs::write(root.join("nagios.cfg"), "cfg_file=objects.cfg\n").unwrap();
    let exporter_port = free_port();
    let prom_port = free_port();
    let out = root.join("out");
    let run = nag2prom(&[
        "convert",
        "--config",
        root.join("nagios.cfg").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--scrape-interval",
        "2",
        "--snmp-exporter-address",
        &format!("127.0.0.1:{exporter_port}"),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["totals"]["native"], services().len(), "{}", report["services"]);
    // The MIB assumption is listed for the user to confirm, with what each name became.
    let requirements = report["exporter_requirements"].to_string();
    assert!(
        requirements.contains("snmp-mibs-downloader")
            && requirements.contains("host.hrSystem.hrSystemProcesses.0 = 1.3.6.1.2.1.25.1.6.0"),
        "{requirements}"
    );

    // The generated rules pass promtool, and their unit tests pin the edges: flipping a
    // comparison of the check_snmp rules (the first four of each kind, to keep the test
    // short) makes them fail.
    crate::convert::promtool_checks(std::slice::from_ref(&out));
    let rules_path = out.join("rules/check_snmp.yml");
    let original = std::fs::read_to_string(&rules_path).unwrap();
    let mut mutated = 0;
    // `@lo:hi` is `(x >= lo) <= hi`.
    for (from, to) in [("} > ", "} >= "), ("} < ", "} <= "), ("} >= ", "} > "), (") <= ", ") < ")] {
        for (at, _) in original.match_indices(from).take(4) {
            let mut text = original.clone();
            text.replace_range(at..at + from.len(), to);
            std::fs::write(&rules_path, &text).unwrap();
            let test = Command::new("/usr/bin/promtool")
                .args(["test", "rules"])
                .arg(out.join("tests/check_snmp.yml"))
                .output()
                .unwrap();
            assert!(!test.status.success(), "`{from}` → `{to}` at {at} went unnoticed");
            mutated += 1;
        }
    }
    std::fs::write(&rules_path, &original).unwrap();
    assert_eq!(mutated, 10, "every kind of comparison was mutated");

    // No community in anything convert wrote.
    for entry in walk(&out) {
        let bytes = std::fs::read(&entry).unwrap();
        let body = String::from_utf8_lossy(&bytes);
        for secret in [COMMUNITY, WRONG, AUTH_PASS, PRIV_PASS, "n2p-auth-wrong"] {
            assert!(!body.contains(secret), "{} holds a secret", entry.display());
        }
    }

    // Render the template as a deployment does: each variable from the header's list.
    let template = std::fs::read_to_string(out.join("snmp.yml.tmpl")).unwrap();
    let mut env: Vec<(String, String)> = Vec::new();
    for line in template.lines().filter_map(|l| l.strip_prefix("# NAG2PROM_SNMP_")) {
        let (var, origin) = line.split_once(": ").unwrap();
        let value = if var.starts_with("AUTH_") {
            if origin.contains("/V3 Wrong Password ") { "n2p-auth-wrong" } else { AUTH_PASS }
        } else if var.starts_with("PRIV_") {
            PRIV_PASS
        } else if origin.contains("/Wrong Community ") {
            WRONG
        } else {
            COMMUNITY
        };
        env.push((format!("NAG2PROM_SNMP_{var}"), value.to_owned()));
    }
    // Two communities, two auth passwords, one privacy password (the same twice).
    assert_eq!(env.len(), 5, "one variable per distinct secret:\n{template}");
    let shell_format: Vec<String> = env.iter().map(|(k, _)| format!("${{{k}}}")).collect();
    let rendered = Command::new("/usr/bin/envsubst")
        .arg(shell_format.join(" "))
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(std::fs::File::open(out.join("snmp.yml.tmpl")).unwrap())
        .output()
        .unwrap();
    assert!(rendered.status.success());
    let snmp_yml = root.join("snmp.yml");
    std::fs::write(&snmp_yml, &rendered.stdout).unwrap();
    let dry = Command::new("/usr/bin/prometheus-snmp-exporter")
        .arg(format!("--config.file={}", snmp_yml.display()))
        .arg("--dry-run")
        .output()
        .unwrap();
    assert!(dry.status.success(), "snmp_exporter refuses the rendered file: {}", text(&dry));

    let targets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("targets/snmp.json")).unwrap()).unwrap();
    let targets = targets.as_array().unwrap().len();
    let mut exporter = Proc::spawn(
        "snmp_exporter",
        Command::new("/usr/bin/prometheus-snmp-exporter")
            .arg(format!("--config.file={}", snmp_yml.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{exporter_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    assert!(
        wait_for(Duration::from_secs(10), || http_get(exporter_port, "/").is_some()),
        "snmp_exporter does not start"
    );
    let mut prom =
        crate::support::prometheus(&out.join("prometheus.yml"), &root.join("prom/data"), prom_port);

    // The firing alerts' worst severity per service: critical 2, warning (incl. the UNKNOWN
    // no-data companion) 1; the plugin's UNKNOWN (3) is warning.
    let rank_of = |state: i32| match state {
        0 => 0,
        2 => 2,
        _ => 1,
    };
    let mut last = Vec::new();
    let agreed = wait_for(Duration::from_secs(60), || {
        assert!(prom.running() && exporter.running(), "prometheus or snmp_exporter exited");
        // Every target scraped.
        let scraped = api(prom_port, "/api/v1/query?query=count(up%7Bjob%3D%22snmp%22%7D)")
            .is_some_and(|d| d["result"][0]["value"][1] == targets.to_string().as_str());
        if !scraped {
            return false;
        }
        let Some(got) = crate::support::firing_ranks(prom_port) else { return false };
        last = expected
            .iter()
            .filter(|(service, state)| got.get(*service).copied().unwrap_or(0) != rank_of(**state))
            .map(|(service, state)| {
                format!(
                    "{service}: check_snmp {state}, alerts rank {}",
                    got.get(service).copied().unwrap_or(0)
                )
            })
            .collect();
        last.is_empty()
    });
    assert!(agreed, "the rules disagree with check_snmp:\n{}", last.join("\n"));
    let _ = std::fs::remove_dir_all(&root);
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            out.extend(walk(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

/// `nag2prom diff` reads snmp.yml.tmpl like blackbox.yml: a conversion equals its own output,
/// and asking another OID shows the probe module that replaces the old one.
#[test]
fn diff_sees_snmp_modules() {
    let root = std::env::temp_dir().join(format!("nag2prom-snmp-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let write = |dir: &str, oid: &str| {
        let d = root.join(dir);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("nagios.cfg"), "cfg_file=o.cfg\n").unwrap();
        std::fs::write(
            d.join("o.cfg"),
            format!(
                "define timeperiod {{\n timeperiod_name p\n alias p\n monday 00:00-24:00\n}}\n\
                 define contact {{\n contact_name c\n host_notification_period p\n service_notification_period p\n host_notification_options n\n service_notification_options n\n host_notification_commands x\n service_notification_commands x\n}}\n\
                 define command {{\n command_name x\n command_line /bin/true\n}}\n\
                 define command {{\n command_name snmp\n command_line {PLUGIN} -H $HOSTADDRESS$ -C $USER3$ -P 2c -o {oid} -w :5 -c :10\n}}\n\
                 define host {{\n host_name sw1\n address 127.0.0.2\n max_check_attempts 3\n check_period p\n contacts c\n notification_period p\n}}\n\
                 define service {{\n host_name sw1\n service_description Load\n check_command snmp\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n check_period p\n notification_period p\n contacts c\n}}\n"
            ),
        )
        .unwrap();
        d.join("nagios.cfg")
    };
    let old = write("old", ".1.3.6.1.4.1.2021.10.1.5.1");
    let new = write("new", ".1.3.6.1.4.1.2021.10.1.5.2");
    let out = root.join("old-out");
    let run =
        nag2prom(&["convert", "-q", "-c", old.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let template = std::fs::read_to_string(out.join("snmp.yml.tmpl")).unwrap();
    assert!(template.contains("${NAG2PROM_SNMP_COMMUNITY_USER3}"), "{template}");
    let same = nag2prom(&["diff", old.to_str().unwrap(), out.to_str().unwrap(), "--exit-code"]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));
    let changed = nag2prom(&[
        "diff",
        out.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
        "--exit-code",
    ]);
    assert_eq!(changed.status.code(), Some(1), "{}", text(&changed));
    let json: serde_json::Value = serde_json::from_slice(&changed.stdout).unwrap();
    let kinds: Vec<(String, String)> = json["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["kind"].as_str().unwrap().to_owned(), m["name"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(kinds.len(), 2, "{json}");
    assert!(kinds.iter().all(|(_, name)| name.starts_with("nagios_snmp_")), "{kinds:?}");
    assert!(kinds.iter().any(|(k, _)| k == "added") && kinds.iter().any(|(k, _)| k == "removed"));
    let _ = std::fs::remove_dir_all(&root);
}

const HPJD: &str = "/usr/lib/nagios/plugins/check_hpjd";

/// One JetDirect agent's values: `(status entry, INTEGER)` overrides of the all-zero base;
/// `None` leaves the entry out (the agent lacks it).
type Printer = (&'static str, &'static [(u32, Option<i32>)]);

/// The printers of the check_hpjd test, by the state each should give.
const PRINTERS: &[Printer] = &[
    ("ok", &[]),
    ("jam", &[(9, Some(1))]),
    ("offline", &[(1, Some(1))]),
    ("line-two", &[(1, Some(2))]),
    ("out", &[(8, Some(1))]),
    ("out-toner", &[(8, Some(1)), (10, Some(1))]),
    ("toner", &[(10, Some(1))]),
    ("door-negative", &[(17, Some(-1))]),
    ("no-door-oid", &[(17, None)]),
];

/// snmpd `override` lines for a printer (the display message a string).
fn printer_agent(values: &[(u32, Option<i32>)]) -> String {
    let mut lines = String::new();
    for n in [1, 2, 3, 6, 8, 9, 10, 11, 12, 17, 19] {
        let v = values.iter().find(|(e, _)| *e == n).map_or(Some(0), |(_, v)| *v);
        if let Some(v) = v {
            lines.push_str(&format!("override .1.3.6.1.4.1.11.2.3.9.1.1.2.{n}.0 integer {v}\n"));
        }
    }
    lines.push_str("override .1.3.6.1.4.1.11.2.3.9.1.1.3.0 octet_str \"READY\"\n");
    lines
}

/// `check_hpjd` against real agents: one snmpd per printer state (JetDirect OIDs from
/// `override`), one agent without any of them and a port nobody answers on. The real plugin
/// gives each service's state; the converted rules, evaluated by a real Prometheus scraping
/// the real snmp_exporter with the generated module, must give the same.
#[test]
fn check_hpjd_rules_agree_with_the_plugin_on_snmp_exporter() {
    let tools = [
        ("/usr/sbin/snmpd", "snmpd"),
        (HPJD, "monitoring-plugins-standard"),
        ("/usr/bin/prometheus-snmp-exporter", "prometheus-snmp-exporter"),
        ("/usr/bin/prometheus", "prometheus"),
        ("/usr/bin/envsubst", "gettext-base"),
    ];
    if !tools.iter().all(|(path, package)| have(Path::new(path), package)) {
        return;
    }
    let root = std::env::temp_dir().join(format!("nag2prom-hpjd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("prom/data")).unwrap();
    let state = |port: u16, extra: &[&str]| -> i32 {
        let out = Command::new(HPJD)
            .args(["-H", "127.0.0.1", "-p", &port.to_string(), "-C", COMMUNITY])
            .args(extra)
            .output()
            .unwrap();
        out.status.code().unwrap_or(-1)
    };
    // The agents: the printers, and one that is no printer.
    let mut agents: Vec<(&str, u16, Proc)> = Vec::new();
    let alien: Printer = ("alien", &[]);
    for (name, values) in PRINTERS.iter().chain([&alien]) {
        let dir = root.join(format!("snmpd-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        let conf = dir.join("snmpd.conf");
        let body = if *name == "alien" { String::new() } else { printer_agent(values) };
        std::fs::write(&conf, format!("rocommunity {COMMUNITY} 127.0.0.1\n{body}")).unwrap();
        let proc = Proc::spawn(
            "snmpd",
            Command::new("/usr/sbin/snmpd")
                .args(["-f", "-C", "-Lf", "/dev/null", "-c"])
                .arg(&conf)
                .arg("-p")
                .arg(dir.join("pid"))
                .arg(format!("udp:127.0.0.1:{port}"))
                .env("SNMP_PERSISTENT_DIR", &dir)
                .env("MIBS", "")
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        agents.push((name, port, proc));
    }
    let down_port = free_port();
    for (name, port, _) in &agents {
        // sysUpTime answers on every agent: it is up.
        let up = wait_for(Duration::from_secs(10), || {
            plugin_state(*port, "-P 2c -o .1.3.6.1.2.1.1.3.0 -t 1 -e 0", COMMUNITY) == 0
        });
        assert!(up, "snmpd {name} does not answer on 127.0.0.1:{port}");
    }
    // (service, agent port, extra options, the state Debian 12's plugin (2.3.3) gives). Every
    // service passes -p, which in 2.3 falls through into -D: paper out is OK and ends the
    // chain (toner low after it is not looked at).
    let port_of = |n: &str| agents.iter().find(|(a, ..)| *a == n).unwrap().1;
    let services: Vec<(String, u16, &str, i32)> = vec![
        ("OK".to_owned(), port_of("ok"), "", 0),
        ("Jam".to_owned(), port_of("jam"), "", 1),
        ("Offline".to_owned(), port_of("offline"), "", 1),
        ("Line Two".to_owned(), port_of("line-two"), "", 0),
        ("Out".to_owned(), port_of("out"), "", 0),
        ("Out D".to_owned(), port_of("out"), "-D", 0),
        ("Out Toner".to_owned(), port_of("out-toner"), "", 0),
        ("Toner D".to_owned(), port_of("toner"), "-D", 1),
        ("Door Negative".to_owned(), port_of("door-negative"), "", 1),
        ("No Door OID".to_owned(), port_of("no-door-oid"), "", 1),
        ("Not A Printer".to_owned(), port_of("alien"), "", 2),
        ("No Agent".to_owned(), down_port, "", 2),
    ];
    let mut expected = BTreeMap::new();
    for (service, port, extra, want) in &services {
        let extra: Vec<&str> = extra.split(' ').filter(|w| !w.is_empty()).collect();
        let got = state(*port, &extra);
        assert_eq!(got, *want, "check_hpjd on {service}");
        expected.insert(service.clone(), got);
    }

    let mut objects = String::from(crate::support::LOOPBACK_OBJECTS)
        + "define host {\n host_name printer\n address 127.0.0.1\n max_check_attempts 1\n check_period always\n contacts ops\n notification_period always\n}\n";
    for (i, (service, port, extra, _)) in services.iter().enumerate() {
        objects.push_str(&format!(
            "define command {{\n command_name hpjd{i}\n command_line {HPJD} -H $HOSTADDRESS$ -p {port} -C '$ARG1$' {extra}\n}}\n\
             define service {{\n host_name printer\n service_description {service}\n check_command hpjd{i}!{COMMUNITY}\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period always\n notification_period always\n contacts ops\n}}\n"
        ));
    }
    std::fs::write(root.join("objects.cfg"), objects).unwrap();
    std::fs::write(root.join("nagios.cfg"), "cfg_file=objects.cfg\n").unwrap();
    let exporter_port = free_port();
    let prom_port = free_port();
    let out = root.join("out");
    let run = nag2prom(&[
        "convert",
        "--config",
        root.join("nagios.cfg").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--scrape-interval",
        "2",
        "--snmp-exporter-address",
        &format!("127.0.0.1:{exporter_port}"),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["totals"]["native"], services.len(), "{}", report["services"]);
    crate::convert::promtool_checks(std::slice::from_ref(&out));
    for entry in walk(&out) {
        let body = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned();
        assert!(!body.contains(COMMUNITY), "{} holds the community", entry.display());
    }
    // The community from the deployment's environment, as envsubst renders the template.
    let template = std::fs::read_to_string(out.join("snmp.yml.tmpl")).unwrap();
    let vars: Vec<String> = template
        .lines()
        .filter_map(|l| l.strip_prefix("# NAG2PROM_SNMP_"))
        .map(|l| format!("NAG2PROM_SNMP_{}", l.split_once(": ").unwrap().0))
        .collect();
    assert_eq!(vars.len(), 1, "one community, one variable:\n{template}");
    let rendered = Command::new("/usr/bin/envsubst")
        .arg(format!("${{{}}}", vars[0]))
        .env(&vars[0], COMMUNITY)
        .stdin(std::fs::File::open(out.join("snmp.yml.tmpl")).unwrap())
        .output()
        .unwrap();
    assert!(rendered.status.success());
    let snmp_yml = root.join("snmp.yml");
    std::fs::write(&snmp_yml, &rendered.stdout).unwrap();
    let mut exporter = Proc::spawn(
        "snmp_exporter",
        Command::new("/usr/bin/prometheus-snmp-exporter")
            .arg(format!("--config.file={}", snmp_yml.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{exporter_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    assert!(
        wait_for(Duration::from_secs(10), || http_get(exporter_port, "/").is_some()),
        "snmp_exporter does not start"
    );
    let targets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("targets/snmp.json")).unwrap()).unwrap();
    let targets = targets.as_array().unwrap().len();
    let mut prom =
        crate::support::prometheus(&out.join("prometheus.yml"), &root.join("prom/data"), prom_port);
    let rank_of = |state: i32| match state {
        0 => 0,
        2 => 2,
        _ => 1,
    };
    let mut last = Vec::new();
    let agreed = wait_for(Duration::from_secs(60), || {
        assert!(prom.running() && exporter.running(), "prometheus or snmp_exporter exited");
        let scraped = api(prom_port, "/api/v1/query?query=count(up%7Bjob%3D%22snmp%22%7D)")
            .is_some_and(|d| d["result"][0]["value"][1] == targets.to_string().as_str());
        if !scraped {
            return false;
        }
        let Some(got) = crate::support::firing_ranks(prom_port) else { return false };
        last = expected
            .iter()
            .filter(|(service, state)| got.get(*service).copied().unwrap_or(0) != rank_of(**state))
            .map(|(service, state)| {
                format!(
                    "{service}: check_hpjd {state}, alerts rank {}",
                    got.get(service).copied().unwrap_or(0)
                )
            })
            .collect();
        last.is_empty()
    });
    assert!(agreed, "the rules disagree with check_hpjd:\n{}", last.join("\n"));
    drop(agents);
    let _ = std::fs::remove_dir_all(&root);
}
