//! HTTP as plain values, and the one trait drivers send them through.
//!
//! Protocol modules build [`HttpRequest`]s and read [`HttpResponse`]s; only an [`HttpClient`]
//! touches the network. Natively the real one is `ReqwestClient` (reqwest over rustls); wasm32
//! hosts bring their own over `fetch`.

mod retry;

// The real client: reqwest over rustls, with the system clock and tokio's timer. Native only;
// wasm32 hosts bring their own `HttpClient` over `fetch`.
#[cfg(feature = "native")]
mod reqwest_client;

use std::fmt;
use std::time::Duration;

#[cfg(feature = "native")]
pub use self::reqwest_client::{ClientOptions, ReqwestClient};
pub use self::retry::{RetryDecision, RetryPolicy, decide as retry_decision, is_transient};
use crate::error::Result;

/// The HTTP methods the flows use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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

/// `host:port` of a URL, lower-cased, with the scheme's default port filled in.
pub fn authority_of(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
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
}
