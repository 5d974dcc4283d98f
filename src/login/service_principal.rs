//! The service principal driver: one client-credentials request (secret or client assertion).

use crate::error::Result;
use crate::http::HttpClient;
use crate::oauth::Authority;
use crate::oauth::token::{AccessTokenResponse, ClientCredential, client_credentials_request};

/// Gets an app-only token for `scopes` at `authority`.
pub async fn acquire<C: HttpClient>(
    client: &C,
    authority: &Authority,
    client_id: &str,
    credential: &ClientCredential,
    scopes: &[String],
    claims: Option<&str>,
) -> Result<AccessTokenResponse> {
    let request = client_credentials_request(authority, client_id, credential, scopes, claims);
    super::redeem_access_token(client, request).await
}
