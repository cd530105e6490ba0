//! `dashboards/nagios-overview.json` and `dashboards/nagios-perfdata.json`: Grafana dashboards
//! of what the bridge exports and the alerts the generated rules raise, as typed values
//! serialised through serde. The overview reads only the default collectors' series
//! (docs/metrics.md), `ALERTS` and the `up` series of the node targets convert writes (their
//! `hostgroups` label selects the hosts of a host group), so it works on any installation
//! without opt-in cardinality; the performance-data dashboard draws the perf data bounds
//! where the bridge exports them (opt-in). Imported through Grafana's HTTP API (the Ansible
//! role's `dashboards` tasks) or by hand (Dashboards → Import).

use serde::Serialize;

/// The dashboard's path in the output directory.
pub const OVERVIEW_PATH: &str = "dashboards/nagios-overview.json";

/// A Grafana dashboard (the fields this one uses).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Stable identity: re-importing replaces the dashboard instead of adding one.
    pub uid: String,
    /// Title.
    pub title: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Grafana's dashboard schema version the model follows.
    pub schema_version: u32,
    /// Times shown in the viewer's time zone.
    pub timezone: String,
    /// Auto-refresh.
    pub refresh: String,
    /// Time range.
    pub time: TimeRange,
    /// Template variables.
    pub templating: Templating,
    /// Panels.
    pub panels: Vec<Panel>,
}

/// `time`.
#[derive(Debug, Clone, Serialize)]
pub struct TimeRange {
    /// Start, e.g. `now-6h`.
    pub from: String,
    /// End.
    pub to: String,
}

/// `templating`.
#[derive(Debug, Clone, Serialize)]
pub struct Templating {
    /// The variables.
    pub list: Vec<serde_json::Value>,
}

/// A panel.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Panel {
    /// Unique within the dashboard.
    pub id: u32,
    /// `stat`, `table`, `timeseries`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Title.
    pub title: String,
    /// What it shows, in the panel's info tooltip.
    pub description: String,
    /// Position on the 24-column grid.
    pub grid_pos: GridPos,
    /// The `datasource` variable.
    pub datasource: Datasource,
    /// Queries.
    pub targets: Vec<Target>,
    /// Units and thresholds.
    pub field_config: serde_json::Value,
}

/// `gridPos`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GridPos {
    /// Column.
    pub x: u32,
    /// Row.
    pub y: u32,
    /// Width (of 24).
    pub w: u32,
    /// Height.
    pub h: u32,
}

/// A data-source reference.
#[derive(Debug, Clone, Serialize)]
pub struct Datasource {
    /// `prometheus`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `${datasource}`: the dashboard's data-source variable.
    pub uid: String,
}

/// A Prometheus query of a panel.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// `A`, `B`, …
    pub ref_id: String,
    /// PromQL (with the `$host` variable).
    pub expr: String,
    /// Legend.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub legend_format: String,
    /// One value now (stat, table) rather than a range.
    pub instant: bool,
    /// `table` for table panels, `time_series` otherwise.
    pub format: String,
}

fn datasource() -> Datasource {
    Datasource { kind: "prometheus".to_owned(), uid: "${datasource}".to_owned() }
}

struct Query<'a> {
    expr: String,
    legend: &'a str,
}

fn panel(
    id: u32,
    kind: &str,
    title: &str,
    description: &str,
    grid_pos: GridPos,
    queries: &[Query<'_>],
    field_config: serde_json::Value,
) -> Panel {
    let instant = kind != "timeseries";
    Panel {
        id,
        kind: kind.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        grid_pos,
        datasource: datasource(),
        targets: queries
            .iter()
            .zip('A'..)
            .map(|(q, r)| Target {
                ref_id: r.to_string(),
                expr: q.expr.clone(),
                legend_format: q.legend.to_owned(),
                instant,
                format: if kind == "table" { "table" } else { "time_series" }.to_owned(),
            })
            .collect(),
        field_config,
    }
}

/// Stat thresholds: green below `red_from`, red from it.
fn red_from(red_from: f64, unit: &str) -> serde_json::Value {
    serde_json::json!({
        "defaults": {
            "unit": unit,
            "thresholds": {"mode": "absolute", "steps": [
                {"color": "green", "value": null},
                {"color": "red", "value": red_from}
            ]}
        },
        "overrides": []
    })
}

/// The groups the dashboard's selectors offer, from the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    /// Host groups with members, sorted.
    pub hostgroups: Vec<String>,
    /// Contact groups the generated alerts name (`nagios_contact_groups`), sorted.
    pub contact_groups: Vec<String>,
}

