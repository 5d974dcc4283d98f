//! Unix: modes, `flock`, `rename`, `kill(pid, 0)`, `$HOME`. Secrets are stored in plain files
//! with mode 0600, as az does on Linux unless `core.encrypt_token_cache` asks for libsecret,
//! which azlogin does not use (it keeps the `.json` files then).

use std::fs::{self, DirBuilder, File, Metadata, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::store::DataProtection;

/// az encrypts its token cache by default on Windows only (`should_encrypt_token_cache`).
pub(crate) const ENCRYPT_TOKEN_CACHE_BY_DEFAULT: bool = false;

/// Whether `core.enable_broker_on_windows` means anything here (it does on Windows only).
pub(crate) const BROKER_PLATFORM: bool = false;

/// The variable that names the home directory.
pub(crate) const HOME_VARIABLE: &str = "HOME";

/// What to check when the file system refuses access.
pub(crate) const PERMISSION_ADVICE: &str = "; check the owner and mode of the file and its \
     directory, or set AZURE_CONFIG_DIR to a directory you own";

/// Advice for an OS error the error kind alone does not explain: none on Unix.
pub(crate) fn advice(_error: &std::io::Error) -> Option<&'static str> {
    None
}

/// No protection for secrets is available: the plaintext files are used.
pub(crate) fn data_protection() -> Option<Arc<dyn DataProtection>> {
    None
}

/// The permission bits of a file.
pub(crate) fn mode_of(metadata: &Metadata) -> Option<u32> {
    Some(metadata.permissions().mode() & 0o7777)
}

/// The mode of a file others may read (group or world read bit set), for the warning about
/// exposed secrets.
pub(crate) fn exposed_mode(metadata: &Metadata) -> Option<u32> {
    let mode = metadata.permissions().mode() & 0o777;
    (mode & 0o044 != 0).then_some(mode)
}

/// Creates `path`, which must not exist, for writing with `mode` less the umask.
pub(crate) fn create_new_file(path: &Path, mode: u32) -> std::io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
}

/// Sets exactly `mode` on an open file.
pub(crate) fn set_mode(file: &File, mode: u32) -> std::io::Result<()> {
    file.set_permissions(fs::Permissions::from_mode(mode))
}

/// Replaces `to` with `from` in one step.
pub(crate) fn replace_file(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::rename(from, to)
}

/// Makes a rename in `dir` durable. Some file systems cannot sync a directory; the data is in
/// place by then, so that is no failure.
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Creates `path` and missing parents, mode 0700.
pub(crate) fn create_dir_private(path: &Path) -> std::io::Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(path)
}

/// Which file an open file or a path is (device and inode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FileId(u64, u64);

/// The identity of an open file.
pub(crate) fn file_id(file: &File) -> std::io::Result<FileId> {
    file.metadata().map(|m| FileId(m.dev(), m.ino()))
}

/// The identity of the file at `path` now.
pub(crate) fn path_id(path: &Path) -> std::io::Result<FileId> {
    fs::metadata(path).map(|m| FileId(m.dev(), m.ino()))
}

/// Takes portalocker's lock on the lock file without waiting: an exclusive `flock`.
pub(crate) fn try_lock(file: &File) -> std::io::Result<()> {
    file.try_lock().map_err(std::io::Error::from)
}

/// Releases [`try_lock`]'s lock.
pub(crate) fn unlock(file: &File) -> std::io::Result<()> {
    file.unlock()
}

/// Whether no process `pid` exists on this machine (`kill(pid, 0)` fails with `ESRCH`). Any
/// other answer, including "exists but belongs to another user", counts as alive: the caller
/// then falls back to waiting, which is always safe.
pub(crate) fn is_gone(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

/// The home directory as Python's `os.path.expanduser('~')` finds it on Unix: `$HOME`, else the
/// account's home directory from the password database.
pub(crate) fn home_dir(env: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    env("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(std::env::home_dir)
}
