//! Reading Azure Arc's key file: its size is checked on the open file before a byte is read,
//! and the read itself stops one byte past the cap, so a file that grows in between is still
//! refused.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::oauth::managed_identity::arc::{
    KEY_FILE_MAX_BYTES, check_key_file_size, key_from_contents,
};
use crate::secret::ArcKey;

/// The key in the file at `path` (a path [`crate::oauth::managed_identity::arc::key_file`]
/// built).
pub fn read_arc_key(path: &Path) -> Result<ArcKey> {
    let unreadable = |e: std::io::Error| {
        Error::store(
            path,
            format!(
                "Azure Arc's key file cannot be read ({e}); reading it needs root or membership of the agent's himds group"
            ),
        )
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    check_key_file_size(path, file.metadata().map_err(unreadable)?.len())?;
    let mut bytes = Vec::new();
    file.take(KEY_FILE_MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    key_from_contents(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_are_read_and_large_ones_refused_unread() {
        let dir = tempfile::tempdir().expect("tempdir");
        let small = dir.path().join("a.key");
        std::fs::write(&small, "secret-key\n").expect("write");
        assert_eq!(read_arc_key(&small).expect("key").secret(), "secret-key");
        let large = dir.path().join("b.key");
        std::fs::write(&large, vec![b'k'; 4097]).expect("write");
        let e = read_arc_key(&large).expect_err("too large");
        assert!(e.to_string().contains("4097 bytes"), "{e}");
        let missing = read_arc_key(&dir.path().join("c.key")).expect_err("missing");
        assert_eq!(missing.code(), "store_error");
        assert!(missing.to_string().contains("himds"), "{missing}");
    }
}
