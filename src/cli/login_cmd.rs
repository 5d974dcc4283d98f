//! `azlogin login` / `azlogin logout`: az's argument rules and messages around the session.

use std::io::IsTerminal;

use serde_json::Value;

use super::args::{LoginArgs, LogoutArgs};
use super::console::Console;
use super::progress::ProgressLine;
use crate::discovery::DiscoveryProgress;
use crate::error::{Error, Result};
use crate::login_input::{InteractiveDefault, LoginInput, ParsedLogin, UserFlow, UserMethod};
use crate::oauth::device_code::DeviceAuthorization;
use crate::profile::Subscription;
use crate::secret::{ClientAssertion, Password};
use crate::session::{LoginEvents, Session};

/// The arguments as the core's login input (az's rules are applied by the core).
fn login_input(a: &LoginArgs, claims_challenge: Option<String>) -> LoginInput {
    LoginInput {
        username: a.username.clone(),
        password: a.password.clone(),
        tenant: a.tenant.clone(),
        scopes: a.scope.clone(),
        allow_no_subscriptions: a.allow_no_subscriptions,
        claims_challenge,
        method: a.use_device_code.then_some(UserMethod::DeviceCode),
        interactive_default: InteractiveDefault::Browser,
        service_principal: a.service_principal,
        certificate: a.certificate.clone(),
        use_cert_sn_issuer: a.use_cert_sn_issuer,
        federated_token: a
            .federated_token
            .as_ref()
            .map(|t| ClientAssertion::new(t.secret())),
        identity: a.identity,
        identity_client_id: a.client_id.clone(),
        identity_object_id: a.object_id.clone(),
        identity_resource_id: a.resource_id.clone(),
        skip_subscription_discovery: a.skip_subscription_discovery,
        subscription: a.subscription.clone(),
        concurrency: Some(usize::from(a.concurrency)),
    }
}

/// az's `Password: ` prompt, on a terminal only.
fn prompt_password() -> Result<Password> {
    rpassword::prompt_password("Password: ")
        .map(Password::new)
        .map_err(|e| Error::Usage(format!("Could not read the password: {e}")))
}

struct CliEvents {
    console: Console,
    /// The "Retrieving…" line, when the selector will be shown after discovery.
    retrieving: Option<&'static str>,
    progress: ProgressLine,
}

impl LoginEvents for CliEvents {
    fn device_code(&self, authorization: &DeviceAuthorization) {
        self.console.styled_warning(&authorization.message);
    }
    fn authenticated(&self) {
        if let Some(line) = self.retrieving {
            use std::io::Write;
            let _ = std::io::stdout().write_all(format!("\n{line}\n").as_bytes());
        }
    }
    fn warning(&self, text: &str) {
        self.progress.clear();
        self.console.warning(text);
    }
    fn progress(&self, progress: DiscoveryProgress) {
        self.progress.show(progress);
    }
}

/// Decodes `--claims-challenge` (base64, read as latin-1 like az).
fn decode_claims_challenge(encoded: &str) -> Result<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .or_else(|_| crate::oauth::claims::base64url_decode(encoded))
        .map_err(|_| Error::Usage("The value of --claims-challenge is not valid base64.".into()))?;
    Ok(bytes.into_iter().map(char::from).collect())
}

