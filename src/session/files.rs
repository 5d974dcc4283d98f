//! The session's files: load, and read-modify-write under the lock, never touching a file that
//! could not be parsed.

use std::path::Path;

use super::EnvLookup;
use crate::diagnostics;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::{FileLock, SecretFiles, atomic_write, read_optional, remove_stale_temps_of};
use crate::token_cache::TokenCache;
use crate::token_cache::service_principals::ServicePrincipalEntries;

/// `azureProfile.json`.
pub const PROFILE_FILE: &str = "azureProfile.json";
/// `msal_token_cache.json`, the token cache when `core.encrypt_token_cache` is off (see
/// [`SecretFiles`] for the choice).
pub const TOKEN_CACHE_FILE: &str = crate::store::TOKEN_CACHE_JSON;
/// The ADAL-era cache az deletes on logout and clear.
pub const ADAL_CACHE_FILE: &str = "accessTokens.json";
/// `service_principal_entries.json`, the service principal store when
/// `core.encrypt_token_cache` is off.
pub const SERVICE_PRINCIPAL_FILE: &str = crate::store::SERVICE_PRINCIPALS_JSON;

/// The profile keeps the process's default mode, as az's does (0644 under the usual umask).
const PROFILE_MODE: u32 = 0o644;
/// MSAL creates the token cache readable by its owner only.
const TOKEN_CACHE_MODE: u32 = 0o600;

/// The PEM bundles named by `REQUESTS_CA_BUNDLE` and `SSL_CERT_FILE`, trusted on top of the
/// system's roots.
pub fn extra_ca_bundles(env: &EnvLookup) -> Result<Vec<Vec<u8>>> {
    let mut bundles = Vec::new();
    for var in ["REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"] {
        if let Some(path) = env(var) {
            let bytes = std::fs::read(&path).map_err(|e| {
                Error::Config(format!(
                    "{var} is set to '{path}', which cannot be read ({e}). Point it at a PEM file of CA certificates, or unset it."
                ))
            })?;
            bundles.push(bytes);
        }
    }
    Ok(bundles)
}

/// Reads a file of the config dir (absent = `None`), saying so under `--debug`.
fn read_file(path: &Path) -> Result<Option<Vec<u8>>> {
    let bytes = read_optional(path)?;
    diagnostics::debug("azlogin.store", || match &bytes {
        Some(b) => format!("Read {} ({} bytes)", path.display(), b.len()),
        None => format!("No file at {}", path.display()),
    });
    Ok(bytes)
}

/// Replaces a file of the config dir atomically, saying so under `--debug`.
fn write_file(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    atomic_write(path, bytes, mode)?;
    diagnostics::debug("azlogin.store", || {
        format!("Wrote {} ({} bytes)", path.display(), bytes.len())
    });
    Ok(())
}

fn parse_or_report<T>(
    path: &Path,
    bytes: &[u8],
    parse: impl Fn(&[u8]) -> Result<T, String>,
) -> Result<T> {
    parse(bytes).map_err(|message| Error::CorruptFile {
        path: path.to_path_buf(),
        message,
    })
}

/// Loads the profile (missing = empty).
pub fn load_profile(dir: &Path) -> Result<Profile> {
    let path = dir.join(PROFILE_FILE);
    match read_file(&path)? {
        None => Ok(Profile::new()),
        Some(bytes) => parse_or_report(&path, &bytes, Profile::parse),
    }
}

/// The JSON bytes of a secret file read by `read` (absent = `None`).
fn decoded(
    path: &Path,
    secrets: &SecretFiles,
    read: fn(&Path) -> Result<Option<Vec<u8>>>,
) -> Result<Option<Vec<u8>>> {
    read(path)?
        .map(|bytes| secrets.decode(path, bytes))
        .transpose()
}

