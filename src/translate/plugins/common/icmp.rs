//! The icmp pair shared by check_ping and check_icmp: packet loss and round-trip average from
//! blackbox icmp probes, the last `packets` probes standing for the plugin's packets.

use super::super::{Cond, Context, Fed, Missing, Native, Probe, Series, Test, num};
use super::{Code, Refusal};
use crate::translate::blackbox::{Module, Prober};

/// `-p` packets (1..=100), or the plugin's default.
pub(crate) fn packets(value: Option<&str>, default: u32) -> Result<u32, Refusal> {
    match value {
        None => Ok(default),
        Some(v) => {
            v.trim().parse::<u32>().ok().filter(|p| (1..=100).contains(p)).ok_or_else(|| {
                Refusal::new(Code::InvalidValue, format!("packet count `{v}` is not 1..100"))
            })
        }
    }
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
        num(rta_scale)
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
            settings: Box::new(Module::new(Prober::Icmp, timeout)),
            target: "$HOSTADDRESS$".to_owned(),
            from_host: false,
        },
        canonical,
        signals: vec![loss, rta],
        warning: conds(w),
        critical: conds(c),
        feed,
        window_samples: packets,
        calm: Vec::new(),
        presence: None,
        written: String::new(),
        second: None,
        requires: vec!["blackbox_exporter allowed to open raw ICMP sockets (CAP_NET_RAW, or net.ipv4.ping_group_range covering its group)".to_owned()],
        missing: Missing::Unknown,
        notes: vec![format!(
            "{packets} packet(s) become the last {packets} blackbox icmp probes ({window} window); blackbox needs CAP_NET_RAW for icmp"
        )],
    }
}
