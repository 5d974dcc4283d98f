//! `discoverSubscriptions`: the core's discovery from held tokens (list tenants, list each
//! tenant's subscriptions with a token for that tenant, apply the CLI's rules) over the host's
//! fetch, turned into profile entries.

use azlogin::cancel::{CancelHandle, cancellable};
use azlogin::discovery::{DEFAULT_CONCURRENCY, HeldTokens, discover_held};
use azlogin::oauth::token::TokenContext;
use azlogin::oauth::{AZURE_CLI_CLIENT_ID, Authority, CP1_CLAIMS};
use azlogin::profile::{EntryOwner, UserType, tenant_loop_entries};
use azlogin::secret::{AccessToken, RefreshToken};
use js_sys::{Promise, Reflect};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::cloud::{self, CloudArg};
use crate::error::{from_value, to_js, to_value, usage};
use crate::transport::{AbortWatch, JsTransport};

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
    cloud: Option<CloudArg>,
    concurrency: Option<usize>,
    allow_no_subscriptions: bool,
}

/// Lists tenants and subscriptions: `{ subscriptions, tenants, warnings, … }` with the CLI's
/// rules (duplicates once, empty and failed tenants reported as warnings). With only `armToken`,
/// the subscriptions of the tenant it was issued for. `signal` aborts (`cancelled`); `fetch`
/// replaces the host's.
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
        let arm_token = o.arm_token.map(AccessToken::new);
        let held = match (o.refresh_token, arm_token) {
            (Some(rt), arm_token) => HeldTokens::Refresh {
                refresh_token: RefreshToken::new(rt),
                arm_token,
            },
            (None, Some(arm_token)) => HeldTokens::ArmOnly(arm_token),
            (None, None) => {
                return Err(usage(
                    "discoverSubscriptions needs armToken or refreshToken",
                ));
            }
        };
        let cloud = cloud::resolve(o.cloud, None)?;
        let ctx = TokenContext {
            authority: Authority::new(cloud.login_endpoint().map_err(to_js)?, None),
            client_id: o.client_id.unwrap_or_else(|| AZURE_CLI_CLIENT_ID.into()),
            claims: Some(CP1_CLAIMS.into()),
        };
        let scopes = [cloud.default_scope().map_err(to_js)?];
        let arm = cloud.arm_endpoint().map_err(to_js)?;
        let (handle, registration) = CancelHandle::new();
        let _watch = AbortWatch::new(signal, handle)?;
        let work = discover_held(
            &transport,
            &ctx,
            &scopes,
            held,
            arm,
            o.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
        );
        let (tenants, mut assembled) = cancellable(registration, work).await.map_err(to_js)?;
        let username = o.username.unwrap_or_default();
        let entries = tenant_loop_entries(
            std::mem::take(&mut assembled.found),
            &assembled.empty_tenants,
            &EntryOwner::new(&username, UserType::User, &cloud.name),
            o.allow_no_subscriptions,
        );
        let tenant_json = |t: &azlogin::arm::Tenant| {
            serde_json::json!({
                "tenantId": t.tenant_id,
                "displayName": t.display_name,
                "defaultDomain": t.default_domain,
            })
        };
        let tenant_list =
            |list: &[azlogin::arm::Tenant]| list.iter().map(tenant_json).collect::<Vec<_>>();
        to_value(&serde_json::json!({
            "subscriptions": entries.iter().map(|s| s.to_json()).collect::<Vec<_>>(),
            "tenants": tenant_list(&tenants),
            "emptyTenants": tenant_list(&assembled.empty_tenants),
            "failedTenants": tenant_list(&assembled.failed_tenants),
            "mfaTenants": tenant_list(&assembled.mfa_tenants),
            "tenantsNeedingRefreshToken": tenant_list(&assembled.tenants_needing_refresh_token),
            "warnings": assembled.warnings,
        }))
    })
}
