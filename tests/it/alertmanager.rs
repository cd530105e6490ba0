//! `DIR/alertmanager.yml` checked with the real `amtool` (Debian `prometheus-alertmanager`):
//! `amtool check-config`, and routing fidelity: for every service, the receivers
//! `amtool config routes test` selects for the labels its alert carries equal the contacts
//! Nagios notifies, computed here from the object model.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use nag2prom::model::{Model, Object};
use nag2prom::source::Installation;
use nag2prom_parsers::object::ObjectType;

use std::time::Duration;

use crate::support::{Proc, free_port, have, http_get, nag2prom, root, text, wait_for};

const AMTOOL: &str = "/usr/bin/amtool";

fn converted(config: &Path, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nag2prom-am-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let out = dir.join("out");
    let run = nag2prom(&[
        "convert",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    out
}

/// The contacts Nagios notifies for `o`'s first notification: `contacts` plus the members of
/// `contact_groups` (after inheritance, as the model resolved them), none when notifications
/// are disabled or no state is notified.
fn nagios_contacts(o: &Object, groups: &BTreeMap<String, Vec<String>>) -> BTreeSet<String> {
    let opts = match o.get("notification_options") {
        Some(v) => v.to_cache_string(),
        None => String::new(),
    };
    let enabled = o.get("notifications_enabled").map(|v| v.to_cache_string());
    if enabled.as_deref() == Some("0") || opts.split(',').any(|x| x == "n") {
        return BTreeSet::new();
    }
    let mut out: BTreeSet<String> = o.list("contacts").iter().map(|c| c.to_string()).collect();
    for g in o.list("contact_groups") {
        out.extend(groups.get(&**g).into_iter().flatten().cloned());
    }
    out
}

/// What Nagios does with a service's first CRITICAL notification by its escalations
/// (notifications.c: when any escalation is valid for the notification — `first_notification`
/// at most 1, `last_notification` 0 or at least 1, `c` in its `escalation_options`, the time
/// inside its `escalation_period` — the contacts of every valid one, instead of the service's
/// own): `Ok(contacts)` when that does not depend on the time (every valid escalation's period
/// is the service's notification period), `Err((at some times, a reason))` when it does.
type FirstContacts = Result<BTreeSet<String>, (BTreeSet<String>, String)>;

fn first_critical_contacts(
    s: &Object,
    escalations: &[&Object],
    groups: &BTreeMap<String, Vec<String>>,
) -> FirstContacts {
    let own = nagios_contacts(s, groups);
    if own.is_empty() {
        return Ok(own);
    }
    let number = |o: &Object, f: &str| o.get(f).map(|v| v.to_cache_string()).unwrap_or_default();
    let valid: Vec<&&Object> = escalations
        .iter()
        .filter(|e| {
            let first: i64 = number(e, "first_notification").parse().unwrap_or(1);
            let last: i64 = number(e, "last_notification").parse().unwrap_or(0);
            let opts = number(e, "escalation_options");
            let critical = opts.split(',').any(|o| o == "c" || o == "a");
            first <= 1 && (last == 0 || last >= 1) && critical
        })
        .collect();
    if valid.is_empty() {
        return Ok(own);
    }
    let period = s.text("notification_period").unwrap_or("").to_owned();
    let mut contacts = BTreeSet::new();
    let mut always = false;
    let mut timed = false;
    for e in &valid {
        contacts.extend(nagios_contacts(e, groups));
        match e.text("escalation_period") {
            Some(p) if !p.is_empty() && p != period => timed = true,
            _ => always = true,
        }
    }
    if !timed {
        return Ok(contacts);
    }
    if !always {
        contacts.extend(own);
    }
    Err((contacts, "an escalation valid for notification 1 in another escalation_period".into()))
}

/// Labels of the alert rules of each rule group (`nagios_check` / `nagios_level` id): the
/// first alerting or bridged recording rule naming it.
fn rule_labels(out: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut by_group = BTreeMap::new();
    for entry in fs::read_dir(out.join("rules")).unwrap() {
        let path = entry.unwrap().path();
        let yaml: serde_json::Value =
            serde_saphyr::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        for group in yaml["groups"].as_array().unwrap() {
            for rule in group["rules"].as_array().unwrap() {
                let labels: BTreeMap<String, String> = rule["labels"]
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
                            .collect()
                    })
                    .unwrap_or_default();
                let expr = rule["expr"].as_str().unwrap_or("");
                if let Some(level) =
                    labels.get("nagios_level").filter(|_| rule["record"].is_string())
                {
                    by_group.entry(level.clone()).or_insert(labels.clone());
                } else if let Some(start) =
                    expr.find("nagios_check=\"").filter(|_| rule["alert"].is_string())
                {
                    let rest = &expr[start + 14..];
                    let id = &rest[..rest.find('"').unwrap()];
                    by_group.entry(id.to_owned()).or_insert(labels.clone());
                }
            }
        }
    }
    by_group
}

fn routes_test(config: &Path, labels: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut cmd = Command::new(AMTOOL);
    cmd.args(["config", "routes", "test", "--config.file"]).arg(config);
    for (k, v) in labels {
        cmd.arg(format!("{k}={v}"));
    }
    let run = cmd.output().unwrap();
    assert!(run.status.success(), "amtool config routes test: {}", text(&run));
    String::from_utf8_lossy(&run.stdout)
        .trim()
        .split(',')
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty() && r != "nagios-null")
        .collect()
}

