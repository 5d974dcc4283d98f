//! Service principals shared with the real az: one logged in by azlogin serves
//! `az account get-access-token`, one logged in by az serves `azlogin account get-access-token`,
//! both write the same service_principal_entries.json, profile and token cache, and each
//! tool's logout removes what the other wrote.

use azlogin::emulator::{Scenario, ServicePrincipal};

use crate::harness::*;

const APP: &str = "5a1e0000-0000-4000-8000-00000000c0de";
const SECRET: &str = "sp-s3cret~value";
const SP_FILE: &str = "service_principal_entries.json";

fn emulator() -> Emu {
    let mut scenario = Scenario::default_scenario();
    scenario.service_principals.push(ServicePrincipal {
        client_id: APP.into(),
        secret: SECRET.into(),
        tenant: CONTOSO.into(),
        object_id: None,
        certificates: Vec::new(),
        trusted_subjects: Vec::new(),
        federated_credentials: Vec::new(),
    });
    Emu::with_scenario(scenario)
}

const LOGIN: &[&str] = &[
    "login",
    "--service-principal",
    "-u",
    APP,
    "-p",
    SECRET,
    "--tenant",
    CONTOSO,
];

/// The cached app-only access token's secret.
fn cached_token(side: &Side) -> String {
    let cache = side.read_json("msal_token_cache.json");
    let ats = cache["AccessToken"].as_object().expect("AccessToken");
    assert_eq!(ats.len(), 1, "one app-only token");
    ats.values()
        .next()
        .and_then(|at| at["secret"].as_str())
        .expect("secret")
        .to_string()
}

#[test]
fn both_tools_write_the_same_files_for_a_service_principal() {
    let Some(az) = interop() else { return };
    let emu = emulator();
    let (by_az, az_run) = Side::logged_in(az, &emu, Tool::Az, LOGIN);
    let (by_azlogin, azlogin_run) = Side::logged_in(az, &emu, Tool::Azlogin, LOGIN);
    assert_eq!(mask(&az_run.stdout), mask(&azlogin_run.stdout));
    assert_eq!(az_run.stderr, azlogin_run.stderr);
    assert!(!azlogin_run.stdout.contains(SECRET) && !azlogin_run.stderr.contains(SECRET));
    // Byte for byte: the list, its indent and key order, no newline at the end.
    assert_eq!(by_az.read(SP_FILE), by_azlogin.read(SP_FILE));
    let mode = |side: &Side| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(side.path(SP_FILE))
            .expect("written")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&by_az), mode(&by_azlogin));
    same_files(&by_az, &by_azlogin);
}

#[test]
fn a_service_principal_logged_in_by_azlogin_serves_az() {
    let Some(az) = interop() else { return };
    let emu = emulator();
    let (side, _) = Side::logged_in(az, &emu, Tool::Azlogin, LOGIN);
    let cached = cached_token(&side);
    let grants = emu.grants("client_credentials");
    let token = side.az(TOKEN).ok().json();
    assert_eq!(
        token["accessToken"], cached,
        "az served azlogin's cached token"
    );
    assert_eq!(token["tenant"], CONTOSO);
    assert_eq!(emu.grants("client_credentials"), grants);
    // Expired: az asks again with the secret azlogin stored.
    side.expire_access_tokens();
    let fresh = side.az(TOKEN).ok().json();
    assert_ne!(fresh["accessToken"], cached);
    assert_eq!(emu.grants("client_credentials"), grants + 1);
    // az's logout forgets what azlogin stored.
    side.az(&["logout"]).ok();
    assert_eq!(side.read(SP_FILE), "[]");
    let after = side.azlogin(TOKEN);
    assert_eq!(after.code, 1);
}

#[test]
fn a_service_principal_logged_in_by_az_serves_azlogin() {
    let Some(az) = interop() else { return };
    let emu = emulator();
    let (side, _) = Side::logged_in(az, &emu, Tool::Az, LOGIN);
    let pair = Pair::split(side);
    std::fs::copy(pair.az.path(SP_FILE), pair.azlogin.path(SP_FILE)).expect("copy SP file");
    let cached = cached_token(&pair.az);
    let grants = emu.grants("client_credentials");
    // From az's cache, printed exactly as az prints it.
    let token = pair.same(TOKEN, Compare::Exact).json();
    assert_eq!(token["accessToken"], cached);
    assert_eq!(emu.grants("client_credentials"), grants);
    pair.same(SHOW, Compare::Exact);
    // Expired: azlogin asks again with az's stored secret and writes what az writes.
    pair.az.expire_access_tokens();
    pair.azlogin.expire_access_tokens();
    let fresh = pair.same(TOKEN, Compare::Masked).json();
    assert_ne!(fresh["accessToken"], cached);
    assert_eq!(emu.grants("client_credentials"), grants + 2);
    pair.same_files();
    // azlogin's logout leaves what az's logout leaves.
    pair.same(&["logout"], Compare::Exact);
    pair.same_files();
    assert_eq!(pair.az.read(SP_FILE), pair.azlogin.read(SP_FILE));
}
