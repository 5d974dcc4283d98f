//! Azure Resource Manager: `GET /tenants`, `GET /subscriptions` (paged with `nextLink`) and
//! `GET /subscriptions/{id}`, for bearer tokens this emulator issued.

use std::ops::Range;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::errors::arm_error;
use super::message::{EmuRequest, EmuResponse};
use super::oidc::missing_api_version;
use super::responder::{Ctx, Responder, entra_timestamp};
use super::scenario::Subscription;

/// Who an access token speaks for.
enum Caller {
    /// A user (by object id) in a tenant.
    User { oid: String, tid: String },
    /// A service principal (by client id) in its tenant.
    App { tid: String },
}

impl Caller {
    fn tenant(&self) -> &str {
        match self {
            Caller::User { tid, .. } | Caller::App { tid } => tid,
        }
    }
}

impl Responder {
    /// `GET /tenants`: the tenants the caller can reach.
    pub(super) fn arm_tenants(&self, req: &EmuRequest, ctx: &mut Ctx) -> EmuResponse {
        let caller = match self.arm_caller(req, ctx) {
            Ok(c) => c,
            Err(r) => return r,
        };
        let tenants: Vec<Value> = match &caller {
            Caller::User { oid, .. } => match self.scenario.user_by_oid(oid) {
                Some(user) => self.scenario.tenants_of(user).map(tenant_json).collect(),
                None => Vec::new(),
            },
            Caller::App { tid } => self
                .scenario
                .tenant(tid)
                .map(tenant_json)
                .into_iter()
                .collect(),
        };
        self.arm_page(req, "/tenants", tenants.len(), |range| {
            tenants[range].to_vec()
        })
    }

    /// `GET /subscriptions`: the subscriptions listed from the token's tenant.
    pub(super) fn arm_subscriptions(&self, req: &EmuRequest, ctx: &mut Ctx) -> EmuResponse {
        let caller = match self.arm_caller(req, ctx) {
            Ok(c) => c,
            Err(r) => return r,
        };
        let positions = self.listed(caller.tenant());
        self.arm_page(req, "/subscriptions", positions.len(), |range| {
            positions[range]
                .iter()
                .map(|&(t, s)| {
                    let (sub, home) = self.scenario.subscription_at(t, s);
                    subscription_json(sub, home)
                })
                .collect()
        })
    }

    /// `GET /subscriptions/{id}`.
    pub(super) fn arm_subscription(
        &self,
        req: &EmuRequest,
        id: &str,
        ctx: &mut Ctx,
    ) -> EmuResponse {
        let caller = match self.arm_caller(req, ctx) {
            Ok(c) => c,
            Err(r) => return r,
        };
        let found = self
            .listed(caller.tenant())
            .iter()
            .map(|&(t, s)| self.scenario.subscription_at(t, s))
            .find(|(s, _)| s.id.eq_ignore_ascii_case(id));
        match found {
            Some((s, home)) => EmuResponse::json_status(200, &subscription_json(s, home)),
            None => arm_error(
                404,
                "SubscriptionNotFound",
                &format!("The subscription '{id}' could not be found."),
            ),
        }
    }

