//! `discoverSubscriptions`: the core's discovery from held tokens (list tenants, list each
//! tenant's subscriptions with a token for that tenant, apply the CLI's rules) over the host's
//! fetch, turned into profile entries.

use azlogin::cancel::{CancelHandle, cancellable};
use azlogin::discovery::{DEFAULT_CONCURRENCY, HeldTokens, discover_held};
use azlogin::options::DiscoverOptions;
use azlogin::profile::{EntryOwner, UserType, tenant_loop_entries};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::{to_js, to_value, usage};
use crate::options::{data, field};
use crate::transport::{AbortWatch, JsTransport};

/// Lists tenants and subscriptions: `{ subscriptions, tenants, warnings, … }` with the CLI's
/// rules (duplicates once, empty and failed tenants reported as warnings). With only `armToken`,
/// the subscriptions of the tenant it was issued for. `signal` aborts (`cancelled`); `fetch`
/// replaces the host's.
#[wasm_bindgen(js_name = discoverSubscriptions, unchecked_return_type = "Promise<Discovery>")]
pub fn discover_subscriptions(
    #[wasm_bindgen(unchecked_param_type = "DiscoverOptions")] options: JsValue,
) -> Promise {
    future_to_promise(async move {
        let o = DiscoverOptions::from_json(&data(&options)).map_err(to_js)?;
        let transport = JsTransport::new(field(&options, "fetch")?)?;
        let signal = field(&options, "signal")?;
        let held = match (o.refresh_token, o.arm_token) {
            (Some(refresh_token), arm_token) => HeldTokens::Refresh {
                refresh_token,
                arm_token,
            },
            (None, Some(arm_token)) => HeldTokens::ArmOnly(arm_token),
            (None, None) => {
                return Err(usage(
                    "discoverSubscriptions needs armToken or refreshToken",
                ));
            }
        };
        let cloud = o.target.cloud();
        let (ctx, scopes) = o.target.token_context().map_err(to_js)?;
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
