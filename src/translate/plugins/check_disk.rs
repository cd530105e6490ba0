//! `check_disk -w FREE -c FREE -p PATH…`: free space of given file systems.
//!
//! Semantics (2.3.3 `check_disk.c`): thresholds are **free** space; the plugin prefixes `@`
//! (unless given), so `20%` alerts when 0 ≤ free% ≤ 20 (inclusive) and `100` when 0 ≤ free
//! units ≤ 100. free% = 100 − used%, used% = used / (used + avail) with used = blocks − bfree,
//! avail = bavail; 2.3.x rounds used% **up** to an integer (`ceil`), ≥ 2.4 keeps doubles. Free
//! units = avail × block size / unit, integer division (floor); `-u` units are binary before
//! 3.0 (`MB` = 2^20), decimal from 3.0 (`MB` = 10^6, `MiB` binary). Default unit MB.
//!
//! node_exporter: `node_filesystem_{size,free,avail}_bytes{device,fstype,mountpoint}`.
//! `-p` names a mount point or a device (`/dev/…` → `device=`). Translated: thresholds before
//! the first `-p`, one or more `-p`; bridged: no `-p` (all file systems), inode thresholds
//! (`-W`/`-K`: node_exporter has f_ffree, the plugin f_favail), groups, regexes, `-A`, `-C`.

use super::common::{Code, Refusal, opts, require_local, threshold_text, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, PluginsVersion, Probe, Series, Test};
use crate::translate::argv::opt;
use crate::translate::promql::string_literal;
use nag2prom_parsers::range::{Range, parse_range};

