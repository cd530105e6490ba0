//! status.dat / retention.dat: any bytes; every block through every typed view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nag2prom_parsers::status::{HostStatus, ServiceStatus, parse_status};

fuzz_target!(|data: &[u8]| {
    let file = parse_status(data);
    for block in &file.blocks {
        assert!(block.span.end <= data.len());
        let _ = HostStatus::from_block(block);
        let _ = ServiceStatus::from_block(block);
    }
});
