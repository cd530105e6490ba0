//! `check_dig -H server -l name [-T type] [-p port] [-A +tcp] [-w SECS] [-c SECS]`: a DNS
//! lookup through `dig`.
//!
//! Semantics (2.3.3 `check_dig.c`): the plugin runs `dig @server -p port name type`, then
//! looks for the line `;; ANSWER SECTION:`: from there on, a line holding the name asked for
//! (`strcasestr`; `-a`: the expected address instead) is OK; an answer section without one is
//! WARNING; no answer section at all (NXDOMAIN, no data, an error code) is CRITICAL, as is a
//! server that does not answer before the plugin's alarm (`-t`, 10 s). Then the time
//! overrides the state: more than `-c` seconds (a double, strict `>`) is CRITICAL, else more
//! than `-w` WARNING. The answer section's first record is the name asked for (dig prints its
//! owner name), so with an answer section the plugin is OK.
//!
//! blackbox_exporter dns prober against the server, which must be the service's host:
//! `probe_success` (at least one answer record, whatever the response code: dig prints the
//! section whenever the response has answers) and `probe_duration_seconds` for the time.
//! Close, not exact: a server that refuses at once (dig exits with an error before the alarm)
//! is WARNING in the plugin and CRITICAL here; with `-w`, a reply without answers that takes
//! longer than `-w` (and no longer than `-c`) is WARNING in the plugin, CRITICAL here.
//!
//! Not translated: `-a` (matched against every line after the answer header, the authority
//! and additional records and dig's own `;; SERVER: address#port` line included), `-A` other
//! than `+tcp`/`+vc` (`+short` and other output options remove the answer header: CRITICAL on
//! every run), a name that depends on a macro, no `-H` (the Nagios server's own resolver).

use super::common::{Code, Refusal, opts, own_host, port, timeout, with_common};
use super::{Call, Cond, Context, Missing, Native, Probe, Test, num};
use crate::translate::argv::opt;
use crate::translate::blackbox::{DnsProbe, IpFamily, Module, Prober, RrValidator};

/// Every DNS response code blackbox names: dig prints an answer section whatever the code.
const ANY_RCODE: [&str; 11] = [
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
    "NXRRSET", "NOTAUTH", "NOTZONE",
];

