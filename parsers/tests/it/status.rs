//! status.dat / retention.dat: golden tests over the corpus, typed values of a real Nagios
//! 4.4.6 file, print/parse round-trips, never-panic and truncation properties.

#![allow(clippy::unwrap_used)]

use std::fs;

use nag2prom_parsers::status::{
    BlockKind, Comment, Downtime, HostStatus, Info, ProgramStatus, Record, ServiceStatus,
    StatusErrorKind, StatusReader, looks_complete, parse_status,
};
use proptest::prelude::*;

/// Independent count: lines that are exactly one of `headers` at column 0.
fn count_headers(text: &[u8], headers: &[&str]) -> usize {
    text.split(|&b| b == b'\n')
        .filter(|line| {
            let line = String::from_utf8_lossy(line);
            headers.iter().any(|h| line.trim_end() == *h)
        })
        .count()
}

#[test]
fn corpus_status_and_retention_files_parse_cleanly() {
    let Some(dir) = crate::corpus::corpus() else { return };
    let files = crate::corpus::files_under(&dir, ".dat");
    assert!(files.len() >= 15, "expected the corpus status/retention files, found {files:?}");
    let mut total_services = 0;
    for path in &files {
        let text = fs::read(path).unwrap();
        let file = parse_status(&text);
        let name = path.display();
        assert!(file.errors.is_empty(), "{name}: {:?}", file.errors);
        assert!(file.complete && looks_complete(&text), "{name}: not complete");
        let hosts = file.blocks.iter().filter(|b| b.kind.is_host()).count();
        let services = file.blocks.iter().filter(|b| b.kind.is_service()).count();
        assert_eq!(hosts, count_headers(&text, &["hoststatus {", "host {"]), "{name}: hosts");
        assert_eq!(
            services,
            count_headers(&text, &["servicestatus {", "service {"]),
            "{name}: services"
        );
        assert_eq!(file.blocks.len(), count_headers_any(&text), "{name}: blocks");
        for block in &file.blocks {
            assert!(block.closed);
            let record = Record::from_block(block)
                .unwrap_or_else(|e| panic!("{name}: {} block: {e}", block.kind));
            assert!(record.field_errors().is_empty(), "{name}: {:?}", record.field_errors());
        }
        total_services += services;
    }
    assert!(total_services > 500, "{total_services}");
}

/// Lines ending in `{` that are not fields: every block header.
fn count_headers_any(text: &[u8]) -> usize {
    text.split(|&b| b == b'\n')
        .filter(|line| {
            let line = String::from_utf8_lossy(line);
            let line = line.trim();
            line.ends_with('{') && !line.contains('=')
        })
        .count()
}

#[test]
fn nagios1_status_log_is_reported_as_unsupported() {
    let Some(dir) = crate::corpus::corpus() else { return };
    let text = fs::read(dir.join("perl-nagios-object/t/status.log")).unwrap();
    let file = parse_status(&text);
    assert!(file.blocks.is_empty());
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    assert_eq!(file.errors[0].kind, StatusErrorKind::Nagios1Format);
    assert_eq!(file.errors[0].kind.code(), "status/nagios1-format");
    assert!(text[file.errors[0].span.range()].starts_with(b"[1064776420] PROGRAM;"));
    assert!(!file.complete);
}

fn scenario(name: &str) -> Option<Vec<u8>> {
    let dir = crate::corpus::corpus()?;
    Some(fs::read(dir.join("nagios4-oracle-generated/scenario-states/output").join(name)).unwrap())
}

