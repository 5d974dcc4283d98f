//! The interop harness: the real Azure CLI (from the venv `install-az.sh` made), emulators over
//! TLS on loopback and config dirs ([`crate::common::az`]), and the comparisons of what az and
//! azlogin print and write.
//!
//! - [`interop`] finds az, or says why the suite is skipped (only under `AZLOGIN_SKIP_INTEROP=1`).
//! - [`Pair`] runs az in one dir and azlogin in a byte-for-byte copy of it, and compares what
//!   they print.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

pub use crate::common::az::{Emu, SHARED_FILES, Side, Tool, find_az};
pub use crate::common::{CONTOSO, FABRIKAM, PASSWORD, Run, USER, normalize_aadsts};

/// Values that are random or time-bound in the shared files and in command output.
pub const VOLATILE_KEYS: [&str; 9] = [
    "secret",
    "cached_at",
    "expires_on",
    "extended_expires_on",
    "last_modification_time",
    "refresh_on",
    "installationId",
    "accessToken",
    "expiresOn",
];

/// `account show`, compared most often.
pub const SHOW: &[&str] = &["account", "show"];
/// `account get-access-token` for the default subscription.
pub const TOKEN: &[&str] = &["account", "get-access-token"];

/// Where the real az lives, or `None` when the suite is skipped on purpose (with the reason
/// printed). A missing az is a failure, not a skip.
pub fn interop() -> Option<&'static Path> {
    if std::env::var("AZLOGIN_SKIP_INTEROP").as_deref() == Ok("1") {
        println!("interop skipped: AZLOGIN_SKIP_INTEROP=1 (the real Azure CLI is not run)");
        return None;
    }
    static AZ: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match AZ.get_or_init(find_az) {
        Ok(path) => Some(path.as_path()),
        Err(why) => panic!("{why}"),
    }
}

impl Side {
    /// Makes every cached access token look as if it expires in a minute (inside the 5-minute
    /// margin both MSAL and azlogin refresh in), so the next acquisition uses the refresh token.
    /// Only the digits change: the file keeps its layout.
    pub fn expire_access_tokens(&self) {
        let path = self.path("msal_token_cache.json");
        let text = self.read("msal_token_cache.json");
        let soon = (now() + 60).to_string();
        let mut out = String::new();
        let mut section = "";
        for line in text.split_inclusive('\n') {
            if line.starts_with("    \"") {
                section = line.trim_start().split('"').nth(1).unwrap_or("");
            }
            let key = "\"expires_on\": \"";
            match line.find(key) {
                Some(i) if section == "AccessToken" => {
                    let rest = &line[i + key.len()..];
                    let end = rest.find('"').expect("closing quote");
                    out.push_str(&line[..i + key.len()]);
                    out.push_str(&soon);
                    out.push_str(&rest[end..]);
                }
                _ => out.push_str(line),
            }
        }
        std::fs::write(path, out).expect("write cache");
    }
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Replaces the values of [`VOLATILE_KEYS`] (quoted or not) with `<key>` and AADSTS trace ids
/// with placeholders; everything else (key order, indentation, escaping, BOM) is kept.
pub fn mask(text: &str) -> String {
    let text = normalize_aadsts(text);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(&mask_line(line));
    }
    out
}

fn mask_line(line: &str) -> String {
    for key in VOLATILE_KEYS {
        let needle = format!("\"{key}\": ");
        let Some(i) = line.find(&needle) else {
            continue;
        };
        let start = i + needle.len();
        let rest = &line[start..];
        let end = if let Some(quoted) = rest.strip_prefix('"') {
            1 + quoted.find('"').expect("closing quote") + 1
        } else {
            rest.find([',', '\n', '}']).unwrap_or(rest.len())
        };
        return format!("{}\"<{key}>\"{}", &line[..start], &rest[end..]);
    }
    line.to_string()
}

/// What a comparison of az and azlogin ignores in printed output.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Byte for byte.
    Exact,
    /// After [`mask`].
    Masked,
}

/// az in one config dir, azlogin in another that started as its exact copy.
pub struct Pair {
    pub az: Side,
    pub azlogin: Side,
}

impl Pair {
    /// Splits `side` (already set up): az keeps it, azlogin gets a copy.
    pub fn split(side: Side) -> Pair {
        let azlogin = side.copy();
        Pair { az: side, azlogin }
    }

    /// Runs `args` with az on its side and azlogin on its side at the same time, asserts they
    /// printed the same (stdout, stderr, exit code), and returns az's run.
    pub fn same(&self, args: &[&str], compare: Compare) -> Run {
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| self.az.az(args));
            let b = s.spawn(|| self.azlogin.azlogin(args));
            (
                a.join().expect("az thread"),
                b.join().expect("azlogin thread"),
            )
        });
        let fix = |t: &str| match compare {
            Compare::Exact => t.to_string(),
            Compare::Masked => mask(t),
        };
        // Messages show masked text: tokens are never printed.
        let what = |stream: &str| {
            format!(
                "{stream} of {args:?} differs{}\naz ({}): {}\nazlogin ({}): {}",
                if compare == Compare::Exact {
                    " (shown masked; a volatile value may be what differs)"
                } else {
                    ""
                },
                a.code,
                mask(if stream == "stdout" {
                    &a.stdout
                } else {
                    &a.stderr
                }),
                b.code,
                mask(if stream == "stdout" {
                    &b.stdout
                } else {
                    &b.stderr
                }),
            )
        };
        assert!(a.code == b.code, "{}", what("exit code"));
        assert!(fix(&a.stdout) == fix(&b.stdout), "{}", what("stdout"));
        assert!(mask(&a.stderr) == mask(&b.stderr), "{}", what("stderr"));
        a
    }

    /// Asserts the shared files are the same on both sides (masked).
    pub fn same_files(&self) {
        same_files(&self.az, &self.azlogin);
    }
}

/// Asserts the shared files in two config dirs are identical once volatile values are masked.
pub fn same_files(a: &Side, b: &Side) {
    for name in SHARED_FILES {
        let (a, b) = (mask(&a.read(name)), mask(&b.read(name)));
        assert!(
            a == b,
            "{name} differs (masked)\naz's:\n{a}\nazlogin's:\n{b}"
        );
    }
}

/// Runs `f` on each item on its own thread and returns the results in order.
pub fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    std::thread::scope(|s| {
        let handles: Vec<_> = items.iter().map(|item| s.spawn(|| f(item))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    })
}

/// Entries per credential type in a parsed token cache.
pub fn entry_counts(cache: &serde_json::Value) -> Vec<(String, usize)> {
    cache
        .as_object()
        .expect("cache is an object")
        .iter()
        .map(|(kind, entries)| (kind.clone(), entries.as_object().map_or(0, |m| m.len())))
        .collect()
}
