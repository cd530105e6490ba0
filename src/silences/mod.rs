//! `nag2prom silences`: Nagios scheduled downtimes as Alertmanager silences, so maintenance
//! windows set in Nagios keep muting alerts after the switch (and during the parallel run).
//!
//! Each `hostdowntime` / `servicedowntime` block of status.dat (or retention.dat) becomes a
//! silence (API v2 `PostableSilence`) when Nagios would suppress notifications in it now or
//! later:
//! - a **fixed** downtime mutes from `start_time` to `end_time`;
//! - a **flexible** one (`fixed=0`) starts when the object first has a problem inside the
//!   window and then lasts `duration`. Once started (`is_in_effect=1`) it becomes a silence
//!   from `flex_downtime_start` for `duration`; not started yet, it has no Alertmanager form
//!   (a silence cannot wait for a problem), so it is **not** silenced — notify rather than
//!   miss — and reported;
//! - a downtime **triggered by** another one that has not started is reported the same way;
//! - a downtime already over is skipped.
//!
//! Host downtimes match `host` alone (Nagios also holds back the notifications of a host's
//! services while the host is in downtime); service downtimes match `host` and `service`.
//! The comment carries the downtime id (`nagios downtime 12: …`), which makes re-posting
//! idempotent (see [`already_posted`]).

use serde::{Deserialize, Serialize};

use nag2prom_parsers::status::{BlockKind, Downtime, parse_status};

/// An Alertmanager matcher (API v2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Matcher {
    /// Label name.
    pub name: String,
    /// Label value.
    pub value: String,
    /// Always false: names are matched exactly.
    pub is_regex: bool,
    /// Always true.
    pub is_equal: bool,
}

/// A silence to create (API v2 `PostableSilence`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Silence {
    /// What it mutes.
    pub matchers: Vec<Matcher>,
    /// RFC 3339.
    pub starts_at: String,
    /// RFC 3339.
    pub ends_at: String,
    /// The downtime's author.
    pub created_by: String,
    /// `nagios downtime ID: COMMENT`.
    pub comment: String,
}

/// A downtime not made a silence, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// `host` or `host/service`.
    pub object: String,
    /// The downtime id.
    pub downtime_id: Option<u64>,
    /// Why.
    pub reason: String,
}

/// The silences of a status file, and the downtimes left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Silences {
    /// To post.
    pub silences: Vec<Silence>,
    /// Not silenced, with the reason.
    pub skipped: Vec<Skipped>,
}

/// The comment prefix that identifies the silence of Nagios downtime `id`.
pub fn comment_prefix(id: u64) -> String {
    format!("nagios downtime {id}:")
}

/// `epoch` (seconds) as RFC 3339 UTC (`None` out of chrono's range).
fn rfc3339(epoch: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(epoch, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The silences for the downtimes of `status` (status.dat or retention.dat bytes) at `now`
/// (Unix seconds).
pub fn from_status(status: &[u8], now: i64) -> Silences {
    let mut out = Silences::default();
    for block in parse_status(status).blocks {
        if !matches!(block.kind, BlockKind::HostDowntime | BlockKind::ServiceDowntime) {
            continue;
        }
        let Ok(d) = Downtime::from_block(&block) else { continue };
        let host = text(d.host_name);
        let service = d.service_description.map(text);
        let object = match &service {
            Some(s) => format!("{host}/{s}"),
            None => host.clone(),
        };
        let skip = |out: &mut Silences, reason: String| {
            out.skipped.push(Skipped {
                object: object.clone(),
                downtime_id: d.downtime_id,
                reason,
            });
        };
        let in_effect = d.is_in_effect == Some(true);
        let window = match (d.fixed, in_effect, d.triggered_by.filter(|t| *t != 0)) {
            (_, false, Some(t)) => {
                skip(
                    &mut out,
                    format!(
                        "triggered by downtime {t}, which has not started: a silence cannot wait for it (not silenced)"
                    ),
                );
                continue;
            }
            (Some(true), _, _) => d.start_time.zip(d.end_time),
            (Some(false), true, _) => d
                .flex_downtime_start
                .filter(|s| *s > 0)
                .zip(d.duration)
                .map(|(s, len)| (s, s.saturating_add(len))),
            (Some(false), false, _) => {
                skip(&mut out, "flexible, not started: it starts with the first problem, which a silence cannot wait for (not silenced)".to_owned());
                continue;
            }
            (None, _, _) => None,
        };
        let times = window.and_then(|(s, e)| Some((s, e, rfc3339(s)?, rfc3339(e)?)));
        let Some((start, end, starts_at, ends_at)) = times else {
            skip(&mut out, "its times are missing or not numbers".to_owned());
            continue;
        };
        if end <= now || end <= start {
            skip(&mut out, "already over".to_owned());
            continue;
        }
        let mut matchers = vec![Matcher {
            name: "host".to_owned(),
            value: host.clone(),
            is_regex: false,
            is_equal: true,
        }];
        if let Some(s) = &service {
            matchers.push(Matcher {
                name: "service".to_owned(),
                value: s.clone(),
                is_regex: false,
                is_equal: true,
            });
        }
        let id = d.downtime_id.unwrap_or(0);
        out.silences.push(Silence {
            matchers,
            starts_at,
            ends_at,
            created_by: d
                .author
                .map(text)
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| "nag2prom".to_owned()),
            comment: format!("{} {}", comment_prefix(id), d.comment.map(text).unwrap_or_default()),
        });
    }
    out
}

/// An existing silence, as `GET /api/v2/silences` lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct Existing {
    /// Its comment.
    pub comment: String,
    /// Its matchers.
    pub matchers: Vec<Matcher>,
    /// `status.state`: `active`, `pending` or `expired`.
    pub status: ExistingStatus,
}