#[test]
fn nagios_4_4_6_status_dat_typed_values() {
    let Some(text) = scenario("status.dat") else { return };
    let mut reader = StatusReader::new(&text);
    let (mut info, mut program) = (None, None);
    let (mut hosts, mut services, mut comments, mut downtimes) = (vec![], vec![], vec![], vec![]);
    let mut contacts = vec![];
    for block in reader.by_ref() {
        match Record::from_block(&block).unwrap() {
            Record::Info(i) => info = Some(i),
            Record::Program(p) => program = Some(p),
            Record::Host(h) => hosts.push(h),
            Record::Service(s) => services.push(s),
            Record::Contact(c) => contacts.push(c),
            Record::Comment(c) => comments.push(c),
            Record::Downtime(d) => downtimes.push(d),
            Record::Other => panic!("unexpected block {}", block.kind),
        }
    }
    assert!(reader.errors().is_empty() && reader.is_complete());
    assert_eq!((hosts.len(), services.len(), comments.len(), downtimes.len()), (3, 11, 5, 2));

    let info: Info<'_> = info.unwrap();
    assert_eq!((info.created, info.version), (Some(1795479023), Some(&b"4.4.6"[..])));
    let program: ProgramStatus<'_> = program.unwrap();
    assert_eq!(program.nagios_pid, Some(23533));
    assert_eq!(program.program_start, Some(1795478999));
    assert_eq!(program.daemon_mode, Some(false));
    assert_eq!(program.enable_notifications, Some(false));
    assert_eq!(program.active_service_checks_enabled, Some(true));
    assert_eq!(program.check_host_freshness, Some(false));
    assert_eq!(program.next_comment_id, Some(6));

    let host = |name: &str| -> &HostStatus<'_> {
        hosts.iter().find(|h| h.host_name == name.as_bytes()).unwrap()
    };
    let service = |host: &str, desc: &str| -> &ServiceStatus<'_> {
        services
            .iter()
            .find(|s| s.host_name == host.as_bytes() && s.service_description == desc.as_bytes())
            .unwrap()
    };

    // A DOWN host, HARD, with perf data.
    let router = &host("router1").check;
    assert_eq!(
        (router.current_state, router.last_hard_state, router.state_type),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!((router.current_attempt, router.max_attempts), (Some(2), Some(2)));
    assert_eq!(router.percent_state_change, Some(5.46));
    assert_eq!(router.last_time_in(1), Some(1795479015));
    assert_eq!(
        router.performance_data,
        Some(&b"rta=0.000000ms;3000.000000;5000.000000;0.000000 pl=100%;80;100;0"[..])
    );
    // Custom variable, not modified.
    let rack = host("web01").check.custom_variable("RACK").unwrap();
    assert_eq!((rack.modified, rack.value), (false, &b"r12"[..]));

    // A CRITICAL HARD service.
    let ping = &service("behind-router", "PING").check;
    assert_eq!(
        (ping.current_state, ping.last_hard_state, ping.state_type),
        (Some(2), Some(2), Some(1))
    );
    assert_eq!((ping.current_attempt, ping.max_attempts), (Some(3), Some(3)));
    assert_eq!(ping.plugin_output, Some(&b"CRITICAL - Connection refused"[..]));
    assert_eq!(ping.check_command, Some(&b"emit!crit"[..]));
    assert_eq!((ping.check_interval, ping.retry_interval), (Some(5.0), Some(1.0)));
    assert_eq!((ping.check_execution_time, ping.check_latency), (Some(0.001), Some(0.0)));
    assert_eq!(ping.last_check, Some(1795479020));
    assert_eq!(ping.has_been_checked, Some(true));
    assert_eq!(ping.problem_has_been_acknowledged, Some(false));

    // An acknowledged (sticky) problem, and its entry_type=4 comment.
    let http = &service("web01", "HTTP").check;
    assert_eq!(http.current_state, Some(2));
    assert_eq!(
        (http.problem_has_been_acknowledged, http.acknowledgement_type),
        (Some(true), Some(2))
    );
    let ack: &Comment<'_> = comments.iter().find(|c| c.entry_type == Some(4)).unwrap();
    assert_eq!((ack.host_name, ack.service_description), (&b"web01"[..], Some(&b"HTTP"[..])));
    assert_eq!(
        (ack.author, ack.comment_data),
        (Some(&b"alice"[..]), Some(&b"Known issue, ticket #1234"[..]))
    );
    assert_eq!(
        (ack.comment_id, ack.persistent, ack.entry_time),
        (Some(1), Some(true), Some(1795478999))
    );
    let host_comment = comments.iter().find(|c| c.service_description.is_none()).unwrap();
    assert_eq!(host_comment.comment_data, Some(&b"Rack r12; scheduled for replacement"[..]));
    assert!(comments.iter().any(|c| c.comment_data == Some(b"non-persistent comment with = sign")));

    // A service in a fixed downtime that is in effect; multi-line escaped long output.
    let disk = &service("web01", "Disk /var").check;
    assert_eq!(
        (disk.current_state, disk.state_type, disk.scheduled_downtime_depth),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(disk.plugin_output, Some(&b"WARNING - /var 85% used: inode ok"[..]));
    assert_eq!(
        disk.long_plugin_output,
        Some(&br"filesystem /var: 8500MB of 10000MB\npath C:\\temp has a backslash; and a semicolon\nlast long line "[..])
    );
    assert_eq!(
        disk.long_output_text().as_deref(),
        Some(
            "filesystem /var: 8500MB of 10000MB\npath C:\\temp has a backslash; and a semicolon\nlast long line "
        )
    );
    assert_eq!(
        disk.performance_data,
        Some(&b"'/var'=8500MB;8000;9000;0;10000  'inodes used'=85%;80;90 '/tmp'=1.5GB;;;0;4"[..])
    );
    let dt: &Downtime<'_> = downtimes.iter().find(|d| d.is_in_effect == Some(true)).unwrap();
    assert_eq!((dt.host_name, dt.service_description), (&b"web01"[..], Some(&b"Disk /var"[..])));
    assert_eq!(
        (dt.downtime_id, dt.comment_id, dt.fixed, dt.duration),
        (Some(1), Some(4), Some(true), Some(3660))
    );
    assert_eq!((dt.start_time, dt.end_time), (Some(1795478938), Some(1795482598)));
    assert_eq!((dt.author, dt.comment), (Some(&b"dave"[..]), Some(&b"Disk migration"[..])));
    let flexible = downtimes.iter().find(|d| d.is_in_effect == Some(false)).unwrap();
    assert_eq!(
        (flexible.host_name, flexible.fixed, flexible.duration),
        (&b"router1"[..], Some(false), Some(1800))
    );

    // A modified custom variable (CHANGE_CUSTOM_SVC_VAR) and modified_attributes.
    let load = &service("web01", "Load").check;
    let sla = load.custom_variable("SLA").unwrap();
    assert_eq!((sla.modified, sla.value), (true, &b"silver"[..]));
    assert_eq!(load.modified_attributes, Some(32768));
    assert_eq!(service("web01", "Empty").check.modified_attributes, Some(1));
    // Passive SOFT result, and UTF-8 output.
    let passive = &service("web01", "Passive").check;
    assert_eq!((passive.check_type, passive.state_type), (Some(1), Some(0)));
    assert_eq!(
        service("web01", "Unicode").check.plugin_output,
        Some("OK - Temperatur 21,5 °C – gut".as_bytes())
    );
    assert_eq!(contacts[0].custom_variables[0].value, b"42");
}

#[test]
fn nagios_4_4_6_retention_dat_typed_values() {
    let Some(text) = scenario("retention.dat") else { return };
    let file = parse_status(&text);
    assert!(file.errors.is_empty() && file.complete);
    let block = file
        .blocks
        .iter()
        .find(|b| b.kind == BlockKind::Service && b.get("service_description") == Some(b"PING"))
        .unwrap();
    let ping = ServiceStatus::from_block(block).unwrap();
    assert_eq!(ping.host_name, b"behind-router");
    assert_eq!((ping.check.current_state, ping.check.last_state), (Some(2), Some(2)));
    assert_eq!(block.get("state_history"), Some(&b"0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,2,2,2,2"[..]));
    assert!(file.blocks.iter().any(|b| b.kind == BlockKind::Program));
}

/// A small valid status file in Nagios 4 layout.
const SAMPLE: &str = "########################################\n#          NAGIOS STATUS FILE\n\
########################################\n\ninfo {\n\tcreated=1795479023\n\tversion=4.4.6\n\t}\n\n\
programstatus {\n\tnagios_pid=23533\n\tenable_notifications=0\n\t}\n\n\
hoststatus {\n\thost_name=web01\n\tcurrent_state=0\n\tplugin_output=OK\n\t_RACK=0;r12\n\t}\n\n\
servicestatus {\n\thost_name=web01\n\tservice_description=Disk /var\n\tcurrent_state=1\n\
\tlong_plugin_output=a\\nb\\\\c \n\tperformance_data='/var'=85%;80;90  x=1\n\t}\n\n\
servicedowntime {\n\thost_name=web01\n\tservice_description=Disk /var\n\tis_in_effect=1\n\t}\n";

#[test]
fn sample_parses() {
    let file = parse_status(SAMPLE.as_bytes());
    assert!(file.errors.is_empty() && file.complete);
    assert_eq!(file.blocks.len(), 5);
}

fn block_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("info".to_owned()),
        Just("programstatus".to_owned()),
        Just("hoststatus".to_owned()),
        Just("servicestatus".to_owned()),
        Just("servicecomment".to_owned()),
        Just("host".to_owned()),
        "[a-z][a-z0-9_.-]{0,14}",
    ]
}