impl Groups {
    /// The host groups of the translated hosts and the contact groups of the generated alerts.
    pub fn of(tr: &crate::translate::Translation<'_>) -> Groups {
        use std::collections::BTreeSet;
        let split = |list: &str| -> Vec<String> {
            list.split(',').filter(|g| !g.is_empty()).map(str::to_owned).collect()
        };
        let hostgroups: BTreeSet<String> =
            tr.hosts.values().flat_map(|h| split(&h.hostgroups)).collect();
        let levels = tr
            .groups
            .iter()
            .map(|g| &g.level)
            .chain(tr.bridged.iter().map(|b| &b.level))
            .chain(tr.host_groups.iter().map(|h| &h.level))
            .chain(tr.host_levels.iter().map(|h| &h.level));
        let contact_groups: BTreeSet<String> =
            levels.flat_map(|l| split(&l.contact_groups)).collect();
        Groups {
            hostgroups: hostgroups.into_iter().collect(),
            contact_groups: contact_groups.into_iter().collect(),
        }
    }
}

/// The hosts of the selected host groups: every host has a `node` target labelled with its
/// groups as `,a,b,` (a host in none has no `hostgroups` label; All, `.*`, keeps it).
pub const HOSTGROUP_HOSTS: &str =
    "up{job=\"node\", hostgroups=~\"(|.*,)(${hostgroup:regex})(,.*|)\"}";

/// The alerts routed to the selected contact groups (`nagios_contact_groups` is `,a,b,`).
const CONTACT_GROUP_MATCH: &str = "nagios_contact_groups=~\"(|.*,)(${contactgroup:regex})(,.*|)\"";

/// A Grafana `custom` variable offering `values`, several at once, All matching every value
/// and none (`.*`).
fn custom_variable(
    name: &str,
    label: &str,
    description: &str,
    values: &[String],
) -> serde_json::Value {
    // Grafana splits a custom variable's query at unescaped commas and reads `a : b` as text
    // `a`, value `b`; the options are given as well, so they are what is offered.
    let query: Vec<String> =
        values.iter().map(|v| v.replace('\\', "\\\\").replace(',', "\\,")).collect();
    let mut options = vec![serde_json::json!({"text": "All", "value": "$__all", "selected": true})];
    options.extend(
        values.iter().map(|v| serde_json::json!({"text": v, "value": v, "selected": false})),
    );
    serde_json::json!({
        "name": name, "label": label, "type": "custom", "description": description,
        "query": query.join(","),
        "options": options,
        "current": {"text": ["All"], "value": ["$__all"]},
        "multi": true, "includeAll": true, "allValue": ".*"
    })
}

