//! `discoverSubscriptions`: the core's tenant loop (list tenants, list each tenant's
//! subscriptions with a token for that tenant, apply the CLI's rules) over the host's fetch.

use azlogin::Error;
use azlogin::cancel::{CancelHandle, cancellable};
use azlogin::discovery::{self, DEFAULT_CONCURRENCY, TenantTokens};
use azlogin::login::redeem;
use azlogin::oauth::token::TokenContext;
use azlogin::oauth::{AZURE_CLI_CLIENT_ID, Authority, CP1_CLAIMS};
use azlogin::profile::{EntryOwner, UserType, tenant_loop_entries};
use azlogin::secret::{AccessToken, RefreshToken};
use js_sys::{Promise, Reflect};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::{from_value, to_js, to_value, usage};
use crate::transport::{AbortWatch, JsTransport};

/// The public cloud's endpoints and name.
const PUBLIC: (&str, &str, &str) = (
    "AzureCloud",
    "https://login.microsoftonline.com",
    "https://management.azure.com",
);
/// The scope for ARM tokens.
const ARM_SCOPE: &str = "https://management.core.windows.net//.default";

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Cloud {
    name: Option<String>,
    login_endpoint: Option<String>,
    arm_endpoint: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Options {
    /// An ARM token for the tenant list (obtained with `refreshToken` when absent).
    arm_token: Option<String>,
    /// A refresh token, redeemed once per tenant for that tenant's ARM token.
    refresh_token: Option<String>,
    client_id: Option<String>,
    /// The user named in each entry.
    username: Option<String>,
    cloud: Cloud,
    concurrency: Option<usize>,
    allow_no_subscriptions: bool,
}

/// A token per tenant: the refresh token redeemed at that tenant.
struct RefreshTokens<'a> {
    transport: &'a JsTransport,
    ctx: TokenContext,
    refresh_token: Option<RefreshToken>,
    scopes: Vec<String>,
}

impl RefreshTokens<'_> {
    async fn token(&self, authority: Authority) -> azlogin::Result<AccessToken> {
        let rt = self.refresh_token.as_ref().ok_or_else(|| {
            Error::NoAccount("a refresh token is needed for a token in each tenant".into())
        })?;
        let ctx = TokenContext {
            authority,
            ..self.ctx.clone()
        };
        let endpoint = ctx.authority.token_endpoint();
        redeem(self.transport, ctx.refresh_request(&self.scopes, rt, None))
            .await?
            .access_token
            .ok_or_else(|| Error::invalid_response(endpoint, "no access_token"))
    }
}

impl TenantTokens for RefreshTokens<'_> {
    async fn token_for_tenant(&self, tenant_id: &str) -> azlogin::Result<AccessToken> {
        self.token(self.ctx.authority.with_tenant(tenant_id)).await
    }
}

/// Lists tenants and subscriptions: `{ subscriptions, tenants, warnings }` with the CLI's rules
/// (duplicates once, empty and failed tenants reported as warnings). `signal` aborts
/// (`cancelled`); `fetch` replaces the host's.
#[wasm_bindgen(js_name = discoverSubscriptions, unchecked_return_type = "Promise<Discovery>")]
pub fn discover_subscriptions(
    #[wasm_bindgen(unchecked_param_type = "DiscoverOptions")] options: JsValue,
) -> Promise {
    future_to_promise(async move {
        let get = |k: &str| {
            if options.is_object() {
                Reflect::get(&options, &JsValue::from_str(k))
            } else {
                Ok(JsValue::UNDEFINED)
            }
        };
        let transport = JsTransport::new(get("fetch")?)?;
        let signal = get("signal")?;
        let data = crate::flow::without(&options, &["fetch", "signal"])?;
        let o: Options = from_value(data, "options")?;
        if o.arm_token.is_none() && o.refresh_token.is_none() {
            return Err(usage(
                "discoverSubscriptions needs armToken or refreshToken",
            ));
        }
        let cloud_name = o.cloud.name.unwrap_or_else(|| PUBLIC.0.into());
        let login = o.cloud.login_endpoint.unwrap_or_else(|| PUBLIC.1.into());
        let arm = o.cloud.arm_endpoint.unwrap_or_else(|| PUBLIC.2.into());
        let arm = arm.trim_end_matches('/').to_string();
        let tokens = RefreshTokens {
            transport: &transport,
            ctx: TokenContext {
                authority: Authority::new(&login, None),
                client_id: o.client_id.unwrap_or_else(|| AZURE_CLI_CLIENT_ID.into()),
                claims: Some(CP1_CLAIMS.into()),
            },
            refresh_token: o.refresh_token.map(RefreshToken::new),
            scopes: vec![ARM_SCOPE.into()],
        };
        let (handle, registration) = CancelHandle::new();
        let _watch = AbortWatch::new(signal, handle)?;
        let work = async {
            let arm_token = match o.arm_token {
                Some(t) => AccessToken::new(t),
                None => tokens.token(tokens.ctx.authority.clone()).await?,
            };
            let tenants = discovery::list_tenants(&transport, &arm, &arm_token).await?;
            let outcomes = discovery::discover(
                &transport,
                &tokens,
                &arm,
                tenants.clone(),
                o.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
                |_| {},
            )
            .await;
            Ok((tenants, discovery::assemble(outcomes)))
        };
        let (tenants, mut assembled) = cancellable(registration, work).await.map_err(to_js)?;
        let username = o.username.unwrap_or_default();
        let entries = tenant_loop_entries(
            std::mem::take(&mut assembled.found),
            &assembled.empty_tenants,
            &EntryOwner::new(&username, UserType::User, &cloud_name),
            o.allow_no_subscriptions,
        );
        let tenant_json = |t: &azlogin::arm::Tenant| {
            serde_json::json!({
                "tenantId": t.tenant_id,
                "displayName": t.display_name,
                "defaultDomain": t.default_domain,
            })
        };
        to_value(&serde_json::json!({
            "subscriptions": entries.iter().map(|s| s.to_json()).collect::<Vec<_>>(),
            "tenants": tenants.iter().map(tenant_json).collect::<Vec<_>>(),
            "emptyTenants": assembled.empty_tenants.iter().map(tenant_json).collect::<Vec<_>>(),
            "failedTenants": assembled.failed_tenants.iter().map(tenant_json).collect::<Vec<_>>(),
            "mfaTenants": assembled.mfa_tenants.iter().map(tenant_json).collect::<Vec<_>>(),
            "warnings": assembled.warnings,
        }))
    })
}
