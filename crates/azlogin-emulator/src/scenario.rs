//! What the emulator pretends exists: users, tenants, subscriptions, service principals and the
//! knobs that shape its answers (page size, latency, device-code pacing, injected failures).
//!
//! A scenario is plain data read from JSON; [`Scenario::default_scenario`] is the one the
//! reference example of `az login` was recorded against. Unknown keys are rejected, so a typo
//! fails loudly. Only `users` and `tenants` are required:
//!
//! ```json
//! {
//!   "users": [{"username": "user@contoso.example", "password": "Passw0rd!",
//!              "oid": "aaaaaaaa-0000-4000-8000-000000000001",
//!              "home_tenant": "11111111-1111-4111-8111-111111111111",
//!              "display_name": "Test User", "mfa_required": false}],
//!   "tenants": [{"id": "11111111-1111-4111-8111-111111111111", "display_name": "Contoso",
//!                "default_domain": "contoso.example", "domains": ["contoso.example"],
//!                "mfa_required": false,
//!                "fail_token": {"error": "invalid_grant", "code": 50173, "description": "…"},
//!                "subscriptions": [{"id": "c0000001-0000-4000-8000-000000000001",
//!                                   "display_name": "Contoso Production", "state": "Enabled",
//!                                   "home_tenant_id": null, "managed_by_tenants": []}]}],
//!   "members": [{"username": "user@contoso.example", "tenants": ["…"]}],
//!   "page_size": 100,
//!   "latency_ms": 0,
//!   "device_code": {"interval": 1, "expires_in": 900, "pending_polls": 1,
//!                   "auto_approve": "user@contoso.example"},
//!   "authorize": {"auto_approve": null, "error": null},
//!   "service_principals": [{"client_id": "…", "secret": "…", "tenant": "…", "object_id": null,
//!                           "certificates": ["-----BEGIN CERTIFICATE-----\n…"],
//!                           "trusted_subjects": ["CN=app.contoso.example"],
//!                           "federated_credentials": [{"issuer": "https://issuer.example",
//!                               "subject": "repo:org/app:ref:refs/heads/main",
//!                               "audiences": ["api://AzureADTokenExchange"],
//!                               "issuer_key": "-----BEGIN PUBLIC KEY-----\n…"}]}],
//!   "managed_identity": {"identity_header": "…", "msi_secret": "…",
//!                        "service_fabric_secret": "…",
//!                        "arc": {"key_dir": "/tmp/…", "realm_prefix": null, "key_len": 40},
//!                        "identities": [{"tenant": "…", "system_assigned": true,
//!                                        "client_id": "…", "object_id": "…",
//!                                        "resource_id": "/subscriptions/…"}]},
//!   "access_token_lifetime_secs": 4799,
//!   "clients": null,
//!   "faults": [{"endpoint": "token", "times": 1, "serve": {"kind": "status", "status": 503}}]
//! }
//! ```

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Everything the emulator knows. Read it with [`Scenario::from_json`] or [`Scenario::from_file`].
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// People who can sign in.
    pub users: Vec<User>,
    /// Directories, in the order ARM lists them.
    pub tenants: Vec<Tenant>,
    /// Which users see which tenants; absent means every user sees every tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Membership>>,
    /// How many items one ARM list page holds.
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    /// Delay added before every answer, in milliseconds.
    #[serde(default)]
    pub latency_ms: u64,
    /// How the device-code flow paces itself.
    #[serde(default)]
    pub device_code: DeviceCodeSettings,
    /// How the browser sign-in page behaves.
    #[serde(default)]
    pub authorize: AuthorizeSettings,
    /// Confidential clients for the client-credentials grant.
    #[serde(default)]
    pub service_principals: Vec<ServicePrincipal>,
    /// Lifetime of issued access tokens (`expires_in`), in seconds.
    #[serde(default = "default_access_token_lifetime")]
    pub access_token_lifetime_secs: u64,
    /// Public client ids accepted; absent means any client id is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<Vec<String>>,
    /// Broken answers served on purpose, per endpoint (see the `faults` module).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<super::faults::Fault>,
    /// The managed identity endpoints (IMDS, App Service, Machine Learning) and their identities.
    #[serde(default, skip_serializing_if = "ManagedIdentitySettings::is_empty")]
    pub managed_identity: ManagedIdentitySettings,
}

