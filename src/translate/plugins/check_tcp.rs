//! `check_tcp -H host -p port [-w secs] [-c secs] [-e expect] [-S]`: a TCP service.
//!
//! Semantics (2.3.3 `check_tcp.c`): `-w`/`-c` are doubles, alert when the elapsed time is
//! **strictly** greater; a refused connection is CRITICAL (`-r`, default crit); an expect
//! mismatch is WARNING (`-M`, default warn). blackbox_exporter tcp prober:
//! `probe_duration_seconds`, `probe_success`, `probe_failed_due_to_regex` (query_response
//! `expect`, verified); several `-e`: any one of them. Not translated: `-s`/`-q` dialogues, `-A`, `-D` certificates,
//! `-r`/`-M` other than the defaults.
//!
//! The protocol plugins are check_tcp under another name (symlinks; `check_tcp.c` reads its
//! program name): each sets a port, an expected banner matched at the **start** of what the
//! server sends (`NP_MATCH_EXACT`), a quit line and TLS. `check_ftp` 21 `220`, `check_pop`
//! 110 `+OK`, `check_imap` 143 `* OK`, `check_simap` 993 TLS `* OK`, `check_spop` 995 TLS
//! `+OK`, `check_ssmtp` 465 TLS `220`, `check_nntp` 119 `200` or `201`, `check_nntps` 563 TLS
//! `200` or `201`. An `-e` replaces the banner and matches **anywhere** in the answer
//! (`-e` clears `NP_MATCH_EXACT`), as for check_tcp. Not translated: `check_jabber` and
//! `check_clamd` (they send before they expect), `check_udp`.

use super::common::tcp::{TcpSpec, build};
use super::common::{Code, Refusal, number, opts, own_host, port, timeout, with_common};
use super::{Call, Context, Native};
use crate::translate::argv::opt;
use crate::translate::promql::regex_escape;

/// What a protocol name sets (`check_tcp.c` main, 2.3.3).
struct Service {
    plugin: &'static str,
    alert: &'static str,
    port: Option<u16>,
    /// Banners, any of which must start the answer.
    expect: &'static [&'static str],
    /// The quit line, as a YAML double-quoted body (blackbox adds the newline).
    quit: Option<&'static str>,
    tls: bool,
}

/// The names check_tcp answers to, with their defaults.
const SERVICES: &[Service] = &[
    Service {
        plugin: "check_tcp",
        alert: "NagiosCheckTcp",
        port: None,
        expect: &[],
        quit: None,
        tls: false,
    },
    Service {
        plugin: "check_ftp",
        alert: "NagiosCheckFtp",
        port: Some(21),
        expect: &["220"],
        quit: Some("QUIT\r"),
        tls: false,
    },
    Service {
        plugin: "check_pop",
        alert: "NagiosCheckPop",
        port: Some(110),
        expect: &["+OK"],
        quit: Some("QUIT\r"),
        tls: false,
    },
    Service {
        plugin: "check_imap",
        alert: "NagiosCheckImap",
        port: Some(143),
        expect: &["* OK"],
        quit: Some("a1 LOGOUT\r"),
        tls: false,
    },
    Service {
        plugin: "check_simap",
        alert: "NagiosCheckSimap",
        port: Some(993),
        expect: &["* OK"],
        quit: Some("a1 LOGOUT\r"),
        tls: true,
    },
    Service {
        plugin: "check_spop",
        alert: "NagiosCheckSpop",
        port: Some(995),
        expect: &["+OK"],
        quit: Some("QUIT\r"),
        tls: true,
    },
    Service {
        plugin: "check_ssmtp",
        alert: "NagiosCheckSsmtp",
        port: Some(465),
        expect: &["220"],
        quit: Some("QUIT\r"),
        tls: true,
    },
    Service {
        plugin: "check_nntp",
        alert: "NagiosCheckNntp",
        port: Some(119),
        expect: &["200", "201"],
        quit: Some("QUIT\r"),
        tls: false,
    },
    Service {
        plugin: "check_nntps",
        alert: "NagiosCheckNntps",
        port: Some(563),
        expect: &["200", "201"],
        quit: Some("QUIT\r"),
        tls: true,
    },
];

/// The file names translated here (the registry's line).
pub const NAMES: &[&str] = &[
    "check_tcp",
    "check_ftp",
    "check_pop",
    "check_imap",
    "check_simap",
    "check_spop",
    "check_ssmtp",
    "check_nntp",
    "check_nntps",
];

