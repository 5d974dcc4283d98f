//! `--tenant`: by domain (resolved through OIDC metadata) or GUID, an MFA tenant, an empty one.

use crate::harness::*;

#[tokio::test]
async fn tenant_by_domain_is_resolved_and_skips_the_tenant_loop() {
    let env = InProcess::start();
    let (outcome, events) = env
        .login_password(|r| r.tenant = Some("contoso.example".into()))
        .await;
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [CONTOSO_PRODUCTION, CONTOSO_DEV]);
    let first = &outcome.subscriptions[0];
    assert_eq!(first.tenant_id(), Some(CONTOSO));
    let json = first.to_json();
    assert!(
        json.get("tenantDefaultDomain").is_none(),
        "only the tenant loop knows the domain"
    );
    assert!(json.get("tenantDisplayName").is_none());
    assert!(events.warnings().is_empty(), "{:?}", events.warnings());
    assert!(
        !env.requests().iter().any(|p| p == "/tenants"),
        "no tenant loop"
    );
    assert_eq!(env.cached_token_realms(), [CONTOSO]);
}

#[tokio::test]
async fn unknown_domain_fails_with_az_message() {
    let env = InProcess::start();
    let (outcome, events) = env
        .login_password(|r| r.tenant = Some("nowhere.example".into()))
        .await;
    let err = failed(outcome);
    assert!(
        err.to_string()
            .starts_with("Failed to resolve tenant 'nowhere.example'.\n\nError detail: "),
        "{err}"
    );
    assert_eq!(events.authenticated(), 0, "before the sign-in");
    assert!(!env.exists("msal_token_cache.json"));
}

#[tokio::test]
async fn an_mfa_tenant_fails_with_the_aadsts_text_and_writes_no_profile() {
    let env = InProcess::start();
    let (outcome, _) = env
        .login_password(|r| r.tenant = Some(WOODGROVE.into()))
        .await;
    let err = failed(outcome);
    assert_eq!(err.code(), "mfa_required");
    assert!(
        err.to_string()
            .starts_with("AADSTS50076: Due to a configuration change made by your administrator"),
        "{err}"
    );
    assert!(!env.exists("azureProfile.json"));
}

#[tokio::test]
async fn an_empty_tenant_alone_is_no_subscriptions_unless_allowed() {
    let env = InProcess::start();
    let (outcome, _) = env
        .login_password(|r| r.tenant = Some(FABRIKAM.into()))
        .await;
    let err = failed(outcome);
    assert_eq!(
        err.to_string(),
        format!("No subscriptions found for {USER}.")
    );
    assert!(
        !env.exists("azureProfile.json"),
        "the profile is not written"
    );
    assert!(
        env.exists("msal_token_cache.json"),
        "the tokens stay cached"
    );
    let (outcome, _) = env
        .login_password(|r| {
            r.tenant = Some(FABRIKAM.into());
            r.allow_no_subscriptions = true;
        })
        .await;
    assert_eq!(ids(&succeeded(outcome)), [FABRIKAM]);
}
