//! A subscription seen from two tenants is kept once with az's warning; concurrency changes nothing.

mod common;

use common::*;

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
