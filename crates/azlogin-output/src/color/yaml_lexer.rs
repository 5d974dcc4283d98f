//! A port of the parts of pygments' `YamlLexer` (an `ExtendedRegexLexer` with indentation
//! callbacks) that PyYAML's block output reaches: keys, plain scalars (also folded ones), quoted
//! scalars, empty flow collections, anchors and aliases, and the `...` document end. Directives,
//! tags and block scalars never occur in that output and are not lexed.

use super::Tok;
use crate::query::is_py_space;

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Root,
    Indentation,
    BlockLine,
    FlowSequence,
    FlowMapping,
    SingleQuoted,
    DoubleQuoted,
    Plain,
    PlainNewLine,
}

struct Lexer {
    text: Vec<char>,
    pos: usize,
    stack: Vec<State>,
    indent: i64,
    indent_stack: Vec<i64>,
    next_indent: i64,
    out: Vec<(Tok, String)>,
}

/// The tokens of `text`.
pub(super) fn tokens(text: &str) -> Vec<(Tok, String)> {
    let mut lx = Lexer {
        text: text.chars().collect(),
        pos: 0,
        stack: vec![State::Root],
        indent: -1,
        indent_stack: Vec::new(),
        next_indent: 0,
        out: Vec::new(),
    };
    while lx.pos < lx.text.len() {
        if !lx.step() {
            // No rule matched: a newline resets to the root state, anything else is an error.
            let c = lx.text[lx.pos];
            if c == '\n' {
                lx.stack = vec![State::Root];
                lx.emit(Tok::Plain, 1);
            } else {
                lx.emit(Tok::Error, 1);
            }
        }
    }
    lx.out
}

impl Lexer {
    fn at(&self, i: usize) -> Option<char> {
        self.text.get(i).copied()
    }

    /// `^` with `re.MULTILINE`.
    fn at_line_start(&self, i: usize) -> bool {
        i == 0 || self.at(i - 1) == Some('\n')
    }

    /// `$` with `re.MULTILINE`.
    fn at_line_end(&self, i: usize) -> bool {
        matches!(self.at(i), None | Some('\n'))
    }

    fn count(&self, from: usize, f: impl Fn(char) -> bool) -> usize {
        self.text[from..].iter().take_while(|c| f(**c)).count()
    }

    fn spaces(&self, from: usize) -> usize {
        self.count(from, |c| c == ' ')
    }

    fn emit(&mut self, tok: Tok, len: usize) {
        if len > 0 {
            let text: String = self.text[self.pos..self.pos + len].iter().collect();
            self.out.push((tok, text));
        }
        self.pos += len;
    }

    fn push(&mut self, state: State) {
        self.stack.push(state);
    }

    fn pop(&mut self, n: usize) {
        for _ in 0..n {
            if self.stack.len() > 1 {
                self.stack.pop();
            }
        }
    }

    fn top(&self) -> State {
        self.stack.last().copied().unwrap_or(State::Root)
    }

    /// `save_indent`.
    fn save_indent(&mut self, len: usize, start: bool) {
        if start {
            self.next_indent = len as i64;
            let mut head = len;
            if self.next_indent < self.indent {
                while self.next_indent < self.indent {
                    self.indent = self.indent_stack.pop().unwrap_or(-1);
                }
                if self.next_indent > self.indent {
                    // Python's `text[:indent]`, where an indent of -1 drops the last character.
                    head = if self.indent < 0 {
                        len.saturating_sub(self.indent.unsigned_abs() as usize)
                    } else {
                        (self.indent as usize).min(len)
                    };
                }
            }
            self.emit(Tok::Whitespace, head);
            // The part beyond a closed level is `Whitespace.Error`, still gray.
            self.emit(Tok::Whitespace, len - head);
        } else {
            self.next_indent += len as i64;
            self.emit(Tok::Whitespace, len);
        }
    }

