//! Writing results to disk atomically: a reader (Prometheus, node_exporter's textfile
//! collector, a human) sees the old content or the new content, never half of either.
//!
//! - [`write_file`]: one file, written to a temporary sibling, synced, then renamed over the
//!   target.
//! - [`replace_dir`]: a whole output directory, built by the caller in a temporary sibling
//!   directory and swapped in only when the caller says everything succeeded; on failure the
//!   old directory is left exactly as it was.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A process-unique suffix for temporary names, so concurrent writers never collide.
fn temp_sibling(target: &Path, what: &str) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} has no file name", target.display()),
        )
    })?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    temp.push(format!(".{what}.{}.{n}", std::process::id()));
    Ok(target.with_file_name(temp))
}

/// Write `bytes` to `path` atomically: temporary sibling, `fsync`, `rename`, `fsync` of the
/// directory.
///
/// The temporary file lives in the same directory so that the rename never crosses a file
/// system. It is created exclusively (`O_CREAT|O_EXCL|O_NOFOLLOW`, under a name with a
/// random part), so a symlink or file planted in a directory others can write to is never
/// followed nor truncated. A target that exists must be a regular file (not a symlink, a
/// device such as `/dev/null`, a FIFO or a directory); its mode and group are kept (when the
/// group cannot be kept, the group bits of the mode are dropped). The temporary file is
/// removed when anything fails.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_file_via(path, bytes, (0..16).map(|_| random_sibling(path)))
}

/// A temporary name beside `target`: `.NAME.tmp.PID.N.RANDOM` ([`temp_sibling`] with a
/// random part, so a name planted in advance cannot be guessed).
fn random_sibling(target: &Path) -> io::Result<PathBuf> {
    use std::hash::{BuildHasher, Hasher};
    let mut temp = temp_sibling(target, "tmp")?.into_os_string();
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_usize(temp.len());
    temp.push(format!(".{:016x}", hasher.finish()));
    Ok(PathBuf::from(temp))
}

