//! Every exporter the generated configuration scrapes, in one table: its scrape job, whether
//! it runs on each host (targets `address:port`) or is reached through a prober that is given
//! the target (blackbox_exporter, snmp_exporter), and whether its being unscrapeable is the
//! monitoring going blind (`NagiosExporterDown`) or a check's own condition. `prometheus.yml`,
//! the targets, the blind-monitoring rule and the probes' jobs all read it.

/// How Prometheus reaches an exporter's targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The exporter runs on every host it measures: targets are `address:port`, the port
    /// an option of `convert` ([`super::Ports`]).
    OnHost,
    /// One exporter probes the targets (`__param_target`), at `metrics_path`, with the
    /// target's `module` label as `__param_module`; its address is an option of `convert`.
    Prober {
        /// The exporter's probe path (`/probe`, `/snmp`).
        metrics_path: &'static str,
    },
    /// A prober runs on every host it probes from: targets are `address:port` (the port an
    /// option of `convert`), each with what to probe as its `__param_target` label and the
    /// target's `module` label as `__param_module`.
    ProberOnHost {
        /// The exporter's probe path (`/probe`).
        metrics_path: &'static str,
    },
}

/// One exporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exporter {
    /// The scrape job (`job` label), as [`super::Probe::job`] names it.
    pub job: &'static str,
    /// How its targets are reached.
    pub reach: Reach,
    /// `up == 0` on its targets means the rules reading it cannot see (`NagiosExporterDown`);
    /// false where `up == 0` is the check's own condition (snmp_exporter answers 500 when the
    /// agent does not: check_snmp's CRITICAL, raised by its rules).
    pub down_is_blind: bool,
}

const fn on_host(job: &'static str) -> Exporter {
    Exporter { job, reach: Reach::OnHost, down_is_blind: true }
}

/// Every exporter, in the order `prometheus.yml` lists their jobs.
pub const EXPORTERS: [Exporter; 8] = [
    on_host("node"),
    on_host("mysqld"),
    on_host("postgres"),
    on_host("windows"),
    on_host("process"),
    Exporter {
        job: "blackbox",
        reach: Reach::Prober { metrics_path: "/probe" },
        down_is_blind: true,
    },
    Exporter { job: "snmp", reach: Reach::Prober { metrics_path: "/snmp" }, down_is_blind: false },
    Exporter {
        job: "blackbox_on_host",
        reach: Reach::ProberOnHost { metrics_path: "/probe" },
        down_is_blind: true,
    },
];

/// The jobs whose unscrapeable targets are the monitoring going blind.
pub fn blind_jobs() -> impl Iterator<Item = &'static str> {
    EXPORTERS.iter().filter(|e| e.down_is_blind).map(|e| e.job)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::Probe;

    #[test]
    fn every_probe_job_is_in_the_table_with_its_reach() {
        let module =
            crate::translate::blackbox::Module::new(crate::translate::blackbox::Prober::Icmp, 1);
        let snmp = crate::translate::snmp::Module {
            version: crate::translate::snmp::Version::V1,
            community: crate::translate::snmp::Community::Default,
            variable: None,
            timeout: 1,
            retries: 0,
            oids: Vec::new(),
            present: Vec::new(),
            v3: None,
        };
        let probes = [
            Probe::Node,
            Probe::Mysqld,
            Probe::Postgres,
            Probe::Windows,
            Probe::Process { group: String::new(), comm: String::new() },
            Probe::Blackbox {
                module: String::new(),
                settings: Box::new(module.clone()),
                target: String::new(),
                from_host: false,
            },
            Probe::Blackbox {
                module: String::new(),
                settings: Box::new(module),
                target: String::new(),
                from_host: true,
            },
            Probe::Snmp { module: String::new(), settings: Box::new(snmp), target: String::new() },
        ];
        for probe in probes {
            let e = EXPORTERS.iter().find(|e| e.job == probe.job()).expect("in the table");
            assert_eq!(
                matches!(e.reach, Reach::Prober { .. } | Reach::ProberOnHost { .. }),
                probe.is_probe(),
                "{}",
                e.job
            );
        }
        assert_eq!(EXPORTERS.len(), 8);
        assert!(!blind_jobs().any(|j| j == "snmp"));
    }
}
