//! The Node package's option objects: `login()`, `getAccessToken()` and the account functions.

use super::keys::{ObjectReader, disagree, keys_with};
use crate::error::{Error, Result};
use crate::login_input::{InteractiveDefault, LoginInput, UserMethod};
use crate::secret::{ClientAssertion, Password};
use serde_json::Value;

/// Where the files are and which cloud is active: in every Node options object.
pub const SESSION_KEYS: &[&str] = &["configDir", "cloud"];

/// `login()`'s keys (the callbacks and `signal` are the package's own, listed for the check).
pub const LOGIN_KEYS: &[&str] = &[
    "configDir",
    "cloud",
    "method",
    "useDeviceCode",
    "username",
    "password",
    "tenant",
    "tenantId",
    "scopes",
    "scope",
    "allowNoSubscriptions",
    "subscription",
    "claimsChallenge",
    "skipSubscriptionDiscovery",
    "concurrency",
    "timeoutMs",
    "servicePrincipal",
    "managedIdentity",
    "signal",
    "onDeviceCode",
    "onProgress",
    "onWarning",
    "openBrowser",
];

/// `login({ servicePrincipal })`'s keys.
pub const SERVICE_PRINCIPAL_KEYS: &[&str] = &[
    "clientId",
    "secret",
    "certificate",
    "useCertSnIssuer",
    "federatedToken",
    "tenant",
    "tenantId",
];

/// `login({ managedIdentity })`'s keys.
pub const MANAGED_IDENTITY_KEYS: &[&str] = &["clientId", "objectId", "resourceId"];

/// `getAccessToken()`'s keys.
pub const TOKEN_KEYS: &[&str] = &[
    "configDir",
    "cloud",
    "scopes",
    "scope",
    "resource",
    "tenant",
    "tenantId",
    "subscription",
    "forceRefresh",
    "claims",
    "abortSignal",
    "signal",
];

