//! Finding tokens: access tokens by scope with the expiry margin, refresh tokens FOCI-first,
//! accounts by username. `now` is always passed in.

use super::{EXPIRY_MARGIN_SECS, TokenCache, field, section};
use crate::secret::{AccessToken, RefreshToken};

/// What an access token must match.
#[derive(Clone, Debug)]
pub struct AccessTokenQuery<'a> {
    /// The client that asks.
    pub client_id: &'a str,
    /// The authority host.
    pub environment: &'a str,
    /// The tenant segment of the authority.
    pub realm: &'a str,
    /// The account (`None` for app-only tokens, whose `home_account_id` is null).
    pub home_account_id: Option<&'a str>,
    /// Every one of these must be in the token's target.
    pub scopes: &'a [String],
}

/// A usable access token from the cache.
#[derive(Debug)]
pub struct CachedAccessToken {
    /// The token.
    pub secret: AccessToken,
    /// Its expiry, epoch seconds.
    pub expires_on: u64,
    /// When it should be refreshed early, epoch seconds.
    pub refresh_on: Option<u64>,
}

/// A refresh token to try, in the order to try it.
#[derive(Debug)]
pub struct RefreshTokenCandidate {
    /// Its cache key, to update it in place when it rotates.
    pub key: String,
    /// The token.
    pub secret: RefreshToken,
}

/// An MSAL account (one per `home_account_id`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedAccount {
    /// `<oid>.<home tenant>`.
    pub home_account_id: String,
    /// The sign-in name.
    pub username: String,
    /// The authority host.
    pub environment: String,
}

fn epoch(entry: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<u64> {
    match entry.get(name)? {
        serde_json::Value::String(s) => s.trim().parse().ok(),
        serde_json::Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

impl TokenCache {
    /// A matching access token that is valid for at least five more minutes.
    pub fn find_access_token(
        &self,
        q: &AccessTokenQuery<'_>,
        now: u64,
    ) -> Option<CachedAccessToken> {
        self.entries(section::ACCESS_TOKEN)
            .filter(|(_, e)| {
                field(e, "client_id") == Some(q.client_id)
                    && field(e, "environment")
                        .is_some_and(|v| v.eq_ignore_ascii_case(q.environment))
                    && field(e, "realm").is_some_and(|v| v.eq_ignore_ascii_case(q.realm))
                    && field(e, "home_account_id") == q.home_account_id
            })
            .filter(|(_, e)| {
                let target: Vec<String> = field(e, "target")
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_lowercase)
                    .collect();
                q.scopes.iter().all(|s| target.contains(&s.to_lowercase()))
            })
            .filter_map(|(_, e)| {
                let expires_on = epoch(e, "expires_on")?;
                (expires_on >= now + EXPIRY_MARGIN_SECS).then(|| CachedAccessToken {
                    secret: AccessToken::new(field(e, "secret").unwrap_or_default()),
                    expires_on,
                    refresh_on: epoch(e, "refresh_on"),
                })
            })
            .filter(|t| !t.secret.secret().is_empty())
            .max_by_key(|t| t.expires_on)
    }

    /// The refresh tokens of an account to try: the family (FOCI) ones first, then the client's
    /// own, newest first within each group, as MSAL does.
    pub fn refresh_token_candidates(
        &self,
        home_account_id: &str,
        environment: &str,
        client_id: &str,
    ) -> Vec<RefreshTokenCandidate> {
        let family = self
            .entries(section::APP_METADATA)
            .find(|(_, e)| {
                field(e, "client_id") == Some(client_id)
                    && field(e, "environment") == Some(environment)
            })
            .map(|(_, e)| field(e, "family_id").map(str::to_string))
            // No metadata yet: MSAL tries family "1" first.
            .unwrap_or_else(|| Some("1".to_string()));
        let mut rts: Vec<(&String, &serde_json::Map<String, serde_json::Value>)> = self
            .entries(section::REFRESH_TOKEN)
            .filter(|(_, e)| {
                field(e, "home_account_id") == Some(home_account_id)
                    && field(e, "environment").is_some_and(|v| v.eq_ignore_ascii_case(environment))
                    && !field(e, "secret").unwrap_or_default().is_empty()
            })
            .collect();
        rts.sort_by_key(|(_, e)| {
            std::cmp::Reverse(epoch(e, "last_modification_time").unwrap_or(0))
        });
        let in_family = |e: &serde_json::Map<String, serde_json::Value>| {
            family.is_some() && field(e, "family_id") == family.as_deref()
        };
        let mut ordered: Vec<RefreshTokenCandidate> = Vec::new();
        for (key, e) in rts.iter().filter(|(_, e)| in_family(e)).chain(
            rts.iter()
                .filter(|(_, e)| !in_family(e) && field(e, "client_id") == Some(client_id)),
        ) {
            ordered.push(RefreshTokenCandidate {
                key: (*key).clone(),
                secret: RefreshToken::new(field(e, "secret").unwrap_or_default()),
            });
        }
        ordered
    }

    /// The accounts with this username (case-insensitive), one per `home_account_id`.
    pub fn accounts_by_username(&self, username: &str, environment: &str) -> Vec<CachedAccount> {
        let mut found: Vec<CachedAccount> = Vec::new();
        for (_, e) in self.entries(section::ACCOUNT) {
            let (Some(hid), Some(name), Some(env)) = (
                field(e, "home_account_id"),
                field(e, "username"),
                field(e, "environment"),
            ) else {
                continue;
            };
            if name.eq_ignore_ascii_case(username)
                && env.eq_ignore_ascii_case(environment)
                && !found.iter().any(|a| a.home_account_id == hid)
            {
                found.push(CachedAccount {
                    home_account_id: hid.to_string(),
                    username: name.to_string(),
                    environment: env.to_string(),
                });
            }
        }
        found
    }
}
