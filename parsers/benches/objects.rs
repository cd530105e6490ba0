//! Throughput of the object-file parser (config mode, with comments, continuation lines and
//! `\;` escapes) and of the objects.cache reader (cache mode), on generated in-memory files of
//! 2,000 hosts and 16,000 services.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nag2prom_parsers::object::{Mode, parse_objects};

/// Hand-written style: templates, hosts, services, comments, a continuation line per host.
fn config_file(hosts: usize, services_per_host: usize) -> String {
    let mut s = String::from(
        "# generated for the benchmark\ndefine host {\n    name            linux-server ; template\n    use             generic-host\n    check_interval  5\n    register        0\n}\n\n",
    );
    for h in 0..hosts {
        let _ = write!(
            s,
            "define host {{\n    use                 linux-server\n    host_name           host{h:05}\n    alias               Host {h} \\\n                        in rack {}\n    address             127.0.{}.{}\n    hostgroups          linux-servers,web-servers\n    _SITE               dc{}\n}}\n\n",
            h % 40,
            h / 250,
            h % 250 + 1,
            h % 3
        );
        for n in 0..services_per_host {
            let _ = write!(
                s,
                "define service {{\n    use                 generic-service,graphed-service\n    host_name           host{h:05}\n    service_description Check {n}\n    check_command       check_nrpe!check_disk!-w 20%\\;-c 10%   ; inline comment\n    max_check_attempts  3\n}}\n\n"
            );
        }
    }
    s
}

/// objects.cache style: tab separated, trailing spaces, `\t}`.
fn cache_file(hosts: usize, services_per_host: usize) -> String {
    let mut s = String::from("# objects.cache\n");
    for h in 0..hosts {
        for n in 0..services_per_host {
            let _ = write!(
                s,
                "define service {{\n\thost_name\thost{h:05} \n\tservice_description\tCheck {n} \n\tcheck_command\tcheck_nrpe!check_disk!-w 20%;-c 10% \n\tcheck_interval\t5.000000\n\tretry_interval\t1.000000\n\tmax_check_attempts\t3\n\tnotification_options\tr,c,w,u\n\tcontact_groups\tadmins \n\t}}\n\n"
            );
        }
    }
    s
}

fn bench(c: &mut Criterion) {
    let config = config_file(2_000, 8);
    let cache = cache_file(2_000, 8);
    let mut group = c.benchmark_group("objects");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(config.len() as u64));
    group.bench_function("config_mode", |b| {
        b.iter(|| {
            let file = parse_objects(black_box(config.as_bytes()), Mode::Config);
            assert!(file.errors.is_empty());
            file.definitions.len()
        });
    });
    group.throughput(Throughput::Bytes(cache.len() as u64));
    group.bench_function("cache_mode", |b| {
        b.iter(|| parse_objects(black_box(cache.as_bytes()), Mode::Cache).definitions.len());
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
