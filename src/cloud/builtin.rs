//! The clouds az 2.91.0 builds in (`HARD_CODED_CLOUD_LIST` in `azure/cli/core/cloud.py`), value
//! for value. AzureGermanCloud is defined there too but is not in the list, so it is not here.

use super::{Cloud, CloudEndpoints, REQUIRED_ENDPOINTS};
use crate::error::{Error, Result};

/// Azure public cloud.
pub const AZURE_CLOUD: &str = "AzureCloud";
/// Azure operated by 21Vianet.
pub const AZURE_CHINA_CLOUD: &str = "AzureChinaCloud";
/// Azure Government.
pub const AZURE_US_GOVERNMENT: &str = "AzureUSGovernment";
/// Bleu, the French sovereign cloud.
pub const AZURE_BLEU_CLOUD: &str = "AzureBleuCloud";

/// The built-in cloud names, in az's order.
pub const BUILTIN_CLOUD_NAMES: [&str; 4] = [
    AZURE_CLOUD,
    AZURE_CHINA_CLOUD,
    AZURE_US_GOVERNMENT,
    AZURE_BLEU_CLOUD,
];

type Values = &'static [(&'static str, &'static str)];

const ALIASES: &str = "https://azcliprod.blob.core.windows.net/cli/vm/aliases.json";

const PUBLIC_ENDPOINTS: Values = &[
    ("management", "https://management.core.windows.net/"),
    ("resource_manager", "https://management.azure.com/"),
    (
        "sql_management",
        "https://management.core.windows.net:8443/",
    ),
    ("batch_resource_id", "https://batch.core.windows.net/"),
    ("gallery", "https://gallery.azure.com/"),
    ("active_directory", "https://login.microsoftonline.com"),
    (
        "active_directory_resource_id",
        "https://management.core.windows.net/",
    ),
    (
        "active_directory_graph_resource_id",
        "https://graph.windows.net/",
    ),
    (
        "microsoft_graph_resource_id",
        "https://graph.microsoft.com/",
    ),
    (
        "active_directory_data_lake_resource_id",
        "https://datalake.azure.net/",
    ),
    ("vm_image_alias_doc", ALIASES),
    ("media_resource_id", "https://rest.media.azure.net"),
    (
        "ossrdbms_resource_id",
        "https://ossrdbms-aad.database.windows.net",
    ),
    (
        "app_insights_resource_id",
        "https://api.applicationinsights.io",
    ),
    ("log_analytics_resource_id", "https://api.loganalytics.io"),
    (
        "app_insights_telemetry_channel_resource_id",
        "https://dc.applicationinsights.azure.com/v2/track",
    ),
    (
        "synapse_analytics_resource_id",
        "https://dev.azuresynapse.net",
    ),
    ("attestation_resource_id", "https://attest.azure.net"),
    ("app_service_resource_id", "https://appservice.azure.com"),
    ("portal", "https://portal.azure.com"),
];

const PUBLIC_SUFFIXES: Values = &[
    ("storage_endpoint", "core.windows.net"),
    ("storage_sync_endpoint", "afs.azure.net"),
    ("keyvault_dns", ".vault.azure.net"),
    ("mhsm_dns", ".managedhsm.azure.net"),
    ("sql_server_hostname", ".database.windows.net"),
    ("mysql_server_endpoint", ".mysql.database.azure.com"),
    ("postgresql_server_endpoint", ".postgres.database.azure.com"),
    ("mariadb_server_endpoint", ".mariadb.database.azure.com"),
    (
        "azure_datalake_store_file_system_endpoint",
        "azuredatalakestore.net",
    ),
    (
        "azure_datalake_analytics_catalog_and_job_endpoint",
        "azuredatalakeanalytics.net",
    ),
    ("acr_login_server_endpoint", ".azurecr.io"),
    ("synapse_analytics_endpoint", ".dev.azuresynapse.net"),
    ("attestation_endpoint", ".attest.azure.net"),
];

