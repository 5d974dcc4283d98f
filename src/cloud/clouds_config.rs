//! `clouds.config` as az reads and writes it (`get_clouds`, `_config_add_cloud`,
//! `set_cloud_subscription`, `remove_cloud` in `azure/cli/core/cloud.py`).
//!
//! One section per cloud. A custom cloud's section holds `profile`, `endpoint_<name>` and
//! `suffix_<name>` options; any section, built-in cloud or not, may hold
//! `subscription = <default subscription id>`. A section named like a built-in cloud overrides
//! that cloud's values.

use super::{Cloud, builtin_clouds};
use crate::error::{Error, Result};
use crate::ini::Ini;

/// The option holding a cloud's default subscription.
const SUBSCRIPTION: &str = "subscription";

/// The profile az uses when a cloud names none, and the only one az 2.91.0 supports.
const LATEST_PROFILE: &str = "latest";

/// Azure Stack profiles az 2.91.0 no longer supports but still accepts (using `latest`).
const RETIRED_PROFILES: [&str; 4] = [
    "2017-03-09-profile",
    "2018-03-01-hybrid",
    "2019-03-01-hybrid",
    "2020-09-01-hybrid",
];

/// Every cloud: the built-in ones (with any overrides from `ini`), then the custom ones in file
/// order. As in az, a missing profile reads as `latest` and a missing `management` endpoint
/// takes the `resource_manager` one.
pub fn clouds_from_ini(ini: &Ini) -> Result<Vec<Cloud>> {
    let mut clouds = builtin_clouds();
    for name in ini.sections() {
        let index = match clouds.iter().position(|c| c.name == name) {
            Some(index) => index,
            None => {
                clouds.push(Cloud::new(name));
                clouds.len() - 1
            }
        };
        let cloud = &mut clouds[index];
        for (key, value) in ini.section(name).unwrap_or_default() {
            // az strips the prefix with `str.replace`, which removes every occurrence.
            if key == "profile" {
                cloud.profile = Some(value.clone());
            } else if key.starts_with("endpoint_") {
                cloud
                    .endpoints
                    .set(&key.replace("endpoint_", ""), value.as_str());
            } else if key.starts_with("suffix_") {
                cloud
                    .suffixes
                    .set(&key.replace("suffix_", ""), value.as_str());
            }
        }
    }
    for cloud in &mut clouds {
        let profile = cloud.profile.get_or_insert_with(|| LATEST_PROFILE.into());
        if profile != LATEST_PROFILE && !RETIRED_PROFILES.contains(&profile.as_str()) {
            return Err(Error::Config(format!(
                "Profile {profile} does not exist or is not supported."
            )));
        }
        if cloud.endpoints.management.is_none() {
            cloud.endpoints.management = cloud.endpoints.resource_manager.clone();
        }
    }
    Ok(clouds)
}

/// The cloud of exactly this name (az compares cloud names case-sensitively).
pub fn find_cloud<'a>(clouds: &'a [Cloud], name: &str) -> Option<&'a Cloud> {
    clouds.iter().find(|c| c.name == name)
}

/// Whether two login endpoints are the same (case and a trailing `/` aside).
pub fn same_endpoint(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// The cloud a login endpoint names (MSAL's and @azure/identity's `authorityHost`): the active
/// cloud when the endpoint is its own, else the one registered cloud whose endpoint it is. When
/// the active cloud was named explicitly (`pinned`), another cloud is a contradiction, not a
/// choice.
pub fn cloud_for_login_endpoint<'a>(
    clouds: &'a [Cloud],
    active: &'a Cloud,
    pinned: bool,
    endpoint: &str,
) -> Result<&'a Cloud> {
    let same = |c: &Cloud| {
        c.login_endpoint()
            .is_ok_and(|own| same_endpoint(own, endpoint))
    };
    if same(active) {
        return Ok(active);
    }
    if pinned {
        return Err(Error::Usage(format!(
            "`authorityHost` '{endpoint}' is not the login endpoint of the cloud '{}' ({}): give one of them, or ones that agree",
            active.name,
            active.login_endpoint().unwrap_or("none")
        )));
    }
    clouds.iter().find(|c| same(c)).ok_or_else(|| {
        Error::Usage(format!(
            "No registered cloud has the login endpoint '{endpoint}'. Register one with \
             'azlogin cloud register --name <name> --endpoint-active-directory {endpoint} \
             --endpoint-resource-manager <ARM endpoint>', or pass `cloud`."
        ))
    })
}