/// Translate a `check_disk` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    require_local(ctx, "check_disk")?;
    let table = with_common(&[
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('W', "iwarning", true),
        opt('K', "icritical", true),
        opt('p', "path", true),
        opt('x', "exclude_device", true),
        opt('X', "exclude-type", true),
        opt('u', "units", true),
        opt('k', "kilobytes", false),
        opt('m', "megabytes", false),
        opt('l', "local", false),
        opt('L', "stat-remote-fs", false),
        opt('e', "errors-only", false),
        opt('E', "exact-match", false),
        opt('M', "mountpoint", false),
        opt('A', "all", false),
        opt('C', "clear", false),
        opt('g', "group", true),
        opt('r', "eregi-path", true),
        opt('R', "eregi-partition", true),
        opt('i', "ignore-eregi-path", true),
        opt('I', "ignore-eregi-partition", true),
        opt('f', "freespace-ignore-reserved", false),
        opt('n', "ignore-missing", false),
    ]);
    let parsed = opts(call, &table, "check_disk")?;
    for (letter, what) in [
        ('W', "inode thresholds (-W/-K)"),
        ('K', "inode thresholds (-W/-K)"),
        ('A', "-A (all file systems)"),
        ('C', "-C (per-path thresholds)"),
        ('g', "-g (groups)"),
        ('r', "-r (regex paths)"),
        ('R', "-R (regex paths)"),
        ('i', "-i"),
        ('I', "-I"),
        ('f', "-f (reserved blocks)"),
        ('L', "-L"),
    ] {
        if parsed.has(letter) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("{what} is not translated"),
            ));
        }
    }
    let first_path = parsed.options.iter().position(|o| o.short == 'p');
    let Some(first_path) = first_path else {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "no -p: the plugin checks every mounted file system; only named paths are translated"
                .to_owned(),
        ));
    };
    if parsed
        .options
        .iter()
        .skip(first_path)
        .any(|o| matches!(o.short, 'w' | 'c' | 'u' | 'k' | 'm'))
    {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "thresholds or units given after -p apply per path and are not translated".to_owned(),
        ));
    }
    let paths: Vec<&str> = parsed.all('p').collect();
    for p in &paths {
        if p.contains('$') || !p.starts_with('/') {
            return Err(Refusal::new(
                Code::InvalidValue,
                format!("-p `{p}` is not an absolute path"),
            ));
        }
    }
    let unit = unit(&parsed, ctx.version)?;
    let w = parsed.last('w').map(|v| threshold("-w", v)).transpose()?;
    let c = parsed.last('c').map(|v| threshold("-c", v)).transpose()?;
    if w.is_none() && c.is_none() {
        return Err(Refusal::new(
            Code::NoThresholds,
            "neither -w nor -c: the plugin never alerts".to_owned(),
        ));
    }
    let v23 = ctx.version == PluginsVersion::V2_3;
    // Signals: per path, free percent then free units.
    let mut signals = Vec::new();
    let mut labels = Vec::new();
    let exact = parsed.has('E');
    let mut requires = Vec::new();
    for p in &paths {
        let candidates = mount_candidates(p, exact);
        let excluded: Vec<&String> = candidates
            .iter()
            .filter_map(|c| match c {
                Candidate::Mount(m) if default_excluded(m) => Some(m),
                _ => None,
            })
            .collect();
        if let Some(m) = excluded.first() {
            requires.push(format!(
                "node_exporter --collector.filesystem.mount-points-exclude that does not exclude {m} (the default excludes /dev, /proc, /sys, /run/credentials/…, /var/lib/docker/…, /var/lib/containers/storage/…)"
            ));
        }
        let m = |name: &str| best_match(&format!("node_filesystem_{name}_bytes"), &candidates);
        let used = format!("({} - {})", m("size"), m("free"));
        signals.push(if v23 {
            format!("100 - ceil(100 * {used} / ({used} + {}))", m("avail"))
        } else {
            format!("100 - {used} / ({used} + {}) * 100", m("avail"))
        });
        signals.push(format!("floor({} / {})", m("avail"), super::num(unit.1)));
        let (device, mountpoint) = if p.starts_with("/dev/") && !p.starts_with("/dev/shm") {
            ((*p).to_owned(), "/mnt/test".to_owned())
        } else {
            ("/dev/sda1".to_owned(), (*p).to_owned())
        };
        labels.push(vec![
            ("device".to_owned(), device),
            ("fstype".to_owned(), "ext4".to_owned()),
            ("mountpoint".to_owned(), mountpoint),
        ]);
    }
    let conds = |t: Option<(Range, bool)>| -> Vec<Cond> {
        let Some((range, percent)) = t else { return Vec::new() };
        (0..paths.len())
            .map(|i| Cond { signal: 2 * i + usize::from(!percent), test: Test::Range(range) })
            .collect()
    };
    let show =
        |t: Option<(Range, bool)>| t.map(|(r, p)| format!("{r}{}", if p { "%" } else { "" }));
    let mut canonical = "check_disk".to_owned();
    if let Some(w) = show(w) {
        canonical.push_str(&format!(" -w {w}"));
    }
    if let Some(c) = show(c) {
        canonical.push_str(&format!(" -c {c}"));
    }
    canonical.push_str(&format!(" -u {}", unit.0));
    if exact {
        canonical.push_str(" -E");
    }
    for p in &paths {
        canonical.push_str(&format!(" -p {p}"));
    }
    let n = paths.len();
    let unit_bytes = unit.1;
    let feed_labels = labels.clone();
    let feed = Box::new(move |values: &[f64], _t: f64| {
        let mut fed = Fed::default();
        for (i, path_labels) in feed_labels.iter().enumerate().take(n) {
            let pct = values.get(2 * i).copied().unwrap_or(50.0).clamp(0.0, 100.0);
            let units = values.get(2 * i + 1).copied().unwrap_or(0.0);
            // A file system whose free% is `pct` and free units `units` when both can hold:
            // total = 1e6 units when the percentage is what matters, else sized by the units.
            let want_units = units.max(0.0).floor();
            let total_units = if want_units > 0.0 && want_units < 1e15 {
                (want_units * 100.0 / pct.max(1e-9)).min(1e15).max(want_units)
            } else {
                1e6
            };
            let total = (total_units * unit_bytes).round();
            let avail = if want_units > 0.0 && want_units < 1e15 {
                want_units * unit_bytes
            } else {
                (total * pct / 100.0).round()
            };
            let free = avail;
            let size = total;
            let used = size - free;
            let pct_real = if v23 {
                100.0 - (100.0 * used / (used + avail)).ceil()
            } else {
                100.0 - used / (used + avail) * 100.0
            };
            let units_real = (avail / unit_bytes).floor();
            let l: Vec<(&str, &str)> =
                feed_labels[i].iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            fed.series.push(Series::constant("node_filesystem_size_bytes", &l, size));
            fed.series.push(Series::constant("node_filesystem_free_bytes", &l, free));
            fed.series.push(Series::constant("node_filesystem_avail_bytes", &l, avail));
            fed.realized.push(if pct_real.is_finite() { Some(pct_real) } else { None });
            fed.realized.push(Some(units_real));
            fed.labels.push(path_labels.clone());
            fed.labels.push(path_labels.clone());
        }
        fed
    });
    let mut notes = Vec::new();
    if !exact {
        notes.push("a -p path that is not a mount point is measured on the file system containing it (the nearest ancestor mount point), as the plugin does; a path that does not exist at all is CRITICAL in the plugin but looks the same as an existing directory to node_exporter (use -E, exact mount points, to make a missing mount CRITICAL)".to_owned());
    }
    if parsed.has('x') || parsed.has('X') || parsed.has('l') {
        notes.push("-x/-X/-l only filter the file systems -p already names".to_owned());
    }
    Ok(Native {
        plugin: "check_disk",
        alert: "NagiosCheckDisk",
        probe: Probe::Node,
        canonical,
        signals,
        warning: conds(w),
        critical: conds(c),
        feed,
        window_samples: 1,
        written: String::new(),
        second: None,
        requires,
        // With -E a path that is not mounted is "not found", CRITICAL; without it the chain
        // ends at "/", so absent series mean the exporter does not report file systems.
        missing: if exact { Missing::Critical } else { Missing::Unknown },
        notes,
        calm: Vec::new(),
        presence: None,
    })
}

