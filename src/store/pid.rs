//! Whether the process that left a lock file or a temporary file behind is gone, so what it left
//! can be taken over or cleaned up at once instead of after a timeout.

pub(crate) use super::platform::is_gone;

/// The pid at the start of a lock file's `"<pid> <argv0>"`.
pub(crate) fn owner_pid(lock_file_content: &str) -> Option<u32> {
    lock_file_content
        .split_whitespace()
        .next()?
        .parse()
        .ok()
        .filter(|&p| p > 0)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A process that exits at once on any platform: this test binary, asked to run no test.
    pub(crate) fn quick_command() -> std::process::Command {
        let exe = match std::env::current_exe() {
            Ok(e) => e,
            Err(e) => panic!("current_exe: {e}"),
        };
        let mut command = std::process::Command::new(exe);
        command
            .args(["--exact", "no::such::test"])
            .stdout(std::process::Stdio::null());
        command
    }

    #[test]
    fn an_exited_child_is_gone_and_this_process_is_not() {
        assert!(!is_gone(std::process::id()));
        let mut child = match quick_command().spawn() {
            Ok(c) => c,
            Err(e) => panic!("spawn: {e}"),
        };
        let pid = child.id();
        assert!(child.wait().is_ok());
        drop(child);
        assert!(is_gone(pid));
        assert!(!is_gone(0), "pid 0 is not a process one can ask about");
    }

    #[test]
    fn reads_the_pid_of_a_lock_file() {
        assert_eq!(owner_pid("1234 /usr/bin/az"), Some(1234));
        assert_eq!(owner_pid("1234"), Some(1234));
        assert_eq!(owner_pid(""), None);
        assert_eq!(owner_pid("0 x"), None);
        assert_eq!(owner_pid("-5 x"), None);
        assert_eq!(owner_pid("az 1234"), None);
    }
}
