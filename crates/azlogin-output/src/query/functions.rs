//! JMESPath's built-in functions with Python `jmespath`'s signatures, type checks and messages
//! (`jmespath/functions.py`).

use std::cmp::Ordering;
use std::rc::Rc;

use super::{Eval, Evaluator, SearchError, is_py_space, py_equals, py_order};
use crate::value::{PyDict, PyValue, float_repr, py_str, str_repr};
use azlogin_pyjson::{self as pyjson, PyJsonStyle};

/// One parameter's allowed types, as written in Python's `@signature` (e.g. `array-number`).
type Types = &'static [&'static str];

/// A function's parameters and whether the last one repeats.
struct Signature {
    params: &'static [Types],
    variadic: bool,
}

const ANY: Types = &[];

fn signature(name: &str) -> Option<Signature> {
    let (params, variadic): (&'static [Types], bool) = match name {
        "abs" | "ceil" | "floor" => (&[&["number"]], false),
        "avg" | "sum" => (&[&["array-number"]], false),
        "not_null" => (&[ANY], true),
        "to_array" | "to_string" | "to_number" | "type" => (&[ANY], false),
        "contains" => (&[&["array", "string"], ANY], false),
        "length" => (&[&["string", "array", "object"]], false),
        "ends_with" | "starts_with" => (&[&["string"], &["string"]], false),
        "reverse" => (&[&["array", "string"]], false),
        "join" => (&[&["string"], &["array-string"]], false),
        "map" => (&[&["expref"], &["array"]], false),
        "max" | "min" => (&[&["array-number", "array-string"]], false),
        "merge" => (&[&["object"]], true),
        "sort" => (&[&["array-string", "array-number"]], false),
        "keys" | "values" => (&[&["object"]], false),
        "sort_by" | "min_by" | "max_by" => (&[&["array"], &["expref"]], false),
        _ => return None,
    };
    Some(Signature { params, variadic })
}

/// `Functions.call_function`: arity, then types, then the function.
pub(super) fn call(ev: &Evaluator<'_>, name: &str, args: Vec<PyValue>) -> Eval {
    let sig = signature(name)
        .ok_or_else(|| SearchError::JmesPath(format!("Unknown function: {name}()")))?;
    let expected = sig.params.len();
    if sig.variadic && args.len() < expected {
        return Err(SearchError::JmesPath(format!(
            "Expected at least {expected} {} for function {name}(), received {}",
            plural(expected),
            args.len()
        )));
    }
    if !sig.variadic && args.len() != expected {
        return Err(SearchError::JmesPath(format!(
            "Expected {expected} {} for function {name}(), received {}",
            plural(expected),
            args.len()
        )));
    }
    // Python checks only as many arguments as the signature lists, even for variadic ones.
    for (arg, types) in args.iter().zip(sig.params) {
        if !types.is_empty() {
            check_type(name, arg, types)?;
        }
    }
    run(ev, name, args)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "argument" } else { "arguments" }
}

/// `JMESPathTypeError`'s text.
pub(super) fn type_error(
    function: &str,
    value: &PyValue,
    actual: &str,
    types: &[&str],
) -> SearchError {
    let expected: Vec<String> = types.iter().map(|t| str_repr(t)).collect();
    SearchError::JmesPath(format!(
        "In function {function}(), invalid type for value: {}, expected one of: [{}], received: \"{actual}\"",
        py_str(value),
        expected.join(", ")
    ))
}

/// The Python type names a JMESPath type stands for (`REVERSE_TYPES_MAP`).
fn python_types(jmespath_type: &str) -> &'static [&'static str] {
    match jmespath_type {
        "boolean" => &["bool"],
        "array" => &["list", "_Projection"],
        "object" => &["dict", "OrderedDict"],
        "null" => &["NoneType"],
        "string" => &["unicode", "str"],
        "number" => &["float", "int", "long"],
        "expref" => &["_Expression"],
        _ => &[],
    }
}

