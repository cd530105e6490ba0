//! A service's plugin argument vector: the command's `command_line` with `$ARGn$` expanded from
//! the `check_command`, split into words the way Nagios hands them to the plugin, and read
//! getopt-style against each plugin's option table.
//!
//! Secrets: `$USERn$` is never expanded. A word that contains a `$USERn$` macro keeps the macro
//! text, so a plugin that needs that value (a threshold) can say it is hidden, and a password
//! option's value is never looked at. Host and service macros (`$HOSTADDRESS$`, `$HOSTNAME$`, …)
//! are kept too: they differ per host, and the translation is per command, not per host.

use std::fmt;

/// Why a command line could not be read as a plain plugin call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgvError {
    /// Shell syntax Nagios would hand to `/bin/sh`: pipes, redirections, `;`, `&&`, `$(…)`.
    #[error("the command line uses shell syntax ({0}); only plain plugin calls are translated")]
    Shell(String),
    /// A quote is never closed.
    #[error("unterminated quote in the command line")]
    UnterminatedQuote,
    /// Nothing to run.
    #[error("empty command line")]
    Empty,
    /// A `$ARGn$` the check_command does not give expands to nothing; fine for Nagios, but
    /// noted.
    #[error("option `{0}` is not understood by {1}")]
    UnknownOption(String, &'static str),
    /// An option needs a value and none follows.
    #[error("option `{0}` needs a value")]
    MissingValue(String),
}

/// Expand `$ARGn$` (1-based, from `args`) and `$$` in `command_line`; every other macro is
/// kept verbatim. Unknown `$…` text is kept too.
pub fn expand_args(command_line: &str, args: &[impl AsRef<str>]) -> String {
    let mut out = String::with_capacity(command_line.len() + 16);
    let mut rest = command_line;
    while let Some(start) = rest.find('$') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('$') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        if name.is_empty() {
            // `$$` is a literal dollar sign.
            out.push('$');
        } else if let Some(n) = name.strip_prefix("ARG").and_then(|n| n.parse::<usize>().ok()) {
            if let Some(value) = n.checked_sub(1).and_then(|i| args.get(i)) {
                out.push_str(value.as_ref());
            }
        } else if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            out.push('$');
            out.push_str(name);
            out.push('$');
        } else {
            // Not a macro: keep the `$` and rescan from the next character.
            out.push('$');
            rest = after;
            continue;
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Split a command line into words: blanks separate, `'…'` and `"…"` quote, `\` escapes the
/// next character outside single quotes. Unquoted shell operators make it an [`ArgvError::Shell`].
pub fn split_words(line: &str) -> Result<Vec<String>, ArgvError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err(ArgvError::UnterminatedQuote),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => word.push(ch),
                            Some(ch) => {
                                word.push('\\');
                                word.push(ch);
                            }
                            None => return Err(ArgvError::UnterminatedQuote),
                        },
                        Some('`') => return Err(ArgvError::Shell("`…`".to_owned())),
                        Some(ch) => word.push(ch),
                        None => return Err(ArgvError::UnterminatedQuote),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    word.push(ch);
                }
            }
            '|' | '&' | ';' | '<' | '>' | '`' | '(' | ')' => {
                return Err(ArgvError::Shell(format!("`{c}`")));
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    if words.is_empty() {
        return Err(ArgvError::Empty);
    }
    Ok(words)
}

/// The plugin's file name: the last path component of the first word (`$USER1$/check_load` →
/// `check_load`).
pub fn plugin_name(first_word: &str) -> &str {
    first_word.rsplit('/').next().unwrap_or(first_word)
}

/// True when `word` holds a `$USERn$` macro (a resource-file value, possibly a secret).
pub fn has_user_macro(word: &str) -> bool {
    let mut rest = word;
    while let Some(i) = rest.find("$USER") {
        let tail = &rest[i + 5..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && tail.as_bytes().get(digits) == Some(&b'$') {
            return true;
        }
        rest = tail;
    }
    false
}

/// One option a plugin accepts.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    /// Short letter (`'w'`), or `'\0'` for a long-only option.
    pub short: char,
    /// Long name without dashes (`"warning"`), or `""`.
    pub long: &'static str,
    /// Whether it takes a value.
    pub value: bool,
}

