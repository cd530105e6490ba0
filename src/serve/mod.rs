//! The bridge exporter (`nag2prom serve`): an axum app serving the pre-rendered exposition,
//! a status worker thread that re-reads status.dat when it changes, and the reload loop that
//! publishes what the worker produced and re-reads nagios.cfg and the web config.
//!
//! - [`config`]: status file location, configured objects and label enrichment from
//!   nagios.cfg;
//! - [`refresh`]: status.dat → rendered bytes (bounded reads), and the published state;
//! - [`http`]: the router, basic auth, the connection limit and idle timeout;
//! - [`web_config`]: exporter-toolkit TLS and basic-auth file.
//!
//! The worker polls (`stat`) every `poll_interval`: Nagios replaces status.dat by renaming a
//! new file every `status_update_interval` (10 s by default), so a 1 s poll costs nothing,
//! sees every version, and works on NFS where inotify does not. Nothing the runtime awaits
//! touches status.dat: a read that blocks (a hung NFS mount) blocks the worker only, and the
//! loop goes on evaluating staleness, readiness, configuration reloads and shutdown.

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::task::JoinHandle;
use tracing::{error, info, warn};

use crate::exposition::{EnrichOptions, Enrichment, Options};

pub mod config;
pub mod http;
pub mod refresh;
pub mod web_config;

use http::{AppState, Limiter};
use refresh::{Current, FileKey, ReadError, ReadLimits, Refresh, read_and_render, unix_now};
use web_config::{WebConfig, WebConfigError, fingerprint};

/// The default `--web.listen-address`. Port 10460: the Prometheus default-port wiki's
/// 9100–9999 exporter range is exhausted and new allocations continue above 10000; see
/// README ("Bridge") for the choice.
pub const DEFAULT_LISTEN: &str = ":10460";

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// nagios.cfg.
    pub config: Option<PathBuf>,
    /// Overrides nagios.cfg's status_file.
    pub status_file: Option<PathBuf>,
    /// Addresses to listen on (`host:port`, `:port` for every interface).
    pub listen: Vec<String>,
    /// Path of the metrics endpoint.
    pub telemetry_path: String,
    /// exporter-toolkit web config file.
    pub web_config: Option<PathBuf>,
    /// How often to look for changes.
    pub poll_interval: Duration,
    /// `nagios_up` is 0 when the served status.dat is older than this.
    pub max_age: Option<Duration>,
    /// What to render.
    pub render: Options,
    /// Identity label enrichment.
    pub enrich: EnrichOptions,
    /// gzip level (1-9) of the compressed copy.
    pub gzip_level: u32,
    /// Bounds of one status.dat read.
    pub read_limits: ReadLimits,
    /// At most this many open connections.
    pub max_connections: usize,
    /// A request's headers must arrive within this (from the connection's start, or from the
    /// end of the previous response: also the keep-alive idle timeout).
    pub read_header_timeout: Duration,
    /// A connection with no traffic for this long is closed, also mid-response.
    pub idle_timeout: Duration,
}

/// Why `serve` could not start (all exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// nagios.cfg problems.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// Web config problems.
    #[error(transparent)]
    WebConfig(#[from] web_config::WebConfigError),
    /// A listen address that does not parse or resolve.
    #[error("invalid --web.listen-address {0:?}: expected HOST:PORT or :PORT")]
    Address(String),
    /// The port is taken, or not allowed.
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        error: std::io::Error,
    },
    /// `--web.telemetry-path` must be an absolute path other than `/`.
    #[error("invalid --web.telemetry-path {0:?}: must start with / and not be / itself")]
    TelemetryPath(String),
    /// The server failed while running.
    #[error("server error: {0}")]
    Server(std::io::Error),
}

/// `HOST:PORT` or `:PORT` → socket addresses.
pub fn parse_listen(text: &str) -> Result<Vec<SocketAddr>, ServeError> {
    let full = if text.starts_with(':') { format!("0.0.0.0{text}") } else { text.to_owned() };
    let addrs: Vec<SocketAddr> =
        full.to_socket_addrs().map_err(|_| ServeError::Address(text.to_owned()))?.collect();
    if addrs.is_empty() {
        return Err(ServeError::Address(text.to_owned()));
    }
    Ok(addrs)
}