/// `_type_check_single` and `_subtype_check`.
fn check_type(function: &str, value: &PyValue, types: &[&str]) -> Result<(), SearchError> {
    let mut allowed: Vec<&str> = Vec::new();
    let mut subtypes: Vec<&'static [&'static str]> = Vec::new();
    for t in types {
        match t.split_once('-') {
            Some((outer, inner)) => {
                subtypes.push(python_types(inner));
                allowed.extend(python_types(outer));
            }
            None => allowed.extend(python_types(t)),
        }
    }
    if !allowed.contains(&value.type_name()) {
        return Err(type_error(function, value, value.jmespath_type(), types));
    }
    let PyValue::List(items) = value else {
        return Ok(());
    };
    match subtypes.as_slice() {
        [] => Ok(()),
        [only] => {
            for item in items.iter() {
                if !only.contains(&item.type_name()) {
                    return Err(type_error(function, item, item.type_name(), types));
                }
            }
            Ok(())
        }
        groups => {
            // The first element decides which of the element types the rest must share.
            let Some(first) = items.first() else {
                return Ok(());
            };
            let Some(group) = groups.iter().find(|g| g.contains(&first.type_name())) else {
                return Err(type_error(function, first, first.type_name(), types));
            };
            for item in items.iter() {
                if !group.contains(&item.type_name()) {
                    return Err(type_error(function, item, item.type_name(), types));
                }
            }
            Ok(())
        }
    }
}

fn run(ev: &Evaluator<'_>, name: &str, mut args: Vec<PyValue>) -> Eval {
    let first = if args.is_empty() {
        PyValue::Null
    } else {
        args.remove(0)
    };
    Ok(match (name, first) {
        ("abs", PyValue::Int(i)) => PyValue::Int(i.abs()),
        ("abs", PyValue::Float(f)) => PyValue::Float(f.abs()),
        ("ceil", PyValue::Float(f)) => PyValue::Int(f.ceil() as i128),
        ("floor", PyValue::Float(f)) => PyValue::Int(f.floor() as i128),
        ("ceil" | "floor", int @ PyValue::Int(_)) => int,
        ("avg", PyValue::List(items)) => {
            if items.is_empty() {
                PyValue::Null
            } else {
                let total = sum(&items).as_f64().unwrap_or(0.0);
                PyValue::Float(total / items.len() as f64)
            }
        }
        ("sum", PyValue::List(items)) => sum(&items),
        ("not_null", first) => std::iter::once(first)
            .chain(args)
            .find(|v| !matches!(v, PyValue::Null))
            .unwrap_or(PyValue::Null),
        ("to_array", PyValue::List(items)) => PyValue::List(items),
        ("to_array", other) => PyValue::list(vec![other]),
        ("to_string", PyValue::Str(s)) => PyValue::Str(s),
        ("to_string", other) => PyValue::Str(compact_json(&other)),
        ("to_number", value) => to_number(value),
        ("contains", subject) => contains(subject, args.first().unwrap_or(&PyValue::Null))?,
        ("length", PyValue::Str(s)) => PyValue::Int(s.chars().count() as i128),
        ("length", PyValue::List(items)) => PyValue::Int(items.len() as i128),
        ("length", PyValue::Dict(d)) => PyValue::Int(d.entries.len() as i128),
        ("ends_with" | "starts_with", PyValue::Str(s)) => {
            let affix = match args.first() {
                Some(PyValue::Str(a)) => a.as_str(),
                _ => "",
            };
            PyValue::Bool(if name == "ends_with" {
                s.ends_with(affix)
            } else {
                s.starts_with(affix)
            })
        }
        ("reverse", PyValue::Str(s)) => PyValue::Str(s.chars().rev().collect()),
        ("reverse", PyValue::List(items)) => {
            let mut items = Rc::unwrap_or_clone(items);
            items.reverse();
            PyValue::list(items)
        }
        ("join", PyValue::Str(separator)) => {
            let parts: Vec<String> = match args.first() {
                Some(PyValue::List(items)) => items.iter().map(py_str).collect(),
                _ => Vec::new(),
            };
            PyValue::Str(parts.join(&separator))
        }
        ("map", PyValue::Expref(ast)) => match args.first() {
            Some(PyValue::List(items)) => PyValue::list(
                items
                    .iter()
                    .map(|item| ev.eval(&ast, item))
                    .collect::<Result<_, _>>()?,
            ),
            _ => PyValue::Null,
        },
        ("max" | "min", PyValue::List(items)) => extreme(name, &items)?,
        ("merge", first) => merge(first, args)?,
        ("sort", PyValue::List(items)) => {
            let mut items = Rc::unwrap_or_clone(items);
            sort_values(&mut items)?;
            PyValue::list(items)
        }
        ("keys", PyValue::Dict(d)) => PyValue::list(
            d.entries
                .iter()
                .map(|(k, _)| PyValue::Str(k.clone()))
                .collect(),
        ),
        ("values", PyValue::Dict(d)) => {
            PyValue::list(d.entries.iter().map(|(_, v)| v.clone()).collect())
        }
        ("type", value) => match value {
            PyValue::Expref(_) => PyValue::Null,
            other => PyValue::Str(other.jmespath_type().to_string()),
        },
        ("sort_by", PyValue::List(items)) => sort_by(ev, &items, args.first())?,
        ("min_by" | "max_by", PyValue::List(items)) => extreme_by(ev, name, &items, args.first())?,
        _ => PyValue::Null,
    })
}

