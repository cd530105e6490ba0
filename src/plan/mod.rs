//! The monitoring plan: what a conversion produces, as data that `diff` (and later parity
//! and dashboards) compare — rules, the hosts each native rule group covers, scrape targets,
//! probe modules (blackbox, snmp) and scrape jobs, Alertmanager routing, and which Nagios services each
//! rule stands for.
//!
//! A plan is read from a set of files: the output of `convert` (on disk, or rendered in
//! memory from a nagios.cfg), or any Prometheus rule file or directory. The rule files parse
//! into [`rules::RuleFile`], the same types `convert` renders its rules from.

pub mod expr;
pub mod load;
pub mod routing;
pub mod rules;

pub use load::{Plan, PlanError, PlanRule, PlanTarget, Service};
