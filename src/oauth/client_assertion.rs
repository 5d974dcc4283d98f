//! Client assertions for certificate credentials: the RS256 JWT a service principal signs with
//! its certificate's private key instead of sending a secret (RFC 7523), as MSAL builds it.
//!
//! Sans I/O: the PEM text, the time and the assertion id come in as arguments. The header names
//! the certificate by its SHA-1 thumbprint (`x5t`, the DER bytes hashed, base64url with MSAL's
//! padding kept) and, for subject-name/issuer authentication, carries the public certificates
//! (`x5c`) so Entra can match them by name instead of by a registered thumbprint.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use rsa::RsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

use crate::error::{Error, Result};
use crate::secret::ClientAssertion;

/// The `client_assertion_type` of a JWT client assertion (RFC 7523).
pub const JWT_BEARER_ASSERTION_TYPE: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is valid, in seconds (MSAL's default).
pub const ASSERTION_LIFETIME_SECS: u64 = 600;

/// A certificate credential's PEM file read without RSA arithmetic: the private key as PKCS#8
/// DER (a PKCS#1 key is wrapped, so any signer, WebCrypto's `importKey('pkcs8')` included, takes
/// it) and the certificates. Builds the assertion around a signature made elsewhere.
pub struct CertificatePem {
    key_pkcs8: Vec<u8>,
    /// The DER bytes of every certificate in the file, in file order (the first is the leaf).
    certificates: Vec<Vec<u8>>,
}

/// Only the thumbprint: the key is secret.
impl std::fmt::Debug for CertificatePem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificatePem")
            .field("x5t", &self.thumbprint())
            .finish()
    }
}

/// The usage error for a certificate file `source` that is not what it must be.
pub fn bad_certificate_file(source: &str, what: &str) -> Error {
    Error::Usage(format!(
        "The certificate file '{source}' {what}. It must be a PEM file holding the RSA private key (unencrypted) and the certificate."
    ))
}

impl CertificatePem {
    /// Reads a PEM with a private key (`PRIVATE KEY` or `RSA PRIVATE KEY`) and at least one
    /// `CERTIFICATE`. `source` names the file in errors.
    pub fn parse(pem_text: &[u8], source: &str) -> Result<Self> {
        let bad = |what: String| bad_certificate_file(source, &what);
        let blocks =
            pem::parse_many(pem_text).map_err(|e| bad(format!("is not valid PEM ({e})")))?;
        let mut key_pkcs8 = None;
        let mut certificates = Vec::new();
        for block in &blocks {
            match block.tag() {
                "PRIVATE KEY" => key_pkcs8 = Some(block.contents().to_vec()),
                "RSA PRIVATE KEY" => key_pkcs8 = Some(wrap_pkcs1_in_pkcs8(block.contents())),
                "ENCRYPTED PRIVATE KEY" => {
                    return Err(bad("has an encrypted private key".into()));
                }
                "CERTIFICATE" => certificates.push(block.contents().to_vec()),
                _ => {}
            }
        }
        let key_pkcs8 = key_pkcs8.ok_or_else(|| bad("has no private key".into()))?;
        if certificates.is_empty() {
            return Err(bad("has no certificate".into()));
        }
        Ok(Self {
            key_pkcs8,
            certificates,
        })
    }

    /// The private key as PKCS#8 DER (secret).
    pub fn private_key_pkcs8(&self) -> &[u8] {
        &self.key_pkcs8
    }

    /// The leaf certificate's SHA-1 thumbprint as MSAL sends it in `x5t`: base64url of the
    /// 20 digest bytes, padding kept (`urlsafe_b64encode`).
    pub fn thumbprint(&self) -> String {
        x5t_of(&self.certificates[0])
    }

    /// The certificates as `x5c` carries them: standard base64 of each DER, leaf first.
    pub fn x5c(&self) -> Vec<String> {
        self.certificates
            .iter()
            .map(|c| STANDARD.encode(c))
            .collect()
    }

