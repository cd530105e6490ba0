//! `check_swap -w N% -c N%` or `-w BYTES -c BYTES` `[-n ok|warning|critical|unknown]`.
//!
//! Semantics (2.3.3 `check_swap.c`, Linux): free = SwapFree + SwapCached (from
//! /proc/meminfo); a percentage is **free** percent: alert when the truncated used percentage
//! is ≥ 100 − N; an integer is free bytes: alert when free ≤ N. No swap at all is CRITICAL
//! unless `-n` says otherwise. The plugin truncates to whole MiB first (±1 MiB). `-a` (per
//! device) has no node_exporter counterpart.

use super::common::{Code, Refusal, opts, require_local, threshold_text, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::opt;

/// Translate a `check_swap` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    require_local(ctx, "check_swap")?;
    let table = with_common(&[
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('a', "allswaps", false),
        opt('n', "no-swap", true),
    ]);
    let parsed = opts(call, &table, "check_swap")?;
    if parsed.has('a') {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-a (each swap device) has no node_exporter counterpart".to_owned(),
        ));
    }
    let w = threshold(
        "-w",
        parsed.last('w').ok_or_else(|| {
            Refusal::new(Code::PluginRefuses, "no -w: the plugin refuses to run without it")
        })?,
    )?;
    let c = threshold(
        "-c",
        parsed.last('c').ok_or_else(|| {
            Refusal::new(Code::PluginRefuses, "no -c: the plugin refuses to run without it")
        })?,
    )?;
    if w.1 != c.1 {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-w and -c mix a percentage and bytes; not translated".to_owned(),
        ));
    }
    let percent = w.1;
    let no_swap = match parsed.last('n').unwrap_or("critical") {
        "ok" => 0,
        "warning" => 1,
        "critical" => 2,
        "unknown" => 3,
        other => {
            return Err(Refusal::new(
                Code::InvalidValue,
                format!("-n `{other}` is not ok, warning, critical or unknown"),
            ));
        }
    };
    let m = |name: &str| format!("node_memory_Swap{name}_bytes{{__SEL__}}");
    let signal0 = if percent {
        format!("floor(100 * ({} - {} - {}) / {})", m("Total"), m("Free"), m("Cached"), m("Total"))
    } else {
        format!("{} + {}", m("Free"), m("Cached"))
    };
    let test = |t: (f64, bool)| if percent { Test::Ge(100.0 - t.0) } else { Test::Le(t.0) };
    let mut warning = vec![Cond { signal: 0, test: test(w) }];
    let mut critical = vec![Cond { signal: 0, test: test(c) }];
    let none = Cond { signal: 1, test: Test::Eq(0.0) };
    match no_swap {
        1 => warning.push(none),
        2 => critical.push(none),
        _ => {}
    }
    let unit = if percent { "%" } else { "" };
    let canonical = format!(
        "check_swap -w {}{unit} -c {}{unit} -n {}",
        super::num(w.0),
        super::num(c.0),
        ["ok", "warning", "critical", "unknown"][no_swap]
    );
    let feed = Box::new(move |values: &[f64], _t: f64| {
        let wanted = values.first().copied().unwrap_or(0.0);
        let total_wanted = values.get(1).copied().unwrap_or(1.0);
        let total: f64 = if total_wanted == 0.0 { 0.0 } else { 100.0 * 1048576.0 };
        let free_plus_cached = if percent {
            // used% = wanted → used bytes = wanted% of total (whole bytes).
            let used = (total * wanted.clamp(0.0, 100.0) / 100.0).round();
            total - used
        } else {
            wanted.max(0.0).min(total)
        };
        let (free, cached) = (free_plus_cached, 0.0);
        let s0 =
            if percent { (100.0 * (total - free - cached) / total).floor() } else { free + cached };
        Fed {
            series: vec![
                Series::constant("node_memory_SwapTotal_bytes", &[], total),
                Series::constant("node_memory_SwapFree_bytes", &[], free),
                Series::constant("node_memory_SwapCached_bytes", &[], cached),
            ],
            realized: vec![if s0.is_finite() { Some(s0) } else { None }, Some(total)],
            labels: vec![Vec::new(), Vec::new()],
        }
    });
    Ok(Native {
        plugin: "check_swap",
        alert: "NagiosCheckSwap",
        probe: Probe::Node,
        canonical,
        signals: vec![signal0, m("Total")],
        warning,
        critical,
        feed,
        window_samples: 1,
        // A machine with swap: SwapTotal 0 means no swap at all.
        calm: vec![0.0, 1.0],
        presence: None,
        written: String::new(),
        second: None,
        requires: Vec::new(),
        missing: Missing::Unknown,
        notes: vec![
            "close: the plugin truncates to whole MiB before comparing (within 1 MiB)".to_owned(),
        ],
    })
}

/// `N%` (free percent) or `N` (free bytes).
fn threshold(opt: &str, value: &str) -> Result<(f64, bool), Refusal> {
    let text = threshold_text(opt, value)?;
    let (number, percent) = match text.strip_suffix('%') {
        Some(n) => (n, true),
        None => (text, false),
    };
    let v: f64 = number.trim().parse().map_err(|_| {
        Refusal::new(
            Code::InvalidValue,
            format!("threshold {opt} `{text}` is not a number or percentage"),
        )
    })?;
    if !v.is_finite() || v < 0.0 || (percent && v > 100.0) {
        return Err(Refusal::new(
            Code::InvalidValue,
            format!("threshold {opt} `{text}` is out of range"),
        ));
    }
    Ok((v, percent))
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
    fn free_percent_becomes_used_ge() {
        let n = tr("check_swap -w 20% -c 10%").unwrap();
        assert_eq!(n.warning[0].test, Test::Ge(80.0));
        assert_eq!(n.critical.len(), 2, "no swap is critical by default");
        let n = tr("check_swap -n ok -w 20% -c 10%").unwrap();
        assert_eq!(n.critical.len(), 1);
        let n = tr("check_swap -w 1000000 -c 500000").unwrap();
        assert_eq!(n.warning[0].test, Test::Le(1_000_000.0));
        assert!(tr("check_swap -a -w 20% -c 10%").is_err());
        assert!(tr("check_swap -w 20% -c 500").is_err());
    }
}
