//! `login --service-principal` with client assertions over real sockets: a certificate
//! (`--certificate`, RS256 with the SHA-1 thumbprint), subject name + issuer
//! (`--use-cert-sn-issuer`, the chain in `x5c`), and a federated token (`--federated-token`);
//! what is stored for each, tokens signed again from the stored certificate, and Entra's errors.

mod common;

use azlogin::emulator::{FederatedCredential, Scenario, ServicePrincipal};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::federated::{AUDIENCE, ISSUER, SUBJECT, federated_token, good_claims, now};
use common::*;
use serde_json::{Value, json};

const CERT_APP: &str = "ce570000-0000-4000-8000-00000000c0de";
const SNI_APP: &str = "5a150000-0000-4000-8000-00000000c0de";
const FED_APP: &str = "fed00000-0000-4000-8000-00000000c0de";

const CERT_PEM: &str = include_str!("fixtures/service-principal/cert.pem");
const OTHER_PEM: &str = include_str!("fixtures/service-principal/other-cert.pem");
const PUBLIC_PEM: &str = include_str!("fixtures/service-principal/public.pem");

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/service-principal/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn app(client_id: &str) -> ServicePrincipal {
    ServicePrincipal {
        client_id: client_id.into(),
        secret: String::new(),
        tenant: CONTOSO.into(),
        object_id: None,
        certificates: Vec::new(),
        trusted_subjects: Vec::new(),
        federated_credentials: Vec::new(),
    }
}

fn scenario() -> Scenario {
    let mut s = Scenario::default_scenario();
    let public_cert = CERT_PEM
        .find("-----BEGIN CERTIFICATE-----")
        .map(|i| CERT_PEM[i..].to_string())
        .expect("a certificate in the fixture");
    s.service_principals.push(ServicePrincipal {
        certificates: vec![public_cert],
        ..app(CERT_APP)
    });
    s.service_principals.push(ServicePrincipal {
        trusted_subjects: vec!["CN=azlogin-test-cert".into()],
        ..app(SNI_APP)
    });
    s.service_principals.push(ServicePrincipal {
        federated_credentials: vec![FederatedCredential {
            issuer: ISSUER.into(),
            subject: SUBJECT.into(),
            audiences: vec![AUDIENCE.into()],
            issuer_key: PUBLIC_PEM.into(),
        }],
        ..app(FED_APP)
    });
    s
}

fn entries(env: &TestEnv) -> Value {
    env.read_json("service_principal_entries.json")
}

