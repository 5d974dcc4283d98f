//! Federated tokens from the test issuer of `tests/scenarios/apps.json`, signed with the
//! fixture key (`tests/fixtures/service-principal/cert.pem`), as a CI system would mint them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};

/// The issuer the scenario's federated credential trusts.
pub const ISSUER: &str = "https://token.actions.example";
/// The subject it accepts.
pub const SUBJECT: &str = "repo:contoso/app:ref:refs/heads/main";
/// The audience it accepts.
pub const AUDIENCE: &str = "api://AzureADTokenExchange";

const KEY_PEM: &str = include_str!("../fixtures/service-principal/cert.pem");

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Claims the scenario accepts, valid for ten minutes from now.
pub fn good_claims() -> Value {
    json!({"iss": ISSUER, "sub": SUBJECT, "aud": AUDIENCE, "iat": now(), "nbf": now(), "exp": now() + 600})
}

/// An RS256 JWT over `claims`, signed with the fixture key.
pub fn federated_token(claims: &Value) -> String {
    let key_der = pem::parse_many(KEY_PEM)
        .expect("pem")
        .into_iter()
        .find(|b| b.tag() == "PRIVATE KEY")
        .expect("key");
    let key = rsa::RsaPrivateKey::from_pkcs8_der(key_der.contents()).expect("rsa key");
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key);
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let sig = signer.sign(input.as_bytes()).to_bytes();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}
