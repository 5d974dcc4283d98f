//! The lock-file protocol of msal-extensions 1.3.1 (`CrossPlatLock` in `cache_lock.py`, over
//! portalocker 2.x, which az 2.91.0 installs), so azlogin and az serialise their writes to
//! `msal_token_cache.json` and `service_principal_entries.json`.
//!
//! For a file `F` the lock is `F.lockfile`:
//! 1. Create it exclusively (`open(path, 'x')`: `O_CREAT|O_EXCL`), empty, and close it; while it
//!    exists, retry every 0.25 s for up to 5 s. After 5 s msal-extensions only logs a warning
//!    and carries on, so a lock file left behind by a crashed process costs 5 s, not a failure.
//! 2. Open it for appending (`'ab+'`, creating it if it vanished) and take an exclusive
//!    non-blocking `flock` (on Windows `LockFileEx` on portalocker's byte range), retrying
//!    every 0.25 s for 5 s; then fail. Once locked, truncate it
//!    and write `"<pid> <argv[0]>"`.
//! 3. Release: unlock, close, delete the lock file (a missing file or `EACCES` is ignored).
//!
//! Phase 1 is what excludes a live holder (its lock file exists until it releases); phase 2
//! excludes whoever got past phase 1 by timing out.
//!
//! Two things azlogin adds, both invisible to az:
//! - A lock file whose recorded holder no longer exists (a process killed while holding it)
//!   ends phase 1 at once instead of after 5 s; the flock of phase 2 still excludes a live
//!   holder, since the kernel drops a dead process's flock but never a live one's. (A holder in
//!   another PID namespace sharing the directory looks gone too; it is then waited for by phase
//!   2 alone.)
//! - A flock taken on a lock file that its holder deleted meanwhile (it released between our
//!   open and our flock) is no lock at all: the file in place is checked to be the one locked,
//!   and the attempt starts over when it is not.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::platform;
use crate::error::{Error, Result};

/// msal-extensions' retry interval (`check_interval`).
const INTERVAL: Duration = Duration::from_millis(250);
/// msal-extensions' phase-1 and portalocker's phase-2 timeout.
const TIMEOUT: Duration = Duration::from_secs(5);
/// An empty lock file older than this was left by a holder killed before it wrote its pid.
const EMPTY_LOCK_FILE_AGE: Duration = Duration::from_secs(2);
/// How many times a lock taken on a file that was deleted meanwhile is tried again.
const MAX_RETAKES: usize = 100;

/// A lock on a file of the config dir, shared with az through `<file>.lockfile`.
#[derive(Clone, Debug)]
pub struct FileLock {
    lock_path: PathBuf,
    interval: Duration,
    create_timeout: Duration,
    lock_timeout: Duration,
}

impl FileLock {
    /// Locks `file` with msal-extensions' timing, blocking the thread for up to about ten
    /// seconds (five when the lock file already exists, five more while another process holds
    /// the `flock`). The lock is released when the guard is dropped.
    pub fn acquire(file: impl AsRef<Path>) -> Result<FileLockGuard> {
        Self::new(file).lock()
    }

    /// [`FileLock::acquire`] on tokio's blocking pool, for async callers. Dropping the future
    /// does not stop a wait under way; a lock taken after that is released at once.
    pub async fn acquire_async(file: impl AsRef<Path>) -> Result<FileLockGuard> {
        let lock = Self::new(file);
        let path = lock.lock_path.clone();
        tokio::task::spawn_blocking(move || lock.lock())
            .await
            .map_err(|e| Error::store(path, format!("the lock task failed: {e}")))?
    }

    /// A lock on `file` with msal-extensions' timing; nothing happens until [`FileLock::lock`].
    pub fn new(file: impl AsRef<Path>) -> Self {
        let mut name = file.as_ref().as_os_str().to_owned();
        name.push(".lockfile");
        Self {
            lock_path: PathBuf::from(name),
            interval: INTERVAL,
            create_timeout: TIMEOUT,
            lock_timeout: TIMEOUT,
        }
    }

