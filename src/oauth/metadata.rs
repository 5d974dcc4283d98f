//! OpenID Connect metadata: resolving a tenant domain (`contoso.onmicrosoft.com`) to its GUID.

use serde_json::Value;

use crate::error::{Error, Result, terminal_safe};
use crate::http::{HttpRequest, HttpResponse};
use crate::oauth::Authority;

/// Whether `text` is a GUID (8-4-4-4-12 hex digits).
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The metadata request that resolves `domain` at `login_endpoint`.
pub fn tenant_resolution_request(login_endpoint: &str, domain: &str) -> HttpRequest {
    HttpRequest::get(Authority::new(login_endpoint, Some(domain)).openid_configuration_url())
}

/// How much of a failed answer's body the error shows, in characters: enough for Entra's
/// whole `invalid_tenant` answer (about 650 characters, more with a long domain), which az
/// prints whole, and far less than a captive portal's page.
const DETAIL_CHARS: usize = 1000;

/// The tenant GUID from the metadata answer: the fourth `/`-segment of `issuer`.
pub fn parse_tenant_resolution(response: &HttpResponse, domain: &str) -> Result<String> {
    let failed = || {
        Error::NotFound(format!(
            "Failed to resolve tenant '{domain}'.\n\nError detail: {}",
            detail(&response.text())
        ))
    };
    if response.status != 200 {
        return Err(failed());
    }
    let v: Value = serde_json::from_slice(&response.body).map_err(|_| failed())?;
    let issuer = v.get("issuer").and_then(Value::as_str).ok_or_else(failed)?;
    issuer
        .split('/')
        .nth(3)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .ok_or_else(failed)
}

/// The start of a failed answer's body as the error shows it: at most [`DETAIL_CHARS`]
/// characters (a captive portal's page can be megabytes), control characters replaced.
fn detail(body: &str) -> String {
    let mut chars = body.char_indices();
    let shown = match chars.nth(DETAIL_CHARS) {
        Some((cut, _)) => format!(
            "{}… ({} more characters not shown)",
            &body[..cut],
            body[cut..].chars().count()
        ),
        None => body.to_string(),
    };
    terminal_safe(&shown).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_detection() {
        assert!(is_guid("11111111-1111-4111-8111-111111111111"));
        assert!(!is_guid("contoso.onmicrosoft.com"));
        assert!(!is_guid("11111111-1111-4111-8111-11111111111"));
    }

    #[test]
    fn resolves_the_tenant_from_the_issuer() {
        let r = tenant_resolution_request(
            "https://login.microsoftonline.com",
            "Contoso.OnMicrosoft.com",
        );
        assert_eq!(
            r.url,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"
        );
        let ok = HttpResponse {
            status: 200,
            headers: vec![],
            body: br#"{"issuer":"https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0"}"#.to_vec(),
        };
        assert_eq!(
            parse_tenant_resolution(&ok, "contoso").expect("tid"),
            "11111111-1111-4111-8111-111111111111"
        );
        let bad = HttpResponse {
            status: 400,
            headers: vec![],
            body: br#"{"error":"invalid_tenant"}"#.to_vec(),
        };
        assert_eq!(
            parse_tenant_resolution(&bad, "nope.example")
                .expect_err("fails")
                .to_string(),
            "Failed to resolve tenant 'nope.example'.\n\nError detail: {\"error\":\"invalid_tenant\"}"
        );
    }

    #[test]
    fn a_failed_lookup_shows_a_short_safe_excerpt_of_the_body() {
        let page = format!("<html>\x1b[2J\u{9b}31m{}</html>", "é".repeat(5_000_000));
        let huge = HttpResponse {
            status: 200,
            headers: vec![],
            body: page.into_bytes(),
        };
        let message = parse_tenant_resolution(&huge, "portal.example")
            .expect_err("fails")
            .to_string();
        let expected_start = "Failed to resolve tenant 'portal.example'.\n\nError detail: <html>\u{FFFD}[2J\u{FFFD}31mééé";
        assert!(message.starts_with(expected_start), "{message}");
        assert!(
            message.ends_with("é… (4999021 more characters not shown)"),
            "{message}"
        );
        assert!(
            message.chars().count() < 1100,
            "{} chars",
            message.chars().count()
        );
        assert!(!message.chars().any(|c| c == '\x1b' || c == '\u{9b}'));
        // Entra's answer for an unknown tenant is shown whole, as az shows it.
        let entra = r#"{"error":"invalid_tenant","error_description":"AADSTS90002: Tenant 'nowhere.example' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant. Trace ID: 98c7f77a-9b68-46ca-8f9d-c2f22c707d8f Correlation ID: 253100e8-03d1-447a-b782-4cd92ccf1761 Timestamp: 2026-12-07 01:15:27Z","error_codes":[90002],"timestamp":"2026-12-07 01:15:27Z","trace_id":"98c7f77a-9b68-46ca-8f9d-c2f22c707d8f","correlation_id":"253100e8-03d1-447a-b782-4cd92ccf1761","error_uri":"https://login.microsoftonline.com/error?code=90002"}"#;
        let unknown = HttpResponse {
            status: 400,
            headers: vec![],
            body: entra.as_bytes().to_vec(),
        };
        assert_eq!(
            parse_tenant_resolution(&unknown, "nowhere.example")
                .expect_err("fails")
                .to_string(),
            format!("Failed to resolve tenant 'nowhere.example'.\n\nError detail: {entra}")
        );
        // A body of exactly the limit is shown whole.
        let edge = HttpResponse {
            status: 404,
            headers: vec![],
            body: "x".repeat(DETAIL_CHARS).into_bytes(),
        };
        let message = parse_tenant_resolution(&edge, "d")
            .expect_err("fails")
            .to_string();
        assert!(
            message.ends_with(&format!(": {}", "x".repeat(DETAIL_CHARS))),
            "{message}"
        );
    }
}