/// Runs `azlogin login`; the JSON az prints, or `None` (always `None` unless `wanted`).
pub async fn login(
    session: &Session,
    args: LoginArgs,
    console: Console,
    wanted: bool,
) -> Result<Option<Value>> {
    // az decodes the claims after its usage checks, so a bad value is reported after them.
    let claims = args
        .claims_challenge
        .as_deref()
        .map(decode_claims_challenge)
        .transpose();
    let claims_challenge = claims.as_ref().ok().cloned().flatten();
    let checked = login_input(&args, claims_challenge).check()?;
    if checked.warns_about_password() {
        console.warning(crate::session::password_warning(
            session.cloud().login_endpoint()?,
        ));
    }
    claims?;
    let mut ask = prompt_password;
    let prompt: Option<&mut dyn FnMut() -> Result<Password>> =
        std::io::stdin().is_terminal().then_some(&mut ask);
    let mut user = match checked.finish(prompt)? {
        ParsedLogin::User(user) => user,
        ParsedLogin::ServicePrincipal(app) => {
            return super::login_app::service_principal(session, app, console).await;
        }
        ParsedLogin::ManagedIdentity(identity) => {
            return super::login_app::managed_identity(session, identity, console).await;
        }
    };
    let browser = match user.flow() {
        UserFlow::Browser => super::login_browser::options(&args, console),
        _ => None,
    };
    if browser.is_none() {
        user.browser_to_device_code();
    }
    // az reads the setting for every login, so a bad value fails every login.
    let show_selector = session.config().login_experience_v2()?
        && user.is_interactive()
        && super::selector::on_terminal();
    let target = user.target();
    let filtered = target.subscription().is_some() || target.skips_discovery();
    let retrieving =
        (show_selector && !target.skips_discovery()).then_some(if target.tenant().is_some() {
            crate::selector::RETRIEVING_SUBSCRIPTIONS
        } else {
            crate::selector::RETRIEVING_TENANTS
        });
    let events = CliEvents {
        console,
        retrieving,
        // The line erases itself with an escape sequence, which a Windows console draws only
        // once asked to.
        progress: ProgressLine::new(
            !console.only_errors
                && std::io::stderr().is_terminal()
                && super::platform::stderr_escape_sequences(),
        ),
    };
    let browser = || browser.ok_or_else(|| Error::Usage("No web browser is available.".into()));
    let outcome = session
        .login_any(ParsedLogin::User(user), browser, &events)
        .await;
    events.progress.clear();
    let outcome = outcome?;
    // With a filter az asks only when more than one entry is left; without, always.
    if show_selector && (!filtered || outcome.subscriptions.len() > 1) {
        let default_id = outcome.default_id.as_deref();
        super::selector::select_and_set(session, &outcome.subscriptions, default_id, console)?;
        super::selector::announce(console);
        return Ok(None);
    }
    if !wanted {
        return Ok(None);
    }
    Ok(Some(Value::Array(
        outcome
            .subscriptions
            .into_iter()
            .map(Subscription::into_output_json)
            .collect(),
    )))
}

/// Runs `azlogin logout`.
pub fn logout(session: &Session, args: LogoutArgs) -> Result<Option<Value>> {
    session.logout(args.username.as_deref())?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(line: &[&str]) -> LoginArgs {
        let mut all = vec!["azlogin", "login"];
        all.extend_from_slice(line);
        match super::super::args::Cli::parse_from(all).command {
            super::super::args::Command::Login(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn usage_errors_in_az_order() {
        let cases: &[(&[&str], &str)] = &[
            (
                &["-i", "-t", "x"],
                "usage error: '--identity' is not applicable with other arguments",
            ),
            (
                &["-i", "-u", "x"],
                "Passing the managed identity ID with --username",
            ),
            (
                &["--use-device-code", "-u", "x"],
                "usage error: '--use-device-code' is not applicable",
            ),
            (
                &["--use-cert-sn-issuer"],
                "usage error: '--use-sn-issuer' is only applicable",
            ),
            (
                &["--service-principal"],
                "usage error: --service-principal --username NAME",
            ),
            (
                &["--skip-sub"],
                "usage error: '--skip-subscription-discovery' requires '--tenant'",
            ),
            (
                &["--skip-subscription-discovery", "-t", "t", "-s", "Prod"],
                "usage error: '--subscription' must be a subscription ID (GUID)",
            ),
            (
                &["-u", "x"],
                "Please specify both username and password in non-interactive mode.",
            ),
        ];
        for (line, expected) in cases {
            let err = login_input(&args(line), None)
                .parse()
                .expect_err("usage error");
            assert!(err.to_string().starts_with(expected), "{line:?}: {err}");
            assert_eq!(err.code(), "usage_error");
        }
        let device_code = login_input(&args(&["--use-device-code", "-t", "contoso.example"]), None);
        assert!(device_code.parse().is_ok());
    }

    #[test]
    fn claims_challenge_is_base64_decoded() {
        assert_eq!(
            decode_claims_challenge("eyJhIjoxfQ==").expect("decodes"),
            "{\"a\":1}"
        );
        assert!(decode_claims_challenge("***").is_err());
    }
}
