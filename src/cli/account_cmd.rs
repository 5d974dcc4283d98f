//! `azlogin account …`.

use serde_json::{Map, Value, json};

use super::args::{AccountCommand, GetAccessTokenArgs};
use super::console::Console;
use crate::error::{Error, Result};
use crate::session::{AccessTokenRequest, AccessTokenResult, AccountListOptions, Session};

/// What a command printed: its value and the table transformer az uses for `-o table`.
pub type Printed = (Option<Value>, Option<fn(&Value) -> Value>);

/// Runs an `account` subcommand.
pub async fn run(session: &Session, command: AccountCommand, console: Console) -> Result<Printed> {
    match command {
        AccountCommand::List { all } => {
            let (entries, warnings) = session.list_accounts(AccountListOptions { all })?;
            for w in warnings {
                console.warning(&w);
            }
            Ok((
                Some(Value::Array(entries)),
                Some(super::output::account_list_table),
            ))
        }
        AccountCommand::Show { subscription } => {
            Ok((Some(session.show_account(subscription.as_deref())?), None))
        }
        AccountCommand::Set {
            subscription: Some(subscription),
        } => {
            session.set_account(&subscription)?;
            Ok((None, None))
        }
        AccountCommand::Set { subscription: None } => {
            // Checked before the command runs: without a terminal this is a usage error.
            let (entries, default_id) = session.accounts_in_cloud()?;
            super::selector::select_and_set(session, &entries, default_id.as_deref(), console)?;
            Ok((None, None))
        }
        AccountCommand::Clear => {
            session.clear_accounts()?;
            Ok((None, None))
        }
        AccountCommand::GetAccessToken(args) => {
            let result = session
                .get_access_token_warning(&token_request(session, args)?, &|w| console.warning(w))
                .await?;
            Ok((Some(token_json(&result)), None))
        }
    }
}

/// `account set` without `-s` when stdin or stdout is not a terminal: az's message for the
/// missing argument (exit code 2), since only a terminal can ask for it.
pub fn missing_subscription(command: &AccountCommand) -> Option<super::output::OutputError> {
    let missing = matches!(command, AccountCommand::Set { subscription: None });
    (missing && !super::selector::on_terminal()).then(|| super::output::OutputError {
        message: "the following arguments are required: --subscription/-s/--name/-n".into(),
        detail: None,
        recommendations: vec![
            String::new(),
            "https://aka.ms/cli_ref".into(),
            "Read more about the command in reference docs".into(),
        ],
        exit_code: 2,
    })
}

/// az's `--resource-type` names → the cloud's endpoints.
fn resource_for_type(session: &Session, kind: &str) -> Result<String> {
    let endpoint = match kind {
        "arm" => "active_directory_resource_id",
        "aad-graph" => "active_directory_graph_resource_id",
        "ms-graph" => "microsoft_graph_resource_id",
        "batch" => "batch_resource_id",
        "data-lake" => "active_directory_data_lake_resource_id",
        "media" => "media_resource_id",
        "oss-rdbms" => "ossrdbms_resource_id",
        other => {
            return Err(Error::Usage(format!(
                "argument --resource-type: invalid choice: '{other}' (choose from 'oss-rdbms', 'arm', 'aad-graph', 'ms-graph', 'batch', 'media', 'data-lake')"
            )));
        }
    };
    Ok(session.cloud().endpoint(endpoint)?.to_string())
}

fn token_request(session: &Session, args: GetAccessTokenArgs) -> Result<AccessTokenRequest> {
    let resource = match (&args.resource, &args.resource_type) {
        (Some(r), _) => Some(r.clone()),
        (None, Some(kind)) => Some(resource_for_type(session, kind)?),
        (None, None) => None,
    };
    Ok(AccessTokenRequest {
        resource,
        scopes: args.scope,
        tenant: args.tenant,
        subscription: args.subscription,
        force_refresh: args.force_refresh,
        claims_challenge: None,
    })
}

/// The JSON az prints for a token. `expiresOn` is local time with microseconds (always zero,
/// because az derives it from whole seconds).
pub fn token_json(result: &AccessTokenResult) -> Value {
    use chrono::TimeZone;
    let expires_on_local = chrono::Local
        .timestamp_opt(result.expires_on as i64, 0)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.6f").to_string())
        .unwrap_or_default();
    let mut m = Map::new();
    m.insert("accessToken".into(), json!(result.access_token.secret()));
    m.insert("expiresOn".into(), json!(expires_on_local));
    m.insert("expires_on".into(), json!(result.expires_on));
    if let Some(s) = &result.subscription {
        m.insert("subscription".into(), json!(s));
    }
    m.insert("tenant".into(), json!(result.tenant));
    m.insert("tokenType".into(), json!(result.token_type));
    Value::Object(m)
}
