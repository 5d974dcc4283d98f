//! The random values of a browser login, derived from bytes the driver draws: the PKCE verifier
//! and its S256 challenge (RFC 7636), the `state` and the `nonce`.

use sha2::{Digest, Sha256};

use crate::oauth::claims::base64url_encode;
use crate::secret::PkceVerifier;

/// The random bytes one browser login needs. The driver fills them; the protocol only derives.
#[derive(Clone)]
pub struct FlowEntropy {
    /// Becomes the `state` (16 bytes, base64url: 22 characters).
    pub state: [u8; 16],
    /// Becomes the PKCE verifier (32 bytes, base64url: 43 characters).
    pub verifier: [u8; 32],
    /// Hashed into the `nonce`.
    pub nonce: [u8; 32],
}

impl std::fmt::Debug for FlowEntropy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The verifier bytes are as secret as the verifier.
        f.write_str("FlowEntropy(<redacted>)")
    }
}

/// The PKCE verifier: base64url of 32 random bytes, 43 characters of `[A-Za-z0-9-_]`, a subset
/// of the unreserved characters RFC 7636 allows.
pub fn verifier(bytes: &[u8; 32]) -> PkceVerifier {
    PkceVerifier::new(base64url_encode(bytes))
}

/// The S256 challenge: base64url(SHA-256(verifier)), no padding.
pub fn challenge_s256(verifier: &PkceVerifier) -> String {
    base64url_encode(&Sha256::digest(verifier.secret().as_bytes()))
}

/// The `state`: base64url of 16 random bytes.
pub fn state(bytes: &[u8; 16]) -> String {
    base64url_encode(bytes)
}

/// The `nonce`: the lower-case hex SHA-256 of a random value, as MSAL sends it.
pub fn nonce(bytes: &[u8; 32]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The verifier octets of RFC 7636 appendix B, for tests.
#[cfg(test)]
pub(crate) const RFC7636_OCTETS: [u8; 32] = [
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
    105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        let v = verifier(&RFC7636_OCTETS);
        assert_eq!(v.secret(), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge_s256(&v),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifier_is_43_unreserved_characters_for_any_bytes() {
        let unreserved = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
        for fill in [0u8, 0xff, 0x3e, 0x3f, 0xfb] {
            let v = verifier(&[fill; 32]);
            assert_eq!(v.secret().len(), 43, "{fill}");
            assert!(v.secret().chars().all(unreserved), "{fill}");
        }
    }

    #[test]
    fn state_and_nonce_shapes() {
        assert_eq!(state(&[0xff; 16]), "_____________________w");
        assert_eq!(state(&[7; 16]).len(), 22);
        // SHA-256 of 32 zero bytes.
        assert_eq!(
            nonce(&[0; 32]),
            "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
        );
        assert_ne!(nonce(&[1; 32]), nonce(&[2; 32]));
    }

    #[test]
    fn debug_hides_the_bytes() {
        let e = FlowEntropy {
            state: [1; 16],
            verifier: [2; 32],
            nonce: [3; 32],
        };
        assert_eq!(format!("{e:?}"), "FlowEntropy(<redacted>)");
    }
}
