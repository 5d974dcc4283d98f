//! `account get-access-token`: from the cache without a request, by refresh when expired.

mod common;

use common::*;

const REFRESH: &str = "refresh_token";

/// What tells a rewrite of a config-dir file (its identity: inode or creation time, and
/// modification time) and its bytes.
fn file_identity(env: &TestEnv, name: &str) -> (String, Vec<u8>) {
    (modes::file_identity(&env.path(name)), env.read(name))
}

#[tokio::test(flavor = "multi_thread")]
async fn token_from_cache_sends_no_request() {
    let env = TestEnv::start().await;
    env.login_password().await;
    let refreshes = env.grants(REFRESH);
    let files = ["msal_token_cache.json", "azureProfile.json"];
    let before: Vec<_> = files.iter().map(|f| file_identity(&env, f)).collect();
    let run = env
        .run(&["account", "get-access-token", "--debug"])
        .await
        .ok();
    assert_eq!(env.grants(REFRESH), refreshes, "served from the cache");
    // A cache hit reads the cache once and writes nothing: same inode (an atomic rewrite
    // would replace it), same modification time, same bytes.
    let after: Vec<_> = files.iter().map(|f| file_identity(&env, f)).collect();
    assert_eq!(before, after, "a cache hit rewrote a file");
    let cache_reads = run
        .stderr
        .lines()
        .filter(|l| l.contains("Read ") && l.contains("msal_token_cache.json"))
        .count();
    assert_eq!(cache_reads, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("Wrote "), "{}", run.stderr);
    let out = run.json();
    let keys: Vec<&String> = out.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "accessToken",
            "expiresOn",
            "expires_on",
            "subscription",
            "tenant",
            "tokenType"
        ]
    );
    assert_eq!(out["subscription"], "c0000001-0000-4000-8000-000000000001");
    assert_eq!(out["tenant"], CONTOSO);
    assert_eq!(out["tokenType"], "Bearer");
    let expires_on = out["expires_on"].as_u64().expect("int");
    let local = chrono::DateTime::from_timestamp(expires_on as i64, 0).expect("time");
    assert_eq!(
        out["expiresOn"],
        local.format("%Y-%m-%d %H:%M:%S.000000").to_string(),
        "TZ=UTC in tests"
    );
    let claims =
        azlogin::oauth::claims::decode_jwt_claims(out["accessToken"].as_str().unwrap_or(""))
            .expect("jwt");
    assert_eq!(claims["tid"], CONTOSO);
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_token_is_refreshed_and_the_rt_kept() {
    let env = TestEnv::start().await;
    env.login_password().await;
    // Age every access token past the five-minute margin.
    let path = env.path("msal_token_cache.json");
    let mut cache = env.read_json("msal_token_cache.json");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    for at in cache["AccessToken"]
        .as_object_mut()
        .expect("ats")
        .values_mut()
    {
        at["expires_on"] = serde_json::Value::String((now + 200).to_string());
    }
    std::fs::write(&path, serde_json::to_string_pretty(&cache).expect("json")).expect("write");
    let (rt_key, rt_before) = cache["RefreshToken"]
        .as_object()
        .and_then(|m| m.iter().next())
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("one RT after login");
    let at_count = cache["AccessToken"].as_object().map(|m| m.len());
    let refreshes = env.grants(REFRESH);
    let out = env.run(&["account", "get-access-token"]).await.ok().json();
    assert_eq!(env.grants(REFRESH), refreshes + 1);
    assert!(out["expires_on"].as_u64().expect("int") > now + 3000);
    let after = env.read_json("msal_token_cache.json");
    assert_eq!(after["RefreshToken"].as_object().map(|m| m.len()), Some(1));
    // The rotated RT replaced the old one in place: same key, same target, new secret, and a
    // modification time no older than before.
    let rt_after = &after["RefreshToken"][&rt_key];
    assert!(
        rt_after.is_object(),
        "the RT kept its key {rt_key}: {after}"
    );
    assert_ne!(rt_after["secret"], rt_before["secret"], "the RT rotated");
    assert_eq!(rt_after["target"], rt_before["target"]);
    assert_eq!(rt_after["family_id"], rt_before["family_id"]);
    let modified = |rt: &serde_json::Value| -> u64 {
        rt["last_modification_time"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .expect("last_modification_time is a decimal string")
    };
    assert!(
        modified(rt_after) >= modified(&rt_before),
        "{rt_after} vs {rt_before}"
    );
    // The new AT is the one printed, for the account's tenant and the ARM scope; it replaced the
    // expired one under the same key rather than adding another.
    let ats = after["AccessToken"].as_object().expect("ats");
    assert_eq!(Some(ats.len()), at_count);
    let (at_key, at) = ats
        .iter()
        .find(|(_, at)| at["secret"] == out["accessToken"])
        .expect("the printed token is cached");
    assert_eq!(at["realm"], CONTOSO, "{at}");
    let arm_default = format!("{}//.default", env.url());
    let target: Vec<&str> = at["target"].as_str().unwrap_or("").split(' ').collect();
    assert!(target.contains(&arm_default.as_str()), "{at}");
    assert!(
        at_key.ends_with(
            &format!("-{CONTOSO}-{}", at["target"].as_str().unwrap_or("")).to_lowercase()
        ),
        "{at_key}"
    );
    assert_eq!(
        at["expires_on"]
            .as_str()
            .and_then(|t| t.parse::<u64>().ok()),
        out["expires_on"].as_u64(),
        "{at}"
    );
    // A second call is a cache hit again.
    env.run(&["account", "get-access-token"]).await.ok();
    assert_eq!(env.grants(REFRESH), refreshes + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn other_tenant_and_resource_and_errors() {
    let env = TestEnv::start().await;
    env.login_password().await;
    let out = env
        .run(&["account", "get-access-token", "--tenant", FABRIKAM])
        .await
        .ok()
        .json();
    assert_eq!(out["tenant"], FABRIKAM);
    assert!(out.get("subscription").is_none());
    let both = env
        .run(&["account", "get-access-token", "-t", FABRIKAM, "-s", "x"])
        .await;
    assert_eq!(
        both.stderr,
        "ERROR: Please specify only one of subscription and tenant, not both\n"
    );
    let mfa = env
        .run(&["account", "get-access-token", "--tenant", WOODGROVE])
        .await;
    assert_eq!(mfa.code, 1);
    assert!(mfa.stderr.starts_with("ERROR: AADSTS50076"), "{mfa:?}");
    assert!(
        mfa.stderr.contains(&format!(
            "az logout\naz login --tenant \"{WOODGROVE}\" --scope \"{}//.default\"\n",
            env.url()
        )),
        "{mfa:?}"
    );
    let after = env.read_json("msal_token_cache.json");
    assert_eq!(
        after["RefreshToken"].as_object().map(|m| m.len()),
        Some(1),
        "a failed refresh keeps the RT"
    );
}

/// A resource's claims challenge (CAE) skips the cached token and is sent with the refresh; the
/// emulator puts the asked-for authentication context into the new token.
#[tokio::test(flavor = "multi_thread")]
async fn a_claims_challenge_forces_a_refresh_that_carries_it() {
    use azlogin::session::{AccessTokenRequest, Session, SessionOptions};
    let env = TestEnv::start().await;
    env.login_password().await;
    let session = Session::open(SessionOptions {
        config_dir: Some(env.config_dir.path().to_path_buf()),
        ..SessionOptions::default()
    })
    .expect("session");
    let refreshes = env.grants(REFRESH);
    let token = session
        .get_access_token(&AccessTokenRequest {
            claims_challenge: Some(
                r#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#.into(),
            ),
            ..AccessTokenRequest::default()
        })
        .await
        .expect("token");
    assert_eq!(env.grants(REFRESH), refreshes + 1, "refreshed, not cached");
    let claims =
        azlogin::oauth::claims::decode_jwt_claims(token.access_token.secret()).expect("jwt");
    assert_eq!(claims["acrs"], serde_json::json!(["c1"]));
}

/// An account az signed in through WAM on Windows (MSAL marks it `account_source: "broker"`
/// and stores no refresh token): its cached token is served while valid; after that the
/// command fails with `interaction_required`, names the account and the reason, sends nothing
/// and changes no file.
#[tokio::test(flavor = "multi_thread")]
async fn a_broker_account_is_served_from_the_cache_then_needs_a_login() {
    let env = TestEnv::start().await;
    env.login_password().await;
    let mut cache = env.read_json("msal_token_cache.json");
    cache
        .as_object_mut()
        .expect("cache object")
        .remove("RefreshToken");
    for account in cache["Account"]
        .as_object_mut()
        .expect("accounts")
        .values_mut()
    {
        account["account_source"] = serde_json::json!("broker");
    }
    let path = env.path("msal_token_cache.json");
    std::fs::write(&path, serde_json::to_string_pretty(&cache).expect("json")).expect("write");
    let requests = env.requests().len();
    let out = env.run(&["account", "get-access-token"]).await.ok().json();
    assert!(out["accessToken"].as_str().is_some_and(|t| !t.is_empty()));

    env.expire_cached_access_tokens();
    let before = env.read("msal_token_cache.json");
    let run = env.run(&["account", "get-access-token"]).await.failed();
    for part in [
        format!("'{USER}'"),
        "Web Account Manager (WAM)".into(),
        "keeps the refresh token".into(),
        format!("azlogin login --tenant \"{CONTOSO}\""),
    ] {
        assert!(run.stderr.contains(&part), "{part}: {}", run.stderr);
    }
    assert_eq!(env.requests().len(), requests, "nothing was sent");
    assert_eq!(env.read("msal_token_cache.json"), before);
}
