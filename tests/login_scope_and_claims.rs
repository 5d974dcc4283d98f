//! `--scope` changes only the login's own token request; `--claims-challenge` reaches it merged
//! with the CP1 capability.

mod common;

use base64::Engine;
use common::*;
use serde_json::Value;

/// The payload of a JWT, unverified.
fn jwt_payload(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// The cached access tokens as (target, claims).
fn cached_access_tokens(env: &TestEnv) -> Vec<(String, Value)> {
    let cache = env.read_json("msal_token_cache.json");
    cache["AccessToken"]
        .as_object()
        .map(|m| {
            m.values()
                .map(|e| {
                    (
                        e["target"].as_str().unwrap_or_default().to_string(),
                        jwt_payload(e["secret"].as_str().unwrap_or_default()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn scope_changes_only_the_login_token() {
    let env = TestEnv::start().await;
    let graph = format!("{}/graph/.default", env.url());
    let run = env
        .run(&["login", "--use-device-code", "--scope", &graph])
        .await
        .ok();
    // Discovery still ran with ARM tokens: the same subscriptions as any login.
    let names: Vec<String> = run
        .json()
        .as_array()
        .map(|l| l.iter().map(|e| e["name"].to_string()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["\"Contoso Production\"", "\"Contoso Dev\""]);
    let tokens = cached_access_tokens(&env);
    let graph_tokens: Vec<&Value> = tokens
        .iter()
        .filter(|(target, _)| target.contains("/graph/"))
        .map(|(_, c)| c)
        .collect();
    assert_eq!(
        graph_tokens.len(),
        1,
        "one login token for the scope: {tokens:?}"
    );
    assert_eq!(graph_tokens[0]["aud"], format!("{}/graph", env.url()));
    let arm_tokens = tokens
        .iter()
        .filter(|(target, _)| !target.contains("/graph/"))
        .count();
    assert!(arm_tokens >= 2, "ARM tokens per tenant: {tokens:?}");
    // The ARM token for the organizations authority came from a refresh, not the login.
    assert_eq!(env.grants("refresh_token"), 1 + arm_tokens);
}

#[tokio::test(flavor = "multi_thread")]
async fn claims_challenge_is_merged_with_cp1_into_the_login_request() {
    let env = TestEnv::start().await;
    let challenge = r#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#;
    let encoded = base64::engine::general_purpose::STANDARD.encode(challenge);
    env.run(&[
        "login",
        "--use-device-code",
        "--tenant",
        CONTOSO,
        "--claims-challenge",
        &encoded,
    ])
    .await
    .ok();
    let tokens = cached_access_tokens(&env);
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    let claims = &tokens[0].1;
    assert_eq!(claims["acrs"], serde_json::json!(["c1"]), "{claims}");
    assert_eq!(claims["xms_cc"], serde_json::json!(["CP1"]), "{claims}");

    let bad = env
        .run(&["login", "--use-device-code", "--claims-challenge", "***"])
        .await;
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .contains("--claims-challenge is not valid base64"),
        "{bad:?}"
    );
}
