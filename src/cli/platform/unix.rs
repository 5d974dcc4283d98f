//! Unix: SIGINT, and terminals that understand escape sequences as they are.

use std::future::Future;

/// Starts listening for Ctrl-C (SIGINT) now, so a Ctrl-C from this moment on is caught; the
/// future completes with `true` when one arrives, `false` when none can be caught.
pub(crate) fn interrupt_listener() -> impl Future<Output = bool> + Send + 'static {
    let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
    async move {
        match signal {
            Ok(mut s) => s.recv().await.is_some(),
            Err(_) => false,
        }
    }
}

/// Unix terminals draw escape sequences without being asked.
pub(crate) fn stdout_escape_sequences() -> bool {
    true
}

/// Unix terminals draw escape sequences without being asked.
pub(crate) fn stderr_escape_sequences() -> bool {
    true
}
