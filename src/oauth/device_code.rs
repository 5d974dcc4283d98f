//! The device authorization grant (RFC 8628) as one state machine, [`DeviceCodeSteps`]: it
//! builds the device-code request, reads its answer, then for each poll answer says whether to
//! wait (and how long) or stop. The driver in [`crate::login::device_code`] and hosts that do
//! their own I/O (the wasm package) both run it.

use std::time::Duration;

use serde_json::Value;

use crate::error::{Error, Result, ServerError, terminal_safe};
use crate::http::{HttpRequest, HttpResponse};
use crate::oauth::token::{TokenContext, TokenResponse, parse_server_error, parse_token_response};
use crate::oauth::{Authority, decorate_scopes};
use crate::pyjson::{self, PyJsonStyle};
use crate::secret::DeviceCode;

/// RFC 8628's default polling interval.
const DEFAULT_INTERVAL_SECS: u64 = 5;
/// The device-code lifetime when the server names none (Entra's 15 minutes is typical; MSAL
/// assumes 1800 s).
const DEFAULT_EXPIRES_IN_SECS: u64 = 1800;
/// RFC 8628 §3.5: each `slow_down` adds five seconds to the interval.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The device authorization request.
pub fn device_code_request(
    authority: &Authority,
    client_id: &str,
    scopes: &[String],
    claims: Option<&str>,
) -> HttpRequest {
    let scope = decorate_scopes(scopes);
    let mut pairs = vec![("client_id", client_id), ("scope", scope.as_str())];
    if let Some(c) = claims {
        pairs.push(("claims", c));
    }
    HttpRequest::post_form(authority.device_code_endpoint(), pairs)
}

/// The server's answer to the device authorization request.
#[derive(Debug)]
pub struct DeviceAuthorization {
    /// The secret code polled with.
    pub device_code: DeviceCode,
    /// The code the user types.
    pub user_code: String,
    /// Where the user types it.
    pub verification_uri: String,
    /// Seconds until the codes expire.
    pub expires_in: u64,
    /// Seconds between polls.
    pub interval: u64,
    /// The server's sentence telling the user what to do.
    pub message: String,
}

impl DeviceAuthorization {
    /// When the codes expire, in milliseconds since the epoch, for an answer received at
    /// `received_ms`.
    pub fn expires_on_ms(&self, received_ms: u64) -> u64 {
        received_ms.saturating_add(self.expires_in.saturating_mul(1000))
    }
}

/// Parses the device authorization answer. Without a `user_code` this is az's
/// "Fail to create device flow" error, carrying the answer as indented JSON.
pub fn parse_device_authorization(
    response: &HttpResponse,
    endpoint: &str,
) -> Result<DeviceAuthorization> {
    let value: Value = match serde_json::from_slice(&response.body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            return Err(Error::invalid_response(
                endpoint,
                format!(
                    "HTTP {} with a body that is not a JSON object",
                    response.status
                ),
            ));
        }
    };
    let raw_text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
    // The texts shown on the terminal, control characters replaced.
    let text = |k: &str| raw_text(k).map(|t| terminal_safe(&t).into_owned());
    let number = |k: &str| match value.get(k) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    // az checks only `user_code`; without it the whole answer is the error text, except the
    // `device_code`, which is the credential the poll redeems and is never shown.
    let Some(user_code) = text("user_code") else {
        let mut shown = value.clone();
        if let Some(code) = shown.get_mut("device_code") {
            *code = Value::String("<redacted>".into());
        }
        let flow = pyjson::to_string(&shown, PyJsonStyle::TOKEN_CACHE);
        let description =
            terminal_safe(&format!("Fail to create device flow. Err: {flow}")).into_owned();
        return Err(match parse_server_error(response) {
            Some(server) => Error::from_server(ServerError {
                error_description: description,
                ..server
            }),
            None => Error::invalid_response(endpoint, description),
        });
    };
    let device_code = raw_text("device_code")
        .ok_or_else(|| Error::invalid_response(endpoint, "the answer has no device_code"))?;
    let verification_uri = text("verification_uri")
        .or_else(|| text("verification_url"))
        .ok_or_else(|| Error::invalid_response(endpoint, "the answer has no verification_uri"))?;
    let expires_in = number("expires_in").unwrap_or(DEFAULT_EXPIRES_IN_SECS);
    let interval = number("interval").unwrap_or(DEFAULT_INTERVAL_SECS);
    let message = text("message").unwrap_or_else(|| {
        format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate.")
    });
    Ok(DeviceAuthorization {
        device_code: DeviceCode::new(device_code),
        user_code,
        verification_uri,
        expires_in,
        interval,
        message,
    })
}

