//! The wasm package's option objects: the device-code flow, `acquireTokenForClient` and
//! `discoverSubscriptions`, and the one place their token requests get the CLI's defaults
//! (the cloud's login endpoint and ARM scope, the CLI's client id, CP1 claims).

use serde_json::Value;

use super::keys::{ObjectReader, disagree, keys_with};
use crate::cloud::{AZURE_CLOUD, Cloud, CloudEndpoints, cloud_with_overrides};
use crate::error::{Error, Result};
use crate::oauth::token::TokenContext;
use crate::oauth::{AZURE_CLI_CLIENT_ID, Authority, CP1_CLAIMS};

/// `cloud: { … }`'s keys.
pub const CLOUD_KEYS: &[&str] = &["name", "loginEndpoint", "armEndpoint", "armResourceId"];
/// `new DeviceCodeSteps(options)`'s keys.
pub const DEVICE_CODE_KEYS: &[&str] = &[
    "cloud",
    "loginEndpoint",
    "authorityHost",
    "authority",
    "tenant",
    "tenantId",
    "clientId",
    "scopes",
    "claims",
];
/// `new DeviceCodeFlow(options)`'s keys: [`DEVICE_CODE_KEYS`] and the host's `fetch`.
pub fn device_code_flow_keys() -> Vec<&'static str> {
    keys_with(DEVICE_CODE_KEYS, &["fetch"])
}
/// `waitForToken(options)`'s keys.
pub const WAIT_KEYS: &[&str] = &["signal"];
/// `acquireTokenForClient(options)`'s keys: [`DEVICE_CODE_KEYS`], the credential, `signal`
/// and `fetch`.
pub fn client_credential_keys() -> Vec<&'static str> {
    keys_with(
        DEVICE_CODE_KEYS,
        &["secret", "certificate", "federatedToken", "signal", "fetch"],
    )
}
/// `acquireTokenForClient({ certificate })`'s keys.
pub const CERTIFICATE_KEYS: &[&str] = &["pem", "useCertSnIssuer"];
/// `discoverSubscriptions(options)`'s keys.
pub const DISCOVER_KEYS: &[&str] = &[
    "armToken",
    "refreshToken",
    "clientId",
    "username",
    "cloud",
    "concurrency",
    "allowNoSubscriptions",
    "signal",
    "fetch",
];

/// The option names of the core's endpoint names, for the core's error message.
const LABELS: [(&str, &str); 3] = [
    ("active_directory", "loginEndpoint"),
    ("resource_manager", "armEndpoint"),
    ("active_directory_resource_id", "armResourceId"),
];

/// The `claims` option: omitted sends CP1 as the CLI does; `""` sends none.
pub fn claims_or_cp1(given: Option<String>) -> Option<String> {
    match given {
        None => Some(CP1_CLAIMS.to_string()),
        Some(c) if c.is_empty() => None,
        Some(c) => Some(c),
    }
}

/// MSAL's `authority`: a login endpoint and a tenant, e.g.
/// `https://login.microsoftonline.com/organizations` → (`https://login.microsoftonline.com`,
/// `organizations`). An AD FS authority (`…/adfs`) has no tenant.
pub fn parse_authority(authority: &str) -> Result<(String, Option<String>)> {
    let bad = || {
        Error::Usage(format!(
            "`authority` must be a login endpoint and a tenant, e.g. https://login.microsoftonline.com/organizations (got '{authority}')"
        ))
    };
    let url = url::Url::parse(authority).map_err(|_| bad())?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(bad());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad());
    }
    let path = url.path().trim_end_matches('/');
    if path.eq_ignore_ascii_case("/adfs") {
        return Ok((authority.trim_end_matches('/').to_string(), None));
    }
    let (base, tenant) = path.rsplit_once('/').ok_or_else(bad)?;
    if tenant.is_empty() {
        return Err(bad());
    }
    let origin = url.origin().ascii_serialization();
    Ok((format!("{origin}{base}"), Some(tenant.to_string())))
}

/// Where a token request goes and what it asks for, with the CLI's defaults: one reading of
/// `{ cloud, loginEndpoint | authorityHost, authority, tenant | tenantId, clientId, scopes,
/// claims }` for every wasm entry point.
#[derive(Debug)]
pub struct DeviceCodeOptions {
    cloud: Cloud,
    tenant: Option<String>,
    client_id: Option<String>,
    scopes: Option<Vec<String>>,
    claims: Option<String>,
}

