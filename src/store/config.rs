//! az's `config` file as knack 0.14 reads and writes it (`knack/config.py` `CLIConfig`): an INI
//! file in the config dir whose values the environment overrides, `AZURE_<SECTION>_<OPTION>`
//! in upper case winning over the file.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::atomic::atomic_write_with_mode;
use super::config_dir::ConfigDir;
use super::ini_file::read_ini;
use crate::cloud::DEFAULT_CLOUD_NAME;
use crate::error::{Error, Result};
use crate::ini::{DEFAULT_SECTION, Ini};

/// The file's name in the config dir.
const FILE_NAME: &str = "config";

/// knack chmods the file to 0600 after every write.
const FILE_MODE: u32 = 0o600;

/// The spellings knack's `getboolean` accepts (any case), and what they mean.
pub const BOOLEAN_VALUES: [(&str, bool); 8] = [
    ("1", true),
    ("yes", true),
    ("true", true),
    ("on", true),
    ("0", false),
    ("no", false),
    ("false", false),
    ("off", false),
];

type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The `config` file with its environment overrides.
#[derive(Clone)]
pub struct AzConfig {
    path: PathBuf,
    ini: Ini,
    env: EnvLookup,
}

impl fmt::Debug for AzConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzConfig")
            .field("path", &self.path)
            .field("ini", &self.ini)
            .finish_non_exhaustive()
    }
}

impl AzConfig {
    /// Loads `config` from `dir`, with overrides from this process's environment.
    pub fn load(dir: &ConfigDir) -> Result<Self> {
        Self::load_with_env(dir, |name| std::env::var(name).ok())
    }

