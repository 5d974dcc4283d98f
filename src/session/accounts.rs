//! `az account list/show/set/clear` and `az logout` over the profile and the token cache.

use serde_json::Value;

use super::Session;
use super::files::{
    ADAL_CACHE_FILE, SERVICE_PRINCIPAL_FILE, TOKEN_CACHE_FILE, load_profile, modify_profile,
    modify_token_cache, remove_file,
};
use crate::error::{Error, Result};
use crate::profile::Subscription;
use crate::store::{SERVICE_PRINCIPALS_BIN, TOKEN_CACHE_BIN};

/// `az account list` options.
#[derive(Clone, Copy, Debug, Default)]
pub struct AccountListOptions {
    /// `--all`: every cloud and every state.
    pub all: bool,
}

/// What logout did.
#[derive(Debug, Default)]
pub struct LogoutOutcome {
    /// The user logged out.
    pub username: String,
    /// Profile entries removed.
    pub entries_removed: usize,
    /// Token cache entries removed.
    pub tokens_removed: usize,
}

const PLEASE_LOGIN: &str = "Please run 'az login' to setup account.";

impl Session {
    /// `az account list`: the entries as printed (`cloudName`), and az's warnings.
    pub fn list_accounts(&self, options: AccountListOptions) -> Result<(Vec<Value>, Vec<String>)> {
        let profile = load_profile(self.dir.path())?;
        let mut warnings = Vec::new();
        let cloud = &self.cloud.name;
        let listed: Vec<&Subscription> = profile
            .subscriptions()
            .iter()
            .filter(|s| options.all || s.environment_name() == Some(cloud.as_str()))
            .collect();
        if listed.is_empty() {
            warnings.push("Please run \"az login\" to access your accounts.".to_string());
            return Ok((Vec::new(), warnings));
        }
        let enabled: Vec<&Subscription> = listed
            .iter()
            .copied()
            .filter(|s| options.all || s.state() == Some("Enabled"))
            .collect();
        if enabled.len() < listed.len() {
            warnings.push(
                "A few accounts are skipped as they don't have 'Enabled' state. Use '--all' to display them.".into(),
            );
        }
        Ok((
            enabled
                .into_iter()
                .map(Subscription::to_output_json)
                .collect(),
            warnings,
        ))
    }

    /// The entry `az account show [-s X]` names: X by id or name, else the default.
    pub fn find_account(&self, subscription: Option<&str>) -> Result<Subscription> {
        let profile = load_profile(self.dir.path())?;
        find_in(
            profile
                .subscriptions_in(&self.cloud.name)
                .cloned()
                .collect(),
            subscription,
        )
    }

    /// Every entry of the active cloud, in file order, and the default's id: what an
    /// interactive `account set` chooses from. No entries is az's "Please run 'az login'".
    pub fn accounts_in_cloud(&self) -> Result<(Vec<Subscription>, Option<String>)> {
        let profile = load_profile(self.dir.path())?;
        let entries: Vec<Subscription> = profile
            .subscriptions_in(&self.cloud.name)
            .cloned()
            .collect();
        if entries.is_empty() {
            return Err(Error::NoAccount(PLEASE_LOGIN.into()));
        }
        let default_id = profile
            .default_in(&self.cloud.name)
            .map(|s| s.id().to_string());
        Ok((entries, default_id))
    }

    /// `az account show`: the stored entry (with `environmentName`).
    pub fn show_account(&self, subscription: Option<&str>) -> Result<Value> {
        Ok(self.find_account(subscription)?.to_json())
    }

