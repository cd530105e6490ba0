//! Performance data, threshold ranges and check_command splitting: any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nag2prom_parsers::command::split_check_command;
use nag2prom_parsers::perfdata::parse_perfdata;
use nag2prom_parsers::range::{parse_range, parse_range_lenient, parse_thresholds};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_perfdata(&text);
    let _ = parse_range(&text);
    let _ = parse_range_lenient(&text);
    let _ = parse_thresholds(&text);
    let _ = split_check_command(&text);
});
