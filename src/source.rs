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
//! `include_file`/`include_dir` paths in object files are relative to the working directory, as
//! in Nagios (L12).
//!
//! Also read here, so that this is the only reader of configuration files: Naemon's
//! `include_file`/`include_dir` in the main configuration (more main-configuration lines, read
//! where they stand, relative to the directory of `nagios.cfg`; Nagios 4.4.6 refuses them, which
//! [`Target`] decides how to report), what `nagios4 -v` checks on the machine it runs on
//! ([`LoadOptions::machine_checks`]), and NRPE's `nrpe.cfg` with its includes ([`load_nrpe`]).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use nag2prom_parsers::object::{self, Mode, ObjectFile};
use nag2prom_parsers::span::Span;
use nag2prom_parsers::{main_cfg, nrpe, resource};

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
    /// An `nrpe.cfg` given on the command line could not be read.
    #[error("cannot read NRPE configuration file {path}")]
    Nrpe {
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
    /// `illegal_macro_output_chars` (Nagios warns when it is not set).
    pub illegal_macro_output_chars: Option<String>,
    /// The commands `nagios.cfg` names (`global_host_event_handler`,
    /// `global_service_event_handler`, `ocsp_command`, `ochp_command`; the last line of each),
    /// which Nagios' pre-flight check looks up.
    pub commands: Vec<MainCommand>,
}

/// A command named by a `nagios.cfg` variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MainCommand {
    /// The variable, e.g. `global_host_event_handler`.
    pub variable: &'static str,
    /// Its value, `name!arguments`.
    pub value: String,
    /// Where the value is written.
    pub file: FileId,
    /// Span of the value.
    pub span: Span,
}

/// The `nagios.cfg` variables whose value is a command.
const COMMAND_VARIABLES: [&str; 4] =
    ["global_host_event_handler", "global_service_event_handler", "ocsp_command", "ochp_command"];

impl Default for MainSettings {
    fn default() -> Self {
        MainSettings {
            status_file: None,
            interval_length: 60,
            use_regexp_matching: false,
            use_true_regexp_matching: false,
            allow_empty_hostgroup_assignment: 2,
            illegal_object_name_chars: None,
            illegal_macro_output_chars: None,
            commands: Vec::new(),
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
            illegal_macro_output_chars: config.illegal_macro_output_chars().map(str::to_owned),
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

/// The core whose rules decide what is refused (`nag2prom check --target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// Nagios Core 4.4.6: unknown main-configuration variables (Naemon's `include_file` /
    /// `include_dir` among them) are errors, as `nagios4 -v` refuses them.
    #[default]
    Nagios,
    /// Naemon: its `include_file` / `include_dir` are fine; other names Nagios 4.4.6 does not
    /// know are warnings (nag2prom has no table of Naemon's own names).
    Naemon,
    /// Icinga 1: names Nagios 4.4.6 does not know are warnings.
    Icinga,
}

/// How to load an installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoadOptions {
    /// The core to judge the configuration for; `None` reads any of them and only warns about
    /// what one core refuses and another accepts (what `objects`, `convert` and `serve` do).
    pub target: Option<Target>,
    /// Also check what `nagios4 -v` checks on the machine it runs on: `temp_path` and
    /// `check_result_path` are directories this process can write to. Only for
    /// [`Target::Nagios`] and a `nagios.cfg`.
    pub machine_checks: bool,
}

/// One `name=value` line of the main configuration, from `nagios.cfg` or a file Naemon's
/// `include_file` / `include_dir` brought in, in reading order.
struct MainLine {
    file: FileId,
    entry: main_cfg::Entry<'static>,
}

fn owned_entry(entry: &main_cfg::Entry<'_>) -> main_cfg::Entry<'static> {
    main_cfg::Entry {
        name: std::borrow::Cow::Owned(entry.name.to_string()),
        name_span: entry.name_span,
        value: std::borrow::Cow::Owned(entry.value.to_string()),
        value_span: entry.value_span,
    }
}

/// A main-configuration problem as `target` sees it: unknown names are errors for Nagios
/// only, and Naemon's includes are no problem for Naemon. `None` when there is nothing to say.
fn main_cfg_diagnostic(
    file: FileId,
    error: &main_cfg::MainCfgError,
    target: Option<Target>,
) -> Option<Diagnostic> {
    use main_cfg::MainCfgErrorKind as K;
    let mut diagnostic = Diagnostic::from_parser(file, error);
    match (&error.kind, target) {
        (K::UnknownVariable(_) | K::NaemonInclude(_), Some(Target::Nagios)) => {}
        (K::NaemonInclude(_), Some(Target::Naemon)) => return None,
        (K::UnknownVariable(_) | K::NaemonInclude(_), Some(target)) => {
            diagnostic.severity = nag2prom_parsers::Severity::Warning;
            diagnostic.message.push_str(&format!(
                "; only a warning for --target {}, whose own variable names nag2prom does not check",
                target.name()
            ));
        }
        (K::UnknownVariable(_) | K::NaemonInclude(_), None) => {
            diagnostic.severity = nag2prom_parsers::Severity::Warning;
            diagnostic.message.push_str(
                "; a warning here, an error for `nag2prom check` unless --target naemon or icinga",
            );
        }
        _ => {}
    }
    Some(diagnostic)
}

impl Target {
    /// The name `--target` takes.
    pub fn name(self) -> &'static str {
        match self {
            Target::Nagios => "nagios",
            Target::Naemon => "naemon",
            Target::Icinga => "icinga",
        }
    }
}

impl Installation {
    /// Read `nagios.cfg` and everything it names, for any core ([`LoadOptions::default`]).
    /// An unreadable `nagios.cfg` is an `Err`; everything else becomes a diagnostic.
    pub fn load(main_path: &Path) -> Result<Installation, LoadError> {
        Installation::load_with(main_path, &LoadOptions::default())
    }

