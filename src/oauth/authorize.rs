//! The browser (authorization code + PKCE) login, sans I/O: the authorize URL, what to answer
//! each request that reaches the loopback redirect URI, the code redemption and the nonce check.

use crate::error::{Error, Result, ServerError, terminal_safe};
use crate::http::HttpRequest;
use crate::oauth::claims::{ClientInfo, claim_str, decode_jwt_claims};
use crate::oauth::decorate_scopes;
use crate::oauth::landing::{self, NOT_THE_REDIRECT, QUERY_REFUSED, STATE_MISMATCH, SUCCESS_PAGE};
use crate::oauth::loopback::{LoopbackRequest, LoopbackResponse};
use crate::oauth::pkce::{self, FlowEntropy};
use crate::oauth::token::{TokenContext, TokenResponse};
use crate::secret::{AuthorizationCode, PkceVerifier};

/// The grant type az's cache records for a browser login (`account_source`).
pub const AUTHORIZATION_CODE_GRANT: &str = "authorization_code";

/// One browser login in progress: what was sent, so the answer can be checked.
#[derive(Debug)]
pub struct BrowserFlow {
    ctx: TokenContext,
    scopes: Vec<String>,
    redirect_uri: String,
    state: String,
    nonce: String,
    challenge: String,
}

/// What the driver does with one loopback request: send `response`, close, then act on
/// `outcome`.
#[derive(Debug)]
pub struct Reply {
    /// The answer to send before closing the connection.
    pub response: LoopbackResponse,
    /// What the login does next.
    pub outcome: RedirectOutcome,
}

/// The login's next step after a loopback request.
#[derive(Debug)]
pub enum RedirectOutcome {
    /// Not the answer (or not ours): keep listening.
    KeepWaiting,
    /// The code arrived with the right state: stop listening and redeem it.
    Code(CodeAnswer),
    /// Entra answered with an error for this login.
    Failed(Error),
}

/// The authorization code and the account it is for, from the form_post answer.
#[derive(Debug)]
pub struct CodeAnswer {
    /// The code.
    pub code: AuthorizationCode,
    /// The answer's `client_info`, when Entra sent one (it anchors the redemption).
    pub client_info: Option<ClientInfo>,
}

impl BrowserFlow {
    /// Starts a login whose redirect URI is `http://localhost:{port}` (no path, as az).
    /// Returns the flow and the PKCE verifier, which only the redemption consumes.
    pub fn new(
        ctx: TokenContext,
        scopes: &[String],
        port: u16,
        entropy: &FlowEntropy,
    ) -> (Self, PkceVerifier) {
        let verifier = pkce::verifier(&entropy.verifier);
        let flow = Self {
            ctx,
            scopes: scopes.to_vec(),
            redirect_uri: format!("http://localhost:{port}"),
            state: pkce::state(&entropy.state),
            nonce: pkce::nonce(&entropy.nonce),
            challenge: pkce::challenge_s256(&verifier),
        };
        (flow, verifier)
    }

    /// The redirect URI sent in the authorize request and the redemption.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The authorization endpoint without a query: what az's "A web browser has been opened at"
    /// line names.
    pub fn authorize_endpoint(&self) -> String {
        self.ctx.authority.authorize_endpoint()
    }

