//! The bridge exporter (`nag2prom serve`): an axum app serving the pre-rendered exposition,
//! and the reload loop that re-reads status.dat, nagios.cfg and the web config when they
//! change.
//!
//! - [`config`]: status file location and label enrichment from nagios.cfg;
//! - [`refresh`]: status.dat → rendered bytes, and the published state;
//! - [`web_config`]: exporter-toolkit TLS and basic-auth file.
//!
//! Scrapes never parse or render: they clone two [`Bytes`] handles out of an
//! [`ArcSwap`] and write them. The loop polls (`stat`) every `poll_interval`: Nagios replaces
//! status.dat by renaming a new file every `status_update_interval` (10 s by default), so a
//! 1 s poll costs nothing, sees every version, and works on NFS where inotify does not.

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tracing::{debug, error, info, warn};

use crate::exposition::text::CONTENT_TYPE;
use crate::exposition::{EnrichOptions, Options, gzip};

pub mod config;
pub mod refresh;
pub mod web_config;

use refresh::{Current, FileKey, Published, read_and_render, unix_now};
use web_config::{AuthCache, WebConfig};

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
    /// gzip level (0-9) of the compressed copy.
    pub gzip_level: u32,
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

/// Shared by the handlers.
#[derive(Debug)]
struct AppState {
    published: ArcSwap<Published>,
    /// Bumped at every publish, for scrapes waiting for a plain body.
    version: tokio::sync::watch::Sender<u64>,
    web: ArcSwap<WebConfig>,
    auth: AuthCache,
    telemetry_path: String,
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

/// Run the exporter until SIGINT/SIGTERM. Start-up problems (bad nagios.cfg, web config,
/// address, taken port) are returned before anything is served.
pub async fn run(options: ServeOptions) -> Result<(), ServeError> {
    let path = &options.telemetry_path;
    if !path.starts_with('/') || path == "/" || path.starts_with("/-/") {
        return Err(ServeError::TelemetryPath(path.clone()));
    }
    let nagios =
        config::load(options.config.as_deref(), options.status_file.as_deref(), &options.enrich)?;
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
            listeners.push((addr, listener));
        }
    }
    let tls = web.tls.clone().map(axum_server::tls_rustls::RustlsConfig::from_config);
    let state = Arc::new(AppState {
        published: ArcSwap::from_pointee(Current::default().publish()),
        version: tokio::sync::watch::Sender::new(0),
        web: ArcSwap::from_pointee(web),
        auth: AuthCache::default(),
        telemetry_path: options.telemetry_path.clone(),
    });
    let app = Router::new()
        .route("/", get(landing))
        .route("/-/healthy", get(|| async { "Healthy\n" }))
        .route("/-/ready", get(ready))
        .route(&options.telemetry_path, get(metrics))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state.clone());

    // TCP_NODELAY: a response's last segment must not wait for the scraper's delayed ACK
    // (Nagle), which added a 40 ms stall to the p99 of scrapes.
    use axum_server::accept::NoDelayAcceptor;
    let handle = axum_server::Handle::new();
    let mut servers = tokio::task::JoinSet::new();
    for (addr, listener) in listeners {
        let app = app.clone();
        let handle = handle.clone();
        let scheme = if tls.is_some() { "https" } else { "http" };
        info!(%addr, "listening on {scheme}://{addr}{}", options.telemetry_path);
        match &tls {
            Some(tls) => {
                let server = axum_server::from_tcp_rustls(listener, tls.clone())
                    .map_err(|error| ServeError::Bind { addr, error })?
                    .map(|tls| tls.acceptor(NoDelayAcceptor::new()))
                    .handle(handle);
                servers.spawn(async move { server.serve(app.into_make_service()).await });
            }
            None => {
                let server = axum_server::from_tcp(listener)
                    .map_err(|error| ServeError::Bind { addr, error })?
                    .acceptor(NoDelayAcceptor::new())
                    .handle(handle);
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

/// The reload loop: status.dat, nagios.cfg (+ object files) and the web config.
async fn reload_loop(
    options: ServeOptions,
    mut nagios: config::NagiosConfig,
    state: Arc<AppState>,
    tls: Option<axum_server::tls_rustls::RustlsConfig>,
) {
    let mut current = Current { max_age: options.max_age, ..Current::default() };
    // The last version looked at: Ok(key) or Err(error text), so a failure is logged and
    // counted once, not at every poll.
    let mut last: Option<Result<FileKey, String>> = None;
    let mut last_up = false;
    let mut web_mtime = options.web_config.as_deref().and_then(config::mtime);
    let enrich = Arc::new(std::mem::take(&mut nagios.enrichment));
    let mut enrich = enrich;
    let render = Arc::new(options.render.clone());
    let mut first = true;
    loop {
        if !first {
            tokio::time::sleep(options.poll_interval).await;
        }
        first = false;
        let mut force = false;

        // nagios.cfg and object files.
        if options.config.is_some() && config::changed(&nagios.watched) {
            let (cfg, status, en) =
                (options.config.clone(), options.status_file.clone(), options.enrich.clone());
            let loaded = tokio::task::spawn_blocking(move || {
                config::load(cfg.as_deref(), status.as_deref(), &en)
            })
            .await;
            match loaded {
                Ok(Ok(mut fresh)) => {
                    info!(
                        status_file = %fresh.status_file.display(),
                        errors = fresh.errors,
                        "configuration reloaded"
                    );
                    enrich = Arc::new(std::mem::take(&mut fresh.enrichment));
                    nagios = fresh;
                    force = true;
                }
                Ok(Err(err)) => {
                    current.health.config_errors += 1;
                    error!("configuration reload failed, keeping the previous one: {err}");
                    // do not retry until the files change again
                    nagios.watched =
                        nagios.watched.iter().map(|(p, _)| (p.clone(), config::mtime(p))).collect();
                    publish(&state, &current);
                }
                Err(err) => error!("configuration reload task failed: {err}"),
            }
        }

        // Web config (TLS certificates, users).
        if let Some(path) = &options.web_config {
            let now = config::mtime(path);
            if now != web_mtime {
                web_mtime = now;
                match WebConfig::load(path) {
                    Ok(web) => {
                        if let (Some(tls), Some(server)) = (&tls, &web.tls) {
                            tls.reload_from_config(server.clone());
                        }
                        info!(path = %path.display(), "web config reloaded");
                        state.web.store(Arc::new(web));
                    }
                    Err(err) => error!("web config reload failed, keeping the previous one: {err}"),
                }
            }
        }

        // status.dat.
        let path = nagios.status_file.clone();
        let key = FileKey::of(&path).map_err(|e| e.to_string());
        if force || last.as_ref() != Some(&key) {
            last = Some(key.clone());
            if key.is_ok() {
                // Serve the old gzip copy alone while the new body is built.
                current.begin_reload();
                publish(&state, &current);
            }
            let (p, r, e) = (path.clone(), render.clone(), enrich.clone());
            let result = tokio::task::spawn_blocking(move || {
                let enrich = if e.is_empty() { None } else { Some(&*e) };
                read_and_render(&p, &r, enrich)
            })
            .await;
            match result {
                Ok(Ok(refresh)) => {
                    info!(
                        path = %path.display(),
                        seconds = refresh.elapsed.as_secs_f64(),
                        bytes = refresh.rendered.body.len(),
                        "status.dat loaded"
                    );
                    current.accept(refresh);
                    last_up = current.up(unix_now());
                    publish(&state, &current);
                    // The gzip copy, off the runtime, served once ready.
                    if let Some(body) = current.body.clone() {
                        let level = options.gzip_level;
                        let compressed = tokio::task::spawn_blocking(move || {
                            let start = std::time::Instant::now();
                            let (bytes, trailer) = gzip::compress(&body, level);
                            (body, bytes, trailer, start.elapsed())
                        })
                        .await;
                        if let Ok((body, bytes, trailer, elapsed)) = compressed {
                            debug!(
                                seconds = elapsed.as_secs_f64(),
                                bytes = bytes.len(),
                                "gzip copy ready"
                            );
                            current.set_gzip(&body, bytes, trailer);
                            publish(&state, &current);
                        }
                    }
                }
                Ok(Err(err)) => {
                    current.health.parse_errors += 1;
                    if current.rendered.is_some() {
                        warn!("status.dat not loaded, serving the last good data: {err}");
                    } else {
                        warn!("status.dat not loaded, nothing to serve yet (nagios_up 0): {err}");
                    }
                    restore(&mut current).await;
                    last_up = current.up(unix_now());
                    publish(&state, &current);
                }
                Err(err) => {
                    error!("status.dat reload task failed: {err}");
                    restore(&mut current).await;
                    publish(&state, &current);
                }
            }
        }

        // Staleness.
        let up = current.up(unix_now());
        if up != last_up {
            last_up = up;
            if !up {
                warn!("status.dat is older than the staleness limit: nagios_up 0");
            }
            publish(&state, &current);
        }
    }
}

/// Make `current` what scrapes see, and wake scrapes waiting for a plain body.
fn publish(state: &AppState, current: &Current) {
    state.published.store(Arc::new(current.publish()));
    state.version.send_modify(|v| *v = v.wrapping_add(1));
}

/// After a failed reload, the plain body rebuilt from the gzip copy when it was let go, off the
/// runtime (it decompresses).
async fn restore(current: &mut Current) {
    if current.body.is_some() {
        return;
    }
    let Some((compressed, _)) = &current.gzip else { return };
    let compressed = compressed.clone();
    let len = usize::try_from(current.health.body_bytes).unwrap_or(usize::MAX);
    match tokio::task::spawn_blocking(move || refresh::gunzip_prefix(&compressed, len)).await {
        Ok(plain) => current.body = Some(Bytes::from(plain)),
        Err(err) => error!("restoring the plain exposition failed: {err}"),
    }
}

/// Basic auth (when configured) and the configured extra headers, on every route.
async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let web = state.web.load_full();
    if !web.users.is_empty() {
        let credentials = basic_credentials(request.headers());
        let ok = match credentials {
            // A scrape with known credentials costs a map lookup; bcrypt runs only on a miss.
            Some((user, password)) if state.auth.known(&web.users, &user, &password) => true,
            Some((user, password)) => {
                let (state, web) = (state.clone(), web.clone());
                tokio::task::spawn_blocking(move || state.auth.verify(&web.users, &user, &password))
                    .await
                    .unwrap_or(false)
            }
            None => false,
        };
        if !ok {
            let mut response = (StatusCode::UNAUTHORIZED, "Unauthorized\n").into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
            return response;
        }
    }
    let mut response = next.run(request).await;
    for (name, value) in &web.headers {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}

/// `Authorization: Basic base64(user:password)`.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64_decode(encoded.trim())?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Standard base64 (with or without padding).
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().take_while(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// True when the client accepts gzip (`Accept-Encoding: gzip`, not `gzip;q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let q_zero = parts.any(|p| {
                p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0))
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !q_zero
        })
    })
}

