//! The facade every face calls (the CLI, the Node addon): login, tokens, and the account model
//! over the files in the config dir. Native only: it owns files, locks and the network client.

mod accounts;
mod any_login;
mod files;
mod login;
mod managed_identity;
mod recorded;
mod service_principal;
mod token;

use std::path::PathBuf;

use crate::cloud::Cloud;
use crate::error::Result;
use crate::http::{ClientOptions, HttpLimits, ReqwestClient};
use crate::oauth::AZURE_CLI_CLIENT_ID;
use crate::runtime::TokioRuntime;
use crate::store::{AzConfig, ConfigDir, SecretFiles};

pub use accounts::{AccountListOptions, LogoutOutcome};
pub use any_login::AnyLogin;
pub use files::extra_ca_bundles;
pub use login::{LoginEvents, LoginMethod, LoginOutcome, LoginRequest, NoEvents, password_warning};
pub use managed_identity::{ManagedIdentityLogin, NO_MANAGED_IDENTITY_SUBSCRIPTIONS};
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
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            config_dir: None,
            env: std::sync::Arc::new(|k| std::env::var(k).ok().filter(|v| !v.is_empty())),
        }
    }
}

impl std::fmt::Debug for SessionOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionOptions")
            .field("config_dir", &self.config_dir)
            .finish()
    }
}

/// One config dir, its configuration and active cloud, and an HTTP client allowed to reach only
/// that cloud's hosts.
pub struct Session {
    dir: ConfigDir,
    config: AzConfig,
    /// The token cache and service principal store `config` chooses (`.json` or `.bin`).
    secrets: SecretFiles,
    cloud: Cloud,
    http: ReqwestClient,
    endpoints: ResolvedEndpoints,
    runtime: TokioRuntime,
    env: EnvLookup,
    client_id: String,
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

impl std::fmt::Debug for Session {
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
        let cloud = crate::store::active_cloud(&dir, &config)?;
        let endpoints = ResolvedEndpoints::of(&cloud)?;
        let http = ReqwestClient::new(ClientOptions {
            extra_root_pem: files::extra_ca_bundles(&env)?,
            allowed_authorities: cloud.authorities()?,
            limits: HttpLimits::from_env(|k| env(k)),
            pinned_certificate_sha1: None,
        })?;
        Ok(Session {
            dir,
            config,
            secrets,
            cloud,
            http,
            endpoints,
            runtime: TokioRuntime,
            env,
            client_id: AZURE_CLI_CLIENT_ID.to_string(),
        })
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
