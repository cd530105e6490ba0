//! A network plugin that a remote runner (check_nrpe's nrpe.cfg command, check_by_ssh's
//! `-C`) runs on the host: it probes from there (`check_tcp -H 127.0.0.1 -p 11211` reaches
//! the host's own memcached, which may listen on loopback only). The faithful translation is
//! a probe from the same place: the blackbox_exporter running on the host (job
//! `blackbox_on_host`, scraped at the host's address), given the address the plugin was
//! given as its target. The central prober would probe from elsewhere, and a service bound
//! to loopback would look down.
//!
//! The address must be an IPv4 literal: nrpe.cfg has no host macros, and a name such as
//! `localhost` is tried by the plugin at each of its addresses (`::1`, then `127.0.0.1`)
//! while blackbox dials one.

use std::net::Ipv4Addr;

use super::super::{Context, Native, Plugin, Probe};
use super::{Code, Refusal};
use crate::translate::argv::Call;

/// `inner` (a `plugin` call run on the host) translated as a probe from the host of the
/// address its first present option of `options` gives.
pub(crate) fn translate(
    plugin: &Plugin,
    options: &[char],
    inner: &Call,
    ctx: &Context,
    what: &str,
    via: &str,
) -> Result<Native, Refusal> {
    // The last value is the one getopt keeps.
    let Some((letter, address, given)) = options.iter().find_map(|&o| {
        let given = values(inner, o);
        given.last().copied().map(|address| (o, address, given))
    }) else {
        // The plugin's own refusal (no host given) says it best.
        return (plugin.translate)(inner, ctx).map_err(|e| e.context(what));
    };
    // check_icmp takes several -H and checks them all: one probe cannot stand for them.
    let mut distinct = given;
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() > 1 {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            format!(
                "{what}: several -{letter} ({}): one probe from the host cannot stand for them",
                distinct.join(", ")
            ),
        ));
    }
    if address.contains('$') {
        return Err(Refusal::new(
            Code::PerHostMacro,
            format!("{what}: -{letter} `{address}` is a macro the remote runner does not expand"),
        ));
    }
    if address.parse::<Ipv4Addr>().is_err() {
        return Err(Refusal::new(
            Code::NotServiceHost,
            format!(
                "{what}: -{letter} `{address}` is not an IPv4 address; the plugin tries every address a name has, blackbox one (give the address the service listens on)"
            ),
        ));
    }
    // Translated as a probe of `$HOSTADDRESS$`, which then becomes the address as written:
    // the probe runs on the host, where that address means what it meant to the plugin.
    let call =
        Call { plugin: inner.plugin.clone(), args: with_value(inner, letter, "$HOSTADDRESS$") };
    let mut native = (plugin.translate)(&call, ctx).map_err(|e| e.context(what))?;
    for probe in std::iter::once(&mut native.probe).chain(native.second.as_mut()) {
        let Probe::Blackbox { target, from_host, .. } = probe else {
            return Err(Refusal::new(
                Code::RemoteCommand,
                format!("{what} runs `{}`, which is not translated {via}", inner.plugin),
            ));
        };
        *target = target.replace("$HOSTADDRESS$", address);
        *from_host = true;
    }
    native.canonical = native.canonical.replace("$HOSTADDRESS$", address);
    native.notes.push(format!(
        "probed from the host by the blackbox_exporter running there, as {via} ran the plugin there (target {address})"
    ));
    native.requires.push(
        "blackbox_exporter on each host with such checks (--host-blackbox-exporter-port, 9115), probing from the host as the remote command did".to_owned(),
    );
    Ok(native)
}

/// Every value of `-X value` / `-Xvalue` of `letter`, in order.
fn values(call: &Call, letter: char) -> Vec<&str> {
    let flag = format!("-{letter}");
    let mut found = Vec::new();
    let mut args = call.args.iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if *arg == flag {
            found.extend(args.next().map(String::as_str));
        } else if let Some(v) = arg.strip_prefix(&flag).filter(|v| !v.is_empty())
            && !arg.starts_with("--")
        {
            found.push(v);
        }
    }
    found
}