/// What to do after a poll answer.
#[derive(Debug)]
enum PollStep {
    /// Sleep this long, then poll again.
    Wait(Duration),
    /// The user signed in.
    Complete(Box<TokenResponse>),
}

/// The polling state: the interval (grown by `slow_down`) and the local deadline.
#[derive(Debug)]
struct DeviceCodePoller {
    device_code: DeviceCode,
    interval: Duration,
    deadline_ms: u64,
}

impl DeviceCodePoller {
    /// Starts polling `authorization`, received at `now_ms` (milliseconds since the epoch).
    fn new(authorization: &DeviceAuthorization, now_ms: u64) -> Self {
        Self {
            device_code: authorization.device_code.clone(),
            // A zero interval would poll in a tight loop; one second is the floor.
            interval: Duration::from_secs(authorization.interval.max(1)),
            deadline_ms: now_ms.saturating_add(authorization.expires_in.saturating_mul(1000)),
        }
    }

    /// The current interval between polls.
    fn interval(&self) -> Duration {
        self.interval
    }

    /// The next poll, or `DeviceCodeExpired` once the local clock passed the deadline.
    fn poll_request(&self, ctx: &TokenContext, now_ms: u64) -> Result<HttpRequest> {
        if now_ms >= self.deadline_ms {
            return Err(Error::DeviceCodeExpired(None));
        }
        Ok(ctx.device_code_poll_request(&self.device_code))
    }

    /// Reads one poll answer: wait (pending, slow_down) or finish (tokens, or a terminal error).
    fn handle_response(
        &mut self,
        response: &HttpResponse,
        endpoint: &str,
        now_ms: u64,
    ) -> Result<PollStep> {
        match parse_token_response(response, endpoint) {
            Ok(tokens) => Ok(PollStep::Complete(Box::new(tokens))),
            Err(err) => {
                let Some(server) = err.server_error().cloned() else {
                    return Err(err);
                };
                match server.error.as_str() {
                    "authorization_pending" => {}
                    "slow_down" => self.interval = self.interval.saturating_add(SLOW_DOWN_STEP),
                    "authorization_declined" | "access_denied" => {
                        return Err(Error::AuthorizationDeclined(Box::new(server)));
                    }
                    "expired_token" | "code_expired" => {
                        return Err(Error::DeviceCodeExpired(Some(Box::new(server))));
                    }
                    _ => return Err(err),
                }
                let remaining = self.deadline_ms.saturating_sub(now_ms);
                if remaining == 0 {
                    return Err(Error::DeviceCodeExpired(None));
                }
                // Never sleep past the deadline: the last poll happens at it, then we stop.
                Ok(PollStep::Wait(
                    self.interval.min(Duration::from_millis(remaining)),
                ))
            }
        }
    }
}

/// What a host that sends the requests itself does after [`DeviceCodeSteps::handle_response`].
#[derive(Debug)]
#[non_exhaustive]
pub enum FlowStep {
    /// The code arrived: show it, wait `wait`, then send the first poll.
    Started {
        /// The server's answer: the code, where to type it, the message.
        authorization: DeviceAuthorization,
        /// When the code expires, in milliseconds since the epoch.
        expires_on_ms: u64,
        /// How long to wait before the first poll.
        wait: Duration,
    },
    /// Wait this long, then poll again.
    Wait(Duration),
    /// The user signed in.
    Complete(Box<TokenResponse>),
}

#[derive(Debug)]
enum FlowState {
    /// The device authorization request has not been answered yet.
    Authorizing(HttpRequest),
    /// Polling the token endpoint.
    Polling(DeviceCodePoller),
    /// Finished: tokens handed out, or a terminal error.
    Done,
}

/// The whole flow, one HTTP exchange at a time, for hosts that own their I/O: send
/// [`DeviceCodeSteps::next_request`], hand its answer to [`DeviceCodeSteps::handle_response`],
/// wait as told. [`crate::login::device_code`] is the same flow with the I/O done for the caller.
#[derive(Debug)]
pub struct DeviceCodeSteps {
    ctx: TokenContext,
    state: FlowState,
}

impl DeviceCodeSteps {
    /// A flow that asks for `scopes` as `ctx` (authority, client, claims) says.
    pub fn new(ctx: TokenContext, scopes: &[String]) -> Self {
        let first = device_code_request(
            &ctx.authority,
            &ctx.client_id,
            scopes,
            ctx.claims.as_deref(),
        );
        Self {
            ctx,
            state: FlowState::Authorizing(first),
        }
    }

