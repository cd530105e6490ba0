//! Comparing two PromQL expressions as trees (promql-parser): whitespace, parentheses Prometheus
//! would drop and formatting are no change; a threshold change is a number literal that differs
//! in an otherwise identical tree; the ids nag2prom gives its rule groups and levels
//! (`nagios_check`, `nagios_level` matchers) are references, not content.

use promql_parser::parser::{self, Expr};
use promql_parser::util::visitor::{ExprVisitorMut, walk_expr_mut};

/// Label names whose matcher values are ids of nag2prom's own membership records: two
/// expressions that differ only there select the same thing through different ids.
const ID_LABELS: [&str; 3] = ["nagios_check", "nagios_level", "nagios_host_check"];

/// An expression reduced for comparison: its tree without parentheses, with every number
/// literal set to 0, id matchers blanked and matchers sorted, and the numbers in tree order.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The reduced tree.
    pub tree: Expr,
    /// Number literals in pre-order, with the comparison that applies them when there is one
    /// (`>`, `<=`, …) for display.
    pub numbers: Vec<(String, f64)>,
}

/// A NaN payload marking a literal its parent comparison has already recorded.
const TAKEN: u64 = 0x7ff8_0000_dead_beef;

struct Reduce {
    numbers: Vec<(String, f64)>,
}

impl ExprVisitorMut for Reduce {
    type Error = std::convert::Infallible;

    fn pre_visit(&mut self, expr: &mut Expr) -> Result<bool, Self::Error> {
        // Parentheses are grouping only: the tree already says it.
        while let Expr::Paren(p) = expr {
            let inner = std::mem::replace(
                &mut *p.expr,
                Expr::NumberLiteral(promql_parser::parser::NumberLiteral::new(0.0)),
            );
            *expr = inner;
        }
        match expr {
            Expr::Binary(b) => {
                // The operator next to a literal operand tells what kind of number it is.
                let op = b.op.to_string();
                for side in [&mut *b.lhs, &mut *b.rhs] {
                    if let Expr::NumberLiteral(n) = side {
                        self.numbers.push((op.clone(), n.val));
                        n.val = f64::from_bits(TAKEN);
                    }
                }
            }
            Expr::NumberLiteral(n) => {
                if n.val.to_bits() != TAKEN {
                    self.numbers.push((String::new(), n.val));
                }
                n.val = 0.0;
            }
            Expr::VectorSelector(v) => blank_ids(&mut v.matchers),
            Expr::MatrixSelector(m) => blank_ids(&mut m.vs.matchers),
            _ => {}
        }
        Ok(true)
    }
}

fn blank_ids(m: &mut promql_parser::label::Matchers) {
    for matcher in m.matchers.iter_mut() {
        if ID_LABELS.contains(&matcher.name.as_str()) {
            matcher.value.clear();
        }
    }
    // `{a="1", b="2"}` and `{b="2", a="1"}` select the same series.
    m.matchers.sort_by_cached_key(|x| (x.name.clone(), x.op.to_string(), x.value.clone()));
}

/// Regex matchers longer than this are compared as text, not compiled: nag2prom's membership
/// records list thousands of hosts in one `host=~"a|b|…"`, and compiling those took most of a
/// diff's time.
pub const LONG_REGEX: usize = 2048;

/// A label matcher found by [`matchers`]: label, operator and the string literal's body as
/// written (escapes kept), with its byte range in the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMatcher<'a> {
    /// Label name.
    pub label: &'a str,
    /// `=`, `!=`, `=~` or `!~`.
    pub op: &'a str,
    /// The literal's body, escapes kept.
    pub body: &'a str,
    /// The body's byte range in the expression.
    pub range: std::ops::Range<usize>,
}

/// Every `label op "string"` in `text`, found lexically (strings skipped correctly, so a
/// quote inside a literal is no matcher).
pub fn matchers(text: &str) -> Vec<RawMatcher<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let q = b[i];
        if q != b'"' && q != b'\'' && q != b'`' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < b.len() && b[j] != q {
            j += if q != b'`' && b[j] == b'\\' { 2 } else { 1 };
        }
        let end = j.min(b.len());
        // What precedes the literal: `label op`.
        let before = text[..i].trim_end();
        let op = ["=~", "!~", "!=", "="].into_iter().find(|op| before.ends_with(op));
        if let Some(op) = op {
            let name = before[..before.len() - op.len()].trim_end();
            let label_start =
                name.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |p| p + 1);
            let label = &name[label_start..];
            if !label.is_empty() {
                out.push(RawMatcher { label, op, body: &text[start..end], range: start..end });
            }
        }
        i = end + 1;
    }
    out
}

/// `text` with the body of every regex matcher longer than [`LONG_REGEX`] replaced by a hash
/// of it (equal bodies, equal hashes), so parsing it compiles no huge regex.
pub fn without_long_regexes(text: &str) -> std::borrow::Cow<'_, str> {
    let long: Vec<RawMatcher<'_>> = matchers(text)
        .into_iter()
        .filter(|m| m.op.ends_with('~') && m.body.len() > LONG_REGEX)
        .collect();
    if long.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in long {
        out.push_str(&text[at..m.range.start]);
        out.push_str(&format!("long_regex_{:016x}", crate::translate::fnv64(m.body)));
        at = m.range.end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

/// Parse an expression as Prometheus would (huge regexes compared, not compiled: see
/// [`without_long_regexes`]).
pub fn parse(text: &str) -> Result<Expr, String> {
    parser::parse(&without_long_regexes(text))
}

/// Reduce `text`; `Err` carries the parser's message.
pub fn shape(text: &str) -> Result<Shape, String> {
    let mut expr = parse(text)?;
    let mut r = Reduce { numbers: Vec::new() };
    let _ = walk_expr_mut(&mut r, &mut expr);
    Ok(Shape { tree: expr, numbers: r.numbers })
}

/// How two expressions differ.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprChange {
    /// The same tree, ids aside.
    Same,
    /// The same tree with other numbers: `(comparison, old, new)` for each that differs.
    Numbers(Vec<(String, f64, f64)>),
    /// Another tree.
    Rewritten,
}

