//! `check_load -w W1[,W5,W15] -c C1[,C5,C15] [-r]`: load averages from `/proc/loadavg`.
//!
//! Semantics (monitoring-plugins 2.3.3 `check_load.c`): three doubles; fewer than three copies
//! the first to all; alert when `load > threshold` (strict, not a range); critical is tested
//! first; `-r` divides each load by the number of online CPUs; `-w` above `-c` is refused by
//! the plugin (UNKNOWN). node_exporter: `node_load1/5/15`, CPUs = idle-mode
//! `node_cpu_seconds_total` series.

use super::common::{Code, Refusal, TEST_CPUS, number, opts, require_local, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::opt;

/// Translate a `check_load` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    require_local(ctx, "check_load")?;
    let table = with_common(&[
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('r', "percpu", false),
        opt('n', "procs-to-show", true),
    ]);
    let parsed = opts(call, &table, "check_load")?;
    let w = triplet("-w", parsed.last('w'))?;
    let c = triplet("-c", parsed.last('c'))?;
    for i in 0..3 {
        if w[i] > c[i] {
            return Err(Refusal::new(
                Code::PluginRefuses,
                format!(
                    "warning load {} is above critical {}: the plugin refuses it (UNKNOWN)",
                    w[i], c[i]
                ),
            ));
        }
    }
    let percpu = parsed.has('r');
    let cpus = "count without(cpu, mode) (node_cpu_seconds_total{__SEL__, mode=\"idle\"})";
    let signals: Vec<String> =
        ["node_load1", "node_load5", "node_load15"]
            .iter()
            .map(|m| {
                if percpu { format!("{m}{{__SEL__}} / {cpus}") } else { format!("{m}{{__SEL__}}") }
            })
            .collect();
    let conds = |t: [f64; 3]| (0..3).map(|i| Cond { signal: i, test: Test::Gt(t[i]) }).collect();
    let fmt3 =
        |t: [f64; 3]| format!("{},{},{}", super::num(t[0]), super::num(t[1]), super::num(t[2]));
    let canonical =
        format!("check_load{} -w {} -c {}", if percpu { " -r" } else { "" }, fmt3(w), fmt3(c));
    let feed = Box::new(move |values: &[f64], _t: f64| {
        let mut fed = Fed::default();
        let cpus = f64::from(TEST_CPUS);
        for (i, m) in ["node_load1", "node_load5", "node_load15"].iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0.0);
            if percpu {
                let raw = v * cpus;
                fed.series.push(Series::constant(m, &[], raw));
                fed.realized.push(Some(raw / cpus));
            } else {
                fed.series.push(Series::constant(m, &[], v));
                fed.realized.push(Some(v));
            }
        }
        if percpu {
            for cpu in 0..TEST_CPUS {
                let cpu = cpu.to_string();
                fed.series.push(Series::constant(
                    "node_cpu_seconds_total",
                    &[("cpu", &cpu), ("mode", "idle")],
                    1.0,
                ));
            }
        }
        fed
    });
    Ok(Native {
        plugin: "check_load",
        alert: if percpu { "NagiosCheckLoadPerCpu" } else { "NagiosCheckLoad" },
        probe: Probe::Node,
        canonical,
        signals,
        warning: conds(w),
        critical: conds(c),
        feed,
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: Vec::new(),
        missing: Missing::Unknown,
        notes: Vec::new(),
        calm: Vec::new(),
        presence: None,
    })
}

/// `5,4,3` or `5` (copied to all three), as `get_threshold` reads it.
fn triplet(opt: &str, value: Option<&str>) -> Result<[f64; 3], Refusal> {
    let value = value.ok_or_else(|| {
        Refusal::new(Code::PluginRefuses, format!("no {opt}: the plugin refuses to run without it"))
    })?;
    let items: Vec<&str> = value.split(',').collect();
    let first = number(opt, items.first().copied().unwrap_or(""))?;
    if items.len() == 3 {
        Ok([first, number(opt, items[1])?, number(opt, items[2])?])
    } else if items.len() == 1 {
        Ok([first; 3])
    } else {
        Err(Refusal::new(
            Code::InvalidValue,
            format!("threshold {opt} `{value}` has {} values; give one or three", items.len()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    fn tr(line: &str) -> Result<Native, Refusal> {
        let ctx = Context { local: true, ..Context::default() };
        translate(&call(line, &[] as &[&str]).map_err(Refusal::from)?, &ctx)
    }

    #[test]
    fn triplets_and_single_values() {
        let n = tr("check_load -w 5,4,3 -c 10,8,6").unwrap();
        assert_eq!(n.canonical, "check_load -w 5,4,3 -c 10,8,6");
        assert_eq!(n.warning[1].test, Test::Gt(4.0));
        let n = tr("check_load --warning=5 --critical 10").unwrap();
        assert_eq!(n.critical[2].test, Test::Gt(10.0));
        let n = tr("check_load -r -w .15,.10,.05 -c .30,.25,.20").unwrap();
        assert_eq!(n.alert, "NagiosCheckLoadPerCpu");
        assert!(n.signals[0].contains("count without(cpu, mode)"));
    }

    #[test]
    fn refusals() {
        assert!(tr("check_load -w 10 -c 5").unwrap_err().text.contains("above critical"));
        assert!(tr("check_load -w 5%,4,3 -c 10").unwrap_err().text.contains("not a number"));
        assert!(tr("check_load -w $USER5$ -c 10").unwrap_err().text.contains("$USERn$"));
        assert!(tr("check_load -c 10").unwrap_err().text.contains("no -w"));
        assert!(tr("check_load -w 1 -c 2 -x").unwrap_err().text.contains("-x"));
        let ctx = Context::default();
        assert!(translate(&call("check_load -w 1 -c 2", &[] as &[&str]).unwrap(), &ctx).is_err());
    }
}
