//! `-o table`: knack's `_TableOutput` feeding `tabulate(..., headers="keys", tablefmt="simple",
//! disable_numparse=True)`. With number parsing off every column is text: left-aligned, cells as
//! Python's `str()`, `None` as an empty cell, outer whitespace stripped, widths in code points
//! (az installs no `wcwidth`), two spaces between columns, trailing spaces cut.

use super::query::is_py_space;
use super::value::{PyDict, PyValue, py_str};

/// The columns knack never shows.
const SKIP_KEYS: [&str; 3] = ["id", "type", "etag"];

/// Why knack could not draw a table (it then says "Table output unavailable…").
pub(crate) struct TableUnavailable;

/// Renders `result` as knack's `format_table` does after any table transformer.
pub(crate) fn render(result: &PyValue, sort_keys: bool) -> Result<String, TableUnavailable> {
    let rows: Vec<PyDict> = match result {
        PyValue::List(items) => items
            .iter()
            .map(|i| auto_table_item(i, sort_keys))
            .collect(),
        other => vec![auto_table_item(other, sort_keys)],
    };
    let table = if rows.is_empty() {
        String::new()
    } else {
        tabulate(&rows)
    };
    if table == "\n" {
        return Err(TableUnavailable);
    }
    Ok(table + "\n")
}

/// `_auto_table_item`: scalar fields of a dict, a list's items as `Column1…`, anything else as
/// `Result`.
fn auto_table_item(item: &PyValue, sort_keys: bool) -> PyDict {
    let mut entry = PyDict::new(true);
    match item {
        PyValue::Dict(d) => {
            let entries = if sort_keys {
                d.sorted()
            } else {
                d.entries.iter().collect()
            };
            for (key, value) in entries {
                if SKIP_KEYS.contains(&key.as_str()) {
                    continue;
                }
                if !matches!(value, PyValue::Null | PyValue::List(_) | PyValue::Dict(_)) {
                    entry.insert(capitalize_first(key), value.clone());
                }
            }
        }
        PyValue::List(items) => {
            for (i, value) in items.iter().enumerate() {
                entry.insert(format!("Column{}", i + 1), value.clone());
            }
        }
        other => entry.insert("Result".to_string(), other.clone()),
    }
    entry
}

/// `x[0].upper() + x[1:]`.
fn capitalize_first(key: &str) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// tabulate's "simple" format with headers from the dict keys in order of first appearance.
fn tabulate(rows: &[PyDict]) -> String {
    let mut headers: Vec<&str> = Vec::new();
    for row in rows {
        for (key, _) in &row.entries {
            if !headers.contains(&key.as_str()) {
                headers.push(key);
            }
        }
    }
    if headers.is_empty() {
        return String::new();
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            headers
                .iter()
                .map(|h| match row.get(h) {
                    None | Some(PyValue::Null) => String::new(),
                    Some(value) => py_str(value).trim_matches(is_py_space).to_string(),
                })
                .collect()
        })
        .collect();
    let multiline = headers.iter().any(|h| has_line_break(h))
        || cells.iter().flatten().any(|c| has_line_break(c));
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let cells_width = cells
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(c, multiline));
            cells_width.fold(width(h, multiline) + 2, usize::max)
        })
        .collect();
    let mut lines = Vec::new();
    let header_cells: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    push_row(&mut lines, &header_cells, &widths, multiline);
    let dashes: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    lines.push(dashes.join("  "));
    for row in &cells {
        push_row(&mut lines, row, &widths, multiline);
    }
    lines.join("\n")
}

/// tabulate treats a table as multi-line when any text has `\r` or `\n`.
fn has_line_break(text: &str) -> bool {
    text.contains(['\n', '\r'])
}

fn width(text: &str, multiline: bool) -> usize {
    if multiline {
        super::pystr::split_lines(text, false)
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
    } else {
        text.chars().count()
    }
}

/// One table row; in multi-line mode each cell's lines are laid side by side.
fn push_row(lines: &mut Vec<String>, cells: &[String], widths: &[usize], multiline: bool) {
    if !multiline {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| pad(c, *w)).collect();
        lines.push(padded.join("  ").trim_end().to_string());
        return;
    }
    let split: Vec<Vec<&str>> = cells
        .iter()
        .map(|c| super::pystr::split_lines(c, false))
        .collect();
    let height = split.iter().map(Vec::len).max().unwrap_or(0);
    for n in 0..height {
        let padded: Vec<String> = split
            .iter()
            .zip(widths)
            .map(|(cell, w)| pad(cell.get(n).copied().unwrap_or(""), *w))
            .collect();
        lines.push(padded.join("  ").trim_end().to_string());
    }
}

fn pad(text: &str, width: usize) -> String {
    let len = text.chars().count();
    let mut out = text.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(len)));
    out
}
