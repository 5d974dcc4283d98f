//! Discovery from the tokens a host holds instead of a token cache (the wasm package): a refresh
//! token is redeemed at each tenant; an ARM access token alone serves only the tenant it was
//! issued for, so the other tenants are reported as needing a refresh token, not as failed.

use super::{
    Assembled, TenantOutcome, TenantResult, TenantTokens, assemble, discover, list_tenants,
};
use crate::arm::Tenant;
use crate::error::Result;
use crate::http::HttpClient;
use crate::login::redeem_access_token;
use crate::oauth::Authority;
use crate::oauth::claims::{claim_str, decode_jwt_claims};
use crate::oauth::token::TokenContext;
use crate::secret::{AccessToken, RefreshToken};

/// What a host holds to discover with.
#[derive(Debug)]
#[non_exhaustive]
pub enum HeldTokens {
    /// A refresh token, redeemed at each tenant for that tenant's ARM token. `arm_token`, when
    /// given, lists the tenants; otherwise the refresh token is redeemed once more for it.
    Refresh {
        /// The refresh token.
        refresh_token: RefreshToken,
        /// An ARM token for the tenant list.
        arm_token: Option<AccessToken>,
    },
    /// Only an ARM access token: it lists the tenants, and the subscriptions of the tenant it
    /// was issued for (its `tid` claim).
    ArmOnly(AccessToken),
}

/// Lists the tenants and each tenant's subscriptions with `held`, at most `concurrency`
/// tenants at once. `ctx` names the login endpoint (its tenant is where the tenant list's token
/// is redeemed, `organizations` normally), the client and the claims; `scopes` are ARM's.
/// Returns every tenant and az's assembly of the outcomes.
pub async fn discover_held<C: HttpClient>(
    client: &C,
    ctx: &TokenContext,
    scopes: &[String],
    held: HeldTokens,
    arm_endpoint: &str,
    concurrency: usize,
) -> Result<(Vec<Tenant>, Assembled)> {
    let tokens = PerTenant {
        client,
        ctx,
        scopes,
        held,
    };
    let list_token = match &tokens.held {
        HeldTokens::Refresh {
            arm_token: Some(t), ..
        }
        | HeldTokens::ArmOnly(t) => t.clone(),
        HeldTokens::Refresh {
            refresh_token,
            arm_token: None,
        } => tokens.redeem(refresh_token, ctx.authority.clone()).await?,
    };
    let tenants = list_tenants(client, arm_endpoint, &list_token).await?;
    let asked: Vec<Tenant> = tenants
        .iter()
        .filter(|t| tokens.serves(t))
        .cloned()
        .collect();
    // One `discover` call for both kinds of token keeps one copy of it in the wasm module.
    let mut listed = discover(client, &tokens, arm_endpoint, asked, concurrency, |_| {})
        .await
        .into_iter();
    // `discover` keeps the order it was given, so its outcomes go back in place.
    let outcomes = tenants
        .iter()
        .map(
            |t| match tokens.serves(t).then(|| listed.next()).flatten() {
                Some(outcome) => outcome,
                None => TenantOutcome {
                    tenant: t.clone(),
                    result: TenantResult::NeedsRefreshToken,
                },
            },
        )
        .collect();
    Ok((tenants, assemble(outcomes)))
}

/// ARM tokens per tenant from what the host holds.
struct PerTenant<'a, C> {
    client: &'a C,
    ctx: &'a TokenContext,
    scopes: &'a [String],
    held: HeldTokens,
}

impl<C: HttpClient> PerTenant<'_, C> {
    /// Whether a token for `tenant` can be had: always with a refresh token; with an ARM token
    /// only in the tenant it was issued for (its `tid` claim; a token that is not a JWT or
    /// names no tenant serves none for certain).
    fn serves(&self, tenant: &Tenant) -> bool {
        match &self.held {
            HeldTokens::Refresh { .. } => true,
            HeldTokens::ArmOnly(token) => decode_jwt_claims(token.secret())
                .ok()
                .and_then(|claims| claim_str(&claims, "tid").map(str::to_string))
                .is_some_and(|tid| tenant.tenant_id.eq_ignore_ascii_case(&tid)),
        }
    }

    /// `refresh_token` redeemed at `authority` for ARM.
    async fn redeem(
        &self,
        refresh_token: &RefreshToken,
        authority: Authority,
    ) -> Result<AccessToken> {
        let ctx = TokenContext {
            authority,
            ..self.ctx.clone()
        };
        Ok(redeem_access_token(
            self.client,
            ctx.refresh_request(self.scopes, refresh_token, None),
        )
        .await?
        .access_token)
    }
}

