//! An embedded Microsoft Entra ID + Azure Resource Manager emulator for loopback, so logins can
//! be run and tested with no Azure account and no network.
//!
//! It does not depend on the azlogin core: it is the other side of the wire and implements the
//! protocol on its own, so a core mistake cannot hide in code both sides share.
//!
//! [`Responder`] is the whole protocol as a sans-I/O function (request and time in, answer
//! out); the core's `azlogin::emulator::MemoryClient` runs flows against it in memory;
//! [`start`] serves it with hyper on 127.0.0.1 (optionally over TLS with a generated CA, so the
//! real `az` accepts it); [`run_until_signal`] is the `azlogin emulator` command. [`Scenario`]
//! says which users, tenants and subscriptions exist.
//!
//! With base URL `B` (the login endpoint; `B/` is the ARM endpoint and token audience), the
//! emulator answers, with `{tenant}` a GUID, a domain, `organizations` or `common`:
//!
//! | endpoint | what |
//! |---|---|
//! | `GET B/{tenant}/v2.0/.well-known/openid-configuration` | OIDC metadata (AADSTS90002 for unknown tenants) |
//! | `GET B/{tenant}/discovery/v2.0/keys` | an empty key set (tokens carry an HMAC tag) |
//! | `GET B/common/discovery/instance` | instance discovery, trusting only `B` |
//! | `GET B/common/userrealm/{username}` | `Managed` for scenario users |
//! | `POST B/{tenant}/oauth2/v2.0/devicecode` | device authorization |
//! | `GET`/`POST B/devicelogin` | the page where a person approves or declines a code |
//! | `GET`/`POST B/{tenant}/oauth2/v2.0/authorize` | sign-in page, then `form_post`/`query`/`fragment` answer |
//! | `POST B/{tenant}/oauth2/v2.0/token` | `password`, `refresh_token`, `authorization_code` (PKCE), device code, `client_credentials` (secret, certificate assertion, federated token) |
//! | `GET B/metadata/identity/oauth2/token` | IMDS managed identity tokens (`Metadata: true`) |
//! | `GET B/msi/token`, `GET B/msi/auth` | App Service (`X-IDENTITY-HEADER`) and Machine Learning (`secret`) managed identity tokens |
//! | `GET B/servicefabric/token` | Service Fabric managed identity tokens (`Secret`) |
//! | `GET B/arc/token` | Azure Arc: a `401` challenge naming a key file it writes, then tokens for `Authorization: Basic <key>` |
//! | `GET B/{tenant}/oauth2/v2.0/logout` | a signed-out page |
//! | `GET B/tenants`, `B/subscriptions`, `B/subscriptions/{id}` | ARM, paged with `nextLink` |
//! | `GET B/metadata/endpoints?api-version=…` | ARM cloud metadata for `az cloud register` |
//! | `GET B/_emulator/health`, `B/_emulator/requests` | liveness and the request log |
//! | `POST B/_emulator/device/approve`, `…/decline` | settle a device code without a browser |
//!
//! Every answer allows any CORS origin, and `OPTIONS` preflights get 204. A scenario's `faults`
//! make chosen endpoints answer badly on purpose (HTML, cut or huge or endless bodies, no answer,
//! 5xx with `Retry-After`, redirects, missing or mistyped fields, any JSON answer), the managed
//! identity endpoints included.

mod arc_agent;
mod arm;
mod authorize;
mod client_credentials;
mod device;
mod error;
mod errors;
mod faults;
mod managed_identity;
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

pub use error::{Error, Result};
pub use faults::{Fault, FaultEndpoint, FaultKind};
pub use message::{EmuRequest, EmuResponse};
pub use responder::{LoggedRequest, Responder};
pub use scenario::{
    ArcSettings, AuthorizeSettings, DeviceCodeSettings, ErrorSpec, FederatedCredential,
    ManagedIdentity, ManagedIdentitySettings, Membership, Scenario, ServicePrincipal, Subscription,
    Tenant, User,
};
pub use server::{EmulatorOptions, RunningEmulator, run_until_signal, start};
pub use tokens::{client_info, jwt_claims};
