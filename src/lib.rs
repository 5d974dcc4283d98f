//! azlogin: the `az login` experience of the Azure CLI as a Rust library.
//!
//! The protocol modules ([`oauth`], [`arm`], [`token_cache`], [`profile`], [`cloud`],
//! [`selector`], [`wam`]) never do I/O, never read the clock and never draw randomness: requests are
//! built and answers parsed by plain functions, and `now` and random bytes are arguments. The
//! async drivers in [`login`] and [`discovery`] loop request → send → handle → sleep over an
//! [`http::HttpClient`].
//! Files, locks, the terminal, the loopback listener and the emulator are native-only modules.

#[cfg(all(target_arch = "wasm32", feature = "native"))]
compile_error!(
    "the `native` feature (files, locks, loopback listener, terminal, emulator) does not build for \
     wasm32; build the core with `--no-default-features` (as bindings/wasm does)"
);

pub mod arm;
pub mod cancel;
pub mod cloud;
pub mod diagnostics;
pub mod discovery;
pub mod error;
pub mod http;
pub mod ini;
pub mod json_file;
pub mod login;
pub mod oauth;
pub mod profile;
pub mod pyjson;
pub mod runtime;
pub mod secret;
pub mod selector;
pub mod token_cache;
pub mod wam;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "emulator")]
pub mod emulator;
#[cfg(feature = "native")]
pub mod session;
#[cfg(feature = "native")]
pub mod store;

pub use error::{Error, Result, ServerError};

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