/// Every service's alert labels through the real amtool routing against the model's contacts;
/// returns `(services checked, differences)`.
fn fidelity(config: &Path, out: &Path) -> (usize, Vec<String>) {
    let inst = Installation::load(config).unwrap();
    let (model, _) = Model::build(&inst);
    // Contacts whose own service_notification_options notify CRITICAL (unset: none); Nagios
    // skips the others for a CRITICAL notification (notifications.c).
    let critical: BTreeSet<String> = model
        .of(ObjectType::Contact)
        .filter(|c| {
            let opts = c
                .get("service_notification_options")
                .map(|v| v.to_cache_string())
                .unwrap_or_default();
            let enabled =
                c.get("service_notifications_enabled").is_none_or(|v| v.to_cache_string() != "0");
            enabled && opts.split(',').any(|o| o == "c" || o == "a")
        })
        .filter_map(|c| c.text("contact_name").map(str::to_owned))
        .collect();
    let groups: BTreeMap<String, Vec<String>> = model
        .of(ObjectType::ContactGroup)
        .map(|g| {
            (
                g.text("contactgroup_name").unwrap().to_owned(),
                g.list("members").iter().map(|m| m.to_string()).collect(),
            )
        })
        .collect();
    let labels = rule_labels(out);
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("report.json")).unwrap()).unwrap();
    let rows: BTreeMap<(String, String), String> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                (
                    r["host_name"].as_str().unwrap().to_owned(),
                    r["service_description"].as_str().unwrap().to_owned(),
                ),
                r["rule_group"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let am = out.join("alertmanager.yml");
    let mut escalations: BTreeMap<(String, String), Vec<&Object>> = BTreeMap::new();
    for e in model.of(ObjectType::ServiceEscalation) {
        let key = (
            e.text("host_name").unwrap_or("").to_owned(),
            e.text("service_description").unwrap_or("").to_owned(),
        );
        escalations.entry(key).or_default().push(e);
    }
    let mut diffs = Vec::new();
    let mut checked = 0;
    for s in model.of(ObjectType::Service) {
        let host = s.text("host_name").unwrap().to_owned();
        let desc = s.text("service_description").unwrap().to_owned();
        let own = escalations.get(&(host.clone(), desc.clone())).map_or(&[][..], Vec::as_slice);
        // A first notification that depends on the time: the route must reach everyone
        // Nagios may notify (notify rather than miss); the rest must be exact.
        let notified = |c: BTreeSet<String>| -> BTreeSet<String> {
            c.into_iter().filter(|c| critical.contains(c)).collect()
        };
        let want = match first_critical_contacts(s, own, &groups) {
            Ok(want) => notified(want),
            Err((anyone, why)) => {
                let anyone = notified(anyone);
                let mut alert =
                    labels.get(&rows[&(host.clone(), desc.clone())]).cloned().unwrap_or_default();
                alert.insert("alertname".to_owned(), "NagiosServiceCritical".to_owned());
                alert.insert("severity".to_owned(), "critical".to_owned());
                alert.insert("nagios_state".to_owned(), "CRITICAL".to_owned());
                alert.insert("host".to_owned(), host.clone());
                alert.insert("service".to_owned(), desc.clone());
                let got = routes_test(&am, &alert);
                checked += 1;
                if !anyone.is_subset(&got) {
                    diffs.push(format!(
                        "{host}/{desc} ({why}): amtool {got:?} misses some of {anyone:?}"
                    ));
                }
                continue;
            }
        };
        let group = &rows[&(host.clone(), desc.clone())];
        let mut alert = labels.get(group).cloned().unwrap_or_default();
        alert.insert("alertname".to_owned(), "NagiosServiceCritical".to_owned());
        alert.insert("severity".to_owned(), "critical".to_owned());
        alert.insert("nagios_state".to_owned(), "CRITICAL".to_owned());
        alert.insert("host".to_owned(), host.clone());
        alert.insert("service".to_owned(), desc.clone());
        let got = routes_test(&am, &alert);
        checked += 1;
        if got != want {
            diffs.push(format!("{host}/{desc}: amtool {got:?}, Nagios {want:?}"));
        }
    }
    (checked, diffs)
}

