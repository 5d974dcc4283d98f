//! The device-code flow (RFC 8628): `POST /{tenant}/oauth2/v2.0/devicecode`, the polling grant,
//! the `/devicelogin` page where a person approves or declines, and the test-only control
//! endpoints that do the same without a browser.

use serde_json::json;

use super::errors::Failure;
use super::message::{EmuRequest, EmuResponse, Params};
use super::pages;
use super::responder::{Authority, Ctx, Responder};
use super::scenario::User;
use super::token::Issue;
use super::tokens::{b64url, constant_time_eq};

/// User codes avoid look-alike characters (no I, O, 0, 1).
const USER_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// How much earlier than `interval` a poll may come before it earns `slow_down`: timers and
/// request latency make well-behaved clients a little early now and then.
const POLL_LENIENCY_MS: u64 = 100;

/// An issued device code.
pub(crate) struct DeviceGrant {
    user_code: String,
    client_id: String,
    scope: String,
    segment: String,
    claims: Option<String>,
    expires_at_ms: u64,
    interval_s: u64,
    status: DeviceStatus,
    polls: u32,
    last_poll_ms: Option<u64>,
}

#[derive(Clone)]
enum DeviceStatus {
    Pending,
    Approved { oid: String, mfa_done: Vec<String> },
    Declined,
}

/// Why a user code could not be acted on.
enum CodeProblem {
    Unknown,
    Used,
}

impl Responder {
    /// `POST /{tenant}/oauth2/v2.0/devicecode`.
    pub(super) fn device_authorization(
        &self,
        req: &EmuRequest,
        segment: &str,
        ctx: &mut Ctx,
    ) -> EmuResponse {
        let form = req.form_params();
        ctx.client_id = form.non_empty("client_id").map(str::to_string);
        match self.start_device_flow(&form, segment, ctx) {
            Ok(r) => r,
            Err(f) => self.entra_error(ctx, &f),
        }
    }

