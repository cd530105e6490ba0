//! `convert` with OLA targets (issue 15): rules/ola.yml and tests/ola.yml checked and run by
//! the real promtool; bad declarations are coded diagnostics with file:line and exit 2.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{have, nag2prom, root, text};

const PROMTOOL: &str = "/usr/bin/promtool";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nag2prom-ola-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn site() -> PathBuf {
    root().join("tests/it/ola/site.cfg")
}

/// Custom variables inherited from a host template give a group; promtool checks the rules
/// and runs the generated edge tests.
#[test]
fn ola_custom_variables_give_rules_that_pass_promtool_test() {
    let dir = scratch("vars");
    let out = dir.join("out");
    let run =
        nag2prom(&["convert", "-q", "--out", out.to_str().unwrap(), site().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let rules = fs::read_to_string(out.join("rules/ola.yml")).unwrap();
    assert!(rules.contains("ola_group: SITE-A"), "{rules}");
    assert!(rules.contains("alert: NagiosOlaErrorBudgetBurn"));
    // At 80 % the 1h page window is lengthened to 3h12m (factor 4.5 < 5).
    assert!(rules.contains("long: 3h12m"), "{rules}");
    assert!(!rules.contains("> 14.4"));
    if !have(Path::new(PROMTOOL), "prometheus") {
        return;
    }
    let check = Command::new(PROMTOOL)
        .args(["check", "rules"])
        .arg(out.join("rules/ola.yml"))
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check));
    let test = Command::new(PROMTOOL)
        .args(["test", "rules"])
        .arg(out.join("tests/ola.yml"))
        .output()
        .unwrap();
    assert!(test.status.success(), "{}", text(&test));
}

