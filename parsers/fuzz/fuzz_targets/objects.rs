//! Object files and objects.cache: any bytes, both modes; spans must lie inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nag2prom_parsers::diagnostic::Diagnostic;
use nag2prom_parsers::object::{Mode, parse_objects};

fuzz_target!(|data: &[u8]| {
    for mode in [Mode::Config, Mode::Cache] {
        let file = parse_objects(data, mode);
        for error in &file.errors {
            assert!(error.span().end <= data.len());
        }
        for definition in &file.definitions {
            assert!(definition.span.end <= data.len());
        }
    }
});
