//! The Entra ID + ARM emulator: the workspace crate `azlogin-emulator` (re-exported here whole),
//! plus [`MemoryClient`], which runs the core's flows against its [`Responder`] in memory.
//!
//! The emulator does not depend on the core: it is the other side of the wire, and implements
//! the protocol from az's and Entra's behaviour on its own, so a core mistake cannot hide in
//! code both sides share.

mod memory;

pub use azlogin_emulator::*;
pub use memory::MemoryClient;

impl From<azlogin_emulator::Error> for crate::Error {
    fn from(e: azlogin_emulator::Error) -> crate::Error {
        match e {
            azlogin_emulator::Error::File { path, message } => {
                crate::Error::Store { path, message }
            }
            other => crate::Error::Config(other.to_string()),
        }
    }
}

/// Starts the emulator on 127.0.0.1 (see [`azlogin_emulator::start`]), its errors as the core's.
pub async fn start(options: EmulatorOptions) -> crate::Result<RunningEmulator> {
    Ok(azlogin_emulator::start(options).await?)
}

/// The `azlogin emulator` command (see [`azlogin_emulator::run_until_signal`]), its errors as
/// the core's.
pub async fn run_until_signal(
    options: EmulatorOptions,
    out: impl std::io::Write,
) -> crate::Result<()> {
    Ok(azlogin_emulator::run_until_signal(options, out).await?)
}
