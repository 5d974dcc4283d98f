//! The browser flow: `GET /{tenant}/oauth2/v2.0/authorize` shows a sign-in page, its POST signs
//! the user in and answers the redirect URI (`form_post`, `query` or `fragment`), and the
//! `authorization_code` grant redeems the code once, checking PKCE and the redirect URI.

use super::errors::Failure;
use super::message::{EmuRequest, EmuResponse, Params};
use super::pages;
use super::responder::{Ctx, Responder};
use super::scenario::User;
use super::token::Issue;
use super::tokens::{b64url, client_info, constant_time_eq, derived_guid, pkce_s256};

/// Authorization codes live ten minutes, as Entra's do.
const CODE_LIFETIME_MS: u64 = 600_000;

/// The authorize parameters carried from the page through its POST.
const CARRIED: &[&str] = &[
    "client_id",
    "response_type",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "response_mode",
    "prompt",
    "login_hint",
    "client_info",
    "claims",
];

/// An issued, possibly redeemed, authorization code.
pub(crate) struct PendingCode {
    client_id: String,
    redirect_uri: String,
    scope: String,
    code_challenge: Option<String>,
    code_challenge_method: String,
    nonce: Option<String>,
    claims: Option<String>,
    oid: String,
    mfa_done: Vec<String>,
    expires_at_ms: u64,
    redeemed: bool,
}

impl Responder {
    /// `GET` or `POST /{tenant}/oauth2/v2.0/authorize`.
    pub(super) fn authorize(&self, req: &EmuRequest, segment: &str, ctx: &mut Ctx) -> EmuResponse {
        let params = if req.method == "POST" {
            req.form_params()
        } else {
            req.query_params()
        };
        ctx.client_id = params.non_empty("client_id").map(str::to_string);
        // Problems that leave no safe place to redirect to are shown on a page, as Entra does.
        if self.authority(segment).is_none() {
            return self.error_page(ctx, &Failure::tenant_not_found("invalid_request", segment));
        }
        let Some(client_id) = params.non_empty("client_id") else {
            return self.error_page(ctx, &Failure::missing_parameter("client_id"));
        };
        let redirect_ok = params
            .non_empty("redirect_uri")
            .and_then(|r| url::Url::parse(r).ok())
            .is_some_and(|u| matches!(u.scheme(), "http" | "https"));
        if !redirect_ok {
            return self.error_page(ctx, &Failure::missing_parameter("redirect_uri"));
        }
        if let Err(f) = self.check_client(client_id, &self.directory_label(segment)) {
            return self.error_page(ctx, &f);
        }
        if params.get("response_type") != Some("code") {
            let f = Failure::new(
                "unsupported_response_type",
                700054,
                "response_type must be 'code'.",
            );
            return self.answer_redirect(ctx, &params, Err(&f));
        }
        if let Some(spec) = &self.scenario.authorize.error {
            return self.answer_redirect(ctx, &params, Err(&Failure::injected(spec)));
        }
        // A test may ask for any error by name: `emulator_error=access_denied`.
        if let Some(error) = params.non_empty("emulator_error") {
            let f = Failure::new(error, 50000, "The emulator was asked to fail this sign-in.");
            return self.answer_redirect(ctx, &params, Err(&f));
        }
        if req.method == "GET" {
            if params.get("prompt") == Some("none") {
                return self.answer_redirect(ctx, &params, Err(&Failure::login_required()));
            }
            let auto = self
                .scenario
                .authorize
                .auto_approve
                .as_deref()
                .and_then(|n| self.scenario.user(n));
            return match auto {
                Some(user) => self.sign_in_complete(ctx, segment, &params, user),
                None => self.sign_in_page(segment, &params, None, 200),
            };
        }
        if params.get("action") == Some("cancel") {
            return self.answer_redirect(ctx, &params, Err(&Failure::user_cancelled()));
        }
        let username = params.get("username").unwrap_or("");
        let password = params.get("password").unwrap_or("");
        let Some(user) = self.user_with_credentials(username, password) else {
            return self.sign_in_page(segment, &params, Some(pages::BAD_CREDENTIALS), 400);
        };
        self.sign_in_complete(ctx, segment, &params, user)
    }

