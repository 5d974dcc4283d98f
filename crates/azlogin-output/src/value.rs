//! The values az's formatters see, modelled on Python's: `--query` results keep whether a dict is
//! an `OrderedDict` (JMESPath multi-select hashes) or a plain `dict`, because knack's TSV writer
//! orders the columns of the two differently, and Python's `str()`/`repr()` text shows up in
//! table cells, TSV cells and error messages.

use std::rc::Rc;

use jmespath::ast::Ast;
use serde_json::{Map, Number, Value};

use azlogin_pyjson::{self as pyjson, PyJsonStyle};

pub(crate) use azlogin_pyjson::float_repr;

/// A Python value as az's formatters and JMESPath see it.
#[derive(Clone, Debug)]
pub(crate) enum PyValue {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    /// A list; the `Rc` is the object's identity (PyYAML writes aliases for repeated objects).
    List(Rc<Vec<PyValue>>),
    /// A dict; the `Rc` is the object's identity.
    Dict(Rc<PyDict>),
    /// A JMESPath `&expr` reference (Python's `_Expression`).
    Expref(Box<Ast>),
}

/// A Python `dict` or `OrderedDict`, in insertion order.
#[derive(Clone, Debug, Default)]
pub(crate) struct PyDict {
    pub entries: Vec<(String, PyValue)>,
    /// `OrderedDict` (made by a JMESPath multi-select hash) rather than `dict`.
    pub ordered: bool,
}

impl PyDict {
    pub fn new(ordered: bool) -> PyDict {
        PyDict {
            entries: Vec::new(),
            ordered,
        }
    }

    pub fn get(&self, key: &str) -> Option<&PyValue> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Python's `d[key] = value`: an existing key keeps its place.
    pub fn insert(&mut self, key: String, value: PyValue) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// The entries sorted by key, as `sorted(d.items())` yields them.
    pub fn sorted(&self) -> Vec<&(String, PyValue)> {
        let mut entries: Vec<&(String, PyValue)> = self.entries.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries
    }
}

impl PyValue {
    /// A new list object.
    pub fn list(items: Vec<PyValue>) -> PyValue {
        PyValue::List(Rc::new(items))
    }

    /// A new dict object.
    pub fn dict(dict: PyDict) -> PyValue {
        PyValue::Dict(Rc::new(dict))
    }

    /// The identity of a list or dict object (Python's `id()`).
    pub fn object_id(&self) -> Option<usize> {
        match self {
            PyValue::List(items) => Some(Rc::as_ptr(items) as usize),
            PyValue::Dict(d) => Some(Rc::as_ptr(d) as usize),
            _ => None,
        }
    }

    /// A command result: every object is a plain `dict`.
    pub fn from_json(value: &Value) -> PyValue {
        match value {
            Value::Null => PyValue::Null,
            Value::Bool(b) => PyValue::Bool(*b),
            Value::Number(n) => number(n),
            Value::String(s) => PyValue::Str(s.clone()),
            Value::Array(items) => PyValue::list(items.iter().map(PyValue::from_json).collect()),
            Value::Object(map) => PyValue::dict(PyDict {
                entries: map
                    .iter()
                    .map(|(k, v)| (k.clone(), PyValue::from_json(v)))
                    .collect(),
                ordered: false,
            }),
        }
    }

    /// Back to JSON; `None` when the value holds something JSON cannot (an expression reference,
    /// a non-finite float).
    pub fn to_json(&self) -> Option<Value> {
        Some(match self {
            PyValue::Null => Value::Null,
            PyValue::Bool(b) => Value::Bool(*b),
            PyValue::Int(i) => Value::Number(int_number(*i)?),
            PyValue::Float(f) => Value::Number(Number::from_f64(*f)?),
            PyValue::Str(s) => Value::String(s.clone()),
            PyValue::List(items) => {
                Value::Array(items.iter().map(PyValue::to_json).collect::<Option<_>>()?)
            }
            PyValue::Dict(d) => {
                let mut map = Map::new();
                for (k, v) in &d.entries {
                    map.insert(k.clone(), v.to_json()?);
                }
                Value::Object(map)
            }
            PyValue::Expref(_) => return None,
        })
    }

    /// Python's `type(x).__name__`.
    pub fn type_name(&self) -> &'static str {
        match self {
            PyValue::Null => "NoneType",
            PyValue::Bool(_) => "bool",
            PyValue::Int(_) => "int",
            PyValue::Float(_) => "float",
            PyValue::Str(_) => "str",
            PyValue::List(_) => "list",
            PyValue::Dict(d) if d.ordered => "OrderedDict",
            PyValue::Dict(_) => "dict",
            PyValue::Expref(_) => "_Expression",
        }
    }

    /// The JMESPath type name (`jmespath.functions.TYPES_MAP`).
    pub fn jmespath_type(&self) -> &'static str {
        match self {
            PyValue::Null => "null",
            PyValue::Bool(_) => "boolean",
            PyValue::Int(_) | PyValue::Float(_) => "number",
            PyValue::Str(_) => "string",
            PyValue::List(_) => "array",
            PyValue::Dict(_) => "object",
            PyValue::Expref(_) => "expref",
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, PyValue::Int(_) | PyValue::Float(_))
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            PyValue::Int(i) => Some(*i as f64),
            PyValue::Float(f) => Some(*f),
            _ => None,
        }
    }
}