    /// A flow whose code `authorization` arrived at `received_ms` (a host that asked for the
    /// code and showed it, and now polls): the next request is the first poll.
    pub fn polling(
        ctx: TokenContext,
        authorization: &DeviceAuthorization,
        received_ms: u64,
    ) -> Self {
        Self {
            ctx,
            state: FlowState::Polling(DeviceCodePoller::new(authorization, received_ms)),
        }
    }

    /// The request to send next: the device authorization, then the polls. A usage error once
    /// the flow has finished; `DeviceCodeExpired` past the code's lifetime.
    pub fn next_request(&self, now_ms: u64) -> Result<HttpRequest> {
        match &self.state {
            FlowState::Authorizing(request) => Ok(request.clone()),
            FlowState::Polling(poller) => poller.poll_request(&self.ctx, now_ms),
            FlowState::Done => Err(finished()),
        }
    }

    /// Reads the answer to the last request, received at `now_ms`. Any error ends the flow, as
    /// the driver's loop ends on one.
    pub fn handle_response(&mut self, response: &HttpResponse, now_ms: u64) -> Result<FlowStep> {
        match std::mem::replace(&mut self.state, FlowState::Done) {
            FlowState::Authorizing(request) => {
                let authorization = parse_device_authorization(response, request.endpoint())?;
                let poller = DeviceCodePoller::new(&authorization, now_ms);
                let wait = poller.interval();
                self.state = FlowState::Polling(poller);
                Ok(FlowStep::Started {
                    expires_on_ms: authorization.expires_on_ms(now_ms),
                    authorization,
                    wait,
                })
            }
            FlowState::Polling(mut poller) => {
                let endpoint = self.ctx.authority.token_endpoint();
                match poller.handle_response(response, &endpoint, now_ms)? {
                    PollStep::Wait(d) => {
                        self.state = FlowState::Polling(poller);
                        Ok(FlowStep::Wait(d))
                    }
                    PollStep::Complete(tokens) => Ok(FlowStep::Complete(tokens)),
                }
            }
            FlowState::Done => Err(finished()),
        }
    }
}

