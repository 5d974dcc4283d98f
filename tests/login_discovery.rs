//! Discovery over many pages and tenants: paging, duplicates, order.

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

#[tokio::test(flavor = "multi_thread")]
async fn duplicates_are_kept_once_with_az_warning() {
    let env = TestEnv::with_scenario(load_scenario("duplicates.json")).await;
    let run = env.login_password().await;
    let list = run.json();
    let mut ids: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["id"].as_str().unwrap_or(""))
        .collect();
    let before = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), before, "no duplicates");
    assert!(
        run.stderr.contains("can be accessed from tenants"),
        "{run:?}"
    );
    assert!(run.stderr.contains("(default) and "), "{run:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrency_one_gives_the_same_result() {
    let env = TestEnv::with_scenario(load_scenario("duplicates.json")).await;
    let parallel = env.login_password().await;
    let sequential = env
        .run(&["login", "-u", USER, "-p", PASSWORD, "--concurrency", "1"])
        .await
        .ok();
    assert_eq!(parallel.stdout, sequential.stdout);
    assert_eq!(
        normalize_aadsts(&parallel.stderr),
        normalize_aadsts(&sequential.stderr)
    );
}
