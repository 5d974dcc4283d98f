//! `POST /{tenant}/oauth2/v2.0/token`: the grants, and the one place user tokens are minted.

use serde_json::{Value, json};

use super::errors::{ARM_APP_ID, Failure};
use super::message::{EmuRequest, EmuResponse, Params};
use super::responder::{Authority, Ctx, Responder};
use super::scenario::{ServicePrincipal, Tenant, User};
use super::scope::{self, ScopeRequest};
use super::tokens::{RefreshGrant, b64url, client_info, constant_time_eq, derived_guid, puid};

/// The device-code grant type (RFC 8628).
pub(crate) const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Lifetime of ID tokens, as Entra issues them.
const ID_TOKEN_LIFETIME: u64 = 3600;

/// Microsoft Graph's app id, named in MFA errors for Graph tokens.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// Who a grant speaks for.
#[derive(Clone, Copy)]
pub(super) enum Principal<'a> {
    /// A person.
    User(&'a User),
    /// An application (client credentials).
    App(&'a ServicePrincipal),
}

/// What a user grant established, ready to become tokens.
pub(super) struct Issue<'a> {
    pub(super) user: &'a User,
    pub(super) client_id: &'a str,
    pub(super) scope: &'a str,
    /// The raw `claims` request parameter.
    pub(super) claims: Option<&'a str>,
    /// Whether `client_info=1` was sent.
    pub(super) client_info: bool,
    /// Tenants where the user completed MFA in the sign-in behind this grant.
    pub(super) mfa_done: Vec<String>,
    /// The authorize request's nonce, echoed in the ID token.
    pub(super) nonce: Option<&'a str>,
    /// When the user signed in (unix seconds); refresh tokens keep it across rotations.
    pub(super) auth_time: u64,
}

impl<'a> Issue<'a> {
    /// A grant for `user` carrying what the token request itself says (`claims`,
    /// `client_info`), signed in at `auth_time`, with no MFA done and no nonce.
    pub(super) fn new(
        form: &'a Params,
        user: &'a User,
        client_id: &'a str,
        scope: &'a str,
        auth_time: u64,
    ) -> Self {
        Self {
            user,
            client_id,
            scope,
            claims: form.non_empty("claims"),
            client_info: form.get("client_info") == Some("1"),
            mfa_done: Vec::new(),
            nonce: None,
            auth_time,
        }
    }
}

impl Responder {
    pub(super) fn token(&self, req: &EmuRequest, segment: &str, ctx: &mut Ctx) -> EmuResponse {
        let form = req.form_params();
        ctx.grant_type = form.non_empty("grant_type").map(str::to_string);
        ctx.client_id = form.non_empty("client_id").map(str::to_string);
        match self.token_grant(&form, segment, ctx) {
            Ok(r) => r,
            Err(f) => self.entra_error(ctx, &f),
        }
    }

    fn token_grant(&self, form: &Params, segment: &str, ctx: &Ctx) -> Result<EmuResponse, Failure> {
        if self.authority(segment).is_none() {
            return Err(Failure::tenant_not_found("invalid_request", segment));
        }
        let grant = form.required("grant_type")?;
        let client_id = form.required("client_id")?;
        match grant {
            "password" => self.password_grant(form, segment, client_id, ctx),
            "refresh_token" => self.refresh_grant(form, segment, client_id, ctx),
            "authorization_code" => self.authorization_code_grant(form, segment, client_id, ctx),
            "client_credentials" => self.client_credentials_grant(form, segment, client_id, ctx),
            DEVICE_CODE_GRANT => self.device_code_grant(form, segment, client_id, ctx),
            other => Err(Failure::unsupported_grant_type(other)),
        }
    }

    /// Resource owner password credentials: never satisfies MFA.
    fn password_grant(
        &self,
        form: &Params,
        segment: &str,
        client_id: &str,
        ctx: &Ctx,
    ) -> Result<EmuResponse, Failure> {
        let username = form.required("username")?;
        // An empty password is a wrong one, not a missing one.
        let password = form
            .get("password")
            .ok_or_else(|| Failure::missing_parameter("password"))?;
        let scope = form.required("scope")?;
        let user = self
            .scenario
            .user(username)
            .ok_or_else(|| Failure::unknown_user(&self.directory_label(segment)))?;
        if !constant_time_eq(user.password.as_bytes(), password.as_bytes()) {
            return Err(Failure::bad_credentials());
        }
        self.issue_user_tokens(
            ctx,
            segment,
            Issue::new(form, user, client_id, scope, ctx.now()),
        )
    }

