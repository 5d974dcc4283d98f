//! `az login --service-principal`, and the app-only tokens `get-access-token` gives a service
//! principal: client credentials from the stored secret, certificate or federated token.

use std::sync::Arc;

use serde_json::Value;

use super::Session;
use super::files::{load_service_principals, modify_service_principals, modify_token_cache};
use super::login::{LoginEvents, LoginOutcome};
use super::recorded::RecordedAnswer;
use super::token::{AccessTokenRequest, AccessTokenResult, az_cached_expires_on};
use crate::arm::{ArmSubscription, Tenant};
use crate::discovery;
use crate::error::{Error, Result};
use crate::login::service_principal;
use crate::oauth::Authority;
use crate::oauth::client_assertion::CertificateCredential;
use crate::oauth::token::{ClientCredential, TokenResponse, merge_claims};
use crate::profile::{EntryOwner, Subscription, SubscriptionSource, UserType};
use crate::secret::AccessToken;
use crate::token_cache::AccessTokenQuery;
use crate::token_cache::service_principals::{
    CredentialLookup, ServicePrincipalEntry, StoredCredential,
};

/// How a service principal proves who it is at login: `-p SECRET`, `--certificate PEM`
/// (`-p PEM_PATH` when the path names a PEM file), or `--federated-token JWT`.
pub type ServicePrincipalCredential = StoredCredential;

/// Everything `az login --service-principal` takes.
#[derive(Debug)]
pub struct ServicePrincipalLogin {
    /// `-u`: the application (client) id.
    pub client_id: String,
    /// The credential.
    pub credential: ServicePrincipalCredential,
    /// `--tenant`: a GUID or a domain (without it the authority is `organizations`).
    pub tenant: Option<String>,
    /// `--scope`: the login's own token request.
    pub scopes: Option<Vec<String>>,
    /// `--allow-no-subscriptions`.
    pub allow_no_subscriptions: bool,
    /// `--subscription`.
    pub subscription: Option<String>,
    /// `--skip-subscription-discovery`.
    pub skip_subscription_discovery: bool,
    /// `--use-cert-sn-issuer` given with another credential than a certificate: az records it
    /// in the profile's `user` (`useCertSNIssuerAuth`) all the same. A certificate carries it as
    /// `send_x5c`.
    pub cert_sn_issuer_auth: bool,
}

impl ServicePrincipalLogin {
    /// A login with az's defaults for everything but the credential.
    pub fn new(client_id: impl Into<String>, credential: ServicePrincipalCredential) -> Self {
        Self {
            client_id: client_id.into(),
            credential,
            tenant: None,
            scopes: None,
            allow_no_subscriptions: false,
            subscription: None,
            skip_subscription_discovery: false,
            cert_sn_issuer_auth: false,
        }
    }
}

/// The profile entry fields az adds under `user` beyond `name` and `type`.
pub(super) fn with_user_fields(entry: Subscription, fields: &[(&str, Value)]) -> Subscription {
    if fields.is_empty() {
        return entry;
    }
    let mut json = entry.to_json();
    if let Some(user) = json.get_mut("user").and_then(Value::as_object_mut) {
        for (k, v) in fields {
            user.insert((*k).to_string(), v.clone());
        }
    }
    Subscription::from_json(json.clone()).unwrap_or(entry)
}

