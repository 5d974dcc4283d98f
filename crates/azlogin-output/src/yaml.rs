//! `-o yaml`: `yaml.safe_dump(result, default_flow_style=False, allow_unicode=True)`, a port of
//! the parts of PyYAML's emitter (`yaml/emitter.py`) that JSON-like data reaches: block
//! collections with sorted keys, `[]`/`{}` for empty ones, and the plain / single-quoted /
//! double-quoted choice and line folding at 80 columns for scalars.
//! An object that appears twice in a result (only a `--query` such as `[0].[user, user]` can do
//! that) is written once with an anchor and then as an alias, as PyYAML does.

mod analyze;
mod resolve;

use analyze::{analyze, is_break};

use std::collections::{HashMap, HashSet};

use super::value::{PyValue, float_repr};

const BEST_INDENT: usize = 2;
const BEST_WIDTH: usize = 80;
/// `len(prepare_tag('tag:yaml.org,2002:str'))`: a key's tag counts towards the 128 limit.
const STR_TAG_LEN: usize = 5;

/// Renders `value` as `yaml.safe_dump` does.
pub(crate) fn render(value: &PyValue) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        whitespace: true,
        indention: true,
        open_ended: false,
        indent: None,
        indents: Vec::new(),
        flow_level: 0,
        anchors: HashMap::new(),
        emitted: HashSet::new(),
    };
    // knack retries through a JSON round trip (fresh objects, so no aliases) when the result holds
    // an `OrderedDict`, which `safe_dump` refuses.
    if !has_ordered_dict(value) {
        let mut counter = 0;
        let mut seen = HashMap::new();
        assign_anchors(value, &mut seen, &mut counter);
        e.anchors = seen
            .into_iter()
            .filter_map(|(id, a)| Some((id, a?)))
            .collect();
    }
    e.node(value, Context::ROOT);
    e.write_indent();
    if e.open_ended {
        e.write_indicator("...", true, false, false);
        e.write_indent();
    }
    e.out
}

fn has_ordered_dict(value: &PyValue) -> bool {
    match value {
        PyValue::Dict(d) => d.ordered || d.entries.iter().any(|(_, v)| has_ordered_dict(v)),
        PyValue::List(items) => items.iter().any(has_ordered_dict),
        _ => false,
    }
}

/// `Serializer.anchor_node`: an object met a second time (depth first, keys sorted) gets the next
/// anchor name, `id001`, `id002`, ….
fn assign_anchors(value: &PyValue, seen: &mut HashMap<usize, Option<String>>, counter: &mut usize) {
    let Some(id) = value.object_id() else {
        return;
    };
    if let Some(slot) = seen.get_mut(&id) {
        if slot.is_none() {
            *counter += 1;
            *slot = Some(format!("id{counter:03}"));
        }
        return;
    }
    seen.insert(id, None);
    match value {
        PyValue::List(items) => items.iter().for_each(|i| assign_anchors(i, seen, counter)),
        PyValue::Dict(d) => {
            let mut entries: Vec<&(String, PyValue)> = d.entries.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries
                .into_iter()
                .for_each(|(_, v)| assign_anchors(v, seen, counter));
        }
        _ => {}
    }
}

/// Where a node sits (`expect_node`'s flags).
#[derive(Clone, Copy)]
struct Context {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

impl Context {
    const ROOT: Context = Context {
        root: true,
        mapping: false,
        simple_key: false,
    };
    const SEQUENCE: Context = Context {
        root: false,
        mapping: false,
        simple_key: false,
    };
    const MAPPING: Context = Context {
        root: false,
        mapping: true,
        simple_key: false,
    };
    const KEY: Context = Context {
        root: false,
        mapping: true,
        simple_key: true,
    };
}

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
    indent: Option<usize>,
    indents: Vec<Option<usize>>,
    flow_level: usize,
    /// Anchor names of the objects that appear more than once.
    anchors: HashMap<usize, String>,
    /// Anchored objects already written (later ones become aliases).
    emitted: HashSet<usize>,
}

impl Emitter {
    fn write(&mut self, text: &str) {
        self.column += text.chars().count();
        self.out.push_str(text);
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        self.indent = match self.indent {
            None => Some(if flow { BEST_INDENT } else { 0 }),
            Some(i) if !indentless => Some(i + BEST_INDENT),
            same => same,
        };
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().flatten();
    }

