//! Tenant and subscription discovery: concurrent across tenants with a bound, results and
//! warnings in exactly the order az's sequential loop gives them.
//!
//! The driver ([`discover`]) only fetches; [`assemble`] is the pure part that applies az's rules
//! (duplicates kept once, empty and failed tenants reported after the loop).

use futures::StreamExt;

use crate::arm::{self, ArmSubscription, Tenant};
use crate::error::{Error, Result, ServerError};
use crate::http::HttpClient;
use crate::secret::AccessToken;

/// The default number of tenants worked on at once.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Gives an ARM access token for a tenant (a refresh-token grant at that tenant, normally).
#[allow(async_fn_in_trait)]
pub trait TenantTokens {
    /// A token for ARM in `tenant_id`.
    async fn token_for_tenant(&self, tenant_id: &str) -> Result<AccessToken>;
}

/// What happened in one tenant.
#[derive(Debug)]
pub enum TenantResult {
    /// The tenant's subscriptions, all pages.
    Listed(Vec<ArmSubscription>),
    /// No token for this tenant (MFA, disabled account, consent…).
    AuthenticationFailed(Error),
    /// A token, but listing failed (ARM or network error). az aborts the login here; azlogin
    /// reports the tenant and goes on.
    ListingFailed(Error),
}

/// One tenant and its result.
#[derive(Debug)]
pub struct TenantOutcome {
    /// The tenant.
    pub tenant: Tenant,
    /// What happened.
    pub result: TenantResult,
}

/// Reads every page of a list.
pub async fn list_all<C: HttpClient, T>(
    client: &C,
    first: crate::http::HttpRequest,
    token: &AccessToken,
    parse: impl Fn(&crate::http::HttpResponse, &str) -> Result<arm::Page<T>>,
) -> Result<Vec<T>> {
    let mut items = Vec::new();
    let mut request = first;
    // A server that links back to a page it already sent would page forever.
    let mut seen = std::collections::HashSet::new();
    loop {
        let url = request.url.clone();
        let response = client.send(request).await?;
        let page = parse(&response, &url)?;
        items.extend(page.items);
        match page.next_link {
            Some(next) if !seen.insert(next.clone()) || next == url => {
                return Err(crate::Error::invalid_response(
                    crate::http::endpoint_of(&url),
                    "the nextLink points back to a page already read",
                ));
            }
            Some(next) => request = arm::next_page_request(&next, token),
            None => return Ok(items),
        }
    }
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
    )
    .await
}

/// Lists the subscriptions a tenant's token can see.
pub async fn list_subscriptions<C: HttpClient>(
    client: &C,
    arm_endpoint: &str,
    token: &AccessToken,
) -> Result<Vec<ArmSubscription>> {
    list_all(
        client,
        arm::subscriptions_request(arm_endpoint, token),
        token,
        arm::parse_subscriptions_page,
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
/// `on_tenant_done(done, total)` as each finishes. Outcomes come back in tenant order.
pub async fn discover<C: HttpClient, T: TenantTokens>(
    client: &C,
    tokens: &T,
    arm_endpoint: &str,
    tenants: Vec<Tenant>,
    concurrency: usize,
    on_tenant_done: impl Fn(usize, usize),
) -> Vec<TenantOutcome> {
    let total = tenants.len();
    // An atomic (not a Cell) keeps the future Send for hosts that spawn it on a thread pool.
    let done = std::sync::atomic::AtomicUsize::new(0);
    futures::stream::iter(tenants)
        .map(|tenant| async move {
            let result = match tokens.token_for_tenant(&tenant.tenant_id).await {
                Err(e) => TenantResult::AuthenticationFailed(e),
                Ok(token) => match list_subscriptions(client, arm_endpoint, &token).await {
                    Ok(subs) => TenantResult::Listed(subs),
                    Err(e) => TenantResult::ListingFailed(e),
                },
            };
            TenantOutcome { tenant, result }
        })
        .buffered(concurrency.max(1))
        .inspect(|_| {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            on_tenant_done(n, total);
        })
        .collect()
        .await
}

/// A subscription and the tenant whose token found it.
#[derive(Clone, Debug)]
pub struct Found {
    /// The subscription.
    pub subscription: ArmSubscription,
    /// The tenant whose token listed it.
    pub tenant: Tenant,
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
    /// az's warnings, in az's order (per-tenant ones first, then the two closing blocks).
    pub warnings: Vec<String>,
}

/// Applies az's rules to the outcomes, in tenant order.
pub fn assemble(outcomes: Vec<TenantOutcome>) -> Assembled {
    let mut out = Assembled::default();
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
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
            TenantResult::Listed(subs) => {
                out.listed_tenants.push(tenant.clone());
                if subs.is_empty() {
                    out.empty_tenants.push(tenant.clone());
                }
                for s in subs {
                    if let Some(first) = seen.get(&s.subscription_id) {
                        out.warnings.push(format!(
                            "Subscription {} '{}' can be accessed from tenants {}(default) and {}. To select a specific tenant when accessing this subscription, use 'az login --tenant TENANT_ID'.",
                            s.subscription_id,
                            s.display_name.as_deref().unwrap_or("None"),
                            first,
                            tenant.tenant_id
                        ));
                        continue;
                    }
                    seen.insert(s.subscription_id.clone(), tenant.tenant_id.clone());
                    out.found.push(Found {
                        subscription: s,
                        tenant: tenant.clone(),
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
        let outcomes = discover(&arm, &tokens, ARM, tenants.clone(), order.len(), |d, t| {
            if let Ok(mut p) = progress.lock() {
                p.push((d, t));
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
        let p = progress.lock().map(|p| p.clone()).unwrap_or_default();
        assert_eq!(p, [(1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)]);
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
                |_, _| {},
            )
            .await;
            assert_eq!(outcomes.len(), 6);
            let peak = tokens.now.lock().map(|g| g.1).unwrap_or_default();
            assert_eq!(peak, expected_peak, "concurrency {bound}");
        }
    }
}
