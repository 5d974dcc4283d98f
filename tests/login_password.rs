//! `azlogin login -u -p` against the emulator: az's exact stdout and stderr, and az's files.

mod common;

use common::*;

const GOLDEN_STDOUT: &str = include_str!("golden/az-password-login/stdout.txt");
const GOLDEN_STDERR: &str = include_str!("golden/az-password-login/stderr.txt");

/// The one line azlogin adds to az's stderr on purpose: the exact command for the MFA tenant.
const MFA_GUIDANCE: &str = "WARNING: Tenant 33333333-3333-4333-8333-333333333333 'Woodgrove MFA' requires multi-factor authentication. To use its subscriptions, run: azlogin login --tenant 33333333-3333-4333-8333-333333333333\n";

#[tokio::test(flavor = "multi_thread")]
async fn password_login_prints_what_az_prints() {
    let env = TestEnv::start().await;
    let run = env.login_password().await;
    assert_eq!(run.stdout, GOLDEN_STDOUT);
    assert_eq!(
        normalize_aadsts(&run.stderr),
        normalize_aadsts(&format!("{GOLDEN_STDERR}{MFA_GUIDANCE}"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn password_login_writes_az_shaped_files() {
    let env = TestEnv::start().await;
    env.login_password().await;
    let profile = env.read("azureProfile.json");
    assert!(profile.starts_with("\u{feff}{\"subscriptions\": [{\"id\": \"c0000001-0000-4000-8000-000000000001\", \"name\": \"Contoso Production\", \"state\": \"Enabled\", \"user\": {\"name\": \"user@contoso.example\", \"type\": \"user\"}, \"isDefault\": true, \"tenantId\": \"11111111-1111-4111-8111-111111111111\", \"environmentName\": \"FakeCloud\", \"homeTenantId\": \"11111111-1111-4111-8111-111111111111\", \"tenantDefaultDomain\": \"contoso.example\", \"tenantDisplayName\": \"Contoso\", \"managedByTenants\": []}, ".as_bytes()));
    let text = String::from_utf8(profile).expect("utf8");
    assert!(text.contains("], \"installationId\": \""), "{text}");

    let cache = env.read_json("msal_token_cache.json");
    let realms = |section: &str| {
        let mut r: Vec<String> = cache[section]
            .as_object()
            .expect("section")
            .values()
            .map(|e| e["realm"].as_str().unwrap_or("").to_string())
            .collect();
        r.sort();
        r
    };
    assert_eq!(
        realms("AccessToken"),
        [
            "11111111-1111-4111-8111-111111111111",
            "22222222-2222-4222-8222-222222222222",
            "organizations"
        ]
    );
    assert_eq!(
        realms("IdToken"),
        [
            "11111111-1111-4111-8111-111111111111",
            "22222222-2222-4222-8222-222222222222",
            "organizations"
        ]
    );
    assert_eq!(realms("Account"), ["organizations"]);
    assert_eq!(cache["RefreshToken"].as_object().map(|m| m.len()), Some(1));
    let sections: Vec<&String> = cache.as_object().expect("object").keys().collect();
    assert_eq!(
        sections,
        [
            "AccessToken",
            "Account",
            "IdToken",
            "RefreshToken",
            "AppMetadata"
        ]
    );
    let raw = String::from_utf8(env.read("msal_token_cache.json")).expect("utf8");
    assert!(
        raw.starts_with("{\n    \"AccessToken\": {\n        \""),
        "indent 4"
    );
    assert!(!raw.ends_with('\n'), "no trailing newline, as json.dumps");

    modes::assert_mode(&env.path("msal_token_cache.json"), 0o600);
    let clouds = String::from_utf8(env.read("clouds.config")).expect("utf8");
    assert!(
        clouds.contains("subscription = c0000001-0000-4000-8000-000000000001\n"),
        "{clouds}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_is_an_entra_error_and_writes_nothing() {
    let env = TestEnv::start().await;
    let run = env.run(&["login", "-u", USER, "-p", "wrong"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("ERROR: AADSTS50126"), "{run:?}");
    assert!(!env.path("azureProfile.json").exists());
    assert!(!env.path("msal_token_cache.json").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn password_without_a_terminal_is_refused_after_the_warning() {
    let env = TestEnv::start().await;
    let run = env.run(&["login", "-u", USER]).await;
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "WARNING: Using authentication with username and password in the command line is strongly discouraged. Consider using one of the recommended authentication methods. For more details, see https://go.microsoft.com/fwlink/?linkid=2276314\nERROR: Please specify both username and password in non-interactive mode.\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    windows,
    ignore = "the terminal is a Unix pseudo-terminal made by script(1)"
)]
async fn password_is_prompted_for_on_a_terminal() {
    use std::io::Write;
    let env = TestEnv::start().await;
    // `script` runs azlogin on a pseudo-terminal and feeds it our stdin.
    let line = format!("{} login -u {USER}", env!("CARGO_BIN_EXE_azlogin"));
    let mut child = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_clear()
        .envs(env.vars())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .expect("type the password");
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    let warning = screen
        .find("Using authentication with username and password")
        .expect("the warning");
    let prompt = screen.find("Password: ").expect("the prompt");
    assert!(
        warning < prompt,
        "the warning comes before the prompt: {screen}"
    );
    assert!(
        screen.contains("\u{1b}[93mUsing authentication"),
        "colour on a terminal: {screen}"
    );
    assert!(
        screen.contains("\"name\": \"Contoso Production\""),
        "{screen}"
    );
}
