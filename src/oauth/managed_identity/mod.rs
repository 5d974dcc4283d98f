//! Managed identity token requests, sans I/O: which endpoint the environment names (Service
//! Fabric, App Service and Functions, Azure Machine Learning, Azure Arc, else the instance
//! metadata service), the request each one wants, and the parsing of their answers.
//!
//! The sources and their order are MSAL Python's, which az uses:
//! 1. `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` + `IDENTITY_SERVER_THUMBPRINT`: Service Fabric
//!    (api-version 2019-07-01-preview, header `Secret`);
//! 2. `IDENTITY_ENDPOINT` + `IDENTITY_HEADER`: App Service (2019-08-01, `X-IDENTITY-HEADER`);
//! 3. `MSI_ENDPOINT` + `MSI_SECRET`: Machine Learning (2017-09-01, `secret`);
//! 4. `IDENTITY_ENDPOINT` + `IMDS_ENDPOINT`: Azure Arc (2020-06-01, a challenge answered with a
//!    local key file, see [`arc`]);
//! 5. else IMDS at `http://169.254.169.254` (2018-02-01), whose address
//!    `AZURE_POD_IDENTITY_AUTHORITY_HOST` overrides (as MSAL and az honour it; azlogin's tests
//!    point it at the emulator).

pub mod arc;

use std::path::PathBuf;

use serde_json::Value;

use crate::error::{Error, Result, ServerError};
use crate::http::{HttpRequest, HttpResponse};
use crate::secret::{AccessToken, ArcKey};

/// The instance metadata service's address.
pub const IMDS_HOST: &str = "http://169.254.169.254";
/// The environment variable that replaces [`IMDS_HOST`].
pub const IMDS_HOST_ENV: &str = "AZURE_POD_IDENTITY_AUTHORITY_HOST";
/// IMDS's token path.
pub const IMDS_TOKEN_PATH: &str = "/metadata/identity/oauth2/token";
/// The api-version MSAL asks IMDS for.
pub const IMDS_API_VERSION: &str = "2018-02-01";
/// The api-version of the App Service / Functions endpoint.
pub const APP_SERVICE_API_VERSION: &str = "2019-08-01";
/// The api-version of the Machine Learning endpoint.
pub const MACHINE_LEARNING_API_VERSION: &str = "2017-09-01";
/// The api-version of the Service Fabric endpoint.
pub const SERVICE_FABRIC_API_VERSION: &str = "2019-07-01-preview";

/// Why a user-assigned id is dropped on Service Fabric (a `--debug` line, as MSAL logs it).
const SERVICE_FABRIC_IGNORES_ID: &str = "Ignoring the user-assigned identity asked for: Service Fabric's managed identity is configured in the cluster, not at runtime; see https://learn.microsoft.com/azure/service-fabric/configure-existing-cluster-enable-managed-identity-token-service";

/// Which identity: the system-assigned one, or a user-assigned one named by one id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManagedIdentityId {
    /// The resource's own identity.
    SystemAssigned,
    /// A user-assigned identity by client (application) id.
    ClientId(String),
    /// A user-assigned identity by object (principal) id.
    ObjectId(String),
    /// A user-assigned identity by ARM resource id.
    ResourceId(String),
}

impl ManagedIdentityId {
    /// The identity `--client-id`, `--object-id` or `--resource-id` names (none: the
    /// system-assigned one); more than one is az's usage error.
    pub fn from_ids(
        client_id: Option<String>,
        object_id: Option<String>,
        resource_id: Option<String>,
    ) -> Result<Self> {
        match (client_id, object_id, resource_id) {
            (None, None, None) => Ok(ManagedIdentityId::SystemAssigned),
            (Some(c), None, None) => Ok(ManagedIdentityId::ClientId(c)),
            (None, Some(o), None) => Ok(ManagedIdentityId::ObjectId(o)),
            (None, None, Some(r)) => Ok(ManagedIdentityId::ResourceId(r)),
            _ => Err(Error::Usage(
                "Usage error: Provide only one of --client-id, --object-id, --resource-id.".into(),
            )),
        }
    }

