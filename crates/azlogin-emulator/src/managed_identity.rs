//! Managed identity endpoints: IMDS (`GET /metadata/identity/oauth2/token`, header
//! `Metadata: true`), App Service and Functions (`GET /msi/token`, header `X-IDENTITY-HEADER`),
//! Machine Learning (`GET /msi/auth`, header `secret`), Service Fabric
//! (`GET /servicefabric/token`, header `Secret`) and Azure Arc (`GET /arc/token`, the challenge
//! in `arc_agent`). Each answers with the identity the query names (or the system-assigned
//! one; Service Fabric and Arc always serve that one) an app-only token, numbers as strings as
//! IMDS sends, except Service Fabric's `expires_on` (a number, as its documentation shows) and
//! Arc's `expires_in` without `expires_on` (all MSAL reads of it).

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
    /// Service Fabric.
    ServiceFabric,
    /// Azure Arc.
    AzureArc,
}

fn error(status: u16, error: &str, description: &str) -> EmuResponse {
    EmuResponse::json_status(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

/// Service Fabric's error shape.
fn fabric_error(status: u16, code: &str, message: &str) -> EmuResponse {
    EmuResponse::json_status(
        status,
        &json!({"error": {"code": code, "message": message}}),
    )
}

impl Responder {
    /// A managed identity token request at one of the endpoints.
    pub(super) fn managed_identity_token(
        &self,
        req: &EmuRequest,
        endpoint: IdentityEndpoint,
        ctx: &mut Ctx,
    ) -> EmuResponse {
        if let Some(refused) = self.check_identity_caller(req, endpoint) {
            return refused;
        }
        let settings = &self.scenario.managed_identity;
        let fabric = endpoint == IdentityEndpoint::ServiceFabric;
        let query = req.query_params();
        let missing = |name: &str| {
            let text = format!("Required queryparameter {name} missing");
            if fabric {
                fabric_error(400, "ArgumentNullOrEmpty", &text)
            } else {
                error(400, "invalid_request", &text)
            }
        };
        if query.non_empty("api-version").is_none() {
            return missing("api-version");
        }
        let Some(resource) = query.non_empty("resource") else {
            return missing("resource");
        };
        let by = |name: &str| query.non_empty(name);
        let (client_id, object_id, resource_id) = match endpoint {
            IdentityEndpoint::Imds => (by("client_id"), by("object_id"), by("msi_res_id")),
            IdentityEndpoint::AppService => (by("client_id"), by("object_id"), by("mi_res_id")),
            IdentityEndpoint::MachineLearning => (by("clientid"), None, None),
            IdentityEndpoint::AzureArc
                if !settings
                    .arc
                    .as_ref()
                    .is_some_and(|a| a.ignores_user_assigned) =>
            {
                (by("client_id"), by("object_id"), by("msi_res_id"))
            }
            // The host's configuration names the identity, whatever the query says.
            IdentityEndpoint::ServiceFabric | IdentityEndpoint::AzureArc => (None, None, None),
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
            return if fabric {
                fabric_error(
                    401,
                    "ManagedIdentityNotFound",
                    "Managed Identity not found for the specified application.",
                )
            } else {
                error(400, "invalid_request", "Identity not found")
            };
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
        let body = match endpoint {
            IdentityEndpoint::ServiceFabric => json!({
                "access_token": access_token,
                "expires_on": now + lifetime,
                "resource": resource,
                "token_type": "Bearer",
            }),
            // An agent that honours user-assigned ids echoes the identity it answered for.
            IdentityEndpoint::AzureArc if client_id.or(object_id).or(resource_id).is_some() => {
                json!({
                    "access_token": access_token,
                    "client_id": identity.client_id,
                    "expires_in": lifetime.to_string(),
                    "msi_res_id": identity.resource_id,
                    "object_id": identity.object_id,
                    "resource": resource,
                    "token_type": "Bearer",
                })
            }
            IdentityEndpoint::AzureArc => json!({
                "access_token": access_token,
                "expires_in": lifetime.to_string(),
                "resource": resource,
                "token_type": "Bearer",
            }),
            _ => json!({
                "access_token": access_token,
                "client_id": identity.client_id,
                "expires_in": lifetime.to_string(),
                "expires_on": (now + lifetime).to_string(),
                "ext_expires_in": lifetime.to_string(),
                "not_before": now.to_string(),
                "resource": resource,
                "token_type": "Bearer",
            }),
        };
        EmuResponse::json_status(200, &body)
    }

    /// The endpoint's own check of its caller (a header, a secret, Arc's challenge): `None`
    /// lets the request through.
    fn check_identity_caller(
        &self,
        req: &EmuRequest,
        endpoint: IdentityEndpoint,
    ) -> Option<EmuResponse> {
        let settings = &self.scenario.managed_identity;
        // An endpoint guarded by a secret header: off (404) unless the scenario sets the secret.
        let secret = |name: &str, expected: &Option<String>, refusal: EmuResponse| {
            let Some(want) = expected else {
                return Some(EmuResponse::empty(404));
            };
            let sent = req.header_value(name).unwrap_or_default();
            (!constant_time_eq(sent.as_bytes(), want.as_bytes())).then_some(refusal)
        };
        let no_metadata = || {
            (req.header_value("metadata") != Some("true")).then(|| {
                error(
                    400,
                    "invalid_request",
                    "Required metadata header not specified",
                )
            })
        };
        match endpoint {
            IdentityEndpoint::Imds => no_metadata(),
            IdentityEndpoint::AppService => secret(
                "x-identity-header",
                &settings.identity_header,
                error(
                    401,
                    "unauthorized",
                    "The X-IDENTITY-HEADER is missing or wrong.",
                ),
            ),
            IdentityEndpoint::MachineLearning => secret(
                "secret",
                &settings.msi_secret,
                error(
                    401,
                    "unauthorized",
                    "The secret header is missing or wrong.",
                ),
            ),
            IdentityEndpoint::ServiceFabric => secret(
                "secret",
                &settings.service_fabric_secret,
                fabric_error(
                    401,
                    "SecretHeaderNotFound",
                    "Secret is not found in the request headers.",
                ),
            ),
            IdentityEndpoint::AzureArc => match &settings.arc {
                None => Some(EmuResponse::empty(404)),
                Some(arc) => no_metadata().or_else(|| self.arc_check(req, arc)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::scenario::{ArcSettings, ManagedIdentity, Scenario};
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

    fn with_hosts() -> Responder {
        let mut s = responder().scenario().clone();
        s.managed_identity.service_fabric_secret = Some("sf".into());
        s.managed_identity.arc = Some(ArcSettings {
            key_dir: "/keys".into(),
            realm_prefix: None,
            key_len: 40,
            ignores_user_assigned: false,
        });
        Responder::with_seed(s, "http://127.0.0.1:9", 7)
    }

    #[test]
    fn service_fabric_checks_its_secret_and_serves_the_cluster_s_identity() {
        let path = "/servicefabric/token?api-version=2019-07-01-preview&resource=r";
        let off = responder().handle(EmuRequest::get(path).header("Secret", "sf"), NOW_MS);
        assert_eq!(off.status, 404);
        let r = with_hosts();
        let wrong = r.handle(EmuRequest::get(path).header("Secret", "nope"), NOW_MS);
        assert_eq!(wrong.status, 401);
        assert_eq!(wrong.json()["error"]["code"], "SecretHeaderNotFound");
        let no_resource = r.handle(
            EmuRequest::get("/servicefabric/token?api-version=2019-07-01-preview")
                .header("Secret", "sf"),
            NOW_MS,
        );
        assert_eq!(no_resource.json()["error"]["code"], "ArgumentNullOrEmpty");
        // A client id in the query changes nothing: the cluster configures the identity.
        let ok = r.handle(
            EmuRequest::get(&format!("{path}&client_id=zz")).header("Secret", "sf"),
            NOW_MS,
        );
        assert_eq!(ok.status, 200, "{}", ok.text());
        let body = ok.json();
        assert_eq!(body["expires_on"], NOW_MS / 1000 + 4799);
        assert_eq!(body["token_type"], "Bearer");
        let claims = jwt_claims(body["access_token"].as_str().unwrap_or_default()).expect("jwt");
        assert_eq!(claims["oid"], "o1");
    }

    #[test]
    fn arc_challenges_with_a_key_file_and_takes_each_key_once() {
        let path = "/arc/token?api-version=2020-06-01&resource=r";
        assert_eq!(
            responder().handle(EmuRequest::get(path), NOW_MS).status,
            404
        );
        let r = with_hosts();
        assert_eq!(r.handle(EmuRequest::get(path), NOW_MS).status, 400);
        let challenge = r.handle(EmuRequest::get(path).header("Metadata", "true"), NOW_MS);
        assert_eq!(challenge.status, 401);
        let file = challenge.write_file.clone().expect("a key file to write");
        assert_eq!(file.path.parent(), Some(Path::new("/keys")));
        assert_eq!(file.contents.len(), 40);
        assert!(!format!("{challenge:?}").contains(&file.contents));
        let realm = challenge.header("www-authenticate").unwrap_or_default();
        assert_eq!(realm, format!("Basic realm={}", file.path.display()));
        let send = |key: &str| {
            r.handle(
                EmuRequest::get(path)
                    .header("Metadata", "true")
                    .header("Authorization", &format!("Basic {key}")),
                NOW_MS,
            )
        };
        assert_eq!(send("wrong").status, 401);
        let ok = send(&file.contents);
        assert_eq!(ok.status, 200, "{}", ok.text());
        assert!(ok.write_file.is_none());
        assert_eq!(ok.json()["expires_in"], "4799");
        assert!(ok.json().get("expires_on").is_none());
        assert_eq!(send(&file.contents).status, 401, "a key is good once");
    }

    #[test]
    fn arc_s_realm_prefix_replaces_the_directory_in_the_challenge_only() {
        let mut s = with_hosts().scenario().clone();
        if let Some(arc) = s.managed_identity.arc.as_mut() {
            arc.realm_prefix = Some("../../etc/".into());
            arc.key_len = 5000;
        }
        let r = Responder::with_seed(s, "http://127.0.0.1:9", 7);
        let challenge = r.handle(
            EmuRequest::get("/arc/token?api-version=2020-06-01&resource=r")
                .header("Metadata", "true"),
            NOW_MS,
        );
        let file = challenge.write_file.clone().expect("a key file");
        let name = file
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        assert_eq!(
            challenge.header("www-authenticate"),
            Some(format!("Basic realm=../../etc/{}", name.unwrap_or_default()).as_str())
        );
        assert_eq!(file.path.parent(), Some(Path::new("/keys")));
        assert_eq!(file.contents.len(), 5000);
    }
}
