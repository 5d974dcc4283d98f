//! JSON text exactly as Python's `json.dumps` writes it, because az's files and output are written
//! by Python and other tools compare them byte for byte.

use serde_json::{Map, Value};

/// The `json.dumps` options that az uses somewhere.
#[derive(Clone, Copy, Debug)]
pub struct PyJsonStyle {
    /// `indent=`: `None` writes one line.
    pub indent: Option<usize>,
    /// `ensure_ascii=`: escape every non-ASCII character as `\uXXXX`.
    pub ensure_ascii: bool,
    /// `sort_keys=`.
    pub sort_keys: bool,
}

impl PyJsonStyle {
    /// `json.dump(obj, f)` as az's `Session` writes `azureProfile.json`: one line, `", "` and `": "`.
    pub const PROFILE: PyJsonStyle = PyJsonStyle {
        indent: None,
        ensure_ascii: true,
        sort_keys: false,
    };
    /// `json.dumps(obj, indent=4)` as MSAL writes `msal_token_cache.json`.
    pub const TOKEN_CACHE: PyJsonStyle = PyJsonStyle {
        indent: Some(4),
        ensure_ascii: true,
        sort_keys: false,
    };
    /// knack's `-o json`: `indent=2, sort_keys=True, ensure_ascii=False`.
    pub const OUTPUT: PyJsonStyle = PyJsonStyle {
        indent: Some(2),
        ensure_ascii: false,
        sort_keys: true,
    };
}

/// Serialises `value` as Python's `json.dumps` would with `style`.
pub fn to_string(value: &Value, style: PyJsonStyle) -> String {
    let mut out = String::new();
    write_value(&mut out, value, style, 0);
    out
}

/// Python's `repr(float)`: the shortest text that reads back, in fixed notation for exponents
/// from -4 to 15 and as `1e+16` / `1.5e-07` outside.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    // Rust's `{:e}` already gives the shortest round-tripping digits, e.g. "-1.2345e3".
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(&digits);
        } else {
            let point = exp as usize + 1;
            if digits.len() <= point {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', point - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    }
    out
}

fn write_value(out: &mut String, value: &Value, style: PyJsonStyle, depth: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_f64() {
            // Python writes floats with `float.__repr__` (`1e-07`, `1e+16`), integers as they are.
            Some(f) if n.is_f64() => out.push_str(&float_repr(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => write_string(out, s, style.ensure_ascii),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                separator(out, style, depth + 1, i == 0);
                write_value(out, item, style, depth + 1);
            }
            close(out, style, depth);
            out.push(']');
        }
        Value::Object(map) => write_map(out, map, style, depth),
    }
}

fn write_map(out: &mut String, map: &Map<String, Value>, style: PyJsonStyle, depth: usize) {
    if map.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push('{');
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    if style.sort_keys {
        entries.sort_by(|a, b| a.0.cmp(b.0));
    }
    for (i, (key, item)) in entries.into_iter().enumerate() {
        separator(out, style, depth + 1, i == 0);
        write_string(out, key, style.ensure_ascii);
        out.push_str(": ");
        write_value(out, item, style, depth + 1);
    }
    close(out, style, depth);
    out.push('}');
}

/// A value that writes itself as Python's `json.dumps` would, at nesting `depth`.
pub trait WritePyJson {
    /// Appends the value's text to `out`.
    fn write_py_json(&self, out: &mut String, style: PyJsonStyle, depth: usize);
}

impl WritePyJson for Value {
    fn write_py_json(&self, out: &mut String, style: PyJsonStyle, depth: usize) {
        write_value(out, self, style, depth);
    }
}

impl<T: WritePyJson + ?Sized> WritePyJson for &T {
    fn write_py_json(&self, out: &mut String, style: PyJsonStyle, depth: usize) {
        (**self).write_py_json(out, style, depth);
    }
}

impl WritePyJson for Map<String, Value> {
    fn write_py_json(&self, out: &mut String, style: PyJsonStyle, depth: usize) {
        write_map(out, self, style, depth);
    }
}

/// Writes an object key by key, in the order given (for styles without `sort_keys`), so a typed
/// value is written without first being turned into a `serde_json` tree.
pub struct ObjectWriter<'o> {
    out: &'o mut String,
    style: PyJsonStyle,
    depth: usize,
    empty: bool,
}

