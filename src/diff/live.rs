//! `diff --status-file`: for each changed alert, how many of its services would be alerting
//! right now under the old and under the new rule, from the live Nagios state.
//!
//! The estimate reads what the bridge exports and the rules compare: a service's
//! `last_hard_state` (`nagios_service_hard_state`), since `last_hard_state_change`, not
//! acknowledged, not in downtime, its host neither DOWN nor in downtime. A rule alerts on the
//! state its `nagios_state` label names (else its `severity`: `critical` 2, `warning` 1), once
//! the state has lasted its `for:`.
//!
//! That is exactly a bridged rule's condition. A native rule compares the exporter's metric
//! with the plugin's thresholds, and Nagios' hard state is the plugin's verdict on the same
//! thresholds (the translation is faithful), but only on the thresholds Nagios runs, which are
//! OLD's: a native rule whose expression NEW changes (a threshold) is not estimated on the NEW
//! side, nor is an added native rule (its services' checks may be new). Those say why.

use std::collections::HashMap;

use serde::Serialize;

use crate::plan::{PlanRule, Service};
use crate::status::Snapshot;

/// Alerting now, under each side's rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertingNow {
    /// Services alerting under OLD's rule (`None`: not estimated, or no such rule).
    pub old: Option<usize>,
    /// Services alerting under NEW's rule.
    pub new: Option<usize>,
    /// Why a side is not estimated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One service as status.dat has it.
#[derive(Debug, Clone, Copy)]
struct Live {
    hard_state: Option<u8>,
    since: Option<i64>,
    quiet: bool,
}

/// The live states of a status.dat: services by (host, service), and the hosts whose services
/// the rules silence (DOWN, or in downtime).
#[derive(Debug, Default)]
pub struct LiveStates {
    /// Services by host, then description.
    services: HashMap<String, HashMap<String, Live>>,
    /// When Nagios wrote the file.
    pub now: i64,
}

impl LiveStates {
    /// The states of `snapshot`; `now` when it has no `created` time.
    pub fn of(snapshot: &Snapshot<'_>, now: i64) -> LiveStates {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let silenced: std::collections::HashSet<String> = snapshot
            .hosts
            .iter()
            .filter(|h| {
                h.last_hard_state == Some(1) || h.scheduled_downtime_depth.is_some_and(|d| d > 0)
            })
            .map(|h| text(h.host))
            .collect();
        let mut services: HashMap<String, HashMap<String, Live>> = HashMap::new();
        for s in &snapshot.services {
            let host = text(s.host);
            let quiet = s.acknowledged == Some(true)
                || s.scheduled_downtime_depth.is_some_and(|d| d > 0)
                || silenced.contains(&host);
            let live =
                Live { hard_state: s.last_hard_state, since: s.last_hard_state_change, quiet };
            services.entry(host).or_default().insert(text(s.service), live);
        }
        LiveStates { services, now: snapshot.info.created.unwrap_or(now) }
    }

    /// How many of `services` alert under `rule`, or `None` for a rule the estimate cannot
    /// read (no state it alerts on).
    fn alerting(&self, rule: &PlanRule, services: &[&Service]) -> Option<usize> {
        let wanted = wanted_state(rule)?;
        let hold = rule.rule.for_.as_deref().map_or(Some(0), duration_secs)?;
        Some(
            services
                .iter()
                .filter(|s| {
                    self.services.get(&s.host).and_then(|h| h.get(&s.service)).is_some_and(|l| {
                        !l.quiet
                            && l.hard_state == Some(wanted)
                            && l.since.is_none_or(|since| self.now - since >= hold)
                    })
                })
                .count(),
        )
    }
}

/// The Nagios state a rule alerts on.
fn wanted_state(rule: &PlanRule) -> Option<u8> {
    let labels = &rule.rule.labels;
    match labels.get("nagios_state").map(String::as_str) {
        Some("WARNING") => return Some(1),
        Some("CRITICAL") => return Some(2),
        Some("UNKNOWN") => return Some(3),
        Some(_) => return None,
        None => {}
    }
    match labels.get("severity").map(String::as_str) {
        Some("critical") => Some(2),
        Some("warning") => Some(1),
        _ => None,
    }
}

/// A Prometheus duration (`90s`, `2m`, `1h30m`) in seconds.
fn duration_secs(text: &str) -> Option<i64> {
    let mut total = 0i64;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        let unit = match c {
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0
            }
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            'y' => 31_536_000,
            _ => return None,
        };
        total += n * unit;
    }
    number.is_empty().then_some(total)
}

/// Whether a rule alerts on the bridge's hard state itself (a bridged rule).
fn is_bridged(rule: &PlanRule) -> bool {
    rule.rule.labels.get("nagios_source").is_some_and(|s| s == "bridged")
}

