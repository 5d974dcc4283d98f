//! ARM's cloud metadata document (`{arm}/metadata/endpoints?api-version=2022-09-01`), which
//! `az cloud register --endpoint-resource-manager …` reads to fill in the endpoints it was not
//! given (`_populate_from_metadata_endpoint` and `_arm_to_cli_mapper` in az 2.91.0).

use serde_json::{Map, Value};

use super::{AZURE_CLOUD, Cloud, builtin_cloud};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};

/// The API version az asks the metadata document in.
pub const METADATA_API_VERSION: &str = "2022-09-01";

/// The GET of ARM's metadata document. A trailing slash on `arm_endpoint` is dropped (az keeps
/// it and asks for `…//metadata/endpoints`, which only lenient servers accept).
pub fn metadata_request(arm_endpoint: &str) -> HttpRequest {
    HttpRequest::get(format!(
        "{}/metadata/endpoints?api-version={METADATA_API_VERSION}",
        arm_endpoint.trim_end_matches('/')
    ))
}

/// The cloud the metadata document describes, mapped as az maps it: ARM names to az's, a dot put
/// before suffixes that are host-name tails, and values ARM does not publish taken from the
/// built-in cloud of the same name (the database suffixes derived from the SQL one). The cloud
/// is named as in the document; [`build_cloud`] renames it.
pub fn parse_metadata(response: &HttpResponse, endpoint: &str) -> Result<Cloud> {
    let invalid = |message: String| {
        Error::invalid_response(
            endpoint,
            format!("Unable to get endpoints from the cloud. {message}"),
        )
    };
    if response.status != 200 {
        return Err(invalid(format!(
            "Server returned status code {}.",
            response.status
        )));
    }
    let doc: Value = serde_json::from_slice(&response.body).map_err(|e| {
        invalid(format!(
            "Response body does not contain valid json. Error detail: {e}"
        ))
    })?;
    Mapper::new(&doc)
        .map_err(|m| invalid(m.to_string()))?
        .cloud()
        .map_err(invalid)
}

/// A cloud to register: the discovered one (when any) under the given name, with every value the
/// user gave laid over it and the user's profile, as az's `_build_cloud`. Check
/// [`Cloud::missing_required_endpoints`] before storing a new cloud.
pub fn build_cloud(name: &str, discovered: Option<Cloud>, given: &Cloud) -> Cloud {
    let mut cloud = discovered.unwrap_or_default();
    cloud.name = name.to_string();
    cloud.profile = given.profile.clone();
    cloud.endpoints.overlay(&given.endpoints);
    cloud.suffixes.overlay(&given.suffixes);
    cloud
}

/// `(az name, ARM name, take a built-in fallback)` for the endpoints read straight from the
/// document's top level.
const ENDPOINTS: [(&str, &str, bool); 18] = [
    (
        "active_directory_data_lake_resource_id",
        "activeDirectoryDataLake",
        false,
    ),
    ("active_directory_graph_resource_id", "graphAudience", false),
    ("app_insights_resource_id", "appInsightsResourceId", true),
    (
        "app_insights_telemetry_channel_resource_id",
        "appInsightsTelemetryChannelResourceId",
        true,
    ),
    ("app_service_resource_id", "appServiceResourceId", true),
    ("attestation_resource_id", "attestationResourceId", true),
    (
        "azmirror_storage_account_resource_id",
        "azmirrorStorageAccountResourceId",
        false,
    ),
    ("batch_resource_id", "batch", false),
    ("gallery", "gallery", false),
    ("log_analytics_resource_id", "logAnalyticsResourceId", true),
    ("media_resource_id", "media", false),
    (
        "microsoft_graph_resource_id",
        "microsoftGraphResourceId",
        true,
    ),
    ("ossrdbms_resource_id", "ossrdbmsResourceId", true),
    ("portal", "portal", false),
    ("resource_manager", "resourceManager", false),
    ("sql_management", "sqlManagement", false),
    (
        "synapse_analytics_resource_id",
        "synapseAnalyticsResourceId",
        true,
    ),
    ("vm_image_alias_doc", "vmImageAliasDoc", false),
];

