//! Tenant and subscription discovery: concurrent across tenants with a bound, results and
//! warnings in exactly the order az's sequential loop gives them.
//!
//! The driver ([`discover`]) only fetches; [`assemble`] is the pure part that applies az's rules
//! (duplicates kept once, empty and failed tenants reported after the loop).

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::StreamExt;

mod held;

pub use held::{HeldTokens, discover_held};

use crate::arm::{self, ArmSubscription, Tenant};
use crate::error::{Error, Result, ServerError};
use crate::http::{HttpClient, HttpRequest, HttpResponse};
use crate::secret::AccessToken;

/// The default number of tenants worked on at once: enough for every tenant of most accounts
/// to start together, so discovery takes about one tenant's time.
pub const DEFAULT_CONCURRENCY: usize = 32;

/// Gives an ARM access token for a tenant (a refresh-token grant at that tenant, normally).
#[allow(async_fn_in_trait)]
pub trait TenantTokens {
    /// A token for ARM in `tenant_id`.
    async fn token_for_tenant(&self, tenant_id: &str) -> Result<AccessToken>;
}

/// What happened in one tenant.
#[derive(Debug)]
#[non_exhaustive]
pub enum TenantResult {
    /// The tenant's subscriptions, all pages.
    Listed(Vec<ArmSubscription>),
    /// No token for this tenant (MFA, disabled account, consent…).
    AuthenticationFailed(Error),
    /// A token, but listing failed (ARM or network error). az aborts the login here; azlogin
    /// reports the tenant and goes on.
    ListingFailed(Error),
    /// Not read: the host holds only an ARM access token, which serves only the tenant it was
    /// issued for ([`HeldTokens::ArmOnly`]).
    NeedsRefreshToken,
}

/// One tenant and its result.
#[derive(Debug)]
pub struct TenantOutcome {
    /// The tenant.
    pub tenant: Tenant,
    /// What happened.
    pub result: TenantResult,
}

/// How far discovery is, as a terminal shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiscoveryProgress {
    /// Tenants finished (listed or failed).
    pub tenants_done: usize,
    /// Tenants to read.
    pub tenants_total: usize,
    /// Subscriptions listed so far (a subscription seen from two tenants counts twice).
    pub subscriptions_found: usize,
}

/// Reads every page of a list. The next page is asked for as soon as its link is known, while
/// the page before is still being parsed; `on_page` gets each page's item count.
pub async fn list_all<C: HttpClient, T>(
    client: &C,
    first: HttpRequest,
    token: &AccessToken,
    parse: impl Fn(&HttpResponse, &str) -> Result<arm::Page<T>>,
    mut on_page: impl FnMut(usize),
) -> Result<Vec<T>> {
    let mut items = Vec::new();
    let mut url = first.url.clone();
    let mut response = client.send(first).await?;
    // A server that links back to a page it already sent would page forever.
    let mut seen = HashSet::new();
    loop {
        let next = match quick_next_link(&response) {
            Some(next) => next,
            // Not a page: the full parse says what is wrong with it.
            None => parse(&response, &url)?.next_link,
        };
        let Some(next) = next else {
            let page = parse(&response, &url)?;
            on_page(page.items.len());
            items.extend(page.items);
            return Ok(items);
        };
        if !seen.insert(next.clone()) || next == url {
            return Err(Error::invalid_response(
                crate::http::endpoint_of(&url),
                "the nextLink points back to a page already read",
            ));
        }
        let request = arm::next_page_request(&next, token);
        let (next_response, page) =
            futures::join!(client.send(request), async { parse(&response, &url) });
        let page = page?;
        on_page(page.items.len());
        items.extend(page.items);
        response = next_response?;
        url = next;
    }
}

/// A page's `nextLink` (`Some(None)` on the last page) without building the page, or `None` when
/// the answer is not a successful JSON object.
fn quick_next_link(response: &HttpResponse) -> Option<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Link {
        #[serde(rename = "nextLink", default)]
        next_link: Option<serde_json::Value>,
    }
    if !(200..300).contains(&response.status) {
        return None;
    }
    let link: Link = serde_json::from_slice(&response.body).ok()?;
    Some(
        link.next_link
            .and_then(|v| v.as_str().map(str::to_string))
            .filter(|s| !s.is_empty()),
    )
}

