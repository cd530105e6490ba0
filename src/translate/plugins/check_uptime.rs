//! `check_uptime [-u seconds|minutes|hours|days] -w RANGE -c RANGE` (nagios-plugins fork).
//!
//! Semantics (`nagios-plugins/plugins/check_uptime.c`): ranges on the uptime in `-u` units
//! (default minutes), integer division of the seconds since boot. node_exporter:
//! `floor((node_time_seconds - node_boot_time_seconds) / unit)`. Close: boot time is wall
//! clock, the plugin counts monotonic time (which skips suspend).

use super::common::{Code, Refusal, opts, range, require_local, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::opt;

/// Translate a `check_uptime` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    require_local(ctx, "check_uptime")?;
    let table = with_common(&[
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('u', "unit", true),
    ]);
    let parsed = opts(call, &table, "check_uptime")?;
    let (unit, secs) = match parsed.last('u').unwrap_or("minutes") {
        "s" | "sec" | "secs" | "seconds" => ("seconds", 1.0),
        "m" | "min" | "mins" | "minutes" => ("minutes", 60.0),
        "h" | "hour" | "hours" => ("hours", 3600.0),
        "d" | "day" | "days" => ("days", 86400.0),
        other => {
            return Err(Refusal::new(Code::InvalidValue, format!("-u `{other}` is not a unit")));
        }
    };
    let w = parsed.last('w').map(|v| range("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| range("-c", v)).transpose()?;
    if w.is_none() && c.is_none() {
        return Err(Refusal::new(
            Code::NoThresholds,
            "neither -w nor -c: the plugin never alerts".to_owned(),
        ));
    }
    let cond = |r: Option<nag2prom_parsers::range::Range>| {
        r.map(|r| vec![Cond { signal: 0, test: Test::Range(r) }]).unwrap_or_default()
    };
    let mut canonical = format!("check_uptime -u {unit}");
    if let Some(w) = w {
        canonical.push_str(&format!(" -w {w}"));
    }
    if let Some(c) = c {
        canonical.push_str(&format!(" -c {c}"));
    }
    Ok(Native {
        plugin: "check_uptime",
        alert: "NagiosCheckUptime",
        probe: Probe::Node,
        canonical,
        signals: vec![format!(
            "floor((node_time_seconds{{__SEL__}} - node_boot_time_seconds{{__SEL__}}) / {})",
            super::num(secs)
        )],
        warning: cond(w),
        critical: cond(c),
        feed: Box::new(move |v: &[f64], _t: f64| {
            let now = 1_700_000_000.0;
            let up = v.first().copied().unwrap_or(0.0).max(0.0).floor();
            let boot = now - up * secs;
            Fed {
                series: vec![
                    Series::constant("node_time_seconds", &[], now),
                    Series::constant("node_boot_time_seconds", &[], boot),
                ],
                realized: vec![Some(((now - boot) / secs).floor())],
                labels: vec![Vec::new()],
            }
        }),
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: Vec::new(),
        missing: Missing::Unknown,
        notes: vec!["close: boot time is wall clock; the plugin counts monotonic time".to_owned()],
        calm: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn units_and_ranges() {
        let ctx = Context { local: true, ..Context::default() };
        let n =
            translate(&call("check_uptime -u minutes -w 10: -c 5:", &[] as &[&str]).unwrap(), &ctx)
                .unwrap();
        assert!(n.warning[0].test.alerts(9.0) && !n.warning[0].test.alerts(10.0));
        assert!(n.signals[0].ends_with("/ 60)"));
        assert!(
            translate(&call("check_uptime -u weeks -w 1", &[] as &[&str]).unwrap(), &ctx).is_err()
        );
    }
}