/// How az fills a suffix ARM does not publish.
#[derive(Clone, Copy)]
enum Fallback {
    None,
    /// The built-in cloud's value.
    Builtin,
    /// `<prefix>.database.azure.com` in AzureCloud, else `<prefix><sql_server_hostname>`.
    Database(&'static str),
}

/// `(az name, ARM name under "suffixes", add a leading dot, fallback)`.
const SUFFIXES: [(&str, &str, bool, Fallback); 13] = [
    (
        "acr_login_server_endpoint",
        "acrLoginServer",
        true,
        Fallback::None,
    ),
    (
        "attestation_endpoint",
        "attestationEndpoint",
        true,
        Fallback::Builtin,
    ),
    (
        "azure_datalake_analytics_catalog_and_job_endpoint",
        "azureDataLakeAnalyticsCatalogAndJob",
        false,
        Fallback::None,
    ),
    (
        "azure_datalake_store_file_system_endpoint",
        "azureDataLakeStoreFileSystem",
        false,
        Fallback::None,
    ),
    ("keyvault_dns", "keyVaultDns", true, Fallback::None),
    (
        "mariadb_server_endpoint",
        "mariadbServerEndpoint",
        true,
        Fallback::Database(".mariadb"),
    ),
    ("mhsm_dns", "mhsmDns", true, Fallback::Builtin),
    (
        "mysql_server_endpoint",
        "mysqlServerEndpoint",
        true,
        Fallback::Database(".mysql"),
    ),
    (
        "postgresql_server_endpoint",
        "postgresqlServerEndpoint",
        true,
        Fallback::Database(".postgres"),
    ),
    (
        "sql_server_hostname",
        "sqlServerHostname",
        true,
        Fallback::None,
    ),
    ("storage_endpoint", "storage", false, Fallback::None),
    (
        "storage_sync_endpoint",
        "storageSyncEndpointSuffix",
        false,
        Fallback::Builtin,
    ),
    (
        "synapse_analytics_endpoint",
        "synapseAnalytics",
        true,
        Fallback::Builtin,
    ),
];

/// A value as the document has it: absent (a fallback may apply), `null` (set to nothing, no
/// fallback, as in az) or a string.
enum Field<'a> {
    Absent,
    Null,
    Text(&'a str),
}

struct Mapper<'a> {
    doc: &'a Map<String, Value>,
    suffixes: &'a Map<String, Value>,
    name: &'a str,
    builtin: Option<Cloud>,
}

