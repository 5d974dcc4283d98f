//! `login --identity` over real sockets against the emulator's managed identity endpoints: IMDS
//! (address from AZURE_POD_IDENTITY_AUTHORITY_HOST), App Service (IDENTITY_ENDPOINT +
//! IDENTITY_HEADER), Machine Learning (MSI_ENDPOINT + MSI_SECRET), Service Fabric (App Service's
//! variables + IDENTITY_SERVER_THUMBPRINT) and Azure Arc (IDENTITY_ENDPOINT + IMDS_ENDPOINT, the
//! key file in a temporary AZLOGIN_ARC_KEY_DIR); the profile's `user` and `assignedIdentityInfo`
//! as az writes them, nothing in the token cache, and get-access-token.

mod common;

use azlogin::emulator::{ArcSettings, ManagedIdentity, ManagedIdentitySettings, Scenario};
use common::*;
use serde_json::json;

const SYSTEM_CLIENT: &str = "51500000-0000-4000-8000-0000000000c1";
const SYSTEM_OBJECT: &str = "51500000-0000-4000-8000-0000000000b1";
const USER_CLIENT: &str = "05e00000-0000-4000-8000-0000000000c2";
const USER_OBJECT: &str = "05e00000-0000-4000-8000-0000000000b2";
const USER_RESOURCE: &str = "/subscriptions/c0000001-0000-4000-8000-000000000001/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1";
const EMPTY_CLIENT: &str = "e0000000-0000-4000-8000-0000000000c3";
const IDENTITY_HEADER: &str = "app-service-header-value";
const MSI_SECRET: &str = "machine-learning-secret";
const FABRIC_SECRET: &str = "service-fabric-secret";

fn scenario() -> Scenario {
    let mut s = Scenario::default_scenario();
    s.managed_identity = ManagedIdentitySettings {
        identities: vec![
            ManagedIdentity {
                tenant: CONTOSO.into(),
                system_assigned: true,
                client_id: SYSTEM_CLIENT.into(),
                object_id: SYSTEM_OBJECT.into(),
                resource_id: None,
            },
            ManagedIdentity {
                tenant: CONTOSO.into(),
                system_assigned: false,
                client_id: USER_CLIENT.into(),
                object_id: USER_OBJECT.into(),
                resource_id: Some(USER_RESOURCE.into()),
            },
            ManagedIdentity {
                tenant: FABRIKAM.into(),
                system_assigned: false,
                client_id: EMPTY_CLIENT.into(),
                object_id: "e0000000-0000-4000-8000-0000000000b3".into(),
                resource_id: None,
            },
        ],
        identity_header: Some(IDENTITY_HEADER.into()),
        msi_secret: Some(MSI_SECRET.into()),
        service_fabric_secret: Some(FABRIC_SECRET.into()),
        arc: None,
    };
    s
}

/// The scenario with an Arc agent writing its key files into `key_dir`.
fn arc_scenario(key_dir: &std::path::Path, realm_prefix: Option<&str>, key_len: usize) -> Scenario {
    let mut s = scenario();
    s.managed_identity.arc = Some(ArcSettings {
        key_dir: key_dir.display().to_string(),
        realm_prefix: realm_prefix.map(str::to_string),
        key_len,
        ignores_user_assigned: false,
    });
    s
}

fn imds(env: &TestEnv) -> Vec<(&'static str, String)> {
    vec![("AZURE_POD_IDENTITY_AUTHORITY_HOST", env.url())]
}

