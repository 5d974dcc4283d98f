//! azlogin logs in (and registers the cloud); the real az works on azlogin's files: show, list,
//! get-access-token (cached and refreshed), set, logout and clear, answering what azlogin
//! answers on a copy of the same files.

use crate::harness::*;

/// `azlogin login --use-device-code`, then az show/list/get-access-token/set/logout.
#[test]
fn azlogin_device_code_login_serves_az() {
    let Some(az) = interop() else { return };
    let emu = Emu::start();
    let (side, login) = Side::logged_in(az, &emu, Tool::Azlogin, &["login", "--use-device-code"]);
    assert!(login.stderr.contains("/devicelogin and enter the code "));
    let pair = Pair::split(side);

    let grants_before = emu.grants("refresh_token");
    for args in [
        SHOW,
        &["account", "list"],
        &["account", "list", "--all"],
        TOKEN,
        &["account", "get-access-token", "--tenant", FABRIKAM],
    ] as [&[&str]; 5]
    {
        pair.same(args, Compare::Exact);
    }
    assert_eq!(
        emu.grants("refresh_token"),
        grants_before,
        "served from cache"
    );

    // A refresh by az on azlogin's cache: az's refreshed entries equal azlogin's.
    pair.az.expire_access_tokens();
    pair.azlogin.expire_access_tokens();
    pair.same(TOKEN, Compare::Masked);
    assert_eq!(emu.grants("refresh_token"), grants_before + 2);
    pair.same_files();

    // account set, then show: az writes what azlogin writes.
    pair.same(&["account", "set", "-s", "Contoso Dev"], Compare::Exact);
    pair.same_files();
    let shown = pair.same(SHOW, Compare::Exact).json();
    assert_eq!(shown["name"], "Contoso Dev");
    let clouds = pair.az.read("clouds.config");
    assert!(
        clouds.contains("subscription = c0000001-0000-4000-8000-000000000002"),
        "{clouds}"
    );

    pair.same(&["logout"], Compare::Exact);
    pair.same_files();
    assert_eq!(pair.same(SHOW, Compare::Exact).code, 1);
}

/// `azlogin login -u/-p`, then az reads it and `az account clear` empties it as azlogin does.
#[test]
fn azlogin_password_login_serves_az() {
    let Some(az) = interop() else { return };
    let emu = Emu::start();
    let (side, _) = Side::logged_in(
        az,
        &emu,
        Tool::Azlogin,
        &["login", "-u", USER, "-p", PASSWORD],
    );
    let pair = Pair::split(side);
    for args in [
        SHOW,
        &["account", "list", "-o", "table"],
        TOKEN,
        &["account", "get-access-token", "--tenant", CONTOSO],
    ] as [&[&str]; 4]
    {
        pair.same(args, Compare::Exact);
    }
    // az's own write (a refresh for an uncached resource) lands in azlogin's file intact.
    let other = format!("{}/other", emu.url);
    let other = ["account", "get-access-token", "--resource", other.as_str()];
    pair.same(&other, Compare::Masked);
    pair.same_files();
    let again = pair.az.azlogin(&other).ok().json();
    let first = pair.az.az(&other).ok().json();
    assert_eq!(again, first, "azlogin serves the token az cached");

    pair.same(&["account", "clear"], Compare::Exact);
    pair.same_files();
    let profile = pair.az.read_json("azureProfile.json");
    assert_eq!(profile["subscriptions"], serde_json::json!([]));
    assert_eq!(pair.same(&["account", "list"], Compare::Exact).code, 0);
}