/// Lists the tenants the `organizations` token can see.
pub async fn list_tenants<C: HttpClient>(
    client: &C,
    arm_endpoint: &str,
    token: &AccessToken,
) -> Result<Vec<Tenant>> {
    list_all(
        client,
        arm::tenants_request(arm_endpoint, token),
        token,
        arm::parse_tenants_page,
        |_| {},
    )
    .await
}

/// Lists the subscriptions a tenant's token can see.
pub async fn list_subscriptions<C: HttpClient>(
    client: &C,
    arm_endpoint: &str,
    token: &AccessToken,
) -> Result<Vec<ArmSubscription>> {
    list_subscriptions_counted(client, arm_endpoint, token, |_| {}).await
}

async fn list_subscriptions_counted<C: HttpClient>(
    client: &C,
    arm_endpoint: &str,
    token: &AccessToken,
    on_page: impl FnMut(usize),
) -> Result<Vec<ArmSubscription>> {
    list_all(
        client,
        arm::subscriptions_request(arm_endpoint, token),
        token,
        arm::parse_subscriptions_page,
        on_page,
    )
    .await
}

/// Fetches one subscription by id (`--skip-subscription-discovery --subscription <id>`).
pub async fn get_subscription<C: HttpClient>(
    client: &C,
    arm_endpoint: &str,
    subscription_id: &str,
    token: &AccessToken,
) -> Result<ArmSubscription> {
    let request = arm::subscription_request(arm_endpoint, subscription_id, token);
    let url = request.url.clone();
    let response = client.send(request).await?;
    arm::parse_subscription_response(&response, &url)
}

/// Fetches every tenant's subscriptions, at most `concurrency` tenants at once, calling
/// `on_progress` after each page and each finished tenant. Outcomes come back in tenant order.
pub async fn discover<C: HttpClient, T: TenantTokens>(
    client: &C,
    tokens: &T,
    arm_endpoint: &str,
    tenants: Vec<Tenant>,
    concurrency: usize,
    on_progress: impl Fn(DiscoveryProgress),
) -> Vec<TenantOutcome> {
    let tenants_total = tenants.len();
    // Atomics (not Cells) keep the future Send for hosts that spawn it on a thread pool.
    let done = AtomicUsize::new(0);
    let found = AtomicUsize::new(0);
    let report = |tenants_done: usize, subscriptions_found: usize| {
        on_progress(DiscoveryProgress {
            tenants_done,
            tenants_total,
            subscriptions_found,
        });
    };
    let (done, found, report) = (&done, &found, &report);
    // Unordered, so a slow tenant holds one slot and not the whole window: with more tenants
    // than `concurrency`, the next tenant starts as soon as any running one finishes. The
    // position each tenant had puts the outcomes back in tenant order (az's output order).
    let mut outcomes: Vec<(usize, TenantOutcome)> =
        futures::stream::iter(tenants.into_iter().enumerate())
            .map(|(position, tenant)| async move {
                let result = match tokens.token_for_tenant(&tenant.tenant_id).await {
                    Err(e) => TenantResult::AuthenticationFailed(e),
                    Ok(token) => {
                        let on_page = |n: usize| {
                            let total = found.fetch_add(n, Ordering::Relaxed) + n;
                            report(done.load(Ordering::Relaxed), total);
                        };
                        match list_subscriptions_counted(client, arm_endpoint, &token, on_page)
                            .await
                        {
                            Ok(subs) => TenantResult::Listed(subs),
                            Err(e) => TenantResult::ListingFailed(e),
                        }
                    }
                };
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                report(n, found.load(Ordering::Relaxed));
                (position, TenantOutcome { tenant, result })
            })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
    outcomes.sort_unstable_by_key(|(position, _)| *position);
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}

/// A subscription and the tenant whose token found it (shared by all of that tenant's).
#[derive(Clone, Debug)]
pub struct Found {
    /// The subscription.
    pub subscription: ArmSubscription,
    /// The tenant whose token listed it.
    pub tenant: Arc<Tenant>,
}

