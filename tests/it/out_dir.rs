//! `convert --out DIR` never destroys what it did not write: it refuses (exit 2, nothing
//! touched) a DIR that is, contains or lies inside an input, a non-empty DIR without its
//! manifest, an earlier output with files added by hand, and an existing file; it replaces
//! missing, empty and earlier-output directories. Every refusal is checked byte for byte.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{copy_tree, nag2prom, root, text};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nag2prom-outdir-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every path below `dir` with its bytes (directories with none), sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.push((path.clone(), None));
                stack.push(path);
            } else {
                out.push((path.clone(), Some(fs::read(&path).unwrap())));
            }
        }
    }
    out.sort();
    out
}

fn convert(config: &Path, out: &Path) -> std::process::Output {
    nag2prom(&["convert", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()])
}

/// A copy of the demo installation: `(scratch dir, its nagios.cfg)`.
fn demo(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    copy_tree(&root().join("examples/demo"), &dir.join("nagios"));
    let cfg = dir.join("nagios/nagios.cfg");
    (dir, cfg)
}

/// `--out` is refused with exit 2, a reason naming `why`, and not one byte changes anywhere
/// in the scratch directory.
fn refused(dir: &Path, cfg: &Path, out: &Path, why: &str) {
    let before = snapshot(dir);
    let run = convert(cfg, out);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("refusing --out") && stderr.contains(why), "{why}: {stderr}");
    assert!(snapshot(dir) == before, "--out {} changed files", out.display());
}

#[test]
fn out_never_replaces_an_input() {
    let (dir, cfg) = demo("inputs");
    let nagios = dir.join("nagios");
    // The configuration directory itself, by two spellings, and the working directory.
    refused(&dir, &cfg, &nagios, "contains");
    refused(&dir, &cfg, &nagios.join("objects/.."), "contains");
    refused(&dir, &cfg, &dir, "contains");
    // cfg_dir, a directory inside it, the resource file, status.dat and nagios.cfg itself.
    refused(&dir, &cfg, &nagios.join("objects"), "is");
    refused(&dir, &cfg, &nagios.join("objects/prom"), "lies inside");
    refused(&dir, &cfg, &nagios.join("resource.cfg"), "resource.cfg");
    refused(&dir, &cfg, &nagios.join("var/status.dat"), "status.dat");
    refused(&dir, &cfg, &cfg, "nagios.cfg");
    // A symlink to the configuration directory is the same directory.
    std::os::unix::fs::symlink(&nagios, dir.join("link")).unwrap();
    refused(&dir, &cfg, &dir.join("link"), "contains");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn out_never_empties_a_foreign_directory_or_replaces_a_file() {
    let (dir, cfg) = demo("foreign");
    let precious = dir.join("precious");
    fs::create_dir_all(precious.join("sub")).unwrap();
    fs::write(precious.join("alertmanager.yml"), "route: {}\n").unwrap();
    fs::write(precious.join("sub/notes.txt"), "mine").unwrap();
    refused(&dir, &cfg, &precious, "not an earlier nag2prom output");
    let file = dir.join("file.txt");
    fs::write(&file, "keep").unwrap();
    refused(&dir, &cfg, &file, "not a directory");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn out_replaces_missing_empty_and_earlier_outputs_only() {
    let (dir, cfg) = demo("earlier");
    let out = dir.join("prom");
    // Missing, then an earlier output: both replaced, the manifest lists every file.
    for _ in 0..2 {
        let run = convert(&cfg, &out);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("nag2prom-manifest.json")).unwrap()).unwrap();
    let listed: Vec<&str> =
        manifest["files"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    let written: Vec<String> = snapshot(&out)
        .into_iter()
        .filter(|(_, bytes)| bytes.is_some())
        .map(|(p, _)| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned())
        .collect();
    let mut written_sorted = written.clone();
    written_sorted.sort();
    assert_eq!(listed, written_sorted, "the manifest lists exactly what was written");
    assert!(listed.contains(&"rules/meta.yml") && listed.contains(&"prometheus.yml"));
    // A file added by hand to the earlier output: refused, the added file kept.
    fs::write(out.join("rules/mine.yml"), "groups: []\n").unwrap();
    refused(&dir, &cfg, &out, "rules/mine.yml");
    fs::remove_file(out.join("rules/mine.yml")).unwrap();
    // An empty directory is fine.
    let empty = dir.join("empty");
    fs::create_dir_all(&empty).unwrap();
    let run = convert(&cfg, &empty);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    fs::remove_dir_all(&dir).unwrap();
}