fn number(n: &Number) -> PyValue {
    if let Some(i) = n.as_i64() {
        PyValue::Int(i128::from(i))
    } else if let Some(u) = n.as_u64() {
        PyValue::Int(i128::from(u))
    } else {
        PyValue::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

fn int_number(i: i128) -> Option<Number> {
    if let Ok(v) = i64::try_from(i) {
        Some(Number::from(v))
    } else if let Ok(v) = u64::try_from(i) {
        Some(Number::from(v))
    } else {
        Number::from_f64(i as f64)
    }
}

/// `json.dumps(v, ensure_ascii=False, indent=2, sort_keys=True)` (knack's `-o json`), which
/// also writes the non-finite floats a query can make (`NaN`, `Infinity`).
pub(crate) fn to_output_json(value: &PyValue) -> String {
    let mut out = String::new();
    write_json(&mut out, value, 0);
    out
}

fn write_json(out: &mut String, value: &PyValue, depth: usize) {
    let indent = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', 2 * depth));
    };
    match value {
        PyValue::Float(f) if f.is_nan() => out.push_str("NaN"),
        PyValue::Float(f) if f.is_infinite() => {
            out.push_str(if *f > 0.0 { "Infinity" } else { "-Infinity" })
        }
        PyValue::List(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, depth + 1);
                write_json(out, item, depth + 1);
            }
            indent(out, depth);
            out.push(']');
        }
        PyValue::Dict(d) if !d.entries.is_empty() => {
            out.push('{');
            for (i, (key, item)) in d.sorted().into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, depth + 1);
                out.push_str(&pyjson::to_string(
                    &Value::String(key.clone()),
                    PyJsonStyle::OUTPUT,
                ));
                out.push_str(": ");
                write_json(out, item, depth + 1);
            }
            indent(out, depth);
            out.push('}');
        }
        // Scalars and empty containers are written as Python's json module writes them.
        other => match other.to_json() {
            Some(json) => out.push_str(&pyjson::to_string(&json, PyJsonStyle::OUTPUT)),
            None => out.push_str("null"),
        },
    }
}

/// Python's `str(x)`: strings as they are, everything else as `repr(x)`.
pub(crate) fn py_str(value: &PyValue) -> String {
    match value {
        PyValue::Str(s) => s.clone(),
        other => py_repr(other),
    }
}

/// Python's `repr(x)` (Python 3.12+ for `OrderedDict`).
pub(crate) fn py_repr(value: &PyValue) -> String {
    let mut out = String::new();
    write_repr(&mut out, value);
    out
}

fn write_repr(out: &mut String, value: &PyValue) {
    match value {
        PyValue::Null => out.push_str("None"),
        PyValue::Bool(true) => out.push_str("True"),
        PyValue::Bool(false) => out.push_str("False"),
        PyValue::Int(i) => out.push_str(&i.to_string()),
        PyValue::Float(f) => out.push_str(&float_repr(*f)),
        PyValue::Str(s) => out.push_str(&str_repr(s)),
        PyValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item);
            }
            out.push(']');
        }
        PyValue::Dict(d) => {
            if d.ordered {
                if d.entries.is_empty() {
                    out.push_str("OrderedDict()");
                    return;
                }
                out.push_str("OrderedDict(");
            }
            out.push('{');
            for (i, (k, v)) in d.entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&str_repr(k));
                out.push_str(": ");
                write_repr(out, v);
            }
            out.push('}');
            if d.ordered {
                out.push(')');
            }
        }
        PyValue::Expref(_) => out.push_str("<jmespath.visitor._Expression object>"),
    }
}

/// Python's `repr(str)`: single quotes unless the text has `'` and no `"`.
pub(crate) fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for ch in s.chars() {
        match ch {
            c if c == quote || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if !is_printable(c) => {
                let code = u32::from(c);
                if code < 0x100 {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code < 0x10000 {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable()` for one character, close enough for the text az handles: control
/// and format characters, separators other than the space, surrogates and private use are not.
fn is_printable(c: char) -> bool {
    let code = u32::from(c);
    !(c.is_control()
        || matches!(code, 0xa0 | 0xad | 0x1680 | 0x180e | 0xfeff)
        || (0x2000..=0x200f).contains(&code)
        || (0x2028..=0x202f).contains(&code)
        || (0x205f..=0x206f).contains(&code)
        || code == 0x3000
        || (0xfff9..=0xfffb).contains(&code)
        || (0xe000..=0xf8ff).contains(&code)
        || code >= 0xf0000
        || code == 0xfffe
        || code == 0xffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python() {
        let v = PyValue::list(vec![
            PyValue::Str("it's".into()),
            PyValue::Str("a'b\"c".into()),
            PyValue::Str("tab\t\u{7}é日\u{a0}".into()),
            PyValue::Null,
            PyValue::Bool(true),
            PyValue::dict(PyDict {
                entries: vec![("a".into(), PyValue::Int(1))],
                ordered: true,
            }),
        ]);
        assert_eq!(
            py_repr(&v),
            r#"["it's", 'a\'b"c', 'tab\t\x07é日\xa0', None, True, OrderedDict({'a': 1})]"#
        );
    }
}
