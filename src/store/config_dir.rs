//! Where az keeps its files: `$AZURE_CONFIG_DIR`, else `~/.azure` (`get_config_dir` in
//! `azure/cli/core/_environment.py`).

use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::platform;
use crate::error::{Error, Result};

/// The variable that names the config dir.
const CONFIG_DIR_VAR: &str = "AZURE_CONFIG_DIR";

/// The config dir (it may not exist yet; see [`ConfigDir::ensure`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigDir {
    path: PathBuf,
}

impl ConfigDir {
    /// The config dir at `path`, used as given.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The config dir this process's environment names.
    pub fn from_env() -> Result<Self> {
        Self::from_env_with(|name| std::env::var_os(name))
    }

    /// The config dir as az finds it, reading variables through `env`: `AZURE_CONFIG_DIR` used
    /// as-is (a `~` in it is not expanded, an empty value counts as unset), else `.azure` in the
    /// home directory as Python's `expanduser` finds it: `$HOME`, else the password database's
    /// entry, on Unix; `%USERPROFILE%`, else `%HOMEDRIVE%%HOMEPATH%`, on Windows.
    pub fn from_env_with(env: impl Fn(&str) -> Option<OsString>) -> Result<Self> {
        if let Some(dir) = env(CONFIG_DIR_VAR).filter(|d| !d.is_empty()) {
            return Ok(Self::new(dir));
        }
        let home = platform::home_dir(&env).ok_or_else(|| {
            Error::Config(format!(
                "Cannot find the home directory for the config dir: set {} or AZURE_CONFIG_DIR.",
                platform::HOME_VARIABLE
            ))
        })?;
        Ok(Self::new(home.join(".azure")))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of a file in the directory, e.g. `file("clouds.config")`.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Creates the directory (and missing parents) with mode 0700 when it does not exist (on
    /// Windows with the ACL inherited from its parent, as az's); an existing one is left as it
    /// is.
    pub fn ensure(&self) -> Result<()> {
        match std::fs::metadata(&self.path) {
            Ok(m) if m.is_dir() => return Ok(()),
            Ok(_) => {
                return Err(Error::store(
                    &self.path,
                    "exists but is not a directory; move it away or set AZURE_CONFIG_DIR to \
                     another path",
                ));
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(Error::store(&self.path, e)),
        }
        platform::create_dir_private(&self.path)
            .map_err(|e| Error::store(&self.path, format!("cannot create the config dir: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn azure_config_dir_wins_and_is_not_expanded() -> Result<()> {
        let dir = ConfigDir::from_env_with(env(&[
            ("AZURE_CONFIG_DIR", "~/custom"),
            ("HOME", "/home/u"),
        ]))?;
        assert_eq!(dir.path(), Path::new("~/custom"));
        assert_eq!(dir.file("config"), Path::new("~/custom/config"));
        Ok(())
    }

    #[test]
    fn empty_or_missing_variable_means_home() -> Result<()> {
        for pairs in [
            // HOME on Unix, USERPROFILE on Windows.
            &[
                ("AZURE_CONFIG_DIR", ""),
                ("HOME", "/home/u"),
                ("USERPROFILE", "/home/u"),
            ][..],
            &[("HOME", "/home/u"), ("USERPROFILE", "/home/u")][..],
        ] {
            let dir = ConfigDir::from_env_with(env(pairs))?;
            assert_eq!(dir.path(), Path::new("/home/u/.azure"));
        }
        Ok(())
    }

    #[test]
    fn ensure_creates_and_keeps_existing() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::store("tempdir", e))?;
        let dir = ConfigDir::new(tmp.path().join("a/b/.azure"));
        dir.ensure()?;
        assert!(dir.path().is_dir());
        dir.ensure()?;

        let file = tmp.path().join("file");
        std::fs::write(&file, b"x").map_err(|e| Error::store(&file, e))?;
        let Err(e) = ConfigDir::new(&file).ensure() else {
            panic!("a file accepted as the config dir")
        };
        assert_eq!(e.code(), "store_error");
        assert!(e.to_string().contains("not a directory"));
        Ok(())
    }
}

/// Modes: Unix only.
#[cfg(all(test, unix))]
mod unix_tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn ensure_creates_0700() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::store("tempdir", e))?;
        let dir = ConfigDir::new(tmp.path().join("a/b/.azure"));
        dir.ensure()?;
        let mode = std::fs::metadata(dir.path())
            .map_err(|e| Error::store(dir.path(), e))?
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        Ok(())
    }
}
