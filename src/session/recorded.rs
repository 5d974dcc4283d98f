//! Token answers recorded during a flow and replayed onto the freshly reloaded cache file under
//! its lock, so concurrent writers (az, other azlogin processes) lose nothing.

use crate::oauth::Authority;
use crate::oauth::token::{TokenContext, TokenResponse};
use crate::token_cache::{TokenCache, TokenEvent};

/// One answer and its context, owned.
#[derive(Debug)]
pub struct RecordedAnswer {
    pub response: TokenResponse,
    pub client_id: String,
    pub authority: Authority,
    pub requested_scopes: Vec<String>,
    pub grant_type: &'static str,
    pub username_hint: Option<String>,
    pub refreshed_rt_key: Option<String>,
    pub now: u64,
}

impl RecordedAnswer {
    /// A silent refresh's answer: no Account entry, the RT used updated in place.
    pub fn refresh(
        response: TokenResponse,
        ctx: &TokenContext,
        scopes: &[String],
        rt_key: String,
        now: u64,
    ) -> Self {
        Self {
            response,
            client_id: ctx.client_id.clone(),
            authority: ctx.authority.clone(),
            requested_scopes: scopes.to_vec(),
            grant_type: "refresh_token",
            username_hint: None,
            refreshed_rt_key: Some(rt_key),
            now,
        }
    }

    /// Adds the answer to `cache`.
    pub fn apply(&self, cache: &mut TokenCache) {
        let environment = self.authority.environment();
        cache.add(
            &TokenEvent {
                response: &self.response,
                client_id: &self.client_id,
                environment: &environment,
                realm: self.authority.realm(),
                requested_scopes: &self.requested_scopes,
                grant_type: self.grant_type,
                username_hint: self.username_hint.as_deref(),
                skip_account_creation: self.refreshed_rt_key.is_some(),
                refreshed_rt_key: self.refreshed_rt_key.as_deref(),
                adfs: self.authority.is_adfs(),
            },
            self.now,
        );
    }
}
