//! Opening a URL in the user's browser: `$BROWSER` (Python `webbrowser` rules), else the
//! platform's opener (a program on Unix, `ShellExecuteW` on Windows), and the rules for when no
//! browser can work at all.

#[cfg(unix)]
#[path = "browser_launch/unix.rs"]
mod os;
#[cfg(windows)]
#[path = "browser_launch/windows.rs"]
mod os;

use super::browser::BrowserOpener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a launcher may run before it counts as "the browser itself, still open". `xdg-open`
/// and `open` return at once; a `$BROWSER` that is the browser binary runs until it is closed.
const LAUNCH_GRACE: Duration = Duration::from_secs(3);

/// The operating system, as far as browser launching cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Linux; `wsl` when running under the Windows Subsystem for Linux.
    Linux {
        /// Under WSL.
        wsl: bool,
    },
    /// macOS.
    MacOs,
    /// Windows.
    Windows,
    /// Anything else (BSDs…): treated like Linux without WSL.
    Other,
}

impl Platform {
    /// The platform this process runs on.
    pub fn current() -> Self {
        if cfg!(target_os = "macos") {
            Platform::MacOs
        } else if cfg!(windows) {
            Platform::Windows
        } else if cfg!(target_os = "linux") {
            let wsl = std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .is_ok_and(|r| r.to_ascii_lowercase().contains("microsoft"));
            Platform::Linux { wsl }
        } else {
            Platform::Other
        }
    }
}

/// Why no browser can be used; `Display` is the reason in a few words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoBrowser {
    /// `CODESPACES=true`: the browser is on another machine.
    Codespaces,
    /// An SSH session without a display.
    SshWithoutDisplay,
    /// No `DISPLAY` or `WAYLAND_DISPLAY`.
    NoDisplay,
    /// No opener program on `PATH`.
    NoLauncher,
}

impl std::fmt::Display for NoBrowser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NoBrowser::Codespaces => "running in GitHub Codespaces",
            NoBrowser::SshWithoutDisplay => "an SSH session without a display",
            NoBrowser::NoDisplay => "no graphical display",
            NoBrowser::NoLauncher => "no browser launcher found on PATH",
        })
    }
}

/// One way to start a browser: a program and its arguments, `%s` standing for the URL (appended
/// when no argument holds it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaunchCommand {
    program: String,
    args: Vec<String>,
}

impl LaunchCommand {
    fn new(program: &str, args: &[&str]) -> Self {
        Self {
            program: program.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// A `$BROWSER` entry: words split as a shell would (quotes kept together).
    fn parse(entry: &str) -> Option<Self> {
        let mut words = split_words(entry).into_iter();
        Some(Self {
            program: words.next()?,
            args: words.collect(),
        })
    }

    /// The argument vector for `url`.
    fn argv(&self, url: &str) -> Vec<String> {
        let mut args: Vec<String> = self.args.iter().map(|a| a.replace("%s", url)).collect();
        if !self.args.iter().any(|a| a.contains("%s")) {
            args.push(url.to_string());
        }
        args
    }
}

/// One way to open the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Launcher {
    /// A program given the URL.
    Command(LaunchCommand),
    /// The system's handler for the URL's scheme, asked directly (`ShellExecuteW`; Windows
    /// only).
    SystemDefault,
}

impl Launcher {
    fn name(&self) -> &str {
        match self {
            Launcher::Command(c) => &c.program,
            Launcher::SystemDefault => "the default browser",
        }
    }

    fn open(&self, url: &str) -> Result<(), String> {
        match self {
            Launcher::Command(c) => run_launcher(c, url),
            Launcher::SystemDefault => os::open_with_system_default(url),
        }
    }
}

/// The browser launchers to try, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemBrowser {
    candidates: Vec<Launcher>,
}

impl SystemBrowser {
    /// Finds how to open a browser from this process's environment and platform.
    pub fn from_environment() -> Result<Self, NoBrowser> {
        Self::detect(&|k| std::env::var(k).ok(), Platform::current())
    }

