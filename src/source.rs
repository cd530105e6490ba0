//! The front end's only I/O: read `nagios.cfg`, then every object file it names (`cfg_file`,
//! `cfg_dir`, and the `include_file`/`include_dir` statements inside object files) and every
//! `resource_file`, in the order Nagios 4 reads them, and keep their bytes for the parsers and
//! for diagnostics.
//!
//! Rules (spec §2): relative `cfg_file`/`cfg_dir`/`resource_file` paths are relative to the
//! directory of `nagios.cfg` (M6); `cfg_dir` is recursive, skips entries starting with `.`,
//! follows symbolic links and takes regular files whose name ends in exactly `.cfg` and is longer
//! than four bytes (M8), in directory order (`readdir`, as Nagios; not sorted); a file reached
//! twice is read twice (M9), which later shows up as duplicate definitions. Relative
//! `include_file`/`include_dir` paths are relative to the working directory, as in Nagios (L12).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use nag2prom_parsers::object::{self, Mode, ObjectFile};
use nag2prom_parsers::span::Span;
use nag2prom_parsers::{main_cfg, resource};

use crate::diag::{Code, Diagnostic};
pub use crate::sourcedb::{FileId, FileRole, SourceDb, SourceFile};

/// Failure to read the main configuration file itself (a usage or I/O error, not a config
/// error).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// `nagios.cfg` could not be read.
    #[error("cannot read main configuration file {path}")]
    Main {
        /// The path given.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// What the rest of nag2prom takes from `nagios.cfg`, read once at load (owned: the parsed
/// file borrows from its bytes). Without a `nagios.cfg`, Nagios' built-in defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MainSettings {
    /// `status_file`, as written.
    pub status_file: Option<String>,
    /// `interval_length` as Nagios reads it (60 when absent).
    pub interval_length: i64,
    /// `use_regexp_matching`.
    pub use_regexp_matching: bool,
    /// `use_true_regexp_matching`.
    pub use_true_regexp_matching: bool,
    /// `allow_empty_hostgroup_assignment`: 2 (Nagios' built-in "warn") unless configured,
    /// else 0 or 1.
    pub allow_empty_hostgroup_assignment: u8,
    /// `illegal_object_name_chars`.
    pub illegal_object_name_chars: Option<String>,
}

impl Default for MainSettings {
    fn default() -> Self {
        MainSettings {
            status_file: None,
            interval_length: 60,
            use_regexp_matching: false,
            use_true_regexp_matching: false,
            allow_empty_hostgroup_assignment: 2,
            illegal_object_name_chars: None,
        }
    }
}

impl MainSettings {
    fn of(config: &main_cfg::MainConfig<'_>) -> MainSettings {
        let mut settings = MainSettings {
            status_file: config.status_file().map(str::to_owned),
            interval_length: config.interval_length(),
            use_regexp_matching: config.use_regexp_matching(),
            use_true_regexp_matching: config.use_true_regexp_matching(),
            illegal_object_name_chars: config.illegal_object_name_chars().map(str::to_owned),
            ..MainSettings::default()
        };
        if config.get("allow_empty_hostgroup_assignment").is_some() {
            settings.allow_empty_hostgroup_assignment =
                config.allow_empty_hostgroup_assignment().min(1);
        }
        settings
    }
}

/// An installation's files as Nagios would read them.
#[derive(Debug, Default)]
pub struct Installation {
    /// Every file read.
    pub db: SourceDb,
    /// The main configuration file, when one was given.
    pub main: Option<FileId>,
    /// The settings of the main configuration file that nag2prom uses.
    pub settings: MainSettings,
    /// Object files in reading order (a file reached twice appears twice).
    pub object_files: Vec<FileId>,
    /// Resource files in reading order.
    pub resource_files: Vec<FileId>,
    /// Problems found while reading and parsing.
    pub diagnostics: Vec<Diagnostic>,
}

/// How deep `include_file` / `include_dir` / `cfg_dir` may nest before we call it a loop.
const MAX_NESTING: usize = 64;

