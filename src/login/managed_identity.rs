//! The managed identity driver: one GET to the endpoint the environment names, or two for
//! Azure Arc, whose first answer asks for a key file the caller's `read_key_file` reads.

use std::path::Path;

use crate::diagnostics;
use crate::error::Result;
use crate::http::HttpClient;
use crate::oauth::managed_identity::{
    ManagedIdentityId, ManagedIdentitySource, ManagedIdentityToken, parse_token_response,
};
use crate::secret::ArcKey;

/// Gets a token for `resource` (a resource id, not a scope) at `now` (epoch seconds).
/// `read_key_file` is handed Azure Arc's key file path; builds without a file system pass one
/// that fails.
pub async fn acquire<C: HttpClient>(
    client: &C,
    source: &ManagedIdentitySource,
    id: &ManagedIdentityId,
    resource: &str,
    now: u64,
    read_key_file: impl Fn(&Path) -> Result<ArcKey>,
) -> Result<ManagedIdentityToken> {
    if let Some(note) = source.ignored_id_note(id) {
        diagnostics::debug("azlogin.managed_identity", || note.to_string());
    }
    let request = source.token_request(id, resource)?;
    let endpoint = request.endpoint().to_string();
    let mut response = client.send(request).await?;
    if let Some(path) = source.key_file_challenge(&response, &endpoint)? {
        diagnostics::debug("azlogin.managed_identity", || {
            format!("Reading Azure Arc's key file {}", path.display())
        });
        let key = read_key_file(&path)?;
        response = client
            .send(source.answer_challenge(id, resource, &key)?)
            .await?;
    }
    let token = parse_token_response(&response, &endpoint, now)?;
    source.confirm_identity(id, &response, &endpoint)?;
    Ok(token)
}
