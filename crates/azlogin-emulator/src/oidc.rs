//! Discovery documents: OIDC metadata, instance discovery, user realm, the signing keys, and
//! ARM's cloud metadata that `az cloud register` reads.

use serde_json::{Value, json};

use super::errors::{Failure, arm_error};
use super::message::{EmuRequest, EmuResponse};
use super::responder::{Authority, Ctx, Responder};

impl Responder {
    /// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
    pub(super) fn openid_configuration(&self, segment: &str, ctx: &Ctx) -> EmuResponse {
        let (path_tenant, issuer_tenant, region) = match self.authority(segment) {
            None => {
                return self
                    .entra_error(ctx, &Failure::tenant_not_found("invalid_tenant", segment));
            }
            // Entra keeps the alias in the endpoints and puts a placeholder in the issuer.
            Some(Authority::Any(alias)) => {
                (alias.to_string(), "{tenantid}".to_string(), Value::Null)
            }
            // A domain resolves to the tenant's GUID everywhere.
            Some(Authority::Tenant(t)) => (t.id.clone(), t.id.clone(), json!("NA")),
        };
        let b = &self.base_url;
        let host = self.host();
        let doc = json!({
            "token_endpoint": format!("{b}/{path_tenant}/oauth2/v2.0/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": format!("{b}/{path_tenant}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": format!("{b}/{issuer_tenant}/v2.0"),
            "request_uri_parameter_supported": false,
            "userinfo_endpoint": format!("{b}/oidc/userinfo"),
            "authorization_endpoint": format!("{b}/{path_tenant}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{b}/{path_tenant}/oauth2/v2.0/devicecode"),
            "http_logout_supported": true,
            "frontchannel_logout_supported": true,
            "end_session_endpoint": format!("{b}/{path_tenant}/oauth2/v2.0/logout"),
            "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
            "kerberos_endpoint": format!("{b}/{path_tenant}/kerberos"),
            "tenant_region_scope": region,
            "cloud_instance_name": host,
            "cloud_graph_host_name": host,
            "msgraph_host": host,
            "rbac_url": b,
        });
        EmuResponse::json_status(200, &doc)
    }

    /// `GET /{tenant}/discovery/v2.0/keys`. The emulator signs with an HMAC key it never
    /// publishes, so the set is empty: clients that insist on verifying RS256 cannot.
    pub(super) fn jwks(&self) -> EmuResponse {
        EmuResponse::json_status(200, &json!({"keys": []}))
    }

    /// `GET /common/discovery/instance`: answers as Entra does for a trusted host when the
    /// `authorization_endpoint` names this emulator, and with AADSTS50049 otherwise.
    pub(super) fn instance_discovery(&self, req: &EmuRequest, ctx: &Ctx) -> EmuResponse {
        let q = req.query_params();
        let api_version = q.get("api-version").unwrap_or("1.1").to_string();
        let Some(endpoint) = q.non_empty("authorization_endpoint") else {
            return self.entra_error(ctx, &Failure::missing_parameter("authorization_endpoint"));
        };
        let parsed = url::Url::parse(endpoint).ok();
        let trusted = parsed.as_ref().is_some_and(|u| {
            let origin = format!("{}://{}", u.scheme(), authority_of(u));
            self.is_self_url(&origin)
        });
        if !trusted {
            return self.entra_error(
                ctx,
                &Failure::new("invalid_instance", 50049, "Unknown or invalid instance."),
            );
        }
        let tenant = parsed
            .as_ref()
            .and_then(|u| {
                u.path_segments()
                    .and_then(|mut s| s.next().map(str::to_string))
            })
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "common".to_string());
        let host = self.host();
        let mut aliases = vec![host.clone()];
        if let Some(name) = host.split(':').next().filter(|n| *n != host) {
            aliases.push(name.to_string());
        }
        EmuResponse::json_status(
            200,
            &json!({
                "tenant_discovery_endpoint": format!("{}/{tenant}/v2.0/.well-known/openid-configuration", self.base_url),
                "api-version": api_version,
                "metadata": [{
                    "preferred_network": host,
                    "preferred_cache": host,
                    "aliases": aliases,
                }],
            }),
        )
    }

    /// `GET /common/userrealm/{username}`: every known user is a managed (cloud-only) account.
    pub(super) fn user_realm(&self, username: &str) -> EmuResponse {
        let host = self.host();
        let body = match self.scenario.user(username) {
            Some(u) => {
                let domain = self
                    .scenario
                    .tenant(&u.home_tenant)
                    .map(|t| t.default_domain.clone())
                    .unwrap_or_default();
                json!({
                    "ver": "1.0",
                    "account_type": "Managed",
                    "domain_name": domain,
                    "cloud_instance_name": host,
                    "cloud_audience_urn": "urn:federation:MicrosoftOnline",
                })
            }
            None => json!({
                "ver": "1.0",
                "account_type": "Unknown",
                "cloud_instance_name": host,
                "cloud_audience_urn": "urn:federation:MicrosoftOnline",
            }),
        };
        EmuResponse::json_status(200, &body)
    }

    /// `GET /metadata/endpoints?api-version=…`: ARM's cloud metadata, every endpoint pointing
    /// at this emulator. 2022-09-01 answers one object (what `az cloud register` reads),
    /// 2015-01-01 the old flat shape, anything else the list of clouds.
    pub(super) fn cloud_metadata(&self, req: &EmuRequest) -> EmuResponse {
        let q = req.query_params();
        let Some(version) = q.non_empty("api-version") else {
            return missing_api_version();
        };
        let b = &self.base_url;
        let body = match version {
            "2022-09-01" => self.cloud_document(),
            "2015-01-01" => json!({
                "galleryEndpoint": format!("{b}/"),
                "graphEndpoint": format!("{b}/"),
                "portalEndpoint": b,
                "authentication": {
                    "loginEndpoint": b,
                    "audiences": [format!("{b}/")],
                },
            }),
            _ => json!([self.cloud_document()]),
        };
        EmuResponse::json_status(200, &body)
    }

    /// One cloud in ARM's metadata format. The name is not one of az's built-in clouds, so az
    /// fills in no public-cloud fallbacks; suffixes are the host name, to which az adds dots.
    fn cloud_document(&self) -> Value {
        let b = &self.base_url;
        let slash = format!("{b}/");
        let host = self.host_name();
        json!({
            "portal": b,
            "authentication": {
                "loginEndpoint": b,
                "audiences": [slash],
                "tenant": "common",
                "identityProvider": "AAD",
            },
            "media": b,
            "graphAudience": slash,
            "graph": slash,
            "name": "AzLoginEmulator",
            "suffixes": {
                "azureDataLakeStoreFileSystem": host,
                "acrLoginServer": host,
                "sqlServerHostname": host,
                "azureDataLakeAnalyticsCatalogAndJob": host,
                "keyVaultDns": host,
                "storage": host,
                "storageSyncEndpointSuffix": host,
                "mhsmDns": host,
                "mysqlServerEndpoint": host,
                "postgresqlServerEndpoint": host,
                "mariadbServerEndpoint": host,
                "synapseAnalytics": host,
                "attestationEndpoint": host,
            },
            "batch": slash,
            "gallery": slash,
            "resourceManager": slash,
            "vmImageAliasDoc": format!("{b}/aliases.json"),
            "activeDirectoryDataLake": slash,
            "sqlManagement": slash,
            "microsoftGraphResourceId": slash,
        })
    }

    /// `GET /{tenant}/oauth2/v2.0/logout`.
    pub(super) fn logout_page(&self) -> EmuResponse {
        EmuResponse::html(
            200,
            super::pages::message_page("Signed out", "You signed out of your account."),
        )
    }

    /// `host:port` of the base URL.
    pub(super) fn host(&self) -> String {
        url::Url::parse(&self.base_url)
            .map(|u| authority_of(&u))
            .unwrap_or_else(|_| self.base_url.clone())
    }

    /// The host name of the base URL, without the port.
    fn host_name(&self) -> String {
        url::Url::parse(&self.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "localhost".to_string())
    }
}

/// `host` or `host:port` as written in the URL.
fn authority_of(u: &url::Url) -> String {
    let host = u.host_str().unwrap_or_default();
    match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

pub(super) fn missing_api_version() -> EmuResponse {
    arm_error(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
    )
}

#[cfg(test)]
mod tests {
    use super::super::scenario::Scenario;
    use super::*;

    fn responder() -> Responder {
        Responder::with_seed(Scenario::default_scenario(), "https://localhost:8443", 7)
    }

    #[test]
    fn metadata_for_guid_domain_and_aliases() {
        let r = responder();
        let doc = r
            .handle(
                EmuRequest::get("/contoso.example/v2.0/.well-known/openid-configuration"),
                0,
            )
            .json();
        assert_eq!(
            doc["issuer"],
            "https://localhost:8443/11111111-1111-4111-8111-111111111111/v2.0"
        );
        assert_eq!(
            doc["token_endpoint"],
            "https://localhost:8443/11111111-1111-4111-8111-111111111111/oauth2/v2.0/token"
        );
        let orgs = r
            .handle(
                EmuRequest::get("/organizations/v2.0/.well-known/openid-configuration"),
                0,
            )
            .json();
        assert_eq!(orgs["issuer"], "https://localhost:8443/{tenantid}/v2.0");
        assert_eq!(
            orgs["device_authorization_endpoint"],
            "https://localhost:8443/organizations/oauth2/v2.0/devicecode"
        );
        let missing = r.handle(
            EmuRequest::get("/nowhere.example/v2.0/.well-known/openid-configuration"),
            0,
        );
        assert_eq!(missing.status, 400);
        let body = missing.json();
        assert_eq!(body["error"], "invalid_tenant");
        assert_eq!(body["error_codes"], json!([90002]));
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| d.starts_with("AADSTS90002: Tenant 'nowhere.example' not found.")),
            "{body}"
        );
        assert_eq!(missing.header("access-control-allow-origin"), Some("*"));
    }