impl<'a> Mapper<'a> {
    fn new(doc: &'a Value) -> Result<Self, &'static str> {
        let doc = doc
            .as_object()
            .ok_or("The document is not a JSON object.")?;
        let suffixes = doc
            .get("suffixes")
            .and_then(Value::as_object)
            .ok_or("The document has no 'suffixes' object.")?;
        let name = doc.get("name").and_then(Value::as_str).unwrap_or_default();
        Ok(Self {
            doc,
            suffixes,
            name,
            builtin: builtin_cloud(name),
        })
    }

    fn cloud(&self) -> Result<Cloud, String> {
        let auth = self.doc.get("authentication");
        let login = auth
            .and_then(|a| a.get("loginEndpoint"))
            .and_then(Value::as_str)
            .ok_or("The document has no 'authentication.loginEndpoint'.")?;
        let audience = auth
            .and_then(|a| a.get("audiences"))
            .and_then(|a| a.get(0))
            .and_then(Value::as_str)
            .ok_or("The document has no 'authentication.audiences'.")?;
        let mut cloud = Cloud::new(self.name);
        cloud.endpoints.set("active_directory", login);
        cloud
            .endpoints
            .set("active_directory_resource_id", audience);
        cloud.endpoints.set("management", audience);
        for (name, arm_name, fallback) in ENDPOINTS {
            let value = match field(self.doc, arm_name)? {
                Field::Text(v) => Some(v.to_string()),
                Field::Null => None,
                Field::Absent if fallback => self.builtin_endpoint(name),
                Field::Absent => None,
            };
            if let Some(v) = value {
                cloud.endpoints.set(name, v);
            }
        }
        let sql = match field(self.suffixes, "sqlServerHostname")? {
            Field::Text(v) => Some(with_dot(v)),
            _ => None,
        };
        for (name, arm_name, dot, fallback) in SUFFIXES {
            let value = match (field(self.suffixes, arm_name)?, fallback) {
                (Field::Text(v), _) if dot => Some(with_dot(v)),
                (Field::Text(v), _) => Some(v.to_string()),
                (Field::Null, _) | (Field::Absent, Fallback::None) => None,
                (Field::Absent, Fallback::Builtin) => self.builtin_suffix(name),
                (Field::Absent, Fallback::Database(prefix)) => self.database(prefix, &sql),
            };
            if let Some(v) = value {
                cloud.suffixes.set(name, v);
            }
        }
        Ok(cloud)
    }

    fn builtin_endpoint(&self, name: &str) -> Option<String> {
        self.builtin.as_ref()?.endpoints.get(name).map(String::from)
    }

    fn builtin_suffix(&self, name: &str) -> Option<String> {
        self.builtin.as_ref()?.suffixes.get(name).map(String::from)
    }

    fn database(&self, prefix: &str, sql_server_hostname: &Option<String>) -> Option<String> {
        if self.name == AZURE_CLOUD {
            return Some(format!("{prefix}.database.azure.com"));
        }
        match sql_server_hostname.as_deref() {
            Some(host) if !host.is_empty() => Some(format!("{prefix}{host}")),
            _ => None,
        }
    }
}

fn field<'a>(map: &'a Map<String, Value>, key: &str) -> Result<Field<'a>, String> {
    match map.get(key) {
        None => Ok(Field::Absent),
        Some(Value::Null) => Ok(Field::Null),
        Some(Value::String(s)) => Ok(Field::Text(s)),
        Some(other) => Err(format!("'{key}' is not a string: {other}")),
    }
}

