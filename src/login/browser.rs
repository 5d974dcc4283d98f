//! The browser login driver: a one-shot loopback listener on 127.0.0.1, the browser opened on
//! the authorize URL, and the code redeemed. Every decision about a request is made in
//! [`crate::oauth::authorize`]; this file only moves bytes, waits and stops waiting.

use std::collections::VecDeque;
use std::future::Future;
use std::net::Ipv4Addr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::RngCore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinSet};

use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::oauth::authorize::{BrowserFlow, CodeAnswer, RedirectOutcome};
use crate::oauth::landing::NOT_THE_REDIRECT;
use crate::oauth::loopback::{
    LoopbackRequest, LoopbackResponse, Parsed, accepts_peer, parse_request,
};
use crate::oauth::pkce::FlowEntropy;
use crate::oauth::token::{TokenContext, TokenResponse};

/// How long a browser login waits for the sign-in by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long sending an answer may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections read at once; a new one beyond this closes the oldest still being read, so
/// slow or idle clients cannot keep the browser's redirect out.
const MAX_CONNECTIONS: usize = 16;

/// Shows the authorize URL to the user: opens a browser, prints it, or hands it to a host
/// (the Node binding's `openBrowser(url)`). Called once, off the async runtime's threads.
pub trait BrowserOpener: Send + Sync {
    /// Opens `url`; `endpoint` is the same URL without its query (what az's message names).
    /// An error ends the login with that error.
    fn open(&self, url: &str, endpoint: &str) -> Result<()>;
}

impl<F: Fn(&str, &str) -> Result<()> + Send + Sync> BrowserOpener for F {
    fn open(&self, url: &str, endpoint: &str) -> Result<()> {
        self(url, endpoint)
    }
}

/// A future that, once it completes, cancels the login ([`Error::Cancelled`]).
pub type CancelSignal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// How a browser login runs.
pub struct BrowserOptions {
    /// How long to wait for the browser's answer.
    pub timeout: Duration,
    /// Shows the URL.
    pub opener: Arc<dyn BrowserOpener>,
    /// Cancels the wait when it completes. Taken by the first login that uses these options.
    cancel: Mutex<Option<CancelSignal>>,
}

impl BrowserOptions {
    /// Options with the default timeout and no cancellation.
    pub fn new(opener: Arc<dyn BrowserOpener>) -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            opener,
            cancel: Mutex::new(None),
        }
    }

    /// Sets the timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Cancels the login when `signal` completes.
    pub fn with_cancel(self, signal: impl Future<Output = ()> + Send + 'static) -> Self {
        if let Ok(mut slot) = self.cancel.lock() {
            *slot = Some(Box::pin(signal));
        }
        self
    }

    fn take_cancel(&self) -> CancelSignal {
        self.cancel
            .lock()
            .ok()
            .and_then(|mut slot| slot.take())
            .unwrap_or_else(|| Box::pin(std::future::pending()))
    }
}

impl std::fmt::Debug for BrowserOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserOptions")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Signs in through the browser: listen, open, wait for the code, redeem it, check the nonce.
pub async fn login<C: HttpClient>(
    client: &C,
    ctx: &TokenContext,
    scopes: &[String],
    options: &BrowserOptions,
) -> Result<TokenResponse> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(listener_error)?;
    let port = listener.local_addr().map_err(listener_error)?.port();
    let (flow, verifier) = BrowserFlow::new(ctx.clone(), scopes, port, &draw_entropy());
    // The listener is moved in and dropped when the wait ends, whatever the outcome.
    let answer = wait_for_code(listener, &flow, options).await?;
    let tokens = super::redeem(client, flow.redeem_request(&answer, verifier)).await?;
    flow.check_nonce(&tokens)?;
    Ok(tokens)
}

fn listener_error(e: std::io::Error) -> Error {
    Error::Transport {
        endpoint: "http://localhost (loopback listener)".into(),
        message: e.to_string(),
    }
}

/// The random bytes of one login, from the operating system's CSPRNG (via `rand`).
fn draw_entropy() -> FlowEntropy {
    let mut entropy = FlowEntropy {
        state: [0; 16],
        verifier: [0; 32],
        nonce: [0; 32],
    };
    let mut rng = rand::rng();
    rng.fill_bytes(&mut entropy.state);
    rng.fill_bytes(&mut entropy.verifier);
    rng.fill_bytes(&mut entropy.nonce);
    entropy
}

