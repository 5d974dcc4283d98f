//! `azlogin emulator`: the embedded Entra ID + ARM emulator as a process.

use super::args::EmulatorArgs;
use crate::emulator::{EmulatorOptions, Scenario};
use crate::error::Result;

/// Serves until SIGINT/SIGTERM.
pub async fn run(args: EmulatorArgs) -> Result<()> {
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_file(path)?,
        None => Scenario::default_scenario(),
    };
    let options = EmulatorOptions {
        port: args.port,
        scenario,
        latency: std::time::Duration::from_millis(args.latency_ms),
        tls_cert_dir: if args.tls { args.cert_dir } else { None },
        log_requests: true,
        seed: None,
    };
    crate::emulator::run_until_signal(options, std::io::stdout()).await
}
