//! `service_principal_entries.json`: the credentials az keeps for service principals, sans I/O.
//!
//! The file is a JSON list written like `json.dumps(indent=4)`; each entry holds `client_id`,
//! `tenant`, then one of `client_secret`, `certificate` (a path; the PEM is not copied) with an
//! optional `use_cert_sn_issuer: true`, or `client_assertion` (a federated token). Saving
//! replaces the entry with the same client id and tenant; logout removes every entry of a client
//! id. Entries azlogin does not understand are kept as they are.

use serde_json::{Map, Value};

use crate::pyjson::{self, PyJsonStyle};
use crate::secret::{ClientAssertion, ClientSecret};

/// How a stored service principal authenticates.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum StoredCredential {
    /// `client_secret`.
    Secret(ClientSecret),
    /// `certificate` (a PEM path) and whether to send the certificate chain (`x5c`).
    Certificate {
        /// The PEM file's path as given (`~` expanded).
        path: String,
        /// `use_cert_sn_issuer`.
        send_x5c: bool,
    },
    /// `client_assertion`: a federated token.
    Assertion(ClientAssertion),
}

/// One stored service principal.
#[derive(Clone, Debug)]
pub struct ServicePrincipalEntry {
    /// The application (client) id.
    pub client_id: String,
    /// The tenant it logged in to.
    pub tenant: String,
    /// Its credential.
    pub credential: StoredCredential,
}

impl ServicePrincipalEntry {
    /// The entry as az writes it, in az's key order.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("client_id".into(), Value::String(self.client_id.clone()));
        m.insert("tenant".into(), Value::String(self.tenant.clone()));
        match &self.credential {
            StoredCredential::Secret(s) => {
                m.insert("client_secret".into(), Value::String(s.secret().into()));
            }
            StoredCredential::Certificate { path, send_x5c } => {
                m.insert("certificate".into(), Value::String(path.clone()));
                if *send_x5c {
                    m.insert("use_cert_sn_issuer".into(), Value::Bool(true));
                }
            }
            StoredCredential::Assertion(a) => {
                m.insert("client_assertion".into(), Value::String(a.secret().into()));
            }
        }
        Value::Object(m)
    }

    fn from_json(v: &Value) -> Option<Self> {
        let o = v.as_object()?;
        let s = |k: &str| o.get(k).and_then(Value::as_str).filter(|x| !x.is_empty());
        let credential = if let Some(secret) = s("client_secret") {
            StoredCredential::Secret(ClientSecret::new(secret))
        } else if let Some(path) = s("certificate") {
            StoredCredential::Certificate {
                path: path.to_string(),
                send_x5c: o
                    .get("use_cert_sn_issuer")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            }
        } else {
            StoredCredential::Assertion(ClientAssertion::new(s("client_assertion")?))
        };
        Some(Self {
            client_id: s("client_id")?.to_string(),
            tenant: s("tenant")?.to_string(),
            credential,
        })
    }
}

/// The whole file.
#[derive(Clone, Default)]
pub struct ServicePrincipalEntries {
    entries: Vec<Value>,
}

/// Only the count: entries hold secrets.
impl std::fmt::Debug for ServicePrincipalEntries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServicePrincipalEntries")
            .field("len", &self.entries.len())
            .finish()
    }
}

/// What looking up a service principal's credential found.
#[derive(Debug)]
#[non_exhaustive]
pub enum CredentialLookup {
    /// The entry for the client id and tenant.
    Exact(ServicePrincipalEntry),
    /// Only an entry under another tenant: az uses it with a warning.
    OtherTenant(ServicePrincipalEntry),
    /// Nothing for this client id.
    Missing,
}

