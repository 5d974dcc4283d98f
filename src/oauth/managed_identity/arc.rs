//! Azure Arc's managed identity challenge, sans I/O.
//!
//! The Arc agent's endpoint answers a first token request with `401` and
//! `WWW-Authenticate: Basic realm=<path of a key file>`. Whoever can read that file (root or the
//! `himds` group) proves it by sending the request again with `Authorization: Basic <contents>`.
//! Only the realm's base name is trusted: the file is looked for in the agent's own key
//! directory, so a hostile server cannot make azlogin read (and send) any other file, and a file
//! larger than [`KEY_FILE_MAX_BYTES`] is refused before it is read, as MSAL does.

use std::path::{Path, PathBuf};

use super::ManagedIdentityId;
use crate::error::{Error, Result};
use crate::http::HttpResponse;
use crate::secret::ArcKey;

/// The api-version MSAL asks Arc's endpoint for.
pub const API_VERSION: &str = "2020-06-01";
/// The largest key file read; a real one holds a short random string.
pub const KEY_FILE_MAX_BYTES: u64 = 4096;
/// Where the agent writes key files on Linux.
pub const LINUX_KEY_DIR: &str = "/var/opt/azcmagent/tokens";
/// A test knob read by the native CLI only: the directory key files are read from instead of
/// the platform's (the tests' emulator writes them into a temporary one).
pub const KEY_DIR_ENV: &str = "AZLOGIN_ARC_KEY_DIR";

/// The agent's key directory on this platform: [`LINUX_KEY_DIR`], or
/// `%ProgramData%\AzureConnectedMachineAgent\Tokens` on Windows; `None` elsewhere, where Arc
/// has no agent.
pub fn platform_key_dir(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    agent_path(
        LINUX_KEY_DIR,
        env,
        ("ProgramData", r"C:\ProgramData"),
        "Tokens",
    )
}

/// `linux` on Linux; on Windows, `name` in the agent's folder under the directory the
/// environment variable names (or its usual place); `None` on other platforms.
fn agent_path(
    linux: &str,
    env: impl Fn(&str) -> Option<String>,
    (windows_var, windows_default): (&str, &str),
    name: &str,
) -> Option<PathBuf> {
    if cfg!(target_os = "linux") {
        Some(PathBuf::from(linux))
    } else if cfg!(windows) {
        let base = env(windows_var).unwrap_or_else(|| windows_default.to_string());
        Some(
            PathBuf::from(base)
                .join("AzureConnectedMachineAgent")
                .join(name),
        )
    } else {
        None
    }
}

/// Where the agent listens when it is installed but the environment does not name it.
pub const DEFAULT_ENDPOINT: &str = "http://localhost:40342/metadata/identity/oauth2/token";
/// The agent's program on Linux: its presence means an Arc-connected machine (as MSAL checks).
pub const LINUX_AGENT_PROGRAM: &str = "/opt/azcmagent/bin/himds";

/// The agent's program on this platform, whose presence makes this an Arc-connected machine
/// even when `IDENTITY_ENDPOINT` and `IMDS_ENDPOINT` are unset; `None` where Arc has no agent.
pub fn agent_program(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    agent_path(
        LINUX_AGENT_PROGRAM,
        env,
        ("ProgramFiles", r"C:\Program Files"),
        "himds.exe",
    )
}

/// Fails unless the agent's token answer names the user-assigned identity that was asked for.
/// An agent too old for user-assigned identities ignores the selector and answers with the
/// machine's system-assigned identity; using that token would act as another identity, so it
/// is refused (MSAL does the same). A system-assigned request has nothing to confirm.
pub fn confirm_identity(
    id: &ManagedIdentityId,
    response: &HttpResponse,
    endpoint: &str,
) -> Result<()> {
    let (field, asked, flag): (&[&str], &str, &str) = match id {
        ManagedIdentityId::SystemAssigned => return Ok(()),
        ManagedIdentityId::ClientId(c) => (&["client_id"], c, "--client-id"),
        ManagedIdentityId::ObjectId(o) => (&["object_id"], o, "--object-id"),
        // The agent echoes the IMDS spelling; the App Service one is accepted too.
        ManagedIdentityId::ResourceId(r) => (&["msi_res_id", "mi_res_id"], r, "--resource-id"),
    };
    let body: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
    let echoed = body.as_ref().and_then(|b| {
        field
            .iter()
            .find_map(|f| b.get(*f).and_then(serde_json::Value::as_str))
    });
    // GUIDs and ARM resource ids may come back in another case.
    if echoed.is_some_and(|e| e.eq_ignore_ascii_case(asked)) {
        return Ok(());
    }
    Err(Error::invalid_response(
        endpoint,
        format!(
            "the Azure Arc agent did not confirm the user-assigned identity {flag} asked for, so its token (most likely the machine's system-assigned identity) was not used. Update the Connected Machine agent, or log in without {flag}."
        ),
    ))
}