/// Shorthand for an option table entry.
pub const fn opt(short: char, long: &'static str, value: bool) -> Opt {
    Opt { short, long, value }
}

/// One option found in an argument vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The option's short letter, or `'\0'`.
    pub short: char,
    /// Its long name.
    pub long: &'static str,
    /// Its value, when it takes one.
    pub value: Option<String>,
}

/// Options and operands of a plugin call, in command-line order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Options in order (a repeated option appears several times).
    pub options: Vec<Found>,
    /// Words that are not options (getopt permutes them to the end).
    pub operands: Vec<String>,
}

impl Parsed {
    /// The last value given for the option with this short letter (getopt: the last one wins
    /// for plain assignments).
    pub fn last(&self, short: char) -> Option<&str> {
        self.options.iter().rev().find(|o| o.short == short).and_then(|o| o.value.as_deref())
    }

    /// The last value of a long-only option.
    pub fn last_long(&self, long: &str) -> Option<&str> {
        self.options.iter().rev().find(|o| o.long == long).and_then(|o| o.value.as_deref())
    }

    /// True when the option with this short letter was given.
    pub fn has(&self, short: char) -> bool {
        self.options.iter().any(|o| o.short == short)
    }

    /// True when the long-only option was given.
    pub fn has_long(&self, long: &str) -> bool {
        self.options.iter().any(|o| o.long == long)
    }

    /// Every value of the option with this short letter, in order.
    pub fn all(&self, short: char) -> impl Iterator<Item = &str> {
        self.options.iter().filter(move |o| o.short == short).filter_map(|o| o.value.as_deref())
    }
}

/// Read `args` (without the program name) against `table`, as glibc `getopt_long` does:
/// `-w 5`, `-w5`, bundled flags `-vS`, `--warning=5`, `--warning 5`, unambiguous long
/// prefixes, `--` ends options. Non-options are collected as operands.
pub fn getopt(args: &[String], table: &[Opt], plugin: &'static str) -> Result<Parsed, ArgvError> {
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            parsed.operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            let exact = table.iter().find(|o| !o.long.is_empty() && o.long == name);
            let opt = match exact {
                Some(o) => *o,
                None => {
                    let mut prefixed =
                        table.iter().filter(|o| !name.is_empty() && o.long.starts_with(name));
                    match (prefixed.next(), prefixed.next()) {
                        (Some(o), None) => *o,
                        _ => return Err(ArgvError::UnknownOption(format!("--{name}"), plugin)),
                    }
                }
            };
            let value = if opt.value {
                match inline {
                    Some(v) => Some(v),
                    None => {
                        let v = args
                            .get(i)
                            .cloned()
                            .ok_or_else(|| ArgvError::MissingValue(format!("--{name}")))?;
                        i += 1;
                        Some(v)
                    }
                }
            } else {
                None
            };
            parsed.options.push(Found { short: opt.short, long: opt.long, value });
            continue;
        }
        if arg.len() > 1 && arg.starts_with('-') {
            for (at, c) in arg[1..].char_indices() {
                let Some(opt) = table.iter().find(|o| o.short == c && c != '\0') else {
                    return Err(ArgvError::UnknownOption(format!("-{c}"), plugin));
                };
                if opt.value {
                    let rest = &arg[1 + at + c.len_utf8()..];
                    let value = if !rest.is_empty() {
                        rest.to_owned()
                    } else {
                        let v = args
                            .get(i)
                            .cloned()
                            .ok_or_else(|| ArgvError::MissingValue(format!("-{c}")))?;
                        i += 1;
                        v
                    };
                    parsed.options.push(Found { short: c, long: opt.long, value: Some(value) });
                    break;
                }
                parsed.options.push(Found { short: c, long: opt.long, value: None });
            }
            continue;
        }
        parsed.operands.push(arg.clone());
    }
    Ok(parsed)
}

