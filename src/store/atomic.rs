//! Whole-file reads and writes that never leave a half-written file: the new bytes go to a
//! temporary file in the same directory, reach the disk, and replace the old file with one
//! `rename`. az truncates and rewrites in place, which is how its files get corrupted when two
//! runs overlap.

use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::platform;
use crate::error::{Error, Result};

/// Reads a whole file; a missing file is `None`.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(path, "read", &e)),
    }
}

/// Replaces the file at `path` with `bytes`, atomically. An existing file keeps its mode; a new
/// one is created with `mode_if_new` less the umask (as Python's `open(path, 'w')` would). A
/// symbolic link is followed, so the file it points to is replaced and the link kept. On
/// Windows there are no modes: the file inherits its folder's ACL, as az's files do.
pub fn atomic_write(path: &Path, bytes: &[u8], mode_if_new: u32) -> Result<()> {
    write_with(
        path,
        bytes,
        Mode::KeepOr(mode_if_new),
        platform::replace_file,
    )
}

/// Replaces the file at `path` with `bytes`, atomically, leaving it with exactly `mode` (knack
/// chmods `config` to 0600 after every write; on Windows, where knack's chmod does nothing
/// either, the mode is not applied).
pub fn atomic_write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    write_with(path, bytes, Mode::Exactly(mode), platform::replace_file)
}

/// Deletes the temporary files that writers of `path` killed mid-write left behind, without
/// writing: for a caller that found the file already holds what it would write (every write
/// cleans up on its own).
pub fn remove_stale_temps_of(path: &Path) {
    let target = resolve_link(path);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    remove_stale_temps(&dir, &target);
}

#[derive(Clone, Copy)]
enum Mode {
    KeepOr(u32),
    Exactly(u32),
}

