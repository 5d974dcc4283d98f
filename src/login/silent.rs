//! Silent token acquisition: a cached access token, else a refresh-token grant (FOCI first).

use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::oauth::claims::ClientInfo;
use crate::oauth::token::{AccessTokenResponse, TokenContext};
use crate::token_cache::{AccessTokenQuery, CachedAccessToken, TokenCache};

/// How a silent request was served.
#[derive(Debug)]
pub enum SilentToken {
    /// From the cache, no request sent.
    Cached(CachedAccessToken),
    /// By a refresh-token grant; the caller adds `response` to the cache, updating `rt_key`.
    Refreshed {
        /// The answer, its access token required.
        response: Box<AccessTokenResponse>,
        /// The RT used (updated in place when it rotated).
        rt_key: String,
    },
}

/// Who and what a silent request is for.
#[derive(Debug)]
pub struct SilentRequest<'a> {
    /// Authority (with the tenant), client, claims.
    pub ctx: &'a TokenContext,
    /// The account's `home_account_id`.
    pub home_account_id: &'a str,
    /// The scopes wanted.
    pub scopes: &'a [String],
    /// Skip the access-token cache (a claims challenge, or a forced refresh).
    pub force_refresh: bool,
}

/// A cached token for the request, if a valid one exists at `now`.
pub fn from_cache(
    cache: &TokenCache,
    request: &SilentRequest<'_>,
    now: u64,
) -> Option<CachedAccessToken> {
    if request.force_refresh {
        return None;
    }
    let environment = request.ctx.authority.environment();
    cache.find_access_token(
        &AccessTokenQuery {
            client_id: &request.ctx.client_id,
            environment: &environment,
            realm: request.ctx.authority.realm(),
            home_account_id: Some(request.home_account_id),
            scopes: request.scopes,
        },
        now,
    )
}

/// Serves the request from the cache, or refreshes with each candidate RT until one works.
/// A failed refresh never removes the RT; the last error is returned.
pub async fn acquire<C: HttpClient>(
    client: &C,
    cache: &TokenCache,
    request: &SilentRequest<'_>,
    now: u64,
) -> Result<SilentToken> {
    let cached = from_cache(cache, request, now);
    match cached {
        // Past `refresh_on` MSAL refreshes early, but keeps the cached token if that fails.
        Some(c) if c.refresh_on.is_some_and(|on| on < now) => {
            return match refresh(client, cache, request).await {
                Ok(refreshed) => Ok(refreshed),
                Err(_) => Ok(SilentToken::Cached(c)),
            };
        }
        Some(c) => return Ok(SilentToken::Cached(c)),
        None => {}
    }
    refresh(client, cache, request).await
}

/// Tries each candidate refresh token until one works.
async fn refresh<C: HttpClient>(
    client: &C,
    cache: &TokenCache,
    request: &SilentRequest<'_>,
) -> Result<SilentToken> {
    let environment = request.ctx.authority.environment();
    let candidates = cache.refresh_token_candidates(
        request.home_account_id,
        &environment,
        &request.ctx.client_id,
    );
    let anchor = ClientInfo::from_home_account_id(request.home_account_id);
    let mut last_error = None;
    for candidate in candidates {
        let http = request
            .ctx
            .refresh_request(request.scopes, &candidate.secret, anchor.as_ref());
        match super::redeem_access_token(client, http).await {
            Ok(response) => {
                return Ok(SilentToken::Refreshed {
                    response: Box::new(response),
                    rt_key: candidate.key,
                });
            }
            // Only a server verdict moves on to the next RT; a network failure is final.
            Err(e) if e.server_error().is_some() => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        Error::NoAccount("No refresh token for this account in the token cache.".into())
    }))
}
