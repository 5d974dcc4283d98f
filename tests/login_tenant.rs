//! `--tenant` (GUID or domain) and `--allow-no-subscriptions`.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn tenant_by_domain_is_resolved_and_skips_the_tenant_loop() {
    let env = TestEnv::start().await;
    let run = env
        .run(&[
            "login",
            "-u",
            USER,
            "-p",
            PASSWORD,
            "--tenant",
            "contoso.example",
        ])
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
        .run(&[
            "login",
            "-u",
            USER,
            "-p",
            PASSWORD,
            "--tenant",
            "nowhere.example",
        ])
        .await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("ERROR: Failed to resolve tenant 'nowhere.example'.\n\nError detail: "),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mfa_tenant_login_fails_with_the_aadsts_text() {
    let env = TestEnv::start().await;
    let run = env
        .run(&["login", "-u", USER, "-p", PASSWORD, "--tenant", WOODGROVE])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "ERROR: AADSTS50076: Due to a configuration change made by your administrator"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("\naz login\n"),
        "az's recommendation: {run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_tenant_becomes_a_tenant_level_account_when_allowed() {
    let env = TestEnv::start().await;
    let run = env
        .run(&[
            "login",
            "-u",
            USER,
            "-p",
            PASSWORD,
            "--allow-no-subscriptions",
        ])
        .await
        .ok();
    let list = run.json();
    let last = list.as_array().and_then(|l| l.last()).expect("entries");
    assert_eq!(last["id"], FABRIKAM);
    assert_eq!(last["name"], "N/A(tenant level account)");
    assert_eq!(last.as_object().map(|m| m.len()), Some(7));
    assert!(
        list.as_array()
            .is_some_and(|l| l.iter().all(|e| e["id"] != WOODGROVE)),
        "failed tenants get none"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_tenant_alone_is_no_subscriptions() {
    let env = TestEnv::start().await;
    let run = env
        .run(&["login", "-u", USER, "-p", PASSWORD, "--tenant", FABRIKAM])
        .await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .ends_with("ERROR: No subscriptions found for user@contoso.example.\n"),
        "{run:?}"
    );
    assert!(
        !env.path("azureProfile.json").exists(),
        "the profile is not written"
    );
    assert!(
        env.path("msal_token_cache.json").exists(),
        "the tokens stay cached"
    );
    let allowed = env
        .run(&[
            "login",
            "-u",
            USER,
            "-p",
            PASSWORD,
            "--tenant",
            FABRIKAM,
            "--allow-no-subscriptions",
        ])
        .await
        .ok();
    assert_eq!(allowed.json()[0]["id"], FABRIKAM);
}
