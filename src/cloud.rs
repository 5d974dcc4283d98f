//! Azure clouds: the endpoints a login talks to and the resource ids it asks tokens for.
//!
//! The built-in clouds are az 2.91.0's (`azure/cli/core/cloud.py`); custom clouds and per-cloud
//! overrides live in `clouds.config` ([`clouds_from_ini`], [`write_cloud`]); a new cloud's missing
//! endpoints come from ARM's metadata document ([`metadata_request`], [`parse_metadata`]).
//! Nothing here does I/O.

mod builtin;
mod clouds_config;
mod metadata;

use crate::error::{Error, Result};

pub use builtin::{
    AZURE_BLEU_CLOUD, AZURE_CHINA_CLOUD, AZURE_CLOUD, AZURE_US_GOVERNMENT, BUILTIN_CLOUD_NAMES,
    builtin_cloud, builtin_clouds, cloud_with_overrides,
};
pub use clouds_config::{
    cloud_for_login_endpoint, cloud_subscription, clouds_from_ini, find_cloud, remove_cloud,
    resolve_cloud_name, same_endpoint, set_cloud_subscription, write_cloud,
};
pub use metadata::{METADATA_API_VERSION, build_cloud, metadata_request, parse_metadata};

/// The cloud az uses when `[cloud] name` is not set.
pub const DEFAULT_CLOUD_NAME: &str = AZURE_CLOUD;

/// The endpoints az requires of every cloud, with the `az cloud register` flag that sets each.
pub const REQUIRED_ENDPOINTS: [(&str, &str); 3] = [
    ("resource_manager", "--endpoint-resource-manager"),
    ("active_directory", "--endpoint-active-directory"),
    (
        "active_directory_resource_id",
        "--endpoint-active-directory-resource-id",
    ),
];

/// Declares a struct of optional string values named as az names them, with lookup by name and
/// iteration in az's order, so the list of names is written once.
macro_rules! named_values {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[doc = $doc:literal])* $field:ident, )* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: Option<String>, )*
            /// Values under names az 2.91.0 does not define, in the order they were read;
            /// az keeps them (it sets any attribute) and so do we.
            pub other: Vec<(String, String)>,
        }

        impl $name {
            /// The names az defines, in its order (alphabetical, the order it writes them).
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];

            /// The value called `name`, when set.
            pub fn get(&self, name: &str) -> Option<&str> {
                $( if name == stringify!($field) { return self.$field.as_deref(); } )*
                self.other.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
            }

            /// Sets the value called `name`.
            pub fn set(&mut self, name: &str, value: impl Into<String>) {
                let value = value.into();
                $( if name == stringify!($field) { self.$field = Some(value); return; } )*
                match self.other.iter_mut().find(|(k, _)| k == name) {
                    Some(entry) => entry.1 = value,
                    None => self.other.push((name.to_string(), value)),
                }
            }

            /// Every value that is set, as `(name, value)`: az's names in its order, then the
            /// others.
            pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
                [$( (stringify!($field), self.$field.as_deref()), )*]
                    .into_iter()
                    .filter_map(|(k, v)| v.map(|v| (k, v)))
                    .chain(self.other.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            }

            /// Copies every value set in `from` over this one.
            pub fn overlay(&mut self, from: &Self) {
                for (k, v) in from.iter() {
                    self.set(k, v);
                }
            }
        }
    };
}

named_values! {
    /// A cloud's endpoints, named as az names them (`endpoint_<name>` in `clouds.config`).
    CloudEndpoints {
        /// The Entra ID login endpoint (authority host), e.g. `https://login.microsoftonline.com`.
        active_directory,
        /// The Data Lake resource id.
        active_directory_data_lake_resource_id,
        /// The (retired) Azure AD Graph resource id.
        active_directory_graph_resource_id,
        /// The ARM token audience, e.g. `https://management.core.windows.net/`.
        active_directory_resource_id,
        /// The Application Insights resource id.
        app_insights_resource_id,
        /// The Application Insights telemetry channel.
        app_insights_telemetry_channel_resource_id,
        /// The App Service resource id.
        app_service_resource_id,
        /// The Attestation resource id.
        attestation_resource_id,
        /// The azmirror storage account resource id.
        azmirror_storage_account_resource_id,
        /// The Batch resource id.
        batch_resource_id,
        /// The gallery endpoint.
        gallery,
        /// The Log Analytics resource id.
        log_analytics_resource_id,
        /// The classic management endpoint (ASM audience).
        management,
        /// The Media Services resource id.
        media_resource_id,
        /// The Microsoft Graph resource id.
        microsoft_graph_resource_id,
        /// The OSS RDBMS resource id.
        ossrdbms_resource_id,
        /// The portal.
        portal,
        /// Azure Resource Manager, e.g. `https://management.azure.com/`.
        resource_manager,
        /// The SQL management endpoint.
        sql_management,
        /// The Synapse Analytics resource id.
        synapse_analytics_resource_id,
        /// The VM image alias document.
        vm_image_alias_doc,
    }
}