    /// Refresh tokens work for any tenant the user sees and for any client (FOCI), and rotate.
    fn refresh_grant(
        &self,
        form: &Params,
        segment: &str,
        client_id: &str,
        ctx: &Ctx,
    ) -> Result<EmuResponse, Failure> {
        let token = form.required("refresh_token")?;
        let scope = form.required("scope")?;
        let grant = self
            .key
            .open_refresh_token(token)
            .ok_or_else(Failure::invalid_refresh_token)?;
        let user = self
            .scenario
            .user_by_oid(&grant.oid)
            .ok_or_else(Failure::invalid_refresh_token)?;
        self.issue_user_tokens(
            ctx,
            segment,
            Issue {
                mfa_done: grant.mfa,
                ..Issue::new(form, user, client_id, scope, grant.iat)
            },
        )
    }

    /// The checks every grant makes before minting, in one place: the tenant segment is one
    /// where this principal gets tokens (the user sees it; the app lives there), a user's
    /// client is one the scenario accepts, and the tenant is not set to fail.
    pub(super) fn admit(
        &self,
        segment: &str,
        client_id: &str,
        principal: Principal<'_>,
    ) -> Result<&Tenant, Failure> {
        let tenant = match principal {
            Principal::User(user) => {
                let tenant = self.token_tenant(segment, user, client_id)?;
                self.check_client(client_id, &tenant_label(tenant))?;
                tenant
            }
            Principal::App(sp) => match self.authority(segment) {
                Some(Authority::Tenant(t)) if t.id.eq_ignore_ascii_case(&sp.tenant) => t,
                _ => {
                    return Err(Failure::unknown_client(
                        client_id,
                        &self.directory_label(segment),
                    ));
                }
            },
        };
        injected_failure(tenant)?;
        Ok(tenant)
    }

