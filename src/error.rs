//! The one error type of the core, grouped by who is at fault, with stable machine-readable codes.
//!
//! `Display` is the message a user reads (az's wording where az has one); `code()` is the string
//! programs match on, the same in Rust, Node (`err.code`) and wasm.

use std::fmt;
use std::path::PathBuf;

/// AADSTS codes that mean "a person must complete multi-factor authentication".
const MFA_CODES: &[u64] = &[50076, 50079, 50158, 50074, 530003];

/// An error answer from Microsoft Entra ID, kept as data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerError {
    /// The OAuth `error` value, e.g. `invalid_grant`.
    pub error: String,
    /// The human text, normally starting with `AADSTSnnnnn:`.
    pub error_description: String,
    /// The AADSTS numbers.
    pub error_codes: Vec<u64>,
    /// Entra's `suberror`, e.g. `basic_action`.
    pub suberror: Option<String>,
    /// The server's trace id.
    pub trace_id: Option<String>,
    /// The correlation id of the request.
    pub correlation_id: Option<String>,
    /// A claims challenge to pass to the next interactive login.
    pub claims: Option<String>,
    /// The HTTP status of the answer.
    pub status: u16,
}

impl ServerError {
    /// Whether the answer says a person must complete multi-factor authentication.
    pub fn is_mfa(&self) -> bool {
        self.error_codes.iter().any(|c| MFA_CODES.contains(c))
    }

    /// Whether only an interactive login can fix this (MFA, consent, expired or revoked grant).
    pub fn needs_interaction(&self) -> bool {
        self.is_mfa() || self.error == "interaction_required" || self.error == "invalid_grant"
    }

    /// The text az shows for this answer: the description, else the error code.
    pub fn message(&self) -> &str {
        if self.error_description.is_empty() {
            &self.error
        } else {
            &self.error_description
        }
    }
}

