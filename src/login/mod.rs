//! Async drivers of the login flows: each loops request → send → handle → sleep over the
//! sans-I/O modules in [`crate::oauth`], with no OAuth decision of its own.

#[cfg(feature = "native")]
pub mod browser;
#[cfg(feature = "native")]
pub mod browser_launch;
pub mod device_code;
pub mod managed_identity;
pub mod password;
pub mod service_principal;
pub mod silent;

use crate::error::{Error, Result};
use crate::http::{HttpClient, HttpRequest};
use crate::oauth::token::{
    AccessTokenResponse, TokenResponse, parse_access_token_response, parse_token_response,
};

/// Sends a token request and parses the answer.
pub async fn redeem<C: HttpClient>(client: &C, request: HttpRequest) -> Result<TokenResponse> {
    let endpoint = request.endpoint().to_string();
    let response = client.send(request).await?;
    parse_token_response(&response, &endpoint)
}

/// Sends a request of a grant that must return an access token, and parses the answer.
pub async fn redeem_access_token<C: HttpClient>(
    client: &C,
    request: HttpRequest,
) -> Result<AccessTokenResponse> {
    let endpoint = request.endpoint().to_string();
    let response = client.send(request).await?;
    parse_access_token_response(&response, &endpoint)
}

/// Maps a failed redemption that needs a person into az's per-login wording.
pub fn is_interaction_error(e: &Error) -> bool {
    e.server_error()
        .is_some_and(crate::ServerError::needs_interaction)
}
