//! What `az login` does after the sign-in, as a state machine that never does I/O: which
//! subscriptions to look for, in which tenants, with which token; the entries that come of it;
//! and every warning and error text on the way.
//!
//! The driver asks [`LoginPlan::poll`] what to do next, does it, and hands the answer to
//! [`LoginPlan::handle`] (quinn-proto's `poll_*` / `handle_*`). Many actions may be outstanding
//! at once (the tenant loop works on up to `concurrency` tenants together); answers are taken in
//! any order and the results come out in az's order. The same plan serves people, service
//! principals and managed identities: only the owner of the entries, the extra `user` fields and
//! the error for an empty result differ.

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::Value;

use crate::arm::{ArmSubscription, Tenant};
use crate::discovery::{self, TenantOutcome, TenantResult};
use crate::error::{Error, Result};
use crate::profile::{EntryOwner, Subscription, SubscriptionSource, UserType};
use crate::secret::AccessToken;

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

/// Whether `--tenant` names a tenant by domain, which the login resolves to its GUID (through
/// OIDC metadata) before anything else; GUIDs, `organizations` and `common` are used as given.
pub fn needs_resolution(tenant: &str) -> bool {
    let lower = tenant.to_ascii_lowercase();
    !(crate::oauth::metadata::is_guid(tenant) || lower == "organizations" || lower == "common")
}

/// What a login does before its plan: resolve `--tenant`, then sign in.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartStep {
    /// Resolve this domain to its tenant GUID, then [`LoginStart::handle_resolved`].
    ResolveTenant {
        /// The `--tenant` value.
        domain: String,
    },
    /// Sign in at `tenant` (`None`: `organizations`); the sign-in's answer starts the
    /// [`LoginPlan`].
    Authenticate {
        /// The tenant, resolved.
        tenant: Option<String>,
    },
}

/// The start of every login, as a state machine: `--tenant` resolved when it is a domain, then
/// the sign-in. A [`LoginPlan`] takes over once the driver has signed in.
#[derive(Debug)]
pub struct LoginStart {
    tenant: Option<String>,
    resolved: bool,
}

impl LoginStart {
    /// A login at `tenant` (the `--tenant` value, if any).
    pub fn new(tenant: Option<&str>) -> Self {
        Self {
            tenant: tenant.map(str::to_string),
            resolved: !tenant.is_some_and(needs_resolution),
        }
    }

    /// What to do next.
    pub fn poll(&self) -> StartStep {
        match (&self.tenant, self.resolved) {
            (Some(domain), false) => StartStep::ResolveTenant {
                domain: domain.clone(),
            },
            (tenant, _) => StartStep::Authenticate {
                tenant: tenant.clone(),
            },
        }
    }

    /// Takes the GUID the domain resolved to.
    pub fn handle_resolved(&mut self, tenant_id: String) {
        self.tenant = Some(tenant_id);
        self.resolved = true;
    }
}

/// How a login finds its entries, decided once from the request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiscoveryPlan {
    /// `--tenant T --skip-subscription-discovery`: a tenant-level account, no ARM call.
    TenantLevelOnly {
        /// The tenant.
        tenant: String,
    },
    /// `--tenant T --skip-subscription-discovery --subscription ID`: one ARM GET.
    OneSubscription {
        /// The tenant.
        tenant: String,
        /// The subscription asked for.
        subscription_id: String,
    },
    /// `--tenant T` (and every app login): that tenant's subscriptions.
    SpecificTenant {
        /// The tenant.
        tenant: String,
    },
    /// No tenant: every tenant the account can see, then their subscriptions.
    TenantLoop,
}

impl DiscoveryPlan {
    /// The plan for a login at `tenant` (already resolved), with `--subscription` and
    /// `--skip-subscription-discovery` as given.
    pub fn new(tenant: Option<&str>, subscription: Option<&str>, skip: bool) -> Self {
        match (tenant, subscription) {
            (None, _) => DiscoveryPlan::TenantLoop,
            (Some(tenant), _) if !skip => DiscoveryPlan::SpecificTenant {
                tenant: tenant.into(),
            },
            (Some(tenant), None) => DiscoveryPlan::TenantLevelOnly {
                tenant: tenant.into(),
            },
            (Some(tenant), Some(subscription_id)) => DiscoveryPlan::OneSubscription {
                tenant: tenant.into(),
                subscription_id: subscription_id.into(),
            },
        }
    }

