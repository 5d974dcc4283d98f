//! `--skip-subscription-discovery` (alias `--skip-sub`) and `--subscription` at login.

mod common;

use common::*;

/// Contoso's first subscription in the default scenario.
const CONTOSO_PROD: &str = "c0000001-0000-4000-8000-000000000001";
/// A subscription id no tenant has.
const UNKNOWN: &str = "deadbeef-0000-4000-8000-000000000000";

/// How many ARM requests of each kind the emulator answered: tenant lists, subscription lists,
/// single-subscription GETs.
fn arm_calls(env: &TestEnv) -> (usize, usize, usize) {
    let log = env.requests();
    let count = |pred: &dyn Fn(&str) -> bool| log.iter().filter(|p| pred(p)).count();
    (
        count(&|p| p == "/tenants"),
        count(&|p| p == "/subscriptions"),
        count(&|p| p.starts_with("/subscriptions/")),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn bare_skip_makes_a_tenant_level_account_without_arm() {
    let env = TestEnv::start().await;
    let run = env
        .login_password_with(&["--tenant", CONTOSO, "--skip-sub"])
        .await
        .ok();
    let list = run.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["id"], CONTOSO);
    assert_eq!(list[0]["name"], "N/A(tenant level account)");
    assert_eq!(list[0]["isDefault"], true);
    assert_eq!(arm_calls(&env), (0, 0, 0), "no ARM call at all");
    let profile = env.read_json("azureProfile.json");
    assert_eq!(profile["subscriptions"][0]["id"], CONTOSO);
}

#[tokio::test(flavor = "multi_thread")]
async fn skip_with_a_subscription_makes_one_get() {
    let env = TestEnv::start().await;
    let run = env
        .login_password_with(&[
            "--tenant",
            CONTOSO,
            "--skip-subscription-discovery",
            "--subscription",
            CONTOSO_PROD,
        ])
        .await
        .ok();
    let list = run.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["id"], CONTOSO_PROD);
    assert_eq!(list[0]["name"], "Contoso Production");
    assert_eq!(list[0]["tenantId"], CONTOSO);
    assert_eq!(arm_calls(&env), (0, 0, 1), "exactly one GET");
}

#[tokio::test(flavor = "multi_thread")]
async fn skip_with_an_unknown_subscription_fails_or_keeps_the_tenant() {
    let env = TestEnv::start().await;
    let args = ["--tenant", CONTOSO, "--skip-sub", "-s", UNKNOWN];
    let run = env.login_password_with(&args).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "WARNING: Failed to retrieve subscription {UNKNOWN}: "
        )),
        "{run:?}"
    );
    assert!(
        run.stderr.ends_with(&format!(
            "ERROR: The subscription '{UNKNOWN}' could not be retrieved for '{USER}'. Ensure the subscription exists and that you have access to it.\n"
        )),
        "{run:?}"
    );
    assert!(!env.path("azureProfile.json").exists());

    let mut allowed = args.to_vec();
    allowed.push("--allow-no-subscriptions");
    let run = env.login_password_with(&allowed).await.ok();
    assert!(
        run.stderr.ends_with(&format!(
            "WARNING: Subscription '{UNKNOWN}' not found. Profile has tenant-level account only.\n"
        )),
        "{run:?}"
    );
    assert_eq!(run.json()[0]["id"], CONTOSO);
    assert_eq!(run.json()[0]["name"], "N/A(tenant level account)");
}

#[tokio::test(flavor = "multi_thread")]
async fn skip_usage_errors_come_first() {
    let env = TestEnv::start().await;
    let run = env.login_password_with(&["--skip-sub"]).await;
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "ERROR: usage error: '--skip-subscription-discovery' requires '--tenant'\n"
    );
    let run = env
        .login_password_with(&["--skip-sub", "-t", CONTOSO, "-s", "Contoso Production"])
        .await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with(
            "ERROR: usage error: '--subscription' must be a subscription ID (GUID), not a name"
        ),
        "{run:?}"
    );
    assert!(env.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn subscription_picks_the_default_and_filters_the_output() {
    let env = TestEnv::start().await;
    let run = env
        .login_password_with(&["--subscription", "CONTOSO DEV"])
        .await
        .ok();
    let list = run.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["name"], "Contoso Dev");
    assert_eq!(list[0]["isDefault"], true);
    let profile = env.read_json("azureProfile.json");
    let default: Vec<&serde_json::Value> = profile["subscriptions"]
        .as_array()
        .map(|l| l.iter().filter(|e| e["isDefault"] == true).collect())
        .unwrap_or_default();
    assert_eq!(default.len(), 1);
    assert_eq!(default[0]["name"], "Contoso Dev");

    let run = env.login_password_with(&["--subscription", "nope"]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.ends_with(
            "ERROR: Subscription 'nope' not found. Check the ID or name and try again.\n"
        ),
        "{run:?}"
    );
}
