//! Broken and hostile answers on purpose, chosen per endpoint by the scenario's `faults`, so
//! tests can show that every client flow fails clearly, in bounded time, and writes nothing.
//!
//! The responder still handles the request (codes are redeemed, the log records it); a fault
//! then replaces or mangles its answer. What to serve is decided here without I/O
//! ([`FaultBook::pick`], [`serve`]); the server only streams the bodies and waits:
//!
//! ```json
//! "faults": [
//!   {"endpoint": "token", "grant_type": "refresh_token", "times": 2,
//!    "serve": {"kind": "status", "status": 503, "retry_after": "1"}},
//!   {"endpoint": "subscriptions", "serve": {"kind": "huge_body", "bytes": 52428800}},
//!   {"endpoint": "devicecode", "serve": {"kind": "patch_json", "set": {"interval": "soon"}}}
//! ]
//! ```

use std::convert::Infallible;
use std::sync::Mutex;
use std::time::Duration;

use futures::StreamExt;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, StreamBody};
use hyper::Response;
use hyper::body::{Bytes, Frame};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::watch;

use super::message::EmuResponse;
use super::responder::LoggedRequest;

/// The endpoints a fault can be put on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultEndpoint {
    /// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
    OpenidConfiguration,
    /// `GET /common/discovery/instance`.
    InstanceDiscovery,
    /// `GET /common/userrealm/{username}`.
    Userrealm,
    /// `POST /{tenant}/oauth2/v2.0/devicecode`.
    Devicecode,
    /// `POST /{tenant}/oauth2/v2.0/token` (narrow it with `grant_type`).
    Token,
    /// `GET /tenants`.
    Tenants,
    /// `GET /subscriptions` and `GET /subscriptions/{id}`.
    Subscriptions,
    /// `GET /metadata/endpoints`.
    Metadata,
    /// The managed identity endpoints: IMDS (`GET /metadata/identity/oauth2/token`), App
    /// Service (`GET /msi/token`) and Machine Learning (`GET /msi/auth`).
    ManagedIdentity,
}

impl FaultEndpoint {
    /// The endpoint a (normalised) request path belongs to.
    pub fn of_path(path: &str) -> Option<Self> {
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        Some(match segs.as_slice() {
            [_, "v2.0", ".well-known", "openid-configuration"] => Self::OpenidConfiguration,
            ["common", "discovery", "instance"] => Self::InstanceDiscovery,
            ["common", "userrealm", _] => Self::Userrealm,
            [_, "oauth2", "v2.0", "devicecode"] => Self::Devicecode,
            [_, "oauth2", "v2.0", "token"] => Self::Token,
            ["tenants"] => Self::Tenants,
            ["subscriptions"] | ["subscriptions", _] => Self::Subscriptions,
            ["metadata", "endpoints"] => Self::Metadata,
            ["metadata", "identity", "oauth2", "token"] | ["msi", "token" | "auth"] => {
                Self::ManagedIdentity
            }
            _ => return None,
        })
    }
}

/// One injected fault: where, how often, and what is served instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The endpoint it applies to.
    pub endpoint: FaultEndpoint,
    /// Only token requests with this `grant_type` (`password`, `refresh_token`,
    /// `authorization_code`, `urn:ietf:params:oauth:grant-type:device_code`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_type: Option<String>,
    /// How many matching requests get it; absent means all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// What they get.
    pub serve: FaultKind,
}

