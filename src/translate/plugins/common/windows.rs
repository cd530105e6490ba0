//! windows_exporter's service state, shared by check_nt `SERVICESTATE` and NSClient++'s
//! `CheckServiceState` through check_nrpe: the signal that is 1 while a service runs, and
//! the test series that make it so.

use super::super::{Fed, Series};
use crate::translate::promql::regex_alternatives;

/// 1 while the service `name` (case-insensitive: windows_exporter lower-cased names up to
/// 0.28) runs, 0 in any other state; no sample when the exporter does not list it.
pub(crate) fn service_running(name: &str) -> String {
    format!(
        "max without(state) (windows_service_state{{__SEL__, name=~\"(?i){}\", state=\"running\"}})",
        regex_alternatives(std::slice::from_ref(&name.to_owned()))
    )
}

/// Test series of service `name` running (`v` ≠ 0) or stopped (`v` = 0), one per state as
/// windows_exporter writes them, and the value [`service_running`] realises.
pub(crate) fn feed_service(fed: &mut Fed, name: &str, v: f64) {
    let running = if v == 0.0 { 0.0 } else { 1.0 };
    for (state, value) in [("running", running), ("stopped", 1.0 - running)] {
        fed.series.push(Series::constant(
            "windows_service_state",
            &[("name", name), ("state", state)],
            value,
        ));
    }
    fed.realized.push(Some(running));
    fed.labels.push(vec![("name".to_owned(), name.to_owned())]);
}
