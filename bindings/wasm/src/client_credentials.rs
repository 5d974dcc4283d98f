//! `acquireTokenForClient`: an app-only token by client credentials (a secret, a certificate's
//! signed assertion, or a federated token), the core's `login::service_principal` driver over
//! the host's fetch. The core builds a certificate's assertion; the host gives its clock, the
//! random `jti` and the RS256 signature (WebCrypto), so no RSA code is compiled in.
//!
//! The core reads the options (every key checked); a mistyped field's error names the field and
//! never echoes its value, which may be a secret or a private key.

use azlogin::Error;
use azlogin::cancel::{CancelHandle, cancellable};
use azlogin::login::service_principal;
use azlogin::oauth::Authority;
use azlogin::oauth::client_assertion::{CertificatePem, assertion_id, signed_assertion};
use azlogin::oauth::token::ClientCredential;
use azlogin::options::{ClientCredentialInput, ClientCredentialOptions};
use azlogin::runtime::Runtime;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::{to_js, to_value, usage};
use crate::options::{data, field};
use crate::transport::{AbortWatch, JsRuntime, JsTransport, random_bytes, rs256_sign};

/// How a PEM given as text is named in the core's certificate errors.
const PEM_SOURCE: &str = "certificate.pem";

/// The core's credential for the options' one credential. A certificate's key signs a fresh
/// assertion for `authority` (the core builds it; the host's clock, random bytes and
/// WebCrypto fill it in).
async fn credential(
    given: ClientCredentialInput,
    client_id: &str,
    authority: &Authority,
) -> Result<ClientCredential, JsValue> {
    match given {
        ClientCredentialInput::Secret(secret) => Ok(ClientCredential::Secret(secret)),
        ClientCredentialInput::FederatedToken(token) => Ok(ClientCredential::Assertion(token)),
        ClientCredentialInput::Certificate { pem, send_x5c } => {
            let pem = CertificatePem::parse(pem.secret().as_bytes(), PEM_SOURCE).map_err(to_js)?;
            let now = JsRuntime.now_ms() / 1000;
            let jti = assertion_id(random_bytes()?);
            let input =
                pem.signing_input(client_id, &authority.token_endpoint(), now, &jti, send_x5c);
            let signature =
                rs256_sign(pem.private_key_pkcs8(), input.as_bytes(), PEM_SOURCE).await?;
            Ok(ClientCredential::Assertion(signed_assertion(
                &input, &signature,
            )))
        }
        // The core's credential kinds are non-exhaustive; a new one needs its own conversion.
        _ => Err(usage("this credential is not supported here")),
    }
}

/// An app-only token: `{ accessToken, expiresOn, tokenType, tenantId }`. `signal` aborts
/// (`cancelled`); `fetch` replaces the host's.
#[wasm_bindgen(js_name = acquireTokenForClient, unchecked_return_type = "Promise<ClientToken>")]
pub fn acquire_token_for_client(
    #[wasm_bindgen(unchecked_param_type = "ClientCredentialOptions")] options: JsValue,
) -> Promise {
    future_to_promise(async move {
        let read = ClientCredentialOptions::from_json(&data(&options)).map_err(to_js)?;
        let (ctx, scopes) = read.target.token_context().map_err(to_js)?;
        let authority = ctx.authority;
        let client_id = ctx.client_id;
        let transport = JsTransport::new(field(&options, "fetch")?)?;
        let (handle, registration) = CancelHandle::new();
        let _watch = AbortWatch::new(field(&options, "signal")?, handle)?;
        let credential = credential(read.credential, &client_id, &authority).await?;
        let response = cancellable(
            registration,
            service_principal::acquire(
                &transport,
                &authority,
                &client_id,
                &credential,
                &scopes,
                ctx.claims.as_deref(),
            ),
        )
        .await
        .map_err(to_js)?;
        let now = JsRuntime.now_ms() / 1000;
        let access_token = response.access_token.as_ref().ok_or_else(|| {
            to_js(Error::invalid_response(
                authority.token_endpoint(),
                "the answer has no access_token",
            ))
        })?;
        to_value(&serde_json::json!({
            "accessToken": access_token.secret(),
            "expiresOn": now.saturating_add(response.lifetime_secs(now)),
            "tokenType": response.token_type.as_deref().unwrap_or("Bearer"),
            "tenantId": authority.realm(),
        }))
    })
}