    fn start_device_flow(
        &self,
        form: &Params,
        segment: &str,
        ctx: &Ctx,
    ) -> Result<EmuResponse, Failure> {
        if self.authority(segment).is_none() {
            return Err(Failure::tenant_not_found("invalid_request", segment));
        }
        let client_id = form.required("client_id")?;
        self.check_client(client_id, &self.directory_label(segment))?;
        let scope = form.required("scope")?;
        super::scope::parse(scope)?;
        let settings = &self.scenario.device_code;
        let verification_uri = format!("{}/devicelogin", self.base_url);
        let (device_code, user_code) = {
            let mut st = self.lock();
            // Forget abandoned codes, so a long-running emulator does not collect them.
            st.device_grants.retain(|_, g| g.expires_at_ms > ctx.now_ms);
            let device_code = format!("DAQABIQEAAAB{}", b64url(&st.random_bytes::<48>()));
            let mut user_code = st.random_string(USER_CODE_ALPHABET, 9);
            while st.device_grants.values().any(|g| g.user_code == user_code) {
                user_code = st.random_string(USER_CODE_ALPHABET, 9);
            }
            st.device_grants.insert(
                device_code.clone(),
                DeviceGrant {
                    user_code: user_code.clone(),
                    client_id: client_id.to_string(),
                    scope: scope.to_string(),
                    segment: segment.to_string(),
                    claims: form.non_empty("claims").map(str::to_string),
                    expires_at_ms: ctx.now_ms + settings.expires_in * 1000,
                    interval_s: settings.interval,
                    status: DeviceStatus::Pending,
                    polls: 0,
                    last_poll_ms: None,
                },
            );
            (device_code, user_code)
        };
        let body = json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": settings.expires_in,
            "interval": settings.interval,
            "message": format!(
                "To sign in, use a web browser to open the page {verification_uri} and enter the code \
                 {user_code} to authenticate."
            ),
        });
        Ok(EmuResponse::json_status(200, &body))
    }

    /// The polling grant: pending until approved, `slow_down` when too eager, then tokens once.
    pub(super) fn device_code_grant(
        &self,
        form: &Params,
        segment: &str,
        client_id: &str,
        ctx: &Ctx,
    ) -> Result<EmuResponse, Failure> {
        // MSAL sends the value both as `device_code` and as `code`.
        let device_code = form
            .non_empty("device_code")
            .or_else(|| form.non_empty("code"))
            .ok_or_else(|| Failure::missing_parameter("device_code"))?;
        let auto_user = self
            .scenario
            .device_code
            .auto_approve
            .as_deref()
            .and_then(|name| self.scenario.user(name));
        let (oid, mfa_done, scope, claims) = {
            let mut st = self.lock();
            let Some(grant) = st.device_grants.get_mut(device_code) else {
                return Err(Failure::bad_verification_code());
            };
            if !grant.client_id.eq_ignore_ascii_case(client_id) {
                return Err(Failure::bad_verification_code());
            }
            if ctx.now_ms >= grant.expires_at_ms {
                st.device_grants.remove(device_code);
                return Err(Failure::device_code_expired());
            }
            let too_soon = grant
                .last_poll_ms
                .is_some_and(|last| ctx.now_ms + POLL_LENIENCY_MS < last + grant.interval_s * 1000);
            grant.last_poll_ms = Some(ctx.now_ms);
            if too_soon {
                return Err(Failure::slow_down());
            }
            if matches!(grant.status, DeviceStatus::Pending) {
                grant.polls += 1;
                if let Some(user) = auto_user
                    && grant.polls > self.scenario.device_code.pending_polls
                {
                    grant.status = self.approved(&grant.segment, user);
                }
            }
            match grant.status.clone() {
                DeviceStatus::Pending => return Err(Failure::authorization_pending()),
                DeviceStatus::Declined => {
                    st.device_grants.remove(device_code);
                    return Err(Failure::authorization_declined());
                }
                DeviceStatus::Approved { oid, mfa_done } => {
                    let scope = grant.scope.clone();
                    let claims = grant.claims.clone();
                    st.device_grants.remove(device_code);
                    (oid, mfa_done, scope, claims)
                }
            }
        };
        let user = self
            .scenario
            .user_by_oid(&oid)
            .ok_or_else(Failure::bad_verification_code)?;
        self.issue_user_tokens(
            ctx,
            segment,
            Issue {
                claims: form.non_empty("claims").or(claims.as_deref()),
                mfa_done,
                ..Issue::new(form, user, client_id, &scope, ctx.now())
            },
        )
    }

    /// The tenant a person signs in to at `segment`: the named one, else their home tenant.
    pub(super) fn sign_in_tenant(&self, segment: &str, user: &User) -> String {
        match self.authority(segment) {
            Some(Authority::Tenant(t)) => t.id.clone(),
            _ => user.home_tenant.clone(),
        }
    }

    /// `user` approved a code issued at `segment`, completing whatever MFA that tenant asks for.
    fn approved(&self, segment: &str, user: &User) -> DeviceStatus {
        DeviceStatus::Approved {
            oid: user.oid.clone(),
            mfa_done: vec![self.sign_in_tenant(segment, user)],
        }
    }

    /// Marks the code behind `user_code` approved by `user` (who thereby completed MFA) or
    /// declined.
    fn settle_user_code(
        &self,
        user_code: &str,
        approve_as: Option<&User>,
        now_ms: u64,
    ) -> Result<(), CodeProblem> {
        let wanted = normalize_user_code(user_code);
        let mut st = self.lock();
        let Some(grant) = st
            .device_grants
            .values_mut()
            .find(|g| constant_time_eq(g.user_code.as_bytes(), wanted.as_bytes()))
        else {
            return Err(CodeProblem::Unknown);
        };
        if now_ms >= grant.expires_at_ms {
            return Err(CodeProblem::Unknown);
        }
        if !matches!(grant.status, DeviceStatus::Pending) {
            return Err(CodeProblem::Used);
        }
        grant.status = match approve_as {
            Some(user) => self.approved(&grant.segment, user),
            None => DeviceStatus::Declined,
        };
        Ok(())
    }

    /// `GET /devicelogin`.
    pub(super) fn device_login_page(&self, req: &EmuRequest) -> EmuResponse {
        let q = req.query_params();
        let (username, password) = self.prefill();
        EmuResponse::html(
            200,
            pages::device_login(q.get("otc").unwrap_or(""), &username, &password, None),
        )
    }

    /// `POST /devicelogin`: the form's Approve or Decline button.
    pub(super) fn device_login_submit(&self, req: &EmuRequest, ctx: &Ctx) -> EmuResponse {
        let form = req.form_params();
        let code = form.get("user_code").unwrap_or("");
        let username = form.get("username").unwrap_or("");
        let password = form.get("password").unwrap_or("");
        let again = |status: u16, error: &str| {
            EmuResponse::html(status, pages::device_login(code, username, "", Some(error)))
        };
        let decline = form.get("action") == Some("decline");
        let user = if decline {
            None
        } else {
            match self.user_with_credentials(username, password) {
                Some(u) => Some(u),
                None => return again(400, pages::BAD_CREDENTIALS),
            }
        };
        match self.settle_user_code(code, user, ctx.now_ms) {
            Err(CodeProblem::Unknown) => {
                again(400, "That code didn't work. Check the code and try again.")
            }
            Err(CodeProblem::Used) => again(400, "That code has already been used."),
            Ok(()) if decline => EmuResponse::html(
                200,
                pages::message_page(
                    "Sign-in declined",
                    "You declined to sign in to the application on your device. You may now close this window.",
                ),
            ),
            Ok(()) => EmuResponse::html(
                200,
                pages::message_page(
                    "Signed in",
                    "You have signed in to the application on your device. You may now close this window.",
                ),
            ),
        }
    }

    /// `POST /_emulator/device/{approve|decline}` with JSON `{"user_code", "username"?}`.
    pub(super) fn device_control(&self, req: &EmuRequest, action: &str, ctx: &Ctx) -> EmuResponse {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let code = body["user_code"].as_str().unwrap_or_default();
        let user = match action {
            "approve" => {
                let name = body["username"]
                    .as_str()
                    .or(self.scenario.users.first().map(|u| u.username.as_str()))
                    .unwrap_or_default();
                match self.scenario.user(name) {
                    Some(u) => Some(u),
                    None => {
                        return EmuResponse::json_status(
                            400,
                            &json!({"error": "unknown_user", "message": format!("No user '{name}' in the scenario.")}),
                        );
                    }
                }
            }
            "decline" => None,
            _ => {
                return EmuResponse::json_status(
                    404,
                    &json!({"error": "not_found", "message": "Use approve or decline."}),
                );
            }
        };
        match self.settle_user_code(code, user, ctx.now_ms) {
            Ok(()) => EmuResponse::json_status(
                200,
                &json!({"status": if user.is_some() { "approved" } else { "declined" }}),
            ),
            Err(CodeProblem::Unknown) => EmuResponse::json_status(
                404,
                &json!({"error": "unknown_user_code", "message": "No pending device code has this user code."}),
            ),
            Err(CodeProblem::Used) => EmuResponse::json_status(
                409,
                &json!({"error": "already_settled", "message": "This user code was already approved or declined."}),
            ),
        }
    }

    /// The scenario user these sign-in form credentials name, if the password is right.
    pub(super) fn user_with_credentials(&self, username: &str, password: &str) -> Option<&User> {
        self.scenario
            .user(username)
            .filter(|u| constant_time_eq(u.password.as_bytes(), password.as_bytes()))
    }

    /// The first user's credentials, pre-filled in sign-in forms so browser tests only click.
    pub(super) fn prefill(&self) -> (String, String) {
        self.scenario
            .users
            .first()
            .map(|u| (u.username.clone(), u.password.clone()))
            .unwrap_or_default()
    }
}

