//! WAM, the Windows Web Account Manager: az's default interactive login on Windows
//! (`core.enable_broker_on_windows`, on unless set off), which azlogin does not use yet. This
//! module decides what azlogin says about it, sans I/O: the notice before a browser login, and
//! the error for an account the broker signed in once its cached access token has expired.
//!
//! How MSAL marks a broker login in the token cache (`msal/application.py`
//! `_process_broker_response`, `msal/token_cache.py`): the account entry gets
//! `"account_source": "broker"` and the access token and ID token are stored as for any login,
//! but no refresh token: the broker keeps it. So such an account's tokens can be served from
//! the cache until they expire, and never refreshed without the broker.

use crate::error::{Error, Result};
use crate::token_cache::{TokenCache, section};

/// What MSAL writes as `account_source` for an account the broker signed in.
pub const BROKER_ACCOUNT_SOURCE: &str = "broker";

/// The line a browser login prints where az would use WAM.
pub const BROKER_NOT_USED: &str = "azlogin does not use the Windows Web Account Manager (WAM); signing in with the browser instead. To silence this message, run `az config set core.enable_broker_on_windows=false`.";

/// The notice for an interactive login: [`BROKER_NOT_USED`] on a platform with a broker
/// (`broker_platform`, Windows) while `core.enable_broker_on_windows` is on. The setting is read
/// only there, so a bad value fails a login only where az would read it too.
pub fn broker_notice(
    broker_platform: bool,
    enable_broker_on_windows: impl FnOnce() -> Result<bool>,
) -> Result<Option<&'static str>> {
    if !broker_platform {
        return Ok(None);
    }
    Ok(enable_broker_on_windows()?.then_some(BROKER_NOT_USED))
}

/// Whether the account `home_account_id` in `environment` was signed in by the broker and the
/// cache has no refresh token for it (none of its own, none of the family), so only the broker
/// could renew its tokens.
pub fn held_by_broker(
    cache: &TokenCache,
    home_account_id: &str,
    environment: &str,
    client_id: &str,
) -> bool {
    let from_broker = cache.entries(section::ACCOUNT).any(|(_, e)| {
        let text = |k: &str| e.get(k).and_then(|v| v.as_str());
        text("home_account_id") == Some(home_account_id)
            && text("environment").is_some_and(|v| v.eq_ignore_ascii_case(environment))
            && text("account_source") == Some(BROKER_ACCOUNT_SOURCE)
    });
    from_broker
        && cache
            .refresh_token_candidates(home_account_id, environment, client_id)
            .is_empty()
}

/// The error for a token the cache cannot give any more for an account the broker holds:
/// `interaction_required`, naming the account, why, and what to run.
pub fn broker_token_expired(username: &str, tenant: &str, scopes: &[String]) -> Error {
    Error::InteractionRequired {
        message: format!(
            "The cached access token of '{username}' has expired, and it cannot be refreshed here: az signed this account in through the Windows Web Account Manager (WAM), which keeps the refresh token, and azlogin does not use WAM. Run `azlogin login --tenant \"{tenant}\"` to sign in with the browser (the refresh token then lands in the token cache), or run `az account get-access-token` to let az ask WAM."
        ),
        recommendation: format!(
            "Run the command below to sign in with the browser and keep the refresh token in the token cache:\nazlogin login --tenant \"{tenant}\"{}",
            scope_arguments(scopes)
        ),
        server: None,
    }
}

