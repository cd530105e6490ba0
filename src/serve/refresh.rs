//! Reading status.dat into a rendered exposition, and the published state every scrape reads.
//!
//! [`read_and_render`] is the whole refresh: read the file (bounded: regular files only, at
//! most [`ReadLimits::max_bytes`], within [`ReadLimits::timeout`], unchanged while read) in
//! pieces, parsing each as it comes and keeping only the texts the exposition uses
//! ([`Compact`]), on two threads for a large file; render it; compress the gzip copy.
//! [`Published`] is what scrapes see, swapped atomically ([`arc_swap::ArcSwap`]) by the
//! reload loop: the body, its gzip copy and the small tail, always of the same snapshot.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;

use crate::exposition::{self, Enrichment, Health, Options, Rendered, gzip};
use crate::status::{Compact, Loader, SnapshotError};

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

/// Read `path` within `limits` into a [`Compact`] snapshot: opened without blocking (a FIFO
/// would block `open`), regular files only, at most `max_bytes`, within `timeout`, and
/// unchanged (size, mtime) from the first to the last byte.
///
/// The file is never held whole: each region is read in [`PIECE`]-byte pieces, each parsed
/// while it is in cache and its texts kept compactly, so the peak is the compact snapshot
/// plus a piece per thread instead of the file. A file of at least
/// [`PARALLEL_MIN_BYTES`] is read as two regions on two threads (split right after a line
/// that closes a block; see [`Loader`]), when two cores are there.
pub fn load_status(
    path: &Path,
    limits: ReadLimits,
    keep_output: bool,
) -> Result<(Compact, Option<SystemTime>), ReadError> {
    use std::os::unix::fs::{FileExt, OpenOptionsExt};
    let deadline = Instant::now() + limits.timeout;
    let io = |error| ReadError::Io { path: path.to_path_buf(), error };
    // One open: the modification time is the one of the bytes read, even when Nagios renames
    // a new file over the path meanwhile.
    let file = std::fs::OpenOptions::new()
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
    let read_at = |buf: &mut [u8], offset: u64| file.read_at(buf, offset);
    let region = |start: u64, end: Option<u64>| {
        load_region(&read_at, Region { start, end, keep_output, deadline, limits }, path)
    };
    let two_cores = std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    let split = if two_cores && before.len >= PARALLEL_MIN_BYTES {
        region_split(&read_at, before.len).map_err(io)?
    } else {
        None
    };
    let (loader, read) = match split {
        Some(at) => {
            let (first, second) = std::thread::scope(|scope| {
                let second = scope.spawn(|| region(at, None));
                (region(0, Some(at)), second.join())
            });
            let second = second.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let ((first, a), (second, b)) = (first?, second?);
            (first.then(second), a + b)
        }
        None => region(0, None)?,
    };
    let after = FileKey::from_metadata(&file.metadata().map_err(io)?);
    if after.len != before.len || after.mtime != before.mtime || after.len != read {
        return Err(ReadError::Changed { path: path.to_path_buf() });
    }
    let compact = loader
        .into_compact()
        .map_err(|error| ReadError::Parse { path: path.to_path_buf(), error })?;
    Ok((compact, metadata.modified().ok()))
}

/// The size of the pieces a status.dat is read in (grown for a block that is larger).
pub const PIECE: usize = 4 << 20;

/// Files at least this large are read on two threads (below, the thread costs more than it
/// saves).
pub const PARALLEL_MIN_BYTES: u64 = 8 << 20;

/// One region of the file to read.
#[derive(Debug, Clone, Copy)]
struct Region {
    start: u64,
    /// `None`: to the end of the file.
    end: Option<u64>,
    keep_output: bool,
    deadline: Instant,
    limits: ReadLimits,
}