    /// The `header.payload` to sign with RS256 for `client_id` at the token endpoint
    /// `audience`, valid from `now` for ten minutes; `assertion_id` is a fresh random id
    /// (`jti`). With `send_x5c` the header carries the public certificates
    /// (subject-name/issuer authentication).
    pub fn signing_input(
        &self,
        client_id: &str,
        audience: &str,
        now: u64,
        assertion_id: &str,
        send_x5c: bool,
    ) -> String {
        // PyJWT writes the header with sorted keys.
        let mut header = Map::new();
        header.insert("alg".into(), json!("RS256"));
        header.insert("typ".into(), json!("JWT"));
        if send_x5c {
            header.insert("x5c".into(), json!(self.x5c()));
        }
        header.insert("x5t".into(), json!(self.thumbprint()));
        let payload = json!({
            "aud": audience,
            "iss": client_id,
            "sub": client_id,
            "exp": now + ASSERTION_LIFETIME_SECS,
            "iat": now,
            "jti": assertion_id,
        });
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(Value::Object(header).to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        )
    }
}

/// The assertion: the signed `header.payload` and its RS256 signature.
pub fn signed_assertion(signing_input: &str, signature: &[u8]) -> ClientAssertion {
    ClientAssertion::new(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

/// A DER length.
fn der_length(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

/// A PKCS#1 `RSAPrivateKey` as a PKCS#8 `PrivateKeyInfo` (RFC 5208): version 0, the
/// `rsaEncryption` algorithm with NULL parameters, the key in an OCTET STRING.
fn wrap_pkcs1_in_pkcs8(pkcs1: &[u8]) -> Vec<u8> {
    const VERSION_AND_ALGORITHM: [u8; 18] = [
        0x02, 0x01, 0x00, // INTEGER 0
        0x30, 0x0d, // SEQUENCE
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, // rsaEncryption
        0x05, 0x00, // NULL
    ];
    let mut octets = vec![0x04];
    octets.extend(der_length(pkcs1.len()));
    octets.extend_from_slice(pkcs1);
    let mut out = vec![0x30];
    out.extend(der_length(VERSION_AND_ALGORITHM.len() + octets.len()));
    out.extend_from_slice(&VERSION_AND_ALGORITHM);
    out.extend(octets);
    out
}

/// A certificate credential that signs its own assertions (the pure-Rust RSA key).
pub struct CertificateCredential {
    key: RsaPrivateKey,
    pem: CertificatePem,
}

/// Only the thumbprint: the key is secret.
impl std::fmt::Debug for CertificateCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateCredential")
            .field("x5t", &self.thumbprint())
            .finish()
    }
}

impl CertificateCredential {
    /// Reads a PEM with an RSA private key (`PRIVATE KEY` or `RSA PRIVATE KEY`) and at least one
    /// `CERTIFICATE`. `source` names the file in errors.
    pub fn from_pem(pem_text: &[u8], source: &str) -> Result<Self> {
        let pem = CertificatePem::parse(pem_text, source)?;
        let key = RsaPrivateKey::from_pkcs8_der(pem.private_key_pkcs8()).map_err(|e| {
            bad_certificate_file(source, &format!("has a private key that is not RSA ({e})"))
        })?;
        Ok(Self { key, pem })
    }

    /// The leaf certificate's `x5t` thumbprint.
    pub fn thumbprint(&self) -> String {
        self.pem.thumbprint()
    }

    /// The certificates as `x5c` carries them.
    pub fn x5c(&self) -> Vec<String> {
        self.pem.x5c()
    }

    /// Signs an assertion (see [`CertificatePem::signing_input`]).
    pub fn assertion(
        &self,
        client_id: &str,
        audience: &str,
        now: u64,
        assertion_id: &str,
        send_x5c: bool,
    ) -> Result<ClientAssertion> {
        let signing_input =
            self.pem
                .signing_input(client_id, audience, now, assertion_id, send_x5c);
        let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(self.key.clone());
        let signature = signer
            .try_sign(signing_input.as_bytes())
            .map_err(|e| Error::Config(format!("Signing the client assertion failed: {e}")))?;
        Ok(signed_assertion(&signing_input, &signature.to_bytes()))
    }
}

/// An assertion's `jti`: a version-4 UUID (as MSAL's `uuid4()`) from 16 random bytes the driver
/// draws, so the protocol stays free of a random source.
pub fn assertion_id(random: [u8; 16]) -> String {
    let mut b = random;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The SHA-1 thumbprint of a DER certificate as `x5t` carries it (MSAL's padded base64url).
pub fn x5t_of(certificate_der: &[u8]) -> String {
    URL_SAFE.encode(Sha1::digest(certificate_der))
}

#[cfg(test)]
mod tests {
    use rsa::RsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;

    use super::*;

    const PEM: &str = include_str!("../../tests/fixtures/service-principal/cert.pem");
    const CERT_DER_SHA1_HEX: &str =
        include_str!("../../tests/fixtures/service-principal/cert.sha1");
    const PUBLIC_KEY_PEM: &str = include_str!("../../tests/fixtures/service-principal/public.pem");

    fn part(jwt: &str, i: usize) -> Value {
        let seg = jwt.split('.').nth(i).unwrap_or_default();
        let bytes = URL_SAFE_NO_PAD.decode(seg).unwrap_or_default();
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }

    fn verify(jwt: &str) -> bool {
        let public = pem::parse(PUBLIC_KEY_PEM).expect("public key PEM");
        let key = RsaPublicKey::from_public_key_der(public.contents()).expect("SPKI");
        let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
        let Some((input, sig)) = jwt.rsplit_once('.') else {
            return false;
        };
        let Ok(sig) = URL_SAFE_NO_PAD.decode(sig) else {
            return false;
        };
        let Ok(sig) = rsa::pkcs1v15::Signature::try_from(sig.as_slice()) else {
            return false;
        };
        verifier.verify(input.as_bytes(), &sig).is_ok()
    }

    #[test]
    fn assertion_is_rs256_signed_by_the_certificate_key() {
        let cred = CertificateCredential::from_pem(PEM.as_bytes(), "cert.pem").expect("parses");
        let endpoint = "https://login.example/tenant/oauth2/v2.0/token";
        let jwt = cred
            .assertion("app-id", endpoint, 1_000, "jti-1", false)
            .expect("signs");
        let jwt = jwt.secret();
        assert!(verify(jwt), "signature verifies with the public key");
        let header = part(jwt, 0);
        assert_eq!(
            header,
            json!({"alg": "RS256", "typ": "JWT", "x5t": cred.thumbprint()})
        );
        assert_eq!(
            part(jwt, 1),
            json!({"aud": endpoint, "iss": "app-id", "sub": "app-id", "exp": 1_600, "iat": 1_000, "jti": "jti-1"})
        );
        // An edited payload no longer verifies.
        let mut parts: Vec<&str> = jwt.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(r#"{"aud":"x"}"#);
        parts[1] = &forged;
        assert!(!verify(&parts.join(".")));
    }

    #[test]
    fn assertion_id_is_a_version_4_uuid_of_the_random_bytes() {
        assert_eq!(
            assertion_id([0; 16]),
            "00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(
            assertion_id([0xff; 16]),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        let bytes: [u8; 16] = std::array::from_fn(|i| (i as u8) * 17);
        assert_eq!(assertion_id(bytes), "00112233-4455-4677-8899-aabbccddeeff");
    }

    #[test]
    fn a_pkcs1_key_is_wrapped_into_the_same_pkcs8_and_signs() {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        let blocks = pem::parse_many(PEM).expect("pem");
        let pkcs8 = blocks
            .iter()
            .find(|b| b.tag() == "PRIVATE KEY")
            .expect("key")
            .contents();
        let key = RsaPrivateKey::from_pkcs8_der(pkcs8).expect("rsa");
        let pkcs1 = key.to_pkcs1_der().expect("pkcs1");
        let certificate = &PEM[PEM.find("-----BEGIN CERTIFICATE-----").expect("cert")..];
        let text = format!(
            "{}{certificate}",
            pem::encode(&pem::Pem::new("RSA PRIVATE KEY", pkcs1.as_bytes()))
        );
        let parsed = CertificatePem::parse(text.as_bytes(), "rsa.pem").expect("parses");
        // OpenSSL's PKCS#8 of an RSA key is exactly this wrapping (two-byte DER lengths here).
        assert_eq!(parsed.private_key_pkcs8(), pkcs8);
        let cred = CertificateCredential::from_pem(text.as_bytes(), "rsa.pem").expect("parses");
        let jwt = cred.assertion("a", "b", 1, "j", false).expect("signs");
        assert!(verify(jwt.secret()));
        assert_eq!(der_length(5), [5]);
        assert_eq!(der_length(0x80), [0x81, 0x80]);
        assert_eq!(der_length(0x1234), [0x82, 0x12, 0x34]);
    }

    #[test]
    fn thumbprint_is_the_sha1_of_the_der_certificate() {
        let cred = CertificateCredential::from_pem(PEM.as_bytes(), "cert.pem").expect("parses");
        let hex: String = URL_SAFE
            .decode(cred.thumbprint())
            .expect("base64url")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        // `openssl x509 -fingerprint -sha1` of the fixture, lower-cased without colons.
        assert_eq!(hex, CERT_DER_SHA1_HEX.trim());
        assert_eq!(cred.thumbprint().len(), 28);
        assert!(cred.thumbprint().ends_with('='));
    }

    #[test]
    fn sn_issuer_adds_the_public_certificate_chain() {
        let cred = CertificateCredential::from_pem(PEM.as_bytes(), "cert.pem").expect("parses");
        let jwt = cred
            .assertion("app-id", "aud", 5, "j", true)
            .expect("signs");
        let header = part(jwt.secret(), 0);
        let x5c = header["x5c"].as_array().expect("x5c");
        assert_eq!(x5c.len(), 1);
        let der = STANDARD
            .decode(x5c[0].as_str().unwrap_or_default())
            .expect("b64");
        assert_eq!(x5t_of(&der), cred.thumbprint());
        assert!(verify(jwt.secret()));
    }

    #[test]
    fn bad_files_are_usage_errors_naming_the_file() {
        let key_only: String = PEM
            .split("-----BEGIN CERTIFICATE-----")
            .next()
            .unwrap_or_default()
            .to_string();
        for (text, what) in [
            ("not a pem", "has no private key"),
            (key_only.as_str(), "has no certificate"),
        ] {
            let err = CertificateCredential::from_pem(text.as_bytes(), "/tmp/x.pem")
                .expect_err("rejected");
            assert_eq!(err.code(), "usage_error");
            let message = err.to_string();
            assert!(message.contains("'/tmp/x.pem'"), "{message}");
            assert!(message.contains(what), "{message}");
        }
        let debug = format!(
            "{:?}",
            CertificateCredential::from_pem(PEM.as_bytes(), "c").expect("parses")
        );
        assert!(!debug.contains("PRIVATE"), "{debug}");
        // Nor any piece of the key's base64 body: every 16 characters of each line are looked for.
        let key_body: Vec<&str> = PEM
            .split("-----BEGIN PRIVATE KEY-----")
            .nth(1)
            .and_then(|rest| rest.split("-----END PRIVATE KEY-----").next())
            .expect("the fixture has a PKCS#8 key")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert!(key_body.len() > 20, "{key_body:?}");
        for line in key_body {
            for piece in line.as_bytes().windows(16) {
                let piece = std::str::from_utf8(piece).expect("base64 is ASCII");
                assert!(!debug.contains(piece), "{piece} in {debug}");
            }
        }
    }
}
