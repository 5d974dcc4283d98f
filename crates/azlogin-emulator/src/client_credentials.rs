//! The client-credentials grant: an app proves itself with its secret, with an RS256 assertion
//! signed by a registered certificate (or one trusted by subject name and issuer through
//! `x5c`), or with a federated token from a trusted issuer. The answer is an app-only token.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::RsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use serde_json::{Value, json};

use super::errors::Failure;
use super::message::{EmuResponse, Params};
use super::responder::{Ctx, Responder, entra_timestamp};
use super::scenario::{FederatedCredential, ServicePrincipal, Tenant};
use super::token::Principal;
use super::tokens::{constant_time_eq, derived_guid};

/// The `client_assertion_type` of a JWT client assertion (RFC 7523).
const JWT_BEARER_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

impl Responder {
    /// Client credentials: an app-only token, no refresh token, ID token or client_info.
    pub(super) fn client_credentials_grant(
        &self,
        form: &Params,
        segment: &str,
        client_id: &str,
        ctx: &Ctx,
    ) -> Result<EmuResponse, Failure> {
        let sp = self
            .scenario
            .service_principal(client_id)
            .ok_or_else(|| Failure::unknown_client(client_id, &self.directory_label(segment)))?;
        let tenant = self.admit(segment, client_id, Principal::App(sp))?;
        match (form.get("client_secret"), form.get("client_assertion")) {
            (Some(secret), None) => {
                if sp.secret.is_empty()
                    || !constant_time_eq(sp.secret.as_bytes(), secret.as_bytes())
                {
                    return Err(Failure::bad_client_secret(client_id));
                }
            }
            (None, Some(assertion)) => {
                if form.get("client_assertion_type") != Some(JWT_BEARER_ASSERTION_TYPE) {
                    return Err(Failure::new(
                        "invalid_request",
                        50027,
                        "Invalid client_assertion_type: it must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
                    ));
                }
                self.check_assertion(sp, tenant, segment, assertion, ctx.now())?;
            }
            (Some(_), Some(_)) => {
                return Err(Failure::new(
                    "invalid_request",
                    90111,
                    "The request must contain only one of 'client_assertion' and 'client_secret'.",
                ));
            }
            (None, None) => return Err(Failure::missing_client_secret()),
        }
        let scope = form.required("scope")?;
        let requested: Vec<&str> = scope.split_whitespace().collect();
        // `https://host//.default` names the resource `https://host/`.
        let resource = match requested.as_slice() {
            [one] => one
                .strip_suffix("/.default")
                .ok_or_else(|| Failure::client_credentials_scope(scope))?,
            _ => return Err(Failure::client_credentials_scope(scope)),
        };
        let oid = sp
            .object_id
            .clone()
            .unwrap_or_else(|| derived_guid(&["sp", &sp.client_id]));
        let lifetime = self.scenario.access_token_lifetime_secs;
        let access_token = self.app_access_token(ctx, resource, &tenant.id, &sp.client_id, &oid);
        let body = json!({
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access_token,
        });
        Ok(EmuResponse::json_status(200, &body))
    }

    /// An app-only access token (service principal or managed identity) for `resource`.
    pub(super) fn app_access_token(
        &self,
        ctx: &Ctx,
        resource: &str,
        tenant_id: &str,
        app_id: &str,
        oid: &str,
    ) -> String {
        let now = ctx.now();
        let (aio, uti) = self.token_nonces();
        let sts = format!("https://sts.windows.net/{tenant_id}/");
        let claims = json!({
            "aud": resource,
            "iss": sts,
            "iat": now,
            "nbf": now,
            "exp": now + self.scenario.access_token_lifetime_secs,
            "aio": aio,
            "appid": app_id,
            "appidacr": "1",
            "idp": sts,
            "idtyp": "app",
            "oid": oid,
            "rh": "0.emulator.",
            "sub": oid,
            "tid": tenant_id,
            "uti": uti,
            "ver": "1.0",
        });
        self.key.sign_jwt(&claims)
    }

