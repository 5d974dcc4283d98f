//! The device-code flow as steps, for hosts that own their I/O: ask `nextRequest()`, send it,
//! hand the answer to `handleResponse()`, wait as told. The core's `DeviceCodeSteps` decides
//! everything (interval, `slow_down`, expiry, terminal errors); this converts.

use std::collections::BTreeMap;

use azlogin::http::{HttpRequest, HttpResponse};
use azlogin::oauth::device_code::{self, FlowStep};
use azlogin::oauth::token::{TokenContext, TokenResponse};
use azlogin::options::{DEVICE_CODE_KEYS, DeviceCodeOptions};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::error::{from_value, to_js, to_value};
use crate::options::data;

/// The token context and scopes of `{ cloud, loginEndpoint | authorityHost, authority,
/// tenant | tenantId, clientId, scopes, claims }` (the core reads them, every key checked
/// against `known`, each defaulting to what `az login` uses).
pub fn context(options: &JsValue, known: &[&str]) -> Result<(TokenContext, Vec<String>), JsValue> {
    DeviceCodeOptions::from_json(&data(options), known)
        .and_then(|o| o.token_context())
        .map_err(to_js)
}

/// A request for the host to send.
#[derive(Serialize)]
struct JsRequest {
    method: &'static str,
    url: String,
    headers: BTreeMap<String, String>,
    body: Option<String>,
}

impl From<HttpRequest> for JsRequest {
    fn from(r: HttpRequest) -> Self {
        let headers: BTreeMap<String, String> = r
            .wire_headers()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        JsRequest {
            method: r.method.as_str(),
            url: r.url,
            headers,
            body: r.form,
        }
    }
}

/// An answer the host received.
#[derive(Deserialize)]
struct JsResponse {
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
}

impl From<JsResponse> for HttpResponse {
    fn from(r: JsResponse) -> Self {
        let mut response = HttpResponse::new(r.status, r.body);
        response.headers = r
            .headers
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        response
    }
}

/// The tokens of a finished flow, as JavaScript sees them.
pub fn tokens_to_js(t: &TokenResponse, now_ms: f64) -> Result<JsValue, JsValue> {
    let now_secs = (now_ms / 1000.0) as u64;
    let lifetime = t.lifetime_secs(now_secs);
    let account = t.account();
    to_value(&serde_json::json!({
        "accessToken": t.access_token.as_ref().map(|s| s.secret()),
        "refreshToken": t.refresh_token.as_ref().map(|s| s.secret()),
        "idToken": t.id_token.as_ref().map(|s| s.secret()),
        "tokenType": t.token_type,
        "expiresOn": now_secs.saturating_add(lifetime),
        "scope": t.scope,
        "clientInfo": t.client_info,
        "account": {
            "username": account.username,
            "homeAccountId": account.home_account_id,
            "tenantId": account.tenant_id,
        },
    }))
}

/// The device-code flow, one HTTP exchange at a time.
#[wasm_bindgen]
pub struct DeviceCodeSteps {
    inner: device_code::DeviceCodeSteps,
}

#[wasm_bindgen]
impl DeviceCodeSteps {
    /// A flow with `{ cloud, loginEndpoint, tenant, clientId, scopes, claims }` (all optional).
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: Option<crate::types::DeviceCodeOptionsArg>,
    ) -> Result<DeviceCodeSteps, JsValue> {
        let options = options.map_or(JsValue::UNDEFINED, JsValue::from);
        let (ctx, scopes) = context(&options, DEVICE_CODE_KEYS)?;
        Ok(Self {
            inner: device_code::DeviceCodeSteps::new(ctx, &scopes),
        })
    }

    /// The next request to send: `{ method, url, headers, body }`. `nowMs` defaults to the
    /// host's clock; past the code's lifetime this throws `device_code_expired`.
    #[wasm_bindgen(js_name = nextRequest, unchecked_return_type = "HttpRequestStep")]
    pub fn next_request(&self, now_ms: Option<f64>) -> Result<JsValue, JsValue> {
        let request = self.inner.next_request(millis(now_ms)).map_err(to_js)?;
        to_value(&JsRequest::from(request))
    }

    /// Reads the answer to the last request. The first answer gives
    /// `{ start: { userCode, verificationUri, message, expiresOn }, wait }`; the polls give
    /// `{ wait: ms }` or `{ done: tokens }`; terminal errors throw with the core's codes.
    #[wasm_bindgen(js_name = handleResponse, unchecked_return_type = "DeviceCodeStep")]
    pub fn handle_response(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "HttpResponseStep")] response: JsValue,
        now_ms: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let response: HttpResponse = from_value::<JsResponse>(response, "response")?.into();
        let now = millis(now_ms);
        match self.inner.handle_response(&response, now).map_err(to_js)? {
            FlowStep::Started {
                authorization: a,
                expires_on_ms,
                wait,
            } => to_value(&serde_json::json!({
                "start": {
                    "userCode": a.user_code,
                    "verificationUri": a.verification_uri,
                    "message": a.message,
                    "expiresOn": expires_on_ms,
                },
                "wait": wait.as_millis() as u64,
            })),
            FlowStep::Wait(d) => to_value(&serde_json::json!({ "wait": d.as_millis() as u64 })),
            FlowStep::Complete(tokens) => Ok(js_sys::Object::from_entries(&js_sys::Array::of1(
                &js_sys::Array::of2(
                    &JsValue::from_str("done"),
                    &tokens_to_js(&tokens, now as f64)?,
                ),
            ))?
            .into()),
            // The core's step kinds are non-exhaustive; a new one needs its own conversion.
            _ => Err(crate::error::usage(
                "this device-code step is not supported",
            )),
        }
    }
}

/// Milliseconds since the epoch: the caller's, else the host's clock.
fn millis(now_ms: Option<f64>) -> u64 {
    let ms = now_ms.unwrap_or_else(js_sys::Date::now);
    if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    }
}
