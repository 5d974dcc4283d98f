//! Where Python's `jmespath` lexer and parser read an expression differently from the crate's:
//! the deprecated backtick string literal, and how far a projection reaches after `.{…}`.

use jmespath::ast::Ast;

use super::is_py_space;

/// Rewrites each backtick literal that is not valid JSON but is valid as a JSON string body into
/// the equivalent quoted JSON string literal.
pub(super) fn rewrite_legacy_literals(expression: &str) -> String {
    let mut out = String::with_capacity(expression.len());
    let mut chars = expression.chars();
    while let Some(c) = chars.next() {
        if !matches!(c, '`' | '"' | '\'') {
            out.push(c);
            continue;
        }
        // Both lexers read up to the closing delimiter, a backslash escaping the next character.
        let mut raw = String::new();
        let mut closed = false;
        while let Some(d) = chars.next() {
            if d == c {
                closed = true;
                break;
            }
            raw.push(d);
            if d == '\\'
                && let Some(e) = chars.next()
            {
                raw.push(e);
            }
        }
        let replacement = if c == '`' && closed {
            legacy_literal(&raw.replace("\\`", "`"))
        } else {
            None
        };
        match replacement {
            Some(json) => {
                out.push('`');
                out.push_str(&json.replace('`', "\\`"));
                out.push('`');
            }
            None => {
                out.push(c);
                out.push_str(&raw);
                if closed {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The JSON text of a literal Python reads as a string: `json.loads('"%s"' % lexeme.lstrip())`.
fn legacy_literal(lexeme: &str) -> Option<String> {
    if serde_json::from_str::<serde_json::Value>(lexeme).is_ok() {
        return None;
    }
    let quoted = format!("\"{}\"", lexeme.trim_start_matches(is_py_space));
    let text: String = serde_json::from_str(&quoted).ok()?;
    serde_json::to_string(&text).ok()
}

/// Python's parser ends a projection's right-hand side right after `.{…}` (`_parse_dot` returns
/// the hash without reading on), so in `[*].{n: name}[0]` the `[0]` applies to the projected list,
/// where the crate (and the spec) apply it to each hash. This moves such trailing operations out.
pub(super) fn python_binding(node: Ast, source: &str) -> Ast {
    let fix = |n: Box<Ast>| Box::new(python_binding(*n, source));
    match node {
        Ast::Projection { offset, lhs, rhs } => {
            let lhs = fix(lhs);
            let (condition, mut target) = match python_binding(*rhs, source) {
                Ast::Condition {
                    offset,
                    predicate,
                    then,
                } => (Some((offset, predicate)), *then),
                other => (None, other),
            };
            let wrap = |condition: Option<(usize, Box<Ast>)>, then: Ast| match condition {
                Some((offset, predicate)) => Ast::Condition {
                    offset,
                    predicate,
                    then: Box::new(then),
                },
                None => then,
            };
            let hash_after_dot = match leftmost(&target) {
                Ast::MultiHash { offset, .. } => source
                    .get(..*offset)
                    .is_some_and(|before| before.trim_end().ends_with('.')),
                _ => false,
            };
            if hash_after_dot && !matches!(target, Ast::MultiHash { .. }) {
                let slot = leftmost_mut(&mut target);
                let hash = std::mem::replace(slot, Ast::Identity { offset });
                *slot = Ast::Projection {
                    offset,
                    lhs,
                    rhs: Box::new(wrap(condition, hash)),
                };
                return target;
            }
            Ast::Projection {
                offset,
                lhs,
                rhs: Box::new(wrap(condition, target)),
            }
        }
        Ast::Subexpr { offset, lhs, rhs } => Ast::Subexpr {
            offset,
            lhs: fix(lhs),
            rhs: fix(rhs),
        },
        Ast::And { offset, lhs, rhs } => Ast::And {
            offset,
            lhs: fix(lhs),
            rhs: fix(rhs),
        },
        Ast::Or { offset, lhs, rhs } => Ast::Or {
            offset,
            lhs: fix(lhs),
            rhs: fix(rhs),
        },
        Ast::Comparison {
            offset,
            comparator,
            lhs,
            rhs,
        } => Ast::Comparison {
            offset,
            comparator,
            lhs: fix(lhs),
            rhs: fix(rhs),
        },
        Ast::Condition {
            offset,
            predicate,
            then,
        } => Ast::Condition {
            offset,
            predicate: fix(predicate),
            then: fix(then),
        },
        Ast::Expref { offset, ast } => Ast::Expref {
            offset,
            ast: fix(ast),
        },
        Ast::Flatten { offset, node } => Ast::Flatten {
            offset,
            node: fix(node),
        },
        Ast::Not { offset, node } => Ast::Not {
            offset,
            node: fix(node),
        },
        Ast::ObjectValues { offset, node } => Ast::ObjectValues {
            offset,
            node: fix(node),
        },
        Ast::Function { offset, name, args } => Ast::Function {
            offset,
            name,
            args: args
                .into_iter()
                .map(|a| python_binding(a, source))
                .collect(),
        },
        Ast::MultiList { offset, elements } => Ast::MultiList {
            offset,
            elements: elements
                .into_iter()
                .map(|e| python_binding(e, source))
                .collect(),
        },
        Ast::MultiHash { offset, elements } => Ast::MultiHash {
            offset,
            elements: elements
                .into_iter()
                .map(|kv| jmespath::ast::KeyValuePair {
                    key: kv.key,
                    value: python_binding(kv.value, source),
                })
                .collect(),
        },
        leaf => leaf,
    }
}

/// The first node of a left-associative chain (`a` in `a.b[0][*].c`).
fn leftmost(node: &Ast) -> &Ast {
    match node {
        Ast::Subexpr { lhs, .. } => leftmost(lhs),
        Ast::Projection { lhs, .. } => match lhs.as_ref() {
            Ast::Flatten { node, .. } | Ast::ObjectValues { node, .. } => leftmost(node),
            other => leftmost(other),
        },
        other => other,
    }
}

fn leftmost_mut(node: &mut Ast) -> &mut Ast {
    match node {
        Ast::Subexpr { lhs, .. } => leftmost_mut(lhs),
        Ast::Projection { lhs, .. } => match lhs.as_mut() {
            Ast::Flatten { node, .. } | Ast::ObjectValues { node, .. } => leftmost_mut(node),
            other => leftmost_mut(other),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_backtick_literals_become_strings() {
        assert_eq!(
            rewrite_legacy_literals("[?state==`Enabled`].name"),
            "[?state==`\"Enabled\"`].name"
        );
        assert_eq!(
            rewrite_legacy_literals("`true` || `[1]`"),
            "`true` || `[1]`"
        );
        assert_eq!(
            rewrite_legacy_literals("'`x`' && \"`y`\""),
            "'`x`' && \"`y`\""
        );
        assert_eq!(rewrite_legacy_literals("`  foo bar`"), "`\"foo bar\"`");
    }
}
