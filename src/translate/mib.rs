//! Symbolic OIDs (`sysUpTime.0`, `host.hrSystem.hrSystemProcesses.0`,
//! `HOST-RESOURCES-MIB::hrStorageUsed.31`) resolved to numeric ones as net-snmp's `snmpget`
//! resolves them when the standard MIBs are loaded, from the table of
//! [`crate::translate::mib_names`] (SNMPv2-MIB, IF-MIB, IP-MIB, TCP-MIB, UDP-MIB,
//! HOST-RESOURCES-MIB, UCD-SNMP-MIB, generated from net-snmp's MIB files).
//!
//! `snmp_parse_oid` (net-snmp 5.9 `mib.c`) tries `read_objid` (a path from the root) and
//! then `get_node`: the first label is looked up anywhere in the tree, each following
//! component is a child label or a number. Checked against the real snmpget with those MIBs
//! on a real snmpd: `host.hrSystem.hrSystemProcesses.0` → `1.3.6.1.2.1.25.1.6.0`,
//! `tcp.tcpCurrEstab.0` → `1.3.6.1.2.1.6.9.0`, `sysUpTime.0`, `system.sysUpTime.0` →
//! `1.3.6.1.2.1.1.3.0`, `ifInOctets.1` → `1.3.6.1.2.1.2.2.1.10.1`, `laLoad.1` →
//! `1.3.6.1.4.1.2021.10.1.3.1`.
//!
//! A name outside those MIBs is not guessed: the caller refuses it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::mib_names::NAMES;

/// An object of the table: its module, numeric OID and `DISPLAY-HINT` (empty: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MibObject {
    /// The module defining it (`HOST-RESOURCES-MIB`).
    pub module: &'static str,
    /// Its numeric OID, without a leading dot.
    pub oid: &'static str,
    /// Its `DISPLAY-HINT`, by which snmpget formats the value when the MIB is loaded.
    pub hint: &'static str,
}

/// Why a name does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MibError {
    /// A label none of the known MIBs defines (or not below the component before it).
    #[error(
        "`{label}` in `{name}` is not an object of the standard MIBs nag2prom knows ({MODULES})"
    )]
    UnknownLabel {
        /// The whole name.
        name: String,
        /// The label that was not found.
        label: String,
    },
    /// `MODULE::` names a module other than the one defining the label.
    #[error("`{name}`: `{label}` is defined by {defined_by}, not {module}")]
    WrongModule {
        /// The whole name.
        name: String,
        /// The label.
        label: String,
        /// The module the name gave.
        module: String,
        /// The module that defines the label.
        defined_by: &'static str,
    },
    /// Not an OID at all (empty components, a leading dot before a label that is no root).
    #[error("`{0}` is not an OID")]
    Malformed(String),
}

/// The modules of the table, for messages.
pub const MODULES: &str =
    "SNMPv2-MIB, IF-MIB, IP-MIB, TCP-MIB, UDP-MIB, HOST-RESOURCES-MIB, UCD-SNMP-MIB";

