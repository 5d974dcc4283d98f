//! Error answers shaped like Entra ID's and ARM's, so clients parse them exactly as they parse
//! the real ones.

use serde_json::{Value, json};

use super::message::EmuResponse;
use super::scenario::ErrorSpec;

/// The app id of "Windows Azure Service Management API", which Entra names in MFA errors for
/// ARM tokens (as in the reference example's AADSTS50076 text).
pub(crate) const ARM_APP_ID: &str = "797f4846-ba00-4fd7-ba43-dac1f8f63013";

/// An Entra error before the per-request ids are stamped on it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Failure {
    pub(crate) status: u16,
    pub(crate) error: String,
    pub(crate) code: u64,
    pub(crate) text: String,
    pub(crate) suberror: Option<String>,
    pub(crate) claims: Option<String>,
}

/// The per-request values every Entra error carries.
pub(crate) struct Stamp<'a> {
    pub(crate) trace_id: &'a str,
    pub(crate) correlation_id: &'a str,
    /// `YYYY-MM-DD HH:MM:SSZ`.
    pub(crate) timestamp: &'a str,
    pub(crate) base_url: &'a str,
}

impl Failure {
    pub(crate) fn new(error: &str, code: u64, text: impl Into<String>) -> Self {
        Self {
            status: 400,
            error: error.to_string(),
            code,
            text: text.into(),
            suberror: None,
            claims: None,
        }
    }

    /// The error a scenario injects.
    pub(crate) fn injected(spec: &ErrorSpec) -> Self {
        Self::new(&spec.error, spec.code, spec.description.clone())
    }

    fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// The description Entra sends: `AADSTSn: text Trace ID: … Correlation ID: … Timestamp: …`.
    pub(crate) fn description(&self, stamp: &Stamp<'_>) -> String {
        let prefix = format!("AADSTS{}:", self.code);
        let text = if self.text.starts_with("AADSTS") {
            self.text.clone()
        } else {
            format!("{prefix} {}", self.text)
        };
        format!(
            "{text} Trace ID: {} Correlation ID: {} Timestamp: {}",
            stamp.trace_id, stamp.correlation_id, stamp.timestamp
        )
    }

    /// The JSON body, in Entra's key order.
    pub(crate) fn body(&self, stamp: &Stamp<'_>) -> Value {
        let mut body = json!({
            "error": self.error,
            "error_description": self.description(stamp),
            "error_codes": [self.code],
            "timestamp": stamp.timestamp,
            "trace_id": stamp.trace_id,
            "correlation_id": stamp.correlation_id,
            "error_uri": format!("{}/error?code={}", stamp.base_url, self.code),
        });
        if let Some(obj) = body.as_object_mut() {
            if let Some(s) = &self.suberror {
                obj.insert("suberror".into(), json!(s));
            }
            if let Some(c) = &self.claims {
                obj.insert("claims".into(), json!(c));
            }
        }
        body
    }

    pub(crate) fn response(&self, stamp: &Stamp<'_>) -> EmuResponse {
        EmuResponse::json_status(self.status, &self.body(stamp))
    }

