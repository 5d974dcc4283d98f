//! What az prints on stdout for a command's result: `-o/--output` (knack 0.14 `knack/output.py`)
//! and `--query` (knack `query.py` with Python `jmespath`), byte for byte.
//!
//! Without `--query` a result is made of plain Python dicts; JSON and YAML sort their keys, TSV
//! lists a dict's values by sorted key, and a table sorts its columns unless the command has a
//! table transformer. With `--query` the transformer is skipped, table columns keep the order the
//! query (or the command) gave them, and TSV keeps the order of multi-select hashes. So the
//! `serde_json::Value` given here must hold each object's keys in the order az builds them.
//!
//! az checks `--query` while parsing arguments (exit code 2), runs the command, applies the query
//! (exit code 1 on failure) and prints the result; a `null` result prints nothing:
//!
//! ```
//! use azlogin_output::{self as output, OutputFormat, Query};
//!
//! let accounts = serde_json::json!([
//!     {"id": "1", "name": "Dev", "state": "Enabled", "isDefault": true, "cloudName": "AzureCloud",
//!      "tenantId": "t"},
//! ]);
//! let query = Query::compile("[?isDefault].{name: name, id: id}").expect("valid");
//! let result = query.search(&accounts).expect("evaluates");
//! assert_eq!(result.format(OutputFormat::Tsv, false).as_deref(), Ok("Dev\t1\n"));
//!
//! let table = output::format(&accounts, OutputFormat::Table, Some(&output::account_list_table), false);
//! assert_eq!(table.as_deref().map(|t| t.lines().next()), Ok(Some(
//!     "Name    CloudName    SubscriptionId    TenantId    State    IsDefault"
//! )));
//! ```

mod color;
mod pystr;
mod query;
mod suggest;
mod table;
mod tsv;
mod value;
mod yaml;

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use value::PyValue;

/// az's `--query` help link, printed after any `--query` error.
pub const QUERY_REFERENCE: &str = "To learn more about --query, please visit: 'https://learn.microsoft.com/cli/azure/query-azure-cli'";

/// The text az shows when it cannot draw a table.
pub const TABLE_UNAVAILABLE: &str = "Table output unavailable. Use the --query option to specify an appropriate query. Use --debug for more info.";

/// The first line az shows for an exception it did not expect.
pub const UNEXPECTED_ERROR: &str =
    "The command failed with an unexpected error. Here is the traceback:";

/// The recommendation az adds to an unexpected error.
pub const UNEXPECTED_ERROR_RECOMMENDATION: &str =
    "To check existing issues, please visit: https://github.com/Azure/azure-cli/issues";

/// An `-o/--output` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutputFormat {
    /// `json`: 2-space indented JSON with sorted keys.
    Json,
    /// `jsonc`: `json`, coloured when colour is on.
    Jsonc,
    /// `table`: columns of the scalar fields.
    Table,
    /// `tsv`: tab-separated values.
    Tsv,
    /// `yaml`: block-style YAML.
    Yaml,
    /// `yamlc`: `yaml`, coloured when colour is on.
    Yamlc,
    /// `none`: nothing.
    None,
}

impl OutputFormat {
    /// Every format, in the order az lists its choices.
    pub const ALL: [OutputFormat; 7] = [
        OutputFormat::Json,
        OutputFormat::Jsonc,
        OutputFormat::Yaml,
        OutputFormat::Yamlc,
        OutputFormat::Table,
        OutputFormat::Tsv,
        OutputFormat::None,
    ];

    /// The name az uses for the format.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::Jsonc => "jsonc",
            OutputFormat::Table => "table",
            OutputFormat::Tsv => "tsv",
            OutputFormat::Yaml => "yaml",
            OutputFormat::Yamlc => "yamlc",
            OutputFormat::None => "none",
        }
    }

    /// The format named `value`, ignoring case as az does (its argument type is `str.lower`).
    pub fn parse(value: &str) -> Option<OutputFormat> {
        let lower = value.to_lowercase();
        OutputFormat::ALL.into_iter().find(|f| f.as_str() == lower)
    }

    /// Parses an `--output` argument of the command `prog` (e.g. `az account list`), failing
    /// with az's message, its "Did you mean" hint and exit code 2.
    pub fn parse_arg(value: &str, prog: &str) -> Result<OutputFormat, OutputError> {
        if let Some(format) = OutputFormat::parse(value) {
            return Ok(format);
        }
        let lower = value.to_lowercase();
        let choices: Vec<&str> = OutputFormat::ALL.iter().map(|f| f.as_str()).collect();
        let mut recommendations = Vec::new();
        if let Some(best) = suggest::closest_choice(&lower, &choices) {
            recommendations.push(format!("Did you mean '{best}' ?"));
        }
        Err(OutputError {
            message: format!(
                "{prog}: '{lower}' is not a valid value for '--output'. Allowed values: {}.",
                choices.join(", ")
            ),
            detail: None,
            recommendations,
            exit_code: 2,
        })
    }
}

