//! Damaged files in the config dir, from the corpus under `tests/fixtures/broken/` plus a few
//! made here (huge, deeply nested, a directory in the file's place, a file nobody may read).
//!
//! Every command that reads a damaged file fails with exit code 1 and an error that names the
//! file and says what to do, and a failed command changes no file at all (each file's bytes are
//! compared before and after). What az tolerates (an empty file, a profile without its byte
//! order mark, repeated JSON keys, comments and CRLF in INI files) works here too.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::modes;
use common::*;

const PROFILE: &str = "azureProfile.json";
const CACHE: &str = "msal_token_cache.json";
const CLOUDS: &str = "clouds.config";
const CONFIG: &str = "config";

/// The corpus folder of each file.
const KINDS: [(&str, &str); 4] = [
    ("profile", PROFILE),
    ("token_cache", CACHE),
    ("clouds_config", CLOUDS),
    ("config", CONFIG),
];

/// Replaced by the emulator's URL in tolerated INI files, which must still name a working cloud.
const EMULATOR_PLACEHOLDER: &str = "@EMULATOR@";

/// The uid a file-permission case runs as when this test runs as root.
const UNPRIVILEGED_UID: u32 = 65534;

/// Each command, and the files it reads.
const COMMANDS: &[(&[&str], &[&str])] = &[
    (
        &["login", "-u", USER, "-p", PASSWORD],
        &[PROFILE, CACHE, CLOUDS, CONFIG],
    ),
    (
        &["logout", "--username", USER],
        &[PROFILE, CACHE, CLOUDS, CONFIG],
    ),
    (&["account", "list"], &[PROFILE, CLOUDS, CONFIG]),
    (&["account", "show"], &[PROFILE, CLOUDS, CONFIG]),
    (
        &[
            "account",
            "set",
            "-s",
            "c0000001-0000-4000-8000-000000000001",
        ],
        &[PROFILE, CLOUDS, CONFIG],
    ),
    // `account clear` deletes the token cache without reading it, as az does.
    (&["account", "clear"], &[PROFILE, CLOUDS, CONFIG]),
    (
        &["account", "get-access-token"],
        &[PROFILE, CACHE, CLOUDS, CONFIG],
    ),
    (&["config", "get", "core.output"], &[CONFIG]),
    (&["config", "set", "core.output=table"], &[CONFIG]),
];

/// What a damaged file is, in its place in the config dir.
#[derive(Clone)]
enum Damage {
    Bytes(Vec<u8>),
    /// A directory where the file belongs.
    Directory,
    /// A file its owner may not read (mode 000).
    Unreadable(Vec<u8>),
}

struct Case {
    file: &'static str,
    name: String,
    damage: Damage,
}

/// The files of the config dir: name → content (`None` for a directory).
type Snapshot = BTreeMap<String, Option<Vec<u8>>>;

fn snapshot(dir: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    for entry in std::fs::read_dir(dir).expect("read config dir") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let content = if path.is_dir() {
            None
        } else {
            Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        };
        files.insert(name, content);
    }
    files
}

/// Empties `dir` and writes `files` back (the token cache private, as it was written).
fn restore(dir: &Path, files: &Snapshot) {
    for entry in std::fs::read_dir(dir).expect("read config dir") {
        let path = entry.expect("entry").path();
        modes::set_mode(&path, 0o700);
        if path.is_dir() {
            std::fs::remove_dir_all(&path).expect("remove dir");
        } else {
            std::fs::remove_file(&path).expect("remove file");
        }
    }
    for (name, content) in files {
        let path = dir.join(name);
        match content {
            None => std::fs::create_dir(&path).expect("mkdir"),
            Some(bytes) => std::fs::write(&path, bytes).expect("write"),
        }
        let mode = if name == CACHE { 0o600 } else { 0o644 };
        if content.is_some() {
            modes::set_mode(&path, mode);
        }
    }
}

