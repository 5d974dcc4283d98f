//! `-o tsv`: knack's `_TsvOutput`. One line per item of a list result (or one for any other
//! result). A dict row lists its values by sorted key, except an `OrderedDict` (a `--query`
//! multi-select hash), which keeps its order. Inside a row a list shows its length, a dict shows
//! nothing, and everything else its Python `str()` (`True`, `None`). Only a bare boolean row is
//! lower-cased.

use super::value::{PyValue, py_str};

/// Renders `result` as knack's `format_tsv` does.
pub(crate) fn render(result: &PyValue) -> String {
    let mut out = String::new();
    match result {
        PyValue::List(items) => items.iter().for_each(|item| row(&mut out, item)),
        other => row(&mut out, other),
    }
    out
}

fn row(out: &mut String, data: &PyValue) {
    match data {
        PyValue::Dict(d) => {
            let values: Vec<&PyValue> = if d.ordered {
                d.entries.iter().map(|(_, v)| v).collect()
            } else {
                d.sorted().into_iter().map(|(_, v)| v).collect()
            };
            cells(out, values);
        }
        PyValue::List(items) => cells(out, items.iter().collect()),
        PyValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        other => cell(out, other),
    }
    out.push('\n');
}

fn cells(out: &mut String, values: Vec<&PyValue>) {
    for (i, value) in values.into_iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        cell(out, value);
    }
}

fn cell(out: &mut String, value: &PyValue) {
    match value {
        PyValue::List(items) => out.push_str(&items.len().to_string()),
        PyValue::Dict(_) => {}
        other => out.push_str(&py_str(other)),
    }
}
