//! `check_nrpe -H host -c command [-a args…]`: a plugin run on the host by the NRPE daemon.
//!
//! check_nrpe has no thresholds: they live in the host's `nrpe.cfg`
//! (`command[name]=plugin …`, `$ARGn$` from `-a` when `dont_blame_nrpe=1`). With
//! `--nrpe-config` the remote command is looked up and translated as that plugin running on the
//! host (check_load, check_disk, check_swap, check_procs, check_users, check_uptime, …), on the
//! host's node_exporter. Without it, or for an unknown command, the service is bridged.

use super::common::{Code, Refusal, opts, own_host, with_common};
use super::{Call, Context, Native};
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
    let Some((_, line)) = ctx.nrpe.iter().find(|(n, _)| n == name) else {
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
    let mut args: Vec<&str> = parsed.all('a').collect();
    args.extend(parsed.operands.iter().map(String::as_str));
    let inner = argv::call(line, &args)
        .map_err(|e| Refusal::from(e).context(format_args!("remote command `{name}`")))?;
    let Some(registered) = super::on_host(&inner.plugin) else {
        let code = if super::lookup(&inner.plugin).is_some() {
            Code::RemoteCommand
        } else {
            Code::PluginNotTranslated
        };
        return Err(Refusal::new(
            code,
            format!(
                "remote command `{name}` runs `{}`, which is not translated through NRPE",
                inner.plugin
            ),
        ));
    };
    // The remote plugin measures the host it runs on.
    let remote = Context { local: true, ..ctx.clone() };
    let mut native = (registered.translate)(&inner, &remote)
        .map_err(|e| e.context(format_args!("remote command `{name}`")))?;
    native.canonical = format!("check_nrpe -c {name} → {}", native.canonical);
    native.notes.push(format!("translated from the remote nrpe.cfg command `{name}`"));
    Ok(native)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

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
            &call("check_nrpe -H $HOSTADDRESS$ -c check_load", &[] as &[&str]).unwrap(),
            &none,
        )
        .unwrap_err();
        assert!(e.text.contains("--nrpe-config"));
        assert_eq!(e.code, Code::NrpeConfigNeeded);
    }
}