/// Upper-cases and drops separators people type (`abcd-efgh` → `ABCDEFGH`).
fn normalize_user_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::scenario::Scenario;
    use super::super::tokens::jwt_claims;
    use super::*;

    const BASE: &str = "http://127.0.0.1:9999";
    const CLI: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    const SCOPE: &str = "http://127.0.0.1:9999//.default openid profile offline_access";
    const T0: u64 = 1_800_000_000_000;

    fn start(r: &Responder, tenant: &str) -> serde_json::Value {
        let resp = r.handle(
            EmuRequest::post_form(
                &format!("/{tenant}/oauth2/v2.0/devicecode"),
                [("client_id", CLI), ("scope", SCOPE)],
            ),
            T0,
        );
        assert_eq!(resp.status, 200, "{}", resp.text());
        resp.json()
    }

    fn poll(r: &Responder, tenant: &str, device_code: &str, at_ms: u64) -> serde_json::Value {
        r.handle(
            EmuRequest::post_form(
                &format!("/{tenant}/oauth2/v2.0/token"),
                [
                    ("client_id", CLI),
                    ("grant_type", super::super::token::DEVICE_CODE_GRANT),
                    ("device_code", device_code),
                    ("code", device_code),
                    ("client_info", "1"),
                ],
            ),
            at_ms,
        )
        .json()
    }

    fn manual() -> Responder {
        let mut s = Scenario::default_scenario();
        s.device_code.auto_approve = None;
        s.device_code.interval = 5;
        Responder::with_seed(s, BASE, 9)
    }

    #[test]
    fn device_code_answer_has_entra_shape() {
        let r = manual();
        let flow = start(&r, "organizations");
        let code = flow["user_code"].as_str().unwrap_or_default().to_string();
        assert_eq!(code.len(), 9);
        assert!(
            code.bytes().all(|b| USER_CODE_ALPHABET.contains(&b)),
            "{code}"
        );
        assert_eq!(
            flow["verification_uri"],
            "http://127.0.0.1:9999/devicelogin"
        );
        assert_eq!(flow["interval"], 5);
        assert_eq!(flow["expires_in"], 900);
        assert_eq!(
            flow["message"],
            format!(
                "To sign in, use a web browser to open the page http://127.0.0.1:9999/devicelogin and \
                 enter the code {code} to authenticate."
            )
        );
        // Same seed, same codes.
        assert_eq!(
            start(&manual(), "organizations")["user_code"],
            flow["user_code"]
        );
    }

    #[test]
    fn pending_slow_down_approval_and_single_use() {
        let r = manual();
        let flow = start(&r, "organizations");
        let dc = flow["device_code"].as_str().unwrap_or_default().to_string();
        let uc = flow["user_code"].as_str().unwrap_or_default().to_string();
        let p1 = poll(&r, "organizations", &dc, T0);
        assert_eq!(p1["error"], "authorization_pending");
        assert_eq!(p1["error_codes"], serde_json::json!([70016]));
        // 4.95 s after a 5 s interval is within the leniency; 4 s is not.
        assert_eq!(
            poll(&r, "organizations", &dc, T0 + 4_950)["error"],
            "authorization_pending"
        );
        assert_eq!(
            poll(&r, "organizations", &dc, T0 + 8_950)["error"],
            "slow_down"
        );
        assert_eq!(
            poll(&r, "organizations", &dc, T0 + 14_000)["error"],
            "authorization_pending"
        );
        let approve = r.handle(
            EmuRequest::post_json(
                "/_emulator/device/approve",
                &serde_json::json!({"user_code": uc.to_lowercase(), "username": "user@contoso.example"}),
            ),
            T0 + 15_000,
        );
        assert_eq!(approve.status, 200, "{}", approve.text());
        let done = poll(&r, "organizations", &dc, T0 + 19_000);
        assert!(done["access_token"].is_string(), "{done}");
        let at = jwt_claims(done["access_token"].as_str().unwrap_or_default()).expect("AT");
        assert_eq!(at["amr"], serde_json::json!(["pwd", "mfa"]));
        assert_eq!(at["tid"], "11111111-1111-4111-8111-111111111111");
        assert!(done["client_info"].is_string());
        let again = poll(&r, "organizations", &dc, T0 + 25_000);
        assert_eq!(again["error"], "bad_verification_code");
    }

    #[test]
    fn decline_expiry_and_unknown_codes() {
        let r = manual();
        let flow = start(&r, "organizations");
        let dc = flow["device_code"].as_str().unwrap_or_default().to_string();
        let uc = flow["user_code"].as_str().unwrap_or_default().to_string();
        let decline = r.handle(
            EmuRequest::post_form(
                "/devicelogin",
                [("user_code", uc.as_str()), ("action", "decline")],
            ),
            T0 + 1_000,
        );
        assert_eq!(decline.status, 200);
        assert!(decline.text().contains("declined"));
        assert_eq!(
            poll(&r, "organizations", &dc, T0 + 6_000)["error"],
            "authorization_declined"
        );

        let flow = start(&r, "organizations");
        let dc = flow["device_code"].as_str().unwrap_or_default().to_string();
        let expired = poll(&r, "organizations", &dc, T0 + 900_000);
        assert_eq!(expired["error"], "expired_token");
        assert_eq!(expired["error_codes"], serde_json::json!([70020]));

        let unknown = poll(&r, "organizations", "not-a-code", T0);
        assert_eq!(unknown["error"], "bad_verification_code");
        let bad_page = r.handle(
            EmuRequest::post_form(
                "/devicelogin",
                [
                    ("user_code", "NOPE"),
                    ("username", "user@contoso.example"),
                    ("password", "Passw0rd!"),
                    ("action", "approve"),
                ],
            ),
            T0,
        );
        assert_eq!(bad_page.status, 400);
        assert!(
            bad_page.text().contains("That code didn&#x27;t work"),
            "{}",
            bad_page.text()
        );
    }

    #[test]
    fn auto_approval_after_pending_polls_and_mfa_tenant_login() {
        let mut s = Scenario::default_scenario();
        s.device_code.pending_polls = 2;
        let r = Responder::with_seed(s, BASE, 5);
        let wood = "33333333-3333-4333-8333-333333333333";
        let flow = start(&r, wood);
        let dc = flow["device_code"].as_str().unwrap_or_default().to_string();
        assert_eq!(poll(&r, wood, &dc, T0)["error"], "authorization_pending");
        assert_eq!(
            poll(&r, wood, &dc, T0 + 1_000)["error"],
            "authorization_pending"
        );
        let done = poll(&r, wood, &dc, T0 + 2_000);
        // An interactive sign-in at an MFA tenant completes MFA there.
        assert!(done["access_token"].is_string(), "{done}");
        let rt = done["refresh_token"].as_str().unwrap_or_default();
        let refreshed = r.handle(
            EmuRequest::post_form(
                &format!("/{wood}/oauth2/v2.0/token"),
                [
                    ("client_id", CLI),
                    ("grant_type", "refresh_token"),
                    ("refresh_token", rt),
                    ("scope", SCOPE),
                ],
            ),
            T0 + 3_000,
        );
        assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    }

    #[test]
    fn the_page_approves_with_credentials() {
        let r = manual();
        let flow = start(&r, "organizations");
        let uc = flow["user_code"].as_str().unwrap_or_default().to_string();
        let page = r.handle(EmuRequest::get(&format!("/devicelogin?otc={uc}")), T0);
        let html = page.text();
        assert!(html.contains(&format!("value=\"{uc}\"")), "{html}");
        assert!(html.contains("<button") && html.contains("Approve") && html.contains("Decline"));
        let wrong = r.handle(
            EmuRequest::post_form(
                "/devicelogin",
                [
                    ("user_code", uc.as_str()),
                    ("username", "user@contoso.example"),
                    ("password", "nope"),
                    ("action", "approve"),
                ],
            ),
            T0,
        );
        assert_eq!(wrong.status, 400);
        let ok = r.handle(
            EmuRequest::post_form(
                "/devicelogin",
                [
                    ("user_code", uc.as_str()),
                    ("username", "user@contoso.example"),
                    ("password", "Passw0rd!"),
                    ("action", "approve"),
                ],
            ),
            T0,
        );
        assert_eq!(ok.status, 200);
        assert!(ok.text().contains("You have signed in"));
        let twice = r.handle(
            EmuRequest::post_json(
                "/_emulator/device/decline",
                &serde_json::json!({"user_code": uc}),
            ),
            T0,
        );
        assert_eq!(twice.status, 409);
    }
}
