//! An embedded Microsoft Entra ID + Azure Resource Manager emulator for loopback, so logins can
//! be run and tested with no Azure account and no network.
//!
//! [`Responder`] is the whole protocol as a sans-I/O function (request and time in, answer
//! out), usable in memory; [`start`] serves it with hyper on 127.0.0.1 (optionally over TLS
//! with a generated CA, so the real `az` accepts it); [`run_until_signal`] is the
//! `azlogin emulator` command. [`Scenario`] says which users, tenants and subscriptions exist.

mod arm;
mod authorize;
mod device;
mod errors;
mod message;
mod oidc;
mod pages;
mod responder;
mod scenario;
mod scope;
mod server;
mod tls;
mod token;
mod tokens;

pub use message::{EmuRequest, EmuResponse};
pub use responder::{LoggedRequest, Responder};
pub use scenario::{
    AuthorizeSettings, DeviceCodeSettings, ErrorSpec, Membership, Scenario, ServicePrincipal,
    Subscription, Tenant, User,
};
pub use server::{EmulatorOptions, RunningEmulator, run_until_signal, start};
pub use tokens::{client_info, jwt_claims};
