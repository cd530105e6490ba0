//! Reading status.dat into a rendered exposition, and the published state every scrape reads.
//!
//! [`read_and_render`] is the whole refresh: read the file, parse it ([`Snapshot`]), render it,
//! drop the file's bytes. [`Published`] is what scrapes see, swapped atomically
//! ([`arc_swap::ArcSwap`]) by the reload loop: the body (once per status.dat change), its
//! gzip copy (compressed after the plain body is already being served) and the small tail.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;

use crate::exposition::{self, Enrichment, Health, Options, Rendered, gzip};
use crate::status::{Snapshot, SnapshotError};

/// Why status.dat was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Missing, unreadable (permissions), a directory, …
    #[error("cannot read {path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// Read, but not a whole, well-formed status.dat.
    #[error("{path}: {error}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        error: SnapshotError,
    },
}

/// Identity of a version of the file: a rename (new inode) or a rewrite (mtime, size)
/// changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKey {
    dev: u64,
    ino: u64,
    mtime: Option<SystemTime>,
    len: u64,
}

impl FileKey {
    /// The key of `path` now.
    pub fn of(path: &Path) -> std::io::Result<FileKey> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path)?;
        Ok(FileKey { dev: m.dev(), ino: m.ino(), mtime: m.modified().ok(), len: m.len() })
    }
}

/// A rendered status.dat and how long it took.
#[derive(Debug)]
pub struct Refresh {
    /// The rendered body and its counts.
    pub rendered: Rendered,
    /// Read + parse + render time.
    pub elapsed: Duration,
    /// The file's modification time (freshness when `info.created` is absent).
    pub mtime: Option<SystemTime>,
}

/// Read, parse and render `path`. The file's bytes are freed before rendering.
pub fn read_and_render(
    path: &Path,
    options: &Options,
    enrich: Option<&Enrichment>,
) -> Result<Refresh, ReadError> {
    let start = Instant::now();
    let io = |error| ReadError::Io { path: path.to_path_buf(), error };
    // One open: the modification time is the one of the bytes read, even when Nagios renames
    // a new file over the path meanwhile.
    let mut file = std::fs::File::open(path).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    let mtime = metadata.modified().ok();
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    std::io::Read::read_to_end(&mut file, &mut bytes).map_err(io)?;
    let snapshot = Snapshot::parse(&bytes)
        .map_err(|error| ReadError::Parse { path: path.to_path_buf(), error })?;
    // Keep only the texts the exposition uses, and free the file before rendering.
    let arena = snapshot.compact(options.plugin_output.is_some());
    let compact = snapshot.rebased(&arena);
    drop(snapshot);
    drop(bytes);
    let rendered = exposition::render(&compact, options, enrich);
    Ok(Refresh { rendered, elapsed: start.elapsed(), mtime })
}

/// The first `len` bytes of a gzip copy that ends without its tail (which the decoder reports
/// as an unexpected end once every body byte has been produced): the plain body it was made
/// from, rebuilt after a failed reload let that body go.
pub fn gunzip_prefix(compressed: &[u8], len: usize) -> Vec<u8> {
    let mut plain = Vec::with_capacity(len);
    let mut decoder = flate2::read::GzDecoder::new(compressed);
    let _ = std::io::Read::read_to_end(&mut decoder, &mut plain);
    plain.truncate(len);
    plain
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> f64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// What a scrape serves. Cheap to clone (every buffer is a shared [`Bytes`]).
#[derive(Debug, Clone, Default)]
pub struct Published {
    /// Plain text: body (Nagios families) and tail (`nagios_up`, bridge metrics). `None`
    /// while a new body is being built and a gzip copy of the old one is served (one
    /// exposition in memory instead of two; plain scrapes wait for the new one).
    pub plain: Option<(Bytes, Bytes)>,
    /// The gzip copy: compressed body, then compressed tail + trailer. `None` until the first
    /// body has been compressed. After a reload it may still be the previous body's copy for
    /// the second it takes to compress the new one.
    pub gzip: Option<(Bytes, Bytes)>,
    /// True once a status.dat was read successfully.
    pub ready: bool,
}

/// The reload loop's own state, from which [`Published`] is derived.
#[derive(Debug, Default)]
pub struct Current {
    /// The last good render (its body moved into `body`).
    pub rendered: Option<Rendered>,
    /// The served body; `None` before the first good read and while a new one is built.
    pub body: Option<Bytes>,
    /// The gzip copy (of the served body, or of the previous one until the new copy is
    /// ready) and its trailer state.
    pub gzip: Option<(Bytes, gzip::Trailer)>,
    /// Health counters.
    pub health: Health,
    /// `info.created`, or the file's mtime, of the served snapshot (Unix seconds).
    pub written_at: Option<f64>,
    /// The staleness limit for `nagios_up`.
    pub max_age: Option<Duration>,
}

impl Current {
    /// Whether the served data is good and fresh now.
    pub fn up(&self, now: f64) -> bool {
        match (self.rendered.is_some(), self.max_age, self.written_at) {
            (false, _, _) => false,
            (true, None, _) | (true, Some(_), None) => true,
            (true, Some(max), Some(at)) => now - at <= max.as_secs_f64(),
        }
    }

    /// A reload starts: when a gzip copy exists, let the plain body go (it is served again
    /// from the new body, or restored from the gzip copy by [`gunzip_prefix`] if the reload
    /// fails).
    pub fn begin_reload(&mut self) {
        if self.gzip.is_some() {
            self.body = None;
        }
    }

    /// Take a new good refresh (the gzip copy is built separately, [`Current::set_gzip`]).
    pub fn accept(&mut self, mut refresh: Refresh) {
        let body = std::mem::take(&mut refresh.rendered.body);
        self.health.body_bytes = body.len() as u64;
        self.body = Some(Bytes::from(body));
        self.written_at = refresh.rendered.created.map(|c| c as f64).or_else(|| {
            refresh
                .mtime
                .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map(|d| d.as_secs_f64())
        });
        self.health.reloads += 1;
        self.health.parse_seconds = Some(refresh.elapsed.as_secs_f64());
        self.health.last_reload = Some(unix_now());
        self.rendered = Some(refresh.rendered);
    }

    /// Attach the gzip copy of `body`, when it is still the current body.
    pub fn set_gzip(&mut self, body: &Bytes, compressed: Vec<u8>, trailer: gzip::Trailer) {
        if let Some(current) = &self.body
            && body.as_ptr() == current.as_ptr()
            && body.len() == current.len()
        {
            self.gzip = Some((Bytes::from(compressed), trailer));
        }
    }

    /// What scrapes should see now.
    pub fn publish(&self) -> Published {
        let health = Health { up: self.up(unix_now()), ..self.health.clone() };
        let tail = exposition::render_tail(&health, self.rendered.as_ref());
        let gzip = self
            .gzip
            .as_ref()
            .map(|(compressed, trailer)| (compressed.clone(), Bytes::from(trailer.finish(&tail))));
        let tail = Bytes::from(tail);
        let plain = match &self.body {
            Some(body) => Some((body.clone(), tail)),
            // Nothing read yet: the tail alone (nagios_up 0).
            None if self.rendered.is_none() => Some((Bytes::new(), tail)),
            None => None,
        };
        Published { plain, gzip, ready: self.rendered.is_some() }
    }
}
