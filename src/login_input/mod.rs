//! One parsed `az login`: every face (the CLI's flags, the Node addon's and the wasm package's
//! option objects) fills a [`LoginInput`] and calls [`LoginInput::check`], which applies az
//! 2.91.0's argument rules (`azure/cli/command_modules/profile/custom.py`, `login`) in az's
//! order with az's texts. What comes out, a [`ParsedLogin`], cannot hold a combination az
//! refuses: the kind of login, its credential and its discovery target are enums.
//!
//! Sans I/O: the password prompt is the caller's (a terminal for the CLI, none elsewhere).

mod parsed;
#[cfg(test)]
mod tests;

use crate::discovery::DEFAULT_CONCURRENCY;
use crate::error::{Error, Result};
use crate::oauth::managed_identity::ManagedIdentityId;
use crate::oauth::metadata::is_guid;
use crate::secret::{ClientAssertion, ClientSecret, Password};
use crate::token_cache::service_principals::StoredCredential;

pub use parsed::{
    AppLogin, DiscoveryTarget, IdentityLogin, LoginCommon, ParsedLogin, UserFlow, UserLogin,
};

/// az: `--identity` with `--password`, `--service-principal` or `--tenant`.
pub const IDENTITY_WITH_OTHERS: &str =
    "usage error: '--identity' is not applicable with other arguments";
/// az: `--identity` with `--username`.
pub const IDENTITY_WITH_USERNAME: &str = "Passing the managed identity ID with --username is no longer supported. Use --client-id, --object-id or --resource-id instead.";
/// az: `--use-device-code` with a password, a service principal, a username or `--identity`.
pub const DEVICE_CODE_WITH_OTHERS: &str =
    "usage error: '--use-device-code' is not applicable with other arguments";
/// az: `--use-cert-sn-issuer` without `--service-principal`.
pub const SN_ISSUER_WITHOUT_SERVICE_PRINCIPAL: &str =
    "usage error: '--use-sn-issuer' is only applicable with a service principal";
/// az: `--service-principal` without `--username`.
pub const SERVICE_PRINCIPAL_USAGE: &str =
    "usage error: --service-principal --username NAME --password SECRET --tenant TENANT";
/// az: `--skip-subscription-discovery` without `--tenant`.
pub const SKIP_WITHOUT_TENANT: &str =
    "usage error: '--skip-subscription-discovery' requires '--tenant'";
/// az: `--skip-subscription-discovery` with a `--subscription` that is not a GUID.
pub const SKIP_WITH_SUBSCRIPTION_NAME: &str = "usage error: '--subscription' must be a subscription ID (GUID), not a name, when combined with '--skip-subscription-discovery'.";
/// az: a username without a password and no terminal to ask on.
pub const PASSWORD_NOT_GIVEN: &str =
    "Please specify both username and password in non-interactive mode.";
/// A method other than device code (which az names) with a service principal or an identity.
const METHOD_FOR_USERS: &str = "usage error: 'method' names how a user signs in; a service principal or managed identity takes none";
/// The browser method with a username or password.
const BROWSER_WITH_CREDENTIALS: &str =
    "usage error: method 'browser' is not applicable with a username or password";
/// The password method without a username.
const PASSWORD_WITHOUT_USERNAME: &str = "usage error: method 'password' needs a username";

/// How a user signs in, when the face names it (az: only `--use-device-code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserMethod {
    /// The device-code flow.
    DeviceCode,
    /// The browser (authorization code + PKCE) flow.
    Browser,
    /// Username and password.
    Password,
}

impl UserMethod {
    /// The method a JavaScript `method` option names: `deviceCode`, `browser` or `password`.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "deviceCode" => Ok(UserMethod::DeviceCode),
            "browser" => Ok(UserMethod::Browser),
            "password" => Ok(UserMethod::Password),
            other => Err(Error::Usage(format!(
                "Unknown login method '{other}': use 'deviceCode', 'password' or 'browser'."
            ))),
        }
    }
}

