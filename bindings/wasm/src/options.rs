//! A JavaScript options object as JSON for the core's readers (`azlogin::options`), which
//! check every key and apply every rule: plain values as they are; functions, signals and
//! other class instances as `null` (the binding takes the ones it knows by name).

use js_sys::{Array, Object, Reflect};
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

/// `value` as JSON.
pub fn data(value: &JsValue) -> Value {
    if value.is_null() || value.is_undefined() || value.is_function() {
        return Value::Null;
    }
    if let Some(b) = value.as_bool() {
        return Value::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        return number(n);
    }
    if let Some(s) = value.as_string() {
        return Value::String(s);
    }
    if Array::is_array(value) {
        return Value::Array(Array::from(value).iter().map(|v| data(&v)).collect());
    }
    let Some(object) = value.dyn_ref::<Object>() else {
        return Value::Null;
    };
    let proto = Object::get_prototype_of(value);
    let plain = proto.is_null()
        || Reflect::get(&proto, &JsValue::from_str("constructor"))
            .is_ok_and(|c| c == JsValue::from(Object::new().constructor()));
    if !plain {
        return Value::Null;
    }
    let mut map = Map::new();
    for entry in Object::entries(object).iter() {
        let pair = Array::from(&entry);
        if let Some(key) = pair.get(0).as_string() {
            map.insert(key, data(&pair.get(1)));
        }
    }
    Value::Object(map)
}

/// A JavaScript number as JSON: whole numbers as integers.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// `options[key]` when `options` is an object, else `undefined` (for the functions and
/// signals the binding takes by name).
pub fn field(options: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    if options.is_object() {
        Reflect::get(options, &JsValue::from_str(key))
    } else {
        Ok(JsValue::UNDEFINED)
    }
}
