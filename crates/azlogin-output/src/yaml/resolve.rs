//! PyYAML's implicit resolvers (`yaml/resolver.py`): a string that a YAML 1.1 reader would take
//! for a bool, int, float, null, timestamp, merge key or value key cannot be written plain.

/// Whether a plain scalar with this text would resolve to a tag other than `str`.
pub(super) fn resolves_to_non_str(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        // The null resolver is registered for the empty string.
        return true;
    };
    match first {
        'y' | 'Y' | 'n' | 'N' | 't' | 'T' | 'f' | 'F' | 'o' | 'O' if is_bool(value) => true,
        '~' | 'n' | 'N' if is_null(value) => true,
        '-' | '+' | '0'..='9' | '.' if is_float(value) => true,
        '-' | '+' | '0'..='9' if is_int(value) => true,
        '0'..='9' if is_timestamp(value) => true,
        '<' => value == "<<",
        '=' => value == "=",
        '!' | '&' | '*' => value.chars().count() == 1,
        _ => false,
    }
}

/// Python's `$` also matches before a final newline.
fn body(value: &str) -> &str {
    value.strip_suffix('\n').unwrap_or(value)
}

fn is_bool(value: &str) -> bool {
    matches!(
        body(value),
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

fn is_null(value: &str) -> bool {
    matches!(body(value), "~" | "null" | "Null" | "NULL" | "")
}

/// A tiny cursor over ASCII text for the resolver patterns.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, f: impl Fn(u8) -> bool) -> bool {
        match self.peek() {
            Some(c) if f(c) => {
                self.i += 1;
                true
            }
            _ => false,
        }
    }
    fn eat_while(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let start = self.i;
        while self.eat(&f) {}
        self.i - start
    }
    fn eat_str(&mut self, t: &str) -> bool {
        if self.s[self.i..].starts_with(t.as_bytes()) {
            self.i += t.len();
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.i == self.s.len()
    }
}

fn digit(c: u8) -> bool {
    c.is_ascii_digit()
}
fn digit_(c: u8) -> bool {
    c.is_ascii_digit() || c == b'_'
}

/// Each alternative of a pattern, tried from the start of the text.
fn any_alternative(value: &str, alternatives: &[fn(&mut Cursor<'_>) -> bool]) -> bool {
    let text = body(value).as_bytes();
    alternatives.iter().any(|alt| {
        let mut c = Cursor { s: text, i: 0 };
        alt(&mut c) && c.done()
    })
}

fn sign(c: &mut Cursor<'_>) {
    c.eat(|b| b == b'-' || b == b'+');
}

/// `(?::[0-5]?[0-9])+`
fn sexagesimal(c: &mut Cursor<'_>) -> bool {
    let mut count = 0;
    loop {
        let save = c.i;
        if !c.eat(|b| b == b':') {
            break;
        }
        let first = c.eat(|b| (b'0'..=b'5').contains(&b));
        if !c.eat(digit) {
            // `[0-5]?` may have taken the only digit.
            if !first {
                c.i = save;
                break;
            }
        }
        count += 1;
    }
    count > 0
}

/// `(?:[eE][-+][0-9]+)?`
fn exponent(c: &mut Cursor<'_>) -> bool {
    let save = c.i;
    if c.eat(|b| b == b'e' || b == b'E')
        && c.eat(|b| b == b'-' || b == b'+')
        && c.eat_while(digit) > 0
    {
        return true;
    }
    c.i = save;
    true
}

fn is_float(value: &str) -> bool {
    any_alternative(
        value,
        &[
            |c| {
                sign(c);
                c.eat(digit)
                    && {
                        c.eat_while(digit_);
                        c.eat(|b| b == b'.')
                    }
                    && {
                        c.eat_while(digit_);
                        exponent(c)
                    }
            },
            |c| {
                c.eat(|b| b == b'.')
                    && c.eat(digit)
                    && c.eat_while(digit_) < usize::MAX
                    && exponent(c)
            },
            |c| {
                sign(c);
                c.eat(digit)
                    && {
                        c.eat_while(digit_);
                        sexagesimal(c)
                    }
                    && c.eat(|b| b == b'.')
                    && c.eat_while(digit_) < usize::MAX
            },
            |c| {
                sign(c);
                c.eat(|b| b == b'.') && (c.eat_str("inf") || c.eat_str("Inf") || c.eat_str("INF"))
            },
            |c| c.eat(|b| b == b'.') && (c.eat_str("nan") || c.eat_str("NaN") || c.eat_str("NAN")),
        ],
    )
}

fn is_int(value: &str) -> bool {
    any_alternative(
        value,
        &[
            |c| {
                sign(c);
                c.eat_str("0b") && c.eat_while(|b| b == b'0' || b == b'1' || b == b'_') > 0
            },
            |c| {
                sign(c);
                c.eat(|b| b == b'0') && c.eat_while(|b| (b'0'..=b'7').contains(&b) || b == b'_') > 0
            },
            |c| {
                sign(c);
                c.eat(|b| b == b'0')
            },
            |c| {
                sign(c);
                c.eat(|b| (b'1'..=b'9').contains(&b)) && c.eat_while(digit_) < usize::MAX
            },
            |c| {
                sign(c);
                c.eat_str("0x") && c.eat_while(|b| b.is_ascii_hexdigit() || b == b'_') > 0
            },
            |c| {
                sign(c);
                c.eat(|b| (b'1'..=b'9').contains(&b)) && {
                    c.eat_while(digit_);
                    sexagesimal(c)
                }
            },
        ],
    )
}

fn is_timestamp(value: &str) -> bool {
    any_alternative(
        value,
        &[
            |c| {
                c.eat_while(digit) == 4
                    && c.eat(|b| b == b'-')
                    && c.eat_while(digit) == 2
                    && c.eat(|b| b == b'-')
                    && c.eat_while(digit) == 2
            },
            |c| {
                let date = c.eat_while(digit) == 4
                    && c.eat(|b| b == b'-')
                    && (1..=2).contains(&c.eat_while(digit))
                    && c.eat(|b| b == b'-')
                    && (1..=2).contains(&c.eat_while(digit));
                let separator = c.eat(|b| b == b'T' || b == b't')
                    || c.eat_while(|b| b == b' ' || b == b'\t') > 0;
                let time = (1..=2).contains(&c.eat_while(digit))
                    && c.eat(|b| b == b':')
                    && c.eat_while(digit) == 2
                    && c.eat(|b| b == b':')
                    && c.eat_while(digit) == 2;
                if !(date && separator && time) {
                    return false;
                }
                if c.eat(|b| b == b'.') {
                    c.eat_while(digit);
                }
                // Optional zone: `[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?)`.
                let save = c.i;
                c.eat_while(|b| b == b' ' || b == b'\t');
                let zone = c.eat(|b| b == b'Z')
                    || (c.eat(|b| b == b'-' || b == b'+')
                        && (1..=2).contains(&c.eat_while(digit))
                        && {
                            let colon = c.i;
                            if !(c.eat(|b| b == b':') && c.eat_while(digit) == 2) {
                                c.i = colon;
                            }
                            true
                        });
                if !zone {
                    c.i = save;
                }
                true
            },
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::resolves_to_non_str as r;

    #[test]
    fn matches_pyyaml_resolvers() {
        for yes in [
            "",
            "true",
            "No",
            "on",
            "~",
            "null",
            "123",
            "-5",
            "+5",
            "0x1F",
            "1_000",
            "0b101",
            "017",
            "1.5",
            ".5",
            "6.02e+23",
            ".inf",
            "-.Inf",
            ".NaN",
            "1:30",
            "12:30:00",
            "1:30.5",
            "2024-01-01",
            "2026-11-25 04:03:54.000000",
            "2026-11-25T04:03:54Z",
            "2026-1-2 3:04:05 +01:00",
            "<<",
            "=",
            "true\n",
        ] {
            assert!(r(yes), "{yes:?}");
        }
        for no in [
            "plain",
            "1e3",
            "0o17",
            "c0000001-0000-4000-8000-000000000001",
            "yes!",
            "-",
            "!x",
            "1:65",
            "2024-01-012",
            "2026-11-25 04:03",
        ] {
            assert!(!r(no), "{no:?}");
        }
    }
}