    /// The profile's `user.name`: `systemAssignedIdentity` or `userAssignedIdentity`.
    pub fn user_name(&self) -> &'static str {
        match self {
            ManagedIdentityId::SystemAssigned => "systemAssignedIdentity",
            _ => "userAssignedIdentity",
        }
    }

    /// The profile's `user.assignedIdentityInfo`: `MSI`, `MSIClient-<id>`, `MSIObject-<id>` or
    /// `MSIResource-<id>`.
    pub fn assigned_identity_info(&self) -> String {
        match self {
            ManagedIdentityId::SystemAssigned => "MSI".into(),
            ManagedIdentityId::ClientId(id) => format!("MSIClient-{id}"),
            ManagedIdentityId::ObjectId(id) => format!("MSIObject-{id}"),
            ManagedIdentityId::ResourceId(id) => format!("MSIResource-{id}"),
        }
    }

    /// Reads `assignedIdentityInfo` back (unknown text is `None`).
    pub fn from_assigned_identity_info(info: &str) -> Option<Self> {
        if info == "MSI" {
            return Some(ManagedIdentityId::SystemAssigned);
        }
        let (kind, id) = info.split_once('-')?;
        let id = id.to_string();
        match kind {
            "MSIClient" => Some(ManagedIdentityId::ClientId(id)),
            "MSIObject" => Some(ManagedIdentityId::ObjectId(id)),
            "MSIResource" => Some(ManagedIdentityId::ResourceId(id)),
            _ => None,
        }
    }
}

/// Where this machine's managed identity tokens come from.
#[derive(Clone)]
pub enum ManagedIdentitySource {
    /// The instance metadata service (VMs, scale sets, AKS pod identity).
    Imds {
        /// `http://169.254.169.254`, or the override.
        host: String,
    },
    /// App Service and Functions: `IDENTITY_ENDPOINT` + `IDENTITY_HEADER`.
    AppService {
        /// The endpoint URL.
        endpoint: String,
        /// The per-process secret header value.
        header: String,
    },
    /// Azure Machine Learning: `MSI_ENDPOINT` + `MSI_SECRET`.
    MachineLearning {
        /// The endpoint URL.
        endpoint: String,
        /// The secret header value.
        secret: String,
        /// `DEFAULT_IDENTITY_CLIENT_ID`, used for the system-assigned identity.
        default_client_id: Option<String>,
    },
    /// Service Fabric: `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` + `IDENTITY_SERVER_THUMBPRINT`.
    /// The endpoint is https and trusted by its certificate's thumbprint alone, as az's MSAL
    /// does ([`ManagedIdentitySource::pinned_certificate`]).
    ServiceFabric {
        /// The endpoint URL.
        endpoint: String,
        /// `IDENTITY_HEADER`, sent as the `Secret` header.
        secret: String,
        /// `IDENTITY_SERVER_THUMBPRINT` as the environment gives it.
        thumbprint: String,
    },
    /// Azure Arc: `IDENTITY_ENDPOINT` + `IMDS_ENDPOINT`.
    AzureArc {
        /// The endpoint URL.
        endpoint: String,
        /// Where the agent writes its key files; `None` on a platform Arc does not support.
        key_dir: Option<PathBuf>,
    },
}

/// The endpoint only: the header values are secrets.
impl std::fmt::Debug for ManagedIdentitySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagedIdentitySource")
            .field("kind", &self.kind())
            .field("endpoint", &self.endpoint())
            .finish()
    }
}

