//! Shared harness for the flow tests: an emulator on loopback, a temporary config dir and HOME
//! registered with a custom cloud pointing at it, and the real `azlogin` binary run against it.
#![allow(dead_code)]

pub mod az;
pub mod browser;
pub mod federated;
pub mod modes;
pub mod proxy;
// A Unix pseudo-terminal: Windows consoles are not driven this way (see login_selector_pty.rs).
#[cfg(unix)]
pub mod pty;
pub mod usage_rules;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use azlogin::emulator::{EmulatorOptions, RunningEmulator, Scenario};

/// The cloud name the golden az example used.
pub const CLOUD: &str = "FakeCloud";
pub const USER: &str = "user@contoso.example";
pub const PASSWORD: &str = "Passw0rd!";
pub const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
pub const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
pub const WOODGROVE: &str = "33333333-3333-4333-8333-333333333333";

/// What a command printed.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// Asserts exit code 0.
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "command failed: {self:?}");
        self
    }

    /// Asserts exit code 1, azlogin's code for an error (az's too).
    pub fn failed(self) -> Self {
        assert_eq!(self.code, 1, "expected exit code 1: {self:?}");
        self
    }
}

/// Why the HTTPS tests with the emulator's own CA do not run under Wine: the HTTPS client cannot
/// be built there with extra roots or a pinned certificate (Wine 8's crypt32 answers
/// E_INVALIDARG to the certificate chain engine rustls-platform-verifier asks for).
pub const WINE_TLS: &str =
    "no HTTPS client with the emulator's CA under Wine 8 (crypt32: E_INVALIDARG)";

/// True, after saying why on stderr (past the test harness's capture), when the test runs under
/// Wine: scripts/windows.sh sets `AZLOGIN_UNDER_WINE=1`. Only what Wine cannot do skips this way.
pub fn skipped_under_wine(reason: &str) -> bool {
    let wine = std::env::var_os("AZLOGIN_UNDER_WINE").is_some_and(|v| v == "1");
    if wine {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "skipped under Wine: {reason}");
    }
    wine
}

pub struct TestEnv {
    pub emulator: RunningEmulator,
    pub config_dir: tempfile::TempDir,
    pub home: tempfile::TempDir,
}

pub fn scenario_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
}

pub fn load_scenario(name: &str) -> Scenario {
    Scenario::from_file(&scenario_file(name)).expect("scenario loads")
}

impl TestEnv {
    pub async fn start() -> TestEnv {
        Self::with_scenario(Scenario::default_scenario()).await
    }

    pub async fn with_scenario(scenario: Scenario) -> TestEnv {
        Self::with_options(scenario, false).await
    }

    /// With `tls`, the emulator serves https with a CA written to `<config dir>/../ca.pem`'s
    /// own temp dir (see [`TestEnv::ca_path`]).
    pub async fn with_options(scenario: Scenario, tls: bool) -> TestEnv {
        let config_dir = tempfile::tempdir().expect("tempdir");
        let home = tempfile::tempdir().expect("tempdir");
        let emulator = azlogin::emulator::start(EmulatorOptions {
            port: 0,
            scenario,
            latency: std::time::Duration::ZERO,
            tls_cert_dir: tls.then(|| home.path().join("certs")),
            log_requests: false,
            seed: None,
        })
        .await
        .expect("emulator starts");
        let url = emulator.url().trim_end_matches('/').to_string();
        std::fs::write(
            config_dir.path().join("clouds.config"),
            format!(
                "[{CLOUD}]\nendpoint_active_directory = {url}\nendpoint_active_directory_resource_id = {url}/\nendpoint_resource_manager = {url}/\n\n"
            ),
        )
        .expect("clouds.config");
        std::fs::write(
            config_dir.path().join("config"),
            format!("[cloud]\nname = {CLOUD}\n\n[core]\ninstance_discovery = false\n\n"),
        )
        .expect("config");
        TestEnv {
            emulator,
            config_dir,
            home,
        }
    }