    /// Whether the plan calls ARM at all (and so needs an ARM token).
    pub fn needs_arm(&self) -> bool {
        !matches!(self, DiscoveryPlan::TenantLevelOnly { .. })
    }
}

/// Who signed in, which decides the entries' `user` and the error for an empty result.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Principal {
    /// A person, by sign-in name.
    User(String),
    /// A service principal, by application id; `cert_sn_issuer` adds `useCertSNIssuerAuth`.
    ServicePrincipal {
        /// The application (client) id.
        client_id: String,
        /// `--use-cert-sn-issuer`, or a certificate sent with its chain.
        cert_sn_issuer: bool,
    },
    /// A managed identity: its profile name and its `assignedIdentityInfo`.
    ManagedIdentity {
        /// `systemAssignedIdentity` or `userAssignedIdentity`.
        name: String,
        /// `MSI`, `MSIClient-<id>`…
        assigned_identity_info: String,
    },
}

/// az's error when a managed identity sees no subscription.
pub const NO_MANAGED_IDENTITY_SUBSCRIPTIONS: &str = "No access was configured for the managed identity, hence no subscriptions were found. If this is expected, use '--allow-no-subscriptions' to have tenant level access.";

impl Principal {
    /// The entries' `user.name`.
    pub fn name(&self) -> &str {
        match self {
            Principal::User(name) => name,
            Principal::ServicePrincipal { client_id, .. } => client_id,
            Principal::ManagedIdentity { name, .. } => name,
        }
    }

    fn user_type(&self) -> UserType {
        match self {
            Principal::User(_) => UserType::User,
            _ => UserType::ServicePrincipal,
        }
    }

    /// The `user` fields az adds beyond `name` and `type`.
    fn extra_user_fields(&self) -> Vec<(&'static str, Value)> {
        match self {
            Principal::User(_) => Vec::new(),
            Principal::ServicePrincipal { cert_sn_issuer, .. } => {
                if *cert_sn_issuer {
                    vec![("useCertSNIssuerAuth", Value::Bool(true))]
                } else {
                    Vec::new()
                }
            }
            Principal::ManagedIdentity {
                assigned_identity_info,
                ..
            } => vec![(
                "assignedIdentityInfo",
                Value::String(assigned_identity_info.clone()),
            )],
        }
    }

    /// The error when a login found no entry.
    fn nothing_found(&self) -> Error {
        match self {
            Principal::ManagedIdentity { .. } => {
                Error::NotFound(NO_MANAGED_IDENTITY_SUBSCRIPTIONS.into())
            }
            other => Error::NoSubscriptions(other.name().to_string()),
        }
    }
}

/// What shapes a login's entries.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// The cloud's name, for `environmentName`.
    pub cloud: String,
    /// `--allow-no-subscriptions`.
    pub allow_no_subscriptions: bool,
    /// `--subscription`: the default after discovery, and the outcome's filter.
    pub subscription: Option<String>,
    /// `--skip-subscription-discovery`.
    pub skip_subscription_discovery: bool,
    /// How many tenants the tenant loop works on at once.
    pub concurrency: usize,
}

/// Names one outstanding action, so its answer finds its way back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ActionId(usize);

/// What the driver must do.
#[derive(Debug)]
#[non_exhaustive]
pub enum Action {
    /// Get an ARM token at the login's own authority (the sign-in's was for other scopes).
    ArmToken,
    /// List the tenants the ARM token can see (every page).
    ListTenants {
        /// The ARM token.
        token: AccessToken,
    },
    /// Get an ARM token for one tenant of the tenant loop.
    TenantToken {
        /// The tenant.
        tenant_id: String,
    },
    /// List the subscriptions a token can see (every page).
    ListSubscriptions {
        /// The token.
        token: AccessToken,
    },
    /// Get one subscription by id.
    GetSubscription {
        /// The subscription.
        subscription_id: String,
        /// The ARM token.
        token: AccessToken,
    },
    /// Merge `entries` into the profile, `preferred` (an entry id) as the default when given,
    /// and answer with [`Answer::Saved`].
    Save {
        /// The login's entries, in az's order.
        entries: Vec<Subscription>,
        /// The `--subscription` match.
        preferred: Option<String>,
    },
}

