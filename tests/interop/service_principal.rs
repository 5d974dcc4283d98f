//! Service principals and managed identities shared with the real az: one logged in by azlogin
//! serves `az account get-access-token`, one logged in by az serves `azlogin account
//! get-access-token`; for a secret, a certificate (with and without subject name + issuer), a
//! federated token and `--identity` both print and write the same (service_principal_entries.json,
//! profile, token cache), and each tool's logout removes what the other wrote.

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

/// A wrong secret, a wrong certificate and a missing password: az's messages, word for word,
/// and nothing stored by either tool.
#[test]
fn failed_service_principal_logins_print_what_az_prints() {
    let Some(az) = interop() else { return };
    let emu = apps_emulator();
    let side = Side::new(az, &emu);
    side.register_cloud(Tool::Az, &emu);
    let pair = Pair::split(side);
    let other_cert = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/service-principal/other-cert.pem"
    );
    let wrong_secret = [
        "login",
        "--service-principal",
        "-u",
        APP,
        "-p",
        "nope",
        "--tenant",
        CONTOSO,
    ];
    let wrong_cert = [
        "login",
        "--service-principal",
        "-u",
        CERT_APP,
        "--certificate",
        other_cert,
        "--tenant",
        CONTOSO,
    ];
    let no_password = [
        "login",
        "--service-principal",
        "-u",
        APP,
        "--tenant",
        CONTOSO,
    ];
    for args in [&wrong_secret[..], &wrong_cert[..], &no_password[..]] {
        let run = pair.same(args, Compare::Masked);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
    }
    pair.same(
        &[
            "login",
            "--identity",
            "--client-id",
            "a",
            "--object-id",
            "b",
        ],
        Compare::Exact,
    );
    assert!(!pair.az.path(SP_FILE).exists() && !pair.azlogin.path(SP_FILE).exists());
    pair.same_files();
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

const CERT_APP: &str = "ce570000-0000-4000-8000-00000000c0de";
const FED_APP: &str = "fed00000-0000-4000-8000-00000000c0de";
const MI_CLIENT: &str = "05e00000-0000-4000-8000-0000000000c2";

/// The scenario with every kind of app (tests/scenarios/apps.json).
fn apps_emulator() -> Emu {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/apps.json");
    Emu::with_scenario(Scenario::from_file(std::path::Path::new(path)).expect("apps.json"))
}

/// `tool args…` in `side` with extra environment variables.
fn run_with(side: &Side, tool: Tool, vars: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = side.command(tool, args);
    cmd.envs(vars.iter().copied());
    let out = cmd.output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// az's own certificate assertions (MSAL's) pass the emulator's checks, both tools store the
/// same entry, and each re-signs from the other's stored certificate path.
#[test]
fn certificate_logins_match_az() {
    let Some(az) = interop() else { return };
    let emu = apps_emulator();
    let cert = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/service-principal/cert.pem"
    );
    for extra in [&[][..], &["--use-cert-sn-issuer"][..]] {
        let mut login = vec![
            "login",
            "--service-principal",
            "-u",
            CERT_APP,
            "--certificate",
            cert,
            "--tenant",
            CONTOSO,
        ];
        login.extend_from_slice(extra);
        // Each tool signs a new assertion from the path the other stored.
        both_log_in_alike_and_serve_each_other(az, &emu, &login);
    }
}

/// A federated token: both tools store it as `client_assertion` and use the other's.
#[test]
fn federated_token_logins_match_az() {
    let Some(az) = interop() else { return };
    let emu = apps_emulator();
    let token = crate::common::federated::federated_token(&crate::common::federated::good_claims());
    let login = [
        "login",
        "--service-principal",
        "-u",
        FED_APP,
        "--federated-token",
        &token,
        "--tenant",
        CONTOSO,
    ];
    let azlogin_run = both_log_in_alike_and_serve_each_other(az, &emu, &login);
    assert!(!azlogin_run.stdout.contains(&token) && !azlogin_run.stderr.contains(&token));
}