    fn sign_in_page(
        &self,
        segment: &str,
        params: &Params,
        error: Option<&str>,
        status: u16,
    ) -> EmuResponse {
        let hidden: Vec<(String, String)> = params
            .iter()
            .filter(|(k, _)| CARRIED.contains(k))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (first_user, first_password) = self.prefill();
        let hinted = params
            .non_empty("login_hint")
            .or(params.non_empty("username"));
        let (username, password) = match hinted.and_then(|h| self.scenario.user(h)) {
            Some(u) => (u.username.clone(), u.password.clone()),
            None => match hinted {
                Some(h) => (h.to_string(), String::new()),
                None => (first_user, first_password),
            },
        };
        let action = format!("/{segment}/oauth2/v2.0/authorize");
        EmuResponse::html(
            status,
            pages::sign_in(&action, &hidden, &username, &password, error),
        )
    }

    /// The user is signed in: issue a code and send it to the redirect URI.
    fn sign_in_complete(
        &self,
        ctx: &Ctx,
        segment: &str,
        params: &Params,
        user: &User,
    ) -> EmuResponse {
        if let Err(f) = self.token_tenant(segment, user, params.get("client_id").unwrap_or("")) {
            return self.sign_in_page(segment, params, Some(&f.description(&self.stamp(ctx))), 400);
        }
        let pending = PendingCode {
            client_id: params.get("client_id").unwrap_or("").to_string(),
            redirect_uri: params.get("redirect_uri").unwrap_or("").to_string(),
            scope: params.get("scope").unwrap_or("").to_string(),
            code_challenge: params.non_empty("code_challenge").map(str::to_string),
            code_challenge_method: params
                .non_empty("code_challenge_method")
                .unwrap_or("plain")
                .to_string(),
            nonce: params.non_empty("nonce").map(str::to_string),
            claims: params.non_empty("claims").map(str::to_string),
            oid: user.oid.clone(),
            // Signing in through the browser includes whatever MFA the tenant asks for.
            mfa_done: vec![self.sign_in_tenant(segment, user)],
            expires_at_ms: ctx.now_ms + CODE_LIFETIME_MS,
            redeemed: false,
        };
        let code = {
            let mut st = self.lock();
            // Expired codes (redeemed or not) are of no use any more.
            st.auth_codes.retain(|_, c| c.expires_at_ms > ctx.now_ms);
            let code = format!("0.A{}", b64url(&st.random_bytes::<48>()));
            st.auth_codes.insert(code.clone(), pending);
            code
        };
        let info = client_info(&user.oid, &user.home_tenant);
        let session = derived_guid(&["session", &user.oid]);
        let mut fields: Vec<(&str, &str)> = vec![("code", &code)];
        if params.get("client_info") == Some("1") {
            fields.push(("client_info", &info));
        }
        if let Some(state) = params.get("state") {
            fields.push(("state", state));
        }
        fields.push(("session_state", &session));
        self.answer_redirect(ctx, params, Ok(&fields))
    }

    /// Answers the redirect URI with `fields` (or an error) in the requested response mode.
    fn answer_redirect(
        &self,
        ctx: &Ctx,
        params: &Params,
        outcome: Result<&[(&str, &str)], &Failure>,
    ) -> EmuResponse {
        let redirect_uri = params.get("redirect_uri").unwrap_or("");
        let description;
        let mut error_fields: Vec<(&str, &str)> = Vec::new();
        let fields = match outcome {
            Ok(f) => f,
            Err(failure) => {
                description = failure.description(&self.stamp(ctx));
                error_fields.push(("error", &failure.error));
                error_fields.push(("error_description", &description));
                if let Some(state) = params.get("state") {
                    error_fields.push(("state", state));
                }
                &error_fields
            }
        };
        match params.get("response_mode").unwrap_or("query") {
            "form_post" => EmuResponse::html(200, pages::form_post(redirect_uri, fields)),
            mode => {
                let mut encoded = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in fields {
                    encoded.append_pair(k, v);
                }
                let encoded = encoded.finish();
                let location = if mode == "fragment" {
                    format!("{redirect_uri}#{encoded}")
                } else if redirect_uri.contains('?') {
                    format!("{redirect_uri}&{encoded}")
                } else {
                    format!("{redirect_uri}?{encoded}")
                };
                EmuResponse::redirect(&location)
            }
        }
    }

    fn error_page(&self, ctx: &Ctx, f: &Failure) -> EmuResponse {
        EmuResponse::html(
            400,
            pages::message_page(
                "Sorry, but we're having trouble signing you in.",
                &f.description(&self.stamp(ctx)),
            ),
        )
    }

