//! The HTTP layer of `nag2prom serve`: the router ([`router`], testable in-process with
//! `tower::ServiceExt::oneshot`), basic authentication, gzip negotiation, and the
//! connection guard ([`Limiter`]: a connection limit and an idle timeout).
//!
//! Scrapes never parse or render: they clone two [`Bytes`] handles out of an [`ArcSwap`]
//! and write them.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
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
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::warn;

use super::refresh::Published;
use super::web_config::{AuthCache, WebConfig};
use crate::exposition::text::CONTENT_TYPE;

/// How long a request with unverified credentials waits for the bcrypt slot before it is
/// refused: a flood of wrong passwords queues here, while scrapes with credentials verified
/// before (the cache) never wait.
const AUTH_WAIT: Duration = Duration::from_secs(5);

/// Counters the HTTP layer keeps for the exposition's tail.
#[derive(Debug, Default)]
pub struct Stats {
    /// Connections refused at the limit.
    pub connections_refused: AtomicU64,
    /// Credential checks refused because the bcrypt slot stayed busy.
    pub auth_throttled: AtomicU64,
}

/// Shared by the handlers and the reload loop.
#[derive(Debug)]
pub struct AppState {
    published: ArcSwap<Published>,
    web: ArcSwap<WebConfig>,
    auth: AuthCache,
    /// One bcrypt at a time (as exporter-toolkit does): wrong passwords cannot take both
    /// cores from scrapes.
    bcrypt: Arc<Semaphore>,
    telemetry_path: String,
    /// Counters for the tail.
    pub stats: Stats,
}

impl AppState {
    /// A state serving `published` under `telemetry_path`, with `web`'s users and headers.
    pub fn new(web: WebConfig, telemetry_path: &str, published: Published) -> Arc<AppState> {
        Arc::new(AppState {
            published: ArcSwap::from_pointee(published),
            web: ArcSwap::from_pointee(web),
            auth: AuthCache::default(),
            bcrypt: Arc::new(Semaphore::new(1)),
            telemetry_path: telemetry_path.to_owned(),
            stats: Stats::default(),
        })
    }

    /// Make `published` what scrapes see.
    pub fn publish(&self, published: Published) {
        self.published.store(Arc::new(published));
    }

    /// The web configuration in force.
    pub fn web(&self) -> Arc<WebConfig> {
        self.web.load_full()
    }

    /// Put a new web configuration in force.
    pub fn set_web(&self, web: WebConfig) {
        self.web.store(Arc::new(web));
    }
}

/// The whole HTTP application: `/`, the metrics path, `/-/healthy`, `/-/ready`, behind
/// basic auth (when configured) and the configured extra headers.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(landing))
        .route("/-/healthy", get(|| async { "Healthy\n" }))
        .route("/-/ready", get(ready))
        .route(&state.telemetry_path.clone(), get(metrics))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

fn unauthorized() -> Response {
    let mut response = (StatusCode::UNAUTHORIZED, "Unauthorized\n").into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
    response
}

/// Basic auth (when configured) and the configured extra headers, on every route.
async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let web = state.web();
    if !web.users.is_empty() {
        let ok = match basic_credentials(request.headers()) {
            // A scrape with known credentials costs a map lookup; bcrypt runs only on a miss.
            Some((user, password)) if state.auth.known(&web.users, &user, &password) => true,
            Some((user, password)) => {
                let Ok(Ok(permit)) =
                    tokio::time::timeout(AUTH_WAIT, state.bcrypt.clone().acquire_owned()).await
                else {
                    state.stats.auth_throttled.fetch_add(1, Ordering::Relaxed);
                    return unauthorized();
                };
                let (state, web) = (state.clone(), web.clone());
                tokio::task::spawn_blocking(move || {
                    let _permit = permit;
                    // Verified by a request that held the slot before this one?
                    state.auth.known(&web.users, &user, &password)
                        || state.auth.verify(
                            &web.users,
                            web.dummy_hash.as_deref(),
                            &user,
                            &password,
                        )
                })
                .await
                .unwrap_or(false)
            }
            None => false,
        };
        if !ok {
            return unauthorized();
        }
    }
    let mut response = next.run(request).await;
    for (name, value) in &web.headers {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}

/// `Authorization: Basic base64(user:password)`; the scheme is case-insensitive (RFC 7235).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim_start().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
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

