//! `check_http` / `check_curl`: an HTTP(S) request, or a certificate's days left (`-C`).
//!
//! Semantics (2.3.3 `check_http.c`): `-w`/`-c` are ranges on the response time (seconds,
//! whole request); status ≥ 500 is CRITICAL, 4xx WARNING, 3xx per `-f` (default `ok`: not
//! followed, OK); no answer is CRITICAL. `-C W[,C]`: whole days left of the certificate,
//! WARNING when ≤ W, CRITICAL when ≤ C (default 0); with `-C` the plugin stops after the
//! certificate unless `--continue-after-certificate`. The plugin does not verify certificates.
//!
//! blackbox_exporter http prober (`probe_http_status_code` is exported even when the module
//! rejects the code, verified): WARNING on status 400–499 or time, CRITICAL on a failure
//! other than a 3xx/4xx status (no answer, TLS error, 5xx) or time; certificates with
//! `probe_ssl_earliest_cert_expiry` (earliest of the chain: may fire before the leaf-only
//! plugin). Not translated: `-e`, `-s`, `-r`/`-R`, `-a` (credentials are never copied),
//! `-P`/`-j` other than GET, `-k` headers, `-M`, `-m`, `-f` other than ok/follow.

use super::common::{Code, Refusal, opts, port, range, threshold_text, timeout, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::opt;
use nag2prom_parsers::range::{Bound, Range};

/// Translate a `check_http` call.
pub fn translate(call: &Call, _ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('I', "IP-address", true),
        opt('p', "port", true),
        opt('u', "url", true),
        opt('S', "ssl", false),
        opt('\0', "sni", false),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('C', "certificate", true),
        opt('\0', "continue-after-certificate", false),
        opt('f', "onredirect", true),
        opt('e', "expect", true),
        opt('s', "string", true),
        opt('r', "regex", true),
        opt('R', "eregi", true),
        opt('\0', "invert-regex", false),
        opt('a', "authorization", true),
        opt('b', "proxy-authorization", true),
        opt('A', "useragent", true),
        opt('k', "header", true),
        opt('j', "method", true),
        opt('P', "post", true),
        opt('T', "content-type", true),
        opt('M', "max-age", true),
        opt('m', "pagesize", true),
        opt('N', "no-body", false),
        opt('L', "link", false),
        opt('E', "extended-perfdata", false),
        opt('4', "use-ipv4", false),
        opt('6', "use-ipv6", false),
    ]);
    let parsed = opts(call, &table, "check_http")?;
    if parsed.has('a') || parsed.has('b') {
        return Err(Refusal::new(
            Code::Credentials,
            "-a/-b (HTTP authentication) are not translated: credentials are never copied"
                .to_owned(),
        ));
    }
    for (letter, what) in [
        ('e', "-e (expected status line)"),
        ('s', "-s (body string)"),
        ('r', "-r (body regex)"),
        ('R', "-R (body regex)"),
        ('k', "-k (headers)"),
        ('P', "-P (POST data)"),
        ('M', "-M (document age)"),
        ('m', "-m (page size)"),
        ('T', "-T (content type)"),
    ] {
        if parsed.has(letter) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("{what} is not translated"),
            ));
        }
    }
    if parsed.last('j').is_some_and(|m| m != "GET" && m != "HEAD") {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-j methods other than GET/HEAD are not translated".to_owned(),
        ));
    }
    let follow = match parsed.last('f').unwrap_or("ok") {
        "ok" => false,
        "follow" => true,
        other => {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("-f {other} is not translated (only ok and follow)"),
            ));
        }
    };
    // Who is asked: -I, else -H; one of them must be the service's host. With both, -H is the
    // virtual host: the Host header, and with --sni the TLS server name (2.3.3 sends SNI
    // only with --sni). `$HOSTNAME$` as the virtual host gives one module per host.
    let own = |v: Option<&str>| matches!(v, Some("$HOSTADDRESS$" | "$HOSTNAME$"));
    let (connect, vhost) = match (parsed.last('H'), parsed.last('I')) {
        (h, Some(i)) if own(Some(i)) => (i, h.filter(|h| *h != i)),
        (Some(h), None) if own(Some(h)) => (h, None),
        (None, None) => {
            return Err(Refusal::new(
                Code::PluginRefuses,
                "neither -H nor -I: the plugin would not know which host to ask".to_owned(),
            ));
        }
        _ => {
            return Err(Refusal::new(
                Code::NotServiceHost,
                "-H/-I name a fixed host, not the service's host".to_owned(),
            ));
        }
    };
    if let Some(v) = vhost
        && (v != "$HOSTNAME$" && v.contains('$') || v.contains(['\'', '"', ' ']))
    {
        return Err(Refusal::new(
            Code::PerHostMacro,
            "-H virtual host depends on a macro other than $HOSTNAME$, or holds quotes".to_owned(),
        ));
    }
    let sni = parsed.has_long("sni");
    let cert = parsed.last('C').map(cert_days).transpose()?;
    let continue_after = parsed.has_long("continue-after-certificate");
    let tls = parsed.has('S') || cert.is_some();
    let port = port(parsed.last('p'), if tls { 443 } else { 80 })?;
    let uri = parsed.last('u').unwrap_or("/");
    if !uri.starts_with('/') || uri.contains('$') || uri.contains([' ', '\'', '"']) {
        return Err(Refusal::new(Code::InvalidValue, format!("-u `{uri}` is not a plain path")));
    }
    let timeout = timeout(parsed.last('t'))?;
    let w = parsed.last('w').map(|v| range("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| range("-c", v)).transpose()?;

    let mut yaml = format!(
        "    prober: http\n    timeout: {timeout}s\n    http:\n      method: {}\n      follow_redirects: {}\n      tls_config:\n        insecure_skip_verify: true\n",
        parsed.last('j').unwrap_or("GET"),
        follow
    );
    if let Some(v) = vhost {
        if sni && tls {
            yaml.push_str(&format!("        server_name: '{v}'\n"));
        }
        yaml.push_str(&format!("      headers:\n        Host: '{v}'\n"));
    }
    let module = format!("nagios_http_{:08x}", crate::translate::fnv64(&yaml) as u32);
    let scheme = if tls { "https" } else { "http" };
    let target = format!("{scheme}://{connect}:{port}{uri}");

    // Signals: 0 failed other than 3xx/4xx; 1 status code; 2 duration; 3 days left.
    let signals = vec![
        "(probe_success{__SEL__} == bool 0) * ((probe_http_status_code{__SEL__} < bool 300) + (probe_http_status_code{__SEL__} >= bool 500))".to_owned(),
        "probe_http_status_code{__SEL__}".to_owned(),
        "probe_duration_seconds{__SEL__}".to_owned(),
        "floor((probe_ssl_earliest_cert_expiry{__SEL__} - time()) / 86400)".to_owned(),
    ];
    let mut warning = Vec::new();
    let mut critical = Vec::new();
    let request = cert.is_none() || continue_after;
    if let Some((cw, cc)) = cert {
        warning.push(Cond { signal: 3, test: Test::Le(cw) });
        critical.push(Cond { signal: 3, test: Test::Le(cc) });
        if !request {
            // Certificate only: no answer at all is still CRITICAL.
            critical.push(Cond { signal: 1, test: Test::Eq(0.0) });
        }
    }
    if request {
        let four = Range { start: Bound::Finite(400.0), end: Bound::Finite(499.0), inside: true };
        warning.push(Cond { signal: 1, test: Test::Range(four) });
        critical.push(Cond { signal: 0, test: Test::Eq(1.0) });
        if let Some(w) = w {
            warning.push(Cond { signal: 2, test: Test::Range(w) });
        }
        if let Some(c) = c {
            critical.push(Cond { signal: 2, test: Test::Range(c) });
        }
    }
    let mut canonical = format!(
        "check_http {}{} -p {port} -u {uri}",
        if tls { "-S " } else { "" },
        match vhost {
            Some(v) => format!("-H {v} -I {connect}{}", if sni { " --sni" } else { "" }),
            None => format!("-H {connect}"),
        }
    );
    if let Some(w) = w {
        canonical.push_str(&format!(" -w {w}"));
    }
    if let Some(c) = c {
        canonical.push_str(&format!(" -c {c}"));
    }
    if let Some((cw, cc)) = cert {
        canonical.push_str(&format!(" -C {},{}", super::num(cw), super::num(cc)));
    }
    if follow {
        canonical.push_str(" -f follow");
    }
    Ok(Native {
        plugin: "check_http",
        alert: if request { "NagiosCheckHttp" } else { "NagiosCheckHttpCert" },
        probe: Probe::Blackbox { module, module_yaml: yaml, target },
        canonical,
        signals,
        warning,
        critical,
        feed: Box::new(|v: &[f64], t: f64| {
            let failed_other = v.first().copied().unwrap_or(0.0) == 1.0;
            let status = if failed_other {
                0.0
            } else {
                v.get(1).copied().unwrap_or(200.0).round().clamp(0.0, 599.0)
            };
            let success = if (200.0..300.0).contains(&status) { 1.0 } else { 0.0 };
            let duration = v.get(2).copied().unwrap_or(0.0).max(0.0);
            let days = v.get(3).copied().unwrap_or(1000.0).floor();
            let expiry = t + days * 86400.0 + 3600.0;
            let realized_other =
                if success == 0.0 && !(300.0..500.0).contains(&status) { 1.0 } else { 0.0 };
            Fed {
                series: vec![
                    Series::constant("probe_success", &[], success),
                    Series::constant("probe_http_status_code", &[], status),
                    Series::constant("probe_duration_seconds", &[], duration),
                    Series::constant("probe_ssl_earliest_cert_expiry", &[], expiry),
                ],
                realized: vec![
                    Some(realized_other),
                    Some(status),
                    Some(duration),
                    Some(((expiry - t) / 86400.0).floor()),
                ],
                labels: vec![Vec::new(); 4],
            }
        }),
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: Vec::new(),
        missing: Missing::Unknown,
        notes: vec![
            "close: blackbox's probe duration and the earliest certificate expiry of the chain"
                .to_owned(),
        ],
        calm: vec![0.0, 200.0, 0.0, 1000.0],
    })
}

/// `-C W[,C]` days.
fn cert_days(value: &str) -> Result<(f64, f64), Refusal> {
    let text = threshold_text("-C", value)?;
    let (w, c) = match text.split_once(',') {
        Some((w, c)) => (w, Some(c)),
        None => (text, None),
    };
    let parse = |s: &str| {
        s.trim().parse::<u32>().map(f64::from).map_err(|_| {
            Refusal::new(Code::InvalidValue, format!("-C `{text}` is not days[,days]"))
        })
    };
    let w = parse(w)?;
    let c = c.map(parse).transpose()?.unwrap_or(0.0);
    Ok((w, c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    fn tr(line: &str, args: &[&str]) -> Result<Native, Refusal> {
        translate(&call(line, args).map_err(Refusal::from)?, &Context::default())
    }

    #[test]
    fn request_and_certificate() {
        let n =
            tr("check_http -H $HOSTADDRESS$ -p $ARG1$ -u $ARG2$ -w 2 -c 5", &["8080", "/health"])
                .unwrap();
        assert!(
            matches!(&n.probe, Probe::Blackbox { target, .. } if target == "http://$HOSTADDRESS$:8080/health")
        );
        assert_eq!(n.alert, "NagiosCheckHttp");
        let n = tr("check_http -H $HOSTADDRESS$ --ssl -C 30,14", &[]).unwrap();
        assert_eq!(n.alert, "NagiosCheckHttpCert");
        assert_eq!(n.warning, vec![Cond { signal: 3, test: Test::Le(30.0) }]);
        let n = tr("check_http -I $HOSTADDRESS$ -H www.example.org", &[]).unwrap();
        assert!(
            matches!(&n.probe, Probe::Blackbox { module_yaml, .. } if module_yaml.contains("Host: 'www.example.org'"))
        );
    }

    /// `-H $HOSTNAME$ -I $HOSTADDRESS$ --sni` (Wikimedia's check_https_hostname): the address
    /// is probed with the name as Host header and TLS server name, one module per host.
    #[test]
    fn virtual_hosts_and_sni() {
        let n = tr("check_http --ssl --sni -H '$HOSTNAME$' -I '$HOSTADDRESS$'", &[] as &[&str])
            .unwrap();
        let Probe::Blackbox { module_yaml, target, .. } = &n.probe else { panic!() };
        assert_eq!(target, "https://$HOSTADDRESS$:443/");
        assert!(module_yaml.contains("        server_name: '$HOSTNAME$'\n"), "{module_yaml}");
        assert!(module_yaml.contains("        Host: '$HOSTNAME$'\n"), "{module_yaml}");
        assert!(n.canonical.contains("-H $HOSTNAME$ -I $HOSTADDRESS$ --sni"), "{}", n.canonical);
        // A literal virtual host without --sni: Host header only, as the plugin sends.
        let n = tr("check_http -S -H www.example.org -I $HOSTADDRESS$", &[] as &[&str]).unwrap();
        let Probe::Blackbox { module_yaml, .. } = &n.probe else { panic!() };
        assert!(
            module_yaml.contains("Host: 'www.example.org'") && !module_yaml.contains("server_name")
        );
        // -H and -I the same: no virtual host.
        let n = tr("check_http -H $HOSTADDRESS$ -I $HOSTADDRESS$", &[] as &[&str]).unwrap();
        let Probe::Blackbox { module_yaml, .. } = &n.probe else { panic!() };
        assert!(!module_yaml.contains("Host:"));
    }

    #[test]
    fn refusals() {
        assert!(
            tr("check_http -H $HOSTADDRESS$ -a user:$ARG1$", &["pw"])
                .unwrap_err()
                .text
                .contains("credentials")
        );
        assert!(tr("check_http -H www.example.org", &[]).is_err());
        assert!(tr("check_http -H $HOSTADDRESS$ -s ok", &[]).is_err());
        assert!(tr("check_http -H $HOSTADDRESS$ -w 2s", &[]).is_err());
    }
}
