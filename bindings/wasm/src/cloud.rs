//! The `cloud` option: a built-in cloud's name, or `{ name, loginEndpoint, armEndpoint,
//! armResourceId }`, resolved by the core (a built-in name with overrides laid over it, any
//! other name a custom cloud that must give all three endpoints).

use std::fmt;

use azlogin::cloud::{AZURE_CLOUD, Cloud, CloudEndpoints, cloud_with_overrides};
use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use wasm_bindgen::JsValue;

use crate::error::to_js;

/// The `cloud` option as JavaScript gives it.
pub enum CloudArg {
    /// A built-in cloud: `'AzureChinaCloud'`.
    Name(String),
    /// Endpoints, over the built-in cloud `name` or as a custom cloud of that name.
    Endpoints(CloudEndpointsArg),
}

// By hand rather than `#[serde(untagged)]`, whose one error ("did not match any variant")
// would hide which field was wrong.
impl<'de> Deserialize<'de> for CloudArg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = CloudArg;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a built-in cloud's name or { name, loginEndpoint, armEndpoint, armResourceId }",
                )
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<CloudArg, E> {
                Ok(CloudArg::Name(name.to_string()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CloudArg, A::Error> {
                CloudEndpointsArg::deserialize(MapAccessDeserializer::new(map))
                    .map(CloudArg::Endpoints)
            }
        }
        deserializer.deserialize_any(Either)
    }
}

/// `{ name?, loginEndpoint?, armEndpoint?, armResourceId? }`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CloudEndpointsArg {
    name: Option<String>,
    login_endpoint: Option<String>,
    arm_endpoint: Option<String>,
    arm_resource_id: Option<String>,
}

/// The option names of the core's endpoint names, for the core's error message.
const LABELS: [(&str, &str); 3] = [
    ("active_directory", "loginEndpoint"),
    ("resource_manager", "armEndpoint"),
    ("active_directory_resource_id", "armResourceId"),
];

/// The cloud `cloud` names (AzureCloud when omitted); `login_endpoint`, the top-level
/// shorthand, replaces its login endpoint.
pub fn resolve(cloud: Option<CloudArg>, login_endpoint: Option<String>) -> Result<Cloud, JsValue> {
    let given = match cloud {
        None => CloudEndpointsArg::default(),
        Some(CloudArg::Name(name)) => CloudEndpointsArg {
            name: Some(name),
            ..CloudEndpointsArg::default()
        },
        Some(CloudArg::Endpoints(e)) => e,
    };
    let mut overrides = CloudEndpoints {
        active_directory: given.login_endpoint,
        resource_manager: given.arm_endpoint,
        active_directory_resource_id: given.arm_resource_id,
        ..CloudEndpoints::default()
    };
    if login_endpoint.is_some() {
        overrides.active_directory = login_endpoint;
    }
    let name = given.name.as_deref().unwrap_or(AZURE_CLOUD);
    cloud_with_overrides(name, &overrides, |endpoint| {
        LABELS
            .iter()
            .find(|(core, _)| *core == endpoint)
            .map_or(endpoint, |(_, option)| option)
            .to_string()
    })
    .map_err(to_js)
}
