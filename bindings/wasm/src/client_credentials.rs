//! `acquireTokenForClient`: an app-only token by client credentials (a secret, a certificate's
//! signed assertion, or a federated token), the core's `login::service_principal` driver over
//! the host's fetch. The core builds a certificate's assertion; the host gives its clock, the
//! random `jti` and the RS256 signature (WebCrypto), so no RSA code is compiled in.
//!
//! Options are read field by field rather than through serde: a mistyped field's error then
//! names the field and never echoes its value, which may be a secret or a private key.

use azlogin::cancel::{CancelHandle, cancellable};
use azlogin::login::service_principal;
use azlogin::oauth::Authority;
use azlogin::oauth::client_assertion::{CertificatePem, assertion_id, signed_assertion};
use azlogin::oauth::token::ClientCredential;
use azlogin::runtime::Runtime;
use azlogin::secret::{ClientAssertion, ClientSecret};
use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::{from_value, to_js, to_value, usage};
use crate::transport::{AbortWatch, JsRuntime, JsTransport, random_bytes, rs256_sign};

/// How a PEM given as text is named in the core's certificate errors.
const PEM_SOURCE: &str = "certificate.pem";

/// `options[key]`, `undefined` when `options` is not an object.
fn field(options: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    if options.is_object() {
        Reflect::get(options, &JsValue::from_str(key))
    } else {
        Ok(JsValue::UNDEFINED)
    }
}

/// An optional string field; anything else is a `usage_error` naming `what`, not the value.
fn string(options: &JsValue, key: &str, what: &str) -> Result<Option<String>, JsValue> {
    let value = field(options, key)?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| usage(format!("`{what}` must be a string")))
}

/// An optional list of strings.
fn strings(options: &JsValue, key: &str) -> Result<Option<Vec<String>>, JsValue> {
    let value = field(options, key)?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let bad = || usage(format!("`{key}` must be an array of strings"));
    if !Array::is_array(&value) {
        return Err(bad());
    }
    Array::from(&value)
        .iter()
        .map(|v| v.as_string().ok_or_else(bad))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The credential the options name: exactly one of `secret`, `certificate` and
/// `federatedToken`. A certificate's key signs a fresh assertion for `authority` (the core
/// builds it; the host's clock, random bytes and WebCrypto fill it in).
async fn credential(
    options: &JsValue,
    client_id: &str,
    authority: &Authority,
) -> Result<ClientCredential, JsValue> {
    let secret = string(options, "secret", "secret")?;
    let federated = string(options, "federatedToken", "federatedToken")?;
    let certificate = field(options, "certificate")?;
    let has_certificate = !(certificate.is_undefined() || certificate.is_null());
    match (secret, has_certificate, federated) {
        (Some(s), false, None) => Ok(ClientCredential::Secret(ClientSecret::new(s))),
        (None, false, Some(t)) => Ok(ClientCredential::Assertion(ClientAssertion::new(t))),
        (None, true, None) => {
            if !certificate.is_object() {
                return Err(usage(
                    "`certificate` must be an object: { pem, useCertSnIssuer? }",
                ));
            }
            let pem_text = string(&certificate, "pem", "certificate.pem")?.ok_or_else(|| {
                usage("`certificate.pem` is required: the PEM text of the private key and the certificate")
            })?;
            let send_x5c = field(&certificate, "useCertSnIssuer")?.is_truthy();
            let pem = CertificatePem::parse(pem_text.as_bytes(), PEM_SOURCE).map_err(to_js)?;
            let now = JsRuntime.now_ms() / 1000;
            let jti = assertion_id(random_bytes()?);
            let input =
                pem.signing_input(client_id, &authority.token_endpoint(), now, &jti, send_x5c);
            let signature =
                rs256_sign(pem.private_key_pkcs8(), input.as_bytes(), PEM_SOURCE).await?;
            let assertion = signed_assertion(&input, &signature);
            Ok(ClientCredential::Assertion(assertion))
        }
        _ => Err(usage(
            "acquireTokenForClient needs exactly one of `secret`, `certificate` and `federatedToken`",
        )),
    }
}

/// An app-only token: `{ accessToken, expiresOn, tokenType, tenantId }`. `signal` aborts
/// (`cancelled`); `fetch` replaces the host's.
#[wasm_bindgen(js_name = acquireTokenForClient, unchecked_return_type = "Promise<ClientToken>")]
pub fn acquire_token_for_client(
    #[wasm_bindgen(unchecked_param_type = "ClientCredentialOptions")] options: JsValue,
) -> Promise {
    future_to_promise(async move {
        if !options.is_object() {
            return Err(usage(
                "acquireTokenForClient needs { tenant, clientId } and a credential",
            ));
        }
        let tenant = string(&options, "tenant", "tenant")?.ok_or_else(|| {
            usage("acquireTokenForClient needs `tenant` (a tenant id or domain): app-only tokens are issued per tenant")
        })?;
        let client_id = string(&options, "clientId", "clientId")?
            .ok_or_else(|| usage("acquireTokenForClient needs `clientId` (the application id)"))?;
        let login_endpoint = string(&options, "loginEndpoint", "loginEndpoint")?;
        let cloud = field(&options, "cloud")?;
        let cloud = if cloud.is_undefined() || cloud.is_null() {
            None
        } else {
            Some(from_value(cloud, "cloud")?)
        };
        let cloud = crate::cloud::resolve(cloud, login_endpoint)?;
        let authority = Authority::new(cloud.login_endpoint().map_err(to_js)?, Some(&tenant));
        let scopes = match strings(&options, "scopes")? {
            Some(s) => s,
            None => vec![cloud.default_scope().map_err(to_js)?],
        };
        let claims = crate::device_code::claims(string(&options, "claims", "claims")?);
        let transport = JsTransport::new(field(&options, "fetch")?)?;
        let (handle, registration) = CancelHandle::new();
        let _watch = AbortWatch::new(field(&options, "signal")?, handle)?;
        let credential = credential(&options, &client_id, &authority).await?;
        let response = cancellable(
            registration,
            service_principal::acquire(
                &transport,
                &authority,
                &client_id,
                &credential,
                &scopes,
                claims.as_deref(),
            ),
        )
        .await
        .map_err(to_js)?;
        let now = JsRuntime.now_ms() / 1000;
        to_value(&serde_json::json!({
            "accessToken": response.access_token.secret(),
            "expiresOn": now.saturating_add(response.response.lifetime_secs(now)),
            "tokenType": response.response.token_type.as_deref().unwrap_or("Bearer"),
            "tenantId": authority.realm(),
        }))
    })
}
