//! Reading status.dat into a rendered exposition, and the published state every scrape reads.
//!
//! [`read_and_render`] is the whole refresh: read the file (bounded: regular files only, at
//! most [`ReadLimits::max_bytes`], within [`ReadLimits::timeout`], unchanged while read),
//! parse it ([`Snapshot`]), render it, drop the file's bytes, and compress the gzip copy.
//! [`Published`] is what scrapes see, swapped atomically ([`arc_swap::ArcSwap`]) by the
//! reload loop: the body, its gzip copy and the small tail, always of the same snapshot.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;

use crate::exposition::{self, Enrichment, Health, Options, Rendered, gzip};
use crate::status::{Snapshot, SnapshotError};

/// Why status.dat was not used.
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
    /// A FIFO, socket or device: reading it could block forever or never end.
    #[error("{path} is not a regular file ({kind}); refused")]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// Larger than `--status.max-bytes`.
    #[error("{path} is larger than --status.max-bytes ({max} bytes); refused")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        max: u64,
    },
    /// The read took longer than `--status.read-timeout`.
    #[error("reading {path} took longer than {seconds} s (--status.read-timeout); abandoned")]
    Timeout {
        /// The file.
        path: PathBuf,
        /// The limit.
        seconds: f64,
    },
    /// Its size or modification time changed while it was read: a write in place is going on.
    #[error("{path} changed while it was read (written in place?); waiting for the next version")]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// Read, but not a whole, well-formed status.dat.
    #[error("{path}: {error}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        error: SnapshotError,
    },
    /// Hosts or services that are configured and were served are missing: a prefix of a
    /// file being written in place (or a Nagios started with another configuration).
    #[error(
        "{path} lacks {missing} configured hosts/services that the served data has (half-written?); keeping the served data"
    )]
    Incomplete {
        /// The file.
        path: PathBuf,
        /// How many.
        missing: usize,
    },
}

impl ReadError {
    /// The `reason` label of `nag2prom_status_rejected_total`.
    pub fn reason(&self) -> &'static str {
        match self {
            ReadError::Io { .. } => "io",
            ReadError::NotRegular { .. } => "not_regular_file",
            ReadError::TooLarge { .. } => "too_large",
            ReadError::Timeout { .. } => "timeout",
            ReadError::Changed { .. } => "changed_while_read",
            ReadError::Parse { .. } => "malformed",
            ReadError::Incomplete { .. } => "incomplete",
        }
    }
}

/// Identity of a version of the file: a rename (new inode), a rewrite (mtime, size) or a
/// `chmod` (ctime) changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKey {
    dev: u64,
    ino: u64,
    mtime: Option<SystemTime>,
    ctime: (i64, i64),
    len: u64,
}

impl FileKey {
    /// The key of `path` now.
    pub fn of(path: &Path) -> std::io::Result<FileKey> {
        Ok(FileKey::from_metadata(&std::fs::metadata(path)?))
    }

    fn from_metadata(m: &std::fs::Metadata) -> FileKey {
        use std::os::unix::fs::MetadataExt;
        FileKey {
            dev: m.dev(),
            ino: m.ino(),
            mtime: m.modified().ok(),
            ctime: (m.ctime(), m.ctime_nsec()),
            len: m.len(),
        }
    }
}

/// Bounds on one read of status.dat.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    /// Larger files are refused.
    pub max_bytes: u64,
    /// A read still going after this is abandoned (checked between 1 MiB reads; a read that
    /// blocks inside the kernel is reported as stalled by the reload loop instead).
    pub timeout: Duration,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits { max_bytes: DEFAULT_MAX_BYTES, timeout: Duration::from_secs(30) }
    }
}

/// The default `--status.max-bytes`: 512 MiB, four times the status.dat of an
/// 80,000-service installation.
pub const DEFAULT_MAX_BYTES: u64 = 512 << 20;

/// A set of object identities (hashes of host, or host + service, names).
pub type ObjectSet = HashSet<u64, rustc_hash::FxBuildHasher>;

