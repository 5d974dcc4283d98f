//! `azlogin login --use-device-code` against the emulator (which approves the code itself).

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn device_code_login_prints_the_message_then_the_list() {
    let env = TestEnv::start().await;
    let run = env.run(&["login", "--use-device-code"]).await.ok();
    let first = run.stderr.lines().next().unwrap_or_default().to_string();
    assert!(first.starts_with("To sign in, use a web browser to open the page "), "{run:?}");
    assert!(first.contains(&format!("{}/devicelogin", env.url())), "{first}");
    assert!(run.stderr.contains("WARNING: Authentication failed against tenant 33333333-3333-4333-8333-333333333333 'Woodgrove MFA': AADSTS50076"), "{run:?}");
    let list = run.json();
    let ids: Vec<&str> = list.as_array().expect("list").iter().map(|s| s["id"].as_str().unwrap_or("")).collect();
    assert_eq!(ids, ["c0000001-0000-4000-8000-000000000001", "c0000001-0000-4000-8000-000000000002"]);
    let cache = env.read_json("msal_token_cache.json");
    let account = cache["Account"].as_object().and_then(|m| m.values().next()).expect("account");
    assert_eq!(account["account_source"], "urn:ietf:params:oauth:grant-type:device_code");
    assert_eq!(account["realm"], "organizations");
    assert!(env.grants("urn:ietf:params:oauth:grant-type:device_code") >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn declined_device_code_stops_with_the_server_error() {
    let mut scenario = azlogin::emulator::Scenario::default_scenario();
    scenario.device_code.auto_approve = None;
    scenario.device_code.auto_decline = true;
    let env = TestEnv::with_scenario(scenario).await;
    let run = env.run(&["login", "--use-device-code"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("ERROR: AADSTS"), "{run:?}");
    assert!(!env.path("azureProfile.json").exists());
}
