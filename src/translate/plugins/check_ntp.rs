//! `check_ntp -H server -w RANGE -c RANGE [-j RANGE -k RANGE]` (deprecated, removed in 3.0).
//!
//! Semantics (2.3.3 `check_ntp.c`): the offset thresholds of check_ntp_time (absolute offset,
//! ranges, defaults 60 / 120 s), plus jitter (`-j`/`-k`) and stratum thresholds. The offset is
//! translated as check_ntp_time (`check_ntp_time.rs`); jitter and stratum have no node_exporter
//! counterpart and are bridged.

use super::common::ntp::build;
use super::{Call, Context, Native, Refusal};

pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    build(call, ctx, "check_ntp")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn offset_only() {
        let ctx = Context { local: true, ..Context::default() };
        let n =
            translate(&call("check_ntp -H $HOSTADDRESS$ -w 1 -c 2", &[] as &[&str]).unwrap(), &ctx)
                .unwrap();
        assert_eq!(n.alert, "NagiosCheckNtp");
        let e = translate(&call("check_ntp -H x -j 1 -k 2", &[] as &[&str]).unwrap(), &ctx)
            .unwrap_err();
        assert!(e.text.contains("jitter"));
    }
}
