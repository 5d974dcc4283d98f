//! ARM's list answers read straight from the body into the few fields azlogin uses.
//!
//! A page of 1,000 subscriptions is about 400 KB of text; building a `serde_json::Value` tree
//! of it first would hold the page a second time (several times its size) before the typed
//! items exist. Here serde fills the typed items as it reads and skips everything else, so a
//! page lives once as text and once as the items the login keeps.
//!
//! The reading is as forgiving as looking fields up in a tree: a field of an unexpected type
//! reads as absent, a `value` that is not a list reads as no list, and unknown fields are
//! skipped.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, de::Error as _};
use serde_json::Value;

/// `{ "value": [...], "nextLink": "..." }`.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
pub(super) struct WirePage<T> {
    #[serde(default, deserialize_with = "list_or_none")]
    pub value: Option<Vec<T>>,
    #[serde(rename = "nextLink", default, deserialize_with = "string_or_none")]
    pub next_link: Option<String>,
}

/// An item of `GET /tenants`.
#[derive(Deserialize)]
pub(super) struct WireTenant {
    #[serde(default, deserialize_with = "string_or_none")]
    pub id: Option<String>,
    #[serde(rename = "tenantId", default, deserialize_with = "string_or_none")]
    pub tenant_id: Option<String>,
    #[serde(rename = "displayName", default, deserialize_with = "string_or_none")]
    pub display_name: Option<String>,
    #[serde(rename = "defaultDomain", default, deserialize_with = "string_or_none")]
    pub default_domain: Option<String>,
}

/// An item of `GET /subscriptions`, or the answer of `GET /subscriptions/{id}`.
#[derive(Deserialize)]
pub(super) struct WireSubscription {
    #[serde(default, deserialize_with = "string_or_none")]
    pub id: Option<String>,
    #[serde(
        rename = "subscriptionId",
        default,
        deserialize_with = "string_or_none"
    )]
    pub subscription_id: Option<String>,
    #[serde(rename = "displayName", default, deserialize_with = "string_or_none")]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "string_or_none")]
    pub state: Option<String>,
    #[serde(rename = "tenantId", default, deserialize_with = "string_or_none")]
    pub tenant_id: Option<String>,
    /// A handful of entries at most; kept as JSON and read like the other lenient fields.
    #[serde(rename = "managedByTenants", default)]
    pub managed_by_tenants: Option<Value>,
}

/// The `visit_*` methods of a visitor for JSON scalars (strings too, unless `strings: no`), each
/// answering `$value`: what a lenient reader makes of a value of a type it does not want.
macro_rules! scalars_read_as {
    ($value:expr) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
        scalars_read_as!($value, strings: no);
    };
    ($value:expr, strings: no) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

/// A string, or `None` for any other JSON value (skipped without being built).
fn string_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct StringOrNone;
    impl<'de> Visitor<'de> for StringOrNone {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        scalars_read_as!(None, strings: no);
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(StringOrNone)
}

/// A list of `T`, or `None` for any other JSON value (skipped without being built).
fn list_or_none<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    struct ListOrNone<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for ListOrNone<T> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element::<ListItem<T>>()? {
                match item.0 {
                    Some(item) => items.push(item),
                    None => return Err(A::Error::custom("a list item is not an object")),
                }
            }
            Ok(Some(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        scalars_read_as!(None);
    }
    d.deserialize_any(ListOrNone(PhantomData))
}

/// A list element: an object read as `T`, or `None` for anything else.
struct ListItem<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ListItem<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Item<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Item<T> {
            type Value = ListItem<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| ListItem(Some(t)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ListItem(None))
            }
            scalars_read_as!(ListItem(None));
        }
        d.deserialize_any(Item(PhantomData))
    }
}
