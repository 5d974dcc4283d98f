//! A login waits for the token-cache lock another process holds (msal-extensions protocol).
//!
//! Unix only: the holder takes the lock with Python's `fcntl.flock`, as msal-extensions does on
//! Unix. On Windows the lock is `LockFileEx`; two azlogin.exe refreshing at once under Wine are
//! in tests/windows/concurrency.test.mjs.
#![cfg(unix)]

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn login_waits_for_a_lock_held_by_another_process() {
    let env = TestEnv::start().await;
    let lock = env.path("msal_token_cache.json.lockfile");
    // Another process follows the msal-extensions protocol: creates the lock file, flocks it,
    // holds it, then releases and deletes it.
    let mut holder = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import fcntl, os, sys, time\n\
             f = open(sys.argv[1], 'x'); f.write(str(os.getpid()) + ' holder'); f.flush()\n\
             fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n\
             print('held', flush=True); time.sleep(1.5)\n\
             fcntl.flock(f, fcntl.LOCK_UN); f.close(); os.remove(sys.argv[1])\n",
        )
        .arg(&lock)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut out = holder.stdout.take().expect("stdout");
    let mut buf = [0u8; 5];
    std::io::Read::read_exact(&mut out, &mut buf).expect("holder is ready");
    let started = std::time::Instant::now();
    let run = env.login_password().await;
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(1000),
        "waited for the holder"
    );
    assert_eq!(run.json().as_array().map(Vec::len), Some(2));
    assert!(holder.wait().expect("holder exits").success());
    assert!(!lock.exists(), "the lock file is gone after release");
    let cache = env.read_json("msal_token_cache.json");
    assert_eq!(cache["RefreshToken"].as_object().map(|m| m.len()), Some(1));
}
