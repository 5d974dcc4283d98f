//! `azlogin login` through the browser flow, over real sockets: the test plays the browser
//! (loads the emulator's sign-in page, posts its form, posts the form_post answer to the
//! loopback redirect URI) and checks every answer class of the listener.

mod common;

use std::time::{Duration, Instant};

use common::browser::*;
use common::*;

const AZ_WARNING_TAIL: &str = "/organizations/oauth2/v2.0/authorize. Please continue the login in the web browser. If no web browser is available or if the web browser fails to open, use device code flow with `az login --use-device-code`.";

#[tokio::test(flavor = "multi_thread")]
async fn browser_login_succeeds_and_writes_the_profile_and_cache() {
    let env = TestEnv::start().await;
    let login = Login::start(&env, &[]);
    let url = login.browser_url().await;
    let parsed = url::Url::parse(&url).expect("url");
    assert!(url.starts_with(&format!("{}/organizations/oauth2/v2.0/authorize?client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A", env.url())), "{url}");
    assert_eq!(param(&parsed, "response_mode"), "form_post");
    assert_eq!(param(&parsed, "prompt"), "select_account");
    assert_eq!(param(&parsed, "client_info"), "1");
    assert_eq!(param(&parsed, "code_challenge_method"), "S256");
    assert_eq!(param(&parsed, "code_challenge").len(), 43);
    assert_eq!(param(&parsed, "state").len(), 22);
    assert_eq!(param(&parsed, "nonce").len(), 64);
    assert_eq!(
        param(&parsed, "claims"),
        r#"{"access_token": {"xms_cc": {"values": ["CP1"]}}}"#
    );
    assert!(param(&parsed, "scope").ends_with("//.default openid profile offline_access"));
    let port = redirect_port(&url);

    let (target, fields) = sign_in(&env, &url, "signin").await;
    assert_eq!(target, format!("http://localhost:{port}"));
    let answer = post_form(port, &fields).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("Connection: close\r\n"), "{answer}");
    assert!(
        answer.contains("You have logged into Microsoft Azure!"),
        "{answer}"
    );

    let run = login.finish().await.ok();
    let first = run.stderr.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "WARNING: A web browser has been opened at {}{AZ_WARNING_TAIL}",
            env.url()
        ),
        "{run:?}"
    );
    assert!(
        !run.stderr.contains("code="),
        "no secret on stderr: {run:?}"
    );
    let ids: Vec<String> = run
        .json()
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "c0000001-0000-4000-8000-000000000001",
            "c0000001-0000-4000-8000-000000000002"
        ]
    );
    let profile = env.read_json("azureProfile.json");
    assert_eq!(profile["subscriptions"][0]["user"]["name"], USER);
    let cache = env.read_json("msal_token_cache.json");
    let account = cache["Account"]
        .as_object()
        .and_then(|m| m.values().next())
        .expect("account");
    assert_eq!(account["account_source"], "authorization_code");
    assert_eq!(account["realm"], "organizations");
    assert_eq!(env.grants("authorization_code"), 1);
    assert_refused(port).await;
}

