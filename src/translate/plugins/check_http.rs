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
//! plugin). `-a user:$USERn$`: basic auth, the password read by blackbox_exporter from
//! `SECRETS/USERn` (`--secrets-dir`), never written. Not translated: `-e`, `-s`, `-r`/`-R`,
//! `-a` with a literal password or a macro user name, `-b`,
//! `-P`/`-j` other than GET, `-k` headers, `-M`, `-m`, `-f` other than ok/follow.

use super::common::{Code, Refusal, opts, port, range, threshold_text, timeout, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::opt;
use crate::translate::blackbox::{HttpProbe, Module, Prober, TlsConfig};
use nag2prom_parsers::range::{Bound, Range};

/// Translate a `check_http` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
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
        opt('l', "linespan", false),
        opt('L', "link", false),
        opt('E', "extended-perfdata", false),
        opt('4', "use-ipv4", false),
        opt('6', "use-ipv6", false),
    ]);
    let parsed = opts(call, &table, "check_http")?;
    if parsed.has('b') {
        return Err(Refusal::new(
            Code::Credentials,
            "-b (proxy authentication) is not translated: credentials are never copied",
        ));
    }
    let basic_auth = parsed.last('a').map(|a| basic_auth(a, ctx)).transpose()?;
    for (letter, what) in [('M', "-M (document age)"), ('m', "-m (page size)")] {
        if parsed.has(letter) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("{what} is not translated"),
            ));
        }
    }
    let request_parts = request_parts(&parsed)?;
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
    // A query such as `?token=…` would be copied into the target list and every alert.
    if uri.split_once('?').is_some_and(|(_, query)| looks_secret(query)) {
        return Err(Refusal::new(
            Code::Credentials,
            "the -u query looks like it carries a credential, which is never copied",
        ));
    }
    if !uri.starts_with('/') || uri.contains('$') || uri.contains([' ', '\'', '"']) {
        return Err(Refusal::new(Code::InvalidValue, format!("-u `{uri}` is not a plain path")));
    }
    let timeout = timeout(parsed.last('t'))?;
    let w = parsed.last('w').map(|v| range("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| range("-c", v)).transpose()?;

    let mut http = HttpProbe {
        method: request_parts.method.clone(),
        // With -e the plugin never follows a redirect (the redirect branch is part of the
        // status classification -e bypasses): a 3xx is then compared like any status line.
        follow_redirects: follow && request_parts.codes.is_none(),
        enable_http2: false,
        tls_config: TlsConfig {
            insecure_skip_verify: true,
            server_name: vhost.filter(|_| sni && tls).map(str::to_owned),
        },
        basic_auth: basic_auth.clone(),
        ..HttpProbe::default()
    };
    // The plugin's Host header: the virtual host, with the port when it is not the scheme's
    // default; a `-k 'Host: …'` replaces it, and is dropped when there is no -H at all.
    let forced_host = request_parts.headers.iter().any(|(n, _)| n == "Host");
    if let Some(v) = vhost
        && !forced_host
    {
        let default_port = if tls { 443 } else { 80 };
        let value = if port == default_port { v.to_owned() } else { format!("{v}:{port}") };
        http.headers.insert("Host".to_owned(), value);
    }
    let named_host = parsed.last('H').is_some();
    http.headers
        .extend(request_parts.headers.iter().filter(|(n, _)| named_host || n != "Host").cloned());
    http.body.clone_from(&request_parts.body);
    // -s/-r/-R test the body whatever the status (check_http.c checks the content after it
    // classified the status line), while blackbox tests it only for a valid status: every
    // status is valid for the probe then, and the rules classify the status themselves.
    let body_checked = request_parts.codes.is_none()
        && !(request_parts.must_match.is_empty() && request_parts.must_not_match.is_empty());
    if let Some(codes) = &request_parts.codes {
        http.valid_status_codes.clone_from(codes);
        http.valid_http_versions.extend(request_parts.version.iter().cloned());
    } else if body_checked {
        http.valid_status_codes = (100..600).collect();
    }
    http.fail_if_body_not_matches_regexp.clone_from(&request_parts.must_match);
    http.fail_if_body_matches_regexp.clone_from(&request_parts.must_not_match);
    let settings = Module { http: Some(http), ..Module::new(Prober::Http, timeout) };
    let module = settings.name("http");
    let scheme = if tls { "https" } else { "http" };
    let target = format!("{scheme}://{connect}:{port}{uri}");

    // Signals: 0 failed other than 3xx/4xx; 1 status code; 2 duration; 3 days left;
    // 4 the probe succeeded (with -e the status line is all that counts).
    // With a body check, 0 is any failure: no answer, or the body test failed at any status.
    let signals = vec![
        if body_checked {
            "probe_success{__SEL__} == bool 0".to_owned()
        } else {
            "(probe_success{__SEL__} == bool 0) * ((probe_http_status_code{__SEL__} < bool 300) + (probe_http_status_code{__SEL__} >= bool 500))".to_owned()
        },
        "probe_http_status_code{__SEL__}".to_owned(),
        "probe_duration_seconds{__SEL__}".to_owned(),
        "floor((probe_ssl_earliest_cert_expiry{__SEL__} - time()) / 86400)".to_owned(),
        "probe_success{__SEL__}".to_owned(),
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
    if request && request_parts.codes.is_some() {
        // -e: the status line must hold one of the strings, else CRITICAL; the 4xx/5xx
        // classification is bypassed (check_http.c: `server_expect_yn`).
        critical.push(Cond { signal: 4, test: Test::Eq(0.0) });
        if let Some(w) = w {
            warning.push(Cond { signal: 2, test: Test::Range(w) });
        }
        if let Some(c) = c {
            critical.push(Cond { signal: 2, test: Test::Range(c) });
        }
    } else if request {
        let four = Range { start: Bound::Finite(400.0), end: Bound::Finite(499.0), inside: true };
        warning.push(Cond { signal: 1, test: Test::Range(four) });
        critical.push(Cond { signal: 0, test: Test::Eq(1.0) });
        if body_checked {
            // Every status passes the probe: 5xx is CRITICAL by the status line alone.
            critical.push(Cond { signal: 1, test: Test::Ge(500.0) });
        }
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
    canonical.push_str(&request_parts.canonical);
    let mut requires = Vec::new();
    if let Some(auth) = &basic_auth {
        // The user and the password's macro name, never its value.
        let macro_name = auth.password_file.rsplit('/').next().unwrap_or_default();
        canonical.push_str(&format!(" -a {}:${macro_name}$", auth.username));
        requires.push(format!(
            "{} holding the value of ${macro_name}$ (resource.cfg), readable by blackbox_exporter: the password of check_http -a",
            auth.password_file
        ));
    }
    let valid = request_parts.codes.clone();
    Ok(Native {
        plugin: "check_http",
        alert: if request { "NagiosCheckHttp" } else { "NagiosCheckHttpCert" },
        probe: Probe::Blackbox { module, settings: Box::new(settings), target, from_host: false },
        canonical,
        signals,
        warning,
        critical,
        feed: Box::new(move |v: &[f64], t: f64| {
            let failed_other = v.first().copied().unwrap_or(0.0) == 1.0;
            let answered = v.get(1).copied().unwrap_or(200.0).round().clamp(0.0, 599.0);
            // Without a body check a failure other than the status is no answer (status 0);
            // with one it is the body test failing at the status the answer had.
            let status = if failed_other && !body_checked { 0.0 } else { answered };
            let ok = match &valid {
                Some(codes) => codes.iter().any(|c| f64::from(*c) == status),
                None if body_checked => !failed_other && (100.0..600.0).contains(&status),
                None => (200.0..300.0).contains(&status),
            };
            let success = if ok { 1.0 } else { 0.0 };
            let duration = v.get(2).copied().unwrap_or(0.0).max(0.0);
            let days = v.get(3).copied().unwrap_or(1000.0).floor();
            let expiry = t + days * 86400.0 + 3600.0;
            let realized_other =
                if success == 0.0 && (body_checked || !(300.0..500.0).contains(&status)) {
                    1.0
                } else {
                    0.0
                };
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
                    Some(success),
                ],
                labels: vec![Vec::new(); 5],
            }
        }),
        window_samples: 1,
        written: String::new(),
        second: None,
        requires,
        missing: Missing::Unknown,
        notes: vec![
            "close: blackbox's probe duration and the earliest certificate expiry of the chain"
                .to_owned(),
        ],
        calm: vec![0.0, 200.0, 0.0, 1000.0, 1.0],
        presence: None,
    })
}

/// What `-e`, `-s`, `-r`/`-R`, `-j`, `-P`, `-T` and `-k` ask of the request and the answer.
#[derive(Debug, Default)]
struct RequestParts {
    method: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    /// `-e`: the status codes one of which the status line must hold.
    codes: Option<Vec<u16>>,
    /// `-e` with `HTTP/x.y`: the version the status line must hold.
    version: Option<String>,
    /// Regexes the body must match (`-s` literally, `-r`/`-R`).
    must_match: Vec<String>,
    /// Regexes the body must not match (`-r` with `--invert-regex`).
    must_not_match: Vec<String>,
    /// The canonical form's tail.
    canonical: String,
}

/// A Nagios macro (`$NAME$`) in `text`; a lone `$` (a regex anchor) is not one.
fn has_macro(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        let name_len =
            after.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        if name_len > 0 && after.as_bytes().get(name_len) == Some(&b'$') {
            return true;
        }
        rest = after;
    }
    false
}