/// No declaration: no OLA files.
#[test]
fn ola_files_only_when_declared() {
    let dir = scratch("none");
    let cfg = dir.join("site.cfg");
    let text_cfg = fs::read_to_string(site()).unwrap();
    let plain: String =
        text_cfg.lines().filter(|l| !l.contains("_OLA_")).map(|l| format!("{l}\n")).collect();
    fs::write(&cfg, plain).unwrap();
    let out = dir.join("out");
    let run = nag2prom(&["convert", "-q", "--out", out.to_str().unwrap(), cfg.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    assert!(!out.join("rules/ola.yml").exists() && !out.join("tests/ola.yml").exists());
}

/// Bad targets, windows, files and conflicts: coded diagnostics at file:line, exit 2,
/// nothing written.
#[test]
fn ola_bad_input_exits_2_with_located_diagnostics() {
    let dir = scratch("bad");
    let cases: [(&str, &str, &str); 5] = [
        (
            "objectives:\n  - service: CE\n    availability: 120\n",
            "ola/invalid-target",
            "ola.yaml:2",
        ),
        (
            "objectives:\n  - service: CE\n    availability: 80\n    window: month\n",
            "ola/unknown-window",
            "ola.yaml:2",
        ),
        ("objectives:\n  - service: CE\n    availabilty: 80\n", "ola/invalid-file", "ola.yaml:"),
        (
            "objectives:\n  - service: NOPE\n    availability: 80\n",
            "ola/empty-objective",
            "ola.yaml:2",
        ),
        ("objectives:\n  - service: CE\n    availability: 99\n", "ola/conflict", "site.cfg:"),
    ];
    for (i, (yaml, code, at)) in cases.iter().enumerate() {
        let file = dir.join("ola.yaml");
        fs::write(&file, yaml).unwrap();
        let out = dir.join(format!("out{i}"));
        let run = nag2prom(&[
            "convert",
            "-q",
            "--out",
            out.to_str().unwrap(),
            "--ola",
            file.to_str().unwrap(),
            site().to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{code}: {}", text(&run));
        assert!(stderr.contains(code) && stderr.contains(at), "{code} {at}: {stderr}");
        assert!(!out.exists(), "{code}: something was written");
    }
}

/// The group states the rules read, live: the bridge computes them from convert's
/// ola-members.json (`serve --ola.members`), a real Prometheus evaluates rules/ola.yml on
/// them, the group has its state and `NagiosOlaMembersDiffer` stays silent; a file that no longer matches the
/// conversion (re-read by the bridge) makes it fire; a broken file keeps the last good
/// membership.
#[test]
fn ola_rules_join_the_bridge_membership_on_real_prometheus() {
    use crate::support::{Proc, api, free_port, query, wait_for};
    use std::time::Duration;
    if !have(Path::new("/usr/bin/prometheus"), "prometheus") {
        return;
    }
    let dir = scratch("live");
    let out = dir.join("out");
    let run = nag2prom(&[
        "convert",
        "-q",
        "--scrape-interval",
        "1",
        "--out",
        out.to_str().unwrap(),
        site().to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let members_path = out.join("ola-members.json");
    let members: serde_json::Value =
        serde_json::from_slice(&fs::read(&members_path).unwrap()).unwrap();
    let list = members["members"].as_array().unwrap().clone();
    assert!(
        list.iter()
            .any(|m| m["host"] == "ce01" && m["service"] == "CE" && m["ola_group"] == "SITE-A"),
        "{members}"
    );
    // A status.dat where every member is checked and OK.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let mut status = format!(
        "info {{\n\tcreated={now}\n\tversion=4.4.6\n\t}}\n\nprogramstatus {{\n\tprogram_start={}\n\t}}\n\n",
        now - 100
    );
    let mut hosts: Vec<&str> = list.iter().map(|m| m["host"].as_str().unwrap()).collect();
    hosts.sort_unstable();
    hosts.dedup();
    for h in &hosts {
        status.push_str(&format!(
            "hoststatus {{\n\thost_name={h}\n\thas_been_checked=1\n\tcurrent_state=0\n\tlast_hard_state=0\n\tstate_type=1\n\tlast_check={now}\n\t}}\n\n"
        ));
    }
    for m in &list {
        status.push_str(&format!(
            "servicestatus {{\n\thost_name={}\n\tservice_description={}\n\tcheck_command=check_dummy\n\thas_been_checked=1\n\tcurrent_state=0\n\tlast_hard_state=0\n\tstate_type=1\n\tlast_check={now}\n\tscheduled_downtime_depth=0\n\t}}\n\n",
            m["host"].as_str().unwrap(),
            m["service"].as_str().unwrap()
        ));
    }
    let status_path = dir.join("status.dat");
    fs::write(&status_path, status).unwrap();
    // One-shot export shows the family.
    let export = nag2prom(&[
        "export",
        "--status-file",
        status_path.to_str().unwrap(),
        "--status.max-age",
        "0",
        "--ola.members",
        members_path.to_str().unwrap(),
    ]);
    assert_eq!(export.status.code(), Some(0), "{}", text(&export));
    let exposition = String::from_utf8_lossy(&export.stdout).into_owned();
    assert!(
        exposition.contains("nagios_ola_group_rank{ola_group=\"SITE-A\"} 0")
            && exposition.contains("nagios_ola_group_members{ola_group=\"SITE-A\"} 1"),
        "{exposition}"
    );
    let (bridge_port, prom_port) = (free_port(), free_port());
    let _bridge = Proc::spawn(
        "nag2prom serve",
        Command::new(env!("CARGO_BIN_EXE_nag2prom"))
            .args(["serve", "--status-file"])
            .arg(&status_path)
            .args(["--status.max-age", "0", "--status.poll-interval", "0.2", "--ola.members"])
            .arg(&members_path)
            .arg(format!("--web.listen-address=127.0.0.1:{bridge_port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    );
    let config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\nscrape_configs:\n  - job_name: nagios_bridge\n    static_configs:\n      - targets: ['127.0.0.1:{bridge_port}']\n",
        out.join("rules/ola.yml").display()
    );
    fs::write(dir.join("prometheus.yml"), config).unwrap();
    let mut prom =
        crate::support::prometheus(&dir.join("prometheus.yml"), &dir.join("data"), prom_port);
    let value = |expr: &str| -> Option<f64> {
        let r = query(prom_port, expr)?;
        r.as_array()?.first()?["value"][1].as_str()?.parse().ok()
    };
    let differ = |group: &str| {
        api(prom_port, "/api/v1/alerts").is_some_and(|d| {
            d["alerts"].as_array().into_iter().flatten().any(|a| {
                a["labels"]["alertname"] == "NagiosOlaMembersDiffer"
                    && a["labels"]["ola_group"] == group
                    && a["state"] == "firing"
            })
        })
    };
    let ranked = wait_for(Duration::from_secs(30), || {
        assert!(prom.running(), "prometheus exited");
        value("nagios:ola:rank{ola_group=\"SITE-A\"}") == Some(0.0)
    });
    assert!(ranked, "SITE-A has no OK rank from the bridge's membership");
    std::thread::sleep(Duration::from_secs(4));
    assert!(!differ("SITE-A"), "the membership matches: no NagiosOlaMembersDiffer");
    // The file changed behind the conversion's back (a member more): the bridge re-reads it
    // and the rules see the membership differ from what convert found.
    let mut more = members.clone();
    let mut grown = list.clone();
    grown.push(serde_json::json!({"ola_group": "SITE-A", "host": "ce99", "service": "CE"}));
    more["members"] = serde_json::Value::Array(grown);
    fs::write(&members_path, serde_json::to_vec(&more).unwrap()).unwrap();
    assert!(
        wait_for(Duration::from_secs(30), || differ("SITE-A")),
        "a membership that differs from the conversion goes unnoticed"
    );
    let exported = || value("max(nagios_ola_group_members{ola_group=\"SITE-A\"})");
    assert_eq!(exported(), Some((list.len() + 1) as f64));
    // A broken file: the last good membership stays, the reload error is counted.
    fs::write(&members_path, b"{ not json").unwrap();
    let counted = wait_for(Duration::from_secs(20), || {
        value("nag2prom_config_reload_errors_total").is_some_and(|v| v >= 1.0)
    });
    assert!(counted, "the broken membership file is not counted as a reload error");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(exported(), Some((list.len() + 1) as f64), "the last good membership is kept");
    let _ = fs::remove_dir_all(&dir);
}

/// GOCDB scheduled outages (`--ola.downtimes`, a `get_downtime` export) put the members of the
/// endpoints they name in downtime while in effect, as ARGO counts them: the host is the
/// downtime's HOSTNAME and the service's `_service_flavour` (argo-ncg's custom variable) names
/// its SERVICE_TYPE. "At risk" (WARNING), unscheduled, other endpoints and past outages do
/// not; an export that does not read is refused naming the file.
#[test]
fn ola_gocdb_outages_put_members_in_downtime() {
    let dir = scratch("gocdb");
    let out = dir.join("out");
    let mut objects = fs::read_to_string(site()).unwrap();
    objects.push_str(
        "define host {\n    use site-host\n    host_name se01\n    address 127.0.0.12\n    _OLA_GROUP SITE-B\n}\n\
         define service {\n    host_name se01\n    service_description SRM\n    check_command check_dummy\n    max_check_attempts 1\n    check_interval 5\n    retry_interval 1\n    check_period 24x7\n    contacts admin\n    _service_flavour SRM,webdav\n}\n",
    );
    // ce01's CE is an ARC-CE endpoint.
    let objects = objects.replace(
        "    service_description     CE\n",
        "    service_description     CE\n    _service_flavour        ARC-CE\n",
    );
    let cfg = dir.join("site.cfg");
    fs::write(&cfg, objects).unwrap();
    let run = nag2prom(&["convert", "-q", "--out", out.to_str().unwrap(), cfg.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let members_path = out.join("ola-members.json");
    let members: serde_json::Value =
        serde_json::from_slice(&fs::read(&members_path).unwrap()).unwrap();
    let ce = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["host"] == "ce01")
        .cloned()
        .unwrap_or_default();
    assert_eq!(ce["service_types"], serde_json::json!(["ARC-CE"]), "{members}");

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let mut status = format!("info {{\n\tcreated={now}\n\tversion=4.4.6\n\t}}\n\n");
    for (h, s) in [("ce01", "CE"), ("se01", "SRM")] {
        status.push_str(&format!(
            "servicestatus {{\n\thost_name={h}\n\tservice_description={s}\n\tcheck_command=check_dummy\n\thas_been_checked=1\n\tcurrent_state=0\n\tlast_hard_state=0\n\tstate_type=1\n\tlast_check={now}\n\tscheduled_downtime_depth=0\n\t}}\n\n"
        ));
    }
    let status_path = dir.join("status.dat");
    fs::write(&status_path, status).unwrap();
    let downtime = |id: u32,
                    class: &str,
                    host: &str,
                    kind: &str,
                    severity: &str,
                    from: u64,
                    to: u64| {
        format!(
            "  <DOWNTIME ID=\"{id}\" PRIMARY_KEY=\"{id}G0\" CLASSIFICATION=\"{class}\">\n    <HOSTNAME>{host}</HOSTNAME>\n    <SERVICE_TYPE>{kind}</SERVICE_TYPE>\n    <SEVERITY>{severity}</SEVERITY>\n    <START_DATE>{from}</START_DATE>\n    <END_DATE>{to}</END_DATE>\n  </DOWNTIME>\n"
        )
    };
    let export = |xml: &str| {
        let path = dir.join("downtimes.xml");
        fs::write(&path, format!("<?xml version=\"1.0\"?>\n<results>\n{xml}</results>\n")).unwrap();
        nag2prom(&[
            "export",
            "--status-file",
            status_path.to_str().unwrap(),
            "--status.max-age",
            "0",
            "--ola.members",
            members_path.to_str().unwrap(),
            "--ola.downtimes",
            path.to_str().unwrap(),
        ])
    };
    let ranks = |run: &std::process::Output| {
        assert_eq!(run.status.code(), Some(0), "{}", text(run));
        let exposition = String::from_utf8_lossy(&run.stdout).into_owned();
        let rank = |group: &str| {
            let prefix = format!("nagios_ola_group_rank{{ola_group=\"{group}\"}} ");
            exposition.lines().find_map(|l| l.strip_prefix(&prefix).map(str::to_owned))
        };
        (rank("SITE-A"), rank("SITE-B"))
    };
    let some = |a: &str, b: &str| (Some(a.to_owned()), Some(b.to_owned()));
    // In effect: ce01's ARC-CE outage; se01's webdav only "at risk"; an outage of an endpoint
    // of another host; an unscheduled outage of se01's SRM.
    let xml = [
        downtime(1, "SCHEDULED", "ce01", "ARC-CE", "OUTAGE", now - 60, now + 3600),
        downtime(2, "SCHEDULED", "se01", "webdav", "WARNING", now - 60, now + 3600),
        downtime(3, "SCHEDULED", "other.example.org", "SRM", "OUTAGE", now - 60, now + 3600),
        downtime(4, "UNSCHEDULED", "se01", "SRM", "OUTAGE", now - 60, now + 3600),
    ]
    .concat();
    assert_eq!(ranks(&export(&xml)), some("3", "0"), "ce01's scheduled outage is downtime");
    // Over, and not yet begun: no downtime.
    let xml = [
        downtime(1, "SCHEDULED", "ce01", "ARC-CE", "OUTAGE", now - 7200, now - 3600),
        downtime(5, "SCHEDULED", "se01", "SRM", "OUTAGE", now + 3600, now + 7200),
    ]
    .concat();
    assert_eq!(ranks(&export(&xml)), some("0", "0"));
    // se01's SRM endpoint in an outage: its group is in downtime.
    let xml = downtime(5, "SCHEDULED", "se01", "SRM", "OUTAGE", now - 1, now + 7200);
    assert_eq!(ranks(&export(&xml)), some("0", "3"));
    // The bridge re-reads the export when it changes, and keeps the last good one when the
    // new one does not read.
    {
        use crate::support::{Proc, free_port, http_get, wait_for};
        use std::time::Duration;
        let path = dir.join("downtimes.xml");
        fs::write(
            &path,
            format!(
                "<results>\n{}</results>\n",
                downtime(1, "SCHEDULED", "ce01", "ARC-CE", "OUTAGE", now - 60, now + 3600)
            ),
        )
        .unwrap();
        let port = free_port();
        let _bridge = Proc::spawn(
            "nag2prom serve",
            Command::new(env!("CARGO_BIN_EXE_nag2prom"))
                .args(["serve", "--status-file"])
                .arg(&status_path)
                .args(["--status.max-age", "0", "--status.poll-interval", "0.2", "--ola.members"])
                .arg(&members_path)
                .arg("--ola.downtimes")
                .arg(&path)
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null()),
        );
        let rank_is = |rank: &str| {
            let line = format!("nagios_ola_group_rank{{ola_group=\"SITE-A\"}} {rank}");
            wait_for(Duration::from_secs(20), || {
                http_get(port, "/metrics").is_some_and(|m| m.lines().any(|l| l == line))
            })
        };
        assert!(rank_is("3"), "the bridge puts ce01 in downtime");
        // Rewritten (another mtime second) without the outage: the group is up again.
        std::thread::sleep(Duration::from_millis(1100));
        fs::write(&path, "<results/>\n").unwrap();
        assert!(rank_is("0"), "the re-read export has no outage");
        std::thread::sleep(Duration::from_millis(1100));
        fs::write(&path, "<results><DOWNTIME").unwrap();
        std::thread::sleep(Duration::from_secs(2));
        assert!(rank_is("0"), "a broken export keeps the last good one");
        let errors = http_get(port, "/metrics").unwrap_or_default();
        assert!(
            errors.lines().any(|l| l.starts_with("nag2prom_config_reload_errors_total") && !l.ends_with(" 0")),
            "the failed reload is counted"
        );
    }
    // Bad input: refused, naming the file and the downtime.
    let path = dir.join("downtimes.xml");
    fs::write(&path, "<results><DOWNTIME ID=\"7\" CLASSIFICATION=\"SCHEDULED\"><SEVERITY>OUTAGE</SEVERITY></DOWNTIME></results>").unwrap();
    let bad = nag2prom(&[
        "export",
        "--status-file",
        status_path.to_str().unwrap(),
        "--ola.members",
        members_path.to_str().unwrap(),
        "--ola.downtimes",
        path.to_str().unwrap(),
    ]);
    assert_ne!(bad.status.code(), Some(0));
    assert!(
        text(&bad).contains("downtimes.xml") && text(&bad).contains("DOWNTIME 7"),
        "{}",
        text(&bad)
    );
    // Without --ola.members there is nothing to put in downtime: a usage error.
    let alone = nag2prom(&[
        "export",
        "--status-file",
        status_path.to_str().unwrap(),
        "--ola.downtimes",
        path.to_str().unwrap(),
    ]);
    assert_eq!(alone.status.code(), Some(2), "{}", text(&alone));
    let _ = fs::remove_dir_all(&dir);
}
