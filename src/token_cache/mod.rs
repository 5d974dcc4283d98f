//! MSAL's unified token cache (`msal_token_cache.json`), sans I/O: entries, keys, adding the
//! tokens of an answer, finding tokens with `now` passed in, removing an account.
//!
//! The model is the JSON object itself (key order preserved), so entries written by other MSAL
//! clients, and fields azlogin does not know, survive a read-modify-write untouched.

mod add;
mod lookup;
mod remove;

use serde_json::{Map, Value};

use crate::pyjson::{self, PyJsonStyle};

pub use add::TokenEvent;
pub use lookup::{AccessTokenQuery, CachedAccessToken, CachedAccount, RefreshTokenCandidate};

/// An access token counts as expired this many seconds before `expires_on` (MSAL's margin).
pub const EXPIRY_MARGIN_SECS: u64 = 300;

/// The five sections, in the order MSAL normally writes them.
pub mod section {
    /// Access tokens.
    pub const ACCESS_TOKEN: &str = "AccessToken";
    /// Accounts.
    pub const ACCOUNT: &str = "Account";
    /// ID tokens.
    pub const ID_TOKEN: &str = "IdToken";
    /// Refresh tokens.
    pub const REFRESH_TOKEN: &str = "RefreshToken";
    /// Per-client metadata (the FOCI family).
    pub const APP_METADATA: &str = "AppMetadata";
}

/// The whole cache file.
#[derive(Clone, Default)]
pub struct TokenCache {
    root: Map<String, Value>,
}

/// Only section sizes: the entries hold tokens.
impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("TokenCache");
        for (name, section) in &self.root {
            d.field(name, &section.as_object().map_or(0, Map::len));
        }
        d.finish()
    }
}

impl TokenCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses the file's bytes. An empty file is an empty cache (MSAL treats it so).
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::new());
        }
        let text = crate::json_file::utf8_text(bytes)?;
        let root = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err("the top level is not a JSON object".into()),
            Err(e) => return Err(crate::json_file::describe_json_error(text, &e)),
        };
        for (name, section) in &root {
            let Value::Object(entries) = section else {
                return Err(format!("section '{name}' is not an object"));
            };
            if let Some((key, _)) = entries.iter().find(|(_, e)| !e.is_object()) {
                return Err(format!(
                    "entry '{key}' in section '{name}' is not an object"
                ));
            }
        }
        Ok(Self { root })
    }

    /// The file's text as MSAL writes it: `json.dumps(indent=4)`, ASCII-escaped, no newline at end.
    pub fn to_json(&self) -> String {
        pyjson::to_string(&Value::Object(self.root.clone()), PyJsonStyle::TOKEN_CACHE)
    }

    /// Whether the cache has no entries at all.
    pub fn is_empty(&self) -> bool {
        self.root
            .values()
            .all(|s| s.as_object().is_none_or(Map::is_empty))
    }

    /// The entries of a section.
    pub fn entries(&self, section: &str) -> impl Iterator<Item = (&String, &Map<String, Value>)> {
        self.root
            .get(section)
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.iter())
            .filter_map(|(k, v)| v.as_object().map(|o| (k, o)))
    }

    fn section_mut(&mut self, section: &str) -> &mut Map<String, Value> {
        let entry = self
            .root
            .entry(section.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        match entry {
            Value::Object(m) => m,
            _ => unreachable!("just made an object"),
        }
    }

    /// Sets (adds or replaces in place) one entry.
    fn put(&mut self, section: &str, key: String, entry: Map<String, Value>) {
        self.section_mut(section).insert(key, Value::Object(entry));
    }
}

/// An entry's string field.
fn field<'a>(entry: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    entry.get(name).and_then(Value::as_str)
}

/// MSAL's cache key: the parts joined with `-`, lower-cased.
fn cache_key(parts: &[&str]) -> String {
    parts.join("-").to_lowercase()
}

#[cfg(test)]
mod tests;