    /// Read `nagios.cfg` and everything it names, judged for `options.target`. An unreadable
    /// `nagios.cfg` is an `Err`; everything else becomes a diagnostic.
    pub fn load_with(main_path: &Path, options: &LoadOptions) -> Result<Installation, LoadError> {
        let bytes = fs::read(main_path)
            .map_err(|source| LoadError::Main { path: main_path.to_path_buf(), source })?;
        let mut inst = Installation::default();
        let main = inst.db.add(main_path.to_path_buf(), FileRole::Main, bytes);
        inst.main = Some(main);
        let base = main_path.parent().map(Path::to_path_buf).unwrap_or_default();

        let mut lines = Vec::new();
        let mut included = HashSet::new();
        inst.read_main_lines(main, &base, options.target, &mut included, &mut lines, 0);
        let settings = main_cfg::MainConfig {
            entries: lines.iter().map(|l| l.entry.clone()).collect(),
            errors: Vec::new(),
        };
        inst.settings = MainSettings::of(&settings);
        for variable in COMMAND_VARIABLES {
            if let Some(line) = lines.iter().rev().find(|l| l.entry.name == variable) {
                inst.settings.commands.push(MainCommand {
                    variable,
                    value: line.entry.value.to_string(),
                    file: line.file,
                    span: line.entry.value_span,
                });
            }
        }

        for line in lines.iter().filter(|l| l.entry.name == "resource_file") {
            let full = base.join(&*line.entry.value);
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
                    line.file,
                    line.entry.value_span,
                    format!("cannot read resource file {}: {err}", full.display()),
                )),
            }
        }
        if options.machine_checks && options.target == Some(Target::Nagios) {
            inst.check_machine(&lines, &base);
        }
        for line in &lines {
            let is_dir = match &*line.entry.name {
                "cfg_file" => false,
                "cfg_dir" => true,
                _ => continue,
            };
            let full = base.join(line.entry.value.trim_end_matches('/'));
            inst.read_source(full, is_dir, Some((line.file, line.entry.value_span)), 0);
        }
        Ok(inst)
    }

    /// Parse main-configuration file `file` and append its lines to `lines`, reading the files
    /// its `include_file` / `include_dir` name where they stand, as Naemon does: relative to the
    /// directory of `nagios.cfg` (`base`), each file or directory at most once, a directory's
    /// `*.cfg` files (not hidden, not recursive) in readdir order.
    fn read_main_lines(
        &mut self,
        file: FileId,
        base: &Path,
        target: Option<Target>,
        included: &mut HashSet<PathBuf>,
        lines: &mut Vec<MainLine>,
        depth: usize,
    ) {
        let entries: Vec<main_cfg::Entry<'static>> = {
            let Some(source) = self.db.file(file) else { return };
            let config = main_cfg::parse_main_cfg(&source.bytes);
            for error in &config.errors {
                if let Some(d) = main_cfg_diagnostic(file, error, target) {
                    self.diagnostics.push(d);
                }
            }
            config.entries.iter().map(owned_entry).collect()
        };
        for entry in entries {
            let Some(include) = main_cfg::include_of(&entry) else {
                lines.push(MainLine { file, entry });
                continue;
            };
            let origin = (file, include.span);
            let full = base.join(include.path);
            if depth >= MAX_NESTING {
                self.unreadable(
                    Some(origin),
                    format!(
                        "include nesting deeper than {MAX_NESTING} levels at {}",
                        full.display()
                    ),
                );
                continue;
            }
            if !included.insert(full.clone()) {
                self.diagnostics.push(Diagnostic::new(
                    Code::RepeatedInclude,
                    file,
                    include.span,
                    format!("{} is included more than once: Naemon refuses it", full.display()),
                ));
                continue;
            }
            let files = match include.kind {
                main_cfg::ObjectSourceKind::File => vec![full],
                main_cfg::ObjectSourceKind::Dir => match main_cfg_dir_files(&full) {
                    Ok(files) => files,
                    Err(err) => {
                        self.unreadable(
                            Some(origin),
                            format!(
                                "cannot open sub-configuration directory {}: {err}",
                                full.display()
                            ),
                        );
                        continue;
                    }
                },
            };
            for path in files {
                match fs::read(&path) {
                    Ok(bytes) => {
                        let id = self.db.add(path, FileRole::Main, bytes);
                        self.read_main_lines(id, base, target, included, lines, depth + 1);
                    }
                    Err(err) => self.unreadable(
                        Some(origin),
                        format!("cannot read main configuration file {}: {err}", path.display()),
                    ),
                }
            }
        }
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
        // The members in readdir order, then read: runs of object files are read and parsed
        // on two threads, and added in order, each followed by what it includes.
        let mut members = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    members.push(Member::Unreadable(format!(
                        "cannot list config directory {}: {err}",
                        dir.display()
                    )));
                    break;
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
                    members.push(Member::Unreadable(format!(
                        "cannot open config directory member {}: {err}",
                        path.display()
                    )));
                    break;
                }
            };
            if metadata.is_file() {
                if name_bytes.len() > 4 && name_bytes.ends_with(b".cfg") {
                    members.push(Member::File(path));
                }
            } else if metadata.is_dir() {
                members.push(Member::Dir(path));
            }
        }
        let mut members = members.into_iter().peekable();
        while let Some(member) = members.next() {
            match member {
                Member::File(path) => {
                    let mut run = vec![path];
                    while let Some(Member::File(_)) = members.peek() {
                        if let Some(Member::File(path)) = members.next() {
                            run.push(path);
                        }
                    }
                    if depth + 1 > MAX_NESTING {
                        for path in run {
                            self.read_object_file(path, origin, depth + 1);
                        }
                        continue;
                    }
                    let loaded = load_object_files(&run);
                    for (path, loaded) in run.into_iter().zip(loaded) {
                        self.add_object_file(path, loaded, origin, depth + 1);
                    }
                }
                Member::Dir(path) => self.read_dir(&path, origin, depth + 1, visited),
                Member::Unreadable(message) => self.unreadable(origin, message),
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
        let loaded = load_object_file(&path);
        self.add_object_file(path, loaded, origin, depth);
    }

    /// Add a read object file, report its parse errors, then read what it includes.
    fn add_object_file(
        &mut self,
        path: PathBuf,
        loaded: std::io::Result<LoadedObjects>,
        origin: Option<(FileId, Span)>,
        depth: usize,
    ) {
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(err) => {
                self.unreadable(
                    origin,
                    format!("cannot open config file {}: {err}", path.display()),
                );
                return;
            }
        };
        // Parsed for diagnostics and includes; the model parses again from the same bytes.
        let id = self.db.add(path, FileRole::Objects, loaded.bytes);
        self.object_files.push(id);
        for error in &loaded.errors {
            self.diagnostics.push(Diagnostic::from_parser(id, error));
        }
        for (is_dir, include, span) in loaded.includes {
            self.read_source(PathBuf::from(include), is_dir, Some((id, span)), depth + 1);
        }
    }
}

