//! `logout`: the user's entries and every token of the account go; az's message when none is active.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn logout_removes_the_user_and_its_tokens() {
    let env = TestEnv::start().await;
    env.login_password().await;
    env.run(&["logout"]).await.ok();
    let profile = env.read_json("azureProfile.json");
    assert_eq!(profile["subscriptions"], serde_json::json!([]));
    let cache = env.read_json("msal_token_cache.json");
    for section in ["AccessToken", "RefreshToken", "IdToken", "Account"] {
        assert_eq!(
            cache[section].as_object().map(|m| m.len()),
            Some(0),
            "{section}"
        );
    }
    let again = env.run(&["logout"]).await;
    assert_eq!(
        (again.code, again.stderr.as_str()),
        (1, "ERROR: There are no active accounts.\n")
    );
}
