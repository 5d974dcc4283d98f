//! `azlogin cloud list/show/set/register/unregister`, for people without az.

use serde_json::{Map, Value};

use super::args::{CloudCommand, CloudRegisterArgs};
use crate::cloud::{self, Cloud};
use crate::error::{Error, Result};
use crate::http::{ClientOptions, HttpClient, HttpLimits, ReqwestClient};
use crate::session::{SessionOptions, extra_ca_bundles};
use crate::store::{self, AzConfig, ConfigDir};

/// `endpoint_resource_manager` → `resourceManager`, as `az cloud show` names them.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn cloud_json(c: &Cloud, active: &str) -> Value {
    let section = |pairs: Vec<(&str, &str)>| {
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (camel(k), Value::String(v.to_string())))
                .collect::<Map<_, _>>(),
        )
    };
    let mut m = Map::new();
    m.insert("endpoints".into(), section(c.endpoints.iter().collect()));
    m.insert("isActive".into(), Value::Bool(c.name == active));
    m.insert("name".into(), Value::String(c.name.clone()));
    m.insert(
        "profile".into(),
        Value::String(c.profile.clone().unwrap_or_else(|| "latest".into())),
    );
    m.insert("suffixes".into(), section(c.suffixes.iter().collect()));
    Value::Object(m)
}

/// Runs a `cloud` subcommand.
pub async fn run(
    dir: &ConfigDir,
    options: &SessionOptions,
    command: CloudCommand,
) -> Result<Option<Value>> {
    let active = AzConfig::load(dir)?.cloud_name();
    match command {
        CloudCommand::List => {
            let clouds = store::load_clouds(dir)?;
            Ok(Some(Value::Array(
                clouds.iter().map(|c| cloud_json(c, &active)).collect(),
            )))
        }
        CloudCommand::Show { name } => {
            let clouds = store::load_clouds(dir)?;
            let name = name.unwrap_or_else(|| active.clone());
            let found = cloud::resolve_cloud_name(&clouds, &name)
                .and_then(|n| cloud::find_cloud(&clouds, n))
                .ok_or_else(|| Error::NotFound(format!("The cloud '{name}' is not registered.")))?;
            Ok(Some(cloud_json(found, &active)))
        }
        CloudCommand::Set { name } => {
            let mut config = AzConfig::load(dir)?;
            store::set_active_cloud(dir, &mut config, &name)?;
            Ok(None)
        }
        CloudCommand::Unregister { name } => {
            let config = AzConfig::load(dir)?;
            store::unregister_cloud(dir, &config, &name)?;
            Ok(None)
        }
        CloudCommand::Register(args) => {
            register(dir, options, args).await?;
            Ok(None)
        }
    }
}

/// Registers a cloud, filling the endpoints not given from the ARM metadata document, as az does.
async fn register(
    dir: &ConfigDir,
    options: &SessionOptions,
    args: CloudRegisterArgs,
) -> Result<()> {
    let mut given = Cloud::new(args.name.clone());
    let pairs = [
        ("active_directory", &args.endpoint_active_directory),
        (
            "active_directory_resource_id",
            &args.endpoint_active_directory_resource_id,
        ),
        (
            "active_directory_graph_resource_id",
            &args.endpoint_active_directory_graph_resource_id,
        ),
        ("resource_manager", &args.endpoint_resource_manager),
        ("management", &args.endpoint_management),
        ("gallery", &args.endpoint_gallery),
    ];
    for (name, value) in pairs {
        if let Some(v) = value {
            given.endpoints.set(name, v.clone());
        }
    }
    given.profile = args.profile.clone();
    let discovered = match &args.endpoint_resource_manager {
        Some(arm) => {
            let client = ReqwestClient::new(ClientOptions {
                extra_root_pem: extra_ca_bundles(&options.env)?,
                allowed_authorities: Vec::new(),
                limits: HttpLimits::from_env(|k| (options.env)(k)),
                pinned_certificate_sha1: None,
            })?;
            let request = cloud::metadata_request(arm);
            let endpoint = request.endpoint().to_string();
            match client.send(request).await {
                Ok(response) => cloud::parse_metadata(&response, &endpoint).ok(),
                Err(_) => None,
            }
        }
        None => None,
    };
    let built = cloud::build_cloud(&args.name, discovered, &given);
    store::register_cloud(dir, &built)
}