/// A person who can sign in.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// The sign-in name (UPN), e.g. `user@contoso.example`.
    pub username: String,
    /// The password the sign-in page and the password grant accept.
    pub password: String,
    /// The object id.
    pub oid: String,
    /// The id of the tenant the account lives in.
    pub home_tenant: String,
    /// The name shown in tokens; defaults to the part of the username before `@`.
    #[serde(
        default,
        alias = "displayName",
        skip_serializing_if = "Option::is_none"
    )]
    pub display_name: Option<String>,
    /// Whether every non-interactive sign-in of this user needs MFA (AADSTS50076).
    #[serde(default)]
    pub mfa_required: bool,
}

/// A directory.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    /// The tenant id (a GUID).
    pub id: String,
    /// The display name; may be absent, as for some real tenants.
    #[serde(default, alias = "displayName")]
    pub display_name: Option<String>,
    /// The initial domain, e.g. `contoso.example`.
    #[serde(alias = "defaultDomain")]
    pub default_domain: String,
    /// All verified domains; defaults to the default domain alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    /// Whether every non-interactive token request for this tenant needs MFA (AADSTS50076).
    #[serde(default)]
    pub mfa_required: bool,
    /// When set, every token request for this tenant fails with this error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_token: Option<ErrorSpec>,
    /// Subscriptions whose listing tenant is this one.
    #[serde(default)]
    pub subscriptions: Vec<Subscription>,
}

/// An injected Entra error.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The OAuth `error`, e.g. `invalid_grant`.
    pub error: String,
    /// The AADSTS number, e.g. `50076`.
    pub code: u64,
    /// The text after `AADSTSnnnnn: `; trace, correlation id and timestamp are appended.
    pub description: String,
}

/// A subscription.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// The subscription id (a GUID).
    pub id: String,
    /// Its name.
    #[serde(alias = "displayName")]
    pub display_name: String,
    /// `Enabled`, `Disabled`, `Warned`, `PastDue` or `Deleted`.
    #[serde(default = "default_state")]
    pub state: String,
    /// The tenant that owns it (ARM's `tenantId`); defaults to the tenant listing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_tenant_id: Option<String>,
    /// Tenants that manage it (Azure Lighthouse); it is listed from them too.
    #[serde(default)]
    pub managed_by_tenants: Vec<String>,
}

/// Which tenants a user sees.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// The user's sign-in name.
    pub username: String,
    /// Tenant ids the user is a member or guest of; the home tenant is always included.
    pub tenants: Vec<String>,
}

/// Device-code pacing.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeviceCodeSettings {
    /// The `interval` answered, in seconds.
    #[serde(default = "default_interval")]
    pub interval: u64,
    /// The `expires_in` answered, in seconds.
    #[serde(default = "default_device_expiry")]
    pub expires_in: u64,
    /// When set, codes are approved as this user after `pending_polls` pending answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_approve: Option<String>,
    /// How many polls answer `authorization_pending` before an auto-approval.
    #[serde(default = "default_pending_polls")]
    pub pending_polls: u32,
}

/// Browser sign-in behaviour.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeSettings {
    /// When set, `GET /authorize` signs this user in at once, with no page to click.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_approve: Option<String>,
    /// When set, `GET /authorize` answers the redirect URI with this error instead of a code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorSpec>,
}