/// One way the plugin may match a `-p` path to a mounted file system.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Candidate {
    /// The device name equals the path.
    Device(String),
    /// The mount point equals this path.
    Mount(String),
}

/// File systems always mounted on Linux: the search for a containing mount stops there.
const SYSTEM_MOUNTS: [&str; 5] = ["/", "/dev", "/proc", "/sys", "/run"];

/// node_exporter 1.x's default `--collector.filesystem.mount-points-exclude`
/// (`^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)`).
fn default_excluded(mount: &str) -> bool {
    let Some(rest) = mount.strip_prefix('/') else { return false };
    let under = |root: &str| rest == root || rest.starts_with(&format!("{root}/"));
    let below = |root: &str| rest.starts_with(&format!("{root}/")) && rest.len() > root.len() + 1;
    under("dev")
        || under("proc")
        || under("sys")
        || below("run/credentials")
        || below("var/lib/docker")
        || below("var/lib/containers/storage")
}

/// The plugin's best match for `path`, in order of preference (2.3.3
/// `np_set_best_match`): a device named `path`, then the longest mount point that is a
/// prefix of it. Prefixes are taken at directory boundaries (the plugin compares strings, so a
/// mount `/srv/data` would also serve `/srv/data2`; such layouts are not followed), up to the
/// first mount Linux always has. With `-E` (exact) only the path itself.
fn mount_candidates(path: &str, exact: bool) -> Vec<Candidate> {
    let path = if path.len() > 1 { path.trim_end_matches('/') } else { path };
    let mut out = Vec::new();
    if path.starts_with("/dev/") {
        out.push(Candidate::Device(path.to_owned()));
    }
    out.push(Candidate::Mount(path.to_owned()));
    if exact {
        return out;
    }
    let mut current = path;
    while !SYSTEM_MOUNTS.contains(&current) {
        current = match current.rfind('/') {
            Some(0) | None => "/",
            Some(i) => &current[..i],
        };
        out.push(Candidate::Mount(current.to_owned()));
    }
    out
}

/// `metric` of the file system the plugin would measure: each candidate in turn, where no
/// earlier one exists for the target (`or on(instance)` keeps the left side's target).
fn best_match(metric: &str, candidates: &[Candidate]) -> String {
    let selector = |c: &Candidate| match c {
        Candidate::Device(d) => format!("{metric}{{__SEL__, device=\"{}\"}}", string_literal(d)),
        Candidate::Mount(m) => {
            format!("{metric}{{__SEL__, mountpoint=\"{}\"}}", string_literal(m))
        }
    };
    let mut iter = candidates.iter().rev();
    let Some(last) = iter.next() else { return format!("{metric}{{__SEL__}}") };
    let mut acc = selector(last);
    for c in iter {
        acc = format!("({} or on(instance) {acc})", selector(c));
    }
    acc
}

/// A free-space threshold: `(range as the plugin reads it, is a percentage)`.
fn threshold(opt: &str, value: &str) -> Result<(Range, bool), Refusal> {
    let text = threshold_text(opt, value)?;
    let percent = text.contains('%');
    let body = text.replace('%', "");
    let body = if body.starts_with('@') { body } else { format!("@{body}") };
    let range = parse_range(&body).map_err(|e| {
        Refusal::new(Code::InvalidValue, format!("threshold {opt} `{text}`: {}", e.kind))
    })?;
    Ok((range, percent))
}