/// The estimate for one rule change: `old`/`new` the two sides' rules (one may be absent)
/// with their services.
pub(super) fn estimate(
    live: &LiveStates,
    old: Option<(&PlanRule, &[&Service])>,
    new: Option<(&PlanRule, &[&Service])>,
) -> AlertingNow {
    let mut note = None;
    let old_count = old.and_then(|(r, s)| live.alerting(r, s));
    let new_count = match (old, new) {
        (_, None) => Some(0),
        (_, Some((r, s))) if is_bridged(r) => live.alerting(r, s),
        // The same condition (ids aside, as the diff compares expressions).
        (Some((a, _)), Some((b, s)))
            if matches!(
                crate::plan::expr::compare(&a.rule.expr, &b.rule.expr),
                crate::plan::expr::ExprChange::Same
            ) =>
        {
            live.alerting(b, s)
        }
        (Some(_), Some(_)) => {
            note = Some("NEW changes the expression (a threshold): Nagios' live state is OLD's verdict; NEW is not estimated".to_owned());
            None
        }
        (None, Some(_)) => {
            note = Some(
                "a new native rule: its services' live state may be of other checks; not estimated"
                    .to_owned(),
            );
            None
        }
    };
    let old_count = if old.is_none() { Some(0) } else { old_count };
    AlertingNow { old: old_count, new: new_count, note }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::rules::Rule;

    #[test]
    fn durations_read_as_prometheus_writes_them() {
        assert_eq!(duration_secs("90s"), Some(90));
        assert_eq!(duration_secs("2m"), Some(120));
        assert_eq!(duration_secs("1h30m"), Some(5400));
        assert_eq!(duration_secs("500ms"), Some(0));
        assert_eq!(duration_secs("5"), None);
        assert_eq!(duration_secs("x"), None);
    }

    fn rule(name: &str, state: &str, for_: Option<&str>, bridged: bool) -> PlanRule {
        let mut labels = std::collections::BTreeMap::new();
        labels.insert("nagios_state".to_owned(), state.to_owned());
        if bridged {
            labels.insert("nagios_source".to_owned(), "bridged".to_owned());
        }
        PlanRule {
            file: "rules/x.yml".to_owned(),
            group: "g".to_owned(),
            rule: Rule {
                alert: Some(name.to_owned()),
                expr: format!("{name} > 1"),
                for_: for_.map(str::to_owned),
                labels,
                ..Rule::default()
            },
        }
    }

    #[test]
    fn hard_states_and_their_age_decide_under_each_side() {
        let status = "info {\n\tcreated=10000\n\t}\n\
            hoststatus {\n\thost_name=a\n\tlast_hard_state=0\n\t}\n\
            hoststatus {\n\thost_name=down\n\tlast_hard_state=1\n\t}\n\
            servicestatus {\n\thost_name=a\n\tservice_description=old-crit\n\tlast_hard_state=2\n\tlast_hard_state_change=9000\n\t}\n\
            servicestatus {\n\thost_name=a\n\tservice_description=new-crit\n\tlast_hard_state=2\n\tlast_hard_state_change=9800\n\t}\n\
            servicestatus {\n\thost_name=a\n\tservice_description=acked\n\tlast_hard_state=2\n\tlast_hard_state_change=1\n\tproblem_has_been_acknowledged=1\n\t}\n\
            servicestatus {\n\thost_name=down\n\tservice_description=old-crit\n\tlast_hard_state=2\n\tlast_hard_state_change=1\n\t}\n\
            servicestatus {\n\thost_name=a\n\tservice_description=warn\n\tlast_hard_state=1\n\tlast_hard_state_change=1\n\t}\n";
        let snapshot = Snapshot::parse(status.as_bytes()).unwrap();
        let live = LiveStates::of(&snapshot, 0);
        assert_eq!(live.now, 10_000);
        let svc = |h: &str, s: &str| Service {
            host: h.to_owned(),
            service: s.to_owned(),
            outcome: "native".to_owned(),
            rule_group: "g".to_owned(),
            source: String::new(),
        };
        let all = [
            svc("a", "old-crit"),
            svc("a", "new-crit"),
            svc("a", "acked"),
            svc("down", "old-crit"),
            svc("a", "warn"),
        ];
        let refs: Vec<&Service> = all.iter().collect();
        // for: 3m → 15m: the service CRITICAL for 1000 s alerts under both, the one for 200 s
        // only under the old; acknowledged, host-down and WARNING ones under neither.
        let (a, b) =
            (rule("C", "CRITICAL", Some("3m"), false), rule("C", "CRITICAL", Some("15m"), false));
        let e = estimate(&live, Some((&a, &refs)), Some((&b, &refs)));
        assert_eq!((e.old, e.new, e.note.is_none()), (Some(2), Some(1), true));
        // A threshold change: NEW not estimated, and said so.
        let mut c = rule("C", "CRITICAL", Some("3m"), false);
        c.rule.expr = "C > 2".to_owned();
        let e = estimate(&live, Some((&a, &refs)), Some((&c, &refs)));
        assert_eq!((e.old, e.new), (Some(2), None));
        assert!(e.note.is_some());
        // Removed, and an added bridged rule (its condition is the hard state itself).
        let e = estimate(&live, Some((&a, &refs)), None);
        assert_eq!((e.old, e.new), (Some(2), Some(0)));
        let w = rule("W", "WARNING", None, true);
        let e = estimate(&live, None, Some((&w, &refs)));
        assert_eq!((e.old, e.new), (Some(0), Some(1)));
    }
}
