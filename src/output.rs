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

/// Write `bytes` to `path` atomically: temporary sibling, `fsync`, `rename`.
///
/// The temporary file lives in the same directory so that the rename never crosses a file
/// system. It is removed when anything fails.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = temp_sibling(path, "tmp")?;
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
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
}
