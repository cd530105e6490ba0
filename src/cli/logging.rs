//! `--log.level` and `--log.format`, global to every subcommand: logs go to stderr through
//! `tracing`, as text (coloured on a terminal) or one JSON object a line. `serve` logs what it
//! does at info; the one-shot commands log their phases and timings at debug, so their
//! default output is only their own results and summary lines.

use std::io::IsTerminal as _;

use clap::Args;

/// The logging flags, accepted before or after the subcommand.
#[derive(Debug, Args, Clone)]
pub struct LogArgs {
    /// Log level: error, warn, info, debug, or a tracing filter such as
    /// `nag2prom::serve=debug` (logs go to stderr). One-shot commands log their phases and
    /// timings at debug.
    #[arg(
        id = "log_level",
        long = "log.level",
        value_name = "LEVEL",
        default_value = "info",
        global = true
    )]
    pub level: String,

    /// Log format: text lines (coloured when stderr is a terminal and NO_COLOR is unset), or
    /// `json` (one object a line: timestamp, level, fields, target), as Prometheus exporters'
    /// --log.format.
    #[arg(id = "log_format", long = "log.format", value_enum, default_value_t = LogFormat::Logfmt, global = true)]
    pub format: LogFormat,
}

/// `--log.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable text lines.
    Logfmt,
    /// One JSON object per line.
    Json,
}

/// Install the process' log subscriber. An invalid `--log.level` is a usage error.
pub(super) fn init(args: &LogArgs) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_new(&args.level)
        .map_err(|e| anyhow::anyhow!("invalid --log.level {:?}: {e}", args.level))?;
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match args.format {
        LogFormat::Logfmt => {
            let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            logs.with_ansi(colour).try_init()
        }
        LogFormat::Json => logs.json().try_init(),
    };
    Ok(())
}
