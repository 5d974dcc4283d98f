//! Secret values: redacted in `Debug` and `Display`, readable only through `.secret()`.
//!
//! None of these types implement `PartialEq` or `Serialize`, so a secret cannot be compared by
//! accident in a log line or leak into JSON output; the places that must write one (the token
//! cache, a request body) call `.secret()` on purpose.

use std::fmt;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret value itself.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("<redacted>")
            }
        }
    };
}

secret_type!(
    /// An OAuth access token.
    AccessToken
);
secret_type!(
    /// An OAuth refresh token.
    RefreshToken
);
secret_type!(
    /// An OpenID Connect ID token.
    IdToken
);
secret_type!(
    /// A user's password.
    Password
);
secret_type!(
    /// A service principal's client secret.
    ClientSecret
);
secret_type!(
    /// A client assertion: a signed JWT (certificate) or a federated token standing in for a
    /// client secret.
    ClientAssertion
);
secret_type!(
    /// The device code of a device-code flow (the user code is public, this one is not).
    DeviceCode
);
secret_type!(
    /// An authorization code from a browser redirect.
    AuthorizationCode
);
secret_type!(
    /// The contents of an Azure Arc key file: the proof, sent as `Authorization: Basic`, that
    /// the caller may read the agent's token directory.
    ArcKey
);

/// A PKCE code verifier: used exactly once, so it is neither `Clone` nor `Copy`.
pub struct PkceVerifier(String);

impl PkceVerifier {
    /// Wraps a verifier.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Consumes the verifier, giving its value for the one token request that needs it.
    pub fn into_secret(self) -> String {
        self.0
    }

    /// The verifier's value, to derive the challenge.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let values: Vec<(String, String)> = vec![
            (
                format!("{:?}", AccessToken::new("at-123")),
                format!("{}", AccessToken::new("at-123")),
            ),
            (
                format!("{:?}", RefreshToken::new("rt-123")),
                format!("{}", RefreshToken::new("rt-123")),
            ),
            (
                format!("{:?}", Password::new("pw-123")),
                format!("{}", Password::new("pw-123")),
            ),
            (
                format!("{:?}", ClientSecret::new("cs-123")),
                format!("{}", ClientSecret::new("cs-123")),
            ),
            (
                format!("{:?}", DeviceCode::new("dc-123")),
                format!("{}", DeviceCode::new("dc-123")),
            ),
            (
                format!("{:?}", IdToken::new("id-123")),
                format!("{}", IdToken::new("id-123")),
            ),
            (
                format!("{:?}", AuthorizationCode::new("ac-123")),
                format!("{}", AuthorizationCode::new("ac-123")),
            ),
            (format!("{:?}", PkceVerifier::new("pk-123")), String::new()),
        ];
        for (debug, display) in values {
            assert!(!debug.contains("-123"), "{debug}");
            assert!(debug.contains("<redacted>"), "{debug}");
            assert!(!display.contains("-123"), "{display}");
        }
        assert_eq!(Password::new("pw").secret(), "pw");
    }
}
