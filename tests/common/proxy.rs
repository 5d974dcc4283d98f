//! A test-only HTTP proxy in front of the emulator, for what the emulator alone cannot show:
//! the exact bodies it answered (the device-code `message`), answers released in an order the
//! test chooses (per-tenant token grants finishing in reverse tenant order), and a TLS
//! "man in the middle" for the real Azure host names (so a config dir with no `clouds.config`,
//! i.e. the public cloud, still talks to the emulator).
//!
//! Use it through `HTTP_PROXY` (plain-http clouds) or `HTTPS_PROXY` plus `REQUESTS_CA_BUNDLE`
//! (the public cloud); every request is forwarded to the emulator unchanged.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How long the gate waits for the client before giving up and letting everything through, so
/// a client that never sends the expected requests fails the test's assertions instead of
/// hanging it.
const GATE_FALLBACK: Duration = Duration::from_secs(30);

/// One request the proxy forwarded, recorded when its answer went back to the client.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub body: Vec<u8>,
    /// The request's body and `Authorization` header, as the client sent them.
    pub request_body: Vec<u8>,
    pub authorization: Option<String>,
}

impl Exchange {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

pub struct Proxy {
    /// `http://127.0.0.1:PORT`, for `HTTP_PROXY` / `HTTPS_PROXY`.
    pub url: String,
    /// The CA that signed the TLS certificate (MITM mode only), for `REQUESTS_CA_BUNDLE`.
    pub ca_path: Option<PathBuf>,
    shared: Arc<Shared>,
}

struct Shared {
    upstream: String,
    client: reqwest::Client,
    tls: Option<tokio_rustls::TlsAcceptor>,
    exchanges: Mutex<Vec<Exchange>>,
    gate: watch::Sender<Gate>,
}

/// Holds per-tenant token grants until all have arrived, then answers them one at a time in
/// reverse tenant order; the next one goes only after the client acted on the previous one
/// (its ARM call with that tenant's token), or at once when the grant failed.
#[derive(Clone, Debug, Default)]
struct Gate {
    tenants: Vec<String>,
    arrived: usize,
    turn: Option<usize>,
    awaiting: Option<String>,
    gave_up: bool,
}

impl Proxy {
    /// A plain forwarding proxy to `upstream` (the emulator's URL).
    pub async fn start(upstream: &str) -> Proxy {
        Self::launch(upstream, None).await
    }

    /// Also answers `CONNECT` by terminating TLS with a certificate for `hosts`, signed by a
    /// fresh CA written to `<ca_dir>/proxy-ca.pem`.
    pub async fn start_mitm(upstream: &str, hosts: &[&str], ca_dir: &Path) -> Proxy {
        let (acceptor, ca_path) = mitm_tls(hosts, ca_dir);
        let mut proxy = Self::launch(upstream, Some(acceptor)).await;
        proxy.ca_path = Some(ca_path);
        proxy
    }

    async fn launch(upstream: &str, tls: Option<tokio_rustls::TlsAcceptor>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
        let port = listener.local_addr().expect("proxy address").port();
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("forwarding client"),
            tls,
            exchanges: Mutex::new(Vec::new()),
            gate: watch::Sender::new(Gate::default()),
        });
        let accept_shared = Arc::clone(&shared);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let shared = Arc::clone(&accept_shared);
                tokio::spawn(async move {
                    let svc = service_fn(move |req| handle(req, Arc::clone(&shared)));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .with_upgrades()
                        .await;
                });
            }
        });
        Proxy {
            url: format!("http://127.0.0.1:{port}"),
            ca_path: None,
            shared,
        }
    }

    /// Everything forwarded so far, in the order the answers went back.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.shared.exchanges.lock().expect("exchanges").clone()
    }

    /// Arms the gate for token grants at these tenants (ids in ARM order).
    pub fn reverse_tenant_token_grants(&self, tenants: &[&str]) {
        let tenants: Vec<String> = tenants.iter().map(|t| t.to_ascii_lowercase()).collect();
        let last = tenants.len().checked_sub(1);
        self.shared.gate.send_replace(Gate {
            tenants,
            arrived: 0,
            turn: last,
            awaiting: None,
            gave_up: false,
        });
    }

    /// Whether the gate had to give up waiting (the client did not behave as expected).
    pub fn gate_gave_up(&self) -> bool {
        self.shared.gate.borrow().gave_up
    }
}

fn status(code: u16) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::from_u16(code).expect("status");
    r
}

