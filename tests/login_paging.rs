//! Discovery reads every `nextLink` page, in order.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn paging_reads_every_page_in_order() {
    let scenario = load_scenario("paging.json");
    let expected_names: Vec<String> = scenario
        .tenants
        .iter()
        .flat_map(|t| t.subscriptions.iter().map(|s| s.display_name.clone()))
        .collect();
    let expected_ids: Vec<String> = scenario
        .tenants
        .iter()
        .flat_map(|t| t.subscriptions.iter().map(|s| s.id.clone()))
        .collect();
    assert_eq!(expected_names.len(), 250, "the scenario is the paging one");
    assert_eq!(scenario.page_size, 100);
    let env = TestEnv::with_scenario(scenario).await;
    let run = env.login_password().await;
    let list = run.json();
    let names: Vec<String> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(names, expected_names, "every page, in the scenario's order");
    let ids: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, expected_ids);
    // 250 subscriptions at 100 a page: exactly three pages, no page read twice.
    let pages = env
        .emulator
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with("/subscriptions"))
        .count();
    assert_eq!(pages, 3, "subscription pages read");
    let profile = env.read_json("azureProfile.json");
    let stored: Vec<&str> = profile["subscriptions"]
        .as_array()
        .expect("subscriptions")
        .iter()
        .map(|e| e["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(stored, expected_names, "the profile keeps the same order");
}
