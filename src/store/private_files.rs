//! The files of the config dir that hold secrets, and a warning when others can read them. az
//! creates them 0600 but never checks again, so a cache copied with `cp`, restored from a backup
//! or unpacked from an archive can sit readable by everyone without anyone noticing.

use super::config_dir::ConfigDir;
use super::platform;
use super::secret_files::{SERVICE_PRINCIPALS_JSON, TOKEN_CACHE_JSON};

/// The files holding tokens or client secrets in plain text.
pub const SECRET_FILES: [&str; 2] = [TOKEN_CACHE_JSON, SERVICE_PRINCIPALS_JSON];

/// One warning line for each secret file that exists and that its group or others may read.
/// A file that cannot be inspected gets no warning here; reading it reports the problem. On
/// Windows, where files are private through their folder's ACL and no mode exists, none.
pub fn exposed_secret_files(dir: &ConfigDir) -> Vec<String> {
    SECRET_FILES
        .iter()
        .filter_map(|name| {
            let path = dir.file(name);
            let metadata = std::fs::metadata(&path).ok()?;
            let mode = platform::exposed_mode(&metadata)?;
            metadata.is_file().then(|| {
                let shown = path.display();
                format!(
                    "'{shown}' holds secrets and can be read by other users (mode {mode:04o}); \
                     run 'chmod 600 {}' to make it private.",
                    shell_quoted(&shown.to_string())
                )
            })
        })
        .collect()
}

/// `path` as a POSIX shell word, quoted only when it needs to be.
fn shell_quoted(path: &str) -> String {
    if path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%".contains(&b))
    {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_paths_that_need_it() {
        assert_eq!(
            shell_quoted("/home/u/.azure/x.json"),
            "/home/u/.azure/x.json"
        );
        assert_eq!(shell_quoted("/home/my dir/x"), "'/home/my dir/x'");
        assert_eq!(shell_quoted("/it's"), r"'/it'\''s'");
    }
}
