//! `check_uptime [-u seconds|minutes|hours|days] -w RANGE -c RANGE` (nagios-plugins fork).
//!
//! Semantics (`nagios-plugins/plugins/check_uptime.c`): ranges on the uptime in `-u` units
//! (default minutes), integer division of the seconds since boot. node_exporter:
//! `floor((node_time_seconds - node_boot_time_seconds) / unit)`. Close: boot time is wall
//! clock, the plugin counts monotonic time (which skips suspend).

use super::common::{
    Code, Refusal, opts, range_cond, ranges, require_local, with_common, with_ranges,
};
use super::{Call, Context, Fed, Missing, Native, Probe, Series};
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
    let (w, c) = ranges(&parsed)?;
    let canonical = with_ranges(&format!("check_uptime -u {unit}"), w, c);
    Ok(Native {
        plugin: "check_uptime",
        alert: "NagiosCheckUptime",
        probe: Probe::Node,
        canonical,
        signals: vec![format!(
            "floor((node_time_seconds{{__SEL__}} - node_boot_time_seconds{{__SEL__}}) / {})",
            super::num(secs)
        )],
        warning: range_cond(w),
        critical: range_cond(c),
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
        presence: None,
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
