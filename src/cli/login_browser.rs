//! How `azlogin login` runs the browser flow: the system browser or `--no-browser`, the
//! one-line fallback to device code when no browser can work, and Ctrl-C as cancellation.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::args::LoginArgs;
use super::console::Console;
use crate::error::Result;
use crate::login::browser::{BrowserOpener, BrowserOptions, browser_opened_warning};
use crate::login::browser_launch::SystemBrowser;

/// The browser flow's options for `azlogin login` without credentials, when a browser can
/// work; else `None` (device code) after one warning line.
pub fn options(args: &LoginArgs, console: Console) -> Option<BrowserOptions> {
    let opener: Arc<dyn BrowserOpener> = if args.no_browser {
        Arc::new(PrintUrl { console })
    } else {
        match SystemBrowser::from_environment() {
            Ok(browser) => Arc::new(LaunchBrowser { browser, console }),
            Err(reason) => {
                console.warning(&format!(
                    "No web browser is available ({reason}); using the device code flow instead."
                ));
                return None;
            }
        }
    };
    Some(
        BrowserOptions::new(opener)
            .with_timeout(Duration::from_secs(args.timeout))
            .with_cancel(interrupted()),
    )
}

/// Opens the system browser after az's warning. A launcher that fails does not end the login:
/// the URL is printed instead, since the listener is up and any browser on this machine can
/// finish the sign-in (and device code stays one flag away).
struct LaunchBrowser {
    browser: SystemBrowser,
    console: Console,
}

impl BrowserOpener for LaunchBrowser {
    fn open(&self, url: &str, endpoint: &str) -> Result<()> {
        self.console.warning(&browser_opened_warning(endpoint));
        if let Err(reason) = self.browser.launch(url) {
            self.console.styled_warning(&format!(
                "The web browser could not be opened ({reason}). To continue the login, open this URL in a web browser on this machine: {url}"
            ));
        }
        Ok(())
    }
}

/// `--no-browser`: the URL for the user to open. Never hidden by `--only-show-errors`, like
/// the device-code message, since the login cannot go on without it.
struct PrintUrl {
    console: Console,
}

impl BrowserOpener for PrintUrl {
    fn open(&self, url: &str, _endpoint: &str) -> Result<()> {
        self.console.styled_warning(&format!(
            "To continue the login, open this URL in a web browser on this machine: {url}"
        ));
        Ok(())
    }
}

/// Completes on Ctrl-C while the browser wait listens. Once the wait is over, Ctrl-C ends the
/// process as it would without a handler (exit 130), since a handler, once installed, stays.
fn interrupted() -> impl Future<Output = ()> + Send + 'static {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let signal = super::platform::interrupt_listener();
    tokio::spawn(async move {
        let got = signal.await;
        if !got {
            return std::future::pending().await;
        }
        if tx.send(()).is_err() {
            std::process::exit(130);
        }
    });
    async move {
        if rx.await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