/// What a faulty endpoint answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum FaultKind {
    /// An HTML page (a captive portal, a proxy's error page) with this status.
    Html {
        /// The status; 200 by default.
        #[serde(default = "ok_status")]
        status: u16,
    },
    /// The real answer cut in the middle (its length says so: the cut is in the JSON).
    TruncatedJson,
    /// A 200 JSON answer of this many bytes, streamed without a length.
    HugeBody {
        /// The body's size; 50 MB by default.
        #[serde(default = "fifty_megabytes")]
        bytes: u64,
    },
    /// A 200 JSON answer whose body trickles a byte every 100 ms and never ends.
    EndlessBody,
    /// Reads the request and never answers (until the emulator stops).
    NoAnswer,
    /// This status with a short plain-text body, and `Retry-After` when given.
    Status {
        /// The status, e.g. 500, 503 or 429.
        status: u16,
        /// The `Retry-After` header's value, sent as given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<String>,
    },
    /// This status and JSON body instead of the real answer (an Entra error the scenario does
    /// not otherwise produce, an ARM error, a message with odd characters in it).
    Json {
        /// The status; 400 by default.
        #[serde(default = "bad_request_status")]
        status: u16,
        /// The body.
        body: Value,
    },
    /// A `302 Found` to `location`.
    Redirect {
        /// Where the redirect points.
        location: String,
    },
    /// The real JSON answer with top-level fields removed and others set (missing fields,
    /// wrong types, odd device-code intervals).
    PatchJson {
        /// Fields to drop.
        #[serde(default)]
        remove: Vec<String>,
        /// Fields to set to these values.
        #[serde(default)]
        set: serde_json::Map<String, Value>,
    },
}

fn ok_status() -> u16 {
    200
}

fn bad_request_status() -> u16 {
    400
}

fn fifty_megabytes() -> u64 {
    50 * 1000 * 1000
}

/// The faults in force and how often each has fired.
#[derive(Debug, Default)]
pub struct FaultBook {
    state: Mutex<Vec<(Fault, u32)>>,
}

impl FaultBook {
    /// A book over `faults`, none fired yet.
    pub fn new(faults: Vec<Fault>) -> Self {
        let book = Self::default();
        book.replace(faults);
        book
    }

    /// Puts `faults` in force instead of the current ones, none fired yet.
    pub fn replace(&self, faults: Vec<Fault>) {
        *self.lock() = faults.into_iter().map(|f| (f, 0)).collect();
    }

