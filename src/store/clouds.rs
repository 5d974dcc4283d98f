//! `clouds.config` on disk and the active cloud, as az's `core/cloud.py` keeps them. Every change
//! reads the file again, changes it, and replaces it atomically; a file that cannot be parsed is
//! reported and never written over or deleted.

use super::atomic::atomic_write;
use super::config::AzConfig;
use super::config_dir::ConfigDir;
use super::ini_file::read_ini;
use crate::cloud::{self, BUILTIN_CLOUD_NAMES, Cloud};
use crate::error::{Error, Result};
use crate::ini::Ini;

/// The file's name in the config dir.
const FILE_NAME: &str = "clouds.config";

/// az writes the file with `open(path, 'w')`: 0666 less the umask.
const MODE_IF_NEW: u32 = 0o666;

/// `clouds.config` as a document (empty when the file is missing).
pub fn load_clouds_ini(dir: &ConfigDir) -> Result<Ini> {
    read_ini(&dir.file(FILE_NAME))
}

/// Every registered cloud: the built-in ones (with their overrides) and the custom ones.
pub fn load_clouds(dir: &ConfigDir) -> Result<Vec<Cloud>> {
    cloud::clouds_from_ini(&load_clouds_ini(dir)?)
}

/// The active cloud: `[cloud] name` in `config` (or `AZURE_CLOUD_NAME`), `AzureCloud` when
/// unset. A name no cloud has is an error that lists the registered clouds. (az would warn and
/// switch back to AzureCloud, writing `config`; azlogin changes no file just to read.)
pub fn active_cloud(dir: &ConfigDir, config: &AzConfig) -> Result<Cloud> {
    let name = config.cloud_name();
    let clouds = load_clouds(dir)?;
    match cloud::find_cloud(&clouds, &name) {
        Some(c) => Ok(c.clone()),
        None => Err(Error::Config(format!(
            "The active cloud '{name}' (from '{}' or AZURE_CLOUD_NAME) is not registered. \
             Registered clouds: {}. Run 'az cloud set --name <cloud>' to choose one.",
            config.path().display(),
            names(&clouds)
        ))),
    }
}

/// The default subscription recorded for a cloud.
pub fn cloud_subscription(dir: &ConfigDir, cloud_name: &str) -> Result<Option<String>> {
    let ini = load_clouds_ini(dir)?;
    Ok(cloud::cloud_subscription(&ini, cloud_name).map(String::from))
}

/// Records (`Some`) or removes (`None`) a registered cloud's default subscription, as az does on
/// every login and `az account set`.
pub fn set_cloud_subscription(
    dir: &ConfigDir,
    cloud_name: &str,
    subscription: Option<&str>,
) -> Result<()> {
    update(dir, |ini, clouds| {
        registered(clouds, cloud_name)?;
        cloud::set_cloud_subscription(ini, cloud_name, subscription);
        Ok(())
    })
}

/// Stores a new custom cloud as `az cloud register` does. A name already taken (exact case, as
/// az compares) or a cloud without the endpoints az requires is a usage error, with az's words.
pub fn register_cloud(dir: &ConfigDir, new: &Cloud) -> Result<()> {
    let missing = new.missing_required_endpoints();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "The following endpoints are required for the CLI to function and were not \
             specified on the command line, in the cloud config or could not be \
             autodetected.\nSpecify them on the command line or through the cloud config \
             file:\n{}",
            missing.join(", ")
        )));
    }
    update(dir, |ini, clouds| {
        if cloud::find_cloud(clouds, &new.name).is_some() {
            return Err(Error::Usage(format!(
                "The cloud '{}' is already registered.",
                new.name
            )));
        }
        cloud::write_cloud(ini, new, false)
    })
}