impl<C: HttpClient> TenantTokens for PerTenant<'_, C> {
    async fn token_for_tenant(&self, tenant_id: &str) -> Result<AccessToken> {
        match &self.held {
            HeldTokens::ArmOnly(token) => Ok(token.clone()),
            HeldTokens::Refresh { refresh_token, .. } => {
                let authority = self.ctx.authority.with_tenant(tenant_id);
                self.redeem(refresh_token, authority).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::error::Error;
    use crate::http::{HttpRequest, HttpResponse};
    use crate::oauth::claims::base64url_encode;
    use crate::oauth::{AZURE_CLI_CLIENT_ID, CP1_CLAIMS};

    const T1: &str = "11111111-1111-4111-8111-111111111111";
    const T2: &str = "22222222-2222-4222-8222-222222222222";
    const T3: &str = "33333333-3333-4333-8333-333333333333";

    /// Entra and ARM in memory: a refresh grant at tenant T gives the token `at-T`; ARM lists
    /// three tenants, and with a token for T1 (`at-T1`, or a JWT whose `tid` is T1) one
    /// subscription; every other token sees none.
    #[derive(Default)]
    struct Fake {
        urls: Mutex<Vec<String>>,
    }

    impl HttpClient for Fake {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
            let url = request.url.clone();
            if let Ok(mut urls) = self.urls.lock() {
                urls.push(url.clone());
            }
            let json = |v: serde_json::Value| Ok(HttpResponse::new(200, v.to_string()));
            if let Some(rest) = url.strip_prefix("https://login.example/") {
                let tenant = rest.split('/').next().unwrap_or_default();
                return json(serde_json::json!({
                    "access_token": format!("at-{tenant}"), "token_type": "Bearer", "expires_in": 3600,
                }));
            }
            let bearer = request
                .headers
                .iter()
                .find(|(k, _)| k == "Authorization")
                .map(|(_, v)| v.trim_start_matches("Bearer ").to_string())
                .unwrap_or_default();
            if url.starts_with("https://arm.example/tenants") {
                return json(serde_json::json!({"value": [
                    {"tenantId": T1, "displayName": "Contoso"},
                    {"tenantId": T2, "displayName": "Fabrikam"},
                    {"tenantId": T3},
                ]}));
            }
            let sees_t1 = bearer == format!("at-{T1}") || bearer == jwt_for(T1);
            let value = if sees_t1 {
                serde_json::json!([{"subscriptionId": "s1", "displayName": "Prod", "state": "Enabled", "tenantId": T1}])
            } else {
                serde_json::json!([])
            };
            json(serde_json::json!({ "value": value }))
        }
    }

    fn jwt_for(tid: &str) -> String {
        let claims =
            serde_json::json!({ "tid": tid, "aud": "https://management.core.windows.net/" });
        format!(
            "e30.{}.sig",
            base64url_encode(claims.to_string().as_bytes())
        )
    }

    fn ctx() -> TokenContext {
        TokenContext {
            authority: Authority::new("https://login.example", None),
            client_id: AZURE_CLI_CLIENT_ID.into(),
            claims: Some(CP1_CLAIMS.into()),
        }
    }

    fn ids(tenants: &[Tenant]) -> Vec<&str> {
        tenants.iter().map(|t| t.tenant_id.as_str()).collect()
    }

    #[tokio::test]
    async fn a_refresh_token_is_redeemed_at_each_tenant() -> Result<()> {
        let fake = Fake::default();
        let held = HeldTokens::Refresh {
            refresh_token: RefreshToken::new("rt"),
            arm_token: None,
        };
        let scopes = ["https://management.core.windows.net//.default".to_string()];
        let (tenants, a) =
            discover_held(&fake, &ctx(), &scopes, held, "https://arm.example", 4).await?;
        assert_eq!(ids(&tenants), [T1, T2, T3]);
        assert_eq!(a.found.len(), 1);
        assert_eq!(ids(&a.empty_tenants), [T2, T3]);
        assert!(a.tenants_needing_refresh_token.is_empty());
        let urls = fake
            .urls
            .lock()
            .map_err(|_| Error::Config("poisoned".into()))?;
        let grants: Vec<&str> = urls
            .iter()
            .filter_map(|u| u.strip_prefix("https://login.example/"))
            .collect();
        assert_eq!(grants[0], "organizations/oauth2/v2.0/token");
        assert_eq!(
            grants.len(),
            4,
            "the tenant list's token, then one per tenant"
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_arm_token_alone_lists_its_own_tenant_and_names_the_others() -> Result<()> {
        let fake = Fake::default();
        let held = HeldTokens::ArmOnly(AccessToken::new(jwt_for(&T1.to_uppercase())));
        let (tenants, a) =
            discover_held(&fake, &ctx(), &[], held, "https://arm.example", 4).await?;
        assert_eq!(ids(&tenants), [T1, T2, T3]);
        let found: Vec<&str> = a
            .found
            .iter()
            .map(|f| f.subscription.subscription_id.as_str())
            .collect();
        assert_eq!(found, ["s1"]);
        assert!(a.failed_tenants.is_empty() && a.empty_tenants.is_empty());
        assert_eq!(ids(&a.tenants_needing_refresh_token), [T2, T3]);
        assert_eq!(
            a.warnings,
            [
                "A refresh token is needed to list the subscriptions of the following tenants: an ARM access token lists only those of the tenant it was issued for.",
                &format!("{T2} 'Fabrikam'"),
                T3,
            ]
        );
        let urls = fake
            .urls
            .lock()
            .map_err(|_| Error::Config("poisoned".into()))?;
        assert!(
            urls.iter()
                .all(|u| !u.starts_with("https://login.example/")),
            "no token grant"
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_arm_token_without_a_tenant_serves_none() -> Result<()> {
        let fake = Fake::default();
        let held = HeldTokens::ArmOnly(AccessToken::new("opaque"));
        let (_, a) = discover_held(&fake, &ctx(), &[], held, "https://arm.example", 4).await?;
        assert!(a.found.is_empty());
        assert_eq!(ids(&a.tenants_needing_refresh_token), [T1, T2, T3]);
        Ok(())
    }
}
