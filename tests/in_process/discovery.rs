//! The tenant loop: every page in order, a subscription seen from two tenants kept once, a
//! failing tenant reported and passed over, `--allow-no-subscriptions`, and a concurrency of
//! one giving what the default gives.

use azlogin::emulator::Scenario;

use crate::harness::*;

const NORTHWIND: &str = "44444444-4444-4444-8444-444444444444";
const SHARED: &str = "c0000001-0000-4000-8000-000000000009";
const BROKEN: &str = "55555555-5555-4555-8555-555555555555";

fn scenario(name: &str) -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name);
    Scenario::from_file(&path).expect("scenario loads")
}

#[tokio::test]
async fn paging_reads_every_page_in_order() {
    let scenario = scenario("paging.json");
    let expected: Vec<String> = scenario
        .tenants
        .iter()
        .flat_map(|t| t.subscriptions.iter().map(|s| s.id.clone()))
        .collect();
    assert_eq!(expected.len(), 250, "the scenario is the paging one");
    assert_eq!(scenario.page_size, 100);
    let env = InProcess::with_scenario(scenario);
    let (outcome, _) = env.login_password(|_| {}).await;
    assert_eq!(ids(&succeeded(outcome)), expected, "every page, in order");
    // 250 subscriptions at 100 a page: exactly three pages, no page read twice.
    let pages = env
        .requests()
        .iter()
        .filter(|p| p.starts_with("/subscriptions"))
        .count();
    assert_eq!(pages, 3, "subscription pages read");
    let stored: Vec<String> = env
        .profile_entries()
        .iter()
        .map(|e| e["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(stored, expected, "the profile keeps the same order");
}

#[tokio::test]
async fn duplicates_are_kept_once_with_az_warning() {
    let env = InProcess::with_scenario(scenario("duplicates.json"));
    let (outcome, events) = env.login_password(|_| {}).await;
    let outcome = succeeded(outcome);
    // Contoso lists Production and Shared Ops; Northwind (which manages Shared Ops) lists Shared
    // Ops, then its own. The second sighting is dropped with az's warning, which names the first
    // tenant as the default. No tenant is empty or failed, so nothing else.
    assert_eq!(
        events.warnings(),
        [format!(
            "Subscription {SHARED} 'Shared Ops' can be accessed from tenants {CONTOSO}(default) and {NORTHWIND}. To select a specific tenant when accessing this subscription, use 'az login --tenant TENANT_ID'."
        )]
    );
    assert_eq!(
        ids(&outcome),
        [
            "c0000001-0000-4000-8000-000000000001",
            SHARED,
            "c0000004-0000-4000-8000-000000000001"
        ],
        "each subscription once, in discovery order"
    );
    // The kept entry is the one the first tenant (Contoso) found.
    let shared = outcome.subscriptions[1].to_json();
    assert_eq!(shared["tenantId"], CONTOSO, "{shared}");
    assert_eq!(shared["tenantDisplayName"], "Contoso", "{shared}");
    assert_eq!(shared["tenantDefaultDomain"], "contoso.example", "{shared}");
    assert_eq!(shared["homeTenantId"], CONTOSO, "{shared}");
    assert_eq!(
        shared["managedByTenants"],
        serde_json::json!([{ "tenantId": NORTHWIND }]),
        "{shared}"
    );
    assert_eq!(outcome.subscriptions[2].tenant_id(), Some(NORTHWIND));
    let stored: Vec<serde_json::Value> = env
        .profile_entries()
        .into_iter()
        .filter(|s| s["id"] == SHARED)
        .collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["tenantId"], CONTOSO);
}

#[tokio::test]
async fn concurrency_one_gives_the_same_entries_and_warnings() {
    let parallel = InProcess::with_scenario(scenario("duplicates.json"));
    let (a, a_events) = parallel.login_password(|_| {}).await;
    let sequential = InProcess::with_scenario(scenario("duplicates.json"));
    let (b, b_events) = sequential.login_password(|r| r.concurrency = 1).await;
    let (a, b) = (succeeded(a), succeeded(b));
    let json = |o: &azlogin::session::LoginOutcome| {
        o.subscriptions
            .iter()
            .map(|s| s.to_json())
            .collect::<Vec<_>>()
    };
    assert_eq!(json(&a), json(&b));
    assert_eq!(a_events.warnings(), b_events.warnings());
    assert_eq!(
        parallel.read_json("azureProfile.json")["subscriptions"],
        sequential.read_json("azureProfile.json")["subscriptions"]
    );
}

#[tokio::test]
async fn a_failing_tenant_is_reported_and_the_others_are_kept() {
    let env = InProcess::with_scenario(scenario("failing.json"));
    let (outcome, events) = env.login_password(|_| {}).await;
    let outcome = succeeded(outcome);
    let found = ids(&outcome);
    assert!(
        !found.contains(&"c0000005-0000-4000-8000-000000000001".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"c0000006-0000-4000-8000-000000000001".to_string()),
        "{found:?}"
    );
    let warnings = events.warnings();
    assert!(
        warnings[0].starts_with(&format!(
            "Authentication failed against tenant {BROKEN}: AADSTS50173: The provided grant has expired"
        )),
        "{warnings:?}"
    );
    let closing = warnings
        .iter()
        .position(|w| {
            w == "If you need to access subscriptions in the following tenants, please use `az login --tenant TENANT_ID`."
        })
        .expect("az's closing block");
    assert_eq!(warnings[closing + 1], BROKEN);
    assert_eq!(env.profile_entries().len(), found.len());
    assert!(
        !env.cached_token_realms().contains(&BROKEN.to_string()),
        "no token for the failing tenant"
    );
}

#[tokio::test]
async fn an_empty_tenant_becomes_a_tenant_level_account_when_allowed() {
    let env = InProcess::start();
    let (outcome, _) = env
        .login_password(|r| r.allow_no_subscriptions = true)
        .await;
    let outcome = succeeded(outcome);
    let last = outcome.subscriptions.last().expect("entries").to_json();
    assert_eq!(last["id"], FABRIKAM);
    assert_eq!(last["name"], "N/A(tenant level account)");
    assert_eq!(last.as_object().map(|m| m.len()), Some(7));
    assert!(
        !ids(&outcome).contains(&WOODGROVE.to_string()),
        "failed tenants get none"
    );
}
