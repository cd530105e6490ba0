//! The tcp prober shared by check_tcp, check_smtp and the protocol plugins (banner, send,
//! TLS): two blackbox probes where a banner is expected, to tell a wrong banner (WARNING)
//! from no answer (CRITICAL).

use super::super::{Cond, Fed, Missing, Native, Probe, SECOND_PROBE_LABEL, Series, Test};
use super::Refusal;
use crate::translate::blackbox::{Module, Prober, QueryResponse, TcpProbe, TlsConfig};

/// What a tcp-prober translation needs.
pub(crate) struct TcpSpec {
    pub(crate) plugin: &'static str,
    pub(crate) alert: &'static str,
    pub(crate) port: u16,
    pub(crate) warn: Option<f64>,
    pub(crate) crit: Option<f64>,
    /// A regex the first line must match (mismatch = WARNING).
    pub(crate) expect: Option<String>,
    pub(crate) tls: bool,
    pub(crate) timeout: u32,
    /// A line sent after the expect (e.g. `QUIT`).
    pub(crate) send: Option<&'static str>,
    pub(crate) canonical: String,
}

/// The native translation of a tcp-prober check: WARNING on an expect mismatch or duration
/// > warn, CRITICAL on any other failure or duration > crit.
///
/// With an expected banner there are two probes of the same address: the banner module, and
/// one that accepts any first line. blackbox's `expect` reads until its timeout when the
/// banner differs (`probe_failed_due_to_regex` stays 0: verified with blackbox 0.23 against a
/// `554` greeting), so a wrong banner — WARNING in the plugin (`Invalid SMTP response`,
/// `TCP WARNING - Unexpected response`) — is the banner probe failing while the any-line
/// probe succeeds; no line at all (refused, silent, TLS failure) is CRITICAL. The duration
/// thresholds read the any-line probe: time to the first line, as the plugin measures.
pub(crate) fn build(spec: TcpSpec) -> Result<Native, Refusal> {
    let mut base = TcpProbe::default();
    if spec.tls {
        base.tls = true;
        base.tls_config = Some(TlsConfig { insecure_skip_verify: true, server_name: None });
    }
    let short = spec.plugin.trim_start_matches("check_");
    let target = format!("$HOSTADDRESS$:{}", spec.port);
    let timeout = spec.timeout;
    let probe = |tcp: TcpProbe| {
        let tcp = (tcp != TcpProbe::default()).then_some(tcp);
        let settings = Module { tcp, ..Module::new(Prober::Tcp, timeout) };
        Probe::Blackbox {
            module: settings.name(short),
            settings: Box::new(settings),
            target: target.clone(),
            from_host: false,
        }
    };
    let dialogue = |expect: &str| {
        let mut steps = vec![QueryResponse::Expect(expect.to_owned())];
        steps.extend(spec.send.map(|send| QueryResponse::Send(send.to_owned())));
        TcpProbe { query_response: steps, ..base.clone() }
    };
    let (main, second, signals) = match &spec.expect {
        Some(e) => {
            let (banner, any) = (dialogue(e), dialogue("^"));
            // 0 no first line at all; 1 a line, not the expected one; 2 time to the line.
            // Every signal carries the banner probe's labels (its `nagios_probe`), whichever
            // probe it reads, so the alerts of one service have one label set.
            let signals = vec![
                "(0 * probe_success{__SEL__} + 1) * on(instance, host) group_left() (probe_success{__SEL2__} == bool 0)".to_owned(),
                "(probe_success{__SEL__} == bool 0) * on(instance, host) group_left() (probe_success{__SEL2__} == bool 1)".to_owned(),
                "(0 * probe_success{__SEL__} + 1) * on(instance, host) group_left() probe_duration_seconds{__SEL2__}".to_owned(),
            ];
            (probe(banner), Some(probe(any)), signals)
        }
        None => {
            let signals = vec![
                "probe_success{__SEL__} == bool 0".to_owned(),
                "0 * probe_success{__SEL__}".to_owned(),
                "probe_duration_seconds{__SEL__}".to_owned(),
            ];
            (probe(base), None, signals)
        }
    };
    let two = second.is_some();
    let mut warning = Vec::new();
    let mut critical = vec![Cond { signal: 0, test: Test::Eq(1.0) }];
    if two {
        warning.push(Cond { signal: 1, test: Test::Eq(1.0) });
    }
    if let Some(w) = spec.warn {
        warning.push(Cond { signal: 2, test: Test::Gt(w) });
    }
    if let Some(c) = spec.crit {
        critical.push(Cond { signal: 2, test: Test::Gt(c) });
    }
    Ok(Native {
        plugin: spec.plugin,
        alert: spec.alert,
        probe: main,
        canonical: spec.canonical,
        signals,
        warning,
        critical,
        feed: Box::new(move |v: &[f64], _t: f64| {
            let no_line = v.first().copied().unwrap_or(0.0) == 1.0;
            let mismatch = two && !no_line && v.get(1).copied().unwrap_or(0.0) == 1.0;
            let duration = v.get(2).copied().unwrap_or(0.0).max(0.0);
            let banner_ok = if no_line || mismatch { 0.0 } else { 1.0 };
            let mut series = vec![Series::constant("probe_success", &[], banner_ok)];
            if two {
                let any = if no_line { 0.0 } else { 1.0 };
                let second = [(SECOND_PROBE_LABEL, "1")];
                series.push(Series::constant("probe_success", &second, any));
                series.push(Series::constant("probe_duration_seconds", &second, duration));
            } else {
                series.push(Series::constant("probe_duration_seconds", &[], duration));
            }
            Fed {
                series,
                realized: vec![
                    Some(if no_line { 1.0 } else { 0.0 }),
                    Some(if mismatch { 1.0 } else { 0.0 }),
                    Some(duration),
                ],
                labels: vec![Vec::new(); 3],
            }
        }),
        window_samples: 1,
        second,
        written: String::new(),
        requires: Vec::new(),
        missing: Missing::Unknown,
        notes: vec![
            "close: blackbox measures the probe duration, the plugin its own elapsed time"
                .to_owned(),
        ],
        calm: vec![0.0, 0.0, 0.0],
        presence: None,
    })
}