/// File descriptors kept for everything but client connections (listeners, status.dat,
/// configuration files, logs).
const RESERVED_FDS: u64 = 64;

/// Raise the open-file soft limit to the hard limit, and return the connection limit that
/// fits in it.
fn connection_limit(wanted: usize) -> usize {
    let before = rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft).unwrap_or(1024);
    let soft = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(now) => {
            if now > before {
                info!(from = before, to = now, "open-file limit raised to the hard limit");
            }
            now
        }
        Err(err) => {
            warn!("cannot raise the open-file limit ({before}): {err}");
            before
        }
    };
    let fits = usize::try_from(soft.saturating_sub(RESERVED_FDS).max(16)).unwrap_or(usize::MAX);
    if fits < wanted {
        warn!(
            max_connections = wanted,
            open_file_limit = soft,
            "--web.max-connections lowered to {fits} to fit the open-file limit"
        );
    }
    wanted.min(fits).max(1)
}

/// Run the exporter until SIGINT/SIGTERM. Start-up problems (bad nagios.cfg, web config,
/// address, taken port) are returned before anything is served.
pub async fn run(options: ServeOptions) -> Result<(), ServeError> {
    let path = &options.telemetry_path;
    if !path.starts_with('/') || path == "/" || path.starts_with("/-/") {
        return Err(ServeError::TelemetryPath(path.clone()));
    }
    let nagios = config::load(
        options.config.as_deref(),
        options.status_file.as_deref(),
        &options.enrich,
        true,
    )?;
    if nagios.errors > 0 {
        warn!(
            errors = nagios.errors,
            "the Nagios configuration has errors (details: nag2prom check --config …)"
        );
    }
    let web = match &options.web_config {
        Some(p) => WebConfig::load(p)?,
        None => WebConfig::default(),
    };
    let mut listeners = Vec::new();
    for text in &options.listen {
        for addr in parse_listen(text)? {
            let listener =
                TcpListener::bind(addr).map_err(|error| ServeError::Bind { addr, error })?;
            listener.set_nonblocking(true).map_err(|error| ServeError::Bind { addr, error })?;
            // The address really bound (port 0 asks the kernel for one).
            let addr = listener.local_addr().unwrap_or(addr);
            listeners.push((addr, listener));
        }
    }
    let max_connections = connection_limit(options.max_connections);
    let tls = web.tls.clone().map(axum_server::tls_rustls::RustlsConfig::from_config);
    let state = AppState::new(web, &options.telemetry_path, Current::default().publish());
    let app = http::router(state.clone());
    let limiter = Limiter::new(max_connections, options.idle_timeout, state.clone());

    let handle = axum_server::Handle::new();
    let mut servers = tokio::task::JoinSet::new();
    let header_timeout = options.read_header_timeout;
    for (addr, listener) in listeners {
        let app = app.clone();
        let handle = handle.clone();
        let scheme = if tls.is_some() { "https" } else { "http" };
        info!(%addr, max_connections, "listening on {scheme}://{addr}{}", options.telemetry_path);
        // HTTP/1.1 only (no h2c); a request's headers within the timeout, counted from the
        // connection's start for its first request.
        match &tls {
            Some(tls) => {
                let mut server = axum_server::from_tcp_rustls(listener, tls.clone())
                    .map_err(|error| ServeError::Bind { addr, error })?
                    .map(|tls| tls.acceptor(limiter.clone()))
                    .handle(handle);
                server.http_builder().http1().header_read_timeout(Some(header_timeout));
                let server = server.http1_only().first_request_timeout(header_timeout);
                servers.spawn(async move { server.serve(app.into_make_service()).await });
            }
            None => {
                let mut server = axum_server::from_tcp(listener)
                    .map_err(|error| ServeError::Bind { addr, error })?
                    .acceptor(limiter.clone())
                    .handle(handle);
                server.http_builder().http1().header_read_timeout(Some(header_timeout));
                let server = server.http1_only().first_request_timeout(header_timeout);
                servers.spawn(async move { server.serve(app.into_make_service()).await });
            }
        }
    }

    let reload = tokio::spawn(reload_loop(options.clone(), nagios, state.clone(), tls));

    let shutdown = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        info!("shutting down");
        shutdown.graceful_shutdown(Some(Duration::from_secs(5)));
    });
    let mut result = Ok(());
    while let Some(joined) = servers.join_next().await {
        if let Ok(Err(err)) = joined {
            error!("server error: {err}");
            result = Err(ServeError::Server(err));
            handle.shutdown();
        }
    }
    reload.abort();
    result
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            let _ = ctrl_c.await;
            return;
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// What the status worker reads, and how.
#[derive(Debug, Clone)]
struct Job {
    path: PathBuf,
    render: Arc<Options>,
    enrich: Arc<Enrichment>,
    limits: ReadLimits,
    gzip_level: u32,
}