/// The overview dashboard, its selectors offering `groups`.
pub fn overview(groups: &Groups) -> Dashboard {
    let g = |x, y, w, h| GridPos { x, y, w, h };
    let q = |expr: &str, legend| Query { expr: expr.to_owned(), legend };
    // How many of the selected hosts' hosts or services are in a HARD state.
    let hard = |metric: &str, state: u8| {
        format!("count(({metric}{{host=~\"$host\"}} == {state}) and on(host) {HOSTGROUP_HOSTS})")
    };
    let stat_state = |id, x, title: &str, expr: String, what: &str| {
        panel(
            id,
            "stat",
            title,
            &format!("{what} (last HARD state, what Nagios notifies on), of the selected hosts."),
            g(x, 0, 4, 4),
            &[q(&format!("{expr} or vector(0)"), "")],
            red_from(1.0, "none"),
        )
    };
    let panels = vec![
        panel(
            1,
            "stat",
            "Nagios up",
            "nagios_up: 1 while the bridge serves a status.dat younger than --status.max-age.",
            g(0, 0, 4, 4),
            &[q("min(nagios_up)", "")],
            serde_json::json!({
                "defaults": {"unit": "none", "thresholds": {"mode": "absolute", "steps": [
                    {"color": "red", "value": null}, {"color": "green", "value": 1}
                ]}},
                "overrides": []
            }),
        ),
        panel(
            2,
            "stat",
            "Status age",
            "Seconds since Nagios last wrote status.dat (NagiosStatusStale fires past its limit).",
            g(4, 0, 4, 4),
            &[q("max(time() - nagios_status_update_timestamp_seconds)", "")],
            red_from(300.0, "s"),
        ),
        stat_state(3, 8, "Hosts DOWN", hard("nagios_host_hard_state", 1), "Hosts DOWN"),
        stat_state(
            4,
            12,
            "Services CRITICAL",
            hard("nagios_service_hard_state", 2),
            "Services CRITICAL",
        ),
        stat_state(
            5,
            16,
            "Services WARNING",
            hard("nagios_service_hard_state", 1),
            "Services WARNING",
        ),
        stat_state(
            6,
            20,
            "Services UNKNOWN",
            hard("nagios_service_hard_state", 3),
            "Services UNKNOWN",
        ),
        panel(
            7,
            "table",
            "Problems",
            "Services whose last HARD state is not OK (1 WARNING, 2 CRITICAL, 3 UNKNOWN), not \
             acknowledged and not in a scheduled downtime: what someone must look at.",
            g(0, 4, 12, 10),
            &[q(
                &format!(
                    "(nagios_service_hard_state{{host=~\"$host\"}} > 0 unless on (host, service) \
                     (nagios_service_acknowledged == 1 or nagios_service_scheduled_downtime_depth > 0)) \
                     and on(host) {HOSTGROUP_HOSTS}"
                ),
                "",
            )],
            serde_json::json!({"defaults": {"unit": "none"}, "overrides": []}),
        ),
        panel(
            8,
            "timeseries",
            "Firing alerts by severity",
            "The generated rules' alerts (native and bridged) that are firing, by severity label, \
             of the selected hosts and contact groups (the alerts' nagios_contact_groups).",
            g(12, 4, 12, 10),
            &[q(
                &format!(
                    "count by (severity) (ALERTS{{alertstate=\"firing\", host=~\"$host\", \
                     {CONTACT_GROUP_MATCH}}})"
                ),
                "{{severity}}",
            )],
            serde_json::json!({"defaults": {"unit": "none"}, "overrides": []}),
        ),
        panel(
            9,
            "timeseries",
            "Services by HARD state",
            "How many of the selected hosts' services are in each HARD state over time.",
            g(0, 14, 12, 8),
            &[
                q(&hard("nagios_service_hard_state", 1), "WARNING"),
                q(&hard("nagios_service_hard_state", 2), "CRITICAL"),
                q(&hard("nagios_service_hard_state", 3), "UNKNOWN"),
            ],
            serde_json::json!({"defaults": {"unit": "none"}, "overrides": []}),
        ),
        panel(
            10,
            "timeseries",
            "Scrape targets down",
            "Exporters, probes and the bridge Prometheus cannot scrape, by job: the native rules \
             of their services are blind (NagiosExporterDown).",
            g(12, 14, 12, 8),
            &[q("count by (job) (up == 0)", "{{job}}")],
            serde_json::json!({"defaults": {"unit": "none"}, "overrides": []}),
        ),
        panel(
            11,
            "timeseries",
            "Migration: native and bridged services",
            "Services whose checks Prometheus runs itself (the hosts of the native rule groups, \
             nagios:check:member) and services still bridged to Nagios' state \
             (nagios:service_hard_state:bridged): Nagios can be switched off once the bridged \
             line is at zero (docs/migration.md).",
            g(0, 22, 12, 8),
            &[
                q("count(nagios:check:member) or vector(0)", "native"),
                q("count(nagios:service_hard_state:bridged) or vector(0)", "bridged"),
            ],
            serde_json::json!({"defaults": {"unit": "none"}, "overrides": []}),
        ),
        panel(
            12,
            "timeseries",
            "Parity: where Prometheus and Nagios disagree",
            "Services and hosts on which the generated alerts disagree with Nagios' HARD state \
             (rules/parity.yml, what `nag2prom parity` lists): missed (Nagios alerts, \
             Prometheus does not), extra (the reverse), severity (warning against critical). \
             Each line is split by reason, the first that applies: acknowledged, downtime, \
             pending (the rule's for: still running), no-data (only a no-data companion fires), \
             timing (a check apart), thresholds (the rule and the plugin disagree on the same \
             data), host-check.",
            g(12, 22, 12, 8),
            &[q(
                &format!(
                    "sum by (object, kind, reason) ({}) > 0",
                    super::parity_rules::PARITY_RECORD
                ),
                "{{object}} {{kind}}: {{reason}}",
            )],
            serde_json::json!({"defaults": {"unit": "none"}, "overrides": []}),
        ),
    ];
    dashboard(
        "nag2prom-overview",
        "Nagios overview (nag2prom)",
        vec![
            datasource_variable(),
            hostgroup_variable(groups),
            custom_variable(
                "contactgroup",
                "Contact group",
                "Nagios contact groups: the alerts panel shows the alerts routed to them.",
                &groups.contact_groups,
            ),
            host_variable(),
        ],
        panels,
    )
}

