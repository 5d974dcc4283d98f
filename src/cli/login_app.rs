//! `azlogin login --service-principal …` and `azlogin login --identity …`: az's argument rules
//! for apps, then the session's app logins. Neither shows the selector; both print the JSON list.

use std::io::IsTerminal;

use serde_json::Value;

use super::args::LoginArgs;
use super::console::Console;
use crate::error::{Error, Result};
use crate::oauth::managed_identity::ManagedIdentityId;
use crate::secret::{ClientAssertion, ClientSecret};
use crate::session::{
    LoginEvents, LoginOutcome, ManagedIdentityLogin, ServicePrincipalCredential,
    ServicePrincipalLogin, Session,
};

struct AppEvents(Console);

impl LoginEvents for AppEvents {
    fn warning(&self, text: &str) {
        self.0.warning(text);
    }
}

/// The service principal's credential as az picks it: a secret first, then a certificate,
/// then a federated token; with none of them a terminal is asked for the password (secret).
fn service_principal_credential(args: &LoginArgs) -> Result<ServicePrincipalCredential> {
    if let Some(secret) = &args.password {
        return Ok(ServicePrincipalCredential::Secret(ClientSecret::new(
            secret.secret(),
        )));
    }
    if let Some(path) = &args.certificate {
        return Ok(ServicePrincipalCredential::Certificate {
            path: path.clone(),
            send_x5c: args.use_cert_sn_issuer,
        });
    }
    if let Some(token) = &args.federated_token {
        return Ok(ServicePrincipalCredential::Assertion(ClientAssertion::new(
            token.secret(),
        )));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "Please specify both username and password in non-interactive mode.".into(),
        ));
    }
    let secret = rpassword::prompt_password("Password: ")
        .map_err(|e| Error::Usage(format!("Could not read the password: {e}")))?;
    Ok(ServicePrincipalCredential::Secret(ClientSecret::new(
        secret,
    )))
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

/// `login --service-principal`, after the usage checks.
pub async fn service_principal(
    session: &Session,
    args: LoginArgs,
    console: Console,
) -> Result<Option<Value>> {
    let credential = service_principal_credential(&args)?;
    let mut request = ServicePrincipalLogin::new(args.username.unwrap_or_default(), credential);
    request.tenant = args.tenant;
    request.scopes = args.scope;
    request.allow_no_subscriptions = args.allow_no_subscriptions;
    request.subscription = args.subscription;
    request.skip_subscription_discovery = args.skip_subscription_discovery;
    request.cert_sn_issuer_auth = args.use_cert_sn_issuer;
    let outcome = session
        .login_service_principal(request, &AppEvents(console))
        .await?;
    Ok(output(outcome, true))
}

/// `login --identity`, after the usage checks.
pub async fn managed_identity(
    session: &Session,
    args: LoginArgs,
    console: Console,
) -> Result<Option<Value>> {
    let request = ManagedIdentityLogin {
        id: ManagedIdentityId::from_ids(args.client_id, args.object_id, args.resource_id)?,
        allow_no_subscriptions: args.allow_no_subscriptions,
    };
    let outcome = session
        .login_managed_identity(request, &AppEvents(console))
        .await?;
    Ok(output(outcome, false))
}