/// Every argument of `az login` as a face received it, unchecked. Field names are az's.
#[derive(Debug, Default)]
pub struct LoginInput {
    /// `--username`: a user's sign-in name, or a service principal's client id.
    pub username: Option<String>,
    /// `--password`: a user's password, or a service principal's secret.
    pub password: Option<Password>,
    /// `--tenant`: a GUID or a domain.
    pub tenant: Option<String>,
    /// `--scope`.
    pub scopes: Option<Vec<String>>,
    /// `--allow-no-subscriptions`.
    pub allow_no_subscriptions: bool,
    /// `--claims-challenge`, already decoded.
    pub claims_challenge: Option<String>,
    /// How the user signs in (`--use-device-code` is `DeviceCode`); `None`: by the password
    /// with a username, else interactively.
    pub method: Option<UserMethod>,
    /// What an interactive login without a method uses: az opens the browser; the Node package
    /// asks for a device code (its callers often run where no browser is).
    pub interactive_default: InteractiveDefault,
    /// `--service-principal`.
    pub service_principal: bool,
    /// `--certificate`: a PEM file's path.
    pub certificate: Option<String>,
    /// `--use-cert-sn-issuer`.
    pub use_cert_sn_issuer: bool,
    /// `--federated-token`.
    pub federated_token: Option<ClientAssertion>,
    /// `--identity`.
    pub identity: bool,
    /// `--client-id`: a user-assigned managed identity's client id.
    pub identity_client_id: Option<String>,
    /// `--object-id`.
    pub identity_object_id: Option<String>,
    /// `--resource-id`.
    pub identity_resource_id: Option<String>,
    /// `--skip-subscription-discovery`.
    pub skip_subscription_discovery: bool,
    /// `--subscription`.
    pub subscription: Option<String>,
    /// azlogin: how many tenants to work on at once (`None`: the default; 0 counts as 1).
    pub concurrency: Option<usize>,
}

/// What an interactive login without a named method uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum InteractiveDefault {
    /// az's default: the browser.
    #[default]
    Browser,
    /// The device-code flow.
    DeviceCode,
}

/// A [`LoginInput`] that passed az's usage checks; the password (when a username came without
/// one) is still to be asked for. az prints its username/password warning at this point.
#[derive(Debug)]
pub struct CheckedLogin {
    input: LoginInput,
}

impl LoginInput {
    /// az's usage checks, in az's order, each a [`Error::Usage`] with az's text.
    pub fn check(self) -> Result<CheckedLogin> {
        let input = self.truthy();
        let a = &input;
        let usage = |text: &str| Err(Error::Usage(text.to_string()));
        let device_code = a.method == Some(UserMethod::DeviceCode);
        if a.identity && (a.password.is_some() || a.service_principal || a.tenant.is_some()) {
            return usage(IDENTITY_WITH_OTHERS);
        }
        if a.identity && a.username.is_some() {
            return usage(IDENTITY_WITH_USERNAME);
        }
        if device_code
            && (a.password.is_some() || a.service_principal || a.username.is_some() || a.identity)
        {
            return usage(DEVICE_CODE_WITH_OTHERS);
        }
        if a.method.is_some() && !device_code && (a.service_principal || a.identity) {
            return usage(METHOD_FOR_USERS);
        }
        if a.method == Some(UserMethod::Browser) && (a.username.is_some() || a.password.is_some()) {
            return usage(BROWSER_WITH_CREDENTIALS);
        }
        if a.method == Some(UserMethod::Password) && a.username.is_none() {
            return usage(PASSWORD_WITHOUT_USERNAME);
        }
        if a.use_cert_sn_issuer && !a.service_principal {
            return usage(SN_ISSUER_WITHOUT_SERVICE_PRINCIPAL);
        }
        if a.service_principal && a.username.is_none() {
            return usage(SERVICE_PRINCIPAL_USAGE);
        }
        if a.skip_subscription_discovery && a.tenant.is_none() {
            return usage(SKIP_WITHOUT_TENANT);
        }
        if a.skip_subscription_discovery && a.subscription.as_deref().is_some_and(|s| !is_guid(s)) {
            return usage(SKIP_WITH_SUBSCRIPTION_NAME);
        }
        Ok(CheckedLogin { input })
    }

