//! Windows performance counters as windows_exporter's `performancecounter` collector reads
//! them: the counters check_nt `-v COUNTER` asks the NSClient agent for, each one a gauge of
//! the generated `windows_exporter.yml`.
//!
//! A counter path is `\Object\Counter` or `\Object(Instance)\Counter`, as PDH writes it.
//! PDH matches object, instance and counter names without regard to case, so a counter's
//! identity here is case-folded: two spellings of one counter are one series.

use crate::translate::fnv64;

/// The label windows_exporter puts an instance name in (its default, `instance`, would clash
/// with Prometheus' own target label).
pub const INSTANCE_LABEL: &str = "counter_instance";

/// One performance counter the rules read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Counter {
    /// The performance object (`MSExchangeIS`, `Processor`).
    pub object: String,
    /// The instance (`_Total`), for multi-instance objects.
    pub instance: Option<String>,
    /// The counter's name (`User Count`, `% Processor Time`).
    pub counter: String,
}

/// Why a counter path is not one this translation can collect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// Not `\Object[(Instance)]\Counter`.
    #[error(
        "`{0}` is not a counter path of the form \\Object\\Counter or \\Object(Instance)\\Counter"
    )]
    Shape(String),
    /// `\\MACHINE\…`: a counter of another computer.
    #[error("`{0}` names another computer's counter (\\\\MACHINE\\…)")]
    Remote(String),
    /// A wildcard, which the agent expands to several values.
    #[error(
        "`{0}` holds a wildcard (`*`): the agent expands it, windows_exporter would list every match"
    )]
    Wildcard(String),
}

impl Counter {
    /// Read a counter path as PDH writes it.
    pub fn parse(path: &str) -> Result<Counter, PathError> {
        let shape = || PathError::Shape(path.to_owned());
        // `\\MACHINE\Object\Counter`; `\\X\Y` is no path at all (the agent answers ERROR).
        if let Some(remote) = path.strip_prefix("\\\\") {
            if remote.matches('\\').count() >= 2 {
                return Err(PathError::Remote(path.to_owned()));
            }
            return Err(shape());
        }
        if path.contains('*') {
            return Err(PathError::Wildcard(path.to_owned()));
        }
        let rest = path.strip_prefix('\\').ok_or_else(shape)?;
        // The counter is after the last backslash; instance names may hold parentheses
        // (`Intel(R) Ethernet`), so the instance runs from the first `(` to the last `)`.
        let (head, counter) = rest.rsplit_once('\\').ok_or_else(shape)?;
        let (object, instance) = match head.split_once('(') {
            Some((object, tail)) => {
                let instance = tail.strip_suffix(')').ok_or_else(shape)?;
                (object, Some(instance))
            }
            None => (head, None),
        };
        let plain = |s: &str| !s.trim().is_empty() && !s.contains('\\') && s.trim() == s;
        if !plain(object) || !plain(counter) || instance.is_some_and(|i| !plain(i)) {
            return Err(shape());
        }
        Ok(Counter {
            object: object.to_owned(),
            instance: instance.map(str::to_owned),
            counter: counter.to_owned(),
        })
    }

    /// The path, as PDH writes it.
    pub fn path(&self) -> String {
        match &self.instance {
            Some(i) => format!("\\{}({i})\\{}", self.object, self.counter),
            None => format!("\\{}\\{}", self.object, self.counter),
        }
    }

    /// The series name the generated configuration gives this counter: windows_exporter's
    /// own sanitising of object and counter under `windows_nagios_`, and a hash of the
    /// case-folded names, so that two counters whose sanitised names meet (`Bytes/sec`,
    /// `Bytes sec`) stay apart, and a counter read with an instance and without one (two
    /// label sets) are two series names. Every instance of one counter shares the name.
    pub fn metric(&self) -> String {
        let key = format!(
            "{}\\{}{}",
            self.object.to_lowercase(),
            self.counter.to_lowercase(),
            if self.instance.is_some() { "(*)" } else { "" }
        );
        format!(
            "windows_nagios_{}_{}_{:08x}",
            sanitize(&self.object),
            sanitize(&self.counter),
            fnv64(&key) as u32
        )
    }

