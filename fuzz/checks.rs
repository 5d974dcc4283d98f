//! What each fuzz target does with one input, and the properties it asserts beyond "does not
//! panic". Shared by the libFuzzer targets in `fuzz_targets/` and by
//! `tests/fuzz_regressions.rs`, which replays every kept crash input in the normal test suite.

use azlogin::Error;
use azlogin::arm::{
    Page, parse_subscription_response, parse_subscriptions_page, parse_tenants_page,
};
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
pub const TARGETS: [(&str, Check); 7] = [
    ("token_response", token_response),
    ("jwt_client_info", jwt_client_info),
    ("loopback_redirect", loopback_redirect),
    ("profile", profile),
    ("token_cache", token_cache),
    ("ini", ini),
    ("arm_page", arm_page),
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

/// The statuses besides 200 an ARM page is read with, chosen by the input's first byte: ARM's
/// errors, the retried ones, other successes and what a proxy or a broken server may send.
const ARM_STATUSES: [u16; 16] = [
    400, 401, 403, 404, 409, 429, 500, 502, 503, 504, 201, 204, 299, 302, 199, 0,
];

/// An ARM answer to the tenant and subscription lists and to `GET /subscriptions/{id}`: the
/// first byte chooses a status besides 200 (`ARM_STATUSES`), the rest is the body, read with
/// both. An error is the ARM error of a non-2xx status, in az's `(code) message` form or as
/// `<endpoint> answered HTTP <n>`, or for a 2xx status an invalid response naming the endpoint;
/// no error text carries a terminal control character; a page has no empty `nextLink` and no
/// item without an id.
pub fn arm_page(data: &[u8]) {
    let [choice, body @ ..] = data else {
        return;
    };
    let other = ARM_STATUSES[usize::from(*choice) % ARM_STATUSES.len()];
    for status in [200, other] {
        let response = HttpResponse::new(status, body.to_vec());
        let url = "https://management.example/tenants?api-version=2022-12-01";
        match parse_tenants_page(&response, url) {
            Ok(page) => {
                arm_page_holds(status, &page, |t| &t.tenant_id);
                for tenant in &page.items {
                    assert_terminal_safe(&tenant.id_and_name());
                }
            }
            Err(e) => arm_error_holds(status, &e, url),
        }
        let url = "https://management.example/subscriptions?api-version=2022-12-01&$skiptoken=x";
        match parse_subscriptions_page(&response, url) {
            Ok(page) => arm_page_holds(status, &page, |s| &s.subscription_id),
            Err(e) => arm_error_holds(status, &e, url),
        }
        let url = "https://management.example/subscriptions/s1?api-version=2022-12-01";
        match parse_subscription_response(&response, url) {
            Ok(subscription) => {
                assert!((200..300).contains(&status), "HTTP {status} parsed");
                assert!(!subscription.subscription_id.is_empty());
            }
            Err(e) => arm_error_holds(status, &e, url),
        }
    }
}

fn arm_page_holds<T>(status: u16, page: &Page<T>, id: impl Fn(&T) -> &String) {
    assert!(
        (200..300).contains(&status),
        "HTTP {status} parsed as a page"
    );
    assert_ne!(page.next_link.as_deref(), Some(""), "an empty nextLink");
    assert!(
        page.items.iter().all(|item| !id(item).is_empty()),
        "an item without an id"
    );
}

fn arm_error_holds(status: u16, error: &Error, url: &str) {
    let endpoint = url.split(['?', '#']).next().unwrap_or(url);
    let text = error.to_string();
    assert_terminal_safe(&text);
    match error {
        Error::InvalidResponse { .. } => {
            assert!((200..300).contains(&status), "HTTP {status}: {text}");
            assert!(text.contains(endpoint), "{text:?} does not name {endpoint}");
        }
        Error::Arm { status: said, .. } => {
            assert!(!(200..300).contains(&status), "HTTP {status}: {text}");
            assert_eq!(*said, status);
            let plain = format!("{endpoint} answered HTTP {status}");
            assert!(
                text == plain || (text.starts_with('(') && text.contains(") ")),
                "{text:?} is neither az's (code) message nor {plain:?}"
            );
        }
        other => panic!("an ARM answer gave a {} error: {text}", other.code()),
    }
    assert!(!error.code().is_empty());
}

/// No terminal control character (C0 but `\n`, `\r`, `\t`; DEL; C1) in text bound for a
/// terminal, ESC above all.
fn assert_terminal_safe(text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')),
        "a control character reaches the terminal: {text:?}"
    );
}
