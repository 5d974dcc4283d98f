//! `azureProfile.json`: parse, serialize and merge, byte-exact with the CLI (the core's
//! `profile` module does all of it).

use azlogin::profile::{Profile, Subscription};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::error::{from_value, to_js, to_value, usage};

fn corrupt(message: String) -> JsValue {
    to_js(azlogin::Error::CorruptFile {
        path: "azureProfile.json".into(),
        message,
    })
}

fn profile_from_js(profile: JsValue) -> Result<Profile, JsValue> {
    let value: Value = from_value(profile, "profile")?;
    let text = serde_json::to_vec(&value).map_err(|e| usage(e.to_string()))?;
    Profile::parse(&text).map_err(corrupt)
}

fn profile_to_js(profile: &Profile) -> Result<JsValue, JsValue> {
    let bytes = profile.to_bytes();
    let value: Value =
        serde_json::from_slice(strip_bom(&bytes)).map_err(|e| usage(e.to_string()))?;
    to_value(&value)
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes)
}

/// The file's text (BOM optional) as a plain object; `corrupt_file` when it is not a profile.
#[wasm_bindgen(js_name = parseProfile, unchecked_return_type = "AzureProfile")]
pub fn parse_profile(text: &str) -> Result<JsValue, JsValue> {
    let profile = Profile::parse(text.as_bytes()).map_err(corrupt)?;
    profile_to_js(&profile)
}

/// The file's text exactly as the CLI writes it (with its BOM).
#[wasm_bindgen(js_name = serializeProfile)]
pub fn serialize_profile(
    #[wasm_bindgen(unchecked_param_type = "AzureProfile")] profile: JsValue,
) -> Result<String, JsValue> {
    let profile = profile_from_js(profile)?;
    String::from_utf8(profile.to_bytes()).map_err(|e| usage(e.to_string()))
}

/// Merges a login's subscriptions into a profile by the CLI's rules; returns
/// `{ profile, defaultId }`.
#[wasm_bindgen(js_name = mergeSubscriptions, unchecked_return_type = "MergeResult")]
pub fn merge_subscriptions(
    #[wasm_bindgen(unchecked_param_type = "AzureProfile")] profile: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SubscriptionEntry[]")] subscriptions: JsValue,
    preferred: Option<String>,
) -> Result<JsValue, JsValue> {
    let mut profile = profile_from_js(profile)?;
    let mut new = subscriptions_from_js(subscriptions)?;
    let default_id = profile.merge(&mut new, preferred.as_deref());
    let out = serde_json::json!({
        "profile": serde_json::from_slice::<Value>(strip_bom(&profile.to_bytes()))
            .map_err(|e| usage(e.to_string()))?,
        "defaultId": default_id,
    });
    to_value(&out)
}

/// Subscription entries (the profile's shape) from a JavaScript array.
pub fn subscriptions_from_js(value: JsValue) -> Result<Vec<Subscription>, JsValue> {
    let items: Vec<Value> = from_value(value, "subscriptions")?;
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            Subscription::from_json(v).map_err(|e| usage(format!("subscriptions[{i}]: {e}")))
        })
        .collect()
}