/// The call's words with every `-X value` / `-Xvalue` of `letter` given `value`.
fn with_value(call: &Call, letter: char, value: &str) -> Vec<String> {
    let flag = format!("-{letter}");
    let mut out = Vec::with_capacity(call.args.len());
    let mut args = call.args.iter();
    let mut done = false;
    while let Some(arg) = args.next() {
        if done || arg == "--" {
            done = true;
            out.push(arg.clone());
        } else if *arg == flag {
            out.push(arg.clone());
            if args.next().is_some() {
                out.push(value.to_owned());
            }
        } else if arg.starts_with(&flag) && !arg.starts_with("--") && arg.len() > flag.len() {
            out.push(format!("{flag}{value}"));
        } else {
            out.push(arg.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::super::lookup;
    use super::super::on_host;
    use super::*;
    use crate::translate::argv::call;

    fn remote(line: &str) -> Result<Native, Refusal> {
        let inner = call(line, &[] as &[&str]).map_err(Refusal::from)?;
        on_host(&inner, &Context::default(), "remote command `x`", "through NRPE")
    }

    fn blackbox(probe: &Probe) -> (&str, bool) {
        match probe {
            Probe::Blackbox { target, from_host, .. } => (target.as_str(), *from_host),
            _ => ("", false),
        }
    }

    #[test]
    fn a_network_plugin_run_on_the_host_probes_from_the_host() {
        let n = remote("check_tcp -H 127.0.0.1 -p 11211 -w 1 -c 3").unwrap();
        assert_eq!(blackbox(&n.probe), ("127.0.0.1:11211", true));
        assert_eq!(n.probe.job(), "blackbox_on_host");
        assert!(n.canonical.contains("127.0.0.1"), "{}", n.canonical);
        assert!(!n.requires.is_empty());
        // The same check from Nagios is the central prober's, of the host's address.
        let central = (lookup("check_tcp").unwrap().translate)(
            &call("check_tcp -H $HOSTADDRESS$ -p 11211 -w 1 -c 3", &[] as &[&str]).unwrap(),
            &Context::default(),
        )
        .unwrap();
        assert_eq!(blackbox(&central.probe), ("$HOSTADDRESS$:11211", false));
        assert_ne!(central.probe.id(), n.probe.id());
        // -Hvalue, and the second probe of a banner check.
        let n = remote("check_smtp -H127.0.0.1 -w 1 -c 3").unwrap();
        assert_eq!(blackbox(&n.probe), ("127.0.0.1:25", true));
        assert_eq!(n.second.as_ref().map(blackbox), Some(("127.0.0.1:25", true)));
    }

    #[test]
    fn check_http_connects_to_i_and_keeps_h_as_the_virtual_host() {
        let n = remote("check_http -I 127.0.0.1 -H www.example.org -S -u / -w 5 -c 10").unwrap();
        let (target, from_host) = blackbox(&n.probe);
        assert!(from_host);
        assert!(target.contains("127.0.0.1") && !target.contains("HOSTADDRESS"), "{target}");
        assert!(n.canonical.contains("www.example.org"), "{}", n.canonical);
        let n = remote("check_ping -H 127.0.1.19 -w 375.0,20% -c 500.0,60%").unwrap();
        assert_eq!(blackbox(&n.probe), ("127.0.1.19", true));
    }

    #[test]
    fn names_macros_and_plugins_without_a_probe_are_refused() {
        let e = remote("check_tcp -H localhost -p 11211").unwrap_err();
        assert_eq!(e.code, Code::NotServiceHost, "{e:?}");
        let e = remote("check_tcp -H ::1 -p 11211").unwrap_err();
        assert_eq!(e.code, Code::NotServiceHost, "{e:?}");
        let e = remote("check_tcp -H $USER5$ -p 11211").unwrap_err();
        assert_eq!(e.code, Code::PerHostMacro, "{e:?}");
        // No -H: the plugin's own refusal.
        assert_eq!(remote("check_tcp -p 11211").unwrap_err().code, Code::PluginRefuses);
        // Several hosts (check_icmp checks them all).
        let e = remote("check_icmp -H 127.0.0.1 -H 127.0.0.2").unwrap_err();
        assert_eq!(e.code, Code::OptionNotTranslated, "{e:?}");
        // check_snmp is not probed from the host.
        assert_eq!(
            remote("check_snmp -H 127.0.0.1 -o 1.1 -w 5").unwrap_err().code,
            Code::RemoteCommand
        );
    }

    #[test]
    fn option_values_are_found_and_replaced_as_getopt_reads_them() {
        let c = call("check_tcp -H 10.0.0.1 -p 80 -H127.0.0.2 -- -H x", &[] as &[&str]).unwrap();
        assert_eq!(values(&c, 'H'), ["10.0.0.1", "127.0.0.2"]);
        assert_eq!(
            with_value(&c, 'H', "$HOSTADDRESS$"),
            ["-H", "$HOSTADDRESS$", "-p", "80", "-H$HOSTADDRESS$", "--", "-H", "x"]
        );
    }
}
