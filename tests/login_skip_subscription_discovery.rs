//! `--skip-subscription-discovery` (alias `--skip-sub`): az's usage rules, checked before any
//! request. What the login does with it is tested in process (`tests/in_process/`).

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn skip_usage_errors_come_first() {
    let env = TestEnv::start().await;
    let run = env.login_password_with(&["--skip-sub"]).await;
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "ERROR: usage error: '--skip-subscription-discovery' requires '--tenant'\n"
    );
    let run = env
        .login_password_with(&["--skip-sub", "-t", CONTOSO, "-s", "Contoso Production"])
        .await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with(
            "ERROR: usage error: '--subscription' must be a subscription ID (GUID), not a name"
        ),
        "{run:?}"
    );
    assert!(env.requests().is_empty(), "nothing was sent");
}
