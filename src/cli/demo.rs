//! `azlogin demo`: the main job end to end on the embedded emulator — no account, no network,
//! no input — showing what a user sees.

use std::io::Write;
use std::sync::Arc;

use serde_json::Value;

use super::console::Console;
use crate::cloud::Cloud;
use crate::emulator::{EmulatorOptions, Scenario};
use crate::error::{Error, Result};
use crate::oauth::claims::decode_jwt_claims;
use crate::oauth::device_code::DeviceAuthorization;
use crate::pyjson::{self, PyJsonStyle};
use crate::session::{
    AccessTokenRequest, LoginEvents, LoginMethod, LoginRequest, Session, SessionOptions,
};
use crate::store::{self, AzConfig, ConfigDir};

/// The cloud the demo registers for the emulator.
const DEMO_CLOUD: &str = "AzureLoginEmulator";

struct DemoEvents {
    console: Console,
}

impl LoginEvents for DemoEvents {
    fn device_code(&self, authorization: &DeviceAuthorization) {
        self.console.styled_warning(&authorization.message);
        self.console
            .plain_err("(the emulator approves this code by itself after one poll)");
    }
    fn warning(&self, text: &str) {
        self.console.warning(text);
    }
}

/// A temporary config dir, removed when dropped.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn banner(text: &str) {
    let mut out = std::io::stdout();
    let _ = writeln!(out, "\n$ {text}");
    let _ = out.flush();
}

/// Runs the demo.
pub async fn run() -> Result<()> {
    let console = Console::detect(false, false);
    let emulator = crate::emulator::start(EmulatorOptions {
        scenario: Scenario::default_scenario(),
        ..EmulatorOptions::default()
    })
    .await?;
    let url = emulator.url().trim_end_matches('/').to_string();
    let dir = TempDir(std::env::temp_dir().join(format!("azlogin-demo-{}", uuid::Uuid::new_v4())));
    let config_dir = ConfigDir::new(&dir.0);
    config_dir.ensure()?;
    println!("azlogin demo: an Entra ID + ARM emulator is serving at {url}");
    println!("config dir: {}", dir.0.display());

    let mut cloud = Cloud::new(DEMO_CLOUD);
    cloud.endpoints.set("active_directory", url.clone());
    cloud.endpoints.set("resource_manager", format!("{url}/"));
    cloud
        .endpoints
        .set("active_directory_resource_id", format!("{url}/"));
    store::register_cloud(&config_dir, &cloud)?;
    let mut config = AzConfig::load(&config_dir)?;
    store::set_active_cloud(&config_dir, &mut config, DEMO_CLOUD)?;

    let session = Session::open(SessionOptions {
        config_dir: Some(dir.0.clone()),
        // Nothing from the outside environment: the demo is the same on every machine.
        env: Arc::new(|_| None),
        authority_host: None,
    })?;

    banner("azlogin login --use-device-code");
    let outcome = session
        .login(
            LoginRequest::new(LoginMethod::DeviceCode),
            &DemoEvents { console },
        )
        .await?;
    let list = Value::Array(
        outcome
            .subscriptions
            .iter()
            .map(|s| s.to_output_json())
            .collect(),
    );
    println!("{}", pyjson::to_string(&list, PyJsonStyle::OUTPUT));

    banner("azlogin account get-access-token  (the token's claims)");
    let token = session
        .get_access_token(&AccessTokenRequest::default())
        .await?;
    let claims = decode_jwt_claims(token.access_token.secret())
        .map_err(|e| Error::invalid_response(&url, e))?;
    let shown: serde_json::Map<String, Value> = claims
        .into_iter()
        .filter(|(k, _)| {
            [
                "aud", "iss", "exp", "tid", "oid", "upn", "name", "scp", "appid", "xms_cc",
            ]
            .contains(&k.as_str())
        })
        .collect();
    println!(
        "{}",
        pyjson::to_string(&Value::Object(shown), PyJsonStyle::OUTPUT)
    );
    println!(
        "\nSigned in as {} with {} subscription(s); default: {}.",
        outcome.username,
        outcome.subscriptions.len(),
        outcome.default_id.as_deref().unwrap_or("none")
    );
    emulator.stop().await;
    Ok(())
}