    /// Mints the answer of every user grant, after the checks every tenant applies: the
    /// user sees the tenant, the tenant is not set to fail, MFA is satisfied where demanded.
    pub(super) fn issue_user_tokens(
        &self,
        ctx: &Ctx,
        segment: &str,
        issue: Issue<'_>,
    ) -> Result<EmuResponse, Failure> {
        let user = issue.user;
        let tenant = self.admit(segment, issue.client_id, Principal::User(user))?;
        let scopes = scope::parse(issue.scope)?;
        let mfa_here = issue
            .mfa_done
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&tenant.id));
        if (tenant.mfa_required || user.mfa_required) && !mfa_here {
            let policy = derived_guid(&["conditional-access", &tenant.id]);
            return Err(Failure::mfa_required(
                &self.resource_app(&scopes.resource),
                &policy,
            ));
        }
        let now = ctx.now();
        let lifetime = self.scenario.access_token_lifetime_secs;
        let access_token = self.user_access_token(ctx, user, tenant, &issue, &scopes, mfa_here);
        let refresh_token = self.key.seal_refresh_token(&RefreshGrant {
            oid: user.oid.clone(),
            cid: issue.client_id.to_string(),
            mfa: issue.mfa_done.clone(),
            iat: issue.auth_time,
            n: hex(&self.lock().random_bytes::<4>()),
        });
        let mut body = json!({
            "token_type": "Bearer",
            "scope": scopes.granted,
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access_token,
            "refresh_token": refresh_token,
            "foci": "1",
        });
        if let Some(obj) = body.as_object_mut() {
            if scopes.openid {
                let id_token = self.id_token(user, tenant, &issue, now);
                obj.insert("id_token".into(), json!(id_token));
            }
            if issue.client_info {
                obj.insert(
                    "client_info".into(),
                    json!(client_info(&user.oid, &user.home_tenant)),
                );
            }
        }
        Ok(EmuResponse::json_status(200, &body))
    }

    fn user_access_token(
        &self,
        ctx: &Ctx,
        user: &User,
        tenant: &Tenant,
        issue: &Issue<'_>,
        scopes: &ScopeRequest,
        mfa: bool,
    ) -> String {
        let now = ctx.now();
        let (aio, uti) = self.token_nonces();
        let name = user.name();
        let (given, family) = name.split_once(' ').unwrap_or((name, ""));
        let amr = if mfa {
            json!(["pwd", "mfa"])
        } else {
            json!(["pwd"])
        };
        let mut claims = json!({
            "aud": scopes.resource,
            "iss": sts(&tenant.id),
            "iat": now,
            "nbf": now,
            "exp": now + self.scenario.access_token_lifetime_secs,
            "acr": "1",
            "aio": aio,
            "amr": amr,
            "appid": issue.client_id,
            "appidacr": "0",
            "family_name": family,
            "given_name": given,
            "idtyp": "user",
            "ipaddr": "127.0.0.1",
            "name": name,
            "oid": user.oid,
            "puid": puid(&user.oid),
            "rh": "0.emulator.",
            "scp": scopes.scp,
            "sub": derived_guid(&["sub", &user.oid, issue.client_id]),
            "tid": tenant.id,
            "unique_name": user.username,
            "upn": user.username,
            "uti": uti,
            "ver": "1.0",
        });
        if let Some(obj) = claims.as_object_mut() {
            if asks_for_cp1(issue.claims) {
                obj.insert("xms_cc".into(), json!(["CP1"]));
            }
            // A claims challenge for an authentication context is met in the token, as Entra does.
            if let Some(acrs) = requested_acrs(issue.claims) {
                obj.insert("acrs".into(), json!(acrs));
            }
            // A guest's token names the home directory as the identity provider.
            if !tenant.id.eq_ignore_ascii_case(&user.home_tenant) {
                obj.insert("idp".into(), json!(sts(&user.home_tenant)));
                obj.insert("altsecid".into(), json!(format!("5::{}", puid(&user.oid))));
            }
        }
        self.key.sign_jwt(&claims)
    }

    fn id_token(&self, user: &User, tenant: &Tenant, issue: &Issue<'_>, now: u64) -> String {
        let (_, uti) = self.token_nonces();
        let mut claims = json!({
            "aud": issue.client_id,
            "iss": format!("{}/{}/v2.0", self.base_url, tenant.id),
            "iat": now,
            "nbf": now,
            "exp": now + ID_TOKEN_LIFETIME,
            "name": user.name(),
        });
        if let Some(obj) = claims.as_object_mut() {
            if let Some(n) = issue.nonce {
                obj.insert("nonce".into(), json!(n));
            }
            let rest = [
                ("oid", json!(user.oid)),
                ("preferred_username", json!(user.username)),
                ("rh", json!("0.emulator.")),
                ("sid", json!(derived_guid(&["sid", &user.oid]))),
                (
                    "sub",
                    json!(derived_guid(&["sub", &user.oid, issue.client_id])),
                ),
                ("tid", json!(tenant.id)),
                ("uti", json!(uti)),
                ("ver", json!("2.0")),
            ];
            for (k, v) in rest {
                obj.insert(k.into(), v);
            }
        }
        self.key.sign_jwt(&claims)
    }

    /// Random `aio` (32 chars) and `uti` (22 chars) claim values.
    pub(super) fn token_nonces(&self) -> (String, String) {
        let mut st = self.lock();
        (
            b64url(&st.random_bytes::<24>()),
            b64url(&st.random_bytes::<16>()),
        )
    }

    /// The app id Entra names for a resource in AADSTS50076.
    fn resource_app(&self, resource: &str) -> String {
        if self.is_self_url(resource)
            || resource.trim_end_matches('/') == "https://management.core.windows.net"
        {
            ARM_APP_ID.to_string()
        } else if resource.starts_with("https://graph.microsoft.com") {
            GRAPH_APP_ID.to_string()
        } else {
            resource.to_string()
        }
    }

    /// How a tenant segment is named in errors: the tenant's display name, else the segment.
    pub(super) fn directory_label(&self, segment: &str) -> String {
        match self.authority(segment) {
            Some(Authority::Tenant(t)) => tenant_label(t),
            _ => segment.to_string(),
        }
    }
}

fn tenant_label(t: &Tenant) -> String {
    t.display_name.clone().unwrap_or_else(|| t.id.clone())
}

/// The error a scenario injects into every token request at `tenant`, if any.
fn injected_failure(tenant: &Tenant) -> Result<(), Failure> {
    match &tenant.fail_token {
        Some(spec) => Err(Failure::injected(spec)),
        None => Ok(()),
    }
}

/// The v1 token issuer (and identity provider) URL of a tenant.
fn sts(tenant_id: &str) -> String {
    format!("https://sts.windows.net/{tenant_id}/")
}

/// Whether the `claims` parameter asks for the CP1 client capability (CAE).
fn asks_for_cp1(claims: Option<&str>) -> bool {
    let Some(v) = claims.and_then(|c| serde_json::from_str::<Value>(c).ok()) else {
        return false;
    };
    v["access_token"]["xms_cc"]["values"]
        .as_array()
        .is_some_and(|vals| vals.iter().any(|x| x == "CP1"))
}

