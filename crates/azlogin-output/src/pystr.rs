//! Python `str` behaviour the formatters depend on.

/// Python's `str.splitlines(keepends)`: every line boundary Python knows, `\r\n` as one.
pub(super) fn split_lines(text: &str, keep_ends: bool) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let is_break = matches!(
            c,
            '\n' | '\r'
                | '\u{0b}'
                | '\u{0c}'
                | '\u{1c}'
                | '\u{1d}'
                | '\u{1e}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if !is_break {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r'
            && let Some((j, '\n')) = chars.peek().copied()
        {
            chars.next();
            end = j + 1;
        }
        lines.push(if keep_ends {
            &text[start..end]
        } else {
            &text[start..i]
        });
        start = end;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_python_splitlines() {
        assert_eq!(
            split_lines("a\r\nb\rc\u{2028}d\n", false),
            ["a", "b", "c", "d"]
        );
        assert_eq!(
            split_lines("a\r\nb\rc\u{2028}d\n", true),
            ["a\r\n", "b\r", "c\u{2028}", "d\n"]
        );
        assert_eq!(split_lines("", true), Vec::<&str>::new());
        assert_eq!(split_lines("x", false), ["x"]);
    }
}