/// Translate a `check_tcp` call (or one of its protocol names).
pub fn translate(call: &Call, _ctx: &Context) -> Result<Native, Refusal> {
    let service = SERVICES.iter().find(|s| s.plugin == call.plugin).unwrap_or(&SERVICES[0]);
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
    let parsed = opts(call, &table, service.plugin)?;
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
    let port = match (parsed.last('p'), service.port) {
        (Some(_), _) => port(parsed.last('p'), 0)?,
        (None, Some(default)) => default,
        (None, None) => {
            return Err(Refusal::new(
                Code::PluginRefuses,
                "no -p: check_tcp needs a port".to_owned(),
            ));
        }
    };
    let given = expects.first().copied();
    if expects.iter().any(|e| e.contains('$')) {
        return Err(Refusal::new(Code::PerHostMacro, "-e depends on a macro"));
    }
    // Each -e is one more string, any of which must be **somewhere** in the answer: it
    // replaces the single banner of check_ftp and the like, and is added to check_nntp's two
    // (`check_tcp.c` appends to a list that only the nntp names preset); the service's own
    // banners alone match only at the start.
    let alternatives =
        |list: &[&str]| list.iter().map(|e| regex_escape(e)).collect::<Vec<_>>().join("|");
    let expect = if !expects.is_empty() {
        let mut list: Vec<&str> = Vec::new();
        if service.expect.len() > 1 {
            list.extend(service.expect.iter().copied());
        }
        list.extend(expects.iter().copied());
        Some(if list.len() == 1 {
            regex_escape(list[0])
        } else {
            format!("({})", alternatives(&list))
        })
    } else if service.expect.is_empty() {
        None
    } else {
        Some(format!("^({})", alternatives(service.expect)))
    };
    let tls = service.tls || parsed.has('S');
    build(TcpSpec {
        plugin: service.plugin,
        alert: service.alert,
        port,
        warn: parsed.last('w').map(|v| number("-w", v)).transpose()?,
        crit: parsed.last('c').map(|v| number("-c", v)).transpose()?,
        expect,
        tls,
        timeout: timeout(parsed.last('t'))?,
        send: if given.is_some() || service.expect.is_empty() { None } else { service.quit },
        canonical: format!(
            "{} -H $HOSTADDRESS$ -p {port}{}{}{}{}",
            service.plugin,
            parsed.last('w').map(|w| format!(" -w {w}")).unwrap_or_default(),
            parsed.last('c').map(|c| format!(" -c {c}")).unwrap_or_default(),
            if given.is_some() { " -e …" } else { "" },
            if tls { " -S" } else { "" }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;
    use crate::translate::blackbox::{QueryResponse, TcpProbe};
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

    fn module(n: &Native) -> TcpProbe {
        match &n.probe {
            Probe::Blackbox { settings, .. } => settings.tcp.clone().unwrap_or_default(),
            _ => TcpProbe::default(),
        }
    }

    fn expect(e: &str) -> QueryResponse {
        QueryResponse::Expect(e.to_owned())
    }

    #[test]
    fn the_registered_names_are_the_services() {
        let services: Vec<&str> = SERVICES.iter().map(|s| s.plugin).collect();
        assert_eq!(services, NAMES);
    }

    #[test]
    fn protocol_names_set_port_banner_quit_and_tls() {
        let ctx = Context::default();
        let tr = |line: &str| translate(&call(line, &[] as &[&str]).unwrap(), &ctx).unwrap();
        let n = tr("check_imap -H $HOSTADDRESS$");
        assert!(
            matches!(&n.probe, Probe::Blackbox { target, .. } if target == "$HOSTADDRESS$:143")
        );
        let tcp = module(&n);
        // The banner starts the answer (NP_MATCH_EXACT), then the quit line is sent (blackbox
        // appends the newline: `a1 LOGOUT\r\n`, as the plugin's quit string).
        assert_eq!(
            tcp.query_response,
            [expect(r"^(\* OK)"), QueryResponse::Send("a1 LOGOUT\r".to_owned())]
        );
        assert!(!tcp.tls && tcp.tls_config.is_none());
        assert_eq!(n.alert, "NagiosCheckImap");
        // A wrong banner is WARNING (the second probe answers), no answer CRITICAL.
        assert!(n.second.is_some());
        assert_eq!(n.warning[0].signal, 1);

        let n = tr("check_simap -H $HOSTADDRESS$ -w 2 -c 5");
        let tcp = module(&n);
        assert!(tcp.tls && tcp.tls_config.is_some_and(|t| t.insecure_skip_verify));
        assert!(
            matches!(&n.probe, Probe::Blackbox { target, .. } if target == "$HOSTADDRESS$:993")
        );
        assert!(n.warning.iter().any(|c| c.test == Test::Gt(2.0)));

        let tcp = module(&tr("check_nntp -H $HOSTADDRESS$"));
        assert_eq!(tcp.query_response[0], expect("^(200|201)"));
        // check_nntp -e adds to its two banners, and all match anywhere.
        let tcp = module(&tr("check_nntp -H $HOSTADDRESS$ -e 'news ready'"));
        assert_eq!(tcp.query_response[0], expect("(200|201|news ready)"));
        // Several -e: any one of them.
        let tcp = module(&tr("check_tcp -H $HOSTADDRESS$ -p 6379 -e +PONG -e -NOAUTH"));
        assert_eq!(tcp.query_response, [expect(r"(\+PONG|-NOAUTH)")]);

        // -e: anywhere in the answer, and the given port wins.
        let n = tr("check_pop -H $HOSTADDRESS$ -p 1110 -e ready");
        assert_eq!(module(&n).query_response[0], expect("ready"));
        assert!(
            matches!(&n.probe, Probe::Blackbox { target, .. } if target == "$HOSTADDRESS$:1110")
        );
        for (name, port) in
            [("check_ftp", 21), ("check_spop", 995), ("check_ssmtp", 465), ("check_nntps", 563)]
        {
            let n = tr(&format!("{name} -H $HOSTADDRESS$"));
            let want = format!("$HOSTADDRESS$:{port}");
            assert!(
                matches!(&n.probe, Probe::Blackbox { target, .. } if *target == want),
                "{name}"
            );
        }
    }
}