const CHINA_ENDPOINTS: Values = &[
    ("management", "https://management.core.chinacloudapi.cn/"),
    ("resource_manager", "https://management.chinacloudapi.cn"),
    (
        "sql_management",
        "https://management.core.chinacloudapi.cn:8443/",
    ),
    ("batch_resource_id", "https://batch.chinacloudapi.cn/"),
    ("gallery", "https://gallery.chinacloudapi.cn/"),
    ("active_directory", "https://login.chinacloudapi.cn"),
    (
        "active_directory_resource_id",
        "https://management.core.chinacloudapi.cn/",
    ),
    (
        "active_directory_graph_resource_id",
        "https://graph.chinacloudapi.cn/",
    ),
    (
        "microsoft_graph_resource_id",
        "https://microsoftgraph.chinacloudapi.cn",
    ),
    ("vm_image_alias_doc", ALIASES),
    ("media_resource_id", "https://rest.media.chinacloudapi.cn"),
    (
        "ossrdbms_resource_id",
        "https://ossrdbms-aad.database.chinacloudapi.cn",
    ),
    (
        "app_insights_resource_id",
        "https://api.applicationinsights.azure.cn",
    ),
    (
        "log_analytics_resource_id",
        "https://api.loganalytics.azure.cn",
    ),
    (
        "app_insights_telemetry_channel_resource_id",
        "https://dc.applicationinsights.azure.cn/v2/track",
    ),
    (
        "synapse_analytics_resource_id",
        "https://dev.azuresynapse.azure.cn",
    ),
    (
        "app_service_resource_id",
        "https://management.core.chinacloudapi.cn/",
    ),
    ("portal", "https://portal.azure.cn"),
];

const CHINA_SUFFIXES: Values = &[
    ("storage_endpoint", "core.chinacloudapi.cn"),
    ("keyvault_dns", ".vault.azure.cn"),
    ("mhsm_dns", ".managedhsm.azure.cn"),
    ("sql_server_hostname", ".database.chinacloudapi.cn"),
    ("mysql_server_endpoint", ".mysql.database.chinacloudapi.cn"),
    (
        "postgresql_server_endpoint",
        ".postgres.database.chinacloudapi.cn",
    ),
    (
        "mariadb_server_endpoint",
        ".mariadb.database.chinacloudapi.cn",
    ),
    ("acr_login_server_endpoint", ".azurecr.cn"),
    ("synapse_analytics_endpoint", ".dev.azuresynapse.azure.cn"),
];

const US_GOV_ENDPOINTS: Values = &[
    ("management", "https://management.core.usgovcloudapi.net/"),
    ("resource_manager", "https://management.usgovcloudapi.net/"),
    (
        "sql_management",
        "https://management.core.usgovcloudapi.net:8443/",
    ),
    ("batch_resource_id", "https://batch.core.usgovcloudapi.net/"),
    ("gallery", "https://gallery.usgovcloudapi.net/"),
    ("active_directory", "https://login.microsoftonline.us"),
    (
        "active_directory_resource_id",
        "https://management.core.usgovcloudapi.net/",
    ),
    (
        "active_directory_graph_resource_id",
        "https://graph.microsoftazure.us/",
    ),
    ("microsoft_graph_resource_id", "https://graph.microsoft.us/"),
    ("vm_image_alias_doc", ALIASES),
    ("media_resource_id", "https://rest.media.usgovcloudapi.net"),
    (
        "ossrdbms_resource_id",
        "https://ossrdbms-aad.database.usgovcloudapi.net",
    ),
    (
        "app_insights_resource_id",
        "https://api.applicationinsights.us",
    ),
    ("log_analytics_resource_id", "https://api.loganalytics.us"),
    (
        "app_insights_telemetry_channel_resource_id",
        "https://dc.applicationinsights.us/v2/track",
    ),
    (
        "synapse_analytics_resource_id",
        "https://dev.azuresynapse.usgovcloudapi.net",
    ),
    (
        "app_service_resource_id",
        "https://management.core.usgovcloudapi.net/",
    ),
    ("portal", "https://portal.azure.us"),
];

const US_GOV_SUFFIXES: Values = &[
    ("storage_endpoint", "core.usgovcloudapi.net"),
    ("storage_sync_endpoint", "afs.azure.us"),
    ("keyvault_dns", ".vault.usgovcloudapi.net"),
    ("mhsm_dns", ".managedhsm.usgovcloudapi.net"),
    ("sql_server_hostname", ".database.usgovcloudapi.net"),
    ("mysql_server_endpoint", ".mysql.database.usgovcloudapi.net"),
    (
        "postgresql_server_endpoint",
        ".postgres.database.usgovcloudapi.net",
    ),
    (
        "mariadb_server_endpoint",
        ".mariadb.database.usgovcloudapi.net",
    ),
    ("acr_login_server_endpoint", ".azurecr.us"),
    (
        "synapse_analytics_endpoint",
        ".dev.azuresynapse.usgovcloudapi.net",
    ),
];

