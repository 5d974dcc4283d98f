//! `az login` for people: authenticate, discover tenants and subscriptions, merge the profile.

use std::sync::{Arc, Mutex};

use super::Session;
use super::files::{modify_profile_then, modify_token_cache};
use super::recorded::RecordedAnswer;
use crate::arm::Tenant;
use crate::discovery::{self, DiscoveryProgress, TenantTokens};
use crate::error::{Error, Result};
use crate::login::browser::{self, BrowserOptions};
use crate::login::silent::{self, SilentRequest, SilentToken};
use crate::login::{device_code, password};
use crate::oauth::Authority;
use crate::oauth::authorize::AUTHORIZATION_CODE_GRANT;
use crate::oauth::claims::{ClientInfo, decode_jwt_claims};
use crate::oauth::device_code::DeviceAuthorization;
use crate::oauth::metadata::{is_guid, parse_tenant_resolution, tenant_resolution_request};
use crate::oauth::token::{DEVICE_CODE_GRANT, TokenContext, TokenResponse, merge_claims};
use crate::profile::{EntryOwner, Subscription, SubscriptionSource, UserType};
use crate::secret::{AccessToken, Password};

/// The public cloud's login host, which gets the MFA-enforcement wording.
const PUBLIC_LOGIN_ENDPOINT: &str = "https://login.microsoftonline.com";

/// The password warning for the public cloud.
const MFA_ENFORCED_WARNING: &str = "Starting September 1, 2025, MFA will be gradually enforced for Azure public cloud. The authentication with username and password in the command line is not supported with MFA. Consider using one of the compatible authentication methods. For more details, see https://go.microsoft.com/fwlink/?linkid=2276314";
/// The password warning for every other cloud.
const PASSWORD_DISCOURAGED_WARNING: &str = "Using authentication with username and password in the command line is strongly discouraged. Consider using one of the recommended authentication methods. For more details, see https://go.microsoft.com/fwlink/?linkid=2276314";

/// az's warning before a username/password login: the public cloud names MFA enforcement.
pub fn password_warning(login_endpoint: &str) -> &'static str {
    if login_endpoint
        .trim_end_matches('/')
        .eq_ignore_ascii_case(PUBLIC_LOGIN_ENDPOINT)
    {
        MFA_ENFORCED_WARNING
    } else {
        PASSWORD_DISCOURAGED_WARNING
    }
}

/// How the user proves who they are.
#[derive(Debug)]
pub enum LoginMethod {
    /// The device-code flow.
    DeviceCode,
    /// Username and password (ROPC).
    Password {
        /// The sign-in name.
        username: String,
        /// The password.
        password: Password,
    },
    /// The browser (authorization code + PKCE) flow on a loopback redirect.
    Browser(BrowserOptions),
}

impl LoginMethod {
    /// Whether the user signs in interactively (az's `interactive`: browser or device code),
    /// which is when az may show the subscription selector afterwards.
    pub fn is_interactive(&self) -> bool {
        match self {
            LoginMethod::DeviceCode | LoginMethod::Browser(_) => true,
            LoginMethod::Password { .. } => false,
        }
    }
}

/// Everything `az login` takes for a user login.
#[derive(Debug)]
pub struct LoginRequest {
    /// The flow.
    pub method: LoginMethod,
    /// `--tenant`: a GUID or a domain.
    pub tenant: Option<String>,
    /// `--scope`: changes only the login's own token request.
    pub scopes: Option<Vec<String>>,
    /// `--allow-no-subscriptions`.
    pub allow_no_subscriptions: bool,
    /// `--subscription`: the default after discovery, and the output filter.
    pub subscription: Option<String>,
    /// `--claims-challenge`, already base64-decoded.
    pub claims_challenge: Option<String>,
    /// `--skip-subscription-discovery`: needs `tenant`; with `subscription` (a GUID) one ARM GET,
    /// alone a tenant-level account.
    pub skip_subscription_discovery: bool,
    /// How many tenants to work on at once.
    pub concurrency: usize,
}

impl LoginRequest {
    /// A request with az's defaults for `method`.
    pub fn new(method: LoginMethod) -> Self {
        Self {
            method,
            tenant: None,
            scopes: None,
            allow_no_subscriptions: false,
            subscription: None,
            claims_challenge: None,
            skip_subscription_discovery: false,
            concurrency: discovery::DEFAULT_CONCURRENCY,
        }
    }
}

