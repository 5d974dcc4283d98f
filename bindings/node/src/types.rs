//! The `Binding*` shapes JavaScript sees (camelCase, generated into `native.d.ts`) and their
//! conversions from and to the core's types.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use azlogin::emulator::{EmulatorOptions, Scenario};
use azlogin::login::browser::{BrowserOpener, BrowserOptions};
use azlogin::login::browser_launch::SystemBrowser;
use azlogin::login_input::ParsedLogin;
use azlogin::oauth::device_code::DeviceAuthorization;
use azlogin::options::{LoginOptions, TokenOptions};
use azlogin::session::{AccessTokenRequest, AccessTokenResult, LoginEvents, SessionOptions};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{
    ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue,
};
use napi_derive::napi;
use serde::Deserialize;

/// A JavaScript callback called from any thread, never waited for.
type Callback<T> = ThreadsafeFunction<T, UnknownReturnValue, T, Status, false, true>;

/// Where the files are and which cloud is active.
#[napi(object)]
#[derive(Clone, Default)]
pub struct BindingSessionOptions {
    /// The config dir; default `AZURE_CONFIG_DIR`, else `~/.azure`.
    pub config_dir: Option<String>,
    /// The cloud to use instead of the config's `[cloud] name`.
    pub cloud: Option<String>,
}

impl From<BindingSessionOptions> for SessionOptions {
    fn from(o: BindingSessionOptions) -> Self {
        let process = SessionOptions::default().env;
        let cloud = o.cloud;
        SessionOptions {
            config_dir: o.config_dir.map(PathBuf::from),
            env: Arc::new(move |k| match (k, &cloud) {
                ("AZURE_CLOUD_NAME", Some(name)) => Some(name.clone()),
                _ => process(k),
            }),
        }
    }
}

/// `login()`'s options, read and parsed by the core: every key known, az's rules applied.
pub struct LoginCall {
    /// The login.
    pub login: ParsedLogin,
    /// Config dir and cloud.
    pub session: BindingSessionOptions,
    /// The login's time limit.
    pub timeout: Option<Duration>,
}

impl LoginCall {
    /// From `login()`'s options object.
    pub fn from_json(options: &serde_json::Value) -> azlogin::Result<Self> {
        let o = LoginOptions::from_json(options)?;
        Ok(LoginCall {
            session: BindingSessionOptions {
                config_dir: o.config_dir,
                cloud: o.cloud,
            },
            timeout: o.timeout_ms.map(Duration::from_millis),
            login: o.input.parse()?,
        })
    }
}

/// The browser flow's options: the caller's `openBrowser(url)`, else the system browser.
pub fn browser_options(
    open_browser: Option<Callback<String>>,
    timeout: Option<Duration>,
) -> azlogin::Result<BrowserOptions> {
    let browser = BrowserOptions::new(browser_opener(open_browser)?);
    Ok(match timeout {
        Some(limit) => browser.with_timeout(limit),
        None => browser,
    })
}

/// The caller's `openBrowser(url)`, else the system browser.
fn browser_opener(
    open_browser: Option<Callback<String>>,
) -> azlogin::Result<Arc<dyn BrowserOpener>> {
    if let Some(f) = open_browser {
        return Ok(Arc::new(move |url: &str, _endpoint: &str| {
            f.call(url.to_string(), ThreadsafeFunctionCallMode::NonBlocking);
            Ok(())
        }));
    }
    let browser = SystemBrowser::from_environment().map_err(|reason| {
        usage(&format!(
            "No web browser is available ({reason}). Pass `openBrowser`, or use method 'deviceCode'."
        ))
    })?;
    Ok(Arc::new(browser))
}

fn usage(text: &str) -> azlogin::Error {
    azlogin::Error::Usage(text.to_string())
}

/// The device code to show.
#[napi(object)]
pub struct BindingDeviceCode {
    /// The code the user types.
    pub user_code: String,
    /// Where the user types it.
    pub verification_uri: String,
    /// The server's sentence telling the user what to do.
    pub message: String,
    /// Seconds until the code expires.
    pub expires_in: u32,
    /// When the code expires, epoch milliseconds.
    pub expires_on_timestamp: f64,
}

