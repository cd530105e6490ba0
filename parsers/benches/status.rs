//! Throughput of the status.dat reader: every block read, every hoststatus/servicestatus
//! turned into its typed view, over an in-memory ~10 MB Nagios 4.4.6-shaped file.
//! (`cargo run --release --example gen_status -- --parse FILE` times a real-size file.)

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nag2prom_parsers::status::{
    Block, BlockKind, HostStatus, Record, ServiceStatus, StatusReader, parse_status,
};

/// A deterministic file with `hosts` hosts and `per_host` services each, in 4.4.6 key order.
fn build(hosts: usize, per_host: usize) -> String {
    let mut s = String::from(
        "########################################\n#          NAGIOS STATUS FILE\n\
         ########################################\n\ninfo {\n\tcreated=1795479023\n\
         \tversion=4.4.6\n\t}\n\nprogramstatus {\n\tnagios_pid=23533\n\tprogram_start=1795478999\n\
         \tenable_notifications=1\n\t}\n\n",
    );
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for h in 1..=hosts {
        let _ = write!(
            s,
            "hoststatus {{\n\thost_name=host{h:05}\n\tmodified_attributes=0\n\tcheck_command=check-host-alive\n\
             \tcheck_period=24x7\n\tnotification_period=24x7\n\timportance=0\n\tcheck_interval=5.000000\n\
             \tretry_interval=1.000000\n\tevent_handler=\n\thas_been_checked=1\n\tshould_be_scheduled=1\n\
             \tcheck_execution_time=0.006\n\tcheck_latency=0.001\n\tcheck_type=0\n\tcurrent_state=0\n\
             \tlast_hard_state=0\n\tlast_event_id=0\n\tcurrent_event_id=0\n\tcurrent_problem_id=0\n\
             \tlast_problem_id=0\n\tplugin_output=PING OK - Packet loss = 0%, RTA = 0.{} ms\n\
             \tlong_plugin_output=\n\tperformance_data=rta=0.{:06}ms;3000.000000;5000.000000;0.000000 pl=0%;80;100;0\n\
             \tlast_check=1795478999\n\tnext_check=1795479004\n\tcheck_options=0\n\tcurrent_attempt=1\n\
             \tmax_attempts=2\n\tstate_type=1\n\tlast_state_change=1795478999\n\
             \tlast_hard_state_change=1795478999\n\tlast_time_up=1795478999\n\tlast_time_down=0\n\
             \tlast_time_unreachable=0\n\tlast_notification=0\n\tnext_notification=0\n\
             \tno_more_notifications=0\n\tcurrent_notification_number=0\n\tcurrent_notification_id=0\n\
             \tnotifications_enabled=1\n\tproblem_has_been_acknowledged=0\n\tacknowledgement_type=0\n\
             \tactive_checks_enabled=1\n\tpassive_checks_enabled=1\n\tevent_handler_enabled=1\n\
             \tflap_detection_enabled=1\n\tprocess_performance_data=1\n\tobsess=1\n\
             \tlast_update=1795479023\n\tis_flapping=0\n\tpercent_state_change=0.00\n\
             \tscheduled_downtime_depth=0\n\t_RACK=0;r{}\n\t}}\n\n",
            next() % 100,
            next() % 1_000_000,
            h % 40
        );
    }
    for h in 1..=hosts {
        for i in 0..per_host {
            let state = [0, 0, 0, 0, 0, 0, 0, 1, 2, 3][(next() % 10) as usize];
            let long = if i % 10 == 0 {
                "disk 1 ok\\ndisk 2 ok\\npath C:\\\\temp; fine\\nlast line ".repeat(8)
            } else {
                String::new()
            };
            let _ = write!(
                s,
                "servicestatus {{\n\thost_name=host{h:05}\n\tservice_description=Disk /srv{i}\n\
                 \tmodified_attributes=0\n\tcheck_command=check_disk!20%!10%!/srv{i}\n\tcheck_period=24x7\n\
                 \tnotification_period=24x7\n\timportance=0\n\tcheck_interval=5.000000\n\
                 \tretry_interval=1.000000\n\tevent_handler=\n\thas_been_checked=1\n\tshould_be_scheduled=1\n\
                 \tcheck_execution_time=0.{:03}\n\tcheck_latency=0.{:03}\n\tcheck_type=0\n\
                 \tcurrent_state={state}\n\tlast_hard_state={state}\n\tlast_event_id=0\n\
                 \tcurrent_event_id=3\n\tcurrent_problem_id=3\n\tlast_problem_id=0\n\tcurrent_attempt=3\n\
                 \tmax_attempts=3\n\tstate_type=1\n\tlast_state_change=1795479001\n\
                 \tlast_hard_state_change=1795479001\n\tlast_time_ok=1795478999\n\
                 \tlast_time_warning=1795479021\n\tlast_time_unknown=0\n\tlast_time_critical=0\n\
                 \tplugin_output=DISK OK - free space: /srv{i} {} MB (40% inode=97%):\n\
                 \tlong_plugin_output={long}\n\
                 \tperformance_data='/srv{i}'={}MB;8000;9000;0;10000 'inodes used'=85%;80;90\n\
                 \tlast_check=1795479021\n\tnext_check=1795479026\n\tcheck_options=0\n\
                 \tcurrent_notification_number=0\n\tcurrent_notification_id=0\n\tlast_notification=0\n\
                 \tnext_notification=0\n\tno_more_notifications=0\n\tnotifications_enabled=1\n\
                 \tactive_checks_enabled=1\n\tpassive_checks_enabled=1\n\tevent_handler_enabled=1\n\
                 \tproblem_has_been_acknowledged=0\n\tacknowledgement_type=0\n\tflap_detection_enabled=1\n\
                 \tprocess_performance_data=1\n\tobsess=1\n\tlast_update=1795479023\n\tis_flapping=0\n\
                 \tpercent_state_change=5.{:02}\n\tscheduled_downtime_depth=0\n\t}}\n\n",
                next() % 1000,
                next() % 1000,
                next() % 10_000,
                next() % 10_000,
                next() % 100,
            );
        }
    }
    s
}

/// Read every block and extract the typed host/service views; returns a checksum.
fn parse_typed(data: &[u8]) -> u64 {
    let mut reader = StatusReader::new(data);
    let mut block = Block::default();
    let mut sum = 0u64;
    while reader.next_into(&mut block) {
        sum += match block.kind {
            BlockKind::ServiceStatus => ServiceStatus::from_block(&block)
                .map_or(0, |s| u64::from(s.check.current_state.unwrap_or(0))),
            BlockKind::HostStatus => HostStatus::from_block(&block)
                .map_or(0, |h| u64::from(h.check.current_state.unwrap_or(0))),
            _ => Record::from_block(&block).map_or(0, |_| 1),
        };
    }
    sum + reader.errors().len() as u64
}

fn bench_status(c: &mut Criterion) {
    let text = build(1000, 8);
    let data = text.as_bytes();
    let mut group = c.benchmark_group("status");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.sample_size(20);
    group.bench_function("blocks+typed (next_into)", |b| b.iter(|| parse_typed(black_box(data))));
    group.bench_function("blocks only (Iterator)", |b| {
        b.iter(|| StatusReader::new(black_box(data)).map(|b| b.fields.len()).sum::<usize>())
    });
    group.bench_function("parse_status (collect all)", |b| {
        b.iter(|| parse_status(black_box(data)).blocks.len())
    });
    group.finish();
}

criterion_group!(benches, bench_status);
criterion_main!(benches);
