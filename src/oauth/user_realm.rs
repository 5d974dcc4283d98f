//! User-realm discovery, which MSAL runs before a username/password sign-in to learn whether the
//! account is managed (ROPC works) or federated (it needs WS-Trust).

use serde_json::Value;

use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};

/// The user-realm request: `GET {login}/common/userrealm/{username}?api-version=1.0`.
pub fn user_realm_request(login_endpoint: &str, username: &str) -> HttpRequest {
    // MSAL puts the username in the path as typed; only characters that would end the path
    // segment are escaped.
    let user: String = username
        .chars()
        .map(|c| match c {
            '/' | '?' | '#' | '%' | ' ' => format!("%{:02X}", c as u32),
            c => c.to_string(),
        })
        .collect();
    HttpRequest::get(format!(
        "{}/common/userrealm/{user}?api-version=1.0",
        login_endpoint.trim_end_matches('/')
    ))
}

/// Whether the account is federated. A 404 means the endpoint is not there (managed, as MSAL
/// assumes); any other failure is an error.
pub fn parse_user_realm(response: &HttpResponse, endpoint: &str) -> Result<bool> {
    if response.status == 404 {
        return Ok(false);
    }
    if !(200..300).contains(&response.status) {
        return Err(Error::invalid_response(
            endpoint,
            format!("user realm discovery answered HTTP {}", response.status),
        ));
    }
    let v: Value = serde_json::from_slice(&response.body)
        .map_err(|e| Error::invalid_response(endpoint, format!("the body is not JSON ({e})")))?;
    Ok(v.get("account_type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("Federated")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, body)
    }

    #[test]
    fn url_keeps_the_username_as_typed() {
        assert_eq!(
            user_realm_request("https://login.microsoftonline.com/", "a+b c@contoso.com").url,
            "https://login.microsoftonline.com/common/userrealm/a+b%20c@contoso.com?api-version=1.0"
        );
    }

    #[test]
    fn managed_federated_missing_and_broken() {
        assert!(!parse_user_realm(&resp(200, r#"{"account_type":"Managed"}"#), "e").expect("ok"));
        assert!(parse_user_realm(&resp(200, r#"{"account_type":"Federated"}"#), "e").expect("ok"));
        assert!(!parse_user_realm(&resp(404, ""), "e").expect("ok"));
        assert_eq!(
            parse_user_realm(&resp(500, "<html>"), "e")
                .expect_err("err")
                .code(),
            "invalid_response"
        );
        assert_eq!(
            parse_user_realm(&resp(200, "nope"), "e")
                .expect_err("err")
                .code(),
            "invalid_response"
        );
    }
}