/// Requests that are not this login's answer get a 400 and the listener keeps waiting; the
/// right answer then completes the login. Here the URL comes from `--no-browser`'s line.
#[tokio::test(flavor = "multi_thread")]
async fn strays_get_400_and_the_wait_goes_on_with_no_browser() {
    let env = TestEnv::start().await;
    let mut cmd = env.command(&["login", "--no-browser", "--only-show-errors"]);
    cmd.env("BROWSER", "/nonexistent/never-run");
    let login = Login::spawn(cmd, env.home.path().join("unused"));
    let prefix = "To continue the login, open this URL in a web browser on this machine: ";
    let start = Instant::now();
    let url = loop {
        if let Some(line) = login.stderr().lines().find(|l| l.starts_with(prefix)) {
            break line[prefix.len()..].to_string();
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{}",
            login.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let port = redirect_port(&url);
    let (_, fields) = sign_in(&env, &url, "signin").await;

    let mut wrong_state = fields.clone();
    for (k, v) in &mut wrong_state {
        if k == "state" {
            *v = "not-this-login".into();
        }
    }
    let answer = post_form(port, &wrong_state).await;
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert!(
        answer.ends_with("\r\n\r\nState mismatch. Waiting for next response... or you may abort."),
        "{answer}"
    );

    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish();
    let answer = raw(
        port,
        format!("GET /?{query} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert!(answer.contains("form POST"), "{answer}");
    for stray in [
        &b"GET /favicon.ico HTTP/1.1\r\nHost: localhost\r\n\r\n"[..],
        b"POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n\r\n",
        b"not http at all\r\n\r\n",
    ] {
        let answer = raw(port, stray).await;
        assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    }
    // A connection that sends nothing is closed without holding up the real answer.
    let _idle = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");

    let answer = post_form(port, &fields).await;
    assert!(
        answer.contains("You have logged into Microsoft Azure!"),
        "{answer}"
    );
    let run = login.finish().await.ok();
    assert!(!run.stderr.contains("WARNING"), "{run:?}");
    assert_eq!(run.json().as_array().map(Vec::len), Some(2));
    assert_refused(port).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_entra_error_ends_the_login_with_exit_1() {
    let env = TestEnv::start().await;
    let login = Login::start(&env, &[]);
    let url = login.browser_url().await;
    let port = redirect_port(&url);
    let (_, fields) = sign_in(&env, &url, "cancel").await;
    assert!(
        fields
            .iter()
            .any(|(k, v)| k == "error" && v == "access_denied")
    );
    let answer = post_form(port, &fields).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains("<title>Login failed</title>"), "{answer}");
    assert!(answer.contains("<p>access_denied: AADSTS65004"), "{answer}");
    let run = login.finish().await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("\nERROR: AADSTS65004"), "{run:?}");
    assert!(run.stdout.is_empty());
    assert!(
        !env.path("azureProfile.json").exists()
            || !String::from_utf8_lossy(&env.read("azureProfile.json")).contains(USER)
    );
    assert_refused(port).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wait_times_out() {
    let env = TestEnv::start().await;
    let login = Login::start(&env, &["--timeout", "2"]);
    let port = redirect_port(&login.browser_url().await);
    let started = Instant::now();
    let run = login.finish().await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        run.stderr
            .contains("ERROR: No sign-in answer came from the web browser within 2 seconds."),
        "{run:?}"
    );
    assert_refused(port).await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    windows,
    ignore = "Ctrl-C is sent as SIGINT with kill(1); no test here can send a console's Ctrl-C"
)]
async fn ctrl_c_cancels_the_wait() {
    let env = TestEnv::start().await;
    let login = Login::start(&env, &[]);
    let port = redirect_port(&login.browser_url().await);
    let pid = login.child.id().expect("pid").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let run = login.finish().await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("ERROR: The operation was cancelled."),
        "{run:?}"
    );
    assert_refused(port).await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    windows,
    ignore = "Windows always has a browser to ask for (ShellExecuteW); no display is Unix's case"
)]
async fn without_a_browser_it_falls_back_to_device_code_with_one_line() {
    let env = TestEnv::start().await;
    // The harness clears the environment: no BROWSER, no DISPLAY.
    let run = env.run(&["login"]).await.ok();
    let mut lines = run.stderr.lines();
    assert_eq!(
        lines.next(),
        Some(
            "WARNING: No web browser is available (no graphical display); using the device code flow instead."
        )
    );
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("To sign in, use a web browser to open the page ")),
        "{run:?}"
    );
    assert_eq!(run.stderr.matches("No web browser").count(), 1);
    assert_eq!(run.json().as_array().map(Vec::len), Some(2));
    assert_eq!(env.grants("authorization_code"), 0);
}