fn field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\r\n]{0,60}",
        "[ =;|#{}a-z0-9'\\\\]{0,40}",
        Just(String::new()),
        Just("'/'=1234MB;2000;3000;0;4000 load1=0.5;5;10;0  ".to_owned()),
        Just("0;silver = gold".to_owned()),
    ]
}

type Doc = Vec<(String, Vec<(String, String)>)>;

fn doc() -> impl Strategy<Value = Doc> {
    proptest::collection::vec(
        (
            block_name(),
            proptest::collection::vec(("[A-Za-z_][A-Za-z0-9_]{0,24}", field_value()), 0..12),
        ),
        0..8,
    )
}

/// Print blocks the way Nagios (`indent` "\t") or retention (`indent` "") does.
fn print(doc: &Doc, indent: &str, newline: &str) -> String {
    let mut out = format!("# generated{newline}");
    for (name, fields) in doc {
        out.push_str(&format!("{name} {{{newline}"));
        for (key, value) in fields {
            out.push_str(&format!("{indent}{key}={value}{newline}"));
        }
        out.push_str(&format!("{indent}}}{newline}{newline}"));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn printed_blocks_parse_back_exactly(
        doc in doc(),
        indent in prop_oneof![Just("\t"), Just(""), Just("       "), Just("\t\t")],
        newline in prop_oneof![Just("\n"), Just("\r\n")],
    ) {
        let text = print(&doc, indent, newline);
        let file = parse_status(text.as_bytes());
        prop_assert!(file.errors.is_empty(), "{:?}", file.errors);
        prop_assert_eq!(file.complete, !doc.is_empty());
        prop_assert_eq!(file.blocks.len(), doc.len());
        for (block, (name, fields)) in file.blocks.iter().zip(&doc) {
            prop_assert_eq!(block.kind.name(), name.as_bytes());
            prop_assert!(block.closed);
            let got: Vec<(&[u8], &[u8])> = block.fields.clone();
            let want: Vec<(&[u8], &[u8])> =
                fields.iter().map(|(k, v)| (k.as_bytes(), v.as_bytes())).collect();
            prop_assert_eq!(got, want);
            for (key, value) in &block.fields {
                prop_assert_eq!(&text.as_bytes()[block.span_of(value).range()], *value);
                prop_assert_eq!(&text.as_bytes()[block.span_of(key).range()], *key);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        check_never_panics(&bytes)?;
    }

    #[test]
    fn grammar_shaped_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u16>(), 0..4096).prop_map(|words| {
            const ALPHABET: &[u8] = b"\n\n\n{}= \t#\r;[0a_";
            words
                .into_iter()
                .map(|w| if w % 3 == 0 { (w >> 8) as u8 } else { ALPHABET[usize::from(w) % ALPHABET.len()] })
                .collect::<Vec<u8>>()
        })
    ) {
        check_never_panics(&bytes)?;
    }

    #[test]
    fn truncated_valid_file_reports_the_open_block(cut in 0usize..=SAMPLE.len()) {
        let full = parse_status(SAMPLE.as_bytes());
        let prefix = &SAMPLE.as_bytes()[..cut];
        let file = parse_status(prefix);
        let inside = full.blocks.iter().find(|b| b.header_span.end <= cut && cut < b.span.end);
        let unterminated = file
            .errors
            .iter()
            .filter(|e| matches!(e.kind, StatusErrorKind::UnterminatedBlock(_)))
            .count();
        match inside {
            Some(block) => {
                prop_assert_eq!(unterminated, 1);
                let last = file.blocks.last().unwrap();
                prop_assert!(!last.closed);
                prop_assert_eq!(last.header_span, block.header_span);
                prop_assert!(!file.complete);
                prop_assert!(!looks_complete(prefix));
            }
            None => prop_assert_eq!(unterminated, 0),
        }
    }
}

/// Every cut of a real file (with a stride): no panic, and an unterminated-block error exactly
/// when the cut falls inside a block (after its header, before its `}`).
#[test]
fn truncations_of_the_real_status_dat() {
    let Some(text) = scenario("status.dat") else { return };
    let full = parse_status(&text);
    for cut in (0..=text.len()).step_by(29).chain([text.len() - 1, text.len() - 2]) {
        let file = parse_status(&text[..cut]);
        let inside = full.blocks.iter().any(|b| b.header_span.end <= cut && cut < b.span.end);
        let unterminated = file
            .errors
            .iter()
            .filter(|e| matches!(e.kind, StatusErrorKind::UnterminatedBlock(_)))
            .count();
        assert_eq!(unterminated, usize::from(inside), "cut at {cut}: {:?}", file.errors);
        let ends_closed = looks_complete(&text[..cut]) && !file.blocks.is_empty();
        assert_eq!(file.complete, ends_closed, "cut at {cut}");
    }
}

fn check_never_panics(bytes: &[u8]) -> Result<(), TestCaseError> {
    let mut reader = StatusReader::new(bytes);
    let mut blocks = 0;
    for block in reader.by_ref() {
        blocks += 1;
        prop_assert!(block.span.end <= bytes.len() && block.header_span.end <= bytes.len());
        let _ = Record::from_block(&block);
        for (key, value) in &block.fields {
            prop_assert!(block.span_of(key).end <= bytes.len());
            prop_assert!(block.span_of(value).end <= bytes.len());
        }
    }
    prop_assert!(blocks <= bytes.split(|&b| b == b'\n').count());
    for error in reader.errors() {
        prop_assert!(error.span.start <= error.span.end && error.span.end <= bytes.len());
    }
    let _ = looks_complete(bytes);
    Ok(())
}
