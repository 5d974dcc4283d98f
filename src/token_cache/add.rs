//! Adding the tokens of one token-endpoint answer, field for field as MSAL's `TokenCache.add`.

use serde_json::{Map, Value};

use super::{TokenCache, cache_key, section};
use crate::oauth::token::TokenResponse;

/// One answer and where it came from.
#[derive(Debug)]
pub struct TokenEvent<'a> {
    /// The answer.
    pub response: &'a TokenResponse,
    /// The client that asked.
    pub client_id: &'a str,
    /// The authority host (the cache "environment").
    pub environment: &'a str,
    /// The authority's tenant segment (the cache "realm").
    pub realm: &'a str,
    /// The scopes asked for, used when the answer names none.
    pub requested_scopes: &'a [String],
    /// The grant type (the Account's `account_source`).
    pub grant_type: &'a str,
    /// The username typed for ROPC, the last fallback for the Account's `username`.
    pub username_hint: Option<&'a str>,
    /// Silent refreshes make no Account entries.
    pub skip_account_creation: bool,
    /// When refreshing: the key of the RT used, updated in place with a rotated RT.
    pub refreshed_rt_key: Option<&'a str>,
    /// Whether the authority is ADFS.
    pub adfs: bool,
}

fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

impl TokenCache {
    /// Adds an answer's tokens at `now` (epoch seconds). Returns the access token's cache key.
    pub fn add(&mut self, event: &TokenEvent<'_>, now: u64) -> Option<String> {
        let r = event.response;
        let account = r.account();
        let home_account_id = account.home_account_id.clone();
        let hid = home_account_id.clone().unwrap_or_default();
        let hid_value = home_account_id
            .clone()
            .map(Value::String)
            .unwrap_or(Value::Null);
        let mut scopes: Vec<String> = match &r.scope {
            Some(scope) => scope.split_whitespace().map(str::to_string).collect(),
            None => event.requested_scopes.to_vec(),
        };
        scopes.sort();
        let target = scopes.join(" ");
        let env = event.environment;
        let mut at_key = None;

        if let Some(at) = &r.access_token {
            let expires_in = r.lifetime_secs(now);
            let ext_expires_in = r.ext_expires_in.unwrap_or(expires_in);
            let key = cache_key(&[
                &hid,
                env,
                "accesstoken",
                event.client_id,
                event.realm,
                &target,
            ]);
            let mut e = Map::new();
            e.insert("credential_type".into(), s("AccessToken"));
            e.insert("secret".into(), s(at.secret()));
            e.insert("home_account_id".into(), hid_value.clone());
            e.insert("environment".into(), s(env));
            e.insert("client_id".into(), s(event.client_id));
            e.insert("target".into(), s(target.clone()));
            e.insert("realm".into(), s(event.realm));
            e.insert(
                "token_type".into(),
                s(r.token_type.clone().unwrap_or_else(|| "Bearer".into())),
            );
            e.insert("cached_at".into(), s(now.to_string()));
            e.insert(
                "expires_on".into(),
                s(now.saturating_add(expires_in).to_string()),
            );
            e.insert(
                "extended_expires_on".into(),
                s((now + ext_expires_in).to_string()),
            );
            if let Some(refresh_in) = r.refresh_in {
                e.insert(
                    "refresh_on".into(),
                    s(now.saturating_add(refresh_in).to_string()),
                );
            }
            self.put(section::ACCESS_TOKEN, key.clone(), e);
            at_key = Some(key);
        }

        if account.has_client_info && !event.skip_account_creation {
            let key = cache_key(&[&hid, env, event.realm]);
            let username = Some(account.username.as_str())
                .filter(|u| !u.is_empty())
                .or(event.username_hint)
                .unwrap_or_default();
            let local_account_id = account.local_account_id.clone();
            let mut e = Map::new();
            e.insert("home_account_id".into(), hid_value.clone());
            e.insert("environment".into(), s(env));
            e.insert("realm".into(), s(event.realm));
            e.insert(
                "local_account_id".into(),
                local_account_id.map(Value::String).unwrap_or(Value::Null),
            );
            e.insert("username".into(), s(username));
            e.insert(
                "authority_type".into(),
                s(if event.adfs { "ADFS" } else { "MSSTS" }),
            );
            e.insert("account_source".into(), s(event.grant_type));
            self.put(section::ACCOUNT, key, e);
        }

        if let Some(id_token) = &r.id_token {
            let key = cache_key(&[&hid, env, "idtoken", event.client_id, event.realm, ""]);
            let mut e = Map::new();
            e.insert("credential_type".into(), s("IdToken"));
            e.insert("secret".into(), s(id_token.secret()));
            e.insert("home_account_id".into(), hid_value.clone());
            e.insert("environment".into(), s(env));
            e.insert("realm".into(), s(event.realm));
            e.insert("client_id".into(), s(event.client_id));
            self.put(section::ID_TOKEN, key, e);
        }

        if let Some(rt) = &r.refresh_token {
            match event.refreshed_rt_key {
                // A rotated RT replaces the old secret in place: key and target stay as first written.
                Some(old_key) => self.update_refresh_token(old_key, rt.secret(), now),
                None => {
                    let key = cache_key(&[&hid, env, "refreshtoken", event.client_id, "", &target]);
                    let mut e = Map::new();
                    e.insert("credential_type".into(), s("RefreshToken"));
                    e.insert("secret".into(), s(rt.secret()));
                    e.insert("home_account_id".into(), hid_value.clone());
                    e.insert("environment".into(), s(env));
                    e.insert("client_id".into(), s(event.client_id));
                    e.insert("target".into(), s(target.clone()));
                    e.insert("last_modification_time".into(), s(now.to_string()));
                    if let Some(family) = &r.foci {
                        e.insert("family_id".into(), s(family.clone()));
                    }
                    self.put(section::REFRESH_TOKEN, key, e);
                }
            }
        }

        let key = cache_key(&["appmetadata", env, event.client_id]);
        let mut e = Map::new();
        e.insert("client_id".into(), s(event.client_id));
        e.insert("environment".into(), s(env));
        if let Some(family) = &r.foci {
            e.insert("family_id".into(), s(family.clone()));
        }
        self.put(section::APP_METADATA, key, e);
        at_key
    }

    /// Replaces an RT's secret and modification time, keeping everything else.
    pub fn update_refresh_token(&mut self, key: &str, secret: &str, now: u64) {
        if let Some(Value::Object(entry)) = self.section_mut(section::REFRESH_TOKEN).get_mut(key) {
            entry.insert("secret".into(), s(secret));
            entry.insert("last_modification_time".into(), s(now.to_string()));
        }
    }
}
