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
    /// Where the redirect arrives when not on a loopback listener. Taken by the first login.
    inbox: Mutex<Option<RedirectInbox>>,
}

/// One request handed to an in-memory redirect: its bytes, and where its answer goes.
type Delivery = (Vec<u8>, tokio::sync::oneshot::Sender<Vec<u8>>);

/// The login's end of an in-memory redirect: instead of a loopback listener, the requests a
/// browser would send arrive through [`RedirectSender::deliver`] (the login flows run whole in
/// memory this way, with no socket).
#[derive(Debug)]
pub struct RedirectInbox {
    port: u16,
    requests: tokio::sync::mpsc::UnboundedReceiver<Delivery>,
}

/// The browser's end of an in-memory redirect.
#[derive(Clone, Debug)]
pub struct RedirectSender {
    requests: tokio::sync::mpsc::UnboundedSender<Delivery>,
}

impl RedirectSender {
    /// Hands `request` (an HTTP request as the browser sends it to the loopback listener) to the
    /// login, and returns the answer's bytes; `None` once the login no longer listens.
    pub async fn deliver(&self, request: &[u8]) -> Option<Vec<u8>> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.requests.send((request.to_vec(), answer)).ok()?;
        answered.await.ok()
    }
}

/// An in-memory redirect whose `redirect_uri` names `http://localhost:{port}`.
pub fn in_memory_redirect(port: u16) -> (RedirectSender, RedirectInbox) {
    let (sender, requests) = tokio::sync::mpsc::unbounded_channel();
    (
        RedirectSender { requests: sender },
        RedirectInbox { port, requests },
    )
}

impl BrowserOptions {
    /// Options with the default timeout and no cancellation.
    pub fn new(opener: Arc<dyn BrowserOpener>) -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            opener,
            cancel: Mutex::new(None),
            inbox: Mutex::new(None),
        }
    }

    /// Takes the redirect from `inbox` instead of a loopback listener.
    pub fn with_in_memory_redirect(self, inbox: RedirectInbox) -> Self {
        if let Ok(mut slot) = self.inbox.lock() {
            *slot = Some(inbox);
        }
        self
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
    let inbox = options.inbox.lock().ok().and_then(|mut slot| slot.take());
    let (redirects, port) = match inbox {
        Some(inbox) => (Redirects::Memory(inbox.requests), inbox.port),
        None => {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .await
                .map_err(listener_error)?;
            let port = listener.local_addr().map_err(listener_error)?.port();
            (Redirects::Loopback(listener), port)
        }
    };
    let (flow, verifier) = BrowserFlow::new(ctx.clone(), scopes, port, &draw_entropy());
    // The listener is moved in and dropped when the wait ends, whatever the outcome.
    let answer = wait_for_code(redirects, &flow, options).await?;
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

/// Where the browser's requests come from.
enum Redirects {
    /// A loopback listener on 127.0.0.1.
    Loopback(TcpListener),
    /// [`RedirectSender::deliver`].
    Memory(tokio::sync::mpsc::UnboundedReceiver<Delivery>),
}

/// The next connection to the listener; never without one.
async fn accept(
    listener: Option<&TcpListener>,
) -> std::io::Result<(TcpStream, std::net::SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

/// The next request delivered in memory; never without an inbox, or once every sender is gone.
async fn delivered(inbox: Option<&mut tokio::sync::mpsc::UnboundedReceiver<Delivery>>) -> Delivery {
    let next = match inbox {
        Some(requests) => requests.recv().await,
        None => None,
    };
    match next {
        Some(delivery) => delivery,
        None => std::future::pending().await,
    }
}

/// Where an answer goes.
enum ReplyTo {
    Stream(TcpStream),
    Memory(tokio::sync::oneshot::Sender<Vec<u8>>),
}

async fn wait_for_code(
    redirects: Redirects,
    flow: &BrowserFlow,
    options: &BrowserOptions,
) -> Result<CodeAnswer> {
    let (listener, mut inbox) = match redirects {
        Redirects::Loopback(listener) => (Some(listener), None),
        Redirects::Memory(requests) => (None, Some(requests)),
    };
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
            accepted = accept(listener.as_ref()) => {
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
            (bytes, answer) = delivered(inbox.as_mut()) => {
                let received = match parse_request(&bytes) {
                    Parsed::Complete(request) => Received::Request(request),
                    Parsed::Invalid | Parsed::Incomplete => Received::Unreadable,
                };
                if let Some(answer) = reply(flow, received, ReplyTo::Memory(answer)).await {
                    return answer;
                }
            }
            Some(joined) = readers.join_next() => {
                // A reader closed to make room ends here; matching `Ok` in the branch's pattern
                // instead would leave this wait deaf to every later reader.
                let Ok((stream, received)) = joined else {
                    continue;
                };
                if let Some(answer) = reply(flow, received, ReplyTo::Stream(stream)).await {
                    return answer;
                }
            }
        }
    }
}

/// Answers one request; `Some` when the wait is over.
async fn reply(flow: &BrowserFlow, received: Received, to: ReplyTo) -> Option<Result<CodeAnswer>> {
    let reply = match received {
        Received::Nothing => return None,
        Received::Request(request) => flow.handle_request(&request),
        Received::Unreadable => crate::oauth::authorize::Reply {
            response: LoopbackResponse::bad_request(NOT_THE_REDIRECT),
            outcome: RedirectOutcome::KeepWaiting,
        },
    };
    match to {
        ReplyTo::Stream(mut stream) => send(&mut stream, &reply.response).await,
        // A browser that went away is not an error.
        ReplyTo::Memory(answer) => drop(answer.send(reply.response.to_bytes())),
    }
    match reply.outcome {
        RedirectOutcome::KeepWaiting => None,
        RedirectOutcome::Code(answer) => Some(Ok(answer)),
        RedirectOutcome::Failed(e) => Some(Err(e)),
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