impl ManagedIdentitySource {
    /// The source the environment names, in MSAL's order, on a machine without the Azure Arc
    /// agent's program (see [`ManagedIdentitySource::detect`]).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Self {
        Self::detect(env, false)
    }

    /// The source the environment names, in MSAL's order. `arc_agent_installed` says whether
    /// the Arc agent's program ([`arc::agent_program`]) exists: an Arc-connected machine is
    /// recognised by it when `IDENTITY_ENDPOINT` and `IMDS_ENDPOINT` are unset, and its agent
    /// is then asked at [`arc::DEFAULT_ENDPOINT`].
    pub fn detect(env: impl Fn(&str) -> Option<String>, arc_agent_installed: bool) -> Self {
        let var = |k: &str| env(k).filter(|v| !v.is_empty());
        if let (Some(endpoint), Some(header)) = (var("IDENTITY_ENDPOINT"), var("IDENTITY_HEADER")) {
            if let Some(thumbprint) = var("IDENTITY_SERVER_THUMBPRINT") {
                return ManagedIdentitySource::ServiceFabric {
                    endpoint,
                    secret: header,
                    thumbprint,
                };
            }
            return ManagedIdentitySource::AppService { endpoint, header };
        }
        if let (Some(endpoint), Some(secret)) = (var("MSI_ENDPOINT"), var("MSI_SECRET")) {
            return ManagedIdentitySource::MachineLearning {
                endpoint,
                secret,
                default_client_id: var("DEFAULT_IDENTITY_CLIENT_ID"),
            };
        }
        let arc_endpoint = match (var("IDENTITY_ENDPOINT"), var("IMDS_ENDPOINT")) {
            (Some(endpoint), Some(_)) => Some(endpoint),
            _ => arc_agent_installed.then(|| arc::DEFAULT_ENDPOINT.to_string()),
        };
        if let Some(endpoint) = arc_endpoint {
            return ManagedIdentitySource::AzureArc {
                endpoint,
                key_dir: arc::platform_key_dir(var),
            };
        }
        ManagedIdentitySource::Imds {
            host: var(IMDS_HOST_ENV)
                .map(|h| h.trim_end_matches('/').to_string())
                .unwrap_or_else(|| IMDS_HOST.to_string()),
        }
    }

    /// Azure Arc's key files are read from `dir` instead of the platform's directory (tests
    /// point it at a temporary one); other sources are returned unchanged.
    pub fn with_arc_key_dir(self, dir: PathBuf) -> Self {
        match self {
            ManagedIdentitySource::AzureArc { endpoint, .. } => ManagedIdentitySource::AzureArc {
                endpoint,
                key_dir: Some(dir),
            },
            other => other,
        }
    }

    /// The SHA-1 thumbprint of the only certificate the endpoint may present, for a source
    /// trusted that way (Service Fabric); `None` for the others, which the usual roots serve.
    /// Checked before any request, so the `Secret` header never travels over plain http or
    /// to another certificate.
    pub fn pinned_certificate(&self) -> Result<Option<[u8; 20]>> {
        let ManagedIdentitySource::ServiceFabric {
            endpoint,
            thumbprint,
            ..
        } = self
        else {
            return Ok(None);
        };
        let https = endpoint
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
            && endpoint.len() > 8;
        if !https {
            return Err(Error::Config(format!(
                "The Service Fabric managed identity endpoint must be https (IDENTITY_ENDPOINT is '{}'): its certificate is what IDENTITY_SERVER_THUMBPRINT identifies.",
                crate::http::endpoint_of(endpoint)
            )));
        }
        parse_thumbprint(thumbprint).map(Some)
    }

    /// `imds`, `app_service`, `machine_learning`, `service_fabric` or `azure_arc`.
    pub fn kind(&self) -> &'static str {
        match self {
            ManagedIdentitySource::Imds { .. } => "imds",
            ManagedIdentitySource::AppService { .. } => "app_service",
            ManagedIdentitySource::MachineLearning { .. } => "machine_learning",
            ManagedIdentitySource::ServiceFabric { .. } => "service_fabric",
            ManagedIdentitySource::AzureArc { .. } => "azure_arc",
        }
    }

    /// The URL tokens are asked from (no query).
    pub fn endpoint(&self) -> String {
        match self {
            ManagedIdentitySource::Imds { host } => format!("{host}{IMDS_TOKEN_PATH}"),
            ManagedIdentitySource::AppService { endpoint, .. }
            | ManagedIdentitySource::MachineLearning { endpoint, .. }
            | ManagedIdentitySource::ServiceFabric { endpoint, .. }
            | ManagedIdentitySource::AzureArc { endpoint, .. } => endpoint.clone(),
        }
    }

    /// Why `id` will not be sent, when this source drops it without failing: Service Fabric
    /// serves the identity its cluster configures whatever the caller asks for (MSAL only
    /// logs this at debug level, so azlogin does the same).
    pub fn ignored_id_note(&self, id: &ManagedIdentityId) -> Option<&'static str> {
        match (self, id) {
            (ManagedIdentitySource::ServiceFabric { .. }, ManagedIdentityId::SystemAssigned) => {
                None
            }
            (ManagedIdentitySource::ServiceFabric { .. }, _) => Some(SERVICE_FABRIC_IGNORES_ID),
            _ => None,
        }
    }

    /// The request for a token for `resource` (an ARM-style resource id, not a scope).
    pub fn token_request(&self, id: &ManagedIdentityId, resource: &str) -> Result<HttpRequest> {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        let (version, id_param) = match self {
            ManagedIdentitySource::Imds { .. } => (IMDS_API_VERSION, imds_id_param(id)),
            ManagedIdentitySource::AppService { .. } => {
                (APP_SERVICE_API_VERSION, app_service_id_param(id))
            }
            ManagedIdentitySource::MachineLearning {
                default_client_id, ..
            } => {
                let param = match id {
                    ManagedIdentityId::SystemAssigned => {
                        default_client_id.clone().map(|c| ("clientid", c))
                    }
                    ManagedIdentityId::ClientId(c) => Some(("clientid", c.clone())),
                    _ => {
                        return Err(Error::Usage(
                            "Azure Machine Learning supports user-assigned identities by --client-id only.".into(),
                        ));
                    }
                };
                (MACHINE_LEARNING_API_VERSION, param)
            }
            ManagedIdentitySource::ServiceFabric { .. } => (SERVICE_FABRIC_API_VERSION, None),
            // Arc takes IMDS's spelling of the ids (`msi_res_id`, not App Service's `mi_res_id`).
            ManagedIdentitySource::AzureArc { .. } => (arc::API_VERSION, imds_id_param(id)),
        };
        query.append_pair("api-version", version);
        query.append_pair("resource", resource);
        if let Some((name, value)) = &id_param {
            query.append_pair(name, value);
        }
        let request = HttpRequest::get(format!("{}?{}", self.endpoint(), query.finish()));
        Ok(match self {
            // Service Fabric's endpoint wants its secret and nothing else.
            ManagedIdentitySource::ServiceFabric { secret, .. } => {
                request.header("Secret", secret.clone())
            }
            ManagedIdentitySource::Imds { .. } | ManagedIdentitySource::AzureArc { .. } => {
                request.header("Metadata", "true")
            }
            ManagedIdentitySource::AppService { header, .. } => request
                .header("Metadata", "true")
                .header("X-IDENTITY-HEADER", header.clone()),
            ManagedIdentitySource::MachineLearning { secret, .. } => request
                .header("Metadata", "true")
                .header("secret", secret.clone()),
        })
    }

    /// The key file the first answer asks for: Azure Arc answers its first request with a
    /// challenge naming one (see [`arc::key_file`]); other sources answer at once (`None`).
    pub fn key_file_challenge(
        &self,
        response: &HttpResponse,
        endpoint: &str,
    ) -> Result<Option<PathBuf>> {
        match self {
            ManagedIdentitySource::AzureArc { key_dir, .. } => {
                arc::key_file(response, endpoint, key_dir.as_deref()).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The request again, proving with `key` (the key file's contents) that the caller may
    /// read the agent's key directory.
    pub fn answer_challenge(
        &self,
        id: &ManagedIdentityId,
        resource: &str,
        key: &ArcKey,
    ) -> Result<HttpRequest> {
        Ok(self
            .token_request(id, resource)?
            .header("Authorization", format!("Basic {}", key.secret())))
    }

    /// Checks a successful token answer against the identity asked for, where the source may
    /// answer for another one: an old Azure Arc agent ignores user-assigned ids
    /// ([`arc::confirm_identity`]).
    pub fn confirm_identity(
        &self,
        id: &ManagedIdentityId,
        response: &HttpResponse,
        endpoint: &str,
    ) -> Result<()> {
        match self {
            ManagedIdentitySource::AzureArc { .. } => arc::confirm_identity(id, response, endpoint),
            _ => Ok(()),
        }
    }
}

/// A SHA-1 thumbprint as hosts write it: 40 hex digits, in either case, with spaces, tabs,
/// line breaks or colons between them ignored (as MSAL reads `IDENTITY_SERVER_THUMBPRINT`).
pub fn parse_thumbprint(text: &str) -> Result<[u8; 20]> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b':'))
        .collect();
    let nibble = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 20];
    let well_formed = digits.len() == 40
        && digits.chunks(2).zip(out.iter_mut()).all(|(pair, byte)| {
            match (nibble(pair[0]), nibble(pair[1])) {
                (Some(hi), Some(lo)) => {
                    *byte = hi << 4 | lo;
                    true
                }
                _ => false,
            }
        });
    if !well_formed {
        return Err(Error::Config(
            "IDENTITY_SERVER_THUMBPRINT must be a SHA-1 certificate thumbprint: 40 hexadecimal digits.".into(),
        ));
    }
    Ok(out)
}