/// `(name, bytes)` of the unit absolute thresholds count in.
fn unit(
    parsed: &crate::translate::argv::Parsed,
    version: PluginsVersion,
) -> Result<(&'static str, f64), Refusal> {
    let last = parsed.options.iter().rev().find(|o| matches!(o.short, 'u' | 'k' | 'm'));
    let name = match last {
        None => "MB",
        Some(o) if o.short == 'k' => "kB",
        Some(o) if o.short == 'm' => "MB",
        Some(o) => o.value.as_deref().unwrap_or("MB"),
    };
    let decimal = version >= PluginsVersion::V3_0;
    let k: f64 = if decimal { 1000.0 } else { 1024.0 };
    Ok(match name {
        "bytes" => ("bytes", 1.0),
        "kB" | "KB" => ("kB", k),
        "MB" => ("MB", k * k),
        "GB" => ("GB", k * k * k),
        "TB" => ("TB", k * k * k * k),
        "KiB" if decimal => ("KiB", 1024.0),
        "MiB" if decimal => ("MiB", 1024.0 * 1024.0),
        "GiB" if decimal => ("GiB", 1024.0 * 1024.0 * 1024.0),
        "TiB" if decimal => ("TiB", 1024f64.powi(4)),
        other => {
            return Err(Refusal::new(
                Code::InvalidValue,
                format!("unit `{other}` is not understood"),
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    fn tr(line: &str, version: PluginsVersion) -> Result<Native, Refusal> {
        let ctx = Context { local: true, version, ..Context::default() };
        translate(&call(line, &[] as &[&str]).map_err(Refusal::from)?, &ctx)
    }

    #[test]
    fn percent_is_free_and_inclusive() {
        let n = tr("check_disk -w 20% -c 10% -p /", PluginsVersion::V2_3).unwrap();
        assert_eq!(n.canonical, "check_disk -w @20% -c @10% -u MB -p /");
        let t = n.warning[0].test;
        assert!(t.alerts(20.0) && t.alerts(0.0) && !t.alerts(20.5));
        assert!(n.signals[0].contains("ceil("));
        let n = tr("check_disk -w 20% -c 10% -p /", PluginsVersion::V2_4).unwrap();
        assert!(!n.signals[0].contains("ceil("));
        // the verified edge: size 100, free 28, avail 18 -> free 20 %
        let fed = (n.feed)(&[20.0, 1e300], 0.0);
        assert_eq!(fed.realized[0], Some(20.0));
    }

    #[test]
    fn absolute_units_and_devices() {
        let n = tr("check_disk -w 100 -c 50 -p /var -p /dev/sdb1", PluginsVersion::V2_3).unwrap();
        assert_eq!(n.warning.len(), 2);
        assert_eq!(n.warning[0].signal, 1);
        assert!(n.signals[1].contains("/ 1048576"));
        assert!(n.signals[3].contains("device=\"/dev/sdb1\""));
        let n = tr("check_disk -u GB -w 10 -c 5 -p /", PluginsVersion::V3_0).unwrap();
        assert!(n.signals[1].contains("/ 1000000000"));
    }

    #[test]
    fn paths_follow_the_plugins_best_match() {
        // A directory is measured on the file system that contains it, nearest first.
        let c = mount_candidates("/var/log/", false);
        let mounts: Vec<Candidate> =
            ["/var/log", "/var", "/"].iter().map(|m| Candidate::Mount((*m).to_owned())).collect();
        assert_eq!(c, mounts);
        // A device, or a tmpfs under /dev (not a device: its device label is `tmpfs`), stops
        // at /dev, which is always mounted.
        assert_eq!(
            mount_candidates("/dev/shm", false),
            vec![
                Candidate::Device("/dev/shm".to_owned()),
                Candidate::Mount("/dev/shm".to_owned()),
                Candidate::Mount("/dev".to_owned())
            ]
        );
        assert_eq!(mount_candidates("/", false), vec![Candidate::Mount("/".to_owned())]);
        assert_eq!(
            mount_candidates("/srv/data", true),
            vec![Candidate::Mount("/srv/data".to_owned())]
        );
        let expr = best_match("m", &mount_candidates("/var/log", false));
        assert_eq!(
            expr,
            "(m{__SEL__, mountpoint=\"/var/log\"} or on(instance) (m{__SEL__, mountpoint=\"/var\"} or on(instance) m{__SEL__, mountpoint=\"/\"}))"
        );
        assert!(default_excluded("/dev/shm") && default_excluded("/run/credentials/x"));
        assert!(!default_excluded("/run/credentials") && !default_excluded("/devices"));
        let n = tr("check_disk -w 20% -c 10% -p /dev/shm", PluginsVersion::V2_3).unwrap();
        assert!(n.requires[0].contains("mount-points-exclude"), "{:?}", n.requires);
        assert_eq!(n.missing, Missing::Unknown);
        let n = tr("check_disk -w 20% -c 10% -E -p /srv/data", PluginsVersion::V2_3).unwrap();
        assert_eq!(n.missing, Missing::Critical);
        assert!(!n.signals[0].contains("mountpoint=\"/\""), "-E: exact only");
    }

    #[test]
    fn refusals() {
        let v = PluginsVersion::V2_3;
        assert!(tr("check_disk -w 20% -c 10%", v).unwrap_err().text.contains("no -p"));
        assert!(tr("check_disk -p / -w 20% -c 10%", v).unwrap_err().text.contains("after -p"));
        assert!(tr("check_disk -w 20% -c 10% -W 10% -p /", v).is_err());
        assert!(tr("check_disk -w 2O% -c 10% -p /", v).is_err());
    }
}
