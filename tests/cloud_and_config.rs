//! Clouds, HTTPS trust, proxies and `config`.

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn https_emulator_is_trusted_through_requests_ca_bundle() {
    if skipped_under_wine(WINE_TLS) {
        return;
    }
    let env = TestEnv::with_options(azlogin::emulator::Scenario::default_scenario(), true).await;
    assert!(env.url().starts_with("https://localhost:"), "{}", env.url());
    let untrusted = env.login_password_with(&[]).await;
    assert_eq!(untrusted.code, 1, "{untrusted:?}");
    assert!(
        untrusted
            .stderr
            .contains("Failed to reach https://localhost:"),
        "{untrusted:?}"
    );
    for var in ["REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"] {
        let mut cmd = env.command(&["login", "-u", USER, "-p", PASSWORD]);
        cmd.env(var, env.ca_path());
        let out = cmd.output().expect("runs");
        assert!(
            out.status.success(),
            "{var}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Contoso Production"));
    }
    let mut missing = env.command(&["account", "list"]);
    missing.env("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem");
    let out = missing.output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("REQUESTS_CA_BUNDLE is set to '/nonexistent/ca.pem'")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn proxies_are_used_and_no_proxy_reaches_loopback_directly() {
    let env = TestEnv::start().await;
    // A proxy that hangs up on every connection. It stays bound for the whole test, so no
    // other test's server can take its port.
    let hangup = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let proxy = format!(
        "http://127.0.0.1:{}",
        hangup.local_addr().expect("addr").port()
    );
    std::thread::spawn(move || {
        for connection in hangup.incoming() {
            drop(connection);
        }
    });
    let mut through_proxy = env.command(&["login", "-u", USER, "-p", PASSWORD]);
    through_proxy
        .env("HTTP_PROXY", &proxy)
        .env("HTTPS_PROXY", &proxy);
    let out = through_proxy.output().expect("runs");
    assert_eq!(out.status.code(), Some(1), "the request went to the proxy");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Failed to reach"));
    let mut bypass = env.command(&["login", "-u", USER, "-p", PASSWORD]);
    bypass
        .env("HTTP_PROXY", &proxy)
        .env("HTTPS_PROXY", &proxy)
        .env("NO_PROXY", "127.0.0.1");
    let out = bypass.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn config_set_get_unset_and_env_override() {
    let env = TestEnv::start().await;
    env.run(&[
        "config",
        "set",
        "core.login_experience_v2=off",
        "core.output=json",
    ])
    .await
    .ok();
    let config = String::from_utf8(env.read("config")).expect("utf8");
    assert!(
        config.contains(
            "[core]\ninstance_discovery = false\nlogin_experience_v2 = off\noutput = json\n"
        ),
        "{config}"
    );
    let got = env
        .run(&["config", "get", "core.login_experience_v2"])
        .await
        .ok()
        .json();
    assert_eq!(got["name"], "login_experience_v2");
    assert_eq!(got["value"], "off");
    let mut overridden = env.command(&["config", "get", "core.login_experience_v2"]);
    overridden.env("AZURE_CORE_LOGIN_EXPERIENCE_V2", "on");
    let out = overridden.output().expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (v["value"].as_str(), v["source"].as_str()),
        (Some("on"), Some("AZURE_CORE_LOGIN_EXPERIENCE_V2"))
    );
    env.run(&["config", "unset", "core.login_experience_v2"])
        .await
        .ok();
    let missing = env
        .run(&["config", "get", "core.login_experience_v2"])
        .await;
    assert_eq!(missing.code, 1);
    env.login_password().await;
    let mut login_bad = env.command(&["login", "-u", USER, "-p", PASSWORD]);
    login_bad.env("AZURE_CORE_COLLECT_TELEMETRY", "maybe");
    let out = login_bad.output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("collect_telemetry"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_config_dir_prepared_by_az_is_read_as_is() {
    // The files az 2.91.0 wrote after `az cloud register`, `az cloud set` and
    // `az config set core.instance_discovery=false`, plus its login.
    let dir = tempfile::tempdir().expect("tempdir");
    for name in [
        "clouds.config",
        "config",
        "azureProfile.json",
        "msal_token_cache.json",
    ] {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden/az-password-login")
            .join(name);
        std::fs::copy(src, dir.path().join(name)).expect("copy");
    }
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_azlogin"))
            .args(args)
            .env_clear()
            .env("AZURE_CONFIG_DIR", dir.path())
            .env("HOME", dir.path())
            .output()
            .expect("runs")
    };
    let show = run(&["cloud", "show"]);
    let cloud: serde_json::Value = serde_json::from_slice(&show.stdout).expect("json");
    assert_eq!(cloud["name"], "FakeCloud");
    assert_eq!(cloud["isActive"], true);
    assert_eq!(
        cloud["endpoints"]["activeDirectory"],
        "https://localhost:8443"
    );
    assert_eq!(
        cloud["endpoints"]["resourceManager"],
        "https://localhost:8443/"
    );
    let list = run(&["account", "list"]);
    assert_eq!(
        String::from_utf8_lossy(&list.stdout),
        include_str!("golden/az-password-login/stdout.txt"),
        "az's own login reads back as az prints it"
    );
    let before = std::fs::read(dir.path().join("azureProfile.json")).expect("read");
    let show = run(&["account", "show"]);
    assert!(show.status.success());
    assert_eq!(
        std::fs::read(dir.path().join("azureProfile.json")).expect("read"),
        before,
        "reading writes nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cloud_register_set_then_login_without_az() {
    let env = TestEnv::start().await;
    std::fs::remove_file(env.path("clouds.config")).expect("start without clouds.config");
    std::fs::remove_file(env.path("config")).expect("start without config");
    let url = env.url();
    env.run(&[
        "cloud",
        "register",
        "-n",
        "MyEmulator",
        "--endpoint-resource-manager",
        &format!("{url}/"),
        "--endpoint-active-directory",
        &url,
        "--endpoint-active-directory-resource-id",
        &format!("{url}/"),
    ])
    .await
    .ok();
    let clouds = String::from_utf8(env.read("clouds.config")).expect("utf8");
    assert!(clouds.starts_with("[MyEmulator]\n"), "{clouds}");
    assert!(
        clouds.contains(&format!("endpoint_resource_manager = {url}/\n")),
        "{clouds}"
    );
    assert!(
        clouds.contains("endpoint_gallery = "),
        "filled from the ARM metadata: {clouds}"
    );
    let again = env
        .run(&[
            "cloud",
            "register",
            "-n",
            "MyEmulator",
            "--endpoint-resource-manager",
            &url,
        ])
        .await;
    assert_eq!(again.code, 1, "{again:?}");
    let before_set = env.run(&["cloud", "show"]).await.ok().json();
    assert_eq!(before_set["name"], "AzureCloud");
    env.run(&["cloud", "set", "-n", "myemulator"]).await.ok();
    let config = String::from_utf8(env.read("config")).expect("utf8");
    assert!(config.contains("[cloud]\nname = MyEmulator\n"), "{config}");
    let listed = env.run(&["cloud", "list"]).await.ok().json();
    let active: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter(|c| c["isActive"] == true)
        .map(|c| c["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(active, ["MyEmulator"]);
    let login = env.login_password_with(&[]).await.ok();
    assert_eq!(login.json()[0]["cloudName"], "MyEmulator");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_active_cloud_can_be_repaired_with_cloud_set() {
    let env = TestEnv::start().await;
    std::fs::write(env.path("config"), "[cloud]\nname = Gone\n\n").expect("write");
    let list = env.run(&["account", "list"]).await;
    assert_eq!(list.code, 1);
    assert!(list.stderr.contains("'Gone'"), "{list:?}");
    env.run(&["cloud", "set", "-n", CLOUD]).await.ok();
    env.run(&["account", "list"]).await.ok();
}