    /// Checks a client assertion: the app's own certificate assertion (issuer = client id),
    /// else a federated token.
    fn check_assertion(
        &self,
        sp: &ServicePrincipal,
        tenant: &Tenant,
        segment: &str,
        assertion: &str,
        now: u64,
    ) -> Result<(), Failure> {
        let jwt = Jwt::parse(assertion).ok_or_else(malformed)?;
        let iss = jwt.claim("iss").unwrap_or_default();
        if iss.eq_ignore_ascii_case(&sp.client_id) {
            self.check_certificate_assertion(sp, tenant, segment, &jwt, now)
        } else {
            check_federated_token(sp, &jwt, now)
        }
    }

    fn check_certificate_assertion(
        &self,
        sp: &ServicePrincipal,
        tenant: &Tenant,
        segment: &str,
        jwt: &Jwt,
        now: u64,
    ) -> Result<(), Failure> {
        let aud = jwt.claim("aud").unwrap_or_default();
        if !self.is_token_endpoint_of(aud, segment, tenant) {
            return Err(Failure::new(
                "invalid_client",
                700021,
                format!(
                    "Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCreds . Audience: '{aud}'."
                ),
            ));
        }
        if !jwt
            .claim("sub")
            .is_some_and(|s| s.eq_ignore_ascii_case(&sp.client_id))
        {
            return Err(Failure::new(
                "invalid_client",
                700023,
                "Client assertion subject claim does not match the client id.",
            ));
        }
        check_time(jwt, now)?;
        let x5t = jwt.header["x5t"].as_str().unwrap_or_default();
        // Subject name + issuer: the certificate travels in x5c and is trusted by its subject.
        if let Some(leaf) = jwt.header["x5c"][0].as_str()
            && !sp.trusted_subjects.is_empty()
        {
            // MSAL sends each certificate as the PEM body, line breaks included; Entra accepts that.
            let leaf: String = leaf.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let der = STANDARD.decode(leaf).map_err(|_| malformed())?;
            let (subject, key) = certificate_subject_and_key(&der).ok_or_else(malformed)?;
            if !sp.trusted_subjects.iter().any(|s| s == &subject) {
                return Err(unregistered_certificate(x5t));
            }
            if !same_thumbprint(x5t, &x5t_of(&der)) {
                return Err(bad_signature());
            }
            return jwt.verify(&key).then_some(()).ok_or_else(bad_signature);
        }
        let registered = sp
            .certificates
            .iter()
            .flat_map(|text| pem::parse_many(text).unwrap_or_default())
            .filter(|block| block.tag() == "CERTIFICATE");
        for block in registered {
            if same_thumbprint(x5t, &x5t_of(block.contents())) {
                let (_, key) =
                    certificate_subject_and_key(block.contents()).ok_or_else(malformed)?;
                return jwt.verify(&key).then_some(()).ok_or_else(bad_signature);
            }
        }
        Err(unregistered_certificate(x5t))
    }

    /// Whether `aud` is this emulator's token endpoint for the tenant (v2 or v1 path, by the
    /// segment used or the tenant id).
    fn is_token_endpoint_of(&self, aud: &str, segment: &str, tenant: &Tenant) -> bool {
        let Some(rest) = aud
            .strip_suffix("/oauth2/v2.0/token")
            .or_else(|| aud.strip_suffix("/oauth2/token"))
        else {
            return false;
        };
        let Some((base, tenant_part)) = rest.rsplit_once('/') else {
            return false;
        };
        self.is_self_url(base)
            && (tenant_part.eq_ignore_ascii_case(segment)
                || tenant_part.eq_ignore_ascii_case(&tenant.id))
    }
}

