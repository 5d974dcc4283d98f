//! Tokens the emulator mints: JWT-shaped access and ID tokens, self-describing refresh tokens,
//! and `client_info`.
//!
//! Every token carries an HMAC-SHA-256 tag under a key drawn when the emulator starts, so only
//! the emulator that issued a token accepts it, and an edited token is refused. The JWT header
//! says RS256 like Entra's; the signature part is the HMAC tag (clients never verify it).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The `kid` and `x5t` of the emulator's (pretend) signing key.
const KEY_ID: &str = "azlogin-emulator-key";

/// Refresh tokens start like Entra's (`1.A…`), so code that sniffs the prefix is exercised.
const RT_PREFIX: &str = "1.AQ";

/// The secret that tags the emulator's tokens.
#[derive(Clone)]
pub(crate) struct TokenKey([u8; 32]);

impl TokenKey {
    pub(crate) fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// HMAC-SHA-256 of `message` under this key, with a `purpose` label so a tag made for one
    /// kind of token is never valid for another.
    fn tag(&self, purpose: &str, message: &[u8]) -> [u8; 32] {
        let mut data = Vec::with_capacity(purpose.len() + 1 + message.len());
        data.extend_from_slice(purpose.as_bytes());
        data.push(0);
        data.extend_from_slice(message);
        hmac_sha256(&self.0, &data)
    }