    /// The emulator's CA certificate (TLS only).
    pub fn ca_path(&self) -> PathBuf {
        self.emulator
            .ca_cert_path()
            .expect("a TLS emulator")
            .to_path_buf()
    }

    pub fn url(&self) -> String {
        self.emulator.url().trim_end_matches('/').to_string()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.config_dir.path().join(name)
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    pub fn read_json(&self, name: &str) -> serde_json::Value {
        let bytes = self.read(name);
        let text = String::from_utf8(bytes).expect("utf8");
        serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("json")
    }

    /// The environment commands run with: this env's config dir and HOME, and nothing else
    /// from the outside.
    pub fn vars(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("AZURE_CONFIG_DIR", self.config_dir.path().into()),
            ("HOME", self.home.path().into()),
            ("TZ", "UTC".into()),
            // The plaintext token cache az keeps with encryption off, which is the default
            // except on Windows: these tests read msal_token_cache.json on every platform. The
            // DPAPI-protected .bin files of the Windows default are tested in tests/windows/.
            ("AZURE_CORE_ENCRYPT_TOKEN_CACHE", "false".into()),
            // No WAM notice before a browser login's own lines (it is read on Windows only, and
            // tested on its own).
            ("AZURE_CORE_ENABLE_BROKER_ON_WINDOWS", "false".into()),
        ]
    }

    /// `azlogin args…` in this env.
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_azlogin"));
        cmd.args(args)
            .env_clear()
            .envs(self.vars())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `azlogin args…` to completion.
    pub async fn run(&self, args: &[&str]) -> Run {
        self.run_with_env::<&str>(&[], args).await
    }

    /// Runs `azlogin args…` to completion with extra environment variables.
    pub async fn run_with_env<V: AsRef<std::ffi::OsStr>>(
        &self,
        vars: &[(&str, V)],
        args: &[&str],
    ) -> Run {
        let mut cmd = self.command(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        run_command(cmd).await
    }

    /// Logs in with the password flow and asserts success.
    pub async fn login_password(&self) -> Run {
        self.login_password_with(&[]).await.ok()
    }

    /// `azlogin login -u USER -p PASSWORD extra…`, whatever its outcome.
    pub async fn login_password_with(&self, extra: &[&str]) -> Run {
        let mut args = vec!["login", "-u", USER, "-p", PASSWORD];
        args.extend_from_slice(extra);
        self.run(&args).await
    }

    /// The paths of every request the emulator answered, in order.
    #[allow(dead_code)]
    pub fn requests(&self) -> Vec<String> {
        self.emulator
            .request_log()
            .into_iter()
            .map(|r| r.path)
            .collect()
    }

    /// Marks every cached access token expired, so the next token request goes to the server.
    pub fn expire_cached_access_tokens(&self) {
        let mut cache = self.read_json("msal_token_cache.json");
        if let Some(ats) = cache["AccessToken"].as_object_mut() {
            for at in ats.values_mut() {
                at["expires_on"] = serde_json::json!("1000");
            }
        }
        std::fs::write(
            self.path("msal_token_cache.json"),
            serde_json::to_string_pretty(&cache).expect("json"),
        )
        .expect("write the cache");
    }

    /// How many token requests with this grant type the emulator saw.
    pub fn grants(&self, grant: &str) -> usize {
        grants(&self.emulator, grant)
    }
}

/// Runs a prepared command to completion off the async runtime.
pub async fn run_command(mut cmd: std::process::Command) -> Run {
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("the command runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// How many token requests with this grant type an emulator answered so far.
pub fn grants(emulator: &RunningEmulator, grant: &str) -> usize {
    emulator
        .request_log()
        .iter()
        .filter(|r| r.grant_type.as_deref() == Some(grant))
        .count()
}

/// Replaces the random trace/correlation ids and timestamps in AADSTS messages.
pub fn normalize_aadsts(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        match line.find(" Trace ID: ") {
            Some(i) => {
                out.push_str(&line[..i]);
                out.push_str(" Trace ID: <trace> Correlation ID: <corr> Timestamp: <time>");
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            None => out.push_str(line),
        }
    }
    out
}
