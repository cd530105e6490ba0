//! NSClient++'s built-in commands, asked through check_nrpe, on the host's windows_exporter.
//!
//! `CheckServiceState [ShowAll|ShowFail] NAME[=running] …` (NSClient++ 0.5 and
//! later, `modules/CheckSystem/CheckSystem.cpp` `checkServiceState`): each NAME becomes
//! `service=NAME` for `check_service` and the critical filter `name like 'NAME' and state !=
//! 'STATE'` (STATE `running` when not given); the warning filter stays check_service's
//! default, `not state_is_ok()`. A service is opened by its key name (`OpenService`, case
//! insensitive), or by its display name through `GetServiceKeyName`; one that cannot be
//! opened makes the whole answer bad: UNKNOWN. So: a service not running is CRITICAL (the
//! warning filter only adds to that), a missing one UNKNOWN; the agent not answering is check_nrpe's CRITICAL (with `-u` a timeout
//! is UNKNOWN; a refused connection stays CRITICAL, which the rule keeps: notify rather than
//! miss).
//!
//! windows_exporter (service collector, a default): `windows_service_state{name, state}`, one
//! series per state, 1 for the current one; names compared case-insensitively (the exporter
//! lower-cased them up to 0.28).
//!
//! Bridged: `CheckAll` (every automatic service), `exclude=`, a NAME with a blank or
//! parentheses (a display name: the agent opens it, but its critical filter compares the key
//! name with the display name and never matches, leaving only the warning filter), another
//! `=STATE` (`=stopped` is also WARNING through the default warning filter when the service
//! starts automatically, a start mode not read here; `=started` compares with a state name
//! the agent does not use), other options.

use super::super::common::{Code, Refusal, windows};
use super::super::{Cond, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::promql::regex_alternatives;

/// True for NSClient++'s `CheckServiceState` (command names are case-insensitive).
pub(super) fn is_service_state(name: &str) -> bool {
    name.eq_ignore_ascii_case("CheckServiceState")
}

/// `CheckServiceState` with `args` (check_nrpe's `-a` words); `unknown_timeout` is check_nrpe's
/// `-u`.
pub(super) fn service_state(args: &[&str], unknown_timeout: bool) -> Result<Native, Refusal> {
    let mut services: Vec<String> = Vec::new();
    for arg in args {
        let arg = arg.trim();
        if arg.is_empty()
            || arg.eq_ignore_ascii_case("ShowAll")
            || arg.eq_ignore_ascii_case("ShowFail")
        {
            continue;
        }
        if arg.contains('$') {
            return Err(Refusal::new(
                Code::PerHostMacro,
                "CheckServiceState names a service through a macro",
            ));
        }
        if arg.eq_ignore_ascii_case("CheckAll") || arg.starts_with("CheckAll=") {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                "CheckServiceState CheckAll (every automatic service) is not translated",
            ));
        }
        if arg.starts_with("exclude=") {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                "CheckServiceState exclude= is not translated",
            ));
        }
        let (name, state) = match arg.split_once('=') {
            Some((n, s)) => (n.trim(), s.trim()),
            None => (arg, "running"),
        };
        if state != "running" {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("CheckServiceState `{name}={state}`: only =running is translated"),
            ));
        }
        if name.is_empty() || name.contains([' ', '(', ')', '\'']) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!(
                    "CheckServiceState `{name}` looks like a display name: the agent's critical filter compares key names and never matches it"
                ),
            ));
        }
        services.push(name.to_owned());
    }
    if services.is_empty() {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "CheckServiceState without a service checks every service: not translated",
        ));
    }
    let mut signals = Vec::new();
    let mut critical = Vec::new();
    let mut present = Vec::new();
    for name in &services {
        let pattern = regex_alternatives(std::slice::from_ref(name));
        signals.push(windows::service_running(name));
        critical.push(Cond { signal: signals.len() - 1, test: Test::Eq(0.0) });
        present.push(format!(
            "count without(name, state) (windows_service_state{{__SEL__, name=~\"(?i){pattern}\"}})"
        ));
    }
    signals.push("up{__SEL__}".to_owned());
    critical.push(Cond { signal: signals.len() - 1, test: Test::Eq(0.0) });
    let canonical = format!("CheckServiceState {}", services.join(" "));
    let names = services.clone();
    let feed = Box::new(move |values: &[f64], _t: f64| {
        let mut fed = Fed::default();
        for (i, name) in names.iter().enumerate() {
            windows::feed_service(&mut fed, name, values.get(i).copied().unwrap_or(1.0));
        }
        let up = values.get(names.len()).copied().unwrap_or(1.0);
        fed.series.push(Series::constant("up", &[], up));
        fed.realized.push(Some(up));
        fed.labels.push(Vec::new());
        fed
    });
    let calm = vec![1.0; services.len() + 1];
    let mut notes = vec![
        "close: windows_exporter instead of the NSClient++ agent (NSClient++ 0.5+ semantics: not running CRITICAL, missing UNKNOWN)".to_owned(),
    ];
    if unknown_timeout {
        notes.push(
            "check_nrpe -u makes an agent timeout UNKNOWN; the rule says CRITICAL for any unreachable agent".to_owned(),
        );
    }
    Ok(Native {
        plugin: "check_nrpe",
        alert: "NagiosCheckNtService",
        probe: Probe::Windows,
        canonical,
        signals,
        warning: Vec::new(),
        critical,
        feed,
        window_samples: 1,
        second: None,
        written: String::new(),
        requires: Vec::new(),
        missing: Missing::UnknownWhileUp,
        notes,
        calm,
        presence: Some(present.join(" and on(instance, host) ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_must_be_in_their_state() {
        let n = service_state(&["ShowAll", "Spooler", "W32Time=running"], false).unwrap();
        assert_eq!(n.canonical, "CheckServiceState Spooler W32Time");
        assert_eq!(n.critical.len(), 3);
        assert!(n.critical[0].test.alerts(0.0) && !n.critical[0].test.alerts(1.0));
        assert!(n.critical[1].test.alerts(0.0) && !n.critical[1].test.alerts(1.0));
        assert!(n.signals[2].starts_with("up{"), "the agent not answering is CRITICAL");
        assert_eq!(n.missing, Missing::UnknownWhileUp, "a missing service is UNKNOWN");
        assert!(n.presence.as_deref().unwrap().contains(" and on(instance, host) "));
        assert!(n.signals[0].contains("name=~\"(?i)Spooler\""));
        let fed = (n.feed)(&[0.0, 1.0, 1.0], 0.0);
        assert_eq!(fed.realized, [Some(0.0), Some(1.0), Some(1.0)]);
    }

    #[test]
    fn refusals() {
        for args in [
            &["CheckAll"][..],
            &["ShowAll"][..],
            &["exclude=TBS", "Spooler"][..],
            &["Spooler=started"][..],
            &["Spooler=stopped"][..],
            &["Lotus Domino Server (SLotusDominoData)"][..],
            &["$_SERVICE_NAME$"][..],
        ] {
            assert!(service_state(args, false).is_err(), "{args:?}");
        }
        assert!(is_service_state("checkservicestate"));
    }
}
