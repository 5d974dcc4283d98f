//! Windows: `LockFileEx` as portalocker takes it, `MoveFileExW` retried past antivirus
//! scanners, `OpenProcess` for liveness, `%USERPROFILE%`, and DPAPI for the `.bin` files as
//! msal-extensions writes them.
//!
//! Modes: az sets none on Windows (Python's `os.open(path, flags, 0o600)` only decides the
//! read-only attribute there), so its files carry the ACL inherited from the folder, which for
//! `%USERPROFILE%\.azure` grants the user, SYSTEM and Administrators only. azlogin does the
//! same: new files and the config dir inherit their folder's ACL, and no ACL is ever changed.
//! The secrets themselves are protected by DPAPI when `core.encrypt_token_cache` is on (the
//! default here).
//!
//! This is the only place in the store that calls Win32 directly; each `unsafe` block is one
//! FFI call on buffers and handles owned by the caller for the call's duration.
#![allow(unsafe_code)]

use std::ffi::OsStr;
use std::fs::{self, File, Metadata};
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::AsRawHandle;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER, ERROR_LOCK_VIOLATION,
    ERROR_SHARING_VIOLATION, HLOCAL, LocalFree, STILL_ACTIVE,
};
use windows_sys::Win32::Security::Cryptography::{
    CRYPT_INTEGER_BLOB, CRYPTPROTECT_UI_FORBIDDEN, CryptProtectData, CryptUnprotectData,
};
use windows_sys::Win32::Storage::FileSystem::{
    BY_HANDLE_FILE_INFORMATION, FILE_STANDARD_INFO, FileStandardInfo, GetFileInformationByHandle,
    GetFileInformationByHandleEx, LOCKFILE_EXCLUSIVE_LOCK, LOCKFILE_FAIL_IMMEDIATELY, LockFileEx,
    MOVEFILE_REPLACE_EXISTING, MOVEFILE_WRITE_THROUGH, MoveFileExW, UnlockFileEx,
};
use windows_sys::Win32::System::IO::OVERLAPPED;
use windows_sys::Win32::System::Threading::{
    GetExitCodeProcess, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
};

use crate::store::DataProtection;

/// az encrypts its token cache by default on Windows (`should_encrypt_token_cache` in
/// `azure/cli/core/util.py`: `fallback = sys.platform.startswith('win32')`).
pub(crate) const ENCRYPT_TOKEN_CACHE_BY_DEFAULT: bool = true;

/// `core.enable_broker_on_windows` applies here.
pub(crate) const BROKER_PLATFORM: bool = true;

/// The variable that names the home directory.
pub(crate) const HOME_VARIABLE: &str = "USERPROFILE";

/// What to check when Windows refuses access: another program holding the file (az, an editor,
/// a scanner), or the folder's permissions.
pub(crate) const PERMISSION_ADVICE: &str = "; close programs that may hold the file open, check \
     that you may write to the file and its folder, or set AZURE_CONFIG_DIR to a folder you own";

/// Advice for a file another program holds open (sharing or lock violation), which Windows
/// reports with no error kind of its own.
pub(crate) fn advice(error: &std::io::Error) -> Option<&'static str> {
    matches!(
        error.raw_os_error().map(|c| c as u32),
        Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)
    )
    .then_some(
        "; another program holds the file open (az, an editor or a virus scanner): close it or \
         wait a moment, then try again",
    )
}

/// How long a replacement refused by another program's open handle is tried again.
const REPLACE_RETRY_FOR: Duration = Duration::from_secs(2);
/// The pause between two attempts.
const REPLACE_RETRY_EVERY: Duration = Duration::from_millis(50);

/// portalocker's byte range (`LockFileEx(h, flags, 0, -0x10000, overlapped)` in
/// `portalocker/portalocker.py`): from offset 0, length low word 0, high word `-0x10000` as a
/// DWORD. Windows locks conflict when their ranges overlap, and `UnlockFileEx` must name the
/// exact range, so azlogin uses the same one.
const LOCK_LENGTH_LOW: u32 = 0;
const LOCK_LENGTH_HIGH: u32 = 0xFFFF_0000;