/// A member of a configuration directory, in readdir order.
enum Member {
    /// A `.cfg` file.
    File(PathBuf),
    /// A subdirectory.
    Dir(PathBuf),
    /// What stops the directory's reading there.
    Unreadable(String),
}

/// An object file read and parsed, before it is added to the database.
struct LoadedObjects {
    bytes: Vec<u8>,
    errors: Vec<object::ObjectError>,
    /// `(is_dir, path, span)` of its `include_file=` / `include_dir=` lines.
    includes: Vec<(bool, String, Span)>,
}

/// Read and parse one object file.
fn load_object_file(path: &Path) -> std::io::Result<LoadedObjects> {
    let bytes = fs::read(path)?;
    let parsed = errors_and_includes(&bytes);
    let includes = parsed.includes.iter().map(|i| (i.is_dir, i.path.to_string(), i.span)).collect();
    let errors = parsed.errors;
    Ok(LoadedObjects { bytes, errors, includes })
}

/// [`load_object_file`] of each of `paths`, in order; with two cores and several files, the
/// second half on a second thread.
fn load_object_files(paths: &[PathBuf]) -> Vec<std::io::Result<LoadedObjects>> {
    let two_cores = std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    if !two_cores || paths.len() < PARALLEL_MIN_FILES {
        return paths.iter().map(|p| load_object_file(p)).collect();
    }
    let (head, tail) = paths.split_at(paths.len() / 2);
    let (mut first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| tail.iter().map(|p| load_object_file(p)).collect::<Vec<_>>());
        (head.iter().map(|p| load_object_file(p)).collect::<Vec<_>>(), second.join())
    });
    first.extend(second.unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
    first
}

/// A directory run of at least this many object files is read on two threads.
const PARALLEL_MIN_FILES: usize = 8;

/// An object file parsed for its errors and includes. A large file is parsed in two parts on
/// two threads, cut at a [`object::split_point`]; when the first part ends inside a
/// definition (where the whole parse would report the second part's `define` line
/// differently) the whole file is parsed again on one, so the result is always the whole
/// parse's.
fn errors_and_includes(bytes: &[u8]) -> ObjectFile<'_> {
    let two_cores = std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    let cut = (two_cores && bytes.len() >= PARALLEL_PARSE_BYTES)
        .then(|| object::split_point(bytes, bytes.len() / 2))
        .flatten();
    let Some(cut) = cut else { return problems(bytes, 0..bytes.len()) };
    let (mut head, tail) = std::thread::scope(|scope| {
        let tail = scope.spawn(|| problems(bytes, cut..bytes.len()));
        (problems(bytes, 0..cut), tail.join())
    });
    let tail = tail.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    if head.definitions.last().is_some_and(|d| !d.closed) {
        return problems(bytes, 0..bytes.len());
    }
    head.definitions.extend(tail.definitions);
    head.includes.extend(tail.includes);
    head.errors.extend(tail.errors);
    head
}

/// The part `range` of an object file parsed for its problems and includes only: the model
/// reads the definitions again ([`crate::model::raw`]), so this parse builds none of their
/// directives.
fn problems(bytes: &[u8], range: std::ops::Range<usize>) -> ObjectFile<'_> {
    object::parse_objects_keeping(bytes, range, Mode::Config, object::Keep::Problems)
}

/// Object files at least this large are parsed in two parts on two threads.
const PARALLEL_PARSE_BYTES: usize = 1 << 20;

/// Where Debian's `nagios4` (4.4.6) puts check results when `nagios.cfg` sets no
/// `check_result_path` (`DEFAULT_CHECK_RESULT_PATH` of its build); `nagios4 -v` checks it is
/// writable.
pub const DEFAULT_CHECK_RESULT_PATH: &str = "/var/lib/nagios4/spool/checkresults";

/// A path variable as `nspath_absolute` makes it (relative to the directory of `nagios.cfg`),
/// with the one trailing `/` Nagios removes.
fn nagios_path(base: &Path, value: &str) -> PathBuf {
    let value = value.strip_suffix('/').filter(|v| !v.is_empty()).unwrap_or(value);
    base.join(value)
}