/// Compare two expressions (an expression that does not parse compares as text).
pub fn compare(old: &str, new: &str) -> ExprChange {
    if old == new {
        return ExprChange::Same;
    }
    let (Ok(a), Ok(b)) = (shape(old), shape(new)) else {
        return if old.trim() == new.trim() { ExprChange::Same } else { ExprChange::Rewritten };
    };
    if a.tree != b.tree || a.numbers.len() != b.numbers.len() {
        return ExprChange::Rewritten;
    }
    // Literals are compared by value: `90` and `90.0` are one number.
    let changed: Vec<(String, f64, f64)> = a
        .numbers
        .iter()
        .zip(&b.numbers)
        .filter(|((_, x), (_, y))| x.to_bits() != y.to_bits() && !(x.is_nan() && y.is_nan()))
        .map(|((op, x), (_, y))| (op.clone(), *x, *y))
        .collect();
    if changed.is_empty() { ExprChange::Same } else { ExprChange::Numbers(changed) }
}

/// Longest old or new text shown for a rewritten expression.
const SHOWN: usize = 400;

/// The lines of two rewritten expressions that differ (common leading and trailing lines
/// dropped, each side cut at a few hundred characters), for display; single-line
/// expressions are shown whole.
pub fn changed_lines(old: &str, new: &str) -> (String, String) {
    let (a, b): (Vec<&str>, Vec<&str>) =
        (old.trim().lines().map(str::trim).collect(), new.trim().lines().map(str::trim).collect());
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail =
        a[head..].iter().rev().zip(b[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    let cut = |lines: &[&str], skipped: bool| {
        let mut text = lines.join(" ");
        if text.chars().count() > SHOWN {
            text = text.chars().take(SHOWN).collect::<String>() + " …";
        }
        if skipped { format!("… {text} …") } else { text }
    };
    let skipped = head > 0 || tail > 0;
    (cut(&a[head..a.len() - tail], skipped), cut(&b[head..b.len() - tail], skipped))
}

/// A number as PromQL would print it.
pub fn number(v: f64) -> String {
    if v.is_infinite() {
        if v > 0.0 { "+Inf".to_owned() } else { "-Inf".to_owned() }
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// A PromQL string literal's body without its escapes.
pub fn unquote(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The names of a regex of escaped alternatives: `a\.b|c` → `a.b`, `c`.
pub fn split_alternatives(regex: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = regex.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(last)) = (chars.next(), out.last_mut()) {
                    last.push(next);
                }
            }
            '|' => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_is_no_change() {
        assert_eq!(compare("up==0", "(up == 0)"), ExprChange::Same);
        assert_eq!(compare("a > 90", "a >  90.0"), ExprChange::Same);
        assert_eq!(compare("a{x=\"1\", y=\"2\"}", "a{y=\"2\",x=\"1\"}"), ExprChange::Same);
        // Parentheses that change the grouping are a change.
        assert_eq!(compare("(a + b) * c", "a + (b * c)"), ExprChange::Rewritten);
    }

    #[test]
    fn a_threshold_is_a_number_change() {
        let change = compare(
            "node_load1{job=\"node\"} > 5 and on(instance) x{nagios_check=\"check_load_1\"}",
            "node_load1{job=\"node\"} > 6 and on(instance) x{nagios_check=\"check_load_2\"}",
        );
        assert_eq!(change, ExprChange::Numbers(vec![(">".to_owned(), 5.0, 6.0)]));
    }

    #[test]
    fn another_metric_or_operator_is_a_rewrite() {
        assert_eq!(compare("a > 5", "b > 5"), ExprChange::Rewritten);
        assert_eq!(compare("a > 5", "a >= 5"), ExprChange::Rewritten);
        assert_eq!(compare("a > 5", "a > 5 or b"), ExprChange::Rewritten);
        assert_eq!(compare("a{x=\"1\"}", "a{x=\"2\"}"), ExprChange::Rewritten);
    }

    #[test]
    fn rewrites_show_the_lines_that_differ() {
        let (a, b) = changed_lines("a\nb > 1\nc", "a\nd > 1\nc");
        assert_eq!((a.as_str(), b.as_str()), ("… b > 1 …", "… d > 1 …"));
        assert_eq!(changed_lines("x", "y"), ("x".to_owned(), "y".to_owned()));
    }

    #[test]
    fn matchers_are_found_lexically() {
        let m = matchers("a{x=\"1\", host=~\"p\\\"q|r\"} or b{y!~'z'}");
        let found: Vec<(&str, &str, &str)> = m.iter().map(|m| (m.label, m.op, m.body)).collect();
        assert_eq!(found, vec![("x", "=", "1"), ("host", "=~", "p\\\"q|r"), ("y", "!~", "z")]);
    }

    #[test]
    fn long_regexes_compare_by_content_without_compiling() {
        let hosts: Vec<String> = (0..1000).map(|i| format!("host-{i}")).collect();
        let a = format!("up{{host=~\"{}\"}}", hosts.join("|"));
        let b = a.replace("host-999", "host-998");
        assert!(without_long_regexes(&a).len() < 100);
        assert_eq!(compare(&a, &a), ExprChange::Same);
        assert_eq!(compare(&a, &b), ExprChange::Rewritten);
    }

    #[test]
    fn numbers_print_like_promql() {
        assert_eq!(number(90.0), "90");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(f64::INFINITY), "+Inf");
    }
}
