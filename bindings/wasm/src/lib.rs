//! WebAssembly binding of azlogin. The wasm-bindgen surface lands with the npm package; today this
//! crate proves the core builds for `wasm32-unknown-unknown` without any native-only module.

/// The version of the azlogin core this binding was built against.
pub fn core_version() -> &'static str {
    azlogin::VERSION
}