/// Whether this process can create a file in `dir`, as Nagios' `mkstemp` probe does (the
/// file is removed at once).
fn probe_write(dir: &Path) -> std::io::Result<()> {
    let mut last = None;
    for n in 0..16u32 {
        let probe = dir.join(format!("nag2prom-check-{}-{n}", std::process::id()));
        match fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
            Ok(file) => {
                drop(file);
                return fs::remove_file(&probe);
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => last = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free probe name")))
}

const MACHINE_NOTE: &str = "checked on this machine; --no-machine-checks skips it";

/// Who `nagios4 -v` writes its probe files as: started as root, it first switches to
/// `nagios_user` / `nagios_group` (`drop_privileges`, default `nagios` in Debian's build) and
/// their supplementary groups.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Credentials {
    user: String,
    uid: u32,
    gids: Vec<u32>,
}

/// The credentials Nagios would write with, when nag2prom runs as root and they are not
/// root's (else the probe as this process is the answer). Started as root, Nagios switches to
/// `nagios_user` / `nagios_group` before its pre-flight check and stops when either is not an
/// account here: those are reported to `diagnostics`. Users and groups come from `/etc/passwd`
/// and `/etc/group`.
#[cfg(unix)]
fn nagios_credentials(
    lines: &[MainLine],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Credentials> {
    use std::os::unix::fs::MetadataExt;
    // The owner of /proc/self is this process' effective user.
    if fs::metadata("/proc/self").ok()?.uid() != 0 {
        return None;
    }
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    let groups = fs::read_to_string("/etc/group").unwrap_or_default();
    let mut names = Vec::new();
    for (variable, table, table_path) in
        [("nagios_user", &passwd, "/etc/passwd"), ("nagios_group", &groups, "/etc/group")]
    {
        let line = lines.iter().rev().find(|l| l.entry.name == variable);
        let name = line.map_or("nagios", |l| &*l.entry.value);
        let numeric = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit());
        if !numeric && !table.lines().any(|l| l.split(':').next() == Some(name)) {
            let set = if line.is_some() { "" } else { " (not set: Nagios' default)" };
            let message = format!(
                "{variable} `{name}`{set} is not in {table_path}: Nagios started as root cannot switch to it and stops (\"Failed to drop privileges\") ({MACHINE_NOTE})"
            );
            diagnostics.push(match line {
                Some(l) => {
                    Diagnostic::new(Code::UnknownNagiosUser, l.file, l.entry.value_span, message)
                }
                None => Diagnostic::without_location(Code::UnknownNagiosUser, message),
            });
        }
        names.push(name.to_owned());
    }
    let (user, group) = (names.first()?, names.get(1)?);
    credentials_from(user, group, &passwd, &groups).filter(|c| c.uid != 0)
}

#[cfg(not(unix))]
fn nagios_credentials(
    _lines: &[MainLine],
    _diagnostics: &mut Vec<Diagnostic>,
) -> Option<Credentials> {
    None
}

/// `drop_privileges` on the text of `/etc/passwd` and `/etc/group`: a numeric user or group
/// is an id; a name is looked up. The groups are the group's id and every group listing the
/// user as a member (`initgroups`).
fn credentials_from(user: &str, group: &str, passwd: &str, groups: &str) -> Option<Credentials> {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let field = |table: &str, name: &str, index: usize| {
        table.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.first() == Some(&name) {
                fields.get(index)?.parse::<u32>().ok()
            } else {
                None
            }
        })
    };
    let uid = if numeric(user) { user.parse().ok()? } else { field(passwd, user, 2)? };
    let gid = if numeric(group) { group.parse().ok()? } else { field(groups, group, 2)? };
    let mut gids = vec![gid];
    for line in groups.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        let member = fields.get(3).is_some_and(|m| m.split(',').any(|m| m == user));
        if let (true, Some(id)) = (member, fields.get(2).and_then(|g| g.parse().ok())) {
            gids.push(id);
        }
    }
    Some(Credentials { user: user.to_owned(), uid, gids })
}