impl<'o> ObjectWriter<'o> {
    /// Opens an object at nesting `depth`.
    pub fn begin(out: &'o mut String, style: PyJsonStyle, depth: usize) -> Self {
        out.push('{');
        Self {
            out,
            style,
            depth,
            empty: true,
        }
    }

    fn key(&mut self, key: &str) -> &mut String {
        separator(self.out, self.style, self.depth + 1, self.empty);
        self.empty = false;
        write_string(self.out, key, self.style.ensure_ascii);
        self.out.push_str(": ");
        self.out
    }

    /// `"key": "value"`.
    pub fn str(&mut self, key: &str, value: &str) {
        let ascii = self.style.ensure_ascii;
        write_string(self.key(key), value, ascii);
    }

    /// `"key": "value"`, or `null`.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(v) => self.str(key, v),
            None => self.null(key),
        }
    }

    /// `"key": null`.
    pub fn null(&mut self, key: &str) {
        self.key(key).push_str("null");
    }

    /// `"key": true` or `false`.
    pub fn bool(&mut self, key: &str, value: bool) {
        self.key(key).push_str(if value { "true" } else { "false" });
    }

    /// `"key": {…}`: the nested object's writer.
    pub fn object(&mut self, key: &str) -> ObjectWriter<'_> {
        let (style, depth) = (self.style, self.depth + 1);
        ObjectWriter::begin(self.key(key), style, depth)
    }

    /// `"key": […]`: the list's writer.
    pub fn list(&mut self, key: &str) -> ListWriter<'_> {
        let (style, depth) = (self.style, self.depth + 1);
        ListWriter::begin(self.key(key), style, depth)
    }

    /// Closes the object (`{}` when nothing was written).
    pub fn end(self) {
        if !self.empty {
            close(self.out, self.style, self.depth);
        }
        self.out.push('}');
    }
}

/// Writes a list item by item.
pub struct ListWriter<'o> {
    out: &'o mut String,
    style: PyJsonStyle,
    depth: usize,
    empty: bool,
}

impl<'o> ListWriter<'o> {
    /// Opens a list at nesting `depth`.
    pub fn begin(out: &'o mut String, style: PyJsonStyle, depth: usize) -> Self {
        out.push('[');
        Self {
            out,
            style,
            depth,
            empty: true,
        }
    }

    fn next(&mut self) -> &mut String {
        separator(self.out, self.style, self.depth + 1, self.empty);
        self.empty = false;
        self.out
    }

    /// An item that writes itself.
    pub fn item(&mut self, item: &impl WritePyJson) {
        let (style, depth) = (self.style, self.depth + 1);
        item.write_py_json(self.next(), style, depth);
    }

    /// An object item: its writer.
    pub fn object(&mut self) -> ObjectWriter<'_> {
        let (style, depth) = (self.style, self.depth + 1);
        ObjectWriter::begin(self.next(), style, depth)
    }

    /// Closes the list (`[]` when nothing was written).
    pub fn end(self) {
        if !self.empty {
            close(self.out, self.style, self.depth);
        }
        self.out.push(']');
    }
}

/// Appends `root` to `out` with `key` holding an array of `items`, as if
/// `root[key] = items` had been set first (an existing key keeps its place, a new one goes
/// last, as in a Python dict) — without building that tree, so a large list is not copied.
pub fn write_object_with_list<T: WritePyJson>(
    out: &mut String,
    root: &Map<String, Value>,
    key: &str,
    items: &[T],
    style: PyJsonStyle,
) {
    enum Item<'v> {
        Value(&'v Value),
        List,
    }
    let mut entries: Vec<(&str, Item)> = root
        .iter()
        .map(|(k, v)| {
            let item = if k == key { Item::List } else { Item::Value(v) };
            (k.as_str(), item)
        })
        .collect();
    if !root.contains_key(key) {
        entries.push((key, Item::List));
    }
    if style.sort_keys {
        entries.sort_by(|a, b| a.0.cmp(b.0));
    }
    out.push('{');
    for (i, (k, item)) in entries.into_iter().enumerate() {
        separator(out, style, 1, i == 0);
        write_string(out, k, style.ensure_ascii);
        out.push_str(": ");
        match item {
            Item::Value(v) => write_value(out, v, style, 1),
            Item::List => {
                let mut list = ListWriter::begin(out, style, 1);
                for item in items {
                    list.item(item);
                }
                list.end();
            }
        }
    }
    close(out, style, 0);
    out.push('}');
}

