//! `check_apt [-d] [-o] [-w N]`: packages apt would upgrade, security updates among them.
//!
//! Semantics (2.3.3 `check_apt.c`): the plugin simulates `apt-get -s -qq upgrade` (`-d`:
//! `dist-upgrade`) and counts its `Inst` lines; a line matching `SECURITY_RE`,
//! `^[^\(]*\(.* (Debian-Security:|Ubuntu:[^/]*/[^-]*-security)` (the release text apt prints
//! after the new version, `Label:Version/Suite`), is a critical update. Any critical update is
//! CRITICAL; otherwise at least `-w` updates (an `atoi` integer, default 1) is WARNING, unless
//! `-o`; apt-get failing is UNKNOWN.
//!
//! node_exporter reads the counts from the textfile `apt_info.py` of the textfile-collector
//! scripts writes (Debian `prometheus-node-exporter-collectors`, run every 15 minutes by
//! `prometheus-node-exporter-apt.timer`): `apt_upgrades_pending{origin, arch}` counts the
//! packages with a newer candidate by the candidate's origins (`Origin:Codename/Suite`, joined
//! by commas), `apt_upgrades_held` those of them on hold, which apt-get never upgrades. The
//! updates are pending minus held; the critical ones are those whose origins include a Debian
//! `-security` suite or an Ubuntu `*-security` one, the suites whose release Label is
//! `Debian-Security` or `Ubuntu` (the older `apt.sh` script's `Label:Version/Suite` form is
//! matched as check_apt matches it).
//!
//! Not translated: `-i`/`-e`/`-c` (regexes on apt-get's line per package: the exporter counts
//! by origin), `-u` (the plugin runs `apt-get update` itself and is CRITICAL when it fails),
//! `-U`/`-d` with apt-get options, `-n` (no simulation: OK on every run), `--input-file`.