fn identity_requests(env: &TestEnv, path: &str) -> Vec<azlogin::emulator::LoggedRequest> {
    env.emulator
        .request_log()
        .into_iter()
        .filter(|r| r.path == path)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn imds_system_assigned_login_writes_az_s_user() {
    let env = TestEnv::with_scenario(scenario()).await;
    let run = env
        .run_with_env(&imds(&env), &["login", "--identity"])
        .await
        .ok();
    assert_eq!(run.stderr, "");
    let out = run.json();
    let entries = out.as_array().expect("list");
    assert_eq!(entries.len(), 2, "{out}");
    for e in entries {
        assert_eq!(
            e["user"],
            json!({"name": "systemAssignedIdentity", "type": "servicePrincipal", "assignedIdentityInfo": "MSI"})
        );
        assert_eq!(e["tenantId"], CONTOSO);
        assert!(e.get("tenantDisplayName").is_none());
        // az prints these entries before its `cloudName` renaming.
        assert_eq!(e["environmentName"], CLOUD);
        assert!(e.get("cloudName").is_none());
    }
    let profile = env.read_json("azureProfile.json");
    let stored = profile["subscriptions"][0].as_object().expect("entry");
    let keys: Vec<&str> = stored.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "state",
            "user",
            "isDefault",
            "tenantId",
            "environmentName",
            "homeTenantId",
            "managedByTenants"
        ]
    );
    let user_keys: Vec<&str> = stored["user"]
        .as_object()
        .expect("user")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(user_keys, ["name", "type", "assignedIdentityInfo"]);
    // az keeps managed identity tokens in memory only.
    assert!(!env.path("msal_token_cache.json").exists());
    assert!(!env.path("service_principal_entries.json").exists());
    let calls = identity_requests(&env, "/metadata/identity/oauth2/token");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].client_id.as_deref(), Some(SYSTEM_CLIENT));

    let token = env
        .run_with_env(&imds(&env), &["account", "get-access-token"])
        .await
        .ok()
        .json();
    assert_eq!(token["tenant"], CONTOSO);
    assert_eq!(token["tokenType"], "Bearer");
    let claims = azlogin::emulator::jwt_claims(token["accessToken"].as_str().unwrap_or_default())
        .expect("a JWT");
    assert_eq!(claims["oid"], SYSTEM_OBJECT);
    assert_eq!(claims["aud"], format!("{}/", env.url()));
    assert_eq!(
        identity_requests(&env, "/metadata/identity/oauth2/token").len(),
        2
    );

    // az's scopes_to_resource: the first scope, its suffix stripped.
    let graph = env
        .run_with_env(
            &imds(&env),
            &[
                "account",
                "get-access-token",
                "--scope",
                "https://graph.example/user_impersonation",
                "https://other.example/.default",
            ],
        )
        .await
        .ok()
        .json();
    let claims = azlogin::emulator::jwt_claims(graph["accessToken"].as_str().unwrap_or_default())
        .expect("a JWT");
    assert_eq!(claims["aud"], "https://graph.example");
    let other = env
        .run_with_env(
            &imds(&env),
            &["account", "get-access-token", "--tenant", FABRIKAM],
        )
        .await;
    assert_eq!(
        (other.code, other.stderr.as_str()),
        (
            1,
            &*format!(
                "ERROR: For managed identity account, getting access token for non-current tenants is not supported. The specified tenant must be the current tenant {CONTOSO}\n"
            )
        )
    );
    // Logout by the identity's user name, as az does.
    env.run_with_env(&imds(&env), &["logout"]).await.ok();
    assert_eq!(
        env.read_json("azureProfile.json")["subscriptions"],
        json!([])
    );
}

