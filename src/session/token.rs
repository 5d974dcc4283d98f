//! `az account get-access-token`: silent only — the cache, then a refresh token; never a prompt.

use super::Session;
use super::files::{load_token_cache, modify_token_cache};
use super::recorded::RecordedAnswer;
use crate::error::{Error, Result, login_recommendation};
use crate::login::silent::{self, SilentRequest, SilentToken};
use crate::oauth::token::{TokenContext, merge_claims};
use crate::oauth::{Authority, resource_to_scope};
use crate::secret::AccessToken;

/// What token is wanted, for which account.
#[derive(Clone, Debug, Default)]
pub struct AccessTokenRequest {
    /// `--resource`.
    pub resource: Option<String>,
    /// `--scope` (wins over `resource`).
    pub scopes: Option<Vec<String>>,
    /// `--tenant`.
    pub tenant: Option<String>,
    /// `--subscription`.
    pub subscription: Option<String>,
    /// Skip the access-token cache and refresh.
    pub force_refresh: bool,
    /// A claims challenge (JSON) from a resource, e.g. a CAE `insufficient_claims` answer: sent
    /// with the refresh, which it forces.
    pub claims_challenge: Option<String>,
}

/// A token and what az prints with it.
#[derive(Debug)]
pub struct AccessTokenResult {
    /// The token.
    pub access_token: AccessToken,
    /// Expiry, epoch seconds.
    pub expires_on: u64,
    /// The subscription (absent when `--tenant` was given).
    pub subscription: Option<String>,
    /// The tenant the token is for.
    pub tenant: String,
    /// `Bearer`.
    pub token_type: String,
}

impl Session {
    /// Gets a token silently for the default (or named) account.
    pub async fn get_access_token(
        &self,
        request: &AccessTokenRequest,
    ) -> Result<AccessTokenResult> {
        self.get_access_token_warning(request, &|_| {}).await
    }

