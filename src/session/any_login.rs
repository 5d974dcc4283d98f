//! One entry point for every kind of `az login`, so a face that takes one options object (the
//! Node addon) hands it over without choosing the flow itself.

use super::LoginOutcome;
use super::login::{LoginEvents, LoginRequest};
use super::managed_identity::ManagedIdentityLogin;
use super::service_principal::ServicePrincipalLogin;
use super::{Session, SessionClient};
use crate::error::Result;
use crate::runtime::Runtime;

/// A login of any kind.
#[derive(Debug)]
pub enum AnyLogin {
    /// A person: browser, device code or password.
    User(LoginRequest),
    /// A service principal: secret, certificate or federated token.
    ServicePrincipal(ServicePrincipalLogin),
    /// This machine's managed identity.
    ManagedIdentity(ManagedIdentityLogin),
}

impl<C: SessionClient, R: Runtime> Session<C, R> {
    /// Runs the login `login` names.
    pub async fn login_any(
        &self,
        login: AnyLogin,
        events: &dyn LoginEvents,
    ) -> Result<LoginOutcome> {
        match login {
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