/// Translate a `check_dig` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('l', "query_address", true),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('A', "dig-arguments", true),
        opt('T', "record_type", true),
        opt('a', "expected_address", true),
        opt('p', "port", true),
        opt('4', "use-ipv4", false),
        opt('6', "use-ipv6", false),
    ]);
    let parsed = opts(call, &table, "check_dig")?;
    let name = parsed.last('l').ok_or_else(|| {
        Refusal::new(Code::PluginRefuses, "no -l: the plugin answers UNKNOWN (nothing to look up)")
    })?;
    if name.contains('$') || name.is_empty() {
        return Err(Refusal::new(Code::PerHostMacro, "the name to look up depends on a macro"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)) {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            format!("-l `{name}` is not a plain DNS name"),
        ));
    }
    // The server: -H, else the first operand, else the Nagios server's own resolver.
    let server = parsed.last('H').or(parsed.operands.first().map(String::as_str));
    match server {
        None if ctx.local => {}
        None => {
            return Err(Refusal::new(
                Code::RunsOnNagiosServer,
                "no -H: the plugin asks the resolver on the Nagios server (127.0.0.1), not this host",
            ));
        }
        Some(_) => own_host('H', server)?,
    }
    if parsed.has('a') {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-a is matched against every line after the answer header, the authority and additional records and dig's `;; SERVER:` line included, which blackbox does not see",
        ));
    }
    let tcp = match parsed.last('A').map(str::trim) {
        None | Some("") => false,
        Some("+tcp" | "+vc") => true,
        Some(a) if a.split_whitespace().any(|w| w == "+short" || w.starts_with("+noall")) => {
            return Err(Refusal::new(
                Code::PluginRefuses,
                format!(
                    "-A `{a}` removes dig's answer header: the plugin answers CRITICAL (\"No ANSWER SECTION found\") on every run"
                ),
            ));
        }
        Some(a) => {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("-A `{a}` (dig arguments other than +tcp) is not translated"),
            ));
        }
    };
    let qtype = parsed.last('T').unwrap_or("A").to_ascii_uppercase();
    if !["A", "AAAA", "MX", "NS", "CNAME", "TXT", "SOA", "PTR", "SRV", "CAA", "ANY"]
        .contains(&qtype.as_str())
    {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            format!("-T {qtype} is not translated"),
        ));
    }
    let seconds = |opt: &str, value: &str| -> Result<f64, Refusal> {
        let v = super::common::threshold_text(opt, value)?.trim();
        // is_nonnegative: a number at or above 0, or the plugin answers UNKNOWN (usage).
        match v.parse::<f64>() {
            Ok(x) if x >= 0.0 && x.is_finite() => Ok(x),
            _ => Err(Refusal::new(
                Code::PluginRefuses,
                format!("{opt} `{v}` is not a non-negative number: the plugin answers UNKNOWN"),
            )),
        }
    };
    let w = parsed.last('w').map(|v| seconds("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| seconds("-c", v)).transpose()?;
    let server_port = port(parsed.last('p'), 53)?;
    let timeout = timeout(parsed.last('t'))?;

    let settings = Module {
        dns: Some(DnsProbe {
            query_name: name.to_owned(),
            query_type: qtype.clone(),
            valid_rcodes: ANY_RCODE.to_vec(),
            validate_answer_rrs: RrValidator { fail_if_none_matches_regexp: vec![".*".to_owned()] },
            transport_protocol: tcp.then_some("tcp"),
            family: IpFamily::default(),
        }),
        ..Module::new(Prober::Dns, timeout)
    };
    let module = settings.name("dig");
    let mut canonical = format!("check_dig -H $HOSTADDRESS$ -l {name} -T {qtype}");
    if server_port != 53 {
        canonical.push_str(&format!(" -p {server_port}"));
    }
    if tcp {
        canonical.push_str(" -A +tcp");
    }
    let mut warning = Vec::new();
    let mut critical = vec![Cond { signal: 0, test: Test::Eq(0.0) }];
    if let Some(w) = w {
        canonical.push_str(&format!(" -w {}", num(w)));
        warning.push(Cond { signal: 1, test: Test::Gt(w) });
    }
    if let Some(c) = c {
        canonical.push_str(&format!(" -c {}", num(c)));
        critical.push(Cond { signal: 1, test: Test::Gt(c) });
    }
    let target = if server_port == 53 {
        "$HOSTADDRESS$".to_owned()
    } else {
        format!("$HOSTADDRESS$:{server_port}")
    };
    let mut notes = vec![
        "close: blackbox's probe duration for dig's run time; a server refusing at once is CRITICAL here, WARNING in the plugin".to_owned(),
    ];
    if w.is_some() {
        notes.push(
            "a reply without answers slower than -w (within -c) is WARNING in the plugin (the time overrides the state), CRITICAL here".to_owned(),
        );
    }
    let (signals, feed) = super::common::success_and_duration();
    Ok(Native {
        plugin: "check_dig",
        alert: "NagiosCheckDig",
        probe: Probe::Blackbox { module, settings: Box::new(settings), target, from_host: false },
        canonical,
        signals,
        warning,
        critical,
        feed,
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: Vec::new(),
        missing: Missing::Unknown,
        notes,
        calm: vec![1.0, 0.0],
        presence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    fn tr(line: &str) -> Result<Native, Refusal> {
        translate(&call(line, &[] as &[&str]).map_err(Refusal::from)?, &Context::default())
    }

    fn dns(n: &Native) -> DnsProbe {
        let Probe::Blackbox { settings, .. } = &n.probe else { panic!("{:?}", n.probe) };
        settings.dns.clone().unwrap_or_default()
    }

    #[test]
    fn an_answer_section_is_ok_and_the_time_is_strict() {
        let n = tr("check_dig -H $HOSTADDRESS$ -l www.example.org -w 1 -c 3").unwrap();
        assert_eq!(n.canonical, "check_dig -H $HOSTADDRESS$ -l www.example.org -T A -w 1 -c 3");
        let d = dns(&n);
        assert_eq!(d.query_name, "www.example.org");
        assert_eq!(d.validate_answer_rrs.fail_if_none_matches_regexp, [".*"]);
        assert_eq!(d.valid_rcodes.len(), 11, "any response code with answers passes");
        // No answer: CRITICAL; both time edges strict.
        assert_eq!(n.critical[0], Cond { signal: 0, test: Test::Eq(0.0) });
        assert!(n.critical[1].test.alerts(3f64.next_up()) && !n.critical[1].test.alerts(3.0));
        assert!(n.warning[0].test.alerts(1f64.next_up()) && !n.warning[0].test.alerts(1.0));
        // -w/-c as doubles; negative or junk: UNKNOWN (usage).
        let n = tr("check_dig -H $HOSTADDRESS$ -l a.example -c 0.5").unwrap();
        assert_eq!(n.critical[1].test, Test::Gt(0.5));
        for bad in ["-w -1", "-c x"] {
            let e = tr(&format!("check_dig -H $HOSTADDRESS$ -l a.example {bad}")).unwrap_err();
            assert_eq!(e.code, Code::PluginRefuses, "{bad}");
        }
    }

    #[test]
    fn port_type_and_transport() {
        let n = tr("check_dig -H $HOSTADDRESS$ -p 5353 -l a.example -T mx -A +tcp").unwrap();
        let Probe::Blackbox { target, .. } = &n.probe else { panic!() };
        assert_eq!(target, "$HOSTADDRESS$:5353");
        let d = dns(&n);
        assert_eq!((d.query_type.as_str(), d.transport_protocol), ("MX", Some("tcp")));
        assert!(n.canonical.ends_with("-T MX -p 5353 -A +tcp"), "{}", n.canonical);
        // The server as an operand.
        assert!(tr("check_dig -l a.example $HOSTADDRESS$").is_ok());
    }

    #[test]
    fn refusals_say_why() {
        let code = |line: &str| tr(line).unwrap_err().code;
        assert_eq!(code("check_dig -H $HOSTADDRESS$"), Code::PluginRefuses);
        assert_eq!(code("check_dig -H 192.0.2.53 -l a.example"), Code::NotServiceHost);
        assert_eq!(code("check_dig -l a.example"), Code::RunsOnNagiosServer);
        assert_eq!(code("check_dig -H $HOSTADDRESS$ -l $HOSTNAME$"), Code::PerHostMacro);
        assert_eq!(
            code("check_dig -H $HOSTADDRESS$ -l a.example -a 192.0.2.1"),
            Code::OptionNotTranslated
        );
        assert_eq!(code("check_dig -H $HOSTADDRESS$ -l a.example -A +short"), Code::PluginRefuses);
        assert_eq!(
            code("check_dig -H $HOSTADDRESS$ -l a.example -A +dnssec"),
            Code::OptionNotTranslated
        );
        assert_eq!(
            code("check_dig -H $HOSTADDRESS$ -l a.example -T NAPTR"),
            Code::OptionNotTranslated
        );
        // On the Nagios server's own host, no -H is its own resolver.
        let local = Context { local: true, ..Context::default() };
        assert!(
            translate(&call("check_dig -l a.example", &[] as &[&str]).unwrap(), &local).is_ok()
        );
    }
}