/// The login's view of discovery, after az's rules.
#[derive(Debug, Default)]
pub struct Assembled {
    /// Subscriptions in discovery order, duplicates dropped (first tenant wins).
    pub found: Vec<Found>,
    /// Tenants whose listing succeeded, in tenant order.
    pub listed_tenants: Vec<Tenant>,
    /// Tenants whose listing succeeded and was empty.
    pub empty_tenants: Vec<Tenant>,
    /// Tenants that failed.
    pub failed_tenants: Vec<Tenant>,
    /// The failed tenants that need multi-factor authentication: a `--tenant` login fixes them.
    pub mfa_tenants: Vec<Tenant>,
    /// Tenants not read for want of a refresh token ([`TenantResult::NeedsRefreshToken`]).
    pub tenants_needing_refresh_token: Vec<Tenant>,
    /// az's warnings, in az's order (per-tenant ones first, then the two closing blocks), then
    /// azlogin's own blocks.
    pub warnings: Vec<String>,
}

/// Applies az's rules to the outcomes, in tenant order.
pub fn assemble(outcomes: Vec<TenantOutcome>) -> Assembled {
    let mut out = Assembled::default();
    // Each id once, with the tenant that listed it first (shared, not copied per subscription).
    let mut seen: std::collections::HashMap<String, Arc<Tenant>> = std::collections::HashMap::new();
    for TenantOutcome { tenant, result } in outcomes {
        match result {
            TenantResult::AuthenticationFailed(e) => {
                out.warnings.push(format!(
                    "Authentication failed against tenant {}: {}",
                    tenant.id_and_name(),
                    e
                ));
                if e.server_error().is_some_and(ServerError::is_mfa) {
                    out.mfa_tenants.push(tenant.clone());
                }
                out.failed_tenants.push(tenant);
            }
            TenantResult::ListingFailed(e) => {
                out.warnings.push(format!(
                    "Failed to list subscriptions of tenant {}: {}",
                    tenant.id_and_name(),
                    e
                ));
                out.failed_tenants.push(tenant);
            }
            TenantResult::NeedsRefreshToken => out.tenants_needing_refresh_token.push(tenant),
            TenantResult::Listed(subs) => {
                out.listed_tenants.push(tenant.clone());
                if subs.is_empty() {
                    out.empty_tenants.push(tenant.clone());
                }
                let tenant = Arc::new(tenant);
                out.found.reserve(subs.len());
                for s in subs {
                    if let Some(first) = seen.get(s.subscription_id.as_str()) {
                        out.warnings.push(format!(
                            "Subscription {} '{}' can be accessed from tenants {}(default) and {}. To select a specific tenant when accessing this subscription, use 'az login --tenant TENANT_ID'.",
                            s.subscription_id,
                            s.display_name.as_deref().unwrap_or("None"),
                            first.tenant_id,
                            tenant.tenant_id
                        ));
                        continue;
                    }
                    seen.insert(s.subscription_id.clone(), Arc::clone(&tenant));
                    out.found.push(Found {
                        subscription: s,
                        tenant: Arc::clone(&tenant),
                    });
                }
            }
        }
    }
    if !out.empty_tenants.is_empty() {
        out.warnings.push(
            "The following tenants don't contain accessible subscriptions. Use `az login --allow-no-subscriptions` to have tenant level access."
                .into(),
        );
        out.warnings
            .extend(out.empty_tenants.iter().map(Tenant::id_and_name));
    }
    if !out.failed_tenants.is_empty() {
        out.warnings.push(
            "If you need to access subscriptions in the following tenants, please use `az login --tenant TENANT_ID`."
                .into(),
        );
        out.warnings
            .extend(out.failed_tenants.iter().map(Tenant::id_and_name));
    }
    // azlogin: az's block above says `TENANT_ID`; a tenant that needs MFA gets the exact command.
    out.warnings
        .extend(out.mfa_tenants.iter().map(mfa_guidance));
    // Not az's: only a host without a refresh token gets here (the wasm package).
    if !out.tenants_needing_refresh_token.is_empty() {
        out.warnings.push(
            "A refresh token is needed to list the subscriptions of the following tenants: an ARM access token lists only those of the tenant it was issued for."
                .into(),
        );
        out.warnings.extend(
            out.tenants_needing_refresh_token
                .iter()
                .map(Tenant::id_and_name),
        );
    }
    out
}

