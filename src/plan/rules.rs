//! The rule model: Prometheus rule files as data, in the shape of Prometheus' `rulefmt`
//! (`groups:` → `name`, `interval`, `rules:` → `alert`/`record`, `expr`, `for`,
//! `keep_firing_for`, `labels`, `annotations`). `convert` renders its rules from these types,
//! and any rule file, written by nag2prom or by hand, parses back into them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A rule file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Rule groups.
    #[serde(default)]
    pub groups: Vec<RuleGroup>,
}

/// A rule group. Group fields nag2prom does not compare (`limit`, `query_offset`) are
/// accepted and ignored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct RuleGroup {
    /// Unique name.
    pub name: String,
    /// Evaluation interval; Prometheus' global `evaluation_interval` when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interval: String,
    /// Rules.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// A recording or alerting rule.
#[derive(Debug, Serialize, Deserialize, Default, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Recording rule name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// Alert name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    /// PromQL.
    pub expr: String,
    /// `for:`.
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<String>,
    /// `keep_firing_for:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_firing_for: Option<String>,
    /// Labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl Rule {
    /// The alert or record name (`""` when the file names neither).
    pub fn name(&self) -> &str {
        self.alert.as_deref().or(self.record.as_deref()).unwrap_or("")
    }

    /// Whether this is an alerting rule.
    pub fn is_alert(&self) -> bool {
        self.alert.is_some()
    }
}

/// Why a rule file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RuleFileError {
    /// Not YAML of the rule-file shape.
    #[error("not a Prometheus rule file: {0}")]
    Yaml(String),
    /// A rule names neither `alert` nor `record`, or both.
    #[error("group `{group}`, rule {index}: a rule needs exactly one of `alert` and `record`")]
    Kind {
        /// The group.
        group: String,
        /// 1-based position in the group.
        index: usize,
    },
    /// An expression Prometheus would refuse.
    #[error("group `{group}`, rule `{rule}`: invalid PromQL: {message}")]
    Expr {
        /// The group.
        group: String,
        /// The rule's name.
        rule: String,
        /// The parser's message.
        message: String,
    },
}

/// Read a rule file: YAML in the rulefmt shape, each rule with exactly one of `alert` and
/// `record` and an expression that parses as PromQL.
pub fn parse(text: &str) -> Result<RuleFile, RuleFileError> {
    if text.trim().is_empty() {
        return Ok(RuleFile::default());
    }
    let file: RuleFile =
        serde_saphyr::from_str(text).map_err(|e| RuleFileError::Yaml(e.to_string()))?;
    for group in &file.groups {
        for (i, rule) in group.rules.iter().enumerate() {
            if rule.alert.is_some() == rule.record.is_some() {
                return Err(RuleFileError::Kind { group: group.name.clone(), index: i + 1 });
            }
            super::expr::parse(&rule.expr).map_err(|message| RuleFileError::Expr {
                group: group.name.clone(),
                rule: rule.name().to_owned(),
                message,
            })?;
        }
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_written_file_parses_and_round_trips() {
        let text = "groups:\n- name: g\n  rules:\n  - alert: High\n    expr: up == 0\n    for: 5m\n    labels:\n      severity: critical\n  - record: job:up:sum\n    expr: sum by (job) (up)\n";
        let file = parse(text).unwrap();
        assert_eq!(file.groups[0].rules.len(), 2);
        assert_eq!(file.groups[0].rules[0].for_.as_deref(), Some("5m"));
        assert_eq!(file.groups[0].rules[1].name(), "job:up:sum");
        let again: RuleFile =
            serde_saphyr::from_str(&serde_saphyr::to_string(&file).unwrap()).unwrap();
        assert_eq!(again, file);
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert!(matches!(parse("groups: [1]"), Err(RuleFileError::Yaml(_))));
        assert!(matches!(
            parse("groups:\n- name: g\n  rules:\n  - expr: up\n"),
            Err(RuleFileError::Kind { .. })
        ));
        let err =
            parse("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: 'up =='\n").unwrap_err();
        assert!(err.to_string().contains("rule `A`: invalid PromQL"), "{err}");
        assert!(
            parse("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    bogus: 1\n")
                .is_err()
        );
        assert_eq!(parse("").unwrap(), RuleFile::default());
    }
}
