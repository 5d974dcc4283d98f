//! Whether the process that left a lock file or a temporary file behind is gone, so what it left
//! can be taken over or cleaned up at once instead of after a timeout.

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
mod tests {
    use super::*;

    #[test]
    fn a_reaped_child_is_gone_and_this_process_is_not() {
        assert!(!is_gone(std::process::id()));
        let mut child = match std::process::Command::new("true").spawn() {
            Ok(c) => c,
            Err(e) => panic!("spawn: {e}"),
        };
        let pid = child.id();
        assert!(child.wait().is_ok());
        assert!(is_gone(pid));
        assert!(!is_gone(0), "pid 0 is not a process one can ask about");
        assert!(!is_gone(u32::MAX));
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
