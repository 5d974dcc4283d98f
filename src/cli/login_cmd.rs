//! `azlogin login` / `azlogin logout`: az's argument rules and messages around the session.

use std::io::IsTerminal;

use serde_json::Value;

use super::args::{LoginArgs, LogoutArgs};
use super::console::Console;
use super::progress::ProgressLine;
use crate::discovery::DiscoveryProgress;
use crate::error::{Error, Result};
use crate::oauth::device_code::DeviceAuthorization;
use crate::oauth::metadata::is_guid;
use crate::profile::Subscription;
use crate::secret::Password;
use crate::session::{LoginEvents, LoginMethod, LoginRequest, Session};

/// az's usage errors, in az's order.
fn check_usage(a: &LoginArgs) -> Result<()> {
    let usage = |m: &str| Err(Error::Usage(m.to_string()));
    if a.identity && (a.password.is_some() || a.service_principal || a.tenant.is_some()) {
        return usage("usage error: '--identity' is not applicable with other arguments");
    }
    if a.identity && a.username.is_some() {
        return usage(
            "Passing the managed identity ID with --username is no longer supported. Use --client-id, --object-id or --resource-id instead.",
        );
    }
    if a.use_device_code
        && (a.password.is_some() || a.service_principal || a.username.is_some() || a.identity)
    {
        return usage("usage error: '--use-device-code' is not applicable with other arguments");
    }
    if a.use_cert_sn_issuer && !a.service_principal {
        return usage("usage error: '--use-sn-issuer' is only applicable with a service principal");
    }
    if a.service_principal && a.username.is_none() {
        return usage(
            "usage error: --service-principal --username NAME --password SECRET --tenant TENANT",
        );
    }
    if a.skip_subscription_discovery && a.tenant.is_none() {
        return usage("usage error: '--skip-subscription-discovery' requires '--tenant'");
    }
    if a.skip_subscription_discovery && a.subscription.as_deref().is_some_and(|s| !is_guid(s)) {
        return usage(
            "usage error: '--subscription' must be a subscription ID (GUID), not a name, when combined with '--skip-subscription-discovery'.",
        );
    }
    Ok(())
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
    check_usage(&args)?;
    if args.identity {
        return super::login_app::managed_identity(session, args, console).await;
    }
    if args.service_principal {
        return super::login_app::service_principal(session, args, console).await;
    }
    let method = match &args.username {
        Some(username) => {
            console.warning(crate::session::password_warning(
                session.cloud().login_endpoint()?,
            ));
            let password = match &args.password {
                Some(p) => p.clone(),
                None if std::io::stdin().is_terminal() => Password::new(
                    rpassword::prompt_password("Password: ")
                        .map_err(|e| Error::Usage(format!("Could not read the password: {e}")))?,
                ),
                None => {
                    return Err(Error::Usage(
                        "Please specify both username and password in non-interactive mode.".into(),
                    ));
                }
            };
            LoginMethod::Password {
                username: username.clone(),
                password,
            }
        }
        None if args.use_device_code => LoginMethod::DeviceCode,
        None => super::login_browser::method(&args, console),
    };
    // az reads the setting for every login, so a bad value fails every login.
    let show_selector = session.config().login_experience_v2()?
        && method.is_interactive()
        && super::selector::on_terminal();
    let filtered = args.subscription.is_some() || args.skip_subscription_discovery;
    let retrieving =
        (show_selector && !args.skip_subscription_discovery).then_some(if args.tenant.is_some() {
            crate::selector::RETRIEVING_SUBSCRIPTIONS
        } else {
            crate::selector::RETRIEVING_TENANTS
        });
    let mut request = LoginRequest::new(method);
    request.tenant = args.tenant;
    request.scopes = args.scope;
    request.allow_no_subscriptions = args.allow_no_subscriptions;
    request.subscription = args.subscription;
    request.claims_challenge = args
        .claims_challenge
        .as_deref()
        .map(decode_claims_challenge)
        .transpose()?;
    request.skip_subscription_discovery = args.skip_subscription_discovery;
    request.concurrency = usize::from(args.concurrency);
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
    let outcome = session.login(request, &events).await;
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
        ];
        for (line, expected) in cases {
            let err = check_usage(&args(line)).expect_err("usage error");
            assert!(err.to_string().starts_with(expected), "{line:?}: {err}");
            assert_eq!(err.code(), "usage_error");
        }
        assert!(check_usage(&args(&["--use-device-code", "-t", "contoso.example"])).is_ok());
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