/// A dashboard of nag2prom's: tagged, the last six hours, refreshed every minute.
fn dashboard(
    uid: &str,
    title: &str,
    variables: Vec<serde_json::Value>,
    panels: Vec<Panel>,
) -> Dashboard {
    Dashboard {
        uid: uid.to_owned(),
        title: title.to_owned(),
        tags: vec!["nagios".to_owned(), "nag2prom".to_owned()],
        schema_version: 39,
        timezone: "browser".to_owned(),
        refresh: "1m".to_owned(),
        time: TimeRange { from: "now-6h".to_owned(), to: "now".to_owned() },
        templating: Templating { list: variables },
        panels,
    }
}

/// The `datasource` variable: any Prometheus data source.
fn datasource_variable() -> serde_json::Value {
    serde_json::json!({
        "name": "datasource", "label": "Data source", "type": "datasource",
        "query": "prometheus"
    })
}

/// The `hostgroup` variable: the configuration's host groups.
fn hostgroup_variable(groups: &Groups) -> serde_json::Value {
    custom_variable(
        "hostgroup",
        "Host group",
        "Nagios host groups: the panels show their hosts' states.",
        &groups.hostgroups,
    )
}

/// The `host` variable: the selected host groups' hosts.
fn host_variable() -> serde_json::Value {
    let host = format!("label_values({HOSTGROUP_HOSTS}, host)");
    serde_json::json!({
        "name": "host", "label": "Host", "type": "query",
        "datasource": datasource(),
        "definition": &host,
        "query": {"query": &host, "refId": "host"},
        "refresh": 2, "multi": true, "includeAll": true, "allValue": ".*",
        "sort": 1
    })
}

/// The performance-data dashboard's path in the output directory.
pub const PERFDATA_PATH: &str = "dashboards/nagios-perfdata.json";

/// The perf data value families of the bridge (docs/metrics.md): title, value family,
/// threshold family, the extra matcher both take, Grafana unit.
const PERFDATA_FAMILIES: [(&str, &str, &str, &str, &str); 4] = [
    ("Times", "nagios_perfdata_seconds", "nagios_perfdata_threshold_seconds", "", "s"),
    ("Sizes", "nagios_perfdata_bytes", "nagios_perfdata_threshold_bytes", "", "bytes"),
    ("Percentages", "nagios_perfdata_ratio", "nagios_perfdata_threshold_ratio", "", "percentunit"),
    ("Other values", "nagios_perfdata", "nagios_perfdata_threshold", ", uom!=\"c\"", "none"),
];

