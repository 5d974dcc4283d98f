//! One config dir registered with a cloud whose endpoints the in-memory emulator answers, and a
//! session over it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use azlogin::emulator::{MemoryClient, Responder, Scenario};
use azlogin::oauth::device_code::DeviceAuthorization;
use azlogin::runtime::ManualClock;
use azlogin::session::{
    AnyLogin, LoginEvents, LoginMethod, LoginOutcome, LoginRequest, Session, SessionOptions,
};
use azlogin::{Error, Result};
use serde_json::Value;

/// The emulator's address: any name would do, the in-memory client answers for every host.
pub const BASE: &str = "https://emulator.test";
pub const CLOUD: &str = "InMemoryCloud";
pub const USER: &str = "user@contoso.example";
pub const PASSWORD: &str = "Passw0rd!";
pub const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
pub const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
pub const WOODGROVE: &str = "33333333-3333-4333-8333-333333333333";
pub const CONTOSO_PRODUCTION: &str = "c0000001-0000-4000-8000-000000000001";
pub const CONTOSO_DEV: &str = "c0000001-0000-4000-8000-000000000002";

/// A config dir, the emulator behind it, and the session.
pub struct InProcess {
    pub responder: Arc<Responder>,
    pub clock: ManualClock,
    pub client: MemoryClient,
    pub config_dir: tempfile::TempDir,
    /// The session's HOME (kept for the session's lifetime).
    pub _home: tempfile::TempDir,
    pub session: Session<MemoryClient, ManualClock>,
}

impl InProcess {
    pub fn start() -> Self {
        Self::with_scenario(Scenario::default_scenario())
    }

    pub fn with_scenario(scenario: Scenario) -> Self {
        Self::with_env(scenario, &[])
    }

    /// With these environment variables (and no others) visible to the session.
    pub fn with_env(scenario: Scenario, vars: &[(&str, &str)]) -> Self {
        let config_dir = tempfile::tempdir().expect("tempdir");
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            config_dir.path().join("clouds.config"),
            format!(
                "[{CLOUD}]\nendpoint_active_directory = {BASE}\nendpoint_active_directory_resource_id = {BASE}/\nendpoint_resource_manager = {BASE}/\n\n"
            ),
        )
        .expect("clouds.config");
        std::fs::write(
            config_dir.path().join("config"),
            format!("[cloud]\nname = {CLOUD}\n\n[core]\ninstance_discovery = false\n\n"),
        )
        .expect("config");
        let responder = Arc::new(Responder::with_seed(scenario, BASE, 7));
        let clock = ManualClock::at(1_800_000_000_000);
        let client = MemoryClient::with_clock(Arc::clone(&responder), clock.shared());
        let mut env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        env.insert("HOME".into(), home.path().display().to_string());
        let session = Session::open_with(
            SessionOptions {
                config_dir: Some(config_dir.path().to_path_buf()),
                env: Arc::new(move |k| env.get(k).cloned()),
                authority_host: None,
            },
            client.clone(),
            clock.clone(),
        )
        .expect("the session opens");
        InProcess {
            responder,
            clock,
            client,
            config_dir,
            _home: home,
            session,
        }
    }

    pub fn exists(&self, name: &str) -> bool {
        self.config_dir.path().join(name).exists()
    }

    pub fn read_json(&self, name: &str) -> Value {
        let bytes = std::fs::read(self.config_dir.path().join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = String::from_utf8(bytes).expect("utf8");
        serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("json")
    }

    /// The profile's entries.
    pub fn profile_entries(&self) -> Vec<Value> {
        self.read_json("azureProfile.json")["subscriptions"]
            .as_array()
            .expect("subscriptions")
            .clone()
    }

    /// The realms of the cached access tokens.
    pub fn cached_token_realms(&self) -> Vec<String> {
        let cache = self.read_json("msal_token_cache.json");
        cache["AccessToken"]
            .as_object()
            .map(|ats| {
                ats.values()
                    .map(|e| e["realm"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The paths of every request the emulator answered, in order.
    pub fn requests(&self) -> Vec<String> {
        self.responder
            .request_log()
            .into_iter()
            .map(|r| r.path)
            .collect()
    }

    /// Runs a login of any kind (as parsed already: az's usage rules are the parser's, tested
    /// with it), recording its events.
    pub async fn login_any(&self, login: AnyLogin) -> (Result<LoginOutcome>, Recorded) {
        let events = Recorded::default();
        let outcome = match login {
            AnyLogin::User(request) => self.session.login(request, &events).await,
            AnyLogin::ServicePrincipal(request) => {
                self.session.login_service_principal(request, &events).await
            }
            AnyLogin::ManagedIdentity(request) => {
                self.session.login_managed_identity(request, &events).await
            }
            other => panic!("a login kind these tests do not know: {other:?}"),
        };
        (outcome, events)
    }

    /// A password login with `configure` applied to the request.
    pub async fn login_password(
        &self,
        configure: impl FnOnce(&mut LoginRequest),
    ) -> (Result<LoginOutcome>, Recorded) {
        let mut request = LoginRequest::new(LoginMethod::Password {
            username: USER.into(),
            password: azlogin::secret::Password::new(PASSWORD),
        });
        configure(&mut request);
        self.login_any(AnyLogin::User(request)).await
    }
}

/// What a login reported.
#[derive(Debug, Default)]
pub struct Recorded {
    pub device_messages: Mutex<Vec<String>>,
    pub authenticated: Mutex<u32>,
    pub warnings: Mutex<Vec<String>>,
}

impl Recorded {
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.lock().expect("lock").clone()
    }
    pub fn authenticated(&self) -> u32 {
        *self.authenticated.lock().expect("lock")
    }
}

impl LoginEvents for Recorded {
    fn device_code(&self, authorization: &DeviceAuthorization) {
        self.device_messages
            .lock()
            .expect("lock")
            .push(authorization.message.clone());
    }
    fn authenticated(&self) {
        *self.authenticated.lock().expect("lock") += 1;
    }
    fn warning(&self, text: &str) {
        self.warnings.lock().expect("lock").push(text.to_string());
    }
}

/// The ids of a login's entries, in order.
pub fn ids(outcome: &LoginOutcome) -> Vec<String> {
    outcome
        .subscriptions
        .iter()
        .map(|s| s.id().to_string())
        .collect()
}

/// The outcome, or a panic naming the error.
pub fn succeeded(outcome: Result<LoginOutcome>) -> LoginOutcome {
    outcome.unwrap_or_else(|e| panic!("the login failed: {} ({e})", e.code()))
}

/// The error, or a panic naming the outcome.
pub fn failed(outcome: Result<LoginOutcome>) -> Error {
    match outcome {
        Ok(o) => panic!("the login succeeded: {o:?}"),
        Err(e) => e,
    }
}
