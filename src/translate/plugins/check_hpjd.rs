//! `check_hpjd -H host [-C community] [-p port] [-D]`: the status of an HP printer with a
//! JetDirect card, over SNMPv1 → snmp_exporter.
//!
//! Semantics (monitoring-plugins 2.3.3 `check_hpjd.c`, unchanged in 3.0): one
//! `snmpget -OQa -m : -v 1 -c COMMUNITY host:port` of twelve scalars of HP's JetDirect MIB
//! (`1.3.6.1.4.1.11.2.3.9.1.1.2.{1,2,3,6,9,8,10,11,12,17,19}.0` and the display message
//! `…1.1.3.0`), with net-snmp's default timeout (1 s, 5 retries) and no alarm of its own. Each
//! value is read with `atoi`. Then, in this order, the first that holds decides: paper jam
//! (`.2.9`) WARNING; paper out (`.2.8`) WARNING, or OK with `-D` (and nothing after it is
//! looked at); line status (`.2.1`) 1 (offline) WARNING; peripheral error (`.2.6`), intervention
//! required (`.2.3`), toner low (`.2.10`), memory out (`.2.12`), door open (`.2.17`), output
//! tray full (`.2.19`), data too slow (`.2.11`), paper status (`.2.2`) non-zero WARNING. So
//! without `-D` any of them raises WARNING; with `-D` the ones after paper out do only while
//! paper out is 0. The `POWERSAVE ON` exception of the offline test compares the plugin's
//! error message, never set on that path: offline is always WARNING. In 2.3 (Debian 12) `-p`
//! falls through into `-D` (a missing `break`, fixed in 2.4): any `-p` disables the paper-out
//! check, translated by `--plugins-version`.
//!
//! Errors: anything snmpget writes on stderr is WARNING (SNMPv1: an OID the agent lacks fails
//! the request with noSuchName; snmpget retries without it and complains), so a missing OID
//! is the WARNING no-data companion while the agent answers. No output at all is "Timeout":
//! CRITICAL, both when the agent does not answer (the snmp target's `up == 0`) and when it
//! has none of the twelve OIDs (`up` without any of them).
//!
//! The community (`-C`, default `public`) is a secret: referenced in `snmp.yml.tmpl` like
//! check_snmp's, never written. A host or community given as a plain word (the plugin's
//! positional form) is refused: `-H` and `-C` are what the translation reads.

use nag2prom_parsers::range::{Bound, Range};

use super::check_snmp::credential;
use super::common::{Code, Refusal, opts, own_host, port};
use super::{Call, Cond, Context, Fed, Missing, Native, PluginsVersion, Probe, Series, Test};
use crate::translate::argv::opt;
use crate::translate::snmp::{Community, Module, Version, metric_name};

/// The JetDirect status group (`gdStatus…`).
const STATUS: &str = "1.3.6.1.4.1.11.2.3.9.1.1.2";
/// The display message, read for its presence only.
const DISPLAY: &str = "1.3.6.1.4.1.11.2.3.9.1.1.3.0";

/// The status OIDs in the plugin's order of precedence, `.2.N.0`, each with what it means.
/// Paper out (8) is second; line status (1) compares with 1, the others with 0.
const CHAIN: [(u32, &str); 11] = [
    (9, "paper jam"),
    (8, "paper out"),
    (1, "printer offline"),
    (6, "peripheral error"),
    (3, "intervention required"),
    (10, "toner low"),
    (12, "insufficient memory"),
    (17, "a door is open"),
    (19, "output tray full"),
    (11, "data too slow for engine"),
    (2, "unknown paper error"),
];

/// The OID of status entry `n`.
fn status_oid(n: u32) -> String {
    format!("{STATUS}.{n}.0")
}

