//! The few expressions the crate's parser accepts and Python's rejects: a multi-select list needs
//! at least one element and commas between elements (`[a b]`, `[ ]`; function arguments may omit
//! them in both), and `.` cannot be followed by `&`.

/// The token kinds that matter for these checks.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
    /// An identifier, quoted identifier, literal or raw string.
    Operand,
    At,
    Amp,
    Dot,
    Star,
    Number,
    Colon,
    LBracket,
    Flatten,
    Filter,
    LParen,
    LBrace,
    Close(char),
    Other,
}

fn tokens(expression: &str) -> Vec<Tok> {
    let chars: Vec<char> = expression.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        let tok = match c {
            c if c.is_whitespace() => continue,
            'a'..='z' | 'A'..='Z' | '_' => {
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '_')
                {
                    i += 1;
                }
                Tok::Operand
            }
            '0'..='9' | '-' => {
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
                Tok::Number
            }
            '"' | '\'' | '`' => {
                // Up to the closing delimiter; a backslash escapes the next character.
                while let Some(&d) = chars.get(i) {
                    i += 1;
                    if d == '\\' {
                        i += 1;
                    } else if d == c {
                        break;
                    }
                }
                Tok::Operand
            }
            '[' => match chars.get(i) {
                Some(']') => {
                    i += 1;
                    Tok::Flatten
                }
                Some('?') => {
                    i += 1;
                    Tok::Filter
                }
                _ => Tok::LBracket,
            },
            '&' if chars.get(i) == Some(&'&') => {
                i += 1;
                Tok::Other
            }
            '&' => Tok::Amp,
            '@' => Tok::At,
            '.' => Tok::Dot,
            '*' => Tok::Star,
            ':' => Tok::Colon,
            '(' => Tok::LParen,
            '{' => Tok::LBrace,
            ']' | ')' | '}' => Tok::Close(c),
            _ => Tok::Other,
        };
        out.push(tok);
    }
    out
}

/// Whether Python's parser rejects an expression the crate's parser accepted.
pub(super) fn python_rejects(expression: &str) -> bool {
    let tokens = tokens(expression);
    // Each open group: whether it is a multi-select list, and the last token seen inside it.
    let mut groups: Vec<(bool, Option<Tok>)> = Vec::new();
    let mut previous: Option<Tok> = None;
    for (n, &tok) in tokens.iter().enumerate() {
        let next = tokens.get(n + 1).copied();
        if previous == Some(Tok::Dot) && tok == Tok::Amp {
            return true;
        }
        if let Some((true, Some(last))) = groups.last()
            && ends_operand(*last)
            && matches!(tok, Tok::Operand | Tok::At | Tok::Amp)
        {
            return true;
        }
        match tok {
            Tok::LBracket => {
                let multi_list = !matches!(next, Some(Tok::Number | Tok::Colon | Tok::Star));
                if multi_list && next == Some(Tok::Close(']')) {
                    return true;
                }
                groups.push((multi_list, None));
            }
            Tok::Filter | Tok::LParen | Tok::LBrace => groups.push((false, None)),
            Tok::Close(_) => {
                groups.pop();
            }
            _ => {}
        }
        if !matches!(tok, Tok::LBracket | Tok::Filter | Tok::LParen | Tok::LBrace)
            && let Some(group) = groups.last_mut()
        {
            group.1 = Some(tok);
        }
        previous = Some(tok);
    }
    false
}

/// Tokens after which another operand can only follow a comma or an operator.
fn ends_operand(tok: Tok) -> bool {
    matches!(
        tok,
        Tok::Operand | Tok::At | Tok::Star | Tok::Flatten | Tok::Close(_)
    )
}

#[cfg(test)]
mod tests {
    use super::python_rejects;

    #[test]
    fn matches_python_on_lists_and_dots() {
        for bad in ["[a b]", "[ ]", "a.&b", "[a, b c]", "[f(x) y]", "[a [b] c]"] {
            assert!(python_rejects(bad), "{bad}");
        }
        for good in [
            "[a, b]",
            "f(a b)",
            "[f(a b), c]",
            "[a[0], b[*].c]",
            "[a[?b], `1`]",
            "a[]",
            "[*].{n: name}",
            "map(&a, @)",
            "[a.b, 'x']",
            "[[a, b], c]",
        ] {
            assert!(!python_rejects(good), "{good}");
        }
    }
}
