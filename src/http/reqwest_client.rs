//! The real HTTP client: reqwest over rustls, the system's roots plus extra ones, a pinned
//! certificate when the host names one, retries on tokio's timer. Native only.

mod clock;
mod pinned;

use std::time::Duration;

use self::clock::Clock;
use super::{
    HttpClient, HttpLimits, HttpRequest, HttpResponse, Method, RetryDecision, authority_of,
    endpoint_of, retry_decision,
};
use crate::diagnostics;
use crate::error::{Error, Result};

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

/// The real HTTP client: reqwest over rustls natively (system roots plus the extra ones, env
/// proxies honoured, no redirects followed, every wait bounded, 429 and transient 5xx answers
/// retried a few times).
///
/// The reqwest client (which loads the system's roots) is built on the first request, so a
/// session that only reads the cache never pays for it.
#[derive(Clone, Debug)]
pub struct ReqwestClient {
    client: std::sync::OnceLock<reqwest::Client>,
    /// Trusted besides the system's roots.
    extra_root_pem: Vec<Vec<u8>>,
    allowed_authorities: Vec<String>,
    limits: HttpLimits,
    pinned_certificate_sha1: Option<[u8; 20]>,
}

impl ReqwestClient {
    /// Checks the options; the client itself is built on the first request.
    pub fn new(options: ClientOptions) -> Result<Self> {
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
        let builder = match self.pinned_certificate_sha1 {
            None => builder.tls_certs_merge(extra_roots(&self.extra_root_pem)?),
            Some(thumbprint) => pinned_builder(builder, thumbprint)?,
        };
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
        // The body is read chunk by chunk so a huge answer stops at the cap.
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
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

/// A client that trusts only the certificate with this thumbprint.
fn pinned_builder(
    builder: reqwest::ClientBuilder,
    thumbprint: [u8; 20],
) -> Result<reqwest::ClientBuilder> {
    Ok(builder.tls_backend_preconfigured(pinned::pinned_tls(thumbprint)?))
}

/// The certificates of PEM bundles.
fn extra_roots(pems: &[Vec<u8>]) -> Result<Vec<reqwest::Certificate>> {
    let mut certs = Vec::new();
    for pem in pems {
        let parsed = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| Error::Config(format!("Invalid CA bundle: {e}")))?;
        certs.extend(parsed);
    }
    Ok(certs)
}

/// A header map as `(name, value)` pairs, names as the map has them (lower-case), values
/// decoded lossily.
fn header_pairs(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
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
            tokio::time::sleep(delay).await;
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

/// reqwest's Display hides the cause; users need it ("certificate unknown", "connection refused").
fn describe_reqwest_error(e: reqwest::Error, limits: &HttpLimits) -> String {
    let secs = |d: Duration| format!("{:.1}", d.as_secs_f64());
    if e.is_timeout() {
        return if e.is_connect() {
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