/// A federated token is accepted when a credential names its issuer and subject, lists its
/// audience, and the issuer's key signed it, within its lifetime.
fn check_federated_token(sp: &ServicePrincipal, jwt: &Jwt, now: u64) -> Result<(), Failure> {
    let iss = jwt.claim("iss").unwrap_or_default();
    let sub = jwt.claim("sub").unwrap_or_default();
    let aud = jwt.claim("aud").unwrap_or_default();
    let candidates: Vec<&FederatedCredential> = sp
        .federated_credentials
        .iter()
        .filter(|f| f.issuer == iss && f.subject == sub)
        .collect();
    if candidates.is_empty() {
        return Err(Failure::new(
            "invalid_request",
            70021,
            format!(
                "No matching federated identity record found for presented assertion. Assertion Issuer: '{iss}'. Assertion Subject: '{sub}'. Assertion Audience: '{aud}'."
            ),
        ));
    }
    let Some(credential) = candidates
        .into_iter()
        .find(|f| f.audiences.iter().any(|a| a == aud))
    else {
        return Err(Failure::new(
            "invalid_request",
            700212,
            format!(
                "No matching federated identity record found for presented assertion audience '{aud}'."
            ),
        ));
    };
    check_time(jwt, now)?;
    let key = public_key(&credential.issuer_key).ok_or_else(|| {
        Failure::new(
            "invalid_client",
            50166,
            format!("Request to External OIDC endpoint failed: no usable signing key for issuer '{iss}'."),
        )
    })?;
    jwt.verify(&key).then_some(()).ok_or_else(bad_signature)
}

fn check_time(jwt: &Jwt, now: u64) -> Result<(), Failure> {
    let exp = jwt.payload["exp"].as_f64().unwrap_or(0.0) as u64;
    let nbf = jwt.payload["nbf"]
        .as_f64()
        .or_else(|| jwt.payload["iat"].as_f64())
        .unwrap_or(0.0) as u64;
    if exp <= now || nbf > now + 300 {
        return Err(Failure::new(
            "invalid_client",
            700024,
            format!(
                "Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}.",
                entra_timestamp(now),
                entra_timestamp(nbf),
                entra_timestamp(exp)
            ),
        ));
    }
    Ok(())
}

/// A certificate's `x5t`: the base64url SHA-1 of its DER (padding is ignored when compared).
fn x5t_of(certificate_der: &[u8]) -> String {
    use sha1::{Digest, Sha1};
    URL_SAFE_NO_PAD.encode(Sha1::digest(certificate_der))
}

fn same_thumbprint(a: &str, b: &str) -> bool {
    !a.is_empty() && a.trim_end_matches('=') == b.trim_end_matches('=')
}

fn malformed() -> Failure {
    Failure::new(
        "invalid_client",
        50027,
        "JWT token is invalid or malformed.",
    )
}

fn bad_signature() -> Failure {
    Failure::new(
        "invalid_client",
        700027,
        "Client assertion failed signature validation.",
    )
}

fn unregistered_certificate(x5t: &str) -> Failure {
    let hex: String = URL_SAFE_NO_PAD
        .decode(x5t.trim_end_matches('='))
        .unwrap_or_default()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    Failure::new(
        "invalid_client",
        700027,
        format!(
            "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{hex}']"
        ),
    )
}

/// The RSA key of the first PEM public key or certificate in `pem_text`.
fn public_key(pem_text: &str) -> Option<RsaPublicKey> {
    pem::parse_many(pem_text)
        .ok()?
        .iter()
        .find_map(|block| match block.tag() {
            "PUBLIC KEY" => RsaPublicKey::from_public_key_der(block.contents()).ok(),
            "CERTIFICATE" => certificate_subject_and_key(block.contents()).map(|(_, k)| k),
            _ => None,
        })
}

/// A DER certificate's subject (`CN=…`) and RSA key.
fn certificate_subject_and_key(der: &[u8]) -> Option<(String, RsaPublicKey)> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let key = RsaPublicKey::from_public_key_der(cert.public_key().raw).ok()?;
    Some((cert.subject().to_string(), key))
}

/// A decoded JWT and what was signed.
struct Jwt {
    header: Value,
    payload: Value,
    signing_input: String,
    signature: Vec<u8>,
}