/// Makes a registered cloud (named in any case) the active one in `config`, as `az cloud set`
/// does; returns its registered name.
pub fn set_active_cloud(dir: &ConfigDir, config: &mut AzConfig, name: &str) -> Result<String> {
    let clouds = load_clouds(dir)?;
    let Some(found) = cloud::resolve_cloud_name(&clouds, name) else {
        return Err(not_registered(name, &clouds));
    };
    let found = found.to_string();
    config.set("cloud", "name", &found)?;
    Ok(found)
}

/// Removes a custom cloud, as `az cloud unregister` does: not the active cloud and not a
/// built-in one.
pub fn unregister_cloud(dir: &ConfigDir, config: &AzConfig, name: &str) -> Result<()> {
    let active = config.cloud_name();
    update(dir, |ini, clouds| {
        registered(clouds, name)?;
        if name == active {
            return Err(Error::Usage(format!(
                "The cloud '{name}' cannot be unregistered as it's currently active."
            )));
        }
        if BUILTIN_CLOUD_NAMES.contains(&name) {
            return Err(Error::Usage(format!(
                "The cloud '{name}' cannot be unregistered as it's not a custom cloud."
            )));
        }
        cloud::remove_cloud(ini, name);
        Ok(())
    })
}

/// Reads the file, lets `change` edit it (seeing every registered cloud), and writes it back.
fn update(dir: &ConfigDir, change: impl FnOnce(&mut Ini, &[Cloud]) -> Result<()>) -> Result<()> {
    let path = dir.file(FILE_NAME);
    let mut ini = read_ini(&path)?;
    let clouds = cloud::clouds_from_ini(&ini)?;
    change(&mut ini, &clouds)?;
    dir.ensure()?;
    atomic_write(&path, ini.to_string().as_bytes(), MODE_IF_NEW)
}

fn registered(clouds: &[Cloud], name: &str) -> Result<()> {
    match cloud::find_cloud(clouds, name) {
        Some(_) => Ok(()),
        None => Err(not_registered(name, clouds)),
    }
}

fn not_registered(name: &str, clouds: &[Cloud]) -> Error {
    Error::Usage(format!(
        "The cloud '{name}' is not registered. Registered clouds: {}.",
        names(clouds)
    ))
}

