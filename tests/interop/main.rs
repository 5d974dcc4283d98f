//! Interop with the real Azure CLI (azure-cli 2.91.0, installed by `install-az.sh` into
//! `target/interop/az-venv`): az and azlogin share one `AZURE_CONFIG_DIR`, a login by either
//! serves both, their files are the same, and running both at once corrupts nothing.
//!
//! Every test has its own emulator over TLS and its own config dirs and HOME. Set
//! `AZLOGIN_SKIP_INTEROP=1` to skip the suite (it says so); without it a missing az fails.
//!
//! Unix only: the az installed here is Linux's (a venv of Linux Python), which keeps the plaintext
//! `.json` files; the Windows build's DPAPI `.bin` files are compared with the Linux build's in
//! tests/windows/ instead.
#![cfg(unix)]

#[path = "../common/mod.rs"]
mod common;

mod harness;

mod az_to_azlogin;
mod azlogin_to_az;
mod concurrent;
mod same_bytes;
mod service_principal;
mod usage_rules;
