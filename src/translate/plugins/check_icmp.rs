//! `check_icmp -H host [-w RTA,PL%] [-c RTA,PL%] [-n packets]`: round trip and loss.
//!
//! Semantics (2.3.3 `check_icmp.c`): the same pair as check_ping with `>=` edges, defaults
//! 200ms,40% / 500ms,80%, RTA with an optional unit (`us`, `ms` default, `s`) kept as whole
//! microseconds. Translated with check_ping's blackbox icmp PromQL (`check_ping.rs`), RTA in
//! microseconds. Several hosts (`-H a -H b`, `-m`) are bridged.

use super::common::icmp::{build, packets};
use super::common::{Code, Refusal, opts, own_host, threshold_text, timeout, with_common};
use super::{Call, Context, Native};
use crate::translate::argv::opt;

pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "host", true),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('n', "number", true),
        opt('p', "packets", true),
        opt('i', "interval", true),
        opt('I', "hostinterval", true),
        opt('b', "bytes", true),
        opt('l', "ttl", true),
        opt('4', "", false),
        opt('6', "", false),
    ]);
    let parsed = opts(call, &table, "check_icmp")?;
    let hosts: Vec<&str> =
        parsed.all('H').chain(parsed.operands.iter().map(String::as_str)).collect();
    if hosts.len() != 1 {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "check_icmp with several hosts (or none): only one host per service is translated"
                .to_owned(),
        ));
    }
    own_host('H', hosts.first().copied())?;
    // check_icmp keeps RTA in microseconds.
    let w = match parsed.last('w') {
        Some(v) => icmp_pair("-w", v)?,
        None => (200_000.0, 40.0),
    };
    let c = match parsed.last('c') {
        Some(v) => icmp_pair("-c", v)?,
        None => (500_000.0, 80.0),
    };
    let packets = packets(parsed.last('n').or(parsed.last('p')), 5)?;
    let canonical = format!(
        "check_icmp -H $HOSTADDRESS$ -w {}us,{}% -c {}us,{}% -n {packets}",
        super::num(w.0),
        super::num(w.1),
        super::num(c.0),
        super::num(c.1)
    );
    Ok(build(
        "check_icmp",
        "NagiosCheckIcmp",
        canonical,
        w,
        c,
        packets,
        1_000_000.0,
        timeout(parsed.last('t'))?,
        ctx,
    ))
}

/// check_icmp's `RTA[unit],PL%`: RTA in microseconds (default unit ms).
fn icmp_pair(opt: &str, value: &str) -> Result<(f64, f64), Refusal> {
    let text = threshold_text(opt, value)?;
    let (rta, pl) = text.split_once(',').ok_or_else(|| {
        Refusal::new(
            Code::InvalidValue,
            format!("threshold {opt} `{text}` is not RTA,PL% (only a pair is translated)"),
        )
    })?;
    let pl = pl.strip_suffix('%').unwrap_or(pl);
    let (number, factor) = if let Some(n) = rta.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = rta.strip_suffix("ms") {
        (n, 1000.0)
    } else if let Some(n) = rta.strip_suffix('s') {
        (n, 1_000_000.0)
    } else {
        (rta, 1000.0)
    };
    let rta: f64 = number.trim().parse().map_err(|_| {
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
    // Stored as an unsigned integer number of microseconds.
    Ok(((rta * factor).trunc(), f64::from(pl)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;
    use crate::translate::plugins::Test;

    fn ctx() -> Context {
        Context { scrape_interval: 15, ..Context::default() }
    }

    #[test]
    fn icmp_defaults_and_units() {
        let n = translate(&call("check_icmp -H $HOSTADDRESS$", &[] as &[&str]).unwrap(), &ctx())
            .unwrap();
        assert_eq!(n.critical[1].test, Test::Ge(500_000.0));
        let n = translate(
            &call("check_icmp -H $HOSTADDRESS$ -w 1s,10% -c 2000ms,20%", &[] as &[&str]).unwrap(),
            &ctx(),
        )
        .unwrap();
        assert_eq!(n.warning[1].test, Test::Ge(1_000_000.0));
        assert_eq!(n.critical[1].test, Test::Ge(2_000_000.0));
    }
}