    /// Finds how to open a browser here, or why none can work. `env` reads the environment
    /// (`PATH` included).
    pub fn detect(
        env: &dyn Fn(&str) -> Option<String>,
        platform: Platform,
    ) -> Result<Self, NoBrowser> {
        if env("CODESPACES").as_deref() == Some("true") {
            return Err(NoBrowser::Codespaces);
        }
        // The user's own choice is honoured as given: it may be a text browser over SSH.
        if let Some(browser) = env("BROWSER").filter(|b| !b.trim().is_empty()) {
            let separator = if platform == Platform::Windows {
                ';'
            } else {
                ':'
            };
            let candidates: Vec<_> = browser
                .split(separator)
                .filter_map(LaunchCommand::parse)
                .map(Launcher::Command)
                .collect();
            if !candidates.is_empty() {
                return Ok(Self { candidates });
            }
        }
        let path = env("PATH").unwrap_or_default();
        let on_path = |program: &str| find_on_path(&path, program).is_some();
        let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|k| env(k).is_some_and(|v| !v.is_empty()));
        let ssh = ["SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"]
            .iter()
            .any(|k| env(k).is_some_and(|v| !v.is_empty()));
        let mut candidates = Vec::new();
        match platform {
            Platform::MacOs if !ssh => {
                candidates.push(Launcher::Command(LaunchCommand::new("open", &[])))
            }
            Platform::Windows => candidates.push(Launcher::SystemDefault),
            Platform::Linux { wsl: true } if on_path("wslview") => {
                candidates.push(Launcher::Command(LaunchCommand::new("wslview", &[])))
            }
            _ => {}
        }
        if candidates.is_empty() {
            if !has_display {
                return Err(if ssh {
                    NoBrowser::SshWithoutDisplay
                } else {
                    NoBrowser::NoDisplay
                });
            }
            if !on_path("xdg-open") {
                return Err(NoBrowser::NoLauncher);
            }
            candidates.push(Launcher::Command(LaunchCommand::new("xdg-open", &[])));
        }
        Ok(Self { candidates })
    }

    /// Starts the browser on `url`: the first launcher that exits 0, or is still running after
    /// a short grace (it is the browser itself), wins. The error names what failed.
    pub fn launch(&self, url: &str) -> Result<(), String> {
        if !is_launchable(url) {
            return Err("the URL is not a plain http(s) URL".into());
        }
        let mut failures = Vec::new();
        for candidate in &self.candidates {
            match candidate.open(url) {
                Ok(()) => return Ok(()),
                Err(e) => failures.push(format!("{}: {e}", candidate.name())),
            }
        }
        Err(failures.join("; "))
    }
}

/// The strict opener for hosts without a terminal to fall back on (the Node addon): a launcher
/// that fails ends the login with a usage error naming what failed.
impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &str, _endpoint: &str) -> crate::error::Result<()> {
        self.launch(url).map_err(|reason| {
            crate::error::Error::Usage(format!("The web browser could not be opened ({reason})."))
        })
    }
}

/// Whether `url` may be handed to a launcher: http(s) only, and no CR, LF or TAB that could
/// smuggle a second argument or header through a shell wrapper.
pub fn is_launchable(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url.contains(['\r', '\n', '\t'])
}