impl Session {
    /// Logs a service principal in: one client-credentials token (then its credential is
    /// saved), the tenant's subscriptions, the profile.
    pub async fn login_service_principal(
        &self,
        request: ServicePrincipalLogin,
        events: &dyn LoginEvents,
    ) -> Result<LoginOutcome> {
        let (tenant, telemetry) = self.prepare_login(request.tenant.as_deref()).await?;
        let credential = self.expand_certificate_path(request.credential.clone());
        let authority = Authority::new(self.endpoints.login.as_str(), tenant.as_deref());
        let arm_scopes = vec![self.endpoints.default_scope.clone()];
        let login_scopes = request.scopes.clone().unwrap_or_else(|| arm_scopes.clone());
        let client_id = request.client_id.as_str();
        let response = self
            .client_credentials(&authority, client_id, &credential, &login_scopes, None)
            .await?;
        // az saves the credential only once it has worked.
        let entry = ServicePrincipalEntry {
            client_id: client_id.to_string(),
            tenant: authority.realm().to_string(),
            credential: credential.clone(),
        };
        modify_service_principals(self.dir.path(), &self.secrets, |list| list.save(&entry))?;
        events.authenticated();
        let arm_token = match response.access_token.clone() {
            Some(t) if login_scopes == arm_scopes => t,
            _ => self
                .client_credentials(&authority, client_id, &credential, &arm_scopes, None)
                .await?
                .access_token
                .ok_or_else(|| {
                    Error::invalid_response(authority.token_endpoint(), "no access_token")
                })?,
        };
        let mut user_fields = Vec::new();
        let sends_x5c = matches!(
            credential,
            StoredCredential::Certificate { send_x5c: true, .. }
        );
        if sends_x5c || request.cert_sn_issuer_auth {
            user_fields.push(("useCertSNIssuerAuth", Value::Bool(true)));
        }
        let entries = self
            .app_entries(
                &arm_token,
                authority.realm(),
                client_id,
                AppEntryOptions {
                    allow_no_subscriptions: request.allow_no_subscriptions,
                    subscription: request.subscription.as_deref(),
                    skip_subscription_discovery: request.skip_subscription_discovery,
                    user_fields: &user_fields,
                },
                events,
            )
            .await?;
        if entries.is_empty() {
            return Err(Error::NoSubscriptions(client_id.to_string()));
        }
        self.save_login_entries(
            entries,
            client_id.to_string(),
            request.subscription.as_deref(),
            request.skip_subscription_discovery,
            telemetry,
            events,
        )
    }

    /// az expands `~` in a certificate path (and stores the expanded path).
    fn expand_certificate_path(&self, credential: StoredCredential) -> StoredCredential {
        match credential {
            StoredCredential::Certificate { path, send_x5c } => {
                let path = match (path.strip_prefix("~/"), self.env("HOME")) {
                    (Some(rest), Some(home)) => format!("{}/{rest}", home.trim_end_matches('/')),
                    _ if path == "~" => self.env("HOME").unwrap_or(path),
                    _ => path,
                };
                StoredCredential::Certificate { path, send_x5c }
            }
            other => other,
        }
    }

    /// One client-credentials request (a fresh assertion for a certificate), its answer
    /// recorded in the token cache as MSAL records app-only tokens.
    async fn client_credentials(
        &self,
        authority: &Authority,
        client_id: &str,
        credential: &StoredCredential,
        scopes: &[String],
        claims_challenge: Option<&str>,
    ) -> Result<TokenResponse> {
        let now = self.runtime_now();
        let wire = match credential {
            StoredCredential::Secret(s) => ClientCredential::Secret(s.clone()),
            StoredCredential::Assertion(a) => ClientCredential::Assertion(a.clone()),
            StoredCredential::Certificate { path, send_x5c } => {
                let pem = std::fs::read(path).map_err(|e| {
                    Error::Usage(format!(
                        "Cannot read the certificate file '{path}' ({e}). Pass the path of a PEM file holding the private key and the certificate."
                    ))
                })?;
                let cert = CertificateCredential::from_pem(&pem, path)?;
                let jti = uuid::Uuid::new_v4().to_string();
                ClientCredential::Assertion(cert.assertion(
                    client_id,
                    &authority.token_endpoint(),
                    now,
                    &jti,
                    *send_x5c,
                )?)
            }
        };
        let claims = merge_claims(claims_challenge, self.cp1())?;
        let response = service_principal::acquire(
            &self.http,
            authority,
            client_id,
            &wire,
            scopes,
            claims.as_deref(),
        )
        .await?;
        let recorded = RecordedAnswer {
            response,
            client_id: client_id.to_string(),
            authority: authority.clone(),
            requested_scopes: scopes.to_vec(),
            grant_type: "client_credentials",
            username_hint: None,
            refreshed_rt_key: None,
            now,
        };
        modify_token_cache(self.dir.path(), &self.secrets, |c| recorded.apply(c))?;
        Ok(recorded.response)
    }