/// Words that mark a value as holding a credential: such a header or POST body is never
/// copied into blackbox.yml.
fn looks_secret(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "pass",
        "pwd",
        "secret",
        "token",
        "auth",
        "cookie",
        "session",
        "key",
        "cred",
        "sig=",
        "signature",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The request and answer options (2.3.3 `check_http.c`).
fn request_parts(parsed: &crate::translate::argv::Parsed) -> Result<RequestParts, Refusal> {
    let mut parts = RequestParts::default();
    let plain = |opt: &str, v: &str| -> Result<(), Refusal> {
        if has_macro(v) {
            return Err(Refusal::new(Code::PerHostMacro, format!("{opt} depends on a macro")));
        }
        if v.chars().any(char::is_control) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("{opt} holds control characters"),
            ));
        }
        Ok(())
    };
    // -P sets the body (the first -P: later ones are ignored) and, unless -j says otherwise,
    // POST.
    if let Some(data) = parsed.all('P').next() {
        plain("-P", data)?;
        if looks_secret(data) {
            return Err(Refusal::new(
                Code::Credentials,
                "-P (POST data) looks like it holds a credential, which is never copied",
            ));
        }
        parts.body = Some(data.to_owned());
        let content_type = parsed.last('T').unwrap_or("application/x-www-form-urlencoded");
        plain("-T", content_type)?;
        parts.headers.push(("Content-Type".to_owned(), content_type.to_owned()));
        parts.canonical.push_str(" -P …");
    }
    parts.method = match parsed.last('j') {
        Some(m) if m == "CONNECT" || m.contains(':') => {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                "-j CONNECT (proxy tunnelling) is not translated",
            ));
        }
        Some(m) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()) => m.to_owned(),
        Some(m) => {
            return Err(Refusal::new(
                Code::InvalidValue,
                format!("-j `{m}` is not an HTTP method"),
            ));
        }
        None if parts.body.is_some() => "POST".to_owned(),
        None => "GET".to_owned(),
    };
    if parts.method != "GET" {
        parts.canonical.push_str(&format!(" -j {}", parts.method));
    }
    for header in parsed.all('k') {
        // The credential test comes first: a refusal never echoes a header that may hold one.
        if looks_secret(header) {
            return Err(Refusal::new(
                Code::Credentials,
                "a -k header looks like it carries a credential, which is never copied",
            ));
        }
        plain("-k", header)?;
        let Some((name, value)) = header.split_once(':') else {
            return Err(Refusal::new(
                Code::InvalidValue,
                format!("-k `{header}` is not `Name: value`"),
            ));
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(Refusal::new(
                Code::InvalidValue,
                format!("-k `{header}`: the header name is not a plain token"),
            ));
        }
        // The plugin sends each -k line as written, so a name given twice is sent twice;
        // blackbox sends one value per name. `Host:` (this spelling only) replaces the
        // virtual host's Host header.
        if parts.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("-k sends header `{name}` twice, which blackbox cannot"),
            ));
        }
        if name.eq_ignore_ascii_case("host") && name != "Host" {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!(
                    "-k `{name}:` is sent beside the plugin's own Host header (only `Host:` replaces it)"
                ),
            ));
        }
        parts.headers.push((name.to_owned(), value.trim().to_owned()));
        parts.canonical.push_str(&format!(" -k '{name}: …'"));
    }
    if let Some(expect) = parsed.last('e') {
        plain("-e", expect)?;
        let mut codes = Vec::new();
        let mut versions = std::collections::BTreeSet::new();
        let mut bare = false;
        for item in expect.split(',') {
            let code_of = |t: &str| t.parse::<u16>().ok().filter(|c| (100..600).contains(c));
            let (version, code) = if item.len() == 3 && item.bytes().all(|b| b.is_ascii_digit()) {
                (None, code_of(item))
            } else if let Some(rest) = item.strip_prefix("HTTP/")
                && let Some((v, tail)) = rest.split_once(' ')
                && matches!(v, "1.0" | "1.1" | "2" | "2.0")
                && tail.len() >= 3
                && tail.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                && (tail.len() == 3 || tail.as_bytes()[3] == b' ')
            {
                if tail.len() > 3 {
                    return Err(Refusal::new(
                        Code::OptionNotTranslated,
                        format!(
                            "-e `{item}` holds a reason phrase, which the plugin matches and blackbox cannot check"
                        ),
                    ));
                }
                (Some(format!("HTTP/{v}")), code_of(&tail[..3]))
            } else {
                (None, None)
            };
            let Some(code) = code else {
                return Err(Refusal::new(
                    Code::OptionNotTranslated,
                    format!(
                        "-e `{item}` is neither a status code nor `HTTP/x.y CODE`: the plugin matches it anywhere in the status line"
                    ),
                ));
            };
            match version {
                Some(v) => {
                    versions.insert(v);
                }
                None => bare = true,
            }
            codes.push(code);
        }
        if versions.len() > 1 || (bare && !versions.is_empty()) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                "-e mixes status lines of different HTTP versions (blackbox checks versions and codes apart)",
            ));
        }
        codes.sort_unstable();
        codes.dedup();
        parts.version = versions.into_iter().next();
        parts.canonical.push_str(&format!(" -e {expect}"));
        parts.codes = Some(codes);
    }
    if let Some(s) = parsed.last('s') {
        plain("-s", s)?;
        parts.must_match.push(crate::translate::promql::regex_escape(s));
        parts.canonical.push_str(" -s …");
    }
    // The plugin compiles each -r/-R as it reads it, with the flags set so far: the last one
    // counts, ignoring case when any -R came before or with it, spanning lines when -l came
    // before it (an -l after it changes nothing).
    let regex = parsed.options.iter().rposition(|o| matches!(o.short, 'r' | 'R'));
    if let Some(at) = regex {
        let o = &parsed.options[at];
        let before = &parsed.options[..at];
        let pattern = o.value.as_deref().unwrap_or_default();
        plain("-r", pattern)?;
        let icase = o.short == 'R' || before.iter().any(|b| b.short == 'R');
        let linespan = before.iter().any(|b| b.short == 'l');
        // POSIX extended regex with REG_NEWLINE (`^`/`$` at lines, `.` not across lines)
        // unless -l. RE2 reads ERE the same for what ERE has.
        let mut flags = String::from(if linespan { "s" } else { "m" });
        if icase {
            flags.push('i');
        }
        let re = format!("(?{flags}){pattern}");
        // Blackbox compiles it with Go's RE2 syntax, which the `regex` crate shares.
        if regex::Regex::new(&re).is_err() {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                "-r/-R is not a regular expression RE2 (blackbox) can compile",
            ));
        }
        if linespan {
            parts.canonical.push_str(" -l");
        }
        if parsed.has_long("invert-regex") {
            parts.must_not_match.push(re);
            parts.canonical.push_str(" --invert-regex");
        } else {
            parts.must_match.push(re);
        }
        parts.canonical.push_str(if icase { " -R …" } else { " -r …" });
    }
    Ok(parts)
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

