//! Wikimedia's `check_ssl` (operations-puppet `modules/nagios_common/files/check_commands/
//! check_ssl`, Perl, Monitoring::Plugin): `check_ssl -H host -p port [--cn NAME] [-w DAYS]
//! [-c DAYS] [--no-verify]`, the server's certificate over TLS → blackbox tcp with TLS.
//!
//! Semantics read from its source:
//! - it connects with SNI `--cn` (default: `-H`) and **does not verify the chain**
//!   (`SSL_verify_mode => SSL_VERIFY_NONE`); a failed connection or handshake is CRITICAL;
//! - unless `--no-verify`, the certificate must match `--cn` (`verify_hostname`, the `-P`
//!   scheme, default `http`, RFC 2818): CRITICAL otherwise;
//! - the leaf's validity: not yet valid or expired CRITICAL; `notAfter − now < critical × 86400`
//!   CRITICAL, `< warning × 86400` WARNING (seconds, strict; defaults 15 and 30 days);
//! - `--ocsp` is `off` unless given, `-r` only matters to a verification it does not make.
//!
//! blackbox: a tcp probe with `tls: true` and `server_name` = `--cn`. Without `--no-verify`
//! blackbox verifies the name *and* the chain (Go's TLS cannot check one without the
//! other): the same CRITICAL for a wrong name, an expired or not yet valid leaf, and also for a
//! chain the prober's trust store does not accept, which the plugin lets pass (close: give
//! blackbox the CA, `tls_config.ca_file`, for a private one). With `--no-verify` nothing is
//! verified, as in the plugin. The days left read `probe_ssl_earliest_cert_expiry`, the
//! earliest expiry of the certificates the server presents (close: an intermediate that
//! expires before the leaf fires first).
//!
//! Bridged: `--ocsp` other than `off`, `--authalg` (selects the certificate type by cipher
//! list), `--sans`, `--no-sni`, `-s`/`-i` (subject and issuer matches), `-S` (protocol
//! version), `-4`/`-6`, `-P` other than `http`, and Perl's single-dash long options.

use super::common::{Code, Refusal, opts, own_host, port};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::opt;
use crate::translate::blackbox::{Module, Prober, TcpProbe, TlsConfig};

/// Seconds in a day, as the plugin counts them.
const DAY: f64 = 86_400.0;