fn run_launcher(candidate: &LaunchCommand, url: &str) -> Result<(), String> {
    let mut child = Command::new(&candidate.program)
        .args(candidate.argv(url))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("exited with {status}")),
            Ok(None) if started.elapsed() >= LAUNCH_GRACE => {
                // Still running: it is the browser. Reap it whenever it ends.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// `program` on `path` (or the path itself when it has a separator), if it is a file.
fn find_on_path(path: &str, program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Path::new(program).is_file().then(|| PathBuf::from(program));
    }
    std::env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Splits a command line into words: whitespace separates, single and double quotes group.
fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINUX: Platform = Platform::Linux { wsl: false };

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn browser_variable_entries_follow_python_webbrowser() {
        let found = SystemBrowser::detect(
            &env_of(&[("BROWSER", "my-browser --new-tab %s:'/opt/x y/b' --flag:")]),
            LINUX,
        )
        .expect("browser");
        let [Launcher::Command(first), Launcher::Command(second)] = found.candidates.as_slice()
        else {
            panic!("{:?}", found.candidates)
        };
        assert_eq!(first.program, "my-browser");
        assert_eq!(first.argv("http://h/?a=1"), ["--new-tab", "http://h/?a=1"]);
        assert_eq!(second.program, "/opt/x y/b");
        assert_eq!(second.argv("http://u"), ["--flag", "http://u"]);
    }

    #[test]
    fn no_browser_cases() {
        let cases: [(&'static [(&'static str, &'static str)], NoBrowser); 4] = [
            (
                &[("CODESPACES", "true"), ("BROWSER", "x"), ("DISPLAY", ":0")],
                NoBrowser::Codespaces,
            ),
            (&[("PATH", "/usr/bin")], NoBrowser::NoDisplay),
            (
                &[("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22")],
                NoBrowser::SshWithoutDisplay,
            ),
            (
                &[("DISPLAY", ":0"), ("PATH", "/nonexistent-dir")],
                NoBrowser::NoLauncher,
            ),
        ];
        for (env, expected) in cases {
            assert_eq!(
                SystemBrowser::detect(&env_of(env), LINUX),
                Err(expected),
                "{env:?}"
            );
        }
        // macOS needs no display variable; Windows always has its opener, which is no program.
        assert!(SystemBrowser::detect(&env_of(&[]), Platform::MacOs).is_ok());
        assert_eq!(
            SystemBrowser::detect(&env_of(&[]), Platform::Windows).map(|b| b.candidates),
            Ok(vec![Launcher::SystemDefault])
        );
    }

    #[test]
    fn display_and_xdg_open_on_path_make_a_browser() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("xdg-open"), "").expect("write");
        let path = dir.path().display().to_string();
        let env = move |k: &str| match k {
            "WAYLAND_DISPLAY" => Some("wayland-0".to_string()),
            "PATH" => Some(path.clone()),
            _ => None,
        };
        let found = SystemBrowser::detect(&env, LINUX).expect("browser");
        assert_eq!(
            found.candidates,
            [Launcher::Command(LaunchCommand::new("xdg-open", &[]))]
        );
    }

    #[test]
    fn refuses_urls_that_are_not_plain_http() {
        assert!(is_launchable("http://localhost:1/a?b=c"));
        assert!(is_launchable("HTTPS://login.example/x"));
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "http://x/\r\nHost: y",
            "http://x/\ty",
            "http://x/\n",
        ] {
            assert!(!is_launchable(bad), "{bad:?}");
        }
        let b = SystemBrowser {
            candidates: vec![Launcher::Command(LaunchCommand::new("true", &[]))],
        };
        assert!(b.launch("file:///etc/passwd").is_err());
    }

    /// This test binary as a launcher: with `args` (and the URL appended) it either runs no
    /// test and exits 0, or refuses an unknown flag and exits non-zero, on every platform.
    fn this_binary(args: &[&str]) -> Launcher {
        let exe = std::env::current_exe().expect("current_exe");
        Launcher::Command(LaunchCommand::new(&exe.display().to_string(), args))
    }

    #[test]
    fn launch_tries_each_candidate_until_one_works() {
        let failing = this_binary(&["--no-such-flag"]);
        let failing_name = failing.name().to_string();
        let b = SystemBrowser {
            candidates: vec![
                failing.clone(),
                Launcher::Command(LaunchCommand::new("/nonexistent/launcher", &[])),
            ],
        };
        let err = b.launch("http://localhost:1").expect_err("both fail");
        assert!(
            err.starts_with(&format!("{failing_name}: exited with")),
            "{err}"
        );
        assert!(err.contains("/nonexistent/launcher: "), "{err}");
        let b = SystemBrowser {
            candidates: vec![failing, this_binary(&["--exact", "no::such::test"])],
        };
        assert_eq!(b.launch("http://localhost:1"), Ok(()));
    }
}
