//! HTTP as plain values, and the one trait drivers send them through.
//!
//! Protocol modules build [`HttpRequest`]s and read [`HttpResponse`]s; only an [`HttpClient`]
//! touches the network. [`ReqwestClient`] is the real one (rustls natively, `fetch` on wasm32).

mod retry;

// The retry loop's timer and clock: tokio and the system clock natively; without the `native`
// feature (wasm32) there is no timer, and answers are handed over without retries.
#[cfg(feature = "native")]
#[path = "http/clock_native.rs"]
mod clock;
#[cfg(not(feature = "native"))]
#[path = "http/clock_none.rs"]
mod clock;
#[cfg(feature = "native")]
#[path = "http/pinned.rs"]
mod pinned;

use std::fmt;
use std::time::Duration;

use self::clock::Clock;
pub use self::retry::{RetryDecision, RetryPolicy, decide as retry_decision, is_transient};
use crate::diagnostics;
use crate::error::{Error, Result};

/// The HTTP methods the flows use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

impl Method {
    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// The content type of [`HttpRequest::form`] bodies.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// A request to send. `Debug` never shows the body: it carries passwords, codes and tokens.
#[derive(Clone)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// The full URL, query included.
    pub url: String,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// An `application/x-www-form-urlencoded` body for POSTs.
    pub form: Option<String>,
}

impl HttpRequest {
    /// A GET of `url`.
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: Method::Get,
            url: url.into(),
            headers: Vec::new(),
            form: None,
        }
    }

    /// A form POST to `url` with the pairs encoded in order.
    pub fn post_form<'a>(
        url: impl Into<String>,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            form.append_pair(k, v);
        }
        Self {
            method: Method::Post,
            url: url.into(),
            headers: Vec::new(),
            form: Some(form.finish()),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The URL without its query, safe to show in messages.
    pub fn endpoint(&self) -> &str {
        endpoint_of(&self.url)
    }

    /// The headers as sent: the request's own, then `Content-Type` when it has a form body.
    /// Every transport (reqwest, a host's `fetch`, a host sending the step API's requests)
    /// sends these.
    pub fn wire_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        let form = self
            .form
            .as_ref()
            .map(|_| ("Content-Type", FORM_CONTENT_TYPE));
        self.headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(form)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("endpoint", &self.endpoint())
            .field("body", &self.form.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The URL without its query string or fragment.
pub fn endpoint_of(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// An answer.
#[derive(Clone)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// An answer with no headers (hosts that do their own I/O hand answers in this way).
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The body as text, lossily.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The first header named `name` (case-insensitive) among `headers`.
pub(crate) fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A header map as `(name, value)` pairs, names as the map has them (lower-case), values
/// decoded lossily.
pub(crate) fn header_pairs(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
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

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Sends requests. Drivers are generic over it so tests and hosts can supply their own.
#[allow(async_fn_in_trait)]
pub trait HttpClient {
    /// Sends one request and reads the whole answer.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse>;
}

impl<T: HttpClient + ?Sized> HttpClient for &T {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        (**self).send(request).await
    }
}

impl<T: HttpClient + ?Sized> HttpClient for std::sync::Arc<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        (**self).send(request).await
    }
}

/// How long the real client waits and how much it reads. Every wait is bounded, so a server
/// that accepts and never answers, or trickles an endless body, ends in a clear error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// Connecting (TCP and TLS).
    pub connect_timeout: Duration,
    /// The longest silence while waiting for the answer or reading its body.
    pub read_timeout: Duration,
    /// One whole exchange, connect to the last body byte.
    pub request_timeout: Duration,
    /// The largest answer body read; Entra and ARM answers are a few kilobytes, a page of a
    /// thousand subscriptions about half a megabyte.
    pub max_body_bytes: usize,
    /// What to do with 429 and transient 5xx answers.
    pub retry: RetryPolicy,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            max_body_bytes: 16 * 1024 * 1024,
            retry: RetryPolicy::default(),
        }
    }
}