/// Milliseconds since the Unix epoch (never 0).
fn now_millis() -> u64 {
    (unix_now() * 1000.0).max(1.0) as u64
}

/// The status worker: a plain thread (not the runtime's blocking pool, which shutdown would
/// wait for) that polls status.dat, reads, renders and compresses each new version, and
/// sends the outcome. `busy` holds the start of the read in progress (ms), 0 when idle. It
/// ends when the reload loop drops its end of `jobs` or `results`.
fn status_worker(
    mut job: Job,
    poll: Duration,
    jobs: std::sync::mpsc::Receiver<Job>,
    results: tokio::sync::mpsc::UnboundedSender<Result<Refresh, ReadError>>,
    busy: Arc<AtomicU64>,
) {
    use std::sync::mpsc::RecvTimeoutError;
    let mut last: Option<Result<FileKey, String>> = None;
    let mut force = true;
    loop {
        if !force {
            match jobs.recv_timeout(poll) {
                Ok(next) => {
                    job = next;
                    force = true;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        while let Ok(next) = jobs.try_recv() {
            job = next;
            force = true;
        }
        let key = FileKey::of(&job.path).map_err(|e| e.to_string());
        if !force && last.as_ref() == Some(&key) {
            continue;
        }
        force = false;
        last = Some(key);
        busy.store(now_millis(), Ordering::SeqCst);
        let enrich = if job.enrich.is_empty() { None } else { Some(&*job.enrich) };
        let result = read_and_render(&job.path, &job.render, enrich, job.limits, job.gzip_level);
        busy.store(0, Ordering::SeqCst);
        if results.send(result).is_err() {
            return;
        }
    }
}

/// The result of a background check of nagios.cfg: `None` when nothing changed.
type ConfigCheck =
    Option<Result<config::NagiosConfig, (String, Vec<(PathBuf, Option<std::time::SystemTime>)>)>>;

/// The result of a background check of the web config: the new fingerprint and the reload
/// outcome, `None` when nothing changed.
type WebCheck = Option<(Vec<Option<web_config::FileId>>, Result<WebConfig, WebConfigError>)>;

/// The result of a finished background task, without waiting for one still running.
async fn finished<T>(
    task: &mut Option<JoinHandle<T>>,
) -> Option<Result<T, tokio::task::JoinError>> {
    if task.as_ref().is_some_and(JoinHandle::is_finished) {
        let handle = task.take()?;
        return Some(handle.await);
    }
    None
}

/// How many consecutive versions missing the same number of configured objects are taken
/// as the truth (a Nagios running another configuration) rather than as half-written files.
const SUSPECT_STREAK: u32 = 3;

/// The reload loop: publishes the worker's results, watches staleness and stalled reads,
/// nagios.cfg (+ object files) and the web config (+ certificate files). It never waits on
/// the file system: checks run as background tasks polled at each tick.
async fn reload_loop(
    options: ServeOptions,
    mut nagios: config::NagiosConfig,
    state: Arc<AppState>,
    tls: Option<axum_server::tls_rustls::RustlsConfig>,
) {
    let mut current = Current { max_age: options.max_age, ..Current::default() };
    let mut last_up = false;
    let render = Arc::new(options.render.clone());
    let job = |nagios: &mut config::NagiosConfig| Job {
        path: nagios.status_file.clone(),
        render: render.clone(),
        enrich: Arc::new(std::mem::take(&mut nagios.enrichment)),
        limits: options.read_limits,
        gzip_level: options.gzip_level,
    };
    let (job_tx, job_rx) = std::sync::mpsc::channel();
    let (result_tx, mut results) = tokio::sync::mpsc::unbounded_channel();
    let busy = Arc::new(AtomicU64::new(0));
    {
        let (first, poll, busy) = (job(&mut nagios), options.poll_interval, busy.clone());
        let spawned = std::thread::Builder::new()
            .name("nag2prom-status".to_owned())
            .spawn(move || status_worker(first, poll, job_rx, result_tx, busy));
        if let Err(err) = spawned {
            error!("cannot start the status.dat reader thread: {err}");
            return;
        }
    }
    let mut web_fp = fingerprint(&state.web().watched);
    let mut web_task: Option<JoinHandle<WebCheck>> = None;
    let mut config_task: Option<JoinHandle<ConfigCheck>> = None;
    let mut streak: (usize, u32) = (0, 0);
    let mut worker_gone = false;
    let mut tick = tokio::time::interval(options.poll_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let timeout_ms = options.read_limits.timeout.as_millis() as u64;
    loop {
        let mut changed = false;
        tokio::select! {
            _ = tick.tick() => {}
            result = results.recv(), if !worker_gone => {
                let Some(result) = result else {
                    error!("the status.dat reader thread ended: no more updates (nagios_up turns 0 when the data is stale)");
                    worker_gone = true;
                    continue;
                };
                accept_or_reject(result, &nagios, &mut current, &mut streak);
                last_up = current.up(unix_now());
                changed = true;
            }
        }

        // nagios.cfg and object files.
        match finished(&mut config_task).await {
            Some(Ok(Some(Ok(mut fresh)))) => {
                info!(
                    status_file = %fresh.status_file.display(),
                    errors = fresh.errors,
                    "configuration reloaded"
                );
                let _ = job_tx.send(job(&mut fresh));
                nagios = fresh;
            }
            Some(Ok(Some(Err((err, watched))))) => {
                current.health.config_errors += 1;
                error!("configuration reload failed, keeping the previous one: {err}");
                // do not retry until the files change again
                nagios.watched = watched;
                changed = true;
            }
            Some(Ok(None)) | None => {}
            Some(Err(err)) => error!("configuration reload task failed: {err}"),
        }
        let reloadable = options.config.is_some() || options.enrich.ola_members.is_some();
        if reloadable && config_task.is_none() {
            let watched = nagios.watched.clone();
            let (cfg, status, en) =
                (options.config.clone(), options.status_file.clone(), options.enrich.clone());
            config_task = Some(tokio::task::spawn_blocking(move || {
                if !config::changed(&watched) {
                    return None;
                }
                Some(config::load(cfg.as_deref(), status.as_deref(), &en, true).map_err(|err| {
                    let now = watched.iter().map(|(p, _)| (p.clone(), config::mtime(p))).collect();
                    (err.to_string(), now)
                }))
            }));
        }

        // Web config (TLS certificates, users).
        match finished(&mut web_task).await {
            Some(Ok(Some((fp, Ok(web))))) => {
                if let (Some(tls), Some(server)) = (&tls, &web.tls) {
                    tls.reload_from_config(server.clone());
                }
                if web.users.is_empty() && !state.web().users.is_empty() {
                    warn!("web config reloaded: basic_auth_users is empty, authentication is OFF");
                }
                info!(users = web.users.len(), tls = web.tls.is_some(), "web config reloaded");
                state.set_web(web);
                web_fp = fp;
            }
            Some(Ok(Some((fp, Err(err))))) => {
                current.health.web_config_errors += 1;
                error!("web config reload refused, keeping the previous configuration: {err}");
                web_fp = fp;
                changed = true;
            }
            Some(Ok(None)) | None => {}
            Some(Err(err)) => error!("web config reload task failed: {err}"),
        }
        if let Some(path) = &options.web_config
            && web_task.is_none()
        {
            let (path, previous, before) = (path.clone(), state.web(), web_fp.clone());
            web_task = Some(tokio::task::spawn_blocking(move || {
                if fingerprint(&previous.watched) == before {
                    return None;
                }
                let result = WebConfig::reload(&path, &previous);
                let watched = result.as_ref().map_or(&previous.watched, |web| &web.watched);
                Some((fingerprint(watched), result))
            }));
        }

        // A read blocked in the kernel (hung NFS).
        let stalled = is_stalled(busy.load(Ordering::SeqCst), now_millis(), timeout_ms);
        if stalled != current.health.read_stalled {
            current.health.read_stalled = stalled;
            if stalled {
                current.health.read_stalls += 1;
                error!(
                    path = %nagios.status_file.display(),
                    "reading status.dat has been blocked for more than {} s (hung NFS mount?): serving the last good data, /-/ready answers 503",
                    options.read_limits.timeout.as_secs_f64()
                );
            } else {
                info!("the blocked status.dat read returned");
            }
            changed = true;
        }

        // Counters of the HTTP layer.
        let refused = state.stats.connections_refused.load(Ordering::Relaxed);
        let throttled = state.stats.auth_throttled.load(Ordering::Relaxed);
        if refused != current.health.connections_refused
            || throttled != current.health.auth_throttled
        {
            current.health.connections_refused = refused;
            current.health.auth_throttled = throttled;
            changed = true;
        }

        // Staleness.
        let up = current.up(unix_now());
        if up != last_up {
            last_up = up;
            if !up {
                warn!("status.dat is older than the staleness limit: nagios_up 0");
            }
            changed = true;
        }
        if changed {
            state.publish(current.publish());
        }
    }
}

/// True when the read that started at `started_ms` (0: none in progress) has been going on
/// for longer than `timeout_ms` at `now_ms`.
fn is_stalled(started_ms: u64, now_ms: u64, timeout_ms: u64) -> bool {
    started_ms != 0 && now_ms.saturating_sub(started_ms) > timeout_ms
}

/// Take a worker result into `current`, or count and log why not.
fn accept_or_reject(
    result: Result<Refresh, ReadError>,
    nagios: &config::NagiosConfig,
    current: &mut Current,
    streak: &mut (usize, u32),
) {
    let path = &nagios.status_file;
    let result = result.and_then(|refresh| {
        let Some(expected) = &nagios.expected else { return Ok(refresh) };
        let missing = refresh::missing_objects(expected, &current.objects, &refresh.objects);
        if missing == 0 {
            *streak = (0, 0);
            return Ok(refresh);
        }
        *streak = if streak.0 == missing { (missing, streak.1 + 1) } else { (missing, 1) };
        if streak.1 >= SUSPECT_STREAK {
            warn!(
                missing,
                "{SUSPECT_STREAK} status.dat versions in a row lack the same configured hosts/services: taking them as they are"
            );
            *streak = (0, 0);
            return Ok(refresh);
        }
        Err(ReadError::Incomplete { path: path.clone(), missing })
    });
    match result {
        Ok(refresh) => {
            info!(
                path = %path.display(),
                seconds = refresh.elapsed.as_secs_f64(),
                bytes = refresh.rendered.body.len(),
                "status.dat loaded"
            );
            if refresh.rendered.long_names > 0 {
                warn!(
                    objects = refresh.rendered.long_names,
                    "hosts/services with a name longer than --status.max-name-bytes left out"
                );
            }
            current.accept(refresh);
        }
        Err(err) => {
            current.health.reject(err.reason());
            if current.rendered.is_some() {
                warn!("status.dat not loaded, serving the last good data: {err}");
            } else {
                warn!("status.dat not loaded, nothing to serve yet (nagios_up 0): {err}");
            }
        }
    }
}

/// Read status.dat once and return the whole exposition (body + tail): `nag2prom export`.
/// `Err` when the file could not be read or parsed; the exposition is still returned (with
/// `nagios_up 0`) so a textfile collector sees the failure.
pub fn export_once(
    status_file: &Path,
    render: &Options,
    enrich: Option<&crate::exposition::Enrichment>,
    max_age: Option<Duration>,
    limits: ReadLimits,
) -> (Vec<u8>, Result<(), refresh::ReadError>) {
    let mut current = Current { max_age, ..Current::default() };
    let (mut body, result) = match read_and_render(status_file, render, enrich, limits, 0) {
        Ok(mut refresh) => {
            // The body is appended to, not copied: it is the largest buffer by far.
            let body = std::mem::take(&mut refresh.rendered.body);
            let len = body.len();
            current.accept(refresh);
            current.health.body_bytes = len as u64;
            (body, Ok(()))
        }
        Err(err) => {
            current.health.reject(err.reason());
            (Vec::new(), Err(err))
        }
    };
    let tail = current.publish().plain.1;
    body.extend_from_slice(&tail);
    (body, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #12, defect 2: a read blocked longer than the timeout is a stall; none in
    /// progress (0) never is.
    #[test]
    fn stall_detection() {
        assert!(!is_stalled(0, 1_000_000, 30_000));
        assert!(!is_stalled(1_000, 31_000, 30_000));
        assert!(is_stalled(1_000, 31_001, 30_000));
        assert!(!is_stalled(5_000, 1_000, 30_000), "a clock step back is no stall");
    }

    /// Issue #12, defect 2: the worker reports each version once, a FIFO at once, and ends
    /// when the loop drops its end; `busy` is 0 between reads.
    #[test]
    fn status_worker_reads_each_version_once() {
        let dir = std::env::temp_dir().join(format!("nag2prom-worker-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("status.dat");
        std::fs::write(&path, "info {\n\tcreated=1\n\t}\n").unwrap();
        let job = Job {
            path: path.clone(),
            render: Arc::new(Options::default()),
            enrich: Arc::new(Enrichment::default()),
            limits: ReadLimits::default(),
            gzip_level: 1,
        };
        let (job_tx, job_rx) = std::sync::mpsc::channel();
        let (result_tx, mut results) = tokio::sync::mpsc::unbounded_channel();
        let busy = Arc::new(AtomicU64::new(0));
        let worker = {
            let busy = busy.clone();
            std::thread::spawn(move || {
                status_worker(job, Duration::from_millis(20), job_rx, result_tx, busy)
            })
        };
        let next = |results: &mut tokio::sync::mpsc::UnboundedReceiver<_>| {
            let start = std::time::Instant::now();
            loop {
                if let Ok(r) = results.try_recv() {
                    return Some(r);
                }
                if start.elapsed() > Duration::from_secs(5) {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        };
        let first: Result<Refresh, ReadError> = next(&mut results).unwrap();
        assert!(first.unwrap().gzip.is_some(), "gzip copy built with the body");
        std::thread::sleep(Duration::from_millis(200));
        assert!(results.try_recv().is_err(), "an unchanged file is read once");
        assert_eq!(busy.load(Ordering::SeqCst), 0);
        // Renamed over the file in one step: between a remove and a mkfifo the worker could
        // (rightly) see a missing file first.
        let fifo_path = dir.join("fifo");
        let fifo = std::process::Command::new("mkfifo").arg(&fifo_path).status().unwrap();
        assert!(fifo.success());
        std::fs::rename(&fifo_path, &path).unwrap();
        let refused = next(&mut results).unwrap();
        assert!(matches!(refused, Err(ReadError::NotRegular { .. })));
        drop(job_tx);
        worker.join().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn listen_addresses() {
        assert_eq!(parse_listen(":10460").unwrap()[0].port(), 10460);
        assert_eq!(parse_listen("127.0.0.1:0").unwrap()[0].ip().to_string(), "127.0.0.1");
        assert!(parse_listen("nonsense").is_err());
    }
}
