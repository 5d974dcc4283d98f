//! A service principal with a client secret: its credential saved once it worked, app-only
//! tokens, and entries owned by a `servicePrincipal` user.

use azlogin::emulator::{Scenario, ServicePrincipal};
use azlogin::secret::ClientSecret;
use azlogin::session::{AnyLogin, ServicePrincipalCredential, ServicePrincipalLogin};

use crate::harness::*;

const APP: &str = "5a1e0000-0000-4000-8000-00000000c0de";
const SECRET: &str = "sp-s3cret~value";

fn scenario() -> Scenario {
    let mut s = Scenario::default_scenario();
    s.service_principals.push(ServicePrincipal {
        client_id: APP.into(),
        secret: SECRET.into(),
        tenant: CONTOSO.into(),
        object_id: None,
        certificates: Vec::new(),
        trusted_subjects: Vec::new(),
        federated_credentials: Vec::new(),
    });
    s
}

fn login(secret: &str) -> AnyLogin {
    let mut request = ServicePrincipalLogin::new(
        APP,
        ServicePrincipalCredential::Secret(ClientSecret::new(secret)),
    );
    request.tenant = Some(CONTOSO.into());
    AnyLogin::ServicePrincipal(request)
}

#[tokio::test]
async fn secret_login_saves_the_credential_and_the_tenant_s_subscriptions() {
    let env = InProcess::with_scenario(scenario());
    let (outcome, events) = env.login_any(login(SECRET)).await;
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [CONTOSO_PRODUCTION, CONTOSO_DEV]);
    assert_eq!(outcome.username, APP);
    assert_eq!(events.authenticated(), 1);
    assert!(events.warnings().is_empty(), "{:?}", events.warnings());
    let profile = env.profile_entries();
    assert_eq!(
        profile[0]["user"],
        serde_json::json!({"name": APP, "type": "servicePrincipal"})
    );
    assert_eq!(profile[0]["tenantId"], CONTOSO);
    let saved = env.read_json("service_principal_entries.json");
    assert_eq!(saved[0]["client_id"], APP);
    assert_eq!(saved[0]["tenant"], CONTOSO);
    assert_eq!(saved[0]["client_secret"], SECRET);
    let cache = env.read_json("msal_token_cache.json");
    assert!(
        cache["RefreshToken"]
            .as_object()
            .is_none_or(|r| r.is_empty())
    );
    assert_eq!(env.cached_token_realms(), [CONTOSO]);
    // No tenant loop for an app.
    assert!(!env.requests().iter().any(|p| p == "/tenants"));
}

#[tokio::test]
async fn a_wrong_secret_saves_nothing() {
    let env = InProcess::with_scenario(scenario());
    let (outcome, _) = env.login_any(login("not-the-secret")).await;
    let err = failed(outcome);
    assert_eq!(err.code(), "server_error");
    assert!(err.to_string().starts_with("AADSTS7000215:"), "{err}");
    assert!(!env.exists("service_principal_entries.json"));
    assert!(!env.exists("azureProfile.json"));
}
