//! Minimal output formatting; replaced by the full knack-compatible module.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::pyjson::{self, PyJsonStyle};

/// Output formats.
#[derive(Clone, Copy, Debug)]
pub enum OutputFormat {
    /// json.
    Json,
    /// tsv.
    Tsv,
    /// none.
    None,
}

impl OutputFormat {
    /// Parses `-o`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "json" => Ok(Self::Json),
            "tsv" => Ok(Self::Tsv),
            "none" => Ok(Self::None),
            other => Err(Error::Usage(format!("invalid output {other}"))),
        }
    }
}

/// JMESPath.
pub fn apply_query(v: &Value, q: &str) -> Result<Value> {
    let expr = jmespath::compile(q).map_err(|e| Error::Usage(e.to_string()))?;
    let data = jmespath::Variable::from_json(&v.to_string()).map_err(Error::Usage)?;
    let r = expr.search(data).map_err(|e| Error::Usage(e.to_string()))?;
    serde_json::to_value(&*r).map_err(|e| Error::Usage(e.to_string()))
}

/// Formats.
pub fn format(
    v: &Value,
    f: OutputFormat,
    _t: Option<&dyn Fn(&Value) -> Value>,
    _c: bool,
) -> String {
    match f {
        OutputFormat::Json => pyjson::to_string(v, PyJsonStyle::OUTPUT) + "\n",
        OutputFormat::Tsv => match v {
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().unwrap_or_default().to_string() + "\n")
                .collect(),
            other => other.to_string() + "\n",
        },
        OutputFormat::None => String::new(),
    }
}

/// Table transformer.
pub fn account_list_table(v: &Value) -> Value {
    v.clone()
}