/// Python's `sum()`: exact for integers, floating once a float appears.
fn sum(items: &[PyValue]) -> PyValue {
    let mut total = PyValue::Int(0);
    for item in items {
        total = match (total, item) {
            (PyValue::Int(a), PyValue::Int(b)) => match a.checked_add(*b) {
                Some(s) => PyValue::Int(s),
                None => PyValue::Float(a as f64 + *b as f64),
            },
            (acc, other) => {
                PyValue::Float(acc.as_f64().unwrap_or(0.0) + other.as_f64().unwrap_or(0.0))
            }
        };
    }
    total
}

/// `to_number`: numbers as they are; strings through Python's `int()` then `float()`.
fn to_number(value: PyValue) -> PyValue {
    match value {
        PyValue::Int(_) | PyValue::Float(_) => value,
        PyValue::Str(s) => {
            let text = s.trim_matches(is_py_space);
            if let Some(i) = parse_py_int(text) {
                PyValue::Int(i)
            } else if let Some(f) = parse_py_float(text) {
                PyValue::Float(f)
            } else {
                PyValue::Null
            }
        }
        _ => PyValue::Null,
    }
}

/// Python's `int(str)` on stripped text: sign, digits, single underscores between digits.
fn parse_py_int(text: &str) -> Option<i128> {
    let digits = strip_underscores(text.strip_prefix(['+', '-']).unwrap_or(text))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i128 = digits.parse().ok()?;
    Some(if text.starts_with('-') { -value } else { value })
}

/// Python's `float(str)` on stripped text.
fn parse_py_float(text: &str) -> Option<f64> {
    let lower = text.to_ascii_lowercase();
    let unsigned = lower.strip_prefix(['+', '-']).unwrap_or(&lower);
    if matches!(unsigned, "inf" | "infinity" | "nan") {
        return lower.parse().ok();
    }
    if !unsigned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-' | b'_'))
    {
        return None;
    }
    strip_underscores(&lower)?.parse().ok()
}

/// Drops PEP 515 underscores, which must sit between two digits.
fn strip_underscores(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'_' {
            let before = i.checked_sub(1).and_then(|j| bytes.get(j));
            let after = bytes.get(i + 1);
            if !before.is_some_and(u8::is_ascii_digit) || !after.is_some_and(u8::is_ascii_digit) {
                return None;
            }
        }
    }
    Some(text.replace('_', ""))
}