/// DPAPI, as msal-extensions protects the `.bin` files.
pub(crate) fn data_protection() -> Option<Arc<dyn DataProtection>> {
    Some(Arc::new(Dpapi))
}

/// No permission bits on Windows.
pub(crate) fn mode_of(_metadata: &Metadata) -> Option<u32> {
    None
}

/// Windows files are private through their folder's ACL, never through a mode: no warning.
pub(crate) fn exposed_mode(_metadata: &Metadata) -> Option<u32> {
    None
}

/// Creates `path`, which must not exist, for writing; it inherits its folder's ACL.
pub(crate) fn create_new_file(path: &Path, _mode: u32) -> std::io::Result<File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Modes do not apply on Windows.
pub(crate) fn set_mode(_file: &File, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// Replaces `to` with `from` (`MoveFileExW` with `MOVEFILE_REPLACE_EXISTING`). A refusal
/// because another program has `to` open (a virus scanner, az reading it) is tried again for a
/// short while; any other failure is final.
pub(crate) fn replace_file(from: &Path, to: &Path) -> std::io::Result<()> {
    let from_w = wide(from.as_os_str());
    let to_w = wide(to.as_os_str());
    let deadline = Instant::now() + REPLACE_RETRY_FOR;
    loop {
        // SAFETY: both arguments are NUL-terminated UTF-16 buffers that outlive the call.
        let moved = unsafe {
            MoveFileExW(
                from_w.as_ptr(),
                to_w.as_ptr(),
                MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH,
            )
        };
        if moved != 0 {
            return Ok(());
        }
        let error = std::io::Error::last_os_error();
        let busy = matches!(
            error.raw_os_error().map(|c| c as u32),
            Some(ERROR_SHARING_VIOLATION | ERROR_ACCESS_DENIED | ERROR_LOCK_VIOLATION)
        );
        if !busy || Instant::now() >= deadline {
            return Err(error);
        }
        std::thread::sleep(REPLACE_RETRY_EVERY);
    }
}

/// `MOVEFILE_WRITE_THROUGH` already made the rename durable.
pub(crate) fn sync_dir(_dir: &Path) {}

/// Creates `path` and missing parents; they inherit their parent's ACL.
pub(crate) fn create_dir_private(path: &Path) -> std::io::Result<()> {
    fs::create_dir_all(path)
}

/// Which file an open file or a path is (volume serial number and file index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FileId(u32, u64);

/// The identity of an open file. A file marked for deletion has none: with Windows' classic
/// delete semantics its name stays visible until the last handle closes, so a lock taken on it
/// would be a lock on a file that is going away.
pub(crate) fn file_id(file: &File) -> std::io::Result<FileId> {
    if delete_pending(file)? {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the file is being deleted",
        ));
    }
    let mut info = BY_HANDLE_FILE_INFORMATION {
        dwFileAttributes: 0,
        ftCreationTime: zero_filetime(),
        ftLastAccessTime: zero_filetime(),
        ftLastWriteTime: zero_filetime(),
        dwVolumeSerialNumber: 0,
        nFileSizeHigh: 0,
        nFileSizeLow: 0,
        nNumberOfLinks: 0,
        nFileIndexHigh: 0,
        nFileIndexLow: 0,
    };
    // SAFETY: the handle is open for the call (borrowed from `file`); `info` is a local.
    succeeded(unsafe { GetFileInformationByHandle(file.as_raw_handle(), &mut info) })?;
    Ok(FileId(
        info.dwVolumeSerialNumber,
        (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow),
    ))
}