    /// The full authorize URL to open in the browser.
    pub fn authorize_url(&self) -> String {
        let scope = decorate_scopes(&self.scopes);
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("client_id", &self.ctx.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", &scope)
            .append_pair("state", &self.state)
            .append_pair("code_challenge", &self.challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("nonce", &self.nonce)
            .append_pair("response_mode", "form_post")
            .append_pair("client_info", "1")
            .append_pair("prompt", "select_account");
        if let Some(claims) = &self.ctx.claims {
            query.append_pair("claims", claims);
        }
        format!("{}?{}", self.authorize_endpoint(), query.finish())
    }

    /// Decides the answer to one request on the loopback socket.
    pub fn handle_request(&self, request: &LoopbackRequest) -> Reply {
        let wait = |text: &str| Reply {
            response: LoopbackResponse::bad_request(text),
            outcome: RedirectOutcome::KeepWaiting,
        };
        if request.method == "GET" && request.query().is_some_and(|q| !q.is_empty()) {
            return wait(QUERY_REFUSED);
        }
        if request.method != "POST" || !request.is_form() {
            return wait(NOT_THE_REDIRECT);
        }
        let code = request.form_field("code").filter(|c| !c.is_empty());
        let error = request.form_field("error").filter(|e| !e.is_empty());
        if code.is_none() && error.is_none() {
            return wait(NOT_THE_REDIRECT);
        }
        // Errors are checked too: a page elsewhere must not be able to end this login.
        if request.form_field("state").as_deref() != Some(self.state.as_str()) {
            return wait(STATE_MISMATCH);
        }
        if let Some(code) = code {
            let client_info = request
                .form_field("client_info")
                .and_then(|c| ClientInfo::parse(&c).ok());
            return Reply {
                response: LoopbackResponse {
                    status: 200,
                    body: SUCCESS_PAGE.to_string(),
                },
                outcome: RedirectOutcome::Code(CodeAnswer {
                    code: AuthorizationCode::new(code),
                    client_info,
                }),
            };
        }
        let error = error.unwrap_or_default();
        let description = request.form_field("error_description").unwrap_or_default();
        let uri = request.form_field("error_uri").unwrap_or_default();
        let page = landing::error_page(&error, &description, &uri);
        Reply {
            response: LoopbackResponse {
                status: 200,
                body: page,
            },
            outcome: RedirectOutcome::Failed(redirect_error(error, description)),
        }
    }

    /// The `authorization_code` redemption, anchored to the account the answer names.
    pub fn redeem_request(&self, answer: &CodeAnswer, verifier: PkceVerifier) -> HttpRequest {
        self.ctx.authorization_code_request(
            &self.scopes,
            &answer.code,
            &self.redirect_uri,
            verifier,
            answer.client_info.as_ref(),
        )
    }

    /// Checks that the ID token was issued for this login (its `nonce` claim is ours).
    pub fn check_nonce(&self, tokens: &TokenResponse) -> Result<()> {
        let endpoint = self.ctx.authority.token_endpoint();
        let id_token = tokens
            .id_token
            .as_ref()
            .ok_or_else(|| Error::invalid_response(&endpoint, "the answer has no id_token"))?;
        let claims = decode_jwt_claims(id_token.secret()).map_err(|e| {
            Error::invalid_response(&endpoint, format!("the ID token is unreadable: {e}"))
        })?;
        if claim_str(&claims, "nonce") == Some(self.nonce.as_str()) {
            Ok(())
        } else {
            Err(Error::NonceMismatch)
        }
    }
}

/// An `error` answer as an [`Error`]: `access_denied` is the user declining. Its texts came
/// through the browser from the server, so control characters are replaced.
fn redirect_error(error: String, error_description: String) -> Error {
    let error = terminal_safe(&error).into_owned();
    let error_description = terminal_safe(&error_description).into_owned();
    // The AADSTS number leads the description ("AADSTS65004: …").
    let error_codes = error_description
        .strip_prefix("AADSTS")
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok())
        .into_iter()
        .collect();
    let server = ServerError {
        error,
        error_description,
        error_codes,
        ..ServerError::default()
    };
    if server.error == "access_denied" {
        Error::AuthorizationDeclined(Box::new(server))
    } else {
        Error::from_server(server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::claims::base64url_encode;
    use crate::oauth::loopback::{Parsed, parse_request};
    use crate::oauth::{AZURE_CLI_CLIENT_ID, Authority, CP1_CLAIMS};
    use crate::secret::IdToken;

    const ENTROPY: FlowEntropy = FlowEntropy {
        state: [0xfb; 16],
        verifier: pkce::RFC7636_OCTETS,
        nonce: [0; 32],
    };
    const STATE: &str = "-_v7-_v7-_v7-_v7-_v7-w";
    const NONCE: &str = "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925";

    fn flow(claims: Option<&str>) -> (BrowserFlow, PkceVerifier) {
        let ctx = TokenContext {
            authority: Authority::new("https://login.microsoftonline.com", None),
            client_id: AZURE_CLI_CLIENT_ID.into(),
            claims: claims.map(str::to_string),
        };
        let scopes = vec!["https://management.core.windows.net//.default".to_string()];
        BrowserFlow::new(ctx, &scopes, 43123, &ENTROPY)
    }

    fn request(raw: &str) -> LoopbackRequest {
        match parse_request(raw.as_bytes()) {
            Parsed::Complete(r) => r,
            other => panic!("{other:?}"),
        }
    }

    fn post(body: &str) -> LoopbackRequest {
        request(&format!(
            "POST / HTTP/1.1\r\nHost: localhost:43123\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ))
    }

    #[test]
    fn authorize_url_is_exact() {
        let (f, _) = flow(Some(CP1_CLAIMS));
        assert_eq!(f.redirect_uri(), "http://localhost:43123");
        assert_eq!(
            f.authorize_endpoint(),
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize"
        );
        assert_eq!(
            f.authorize_url(),
            format!(
                "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?\
                 client_id={AZURE_CLI_CLIENT_ID}&response_type=code\
                 &redirect_uri=http%3A%2F%2Flocalhost%3A43123\
                 &scope=https%3A%2F%2Fmanagement.core.windows.net%2F%2F.default+openid+profile+offline_access\
                 &state={STATE}\
                 &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256\
                 &nonce={NONCE}&response_mode=form_post&client_info=1&prompt=select_account\
                 &claims=%7B%22access_token%22%3A+%7B%22xms_cc%22%3A+%7B%22values%22%3A+%5B%22CP1%22%5D%7D%7D%7D"
            )
        );
        let (f, _) = flow(None);
        assert!(!f.authorize_url().contains("claims="));
    }

    #[test]
    fn the_code_with_our_state_succeeds_and_is_anchored() {
        let (f, verifier) = flow(None);
        let info = base64url_encode(br#"{"uid":"o1","utid":"t1"}"#);
        let reply = f.handle_request(&post(&format!(
            "code=0.A%2Bc%3D&client_info={info}&state={STATE}&session_state=s"
        )));
        assert_eq!(reply.response.status, 200);
        assert_eq!(reply.response.body, SUCCESS_PAGE);
        let RedirectOutcome::Code(answer) = reply.outcome else {
            panic!("{:?}", reply.outcome);
        };
        assert_eq!(answer.code.secret(), "0.A+c=");
        let r = f.redeem_request(&answer, verifier);
        assert!(r.form.as_deref().is_some_and(|b| b.starts_with(
            "grant_type=authorization_code&code=0.A%2Bc%3D&redirect_uri=http%3A%2F%2Flocalhost%3A43123&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&scope="
        )));
        assert_eq!(
            r.headers,
            vec![("X-AnchorMailbox".to_string(), "Oid:o1@t1".to_string())]
        );
    }

    #[test]
    fn without_client_info_there_is_no_anchor() {
        let (f, verifier) = flow(None);
        let reply = f.handle_request(&post(&format!("code=c&state={STATE}")));
        let RedirectOutcome::Code(answer) = reply.outcome else {
            panic!("{:?}", reply.outcome);
        };
        assert!(f.redeem_request(&answer, verifier).headers.is_empty());
    }

    #[test]
    fn a_foreign_state_keeps_waiting() {
        let (f, _) = flow(None);
        for body in [
            "code=c&state=other".to_string(),
            "code=c".to_string(),
            "error=access_denied&state=other".to_string(),
        ] {
            let reply = f.handle_request(&post(&body));
            assert_eq!(
                reply.response,
                LoopbackResponse::bad_request(STATE_MISMATCH),
                "{body}"
            );
            assert!(matches!(reply.outcome, RedirectOutcome::KeepWaiting));
        }
    }

    #[test]
    fn an_error_answer_fails_with_an_escaped_page() {
        let (f, _) = flow(None);
        let reply = f.handle_request(&post(&format!(
            "error=access_denied&error_description=AADSTS65004%3A+User+declined+%3Cb%3E&state={STATE}"
        )));
        assert_eq!(reply.response.status, 200);
        assert!(
            reply
                .response
                .body
                .contains("<p>access_denied: AADSTS65004: User declined &lt;b&gt;. ()</p>"),
            "{}",
            reply.response.body
        );
        let RedirectOutcome::Failed(e) = reply.outcome else {
            panic!("{:?}", reply.outcome);
        };
        assert_eq!(e.code(), "authorization_declined");
        assert_eq!(e.to_string(), "AADSTS65004: User declined <b>");
        assert_eq!(
            e.server_error().map(|s| s.error_codes.clone()),
            Some(vec![65004])
        );

        let reply = f.handle_request(&post(&format!(
            "error=server_error&error_description=AADSTS50076%3A+MFA&state={STATE}"
        )));
        let RedirectOutcome::Failed(e) = reply.outcome else {
            panic!("{:?}", reply.outcome);
        };
        assert_eq!(e.code(), "mfa_required");

        let reply = f.handle_request(&post(&format!(
            "error=access_denied&error_description=AADSTS65004%3A+No%1B%5B2J%C2%9B0m&state={STATE}"
        )));
        let RedirectOutcome::Failed(e) = reply.outcome else {
            panic!("{:?}", reply.outcome);
        };
        assert_eq!(e.to_string(), "AADSTS65004: No\u{FFFD}[2J\u{FFFD}0m");
    }

    #[test]
    fn everything_else_is_refused_and_waits() {
        let (f, _) = flow(None);
        let cases = [
            (
                request(&format!("GET /?code=c&state={STATE} HTTP/1.1\r\n\r\n")),
                QUERY_REFUSED,
            ),
            (
                request("GET /favicon.ico HTTP/1.1\r\n\r\n"),
                NOT_THE_REDIRECT,
            ),
            (request("GET / HTTP/1.1\r\n\r\n"), NOT_THE_REDIRECT),
            (post(""), NOT_THE_REDIRECT),
            (post(&format!("state={STATE}")), NOT_THE_REDIRECT),
            (
                request(
                    "POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 6\r\n\r\ncode=c",
                ),
                NOT_THE_REDIRECT,
            ),
            (request("PUT / HTTP/1.1\r\n\r\n"), NOT_THE_REDIRECT),
        ];
        for (req, text) in cases {
            let reply = f.handle_request(&req);
            assert_eq!(
                reply.response,
                LoopbackResponse::bad_request(text),
                "{req:?}"
            );
            assert!(matches!(reply.outcome, RedirectOutcome::KeepWaiting));
        }
    }

    fn id_token(claims: &str) -> TokenResponse {
        TokenResponse {
            id_token: Some(IdToken::new(format!(
                "e30.{}.sig",
                base64url_encode(claims.as_bytes())
            ))),
            ..TokenResponse::default()
        }
    }

    #[test]
    fn nonce_must_match() {
        let (f, _) = flow(None);
        assert!(
            f.check_nonce(&id_token(&format!(r#"{{"nonce":"{NONCE}"}}"#)))
                .is_ok()
        );
        let wrong = f
            .check_nonce(&id_token(r#"{"nonce":"other"}"#))
            .expect_err("mismatch");
        assert_eq!(wrong.code(), "nonce_mismatch");
        let missing = f.check_nonce(&id_token("{}")).expect_err("mismatch");
        assert_eq!(missing.code(), "nonce_mismatch");
        let none = f
            .check_nonce(&TokenResponse::default())
            .expect_err("no id token");
        assert_eq!(none.code(), "invalid_response");
    }
}
