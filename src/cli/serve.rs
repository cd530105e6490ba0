//! `nag2prom serve`: the bridge exporter (tokio + axum), flags in the exporter-toolkit
//! convention.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::export::BridgeArgs;
use crate::serve::{DEFAULT_LISTEN, ServeOptions};

/// Arguments of `nag2prom serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub bridge: BridgeArgs,

    /// Address to listen on: HOST:PORT, or :PORT for every interface. Repeatable. The
    /// default port 10460 is outside the exhausted 9100-9999 exporter range of Prometheus'
    /// default-port list.
    #[arg(long = "web.listen-address", value_name = "ADDRESS", default_values_t = [DEFAULT_LISTEN.to_owned()])]
    pub listen: Vec<String>,

    /// Path under which to expose metrics.
    #[arg(long = "web.telemetry-path", value_name = "PATH", default_value = "/metrics")]
    pub telemetry_path: String,

    /// exporter-toolkit web configuration (YAML) enabling TLS and/or basic authentication:
    /// tls_server_config.cert_file/key_file, basic_auth_users with bcrypt hashes. Re-read
    /// when it changes.
    #[arg(long = "web.config.file", value_name = "FILE")]
    pub web_config: Option<PathBuf>,

    /// How often to look for a new status.dat, nagios.cfg or web config, in seconds.
    #[arg(long = "status.poll-interval", value_name = "SECONDS", default_value_t = 1.0)]
    pub poll_interval: f64,

    /// Compression level (1 fastest - 9 smallest) of the gzip copy served to scrapers that
    /// accept gzip (Prometheus does). Compressed once per status.dat change, off the
    /// request path.
    #[arg(long = "web.gzip-level", value_name = "LEVEL", default_value_t = 6,
          value_parser = clap::value_parser!(u32).range(1..=9))]
    pub gzip_level: u32,

    /// At most this many open client connections (lowered to fit the open-file limit, which
    /// is raised to its hard limit at start); more are closed at once, logged and counted in
    /// nag2prom_http_connections_refused_total.
    #[arg(long = "web.max-connections", value_name = "N", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// A request's headers must arrive within this many seconds, or the connection is closed:
    /// counted from the connection's start for its first request, and from the end of the
    /// previous response for the next one (so this is also the keep-alive idle timeout).
    #[arg(long = "web.read-header-timeout", value_name = "SECONDS", default_value_t = 10.0)]
    pub read_header_timeout: f64,

    /// A connection on which nothing is read or written for this many seconds is closed, also
    /// in the middle of a response (a scraper that stopped reading a large exposition).
    #[arg(long = "web.idle-timeout", value_name = "SECONDS", default_value_t = 120.0)]
    pub idle_timeout: f64,
}

/// Run `nag2prom serve` until SIGINT/SIGTERM. Exit 2 when it cannot start.
pub(super) fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    // rustls needs a process-wide crypto provider; ring builds without C toolchains beyond cc.
    let _ = rustls::crypto::ring::default_provider().install_default();

    let seconds = super::seconds;
    let poll_interval = seconds("--status.poll-interval", args.poll_interval)?;
    let read_header_timeout = seconds("--web.read-header-timeout", args.read_header_timeout)?;
    let idle_timeout = seconds("--web.idle-timeout", args.idle_timeout)?;
    let b = &args.bridge;
    let options = ServeOptions {
        config: b.config.clone(),
        status_file: b.status_file.clone(),
        listen: args.listen.clone(),
        telemetry_path: args.telemetry_path.clone(),
        web_config: args.web_config.clone(),
        poll_interval,
        max_age: b.max_age(),
        render: b.render_options()?,
        enrich: b.enrich_options(),
        gzip_level: args.gzip_level,
        read_limits: b.read_limits()?,
        max_connections: args.max_connections as usize,
        read_header_timeout,
        idle_timeout,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("nag2prom-serve")
        .build()?;
    let result = runtime.block_on(crate::serve::run(options));
    // Do not wait for background tasks still blocked in the file system (a hung NFS mount
    // must not keep SIGTERM from ending the process).
    runtime.shutdown_timeout(Duration::from_secs(1));
    result?;
    Ok(ExitCode::SUCCESS)
}