    fn node(&mut self, value: &PyValue, ctx: Context) {
        if let Some(id) = value.object_id()
            && let Some(anchor) = self.anchors.get(&id).cloned()
        {
            if !self.emitted.insert(id) {
                self.write_indicator(&format!("*{anchor}"), true, false, false);
                return;
            }
            self.write_indicator(&format!("&{anchor}"), true, false, false);
        }
        match value {
            PyValue::List(items) if !items.is_empty() && self.flow_level == 0 => {
                self.block_sequence(items, ctx)
            }
            PyValue::Dict(d) if !d.entries.is_empty() && self.flow_level == 0 => {
                let mut entries: Vec<&(String, PyValue)> = d.entries.iter().collect();
                // `sort_keys=True` (the default) sorts the keys as Python strings.
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                self.block_mapping(&entries);
            }
            PyValue::List(_) => self.empty_flow("[", "]"),
            PyValue::Dict(_) => self.empty_flow("{", "}"),
            scalar => {
                let (text, is_str) = scalar_text(scalar);
                self.scalar(&text, is_str, ctx);
            }
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.flow_level += 1;
        self.increase_indent(true, false);
        self.pop_indent();
        self.flow_level -= 1;
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[PyValue], ctx: Context) {
        let indentless = ctx.mapping && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Context::SEQUENCE);
        }
        self.pop_indent();
    }

    fn block_mapping(&mut self, entries: &[&(String, PyValue)]) {
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            let analysis = analyze(key);
            let simple =
                key.chars().count() + STR_TAG_LEN < 128 && !analysis.empty && !analysis.multiline;
            if simple {
                self.scalar(key, true, Context::KEY);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.scalar(key, true, Context::MAPPING);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(value, Context::MAPPING);
        }
        self.pop_indent();
    }

    /// `expect_scalar` + `process_scalar`.
    fn scalar(&mut self, text: &str, is_str: bool, ctx: Context) {
        self.increase_indent(true, false);
        let analysis = analyze(text);
        // Non-string scalars are written as text that resolves back to their own type.
        let implicit_plain = !is_str || !resolve::resolves_to_non_str(text);
        let key = ctx.simple_key;
        let plain_allowed = if self.flow_level > 0 {
            analysis.allow_flow_plain
        } else {
            analysis.allow_block_plain
        };
        let split = !ctx.simple_key;
        if implicit_plain && !(key && (analysis.empty || analysis.multiline)) && plain_allowed {
            self.write_plain(text, split, ctx);
        } else if analysis.allow_single_quoted && !(key && analysis.multiline) {
            self.write_single_quoted(text, split);
        } else {
            self.write_double_quoted(text, split);
        }
        self.pop_indent();
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        whitespace: bool,
        indention: bool,
    ) {
        if !self.whitespace && need_whitespace {
            self.write(" ");
        }
        self.whitespace = whitespace;
        self.indention = self.indention && indention;
        self.open_ended = false;
        self.write(indicator);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.write_line_break("\n");
        }
        if self.column < indent {
            self.whitespace = true;
            let pad = " ".repeat(indent - self.column);
            self.write(&pad);
        }
    }

    fn write_line_break(&mut self, text: &str) {
        self.whitespace = true;
        self.indention = true;
        self.out.push_str(text);
        self.column = 0;
    }

    fn write_breaks(&mut self, breaks: &[char]) {
        for br in breaks {
            self.write_line_break(&br.to_string());
        }
    }

    fn write_plain(&mut self, text: &str, split: bool, ctx: Context) {
        if ctx.root {
            self.open_ended = true;
        }
        if text.is_empty() {
            return;
        }
        if !self.whitespace {
            self.write(" ");
        }
        self.whitespace = false;
        self.indention = false;
        let chars: Vec<char> = text.chars().collect();
        let (mut spaces, mut breaks) = (false, false);
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end && self.column > BEST_WIDTH && split {
                        self.write_indent();
                        self.whitespace = false;
                        self.indention = false;
                    } else {
                        self.write(&collect(&chars[start..end]));
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_break) {
                    if chars.get(start) == Some(&'\n') {
                        self.write_line_break("\n");
                    }
                    self.write_breaks(&chars[start..end]);
                    self.write_indent();
                    self.whitespace = false;
                    self.indention = false;
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || is_break(c)) {
                self.write(&collect(&chars[start..end]));
                start = end;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_break(c);
            }
        }
    }

    fn write_single_quoted(&mut self, text: &str, split: bool) {
        self.write_quote("'", true);
        let chars: Vec<char> = text.chars().collect();
        let (mut spaces, mut breaks) = (false, false);
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end
                        && self.column > BEST_WIDTH
                        && split
                        && start != 0
                        && end != chars.len()
                    {
                        self.write_indent();
                    } else {
                        self.write(&collect(&chars[start..end]));
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_break) {
                    if chars.get(start) == Some(&'\n') {
                        self.write_line_break("\n");
                    }
                    self.write_breaks(&chars[start..end]);
                    self.write_indent();
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || c == '\'' || is_break(c)) && start < end {
                self.write(&collect(&chars[start..end]));
                start = end;
            }
            if ch == Some('\'') {
                self.write("''");
                start = end + 1;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_break(c);
            }
        }
        self.write_quote("'", false);
    }

    fn write_double_quoted(&mut self, text: &str, split: bool) {
        self.write_quote("\"", true);
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            let needs_escape = ch.is_none_or(|c| {
                matches!(
                    c,
                    '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
                ) || !(('\u{20}'..='\u{7e}').contains(&c)
                    || ('\u{a0}'..='\u{d7ff}').contains(&c)
                    || ('\u{e000}'..='\u{fffd}').contains(&c))
            });
            if needs_escape {
                if start < end {
                    self.write(&collect(&chars[start..end]));
                    start = end;
                }
                if let Some(c) = ch {
                    self.write(&escape(c));
                    start = end + 1;
                }
            }
            if 0 < end
                && end + 1 < chars.len()
                && (ch == Some(' ') || start >= end)
                && self.column + end.saturating_sub(start) > BEST_WIDTH
                && split
            {
                let mut data = collect(&chars[start.min(end)..end]);
                data.push('\\');
                if start < end {
                    start = end;
                }
                self.write(&data);
                self.write_indent();
                self.whitespace = false;
                self.indention = false;
                if chars.get(start) == Some(&' ') {
                    self.write("\\");
                }
            }
        }
        self.write_quote("\"", false);
    }

    fn write_quote(&mut self, quote: &str, opening: bool) {
        if opening && !self.whitespace {
            self.write(" ");
        }
        self.whitespace = false;
        self.indention = false;
        self.open_ended = false;
        self.write(quote);
    }
}