/// Whether `file` was deleted while open (its deletion waits for the open handles).
fn delete_pending(file: &File) -> std::io::Result<bool> {
    let mut info = FILE_STANDARD_INFO {
        AllocationSize: 0,
        EndOfFile: 0,
        NumberOfLinks: 0,
        DeletePending: false,
        Directory: false,
    };
    // SAFETY: the handle is open for the call; `info` is a local of the size passed.
    let ok = unsafe {
        GetFileInformationByHandleEx(
            file.as_raw_handle(),
            FileStandardInfo,
            (&raw mut info).cast(),
            std::mem::size_of::<FILE_STANDARD_INFO>() as u32,
        )
    };
    succeeded(ok)?;
    Ok(info.DeletePending || info.NumberOfLinks == 0)
}

fn zero_filetime() -> windows_sys::Win32::Foundation::FILETIME {
    windows_sys::Win32::Foundation::FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    }
}

/// The identity of the file at `path` now.
pub(crate) fn path_id(path: &Path) -> std::io::Result<FileId> {
    file_id(&File::open(path)?)
}

/// An `OVERLAPPED` naming offset 0, where portalocker's range starts.
fn offset_zero() -> OVERLAPPED {
    // SAFETY: OVERLAPPED is plain data; all zeros is offset 0 and no event.
    unsafe { std::mem::zeroed() }
}

/// Takes portalocker's lock without waiting: `LockFileEx` with `LOCKFILE_EXCLUSIVE_LOCK |
/// LOCKFILE_FAIL_IMMEDIATELY` on its byte range.
pub(crate) fn try_lock(file: &File) -> std::io::Result<()> {
    let mut overlapped = offset_zero();
    // SAFETY: the handle is open for the call; `overlapped` is a local the call completes
    // with (the handle is synchronous, so the call does not return before it is done).
    let ok = unsafe {
        LockFileEx(
            file.as_raw_handle(),
            LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY,
            0,
            LOCK_LENGTH_LOW,
            LOCK_LENGTH_HIGH,
            &mut overlapped,
        )
    };
    succeeded(ok)
}

/// Releases [`try_lock`]'s lock (`UnlockFileEx` on the same range).
pub(crate) fn unlock(file: &File) -> std::io::Result<()> {
    let mut overlapped = offset_zero();
    // SAFETY: as in `try_lock`.
    let ok = unsafe {
        UnlockFileEx(
            file.as_raw_handle(),
            0,
            LOCK_LENGTH_LOW,
            LOCK_LENGTH_HIGH,
            &mut overlapped,
        )
    };
    succeeded(ok)
}

/// Whether no process `pid` exists: it cannot be opened because there is no such process, or
/// it has exited. A process that exists but may not be inspected counts as alive, so the
/// caller falls back to waiting, which is always safe.
pub(crate) fn is_gone(pid: u32) -> bool {
    if pid == 0 {
        return false;
    }
    // SAFETY: plain call; a null handle means failure.
    let handle = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
    if handle.is_null() {
        // ERROR_INVALID_PARAMETER: no process has this id.
        return std::io::Error::last_os_error().raw_os_error()
            == Some(ERROR_INVALID_PARAMETER as i32);
    }
    let mut code = 0u32;
    // SAFETY: `handle` was just opened and is closed below; `code` is a local.
    let ok = unsafe { GetExitCodeProcess(handle, &mut code) };
    // SAFETY: `handle` is open and not used after this.
    unsafe { CloseHandle(handle) };
    ok != 0 && code != STILL_ACTIVE as u32
}

/// The home directory as Python's `os.path.expanduser('~')` finds it on Windows:
/// `%USERPROFILE%`, else `%HOMEDRIVE%%HOMEPATH%`.
pub(crate) fn home_dir(env: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(profile) = set("USERPROFILE") {
        return Some(PathBuf::from(profile));
    }
    let (drive, path) = (set("HOMEDRIVE"), set("HOMEPATH"));
    match (drive, path) {
        (Some(mut drive), Some(path)) => {
            drive.push(path);
            Some(PathBuf::from(drive))
        }
        (None, Some(path)) => Some(PathBuf::from(path)),
        _ => std::env::home_dir(),
    }
}