    /// A JWT with Entra's header shape, `claims` as payload and an HMAC tag as signature.
    pub(crate) fn sign_jwt(&self, claims: &Value) -> String {
        let header = json!({"typ": "JWT", "alg": "RS256", "x5t": KEY_ID, "kid": KEY_ID});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let sig = self.tag("jwt", signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    /// The claims of a JWT this key signed; `None` for anything else.
    pub(crate) fn verify_jwt(&self, token: &str) -> Option<Value> {
        let (signing_input, sig) = token.rsplit_once('.')?;
        let (_, payload) = signing_input.split_once('.')?;
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        let expected = self.tag("jwt", signing_input.as_bytes());
        if !constant_time_eq(&sig, &expected) {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }

    /// A refresh token carrying `grant`.
    pub(crate) fn seal_refresh_token(&self, grant: &RefreshGrant) -> String {
        let body = serde_json::to_vec(grant).unwrap_or_default();
        let payload = URL_SAFE_NO_PAD.encode(body);
        let tag = self.tag("rt", payload.as_bytes());
        format!("{RT_PREFIX}{payload}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// What a refresh token this key sealed carries; `None` for anything else.
    pub(crate) fn open_refresh_token(&self, token: &str) -> Option<RefreshGrant> {
        let rest = token.strip_prefix(RT_PREFIX)?;
        let (payload, tag) = rest.split_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        if !constant_time_eq(&tag, &self.tag("rt", payload.as_bytes())) {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

/// What a refresh token stands for.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct RefreshGrant {
    /// The user's object id.
    pub(crate) oid: String,
    /// The client it was issued to (any FOCI member may redeem it).
    pub(crate) cid: String,
    /// Tenants where the user completed MFA during the sign-in this grant comes from.
    pub(crate) mfa: Vec<String>,
    /// When the sign-in happened (unix seconds).
    pub(crate) iat: u64,
    /// A random value, so each rotation yields a different token.
    pub(crate) n: String,
}

/// `client_info`: base64url (no padding) of `{"uid","utid"}`.
pub fn client_info(uid: &str, utid: &str) -> String {
    URL_SAFE_NO_PAD.encode(json!({"uid": uid, "utid": utid}).to_string())
}

/// Decodes the claims of any JWT-shaped token without checking it.
pub fn jwt_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// A stable GUID-shaped value derived from `parts`, for ids that must not change between runs
/// (pairwise `sub`, session ids, service principal object ids).
pub(crate) fn derived_guid(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let hex: String = d.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-5{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The `puid` claim: 16 upper-case hex digits derived from the object id.
pub(crate) fn puid(oid: &str) -> String {
    let d = Sha256::digest(oid.as_bytes());
    let hex: String = d.iter().take(6).map(|b| format!("{b:02X}")).collect();
    format!("1003{hex}")
}

pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// RFC 2104 HMAC over SHA-256.
fn hmac_sha256(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, k) in key.iter().enumerate() {
        ipad[i] ^= k;
        opad[i] ^= k;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// Compares secrets without an early exit, so timing does not reveal how much matched.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The PKCE S256 challenge of a verifier.
pub(crate) fn pkce_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> TokenKey {
        TokenKey::new([b; 32])
    }

    #[test]
    fn hmac_matches_rfc4231_shape() {
        // RFC 4231 test case 2 uses a short key; ours is fixed at 32 bytes, so check the
        // construction against an independent computation of the same definition instead.
        let k = [0x0bu8; 32];
        let tag = hmac_sha256(&k, b"Hi There");
        let mut padded = [0u8; 64];
        padded[..32].copy_from_slice(&k);
        let ipad: Vec<u8> = padded.iter().map(|b| b ^ 0x36).collect();
        let opad: Vec<u8> = padded.iter().map(|b| b ^ 0x5c).collect();
        let inner = Sha256::digest([ipad.as_slice(), b"Hi There"].concat());
        let outer = Sha256::digest([opad.as_slice(), inner.as_slice()].concat());
        assert_eq!(tag.as_slice(), outer.as_slice());
        // RFC 4231 test case 2: key "Jefe" zero-padded is the same HMAC as the 4-byte key.
        let mut jefe = [0u8; 32];
        jefe[..4].copy_from_slice(b"Jefe");
        let t = hmac_sha256(&jefe, b"what do ya want for nothing?");
        let hex: String = t.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn jwts_verify_only_under_their_key_and_unedited() {
        let claims = json!({"oid": "o", "tid": "t"});
        let t = key(1).sign_jwt(&claims);
        assert_eq!(key(1).verify_jwt(&t), Some(claims.clone()));
        assert_eq!(key(2).verify_jwt(&t), None);
        let parts: Vec<&str> = t.split('.').collect();
        let forged_payload = URL_SAFE_NO_PAD.encode(json!({"oid": "o", "tid": "x"}).to_string());
        let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert_eq!(key(1).verify_jwt(&forged), None);
        assert_eq!(
            jwt_claims(&forged).and_then(|c| c["tid"].as_str().map(String::from)),
            Some("x".into())
        );
        let header = jwt_claims(&format!("x.{}", parts[0])).expect("header decodes");
        assert_eq!(header["alg"], "RS256");
    }

    #[test]
    fn refresh_tokens_round_trip_and_reject_tampering() {
        let g = RefreshGrant {
            oid: "o".into(),
            cid: "c".into(),
            mfa: vec!["t".into()],
            iat: 5,
            n: "abc".into(),
        };
        let rt = key(1).seal_refresh_token(&g);
        assert!(rt.starts_with("1.AQ"), "{rt}");
        assert_eq!(key(1).open_refresh_token(&rt), Some(g));
        assert_eq!(key(2).open_refresh_token(&rt), None);
        let mut chars: Vec<char> = rt.chars().collect();
        chars[6] = if chars[6] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        assert_eq!(key(1).open_refresh_token(&tampered), None);
        assert_eq!(key(1).open_refresh_token("garbage"), None);
    }

    #[test]
    fn client_info_and_derived_ids() {
        assert_eq!(client_info("u", "t"), "eyJ1aWQiOiJ1IiwidXRpZCI6InQifQ");
        let g = derived_guid(&["a", "b"]);
        assert_eq!(g.len(), 36);
        assert_eq!(g, derived_guid(&["a", "b"]));
        assert_ne!(g, derived_guid(&["ab"]));
        assert_eq!(puid("x").len(), 16);
        // RFC 7636 appendix B.
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