/// Each way of naming the user-assigned identity: the flag, its value, and the
/// `assignedIdentityInfo` az records for it.
fn user_assigned_ids() -> [(&'static str, &'static str, String); 3] {
    [
        (
            "--client-id",
            USER_CLIENT,
            format!("MSIClient-{USER_CLIENT}"),
        ),
        (
            "--object-id",
            USER_OBJECT,
            format!("MSIObject-{USER_OBJECT}"),
        ),
        (
            "--resource-id",
            USER_RESOURCE,
            format!("MSIResource-{USER_RESOURCE}"),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn user_assigned_identities_by_each_id() {
    let env = TestEnv::with_scenario(scenario()).await;
    for (flag, id, info) in user_assigned_ids() {
        let out = env
            .run_with_env(&imds(&env), &["login", "--identity", flag, id])
            .await
            .ok()
            .json();
        assert_eq!(
            out[0]["user"],
            json!({"name": "userAssignedIdentity", "type": "servicePrincipal", "assignedIdentityInfo": info}),
            "{flag}"
        );
        let last = identity_requests(&env, "/metadata/identity/oauth2/token");
        assert_eq!(
            last.last().and_then(|r| r.client_id.as_deref()),
            Some(USER_CLIENT)
        );
        // get-access-token asks for the same identity again.
        env.run_with_env(&imds(&env), &["account", "get-access-token"])
            .await
            .ok();
        let last = identity_requests(&env, "/metadata/identity/oauth2/token");
        assert_eq!(
            last.last().and_then(|r| r.client_id.as_deref()),
            Some(USER_CLIENT)
        );
    }
    let unknown = env
        .run_with_env(
            &imds(&env),
            &["login", "--identity", "--client-id", "nobody"],
        )
        .await
        .failed();
    assert!(
        unknown.stderr.starts_with("ERROR: Identity not found\n"),
        "{unknown:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn app_service_endpoint_with_its_header() {
    let env = TestEnv::with_scenario(scenario()).await;
    let app_service = |header: &str| {
        vec![
            ("IDENTITY_ENDPOINT", format!("{}/msi/token", env.url())),
            ("IDENTITY_HEADER", header.to_string()),
        ]
    };
    let run = env
        .run_with_env(&app_service(IDENTITY_HEADER), &["login", "--identity"])
        .await
        .ok();
    assert!(!run.stdout.contains(IDENTITY_HEADER) && !run.stderr.contains(IDENTITY_HEADER));
    assert_eq!(run.json()[0]["user"]["assignedIdentityInfo"], "MSI");
    assert_eq!(identity_requests(&env, "/msi/token").len(), 1);
    assert!(identity_requests(&env, "/metadata/identity/oauth2/token").is_empty());
    env.run_with_env(
        &app_service(IDENTITY_HEADER),
        &["account", "get-access-token"],
    )
    .await
    .ok();
    let wrong = env
        .run_with_env(&app_service("wrong"), &["login", "--identity"])
        .await
        .failed();
    assert!(
        wrong
            .stderr
            .starts_with("ERROR: The X-IDENTITY-HEADER is missing or wrong.\n"),
        "{wrong:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn msi_endpoint_with_its_secret() {
    let env = TestEnv::with_scenario(scenario()).await;
    let vars = vec![
        ("MSI_ENDPOINT", format!("{}/msi/auth", env.url())),
        ("MSI_SECRET", MSI_SECRET.to_string()),
    ];
    let run = env
        .run_with_env(&vars, &["login", "--identity", "--client-id", USER_CLIENT])
        .await
        .ok();
    assert!(!run.stdout.contains(MSI_SECRET) && !run.stderr.contains(MSI_SECRET));
    assert_eq!(
        run.json()[0]["user"]["assignedIdentityInfo"],
        format!("MSIClient-{USER_CLIENT}")
    );
    let calls = identity_requests(&env, "/msi/auth");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].client_id.as_deref(), Some(USER_CLIENT));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_identity_without_subscriptions_gets_az_s_message() {
    let env = TestEnv::with_scenario(scenario()).await;
    let run = env
        .run_with_env(
            &imds(&env),
            &["login", "--identity", "--client-id", EMPTY_CLIENT],
        )
        .await;
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            1,
            "ERROR: No access was configured for the managed identity, hence no subscriptions were found. If this is expected, use '--allow-no-subscriptions' to have tenant level access.\n"
        )
    );
    let run = env
        .run_with_env(
            &imds(&env),
            &[
                "login",
                "--identity",
                "--client-id",
                EMPTY_CLIENT,
                "--allow-no-subscriptions",
            ],
        )
        .await
        .ok();
    let out = run.json();
    assert_eq!(out[0]["id"], FABRIKAM);
    assert_eq!(out[0]["name"], "N/A(tenant level account)");
    assert_eq!(
        out[0]["user"]["assignedIdentityInfo"],
        format!("MSIClient-{EMPTY_CLIENT}")
    );
}

/// Service Fabric's variables for the (TLS) emulator: its certificate's thumbprint, and its CA
/// for the ARM calls of a login (the endpoint itself is trusted by the thumbprint alone).
fn service_fabric(env: &TestEnv, secret: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "IDENTITY_ENDPOINT",
            format!("{}/servicefabric/token", env.url()),
        ),
        ("IDENTITY_HEADER", secret.to_string()),
        ("IDENTITY_SERVER_THUMBPRINT", thumbprint(env)),
        ("REQUESTS_CA_BUNDLE", env.ca_path().display().to_string()),
    ]
}

