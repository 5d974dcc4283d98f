//! `--query`: JMESPath as az evaluates it. The `jmespath` crate parses; the evaluation here follows
//! Python's `jmespath` 1.x (`visitor.py`), because az's answers depend on its details: multi-select
//! hashes are `OrderedDict`s in the written order, `==` never matches `0`/`1` against booleans,
//! ordering comparisons accept strings, and errors carry Python's wording.

mod functions;
mod strict;
mod syntax;

use jmespath::ast::{Ast, Comparator};

use super::value::{PyDict, PyValue};

/// Why evaluating a query failed.
#[derive(Debug, PartialEq)]
pub(crate) enum SearchError {
    /// A `JMESPathError`: az reports "Invalid jmespath query supplied for `--query`: <text>".
    JmesPath(String),
    /// Any other Python exception: az reports an unexpected error with this text as the trace.
    Unexpected(String),
}

/// The result of evaluating a node.
pub(crate) type Eval = Result<PyValue, SearchError>;

/// A parsed expression with the text it was parsed from (literals are re-read from it).
#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    ast: Ast,
    source: String,
}

/// Parses `expression` as Python's parser would: a backtick literal that is not JSON is read as a
/// string (Python's deprecated form, e.g. `` [?state==`Enabled`] ``), which the crate rejects, and
/// a projection followed by `.{…}` ends after the hash (see `syntax::python_binding`).
pub(crate) fn parse(expression: &str) -> Option<Compiled> {
    if expression.is_empty() {
        return None;
    }
    let source = syntax::rewrite_legacy_literals(expression);
    let ast = jmespath::parse(&source).ok()?;
    if strict::python_rejects(&source) {
        return None;
    }
    let ast = syntax::python_binding(ast, &source);
    Some(Compiled { ast, source })
}

/// Evaluates a compiled expression against a command result.
pub(crate) fn search(compiled: &Compiled, value: &PyValue) -> Eval {
    Evaluator {
        source: &compiled.source,
    }
    .eval(&compiled.ast, value)
}

/// Python's `str.isspace()` for one character.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `TreeInterpreter` with `Options(OrderedDict)`.
pub(crate) struct Evaluator<'a> {
    source: &'a str,
}

impl Evaluator<'_> {
    /// Evaluates `node` against `value`.
    pub(crate) fn eval(&self, node: &Ast, value: &PyValue) -> Eval {
        let eval = |n: &Ast, v: &PyValue| self.eval(n, v);
        match node {
            Ast::Identity { .. } => Ok(value.clone()),
            Ast::Field { name, .. } => Ok(match value {
                PyValue::Dict(d) => d.get(name).cloned().unwrap_or(PyValue::Null),
                _ => PyValue::Null,
            }),
            Ast::Subexpr { lhs, rhs, .. } => eval(rhs, &eval(lhs, value)?),
            Ast::Index { idx, .. } => Ok(match value {
                PyValue::List(items) => index(items, i64::from(*idx)).unwrap_or(PyValue::Null),
                _ => PyValue::Null,
            }),
            Ast::Slice {
                start, stop, step, ..
            } => match value {
                PyValue::List(items) => slice(items, *start, *stop, *step).map(PyValue::list),
                _ => Ok(PyValue::Null),
            },
            Ast::Literal {
                value: literal,
                offset,
            } => Ok(self.literal(*offset, literal)),
            Ast::Projection { lhs, rhs, .. } => {
                let PyValue::List(items) = eval(lhs, value)? else {
                    return Ok(PyValue::Null);
                };
                let mut collected = Vec::new();
                for item in items.iter() {
                    let current = eval(rhs, item)?;
                    if !matches!(current, PyValue::Null) {
                        collected.push(current);
                    }
                }
                Ok(PyValue::list(collected))
            }
            Ast::ObjectValues { node, .. } => Ok(match eval(node, value)? {
                PyValue::Dict(d) => {
                    PyValue::list(d.entries.iter().map(|(_, v)| v.clone()).collect())
                }
                _ => PyValue::Null,
            }),
            Ast::Flatten { node, .. } => Ok(match eval(node, value)? {
                PyValue::List(items) => {
                    let mut merged = Vec::new();
                    for item in items.iter() {
                        match item {
                            PyValue::List(inner) => merged.extend(inner.iter().cloned()),
                            other => merged.push(other.clone()),
                        }
                    }
                    PyValue::list(merged)
                }
                _ => PyValue::Null,
            }),
            Ast::Condition {
                predicate, then, ..
            } => {
                if is_false(&eval(predicate, value)?) {
                    Ok(PyValue::Null)
                } else {
                    eval(then, value)
                }
            }
            Ast::Comparison {
                comparator,
                lhs,
                rhs,
                ..
            } => compare(comparator, &eval(lhs, value)?, &eval(rhs, value)?),
            Ast::MultiList { elements, .. } => {
                if matches!(value, PyValue::Null) {
                    return Ok(PyValue::Null);
                }
                let items = elements
                    .iter()
                    .map(|e| eval(e, value))
                    .collect::<Result<_, _>>()?;
                Ok(PyValue::list(items))
            }
            Ast::MultiHash { elements, .. } => {
                if matches!(value, PyValue::Null) {
                    return Ok(PyValue::Null);
                }
                let mut dict = PyDict::new(true);
                for pair in elements {
                    dict.insert(pair.key.clone(), eval(&pair.value, value)?);
                }
                Ok(PyValue::dict(dict))
            }
            Ast::And { lhs, rhs, .. } => {
                let matched = eval(lhs, value)?;
                if is_false(&matched) {
                    Ok(matched)
                } else {
                    eval(rhs, value)
                }
            }
            Ast::Or { lhs, rhs, .. } => {
                let matched = eval(lhs, value)?;
                if is_false(&matched) {
                    eval(rhs, value)
                } else {
                    Ok(matched)
                }
            }
            // `!0` is false in jmespath; for every other value `not x` equals "x is false".
            Ast::Not { node, .. } => Ok(PyValue::Bool(is_false(&eval(node, value)?))),
            Ast::Expref { ast, .. } => Ok(PyValue::Expref(ast.clone())),
            Ast::Function { name, args, .. } => {
                let resolved = args
                    .iter()
                    .map(|a| eval(a, value))
                    .collect::<Result<Vec<_>, _>>()?;
                functions::call(self, name, resolved)
            }
        }
    }

    /// A literal's value. Objects are re-read from the expression text, because the crate keeps
    /// them in sorted order and Python keeps the written one.
    fn literal(&self, offset: usize, variable: &jmespath::Variable) -> PyValue {
        if !has_object(variable) {
            return from_variable(variable);
        }
        self.source
            .get(offset..)
            .and_then(|rest| rest.strip_prefix('`'))
            .and_then(|rest| {
                let mut raw = String::new();
                let mut chars = rest.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '`' => return Some(raw),
                        '\\' => {
                            raw.push(c);
                            raw.extend(chars.next());
                        }
                        c => raw.push(c),
                    }
                }
                None
            })
            .and_then(|raw| {
                serde_json::from_str::<serde_json::Value>(&raw.replace("\\`", "`")).ok()
            })
            .map_or_else(|| from_variable(variable), |v| PyValue::from_json(&v))
    }
}

