//! The output directory of `nag2prom convert`: what it may replace, and what it must never
//! touch.
//!
//! `convert --out DIR` replaces DIR as a whole (see [`crate::output::replace_dir`]), so it
//! first proves that everything in DIR is its own: DIR must be missing, an empty directory, or
//! an earlier output whose [`MANIFEST`] lists every file DIR holds. And DIR may not be, contain,
//! or lie inside anything the conversion reads (nagios.cfg, object files and directories,
//! resource files, status.dat, nrpe configs). Anything else is refused with the reason, before
//! a single byte is written.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use nag2prom_parsers::main_cfg::parse_main_cfg;
use serde::{Deserialize, Serialize};

use crate::source::Installation;

/// The manifest every output carries, listing what it wrote.
pub const MANIFEST: &str = "nag2prom-manifest.json";

/// The manifest's `generator` value.
const GENERATOR: &str = "nag2prom convert";

/// The manifest file's content.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `nag2prom convert`.
    pub generator: String,
    /// The nag2prom version that wrote it.
    pub version: String,
    /// Every file written, relative to the directory, `/`-separated, sorted.
    pub files: Vec<String>,
}

impl Manifest {
    /// The manifest of an output holding `files` (the manifest itself included).
    pub fn of<'a>(files: impl IntoIterator<Item = &'a str>) -> Manifest {
        let mut files: Vec<String> = files.into_iter().map(str::to_owned).collect();
        files.push(MANIFEST.to_owned());
        files.sort_unstable();
        files.dedup();
        Manifest {
            generator: GENERATOR.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            files,
        }
    }
}

/// Why an output directory is refused.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// DIR exists and is not a directory.
    #[error("{0} exists and is not a directory; give a new or empty directory")]
    NotADirectory(PathBuf),
    /// DIR holds files without a manifest.
    #[error(
        "{dir} is not empty and holds no {MANIFEST} (it is not an earlier nag2prom output); it holds e.g. {example}. Give a new or empty directory"
    )]
    Foreign {
        /// The directory.
        dir: PathBuf,
        /// One entry found.
        example: String,
    },
    /// DIR holds a manifest, and files it does not list.
    #[error(
        "{dir} holds {count} file(s) its {MANIFEST} does not list, e.g. {example}: they were not written by nag2prom and replacing the directory would delete them"
    )]
    Unlisted {
        /// The directory.
        dir: PathBuf,
        /// How many.
        count: usize,
        /// One of them.
        example: String,
    },
    /// The manifest does not parse.
    #[error("{path} is not a nag2prom manifest: {message}")]
    BadManifest {
        /// The manifest.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// DIR is, contains, or lies inside an input.
    #[error("{dir} {relation} {input}, which the conversion reads; write the output elsewhere")]
    Input {
        /// The directory.
        dir: PathBuf,
        /// `is`, `contains`, `lies inside`.
        relation: &'static str,
        /// The input.
        input: PathBuf,
    },
    /// DIR could not be examined.
    #[error("cannot examine {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: io::Error,
    },
}

/// `path` made absolute and normalised without touching the file system beyond resolving
/// the longest existing ancestor (so symlinked directories compare equal to their targets).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Lexical normalisation first (`a/../b`, `./`).
    let mut clean = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other.as_os_str()),
        }
    }
    // Resolve symlinks on the longest existing prefix.
    let mut rest = Vec::new();
    let mut probe = clean.clone();
    loop {
        if let Ok(real) = fs::canonicalize(&probe) {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (probe.file_name().map(|n| n.to_os_string()), probe.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                probe = parent.to_path_buf();
            }
            _ => return clean,
        }
    }
}

/// Everything a conversion of `inst` reads, besides `extra` (object paths, nrpe configs):
/// every file it loaded, the `cfg_dir` directories, and the files nagios.cfg names that
/// Nagios writes (status.dat, retention, object cache, check results, log). `temp_path` is left out:
/// it is usually /tmp, where outputs may well go.
pub fn inputs(inst: &Installation, extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = inst.db.iter().map(|(_, f)| f.path.clone()).collect();
    out.extend(extra.iter().cloned());
    let Some(main) = inst.main.and_then(|id| inst.db.file(id)) else { return out };
    let base = main.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let config = parse_main_cfg(&main.bytes);
    for source in config.object_sources() {
        out.push(base.join(source.path.trim_end_matches('/')));
    }
    for name in [
        "status_file",
        "state_retention_file",
        "object_cache_file",
        "precached_object_file",
        "check_result_path",
        "command_file",
        "log_file",
    ] {
        if let Some(entry) = config.get(name) {
            let value = entry.value.to_string();
            if !value.trim().is_empty() {
                out.push(base.join(value.trim()));
            }
        }
    }
    out
}