/// The emulator's certificate thumbprint, upper-case with colons, as hosts often write it.
fn thumbprint(env: &TestEnv) -> String {
    let hex = env
        .emulator
        .server_thumbprint()
        .expect("a TLS emulator")
        .to_ascii_uppercase();
    hex.as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

/// `vars` with `name` replaced by `value`, or removed.
fn with_var(
    vars: &[(&'static str, String)],
    name: &'static str,
    value: Option<String>,
) -> Vec<(&'static str, String)> {
    let mut out: Vec<_> = vars.iter().filter(|(k, _)| *k != name).cloned().collect();
    out.extend(value.map(|v| (name, v)));
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn service_fabric_trusts_its_endpoint_by_the_thumbprint_alone() {
    if skipped_under_wine(WINE_TLS) {
        return;
    }
    let env = TestEnv::with_options(scenario(), true).await;
    let vars = service_fabric(&env, FABRIC_SECRET);
    env.run_with_env(&vars, &["login", "--identity"]).await.ok();
    let asked = identity_requests(&env, "/servicefabric/token").len();

    // Without the CA bundle the endpoint is still trusted: by its certificate's thumbprint.
    let no_ca = with_var(&vars, "REQUESTS_CA_BUNDLE", None);
    env.run_with_env(&no_ca, &["account", "get-access-token"])
        .await
        .ok();
    assert_eq!(
        identity_requests(&env, "/servicefabric/token").len(),
        asked + 1
    );

    // Another thumbprint: refused during the handshake, even with the CA trusted, so the
    // request (and its Secret header) never reaches the endpoint.
    let other = with_var(&vars, "IDENTITY_SERVER_THUMBPRINT", Some("00".repeat(20)));
    let refused = env
        .run_with_env(&other, &["account", "get-access-token"])
        .await
        .failed();
    assert!(
        refused.stderr.contains("IDENTITY_SERVER_THUMBPRINT"),
        "{refused:?}"
    );
    assert!(!refused.stderr.contains(FABRIC_SECRET));
    assert_eq!(
        identity_requests(&env, "/servicefabric/token").len(),
        asked + 1
    );

    // A thumbprint that is not 40 hex digits, and an endpoint that is not https.
    let malformed = with_var(
        &vars,
        "IDENTITY_SERVER_THUMBPRINT",
        Some("0123456789ABCDEF".into()),
    );
    let bad = env
        .run_with_env(&malformed, &["account", "get-access-token"])
        .await;
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (
            1,
            "ERROR: IDENTITY_SERVER_THUMBPRINT must be a SHA-1 certificate thumbprint: 40 hexadecimal digits.\n"
        )
    );
    let plain = with_var(
        &vars,
        "IDENTITY_ENDPOINT",
        Some(format!(
            "http://127.0.0.1:{}/servicefabric/token",
            env.emulator.port()
        )),
    );
    let bad = env
        .run_with_env(&plain, &["account", "get-access-token"])
        .await
        .failed();
    assert!(
        bad.stderr
            .starts_with("ERROR: The Service Fabric managed identity endpoint must be https"),
        "{bad:?}"
    );
    assert_eq!(
        identity_requests(&env, "/servicefabric/token").len(),
        asked + 1
    );
}

fn system_assigned_user() -> serde_json::Value {
    json!({"name": "systemAssignedIdentity", "type": "servicePrincipal", "assignedIdentityInfo": "MSI"})
}

#[tokio::test(flavor = "multi_thread")]
async fn service_fabric_wins_over_app_service_and_ignores_user_assigned_ids() {
    if skipped_under_wine(WINE_TLS) {
        return;
    }
    let env = TestEnv::with_options(scenario(), true).await;
    let vars = service_fabric(&env, FABRIC_SECRET);
    let run = env.run_with_env(&vars, &["login", "--identity"]).await.ok();
    assert_eq!(run.stderr, "");
    assert!(!run.stdout.contains(FABRIC_SECRET));
    let out = run.json();
    assert_eq!(out.as_array().map(Vec::len), Some(2), "{out}");
    for e in out.as_array().into_iter().flatten() {
        assert_eq!(e["user"], system_assigned_user());
        assert_eq!(e["tenantId"], CONTOSO);
    }
    let calls = identity_requests(&env, "/servicefabric/token");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].client_id.as_deref(), Some(SYSTEM_CLIENT));
    assert!(identity_requests(&env, "/msi/token").is_empty());
    assert!(!env.path("msal_token_cache.json").exists());

    let token = env
        .run_with_env(&vars, &["account", "get-access-token"])
        .await
        .ok()
        .json();
    assert_eq!(token["tenant"], CONTOSO);
    let claims = azlogin::emulator::jwt_claims(token["accessToken"].as_str().unwrap_or_default())
        .expect("a JWT");
    assert_eq!(claims["oid"], SYSTEM_OBJECT);
    assert_eq!(identity_requests(&env, "/servicefabric/token").len(), 2);

    // The cluster configures the identity: a client id is dropped without a word (a --debug
    // line says so), and the profile records what was asked for, as az writes it.
    let run = env
        .run_with_env(&vars, &["login", "--identity", "--client-id", USER_CLIENT])
        .await
        .ok();
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.json()[0]["user"],
        json!({"name": "userAssignedIdentity", "type": "servicePrincipal", "assignedIdentityInfo": format!("MSIClient-{USER_CLIENT}")})
    );
    let calls = identity_requests(&env, "/servicefabric/token");
    assert_eq!(
        calls.last().and_then(|c| c.client_id.as_deref()),
        Some(SYSTEM_CLIENT)
    );
    let debug = env
        .run_with_env(
            &vars,
            &["login", "--identity", "--client-id", USER_CLIENT, "--debug"],
        )
        .await
        .ok();
    assert!(
        debug
            .stderr
            .contains("Ignoring the user-assigned identity asked for: Service Fabric"),
        "{}",
        debug.stderr
    );
    assert!(!debug.stderr.contains(FABRIC_SECRET));

    let wrong = env
        .run_with_env(&service_fabric(&env, "wrong"), &["login", "--identity"])
        .await
        .failed();
    assert!(
        wrong.stderr.starts_with(&format!(
            "ERROR: The managed identity endpoint {}/servicefabric/token refused the token request with SecretHeaderNotFound: Secret is not found in the request headers.\n",
            env.url()
        )),
        "{wrong:?}"
    );
}

