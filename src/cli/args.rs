//! The command line: the same commands, flags and aliases as `az`, plus azlogin's own extras.

use clap::{Args, Parser, Subcommand};

use crate::secret::Password;

/// Secrets from the command line go straight into a redacting type, so no `Debug` shows them.
fn parse_password(value: &str) -> Result<Password, String> {
    Ok(Password::new(value))
}

/// `azlogin`: the `az login` experience, fast.
#[derive(Debug, Parser)]
#[command(
    name = "azlogin",
    version,
    about = "Log in to Azure and manage accounts, drop-in for `az login` and `az account`."
)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    /// Output format: json, jsonc, none, table, tsv, yaml, yamlc.
    #[arg(long, short = 'o', global = true)]
    pub output: Option<String>,
    /// JMESPath query string.
    #[arg(long, global = true)]
    pub query: Option<String>,
    /// Only show errors, suppressing warnings.
    #[arg(long, global = true)]
    pub only_show_errors: bool,
    /// Increase logging verbosity to show all debug logs.
    #[arg(long, global = true)]
    pub debug: bool,
    /// Increase logging verbosity.
    #[arg(long, global = true)]
    pub verbose: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum Command {
    /// Log in to Azure.
    Login(LoginArgs),
    /// Log out to remove access to Azure subscriptions.
    Logout(LogoutArgs),
    /// Manage Azure subscription information.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Manage configuration (`az config`).
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage registered Azure clouds.
    #[command(subcommand)]
    Cloud(CloudCommand),
    /// Run the embedded Entra ID + ARM emulator on loopback.
    Emulator(EmulatorArgs),
    /// Show a full login against the embedded emulator: no account, no network.
    Demo,
}

/// `az login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// User name, service principal, or managed service identity ID.
    #[arg(long, short = 'u')]
    pub username: Option<String>,
    /// Credentials like user password, or for a service principal, provide client secret.
    #[arg(long, short = 'p', value_parser = parse_password)]
    pub password: Option<Password>,
    /// The Microsoft Entra tenant, must be provided when using a service principal.
    #[arg(long, short = 't')]
    pub tenant: Option<String>,
    /// Used in the /authorize request. It can cover only one static resource.
    #[arg(long, num_args = 1..)]
    pub scope: Option<Vec<String>>,
    /// Support access tenants without subscriptions.
    #[arg(long)]
    pub allow_no_subscriptions: bool,
    /// Base64-encoded claims challenge requested by a resource API.
    #[arg(long)]
    pub claims_challenge: Option<String>,
    /// Use CLI's old authentication flow based on device code.
    #[arg(long)]
    pub use_device_code: bool,
    /// The credential representing a service principal.
    #[arg(long)]
    pub service_principal: bool,
    /// PEM file with key and public certificate.
    #[arg(long)]
    pub certificate: Option<String>,
    /// Use Subject Name + Issuer authentication.
    #[arg(long, alias = "use-sn-issuer")]
    pub use_cert_sn_issuer: bool,
    /// Federated token for service principal login.
    #[arg(long, value_parser = parse_password)]
    pub federated_token: Option<Password>,
    /// Log in using managed identity.
    #[arg(long, short = 'i')]
    pub identity: bool,
    /// Client ID of the user-assigned managed identity.
    #[arg(long)]
    pub client_id: Option<String>,
    /// Object ID of the user-assigned managed identity.
    #[arg(long)]
    pub object_id: Option<String>,
    /// Resource ID of the user-assigned managed identity.
    #[arg(long)]
    pub resource_id: Option<String>,
    /// Skip subscription discovery; requires --tenant.
    #[arg(long, alias = "skip-sub")]
    pub skip_subscription_discovery: bool,
    /// The subscription to use as the default after login.
    #[arg(long, short = 's')]
    pub subscription: Option<String>,
    /// azlogin: how many tenants to discover at once.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// azlogin: print the sign-in URL instead of opening a browser (open it on this machine).
    #[arg(long)]
    pub no_browser: bool,
    /// azlogin: how long the browser login waits for the sign-in, in seconds.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
}

/// `az logout`.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Account user; if missing, log out the current active account.
    #[arg(long)]
    pub username: Option<String>,
}