/// Loads the token cache (missing = empty) for reading.
///
/// az (msal-extensions) writes the cache by truncating it in place, under the lock, so a read
/// without the lock can catch an empty or half-written file. Such a read (empty, unparsable,
/// or not decrypting) is done again under the lock, where no az write can be in progress.
pub fn load_token_cache(dir: &Path, secrets: &SecretFiles) -> Result<TokenCache> {
    let path = dir.join(secrets.token_cache());
    match read_file(&path)? {
        None => return Ok(TokenCache::new()),
        Some(bytes) if !bytes.is_empty() => {
            if let Ok(cache) = secrets
                .decode(&path, bytes)
                .and_then(|json| TokenCache::parse(&json).map_err(|e| Error::store(&path, e)))
            {
                return Ok(cache);
            }
        }
        Some(_) => {}
    }
    let _lock = FileLock::acquire(&path)?;
    read_token_cache(dir, secrets)
}

/// Reads the token cache (missing = empty) as it is, for a caller holding its lock.
fn read_token_cache(dir: &Path, secrets: &SecretFiles) -> Result<TokenCache> {
    let path = dir.join(secrets.token_cache());
    match decoded(&path, secrets, read_file)? {
        None => Ok(TokenCache::new()),
        Some(bytes) => parse_or_report(&path, &bytes, TokenCache::parse),
    }
}

/// Reloads the profile under its lock, applies `change`, and writes it atomically when the
/// change succeeded and altered the bytes.
pub fn modify_profile<T>(dir: &Path, change: impl FnOnce(&mut Profile) -> Result<T>) -> Result<T> {
    modify_profile_then(dir, change, |_, out| out)
}

/// [`modify_profile`], then hands the profile as written to `after_write`, so what `change` moved
/// into it can be taken back out instead of copied.
pub fn modify_profile_then<T, U>(
    dir: &Path,
    change: impl FnOnce(&mut Profile) -> Result<T>,
    after_write: impl FnOnce(Profile, T) -> U,
) -> Result<U> {
    let path = dir.join(PROFILE_FILE);
    let _lock = FileLock::acquire(&path)?;
    let (mut profile, before_len) = match read_file(&path)? {
        None => (Profile::new(), None),
        Some(bytes) => (
            parse_or_report(&path, &bytes, Profile::parse)?,
            Some(bytes.len()),
        ),
    };
    // The bytes read are dropped here: a large profile's text is not held while the new one is
    // built. Under the lock the file cannot change, so it is compared with the new text on disk.
    let out = change(&mut profile)?;
    let after = profile.to_bytes();
    if file_holds(&path, before_len, &after)? {
        // Nothing to write, but what killed writers left is still cleaned, as a write would.
        remove_stale_temps_of(&path);
    } else {
        write_file(&path, &after, PROFILE_MODE)?;
    }
    Ok(after_write(profile, out))
}

/// Whether the file at `path` (of `len` bytes when it was read; `None` when it did not exist)
/// holds exactly `bytes`, read in small pieces.
fn file_holds(path: &Path, len: Option<usize>, bytes: &[u8]) -> Result<bool> {
    use std::io::Read;
    if len != Some(bytes.len()) {
        return Ok(false);
    }
    let mut file = std::fs::File::open(path).map_err(|e| Error::store(path, e))?;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut rest = bytes;
    loop {
        let n = file.read(&mut chunk).map_err(|e| Error::store(path, e))?;
        if n == 0 {
            return Ok(rest.is_empty());
        }
        match rest.split_at_checked(n) {
            Some((head, tail)) if head == &chunk[..n] => rest = tail,
            _ => return Ok(false),
        }
    }
}