fn has_object(variable: &jmespath::Variable) -> bool {
    match variable {
        jmespath::Variable::Object(_) => true,
        jmespath::Variable::Array(items) => items.iter().any(|v| has_object(v)),
        _ => false,
    }
}

/// jmespath's falsy values: `''`, `[]`, `{}`, `None`, `False` (never numbers).
pub(crate) fn is_false(value: &PyValue) -> bool {
    match value {
        PyValue::Null | PyValue::Bool(false) => true,
        PyValue::Str(s) => s.is_empty(),
        PyValue::List(items) => items.is_empty(),
        PyValue::Dict(d) => d.entries.is_empty(),
        _ => false,
    }
}

/// Python's `list[i]`, negative indices counting from the end.
fn index(items: &[PyValue], i: i64) -> Option<PyValue> {
    let len = items.len() as i64;
    let i = if i < 0 { i + len } else { i };
    if (0..len).contains(&i) {
        items.get(i as usize).cloned()
    } else {
        None
    }
}

/// Python's `list[start:stop:step]`.
fn slice(
    items: &[PyValue],
    start: Option<i32>,
    stop: Option<i32>,
    step: i32,
) -> Result<Vec<PyValue>, SearchError> {
    if step == 0 {
        return Err(SearchError::Unexpected(
            "slice step cannot be zero".to_string(),
        ));
    }
    let len = items.len() as i64;
    let step = i64::from(step);
    let (lower, upper) = if step < 0 { (-1, len - 1) } else { (0, len) };
    let clamp = |bound: Option<i32>, default: i64| match bound.map(i64::from) {
        None => default,
        Some(b) if b < 0 => (b + len).max(lower),
        Some(b) => b.min(upper),
    };
    let start = clamp(start, if step < 0 { upper } else { lower });
    let stop = clamp(stop, if step < 0 { lower } else { upper });
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        if let Some(item) = items.get(i as usize) {
            out.push(item.clone());
        }
        i += step;
    }
    Ok(out)
}

