//! The browser flow with a scripted redirect: the opener is handed the authorize URL, the
//! "browser" asks the emulator for it and hands the redirect it gets to the login in memory.

use std::sync::Arc;

use azlogin::http::{HttpClient, HttpRequest};
use azlogin::login::browser::{BrowserOptions, in_memory_redirect};
use azlogin::session::{AnyLogin, LoginMethod, LoginRequest};

use crate::harness::*;

/// The port the redirect URI names; nothing listens on it.
const PORT: u16 = 8400;

#[tokio::test]
async fn browser_login_redeems_the_scripted_redirect_and_writes_the_files() {
    let mut scenario = azlogin::emulator::Scenario::default_scenario();
    scenario.authorize.auto_approve = Some(USER.into());
    let env = InProcess::with_scenario(scenario);
    let (opened_tx, mut opened) = tokio::sync::mpsc::unbounded_channel::<String>();
    let opener = move |url: &str, _endpoint: &str| {
        opened_tx
            .send(url.to_string())
            .map_err(|_| azlogin::Error::Cancelled)
    };
    let (browser, inbox) = in_memory_redirect(PORT);
    let options = BrowserOptions::new(Arc::new(opener)).with_in_memory_redirect(inbox);
    let login = env.login_any(AnyLogin::User(LoginRequest::new(LoginMethod::Browser(
        options,
    ))));
    let user = async {
        let url = opened.recv().await.expect("the authorize URL is opened");
        assert!(
            url.starts_with(&format!("{BASE}/organizations/oauth2/v2.0/authorize?")),
            "{url}"
        );
        assert!(
            url.contains(&format!("redirect_uri=http%3A%2F%2Flocalhost%3A{PORT}")),
            "{url}"
        );
        let signed_in = env
            .client
            .send(HttpRequest::get(url))
            .await
            .expect("the authorize page answers");
        assert_eq!(signed_in.status, 200, "{}", signed_in.text());
        // The auto-submitting form_post page: its hidden fields go to the redirect URI.
        let page = signed_in.text();
        assert!(
            page.contains(&format!("action=\"http://localhost:{PORT}\"")),
            "{page}"
        );
        let fields = hidden_fields(&page);
        assert!(fields.iter().any(|(k, _)| k == "code"), "{page}");
        // A stray request first: answered 400, the wait goes on.
        let stray = browser
            .deliver(
                format!("GET /favicon.ico HTTP/1.1\r\nHost: localhost:{PORT}\r\n\r\n").as_bytes(),
            )
            .await
            .expect("answered");
        assert!(String::from_utf8_lossy(&stray).starts_with("HTTP/1.1 400"));
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&fields)
            .finish();
        let landing = browser
            .deliver(
                format!(
                    "POST / HTTP/1.1\r\nHost: localhost:{PORT}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            )
            .await
            .expect("answered");
        assert!(
            String::from_utf8_lossy(&landing).starts_with("HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&landing)
        );
    };
    let ((outcome, events), ()) = tokio::join!(login, user);
    let outcome = succeeded(outcome);
    assert_eq!(ids(&outcome), [CONTOSO_PRODUCTION, CONTOSO_DEV]);
    assert_eq!(outcome.username, USER);
    assert_eq!(events.authenticated(), 1);
    assert_eq!(env.profile_entries()[0]["user"]["name"], USER);
    let cache = env.read_json("msal_token_cache.json");
    assert_eq!(cache["RefreshToken"].as_object().map(|r| r.len()), Some(1));
    let codes = env
        .responder
        .request_log()
        .iter()
        .filter(|r| r.grant_type.as_deref() == Some("authorization_code"))
        .count();
    assert_eq!(codes, 1, "the code is redeemed once");
}

/// The names and values of a page's hidden inputs (the emulator writes them plainly).
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| {
        let marker = format!("{name}=\"");
        let start = tag.find(&marker)? + marker.len();
        let len = tag[start..].find('"')?;
        Some(tag[start..start + len].to_string())
    };
    html.split("<input type=\"hidden\"")
        .skip(1)
        .filter_map(|rest| {
            let tag = rest.split('>').next().unwrap_or("");
            Some((attr(tag, "name")?, attr(tag, "value")?))
        })
        .collect()
}