/// The answer to an [`Action`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Answer {
    /// To [`Action::ArmToken`].
    ArmToken(Result<AccessToken>),
    /// To [`Action::ListTenants`].
    Tenants(Result<Vec<Tenant>>),
    /// To [`Action::TenantToken`].
    TenantToken(Result<AccessToken>),
    /// To [`Action::ListSubscriptions`].
    Subscriptions(Result<Vec<ArmSubscription>>),
    /// To [`Action::GetSubscription`].
    Subscription(Result<ArmSubscription>),
    /// To [`Action::Save`]: the saved entries as the profile now has them, and the default's id.
    Saved(Result<(Vec<Subscription>, Option<String>)>),
}

/// What [`LoginPlan::poll`] asks for.
#[derive(Debug)]
#[non_exhaustive]
pub enum Next {
    /// Do this, then [`LoginPlan::handle`] its answer under `id`.
    Act(ActionId, Action),
    /// Show az's warning.
    Warning(String),
    /// A tenant of the tenant loop is finished (for progress).
    TenantDone,
    /// Nothing to start: wait for an outstanding answer.
    Wait,
    /// The login is over.
    Done(Result<LoginOutcome>),
}

/// The result of a login.
#[derive(Debug)]
pub struct LoginOutcome {
    /// This login's entries (after `--subscription` filtering), `isDefault` set.
    pub subscriptions: Vec<Subscription>,
    /// The default subscription's id.
    pub default_id: Option<String>,
    /// The signed-in user (or application, or identity name).
    pub username: String,
}

/// Where the plan is.
#[derive(Debug)]
enum Stage {
    /// Waiting for the ARM token.
    ArmToken,
    /// Running the discovery plan.
    Discovering,
    /// The tenant loop: tenants listed, each worked on in turn.
    TenantLoop(TenantLoop),
    /// Waiting for the profile to be saved.
    Saving,
    /// Over.
    Done,
}

#[derive(Debug, Default)]
struct TenantLoop {
    tenants: Vec<Tenant>,
    /// The next tenant to start.
    next: usize,
    /// Tenants started and not finished.
    running: usize,
    /// One result per tenant, by position.
    results: Vec<Option<TenantResult>>,
}

/// The login's plan after the sign-in.
#[derive(Debug)]
pub struct LoginPlan {
    principal: Principal,
    owner: EntryOwner,
    options: PlanOptions,
    discovery: DiscoveryPlan,
    arm_token: Option<AccessToken>,
    stage: Stage,
    /// Outstanding actions: what each is for.
    outstanding: Vec<(ActionId, Purpose)>,
    next_id: usize,
    queue: VecDeque<Next>,
}

/// What an outstanding action is for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Purpose {
    ArmToken,
    Tenants,
    TenantToken(usize),
    TenantSubscriptions(usize),
    SpecificTenant,
    OneSubscription,
    Save,
}

impl LoginPlan {
    /// The plan for `principal`, signed in, to find its entries as `discovery` says.
    /// `login_arm_token` is the sign-in's own token when it was asked for ARM; without one the
    /// plan asks for one first (when it calls ARM at all).
    pub fn new(
        principal: Principal,
        discovery: DiscoveryPlan,
        options: PlanOptions,
        login_arm_token: Option<AccessToken>,
    ) -> Self {
        let owner = EntryOwner::new(principal.name(), principal.user_type(), &options.cloud);
        let mut plan = Self {
            principal,
            owner,
            options,
            discovery,
            arm_token: login_arm_token,
            stage: Stage::Discovering,
            outstanding: Vec::new(),
            next_id: 0,
            queue: VecDeque::new(),
        };
        if plan.discovery.needs_arm() && plan.arm_token.is_none() {
            plan.stage = Stage::ArmToken;
            plan.act(Purpose::ArmToken, Action::ArmToken);
        } else {
            plan.discover();
        }
        plan
    }

    /// What to do next.
    pub fn poll(&mut self) -> Next {
        if let Some(next) = self.queue.pop_front() {
            return next;
        }
        if let Stage::TenantLoop(_) = self.stage {
            self.start_tenants();
            if let Some(next) = self.queue.pop_front() {
                return next;
            }
        }
        Next::Wait
    }