    /// Other waits than msal-extensions' (tests, or callers that would rather fail fast):
    /// the retry interval, how long phase 1 waits for an existing lock file, and how long
    /// phase 2 waits for the `flock`.
    pub fn with_timing(mut self, interval: Duration, create: Duration, lock: Duration) -> Self {
        self.interval = interval;
        self.create_timeout = create;
        self.lock_timeout = lock;
        self
    }

    /// The lock file, `<file>.lockfile`.
    pub fn lock_path(&self) -> &Path {
        &self.lock_path
    }

    /// Takes the lock, blocking (in steps of the retry interval) until it is held or phase 2
    /// times out.
    pub fn lock(&self) -> Result<FileLockGuard> {
        for _ in 0..MAX_RETAKES {
            self.create_lock_file()?;
            let file = self.flock()?;
            if !self.is_in_place(&file) {
                continue;
            }
            let mut guard = FileLockGuard {
                file: Some(file),
                path: self.lock_path.clone(),
            };
            guard.write_owner();
            return Ok(guard);
        }
        Err(Error::store(
            &self.lock_path,
            "the lock file kept being deleted as soon as it was locked; check that no program is \
             removing it, then try again",
        ))
    }

    /// Whether the locked `file` is still the lock file at the lock path.
    fn is_in_place(&self, file: &File) -> bool {
        match (platform::file_id(file), platform::path_id(&self.lock_path)) {
            (Ok(locked), Ok(in_place)) => locked == in_place,
            _ => false,
        }
    }

    /// Whether the lock file was left by a holder that no longer exists: it names a process
    /// that is gone, or it is empty and older than any holder leaves it empty (msal-extensions
    /// writes its pid right after its flock, so only a holder killed in between leaves it so).
    fn holder_is_gone(&self) -> bool {
        let Ok(content) = std::fs::read_to_string(&self.lock_path) else {
            return false;
        };
        match super::pid::owner_pid(&content) {
            Some(pid) => super::pid::is_gone(pid),
            None => {
                content.is_empty()
                    && std::fs::metadata(&self.lock_path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > EMPTY_LOCK_FILE_AGE)
            }
        }
    }

    /// Phase 1. Returns once the file was created by us or the wait ran out.
    fn create_lock_file(&self) -> Result<()> {
        let deadline = Instant::now() + self.create_timeout;
        while Instant::now() < deadline {
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&self.lock_path)
            {
                Ok(mut file) => {
                    // Named at once (msal-extensions writes it only after the flock), so a
                    // process killed before its flock leaves a file that says it is gone.
                    let _ = file.write_all(owner().as_bytes());
                    return Ok(());
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    if self.holder_is_gone() {
                        // Left by a dead process: phase 2's flock decides at once.
                        return Ok(());
                    }
                    sleep(self.interval)
                }
                Err(e) => {
                    return Err(Error::store(
                        &self.lock_path,
                        format!("cannot create the lock file: {e}"),
                    ));
                }
            }
        }
        // Either a live holder is still at work (phase 2 will wait for its flock) or the file
        // is stale (phase 2 succeeds at once and the release removes it).
        Ok(())
    }

    /// Phase 2.
    fn flock(&self) -> Result<File> {
        // Not for appending, unlike msal-extensions' 'ab+': on Windows an appending handle may
        // not truncate, and the owner is rewritten from the start anyway. Never truncated on
        // open: a live holder's record stays until the lock is ours.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.lock_path)
            .map_err(|e| {
                Error::store(&self.lock_path, format!("cannot open the lock file: {e}"))
            })?;
        let deadline = Instant::now() + self.lock_timeout;
        loop {
            // portalocker retries every failure of the attempt, not only "would block".
            let last = match platform::try_lock(&file) {
                Ok(()) => return Ok(file),
                Err(e) => e,
            };
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::store(
                    &self.lock_path,
                    format!(
                        "another process holds this lock; gave up after {} s ({last}). If no \
                         az or azlogin is running, delete the lock file and try again.",
                        self.lock_timeout.as_secs_f32()
                    ),
                ));
            }
            sleep(self.interval.min(deadline - now));
        }
    }
}

/// A held lock; dropping it releases the lock and deletes the lock file.
#[derive(Debug)]
pub struct FileLockGuard {
    file: Option<File>,
    path: PathBuf,
}

impl FileLockGuard {
    /// The lock file.
    pub fn lock_path(&self) -> &Path {
        &self.path
    }

