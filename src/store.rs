//! The config dir on disk: where it is, az's `config` and `clouds.config` files, atomic writes,
//! and the msal-extensions lock-file protocol that lets azlogin and az share files.
//!
//! Everything here is blocking file I/O. What differs between Unix and Windows lives in
//! `platform`, one module per platform. Calls are short (small files, local disk)
//! except [`FileLock::acquire`], which can wait up to ten seconds; async callers use
//! [`FileLock::acquire_async`] or `tokio::task::spawn_blocking`.

mod arc_key_file;
mod atomic;
mod clouds;
mod config;
mod config_dir;
mod ini_file;
mod lock;
mod pid;
mod platform;
mod private_files;
mod secret_files;

pub use arc_key_file::read_arc_key;
pub use atomic::{atomic_write, atomic_write_with_mode, read_optional, remove_stale_temps_of};
pub use clouds::{
    active_cloud, cloud_subscription, load_clouds, load_clouds_ini, register_cloud,
    set_active_cloud, set_cloud_subscription, unregister_cloud,
};
pub use config::{AzConfig, BOOLEAN_VALUES};
pub use config_dir::ConfigDir;
pub use ini_file::read_ini;
pub use lock::{FileLock, FileLockGuard};
pub(crate) use platform::BROKER_PLATFORM;
pub use private_files::{SECRET_FILES, exposed_secret_files};
pub use secret_files::{
    DataProtection, SERVICE_PRINCIPALS_BIN, SERVICE_PRINCIPALS_JSON, SecretFiles, TOKEN_CACHE_BIN,
    TOKEN_CACHE_JSON,
};
