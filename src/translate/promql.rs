//! PromQL text: string literals and RE2 regexes built from Nagios names (service descriptions,
//! host names, expected banners), escaped once here for every rule writer.

/// A PromQL double-quoted string body for `text`.
pub fn string_literal(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// `text` as an RE2 regex that matches it literally.
pub fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A PromQL double-quoted string body matching exactly one of `items` as an RE2 regex.
pub fn regex_alternatives(items: &[String]) -> String {
    let alternatives: Vec<String> =
        items.iter().map(|item| string_literal(&regex_escape(item))).collect();
    alternatives.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_are_escaped_for_re2_and_promql() {
        assert_eq!(regex_alternatives(&["a.b".to_owned(), "c\"d".to_owned()]), "a\\\\.b|c\\\"d");
        assert_eq!(regex_alternatives(&["a\\b\nc".to_owned()]), "a\\\\\\\\b\\nc");
        assert_eq!(string_literal("a\"b\\"), "a\\\"b\\\\");
        assert_eq!(regex_escape("^a.b$"), "\\^a\\.b\\$");
    }
}
