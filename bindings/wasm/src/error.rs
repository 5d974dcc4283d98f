//! The one mapping from the core's errors to JavaScript: an `Error` named `AzLoginError` whose
//! `message` is the core's text and whose `code`, `recommendation`, `aadstsCodes`, `error`,
//! `correlationId` and `traceId` are the same as the Node addon's. Messages come from the core, which never puts a secret in one.

use wasm_bindgen::{JsCast, JsValue};

/// The core's error as a JavaScript `Error`.
pub fn to_js(e: azlogin::Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let server = e.server_error();
    let set = |key: &str, value: JsValue| {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str(key), &value);
    };
    let opt = |s: Option<String>| s.map_or(JsValue::NULL, |s| JsValue::from_str(&s));
    set("name", JsValue::from_str("AzLoginError"));
    set("code", JsValue::from_str(e.code()));
    set("recommendation", opt(e.recommendation()));
    set(
        "aadstsCodes",
        server.map_or(JsValue::NULL, |s| {
            s.error_codes
                .iter()
                .map(|c| JsValue::from_f64(*c as f64))
                .collect::<js_sys::Array>()
                .into()
        }),
    );
    set("error", opt(server.map(|s| s.error.clone())));
    set(
        "correlationId",
        opt(server.and_then(|s| s.correlation_id.clone())),
    );
    set("traceId", opt(server.and_then(|s| s.trace_id.clone())));
    err.unchecked_into()
}

/// A value the caller passed that is not what the API takes: a `usage_error`.
pub fn usage(message: impl Into<String>) -> JsValue {
    to_js(azlogin::Error::Usage(message.into()))
}

/// Rust values to plain JavaScript objects (maps as objects, 64-bit numbers as numbers).
pub fn to_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| usage(e.to_string()))
}

/// A JavaScript value read as `T`; a mismatch is a `usage_error` naming `what`.
pub fn from_value<T: serde::de::DeserializeOwned>(
    value: JsValue,
    what: &str,
) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|e| usage(format!("{what}: {e}")))
}
