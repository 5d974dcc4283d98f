//! `azlogin login --use-device-code` against the emulator (which approves the code itself).

mod common;

use common::proxy::Proxy;
use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn device_code_login_prints_the_message_then_the_list() {
    let env = TestEnv::start().await;
    let run = env.run(&["login", "--use-device-code"]).await.ok();
    let first = run.stderr.lines().next().unwrap_or_default().to_string();
    assert!(
        first.starts_with("To sign in, use a web browser to open the page "),
        "{run:?}"
    );
    assert!(
        first.contains(&format!("{}/devicelogin", env.url())),
        "{first}"
    );
    assert!(run.stderr.contains("WARNING: Authentication failed against tenant 33333333-3333-4333-8333-333333333333 'Woodgrove MFA': AADSTS50076"), "{run:?}");
    let list = run.json();
    let ids: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        [
            "c0000001-0000-4000-8000-000000000001",
            "c0000001-0000-4000-8000-000000000002"
        ]
    );
    let cache = env.read_json("msal_token_cache.json");
    let account = cache["Account"]
        .as_object()
        .and_then(|m| m.values().next())
        .expect("account");
    assert_eq!(
        account["account_source"],
        "urn:ietf:params:oauth:grant-type:device_code"
    );
    assert_eq!(account["realm"], "organizations");
    assert!(env.grants("urn:ietf:params:oauth:grant-type:device_code") >= 1);
}

/// The first stderr line is the server's own `message`, byte for byte (az prints it with
/// `print_styled_text`, not through the logger), so `--only-show-errors` keeps it while dropping
/// every WARNING line.
#[tokio::test(flavor = "multi_thread")]
async fn device_code_message_is_the_servers_and_survives_only_show_errors() {
    let env = TestEnv::start().await;
    let proxy = Proxy::start(&env.url()).await;
    let mut seen_device_requests = 0;
    let mut lists = Vec::new();
    for only_errors in [false, true] {
        let mut args = vec!["login", "--use-device-code"];
        if only_errors {
            args.push("--only-show-errors");
        }
        let mut cmd = env.command(&args);
        cmd.env("HTTP_PROXY", &proxy.url);
        let out = tokio::task::spawn_blocking(move || cmd.output())
            .await
            .expect("join")
            .expect("azlogin runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{stderr}");

        // What the emulator answered to this run's one device authorization request.
        let device: Vec<_> = proxy
            .exchanges()
            .into_iter()
            .filter(|x| x.path == "/organizations/oauth2/v2.0/devicecode")
            .collect();
        assert_eq!(
            device.len(),
            seen_device_requests + 1,
            "one device code per login"
        );
        seen_device_requests = device.len();
        let flow = device.last().expect("device code answer").json();
        let message = flow["message"].as_str().expect("message").to_string();
        // The emulator's wording, with this flow's page and code.
        assert_eq!(
            message,
            format!(
                "To sign in, use a web browser to open the page {} and enter the code {} to authenticate.",
                flow["verification_uri"].as_str().expect("verification_uri"),
                flow["user_code"].as_str().expect("user_code")
            )
        );
        assert_eq!(
            flow["verification_uri"],
            format!("{}/devicelogin", env.url())
        );

        assert_eq!(
            stderr.lines().next(),
            Some(message.as_str()),
            "first stderr line, plain (no colour without a terminal): {stderr}"
        );
        assert!(
            !stderr.contains("A web browser has been opened"),
            "{stderr}"
        );
        if only_errors {
            assert_eq!(stderr, format!("{message}\n"), "no WARNING lines");
        } else {
            let rest: Vec<&str> = stderr.lines().skip(1).collect();
            assert_eq!(
                rest.first().map(|l| normalize_aadsts(l)).as_deref(),
                Some(
                    "WARNING: Authentication failed against tenant 33333333-3333-4333-8333-333333333333 'Woodgrove MFA': AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'. Trace ID: <trace> Correlation ID: <corr> Timestamp: <time>"
                ),
                "{stderr}"
            );
            assert_eq!(rest.len(), 6, "{stderr}");
            assert!(
                rest[5]
                    .ends_with("run: azlogin login --tenant 33333333-3333-4333-8333-333333333333"),
                "{stderr}"
            );
            assert!(rest.iter().all(|l| l.starts_with("WARNING: ")), "{stderr}");
        }
        lists.push(stdout);
    }
    assert_eq!(lists[0], lists[1], "--only-show-errors changes stderr only");
}

/// Starts a device-code login, reads the user code from its first stderr line, and sends
/// `action` (approve/decline) to the emulator's verification control.
async fn run_with_action(env: &TestEnv, action: &str) -> (i32, String, String) {
    use std::io::{BufRead, Read};
    let mut child = env
        .command(&["login", "--use-device-code"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    stderr.read_line(&mut first).expect("message line");
    let code = first
        .split("enter the code ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("user code in the message")
        .to_string();
    let answer = reqwest::Client::new()
        .post(format!("{}/_emulator/device/{action}", env.url()))
        .header("content-type", "application/json")
        .body(serde_json::json!({"user_code": code, "username": USER}).to_string())
        .send()
        .await
        .expect("control request");
    assert!(answer.status().is_success(), "{}", answer.status());
    tokio::task::spawn_blocking(move || {
        let mut rest = String::new();
        stderr.read_to_string(&mut rest).expect("stderr");
        let mut stdout = String::new();
        child
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut stdout)
            .expect("stdout");
        (
            child.wait().expect("wait").code().unwrap_or(-1),
            stdout,
            format!("{first}{rest}"),
        )
    })
    .await
    .expect("join")
}

fn manual_scenario() -> azlogin::emulator::Scenario {
    let mut scenario = azlogin::emulator::Scenario::default_scenario();
    scenario.device_code.auto_approve = None;
    scenario
}

#[tokio::test(flavor = "multi_thread")]
async fn declined_device_code_stops_with_the_server_error() {
    let env = TestEnv::with_scenario(manual_scenario()).await;
    let (code, stdout, stderr) = run_with_action(&env, "decline").await;
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains("ERROR: AADSTS"), "{stderr}");
    assert!(!env.path("azureProfile.json").exists());
}
