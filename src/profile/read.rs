//! Reading `azureProfile.json`: the subscription list entry by entry, so that 100,000 entries
//! never exist as a JSON tree next to the typed entries made from them.
//!
//! A file this fast path cannot read is read again the plain way (the whole tree first), which
//! gives the error message; both ways agree on every file they accept.

use std::fmt;

use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::SUBSCRIPTIONS;
use super::entry::{Interner, Subscription};

/// The top level (with an empty list under `subscriptions` when there is one) and the entries.
pub(super) type Document = (Map<String, Value>, Vec<Subscription>);

/// Reads the document's text (BOM already removed).
pub(super) fn document(text: &str) -> Result<Document, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let streamed = Root
        .deserialize(&mut de)
        .and_then(|doc| de.end().map(|()| doc));
    match streamed {
        Ok(doc) => Ok(doc),
        Err(_) => document_as_tree(text),
    }
}

/// The plain way: the whole tree, then the entries. Slower and larger, with exact messages.
fn document_as_tree(text: &str) -> Result<Document, String> {
    let mut root = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err("the top level is not a JSON object".into()),
        Err(e) => return Err(crate::json_file::describe_json_error(text, &e)),
    };
    let subscriptions = match root.get_mut(SUBSCRIPTIONS) {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            let mut interner = Interner::default();
            std::mem::take(items)
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    Subscription::from_json_shared(v, &mut interner)
                        .map_err(|e| format!("subscriptions[{i}]: {e}"))
                })
                .collect::<Result<_, _>>()?
        }
        Some(_) => return Err("'subscriptions' is not a list".into()),
    };
    Ok((root, subscriptions))
}

/// The top-level object, in file order (a repeated key keeps its first place and its last
/// value, as `serde_json::Map` does).
struct Root;

impl<'de> DeserializeSeed<'de> for Root {
    type Value = Document;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Document, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root {
    type Value = Document;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
        let mut root = Map::new();
        let mut subscriptions = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == SUBSCRIPTIONS {
                subscriptions = map.next_value_seed(List)?;
                root.insert(key, Value::Array(Vec::new()));
            } else {
                let value: Value = map.next_value()?;
                root.insert(key, value);
            }
        }
        Ok((root, subscriptions))
    }
}

/// The subscription list, each entry made typed as soon as it is read.
struct List;

impl<'de> DeserializeSeed<'de> for List {
    type Value = Vec<Subscription>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<Subscription>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for List {
    type Value = Vec<Subscription>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of subscriptions")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Subscription>, A::Error> {
        let mut interner = Interner::default();
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(value) = seq.next_element::<Value>()? {
            out.push(
                Subscription::from_json_shared(value, &mut interner).map_err(A::Error::custom)?,
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_by_entry_and_as_a_tree_read_the_same() {
        let entry = r#"{"id": "s1", "name": "N", "state": "Enabled", "user": {"name": "u", "type": "user"}, "isDefault": true, "tenantId": "t", "environmentName": "AzureCloud"}"#;
        let odd = r#"{"id": "s2", "extra": [1, {"a": null}]}"#;
        let files = [
            "{}".to_string(),
            r#"{"installationId": "i"}"#.to_string(),
            format!(r#"{{"subscriptions": [{entry}, {odd}], "installationId": "i"}}"#),
            r#"{"a": 1, "subscriptions": [], "b": {"c": [1.5, "x"]}}"#.to_string(),
            // A repeated key keeps its first place and its last value.
            format!(r#"{{"subscriptions": [{odd}], "z": 0, "subscriptions": [{entry}]}}"#),
        ];
        for file in &files {
            let streamed = document(file).expect("reads");
            let tree = document_as_tree(file).expect("reads");
            assert_eq!(streamed, tree, "{file}");
        }
    }

    #[test]
    fn files_it_cannot_read_get_the_plain_messages() {
        let cases = [
            ("[]", "the top level is not a JSON object"),
            (r#"{"subscriptions": {}}"#, "'subscriptions' is not a list"),
            (
                r#"{"subscriptions": [1]}"#,
                "subscriptions[0]: the entry is not an object",
            ),
            (
                r#"{"subscriptions": [{"id": "a"}, {"name": "b"}]}"#,
                "subscriptions[1]: the entry has no string 'id'",
            ),
            (r#"{"subscriptions": [{"id": "a"}"#, "not valid JSON ("),
            (r#"{"a": 1} trailing"#, "not valid JSON ("),
        ];
        for (file, message) in cases {
            let err = document(file).expect_err(file);
            assert!(err.starts_with(message), "{file}: {err}");
        }
    }
}
