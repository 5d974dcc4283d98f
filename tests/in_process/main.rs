//! Whole logins run in this process: the session over the emulator's in-memory client and a
//! manual clock, so no socket, no subprocess and no waiting. Each flow asserts the outcome and
//! what it wrote to the config dir. The subprocess tests (`tests/login_*.rs`) keep what only a
//! process shows: exit codes, streams, terminals, and the files byte for byte.

mod harness;

mod browser;
mod device_code;
mod discovery;
mod managed_identity;
mod password;
mod service_principal;
mod skip_subscription_discovery;
mod tenant;