fn finished() -> Error {
    Error::Usage("the device-code flow has finished".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::{AZURE_CLI_CLIENT_ID, CP1_CLAIMS};

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, body)
    }

    fn entra_error(error: &str, code: u64) -> HttpResponse {
        resp(
            400,
            &format!(
                r#"{{"error":"{error}","error_description":"AADSTS{code}: {error} happened.","error_codes":[{code}],"trace_id":"t","correlation_id":"c"}}"#
            ),
        )
    }

    fn ctx() -> TokenContext {
        TokenContext {
            authority: Authority::new("https://login.microsoftonline.com", None),
            client_id: AZURE_CLI_CLIENT_ID.into(),
            claims: Some(CP1_CLAIMS.into()),
        }
    }

    fn authorization(expires_in: u64, interval: u64) -> DeviceAuthorization {
        parse_device_authorization(
            &resp(
                200,
                &format!(
                    r#"{{"user_code":"ABCD1234","device_code":"DC-secret","verification_uri":"https://microsoft.com/devicelogin","expires_in":"{expires_in}","interval":{interval},"message":"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD1234 to authenticate."}}"#
                ),
            ),
            "e",
        )
        .expect("authorization")
    }

    #[test]
    fn device_code_request_is_exact() {
        let r = device_code_request(
            &Authority::new("https://login.microsoftonline.com", None),
            AZURE_CLI_CLIENT_ID,
            &["https://management.core.windows.net//.default".to_string()],
            Some(CP1_CLAIMS),
        );
        assert_eq!(
            r.url,
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode"
        );
        assert_eq!(
            r.form.as_deref(),
            Some(
                "client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&scope=https%3A%2F%2Fmanagement.core.windows.net%2F%2F.default+openid+profile+offline_access&claims=%7B%22access_token%22%3A+%7B%22xms_cc%22%3A+%7B%22values%22%3A+%5B%22CP1%22%5D%7D%7D%7D"
            )
        );
    }

    #[test]
    fn parses_authorization_and_reports_failures_like_az() {
        let a = authorization(900, 5);
        assert_eq!(a.user_code, "ABCD1234");
        assert_eq!(a.expires_in, 900);
        assert!(a.message.starts_with("To sign in"));
        let err = parse_device_authorization(&entra_error("invalid_scope", 70011), "e")
            .expect_err("no user code");
        assert!(
            err.to_string().starts_with(
                "Fail to create device flow. Err: {\n    \"error\": \"invalid_scope\""
            ),
            "{err}"
        );
        let no_user_code = parse_device_authorization(
            &resp(200, r#"{"device_code":"DC-secret","interval":5}"#),
            "https://h/devicecode",
        )
        .expect_err("no user code");
        // Not an Entra error, so an invalid answer whose text is az's.
        assert_eq!(no_user_code.code(), "invalid_response");
        let shown = no_user_code.to_string();
        assert!(
            shown.starts_with(
                "Invalid response from https://h/devicecode: Fail to create device flow. Err: {"
            ),
            "{shown}"
        );
        assert!(shown.contains("\"interval\": 5"), "{shown}");
        assert!(
            !shown.contains("DC-secret"),
            "the device code is shown: {shown}"
        );
        let html = parse_device_authorization(&resp(500, "<html>"), "https://h/devicecode")
            .expect_err("html");
        assert_eq!(html.code(), "invalid_response");
        let escaped = parse_device_authorization(
            &resp(
                200,
                r#"{"device_code":"DC\u0001","user_code":"AB\u001b[8mCD","verification_uri":"https://h/devicelogin\u009b","message":"Open\u001b]0;x\u0007 now"}"#,
            ),
            "https://h/devicecode",
        )
        .expect("parses");
        assert_eq!(escaped.user_code, "AB\u{FFFD}[8mCD");
        assert_eq!(escaped.verification_uri, "https://h/devicelogin\u{FFFD}");
        assert_eq!(escaped.message, "Open\u{FFFD}]0;x\u{FFFD} now");
        assert_eq!(
            escaped.device_code.secret(),
            "DC\u{1}",
            "the credential is sent as given"
        );
        let failed = parse_device_authorization(
            &resp(200, "{\"interval\":5,\"note\":\"\u{7f}\\u001b[2J\"}"),
            "https://h/devicecode",
        )
        .expect_err("no user code")
        .to_string();
        // The answer is shown as az's JSON, which escapes them already.
        assert!(failed.contains(r#""note": "\u007f\u001b[2J""#), "{failed}");
        assert!(!failed.contains(['\u{7f}', '\u{1b}']), "{failed}");
    }

    #[test]
    fn poller_waits_on_pending_and_grows_interval_on_slow_down() {
        let a = authorization(900, 5);
        let mut p = DeviceCodePoller::new(&a, 0);
        assert!(p.poll_request(&ctx(), 0).is_ok());
        match p
            .handle_response(&entra_error("authorization_pending", 70016), "e", 10)
            .expect("wait")
        {
            PollStep::Wait(d) => assert_eq!(d, Duration::from_secs(5)),
            other => panic!("{other:?}"),
        }
        match p
            .handle_response(&entra_error("slow_down", 70016), "e", 5_000)
            .expect("wait")
        {
            PollStep::Wait(d) => assert_eq!(d, Duration::from_secs(10)),
            other => panic!("{other:?}"),
        }
        match p
            .handle_response(&entra_error("slow_down", 70016), "e", 15_000)
            .expect("wait")
        {
            PollStep::Wait(d) => assert_eq!(d, Duration::from_secs(15)),
            other => panic!("{other:?}"),
        }
        let ok = resp(
            200,
            r#"{"access_token":"a.b.c","token_type":"Bearer","expires_in":3600}"#,
        );
        assert!(matches!(
            p.handle_response(&ok, "e", 30_000),
            Ok(PollStep::Complete(_))
        ));
    }

    #[test]
    fn poller_stops_on_terminal_errors() {
        let a = authorization(900, 5);
        let cases = [
            ("authorization_declined", 70000, "authorization_declined"),
            ("access_denied", 70000, "authorization_declined"),
            ("expired_token", 70020, "device_code_expired"),
            ("bad_verification_code", 70019, "server_error"),
            ("invalid_grant", 50126, "server_error"),
        ];
        for (error, code, expected) in cases {
            let mut p = DeviceCodePoller::new(&a, 0);
            let err = p
                .handle_response(&entra_error(error, code), "e", 1)
                .expect_err(error);
            assert_eq!(err.code(), expected, "{error}");
            assert!(
                err.to_string().starts_with(&format!("AADSTS{code}:")),
                "{err}"
            );
        }
    }

    fn pending() -> HttpResponse {
        entra_error("authorization_pending", 70016)
    }

    fn code_answer(expires_in: u64, interval: u64) -> HttpResponse {
        resp(
            200,
            &format!(
                r#"{{"user_code":"ABCD1234","device_code":"DC-secret","verification_uri":"https://microsoft.com/devicelogin","expires_in":{expires_in},"interval":{interval}}}"#
            ),
        )
    }

    #[test]
    fn steps_ask_for_the_code_then_poll_until_tokens() -> Result<()> {
        let scopes = ["https://management.core.windows.net//.default".to_string()];
        let mut steps = DeviceCodeSteps::new(ctx(), &scopes);
        let first = steps.next_request(1_000)?;
        assert_eq!(
            first.url,
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode"
        );
        assert_eq!(
            first.form,
            device_code_request(
                &ctx().authority,
                AZURE_CLI_CLIENT_ID,
                &scopes,
                Some(CP1_CLAIMS)
            )
            .form
        );
        // Asking twice before an answer gives the same request.
        assert_eq!(steps.next_request(1_500)?.form, first.form);
        match steps.handle_response(&code_answer(900, 5), 2_000)? {
            FlowStep::Started {
                authorization,
                expires_on_ms,
                wait,
            } => {
                assert_eq!(authorization.user_code, "ABCD1234");
                assert_eq!(expires_on_ms, 902_000);
                assert_eq!(wait, Duration::from_secs(5));
            }
            other => panic!("{other:?}"),
        }
        let poll = steps.next_request(7_000)?;
        assert_eq!(
            poll.url,
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
        );
        assert!(
            poll.form
                .as_deref()
                .is_some_and(|f| f.contains("device_code=DC-secret"))
        );
        assert!(matches!(
            steps.handle_response(&pending(), 7_100)?,
            FlowStep::Wait(d) if d == Duration::from_secs(5)
        ));
        assert!(matches!(
            steps.handle_response(&entra_error("slow_down", 70016), 12_100)?,
            FlowStep::Wait(d) if d == Duration::from_secs(10)
        ));
        let ok = resp(
            200,
            r#"{"access_token":"a.b.c","token_type":"Bearer","expires_in":3600}"#,
        );
        assert!(matches!(
            steps.handle_response(&ok, 22_100)?,
            FlowStep::Complete(_)
        ));
        // Finished: neither a request nor an answer is taken any more.
        for err in [
            steps.next_request(23_000).map(|_| ()),
            steps.handle_response(&ok, 23_000).map(|_| ()),
        ] {
            let Err(e) = err else { panic!("finished") };
            assert_eq!(e.code(), "usage_error");
            assert_eq!(e.to_string(), "the device-code flow has finished");
        }
        Ok(())
    }

    #[test]
    fn steps_end_on_errors_and_expire_at_the_deadline() -> Result<()> {
        let scopes = ["s".to_string()];
        let mut refused = DeviceCodeSteps::new(ctx(), &scopes);
        let err = refused
            .handle_response(&entra_error("invalid_scope", 70011), 0)
            .expect_err("no code");
        assert!(err.to_string().starts_with("Fail to create device flow."));
        assert_eq!(
            refused.next_request(0).expect_err("done").code(),
            "usage_error"
        );

        let mut declined = DeviceCodeSteps::new(ctx(), &scopes);
        declined.handle_response(&code_answer(900, 5), 0)?;
        let err = declined
            .handle_response(&entra_error("authorization_declined", 70000), 5_000)
            .expect_err("declined");
        assert_eq!(err.code(), "authorization_declined");
        assert_eq!(
            declined.next_request(5_000).expect_err("done").code(),
            "usage_error"
        );

        let mut late = DeviceCodeSteps::new(ctx(), &scopes);
        late.handle_response(&code_answer(12, 5), 1_000)?;
        // Past the lifetime the next poll is refused and the flow can still say so again.
        for _ in 0..2 {
            let err = late.next_request(13_000).expect_err("expired");
            assert_eq!(err.code(), "device_code_expired");
        }
        Ok(())
    }

    #[test]
    fn poller_stops_at_the_local_deadline() {
        let a = authorization(12, 5);
        let mut p = DeviceCodePoller::new(&a, 1_000);
        match p
            .handle_response(&entra_error("authorization_pending", 70016), "e", 10_000)
            .expect("wait")
        {
            PollStep::Wait(d) => {
                assert_eq!(d, Duration::from_secs(3), "never sleeps past the deadline")
            }
            other => panic!("{other:?}"),
        }
        let err = p.poll_request(&ctx(), 13_000).expect_err("expired");
        assert_eq!(err.code(), "device_code_expired");
        let err = p
            .handle_response(&entra_error("authorization_pending", 70016), "e", 13_000)
            .expect_err("expired");
        assert_eq!(err.code(), "device_code_expired");
    }
}
