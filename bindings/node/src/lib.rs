//! Node.js binding of azlogin (napi-rs). Thin by design: each function converts its arguments
//! into the core's types, calls one core function, and converts the answer back; errors go
//! through [`error::to_napi`]. The npm package `azlogin` (npm/azlogin) wraps this with
//! AbortSignal support, typed errors and the `AzLoginCredential` class.

mod error;
mod types;

use std::sync::Mutex;

use azlogin::cancel::{self, CancelHandle, CancelRegistration};
use azlogin::emulator::RunningEmulator;
use azlogin::runtime::TokioRuntime;
use azlogin::session::{AccountListOptions, Session};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::error::to_napi;
use crate::types::{
    BindingAccessToken, BindingEmulatorOptions, BindingLoginEvents, BindingLogoutResult,
    BindingSessionOptions, BindingSubscription, LoginCall,
};

/// The version of the azlogin core this addon was built from.
#[napi]
pub fn core_version() -> &'static str {
    azlogin::VERSION
}

/// Cancels one operation; `cancel()` may come before, during or after it.
#[napi]
pub struct CancelToken {
    handle: CancelHandle,
    registration: Mutex<Option<CancelRegistration>>,
}

#[napi]
impl CancelToken {
    /// A token not yet cancelled.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        let (handle, registration) = CancelHandle::new();
        CancelToken {
            handle,
            registration: Mutex::new(Some(registration)),
        }
    }

    /// Cancels the operation the token was given to.
    #[napi]
    pub fn cancel(&self) {
        self.handle.cancel();
    }

    fn take(&self) -> azlogin::Result<CancelRegistration> {
        self.registration
            .lock()
            .ok()
            .and_then(|mut r| r.take())
            .ok_or_else(|| azlogin::Error::Usage("A CancelToken serves one operation.".into()))
    }
}

fn open(options: Option<BindingSessionOptions>) -> azlogin::Result<Session> {
    Session::open(options.unwrap_or_default().into())
}

/// Every `err.code` the core can give (the TypeScript union is tested against it).
#[napi]
pub fn error_codes() -> Vec<&'static str> {
    azlogin::ERROR_CODES.to_vec()
}

/// Refuses an options object with a key the function `name` does not know (`usage_error`
/// naming the closest known key); for the options the package reads in JavaScript.
#[napi]
pub fn check_options(
    name: String,
    #[napi(ts_arg_type = "Record<string, unknown>")] options: serde_json::Value,
) -> Result<()> {
    azlogin::options::check_keys(&name, &options).map_err(to_napi)
}

/// Logs in (device code, password, browser, service principal or managed identity), discovers
/// subscriptions and saves the profile; resolves to this login's subscriptions. The options
/// are parsed (every key known, az's rules applied) before anything else happens.
#[napi(ts_return_type = "Promise<Array<BindingSubscription>>")]
pub fn login<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Record<string, unknown>")] options: serde_json::Value,
    mut events: BindingLoginEvents,
    cancel: &CancelToken,
) -> Result<PromiseRaw<'env, Vec<BindingSubscription>>> {
    let call = LoginCall::from_json(&options).map_err(to_napi)?;
    let registration = cancel.take().map_err(to_napi)?;
    env.spawn_future(async move {
        let LoginCall {
            login,
            session,
            timeout: limit,
        } = call;
        let session = open(Some(session)).map_err(to_napi)?;
        let flow = async {
            let open_browser = events.on_open_browser.take();
            let browser = || types::browser_options(open_browser, limit);
            let outcome = session.login_any(login, browser, &events).await?;
            outcome
                .subscriptions
                .iter()
                .map(TryFrom::try_from)
                .collect()
        };
        let flow = async {
            match limit {
                Some(limit) => cancel::within(&TokioRuntime, limit, "The login", flow).await,
                None => flow.await,
            }
        };
        cancel::cancellable(registration, flow)
            .await
            .map_err(to_napi)
    })
}

