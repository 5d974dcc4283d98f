//! What each fuzz target does with one input, and the properties it asserts beyond "does not
//! panic". Shared by the libFuzzer targets in `fuzz_targets/` and by
//! `tests/fuzz_regressions.rs`, which replays every kept crash input in the normal test suite.

use azlogin::http::HttpResponse;
use azlogin::ini::{DEFAULT_SECTION, Ini};
use azlogin::oauth::authority::Authority;
use azlogin::oauth::authorize::{BrowserFlow, RedirectOutcome};
use azlogin::oauth::claims::{ClientInfo, decode_jwt_claims, username};
use azlogin::oauth::loopback::{Parsed, parse_request};
use azlogin::oauth::pkce::FlowEntropy;
use azlogin::oauth::token::{TokenContext, parse_server_error, parse_token_response};
use azlogin::profile::Profile;
use azlogin::token_cache::TokenCache;

/// What a target does with one input; it panics when a property does not hold.
pub type Check = fn(&[u8]);

/// Every target, by the name of its folder under `fuzz/regressions/`.
pub const TARGETS: [(&str, Check); 6] = [
    ("token_response", token_response),
    ("jwt_client_info", jwt_client_info),
    ("loopback_redirect", loopback_redirect),
    ("profile", profile),
    ("token_cache", token_cache),
    ("ini", ini),
];

/// A token endpoint answer: the first two bytes are the status, the rest the body.
pub fn token_response(data: &[u8]) {
    let [high, low, body @ ..] = data else {
        return;
    };
    let status = u16::from_be_bytes([*high, *low]) % 600;
    let response = HttpResponse::new(status, body.to_vec());
    let _ = parse_server_error(&response);
    match parse_token_response(&response, "https://login.example/t/oauth2/v2.0/token") {
        Ok(tokens) => {
            assert!(tokens.access_token.is_some() || tokens.id_token.is_some());
            let _ = tokens.account();
            let _ = tokens.lifetime_secs(1_700_000_000);
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            assert!(!e.code().is_empty());
            let _ = e.recommendation();
        }
    }
}

/// An ID token (JWT) and a `client_info` value.
pub fn jwt_client_info(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(claims) = decode_jwt_claims(&text) {
        let _ = username(&claims);
    }
    if let Ok(info) = ClientInfo::parse(&text) {
        let id = info.home_account_id();
        let again = ClientInfo::from_home_account_id(&id).map(|i| i.home_account_id());
        assert_eq!(again.as_deref(), Some(id.as_str()));
    }
}

/// What the browser sends to the loopback redirect URI, answered by a login whose `state` is
/// the one of all-zero entropy.
pub fn loopback_redirect(data: &[u8]) {
    let Parsed::Complete(request) = parse_request(data) else {
        return;
    };
    let ctx = TokenContext {
        authority: Authority::new("https://login.example", None),
        client_id: "04b07795-8ddb-461a-bbee-02f9e1bf7b46".into(),
        claims: None,
    };
    let entropy = FlowEntropy {
        state: [0; 16],
        verifier: [0; 32],
        nonce: [0; 32],
    };
    let (flow, _verifier) = BrowserFlow::new(ctx, &["scope".to_string()], 8400, &entropy);
    let reply = flow.handle_request(&request);
    let _ = reply.response.to_bytes();
    // Only an answer carrying this login's state may end it, with a code or an error.
    if !matches!(reply.outcome, RedirectOutcome::KeepWaiting) {
        assert_eq!(
            request.form_field("state").as_deref(),
            Some("AAAAAAAAAAAAAAAAAAAAAA")
        );
    }
}

/// `azureProfile.json`: what parses is written back in a form that parses to the same bytes.
pub fn profile(data: &[u8]) {
    match Profile::parse(data) {
        Ok(profile) => {
            let written = profile.to_bytes();
            let again = match Profile::parse(&written) {
                Ok(p) => p,
                Err(e) => panic!("the profile's own output does not parse: {e}"),
            };
            assert_eq!(again.to_bytes(), written);
        }
        Err(message) => assert!(!message.is_empty()),
    }
}

/// `msal_token_cache.json`: the same round trip.
pub fn token_cache(data: &[u8]) {
    match TokenCache::parse(data) {
        Ok(cache) => {
            let written = cache.to_json();
            let again = match TokenCache::parse(written.as_bytes()) {
                Ok(c) => c,
                Err(e) => panic!("the cache's own output does not parse: {e}"),
            };
            assert_eq!(again.to_json(), written);
        }
        Err(message) => assert!(!message.is_empty()),
    }
}

/// `config` and `clouds.config`: what parses is written as configparser writes it, reading that
/// gives the same sections and values, and writing it again gives the same text. (An empty
/// `[DEFAULT]` is not written, as configparser does not write it, so it may vanish.)
pub fn ini(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = Ini::parse(text) else {
        return;
    };
    let written = parsed.to_string();
    let again = match Ini::parse(&written) {
        Ok(again) => again,
        Err(e) => panic!("the INI's own output does not parse ({e}): {written:?}"),
    };
    assert_eq!(again.to_string(), written);
    let names: Vec<&str> = parsed.sections().collect();
    assert_eq!(again.sections().collect::<Vec<_>>(), names, "{written:?}");
    for name in names.into_iter().chain([DEFAULT_SECTION]) {
        assert_eq!(
            again.section(name).unwrap_or_default(),
            parsed.section(name).unwrap_or_default(),
            "[{name}] written as {written:?}"
        );
    }
}
