//! Node.js binding of azlogin. The napi-rs surface lands with the npm package; today this crate
//! proves the core links with only its `native` feature, the set the addon will use.

/// The version of the azlogin core this binding was built against.
pub fn core_version() -> &'static str {
    azlogin::VERSION
}
