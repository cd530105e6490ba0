//! `check_ntp_time -H server -w RANGE -c RANGE` (defaults 60 / 120 s); the deprecated
//! `check_ntp` shares it (`check_ntp.rs`).
//!
//! Semantics (2.3.3 `check_ntp_time.c`): ranges on the **absolute** offset in seconds between
//! the NTP server and the clock of the machine the plugin runs on; no answer is CRITICAL (`-q`:
//! UNKNOWN). The plugin runs on the Nagios server, so this is only the host's own metric when
//! the host is the Nagios server (loopback): node_exporter `--collector.ntp` measures
//! `node_ntp_offset_seconds` against `--collector.ntp.server` (set it to the plugin's `-H`);
//! a failed query shows as `node_scrape_collector_success{collector="ntp"} == 0`. Not
//! translated: `-o` (expected offset), check_ntp's jitter (`-j`/`-k`) and stratum thresholds.

use super::common::{Refusal, ntp::build};
use super::{Call, Context, Native};

/// Translate a `check_ntp_time` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    build(call, ctx, "check_ntp_time")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn offsets_are_absolute_ranges() {
        let ctx = Context { local: true, ..Context::default() };
        let n = translate(
            &call("check_ntp_time -H $HOSTADDRESS$ -w 0.5 -c 1", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert!(n.warning[0].test.alerts(0.6) && !n.warning[0].test.alerts(0.5));
        assert_eq!(n.critical.len(), 2);
        let n = translate(&call("check_ntp_time -H pool.ntp.org", &[] as &[&str]).unwrap(), &ctx)
            .unwrap();
        assert!(n.critical[0].test.alerts(120.5));
        assert!(
            translate(&call("check_ntp_time -H x", &[] as &[&str]).unwrap(), &Context::default())
                .is_err()
        );
    }
}
