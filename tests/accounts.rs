//! `account list/show/set/clear`, `logout`.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn list_show_set_follow_az() {
    let env = TestEnv::start().await;
    let empty = env.run(&["account", "list"]).await.ok();
    assert_eq!(empty.stdout, "[]\n");
    assert_eq!(
        empty.stderr,
        "WARNING: Please run \"az login\" to access your accounts.\n"
    );
    let show = env.run(&["account", "show"]).await;
    assert_eq!(
        (show.code, show.stderr.as_str()),
        (1, "ERROR: Please run 'az login' to setup account.\n")
    );

    env.login_password().await;
    let list = env.run(&["account", "list"]).await.ok().json();
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    assert_eq!(list[0]["cloudName"], CLOUD);
    let show = env.run(&["account", "show"]).await.ok().json();
    assert_eq!(show["environmentName"], CLOUD);
    assert_eq!(show["isDefault"], true);

    env.run(&["account", "set", "-s", "contoso dev"]).await.ok();
    let show = env.run(&["account", "show"]).await.ok().json();
    assert_eq!(show["name"], "Contoso Dev");
    let clouds = String::from_utf8(env.read("clouds.config")).expect("utf8");
    assert!(
        clouds.contains("subscription = c0000001-0000-4000-8000-000000000002"),
        "{clouds}"
    );

    let missing = env.run(&["account", "set", "-s", "Nope"]).await;
    assert_eq!(missing.code, 1);
    assert_eq!(
        missing.stderr,
        "ERROR: The subscription of 'nope' doesn't exist in cloud 'FakeCloud'.\n"
    );
    let by_name = env
        .run(&["account", "show", "-s", "CONTOSO PRODUCTION"])
        .await
        .ok()
        .json();
    assert_eq!(by_name["id"], "c0000001-0000-4000-8000-000000000001");
    let queried = env
        .run(&["account", "list", "--query", "[].name", "-o", "tsv"])
        .await
        .ok();
    assert_eq!(queried.stdout, "Contoso Production\nContoso Dev\n");
}

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