use super::common::{Code, Refusal, opts, require_local, threshold_text, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::opt;

/// The origins of a security update, in `apt_upgrades_pending`'s `origin` label: apt_info.py's
/// `Origin:Codename/Suite` of Debian's and Ubuntu's security suites, or apt.sh's
/// `Label:Version/Suite` as `SECURITY_RE` matches it, anywhere in the comma-joined list.
pub const SECURITY_ORIGIN: &str = "(.*, ?)?(Debian:[^/,]*/[^,]*-security|Ubuntu:[^/,]*/[^-,]*-security|Debian-Security:[^,]*)(,.*)?";

/// An origin of a security update the test series use (Debian 12's, as apt_info.py writes it).
const TEST_SECURITY: &str = "Debian:bookworm-security/stable-security";

/// An origin of an ordinary update.
const TEST_ORDINARY: &str = "Debian:bookworm/stable";

/// Translate a `check_apt` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    require_local(ctx, "check_apt")?;
    let table = with_common(&[
        opt('u', "update", false),
        opt('U', "upgrade", false),
        opt('d', "dist-upgrade", false),
        opt('n', "no-upgrade", false),
        opt('l', "list", false),
        opt('i', "include", true),
        opt('e', "exclude", true),
        opt('c', "critical", true),
        opt('o', "only-critical", false),
        opt('w', "packages-warning", true),
        opt('\0', "input-file", true),
    ]);
    let parsed = opts(call, &table, "check_apt")?;
    for (letter, what) in [
        ('i', "-i (include packages whose apt-get line matches)"),
        ('e', "-e (exclude packages whose apt-get line matches)"),
        ('c', "-c (packages whose apt-get line matches are critical)"),
    ] {
        if parsed.has(letter) {
            return Err(Refusal::new(
                Code::OptionNotTranslated,
                format!("{what}: the exporter counts updates by origin, not by package"),
            ));
        }
    }
    if parsed.has('u') {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-u runs apt-get update before counting and is CRITICAL when it fails; the exporter reads the package lists as apt's own timers left them",
        ));
    }
    if parsed.has_long("input-file") {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "--input-file reads apt-get's output from a file (a testing option)",
        ));
    }
    // getopt: the last of -U, -d and -n decides the upgrade kind.
    let kind = parsed.options.iter().rev().find(|o| matches!(o.short, 'U' | 'd' | 'n'));
    let dist = match kind.map(|o| o.short) {
        Some('n') => {
            return Err(Refusal::new(
                Code::PluginRefuses,
                "-n simulates no upgrade: the plugin answers OK on every run",
            ));
        }
        Some('d') => true,
        _ => false,
    };
    let only_critical = parsed.has('o');
    let warn_at = match parsed.last('w') {
        None => 1.0,
        Some(v) => {
            let text = threshold_text("-w", v)?.trim();
            if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Refusal::new(
                    Code::InvalidValue,
                    format!(
                        "-w `{text}` is not a whole number of packages (check_apt reads it with atoi, dropping what follows the digits)"
                    ),
                ));
            }
            text.parse::<u32>().map(f64::from).unwrap_or(1.0)
        }
    };

    let mut canonical = String::from("check_apt");
    if dist {
        canonical.push_str(" -d");
    }
    if only_critical {
        canonical.push_str(" -o");
    }
    if parsed.has('w') {
        canonical.push_str(&format!(" -w {}", super::num(warn_at)));
    }
    let count = |extra: &str, metric: &str| {
        format!("sum without(origin, arch) ({metric}{{__SEL__{extra}}})")
    };
    let all = count("", "apt_upgrades_pending");
    let updates = |extra: &str| {
        let pending = count(extra, "apt_upgrades_pending");
        let held = count(extra, "apt_upgrades_held");
        // A count with no series is 0 while the file is there (apt_info.py writes an empty
        // origin's 0 when there is nothing, apt.sh wrote no held series at all).
        format!("((({pending}) or 0 * {all}) - (({held}) or 0 * {all}))")
    };
    let security =
        format!(", origin=~\"{}\"", crate::translate::promql::string_literal(SECURITY_ORIGIN));
    let signals = vec![updates(""), updates(&security)];
    let warning =
        if only_critical { Vec::new() } else { vec![Cond { signal: 0, test: Test::Ge(warn_at) }] };
    let critical = vec![Cond { signal: 1, test: Test::Ge(1.0) }];
    let mut notes = vec![
        "the counts are as fresh as the textfile: apt_info.py runs every 15 minutes on Debian (prometheus-node-exporter-apt.timer), check_apt at every check".to_owned(),
    ];
    notes.push(if dist {
        "dist-upgrade: the exporter counts upgradable packages, not the new packages an upgrade would install beside them (the plugin counts those too)".to_owned()
    } else {
        "upgrade: the exporter also counts packages apt-get upgrade keeps back because their upgrade needs new packages or removals (the plugin does not): more updates, never fewer".to_owned()
    });
    Ok(Native {
        plugin: "check_apt",
        alert: "NagiosCheckApt",
        probe: Probe::Node,
        canonical,
        signals,
        warning,
        critical,
        feed: Box::new(|v: &[f64], _t: f64| {
            let whole = |x: Option<&f64>| x.copied().unwrap_or(0.0).max(0.0).floor();
            let security = whole(v.get(1));
            let ordinary = (whole(v.first()) - security).max(0.0);
            let mut series = vec![Series::constant(
                "apt_upgrades_held",
                &[("origin", ""), ("arch", "")],
                0.0,
            )];
            for (origin, n) in [(TEST_SECURITY, security), (TEST_ORDINARY, ordinary)] {
                series.push(Series::constant(
                    "apt_upgrades_pending",
                    &[("origin", origin), ("arch", "amd64")],
                    n,
                ));
            }
            Fed {
                series,
                realized: vec![Some(security + ordinary), Some(security)],
                labels: vec![Vec::new(), Vec::new()],
            }
        }),
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: vec![
            "node_exporter's textfile collector reading apt.prom from apt_info.py (Debian: prometheus-node-exporter-collectors, whose prometheus-node-exporter-apt.timer writes /var/lib/prometheus/node-exporter/apt.prom, node_exporter's default textfile directory there)".to_owned(),
        ],
        missing: Missing::Unknown,
        notes,
        calm: vec![0.0, 0.0],
        presence: Some("apt_upgrades_pending{__SEL__}".to_owned()),
    })
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
    fn any_security_update_is_critical_and_one_update_a_warning() {
        let n = tr("check_apt").unwrap();
        assert_eq!(n.canonical, "check_apt");
        assert_eq!(n.critical, vec![Cond { signal: 1, test: Test::Ge(1.0) }]);
        assert_eq!(n.warning, vec![Cond { signal: 0, test: Test::Ge(1.0) }]);
        // Edges: one security update is CRITICAL, none is not; one update WARNING, none not.
        assert!(n.critical[0].test.alerts(1.0) && !n.critical[0].test.alerts(0.0));
        assert!(n.warning[0].test.alerts(1.0) && !n.warning[0].test.alerts(0.0));
        // -w N: at least N; -w 0 warns on every run (0 >= 0), as the plugin does.
        let n = tr("check_apt -w 5").unwrap();
        assert!(n.warning[0].test.alerts(5.0) && !n.warning[0].test.alerts(4.0));
        let n = tr("check_apt -w 0").unwrap();
        assert!(n.warning[0].test.alerts(0.0));
        // -o: only security updates alert.
        let n = tr("check_apt -o").unwrap();
        assert!(n.warning.is_empty());
        assert_eq!(n.canonical, "check_apt -o");
        assert_eq!(tr("check_apt -w 2x").unwrap_err().code, Code::InvalidValue);
    }

    #[test]
    fn upgrade_kinds_and_untranslated_options() {
        assert_eq!(tr("check_apt -d").unwrap().canonical, "check_apt -d");
        // The last of -U, -d, -n wins.
        assert_eq!(tr("check_apt -d -U").unwrap().canonical, "check_apt");
        assert_eq!(tr("check_apt -n").unwrap_err().code, Code::PluginRefuses);
        assert_eq!(tr("check_apt -n -d").unwrap().canonical, "check_apt -d");
        for bad in ["-u", "-i ^Inst.libc", "-e kernel", "-c openssl", "--input-file x", "-Ufoo"] {
            assert!(tr(&format!("check_apt {bad}")).is_err(), "{bad}");
        }
        let ctx = Context::default();
        let e = translate(&call("check_apt", &[] as &[&str]).unwrap(), &ctx).unwrap_err();
        assert_eq!(e.code, Code::RunsOnNagiosServer);
    }

    #[test]
    fn security_origins_are_debian_and_ubuntu_security_suites() {
        let re = regex::Regex::new(&format!("^(?:{SECURITY_ORIGIN})$")).unwrap();
        for security in [
            "Debian:bookworm-security/stable-security",
            "Debian:bookworm-security/oldstable-security,Debian:bookworm/oldstable",
            "Debian:bookworm/oldstable,Debian:bookworm-security/oldstable-security",
            "Ubuntu:jammy/jammy-security",
            "Ubuntu:jammy/jammy-security,Ubuntu:jammy/jammy-updates",
            // apt.sh: the release text check_apt's SECURITY_RE reads.
            "Debian:12.5/stable, Debian-Security:12/stable-security",
            "Ubuntu:22.04/jammy-security",
        ] {
            assert!(re.is_match(security), "{security}");
        }
        for ordinary in [
            "Debian:bookworm/stable",
            "Debian:bookworm-updates/stable-updates",
            "Debian Backports:bookworm-backports/stable-backports",
            "UbuntuESMApps:jammy-apps-security/jammy-apps-security",
            "Ubuntu:jammy/jammy-updates",
            "",
        ] {
            assert!(!re.is_match(ordinary), "{ordinary}");
        }
    }

    #[test]
    fn feed_realises_counts() {
        let n = tr("check_apt").unwrap();
        let fed = (n.feed)(&[3.0, 1.0], 60.0);
        assert_eq!(fed.realized, vec![Some(3.0), Some(1.0)]);
        // More security updates than updates cannot be: the updates include them.
        let fed = (n.feed)(&[0.0, 2.0], 60.0);
        assert_eq!(fed.realized, vec![Some(2.0), Some(2.0)]);
        assert!(fed.series.iter().any(|s| s.metric == "apt_upgrades_held"));
    }
}
