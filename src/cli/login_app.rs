//! `azlogin login --service-principal …` and `azlogin login --identity …`, parsed by the core:
//! the session's app logins. Neither shows the selector; both print the JSON list.

use serde_json::Value;

use super::console::Console;
use crate::error::{Error, Result};
use crate::login::browser::BrowserOptions;
use crate::login_input::{AppLogin, IdentityLogin, ParsedLogin};
use crate::session::{LoginEvents, LoginOutcome, Session};

struct AppEvents(Console);

impl LoginEvents for AppEvents {
    fn warning(&self, text: &str) {
        self.0.warning(text);
    }
}

/// The JSON list az prints: with `cloudName` after a service principal login, but with the
/// stored `environmentName` after `--identity` (az returns those entries before renaming).
fn output(outcome: LoginOutcome, rename_cloud: bool) -> Option<Value> {
    Some(Value::Array(
        outcome
            .subscriptions
            .iter()
            .map(|s| {
                if rename_cloud {
                    s.to_output_json()
                } else {
                    s.to_json()
                }
            })
            .collect(),
    ))
}

/// No browser: an app login never opens one.
fn no_browser() -> Result<BrowserOptions> {
    Err(Error::Usage("An app login opens no browser.".into()))
}

/// `login --service-principal`, parsed.
pub async fn service_principal(
    session: &Session,
    app: AppLogin,
    console: Console,
) -> Result<Option<Value>> {
    let login = ParsedLogin::ServicePrincipal(app);
    let outcome = session
        .login_any(login, no_browser, &AppEvents(console))
        .await?;
    Ok(output(outcome, true))
}

/// `login --identity`, parsed.
pub async fn managed_identity(
    session: &Session,
    identity: IdentityLogin,
    console: Console,
) -> Result<Option<Value>> {
    let login = ParsedLogin::ManagedIdentity(identity);
    let outcome = session
        .login_any(login, no_browser, &AppEvents(console))
        .await?;
    Ok(output(outcome, false))
}