fn imds_id_param(id: &ManagedIdentityId) -> Option<(&'static str, String)> {
    match id {
        ManagedIdentityId::SystemAssigned => None,
        ManagedIdentityId::ClientId(c) => Some(("client_id", c.clone())),
        ManagedIdentityId::ObjectId(o) => Some(("object_id", o.clone())),
        ManagedIdentityId::ResourceId(r) => Some(("msi_res_id", r.clone())),
    }
}

fn app_service_id_param(id: &ManagedIdentityId) -> Option<(&'static str, String)> {
    match id {
        ManagedIdentityId::ResourceId(r) => Some(("mi_res_id", r.clone())),
        other => imds_id_param(other),
    }
}

/// A managed identity token.
#[derive(Debug)]
pub struct ManagedIdentityToken {
    /// The token.
    pub access_token: AccessToken,
    /// Expiry, epoch seconds.
    pub expires_on: u64,
    /// Usually `Bearer`.
    pub token_type: String,
}

/// Service Fabric's (and ARM's) error shape, `{"error": {"code": …, "message": …}}`: the code
/// kept as the error, the text naming the endpoint and the code, since the codes
/// (`SecretHeaderNotFound`, `ManagedIdentityNotFound`, `ArgumentNullOrEmpty`) are what its
/// documentation explains.
fn nested_error(body: &Value, endpoint: &str, status: u16) -> Option<ServerError> {
    let error = body.get("error")?;
    let code = error.get("code").and_then(Value::as_str)?;
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim();
    let detail = if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    };
    Some(ServerError {
        error: code.to_string(),
        error_description: format!(
            "The managed identity endpoint {endpoint} refused the token request with {code}{detail}"
        ),
        status,
        ..ServerError::default()
    })
}