/// The authentication contexts a `claims` parameter asks for (`access_token.acrs.value(s)`).
fn requested_acrs(claims: Option<&str>) -> Option<Vec<String>> {
    let v = claims.and_then(|c| serde_json::from_str::<Value>(c).ok())?;
    let acrs = &v["access_token"]["acrs"];
    let values: Vec<String> = match (&acrs["value"], &acrs["values"]) {
        (Value::String(one), _) => vec![one.clone()],
        (_, Value::Array(many)) => many
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    (!values.is_empty()).then_some(values)
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::super::message::object_keys;
    use super::super::scenario::{Scenario, ServicePrincipal};
    use super::super::tokens::jwt_claims;
    use super::*;

    const BASE: &str = "https://localhost:8443";
    const CLI: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    const ARM_SCOPE: &str = "https://localhost:8443//.default openid profile offline_access";
    const CP1: &str = r#"{"access_token": {"xms_cc": {"values": ["CP1"]}}}"#;
    const NOW_MS: u64 = 1_795_572_234_000;
    const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
    const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
    const WOODGROVE: &str = "33333333-3333-4333-8333-333333333333";

    fn responder() -> Responder {
        let mut s = Scenario::default_scenario();
        s.service_principals.push(ServicePrincipal {
            client_id: "5a1e0000-0000-4000-8000-00000000c0de".into(),
            secret: "s3cret".into(),
            tenant: CONTOSO.into(),
            object_id: None,
            certificates: Vec::new(),
            trusted_subjects: Vec::new(),
            federated_credentials: Vec::new(),
        });
        Responder::with_seed(s, BASE, 42)
    }

    fn password(r: &Responder, tenant: &str, pw: &str) -> EmuResponse {
        r.handle(
            EmuRequest::post_form(
                &format!("/{tenant}/oauth2/v2.0/token"),
                [
                    ("client_id", CLI),
                    ("grant_type", "password"),
                    ("username", "user@contoso.example"),
                    ("password", pw),
                    ("scope", ARM_SCOPE),
                    ("client_info", "1"),
                    ("claims", CP1),
                ],
            ),
            NOW_MS,
        )
    }

    fn refresh(r: &Responder, tenant: &str, rt: &str) -> EmuResponse {
        r.handle(
            EmuRequest::post_form(
                &format!("/{tenant}/oauth2/v2.0/token"),
                [
                    ("client_id", CLI),
                    ("grant_type", "refresh_token"),
                    ("refresh_token", rt),
                    ("scope", ARM_SCOPE),
                    ("client_info", "1"),
                ],
            ),
            NOW_MS + 1000,
        )
    }

    #[test]
    fn password_grant_matches_the_reference_token_shape() {
        let r = responder();
        let resp = password(&r, "organizations", "Passw0rd!");
        assert_eq!(resp.status, 200, "{}", resp.text());
        let body = resp.json();
        assert_eq!(
            object_keys(&body),
            [
                "token_type",
                "scope",
                "expires_in",
                "ext_expires_in",
                "access_token",
                "refresh_token",
                "foci",
                "id_token",
                "client_info"
            ]
        );
        assert_eq!(
            body["scope"],
            "https://localhost:8443//user_impersonation https://localhost:8443//.default"
        );
        assert_eq!(body["expires_in"], 4799);
        assert_eq!(
            body["client_info"],
            client_info("aaaaaaaa-0000-4000-8000-000000000001", CONTOSO)
        );
        let at = jwt_claims(body["access_token"].as_str().unwrap_or_default()).expect("AT");
        assert_eq!(at["aud"], "https://localhost:8443/");
        assert_eq!(at["iss"], format!("https://sts.windows.net/{CONTOSO}/"));
        assert_eq!(at["tid"], CONTOSO);
        assert_eq!(at["exp"].as_u64(), Some(NOW_MS / 1000 + 4799));
        assert_eq!(at["xms_cc"], json!(["CP1"]));
        assert_eq!(at["amr"], json!(["pwd"]));
        assert_eq!(at["given_name"], "Test");
        assert_eq!(at["family_name"], "User");
        assert_eq!(at["appid"], CLI);
        assert!(at.get("idp").is_none());
        // The reference example's claim order.
        assert_eq!(
            object_keys(&at),
            [
                "aud",
                "iss",
                "iat",
                "nbf",
                "exp",
                "acr",
                "aio",
                "amr",
                "appid",
                "appidacr",
                "family_name",
                "given_name",
                "idtyp",
                "ipaddr",
                "name",
                "oid",
                "puid",
                "rh",
                "scp",
                "sub",
                "tid",
                "unique_name",
                "upn",
                "uti",
                "ver",
                "xms_cc"
            ]
        );
        let id = jwt_claims(body["id_token"].as_str().unwrap_or_default()).expect("ID token");
        assert_eq!(id["aud"], CLI);
        assert_eq!(id["iss"], format!("{BASE}/{CONTOSO}/v2.0"));
        assert_eq!(id["preferred_username"], "user@contoso.example");
        assert_eq!(id["exp"].as_u64(), Some(NOW_MS / 1000 + 3600));
        assert!(
            r.key
                .verify_jwt(body["access_token"].as_str().unwrap_or_default())
                .is_some()
        );
    }

    #[test]
    fn password_errors() {
        let r = responder();
        let bad = password(&r, "organizations", "wrong");
        assert_eq!(bad.status, 400);
        let b = bad.json();
        assert_eq!(b["error"], "invalid_grant");
        assert_eq!(b["error_codes"], json!([50126]));
        let mfa = password(&r, WOODGROVE, "Passw0rd!");
        let m = mfa.json();
        assert_eq!(m["error_codes"], json!([50076]));
        assert_eq!(m["suberror"], "basic_action");
        assert!(m["claims"].as_str().is_some_and(|c| c.contains("capolids")));
        assert!(
            m["error_description"].as_str().is_some_and(|d| d.starts_with(
                "AADSTS50076: Due to a configuration change made by your administrator, or because you \
                 moved to a new location, you must use multi-factor authentication to access \
                 '797f4846-ba00-4fd7-ba43-dac1f8f63013'. Trace ID: "
            )),
            "{m}"
        );
        let desc = m["error_description"].as_str().unwrap_or_default();
        assert!(desc.ends_with("Timestamp: 2026-11-25 02:03:54Z"), "{desc}");
        assert_eq!(m["timestamp"], "2026-11-25 02:03:54Z");
        let unknown_tenant = password(&r, "nowhere.example", "Passw0rd!");
        assert_eq!(unknown_tenant.json()["error_codes"], json!([90002]));
        let missing = r.handle(
            EmuRequest::post_form(
                "/organizations/oauth2/v2.0/token",
                [("grant_type", "password")],
            ),
            NOW_MS,
        );
        assert_eq!(missing.json()["error_codes"], json!([900144]));
        let unsupported = r.handle(
            EmuRequest::post_form(
                "/organizations/oauth2/v2.0/token",
                [("grant_type", "magic"), ("client_id", CLI)],
            ),
            NOW_MS,
        );
        assert_eq!(unsupported.json()["error"], "unsupported_grant_type");
    }

    #[test]
    fn refresh_tokens_cross_tenants_rotate_and_refuse_forgeries() {
        let r = responder();
        let first = password(&r, "organizations", "Passw0rd!").json();
        let rt = first["refresh_token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let fab = refresh(&r, FABRIKAM, &rt);
        assert_eq!(fab.status, 200, "{}", fab.text());
        let fb = fab.json();
        let at = jwt_claims(fb["access_token"].as_str().unwrap_or_default()).expect("AT");
        assert_eq!(at["tid"], FABRIKAM);
        assert_eq!(at["idp"], format!("https://sts.windows.net/{CONTOSO}/"));
        assert!(at.get("xms_cc").is_none(), "no CP1 asked");
        let rotated = fb["refresh_token"].as_str().unwrap_or_default();
        assert_ne!(rotated, rt);
        assert_eq!(refresh(&r, CONTOSO, rotated).status, 200);
        // MFA tenants refuse a grant that never did MFA there.
        let wood = refresh(&r, WOODGROVE, &rt).json();
        assert_eq!(wood["error_codes"], json!([50076]));
        // Another emulator's (or an edited) token is refused.
        let other = Responder::with_seed(Scenario::default_scenario(), BASE, 43);
        let foreign = password(&other, "organizations", "Passw0rd!").json();
        let bad = refresh(
            &r,
            CONTOSO,
            foreign["refresh_token"].as_str().unwrap_or_default(),
        );
        assert_eq!(bad.json()["error_codes"], json!([9002313]));
    }

    #[test]
    fn failing_tenants_and_membership() {
        // Fabrikam fails every token request with a revoked grant.
        let revoking = || {
            let mut s = Scenario::default_scenario();
            s.tenants[1].fail_token = Some(super::super::scenario::ErrorSpec {
                error: "invalid_grant".into(),
                code: 50173,
                description: "The provided grant has expired due to it being revoked.".into(),
            });
            s
        };
        let mut s = revoking();
        s.members = Some(vec![]);
        let r = Responder::with_seed(s, BASE, 1);
        let first = password(&r, "organizations", "Passw0rd!").json();
        let rt = first["refresh_token"].as_str().unwrap_or_default();
        let fab = refresh(&r, FABRIKAM, rt).json();
        // Not a member any more: membership is checked before the injected failure.
        assert_eq!(fab["error_codes"], json!([50020]));
        let r = Responder::with_seed(revoking(), BASE, 1);
        let first = password(&r, "organizations", "Passw0rd!").json();
        let rt = first["refresh_token"].as_str().unwrap_or_default();
        let fab = refresh(&r, FABRIKAM, rt).json();
        assert_eq!(fab["error_codes"], json!([50173]));
        assert!(
            fab["error_description"]
                .as_str()
                .is_some_and(|d| d.starts_with("AADSTS50173: The provided grant has expired")),
            "{fab}"
        );
    }

    #[test]
    fn client_credentials() {
        let r = responder();
        let call = |tenant: &str, secret: &str, scope: &str| {
            r.handle(
                EmuRequest::post_form(
                    &format!("/{tenant}/oauth2/v2.0/token"),
                    [
                        ("client_id", "5a1e0000-0000-4000-8000-00000000c0de"),
                        ("grant_type", "client_credentials"),
                        ("client_secret", secret),
                        ("scope", scope),
                    ],
                ),
                NOW_MS,
            )
        };
        let ok = call(CONTOSO, "s3cret", "https://localhost:8443//.default");
        assert_eq!(ok.status, 200, "{}", ok.text());
        let body = ok.json();
        assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
        assert!(body.get("client_info").is_none());
        let at = jwt_claims(body["access_token"].as_str().unwrap_or_default()).expect("AT");
        assert_eq!(at["idtyp"], "app");
        assert_eq!(at["aud"], "https://localhost:8443/");
        let bad = call(CONTOSO, "nope", "https://localhost:8443//.default");
        assert_eq!(bad.status, 401);
        assert_eq!(bad.json()["error_codes"], json!([7000215]));
        let wrong_tenant = call(FABRIKAM, "s3cret", "https://localhost:8443//.default");
        assert_eq!(wrong_tenant.json()["error_codes"], json!([700016]));
        let scope = call(CONTOSO, "s3cret", "https://localhost:8443/read");
        assert_eq!(scope.json()["error_codes"], json!([1002012]));
        let unknown = r.handle(
            EmuRequest::post_form(
                &format!("/{CONTOSO}/oauth2/v2.0/token"),
                [
                    ("client_id", "00000000-0000-0000-0000-00000000dead"),
                    ("grant_type", "client_credentials"),
                    ("client_secret", "x"),
                    ("scope", "https://localhost:8443//.default"),
                ],
            ),
            NOW_MS,
        );
        assert_eq!(unknown.json()["error"], "unauthorized_client");
    }

    #[test]
    fn restricted_client_list() {
        let mut s = Scenario::default_scenario();
        s.clients = Some(vec![CLI.into()]);
        let r = Responder::with_seed(s, BASE, 3);
        assert_eq!(password(&r, "organizations", "Passw0rd!").status, 200);
        let other = r.handle(
            EmuRequest::post_form(
                "/organizations/oauth2/v2.0/token",
                [
                    ("client_id", "someone-else"),
                    ("grant_type", "password"),
                    ("username", "user@contoso.example"),
                    ("password", "Passw0rd!"),
                    ("scope", ARM_SCOPE),
                ],
            ),
            NOW_MS,
        );
        assert_eq!(other.json()["error_codes"], json!([700016]));
        let log = r.request_log();
        assert_eq!(log.len(), 2);
        assert_eq!(log[1].client_id.as_deref(), Some("someone-else"));
        assert_eq!(log[1].grant_type.as_deref(), Some("password"));
        assert_eq!(log[1].tenant.as_deref(), Some("organizations"));
        assert_eq!(log[1].status, 400);
        let shown = serde_json::to_string(&log).unwrap_or_default();
        assert!(!shown.contains("Passw0rd!"), "{shown}");
    }
}