/// `json.dumps(arg, separators=(',', ':'))`: ASCII-escaped, keys in insertion order.
fn compact_json(value: &PyValue) -> String {
    let ascii = PyJsonStyle {
        indent: None,
        ensure_ascii: true,
        sort_keys: false,
    };
    match value {
        PyValue::Null => "null".to_string(),
        PyValue::Bool(b) => b.to_string(),
        PyValue::Int(i) => i.to_string(),
        PyValue::Float(f) if f.is_nan() => "NaN".to_string(),
        PyValue::Float(f) if f.is_infinite() => {
            if *f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
        }
        PyValue::Float(f) => float_repr(*f),
        PyValue::Str(s) => pyjson::to_string(&serde_json::Value::String(s.clone()), ascii),
        PyValue::List(items) => {
            let parts: Vec<String> = items.iter().map(compact_json).collect();
            format!("[{}]", parts.join(","))
        }
        PyValue::Dict(d) => {
            let parts: Vec<String> = d
                .entries
                .iter()
                .map(|(k, v)| {
                    let key = pyjson::to_string(&serde_json::Value::String(k.clone()), ascii);
                    format!("{key}:{}", compact_json(v))
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        // `default=str` turns other objects into their `str()`.
        other => pyjson::to_string(&serde_json::Value::String(py_str(other)), ascii),
    }
}

/// `search in subject`.
fn contains(subject: PyValue, search: &PyValue) -> Eval {
    match (subject, search) {
        (PyValue::Str(s), PyValue::Str(needle)) => Ok(PyValue::Bool(s.contains(needle.as_str()))),
        (PyValue::Str(_), other) => Err(SearchError::Unexpected(format!(
            "'in <string>' requires string as left operand, not {}",
            other.type_name()
        ))),
        (PyValue::List(items), needle) => {
            Ok(PyValue::Bool(items.iter().any(|i| py_equals(i, needle))))
        }
        _ => Ok(PyValue::Bool(false)),
    }
}

/// Python's `max()`/`min()` on numbers or strings: the first extreme element wins.
fn extreme(name: &str, items: &[PyValue]) -> Eval {
    let op = if name == "max" { ">" } else { "<" };
    let want = if name == "max" {
        Ordering::Greater
    } else {
        Ordering::Less
    };
    let mut best: Option<PyValue> = None;
    for item in items {
        best = Some(match best {
            None => item.clone(),
            Some(current) => {
                if py_order(op, item, &current)? == want {
                    item.clone()
                } else {
                    current
                }
            }
        });
    }
    Ok(best.unwrap_or(PyValue::Null))
}

/// `merge`: a plain `dict` updated by each argument in turn.
fn merge(first: PyValue, rest: Vec<PyValue>) -> Eval {
    let mut merged = PyDict::new(false);
    for arg in std::iter::once(first).chain(rest) {
        match arg {
            PyValue::Dict(d) => {
                for (k, v) in &d.entries {
                    merged.insert(k.clone(), v.clone());
                }
            }
            PyValue::Str(s) if s.is_empty() => {}
            PyValue::List(items) if items.is_empty() => {}
            PyValue::Str(_) => {
                return Err(SearchError::Unexpected(
                    "dictionary update sequence element #0 has length 1; 2 is required".to_string(),
                ));
            }
            other => {
                return Err(SearchError::Unexpected(format!(
                    "'{}' object is not iterable",
                    other.type_name()
                )));
            }
        }
    }
    Ok(PyValue::dict(merged))
}

/// `sorted()` of numbers or strings (already checked to be one kind).
fn sort_values(items: &mut [PyValue]) -> Result<(), SearchError> {
    let mut failure = None;
    items.sort_by(|a, b| match py_order("<", a, b) {
        Ok(o) => o,
        Err(e) => {
            failure.get_or_insert(e);
            Ordering::Equal
        }
    });
    failure.map_or(Ok(()), Err)
}

/// The key an `&expr` gives an element, checked against `allowed` JMESPath types.
fn key_of(
    ev: &Evaluator<'_>,
    function: &str,
    expref: &jmespath::ast::Ast,
    item: &PyValue,
    allowed: &[&str],
) -> Eval {
    let key = ev.eval(expref, item)?;
    let actual = key.jmespath_type();
    if allowed.contains(&actual) {
        Ok(key)
    } else {
        Err(type_error(function, &key, actual, allowed))
    }
}

fn sort_by(ev: &Evaluator<'_>, items: &Rc<Vec<PyValue>>, expref: Option<&PyValue>) -> Eval {
    let Some(PyValue::Expref(ast)) = expref else {
        return Ok(PyValue::Null);
    };
    let Some(first) = items.first() else {
        // Python returns the (empty) list itself.
        return Ok(PyValue::List(Rc::clone(items)));
    };
    // The first element's key decides whether keys are numbers or strings.
    let required = ev.eval(ast, first)?.jmespath_type();
    if required != "number" && required != "string" {
        return Err(type_error(
            "sort_by",
            first,
            required,
            &["string", "number"],
        ));
    }
    let mut keyed = Vec::with_capacity(items.len());
    for item in items.iter() {
        let key = key_of(ev, "sort_by", ast, item, &[required])?;
        keyed.push((key, item));
    }
    let mut failure = None;
    keyed.sort_by(|(a, _), (b, _)| match py_order("<", a, b) {
        Ok(o) => o,
        Err(e) => {
            failure.get_or_insert(e);
            Ordering::Equal
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(PyValue::list(
        keyed.into_iter().map(|(_, v)| v.clone()).collect(),
    ))
}

fn extreme_by(ev: &Evaluator<'_>, name: &str, items: &[PyValue], expref: Option<&PyValue>) -> Eval {
    let Some(PyValue::Expref(ast)) = expref else {
        return Ok(PyValue::Null);
    };
    let (op, want) = if name == "max_by" {
        (">", Ordering::Greater)
    } else {
        ("<", Ordering::Less)
    };
    let mut best: Option<(PyValue, PyValue)> = None;
    for item in items {
        let key = key_of(ev, name, ast, item, &["number", "string"])?;
        best = Some(match best {
            None => (key, item.clone()),
            Some((best_key, best_item)) => {
                if py_order(op, &key, &best_key)? == want {
                    (key, item.clone())
                } else {
                    (best_key, best_item)
                }
            }
        });
    }
    Ok(best.map_or(PyValue::Null, |(_, item)| item))
}