/// The exposition: the gzip copy when asked for and built, else plain text. Both are of the
/// same snapshot, published together.
async fn metrics(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let published = state.published.load_full();
    let (parts, gzip) = match (&published.gzip, accepts_gzip(&headers)) {
        (Some(gz), true) => (gz.clone(), true),
        _ => (published.plain.clone(), false),
    };
    let mut response = Response::new(Body::new(Chunks { parts: [Some(parts.0), Some(parts.1)] }));
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

async fn ready(State(state): State<Arc<AppState>>) -> Response {
    match state.published.load().not_ready {
        None => (StatusCode::OK, "Ready\n").into_response(),
        Some(why) => (StatusCode::SERVICE_UNAVAILABLE, why).into_response(),
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

/// Accepts a connection only while fewer than the limit are open (else closes it at once,
/// counted and logged at most every 10 s), sets `TCP_NODELAY` (a response's last segment
/// must not wait for the scraper's delayed ACK), and closes a connection on which nothing
/// was read or written for the idle timeout.
#[derive(Debug, Clone)]
pub struct Limiter {
    slots: Arc<Semaphore>,
    limit: usize,
    idle: Duration,
    state: Arc<AppState>,
    last_warning: Arc<Mutex<Option<std::time::Instant>>>,
}

impl Limiter {
    /// At most `limit` connections, each closed after `idle` without traffic.
    pub fn new(limit: usize, idle: Duration, state: Arc<AppState>) -> Limiter {
        Limiter {
            slots: Arc::new(Semaphore::new(limit)),
            limit,
            idle,
            state,
            last_warning: Arc::new(Mutex::new(None)),
        }
    }
}

impl<S> axum_server::accept::Accept<TcpStream, S> for Limiter {
    type Stream = Guarded;
    type Service = S;
    type Future = std::future::Ready<std::io::Result<(Guarded, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let Ok(permit) = self.slots.clone().try_acquire_owned() else {
            self.state.stats.connections_refused.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut last) = self.last_warning.lock()
                && last.is_none_or(|t| t.elapsed() >= Duration::from_secs(10))
            {
                *last = Some(std::time::Instant::now());
                warn!(
                    limit = self.limit,
                    "connection limit reached (--web.max-connections): new connections are closed until some end"
                );
            }
            return std::future::ready(Err(std::io::Error::other("connection limit reached")));
        };
        let result = stream.set_nodelay(true).map(|()| {
            let idle = self.idle;
            let now = tokio::time::Instant::now();
            let timer = Box::pin(tokio::time::sleep_until(now + idle));
            (Guarded { inner: stream, _permit: permit, idle, last: now, timer }, service)
        });
        std::future::ready(result)
    }
}

/// A connection holding one slot of the [`Limiter`], with an idle deadline.
#[derive(Debug)]
pub struct Guarded {
    inner: TcpStream,
    _permit: OwnedSemaphorePermit,
    idle: Duration,
    last: tokio::time::Instant,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl Guarded {
    /// A write's outcome: progress resets the idle clock; waiting past the limit fails.
    fn written(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<std::io::Result<usize>>,
    ) -> Poll<std::io::Result<usize>> {
        match poll {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(|n| *n > 0) {
                    self.last = tokio::time::Instant::now();
                }
                Poll::Ready(result)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(Guarded::timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }

    /// True when nothing moved for the idle timeout (the timer is re-armed lazily, from the
    /// time of the last traffic, only when it fires).
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        loop {
            if self.timer.as_mut().poll(cx).is_pending() {
                return false;
            }
            let due = self.last + self.idle;
            if due <= tokio::time::Instant::now() {
                return true;
            }
            self.timer.as_mut().reset(due);
        }
    }

    fn timed_out() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::TimedOut, "idle connection closed")
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    this.last = tokio::time::Instant::now();
                }
                Poll::Ready(result)
            }
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(Guarded::timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, data);
        this.written(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.written(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

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
        for scheme in ["Basic", "basic", "BASIC", "bAsIc"] {
            let mut h = HeaderMap::new();
            let value = format!("{scheme} cHJvbTpzM2NyZXQ=");
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(&value).unwrap());
            assert_eq!(basic_credentials(&h), Some(("prom".into(), "s3cret".into())), "{scheme}");
        }
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer cHJvbTpzM2NyZXQ="));
        assert_eq!(basic_credentials(&h), None);
    }

    fn published(body: &str, tail: &str) -> Published {
        let (gz, trailer) = crate::exposition::gzip::compress(body.as_bytes(), 6);
        Published {
            plain: (Bytes::from(body.to_owned()), Bytes::from(tail.to_owned())),
            gzip: Some((Bytes::from(gz), Bytes::from(trailer.finish(tail.as_bytes())))),
            not_ready: None,
        }
    }

    async fn call(
        app: &Router,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut request = Request::builder().uri(path);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        (parts.status, parts.headers, bytes.to_vec())
    }

    fn basic(user: &str, password: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let input = format!("{user}:{password}");
        let mut out = String::new();
        for chunk in input.as_bytes().chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        format!("Basic {out}")
    }

    /// The router in-process: routes, gzip and plain bodies of one snapshot, readiness.
    #[tokio::test]
    async fn routes_gzip_and_readiness() {
        let state =
            AppState::new(WebConfig::default(), "/metrics", published("body 1\n", "tail 1\n"));
        let app = router(state.clone());
        let (status, headers, body) = call(&app, "/metrics", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, b"body 1\ntail 1\n");
        assert!(headers.get(header::CONTENT_ENCODING).is_none());
        let (_, headers, body) = call(&app, "/metrics", &[("accept-encoding", "gzip")]).await;
        assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "gzip");
        let mut plain = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut plain)
            .unwrap();
        assert_eq!(plain, b"body 1\ntail 1\n");
        assert_eq!(call(&app, "/-/ready", &[]).await.0, StatusCode::OK);
        assert_eq!(call(&app, "/-/healthy", &[]).await.0, StatusCode::OK);
        assert_eq!(call(&app, "/nope", &[]).await.0, StatusCode::NOT_FOUND);
        let (_, _, landing) = call(&app, "/", &[]).await;
        assert!(String::from_utf8_lossy(&landing).contains("href=\"/metrics\""));
        state.publish(Published { not_ready: Some("Not ready: stalled\n"), ..published("b", "t") });
        assert_eq!(call(&app, "/-/ready", &[]).await.0, StatusCode::SERVICE_UNAVAILABLE);
    }

    /// Issue #12, defect 5: auth in-process: scheme case, unknown users, wrong passwords.
    #[tokio::test]
    async fn basic_auth_paths() {
        let hash = bcrypt::hash("s3cret", 4).unwrap();
        let dir = std::env::temp_dir().join(format!("nag2prom-http-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("web.yml");
        std::fs::write(&path, format!("basic_auth_users:\n  prom: '{hash}'\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n")).unwrap();
        let web = WebConfig::load(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let app = router(AppState::new(web, "/metrics", published("b\n", "t\n")));
        for path in ["/", "/metrics", "/-/healthy", "/-/ready", "/nope"] {
            let (status, headers, _) = call(&app, path, &[]).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
            assert_eq!(headers.get(header::WWW_AUTHENTICATE).unwrap(), "Basic");
        }
        for (auth, expect) in [
            (basic("prom", "s3cret"), StatusCode::OK),
            (basic("prom", "s3cret").replacen("Basic", "BASIC", 1), StatusCode::OK),
            (basic("prom", "wrong"), StatusCode::UNAUTHORIZED),
            (basic("nobody", "s3cret"), StatusCode::UNAUTHORIZED),
            ("Basic !!!".to_owned(), StatusCode::UNAUTHORIZED),
            ("Bearer x".to_owned(), StatusCode::UNAUTHORIZED),
        ] {
            let (status, headers, _) = call(&app, "/metrics", &[("authorization", &auth)]).await;
            assert_eq!(status, expect, "{auth}");
            if status == StatusCode::OK {
                assert_eq!(headers.get("x-frame-options").unwrap(), "deny");
            }
        }
    }

    /// Issue #12, defect 5: an unknown user costs a bcrypt, as a wrong password does.
    #[test]
    fn unknown_user_costs_a_bcrypt() {
        let users = std::collections::BTreeMap::from([(
            "prom".to_owned(),
            bcrypt::hash("s3cret", 8).unwrap(),
        )]);
        let dummy = bcrypt::hash("dummy", 8).unwrap();
        let cache = AuthCache::default();
        let time = |user: &str| {
            let start = std::time::Instant::now();
            assert!(!cache.verify(&users, Some(&dummy), user, "wrong"));
            start.elapsed()
        };
        let wrong = (0..3).map(|_| time("prom")).min().unwrap();
        let unknown = (0..3).map(|_| time("nobody")).min().unwrap();
        assert!(unknown * 2 > wrong, "unknown user {unknown:?} vs wrong password {wrong:?}");
    }

    /// Issue #12, defect 3: a connection on which nothing moves is closed, also while a
    /// response is blocked on a scraper that stopped reading; traffic keeps it open.
    #[tokio::test]
    async fn guarded_connections_time_out_when_nothing_moves() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let guard = |stream: TcpStream| {
            let permit = Arc::new(Semaphore::new(1)).try_acquire_owned().unwrap();
            let idle = Duration::from_millis(300);
            let last = tokio::time::Instant::now();
            let timer = Box::pin(tokio::time::sleep_until(last + idle));
            Guarded { inner: stream, _permit: permit, idle, last, timer }
        };
        // Reading: traffic every 100 ms keeps it open; then silence closes it.
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let mut server = guard(server);
        let mut buf = [0u8; 16];
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            client.write_all(b"x").await.unwrap();
            assert_eq!(server.read(&mut buf).await.unwrap(), 1);
        }
        let start = std::time::Instant::now();
        let err = server.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(2));
        // Writing to a client that does not read: closed once the buffers are full.
        let _client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let mut server = guard(server);
        let chunk = vec![0u8; 1 << 20];
        let result = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                if let Err(err) = server.write(&chunk).await {
                    return err;
                }
            }
        })
        .await;
        assert_eq!(result.unwrap().kind(), std::io::ErrorKind::TimedOut);
    }
}