    /// The first fault that applies to this handled request, counted as fired.
    pub fn pick(&self, request: &LoggedRequest) -> Option<FaultKind> {
        let mut faults = self.lock();
        if faults.is_empty() {
            return None;
        }
        let endpoint = FaultEndpoint::of_path(&request.path)?;
        faults.iter_mut().find_map(|(fault, fired)| {
            let grant_matches = fault
                .grant_type
                .as_deref()
                .is_none_or(|g| request.grant_type.as_deref() == Some(g));
            let left = fault.times.is_none_or(|t| *fired < t);
            if fault.endpoint == endpoint && grant_matches && left {
                *fired += 1;
                Some(fault.serve.clone())
            } else {
                None
            }
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Fault, u32)>> {
        // A panic while holding the lock leaves plain data behind; keep using it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What the server must do for a fault.
#[derive(Debug)]
#[non_exhaustive]
pub enum Served {
    /// Send this answer.
    Answer(EmuResponse),
    /// Send these headers and `bytes` bytes of JSON-looking body, in chunks, with no length.
    Huge {
        /// The answer's head (its body is ignored).
        head: EmuResponse,
        /// How many body bytes.
        bytes: u64,
    },
    /// Send these headers, then a byte every `every` forever.
    Endless {
        /// The answer's head.
        head: EmuResponse,
        /// The pause between bytes.
        every: Duration,
    },
    /// Never answer.
    Hang,
}

/// What to serve instead of `real`, the answer the responder gave.
pub fn serve(kind: &FaultKind, real: EmuResponse) -> Served {
    let json_head = || {
        let mut head = EmuResponse::json_status(200, &Value::Null);
        head.body.clear();
        head
    };
    match kind {
        FaultKind::Html { status } => Served::Answer(EmuResponse::html(
            *status,
            "<!DOCTYPE html><html><head><title>Network Login Required</title></head><body><h1>Sign in to the network</h1><p>This network requires you to accept the terms before you continue.</p></body></html>".to_string(),
        )),
        FaultKind::TruncatedJson => {
            let mut cut = real;
            let half = cut.body.len() / 2;
            cut.body.truncate(half.max(1).min(cut.body.len()));
            Served::Answer(cut)
        }
        FaultKind::HugeBody { bytes } => Served::Huge {
            head: json_head(),
            bytes: *bytes,
        },
        FaultKind::EndlessBody => Served::Endless {
            head: json_head(),
            every: Duration::from_millis(100),
        },
        FaultKind::NoAnswer => Served::Hang,
        FaultKind::Status {
            status,
            retry_after,
        } => {
            let mut r = EmuResponse::empty(*status);
            r.headers
                .push(("Content-Type".into(), "text/plain; charset=utf-8".into()));
            if let Some(after) = retry_after {
                r.headers.push(("Retry-After".into(), after.clone()));
            }
            r.body = b"The service is temporarily unavailable.".to_vec();
            Served::Answer(r)
        }
        FaultKind::Json { status, body } => Served::Answer(EmuResponse::json_status(*status, body)),
        FaultKind::Redirect { location } => Served::Answer(EmuResponse::redirect(location)),
        FaultKind::PatchJson { remove, set } => {
            let mut value = real.json();
            if let Value::Object(map) = &mut value {
                for k in remove {
                    map.remove(k);
                }
                for (k, v) in set {
                    map.insert(k.clone(), v.clone());
                }
            }
            let mut patched = real;
            patched.body = value.to_string().into_bytes();
            Served::Answer(patched)
        }
    }
}

/// The bytes of a huge body: a JSON object whose one string never closes within the cap.
pub fn huge_body_chunk(index: u64, size: usize) -> Vec<u8> {
    let mut chunk = vec![b'a'; size];
    if index == 0 {
        let prefix = br#"{"access_token":""#;
        let n = prefix.len().min(size);
        chunk[..n].copy_from_slice(&prefix[..n]);
    }
    chunk
}

/// Serves what [`serve`] chose: streams a huge or endless body, or waits until `shutdown`.
pub(super) async fn respond(
    served: Served,
    mut shutdown: watch::Receiver<bool>,
) -> Response<UnsyncBoxBody<Bytes, Infallible>> {
    const CHUNK: usize = 64 * 1024;
    let with_body = |head: EmuResponse, body: UnsyncBoxBody<Bytes, Infallible>| {
        let mut response = super::server::whole(head).map(|_| body);
        response.headers_mut().remove("content-length");
        response
    };
    match served {
        Served::Answer(r) => super::server::whole(r),
        Served::Huge { head, bytes } => {
            let chunks = bytes.div_ceil(CHUNK as u64);
            let stream = futures::stream::iter(0..chunks).map(move |i| {
                let size = (bytes - i * CHUNK as u64).min(CHUNK as u64) as usize;
                Ok(Frame::data(Bytes::from(huge_body_chunk(i, size))))
            });
            with_body(head, StreamBody::new(stream).boxed_unsync())
        }
        Served::Endless { head, every } => {
            let stream = futures::stream::unfold(true, move |first| async move {
                if !first {
                    tokio::time::sleep(every).await;
                }
                let bytes: &'static [u8] = if first { b"{\"access_token\":\"" } else { b"a" };
                Some((Ok(Frame::data(Bytes::from_static(bytes))), false))
            });
            with_body(head, StreamBody::new(stream).boxed_unsync())
        }
        Served::Hang => {
            let _ = shutdown.wait_for(|stopped| *stopped).await;
            super::server::whole(EmuResponse::empty(503))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(path: &str, grant: Option<&str>) -> LoggedRequest {
        LoggedRequest {
            method: "POST".into(),
            path: path.into(),
            grant_type: grant.map(str::to_string),
            tenant: None,
            client_id: None,
            status: 200,
            timestamp: 0,
        }
    }

    #[test]
    fn faults_match_endpoint_grant_and_count() {
        let book = FaultBook::new(
            serde_json::from_str(
                r#"[{"endpoint": "token", "grant_type": "refresh_token", "times": 2,
                     "serve": {"kind": "status", "status": 503, "retry_after": "1"}},
                    {"endpoint": "subscriptions", "serve": {"kind": "no_answer"}}]"#,
            )
            .expect("faults"),
        );
        let refresh = logged("/organizations/oauth2/v2.0/token", Some("refresh_token"));
        let password = logged("/organizations/oauth2/v2.0/token", Some("password"));
        assert!(book.pick(&password).is_none());
        assert!(matches!(
            book.pick(&refresh),
            Some(FaultKind::Status { status: 503, .. })
        ));
        assert!(book.pick(&refresh).is_some());
        assert!(book.pick(&refresh).is_none(), "only twice");
        for _ in 0..3 {
            assert_eq!(
                book.pick(&logged("/subscriptions/abc", None)),
                Some(FaultKind::NoAnswer)
            );
        }
        assert!(book.pick(&logged("/tenants", None)).is_none());
        book.replace(
            serde_json::from_str(
                r#"[{"endpoint": "managed_identity", "serve": {"kind": "no_answer"}}]"#,
            )
            .expect("faults"),
        );
        for path in ["/metadata/identity/oauth2/token", "/msi/token", "/msi/auth"] {
            assert_eq!(
                book.pick(&logged(path, None)),
                Some(FaultKind::NoAnswer),
                "{path}"
            );
        }
        assert!(book.pick(&logged("/metadata/endpoints", None)).is_none());
        book.replace(Vec::new());
        assert!(book.pick(&logged("/subscriptions", None)).is_none());
    }

    #[test]
    fn unknown_kinds_and_fields_are_rejected() {
        for bad in [
            r#"{"endpoint": "token", "serve": {"kind": "explode"}}"#,
            r#"{"endpoint": "tokens", "serve": {"kind": "no_answer"}}"#,
            r#"{"endpoint": "token", "serve": {"kind": "html", "colour": 1}}"#,
            r#"{"endpoint": "token", "serve": {"kind": "no_answer"}, "when": 1}"#,
        ] {
            assert!(serde_json::from_str::<Fault>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn answers_are_mangled_as_asked() {
        let real = EmuResponse::json_status(
            200,
            &serde_json::json!({"access_token": "a", "expires_in": 3599}),
        );
        let Served::Answer(cut) = serve(&FaultKind::TruncatedJson, real.clone()) else {
            panic!("an answer")
        };
        assert!(cut.body.len() < real.body.len() && !cut.body.is_empty());
        assert!(serde_json::from_slice::<Value>(&cut.body).is_err());
        let patch = FaultKind::PatchJson {
            remove: vec!["access_token".into()],
            set: serde_json::from_str(r#"{"expires_in": "soon"}"#).expect("map"),
        };
        let Served::Answer(patched) = serve(&patch, real.clone()) else {
            panic!("an answer")
        };
        assert_eq!(patched.json(), serde_json::json!({"expires_in": "soon"}));
        let Served::Answer(redirect) = serve(
            &FaultKind::Redirect {
                location: "http://elsewhere.example/token".into(),
            },
            real.clone(),
        ) else {
            panic!("an answer")
        };
        assert_eq!(redirect.status, 302);
        assert_eq!(
            redirect.header("location"),
            Some("http://elsewhere.example/token")
        );
        let error = serde_json::json!({"error": "invalid_grant", "error_codes": [700082]});
        let Served::Answer(json) = serve(
            &serde_json::from_value(serde_json::json!({"kind": "json", "body": error}))
                .expect("kind"),
            real.clone(),
        ) else {
            panic!("an answer")
        };
        assert_eq!((json.status, json.json()), (400, error));
        assert!(matches!(
            serve(&FaultKind::HugeBody { bytes: 10 }, real),
            Served::Huge { bytes: 10, .. }
        ));
        assert!(huge_body_chunk(0, 64).starts_with(br#"{"access_token":"aaa"#));
        assert!(huge_body_chunk(1, 4) == b"aaaa");
    }
}
