//! az logs in; azlogin serves the login: the account commands answer what az answers on the same
//! files, tokens come from az's cache, a forced refresh writes what az would, and logout leaves
//! the files as az's logout does.

use crate::harness::*;

/// `az login -u/-p`, then every read-only account command by both tools on copies of az's dir.
#[test]
fn az_password_login_serves_azlogin() {
    let Some(az) = interop() else { return };
    let emu = Emu::start();
    let (side, _) = Side::logged_in(az, &emu, Tool::Az, &["login", "-u", USER, "-p", PASSWORD]);
    let pair = Pair::split(side);

    // From the cache: the same bytes, tokens included, and no token request.
    let grants_before = emu.grants("refresh_token") + emu.grants("password");
    for args in [
        SHOW,
        &["account", "show", "-s", "Contoso Dev"],
        &["account", "list"],
        &["account", "list", "--all", "-o", "table"],
        &["account", "list", "--query", "[].name", "-o", "tsv"],
        TOKEN,
        &["account", "get-access-token", "--tenant", FABRIKAM],
        &[
            "account",
            "get-access-token",
            "-s",
            "c0000001-0000-4000-8000-000000000002",
        ],
        &["account", "show", "-s", "nope"],
    ] as [&[&str]; 9]
    {
        pair.same(args, Compare::Exact);
    }
    assert_eq!(
        emu.grants("refresh_token") + emu.grants("password"),
        grants_before,
        "cached tokens served both"
    );
    let served = pair.azlogin.azlogin(TOKEN).ok().json();
    let cache = pair.az.read("msal_token_cache.json");
    let token = served["accessToken"].as_str().expect("accessToken");
    assert!(
        cache.contains(&format!("\"secret\": \"{token}\"")),
        "azlogin returned az's cached access token"
    );
    pair.same_files();

    // Forced refresh: both refresh once, write the same entries, and az then serves azlogin's.
    pair.az.expire_access_tokens();
    pair.azlogin.expire_access_tokens();
    let before = emu.grants("refresh_token");
    let refreshed = pair.same(TOKEN, Compare::Masked).json();
    assert_eq!(
        emu.grants("refresh_token"),
        before + 2,
        "each tool refreshed"
    );
    assert_ne!(refreshed["accessToken"].as_str(), Some(token));
    pair.same_files();
    let by_azlogin = pair.azlogin.azlogin(TOKEN).ok().json();
    let by_az = pair.azlogin.az(TOKEN).ok().json();
    assert_eq!(by_az, by_azlogin, "az serves the token azlogin refreshed");
    // Another resource is not cached: both refresh for it and store it the same way.
    let other = format!("{}/other", emu.url);
    pair.same(
        &["account", "get-access-token", "--resource", &other],
        Compare::Masked,
    );
    assert_eq!(emu.grants("refresh_token"), before + 4);
    pair.same_files();

    // Logout: same output, same files; afterwards both see no account.
    pair.same(&["logout"], Compare::Exact);
    pair.same_files();
    let cache = pair.azlogin.read_json("msal_token_cache.json");
    for (kind, n) in entry_counts(&cache) {
        if kind != "AppMetadata" {
            assert_eq!(n, 0, "{kind} entries left after logout");
        }
    }
    let none = pair.same(SHOW, Compare::Exact);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("az login"), "{none:?}");
}

/// `az login --use-device-code` (the emulator approves the code), then azlogin on az's files.
#[test]
fn az_device_code_login_serves_azlogin() {
    let Some(az) = interop() else { return };
    let emu = Emu::start();
    let (side, login) = Side::logged_in(az, &emu, Tool::Az, &["login", "--use-device-code"]);
    assert!(
        login.stderr.contains(&format!(
            "To sign in, use a web browser to open the page {}/devicelogin and enter the code ",
            emu.url
        )),
        "{login:?}"
    );
    assert!(emu.grants("urn:ietf:params:oauth:grant-type:device_code") >= 2);
    let pair = Pair::split(side);
    for args in [
        SHOW,
        &["account", "list"],
        TOKEN,
        &["account", "get-access-token", "--tenant", FABRIKAM],
    ] as [&[&str]; 4]
    {
        pair.same(args, Compare::Exact);
    }
    let cache = pair.az.read_json("msal_token_cache.json");
    let account = cache["Account"]
        .as_object()
        .and_then(|m| m.values().next())
        .expect("an account");
    assert_eq!(
        account["account_source"],
        "urn:ietf:params:oauth:grant-type:device_code"
    );
    pair.az.expire_access_tokens();
    pair.azlogin.expire_access_tokens();
    let before = emu.grants("refresh_token");
    pair.same(TOKEN, Compare::Masked);
    assert_eq!(emu.grants("refresh_token"), before + 2);
    pair.same_files();
    pair.same(&["logout", "--username", USER], Compare::Exact);
    pair.same_files();
}
