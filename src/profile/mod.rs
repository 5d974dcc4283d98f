//! `azureProfile.json`, sans I/O: the subscription list, az's merge and default rules, and
//! az-exact serialisation (UTF-8 BOM, one line, `json.dump` separators, ASCII escaping).
//!
//! The document is kept as parsed JSON (key order preserved), so keys azlogin does not know, at
//! the top level or in an entry, survive every rewrite.

mod entry;
mod read;

use serde_json::{Map, Value};

use crate::pyjson::{self, PyJsonStyle};

pub use entry::{
    EntryOwner, Subscription, SubscriptionSource, TENANT_LEVEL_ACCOUNT_NAME, UserType,
};

const BOM: &str = "\u{feff}";
const SUBSCRIPTIONS: &str = "subscriptions";
const INSTALLATION_ID: &str = "installationId";

/// The whole `azureProfile.json`.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    root: Map<String, Value>,
    subscriptions: Vec<Subscription>,
}

impl Profile {
    /// An empty profile (what az writes into a fresh config dir: `{}`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses the file (BOM optional, as Python's `utf-8-sig` reads it).
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let text = crate::json_file::utf8_text(bytes)?;
        let text = text.strip_prefix(BOM).unwrap_or(text);
        if text.trim().is_empty() {
            return Ok(Self::new());
        }
        let (root, subscriptions) = read::document(text)?;
        Ok(Self {
            root,
            subscriptions,
        })
    }

    /// The file's bytes as az writes them.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Sized up front: growing a 50 MB text by doubling would hold up to 1.5 times it.
        let entries: usize = self
            .subscriptions
            .iter()
            .map(Subscription::text_len_hint)
            .sum();
        let mut text = String::with_capacity(BOM.len() + 256 + entries + entries / 16);
        text.push_str(BOM);
        if self.root.contains_key(SUBSCRIPTIONS) || !self.subscriptions.is_empty() {
            // Written from the entries in place: a copy of 100,000 entries would double the peak.
            pyjson::write_object_with_list(
                &mut text,
                &self.root,
                SUBSCRIPTIONS,
                &self.subscriptions,
                PyJsonStyle::PROFILE,
            );
        } else {
            text.push_str(&pyjson::to_string(
                &Value::Object(self.root.clone()),
                PyJsonStyle::PROFILE,
            ));
        }
        text.into_bytes()
    }

    /// Every stored entry, all clouds, in file order.
    pub fn subscriptions(&self) -> &[Subscription] {
        &self.subscriptions
    }

    /// The entries of one cloud.
    pub fn subscriptions_in(&self, cloud: &str) -> impl Iterator<Item = &Subscription> {
        self.subscriptions
            .iter()
            .filter(move |s| s.environment_name() == Some(cloud))
    }

    /// The default entry of a cloud.
    pub fn default_in(&self, cloud: &str) -> Option<&Subscription> {
        self.subscriptions_in(cloud).find(|s| s.is_default())
    }

    /// Whether the document holds a subscription list at all.
    pub fn has_subscription_list(&self) -> bool {
        self.root.contains_key(SUBSCRIPTIONS) || !self.subscriptions.is_empty()
    }

    /// The telemetry installation id, if any.
    pub fn installation_id(&self) -> Option<&str> {
        self.root.get(INSTALLATION_ID).and_then(Value::as_str)
    }

    /// Adds an installation id when there is none (az adds it at the end of a command).
    pub fn ensure_installation_id(&mut self, make: impl FnOnce() -> String) {
        if !self.root.contains_key(SUBSCRIPTIONS) && !self.subscriptions.is_empty() {
            self.root
                .insert(SUBSCRIPTIONS.into(), Value::Array(Vec::new()));
        }
        if !self.root.contains_key(INSTALLATION_ID) {
            self.root
                .insert(INSTALLATION_ID.into(), Value::String(make()));
        }
    }

    /// Merges a login's entries by az's rules and picks the default. Returns the default's id.
    ///
    /// Same id → replaced in place; new ids appended. The default becomes, in order: the entry
    /// matching `preferred` (the `--subscription` of the login), the previous default when this
    /// login found it again, the first `Enabled` new entry, the first new entry.
    pub fn merge(&mut self, new: &mut [Subscription], preferred: Option<&str>) -> Option<String> {
        let chosen = self.choose_default(new, preferred)?;
        let id = new[chosen].id().to_string();
        self.insert_all(new.to_vec());
        Some(id)
    }

    /// [`Profile::merge`] taking the entries by value, so a large login's list is not copied.
    /// Returns the default's id and where each entry now sits; [`Profile::into_entries_at`]
    /// gets them back after the write.
    pub fn merge_owned(
        &mut self,
        mut new: Vec<Subscription>,
        preferred: Option<&str>,
    ) -> (Option<String>, Vec<usize>) {
        let Some(chosen) = self.choose_default(&mut new, preferred) else {
            return (None, Vec::new());
        };
        let id = new[chosen].id().to_string();
        (Some(id), self.insert_all(new))
    }

    /// The entries at `positions` (from [`Profile::merge_owned`]), in that order, each once.
    pub fn into_entries_at(self, positions: &[usize]) -> Vec<Subscription> {
        // The usual case, new entries appended in order: the list's tail, in its own buffer.
        let len = self.subscriptions.len();
        if let Some(&first) = positions.first()
            && first + positions.len() == len
            && positions.iter().enumerate().all(|(k, &i)| i == first + k)
        {
            let mut tail = self.subscriptions;
            tail.drain(..first);
            return tail;
        }
        let mut slots: Vec<Option<Subscription>> =
            self.subscriptions.into_iter().map(Some).collect();
        positions
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
            .collect()
    }

    /// Marks the default among `new` (and clears the old one); `None` when `new` is empty.
    fn choose_default(
        &mut self,
        new: &mut [Subscription],
        preferred: Option<&str>,
    ) -> Option<usize> {
        if new.is_empty() {
            return None;
        }
        let previous_default = self
            .subscriptions
            .iter()
            .find(|s| s.is_default())
            .map(|s| s.id().to_string());
        let chosen = preferred
            .and_then(|p| new.iter().position(|s| s.id().eq_ignore_ascii_case(p)))
            .or_else(|| previous_default.and_then(|d| new.iter().position(|s| s.id() == d)))
            .or_else(|| new.iter().position(|s| s.state() == Some("Enabled")))
            .unwrap_or(0);
        for (i, s) in new.iter_mut().enumerate() {
            s.set_default(i == chosen);
        }
        for s in &mut self.subscriptions {
            s.set_default(false);
        }
        Some(chosen)
    }

    /// Same id → replaced in place; new ids appended. Returns each entry's position.
    fn insert_all(&mut self, new: Vec<Subscription>) -> Vec<usize> {
        // Positions first, from an index of borrowed ids (linear, and no copy of 100,000 ids)...
        let placed: Vec<usize> = {
            let mut position: std::collections::HashMap<&str, usize> = self
                .subscriptions
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id(), i))
                .collect();
            let mut next = self.subscriptions.len();
            new.iter()
                .map(|s| {
                    *position.entry(s.id()).or_insert_with(|| {
                        next += 1;
                        next - 1
                    })
                })
                .collect()
        };
        // ...then the entries moved there: new positions come in order, so each is a push.
        self.subscriptions.reserve(new.len());
        for (s, &i) in new.into_iter().zip(&placed) {
            match self.subscriptions.get_mut(i) {
                Some(slot) => *slot = s,
                None => self.subscriptions.push(s),
            }
        }
        self.root
            .entry(SUBSCRIPTIONS)
            .or_insert_with(|| Value::Array(Vec::new()));
        placed
    }

    /// Makes the entry with `id` the only default (all clouds), as `az account set` does.
    pub fn set_default(&mut self, id: &str) {
        for s in &mut self.subscriptions {
            s.set_default(s.id() == id);
        }
    }

    /// Removes every entry of `username` (case-insensitive), all clouds. Returns how many.
    pub fn remove_user(&mut self, username: &str) -> usize {
        let before = self.subscriptions.len();
        self.subscriptions.retain(|s| {
            !s.user_name()
                .is_some_and(|u| u.eq_ignore_ascii_case(username))
        });
        before - self.subscriptions.len()
    }

    /// Empties the subscription list (`az account clear`).
    pub fn clear(&mut self) {
        self.subscriptions.clear();
        self.root
            .insert(SUBSCRIPTIONS.into(), Value::Array(Vec::new()));
    }
}

#[cfg(test)]
mod tests;

/// The profile entries of a tenant-loop discovery: every subscription found, in discovery order,
/// then (with `allow_no_subscriptions`) a tenant-level entry per empty tenant, as `az login` does.
/// The found subscriptions are moved into the entries, not copied.
pub fn tenant_loop_entries(
    found: Vec<crate::discovery::Found>,
    empty_tenants: &[crate::arm::Tenant],
    owner: &EntryOwner,
    allow_no_subscriptions: bool,
) -> Vec<Subscription> {
    let extra = if allow_no_subscriptions {
        empty_tenants.len()
    } else {
        0
    };
    let mut entries = Vec::with_capacity(found.len() + extra);
    entries.extend(found.into_iter().map(|f| {
        Subscription::discovered(
            f.subscription,
            &f.tenant,
            SubscriptionSource::TenantLoop,
            owner,
        )
    }));
    if allow_no_subscriptions {
        entries.extend(
            empty_tenants
                .iter()
                .map(|t| Subscription::tenant_level(&t.tenant_id, owner)),
        );
    }
    entries
}