impl Default for OutputFormat {
    /// az's default when `core.output` is not configured.
    fn default() -> OutputFormat {
        OutputFormat::Json
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutputFormat {
    type Err = OutputError;

    fn from_str(s: &str) -> Result<OutputFormat, OutputError> {
        OutputFormat::parse_arg(s, "az")
    }
}

/// An error az reports while reading `-o`/`--query` or printing the result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputError {
    /// The text after `ERROR: `.
    pub message: String,
    /// For an unexpected error, the exception's text, which az logs as a second `ERROR:` line
    /// followed by a Python traceback.
    pub detail: Option<String>,
    /// Lines az prints to stderr after the error, one per line.
    pub recommendations: Vec<String>,
    /// The exit code: 2 for argument errors, 1 otherwise.
    pub exit_code: i32,
}

impl OutputError {
    fn failure(message: impl Into<String>, recommendation: Option<&str>) -> OutputError {
        OutputError {
            message: message.into(),
            detail: None,
            recommendations: recommendation.map(str::to_string).into_iter().collect(),
            exit_code: 1,
        }
    }

    fn unexpected(detail: impl Into<String>) -> OutputError {
        OutputError {
            message: UNEXPECTED_ERROR.to_string(),
            detail: Some(detail.into()),
            recommendations: vec![UNEXPECTED_ERROR_RECOMMENDATION.to_string()],
            exit_code: 1,
        }
    }
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OutputError {}

/// A compiled `--query` expression.
#[derive(Clone, Debug)]
pub struct Query {
    compiled: query::Compiled,
    text: String,
}

impl Query {
    /// Compiles `expression` as az does while parsing arguments: an invalid expression fails with
    /// "argument --query: invalid jmespath_type value: '…'", the `--query` link, and exit code 2.
    pub fn compile(expression: &str) -> Result<Query, OutputError> {
        match query::parse(expression) {
            Some(compiled) => Ok(Query {
                compiled,
                text: expression.to_string(),
            }),
            None => Err(OutputError {
                message: format!(
                    "argument --query: invalid jmespath_type value: {}",
                    value::str_repr(expression)
                ),
                detail: None,
                recommendations: vec![QUERY_REFERENCE.to_string()],
                exit_code: 2,
            }),
        }
    }

    /// The expression as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Applies the query to a command result. Evaluation errors fail as az reports them:
    /// "Invalid jmespath query supplied for `--query`: …" with the `--query` link (exit code 1),
    /// or, for the few that Python raises as plain exceptions, an unexpected error.
    pub fn search(&self, value: &Value) -> Result<QueryResult, OutputError> {
        match query::search(&self.compiled, &PyValue::from_json(value)) {
            Ok(result) => Ok(QueryResult(result)),
            Err(query::SearchError::JmesPath(message)) => Err(OutputError::failure(
                format!("Invalid jmespath query supplied for `--query`: {message}"),
                Some(QUERY_REFERENCE),
            )),
            Err(query::SearchError::Unexpected(detail)) => Err(OutputError::unexpected(detail)),
        }
    }
}

/// A command result after `--query`. It remembers which objects the query built as ordered
/// multi-select hashes, which TSV output needs.
#[derive(Clone, Debug)]
pub struct QueryResult(PyValue);

impl QueryResult {
    /// The result as JSON; `None` when it holds an expression reference (`&expr`).
    pub fn to_value(&self) -> Option<Value> {
        self.0.to_json()
    }

    /// Whether the query gave `null`, for which az prints nothing.
    pub fn is_null(&self) -> bool {
        matches!(self.0, PyValue::Null)
    }

