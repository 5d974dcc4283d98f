//! `az login --identity` and managed identity tokens for `get-access-token`: tokens come from
//! the endpoint the environment names, are kept in memory only (never in the token cache, as
//! az keeps them), and the tenant is the token's `tid`.

use super::login::LoginEvents;
use super::token::{AccessTokenRequest, AccessTokenResult};
use super::{Session, SessionClient};
use crate::error::{Error, Result};
use crate::login::managed_identity;
use crate::login_plan::{DiscoveryPlan, LoginOutcome, LoginPlan, Principal};
use crate::oauth::claims::{claim_str, decode_jwt_claims};
use crate::oauth::managed_identity::{
    ManagedIdentityId, ManagedIdentitySource, ManagedIdentityToken, arc,
};
use crate::oauth::scope_to_resource;
use crate::profile::Subscription;
use crate::runtime::Runtime;
use crate::store::read_arc_key;

/// Everything `az login --identity` takes.
#[derive(Clone, Debug)]
pub struct ManagedIdentityLogin {
    /// Which identity (`--client-id`, `--object-id`, `--resource-id`, else system-assigned).
    pub id: ManagedIdentityId,
    /// `--allow-no-subscriptions`.
    pub allow_no_subscriptions: bool,
}

impl<C: SessionClient, R: Runtime> Session<C, R> {
    /// Logs a managed identity in: one token for ARM, its tenant's subscriptions, the profile.
    pub async fn login_managed_identity(
        &self,
        request: ManagedIdentityLogin,
        events: &dyn LoginEvents,
    ) -> Result<LoginOutcome> {
        let (_, telemetry) = self.prepare_login(None).await?;
        let resource = scope_to_resource(&self.endpoints.default_scope).to_string();
        let token = self.managed_identity_token(&request.id, &resource).await?;
        events.authenticated();
        let claims = decode_jwt_claims(token.access_token.secret()).map_err(|e| {
            Error::invalid_response(
                "managed identity endpoint",
                format!("the token is unreadable: {e}"),
            )
        })?;
        let tenant = claim_str(&claims, "tid")
            .ok_or_else(|| {
                Error::invalid_response("managed identity endpoint", "the token has no tid claim")
            })?
            .to_string();
        let plan = LoginPlan::new(
            Principal::ManagedIdentity {
                name: request.id.user_name().to_string(),
                assigned_identity_info: request.id.assigned_identity_info(),
            },
            DiscoveryPlan::new(Some(&tenant), None, false),
            self.plan_options(
                request.allow_no_subscriptions,
                None,
                false,
                crate::discovery::DEFAULT_CONCURRENCY,
            ),
            Some(token.access_token),
        );
        self.drive_plan(plan, None, telemetry, events).await
    }

    /// `get-access-token` for a managed identity entry: only its own tenant.
    pub(super) async fn managed_identity_access_token(
        &self,
        account: &Subscription,
        identity_info: &str,
        scopes: &[String],
        request: &AccessTokenRequest,
    ) -> Result<AccessTokenResult> {
        let current = account.tenant_id().unwrap_or_default().to_string();
        if request
            .tenant
            .as_ref()
            .is_some_and(|t| !t.eq_ignore_ascii_case(&current))
        {
            return Err(Error::Usage(format!(
                "For managed identity account, getting access token for non-current tenants is not supported. The specified tenant must be the current tenant {current}"
            )));
        }
        let id = ManagedIdentityId::from_assigned_identity_info(identity_info).ok_or_else(|| {
            Error::NoAccount(format!(
                "The account's assignedIdentityInfo '{identity_info}' is not one azlogin knows. Run `azlogin login --identity` again."
            ))
        })?;
        // az's `scopes_to_resource`: the first scope, without `/.default` or `/user_impersonation`.
        let first = scopes.first().map(String::as_str).unwrap_or_default();
        let resource = ["/.default", "/user_impersonation"]
            .iter()
            .find_map(|suffix| first.strip_suffix(suffix))
            .unwrap_or(first)
            .to_string();
        let token = self.managed_identity_token(&id, &resource).await?;
        Ok(AccessTokenResult {
            access_token: token.access_token,
            expires_on: token.expires_on,
            subscription: request.tenant.is_none().then(|| account.id().to_string()),
            tenant: current,
            token_type: token.token_type,
        })
    }

    /// One token from this machine's managed identity endpoint, over a client allowed to reach
    /// only that endpoint.
    async fn managed_identity_token(
        &self,
        id: &ManagedIdentityId,
        resource: &str,
    ) -> Result<ManagedIdentityToken> {
        let arc_agent_installed = arc::agent_program(|k| self.env(k)).is_some_and(|p| p.exists());
        let mut source = ManagedIdentitySource::detect(|k| self.env(k), arc_agent_installed);
        if let Some(dir) = self.env(arc::KEY_DIR_ENV).filter(|d| !d.is_empty()) {
            source = source.with_arc_key_dir(dir.into());
        }
        let endpoint = source.endpoint();
        let url = url::Url::parse(&endpoint).map_err(|e| {
            Error::Config(format!(
                "The managed identity endpoint '{endpoint}' is not a URL ({e}); check {} or IDENTITY_ENDPOINT/MSI_ENDPOINT.",
                crate::oauth::managed_identity::IMDS_HOST_ENV
            ))
        })?;
        let pinned_certificate_sha1 = source.pinned_certificate()?;
        let http = self
            .http
            .for_managed_identity(&url, pinned_certificate_sha1, &self.env)?;
        managed_identity::acquire(
            &http,
            &source,
            id,
            resource,
            self.runtime_now(),
            read_arc_key,
        )
        .await
    }
}