async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() == Method::CONNECT {
        let Some(tls) = shared.tls.clone() else {
            return Ok(status(405));
        };
        tokio::spawn(async move {
            let Ok(upgraded) = hyper::upgrade::on(req).await else {
                return;
            };
            let Ok(stream) = tls.accept(TokioIo::new(upgraded)).await else {
                return;
            };
            let svc = service_fn(move |r| forward(r, Arc::clone(&shared)));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
        return Ok(status(200));
    }
    forward(req, shared).await
}

/// The tenant of `POST /{tenant}/oauth2/v2.0/token`.
fn token_grant_tenant(method: &Method, path: &str) -> Option<String> {
    let tenant = path.strip_prefix('/')?.strip_suffix("/oauth2/v2.0/token")?;
    (method == Method::POST && !tenant.contains('/')).then(|| tenant.to_ascii_lowercase())
}

/// The `tid` of a bearer token.
fn bearer_tenant(headers: &hyper::HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    let claims = azlogin::emulator::jwt_claims(token)?;
    Some(claims["tid"].as_str()?.to_ascii_lowercase())
}

impl Shared {
    async fn wait_gate(&self, ready: impl Fn(&Gate) -> bool) {
        let mut rx = self.gate.subscribe();
        let waited =
            tokio::time::timeout(GATE_FALLBACK, rx.wait_for(|g| g.gave_up || ready(g))).await;
        if !matches!(waited, Ok(Ok(_))) {
            self.gate.send_modify(|g| g.gave_up = true);
        }
    }

    fn advance(&self) {
        self.gate.send_modify(|g| {
            g.awaiting = None;
            g.turn = g.turn.and_then(|t| t.checked_sub(1));
        });
    }
}

async fn forward(
    req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".to_string());
    let mut headers = req.headers().clone();
    for hop in [
        "host",
        "connection",
        "proxy-connection",
        "proxy-authorization",
        "content-length",
        "transfer-encoding",
    ] {
        headers.remove(hop);
    }
    let Ok(body) = req.into_body().collect().await.map(|b| b.to_bytes()) else {
        return Ok(status(400));
    };
    let request_body = body.to_vec();
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);

    let gated = token_grant_tenant(&method, &path).and_then(|tenant| {
        let index = shared
            .gate
            .borrow()
            .tenants
            .iter()
            .position(|t| *t == tenant)?;
        Some((index, tenant))
    });
    if let Some(tid) = bearer_tenant(&headers) {
        // The client acted on the grant we are waiting on: the next one may go.
        let acted = shared.gate.borrow().awaiting.as_deref() == Some(tid.as_str());
        if acted {
            shared.advance();
        }
    }
    if gated.is_some() {
        shared.gate.send_modify(|g| g.arrived += 1);
        shared.wait_gate(|g| g.arrived >= g.tenants.len()).await;
    }

    let url = format!("{}{}", shared.upstream, path_and_query);
    let sent = shared
        .client
        .request(method.clone(), &url)
        .headers(headers)
        .body(body)
        .send()
        .await;
    let Ok(answer) = sent else {
        return Ok(status(502));
    };
    let code = answer.status();
    let answer_headers = answer.headers().clone();
    let Ok(answer_body) = answer.bytes().await else {
        return Ok(status(502));
    };

    if let Some((index, tenant)) = gated {
        shared.wait_gate(|g| g.turn == Some(index)).await;
        if code.is_success() {
            shared.gate.send_modify(|g| g.awaiting = Some(tenant));
        } else {
            shared.advance();
        }
    }

    shared.exchanges.lock().expect("exchanges").push(Exchange {
        method: method.to_string(),
        path,
        status: code.as_u16(),
        body: answer_body.to_vec(),
        request_body,
        authorization,
    });
    let mut response = Response::new(Full::new(answer_body));
    *response.status_mut() = code;
    for (k, v) in &answer_headers {
        if !matches!(
            k.as_str(),
            "connection" | "transfer-encoding" | "content-length" | "keep-alive"
        ) {
            response.headers_mut().append(k.clone(), v.clone());
        }
    }
    Ok(response)
}

/// A CA and a leaf for `hosts`, and the acceptor serving that leaf.
fn mitm_tls(hosts: &[&str], dir: &Path) -> (tokio_rustls::TlsAcceptor, PathBuf) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "azlogin test proxy CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().expect("ca key");
    let ca_cert = ca_params.self_signed(&ca_key).expect("ca cert");
    let issuer = Issuer::new(ca_params, ca_key);

    let names: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    let mut leaf_params = CertificateParams::new(names).expect("leaf params");
    leaf_params.distinguished_name.push(
        DnType::CommonName,
        hosts.first().copied().unwrap_or("proxy"),
    );
    leaf_params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .expect("leaf cert");

    std::fs::create_dir_all(dir).expect("ca dir");
    let ca_path = dir.join("proxy-ca.pem");
    std::fs::write(&ca_path, ca_cert.pem()).expect("ca.pem");

    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("tls versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("tls config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    (tokio_rustls::TlsAcceptor::from(Arc::new(config)), ca_path)
}
