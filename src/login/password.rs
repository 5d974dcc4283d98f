//! The username/password (ROPC) login driver, with MSAL's user-realm discovery first.

use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::oauth::token::{TokenContext, TokenResponse};
use crate::oauth::user_realm::{parse_user_realm, user_realm_request};
use crate::secret::Password;

/// Signs in with a username and password.
pub async fn login<C: HttpClient>(
    client: &C,
    ctx: &TokenContext,
    scopes: &[String],
    username: &str,
    password: &Password,
) -> Result<TokenResponse> {
    if !ctx.authority.is_adfs() {
        let request = user_realm_request(ctx.authority.login_endpoint(), username);
        let endpoint = request.endpoint().to_string();
        let response = client.send(request).await?;
        if parse_user_realm(&response, &endpoint)? {
            return Err(Error::Usage(format!(
                "The account '{username}' is federated; username/password sign-in through WS-Trust is not supported. Use `azlogin login` (browser) or `azlogin login --use-device-code`."
            )));
        }
    }
    super::redeem(client, ctx.password_request(scopes, username, password)).await
}