    /// The entries an app (service principal or managed identity) gets in its one tenant:
    /// the tenant's subscriptions, one subscription, or a tenant-level account.
    pub(super) async fn app_entries(
        &self,
        arm_token: &AccessToken,
        tenant: &str,
        user: &str,
        options: AppEntryOptions<'_>,
        events: &dyn LoginEvents,
    ) -> Result<Vec<Subscription>> {
        let cloud = self.cloud.name.as_str();
        let arm = self.endpoints.arm.as_str();
        let owner = EntryOwner::new(user, UserType::ServicePrincipal, cloud);
        let shared_tenant = Arc::new(Tenant::with_id(tenant));
        let entry = |s: ArmSubscription| {
            Subscription::discovered(
                s,
                &shared_tenant,
                SubscriptionSource::SpecificTenant,
                &owner,
            )
        };
        let tenant_level = || vec![Subscription::tenant_level(tenant, &owner)];
        let entries = match (options.skip_subscription_discovery, options.subscription) {
            (true, None) => tenant_level(),
            (true, Some(id)) => {
                match discovery::get_subscription(&self.http, arm, id, arm_token).await {
                    Ok(s) => vec![entry(s)],
                    Err(e) => {
                        events.warning(&format!("Failed to retrieve subscription {id}: {e}"));
                        if !options.allow_no_subscriptions {
                            return Err(Error::NotFound(format!(
                                "The subscription '{id}' could not be retrieved for '{user}'. Ensure the subscription exists and that you have access to it."
                            )));
                        }
                        tenant_level()
                    }
                }
            }
            (false, _) => {
                let found: Vec<Subscription> =
                    discovery::list_subscriptions(&self.http, arm, arm_token)
                        .await?
                        .into_iter()
                        .map(entry)
                        .collect();
                if found.is_empty() && options.allow_no_subscriptions {
                    tenant_level()
                } else {
                    found
                }
            }
        };
        Ok(entries
            .into_iter()
            .map(|e| with_user_fields(e, options.user_fields))
            .collect())
    }

    /// `get-access-token` for a service principal: the cached app-only token, else a new one
    /// by client credentials from the stored secret, certificate or federated token.
    pub(super) async fn service_principal_access_token(
        &self,
        account: &Subscription,
        tenant: &str,
        scopes: &[String],
        request: &AccessTokenRequest,
        warn: &(dyn Fn(&str) + Sync),
    ) -> Result<AccessTokenResult> {
        let client_id = account.user_name().unwrap_or_default().to_string();
        let entry = match load_service_principals(self.dir.path(), &self.secrets)?
            .lookup(&client_id, tenant)
        {
            CredentialLookup::Exact(e) => e,
            CredentialLookup::OtherTenant(e) => {
                warn(&format!(
                    "Could not retrieve credential from local cache for service principal {client_id} under tenant {tenant}. Trying credential under tenant {}, assuming that is an app credential.",
                    e.tenant
                ));
                e
            }
            CredentialLookup::Missing => {
                return Err(Error::NoAccount(format!(
                    "Could not retrieve credential from local cache for service principal {client_id}. Run `az login` for this service principal."
                )));
            }
        };
        let authority = Authority::new(self.endpoints.login.as_str(), Some(tenant));
        let subscription = request.tenant.is_none().then(|| account.id().to_string());
        let now_ms = {
            use crate::runtime::Runtime;
            self.runtime.now_ms()
        };
        let now = now_ms / 1000;
        // A claims challenge skips the cache, as in MSAL.
        if !request.force_refresh && request.claims_challenge.is_none() {
            let environment = authority.environment();
            let cache = super::files::load_token_cache(self.dir.path(), &self.secrets)?;
            let query = AccessTokenQuery {
                client_id: &client_id,
                environment: &environment,
                realm: authority.realm(),
                home_account_id: None,
                scopes,
            };
            if let Some(t) = cache.find_access_token(&query, now) {
                return Ok(AccessTokenResult {
                    access_token: t.secret,
                    expires_on: az_cached_expires_on(t.expires_on, now_ms),
                    subscription,
                    tenant: tenant.to_string(),
                    token_type: "Bearer".into(),
                });
            }
        }
        let response = self
            .client_credentials(
                &authority,
                &client_id,
                &entry.credential,
                scopes,
                request.claims_challenge.as_deref(),
            )
            .await?;
        let access_token = response.access_token.clone().ok_or_else(|| {
            Error::invalid_response(authority.token_endpoint(), "the answer has no access_token")
        })?;
        Ok(AccessTokenResult {
            access_token,
            expires_on: now.saturating_add(response.lifetime_secs(now)),
            subscription,
            tenant: tenant.to_string(),
            token_type: "Bearer".into(),
        })
    }
}

/// What shapes an app's entries.
#[derive(Clone, Copy, Debug)]
pub(super) struct AppEntryOptions<'a> {
    pub allow_no_subscriptions: bool,
    pub subscription: Option<&'a str>,
    pub skip_subscription_discovery: bool,
    /// Extra `user` fields (`useCertSNIssuerAuth`, `assignedIdentityInfo`).
    pub user_fields: &'a [(&'a str, Value)],
}