/// Translate a `check_hpjd` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    let table = [
        opt('h', "help", false),
        opt('V', "version", false),
        opt('H', "hostname", true),
        opt('C', "community", true),
        opt('p', "port", true),
        opt('D', "", false),
    ];
    let parsed = opts(call, &table, "check_hpjd")?;
    if !parsed.operands.is_empty() {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "a host or community given as a plain word: write them as -H and -C",
        ));
    }
    if parsed.has('h') || parsed.has('V') {
        return Err(Refusal::new(
            Code::PluginRefuses,
            "-h/-V print the plugin's help or version and exit UNKNOWN",
        ));
    }
    own_host('H', parsed.last('H'))?;
    let community = match parsed.last('C') {
        None => Community::Default,
        Some(c) => credential("-C", c)?,
    };
    let target_port = port(parsed.last('p'), 161)?;
    // 2.3's `case 'p'` falls through into `case 'D'` (a missing break, fixed in 2.4): any
    // -p disables the paper-out check there (checked against Debian 12's check_hpjd).
    let port_disables = ctx.version == PluginsVersion::V2_3 && parsed.has('p');
    let paper_out_ok = parsed.has('D') || port_disables;

    let mut oids: Vec<String> = [1, 2, 3, 6, 9, 8, 10, 11, 12, 17, 19].map(status_oid).into();
    oids.push(DISPLAY.to_owned());
    let metric = |n: u32| metric_name(&status_oid(n));
    let out = metric(8);
    // Non-zero alerts (atoi's integer compared with 0): outside 0..0.
    let nonzero =
        Test::Range(Range { start: Bound::Finite(0.0), end: Bound::Finite(0.0), inside: false });
    let mut signals = Vec::new();
    let mut warning = Vec::new();
    let mut fed_as: Vec<u32> = Vec::new();
    for (n, _) in CHAIN {
        if paper_out_ok && n == 8 {
            continue;
        }
        let m = metric(n);
        let after_out = paper_out_ok && n != 9;
        signals.push(if after_out {
            // Looked at only while paper out is 0.
            format!("{m}{{__SEL__}} * ({out}{{__SEL__}} == bool 0)")
        } else {
            format!("{m}{{__SEL__}}")
        });
        let test = if n == 1 { Test::Eq(1.0) } else { nonzero };
        warning.push(Cond { signal: signals.len() - 1, test });
        fed_as.push(n);
    }
    // The agent not answering, or answering none of the OIDs: "Timeout", CRITICAL.
    let up = signals.len();
    signals.push("up{__SEL__}".to_owned());
    let none = signals.len();
    let any: Vec<String> = oids.iter().map(|o| format!("{}{{__SEL__}}", metric_name(o))).collect();
    signals.push(format!("up{{__SEL__}} unless ({})", any.join(" or ")));
    let critical =
        vec![Cond { signal: up, test: Test::Eq(0.0) }, Cond { signal: none, test: Test::Eq(1.0) }];
    let presence = Some(any.join(" and "));

    let mut canonical = String::from("check_hpjd");
    if target_port != 161 {
        canonical.push_str(&format!(" -p {target_port}"));
    }
    if paper_out_ok {
        canonical.push_str(" -D");
    }
    let metrics: Vec<String> = oids.iter().map(|o| metric_name(o)).collect();
    let n_flags = fed_as.len();
    let feed = Box::new(move |values: &[f64], _t: f64| {
        let mut fed = Fed::default();
        let mut raw: Vec<(String, f64)> = metrics.iter().map(|m| (m.clone(), 0.0)).collect();
        for (i, n) in fed_as.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0.0).trunc();
            let m = metric_name(&status_oid(*n));
            if let Some(slot) = raw.iter_mut().find(|(name, _)| *name == m) {
                slot.1 = v;
            }
            // With -D paper out is fed 0: every signal is its own value.
            fed.realized.push(Some(v));
            fed.labels.push(Vec::new());
        }
        for (m, v) in raw {
            // The display message: present (1).
            let v = if m == metric_name(DISPLAY) { 1.0 } else { v };
            fed.series.push(Series::constant(&m, &[], v));
        }
        let u = values.get(n_flags).copied().unwrap_or(1.0);
        fed.series.push(Series::constant("up", &[], u));
        fed.realized.push(Some(u));
        fed.labels.push(Vec::new());
        // Every OID is there: "none of them" has no sample.
        fed.realized.push(None);
        fed.labels.push(Vec::new());
        fed
    });
    let mut calm = vec![0.0; signals.len()];
    calm[up] = 1.0;
    let mut notes = vec![
        "the printer's state from its JetDirect status OIDs, as the plugin reads them; the display message is not shown".to_owned(),
    ];
    if port_disables && !parsed.has('D') {
        notes.push("-p also disables the paper-out check in monitoring-plugins 2.3 (its `case 'p'` falls through into `-D`), as translated; 2.4 and later check paper out (convert --plugins-version)".to_owned());
    }
    Ok(Native {
        plugin: "check_hpjd",
        alert: "NagiosCheckHpjd",
        probe: Probe::Snmp {
            module: String::new(),
            settings: Box::new(Module {
                version: Version::V1,
                community,
                variable: None,
                timeout: 1,
                retries: 5,
                oids,
                present: vec![DISPLAY.to_owned()],
                v3: None,
            }),
            target: format!("$HOSTADDRESS$:{target_port}"),
        },
        canonical,
        signals,
        warning,
        critical,
        feed,
        window_samples: 1,
        second: None,
        written: String::new(),
        requires: Vec::new(),
        missing: Missing::WarningWhileUp,
        notes,
        calm,
        presence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    fn native(line: &str) -> Result<Native, Refusal> {
        native_for(line, PluginsVersion::V2_4)
    }

    fn native_for(line: &str, version: PluginsVersion) -> Result<Native, Refusal> {
        translate(&call(line, &[] as &[&str]).unwrap(), &Context { version, ..Context::default() })
    }

    #[test]
    fn in_2_3_a_port_disables_the_paper_out_check() {
        let out = metric_name(&status_oid(8));
        let plain = format!("{out}{{__SEL__}}");
        let n = native_for("check_hpjd -H $HOSTADDRESS$ -p 1161", PluginsVersion::V2_3).unwrap();
        assert!(!n.signals.contains(&plain));
        assert_eq!(n.canonical, "check_hpjd -p 1161 -D");
        assert!(n.notes.iter().any(|x| x.contains("falls through")));
        let n = native_for("check_hpjd -H $HOSTADDRESS$", PluginsVersion::V2_3).unwrap();
        assert!(n.signals.contains(&plain));
        let n = native_for("check_hpjd -H $HOSTADDRESS$ -p 1161", PluginsVersion::V3_0).unwrap();
        assert!(n.signals.contains(&plain));
    }

    /// The WARNING conditions, as (OID entry, alerting values) of each signal.
    fn warns(n: &Native) -> Vec<(String, bool, bool, bool)> {
        n.warning
            .iter()
            .map(|c| {
                let t = &c.test;
                (n.signals[c.signal].clone(), t.alerts(0.0), t.alerts(1.0), t.alerts(-1.0))
            })
            .collect()
    }

    #[test]
    fn every_status_warns_and_offline_is_line_status_one() {
        let n = native("check_hpjd -H $HOSTADDRESS$ -C public").unwrap();
        let w = warns(&n);
        assert_eq!(w.len(), 11);
        // Line status: 1 only (2 is not OFFLINE).
        let line = w.iter().find(|s| s.0.contains("_2_1_0{")).unwrap();
        assert_eq!((line.1, line.2, line.3), (false, true, false));
        assert!(
            !n.warning
                .iter()
                .any(|c| c.test.alerts(2.0) && n.signals[c.signal].contains("_2_1_0{"))
        );
        // Every other flag: any non-zero integer.
        for s in w.iter().filter(|s| !s.0.contains("_2_1_0{")) {
            assert_eq!((s.1, s.2, s.3), (false, true, true), "{}", s.0);
        }
        // The agent silent, or answering none of the OIDs: CRITICAL.
        assert_eq!(n.critical.len(), 2);
        assert_eq!(n.signals[n.critical[0].signal], "up{__SEL__}");
        assert!(n.signals[n.critical[1].signal].starts_with("up{__SEL__} unless ("));
        assert_eq!(n.missing, Missing::WarningWhileUp);
        let Probe::Snmp { settings, target, .. } = &n.probe else { panic!() };
        assert_eq!(settings.version, Version::V1);
        assert_eq!(settings.oids.len(), 12);
        assert_eq!((settings.timeout, settings.retries), (1, 5));
        assert_eq!(target, "$HOSTADDRESS$:161");
        assert_eq!(n.canonical, "check_hpjd");
    }

    #[test]
    fn dash_d_silences_paper_out_and_what_follows_it() {
        let n = native("check_hpjd -H $HOSTADDRESS$ -C public -D -p 1161").unwrap();
        assert_eq!(n.warning.len(), 10);
        let out = metric_name(&status_oid(8));
        // Paper out is no condition; paper jam comes before it and stays plain.
        assert!(!n.signals.iter().any(|s| s == &format!("{out}{{__SEL__}}")));
        let jam = metric_name(&status_oid(9));
        assert!(n.signals.contains(&format!("{jam}{{__SEL__}}")));
        let toner = metric_name(&status_oid(10));
        assert!(n.signals.contains(&format!("{toner}{{__SEL__}} * ({out}{{__SEL__}} == bool 0)")));
        assert_eq!(n.canonical, "check_hpjd -p 1161 -D");
    }

    #[test]
    fn the_feeder_gives_every_signal_its_value() {
        let n = native("check_hpjd -H $HOSTADDRESS$ -D").unwrap();
        let mut wanted = vec![0.0; n.signals.len()];
        wanted[2] = 1.0;
        let fed = (n.feed)(&wanted, 0.0);
        assert_eq!(fed.realized.len(), n.signals.len());
        assert_eq!(fed.realized[2], Some(1.0));
        assert_eq!(*fed.realized.last().unwrap(), None);
        // Twelve OIDs and up; paper out 0 under -D.
        assert_eq!(fed.series.len(), 13);
        let out = metric_name(&status_oid(8));
        assert!(fed.series.iter().any(|s| s.metric == out && s.values == [0.0]));
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        for (line, code) in [
            ("check_hpjd -H $HOSTADDRESS$ public", Code::OptionNotTranslated),
            ("check_hpjd -H $HOSTADDRESS$ -p 0", Code::InvalidValue),
            ("check_hpjd -H $HOSTADDRESS$ -C $USER3$x", Code::SecretMacro),
            ("check_hpjd -H $HOSTADDRESS$ -C $_HOSTCOMMUNITY$", Code::PerHostMacro),
            ("check_hpjd -H $HOSTADDRESS$ -x", Code::UnknownOption),
        ] {
            let e = native(line).err().unwrap_or_else(|| panic!("{line} translated"));
            assert_eq!(e.code, code, "{line}: {e:?}");
        }
        // A $USERn$ community is referenced by its name.
        let n = native("check_hpjd -H $HOSTADDRESS$ -C $USER7$").unwrap();
        let Probe::Snmp { settings, .. } = &n.probe else { panic!() };
        assert_eq!(settings.community, Community::Macro("USER7".to_owned()));
    }
}