/// `az account …`.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum AccountCommand {
    /// Get a list of subscriptions for the logged in account.
    List {
        /// List all subscriptions from all clouds, rather than just 'Enabled' ones.
        #[arg(long)]
        all: bool,
    },
    /// Get the details of a subscription.
    Show {
        /// Name or ID of subscription.
        #[arg(long, short = 's', alias = "name", short_alias = 'n')]
        subscription: Option<String>,
    },
    /// Set a subscription to be the current active subscription.
    Set {
        /// Name or ID of subscription; azlogin: on a terminal, without it, choose from a list.
        #[arg(long, short = 's', alias = "name", short_alias = 'n')]
        subscription: Option<String>,
    },
    /// Clear all subscriptions from the CLI's local cache.
    Clear,
    /// Get a token for utilities to access Azure.
    GetAccessToken(GetAccessTokenArgs),
}

/// `az account get-access-token`.
#[derive(Debug, Args)]
pub struct GetAccessTokenArgs {
    /// Azure resource endpoints in Microsoft Entra ID v1.
    #[arg(long)]
    pub resource: Option<String>,
    /// Type of well-known resource.
    #[arg(long, value_parser = ["oss-rdbms", "arm", "aad-graph", "ms-graph", "batch", "media", "data-lake"])]
    pub resource_type: Option<String>,
    /// Space-separated scopes in Microsoft Entra ID v2.0.
    #[arg(long, num_args = 0..)]
    pub scope: Option<Vec<String>>,
    /// Tenant ID for which the token is acquired.
    #[arg(long, short = 't')]
    pub tenant: Option<String>,
    /// Name or ID of subscription.
    #[arg(long, short = 's', alias = "name", short_alias = 'n')]
    pub subscription: Option<String>,
    /// azlogin: skip the access-token cache and refresh.
    #[arg(long, hide = true)]
    pub force_refresh: bool,
}

/// `az config …`.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum ConfigCommand {
    /// Get a configuration.
    Get {
        /// `section.option`, a section, or nothing for all.
        key: Option<String>,
    },
    /// Set configurations: `section.option=value` pairs.
    Set {
        /// `section.option=value`.
        #[arg(required = true)]
        key_values: Vec<String>,
    },
    /// Unset configurations.
    Unset {
        /// `section.option`.
        #[arg(required = true)]
        keys: Vec<String>,
    },
}

/// `az cloud …`.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum CloudCommand {
    /// List registered clouds.
    List,
    /// Get the details of a registered cloud.
    Show {
        /// Name of a registered cloud (default: the active one).
        #[arg(long, short = 'n')]
        name: Option<String>,
    },
    /// Set the active cloud.
    Set {
        /// Name of a registered cloud.
        #[arg(long, short = 'n')]
        name: String,
    },
    /// Register a cloud.
    Register(CloudRegisterArgs),
    /// Unregister a cloud.
    Unregister {
        /// Name of a registered cloud.
        #[arg(long, short = 'n')]
        name: String,
    },
}

/// `az cloud register`.
#[derive(Debug, Args)]
pub struct CloudRegisterArgs {
    /// Name of the cloud.
    #[arg(long, short = 'n')]
    pub name: String,
    /// The Active Directory login endpoint.
    #[arg(long)]
    pub endpoint_active_directory: Option<String>,
    /// The resource ID to obtain AD tokens for (the ARM audience).
    #[arg(long)]
    pub endpoint_active_directory_resource_id: Option<String>,
    /// The Active Directory resource ID for Graph.
    #[arg(long)]
    pub endpoint_active_directory_graph_resource_id: Option<String>,
    /// The resource manager endpoint.
    #[arg(long)]
    pub endpoint_resource_manager: Option<String>,
    /// The management service endpoint.
    #[arg(long)]
    pub endpoint_management: Option<String>,
    /// The template gallery endpoint.
    #[arg(long)]
    pub endpoint_gallery: Option<String>,
    /// Profile (API versions).
    #[arg(long)]
    pub profile: Option<String>,
}

/// `azlogin emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Port on 127.0.0.1 (0 lets the system pick).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// A scenario JSON file (tenants, users, subscriptions, faults).
    #[arg(long)]
    pub scenario: Option<std::path::PathBuf>,
    /// Latency added to every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Serve HTTPS with a generated CA (written to --cert-dir).
    #[arg(long, requires = "cert_dir")]
    pub tls: bool,
    /// Where the CA certificate is written with --tls.
    #[arg(long)]
    pub cert_dir: Option<std::path::PathBuf>,
}