    /// The `authorization_code` grant.
    pub(super) fn authorization_code_grant(
        &self,
        form: &Params,
        segment: &str,
        client_id: &str,
        ctx: &Ctx,
    ) -> Result<EmuResponse, Failure> {
        let code = form.required("code")?;
        let redirect_uri = form.required("redirect_uri")?;
        let (oid, mfa_done, scope, nonce, claims) = {
            let mut st = self.lock();
            let Some(pending) = st.auth_codes.get_mut(code) else {
                return Err(Failure::code_invalid());
            };
            if pending.redeemed {
                return Err(Failure::code_redeemed());
            }
            // Any attempt uses the code up, so a stolen code cannot be tried twice.
            pending.redeemed = true;
            if ctx.now_ms >= pending.expires_at_ms
                || !pending.client_id.eq_ignore_ascii_case(client_id)
            {
                return Err(Failure::code_invalid());
            }
            if pending.redirect_uri != redirect_uri {
                return Err(Failure::redirect_mismatch(redirect_uri));
            }
            if let Some(challenge) = &pending.code_challenge {
                let verifier = form.get("code_verifier").unwrap_or("");
                let computed = if pending.code_challenge_method.eq_ignore_ascii_case("S256") {
                    pkce_s256(verifier)
                } else {
                    verifier.to_string()
                };
                if verifier.is_empty()
                    || !constant_time_eq(computed.as_bytes(), challenge.as_bytes())
                {
                    return Err(Failure::pkce_mismatch());
                }
            }
            (
                pending.oid.clone(),
                pending.mfa_done.clone(),
                pending.scope.clone(),
                pending.nonce.clone(),
                pending.claims.clone(),
            )
        };
        let user = self
            .scenario
            .user_by_oid(&oid)
            .ok_or_else(Failure::code_invalid)?;
        let scope = form.non_empty("scope").unwrap_or(&scope).to_string();
        self.issue_user_tokens(
            ctx,
            segment,
            Issue {
                claims: form.non_empty("claims").or(claims.as_deref()),
                mfa_done,
                nonce: nonce.as_deref(),
                ..Issue::new(form, user, client_id, &scope, ctx.now())
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::scenario::Scenario;
    use super::super::tokens::jwt_claims;
    use super::*;

    const BASE: &str = "http://127.0.0.1:7777";
    const CLI: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    const REDIRECT: &str = "http://localhost:53123";
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const T0: u64 = 1_800_000_000_000;

    fn authorize_query(mode: &str) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("client_id", CLI)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", REDIRECT)
            .append_pair(
                "scope",
                "http://127.0.0.1:7777//.default openid profile offline_access",
            )
            .append_pair("state", "st<ate>")
            .append_pair("code_challenge", CHALLENGE)
            .append_pair("code_challenge_method", "S256")
            .append_pair("nonce", "n0nce")
            .append_pair("response_mode", mode)
            .append_pair("client_info", "1")
            .append_pair("prompt", "select_account");
        q.finish()
    }

    /// `GET /organizations/oauth2/v2.0/authorize?{query}` at `T0`.
    fn get_authorize(r: &Responder, query: &str) -> EmuResponse {
        r.handle(
            EmuRequest::get(&format!("/organizations/oauth2/v2.0/authorize?{query}")),
            T0,
        )
    }

    /// Plays the browser: loads the page, posts its form (hidden fields plus credentials).
    fn sign_in(r: &Responder, mode: &str, password: &str) -> EmuResponse {
        let page = get_authorize(r, &authorize_query(mode));
        assert_eq!(page.status, 200);
        let html = page.text();
        assert!(html.contains("<button id=\"signin\""), "{html}");
        assert!(
            html.contains("value=\"user@contoso.example\""),
            "prefilled: {html}"
        );
        let mut pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(authorize_query(mode).as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        pairs.push(("username".into(), "user@contoso.example".into()));
        pairs.push(("password".into(), password.into()));
        pairs.push(("action".into(), "signin".into()));
        r.handle(
            EmuRequest::post_form(
                "/organizations/oauth2/v2.0/authorize",
                pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ),
            T0 + 1_000,
        )
    }

    fn redeem(r: &Responder, code: &str, verifier: &str, redirect: &str) -> EmuResponse {
        r.handle(
            EmuRequest::post_form(
                "/organizations/oauth2/v2.0/token",
                [
                    ("client_id", CLI),
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("redirect_uri", redirect),
                    ("code_verifier", verifier),
                    (
                        "scope",
                        "http://127.0.0.1:7777//.default openid profile offline_access",
                    ),
                    ("client_info", "1"),
                ],
            ),
            T0 + 2_000,
        )
    }

    fn hidden_value(html: &str, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        html.split(&marker)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn form_post_code_redeems_once_with_pkce_and_nonce() {
        let r = Responder::with_seed(Scenario::default_scenario(), BASE, 11);
        let answer = sign_in(&r, "form_post", "Passw0rd!");
        assert_eq!(answer.status, 200);
        let html = answer.text();
        assert!(html.contains(&format!("action=\"{REDIRECT}\"")), "{html}");
        assert!(html.contains("document.forms[0].submit()"));
        assert_eq!(hidden_value(&html, "state"), "st&lt;ate&gt;");
        assert!(!hidden_value(&html, "client_info").is_empty());
        let code = hidden_value(&html, "code");
        assert!(code.starts_with("0.A"), "{code}");

        let wrong_redirect = redeem(&r, &code, VERIFIER, "http://localhost:1");
        assert_eq!(
            wrong_redirect.json()["error_codes"],
            serde_json::json!([50011])
        );
        // The failed attempt used the code up.
        let reused = redeem(&r, &code, VERIFIER, REDIRECT);
        assert_eq!(reused.json()["error_codes"], serde_json::json!([54005]));

        let answer = sign_in(&r, "form_post", "Passw0rd!");
        let code = hidden_value(&answer.text(), "code");
        let ok = redeem(&r, &code, VERIFIER, REDIRECT);
        assert_eq!(ok.status, 200, "{}", ok.text());
        let body = ok.json();
        let id = jwt_claims(body["id_token"].as_str().unwrap_or_default()).expect("ID token");
        assert_eq!(id["nonce"], "n0nce");
        let at = jwt_claims(body["access_token"].as_str().unwrap_or_default()).expect("AT");
        assert_eq!(at["amr"], serde_json::json!(["pwd", "mfa"]));

        let answer = sign_in(&r, "form_post", "Passw0rd!");
        let code = hidden_value(&answer.text(), "code");
        let bad_pkce = redeem(
            &r,
            &code,
            "not-the-verifier-at-all-not-the-verifier-at",
            REDIRECT,
        );
        assert_eq!(bad_pkce.json()["error_codes"], serde_json::json!([501481]));
        assert_eq!(
            redeem(&r, "0.Anever-issued", VERIFIER, REDIRECT).json()["error_codes"],
            serde_json::json!([70008])
        );
    }

    #[test]
    fn query_mode_redirects_and_errors_reach_the_redirect_uri() {
        let r = Responder::with_seed(Scenario::default_scenario(), BASE, 12);
        let answer = sign_in(&r, "query", "Passw0rd!");
        assert_eq!(answer.status, 302);
        let location = answer.header("location").unwrap_or_default().to_string();
        assert!(
            location.starts_with("http://localhost:53123?code=0.A"),
            "{location}"
        );
        assert!(location.contains("state=st%3Cate%3E"), "{location}");

        let wrong = sign_in(&r, "query", "nope");
        assert_eq!(wrong.status, 400);
        assert!(
            wrong
                .text()
                .contains("Your account or password is incorrect")
        );

        let cancel = r.handle(
            EmuRequest::post_form(
                "/organizations/oauth2/v2.0/authorize",
                [
                    ("client_id", CLI),
                    ("response_type", "code"),
                    ("redirect_uri", REDIRECT),
                    ("response_mode", "form_post"),
                    ("state", "s"),
                    ("action", "cancel"),
                ],
            ),
            T0,
        );
        let html = cancel.text();
        assert_eq!(hidden_value(&html, "error"), "access_denied");
        assert!(
            hidden_value(&html, "error_description").starts_with("AADSTS65004:"),
            "{html}"
        );

        let forced = get_authorize(
            &r,
            &format!("{}&emulator_error=server_error", authorize_query("query")),
        );
        let location = forced.header("location").unwrap_or_default();
        assert!(location.contains("error=server_error"), "{location}");

        let no_redirect = get_authorize(&r, &format!("client_id={CLI}&response_type=code"));
        assert_eq!(no_redirect.status, 400);
    }

    #[test]
    fn auto_approve_and_scenario_error() {
        let mut s = Scenario::default_scenario();
        s.authorize.auto_approve = Some("user@contoso.example".into());
        let r = Responder::with_seed(s, BASE, 13);
        let answer = get_authorize(&r, &authorize_query("form_post"));
        let code = hidden_value(&answer.text(), "code");
        assert_eq!(redeem(&r, &code, VERIFIER, REDIRECT).status, 200);

        let mut s = Scenario::default_scenario();
        s.authorize.error = Some(super::super::scenario::ErrorSpec {
            error: "access_denied".into(),
            code: 50105,
            description: "Your administrator has configured the application to block users.".into(),
        });
        let r = Responder::with_seed(s, BASE, 14);
        let answer = get_authorize(&r, &authorize_query("query"));
        let location = answer.header("location").unwrap_or_default();
        assert!(
            location.contains("error=access_denied") && location.contains("AADSTS50105"),
            "{location}"
        );
    }
}