fn names(clouds: &[Cloud]) -> String {
    clouds
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const EXAMPLE_CLOUDS: &[u8] =
        include_bytes!("../../tests/fixtures/az-password-login/files/clouds.config");
    const EXAMPLE_CONFIG: &[u8] =
        include_bytes!("../../tests/fixtures/az-password-login/files/config");

    struct Fixture {
        _tmp: tempfile::TempDir,
        dir: ConfigDir,
    }

    fn fixture(files: &[(&str, &[u8])]) -> Fixture {
        let tmp = match tempfile::tempdir() {
            Ok(t) => t,
            Err(e) => panic!("tempdir: {e}"),
        };
        let dir = ConfigDir::new(tmp.path().join(".azure"));
        for (name, bytes) in files {
            if let Err(e) = dir.ensure().and_then(|()| {
                std::fs::write(dir.file(name), bytes).map_err(|e| Error::store(*name, e))
            }) {
                panic!("{e}");
            }
        }
        Fixture { _tmp: tmp, dir }
    }

    fn config(dir: &ConfigDir) -> Result<AzConfig> {
        AzConfig::load_with_env(dir, |_| None)
    }

    fn read(path: &Path) -> Vec<u8> {
        std::fs::read(path).unwrap_or_default()
    }

    fn fake_cloud() -> Cloud {
        let mut c = Cloud::new("FakeCloud");
        c.endpoints.resource_manager = Some("https://localhost:8443/".into());
        c.endpoints.active_directory = Some("https://localhost:8443".into());
        c.endpoints.active_directory_resource_id = Some("https://localhost:8443/".into());
        c
    }

    #[test]
    fn missing_files_mean_azure_cloud() -> Result<()> {
        let f = fixture(&[]);
        let active = active_cloud(&f.dir, &config(&f.dir)?)?;
        assert_eq!(active.name, "AzureCloud");
        assert_eq!(active.profile.as_deref(), Some("latest"));
        assert_eq!(load_clouds(&f.dir)?.len(), 4);
        assert_eq!(cloud_subscription(&f.dir, "AzureCloud")?, None);
        assert!(!f.dir.path().exists(), "reading creates nothing");
        Ok(())
    }

    #[test]
    fn the_example_dir_reads_as_az_left_it() -> Result<()> {
        let f = fixture(&[
            ("clouds.config", EXAMPLE_CLOUDS),
            ("config", EXAMPLE_CONFIG),
        ]);
        let active = active_cloud(&f.dir, &config(&f.dir)?)?;
        assert_eq!(active.name, "FakeCloud");
        assert_eq!(active.login_host()?, "localhost");
        assert_eq!(active.authorities()?, ["localhost:8443"]);
        assert_eq!(
            cloud_subscription(&f.dir, "FakeCloud")?.as_deref(),
            Some("c0000001-0000-4000-8000-000000000001")
        );
        Ok(())
    }

    #[test]
    fn az_register_set_and_login_give_the_example_bytes() -> Result<()> {
        // az's metadata discovery filled in the rest of the example's endpoints; here only the
        // three given on the command line are stored, so compare the key lines that exist.
        let f = fixture(&[]);
        register_cloud(&f.dir, &fake_cloud())?;
        let mut cfg = config(&f.dir)?;
        assert_eq!(
            set_active_cloud(&f.dir, &mut cfg, "fakecloud")?,
            "FakeCloud"
        );
        cfg.set("core", "instance_discovery", "false")?;
        set_cloud_subscription(
            &f.dir,
            "FakeCloud",
            Some("c0000001-0000-4000-8000-000000000001"),
        )?;
        assert_eq!(read(&f.dir.file("config")), EXAMPLE_CONFIG);
        assert_eq!(
            String::from_utf8_lossy(&read(&f.dir.file("clouds.config"))),
            "[FakeCloud]\nendpoint_active_directory = https://localhost:8443\n\
             endpoint_active_directory_resource_id = https://localhost:8443/\n\
             endpoint_resource_manager = https://localhost:8443/\n\
             subscription = c0000001-0000-4000-8000-000000000001\n\n"
        );
        Ok(())
    }

    #[test]
    fn subscription_round_trip_keeps_the_rest_byte_for_byte() -> Result<()> {
        let f = fixture(&[("clouds.config", EXAMPLE_CLOUDS)]);
        let path = f.dir.file("clouds.config");
        set_cloud_subscription(&f.dir, "AzureCloud", Some("s1"))?;
        set_cloud_subscription(&f.dir, "AzureCloud", None)?;
        let mut expected = EXAMPLE_CLOUDS.to_vec();
        expected.extend_from_slice(b"[AzureCloud]\n\n");
        assert_eq!(read(&path), expected);
        set_cloud_subscription(&f.dir, "FakeCloud", None)?;
        set_cloud_subscription(
            &f.dir,
            "FakeCloud",
            Some("c0000001-0000-4000-8000-000000000001"),
        )?;
        assert_eq!(read(&path), expected);

        let Err(e) = set_cloud_subscription(&f.dir, "NoSuchCloud", Some("s")) else {
            panic!("unregistered cloud accepted")
        };
        assert_eq!(e.code(), "usage_error");
        assert!(e.to_string().contains("AzureCloud, AzureChinaCloud"), "{e}");
        Ok(())
    }

    #[test]
    fn register_refuses_duplicates_and_incomplete_clouds() -> Result<()> {
        let f = fixture(&[]);
        register_cloud(&f.dir, &fake_cloud())?;
        for taken in ["FakeCloud", "AzureCloud"] {
            let mut c = fake_cloud();
            c.name = taken.into();
            let Err(e) = register_cloud(&f.dir, &c) else {
                panic!("{taken} registered twice")
            };
            assert_eq!(
                e.to_string(),
                format!("The cloud '{taken}' is already registered.")
            );
        }
        let mut partial = Cloud::new("Partial");
        partial.endpoints.active_directory = Some("https://login".into());
        let Err(e) = register_cloud(&f.dir, &partial) else {
            panic!("incomplete cloud registered")
        };
        assert!(
            e.to_string()
                .ends_with("--endpoint-resource-manager, --endpoint-active-directory-resource-id"),
            "{e}"
        );
        Ok(())
    }

    #[test]
    fn unknown_active_cloud_lists_the_known_ones() -> Result<()> {
        let f = fixture(&[("config", b"[cloud]\nname = Nowhere\n")]);
        let Err(e) = active_cloud(&f.dir, &config(&f.dir)?) else {
            panic!("unknown cloud accepted")
        };
        assert_eq!(e.code(), "config_error");
        let text = e.to_string();
        assert!(text.contains("'Nowhere'"), "{text}");
        assert!(
            text.contains("AzureCloud, AzureChinaCloud, AzureUSGovernment, AzureBleuCloud"),
            "{text}"
        );
        let env_cfg = AzConfig::load_with_env(&f.dir, |n| {
            (n == "AZURE_CLOUD_NAME").then(|| "AzureUSGovernment".to_string())
        })?;
        assert_eq!(active_cloud(&f.dir, &env_cfg)?.name, "AzureUSGovernment");

        let mut cfg = config(&f.dir)?;
        let Err(e) = set_active_cloud(&f.dir, &mut cfg, "Elsewhere") else {
            panic!("unknown cloud set")
        };
        assert!(
            e.to_string()
                .starts_with("The cloud 'Elsewhere' is not registered.")
        );
        Ok(())
    }

    #[test]
    fn unregister_rules() -> Result<()> {
        let f = fixture(&[
            ("clouds.config", EXAMPLE_CLOUDS),
            ("config", EXAMPLE_CONFIG),
        ]);
        let mut cfg = config(&f.dir)?;
        let Err(e) = unregister_cloud(&f.dir, &cfg, "FakeCloud") else {
            panic!("active cloud unregistered")
        };
        assert!(e.to_string().contains("currently active"));
        set_active_cloud(&f.dir, &mut cfg, "AzureCloud")?;
        let Err(e) = unregister_cloud(&f.dir, &cfg, "AzureChinaCloud") else {
            panic!("built-in cloud unregistered")
        };
        assert!(e.to_string().contains("not a custom cloud"));
        assert!(unregister_cloud(&f.dir, &cfg, "Nope").is_err());
        unregister_cloud(&f.dir, &cfg, "FakeCloud")?;
        assert_eq!(read(&f.dir.file("clouds.config")), b"");
        assert_eq!(load_clouds(&f.dir)?.len(), 4);
        Ok(())
    }

    #[test]
    fn corrupt_clouds_config_is_reported_and_left_byte_identical() -> Result<()> {
        // The case az deletes the file for (no section header), and a strict-mode duplicate.
        for bad in [&b"subscription = x\n"[..], b"[A]\nk = 1\n[A]\n"] {
            let f = fixture(&[("clouds.config", bad)]);
            let path = f.dir.file("clouds.config");
            let cfg = config(&f.dir)?;
            let results = [
                load_clouds(&f.dir).err(),
                active_cloud(&f.dir, &cfg).err(),
                set_cloud_subscription(&f.dir, "AzureCloud", Some("s")).err(),
                register_cloud(&f.dir, &fake_cloud()).err(),
            ];
            for e in results {
                let Some(e) = e else {
                    panic!("corrupt clouds.config accepted")
                };
                assert_eq!(e.code(), "corrupt_file");
                assert!(e.to_string().contains(&path.display().to_string()), "{e}");
            }
            assert_eq!(read(&path), bad);
        }
        Ok(())
    }
}