/// The identity hash of a host (`service` `None`) or a service.
pub fn object_id(host: &[u8], service: Option<&[u8]>) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    host.hash(&mut h);
    if let Some(service) = service {
        service.hash(&mut h);
    }
    h.finish()
}

/// A rendered status.dat, its gzip copy and how long it took.
#[derive(Debug)]
pub struct Refresh {
    /// The rendered body and its counts.
    pub rendered: Rendered,
    /// The gzip copy of the body and its trailer state.
    pub gzip: Option<(Vec<u8>, gzip::Trailer)>,
    /// Read + parse + render time.
    pub elapsed: Duration,
    /// The file's modification time (freshness when `info.created` is absent).
    pub mtime: Option<SystemTime>,
    /// The hosts and services in the file, for the completeness check.
    pub objects: ObjectSet,
}

fn file_kind(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Read `path` within `limits`: opened without blocking (a FIFO would block `open`), regular
/// files only, at most `max_bytes`, within `timeout`, and unchanged (size, mtime) from the
/// first to the last byte.
pub fn read_status(
    path: &Path,
    limits: ReadLimits,
) -> Result<(Vec<u8>, Option<SystemTime>), ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let start = Instant::now();
    let io = |error| ReadError::Io { path: path.to_path_buf(), error };
    // One open: the modification time is the one of the bytes read, even when Nagios renames
    // a new file over the path meanwhile.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            kind: file_kind(metadata.file_type()),
        });
    }
    if metadata.len() > limits.max_bytes {
        return Err(ReadError::TooLarge { path: path.to_path_buf(), max: limits.max_bytes });
    }
    let before = FileKey::from_metadata(&metadata);
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        bytes.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if bytes.len() as u64 > limits.max_bytes {
            return Err(ReadError::TooLarge { path: path.to_path_buf(), max: limits.max_bytes });
        }
        if start.elapsed() > limits.timeout {
            return Err(ReadError::Timeout {
                path: path.to_path_buf(),
                seconds: limits.timeout.as_secs_f64(),
            });
        }
    }
    let after = FileKey::from_metadata(&file.metadata().map_err(io)?);
    if after.len != before.len || after.mtime != before.mtime || after.len != bytes.len() as u64 {
        return Err(ReadError::Changed { path: path.to_path_buf() });
    }
    Ok((bytes, metadata.modified().ok()))
}

/// Read, parse and render `path`, then compress the gzip copy (`gzip_level` 1-9; 0: none).
/// The file's bytes are freed before rendering.
pub fn read_and_render(
    path: &Path,
    options: &Options,
    enrich: Option<&Enrichment>,
    limits: ReadLimits,
    gzip_level: u32,
) -> Result<Refresh, ReadError> {
    let start = Instant::now();
    let (bytes, mtime) = read_status(path, limits)?;
    let snapshot = Snapshot::parse(&bytes)
        .map_err(|error| ReadError::Parse { path: path.to_path_buf(), error })?;
    let mut objects = ObjectSet::default();
    objects.reserve(snapshot.hosts.len() + snapshot.services.len());
    objects.extend(snapshot.hosts.iter().map(|h| object_id(h.host, None)));
    objects.extend(snapshot.services.iter().map(|s| object_id(s.host, Some(s.service))));
    // Keep only the texts the exposition uses, and free the file before rendering.
    let arena = snapshot.compact(options.plugin_output.is_some());
    let compact = snapshot.rebased(&arena);
    drop(snapshot);
    drop(bytes);
    let rendered = exposition::render(&compact, options, enrich);
    drop(compact);
    drop(arena);
    let elapsed = start.elapsed();
    let gzip = (gzip_level > 0).then(|| gzip::compress(&rendered.body, gzip_level));
    Ok(Refresh { rendered, gzip, elapsed, mtime, objects })
}

