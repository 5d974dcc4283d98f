//! OpenID Connect metadata: resolving a tenant domain (`contoso.onmicrosoft.com`) to its GUID.

use serde_json::Value;

use crate::error::{Error, Result};
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

/// The tenant GUID from the metadata answer: the fourth `/`-segment of `issuer`.
pub fn parse_tenant_resolution(response: &HttpResponse, domain: &str) -> Result<String> {
    let failed = || {
        Error::NotFound(format!(
            "Failed to resolve tenant '{domain}'.\n\nError detail: {}",
            response.text()
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
}
