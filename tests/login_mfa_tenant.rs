//! A tenant that needs MFA: the login fails with the AADSTS text and az's recommendation.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn mfa_tenant_login_fails_with_the_aadsts_text() {
    let env = TestEnv::start().await;
    let run = env.login_password_with(&["--tenant", WOODGROVE]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "ERROR: AADSTS50076: Due to a configuration change made by your administrator"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("\naz login\n"),
        "az's recommendation: {run:?}"
    );
}
