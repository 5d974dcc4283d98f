//! The parsed login: one enum per decision az makes, so what az refuses cannot be built.

use crate::oauth::managed_identity::ManagedIdentityId;
use crate::secret::Password;
use crate::token_cache::service_principals::StoredCredential;

/// A login az accepts, of one of three kinds.
#[derive(Debug)]
#[non_exhaustive]
pub enum ParsedLogin {
    /// A person: browser, device code or password.
    User(UserLogin),
    /// A service principal with exactly one credential.
    ServicePrincipal(AppLogin),
    /// This machine's managed identity.
    ManagedIdentity(IdentityLogin),
}

/// How a person signs in.
#[derive(Debug)]
#[non_exhaustive]
pub enum UserFlow {
    /// The browser (authorization code + PKCE on a loopback redirect).
    Browser,
    /// The device-code flow.
    DeviceCode,
    /// Username and password (ROPC).
    Password {
        /// The sign-in name.
        username: String,
        /// The password.
        password: Password,
    },
}

/// Which tenants and subscriptions a login looks at afterwards.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiscoveryTarget {
    /// No tenant: every tenant the account sees; `subscription` (a name or id) is the default.
    AllTenants {
        /// `--subscription`.
        subscription: Option<String>,
    },
    /// `--tenant T`: that tenant's subscriptions.
    Tenant {
        /// The tenant (GUID or domain).
        tenant: String,
        /// `--subscription`.
        subscription: Option<String>,
    },
    /// `--tenant T --skip-subscription-discovery`: a tenant-level account, no ARM call.
    TenantLevelOnly {
        /// The tenant.
        tenant: String,
    },
    /// `--tenant T --skip-subscription-discovery --subscription GUID`: one ARM GET.
    OneSubscription {
        /// The tenant.
        tenant: String,
        /// The subscription's id (a GUID).
        subscription_id: String,
    },
}

impl DiscoveryTarget {
    /// From arguments that passed the checks (skip only with a tenant and a GUID).
    pub(super) fn new(tenant: Option<String>, subscription: Option<String>, skip: bool) -> Self {
        match (tenant, subscription, skip) {
            (None, subscription, _) => DiscoveryTarget::AllTenants { subscription },
            (Some(tenant), subscription, false) => DiscoveryTarget::Tenant {
                tenant,
                subscription,
            },
            (Some(tenant), None, true) => DiscoveryTarget::TenantLevelOnly { tenant },
            (Some(tenant), Some(subscription_id), true) => DiscoveryTarget::OneSubscription {
                tenant,
                subscription_id,
            },
        }
    }

    /// The tenant, when one was named.
    pub fn tenant(&self) -> Option<&str> {
        match self {
            DiscoveryTarget::AllTenants { .. } => None,
            DiscoveryTarget::Tenant { tenant, .. }
            | DiscoveryTarget::TenantLevelOnly { tenant }
            | DiscoveryTarget::OneSubscription { tenant, .. } => Some(tenant),
        }
    }

    /// The subscription named (the default afterwards, and the output filter).
    pub fn subscription(&self) -> Option<&str> {
        match self {
            DiscoveryTarget::AllTenants { subscription }
            | DiscoveryTarget::Tenant { subscription, .. } => subscription.as_deref(),
            DiscoveryTarget::TenantLevelOnly { .. } => None,
            DiscoveryTarget::OneSubscription {
                subscription_id, ..
            } => Some(subscription_id),
        }
    }

    /// Whether subscription discovery is skipped.
    pub fn skips_discovery(&self) -> bool {
        matches!(
            self,
            DiscoveryTarget::TenantLevelOnly { .. } | DiscoveryTarget::OneSubscription { .. }
        )
    }

    /// The target as az's three arguments: `(tenant, subscription, skip_subscription_discovery)`.
    pub fn into_parts(self) -> (Option<String>, Option<String>, bool) {
        match self {
            DiscoveryTarget::AllTenants { subscription } => (None, subscription, false),
            DiscoveryTarget::Tenant {
                tenant,
                subscription,
            } => (Some(tenant), subscription, false),
            DiscoveryTarget::TenantLevelOnly { tenant } => (Some(tenant), None, true),
            DiscoveryTarget::OneSubscription {
                tenant,
                subscription_id,
            } => (Some(tenant), Some(subscription_id), true),
        }
    }
}

