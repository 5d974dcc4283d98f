//! `--allow-no-subscriptions`, and `No subscriptions found` without it.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn empty_tenant_becomes_a_tenant_level_account_when_allowed() {
    let env = TestEnv::start().await;
    let run = env
        .login_password_with(&["--allow-no-subscriptions"])
        .await
        .ok();
    let list = run.json();
    let last = list.as_array().and_then(|l| l.last()).expect("entries");
    assert_eq!(last["id"], FABRIKAM);
    assert_eq!(last["name"], "N/A(tenant level account)");
    assert_eq!(last.as_object().map(|m| m.len()), Some(7));
    assert!(
        list.as_array()
            .is_some_and(|l| l.iter().all(|e| e["id"] != WOODGROVE)),
        "failed tenants get none"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_tenant_alone_is_no_subscriptions() {
    let env = TestEnv::start().await;
    let run = env.login_password_with(&["--tenant", FABRIKAM]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .ends_with("ERROR: No subscriptions found for user@contoso.example.\n"),
        "{run:?}"
    );
    assert!(
        !env.path("azureProfile.json").exists(),
        "the profile is not written"
    );
    assert!(
        env.path("msal_token_cache.json").exists(),
        "the tokens stay cached"
    );
    let allowed = env
        .login_password_with(&["--tenant", FABRIKAM, "--allow-no-subscriptions"])
        .await
        .ok();
    assert_eq!(allowed.json()[0]["id"], FABRIKAM);
}
