//! `az login` for people: authenticate, discover tenants and subscriptions, merge the profile.

use std::sync::Mutex;

use super::files::modify_token_cache;
use super::recorded::RecordedAnswer;
use super::{Session, SessionClient};
use crate::arm::Tenant;
use crate::discovery::{self, DiscoveryProgress, TenantTokens};
use crate::error::{Error, Result};
use crate::login::browser::{self, BrowserOptions};
use crate::login::silent::{self, SilentRequest, SilentToken};
use crate::login::{device_code, password};
pub use crate::login_plan::password_warning;
use crate::login_plan::{
    DiscoveryPlan, LoginOutcome, LoginPlan, LoginStart, PlanOptions, Principal, StartStep,
    needs_resolution,
};
use crate::oauth::Authority;
use crate::oauth::authorize::AUTHORIZATION_CODE_GRANT;
use crate::oauth::device_code::DeviceAuthorization;
use crate::oauth::metadata::{parse_tenant_resolution, tenant_resolution_request};
use crate::oauth::token::{DEVICE_CODE_GRANT, TokenContext, TokenResponse, merge_claims};
use crate::runtime::Runtime;
use crate::secret::{AccessToken, Password};

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

/// Per-tenant ARM tokens by refresh-token grants, recorded for the cache file.
pub(super) struct DiscoveryTokens<'a, C, R> {
    session: &'a Session<C, R>,
    pub(super) base: &'a TokenContext,
    home_account_id: &'a str,
    scopes: &'a [String],
    memory: Mutex<crate::token_cache::TokenCache>,
    recorded: Mutex<Vec<RecordedAnswer>>,
    /// ARM's tenant order, so the cache is written in the order az's sequential loop writes it.
    tenant_order: Mutex<Vec<String>>,
}

impl<C: SessionClient, R: Runtime> DiscoveryTokens<'_, C, R> {
    /// Remembers ARM's tenant order, for [`Self::take_in_tenant_order`].
    pub(super) fn set_tenant_order(&self, tenants: &[Tenant]) -> Result<()> {
        *self.tenant_order.lock().map_err(|_| poisoned())? =
            tenants.iter().map(|t| t.tenant_id.clone()).collect();
        Ok(())
    }

    /// The recorded answers, in tenant order (answers not tied to a listed tenant first).
    pub(super) fn take_in_tenant_order(&self) -> Result<Vec<RecordedAnswer>> {
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

impl<C: SessionClient, R: Runtime> DiscoveryTokens<'_, C, R> {
    pub(super) async fn token(&self, authority: Authority) -> Result<AccessToken> {
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
                let token = response.access_token;
                let answer =
                    RecordedAnswer::refresh(response.response, &ctx, self.scopes, rt_key, now);
                answer.apply(&mut *self.memory.lock().map_err(|_| poisoned())?);
                self.recorded.lock().map_err(|_| poisoned())?.push(answer);
                Ok(token)
            }
        }
    }
}

fn poisoned() -> Error {
    Error::Config("internal state was poisoned by an earlier failure".into())
}

impl<C: SessionClient, R: Runtime> TenantTokens for DiscoveryTokens<'_, C, R> {
    async fn token_for_tenant(&self, tenant_id: &str) -> Result<AccessToken> {
        self.token(self.base.authority.with_tenant(tenant_id)).await
    }
}

impl<C: SessionClient, R: Runtime> Session<C, R> {
    pub(super) fn runtime_now(&self) -> u64 {
        self.runtime.now_secs()
    }

    /// Whether to advertise the CP1 capability (az does unless `AZURE_IDENTITY_DISABLE_CP1` exists).
    pub(super) fn cp1(&self) -> bool {
        self.env("AZURE_IDENTITY_DISABLE_CP1").is_none()
    }

    /// The `--tenant` value as a GUID (domains are resolved through OIDC metadata).
    pub async fn resolve_tenant(&self, tenant: &str) -> Result<String> {
        if !needs_resolution(tenant) {
            return Ok(tenant.to_string());
        }
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
        let mut start = LoginStart::new(tenant);
        let tenant = loop {
            match start.poll() {
                StartStep::ResolveTenant { domain } => {
                    start.handle_resolved(self.resolve_tenant(&domain).await?)
                }
                StartStep::Authenticate { tenant } => break tenant,
            }
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
        let account = response.signed_in_account(&endpoint)?;
        let username = Some(account.username)
            .filter(|u| !u.is_empty())
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
        let home_account_id = account.home_account_id.unwrap_or_default();
        let tokens = DiscoveryTokens {
            session: self,
            base: &ctx,
            home_account_id: &home_account_id,
            scopes: arm_scopes,
            memory: Mutex::new(memory),
            recorded: Mutex::new(Vec::new()),
            tenant_order: Mutex::new(Vec::new()),
        };
        let discovery = DiscoveryPlan::new(
            tenant.as_deref(),
            request.subscription.as_deref(),
            request.skip_subscription_discovery,
        );
        let plan = LoginPlan::new(
            Principal::User(username),
            discovery,
            self.plan_options(
                request.allow_no_subscriptions,
                request.subscription.clone(),
                request.skip_subscription_discovery,
                request.concurrency,
            ),
            login_token.filter(|_| login_scopes == arm_scopes),
        );
        self.drive_plan(plan, Some(&tokens), telemetry, events)
            .await
    }

    /// What shapes every login's entries.
    pub(super) fn plan_options(
        &self,
        allow_no_subscriptions: bool,
        subscription: Option<String>,
        skip_subscription_discovery: bool,
        concurrency: usize,
    ) -> PlanOptions {
        PlanOptions {
            cloud: self.cloud.name.clone(),
            allow_no_subscriptions,
            subscription,
            skip_subscription_discovery,
            concurrency,
        }
    }
}