    /// Takes the answer to the action `id`.
    pub fn handle(&mut self, id: ActionId, answer: Answer) {
        let Some(position) = self.outstanding.iter().position(|(i, _)| *i == id) else {
            return;
        };
        let (_, purpose) = self.outstanding.swap_remove(position);
        match (purpose, answer) {
            (Purpose::ArmToken, Answer::ArmToken(token)) => match token {
                Ok(token) => {
                    self.arm_token = Some(token);
                    self.stage = Stage::Discovering;
                    self.discover();
                }
                Err(e) => self.finish(Err(e)),
            },
            (Purpose::Tenants, Answer::Tenants(tenants)) => match tenants {
                Ok(tenants) => {
                    let results = tenants.iter().map(|_| None).collect();
                    self.stage = Stage::TenantLoop(TenantLoop {
                        tenants,
                        results,
                        ..TenantLoop::default()
                    });
                    self.start_tenants();
                }
                Err(e) => self.finish(Err(e)),
            },
            (Purpose::TenantToken(i), Answer::TenantToken(token)) => match token {
                Ok(token) => self.act(
                    Purpose::TenantSubscriptions(i),
                    Action::ListSubscriptions { token },
                ),
                Err(e) => self.tenant_done(i, TenantResult::AuthenticationFailed(e)),
            },
            (Purpose::TenantSubscriptions(i), Answer::Subscriptions(listed)) => {
                let result = match listed {
                    Ok(subs) => TenantResult::Listed(subs),
                    Err(e) => TenantResult::ListingFailed(e),
                };
                self.tenant_done(i, result);
            }
            (Purpose::SpecificTenant, Answer::Subscriptions(listed)) => match listed {
                Ok(subs) => {
                    let tenant = self.tenant();
                    let shared = Arc::new(Tenant::with_id(&tenant));
                    let mut entries: Vec<Subscription> =
                        subs.into_iter().map(|s| self.entry(s, &shared)).collect();
                    if entries.is_empty() && self.options.allow_no_subscriptions {
                        entries.push(Subscription::tenant_level(&tenant, &self.owner));
                    }
                    self.save(entries);
                }
                Err(e) => self.finish(Err(e)),
            },
            (Purpose::OneSubscription, Answer::Subscription(found)) => {
                let (tenant, subscription_id) = match &self.discovery {
                    DiscoveryPlan::OneSubscription {
                        tenant,
                        subscription_id,
                    } => (tenant.clone(), subscription_id.clone()),
                    _ => return,
                };
                match found {
                    Ok(s) => {
                        let entry = self.entry(s, &Arc::new(Tenant::with_id(&tenant)));
                        self.save(vec![entry]);
                    }
                    Err(e) => {
                        self.warn(format!(
                            "Failed to retrieve subscription {subscription_id}: {e}"
                        ));
                        if self.options.allow_no_subscriptions {
                            let entry = Subscription::tenant_level(&tenant, &self.owner);
                            self.save(vec![entry]);
                        } else {
                            let user = self.principal.name();
                            self.finish(Err(Error::NotFound(format!(
                                "The subscription '{subscription_id}' could not be retrieved for '{user}'. Ensure the subscription exists and that you have access to it."
                            ))));
                        }
                    }
                }
            }
            (Purpose::Save, Answer::Saved(saved)) => {
                let outcome =
                    saved.and_then(|(entries, default_id)| self.outcome(entries, default_id));
                self.finish(outcome);
            }
            (_, _) => self.finish(Err(Error::Config(
                "the login plan was handed an answer to another question".into(),
            ))),
        }
    }

    fn act(&mut self, purpose: Purpose, action: Action) {
        let id = ActionId(self.next_id);
        self.next_id += 1;
        self.outstanding.push((id, purpose));
        self.queue.push_back(Next::Act(id, action));
    }

    fn warn(&mut self, text: String) {
        self.queue.push_back(Next::Warning(text));
    }

    fn finish(&mut self, outcome: Result<LoginOutcome>) {
        self.stage = Stage::Done;
        self.outstanding.clear();
        self.queue.push_back(Next::Done(outcome));
    }

    fn tenant(&self) -> String {
        match &self.discovery {
            DiscoveryPlan::TenantLevelOnly { tenant }
            | DiscoveryPlan::OneSubscription { tenant, .. }
            | DiscoveryPlan::SpecificTenant { tenant } => tenant.clone(),
            DiscoveryPlan::TenantLoop => String::new(),
        }
    }

    /// An entry for a subscription found with `--tenant` or by an app.
    fn entry(&self, s: ArmSubscription, tenant: &Arc<Tenant>) -> Subscription {
        Subscription::discovered(s, tenant, SubscriptionSource::SpecificTenant, &self.owner)
    }

