//! Unix: browsers start through programs (`open`, `xdg-open`, `wslview`, `$BROWSER`); there is
//! no system call for it.

/// Never chosen on Unix (see [`super::Launcher::SystemDefault`]).
pub(super) fn open_with_system_default(_url: &str) -> Result<(), String> {
    Err("the system's default browser can be asked directly only on Windows".into())
}