fn arc(env: &TestEnv, key_dir: &std::path::Path) -> Vec<(&'static str, String)> {
    vec![
        ("IDENTITY_ENDPOINT", format!("{}/arc/token", env.url())),
        ("IMDS_ENDPOINT", env.url()),
        ("AZLOGIN_ARC_KEY_DIR", key_dir.display().to_string()),
    ]
}

fn statuses(env: &TestEnv, path: &str) -> Vec<u16> {
    identity_requests(env, path)
        .iter()
        .map(|r| r.status)
        .collect()
}

fn key_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("key dir")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("key"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn arc_login_answers_the_challenge_with_the_key_file() {
    let keys = tempfile::tempdir().expect("tempdir");
    let env = TestEnv::with_scenario(arc_scenario(keys.path(), None, 40)).await;
    let vars = arc(&env, keys.path());
    let run = env.run_with_env(&vars, &["login", "--identity"]).await.ok();
    assert_eq!(run.stderr, "");
    let out = run.json();
    assert_eq!(out.as_array().map(Vec::len), Some(2), "{out}");
    for e in out.as_array().into_iter().flatten() {
        assert_eq!(e["user"], system_assigned_user());
        assert_eq!(e["tenantId"], CONTOSO);
    }
    let stored = env.read_json("azureProfile.json");
    assert_eq!(stored["subscriptions"][0]["user"], system_assigned_user());
    assert!(!env.path("msal_token_cache.json").exists());
    assert_eq!(statuses(&env, "/arc/token"), [401, 200]);
    assert!(identity_requests(&env, "/metadata/identity/oauth2/token").is_empty());

    let token = env
        .run_with_env(&vars, &["account", "get-access-token"])
        .await
        .ok();
    let printed = token.json();
    assert_eq!(printed["tenant"], CONTOSO);
    let claims = azlogin::emulator::jwt_claims(printed["accessToken"].as_str().unwrap_or_default())
        .expect("a JWT");
    assert_eq!(claims["oid"], SYSTEM_OBJECT);
    assert_eq!(statuses(&env, "/arc/token"), [401, 200, 401, 200]);
    // The keys are secrets: never printed.
    let written = key_files(keys.path());
    assert_eq!(written.len(), 2);
    for key in &written {
        for text in [&run.stdout, &token.stdout, &token.stderr] {
            assert!(!text.contains(key.as_str()));
        }
    }

    // Without the test knob the agent's own directory is read.
    let default_dir = with_var(&vars, "AZLOGIN_ARC_KEY_DIR", None);
    let run = env
        .run_with_env(&default_dir, &["login", "--identity"])
        .await
        .failed();
    // The platform's directory (the test env has no ProgramData, so on Windows its usual place).
    let agent_dir =
        azlogin::oauth::managed_identity::arc::platform_key_dir(|_| None).expect("an Arc platform");
    assert!(
        run.stderr
            .starts_with(&format!("ERROR: {}", agent_dir.join("").display())),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn arc_serves_user_assigned_identities_it_confirms() {
    // As az 2.91's MSAL: the ids go to the agent in IMDS's spelling, and the answer must echo
    // the identity asked for.
    let keys = tempfile::tempdir().expect("tempdir");
    let env = TestEnv::with_scenario(arc_scenario(keys.path(), None, 40)).await;
    let vars = arc(&env, keys.path());
    for (flag, id, info) in user_assigned_ids() {
        let out = env
            .run_with_env(&vars, &["login", "--identity", flag, id])
            .await
            .ok()
            .json();
        assert_eq!(
            out[0]["user"],
            json!({"name": "userAssignedIdentity", "type": "servicePrincipal", "assignedIdentityInfo": info}),
            "{flag}"
        );
        let token = env
            .run_with_env(&vars, &["account", "get-access-token"])
            .await
            .ok()
            .json();
        let claims =
            azlogin::emulator::jwt_claims(token["accessToken"].as_str().unwrap_or_default())
                .expect("a JWT");
        assert_eq!(claims["oid"], USER_OBJECT, "{flag}");
        let asked = identity_requests(&env, "/arc/token");
        assert_eq!(
            asked.last().and_then(|r| r.client_id.as_deref()),
            Some(USER_CLIENT)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_arc_agent_that_ignores_user_assigned_ids_is_not_trusted() {
    // An old agent answers for the machine's own identity whatever is asked: that token is not
    // the identity the user named, so the login fails and nothing is written.
    let keys = tempfile::tempdir().expect("tempdir");
    let mut scenario = arc_scenario(keys.path(), None, 40);
    if let Some(arc) = scenario.managed_identity.arc.as_mut() {
        arc.ignores_user_assigned = true;
    }
    let env = TestEnv::with_scenario(scenario).await;
    let vars = arc(&env, keys.path());
    let run = env
        .run_with_env(&vars, &["login", "--identity", "--client-id", USER_CLIENT])
        .await
        .failed();
    assert!(
        run.stderr.starts_with(&format!("ERROR: Invalid response from {}/arc/token: the Azure Arc agent did not confirm the user-assigned identity --client-id asked for", env.url())),
        "{run:?}"
    );
    assert_eq!(run.stdout, "");
    assert_eq!(statuses(&env, "/arc/token"), [401, 200]);
    assert!(!env.path("azureProfile.json").exists());
    // The machine's own identity still works.
    env.run_with_env(&vars, &["login", "--identity"]).await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn arc_refuses_an_oversize_key_file() {
    let keys = tempfile::tempdir().expect("tempdir");
    let env = TestEnv::with_scenario(arc_scenario(keys.path(), None, 5000)).await;
    let run = env
        .run_with_env(&arc(&env, keys.path()), &["login", "--identity"])
        .await
        .failed();
    assert!(
        run.stderr
            .starts_with(&format!("ERROR: {}", keys.path().join("").display()))
            && run.stderr.contains(
                "Azure Arc's key file is 5000 bytes, more than the 4096 a key can be, so it was not read"
            ),
        "{run:?}"
    );
    assert_eq!(statuses(&env, "/arc/token"), [401]);
    assert!(
        !env.path("azureProfile.json").exists()
            || env.read_json("azureProfile.json")["subscriptions"] == json!([])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn arc_uses_only_the_base_name_of_the_realm() {
    let keys = tempfile::tempdir().expect("tempdir");
    // The challenge names ../../../../../../etc/<guid>.key; the file is in the key dir.
    let env = TestEnv::with_scenario(arc_scenario(
        keys.path(),
        Some("../../../../../../etc/"),
        40,
    ))
    .await;
    let run = env
        .run_with_env(&arc(&env, keys.path()), &["login", "--identity"])
        .await
        .ok();
    assert_eq!(run.json()[0]["user"], system_assigned_user());
    assert_eq!(statuses(&env, "/arc/token"), [401, 200]);
}
