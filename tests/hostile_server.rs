//! Hostile and broken servers: the emulator's fault modes on each endpoint the flows call, and
//! the `azlogin` command meeting them. Every case must end with exit code 1, one clear error
//! that names the endpoint, within a bounded time, with no panic, and with the config dir as
//! it was (the token cache may gain the tokens of a grant that did succeed before the fault,
//! as az's MSAL cache does). Timeouts are shortened through `AZLOGIN_HTTP_TIMEOUT_MS`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use azlogin::emulator::{Fault, FaultEndpoint, FaultKind, Scenario};
use common::*;
use serde_json::json;

/// Every HTTP timeout of the command under test.
const TIMEOUT_MS: &str = "1000";
/// The longest any case may take: a timeout, a few retries and process start-up, with room
/// for a loaded machine.
const BOUND: Duration = Duration::from_secs(20);
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// A command and the endpoint in it that is broken.
#[derive(Clone, Copy, Debug)]
enum Flow {
    /// `login -u -p`: user realm, the password grant, ARM tenants and subscriptions.
    Password,
    /// `login --use-device-code`: the device authorization, then its polls.
    DeviceCode,
    /// `account get-access-token` for a resource not cached yet, after a clean login.
    Refresh,
    /// `login --service-principal` with a client secret: the client_credentials grant, then ARM.
    ServicePrincipal,
    /// `login --identity` against IMDS (`AZURE_POD_IDENTITY_AUTHORITY_HOST`), then ARM.
    ManagedIdentity,
}

/// The service principal and its secret in `tests/scenarios/apps.json`.
const SP_APP: &str = "5a1e0000-0000-4000-8000-00000000c0de";
const SP_SECRET: &str = "sp-s3cret~value";

/// One endpoint a flow calls, where a fault goes.
#[derive(Clone, Copy, Debug)]
struct Target {
    flow: Flow,
    endpoint: FaultEndpoint,
    grant_type: Option<&'static str>,
    /// What the error must name.
    path: &'static str,
}

const TARGETS: [Target; 9] = [
    Target {
        flow: Flow::Password,
        endpoint: FaultEndpoint::Userrealm,
        grant_type: None,
        path: "/common/userrealm/",
    },
    Target {
        flow: Flow::Password,
        endpoint: FaultEndpoint::Token,
        grant_type: Some("password"),
        path: "/organizations/oauth2/v2.0/token",
    },
    Target {
        flow: Flow::Password,
        endpoint: FaultEndpoint::Tenants,
        grant_type: None,
        path: "/tenants",
    },
    Target {
        flow: Flow::Password,
        endpoint: FaultEndpoint::Subscriptions,
        grant_type: None,
        path: "/subscriptions",
    },
    Target {
        flow: Flow::DeviceCode,
        endpoint: FaultEndpoint::Devicecode,
        grant_type: None,
        path: "/organizations/oauth2/v2.0/devicecode",
    },
    Target {
        flow: Flow::DeviceCode,
        endpoint: FaultEndpoint::Token,
        grant_type: Some(DEVICE_GRANT),
        path: "/organizations/oauth2/v2.0/token",
    },
    Target {
        flow: Flow::Refresh,
        endpoint: FaultEndpoint::Token,
        grant_type: Some("refresh_token"),
        path: "/oauth2/v2.0/token",
    },
    Target {
        flow: Flow::ServicePrincipal,
        endpoint: FaultEndpoint::Token,
        grant_type: Some("client_credentials"),
        path: "/11111111-1111-4111-8111-111111111111/oauth2/v2.0/token",
    },
    Target {
        flow: Flow::ManagedIdentity,
        endpoint: FaultEndpoint::ManagedIdentity,
        grant_type: None,
        path: "/metadata/identity/oauth2/token",
    },
];

fn kind(value: serde_json::Value) -> FaultKind {
    serde_json::from_value(value).expect("fault kind")
}

/// Fields whose absence breaks each endpoint's answer. A user-realm answer without its fields
/// means a managed account, as MSAL reads it, so the login goes on: no case there.
fn missing_fields(endpoint: FaultEndpoint) -> Option<FaultKind> {
    let remove: &[&str] = match endpoint {
        FaultEndpoint::Userrealm => return None,
        FaultEndpoint::Token => &["access_token", "id_token"],
        FaultEndpoint::ManagedIdentity => &["access_token"],
        FaultEndpoint::Devicecode => &["device_code"],
        _ => &["value"],
    };
    Some(kind(json!({"kind": "patch_json", "remove": remove})))
}

