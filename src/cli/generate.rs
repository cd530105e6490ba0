//! `nag2prom completions SHELL` and `nag2prom man`: shell completions and man pages generated
//! from the same clap definitions as `--help`, so they cannot drift from the real flags.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, CommandFactory};

use super::Cli;

/// `nag2prom completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `nag2prom man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write nag2prom.1 and one page per subcommand (nag2prom-convert.1, …) into this
    /// directory instead of printing nag2prom.1 to standard output.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Print the completion script for `args.shell`.
pub(super) fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "nag2prom", &mut out);
    std::io::stdout().write_all(&out).context("writing the completions")?;
    Ok(ExitCode::SUCCESS)
}

/// The man pages: `(file name, roff)` for the command and each subcommand.
fn pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let cmd = Cli::command();
    let mut pages = Vec::new();
    let mut top = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut top).context("rendering nag2prom.1")?;
    pages.push(("nag2prom.1".to_owned(), top));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("nag2prom-{}", sub.get_name());
        let mut page = Vec::new();
        let version = cmd.get_version().unwrap_or_default().to_owned();
        let sub = sub.clone().name(name.clone()).version(version);
        clap_mangen::Man::new(sub)
            .render(&mut page)
            .with_context(|| format!("rendering {name}.1"))?;
        pages.push((format!("{name}.1"), page));
    }
    Ok(pages)
}

/// Print nag2prom.1, or write every page into `--out-dir` (each file atomically).
pub(super) fn man(args: &ManArgs) -> anyhow::Result<ExitCode> {
    let pages = pages()?;
    match &args.out_dir {
        None => {
            let top = pages.first().map(|(_, p)| p.as_slice()).unwrap_or_default();
            std::io::stdout().write_all(top).context("writing the man page")?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            for (name, page) in &pages {
                let path = dir.join(name);
                crate::output::write_file(&path, page)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