/// How many of the `configured` objects that `served` has are missing from `fresh`.
pub fn missing_objects(configured: &ObjectSet, served: &ObjectSet, fresh: &ObjectSet) -> usize {
    served.iter().filter(|id| configured.contains(id) && !fresh.contains(id)).count()
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> f64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// What a scrape serves. Cheap to clone (every buffer is a shared [`Bytes`]).
#[derive(Debug, Clone, Default)]
pub struct Published {
    /// Plain text: body (Nagios families) and tail (`nagios_up`, bridge metrics).
    pub plain: (Bytes, Bytes),
    /// The gzip copy of the same body and tail: compressed body, then compressed tail +
    /// trailer. `None` until a body has been loaded (then plain is the tail alone).
    pub gzip: Option<(Bytes, Bytes)>,
    /// `None` when ready; otherwise why not (no status.dat yet, a read is stalled).
    pub not_ready: Option<&'static str>,
}

/// The reload loop's own state, from which [`Published`] is derived.
#[derive(Debug, Default)]
pub struct Current {
    /// The last good render (its body moved into `body`).
    pub rendered: Option<Rendered>,
    /// The served body; empty before the first good read.
    pub body: Bytes,
    /// The gzip copy of `body` and its trailer state.
    pub gzip: Option<(Bytes, gzip::Trailer)>,
    /// The objects of the served snapshot.
    pub objects: ObjectSet,
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

    /// Take a new good refresh, body and gzip copy together.
    pub fn accept(&mut self, mut refresh: Refresh) {
        let body = std::mem::take(&mut refresh.rendered.body);
        self.health.body_bytes = body.len() as u64;
        self.body = Bytes::from(body);
        self.gzip = refresh.gzip.map(|(bytes, trailer)| (Bytes::from(bytes), trailer));
        self.objects = refresh.objects;
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

    /// What scrapes should see now.
    pub fn publish(&self) -> Published {
        let health = Health { up: self.up(unix_now()), ..self.health.clone() };
        let tail = exposition::render_tail(&health, self.rendered.as_ref());
        let gzip = self
            .gzip
            .as_ref()
            .map(|(compressed, trailer)| (compressed.clone(), Bytes::from(trailer.finish(&tail))));
        let not_ready = if self.rendered.is_none() {
            Some("Not ready: no status.dat loaded yet\n")
        } else if health.read_stalled {
            Some("Not ready: the status.dat read is stalled (see the log)\n")
        } else {
            None
        };
        Published { plain: (self.body.clone(), Bytes::from(tail)), gzip, not_ready }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("nag2prom-refresh-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Issue #12, defects 2 and 8: a FIFO is refused at once (no blocking open), and a file
    /// over the size limit is refused.
    #[test]
    fn reads_are_bounded() {
        let dir = scratch("bounded");
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let start = Instant::now();
        let err = read_status(&fifo, ReadLimits::default()).unwrap_err();
        assert!(matches!(err, ReadError::NotRegular { kind: "a FIFO", .. }), "{err}");
        assert!(start.elapsed() < Duration::from_secs(1));
        let big = dir.join("big");
        std::fs::write(&big, vec![b'x'; 4096]).unwrap();
        let limits = ReadLimits { max_bytes: 1000, ..ReadLimits::default() };
        assert!(matches!(read_status(&big, limits), Err(ReadError::TooLarge { .. })));
        assert_eq!(read_status(&big, ReadLimits::default()).unwrap().0.len(), 4096);
        assert!(matches!(
            read_status(Path::new("/dev/zero"), ReadLimits::default()),
            Err(ReadError::NotRegular { kind: "a character device", .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn missing_counts_only_configured_served_objects() {
        let ids = |v: &[u64]| v.iter().copied().collect::<ObjectSet>();
        let configured = ids(&[1, 2, 3]);
        assert_eq!(missing_objects(&configured, &ids(&[1, 2, 9]), &ids(&[1])), 1);
        assert_eq!(missing_objects(&configured, &ids(&[1, 2]), &ids(&[1, 2, 3])), 0);
        assert_eq!(missing_objects(&configured, &ids(&[]), &ids(&[1])), 0);
    }
}