impl DeviceCodeOptions {
    /// Reads the options object (its keys checked against `known`).
    pub fn from_json(value: &Value, known: &[&str]) -> Result<Self> {
        let o = ObjectReader::new("options", value, known)?;
        Self::read(&o)
    }

    /// Reads the token fields of an already checked object.
    pub fn read(o: &ObjectReader<'_>) -> Result<Self> {
        let mut endpoint = o.agreeing(&["loginEndpoint", "authorityHost"], ObjectReader::string)?;
        let mut tenant = o.agreeing(&["tenant", "tenantId"], ObjectReader::string)?;
        if let Some(authority) = o.string("authority")? {
            let (host, authority_tenant) = parse_authority(&authority)?;
            match &endpoint {
                Some(e) if !same_endpoint(e, &host) => {
                    return Err(disagree("authority", "loginEndpoint"));
                }
                _ => endpoint = Some(host),
            }
            match (&tenant, authority_tenant) {
                (Some(t), Some(a)) if !t.eq_ignore_ascii_case(&a) => {
                    return Err(disagree("authority", "tenant"));
                }
                (None, a) => tenant = a,
                _ => {}
            }
        }
        let cloud = read_cloud(o, endpoint)?;
        Ok(Self {
            cloud,
            tenant,
            client_id: o.string("clientId")?,
            scopes: o.strings("scopes")?,
            claims: o.string("claims")?,
        })
    }

    /// The cloud the requests go to.
    pub fn cloud(&self) -> &Cloud {
        &self.cloud
    }

    /// The tenant named, if any.
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    /// The client id named, if any.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// The token context and scopes, each defaulting to what `az login` uses.
    pub fn token_context(&self) -> Result<(TokenContext, Vec<String>)> {
        let authority = Authority::new(self.cloud.login_endpoint()?, self.tenant.as_deref());
        let scopes = match &self.scopes {
            Some(s) => s.clone(),
            None => vec![self.cloud.default_scope()?],
        };
        let ctx = TokenContext {
            authority,
            client_id: self
                .client_id
                .clone()
                .unwrap_or_else(|| AZURE_CLI_CLIENT_ID.into()),
            claims: claims_or_cp1(self.claims.clone()),
        };
        Ok((ctx, scopes))
    }
}

fn same_endpoint(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// The `cloud` option (a built-in cloud's name, or endpoints over one or of a custom cloud);
/// `login_endpoint` (the top-level shorthand) replaces its login endpoint.
fn read_cloud(o: &ObjectReader<'_>, login_endpoint: Option<String>) -> Result<Cloud> {
    let mut overrides = CloudEndpoints::default();
    let mut name = None;
    match o.value("cloud") {
        None => {}
        Some(Value::String(n)) => name = Some(n.clone()),
        Some(Value::Object(_)) => {
            let c = o.object("cloud", CLOUD_KEYS)?.ok_or_else(|| {
                Error::Usage("`cloud` must be a cloud's name or an object".into())
            })?;
            name = c.string("name")?;
            overrides.active_directory = c.string("loginEndpoint")?;
            overrides.resource_manager = c.string("armEndpoint")?;
            overrides.active_directory_resource_id = c.string("armResourceId")?;
        }
        Some(_) => {
            return Err(Error::Usage(
                "`cloud` must be a built-in cloud's name or { name, loginEndpoint, armEndpoint, armResourceId }".into(),
            ));
        }
    }
    if let Some(endpoint) = login_endpoint {
        if let Some(given) = &overrides.active_directory
            && !same_endpoint(given, &endpoint)
        {
            return Err(disagree("cloud.loginEndpoint", "loginEndpoint"));
        }
        overrides.active_directory = Some(endpoint);
    }
    let name = name.as_deref().unwrap_or(AZURE_CLOUD);
    cloud_with_overrides(name, &overrides, |endpoint| {
        LABELS
            .iter()
            .find(|(core, _)| *core == endpoint)
            .map_or(endpoint, |(_, option)| option)
            .to_string()
    })
}

/// `acquireTokenForClient`'s credential: exactly one of the three.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientCredentialInput {
    /// `secret`.
    Secret(crate::secret::ClientSecret),
    /// `certificate: { pem, useCertSnIssuer }`: the PEM text (key and certificate).
    Certificate {
        /// The PEM text.
        pem: crate::secret::Password,
        /// Send the certificate chain (`x5c`).
        send_x5c: bool,
    },
    /// `federatedToken`.
    FederatedToken(crate::secret::ClientAssertion),
}