/// Whether `text` is a numeric OID (digits and dots only, an optional leading dot).
pub fn is_numeric(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// The object a label names.
pub fn object(label: &str) -> Option<MibObject> {
    NAMES.binary_search_by(|(l, ..)| l.cmp(&label)).ok().map(|i| MibObject {
        module: NAMES[i].1,
        oid: NAMES[i].2,
        hint: NAMES[i].3,
    })
}

/// `name` as a numeric OID (no leading dot), resolved as snmpget resolves it with the MIBs
/// of the table loaded.
pub fn resolve(name: &str) -> Result<String, MibError> {
    let malformed = || MibError::Malformed(name.to_owned());
    let (module, path) = match name.split_once("::") {
        Some((module, path)) => (Some(module), path),
        None => (None, name),
    };
    let (absolute, path) = match path.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    let mut parts = path.split('.');
    let first = parts.next().filter(|p| !p.is_empty()).ok_or_else(malformed)?;
    let mut oid = if first.bytes().all(|b| b.is_ascii_digit()) {
        if module.is_some() {
            return Err(malformed());
        }
        first.to_owned()
    } else {
        let found = object(first).ok_or_else(|| MibError::UnknownLabel {
            name: name.to_owned(),
            label: first.to_owned(),
        })?;
        if absolute && found.oid.contains('.') {
            // A path from the root starts at a root (`.iso.org…`).
            return Err(malformed());
        }
        if let Some(module) = module
            && module != found.module
        {
            return Err(MibError::WrongModule {
                name: name.to_owned(),
                label: first.to_owned(),
                module: module.to_owned(),
                defined_by: found.module,
            });
        }
        found.oid.to_owned()
    };
    for part in parts {
        if part.is_empty() {
            return Err(malformed());
        }
        if part.bytes().all(|b| b.is_ascii_digit()) {
            oid.push('.');
            oid.push_str(part);
            continue;
        }
        match object(part) {
            Some(child) if child.oid.strip_prefix(oid.as_str()).is_some_and(is_one_arc) => {
                oid = child.oid.to_owned();
            }
            _ => {
                return Err(MibError::UnknownLabel {
                    name: name.to_owned(),
                    label: part.to_owned(),
                });
            }
        }
    }
    Ok(oid)
}

/// Whether `rest` is `.N`: one more arc.
fn is_one_arc(rest: &str) -> bool {
    rest.strip_prefix('.').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The object whose value (or an instance of it) `oid` reads: the longest OID of the table
/// that is `oid` or a prefix of it at an arc boundary, when that object has no children in
/// the table (a leaf: a scalar or a table column). `None` for anything else, e.g. an
/// enterprise OID of a vendor's MIB, whose formatting the table does not know.
pub fn leaf_of(oid: &str) -> Option<MibObject> {
    let index = index();
    let mut end = oid.len();
    loop {
        let prefix = &oid[..end];
        if let Some(&i) = index.by_oid.get(prefix) {
            if index.parents.contains(prefix) {
                return None;
            }
            return Some(MibObject { module: NAMES[i].1, oid: NAMES[i].2, hint: NAMES[i].3 });
        }
        end = prefix.rfind('.')?;
    }
}

/// The table by OID, and the OIDs that have children.
struct Index {
    by_oid: HashMap<&'static str, usize>,
    parents: HashSet<&'static str>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let by_oid = NAMES.iter().enumerate().map(|(i, n)| (n.2, i)).collect();
        let parents = NAMES.iter().filter_map(|n| n.2.rfind('.').map(|d| &n.2[..d])).collect();
        Index { by_oid, parents }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_unique_for_binary_search() {
        assert!(NAMES.windows(2).all(|w| w[0].0 < w[1].0), "NAMES sorted by label, no repeat");
        assert!(NAMES.len() > 800);
    }

    /// What the real snmpget printed (`-On`) for each name with net-snmp's MIBs loaded, on a
    /// real snmpd (net-snmp 5.9.3, Debian 12).
    #[test]
    fn names_resolve_as_real_snmpget_resolved_them() {
        for (name, numeric) in [
            ("host.hrSystem.hrSystemProcesses", "1.3.6.1.2.1.25.1.6"),
            ("host.hrSystem.hrSystemProcesses.0", "1.3.6.1.2.1.25.1.6.0"),
            ("tcp.tcpCurrEstab.0", "1.3.6.1.2.1.6.9.0"),
            ("sysUpTime.0", "1.3.6.1.2.1.1.3.0"),
            ("system.sysUpTime.0", "1.3.6.1.2.1.1.3.0"),
            ("hrSystemNumUsers.0", "1.3.6.1.2.1.25.1.5.0"),
            (
                "host.hrStorage.hrStorageTable.hrStorageEntry.hrStorageUsed.1",
                "1.3.6.1.2.1.25.2.3.1.6.1",
            ),
            ("laLoad.1", "1.3.6.1.4.1.2021.10.1.3.1"),
            ("ifInOctets.1", "1.3.6.1.2.1.2.2.1.10.1"),
            ("iso.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.3.0"),
            ("SNMPv2-MIB::sysUpTime.0", "1.3.6.1.2.1.1.3.0"),
            (".iso.org.dod.internet.mgmt.mib-2.system.sysUpTime.0", "1.3.6.1.2.1.1.3.0"),
        ] {
            assert_eq!(resolve(name).as_deref(), Ok(numeric), "{name}");
        }
    }

    #[test]
    fn names_outside_the_table_or_misplaced_are_refused() {
        assert!(matches!(resolve("cpmCPUTotal5sec.1"), Err(MibError::UnknownLabel { .. })));
        // A label that exists, but not below the component before it.
        assert!(matches!(resolve("system.ifInOctets.1"), Err(MibError::UnknownLabel { .. })));
        assert!(matches!(resolve("IF-MIB::sysUpTime.0"), Err(MibError::WrongModule { .. })));
        assert!(matches!(resolve("sysUpTime..0"), Err(MibError::Malformed(_))));
        assert!(matches!(resolve(".sysUpTime.0"), Err(MibError::Malformed(_))));
        assert!(matches!(resolve(""), Err(MibError::Malformed(_))));
    }

    #[test]
    fn leaves_are_found_through_their_instances_and_nothing_else() {
        let used = leaf_of("1.3.6.1.2.1.25.2.3.1.6.31").expect("hrStorageUsed.31");
        assert_eq!((used.module, used.hint), ("HOST-RESOURCES-MIB", ""));
        assert_eq!(
            leaf_of("1.3.6.1.2.1.25.1.2.0").map(|o| o.hint),
            Some("2d-1d-1d,1d:1d:1d.1d,1a1d:1d")
        );
        // A vendor OID under enterprises: its MIB is not known.
        assert_eq!(leaf_of("1.3.6.1.4.1.789.1.2.1.3.0"), None);
        // A table, not a column.
        assert_eq!(leaf_of("1.3.6.1.2.1.25.2.3"), None);
    }
}