    /// Loads `config` from `dir`, reading overrides through `env`. A missing file is empty; one
    /// that cannot be parsed is [`Error::CorruptFile`] and is left untouched.
    pub fn load_with_env(
        dir: &ConfigDir,
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Result<Self> {
        let path = dir.file(FILE_NAME);
        let ini = read_ini(&path)?;
        Ok(Self {
            path,
            ini,
            env: Arc::new(env),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The variable that overrides `section.option`, e.g. `AZURE_CORE_OUTPUT`.
    pub fn env_var_name(section: &str, option: &str) -> String {
        format!("AZURE_{}_{}", section.to_uppercase(), option.to_uppercase())
    }

    /// The value of `section.option`: the environment variable when it is set (even to an empty
    /// value, as in knack), else the file's value (options of `[DEFAULT]` count for every
    /// section that exists, as in configparser). Values are raw: `%` is not interpolated.
    pub fn get(&self, section: &str, option: &str) -> Option<String> {
        self.lookup(section, option).map(|(value, _)| value)
    }

    /// `section.option` as a boolean as knack's `getboolean` reads it (`1/yes/true/on`,
    /// `0/no/false/off`, any case), or `default` when unset.
    pub fn get_bool(&self, section: &str, option: &str, default: bool) -> Result<bool> {
        let Some((value, source)) = self.lookup(section, option) else {
            return Ok(default);
        };
        let lower = value.to_lowercase();
        BOOLEAN_VALUES
            .iter()
            .find(|(spelling, _)| *spelling == lower)
            .map(|(_, b)| *b)
            .ok_or_else(|| {
                let allowed: Vec<&str> = BOOLEAN_VALUES.iter().map(|(s, _)| *s).collect();
                Error::Config(format!(
                    "Invalid value '{value}' for '{section}.{option}' (from {source}): use one \
                     of {}.",
                    allowed.join(", ")
                ))
            })
    }

    /// Sets `section.option` in the file as `az config set` does: the file is read again (so
    /// changes made meanwhile are kept), changed, and replaced atomically with mode 0600. The
    /// config dir is created when missing.
    pub fn set(&mut self, section: &str, option: &str, value: &str) -> Result<()> {
        self.update(|ini| {
            ini.set(section, option, value);
            true
        })
        .map(|_| ())
    }

    /// Removes `section.option` from the file (the section stays, as in knack); says whether it
    /// was there. Nothing is written when it was not.
    pub fn unset(&mut self, section: &str, option: &str) -> Result<bool> {
        self.update(|ini| ini.remove(section, option))
    }

    /// `core.login_experience_v2`: show the subscription selector after login (default on).
    pub fn login_experience_v2(&self) -> Result<bool> {
        self.get_bool("core", "login_experience_v2", true)
    }

    /// `core.output`: the default output format (default `json`).
    pub fn output(&self) -> String {
        self.get("core", "output").unwrap_or_else(|| "json".into())
    }

    /// `core.no_color` (default off).
    pub fn no_color(&self) -> Result<bool> {
        self.get_bool("core", "no_color", false)
    }

    /// `core.only_show_errors`: hide warnings (default off).
    pub fn only_show_errors(&self) -> Result<bool> {
        self.get_bool("core", "only_show_errors", false)
    }

    /// `core.instance_discovery`: let MSAL validate the authority (default on).
    pub fn instance_discovery(&self) -> Result<bool> {
        self.get_bool("core", "instance_discovery", true)
    }

    /// `core.encrypt_token_cache`: keep the token cache and service principal store in the
    /// protected `.bin` files (default on on Windows only, as az's `should_encrypt_token_cache`).
    pub fn encrypt_token_cache(&self) -> Result<bool> {
        self.get_bool(
            "core",
            "encrypt_token_cache",
            super::platform::ENCRYPT_TOKEN_CACHE_BY_DEFAULT,
        )
    }

    /// `core.enable_broker_on_windows`: sign in through WAM on Windows (default on, as in az's
    /// `_create_identity_instance`).
    pub fn enable_broker_on_windows(&self) -> Result<bool> {
        self.get_bool("core", "enable_broker_on_windows", true)
    }

    /// `core.collect_telemetry` (default on).
    pub fn collect_telemetry(&self) -> Result<bool> {
        self.get_bool("core", "collect_telemetry", true)
    }

    /// `core.theme`: `dark` (default), `light`, `cloud-shell` or `none`.
    pub fn theme(&self) -> String {
        self.get("core", "theme").unwrap_or_else(|| "dark".into())
    }

    /// `cloud.name`: the active cloud (default `AzureCloud`; `AZURE_CLOUD_NAME` overrides).
    pub fn cloud_name(&self) -> String {
        self.get("cloud", "name")
            .unwrap_or_else(|| DEFAULT_CLOUD_NAME.into())
    }

    /// The value and where it came from.
    fn lookup(&self, section: &str, option: &str) -> Option<(String, String)> {
        let var = Self::env_var_name(section, option);
        if let Some(value) = (self.env)(&var) {
            return Some((value, var));
        }
        let value = self.ini.get(section, option).or_else(|| {
            if self.ini.has_section(section) {
                self.ini.get(DEFAULT_SECTION, option)
            } else {
                None
            }
        })?;
        Some((value.to_string(), self.path.display().to_string()))
    }

    /// Re-reads the file, applies `change`, and writes it back when `change` says it changed.
    fn update(&mut self, change: impl FnOnce(&mut Ini) -> bool) -> Result<bool> {
        let mut ini = read_ini(&self.path)?;
        let changed = change(&mut ini);
        if changed {
            if let Some(dir) = self.path.parent() {
                ConfigDir::new(dir).ensure()?;
            }
            atomic_write_with_mode(&self.path, ini.to_string().as_bytes(), FILE_MODE)?;
        }
        self.ini = ini;
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../tests/fixtures/az-password-login/files/config");

    struct Fixture {
        _tmp: tempfile::TempDir,
        dir: ConfigDir,
    }

    fn fixture(config: Option<&[u8]>) -> Fixture {
        let tmp = match tempfile::tempdir() {
            Ok(t) => t,
            Err(e) => panic!("tempdir: {e}"),
        };
        let dir = ConfigDir::new(tmp.path().join(".azure"));
        if let Some(bytes) = config {
            if let Err(e) = dir.ensure() {
                panic!("{e}");
            }
            if let Err(e) = std::fs::write(dir.file("config"), bytes) {
                panic!("{e}");
            }
        }
        Fixture { _tmp: tmp, dir }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn read(path: &Path) -> Vec<u8> {
        std::fs::read(path).unwrap_or_default()
    }

    #[test]
    fn missing_file_gives_az_defaults() -> Result<()> {
        let f = fixture(None);
        let c = AzConfig::load_with_env(&f.dir, no_env)?;
        assert!(c.login_experience_v2()?);
        assert_eq!(c.output(), "json");
        assert!(!c.no_color()?);
        assert!(!c.only_show_errors()?);
        assert!(c.instance_discovery()?);
        assert!(c.collect_telemetry()?);
        assert_eq!(c.theme(), "dark");
        assert_eq!(c.cloud_name(), "AzureCloud");
        assert!(!f.dir.path().exists(), "reading creates nothing");
        Ok(())
    }

    #[test]
    fn reads_the_example() -> Result<()> {
        let f = fixture(Some(EXAMPLE.as_bytes()));
        let c = AzConfig::load_with_env(&f.dir, no_env)?;
        assert_eq!(c.cloud_name(), "FakeCloud");
        assert!(!c.instance_discovery()?);
        assert_eq!(
            c.get("core", "INSTANCE_DISCOVERY").as_deref(),
            Some("false")
        );
        Ok(())
    }

    #[test]
    fn environment_wins_over_the_file() -> Result<()> {
        let f = fixture(Some(EXAMPLE.as_bytes()));
        let c = AzConfig::load_with_env(&f.dir, |name| match name {
            "AZURE_CLOUD_NAME" => Some("AzureChinaCloud".into()),
            "AZURE_CORE_INSTANCE_DISCOVERY" => Some("YES".into()),
            "AZURE_CORE_OUTPUT" => Some(String::new()),
            _ => None,
        })?;
        assert_eq!(c.cloud_name(), "AzureChinaCloud");
        assert!(c.instance_discovery()?);
        assert_eq!(c.output(), "", "a set but empty variable still wins");
        assert_eq!(
            AzConfig::env_var_name("core", "login_experience_v2"),
            "AZURE_CORE_LOGIN_EXPERIENCE_V2"
        );
        Ok(())
    }

    #[test]
    fn booleans_as_knack_reads_them() -> Result<()> {
        for (value, expected) in [
            ("1", true),
            ("Yes", true),
            ("TRUE", true),
            ("on", true),
            ("0", false),
            ("NO", false),
            ("False", false),
            ("oFF", false),
        ] {
            let f = fixture(Some(format!("[core]\nno_color = {value}\n").as_bytes()));
            let c = AzConfig::load_with_env(&f.dir, no_env)?;
            assert_eq!(c.no_color()?, expected, "{value}");
        }
        let f = fixture(Some(b"[core]\nlogin_experience_v2 = maybe\n"));
        let c = AzConfig::load_with_env(&f.dir, no_env)?;
        let Err(e) = c.login_experience_v2() else {
            panic!("'maybe' read as a boolean")
        };
        assert_eq!(e.code(), "config_error");
        let text = e.to_string();
        assert!(text.contains("'maybe'"), "{text}");
        assert!(text.contains("core.login_experience_v2"), "{text}");
        assert!(
            text.contains("1, yes, true, on, 0, no, false, off"),
            "{text}"
        );
        assert!(text.contains("config"), "{text}");

        let c = AzConfig::load_with_env(&f.dir, |n| {
            (n == "AZURE_CORE_LOGIN_EXPERIENCE_V2").then(|| "2".to_string())
        })?;
        let Err(e) = c.login_experience_v2() else {
            panic!("'2' read as a boolean")
        };
        assert!(e.to_string().contains("AZURE_CORE_LOGIN_EXPERIENCE_V2"));
        Ok(())
    }

    #[test]
    fn set_and_unset_write_as_knack() -> Result<()> {
        let f = fixture(None);
        let mut c = AzConfig::load_with_env(&f.dir, no_env)?;
        c.set("cloud", "name", "FakeCloud")?;
        c.set("core", "instance_discovery", "false")?;
        assert_eq!(read(c.path()), EXAMPLE.as_bytes());
        let metadata = std::fs::metadata(c.path()).map_err(|e| Error::store(c.path(), e))?;
        // Windows has no mode; the file keeps its folder's ACL.
        if let Some(mode) = crate::store::platform::mode_of(&metadata) {
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(c.cloud_name(), "FakeCloud");

        // Another writer adds a key meanwhile: it is kept.
        let mut other = AzConfig::load_with_env(&f.dir, no_env)?;
        other.set("core", "output", "table")?;
        c.set("core", "login_experience_v2", "off")?;
        assert_eq!(
            String::from_utf8_lossy(&read(c.path())),
            "[cloud]\nname = FakeCloud\n\n[core]\ninstance_discovery = false\noutput = table\n\
             login_experience_v2 = off\n\n"
        );
        assert!(c.unset("core", "output")?);
        assert!(!c.unset("core", "output")?);
        assert!(!c.unset("nosuch", "output")?);
        assert_eq!(c.get("core", "output"), None);
        Ok(())
    }

    #[test]
    fn corrupt_file_is_reported_and_left_alone() -> Result<()> {
        let bad = b"[core]\noutput = json\noutput = table\n";
        let f = fixture(Some(bad));
        let Err(e) = AzConfig::load_with_env(&f.dir, no_env) else {
            panic!("a corrupt config loaded")
        };
        assert_eq!(e.code(), "corrupt_file");
        let text = e.to_string();
        assert!(
            text.contains(&f.dir.file("config").display().to_string()),
            "{text}"
        );
        assert!(text.contains("line 3"), "{text}");

        // A config loaded before the file went bad refuses to overwrite it.
        std::fs::write(f.dir.file("config"), b"[core]\n").map_err(|e| Error::store("w", e))?;
        let mut c = AzConfig::load_with_env(&f.dir, no_env)?;
        std::fs::write(f.dir.file("config"), bad).map_err(|e| Error::store("w", e))?;
        assert!(c.set("core", "output", "yaml").is_err());
        assert_eq!(read(&f.dir.file("config")), bad);
        Ok(())
    }

    #[test]
    fn default_section_applies_to_existing_sections() -> Result<()> {
        let f = fixture(Some(b"[DEFAULT]\noutput = tsv\n[core]\n"));
        let c = AzConfig::load_with_env(&f.dir, no_env)?;
        assert_eq!(c.output(), "tsv");
        assert_eq!(c.get("other", "output"), None);
        Ok(())
    }
}
