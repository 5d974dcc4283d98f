//! `azlogin config get/set/unset`, as `az config`.

use serde_json::{Map, Value, json};

use super::args::ConfigCommand;
use crate::error::{Error, Result};
use crate::store::{AzConfig, ConfigDir, read_ini};

fn split_key(key: &str) -> Result<(&str, &str)> {
    key.split_once('.')
        .filter(|(s, o)| !s.is_empty() && !o.is_empty())
        .ok_or_else(|| {
            Error::Usage(format!(
                "usage error: '{key}' is not a valid key. Use 'section.option'."
            ))
        })
}

fn item(name: &str, value: &str, source: &str) -> Value {
    json!({"name": name, "source": source, "value": value})
}

/// Runs a `config` subcommand.
pub fn run(dir: &ConfigDir, command: ConfigCommand) -> Result<Option<Value>> {
    let mut config = AzConfig::load(dir)?;
    let source = config.path().display().to_string();
    match command {
        ConfigCommand::Get { key } => {
            let ini = read_ini(config.path())?;
            let section_items = |name: &str| -> Value {
                Value::Array(
                    ini.section(name)
                        .unwrap_or_default()
                        .iter()
                        .map(|(k, v)| item(k, v, &source))
                        .collect(),
                )
            };
            match key.as_deref() {
                None => {
                    let mut all = Map::new();
                    for name in ini.sections() {
                        all.insert(name.to_string(), section_items(name));
                    }
                    Ok(Some(Value::Object(all)))
                }
                Some(k) if !k.contains('.') => Ok(Some(section_items(k))),
                Some(k) => {
                    let (section, option) = split_key(k)?;
                    let env_name = AzConfig::env_var_name(section, option);
                    match config.get(section, option) {
                        Some(v) if ini.get(section, option) != Some(v.as_str()) => {
                            Ok(Some(item(option, &v, &env_name)))
                        }
                        Some(v) => Ok(Some(item(option, &v, &source))),
                        None => Err(Error::NotFound(format!("Configuration '{k}' is not set."))),
                    }
                }
            }
        }
        ConfigCommand::Set { key_values } => {
            for kv in key_values {
                let (key, value) = kv.split_once('=').ok_or_else(|| {
                    Error::Usage(format!(
                        "usage error: '{kv}' is not of the form 'section.option=value'."
                    ))
                })?;
                let (section, option) = split_key(key)?;
                config.set(section, option, value)?;
            }
            Ok(None)
        }
        ConfigCommand::Unset { keys } => {
            for key in keys {
                let (section, option) = split_key(&key)?;
                config.unset(section, option)?;
            }
            Ok(None)
        }
    }
}