    pub(crate) fn tenant_not_found(error: &str, tenant: &str) -> Self {
        Self::new(
            error,
            90002,
            format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are \
                 signing into the correct cloud. Check with your subscription administrator, this may \
                 happen if there are no active subscriptions for the tenant."
            ),
        )
    }

    pub(crate) fn missing_parameter(name: &str) -> Self {
        Self::new(
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }

    pub(crate) fn unsupported_grant_type(grant: &str) -> Self {
        Self::new(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{grant}'."),
        )
    }

    pub(crate) fn unknown_client(client_id: &str, directory: &str) -> Self {
        Self::new(
            "unauthorized_client",
            700016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{directory}'. \
                 This can happen if the application has not been installed by the administrator of the \
                 tenant or consented to by any user in the tenant. You may have sent your \
                 authentication request to the wrong tenant."
            ),
        )
    }

    pub(crate) fn bad_credentials() -> Self {
        Self::new(
            "invalid_grant",
            50126,
            "Error validating credentials due to invalid username or password.",
        )
    }

    pub(crate) fn unknown_user(directory: &str) -> Self {
        Self::new(
            "invalid_grant",
            50034,
            format!(
                "The user account {{EmailHidden}} does not exist in the '{directory}' directory. To sign \
                 into this application, the account must be added to the directory."
            ),
        )
    }

    pub(crate) fn not_a_member(home: &str, tenant: &str, client_id: &str) -> Self {
        Self::new(
            "invalid_grant",
            50020,
            format!(
                "User account '{{EmailHidden}}' from identity provider 'https://sts.windows.net/{home}/' \
                 does not exist in tenant '{tenant}' and cannot access the application \
                 '{client_id}'({client_id}) in that tenant. The account needs to be added as an \
                 external user in the tenant first. Sign out and sign in again with a different \
                 Microsoft Entra user account."
            ),
        )
    }

    /// AADSTS50076, worded as in the reference example, with Entra's suberror and a claims
    /// challenge naming a conditional access policy.
    pub(crate) fn mfa_required(resource_app: &str, policy_id: &str) -> Self {
        let mut f = Self::new(
            "invalid_grant",
            50076,
            format!(
                "Due to a configuration change made by your administrator, or because you moved to a \
                 new location, you must use multi-factor authentication to access '{resource_app}'."
            ),
        );
        f.suberror = Some("basic_action".into());
        f.claims = Some(
            json!({"access_token": {"capolids": {"essential": true, "values": [policy_id]}}})
                .to_string(),
        );
        f
    }

    pub(crate) fn invalid_refresh_token() -> Self {
        Self::new(
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid.",
        )
    }

    pub(crate) fn incompatible_scopes(scope: &str) -> Self {
        Self::new(
            "invalid_scope",
            70011,
            format!(
                "The provided value for the input parameter 'scope' is not valid. One or more scopes in \
                 '{scope}' are not compatible with each other."
            ),
        )
    }

    pub(crate) fn authorization_pending() -> Self {
        Self::new(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        )
    }

    pub(crate) fn slow_down() -> Self {
        Self::new(
            "slow_down",
            70016,
            "OAuth 2.0 device flow error. Polling too frequently; wait for the interval before polling again.",
        )
    }

    pub(crate) fn authorization_declined() -> Self {
        Self::new(
            "authorization_declined",
            70000,
            "The end user declined the authorization request.",
        )
    }

    pub(crate) fn device_code_expired() -> Self {
        Self::new(
            "expired_token",
            70020,
            "The provided value for the input parameter 'device_code' is not valid. This device code \
             has expired.",
        )
    }

    pub(crate) fn bad_verification_code() -> Self {
        Self::new(
            "bad_verification_code",
            70018,
            "The provided value for the input parameter 'device_code' is not valid.",
        )
    }

    pub(crate) fn code_redeemed() -> Self {
        Self::new(
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or \
             use an existing refresh token.",
        )
    }

    pub(crate) fn code_invalid() -> Self {
        Self::new(
            "invalid_grant",
            70008,
            "The provided authorization code or refresh token has expired due to inactivity. Send a \
             new interactive authorization request for this user and resource.",
        )
    }

    pub(crate) fn pkce_mismatch() -> Self {
        Self::new(
            "invalid_grant",
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        )
    }

    pub(crate) fn redirect_mismatch(redirect_uri: &str) -> Self {
        Self::new(
            "invalid_grant",
            50011,
            format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect \
                 URI of the authorization request."
            ),
        )
    }

    pub(crate) fn bad_client_secret(client_id: &str) -> Self {
        Self::new(
            "invalid_client",
            7000215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the \
                 client secret value, not the client secret ID, for a secret added to app '{client_id}'."
            ),
        )
        .with_status(401)
    }

    pub(crate) fn missing_client_secret() -> Self {
        Self::new(
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or \
             'client_secret'.",
        )
        .with_status(401)
    }

    pub(crate) fn client_credentials_scope(scope: &str) -> Self {
        Self::new(
            "invalid_scope",
            1002012,
            format!(
                "The provided value for scope {scope} is not valid. Client credential flows must have a \
                 scope value with /.default suffixed to the resource identifier (application ID URI)."
            ),
        )
    }

    pub(crate) fn login_required() -> Self {
        Self::new(
            "login_required",
            50058,
            "A silent sign-in request was sent but no user is signed in.",
        )
    }

    pub(crate) fn user_cancelled() -> Self {
        Self::new(
            "access_denied",
            65004,
            "User declined to consent to access the app.",
        )
    }
}

/// An ARM error answer: `{"error":{"code","message"}}`.
pub(crate) fn arm_error(status: u16, code: &str, message: &str) -> EmuResponse {
    EmuResponse::json_status(
        status,
        &json!({"error": {"code": code, "message": message}}),
    )
}

#[cfg(test)]
mod tests {
    use super::super::message::object_keys;
    use super::*;

    #[test]
    fn mfa_error_matches_the_reference_wording() {
        let stamp = Stamp {
            trace_id: "69b690bf-1f7b-4337-a483-c9bcbf9517bc",
            correlation_id: "f15c2f66-ff2c-467b-9d6d-738d2876ae5a",
            timestamp: "2026-11-25 02:03:54Z",
            base_url: "https://localhost:8443",
        };
        let f = Failure::mfa_required(ARM_APP_ID, "p");
        // The exact text az printed in the reference example's stderr.txt.
        assert_eq!(
            f.description(&stamp),
            "AADSTS50076: Due to a configuration change made by your administrator, or because you \
             moved to a new location, you must use multi-factor authentication to access \
             '797f4846-ba00-4fd7-ba43-dac1f8f63013'. Trace ID: 69b690bf-1f7b-4337-a483-c9bcbf9517bc \
             Correlation ID: f15c2f66-ff2c-467b-9d6d-738d2876ae5a Timestamp: 2026-11-25 02:03:54Z"
        );
        let body = f.body(&stamp);
        assert_eq!(
            object_keys(&body),
            [
                "error",
                "error_description",
                "error_codes",
                "timestamp",
                "trace_id",
                "correlation_id",
                "error_uri",
                "suberror",
                "claims"
            ]
        );
        assert_eq!(body["error_codes"], json!([50076]));
        assert_eq!(body["error_uri"], "https://localhost:8443/error?code=50076");
        assert_eq!(Failure::bad_client_secret("a").status, 401);
    }
}
