//! `-o jsonc` / `-o yamlc` with colour on: knack runs the text through pygments' `JsonLexer` /
//! `YamlLexer` and `TerminalFormatter` (light background). Each token is wrapped in its colour and
//! a reset, line by line; tokens without a colour are written as they are.

mod yaml_lexer;

/// The colours `TerminalFormatter` uses for the token types these lexers produce.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
    /// Punctuation, plain YAML scalars, a stray newline: no colour.
    Plain,
    /// `Whitespace`, `Comment`: gray.
    Whitespace,
    /// `Name.Tag` (keys): bright blue.
    Key,
    /// `String` and its escapes: yellow.
    Str,
    /// `Number`, `Keyword.Constant`: blue.
    Number,
    /// `Name.Variable` (spaces inside quoted YAML scalars): red.
    Variable,
    /// `Name.Namespace` (`---`, `...`): underlined cyan.
    Namespace,
    /// `Error`: underlined bright red.
    Error,
}

impl Tok {
    fn codes(self) -> Option<&'static str> {
        match self {
            Tok::Plain => None,
            Tok::Whitespace => Some("\x1b[37m"),
            Tok::Key => Some("\x1b[94m"),
            Tok::Str => Some("\x1b[33m"),
            Tok::Number => Some("\x1b[34m"),
            Tok::Variable => Some("\x1b[31m"),
            Tok::Namespace => Some("\x1b[04m\x1b[36m"),
            Tok::Error => Some("\x1b[04m\x1b[91m"),
        }
    }
}

const RESET: &str = "\x1b[39;49;00m";

/// `TerminalFormatter.format_unencoded`.
fn format(tokens: &[(Tok, String)]) -> String {
    let mut out = String::new();
    for (tok, text) in tokens {
        for line in super::pystr::split_lines(text, true) {
            let body = line.trim_end_matches('\n');
            match tok.codes() {
                Some(codes) => {
                    out.push_str(codes);
                    out.push_str(body);
                    out.push_str(RESET);
                }
                None => out.push_str(body),
            }
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

/// pygments' input preparation: line ends normalised, outer newlines stripped, one added.
fn prepare(text: &str) -> String {
    let mut text = text.replace("\r\n", "\n").replace('\r', "\n");
    text = text.trim_matches('\n').to_string();
    text.push('\n');
    text
}

/// Colours the JSON text of `-o json` as `highlight(text, JsonLexer(), TerminalFormatter())`.
pub(crate) fn json(text: &str) -> String {
    let text = prepare(text);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let slice = |from: usize, to: usize| -> String {
        let start = chars.get(from).map_or(text.len(), |c| c.0);
        let end = chars.get(to).map_or(text.len(), |c| c.0);
        text[start..end].to_string()
    };
    let is_space = |c: char| matches!(c, ' ' | '\n' | '\r' | '\t');
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&(_, c)) = chars.get(i) {
        let start = i;
        if c == '"' {
            i += 1;
            let mut escaped = false;
            while let Some(&(_, d)) = chars.get(i) {
                i += 1;
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == '"' {
                    break;
                }
            }
            // A string followed (after blanks) by ':' is an object key.
            let mut j = i;
            while chars.get(j).is_some_and(|&(_, d)| is_space(d)) {
                j += 1;
            }
            let key = chars.get(j).is_some_and(|&(_, d)| d == ':');
            tokens.push((if key { Tok::Key } else { Tok::Str }, slice(start, i)));
        } else if is_space(c) {
            while chars.get(i).is_some_and(|&(_, d)| is_space(d)) {
                i += 1;
            }
            tokens.push((Tok::Whitespace, slice(start, i)));
        } else if "-0123456789".contains(c) {
            while chars
                .get(i)
                .is_some_and(|&(_, d)| "-0123456789.eE+".contains(d))
            {
                i += 1;
            }
            tokens.push((Tok::Number, slice(start, i)));
        } else if "tfn".contains(c) {
            while chars
                .get(i)
                .is_some_and(|&(_, d)| "truefalsenull".contains(d))
            {
                i += 1;
            }
            tokens.push((Tok::Number, slice(start, i)));
        } else {
            i += 1;
            tokens.push((Tok::Plain, slice(start, i)));
        }
    }
    format(&tokens)
}

/// Colours the YAML text of `-o yaml` as `highlight(text, YamlLexer(), TerminalFormatter())`.
pub(crate) fn yaml(text: &str) -> String {
    format(&yaml_lexer::tokens(&prepare(text)))
}
