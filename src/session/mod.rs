//! The facade every face calls (the CLI, the Node addon): login, tokens, and the account model
//! over the files in the config dir. Native only: it owns files, locks and the network client.

mod accounts;
mod any_login;
mod files;
mod login;
mod managed_identity;
mod plan_driver;
mod recorded;
mod service_principal;
mod token;

use std::path::PathBuf;

use crate::cloud::Cloud;
use crate::error::Result;
use crate::http::{ClientOptions, HttpClient, HttpLimits, ReqwestClient};
use crate::oauth::AZURE_CLI_CLIENT_ID;
use crate::runtime::{Runtime, TokioRuntime};
use crate::store::{AzConfig, ConfigDir, SecretFiles};

pub use crate::login_plan::{LoginOutcome, NO_MANAGED_IDENTITY_SUBSCRIPTIONS};
pub use accounts::{AccountListOptions, LogoutOutcome};
pub use any_login::AnyLogin;
pub use files::extra_ca_bundles;
pub use login::{LoginEvents, LoginMethod, LoginRequest, NoEvents, password_warning};
pub use managed_identity::ManagedIdentityLogin;
pub use service_principal::{ServicePrincipalCredential, ServicePrincipalLogin};
pub use token::{AccessTokenRequest, AccessTokenResult};

/// Reads environment variables; tests pass their own so they never race on the process env.
pub type EnvLookup = std::sync::Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// How to open a session.
#[derive(Clone)]
pub struct SessionOptions {
    /// The config dir; `None` = `AZURE_CONFIG_DIR`, else `~/.azure`.
    pub config_dir: Option<PathBuf>,
    /// The environment to read (`AZURE_*` overrides, CA bundles).
    pub env: EnvLookup,
    /// A login endpoint (MSAL's `authorityHost`) that picks the cloud: the active one when it
    /// is its endpoint, else the registered cloud that has it (see
    /// [`crate::cloud::cloud_for_login_endpoint`]).
    pub authority_host: Option<String>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            config_dir: None,
            env: std::sync::Arc::new(|k| std::env::var(k).ok().filter(|v| !v.is_empty())),
            authority_host: None,
        }
    }
}

impl std::fmt::Debug for SessionOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionOptions")
            .field("config_dir", &self.config_dir)
            .field("authority_host", &self.authority_host)
            .finish()
    }
}

/// The HTTP client a session sends through: any [`HttpClient`] that can also give a client for
/// one managed identity endpoint.
pub trait SessionClient: HttpClient + Sized {
    /// The client for the managed identity endpoint `url` alone, trusting only the server
    /// certificate with the SHA-1 thumbprint `pinned_certificate_sha1` when one is given.
    fn for_managed_identity(
        &self,
        url: &url::Url,
        pinned_certificate_sha1: Option<[u8; 20]>,
        env: &EnvLookup,
    ) -> Result<Self>;
}

impl SessionClient for ReqwestClient {
    /// A new client allowed to reach only that endpoint, with the session's CA bundles and limits.
    fn for_managed_identity(
        &self,
        url: &url::Url,
        pinned_certificate_sha1: Option<[u8; 20]>,
        env: &EnvLookup,
    ) -> Result<Self> {
        ReqwestClient::new(ClientOptions {
            extra_root_pem: files::extra_ca_bundles(env)?,
            allowed_authorities: vec![crate::http::authority_of(url)],
            limits: HttpLimits::from_env(|k| env(k)),
            pinned_certificate_sha1,
        })
    }
}

/// One config dir, its configuration and active cloud, and an HTTP client allowed to reach only
/// that cloud's hosts.
///
/// The client and the clock are type parameters: reqwest and tokio for real use
/// ([`Session::open`]), the emulator's in-memory client and a [`crate::runtime::ManualClock`]
/// for whole logins run in memory ([`Session::open_with`]).
pub struct Session<C = ReqwestClient, R = TokioRuntime> {
    dir: ConfigDir,
    config: AzConfig,
    /// The token cache and service principal store `config` chooses (`.json` or `.bin`).
    secrets: SecretFiles,
    cloud: Cloud,
    http: C,
    endpoints: ResolvedEndpoints,
    runtime: R,
    env: EnvLookup,
    client_id: String,
}

