//! Repository hygiene: every diagnostic code in the source is documented in
//! `docs/diagnostics.md`.

use std::fs;
use std::path::Path;

use crate::support::root;

fn collect_codes(dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_codes(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap();
            for piece in text.split('"').skip(1).step_by(2) {
                let Some((area, name)) = piece.split_once('/') else { continue };
                let areas = [
                    "object",
                    "main-cfg",
                    "resource",
                    "nrpe",
                    "timeperiod",
                    "status",
                    "perfdata",
                    "range",
                    "command",
                    "source",
                    "model",
                    "ola",
                ];
                let kebab = |s: &str| {
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                };
                if areas.contains(&area) && kebab(name) && !piece.contains("//") {
                    out.push(piece.to_owned());
                }
            }
        }
    }
}

#[test]
fn every_diagnostic_code_is_documented() {
    let mut codes = Vec::new();
    collect_codes(&root().join("src"), &mut codes);
    collect_codes(&root().join("parsers/src"), &mut codes);
    codes.sort();
    codes.dedup();
    assert!(codes.len() > 30, "found only {} codes", codes.len());
    let doc = fs::read_to_string(root().join("docs/diagnostics.md")).unwrap();
    let missing: Vec<_> = codes.iter().filter(|c| !doc.contains(&format!("`{c}`"))).collect();
    assert!(missing.is_empty(), "undocumented diagnostic codes: {missing:?}");
}

/// The plugin names of docs/translation.md's catalogue table (first column; `a / b`,
/// `a, b` and a parenthesised remark allowed).
fn catalogue_rows() -> Vec<String> {
    let doc = fs::read_to_string(root().join("docs/translation.md")).unwrap();
    let table = doc.split("## The catalogue").nth(1).unwrap_or_default();
    let mut names = Vec::new();
    for line in table.lines().skip_while(|l| !l.starts_with('|')) {
        if !line.starts_with('|') {
            break;
        }
        let cell = line.split('|').nth(1).unwrap_or_default().trim();
        if cell == "Plugin" || cell.starts_with("---") {
            continue;
        }
        let cell = cell.split(" (").next().unwrap_or_default();
        names.extend(cell.split([',', '/']).map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()));
    }
    names
}

#[test]
fn every_registered_plugin_has_one_catalogue_row_and_no_other() {
    let mut rows = catalogue_rows();
    rows.sort();
    let before = rows.len();
    rows.dedup();
    assert_eq!(rows.len(), before, "a plugin has two rows");
    let mut registered: Vec<String> =
        nag2prom::translate::plugins::catalogue().map(str::to_owned).collect();
    registered.sort();
    assert_eq!(rows, registered, "docs/translation.md's catalogue and the registry differ");
}

#[test]
fn every_refusal_code_is_documented() {
    let doc = fs::read_to_string(root().join("docs/translation.md")).unwrap();
    for code in nag2prom::translate::refusal::Code::ALL {
        assert!(
            doc.contains(&format!("| `{}` |", code.as_str())),
            "{code} is not in docs/translation.md"
        );
    }
}