/// The same fields with the wrong JSON types.
fn wrong_types(endpoint: FaultEndpoint) -> Option<FaultKind> {
    let set = match endpoint {
        FaultEndpoint::Userrealm => return None,
        FaultEndpoint::Token => json!({"access_token": 42, "id_token": ["x"], "expires_in": {}}),
        FaultEndpoint::ManagedIdentity => json!({"access_token": 42, "expires_on": {}}),
        FaultEndpoint::Devicecode => json!({"device_code": 7, "verification_uri": false}),
        _ => json!({"value": {"id": 1}}),
    };
    Some(kind(json!({"kind": "patch_json", "set": set})))
}

/// The config dir's files and their bytes (lock files excluded).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("config dir")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_name()?.to_string_lossy().into_owned();
            (path.is_file() && !name.ends_with(".lockfile"))
                .then(|| (name, std::fs::read(&path).unwrap_or_default()))
        })
        .collect()
}

/// `azlogin args…` with the short test timeouts and `extra` variables.
async fn run_with(env: &TestEnv, args: &[&str], extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![("AZLOGIN_HTTP_TIMEOUT_MS", TIMEOUT_MS)];
    vars.extend_from_slice(extra);
    env.run_with_env(&vars, args).await
}

const FAST_RETRIES: [(&str, &str); 1] = [("AZLOGIN_HTTP_RETRY_MAX_DELAY_MS", "20")];

/// What the HTTP client says when it stops reading at the body cap (`src/http/reqwest_client.rs`).
const CAP_MESSAGE: &str = "the answer is larger than 16777216 bytes";
/// What it says when a timeout ends an exchange (`src/http/reqwest_client.rs`), with the test timeouts.
const TIMEOUT_MESSAGE: &str =
    "no complete answer in time (the limits are 1.0 seconds of silence and 1.0 seconds in all)";

/// Runs `target`'s flow with `serve` on its endpoint and checks the failure is clean; the
/// line naming the endpoint must also say `says`, when given.
async fn expect_clean_failure(target: Target, serve: FaultKind, says: Option<&'static str>) {
    let fault = Fault {
        endpoint: target.endpoint,
        grant_type: target.grant_type.map(str::to_string),
        times: None,
        serve: serve.clone(),
    };
    let mut scenario = match target.flow {
        Flow::ServicePrincipal | Flow::ManagedIdentity => load_scenario("apps.json"),
        _ => Scenario::default_scenario(),
    };
    let env = match target.flow {
        Flow::Refresh => {
            let env = TestEnv::with_scenario(scenario).await;
            env.login_password().await;
            env.emulator.inject_faults(vec![fault]);
            env
        }
        _ => {
            scenario.faults = vec![fault];
            TestEnv::with_scenario(scenario).await
        }
    };
    let before = snapshot(env.config_dir.path());
    let args: &[&str] = match target.flow {
        Flow::Password => &["login", "-u", USER, "-p", PASSWORD],
        Flow::DeviceCode => &["login", "--use-device-code"],
        Flow::Refresh => &[
            "account",
            "get-access-token",
            "--resource",
            "https://vault.azure.net",
        ],
        Flow::ServicePrincipal => &[
            "login",
            "--service-principal",
            "-u",
            SP_APP,
            "-p",
            SP_SECRET,
            "--tenant",
            CONTOSO,
        ],
        Flow::ManagedIdentity => &["login", "--identity"],
    };
    let imds = env.url();
    let mut vars = FAST_RETRIES.to_vec();
    if matches!(target.flow, Flow::ManagedIdentity) {
        vars.push(("AZURE_POD_IDENTITY_AUTHORITY_HOST", &imds));
    }
    let started = Instant::now();
    let run = run_with(&env, args, &vars).await;
    let took = started.elapsed();
    let case = format!("{target:?} with {serve:?}");
    assert_eq!(run.code, 1, "{case}: {run:?}");
    assert!(took < BOUND, "{case} took {took:?}");
    assert!(!run.stderr.contains("panicked"), "{case}: {run:?}");
    assert!(run.stdout.is_empty(), "{case}: {run:?}");
    let named = run.stderr.lines().any(|l| {
        (l.starts_with("ERROR: ") || l.starts_with("WARNING: ")) && l.contains(target.path)
    });
    assert!(named, "{case}: the error names {}: {run:?}", target.path);
    if let Some(says) = says {
        let said = run
            .stderr
            .lines()
            .any(|l| l.contains(target.path) && l.contains(says));
        assert!(
            said,
            "{case}: the error naming {} says {says:?}: {run:?}",
            target.path
        );
    }
    assert!(run.stderr.contains("ERROR: "), "{case}: {run:?}");
    let after = snapshot(env.config_dir.path());
    let token_obtained = matches!(
        target.endpoint,
        FaultEndpoint::Tenants | FaultEndpoint::Subscriptions
    );
    for (name, bytes) in &before {
        assert_eq!(after.get(name), Some(bytes), "{case}: {name} changed");
    }
    for name in after.keys().filter(|n| !before.contains_key(*n)) {
        assert!(
            token_obtained && name == "msal_token_cache.json",
            "{case}: {name} was written"
        );
    }
}