/// Parses a managed identity endpoint's answer at `now` (epoch seconds). Errors keep the
/// endpoint's `error`/`error_description` as data.
pub fn parse_token_response(
    response: &HttpResponse,
    endpoint: &str,
    now: u64,
) -> Result<ManagedIdentityToken> {
    let body: Option<Value> = serde_json::from_slice(&response.body).ok();
    if !(200..300).contains(&response.status) {
        if let Some(err) = crate::oauth::token::parse_server_error(response) {
            return Err(Error::from_server(err));
        }
        if let Some(err) = body
            .as_ref()
            .and_then(|b| nested_error(b, endpoint, response.status))
        {
            return Err(Error::from_server(err));
        }
        let message = body
            .as_ref()
            .and_then(|b| b.get("message").or_else(|| b.get("Message")))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("HTTP {}", response.status));
        // `invalid_response` replaces the message's control characters.
        return Err(Error::invalid_response(
            endpoint,
            format!("the managed identity endpoint refused: {message}"),
        ));
    }
    let body = body.ok_or_else(|| Error::invalid_response(endpoint, "the body is not JSON"))?;
    let access_token = body
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::invalid_response(endpoint, "the answer has no access_token"))?;
    let number = |k: &str| match body.get(k) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let expires_on = number("expires_on")
        .or_else(|| number("expires_in").map(|i| now + i))
        .ok_or_else(|| Error::invalid_response(endpoint, "the answer has no expires_on"))?;
    Ok(ManagedIdentityToken {
        access_token: AccessToken::new(access_token),
        expires_on,
        token_type: body
            .get("token_type")
            .and_then(Value::as_str)
            .unwrap_or("Bearer")
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    const ARM: &str = "https://management.core.windows.net/";

    #[test]
    fn imds_by_default_with_its_api_version_and_metadata_header() {
        let source = ManagedIdentitySource::from_env(env(&[]));
        let r = source
            .token_request(&ManagedIdentityId::SystemAssigned, ARM)
            .expect("request");
        assert_eq!(
            r.url,
            "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.core.windows.net%2F"
        );
        assert_eq!(r.headers, [("Metadata".to_string(), "true".to_string())]);
        let r = source
            .token_request(&ManagedIdentityId::ResourceId("/subs/x".into()), ARM)
            .expect("request");
        assert!(r.url.ends_with("&msi_res_id=%2Fsubs%2Fx"), "{}", r.url);
        let overridden =
            ManagedIdentitySource::from_env(env(&[(IMDS_HOST_ENV, "http://127.0.0.1:9/")]));
        assert_eq!(
            overridden.endpoint(),
            "http://127.0.0.1:9/metadata/identity/oauth2/token"
        );
    }

    #[test]
    fn app_service_wins_and_sends_its_header() {
        let source = ManagedIdentitySource::from_env(env(&[
            ("IDENTITY_ENDPOINT", "http://127.0.0.1:41/msi/token"),
            ("IDENTITY_HEADER", "h-secret"),
            ("MSI_ENDPOINT", "http://127.0.0.1:42/"),
            ("MSI_SECRET", "s"),
        ]));
        assert_eq!(source.kind(), "app_service");
        let r = source
            .token_request(&ManagedIdentityId::ResourceId("rid".into()), ARM)
            .expect("request");
        assert!(
            r.url
                .starts_with("http://127.0.0.1:41/msi/token?api-version=2019-08-01&")
        );
        assert!(r.url.ends_with("&mi_res_id=rid"));
        assert!(
            r.headers
                .contains(&("X-IDENTITY-HEADER".into(), "h-secret".into()))
        );
        assert!(!format!("{source:?}").contains("h-secret"));
    }

    #[test]
    fn service_fabric_needs_the_thumbprint_too_and_ignores_user_assigned_ids() {
        let source = ManagedIdentitySource::from_env(env(&[
            (
                "IDENTITY_ENDPOINT",
                "https://127.0.0.1:2377/metadata/identity/oauth2/token",
            ),
            ("IDENTITY_HEADER", "sf-secret"),
            ("IDENTITY_SERVER_THUMBPRINT", "ABCDEF"),
            ("IMDS_ENDPOINT", "http://127.0.0.1:40342"),
        ]));
        assert_eq!(source.kind(), "service_fabric");
        let client = ManagedIdentityId::ClientId("c1".into());
        let r = source.token_request(&client, ARM).expect("request");
        assert_eq!(
            r.url,
            "https://127.0.0.1:2377/metadata/identity/oauth2/token?api-version=2019-07-01-preview&resource=https%3A%2F%2Fmanagement.core.windows.net%2F"
        );
        assert_eq!(r.headers, [("Secret".to_string(), "sf-secret".to_string())]);
        assert!(source.ignored_id_note(&client).is_some());
        assert!(
            source
                .ignored_id_note(&ManagedIdentityId::SystemAssigned)
                .is_none()
        );
        assert!(!format!("{source:?}").contains("sf-secret"));
        let app_service = ManagedIdentitySource::from_env(env(&[
            ("IDENTITY_ENDPOINT", "http://127.0.0.1:41/msi/token"),
            ("IDENTITY_HEADER", "h"),
            ("IDENTITY_SERVER_THUMBPRINT", ""),
        ]));
        assert_eq!(app_service.kind(), "app_service");
        assert!(app_service.ignored_id_note(&client).is_none());
    }

    #[test]
    fn service_fabric_is_pinned_to_its_thumbprint_over_https() {
        let hex = "5F3E9A1B0C2D4E6F708192A3B4C5D6E7F8091A2B";
        let want: [u8; 20] = [
            0x5f, 0x3e, 0x9a, 0x1b, 0x0c, 0x2d, 0x4e, 0x6f, 0x70, 0x81, 0x92, 0xa3, 0xb4, 0xc5,
            0xd6, 0xe7, 0xf8, 0x09, 0x1a, 0x2b,
        ];
        for written in [
            hex.to_string(),
            hex.to_lowercase(),
            "5F:3E:9A:1B:0C:2D:4E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:1A:2B".to_string(),
            format!(" {}\n", &hex[..20]) + " " + &hex[20..],
        ] {
            assert_eq!(parse_thumbprint(&written).expect(&written), want);
        }
        for bad in [
            "",
            "ABCDEF",
            &hex[..38],
            &format!("{hex}00"),
            &hex.replace('F', "G"),
        ] {
            assert_eq!(parse_thumbprint(bad).expect_err(bad).code(), "config_error");
        }
        let fabric = |endpoint: &str, thumbprint: &str| ManagedIdentitySource::ServiceFabric {
            endpoint: endpoint.into(),
            secret: "s".into(),
            thumbprint: thumbprint.into(),
        };
        assert_eq!(
            fabric("https://10.0.0.4:2377/metadata/identity/oauth2/token", hex)
                .pinned_certificate()
                .expect("pinned"),
            Some(want)
        );
        let plain = fabric("http://10.0.0.4:2377/token", hex)
            .pinned_certificate()
            .expect_err("http");
        assert!(plain.to_string().contains("must be https"), "{plain}");
        let imds = ManagedIdentitySource::from_env(env(&[]));
        assert_eq!(imds.pinned_certificate().expect("not pinned"), None);
    }

    #[test]
    fn service_fabric_errors_name_the_endpoint_and_the_code() {
        let err = HttpResponse::new(
            401,
            r#"{"error":{"code":"SecretHeaderNotFound","message":"Secret is not found in the request headers."}}"#,
        );
        let e = parse_token_response(&err, "https://sf/token", 0).expect_err("error");
        assert_eq!(
            e.to_string(),
            "The managed identity endpoint https://sf/token refused the token request with SecretHeaderNotFound: Secret is not found in the request headers."
        );
        assert_eq!(
            e.server_error().map(|s| (s.error.as_str(), s.status)),
            Some(("SecretHeaderNotFound", 401))
        );
        let ok = HttpResponse::new(
            200,
            r#"{"token_type":"Bearer","access_token":"at","expires_on":1565244611,"resource":"r"}"#,
        );
        let t = parse_token_response(&ok, "e", 0).expect("token");
        assert_eq!(
            (t.expires_on, t.token_type.as_str()),
            (1_565_244_611, "Bearer")
        );
    }

    #[test]
    fn azure_arc_after_machine_learning_by_environment_or_by_its_agent() {
        let arc_env = env(&[
            (
                "IDENTITY_ENDPOINT",
                "http://127.0.0.1:40342/metadata/identity/oauth2/token",
            ),
            ("IMDS_ENDPOINT", "http://127.0.0.1:40342"),
        ]);
        let source = ManagedIdentitySource::from_env(arc_env);
        assert_eq!(source.kind(), "azure_arc");
        let r = source
            .token_request(&ManagedIdentityId::SystemAssigned, ARM)
            .expect("request");
        assert!(
            r.url.contains("?api-version=2020-06-01&resource="),
            "{}",
            r.url
        );
        assert_eq!(r.headers, [("Metadata".to_string(), "true".to_string())]);
        let object = ManagedIdentityId::ObjectId("o1".into());
        let by_object = source.token_request(&object, ARM).expect("user-assigned");
        assert!(
            by_object.url.ends_with("&object_id=o1"),
            "{}",
            by_object.url
        );
        let by_resource = source
            .token_request(&ManagedIdentityId::ResourceId("/r".into()), ARM)
            .expect("user-assigned");
        assert!(
            by_resource.url.ends_with("&msi_res_id=%2Fr"),
            "{}",
            by_resource.url
        );
        // Without the variables, the agent's program makes it Arc, at the agent's own address.
        let by_agent = ManagedIdentitySource::detect(env(&[]), true);
        assert_eq!(
            (by_agent.kind(), by_agent.endpoint()),
            ("azure_arc", arc::DEFAULT_ENDPOINT.to_string())
        );
        assert_eq!(
            ManagedIdentitySource::detect(env(&[]), false).kind(),
            "imds"
        );
        let app_service_first = ManagedIdentitySource::detect(
            env(&[
                ("IDENTITY_ENDPOINT", "http://127.0.0.1:41/t"),
                ("IDENTITY_HEADER", "h"),
            ]),
            true,
        );
        assert_eq!(app_service_first.kind(), "app_service");
        let source = source.with_arc_key_dir(PathBuf::from("/tmp/keys"));
        let mut challenge = HttpResponse::new(401, "");
        challenge
            .headers
            .push(("www-authenticate".into(), "Basic realm=/x/abc.key".into()));
        let file = source
            .key_file_challenge(&challenge, "e")
            .expect("challenge");
        assert_eq!(file, Some(PathBuf::from("/tmp/keys/abc.key")));
        let again = source
            .answer_challenge(&ManagedIdentityId::SystemAssigned, ARM, &ArcKey::new("k"))
            .expect("request");
        assert_eq!(again.url, r.url);
        let again_by_object = source
            .answer_challenge(&object, ARM, &ArcKey::new("k"))
            .expect("request");
        assert_eq!(again_by_object.url, by_object.url);
        assert!(
            again
                .headers
                .contains(&("Authorization".into(), "Basic k".into()))
        );
        let ml = ManagedIdentitySource::from_env(env(&[
            ("IDENTITY_ENDPOINT", "http://127.0.0.1:40342/t"),
            ("IMDS_ENDPOINT", "http://127.0.0.1:40342"),
            ("MSI_ENDPOINT", "http://127.0.0.1:42/token"),
            ("MSI_SECRET", "s"),
        ]));
        assert_eq!(ml.kind(), "machine_learning");
        assert_eq!(ml.key_file_challenge(&challenge, "e").expect("none"), None);
    }

    #[test]
    fn machine_learning_takes_client_ids_only() {
        let source = ManagedIdentitySource::from_env(env(&[
            ("MSI_ENDPOINT", "http://127.0.0.1:42/token"),
            ("MSI_SECRET", "s"),
        ]));
        assert_eq!(source.kind(), "machine_learning");
        let r = source
            .token_request(&ManagedIdentityId::ClientId("c1".into()), ARM)
            .expect("request");
        assert!(r.url.contains("api-version=2017-09-01"));
        assert!(r.url.ends_with("&clientid=c1"));
        assert!(r.headers.contains(&("secret".into(), "s".into())));
        let err = source
            .token_request(&ManagedIdentityId::ObjectId("o".into()), ARM)
            .expect_err("object ids are not supported");
        assert_eq!(err.code(), "usage_error");
    }

    #[test]
    fn identity_info_round_trips() {
        for id in [
            ManagedIdentityId::SystemAssigned,
            ManagedIdentityId::ClientId("a".into()),
            ManagedIdentityId::ObjectId("b".into()),
            ManagedIdentityId::ResourceId("/subscriptions/x/rg-y".into()),
        ] {
            let info = id.assigned_identity_info();
            assert_eq!(
                ManagedIdentityId::from_assigned_identity_info(&info),
                Some(id)
            );
        }
        assert_eq!(
            ManagedIdentityId::ClientId("a".into()).assigned_identity_info(),
            "MSIClient-a"
        );
        assert_eq!(
            ManagedIdentityId::from_ids(None, Some("o".into()), None).expect("one id"),
            ManagedIdentityId::ObjectId("o".into())
        );
        let two = ManagedIdentityId::from_ids(Some("c".into()), None, Some("r".into()));
        assert_eq!(
            two.expect_err("two ids").to_string(),
            "Usage error: Provide only one of --client-id, --object-id, --resource-id."
        );
    }

    #[test]
    fn answers_with_string_numbers_and_errors_as_data() {
        let ok = HttpResponse::new(
            200,
            r#"{"access_token":"at","expires_in":"3599","expires_on":"1700003599","resource":"r","token_type":"Bearer"}"#,
        );
        let t = parse_token_response(&ok, "e", 1_700_000_000).expect("token");
        assert_eq!(
            (t.access_token.secret(), t.expires_on),
            ("at", 1_700_003_599)
        );
        let only_in = HttpResponse::new(200, r#"{"access_token":"at","expires_in":60}"#);
        assert_eq!(
            parse_token_response(&only_in, "e", 10)
                .expect("token")
                .expires_on,
            70
        );
        let err = HttpResponse::new(
            400,
            r#"{"error":"invalid_request","error_description":"Identity not found"}"#,
        );
        let e = parse_token_response(&err, "e", 0).expect_err("error");
        assert_eq!(
            e.server_error().map(|s| s.error.as_str()),
            Some("invalid_request")
        );
        assert_eq!(e.to_string(), "Identity not found");
        let escaped = HttpResponse::new(
            500,
            r#"{"message":"Unavailable\u001b]0;title\u0007\r\nTry later\u007f"}"#,
        );
        assert_eq!(
            parse_token_response(&escaped, "http://h/msi/token", 0)
                .expect_err("error")
                .to_string(),
            "Invalid response from http://h/msi/token: the managed identity endpoint refused: Unavailable\u{FFFD}]0;title\u{FFFD}\r\nTry later\u{FFFD}"
        );
    }
}