    /// Records who holds the lock, as msal-extensions does. The content only helps a person find
    /// the holder, so failing to write it does not fail the lock.
    fn write_owner(&mut self) {
        let owner = owner();
        // Usually already there from phase 1; rewriting it would open a moment in which a
        // holder killed between truncate and write leaves an empty file.
        if self.recorded_owner().is_some_and(|c| c == owner) {
            return;
        }
        if let Some(file) = &mut self.file {
            let _ = file.set_len(0);
            let _ = file
                .seek(SeekFrom::Start(0))
                .and_then(|_| file.write_all(owner.as_bytes()));
        }
    }

    /// What the lock file says, read through the locked handle: on Windows the lock keeps
    /// every other handle from reading it.
    fn recorded_owner(&mut self) -> Option<String> {
        let file = self.file.as_mut()?;
        let mut content = String::new();
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_string(&mut content))
            .ok()?;
        Some(content)
    }
}

/// What a lock file says about its holder: `"<pid> <argv0>"`, as msal-extensions writes it.
fn owner() -> String {
    let argv0 = std::env::args_os()
        .next()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{} {argv0}", std::process::id())
}

impl Drop for FileLockGuard {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let _ = platform::unlock(&file);
            drop(file);
        }
        // msal-extensions ignores a file that is gone or may not be removed (another process
        // raced us). Any other failure has no one to report to from here, and costs the next
        // holder only a phase-1 timeout before phase 2 takes the leftover file over.
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    pub(super) fn tmp() -> tempfile::TempDir {
        match tempfile::tempdir() {
            Ok(t) => t,
            Err(e) => panic!("tempdir: {e}"),
        }
    }

    pub(super) fn fast(file: &Path) -> FileLock {
        FileLock::new(file).with_timing(
            Duration::from_millis(20),
            Duration::from_millis(300),
            Duration::from_millis(300),
        )
    }

    #[test]
    fn lock_file_holds_pid_and_argv0_and_goes_away() -> Result<()> {
        let t = tmp();
        let file = t.path().join("msal_token_cache.json");
        let mut guard = FileLock::acquire(&file)?;
        let lock_path = t.path().join("msal_token_cache.json.lockfile");
        assert_eq!(guard.lock_path(), lock_path);
        let content = guard.recorded_owner().unwrap_or_default();
        assert!(
            content.starts_with(&format!("{} ", std::process::id())),
            "{content}"
        );
        assert_eq!(content, owner(), "written once");
        drop(guard);
        assert!(!lock_path.exists());
        Ok(())
    }

    #[test]
    fn threads_take_turns() -> Result<()> {
        let t = tmp();
        let file = Arc::new(t.path().join("counter"));
        let inside = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (file, inside) = (Arc::clone(&file), Arc::clone(&inside));
                std::thread::spawn(move || -> Result<()> {
                    for _ in 0..10 {
                        let _guard = FileLock::new(&*file)
                            .with_timing(
                                Duration::from_millis(5),
                                Duration::from_secs(5),
                                Duration::from_secs(5),
                            )
                            .lock()?;
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                        let n: u32 = std::fs::read_to_string(&*file)
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(0);
                        sleep(Duration::from_millis(2));
                        std::fs::write(&*file, (n + 1).to_string())
                            .map_err(|e| Error::store(&*file, e))?;
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(r) => r?,
                Err(_) => panic!("a locking thread panicked"),
            }
        }
        let count = std::fs::read_to_string(&*file).map_err(|e| Error::store(&*file, e))?;
        assert_eq!(count, "40");
        Ok(())
    }

    #[test]
    fn a_stale_lock_file_of_an_unknown_holder_delays_then_is_taken_over() -> Result<()> {
        // Empty and fresh (its holder may be between creating it and writing its pid), or
        // naming a process that is alive (this one) but holds no flock: phase 1 waits its full
        // time, as msal-extensions does.
        for content in [String::new(), format!("{} /usr/bin/az", std::process::id())] {
            let t = tmp();
            let file = t.path().join("cache.json");
            let lock = fast(&file);
            std::fs::write(lock.lock_path(), &content).map_err(|e| Error::store("w", e))?;
            let start = Instant::now();
            let guard = lock.lock()?;
            assert!(start.elapsed() >= Duration::from_millis(300), "{content:?}");
            drop(guard);
            assert!(!lock.lock_path().exists());
        }
        Ok(())
    }

    /// A pid that belonged to a process that has exited and been reaped.
    fn dead_pid() -> u32 {
        let mut child = match crate::store::pid::tests::quick_command().spawn() {
            Ok(c) => c,
            Err(e) => panic!("spawn: {e}"),
        };
        let pid = child.id();
        assert!(child.wait().is_ok());
        pid
    }

    #[test]
    fn a_lock_file_of_a_dead_holder_is_taken_over_at_once() -> Result<()> {
        let t = tmp();
        let file = t.path().join("cache.json");
        // msal-extensions' own timing: a stale file would cost 5 s if it were waited out.
        let lock = FileLock::new(&file);
        std::fs::write(lock.lock_path(), format!("{} /usr/bin/az", dead_pid()))
            .map_err(|e| Error::store("w", e))?;
        let start = Instant::now();
        let mut guard = lock.lock()?;
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        // The dead holder's record is replaced, not appended to.
        assert_eq!(guard.recorded_owner(), Some(owner()));
        drop(guard);
        assert!(!lock.lock_path().exists());
        Ok(())
    }

    #[test]
    fn an_old_empty_lock_file_is_taken_over_at_once() -> Result<()> {
        let t = tmp();
        let file = t.path().join("cache.json");
        let lock = FileLock::new(&file);
        let stale = File::create(lock.lock_path()).map_err(|e| Error::store("w", e))?;
        stale
            .set_modified(std::time::SystemTime::now() - Duration::from_secs(30))
            .map_err(|e| Error::store("touch", e))?;
        drop(stale);
        let start = Instant::now();
        let guard = lock.lock()?;
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        drop(guard);
        Ok(())
    }

    #[test]
    fn a_holder_killed_while_holding_is_taken_over_at_once() -> Result<()> {
        let t = tmp();
        let file = t.path().join("msal_token_cache.json");
        let lock_path = FileLock::new(&file).lock_path().to_path_buf();
        let Some(mut child) = python_holder(&lock_path, 60.0, true, true) else {
            eprintln!("python3 not available; skipping");
            return Ok(());
        };
        let _ = child.kill();
        let _ = child.wait();
        assert!(lock_path.exists(), "a killed holder leaves its lock file");
        let start = Instant::now();
        let guard = FileLock::acquire(&file)?;
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        drop(guard);
        assert!(!lock_path.exists());
        Ok(())
    }

    #[test]
    fn a_held_flock_times_out_with_a_store_error() -> Result<()> {
        let t = tmp();
        let file = t.path().join("cache.json");
        let _held = FileLock::acquire(&file)?;
        let Err(e) = fast(&file).lock() else {
            panic!("the lock was taken twice")
        };
        assert_eq!(e.code(), "store_error");
        let text = e.to_string();
        assert!(text.contains("cache.json.lockfile"), "{text}");
        assert!(text.contains("another process holds this lock"), "{text}");
        Ok(())
    }

    #[tokio::test]
    async fn acquire_async_waits_off_the_runtime() -> Result<()> {
        let t = tmp();
        let file = t.path().join("cache.json");
        let first = FileLock::acquire_async(&file).await?;
        let waiter = tokio::spawn({
            let file = file.clone();
            async move { FileLock::acquire_async(&file).await.map(|_| Instant::now()) }
        });
        tokio::time::sleep(Duration::from_millis(400)).await;
        let released = Instant::now();
        drop(first);
        let taken = match waiter.await {
            Ok(r) => r?,
            Err(e) => panic!("waiter: {e}"),
        };
        assert!(taken >= released);
        Ok(())
    }

    /// Runs python3 holding the lock as msal-extensions would (exclusive create, then flock) for
    /// `hold` seconds, optionally deleting the lock file on release; returns once it holds it.
    /// `None` when python3 is not installed.
    fn python_holder(lock_path: &Path, hold: f32, create: bool, delete: bool) -> Option<Child> {
        let script = r#"
import fcntl, os, sys, time
path, hold, create, delete = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1", sys.argv[4] == "1"
if create:
    open(path, "x").close()
f = open(path, "ab+", buffering=0)
fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
f.seek(0); f.truncate(0); f.write(b"%d python" % os.getpid())
print("locked", flush=True)
time.sleep(hold)
fcntl.flock(f, fcntl.LOCK_UN)
f.close()
if delete:
    os.remove(path)
"#;
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(lock_path)
            .arg(hold.to_string())
            .arg(if create { "1" } else { "0" })
            .arg(if delete { "1" } else { "0" })
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let mut line = String::new();
        let stdout = child.stdout.take()?;
        BufReader::new(stdout).read_line(&mut line).ok()?;
        assert_eq!(line.trim(), "locked");
        Some(child)
    }

    #[test]
    fn waits_for_a_python_holder_then_takes_the_lock() -> Result<()> {
        let t = tmp();
        let file = t.path().join("msal_token_cache.json");
        let lock_path = FileLock::new(&file).lock_path().to_path_buf();
        // Like az: the lock file exists while held and is deleted on release (phase 1 waits).
        let Some(mut child) = python_holder(&lock_path, 1.0, true, true) else {
            eprintln!("python3 not available; skipping");
            return Ok(());
        };
        let start = Instant::now();
        let guard = FileLock::acquire(&file)?;
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(700), "{waited:?}");
        assert!(waited < Duration::from_secs(5), "{waited:?}");
        drop(guard);
        let _ = child.wait();
        Ok(())
    }

    #[test]
    fn waits_for_a_python_flock_when_phase_one_times_out() -> Result<()> {
        let t = tmp();
        let file = t.path().join("msal_token_cache.json");
        let lock = FileLock::new(&file).with_timing(
            Duration::from_millis(50),
            Duration::from_millis(200),
            Duration::from_secs(5),
        );
        // The holder keeps the file, so only the flock excludes us (phase 2 waits).
        let Some(mut child) = python_holder(lock.lock_path(), 1.0, true, false) else {
            eprintln!("python3 not available; skipping");
            return Ok(());
        };
        let start = Instant::now();
        let guard = lock.lock()?;
        assert!(start.elapsed() >= Duration::from_millis(700));
        drop(guard);
        let _ = child.wait();
        Ok(())
    }

    #[test]
    fn python_sees_our_lock() -> Result<()> {
        let t = tmp();
        let file = t.path().join("msal_token_cache.json");
        let guard = FileLock::acquire(&file)?;
        let probe = r#"
import fcntl, sys
try:
    open(sys.argv[1], "x")
    print("created")
except FileExistsError:
    f = open(sys.argv[1], "ab+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("flocked")
    except BlockingIOError:
        print("blocked")
"#;
        let Ok(out) = Command::new("python3")
            .arg("-c")
            .arg(probe)
            .arg(guard.lock_path())
            .output()
        else {
            eprintln!("python3 not available; skipping");
            return Ok(());
        };
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "blocked");
        Ok(())
    }
}

/// A lock file deleted while locked: only where the deletion can be observed. Wine 8 (where the
/// Windows build's tests run) reports a deleted file that is still open as present, with the
/// same identity and no pending deletion, unlike Windows, whose deleted files either vanish at
/// once (POSIX semantics) or are marked pending (which the Windows `file_id` refuses).
#[cfg(all(test, unix))]
mod unix_tests {
    use super::tests::{fast, tmp};
    use super::*;

    #[test]
    fn a_lock_file_deleted_after_our_flock_is_not_a_lock() -> Result<()> {
        let t = tmp();
        let file = t.path().join("cache.json");
        let lock = fast(&file);
        std::fs::write(lock.lock_path(), b"").map_err(|e| Error::store("w", e))?;
        let stale = lock.flock()?;
        assert!(lock.is_in_place(&stale));
        std::fs::remove_file(lock.lock_path()).map_err(|e| Error::store("rm", e))?;
        assert!(!lock.is_in_place(&stale), "a deleted file is not the lock");
        std::fs::write(lock.lock_path(), b"").map_err(|e| Error::store("w", e))?;
        assert!(!lock.is_in_place(&stale), "a replaced file is not the lock");
        Ok(())
    }
}