#[test]
fn alertmanager_config_passes_amtool_check_config() {
    if !have(Path::new(AMTOOL), "prometheus-alertmanager") {
        return;
    }
    let out = converted(&root().join("examples/demo/nagios.cfg"), "check");
    let check = Command::new(AMTOOL)
        .arg("check-config")
        .arg(out.join("alertmanager.yml"))
        .output()
        .unwrap();
    assert!(check.status.success(), "amtool check-config: {}", text(&check));
    let manifest = fs::read_to_string(out.join("nag2prom-manifest.json")).unwrap();
    assert!(manifest.contains("\"alertmanager.yml\""), "not in the manifest: {manifest}");
    // --alertmanager-timezone becomes each interval's location, which amtool accepts.
    let dir = std::env::temp_dir().join(format!("nag2prom-am-tz-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let tz = dir.join("out");
    let run = nag2prom(&[
        "convert",
        "--config",
        root().join("examples/demo/nagios.cfg").to_str().unwrap(),
        "--out",
        tz.to_str().unwrap(),
        "-q",
        "--alertmanager-timezone",
        "Europe/Berlin",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let yml = fs::read_to_string(tz.join("alertmanager.yml")).unwrap();
    assert!(yml.contains("location: Europe/Berlin"), "{yml}");
    let check =
        Command::new(AMTOOL).arg("check-config").arg(tz.join("alertmanager.yml")).output().unwrap();
    assert!(check.status.success(), "amtool check-config: {}", text(&check));
    assert!(!fs::read_to_string(tz.join("report.md")).unwrap().contains("evaluated in UTC"));
    // Reproducible: a second run writes the same bytes.
    let again = converted(&root().join("examples/demo/nagios.cfg"), "check2");
    assert_eq!(
        fs::read(out.join("alertmanager.yml")).unwrap(),
        fs::read(again.join("alertmanager.yml")).unwrap()
    );
    // Command arguments never appear (they may hold secrets).
    let yml = fs::read_to_string(out.join("alertmanager.yml")).unwrap();
    assert!(!yml.contains("$USER") && !yml.contains("/bin/true"), "{yml}");
}

#[test]
fn alertmanager_routes_every_demo_service_to_its_nagios_contacts() {
    if !have(Path::new(AMTOOL), "prometheus-alertmanager") {
        return;
    }
    let config = root().join("examples/demo/nagios.cfg");
    let out = converted(&config, "fidelity");
    let (checked, diffs) = fidelity(&config, &out);
    eprintln!("routing fidelity: {} differences over {checked} services", diffs.len());
    assert!(checked > 10, "only {checked} services checked");
    assert!(
        diffs.is_empty(),
        "{} of {checked} services routed differently:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// Timeperiod constructs Alertmanager lacks, and a contact without any address: still a valid
/// configuration, every approximation reported, the contact a receiver without integrations.
#[test]
fn alertmanager_odd_timeperiods_and_contacts_stay_valid() {
    if !have(Path::new(AMTOOL), "prometheus-alertmanager") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("nag2prom-am-oddsrc-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("objects.cfg"),
        "define timeperiod {\n timeperiod_name odd\n alias odd\n monday 3 09:00-17:00\n day -1 00:00-06:00\n 2026-01-30 - 2026-03-02 / 2 08:00-09:00\n november 20 - january 5 10:00-11:00\n tuesday 2 - thursday 3 12:00-13:00\n 2026-12-30 - 2027-01-02 00:00-24:00\n}\n\
         define timeperiod {\n timeperiod_name base\n alias base\n monday 09:00-17:00\n exclude odd\n}\n\
         define command {\n command_name check_ping\n command_line /usr/lib/nagios/plugins/check_ping -H $HOSTADDRESS$ -w 100,20% -c 500,60%\n}\n\
         define command {\n command_name notify\n command_line /bin/true $USER1$ secret-arg\n}\n\
         define contact {\n contact_name nobody\n alias nobody\n service_notification_period odd\n host_notification_period base\n service_notification_options w,c\n host_notification_options d\n service_notification_commands notify\n host_notification_commands notify\n}\n\
         define contact {\n contact_name direct\n alias direct\n email direct@example.com\n service_notification_period base\n host_notification_period base\n service_notification_options w,c,r\n host_notification_options d\n service_notification_commands notify\n host_notification_commands notify\n}\n\
         define contactgroup {\n contactgroup_name ops\n alias ops\n members nobody\n}\n\
         define host {\n host_name h1\n address 127.0.0.1\n check_command check_ping\n max_check_attempts 1\n check_period odd\n notification_period base\n notification_interval 0\n contact_groups ops\n}\n\
         define service {\n host_name h1\n service_description PING\n check_command check_ping\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period odd\n notification_period odd\n notification_interval 0\n contact_groups ops\n contacts direct\n}\n",
    )
    .unwrap();
    fs::write(dir.join("nagios.cfg"), format!("cfg_file={}\n", dir.join("objects.cfg").display()))
        .unwrap();
    let out = converted(&dir.join("nagios.cfg"), "odd");
    let check = Command::new(AMTOOL)
        .arg("check-config")
        .arg(out.join("alertmanager.yml"))
        .output()
        .unwrap();
    assert!(check.status.success(), "amtool check-config: {}", text(&check));
    let yml = fs::read_to_string(out.join("alertmanager.yml")).unwrap();
    assert!(!yml.contains("secret-arg") && !yml.contains("$USER1$"), "{yml}");
    assert!(yml.contains("repeat_interval: 8760h"), "notification_interval 0: {yml}");
    let report = fs::read_to_string(out.join("report.md")).unwrap();
    for needle in [
        "`monday 3`",
        "skips days",
        "spans years",
        "`tuesday 2 - thursday 3`",
        "contact nobody: no email address",
        "`notify` is not translated",
        "`exclude odd` is not exact",
    ] {
        assert!(report.contains(needle), "report lacks {needle}:\n{report}");
    }
    assert!(!report.contains("secret-arg"));
    let (checked, diffs) = fidelity(&dir.join("nagios.cfg"), &out);
    assert_eq!((checked, diffs), (1, Vec::<String>::new()));
}

/// Contacts' own notification periods: a weekly one mutes the contact's routes outside it
/// (split by `service` when its host and service periods differ), another is reported as
/// widened; the configuration stays valid and routes every alert to the same receivers.
#[test]
fn alertmanager_contact_periods_mute_their_routes() {
    if !have(Path::new(AMTOOL), "prometheus-alertmanager") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("nag2prom-am-cperiodsrc-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let with_options = |name: &str, host: &str, service: &str, options: [&str; 2]| {
        let [h, s] = options.map(|o| {
            o.split_once('=')
                .map(|(f, v)| format!(" {f}_notification_options {v}\n"))
                .unwrap_or_default()
        });
        format!(
            "define contact {{\n contact_name {name}\n email {name}@example.com\n host_notification_period {host}\n service_notification_period {service}\n{h}{s} host_notification_commands notify\n service_notification_commands notify\n}}\n"
        )
    };
    let contact = |name: &str, host: &str, service: &str| {
        with_options(name, host, service, ["host=d,u,r", "service=w,u,c,r"])
    };
    let objects = [
        "define timeperiod {\n timeperiod_name 24x7\n alias all\n sunday 00:00-24:00\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n}\n".to_owned(),
        "define timeperiod {\n timeperiod_name workhours\n alias office\n monday 09:00-17:00\n tuesday 09:00-17:00\n wednesday 09:00-17:00\n thursday 09:00-17:00\n friday 09:00-12:00,13:00-17:00\n}\n".to_owned(),
        "define timeperiod {\n timeperiod_name firstmonday\n alias odd\n monday 1 09:00-17:00\n}\n".to_owned(),
        "define command {\n command_name check_ping\n command_line /usr/lib/nagios/plugins/check_ping -H $HOSTADDRESS$ -w 100,20% -c 500,60%\n}\n".to_owned(),
        "define command {\n command_name notify\n command_line /bin/true\n}\n".to_owned(),
        contact("day", "24x7", "workhours"),
        contact("office", "workhours", "workhours"),
        contact("always", "24x7", "24x7"),
        contact("monthly", "24x7", "firstmonday"),
        // Paged for CRITICAL and DOWN only; a contact without options (Nagios: none).
        with_options("pager", "24x7", "24x7", ["host=d,r", "service=c,r"]),
        with_options("silent", "24x7", "24x7", ["", ""]),
        // Every option, but service notifications disabled: host alerts only.
        contact("hostonly", "24x7", "24x7").replace(" email", " service_notifications_enabled 0\n email"),
        "define contactgroup {\n contactgroup_name ops\n alias ops\n members day,office,always,monthly,pager,silent,hostonly\n}\n".to_owned(),
        "define host {\n host_name h1\n address 127.0.0.1\n check_command check_ping\n max_check_attempts 1\n check_period 24x7\n notification_period 24x7\n contact_groups ops\n}\n".to_owned(),
        "define service {\n host_name h1\n service_description PING\n check_command check_ping\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contact_groups ops\n}\n".to_owned(),
    ];
    fs::write(dir.join("objects.cfg"), objects.concat()).unwrap();
    fs::write(dir.join("nagios.cfg"), format!("cfg_file={}\n", dir.join("objects.cfg").display()))
        .unwrap();
    let out = converted(&dir.join("nagios.cfg"), "cperiod");
    let yml = out.join("alertmanager.yml");
    let check = Command::new(AMTOOL).arg("check-config").arg(&yml).output().unwrap();
    assert!(check.status.success(), "amtool check-config: {}", text(&check));
    let config: serde_json::Value =
        serde_saphyr::from_str(&fs::read_to_string(&yml).unwrap()).unwrap();
    // (matchers mentioning `service`, mutes) of each route to `receiver`.
    let routes_of = |receiver: &str| -> Vec<(Vec<String>, Vec<String>)> {
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        config["route"]["routes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["receiver"] == receiver)
            .map(|r| {
                let service: Vec<String> = strings(&r["matchers"])
                    .into_iter()
                    .filter(|m| m.starts_with("service"))
                    .collect();
                (service, strings(&r["mute_time_intervals"]))
            })
            .collect()
    };
    let outside = "nag2prom-outside-workhours".to_owned();
    assert_eq!(
        routes_of("day"),
        vec![
            (vec!["service=\"\"".to_owned()], vec![]),
            (vec!["service=~\".+\"".to_owned()], vec![outside.clone()])
        ]
    );
    assert_eq!(routes_of("office"), vec![(vec![], vec![outside.clone()])]);
    assert_eq!(routes_of("always"), vec![(vec![], vec![])]);
    assert_eq!(routes_of("monthly"), vec![(vec![], vec![])]);
    // (`service` and `nagios_state` matchers here.)
    let states_of = |receiver: &str| -> Vec<Vec<String>> {
        config["route"]["routes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["receiver"] == receiver)
            .map(|r| {
                r["matchers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|m| m.as_str())
                    .filter(|m| m.starts_with("service") || m.starts_with("nagios_state"))
                    .map(str::to_owned)
                    .collect()
            })
            .collect()
    };
    assert_eq!(
        states_of("pager"),
        vec![
            vec!["service=\"\"".to_owned(), "nagios_state=~\"DOWN\"".to_owned()],
            vec!["service=~\".+\"".to_owned(), "nagios_state=~\"CRITICAL\"".to_owned()],
        ]
    );
    assert!(states_of("silent").is_empty());
    assert_eq!(states_of("hostonly"), vec![vec!["service=\"\"".to_owned()]]);
    let interval = config["time_intervals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == outside.as_str())
        .expect("the time outside workhours");
    // Weekday nights and weekends; Friday's lunch hour apart.
    assert_eq!(interval["time_intervals"].as_array().unwrap().len(), 3, "{interval}");
    let report = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("contact monthly: its service_notification_period `firstmonday` is not a weekly timeperiod"),
        "{report}"
    );
    assert!(!report.contains("contact day: its"), "{report}");
    assert!(report.contains("contact silent: its notification options (unset: none)"), "{report}");
    // Host alerts and service alerts still reach every contact (time aside).
    let (checked, diffs) = fidelity(&dir.join("nagios.cfg"), &out);
    assert_eq!((checked, diffs), (1, Vec::<String>::new()));
    // The host's DOWN alert (no `service` label) reaches them too, day's through its host route.
    let hosts: serde_json::Value =
        serde_saphyr::from_str(&fs::read_to_string(out.join("rules/hosts.yml")).unwrap()).unwrap();
    let down = hosts["groups"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["alert"] == "NagiosHostDown")
        .expect("a host alert");
    let mut host_alert: BTreeMap<String, String> = down["labels"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
        .collect();
    host_alert.insert("host".to_owned(), "h1".to_owned());
    assert!(!host_alert.contains_key("service"), "{host_alert:?}");
    let got = routes_test(&yml, &host_alert);
    let want: BTreeSet<String> =
        ["always", "day", "hostonly", "monthly", "office", "pager"].map(str::to_owned).into();
    assert_eq!(got, want, "host alert {host_alert:?}");
    // The service's WARNING alert, as the rules label it, does not page.
    let check_ping: serde_json::Value =
        serde_saphyr::from_str(&fs::read_to_string(out.join("rules/check_ping.yml")).unwrap())
            .unwrap();
    let warning = check_ping["groups"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["labels"]["severity"] == "warning" && r["labels"]["nagios_state"] == "WARNING")
        .expect("a WARNING alert of PING");
    let mut warning_alert: BTreeMap<String, String> = warning["labels"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
        .collect();
    warning_alert.insert("host".to_owned(), "h1".to_owned());
    let want: BTreeSet<String> = ["always", "day", "monthly", "office"].map(str::to_owned).into();
    assert_eq!(routes_test(&yml, &warning_alert), want, "warning alert {warning_alert:?}");
}

/// The project's generator (nested contact groups, `contactgroup_members`, escalations,
/// dependencies, parents, nth-weekday exceptions): valid, and every service routed to its
/// Nagios contacts.
#[test]
fn alertmanager_generated_installation_routes_every_service() {
    if !have(Path::new(AMTOOL), "prometheus-alertmanager") {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let generator = exe.parent().unwrap().parent().unwrap().join("examples/gen_install");
    assert!(generator.exists(), "{} not built (cargo test builds examples)", generator.display());
    let dir = std::env::temp_dir().join(format!("nag2prom-am-gensrc-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let generated = Command::new(&generator)
        .args(["--hosts", "20", "--seed", "7", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(generated.status.success(), "{}", text(&generated));
    let out = converted(&dir.join("nagios.cfg"), "gen");
    let check = Command::new(AMTOOL)
        .arg("check-config")
        .arg(out.join("alertmanager.yml"))
        .output()
        .unwrap();
    assert!(check.status.success(), "amtool check-config: {}", text(&check));
    let (checked, diffs) = fidelity(&dir.join("nagios.cfg"), &out);
    eprintln!(
        "routing fidelity (generated, 20 hosts): {} differences over {checked} services",
        diffs.len()
    );
    assert!(checked > 50, "only {checked} services checked");
    assert!(diffs.is_empty(), "{} of {checked} differ:\n{}", diffs.len(), diffs.join("\n"));
    let _ = fs::remove_dir_all(&dir);
}

/// `POST path` with a JSON body on 127.0.0.1:port; the status line.
fn http_post(port: u16, path: &str, body: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "POST {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok()?;
    reply.lines().next().map(str::to_owned)
}

/// Start the real Alertmanager on `config`, send `alerts` (label sets), and return which of
/// them it reports inhibited, by their `host/service` (or `host` for host alerts).
fn inhibited(config: &Path, scratch: &Path, alerts: &[&[(&str, &str)]]) -> BTreeSet<String> {
    muted(config, scratch, alerts, "inhibitedBy", |_| {})
}

/// Start the real Alertmanager on `config`, run `before` with its port, send `alerts`, and
/// return which of them it reports muted in `status.<by>` (`inhibitedBy`, `silencedBy`).
fn muted(
    config: &Path,
    scratch: &Path,
    alerts: &[&[(&str, &str)]],
    by: &str,
    before: impl FnOnce(u16),
) -> BTreeSet<String> {
    let port = free_port();
    let storage = scratch.join(format!("am-{port}"));
    let _am = Proc::spawn(
        "alertmanager",
        Command::new(ALERTMANAGER)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.path={}", storage.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .arg("--log.level=warn")
            .stdout(std::process::Stdio::null()),
    );
    let ready = wait_for(Duration::from_secs(20), || {
        http_get(port, "/-/ready").is_some_and(|b| b.contains("OK"))
    });
    assert!(ready, "alertmanager did not become ready on {port}");
    before(port);
    let body: Vec<serde_json::Value> = alerts
        .iter()
        .map(|labels| {
            let labels: serde_json::Map<String, serde_json::Value> =
                labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).into())).collect();
            serde_json::json!({ "labels": labels })
        })
        .collect();
    let status = http_post(port, "/api/v2/alerts", &serde_json::to_string(&body).unwrap());
    assert!(status.as_deref().is_some_and(|s| s.contains(" 200")), "POST alerts: {status:?}");
    let name = |a: &serde_json::Value| {
        let l = &a["labels"];
        match l["service"].as_str() {
            Some(s) => format!("{}/{s}", l["host"].as_str().unwrap_or("")),
            None => l["host"].as_str().unwrap_or("").to_owned(),
        }
    };
    let mut out = BTreeSet::new();
    // The inhibitor sees new alerts asynchronously: wait until every alert is listed and
    // the set of inhibited ones is stable.
    let mut last = None;
    let settled = wait_for(Duration::from_secs(20), || {
        let Some(text) = http_get(port, "/api/v2/alerts") else { return false };
        let Ok(listed) = serde_json::from_str::<Vec<serde_json::Value>>(&text) else {
            return false;
        };
        if listed.len() != alerts.len() {
            return false;
        }
        out = listed
            .iter()
            .filter(|a| a["status"][by].as_array().is_some_and(|v| !v.is_empty()))
            .map(name)
            .collect();
        let same = last.as_ref() == Some(&out);
        last = Some(out.clone());
        same
    });
    assert!(settled, "alertmanager never listed the {} alerts", alerts.len());
    out
}

const ALERTMANAGER: &str = "/usr/bin/prometheus-alertmanager";

/// The inhibit rules do in the real Alertmanager what Nagios does: a DOWN parent mutes its
/// children, transitively (an unreachable child's own DOWN alert, muted itself, still mutes
/// its children); a servicedependency mutes the dependent service when the master's state is
/// in its `notification_failure_criteria`, across hosts and within each host of a
/// dependency defined for several hosts, and nothing else.
#[test]
fn alertmanager_inhibitions_mute_what_nagios_suppresses() {
    if !have(Path::new(ALERTMANAGER), "prometheus-alertmanager") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("nag2prom-am-inhibit-src-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    crate::support::copy_tree(&root().join("examples/demo"), &dir.join("nagios"));
    // One dependency over two hosts (each host's HTTP depends on its own Apache Workers),
    // critical only.
    fs::write(
        dir.join("nagios/objects/zz-inhibit-test.cfg"),
        "define servicedependency {\n    host_name web-01,web-02\n    service_description Apache Workers\n    \
         dependent_service_description HTTP\n    notification_failure_criteria c\n}\n\
         define hostdependency {\n    host_name db-01\n    dependent_host_name db-02\n    \
         notification_failure_criteria d,u\n}\n",
    )
    .unwrap();
    let out = converted(&dir.join("nagios/nagios.cfg"), "inhibit");
    let config = out.join("alertmanager.yml");
    let host_down = |h: &'static str| vec![("alertname", "NagiosHostDown"), ("host", h)];
    let service = |h: &'static str, s: &'static str, sev: &'static str| {
        vec![("alertname", "NagiosServiceCritical"), ("host", h), ("service", s), ("severity", sev)]
    };
    // Each scenario in a fresh Alertmanager: the alerts sent, the ones it must mute.
    let expect = |what: &str, alerts: &[Vec<(&str, &str)>], want: &[&str]| {
        let refs: Vec<&[(&str, &str)]> = alerts.iter().map(Vec::as_slice).collect();
        let want: BTreeSet<String> = want.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(inhibited(&config, &dir, &refs), want, "{what}");
    };
    // Topology: fw-01 > lb-01 > web-01.
    expect(
        "topology",
        &[
            host_down("fw-01"),
            host_down("lb-01"),
            service("web-01", "HTTP", "critical"),
            service("fw-01", "SSH", "critical"),
        ],
        &["lb-01", "web-01/HTTP", "fw-01/SSH"],
    );
    // Dependencies: db-01 MySQL (w,u,c) → web-01/web-02 HTTP; Apache Workers (c) → HTTP on
    // the same host.
    expect(
        "cross-host dependency",
        &[
            service("db-01", "MySQL", "warning"),
            service("web-01", "HTTP", "critical"),
            service("web-02", "Apache Workers", "critical"),
            service("web-03", "Apache Workers", "critical"),
            service("db-02", "MySQL", "critical"),
        ],
        &["web-01/HTTP"],
    );
    expect(
        "same-host dependency",
        &[
            service("web-02", "Apache Workers", "critical"),
            service("web-02", "HTTP", "critical"),
            service("web-01", "Apache Workers", "warning"),
            service("web-01", "HTTP", "critical"),
        ],
        &["web-02/HTTP"],
    );
    // Host dependency db-01 → db-02 (d,u): db-01 DOWN mutes db-02's alerts, not nas-01's.
    expect(
        "host dependency",
        &[
            host_down("db-01"),
            service("db-02", "MySQL Replication", "critical"),
            service("nas-01", "RAID Status", "critical"),
        ],
        &["db-02/MySQL Replication"],
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Nagios downtimes become silences in the real Alertmanager: a host downtime mutes every
/// alert of the host, a service downtime that service only, a started flexible downtime its
/// service; a flexible downtime not started yet and one that is over mute nothing. Posting
/// twice creates nothing new.
#[test]
fn downtimes_become_silences_in_alertmanager() {
    if !have(Path::new(ALERTMANAGER), "prometheus-alertmanager") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("nag2prom-am-silences-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
        as i64;
    let (start, end) = (now - 600, now + 3600);
    let status = format!(
        "info {{\n\tcreated={now}\n\t}}\n\
         hostdowntime {{\n\thost_name=web-01\n\tdowntime_id=1\n\tstart_time={start}\n\tend_time={end}\n\tfixed=1\n\tduration=4200\n\tis_in_effect=1\n\tauthor=alice\n\tcomment=kernel\n\t}}\n\
         servicedowntime {{\n\thost_name=db-01\n\tservice_description=MySQL\n\tdowntime_id=2\n\tstart_time={start}\n\tend_time={end}\n\tfixed=1\n\tduration=4200\n\tis_in_effect=1\n\tauthor=bob\n\tcomment=upgrade\n\t}}\n\
         servicedowntime {{\n\thost_name=db-02\n\tservice_description=MySQL\n\tdowntime_id=3\n\tstart_time={start}\n\tend_time={end}\n\tflex_downtime_start=0\n\tfixed=0\n\tduration=600\n\tis_in_effect=0\n\t}}\n\
         servicedowntime {{\n\thost_name=db-03\n\tservice_description=MySQL\n\tdowntime_id=4\n\tstart_time={start}\n\tend_time={end}\n\tflex_downtime_start={start}\n\tfixed=0\n\tduration=7200\n\tis_in_effect=1\n\t}}\n\
         hostdowntime {{\n\thost_name=web-02\n\tdowntime_id=5\n\tstart_time={}\n\tend_time={}\n\tfixed=1\n\t}}\n",
        now - 7200,
        now - 3600
    );
    let status_file = dir.join("status.dat");
    fs::write(&status_file, status).unwrap();
    let config = dir.join("alertmanager.yml");
    fs::write(&config, "route:\n  receiver: nobody\nreceivers:\n- name: nobody\n").unwrap();
    let service = |h: &'static str, s: &'static str| {
        vec![
            ("alertname", "NagiosServiceCritical"),
            ("host", h),
            ("service", s),
            ("severity", "critical"),
        ]
    };
    let alerts = [
        service("web-01", "HTTP"),
        vec![("alertname", "NagiosHostDown"), ("host", "web-01")],
        service("db-01", "MySQL"),
        service("db-01", "Disk"),
        service("db-02", "MySQL"),
        service("db-03", "MySQL"),
        service("web-02", "HTTP"),
    ];
    let refs: Vec<&[(&str, &str)]> = alerts.iter().map(Vec::as_slice).collect();
    let file = status_file.to_str().unwrap().to_owned();
    let got = muted(&config, &dir, &refs, "silencedBy", |port| {
        let url = format!("http://127.0.0.1:{port}");
        let args = ["silences", "--status-file", &file, "--alertmanager", &url, "--format", "json"];
        let first = nag2prom(&args);
        assert_eq!(first.status.code(), Some(0), "{}", text(&first));
        let report: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
        assert_eq!(report["silences"].as_array().unwrap().len(), 3, "{report}");
        assert_eq!(report["skipped"].as_array().unwrap().len(), 2, "{report}");
        let again: serde_json::Value = serde_json::from_slice(&nag2prom(&args).stdout).unwrap();
        assert_eq!(again["silences"].as_array().unwrap().len(), 0, "posted twice: {again}");
        assert_eq!(again["already_posted"], 3, "{again}");
    });
    let want: BTreeSet<String> = ["web-01/HTTP", "web-01", "db-01/MySQL", "db-03/MySQL"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(got, want);
    let _ = fs::remove_dir_all(&dir);
}

/// Alertmanager's activity for the routes of timeperiod `p`: its time interval (always active
/// when it has none) minus the time intervals its routes mute.
fn am_active(
    all: &[nag2prom::emit::alertmanager::PeriodTranslation],
    p: &nag2prom::emit::alertmanager::PeriodTranslation,
    time: i64,
) -> bool {
    let contains = |intervals: &[nag2prom::emit::alertmanager::Interval]| {
        intervals.iter().any(|i| i.contains(time).expect("UTC intervals"))
    };
    if p.intervals.is_empty() {
        return true;
    }
    let muted = p.mutes.iter().any(|m| all.iter().any(|x| &x.name == m && contains(&x.intervals)));
    contains(&p.intervals) && !muted
}

/// Every timeperiod of every corpus installation, at the middle of every minute of 2024 (a
/// leap year): the translation Alertmanager's routes use (time interval and mutes) is active
/// exactly when the project's evaluator of Nagios' semantics (`model::timeperiod`, which
/// reproduces `check_time_against_period`) says the timeperiod is, except for the timeperiods
/// the conversion reports as approximated, which may only be wider (notify rather than miss).
/// Nagios' ranges also hold their last second (`<= end`), which the minute middles skip.
#[test]
fn time_intervals_match_nagios_timeperiods_every_minute_of_a_leap_year() {
    let Some(corpus) = crate::support::corpus() else { return };
    let (configs, sets) = crate::support::corpus_installations(&corpus);
    let mut installations: Vec<Installation> =
        configs.iter().filter_map(|c| Installation::load(c).ok()).collect();
    for set in &sets {
        let mut inst = Installation::default();
        inst.read_object_paths(set);
        installations.push(inst);
    }
    let start = 1_704_067_200_i64; // 2024-01-01 00:00:00 UTC
    let minutes = 366 * 24 * 60;
    let (mut exact, mut approximated, mut widened_minutes) = (0, 0, 0u64);
    let mut complemented = 0;
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    for inst in &installations {
        let (model, _) = Model::build(inst);
        let calendar = nag2prom::model::timeperiod::Calendar::of(&model);
        let translated = nag2prom::emit::alertmanager::timeperiods(&model, None);
        for p in &translated {
            // One timeperiod defined alike in several installations is checked once.
            let key = format!("{}|{:?}|{:?}|{}", p.name, p.intervals, p.mutes, p.approximated);
            if !seen.insert(key) {
                continue;
            }
            let (mut missed, mut wider) = (0u64, 0u64);
            let mut first = None;
            let mut first_miss = None;
            let mut outside_wrong = None;
            complemented += usize::from(p.outside.as_ref().is_some_and(|o| !o.is_empty()));
            for m in 0..minutes {
                let t = start + m * 60 + 30;
                let nagios = calendar.contains(&p.name, t).unwrap_or(false);
                let am = am_active(&translated, p, t);
                // A contact's period muting its routes: the mute holds exactly outside it.
                if let Some(outside) = &p.outside {
                    let muted = outside.iter().any(|i| i.contains(t).expect("UTC intervals"));
                    if muted == nagios {
                        outside_wrong.get_or_insert(t);
                    }
                }
                if nagios != am {
                    first.get_or_insert((t, nagios));
                }
                if nagios && !am {
                    missed += 1;
                    first_miss.get_or_insert(t);
                } else if am && !nagios {
                    wider += 1;
                }
            }
            if p.approximated {
                approximated += 1;
                widened_minutes += wider;
            } else {
                exact += 1;
            }
            if let Some(t) = outside_wrong {
                failures.push(format!(
                    "{}: the time outside it is wrong at {t} (Nagios active: {:?})",
                    p.name,
                    calendar.contains(&p.name, t)
                ));
            }
            if missed > 0 || (!p.approximated && wider > 0) {
                failures.push(format!(
                    "{} ({}): {missed} minutes Nagios notifies and Alertmanager does not (first at {first_miss:?}), {wider} wider; first difference at {first:?} (time, Nagios active)",
                    p.name,
                    if p.approximated { "reported approximated" } else { "claimed exact" }
                ));
            }
        }
    }
    eprintln!(
        "timeperiods: {exact} exact, {approximated} approximated (widened by {widened_minutes} minutes in all over 2024), {complemented} with a time outside for contacts"
    );
    assert!(complemented >= 3, "only {complemented} contact periods complemented");
    assert!(exact + approximated >= 20, "only {} timeperiods checked", exact + approximated);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Host escalations valid for the first notification route a host's alert as Nagios sends
/// it: to the escalation's contacts instead of the host's own (one that never ends, in every
/// state), or to both (one that ends at notification 2: Alertmanager cannot count); and the
/// real amtool routes each host's alert there.
#[test]
fn alertmanager_host_escalations_route_the_first_notification() {
    if !have(Path::new(AMTOOL), "prometheus-alertmanager") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("nag2prom-am-hostesc-src-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let mut objects = String::from(
        "define timeperiod {\n timeperiod_name always\n alias always\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n sunday 00:00-24:00\n}\n\
         define command {\n command_name none\n command_line /usr/lib/nagios/plugins/check_dummy 0\n}\n",
    );
    for c in ["own", "esc1", "esc2"] {
        objects.push_str(&format!(
            "define contact {{\n contact_name {c}\n email {c}@example.org\n host_notification_period always\n service_notification_period always\n host_notification_options d,u,r\n service_notification_options w,u,c,r\n host_notification_commands none\n service_notification_commands none\n}}\n"
        ));
    }
    for (host, last) in [("forever", 0), ("bounded", 2)] {
        objects.push_str(&format!(
            "define host {{\n host_name {host}\n address 127.0.0.1\n check_command none\n max_check_attempts 1\n check_period always\n contacts own\n notification_period always\n}}\n\
             define hostescalation {{\n host_name {host}\n first_notification 1\n last_notification {last}\n notification_interval 10\n contacts esc1,esc2\n}}\n\
             define service {{\n host_name {host}\n service_description Ping\n check_command none\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period always\n notification_period always\n contacts own\n}}\n"
        ));
    }
    fs::write(dir.join("o.cfg"), objects).unwrap();
    fs::write(dir.join("nagios.cfg"), "cfg_file=o.cfg\n").unwrap();
    let out = converted(&dir.join("nagios.cfg"), "hostesc");
    // The host checks are bridged (check_dummy): their alerts are in bridged.yml.
    let hosts: serde_json::Value =
        serde_saphyr::from_str(&fs::read_to_string(out.join("rules/bridged.yml")).unwrap())
            .unwrap();
    let mut contacts: BTreeSet<String> = BTreeSet::new();
    for group in hosts["groups"].as_array().unwrap() {
        for rule in group["rules"].as_array().unwrap() {
            let host_alert = rule["alert"].as_str().is_some_and(|a| a.starts_with("NagiosHost"));
            if let (true, Some(c)) = (host_alert, rule["labels"]["nagios_contacts"].as_str()) {
                contacts.insert(c.to_owned());
            }
        }
    }
    // Never ending, every state: the escalation's contacts alone. Ending at notification 2:
    // the escalation's and the host's own.
    let want: BTreeSet<String> =
        [",esc1,esc2,", ",esc1,esc2,own,"].iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(contacts, want, "{hosts}");
    let am = out.join("alertmanager.yml");
    for (label, receivers) in
        [(",esc1,esc2,", vec!["esc1", "esc2"]), (",esc1,esc2,own,", vec!["esc1", "esc2", "own"])]
    {
        let alert: BTreeMap<String, String> = [
            ("alertname", "NagiosHostDown"),
            ("severity", "critical"),
            ("nagios_contacts", label),
            ("nagios_notification_period", "always"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let got = routes_test(&am, &alert);
        let want: BTreeSet<String> = receivers.iter().map(|r| (*r).to_owned()).collect();
        assert_eq!(got, want, "{label}");
    }
    let report = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report
            .contains("1 services and hosts have escalations valid from their first notification"),
        "{report}"
    );
    let _ = fs::remove_dir_all(&dir);
}
