//! The username/password (ROPC) login driver, with MSAL's user-realm discovery first.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::http::{HttpClient, HttpRequest};
use crate::oauth::token::{TokenContext, TokenResponse};
use crate::secret::Password;

/// The user-realm discovery request MSAL sends before ROPC.
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

/// Signs in with a username and password.
pub async fn login<C: HttpClient>(
    client: &C,
    ctx: &TokenContext,
    scopes: &[String],
    username: &str,
    password: &Password,
) -> Result<TokenResponse> {
    if !ctx.authority.is_adfs() {
        let realm = client
            .send(user_realm_request(ctx.authority.login_endpoint(), username))
            .await?;
        let federated = serde_json::from_slice::<Value>(&realm.body)
            .ok()
            .and_then(|v| {
                v.get("account_type")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .is_some_and(|t| t.eq_ignore_ascii_case("Federated"));
        if federated {
            return Err(Error::Usage(format!(
                "The account '{username}' is federated; username/password sign-in through WS-Trust is not supported. Use `azlogin login` (browser) or `azlogin login --use-device-code`."
            )));
        }
    }
    super::redeem(client, ctx.password_request(scopes, username, password)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_realm_url_escapes_the_username() {
        assert_eq!(
            user_realm_request("https://login.microsoftonline.com/", "a+b c@contoso.com").url,
            "https://login.microsoftonline.com/common/userrealm/a+b%20c@contoso.com?api-version=1.0"
        );
    }
}