/// The key file the first answer's challenge names, inside `key_dir` (`None`: a platform
/// without an Arc agent). An answer that is an error of its own is returned as that error.
pub fn key_file(
    response: &HttpResponse,
    endpoint: &str,
    key_dir: Option<&Path>,
) -> Result<PathBuf> {
    let Some(challenge) = response.header("www-authenticate") else {
        if response.status != 401 && !(200..300).contains(&response.status) {
            // A 404 or 500 says more about what went wrong than "no challenge" would.
            super::parse_token_response(response, endpoint, 0)?;
        }
        return Err(Error::invalid_response(
            endpoint,
            "Azure Arc's endpoint did not answer with the challenge naming its key file (WWW-Authenticate: Basic realm=<path>)",
        ));
    };
    let stem = realm(challenge).and_then(key_name).ok_or_else(|| {
        Error::invalid_response(
            endpoint,
            "the WWW-Authenticate header is not Basic realm=<key file path> with a plain file name",
        )
    })?;
    let dir = key_dir.ok_or_else(|| {
        Error::Config(
            "Azure Arc's managed identity is supported on Linux and Windows only, where its agent keeps key files.".into(),
        )
    })?;
    Ok(dir.join(format!("{stem}.key")))
}

/// Refuses a key file of `len` bytes when it is larger than a key can be; called with the
/// file's size before it is read.
pub fn check_key_file_size(path: &Path, len: u64) -> Result<()> {
    if len > KEY_FILE_MAX_BYTES {
        return Err(Error::store(
            path,
            format!(
                "Azure Arc's key file is {len} bytes, more than the {KEY_FILE_MAX_BYTES} a key can be, so it was not read; check that the Arc agent wrote it."
            ),
        ));
    }
    Ok(())
}

/// The key in a key file's `bytes`. Surrounding whitespace is dropped: a trailing newline
/// would make the header invalid.
pub fn key_from_contents(path: &Path, bytes: Vec<u8>) -> Result<ArcKey> {
    check_key_file_size(path, bytes.len() as u64)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::store(path, "Azure Arc's key file is not text"))?;
    let key = text.trim();
    // The contents go into a header: control characters would break (or split) it.
    if key.is_empty() || key.chars().any(char::is_control) {
        return Err(Error::store(
            path,
            "Azure Arc's key file is empty or holds control characters",
        ));
    }
    Ok(ArcKey::new(key))
}

/// The realm of a `Basic realm=…` challenge, quoted or not (MSAL takes it unquoted; RFC 7617
/// quotes it).
fn realm(challenge: &str) -> Option<&str> {
    let (scheme, params) = challenge.trim().split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let (name, value) = params.trim().split_once('=')?;
    if !name.trim().eq_ignore_ascii_case("realm") {
        return None;
    }
    let value = value.trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    (!value.is_empty()).then_some(value)
}