named_values! {
    /// A cloud's DNS suffixes, named as az names them (`suffix_<name>` in `clouds.config`).
    CloudSuffixes {
        /// Container Registry login servers.
        acr_login_server_endpoint,
        /// Attestation.
        attestation_endpoint,
        /// Data Lake Analytics catalog and job.
        azure_datalake_analytics_catalog_and_job_endpoint,
        /// Data Lake Store file system.
        azure_datalake_store_file_system_endpoint,
        /// Key Vault.
        keyvault_dns,
        /// MariaDB servers.
        mariadb_server_endpoint,
        /// Managed HSM.
        mhsm_dns,
        /// MySQL servers.
        mysql_server_endpoint,
        /// PostgreSQL servers.
        postgresql_server_endpoint,
        /// SQL servers.
        sql_server_hostname,
        /// Storage.
        storage_endpoint,
        /// Storage Sync.
        storage_sync_endpoint,
        /// Synapse Analytics.
        synapse_analytics_endpoint,
    }
}

/// A cloud: its name, endpoints, suffixes and API profile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cloud {
    /// The name, e.g. `AzureCloud` (case-sensitive, as az compares it).
    pub name: String,
    /// The endpoints.
    pub endpoints: CloudEndpoints,
    /// The DNS suffixes.
    pub suffixes: CloudSuffixes,
    /// The API profile; az reads a missing one as `latest`.
    pub profile: Option<String>,
}

impl Cloud {
    /// A cloud with a name and nothing else.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The endpoint called `name`, or the error az gives when a command needs an unset one.
    pub fn endpoint(&self, name: &str) -> Result<&str> {
        self.endpoints.get(name).ok_or_else(|| {
            Error::Config(format!(
                "The endpoint '{name}' for cloud '{}' is not set but is used. clouds.config may \
                 be corrupt or invalid: fix the cloud's section there or register the cloud \
                 again.",
                self.name,
            ))
        })
    }

    /// The login endpoint without a trailing slash, e.g. `https://login.microsoftonline.com`.
    pub fn login_endpoint(&self) -> Result<&str> {
        Ok(self.endpoint("active_directory")?.trim_end_matches('/'))
    }

    /// The authority host, lower-cased and without port, e.g. `login.microsoftonline.com`: what
    /// MSAL records as a cache entry's `environment`.
    pub fn login_host(&self) -> Result<String> {
        let endpoint = self.login_endpoint()?;
        let url = self.parse_url("active_directory", endpoint)?;
        match url.host() {
            Some(url::Host::Domain(d)) => Ok(d.to_ascii_lowercase()),
            Some(url::Host::Ipv4(ip)) => Ok(ip.to_string()),
            Some(url::Host::Ipv6(ip)) => Ok(ip.to_string()),
            None => Err(self.bad_url("active_directory", endpoint, "it names no host")),
        }
    }

    /// Whether the login endpoint is AD FS (Azure Stack): az tests that it ends with `adfs`.
    pub fn is_adfs(&self) -> bool {
        self.endpoints.active_directory.as_deref().is_some_and(|e| {
            e.trim_end_matches('/')
                .to_ascii_lowercase()
                .ends_with("adfs")
        })
    }

    /// The MSAL authority for `tenant` (`organizations` when `None`), as az's
    /// `_get_authority_url` builds it: lower-cased, and the bare endpoint for AD FS.
    pub fn authority_url(&self, tenant: Option<&str>) -> Result<String> {
        let endpoint = self.login_endpoint()?.to_ascii_lowercase();
        if self.is_adfs() {
            return Ok(endpoint);
        }
        Ok(format!("{endpoint}/{}", tenant.unwrap_or("organizations")))
    }

    /// Azure Resource Manager without a trailing slash, ready for `{arm}/subscriptions`.
    pub fn arm_endpoint(&self) -> Result<&str> {
        Ok(self.endpoint("resource_manager")?.trim_end_matches('/'))
    }

    /// The ARM token audience exactly as configured, e.g. `https://management.core.windows.net/`.
    pub fn arm_resource_id(&self) -> Result<&str> {
        self.endpoint("active_directory_resource_id")
    }

    /// The ARM scope: the audience plus `/.default`, keeping a trailing slash doubled
    /// (`https://management.core.windows.net//.default`), as az's `resource_to_scopes` does.
    pub fn default_scope(&self) -> Result<String> {
        Ok(format!("{}/.default", self.arm_resource_id()?))
    }