/// A timeseries panel's field config that draws the second query's series (the thresholds)
/// dashed.
fn dashed_thresholds(unit: &str) -> serde_json::Value {
    serde_json::json!({
        "defaults": {"unit": unit},
        "overrides": [{
            "matcher": {"id": "byFrameRefID", "options": "B"},
            "properties": [
                {"id": "custom.lineStyle", "value": {"fill": "dash", "dash": [10, 10]}},
                {"id": "custom.lineWidth", "value": 1}
            ]
        }]
    })
}

/// The performance-data dashboard: the selected services' perf data values, one panel per
/// unit family, each with its warning and critical bounds drawn dashed beside the values.
/// The values are exported by default; the bounds need the bridge's
/// `--collector.perfdata_thresholds` (one series per finite bound: opt-in cardinality).
pub fn perfdata(groups: &Groups) -> Dashboard {
    let selector = "host=~\"$host\", service=~\"$service\"";
    let mut panels = Vec::new();
    for (i, (title, value, threshold, extra, unit)) in PERFDATA_FAMILIES.iter().enumerate() {
        let id = u32::try_from(i).unwrap_or(0) + 1;
        let row = id - 1;
        panels.push(panel(
            id,
            "timeseries",
            title,
            &format!(
                "{value} of the selected services, by perf data label; dashed: {threshold}, \
                 the warning and critical bounds (needs the bridge's \
                 --collector.perfdata_thresholds)."
            ),
            GridPos { x: 0, y: row * 9, w: 24, h: 9 },
            &[
                Query {
                    expr: format!("{value}{{{selector}{extra}}} and on(host) {HOSTGROUP_HOSTS}"),
                    legend: "{{host}} {{service}} {{label}}",
                },
                Query {
                    expr: format!(
                        "{threshold}{{{selector}{extra}}} and on(host) {HOSTGROUP_HOSTS}"
                    ),
                    legend: "{{host}} {{service}} {{label}} {{level}} {{bound}}",
                },
            ],
            dashed_thresholds(unit),
        ));
    }
    let counters = u32::try_from(PERFDATA_FAMILIES.len()).unwrap_or(0) + 1;
    panels.push(panel(
        counters,
        "timeseries",
        "Counters (per second)",
        "nagios_perfdata_total (perf data in `c` units) of the selected services as a rate. \
         Their thresholds bound the counter itself, not its rate, so none are drawn.",
        GridPos { x: 0, y: (counters - 1) * 9, w: 24, h: 9 },
        &[Query {
            expr: format!(
                "rate(nagios_perfdata_total{{{selector}}}[5m]) and on(host) {HOSTGROUP_HOSTS}"
            ),
            legend: "{{host}} {{service}} {{label}}",
        }],
        serde_json::json!({"defaults": {"unit": "cps"}, "overrides": []}),
    ));
    let services = "label_values({__name__=~\"nagios_perfdata(_seconds|_bytes|_ratio|_total)?\", \
                    host=~\"$host\"}, service)";
    dashboard(
        "nag2prom-perfdata",
        "Nagios performance data (nag2prom)",
        vec![
            datasource_variable(),
            hostgroup_variable(groups),
            host_variable(),
            serde_json::json!({
                "name": "service", "label": "Service", "type": "query",
                "description": "The selected hosts' services that report perf data.",
                "datasource": datasource(),
                "definition": services,
                "query": {"query": services, "refId": "service"},
                "refresh": 2, "multi": true, "includeAll": true, "allValue": ".*",
                "sort": 1
            }),
        ],
        panels,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query with its variables filled in as Grafana does: `$host` and the groups' regex
    /// form with `groups` (`.*` for All).
    fn fill(expr: &str, groups: &str) -> String {
        expr.replace("$host", ".*")
            .replace("$service", ".*")
            .replace("${hostgroup:regex}", groups)
            .replace("${contactgroup:regex}", groups)
    }

    /// The group filter matches a `,a,b,` label holding a selected group, exactly; All (`.*`)
    /// matches every value and a host in no group (no label: the empty value).
    #[test]
    fn group_filter_matches_whole_groups() {
        let pattern = HOSTGROUP_HOSTS.split("hostgroups=~\"").nth(1).unwrap();
        let pattern = pattern.split('"').next().unwrap();
        let matches = |selected: &str, value: &str| {
            let re = regex::Regex::new(&format!(
                "^(?:{})$",
                pattern.replace("${hostgroup:regex}", selected)
            ))
            .unwrap();
            re.is_match(value)
        };
        for value in [",db,", ",web,db,", ",db,web,"] {
            assert!(matches("db", value), "{value}");
            assert!(matches("(db|web)", value), "{value}");
        }
        for value in [",mydb,", ",db2,", ",web,", ""] {
            assert!(!matches("db", value), "{value}");
        }
        for value in [",db,", ",x,", ""] {
            assert!(matches(".*", value), "All: {value}");
        }
        assert!(CONTACT_GROUP_MATCH.contains("(|.*,)(${contactgroup:regex})(,.*|)"));
    }

    /// The selectors offer the configuration's groups, All first and selected.
    #[test]
    fn variables_offer_the_configurations_groups() {
        let d = overview(&Groups {
            hostgroups: vec!["db".to_owned(), "a,b".to_owned()],
            contact_groups: vec!["admins".to_owned()],
        });
        let var =
            |name: &str| d.templating.list.iter().find(|v| v["name"] == name).unwrap().clone();
        let hg = var("hostgroup");
        assert_eq!(hg["type"], "custom");
        assert_eq!(hg["query"], "db,a\\,b", "commas escaped in the custom list");
        let options: Vec<&str> = hg["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["value"].as_str().unwrap())
            .collect();
        assert_eq!(options, ["$__all", "db", "a,b"]);
        assert_eq!(hg["allValue"], ".*");
        assert_eq!(var("contactgroup")["options"][1]["value"], "admins");
        // The host selector lists the selected groups' hosts.
        assert!(var("host")["definition"].as_str().unwrap().contains("${hostgroup:regex}"));
    }

    /// Every panel query parses as PromQL once the `$host` variable is filled in, and panel
    /// ids and positions do not collide.
    #[test]
    fn queries_parse_and_panels_do_not_overlap() {
        let groups = Groups {
            hostgroups: vec!["db".to_owned(), "web servers".to_owned()],
            contact_groups: vec!["admins".to_owned()],
        };
        for d in [overview(&groups), perfdata(&groups)] {
            check_panels(&d);
        }
    }

    /// The performance-data dashboard: a panel per value family with its threshold family
    /// (metric names as docs/metrics.md lists them), the service selector over every family.
    #[test]
    fn perfdata_panels_pair_values_with_their_thresholds() {
        let d = perfdata(&Groups::default());
        assert_eq!(d.panels.len(), 5);
        for p in &d.panels[..4] {
            let value = &p.targets[0].expr;
            let threshold = &p.targets[1].expr;
            let family = value.split('{').next().unwrap();
            assert_eq!(
                threshold.split('{').next().unwrap(),
                family.replacen("nagios_perfdata", "nagios_perfdata_threshold", 1),
                "{}",
                p.title
            );
            assert_eq!(p.field_config["overrides"][0]["matcher"]["options"], "B");
        }
        assert!(d.panels[4].targets[0].expr.starts_with("rate(nagios_perfdata_total{"));
        let service = d.templating.list.iter().find(|v| v["name"] == "service").unwrap();
        assert!(service["definition"].as_str().unwrap().contains("_total)?"));
    }

    fn check_panels(d: &Dashboard) {
        let mut ids = std::collections::BTreeSet::new();
        for p in &d.panels {
            assert!(ids.insert(p.id), "panel id {} twice", p.id);
            assert!(p.grid_pos.x + p.grid_pos.w <= 24, "{} is wider than the grid", p.title);
            for t in &p.targets {
                for groups in [".*", "(db|web servers)"] {
                    let expr = fill(&t.expr, groups);
                    assert!(promql_parser::parser::parse(&expr).is_ok(), "{}: {expr}", p.title);
                }
            }
        }
        for (i, a) in d.panels.iter().enumerate() {
            for b in &d.panels[i + 1..] {
                let (a, b) = (a.grid_pos, b.grid_pos);
                let apart =
                    a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(apart, "panels overlap: {a:?} {b:?}");
            }
        }
    }
}