/// The command that signs in to a tenant whose policy needs multi-factor authentication.
fn mfa_guidance(tenant: &Tenant) -> String {
    format!(
        "Tenant {} requires multi-factor authentication. To use its subscriptions, run: azlogin login --tenant {}",
        tenant.id_and_name(),
        tenant.tenant_id
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::error::ServerError;
    use crate::http::{HttpClient, HttpRequest, HttpResponse};

    fn tenant(id: &str, name: Option<&str>) -> Tenant {
        Tenant {
            tenant_id: id.into(),
            display_name: name.map(str::to_string),
            default_domain: None,
        }
    }

    fn sub(id: &str, name: &str) -> ArmSubscription {
        ArmSubscription {
            subscription_id: id.into(),
            display_name: Some(name.into()),
            state: Some("Enabled".into()),
            tenant_id: None,
            managed_by_tenants: None,
        }
    }

    #[test]
    fn assembles_like_az_with_the_example_tenants() {
        let mfa = Error::from_server(ServerError {
            error: "invalid_grant".into(),
            error_description: "AADSTS50076: MFA needed.".into(),
            error_codes: vec![50076],
            ..ServerError::default()
        });
        let a = assemble(vec![
            TenantOutcome {
                tenant: tenant("t1", Some("Contoso")),
                result: TenantResult::Listed(vec![sub("s1", "P"), sub("s2", "D")]),
            },
            TenantOutcome {
                tenant: tenant("t2", Some("Fabrikam Empty")),
                result: TenantResult::Listed(vec![]),
            },
            TenantOutcome {
                tenant: tenant("t3", Some("Woodgrove MFA")),
                result: TenantResult::AuthenticationFailed(mfa),
            },
            TenantOutcome {
                tenant: tenant("t4", None),
                result: TenantResult::Listed(vec![sub("s1", "P"), sub("s9", "N")]),
            },
        ]);
        let ids: Vec<&str> = a
            .found
            .iter()
            .map(|f| f.subscription.subscription_id.as_str())
            .collect();
        assert_eq!(ids, ["s1", "s2", "s9"]);
        assert_eq!(a.found[2].tenant.tenant_id, "t4");
        assert_eq!(
            a.warnings,
            [
                "Authentication failed against tenant t3 'Woodgrove MFA': AADSTS50076: MFA needed.",
                "Subscription s1 'P' can be accessed from tenants t1(default) and t4. To select a specific tenant when accessing this subscription, use 'az login --tenant TENANT_ID'.",
                "The following tenants don't contain accessible subscriptions. Use `az login --allow-no-subscriptions` to have tenant level access.",
                "t2 'Fabrikam Empty'",
                "If you need to access subscriptions in the following tenants, please use `az login --tenant TENANT_ID`.",
                "t3 'Woodgrove MFA'",
                "Tenant t3 'Woodgrove MFA' requires multi-factor authentication. To use its subscriptions, run: azlogin login --tenant t3",
            ]
        );
        assert_eq!(a.mfa_tenants, [tenant("t3", Some("Woodgrove MFA"))]);
    }

    #[test]
    fn only_mfa_failures_get_the_tenant_command() {
        let disabled = Error::from_server(ServerError {
            error: "invalid_grant".into(),
            error_description: "AADSTS50057: The user account is disabled.".into(),
            error_codes: vec![50057],
            ..ServerError::default()
        });
        let a = assemble(vec![TenantOutcome {
            tenant: tenant("t1", None),
            result: TenantResult::AuthenticationFailed(disabled),
        }]);
        assert!(a.mfa_tenants.is_empty());
        assert!(!a.warnings.iter().any(|w| w.contains("azlogin login")));
    }

    const ARM: &str = "https://arm.example/";

    fn arm_sub(id: &str, tenant: &str) -> serde_json::Value {
        serde_json::json!({
            "id": format!("/subscriptions/{id}"),
            "subscriptionId": id,
            "displayName": id,
            "state": "Enabled",
            "tenantId": tenant,
        })
    }

    /// ARM in memory. The token `tok-<tenant>` lists `<tenant>-s1`; "t2" has a second page
    /// with `t2-s2`; the token of "t4" gets an HTTP 500.
    #[derive(Default)]
    struct FakeArm {
        urls: Mutex<Vec<String>>,
    }

    impl HttpClient for FakeArm {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
            let tenant = request
                .headers
                .iter()
                .find(|(k, _)| k == "Authorization")
                .and_then(|(_, v)| v.strip_prefix("Bearer tok-"))
                .unwrap_or_default()
                .to_string();
            self.urls
                .lock()
                .map_err(|_| Error::Config("poisoned".into()))?
                .push(request.url.clone());
            let (status, body) = if tenant == "t4" {
                (
                    500,
                    serde_json::json!({"error": {"code": "InternalServerError", "message": "boom"}}),
                )
            } else if request.url.ends_with("&page=2") {
                (
                    200,
                    serde_json::json!({"value": [arm_sub(&format!("{tenant}-s2"), &tenant)]}),
                )
            } else if tenant == "t2" {
                (
                    200,
                    serde_json::json!({
                        "value": [arm_sub("t2-s1", "t2")],
                        "nextLink": "https://arm.example/subscriptions?api-version=2022-12-01&page=2",
                    }),
                )
            } else {
                (
                    200,
                    serde_json::json!({"value": [arm_sub(&format!("{tenant}-s1"), &tenant)]}),
                )
            };
            Ok(HttpResponse {
                status,
                headers: vec![],
                body: body.to_string().into_bytes(),
            })
        }
    }

    /// Tokens that are handed out in reverse tenant order: tenant `i` waits until tenant
    /// `i + 1` has had its token, so the last tenant's work finishes first.
    struct ReverseTokens {
        order: Vec<String>,
        turn: tokio::sync::watch::Sender<usize>,
        finished: Mutex<Vec<String>>,
        fail: &'static str,
    }

    impl ReverseTokens {
        fn new(order: &[&str], fail: &'static str) -> Self {
            Self {
                order: order.iter().map(|t| t.to_string()).collect(),
                turn: tokio::sync::watch::Sender::new(order.len().saturating_sub(1)),
                finished: Mutex::new(Vec::new()),
                fail,
            }
        }
    }

    impl TenantTokens for ReverseTokens {
        async fn token_for_tenant(&self, tenant_id: &str) -> Result<AccessToken> {
            let i = self
                .order
                .iter()
                .position(|t| t == tenant_id)
                .ok_or_else(|| Error::Config(format!("unknown tenant {tenant_id}")))?;
            let mut turn = self.turn.subscribe();
            turn.wait_for(|t| *t == i)
                .await
                .map_err(|_| Error::Config("closed".into()))?;
            self.finished
                .lock()
                .map_err(|_| Error::Config("poisoned".into()))?
                .push(tenant_id.to_string());
            self.turn.send_replace(i.wrapping_sub(1));
            if tenant_id == self.fail {
                return Err(Error::from_server(ServerError {
                    error: "invalid_grant".into(),
                    error_description: "AADSTS50076: MFA needed.".into(),
                    error_codes: vec![50076],
                    ..ServerError::default()
                }));
            }
            Ok(AccessToken::new(format!("tok-{tenant_id}")))
        }
    }

    fn listed_ids(result: &TenantResult) -> Option<Vec<&str>> {
        match result {
            TenantResult::Listed(subs) => {
                Some(subs.iter().map(|s| s.subscription_id.as_str()).collect())
            }
            _ => None,
        }
    }

    #[tokio::test]
    async fn discover_returns_outcomes_in_tenant_order_when_they_finish_in_reverse() {
        let order = ["t1", "t2", "t3", "t4", "t5", "t6"];
        let tenants: Vec<Tenant> = order
            .iter()
            .map(|t| tenant(t, Some(&t.to_uppercase())))
            .collect();
        let arm = FakeArm::default();
        let tokens = ReverseTokens::new(&order, "t3");
        let progress = Mutex::new(Vec::new());
        let outcomes = discover(&arm, &tokens, ARM, tenants.clone(), order.len(), |p| {
            if let Ok(mut all) = progress.lock() {
                all.push(p);
            }
        })
        .await;

        // The work really finished last tenant first...
        let finished = tokens
            .finished
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default();
        assert_eq!(finished, ["t6", "t5", "t4", "t3", "t2", "t1"]);
        // ...and the outcomes still come back in tenant order, each with its own result.
        let got: Vec<&Tenant> = outcomes.iter().map(|o| &o.tenant).collect();
        assert_eq!(got, tenants.iter().collect::<Vec<_>>());
        assert_eq!(listed_ids(&outcomes[0].result), Some(vec!["t1-s1"]));
        assert_eq!(
            listed_ids(&outcomes[1].result),
            Some(vec!["t2-s1", "t2-s2"]),
            "both pages of t2, in order"
        );
        assert!(
            matches!(&outcomes[2].result, TenantResult::AuthenticationFailed(e) if e.to_string() == "AADSTS50076: MFA needed."),
            "{:?}",
            outcomes[2].result
        );
        assert!(
            matches!(&outcomes[3].result, TenantResult::ListingFailed(e) if e.to_string() == "(InternalServerError) boom"),
            "{:?}",
            outcomes[3].result
        );
        assert_eq!(listed_ids(&outcomes[4].result), Some(vec!["t5-s1"]));
        assert_eq!(listed_ids(&outcomes[5].result), Some(vec!["t6-s1"]));
        // Progress after every page and every tenant: tenants done go 1 to 6 as they finish,
        // the subscription count grows page by page (t2's two pages separately).
        let p = progress.lock().map(|p| p.clone()).unwrap_or_default();
        let mut tenants_done: Vec<usize> = p.iter().map(|p| p.tenants_done).collect();
        tenants_done.dedup();
        assert_eq!(tenants_done, [0, 1, 2, 3, 4, 5, 6], "{p:?}");
        let found: Vec<usize> = p.iter().map(|p| p.subscriptions_found).collect();
        assert!(found.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
        assert_eq!(
            p.last(),
            Some(&DiscoveryProgress {
                tenants_done: 6,
                tenants_total: 6,
                subscriptions_found: 5
            })
        );
        assert_eq!(p.len(), 6 + 5, "one report per tenant and per page: {p:?}");
        // t3 never reached ARM; every other tenant did, t2 twice.
        let urls = arm.urls.lock().map(|u| u.len()).unwrap_or_default();
        assert_eq!(urls, 6);

        // So az's warnings come out in az's order too.
        let warnings = assemble(outcomes).warnings;
        assert_eq!(
            warnings[..2],
            [
                "Authentication failed against tenant t3 'T3': AADSTS50076: MFA needed.",
                "Failed to list subscriptions of tenant t4 'T4': (InternalServerError) boom",
            ]
        );
    }

    /// Counts tokens being worked on at once; each one yields a few times so the others can run.
    #[derive(Default)]
    struct CountingTokens {
        now: Mutex<(usize, usize)>,
    }

    impl TenantTokens for CountingTokens {
        async fn token_for_tenant(&self, tenant_id: &str) -> Result<AccessToken> {
            let bump = |delta: isize| -> Result<()> {
                let mut g = self
                    .now
                    .lock()
                    .map_err(|_| Error::Config("poisoned".into()))?;
                g.0 = g.0.saturating_add_signed(delta);
                g.1 = g.1.max(g.0);
                Ok(())
            };
            bump(1)?;
            for _ in 0..5 {
                tokio::task::yield_now().await;
            }
            bump(-1)?;
            Ok(AccessToken::new(format!("tok-{tenant_id}")))
        }
    }

    #[tokio::test]
    async fn discover_keeps_to_the_concurrency_bound() {
        let tenants: Vec<Tenant> = ["t1", "t2", "t3", "t5", "t6", "t7"]
            .iter()
            .map(|t| tenant(t, None))
            .collect();
        for (bound, expected_peak) in [(1, 1), (2, 2), (0, 1), (64, 6)] {
            let tokens = CountingTokens::default();
            let outcomes = discover(
                &FakeArm::default(),
                &tokens,
                ARM,
                tenants.clone(),
                bound,
                |_| {},
            )
            .await;
            assert_eq!(outcomes.len(), 6);
            let peak = tokens.now.lock().map(|g| g.1).unwrap_or_default();
            assert_eq!(peak, expected_peak, "concurrency {bound}");
        }
    }

    /// The first tenant's token comes only once the last tenant's has been asked for.
    #[derive(Default)]
    struct SlowFirstTenant {
        last_asked: tokio::sync::Notify,
    }

    impl TenantTokens for SlowFirstTenant {
        async fn token_for_tenant(&self, tenant_id: &str) -> Result<AccessToken> {
            match tenant_id {
                "t1" => self.last_asked.notified().await,
                "t4" => self.last_asked.notify_one(),
                _ => {}
            }
            Ok(AccessToken::new(format!("tok-{tenant_id}")))
        }
    }

    #[tokio::test]
    async fn a_slow_tenant_does_not_hold_back_the_tenants_after_it() {
        // Four tenants, two at a time: t1 waits for t4, so t4 must start while t1 still runs.
        // A window that frees a slot only in tenant order never asks for t4 (the bound below
        // ends that wait as a failure instead of a hang).
        let tenants: Vec<Tenant> = ["t1", "t2", "t3", "t4"]
            .iter()
            .map(|t| tenant(t, None))
            .collect();
        let tokens = SlowFirstTenant::default();
        let arm = FakeArm::default();
        let discovery = discover(&arm, &tokens, ARM, tenants.clone(), 2, |_| {});
        let outcomes = tokio::time::timeout(std::time::Duration::from_secs(10), discovery)
            .await
            .expect("t4 started while t1 was still waiting");
        let got: Vec<&Tenant> = outcomes.iter().map(|o| &o.tenant).collect();
        assert_eq!(got, tenants.iter().collect::<Vec<_>>(), "tenant order");
    }

    /// Three linked pages; records each request sent and each page parsed, in order.
    #[derive(Default)]
    struct ThreePages {
        events: Mutex<Vec<String>>,
    }

    impl ThreePages {
        fn record(&self, event: String) {
            if let Ok(mut e) = self.events.lock() {
                e.push(event);
            }
        }
    }

    impl HttpClient for ThreePages {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
            let page: usize = request
                .url
                .rsplit("page=")
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(1);
            self.record(format!("send {page}"));
            let mut body = serde_json::json!({"value": [arm_sub(&format!("s{page}"), "t1")]});
            if page < 3 {
                body["nextLink"] = format!("{ARM}subscriptions?page={}", page + 1).into();
            }
            Ok(HttpResponse::new(200, body.to_string()))
        }
    }

    #[tokio::test]
    async fn the_next_page_is_requested_before_the_page_before_is_parsed() -> Result<()> {
        let client = ThreePages::default();
        let token = AccessToken::new("tok");
        let mut counts = Vec::new();
        let subs = list_all(
            &client,
            HttpRequest::get(format!("{ARM}subscriptions?page=1")),
            &token,
            |response, url| {
                client.record(format!(
                    "parse {}",
                    url.rsplit("page=").next().unwrap_or("")
                ));
                arm::parse_subscriptions_page(response, url)
            },
            |n| counts.push(n),
        )
        .await?;
        let ids: Vec<&str> = subs.iter().map(|s| s.subscription_id.as_str()).collect();
        assert_eq!(ids, ["s1", "s2", "s3"]);
        assert_eq!(counts, [1, 1, 1]);
        let events = client.events.lock().map(|e| e.clone()).unwrap_or_default();
        assert_eq!(
            events,
            [
                "send 1", "send 2", "parse 1", "send 3", "parse 2", "parse 3"
            ]
        );
        Ok(())
    }
}
