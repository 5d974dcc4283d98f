//! azlogin: the `az login` experience of the Azure CLI as a Rust library.
//!
//! The modules come in three layers; a layer uses the ones above it, never the ones below.
//!
//! - **Protocol** ([`oauth`], [`arm`], [`token_cache`], [`profile`], [`cloud`], [`selector`],
//!   [`wam`] (what azlogin says where az would use WAM), [`login_input`] (az's `login` rules,
//!   once for every face), [`options`] (the JavaScript faces' option objects), [`ini`],
//!   [`json_file`], [`pyjson`], [`secret`], [`error`], and the wire values of [`http`]):
//!   sans-I/O. They never do I/O, never read the clock and never draw randomness: requests are
//!   built and answers parsed by plain functions, and `now` and random bytes are arguments. They
//!   build for wasm32.
//! - **Drivers** ([`login`], [`discovery`], with [`runtime`], [`cancel`], [`diagnostics`]):
//!   async loops request → send → handle → sleep over an [`http::HttpClient`] and a
//!   [`runtime::Runtime`] the caller gives, with no protocol decision of their own. They build
//!   for wasm32 too; the loopback listener, the browser launcher and the reqwest client
//!   (`http::ReqwestClient`) are their native-only modules.
//! - **Native** (feature `native`: `session`, `store`): the config dir's files and locks, tokio,
//!   the environment, and the session facade the faces call.
//!
//! Built on them: the `azlogin` command (`cli`, feature `cli`), whose `-o`/`--query` output is
//! the workspace crate `azlogin-output`, and the Entra ID + ARM emulator (`emulator`, feature
//! `emulator`), the workspace crate `azlogin-emulator`, which does not depend on the core.

#[cfg(all(target_arch = "wasm32", feature = "native"))]
compile_error!(
    "the `native` feature (files, locks, loopback listener, terminal, emulator) does not build for \
     wasm32; build the core with `--no-default-features` (as bindings/wasm does)"
);

// ── Protocol: sans-I/O ─────────────────────────────────────────────────────────────────────────
// May: build requests, parse answers, decide, hold state, render az's exact bytes.
// May not: touch the network, files, the terminal, the clock or randomness (they are arguments).
pub mod arm;
pub mod cloud;
pub mod error;
// Its values, retry decisions and the `HttpClient` trait are protocol; `ReqwestClient` is its
// one native module.
pub mod http;
pub mod ini;
pub mod json_file;
pub mod login_input;
pub mod oauth;
pub mod options;
pub mod profile;
pub mod secret;
pub mod selector;
pub mod token_cache;
pub mod wam;
/// Python-exact JSON text: the workspace crate `azlogin-pyjson`.
pub use azlogin_pyjson as pyjson;

// ── Drivers: async, generic over their I/O ─────────────────────────────────────────────────────
// May: loop request → send → handle → sleep through an `http::HttpClient` and a
// `runtime::Runtime` they are given; run on tokio natively and on a host's event loop in wasm.
// May not: make an OAuth or ARM decision of their own, or name an OS facility (apart from the
// native-only parts of `login` and `http`: the loopback listener, the browser, reqwest).
pub mod cancel;
pub mod diagnostics;
pub mod discovery;
pub mod login;
pub mod runtime;

// ── Native: feature `native`, never wasm32 ─────────────────────────────────────────────────────
// May: files, locks, the config dir, tokio, the terminal, the environment; the faces' facade.
// May not: hold a protocol rule (they call the modules above).
#[cfg(feature = "native")]
pub mod session;
#[cfg(feature = "native")]
pub mod store;

// ── Faces and tools built on the core ──────────────────────────────────────────────────────────
// The `azlogin` command (feature `cli`); its output formats are the crate `azlogin-output`.
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "emulator")]
pub mod emulator;

pub use error::{ERROR_CODES, Error, Result, ServerError};

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