/// What user and service-principal logins share.
#[derive(Debug)]
pub struct LoginCommon {
    pub(super) scopes: Option<Vec<String>>,
    pub(super) allow_no_subscriptions: bool,
    pub(super) claims_challenge: Option<String>,
    pub(super) concurrency: usize,
}

impl LoginCommon {
    /// `--scope`: the login's own token request.
    pub fn scopes(&self) -> Option<&[String]> {
        self.scopes.as_deref()
    }

    /// `--allow-no-subscriptions`.
    pub fn allow_no_subscriptions(&self) -> bool {
        self.allow_no_subscriptions
    }

    /// `--claims-challenge`, decoded.
    pub fn claims_challenge(&self) -> Option<&str> {
        self.claims_challenge.as_deref()
    }

    /// Tenants worked on at once (at least 1).
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// The fields, moved out: `(scopes, allow_no_subscriptions, claims_challenge, concurrency)`.
    pub fn into_parts(self) -> (Option<Vec<String>>, bool, Option<String>, usize) {
        (
            self.scopes,
            self.allow_no_subscriptions,
            self.claims_challenge,
            self.concurrency,
        )
    }
}

/// A person's login.
#[derive(Debug)]
pub struct UserLogin {
    pub(super) flow: UserFlow,
    pub(super) target: DiscoveryTarget,
    pub(super) common: LoginCommon,
}

impl UserLogin {
    /// How the user signs in.
    pub fn flow(&self) -> &UserFlow {
        &self.flow
    }

    /// Whether the user signs in interactively (browser or device code): when az may show the
    /// subscription selector.
    pub fn is_interactive(&self) -> bool {
        !matches!(self.flow, UserFlow::Password { .. })
    }

    /// Which tenants and subscriptions are looked at.
    pub fn target(&self) -> &DiscoveryTarget {
        &self.target
    }

    /// The shared arguments.
    pub fn common(&self) -> &LoginCommon {
        &self.common
    }

    /// A browser login becomes a device-code login (no browser can work here).
    pub fn browser_to_device_code(&mut self) {
        if matches!(self.flow, UserFlow::Browser) {
            self.flow = UserFlow::DeviceCode;
        }
    }

    /// The parts, moved out.
    pub fn into_parts(self) -> (UserFlow, DiscoveryTarget, LoginCommon) {
        (self.flow, self.target, self.common)
    }
}

/// A service principal's login.
#[derive(Debug)]
pub struct AppLogin {
    pub(super) client_id: String,
    pub(super) credential: StoredCredential,
    pub(super) cert_sn_issuer_auth: bool,
    pub(super) target: DiscoveryTarget,
    pub(super) common: LoginCommon,
}

impl AppLogin {
    /// The application (client) id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The one credential.
    pub fn credential(&self) -> &StoredCredential {
        &self.credential
    }

    /// `--use-cert-sn-issuer` (recorded in the profile whatever the credential).
    pub fn cert_sn_issuer_auth(&self) -> bool {
        self.cert_sn_issuer_auth
    }

    /// Which tenants and subscriptions are looked at.
    pub fn target(&self) -> &DiscoveryTarget {
        &self.target
    }

    /// The parts, moved out: `(client_id, credential, cert_sn_issuer_auth, target, common)`.
    pub fn into_parts(self) -> (String, StoredCredential, bool, DiscoveryTarget, LoginCommon) {
        (
            self.client_id,
            self.credential,
            self.cert_sn_issuer_auth,
            self.target,
            self.common,
        )
    }
}

/// A managed identity's login.
#[derive(Debug)]
pub struct IdentityLogin {
    pub(super) id: ManagedIdentityId,
    pub(super) allow_no_subscriptions: bool,
}

impl IdentityLogin {
    /// Which identity.
    pub fn id(&self) -> &ManagedIdentityId {
        &self.id
    }

    /// `--allow-no-subscriptions`.
    pub fn allow_no_subscriptions(&self) -> bool {
        self.allow_no_subscriptions
    }
}
