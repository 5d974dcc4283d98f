//! Username and password: the tenant loop over the default scenario, az's warnings, the files.

use crate::harness::*;

#[tokio::test]
async fn password_login_discovers_every_tenant_and_writes_the_profile_and_cache() {
    let env = InProcess::start();
    let (outcome, events) = env.login_password(|_| {}).await;
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [CONTOSO_PRODUCTION, CONTOSO_DEV]);
    assert_eq!(outcome.username, USER);
    assert_eq!(outcome.default_id.as_deref(), Some(CONTOSO_PRODUCTION));
    assert_eq!(events.authenticated(), 1);
    let warnings = events.warnings();
    assert!(
        warnings[0].starts_with(&format!(
            "Authentication failed against tenant {WOODGROVE} 'Woodgrove MFA': AADSTS50076:"
        )),
        "{warnings:?}"
    );
    assert_eq!(
        warnings[1..5],
        [
            "The following tenants don't contain accessible subscriptions. Use `az login --allow-no-subscriptions` to have tenant level access.".to_string(),
            format!("{FABRIKAM} 'Fabrikam Empty'"),
            "If you need to access subscriptions in the following tenants, please use `az login --tenant TENANT_ID`.".to_string(),
            format!("{WOODGROVE} 'Woodgrove MFA'"),
        ]
    );
    let profile = env.profile_entries();
    assert_eq!(profile.len(), 2);
    assert_eq!(profile[0]["id"], CONTOSO_PRODUCTION);
    assert_eq!(profile[0]["isDefault"], true);
    assert_eq!(profile[0]["tenantDisplayName"], "Contoso");
    assert_eq!(
        profile[0]["user"],
        serde_json::json!({"name": USER, "type": "user"})
    );
    assert_eq!(profile[1]["isDefault"], false);
    let cache = env.read_json("msal_token_cache.json");
    assert_eq!(cache["Account"].as_object().map(|a| a.len()), Some(1));
    assert_eq!(cache["RefreshToken"].as_object().map(|a| a.len()), Some(1));
    let mut realms = env.cached_token_realms();
    realms.sort();
    assert_eq!(realms, [CONTOSO, FABRIKAM, "organizations"]);
}

#[tokio::test]
async fn a_wrong_password_is_the_entra_error_and_writes_nothing() {
    let env = InProcess::start();
    let (outcome, events) = env
        .login_password(|r| {
            r.method = azlogin::session::LoginMethod::Password {
                username: USER.into(),
                password: azlogin::secret::Password::new("wrong"),
            }
        })
        .await;
    let err = failed(outcome);
    assert_eq!(err.code(), "server_error");
    assert!(err.to_string().starts_with("AADSTS50126:"), "{err}");
    assert_eq!(events.authenticated(), 0);
    assert!(!env.exists("azureProfile.json"));
    assert!(!env.exists("msal_token_cache.json"));
}
