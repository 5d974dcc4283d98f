//! No secret ever reaches what a user or a log sees: every CLI flow runs with `--debug` against
//! the emulator behind a recording proxy, then stdout, stderr, the emulator's request log and
//! the profile are searched for every password, token, code and verifier that crossed the
//! wire. A second test checks the `Debug` text of every type that holds a secret.

mod common;

use std::collections::BTreeSet;

use azlogin::emulator::{Fault, FaultEndpoint, FaultKind};
use common::browser::{Login, launcher, post_form, redirect_port, sign_in};
use common::federated::{federated_token, good_claims};
use common::proxy::Proxy;
use common::*;

/// Form fields and JSON members that carry secrets.
const SECRET_FIELDS: [&str; 9] = [
    "password",
    "refresh_token",
    "access_token",
    "id_token",
    "code",
    "device_code",
    "code_verifier",
    "client_secret",
    "client_assertion",
];

/// What one flow printed.
struct Output {
    flow: &'static str,
    stdout: String,
    stderr: String,
}

/// Every secret the proxy saw, by kind.
fn secrets_on_the_wire(proxy: &Proxy) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for exchange in proxy.exchanges() {
        for (k, v) in url::form_urlencoded::parse(&exchange.request_body) {
            if SECRET_FIELDS.contains(&k.as_ref()) {
                found.insert((k.into_owned(), v.into_owned()));
            }
        }
        if let serde_json::Value::Object(map) = exchange.json() {
            for (k, v) in map {
                if let (true, Some(v)) = (SECRET_FIELDS.contains(&k.as_str()), v.as_str()) {
                    found.insert((k, v.to_string()));
                }
            }
        }
        if let Some(bearer) = exchange.authorization.as_deref() {
            let token = bearer.trim_start_matches("Bearer ").to_string();
            found.insert(("access_token".into(), token));
        }
    }
    found
}

/// The `secret` members of the token cache file.
fn secrets_in_cache(env: &TestEnv) -> BTreeSet<(String, String)> {
    let cache = env.read_json("msal_token_cache.json");
    let mut found = BTreeSet::new();
    for section in ["AccessToken", "RefreshToken", "IdToken"] {
        for entry in cache[section]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            if let Some(secret) = entry["secret"].as_str() {
                found.insert((section.to_string(), secret.to_string()));
            }
        }
    }
    found
}

/// The one secret get-access-token exists to print, on stdout only: taken out of the output
/// (to be checked against what the emulator issued) so the scan can cover the rest.
fn cut_printed_token(output: &mut Output) -> String {
    let printed: serde_json::Value = serde_json::from_str(&output.stdout).expect("json");
    let token = printed["accessToken"]
        .as_str()
        .expect("a token")
        .to_string();
    output.stdout = output.stdout.replace(&token, "<the requested token>");
    token
}

impl Output {
    fn of(flow: &'static str, run: Run) -> Output {
        assert_eq!(run.code, 0, "{flow}: {run:?}");
        Output {
            flow,
            stdout: run.stdout,
            stderr: run.stderr,
        }
    }

    /// A flow that must fail with exit code 1 and an error saying `says` (so it failed for the
    /// reason the test set up, not another).
    fn failed(flow: &'static str, run: Run, says: &str) -> Output {
        assert_eq!(run.code, 1, "{flow}: {run:?}");
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with("ERROR: ") && l.contains(says)),
            "{flow}: the error says {says:?}: {run:?}"
        );
        Output {
            flow,
            stdout: run.stdout,
            stderr: run.stderr,
        }
    }
}