/// Runs every target with the fault `make` gives for its endpoint (if any), a few at a time.
async fn every_target(make: impl Fn(FaultEndpoint) -> Option<FaultKind>) {
    every_target_saying(make, None).await;
}

/// [`every_target`], each error also saying `says`.
async fn every_target_saying(
    make: impl Fn(FaultEndpoint) -> Option<FaultKind>,
    says: Option<&'static str>,
) {
    let cases: Vec<(Target, FaultKind)> = TARGETS
        .iter()
        .filter_map(|t| Some((*t, make(t.endpoint)?)))
        .collect();
    for chunk in cases.chunks(4) {
        let runs = chunk
            .iter()
            .cloned()
            .map(|(t, k)| tokio::spawn(expect_clean_failure(t, k, says)));
        for r in futures::future::join_all(runs).await {
            if let Err(e) = r {
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn html_pages_with_200_and_502() {
    every_target(|_| Some(kind(json!({"kind": "html"})))).await;
    every_target(|_| Some(kind(json!({"kind": "html", "status": 502})))).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn truncated_json() {
    every_target(|_| Some(kind(json!({"kind": "truncated_json"})))).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifty_megabyte_body_stops_at_the_cap() {
    every_target_saying(
        |_| Some(kind(json!({"kind": "huge_body", "bytes": 50_000_000}))),
        Some(CAP_MESSAGE),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_that_never_ends_times_out() {
    every_target_saying(
        |_| Some(kind(json!({"kind": "endless_body"}))),
        Some(TIMEOUT_MESSAGE),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_answers_times_out() {
    every_target_saying(
        |_| Some(kind(json!({"kind": "no_answer"}))),
        Some(TIMEOUT_MESSAGE),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn persistent_5xx_and_429_give_up_after_the_retries() {
    every_target(|_| Some(kind(json!({"kind": "status", "status": 500})))).await;
    every_target(|_| {
        Some(kind(
            json!({"kind": "status", "status": 503, "retry_after": "1"}),
        ))
    })
    .await;
    every_target(|_| {
        Some(kind(
            json!({"kind": "status", "status": 429, "retry_after": "2"}),
        ))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_to_another_host_are_not_followed() {
    every_target(|_| {
        Some(kind(
            json!({"kind": "redirect", "location": "http://127.0.0.9:9/stolen/oauth2/v2.0/token"}),
        ))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_fields_and_wrong_types() {
    every_target(missing_fields).await;
    every_target(wrong_types).await;
}

/// A token endpoint's 302 is reported as a redirect, and the other host is never contacted.
#[tokio::test(flavor = "multi_thread")]
async fn a_redirected_token_request_says_so() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let elsewhere = format!(
        "http://127.0.0.1:{}/stolen",
        listener.local_addr().expect("addr").port()
    );
    let mut scenario = Scenario::default_scenario();
    scenario.faults = vec![Fault {
        endpoint: FaultEndpoint::Token,
        grant_type: None,
        times: None,
        serve: kind(json!({"kind": "redirect", "location": elsewhere})),
    }];
    let env = TestEnv::with_scenario(scenario).await;
    let run = run_with(&env, &["login", "-u", USER, "-p", PASSWORD], &[]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "ERROR: Invalid response from {}/organizations/oauth2/v2.0/token: the server redirected the request to 127.0.0.1:",
            env.url()
        )),
        "{run:?}"
    );
    let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
    assert!(accepted.is_err(), "the redirect target was contacted");
    assert_eq!(env.grants("password"), 1, "not retried either");
}

/// Transient failures that stop within the retry budget are invisible; the number of sends
/// is bounded (one plus three retries).
#[tokio::test(flavor = "multi_thread")]
async fn transient_failures_are_retried_a_bounded_number_of_times() {
    let fault = |endpoint, times, status| Fault {
        endpoint,
        grant_type: None,
        times: Some(times),
        serve: kind(json!({"kind": "status", "status": status})),
    };
    let mut scenario = Scenario::default_scenario();
    scenario.faults = vec![
        fault(FaultEndpoint::Token, 3, 503),
        fault(FaultEndpoint::Tenants, 2, 429),
    ];
    let env = TestEnv::with_scenario(scenario).await;
    let run = run_with(&env, &["login", "-u", USER, "-p", PASSWORD], &FAST_RETRIES).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(env.grants("password"), 4);
    assert_eq!(
        env.requests().iter().filter(|p| *p == "/tenants").count(),
        3
    );

    let mut scenario = Scenario::default_scenario();
    scenario.faults = vec![fault(FaultEndpoint::Token, 4, 503)];
    let env = TestEnv::with_scenario(scenario).await;
    let run = run_with(&env, &["login", "-u", USER, "-p", PASSWORD], &FAST_RETRIES).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("HTTP 503"), "{run:?}");
    assert_eq!(env.grants("password"), 4, "one send and three retries");
}

/// `Retry-After` is waited out (with the real defaults), and a huge one is capped.
#[tokio::test(flavor = "multi_thread")]
async fn retry_after_is_honoured_and_capped() {
    let mut scenario = Scenario::default_scenario();
    scenario.faults = vec![Fault {
        endpoint: FaultEndpoint::Token,
        grant_type: Some("password".into()),
        times: Some(2),
        serve: kind(json!({"kind": "status", "status": 503, "retry_after": "1"})),
    }];
    let env = TestEnv::with_scenario(scenario).await;
    let run = run_with(&env, &["login", "-u", USER, "-p", PASSWORD], &[]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let sent: Vec<u64> = env
        .emulator
        .request_log()
        .iter()
        .filter(|r| r.grant_type.as_deref() == Some("password"))
        .map(|r| r.timestamp)
        .collect();
    assert_eq!(sent.len(), 3);
    for pair in sent.windows(2) {
        assert!(pair[1] - pair[0] >= 990, "waited {} ms", pair[1] - pair[0]);
    }

    let mut scenario = Scenario::default_scenario();
    scenario.faults = vec![Fault {
        endpoint: FaultEndpoint::Token,
        grant_type: Some("password".into()),
        times: Some(1),
        serve: kind(json!({"kind": "status", "status": 429, "retry_after": "86400"})),
    }];
    let env = TestEnv::with_scenario(scenario).await;
    let started = Instant::now();
    let run = run_with(
        &env,
        &["login", "-u", USER, "-p", PASSWORD],
        &[("AZLOGIN_HTTP_RETRY_MAX_DELAY_MS", "300")],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(env.grants("password"), 2);
}

/// A device-code `interval` of 0 is floored to a second between polls, not a busy loop.
#[tokio::test(flavor = "multi_thread")]
async fn device_code_interval_zero_does_not_spin() {
    let mut scenario = Scenario::default_scenario();
    scenario.device_code.interval = 0;
    scenario.device_code.pending_polls = 3;
    let env = TestEnv::with_scenario(scenario).await;
    let run = run_with(&env, &["login", "--use-device-code"], &[]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let polls: Vec<u64> = env
        .emulator
        .request_log()
        .iter()
        .filter(|r| r.grant_type.as_deref() == Some(DEVICE_GRANT))
        .map(|r| r.timestamp)
        .collect();
    assert_eq!(polls.len(), 4, "three pending answers, then the tokens");
    for pair in polls.windows(2) {
        assert!(
            pair[1] - pair[0] >= 990,
            "polled after {} ms",
            pair[1] - pair[0]
        );
    }
}

/// A device-code `interval` of 10,000 seconds does not outlive the code: the wait is cut to
/// the code's expiry, then the login ends with az's expiry error.
#[tokio::test(flavor = "multi_thread")]
async fn device_code_interval_beyond_expiry_ends_at_expiry() {
    let mut scenario = Scenario::default_scenario();
    scenario.device_code.interval = 10_000;
    scenario.device_code.expires_in = 3;
    scenario.device_code.auto_approve = None;
    let env = TestEnv::with_scenario(scenario).await;
    let before = snapshot(env.config_dir.path());
    let started = Instant::now();
    let run = run_with(&env, &["login", "--use-device-code"], &[]).await;
    assert_eq!(run.code, 1, "{run:?}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(15),
        "{took:?}"
    );
    assert!(run.stderr.contains("ERROR: "), "{run:?}");
    assert!(
        run.stderr.contains("expired") || run.stderr.contains("AADSTS70020"),
        "{run:?}"
    );
    assert!(
        env.grants(DEVICE_GRANT) <= 3,
        "{}",
        env.grants(DEVICE_GRANT)
    );
    assert_eq!(snapshot(env.config_dir.path()), before);
}

/// Faults come from a scenario file too: two 503s on the password grant are retried away,
/// then the HTML page on `/tenants` ends the login with an error naming it.
#[tokio::test(flavor = "multi_thread")]
async fn faults_are_selected_per_endpoint_in_a_scenario_file() {
    let env = TestEnv::with_scenario(load_scenario("faults.json")).await;
    let before = snapshot(env.config_dir.path());
    let run = run_with(&env, &["login", "-u", USER, "-p", PASSWORD], &[]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "ERROR: Invalid response from {}/tenants: the body is not JSON",
            env.url()
        )),
        "{run:?}"
    );
    assert_eq!(env.grants("password"), 3);
    let after = snapshot(env.config_dir.path());
    assert!(before.iter().all(|(k, v)| after.get(k) == Some(v)));
    assert!(!after.contains_key("azureProfile.json"));
}

/// Server text reaches the terminal with its control characters replaced: an Entra error
/// description and an ARM error message carrying escape sequences (clear screen, window title,
/// an OSC 8 link, a one-character CSI) are shown with U+FFFD in their place, `\r\n` kept.
#[tokio::test(flavor = "multi_thread")]
async fn control_characters_in_server_text_are_replaced() {
    let hostile = "\u{1b}[2J\u{1b}]0;owned\u{7}\u{1b}]8;;https://evil.example\u{7}click\u{9b}0m";
    let shown = "\u{FFFD}[2J\u{FFFD}]0;owned\u{FFFD}\u{FFFD}]8;;https://evil.example\u{FFFD}click\u{FFFD}0m";
    let cases = [
        (
            FaultEndpoint::Token,
            json!({"error": "invalid_grant", "error_codes": [50126],
                   "error_description": format!("AADSTS50126: Bad.{hostile}\r\nTrace ID: 1")}),
            format!("ERROR: AADSTS50126: Bad.{shown}\r\nTrace ID: 1"),
        ),
        (
            FaultEndpoint::Tenants,
            json!({"error": {"code": "Denied", "message": format!("No.{hostile}")}}),
            format!("(Denied) No.{shown}"),
        ),
    ];
    for (endpoint, body, expected) in cases {
        let mut scenario = Scenario::default_scenario();
        scenario.faults = vec![Fault {
            endpoint,
            grant_type: None,
            times: None,
            serve: kind(json!({"kind": "json", "status": 403, "body": body})),
        }];
        let env = TestEnv::with_scenario(scenario).await;
        let run = run_with(&env, &["login", "-u", USER, "-p", PASSWORD], &[]).await;
        assert_eq!(run.code, 1, "{endpoint:?}: {run:?}");
        assert!(run.stderr.contains(&expected), "{endpoint:?}: {run:?}");
        let controls: Vec<char> = run
            .stderr
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .collect();
        assert!(controls.is_empty(), "{endpoint:?}: {controls:?} in {run:?}");
    }
}
