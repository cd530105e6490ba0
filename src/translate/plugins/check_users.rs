//! `check_users -w RANGE -c RANGE`: logged-in users.
//!
//! Semantics (2.3.3 `check_users.c`): `-w`/`-c` go through `set_thresholds`, so they are
//! ranges (`5` alerts above 5 or below 0); 2.x counts utmp `USER_PROCESS` entries, 3.0 counts
//! systemd-logind sessions when booted with systemd. node_exporter (`--collector.logind`):
//! `node_logind_sessions{class="user"}` summed over seat/remote/type — close for 3.0, an
//! approximation of utmp for 2.x (noted in the report).

use super::common::{Refusal, opts, range_cond, ranges, require_local, with_common, with_ranges};
use super::{Call, Context, Fed, Missing, Native, PluginsVersion, Probe, Series};
use crate::translate::argv::opt;

/// Translate a `check_users` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    require_local(ctx, "check_users")?;
    let table = with_common(&[opt('w', "warning", true), opt('c', "critical", true)]);
    let parsed = opts(call, &table, "check_users")?;
    let (w, c) = ranges(&parsed)?;
    let canonical = with_ranges("check_users", w, c);
    let mut notes = Vec::new();
    if ctx.version < PluginsVersion::V3_0 {
        notes.push("approximate: monitoring-plugins 2.x counts utmp entries, node_exporter counts logind sessions".to_owned());
    }
    Ok(Native {
        plugin: "check_users",
        alert: "NagiosCheckUsers",
        probe: Probe::Node,
        canonical,
        signals: vec!["sum without(seat, remote, type, class) (node_logind_sessions{__SEL__, class=\"user\"})".to_owned()],
        warning: range_cond(w),
        critical: range_cond(c),
        feed: Box::new(|v: &[f64], _t: f64| {
            let x = v.first().copied().unwrap_or(0.0);
            Fed {
                series: vec![Series::constant(
                    "node_logind_sessions",
                    &[("class", "user"), ("remote", "false"), ("seat", "seat0"), ("type", "tty")],
                    x,
                )],
                realized: vec![Some(x)],
                labels: vec![Vec::new()],
            }
        }),
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: vec!["node_exporter --collector.logind, with systemd-logind running on the host".to_owned()],
        missing: Missing::Unknown,
        notes,
        calm: Vec::new(),
        presence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn ranges() {
        let ctx = Context { local: true, ..Context::default() };
        let n = translate(&call("check_users -w 5 -c 10", &[] as &[&str]).unwrap(), &ctx).unwrap();
        assert!(n.warning[0].test.alerts(6.0) && !n.warning[0].test.alerts(5.0));
        let n =
            translate(&call("check_users -w @1:3 -c 10", &[] as &[&str]).unwrap(), &ctx).unwrap();
        assert!(n.warning[0].test.alerts(1.0) && !n.warning[0].test.alerts(4.0));
        assert!(
            translate(&call("check_users -w 5% -c 10", &[] as &[&str]).unwrap(), &ctx).is_err()
        );
    }
}