/// Whether `credentials` may create a file in `dir`: search permission on every directory
/// above it, write and search on it, by the owner, group or other bits (ACLs are not read).
#[cfg(unix)]
fn may_write_as(dir: &Path, credentials: &Credentials) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let canonical = fs::canonicalize(dir).map_err(|e| e.to_string())?;
    for ancestor in canonical.ancestors() {
        let metadata = fs::metadata(ancestor).map_err(|e| e.to_string())?;
        let mode = metadata.mode();
        let bits = if metadata.uid() == credentials.uid {
            mode >> 6
        } else if credentials.gids.contains(&metadata.gid()) {
            mode >> 3
        } else {
            mode
        } & 0o7;
        let needed = if ancestor == canonical { 0o3 } else { 0o1 };
        if bits & needed != needed {
            return Err(format!(
                "permission denied to user `{}` (Nagios started as root writes as nagios_user) at {}",
                credentials.user,
                ancestor.display()
            ));
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn may_write_as(_dir: &Path, _credentials: &Credentials) -> Result<(), String> {
    Ok(())
}

impl Installation {
    /// What `nagios4 -v` verifies on the machine it runs on (`read_main_config_file` and
    /// `pre_flight_check`): every `check_result_path` opens as a directory; `temp_path` (else
    /// `$TMPDIR`, `$TMP`, `/tmp`) opens as a directory; both (check results at
    /// [`DEFAULT_CHECK_RESULT_PATH`] when unset) take a new file, written as `nagios_user`
    /// when nag2prom runs as root, as Nagios does.
    fn check_machine(&mut self, lines: &[MainLine], base: &Path) {
        let mut not_dirs = 0;
        let mut check_result = None;
        let mut temp = None;
        for line in lines {
            let name = &*line.entry.name;
            if name != "check_result_path" && name != "temp_path" {
                continue;
            }
            let path = nagios_path(base, &line.entry.value);
            let at = (line.file, line.entry.value_span);
            if name == "temp_path" {
                temp = Some((path, Some(at)));
                continue;
            }
            if let Err(err) = fs::read_dir(&path) {
                not_dirs += 1;
                self.diagnostics.push(Diagnostic::new(
                    Code::PathNotADirectory,
                    at.0,
                    at.1,
                    format!(
                        "check_result_path {} is not a valid directory: {err} ({MACHINE_NOTE})",
                        path.display()
                    ),
                ));
            }
            check_result = Some((path, Some(at)));
        }
        let (temp, temp_at, temp_what) = match temp {
            Some((path, at)) => (path, at, "temp_path".to_owned()),
            None => {
                match ["TMPDIR", "TMP"].iter().find_map(|v| std::env::var_os(v).map(|p| (v, p))) {
                    Some((var, value)) => {
                        let text = value.to_string_lossy().into_owned();
                        (
                            PathBuf::from(text.strip_suffix('/').unwrap_or(&text)),
                            None,
                            format!("temp_path (not set: ${var})"),
                        )
                    }
                    None => {
                        (PathBuf::from("/tmp"), None, "temp_path (not set: the default)".to_owned())
                    }
                }
            }
        };
        if let Err(err) = fs::read_dir(&temp) {
            not_dirs += 1;
            let message = format!(
                "{temp_what} {} is not a valid directory: {err} ({MACHINE_NOTE})",
                temp.display()
            );
            self.diagnostics.push(match temp_at {
                Some((file, span)) => Diagnostic::new(Code::PathNotADirectory, file, span, message),
                None => Diagnostic::without_location(Code::PathNotADirectory, message),
            });
        }
        // Nagios stops at those; the write probes belong to its pre-flight check.
        if not_dirs > 0 {
            return;
        }
        let (check_result, check_result_at, check_result_what) = match check_result {
            Some((path, at)) => (path, at, "check_result_path"),
            None => (
                PathBuf::from(DEFAULT_CHECK_RESULT_PATH),
                None,
                "check_result_path (not set: the default of Debian's nagios4 package)",
            ),
        };
        let before = self.diagnostics.len();
        let credentials = nagios_credentials(lines, &mut self.diagnostics);
        if self.diagnostics.len() > before {
            // Nagios stops when it cannot switch users, before the probes.
            return;
        }
        for (path, at, what) in [
            (temp, temp_at, temp_what.as_str()),
            (check_result, check_result_at, check_result_what),
        ] {
            let denied = probe_write(&path)
                .map_err(|e| e.to_string())
                .and_then(|()| credentials.as_ref().map_or(Ok(()), |c| may_write_as(&path, c)));
            if let Err(err) = denied {
                let message =
                    format!("unable to write to {what} {}: {err} ({MACHINE_NOTE})", path.display());
                self.diagnostics.push(match at {
                    Some((file, span)) => {
                        Diagnostic::new(Code::PathNotWritable, file, span, message)
                    }
                    None => Diagnostic::without_location(Code::PathNotWritable, message),
                });
            }
        }
    }
}

/// The commands of an `nrpe.cfg` as NRPE resolves them, and what was wrong on the way.
#[derive(Debug, Default)]
pub struct NrpeCommands {
    /// `(name, command line)`, one per name: the definition NRPE runs (the last one read), in
    /// the order of those definitions; the command line without its leading blanks (the shell
    /// NRPE runs it with ignores them).
    pub commands: Vec<(String, String)>,
    /// Problems, located in the files added to the [`SourceDb`].
    pub diagnostics: Vec<Diagnostic>,
}

/// A command definition read, before redefinitions are resolved.
struct NrpeDefinition {
    name: String,
    line: String,
    file: FileId,
    span: Span,
}

/// Reads an `nrpe.cfg` and what it includes into a [`SourceDb`].
struct NrpeReader<'db> {
    db: &'db mut SourceDb,
    diagnostics: Vec<Diagnostic>,
    definitions: Vec<NrpeDefinition>,
    /// Canonical paths of the files and directories being read (the include chain).
    chain: Vec<PathBuf>,
}

/// Read the `nrpe.cfg` at `path` as NRPE 4 does (`read_config_file`), following `include=`,
/// `include_file=` and `include_dir=` where they stand (relative paths relative to the working
/// directory, as for NRPE; a directory's `*.cfg` files in sorted order, recursively, hidden
/// directories skipped), with a guard against include loops. The files are added to `db` as
/// [`FileRole::Nrpe`]. Only an unreadable `path` itself is an `Err`; an unreadable include is a
/// warning, as NRPE goes on without it.
pub fn load_nrpe(db: &mut SourceDb, path: &Path) -> Result<NrpeCommands, LoadError> {
    let mut reader =
        NrpeReader { db, diagnostics: Vec::new(), definitions: Vec::new(), chain: Vec::new() };
    let bytes =
        fs::read(path).map_err(|source| LoadError::Nrpe { path: path.to_path_buf(), source })?;
    reader.read_file(path.to_path_buf(), bytes, 0);
    let NrpeReader { db, mut diagnostics, definitions, .. } = reader;

    // NRPE searches its list newest first: the last definition of a name is the one it runs.
    let mut last: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, d) in definitions.iter().enumerate() {
        if let Some(earlier) = last.insert(&d.name, i)
            && let Some(e) = definitions.get(earlier)
        {
            diagnostics.push(Diagnostic::new(
                Code::RedefinedNrpeCommand,
                d.file,
                d.span,
                format!(
                    "command[{}] is defined again: NRPE runs this definition, not the one at {}",
                    d.name,
                    line_of(db, e.file, e.span)
                ),
            ));
        }
    }
    let commands = definitions
        .iter()
        .enumerate()
        .filter(|(i, d)| last.get(d.name.as_str()) == Some(i))
        .map(|(_, d)| (d.name.clone(), d.line.trim_start().to_owned()))
        .collect();
    Ok(NrpeCommands { commands, diagnostics })
}

