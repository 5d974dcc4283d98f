//! Why a JSON file of the config dir cannot be read, in words that point at the fix: the
//! profile and token-cache readers share these so a damaged file is described the same way
//! whichever one finds it.

/// The file's bytes as UTF-8 text, or what is wrong with them.
pub fn utf8_text(bytes: &[u8]) -> Result<&str, String> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err("UTF-16 text, not UTF-8: save it as UTF-8".into());
    }
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        )
    })
}

/// A parse error of `text`, with the usual cause named when it is recognisable.
pub fn describe_json_error(text: &str, e: &serde_json::Error) -> String {
    if text.starts_with('\u{feff}') {
        return "it starts with a byte order mark the format does not allow: remove the first \
                three bytes"
            .into();
    }
    if !text.is_empty() && text.bytes().all(|b| b == 0) {
        return "it holds only NUL bytes, as a write cut off by a crash leaves a file".into();
    }
    if e.classify() == serde_json::error::Category::Eof {
        return format!("not valid JSON ({e}): the file ends early, as if a write was cut off");
    }
    format!("not valid JSON ({e})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => panic!("{text:?} parsed as {v}"),
            Err(e) => describe_json_error(text, &e),
        }
    }

    #[test]
    fn names_the_usual_causes() {
        assert_eq!(
            utf8_text(b"\xff\xfe{\0}\0"),
            Err("UTF-16 text, not UTF-8: save it as UTF-8".into())
        );
        assert_eq!(
            utf8_text(b"{\"a\": \"\xe9\"}"),
            Err("not UTF-8 text (invalid byte at offset 7)".into())
        );
        assert_eq!(utf8_text(b"{}"), Ok("{}"));
        assert!(error_of("\u{feff}{}").contains("byte order mark"));
        assert!(error_of("\0\0\0").contains("only NUL bytes"));
        assert_eq!(
            error_of("{\"a\": [1, "),
            "not valid JSON (EOF while parsing a value at line 1 column 10): the file ends \
             early, as if a write was cut off"
        );
        assert_eq!(
            error_of("{} {}"),
            "not valid JSON (trailing characters at line 1 column 4)"
        );
    }
}
