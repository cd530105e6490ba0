//! `check_smtp -H host [-p port] [-e expect] [-w secs] [-c secs]`: an SMTP banner.
//!
//! Semantics (2.3.3 `check_smtp.c`): connection failure CRITICAL; a banner not starting with
//! `-e` (default `220`) is WARNING; `-w`/`-c` are doubles, strictly greater. blackbox tcp
//! prober with `query_response: expect ^220` then `QUIT` (verified against an SMTP
//! dialogue). Not translated: `-C`/`-R` dialogues, STARTTLS (`-S`), certificate days (`-D`),
//! SMTP AUTH (`-A`/`-U`/`-P`; the password is never read).

use super::common::tcp::{TcpSpec, build};
use super::common::{Code, Refusal, number, opts, own_host, port, timeout, with_common};
use super::{Call, Context, Native};
use crate::translate::argv::opt;
use crate::translate::promql::regex_escape;

/// Translate a `check_smtp` call.
pub fn translate(call: &Call, _ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('p', "port", true),
        opt('e', "expect", true),
        opt('C', "command", true),
        opt('R', "response", true),
        opt('f', "from", true),
        opt('F', "fqdn", true),
        opt('A', "authtype", true),
        opt('U', "authuser", true),
        opt('P', "authpass", true),
        opt('S', "starttls", false),
        opt('D', "certificate", true),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('q', "ignore-quit-failure", false),
        opt('4', "use-ipv4", false),
        opt('6', "use-ipv6", false),
    ]);
    let parsed = opts(call, &table, "check_smtp")?;
    own_host('H', parsed.last('H'))?;
    if parsed.has('A') || parsed.has('U') || parsed.has('P') {
        return Err(Refusal::new(
            Code::Credentials,
            "SMTP AUTH (-A/-U/-P) is not translated (credentials are never copied)".to_owned(),
        ));
    }
    for (letter, what) in [
        ('C', "-C/-R dialogues"),
        ('R', "-C/-R dialogues"),
        ('S', "STARTTLS (-S)"),
        ('D', "certificate days (-D)"),
    ] {
        if parsed.has(letter) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("{what} is not translated"),
            ));
        }
    }
    let port = port(parsed.last('p'), 25)?;
    let expect = parsed.last('e').unwrap_or("220");
    if expect.contains('$') {
        return Err(Refusal::new(Code::PerHostMacro, "-e depends on a macro".to_owned()));
    }
    let w = parsed.last('w').map(|v| number("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| number("-c", v)).transpose()?;
    build(TcpSpec {
        plugin: "check_smtp",
        alert: "NagiosCheckSmtp",
        port,
        warn: w,
        crit: c,
        expect: Some(format!("^{}", regex_escape(expect))),
        tls: false,
        timeout: timeout(parsed.last('t'))?,
        send: Some("QUIT\r"),
        canonical: format!(
            "check_smtp -H $HOSTADDRESS$ -p {port} -e {expect}{}{}",
            w.map(|w| format!(" -w {}", super::num(w))).unwrap_or_default(),
            c.map(|c| format!(" -c {}", super::num(c))).unwrap_or_default()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;
    use crate::translate::plugins::Probe;

    #[test]
    fn banner_and_auth() {
        let ctx = Context::default();
        let n =
            translate(&call("check_smtp -H $HOSTADDRESS$", &[] as &[&str]).unwrap(), &ctx).unwrap();
        let Probe::Blackbox { settings, .. } = &n.probe else { panic!() };
        assert_eq!(
            settings.to_value()["tcp"]["query_response"],
            serde_json::json!([{"expect": "^220"}, {"send": "QUIT\r"}])
        );
        let e = translate(
            &call("check_smtp -H $HOSTADDRESS$ -A LOGIN -U u -P $ARG1$", &["x"]).unwrap(),
            &ctx,
        )
        .unwrap_err();
        assert!(e.text.contains("AUTH"));
        assert_eq!(e.code, Code::Credentials);
    }
}
