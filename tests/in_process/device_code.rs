//! The device-code flow: the server's message shown, the polls spaced by the clock, the files.

use std::time::Duration;

use azlogin::emulator::EmuRequest;
use azlogin::oauth::device_code::DeviceAuthorization;
use azlogin::runtime::Runtime;
use azlogin::session::{AnyLogin, LoginEvents, LoginMethod, LoginOutcome, LoginRequest};

use crate::harness::*;

#[tokio::test]
async fn device_code_login_shows_the_message_polls_and_writes_the_files() {
    let env = InProcess::start();
    let started = env.clock.now_ms();
    let (outcome, events) = env
        .login_any(AnyLogin::User(LoginRequest::new(LoginMethod::DeviceCode)))
        .await;
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [CONTOSO_PRODUCTION, CONTOSO_DEV]);
    assert_eq!(outcome.username, USER);
    let messages = events.device_messages.lock().expect("lock").clone();
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].starts_with("To sign in, use a web browser to open the page"),
        "{messages:?}"
    );
    // One pending poll, then the tokens: the driver slept one interval on the manual clock.
    let polls = env
        .responder
        .request_log()
        .iter()
        .filter(|r| r.grant_type.as_deref() == Some("urn:ietf:params:oauth:grant-type:device_code"))
        .count();
    assert_eq!(polls, 2);
    assert!(env.clock.now_ms() - started >= Duration::from_secs(1).as_millis() as u64);
    assert_eq!(env.profile_entries().len(), 2);
    assert!(env.cached_token_realms().contains(&CONTOSO.to_string()));
}

/// Events that answer the code on the emulator's verification side as soon as it is shown.
struct Answering<'a> {
    env: &'a InProcess,
    action: &'static str,
    recorded: Recorded,
}

impl LoginEvents for Answering<'_> {
    fn device_code(&self, authorization: &DeviceAuthorization) {
        let mut request = EmuRequest::new("POST", &format!("/_emulator/device/{}", self.action));
        request.headers = vec![("content-type".into(), "application/json".into())];
        request.body = serde_json::json!({"user_code": authorization.user_code, "username": USER})
            .to_string()
            .into_bytes();
        let answer = self.env.responder.handle(request, self.env.clock.now_ms());
        assert_eq!(
            answer.status,
            200,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        self.recorded.device_code(authorization);
    }
}

async fn answered(action: &'static str) -> (InProcess, azlogin::Result<LoginOutcome>) {
    let mut scenario = azlogin::emulator::Scenario::default_scenario();
    scenario.device_code.auto_approve = None;
    let env = InProcess::with_scenario(scenario);
    let events = Answering {
        env: &env,
        action,
        recorded: Recorded::default(),
    };
    let outcome = env
        .session
        .login(LoginRequest::new(LoginMethod::DeviceCode), &events)
        .await;
    drop(events);
    (env, outcome)
}

#[tokio::test]
async fn a_code_approved_on_the_verification_side_completes() {
    let (env, outcome) = answered("approve").await;
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [CONTOSO_PRODUCTION, CONTOSO_DEV]);
    assert_eq!(env.profile_entries().len(), 2);
}

#[tokio::test]
async fn a_declined_code_ends_the_login_with_the_server_error() {
    let (env, outcome) = answered("decline").await;
    let err = failed(outcome);
    assert_eq!(err.code(), "authorization_declined");
    assert!(err.to_string().starts_with("AADSTS"), "{err}");
    assert!(!env.exists("azureProfile.json"));
    assert!(!env.exists("msal_token_cache.json"));
}
