//! Removing an account's tokens (logout) and app-only tokens (service-principal logout).

use serde_json::Value;

use super::{TokenCache, field, section};

impl TokenCache {
    /// Removes what MSAL's `remove_account` removes for this account in this environment: its
    /// access and ID tokens of any client, its accounts in every realm, and its refresh tokens
    /// of this client and of the FOCI family. Returns how many entries went.
    pub fn remove_account(
        &mut self,
        home_account_id: &str,
        environment: &str,
        client_id: &str,
    ) -> usize {
        let mine = |e: &serde_json::Map<String, Value>| {
            field(e, "home_account_id") == Some(home_account_id)
                && field(e, "environment").is_some_and(|v| v.eq_ignore_ascii_case(environment))
        };
        let mut removed = 0;
        for name in [section::ACCESS_TOKEN, section::ID_TOKEN, section::ACCOUNT] {
            removed += self.retain(name, |e| !mine(e));
        }
        removed += self.retain(section::REFRESH_TOKEN, |e| {
            !(mine(e)
                && (field(e, "client_id") == Some(client_id)
                    || e.get("family_id").is_some_and(|f| !f.is_null())))
        });
        removed
    }

    /// Removes the app-only access tokens (`home_account_id: null`) of `client_id`.
    pub fn remove_app_tokens(&mut self, client_id: &str, environment: &str) -> usize {
        self.retain(section::ACCESS_TOKEN, |e| {
            !(e.get("home_account_id").is_none_or(Value::is_null)
                && field(e, "client_id") == Some(client_id)
                && field(e, "environment").is_some_and(|v| v.eq_ignore_ascii_case(environment)))
        })
    }

    fn retain(
        &mut self,
        name: &str,
        keep: impl Fn(&serde_json::Map<String, Value>) -> bool,
    ) -> usize {
        let Some(Value::Object(entries)) = self.root.get_mut(name) else {
            return 0;
        };
        let before = entries.len();
        entries.retain(|_, v| v.as_object().is_none_or(&keep));
        before - entries.len()
    }
}
