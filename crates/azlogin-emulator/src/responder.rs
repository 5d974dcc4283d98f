//! The sans-I/O heart of the emulator: one request and the current time in, one answer out.
//!
//! The responder owns the scenario, the key that tags its tokens, and the little state the
//! protocols need (pending device codes, unredeemed authorization codes, the request log), all
//! behind one mutex. Randomness comes from a seedable generator, so a test with a fixed seed
//! gets the same codes and ids on every run. Endpoint logic lives in the sibling modules
//! (`oidc`, `token`, `device`, `authorize`, `arm`, `control`); this file routes and records.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use serde::Serialize;

use super::authorize::PendingCode;
use super::device::DeviceGrant;
use super::errors::{Failure, Stamp};
use super::managed_identity::IdentityEndpoint;
use super::message::{EmuRequest, EmuResponse};
use super::scenario::{Scenario, Tenant, User};
use super::tokens::TokenKey;

/// How many requests the log keeps.
const MAX_LOG_ENTRIES: usize = 100_000;

/// One line of the request log. It never holds a body, a password, a code or a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The `grant_type` of a token request.
    pub grant_type: Option<String>,
    /// The tenant: the path segment of an Entra endpoint, the token's tenant for ARM.
    pub tenant: Option<String>,
    /// The `client_id` sent, if any.
    pub client_id: Option<String>,
    /// The answer's status.
    pub status: u16,
    /// When the request was handled, in milliseconds since the Unix epoch.
    pub timestamp: u64,
}

/// The emulator's request handler. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct Responder {
    pub(super) scenario: Scenario,
    pub(super) base_url: String,
    pub(super) key: TokenKey,
    /// Which subscriptions each tenant lists (see [`Scenario::subscription_index`]).
    pub(super) subscription_index: HashMap<String, Vec<(usize, usize)>>,
    state: Mutex<State>,
}

/// Mutable state, guarded by the responder's mutex.
pub(super) struct State {
    rng: StdRng,
    /// Device codes by `device_code`.
    pub(super) device_grants: HashMap<String, DeviceGrant>,
    /// Authorization codes by code.
    pub(super) auth_codes: HashMap<String, PendingCode>,
    /// The Azure Arc keys written and not yet presented, oldest first.
    pub(super) arc_keys: Vec<String>,
    log: Vec<LoggedRequest>,
}

impl State {
    pub(super) fn random_bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut b = [0u8; N];
        self.rng.fill_bytes(&mut b);
        b
    }

    /// A random version-4 GUID.
    pub(super) fn guid(&mut self) -> String {
        uuid::Builder::from_random_bytes(self.random_bytes::<16>())
            .into_uuid()
            .to_string()
    }

    /// `len` characters drawn from `alphabet`.
    pub(super) fn random_string(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| {
                let i = self.rng.random_range(0..alphabet.len());
                char::from(alphabet[i])
            })
            .collect()
    }
}

/// Per-request context: the clock, the ids stamped on errors, and what the log should say.
pub(super) struct Ctx {
    pub(super) now_ms: u64,
    pub(super) trace_id: String,
    pub(super) correlation_id: String,
    pub(super) timestamp: String,
    pub(super) grant_type: Option<String>,
    pub(super) tenant: Option<String>,
    pub(super) client_id: Option<String>,
}

impl Ctx {
    /// The time in whole seconds, as tokens carry it.
    pub(super) fn now(&self) -> u64 {
        self.now_ms / 1000
    }
}

