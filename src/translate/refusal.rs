//! Why a service is bridged: a [`Refusal`] is a coded reason, like a diagnostic. The code
//! says what kind of obstacle it is (and so what the user can do about it), the text names the
//! option, threshold or command concerned. The report groups bridged services by code.

use std::fmt;

use super::argv::ArgvError;

/// The kinds of reason a service is bridged rather than translated natively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// The plugin has no translation (not in the registry).
    PluginNotTranslated,
    /// The `check_command` names a command that is not defined.
    CommandUndefined,
    /// The command line cannot be read as the plugin's words (shell syntax, open quote, empty).
    CommandLine,
    /// An option the plugin itself does not know: Nagios runs it and gets UNKNOWN.
    UnknownOption,
    /// An option that needs a value is last, without one.
    MissingValue,
    /// The plugin refuses these arguments itself (UNKNOWN), e.g. warning above critical.
    PluginRefuses,
    /// No thresholds: the plugin alerts only on its own errors, which no metric shows.
    NoThresholds,
    /// A threshold or option value that is not what the plugin accepts, or that the
    /// translation cannot read strictly.
    InvalidValue,
    /// A threshold hidden behind a `$USERn$` macro (the resource file is never read).
    SecretMacro,
    /// A value that depends on a macro that differs per host or service.
    PerHostMacro,
    /// The plugin checks a fixed host or something other than the service's host.
    NotServiceHost,
    /// The plugin measures the Nagios server it runs on, not the service's host.
    RunsOnNagiosServer,
    /// A remote command (NRPE) whose thresholds live in the host's nrpe.cfg.
    NrpeConfigNeeded,
    /// A remote command (NRPE, SSH) that is unknown or runs a plugin not translated remotely.
    RemoteCommand,
    /// An option or mode of the plugin with no exporter equivalent yet.
    OptionNotTranslated,
    /// The check needs credentials, which are never copied into generated files.
    Credentials,
    /// Active checks disabled: the state comes from passive results.
    Passive,
    /// The service's host is not defined.
    HostMissing,
    /// Too many distinct custom-variable macro values to give each a rule group.
    MacroVariants,
}

impl Code {
    /// Every code, in report order.
    pub const ALL: [Code; 19] = [
        Code::PluginNotTranslated,
        Code::CommandUndefined,
        Code::CommandLine,
        Code::UnknownOption,
        Code::MissingValue,
        Code::PluginRefuses,
        Code::NoThresholds,
        Code::InvalidValue,
        Code::SecretMacro,
        Code::PerHostMacro,
        Code::NotServiceHost,
        Code::RunsOnNagiosServer,
        Code::NrpeConfigNeeded,
        Code::RemoteCommand,
        Code::OptionNotTranslated,
        Code::Credentials,
        Code::Passive,
        Code::HostMissing,
        Code::MacroVariants,
    ];

    /// The stable code, `bridge/…`, as report.json and report.md show it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::PluginNotTranslated => "bridge/plugin-not-translated",
            Code::CommandUndefined => "bridge/command-undefined",
            Code::CommandLine => "bridge/command-line",
            Code::UnknownOption => "bridge/unknown-option",
            Code::MissingValue => "bridge/missing-value",
            Code::PluginRefuses => "bridge/plugin-refuses",
            Code::NoThresholds => "bridge/no-thresholds",
            Code::InvalidValue => "bridge/invalid-value",
            Code::SecretMacro => "bridge/secret-macro",
            Code::PerHostMacro => "bridge/per-host-macro",
            Code::NotServiceHost => "bridge/not-service-host",
            Code::RunsOnNagiosServer => "bridge/runs-on-nagios-server",
            Code::NrpeConfigNeeded => "bridge/nrpe-config-needed",
            Code::RemoteCommand => "bridge/remote-command",
            Code::OptionNotTranslated => "bridge/option-not-translated",
            Code::Credentials => "bridge/credentials",
            Code::Passive => "bridge/passive",
            Code::HostMissing => "bridge/host-missing",
            Code::MacroVariants => "bridge/macro-variants",
        }
    }

    /// What the code means and what to do, one sentence for the report.
    pub const fn summary(self) -> &'static str {
        match self {
            Code::PluginNotTranslated => {
                "the plugin has no native translation yet; it stays on Nagios through the bridge"
            }
            Code::CommandUndefined => "the check_command names no defined command",
            Code::CommandLine => {
                "the command line uses shell syntax or broken quoting, so its words cannot be read as the plugin receives them"
            }
            Code::UnknownOption => {
                "an option the plugin does not know: Nagios gets UNKNOWN from it too; fix the command"
            }
            Code::MissingValue => "an option needs a value and has none",
            Code::PluginRefuses => "the plugin itself refuses these arguments (UNKNOWN)",
            Code::NoThresholds => {
                "no -w/-c: the plugin alerts only on its own errors, which no exporter metric shows"
            }
            Code::InvalidValue => {
                "a threshold or option value the plugin does not accept as written"
            }
            Code::SecretMacro => {
                "a threshold hidden behind a $USERn$ macro: the resource file is never read; write the value into the command"
            }
            Code::PerHostMacro => "a value depends on a macro that differs per host",
            Code::NotServiceHost => {
                "the plugin checks a fixed host, not the service's host ($HOSTADDRESS$)"
            }
            Code::RunsOnNagiosServer => {
                "the plugin measures the Nagios server it runs on; run it through check_nrpe, or pass --local-checks-are-remote or --nagios-server-address"
            }
            Code::NrpeConfigNeeded => {
                "the thresholds live in the host's nrpe.cfg: pass --nrpe-config to translate them"
            }
            Code::RemoteCommand => {
                "a remote command (NRPE, SSH) that is unknown or runs a plugin not translated remotely"
            }
            Code::OptionNotTranslated => {
                "an option or mode of the plugin without an exporter equivalent yet"
            }
            Code::Credentials => {
                "the check needs credentials, which are never copied into generated files"
            }
            Code::Passive => "active checks are disabled: only the bridge sees passive results",
            Code::HostMissing => "the service's host is not defined",
            Code::MacroVariants => {
                "its custom-variable macros take too many distinct values to give each a rule group"
            }
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why one plugin call is not translated: a code and the specific text (secret-free).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Refusal {
    /// What kind of obstacle.
    pub code: Code,
    /// What exactly (the option, the threshold, the command).
    pub text: String,
}

impl Refusal {
    /// A refusal of kind `code`.
    pub fn new(code: Code, text: impl Into<String>) -> Refusal {
        Refusal { code, text: text.into() }
    }

    /// The same refusal, its text prefixed with `context: ` (e.g. the remote command).
    #[must_use]
    pub fn context(self, context: impl fmt::Display) -> Refusal {
        Refusal { code: self.code, text: format!("{context}: {}", self.text) }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<ArgvError> for Refusal {
    fn from(e: ArgvError) -> Refusal {
        let code = match e {
            ArgvError::UnknownOption(..) => Code::UnknownOption,
            ArgvError::MissingValue(_) => Code::MissingValue,
            _ => Code::CommandLine,
        };
        Refusal::new(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_listed() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(code.as_str().starts_with("bridge/"), "{code}");
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert!(!code.summary().is_empty());
        }
    }

    #[test]
    fn argv_errors_are_coded() {
        let r: Refusal = ArgvError::UnknownOption("-x".to_owned(), "check_load").into();
        assert_eq!(r.code, Code::UnknownOption);
        let r: Refusal = ArgvError::UnterminatedQuote.into();
        assert_eq!(r.code, Code::CommandLine);
        assert_eq!(r.clone().context("remote").text, format!("remote: {}", r.text));
    }
}