impl ServicePrincipalEntries {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses the file (empty text is an empty list, as az reads it).
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::new());
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Array(entries)) => Ok(Self { entries }),
            Ok(_) => Err("the top level is not a JSON list".into()),
            Err(e) => Err(format!("not valid JSON ({e})")),
        }
    }

    /// The text az writes: `json.dumps(indent=4)`, ASCII-escaped, no newline at the end.
    pub fn to_json(&self) -> String {
        pyjson::to_string(
            &Value::Array(self.entries.clone()),
            PyJsonStyle::TOKEN_CACHE,
        )
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Saves `entry`, replacing any with the same client id and tenant (az appends at the end).
    pub fn save(&mut self, entry: &ServicePrincipalEntry) {
        self.entries.retain(|e| {
            !(field(e, "client_id") == Some(&entry.client_id)
                && field(e, "tenant") == Some(&entry.tenant))
        });
        self.entries.push(entry.to_json());
    }

    /// Removes every entry of `client_id`; how many went.
    pub fn remove(&mut self, client_id: &str) -> usize {
        let before = self.entries.len();
        self.entries
            .retain(|e| field(e, "client_id") != Some(client_id));
        before - self.entries.len()
    }

    /// The credential for `client_id`, preferring the one stored for `tenant` (az's rule).
    pub fn lookup(&self, client_id: &str, tenant: &str) -> CredentialLookup {
        let matched: Vec<ServicePrincipalEntry> = self
            .entries
            .iter()
            .filter(|e| field(e, "client_id") == Some(client_id))
            .filter_map(ServicePrincipalEntry::from_json)
            .collect();
        let mut matched = matched.into_iter();
        let Some(first) = matched.next() else {
            return CredentialLookup::Missing;
        };
        if first.tenant == tenant {
            return CredentialLookup::Exact(first);
        }
        match matched.find(|e| e.tenant == tenant) {
            Some(exact) => CredentialLookup::Exact(exact),
            None => CredentialLookup::OtherTenant(first),
        }
    }
}

fn field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_entry(client_id: &str, tenant: &str, secret: &str) -> ServicePrincipalEntry {
        ServicePrincipalEntry {
            client_id: client_id.into(),
            tenant: tenant.into(),
            credential: StoredCredential::Secret(ClientSecret::new(secret)),
        }
    }

    #[test]
    fn written_as_az_writes_it() {
        let mut list = ServicePrincipalEntries::new();
        list.save(&secret_entry("app", "t1", "s1"));
        list.save(&ServicePrincipalEntry {
            client_id: "app2".into(),
            tenant: "t1".into(),
            credential: StoredCredential::Certificate {
                path: "/home/u/cert.pem".into(),
                send_x5c: true,
            },
        });
        list.save(&ServicePrincipalEntry {
            client_id: "app3".into(),
            tenant: "t1".into(),
            credential: StoredCredential::Assertion(ClientAssertion::new("eyJ.x.y")),
        });
        assert_eq!(
            list.to_json(),
            "[\n    {\n        \"client_id\": \"app\",\n        \"tenant\": \"t1\",\n        \"client_secret\": \"s1\"\n    },\n    {\n        \"client_id\": \"app2\",\n        \"tenant\": \"t1\",\n        \"certificate\": \"/home/u/cert.pem\",\n        \"use_cert_sn_issuer\": true\n    },\n    {\n        \"client_id\": \"app3\",\n        \"tenant\": \"t1\",\n        \"client_assertion\": \"eyJ.x.y\"\n    }\n]"
        );
        assert_eq!(format!("{list:?}"), "ServicePrincipalEntries { len: 3 }");
    }

    #[test]
    fn saving_replaces_the_same_client_and_tenant_and_moves_it_last() {
        let mut list = ServicePrincipalEntries::new();
        list.save(&secret_entry("app", "t1", "old"));
        list.save(&secret_entry("app", "t2", "other"));
        list.save(&secret_entry("app", "t1", "new"));
        assert_eq!(list.len(), 2);
        let parsed = ServicePrincipalEntries::parse(list.to_json().as_bytes()).expect("parses");
        match parsed.lookup("app", "t1") {
            CredentialLookup::Exact(e) => match e.credential {
                StoredCredential::Secret(s) => assert_eq!(s.secret(), "new"),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(parsed.lookup("app", "t3"), CredentialLookup::OtherTenant(e) if e.tenant == "t2")
        );
        assert!(matches!(
            parsed.lookup("nobody", "t1"),
            CredentialLookup::Missing
        ));
    }

    #[test]
    fn removal_takes_every_tenant_and_keeps_unknown_entries() {
        let text = br#"[{"client_id": "app", "tenant": "t1", "client_secret": "a"}, {"client_id": "app", "tenant": "t2", "client_secret": "b"}, {"client_id": "x", "future_field": 1}]"#;
        let mut list = ServicePrincipalEntries::parse(text).expect("parses");
        assert_eq!(list.remove("app"), 2);
        assert_eq!(list.remove("app"), 0);
        assert_eq!(list.len(), 1);
        assert!(list.to_json().contains("future_field"));
        assert!(ServicePrincipalEntries::parse(b"{}").is_err());
        assert!(
            ServicePrincipalEntries::parse(b"")
                .expect("empty")
                .is_empty()
        );
    }
}
