//! One entry point for every kind of `az login`: a face parses its input into a
//! [`ParsedLogin`] (the core's one set of az's rules) and hands it over here.

use super::Session;
use super::login::{LoginEvents, LoginMethod, LoginOutcome, LoginRequest};
use super::managed_identity::ManagedIdentityLogin;
use super::service_principal::ServicePrincipalLogin;
use crate::error::Result;
use crate::login::browser::BrowserOptions;
use crate::login_input::{ParsedLogin, UserFlow};

/// A login of any kind, in the session's shapes.
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyLogin {
    /// A person: browser, device code or password.
    User(LoginRequest),
    /// A service principal: secret, certificate or federated token.
    ServicePrincipal(ServicePrincipalLogin),
    /// This machine's managed identity.
    ManagedIdentity(ManagedIdentityLogin),
}

impl AnyLogin {
    /// The session's shape of `parsed`; `browser` gives the browser flow its opener (called
    /// only for that flow).
    pub fn from_parsed(
        parsed: ParsedLogin,
        browser: impl FnOnce() -> Result<BrowserOptions>,
    ) -> Result<AnyLogin> {
        Ok(match parsed {
            ParsedLogin::User(user) => {
                let (flow, target, common) = user.into_parts();
                let method = match flow {
                    UserFlow::Browser => LoginMethod::Browser(browser()?),
                    UserFlow::DeviceCode => LoginMethod::DeviceCode,
                    UserFlow::Password { username, password } => {
                        LoginMethod::Password { username, password }
                    }
                };
                let (tenant, subscription, skip) = target.into_parts();
                let (scopes, allow_no_subscriptions, claims_challenge, concurrency) =
                    common.into_parts();
                let mut request = LoginRequest::new(method);
                request.tenant = tenant;
                request.scopes = scopes;
                request.allow_no_subscriptions = allow_no_subscriptions;
                request.subscription = subscription;
                request.claims_challenge = claims_challenge;
                request.skip_subscription_discovery = skip;
                request.concurrency = concurrency;
                AnyLogin::User(request)
            }
            ParsedLogin::ServicePrincipal(app) => {
                let (client_id, credential, cert_sn_issuer_auth, target, common) = app.into_parts();
                let (tenant, subscription, skip) = target.into_parts();
                let (scopes, allow_no_subscriptions, _claims, _concurrency) = common.into_parts();
                let mut request = ServicePrincipalLogin::new(client_id, credential);
                request.tenant = tenant;
                request.scopes = scopes;
                request.allow_no_subscriptions = allow_no_subscriptions;
                request.subscription = subscription;
                request.skip_subscription_discovery = skip;
                request.cert_sn_issuer_auth = cert_sn_issuer_auth;
                AnyLogin::ServicePrincipal(request)
            }
            ParsedLogin::ManagedIdentity(identity) => {
                AnyLogin::ManagedIdentity(ManagedIdentityLogin {
                    id: identity.id().clone(),
                    allow_no_subscriptions: identity.allow_no_subscriptions(),
                })
            }
        })
    }
}

impl Session {
    /// Runs the login `login` names; `browser` gives the browser flow its opener.
    pub async fn login_any(
        &self,
        login: ParsedLogin,
        browser: impl FnOnce() -> Result<BrowserOptions>,
        events: &dyn LoginEvents,
    ) -> Result<LoginOutcome> {
        match AnyLogin::from_parsed(login, browser)? {
            AnyLogin::User(request) => self.login(request, events).await,
            AnyLogin::ServicePrincipal(request) => {
                self.login_service_principal(request, events).await
            }
            AnyLogin::ManagedIdentity(request) => {
                self.login_managed_identity(request, events).await
            }
        }
    }
}
