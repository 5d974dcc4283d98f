//! Windows: the URL goes to the default browser through `ShellExecuteW`, as Python's
//! `webbrowser` does with `os.startfile` for az. No command line is involved, so the `&` of a
//! query string cannot split it (as it would through `cmd /c start`).
#![allow(unsafe_code)]
// One Win32 call with two NUL-terminated UTF-16 strings owned by this function.

use std::ffi::OsStr;
use std::os::windows::ffi::OsStrExt;

use windows_sys::Win32::UI::Shell::ShellExecuteW;
use windows_sys::Win32::UI::WindowsAndMessaging::SW_SHOWNORMAL;

/// Opens `url` with the handler registered for its scheme (the default browser).
pub(super) fn open_with_system_default(url: &str) -> Result<(), String> {
    let wide = |s: &str| -> Vec<u16> {
        OsStr::new(s)
            .encode_wide()
            .chain(std::iter::once(0))
            .collect()
    };
    let (operation, file) = (wide("open"), wide(url));
    // SAFETY: both strings are NUL-terminated and outlive the call; the other pointers may be
    // null as documented (no window, parameters or directory).
    let result = unsafe {
        ShellExecuteW(
            std::ptr::null_mut(),
            operation.as_ptr(),
            file.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            SW_SHOWNORMAL,
        )
    };
    // ShellExecuteW reports success with a value above 32 (its documented convention).
    let code = result as isize;
    if code > 32 {
        Ok(())
    } else {
        Err(format!("ShellExecuteW failed with code {code}"))
    }
}