/// What a login reports while it runs.
pub trait LoginEvents: Sync {
    /// The device code is ready: show `authorization.message`.
    fn device_code(&self, authorization: &DeviceAuthorization) {
        let _ = authorization;
    }
    /// The user is signed in; discovery starts next (az prints "Retrieving…" here when it will
    /// show the selector).
    fn authenticated(&self) {}
    /// One of az's warnings.
    fn warning(&self, text: &str) {
        let _ = text;
    }
    /// Discovery progress, after each page and each finished tenant.
    fn progress(&self, progress: DiscoveryProgress) {
        let _ = progress;
    }
}

/// Events nobody listens to.
#[derive(Debug, Default)]
pub struct NoEvents;
impl LoginEvents for NoEvents {}

/// The result of a login.
#[derive(Debug)]
pub struct LoginOutcome {
    /// This login's entries (after `--subscription` filtering), `isDefault` set.
    pub subscriptions: Vec<Subscription>,
    /// The default subscription's id.
    pub default_id: Option<String>,
    /// The signed-in user.
    pub username: String,
}

/// How a login finds its entries after the sign-in, decided once from the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DiscoveryPlan<'r> {
    /// `--tenant T --skip-subscription-discovery`: a tenant-level account, no ARM call.
    TenantLevelOnly { tenant: &'r str },
    /// `--tenant T --skip-subscription-discovery --subscription ID`: one ARM GET.
    OneSubscription {
        tenant: &'r str,
        subscription_id: &'r str,
    },
    /// `--tenant T`: that tenant's subscriptions.
    SpecificTenant { tenant: &'r str },
    /// No tenant: every tenant the account can see, then their subscriptions.
    TenantLoop,
}

impl<'r> DiscoveryPlan<'r> {
    fn new(tenant: Option<&'r str>, request: &'r LoginRequest) -> Self {
        match (tenant, request.subscription.as_deref()) {
            (None, _) => DiscoveryPlan::TenantLoop,
            (Some(tenant), _) if !request.skip_subscription_discovery => {
                DiscoveryPlan::SpecificTenant { tenant }
            }
            (Some(tenant), None) => DiscoveryPlan::TenantLevelOnly { tenant },
            (Some(tenant), Some(subscription_id)) => DiscoveryPlan::OneSubscription {
                tenant,
                subscription_id,
            },
        }
    }
}

/// Whether `wanted` (a `--subscription` value) names `entry`: its id or name, any case.
fn names_entry(entry: &Subscription, wanted: &str) -> bool {
    entry.id().eq_ignore_ascii_case(wanted)
        || entry.name().is_some_and(|n| n.eq_ignore_ascii_case(wanted))
}

/// Per-tenant ARM tokens by refresh-token grants, recorded for the cache file.
struct DiscoveryTokens<'a> {
    session: &'a Session,
    base: &'a TokenContext,
    home_account_id: &'a str,
    scopes: &'a [String],
    memory: Mutex<crate::token_cache::TokenCache>,
    recorded: Mutex<Vec<RecordedAnswer>>,
    /// ARM's tenant order, so the cache is written in the order az's sequential loop writes it.
    tenant_order: Mutex<Vec<String>>,
}

impl DiscoveryTokens<'_> {
    /// The recorded answers, in tenant order (answers not tied to a listed tenant first).
    fn take_in_tenant_order(&self) -> Result<Vec<RecordedAnswer>> {
        let mut answers = std::mem::take(&mut *self.recorded.lock().map_err(|_| poisoned())?);
        let order = self.tenant_order.lock().map_err(|_| poisoned())?;
        let rank = |a: &RecordedAnswer| {
            order
                .iter()
                .position(|t| t.eq_ignore_ascii_case(a.authority.realm()))
                .map_or(0, |i| i + 1)
        };
        answers.sort_by_key(rank);
        Ok(answers)
    }
}