/// What opening a session reads before it has a client: the config dir, its configuration and
/// the active cloud.
struct Opened {
    dir: ConfigDir,
    config: AzConfig,
    secrets: SecretFiles,
    cloud: Cloud,
    endpoints: ResolvedEndpoints,
    env: EnvLookup,
}

impl Opened {
    fn read(options: SessionOptions) -> Result<Self> {
        let env = options.env.clone();
        let dir = match options.config_dir {
            Some(p) => ConfigDir::new(p),
            None => ConfigDir::from_env_with(|k| env(k).map(Into::into))?,
        };
        // knack creates the config dir on every start; 0700 keeps the tokens in it private.
        dir.ensure()?;
        let config_env = env.clone();
        let config = AzConfig::load_with_env(&dir, move |k| config_env(k))?;
        let secrets = SecretFiles::from_config(&config)?;
        let active = crate::store::active_cloud(&dir, &config)?;
        let cloud = match &options.authority_host {
            None => active,
            Some(endpoint) => {
                let clouds = crate::store::load_clouds(&dir)?;
                // A cloud named for this session (AZURE_CLOUD_NAME, the Node `cloud` option) is
                // a choice the endpoint must agree with; the config's is only a default.
                let pinned = env("AZURE_CLOUD_NAME").is_some();
                crate::cloud::cloud_for_login_endpoint(&clouds, &active, pinned, endpoint)?.clone()
            }
        };
        let endpoints = ResolvedEndpoints::of(&cloud)?;
        Ok(Self {
            dir,
            config,
            secrets,
            cloud,
            endpoints,
            env,
        })
    }

    fn with_io<C, R>(self, http: C, runtime: R) -> Session<C, R> {
        Session {
            dir: self.dir,
            config: self.config,
            secrets: self.secrets,
            cloud: self.cloud,
            http,
            endpoints: self.endpoints,
            runtime,
            env: self.env,
            client_id: AZURE_CLI_CLIENT_ID.to_string(),
        }
    }
}

/// The active cloud's endpoints the flows use, checked once when the session opens.
#[derive(Debug)]
struct ResolvedEndpoints {
    login: String,
    login_host: String,
    arm: String,
    arm_resource_id: String,
    default_scope: String,
}

impl ResolvedEndpoints {
    fn of(cloud: &Cloud) -> Result<Self> {
        Ok(Self {
            login: cloud.login_endpoint()?.trim_end_matches('/').to_string(),
            login_host: cloud.login_host()?,
            arm: cloud.arm_endpoint()?.to_string(),
            arm_resource_id: cloud.arm_resource_id()?.to_string(),
            default_scope: cloud.default_scope()?,
        })
    }
}

impl<C, R> std::fmt::Debug for Session<C, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("dir", &self.dir.path())
            .field("cloud", &self.cloud.name)
            .finish()
    }
}

impl Session {
    /// Opens the config dir: reads `config` and `clouds.config`, picks the active cloud, and
    /// builds an HTTP client trusting the system roots plus `REQUESTS_CA_BUNDLE`/`SSL_CERT_FILE`.
    pub fn open(options: SessionOptions) -> Result<Session> {
        let opened = Opened::read(options)?;
        let http = ReqwestClient::new(ClientOptions {
            extra_root_pem: files::extra_ca_bundles(&opened.env)?,
            allowed_authorities: opened.cloud.authorities()?,
            limits: HttpLimits::from_env(|k| (opened.env)(k)),
            pinned_certificate_sha1: None,
        })?;
        Ok(opened.with_io(http, TokioRuntime))
    }
}

impl<C: SessionClient, R: Runtime> Session<C, R> {
    /// Opens the config dir as [`Session::open`] does, with `http` and `runtime` as the
    /// session's client and clock. The client is used as given: restricting it to the active
    /// cloud's hosts is its own business.
    pub fn open_with(options: SessionOptions, http: C, runtime: R) -> Result<Self> {
        Ok(Opened::read(options)?.with_io(http, runtime))
    }

    /// The config dir.
    pub fn config_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The active cloud.
    pub fn cloud(&self) -> &Cloud {
        &self.cloud
    }

    /// The loaded configuration.
    pub fn config(&self) -> &AzConfig {
        &self.config
    }

    fn env(&self, key: &str) -> Option<String> {
        (self.env)(key)
    }
}