/// Python uses `", "` between items on one line and `","` + newline when indenting.
fn separator(out: &mut String, style: PyJsonStyle, depth: usize, first: bool) {
    match style.indent {
        None => {
            if !first {
                out.push_str(", ");
            }
        }
        Some(width) => {
            if !first {
                out.push(',');
            }
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', width * depth));
        }
    }
}

fn close(out: &mut String, style: PyJsonStyle, depth: usize) {
    if let Some(width) = style.indent {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', width * depth));
    }
}

fn write_string(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    // Most strings (ids, names, states) need no escape: copy them whole.
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push_str(s);
        out.push('"');
        return;
    }
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => push_escape(out, c as u32),
            // With ensure_ascii Python escapes everything outside printable ASCII, DEL included.
            c if ensure_ascii && (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    push_escape(out, u32::from(*unit));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_escape(out: &mut String, unit: u32) {
    out.push_str(&format!("\\u{unit:04x}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_object_with_a_borrowed_list_is_written_as_the_whole_tree_would_be() {
        let a = json!({"id": "a", "n": [1, {"x": null}]});
        let b = json!({"id": "b", "é": "ü"});
        let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
            panic!("objects");
        };
        let styles = [
            PyJsonStyle::PROFILE,
            PyJsonStyle::TOKEN_CACHE,
            PyJsonStyle::OUTPUT,
        ];
        let roots = [
            json!({}),
            json!({"z": 1, "list": "old", "a": true}),
            json!({"z": 1, "a": {"k": []}}),
        ];
        for style in styles {
            for root in &roots {
                let Some(root) = root.as_object() else {
                    panic!("object");
                };
                for items in [vec![], vec![a, b]] {
                    let mut tree = root.clone();
                    let list = items.iter().map(|m| Value::Object((*m).clone())).collect();
                    tree.insert("list".into(), Value::Array(list));
                    let mut got = String::new();
                    write_object_with_list(&mut got, root, "list", &items, style);
                    assert_eq!(got, to_string(&Value::Object(tree), style), "{style:?}");
                }
            }
        }
    }

    #[test]
    fn one_line_style_matches_python_json_dump() {
        let v = json!({"b": [1, true, null], "a": "x", "e": {}, "l": []});
        assert_eq!(
            to_string(&v, PyJsonStyle::PROFILE),
            r#"{"b": [1, true, null], "a": "x", "e": {}, "l": []}"#
        );
    }

    #[test]
    fn ascii_escaping_matches_python_including_astral_and_del() {
        let v = json!("Contoso Café — 日本 😀 \u{7f} \u{1} \"q\" \\ /");
        assert_eq!(
            to_string(&v, PyJsonStyle::PROFILE),
            r#""Contoso Caf\u00e9 \u2014 \u65e5\u672c \ud83d\ude00 \u007f \u0001 \"q\" \\ /""#
        );
        assert_eq!(
            to_string(&v, PyJsonStyle::OUTPUT),
            "\"Contoso Café — 日本 😀 \u{7f} \\u0001 \\\"q\\\" \\\\ /\""
        );
    }

    #[test]
    fn floats_are_written_as_python_repr() {
        let cases = [
            (1.5, "1.5"),
            (0.1, "0.1"),
            (100.0, "100.0"),
            (1e16, "1e+16"),
            (1e-7, "1e-07"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (-2.5, "-2.5"),
            (1e15, "1000000000000000.0"),
            (-0.0, "-0.0"),
        ];
        for (f, text) in cases {
            assert_eq!(float_repr(f), text, "{f}");
            assert_eq!(to_string(&serde_json::json!(f), PyJsonStyle::OUTPUT), text);
        }
    }

    #[test]
    fn indented_style_matches_python_json_dumps_indent() {
        let v = json!({"z": {"k": "v", "n": [1, 2]}, "a": []});
        assert_eq!(
            to_string(&v, PyJsonStyle::TOKEN_CACHE),
            "{\n    \"z\": {\n        \"k\": \"v\",\n        \"n\": [\n            1,\n            2\n        ]\n    },\n    \"a\": []\n}"
        );
        assert_eq!(
            to_string(&v, PyJsonStyle::OUTPUT),
            "{\n  \"a\": [],\n  \"z\": {\n    \"k\": \"v\",\n    \"n\": [\n      1,\n      2\n    ]\n  }\n}"
        );
    }
}
