//! The files nag2prom has read, addressed by [`FileId`]: their paths, roles and bytes, and
//! line indexes built only when a diagnostic is shown.
//!
//! Its own module so that the reader ([`crate::source`]) and the renderer of diagnostics
//! ([`crate::diag`]) both depend on it and `diag` does not depend on the reader.

use std::path::PathBuf;
use std::sync::OnceLock;

use nag2prom_parsers::span::LineIndex;

/// Index of a file in a [`SourceDb`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(u32);

/// What a file is to Nagios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// The main configuration file.
    Main,
    /// An object definition file.
    Objects,
    /// A resource file (`$USERn$` secrets): its lines are never shown in diagnostics.
    Resource,
    /// A status.dat / retention.dat file.
    Status,
    /// An NRPE configuration file (`nrpe.cfg` and the files it includes).
    Nrpe,
    /// An OLA targets file (`convert --ola`).
    Ola,
}

/// One file read from disk.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as Nagios would open it.
    pub path: PathBuf,
    /// Its role.
    pub role: FileRole,
    /// Its bytes, unchanged.
    pub bytes: Vec<u8>,
    line_index: OnceLock<LineIndex>,
}

impl SourceFile {
    /// Line index, built on first use (only when a diagnostic is shown).
    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.bytes))
    }

    /// True when the file's content must never be echoed (resource files hold passwords).
    pub fn is_sensitive(&self) -> bool {
        self.role == FileRole::Resource
    }
}

/// Every file read, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    /// Add a file's bytes.
    pub fn add(&mut self, path: PathBuf, role: FileRole, bytes: Vec<u8>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile { path, role, bytes, line_index: OnceLock::new() });
        id
    }

    /// The file with this id.
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Every file, with its id, in reading order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was read.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Total bytes read.
    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|f| f.bytes.len()).sum()
    }
}