/// `azlogin login --service-principal -u APP extra… --tenant CONTOSO`.
async fn sp_login(env: &TestEnv, app: &str, extra: &[&str]) -> Run {
    let mut args = vec!["login", "--service-principal", "-u", app];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--tenant", CONTOSO]);
    env.run(&args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn certificate_login_stores_the_path_and_signs_again_later() {
    let env = TestEnv::with_scenario(scenario()).await;
    let cert = fixture("cert.pem");
    let run = sp_login(&env, CERT_APP, &["--certificate", &cert])
        .await
        .ok();
    assert!(!run.stdout.contains("PRIVATE KEY") && !run.stderr.contains("PRIVATE KEY"));
    let out = run.json();
    assert_eq!(
        out[0]["user"],
        json!({"name": CERT_APP, "type": "servicePrincipal"})
    );
    assert_eq!(
        entries(&env),
        json!([{"client_id": CERT_APP, "tenant": CONTOSO, "certificate": cert}])
    );
    modes::assert_mode(&env.path("service_principal_entries.json"), 0o600);
    assert_eq!(env.grants("client_credentials"), 1);
    // A fresh token once the cached one expires: a new assertion from the stored PEM path.
    env.expire_cached_access_tokens();
    env.run(&["account", "get-access-token"]).await.ok();
    assert_eq!(env.grants("client_credentials"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tilde_in_the_certificate_path_is_expanded_as_az_does() {
    let env = TestEnv::with_scenario(scenario()).await;
    std::fs::copy(fixture("cert.pem"), env.home.path().join("sp.pem")).expect("copy");
    sp_login(&env, CERT_APP, &["--certificate", "~/sp.pem"])
        .await
        .ok();
    // As Python's os.path.expanduser: the home, then the rest as written (on Windows the `/`
    // stays a `/` after the home's backslashes).
    let stored = format!("{}/sp.pem", env.home.path().display());
    assert_eq!(entries(&env)[0]["certificate"], json!(stored));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unregistered_certificate_is_refused_and_nothing_is_saved() {
    let env = TestEnv::with_scenario(scenario()).await;
    let run = sp_login(
        &env,
        CERT_APP,
        &["--certificate", &fixture("other-cert.pem")],
    )
    .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.starts_with("ERROR: AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application."),
        "{run:?}"
    );
    assert!(!env.path("service_principal_entries.json").exists());
    assert!(!env.path("azureProfile.json").exists());
    assert!(OTHER_PEM.contains("PRIVATE KEY") && !run.stderr.contains("PRIVATE KEY"));
    let missing = sp_login(&env, CERT_APP, &["--certificate", "/nonexistent/c.pem"]).await;
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("'/nonexistent/c.pem'"),
        "{missing:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn subject_name_and_issuer_sends_the_chain_and_is_recorded() {
    let env = TestEnv::with_scenario(scenario()).await;
    let cert = fixture("cert.pem");
    // Without x5c the app has no registered certificate to match.
    let plain = sp_login(&env, SNI_APP, &["--certificate", &cert]).await;
    assert_eq!(plain.code, 1, "{plain:?}");
    assert!(plain.stderr.contains("AADSTS700027"), "{plain:?}");
    let run = sp_login(
        &env,
        SNI_APP,
        &["--certificate", &cert, "--use-cert-sn-issuer"],
    )
    .await
    .ok();
    let out = run.json();
    assert_eq!(
        out[0]["user"],
        json!({"name": SNI_APP, "type": "servicePrincipal", "useCertSNIssuerAuth": true})
    );
    assert_eq!(
        entries(&env),
        json!([{"client_id": SNI_APP, "tenant": CONTOSO, "certificate": cert, "use_cert_sn_issuer": true}])
    );
    let profile = env.read_json("azureProfile.json");
    assert_eq!(
        profile["subscriptions"][0]["user"]["useCertSNIssuerAuth"],
        true
    );
    env.expire_cached_access_tokens();
    env.run(&["account", "get-access-token"]).await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn federated_token_login_stores_the_assertion() {
    let env = TestEnv::with_scenario(scenario()).await;
    let token = federated_token(&good_claims());
    let run = sp_login(&env, FED_APP, &["--federated-token", &token])
        .await
        .ok();
    assert!(!run.stdout.contains(&token) && !run.stderr.contains(&token));
    assert_eq!(
        entries(&env),
        json!([{"client_id": FED_APP, "tenant": CONTOSO, "client_assertion": token}])
    );
    // The stored assertion serves the next token request too.
    env.expire_cached_access_tokens();
    let again = env.run(&["account", "get-access-token"]).await.ok();
    assert!(!again.stdout.contains(&token));
    assert_eq!(env.grants("client_credentials"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn federated_tokens_are_checked_for_issuer_subject_audience_and_time() {
    let env = TestEnv::with_scenario(scenario()).await;
    let with = |k: &str, v: Value| {
        let mut c = good_claims();
        c[k] = v;
        federated_token(&c)
    };
    let cases = [
        (
            with("sub", json!("repo:evil/app")),
            "AADSTS70021: No matching federated identity record found for presented assertion.",
        ),
        (with("iss", json!("https://other.example")), "AADSTS70021:"),
        (
            with("aud", json!("api://wrong")),
            "AADSTS700212: No matching federated identity record found for presented assertion audience 'api://wrong'.",
        ),
        (
            with("exp", json!(now() - 60)),
            "AADSTS700024: Client assertion is not within its valid time range.",
        ),
    ];
    for (token, expected) in cases {
        let run = sp_login(&env, FED_APP, &["--federated-token", &token]).await;
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stderr.starts_with(&format!("ERROR: {expected}")),
            "{expected}: {run:?}"
        );
        assert!(!run.stderr.contains(&token));
    }
    // A token signed by another key: the signature check.
    let good = federated_token(&good_claims());
    let (input, _) = good.rsplit_once('.').expect("jwt");
    let forged = format!("{input}.{}", URL_SAFE_NO_PAD.encode([7u8; 256]));
    let run = sp_login(&env, FED_APP, &["--federated-token", &forged]).await;
    assert!(
        run.stderr
            .starts_with("ERROR: AADSTS700027: Client assertion failed signature validation."),
        "{run:?}"
    );
    assert!(!env.path("service_principal_entries.json").exists());
}