    #[test]
    fn instance_discovery_trusts_only_itself() {
        let r = responder();
        let ok = r.handle(
            EmuRequest::get(
                "/common/discovery/instance?api-version=1.1&authorization_endpoint=https://localhost:8443/organizations/oauth2/v2.0/authorize",
            ),
            0,
        );
        let body = ok.json();
        assert_eq!(ok.status, 200);
        assert_eq!(
            body["tenant_discovery_endpoint"],
            "https://localhost:8443/organizations/v2.0/.well-known/openid-configuration"
        );
        assert_eq!(
            body["metadata"][0]["aliases"],
            json!(["localhost:8443", "localhost"])
        );
        let bad = r.handle(
            EmuRequest::get(
                "/common/discovery/instance?api-version=1.0&authorization_endpoint=https://evil.example/x/oauth2/v2.0/authorize",
            ),
            0,
        );
        assert_eq!(bad.status, 400);
        assert_eq!(bad.json()["error"], "invalid_instance");
    }

    #[test]
    fn user_realm_says_managed() {
        let r = responder();
        let body = r
            .handle(
                EmuRequest::get("/common/userrealm/user%40contoso.example?api-version=1.0"),
                0,
            )
            .json();
        assert_eq!(body["account_type"], "Managed");
        assert_eq!(body["domain_name"], "contoso.example");
        let unknown = r
            .handle(
                EmuRequest::get("/common/userrealm/x@y.example?api-version=1.0"),
                0,
            )
            .json();
        assert_eq!(unknown["account_type"], "Unknown");
    }