/// Everything that can go wrong in azlogin.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user asked for something that cannot be done as asked (flags, names, config values).
    #[error("{0}")]
    Usage(String),
    /// A configuration value or cloud definition is wrong.
    #[error("{0}")]
    Config(String),
    /// The network failed before an answer came (DNS, connect, TLS, read timeout).
    #[error("Failed to reach {endpoint}: {message}")]
    Transport {
        /// The URL without query.
        endpoint: String,
        /// What failed.
        message: String,
    },
    /// Entra ID answered with an error.
    #[error("{}", .0.message())]
    Server(Box<ServerError>),
    /// Entra ID requires multi-factor authentication for this tenant or user.
    #[error("{}", .0.message())]
    MfaRequired(Box<ServerError>),
    /// A server's answer could not be understood.
    #[error("Invalid response from {endpoint}: {message}")]
    InvalidResponse {
        /// The URL without query.
        endpoint: String,
        /// What was wrong with it.
        message: String,
    },
    /// An ARM call failed with an HTTP error.
    #[error("{message}")]
    Arm {
        /// The HTTP status.
        status: u16,
        /// ARM's error code and message, or the status line.
        message: String,
    },
    /// The browser redirect carried a `state` that is not ours.
    #[error("State mismatch. The login was not started by this process.")]
    StateMismatch,
    /// The ID token's `nonce` differs from the one sent.
    #[error("The ID token's nonce does not match the login request.")]
    NonceMismatch,
    /// A wait ran past its limit.
    #[error("{0}")]
    Timeout(String),
    /// The caller cancelled the operation.
    #[error("The operation was cancelled.")]
    Cancelled,
    /// The device code expired before the user finished signing in (the server's answer, or
    /// `None` when the local clock passed `expires_in` first).
    #[error("{}", .0.as_deref().map(ServerError::message).unwrap_or("The device code expired before the sign-in was completed. Run the login again."))]
    DeviceCodeExpired(Option<Box<ServerError>>),
    /// The user declined the sign-in.
    #[error("{}", .0.message())]
    AuthorizationDeclined(Box<ServerError>),
    /// The login succeeded but found nothing to use.
    #[error("No subscriptions found for {0}.")]
    NoSubscriptions(String),
    /// No stored account can serve the request.
    #[error("{0}")]
    NoAccount(String),
    /// A subscription or tenant named by the user does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A file in the config dir could not be parsed; it was left untouched.
    #[error("Failed to parse file '{}': {}. The file was left unchanged; fix or remove it, then run the command again.", path.display(), message.trim_end_matches('.'))]
    CorruptFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A protected secret file (`msal_token_cache.bin`, `service_principal_entries.bin`) does
    /// not decrypt for this user; it was left untouched.
    #[error("Cannot decrypt '{}' ({}): it is not protected for this Windows user on this machine (another user or machine wrote it, or it is damaged). The file was left unchanged. Run the command as the user who wrote it, or move the file away and sign in again (`azlogin login` or `az login`).", path.display(), reason.trim_end_matches('.'))]
    Undecryptable {
        /// The file.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// Reading, writing or locking a file failed.
    #[error("{}: {message}", path.display())]
    Store {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// A silent token request needs a person: az's recommendation is attached.
    #[error("{message}")]
    InteractionRequired {
        /// The server's description, or why the cache cannot help.
        message: String,
        /// az's recommendation block (the `az login` command to run).
        recommendation: String,
        /// The server answer behind it, when there was one.
        server: Option<Box<ServerError>>,
    },
}

/// Every [`Error::code`], once: the TypeScript unions of both JavaScript packages are tested
/// against this list (the addon's `errorCodes()` and the wasm package's `errorCodes()`).
pub const ERROR_CODES: &[&str] = &[
    "usage_error",
    "config_error",
    "transport_error",
    "server_error",
    "mfa_required",
    "invalid_response",
    "arm_error",
    "state_mismatch",
    "nonce_mismatch",
    "timeout",
    "cancelled",
    "device_code_expired",
    "authorization_declined",
    "no_subscriptions",
    "no_account",
    "not_found",
    "corrupt_file",
    "store_error",
    "undecryptable_file",
    "interaction_required",
];

impl Error {
    /// The stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Usage(_) => "usage_error",
            Error::Config(_) => "config_error",
            Error::Transport { .. } => "transport_error",
            Error::Server(_) => "server_error",
            Error::MfaRequired(_) => "mfa_required",
            Error::InvalidResponse { .. } => "invalid_response",
            Error::Arm { .. } => "arm_error",
            Error::StateMismatch => "state_mismatch",
            Error::NonceMismatch => "nonce_mismatch",
            Error::Timeout(_) => "timeout",
            Error::Cancelled => "cancelled",
            Error::DeviceCodeExpired(_) => "device_code_expired",
            Error::AuthorizationDeclined(_) => "authorization_declined",
            Error::NoSubscriptions(_) => "no_subscriptions",
            Error::NoAccount(_) => "no_account",
            Error::NotFound(_) => "not_found",
            Error::CorruptFile { .. } => "corrupt_file",
            Error::Store { .. } => "store_error",
            Error::Undecryptable { .. } => "undecryptable_file",
            Error::InteractionRequired { .. } => "interaction_required",
        }
    }

    /// The Entra answer behind this error, when there is one.
    pub fn server_error(&self) -> Option<&ServerError> {
        match self {
            Error::Server(e) | Error::MfaRequired(e) | Error::AuthorizationDeclined(e) => Some(e),
            Error::DeviceCodeExpired(e) => e.as_deref(),
            Error::InteractionRequired { server, .. } => server.as_deref(),
            _ => None,
        }
    }

    /// Turns an Entra answer into the right kind: MFA answers become [`Error::MfaRequired`].
    pub fn from_server(e: ServerError) -> Error {
        if e.is_mfa() {
            Error::MfaRequired(Box::new(e))
        } else {
            Error::Server(Box::new(e))
        }
    }

    /// A store error for `path`.
    pub fn store(path: impl Into<PathBuf>, message: impl fmt::Display) -> Error {
        Error::Store {
            path: path.into(),
            message: message.to_string(),
        }
    }

    /// An invalid-response error for `endpoint`. The message often quotes the answer, so its
    /// control characters are replaced ([`terminal_safe`]).
    pub fn invalid_response(endpoint: impl Into<String>, message: impl fmt::Display) -> Error {
        Error::InvalidResponse {
            endpoint: endpoint.into(),
            message: terminal_safe(&message.to_string()).into_owned(),
        }
    }
}

