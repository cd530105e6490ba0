//! `nag2prom diff OLD NEW`: what a change does to the generated alerts, targets, blackbox
//! modules and scrape jobs (see [`crate::diff`]).

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};

use super::convert::{self, Failed, TranslateArgs};
use crate::diff;
use crate::plan::Plan;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Lines for a terminal (coloured when stdout is one and NO_COLOR is unset).
    #[default]
    Text,
    /// A pull-request comment: summary table, then collapsible sections, cut at
    /// --markdown-limit.
    Markdown,
    /// Every change, uncut, for scripts.
    Json,
}

/// Arguments of `nag2prom diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old side: a nagios.cfg (any file ending in .cfg, converted on the fly), a convert
    /// output directory (it holds nag2prom-manifest.json), or a Prometheus rule file or
    /// directory of rule files written by anyone.
    #[arg(value_name = "OLD", required_unless_present = "git_ref")]
    pub old: Option<PathBuf>,

    /// The new side, any of the same kinds.
    #[arg(value_name = "NEW", required_unless_present = "git_ref")]
    pub new: Option<PathBuf>,

    /// Compare --config as committed at this git ref (a branch, tag or commit: the pull
    /// request's base) with the working tree. The ref's files are read from git objects
    /// (`git archive`) into a temporary directory; the working tree and the index are never
    /// touched.
    #[arg(long, value_name = "REF", requires = "config", conflicts_with_all = ["old", "new"])]
    pub git_ref: Option<String>,

    /// With --git-ref: the nagios.cfg, a path in the working tree of a git repository. Paths
    /// in it must be relative to it (or lie outside the repository, in which case both
    /// sides read the same files).
    #[arg(long, short = 'c', value_name = "NAGIOS_CFG")]
    pub config: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    /// Exit 1 when something changed, 0 when nothing did (2 on errors either way).
    #[arg(long)]
    pub exit_code: bool,

    /// Largest Markdown output in bytes (GitHub refuses comments over 65,536 characters);
    /// what does not fit is counted in a closing line.
    #[arg(long, value_name = "BYTES", default_value_t = 60_000)]
    pub markdown_limit: usize,

    /// Heading of the Markdown output.
    #[arg(long, value_name = "TEXT", default_value = "nag2prom diff")]
    pub title: String,

    /// The live Nagios status.dat: for each changed alert, also say how many of its services
    /// would be alerting right now under the old and under the new rule (from their hard
    /// states, how long they have held, acknowledgements, downtimes and host states; a
    /// native rule whose thresholds NEW changes is not estimated on the NEW side, as Nagios
    /// ran OLD's).
    #[arg(long, value_name = "STATUS_DAT")]
    pub status_file: Option<PathBuf>,

    /// How nagios.cfg sides are translated (the same for both).
    #[command(flatten)]
    pub translate: TranslateArgs,
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("nag2prom-diff-{}-{nanos:09}", std::process::id()));
        std::fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Read one side; `label` (OLD/NEW) names it in every error.
