//! The emulator over real sockets: plain HTTP and TLS, a whole password and device-code login,
//! CORS, the request log, and a clean stop that closes the port.
#![cfg(feature = "emulator")]

mod common;

use std::time::Duration;

use azlogin::emulator::{EmulatorOptions, RunningEmulator, Scenario, jwt_claims, start};
use serde_json::Value;

const CLI: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn json(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn post_form(c: &reqwest::Client, url: &str, pairs: &[(&str, &str)]) -> (u16, Value) {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let resp = c
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("send");
    json(resp).await
}

async fn assert_refused(port: u16) {
    let attempt = tokio::net::TcpStream::connect(("127.0.0.1", port)).await;
    assert!(attempt.is_err(), "port {port} still accepts connections");
}

async fn password_login(c: &reqwest::Client, emu: &RunningEmulator) -> Value {
    let scope = format!("{}//.default openid profile offline_access", emu.url());
    let (status, body) = post_form(
        c,
        &format!("{}/organizations/oauth2/v2.0/token", emu.url()),
        &[
            ("client_id", CLI),
            ("grant_type", "password"),
            ("username", "user@contoso.example"),
            ("password", "Passw0rd!"),
            ("scope", &scope),
            ("client_info", "1"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn plain_http_serves_a_password_login_and_discovery() {
    let emu = start(EmulatorOptions::default()).await.expect("start");
    assert!(emu.url().starts_with("http://127.0.0.1:"), "{}", emu.url());
    assert!(emu.ca_cert_path().is_none());
    let c = client();

    let (status, meta) = json(
        c.get(format!(
            "{}/contoso.example/v2.0/.well-known/openid-configuration",
            emu.url()
        ))
        .send()
        .await
        .expect("metadata"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        meta["issuer"],
        format!("{}/11111111-1111-4111-8111-111111111111/v2.0", emu.url())
    );

    let tokens = password_login(&c, &emu).await;
    let at = tokens["access_token"].as_str().expect("access token");
    assert_eq!(
        jwt_claims(at).expect("claims")["aud"],
        format!("{}/", emu.url())
    );
    let (status, subs) = json(
        c.get(format!(
            "{}/subscriptions?api-version=2022-12-01",
            emu.url()
        ))
        .bearer_auth(at)
        .send()
        .await
        .expect("subscriptions"),
    )
    .await;
    assert_eq!(status, 200, "{subs}");
    assert_eq!(subs["value"].as_array().map(Vec::len), Some(2));

    let (status, _) = json(
        c.get(format!(
            "{}/subscriptions?api-version=2022-12-01",
            emu.url()
        ))
        .bearer_auth("not-a-token")
        .send()
        .await
        .expect("forged"),
    )
    .await;
    assert_eq!(status, 401);

    // A browser's CORS preflight for the token endpoint.
    let preflight = c
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/organizations/oauth2/v2.0/token", emu.url()),
        )
        .header("Origin", "http://localhost:5173")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type,authorization",
        )
        .send()
        .await
        .expect("preflight");
    assert_eq!(preflight.status().as_u16(), 204);
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("*")
    );
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-headers")
            .and_then(|v| v.to_str().ok()),
        Some("content-type,authorization")
    );

    let (status, log) = json(
        c.get(format!("{}/_emulator/requests", emu.url()))
            .send()
            .await
            .expect("log"),
    )
    .await;
    assert_eq!(status, 200);
    let text = log.to_string();
    assert!(
        !text.contains("Passw0rd!") && !text.contains(at),
        "log leaks: {text}"
    );
    let token_calls: Vec<&Value> = log["requests"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|r| {
                    r["method"] == "POST" && r["path"] == "/organizations/oauth2/v2.0/token"
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(token_calls.len(), 1);
    assert_eq!(token_calls[0]["grant_type"], "password");
    assert_eq!(token_calls[0]["status"], 200);
    assert_eq!(emu.request_log().len(), 5);

    let port = emu.port();
    emu.stop().await;
    assert_refused(port).await;
}

#[tokio::test]
async fn tls_uses_a_generated_ca_that_clients_can_trust() {
    if common::skipped_under_wine(common::WINE_TLS) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let emu = start(EmulatorOptions {
        tls_cert_dir: Some(dir.path().to_path_buf()),
        ..EmulatorOptions::default()
    })
    .await
    .expect("start");
    assert!(emu.url().starts_with("https://localhost:"), "{}", emu.url());
    let ca_path = emu.ca_cert_path().expect("CA path").to_path_buf();
    assert_eq!(ca_path, dir.path().join("ca.pem"));
    let pem = std::fs::read(&ca_path).expect("ca.pem");
    assert!(pem.starts_with(b"-----BEGIN CERTIFICATE-----"));

    let ca = reqwest::Certificate::from_pem(&pem).expect("CA parses");
    let trusting = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_merge([ca])
        .build()
        .expect("client");
    let (status, health) = json(
        trusting
            .get(format!("{}/_emulator/health", emu.url()))
            .send()
            .await
            .expect("https health"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    let tokens = password_login(&trusting, &emu).await;
    assert!(tokens["refresh_token"].is_string());

    // Without the CA the certificate is refused: the TLS is real.
    let untrusting = client();
    let refused = untrusting
        .get(format!("{}/_emulator/health", emu.url()))
        .send()
        .await;
    assert!(refused.is_err(), "an untrusted certificate was accepted");

    let port = emu.port();
    emu.stop().await;
    assert_refused(port).await;
}

#[tokio::test]
async fn device_code_login_completes_on_its_own_over_sockets() {
    let emu = start(EmulatorOptions::default()).await.expect("start");
    let c = client();
    let scope = format!("{}//.default openid profile offline_access", emu.url());
    let (status, flow) = post_form(
        &c,
        &format!("{}/organizations/oauth2/v2.0/devicecode", emu.url()),
        &[("client_id", CLI), ("scope", &scope)],
    )
    .await;
    assert_eq!(status, 200, "{flow}");
    let device_code = flow["device_code"]
        .as_str()
        .expect("device_code")
        .to_string();
    let interval = flow["interval"].as_u64().expect("interval");
    let mut answers = Vec::new();
    for _ in 0..5 {
        let (_, body) = post_form(
            &c,
            &format!("{}/organizations/oauth2/v2.0/token", emu.url()),
            &[
                ("client_id", CLI),
                ("grant_type", DEVICE_GRANT),
                ("device_code", &device_code),
                ("client_info", "1"),
            ],
        )
        .await;
        let done = body["access_token"].is_string();
        answers.push(body);
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_secs(interval)).await;
    }
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert_eq!(answers[0]["error"], "authorization_pending");
    assert!(answers[1]["client_info"].is_string());
    emu.stop().await;
}

#[tokio::test]
async fn stop_lets_an_in_flight_request_finish_then_closes_the_port() {
    let emu = start(EmulatorOptions {
        latency: Duration::from_millis(400),
        ..EmulatorOptions::default()
    })
    .await
    .expect("start");
    let url = format!("{}/_emulator/health", emu.url());
    let in_flight = tokio::spawn(async move { client().get(url).send().await });
    // Let the request reach the server before stopping.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let port = emu.port();
    emu.stop().await;
    let resp = in_flight
        .await
        .expect("join")
        .expect("in-flight request answered");
    assert_eq!(resp.status().as_u16(), 200);
    assert_refused(port).await;
}

#[tokio::test]
async fn scenario_files_load_and_the_port_can_be_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    for name in [
        "default.json",
        "paging.json",
        "duplicates.json",
        "failing.json",
        "faults.json",
    ] {
        Scenario::from_file(&dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // Find a free port, then ask for it explicitly.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe");
    let port = probe.local_addr().expect("addr").port();
    drop(probe);
    let emu = start(EmulatorOptions {
        port,
        scenario: Scenario::from_file(&dir.join("failing.json")).expect("failing.json"),
        ..EmulatorOptions::default()
    })
    .await
    .expect("start");
    assert_eq!(emu.url(), format!("http://127.0.0.1:{port}"));
    let busy = start(EmulatorOptions {
        port,
        ..EmulatorOptions::default()
    })
    .await;
    assert!(busy.is_err(), "a second emulator bound the same port");
    emu.stop().await;
}

#[tokio::test]
async fn a_restart_with_the_same_seed_accepts_cached_tokens() {
    let first = start(EmulatorOptions {
        seed: Some(7),
        ..EmulatorOptions::default()
    })
    .await
    .expect("start");
    let port = first.port();
    let c = client();
    let tokens = password_login(&c, &first).await;
    let at = tokens["access_token"].as_str().expect("AT").to_string();
    first.stop().await;

    let list = |emu_url: String, at: String| {
        let c = client();
        async move {
            c.get(format!("{emu_url}/tenants?api-version=2022-12-01"))
                .bearer_auth(at)
                .send()
                .await
                .expect("tenants")
                .status()
                .as_u16()
        }
    };
    let same = start(EmulatorOptions {
        port,
        seed: Some(7),
        ..EmulatorOptions::default()
    })
    .await
    .expect("restart");
    assert_eq!(list(same.url().to_string(), at.clone()).await, 200);
    same.stop().await;

    let other = start(EmulatorOptions {
        port,
        seed: Some(8),
        ..EmulatorOptions::default()
    })
    .await
    .expect("restart");
    assert_eq!(list(other.url().to_string(), at).await, 401);
    other.stop().await;
}