impl DiscoveryTokens<'_> {
    async fn token(&self, authority: Authority) -> Result<AccessToken> {
        let ctx = TokenContext {
            authority,
            ..self.base.clone()
        };
        let snapshot = self.memory.lock().map_err(|_| poisoned())?.clone();
        let request = SilentRequest {
            ctx: &ctx,
            home_account_id: self.home_account_id,
            scopes: self.scopes,
            force_refresh: false,
        };
        let now = self.session.runtime_now();
        match silent::acquire(&self.session.http, &snapshot, &request, now).await? {
            SilentToken::Cached(t) => Ok(t.secret),
            SilentToken::Refreshed { response, rt_key } => {
                let token = response.access_token.clone().ok_or_else(|| {
                    Error::invalid_response(ctx.authority.token_endpoint(), "no access_token")
                })?;
                let answer = RecordedAnswer::refresh(*response, &ctx, self.scopes, rt_key, now);
                answer.apply(&mut *self.memory.lock().map_err(|_| poisoned())?);
                self.recorded.lock().map_err(|_| poisoned())?.push(answer);
                Ok(token)
            }
        }
    }
}

/// The ARM token discovery starts with: the login's own when it was asked for ARM, else one
/// more refresh-token grant.
struct ArmToken<'a> {
    login_token: Option<AccessToken>,
    asked_for_arm: bool,
    tokens: &'a DiscoveryTokens<'a>,
    authority: &'a Authority,
}

impl ArmToken<'_> {
    async fn get(&self) -> Result<AccessToken> {
        match self.login_token.as_ref().filter(|_| self.asked_for_arm) {
            Some(t) => Ok(t.clone()),
            None => self.tokens.token(self.authority.clone()).await,
        }
    }
}

fn poisoned() -> Error {
    Error::Config("internal state was poisoned by an earlier failure".into())
}

impl TenantTokens for DiscoveryTokens<'_> {
    async fn token_for_tenant(&self, tenant_id: &str) -> Result<AccessToken> {
        self.token(self.base.authority.with_tenant(tenant_id)).await
    }
}

impl Session {
    pub(super) fn runtime_now(&self) -> u64 {
        use crate::runtime::Runtime;
        self.runtime.now_secs()
    }

    /// Whether to advertise the CP1 capability (az does unless `AZURE_IDENTITY_DISABLE_CP1` exists).
    pub(super) fn cp1(&self) -> bool {
        self.env("AZURE_IDENTITY_DISABLE_CP1").is_none()
    }

    /// The `--tenant` value as a GUID (domains are resolved through OIDC metadata).
    pub async fn resolve_tenant(&self, tenant: &str) -> Result<String> {
        let lower = tenant.to_ascii_lowercase();
        if is_guid(tenant) || lower == "organizations" || lower == "common" {
            return Ok(tenant.to_string());
        }
        use crate::http::HttpClient;
        let response = self
            .http
            .send(tenant_resolution_request(
                self.endpoints.login.as_str(),
                tenant,
            ))
            .await?;
        parse_tenant_resolution(&response, tenant)
    }

    /// What every login does first: `--tenant` resolved to a GUID, and the config and profile
    /// read, so a bad file fails now and not after the sign-in. Also whether telemetry is on
    /// (az then adds an installation id to the profile).
    pub(super) async fn prepare_login(
        &self,
        tenant: Option<&str>,
    ) -> Result<(Option<String>, bool)> {
        let tenant = match tenant {
            Some(t) => Some(self.resolve_tenant(t).await?),
            None => None,
        };
        // Fail on a bad config, profile or token cache now, not after the user has signed in.
        let telemetry = self.config.get_bool("core", "collect_telemetry", true)?;
        super::files::load_profile(self.dir.path())?;
        super::files::load_token_cache(self.dir.path(), &self.secrets)?;
        Ok((tenant, telemetry))
    }

