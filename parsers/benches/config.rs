//! Throughput of the configuration parsers that the `objects` and `perfdata` benches do not
//! cover: `nagios.cfg` (`main_cfg::parse_main_cfg`), resource files (`resource::parse_resource`)
//! and timeperiod lines (`timeperiod::parse_timeperiod_line`, Nagios' 13 `sscanf` forms), on
//! fixed inputs (the demo installation's files, repeated to a realistic size).
//!
//! Run: `cargo bench -p nag2prom-parsers --bench config`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nag2prom_parsers::main_cfg::parse_main_cfg;
use nag2prom_parsers::resource::parse_resource;
use nag2prom_parsers::timeperiod::parse_timeperiod_line;

const NAGIOS_CFG: &[u8] = include_bytes!("../../examples/demo/nagios.cfg");
const RESOURCE_CFG: &[u8] = include_bytes!("../../examples/demo/resource.cfg");

/// Day and exception lines as real timeperiod definitions write them.
const TIMEPERIOD_LINES: &[(&str, &str)] = &[
    ("monday", "00:00-24:00"),
    ("tuesday", "09:00-17:00,18:00-20:00"),
    ("december 25", "00:00-00:00"),
    ("2007-01-01", "00:00-24:00"),
    ("2007-01-01 - 2008-02-01 / 3", "00:00-24:00"),
    ("monday 3", "00:00-24:00"),
    ("thursday -1 november", "00:00-24:00"),
    ("day 1 - 15", "00:00-24:00"),
    ("day -1", "00:00-24:00"),
    ("april 10 - may 15 / 2", "00:00-24:00"),
    ("tuesday 1 october - friday 2 may / 5", "00:00-24:00"),
];

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("config");
    // A nagios.cfg of a large site is a few hundred lines; repeat the demo's to ~100 KB.
    let big_cfg = NAGIOS_CFG.repeat(100_000 / NAGIOS_CFG.len() + 1);
    group.throughput(Throughput::Bytes(big_cfg.len() as u64));
    group.bench_function("nagios.cfg (100 KB)", |b| {
        b.iter(|| parse_main_cfg(black_box(&big_cfg)).entries.len())
    });
    let big_resource = RESOURCE_CFG.repeat(100_000 / RESOURCE_CFG.len() + 1);
    group.throughput(Throughput::Bytes(big_resource.len() as u64));
    group.bench_function("resource.cfg (100 KB)", |b| {
        b.iter(|| parse_resource(black_box(&big_resource)).macros.len())
    });
    let bytes: usize = TIMEPERIOD_LINES.iter().map(|(n, v)| n.len() + v.len()).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("timeperiod lines (11 forms)", |b| {
        b.iter(|| {
            TIMEPERIOD_LINES
                .iter()
                .filter(|(name, value)| {
                    parse_timeperiod_line(black_box(name), black_box(value)).is_ok()
                })
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
