//! `azlogin emulator` as a process: one ready line, real answers, a clean stop on a signal.
//!
//! Unix only: the signals are SIGTERM and SIGINT sent with kill(1).
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn start(args: &[&str]) -> (std::process::Child, serde_json::Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_azlogin"))
        .arg("emulator")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("ready line");
    let ready: serde_json::Value = serde_json::from_str(&line).expect("the ready line is JSON");
    (child, ready)
}

fn signal(child: &std::process::Child, sig: &str) {
    let status = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn prints_ready_serves_and_stops_on_sigterm_and_sigint() {
    for sig in ["-TERM", "-INT"] {
        let (mut child, ready) = start(&[]);
        assert_eq!(ready["event"], "ready");
        let url = ready["url"].as_str().expect("url").to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let meta: serde_json::Value = reqwest::get(format!(
            "{url}/organizations/v2.0/.well-known/openid-configuration"
        ))
        .await
        .expect("request")
        .text()
        .await
        .map(|t| serde_json::from_str(&t).expect("json"))
        .expect("body");
        assert_eq!(
            meta["token_endpoint"],
            format!("{url}/organizations/oauth2/v2.0/token")
        );
        signal(&child, sig);
        let status = tokio::task::spawn_blocking(move || child.wait())
            .await
            .expect("join")
            .expect("wait");
        assert!(status.success(), "{sig}: {status:?}");
        let port = url.rsplit(':').next().expect("port");
        assert!(
            std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err(),
            "the port is closed after the stop"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_writes_a_ca_and_serves_https() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dir_arg = dir.path().to_string_lossy().to_string();
    let (mut child, ready) = start(&["--tls", "--cert-dir", &dir_arg]);
    let url = ready["url"].as_str().expect("url").to_string();
    assert!(url.starts_with("https://localhost:"), "{url}");
    let ca = ready["caCertPath"].as_str().expect("ca path");
    let pem = std::fs::read(ca).expect("ca.pem");
    let client = reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).expect("pem"))
        .build()
        .expect("client");
    let health = client
        .get(format!("{url}/_emulator/health"))
        .send()
        .await
        .expect("https works");
    assert!(health.status().is_success());
    signal(&child, "-TERM");
    assert!(child.wait().expect("wait").success());
}