fn corpus(kind: &str, outcome: &str, url: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/broken")
        .join(kind)
        .join(outcome);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .map(|e| {
            let path = e.expect("entry").path();
            let bytes = std::fs::read(&path).expect("fixture");
            let text = String::from_utf8_lossy(&bytes);
            let bytes = if text.contains(EMULATOR_PLACEHOLDER) {
                text.replace(EMULATOR_PLACEHOLDER, url).into_bytes()
            } else {
                bytes
            };
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

/// Every damaged file az itself cannot use: the corpus, then the ones made here.
fn rejected_cases(url: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for (kind, file) in KINDS {
        for (name, bytes) in corpus(kind, "rejected", url) {
            cases.push(Case {
                file,
                name,
                damage: Damage::Bytes(bytes),
            });
        }
    }
    // 16 MiB of a real profile, cut off in the middle of an entry.
    let entry = r#"{"id": "c0000001-0000-4000-8000-000000000001", "name": "Contoso Production", "state": "Enabled", "user": {"name": "user@contoso.example", "type": "user"}, "isDefault": false, "tenantId": "11111111-1111-4111-8111-111111111111", "environmentName": "FakeCloud"}, "#;
    let mut huge = String::from("\u{feff}{\"subscriptions\": [");
    while huge.len() < 16 << 20 {
        huge.push_str(entry);
    }
    huge.push_str(&entry[..40]);
    cases.push(Case {
        file: PROFILE,
        name: "huge-truncated (16 MiB)".into(),
        damage: Damage::Bytes(huge.into_bytes()),
    });
    // A cache as large, cut off the same way.
    let mut huge_cache = String::from("{\n    \"AccessToken\": {\n");
    let mut n = 0;
    while huge_cache.len() < 16 << 20 {
        huge_cache.push_str(&format!(
            "        \"key-{n}\": {{\n            \"credential_type\": \"AccessToken\",\n            \"secret\": \"x\"\n        }},\n"
        ));
        n += 1;
    }
    cases.push(Case {
        file: CACHE,
        name: "huge-truncated (16 MiB)".into(),
        damage: Damage::Bytes(huge_cache.into_bytes()),
    });
    // Nesting far deeper than any parser's recursion should be allowed to go.
    for file in [PROFILE, CACHE] {
        cases.push(Case {
            file,
            name: "nested 100000 deep".into(),
            damage: Damage::Bytes(format!("{{\"a\": {}", "[".repeat(100_000)).into_bytes()),
        });
    }
    for (_, file) in KINDS {
        cases.push(Case {
            file,
            name: "a directory in its place".into(),
            damage: Damage::Directory,
        });
    }
    cases
}

fn unreadable_cases(good: &Snapshot) -> Vec<Case> {
    KINDS
        .iter()
        .map(|(_, file)| Case {
            file,
            name: "mode 000".into(),
            damage: Damage::Unreadable(good[*file].clone().expect("a file")),
        })
        .collect()
}

/// Puts the damaged file in place.
fn place(dir: &Path, case: &Case) {
    let path = dir.join(case.file);
    let _ = std::fs::remove_file(&path);
    match &case.damage {
        Damage::Bytes(bytes) => std::fs::write(&path, bytes).expect("write"),
        Damage::Directory => {
            std::fs::create_dir(&path).expect("mkdir");
            std::fs::write(path.join("keep"), b"inside").expect("write");
        }
        Damage::Unreadable(bytes) => {
            std::fs::write(&path, bytes).expect("write");
            modes::set_mode(&path, 0o000);
        }
    }
}

/// The damaged file's state, to compare before and after.
fn state_of(dir: &Path, file: &str) -> Option<Vec<u8>> {
    let path = dir.join(file);
    if path.is_dir() {
        return std::fs::read(path.join("keep")).ok().map(|mut b| {
            b.insert(0, b'/');
            b
        });
    }
    std::fs::read(&path).ok()
}

/// How to run a command as someone the file system can refuse.
#[derive(Clone, Copy, PartialEq)]
enum RunAs {
    Me,
    /// Root ignores mode 000: run as another uid through `setpriv`.
    Unprivileged,
}

async fn run_as(env: &TestEnv, who: RunAs, args: &[&str]) -> Run {
    let cmd = match who {
        RunAs::Me => env.command(args),
        RunAs::Unprivileged => {
            let mut cmd = std::process::Command::new("setpriv");
            cmd.arg(format!("--reuid={UNPRIVILEGED_UID}"))
                .arg(format!("--regid={UNPRIVILEGED_UID}"))
                .arg("--clear-groups")
                .arg(env!("CARGO_BIN_EXE_azlogin"))
                .args(args)
                .env_clear()
                .envs(env.vars())
                .stdin(std::process::Stdio::null());
            cmd
        }
    };
    run_command(cmd).await
}

/// The advice an error about a file gives, one of which every refusal must carry.
const ADVICE: [&str; 3] = [
    "fix or remove it, then run the command again",
    "a directory is where a file belongs: move it away",
    "check the owner and mode of the file and its directory",
];

/// Runs every command against `case` and checks the refusals. Returns how many commands ran.
async fn try_case(env: &TestEnv, good: &Snapshot, case: &Case, who: RunAs) -> usize {
    let dir = env.config_dir.path();
    let path = dir.join(case.file);
    let mut ran = 0;
    for (args, reads) in COMMANDS {
        restore(dir, good);
        place(dir, case);
        if who == RunAs::Unprivileged {
            chown_all(env, UNPRIVILEGED_UID);
        }
        let before = snapshot_with_damage(dir, case.file);
        let run = run_as(env, who, args).await;
        ran += 1;
        let what = format!("{} {:?} with {args:?}", case.file, case.name);
        let after = snapshot_with_damage(dir, case.file);
        if reads.contains(&case.file) {
            assert_eq!(run.code, 1, "{what}: {run:?}");
            assert!(
                run.stderr.contains(&path.display().to_string()),
                "{what}: the error does not name the file: {run:?}"
            );
            assert!(
                ADVICE.iter().any(|a| run.stderr.contains(a)),
                "{what}: the error does not say what to do: {run:?}"
            );
            assert!(!run.stderr.contains("panicked"), "{what}: {run:?}");
            assert_eq!(run.stdout, "", "{what}");
            assert!(
                before == after,
                "{what}: a failed command changed files: {}",
                diff(&before, &after)
            );
        } else if args == &["account", "clear"] && case.file == CACHE {
            // Clearing deletes the cache, readable or not; a directory is refused and kept.
            if matches!(case.damage, Damage::Directory) {
                assert_eq!(run.code, 1, "{what}: {run:?}");
                assert!(run.stderr.contains(&path.display().to_string()), "{what}");
                assert_eq!(before[CACHE], after[CACHE], "{what}");
            } else {
                assert_eq!(run.code, 0, "{what}: {run:?}");
                assert!(!after.contains_key(CACHE), "{what}: the cache was kept");
            }
        } else {
            // A command that does not read the file leaves it alone.
            assert_eq!(before[case.file], after[case.file], "{what}: {run:?}");
            assert!(!run.stderr.contains("panicked"), "{what}: {run:?}");
        }
    }
    if who == RunAs::Unprivileged {
        chown_all(env, 0);
    }
    ran
}

/// Every file's state, the damaged one read as its state (a directory's content, or the bytes
/// of a file no one but root may read).
fn snapshot_with_damage(dir: &Path, damaged: &str) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("read config dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let state = if name == damaged {
            state_of(dir, &name)
        } else {
            std::fs::read(dir.join(&name)).ok()
        };
        files.insert(name, state);
    }
    files
}

fn diff(a: &BTreeMap<String, Option<Vec<u8>>>, b: &BTreeMap<String, Option<Vec<u8>>>) -> String {
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .filter(|n| a.get(*n) != b.get(*n))
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn chown_all(env: &TestEnv, uid: u32) {
    let mut paths: Vec<PathBuf> = vec![env.config_dir.path().into(), env.home.path().into()];
    for entry in std::fs::read_dir(env.config_dir.path()).expect("read") {
        paths.push(entry.expect("entry").path());
    }
    for p in paths {
        modes::chown(&p, uid);
    }
}

/// Whether mode 000 denies this process reads (it does not for root).
fn mode_000_denies_me(dir: &Path) -> bool {
    let probe = dir.join("probe");
    std::fs::write(&probe, b"x").expect("write");
    modes::set_mode(&probe, 0o000);
    let denied = std::fs::read(&probe).is_err();
    std::fs::remove_file(&probe).expect("rm");
    denied
}

/// The first `name` on `PATH`.
fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Whether `setpriv` can run a program as the unprivileged uid, and that uid cannot read a
/// mode-000 file.
fn unprivileged_uid_is_refused(dir: &Path) -> bool {
    let probe = dir.join("probe");
    std::fs::write(&probe, b"x").expect("write");
    modes::set_mode(&probe, 0o000);
    let read = std::process::Command::new("setpriv")
        .arg(format!("--reuid={UNPRIVILEGED_UID}"))
        .arg(format!("--regid={UNPRIVILEGED_UID}"))
        .arg("--clear-groups")
        .arg("cat")
        .arg(&probe)
        .output();
    std::fs::remove_file(&probe).expect("rm");
    // `cat` ran and was refused: exit 1 with "Permission denied".
    matches!(read, Ok(out) if out.status.code() == Some(1)
        && String::from_utf8_lossy(&out.stderr).contains("Permission denied"))
}

async fn logged_in_env() -> (TestEnv, Snapshot) {
    let env = TestEnv::start().await;
    env.login_password().await;
    let good = snapshot(env.config_dir.path());
    for name in [PROFILE, CACHE, CLOUDS, CONFIG] {
        assert!(good.contains_key(name), "{name} after login: {good:?}");
    }
    (env, good)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_command_refuses_damaged_files_and_changes_nothing() {
    let (env, good) = logged_in_env().await;
    let cases = rejected_cases(&env.url());
    assert!(cases.len() >= 50, "the corpus shrank: {}", cases.len());
    let mut runs = 0;
    for case in &cases {
        runs += try_case(&env, &good, case, RunAs::Me).await;
    }
    println!("{} damaged files, {runs} command runs", cases.len());
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    windows,
    ignore = "Unix modes and uids: Windows has ACLs, which this test does not set"
)]
async fn every_command_refuses_unreadable_files_and_changes_nothing() {
    let (env, good) = logged_in_env().await;
    let who = if mode_000_denies_me(env.config_dir.path()) {
        RunAs::Me
    } else if unprivileged_uid_is_refused(env.home.path()) {
        // Running as root: the same commands run as uid 65534, who owns the config dir.
        RunAs::Unprivileged
    } else if which("setpriv").is_none() {
        panic!(
            "running as root, where mode 000 does not refuse reads, and setpriv is not on PATH: \
             the unreadable files can only be tried as uid {UNPRIVILEGED_UID}. Install \
             util-linux (Debian and Ubuntu: `apt-get install util-linux`; Fedora: `dnf install \
             util-linux`; Alpine: `apk add setpriv`), or run the tests as a user other than root"
        );
    } else {
        panic!(
            "running as root, where mode 000 does not refuse reads, and setpriv could not run \
             `cat` as uid {UNPRIVILEGED_UID} and have it refused a mode-000 file: check that \
             setpriv (util-linux) works here, or run the tests as a user other than root"
        );
    };
    let mut runs = 0;
    for case in unreadable_cases(&good) {
        runs += try_case(&env, &good, &case, who).await;
    }
    println!("4 unreadable files, {runs} command runs");
}

#[tokio::test(flavor = "multi_thread")]
async fn what_az_tolerates_works() {
    let (env, good) = logged_in_env().await;
    let dir = env.config_dir.path();
    let mut count = 0;
    for (kind, file) in KINDS {
        for (name, bytes) in corpus(kind, "tolerated", &env.url()) {
            count += 1;
            let what = format!("{file} {name:?}");
            for (args, _) in COMMANDS {
                restore(dir, &good);
                std::fs::write(dir.join(file), &bytes).expect("write");
                let run = env.run(args).await;
                assert!(
                    !run.stderr.contains(&dir.join(file).display().to_string()),
                    "{what} with {args:?} was refused: {run:?}"
                );
                assert!(!run.stderr.contains("panicked"), "{what}: {run:?}");
                if matches!(args[0], "account" | "config")
                    && matches!(args[1], "list" | "show" | "get" | "get-access-token")
                {
                    assert_eq!(
                        std::fs::read(dir.join(file)).expect("read"),
                        bytes,
                        "{what} with {args:?}: a read changed the file"
                    );
                }
                if args[0] == "login" {
                    assert_eq!(run.code, 0, "{what}: {run:?}");
                    let list = env.run(&["account", "list"]).await.ok();
                    assert_eq!(list.json().as_array().map(Vec::len), Some(2), "{what}");
                }
            }
        }
    }
    assert!(count >= 14, "the tolerated corpus shrank: {count}");
    println!("{count} tolerated files");
}
