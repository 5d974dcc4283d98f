//! The thin driver: hyper on 127.0.0.1 (plain or TLS) feeding the [`Responder`].
//!
//! It reads a request, waits the configured latency, asks the responder, writes the answer.
//! Stopping closes the listening socket first, then lets in-flight requests finish.

use std::convert::Infallible;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use super::faults::{self, FaultBook};
use super::message::EmuRequest;
use super::responder::{LoggedRequest, Responder};
use super::scenario::Scenario;
use super::tls;
use crate::error::{Error, Result};

/// The largest request body read; token requests are a few kilobytes.
const MAX_BODY_BYTES: usize = 1 << 20;

/// How long `stop` waits for in-flight requests before dropping them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How to run the emulator.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// The port on 127.0.0.1; 0 lets the operating system pick one.
    pub port: u16,
    /// What exists.
    pub scenario: Scenario,
    /// Added before each answer; zero uses the scenario's `latency_ms`.
    pub latency: Duration,
    /// Serve https with a generated CA written to `<dir>/ca.pem`; the URL is then
    /// `https://localhost:PORT`.
    pub tls_cert_dir: Option<PathBuf>,
    /// Print one line per request to stderr.
    pub log_requests: bool,
    /// Derive the token key and all ids from this seed instead of fresh randomness, so a
    /// restarted emulator accepts the tokens a client cached from the previous run.
    pub seed: Option<u64>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            port: 0,
            scenario: Scenario::default_scenario(),
            latency: Duration::ZERO,
            tls_cert_dir: None,
            log_requests: false,
            seed: None,
        }
    }
}

/// A running emulator. Dropping it without [`RunningEmulator::stop`] leaves it serving until
/// the runtime ends.
pub struct RunningEmulator {
    /// The base URL: `http://127.0.0.1:PORT`, or `https://localhost:PORT` with TLS (no port
    /// when it is the scheme's default).
    pub url: String,
    /// The CA certificate to trust, with TLS.
    pub ca_cert_path: Option<PathBuf>,
    /// With TLS: the SHA-1 thumbprint of the server's certificate (lower-case hex).
    pub server_thumbprint: Option<String>,
    addr: SocketAddr,
    responder: Arc<Responder>,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl RunningEmulator {
    /// The base URL: the login endpoint, and with `/` appended the ARM endpoint and audience.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The CA certificate to trust, with TLS.
    pub fn ca_cert_path(&self) -> Option<&Path> {
        self.ca_cert_path.as_deref()
    }

    /// With TLS: the SHA-1 thumbprint of the server's certificate, as Service Fabric hosts give
    /// it in `IDENTITY_SERVER_THUMBPRINT`.
    pub fn server_thumbprint(&self) -> Option<&str> {
        self.server_thumbprint.as_deref()
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The responder, for tests that want to drive it directly.
    pub fn responder(&self) -> &Arc<Responder> {
        &self.responder
    }

    /// Puts `faults` in force from the next request on, instead of the scenario's (a test logs
    /// in cleanly, then breaks an endpoint for the command it is about).
    pub fn inject_faults(&self, faults: Vec<super::faults::Fault>) {
        self.shared.faults.replace(faults);
    }

    /// Every request handled so far (no bodies, secrets or tokens).
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.responder.request_log()
    }

    /// Stops accepting (the port is closed when this returns), lets in-flight requests finish
    /// (up to 10 s), then returns.
    pub async fn stop(self) {
        // An error means the accept loop is already gone, which is what we want.
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

/// Starts the emulator on 127.0.0.1.
pub async fn start(options: EmulatorOptions) -> Result<RunningEmulator> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))
        .await
        .map_err(|e| Error::Config(format!("Cannot listen on 127.0.0.1:{}: {e}", options.port)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Config(format!("Cannot read the emulator's address: {e}")))?;
    let port = addr.port();
    let (url, acceptor, ca_cert_path, server_thumbprint) = match &options.tls_cert_dir {
        Some(dir) => {
            let material = tls::prepare(dir)?;
            // MSAL and az want a host name, not an IP address, in https URLs. MSAL sends its
            // user-realm lookup to the host without the port, so on 443 the URL has none.
            let url = if port == 443 {
                "https://localhost".to_string()
            } else {
                format!("https://localhost:{port}")
            };
            (
                url,
                Some(material.acceptor),
                Some(material.ca_path),
                Some(material.server_thumbprint),
            )
        }
        None if port == 80 => ("http://127.0.0.1".to_string(), None, None, None),
        None => (format!("http://127.0.0.1:{port}"), None, None, None),
    };
    let latency = if options.latency.is_zero() {
        Duration::from_millis(options.scenario.latency_ms)
    } else {
        options.latency
    };
    let responder = Arc::new(match options.seed {
        Some(seed) => Responder::with_seed(options.scenario, &url, seed),
        None => Responder::new(options.scenario, &url),
    });
    let (shutdown, shutdown_rx) = watch::channel(false);
    let shared = Arc::new(Shared {
        faults: FaultBook::new(responder.scenario().faults.clone()),
        shutdown: shutdown_rx.clone(),
        responder: Arc::clone(&responder),
        latency,
        log_requests: options.log_requests,
    });
    let task = tokio::spawn(accept_loop(
        listener,
        acceptor,
        Arc::clone(&shared),
        shutdown_rx,
    ));
    Ok(RunningEmulator {
        url,
        ca_cert_path,
        server_thumbprint,
        addr,
        responder,
        shared,
        shutdown,
        task,
    })
}

/// Runs the emulator until SIGINT or SIGTERM: prints one ready line (a JSON object) to `out`,
/// logs each request to stderr, then stops cleanly.
pub async fn run_until_signal(options: EmulatorOptions, mut out: impl Write) -> Result<()> {
    let emulator = start(EmulatorOptions {
        log_requests: true,
        ..options
    })
    .await?;
    let ready = serde_json::json!({
        "event": "ready",
        "url": emulator.url,
        "caCertPath": emulator.ca_cert_path.as_ref().map(|p| p.display().to_string()),
        "serverThumbprint": emulator.server_thumbprint,
    });
    let written = writeln!(out, "{ready}").and_then(|()| out.flush());
    if let Err(e) = written {
        emulator.stop().await;
        return Err(Error::file("<stdout>", e));
    }
    wait_for_signal().await;
    emulator.stop().await;
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    // Without a SIGTERM handler, Ctrl-C still stops it; if even that cannot be installed
    // there is nothing to wait for.
    let _ = tokio::signal::ctrl_c().await;
}

/// An answer's body: whole, or streamed by a fault.
type Body = UnsyncBoxBody<Bytes, Infallible>;

struct Shared {
    faults: FaultBook,
    shutdown: watch::Receiver<bool>,
    responder: Arc<Responder>,
    latency: Duration,
    log_requests: bool,
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(
                        stream,
                        acceptor.clone(),
                        Arc::clone(&shared),
                        shutdown.clone(),
                    ));
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    // Closing the listener first means no new connection is accepted while draining.
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN_TIMEOUT, drain).await.is_err() {
        connections.abort_all();
    }
}

