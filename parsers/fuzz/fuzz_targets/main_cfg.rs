//! nagios.cfg, resource files and nrpe.cfg: any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nag2prom_parsers::main_cfg::parse_main_cfg;
use nag2prom_parsers::nrpe::parse_nrpe_cfg;
use nag2prom_parsers::resource::parse_resource;

fuzz_target!(|data: &[u8]| {
    let config = parse_main_cfg(data);
    let _ = config.object_sources();
    let _ = parse_resource(data);
    let nrpe = parse_nrpe_cfg(data);
    let _ = nrpe.includes().count();
});
