//! Known keys, the closest match for an unknown one, typed fields and agreeing aliases.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// `list` and `extra`, one list (the option objects that extend another).
pub fn keys_with(list: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
    list.iter().chain(extra).copied().collect()
}

/// The known key closest to `key`: the same but for case, else within a small edit distance
/// (a third of the key's length, at least 2).
pub fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        return Some(k);
    }
    let limit = (key.chars().count() / 3).max(2);
    known
        .iter()
        .map(|k| {
            (
                edit_distance(&key.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                *k,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// One option object whose keys were checked: typed reads by key. `null` is "not given".
#[derive(Debug)]
pub struct ObjectReader<'v> {
    path: String,
    map: Option<&'v Map<String, Value>>,
}

impl<'v> ObjectReader<'v> {
    /// Checks that `value` is an object (or absent: `null`) whose keys are all in `known`;
    /// `path` names it in errors (`options`, `servicePrincipal`, …).
    pub fn new(path: &str, value: &'v Value, known: &[&str]) -> Result<Self> {
        let map = match value {
            Value::Null => None,
            Value::Object(map) => Some(map),
            _ => return Err(Error::Usage(format!("`{path}` must be an object"))),
        };
        for key in map.into_iter().flat_map(|m| m.keys()) {
            if !known.contains(&key.as_str()) {
                return Err(unknown_key(path, key, known));
            }
        }
        Ok(Self {
            path: path.to_string(),
            map,
        })
    }

    fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.and_then(|m| m.get(key)).filter(|v| !v.is_null())
    }

    fn name(&self, key: &str) -> String {
        if self.path == "options" {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn wrong(&self, key: &str, what: &str) -> Error {
        Error::Usage(format!("`{}` must be {what}", self.name(key)))
    }

    /// A string.
    pub fn string(&self, key: &str) -> Result<Option<String>> {
        self.get(key)
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| self.wrong(key, "a string"))
            })
            .transpose()
    }

    /// A boolean (absent: `false`).
    pub fn flag(&self, key: &str) -> Result<bool> {
        Ok(self.boolean(key)?.unwrap_or(false))
    }

    /// A boolean.
    pub fn boolean(&self, key: &str) -> Result<Option<bool>> {
        self.get(key)
            .map(|v| v.as_bool().ok_or_else(|| self.wrong(key, "a boolean")))
            .transpose()
    }

    /// A non-negative whole number.
    pub fn count(&self, key: &str) -> Result<Option<u64>> {
        self.get(key)
            .map(|v| {
                v.as_u64()
                    .or_else(|| {
                        v.as_f64()
                            .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                            .map(|f| f as u64)
                    })
                    .ok_or_else(|| self.wrong(key, "a non-negative whole number"))
            })
            .transpose()
    }

    /// A list of strings; a single string counts as a list of one.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let bad = || self.wrong(key, "a string or an array of strings");
        match value {
            Value::String(s) => Ok(Some(vec![s.clone()])),
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string).ok_or_else(bad))
                .collect::<Result<Vec<_>>>()
                .map(Some),
            _ => Err(bad()),
        }
    }

    /// A nested object, checked against `known`.
    pub fn object(&self, key: &str, known: &[&str]) -> Result<Option<ObjectReader<'v>>> {
        self.get(key)
            .map(|v| ObjectReader::new(&self.name(key), v, known))
            .transpose()
    }

    /// The raw value.
    pub fn value(&self, key: &str) -> Option<&'v Value> {
        self.get(key)
    }

    /// Whether `key` was given (not `null`).
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// One value given under several spellings (`tenant`/`tenantId`): the value, or a
    /// `usage_error` when two spellings disagree.
    pub fn agreeing<T: PartialEq>(
        &self,
        spellings: &[&str],
        read: impl Fn(&Self, &str) -> Result<Option<T>>,
    ) -> Result<Option<T>> {
        let mut found: Option<(&str, T)> = None;
        for key in spellings {
            let Some(value) = read(self, key)? else {
                continue;
            };
            match &found {
                Some((first, earlier)) if *earlier != value => {
                    return Err(disagree(&self.name(first), &self.name(key)));
                }
                Some(_) => {}
                None => found = Some((key, value)),
            }
        }
        Ok(found.map(|(_, v)| v))
    }
}

/// Two spellings of one option with different values.
pub(super) fn disagree(first: &str, second: &str) -> Error {
    Error::Usage(format!(
        "`{first}` and `{second}` are two spellings of one option and disagree: give one"
    ))
}

fn unknown_key(path: &str, key: &str, known: &[&str]) -> Error {
    let name = if path == "options" {
        format!("`{key}`")
    } else {
        format!("`{key}` in `{path}`")
    };
    Error::Usage(match closest(key, known) {
        Some(k) => format!("Unknown option {name}: did you mean `{k}`?"),
        None => format!(
            "Unknown option {name}: the options are {}.",
            known.join(", ")
        ),
    })
}