impl Error {
    /// What az prints after the error (its recommendation block), when it prints one: the
    /// login command for anything Entra refused.
    pub fn recommendation(&self) -> Option<String> {
        match self {
            Error::InteractionRequired { recommendation, .. } => Some(recommendation.clone()),
            // az (`aad_error_handler`) says this instead of the login command for a bad secret.
            e if e
                .server_error()
                .is_some_and(|s| s.error_codes.contains(&INVALID_CLIENT_SECRET)) =>
            {
                Some(PASSWORD_CERTIFICATE_WARNING.to_string())
            }
            e if e.server_error().is_some() => Some(login_recommendation(None, &[], None)),
            _ => None,
        }
    }
}

/// AADSTS7000215: an invalid client secret.
const INVALID_CLIENT_SECRET: u64 = 7000215;

/// az's recommendation after AADSTS7000215 (a certificate passed as `--password` looks like a
/// wrong secret).
pub const PASSWORD_CERTIFICATE_WARNING: &str = "The error may be caused by passing a service principal certificate with --password. Please note that --password no longer accepts a service principal certificate. To pass a service principal certificate, use --certificate instead.";

/// az's recommendation after a silent failure that needs a person.
pub fn login_recommendation(
    tenant: Option<&str>,
    scopes: &[String],
    claims_challenge: Option<&str>,
) -> String {
    let mut command = String::from("az login");
    if let Some(t) = tenant {
        command.push_str(&format!(" --tenant \"{t}\""));
    }
    if !scopes.is_empty() {
        command.push_str(" --scope");
        for s in scopes {
            command.push_str(&format!(" \"{s}\""));
        }
    }
    if let Some(c) = claims_challenge {
        command.push_str(&format!(" --claims-challenge \"{c}\""));
    }
    format!(
        "Run the command below to authenticate interactively; additional arguments may be added as needed:\naz logout\n{command}"
    )
}

/// The result type of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What stands in for a terminal control character in server text.
pub const CONTROL_REPLACEMENT: char = '\u{FFFD}';