    /// The object entry this counter belongs to: its case-folded object name, and whether it
    /// is read by instance.
    fn group_key(&self) -> (String, bool) {
        (self.object.to_lowercase(), self.instance.is_some())
    }
}

/// windows_exporter's `sanitizeMetricName`: `%` as `percent`, parentheses dropped, anything
/// else outside `[a-zA-Z0-9]` an underscore, lower case, underscores trimmed at the ends.
fn sanitize(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        match c {
            '%' => out.push_str("percent"),
            '(' | ')' => {}
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ => out.push('_'),
        }
    }
    out.trim_matches('_').to_owned()
}

/// One object of the collector's `objects` list (windows_exporter 0.30+, `types.go`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Object {
    /// A free-text name, unique in the list (the `collector` label of
    /// `windows_performancecounter_collector_success`).
    pub name: String,
    /// The performance object.
    pub object: String,
    /// `formatted`: the value as PDH formats it for display, which is what the NSClient
    /// agent answers check_nt with (a rate for `/sec` counters, a percentage for `%` ones).
    #[serde(rename = "type")]
    pub kind: String,
    /// The instances to read (absent for single-instance objects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instances: Option<Vec<String>>,
    /// The label holding the instance name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_label: Option<String>,
    /// The counters read.
    pub counters: Vec<ObjectCounter>,
}

/// One counter of an [`Object`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectCounter {
    /// The counter's name.
    pub name: String,
    /// The series name ([`Counter::metric`]).
    pub metric: String,
    /// `gauge`: a formatted value is a reading, not a count.
    #[serde(rename = "type")]
    pub kind: String,
}

