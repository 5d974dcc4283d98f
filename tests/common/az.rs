//! The real Azure CLI against the emulator: the interop venv's az, emulators over TLS on
//! loopback, and config dirs that az and azlogin run in. Used by the interop suite and by the
//! benchmark.
//!
//! - A *realm* emulator listens on `127.0.0.1:443` for the whole run: MSAL's username/password
//!   flow sends its user-realm discovery to `https://localhost/common/userrealm/…`, dropping the
//!   authority's port, so something must answer on 443. Each [`Emu`] is then an emulator of its
//!   own on a free port (its own request log and scenario); the realm one only answers that lookup.
//! - [`Side`] is one `AZURE_CONFIG_DIR` + `HOME` and the environment both tools run with.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{LazyLock, OnceLock};

use azlogin::emulator::{EmulatorOptions, RunningEmulator, Scenario};

use super::{CLOUD, Run};

/// The files az and azlogin share.
pub const SHARED_FILES: [&str; 4] = [
    "config",
    "clouds.config",
    "azureProfile.json",
    "msal_token_cache.json",
];

/// The az version the suite pins (see `install-az.sh`).
const AZ_VERSION: &str = "2.91.0";

/// The real az of the interop venv (`AZLOGIN_AZ_VENV`, else `target/interop/az-venv`), checked
/// to be the pinned version, or why it cannot be used.
pub fn find_az() -> Result<PathBuf, String> {
    let venv = match std::env::var_os("AZLOGIN_AZ_VENV") {
        Some(v) => PathBuf::from(v),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/interop/az-venv"),
    };
    let az = venv.join("bin/az");
    let hint = "run tests/interop/install-az.sh (scripts/test-all.sh does), or set \
                AZLOGIN_SKIP_INTEROP=1 to skip the interop suite";
    if !az.exists() {
        return Err(format!(
            "the Azure CLI is not installed at {}: {hint}",
            az.display()
        ));
    }
    let version = Command::new(venv.join("bin/python"))
        .args([
            "-c",
            "import importlib.metadata as m; print(m.version('azure-cli'))",
        ])
        .output()
        .map_err(|e| format!("cannot run the venv's python: {e}; {hint}"))?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    if version != AZ_VERSION {
        return Err(format!(
            "{} holds azure-cli '{version}', not {AZ_VERSION}: {hint}",
            venv.display()
        ));
    }
    Ok(az)
}

/// One runtime for every emulator of the run, so they outlive any single test.
pub static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
});

/// The emulator on 127.0.0.1:443 and its CA.
pub struct Realm {
    _emulator: RunningEmulator,
    ca: PathBuf,
    _dir: tempfile::TempDir,
}

/// The emulator on 127.0.0.1:443 answering MSAL's user-realm discovery (started once), or why
/// it cannot run.
pub fn realm() -> Result<&'static Realm, String> {
    static REALM: OnceLock<Result<Realm, String>> = OnceLock::new();
    let realm = REALM.get_or_init(|| {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let emulator = RUNTIME
            .block_on(azlogin::emulator::start(EmulatorOptions {
                port: 443,
                tls_cert_dir: Some(dir.path().join("certs")),
                ..EmulatorOptions::default()
            }))
            .map_err(|e| {
                format!(
                    "{e}. `az login -u/-p` sends MSAL's user-realm discovery to \
                     https://localhost:443 whatever the authority's port, so the interop suite \
                     serves it from 127.0.0.1:443. Binding it needs root, CAP_NET_BIND_SERVICE or \
                     net.ipv4.ip_unprivileged_port_start<=443, and the port must be free."
                )
            })?;
        let ca = emulator
            .ca_cert_path()
            .ok_or("the realm emulator has no CA")?
            .to_path_buf();
        Ok(Realm {
            _emulator: emulator,
            ca,
            _dir: dir,
        })
    });
    realm.as_ref().map_err(Clone::clone)
}

/// A test's own emulator over TLS, with a CA bundle trusting it and the realm emulator.
pub struct Emu {
    pub emulator: RunningEmulator,
    /// `https://localhost:PORT`, no trailing slash.
    pub url: String,
    /// The PEM bundle for `REQUESTS_CA_BUNDLE`.
    pub ca_bundle: PathBuf,
    _dir: tempfile::TempDir,
}

impl Emu {
    /// The default scenario (the reference's tenants and user).
    pub fn start() -> Emu {
        Self::with_scenario(Scenario::default_scenario())
    }

    pub fn with_scenario(scenario: Scenario) -> Emu {
        let realm = realm().unwrap_or_else(|why| panic!("{why}"));
        let dir = tempfile::tempdir().expect("tempdir");
        let emulator = RUNTIME
            .block_on(azlogin::emulator::start(EmulatorOptions {
                port: 0,
                scenario,
                tls_cert_dir: Some(dir.path().join("certs")),
                ..EmulatorOptions::default()
            }))
            .expect("emulator starts");
        let url = emulator.url().trim_end_matches('/').to_string();
        let mut bundle = std::fs::read(emulator.ca_cert_path().expect("TLS")).expect("CA");
        bundle.extend(std::fs::read(&realm.ca).expect("realm CA"));
        let ca_bundle = dir.path().join("bundle.pem");
        std::fs::write(&ca_bundle, bundle).expect("bundle");
        Emu {
            emulator,
            url,
            ca_bundle,
            _dir: dir,
        }
    }