/// A token from the cache, refreshed with the refresh token when needed; never prompts.
#[napi(ts_return_type = "Promise<BindingAccessToken>")]
pub fn get_access_token<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Record<string, unknown>")] options: serde_json::Value,
) -> Result<PromiseRaw<'env, BindingAccessToken>> {
    let (request, session) = types::token_request(&options).map_err(to_napi)?;
    env.spawn_future(async move {
        let session = open(Some(session)).map_err(to_napi)?;
        let token = session.get_access_token(&request).await;
        token.map(Into::into).map_err(to_napi)
    })
}

/// Runs blocking file work (locks, reads, atomic writes) off Node's thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> azlogin::Result<T> + Send + 'static,
) -> Result<T> {
    let joined = tokio::task::spawn_blocking(work).await;
    joined
        .map_err(|e| Error::from_reason(e.to_string()))?
        .map_err(to_napi)
}

/// `az account list`: the active cloud's enabled subscriptions, or all with `all`.
#[napi]
pub async fn list_accounts(
    session: Option<BindingSessionOptions>,
    all: Option<bool>,
) -> Result<Vec<BindingSubscription>> {
    blocking(move || {
        let all = all.unwrap_or(false);
        let (entries, _warnings) = open(session)?.list_accounts(AccountListOptions { all })?;
        entries
            .into_iter()
            .map(BindingSubscription::from_json)
            .collect()
    })
    .await
}

/// `az account show`: the default subscription, or the one named.
#[napi]
pub async fn show_account(
    session: Option<BindingSessionOptions>,
    subscription: Option<String>,
) -> Result<BindingSubscription> {
    blocking(move || (&open(session)?.find_account(subscription.as_deref())?).try_into()).await
}

/// `az account set`: makes a subscription (name or id) the default.
#[napi]
pub async fn set_account(
    session: Option<BindingSessionOptions>,
    subscription: String,
) -> Result<BindingSubscription> {
    blocking(move || (&open(session)?.set_account(&subscription)?).try_into()).await
}

/// `az logout`: removes a user (default: the default subscription's) and their tokens.
#[napi]
pub async fn logout(
    session: Option<BindingSessionOptions>,
    username: Option<String>,
) -> Result<BindingLogoutResult> {
    blocking(move || Ok(open(session)?.logout(username.as_deref())?.into())).await
}

/// `az account clear`: removes every account and token.
#[napi]
pub async fn clear_accounts(session: Option<BindingSessionOptions>) -> Result<()> {
    blocking(move || open(session)?.clear_accounts()).await
}

/// Runs the `azlogin` command (`args` without the program name) with this process's streams;
/// resolves to its exit code.
#[napi]
pub async fn run_cli(args: Vec<String>) -> Result<i32> {
    let (done, code) = tokio::sync::oneshot::channel();
    // The command builds its own runtime and blocks on it, so it gets a thread of its own.
    std::thread::spawn(move || {
        let argv = std::iter::once("azlogin".to_string()).chain(args);
        let _ = done.send(azlogin::cli::main_with_args(argv.map(Into::into).collect()));
    });
    code.await.map_err(|e| Error::from_reason(e.to_string()))
}

/// A running emulator.
#[napi]
pub struct Emulator {
    url: String,
    ca_cert_path: Option<String>,
    running: Mutex<Option<RunningEmulator>>,
}

#[napi]
impl Emulator {
    /// The base URL (login endpoint; with `/` the ARM endpoint).
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The CA certificate to trust, with TLS.
    #[napi(getter)]
    pub fn ca_cert_path(&self) -> Option<String> {
        self.ca_cert_path.clone()
    }

    /// Stops it: the port is closed when the Promise resolves.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn stop<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
        let running = self.running.lock().ok().and_then(|mut r| r.take());
        env.spawn_future(async move {
            if let Some(running) = running {
                running.stop().await;
            }
            Ok(())
        })
    }
}

/// Starts the Entra ID + ARM emulator on 127.0.0.1.
#[napi]
pub async fn start_emulator(options: BindingEmulatorOptions) -> Result<Emulator> {
    let options = options.try_into().map_err(to_napi)?;
    let running = azlogin::emulator::start(options).await.map_err(to_napi)?;
    Ok(Emulator {
        url: running.url().to_string(),
        ca_cert_path: running.ca_cert_path().map(|p| p.display().to_string()),
        running: Mutex::new(Some(running)),
    })
}