/// A confidential client for the client-credentials grant.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServicePrincipal {
    /// The application (client) id.
    pub client_id: String,
    /// The client secret; empty means the app has none.
    #[serde(default)]
    pub secret: String,
    /// The tenant the service principal lives in.
    pub tenant: String,
    /// The service principal's object id; derived from the client id when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    /// Registered certificates (PEM; the public part is enough): client assertions signed by
    /// their keys and naming their SHA-1 thumbprint (`x5t`) are accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<String>,
    /// Subjects trusted by subject name and issuer (e.g. `CN=app.contoso.example`): an assertion
    /// carrying its certificate in `x5c` with one of these subjects is accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_subjects: Vec<String>,
    /// Federated identity credentials: tokens from another issuer accepted as assertions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub federated_credentials: Vec<FederatedCredential>,
}

/// A federated identity credential of an app.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FederatedCredential {
    /// The token's required `iss`.
    pub issuer: String,
    /// The token's required `sub`.
    pub subject: String,
    /// One of these must be the token's `aud`.
    #[serde(default = "default_federated_audiences")]
    pub audiences: Vec<String>,
    /// The issuer's RS256 key: a PEM public key or certificate.
    pub issuer_key: String,
}

/// The managed identity endpoints.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ManagedIdentitySettings {
    /// The identities this "machine" has.
    #[serde(default)]
    pub identities: Vec<ManagedIdentity>,
    /// The `X-IDENTITY-HEADER` the App Service endpoint (`GET /msi/token`) requires; without
    /// it that endpoint answers 404.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_header: Option<String>,
    /// The `secret` header the Machine Learning endpoint (`GET /msi/auth`) requires; without it
    /// that endpoint answers 404.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msi_secret: Option<String>,
    /// The `Secret` header the Service Fabric endpoint (`GET /servicefabric/token`) requires;
    /// without it that endpoint answers 404.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_fabric_secret: Option<String>,
    /// The Azure Arc agent's endpoint (`GET /arc/token`); without it that endpoint answers 404.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arc: Option<ArcSettings>,
}

impl ManagedIdentitySettings {
    /// Whether nothing is configured.
    pub fn is_empty(&self) -> bool {
        self.identities.is_empty()
            && self.identity_header.is_none()
            && self.msi_secret.is_none()
            && self.service_fabric_secret.is_none()
            && self.arc.is_none()
    }
}

/// The Azure Arc agent: its challenge names a key file it writes, with a fresh random key,
/// into `key_dir`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ArcSettings {
    /// The directory key files are written to (the client must read the same one).
    pub key_dir: String,
    /// What the challenge's realm puts before the file name instead of `key_dir` and a `/`:
    /// tests name other directories (`../../etc/`) to check that only the base name is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realm_prefix: Option<String>,
    /// The key's length; beyond 4096 the client must refuse the file.
    #[serde(default = "default_arc_key_len")]
    pub key_len: usize,
    /// An agent too old for user-assigned identities: it ignores `client_id`, `object_id` and
    /// `msi_res_id`, answers for the system-assigned identity and echoes no id.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignores_user_assigned: bool,
}

fn default_arc_key_len() -> usize {
    40
}

/// A managed identity.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ManagedIdentity {
    /// Its tenant.
    pub tenant: String,
    /// Whether this is the system-assigned identity (asked for with no id).
    #[serde(default)]
    pub system_assigned: bool,
    /// Its client (application) id.
    pub client_id: String,
    /// Its object (principal) id.
    pub object_id: String,
    /// Its ARM resource id (user-assigned identities).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
}

fn default_federated_audiences() -> Vec<String> {
    vec!["api://AzureADTokenExchange".to_string()]
}

fn default_page_size() -> usize {
    100
}

fn default_access_token_lifetime() -> u64 {
    4799
}

fn default_state() -> String {
    "Enabled".to_string()
}

fn default_interval() -> u64 {
    1
}

fn default_device_expiry() -> u64 {
    900
}

fn default_pending_polls() -> u32 {
    1
}

impl Default for DeviceCodeSettings {
    fn default() -> Self {
        Self {
            interval: default_interval(),
            expires_in: default_device_expiry(),
            auto_approve: None,
            pending_polls: default_pending_polls(),
        }
    }
}