/// A plugin call read from a service: plugin name and arguments after `$ARGn$` expansion.
#[derive(Clone, PartialEq)]
pub struct Call {
    /// The plugin's file name (`check_load`).
    pub plugin: String,
    /// The words after the program, `$USERn$` and host macros unexpanded.
    pub args: Vec<String>,
}

/// Never prints arguments: they may hold passwords.
impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Call({}, {} args)", self.plugin, self.args.len())
    }
}

/// The call a `command_line` makes once `check_command`'s arguments are substituted.
pub fn call(command_line: &str, args: &[impl AsRef<str>]) -> Result<Call, ArgvError> {
    let expanded = expand_args(command_line, args);
    let mut words = split_words(&expanded)?;
    let first = words.remove(0);
    Ok(Call { plugin: plugin_name(&first).to_owned(), args: words })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TABLE: &[Opt] = &[
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('r', "percpu", false),
        opt('H', "hostname", true),
    ];

    fn words(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn expands_args_and_keeps_other_macros() {
        assert_eq!(
            expand_args(
                "$USER1$/check_disk -w $ARG1$ -c $ARG2$ -p $ARG3$ -H $HOSTADDRESS$ $ARG9$",
                &["20%", "10%", "/"]
            ),
            "$USER1$/check_disk -w 20% -c 10% -p / -H $HOSTADDRESS$ "
        );
        assert_eq!(expand_args("echo $$ x$", &[] as &[&str]), "echo $ x$");
        assert_eq!(expand_args("a $ b $ARG1$", &["z"]), "a $ b z");
    }

    #[test]
    fn splits_like_nagios() {
        assert_eq!(
            split_words("a  'b c' \"d \\\"e\" f\\ g").unwrap(),
            words(&["a", "b c", "d \"e", "f g"])
        );
        assert!(matches!(split_words("a | b"), Err(ArgvError::Shell(_))));
        assert_eq!(split_words("a 'b"), Err(ArgvError::UnterminatedQuote));
        assert_eq!(split_words("  "), Err(ArgvError::Empty));
    }

    #[test]
    fn getopt_forms() {
        for form in [
            words(&["-w", "5", "-c", "10"]),
            words(&["-w5", "-c10"]),
            words(&["--warning=5", "--critical", "10"]),
            words(&["--warn=5", "--crit=10"]),
        ] {
            let p = getopt(&form, TABLE, "t").unwrap();
            assert_eq!(p.last('w'), Some("5"), "{form:?}");
            assert_eq!(p.last('c'), Some("10"), "{form:?}");
        }
        let p = getopt(&words(&["-rw", "5", "x", "--", "-c"]), TABLE, "t").unwrap();
        assert!(p.has('r'));
        assert_eq!(p.last('w'), Some("5"));
        assert_eq!(p.operands, words(&["x", "-c"]));
        assert!(matches!(getopt(&words(&["-z"]), TABLE, "t"), Err(ArgvError::UnknownOption(..))));
        assert!(matches!(getopt(&words(&["-w"]), TABLE, "t"), Err(ArgvError::MissingValue(_))));
    }

    #[test]
    fn user_macros_are_detected_not_expanded() {
        assert!(has_user_macro("$USER3$"));
        assert!(has_user_macro("x$USER12$y"));
        assert!(!has_user_macro("$USER$"));
        let c = call("$USER1$/check_mysql -p $USER3$ -u $ARG1$", &["nagios"]).unwrap();
        assert_eq!(c.plugin, "check_mysql");
        assert_eq!(c.args, words(&["-p", "$USER3$", "-u", "nagios"]));
        assert!(!format!("{c:?}").contains("USER3"));
    }

    proptest! {
        #[test]
        fn never_panics(line in ".{0,80}", args in proptest::collection::vec(".{0,12}", 0..4)) {
            let _ = expand_args(&line, &args);
            if let Ok(c) = call(&line, &args) {
                let _ = getopt(&c.args, TABLE, "t");
            }
        }
    }
}
