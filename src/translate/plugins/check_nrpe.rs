//! `check_nrpe -H host -c command [-a args…]`: a plugin run on the host by the NRPE daemon.
//!
//! check_nrpe has no thresholds: they live in the host's `nrpe.cfg`
//! (`command[name]=plugin …`, `$ARGn$` from `-a` when `dont_blame_nrpe=1`). With
//! `--nrpe-config` the remote command is looked up and translated as that plugin running on the
//! host (check_load, check_disk, check_swap, check_procs, check_users, check_uptime, …), on the
//! host's node_exporter. Without it, or for an unknown command, the service is bridged.
//!
//! Without `--nrpe-config`, the five commands of the nrpe.cfg that NRPE 4 installs (its
//! `sample-config/nrpe.cfg.in`, shipped as the default by Debian's nagios-nrpe-server and
//! EPEL's nrpe, plugin directory aside) are translated under the documented assumption that
//! the host still has them: [`DEFAULTS`]. Such rules carry a note and a requirement that
//! say so, so the report lists them as what to confirm. With `-a` they are not assumed: the
//! default `dont_blame_nrpe=0` refuses arguments.
//!
//! NSClient++'s built-in `CheckServiceState` (the Windows agent answers NRPE itself, no
//! nrpe.cfg involved) becomes windows_exporter's service state ([`nsclient`]); its other
//! built-ins are bridged with that reason.

mod nsclient;

use super::common::{Code, Refusal, on_host, opts, own_host, with_common};
use super::{Call, Context, Native};

/// NSClient++'s legacy built-in commands (`CheckCPU`, `CheckMEM`, `CheckServiceState`,
/// `CheckDriveSize`, …): `Check` and a capital letter, which no nrpe.cfg convention uses.
fn nsclient_builtin(name: &str) -> bool {
    name.strip_prefix("Check")
        .and_then(|r| r.chars().next())
        .is_some_and(|c| c.is_ascii_uppercase())
}

/// The commands of NRPE 4's default nrpe.cfg (`sample-config/nrpe.cfg.in`, lines 300–304),
/// as Debian's nagios-nrpe-server and EPEL's nrpe install them.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("check_users", "check_users -w 5 -c 10"),
    ("check_load", "check_load -r -w .15,.10,.05 -c .30,.25,.20"),
    ("check_hda1", "check_disk -w 20% -c 10% -p /dev/hda1"),
    ("check_zombie_procs", "check_procs -w 5 -c 10 -s Z"),
    ("check_total_procs", "check_procs -w 150 -c 200"),
];
use crate::translate::argv::{self, opt};

