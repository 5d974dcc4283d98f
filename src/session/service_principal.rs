//! `az login --service-principal`, and the app-only tokens `get-access-token` gives a service
//! principal: client credentials from the stored secret, certificate or federated token.

use super::files::{load_service_principals, modify_service_principals, modify_token_cache};
use super::login::LoginEvents;
use super::recorded::RecordedAnswer;
use super::token::{AccessTokenRequest, AccessTokenResult, az_cached_expires_on};
use super::{Session, SessionClient};
use crate::error::{Error, Result};
use crate::login::service_principal;
use crate::login_plan::{DiscoveryPlan, LoginOutcome, LoginPlan, Principal};
use crate::oauth::Authority;
use crate::oauth::client_assertion::CertificateCredential;
use crate::oauth::token::{AccessTokenResponse, ClientCredential, merge_claims};
use crate::profile::Subscription;
use crate::runtime::Runtime;
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

impl<C: SessionClient, R: Runtime> Session<C, R> {
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
        let arm_token = if login_scopes == arm_scopes {
            response.access_token
        } else {
            self.client_credentials(&authority, client_id, &credential, &arm_scopes, None)
                .await?
                .access_token
        };
        let sends_x5c = matches!(
            credential,
            StoredCredential::Certificate { send_x5c: true, .. }
        );
        let plan = LoginPlan::new(
            Principal::ServicePrincipal {
                client_id: client_id.to_string(),
                cert_sn_issuer: sends_x5c || request.cert_sn_issuer_auth,
            },
            DiscoveryPlan::new(
                Some(authority.realm()),
                request.subscription.as_deref(),
                request.skip_subscription_discovery,
            ),
            self.plan_options(
                request.allow_no_subscriptions,
                request.subscription.clone(),
                request.skip_subscription_discovery,
                crate::discovery::DEFAULT_CONCURRENCY,
            ),
            Some(arm_token),
        );
        self.drive_plan(plan, None, telemetry, events).await
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
    ) -> Result<AccessTokenResponse> {
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
        let AccessTokenResponse {
            access_token,
            response,
        } = response;
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
        Ok(AccessTokenResponse {
            access_token,
            response: recorded.response,
        })
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
        let now_ms = { self.runtime.now_ms() };
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
        Ok(AccessTokenResult {
            access_token: response.access_token,
            expires_on: now.saturating_add(response.response.lifetime_secs(now)),
            subscription,
            tenant: tenant.to_string(),
            token_type: "Bearer".into(),
        })
    }
}
