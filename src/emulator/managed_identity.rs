//! Managed identity endpoints: IMDS (`GET /metadata/identity/oauth2/token`, header
//! `Metadata: true`), App Service and Functions (`GET /msi/token`, header `X-IDENTITY-HEADER`)
//! and Machine Learning (`GET /msi/auth`, header `secret`). Each answers with the identity the
//! query names (or the system-assigned one) an app-only token, numbers as strings as IMDS sends.

use serde_json::json;

use super::message::{EmuRequest, EmuResponse};
use super::responder::{Ctx, Responder};
use super::scenario::ManagedIdentity;
use super::tokens::constant_time_eq;

/// Which endpoint style a request came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum IdentityEndpoint {
    /// The instance metadata service.
    Imds,
    /// App Service and Functions.
    AppService,
    /// Azure Machine Learning.
    MachineLearning,
}

fn error(status: u16, error: &str, description: &str) -> EmuResponse {
    EmuResponse::json_status(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

impl Responder {
    /// A managed identity token request at one of the three endpoints.
    pub(super) fn managed_identity_token(
        &self,
        req: &EmuRequest,
        endpoint: IdentityEndpoint,
        ctx: &mut Ctx,
    ) -> EmuResponse {
        let settings = &self.scenario.managed_identity;
        let header_ok =
            |name: &str, expected: Option<&String>| match (req.header_value(name), expected) {
                (Some(sent), Some(want)) => constant_time_eq(sent.as_bytes(), want.as_bytes()),
                _ => false,
            };
        match endpoint {
            IdentityEndpoint::Imds => {
                if req.header_value("metadata") != Some("true") {
                    return error(
                        400,
                        "invalid_request",
                        "Required metadata header not specified",
                    );
                }
            }
            IdentityEndpoint::AppService if settings.identity_header.is_none() => {
                return EmuResponse::empty(404);
            }
            IdentityEndpoint::AppService => {
                if !header_ok("x-identity-header", settings.identity_header.as_ref()) {
                    return error(
                        401,
                        "unauthorized",
                        "The X-IDENTITY-HEADER is missing or wrong.",
                    );
                }
            }
            IdentityEndpoint::MachineLearning if settings.msi_secret.is_none() => {
                return EmuResponse::empty(404);
            }
            IdentityEndpoint::MachineLearning => {
                if !header_ok("secret", settings.msi_secret.as_ref()) {
                    return error(
                        401,
                        "unauthorized",
                        "The secret header is missing or wrong.",
                    );
                }
            }
        }
        let query = req.query_params();
        if query.non_empty("api-version").is_none() {
            return error(
                400,
                "invalid_request",
                "Required queryparameter api-version missing",
            );
        }
        let Some(resource) = query.non_empty("resource") else {
            return error(
                400,
                "invalid_request",
                "Required queryparameter resource missing",
            );
        };
        let by = |name: &str| query.non_empty(name);
        let (client_id, object_id, resource_id) = match endpoint {
            IdentityEndpoint::Imds => (by("client_id"), by("object_id"), by("msi_res_id")),
            IdentityEndpoint::AppService => (by("client_id"), by("object_id"), by("mi_res_id")),
            IdentityEndpoint::MachineLearning => (by("clientid"), None, None),
        };
        let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let found: Option<&ManagedIdentity> =
            settings
                .identities
                .iter()
                .find(|mi| match (client_id, object_id, resource_id) {
                    (Some(c), _, _) => eq(&mi.client_id, c),
                    (_, Some(o), _) => eq(&mi.object_id, o),
                    (_, _, Some(r)) => mi.resource_id.as_deref().is_some_and(|id| eq(id, r)),
                    _ => mi.system_assigned,
                });
        let Some(identity) = found else {
            return error(400, "invalid_request", "Identity not found");
        };
        ctx.tenant = Some(identity.tenant.clone());
        ctx.client_id = Some(identity.client_id.clone());
        let now = ctx.now();
        let lifetime = self.scenario.access_token_lifetime_secs;
        let access_token = self.app_access_token(
            ctx,
            resource,
            &identity.tenant,
            &identity.client_id,
            &identity.object_id,
        );
        EmuResponse::json_status(
            200,
            &json!({
                "access_token": access_token,
                "client_id": identity.client_id,
                "expires_in": lifetime.to_string(),
                "expires_on": (now + lifetime).to_string(),
                "ext_expires_in": lifetime.to_string(),
                "not_before": now.to_string(),
                "resource": resource,
                "token_type": "Bearer",
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::scenario::{ManagedIdentity, Scenario};
    use super::super::tokens::jwt_claims;
    use super::*;

    const NOW_MS: u64 = 1_795_572_234_000;
    const TENANT: &str = "11111111-1111-4111-8111-111111111111";

    fn responder() -> Responder {
        let mut s = Scenario::default_scenario();
        s.managed_identity.identity_header = Some("hdr".into());
        s.managed_identity.identities.push(ManagedIdentity {
            tenant: TENANT.into(),
            system_assigned: true,
            client_id: "c1".into(),
            object_id: "o1".into(),
            resource_id: None,
        });
        Responder::with_seed(s, "http://127.0.0.1:9", 7)
    }

    const IMDS: &str = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=http%3A%2F%2F127.0.0.1%3A9%2F";

    #[test]
    fn imds_needs_the_metadata_header_and_answers_strings() {
        let r = responder();
        let refused = r.handle(EmuRequest::get(IMDS), NOW_MS);
        assert_eq!(refused.status, 400);
        assert_eq!(
            refused.json()["error_description"],
            "Required metadata header not specified"
        );
        let ok = r.handle(EmuRequest::get(IMDS).header("Metadata", "true"), NOW_MS);
        assert_eq!(ok.status, 200, "{}", ok.text());
        let body = ok.json();
        assert_eq!(body["expires_on"], (NOW_MS / 1000 + 4799).to_string());
        assert_eq!(body["client_id"], "c1");
        let claims = jwt_claims(body["access_token"].as_str().unwrap_or_default()).expect("jwt");
        assert_eq!(
            (claims["tid"].as_str(), claims["oid"].as_str()),
            (Some(TENANT), Some("o1"))
        );
        assert_eq!(claims["idtyp"], "app");
        let unknown = r.handle(
            EmuRequest::get(&format!("{IMDS}&client_id=zz")).header("Metadata", "true"),
            NOW_MS,
        );
        assert_eq!(unknown.json()["error_description"], "Identity not found");
    }

    #[test]
    fn app_service_checks_its_header_and_machine_learning_is_off_unless_configured() {
        let r = responder();
        let path = "/msi/token?api-version=2019-08-01&resource=r";
        let wrong = r.handle(
            EmuRequest::get(path).header("X-IDENTITY-HEADER", "nope"),
            NOW_MS,
        );
        assert_eq!(wrong.status, 401);
        let ok = r.handle(
            EmuRequest::get(path).header("X-IDENTITY-HEADER", "hdr"),
            NOW_MS,
        );
        assert_eq!(ok.status, 200);
        let off = r.handle(
            EmuRequest::get("/msi/auth?api-version=2017-09-01&resource=r").header("secret", "x"),
            NOW_MS,
        );
        assert_eq!(off.status, 404);
    }
}
