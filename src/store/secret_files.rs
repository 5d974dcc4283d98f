//! Which files hold az's secrets and how their bytes are kept, as az 2.91.0 chooses
//! (`build_persistence` in `azure/cli/core/auth/persistence.py`): with
//! `core.encrypt_token_cache` on (the default on Windows only) the token cache is
//! `msal_token_cache.bin` and the service principal store `service_principal_entries.bin`, the
//! same JSON bytes protected for the current user (DPAPI on Windows, msal-extensions'
//! `FilePersistenceWithDataProtection`); with it off they are the plaintext `.json` files.
//!
//! On Linux az would keep the encrypted cache in libsecret; azlogin has no protection there and
//! keeps using the `.json` files whatever the setting says.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use super::config::AzConfig;
use super::platform;
use crate::error::{Error, Result};

/// Protects bytes so only the current user can read them back (DPAPI on Windows).
pub trait DataProtection: fmt::Debug + Send + Sync {
    /// The protected form of `plain`.
    fn protect(&self, plain: &[u8]) -> std::io::Result<Vec<u8>>;
    /// The plain bytes of `protected`; an error when this user cannot decrypt them.
    fn unprotect(&self, protected: &[u8]) -> std::io::Result<Vec<u8>>;
}

/// The token cache and service principal store, as the settings and the platform choose them.
#[derive(Clone, Debug, Default)]
pub struct SecretFiles {
    protection: Option<Arc<dyn DataProtection>>,
}

/// The plaintext token cache.
pub const TOKEN_CACHE_JSON: &str = "msal_token_cache.json";
/// The protected token cache.
pub const TOKEN_CACHE_BIN: &str = "msal_token_cache.bin";
/// The plaintext service principal store.
pub const SERVICE_PRINCIPALS_JSON: &str = "service_principal_entries.json";
/// The protected service principal store.
pub const SERVICE_PRINCIPALS_BIN: &str = "service_principal_entries.bin";

impl SecretFiles {
    /// The plaintext `.json` files.
    pub fn plaintext() -> Self {
        Self { protection: None }
    }

    /// The `.bin` files, protected by `protection`.
    pub fn protected(protection: Arc<dyn DataProtection>) -> Self {
        Self {
            protection: Some(protection),
        }
    }

    /// The files az uses with `config`: `core.encrypt_token_cache` (on by default on Windows)
    /// and this platform's protection. Where there is none (Unix), the setting is not read, so
    /// the `.json` files are used whatever it says, as before azlogin knew of it.
    pub fn from_config(config: &AzConfig) -> Result<Self> {
        match platform::data_protection() {
            Some(protection) => Ok(Self::choose(
                config.encrypt_token_cache()?,
                Some(protection),
            )),
            None => Ok(Self::plaintext()),
        }
    }

    /// The `.bin` files when encryption is asked for and `available`, else the `.json` ones.
    pub fn choose(encrypt: bool, available: Option<Arc<dyn DataProtection>>) -> Self {
        match (encrypt, available) {
            (true, Some(protection)) => Self::protected(protection),
            _ => Self::plaintext(),
        }
    }

    /// Whether these are the protected `.bin` files.
    pub fn is_protected(&self) -> bool {
        self.protection.is_some()
    }