/// What reading one connection gave.
enum Received {
    /// A whole request.
    Request(LoopbackRequest),
    /// Bytes that are not a request this listener takes.
    Unreadable,
    /// Nothing at all (a browser's speculative connection): close without an answer, so the
    /// browser never reads a stray answer on a socket it reuses later.
    Nothing,
}

async fn wait_for_code(
    listener: TcpListener,
    flow: &BrowserFlow,
    options: &BrowserOptions,
) -> Result<CodeAnswer> {
    let mut cancel = options.take_cancel();
    let deadline = tokio::time::sleep(options.timeout);
    tokio::pin!(deadline);
    let opener = options.opener.clone();
    let (url, endpoint) = (flow.authorize_url(), flow.authorize_endpoint());
    let mut open = tokio::task::spawn_blocking(move || opener.open(&url, &endpoint));
    let mut opened = false;
    let mut readers: JoinSet<(TcpStream, Received)> = JoinSet::new();
    let mut reading: VecDeque<AbortHandle> = VecDeque::new();
    loop {
        tokio::select! {
            biased;
            () = &mut cancel => return Err(Error::Cancelled),
            () = &mut deadline => return Err(timeout_error(options.timeout)),
            joined = &mut open, if !opened => {
                opened = true;
                match joined {
                    Ok(result) => result?,
                    Err(_) => return Err(Error::Config("the browser opener failed unexpectedly".into())),
                }
            }
            accepted = listener.accept() => {
                // A failed accept (the peer already gone) is no reason to stop listening.
                if let Ok((stream, peer)) = accepted
                    && accepts_peer(peer.ip())
                {
                    reading.retain(|r| !r.is_finished());
                    if reading.len() >= MAX_CONNECTIONS
                        && let Some(oldest) = reading.pop_front()
                    {
                        oldest.abort();
                    }
                    reading.push_back(readers.spawn(read_request(stream)));
                }
            }
            Some(joined) = readers.join_next() => {
                // A reader closed to make room ends here; matching `Ok` in the branch's pattern
                // instead would leave this wait deaf to every later reader.
                let Ok((mut stream, received)) = joined else {
                    continue;
                };
                let reply = match received {
                    Received::Nothing => continue,
                    Received::Request(request) => flow.handle_request(&request),
                    Received::Unreadable => crate::oauth::authorize::Reply {
                        response: LoopbackResponse::bad_request(NOT_THE_REDIRECT),
                        outcome: RedirectOutcome::KeepWaiting,
                    },
                };
                send(&mut stream, &reply.response).await;
                match reply.outcome {
                    RedirectOutcome::KeepWaiting => {}
                    RedirectOutcome::Code(answer) => return Ok(answer),
                    RedirectOutcome::Failed(e) => return Err(e),
                }
            }
        }
    }
}

fn timeout_error(timeout: Duration) -> Error {
    Error::Timeout(format!(
        "No sign-in answer came from the web browser within {} seconds. Run the login again, or use device code flow with `azlogin login --use-device-code`.",
        timeout.as_secs()
    ))
}

/// Reads one request, up to the size cap, within [`READ_TIMEOUT`].
async fn read_request(mut stream: TcpStream) -> (TcpStream, Received) {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(READ_TIMEOUT, async {
        let mut chunk = [0u8; 4096];
        loop {
            match parse_request(&buf) {
                Parsed::Complete(request) => return Received::Request(request),
                Parsed::Invalid => return Received::Unreadable,
                Parsed::Incomplete => {}
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) if buf.is_empty() => return Received::Nothing,
                Ok(0) | Err(_) => return Received::Unreadable,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    let received = match read {
        Ok(received) => received,
        Err(_) if buf.is_empty() => Received::Nothing,
        Err(_) => Received::Unreadable,
    };
    (stream, received)
}

/// Sends the answer and closes the connection. A browser that went away is not an error.
async fn send(stream: &mut TcpStream, response: &LoopbackResponse) {
    let bytes = response.to_bytes();
    let _ = tokio::time::timeout(WRITE_TIMEOUT, async {
        stream.write_all(&bytes).await?;
        stream.shutdown().await
    })
    .await;
}

/// az's warning just before the browser opens; `endpoint` is the authorize URL without query.
pub fn browser_opened_warning(endpoint: &str) -> String {
    format!(
        "A web browser has been opened at {endpoint}. Please continue the login in the web browser. If no web browser is available or if the web browser fails to open, use device code flow with `az login --use-device-code`."
    )
}
