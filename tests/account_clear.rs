//! `account clear`: an empty subscription list and no token cache.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn clear_empties_the_profile_and_deletes_the_cache() {
    let env = TestEnv::start().await;
    env.login_password().await;
    env.run(&["account", "clear"]).await.ok();
    let text = String::from_utf8(env.read("azureProfile.json")).expect("utf8");
    assert!(
        text.starts_with("\u{feff}{\"subscriptions\": [], \"installationId\": \""),
        "{text}"
    );
    let profile = env.read_json("azureProfile.json");
    assert_eq!(profile["subscriptions"], serde_json::json!([]));
    assert!(!env.path("msal_token_cache.json").exists());
}