/// `path:line` of a span, for messages.
fn line_of(db: &SourceDb, file: FileId, span: Span) -> String {
    match db.file(file) {
        Some(source) => {
            let line = source.line_index().line_col(&source.bytes, span.start).line;
            format!("{}:{line}", source.path.display())
        }
        None => "?".to_owned(),
    }
}

impl NrpeReader<'_> {
    fn warn_unreadable(&mut self, origin: (FileId, Span), message: String) {
        let (file, span) = origin;
        self.diagnostics.push(Diagnostic::new(Code::UnreadableNrpeInclude, file, span, format!("{message} (NRPE goes on without it; an absolute path names this machine's file, not the monitored host's)")));
    }

    /// The canonical path of `path`, unless reading it would loop or nest too deep (then a
    /// diagnostic at `origin`).
    fn may_enter(&mut self, path: &Path, origin: (FileId, Span), depth: usize) -> Option<PathBuf> {
        let (file, span) = origin;
        if depth > MAX_NESTING {
            let message =
                format!("include nesting deeper than {MAX_NESTING} levels at {}", path.display());
            self.diagnostics.push(Diagnostic::new(Code::IncludeLoop, file, span, message));
            return None;
        }
        let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.chain.contains(&canonical) {
            let message =
                format!("{} includes itself: NRPE would read it again and again", path.display());
            self.diagnostics.push(Diagnostic::new(Code::IncludeLoop, file, span, message));
            return None;
        }
        Some(canonical)
    }

    fn read_file(&mut self, path: PathBuf, bytes: Vec<u8>, depth: usize) {
        let canonical = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        self.chain.push(canonical);
        let id = self.db.add(path, FileRole::Nrpe, bytes);
        let items: Vec<(Option<nrpe::IncludeKind>, String, String, Span)> = {
            let Some(file) = self.db.file(id) else { return };
            let parsed = nrpe::parse_nrpe_cfg(&file.bytes);
            for error in &parsed.errors {
                self.diagnostics.push(Diagnostic::from_parser(id, error));
            }
            parsed
                .items
                .iter()
                .map(|item| match item {
                    nrpe::Item::Command(c) => {
                        (None, c.name.to_string(), c.line.to_string(), c.name_span)
                    }
                    nrpe::Item::Include(i) => {
                        (Some(i.kind), i.path.to_string(), String::new(), i.span)
                    }
                })
                .collect()
        };
        for (include, name, line, span) in items {
            match include {
                None => self.definitions.push(NrpeDefinition { name, line, file: id, span }),
                Some(nrpe::IncludeKind::File) => {
                    self.include_file(PathBuf::from(name), (id, span), depth + 1)
                }
                Some(nrpe::IncludeKind::Dir) => {
                    self.include_dir(PathBuf::from(name), (id, span), depth + 1)
                }
            }
        }
        self.chain.pop();
    }

    fn include_file(&mut self, path: PathBuf, origin: (FileId, Span), depth: usize) {
        if self.may_enter(&path, origin, depth).is_none() {
            return;
        }
        match fs::read(&path) {
            Ok(bytes) => self.read_file(path, bytes, depth),
            Err(err) => self.warn_unreadable(
                origin,
                format!("cannot read NRPE include file {}: {err}", path.display()),
            ),
        }
    }

    /// NRPE's `read_config_dir`: `alphasort` order; `*.cfg` names longer than four bytes that
    /// are regular files (hidden ones too); subdirectories not starting with `.`.
    fn include_dir(&mut self, dir: PathBuf, origin: (FileId, Span), depth: usize) {
        let Some(canonical) = self.may_enter(&dir, origin, depth) else { return };
        self.chain.push(canonical);
        let mut names: Vec<std::ffi::OsString> = match fs::read_dir(&dir) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.file_name())).collect(),
            Err(err) => {
                self.chain.pop();
                self.warn_unreadable(
                    origin,
                    format!("cannot open NRPE include directory {}: {err}", dir.display()),
                );
                return;
            }
        };
        names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
        for name in names {
            let bytes = name.as_encoded_bytes();
            let path = dir.join(&name);
            let Ok(metadata) = fs::metadata(&path) else { continue };
            if bytes.len() > 4 && bytes.ends_with(b".cfg") {
                if metadata.is_file() {
                    self.include_file(path, origin, depth + 1);
                }
            } else if metadata.is_dir() && bytes.first() != Some(&b'.') {
                self.include_dir(path, origin, depth + 1);
            }
        }
        self.chain.pop();
    }
}

impl Installation {
    /// [`load_nrpe`] into this installation's [`SourceDb`], its diagnostics appended to
    /// [`Installation::diagnostics`]; returns the commands.
    pub fn load_nrpe(&mut self, path: &Path) -> Result<Vec<(String, String)>, LoadError> {
        let loaded = load_nrpe(&mut self.db, path)?;
        self.diagnostics.extend(loaded.diagnostics);
        Ok(loaded.commands)
    }
}

