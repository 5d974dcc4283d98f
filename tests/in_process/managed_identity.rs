//! A managed identity over IMDS: one token, its tenant's subscriptions, az's `user`, nothing in
//! the token cache.

use azlogin::emulator::{ManagedIdentity, ManagedIdentitySettings, Scenario};
use azlogin::oauth::managed_identity::ManagedIdentityId;
use azlogin::session::{AnyLogin, ManagedIdentityLogin, NO_MANAGED_IDENTITY_SUBSCRIPTIONS};

use crate::harness::*;

const SYSTEM_CLIENT: &str = "51500000-0000-4000-8000-0000000000c1";
const EMPTY_CLIENT: &str = "e0000000-0000-4000-8000-0000000000c3";

fn scenario() -> Scenario {
    let mut s = Scenario::default_scenario();
    s.managed_identity = ManagedIdentitySettings {
        identities: vec![
            ManagedIdentity {
                tenant: CONTOSO.into(),
                system_assigned: true,
                client_id: SYSTEM_CLIENT.into(),
                object_id: "51500000-0000-4000-8000-0000000000b1".into(),
                resource_id: None,
            },
            ManagedIdentity {
                tenant: FABRIKAM.into(),
                system_assigned: false,
                client_id: EMPTY_CLIENT.into(),
                object_id: "e0000000-0000-4000-8000-0000000000b3".into(),
                resource_id: None,
            },
        ],
        ..ManagedIdentitySettings::default()
    };
    s
}

fn env() -> InProcess {
    InProcess::with_env(scenario(), &[("AZURE_POD_IDENTITY_AUTHORITY_HOST", BASE)])
}

#[tokio::test]
async fn system_assigned_identity_gets_its_tenant_s_subscriptions() {
    let env = env();
    let (outcome, events) = env
        .login_any(AnyLogin::ManagedIdentity(ManagedIdentityLogin {
            id: ManagedIdentityId::SystemAssigned,
            allow_no_subscriptions: false,
        }))
        .await;
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [CONTOSO_PRODUCTION, CONTOSO_DEV]);
    assert_eq!(outcome.username, "systemAssignedIdentity");
    assert_eq!(events.authenticated(), 1);
    let profile = env.profile_entries();
    assert_eq!(
        profile[0]["user"],
        serde_json::json!({"name": "systemAssignedIdentity", "type": "servicePrincipal", "assignedIdentityInfo": "MSI"})
    );
    assert_eq!(profile[0]["tenantId"], CONTOSO);
    assert!(
        !env.exists("msal_token_cache.json"),
        "managed identity tokens stay in memory"
    );
    assert!(
        env.requests()
            .iter()
            .any(|p| p == "/metadata/identity/oauth2/token")
    );
}

#[tokio::test]
async fn an_identity_without_subscriptions_gets_az_s_message_or_a_tenant_account() {
    let env = env();
    let login = |allow| {
        AnyLogin::ManagedIdentity(ManagedIdentityLogin {
            id: ManagedIdentityId::ClientId(EMPTY_CLIENT.into()),
            allow_no_subscriptions: allow,
        })
    };
    let (outcome, _) = env.login_any(login(false)).await;
    let err = failed(outcome);
    assert_eq!(err.to_string(), NO_MANAGED_IDENTITY_SUBSCRIPTIONS);
    assert!(!env.exists("azureProfile.json"));
    let (outcome, _) = env.login_any(login(true)).await;
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [FABRIKAM]);
    assert_eq!(
        outcome.subscriptions[0].name(),
        Some("N/A(tenant level account)")
    );
    assert_eq!(
        env.profile_entries()[0]["user"]["assignedIdentityInfo"],
        format!("MSIClient-{EMPTY_CLIENT}")
    );
}
