//! File modes, checked with `stat` on real files: the config dir is created 0700 and the token
//! cache 0600 whatever the umask; a secret file others can read gets one warning line naming it
//! and the `chmod` that fixes it, and the command still works.
//!
//! Unix only: Windows files have ACLs, not modes.
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Runs `azlogin args…` in `env` under `umask`, through the shell that sets it.
async fn run_with_umask(env: &TestEnv, config_dir: &Path, umask: &str, args: &[&str]) -> Run {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_azlogin"))
        .args(args)
        .env_clear()
        .envs(env.vars())
        .env("AZURE_CONFIG_DIR", config_dir)
        .stdin(std::process::Stdio::null());
    run_command(cmd).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permissive_umask_still_makes_the_dir_and_cache_private() {
    let env = TestEnv::start().await;
    // A config dir that does not exist yet: the first command creates it; this env's cloud
    // files are copied in afterwards.
    let fresh = env.home.path().join("fresh").join("azure");
    let run = run_with_umask(&env, &fresh, "000", &["account", "list"]).await;
    assert_eq!(run.stdout, "[]\n", "{run:?}");
    assert_eq!(mode(&fresh), 0o700, "created under umask 000");
    for name in ["clouds.config", "config"] {
        std::fs::copy(env.path(name), fresh.join(name)).expect("copy");
    }
    let run = run_with_umask(&env, &fresh, "000", &["login", "-u", USER, "-p", PASSWORD]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("holds secrets"), "{run:?}");
    assert_eq!(mode(&fresh.join("msal_token_cache.json")), 0o600);
    // The profile holds no secret: readable by all, as az's is under the usual umask, but
    // never writable by others.
    assert_eq!(mode(&fresh.join("azureProfile.json")), 0o644);
    assert_eq!(mode(&fresh), 0o700);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_readable_token_cache_is_warned_about_once_and_still_used() {
    let env = TestEnv::start().await;
    env.login_password().await;
    let cache = env.path("msal_token_cache.json");
    assert_eq!(mode(&cache), 0o600);
    let expected = |m: &str| {
        format!(
            "WARNING: '{p}' holds secrets and can be read by other users (mode {m}); run 'chmod 600 {p}' to make it private.\n",
            p = cache.display()
        )
    };
    for (m, warned) in [
        (0o644, true),
        (0o640, true),
        (0o604, true),
        (0o666, true),
        (0o600, false),
        (0o400, false),
        (0o620, false),
    ] {
        chmod(&cache, m);
        let run = env.run(&["account", "get-access-token"]).await;
        assert_eq!(run.code, 0, "{m:o}: {run:?}");
        assert!(run.json()["accessToken"].is_string(), "{m:o}: {run:?}");
        if warned {
            assert_eq!(run.stderr, expected(&format!("{m:04o}")), "{m:o}");
        } else {
            assert_eq!(run.stderr, "", "{m:o}");
        }
        // Warned, not changed: fixing the mode is the user's call, as az never changes it.
        assert_eq!(mode(&cache), m);
    }

    // Every command that opens the account files warns; `config` does not touch them.
    chmod(&cache, 0o644);
    for args in [
        &["account", "list"][..],
        &["account", "show"],
        &["login", "-u", USER, "-p", PASSWORD],
        &["logout"],
    ] {
        let run = env.run(args).await;
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        assert_eq!(
            run.stderr.matches(&expected("0644")).count(),
            1,
            "{args:?}: {run:?}"
        );
        assert_eq!(mode(&cache), 0o644, "{args:?} kept the mode");
    }
    let run = env.run(&["config", "get", "core.output"]).await;
    assert!(!run.stderr.contains("holds secrets"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn readable_service_principal_entries_are_warned_about() {
    let env = TestEnv::start().await;
    env.login_password().await;
    let entries = env.path("service_principal_entries.json");
    std::fs::write(
        &entries,
        b"[\n    {\n        \"client_id\": \"app\",\n        \"tenant\": \"t\",\n        \"client_secret\": \"not-a-real-secret\"\n    }\n]",
    )
    .expect("write");
    chmod(&entries, 0o644);
    let run = env.run(&["account", "list"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "WARNING: '{p}' holds secrets and can be read by other users (mode 0644); run 'chmod 600 {p}' to make it private.\n",
            p = entries.display()
        )
    );
    assert!(!run.stderr.contains("not-a-real-secret"));
    chmod(&entries, 0o600);
    let run = env.run(&["account", "list"]).await;
    assert_eq!(run.stderr, "", "{run:?}");
}