impl Scenario {
    /// Parses a scenario from JSON text and checks that its references resolve.
    pub fn from_json(text: &str) -> Result<Self> {
        let scenario: Scenario = serde_json::from_str(text)
            .map_err(|e| Error::Config(format!("Invalid emulator scenario: {e}")))?;
        scenario.check()?;
        Ok(scenario)
    }

    /// Reads a scenario file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::file(path, e))?;
        Self::from_json(&text)
    }

    /// The scenario of the reference `az login` example: one user, Contoso with two
    /// subscriptions, an empty Fabrikam and a Woodgrove that demands MFA. Device codes are
    /// approved on their own, so a device-code login completes with nobody at a browser.
    pub fn default_scenario() -> Self {
        let sub = |id: &str, name: &str| Subscription {
            id: id.to_string(),
            display_name: name.to_string(),
            state: default_state(),
            home_tenant_id: None,
            managed_by_tenants: Vec::new(),
        };
        let tenant =
            |id: &str, name: &str, domain: &str, mfa: bool, subs: Vec<Subscription>| Tenant {
                id: id.to_string(),
                display_name: Some(name.to_string()),
                default_domain: domain.to_string(),
                domains: Vec::new(),
                mfa_required: mfa,
                fail_token: None,
                subscriptions: subs,
            };
        Scenario {
            users: vec![User {
                username: "user@contoso.example".to_string(),
                password: "Passw0rd!".to_string(),
                oid: "aaaaaaaa-0000-4000-8000-000000000001".to_string(),
                home_tenant: "11111111-1111-4111-8111-111111111111".to_string(),
                display_name: Some("Test User".to_string()),
                mfa_required: false,
            }],
            tenants: vec![
                tenant(
                    "11111111-1111-4111-8111-111111111111",
                    "Contoso",
                    "contoso.example",
                    false,
                    vec![
                        sub("c0000001-0000-4000-8000-000000000001", "Contoso Production"),
                        sub("c0000001-0000-4000-8000-000000000002", "Contoso Dev"),
                    ],
                ),
                tenant(
                    "22222222-2222-4222-8222-222222222222",
                    "Fabrikam Empty",
                    "fabrikam.example",
                    false,
                    Vec::new(),
                ),
                tenant(
                    "33333333-3333-4333-8333-333333333333",
                    "Woodgrove MFA",
                    "woodgrove.example",
                    true,
                    vec![sub(
                        "c0000003-0000-4000-8000-000000000001",
                        "Woodgrove Secure",
                    )],
                ),
            ],
            members: None,
            page_size: default_page_size(),
            latency_ms: 0,
            device_code: DeviceCodeSettings {
                auto_approve: Some("user@contoso.example".to_string()),
                ..DeviceCodeSettings::default()
            },
            authorize: AuthorizeSettings::default(),
            service_principals: Vec::new(),
            access_token_lifetime_secs: default_access_token_lifetime(),
            clients: None,
            faults: Vec::new(),
            managed_identity: ManagedIdentitySettings::default(),
        }
    }

    /// Rejects scenarios whose names point nowhere, so a typo fails at start-up and not in the
    /// middle of a test.
    fn check(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Config(format!("Invalid emulator scenario: {m}")));
        if self.page_size == 0 {
            return bad("page_size must be at least 1".into());
        }
        for u in &self.users {
            if self.tenant(&u.home_tenant).is_none() {
                return bad(format!(
                    "user '{}' has unknown home_tenant '{}'",
                    u.username, u.home_tenant
                ));
            }
        }
        for m in self.members.iter().flatten() {
            if self.user(&m.username).is_none() {
                return bad(format!("members names unknown user '{}'", m.username));
            }
            if let Some(t) = m.tenants.iter().find(|t| self.tenant(t).is_none()) {
                return bad(format!("members names unknown tenant '{t}'"));
            }
        }
        for sp in &self.service_principals {
            if self.tenant(&sp.tenant).is_none() {
                return bad(format!(
                    "service principal '{}' has unknown tenant '{}'",
                    sp.client_id, sp.tenant
                ));
            }
        }
        for mi in &self.managed_identity.identities {
            if self.tenant(&mi.tenant).is_none() {
                return bad(format!(
                    "managed identity '{}' has unknown tenant '{}'",
                    mi.client_id, mi.tenant
                ));
            }
        }
        let auto_users = [&self.device_code.auto_approve, &self.authorize.auto_approve];
        for name in auto_users.into_iter().flatten() {
            if self.user(name).is_none() {
                return bad(format!("auto_approve names unknown user '{name}'"));
            }
        }
        Ok(())
    }

    /// The user with this sign-in name (case-insensitive).
    pub fn user(&self, username: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }

    /// The user with this object id.
    pub fn user_by_oid(&self, oid: &str) -> Option<&User> {
        self.users.iter().find(|u| u.oid.eq_ignore_ascii_case(oid))
    }

    /// The tenant with this id or domain (case-insensitive).
    pub fn tenant(&self, id_or_domain: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| {
            t.id.eq_ignore_ascii_case(id_or_domain)
                || t.default_domain.eq_ignore_ascii_case(id_or_domain)
                || t.domains
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(id_or_domain))
        })
    }

    /// The service principal with this client id.
    pub fn service_principal(&self, client_id: &str) -> Option<&ServicePrincipal> {
        self.service_principals
            .iter()
            .find(|sp| sp.client_id.eq_ignore_ascii_case(client_id))
    }

    /// Whether `user` can sign in to `tenant`.
    pub fn can_see(&self, user: &User, tenant: &Tenant) -> bool {
        if user.home_tenant.eq_ignore_ascii_case(&tenant.id) {
            return true;
        }
        match &self.members {
            None => true,
            Some(members) => members.iter().any(|m| {
                m.username.eq_ignore_ascii_case(&user.username)
                    && m.tenants.iter().any(|t| t.eq_ignore_ascii_case(&tenant.id))
            }),
        }
    }

    /// The tenants `user` sees, in scenario order.
    pub fn tenants_of<'a>(&'a self, user: &'a User) -> impl Iterator<Item = &'a Tenant> + 'a {
        self.tenants.iter().filter(move |t| self.can_see(user, t))
    }

    /// The subscriptions listed from `tenant_id`: its own and those it manages, each with the
    /// tenant that owns it.
    pub fn subscriptions_in(&self, tenant_id: &str) -> Vec<(&Subscription, &str)> {
        let index = self.subscription_index();
        index
            .get(&tenant_id.to_ascii_lowercase())
            .map(|positions| {
                positions
                    .iter()
                    .map(|&(t, s)| self.subscription_at(t, s))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// For each listing tenant (lower-cased id), the positions `(tenant, subscription)` of the
    /// subscriptions it lists, in scenario order. Built once, so paging through a million
    /// subscriptions costs one page per request, not the whole list.
    pub(crate) fn subscription_index(&self) -> HashMap<String, Vec<(usize, usize)>> {
        let mut index: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (ti, t) in self.tenants.iter().enumerate() {
            for (si, s) in t.subscriptions.iter().enumerate() {
                let mut listers = vec![t.id.to_ascii_lowercase()];
                for m in &s.managed_by_tenants {
                    let m = m.to_ascii_lowercase();
                    if !listers.contains(&m) {
                        listers.push(m);
                    }
                }
                for l in listers {
                    index.entry(l).or_default().push((ti, si));
                }
            }
        }
        index
    }

    /// The subscription at a position of [`Scenario::subscription_index`], with its owner.
    pub(crate) fn subscription_at(&self, tenant: usize, sub: usize) -> (&Subscription, &str) {
        let t = &self.tenants[tenant];
        let s = &t.subscriptions[sub];
        (s, s.home_tenant_id.as_deref().unwrap_or(&t.id))
    }
}

impl User {
    /// The display name, else the part of the username before `@`.
    pub fn name(&self) -> &str {
        match &self.display_name {
            Some(n) => n,
            None => self.username.split('@').next().unwrap_or(&self.username),
        }
    }
}

impl Tenant {
    /// The verified domains, the default one first.
    pub fn all_domains(&self) -> Vec<&str> {
        let mut out = vec![self.default_domain.as_str()];
        for d in &self.domains {
            if !d.eq_ignore_ascii_case(&self.default_domain) {
                out.push(d);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_matches_the_shipped_file() {
        let text = include_str!("../../../tests/scenarios/default.json");
        let parsed = Scenario::from_json(text).expect("default.json parses");
        assert_eq!(parsed, Scenario::default_scenario());
    }

    #[test]
    fn apps_scenario_configures_service_principals_and_managed_identities() {
        let text = include_str!("../../../tests/scenarios/apps.json");
        let parsed = Scenario::from_json(text).expect("apps.json parses");
        assert_eq!(parsed.service_principals.len(), 3);
        assert_eq!(parsed.service_principals[1].certificates.len(), 1);
        assert_eq!(
            parsed.service_principals[2].federated_credentials[0].audiences,
            ["api://AzureADTokenExchange"]
        );
        assert_eq!(parsed.managed_identity.identities.len(), 2);
        let bad = text.replacen(
            "\"tenant\": \"11111111-1111-4111-8111-111111111111\",\n        \"system_assigned\"",
            "\"tenant\": \"99999999-9999-4999-8999-999999999999\",\n        \"system_assigned\"",
            1,
        );
        assert_ne!(bad, text);
        let err = Scenario::from_json(&bad).expect_err("unknown tenant");
        assert!(err.to_string().contains("managed identity"), "{err}");
    }

    #[test]
    fn identity_server_json_shape_is_accepted_with_passwords() {
        // The reference example's file uses camelCase tenant keys; aliases accept them.
        let text = r#"{"users":[{"username":"u@c.example","password":"p","oid":"o","home_tenant":"t1"}],
            "tenants":[{"id":"t1","displayName":null,"defaultDomain":"c.example","mfa_required":false,
            "subscriptions":[{"id":"s1","displayName":"S","state":"Enabled"}]}]}"#;
        let s = Scenario::from_json(text).expect("parses");
        assert_eq!(s.tenants[0].display_name, None);
        assert_eq!(s.page_size, 100);
        assert_eq!(s.device_code.interval, 1);
        assert_eq!(s.users[0].name(), "u");
    }

    #[test]
    fn dangling_references_are_rejected() {
        let text = r#"{"users":[{"username":"u","password":"p","oid":"o","home_tenant":"nope"}],"tenants":[]}"#;
        let err = Scenario::from_json(text).expect_err("rejected");
        assert!(
            err.to_string().contains("unknown home_tenant 'nope'"),
            "{err}"
        );
        let typo = r#"{"users":[],"tenants":[],"page_sise":3}"#;
        assert!(Scenario::from_json(typo).is_err());
    }

    #[test]
    fn membership_and_managed_subscriptions() {
        let mut s = Scenario::default_scenario();
        let user = s.users[0].clone();
        assert_eq!(s.tenants_of(&user).count(), 3);
        s.members = Some(vec![Membership {
            username: user.username.clone(),
            tenants: vec!["33333333-3333-4333-8333-333333333333".into()],
        }]);
        let ids: Vec<_> = s.tenants_of(&user).map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "11111111-1111-4111-8111-111111111111",
                "33333333-3333-4333-8333-333333333333"
            ]
        );
        s.tenants[0].subscriptions[0].managed_by_tenants =
            vec!["22222222-2222-4222-8222-222222222222".into()];
        let listed = s.subscriptions_in("22222222-2222-4222-8222-222222222222");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].1, "11111111-1111-4111-8111-111111111111");
        assert!(s.tenant("CONTOSO.example").is_some());
    }
}