    /// `set_indent`.
    fn set_indent(&mut self, tok: Tok, len: usize, implicit: bool) {
        if self.indent < self.next_indent {
            self.indent_stack.push(self.indent);
            self.indent = self.next_indent;
        }
        if !implicit {
            self.next_indent += len as i64;
        }
        self.emit(tok, len);
    }

    /// Tries the rules of the current state in order; false when none matched.
    fn step(&mut self) -> bool {
        match self.top() {
            State::Root => self.root(),
            State::Indentation => self.indentation(),
            State::BlockLine => self.block_line(),
            State::FlowSequence => self.flow_collection(']'),
            State::FlowMapping => self.flow_collection('}'),
            State::SingleQuoted => self.quoted(false),
            State::DoubleQuoted => self.quoted(true),
            State::Plain => self.plain(),
            State::PlainNewLine => self.plain_new_line(),
        }
    }

    /// `[ ]+(?=#|$)` / `[ ]*(?=#|$)`: the length of the blanks, if the lookahead holds.
    fn blanks_before_comment_or_eol(&self, min: usize) -> Option<usize> {
        let n = self.spaces(self.pos);
        let after = self.pos + n;
        (n >= min && (self.at(after) == Some('#') || self.at_line_end(after))).then_some(n)
    }

    fn root(&mut self) -> bool {
        let p = self.pos;
        if let Some(n) = self.blanks_before_comment_or_eol(1) {
            self.emit(Tok::Whitespace, n);
        } else if self.at(p) == Some('\n') {
            let n = self.count(p, |c| c == '\n');
            self.emit(Tok::Whitespace, n);
        } else if self.at(p) == Some('#') {
            let n = self.count(p, |c| c != '\n');
            self.emit(Tok::Whitespace, n);
        } else if self.at_line_start(p) && self.document_marker(p) {
            // `reset_indent`
            self.indent_stack.clear();
            self.indent = -1;
            self.next_indent = 0;
            self.emit(Tok::Namespace, 3);
            self.push(State::BlockLine);
        } else {
            let n = self.spaces(p);
            let next = self.at(p + n);
            if next.is_none_or(is_py_space) || self.at_line_end(p + n) {
                return false;
            }
            self.save_indent(n, true);
            self.push(State::BlockLine);
            self.push(State::Indentation);
        }
        true
    }

    /// `(?:---|\.\.\.)(?=[ ]|$)`.
    fn document_marker(&self, p: usize) -> bool {
        let three: String = self.text[p..].iter().take(3).collect();
        (three == "---" || three == "...")
            && (self.at(p + 3) == Some(' ') || self.at_line_end(p + 3))
    }

    /// `[?:-](?=[ ]|$)` at `p`.
    fn block_indicator(&self, p: usize) -> bool {
        matches!(self.at(p), Some('?' | ':' | '-'))
            && (self.at(p + 1) == Some(' ') || self.at_line_end(p + 1))
    }

    fn indentation(&mut self) -> bool {
        let p = self.pos;
        let n = self.spaces(p);
        if self.at_line_end(p + n) {
            self.emit(Tok::Whitespace, n);
            self.pop(2);
        } else if n > 0 && self.block_indicator(p + n) {
            self.save_indent(n, false);
        } else if self.block_indicator(p) {
            self.set_indent(Tok::Plain, 1, false);
        } else {
            self.save_indent(n, false);
            self.pop(1);
        }
        true
    }

    /// The `key:` rule: the longest run of key characters followed by `:` and a blank or EOL.
    fn key_length(&self, excluded: &str) -> Option<usize> {
        let p = self.pos;
        let run = self.count(p, |c| !excluded.contains(c) && c != '\n');
        (1..=run).rev().find(|&k| {
            self.at(p + k) == Some(':')
                && (self.at(p + k + 1) == Some(' ') || self.at_line_end(p + k + 1))
        })
    }

