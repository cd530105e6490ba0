//! `check_ssh -H host [-p port]`: an SSH banner.
//!
//! Semantics (2.3.3 `check_ssh.c`): no thresholds; CRITICAL when the connection fails or the
//! banner is not an SSH identification. blackbox_exporter tcp prober with
//! `query_response: expect ^SSH-` (verified against an SSH banner): `probe_success == 0` is
//! CRITICAL. `-r` (remote version) and `-P` (protocol) checks are not translated.

use super::common::{
    Code, Refusal, opts, own_host, own_host_as, port, probe_success_feed, timeout, with_common,
};
use super::{Call, Cond, Context, Missing, Native, Probe, Test};
use crate::translate::argv::opt;
use crate::translate::blackbox::{Module, Prober, QueryResponse, TcpProbe};

/// Translate a `check_ssh` call.
pub fn translate(call: &Call, _ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('p', "port", true),
        opt('r', "remote-version", true),
        opt('P', "remote-protocol", true),
        opt('4', "use-ipv4", false),
        opt('6', "use-ipv6", false),
    ]);
    let parsed = opts(call, &table, "check_ssh")?;
    match parsed.last('H') {
        Some(h) => own_host('H', Some(h))?,
        None => own_host_as("the host argument", 'H', parsed.operands.first().map(String::as_str))?,
    }
    if parsed.has('r') || parsed.has('P') {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-r/-P (remote version or protocol match) is not translated".to_owned(),
        ));
    }
    let port = port(parsed.last('p'), 22)?;
    let timeout = timeout(parsed.last('t'))?;
    let module = format!("nagios_ssh_t{timeout}");
    Ok(Native {
        plugin: "check_ssh",
        alert: "NagiosCheckSsh",
        probe: Probe::Blackbox {
            module: module.clone(),
            settings: Box::new(Module {
                tcp: Some(TcpProbe {
                    query_response: vec![QueryResponse::Expect("^SSH-".to_owned())],
                    ..TcpProbe::default()
                }),
                ..Module::new(Prober::Tcp, timeout)
            }),
            target: format!("$HOSTADDRESS$:{port}"),
            from_host: false,
        },
        canonical: format!("check_ssh -H $HOSTADDRESS$ -p {port} -t {timeout}"),
        signals: vec!["probe_success{__SEL__}".to_owned()],
        warning: Vec::new(),
        critical: vec![Cond { signal: 0, test: Test::Eq(0.0) }],
        feed: probe_success_feed(),
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: Vec::new(),
        missing: Missing::Unknown,
        notes: Vec::new(),
        calm: Vec::new(),
        presence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn banner_probe() {
        let ctx = Context::default();
        let n = translate(
            &call("$USER1$/check_ssh -H $HOSTADDRESS$ -t 2", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.canonical, "check_ssh -H $HOSTADDRESS$ -p 22 -t 2");
        assert!(matches!(&n.probe, Probe::Blackbox { target, .. } if target == "$HOSTADDRESS$:22"));
        assert!(translate(&call("check_ssh -H 10.0.0.1", &[] as &[&str]).unwrap(), &ctx).is_err());
        assert!(
            translate(
                &call("check_ssh -H $HOSTADDRESS$ -r OpenSSH_9", &[] as &[&str]).unwrap(),
                &ctx
            )
            .is_err()
        );
    }

    #[test]
    fn a_fixed_host_operand_is_named_as_such() {
        let e = translate(
            &call("check_ssh -p 22 10.0.0.1", &[] as &[&str]).unwrap(),
            &Context::default(),
        )
        .unwrap_err();
        assert_eq!(e.code, Code::NotServiceHost);
        assert!(e.text.starts_with("the host argument"), "{}", e.text);
    }
}