/// A NUL-terminated UTF-16 copy of `s`.
fn wide(s: &OsStr) -> Vec<u16> {
    s.encode_wide().chain(std::iter::once(0)).collect()
}

/// DPAPI for the current user, as msal-extensions' `WindowsDataProtectionAgent` calls it with
/// the default `entropy=''` of `FilePersistenceWithDataProtection`: no entropy, the description
/// `python_data`, and `CRYPTPROTECT_UI_FORBIDDEN`.
#[derive(Debug)]
struct Dpapi;

/// msal-extensions' `szDataDescr`.
const DESCRIPTION: &str = "python_data";

impl DataProtection for Dpapi {
    fn protect(&self, plain: &[u8]) -> std::io::Result<Vec<u8>> {
        let input = blob_of(plain)?;
        let description = wide(OsStr::new(DESCRIPTION));
        // SAFETY: `input` points into `plain` and `description` is NUL-terminated, both alive
        // for the call; the output blob is DPAPI's, taken over by `dpapi_output`.
        dpapi_output(|output| unsafe {
            CryptProtectData(
                &input,
                description.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
                CRYPTPROTECT_UI_FORBIDDEN,
                output,
            )
        })
    }

    fn unprotect(&self, protected: &[u8]) -> std::io::Result<Vec<u8>> {
        let input = blob_of(protected)?;
        // SAFETY: as in `protect`; no description is asked back.
        dpapi_output(|output| unsafe {
            CryptUnprotectData(
                &input,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
                CRYPTPROTECT_UI_FORBIDDEN,
                output,
            )
        })
    }
}

/// Runs a DPAPI call that fills an output blob, and returns a copy of the blob's bytes.
fn dpapi_output(
    call: impl FnOnce(*mut CRYPT_INTEGER_BLOB) -> windows_sys::core::BOOL,
) -> std::io::Result<Vec<u8>> {
    let mut output = CRYPT_INTEGER_BLOB {
        cbData: 0,
        pbData: std::ptr::null_mut(),
    };
    succeeded(call(&mut output))?;
    Ok(take_blob(output))
}