impl HttpLimits {
    /// The defaults, shortened by `AZLOGIN_HTTP_TIMEOUT_MS` (every timeout) and
    /// `AZLOGIN_HTTP_RETRY_MAX_DELAY_MS` (the longest wait before a retry): test suites use
    /// them to meet hostile servers in seconds instead of minutes.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Self {
        let millis = |k: &str| {
            env(k)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_millis)
        };
        let mut limits = Self::default();
        if let Some(t) = millis("AZLOGIN_HTTP_TIMEOUT_MS") {
            limits.connect_timeout = t;
            limits.read_timeout = t;
            limits.request_timeout = t;
        }
        if let Some(d) = millis("AZLOGIN_HTTP_RETRY_MAX_DELAY_MS") {
            limits.retry.max_delay = d;
        }
        limits
    }
}

/// How the real client trusts servers and reaches them.
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// PEM files whose certificates are trusted in addition to the system's roots.
    pub extra_root_pem: Vec<Vec<u8>>,
    /// The hosts (with port) requests may go to; empty allows any.
    pub allowed_authorities: Vec<String>,
    /// Timeouts, the body cap and retries.
    pub limits: HttpLimits,
    /// Trust only the server certificate with this SHA-1 thumbprint (Service Fabric's managed
    /// identity endpoint), instead of the roots.
    pub pinned_certificate_sha1: Option<[u8; 20]>,
}

/// The SHA-1 of a DER certificate: its thumbprint, as Windows and Service Fabric name it.
pub fn certificate_sha1(der: &[u8]) -> [u8; 20] {
    use sha1::{Digest, Sha1};
    Sha1::digest(der).into()
}

