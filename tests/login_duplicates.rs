//! A subscription seen from two tenants is kept once with az's warning; concurrency changes nothing.

mod common;

use common::*;

const NORTHWIND: &str = "44444444-4444-4444-8444-444444444444";
const SHARED: &str = "c0000001-0000-4000-8000-000000000009";

#[tokio::test(flavor = "multi_thread")]
async fn duplicates_are_kept_once_with_az_warning() {
    let env = TestEnv::with_scenario(load_scenario("duplicates.json")).await;
    let run = env.login_password().await;
    // Contoso lists Production and Shared Ops; Northwind (which manages Shared Ops) lists Shared
    // Ops, then its own. The second sighting of Shared Ops is dropped with az's warning, which
    // names the first tenant as the default. No tenant is empty or failed, so nothing else.
    assert_eq!(
        run.stderr,
        format!(
            "WARNING: Using authentication with username and password in the command line is strongly discouraged. Consider using one of the recommended authentication methods. For more details, see https://go.microsoft.com/fwlink/?linkid=2276314\n\
             WARNING: Subscription {SHARED} 'Shared Ops' can be accessed from tenants {CONTOSO}(default) and {NORTHWIND}. To select a specific tenant when accessing this subscription, use 'az login --tenant TENANT_ID'.\n"
        ),
        "{run:?}"
    );
    let list = run.json();
    let entries = list.as_array().expect("list");
    let ids: Vec<&str> = entries
        .iter()
        .map(|e| e["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        [
            "c0000001-0000-4000-8000-000000000001",
            SHARED,
            "c0000004-0000-4000-8000-000000000001"
        ],
        "each subscription once, in discovery order"
    );
    // The kept entry is the one the first tenant (Contoso) found.
    let shared = &entries[1];
    assert_eq!(shared["tenantId"], CONTOSO, "{shared}");
    assert_eq!(shared["tenantDisplayName"], "Contoso", "{shared}");
    assert_eq!(shared["tenantDefaultDomain"], "contoso.example", "{shared}");
    assert_eq!(shared["homeTenantId"], CONTOSO, "{shared}");
    assert_eq!(
        shared["managedByTenants"],
        serde_json::json!([{ "tenantId": NORTHWIND }]),
        "{shared}"
    );
    assert_eq!(entries[2]["tenantId"], NORTHWIND);
    // The profile holds the same single entry for it.
    let profile = env.read_json("azureProfile.json");
    let stored: Vec<&serde_json::Value> = profile["subscriptions"]
        .as_array()
        .expect("subscriptions")
        .iter()
        .filter(|s| s["id"] == SHARED)
        .collect();
    assert_eq!(stored.len(), 1, "{profile}");
    assert_eq!(stored[0]["tenantId"], CONTOSO);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrency_one_gives_the_same_result() {
    let env = TestEnv::with_scenario(load_scenario("duplicates.json")).await;
    let parallel = env.login_password().await;
    let sequential = env.login_password_with(&["--concurrency", "1"]).await.ok();
    assert_eq!(parallel.stdout, sequential.stdout);
    assert_eq!(
        normalize_aadsts(&parallel.stderr),
        normalize_aadsts(&sequential.stderr)
    );
}