fn compare(comparator: &Comparator, left: &PyValue, right: &PyValue) -> Eval {
    let op = match comparator {
        Comparator::Equal => return Ok(PyValue::Bool(jmespath_equals(left, right))),
        Comparator::NotEqual => return Ok(PyValue::Bool(!jmespath_equals(left, right))),
        Comparator::LessThan => "<",
        Comparator::LessThanEqual => "<=",
        Comparator::GreaterThan => ">",
        Comparator::GreaterThanEqual => ">=",
    };
    // Ordering is only defined between numbers or strings; anything else yields None.
    let comparable = |v: &PyValue| v.is_number() || matches!(v, PyValue::Str(_));
    if !comparable(left) || !comparable(right) {
        return Ok(PyValue::Null);
    }
    let ordering = py_order(op, left, right)?;
    let result = match op {
        "<" => ordering.is_lt(),
        "<=" => ordering.is_le(),
        ">" => ordering.is_gt(),
        _ => ordering.is_ge(),
    };
    Ok(PyValue::Bool(result))
}

/// Python's ordering of two numbers or two strings; a number against a string is a `TypeError`.
pub(crate) fn py_order(
    op: &str,
    left: &PyValue,
    right: &PyValue,
) -> Result<std::cmp::Ordering, SearchError> {
    match (left, right) {
        (PyValue::Str(a), PyValue::Str(b)) => Ok(a.as_str().cmp(b.as_str())),
        (PyValue::Int(a), PyValue::Int(b)) => Ok(a.cmp(b)),
        (a, b) if a.is_number() && b.is_number() => {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            Ok(x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal))
        }
        (a, b) => Err(SearchError::Unexpected(format!(
            "'{op}' not supported between instances of '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ))),
    }
}

/// jmespath's `==`: Python's, except that `0`/`1` never equal a boolean at the top level.
fn jmespath_equals(left: &PyValue, right: &PyValue) -> bool {
    let zero_or_one = |v: &PyValue| match v {
        PyValue::Int(i) => *i == 0 || *i == 1,
        PyValue::Float(f) => *f == 0.0 || *f == 1.0,
        _ => false,
    };
    if zero_or_one(left) {
        return !matches!(right, PyValue::Bool(_)) && py_equals(left, right);
    }
    if zero_or_one(right) {
        return !matches!(left, PyValue::Bool(_)) && py_equals(left, right);
    }
    py_equals(left, right)
}

/// Python's `==` on JSON-like values (`True == 1`; `OrderedDict`s compare in order).
pub(crate) fn py_equals(left: &PyValue, right: &PyValue) -> bool {
    let numeric = |v: &PyValue| match v {
        PyValue::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        other => other.as_f64(),
    };
    match (left, right) {
        (PyValue::Null, PyValue::Null) => true,
        (PyValue::Str(a), PyValue::Str(b)) => a == b,
        (PyValue::Int(a), PyValue::Int(b)) => a == b,
        (PyValue::List(a), PyValue::List(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| py_equals(x, y))
        }
        (PyValue::Dict(a), PyValue::Dict(b)) => {
            if a.entries.len() != b.entries.len() {
                return false;
            }
            if a.ordered && b.ordered {
                a.entries
                    .iter()
                    .zip(&b.entries)
                    .all(|((ka, va), (kb, vb))| ka == kb && py_equals(va, vb))
            } else {
                a.entries
                    .iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| py_equals(v, w)))
            }
        }
        (a, b) => match (numeric(a), numeric(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// A literal from the parsed expression (`json.loads` gives plain dicts).
fn from_variable(variable: &jmespath::Variable) -> PyValue {
    use jmespath::Variable;
    match variable {
        Variable::Null => PyValue::Null,
        Variable::Bool(b) => PyValue::Bool(*b),
        Variable::Number(n) => PyValue::from_json(&serde_json::Value::Number(n.clone())),
        Variable::String(s) => PyValue::Str(s.clone()),
        Variable::Array(items) => PyValue::list(items.iter().map(|v| from_variable(v)).collect()),
        Variable::Object(map) => PyValue::dict(PyDict {
            entries: map
                .iter()
                .map(|(k, v)| (k.clone(), from_variable(v)))
                .collect(),
            ordered: false,
        }),
        Variable::Expref(ast) => PyValue::Expref(Box::new(ast.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_follow_python() {
        let items: Vec<PyValue> = (0..5).map(PyValue::Int).collect();
        let ints = |v: Vec<PyValue>| -> Vec<i128> {
            v.into_iter()
                .filter_map(|x| match x {
                    PyValue::Int(i) => Some(i),
                    _ => None,
                })
                .collect()
        };
        let run = |a, b, c| ints(slice(&items, a, b, c).unwrap_or_default());
        assert_eq!(run(None, None, -1), vec![4, 3, 2, 1, 0]);
        assert_eq!(run(Some(1), Some(-1), 1), vec![1, 2, 3]);
        assert_eq!(run(Some(-2), None, 1), vec![3, 4]);
        assert_eq!(run(Some(10), None, -2), vec![4, 2, 0]);
        assert_eq!(run(None, Some(-10), 1), Vec::<i128>::new());
        assert!(slice(&items, None, None, 0).is_err());
    }
}