/// The registered spelling of a cloud name given in any case, as `az cloud set` resolves it.
pub fn resolve_cloud_name<'a>(clouds: &'a [Cloud], name: &str) -> Option<&'a str> {
    find_cloud(clouds, name)
        .or_else(|| clouds.iter().find(|c| c.name.eq_ignore_ascii_case(name)))
        .map(|c| c.name.as_str())
}

/// Writes `cloud` as `az cloud register` (or, with `overwrite`, `az cloud update`) does: a
/// section named after it with `profile` when set, then every set endpoint as
/// `endpoint_<name>` and every set suffix as `suffix_<name>`, in az's (alphabetical) order.
/// Without `overwrite`, a section that already exists is az's "already registered" error.
pub fn write_cloud(ini: &mut Ini, cloud: &Cloud, overwrite: bool) -> Result<()> {
    if !ini.add_section(&cloud.name) && !overwrite {
        return Err(Error::Usage(format!(
            "The cloud '{}' is already registered.",
            cloud.name
        )));
    }
    if let Some(profile) = &cloud.profile {
        ini.set(&cloud.name, "profile", profile.as_str());
    }
    for (name, value) in cloud.endpoints.iter() {
        ini.set(&cloud.name, &format!("endpoint_{name}"), value);
    }
    for (name, value) in cloud.suffixes.iter() {
        ini.set(&cloud.name, &format!("suffix_{name}"), value);
    }
    Ok(())
}

/// Removes a cloud's section (its values and its default subscription); says whether it was
/// there.
pub fn remove_cloud(ini: &mut Ini, name: &str) -> bool {
    ini.remove_section(name)
}

/// The default subscription id recorded for a cloud.
pub fn cloud_subscription<'a>(ini: &'a Ini, cloud_name: &str) -> Option<&'a str> {
    ini.get(cloud_name, SUBSCRIPTION)
}