fn collect(chars: &[char]) -> String {
    chars.iter().collect()
}

/// The double-quoted escape of one character (`ESCAPE_REPLACEMENTS`, else `\xXX`/`\uXXXX`/`\UXXXXXXXX`).
fn escape(c: char) -> String {
    let short = match c {
        '\0' => "0",
        '\u{07}' => "a",
        '\u{08}' => "b",
        '\t' => "t",
        '\n' => "n",
        '\u{0b}' => "v",
        '\u{0c}' => "f",
        '\r' => "r",
        '\u{1b}' => "e",
        '"' => "\"",
        '\\' => "\\",
        '\u{85}' => "N",
        '\u{a0}' => "_",
        '\u{2028}' => "L",
        '\u{2029}' => "P",
        _ => "",
    };
    if !short.is_empty() {
        return format!("\\{short}");
    }
    let code = u32::from(c);
    if code <= 0xff {
        format!("\\x{code:02X}")
    } else if code <= 0xffff {
        format!("\\u{code:04X}")
    } else {
        format!("\\U{code:08X}")
    }
}

/// The text the representer gives a scalar, and whether it is a string.
fn scalar_text(value: &PyValue) -> (String, bool) {
    match value {
        PyValue::Null => ("null".to_string(), false),
        PyValue::Bool(b) => (b.to_string(), false),
        PyValue::Int(i) => (i.to_string(), false),
        PyValue::Float(f) => (float_text(*f), false),
        PyValue::Str(s) => (s.clone(), true),
        // Not JSON data; PyYAML would refuse it, and the caller rejects it before this point.
        other => (super::value::py_str(other), true),
    }
}

/// `SafeRepresenter.represent_float`.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    let text = float_repr(f).to_lowercase();
    if !text.contains('.') && text.contains('e') {
        text.replacen('e', ".0e", 1)
    } else {
        text
    }
}