    /// How many token requests with this grant type it answered so far.
    pub fn grants(&self, grant: &str) -> usize {
        super::grants(&self.emulator, grant)
    }
}

/// Which program a command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Az,
    Azlogin,
}

/// One config dir and HOME, and the environment both tools run with.
pub struct Side {
    pub dir: tempfile::TempDir,
    home: tempfile::TempDir,
    ca_bundle: PathBuf,
    az: PathBuf,
}

impl Side {
    /// A fresh, empty config dir.
    pub fn new(az: &Path, emu: &Emu) -> Side {
        Side {
            dir: tempfile::tempdir().expect("tempdir"),
            home: tempfile::tempdir().expect("tempdir"),
            ca_bundle: emu.ca_bundle.clone(),
            az: az.to_path_buf(),
        }
    }

    /// A fresh dir in which `tool` registered and selected `emu`'s cloud, then ran `login`
    /// (asserted to succeed; its run is returned).
    pub fn logged_in(az: &Path, emu: &Emu, tool: Tool, login: &[&str]) -> (Side, Run) {
        let side = Side::new(az, emu);
        side.register_cloud(tool, emu);
        let run = side.run(tool, login).ok();
        (side, run)
    }

    /// A new side whose config dir is a byte-for-byte copy of this one's.
    pub fn copy(&self) -> Side {
        let side = Side {
            dir: tempfile::tempdir().expect("tempdir"),
            home: tempfile::tempdir().expect("tempdir"),
            ca_bundle: self.ca_bundle.clone(),
            az: self.az.clone(),
        };
        for name in SHARED_FILES {
            let from = self.path(name);
            if from.exists() {
                std::fs::copy(&from, side.path(name)).expect("copy");
            }
        }
        side
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A shared file's text ("" when it does not exist).
    pub fn read(&self, name: &str) -> String {
        match std::fs::read(self.path(name)) {
            Ok(bytes) => String::from_utf8(bytes).expect("utf8"),
            Err(_) => String::new(),
        }
    }

    pub fn read_json(&self, name: &str) -> serde_json::Value {
        serde_json::from_str(self.read(name).trim_start_matches('\u{feff}'))
            .unwrap_or_else(|e| panic!("{name} does not parse: {e}"))
    }

    /// The environment: this side's dirs, the CA bundle, no telemetry or survey, no colour, and
    /// a dead proxy for anything that is not loopback, so neither tool can reach the internet.
    fn vars(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("AZURE_CONFIG_DIR", self.dir.path().into()),
            ("HOME", self.home.path().into()),
            ("TZ", "UTC".into()),
            ("LANG", "C.UTF-8".into()),
            ("REQUESTS_CA_BUNDLE", self.ca_bundle.clone().into()),
            ("AZURE_CORE_COLLECT_TELEMETRY", "false".into()),
            ("AZURE_CORE_SURVEY_MESSAGE", "false".into()),
            ("AZURE_CORE_NO_COLOR", "true".into()),
            ("HTTPS_PROXY", "http://127.0.0.1:9".into()),
            ("HTTP_PROXY", "http://127.0.0.1:9".into()),
            ("NO_PROXY", "localhost,127.0.0.1".into()),
        ]
    }

    pub fn command(&self, tool: Tool, args: &[&str]) -> Command {
        let program: &Path = match tool {
            Tool::Az => &self.az,
            Tool::Azlogin => Path::new(env!("CARGO_BIN_EXE_azlogin")),
        };
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_clear()
            .envs(self.vars())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `tool args…` here to completion, whatever its outcome.
    pub fn run(&self, tool: Tool, args: &[&str]) -> Run {
        let out = self
            .command(tool, args)
            .output()
            .unwrap_or_else(|e| panic!("{tool:?} runs: {e}"));
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn az(&self, args: &[&str]) -> Run {
        self.run(Tool::Az, args)
    }

    pub fn azlogin(&self, args: &[&str]) -> Run {
        self.run(Tool::Azlogin, args)
    }

    /// Registers and selects the emulator's cloud and turns instance discovery off, with `tool`'s
    /// own `cloud register`, `cloud set` and `config set`.
    pub fn register_cloud(&self, tool: Tool, emu: &Emu) {
        let (login, arm) = (emu.url.clone(), format!("{}/", emu.url));
        self.run(
            tool,
            &[
                "cloud",
                "register",
                "-n",
                CLOUD,
                "--endpoint-active-directory",
                &login,
                "--endpoint-resource-manager",
                &arm,
                "--endpoint-active-directory-resource-id",
                &arm,
            ],
        )
        .ok();
        self.run(tool, &["cloud", "set", "-n", CLOUD]).ok();
        self.run(tool, &["config", "set", "core.instance_discovery=false"])
            .ok();
    }
}