impl Installation {
    /// Read `nagios.cfg` and everything it names. An unreadable `nagios.cfg` is an `Err`;
    /// everything else becomes a diagnostic.
    pub fn load(main_path: &Path) -> Result<Installation, LoadError> {
        let bytes = fs::read(main_path)
            .map_err(|source| LoadError::Main { path: main_path.to_path_buf(), source })?;
        let mut inst = Installation::default();
        let main = inst.db.add(main_path.to_path_buf(), FileRole::Main, bytes);
        inst.main = Some(main);
        let base = main_path.parent().map(Path::to_path_buf).unwrap_or_default();

        // Parse the main file and copy out what we need before reading more files.
        let (sources, resources) = {
            let Some(file) = inst.db.file(main) else { return Ok(inst) };
            let config = main_cfg::parse_main_cfg(&file.bytes);
            for error in &config.errors {
                inst.diagnostics.push(Diagnostic::from_parser(main, error));
            }
            inst.settings = MainSettings::of(&config);
            let sources: Vec<(bool, String, Span)> = config
                .object_sources()
                .into_iter()
                .map(|s| (s.kind == main_cfg::ObjectSourceKind::Dir, s.path.to_owned(), s.span))
                .collect();
            let resources: Vec<(String, Span)> =
                config.resource_files().map(|e| (e.value.to_string(), e.value_span)).collect();
            (sources, resources)
        };

        for (path, span) in resources {
            let full = base.join(&path);
            match fs::read(&full) {
                Ok(bytes) => {
                    let id = inst.db.add(full, FileRole::Resource, bytes);
                    inst.resource_files.push(id);
                    if let Some(file) = inst.db.file(id) {
                        for error in &resource::parse_resource(&file.bytes).errors {
                            inst.diagnostics.push(Diagnostic::from_parser(id, error));
                        }
                    }
                }
                Err(err) => inst.diagnostics.push(Diagnostic::new(
                    Code::UnreadableFile,
                    main,
                    span,
                    format!("cannot read resource file {}: {err}", full.display()),
                )),
            }
        }
        for (is_dir, path, span) in sources {
            let full = base.join(path.trim_end_matches('/'));
            inst.read_source(full, is_dir, Some((main, span)), 0);
        }
        Ok(inst)
    }

    /// Read object files and directories named directly (without, or besides, a
    /// `nagios.cfg`): each path is a file or a directory read like `cfg_dir`.
    pub fn read_object_paths(&mut self, paths: &[PathBuf]) {
        for path in paths {
            self.read_source(path.clone(), path.is_dir(), None, 0);
        }
    }

    /// An object file, or a directory read like `cfg_dir` (a fresh loop guard per named
    /// directory), named at `origin`.
    fn read_source(
        &mut self,
        path: PathBuf,
        is_dir: bool,
        origin: Option<(FileId, Span)>,
        depth: usize,
    ) {
        if is_dir {
            let mut visited = HashSet::new();
            self.read_dir(&path, origin, depth, &mut visited);
        } else {
            self.read_object_file(path, origin, depth);
        }
    }

    fn unreadable(&mut self, origin: Option<(FileId, Span)>, message: String) {
        match origin {
            Some((file, span)) => {
                self.diagnostics.push(Diagnostic::new(Code::UnreadableFile, file, span, message));
            }
            None => {
                self.diagnostics.push(Diagnostic::without_location(Code::UnreadableFile, message))
            }
        }
    }

    /// `xodtemplate_process_config_dir`: recursive, readdir order, `.cfg` only.
    fn read_dir(
        &mut self,
        dir: &Path,
        origin: Option<(FileId, Span)>,
        depth: usize,
        visited: &mut HashSet<PathBuf>,
    ) {
        if depth > MAX_NESTING {
            self.unreadable(
                origin,
                format!("directory nesting deeper than {MAX_NESTING} levels at {}", dir.display()),
            );
            return;
        }
        // Symbolic links are followed, so guard against loops: `visited` holds the canonical
        // paths of the directories being read (the ancestors), not every directory seen.
        let canonical = fs::canonicalize(dir).ok();
        if let Some(canonical) = &canonical
            && !visited.insert(canonical.clone())
        {
            self.unreadable(
                origin,
                format!("directory loop through symbolic links at {}", dir.display()),
            );
            return;
        }
        self.read_dir_entries(dir, origin, depth, visited);
        if let Some(canonical) = &canonical {
            visited.remove(canonical);
        }
    }