    fn block_line(&mut self) -> bool {
        let p = self.pos;
        if let Some(n) = self.blanks_before_comment_or_eol(0) {
            self.emit(Tok::Whitespace, n);
            self.pop(1);
            return true;
        }
        let n = self.spaces(p);
        if n > 0 {
            self.emit(Tok::Whitespace, n);
            return true;
        }
        if let Some(k) = self.key_length("#,?[]{}\"'") {
            self.emit(Tok::Key, k);
            self.set_indent(Tok::Plain, 1, true);
            return true;
        }
        let c = self.at(p);
        let next = self.at(p + 1);
        // `descriptors`: anchors (`Name.Label`, no colour) and aliases (`Name.Variable`).
        if let Some(marker @ ('&' | '*')) = c {
            let n = self.count(p + 1, |d| d.is_alphanumeric() || d == '_' || d == '-');
            if n > 0 {
                let tok = if marker == '&' {
                    Tok::Plain
                } else {
                    Tok::Variable
                };
                self.emit(tok, n + 1);
                return true;
            }
        }
        if c == Some(':') && (next == Some(' ') || self.at_line_end(p + 1)) {
            self.set_indent(Tok::Plain, 1, true);
            return true;
        }
        if self.flow_node() {
            return true;
        }
        let starts_plain = match c {
            Some('?' | ':' | '-') => next.is_some_and(|d| !is_py_space(d)),
            Some(c) => !is_py_space(c) && !",[]{}#&*!|>'\"%@`".contains(c),
            None => false,
        };
        if starts_plain {
            self.push(State::Plain);
            return true;
        }
        false
    }

    /// `flow-nodes`: `[`, `{`, `'`, `"`.
    fn flow_node(&mut self) -> bool {
        let (tok, state) = match self.at(self.pos) {
            Some('[') => (Tok::Plain, State::FlowSequence),
            Some('{') => (Tok::Plain, State::FlowMapping),
            Some('\'') => (Tok::Str, State::SingleQuoted),
            Some('"') => (Tok::Str, State::DoubleQuoted),
            _ => return false,
        };
        self.emit(tok, 1);
        self.push(state);
        true
    }

    /// `flow-sequence` / `flow-mapping`, enough for the empty `[]` and `{}` PyYAML writes.
    fn flow_collection(&mut self, close: char) -> bool {
        let p = self.pos;
        let c = self.at(p);
        if close == '}'
            && let Some(k) = self.key_length(",:?[]{}\"'")
        {
            self.emit(Tok::Key, k);
            self.emit(Tok::Plain, 1);
            return true;
        }
        match c {
            Some(' ') => {
                let n = self.spaces(p);
                self.emit(Tok::Whitespace, n);
            }
            Some('\n') => {
                let n = self.count(p, |d| d == '\n');
                self.emit(Tok::Whitespace, n);
            }
            Some('?' | ':' | ',') => self.emit(Tok::Plain, 1),
            Some(d) if d == close => {
                self.emit(Tok::Plain, 1);
                self.pop(1);
            }
            _ => return self.flow_node(),
        }
        true
    }

    fn quoted(&mut self, double: bool) -> bool {
        let p = self.pos;
        let n = self.spaces(p);
        if n > 0 && self.at_line_start(p) {
            self.emit(Tok::Whitespace, n);
            return true;
        }
        if n > 0 && self.at_line_end(p + n) {
            self.emit(Tok::Whitespace, n);
            return true;
        }
        if self.at(p) == Some('\n') {
            let n = self.count(p, |d| d == '\n');
            self.emit(Tok::Whitespace, n);
            return true;
        }
        let blanks = self.count(p, |d| d == ' ' || d == '\u{a0}');
        if blanks > 0 {
            self.emit(Tok::Variable, blanks);
            return true;
        }
        let c = self.at(p);
        if double {
            if c == Some('\\') {
                let len = self.escape_length(p);
                if len > 0 {
                    self.emit(Tok::Str, len);
                    return true;
                }
            }
            let n = self.count(p, |d| !is_py_space(d) && d != '"' && d != '\\');
            if n > 0 {
                self.emit(Tok::Str, n);
                return true;
            }
            if c == Some('"') {
                self.emit(Tok::Str, 1);
                self.pop(1);
                return true;
            }
        } else {
            if c == Some('\'') && self.at(p + 1) == Some('\'') {
                self.emit(Tok::Str, 2);
                return true;
            }
            let n = self.count(p, |d| !is_py_space(d) && d != '\'');
            if n > 0 {
                self.emit(Tok::Str, n);
                return true;
            }
            if c == Some('\'') {
                self.emit(Tok::Str, 1);
                self.pop(1);
                return true;
            }
        }
        false
    }

