//! `login --tenant` by domain (resolved through OIDC metadata) and by GUID.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn tenant_by_domain_is_resolved_and_skips_the_tenant_loop() {
    let env = TestEnv::start().await;
    let run = env
        .login_password_with(&["--tenant", "contoso.example"])
        .await
        .ok();
    let list = run.json();
    let first = &list[0];
    assert_eq!(first["tenantId"], CONTOSO);
    assert!(
        first.get("tenantDefaultDomain").is_none(),
        "only the tenant loop knows the domain"
    );
    assert!(first.get("tenantDisplayName").is_none());
    assert!(
        !run.stderr.contains("Authentication failed"),
        "no tenant loop: {run:?}"
    );
    let cache = env.read_json("msal_token_cache.json");
    let realms: Vec<&str> = cache["AccessToken"]
        .as_object()
        .expect("ats")
        .values()
        .map(|e| e["realm"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(realms, [CONTOSO]);
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_domain_fails_with_az_message() {
    let env = TestEnv::start().await;
    let run = env
        .login_password_with(&["--tenant", "nowhere.example"])
        .await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("ERROR: Failed to resolve tenant 'nowhere.example'.\n\nError detail: "),
        "{run:?}"
    );
}
