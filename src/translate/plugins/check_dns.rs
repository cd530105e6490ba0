//! `check_dns -H name -s server [-q type] [-w RANGE] [-c RANGE]`: a DNS lookup.
//!
//! Semantics (2.3.3 `check_dns.c`): CRITICAL when the lookup fails or returns nothing;
//! `-w`/`-c` are ranges on the lookup time in seconds. blackbox_exporter dns prober against the
//! server `-s` (which must be the service's host): `probe_success`, `probe_duration_seconds`.
//! Not translated: no `-s` (the Nagios server's resolver), `-a` expected addresses, `-A`
//! authority, a name that depends on a macro.

use super::common::{Code, Refusal, opts, own_host, range, timeout, with_common};
use super::{Call, Cond, Context, Missing, Native, Probe, Test};
use crate::translate::argv::opt;
use crate::translate::blackbox::{DnsProbe, IpFamily, Module, Prober, RrValidator};

/// Translate a `check_dns` call.
pub fn translate(call: &Call, _ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('s', "server", true),
        opt('q', "querytype", true),
        opt('a', "expected-address", true),
        opt('A', "expect-authority", false),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('n', "accept-cname", false),
        opt('L', "all", false),
    ]);
    let parsed = opts(call, &table, "check_dns")?;
    if parsed.has('A') {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-A (expect an authoritative answer): blackbox does not check the AA flag",
        ));
    }
    if parsed.has('L') {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-L (every address expected and returned) is not translated: blackbox matches answers one by one",
        ));
    }
    let name = parsed
        .last('H')
        .ok_or_else(|| Refusal::new(Code::PluginRefuses, "no -H: nothing to look up"))?;
    if name.contains('$') || !name.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)) {
        return Err(Refusal::new(
            Code::PerHostMacro,
            "the name to look up depends on a macro or is not a plain DNS name".to_owned(),
        ));
    }
    if parsed.last('s').is_none() {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "no -s: the plugin asks the Nagios server's resolver; not translated".to_owned(),
        ));
    }
    own_host('s', parsed.last('s'))?;
    let qtype = parsed.last('q').unwrap_or("A").to_ascii_uppercase();
    if !["A", "AAAA", "MX", "NS", "CNAME", "TXT", "SOA", "PTR", "SRV"].contains(&qtype.as_str()) {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            format!("-q {qtype} is not translated"),
        ));
    }
    let w = parsed.last('w').map(|v| range("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| range("-c", v)).transpose()?;
    let timeout = timeout(parsed.last('t'))?;
    let expected = expected_addresses(&parsed, &qtype)?;
    // No -a: any answer record passes (the plugin wants an address, blackbox at least a record).
    let patterns = if expected.is_empty() { vec![".*".to_owned()] } else { expected };
    let settings = Module {
        dns: Some(DnsProbe {
            query_name: name.to_owned(),
            query_type: qtype.clone(),
            valid_rcodes: vec!["NOERROR"],
            validate_answer_rrs: RrValidator { fail_if_none_matches_regexp: patterns },
            transport_protocol: None,
            family: IpFamily::default(),
        }),
        ..Module::new(Prober::Dns, timeout)
    };
    let module = settings.name("dns");
    let mut warning = Vec::new();
    let mut critical = vec![Cond { signal: 0, test: Test::Eq(0.0) }];
    let mut canonical = format!("check_dns -H {name} -s $HOSTADDRESS$ -q {qtype}");
    for a in parsed.all('a') {
        canonical.push_str(&format!(" -a {a}"));
    }
    if let Some(w) = w {
        canonical.push_str(&format!(" -w {w}"));
        warning.push(Cond { signal: 1, test: Test::Range(w) });
    }
    if let Some(c) = c {
        canonical.push_str(&format!(" -c {c}"));
        critical.push(Cond { signal: 1, test: Test::Range(c) });
    }
    let (signals, feed) = super::common::success_and_duration();
    Ok(Native {
        plugin: "check_dns",
        alert: "NagiosCheckDns",
        probe: Probe::Blackbox {
            module,
            settings: Box::new(settings),
            target: "$HOSTADDRESS$".to_owned(),
            from_host: false,
        },
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
        notes: vec!["close: blackbox's probe duration for the lookup time".to_owned()],
        calm: vec![1.0, 0.0],
        presence: None,
    })
}

/// `-a` (repeatable, comma lists): the plugin is OK when any returned address equals one of
/// them or lies in one of their CIDR ranges (2.3.3 `check_dns.c`, `strcmp` or
/// `ip_match_cidr`), else CRITICAL. As blackbox answer-RR regexes (`name.\tTTL\tIN\tA\tADDR`):
/// exact IPv4 and IPv6 addresses, IPv4 ranges on octet boundaries (/8, /16, /24, /32).
fn expected_addresses(
    parsed: &crate::translate::argv::Parsed,
    qtype: &str,
) -> Result<Vec<String>, Refusal> {
    let items: Vec<&str> = parsed.all('a').flat_map(|a| a.split(',')).collect();
    if items.is_empty() {
        return Ok(Vec::new());
    }
    if qtype != "A" && qtype != "AAAA" {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            format!("-a with -q {qtype} is not translated (only A and AAAA answers)"),
        ));
    }
    let mut out = Vec::new();
    for item in items {
        let bad = || {
            Refusal::new(
                Code::OptionNotTranslated,
                format!(
                    "-a `{item}` is not an address or an IPv4 range on an octet boundary (/8, /16, /24, /32)"
                ),
            )
        };
        if item.contains('$') {
            return Err(Refusal::new(Code::PerHostMacro, "-a depends on a macro"));
        }
        let (addr, prefix) = match item.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (item, None),
        };
        if let Ok(v4) = addr.parse::<std::net::Ipv4Addr>() {
            let octets = v4.octets();
            let keep = match prefix {
                None | Some(32) => 4,
                Some(24) => 3,
                Some(16) => 2,
                Some(8) => 1,
                Some(_) => return Err(bad()),
            };
            let mut parts: Vec<String> = octets[..keep].iter().map(u8::to_string).collect();
            parts.resize(4, "[0-9]+".to_owned());
            out.push(format!("\\tA\\t{}$", parts.join("\\.")));
        } else if let Ok(v6) = addr.parse::<std::net::Ipv6Addr>() {
            if prefix.is_some_and(|p| p != 128) {
                return Err(bad());
            }
            // The plugin compares the text nslookup prints (inet_ntop: lower case, the
            // longest run of zero groups compressed) with strcmp.
            if v6.to_string() != addr {
                return Err(Refusal::new(
                    Code::PluginRefuses,
                    format!(
                        "-a `{addr}` is not written as nslookup prints it (`{v6}`): the plugin compares the text, so it never matches and the check is CRITICAL on every run"
                    ),
                ));
            }
            out.push(format!(
                "\\tAAAA\\t{}$",
                crate::translate::promql::regex_escape(&v6.to_string())
            ));
        } else {
            return Err(bad());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn lookups() {
        let ctx = Context::default();
        let n = translate(
            &call("check_dns -H $ARG1$ -s $HOSTADDRESS$", &["www.example.org"]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.canonical, "check_dns -H www.example.org -s $HOSTADDRESS$ -q A");
        assert!(
            translate(&call("check_dns -H www.example.org", &[] as &[&str]).unwrap(), &ctx)
                .is_err()
        );
        assert!(
            translate(
                &call("check_dns -H $HOSTNAME$ -s $HOSTADDRESS$", &[] as &[&str]).unwrap(),
                &ctx
            )
            .is_err()
        );
    }

    fn answers(n: &Native) -> Vec<String> {
        let Probe::Blackbox { settings, .. } = &n.probe else { panic!() };
        settings.dns.clone().unwrap_or_default().validate_answer_rrs.fail_if_none_matches_regexp
    }

    #[test]
    fn expected_addresses_become_answer_regexes() {
        let ctx = Context::default();
        let tr = |line: &str| translate(&call(line, &[] as &[&str]).unwrap(), &ctx);
        let n = tr("check_dns -H www.example.org -s $HOSTADDRESS$ -a 192.0.2.1,198.51.100.0/24")
            .unwrap();
        assert_eq!(
            answers(&n),
            [r"\tA\t192\.0\.2\.1$", r"\tA\t198\.51\.100\.[0-9]+$"],
            "each -a is one answer regex; no catch-all"
        );
        let n = tr("check_dns -H www.example.org -s $HOSTADDRESS$ -q AAAA -a 2001:db8::1").unwrap();
        assert_eq!(answers(&n), [r"\tAAAA\t2001:db8::1$"]);
        let n = tr("check_dns -H www.example.org -s $HOSTADDRESS$").unwrap();
        assert_eq!(answers(&n), [".*"], "no -a: any record");
        // The plugin compares text: an address nslookup would print otherwise never matches.
        let e = tr("check_dns -H www.example.org -s $HOSTADDRESS$ -q AAAA -a 2001:DB8:0:0::1")
            .unwrap_err();
        assert_eq!(e.code, Code::PluginRefuses);
        assert!(e.text.contains("`2001:db8::1`"), "{}", e.text);
        for bad in
            ["-a 192.0.2.0/25", "-a host.example.", "-A", "-L -a 192.0.2.1", "-q MX -a 192.0.2.1"]
        {
            let e =
                tr(&format!("check_dns -H www.example.org -s $HOSTADDRESS$ {bad}")).unwrap_err();
            assert_eq!(e.code, Code::OptionNotTranslated, "{bad}");
        }
    }
}