/// A Win32 `BOOL` result as an `io::Result`, with the thread's last error on failure.
fn succeeded(ok: windows_sys::core::BOOL) -> std::io::Result<()> {
    if ok == 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// A blob over `bytes` (DPAPI only reads an input blob).
fn blob_of(bytes: &[u8]) -> std::io::Result<CRYPT_INTEGER_BLOB> {
    let len = u32::try_from(bytes.len())
        .map_err(|_| std::io::Error::other("too large for DPAPI (over 4 GiB)"))?;
    Ok(CRYPT_INTEGER_BLOB {
        cbData: len,
        pbData: bytes.as_ptr().cast_mut(),
    })
}

/// Copies a blob DPAPI allocated and frees it.
fn take_blob(blob: CRYPT_INTEGER_BLOB) -> Vec<u8> {
    if blob.pbData.is_null() {
        return Vec::new();
    }
    // SAFETY: DPAPI returned `cbData` bytes at `pbData`, allocated with LocalAlloc.
    let bytes = unsafe { std::slice::from_raw_parts(blob.pbData, blob.cbData as usize) }.to_vec();
    // SAFETY: freed once, as DPAPI's documentation asks; not used after.
    unsafe { LocalFree(blob.pbData as HLOCAL) };
    bytes
}

/// Run under Wine on Linux (see docs/windows.md) and on Windows.
#[cfg(test)]
mod tests {
    use std::ffi::OsString;
    use std::os::windows::fs::OpenOptionsExt;

    use super::*;

    fn tmp() -> tempfile::TempDir {
        match tempfile::tempdir() {
            Ok(t) => t,
            Err(e) => panic!("tempdir: {e}"),
        }
    }

    fn open_rw(path: &Path) -> File {
        match fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
        {
            Ok(f) => f,
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }

    #[test]
    fn dpapi_round_trips_and_refuses_foreign_bytes() -> std::io::Result<()> {
        let Some(dpapi) = data_protection() else {
            panic!("no DPAPI on Windows")
        };
        let json = br#"{"AccessToken": {}, "Account": {}}"#;
        let protected = dpapi.protect(json)?;
        assert_ne!(protected.as_slice(), json.as_slice());
        assert_eq!(dpapi.unprotect(&protected)?, json);
        assert!(dpapi.unprotect(b"{\"not\": \"protected\"}").is_err());
        Ok(())
    }

    #[test]
    fn the_lock_excludes_a_second_handle_until_released() -> std::io::Result<()> {
        let t = tmp();
        let path = t.path().join("msal_token_cache.bin.lockfile");
        let (first, second) = (open_rw(&path), open_rw(&path));
        try_lock(&first)?;
        let Err(refused) = try_lock(&second) else {
            panic!("two handles held the lock")
        };
        assert_eq!(
            refused.raw_os_error().map(|c| c as u32),
            Some(ERROR_LOCK_VIOLATION)
        );
        // Any lock another program takes from offset 0 overlaps portalocker's range.
        assert!(second.try_lock().is_err());
        unlock(&first)?;
        try_lock(&second)?;
        unlock(&second)
    }

    #[test]
    fn replace_waits_for_a_reader_that_blocks_deletion() -> std::io::Result<()> {
        let t = tmp();
        let (from, to) = (t.path().join("new"), t.path().join("msal_token_cache.bin"));
        fs::write(&from, b"new")?;
        fs::write(&to, b"old")?;
        // Like Python's open() (and many scanners): no FILE_SHARE_DELETE, so no rename over it.
        let reader = fs::OpenOptions::new()
            .read(true)
            .share_mode(1) // FILE_SHARE_READ
            .open(&to)?;
        let closer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(reader);
        });
        replace_file(&from, &to)?;
        let _ = closer.join();
        assert_eq!(fs::read(&to)?, b"new");
        assert!(!from.exists());
        Ok(())
    }

    #[test]
    fn a_held_file_is_reported_with_advice_after_the_retries() -> std::io::Result<()> {
        let t = tmp();
        let (from, to) = (t.path().join("new"), t.path().join("config"));
        fs::write(&from, b"new")?;
        fs::write(&to, b"old")?;
        let _reader = fs::OpenOptions::new().read(true).share_mode(1).open(&to)?;
        let Err(e) = replace_file(&from, &to) else {
            panic!("replaced a file held without FILE_SHARE_DELETE")
        };
        assert_eq!(fs::read(&to)?, b"old");
        let busy = matches!(
            e.raw_os_error().map(|c| c as u32),
            Some(ERROR_SHARING_VIOLATION | ERROR_ACCESS_DENIED)
        );
        assert!(busy, "{e}");
        Ok(())
    }

    #[test]
    fn a_file_and_its_path_have_one_id_and_another_file_another() -> std::io::Result<()> {
        let t = tmp();
        let (path, other) = (t.path().join("x.lockfile"), t.path().join("y"));
        let file = open_rw(&path);
        fs::write(&other, b"")?;
        assert_eq!(file_id(&file)?, path_id(&path)?);
        assert_ne!(file_id(&file)?, path_id(&other)?);
        Ok(())
    }

    #[test]
    fn an_exited_process_is_gone_and_this_one_is_not() {
        assert!(!is_gone(std::process::id()));
        assert!(!is_gone(0));
    }

    #[test]
    fn home_is_userprofile_else_homedrive_and_homepath() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        assert_eq!(
            home_dir(&env(&[("USERPROFILE", r"C:\Users\u"), ("HOME", "/x")])),
            Some(PathBuf::from(r"C:\Users\u"))
        );
        assert_eq!(
            home_dir(&env(&[("HOMEDRIVE", "D:"), ("HOMEPATH", r"\Users\u")])),
            Some(PathBuf::from(r"D:\Users\u"))
        );
    }
}