    #[test]
    fn cloud_metadata_maps_to_the_reference_clouds_config() {
        let r = responder();
        // az appends the suffix to an ARM endpoint that ends with '/'.
        let doc = r
            .handle(
                EmuRequest::get("//metadata/endpoints?api-version=2022-09-01"),
                0,
            )
            .json();
        // What az's _arm_to_cli_mapper reads, against the reference clouds.config values.
        assert_eq!(
            doc["authentication"]["audiences"][0],
            "https://localhost:8443/"
        );
        assert_eq!(
            doc["authentication"]["loginEndpoint"],
            "https://localhost:8443"
        );
        assert_eq!(doc["resourceManager"], "https://localhost:8443/");
        assert_eq!(doc["media"], "https://localhost:8443");
        assert_eq!(doc["portal"], "https://localhost:8443");
        assert_eq!(
            doc["vmImageAliasDoc"],
            "https://localhost:8443/aliases.json"
        );
        assert_eq!(doc["microsoftGraphResourceId"], "https://localhost:8443/");
        assert_eq!(doc["gallery"], "https://localhost:8443/");
        assert_eq!(doc["suffixes"]["keyVaultDns"], "localhost");
        assert!(doc.get("logAnalyticsResourceId").is_none());
        let list = r
            .handle(
                EmuRequest::get("/metadata/endpoints?api-version=2019-05-01"),
                0,
            )
            .json();
        assert_eq!(list[0]["name"], "AzLoginEmulator");
        let none = r.handle(EmuRequest::get("/metadata/endpoints"), 0);
        assert_eq!(none.status, 400);
        assert_eq!(none.json()["error"]["code"], "MissingApiVersionParameter");
    }
}
