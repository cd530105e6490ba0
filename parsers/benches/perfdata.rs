//! Throughput of `perfdata::parse_perfdata` (and, for scale, `range::parse_range` and
//! `command::split_check_command`) on a realistic mix of plugin outputs and on a 1 MB string.
//!
//! Run: `cargo bench -p nag2prom-parsers --bench perfdata`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nag2prom_parsers::command::split_check_command;
use nag2prom_parsers::perfdata::parse_perfdata;
use nag2prom_parsers::range::parse_range;

/// Values as real plugins write them (shapes taken from the shared corpus' status.dat files).
const MIX: &[&str] = &[
    "rta=0.050000ms;3000.000000;5000.000000;0.000000 pl=0%;80;100;0",
    "load1=0.100;5.000;10.000;0; load5=0.200;4.000;6.000;0; load15=0.300;3.000;4.000;0;",
    "'/var'=8500MB;8000;9000;0;10000  'inodes used'=85%;80;90 '/tmp'=1.5GB;;;0;4",
    "/=3310.46484375MB;8063;9071;0;10079.304688 growth=22.454911;;;; trend=14.278099;;;0;419.971029",
    "time=0.193380s;2.000000;10.000000;0.000000 size=322B;;;0",
    "in=106.755221;;;0; inucast=1.281196;;;; innucast=0;;;; indisc=0;;;; inerr=0;0.01;0.1;; \
     out=40.76532;;;0; outucast=0.415973;;;; outnucast=0;;;; outdisc=0;;;; outerr=0;0.01;0.1;; \
     outqlen=0;;;;",
    "ESTABLISHED=2;;;; SYN_SENT=0;;;; SYN_RECV=0;;;; LAST_ACK=0;;;; CLOSE_WAIT=0;;;; TIME_WAIT=5;;;;",
    "users=1;20;50;0",
    "offset=-0.000090s;2.000000;5.000000;",
    "a=1 b=2c",
    "temp=21.5;~:30;@40:50",
    "x=U;;;0;100 'svc::check::metric'=12c",
];

fn bench(c: &mut Criterion) {
    let mix_bytes: usize = MIX.iter().map(|s| s.len()).sum();
    let mut group = c.benchmark_group("perfdata");
    group.throughput(Throughput::Bytes(mix_bytes as u64));
    group.bench_function("realistic mix (12 values)", |b| {
        b.iter(|| {
            let mut items = 0;
            for value in MIX {
                items += parse_perfdata(black_box(value)).items.len();
            }
            items
        })
    });

    let unit = MIX.join(" ");
    let big = unit.repeat(1_000_000 / unit.len() + 1);
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.sample_size(20);
    group.bench_function("1 MB string", |b| b.iter(|| parse_perfdata(black_box(&big)).items.len()));
    group.finish();

    let mut group = c.benchmark_group("small parsers");
    group.bench_function("parse_range x6", |b| {
        b.iter(|| {
            ["10", "10:", "~:10", "10:20", "@10:20", "3000.000000"]
                .iter()
                .filter(|t| parse_range(black_box(t)).is_ok())
                .count()
        })
    });
    group.bench_function("split_check_command", |b| {
        b.iter(|| {
            split_check_command(black_box(r"check_http!-H $HOSTADDRESS$ -u /a\!b!-w 2!-c 5"))
                .args
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