    fn read_dir_entries(
        &mut self,
        dir: &Path,
        origin: Option<(FileId, Span)>,
        depth: usize,
        visited: &mut HashSet<PathBuf>,
    ) {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) => {
                self.unreadable(
                    origin,
                    format!("cannot open config directory {}: {err}", dir.display()),
                );
                return;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    self.unreadable(
                        origin,
                        format!("cannot list config directory {}: {err}", dir.display()),
                    );
                    return;
                }
            };
            let name = entry.file_name();
            let name_bytes = name.as_encoded_bytes();
            if name_bytes.first() == Some(&b'.') {
                continue;
            }
            let path = entry.path();
            let metadata = match fs::metadata(&path) {
                Ok(metadata) => metadata,
                Err(err) => {
                    self.unreadable(
                        origin,
                        format!("cannot open config directory member {}: {err}", path.display()),
                    );
                    return;
                }
            };
            if metadata.is_file() {
                if name_bytes.len() > 4 && name_bytes.ends_with(b".cfg") {
                    self.read_object_file(path, origin, depth + 1);
                }
            } else if metadata.is_dir() {
                self.read_dir(&path, origin, depth + 1, visited);
            }
        }
    }

    fn read_object_file(&mut self, path: PathBuf, origin: Option<(FileId, Span)>, depth: usize) {
        if depth > MAX_NESTING {
            self.unreadable(
                origin,
                format!("include nesting deeper than {MAX_NESTING} levels at {}", path.display()),
            );
            return;
        }
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                self.unreadable(
                    origin,
                    format!("cannot open config file {}: {err}", path.display()),
                );
                return;
            }
        };
        let id = self.db.add(path, FileRole::Objects, bytes);
        self.object_files.push(id);
        // Parse now for diagnostics and includes; the model parses again from the same bytes.
        let includes: Vec<(bool, String, Span)> = {
            let Some(file) = self.db.file(id) else { return };
            let parsed: ObjectFile<'_> = object::parse_objects(&file.bytes, Mode::Config);
            for error in &parsed.errors {
                self.diagnostics.push(Diagnostic::from_parser(id, error));
            }
            parsed.includes.iter().map(|i| (i.is_dir, i.path.to_string(), i.span)).collect()
        };
        for (is_dir, include, span) in includes {
            self.read_source(PathBuf::from(include), is_dir, Some((id, span)), depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("nag2prom-source-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn cfg_dir_takes_only_visible_cfg_files_recursively() {
        let dir = temp_dir("cfgdir");
        fs::create_dir_all(dir.join("objects/sub")).unwrap();
        fs::create_dir_all(dir.join("objects/.hidden")).unwrap();
        for name in [
            "objects/a.cfg",
            "objects/sub/b.cfg",
            "objects/.hidden/c.cfg",
            "objects/.d.cfg",
            "objects/e.CFG",
            "objects/f.cfg.bak",
            "objects/.cfg",
        ] {
            fs::write(
                dir.join(name),
                "define command {\n command_name x\n command_line /bin/true\n}\n",
            )
            .unwrap();
        }
        fs::write(dir.join("nagios.cfg"), "cfg_dir=objects/\n").unwrap();
        let inst = Installation::load(&dir.join("nagios.cfg")).unwrap();
        let mut names: Vec<_> = inst
            .object_files
            .iter()
            .map(|id| inst.db.file(*id).unwrap().path.strip_prefix(&dir).unwrap().to_path_buf())
            .collect();
        names.sort();
        assert_eq!(names, [PathBuf::from("objects/a.cfg"), PathBuf::from("objects/sub/b.cfg")]);
        assert!(inst.diagnostics.is_empty(), "{:?}", inst.diagnostics);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_files_are_diagnostics_not_errors() {
        let dir = temp_dir("missing");
        fs::write(
            dir.join("nagios.cfg"),
            "cfg_file=nope.cfg\ncfg_dir=nodir\nresource_file=res.cfg\n",
        )
        .unwrap();
        let inst = Installation::load(&dir.join("nagios.cfg")).unwrap();
        let codes: Vec<_> = inst.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["source/unreadable-file"; 3]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_main_file_is_an_error() {
        assert!(Installation::load(Path::new("/nonexistent/nagios.cfg")).is_err());
    }

    #[test]
    fn include_loops_stop() {
        let dir = temp_dir("loop");
        let file = dir.join("a.cfg");
        fs::write(&file, format!("include_file={}\n", file.display())).unwrap();
        let mut inst = Installation::default();
        inst.read_object_paths(std::slice::from_ref(&file));
        assert!(inst.diagnostics.iter().any(|d| d.message.contains("nesting")));
        fs::remove_dir_all(&dir).unwrap();
    }
}
