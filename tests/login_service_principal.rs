//! `login --service-principal` with a client secret: az's files (service_principal_entries.json,
//! app-only tokens in msal_token_cache.json, the profile's servicePrincipal user), tokens for
//! `get-access-token` from the cache and by client credentials again, logout, and az's errors.

mod common;

use azlogin::emulator::{Scenario, ServicePrincipal};
use common::*;
use serde_json::{Value, json};

const APP: &str = "5a1e0000-0000-4000-8000-00000000c0de";
const SECRET: &str = "sp-s3cret~value";

fn scenario() -> Scenario {
    let mut s = Scenario::default_scenario();
    s.service_principals.push(ServicePrincipal {
        client_id: APP.into(),
        secret: SECRET.into(),
        tenant: CONTOSO.into(),
        object_id: None,
        certificates: Vec::new(),
        trusted_subjects: Vec::new(),
        federated_credentials: Vec::new(),
    });
    s
}

fn assert_no_secret(run: &Run) {
    assert!(!run.stdout.contains(SECRET), "secret on stdout: {run:?}");
    assert!(!run.stderr.contains(SECRET), "secret on stderr: {run:?}");
}

async fn login(env: &TestEnv) -> Run {
    login_with(env, &[]).await
}

async fn login_with(env: &TestEnv, extra: &[&str]) -> Run {
    let mut args = vec![
        "login",
        "--service-principal",
        "-u",
        APP,
        "-p",
        SECRET,
        "--tenant",
        CONTOSO,
    ];
    args.extend_from_slice(extra);
    env.run(&args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn secret_login_writes_what_az_writes() {
    let env = TestEnv::with_scenario(scenario()).await;
    let run = login(&env).await.ok();
    assert_no_secret(&run);
    assert_eq!(run.stderr, "");
    let out = run.json();
    let entries = out.as_array().expect("a list");
    assert_eq!(entries.len(), 2, "{out}");
    for e in entries {
        assert_eq!(e["user"], json!({"name": APP, "type": "servicePrincipal"}));
        assert_eq!(e["tenantId"], CONTOSO);
        assert_eq!(e["cloudName"], CLOUD);
        assert!(e.get("tenantDisplayName").is_none(), "{e}");
        assert!(e.get("tenantDefaultDomain").is_none(), "{e}");
    }
    // service_principal_entries.json: az's indent-4 list, 0600, no newline at the end.
    let stored = String::from_utf8(env.read("service_principal_entries.json")).expect("utf8");
    assert_eq!(
        stored,
        format!(
            "[\n    {{\n        \"client_id\": \"{APP}\",\n        \"tenant\": \"{CONTOSO}\",\n        \"client_secret\": \"{SECRET}\"\n    }}\n]"
        )
    );
    modes::assert_mode(&env.path("service_principal_entries.json"), 0o600);
    // App-only tokens: home_account_id null, the key starting with `-`, no RT/Account/IdToken.
    let cache = env.read_json("msal_token_cache.json");
    let ats = cache["AccessToken"].as_object().expect("AccessToken");
    assert_eq!(ats.len(), 1);
    let (key, at) = ats.iter().next().expect("one AT");
    let host = at["environment"].as_str().expect("environment");
    let target = format!("{}//.default", env.url());
    assert_eq!(
        key,
        &format!("-{host}-accesstoken-{APP}-{CONTOSO}-{target}").to_lowercase()
    );
    let fields: Vec<&str> = at
        .as_object()
        .expect("obj")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "credential_type",
            "secret",
            "home_account_id",
            "environment",
            "client_id",
            "target",
            "realm",
            "token_type",
            "cached_at",
            "expires_on",
            "extended_expires_on"
        ]
    );
    assert_eq!(at["home_account_id"], Value::Null);
    assert_eq!(at["client_id"], APP);
    assert_eq!(at["realm"], CONTOSO);
    assert_eq!(
        cache["AppMetadata"],
        json!({format!("appmetadata-{host}-{APP}"): {"client_id": APP, "environment": host}})
    );
    for absent in ["RefreshToken", "Account", "IdToken"] {
        assert!(cache.get(absent).is_none(), "{absent}: {cache}");
    }
    modes::assert_mode(&env.path("msal_token_cache.json"), 0o600);
    let profile = env.read_json("azureProfile.json");
    let default = profile["subscriptions"]
        .as_array()
        .and_then(|s| s.iter().find(|e| e["isDefault"] == true))
        .expect("a default");
    assert_eq!(default["user"]["type"], "servicePrincipal");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_access_token_uses_the_cache_then_the_stored_secret() {
    let env = TestEnv::with_scenario(scenario()).await;
    login(&env).await.ok();
    assert_eq!(env.grants("client_credentials"), 1);
    let cache = env.read_json("msal_token_cache.json");
    let cached = cache["AccessToken"]
        .as_object()
        .and_then(|m| m.values().next())
        .map(|at| at["secret"].clone())
        .expect("cached AT");
    let run = env.run(&["account", "get-access-token"]).await.ok();
    assert_no_secret(&run);
    let token = run.json();
    assert_eq!(token["accessToken"], cached);
    assert_eq!(token["tenant"], CONTOSO);
    assert_eq!(token["tokenType"], "Bearer");
    assert!(token["subscription"].is_string());
    assert_eq!(env.grants("client_credentials"), 1, "served from the cache");

    // Expired in the cache: az asks again with the stored secret.
    env.expire_cached_access_tokens();
    let run = env.run(&["account", "get-access-token"]).await.ok();
    assert_ne!(run.json()["accessToken"], cached);
    assert_eq!(env.grants("client_credentials"), 2);
    let requests = env.emulator.request_log();
    let last = requests
        .iter()
        .rev()
        .find(|r| r.grant_type.as_deref() == Some("client_credentials"))
        .expect("a grant");
    assert_eq!(last.client_id.as_deref(), Some(APP));
    assert_eq!(last.tenant.as_deref(), Some(CONTOSO));

    // Another resource: a new app-only token for it, cached beside the first.
    let run = env
        .run(&[
            "account",
            "get-access-token",
            "--scope",
            "https://graph.example/.default",
        ])
        .await;
    assert_no_secret(&run);
    assert_eq!(env.grants("client_credentials"), 3, "{run:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_forgets_the_credential_and_its_tokens() {
    let env = TestEnv::with_scenario(scenario()).await;
    login(&env).await.ok();
    env.run(&["logout"]).await.ok();
    assert_eq!(env.read("service_principal_entries.json"), b"[]");
    let cache = env.read_json("msal_token_cache.json");
    assert_eq!(cache["AccessToken"], json!({}));
    assert_eq!(
        env.read_json("azureProfile.json")["subscriptions"],
        json!([])
    );
    let again = env.run(&["account", "get-access-token"]).await;
    assert_eq!(again.code, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_credential_is_az_s_error() {
    let env = TestEnv::with_scenario(scenario()).await;
    login(&env).await.ok();
    std::fs::remove_file(env.path("service_principal_entries.json")).expect("rm");
    let path = env.path("msal_token_cache.json");
    std::fs::write(&path, "{}").expect("empty cache");
    let run = env.run(&["account", "get-access-token"]).await;
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            1,
            &*format!(
                "ERROR: Could not retrieve credential from local cache for service principal {APP}. Run `az login` for this service principal.\n"
            )
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_secret_is_entra_s_error_and_saves_nothing() {
    let env = TestEnv::with_scenario(scenario()).await;
    let wrong = "not-the-secret-123";
    let run = env
        .run(&[
            "login",
            "--service-principal",
            "-u",
            APP,
            "-p",
            wrong,
            "-t",
            CONTOSO,
        ])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .starts_with("ERROR: AADSTS7000215: Invalid client secret provided."),
        "{run:?}"
    );
    // az's recommendation for AADSTS7000215, instead of the login command.
    assert!(
        run.stderr.ends_with(
            "\nThe error may be caused by passing a service principal certificate with --password. Please note that --password no longer accepts a service principal certificate. To pass a service principal certificate, use --certificate instead.\n"
        ),
        "{run:?}"
    );
    assert!(!run.stderr.contains(wrong) && !run.stdout.contains(wrong));
    assert!(!env.path("service_principal_entries.json").exists());
    assert!(!env.path("azureProfile.json").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_are_az_s_words() {
    let env = TestEnv::with_scenario(scenario()).await;
    let cases: &[(&[&str], &str)] = &[
        (
            &["login", "--service-principal", "-p", "x", "-t", CONTOSO],
            "ERROR: usage error: --service-principal --username NAME --password SECRET --tenant TENANT\n",
        ),
        (
            &["login", "--service-principal", "-u", APP, "-t", CONTOSO],
            "ERROR: Please specify both username and password in non-interactive mode.\n",
        ),
        (
            &["login", "-u", APP, "-p", "x", "--use-cert-sn-issuer"],
            "ERROR: usage error: '--use-sn-issuer' is only applicable with a service principal\n",
        ),
        (
            &["login", "--identity", "--service-principal", "-u", APP],
            "ERROR: usage error: '--identity' is not applicable with other arguments\n",
        ),
        (
            &[
                "login",
                "--identity",
                "--client-id",
                "a",
                "--object-id",
                "b",
            ],
            "ERROR: Usage error: Provide only one of --client-id, --object-id, --resource-id.\n",
        ),
    ];
    for (args, expected) in cases {
        let run = env.run(args).await;
        assert_eq!((run.code, run.stderr.as_str()), (1, *expected), "{args:?}");
        assert_eq!(run.stdout, "");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn another_tenant_uses_the_stored_credential_with_az_s_warning() {
    let env = TestEnv::with_scenario(scenario()).await;
    login(&env).await.ok();
    let run = env
        .run(&["account", "get-access-token", "--tenant", FABRIKAM])
        .await;
    assert_no_secret(&run);
    assert!(
        run.stderr.starts_with(&format!(
            "WARNING: Could not retrieve credential from local cache for service principal {APP} under tenant {FABRIKAM}. Trying credential under tenant {CONTOSO}, assuming that is an app credential.\n"
        )),
        "{run:?}"
    );
    // The app lives in Contoso only, so Fabrikam's token endpoint refuses it (AADSTS700016).
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("ERROR: AADSTS700016:"), "{run:?}");
    let last = env
        .emulator
        .request_log()
        .into_iter()
        .rev()
        .find(|r| r.grant_type.as_deref() == Some("client_credentials"))
        .expect("a grant");
    assert_eq!(last.tenant.as_deref(), Some(FABRIKAM));
}

#[tokio::test(flavor = "multi_thread")]
async fn use_cert_sn_issuer_with_a_secret_is_recorded_as_az_records_it() {
    // az passes `bool(use_cert_sn_issuer)` to the profile whatever the credential: the user
    // gets `useCertSNIssuerAuth`, while the stored secret entry has no such key (nothing to sign).
    let env = TestEnv::with_scenario(scenario()).await;
    let run = login_with(&env, &["--use-cert-sn-issuer"]).await.ok();
    assert_no_secret(&run);
    let out = run.json();
    let entries = out.as_array().expect("a list");
    assert!(!entries.is_empty(), "{out}");
    for e in entries {
        assert_eq!(
            e["user"],
            json!({"name": APP, "type": "servicePrincipal", "useCertSNIssuerAuth": true})
        );
    }
    let profile = env.read_json("azureProfile.json");
    assert_eq!(
        profile["subscriptions"][0]["user"]["useCertSNIssuerAuth"],
        true
    );
    let stored = String::from_utf8(env.read("service_principal_entries.json")).expect("utf8");
    assert!(!stored.contains("use_cert_sn_issuer"), "{stored}");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_tenant_the_request_goes_to_organizations_and_nothing_is_saved() {
    // az 2.91 makes no client-side check: the token request goes to `/organizations`, where an
    // app has no tenant to get a token in, and Entra's refusal is the error.
    let env = TestEnv::with_scenario(scenario()).await;
    let run = env
        .run(&["login", "--service-principal", "-u", APP, "-p", SECRET])
        .await;
    assert_no_secret(&run);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.starts_with("ERROR: AADSTS"), "{run:?}");
    let token_requests: Vec<String> = env
        .requests()
        .into_iter()
        .filter(|r| r.contains("/oauth2/v2.0/token"))
        .collect();
    assert!(
        !token_requests.is_empty() && token_requests.iter().all(|r| r.contains("/organizations/")),
        "{token_requests:?}"
    );
    assert!(!env.path("service_principal_entries.json").exists());
    assert!(!env.path("azureProfile.json").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_wins_over_a_certificate_as_in_az() {
    // az builds the credential from the secret when both are given; the certificate path is
    // neither read nor stored.
    let env = TestEnv::with_scenario(scenario()).await;
    let missing = env.path("no-such-cert.pem");
    let run = login_with(&env, &["--certificate", &missing.to_string_lossy()])
        .await
        .ok();
    assert_no_secret(&run);
    let stored = String::from_utf8(env.read("service_principal_entries.json")).expect("utf8");
    assert!(stored.contains("\"client_secret\""), "{stored}");
    assert!(!stored.contains("certificate"), "{stored}");
}