/// A fault on every request to `endpoint` (with this `grant_type`, when given).
fn fault(endpoint: FaultEndpoint, grant_type: Option<&str>, serve: serde_json::Value) -> Fault {
    Fault {
        endpoint,
        grant_type: grant_type.map(str::to_string),
        times: None,
        serve: serde_json::from_value::<FaultKind>(serve).expect("fault kind"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_flow_prints_a_secret_with_debug() {
    // Service Fabric's secret and Azure Arc's key files are secrets too; Arc's agent writes its
    // keys into a directory of the test's.
    const FABRIC_SECRET: &str = "service-fabric-secret-value";
    let arc_keys = tempfile::tempdir().expect("tempdir");
    let mut scenario = load_scenario("apps.json");
    scenario.managed_identity.service_fabric_secret = Some(FABRIC_SECRET.into());
    scenario.managed_identity.arc = Some(azlogin::emulator::ArcSettings {
        key_dir: arc_keys.path().display().to_string(),
        realm_prefix: None,
        key_len: 40,
        ignores_user_assigned: false,
    });
    // Service Fabric's endpoint is https only (trusted by its certificate's thumbprint), so
    // its flows run against an emulator of their own that serves TLS.
    let fabric = TestEnv::with_options(scenario.clone(), true).await;
    let env = TestEnv::with_scenario(scenario).await;
    let proxy = Proxy::start(&env.url()).await;
    let via_proxy = [("HTTP_PROXY", proxy.url.as_str())];
    let run = |args: &'static [&'static str]| {
        let mut all = args.to_vec();
        all.push("--debug");
        let env = &env;
        async move { env.run_with_env(&via_proxy, &all).await }
    };
    let run_owned = |args: &[&str]| {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        all.push("--debug".into());
        let env = &env;
        async move {
            let all: Vec<&str> = all.iter().map(String::as_str).collect();
            env.run_with_env(&via_proxy, &all).await
        }
    };
    // `login --service-principal -u <app> <flag> <value> --tenant <Contoso>`.
    let sp_login = |app: &str, flag: &str, value: &str| {
        run_owned(&[
            "login",
            "--service-principal",
            "-u",
            app,
            flag,
            value,
            "--tenant",
            CONTOSO,
        ])
    };
    let mut outputs = Vec::new();
    let mut issued = BTreeSet::new();

    outputs.push(Output::of(
        "login (password)",
        run(&["login", "-u", USER, "-p", PASSWORD]).await,
    ));
    outputs.push(Output::of(
        "login (device code)",
        run(&["login", "--use-device-code"]).await,
    ));

    // The browser flow: the test plays the browser; the code it carries is a secret too.
    let (script, url_file) = launcher(&env);
    let mut cmd = env.command(&["login", "--debug"]);
    cmd.env("BROWSER", &script).env("HTTP_PROXY", &proxy.url);
    let login = Login::spawn(cmd, url_file);
    let url = login.browser_url().await;
    let (_, fields) = sign_in(&env, &url, "signin").await;
    for (k, v) in &fields {
        if k == "code" {
            issued.insert(("code".to_string(), v.clone()));
        }
    }
    let answer = post_form(redirect_port(&url), &fields).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    outputs.push(Output::of("login (browser)", login.finish().await));

    let mut printed_tokens = Vec::new();
    for (flow, args) in [
        (
            "get-access-token (cache)",
            &["account", "get-access-token"][..],
        ),
        (
            "get-access-token (refresh)",
            &[
                "account",
                "get-access-token",
                "--resource",
                "https://vault.azure.net",
            ][..],
        ),
    ] {
        let mut output = Output::of(flow, run(args).await);
        printed_tokens.push(cut_printed_token(&mut output));
        outputs.push(output);
    }
    // A refresh Entra refuses (invalid_grant): the refresh token sent is scanned for too.
    env.emulator.inject_faults(vec![fault(
        FaultEndpoint::Token,
        Some("refresh_token"),
        serde_json::json!({"kind": "json", "status": 400, "body": {
            "error": "invalid_grant",
            "error_description": "AADSTS700082: The refresh token has expired due to inactivity.",
            "error_codes": [700082],
        }}),
    )]);
    outputs.push(Output::failed(
        "get-access-token (refresh refused)",
        run(&[
            "account",
            "get-access-token",
            "--resource",
            "https://storage.azure.com",
        ])
        .await,
        "AADSTS700082",
    ));
    env.emulator.inject_faults(Vec::new());
    issued.extend(secrets_in_cache(&env));
    for (flow, args) in [
        ("account list", &["account", "list"][..]),
        ("account show", &["account", "show"][..]),
        (
            "account set",
            &["account", "set", "--subscription", "Contoso Dev"][..],
        ),
        ("logout", &["logout"][..]),
    ] {
        outputs.push(Output::of(flow, run(args).await));
    }

    // Service principals (tests/scenarios/apps.json): a client secret, then a certificate whose
    // private key is a secret too; the app-only token printed by get-access-token is cut as above.
    const SP_APP: &str = "5a1e0000-0000-4000-8000-00000000c0de";
    const SP_SECRET: &str = "sp-s3cret~value";
    const CERT_APP: &str = "ce570000-0000-4000-8000-00000000c0de";
    let cert_path = format!(
        "{}/tests/fixtures/service-principal/cert.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    outputs.push(Output::of(
        "login (service principal, secret)",
        sp_login(SP_APP, "-p", SP_SECRET).await,
    ));
    let mut output = Output::of(
        "get-access-token (service principal)",
        run(&["account", "get-access-token"]).await,
    );
    printed_tokens.push(cut_printed_token(&mut output));
    outputs.push(output);
    outputs.push(Output::of(
        "login (service principal, certificate)",
        sp_login(CERT_APP, "--certificate", &cert_path).await,
    ));
    issued.extend(secrets_in_cache(&env));
    outputs.push(Output::of(
        "logout (service principal)",
        run_owned(&["logout", "--username", CERT_APP]).await,
    ));
    issued.insert(("client_secret".into(), SP_SECRET.into()));
    let pem = std::fs::read_to_string(&cert_path).expect("the test certificate");
    let key = pem
        .split("-----END PRIVATE KEY-----")
        .next()
        .expect("a private key");
    for line in key.lines().filter(|l| !l.starts_with("-----")) {
        issued.insert(("private_key".into(), line.to_string()));
    }

    // A managed identity behind an App Service style endpoint: its header is a secret, and its
    // token (kept in memory only) must appear nowhere but get-access-token's stdout.
    const IDENTITY_HEADER: &str = "app-service-header-value";
    let identity_env = [
        ("IDENTITY_ENDPOINT", format!("{}/msi/token", env.url())),
        ("IDENTITY_HEADER", IDENTITY_HEADER.to_string()),
    ];
    outputs.push(Output::of(
        "login (managed identity)",
        env.run_with_env(&identity_env, &["login", "--identity", "--debug"])
            .await,
    ));
    let mut output = Output::of(
        "get-access-token (managed identity)",
        env.run_with_env(&identity_env, &["account", "get-access-token", "--debug"])
            .await,
    );
    let identity_token = cut_printed_token(&mut output);
    outputs.push(output);
    issued.insert(("access_token".into(), identity_token));
    issued.insert(("identity_header".into(), IDENTITY_HEADER.into()));
    let fabric_env = [
        (
            "IDENTITY_ENDPOINT",
            format!("{}/servicefabric/token", fabric.url()),
        ),
        ("IDENTITY_HEADER", FABRIC_SECRET.to_string()),
        (
            "IDENTITY_SERVER_THUMBPRINT",
            fabric
                .emulator
                .server_thumbprint()
                .expect("TLS")
                .to_string(),
        ),
        ("REQUESTS_CA_BUNDLE", fabric.ca_path().display().to_string()),
    ];
    let arc_env = [
        ("IDENTITY_ENDPOINT", format!("{}/arc/token", env.url())),
        ("IMDS_ENDPOINT", env.url()),
        ("AZLOGIN_ARC_KEY_DIR", arc_keys.path().display().to_string()),
    ];
    for (login, get_token, vars, env) in [
        (
            "login (Service Fabric)",
            "get-access-token (Service Fabric)",
            &fabric_env[..],
            &fabric,
        ),
        (
            "login (Azure Arc)",
            "get-access-token (Azure Arc)",
            &arc_env[..],
            &env,
        ),
    ] {
        if std::ptr::eq(env, &fabric) && skipped_under_wine(WINE_TLS) {
            continue;
        }
        outputs.push(Output::of(
            login,
            env.run_with_env(vars, &["login", "--identity", "--debug"])
                .await,
        ));
        let mut output = Output::of(
            get_token,
            env.run_with_env(vars, &["account", "get-access-token", "--debug"])
                .await,
        );
        issued.insert(("access_token".into(), cut_printed_token(&mut output)));
        outputs.push(output);
    }
    issued.insert(("service_fabric_secret".into(), FABRIC_SECRET.into()));
    for entry in std::fs::read_dir(arc_keys.path()).expect("arc keys") {
        let key = std::fs::read_to_string(entry.expect("key file").path()).expect("key");
        issued.insert(("arc_key".into(), key));
    }

    // A federated token (a CI system's OIDC token) is a secret as well.
    const FED_APP: &str = "fed00000-0000-4000-8000-00000000c0de";
    let federated = federated_token(&good_claims());
    outputs.push(Output::of(
        "login (service principal, federated token)",
        sp_login(FED_APP, "--federated-token", &federated).await,
    ));
    issued.insert(("client_assertion".into(), federated));

    // Failures: what the user typed, what the server issued and what it was sent stay hidden
    // when the flow ends in an error too.
    const WRONG_PASSWORD: &str = "Wr0ng-Passw0rd!";
    const WRONG_SECRET: &str = "wr0ng-sp-s3cret";
    outputs.push(Output::failed(
        "login (wrong password)",
        run(&["login", "-u", USER, "-p", WRONG_PASSWORD]).await,
        "AADSTS50126",
    ));
    issued.insert(("password".into(), WRONG_PASSWORD.into()));
    outputs.push(Output::failed(
        "login (service principal, wrong secret)",
        sp_login(SP_APP, "-p", WRONG_SECRET).await,
        "AADSTS7000215",
    ));
    issued.insert(("client_secret".into(), WRONG_SECRET.into()));
    env.emulator.inject_faults(vec![fault(
        FaultEndpoint::Devicecode,
        None,
        serde_json::json!({"kind": "patch_json", "remove": ["user_code"]}),
    )]);
    outputs.push(Output::failed(
        "login (device code answer without user_code)",
        run(&["login", "--use-device-code"]).await,
        "Fail to create device flow",
    ));
    env.emulator.inject_faults(vec![fault(
        FaultEndpoint::Token,
        Some("password"),
        serde_json::json!({"kind": "html", "status": 500}),
    )]);
    outputs.push(Output::failed(
        "login (token endpoint answers a 500 HTML page)",
        run(&["login", "-u", USER, "-p", PASSWORD]).await,
        "/organizations/oauth2/v2.0/token",
    ));
    env.emulator.inject_faults(Vec::new());

    issued.extend(secrets_on_the_wire(&proxy));
    issued.insert(("password".into(), PASSWORD.into()));
    // The device code of the answer without user_code crossed the wire and is scanned for.
    let shown_device_codes = proxy
        .exchanges()
        .iter()
        .filter(|e| e.path.ends_with("/devicecode") && e.json().get("user_code").is_none())
        .filter(|e| e.json()["device_code"].is_string())
        .count();
    assert_eq!(
        shown_device_codes, 1,
        "one device code answer lacked user_code"
    );
    let kinds: BTreeSet<&str> = issued.iter().map(|(k, _)| k.as_str()).collect();
    for kind in [
        "password",
        "code",
        "device_code",
        "code_verifier",
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "client_assertion",
        "private_key",
        "identity_header",
    ] {
        assert!(kinds.contains(kind), "no {kind} was seen: {kinds:?}");
    }
    for token in &printed_tokens {
        assert!(
            issued.iter().any(|(_, v)| v == token),
            "get-access-token printed a token the emulator never issued"
        );
    }
    let values: BTreeSet<&str> = issued
        .iter()
        .map(|(_, v)| v.as_str())
        .filter(|v| v.len() >= 8)
        .collect();

    let log = serde_json::to_string(&env.emulator.request_log()).expect("log");
    let profile = String::from_utf8_lossy(&env.read("azureProfile.json")).into_owned();
    let mut places: Vec<(String, &str)> = vec![
        ("the emulator's request log".into(), log.as_str()),
        ("azureProfile.json".into(), profile.as_str()),
    ];
    for o in &outputs {
        assert!(
            o.stderr.contains("DEBUG: azlogin."),
            "{}: no debug output: {}",
            o.flow,
            o.stderr
        );
        places.push((format!("{} stdout", o.flow), o.stdout.as_str()));
        places.push((format!("{} stderr", o.flow), o.stderr.as_str()));
    }
    for (place, text) in &places {
        for secret in &values {
            let kind = issued
                .iter()
                .find(|(_, v)| v == secret)
                .map(|(k, _)| k.as_str())
                .unwrap_or_default();
            assert!(!text.contains(secret), "a {kind} appears in {place}");
        }
    }
    eprintln!(
        "scanned {} secrets ({} kinds) in {} flows, {} outputs",
        values.len(),
        kinds.len(),
        outputs.len(),
        places.len()
    );
}

/// `Debug` of every secret type and of every struct holding one shows no secret.
#[test]
fn debug_of_everything_holding_a_secret_is_redacted() {
    use azlogin::http::HttpRequest;
    use azlogin::oauth::authorize::CodeAnswer;
    use azlogin::oauth::device_code::{DeviceAuthorization, DeviceCodeSteps};
    use azlogin::oauth::loopback::{Parsed, parse_request};
    use azlogin::oauth::managed_identity::ManagedIdentitySource;
    use azlogin::oauth::token::TokenResponse;
    use azlogin::secret::*;
    use azlogin::session::{AccessTokenResult, LoginMethod};
    use azlogin::token_cache::service_principals::{ServicePrincipalEntry, StoredCredential};
    use azlogin::token_cache::{CachedAccessToken, RefreshTokenCandidate};
    use clap::Parser;

    const S: &str = "s3cr3t-value";
    let tokens = TokenResponse {
        access_token: Some(AccessToken::new(S)),
        refresh_token: Some(RefreshToken::new(S)),
        id_token: Some(IdToken::new(S)),
        ..TokenResponse::default()
    };
    let authorization = DeviceAuthorization {
        device_code: DeviceCode::new(S),
        user_code: "ABCD".into(),
        verification_uri: "https://x/devicelogin".into(),
        expires_in: 900,
        interval: 5,
        message: "m".into(),
    };
    let poller = DeviceCodeSteps::polling(
        azlogin::oauth::token::TokenContext {
            authority: azlogin::oauth::Authority::new("https://login.microsoftonline.com", None),
            client_id: "c".into(),
            claims: None,
        },
        &authorization,
        0,
    );
    let loopback = match parse_request(format!("GET /?code={S} HTTP/1.1\r\n\r\n").as_bytes()) {
        Parsed::Complete(r) => r,
        other => panic!("{other:?}"),
    };
    let login = LoginMethod::Password {
        username: "u".into(),
        password: Password::new(S),
    };
    let cli = azlogin::cli::args::Cli::try_parse_from([
        "azlogin",
        "login",
        "-u",
        "u",
        "-p",
        S,
        "--federated-token",
        S,
    ])
    .expect("arguments");
    let cache = azlogin::token_cache::TokenCache::parse(
        format!(r#"{{"AccessToken": {{"k": {{"secret": "{S}"}}}}, "RefreshToken": {{"r": {{"secret": "{S}"}}}}}}"#)
            .as_bytes(),
    )
    .expect("cache");
    let texts = [
        format!("{:?}", AccessToken::new(S)),
        format!("{:?}", RefreshToken::new(S)),
        format!("{:?}", IdToken::new(S)),
        format!("{:?}", Password::new(S)),
        format!("{:?}", ClientSecret::new(S)),
        format!("{:?}", DeviceCode::new(S)),
        format!("{:?}", AuthorizationCode::new(S)),
        format!("{:?}", PkceVerifier::new(S)),
        format!("{:?}", ArcKey::new(S)),
        format!("{tokens:?}"),
        format!("{authorization:?}"),
        format!("{poller:?}"),
        format!("{loopback:?}"),
        format!(
            "{:?}",
            CodeAnswer {
                code: AuthorizationCode::new(S),
                client_info: None
            }
        ),
        format!("{login:?}"),
        format!("{cli:?}"),
        format!("{cache:?}"),
        format!(
            "{:?}",
            CachedAccessToken {
                secret: AccessToken::new(S),
                expires_on: 0,
                refresh_on: None
            }
        ),
        format!(
            "{:?}",
            RefreshTokenCandidate {
                key: "k".into(),
                secret: RefreshToken::new(S)
            }
        ),
        format!(
            "{:?}",
            HttpRequest::post_form(format!("https://h/t?code={S}"), [("password", S)])
                .header("Authorization", format!("Bearer {S}"))
        ),
        format!(
            "{:?}",
            AccessTokenResult {
                access_token: AccessToken::new(S),
                expires_on: 0,
                subscription: None,
                tenant: "t".into(),
                token_type: "Bearer".into(),
            }
        ),
        format!("{:?}", ClientAssertion::new(S)),
        format!(
            "{:?}",
            ManagedIdentitySource::AppService {
                endpoint: "http://127.0.0.1:9/msi/token".into(),
                header: S.into(),
            }
        ),
        format!(
            "{:?}",
            ManagedIdentitySource::MachineLearning {
                endpoint: "http://127.0.0.1:9/msi/auth".into(),
                secret: S.into(),
                default_client_id: None,
            }
        ),
        format!("{:?}", StoredCredential::Secret(ClientSecret::new(S))),
        format!("{:?}", StoredCredential::Assertion(ClientAssertion::new(S))),
        format!(
            "{:?}",
            ServicePrincipalEntry {
                client_id: "c".into(),
                tenant: "t".into(),
                credential: StoredCredential::Secret(ClientSecret::new(S)),
            }
        ),
    ];
    for text in &texts {
        assert!(!text.contains(S), "{text}");
    }
    assert_eq!(texts.len(), 27);
}

/// What `--debug` and `--verbose` say: each request and its answer with status and time, a
/// retry and why, the files read and written, az's closing line; stdout is unchanged.
#[tokio::test(flavor = "multi_thread")]
async fn debug_and_verbose_say_what_happened() {
    use azlogin::emulator::Scenario;

    let mut scenario = Scenario::default_scenario();
    scenario.faults = vec![Fault {
        endpoint: FaultEndpoint::Token,
        grant_type: Some("password".into()),
        times: Some(1),
        serve: serde_json::from_str(r#"{"kind": "status", "status": 503, "retry_after": "0"}"#)
            .expect("fault"),
    }];
    let env = TestEnv::with_scenario(scenario).await;
    let run = env
        .run(&["login", "-u", USER, "-p", PASSWORD, "--debug"])
        .await
        .ok();
    let token = format!("POST {}/organizations/oauth2/v2.0/token", env.url());
    for expected in [
        "DEBUG: azlogin.cli: Command: az login\n".to_string(),
        format!("DEBUG: azlogin.http: Request: {token}\n"),
        format!("DEBUG: azlogin.http: Response: 503 from {token} in "),
        format!("DEBUG: azlogin.http: Retried {token} after 0 ms: HTTP 503 (retry 1 of 3)\n"),
        format!("DEBUG: azlogin.http: Response: 200 from {token} in "),
        format!(
            "DEBUG: azlogin.http: Request: GET {}/tenants?api-version=2022-12-01\n",
            env.url()
        ),
        format!(
            "DEBUG: azlogin.store: Wrote {} (",
            env.path("msal_token_cache.json").display()
        ),
        format!(
            "DEBUG: azlogin.store: Wrote {} (",
            env.path("azureProfile.json").display()
        ),
        "INFO: azlogin.cli: Command ran in ".to_string(),
    ] {
        assert!(run.stderr.contains(&expected), "{expected}: {}", run.stderr);
    }

    let plain = env.run(&["account", "list"]).await.ok();
    let verbose = env.run(&["account", "list", "--verbose"]).await.ok();
    assert_eq!(verbose.stdout, plain.stdout);
    assert!(plain.stderr.is_empty(), "{plain:?}");
    let lines: Vec<&str> = verbose.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{verbose:?}");
    let line = lines[0];
    assert!(
        line.starts_with("INFO: Command ran in ")
            && line.contains(" seconds (init: ")
            && line.contains(", invoke: ")
            && line.ends_with(')'),
        "{line}"
    );
}