/// The files Naemon's `include_dir` reads: entries not starting with `.` whose name ends in
/// `.cfg`, in readdir order, not recursive.
fn main_cfg_dir_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        let bytes = name.as_encoded_bytes();
        if bytes.first() != Some(&b'.') && bytes.ends_with(b".cfg") {
            files.push(dir.join(&name));
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large object file: `n` services, with problems spread through it.
    fn large_file(n: usize, open_at: Option<usize>) -> String {
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!(
                "define service {{\n host_name h{i}\n service_description s{i}\n check_command c\n"
            ));
            if i % 997 == 0 {
                text.push_str(" bogus_directive 1\n");
            }
            if open_at != Some(i) {
                text.push_str("}\n");
            }
            if i % 1499 == 0 {
                text.push_str("include_file=/etc/x.cfg\n");
            }
        }
        text
    }

    #[test]
    fn a_large_file_parsed_in_two_parts_gives_the_whole_parse() {
        let n = 16_000;
        for open_at in [None, Some(n / 2), Some(n / 2 + 1), Some(n - 1)] {
            let text = large_file(n, open_at);
            assert!(text.len() >= PARALLEL_PARSE_BYTES, "{} bytes", text.len());
            let whole = object::parse_objects(text.as_bytes(), Mode::Config);
            let parts = errors_and_includes(text.as_bytes());
            assert!(!whole.errors.is_empty() && !whole.includes.is_empty());
            assert_eq!(format!("{:?}", parts.errors), format!("{:?}", whole.errors), "{open_at:?}");
            assert_eq!(
                format!("{:?}", parts.includes),
                format!("{:?}", whole.includes),
                "{open_at:?}"
            );
            // The outlines of the definitions; their directives are the model's to read.
            let outline = |f: &ObjectFile<'_>| -> Vec<_> {
                f.definitions.iter().map(|d| (d.object_type, d.span, d.closed)).collect()
            };
            assert_eq!(outline(&parts), outline(&whole), "{open_at:?}");
            assert!(parts.definitions.iter().all(|d| d.directives.is_empty()));
        }
    }

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

    const HOST: &str = "define host {\n host_name h\n}\n";

    #[test]
    fn naemon_main_includes_are_read_where_they_stand() {
        let dir = temp_dir("maininc");
        fs::create_dir_all(dir.join("conf.d/sub")).unwrap();
        fs::create_dir_all(dir.join("objects")).unwrap();
        fs::write(dir.join("objects/h.cfg"), HOST).unwrap();
        fs::write(
            dir.join("nagios.cfg"),
            "interval_length=10\ninclude_file=more.cfg\ninclude_dir=conf.d/\n",
        )
        .unwrap();
        // Relative paths in included files are relative to nagios.cfg's directory.
        fs::write(dir.join("more.cfg"), "interval_length=20\n").unwrap();
        fs::write(dir.join("conf.d/objects.cfg"), "cfg_dir=objects\n").unwrap();
        fs::write(dir.join("conf.d/.hidden.cfg"), "interval_length=99\n").unwrap();
        fs::write(dir.join("conf.d/notes.txt"), "interval_length=98\n").unwrap();
        fs::write(dir.join("conf.d/sub/deep.cfg"), "interval_length=97\n").unwrap();
        let main = dir.join("nagios.cfg");

        let naemon = LoadOptions { target: Some(Target::Naemon), machine_checks: false };
        let inst = Installation::load_with(&main, &naemon).unwrap();
        assert!(inst.diagnostics.is_empty(), "{:?}", inst.diagnostics);
        assert_eq!(inst.settings.interval_length, 20);
        assert_eq!(inst.object_files.len(), 1);
        assert_eq!(inst.db.file(inst.object_files[0]).unwrap().path, dir.join("objects/h.cfg"));

        let nagios = LoadOptions { target: Some(Target::Nagios), machine_checks: false };
        let inst = Installation::load_with(&main, &nagios).unwrap();
        let got: Vec<_> = inst.diagnostics.iter().map(|d| (d.code.as_str(), d.severity)).collect();
        let error = nag2prom_parsers::Severity::Error;
        assert_eq!(got, [("main-cfg/naemon-include", error), ("main-cfg/naemon-include", error)]);
        assert_eq!(inst.object_files.len(), 1, "read anyway, as Naemon does");

        let any = Installation::load(&main).unwrap();
        assert!(
            any.diagnostics.iter().all(|d| d.severity == nag2prom_parsers::Severity::Warning),
            "{:?}",
            any.diagnostics
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn naemon_main_includes_twice_or_in_a_loop_are_refused() {
        let dir = temp_dir("mainloop");
        fs::write(dir.join("nagios.cfg"), "include_file=a.cfg\ninclude_file=a.cfg\n").unwrap();
        fs::write(dir.join("a.cfg"), "include_file=b.cfg\n").unwrap();
        fs::write(dir.join("b.cfg"), "include_file=a.cfg\n").unwrap();
        let naemon = LoadOptions { target: Some(Target::Naemon), machine_checks: false };
        let inst = Installation::load_with(&dir.join("nagios.cfg"), &naemon).unwrap();
        let codes: Vec<_> = inst.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["source/repeated-include", "source/repeated-include"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn machine_checks_open_and_write_the_directories() {
        let dir = temp_dir("machine");
        fs::create_dir_all(dir.join("spool")).unwrap();
        // As the owner of the directories, so that Nagios started as root writes as us.
        let owner = {
            use std::os::unix::fs::MetadataExt;
            let meta = fs::metadata(&dir).unwrap();
            format!("nagios_user={}\nnagios_group={}\n", meta.uid(), meta.gid())
        };
        fs::write(
            dir.join("nagios.cfg"),
            format!("{owner}check_result_path=spool/\ntemp_path=nowhere\n"),
        )
        .unwrap();
        let main = dir.join("nagios.cfg");
        let on = LoadOptions { target: Some(Target::Nagios), machine_checks: true };
        let inst = Installation::load_with(&main, &on).unwrap();
        let codes: Vec<_> = inst.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["source/path-not-a-directory"]);
        assert!(inst.diagnostics[0].message.contains("on this machine"));
        assert!(inst.diagnostics[0].message.contains(&dir.join("nowhere").display().to_string()));

        fs::create_dir_all(dir.join("nowhere")).unwrap();
        let inst = Installation::load_with(&main, &on).unwrap();
        assert!(inst.diagnostics.is_empty(), "{:?}", inst.diagnostics);
        let left: Vec<_> = fs::read_dir(dir.join("spool")).unwrap().collect();
        assert!(left.is_empty(), "the write probe is removed");

        let off = LoadOptions { target: Some(Target::Nagios), machine_checks: false };
        fs::remove_dir_all(dir.join("spool")).unwrap();
        assert!(Installation::load_with(&main, &off).unwrap().diagnostics.is_empty());
        let naemon = LoadOptions { target: Some(Target::Naemon), machine_checks: true };
        assert!(Installation::load_with(&main, &naemon).unwrap().diagnostics.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn nrpe_cfg_follows_includes_and_the_last_definition_wins() {
        let dir = temp_dir("nrpe");
        fs::create_dir_all(dir.join("nrpe.d/sub")).unwrap();
        fs::create_dir_all(dir.join("nrpe.d/.hidden")).unwrap();
        let d = dir.display();
        fs::write(
            dir.join("nrpe.cfg"),
            format!(
                "command[a]=first\ninclude={d}/extra.cfg\ninclude_dir={d}/nrpe.d/\ncommand[z]= /bin/z\n"
            ),
        )
        .unwrap();
        fs::write(dir.join("extra.cfg"), "command[a]=second\ncommand[b]=b\n").unwrap();
        fs::write(dir.join("nrpe.d/2.cfg"), "command[c]=from-2\n").unwrap();
        fs::write(dir.join("nrpe.d/1.cfg"), "command[c]=from-1\n").unwrap();
        fs::write(dir.join("nrpe.d/.h.cfg"), "command[h]=hidden-file\n").unwrap();
        fs::write(dir.join("nrpe.d/sub/s.cfg"), "command[s]=sub\n").unwrap();
        fs::write(dir.join("nrpe.d/.hidden/x.cfg"), "command[x]=hidden-dir\n").unwrap();
        fs::write(dir.join("nrpe.d/notes.txt"), "command[t]=txt\n").unwrap();
        let mut db = SourceDb::default();
        let loaded = load_nrpe(&mut db, &dir.join("nrpe.cfg")).unwrap();
        let got: Vec<(&str, &str)> =
            loaded.commands.iter().map(|(n, l)| (n.as_str(), l.as_str())).collect();
        assert_eq!(
            got,
            [
                ("a", "second"),
                ("b", "b"),
                ("h", "hidden-file"),
                ("c", "from-2"),
                ("s", "sub"),
                ("z", "/bin/z")
            ]
        );
        let codes: Vec<_> = loaded.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["source/redefined-nrpe-command", "source/redefined-nrpe-command"]);
        assert!(loaded.diagnostics[0].message.contains("nrpe.cfg:1"), "{:?}", loaded.diagnostics);
        assert!(db.iter().all(|(_, f)| f.role == FileRole::Nrpe));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn nrpe_include_loops_and_missing_includes_are_diagnostics() {
        let dir = temp_dir("nrpeloop");
        let d = dir.display();
        fs::write(
            dir.join("nrpe.cfg"),
            format!(
                "include={d}/nrpe.cfg\ninclude={d}/none.cfg\ninclude_dir={d}/nodir\ncommand[]=x\n"
            ),
        )
        .unwrap();
        let mut db = SourceDb::default();
        let loaded = load_nrpe(&mut db, &dir.join("nrpe.cfg")).unwrap();
        let got: Vec<_> =
            loaded.diagnostics.iter().map(|d| (d.code.as_str(), d.severity)).collect();
        use nag2prom_parsers::Severity::{Error, Warning};
        assert_eq!(
            got,
            [
                ("nrpe/invalid-command", Error),
                ("source/include-loop", Error),
                ("source/unreadable-nrpe-include", Warning),
                ("source/unreadable-nrpe-include", Warning)
            ]
        );
        let missing = load_nrpe(&mut db, &dir.join("absent.cfg")).unwrap_err();
        assert!(missing.to_string().contains("absent.cfg"), "{missing}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn nagios_user_credentials_come_from_passwd_and_group() {
        let passwd =
            "root:x:0:0::/root:/bin/sh\nnagios:x:104:107::/var/lib/nagios:/usr/sbin/nologin\n";
        let groups = "root:x:0:\nnagios:x:107:\nwww-data:x:33:nagios,other\nadm:x:4:othernagios\n";
        let c = credentials_from("nagios", "nagios", passwd, groups).unwrap();
        assert_eq!((c.uid, c.gids.as_slice()), (104, &[107, 33][..]));
        let c = credentials_from("1000", "50", passwd, groups).unwrap();
        assert_eq!((c.uid, c.gids.as_slice()), (1000, &[50][..]));
        assert_eq!(credentials_from("nobody-here", "nagios", passwd, groups), None);
        assert_eq!(credentials_from("nagios", "no-group", passwd, groups), None);
    }

    #[cfg(unix)]
    #[test]
    fn write_permission_follows_owner_group_and_other_bits() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = temp_dir("perm");
        let spool = dir.join("spool");
        fs::create_dir_all(&spool).unwrap();
        let meta = fs::metadata(&spool).unwrap();
        let stranger =
            Credentials { user: "s".into(), uid: meta.uid() + 4242, gids: vec![meta.gid() + 4242] };
        let member =
            Credentials { user: "m".into(), uid: meta.uid() + 4242, gids: vec![meta.gid()] };
        fs::set_permissions(&spool, fs::Permissions::from_mode(0o755)).unwrap();
        assert!(may_write_as(&spool, &stranger).unwrap_err().contains("user `s`"));
        fs::set_permissions(&spool, fs::Permissions::from_mode(0o775)).unwrap();
        assert!(may_write_as(&spool, &member).is_ok());
        assert!(may_write_as(&spool, &stranger).is_err());
        fs::set_permissions(&spool, fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(may_write_as(&spool, &stranger).is_ok());
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        assert!(may_write_as(&spool, &stranger).is_err(), "no search permission above");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        fs::remove_dir_all(&dir).unwrap();
    }
}
