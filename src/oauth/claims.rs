//! Reading JWT claims and `client_info` without verifying signatures, as MSAL does for tokens it
//! just received over TLS from the token endpoint.

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};

/// base64url that accepts input with or without `=` padding (Entra omits it, others add it).
const B64URL_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes lenient base64url.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    B64URL_LENIENT
        .decode(text.trim())
        .map_err(|e| format!("not base64url: {e}"))
}

/// Encodes base64url without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The claims (payload) of a JWT. Errors never include the token.
pub fn decode_jwt_claims(jwt: &str) -> Result<Map<String, Value>, String> {
    let mut parts = jwt.split('.');
    let payload = match (parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(payload), Some(_)) => payload,
        _ => return Err("the token is not a JWT (expected three dot-separated parts)".into()),
    };
    let bytes = base64url_decode(payload)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the token's claims are not a JSON object".into()),
        Err(e) => Err(format!("the token's claims are not JSON: {e}")),
    }
}

/// The sign-in name in ID-token claims: `preferred_username`, else `upn`.
pub fn username(claims: &Map<String, Value>) -> Option<&str> {
    claim_str(claims, "preferred_username").or_else(|| claim_str(claims, "upn"))
}

/// A string claim.
pub fn claim_str<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

/// Entra's `client_info`: the user's object id and home tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientInfo {
    /// The user's object id in the home tenant.
    pub uid: String,
    /// The home tenant id.
    pub utid: String,
}

impl ClientInfo {
    /// Parses base64url JSON `{"uid","utid"}`.
    pub fn parse(encoded: &str) -> Result<ClientInfo, String> {
        let bytes = base64url_decode(encoded)?;
        let v: Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("client_info is not JSON: {e}"))?;
        let field = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("client_info has no '{k}'"))
        };
        Ok(ClientInfo {
            uid: field("uid")?,
            utid: field("utid")?,
        })
    }

    /// The account behind a `home_account_id` (`<uid>.<utid>`), for `X-AnchorMailbox`.
    pub fn from_home_account_id(home_account_id: &str) -> Option<ClientInfo> {
        let (uid, utid) = home_account_id.split_once('.')?;
        Some(ClientInfo {
            uid: uid.to_string(),
            utid: utid.to_string(),
        })
    }

    /// MSAL's `home_account_id`: `<uid>.<utid>`.
    pub fn home_account_id(&self) -> String {
        format!("{}.{}", self.uid, self.utid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        format!("e30.{}.sig", base64url_encode(claims.as_bytes()))
    }

    #[test]
    fn decodes_claims_and_client_info() {
        let c = decode_jwt_claims(&jwt(r#"{"tid":"t","oid":"o","exp":5}"#)).expect("claims");
        assert_eq!(claim_str(&c, "tid"), Some("t"));
        assert_eq!(c.get("exp").and_then(Value::as_u64), Some(5));
        // Padded input is accepted too.
        let padded = format!("e30.{}=.x", base64url_encode(br#"{"a":"bc"}"#));
        assert!(decode_jwt_claims(&padded).is_ok());
        let ci = ClientInfo::parse(&base64url_encode(br#"{"uid":"u1","utid":"t1"}"#)).expect("ci");
        assert_eq!(ci.home_account_id(), "u1.t1");
    }

    #[test]
    fn malformed_tokens_are_errors_without_echoing_the_token() {
        for bad in ["", "abc", "a.b", "a.!!!.c", &jwt("[1]"), &jwt("not json")] {
            let err = decode_jwt_claims(bad).expect_err("must fail");
            assert!(bad.len() < 4 || !err.contains(bad), "{err}");
        }
        assert!(ClientInfo::parse(&base64url_encode(br#"{"uid":"u"}"#)).is_err());
    }
}
