//! `check_ping -H host -w RTA,PL% -c RTA,PL% [-p packets]` (check_icmp, same pair, shares the
//! PromQL: `check_icmp.rs`).
//!
//! Semantics (2.3.3 `check_ping.c`): not ranges but a pair — round-trip average
//! (ms, read as a C `float` by check_ping) and packet loss (integer %); the state is CRITICAL if
//! `loss >= cpl || rta >= crta`, else WARNING on the warning pair (**>=**). check_ping refuses
//! warning above critical.
//!
//! blackbox_exporter's icmp prober sends one echo per probe and leaves the rtt phase at 0 on
//! failure, so p packets become the last p probes: loss over `p × scrape_interval − 1s`
//! (exactly p samples with Prometheus 2.x closed and 3.x left-open windows) computed as
//! `100 * (count − sum) / count` (exact for 1 lost of 5), RTA averaged over successful probes
//! only. Fidelity: close (packets spread over p scrapes instead of one burst).

use super::common::{
    Code, Refusal, icmp::build, icmp::packets, opts, own_host, threshold_text, timeout, with_common,
};
use super::{Call, Context, Native};
use crate::translate::argv::opt;

/// Translate a `check_ping` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('p', "packets", true),
        opt('L', "link", false),
        opt('4', "use-ipv4", false),
        opt('6', "use-ipv6", false),
    ]);
    let parsed = opts(call, &table, "check_ping")?;
    own_host('H', parsed.last('H').or(parsed.operands.first().map(String::as_str)))?;
    let w = pair(
        "-w",
        parsed.last('w').ok_or_else(|| {
            Refusal::new(Code::PluginRefuses, "no -w: the plugin refuses to run without it")
        })?,
    )?;
    let c = pair(
        "-c",
        parsed.last('c').ok_or_else(|| {
            Refusal::new(Code::PluginRefuses, "no -c: the plugin refuses to run without it")
        })?,
    )?;
    if w.0 > c.0 || w.1 > c.1 {
        return Err(Refusal::new(
            Code::PluginRefuses,
            "warning above critical: check_ping refuses it (UNKNOWN)".to_owned(),
        ));
    }
    let packets = packets(parsed.last('p'), 5)?;
    let canonical = format!(
        "check_ping -H $HOSTADDRESS$ -w {},{}% -c {},{}% -p {packets}",
        super::num(w.0),
        super::num(w.1),
        super::num(c.0),
        super::num(c.1)
    );
    Ok(build(
        "check_ping",
        "NagiosCheckPing",
        canonical,
        w,
        c,
        packets,
        1000.0,
        timeout(parsed.last('t'))?,
        ctx,
    ))
}

/// `RTA,PL%` as check_ping reads it: RTA a C float (ms), PL an integer percent.
fn pair(opt: &str, value: &str) -> Result<(f64, f64), Refusal> {
    let text = threshold_text(opt, value)?;
    let (rta, pl) = text.split_once([',', ':']).ok_or_else(|| {
        Refusal::new(
            Code::InvalidValue,
            format!("threshold {opt} `{text}` is not RTA,PL% (only a pair is translated)"),
        )
    })?;
    let pl = pl.strip_suffix('%').ok_or_else(|| {
        Refusal::new(Code::InvalidValue, format!("threshold {opt} `{text}`: the loss needs a %"))
    })?;
    let rta: f32 = rta.trim().parse().map_err(|_| {
        Refusal::new(Code::InvalidValue, format!("threshold {opt} `{text}`: RTA is not a number"))
    })?;
    let pl: u32 = pl.trim().parse().map_err(|_| {
        Refusal::new(
            Code::InvalidValue,
            format!("threshold {opt} `{text}`: loss is not an integer percent"),
        )
    })?;
    if !rta.is_finite() || rta < 0.0 {
        return Err(Refusal::new(
            Code::InvalidValue,
            format!("threshold {opt} `{text}`: RTA is not a non-negative number"),
        ));
    }
    Ok((f64::from(rta), f64::from(pl)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;
    use crate::translate::plugins::{Cond, Test};

    fn ctx() -> Context {
        Context { scrape_interval: 15, ..Context::default() }
    }

    #[test]
    fn ping_pairs_are_ge() {
        let n = translate(
            &call(
                "$USER1$/check_ping -H $HOSTADDRESS$ -w 100.0,20% -c 500.0,60% -p 5",
                &[] as &[&str],
            )
            .unwrap(),
            &ctx(),
        )
        .unwrap();
        assert_eq!(
            n.warning,
            vec![
                Cond { signal: 0, test: Test::Ge(20.0) },
                Cond { signal: 1, test: Test::Ge(100.0) }
            ]
        );
        assert!(n.signals[0].contains("[74999ms]"), "{}", n.signals[0]);
        let fed = (n.feed)(&[20.0, 0.0], 0.0);
        assert_eq!(fed.realized[0], Some(20.0));
        let fed = (n.feed)(&[19.9, 0.0], 0.0);
        assert_eq!(fed.realized[0], Some(0.0));
        let fed = (n.feed)(&[0.0, 100.0], 0.0);
        assert_eq!(fed.realized[1], Some(100.0));
    }

    #[test]
    fn ping_refusals() {
        let c = ctx();
        assert!(
            translate(
                &call("check_ping -H $HOSTADDRESS$ -w 600,20% -c 500,60%", &[] as &[&str]).unwrap(),
                &c
            )
            .is_err()
        );
        assert!(
            translate(
                &call("check_ping -H $HOSTADDRESS$ -w 100 -c 500,60%", &[] as &[&str]).unwrap(),
                &c
            )
            .is_err()
        );
        assert!(
            translate(&call("check_ping -H 10.1.1.1 -w 1,2% -c 3,4%", &[] as &[&str]).unwrap(), &c)
                .is_err()
        );
    }
}
