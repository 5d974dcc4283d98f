//! What the terminal side of the CLI does differently on Unix and Windows: catching Ctrl-C,
//! and turning on colour sequences in a Windows console. One module per platform.

#[cfg(unix)]
#[path = "unix.rs"]
mod os;
#[cfg(windows)]
#[path = "windows.rs"]
mod os;

pub(crate) use os::{interrupt_listener, stderr_escape_sequences, stdout_escape_sequences};
