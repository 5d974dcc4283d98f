//! An [`HttpClient`] that hands requests straight to a [`Responder`]: whole login flows run in
//! memory, with no socket, and with a clock the test moves by hand.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use azlogin_emulator::{EmuRequest, Responder};

use crate::error::{Error, Result};
use crate::http::{HttpClient, HttpRequest, HttpResponse};

/// Sends [`HttpRequest`]s to a [`Responder`] in memory. Only the path and query of a URL are
/// used, so it answers for any host.
#[derive(Clone)]
pub struct MemoryClient {
    responder: Arc<Responder>,
    clock: Option<Arc<AtomicU64>>,
}

impl MemoryClient {
    /// A client on the system clock.
    pub fn new(responder: Arc<Responder>) -> Self {
        Self {
            responder,
            clock: None,
        }
    }

    /// A client whose time is `clock` (milliseconds since the Unix epoch), which the caller
    /// advances.
    pub fn with_clock(responder: Arc<Responder>, clock: Arc<AtomicU64>) -> Self {
        Self {
            responder,
            clock: Some(clock),
        }
    }

    /// The responder behind this client.
    pub fn responder(&self) -> &Arc<Responder> {
        &self.responder
    }

    fn now_ms(&self) -> u64 {
        match &self.clock {
            Some(c) => c.load(Ordering::SeqCst),
            None => unix_millis(),
        }
    }
}

impl HttpClient for MemoryClient {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        let endpoint = request.endpoint().to_string();
        let url = url::Url::parse(&request.url).map_err(|e| Error::Transport {
            endpoint: endpoint.clone(),
            message: format!("invalid URL: {e}"),
        })?;
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let mut emu = EmuRequest::new(request.method.as_str(), &target);
        emu.headers = request
            .wire_headers()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(form) = request.form {
            emu.body = form.into_bytes();
        }
        let mut resp = self.responder.handle(emu, self.now_ms());
        resp.write_requested_file()
            .map_err(|(path, e)| Error::Transport {
                endpoint,
                message: format!("the emulator could not write {}: {e}", path.display()),
            })?;
        Ok(HttpResponse {
            status: resp.status,
            headers: resp
                .headers
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            body: resp.body,
        })
    }
}

/// The system clock in milliseconds since the Unix epoch.
fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use azlogin_emulator::Scenario;

    #[tokio::test]
    async fn flows_run_in_memory_on_a_manual_clock() {
        let responder = Arc::new(Responder::with_seed(
            Scenario::default_scenario(),
            "https://login.example",
            1,
        ));
        let clock = Arc::new(AtomicU64::new(1_800_000_000_000));
        let client = MemoryClient::with_clock(Arc::clone(&responder), Arc::clone(&clock));
        let start = HttpRequest::post_form(
            "https://login.example/organizations/oauth2/v2.0/devicecode",
            [
                ("client_id", "c"),
                ("scope", "https://login.example//.default openid"),
            ],
        );
        let flow: serde_json::Value =
            serde_json::from_slice(&client.send(start).await.expect("send").body).expect("json");
        let device_code = flow["device_code"].as_str().unwrap_or_default().to_string();
        let poll = || {
            HttpRequest::post_form(
                "https://login.example/organizations/oauth2/v2.0/token",
                [
                    ("client_id", "c"),
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("device_code", device_code.as_str()),
                ],
            )
        };
        let first = client.send(poll()).await.expect("send");
        assert_eq!(first.status, 400);
        assert_eq!(
            first.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        // No time passed: polling again at once is too fast.
        let eager = client.send(poll()).await.expect("send");
        assert!(eager.text().contains("slow_down"), "{}", eager.text());
        clock.fetch_add(1_000, Ordering::SeqCst);
        let done = client.send(poll()).await.expect("send");
        assert_eq!(done.status, 200, "{}", done.text());
        let log = responder.request_log();
        assert_eq!(log.len(), 4);
        assert_eq!(log[3].timestamp, 1_800_000_001_000);
    }
}
