//! The `azlogin` command: a drop-in for `az login`, `az logout`, `az account`, `az config` and
//! `az cloud`, with az's streams, messages and exit codes (0 success, 1 error, 2 bad arguments).

pub mod account_cmd;
pub mod args;
pub mod cloud_cmd;
pub mod config_cmd;
pub mod console;
pub mod demo;
pub mod emulator_cmd;
pub mod login_app;
pub mod login_browser;
pub mod login_cmd;
mod platform;
pub mod progress;
pub mod selector;

/// az's output formats and `--query`: the workspace crate `azlogin-output`.
pub use azlogin_output as output;

use std::io::Write;

use clap::Parser;
use serde_json::Value;

use self::args::{Cli, Command};
use self::console::Console;
use crate::diagnostics::{self, Level};
use crate::error::Result;
use crate::session::{Session, SessionOptions};
use crate::store::{AzConfig, ConfigDir};

impl From<output::OutputError> for crate::Error {
    fn from(e: output::OutputError) -> crate::Error {
        crate::Error::Usage(e.message)
    }
}

/// Parses `args` (program name first), runs the command, and returns the exit code.
pub fn main_with_args(args: Vec<std::ffi::OsString>) -> i32 {
    let started = std::time::Instant::now();
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ERROR: Cannot start the async runtime: {e}");
            return 1;
        }
    };
    runtime.block_on(run(cli, started))
}

/// Runs the command with `--debug`/`--verbose` lines on stderr when asked for, and az's
/// closing "Command ran in" line (`init` is everything before the command itself).
async fn run(cli: Cli, started: std::time::Instant) -> i32 {
    if cli.debug || cli.verbose {
        let debug = cli.debug;
        let level = if debug { Level::Debug } else { Level::Info };
        diagnostics::install(
            level,
            Box::new(move |level, component, message| {
                let name = match level {
                    Level::Debug => "DEBUG",
                    Level::Info => "INFO",
                };
                if debug {
                    eprintln!("{name}: {component}: {message}");
                } else {
                    eprintln!("{name}: {message}");
                }
            }),
        );
    }
    diagnostics::debug("azlogin.cli", || {
        format!("Command: {}", command_path(&cli.command))
    });
    let init = started.elapsed().as_secs_f64();
    let code = run_command(cli).await;
    diagnostics::info("azlogin.cli", || {
        let total = started.elapsed().as_secs_f64();
        format!(
            "Command ran in {total:.3} seconds (init: {init:.3}, invoke: {:.3})",
            total - init
        )
    });
    code
}