/// ` --scope "a" "b"` for non-default scopes, as az's recommendation spells them.
fn scope_arguments(scopes: &[String]) -> String {
    if scopes.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = scopes.iter().map(|s| format!("\"{s}\"")).collect();
    format!(" --scope {}", quoted.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cache MSAL writes after a broker login: the account marked `broker`, an access
    /// token and an ID token, no refresh token.
    const BROKER_CACHE: &str = r#"{
    "AccessToken": {
        "uid.utid-login.microsoftonline.com-accesstoken-04b07795-8ddb-461a-bbee-02f9e1bf7b46-tenant-https://management.core.windows.net//.default": {
            "credential_type": "AccessToken",
            "secret": "at",
            "home_account_id": "uid.utid",
            "environment": "login.microsoftonline.com",
            "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
            "target": "https://management.core.windows.net//.default",
            "realm": "tenant",
            "token_type": "Bearer",
            "cached_at": "1000",
            "expires_on": "4600",
            "extended_expires_on": "4600"
        }
    },
    "Account": {
        "uid.utid-login.microsoftonline.com-tenant": {
            "home_account_id": "uid.utid",
            "environment": "login.microsoftonline.com",
            "realm": "tenant",
            "local_account_id": "uid",
            "username": "user@example.com",
            "authority_type": "MSSTS",
            "account_source": "broker"
        }
    }
}"#;

    const CLIENT: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    const ENV: &str = "login.microsoftonline.com";

    fn cache(text: &str) -> TokenCache {
        match TokenCache::parse(text.as_bytes()) {
            Ok(c) => c,
            Err(e) => panic!("fixture: {e}"),
        }
    }

    #[test]
    fn a_broker_account_without_a_refresh_token_is_held_by_the_broker() {
        let c = cache(BROKER_CACHE);
        assert!(held_by_broker(&c, "uid.utid", ENV, CLIENT));
        assert!(held_by_broker(
            &c,
            "uid.utid",
            "LOGIN.microsoftonline.com",
            CLIENT
        ));
        assert!(!held_by_broker(&c, "other.utid", ENV, CLIENT));
        assert!(!held_by_broker(
            &c,
            "uid.utid",
            "login.chinacloudapi.cn",
            CLIENT
        ));
    }

    #[test]
    fn a_browser_login_or_a_refresh_token_is_not_the_brokers() {
        let browser = BROKER_CACHE.replace("\"broker\"", "\"authorization_code\"");
        assert!(!held_by_broker(&cache(&browser), "uid.utid", ENV, CLIENT));
        let with_rt = BROKER_CACHE.replacen(
            "\"Account\": {",
            r#""RefreshToken": {
        "uid.utid-login.microsoftonline.com-refreshtoken-04b07795-8ddb-461a-bbee-02f9e1bf7b46--": {
            "credential_type": "RefreshToken",
            "secret": "rt",
            "home_account_id": "uid.utid",
            "environment": "login.microsoftonline.com",
            "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
            "target": "https://management.core.windows.net//.default"
        }
    },
    "Account": {"#,
            1,
        );
        assert!(!held_by_broker(&cache(&with_rt), "uid.utid", ENV, CLIENT));
    }

    #[test]
    fn the_notice_is_for_broker_platforms_with_the_setting_on() -> Result<()> {
        assert_eq!(broker_notice(true, || Ok(true))?, Some(BROKER_NOT_USED));
        assert_eq!(broker_notice(true, || Ok(false))?, None);
        let unread = || -> Result<bool> { panic!("the setting was read off Windows") };
        assert_eq!(broker_notice(false, unread)?, None);
        let bad = broker_notice(true, || Err(Error::Config("bad value".into())));
        assert_eq!(bad.err().map(|e| e.code()), Some("config_error"));
        assert!(BROKER_NOT_USED.contains("az config set core.enable_broker_on_windows=false"));
        assert!(!BROKER_NOT_USED.contains('\n'), "one line");
        Ok(())
    }

    #[test]
    fn the_expired_token_error_names_the_account_the_reason_and_the_command() {
        let e = broker_token_expired("user@example.com", "tenant", &[]);
        assert_eq!(e.code(), "interaction_required");
        let text = e.to_string();
        for part in [
            "'user@example.com'",
            "WAM",
            "refresh token",
            "azlogin login --tenant \"tenant\"",
        ] {
            assert!(text.contains(part), "{part}: {text}");
        }
        assert_eq!(
            e.recommendation().as_deref(),
            Some(
                "Run the command below to sign in with the browser and keep the refresh token in the token cache:\nazlogin login --tenant \"tenant\""
            )
        );
        let scoped = broker_token_expired("u", "t", &["https://vault.azure.net/.default".into()]);
        assert!(
            scoped.recommendation().is_some_and(
                |r| r.ends_with("--tenant \"t\" --scope \"https://vault.azure.net/.default\"")
            ),
            "{:?}",
            scoped.recommendation()
        );
    }
}
