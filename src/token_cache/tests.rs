use serde_json::Value;

use super::*;
use crate::oauth::claims::base64url_encode;
use crate::oauth::token::TokenResponse;
use crate::secret::{AccessToken, IdToken, RefreshToken};

const CLIENT: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const GOLDEN: &str = include_str!("../../tests/golden/az-password-login/msal_token_cache.json");

fn golden_entry(section: &str, realm: &str) -> serde_json::Map<String, Value> {
    let v: Value = serde_json::from_str(GOLDEN).expect("golden parses");
    v[section]
        .as_object()
        .and_then(|m| m.values().find(|e| realm.is_empty() || e["realm"] == realm))
        .and_then(Value::as_object)
        .cloned()
        .expect("golden entry")
}

fn response_for(realm: &str) -> TokenResponse {
    let at = golden_entry("AccessToken", realm);
    let id = golden_entry("IdToken", realm);
    let rt = golden_entry("RefreshToken", "");
    TokenResponse {
        access_token: Some(AccessToken::new(at["secret"].as_str().unwrap_or_default())),
        token_type: Some("Bearer".into()),
        expires_in: Some(4799),
        ext_expires_in: Some(4799),
        refresh_token: Some(RefreshToken::new(rt["secret"].as_str().unwrap_or_default())),
        id_token: Some(IdToken::new(id["secret"].as_str().unwrap_or_default())),
        client_info: Some(base64url_encode(
            br#"{"uid":"aaaaaaaa-0000-4000-8000-000000000001","utid":"11111111-1111-4111-8111-111111111111"}"#,
        )),
        scope: Some("https://localhost:8443//user_impersonation https://localhost:8443//.default".into()),
        foci: Some("1".into()),
        ..TokenResponse::default()
    }
}

fn event<'a>(
    r: &'a TokenResponse,
    realm: &'a str,
    scopes: &'a [String],
    grant: &'a str,
    rt_key: Option<&'a str>,
) -> TokenEvent<'a> {
    TokenEvent {
        response: r,
        client_id: CLIENT,
        environment: "localhost",
        realm,
        requested_scopes: scopes,
        grant_type: grant,
        username_hint: Some("user@contoso.example"),
        skip_account_creation: rt_key.is_some(),
        refreshed_rt_key: rt_key,
        adfs: false,
    }
}

/// The login az performed for the example, replayed: ROPC at `organizations`, then one refresh
/// per tenant (the MFA tenant's refresh failed and added nothing).
fn replay_example_login() -> TokenCache {
    let now = 1_795_572_234;
    let scopes = vec!["https://localhost:8443//.default".to_string()];
    let mut cache = TokenCache::new();
    cache.add(
        &event(
            &response_for("organizations"),
            "organizations",
            &scopes,
            "password",
            None,
        ),
        now,
    );
    let rt_key = cache
        .refresh_token_candidates(
            "aaaaaaaa-0000-4000-8000-000000000001.11111111-1111-4111-8111-111111111111",
            "localhost",
            CLIENT,
        )
        .into_iter()
        .next()
        .map(|c| c.key)
        .expect("an RT");
    for tenant in [
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
    ] {
        cache.add(
            &event(
                &response_for(tenant),
                tenant,
                &scopes,
                "refresh_token",
                Some(&rt_key),
            ),
            now,
        );
    }
    cache
}

#[test]
fn replaying_az_login_gives_az_cache_bytes() {
    assert_eq!(replay_example_login().to_json(), GOLDEN);
}