    /// [`Session::get_access_token`], reporting az's warnings on the way (a service
    /// principal's credential found only under another tenant) to `warn` as they happen.
    pub async fn get_access_token_warning(
        &self,
        request: &AccessTokenRequest,
        warn: &(dyn Fn(&str) + Sync),
    ) -> Result<AccessTokenResult> {
        if request.tenant.is_some() && request.subscription.is_some() {
            return Err(Error::Usage(
                "Please specify only one of subscription and tenant, not both".into(),
            ));
        }
        let account = self.find_account(request.subscription.as_deref())?;
        let tenant = match (&request.tenant, account.tenant_id()) {
            (Some(t), _) => t.clone(),
            (None, Some(t)) => t.to_string(),
            (None, None) => return Err(Error::NoAccount("The account has no tenant.".into())),
        };
        let scopes = match &request.scopes {
            Some(s) if !s.is_empty() => s.clone(),
            _ => vec![resource_to_scope(
                request
                    .resource
                    .as_deref()
                    .unwrap_or(self.endpoints.arm_resource_id.as_str()),
            )],
        };
        if account.user_type() == Some("servicePrincipal") {
            return match account.assigned_identity_info() {
                Some(info) => {
                    self.managed_identity_access_token(&account, info, &scopes, request)
                        .await
                }
                None => {
                    self.service_principal_access_token(&account, &tenant, &scopes, request, warn)
                        .await
                }
            };
        }
        if account.user_type() != Some("user") {
            return Err(Error::Usage(format!(
                "Tokens for the {} account '{}' are not supported by this version of azlogin; use `az account get-access-token` for it.",
                account.user_type().unwrap_or("unknown"),
                account.user_name().unwrap_or_default()
            )));
        }
        let username = account.user_name().unwrap_or_default().to_string();
        let environment = self.endpoints.login_host.clone();
        let cache = load_token_cache(self.dir.path(), &self.secrets)?;
        let accounts = cache.accounts_by_username(&username, &environment);
        let home_account_id = match accounts.as_slice() {
            [one] => one.home_account_id.clone(),
            [] => {
                return Err(Error::NoAccount(format!(
                    "User '{username}' does not exist in MSAL token cache. Run `az login`."
                )));
            }
            many => {
                let ids: Vec<&str> = many.iter().map(|a| a.home_account_id.as_str()).collect();
                return Err(Error::NoAccount(format!(
                    "Found multiple accounts with the same username '{username}': {}",
                    ids.join(", ")
                )));
            }
        };
        let ctx = TokenContext {
            authority: Authority::new(self.endpoints.login.as_str(), Some(&tenant)),
            client_id: self.client_id.clone(),
            claims: merge_claims(request.claims_challenge.as_deref(), self.cp1())?,
        };
        let silent_request = SilentRequest {
            ctx: &ctx,
            home_account_id: &home_account_id,
            scopes: &scopes,
            force_refresh: request.force_refresh || request.claims_challenge.is_some(),
        };
        let now_ms = {
            use crate::runtime::Runtime;
            self.runtime.now_ms()
        };
        let now = now_ms / 1000;
        let token = match silent::acquire(&self.http, &cache, &silent_request, now).await {
            Ok(t) => t,
            // An account az signed in through WAM: its cached token has expired, and only the
            // broker holds a refresh token for it.
            Err(_)
                if crate::wam::held_by_broker(
                    &cache,
                    &home_account_id,
                    &environment,
                    &self.client_id,
                ) =>
            {
                return Err(crate::wam::broker_token_expired(
                    &username, &tenant, &scopes,
                ));
            }
            Err(e) if e.server_error().is_some() => {
                return Err(Error::InteractionRequired {
                    message: e.to_string(),
                    recommendation: login_recommendation(Some(&tenant), &scopes, None),
                    server: e.server_error().cloned().map(Box::new),
                });
            }
            Err(e) => return Err(e),
        };
        let subscription = request.tenant.is_none().then(|| account.id().to_string());
        match token {
            SilentToken::Cached(t) => Ok(AccessTokenResult {
                access_token: t.secret,
                expires_on: az_cached_expires_on(t.expires_on, now_ms),
                subscription,
                tenant,
                token_type: "Bearer".into(),
            }),
            SilentToken::Refreshed { response, rt_key } => {
                let endpoint = ctx.authority.token_endpoint();
                let access_token = response.access_token.clone().ok_or_else(|| {
                    Error::invalid_response(&endpoint, "the answer has no access_token")
                })?;
                let expires_on = now.saturating_add(response.lifetime_secs(now));
                let answer = RecordedAnswer::refresh(*response, &ctx, &scopes, rt_key, now);
                modify_token_cache(self.dir.path(), &self.secrets, |c| answer.apply(c))?;
                Ok(AccessTokenResult {
                    access_token,
                    expires_on,
                    subscription,
                    tenant,
                    token_type: "Bearer".into(),
                })
            }
        }
    }
}
/// The expiry az prints for a cached token. MSAL answers a cache hit with
/// `expires_in = int(expires_on - time.time())` (a fractional clock, truncated) and az adds that
/// to `int(time.time())`, so a cached token shows one second less than its stored `expires_on`
/// unless the clock sits exactly on a whole second.
pub(super) fn az_cached_expires_on(expires_on: u64, now_ms: u64) -> u64 {
    let expires_in_ms = expires_on.saturating_mul(1000).saturating_sub(now_ms);
    now_ms / 1000 + expires_in_ms / 1000
}

#[cfg(test)]
mod tests {
    use super::az_cached_expires_on;

    #[test]
    fn cached_expiry_is_truncated_as_az_prints_it() {
        assert_eq!(az_cached_expires_on(1_000, 500_300), 999);
        assert_eq!(az_cached_expires_on(1_000, 500_000), 1_000);
        assert_eq!(az_cached_expires_on(1_000, 999_999), 999);
    }
}
