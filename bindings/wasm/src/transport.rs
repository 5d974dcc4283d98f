//! The host's I/O for the core's drivers: an `HttpClient` over a fetch-compatible function (the
//! host's `fetch` unless the caller gives one), a `Runtime` over `Date.now` and `setTimeout`,
//! random bytes from `crypto.getRandomValues`, RS256 signatures from WebCrypto, and an
//! `AbortSignal` turned into the core's cancel handle.

use std::time::Duration;

use azlogin::cancel::CancelHandle;
use azlogin::http::{HttpClient, HttpRequest, HttpResponse};
use azlogin::runtime::Runtime;
use azlogin::{Error, Result};
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

fn get(target: &JsValue, key: &str) -> std::result::Result<JsValue, JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// Calls the method `name` of `target`.
fn call(target: &JsValue, name: &str, args: &Array) -> std::result::Result<JsValue, JsValue> {
    let method: Function = get(target, name)?.dyn_into()?;
    method.apply(target, args)
}

/// The text of a thrown JavaScript value, for error messages.
pub fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Sends requests through a fetch-compatible function.
#[derive(Clone)]
pub struct JsTransport {
    fetch: Function,
    this: JsValue,
}

impl JsTransport {
    /// `fetch` when it is a function, else the host's global `fetch`.
    pub fn new(fetch: JsValue) -> std::result::Result<Self, JsValue> {
        let global: JsValue = js_sys::global().into();
        let (fetch, this) = match fetch.dyn_into::<Function>() {
            Ok(f) => (f, JsValue::UNDEFINED),
            Err(_) => (
                get(&global, "fetch")?
                    .dyn_into::<Function>()
                    .map_err(|_| crate::error::usage("this host has no fetch; pass one"))?,
                // The host's fetch must be called on the global object.
                global,
            ),
        };
        Ok(Self { fetch, this })
    }

    async fn exchange(&self, request: &HttpRequest) -> std::result::Result<HttpResponse, JsValue> {
        let init: JsValue = Object::new().into();
        set(&init, "method", &JsValue::from_str(request.method.as_str()));
        let headers: JsValue = Object::new().into();
        for (name, value) in request.wire_headers() {
            set(&headers, name, &JsValue::from_str(value));
        }
        if let Some(form) = &request.form {
            set(&init, "body", &JsValue::from_str(form));
        }
        set(&init, "headers", &headers);
        let pending = self
            .fetch
            .call2(&self.this, &JsValue::from_str(&request.url), &init)?;
        let response = JsFuture::from(Promise::resolve(&pending)).await?;
        let status = get(&response, "status")?
            .as_f64()
            .filter(|s| (0.0..=999.0).contains(s))
            .ok_or_else(|| JsValue::from_str("the answer has no HTTP status"))?;
        let mut pairs = Vec::new();
        let header_object = get(&response, "headers")?;
        if let Some(entries) = js_sys::try_iter(&header_object)? {
            for entry in entries {
                let entry: Array = entry?.dyn_into()?;
                if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                    pairs.push((k.to_ascii_lowercase(), v));
                }
            }
        }
        let text = JsFuture::from(Promise::resolve(&call(&response, "text", &Array::new())?))
            .await?
            .as_string()
            .unwrap_or_default();
        let mut answer = HttpResponse::new(status as u16, text);
        answer.headers = pairs;
        Ok(answer)
    }
}

impl HttpClient for JsTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        self.exchange(&request).await.map_err(|e| Error::Transport {
            endpoint: request.endpoint().to_string(),
            message: describe(&e),
        })
    }
}

/// The host's clock and timers.
#[derive(Clone, Copy, Default)]
pub struct JsRuntime;

