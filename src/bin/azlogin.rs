//! The `azlogin` command.

fn main() {
    std::process::exit(azlogin::cli::main_with_args(std::env::args_os().collect()));
}
