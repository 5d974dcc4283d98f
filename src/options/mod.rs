//! The option objects of the JavaScript faces (the Node addon and the wasm package), read once:
//! every key is known or refused (a `usage_error` naming the key and the closest known one),
//! MSAL's and @azure/identity's spellings are accepted where they mean the same thing
//! (`tenantId`, `authority`, `authorityHost`, `clientId`), and two spellings of one thing that
//! disagree are refused. A face turns its JavaScript value into JSON (functions and signals it
//! handles itself taken out by name, any other function as `null`) and calls one reader here.
//!
//! Sans I/O, and built for wasm32 too.

mod keys;
mod login;
mod wasm;

#[cfg(test)]
mod tests;

pub use keys::{ObjectReader, closest, keys_with};
pub use login::{
    LOGIN_KEYS, LoginOptions, MANAGED_IDENTITY_KEYS, SERVICE_PRINCIPAL_KEYS, SESSION_KEYS,
    TOKEN_KEYS, TokenOptions, browser_login, check_keys, known_keys, session_keys_with,
};
pub use wasm::{
    CERTIFICATE_KEYS, CLOUD_KEYS, ClientCredentialInput, ClientCredentialOptions, DEVICE_CODE_KEYS,
    DISCOVER_KEYS, DeviceCodeOptions, DiscoverOptions, WAIT_KEYS, claims_or_cp1,
    client_credential_keys, device_code_flow_keys, parse_authority,
};