/// [`certificate_sha1`] as lower-case hex.
pub fn sha1_hex(der: &[u8]) -> String {
    certificate_sha1(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The real HTTP client: reqwest over rustls natively (system roots plus the extra ones, env
/// proxies honoured, no redirects followed, every wait bounded, 429 and transient 5xx answers
/// retried a few times), the host's `fetch` on wasm32.
///
/// The reqwest client (which loads the system's roots) is built on the first request, so a
/// session that only reads the cache never pays for it.
#[derive(Clone, Debug)]
pub struct ReqwestClient {
    client: std::sync::OnceLock<reqwest::Client>,
    /// Trusted besides the system's roots (natively; in wasm the host's `fetch` decides).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    extra_root_pem: Vec<Vec<u8>>,
    allowed_authorities: Vec<String>,
    limits: HttpLimits,
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pinned_certificate_sha1: Option<[u8; 20]>,
}

impl ReqwestClient {
    /// Checks the options; the client itself is built on the first request.
    pub fn new(options: ClientOptions) -> Result<Self> {
        #[cfg(not(target_arch = "wasm32"))]
        extra_roots(&options.extra_root_pem)?;
        Ok(Self {
            client: std::sync::OnceLock::new(),
            extra_root_pem: options.extra_root_pem,
            allowed_authorities: options
                .allowed_authorities
                .iter()
                .map(|a| a.to_ascii_lowercase())
                .collect(),
            limits: options.limits,
            pinned_certificate_sha1: options.pinned_certificate_sha1,
        })
    }

    fn client(&self) -> Result<&reqwest::Client> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let builder = reqwest::Client::builder();
        #[cfg(not(target_arch = "wasm32"))]
        let builder = match self.pinned_certificate_sha1 {
            None => builder.tls_certs_merge(extra_roots(&self.extra_root_pem)?),
            Some(thumbprint) => pinned_builder(builder, thumbprint)?,
        };
        #[cfg(not(target_arch = "wasm32"))]
        let builder = builder
            // Token endpoints must never hand a code or password on to another host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.limits.connect_timeout)
            .read_timeout(self.limits.read_timeout)
            .timeout(self.limits.request_timeout)
            .user_agent(concat!("azlogin/", env!("CARGO_PKG_VERSION")));
        let client = builder
            .build()
            .map_err(|e| Error::Config(format!("Failed to set up HTTPS: {e}")))?;
        Ok(self.client.get_or_init(|| client))
    }

    fn check_allowed(&self, url: &str) -> Result<reqwest::Url> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| Error::Config(format!("Invalid URL '{}': {e}", endpoint_of(url))))?;
        if !self.allowed_authorities.is_empty() {
            let authority = authority_of(&parsed);
            if !self.allowed_authorities.contains(&authority) {
                return Err(Error::Config(format!(
                    "Refusing to send a request to '{authority}': the active cloud does not name this host."
                )));
            }
        }
        Ok(parsed)
    }

    /// One exchange: send, then read the body up to the cap.
    async fn send_once(&self, request: &HttpRequest) -> Result<HttpResponse> {
        let url = self.check_allowed(&request.url)?;
        let endpoint = request.endpoint().to_string();
        let client = self.client()?;
        let mut builder = match request.method {
            Method::Get => client.get(url),
            Method::Post => client.post(url),
        };
        for (k, v) in request.wire_headers() {
            builder = builder.header(k, v);
        }
        if let Some(form) = &request.form {
            builder = builder.body(form.clone());
        }
        let limits = self.limits;
        let transport = |e: reqwest::Error| Error::Transport {
            endpoint: endpoint.clone(),
            message: describe_reqwest_error(e, &limits),
        };
        #[allow(unused_mut)]
        let mut response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = header_pairs(response.headers());
        let max = limits.max_body_bytes;
        let too_large = || {
            Error::invalid_response(
                endpoint.clone(),
                format!(
                    "the answer is larger than {max} bytes, far more than any Microsoft Entra ID or Azure Resource Manager answer; nothing was read past that"
                ),
            )
        };
        // Natively the body is read chunk by chunk so a huge answer stops at the cap; fetch on
        // wasm32 hands over the whole body at once.
        #[cfg(not(target_arch = "wasm32"))]
        let body = {
            if response.content_length().is_some_and(|n| n > max as u64) {
                return Err(too_large());
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(transport)? {
                if body.len() + chunk.len() > max {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            body
        };
        #[cfg(target_arch = "wasm32")]
        let body = {
            let bytes = response.bytes().await.map_err(transport)?;
            if bytes.len() > max {
                return Err(too_large());
            }
            bytes.to_vec()
        };
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

/// A client that trusts only the certificate with this thumbprint.
#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
fn pinned_builder(
    builder: reqwest::ClientBuilder,
    thumbprint: [u8; 20],
) -> Result<reqwest::ClientBuilder> {
    Ok(builder.tls_backend_preconfigured(pinned::pinned_tls(thumbprint)?))
}

/// Without the native TLS stack a pin cannot be kept, so the request is refused.
#[cfg(all(not(target_arch = "wasm32"), not(feature = "native")))]
fn pinned_builder(_: reqwest::ClientBuilder, _: [u8; 20]) -> Result<reqwest::ClientBuilder> {
    Err(Error::Config(
        "Trusting a server by its certificate thumbprint needs the native build.".into(),
    ))
}

/// The certificates of PEM bundles.
#[cfg(not(target_arch = "wasm32"))]
fn extra_roots(pems: &[Vec<u8>]) -> Result<Vec<reqwest::Certificate>> {
    let mut certs = Vec::new();
    for pem in pems {
        let parsed = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| Error::Config(format!("Invalid CA bundle: {e}")))?;
        certs.extend(parsed);
    }
    Ok(certs)
}

/// `host:port` of a URL, lower-cased, with the scheme's default port filled in.
pub fn authority_of(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

impl HttpClient for ReqwestClient {
    /// Sends `request`, again after a pause while the server answers 429 or a transient 5xx
    /// (see [`retry_decision`]); the last answer is returned whatever its status.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        let method = request.method.as_str();
        let url = diagnostics::loggable_url(&request.url);
        let mut attempt = 1;
        loop {
            diagnostics::debug("azlogin.http", || format!("Request: {method} {url}"));
            let started = Clock::start();
            let response = self.send_once(&request).await;
            let took = started.elapsed_text();
            let response = response.inspect_err(|e| {
                diagnostics::debug("azlogin.http", || {
                    format!("No answer from {method} {url}{took}: {}", e.code())
                })
            })?;
            diagnostics::debug("azlogin.http", || {
                format!(
                    "Response: {} from {method} {url}{took} ({} bytes)",
                    response.status,
                    response.body.len()
                )
            });
            let decision = retry_decision(
                &self.limits.retry,
                attempt,
                response.status,
                response.header("retry-after"),
                Clock::unix_secs(),
            );
            let RetryDecision::RetryAfter(delay) = decision else {
                return Ok(response);
            };
            if !Clock::sleep(delay).await {
                // No timer here (wasm32): the answer is handed over as it is.
                return Ok(response);
            }
            diagnostics::debug("azlogin.http", || {
                format!(
                    "Retried {method} {url} after {} ms: HTTP {} (retry {attempt} of {})",
                    delay.as_millis(),
                    response.status,
                    self.limits.retry.max_retries
                )
            });
            attempt += 1;
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn is_connect_error(e: &reqwest::Error) -> bool {
    e.is_connect()
}

#[cfg(target_arch = "wasm32")]
fn is_connect_error(_: &reqwest::Error) -> bool {
    false
}

/// reqwest's Display hides the cause; users need it ("certificate unknown", "connection refused").
fn describe_reqwest_error(e: reqwest::Error, limits: &HttpLimits) -> String {
    let secs = |d: Duration| format!("{:.1}", d.as_secs_f64());
    if e.is_timeout() {
        return if is_connect_error(&e) {
            format!(
                "could not connect within {} seconds (connect timeout)",
                secs(limits.connect_timeout)
            )
        } else {
            format!(
                "no complete answer in time (the limits are {} seconds of silence and {} seconds in all)",
                secs(limits.read_timeout),
                secs(limits.request_timeout)
            )
        };
    }
    // reqwest's text names the URL, query included; callers name the endpoint themselves.
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_debug_hides_the_form_and_query() {
        let r = HttpRequest::post_form(
            "https://h/t/oauth2/v2.0/token?x=secret",
            [("password", "hunter2")],
        );
        let d = format!("{r:?}");
        assert!(!d.contains("hunter2") && !d.contains("secret"), "{d}");
        assert_eq!(r.form.as_deref(), Some("password=hunter2"));
    }

    #[test]
    fn limits_default_to_real_use_and_shrink_for_tests() {
        let real = HttpLimits::from_env(|_| None);
        assert_eq!(real, HttpLimits::default());
        assert_eq!(real.request_timeout, Duration::from_secs(60));
        assert_eq!(real.retry.max_retries, 3);
        let fast = HttpLimits::from_env(|k| match k {
            "AZLOGIN_HTTP_TIMEOUT_MS" => Some("250".into()),
            "AZLOGIN_HTTP_RETRY_MAX_DELAY_MS" => Some("10".into()),
            _ => None,
        });
        assert_eq!(fast.connect_timeout, Duration::from_millis(250));
        assert_eq!(fast.read_timeout, Duration::from_millis(250));
        assert_eq!(fast.request_timeout, Duration::from_millis(250));
        assert_eq!(fast.retry.max_delay, Duration::from_millis(10));
        let junk = HttpLimits::from_env(|_| Some("soon".into()));
        assert_eq!(junk, HttpLimits::default());
    }

    #[test]
    fn disallowed_hosts_are_refused_before_sending() {
        let c = ReqwestClient::new(ClientOptions {
            extra_root_pem: vec![],
            allowed_authorities: vec!["login.microsoftonline.com:443".into()],
            limits: HttpLimits::default(),
            pinned_certificate_sha1: None,
        })
        .expect("client");
        assert!(
            c.check_allowed("https://login.microsoftonline.com/organizations")
                .is_ok()
        );
        let err = c
            .check_allowed("https://evil.example/organizations")
            .expect_err("refused");
        assert!(err.to_string().contains("evil.example:443"), "{err}");
    }
}