/// The session keys and `extra`, for the account functions (`listAccounts({ all })`, …).
pub fn session_keys_with(extra: &[&'static str]) -> Vec<&'static str> {
    keys_with(SESSION_KEYS, extra)
}

/// `login()`'s options, read.
#[derive(Debug)]
pub struct LoginOptions {
    /// The login, to be parsed by [`LoginInput::parse`].
    pub input: LoginInput,
    /// `configDir`.
    pub config_dir: Option<String>,
    /// `cloud`.
    pub cloud: Option<String>,
    /// `timeoutMs`.
    pub timeout_ms: Option<u64>,
}

impl LoginOptions {
    /// Reads `login()`'s options (every key checked); az's rules come after, in
    /// [`LoginInput::parse`].
    pub fn from_json(value: &Value) -> Result<Self> {
        let o = ObjectReader::new("options", value, LOGIN_KEYS)?;
        let sp = o.object("servicePrincipal", SERVICE_PRINCIPAL_KEYS)?;
        let mi = o.object("managedIdentity", MANAGED_IDENTITY_KEYS)?;
        let tenant = o.agreeing(&["tenant", "tenantId"], ObjectReader::string)?;
        let sp_tenant = match &sp {
            Some(sp) => sp.agreeing(&["tenant", "tenantId"], ObjectReader::string)?,
            None => None,
        };
        let tenant = match (tenant, sp_tenant) {
            (Some(a), Some(b)) if a != b => {
                return Err(disagree("tenant", "servicePrincipal.tenant"));
            }
            (a, b) => a.or(b),
        };
        let method = o
            .string("method")?
            .map(|m| UserMethod::from_name(&m))
            .transpose()?;
        let method = match (method, o.boolean("useDeviceCode")?) {
            (Some(m), Some(true)) if m != UserMethod::DeviceCode => {
                return Err(disagree("method", "useDeviceCode"));
            }
            (Some(UserMethod::DeviceCode), Some(false)) => {
                return Err(disagree("method", "useDeviceCode"));
            }
            (m, Some(true)) => m.or(Some(UserMethod::DeviceCode)),
            (m, _) => m,
        };
        let mut input = LoginInput {
            username: o.string("username")?,
            password: o.string("password")?.map(Password::new),
            tenant,
            scopes: o.agreeing(&["scopes", "scope"], ObjectReader::strings)?,
            allow_no_subscriptions: o.flag("allowNoSubscriptions")?,
            claims_challenge: o.string("claimsChallenge")?,
            method,
            interactive_default: InteractiveDefault::DeviceCode,
            skip_subscription_discovery: o.flag("skipSubscriptionDiscovery")?,
            subscription: o.string("subscription")?,
            concurrency: o
                .count("concurrency")?
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            ..LoginInput::default()
        };
        if let Some(sp) = sp {
            // az's `-u` is the client id, `-p` the secret.
            if input.username.is_some() || input.password.is_some() {
                return Err(Error::Usage(
                    "usage error: a service principal's id and secret go in `servicePrincipal` ({ clientId, secret }), not in `username` and `password`".into(),
                ));
            }
            input.service_principal = true;
            input.username = sp.string("clientId")?;
            input.password = sp.string("secret")?.map(Password::new);
            input.certificate = sp.string("certificate")?;
            input.use_cert_sn_issuer = sp.flag("useCertSnIssuer")?;
            input.federated_token = sp.string("federatedToken")?.map(ClientAssertion::new);
            let given = [
                sp.has("secret"),
                sp.has("certificate"),
                sp.has("federatedToken"),
            ];
            if given.iter().filter(|g| **g).count() > 1 {
                return Err(Error::Usage(
                    "usage error: `servicePrincipal` takes exactly one of `secret`, `certificate` and `federatedToken`".into(),
                ));
            }
        }
        if let Some(mi) = mi {
            input.identity = true;
            input.identity_client_id = mi.string("clientId")?;
            input.identity_object_id = mi.string("objectId")?;
            input.identity_resource_id = mi.string("resourceId")?;
        }
        Ok(Self {
            input,
            config_dir: o.string("configDir")?,
            cloud: o.string("cloud")?,
            timeout_ms: o.count("timeoutMs")?,
        })
    }
}

/// `getAccessToken()`'s options, read.
#[derive(Debug, Default)]
pub struct TokenOptions {
    /// `scopes` or `scope` (a string or a list).
    pub scopes: Option<Vec<String>>,
    /// `resource`.
    pub resource: Option<String>,
    /// `tenant` or `tenantId`.
    pub tenant: Option<String>,
    /// `subscription`.
    pub subscription: Option<String>,
    /// `forceRefresh`.
    pub force_refresh: bool,
    /// `claims`.
    pub claims: Option<String>,
    /// `configDir`.
    pub config_dir: Option<String>,
    /// `cloud`.
    pub cloud: Option<String>,
}

impl TokenOptions {
    /// Reads `getAccessToken()`'s options, every key checked.
    pub fn from_json(value: &Value) -> Result<Self> {
        let o = ObjectReader::new("options", value, TOKEN_KEYS)?;
        Ok(Self {
            scopes: o.agreeing(&["scopes", "scope"], ObjectReader::strings)?,
            resource: o.string("resource")?,
            tenant: o.agreeing(&["tenant", "tenantId"], ObjectReader::string)?,
            subscription: o.string("subscription")?,
            force_refresh: o.flag("forceRefresh")?,
            claims: o.string("claims")?,
            config_dir: o.string("configDir")?,
            cloud: o.string("cloud")?,
        })
    }
}

/// The keys of the Node package's other option objects, by function: `listAccounts`,
/// `showAccount`, `setAccount`, `logout`, `clearAccounts`, `AzLoginCredential` (its
/// constructor) and `startEmulator`.
pub fn known_keys(function: &str) -> Option<Vec<&'static str>> {
    Some(match function {
        "listAccounts" => session_keys_with(&["all"]),
        "showAccount" | "setAccount" => session_keys_with(&["subscription"]),
        "logout" => session_keys_with(&["username"]),
        "clearAccounts" => session_keys_with(&[]),
        "AzLoginCredential" => session_keys_with(&["tenantId", "subscription"]),
        "startEmulator" => vec!["scenario", "latencyMs", "tls", "port", "seed"],
        _ => return None,
    })
}

/// Checks the keys of `function`'s options object (see [`known_keys`]).
pub fn check_keys(function: &str, value: &Value) -> Result<()> {
    let known = known_keys(function)
        .ok_or_else(|| Error::Usage(format!("No options are known for `{function}`")))?;
    ObjectReader::new("options", value, &known).map(|_| ())
}

/// What a browser page can run of a login (the wasm package's `parseLogin`): `login()`'s
/// options, read and parsed as the Node package reads them, then the kinds a browser cannot do
/// refused. The answer is the parsed login as JSON (no secret in it).
pub fn browser_login(value: &Value) -> Result<Value> {
    use crate::login_input::{ParsedLogin, UserFlow};
    use crate::token_cache::service_principals::StoredCredential;
    let cannot = |what: &str, instead: &str| {
        Err(Error::Usage(format!(
            "usage error: {what} cannot run in a browser; {instead}"
        )))
    };
    let (kind, target, client_id) = match LoginOptions::from_json(value)?.input.parse()? {
        ParsedLogin::User(user) => match user.flow() {
            UserFlow::DeviceCode => ("deviceCode", user.target().clone(), None),
            UserFlow::Browser => {
                return cannot(
                    "the browser login (a loopback redirect)",
                    "use method 'deviceCode'",
                );
            }
            _ => {
                return cannot(
                    "the password login (Entra ID refuses it across origins)",
                    "use method 'deviceCode'",
                );
            }
        },
        ParsedLogin::ServicePrincipal(app) => match app.credential() {
            StoredCredential::Certificate { .. } => {
                return cannot(
                    "a certificate file",
                    "pass the PEM text to acquireTokenForClient({ certificate: { pem } })",
                );
            }
            _ => (
                "servicePrincipal",
                app.target().clone(),
                Some(app.client_id().to_string()),
            ),
        },
        _ => {
            return cannot(
                "a managed identity (no instance metadata service is reachable from a page)",
                "use a device code or a service principal",
            );
        }
    };
    Ok(serde_json::json!({
        "kind": kind,
        "clientId": client_id,
        "tenant": target.tenant(),
        "subscription": target.subscription(),
        "skipSubscriptionDiscovery": target.skips_discovery(),
    }))
}
