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