    fn listed(&self, tenant: &str) -> &[(usize, usize)] {
        self.subscription_index
            .get(&tenant.to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Checks `api-version` and the bearer token; the error answer when either is wrong.
    fn arm_caller(&self, req: &EmuRequest, ctx: &mut Ctx) -> Result<Caller, EmuResponse> {
        if req.query_params().non_empty("api-version").is_none() {
            return Err(missing_api_version());
        }
        let unauthorized = |code: &str, message: &str| {
            let mut r = arm_error(401, code, message);
            r.headers.push((
                "WWW-Authenticate".into(),
                format!(
                    "Bearer authorization_uri=\"{}/common\", error=\"invalid_token\", error_description=\"{message}\"",
                    self.base_url
                ),
            ));
            r
        };
        let Some(header) = req.header_value("authorization") else {
            return Err(unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
            ));
        };
        let token = match header.split_once(' ') {
            Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
            _ => {
                return Err(unauthorized(
                    "AuthenticationFailedInvalidHeader",
                    "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                ));
            }
        };
        let Some(claims) = self.key.verify_jwt(token) else {
            return Err(unauthorized(
                "InvalidAuthenticationToken",
                "The access token is invalid.",
            ));
        };
        let exp = claims["exp"].as_u64().unwrap_or(0);
        if exp <= ctx.now() {
            return Err(unauthorized(
                "ExpiredAuthenticationToken",
                &format!(
                    "The access token expiry UTC time '{}' is earlier than current UTC time '{}'.",
                    entra_timestamp(exp),
                    entra_timestamp(ctx.now())
                ),
            ));
        }
        let aud = claims["aud"].as_str().unwrap_or("");
        let arm_audience = self.is_self_url(aud)
            || aud.trim_end_matches('/') == "https://management.core.windows.net"
            || aud.trim_end_matches('/') == "https://management.azure.com";
        if !arm_audience {
            return Err(unauthorized(
                "InvalidAuthenticationTokenAudience",
                &format!(
                    "The access token has been obtained for wrong audience or resource '{aud}'. It \
                     should exactly match with one of the allowed audiences '{}/'.",
                    self.base_url
                ),
            ));
        }
        let tid = claims["tid"].as_str().unwrap_or("").to_string();
        ctx.tenant = Some(tid.clone());
        ctx.client_id = claims["appid"].as_str().map(str::to_string);
        if claims["idtyp"] == "app" {
            Ok(Caller::App { tid })
        } else {
            let oid = claims["oid"].as_str().unwrap_or("").to_string();
            Ok(Caller::User { oid, tid })
        }
    }

    /// One page of `total` items (`render` builds the ones in a range), with a `nextLink` when
    /// more follow. The skip token is the offset.
    fn arm_page(
        &self,
        req: &EmuRequest,
        path: &str,
        total: usize,
        render: impl FnOnce(Range<usize>) -> Vec<Value>,
    ) -> EmuResponse {
        let q = req.query_params();
        let api_version = q.get("api-version").unwrap_or("2022-12-01");
        let offset = match q.get("$skiptoken") {
            None => 0,
            Some(token) => match decode_skip_token(token).filter(|n| *n <= total) {
                Some(n) => n,
                None => {
                    return arm_error(
                        400,
                        "InvalidSkipToken",
                        "The provided skip token is not valid.",
                    );
                }
            },
        };
        let end = offset
            .saturating_add(self.scenario.page_size.max(1))
            .min(total);
        let mut body = json!({ "value": render(offset..end) });
        if end < total {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query
                .append_pair("api-version", api_version)
                .append_pair("$skiptoken", &encode_skip_token(end));
            if let Some(obj) = body.as_object_mut() {
                obj.insert(
                    "nextLink".into(),
                    json!(format!("{}{path}?{}", self.base_url, query.finish())),
                );
            }
        }
        EmuResponse::json_status(200, &body)
    }
}

fn tenant_json(t: &super::scenario::Tenant) -> Value {
    let mut v = json!({
        "id": format!("/tenants/{}", t.id),
        "tenantId": t.id,
        "countryCode": "US",
    });
    if let Some(obj) = v.as_object_mut() {
        // ARM leaves out a display name the tenant does not have.
        if let Some(name) = &t.display_name {
            obj.insert("displayName".into(), json!(name));
        }
        obj.insert("domains".into(), json!(t.all_domains()));
        obj.insert("tenantCategory".into(), json!("Home"));
        obj.insert("defaultDomain".into(), json!(t.default_domain));
        obj.insert("tenantType".into(), json!("AAD"));
    }
    v
}

fn subscription_json(s: &Subscription, home: &str) -> Value {
    let managed: Vec<Value> = s
        .managed_by_tenants
        .iter()
        .map(|t| json!({"tenantId": t}))
        .collect();
    json!({
        "id": format!("/subscriptions/{}", s.id),
        "authorizationSource": "RoleBased",
        "managedByTenants": managed,
        "subscriptionId": s.id,
        "tenantId": home,
        "displayName": s.display_name,
        "state": s.state,
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
    })
}

fn encode_skip_token(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(json!({ "o": offset }).to_string())
}

fn decode_skip_token(token: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v["o"].as_u64().and_then(|n| usize::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use super::super::scenario::Scenario;
    use super::*;

    const BASE: &str = "http://127.0.0.1:8000";
    const CLI: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    const NOW: u64 = 1_800_000_000_000;

    fn token(r: &Responder, tenant: &str) -> String {
        let resp = r.handle(
            EmuRequest::post_form(
                &format!("/{tenant}/oauth2/v2.0/token"),
                [
                    ("client_id", CLI),
                    ("grant_type", "password"),
                    ("username", "user@contoso.example"),
                    ("password", "Passw0rd!"),
                    (
                        "scope",
                        "http://127.0.0.1:8000//.default openid profile offline_access",
                    ),
                ],
            ),
            NOW,
        );
        resp.json()["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn get(r: &Responder, target: &str, at: &str, now: u64) -> EmuResponse {
        r.handle(
            EmuRequest::get(target).header("Authorization", &format!("Bearer {at}")),
            now,
        )
    }

    fn scenario_file(name: &str) -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/scenarios")
            .join(name);
        Scenario::from_file(&path).expect("scenario file")
    }

    #[test]
    fn tenants_and_subscriptions_of_the_default_scenario() {
        let r = Responder::with_seed(Scenario::default_scenario(), BASE, 21);
        let at = token(&r, "organizations");
        let tenants = get(&r, "/tenants?api-version=2022-12-01", &at, NOW).json();
        let list = tenants["value"].as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), 3);
        assert_eq!(
            list[0]["id"],
            "/tenants/11111111-1111-4111-8111-111111111111"
        );
        assert_eq!(list[0]["displayName"], "Contoso");
        assert_eq!(list[0]["domains"], json!(["contoso.example"]));
        assert!(tenants.get("nextLink").is_none());
        let subs = get(&r, "/subscriptions?api-version=2022-12-01", &at, NOW).json();
        let names: Vec<&str> = subs["value"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s["displayName"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["Contoso Production", "Contoso Dev"]);
        assert_eq!(
            subs["value"][0]["tenantId"],
            "11111111-1111-4111-8111-111111111111"
        );
        assert_eq!(subs["value"][0]["managedByTenants"], json!([]));
        let one = get(
            &r,
            "/subscriptions/c0000001-0000-4000-8000-000000000002?api-version=2022-12-01",
            &at,
            NOW,
        );
        assert_eq!(one.json()["displayName"], "Contoso Dev");
        let other = get(
            &r,
            "/subscriptions/c0000003-0000-4000-8000-000000000001?api-version=2022-12-01",
            &at,
            NOW,
        );
        assert_eq!(other.status, 404);
        assert_eq!(other.json()["error"]["code"], "SubscriptionNotFound");
        let log = r.request_log();
        assert_eq!(
            log.last().and_then(|l| l.tenant.as_deref()),
            Some("11111111-1111-4111-8111-111111111111")
        );
    }

    #[test]
    fn bad_tokens_get_arm_errors() {
        let r = Responder::with_seed(Scenario::default_scenario(), BASE, 22);
        let at = token(&r, "organizations");
        let none = r.handle(
            EmuRequest::get("/subscriptions?api-version=2022-12-01"),
            NOW,
        );
        assert_eq!(none.status, 401);
        assert_eq!(none.json()["error"]["code"], "AuthenticationFailed");
        // Same payload, another emulator's key: refused.
        let other = Responder::with_seed(Scenario::default_scenario(), BASE, 23);
        let forged = token(&other, "organizations");
        let bad = get(&r, "/subscriptions?api-version=2022-12-01", &forged, NOW);
        assert_eq!(bad.status, 401);
        assert_eq!(bad.json()["error"]["code"], "InvalidAuthenticationToken");
        assert!(
            bad.header("www-authenticate")
                .is_some_and(|h| h.starts_with("Bearer "))
        );
        let expired = get(
            &r,
            "/subscriptions?api-version=2022-12-01",
            &at,
            NOW + 4_800_000,
        );
        assert_eq!(
            expired.json()["error"]["code"],
            "ExpiredAuthenticationToken"
        );
        let no_version = get(&r, "/subscriptions", &at, NOW);
        assert_eq!(no_version.status, 400);
    }

    #[test]
    fn paging_follows_next_links_to_the_end() {
        let r = Responder::with_seed(scenario_file("paging.json"), BASE, 24);
        let at = token(&r, "organizations");
        let mut target = "/subscriptions?api-version=2022-12-01".to_string();
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let page = get(&r, &target, &at, NOW).json();
            pages += 1;
            for s in page["value"].as_array().cloned().unwrap_or_default() {
                seen.push(s["subscriptionId"].as_str().unwrap_or_default().to_string());
            }
            match page["nextLink"].as_str() {
                Some(next) => {
                    assert!(next.starts_with("http://127.0.0.1:8000/subscriptions?api-version=2022-12-01&%24skiptoken="), "{next}");
                    target = next.trim_start_matches(BASE).to_string();
                }
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen.len(), 250);
        assert_eq!(seen[0], "d0000001-0000-4000-8000-000000000001");
        assert_eq!(seen[249], "d0000250-0000-4000-8000-000000000250");
        let bad = get(
            &r,
            "/subscriptions?api-version=2022-12-01&%24skiptoken=zz",
            &at,
            NOW,
        );
        assert_eq!(bad.status, 400);
    }

    #[test]
    fn a_managed_subscription_is_listed_from_both_tenants() {
        let r = Responder::with_seed(scenario_file("duplicates.json"), BASE, 25);
        let at = token(&r, "organizations");
        let home = get(&r, "/subscriptions?api-version=2022-12-01", &at, NOW).json();
        assert_eq!(home["value"].as_array().map(Vec::len), Some(2));
        let partner_at = token(&r, "44444444-4444-4444-8444-444444444444");
        let partner = get(
            &r,
            "/subscriptions?api-version=2022-12-01",
            &partner_at,
            NOW,
        )
        .json();
        let shared = partner["value"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["displayName"] == "Shared Ops").cloned())
            .expect("shared subscription listed from the managing tenant");
        assert_eq!(shared["tenantId"], "11111111-1111-4111-8111-111111111111");
        assert_eq!(
            shared["managedByTenants"],
            json!([{"tenantId": "44444444-4444-4444-8444-444444444444"}])
        );
    }
}