async fn run_command(cli: Cli) -> i32 {
    match cli.command {
        Command::Emulator(args) => {
            return report(
                emulator_cmd::run(args).await.map(|_| ()),
                Console::detect(true, false),
            );
        }
        Command::Demo => return report(demo::run().await, Console::detect(false, false)),
        _ => {}
    }
    let options = SessionOptions::default();
    // `config` and `cloud` need only the config dir: they must work when the active cloud is
    // broken, since they are how a user repairs it.
    let loaded = ConfigDir::from_env_with(|k| (options.env)(k).map(Into::into))
        .and_then(|dir| dir.ensure().map(|_| dir))
        .and_then(|dir| AzConfig::load(&dir).map(|config| (dir, config)));
    let (dir, config) = match loaded {
        Ok(v) => v,
        Err(e) => return report(Err(e), Console::detect(false, cli.only_show_errors)),
    };
    diagnostics::debug("azlogin.cli", || {
        format!("Config dir: {}", dir.path().display())
    });
    let no_color = config.get_bool("core", "no_color", false).unwrap_or(false);
    let only_errors = cli.only_show_errors
        || config
            .get_bool("core", "only_show_errors", false)
            .unwrap_or(false);
    let console = Console::detect(no_color, only_errors);
    let format_name = cli
        .output
        .clone()
        .or_else(|| config.get("core", "output"))
        .unwrap_or_else(|| "json".to_string());
    let prog = command_path(&cli.command);
    let format = match output::OutputFormat::parse_arg(&format_name, &prog) {
        Ok(f) => f,
        Err(e) => return report_output_error(&e, console),
    };
    // A query that does not parse is an argument error, found before the command runs.
    let query = match cli.query.as_deref().map(output::Query::compile).transpose() {
        Ok(q) => q,
        Err(e) => return report_output_error(&e, console),
    };
    if let Command::Account(a) = &cli.command
        && let Some(e) = account_cmd::missing_subscription(a)
    {
        return report_output_error(&e, console);
    }
    let printed: Result<account_cmd::Printed> = match cli.command {
        Command::Config(c) => config_cmd::run(&dir, c).map(|v| (v, None)),
        Command::Cloud(c) => cloud_cmd::run(&dir, &options, c).await.map(|v| (v, None)),
        other => match Session::open(options.clone()) {
            Err(e) => Err(e),
            Ok(session) => {
                for warning in crate::store::exposed_secret_files(&dir) {
                    console.warning(&warning);
                }
                match other {
                    Command::Login(args) => {
                        // `-o none` prints nothing: the login's list is not even built.
                        let wanted = format != output::OutputFormat::None || query.is_some();
                        login_cmd::login(&session, args, console, wanted)
                            .await
                            .map(|v| (v, None))
                    }
                    Command::Logout(args) => login_cmd::logout(&session, args).map(|v| (v, None)),
                    Command::Account(c) => account_cmd::run(&session, c, console).await,
                    _ => Ok((None, None)),
                }
            }
        },
    };
    let (value, table) = match printed {
        Ok((Some(value), table)) => (value, table),
        Ok((None, _)) => return 0,
        Err(e) => return report(Err(e), console),
    };
    let text = match &query {
        Some(q) => q
            .search(&value)
            .and_then(|r| r.format(format, console.color)),
        None => {
            let transformer = table.map(|f| Box::new(f) as Box<dyn Fn(&Value) -> Value>);
            output::format(&value, format, transformer.as_deref(), console.color)
        }
    };
    match text {
        Ok(text) => {
            let _ = std::io::stdout().write_all(text.as_bytes());
            0
        }
        Err(e) => report_output_error(&e, console),
    }
}

/// The command's name as az prints it in argument errors (`az account list`).
fn command_path(command: &Command) -> String {
    use args::{AccountCommand as A, CloudCommand as C, ConfigCommand as G};
    let path = match command {
        Command::Login(_) => "login",
        Command::Logout(_) => "logout",
        Command::Account(a) => match a {
            A::List { .. } => "account list",
            A::Show { .. } => "account show",
            A::Set { .. } => "account set",
            A::Clear => "account clear",
            A::GetAccessToken(_) => "account get-access-token",
        },
        Command::Config(c) => match c {
            G::Get { .. } => "config get",
            G::Set { .. } => "config set",
            G::Unset { .. } => "config unset",
        },
        Command::Cloud(c) => match c {
            C::List => "cloud list",
            C::Show { .. } => "cloud show",
            C::Set { .. } => "cloud set",
            C::Register(_) => "cloud register",
            C::Unregister { .. } => "cloud unregister",
        },
        Command::Emulator(_) => "emulator",
        Command::Demo => "demo",
    };
    format!("az {path}")
}

/// Prints an output or query error as az does: the message, then each recommendation line.
fn report_output_error(e: &output::OutputError, console: Console) -> i32 {
    console.error(&e.message);
    if let Some(detail) = &e.detail {
        console.error(detail);
    }
    for line in &e.recommendations {
        console.plain_err(line);
    }
    e.exit_code
}

/// Prints an error az's way (message, then the recommendation) and gives the exit code.
fn report(result: Result<()>, console: Console) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            console.error(&e.to_string());
            if let Some(recommendation) = e.recommendation() {
                console.plain_err(&recommendation);
            }
            1
        }
    }
}