/// [`write_file`] with the temporary names to try, in order (a name that exists is skipped).
fn write_file_via(
    path: &Path,
    bytes: &[u8],
    names: impl IntoIterator<Item = io::Result<PathBuf>>,
) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    let existing = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => Some(m),
        Ok(m) => {
            let what =
                if m.file_type().is_symlink() { "a symbolic link" } else { "not a regular file" };
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is {what}: refusing to replace it", path.display()),
            ));
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(err),
    };
    let mut created = None;
    for name in names {
        let temp = name?;
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&temp)
        {
            Ok(file) => {
                created = Some((temp, file));
                break;
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
    let Some((temp, mut file)) = created else {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("no free temporary name beside {}", path.display()),
        ));
    };
    let result = (|| {
        file.write_all(bytes)?;
        // The target's mode and group, or the usual mode of a new file (0666 less umask).
        let mode = match &existing {
            Some(m) => {
                let mut mode = m.mode() & 0o7777;
                if m.gid() != file.metadata()?.gid()
                    && std::os::unix::fs::fchown(&file, None, Some(m.gid())).is_err()
                {
                    mode &= !0o070;
                }
                mode & !0o6000
            }
            None => 0o666 & !current_umask(),
        };
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        if let Some(dir) = path.parent() {
            let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
            fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// The process umask, read from /proc (setting it to read it would race other threads);
/// 0o022 when it cannot be read.
fn current_umask() -> u32 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// A directory being built next to its final place; see [`replace_dir`].
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl StagedDir {
    /// The directory to write into.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Swap the staged directory in place of the target. The previous target (if any) is
    /// moved aside first and removed after the swap; if the swap fails it is moved back.
    pub fn commit(mut self) -> io::Result<()> {
        let old = temp_sibling(&self.target, "old")?;
        let had_old = match fs::rename(&self.target, &old) {
            Ok(()) => true,
            Err(err) if err.kind() == io::ErrorKind::NotFound => false,
            Err(err) => return Err(err),
        };
        if let Err(err) = fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(err);
        }
        self.committed = true;
        if had_old {
            // The new content is in place; a leftover old copy is only untidy.
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Start replacing the directory `target`: returns an empty staging directory beside it.
/// Write everything into [`StagedDir::path`], then call [`StagedDir::commit`]. Dropping the
/// `StagedDir` without committing removes the staging directory and leaves `target` untouched.
pub fn replace_dir(target: &Path) -> io::Result<StagedDir> {
    let staging = temp_sibling(target, "new")?;
    fs::create_dir_all(&staging)?;
    Ok(StagedDir { target: target.to_path_buf(), staging, committed: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("nag2prom-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    #[test]
    fn write_file_replaces_content_and_leaves_no_temporaries() {
        let dir = scratch("file");
        let path = dir.join("out.prom");
        write_file(&path, b"one\n").expect("first write");
        write_file(&path, b"two\n").expect("second write");
        assert_eq!(fs::read(&path).expect("read"), b"two\n");
        let names: Vec<_> =
            fs::read_dir(&dir).expect("list").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.prom")]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn write_file_into_missing_directory_fails_cleanly() {
        let dir = scratch("missing");
        let path = dir.join("no/such/dir/out.prom");
        assert!(write_file(&path, b"x").is_err());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn uncommitted_dir_leaves_target_untouched() {
        let dir = scratch("dir");
        let target = dir.join("out");
        fs::create_dir_all(&target).expect("target");
        fs::write(target.join("keep.yml"), "old").expect("old file");
        {
            let staged = replace_dir(&target).expect("stage");
            fs::write(staged.path().join("new.yml"), "new").expect("new file");
            // dropped without commit: a failed run
        }
        assert_eq!(fs::read_to_string(target.join("keep.yml")).expect("old kept"), "old");
        assert!(!target.join("new.yml").exists());
        assert_eq!(fs::read_dir(&dir).expect("list").count(), 1, "no staging leftovers");

        let staged = replace_dir(&target).expect("stage");
        fs::write(staged.path().join("new.yml"), "new").expect("new file");
        staged.commit().expect("commit");
        assert!(!target.join("keep.yml").exists());
        assert_eq!(fs::read_to_string(target.join("new.yml")).expect("new"), "new");
        assert_eq!(fs::read_dir(&dir).expect("list").count(), 1, "old copy removed");
        let _ = fs::remove_dir_all(&dir);
    }

    /// Issue #12, defect 4: a symlink planted at the temporary name is neither followed nor
    /// moved onto the target; the next name is used.
    #[test]
    fn write_file_never_follows_a_planted_temporary() {
        let dir = scratch("planted");
        let victim = dir.join("victim");
        fs::write(&victim, "root-only\n").expect("victim");
        let planted = dir.join(".out.prom.tmp.planted");
        std::os::unix::fs::symlink(&victim, &planted).expect("symlink");
        let path = dir.join("out.prom");
        let fresh = dir.join(".out.prom.tmp.fresh");
        write_file_via(&path, b"new\n", [Ok(planted.clone()), Ok(fresh.clone())]).expect("write");
        assert_eq!(fs::read(&victim).expect("victim"), b"root-only\n");
        assert_eq!(fs::read(&path).expect("out"), b"new\n");
        assert!(fs::symlink_metadata(&path).expect("out").file_type().is_file());
        assert!(fs::symlink_metadata(&planted).expect("planted").file_type().is_symlink());
        assert!(!fresh.exists());
        // only planted names: nothing written
        let err = write_file_via(&path, b"x", [Ok(planted.clone())]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        let _ = fs::remove_dir_all(&dir);
    }

    /// Issue #12, defect 4: non-regular targets are refused; the mode of a regular one is
    /// kept.
    #[test]
    fn write_file_refuses_non_regular_targets_and_keeps_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("targets");
        let link = dir.join("link.prom");
        std::os::unix::fs::symlink(dir.join("elsewhere"), &link).expect("symlink");
        assert!(write_file(&link, b"x").is_err());
        assert!(!dir.join("elsewhere").exists());
        assert!(write_file(Path::new("/dev/null"), b"x").is_err());
        let null = fs::symlink_metadata("/dev/null").expect("null").file_type();
        assert!(std::os::unix::fs::FileTypeExt::is_char_device(&null));
        assert!(write_file(&dir, b"x").is_err());
        let path = dir.join("kept.prom");
        fs::write(&path, "old").expect("old");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        write_file(&path, b"new").expect("write");
        let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o7777;
        assert_eq!(mode, 0o640);
        assert_eq!(fs::read_dir(&dir).expect("list").count(), 2, "no temporaries left");
        let _ = fs::remove_dir_all(&dir);
    }
}
