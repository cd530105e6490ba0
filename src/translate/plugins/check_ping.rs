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

use super::{
    Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test, opts, own_host, threshold_text,
    with_common,
};
use crate::translate::argv::opt;

/// Translate a `check_ping` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, String> {
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
    let w = pair("-w", parsed.last('w').ok_or("no -w: the plugin refuses to run without it")?)?;
    let c = pair("-c", parsed.last('c').ok_or("no -c: the plugin refuses to run without it")?)?;
    if w.0 > c.0 || w.1 > c.1 {
        return Err("warning above critical: check_ping refuses it (UNKNOWN)".to_owned());
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
fn pair(opt: &str, value: &str) -> Result<(f64, f64), String> {
    let text = threshold_text(opt, value)?;
    let (rta, pl) = text.split_once([',', ':']).ok_or_else(|| {
        format!("threshold {opt} `{text}` is not RTA,PL% (only a pair is translated)")
    })?;
    let pl = pl
        .strip_suffix('%')
        .ok_or_else(|| format!("threshold {opt} `{text}`: the loss needs a %"))?;
    let rta: f32 =
        rta.trim().parse().map_err(|_| format!("threshold {opt} `{text}`: RTA is not a number"))?;
    let pl: u32 = pl
        .trim()
        .parse()
        .map_err(|_| format!("threshold {opt} `{text}`: loss is not an integer percent"))?;
    if !rta.is_finite() || rta < 0.0 {
        return Err(format!("threshold {opt} `{text}`: RTA is not a non-negative number"));
    }
    Ok((f64::from(rta), f64::from(pl)))
}

pub(crate) fn packets(value: Option<&str>, default: u32) -> Result<u32, String> {
    match value {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=100).contains(p))
            .ok_or_else(|| format!("packet count `{v}` is not 1..100")),
    }
}

pub(crate) fn timeout(value: Option<&str>) -> Result<u32, String> {
    super::check_ssh::timeout(value)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn build(
    plugin: &'static str,
    alert: &'static str,
    canonical: String,
    w: (f64, f64),
    c: (f64, f64),
    packets: u32,
    rta_scale: f64,
    timeout: u32,
    ctx: &Context,
) -> Native {
    let interval = ctx.scrape_interval.max(1);
    // The last `packets` samples: a window one millisecond short of `packets` intervals.
    // (A second short, as before, left a target with no sample at all whenever its scrape fell
    // in that second before the evaluation: scrape and evaluation phases are fixed, so that
    // target never had data. Sample timestamps are milliseconds: 1 ms in 60,000.)
    let window = format!("{}ms", u64::from(packets) * u64::from(interval) * 1000 - 1);
    let loss = format!(
        "100 * (count_over_time(probe_success{{__SEL__}}[{window}]) - sum_over_time(probe_success{{__SEL__}}[{window}])) / count_over_time(probe_success{{__SEL__}}[{window}])"
    );
    let rta = format!(
        "max without(phase) (avg_over_time((probe_icmp_duration_seconds{{__SEL__, phase=\"rtt\"}} and on(instance, job) probe_success{{__SEL__}} == 1)[{window}:{interval}s])) * {}",
        super::num(rta_scale)
    );
    let conds = |t: (f64, f64)| {
        vec![Cond { signal: 0, test: Test::Ge(t.1) }, Cond { signal: 1, test: Test::Ge(t.0) }]
    };
    let p = packets;
    let feed = Box::new(move |values: &[f64], _t: f64| {
        let loss = values.first().copied().unwrap_or(0.0);
        let rta = values.get(1).copied().unwrap_or(0.0);
        // k lost of p: the largest k with 100k/p <= wanted loss.
        let k = ((loss * f64::from(p) / 100.0).floor()).clamp(0.0, f64::from(p)) as u32;
        let success: Vec<f64> = (0..p).map(|i| if i < p - k { 1.0 } else { 0.0 }).collect();
        // rtt seconds whose × scale is exactly the wanted RTA when one exists nearby.
        let mut secs = rta.max(0.0) / rta_scale;
        for candidate in [secs, secs.next_up(), secs.next_down()] {
            if candidate * rta_scale == rta {
                secs = candidate;
                break;
            }
        }
        let rtt: Vec<f64> = success.iter().map(|s| if *s == 1.0 { secs } else { 0.0 }).collect();
        let realized_loss = 100.0 * (f64::from(p) - f64::from(p - k)) / f64::from(p);
        let realized_rta = if k < p { Some(secs * rta_scale) } else { None };
        Fed {
            series: vec![
                Series { metric: "probe_success".to_owned(), labels: Vec::new(), values: success },
                Series {
                    metric: "probe_icmp_duration_seconds".to_owned(),
                    labels: vec![("phase".to_owned(), "rtt".to_owned())],
                    values: rtt,
                },
            ],
            realized: vec![Some(realized_loss), realized_rta],
            labels: vec![Vec::new(), Vec::new()],
        }
    });
    Native {
        plugin,
        alert,
        probe: Probe::Blackbox {
            module: format!("nagios_icmp_t{timeout}"),
            module_yaml: format!("    prober: icmp\n    timeout: {timeout}s\n"),
            target: "$HOSTADDRESS$".to_owned(),
        },
        canonical,
        signals: vec![loss, rta],
        warning: conds(w),
        critical: conds(c),
        feed,
        window_samples: packets,
        calm: Vec::new(),
        written: String::new(),
        second: None,
        requires: vec!["blackbox_exporter allowed to open raw ICMP sockets (CAP_NET_RAW, or net.ipv4.ping_group_range covering its group)".to_owned()],
        missing: Missing::Unknown,
        notes: vec![format!(
            "{packets} packet(s) become the last {packets} blackbox icmp probes ({window} window); blackbox needs CAP_NET_RAW for icmp"
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

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