impl Runtime for JsRuntime {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    async fn sleep(&self, duration: Duration) {
        let ms = duration.as_millis().min(i32::MAX as u128) as f64;
        let global: JsValue = js_sys::global().into();
        let mut timer = JsValue::UNDEFINED;
        let promise = Promise::new(&mut |resolve, _reject| {
            match call(
                &global,
                "setTimeout",
                &Array::of2(&resolve, &JsValue::from_f64(ms)),
            ) {
                Ok(id) => timer = id,
                // Without timers, waiting is impossible: go on at once rather than hang.
                Err(_) => {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            }
        });
        // A cancelled wait is dropped before its timer fires: clear the timer, so a pending
        // `setTimeout` does not keep a Node process alive for the rest of the interval.
        let _clear = ClearTimerOnDrop { global, timer };
        let _ = JsFuture::from(promise).await;
    }
}

/// The host's `crypto` object (browsers, Node 19+, workers), or a `usage_error` naming `what`
/// it is needed for.
fn host_crypto(what: &str) -> std::result::Result<JsValue, JsValue> {
    let global: JsValue = js_sys::global().into();
    let crypto = get(&global, "crypto")?;
    if crypto.is_object() {
        Ok(crypto)
    } else {
        Err(crate::error::usage(format!(
            "this host has no Web Crypto (globalThis.crypto), needed for {what}"
        )))
    }
}

/// `N` bytes from the host's CSPRNG (`crypto.getRandomValues`).
pub fn random_bytes<const N: usize>() -> std::result::Result<[u8; N], JsValue> {
    let crypto = host_crypto("random bytes")?;
    let array = js_sys::Uint8Array::new_with_length(N as u32);
    call(&crypto, "getRandomValues", &Array::of1(&array))?;
    let mut bytes = [0u8; N];
    array.copy_to(&mut bytes);
    Ok(bytes)
}

/// The RS256 (RSASSA-PKCS1-v1_5, SHA-256) signature of `data` under a PKCS#8 RSA key, by the
/// host's `crypto.subtle`: the key is the caller's, and signing there keeps the RSA arithmetic
/// out of the module. A key WebCrypto refuses is the core's certificate-file `usage_error`.
pub async fn rs256_sign(
    key_pkcs8: &[u8],
    data: &[u8],
    source: &str,
) -> std::result::Result<Vec<u8>, JsValue> {
    let subtle = get(&host_crypto("certificate credentials")?, "subtle")?;
    if !subtle.is_object() {
        return Err(crate::error::usage(
            "this host has no crypto.subtle (Web Crypto; browsers allow it only in secure contexts), needed for certificate credentials",
        ));
    }
    let algorithm: JsValue = Object::new().into();
    set(&algorithm, "name", &JsValue::from_str("RSASSA-PKCS1-v1_5"));
    set(&algorithm, "hash", &JsValue::from_str("SHA-256"));
    let import = Array::of5(
        &JsValue::from_str("pkcs8"),
        &js_sys::Uint8Array::from(key_pkcs8),
        &algorithm,
        &JsValue::FALSE,
        &Array::of1(&JsValue::from_str("sign")),
    );
    let not_rsa = |e: JsValue| {
        let what = format!("has a private key that is not RSA ({})", describe(&e));
        crate::error::to_js(azlogin::oauth::client_assertion::bad_certificate_file(
            source, &what,
        ))
    };
    let key = JsFuture::from(Promise::resolve(
        &call(&subtle, "importKey", &import).map_err(not_rsa)?,
    ))
    .await
    .map_err(not_rsa)?;
    let failed = |e: JsValue| {
        crate::error::to_js(Error::Config(format!(
            "Signing the client assertion failed: {}",
            describe(&e)
        )))
    };
    let sign = Array::of3(&algorithm, &key, &js_sys::Uint8Array::from(data));
    let signature = JsFuture::from(Promise::resolve(
        &call(&subtle, "sign", &sign).map_err(failed)?,
    ))
    .await
    .map_err(failed)?;
    Ok(js_sys::Uint8Array::new(&signature).to_vec())
}

/// Clears a `setTimeout` timer when dropped (harmless once it has fired).
struct ClearTimerOnDrop {
    global: JsValue,
    timer: JsValue,
}

impl Drop for ClearTimerOnDrop {
    fn drop(&mut self) {
        if !self.timer.is_undefined() {
            let _ = call(&self.global, "clearTimeout", &Array::of1(&self.timer));
        }
    }
}

/// An `AbortSignal` watched for the length of one operation: cancels `handle` when it fires,
/// and stops listening when dropped.
pub struct AbortWatch {
    signal: JsValue,
    listener: Option<Closure<dyn FnMut()>>,
}

impl AbortWatch {
    /// Watches `signal` (`undefined`/`null`: nothing to watch).
    pub fn new(signal: JsValue, handle: CancelHandle) -> std::result::Result<Self, JsValue> {
        if signal.is_undefined() || signal.is_null() {
            return Ok(Self {
                signal,
                listener: None,
            });
        }
        if get(&signal, "aborted")?.is_truthy() {
            handle.cancel();
            return Ok(Self {
                signal,
                listener: None,
            });
        }
        let listener = Closure::<dyn FnMut()>::new(move || handle.cancel());
        call(
            &signal,
            "addEventListener",
            &Array::of2(&JsValue::from_str("abort"), listener.as_ref()),
        )?;
        Ok(Self {
            signal,
            listener: Some(listener),
        })
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            let _ = call(
                &self.signal,
                "removeEventListener",
                &Array::of2(&JsValue::from_str("abort"), listener.as_ref()),
            );
        }
    }
}