/// The collector's objects for `counters`: one object per performance object (and one more
/// when it is read both with and without instances), its instances and counters each listed
/// once, in case-folded name order.
pub fn objects<'a>(counters: impl IntoIterator<Item = &'a Counter>) -> Vec<Object> {
    use std::collections::BTreeMap;
    type Entry<'a> = (&'a Counter, BTreeMap<String, &'a str>, BTreeMap<String, &'a Counter>);
    let mut groups: BTreeMap<(String, bool), Entry<'a>> = BTreeMap::new();
    for c in counters {
        let entry =
            groups.entry(c.group_key()).or_insert_with(|| (c, BTreeMap::new(), BTreeMap::new()));
        if let Some(i) = &c.instance {
            entry.1.entry(i.to_lowercase()).or_insert(i);
        }
        entry.2.entry(c.counter.to_lowercase()).or_insert(c);
    }
    groups
        .into_values()
        .map(|(first, instances, counters)| {
            let instanced = first.instance.is_some();
            Object {
                name: if instanced {
                    format!("{} (instances)", first.object)
                } else {
                    first.object.clone()
                },
                object: first.object.clone(),
                kind: "formatted".to_owned(),
                instances: instanced.then(|| instances.into_values().map(str::to_owned).collect()),
                instance_label: instanced.then(|| INSTANCE_LABEL.to_owned()),
                counters: counters
                    .into_values()
                    .map(|c| ObjectCounter {
                        name: c.counter.clone(),
                        metric: c.metric(),
                        kind: "gauge".to_owned(),
                    })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_as_pdh_writes_them() {
        let c = Counter::parse("\\MSExchangeIS\\User Count").unwrap();
        assert_eq!((c.object.as_str(), c.instance.as_deref()), ("MSExchangeIS", None));
        assert_eq!(c.counter, "User Count");
        let c =
            Counter::parse("\\MSExchange Content Filter Agent(_Total)\\Messages Deleted").unwrap();
        assert_eq!(c.instance.as_deref(), Some("_Total"));
        assert_eq!(c.path(), "\\MSExchange Content Filter Agent(_Total)\\Messages Deleted");
        // Instances may hold parentheses; counters may hold `%`, `/` and dots.
        let c = Counter::parse("\\Network Interface(Intel(R) PRO_1000)\\Bytes Total/sec").unwrap();
        assert_eq!(c.instance.as_deref(), Some("Intel(R) PRO_1000"));
        assert_eq!(c.counter, "Bytes Total/sec");
        let c = Counter::parse("\\Processor(_Total)\\% Processor Time").unwrap();
        assert_eq!(c.counter, "% Processor Time");
        for bad in
            ["Memory\\Pages/sec", "\\Memory", "\\Memory\\", "\\(x)\\y", "\\a(b\\c", "\\ a\\b"]
        {
            assert!(matches!(Counter::parse(bad), Err(PathError::Shape(_))), "{bad}");
        }
        assert!(matches!(Counter::parse("\\\\srv\\Memory\\Pages/sec"), Err(PathError::Remote(_))));
        // okconfig's `"\\\MSExchangeIS(_Total)\\Exchmem: …"`: the shell leaves two backslashes.
        assert!(matches!(
            Counter::parse("\\\\MSExchangeIS(_Total)\\Exchmem: Current Bytes Allocated"),
            Err(PathError::Shape(_))
        ));
        assert!(matches!(
            Counter::parse("\\Processor(*)\\% Processor Time"),
            Err(PathError::Wildcard(_))
        ));
    }

    #[test]
    fn metric_names_follow_the_exporter_and_never_meet() {
        let user = Counter::parse("\\MSExchangeIS\\User Count").unwrap();
        let m = user.metric();
        assert!(m.starts_with("windows_nagios_msexchangeis_user_count_"), "{m}");
        // Case does not matter to PDH, so not to the name either.
        assert_eq!(Counter::parse("\\msexchangeis\\USER COUNT").unwrap().metric(), m);
        assert_eq!(sanitize("% Processor Time"), "percent_processor_time");
        assert_eq!(sanitize("Avg. Disk sec/Read"), "avg__disk_sec_read");
        // Sanitised alike, still apart; with and without an instance, apart.
        let a = Counter::parse("\\Net\\Bytes/sec").unwrap().metric();
        let b = Counter::parse("\\Net\\Bytes sec").unwrap().metric();
        assert_ne!(a, b);
        let total = Counter::parse("\\Net(_Total)\\Bytes/sec").unwrap();
        assert_ne!(total.metric(), a);
        // Every instance of one counter is one series name.
        assert_eq!(Counter::parse("\\Net(eth0)\\Bytes/sec").unwrap().metric(), total.metric());
        // A valid Prometheus metric name.
        assert!(m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    }

    #[test]
    fn objects_list_each_counter_and_instance_once() {
        let cs: Vec<Counter> = [
            "\\MSExchangeIS\\User Count",
            "\\MSExchangeIS\\Active User Count",
            "\\msexchangeis\\user count",
            "\\Agent(_Total)\\Messages Deleted",
            "\\Agent(_TOTAL)\\Messages Deleted",
            "\\Agent(edge)\\Messages Rejected",
            "\\Agent\\Uptime",
        ]
        .iter()
        .map(|p| Counter::parse(p).unwrap())
        .collect();
        let objects = objects(&cs);
        let names: Vec<&str> = objects.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["Agent", "Agent (instances)", "MSExchangeIS"]);
        let agent = &objects[1];
        assert_eq!(agent.instances.as_deref(), Some(&["_Total".to_owned(), "edge".to_owned()][..]));
        assert_eq!(agent.instance_label.as_deref(), Some(INSTANCE_LABEL));
        assert_eq!(agent.counters.len(), 2);
        assert_eq!(objects[2].counters.len(), 2, "one spelling of User Count");
        assert!(objects[0].instances.is_none() && objects[0].instance_label.is_none());
        assert!(objects.iter().all(|o| o.kind == "formatted"));
    }
}