/// Translate a `check_nrpe` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "host", true),
        opt('c', "command", true),
        opt('a', "args", true),
        opt('p', "port", true),
        opt('n', "no-ssl", false),
        opt('u', "unknown-timeout", false),
        opt('2', "v2-packets-only", false),
        opt('3', "v3-packets-only", false),
        opt('4', "ipv4", false),
        opt('6', "ipv6", false),
        opt('P', "payload-size", true),
        opt('S', "ssl-version", true),
        opt('L', "cipher-list", true),
        opt('C', "client-cert", true),
        opt('K', "key-file", true),
        opt('A', "ca-cert-file", true),
        opt('s', "ssl-logging", true),
        opt('b', "bind", true),
        opt('D', "disable-syslog", false),
        opt('f', "config-file", true),
    ]);
    let parsed = opts(call, &table, "check_nrpe")?;
    own_host('H', parsed.last('H'))?;
    let Some(name) = parsed.last('c') else {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "no -c: check_nrpe only asks the daemon's version".to_owned(),
        ));
    };
    if name.contains('$') {
        return Err(Refusal::new(
            Code::PerHostMacro,
            "-c names the remote command through a macro".to_owned(),
        ));
    }
    let mut args: Vec<&str> = parsed.all('a').collect();
    args.extend(parsed.operands.iter().map(String::as_str));
    let assumed = if ctx.nrpe.is_empty() && args.is_empty() {
        DEFAULTS.iter().find(|(n, _)| *n == name).map(|(_, line)| *line)
    } else {
        None
    };
    let found = ctx.nrpe.iter().find(|(n, _)| n == name).map(|(_, l)| l.as_str()).or(assumed);
    if found.is_none() && nsclient::is_service_state(name) {
        let mut native = nsclient::service_state(&args, parsed.has('u'))
            .map_err(|e| e.context(format_args!("NSClient++ command `{name}`")))?;
        native.canonical = format!("check_nrpe -c {}", native.canonical);
        return Ok(native);
    }
    let Some(line) = found else {
        if nsclient_builtin(name) {
            return Err(Refusal::new(
                Code::RemoteCommand,
                format!(
                    "`{name}` is a built-in command of the NSClient++ Windows agent, not an nrpe.cfg command; it is not translated yet (an nrpe.cfg would not help)"
                ),
            ));
        }
        return Err(if ctx.nrpe.is_empty() {
            Refusal::new(
                Code::NrpeConfigNeeded,
                format!(
                    "the thresholds of remote command `{name}` live in the host's nrpe.cfg; pass --nrpe-config to translate it"
                ),
            )
        } else {
            Refusal::new(
                Code::RemoteCommand,
                format!("remote command `{name}` is not in the given nrpe.cfg"),
            )
        });
    };
    let inner = argv::call(line, &args)
        .map_err(|e| Refusal::from(e).context(format_args!("remote command `{name}`")))?;
    // NRPE expands only $ARGn$: a `$USERn$` in nrpe.cfg reaches the plugin as written, so
    // it is no resource.cfg secret there (a check_http -a password, say).
    if inner.args.iter().any(|a| crate::translate::argv::has_user_macro(a)) {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            format!(
                "remote command `{name}`: NRPE does not expand $USERn$ macros, the plugin receives them as written"
            ),
        ));
    }
    let mut native = on_host(&inner, ctx, &format!("remote command `{name}`"), "through NRPE")?;
    native.canonical = format!("check_nrpe -c {name} → {}", native.canonical);
    if assumed.is_some() {
        let confirm = format!(
            "confirm the hosts' nrpe.cfg: `{name}` was assumed to be NRPE's default `{line}` (no --nrpe-config given)"
        );
        native.notes.push(confirm.clone());
        native.requires.push(confirm);
    } else {
        native.notes.push(format!("translated from the remote nrpe.cfg command `{name}`"));
    }
    Ok(native)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    /// NRPE expands only $ARGn$: a $USERn$ in nrpe.cfg is not a resource.cfg secret, so the
    /// translation does not read it as one (check_http -a would send it as written).
    #[test]
    fn user_macros_in_nrpe_cfg_are_not_secrets() {
        let ctx = Context {
            nrpe: vec![(
                "check_web".to_owned(),
                "/usr/lib/nagios/plugins/check_http -I 127.0.0.1 -a nagios:$USER5$".to_owned(),
            )],
            ..Context::default()
        };
        let e = translate(
            &call("check_nrpe -H $HOSTADDRESS$ -c check_web", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap_err();
        assert_eq!(e.code, Code::OptionNotTranslated);
        assert!(e.text.contains("does not expand $USERn$"), "{}", e.text);
    }

    #[test]
    fn remote_commands() {
        let ctx = Context {
            nrpe: vec![
                (
                    "check_load".to_owned(),
                    "/usr/lib/nagios/plugins/check_load -r -w .15,.10,.05 -c .30,.25,.20"
                        .to_owned(),
                ),
                (
                    "check_disk".to_owned(),
                    "/usr/lib/nagios/plugins/check_disk -w $ARG1$ -c $ARG2$ -p $ARG3$".to_owned(),
                ),
                ("check_foo".to_owned(), "/opt/foo".to_owned()),
            ],
            ..Context::default()
        };
        let n = translate(
            &call("check_nrpe -H $HOSTADDRESS$ -c check_load", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.plugin, "check_load");
        assert!(n.canonical.starts_with("check_nrpe -c check_load → check_load -r"));
        let n = translate(
            &call("check_nrpe -H $HOSTADDRESS$ -c check_disk -a 20% 10% /", &[] as &[&str])
                .unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.plugin, "check_disk");
        assert!(
            translate(
                &call("check_nrpe -H $HOSTADDRESS$ -c check_foo", &[] as &[&str]).unwrap(),
                &ctx
            )
            .is_err()
        );
        let none = Context::default();
        let e = translate(
            &call("check_nrpe -H $HOSTADDRESS$ -c check_mailq", &[] as &[&str]).unwrap(),
            &none,
        )
        .unwrap_err();
        assert!(e.text.contains("--nrpe-config"));
        assert_eq!(e.code, Code::NrpeConfigNeeded);
    }

    #[test]
    fn default_commands_are_assumed_without_an_nrpe_config_and_marked() {
        let ctx = Context::default();
        let n = translate(
            &call("check_nrpe -H $HOSTADDRESS$ -c check_load", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.plugin, "check_load");
        assert!(n.canonical.contains("-r -w 0.15,0.1,0.05 -c 0.3,0.25,0.2"), "{}", n.canonical);
        assert!(
            n.requires.iter().any(|r| r.contains("confirm the hosts' nrpe.cfg")),
            "{:?}",
            n.requires
        );
        let n = translate(
            &call("check_nrpe -H $HOSTADDRESS$ -c check_zombie_procs", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.plugin, "check_procs");
        // With arguments the default daemon (dont_blame_nrpe=0) refuses: not assumed.
        let e = translate(
            &call("check_nrpe -H $HOSTADDRESS$ -c check_load -a 5 10", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap_err();
        assert_eq!(e.code, Code::NrpeConfigNeeded);
        // A name outside the defaults still asks for the nrpe.cfg.
        let e = translate(
            &call("check_nrpe -H $HOSTADDRESS$ -c check_disk_root", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap_err();
        assert_eq!(e.code, Code::NrpeConfigNeeded);
        // A given nrpe.cfg wins, and its absence of a default name is not papered over.
        let ctx = Context {
            nrpe: vec![("check_users".to_owned(), "check_users -w 1 -c 2".to_owned())],
            ..Context::default()
        };
        let e = translate(
            &call("check_nrpe -H $HOSTADDRESS$ -c check_load", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap_err();
        assert_eq!(e.code, Code::RemoteCommand);
    }

    #[test]
    fn nsclient_builtins_are_not_sent_to_an_nrpe_cfg() {
        let e = translate(
            &call(
                "check_nrpe -H $HOSTADDRESS$ -c CheckCPU -a warn=80 crit=90 time=5m",
                &[] as &[&str],
            )
            .unwrap(),
            &Context::default(),
        )
        .unwrap_err();
        assert_eq!(e.code, Code::RemoteCommand);
        assert!(e.text.contains("NSClient++"), "{}", e.text);
        assert!(!nsclient_builtin("check_load") && !nsclient_builtin("Checklist"));
    }

    #[test]
    fn nsclient_service_state_is_windows_exporter() {
        let tr = |line: &str| translate(&call(line, &[] as &[&str]).unwrap(), &Context::default());
        // okconfig's windows-check_service: check_nrpe -u -t 20 … -c CheckServiceState -a
        // ShowAll "NAME" (the name is an operand after -a's first word).
        let n =
            tr("check_nrpe -u -t 20 -H $HOSTADDRESS$ -c CheckServiceState -a ShowAll \"Spooler\"")
                .unwrap();
        assert_eq!(n.probe, super::super::Probe::Windows);
        assert_eq!(n.canonical, "check_nrpe -c CheckServiceState Spooler");
        assert!(n.notes.iter().any(|t| t.contains("-u")));
        let e = tr("check_nrpe -H $HOSTADDRESS$ -c CheckServiceState -a CheckAll").unwrap_err();
        assert_eq!(e.code, Code::OptionNotTranslated);
        assert!(e.text.starts_with("NSClient++ command `CheckServiceState`"), "{}", e.text);
    }
}