    /// Logs a user in: the flow, then discovery, then the profile.
    pub async fn login(
        &self,
        request: LoginRequest,
        events: &dyn LoginEvents,
    ) -> Result<LoginOutcome> {
        let (tenant, telemetry) = self.prepare_login(request.tenant.as_deref()).await?;
        // az passes a claims challenge to the browser and device-code flows, not to ROPC.
        let challenge = match request.method {
            LoginMethod::DeviceCode | LoginMethod::Browser(_) => {
                request.claims_challenge.as_deref()
            }
            LoginMethod::Password { .. } => None,
        };
        let ctx = TokenContext {
            authority: Authority::new(self.endpoints.login.as_str(), tenant.as_deref()),
            client_id: self.client_id.clone(),
            claims: merge_claims(challenge, self.cp1())?,
        };
        let arm_scopes = vec![self.endpoints.default_scope.clone()];
        let login_scopes = request.scopes.clone().unwrap_or_else(|| arm_scopes.clone());
        let (response, grant_type, hint) = match &request.method {
            LoginMethod::DeviceCode => {
                let r = device_code::login(&self.http, &self.runtime, &ctx, &login_scopes, |a| {
                    events.device_code(a)
                })
                .await?;
                (r, DEVICE_CODE_GRANT, None)
            }
            LoginMethod::Password { username, password } => {
                let r =
                    password::login(&self.http, &ctx, &login_scopes, username, password).await?;
                (r, "password", Some(username.clone()))
            }
            LoginMethod::Browser(options) => {
                // Where az would sign in through WAM, say once that the browser is used.
                let notice = crate::wam::broker_notice(crate::store::BROKER_PLATFORM, || {
                    self.config.enable_broker_on_windows()
                })?;
                if let Some(line) = notice {
                    events.warning(line);
                }
                let r = browser::login(&self.http, &ctx, &login_scopes, options).await?;
                (r, AUTHORIZATION_CODE_GRANT, None)
            }
        };
        events.authenticated();
        self.finish_user_login(
            &request,
            tenant,
            ctx,
            response,
            grant_type,
            hint,
            &arm_scopes,
            &login_scopes,
            telemetry,
            events,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn finish_user_login(
        &self,
        request: &LoginRequest,
        tenant: Option<String>,
        ctx: TokenContext,
        response: TokenResponse,
        grant_type: &'static str,
        username_hint: Option<String>,
        arm_scopes: &[String],
        login_scopes: &[String],
        telemetry: bool,
        events: &dyn LoginEvents,
    ) -> Result<LoginOutcome> {
        let endpoint = ctx.authority.token_endpoint();
        let client_info = response
            .client_info
            .as_deref()
            .ok_or_else(|| Error::invalid_response(&endpoint, "the answer has no client_info"))
            .and_then(|c| {
                ClientInfo::parse(c).map_err(|e| Error::invalid_response(&endpoint, e))
            })?;
        let id_claims = response
            .id_token
            .as_ref()
            .map(|t| decode_jwt_claims(t.secret()))
            .transpose()
            .map_err(|e| {
                Error::invalid_response(&endpoint, format!("the ID token is unreadable: {e}"))
            })?
            .unwrap_or_default();
        let username = crate::oauth::claims::username(&id_claims)
            .map(str::to_string)
            .or_else(|| username_hint.clone())
            .unwrap_or_default();
        let login_token = response.access_token.clone();
        let first = RecordedAnswer {
            response,
            client_id: ctx.client_id.clone(),
            authority: ctx.authority.clone(),
            requested_scopes: login_scopes.to_vec(),
            grant_type,
            username_hint,
            refreshed_rt_key: None,
            now: self.runtime_now(),
        };
        modify_token_cache(self.dir.path(), &self.secrets, |c| first.apply(c))?;
        let mut memory = crate::token_cache::TokenCache::new();
        first.apply(&mut memory);
        let home_account_id = client_info.home_account_id();
        let tokens = DiscoveryTokens {
            session: self,
            base: &ctx,
            home_account_id: &home_account_id,
            scopes: arm_scopes,
            memory: Mutex::new(memory),
            recorded: Mutex::new(Vec::new()),
            tenant_order: Mutex::new(Vec::new()),
        };
        let cloud = self.cloud.name.clone();
        let owner = EntryOwner::new(&username, UserType::User, &cloud);
        let plan = DiscoveryPlan::new(tenant.as_deref(), request);
        let arm_token = ArmToken {
            login_token,
            asked_for_arm: login_scopes == arm_scopes,
            tokens: &tokens,
            authority: &ctx.authority,
        };
        let discovered = self
            .run_plan(plan, arm_token, &owner, &username, request, events)
            .await;
        // Tokens got so far are kept even when discovery fails, as az keeps them.
        let recorded = tokens.take_in_tenant_order()?;
        if !recorded.is_empty() {
            modify_token_cache(self.dir.path(), &self.secrets, |c| {
                recorded.iter().for_each(|r| r.apply(c))
            })?;
        }
        let (entries, warnings) = discovered?;
        for w in &warnings {
            events.warning(w);
        }
        if entries.is_empty() {
            return Err(Error::NoSubscriptions(username));
        }
        self.save_login_entries(
            entries,
            username,
            request.subscription.as_deref(),
            request.skip_subscription_discovery,
            telemetry,
            events,
        )
    }

    /// Merges a login's entries into the profile (the `--subscription` match becomes the
    /// default), points clouds.config at the default, and filters what is returned to the
    /// `--subscription` match, as az does for every kind of login.
    pub(super) fn save_login_entries(
        &self,
        entries: Vec<Subscription>,
        username: String,
        subscription: Option<&str>,
        skip_subscription_discovery: bool,
        telemetry: bool,
        events: &dyn LoginEvents,
    ) -> Result<LoginOutcome> {
        let cloud = self.cloud.name.clone();
        let preferred = subscription.and_then(|s| {
            entries
                .iter()
                .find(|e| names_entry(e, s))
                .map(|e| e.id().to_string())
        });
        // The entries move into the profile and back out after the write: one copy at the peak.
        let (default_id, mut entries) = modify_profile_then(
            self.dir.path(),
            |p| {
                let merged = p.merge_owned(entries, preferred.as_deref());
                if telemetry {
                    p.ensure_installation_id(|| uuid::Uuid::new_v4().to_string());
                }
                Ok(merged)
            },
            |p, (default_id, positions)| (default_id, p.into_entries_at(&positions)),
        )?;
        if let Some(id) = &default_id {
            crate::store::set_cloud_subscription(&self.dir, &cloud, Some(id))?;
        }
        if let Some(s) = subscription {
            let (matching, others): (Vec<_>, Vec<_>) =
                entries.into_iter().partition(|e| names_entry(e, s));
            entries = if !matching.is_empty() {
                matching
            } else if skip_subscription_discovery {
                // Reached only with --allow-no-subscriptions: the tenant-level account stands.
                events.warning(&format!(
                    "Subscription '{s}' not found. Profile has tenant-level account only."
                ));
                others
            } else {
                return Err(Error::NotFound(format!(
                    "Subscription '{s}' not found. Check the ID or name and try again."
                )));
            };
        }
        Ok(LoginOutcome {
            subscriptions: entries,
            default_id,
            username,
        })
    }

    /// Finds the login's entries as `plan` says; az's warnings come back with them.
    async fn run_plan(
        &self,
        plan: DiscoveryPlan<'_>,
        arm_token: ArmToken<'_>,
        owner: &EntryOwner,
        username: &str,
        request: &LoginRequest,
        events: &dyn LoginEvents,
    ) -> Result<(Vec<Subscription>, Vec<String>)> {
        let no_warnings = |entries| (entries, Vec::new());
        match plan {
            // No ARM call, so no ARM token either.
            DiscoveryPlan::TenantLevelOnly { tenant } => {
                Ok(no_warnings(vec![Subscription::tenant_level(tenant, owner)]))
            }
            DiscoveryPlan::OneSubscription {
                tenant,
                subscription_id,
            } => {
                let token = arm_token.get().await?;
                self.one_subscription_entries(
                    &token,
                    tenant,
                    subscription_id,
                    username,
                    owner,
                    request,
                    events,
                )
                .await
                .map(no_warnings)
            }
            DiscoveryPlan::SpecificTenant { tenant } => {
                let token = arm_token.get().await?;
                self.specific_tenant_entries(&token, tenant, owner, request.allow_no_subscriptions)
                    .await
                    .map(no_warnings)
            }
            DiscoveryPlan::TenantLoop => {
                let token = arm_token.get().await?;
                self.tenant_loop_entries(arm_token.tokens, &token, owner, request, events)
                    .await
            }
        }
    }

    /// `--skip-subscription-discovery --subscription <id>`: one ARM GET. A failure is a warning,
    /// then an error, or a tenant-level account with `--allow-no-subscriptions`.
    #[allow(clippy::too_many_arguments)]
    async fn one_subscription_entries(
        &self,
        arm_token: &AccessToken,
        tenant: &str,
        subscription_id: &str,
        username: &str,
        owner: &EntryOwner,
        request: &LoginRequest,
        events: &dyn LoginEvents,
    ) -> Result<Vec<Subscription>> {
        let arm = self.endpoints.arm.as_str();
        match discovery::get_subscription(&self.http, arm, subscription_id, arm_token).await {
            Ok(s) => Ok(vec![Subscription::discovered(
                s,
                &Arc::new(Tenant::with_id(tenant)),
                SubscriptionSource::SpecificTenant,
                owner,
            )]),
            Err(e) => {
                events.warning(&format!(
                    "Failed to retrieve subscription {subscription_id}: {e}"
                ));
                if request.allow_no_subscriptions {
                    Ok(vec![Subscription::tenant_level(tenant, owner)])
                } else {
                    Err(Error::NotFound(format!(
                        "The subscription '{subscription_id}' could not be retrieved for '{username}'. Ensure the subscription exists and that you have access to it."
                    )))
                }
            }
        }
    }

    async fn specific_tenant_entries(
        &self,
        arm_token: &AccessToken,
        tenant: &str,
        owner: &EntryOwner,
        allow_no_subscriptions: bool,
    ) -> Result<Vec<Subscription>> {
        let subs =
            discovery::list_subscriptions(&self.http, self.endpoints.arm.as_str(), arm_token)
                .await?;
        let shared = Arc::new(Tenant::with_id(tenant));
        let mut entries: Vec<Subscription> = subs
            .into_iter()
            .map(|s| {
                Subscription::discovered(s, &shared, SubscriptionSource::SpecificTenant, owner)
            })
            .collect();
        if entries.is_empty() && allow_no_subscriptions {
            entries.push(Subscription::tenant_level(tenant, owner));
        }
        Ok(entries)
    }

    async fn tenant_loop_entries(
        &self,
        tokens: &DiscoveryTokens<'_>,
        arm_token: &AccessToken,
        owner: &EntryOwner,
        request: &LoginRequest,
        events: &dyn LoginEvents,
    ) -> Result<(Vec<Subscription>, Vec<String>)> {
        let arm = self.endpoints.arm.as_str();
        let tenants: Vec<Tenant> = discovery::list_tenants(&self.http, arm, arm_token).await?;
        *tokens.tenant_order.lock().map_err(|_| poisoned())? =
            tenants.iter().map(|t| t.tenant_id.clone()).collect();
        let outcomes =
            discovery::discover(&self.http, tokens, arm, tenants, request.concurrency, |p| {
                events.progress(p)
            })
            .await;
        let mut assembled = discovery::assemble(outcomes);
        let entries = crate::profile::tenant_loop_entries(
            std::mem::take(&mut assembled.found),
            &assembled.empty_tenants,
            owner,
            request.allow_no_subscriptions,
        );
        Ok((entries, assembled.warnings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_discovery_plan_follows_tenant_skip_and_subscription() {
        let request = |skip: bool, subscription: Option<&str>| {
            let mut r = LoginRequest::new(LoginMethod::DeviceCode);
            r.skip_subscription_discovery = skip;
            r.subscription = subscription.map(str::to_string);
            r
        };
        let cases = [
            (None, false, None, DiscoveryPlan::TenantLoop),
            (None, false, Some("s"), DiscoveryPlan::TenantLoop),
            (
                Some("t"),
                false,
                Some("s"),
                DiscoveryPlan::SpecificTenant { tenant: "t" },
            ),
            (
                Some("t"),
                true,
                None,
                DiscoveryPlan::TenantLevelOnly { tenant: "t" },
            ),
            (
                Some("t"),
                true,
                Some("s"),
                DiscoveryPlan::OneSubscription {
                    tenant: "t",
                    subscription_id: "s",
                },
            ),
        ];
        for (tenant, skip, subscription, expected) in cases {
            let r = request(skip, subscription);
            assert_eq!(
                DiscoveryPlan::new(tenant, &r),
                expected,
                "{tenant:?} {skip} {subscription:?}"
            );
        }
    }

    #[test]
    fn password_warning_depends_on_the_cloud() {
        assert!(
            password_warning("https://login.microsoftonline.com/")
                .starts_with("Starting September 1, 2025, MFA")
        );
        assert!(
            password_warning("https://login.chinacloudapi.cn")
                .starts_with("Using authentication with username")
        );
        assert!(
            password_warning("http://127.0.0.1:5000")
                .starts_with("Using authentication with username")
        );
    }
}