/// `login` by az in one dir and by azlogin in another: the same output and files; then, with
/// the cached tokens expired, each tool gets a new one from the credential the other stored.
/// Returns azlogin's login run.
fn both_log_in_alike_and_serve_each_other(az: &std::path::Path, emu: &Emu, login: &[&str]) -> Run {
    let (by_az, az_run) = Side::logged_in(az, emu, Tool::Az, login);
    let (by_azlogin, azlogin_run) = Side::logged_in(az, emu, Tool::Azlogin, login);
    assert_eq!(mask(&az_run.stdout), mask(&azlogin_run.stdout), "{login:?}");
    assert_eq!(by_az.read(SP_FILE), by_azlogin.read(SP_FILE), "{login:?}");
    same_files(&by_az, &by_azlogin);
    let grants = emu.grants("client_credentials");
    by_az.expire_access_tokens();
    by_azlogin.expire_access_tokens();
    by_az.azlogin(TOKEN).ok();
    by_azlogin.az(TOKEN).ok();
    assert_eq!(emu.grants("client_credentials"), grants + 2);
    azlogin_run
}

/// `login --identity` from each source the environment can name (IMDS at the address
/// AZURE_POD_IDENTITY_AUTHORITY_HOST gives, App Service, Machine Learning, Service Fabric): az
/// and azlogin pick the same source, print and store the same entries
/// (`user.assignedIdentityInfo` included) and serve each other's login.
#[test]
fn managed_identity_logins_match_az() {
    let Some(az) = interop() else { return };
    let emu = apps_emulator();
    let url = emu.url.trim_end_matches('/').to_string();
    let (app_service, machine_learning, service_fabric) = (
        format!("{url}/msi/token"),
        format!("{url}/msi/auth"),
        format!("{url}/servicefabric/token"),
    );
    let thumbprint = emu
        .emulator
        .server_thumbprint()
        .expect("the emulator serves TLS");
    let sources: [(&str, Vec<(&str, &str)>); 4] = [
        (
            "imds",
            vec![("AZURE_POD_IDENTITY_AUTHORITY_HOST", emu.url.as_str())],
        ),
        (
            "app_service",
            vec![
                ("IDENTITY_ENDPOINT", app_service.as_str()),
                ("IDENTITY_HEADER", "app-service-header-value"),
            ],
        ),
        (
            "machine_learning",
            vec![
                ("MSI_ENDPOINT", machine_learning.as_str()),
                ("MSI_SECRET", "machine-learning-secret"),
            ],
        ),
        (
            "service_fabric",
            vec![
                ("IDENTITY_ENDPOINT", service_fabric.as_str()),
                ("IDENTITY_HEADER", "service-fabric-secret"),
                // The emulator's own certificate: both tools trust it by this alone.
                ("IDENTITY_SERVER_THUMBPRINT", thumbprint),
            ],
        ),
    ];
    for (source, vars) in &sources {
        let logins: &[&[&str]] = if *source == "service_fabric" {
            // The cluster names the identity; a user-assigned id is not the caller's to pick.
            &[&["login", "--identity"]]
        } else {
            &[
                &["login", "--identity"],
                &["login", "--identity", "--client-id", MI_CLIENT],
            ]
        };
        for login in logins {
            let login: &[&str] = login;
            let vars = vars.as_slice();
            let sides: Vec<(Side, Run)> = [Tool::Az, Tool::Azlogin]
                .into_iter()
                .map(|tool| {
                    let side = Side::new(az, &emu);
                    side.register_cloud(tool, &emu);
                    let run = run_with(&side, tool, vars, login);
                    (side, run.ok())
                })
                .collect();
            let [(by_az, az_run), (by_azlogin, azlogin_run)] = &sides[..] else {
                unreachable!("two sides")
            };
            assert_eq!(az_run.stdout, azlogin_run.stdout, "{source} {login:?}");
            assert_eq!(az_run.stderr, azlogin_run.stderr, "{source} {login:?}");
            same_files(by_az, by_azlogin);
            // Each tool gets a token for the other's managed identity login.
            let from_az = run_with(by_az, Tool::Azlogin, vars, TOKEN).ok().json();
            let from_azlogin = run_with(by_azlogin, Tool::Az, vars, TOKEN).ok().json();
            assert_eq!(from_az["tenant"], from_azlogin["tenant"]);
            assert_eq!(from_az["subscription"], from_azlogin["subscription"]);
        }
    }
}
