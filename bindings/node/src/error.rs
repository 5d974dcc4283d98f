//! The one mapping from the core's errors to JavaScript: the reason is a JSON object the
//! package's `toError` turns into an `Error` with `code`, `aadstsCodes`, `correlationId`,
//! `traceId` and `recommendation`. Messages come from the core, which never puts a secret in one.

use serde_json::json;

/// Every rejection's reason starts with this, so the JavaScript side knows it can parse it.
const MARKER: &str = "azlogin-error:";

/// The core's error as a napi error.
pub fn to_napi(e: azlogin::Error) -> napi::Error {
    let server = e.server_error();
    let reason = json!({
        "code": e.code(),
        "message": e.to_string(),
        "recommendation": e.recommendation(),
        "aadstsCodes": server.map(|s| s.error_codes.clone()),
        "error": server.map(|s| s.error.clone()),
        "correlationId": server.and_then(|s| s.correlation_id.clone()),
        "traceId": server.and_then(|s| s.trace_id.clone()),
    });
    napi::Error::from_reason(format!("{MARKER}{reason}"))
}