/// Reloads the token cache under the msal-extensions lock, applies `change`, and writes it
/// atomically when it changed.
pub fn modify_token_cache<T>(
    dir: &Path,
    secrets: &SecretFiles,
    change: impl FnOnce(&mut TokenCache) -> T,
) -> Result<T> {
    let path = dir.join(secrets.token_cache());
    let _lock = FileLock::acquire(&path)?;
    let mut cache = read_token_cache(dir, secrets)?;
    let before = cache.to_json();
    let out = change(&mut cache);
    let after = cache.to_json();
    if after != before {
        let bytes = secrets.encode(&path, after.as_bytes())?;
        write_file(&path, &bytes, TOKEN_CACHE_MODE)?;
    }
    Ok(out)
}

/// The service principal store is created readable by its owner only, as az creates it.
const SERVICE_PRINCIPAL_MODE: u32 = 0o600;

/// Loads the service principal store (missing = empty).
pub fn load_service_principals(
    dir: &Path,
    secrets: &SecretFiles,
) -> Result<ServicePrincipalEntries> {
    let path = dir.join(secrets.service_principals());
    match decoded(&path, secrets, read_optional)? {
        None => Ok(ServicePrincipalEntries::new()),
        Some(bytes) => parse_or_report(&path, &bytes, ServicePrincipalEntries::parse),
    }
}

/// Reloads the service principal store under its lock, applies `change`, and writes it
/// atomically (0600 when created) when it changed.
pub fn modify_service_principals<T>(
    dir: &Path,
    secrets: &SecretFiles,
    change: impl FnOnce(&mut ServicePrincipalEntries) -> T,
) -> Result<T> {
    let path = dir.join(secrets.service_principals());
    let _lock = FileLock::acquire(&path)?;
    let before = decoded(&path, secrets, read_optional)?;
    let mut entries = match &before {
        None => ServicePrincipalEntries::new(),
        Some(bytes) => parse_or_report(&path, bytes, ServicePrincipalEntries::parse)?,
    };
    let out = change(&mut entries);
    let after = entries.to_json();
    // A missing file stays missing when nothing was saved (az writes only on a change).
    let unchanged = match &before {
        None => entries.is_empty(),
        Some(bytes) => bytes.as_slice() == after.as_bytes(),
    };
    if unchanged {
        remove_stale_temps_of(&path);
    } else {
        let bytes = secrets.encode(&path, after.as_bytes())?;
        atomic_write(&path, &bytes, SERVICE_PRINCIPAL_MODE)?;
    }
    Ok(out)
}

/// Deletes a file if it exists.
pub fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {
            diagnostics::debug("azlogin.store", || format!("Deleted {}", path.display()));
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::store(path, format!("cannot delete it ({e})"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_compared_piece_by_piece_with_the_new_text() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::store(Path::new("tmp"), e))?;
        let path = dir.path().join(PROFILE_FILE);
        let text: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &text).map_err(|e| Error::store(&path, e))?;
        let len = Some(text.len());
        assert!(file_holds(&path, len, &text)?);
        let mut changed = text.clone();
        changed[150_000] ^= 1;
        assert!(!file_holds(&path, len, &changed)?, "one byte differs");
        assert!(!file_holds(&path, len, &text[..100])?, "shorter");
        assert!(!file_holds(&path, None, &text)?, "there was no file");
        Ok(())
    }

    /// An az write in progress (the file truncated, the lock held) is waited out, not read.
    #[test]
    fn a_read_during_a_truncating_write_waits_for_the_writer() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::store(Path::new("tmp"), e))?;
        let path = dir.path().join(TOKEN_CACHE_FILE);
        let lock = FileLock::acquire(&path)?;
        std::fs::write(&path, b"").map_err(|e| Error::store(&path, e))?;
        let full = "{\n    \"Account\": {\n        \"k\": {\n            \"realm\": \"r\"\n        }\n    }\n}";
        let writer = {
            let path = path.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(300));
                let written = std::fs::write(&path, full);
                drop(lock);
                written
            })
        };
        let cache = load_token_cache(dir.path(), &SecretFiles::plaintext())?;
        assert!(writer.join().is_ok_and(|w| w.is_ok()));
        assert_eq!(cache.to_json(), full);
        Ok(())
    }
}