    /// Starts the discovery plan once the ARM token is known (or not needed).
    fn discover(&mut self) {
        let token = self.arm_token.clone();
        match (self.discovery.clone(), token) {
            (DiscoveryPlan::TenantLevelOnly { tenant }, _) => {
                let entry = Subscription::tenant_level(&tenant, &self.owner);
                self.save(vec![entry]);
            }
            (
                DiscoveryPlan::OneSubscription {
                    subscription_id, ..
                },
                Some(token),
            ) => self.act(
                Purpose::OneSubscription,
                Action::GetSubscription {
                    subscription_id,
                    token,
                },
            ),
            (DiscoveryPlan::SpecificTenant { .. }, Some(token)) => {
                self.act(Purpose::SpecificTenant, Action::ListSubscriptions { token })
            }
            (DiscoveryPlan::TenantLoop, Some(token)) => {
                self.act(Purpose::Tenants, Action::ListTenants { token })
            }
            (_, None) => self.finish(Err(Error::Config(
                "the login plan needs an ARM token it was not given".into(),
            ))),
        }
    }

    /// Starts tenants while fewer than `concurrency` are running.
    fn start_tenants(&mut self) {
        let limit = self.options.concurrency.max(1);
        let mut start = Vec::new();
        if let Stage::TenantLoop(lp) = &mut self.stage {
            while lp.running < limit && lp.next < lp.tenants.len() {
                start.push((lp.next, lp.tenants[lp.next].tenant_id.clone()));
                lp.next += 1;
                lp.running += 1;
            }
        }
        for (i, tenant_id) in start {
            self.act(Purpose::TenantToken(i), Action::TenantToken { tenant_id });
        }
        self.finish_loop_when_done();
    }

    fn tenant_done(&mut self, i: usize, result: TenantResult) {
        if let Stage::TenantLoop(lp) = &mut self.stage {
            if let Some(slot) = lp.results.get_mut(i) {
                *slot = Some(result);
            }
            lp.running = lp.running.saturating_sub(1);
        }
        self.queue.push_back(Next::TenantDone);
        self.start_tenants();
    }

    /// Once every tenant has its result: az's rules, the warnings, then the save.
    fn finish_loop_when_done(&mut self) {
        let Stage::TenantLoop(lp) = &mut self.stage else {
            return;
        };
        if lp.next < lp.tenants.len() || lp.running > 0 {
            return;
        }
        let tenants = std::mem::take(&mut lp.tenants);
        let results = std::mem::take(&mut lp.results);
        let outcomes = tenants
            .into_iter()
            .zip(results)
            .filter_map(|(tenant, result)| result.map(|result| TenantOutcome { tenant, result }))
            .collect();
        let mut assembled = discovery::assemble(outcomes);
        let entries = crate::profile::tenant_loop_entries(
            std::mem::take(&mut assembled.found),
            &assembled.empty_tenants,
            &self.owner,
            self.options.allow_no_subscriptions,
        );
        self.stage = Stage::Discovering;
        for w in assembled.warnings {
            self.warn(w);
        }
        self.save(entries);
    }

    /// Asks for the save, or ends the login when nothing was found.
    fn save(&mut self, entries: Vec<Subscription>) {
        if entries.is_empty() {
            let error = self.principal.nothing_found();
            self.finish(Err(error));
            return;
        }
        let fields = self.principal.extra_user_fields();
        let entries: Vec<Subscription> = entries
            .into_iter()
            .map(|e| with_user_fields(e, &fields))
            .collect();
        let preferred = self.options.subscription.as_deref().and_then(|s| {
            entries
                .iter()
                .find(|e| names_entry(e, s))
                .map(|e| e.id().to_string())
        });
        self.stage = Stage::Saving;
        self.act(Purpose::Save, Action::Save { entries, preferred });
    }