impl From<&DeviceAuthorization> for BindingDeviceCode {
    fn from(a: &DeviceAuthorization) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_millis() as f64);
        BindingDeviceCode {
            user_code: a.user_code.clone(),
            verification_uri: a.verification_uri.clone(),
            message: a.message.clone(),
            expires_in: u32::try_from(a.expires_in).unwrap_or(u32::MAX),
            expires_on_timestamp: now + a.expires_in as f64 * 1000.0,
        }
    }
}

/// Discovery progress.
#[napi(object)]
pub struct BindingProgress {
    /// Tenants finished.
    pub tenants_done: u32,
    /// Tenants found.
    pub tenants_total: u32,
    /// Subscriptions listed so far.
    pub subscriptions_found: u32,
}

/// The callbacks a login reports to.
#[napi(object, object_to_js = false)]
pub struct BindingLoginEvents {
    /// The device code is ready.
    #[napi(ts_type = "(info: BindingDeviceCode) => void")]
    pub on_device_code: Option<Callback<BindingDeviceCode>>,
    /// Discovery progress.
    #[napi(ts_type = "(progress: BindingProgress) => void")]
    pub on_progress: Option<Callback<BindingProgress>>,
    /// One of az's warnings.
    #[napi(ts_type = "(text: string) => void")]
    pub on_warning: Option<Callback<String>>,
    /// Opens the browser login's sign-in URL (default: the system browser).
    #[napi(ts_type = "(url: string) => void")]
    pub on_open_browser: Option<Callback<String>>,
}

