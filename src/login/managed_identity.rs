//! The managed identity driver: one GET to the endpoint the environment names.

use crate::error::Result;
use crate::http::HttpClient;
use crate::oauth::managed_identity::{
    ManagedIdentityId, ManagedIdentitySource, ManagedIdentityToken, parse_token_response,
};

/// Gets a token for `resource` (a resource id, not a scope) at `now` (epoch seconds).
pub async fn acquire<C: HttpClient>(
    client: &C,
    source: &ManagedIdentitySource,
    id: &ManagedIdentityId,
    resource: &str,
    now: u64,
) -> Result<ManagedIdentityToken> {
    let request = source.token_request(id, resource)?;
    let endpoint = request.endpoint().to_string();
    let response = client.send(request).await?;
    parse_token_response(&response, &endpoint, now)
}