const BLEU_ENDPOINTS: Values = &[
    ("management", "https://management.sovcloud-api.fr/"),
    ("resource_manager", "https://management.sovcloud-api.fr"),
    (
        "sql_management",
        "https://management.database.sovcloud-api.fr:8443/",
    ),
    ("batch_resource_id", "https://batch.sovcloud-api.fr/"),
    ("gallery", "https://gallery.sovcloud-api.fr/"),
    ("active_directory", "https://login.sovcloud-identity.fr"),
    (
        "active_directory_resource_id",
        "https://management.sovcloud-api.fr/",
    ),
    (
        "active_directory_graph_resource_id",
        "https://graph.svc.sovcloud.fr/",
    ),
    (
        "microsoft_graph_resource_id",
        "https://graph.svc.sovcloud.fr",
    ),
    (
        "vm_image_alias_doc",
        "https://azcliprod.blob.core.windows.net/cli/vm/aliases_master.json",
    ),
    ("media_resource_id", "https://rest.media.sovcloud-api.fr"),
    (
        "ossrdbms_resource_id",
        "https://ossrdbms-aad.database.sovcloud-api.fr",
    ),
    ("portal", "https://portal.sovcloud-azure.fr"),
];

const BLEU_SUFFIXES: Values = &[
    ("acr_login_server_endpoint", ".azurecr.sovcloud-azure.fr"),
    ("attestation_endpoint", "attest.sovcloud-api.fr"),
    ("storage_endpoint", "core.sovcloud-api.fr"),
    ("storage_sync_endpoint", "afs.sovcloud-api.fr"),
    ("keyvault_dns", ".vault.sovcloud-api.fr"),
    ("mhsm_dns", ".managedhsm.sovcloud-api.fr"),
    ("sql_server_hostname", ".database.sovcloud-api.fr"),
    ("mysql_server_endpoint", ".mysql.database.sovcloud-api.fr"),
    (
        "postgresql_server_endpoint",
        ".postgres.database.sovcloud-api.fr",
    ),
    (
        "mariadb_server_endpoint",
        ".mariadb.database.sovcloud-api.fr",
    ),
    (
        "synapse_analytics_endpoint",
        ".dev.azuresynapse.sovcloud-api.fr",
    ),
];

const TABLE: [(&str, Values, Values); 4] = [
    (AZURE_CLOUD, PUBLIC_ENDPOINTS, PUBLIC_SUFFIXES),
    (AZURE_CHINA_CLOUD, CHINA_ENDPOINTS, CHINA_SUFFIXES),
    (AZURE_US_GOVERNMENT, US_GOV_ENDPOINTS, US_GOV_SUFFIXES),
    (AZURE_BLEU_CLOUD, BLEU_ENDPOINTS, BLEU_SUFFIXES),
];

/// The built-in clouds, in az's order, as az defines them (no profile: az reads that as
/// `latest`).
pub fn builtin_clouds() -> Vec<Cloud> {
    TABLE
        .iter()
        .map(|(name, endpoints, suffixes)| {
            let mut cloud = Cloud::new(*name);
            for (k, v) in *endpoints {
                cloud.endpoints.set(k, *v);
            }
            for (k, v) in *suffixes {
                cloud.suffixes.set(k, *v);
            }
            cloud
        })
        .collect()
}

/// The built-in cloud of exactly this name.
pub fn builtin_cloud(name: &str) -> Option<Cloud> {
    builtin_clouds().into_iter().find(|c| c.name == name)
}