/// Check that `dir` may be replaced by a conversion reading `inputs` (files or directories).
pub fn check(dir: &Path, inputs: &[PathBuf]) -> Result<(), Refusal> {
    let abs_dir = absolute(dir);
    let abs_inputs: Vec<PathBuf> = inputs.iter().map(|i| absolute(i)).collect();
    // The closest relation is the clearest message: `is`, then `lies inside`, then `contains`.
    type Holds<'a> = &'a dyn Fn(&Path) -> bool;
    let relations: [(&'static str, Holds<'_>); 3] = [
        ("is", &|input: &Path| input == abs_dir),
        ("lies inside", &|input: &Path| abs_dir.starts_with(input)),
        ("contains", &|input: &Path| input.starts_with(&abs_dir)),
    ];
    for (relation, holds) in relations {
        if let Some(i) = abs_inputs.iter().position(|input| holds(input)) {
            return Err(Refusal::Input {
                dir: dir.to_path_buf(),
                relation,
                input: inputs[i].clone(),
            });
        }
    }
    let meta = match fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(Refusal::Io { path: dir.to_path_buf(), source }),
    };
    if !meta.is_dir() {
        return Err(Refusal::NotADirectory(dir.to_path_buf()));
    }
    let mut found = Vec::new();
    walk(dir, Path::new(""), &mut found)?;
    if found.is_empty() {
        return Ok(());
    }
    let manifest_path = dir.join(MANIFEST);
    let text = match fs::read(&manifest_path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(Refusal::Foreign { dir: dir.to_path_buf(), example: found[0].clone() });
        }
        Err(source) => return Err(Refusal::Io { path: manifest_path, source }),
    };
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| Refusal::BadManifest {
        path: manifest_path.clone(),
        message: e.to_string(),
    })?;
    if manifest.generator != GENERATOR {
        return Err(Refusal::BadManifest {
            path: manifest_path,
            message: format!("generator is `{}`, not `{GENERATOR}`", manifest.generator),
        });
    }
    let listed: BTreeSet<&str> = manifest.files.iter().map(String::as_str).collect();
    let unlisted: Vec<&String> = found.iter().filter(|f| !listed.contains(f.as_str())).collect();
    if let Some(first) = unlisted.first() {
        return Err(Refusal::Unlisted {
            dir: dir.to_path_buf(),
            count: unlisted.len(),
            example: (*first).clone(),
        });
    }
    Ok(())
}

/// Every non-directory entry below `root/rel`, as `/`-separated relative paths; symlinks are
/// entries (never followed).
fn walk(root: &Path, rel: &Path, out: &mut Vec<String>) -> Result<(), Refusal> {
    let here = root.join(rel);
    let entries =
        fs::read_dir(&here).map_err(|source| Refusal::Io { path: here.clone(), source })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Refusal::Io { path: here.clone(), source })?;
        names.push(entry.file_name());
    }
    names.sort();
    for name in names {
        let child = rel.join(&name);
        let full = root.join(&child);
        let meta = fs::symlink_metadata(&full)
            .map_err(|source| Refusal::Io { path: full.clone(), source })?;
        if meta.is_dir() {
            walk(root, &child, out)?;
        } else {
            let text: Vec<String> =
                child.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push(text.join("/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("nag2prom-outdir-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    #[test]
    fn missing_and_empty_directories_are_accepted() {
        let dir = scratch("empty");
        assert!(check(&dir.join("new"), &[]).is_ok());
        assert!(check(&dir, &[]).is_ok());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn foreign_content_and_files_are_refused() {
        let dir = scratch("foreign");
        fs::write(dir.join("alertmanager.yml"), "x").expect("write");
        assert!(matches!(check(&dir, &[]), Err(Refusal::Foreign { .. })));
        assert!(matches!(
            check(&dir.join("alertmanager.yml"), &[]),
            Err(Refusal::NotADirectory(_))
        ));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn earlier_output_is_accepted_unless_something_was_added() {
        let dir = scratch("earlier");
        fs::create_dir_all(dir.join("rules")).expect("mkdir");
        fs::write(dir.join("rules/a.yml"), "x").expect("write");
        let manifest = Manifest::of(["rules/a.yml"]);
        fs::write(dir.join(MANIFEST), serde_json::to_vec(&manifest).expect("json")).expect("write");
        assert!(check(&dir, &[]).is_ok());
        fs::write(dir.join("rules/mine.yml"), "hand-written").expect("write");
        let err = check(&dir, &[]).expect_err("unlisted file");
        assert!(err.to_string().contains("rules/mine.yml"), "{err}");
        fs::write(dir.join(MANIFEST), "{").expect("write");
        assert!(matches!(check(&dir, &[]), Err(Refusal::BadManifest { .. })));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn inputs_are_never_an_output() {
        let dir = scratch("inputs");
        let cfg = dir.join("nagios.cfg");
        fs::write(&cfg, "cfg_dir=objects\n").expect("write");
        fs::create_dir_all(dir.join("objects")).expect("mkdir");
        let inputs = vec![cfg.clone(), dir.join("objects")];
        let relation = |out: &Path| match check(out, &inputs) {
            Err(Refusal::Input { relation, .. }) => relation,
            other => panic!("{other:?}"),
        };
        assert_eq!(relation(&dir), "contains");
        assert_eq!(relation(&dir.join("objects")), "is");
        assert_eq!(relation(&dir.join("objects/prom")), "lies inside");
        assert_eq!(relation(&dir.join("objects/../objects/./x")), "lies inside");
        assert_eq!(relation(&cfg), "is");
        assert!(check(&dir.join("prom"), &inputs).is_ok());
        let _ = fs::remove_dir_all(&dir);
    }
}
