//! The service principal driver: one client-credentials request (secret or client assertion).

use crate::error::Result;
use crate::http::HttpClient;
use crate::oauth::Authority;
use crate::oauth::token::{ClientCredential, TokenResponse, client_credentials_request};

/// Gets an app-only token for `scopes` at `authority`.
pub async fn acquire<C: HttpClient>(
    client: &C,
    authority: &Authority,
    client_id: &str,
    credential: &ClientCredential,
    scopes: &[String],
    claims: Option<&str>,
) -> Result<TokenResponse> {
    let request = client_credentials_request(authority, client_id, credential, scopes, claims);
    super::redeem(client, request).await
}