    /// The token cache's file name.
    pub fn token_cache(&self) -> &'static str {
        if self.is_protected() {
            TOKEN_CACHE_BIN
        } else {
            TOKEN_CACHE_JSON
        }
    }

    /// The service principal store's file name.
    pub fn service_principals(&self) -> &'static str {
        if self.is_protected() {
            SERVICE_PRINCIPALS_BIN
        } else {
            SERVICE_PRINCIPALS_JSON
        }
    }

    /// The JSON bytes of a file read from `path`. An empty file stays empty (the caller treats
    /// it as it treats an empty `.json`); bytes this user cannot decrypt are
    /// [`Error::Undecryptable`], and the file is left as it is.
    pub fn decode(&self, path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>> {
        match &self.protection {
            Some(p) if !bytes.is_empty() => p.unprotect(&bytes).map_err(|e| Error::Undecryptable {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }),
            _ => Ok(bytes),
        }
    }

    /// The bytes to write to `path` for the JSON `plain`.
    pub fn encode(&self, path: &Path, plain: &[u8]) -> Result<Vec<u8>> {
        match &self.protection {
            Some(p) => p.protect(plain).map_err(|e| {
                Error::store(
                    path,
                    format!(
                        "cannot encrypt the file for this user ({e}); to keep the plaintext \
                         file instead, run 'az config set core.encrypt_token_cache=false'"
                    ),
                )
            }),
            None => Ok(plain.to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for DPAPI: a fixed prefix marks the bytes as "protected for this user".
    #[derive(Debug)]
    struct Marked;

    const MARK: &[u8] = b"protected:";

    impl DataProtection for Marked {
        fn protect(&self, plain: &[u8]) -> std::io::Result<Vec<u8>> {
            Ok([MARK, plain].concat())
        }
        fn unprotect(&self, protected: &[u8]) -> std::io::Result<Vec<u8>> {
            protected
                .strip_prefix(MARK)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| std::io::Error::other("Key not valid for use in specified state."))
        }
    }

    fn marked() -> Option<Arc<dyn DataProtection>> {
        Some(Arc::new(Marked))
    }

    #[test]
    fn encryption_on_with_protection_means_the_bin_files() {
        let files = SecretFiles::choose(true, marked());
        assert!(files.is_protected());
        assert_eq!(files.token_cache(), "msal_token_cache.bin");
        assert_eq!(files.service_principals(), "service_principal_entries.bin");
    }

    #[test]
    fn encryption_off_or_unavailable_means_the_json_files() {
        for files in [
            SecretFiles::choose(false, marked()),
            SecretFiles::choose(true, None),
            SecretFiles::choose(false, None),
        ] {
            assert!(!files.is_protected());
            assert_eq!(files.token_cache(), "msal_token_cache.json");
            assert_eq!(files.service_principals(), "service_principal_entries.json");
        }
    }

    #[test]
    fn the_platform_default_follows_az() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::store("tempdir", e))?;
        let config_dir = super::super::ConfigDir::new(dir.path());
        let unset = AzConfig::load_with_env(&config_dir, |_| None)?;
        let files = SecretFiles::from_config(&unset)?;
        assert_eq!(
            files.is_protected(),
            platform::ENCRYPT_TOKEN_CACHE_BY_DEFAULT
        );
        let off = AzConfig::load_with_env(&config_dir, |k| {
            (k == "AZURE_CORE_ENCRYPT_TOKEN_CACHE").then(|| "false".to_string())
        })?;
        assert!(!SecretFiles::from_config(&off)?.is_protected());
        Ok(())
    }

    #[test]
    fn protected_bytes_round_trip_and_plaintext_passes_through() -> Result<()> {
        let path = Path::new("msal_token_cache.bin");
        let json = b"{\"AccessToken\": {}}".to_vec();
        let protected = SecretFiles::choose(true, marked());
        let on_disk = protected.encode(path, &json)?;
        assert_ne!(on_disk, json);
        assert_eq!(protected.decode(path, on_disk)?, json);
        assert_eq!(protected.decode(path, Vec::new())?, Vec::<u8>::new());
        let plain = SecretFiles::plaintext();
        assert_eq!(plain.encode(path, &json)?, json);
        assert_eq!(plain.decode(path, json.clone())?, json);
        Ok(())
    }

    #[test]
    fn bytes_another_user_protected_are_refused_naming_the_file() {
        let path = Path::new("/home/u/.azure/msal_token_cache.bin");
        let Err(e) = SecretFiles::choose(true, marked()).decode(path, b"not for you".to_vec())
        else {
            panic!("undecryptable bytes were accepted")
        };
        assert_eq!(e.code(), "undecryptable_file");
        let text = e.to_string();
        assert!(
            text.contains("/home/u/.azure/msal_token_cache.bin"),
            "{text}"
        );
        assert!(text.contains("Key not valid"), "{text}");
        assert!(text.contains("left unchanged"), "{text}");
    }
}