    /// az tests its arguments for truth: an empty string counts as not given.
    fn truthy(mut self) -> Self {
        fn given(s: Option<String>) -> Option<String> {
            s.filter(|s| !s.is_empty())
        }
        self.username = given(self.username);
        self.password = self.password.filter(|p| !p.secret().is_empty());
        self.tenant = given(self.tenant);
        self.subscription = given(self.subscription);
        self.certificate = given(self.certificate);
        self.federated_token = self.federated_token.filter(|t| !t.secret().is_empty());
        self.identity_client_id = given(self.identity_client_id);
        self.identity_object_id = given(self.identity_object_id);
        self.identity_resource_id = given(self.identity_resource_id);
        self
    }

    /// [`LoginInput::check`] then [`CheckedLogin::finish`] with no prompt: for faces without a
    /// terminal.
    pub fn parse(self) -> Result<ParsedLogin> {
        self.check()?.finish(None)
    }
}

impl CheckedLogin {
    /// Whether az warns about signing a user in with a password (a username, no service
    /// principal, no identity); the text depends on the cloud
    /// (`crate::session::password_warning`).
    pub fn warns_about_password(&self) -> bool {
        let a = &self.input;
        a.username.is_some() && !a.service_principal && !a.identity
    }

    /// Whether the login needs a password that was not given (a terminal would ask for it).
    pub fn needs_password(&self) -> bool {
        let a = &self.input;
        a.username.is_some()
            && !a.identity
            && a.password.is_none()
            && !(a.service_principal && (a.certificate.is_some() || a.federated_token.is_some()))
    }

    /// The parsed login. A password still missing comes from `prompt` (az's `Password: `), or
    /// without one is az's "non-interactive mode" error.
    pub fn finish(
        self,
        prompt: Option<&mut dyn FnMut() -> Result<Password>>,
    ) -> Result<ParsedLogin> {
        let needs_password = self.needs_password();
        let mut a = self.input;
        if needs_password {
            a.password = Some(match prompt {
                Some(ask) => ask()?,
                None => return Err(Error::Usage(PASSWORD_NOT_GIVEN.into())),
            });
        }
        let common = LoginCommon {
            scopes: a.scopes,
            allow_no_subscriptions: a.allow_no_subscriptions,
            claims_challenge: a.claims_challenge,
            concurrency: a.concurrency.unwrap_or(DEFAULT_CONCURRENCY).max(1),
        };
        let target = DiscoveryTarget::new(a.tenant, a.subscription, a.skip_subscription_discovery);
        if a.identity {
            let id = ManagedIdentityId::from_ids(
                a.identity_client_id,
                a.identity_object_id,
                a.identity_resource_id,
            )?;
            return Ok(ParsedLogin::ManagedIdentity(IdentityLogin {
                id,
                allow_no_subscriptions: common.allow_no_subscriptions,
            }));
        }
        if a.service_principal {
            // az's `ServicePrincipalAuth.build_credential`: the secret, else the certificate,
            // else the federated token.
            let credential = match (a.password, a.certificate, a.federated_token) {
                (Some(secret), _, _) => {
                    StoredCredential::Secret(ClientSecret::new(secret.secret()))
                }
                (None, Some(path), _) => StoredCredential::Certificate {
                    path,
                    send_x5c: a.use_cert_sn_issuer,
                },
                (None, None, Some(token)) => StoredCredential::Assertion(token),
                (None, None, None) => return Err(Error::Usage(PASSWORD_NOT_GIVEN.into())),
            };
            return Ok(ParsedLogin::ServicePrincipal(AppLogin {
                client_id: a.username.unwrap_or_default(),
                credential,
                cert_sn_issuer_auth: a.use_cert_sn_issuer,
                target,
                common,
            }));
        }
        let flow = match (a.username, a.method) {
            (Some(username), _) => UserFlow::Password {
                username,
                password: a.password.unwrap_or_else(|| Password::new(String::new())),
            },
            (None, Some(UserMethod::DeviceCode)) => UserFlow::DeviceCode,
            (None, Some(_)) => UserFlow::Browser,
            (None, None) => match a.interactive_default {
                InteractiveDefault::Browser => UserFlow::Browser,
                InteractiveDefault::DeviceCode => UserFlow::DeviceCode,
            },
        };
        Ok(ParsedLogin::User(UserLogin {
            flow,
            target,
            common,
        }))
    }
}