impl LoginEvents for BindingLoginEvents {
    fn device_code(&self, authorization: &DeviceAuthorization) {
        if let Some(f) = &self.on_device_code {
            f.call(
                authorization.into(),
                ThreadsafeFunctionCallMode::NonBlocking,
            );
        }
    }
    fn warning(&self, text: &str) {
        if let Some(f) = &self.on_warning {
            f.call(text.to_string(), ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
    fn progress(&self, p: azlogin::discovery::DiscoveryProgress) {
        if let Some(f) = &self.on_progress {
            let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            let progress = BindingProgress {
                tenants_done: count(p.tenants_done),
                tenants_total: count(p.tenants_total),
                subscriptions_found: count(p.subscriptions_found),
            };
            f.call(progress, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

/// The user an entry belongs to.
#[napi(object)]
#[derive(Deserialize)]
pub struct BindingUser {
    /// The sign-in name (or client id).
    pub name: String,
    /// `user` or `servicePrincipal`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// A managed identity's `MSI`, `MSIClient-<id>`, `MSIObject-<id>` or `MSIResource-<id>`.
    #[serde(rename = "assignedIdentityInfo")]
    pub assigned_identity_info: Option<String>,
    /// `true` for a service principal using subject name + issuer authentication.
    #[serde(rename = "useCertSNIssuerAuth")]
    #[napi(js_name = "useCertSNIssuerAuth")]
    pub use_cert_sn_issuer_auth: Option<bool>,
}

/// A tenant that manages a subscription.
#[napi(object)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BindingManagedByTenant {
    /// The tenant id.
    pub tenant_id: String,
}

/// One subscription (or tenant-level account), as `az account list` shows it.
#[napi(object)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BindingSubscription {
    /// The subscription id (the tenant id for a tenant-level account).
    pub id: String,
    /// The display name.
    pub name: Option<String>,
    /// `Enabled`, `Disabled`, …
    pub state: Option<String>,
    /// The signed-in user.
    pub user: Option<BindingUser>,
    /// Whether this is the default subscription.
    #[serde(default)]
    pub is_default: bool,
    /// The tenant the tokens are for.
    pub tenant_id: Option<String>,
    /// The cloud it belongs to.
    #[serde(alias = "environmentName")]
    pub cloud_name: Option<String>,
    /// The subscription's home tenant.
    pub home_tenant_id: Option<String>,
    /// The tenant's default domain.
    pub tenant_default_domain: Option<String>,
    /// The tenant's display name.
    pub tenant_display_name: Option<String>,
    /// Tenants managing this subscription.
    pub managed_by_tenants: Option<Vec<BindingManagedByTenant>>,
}

impl BindingSubscription {
    /// From an entry as `az account list` prints it.
    pub fn from_json(entry: serde_json::Value) -> azlogin::Result<Self> {
        serde_json::from_value(entry)
            .map_err(|e| azlogin::Error::invalid_response("azureProfile.json", e))
    }
}

impl TryFrom<&azlogin::profile::Subscription> for BindingSubscription {
    type Error = azlogin::Error;
    fn try_from(s: &azlogin::profile::Subscription) -> azlogin::Result<Self> {
        Self::from_json(s.to_output_json())
    }
}

/// `getAccessToken()`'s options, read by the core.
pub fn token_request(
    options: &serde_json::Value,
) -> azlogin::Result<(AccessTokenRequest, BindingSessionOptions)> {
    let o = TokenOptions::from_json(options)?;
    let request = AccessTokenRequest {
        resource: o.resource,
        scopes: o.scopes,
        tenant: o.tenant,
        subscription: o.subscription,
        force_refresh: o.force_refresh,
        claims_challenge: o.claims,
    };
    let session = BindingSessionOptions {
        config_dir: o.config_dir,
        cloud: o.cloud,
    };
    Ok((request, session))
}

/// An access token.
#[napi(object)]
pub struct BindingAccessToken {
    /// The token.
    pub token: String,
    /// Expiry, epoch milliseconds.
    pub expires_on_timestamp: f64,
    /// The subscription (absent when a tenant was asked for).
    pub subscription: Option<String>,
    /// The tenant the token is for.
    pub tenant: String,
    /// `Bearer`.
    pub token_type: String,
}

impl From<AccessTokenResult> for BindingAccessToken {
    fn from(r: AccessTokenResult) -> Self {
        BindingAccessToken {
            token: r.access_token.secret().to_string(),
            expires_on_timestamp: r.expires_on as f64 * 1000.0,
            subscription: r.subscription,
            tenant: r.tenant,
            token_type: r.token_type,
        }
    }
}

/// What `logout()` removed.
#[napi(object)]
pub struct BindingLogoutResult {
    /// The user signed out.
    pub username: String,
    /// Profile entries removed.
    pub entries_removed: u32,
    /// Cache entries removed.
    pub tokens_removed: u32,
}

impl From<azlogin::session::LogoutOutcome> for BindingLogoutResult {
    fn from(o: azlogin::session::LogoutOutcome) -> Self {
        BindingLogoutResult {
            username: o.username,
            entries_removed: u32::try_from(o.entries_removed).unwrap_or(u32::MAX),
            tokens_removed: u32::try_from(o.tokens_removed).unwrap_or(u32::MAX),
        }
    }
}

/// `startEmulator()`'s options.
#[napi(object, object_to_js = false)]
pub struct BindingEmulatorOptions {
    /// A scenario as JSON text; default: the built-in one.
    pub scenario_json: Option<String>,
    /// A scenario file (when no JSON text is given).
    pub scenario_path: Option<String>,
    /// Added before each answer.
    pub latency_ms: Option<u32>,
    /// Serve https with a CA written into this dir.
    pub tls_cert_dir: Option<String>,
    /// The port; 0 or absent lets the system pick.
    pub port: Option<u16>,
    /// Derive keys and ids from this seed.
    pub seed: Option<u32>,
}

impl TryFrom<BindingEmulatorOptions> for EmulatorOptions {
    type Error = azlogin::Error;
    fn try_from(o: BindingEmulatorOptions) -> azlogin::Result<Self> {
        let scenario = match (&o.scenario_json, &o.scenario_path) {
            (Some(json), _) => Scenario::from_json(json)?,
            (None, Some(path)) => Scenario::from_file(path.as_ref())?,
            (None, None) => Scenario::default_scenario(),
        };
        Ok(EmulatorOptions {
            port: o.port.unwrap_or(0),
            scenario,
            latency: Duration::from_millis(o.latency_ms.unwrap_or(0).into()),
            tls_cert_dir: o.tls_cert_dir.map(PathBuf::from),
            log_requests: false,
            seed: o.seed.map(u64::from),
        })
    }
}
