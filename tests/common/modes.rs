//! File modes and identities, per platform. Unix files have the modes az gives its secret files
//! (0600) and the config dir (0700); Windows files have ACLs instead, so there a mode is neither
//! set nor checked (said once per test process), and the rest of each test still runs.

// Each test binary uses some of these.
#[allow(unused_imports)]
pub use platform::{assert_mode, chown, file_identity, set_mode};

#[cfg(unix)]
mod platform {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::path::Path;

    /// Asserts the permission bits of `path` (file or directory) are `expected`.
    pub fn assert_mode(path: &Path, expected: u32) {
        let mode = std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode()
            & 0o7777;
        assert_eq!(mode, expected, "{}: mode {mode:o}", path.display());
    }

    /// Sets the permission bits of `path`.
    pub fn set_mode(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
    }

    /// Gives `path` to user and group `uid`.
    pub fn chown(path: &Path, uid: u32) {
        std::os::unix::fs::chown(path, Some(uid), Some(uid))
            .unwrap_or_else(|e| panic!("chown {}: {e}", path.display()));
    }

    /// What changes when a file is written in place or replaced: inode and modification time.
    pub fn file_identity(path: &Path) -> String {
        let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        format!(
            "inode {} modified {}.{:09}",
            meta.ino(),
            meta.mtime(),
            meta.mtime_nsec()
        )
    }
}

#[cfg(windows)]
mod platform {
    use std::os::windows::fs::MetadataExt;
    use std::path::Path;

    fn say_once() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            eprintln!("file modes not set or checked on Windows: its files have ACLs, not modes");
        });
    }

    /// Asserts `path` exists; Windows has no permission bits to compare with `expected`.
    pub fn assert_mode(path: &Path, _expected: u32) {
        assert!(path.exists(), "{} exists", path.display());
        say_once();
    }

    /// Nothing to set on Windows.
    pub fn set_mode(_path: &Path, _mode: u32) {
        say_once();
    }

    /// Windows has no uids: the tests that change owners are Unix only.
    pub fn chown(path: &Path, _uid: u32) {
        panic!("chown {}: no uids on Windows", path.display());
    }

    /// What changes when a file is written in place or replaced: creation and write times (a
    /// replacement is a new file, with its own creation time).
    pub fn file_identity(path: &Path) -> String {
        let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        format!(
            "created {} written {}",
            meta.creation_time(),
            meta.last_write_time()
        )
    }
}