    /// `az account set -s X`.
    pub fn set_account(&self, subscription: &str) -> Result<Subscription> {
        let wanted = subscription.to_lowercase();
        let cloud = self.cloud.name.clone();
        let chosen = modify_profile(self.dir.path(), |p| {
            let matches: Vec<String> = p
                .subscriptions_in(&cloud)
                .filter(|s| {
                    s.id().to_lowercase() == wanted
                        || s.name().is_some_and(|n| n.to_lowercase() == wanted)
                })
                .map(|s| s.id().to_string())
                .collect();
            match matches.as_slice() {
                [id] => {
                    p.set_default(id);
                    p.subscriptions()
                        .iter()
                        .find(|s| s.id() == id)
                        .cloned()
                        .ok_or_else(|| {
                            Error::NotFound(format!(
                                "The subscription of '{wanted}' doesn't exist in cloud '{cloud}'."
                            ))
                        })
                }
                [] => Err(Error::NotFound(format!(
                    "The subscription of '{wanted}' doesn't exist in cloud '{cloud}'."
                ))),
                _ => Err(Error::NotFound(format!(
                    "The subscription of '{wanted}' has more than one match in cloud '{cloud}'."
                ))),
            }
        })?;
        crate::store::set_cloud_subscription(&self.dir, &cloud, Some(chosen.id()))?;
        Ok(chosen)
    }

    /// `az logout [--username U]`.
    pub fn logout(&self, username: Option<&str>) -> Result<LogoutOutcome> {
        // Read the profile first: one that cannot be parsed stops the logout before the token
        // cache is touched, so a failed logout changes no file.
        let profile = load_profile(self.dir.path())?;
        let username = match username {
            Some(u) => u.to_string(),
            None => profile
                .default_in(&self.cloud.name)
                .and_then(|s| s.user_name().map(str::to_string))
                .ok_or_else(|| Error::NoAccount("There are no active accounts.".into()))?,
        };
        let environment = self.endpoints.login_host.clone();
        let client_id = self.client_id.clone();
        let tokens_removed = modify_token_cache(self.dir.path(), &self.secrets, |c| {
            let accounts = c.accounts_by_username(&username, &environment);
            let mut n = 0;
            for a in accounts {
                n += c.remove_account(&a.home_account_id, &environment, &client_id);
            }
            // The service-principal half of az's logout: app-only tokens of a client id.
            n + c.remove_app_tokens(&username, &environment)
        })?;
        // The service-principal half also forgets the stored credential of that client id.
        super::files::modify_service_principals(self.dir.path(), &self.secrets, |list| {
            list.remove(&username)
        })?;
        let entries_removed = modify_profile(self.dir.path(), |p| Ok(p.remove_user(&username)))?;
        remove_file(&self.dir.path().join(ADAL_CACHE_FILE))?;
        Ok(LogoutOutcome {
            username,
            entries_removed,
            tokens_removed,
        })
    }

    /// `az account clear`: empties the profile and deletes the token and secret stores.
    pub fn clear_accounts(&self) -> Result<()> {
        modify_profile(self.dir.path(), |p| {
            p.clear();
            Ok(())
        })?;
        let dir = self.dir.path();
        // Both forms of each store, as az's `logout_all_users` and
        // `logout_all_service_principal` remove them, whichever `core.encrypt_token_cache` says.
        for name in [
            TOKEN_CACHE_FILE,
            TOKEN_CACHE_BIN,
            SERVICE_PRINCIPAL_FILE,
            SERVICE_PRINCIPALS_BIN,
            ADAL_CACHE_FILE,
        ] {
            remove_file(&dir.join(name))?;
        }
        Ok(())
    }
}

/// az's `get_subscription`: the entries named by id or name (case-insensitive), else the
/// default; more than one match is an error.
fn find_in(entries: Vec<Subscription>, subscription: Option<&str>) -> Result<Subscription> {
    if entries.is_empty() {
        return Err(Error::NoAccount(PLEASE_LOGIN.into()));
    }
    let mut found: Vec<Subscription> = entries
        .into_iter()
        .filter(|s| match subscription {
            Some(x) => s.matches(x),
            None => s.is_default(),
        })
        .collect();
    match (found.len(), subscription) {
        (0, Some(x)) => Err(Error::NotFound(format!(
            "Subscription '{x}' not found. Check the spelling and casing and try again."
        ))),
        (0, None) => Err(Error::NoAccount(
            "No subscription found. Run 'az account set' to select a subscription.".into(),
        )),
        (1, _) => Ok(found.remove(0)),
        (_, x) => Err(Error::NotFound(format!(
            "Multiple subscriptions with the name '{}' found. Specify the subscription ID.",
            x.unwrap_or_default()
        ))),
    }
}