fn side(label: &str, path: &Path, t: &TranslateArgs) -> anyhow::Result<(Plan, Vec<PathBuf>)> {
    let is_cfg = path.extension().is_some_and(|e| e == "cfg");
    if is_cfg && path.is_file() {
        return match convert::plan(Some(path), &[], t) {
            Ok((mut plan, inputs)) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    plan.relative_to(dir);
                }
                Ok((plan, inputs))
            }
            Err(Failed::Config(n)) => {
                bail!("{label}: {} has {n} error(s); nothing compared", path.display())
            }
            Err(Failed::Other(e)) => Err(e.context(format!("{label}: {}", path.display()))),
        };
    }
    let plan = Plan::read(path).with_context(|| format!("{label}: {}", path.display()))?;
    Ok((plan, Vec::new()))
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Extract `reference`'s tree of the repository holding `config` into `into`; returns the
/// config's path there and the repository's top level.
fn checkout_ref(config: &Path, reference: &str, into: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    let config = config.canonicalize().with_context(|| format!("--config {}", config.display()))?;
    let dir = config.parent().unwrap_or(Path::new("/"));
    let top = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?)
        .canonicalize()
        .context("the repository's top level")?;
    let rel = config
        .strip_prefix(&top)
        .with_context(|| format!("{} is not inside {}", config.display(), top.display()))?
        .to_path_buf();
    // A ref that is not a commit is an error here, before anything else runs.
    git(&top, &["rev-parse", "--verify", "--quiet", &format!("{reference}^{{commit}}")])
        .with_context(|| format!("--git-ref {reference} is not a commit"))?;
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(&top)
        .args(["archive", "--format=tar", reference])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running git archive")?;
    let Some(stdout) = archive.stdout.take() else { bail!("git archive: no output") };
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(into)
        .stdin(stdout)
        .output()
        .context("running tar")?;
    let status = archive.wait().context("git archive")?;
    if !status.success() || !tar.status.success() {
        bail!(
            "extracting {reference}: git archive {status}, tar {}: {}",
            tar.status,
            String::from_utf8_lossy(&tar.stderr).trim()
        );
    }
    let old = into.join(&rel);
    if !old.is_file() {
        bail!("{} does not exist at {reference}", rel.display());
    }
    Ok((old, top))
}

pub(super) fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let temp;
    let (old_path, new_path, guard) = match (&args.git_ref, &args.config) {
        (Some(reference), Some(config)) => {
            temp = TempDir::new()?;
            let (old, top) = checkout_ref(config, reference, &temp.0)
                .with_context(|| format!("OLD (--git-ref {reference})"))?;
            (old, config.clone(), Some((top, temp.0.canonicalize().unwrap_or(temp.0.clone()))))
        }
        _ => match (&args.old, &args.new) {
            (Some(a), Some(b)) => (a.clone(), b.clone(), None),
            _ => bail!("give OLD and NEW, or --git-ref REF --config nagios.cfg"),
        },
    };
    let t = &args.translate;
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| side("OLD", &old_path, t));
        let new = side("NEW", &new_path, t);
        (old.join(), new)
    });
    let (old, old_inputs) =
        old.map_err(|_| anyhow::anyhow!("OLD: the reading thread failed"))??;
    let (new, _) = new?;
    if let Some((top, temp)) = &guard {
        // The ref's configuration must not read the working tree through absolute paths:
        // that would compare the working tree with itself and look like no change.
        for p in &old_inputs {
            let Ok(real) = p.canonicalize() else { continue };
            if real.starts_with(top) && !real.starts_with(temp) {
                bail!(
                    "OLD: {} reads {} from the working tree (an absolute path inside the repository); make the paths in nagios.cfg relative to it",
                    old_path.display(),
                    real.display()
                );
            }
        }
    }
    let live = match &args.status_file {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("--status-file {}", path.display()))?;
            let snapshot = crate::status::Snapshot::parse(&bytes)
                .map_err(|e| anyhow::anyhow!("--status-file {}: {e}", path.display()))?;
            let now = crate::serve::refresh::unix_now() as i64;
            Some(diff::live::LiveStates::of(&snapshot, now))
        }
        None => None,
    };
    let d = diff::diff_live(&old, &new, live.as_ref());
    // The process ends soon: freeing two installations' plans one allocation at a time
    // would only cost time.
    std::mem::forget((old, new));
    if io::stderr().is_terminal() {
        let _ = writeln!(
            io::stderr(),
            "compared {} with {} in {:.2?}",
            old_path.display(),
            new_path.display(),
            started.elapsed()
        );
    }
    let text = match args.format {
        Format::Text => {
            let colour = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            diff::render::text(&d, colour)
        }
        Format::Markdown => diff::render::markdown(&d, &args.title, args.markdown_limit),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&d).context("rendering JSON")?;
            s.push('\n');
            s
        }
    };
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        return Err(e).context("writing the diff");
    }
    Ok(if args.exit_code && !d.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
