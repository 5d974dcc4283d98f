//! Output formats and `--query` against goldens produced by az's own formatters (knack 0.14.0,
//! jmespath, tabulate, PyYAML, pygments); see `tests/golden/output/generate.py`.
#![cfg(feature = "cli")]

use std::path::PathBuf;

use azlogin::cli::output::{self, OutputFormat, Query};
use serde_json::Value;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/output")
}

fn read_json(name: &str) -> Value {
    let text = std::fs::read_to_string(golden_dir().join(name)).expect("golden file");
    serde_json::from_str(&text).expect("golden JSON")
}

fn inputs() -> Value {
    read_json("inputs.json")
}

/// What the formatter gave: stdout text, or (message, detail, exit code).
#[derive(Debug, PartialEq)]
enum Outcome {
    Stdout(String),
    Error(String, Option<String>, i32),
}

fn run(input: &Value, format: OutputFormat, query: Option<&str>, transformer: bool) -> Outcome {
    let error = |e: output::OutputError| Outcome::Error(e.message, e.detail, e.exit_code);
    match query {
        Some(q) => {
            let compiled = match Query::compile(q) {
                Ok(c) => c,
                Err(e) => return error(e),
            };
            match compiled.search(input).and_then(|r| r.format(format, true)) {
                Ok(text) => Outcome::Stdout(text),
                Err(e) => error(e),
            }
        }
        None => {
            let table: &dyn Fn(&Value) -> Value = &output::account_list_table;
            let transformer = transformer.then_some(table);
            match output::format(input, format, transformer, true) {
                Ok(text) => Outcome::Stdout(text),
                Err(e) => error(e),
            }
        }
    }
}

fn expected(case: &Value) -> Outcome {
    match case.get("stdout").and_then(Value::as_str) {
        Some(text) => Outcome::Stdout(text.to_string()),
        None => Outcome::Error(
            case["error"].as_str().unwrap_or_default().to_string(),
            case.get("detail")
                .and_then(Value::as_str)
                .map(str::to_string),
            case["exit_code"].as_i64().unwrap_or_default() as i32,
        ),
    }
}

#[test]
fn every_golden_case_matches_az() {
    let inputs = inputs();
    let cases = read_json("cases.json");
    let cases = cases.as_array().expect("case list");
    let mut failures = Vec::new();
    for case in cases {
        let input = &inputs[case["input"].as_str().expect("input name")];
        let format =
            OutputFormat::parse(case["format"].as_str().expect("format")).expect("known format");
        let query = case.get("query").and_then(Value::as_str);
        let transformer = case.get("transformer").is_some();
        let got = run(input, format, query, transformer);
        let want = expected(case);
        if got != want {
            failures.push(format!(
                "{} -o {} --query {:?} (transformer: {transformer})\n  want: {want:?}\n  got:  {got:?}",
                case["input"], format, query
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn queries_az_accepts_compile_and_the_others_fail() {
    let cases = read_json("parse_cases.json");
    let mut failures = Vec::new();
    for case in cases.as_array().expect("case list") {
        let query = case["query"].as_str().expect("query");
        let valid = case["valid"].as_bool().expect("valid");
        if Query::compile(query).is_ok() != valid {
            failures.push(format!(
                "{query:?}: az {}",
                if valid { "accepts" } else { "rejects" }
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn account_list_files_match_az() {
    let accounts = &inputs()["account_list"];
    for (ext, format) in [
        ("json", OutputFormat::Json),
        ("table", OutputFormat::Table),
        ("tsv", OutputFormat::Tsv),
        ("yaml", OutputFormat::Yaml),
    ] {
        let want = std::fs::read_to_string(golden_dir().join(format!("account_list.{ext}")))
            .expect("golden");
        let table: &dyn Fn(&Value) -> Value = &output::account_list_table;
        let transformer = (format == OutputFormat::Table).then_some(table);
        let got = output::format(accounts, format, transformer, false).expect("formats");
        assert_eq!(got, want, "-o {ext}");
    }
}

#[test]
fn colour_off_falls_back_to_plain_text() {
    let accounts = &inputs()["account_list"];
    for (coloured, plain) in [
        (OutputFormat::Jsonc, OutputFormat::Json),
        (OutputFormat::Yamlc, OutputFormat::Yaml),
    ] {
        assert_eq!(
            output::format(accounts, coloured, None, false),
            output::format(accounts, plain, None, false)
        );
    }
}

#[test]
fn null_results_and_none_print_nothing() {
    for format in OutputFormat::ALL {
        assert_eq!(
            output::format(&Value::Null, format, None, true).as_deref(),
            Ok("")
        );
    }
    assert_eq!(
        output::format(&inputs()["account_list"], OutputFormat::None, None, true).as_deref(),
        Ok("")
    );
}

#[test]
fn apply_query_returns_json() {
    let accounts = &inputs()["account_list"];
    assert_eq!(
        output::apply_query(accounts, "[?isDefault].id | [0]").ok(),
        Some(Value::from("c0000001-0000-4000-8000-000000000001"))
    );
    assert_eq!(
        output::apply_query(accounts, "length(@)").ok(),
        Some(Value::from(2))
    );
    let names = output::apply_query(accounts, "[].name").expect("query");
    assert_eq!(
        names,
        serde_json::json!(["Contoso Café 日本", "Contoso Dev"])
    );
    let err = output::apply_query(accounts, "[?").expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "argument --query: invalid jmespath_type value: '[?'"
    );
}

#[test]
fn invalid_output_values_are_reported_like_az() {
    assert_eq!(OutputFormat::parse("TSV"), Some(OutputFormat::Tsv));
    let err = OutputFormat::parse_arg("jsn", "az account list").expect_err("invalid");
    assert_eq!(
        err.message,
        "az account list: 'jsn' is not a valid value for '--output'. Allowed values: json, jsonc, yaml, yamlc, table, tsv, none."
    );
    assert_eq!(
        err.recommendations,
        vec!["Did you mean 'json' ?".to_string()]
    );
    assert_eq!(err.exit_code, 2);
    let err = OutputFormat::parse_arg("XML", "az account show").expect_err("invalid");
    assert!(
        err.message
            .starts_with("az account show: 'xml' is not a valid value")
    );
    assert!(err.recommendations.is_empty());
}

#[test]
fn recorded_az_login_output_round_trips() {
    // stdout of a real `az login -u … -p …` (Azure CLI 2.91.0).
    let recorded = std::fs::read_to_string(golden_dir().join("az_login.json")).expect("golden");
    let value: Value = serde_json::from_str(&recorded).expect("JSON");
    assert_eq!(
        output::format(&value, OutputFormat::Json, None, false).as_deref(),
        Ok(recorded.as_str())
    );
}
