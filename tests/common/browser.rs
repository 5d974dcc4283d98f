//! The browser half of the browser-login tests: a fake `$BROWSER` that hands the authorize URL
//! over, a user on the emulator's sign-in page, and raw requests to the loopback listener.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Run, TestEnv};

/// A running `azlogin login`, its stderr collected as it comes.
pub struct Login {
    pub child: tokio::process::Child,
    stderr: Arc<Mutex<String>>,
    url_file: PathBuf,
}

/// Writes a `$BROWSER` launcher that hands the URL to the test through a file: the launcher's
/// path and the file's.
pub fn launcher(env: &TestEnv) -> (PathBuf, PathBuf) {
    fake_browser::launcher(env.home.path())
}

#[cfg(unix)]
mod fake_browser {
    use std::path::{Path, PathBuf};

    /// A shell script that writes its argument to `dir/url`.
    pub fn launcher(dir: &Path) -> (PathBuf, PathBuf) {
        let url_file = dir.join("url");
        let script = dir.join("fake-browser");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s' \"$1\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
                url_file.display()
            ),
        )
        .expect("launcher");
        crate::common::modes::set_mode(&script, 0o755);
        (script, url_file)
    }
}

#[cfg(windows)]
mod fake_browser {
    use std::path::{Path, PathBuf};

    /// Windows runs no shell scripts: a copy of tests/windows/fake_browser.c's program (built by
    /// scripts/windows.sh, which names it in `AZLOGIN_FAKE_BROWSER_EXE`) writes its argument to
    /// `dir/fake-browser.url`.
    pub fn launcher(dir: &Path) -> (PathBuf, PathBuf) {
        let built = std::env::var_os("AZLOGIN_FAKE_BROWSER_EXE").expect(
            "AZLOGIN_FAKE_BROWSER_EXE names tests/windows/fake_browser.c built for Windows \
             (scripts/windows.sh builds it and sets it)",
        );
        let exe = dir.join("fake-browser.exe");
        std::fs::copy(&built, &exe).expect("copy the fake browser");
        (exe, dir.join("fake-browser.url"))
    }
}

impl Login {
    /// Starts `azlogin login extra…` with the fake browser as `$BROWSER`.
    pub fn start(env: &TestEnv, extra: &[&str]) -> Login {
        let (script, url_file) = launcher(env);
        let mut args = vec!["login"];
        args.extend_from_slice(extra);
        let mut cmd = env.command(&args);
        cmd.env("BROWSER", &script);
        Self::spawn(cmd, url_file)
    }

    pub fn spawn(cmd: std::process::Command, url_file: PathBuf) -> Login {
        let mut cmd = tokio::process::Command::from(cmd);
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("azlogin starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("lock")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Login {
            child,
            stderr,
            url_file,
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    /// The authorize URL the fake browser was given.
    pub async fn browser_url(&self) -> String {
        let start = Instant::now();
        loop {
            if let Ok(url) = std::fs::read_to_string(&self.url_file) {
                return url;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no browser was opened; stderr: {}",
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for the exit; stdout and the stderr seen.
    pub async fn finish(mut self) -> Run {
        let mut stdout = String::new();
        let mut pipe = self.child.stdout.take().expect("stdout");
        let status = tokio::time::timeout(Duration::from_secs(60), async {
            let _ = pipe.read_to_string(&mut stdout).await;
            self.child.wait().await
        })
        .await
        .expect("azlogin exits")
        .expect("status");
        // Let the stderr reader drain.
        tokio::time::sleep(Duration::from_millis(100)).await;
        Run {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr: self.stderr(),
        }
    }
}

/// The loopback port of the redirect URI in an authorize URL.
pub fn redirect_port(authorize_url: &str) -> u16 {
    let url = url::Url::parse(authorize_url).expect("url");
    let redirect = param(&url, "redirect_uri");
    let redirect = url::Url::parse(&redirect).expect("redirect uri");
    assert_eq!(redirect.host_str(), Some("localhost"));
    assert_eq!(redirect.path(), "/", "no path: {redirect}");
    redirect.port().expect("port")
}

pub fn param(url: &url::Url, name: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("{name} missing from {url}"))
}

pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!("{name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

/// A page's first form: its action and its inputs' names and values.
pub fn form(html: &str) -> (String, Vec<(String, String)>) {
    let form_tag = html.split("<form").nth(1).expect("a form");
    let action = attr(form_tag.split('>').next().unwrap_or(""), "action").expect("action");
    let fields = html
        .split("<input")
        .skip(1)
        .filter_map(|rest| {
            let tag = rest.split('>').next().unwrap_or("");
            Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default()))
        })
        .collect();
    (action, fields)
}

/// Plays the user on the emulator's sign-in page: `button` is `signin` or `cancel`. Returns
/// the auto-submitting form_post page's target and fields.
pub async fn sign_in(
    env: &TestEnv,
    authorize_url: &str,
    button: &str,
) -> (String, Vec<(String, String)>) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = http
        .get(authorize_url)
        .send()
        .await
        .expect("authorize page");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains(">Sign in</button>"), "{html}");
    let (action, mut fields) = form(&html);
    fields.push(("action".into(), button.into()));
    let answer = http
        .post(format!("{}{action}", env.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&fields)
                .finish(),
        )
        .send()
        .await
        .expect("sign-in post");
    assert_eq!(answer.status().as_u16(), 200);
    let html = answer.text().await.expect("html");
    assert!(html.contains("document.forms[0].submit()"), "{html}");
    form(&html)
}

/// Sends raw bytes to the loopback listener and reads until it closes the connection.
pub async fn raw(port: u16, request: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("listener up");
    stream.write_all(request).await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the listener closes the connection")
        .expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

/// The browser's form_post to the redirect URI.
pub async fn post_form(port: u16, fields: &[(String, String)]) -> String {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    raw(
        port,
        format!(
            "POST / HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .await
}

pub async fn assert_refused(port: u16) {
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err(),
        "the loopback listener on {port} is still up"
    );
}