/// The write, with the final rename passed in so tests can make it fail.
fn write_with(
    path: &Path,
    bytes: &[u8],
    mode: Mode,
    rename: impl FnOnce(&Path, &Path) -> std::io::Result<()>,
) -> Result<()> {
    let target = resolve_link(path);
    let existing_mode = match fs::metadata(&target) {
        Ok(m) if m.is_dir() => {
            return Err(Error::store(
                &target,
                "is a directory where a file belongs; move it away and try again",
            ));
        }
        Ok(m) => platform::mode_of(&m),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(io_error(&target, "inspect", &e)),
    };
    let (create_mode, chmod) = match (mode, existing_mode) {
        (Mode::Exactly(m), _) => (0o600, Some(m)),
        (Mode::KeepOr(_), Some(m)) => (0o600, Some(m)),
        (Mode::KeepOr(m), None) => (m, None),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    remove_stale_temps(&dir, &target);
    let (temp_path, mut temp) = create_temp(&dir, &target, create_mode)?;
    let written = (|| {
        temp.write_all(bytes)?;
        if let Some(m) = chmod {
            platform::set_mode(&temp, m)?;
        }
        temp.sync_all()?;
        drop(temp);
        rename(&temp_path, &target)
    })();
    if let Err(e) = written {
        // The old file was never touched; only the temporary one has to go.
        let _ = fs::remove_file(&temp_path);
        return Err(io_error(&target, "write", &e));
    }
    // Make the rename itself durable.
    platform::sync_dir(&dir);
    Ok(())
}

/// The file a symbolic link points to, so writing replaces that file and keeps the link (as
/// az's in-place writes do); anything else, including a dangling link, as given.
fn resolve_link(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// A temporary file older than this is left over whoever wrote it: no write takes that long.
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes the temporary files of `target` that writers killed mid-write left behind: those
/// whose writer no longer exists, and any older than [`STALE_TEMP_AGE`] (the pid may have been
/// reused). A live writer's file is never touched, so crashes cannot make them pile up. Errors
/// are ignored: a leftover costs only disk space, and the write itself must not fail for it.
fn remove_stale_temps(dir: &Path, target: &Path) {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|f| f.strip_suffix(".tmp"))
            .and_then(temp_writer_pid)
        else {
            continue;
        };
        let old = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if pid != std::process::id() && (old || super::pid::is_gone(pid)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The writer's pid in the `<pid>.<n>` part of a temporary file's name.
fn temp_writer_pid(middle: &str) -> Option<u32> {
    let (pid, n) = middle.split_once('.')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Creates `.<name>.<pid>.<n>.tmp` next to `target`, never reusing an existing name.
fn create_temp(dir: &Path, target: &Path, mode: u32) -> Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp_path = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match platform::create_new_file(&temp_path, mode) {
            Ok(file) => return Ok((temp_path, file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(target, "write", &e)),
        }
    }
}

/// A store error that says what to do about the usual causes.
fn io_error(path: &Path, action: &str, e: &std::io::Error) -> Error {
    // Windows refuses to read a directory with "access denied": the directory is the cause.
    let kind = if path.is_dir() {
        ErrorKind::IsADirectory
    } else {
        e.kind()
    };
    let advice = platform::advice(e).unwrap_or(match kind {
        ErrorKind::PermissionDenied => platform::PERMISSION_ADVICE,
        ErrorKind::IsADirectory => "; a directory is where a file belongs: move it away",
        ErrorKind::StorageFull => "; free some disk space and try again",
        ErrorKind::ReadOnlyFilesystem => {
            "; the file system is read-only: set AZURE_CONFIG_DIR to a writable directory"
        }
        _ => "",
    });
    Error::store(path, format!("cannot {action} the file: {e}{advice}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn tmp() -> tempfile::TempDir {
        match tempfile::tempdir() {
            Ok(t) => t,
            Err(e) => panic!("tempdir: {e}"),
        }
    }

    pub(super) fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn creates_and_replaces_leaving_no_temp_file() -> Result<()> {
        let t = tmp();
        let path = t.path().join("msal_token_cache.json");
        assert_eq!(read_optional(&path)?, None);
        atomic_write(&path, b"one", 0o600)?;
        assert_eq!(read_optional(&path)?.as_deref(), Some(&b"one"[..]));
        atomic_write(&path, b"two", 0o600)?;
        assert_eq!(read_optional(&path)?.as_deref(), Some(&b"two"[..]));
        atomic_write_with_mode(&path, b"three", 0o600)?;
        assert_eq!(read_optional(&path)?.as_deref(), Some(&b"three"[..]));
        assert_eq!(entries(t.path()), ["msal_token_cache.json"]);
        Ok(())
    }

    #[test]
    fn a_failed_rename_leaves_the_old_content_and_no_temp_file() -> Result<()> {
        let t = tmp();
        let path = t.path().join("azureProfile.json");
        atomic_write(&path, b"old content", 0o644)?;
        let result = write_with(&path, b"new content", Mode::KeepOr(0o644), |_, _| {
            Err(std::io::Error::other("simulated crash before rename"))
        });
        let Err(e) = result else {
            panic!("the failed rename was not reported")
        };
        assert!(e.to_string().contains("simulated crash"));
        assert_eq!(read_optional(&path)?.as_deref(), Some(&b"old content"[..]));
        assert_eq!(entries(t.path()), ["azureProfile.json"]);
        Ok(())
    }

    #[test]
    fn temp_files_of_dead_writers_are_removed_and_live_ones_kept() -> Result<()> {
        let t = tmp();
        let path = t.path().join("msal_token_cache.json");
        let mut child = match crate::store::pid::tests::quick_command().spawn() {
            Ok(c) => c,
            Err(e) => panic!("spawn: {e}"),
        };
        let dead = child.id();
        assert!(child.wait().is_ok());
        let live = std::process::id();
        let names = [
            format!(".msal_token_cache.json.{dead}.0.tmp"),
            format!(".msal_token_cache.json.{dead}.17.tmp"),
            format!(".msal_token_cache.json.{live}.99.tmp"),
            // Not ours: another file's temp, and names that only look alike.
            format!(".azureProfile.json.{dead}.0.tmp"),
            format!(".msal_token_cache.json.{dead}.tmp"),
            format!("msal_token_cache.json.{dead}.0.tmp"),
        ];
        for name in &names {
            fs::write(t.path().join(name), b"partial").map_err(|e| Error::store(name, e))?;
        }
        // A caller with nothing to write cleans up as a write does, and writes nothing.
        remove_stale_temps_of(&path);
        let mut expected: Vec<String> = names[2..].to_vec();
        expected.sort();
        assert_eq!(entries(t.path()), expected);
        atomic_write(&path, b"{}", 0o600)?;
        expected.push("msal_token_cache.json".into());
        expected.sort();
        assert_eq!(entries(t.path()), expected);
        Ok(())
    }

    #[test]
    fn a_directory_in_the_files_place_is_a_store_error() -> Result<()> {
        let t = tmp();
        let path = t.path().join("clouds.config");
        fs::create_dir(&path).map_err(|e| Error::store(&path, e))?;
        for e in [
            read_optional(&path).err(),
            atomic_write(&path, b"x", 0o644).err(),
        ] {
            let Some(e) = e else {
                panic!("a directory was accepted as a file")
            };
            assert_eq!(e.code(), "store_error");
            assert!(e.to_string().contains("clouds.config"), "{e}");
            assert!(e.to_string().contains("directory"), "{e}");
        }
        Ok(())
    }

    /// Root-proof: the advice for each usual cause, on the real write path (the failure is
    /// injected at the rename, so no privilege can make it succeed), with the old file intact.
    #[test]
    fn each_usual_failure_says_what_to_do_even_as_root() -> Result<()> {
        let cases = [
            (ErrorKind::PermissionDenied, platform::PERMISSION_ADVICE),
            (
                ErrorKind::StorageFull,
                "; free some disk space and try again",
            ),
            (
                ErrorKind::ReadOnlyFilesystem,
                "; the file system is read-only: set AZURE_CONFIG_DIR to a writable directory",
            ),
            (
                ErrorKind::IsADirectory,
                "; a directory is where a file belongs: move it away",
            ),
            // No advice for causes with no usual remedy: just the OS's words.
            (ErrorKind::Other, ""),
        ];
        for (kind, advice) in cases {
            let t = tmp();
            let path = t.path().join("azureProfile.json");
            atomic_write(&path, b"old", 0o644)?;
            let result = write_with(&path, b"new", Mode::KeepOr(0o644), |_, _| {
                Err(std::io::Error::from(kind))
            });
            let Err(e) = result else {
                panic!("{kind:?} was not reported")
            };
            assert_eq!(e.code(), "store_error");
            assert_eq!(
                e.to_string(),
                format!(
                    "{}: cannot write the file: {}{advice}",
                    path.display(),
                    std::io::Error::from(kind)
                ),
                "{kind:?}"
            );
            assert_eq!(read_optional(&path)?.as_deref(), Some(&b"old"[..]));
            assert_eq!(entries(t.path()), ["azureProfile.json"]);
        }
        Ok(())
    }

    /// Root-proof on the real file system: reading where a directory sits in the file's place
    /// fails for every user, and the message says what to do.
    #[test]
    fn reading_a_directory_says_to_move_it_even_as_root() -> Result<()> {
        let t = tmp();
        let path = t.path().join("config");
        fs::create_dir(&path).map_err(|e| Error::store(&path, e))?;
        let Err(e) = read_optional(&path) else {
            panic!("a directory was read as a file")
        };
        let text = e.to_string();
        assert!(
            text.starts_with(&format!("{}: cannot read the file: ", path.display())),
            "{text}"
        );
        assert!(
            text.ends_with("; a directory is where a file belongs: move it away"),
            "{text}"
        );
        Ok(())
    }
}

/// Modes, symbolic links and errno values: Unix only.
#[cfg(all(test, unix))]
mod unix_tests {
    use std::os::unix::fs::PermissionsExt;

    use super::tests::{entries, tmp};
    use super::*;

    fn mode_of(path: &Path) -> u32 {
        match fs::metadata(path) {
            Ok(m) => m.permissions().mode() & 0o7777,
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }

    #[test]
    fn creates_with_the_mode_and_keeps_an_existing_one() -> Result<()> {
        let t = tmp();
        let path = t.path().join("msal_token_cache.json");
        atomic_write(&path, b"one", 0o600)?;
        assert_eq!(mode_of(&path), 0o600);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640))
            .map_err(|e| Error::store(&path, e))?;
        atomic_write(&path, b"two", 0o600)?;
        assert_eq!(mode_of(&path), 0o640);
        atomic_write_with_mode(&path, b"three", 0o600)?;
        assert_eq!(mode_of(&path), 0o600);
        Ok(())
    }

    #[test]
    fn the_temp_file_of_another_live_writer_is_kept() -> Result<()> {
        let t = tmp();
        let path = t.path().join("msal_token_cache.json");
        let parent = std::os::unix::process::parent_id();
        let name = format!(".msal_token_cache.json.{parent}.3.tmp");
        fs::write(t.path().join(&name), b"partial").map_err(|e| Error::store(&name, e))?;
        atomic_write(&path, b"{}", 0o600)?;
        assert_eq!(entries(t.path()), [name, "msal_token_cache.json".into()]);
        Ok(())
    }

    #[test]
    fn writes_through_a_symlink() -> Result<()> {
        let t = tmp();
        let real = t.path().join("real-config");
        let link = t.path().join("config");
        fs::write(&real, b"a").map_err(|e| Error::store(&real, e))?;
        std::os::unix::fs::symlink(&real, &link).map_err(|e| Error::store(&link, e))?;
        atomic_write(&link, b"b", 0o600)?;
        assert!(
            fs::symlink_metadata(&link)
                .map_err(|e| Error::store(&link, e))?
                .file_type()
                .is_symlink()
        );
        assert_eq!(read_optional(&real)?.as_deref(), Some(&b"b"[..]));
        Ok(())
    }

    const PERMISSION_ADVICE: &str = "; check the owner and mode of the file and its directory, or set AZURE_CONFIG_DIR to a directory you own";

    #[test]
    fn permission_denied_says_what_to_do() -> Result<()> {
        let t = tmp();
        let path = t.path().join("config");
        fs::write(&path, b"[core]\n").map_err(|e| Error::store(&path, e))?;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o000))
            .map_err(|e| Error::store(&path, e))?;
        if fs::read(&path).is_ok() {
            // Root reads anything, so the file system cannot refuse it here; the same error is
            // made to happen on the write path instead, which is where a root-owned config dir
            // under a user's HOME really bites (the rename is refused).
            let result = write_with(&path, b"x", Mode::KeepOr(0o600), |_, _| {
                Err(std::io::Error::from_raw_os_error(libc::EACCES))
            });
            let Err(e) = result else {
                panic!("a refused rename was not reported")
            };
            assert_eq!(e.code(), "store_error");
            assert_eq!(
                e.to_string(),
                format!(
                    "{}: cannot write the file: {}{PERMISSION_ADVICE}",
                    path.display(),
                    std::io::Error::from_raw_os_error(libc::EACCES)
                )
            );
            assert_eq!(entries(t.path()), ["config"], "no temp file is left");
            return Ok(());
        }
        let Err(e) = read_optional(&path) else {
            panic!("an unreadable file was read")
        };
        assert_eq!(e.code(), "store_error");
        assert_eq!(
            e.to_string(),
            format!(
                "{}: cannot read the file: {}{PERMISSION_ADVICE}",
                path.display(),
                std::io::Error::from_raw_os_error(libc::EACCES)
            )
        );
        Ok(())
    }

    /// The errno values behind the usual causes get their advice (EPERM as EACCES).
    #[test]
    fn errno_values_get_their_advice() -> Result<()> {
        for (errno, advice) in [
            (libc::EACCES, PERMISSION_ADVICE),
            (libc::EPERM, PERMISSION_ADVICE),
            (libc::ENOSPC, "; free some disk space and try again"),
            (libc::EIO, ""),
        ] {
            let t = tmp();
            let path = t.path().join("azureProfile.json");
            let result = write_with(&path, b"new", Mode::KeepOr(0o644), |_, _| {
                Err(std::io::Error::from_raw_os_error(errno))
            });
            let Err(e) = result else {
                panic!("errno {errno} was not reported")
            };
            assert!(
                e.to_string().ends_with(&format!(
                    "{}{advice}",
                    std::io::Error::from_raw_os_error(errno)
                )),
                "{e}"
            );
        }
        Ok(())
    }
}
