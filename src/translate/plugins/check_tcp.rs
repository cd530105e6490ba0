//! `check_tcp -H host -p port [-w secs] [-c secs] [-e expect] [-S]`: a TCP service.
//!
//! Semantics (2.3.3 `check_tcp.c`): `-w`/`-c` are doubles, alert when the elapsed time is
//! **strictly** greater; a refused connection is CRITICAL (`-r`, default crit); an expect
//! mismatch is WARNING (`-M`, default warn). blackbox_exporter tcp prober:
//! `probe_duration_seconds`, `probe_success`, `probe_failed_due_to_regex` (query_response
//! `expect`, verified). Not translated: `-s`/`-q` dialogues, several `-e`, `-D` certificates,
//! `-r`/`-M` other than the defaults.

use super::common::tcp::{TcpSpec, build};
use super::common::{Code, Refusal, number, opts, own_host, port, timeout, with_common};
use super::{Call, Context, Native};
use crate::translate::argv::opt;
use crate::translate::promql::regex_escape;

/// Translate a `check_tcp` call.
pub fn translate(call: &Call, _ctx: &Context) -> Result<Native, Refusal> {
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
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("{what} is not translated"),
            ));
        }
    }
    if parsed.last('r').is_some_and(|r| r != "crit")
        || parsed.last('M').is_some_and(|m| m != "warn")
    {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-r/-M other than the defaults (crit/warn) are not translated".to_owned(),
        ));
    }
    let expects: Vec<&str> = parsed.all('e').collect();
    if expects.len() > 1 {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "several -e strings are not translated".to_owned(),
        ));
    }
    let port = match parsed.last('p') {
        Some(_) => port(parsed.last('p'), 0)?,
        None => {
            return Err(Refusal::new(
                Code::PluginRefuses,
                "no -p: check_tcp needs a port".to_owned(),
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;
    use crate::translate::plugins::{Cond, Probe, Test};

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