    /// The length of a double-quoted escape at `p` (both escape rules are yellow).
    fn escape_length(&self, p: usize) -> usize {
        let hex = |from: usize, n: usize| {
            (from..from + n).all(|i| self.at(i).is_some_and(|c| c.is_ascii_hexdigit()))
        };
        match self.at(p + 1) {
            Some(c) if "0abt\tn\nvfre \"\\N_LP".contains(c) => 2,
            Some('x') if hex(p + 2, 2) => 4,
            Some('u') if hex(p + 2, 4) => 6,
            Some('U') if hex(p + 2, 8) => 10,
            _ => 0,
        }
    }

    fn plain(&mut self) -> bool {
        let p = self.pos;
        let n = self.spaces(p);
        let after = p + n;
        let before_value_indicator = self.at(after) == Some(':')
            && (self.at(after + 1) == Some(' ') || self.at_line_end(after + 1));
        let before_comment = n > 0 && self.at(after) == Some('#');
        if before_value_indicator || before_comment {
            self.emit(Tok::Whitespace, n);
            self.pop(1);
        } else if n > 0 && self.at_line_end(after) {
            self.emit(Tok::Whitespace, n);
        } else if self.at(p) == Some('\n') {
            let n = self.count(p, |d| d == '\n');
            self.emit(Tok::Whitespace, n);
            self.push(State::PlainNewLine);
        } else if self.at(p).is_some_and(|c| c == ' ' || c == '\u{a0}') {
            let n = self.count(p, |d| d == ' ' || d == '\u{a0}');
            self.emit(Tok::Plain, n);
        } else {
            // `(?::(?!\s)|[^\s:])+`
            let mut i = p;
            while let Some(c) = self.at(i) {
                let ok = if c == ':' {
                    self.at(i + 1).is_none_or(|d| !is_py_space(d))
                } else {
                    !is_py_space(c)
                };
                if !ok {
                    break;
                }
                i += 1;
            }
            if i == p {
                return false;
            }
            self.emit(Tok::Plain, i - p);
        }
        true
    }

    fn plain_new_line(&mut self) -> bool {
        let p = self.pos;
        if !self.at_line_start(p) {
            if self.at(p) == Some('\n') {
                let n = self.count(p, |d| d == '\n');
                self.emit(Tok::Whitespace, n);
                return true;
            }
            return false;
        }
        let n = self.spaces(p);
        if n > 0 && self.at_line_end(p + n) {
            self.emit(Tok::Whitespace, n);
        } else if self.at(p) == Some('\n') {
            let n = self.count(p, |d| d == '\n');
            self.emit(Tok::Whitespace, n);
        } else if self.document_marker_ahead(p) {
            self.pop(3);
        } else if (n as i64) <= self.indent {
            // `parse_plain_scalar_indent`: the scalar ended; the rule's own `#pop` follows.
            self.pop(3);
        } else {
            self.emit(Tok::Whitespace, n);
            self.pop(1);
        }
        true
    }

    /// `^(?=---|\.\.\.)`.
    fn document_marker_ahead(&self, p: usize) -> bool {
        let three: String = self.text[p..].iter().take(3).collect();
        three == "---" || three == "..."
    }
}
