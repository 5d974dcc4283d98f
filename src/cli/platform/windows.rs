//! Windows: the console's Ctrl-C event, and virtual terminal processing for colour, as knack
//! turns it on (`knack/_win_vt.py`).
#![allow(unsafe_code)]
// The console mode is read and set through two Win32 calls on the process's own standard
// handles; there is no safe wrapper for them in std.

use std::future::Future;

use windows_sys::Win32::System::Console::{
    CONSOLE_MODE, ENABLE_VIRTUAL_TERMINAL_PROCESSING, GetConsoleMode, GetStdHandle,
    STD_ERROR_HANDLE, STD_HANDLE, STD_OUTPUT_HANDLE, SetConsoleMode,
};

/// Starts listening for Ctrl-C now, so a Ctrl-C from this moment on is caught; the future
/// completes with `true` when one arrives, `false` when none can be caught.
pub(crate) fn interrupt_listener() -> impl Future<Output = bool> + Send + 'static {
    let signal = tokio::signal::windows::ctrl_c();
    async move {
        match signal {
            Ok(mut s) => s.recv().await.is_some(),
            Err(_) => false,
        }
    }
}

/// Turns on virtual terminal processing on the stdout console, so az's colour sequences are
/// drawn rather than printed. `false` when stdout is no console or the console refuses (before
/// Windows 10 1607): knack then turns colour off, and so does the caller.
pub(crate) fn stdout_escape_sequences() -> bool {
    enable_on(STD_OUTPUT_HANDLE)
}

/// The same for the stderr console (colour, and the progress line that erases itself).
pub(crate) fn stderr_escape_sequences() -> bool {
    enable_on(STD_ERROR_HANDLE)
}

fn enable_on(which: STD_HANDLE) -> bool {
    // SAFETY: GetStdHandle has no preconditions; the handle belongs to the process.
    let handle = unsafe { GetStdHandle(which) };
    let mut mode: CONSOLE_MODE = 0;
    // SAFETY: `mode` is a local; a handle that is not a console makes the call fail.
    if unsafe { GetConsoleMode(handle, &mut mode) } == 0 {
        return false;
    }
    if mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
        return true;
    }
    // SAFETY: as above.
    unsafe { SetConsoleMode(handle, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0 }
}
