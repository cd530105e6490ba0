//! `check_tcp -H host -p port [-w secs] [-c secs] [-e expect] [-S]`: a TCP service.
//!
//! Semantics (2.3.3 `check_tcp.c`): `-w`/`-c` are doubles, alert when the elapsed time is
//! **strictly** greater; a refused connection is CRITICAL (`-r`, default crit); an expect
//! mismatch is WARNING (`-M`, default warn). blackbox_exporter tcp prober:
//! `probe_duration_seconds`, `probe_success`, `probe_failed_due_to_regex` (query_response
//! `expect`, verified). Not translated: `-s`/`-q` dialogues, several `-e`, `-D` certificates,
//! `-r`/`-M` other than the defaults.

use super::check_ssh::{port, timeout};
use super::{
    Call, Cond, Context, Fed, Missing, Native, Probe, SECOND_PROBE_LABEL, Series, Test, number,
    opts, own_host, with_common,
};
use crate::translate::argv::opt;
use crate::translate::promql::regex_escape;

/// Translate a `check_tcp` call.
pub fn translate(call: &Call, _ctx: &Context) -> Result<Native, String> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('p', "port", true),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('e', "expect", true),
        opt('s', "send", true),
        opt('q', "quit", true),
        opt('E', "escape", false),
        opt('A', "all", false),
        opt('S', "ssl", false),
        opt('D', "certificate", true),
        opt('r', "refuse", true),
        opt('M', "mismatch", true),
        opt('j', "jail", false),
        opt('m', "maxbytes", true),
        opt('d', "delay", true),
        opt('4', "use-ipv4", false),
        opt('6', "use-ipv6", false),
        opt('\0', "sni", true),
    ]);
    let parsed = opts(call, &table, "check_tcp")?;
    own_host('H', parsed.last('H'))?;
    for (letter, what) in [
        ('s', "-s (send)"),
        ('q', "-q (quit string)"),
        ('D', "-D (certificate days)"),
        ('A', "-A"),
        ('j', "-j"),
        ('m', "-m"),
        ('d', "-d"),
        ('E', "-E"),
    ] {
        if parsed.has(letter) {
            return Err(format!("{what} is not translated"));
        }
    }
    if parsed.last('r').is_some_and(|r| r != "crit")
        || parsed.last('M').is_some_and(|m| m != "warn")
    {
        return Err("-r/-M other than the defaults (crit/warn) are not translated".to_owned());
    }
    let expects: Vec<&str> = parsed.all('e').collect();
    if expects.len() > 1 {
        return Err("several -e strings are not translated".to_owned());
    }
    let port = match parsed.last('p') {
        Some(_) => port(parsed.last('p'), 0)?,
        None => return Err("no -p: check_tcp needs a port".to_owned()),
    };
    let expect = expects.first().copied();
    build(TcpSpec {
        plugin: "check_tcp",
        alert: "NagiosCheckTcp",
        port,
        warn: parsed.last('w').map(|v| number("-w", v)).transpose()?,
        crit: parsed.last('c').map(|v| number("-c", v)).transpose()?,
        expect: expect.map(regex_escape),
        tls: parsed.has('S'),
        timeout: timeout(parsed.last('t'))?,
        send: None,
        canonical: format!(
            "check_tcp -H $HOSTADDRESS$ -p {port}{}{}{}{}",
            parsed.last('w').map(|w| format!(" -w {w}")).unwrap_or_default(),
            parsed.last('c').map(|c| format!(" -c {c}")).unwrap_or_default(),
            if expect.is_some() { " -e …" } else { "" },
            if parsed.has('S') { " -S" } else { "" }
        ),
    })
}

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
pub(crate) fn build(spec: TcpSpec) -> Result<Native, String> {
    let mut base = format!("    prober: tcp\n    timeout: {}s\n    tcp:\n", spec.timeout);
    if spec.tls {
        base.push_str("      tls: true\n      tls_config:\n        insecure_skip_verify: true\n");
    }
    let short = spec.plugin.trim_start_matches("check_");
    let target = format!("$HOSTADDRESS$:{}", spec.port);
    let probe = |yaml: String| Probe::Blackbox {
        module: format!("nagios_{short}_{:08x}", crate::translate::fnv64(&yaml) as u32),
        module_yaml: yaml,
        target: target.clone(),
    };
    let (main, second, signals) = match &spec.expect {
        Some(e) => {
            let mut yaml = base.clone();
            yaml.push_str(&format!(
                "      query_response:\n        - expect: '{}'\n",
                e.replace('\'', "''")
            ));
            if let Some(send) = spec.send {
                yaml.push_str(&format!("        - send: \"{send}\"\n"));
            }
            let mut any = base.clone();
            any.push_str("      query_response:\n        - expect: '^'\n");
            if let Some(send) = spec.send {
                any.push_str(&format!("        - send: \"{send}\"\n"));
            }
            // 0 no first line at all; 1 a line, not the expected one; 2 time to the line.
            let signals = vec![
                "probe_success{__SEL2__} == bool 0".to_owned(),
                "(probe_success{__SEL__} == bool 0) * on(instance, host) group_left() (probe_success{__SEL2__} == bool 1)".to_owned(),
                "probe_duration_seconds{__SEL2__}".to_owned(),
            ];
            (probe(yaml), Some(probe(any)), signals)
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn times_are_strict_and_failures_critical() {
        let ctx = Context::default();
        let n = translate(
            &call("check_tcp -H $HOSTADDRESS$ -p 5432 -w 1 -c 3", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.warning, vec![Cond { signal: 2, test: Test::Gt(1.0) }]);
        assert_eq!(n.critical.len(), 2);
        assert!(
            matches!(&n.probe, Probe::Blackbox { target, .. } if target == "$HOSTADDRESS$:5432")
        );
        let n = translate(
            &call("check_tcp -H $HOSTADDRESS$ -p 6379 -e +PONG", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.warning[0].signal, 1);
        assert!(
            translate(&call("check_tcp -H $HOSTADDRESS$", &[] as &[&str]).unwrap(), &ctx).is_err()
        );
        assert!(
            translate(
                &call("check_tcp -H $HOSTADDRESS$ -p 1 -s PING", &[] as &[&str]).unwrap(),
                &ctx
            )
            .is_err()
        );
    }
}
