//! `check_by_ssh -H host -C "plugin args…"`: a plugin run on the host over SSH.
//!
//! check_by_ssh has no thresholds of its own (2.3.3 refuses `-w`/`-c`, although its help lists
//! them); the result is the remote command's. When `-C` runs a plugin that measures the machine
//! it runs on (check_load, check_disk, check_swap, check_procs, check_users, check_uptime), it
//! is translated as that plugin on the host's node_exporter. Passive mode (`-n`/`-s`, several
//! `-C`) and other remote commands are bridged.

use super::common::{Code, Refusal, on_host, opts, own_host, with_common};
use super::{Call, Context, Native};
use crate::translate::argv::{self, opt};

/// Translate a `check_by_ssh` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('C', "command", true),
        opt('p', "port", true),
        opt('l', "logname", true),
        opt('i', "identity", true),
        opt('o', "ssh-option", true),
        opt('q', "quiet", false),
        opt('1', "proto1", false),
        opt('2', "proto2", false),
        opt('4', "", false),
        opt('6', "", false),
        opt('E', "skip-stderr", true),
        opt('S', "skip-stdout", true),
        opt('f', "", false),
        opt('n', "name", true),
        opt('s', "services", true),
        opt('O', "output", true),
        opt('F', "configfile", true),
        opt('U', "unknown-timeout", false),
    ]);
    let parsed = opts(call, &table, "check_by_ssh")?;
    own_host('H', parsed.last('H'))?;
    if parsed.has('n') || parsed.has('s') || parsed.has('O') {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "passive mode (-n/-s/-O) is not translated".to_owned(),
        ));
    }
    let commands: Vec<&str> = parsed.all('C').collect();
    let [command] = commands.as_slice() else {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "check_by_ssh needs exactly one -C to be translated".to_owned(),
        ));
    };
    let inner = argv::call(command, &[] as &[&str])
        .map_err(|e| Refusal::from(e).context("remote command"))?;
    let mut native = on_host(&inner, ctx, "remote command", "over SSH")?;
    native.canonical = format!("check_by_ssh -C → {}", native.canonical);
    native.notes.push("translated from the command check_by_ssh runs on the host".to_owned());
    Ok(native)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn remote_plugins() {
        let ctx = Context::default();
        let n = translate(
            &call("check_by_ssh -H $HOSTADDRESS$ -C \"/usr/lib/nagios/plugins/check_load -w $ARG1$ -c $ARG2$\"", &["5", "10"]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.plugin, "check_load");
        assert!(n.canonical.starts_with("check_by_ssh -C → check_load -w 5,5,5"));
        assert!(
            translate(
                &call("check_by_ssh -H $HOSTADDRESS$ -C 'uptime'", &[] as &[&str]).unwrap(),
                &ctx
            )
            .is_err()
        );
        assert!(
            translate(
                &call(
                    "check_by_ssh -H $HOSTADDRESS$ -C 'check_load -w 1 -c 2' -n x -s y",
                    &[] as &[&str]
                )
                .unwrap(),
                &ctx
            )
            .is_err()
        );
    }
}
