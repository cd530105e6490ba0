//! `nag2prom diff`: golden outputs (insta) on pairs of configurations, rule files written by
//! hand, `--git-ref` on a real git repository, exit codes and bad sides.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A small installation with knobs for each kind of change the goldens cover.
#[derive(Clone)]
struct Fleet {
    load_warn: &'static str,
    attempts: u32,
    disk_name: &'static str,
    web_members: &'static str,
    contact_group: &'static str,
    /// check_procs with -a (bridged) instead of -s Z (native).
    procs_bridged: bool,
    /// Members of contact group `dba` (contacts alice and bob exist).
    dba_members: &'static str,
    /// generic-service's notification_interval.
    notification_interval: u32,
    /// Each web host's Current Load depends on its Root Partition (critical).
    dependency: bool,
}

impl Default for Fleet {
    fn default() -> Self {
        Fleet {
            load_warn: "5.0,4.0,3.0",
            attempts: 3,
            disk_name: "Root Partition",
            web_members: "web-01,web-02",
            contact_group: "admins",
            procs_bridged: false,
            dba_members: "alice",
            notification_interval: 60,
            dependency: false,
        }
    }
}

const PLUGINS: &str = "/usr/lib/nagios/plugins";

impl Fleet {
    fn write(&self, dir: &Path) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let procs = if self.procs_bridged { "-a httpd" } else { "-s Z" };
        let mut hosts = String::new();
        for (i, name) in ["web-01", "web-02", "web-03", "db-01"].iter().enumerate() {
            hosts.push_str(&format!(
                "define host {{\n  use linux-host\n  host_name {name}\n  address 127.0.0.{}\n}}\n",
                i + 2
            ));
        }
        let objects = format!(
            "define contact {{\n  contact_name alice\n  email alice@example.invalid\n  host_notification_period 24x7\n  service_notification_period 24x7\n  host_notification_options d,r\n  service_notification_options w,c,r\n  host_notification_commands notify\n  service_notification_commands notify\n}}\n\
             define contactgroup {{\n  contactgroup_name admins\n  members alice\n}}\n\
             define contact {{\n  contact_name bob\n  email bob@example.invalid\n  host_notification_period 24x7\n  service_notification_period 24x7\n  host_notification_options d,r\n  service_notification_options w,c,r\n  host_notification_commands notify\n  service_notification_commands notify\n}}\n\
             define contactgroup {{\n  contactgroup_name dba\n  members {dba}\n}}\n\
             define timeperiod {{\n  timeperiod_name 24x7\n  monday 00:00-24:00\n  tuesday 00:00-24:00\n  wednesday 00:00-24:00\n  thursday 00:00-24:00\n  friday 00:00-24:00\n  saturday 00:00-24:00\n  sunday 00:00-24:00\n}}\n\
             define command {{\n  command_name notify\n  command_line /bin/true\n}}\n\
             define command {{\n  command_name check-host-alive\n  command_line {PLUGINS}/check_ping -H $HOSTADDRESS$ -w 3000.0,80% -c 5000.0,100% -p 5\n}}\n\
             define command {{\n  command_name check_local_load\n  command_line {PLUGINS}/check_load -w $ARG1$ -c $ARG2$\n}}\n\
             define command {{\n  command_name check_local_disk\n  command_line {PLUGINS}/check_disk -w $ARG1$ -c $ARG2$ -p $ARG3$\n}}\n\
             define command {{\n  command_name check_local_procs\n  command_line {PLUGINS}/check_procs -w 5 -c 10 {procs}\n}}\n\
             define host {{\n  name linux-host\n  register 0\n  check_command check-host-alive\n  max_check_attempts 3\n  check_interval 5\n  retry_interval 1\n  check_period 24x7\n  notification_interval 60\n  notification_period 24x7\n  contact_groups admins\n}}\n\
             {hosts}\
             define hostgroup {{\n  hostgroup_name web\n  members {web}\n}}\n\
             define service {{\n  name generic-service\n  register 0\n  max_check_attempts {attempts}\n  check_interval 5\n  retry_interval 1\n  check_period 24x7\n  notification_interval {interval}\n  notification_period 24x7\n  contact_groups {cg}\n}}\n\
             define service {{\n  use generic-service\n  hostgroup_name web\n  service_description Current Load\n  check_command check_local_load!{load}!10.0,6.0,4.0\n}}\n\
             define service {{\n  use generic-service\n  host_name web-01,web-02,web-03,db-01\n  service_description {disk}\n  check_command check_local_disk!20%!10%!/\n}}\n\
             define service {{\n  use generic-service\n  host_name db-01\n  service_description Processes\n  check_command check_local_procs\n}}\n\
             {dependency}",
            web = self.web_members,
            attempts = self.attempts,
            cg = self.contact_group,
            load = self.load_warn,
            disk = self.disk_name,
            dba = self.dba_members,
            interval = self.notification_interval,
            dependency = if self.dependency {
                format!(
                    "define servicedependency {{\n  host_name web-01,web-02\n  service_description {}\n  dependent_service_description Current Load\n  notification_failure_criteria c\n}}\n",
                    self.disk_name
                )
            } else {
                String::new()
            },
        );
        std::fs::write(dir.join("objects.cfg"), objects).unwrap();
        let cfg = dir.join("nagios.cfg");
        std::fs::write(&cfg, "cfg_file=objects.cfg\ninterval_length=60\n").unwrap();
        cfg
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nag2prom-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run nag2prom in `dir`, so the paths it prints are relative and the goldens stable.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nag2prom"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// The text diff of `old` → `new`, which must exit 1 under --exit-code.
fn pair(name: &str, old: &Fleet, new: &Fleet) -> String {
    let dir = scratch(name);
    old.write(&dir.join("old"));
    new.write(&dir.join("new"));
    let out = run_in(&dir, &["diff", "old/nagios.cfg", "new/nagios.cfg", "--exit-code"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    stdout
}

#[test]
fn threshold_change() {
    let new = Fleet { load_warn: "6.0,4.0,3.0", ..Fleet::default() };
    let text = pair("threshold", &Fleet::default(), &new);
    assert!(text.contains("threshold: > 5 → > 6"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn template_change_affecting_many_hosts() {
    let new = Fleet { attempts: 5, ..Fleet::default() };
    let text = pair("template", &Fleet::default(), &new);
    assert!(text.contains("templates generic-service"), "{text}");
    assert!(text.contains("for: 2m → 4m"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn renamed_service() {
    let new = Fleet { disk_name: "Root Disk", ..Fleet::default() };
    let text = pair("renamed", &Fleet::default(), &new);
    assert!(text.contains("label service: Root Partition → Root Disk"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn hostgroup_membership_change() {
    let new = Fleet { web_members: "web-01,web-02,web-03", ..Fleet::default() };
    let text = pair("hostgroup", &Fleet::default(), &new);
    assert!(text.contains("hosts added: web-03"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn contact_group_change() {
    let new = Fleet { contact_group: "dba", ..Fleet::default() };
    let text = pair("contacts", &Fleet::default(), &new);
    assert!(text.contains("label nagios_contact_groups: ,admins, → ,dba,"), "{text}");
    assert!(
        !text.contains("\n  + ") && !text.contains("\n  - "),
        "a routing change is no removal: {text}"
    );
    insta::assert_snapshot!(text);
}

/// Routing is compared too: a contact joining the group gets routes, a notification
/// interval is a route's repeat_interval, a dependency an inhibit rule.
#[test]
fn routing_change() {
    let old = Fleet { contact_group: "dba", ..Fleet::default() };
    let new = Fleet {
        contact_group: "dba",
        dba_members: "alice,bob",
        notification_interval: 30,
        dependency: true,
        ..Fleet::default()
    };
    let text = pair("routing", &old, &new);
    assert!(text.contains("alertmanager routing"), "{text}");
    assert!(text.contains("added route bob"), "{text}");
    assert!(text.contains("repeat_interval"), "{text}");
    assert!(text.contains("added inhibit host=~(listed), service=\"Root Partition\""), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn max_check_attempts_change() {
    let new = Fleet { attempts: 1, ..Fleet::default() };
    insta::assert_snapshot!(pair("attempts", &Fleet::default(), &new));
}

#[test]
fn plugin_switched_between_native_and_bridged() {
    let new = Fleet { procs_bridged: true, ..Fleet::default() };
    let text = pair("bridged", &Fleet::default(), &new);
    assert!(text.contains("- alert NagiosCheckProcs"), "{text}");
    assert!(text.contains("+ alert NagiosServiceWarning"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn no_change_exits_0_and_says_so() {
    let dir = scratch("same");
    Fleet::default().write(&dir.join("old"));
    Fleet::default().write(&dir.join("new"));
    // Reordering the definitions is no change either.
    let objects = dir.join("new/objects.cfg");
    let text = std::fs::read_to_string(&objects).unwrap();
    let mut blocks: Vec<&str> = text.split_inclusive("}\n").collect();
    blocks.reverse();
    std::fs::write(&objects, blocks.concat()).unwrap();
    let out = run_in(&dir, &["diff", "old/nagios.cfg", "new/nagios.cfg", "--exit-code"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("no change"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn convert_outputs_and_hand_written_rules_compare() {
    let dir = scratch("dirs");
    Fleet::default().write(&dir.join("old"));
    Fleet { load_warn: "7.0,4.0,3.0", ..Fleet::default() }.write(&dir.join("new"));
    for side in ["old", "new"] {
        let out = run_in(
            &dir,
            &["convert", "-q", "-c", &format!("{side}/nagios.cfg"), "-o", &format!("{side}-out")],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // Two convert outputs: the same answer as the two nagios.cfg.
    let dirs = run_in(&dir, &["diff", "old-out", "new-out", "--format", "json"]);
    let cfgs = run_in(&dir, &["diff", "old/nagios.cfg", "new/nagios.cfg", "--format", "json"]);
    assert_eq!(dirs.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&dirs.stdout), String::from_utf8_lossy(&cfgs.stdout));
    // The plan built in memory from a nagios.cfg equals the one read back from its files.
    for side in ["old", "new"] {
        let out = run_in(
            &dir,
            &["diff", &format!("{side}/nagios.cfg"), &format!("{side}-out"), "--exit-code"],
        );
        assert_eq!(out.status.code(), Some(0), "{side}: {}", String::from_utf8_lossy(&out.stdout));
    }
    let json: serde_json::Value = serde_json::from_slice(&dirs.stdout).unwrap();
    assert_eq!(json["summary"]["rules_changed"], 1, "{json}");
    // Hand-written rule files, one of them edited.
    std::fs::create_dir_all(dir.join("hand/a")).unwrap();
    std::fs::create_dir_all(dir.join("hand/b")).unwrap();
    let rules = "groups:\n- name: team\n  rules:\n  - alert: DiskFull\n    expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.10\n    for: 10m\n    labels:\n      severity: page\n  - record: job:up:sum\n    expr: sum by (job) (up)\n";
    std::fs::write(dir.join("hand/a/team.yml"), rules).unwrap();
    std::fs::write(dir.join("hand/b/team.yml"), rules.replace("0.10", "0.05").replace("10m", "5m"))
        .unwrap();
    let out = run_in(&dir, &["diff", "hand/a", "hand/b"]);
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
    // Markdown: summary table first.
    let md = run_in(&dir, &["diff", "hand/a", "hand/b", "--format", "markdown"]);
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.starts_with(
            "<!-- nag2prom diff -->\n### nag2prom diff\n\n| | changed | added | removed |"
        ),
        "{md}"
    );
    assert!(md.contains("<details>"), "{md}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_sides_exit_2_naming_the_side() {
    let dir = scratch("bad");
    Fleet::default().write(&dir.join("old"));
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(
        dir.join("rules/bad.yml"),
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: 'up =='\n",
    )
    .unwrap();
    std::fs::write(dir.join("broken.cfg"), "cfg_file=missing.cfg\n").unwrap();
    for (args, side, what) in [
        (vec!["diff", "old/nagios.cfg", "rules"], "NEW", "invalid PromQL"),
        (vec!["diff", "missing-dir", "old/nagios.cfg"], "OLD", "missing-dir"),
        (vec!["diff", "broken.cfg", "old/nagios.cfg"], "OLD", "error"),
    ] {
        let out = run_in(&dir, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(&format!("error: {side}")) && err.contains(what), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: a diff of a half-read side");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn git_ref_compares_the_committed_config_with_the_working_tree() {
    let dir = scratch("git");
    let repo = dir.join("repo");
    Fleet::default().write(&repo.join("nagios"));
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    Fleet { load_warn: "8.0,4.0,3.0", ..Fleet::default() }.write(&repo.join("nagios"));
    let status_before = Command::new("git")
        .current_dir(&repo)
        .args(["status", "--porcelain"])
        .output()
        .unwrap()
        .stdout;
    let out = run_in(
        &repo,
        &["diff", "--git-ref", "main", "--config", "nagios/nagios.cfg", "--exit-code"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("threshold: > 5 → > 8"), "{text}");
    // The working tree and index are untouched.
    let status_after = Command::new("git")
        .current_dir(&repo)
        .args(["status", "--porcelain"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(status_before, status_after);
    assert!(
        std::fs::read_to_string(repo.join("nagios/objects.cfg")).unwrap().contains("8.0,4.0,3.0")
    );
    // A ref that does not exist is an error naming OLD.
    let out = run_in(&repo, &["diff", "--git-ref", "nope", "--config", "nagios/nagios.cfg"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("OLD (--git-ref nope)"));
    // An absolute path into the working tree would read NEW's files as OLD: refused.
    let abs = repo.join("nagios/objects.cfg");
    std::fs::write(
        repo.join("nagios/nagios.cfg"),
        format!("cfg_file={}\ninterval_length=60\n", abs.display()),
    )
    .unwrap();
    git(&repo, &["commit", "-q", "-am", "absolute"]);
    let out = run_in(&repo, &["diff", "--git-ref", "main", "--config", "nagios/nagios.cfg"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("from the working tree"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ci_examples_are_yaml_and_run_the_diff_the_docs_describe() {
    for file in ["github-actions.yml", "gitlab-ci.yml"] {
        let text =
            std::fs::read_to_string(crate::support::root().join("examples/ci").join(file)).unwrap();
        let _: serde_json::Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(text.contains("nag2prom diff --git-ref"), "{file}");
        assert!(text.contains("--format markdown --exit-code"), "{file}");
        assert!(text.contains("<!-- nag2prom diff -->"), "{file}: the comment marker");
    }
}

/// `--status-file`: each changed alert says how many of its services alert now under the old
/// and the new rule, from the live hard states and how long they have held; a threshold
/// change is not estimated on the NEW side (Nagios ran OLD's thresholds), and says so.
#[test]
fn status_file_counts_services_alerting_now_under_each_side() {
    let dir = scratch("live");
    Fleet::default().write(&dir.join("old"));
    Fleet { attempts: 6, ..Fleet::default() }.write(&dir.join("attempts"));
    Fleet { load_warn: "6.0,5.0,4.0", ..Fleet::default() }.write(&dir.join("threshold"));
    let now = 2_000_000_000_i64;
    // web-01's load CRITICAL for 4 minutes, web-02's for 20; db-01's disk WARNING for an hour
    // but acknowledged; web-03 is DOWN (its services are silenced).
    let mut status = format!("info {{\n\tcreated={now}\n\t}}\n");
    for (host, state) in [("web-01", 0), ("web-02", 0), ("web-03", 1), ("db-01", 0)] {
        status.push_str(&format!(
            "hoststatus {{\n\thost_name={host}\n\tlast_hard_state={state}\n\t}}\n"
        ));
    }
    for (host, service, state, age, acked) in [
        ("web-01", "Current Load", 2, 240, 0),
        ("web-02", "Current Load", 2, 1200, 0),
        ("web-03", "Current Load", 2, 1200, 0),
        ("db-01", "Root Partition", 1, 3600, 1),
    ] {
        status.push_str(&format!(
            "servicestatus {{\n\thost_name={host}\n\tservice_description={service}\n\tlast_hard_state={state}\n\tlast_hard_state_change={}\n\tproblem_has_been_acknowledged={acked}\n\t}}\n",
            now - age
        ));
    }
    std::fs::write(dir.join("status.dat"), status).unwrap();
    let json = |new: &str| -> serde_json::Value {
        let out = run_in(
            &dir,
            &["diff", "old/nagios.cfg", new, "--status-file", "status.dat", "--format", "json"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let load_critical = |d: &serde_json::Value| {
        d["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "NagiosCheckLoad" && r["labels"]["severity"] == "critical")
            .cloned()
            .unwrap_or_default()
    };
    // max_check_attempts 3 → 6: `for:` grows; web-02 (20 min) alerts under both, web-01
    // (4 min) only under the shorter one; web-03's host is down.
    let d = json("attempts/nagios.cfg");
    let r = load_critical(&d);
    let fors: Vec<String> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["field"] == "for")
        .map(|f| format!("{} → {}", f["old"], f["new"]))
        .collect();
    assert_eq!(fors.len(), 1, "{r}");
    assert_eq!(r["alerting"]["old"], 2, "{fors:?} {r}");
    assert_eq!(r["alerting"]["new"], 1, "{fors:?} {r}");
    // A threshold change: NEW not estimated, with the reason.
    let d = json("threshold/nagios.cfg");
    let r = d["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "NagiosCheckLoad" && r["labels"]["severity"] == "warning")
        .cloned()
        .unwrap_or_default();
    assert!(r["alerting"]["new"].is_null() && r["alerting"]["note"].is_string(), "{r}");
    // The text says it too.
    let out = run_in(
        &dir,
        &["diff", "old/nagios.cfg", "attempts/nagios.cfg", "--status-file", "status.dat"],
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("alerting now: 2 → 1"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // An unreadable status file is an error naming it (exit 2).
    let out = run_in(
        &dir,
        &["diff", "old/nagios.cfg", "attempts/nagios.cfg", "--status-file", "nope.dat"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.dat"));
    let _ = std::fs::remove_dir_all(&dir);
}