/// The cloud a host names without a `clouds.config` (the wasm package's `cloud` option): the
/// built-in cloud `name` with `overrides` laid over it (a relay in front of its login, say), or,
/// for any other name, a custom cloud made of `overrides` alone. A custom cloud must set az's
/// required endpoints; the usage error for a missing one names it as `label` spells it, so the
/// host's user reads the option they have to add rather than az's endpoint name.
pub fn cloud_with_overrides(
    name: &str,
    overrides: &CloudEndpoints,
    label: impl Fn(&str) -> String,
) -> Result<Cloud> {
    if let Some(mut cloud) = builtin_cloud(name) {
        cloud.endpoints.overlay(overrides);
        return Ok(cloud);
    }
    let mut cloud = Cloud::new(name);
    cloud.endpoints = overrides.clone();
    let missing: Vec<String> = REQUIRED_ENDPOINTS
        .iter()
        .filter(|(endpoint, _)| cloud.endpoints.get(endpoint).is_none())
        .map(|(endpoint, _)| label(endpoint))
        .collect();
    if missing.is_empty() {
        return Ok(cloud);
    }
    Err(Error::Usage(format!(
        "The cloud '{name}' is not built in ({}): name one of those, or give all endpoints of a \
         custom cloud (missing: {}).",
        BUILTIN_CLOUD_NAMES.join(", "),
        missing.join(", "),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::{CloudEndpoints, CloudSuffixes};

    fn label(endpoint: &str) -> String {
        format!("<{endpoint}>")
    }

    #[test]
    fn overrides_lay_over_a_builtin_cloud() -> Result<()> {
        let mut relay = CloudEndpoints::default();
        relay.set("active_directory", "https://relay.example/login");
        let china = cloud_with_overrides(AZURE_CHINA_CLOUD, &CloudEndpoints::default(), label)?;
        assert_eq!(china.login_endpoint()?, "https://login.chinacloudapi.cn");
        assert_eq!(
            china.default_scope()?,
            "https://management.core.chinacloudapi.cn//.default"
        );
        let relayed = cloud_with_overrides(AZURE_CLOUD, &relay, label)?;
        assert_eq!(relayed.login_endpoint()?, "https://relay.example/login");
        assert_eq!(relayed.arm_endpoint()?, "https://management.azure.com");
        Ok(())
    }

    #[test]
    fn a_custom_cloud_needs_the_required_endpoints() -> Result<()> {
        let mut given = CloudEndpoints::default();
        given.set("active_directory", "http://127.0.0.1:9");
        let Err(e) = cloud_with_overrides("Emulator", &given, label) else {
            panic!("two endpoints are missing")
        };
        assert_eq!(e.code(), "usage_error");
        assert_eq!(
            e.to_string(),
            "The cloud 'Emulator' is not built in (AzureCloud, AzureChinaCloud, \
             AzureUSGovernment, AzureBleuCloud): name one of those, or give all endpoints of a \
             custom cloud (missing: <resource_manager>, <active_directory_resource_id>)."
        );
        given.set("resource_manager", "http://127.0.0.1:9/");
        given.set("active_directory_resource_id", "http://127.0.0.1:9/");
        let custom = cloud_with_overrides("Emulator", &given, label)?;
        assert_eq!(custom.name, "Emulator");
        assert_eq!(custom.default_scope()?, "http://127.0.0.1:9//.default");
        Ok(())
    }

    #[test]
    fn every_builtin_value_has_a_known_name() {
        for (name, endpoints, suffixes) in TABLE {
            for (k, _) in endpoints {
                assert!(CloudEndpoints::NAMES.contains(k), "{name}: endpoint {k}");
            }
            for (k, _) in suffixes {
                assert!(CloudSuffixes::NAMES.contains(k), "{name}: suffix {k}");
            }
        }
        assert!(
            builtin_clouds()
                .iter()
                .all(|c| c.endpoints.other.is_empty())
        );
    }

    #[test]
    fn the_documented_login_and_arm_endpoints() {
        let rows = [
            (
                AZURE_CLOUD,
                "https://login.microsoftonline.com",
                "https://management.azure.com/",
                "https://management.core.windows.net/",
            ),
            (
                AZURE_CHINA_CLOUD,
                "https://login.chinacloudapi.cn",
                "https://management.chinacloudapi.cn",
                "https://management.core.chinacloudapi.cn/",
            ),
            (
                AZURE_US_GOVERNMENT,
                "https://login.microsoftonline.us",
                "https://management.usgovcloudapi.net/",
                "https://management.core.usgovcloudapi.net/",
            ),
            (
                AZURE_BLEU_CLOUD,
                "https://login.sovcloud-identity.fr",
                "https://management.sovcloud-api.fr",
                "https://management.sovcloud-api.fr/",
            ),
        ];
        let clouds = builtin_clouds();
        assert_eq!(
            clouds.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            BUILTIN_CLOUD_NAMES
        );
        for (cloud, (name, login, arm, audience)) in clouds.iter().zip(rows) {
            assert_eq!(cloud.name, name);
            assert_eq!(cloud.endpoints.active_directory.as_deref(), Some(login));
            assert_eq!(cloud.endpoints.resource_manager.as_deref(), Some(arm));
            assert_eq!(
                cloud.endpoints.active_directory_resource_id.as_deref(),
                Some(audience)
            );
            assert!(cloud.missing_required_endpoints().is_empty());
        }
        assert_eq!(builtin_cloud("azurecloud"), None);
        assert_eq!(builtin_cloud("AzureGermanCloud"), None);
    }
}
