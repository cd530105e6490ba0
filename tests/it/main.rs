//! The root crate's single integration-test binary.

// Test code may unwrap: a panic is a test failure with a message.
#![allow(clippy::unwrap_used)]

/// `DIR/alertmanager.yml` checked with the real amtool: validity and routing fidelity.
mod alertmanager;
/// check_apt against the real plugin, apt_info.py, node_exporter and Prometheus.
mod apt;
/// The `nag2prom` command line: exit codes, diagnostics, real installations.
mod cli;
/// `nag2prom convert`: rules, tests, targets checked with promtool and Prometheus.
mod convert;
/// `nag2prom diff`: goldens on configuration pairs, rule files, `--git-ref`.
mod diff;
/// check_dig against a real DNS server, dig, blackbox_exporter and Prometheus.
mod dns;
/// The migration end to end: real Nagios, plugins, exporters, bridge and Prometheus agree.
mod e2e;
/// Network checks NRPE runs on the host, probed from the host (real NRPE, blackbox, Prometheus).
mod from_host;
/// check_http basic auth with the password in a file, against a real web server.
mod http_auth;
/// The object model against the real Nagios (recorded and live oracles).
mod model;
/// OLA targets: rules/ola.yml and its tests run by promtool, bad declarations.
mod ola;
/// `convert --out`: what it may replace, and what it refuses.
mod out_dir;
/// Every README command runs (or is named with the test that runs it).
mod readme;
/// Several Nagios installations federated into one Prometheus view.
mod scale_out;
/// The bridge: `nag2prom serve` / `export`, up to a real Nagios and Prometheus.
mod serve;
/// check_snmp on a real snmpd, check_snmp, snmp_exporter and Prometheus.
mod snmp;
/// Shared helpers: the built binary, the shared corpus, the real tools.
mod support;
/// Repository hygiene: documented diagnostic codes.
mod tidy;
/// Wikimedia's check_ssl on real certificates, openssl s_server, blackbox and Prometheus.
mod tls;