    /// The text az prints for this result in `format` (see [`format()`]); table transformers do
    /// not apply once a query is active.
    pub fn format(&self, format: OutputFormat, color: bool) -> Result<String, OutputError> {
        render(&self.0, format, false, true, color)
    }
}

/// Applies `query` to `value` (compile, then search) and returns the result as JSON.
pub fn apply_query(value: &Value, query: &str) -> Result<Value, OutputError> {
    let result = Query::compile(query)?.search(value)?;
    result.to_value().ok_or_else(|| {
        OutputError::failure("Object of type _Expression is not JSON serializable", None)
    })
}

/// The exact text az prints on stdout for a command result in `format` (no `--query`), trailing
/// newline included: nothing for a `null` result or `-o none`. `table_transformer` is the
/// command's table transformer (e.g. [`account_list_table`]); `color` says whether az would
/// colour (`jsonc`/`yamlc` fall back to plain text without it).
pub fn format(
    value: &Value,
    format: OutputFormat,
    table_transformer: Option<&dyn Fn(&Value) -> Value>,
    color: bool,
) -> Result<String, OutputError> {
    let transformed = match (format, table_transformer) {
        (OutputFormat::Table, Some(transform)) if !value.is_null() => {
            Some(PyValue::from_json(&transform(value)))
        }
        _ => None,
    };
    match transformed {
        Some(rows) => render(&rows, format, true, false, color),
        None => render(&PyValue::from_json(value), format, false, false, color),
    }
}

/// knack's formatters. `transformed` says a table transformer already ran (its rows keep their
/// column order); `query_active` turns key sorting off for tables.
fn render(
    value: &PyValue,
    format: OutputFormat,
    transformed: bool,
    query_active: bool,
    color: bool,
) -> Result<String, OutputError> {
    if matches!(value, PyValue::Null) || format == OutputFormat::None {
        return Ok(String::new());
    }
    match format {
        OutputFormat::Json | OutputFormat::Jsonc => {
            if contains_expref(value) {
                return Err(not_serializable());
            }
            let text = value::to_output_json(value) + "\n";
            Ok(if color && format == OutputFormat::Jsonc {
                color::json(&text)
            } else {
                text
            })
        }
        OutputFormat::Yaml | OutputFormat::Yamlc => {
            if contains_expref(value) {
                return Err(not_serializable());
            }
            Ok(if color && format == OutputFormat::Yamlc {
                color::yaml(&yaml::render(value))
            } else {
                yaml::render(value)
            })
        }
        OutputFormat::Table => {
            let sort_keys = !query_active && !transformed;
            table::render(value, sort_keys)
                .map_err(|_| OutputError::failure(TABLE_UNAVAILABLE, None))
        }
        OutputFormat::Tsv => Ok(tsv::render(value)),
        OutputFormat::None => Ok(String::new()),
    }
}

fn not_serializable() -> OutputError {
    OutputError::unexpected("Object of type _Expression is not JSON serializable")
}

fn contains_expref(value: &PyValue) -> bool {
    match value {
        PyValue::Expref(_) => true,
        PyValue::List(items) => items.iter().any(contains_expref),
        PyValue::Dict(d) => d.entries.iter().any(|(_, v)| contains_expref(v)),
        _ => false,
    }
}

/// `az account list`'s table transformer (`command_modules/profile/_format.py`): one row per
/// subscription with `Name, CloudName, SubscriptionId, TenantId, State, IsDefault`.
pub fn account_list_table(value: &Value) -> Value {
    let rows = value.as_array().map(Vec::as_slice).unwrap_or_default();
    let field = |row: &Value, key: &str| row.get(key).cloned().unwrap_or(Value::Null);
    Value::Array(
        rows.iter()
            .map(|row| {
                let mut out = Map::new();
                out.insert("Name".into(), field(row, "name"));
                out.insert("CloudName".into(), field(row, "cloudName"));
                out.insert("SubscriptionId".into(), field(row, "id"));
                out.insert("TenantId".into(), field(row, "tenantId"));
                out.insert("State".into(), field(row, "state"));
                out.insert("IsDefault".into(), field(row, "isDefault"));
                Value::Object(out)
            })
            .collect(),
    )
}