/// Where to split a file of `len` bytes in two regions: right after the first line that
/// closes a block in the MiB after its middle; `None` when there is none (one huge block).
fn region_split(
    read_at: &dyn Fn(&mut [u8], u64) -> std::io::Result<usize>,
    len: u64,
) -> std::io::Result<Option<u64>> {
    // From the byte before the middle, so that a line starting at the middle is whole.
    let from = len / 2 - 1;
    let mut window = vec![0u8; 1 << 20];
    let mut filled = 0;
    while filled < window.len() {
        match read_at(window.get_mut(filled..).unwrap_or_default(), from + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let window = window.get(..filled).unwrap_or_default();
    Ok(nag2prom_parsers::status::first_block_end_after(window, 1)
        .map(|end| from + end as u64)
        .filter(|&at| at < len))
}

/// Read one region with `read_at`, piece by piece, into a [`Loader`]; also says how many
/// bytes it read.
fn load_region(
    read_at: &dyn Fn(&mut [u8], u64) -> std::io::Result<usize>,
    region: Region,
    path: &Path,
) -> Result<(Loader, u64), ReadError> {
    let io = |error| ReadError::Io { path: path.to_path_buf(), error };
    let mut loader =
        Loader::new(usize::try_from(region.start).unwrap_or(usize::MAX), region.keep_output);
    let mut buf = vec![0u8; PIECE];
    let (mut filled, mut pos) = (0usize, region.start);
    loop {
        let spare = buf.len() - filled;
        let want = match region.end {
            Some(end) => spare.min(usize::try_from(end.saturating_sub(pos)).unwrap_or(spare)),
            None => spare,
        };
        if want == 0 {
            break;
        }
        let n = match read_at(buf.get_mut(filled..filled + want).unwrap_or_default(), pos) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        filled += n;
        pos += n as u64;
        if pos > region.limits.max_bytes {
            return Err(ReadError::TooLarge {
                path: path.to_path_buf(),
                max: region.limits.max_bytes,
            });
        }
        if Instant::now() > region.deadline {
            return Err(ReadError::Timeout {
                path: path.to_path_buf(),
                seconds: region.limits.timeout.as_secs_f64(),
            });
        }
        let used = loader.feed(buf.get(..filled).unwrap_or_default());
        buf.copy_within(used..filled, 0);
        filled -= used;
        if filled == buf.len() {
            // One block larger than the buffer (bounded by max_bytes above).
            buf.resize(buf.len() * 2, 0);
        }
    }
    if region.end.is_some_and(|end| pos != end) {
        return Err(ReadError::Changed { path: path.to_path_buf() });
    }
    let loader = loader.finish(buf.get(..filled).unwrap_or_default());
    Ok((loader, pos - region.start))
}

/// Read, parse and render `path`, then compress the gzip copy (`gzip_level` 1-9; 0: none).
/// The file is never held whole (see [`load_status`]).
pub fn read_and_render(
    path: &Path,
    options: &Options,
    enrich: Option<&Enrichment>,
    limits: ReadLimits,
    gzip_level: u32,
) -> Result<Refresh, ReadError> {
    let start = Instant::now();
    let (compact, mtime) = load_status(path, limits, options.plugin_output.is_some())?;
    let snapshot = compact.snapshot();
    let mut objects = ObjectSet::default();
    objects.reserve(compact.objects());
    objects.extend(snapshot.hosts.iter().map(|h| object_id(h.host, None)));
    objects.extend(snapshot.services.iter().map(|s| object_id(s.host, Some(s.service))));
    let rendered = exposition::render(&snapshot, options, enrich);
    drop(snapshot);
    drop(compact);
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
        let err = load_status(&fifo, ReadLimits::default(), false).unwrap_err();
        assert!(matches!(err, ReadError::NotRegular { kind: "a FIFO", .. }), "{err}");
        assert!(start.elapsed() < Duration::from_secs(1));
        let big = dir.join("big");
        std::fs::write(&big, "hoststatus {\n\thost_name=a\n\t}\n".repeat(200)).unwrap();
        let limits = ReadLimits { max_bytes: 1000, ..ReadLimits::default() };
        assert!(matches!(load_status(&big, limits, false), Err(ReadError::TooLarge { .. })));
        assert_eq!(load_status(&big, ReadLimits::default(), false).unwrap().0.objects(), 200);
        assert!(matches!(
            load_status(Path::new("/dev/zero"), ReadLimits::default(), false),
            Err(ReadError::NotRegular { kind: "a character device", .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file large enough for two threads reads as one pass reads it: the same objects in
    /// the same order, the `info` block of the file's end, a block larger than a piece, and
    /// an error in the second region at its offset in the file.
    #[test]
    fn two_regions_read_as_one_pass() {
        let dir = scratch("regions");
        let mut text = String::from("info {\n\tcreated=1\n\t}\n");
        let mut n = 0;
        while text.len() < (PARALLEL_MIN_BYTES as usize) + (1 << 20) {
            text.push_str(&format!(
                "servicestatus {{\n\thost_name=h{n}\n\tservice_description=s\n\tcurrent_state={}\n\t\
                 performance_data=a=1 b=2\n\t}}\n\n",
                n % 4
            ));
            n += 1;
        }
        // a block of more than a piece, in the second half
        text.push_str(&format!(
            "servicestatus {{\n\thost_name=big\n\tservice_description=s\n\tplugin_output={}\n\t}}\n",
            "x".repeat(PIECE + 10)
        ));
        text.push_str("info {\n\tcreated=2\n\t}\n");
        let file = dir.join("status.dat");
        std::fs::write(&file, &text).unwrap();
        assert!(
            region_split(
                &|b: &mut [u8], o| {
                    use std::os::unix::fs::FileExt;
                    std::fs::File::open(&file)?.read_at(b, o)
                },
                text.len() as u64
            )
            .unwrap()
            .is_some()
        );
        let (compact, _) = load_status(&file, ReadLimits::default(), true).unwrap();
        let one = crate::status::Snapshot::parse(text.as_bytes()).unwrap();
        let same =
            format!("{:?}", compact.snapshot()) == format!("{:?}", one.compact(true).snapshot());
        assert!(same, "two regions differ from one pass");
        assert_eq!(compact.snapshot().info.created, Some(2));
        assert_eq!(compact.objects(), n + 1);
        let late = format!("host_name=h{}\n", n * 3 / 4);
        let bad = text.replacen(&late, &format!("{late}garbage\n"), 1);
        assert_ne!(bad, text);
        std::fs::write(&file, &bad).unwrap();
        let want = crate::status::Snapshot::parse(bad.as_bytes()).unwrap_err();
        match load_status(&file, ReadLimits::default(), true) {
            Err(ReadError::Parse { error, .. }) => assert_eq!(error, want),
            other => panic!("{other:?}"),
        }
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