/// The key file's name without its directory and extension (MSAL's `splitext(basename(realm))`),
/// separators of either platform cut off. Only letters, digits, `-`, `_` and `.` are kept
/// acceptable: anything else (a drive prefix such as `C:x`, a NUL) could make the joined path
/// leave the key directory.
fn key_name(realm: &str) -> Option<&str> {
    let base = realm.rsplit(['/', '\\']).next()?;
    let stem = match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    };
    let plain = stem
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    (plain && !stem.is_empty() && stem != "." && stem != "..").then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    const E: &str = "http://127.0.0.1:9/arc/token";

    fn challenge(value: &str) -> HttpResponse {
        let mut r = HttpResponse::new(401, "");
        r.headers.push(("www-authenticate".into(), value.into()));
        r
    }

    fn file(value: &str) -> Result<PathBuf> {
        key_file(&challenge(value), E, Some(Path::new("/keys")))
    }

    #[test]
    fn the_realm_s_base_name_is_looked_for_in_the_key_directory() {
        let expected = PathBuf::from("/keys/0f1e2d.key");
        for realm in [
            "Basic realm=/var/opt/azcmagent/tokens/0f1e2d.key",
            "basic realm=\"/var/opt/azcmagent/tokens/0f1e2d.key\"",
            r"Basic realm=C:\ProgramData\AzureConnectedMachineAgent\Tokens\0f1e2d.key",
            "Basic realm=0f1e2d",
            "Basic  Realm = ../../../../etc/0f1e2d.txt",
        ] {
            assert_eq!(file(realm).expect(realm), expected, "{realm}");
        }
        assert_eq!(
            file("Basic realm=../../etc/passwd").expect("base name"),
            PathBuf::from("/keys/passwd.key")
        );
    }

    #[test]
    fn unrecognisable_challenges_are_invalid_responses_naming_the_endpoint() {
        for bad in [
            "Bearer realm=/x/y.key",
            "Basic",
            "Basic charset=UTF-8",
            "Basic realm=",
            "Basic realm=/tokens/..",
            "Basic realm=/tokens/",
            "Basic realm=C:evil.key",
            "Basic realm=/tokens/a b.key",
        ] {
            let e = file(bad).expect_err(bad);
            assert_eq!(e.code(), "invalid_response", "{bad}");
            assert!(e.to_string().contains(E), "{e}");
        }
        let no_header = key_file(&HttpResponse::new(401, ""), E, Some(Path::new("/k")));
        assert_eq!(
            no_header.expect_err("no challenge").code(),
            "invalid_response"
        );
        let refused = HttpResponse::new(
            400,
            r#"{"error":"invalid_request","error_description":"Required metadata header not specified"}"#,
        );
        let e = key_file(&refused, E, Some(Path::new("/k"))).expect_err("an error");
        assert_eq!(e.to_string(), "Required metadata header not specified");
        let unsupported = key_file(&challenge("Basic realm=/t/a.key"), E, None);
        assert_eq!(unsupported.expect_err("no dir").code(), "config_error");
    }

    #[test]
    fn key_files_are_bounded_and_trimmed() {
        let p = Path::new("/keys/a.key");
        assert!(check_key_file_size(p, KEY_FILE_MAX_BYTES).is_ok());
        let big = check_key_file_size(p, KEY_FILE_MAX_BYTES + 1).expect_err("too big");
        assert_eq!(big.code(), "store_error");
        assert!(big.to_string().contains("/keys/a.key"), "{big}");
        let key = key_from_contents(p, b"k3y-value\n".to_vec()).expect("a key");
        assert_eq!(key.secret(), "k3y-value");
        assert!(!format!("{key:?}").contains("k3y"));
        for bad in [&b""[..], b" \n", b"a\x00b", &[0xff, 0xfe]] {
            assert!(key_from_contents(p, bad.to_vec()).is_err(), "{bad:?}");
        }
        let oversize = vec![b'a'; KEY_FILE_MAX_BYTES as usize + 1];
        assert!(key_from_contents(p, oversize).is_err());
    }

    #[test]
    fn a_user_assigned_identity_must_be_confirmed_by_the_answer() {
        let answer = |body: &str| HttpResponse::new(200, body);
        let e = "http://127.0.0.1:40342/metadata/identity/oauth2/token";
        let client = ManagedIdentityId::ClientId("C1".into());
        assert!(confirm_identity(&ManagedIdentityId::SystemAssigned, &answer("{}"), e).is_ok());
        assert!(confirm_identity(&client, &answer(r#"{"client_id":"c1"}"#), e).is_ok());
        let resource = ManagedIdentityId::ResourceId("/subscriptions/s/RG/x".into());
        assert!(
            confirm_identity(
                &resource,
                &answer(r#"{"mi_res_id":"/subscriptions/s/rg/x"}"#),
                e
            )
            .is_ok()
        );
        let object = ManagedIdentityId::ObjectId("o1".into());
        for body in [
            r#"{"client_id":"other"}"#,
            "{}",
            r#"{"client_id":"o1"}"#,
            "not json",
        ] {
            let refused = confirm_identity(&object, &answer(body), e).expect_err(body);
            assert_eq!(refused.code(), "invalid_response");
            let text = refused.to_string();
            assert!(text.contains(e) && text.contains("--object-id"), "{text}");
        }
        assert!(confirm_identity(&client, &answer(r#"{"client_id":"c2"}"#), e).is_err());
    }
}
