//! Discovery reads every `nextLink` page, in order.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn paging_reads_every_page_in_order() {
    let env = TestEnv::with_scenario(load_scenario("paging.json")).await;
    let run = env.login_password().await;
    let list = run.json();
    let names: Vec<String> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(names.len() >= 250, "got {}", names.len());
    let pages = env
        .emulator
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with("/subscriptions"))
        .count();
    assert!(pages >= 3, "{pages} subscription pages");
    let profile = env.read_json("azureProfile.json");
    assert_eq!(
        profile["subscriptions"].as_array().map(Vec::len),
        Some(names.len())
    );
}
