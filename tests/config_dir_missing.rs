//! `AZURE_CONFIG_DIR` naming a directory that does not exist yet: az (knack) creates it, so a
//! first `az login` on a fresh machine works, and so does `az account clear`.
//!
//! With no `clouds.config` the active cloud is the public one, so the login goes to
//! `login.microsoftonline.com` and `management.azure.com`; a TLS-terminating proxy (trusted
//! through `REQUESTS_CA_BUNDLE`) hands those requests to the emulator.

mod common;

use common::proxy::Proxy;
use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn login_creates_a_missing_config_dir_0700() {
    if skipped_under_wine(WINE_TLS) {
        return;
    }
    let env = TestEnv::start().await;
    let proxy = Proxy::start_mitm(
        &env.url(),
        &["login.microsoftonline.com", "management.azure.com"],
        &env.home.path().join("proxy"),
    )
    .await;
    let missing = env.home.path().join("fresh").join("azure-config");
    assert!(!missing.exists());
    let mut cmd = env.command(&["login", "-u", USER, "-p", PASSWORD]);
    cmd.env("AZURE_CONFIG_DIR", &missing)
        .env("HTTPS_PROXY", &proxy.url)
        .env("REQUESTS_CA_BUNDLE", proxy.ca_path.as_ref().expect("ca"));
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "login into a missing config dir failed:\nstdout: {stdout}\nstderr: {stderr}"
    );
    // The public cloud's warning, then the same tenant warnings as the example.
    assert!(
        stderr.starts_with("WARNING: Starting September 1, 2025, MFA will be gradually enforced for Azure public cloud."),
        "{stderr}"
    );
    let list: serde_json::Value = serde_json::from_str(&stdout).expect("json list");
    assert_eq!(list[0]["name"], "Contoso Production", "{stdout}");
    assert_eq!(list[0]["cloudName"], "AzureCloud", "{stdout}");
    // The requests really went to the emulator through the proxy.
    assert!(
        proxy
            .exchanges()
            .iter()
            .any(|x| x.path == "/tenants" && x.status == 200)
    );

    assert!(missing.is_dir(), "the config dir was created");
    // Created readable by its owner only.
    modes::assert_mode(&missing, 0o700);
    assert!(missing.join("azureProfile.json").is_file());
    modes::assert_mode(&missing.join("msal_token_cache.json"), 0o600);

    // The new dir is an ordinary config dir from now on.
    let mut list_cmd = env.command(&["account", "list"]);
    list_cmd.env("AZURE_CONFIG_DIR", &missing);
    let listed = list_cmd.output().expect("runs");
    assert_eq!(listed.status.code(), Some(0));
    let again: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("json");
    assert_eq!(again[0]["id"], "c0000001-0000-4000-8000-000000000001");
}

#[tokio::test(flavor = "multi_thread")]
async fn account_clear_on_a_missing_config_dir_succeeds() {
    let env = TestEnv::start().await;
    let missing = env.home.path().join("never-created");
    let mut cmd = env.command(&["account", "clear"]);
    cmd.env("AZURE_CONFIG_DIR", &missing);
    let out = cmd.output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    // Whatever it leaves behind is an empty account list, never a token cache.
    assert!(!missing.join("msal_token_cache.json").exists());
    if missing.exists() {
        modes::assert_mode(&missing, 0o700);
        let mut list_cmd = env.command(&["account", "list"]);
        list_cmd.env("AZURE_CONFIG_DIR", &missing);
        let listed = list_cmd.output().expect("runs");
        assert_eq!(listed.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&listed.stdout), "[]\n");
    }
}