/// `-a user:password` as blackbox basic auth, the password read from a file: only a password
/// that is one `$USERn$` macro (resource.cfg) is translated, as `password_file:
/// SECRETS/USERn`, so no password is ever written; the user name is written as it is.
fn basic_auth(
    value: &str,
    ctx: &Context,
) -> Result<crate::translate::blackbox::BasicAuth, Refusal> {
    let refuse = |why: &str| Refusal::new(Code::Credentials, format!("-a {why}"));
    let Some((user, password)) = value.split_once(':') else {
        return Err(refuse("without `user:password` is not translated"));
    };
    if user.is_empty() || user.contains('$') || user.chars().any(char::is_whitespace) {
        return Err(refuse(
            "with a user name that is a macro or empty is not translated (blackbox takes the user name as written)",
        ));
    }
    let macro_name = password
        .strip_prefix("$USER")
        .and_then(|rest| rest.strip_suffix('$'))
        .filter(|n| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<u16>().ok())
        .filter(|n| (1..=256).contains(n));
    let Some(n) = macro_name else {
        return Err(refuse(
            "with a password written in the command is not translated: put it in resource.cfg as a $USERn$ macro, then its value is read from a file and never copied",
        ));
    };
    let dir =
        if ctx.secrets_dir.is_empty() { super::DEFAULT_SECRETS_DIR } else { &ctx.secrets_dir };
    Ok(crate::translate::blackbox::BasicAuth {
        username: user.to_owned(),
        password_file: format!("{}/USER{n}", dir.trim_end_matches('/')),
    })
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
        assert_eq!(http(&n).headers["Host"], "www.example.org");
    }

    /// `-H $HOSTNAME$ -I $HOSTADDRESS$ --sni` (Wikimedia's check_https_hostname): the address
    /// is probed with the name as Host header and TLS server name, one module per host.
    #[test]
    fn virtual_hosts_and_sni() {
        let n = tr("check_http --ssl --sni -H '$HOSTNAME$' -I '$HOSTADDRESS$'", &[] as &[&str])
            .unwrap();
        let Probe::Blackbox { target, .. } = &n.probe else { panic!() };
        assert_eq!(target, "https://$HOSTADDRESS$:443/");
        let h = http(&n);
        assert_eq!(h.tls_config.server_name.as_deref(), Some("$HOSTNAME$"));
        assert_eq!(h.headers["Host"], "$HOSTNAME$");
        assert!(n.canonical.contains("-H $HOSTNAME$ -I $HOSTADDRESS$ --sni"), "{}", n.canonical);
        // A literal virtual host without --sni: Host header only, as the plugin sends.
        let n = tr("check_http -S -H www.example.org -I $HOSTADDRESS$", &[] as &[&str]).unwrap();
        let h = http(&n);
        assert_eq!(h.headers["Host"], "www.example.org");
        assert_eq!(h.tls_config.server_name, None);
        // -H and -I the same: no virtual host.
        let n = tr("check_http -H $HOSTADDRESS$ -I $HOSTADDRESS$", &[] as &[&str]).unwrap();
        assert!(http(&n).headers.is_empty());
    }

    /// `-a user:$USERn$`: basic auth with the password in `SECRETS/USERn`; the module and the
    /// canonical call hold the user and the macro's name, never a value.
    #[test]
    fn basic_auth_reads_the_password_from_a_file() {
        let ctx = Context { secrets_dir: "/run/n2p/".to_owned(), ..Context::default() };
        let n = translate(
            &call("check_http -H $HOSTADDRESS$ -a $ARG1$", &["nagios:$USER7$"]).unwrap(),
            &ctx,
        )
        .unwrap();
        let auth = http(&n).basic_auth.unwrap();
        assert_eq!(
            (auth.username.as_str(), auth.password_file.as_str()),
            ("nagios", "/run/n2p/USER7")
        );
        assert!(n.canonical.ends_with("-a nagios:$USER7$"), "{}", n.canonical);
        assert!(n.requires.iter().any(|r| r.contains("/run/n2p/USER7") && r.contains("$USER7$")));
        // The default directory.
        let n = tr("check_http -H $HOSTADDRESS$ -a u:$USER12$", &[] as &[&str]).unwrap();
        assert_eq!(
            http(&n).basic_auth.unwrap().password_file,
            format!("{}/USER12", super::super::DEFAULT_SECRETS_DIR)
        );
        for bad in [
            "-a nocolon",
            "-a $USER2$:$USER3$",
            "-a :$USER3$",
            "-a u:$USER3$x",
            "-a u:$USER0$",
            "-a 'u:a$USER3$'",
            "-b u:$USER3$",
        ] {
            let e = tr(&format!("check_http -H $HOSTADDRESS$ {bad}"), &[] as &[&str]).unwrap_err();
            assert_eq!(e.code, Code::Credentials, "{bad}");
        }
    }

    #[test]
    fn refusals() {
        // A password written in the command is never copied.
        let e = tr("check_http -H $HOSTADDRESS$ -a user:$ARG1$", &["pw"]).unwrap_err();
        assert_eq!(e.code, Code::Credentials);
        assert!(e.text.contains("resource.cfg") && !e.text.contains("pw"), "{}", e.text);
        assert!(tr("check_http -H www.example.org", &[]).is_err());
        assert!(tr("check_http -H $HOSTADDRESS$ -k 'Authorization: Bearer x'", &[]).is_err());
        assert!(tr("check_http -H $HOSTADDRESS$ -P 'user=a&password=b'", &[]).is_err());
        assert!(tr("check_http -H $HOSTADDRESS$ -e 'OK'", &[]).is_err());
        assert!(tr("check_http -H $HOSTADDRESS$ -w 2s", &[]).is_err());
    }

    fn http(n: &Native) -> HttpProbe {
        let Probe::Blackbox { settings, .. } = &n.probe else { panic!() };
        settings.http.clone().unwrap_or_default()
    }

    fn headers(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    /// `-e 'HTTP/1.0 200'`: the status line decides alone — valid code and version, else
    /// CRITICAL; no 4xx WARNING. A reason phrase (Wikimedia's check_squid `HTTP/1.0 200 OK`)
    /// is matched by the plugin and cannot be by blackbox.
    #[test]
    fn expected_status_lines() {
        let e = tr("check_http -H $HOSTADDRESS$ -u / -e 'HTTP/1.0 200 OK'", &[]).unwrap_err();
        assert!(e.text.contains("reason phrase"), "{}", e.text);
        let n = tr("check_http -H $HOSTADDRESS$ -u / -e 'HTTP/1.0 200'", &[]).unwrap();
        let h = http(&n);
        assert_eq!(
            (h.valid_status_codes, h.valid_http_versions),
            (vec![200], vec!["HTTP/1.0".into()])
        );
        assert_eq!(n.critical, vec![Cond { signal: 4, test: Test::Eq(0.0) }]);
        assert!(n.warning.is_empty());
        let fed = (n.feed)(&[0.0, 404.0, 0.1, 1000.0, 1.0], 60.0);
        assert_eq!(fed.realized[4], Some(0.0), "404 is not an expected status");
        let fed = (n.feed)(&[0.0, 200.0, 0.1, 1000.0, 1.0], 60.0);
        assert_eq!(fed.realized[4], Some(1.0));
        let n = tr("check_http -H $HOSTADDRESS$ -e 200,301,302", &[]).unwrap();
        assert_eq!(http(&n).valid_status_codes, [200, 301, 302]);
        assert!(http(&n).valid_http_versions.is_empty());
        assert!(tr("check_http -H $HOSTADDRESS$ -e 'HTTP/1.0 200,HTTP/1.1 200'", &[]).is_err());
        let h = http(&tr("check_http -H $HOSTADDRESS$ -f follow -e 200", &[]).unwrap());
        assert!(!h.follow_redirects, "-e bypasses -f follow");
        assert!(http(&tr("check_http -H $HOSTADDRESS$ -f follow", &[]).unwrap()).follow_redirects);
    }

    #[test]
    fn body_strings_regexes_methods_and_posts() {
        let h = http(&tr("check_http -H $HOSTADDRESS$ -s 'it works (really)'", &[]).unwrap());
        assert_eq!(h.fail_if_body_not_matches_regexp, [r"it works \(really\)"]);
        assert!(h.fail_if_body_matches_regexp.is_empty());
        let h = http(&tr("check_http -H $HOSTADDRESS$ -R '^ok$'", &[]).unwrap());
        assert_eq!(h.fail_if_body_not_matches_regexp, ["(?mi)^ok$"]);
        let h = http(&tr("check_http -H $HOSTADDRESS$ -r error --invert-regex", &[]).unwrap());
        assert_eq!(h.fail_if_body_matches_regexp, ["(?m)error"]);
        assert!(h.fail_if_body_not_matches_regexp.is_empty());
        let n = tr("check_http -H $HOSTADDRESS$ -P 'q=1' -k 'X-Probe: nagios'", &[]).unwrap();
        let h = http(&n);
        assert_eq!((h.method.as_str(), h.body.as_deref()), ("POST", Some("q=1")));
        assert_eq!(
            h.headers,
            headers(&[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("X-Probe", "nagios")
            ])
        );
        assert_eq!(http(&tr("check_http -H $HOSTADDRESS$ -j PUT", &[]).unwrap()).method, "PUT");
        assert!(tr("check_http -H $HOSTADDRESS$ -j CONNECT", &[]).is_err());
        // The first -P is the body.
        let h = http(&tr("check_http -H $HOSTADDRESS$ -P a=1 -P b=2", &[]).unwrap());
        assert_eq!(h.body.as_deref(), Some("a=1"));
    }

    /// The body is tested at every status, as the plugin does after classifying the status:
    /// a 4xx or 3xx whose body fails the test is CRITICAL, a 5xx is CRITICAL anyway.
    #[test]
    fn body_checks_apply_at_every_status() {
        let n = tr("check_http -H $HOSTADDRESS$ -s healthy", &[]).unwrap();
        assert_eq!(http(&n).valid_status_codes, (100..=599).collect::<Vec<u16>>());
        assert_eq!(n.signals[0], "probe_success{__SEL__} == bool 0");
        assert!(n.critical.contains(&Cond { signal: 0, test: Test::Eq(1.0) }));
        assert!(n.critical.contains(&Cond { signal: 1, test: Test::Ge(500.0) }));
        // 404 with the string: WARNING only; 404 without it: CRITICAL (signal 0).
        let fed = (n.feed)(&[0.0, 404.0, 0.1, 1000.0, 1.0], 60.0);
        assert_eq!((fed.realized[0], fed.realized[1]), (Some(0.0), Some(404.0)));
        let fed = (n.feed)(&[1.0, 302.0, 0.1, 1000.0, 1.0], 60.0);
        assert_eq!((fed.realized[0], fed.realized[1]), (Some(1.0), Some(302.0)));
        // Without a body check the default status codes stay.
        let n = tr("check_http -H $HOSTADDRESS$", &[]).unwrap();
        assert!(http(&n).valid_status_codes.is_empty());
        let Probe::Blackbox { settings, .. } = &n.probe else { panic!() };
        assert_eq!(settings.to_value()["http"]["enable_http2"], false, "written, not defaulted");
    }

    /// Flags as the plugin compiles them: each -r/-R with the flags read so far.
    #[test]
    fn regex_flags_follow_option_order() {
        let must = |line: &str| http(&tr(line, &[]).unwrap()).fail_if_body_not_matches_regexp;
        assert_eq!(
            must("check_http -H $HOSTADDRESS$ -R x -r '^ok$'"),
            ["(?mi)^ok$"],
            "the last regex counts; an earlier -R keeps ignoring case"
        );
        assert_eq!(
            must("check_http -H $HOSTADDRESS$ -r ok -l"),
            ["(?m)ok"],
            "-l after -r: no change"
        );
        assert_eq!(must("check_http -H $HOSTADDRESS$ -l -r ok"), ["(?s)ok"]);
        let e = tr("check_http -H $HOSTADDRESS$ -r '(a)\\1'", &[]).unwrap_err();
        assert_eq!(e.code, Code::OptionNotTranslated, "a back-reference is not RE2");
    }

    /// Headers as the plugin sends them: Host with a non-default port, `-k 'Host: …'`
    /// replacing it, a name twice refused, a credential never echoed.
    #[test]
    fn headers_as_sent() {
        let h = http(&tr("check_http -I $HOSTADDRESS$ -H www.example.org -p 8080", &[]).unwrap());
        assert_eq!(h.headers, headers(&[("Host", "www.example.org:8080")]));
        let h = http(
            &tr("check_http -I $HOSTADDRESS$ -H www.example.org -k 'Host: other.example.org'", &[])
                .unwrap(),
        );
        assert_eq!(h.headers, headers(&[("Host", "other.example.org")]));
        let h = http(&tr("check_http -I $HOSTADDRESS$ -k 'Host: other.example.org'", &[]).unwrap());
        assert!(h.headers.is_empty(), "without -H the plugin sends no -k Host");
        let e = tr("check_http -H $HOSTADDRESS$ -k 'X-A: 1' -k 'x-a: 2'", &[]).unwrap_err();
        assert_eq!(e.code, Code::OptionNotTranslated);
        let e =
            tr("check_http -H $HOSTADDRESS$ -u '/status?api_key=s3cr3tvalue'", &[]).unwrap_err();
        assert!(e.code == Code::Credentials && !e.text.contains("s3cr3tvalue"), "{}", e.text);
        let e = tr("check_http -H $HOSTADDRESS$ -k 'host: a'", &[]).unwrap_err();
        assert_eq!(e.code, Code::OptionNotTranslated);
        for header in ["Authorization Bearer s3cr3tvalue", "X-Api-Key: s3cr3tvalue"] {
            let e = tr(&format!("check_http -H $HOSTADDRESS$ -k '{header}'"), &[]).unwrap_err();
            assert_eq!(e.code, Code::Credentials, "{header}");
            assert!(!e.text.contains("s3cr3tvalue"), "{}", e.text);
        }
    }
}