async fn serve_connection(
    stream: TcpStream,
    acceptor: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    match acceptor {
        Some(acceptor) => {
            // A failed handshake (an untrusting client, a port scan) only ends that connection.
            let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await;
            if let Ok(Ok(tls_stream)) = handshake {
                drive(TokioIo::new(tls_stream), shared, shutdown).await;
            }
        }
        None => drive(TokioIo::new(stream), shared, shutdown).await,
    }
}

async fn drive<I>(io: I, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = service_fn(move |req| answer(req, Arc::clone(&shared)));
    let conn = http1::Builder::new().serve_connection(io, service);
    tokio::pin!(conn);
    if *shutdown.borrow_and_update() {
        conn.as_mut().graceful_shutdown();
    } else {
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = shutdown.changed() => conn.as_mut().graceful_shutdown(),
        }
    }
    let _ = conn.await;
}

async fn answer(req: Request<Incoming>, shared: Arc<Shared>) -> Result<Response<Body>, Infallible> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let headers = header_pairs(req.headers());
    let body = match Limited::new(req.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => return Ok(plain(413, "Request body too large or unreadable.")),
    };
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    let emu_request = EmuRequest {
        method,
        path,
        query,
        headers,
        body,
    };
    let (mut resp, entry) = shared.responder.handle_logged(emu_request, unix_millis());
    if resp.write_requested_file().is_err() {
        return Ok(plain(500, "The emulator could not write the key file."));
    }
    if shared.log_requests {
        let grant = entry
            .grant_type
            .as_deref()
            .map(|g| format!(" {g}"))
            .unwrap_or_default();
        eprintln!("{} {}{grant} -> {}", entry.method, entry.path, entry.status);
    }
    if let Some(fault) = shared.faults.pick(&entry) {
        return Ok(faults::respond(faults::serve(&fault, resp), shared.shutdown.clone()).await);
    }
    Ok(whole(resp))
}

/// An answer with its whole body.
pub(super) fn whole(resp: super::message::EmuResponse) -> Response<Body> {
    let mut builder = Response::builder().status(resp.status);
    for (k, v) in &resp.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    builder
        .body(Full::new(Bytes::from(resp.body)).boxed_unsync())
        .unwrap_or_else(|_| plain(500, "The emulator built an invalid answer."))
}

fn plain(status: u16, text: &'static str) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from_static(text.as_bytes())).boxed_unsync());
    *r.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    r
}

/// A header map as `(name, value)` pairs, names as the map has them (lower-case), values
/// decoded lossily.
fn header_pairs(headers: &hyper::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The system clock in milliseconds since the Unix epoch.
pub(super) fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
