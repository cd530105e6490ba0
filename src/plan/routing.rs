//! An `alertmanager.yml` as comparable items: what `diff` compares of routing. Each receiver,
//! route, inhibit rule and time interval is one item with a readable identity key and a JSON
//! value; `global` is one more. Routes are flattened (each keyed by its receiver and
//! matchers, the path of parents left out so that moving a route is a change, not a removal
//! and an addition). A `host=~"a|b|…"` matcher of an inhibit rule (the hosts of a
//! dependency, or a parent's children) is not part of the key: its hosts become a set in the
//! value (`source_hosts` / `target_hosts`), so one host more is one changed field, not a new
//! rule.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::expr::{split_alternatives, unquote};

/// The items of an Alertmanager configuration (as JSON, e.g. read from YAML).
pub fn items(config: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if let Some(global) = config.get("global") {
        out.insert("global".to_owned(), global.clone());
    }
    for r in config.get("receivers").and_then(Value::as_array).into_iter().flatten() {
        let name = r.get("name").and_then(Value::as_str).unwrap_or("");
        out.insert(format!("receiver {name}"), r.clone());
    }
    if let Some(route) = config.get("route") {
        flatten_route(route, true, &mut out);
    }
    for rule in config.get("inhibit_rules").and_then(Value::as_array).into_iter().flatten() {
        let (key, value) = inhibit_item(rule);
        out.insert(key, value);
    }
    for t in config.get("time_intervals").and_then(Value::as_array).into_iter().flatten() {
        let name = t.get("name").and_then(Value::as_str).unwrap_or("");
        out.insert(format!("time_interval {name}"), t.clone());
    }
    out
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect()
}

fn flatten_route(route: &Value, top: bool, out: &mut BTreeMap<String, Value>) {
    let receiver = route.get("receiver").and_then(Value::as_str).unwrap_or("");
    let key = if top {
        "route (top)".to_owned()
    } else {
        format!("route {receiver} {}", strings(route.get("matchers")).join(", "))
    };
    let mut value = route.clone();
    if let Some(map) = value.as_object_mut() {
        map.remove("routes");
    }
    // Two routes alike in receiver and matchers: the later ones numbered.
    let mut unique = key.clone();
    let mut n = 2;
    while out.contains_key(&unique) {
        unique = format!("{key} #{n}");
        n += 1;
    }
    out.insert(unique, value);
    for child in route.get("routes").and_then(Value::as_array).into_iter().flatten() {
        flatten_route(child, false, out);
    }
}

/// The hosts of a `host=~"…"` matcher, or `None` for any other matcher.
fn host_list(matcher: &str) -> Option<Vec<String>> {
    let body = matcher.strip_prefix("host=~\"")?.strip_suffix('"')?;
    Some(split_alternatives(&unquote(body)))
}

fn inhibit_item(rule: &Value) -> (String, Value) {
    let mut key = String::from("inhibit");
    let mut value = Map::new();
    for (side, hosts_key) in
        [("source_matchers", "source_hosts"), ("target_matchers", "target_hosts")]
    {
        let mut kept = Vec::new();
        let mut hosts = Map::new();
        for m in strings(rule.get(side)) {
            match host_list(m) {
                Some(list) => {
                    kept.push("host=~(listed)".to_owned());
                    hosts.extend(list.into_iter().map(|h| (h, Value::Bool(true))));
                }
                None => kept.push(m.to_owned()),
            }
        }
        key.push_str(if side == "source_matchers" { " " } else { " → " });
        key.push_str(&kept.join(", "));
        value.insert(side.to_owned(), kept.into_iter().map(Value::String).collect());
        if !hosts.is_empty() {
            value.insert(hosts_key.to_owned(), Value::Object(hosts));
        }
    }
    let equal = strings(rule.get("equal"));
    if !equal.is_empty() {
        key.push_str(&format!(" (equal {})", equal.join(", ")));
        value.insert("equal".to_owned(), equal.into_iter().map(Value::from).collect());
    }
    (key, Value::Object(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_of_a_config() {
        let config = serde_json::json!({
            "global": {"smtp_from": "n@localhost"},
            "route": {"receiver": "null", "routes": [
                {"receiver": "alice", "matchers": ["a=\"1\""], "continue": true},
                {"receiver": "alice", "matchers": ["a=\"1\""]}
            ]},
            "receivers": [{"name": "null"}, {"name": "alice"}],
            "inhibit_rules": [{
                "source_matchers": ["host=~\"db\\\\.01|db-02\"", "service=\"MySQL\""],
                "target_matchers": ["service=\"HTTP\""],
                "equal": ["host"]
            }],
            "time_intervals": [{"name": "workhours", "time_intervals": []}]
        });
        let items = items(&config);
        let keys: Vec<&str> = items.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "global",
                "inhibit host=~(listed), service=\"MySQL\" → service=\"HTTP\" (equal host)",
                "receiver alice",
                "receiver null",
                "route (top)",
                "route alice a=\"1\"",
                "route alice a=\"1\" #2",
                "time_interval workhours",
            ]
        );
        let inhibit = &items[keys[1]];
        assert_eq!(inhibit["source_hosts"], serde_json::json!({"db.01": true, "db-02": true}));
        assert!(items["route (top)"].get("routes").is_none());
    }
}
