//! `nag2prom silences`: Nagios downtimes as Alertmanager silences (see [`crate::silences`]).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use crate::exposition::EnrichOptions;
use crate::silences::{self, Existing};

/// `nag2prom silences`.
#[derive(Debug, Args)]
pub struct SilencesArgs {
    /// nagios.cfg: status_file is taken from it.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The status.dat (or retention.dat) to read, instead of nagios.cfg's status_file.
    #[arg(long, value_name = "FILE")]
    pub status_file: Option<PathBuf>,

    /// Post the silences to this Alertmanager (`http://HOST:PORT`, plain HTTP), skipping those
    /// an earlier run posted (same downtime id and matchers, still active or pending).
    /// Without it the silences are printed.
    #[arg(long, value_name = "URL")]
    pub alertmanager: Option<String>,

    /// Output format (printed silences, or what was posted).
    #[arg(long, value_enum, default_value_t = SilencesFormat::Text)]
    pub format: SilencesFormat,

    /// Timeout of each HTTP request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
}

/// Output format of `silences`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SilencesFormat {
    /// One line per silence and per downtime left out.
    Text,
    /// `{"silences": [PostableSilence…], "skipped": […]}`: the silences as Alertmanager's API
    /// (and `amtool silence import`) take them.
    Json,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Run; `Ok` carries the exit code.
pub(super) fn run(args: &SilencesArgs) -> anyhow::Result<ExitCode> {
    let timeout = super::seconds("--timeout", args.timeout)?;
    let nagios = crate::serve::config::load(
        args.config.as_deref(),
        args.status_file.as_deref(),
        &EnrichOptions::default(),
        false,
    )?;
    let path = &nagios.status_file;
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut found = silences::from_status(&bytes, now());
    let mut posted = Vec::new();
    let mut kept = 0;
    if let Some(url) = &args.alertmanager {
        let base = url.trim_end_matches('/');
        let config = ureq::Agent::config_builder().timeout_global(Some(timeout)).build();
        let agent: ureq::Agent = config.into();
        let list = format!("{base}/api/v2/silences");
        let existing: Vec<Existing> = agent
            .get(&list)
            .call()
            .and_then(|mut r| r.body_mut().read_json())
            .with_context(|| format!("listing the silences of {url}"))?;
        for s in std::mem::take(&mut found.silences) {
            if silences::already_posted(&s, &existing) {
                kept += 1;
                continue;
            }
            let reply: serde_json::Value = agent
                .post(&list)
                .send_json(&s)
                .and_then(|mut r| r.body_mut().read_json())
                .with_context(|| format!("posting the silence of `{}` to {url}", s.comment))?;
            posted.push((reply["silenceID"].as_str().unwrap_or("").to_owned(), s));
        }
    }
    let mut out = io::stdout().lock();
    match args.format {
        SilencesFormat::Json => {
            let silences: Vec<&silences::Silence> = if args.alertmanager.is_some() {
                posted.iter().map(|(_, s)| s).collect()
            } else {
                found.silences.iter().collect()
            };
            let value = serde_json::json!({
                "silences": silences,
                "skipped": found.skipped,
                "already_posted": kept,
            });
            serde_json::to_writer_pretty(&mut out, &value)?;
            writeln!(out)?;
        }
        SilencesFormat::Text => {
            let line = |s: &silences::Silence| {
                let what: Vec<String> =
                    s.matchers.iter().map(|m| format!("{}={:?}", m.name, m.value)).collect();
                format!("{{{}}} {} → {} ({})", what.join(","), s.starts_at, s.ends_at, s.comment)
            };
            if args.alertmanager.is_some() {
                writeln!(out, "posted {} silence(s), {kept} already there", posted.len())?;
                for (id, s) in &posted {
                    writeln!(out, "  {id} {}", line(s))?;
                }
            } else {
                for s in &found.silences {
                    writeln!(out, "{}", line(s))?;
                }
            }
            for k in &found.skipped {
                let id = k.downtime_id.map(|i| format!(" (downtime {i})")).unwrap_or_default();
                writeln!(out, "not silenced: {}{id}: {}", k.object, k.reason)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