/// Translate a `check_ssl` call.
pub fn translate(call: &Call, _ctx: &Context) -> Result<Native, Refusal> {
    // Perl's Getopt::Long reads `-cn x` as the long option `--cn`; getopt would read a bundle.
    if let Some(word) = call.args.iter().take_while(|a| *a != "--").find(|a| {
        a.len() > 2
            && a.starts_with('-')
            && !a.starts_with("--")
            && a[1..].chars().all(|c| c.is_ascii_alphabetic())
    }) {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            format!(
                "`{word}`: a single-dash long option, which Perl's Getopt::Long reads differently from getopt"
            ),
        ));
    }
    let table = [
        opt('H', "host", true),
        opt('p', "port", true),
        opt('n', "cn", true),
        opt('P', "protocol", true),
        opt('4', "ipv4", false),
        opt('6', "ipv6", false),
        opt('r', "rootcert", true),
        opt('S', "ssl", true),
        opt('\0', "noverify", false),
        opt('\0', "no-verify", false),
        opt('\0', "nosni", false),
        opt('\0', "no-sni", false),
        opt('\0', "authalg", true),
        opt('s', "subject", true),
        opt('i', "issuer", true),
        opt('\0', "sans", true),
        opt('o', "ocsp", true),
        opt('\0', "ocspwarn", true),
        opt('\0', "ocspcrit", true),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('t', "timeout", true),
        opt('v', "verbose", false),
    ];
    let parsed = opts(call, &table, "check_ssl")?;
    let not_translated = |what: &str| Err(Refusal::new(Code::OptionNotTranslated, what.to_owned()));
    for (long, what) in [
        (
            "authalg",
            "--authalg selects the certificate type by the cipher list, which blackbox cannot",
        ),
        ("sans", "--sans (SAN entries that must be present) is not translated"),
        ("nosni", "--no-sni: blackbox sends the server name it verifies"),
        ("no-sni", "--no-sni: blackbox sends the server name it verifies"),
    ] {
        if parsed.has_long(long) {
            return not_translated(what);
        }
    }
    for (short, what) in [
        ('s', "-s (a subject match) is not translated"),
        ('i', "-i (an issuer match) is not translated"),
        ('S', "-S (a forced protocol version) is not translated"),
        ('4', "-4/-6 (the address family) is not translated"),
        ('6', "-4/-6 (the address family) is not translated"),
    ] {
        if parsed.has(short) {
            return not_translated(what);
        }
    }
    match parsed.last('o') {
        None | Some("off") => {}
        Some("valid" | "must-staple") => {
            return not_translated("--ocsp: blackbox does not check OCSP staples");
        }
        Some(other) => {
            return Err(Refusal::new(
                Code::PluginRefuses,
                format!("--ocsp `{other}`: the plugin answers UNKNOWN (Invalid OCSP setting)"),
            ));
        }
    }
    match parsed.last('P') {
        None | Some("http") => {}
        Some(_) => return not_translated("-P other than http (another host name matching scheme)"),
    }
    let Some(host) = parsed.last('H') else {
        return Err(Refusal::new(Code::PluginRefuses, "no -H: the plugin requires it"));
    };
    own_host('H', Some(host))?;
    if parsed.last('p').is_none() {
        return Err(Refusal::new(Code::PluginRefuses, "no -p: the plugin requires it"));
    }
    let port = port(parsed.last('p'), 443)?;
    let cn = parsed.last('n').unwrap_or(host);
    if cn != host
        && (cn.contains('$') || cn.contains(|c: char| c.is_whitespace() || c == '"' || c == '\''))
    {
        return Err(Refusal::new(Code::PerHostMacro, "--cn depends on a macro, or holds quotes"));
    }
    let days = |name: &str, letter: char, default: i64| -> Result<i64, Refusal> {
        match parsed.last(letter) {
            None => Ok(default),
            Some(v) if v.contains('$') => {
                Err(Refusal::new(Code::PerHostMacro, format!("--{name} depends on a macro")))
            }
            Some(v) => v.trim().parse::<i64>().map_err(|_| {
                Refusal::new(
                    Code::PluginRefuses,
                    format!("--{name} `{v}`: an integer option; the plugin refuses it"),
                )
            }),
        }
    };
    let warn = days("warning", 'w', 30)?;
    let crit = days("critical", 'c', 15)?;
    let timeout = match parsed.last('t') {
        None => 15,
        Some(v) => {
            v.trim().parse::<u32>().ok().filter(|t| *t > 0 && *t <= 600).ok_or_else(|| {
                Refusal::new(Code::InvalidValue, format!("-t `{v}` is not a timeout in seconds"))
            })?
        }
    };
    let verify = !(parsed.has_long("no-verify") || parsed.has_long("noverify"));
    // The server name: the CN to match; with `$HOSTADDRESS$` (no --cn) it is the address.
    let server_name = (cn != "$HOSTADDRESS$").then(|| cn.to_owned());
    let tls = TlsConfig { insecure_skip_verify: !verify, server_name };
    let settings = Module {
        tcp: Some(TcpProbe { tls: true, tls_config: Some(tls), ..TcpProbe::default() }),
        ..Module::new(Prober::Tcp, timeout)
    };
    let module = settings.name("ssl");
    let mut canonical =
        format!("check_ssl -H $HOSTADDRESS$ -p {port} --cn {cn} -w {warn} -c {crit} -t {timeout}");
    if !verify {
        canonical.push_str(" --no-verify");
    }
    let mut notes = vec![
        "close: the days left are the earliest expiry of the certificates the server presents (an intermediate that expires before the leaf fires first)".to_owned(),
    ];
    if verify {
        notes.push("close: blackbox verifies the chain with the name (the plugin checks the name only): a chain the prober's trust store does not accept is CRITICAL here; give blackbox the CA (tls_config.ca_file) for a private one".to_owned());
    }
    Ok(Native {
        plugin: "check_ssl",
        alert: "NagiosCheckSsl",
        probe: Probe::Blackbox {
            module,
            settings: Box::new(settings),
            target: format!("$HOSTADDRESS$:{port}"),
            from_host: false,
        },
        canonical,
        // 0 the handshake (and, verifying, the name and validity) failed; 1 seconds left.
        signals: vec![
            "probe_success{__SEL__} == bool 0".to_owned(),
            "probe_ssl_earliest_cert_expiry{__SEL__} - time()".to_owned(),
        ],
        warning: vec![Cond { signal: 1, test: Test::Lt(warn as f64 * DAY) }],
        critical: vec![
            Cond { signal: 0, test: Test::Eq(1.0) },
            Cond { signal: 1, test: Test::Lt(crit as f64 * DAY) },
        ],
        feed: Box::new(|v: &[f64], t: f64| {
            // v[0]: failed (1) or not; v[1]: seconds left at the evaluation time `t`.
            let failed = v.first().copied().unwrap_or(0.0) == 1.0;
            let left = v.get(1).copied().unwrap_or(365.0 * DAY);
            let mut fed = Fed::default();
            fed.series.push(Series::constant("probe_success", &[], if failed { 0.0 } else { 1.0 }));
            fed.realized.push(Some(if failed { 1.0 } else { 0.0 }));
            fed.labels.push(Vec::new());
            if !failed {
                fed.series.push(Series::constant("probe_ssl_earliest_cert_expiry", &[], t + left));
            }
            fed.realized.push((!failed).then_some(left));
            fed.labels.push(Vec::new());
            fed
        }),
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: Vec::new(),
        missing: Missing::Unknown,
        notes,
        calm: vec![0.0, 365.0 * DAY],
        presence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    fn tr(line: &str, args: &[&str]) -> Result<Native, Refusal> {
        translate(&call(line, args).map_err(Refusal::from)?, &Context::default())
    }

    fn alerts(conds: &[Cond], values: &[f64]) -> bool {
        conds.iter().any(|c| c.test.alerts(values[c.signal]))
    }

    /// Wikimedia's check_ssl_http: `--warning 60 --critical 30 -H $HOSTADDRESS$ -p 443 --cn $ARG1$`.
    #[test]
    fn days_left_compare_strictly_in_seconds() {
        let n = tr(
            "$USER1$/check_ssl --warning 60 --critical 30 -H $HOSTADDRESS$ -p 443 --cn $ARG1$",
            &["en.wikipedia.org"],
        )
        .unwrap();
        let Probe::Blackbox { settings, target, .. } = &n.probe else { panic!("a probe") };
        assert_eq!(target, "$HOSTADDRESS$:443");
        let tls = settings.tcp.as_ref().and_then(|t| t.tls_config.clone()).unwrap();
        assert_eq!(tls.server_name.as_deref(), Some("en.wikipedia.org"));
        assert!(!tls.insecure_skip_verify);
        for (left_days, warn, crit) in [
            (61.0, false, false),
            (60.0, false, false),
            (59.99, true, false),
            (30.0, true, false),
            (29.99, true, true),
            (-1.0, true, true),
        ] {
            let v = [0.0, left_days * DAY];
            assert_eq!(alerts(&n.warning, &v), warn, "{left_days}");
            assert_eq!(alerts(&n.critical, &v), crit, "{left_days}");
        }
        assert!(alerts(&n.critical, &[1.0, 365.0 * DAY]), "a failed handshake");
        // Defaults 30 / 15; --no-verify does not verify.
        let n = tr("check_ssl -H $HOSTADDRESS$ -p 9093 --cn kafka --no-verify", &[]).unwrap();
        assert!(
            n.canonical.contains("-w 30 -c 15") && n.canonical.ends_with("--no-verify"),
            "{}",
            n.canonical
        );
        let Probe::Blackbox { settings, .. } = &n.probe else { panic!("a probe") };
        assert!(
            settings.tcp.as_ref().and_then(|t| t.tls_config.clone()).unwrap().insecure_skip_verify
        );
    }

    #[test]
    fn what_blackbox_cannot_check_stays_bridged() {
        for (line, code) in [
            ("check_ssl -H $HOSTADDRESS$ -p 443 --cn a --authalg RSA", Code::OptionNotTranslated),
            ("check_ssl -H $HOSTADDRESS$ -p 443 --cn a --sans a,b", Code::OptionNotTranslated),
            (
                "check_ssl -H $HOSTADDRESS$ -p 443 --cn a --ocsp must-staple",
                Code::OptionNotTranslated,
            ),
            ("check_ssl -H $HOSTADDRESS$ -p 443 --cn a --no-sni", Code::OptionNotTranslated),
            ("check_ssl -H $HOSTADDRESS$ -p 443 --cn a -i GlobalSign", Code::OptionNotTranslated),
            ("check_ssl -H $HOSTADDRESS$ -p 443 -cn a", Code::OptionNotTranslated),
            ("check_ssl -H $HOSTADDRESS$ -p 443 --cn a --ocsp bogus", Code::PluginRefuses),
            ("check_ssl -H $HOSTADDRESS$ -p 443 --cn a -w 7.5", Code::PluginRefuses),
            ("check_ssl -H $HOSTADDRESS$ --cn a", Code::PluginRefuses),
            ("check_ssl --cn a -H 10.0.0.1 -p 443", Code::NotServiceHost),
        ] {
            assert_eq!(tr(line, &[]).unwrap_err().code, code, "{line}");
        }
        assert!(
            tr("check_ssl -H $HOSTADDRESS$ -p 443 --cn a --ocsp off -r /etc/ssl/certs", &[])
                .is_ok()
        );
    }
}