/// `acquireTokenForClient`'s options, read (`signal` and `fetch` are the binding's).
#[derive(Debug)]
pub struct ClientCredentialOptions {
    /// Where the token request goes; `tenant` and `clientId` are required.
    pub target: DeviceCodeOptions,
    /// The credential.
    pub credential: ClientCredentialInput,
}

impl ClientCredentialOptions {
    /// Reads the options object, every key checked; a wrong field is named, never its value.
    pub fn from_json(value: &Value) -> Result<Self> {
        if !value.is_object() {
            return Err(Error::Usage(
                "acquireTokenForClient needs { tenant, clientId } and a credential".into(),
            ));
        }
        let o = ObjectReader::new("options", value, &client_credential_keys())?;
        let target = DeviceCodeOptions::read(&o)?;
        if target.tenant.is_none() {
            return Err(Error::Usage("acquireTokenForClient needs `tenant` (a tenant id or domain): app-only tokens are issued per tenant".into()));
        }
        if target.client_id.is_none() {
            return Err(Error::Usage(
                "acquireTokenForClient needs `clientId` (the application id)".into(),
            ));
        }
        let secret = o.string("secret")?;
        let federated = o.string("federatedToken")?;
        let certificate = match o.value("certificate") {
            None => None,
            Some(Value::Object(_)) => o.object("certificate", CERTIFICATE_KEYS)?,
            Some(_) => {
                return Err(Error::Usage(
                    "`certificate` must be an object: { pem, useCertSnIssuer? }".into(),
                ));
            }
        };
        let credential = match (secret, certificate, federated) {
            (Some(s), None, None) => {
                ClientCredentialInput::Secret(crate::secret::ClientSecret::new(s))
            }
            (None, None, Some(t)) => {
                ClientCredentialInput::FederatedToken(crate::secret::ClientAssertion::new(t))
            }
            (None, Some(c), None) => ClientCredentialInput::Certificate {
                pem: crate::secret::Password::new(c.string("pem")?.ok_or_else(|| {
                    Error::Usage("`certificate.pem` is required: the PEM text of the private key and the certificate".into())
                })?),
                send_x5c: c.flag("useCertSnIssuer")?,
            },
            _ => {
                return Err(Error::Usage(
                    "acquireTokenForClient needs exactly one of `secret`, `certificate` and `federatedToken`".into(),
                ));
            }
        };
        Ok(Self { target, credential })
    }
}

/// `discoverSubscriptions`' options, read (`signal` and `fetch` are the binding's).
#[derive(Debug)]
pub struct DiscoverOptions {
    /// The cloud and the CLI's token defaults (no tenant: the tenant loop).
    pub target: DeviceCodeOptions,
    /// `armToken`.
    pub arm_token: Option<crate::secret::AccessToken>,
    /// `refreshToken`.
    pub refresh_token: Option<crate::secret::RefreshToken>,
    /// `username`: the user named in each entry.
    pub username: Option<String>,
    /// `concurrency`.
    pub concurrency: Option<usize>,
    /// `allowNoSubscriptions`.
    pub allow_no_subscriptions: bool,
}

impl DiscoverOptions {
    /// Reads the options object, every key checked.
    pub fn from_json(value: &Value) -> Result<Self> {
        let o = ObjectReader::new("options", value, DISCOVER_KEYS)?;
        Ok(Self {
            target: DeviceCodeOptions::read(&o)?,
            arm_token: o.string("armToken")?.map(crate::secret::AccessToken::new),
            refresh_token: o
                .string("refreshToken")?
                .map(crate::secret::RefreshToken::new),
            username: o.string("username")?,
            concurrency: o
                .count("concurrency")?
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            allow_no_subscriptions: o.flag("allowNoSubscriptions")?,
        })
    }
}