async fn metrics(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let gzip_ok = accepts_gzip(&headers);
    let mut waiting = state.version.subscribe();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let published = state.published.load_full();
        let chosen = match (&published.gzip, &published.plain, gzip_ok) {
            (Some(gz), _, true) => Some((gz.clone(), true)),
            (_, Some(plain), _) => Some((plain.clone(), false)),
            _ => None,
        };
        if let Some(((body, tail), gzip)) = chosen {
            let mut response = Response::new(Body::new(Chunks { parts: [Some(body), Some(tail)] }));
            let h = response.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
            h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
            if gzip {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            return response;
        }
        // A new body is being built and this client does not take gzip: wait for it.
        if tokio::time::timeout_at(deadline, waiting.changed()).await.is_err() {
            return (StatusCode::SERVICE_UNAVAILABLE, "exposition being rebuilt, retry\n")
                .into_response();
        }
    }
}

async fn ready(State(state): State<Arc<AppState>>) -> Response {
    if state.published.load().ready {
        (StatusCode::OK, "Ready\n").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "Not ready: no status.dat loaded yet\n").into_response()
    }
}

async fn landing(State(state): State<Arc<AppState>>) -> Html<String> {
    let path = html_escape(&state.telemetry_path);
    Html(format!(
        "<!DOCTYPE html>\n<html><head><title>nag2prom bridge</title></head><body>\n\
         <h1>nag2prom bridge</h1>\n<p>Nagios host and service states and performance data \
         from status.dat, for Prometheus.</p>\n<ul>\n<li><a href=\"{path}\">Metrics</a></li>\n\
         <li><a href=\"/-/healthy\">Health</a></li>\n<li><a href=\"/-/ready\">Readiness</a></li>\n\
         </ul>\n<p>nag2prom {}</p>\n</body></html>\n",
        env!("CARGO_PKG_VERSION")
    ))
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A response body made of pre-built buffers, sent without copying.
struct Chunks {
    parts: [Option<Bytes>; 2],
}

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        for part in self.parts.iter_mut() {
            if let Some(bytes) = part.take()
                && !bytes.is_empty()
            {
                return Poll::Ready(Some(Ok(http_body::Frame::data(bytes))));
            }
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.parts.iter().all(|p| p.as_ref().is_none_or(Bytes::is_empty))
    }

    fn size_hint(&self) -> http_body::SizeHint {
        let n: usize = self.parts.iter().flatten().map(Bytes::len).sum();
        http_body::SizeHint::with_exact(n as u64)
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
) -> (Vec<u8>, Result<(), refresh::ReadError>) {
    let mut current = Current { max_age, ..Current::default() };
    let (mut body, result) = match read_and_render(status_file, render, enrich) {
        Ok(mut refresh) => {
            // The body is appended to, not copied: it is the largest buffer by far.
            let body = std::mem::take(&mut refresh.rendered.body);
            let len = body.len();
            current.accept(refresh);
            current.health.body_bytes = len as u64;
            (body, Ok(()))
        }
        Err(err) => {
            current.health.parse_errors += 1;
            (Vec::new(), Err(err))
        }
    };
    let tail = current.publish().plain.map(|(_, tail)| tail).unwrap_or_default();
    body.extend_from_slice(&tail);
    (body, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_negotiation() {
        let mut h = HeaderMap::new();
        assert!(!accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        assert!(accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("identity, gzip;q=0"));
        assert!(!accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("deflate, GZIP;q=0.5"));
        assert!(accepts_gzip(&h));
    }

    #[test]
    fn base64_and_credentials() {
        assert_eq!(base64_decode("cHJvbTpzM2NyZXQ=").unwrap(), b"prom:s3cret");
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic cHJvbTpzM2NyZXQ="));
        assert_eq!(basic_credentials(&h), Some(("prom".into(), "s3cret".into())));
    }

    #[test]
    fn listen_addresses() {
        assert_eq!(parse_listen(":10460").unwrap()[0].port(), 10460);
        assert_eq!(parse_listen("127.0.0.1:0").unwrap()[0].ip().to_string(), "127.0.0.1");
        assert!(parse_listen("nonsense").is_err());
    }
}