/// A tenant path segment, resolved.
pub(super) enum Authority<'a> {
    /// A GUID or a verified domain of a scenario tenant.
    Tenant(&'a Tenant),
    /// `organizations` or `common`: the user's home tenant issues the tokens.
    Any(&'static str),
}

impl Responder {
    /// A responder for `scenario` answering as `base_url` (e.g. `http://127.0.0.1:8080`), with
    /// a token key and ids drawn from the operating system's randomness.
    pub fn new(scenario: Scenario, base_url: &str) -> Self {
        Self::with_seed(scenario, base_url, rand::rng().random())
    }

    /// A responder whose codes, ids and token key all derive from `seed`: the same seed and
    /// the same requests give the same answers.
    pub fn with_seed(scenario: Scenario, base_url: &str, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        Self {
            subscription_index: scenario.subscription_index(),
            scenario,
            base_url: base_url.trim_end_matches('/').to_string(),
            key: TokenKey::new(key),
            state: Mutex::new(State {
                rng,
                device_grants: HashMap::new(),
                auth_codes: HashMap::new(),
                arc_keys: Vec::new(),
                log: Vec::new(),
            }),
        }
    }

    /// The scenario being served.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The base URL: the login endpoint, and with a `/` appended the ARM endpoint and audience.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Everything handled so far, oldest first (reads of the log itself are left out).
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.lock().log.clone()
    }

    /// Answers one request at `now_unix_ms` (milliseconds since the Unix epoch; the device-code
    /// pacing rule needs sub-second precision).
    pub fn handle(&self, req: EmuRequest, now_unix_ms: u64) -> EmuResponse {
        self.handle_logged(req, now_unix_ms).0
    }

    /// Like [`Responder::handle`], also returning the log line (for drivers that print one).
    pub fn handle_logged(&self, req: EmuRequest, now_unix_ms: u64) -> (EmuResponse, LoggedRequest) {
        let path = normalize_path(&req.path);
        let (trace_id, correlation_id) = {
            let mut st = self.lock();
            (st.guid(), st.guid())
        };
        // Entra echoes the caller's client-request-id as the correlation id.
        let correlation_id = req
            .header_value("client-request-id")
            .filter(|v| !v.is_empty() && v.len() <= 64)
            .map(str::to_string)
            .unwrap_or(correlation_id);
        let mut ctx = Ctx {
            now_ms: now_unix_ms,
            trace_id,
            correlation_id,
            timestamp: entra_timestamp(now_unix_ms / 1000),
            grant_type: None,
            tenant: None,
            client_id: None,
        };
        let mut resp = self.route(&req, &path, &mut ctx);
        resp.headers
            .push(("Access-Control-Allow-Origin".into(), "*".into()));
        resp.headers
            .push(("x-ms-request-id".into(), ctx.trace_id.clone()));
        let entry = LoggedRequest {
            method: req.method.clone(),
            path,
            grant_type: ctx.grant_type,
            tenant: ctx.tenant,
            client_id: ctx.client_id,
            status: resp.status,
            timestamp: now_unix_ms,
        };
        let introspection =
            entry.path == "/_emulator/requests" || entry.path == "/_emulator/health";
        if !introspection {
            let mut st = self.lock();
            // A long-running emulator (benchmarks page through huge scenarios) must not grow
            // without bound; the oldest entries go first.
            if st.log.len() >= MAX_LOG_ENTRIES {
                st.log.drain(..MAX_LOG_ENTRIES / 10);
            }
            st.log.push(entry.clone());
        }
        (resp, entry)
    }

    fn route(&self, req: &EmuRequest, path: &str, ctx: &mut Ctx) -> EmuResponse {
        if req.method == "OPTIONS" {
            return preflight(req);
        }
        let segments: Vec<String> = path
            .trim_start_matches('/')
            .split('/')
            .map(percent_decode)
            .collect();
        let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
        let get = req.method == "GET";
        let post = req.method == "POST";
        match segs.as_slice() {
            ["_emulator", "health"] if get => self.health(),
            ["_emulator", "requests"] if get => self.log_json(),
            ["_emulator", "device", action] if post => self.device_control(req, action, ctx),
            ["metadata", "endpoints"] if get => self.cloud_metadata(req),
            ["metadata", "identity", "oauth2", "token"] if get => {
                self.managed_identity_token(req, IdentityEndpoint::Imds, ctx)
            }
            ["msi", "token"] if get => {
                self.managed_identity_token(req, IdentityEndpoint::AppService, ctx)
            }
            ["msi", "auth"] if get => {
                self.managed_identity_token(req, IdentityEndpoint::MachineLearning, ctx)
            }
            ["servicefabric", "token"] if get => {
                self.managed_identity_token(req, IdentityEndpoint::ServiceFabric, ctx)
            }
            ["arc", "token"] if get => {
                self.managed_identity_token(req, IdentityEndpoint::AzureArc, ctx)
            }
            ["tenants"] if get => self.arm_tenants(req, ctx),
            ["subscriptions"] if get => self.arm_subscriptions(req, ctx),
            ["subscriptions", id] if get => self.arm_subscription(req, id, ctx),
            ["common", "discovery", "instance"] if get => self.instance_discovery(req, ctx),
            ["common", "userrealm", username] if get => self.user_realm(username),
            ["devicelogin"] if get => self.device_login_page(req),
            ["devicelogin"] if post => self.device_login_submit(req, ctx),
            [tenant, "v2.0", ".well-known", "openid-configuration"] if get => {
                ctx.tenant = Some(tenant.to_string());
                self.openid_configuration(tenant, ctx)
            }
            [tenant, "discovery", "v2.0", "keys"] if get => {
                ctx.tenant = Some(tenant.to_string());
                self.jwks()
            }
            [tenant, "oauth2", "v2.0", "devicecode"] if post => {
                ctx.tenant = Some(tenant.to_string());
                self.device_authorization(req, tenant, ctx)
            }
            [tenant, "oauth2", "v2.0", "token"] if post => {
                ctx.tenant = Some(tenant.to_string());
                self.token(req, tenant, ctx)
            }
            [tenant, "oauth2", "v2.0", "authorize"] if get || post => {
                ctx.tenant = Some(tenant.to_string());
                self.authorize(req, tenant, ctx)
            }
            [tenant, "oauth2", "v2.0", "logout"] if get => {
                ctx.tenant = Some(tenant.to_string());
                self.logout_page()
            }
            _ => EmuResponse::json_status(
                404,
                &serde_json::json!({"error": {"code": "NotFound", "message": format!("No emulated endpoint answers {} {path}.", req.method)}}),
            ),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Turns an Entra failure into the answer, stamped with this request's ids.
    pub(super) fn entra_error(&self, ctx: &Ctx, failure: &Failure) -> EmuResponse {
        failure.response(&self.stamp(ctx))
    }

    pub(super) fn stamp<'a>(&'a self, ctx: &'a Ctx) -> Stamp<'a> {
        Stamp {
            trace_id: &ctx.trace_id,
            correlation_id: &ctx.correlation_id,
            timestamp: &ctx.timestamp,
            base_url: &self.base_url,
        }
    }

    /// Resolves a tenant path segment: a GUID or domain of a scenario tenant, `organizations`
    /// or `common`.
    pub(super) fn authority(&self, segment: &str) -> Option<Authority<'_>> {
        if segment.eq_ignore_ascii_case("organizations") {
            return Some(Authority::Any("organizations"));
        }
        if segment.eq_ignore_ascii_case("common") {
            return Some(Authority::Any("common"));
        }
        self.scenario.tenant(segment).map(Authority::Tenant)
    }

    /// The tenant that issues `user`'s tokens at `segment`, or why it cannot.
    pub(super) fn token_tenant(
        &self,
        segment: &str,
        user: &User,
        client_id: &str,
    ) -> Result<&Tenant, Failure> {
        match self.authority(segment) {
            None => Err(Failure::tenant_not_found("invalid_request", segment)),
            Some(Authority::Any(_)) => self
                .scenario
                .tenant(&user.home_tenant)
                .ok_or_else(|| Failure::unknown_user(segment)),
            Some(Authority::Tenant(t)) => {
                if self.scenario.can_see(user, t) {
                    Ok(t)
                } else {
                    Err(Failure::not_a_member(&user.home_tenant, &t.id, client_id))
                }
            }
        }
    }

    /// Whether `client_id` is one this scenario accepts as a public client.
    pub(super) fn check_client(&self, client_id: &str, directory: &str) -> Result<(), Failure> {
        match &self.scenario.clients {
            Some(list) if !list.iter().any(|c| c.eq_ignore_ascii_case(client_id)) => {
                Err(Failure::unknown_client(client_id, directory))
            }
            _ => Ok(()),
        }
    }

    /// Whether `url` names this emulator (ignoring a trailing `/`, and `localhost` and
    /// `127.0.0.1` being the same host).
    pub(super) fn is_self_url(&self, url: &str) -> bool {
        let canon = |u: &str| {
            u.trim_end_matches('/')
                .to_ascii_lowercase()
                .replace("://127.0.0.1:", "://localhost:")
        };
        canon(url) == canon(&self.base_url)
    }

    fn health(&self) -> EmuResponse {
        EmuResponse::json_status(
            200,
            &serde_json::json!({"status": "ok", "url": self.base_url}),
        )
    }

    fn log_json(&self) -> EmuResponse {
        let log = self.request_log();
        EmuResponse::json_status(200, &serde_json::json!({ "requests": log }))
    }
}

/// CORS preflight: allow any origin, the methods served and whatever headers were asked for
/// (`*` does not cover `Authorization`, so they are echoed).
fn preflight(req: &EmuRequest) -> EmuResponse {
    let mut r = EmuResponse::empty(204);
    let headers = req
        .header_value("access-control-request-headers")
        .unwrap_or("Authorization, Content-Type, client-request-id, return-client-request-id, X-AnchorMailbox");
    r.headers.push((
        "Access-Control-Allow-Methods".into(),
        "GET, POST, OPTIONS".into(),
    ));
    r.headers
        .push(("Access-Control-Allow-Headers".into(), headers.to_string()));
    r.headers
        .push(("Access-Control-Max-Age".into(), "86400".into()));
    r
}

/// Collapses runs of `/`: az asks for `https://host//metadata/endpoints` when the ARM endpoint
/// ends with a slash.
fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    for c in path.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    if out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    out
}

/// Decodes `%XX` escapes in a path segment; malformed escapes are kept as they are.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Entra's timestamp format, `YYYY-MM-DD HH:MM:SSZ`.
pub(super) fn entra_timestamp(unix_secs: u64) -> String {
    let secs = i64::try_from(unix_secs).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_and_decoded() {
        assert_eq!(
            normalize_path("//metadata//endpoints/"),
            "/metadata/endpoints"
        );
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(
            percent_decode("user%40contoso.example"),
            "user@contoso.example"
        );
        assert_eq!(percent_decode("bad%4"), "bad%4");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(entra_timestamp(1_795_572_234), "2026-11-25 02:03:54Z");
    }
}