#[test]
fn parse_then_write_is_byte_identical() {
    let cache = TokenCache::parse(GOLDEN.as_bytes()).expect("parses");
    assert_eq!(cache.to_json(), GOLDEN);
    assert!(TokenCache::parse(b"").expect("empty is empty").is_empty());
    for bad in [
        &b"[]"[..],
        b"{\"AccessToken\": []}",
        b"{\"AccessToken\": {\"k\": 1}}",
        b"{",
        b"\xff\xfe",
    ] {
        assert!(TokenCache::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn access_token_lookup_honours_realm_scope_and_the_five_minute_margin() {
    let cache = replay_example_login();
    let scopes = vec!["https://localhost:8443//.default".to_string()];
    let hid = "aaaaaaaa-0000-4000-8000-000000000001.11111111-1111-4111-8111-111111111111";
    let q = |realm: &'static str, scopes: &'static [String]| AccessTokenQuery {
        client_id: CLIENT,
        environment: "localhost",
        realm,
        home_account_id: Some(hid),
        scopes,
    };
    let scopes: &'static [String] = Box::leak(scopes.into_boxed_slice());
    let expires_on = 1_795_572_234 + 4799;
    let found = cache
        .find_access_token(
            &q("22222222-2222-4222-8222-222222222222", scopes),
            expires_on - 301,
        )
        .expect("valid 301 s before expiry");
    assert_eq!(found.expires_on, expires_on);
    assert!(found.secret.secret().starts_with("eyJ"));
    assert!(
        cache
            .find_access_token(
                &q("22222222-2222-4222-8222-222222222222", scopes),
                expires_on - 299
            )
            .is_none(),
        "within the margin it counts as expired"
    );
    assert!(
        cache
            .find_access_token(&q("33333333-3333-4333-8333-333333333333", scopes), 0)
            .is_none()
    );
    let other: &'static [String] =
        Box::leak(vec!["https://vault.azure.net/.default".to_string()].into_boxed_slice());
    assert!(
        cache
            .find_access_token(&q("organizations", other), 0)
            .is_none()
    );
}

#[test]
fn refresh_candidates_prefer_the_family_and_rotation_updates_in_place() {
    let mut cache = replay_example_login();
    let hid = "aaaaaaaa-0000-4000-8000-000000000001.11111111-1111-4111-8111-111111111111";
    let c = cache.refresh_token_candidates(hid, "localhost", CLIENT);
    assert_eq!(c.len(), 1);
    let key = c[0].key.clone();
    cache.update_refresh_token(&key, "rotated", 1_800_000_000);
    let c = cache.refresh_token_candidates(hid, "localhost", CLIENT);
    assert_eq!(c[0].secret.secret(), "rotated");
    assert_eq!(c[0].key, key, "the key stays as first written");
    assert_eq!(cache.entries(section::REFRESH_TOKEN).count(), 1);
}

#[test]
fn accounts_by_username_is_case_insensitive() {
    let cache = replay_example_login();
    let a = cache.accounts_by_username("USER@Contoso.Example", "localhost");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].username, "user@contoso.example");
    assert!(
        cache
            .accounts_by_username("other@contoso.example", "localhost")
            .is_empty()
    );
}

#[test]
fn logout_removes_every_token_of_the_account_and_nothing_else() {
    let mut cache = replay_example_login();
    let other = TokenResponse {
        access_token: Some(AccessToken::new("app-token")),
        expires_in: Some(3600),
        ..TokenResponse::default()
    };
    let scopes = vec!["https://localhost:8443//.default".to_string()];
    cache.add(
        &TokenEvent {
            response: &other,
            client_id: "sp-app",
            environment: "localhost",
            realm: "t",
            requested_scopes: &scopes,
            grant_type: "client_credentials",
            username_hint: None,
            skip_account_creation: true,
            refreshed_rt_key: None,
            adfs: false,
        },
        0,
    );
    let removed = cache.remove_account(
        "aaaaaaaa-0000-4000-8000-000000000001.11111111-1111-4111-8111-111111111111",
        "localhost",
        CLIENT,
    );
    assert_eq!(removed, 3 + 3 + 1 + 1);
    assert_eq!(
        cache.entries(section::ACCESS_TOKEN).count(),
        1,
        "the app token stays"
    );
    assert!(
        cache
            .to_json()
            .contains("\"-localhost-accesstoken-sp-app-t-https://localhost:8443//.default\"")
    );
    assert_eq!(cache.remove_app_tokens("sp-app", "localhost"), 1);
}

#[test]
fn debug_shows_no_secret() {
    let cache = replay_example_login();
    let debug = format!("{cache:?}");
    assert_eq!(
        debug,
        "TokenCache { AccessToken: 3, Account: 1, IdToken: 3, RefreshToken: 1, AppMetadata: 1 }"
    );
}