impl Jwt {
    fn parse(token: &str) -> Option<Jwt> {
        let (signing_input, signature) = token.rsplit_once('.')?;
        let (header, payload) = signing_input.split_once('.')?;
        let json = |s: &str| -> Option<Value> {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()?).ok()
        };
        Some(Jwt {
            header: json(header)?,
            payload: json(payload)?,
            signing_input: signing_input.to_string(),
            signature: URL_SAFE_NO_PAD.decode(signature).ok()?,
        })
    }

    fn claim(&self, name: &str) -> Option<&str> {
        self.payload[name].as_str()
    }

    /// Whether `key` made the RS256 signature.
    fn verify(&self, key: &RsaPublicKey) -> bool {
        if self.header["alg"] != "RS256" {
            return false;
        }
        let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key.clone());
        rsa::pkcs1v15::Signature::try_from(self.signature.as_slice())
            .is_ok_and(|sig| verifier.verify(self.signing_input.as_bytes(), &sig).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::super::message::EmuRequest;
    use super::super::scenario::Scenario;
    use super::*;
    use azlogin::oauth::client_assertion::CertificateCredential;

    const BASE: &str = "http://127.0.0.1:9";
    const TENANT: &str = "11111111-1111-4111-8111-111111111111";
    const APP: &str = "ce570000-0000-4000-8000-00000000c0de";
    const NOW: u64 = 1_795_572_234;
    const PEM: &str = include_str!("../../../tests/fixtures/service-principal/cert.pem");

    fn responder() -> Responder {
        let mut s = Scenario::default_scenario();
        s.service_principals.push(ServicePrincipal {
            client_id: APP.into(),
            secret: String::new(),
            tenant: TENANT.into(),
            object_id: None,
            certificates: vec![PEM.into()],
            trusted_subjects: Vec::new(),
            federated_credentials: Vec::new(),
        });
        Responder::with_seed(s, BASE, 3)
    }

    fn grant(r: &Responder, assertion: &str, secret: Option<&str>) -> EmuResponse {
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", APP),
            ("scope", "http://127.0.0.1:9//.default"),
            ("client_assertion_type", JWT_BEARER_ASSERTION_TYPE),
            ("client_assertion", assertion),
        ];
        if let Some(s) = secret {
            form.push(("client_secret", s));
        }
        r.handle(
            EmuRequest::post_form(&format!("/{TENANT}/oauth2/v2.0/token"), form),
            NOW * 1000,
        )
    }

    fn assertion(aud: &str, now: u64) -> String {
        let cred = CertificateCredential::from_pem(PEM.as_bytes(), "cert.pem").expect("pem");
        cred.assertion(APP, aud, now, "jti", false)
            .expect("signs")
            .secret()
            .to_string()
    }

    #[test]
    fn a_certificate_assertion_is_checked_for_audience_time_and_signature() {
        let r = responder();
        let endpoint = format!("{BASE}/{TENANT}/oauth2/v2.0/token");
        let ok = grant(&r, &assertion(&endpoint, NOW), None);
        assert_eq!(ok.status, 200, "{}", ok.text());
        assert!(ok.json().get("refresh_token").is_none());
        let code = |resp: EmuResponse| resp.json()["error_codes"][0].as_u64();
        assert_eq!(
            code(grant(
                &r,
                &assertion("https://elsewhere/t/oauth2/v2.0/token", NOW),
                None
            )),
            Some(700021)
        );
        assert_eq!(
            code(grant(&r, &assertion(&endpoint, NOW - 3600), None)),
            Some(700024)
        );
        let good = assertion(&endpoint, NOW);
        let (input, _) = good.rsplit_once('.').expect("jwt");
        let forged = format!("{input}.{}", URL_SAFE_NO_PAD.encode([1u8; 256]));
        assert_eq!(code(grant(&r, &forged, None)), Some(700027));
        assert_eq!(code(grant(&r, "not.a.jwt", None)), Some(50027));
        assert_eq!(code(grant(&r, &good, Some("s"))), Some(90111));
    }
}
