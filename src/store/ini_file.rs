//! Reading an INI file of the config dir without ever harming it.

use std::path::Path;

use super::atomic::read_optional;
use crate::error::{Error, Result};
use crate::ini::Ini;

/// Reads and parses an INI file; a missing file is an empty document. A file that is not UTF-8
/// or not configparser INI is [`Error::CorruptFile`] and is left exactly as it is (az deletes a
/// malformed `clouds.config`; azlogin never does).
pub fn read_ini(path: &Path) -> Result<Ini> {
    let Some(bytes) = read_optional(path)? else {
        return Ok(Ini::new());
    };
    let corrupt = |message: String| Error::CorruptFile {
        path: path.to_path_buf(),
        message,
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        corrupt(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if text.starts_with('\u{feff}') {
        // configparser reads the mark as part of the first line, so az fails on it too.
        return Err(corrupt(
            "it starts with a byte order mark, which az cannot read: remove the first three \
             bytes"
                .into(),
        ));
    }
    Ini::parse(&text).map_err(|e| corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_is_empty_and_bad_files_are_corrupt() -> Result<()> {
        let t = tempfile::tempdir().map_err(|e| Error::store("tempdir", e))?;
        let path = t.path().join("clouds.config");
        assert_eq!(read_ini(&path)?, Ini::new());
        for (bytes, message) in [
            (
                &b"[a]\nk = 1\n[a]\n"[..],
                "line 3: section 'a' already exists",
            ),
            (&b"[a]\nk = \xff\n"[..], "not UTF-8"),
            (&b"\xef\xbb\xbf[a]\n"[..], "starts with a byte order mark"),
        ] {
            std::fs::write(&path, bytes).map_err(|e| Error::store(&path, e))?;
            let Err(e) = read_ini(&path) else {
                panic!("corrupt file parsed")
            };
            assert_eq!(e.code(), "corrupt_file");
            assert!(e.to_string().contains(message), "{e}");
            assert!(e.to_string().contains(&path.display().to_string()), "{e}");
        }
        Ok(())
    }
}