/// `status` of an existing silence.
#[derive(Debug, Clone, Deserialize)]
pub struct ExistingStatus {
    /// `active`, `pending` or `expired`.
    pub state: String,
}

/// Whether `silence` was posted already: an active or pending silence with the same
/// downtime id in its comment and the same matchers.
pub fn already_posted(silence: &Silence, existing: &[Existing]) -> bool {
    let id = silence.comment.split(':').next().unwrap_or_default();
    existing.iter().any(|e| {
        e.status.state != "expired"
            && e.comment.split(':').next() == Some(id)
            && e.matchers == silence.matchers
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "hostdowntime {\n\thost_name=web-01\n\tdowntime_id=1\n\tstart_time=1000\n\tend_time=5000\n\tfixed=1\n\tduration=4000\n\tis_in_effect=1\n\tauthor=alice\n\tcomment=kernel update\n\t}\n\
        servicedowntime {\n\thost_name=db-01\n\tservice_description=MySQL\n\tdowntime_id=2\n\tstart_time=1000\n\tend_time=9000\n\tflex_downtime_start=2000\n\tfixed=0\n\tduration=600\n\tis_in_effect=1\n\tauthor=bob\n\tcomment=upgrade\n\t}\n\
        servicedowntime {\n\thost_name=db-02\n\tservice_description=MySQL\n\tdowntime_id=3\n\tstart_time=1000\n\tend_time=9000\n\tfixed=0\n\tduration=600\n\tis_in_effect=0\n\t}\n\
        hostdowntime {\n\thost_name=old\n\tdowntime_id=4\n\tstart_time=10\n\tend_time=20\n\tfixed=1\n\t}\n\
        hostdowntime {\n\thost_name=child\n\tdowntime_id=5\n\tstart_time=1000\n\tend_time=5000\n\tfixed=1\n\ttriggered_by=1\n\tis_in_effect=0\n\t}\n";

    #[test]
    fn downtimes_become_silences_when_nagios_mutes() {
        let got = from_status(STATUS.as_bytes(), 1500);
        assert_eq!(got.silences.len(), 2);
        let fixed = &got.silences[0];
        assert_eq!(fixed.matchers.len(), 1);
        assert_eq!(
            (fixed.starts_at.as_str(), fixed.ends_at.as_str()),
            ("1970-01-01T00:16:40Z", "1970-01-01T01:23:20Z")
        );
        assert_eq!(fixed.created_by, "alice");
        assert_eq!(fixed.comment, "nagios downtime 1: kernel update");
        let flexible = &got.silences[1];
        assert_eq!(flexible.matchers[1].value, "MySQL");
        assert_eq!(
            (flexible.starts_at.as_str(), flexible.ends_at.as_str()),
            ("1970-01-01T00:33:20Z", "1970-01-01T00:43:20Z")
        );
        let skipped: Vec<(Option<u64>, &str)> = got
            .skipped
            .iter()
            .map(|s| (s.downtime_id, s.reason.split(' ').next().unwrap_or("")))
            .collect();
        assert_eq!(skipped, [(Some(3), "flexible,"), (Some(4), "already"), (Some(5), "triggered")]);
    }

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(rfc3339(1_795_497_595).as_deref(), Some("2026-11-24T05:19:55Z"));
        assert_eq!(rfc3339(951_782_400).as_deref(), Some("2000-02-29T00:00:00Z"));
        assert_eq!(rfc3339(i64::MAX), None);
    }

    #[test]
    fn reposting_is_idempotent() {
        let got = from_status(STATUS.as_bytes(), 1500);
        let existing = vec![Existing {
            comment: "nagios downtime 1: kernel update".to_owned(),
            matchers: got.silences[0].matchers.clone(),
            status: ExistingStatus { state: "active".to_owned() },
        }];
        assert!(already_posted(&got.silences[0], &existing));
        assert!(!already_posted(&got.silences[1], &existing));
        let expired = vec![Existing {
            status: ExistingStatus { state: "expired".to_owned() },
            ..existing[0].clone()
        }];
        assert!(!already_posted(&got.silences[0], &expired));
    }
}
