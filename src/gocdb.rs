//! GOCDB's downtime export (`get_downtime`, the programmatic interface's XML): the scheduled
//! outages grid operations count as downtime in availability and reliability.
//!
//! As ARGO reads it (argo-connectors `modules/parse/gocdb_downtimes.py`): each `DOWNTIME`
//! element's `CLASSIFICATION` attribute and its `HOSTNAME`, `SERVICE_TYPE`, `SEVERITY`,
//! `START_DATE`/`END_DATE` (epoch seconds; `FORMATED_START_DATE`/`FORMATED_END_DATE`,
//! `%Y-%m-%d %H:%M` UTC, when those are absent). **Only `CLASSIFICATION="SCHEDULED"` with
//! `SEVERITY` `OUTAGE` is downtime**; an unscheduled one, or a `WARNING` ("at risk"), is not.
//! The endpoint is `(HOSTNAME, SERVICE_TYPE)`: on the Nagios side (argo-ncg's naming) the host
//! name, or `HOSTNAME_PRIMARYKEY` (argo-ncg's `USE_IDS`), and the service's `_SERVICE_FLAVOUR`
//! custom variable.

use std::fmt;

/// One scheduled outage of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downtime {
    /// `HOSTNAME`.
    pub host: String,
    /// `HOSTNAME_PRIMARYKEY`, the host name argo-ncg gives the endpoint with `USE_IDS` (and
    /// argo-connectors its downtime), when the downtime has a `PRIMARY_KEY` element.
    pub host_with_id: Option<String>,
    /// `SERVICE_TYPE` (GOCDB's service type, argo-ncg's service flavour).
    pub service_type: String,
    /// Start, seconds since the epoch (inclusive).
    pub start: i64,
    /// End, seconds since the epoch (exclusive).
    pub end: i64,
}

impl Downtime {
    /// Whether it is in effect at `time` (seconds since the epoch).
    pub fn covers(&self, time: i64) -> bool {
        self.start <= time && time < self.end
    }
}

/// What is wrong with an export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GocdbError {
    /// Not well-formed XML.
    #[error("not XML: {0}")]
    Xml(String),
    /// The root is not `results`.
    #[error("the root element is `{0}`, not `results` (a GOCDB get_downtime export)")]
    Root(String),
    /// A downtime lacks what is needed to place it.
    #[error("DOWNTIME {id} (line {line}): {what}")]
    Incomplete {
        /// Its `ID` attribute (or `?`).
        id: String,
        /// Its line in the file.
        line: u32,
        /// What is missing or unreadable.
        what: Missing,
    },
}

/// What a downtime lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// An element that must be there.
    Element(&'static str),
    /// A date that does not read.
    Date(&'static str, String),
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Element(name) => write!(f, "no {name}"),
            Missing::Date(name, text) => write!(f, "{name} `{text}` is not a date"),
        }
    }
}