    /// The outcome: the saved entries filtered to the `--subscription` match, as az does for
    /// every kind of login.
    fn outcome(
        &mut self,
        mut entries: Vec<Subscription>,
        default_id: Option<String>,
    ) -> Result<LoginOutcome> {
        if let Some(s) = self.options.subscription.clone() {
            let (matching, others): (Vec<_>, Vec<_>) =
                entries.into_iter().partition(|e| names_entry(e, &s));
            entries = if !matching.is_empty() {
                matching
            } else if self.options.skip_subscription_discovery {
                // Reached only with --allow-no-subscriptions: the tenant-level account stands.
                self.warn(format!(
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
            username: self.principal.name().to_string(),
        })
    }
}

/// Whether `wanted` (a `--subscription` value) names `entry`: its id or name, any case.
fn names_entry(entry: &Subscription, wanted: &str) -> bool {
    entry.id().eq_ignore_ascii_case(wanted)
        || entry.name().is_some_and(|n| n.eq_ignore_ascii_case(wanted))
}

/// The entry with az's extra `user` fields (`useCertSNIssuerAuth`, `assignedIdentityInfo`).
fn with_user_fields(entry: Subscription, fields: &[(&str, Value)]) -> Subscription {
    if fields.is_empty() {
        return entry;
    }
    let mut json = entry.to_json();
    if let Some(user) = json.get_mut("user").and_then(Value::as_object_mut) {
        for (k, v) in fields {
            user.insert((*k).to_string(), v.clone());
        }
    }
    Subscription::from_json(json).unwrap_or(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServerError;

    fn options(concurrency: usize) -> PlanOptions {
        PlanOptions {
            cloud: "AzureCloud".into(),
            allow_no_subscriptions: false,
            subscription: None,
            skip_subscription_discovery: false,
            concurrency,
        }
    }

    fn token(text: &str) -> AccessToken {
        AccessToken::new(text)
    }

    fn tenant(id: &str) -> Tenant {
        Tenant {
            tenant_id: id.into(),
            display_name: Some(format!("Tenant {id}")),
            default_domain: None,
        }
    }

    fn sub(id: &str) -> ArmSubscription {
        ArmSubscription {
            subscription_id: id.into(),
            display_name: Some(format!("Sub {id}")),
            state: Some("Enabled".into()),
            tenant_id: None,
            managed_by_tenants: None,
        }
    }

    /// What the plan asked for until it waited or ended: actions, warnings, the end.
    type Drained = (
        Vec<(ActionId, Action)>,
        Vec<String>,
        Option<Result<LoginOutcome>>,
    );

    /// Polls until the plan waits or ends, collecting what it asked for.
    fn drain(plan: &mut LoginPlan) -> Drained {
        let (mut actions, mut warnings) = (Vec::new(), Vec::new());
        loop {
            match plan.poll() {
                Next::Act(id, action) => actions.push((id, action)),
                Next::Warning(w) => warnings.push(w),
                Next::TenantDone => {}
                Next::Wait => return (actions, warnings, None),
                Next::Done(outcome) => return (actions, warnings, Some(outcome)),
            }
        }
    }

    /// Answers a save with the entries as given, the first the default.
    fn saved(entries: Vec<Subscription>) -> Answer {
        let default = entries.first().map(|e| e.id().to_string());
        Answer::Saved(Ok((entries, default)))
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

    #[test]
    fn a_domain_is_resolved_before_the_sign_in_and_a_guid_is_not() {
        let mut start = LoginStart::new(Some("contoso.example"));
        assert!(matches!(
            start.poll(),
            StartStep::ResolveTenant { domain } if domain == "contoso.example"
        ));
        start.handle_resolved("11111111-1111-4111-8111-111111111111".into());
        assert!(matches!(
            start.poll(),
            StartStep::Authenticate { tenant: Some(t) } if t == "11111111-1111-4111-8111-111111111111"
        ));
        for given in [
            None,
            Some("11111111-1111-4111-8111-111111111111"),
            Some("Organizations"),
            Some("common"),
        ] {
            assert!(
                matches!(LoginStart::new(given).poll(), StartStep::Authenticate { tenant } if tenant.as_deref() == given),
                "{given:?}"
            );
        }
    }

    #[test]
    fn the_discovery_plan_follows_tenant_skip_and_subscription() {
        let cases = [
            (None, false, None, DiscoveryPlan::TenantLoop),
            (None, true, Some("s"), DiscoveryPlan::TenantLoop),
            (
                Some("t"),
                false,
                Some("s"),
                DiscoveryPlan::SpecificTenant { tenant: "t".into() },
            ),
            (
                Some("t"),
                true,
                None,
                DiscoveryPlan::TenantLevelOnly { tenant: "t".into() },
            ),
            (
                Some("t"),
                true,
                Some("s"),
                DiscoveryPlan::OneSubscription {
                    tenant: "t".into(),
                    subscription_id: "s".into(),
                },
            ),
        ];
        for (tenant, skip, subscription, expected) in cases {
            assert_eq!(
                DiscoveryPlan::new(tenant, subscription, skip),
                expected,
                "{tenant:?} {skip} {subscription:?}"
            );
        }
    }

    #[test]
    fn a_tenant_level_login_asks_for_no_token_and_no_arm_call() {
        let mut plan = LoginPlan::new(
            Principal::User("u@x".into()),
            DiscoveryPlan::new(Some("t1"), None, true),
            options(4),
            None,
        );
        let (mut actions, warnings, done) = drain(&mut plan);
        assert!(warnings.is_empty() && done.is_none());
        assert_eq!(actions.len(), 1, "{actions:?}");
        let (id, Action::Save { entries, preferred }) = actions.remove(0) else {
            panic!("a save first");
        };
        assert_eq!(preferred, None);
        assert_eq!(entries[0].id(), "t1");
        assert_eq!(
            entries[0].name(),
            Some(crate::profile::TENANT_LEVEL_ACCOUNT_NAME)
        );
        plan.handle(id, saved(entries));
        let (_, _, done) = drain(&mut plan);
        let outcome = done.expect("done").expect("ok");
        assert_eq!(outcome.username, "u@x");
        assert_eq!(outcome.default_id.as_deref(), Some("t1"));
    }

    #[test]
    fn the_tenant_loop_keeps_at_most_concurrency_tenants_and_az_s_order() {
        let mut plan = LoginPlan::new(
            Principal::User("u@x".into()),
            DiscoveryPlan::TenantLoop,
            options(2),
            None,
        );
        let (mut actions, _, _) = drain(&mut plan);
        let (arm, Action::ArmToken) = actions.remove(0) else {
            panic!("an ARM token first: the sign-in's was for other scopes");
        };
        plan.handle(arm, Answer::ArmToken(Ok(token("arm"))));
        let (mut actions, _, _) = drain(&mut plan);
        let (list, Action::ListTenants { .. }) = actions.remove(0) else {
            panic!("the tenant list");
        };
        let tenants = vec![tenant("a"), tenant("b"), tenant("c")];
        plan.handle(list, Answer::Tenants(Ok(tenants)));
        let (started, _, _) = drain(&mut plan);
        let asked: Vec<&str> = started
            .iter()
            .map(|(_, a)| match a {
                Action::TenantToken { tenant_id } => tenant_id.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(asked, ["a", "b"], "two at once");
        let (a_token, b_token) = (started[0].0, started[1].0);
        // b finishes first: its list is asked for and c starts only once b is done.
        plan.handle(b_token, Answer::TenantToken(Ok(token("b"))));
        let (mut b_list, _, _) = drain(&mut plan);
        assert!(matches!(b_list[0].1, Action::ListSubscriptions { .. }));
        plan.handle(
            b_list.remove(0).0,
            Answer::Subscriptions(Ok(vec![sub("s-b")])),
        );
        let (c_started, _, _) = drain(&mut plan);
        assert!(matches!(&c_started[0].1, Action::TenantToken { tenant_id } if tenant_id == "c"));
        let mfa = Error::from_server(ServerError {
            error: "invalid_grant".into(),
            error_description: "AADSTS50076: MFA needed.".into(),
            error_codes: vec![50076],
            ..ServerError::default()
        });
        plan.handle(c_started[0].0, Answer::TenantToken(Err(mfa)));
        plan.handle(a_token, Answer::TenantToken(Ok(token("a"))));
        let (mut a_list, _, _) = drain(&mut plan);
        plan.handle(
            a_list.remove(0).0,
            Answer::Subscriptions(Ok(vec![sub("s-a")])),
        );
        let (mut save, warnings, _) = drain(&mut plan);
        assert_eq!(
            warnings[0],
            "Authentication failed against tenant c 'Tenant c': AADSTS50076: MFA needed."
        );
        assert!(warnings.iter().any(|w| w == "c 'Tenant c'"), "{warnings:?}");
        let (id, Action::Save { entries, .. }) = save.remove(0) else {
            panic!("the save");
        };
        let ids: Vec<&str> = entries.iter().map(Subscription::id).collect();
        assert_eq!(ids, ["s-a", "s-b"], "tenant order, not answer order");
        let json = entries[0].to_json();
        assert_eq!(json["tenantDisplayName"], "Tenant a");
        plan.handle(id, saved(entries));
        assert!(matches!(drain(&mut plan).2, Some(Ok(_))));
    }

    #[test]
    fn nothing_found_is_the_principal_s_error() {
        for (principal, code, text) in [
            (
                Principal::User("u@x".into()),
                "no_subscriptions",
                "No subscriptions found for u@x.",
            ),
            (
                Principal::ManagedIdentity {
                    name: "systemAssignedIdentity".into(),
                    assigned_identity_info: "MSI".into(),
                },
                "not_found",
                NO_MANAGED_IDENTITY_SUBSCRIPTIONS,
            ),
        ] {
            let mut plan = LoginPlan::new(
                principal,
                DiscoveryPlan::new(Some("t"), None, false),
                options(1),
                Some(token("arm")),
            );
            let (mut actions, _, _) = drain(&mut plan);
            plan.handle(actions.remove(0).0, Answer::Subscriptions(Ok(Vec::new())));
            let Some(Err(e)) = drain(&mut plan).2 else {
                panic!("an error");
            };
            assert_eq!(e.code(), code);
            assert_eq!(e.to_string(), text);
        }
    }

    #[test]
    fn apps_get_their_user_fields_and_a_failed_get_is_az_s_warning_then_error() {
        let mut o = options(1);
        o.subscription = Some("s1".into());
        o.skip_subscription_discovery = true;
        let principal = Principal::ServicePrincipal {
            client_id: "app".into(),
            cert_sn_issuer: true,
        };
        let mut plan = LoginPlan::new(
            principal.clone(),
            DiscoveryPlan::new(Some("t"), Some("s1"), true),
            o.clone(),
            Some(token("arm")),
        );
        let (mut actions, _, _) = drain(&mut plan);
        let (
            id,
            Action::GetSubscription {
                subscription_id, ..
            },
        ) = actions.remove(0)
        else {
            panic!("one GET");
        };
        assert_eq!(subscription_id, "s1");
        plan.handle(
            id,
            Answer::Subscription(Err(Error::NotFound("gone".into()))),
        );
        let (_, warnings, done) = drain(&mut plan);
        assert_eq!(warnings, ["Failed to retrieve subscription s1: gone"]);
        let Some(Err(e)) = done else {
            panic!("an error")
        };
        assert_eq!(
            e.to_string(),
            "The subscription 's1' could not be retrieved for 'app'. Ensure the subscription exists and that you have access to it."
        );

        let mut plan = LoginPlan::new(
            principal,
            DiscoveryPlan::new(Some("t"), Some("s1"), true),
            o,
            Some(token("arm")),
        );
        let (mut actions, _, _) = drain(&mut plan);
        plan.handle(actions.remove(0).0, Answer::Subscription(Ok(sub("s1"))));
        let (mut save, _, _) = drain(&mut plan);
        let (id, Action::Save { entries, preferred }) = save.remove(0) else {
            panic!("the save");
        };
        assert_eq!(preferred.as_deref(), Some("s1"));
        assert_eq!(
            entries[0].to_json()["user"],
            serde_json::json!({"name": "app", "type": "servicePrincipal", "useCertSNIssuerAuth": true})
        );
        plan.handle(id, saved(entries));
        let outcome = drain(&mut plan).2.expect("done").expect("ok");
        assert_eq!(outcome.subscriptions.len(), 1);
    }

    #[test]
    fn a_subscription_not_among_the_saved_entries_is_az_s_error() {
        let mut o = options(1);
        o.subscription = Some("Nope".into());
        let mut plan = LoginPlan::new(
            Principal::User("u@x".into()),
            DiscoveryPlan::new(Some("t"), None, false),
            o,
            Some(token("arm")),
        );
        let (mut actions, _, _) = drain(&mut plan);
        plan.handle(
            actions.remove(0).0,
            Answer::Subscriptions(Ok(vec![sub("s1")])),
        );
        let (mut save, _, _) = drain(&mut plan);
        let (id, Action::Save { entries, preferred }) = save.remove(0) else {
            panic!("the save");
        };
        assert_eq!(preferred, None);
        plan.handle(id, saved(entries));
        let Some(Err(e)) = drain(&mut plan).2 else {
            panic!("an error");
        };
        assert_eq!(
            e.to_string(),
            "Subscription 'Nope' not found. Check the ID or name and try again."
        );
    }
}
