//! WebAssembly binding of azlogin: convert, call the core, convert. Every rule lives in the core;
//! this crate only moves values between JavaScript and Rust and maps errors to the codes the
//! Node addon uses.

mod client_credentials;
mod device_code;
mod discover;
mod error;
mod flow;
mod options;
mod profile;
mod selector;
mod transport;
mod types;

use wasm_bindgen::prelude::*;

pub use device_code::DeviceCodeSteps;
pub use flow::DeviceCodeFlow;
pub use selector::SubscriptionSelector;

/// The version of the azlogin core this binding was built against.
#[wasm_bindgen(js_name = coreVersion)]
pub fn core_version() -> String {
    azlogin::VERSION.to_string()
}

/// Every `err.code` the core can give (the TypeScript union `AzLoginErrorCode` is tested
/// against it).
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "AzLoginErrorCode[]")]
pub fn error_codes() -> Vec<String> {
    azlogin::ERROR_CODES.iter().map(|c| c.to_string()).collect()
}

/// The claims of a JWT, unverified (as MSAL reads tokens it just received over TLS).
#[wasm_bindgen(js_name = decodeTokenClaims, unchecked_return_type = "Record<string, unknown>")]
pub fn decode_token_claims(jwt: &str) -> Result<JsValue, JsValue> {
    let claims = azlogin::oauth::claims::decode_jwt_claims(jwt)
        .map_err(|e| error::to_js(azlogin::Error::Usage(e)))?;
    error::to_value(&claims)
}

/// Parses `login()`'s options as the Node package does (every key known, az's rules in az's
/// words) and refuses what a page cannot run: `{ kind: 'deviceCode' | 'servicePrincipal',
/// clientId, tenant, subscription, skipSubscriptionDiscovery, authorityHost }` for the flows
/// above.
#[wasm_bindgen(js_name = parseLogin, unchecked_return_type = "ParsedLogin")]
pub fn parse_login(
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let parsed = azlogin::options::browser_login(&options::data(&options)).map_err(error::to_js)?;
    error::to_value(&parsed)
}