/// The scheduled outages of a `get_downtime` export (others are read and left out). An export
/// that does not read is an error, never an empty list.
pub fn parse_downtimes(text: &str) -> Result<Vec<Downtime>, GocdbError> {
    let doc = roxmltree::Document::parse(text).map_err(|e| GocdbError::Xml(e.to_string()))?;
    let root = doc.root_element();
    if root.tag_name().name() != "results" {
        return Err(GocdbError::Root(root.tag_name().name().to_owned()));
    }
    let mut out = Vec::new();
    for node in root.children().filter(|n| n.has_tag_name("DOWNTIME")) {
        let id = node.attribute("ID").unwrap_or("?").to_owned();
        let line = doc.text_pos_at(node.range().start).row;
        let incomplete = |what| GocdbError::Incomplete { id: id.clone(), line, what };
        let child = |name: &str| {
            node.children()
                .find(|c| c.has_tag_name(name))
                .and_then(|c| c.text())
                .map(str::trim)
                .filter(|t| !t.is_empty())
        };
        let scheduled = node.attribute("CLASSIFICATION") == Some("SCHEDULED");
        let outage = child("SEVERITY") == Some("OUTAGE");
        if !(scheduled && outage) {
            continue;
        }
        let host = child("HOSTNAME").ok_or_else(|| incomplete(Missing::Element("HOSTNAME")))?;
        let service_type =
            child("SERVICE_TYPE").ok_or_else(|| incomplete(Missing::Element("SERVICE_TYPE")))?;
        let date = |epoch: &'static str, formatted: &'static str| match child(epoch) {
            Some(t) => t.parse::<i64>().map_err(|_| incomplete(Missing::Date(epoch, t.to_owned()))),
            None => {
                let t = child(formatted).ok_or_else(|| incomplete(Missing::Element(epoch)))?;
                chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M")
                    .map(|d| d.and_utc().timestamp())
                    .map_err(|_| incomplete(Missing::Date(formatted, t.to_owned())))
            }
        };
        let start = date("START_DATE", "FORMATED_START_DATE")?;
        let end = date("END_DATE", "FORMATED_END_DATE")?;
        let host_with_id = child("PRIMARY_KEY").map(|key| format!("{host}_{key}"));
        out.push(Downtime {
            host: host.to_owned(),
            host_with_id,
            service_type: service_type.to_owned(),
            start,
            end,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of a GOCDB export (as argo-connectors' test fixture has it): an "at risk"
    /// downtime, two outages, one unscheduled outage.
    const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<results>
  <DOWNTIME ID="1" PRIMARY_KEY="1G0" CLASSIFICATION="SCHEDULED">
    <PRIMARY_KEY>1G0</PRIMARY_KEY>
    <HOSTNAME>se.example.org</HOSTNAME>
    <SERVICE_TYPE>webdav</SERVICE_TYPE>
    <SEVERITY>WARNING</SEVERITY>
    <START_DATE>1656288000</START_DATE>
    <END_DATE>1688169600</END_DATE>
  </DOWNTIME>
  <DOWNTIME ID="2" PRIMARY_KEY="2G0" CLASSIFICATION="SCHEDULED">
    <HOSTNAME>bdii.example.org</HOSTNAME>
    <SERVICE_TYPE>Site-BDII</SERVICE_TYPE>
    <SEVERITY>OUTAGE</SEVERITY>
    <DESCRIPTION>kernel &amp; firmware</DESCRIPTION>
    <START_DATE>1666908000</START_DATE>
    <END_DATE>1746792000</END_DATE>
    <FORMATED_START_DATE>2022-10-27 22:00</FORMATED_START_DATE>
    <FORMATED_END_DATE>2025-05-09 12:00</FORMATED_END_DATE>
  </DOWNTIME>
  <DOWNTIME ID="3" CLASSIFICATION="SCHEDULED">
    <HOSTNAME>ce.example.org</HOSTNAME>
    <SERVICE_TYPE>ARC-CE</SERVICE_TYPE>
    <SEVERITY>OUTAGE</SEVERITY>
    <FORMATED_START_DATE>2026-12-01 08:00</FORMATED_START_DATE>
    <FORMATED_END_DATE>2026-12-01 10:30</FORMATED_END_DATE>
  </DOWNTIME>
  <DOWNTIME ID="4" CLASSIFICATION="UNSCHEDULED">
    <HOSTNAME>ce.example.org</HOSTNAME>
    <SERVICE_TYPE>ARC-CE</SERVICE_TYPE>
    <SEVERITY>OUTAGE</SEVERITY>
    <START_DATE>0</START_DATE>
    <END_DATE>2000000000</END_DATE>
  </DOWNTIME>
</results>"#;

    #[test]
    fn only_scheduled_outages_are_downtime() {
        let d = parse_downtimes(EXPORT).unwrap();
        assert_eq!(
            d,
            [
                Downtime {
                    host: "bdii.example.org".into(),
                    host_with_id: None,
                    service_type: "Site-BDII".into(),
                    start: 1666908000,
                    end: 1746792000
                },
                Downtime {
                    host: "ce.example.org".into(),
                    host_with_id: None,
                    service_type: "ARC-CE".into(),
                    // 2026-12-01 08:00 and 10:30 UTC.
                    start: 1796112000,
                    end: 1796121000
                },
            ]
        );
        assert!(d[1].covers(1796112000) && d[1].covers(1796120999) && !d[1].covers(1796121000));
    }

    #[test]
    fn a_primary_key_names_the_host_as_argo_ncg_does_with_ids() {
        let xml = r#"<results><DOWNTIME ID="5" CLASSIFICATION="SCHEDULED"><PRIMARY_KEY>77G0</PRIMARY_KEY><HOSTNAME>se.example.org</HOSTNAME><SERVICE_TYPE>SRM</SERVICE_TYPE><SEVERITY>OUTAGE</SEVERITY><START_DATE>1</START_DATE><END_DATE>2</END_DATE></DOWNTIME></results>"#;
        let d = parse_downtimes(xml).unwrap();
        assert_eq!(d[0].host_with_id.as_deref(), Some("se.example.org_77G0"));
    }

    #[test]
    fn an_export_that_does_not_read_is_an_error() {
        assert!(matches!(parse_downtimes("Foo_data"), Err(GocdbError::Xml(_))));
        assert!(matches!(parse_downtimes("<html></html>"), Err(GocdbError::Root(_))));
        let no_host = r#"<results><DOWNTIME ID="9" CLASSIFICATION="SCHEDULED"><SEVERITY>OUTAGE</SEVERITY></DOWNTIME></results>"#;
        let e = parse_downtimes(no_host).unwrap_err();
        assert_eq!(e.to_string(), "DOWNTIME 9 (line 1): no HOSTNAME");
        let bad_date = r#"<results><DOWNTIME ID="9" CLASSIFICATION="SCHEDULED"><SEVERITY>OUTAGE</SEVERITY><HOSTNAME>h</HOSTNAME><SERVICE_TYPE>t</SERVICE_TYPE><START_DATE>soon</START_DATE><END_DATE>1</END_DATE></DOWNTIME></results>"#;
        assert!(
            parse_downtimes(bad_date).unwrap_err().to_string().contains("`soon` is not a date")
        );
        // No downtime at all is an empty list, not an error.
        assert_eq!(parse_downtimes("<results/>"), Ok(Vec::new()));
    }
}