/// Records (or, with `None` or an empty id, removes) a cloud's default subscription, as az's
/// `set_cloud_subscription`: the section is created when needed and kept when emptied.
pub fn set_cloud_subscription(ini: &mut Ini, cloud_name: &str, subscription: Option<&str>) {
    match subscription.filter(|s| !s.is_empty()) {
        Some(id) => ini.set(cloud_name, SUBSCRIPTION, id),
        None => {
            ini.remove(cloud_name, SUBSCRIPTION);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::AZURE_CLOUD;

    const EXAMPLE: &str =
        include_str!("../../tests/fixtures/az-password-login/files/clouds.config");

    fn ini(text: &str) -> Ini {
        match Ini::parse(text) {
            Ok(ini) => ini,
            Err(e) => panic!("{e}"),
        }
    }

    /// The cloud `az cloud register -n FakeCloud --endpoint-resource-manager …` stored in the
    /// example, rebuilt from the metadata the test server answered.
    fn fake_cloud() -> Cloud {
        let mut c = Cloud::new("FakeCloud");
        for (k, v) in [
            ("active_directory", "https://localhost:8443"),
            (
                "active_directory_data_lake_resource_id",
                "https://localhost:8443/",
            ),
            (
                "active_directory_graph_resource_id",
                "https://localhost:8443/",
            ),
            ("active_directory_resource_id", "https://localhost:8443/"),
            ("batch_resource_id", "https://localhost:8443/"),
            ("gallery", "https://localhost:8443/"),
            ("management", "https://localhost:8443/"),
            ("media_resource_id", "https://localhost:8443"),
            ("microsoft_graph_resource_id", "https://localhost:8443/"),
            ("portal", "https://localhost:8443"),
            ("resource_manager", "https://localhost:8443/"),
            ("sql_management", "https://localhost:8443/"),
            ("vm_image_alias_doc", "https://localhost:8443/aliases.json"),
        ] {
            c.endpoints.set(k, v);
        }
        for (k, v) in [
            ("storage_endpoint", "localhost"),
            ("keyvault_dns", ".localhost"),
            ("acr_login_server_endpoint", ".localhost"),
            ("attestation_endpoint", ".localhost"),
            (
                "azure_datalake_analytics_catalog_and_job_endpoint",
                "localhost",
            ),
            ("azure_datalake_store_file_system_endpoint", "localhost"),
            ("mariadb_server_endpoint", ".localhost"),
            ("mhsm_dns", ".localhost"),
            ("mysql_server_endpoint", ".localhost"),
            ("postgresql_server_endpoint", ".localhost"),
            ("sql_server_hostname", ".localhost"),
            ("storage_sync_endpoint", "localhost"),
            ("synapse_analytics_endpoint", ".localhost"),
        ] {
            c.suffixes.set(k, v);
        }
        c
    }

    #[test]
    fn register_then_login_writes_the_example_bytes() -> Result<()> {
        let mut file = Ini::new();
        write_cloud(&mut file, &fake_cloud(), false)?;
        set_cloud_subscription(
            &mut file,
            "FakeCloud",
            Some("c0000001-0000-4000-8000-000000000001"),
        );
        assert_eq!(file.to_string(), EXAMPLE);
        Ok(())
    }

    #[test]
    fn reads_the_example() -> Result<()> {
        let file = ini(EXAMPLE);
        let clouds = clouds_from_ini(&file)?;
        assert_eq!(clouds.len(), 5);
        let fake = find_cloud(&clouds, "FakeCloud");
        let mut expected = fake_cloud();
        expected.profile = Some("latest".into());
        assert_eq!(fake, Some(&expected));
        assert_eq!(
            cloud_subscription(&file, "FakeCloud"),
            Some("c0000001-0000-4000-8000-000000000001")
        );
        assert_eq!(cloud_subscription(&file, AZURE_CLOUD), None);
        assert_eq!(resolve_cloud_name(&clouds, "fakecloud"), Some("FakeCloud"));
        assert_eq!(resolve_cloud_name(&clouds, "Nope"), None);
        assert!(find_cloud(&clouds, "fakecloud").is_none());
        Ok(())
    }

    #[test]
    fn builtin_sections_override_and_default_subscription() -> Result<()> {
        let mut file = ini("[AzureCloud]\nsubscription = s1\nendpoint_portal = https://p\n");
        let clouds = clouds_from_ini(&file)?;
        assert_eq!(clouds.len(), 4);
        let azure = find_cloud(&clouds, AZURE_CLOUD);
        assert_eq!(
            azure.and_then(|c| c.endpoints.portal.as_deref()),
            Some("https://p")
        );
        assert_eq!(
            azure.and_then(|c| c.profile.as_deref()),
            Some(LATEST_PROFILE)
        );
        set_cloud_subscription(&mut file, AZURE_CLOUD, Some("s2"));
        set_cloud_subscription(&mut file, "AzureChinaCloud", Some("s3"));
        assert_eq!(
            file.to_string(),
            "[AzureCloud]\nsubscription = s2\nendpoint_portal = https://p\n\n\
             [AzureChinaCloud]\nsubscription = s3\n\n"
        );
        set_cloud_subscription(&mut file, AZURE_CLOUD, None);
        set_cloud_subscription(&mut file, "AzureChinaCloud", Some(""));
        set_cloud_subscription(&mut file, "Missing", None);
        assert_eq!(
            file.to_string(),
            "[AzureCloud]\nendpoint_portal = https://p\n\n[AzureChinaCloud]\n\n"
        );
        Ok(())
    }

    #[test]
    fn custom_cloud_defaults_and_profiles() -> Result<()> {
        let file = ini(
            "[Stack]\nprofile = 2019-03-01-hybrid\nendpoint_resource_manager = https://arm/\n\
             endpoint_new_service = https://n\nsuffix_new_suffix = .n\nother = ignored\n",
        );
        let clouds = clouds_from_ini(&file)?;
        let stack = find_cloud(&clouds, "Stack");
        assert_eq!(
            stack.and_then(|c| c.endpoints.management.as_deref()),
            Some("https://arm/")
        );
        assert_eq!(
            stack.and_then(|c| c.endpoints.get("new_service")),
            Some("https://n")
        );
        assert_eq!(stack.and_then(|c| c.suffixes.get("new_suffix")), Some(".n"));
        assert_eq!(
            stack.and_then(|c| c.profile.as_deref()),
            Some("2019-03-01-hybrid")
        );
        let Err(e) = clouds_from_ini(&ini("[X]\nprofile = 2015-01-01\n")) else {
            panic!("unknown profile accepted")
        };
        assert_eq!(
            e.to_string(),
            "Profile 2015-01-01 does not exist or is not supported."
        );
        Ok(())
    }

    #[test]
    fn register_refuses_an_existing_section_unless_updating() -> Result<()> {
        let mut file = ini(EXAMPLE);
        let mut cloud = Cloud::new("FakeCloud");
        cloud.profile = Some("latest".into());
        cloud.endpoints.set("portal", "https://other");
        let Err(e) = write_cloud(&mut file, &cloud, false) else {
            panic!("registered twice")
        };
        assert_eq!(
            e.to_string(),
            "The cloud 'FakeCloud' is already registered."
        );
        write_cloud(&mut file, &cloud, true)?;
        assert_eq!(file.get("FakeCloud", "portal"), None);
        assert_eq!(
            file.get("FakeCloud", "endpoint_portal"),
            Some("https://other")
        );
        assert_eq!(file.get("FakeCloud", "profile"), Some("latest"));
        assert!(remove_cloud(&mut file, "FakeCloud"));
        assert!(!remove_cloud(&mut file, "FakeCloud"));
        assert_eq!(file.to_string(), "");
        Ok(())
    }

    #[test]
    fn a_login_endpoint_picks_its_cloud() {
        let mut fake = Cloud::new("FakeCloud");
        fake.endpoints.active_directory = Some("http://127.0.0.1:4000/".into());
        let mut clouds = builtin_clouds();
        clouds.push(fake);
        let public = find_cloud(&clouds, "AzureCloud").expect("built in");
        let pick = |active: &Cloud, pinned: bool, endpoint: &str| {
            cloud_for_login_endpoint(&clouds, active, pinned, endpoint).map(|c| c.name.clone())
        };
        // The active cloud's own endpoint (any case, any trailing slash) keeps it.
        assert_eq!(
            pick(public, true, "https://LOGIN.microsoftonline.com/").ok(),
            Some("AzureCloud".into())
        );
        // Another registered cloud's endpoint picks that cloud, unless one was named.
        assert_eq!(
            pick(public, false, "http://127.0.0.1:4000").ok(),
            Some("FakeCloud".into())
        );
        assert_eq!(
            pick(public, false, "https://login.chinacloudapi.cn").ok(),
            Some("AzureChinaCloud".into())
        );
        let named = pick(public, true, "http://127.0.0.1:4000").expect_err("disagrees");
        assert_eq!(named.code(), "usage_error");
        assert!(named.to_string().contains("'AzureCloud'"), "{named}");
        // An endpoint no cloud has is refused with the way to register one.
        let unknown = pick(public, false, "https://login.example.invalid").expect_err("unknown");
        assert_eq!(unknown.code(), "usage_error");
        assert!(
            unknown.to_string().contains("azlogin cloud register"),
            "{unknown}"
        );
    }
}