/// az's `_add_starting_dot`.
fn with_dot(suffix: &str) -> String {
    if suffix.is_empty() || suffix.starts_with('.') {
        suffix.to_string()
    } else {
        format!(".{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// Shaped like the test server's answer behind the example `clouds.config`.
    const LOCAL: &str = r#"{
        "galleryEndpoint": "https://localhost:8443/",
        "graphEndpoint": "https://localhost:8443/",
        "portal": "https://localhost:8443",
        "authentication": {
            "loginEndpoint": "https://localhost:8443",
            "audiences": ["https://localhost:8443/", "https://other/"],
            "tenant": "common",
            "identityProvider": "AAD"
        },
        "media": "https://localhost:8443",
        "graphAudience": "https://localhost:8443/",
        "graph": "https://localhost:8443/",
        "name": "FakeCloud",
        "suffixes": {
            "azureDataLakeStoreFileSystem": "localhost",
            "acrLoginServer": "localhost",
            "sqlServerHostname": "localhost",
            "azureDataLakeAnalyticsCatalogAndJob": "localhost",
            "keyVaultDns": "localhost",
            "storage": "localhost",
            "azureFrontDoorEndpointSuffix": "localhost",
            "storageSyncEndpointSuffix": "localhost",
            "mhsmDns": "localhost",
            "mysqlServerEndpoint": "localhost",
            "postgresqlServerEndpoint": "localhost",
            "mariadbServerEndpoint": "localhost",
            "synapseAnalytics": "localhost",
            "attestationEndpoint": "localhost"
        },
        "batch": "https://localhost:8443/",
        "resourceManager": "https://localhost:8443/",
        "vmImageAliasDoc": "https://localhost:8443/aliases.json",
        "activeDirectoryDataLake": "https://localhost:8443/",
        "sqlManagement": "https://localhost:8443/",
        "microsoftGraphResourceId": "https://localhost:8443/",
        "gallery": "https://localhost:8443/"
    }"#;

    const EXAMPLE: &str =
        include_str!("../../tests/fixtures/az-password-login/files/clouds.config");

    #[test]
    fn request_url() {
        for arm in ["https://localhost:8443/", "https://localhost:8443"] {
            assert_eq!(
                metadata_request(arm).url,
                "https://localhost:8443/metadata/endpoints?api-version=2022-09-01"
            );
        }
    }

    #[test]
    fn register_from_metadata_gives_the_example_file() -> Result<()> {
        let discovered = parse_metadata(&answer(200, LOCAL), "https://localhost:8443/x")?;
        assert_eq!(discovered.name, "FakeCloud");
        let mut given = Cloud::new("");
        given.endpoints.resource_manager = Some("https://localhost:8443/".into());
        given.endpoints.active_directory = Some("https://localhost:8443".into());
        given.endpoints.active_directory_resource_id = Some("https://localhost:8443/".into());
        let cloud = build_cloud("FakeCloud", Some(discovered), &given);
        assert!(cloud.missing_required_endpoints().is_empty());
        let mut ini = crate::ini::Ini::new();
        crate::cloud::write_cloud(&mut ini, &cloud, false)?;
        crate::cloud::set_cloud_subscription(
            &mut ini,
            "FakeCloud",
            Some("c0000001-0000-4000-8000-000000000001"),
        );
        assert_eq!(ini.to_string(), EXAMPLE);
        Ok(())
    }

    #[test]
    fn known_cloud_names_take_builtin_fallbacks() -> Result<()> {
        let doc = r#"{"name": "AzureCloud",
            "authentication": {"loginEndpoint": "https://login.microsoftonline.com/",
                               "audiences": ["https://management.core.windows.net/"]},
            "resourceManager": "https://management.azure.com/",
            "portal": null,
            "suffixes": {"sqlServerHostname": "database.windows.net", "mhsmDns": null}}"#;
        let c = parse_metadata(&answer(200, doc), "e")?;
        assert_eq!(
            c.endpoints.app_service_resource_id.as_deref(),
            Some("https://appservice.azure.com")
        );
        assert_eq!(c.endpoints.portal, None, "null means unset, no fallback");
        assert_eq!(c.endpoints.gallery, None, "no fallback for gallery");
        assert_eq!(
            c.suffixes.sql_server_hostname.as_deref(),
            Some(".database.windows.net")
        );
        assert_eq!(
            c.suffixes.mysql_server_endpoint.as_deref(),
            Some(".mysql.database.azure.com")
        );
        assert_eq!(c.suffixes.mhsm_dns, None);
        assert_eq!(
            c.suffixes.storage_sync_endpoint.as_deref(),
            Some("afs.azure.net")
        );

        let other = r#"{"name": "Stack",
            "authentication": {"loginEndpoint": "https://adfs.local/adfs", "audiences": ["a"]},
            "suffixes": {"sqlServerHostname": ".db.local"}}"#;
        let c = parse_metadata(&answer(200, other), "e")?;
        assert_eq!(
            c.suffixes.postgresql_server_endpoint.as_deref(),
            Some(".postgres.db.local")
        );
        assert_eq!(c.endpoints.app_service_resource_id, None);
        assert_eq!(c.endpoints.management.as_deref(), Some("a"));
        Ok(())
    }

    #[test]
    fn bad_answers_are_invalid_responses() {
        let cases = [
            (404, "{}", "status code 404"),
            (200, "<html>", "valid json"),
            (200, "[]", "not a JSON object"),
            (200, r#"{"suffixes": {}}"#, "loginEndpoint"),
            (
                200,
                r#"{"suffixes": {}, "authentication": {"loginEndpoint": "x", "audiences": []}}"#,
                "audiences",
            ),
            (200, r#"{"authentication": {}}"#, "suffixes"),
            (
                200,
                r#"{"suffixes": {"storage": 1}, "authentication": {"loginEndpoint": "x", "audiences": ["a"]}}"#,
                "'storage' is not a string",
            ),
        ];
        for (status, body, text) in cases {
            match parse_metadata(&answer(status, body), "https://arm/metadata/endpoints") {
                Ok(_) => panic!("{body} accepted"),
                Err(e) => {
                    assert_eq!(e.code(), "invalid_response");
                    assert!(e.to_string().contains(text), "{e}");
                }
            }
        }
    }
}