/// `text` with every terminal control character replaced by U+FFFD, for text a server sent
/// (Entra and ARM error messages, a failed answer's body) that goes into an error message and
/// so onto a terminal: C0 controls except `\n`, `\r` and `\t` (ESC starts the sequences that
/// move the cursor, recolour, retitle the window or rewrite the screen), DEL, and the C1
/// controls U+0080 to U+009F (U+009B is a one-character CSI). Text without them, such as every
/// ordinary Entra message with its `\r\n`, comes back borrowed and byte for byte the same.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if is_terminal_control(c) {
                    CONTROL_REPLACEMENT
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// Whether `c` is a control character a terminal acts on, other than `\n`, `\r` and `\t`.
fn is_terminal_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One value of every variant; the match is exhaustive, so a new variant fails to compile
    /// here until it is listed (and its code checked against [`ERROR_CODES`]).
    fn one_of_each() -> Vec<Error> {
        let server = || Box::new(ServerError::default());
        let all = vec![
            Error::Usage(String::new()),
            Error::Config(String::new()),
            Error::Transport {
                endpoint: String::new(),
                message: String::new(),
            },
            Error::Server(server()),
            Error::MfaRequired(server()),
            Error::InvalidResponse {
                endpoint: String::new(),
                message: String::new(),
            },
            Error::Arm {
                status: 500,
                message: String::new(),
            },
            Error::StateMismatch,
            Error::NonceMismatch,
            Error::Timeout(String::new()),
            Error::Cancelled,
            Error::DeviceCodeExpired(None),
            Error::AuthorizationDeclined(server()),
            Error::NoSubscriptions(String::new()),
            Error::NoAccount(String::new()),
            Error::NotFound(String::new()),
            Error::CorruptFile {
                path: PathBuf::new(),
                message: String::new(),
            },
            Error::Store {
                path: PathBuf::new(),
                message: String::new(),
            },
            Error::Undecryptable {
                path: PathBuf::new(),
                reason: String::new(),
            },
            Error::InteractionRequired {
                message: String::new(),
                recommendation: String::new(),
                server: None,
            },
        ];
        for e in &all {
            match e {
                Error::Usage(_)
                | Error::Config(_)
                | Error::Transport { .. }
                | Error::Server(_)
                | Error::MfaRequired(_)
                | Error::InvalidResponse { .. }
                | Error::Arm { .. }
                | Error::StateMismatch
                | Error::NonceMismatch
                | Error::Timeout(_)
                | Error::Cancelled
                | Error::DeviceCodeExpired(_)
                | Error::AuthorizationDeclined(_)
                | Error::NoSubscriptions(_)
                | Error::NoAccount(_)
                | Error::NotFound(_)
                | Error::CorruptFile { .. }
                | Error::Store { .. }
                | Error::Undecryptable { .. }
                | Error::InteractionRequired { .. } => {}
            }
        }
        all
    }

    #[test]
    fn error_codes_lists_every_code_once() {
        let codes: Vec<&str> = one_of_each().iter().map(Error::code).collect();
        assert_eq!(codes, ERROR_CODES);
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ERROR_CODES.len());
    }

    #[test]
    fn recommendation_names_tenant_scope_and_claims() {
        assert_eq!(
            login_recommendation(Some("t1"), &["https://m//.default".to_string()], None),
            "Run the command below to authenticate interactively; additional arguments may be added as needed:\naz logout\naz login --tenant \"t1\" --scope \"https://m//.default\""
        );
        assert!(
            login_recommendation(None, &[], Some("e30="))
                .ends_with("\naz login --claims-challenge \"e30=\"")
        );
        let server = Error::from_server(ServerError {
            error: "invalid_grant".into(),
            ..ServerError::default()
        });
        assert!(
            server
                .recommendation()
                .is_some_and(|r| r.ends_with("\naz logout\naz login"))
        );
        assert_eq!(Error::Cancelled.recommendation(), None);
    }

    #[test]
    fn terminal_safe_replaces_control_characters_only() {
        let ordinary = "AADSTS50126: Error validating credentials due to invalid username or password.\r\nTrace ID: 0f4a\r\nCorrelation ID: 9c1e\tTimestamp: 2026-11-25 02:03:54Z";
        assert!(matches!(
            terminal_safe(ordinary),
            std::borrow::Cow::Borrowed(t) if t == ordinary
        ));
        for kept in [
            "",
            "Café ☕ – “quoted” \u{FFFD} \u{A0} 日本語",
            "a\nb\rc\td",
        ] {
            assert_eq!(terminal_safe(kept), kept);
        }
        assert_eq!(
            terminal_safe("red \x1b[31mALERT\x1b[0m \x1b]0;pwned\x07 \u{9b}2J"),
            "red \u{FFFD}[31mALERT\u{FFFD}[0m \u{FFFD}]0;pwned\u{FFFD} \u{FFFD}2J"
        );
        assert_eq!(
            terminal_safe("\0\x08\x0b\x0c\x0e\x1f\x7f\u{80}\u{9f}"),
            "\u{FFFD}".repeat(9)
        );
        // The neighbours of the replaced ranges are kept.
        assert_eq!(terminal_safe(" ~\u{A0}"), " ~\u{A0}");
    }

    #[test]
    fn mfa_answers_become_mfa_required() {
        let e = Error::from_server(ServerError {
            error: "invalid_grant".into(),
            error_description: "AADSTS50076: Due to a configuration change".into(),
            error_codes: vec![50076],
            ..ServerError::default()
        });
        assert_eq!(e.code(), "mfa_required");
        assert_eq!(e.to_string(), "AADSTS50076: Due to a configuration change");
        let other = Error::from_server(ServerError {
            error: "invalid_client".into(),
            error_codes: vec![7000215],
            ..ServerError::default()
        });
        assert_eq!(other.code(), "server_error");
        assert_eq!(other.to_string(), "invalid_client");
    }
}
