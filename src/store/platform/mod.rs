//! What differs between Unix and Windows in how az keeps its files: modes and ACLs, the lock
//! on a lock file, replacing a file, whether a process still exists, the home directory, and
//! protecting secrets for the current user. One module per platform, chosen here once; the rest
//! of the store is written against these functions only.

#[cfg(unix)]
#[path = "unix.rs"]
mod os;
#[cfg(windows)]
#[path = "windows.rs"]
mod os;

pub(crate) use os::{
    BROKER_PLATFORM, ENCRYPT_TOKEN_CACHE_BY_DEFAULT, HOME_VARIABLE, PERMISSION_ADVICE, advice,
    create_dir_private, create_new_file, data_protection, exposed_mode, file_id, home_dir, is_gone,
    mode_of, path_id, replace_file, set_mode, sync_dir, try_lock, unlock,
};