    /// The `host:port` authorities this cloud's login and ARM live on, for an HTTP allow-list.
    pub fn authorities(&self) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for (name, endpoint) in [
            ("active_directory", self.login_endpoint()?),
            ("resource_manager", self.arm_endpoint()?),
        ] {
            let authority = crate::http::authority_of(&self.parse_url(name, endpoint)?);
            if !out.contains(&authority) {
                out.push(authority);
            }
        }
        Ok(out)
    }

    /// The `az cloud register` flags of required endpoints this cloud lacks.
    pub fn missing_required_endpoints(&self) -> Vec<&'static str> {
        REQUIRED_ENDPOINTS
            .iter()
            .filter(|(name, _)| self.endpoints.get(name).is_none())
            .map(|(_, flag)| *flag)
            .collect()
    }

    fn parse_url(&self, name: &str, endpoint: &str) -> Result<url::Url> {
        url::Url::parse(endpoint).map_err(|e| self.bad_url(name, endpoint, e))
    }

    fn bad_url(&self, name: &str, endpoint: &str, why: impl std::fmt::Display) -> Error {
        Error::Config(format!(
            "The endpoint '{name}' of cloud '{}' is not a valid URL ('{endpoint}': {why}).",
            self.name
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn azure() -> Cloud {
        match builtin_cloud(AZURE_CLOUD) {
            Some(c) => c,
            None => panic!("AzureCloud is built in"),
        }
    }

    #[test]
    fn public_cloud_helpers() -> Result<()> {
        let c = azure();
        assert_eq!(c.login_endpoint()?, "https://login.microsoftonline.com");
        assert_eq!(c.login_host()?, "login.microsoftonline.com");
        assert_eq!(c.arm_endpoint()?, "https://management.azure.com");
        assert_eq!(c.arm_resource_id()?, "https://management.core.windows.net/");
        assert_eq!(
            c.default_scope()?,
            "https://management.core.windows.net//.default"
        );
        assert!(!c.is_adfs());
        assert_eq!(
            c.authority_url(None)?,
            "https://login.microsoftonline.com/organizations"
        );
        assert_eq!(
            c.authority_url(Some("contoso.example"))?,
            "https://login.microsoftonline.com/contoso.example"
        );
        assert_eq!(
            c.authorities()?,
            ["login.microsoftonline.com:443", "management.azure.com:443"]
        );
        assert!(c.missing_required_endpoints().is_empty());
        Ok(())
    }

    #[test]
    fn local_cloud_on_one_port() -> Result<()> {
        let mut c = Cloud::new("FakeCloud");
        c.endpoints.active_directory = Some("https://LocalHost:8443/".into());
        c.endpoints.resource_manager = Some("https://localhost:8443/".into());
        c.endpoints.active_directory_resource_id = Some("https://localhost:8443/".into());
        assert_eq!(c.login_endpoint()?, "https://LocalHost:8443");
        assert_eq!(c.login_host()?, "localhost");
        assert_eq!(c.authorities()?, ["localhost:8443"]);
        assert_eq!(c.default_scope()?, "https://localhost:8443//.default");
        Ok(())
    }

    #[test]
    fn adfs_authority_drops_the_tenant() -> Result<()> {
        let mut c = Cloud::new("AzureStack");
        c.endpoints.active_directory = Some("https://ADFS.contoso.example/adfs/".into());
        assert!(c.is_adfs());
        assert_eq!(
            c.authority_url(Some("t"))?,
            "https://adfs.contoso.example/adfs"
        );
        assert_eq!(c.login_host()?, "adfs.contoso.example");
        Ok(())
    }

    #[test]
    fn unset_endpoints_are_config_errors() {
        let c = Cloud::new("Empty");
        let Err(e) = c.login_endpoint() else {
            panic!("no login endpoint")
        };
        assert_eq!(e.code(), "config_error");
        assert!(
            e.to_string()
                .contains("'active_directory' for cloud 'Empty'")
        );
        assert_eq!(
            c.missing_required_endpoints(),
            [
                "--endpoint-resource-manager",
                "--endpoint-active-directory",
                "--endpoint-active-directory-resource-id"
            ]
        );
        let mut bad = Cloud::new("Bad");
        bad.endpoints.active_directory = Some("not a url".into());
        assert!(bad.login_host().is_err());
    }

    #[test]
    fn named_values_keep_az_order_and_unknown_names() {
        let mut e = CloudEndpoints::default();
        e.set("resource_manager", "https://arm/");
        e.set("active_directory", "https://login");
        e.set("future_thing", "x");
        e.set("future_thing", "y");
        assert_eq!(e.get("future_thing"), Some("y"));
        assert_eq!(
            e.iter().collect::<Vec<_>>(),
            [
                ("active_directory", "https://login"),
                ("resource_manager", "https://arm/"),
                ("future_thing", "y")
            ]
        );
        let mut base = CloudEndpoints::default();
        base.set("active_directory", "old");
        base.set("portal", "p");
        base.overlay(&e);
        assert_eq!(base.get("active_directory"), Some("https://login"));
        assert_eq!(base.get("portal"), Some("p"));
        assert_eq!(CloudEndpoints::NAMES.len(), 21);
        assert_eq!(CloudSuffixes::NAMES.len(), 13);
    }
}
