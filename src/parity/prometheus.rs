//! The Prometheus HTTP API queries `parity` makes (instant queries, `/api/v1/alerts`), with
//! ureq over plain HTTP.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::Labels;

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The request failed (connection, status, body).
    #[error("{url}: {message}")]
    Http {
        /// What was asked.
        url: String,
        /// Why it failed.
        message: String,
    },
    /// Prometheus answered with an error.
    #[error("{url}: Prometheus says {error_type}: {error}")]
    Api {
        /// What was asked.
        url: String,
        /// `errorType`.
        error_type: String,
        /// `error`.
        error: String,
    },
}

/// A Prometheus server.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
}

#[derive(Debug, Deserialize)]
struct Envelope<T> {
    status: String,
    data: Option<T>,
    #[serde(default, rename = "errorType")]
    error_type: String,
    #[serde(default)]
    error: String,
}

#[derive(Debug, Deserialize)]
struct VectorData {
    result: Vec<Sample>,
}

/// One sample of an instant vector.
#[derive(Debug, Deserialize)]
pub struct Sample {
    /// Its labels.
    pub metric: Labels,
    /// `[time, "value"]`.
    pub value: (f64, String),
}

#[derive(Debug, Deserialize)]
struct AlertsData {
    alerts: Vec<Alert>,
}

#[derive(Debug, Deserialize)]
struct Alert {
    labels: Labels,
    state: String,
    /// RFC 3339, when the alert became active (pending).
    #[serde(default, rename = "activeAt")]
    active_at: Option<String>,
}

/// An active alert: its state (`firing`, `pending`), labels and when it became active (Unix
/// seconds; `None` when Prometheus does not say).
#[derive(Debug, Clone)]
pub struct ActiveAlert {
    /// `firing` or `pending`.
    pub state: String,
    /// Its labels.
    pub labels: Labels,
    /// `activeAt`.
    pub since: Option<i64>,
}

impl Client {
    /// A client for the server at `base` (`http://host:port`, with any path prefix).
    pub fn new(base: &str, timeout: Duration) -> Client {
        let config = ureq::Agent::config_builder().timeout_global(Some(timeout)).build();
        Client { base: base.trim_end_matches('/').to_owned(), agent: config.into() }
    }

    fn get<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, QueryError> {
        let url = format!("{}{path}", self.base);
        let http = |message: String| QueryError::Http { url: url.clone(), message };
        let mut request = self.agent.get(&url);
        for (k, v) in query {
            request = request.query(*k, *v);
        }
        let mut response = request.call().map_err(|e| http(e.to_string()))?;
        let envelope: Envelope<T> =
            response.body_mut().read_json().map_err(|e| http(e.to_string()))?;
        match (envelope.status.as_str(), envelope.data) {
            ("success", Some(data)) => Ok(data),
            _ => Err(QueryError::Api {
                url: url.clone(),
                error_type: envelope.error_type,
                error: envelope.error,
            }),
        }
    }

    /// The instant vector of `query` now.
    pub fn query(&self, query: &str) -> Result<Vec<Sample>, QueryError> {
        let data: VectorData = self.get("/api/v1/query", &[("query", query)])?;
        Ok(data.result)
    }

    /// The labels of every firing alert.
    pub fn firing(&self) -> Result<Vec<Labels>, QueryError> {
        Ok(self
            .alerts()?
            .into_iter()
            .filter(|(state, _)| state == "firing")
            .map(|(_, l)| l)
            .collect())
    }

    /// Every active alert: its state (`firing`, `pending`) and labels.
    pub fn alerts(&self) -> Result<Vec<(String, Labels)>, QueryError> {
        Ok(self.active_alerts()?.into_iter().map(|a| (a.state, a.labels)).collect())
    }

    /// Every active alert, with when it became active.
    pub fn active_alerts(&self) -> Result<Vec<ActiveAlert>, QueryError> {
        let data: AlertsData = self.get("/api/v1/alerts", &[])?;
        Ok(data
            .alerts
            .into_iter()
            .map(|a| ActiveAlert {
                since: a
                    .active_at
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.timestamp()),
                state: a.state,
                labels: a.labels,
            })
            .collect())
    }

    /// When an alert of each service last fired within the last `window` (a PromQL
    /// duration), firing now or not: `(host, service) → Unix seconds`.
    pub fn last_fired(&self, window: &str) -> Result<BTreeMap<(String, String), i64>, QueryError> {
        let query = format!(
            "max by (host, service) (last_over_time(timestamp(ALERTS{{alertstate=\"firing\", service!=\"\"}})[{window}:]))"
        );
        Ok(self
            .states(&query)?
            .into_iter()
            .filter(|(_, v)| v.is_finite())
            .map(|(k, v)| (k, v as i64))
            .collect())
    }

    /// `(host, service) → value` and `host → value` of a per-object family.
    pub fn states(&self, family: &str) -> Result<BTreeMap<(String, String), f64>, QueryError> {
        let mut out = BTreeMap::new();
        for s in self.query(family)? {
            let get = |k: &str| s.metric.get(k).cloned().unwrap_or_default();
            let value = s.value.1.parse().unwrap_or(f64::NAN);
            out.insert((get("host"), get("service")), value);
        }
        Ok(out)
    }
}
