//! Stopping a running operation from outside it: a cancel handle and a time limit.
//!
//! Every driver is an async future that owns its sockets and timers, so cancelling one is
//! dropping it: the poller stops polling and a listener closes its port as the future drops.
//! [`cancellable`] does that drop when a [`CancelHandle`] fires, and [`within`] when a time limit
//! passes; both turn the early end into the core's errors ([`Error::Cancelled`],
//! [`Error::Timeout`]). Neither needs tokio, so both work in wasm too.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use futures::future::{AbortHandle, AbortRegistration, Abortable, Either, select};

use crate::error::{Error, Result};
use crate::runtime::Runtime;

/// Cancels the operation started with its [`CancelRegistration`]; cloning shares the handle.
#[derive(Clone, Debug)]
pub struct CancelHandle(AbortHandle);

/// The receiving half of a [`CancelHandle`], consumed by [`cancellable`].
#[derive(Debug)]
pub struct CancelRegistration(AbortRegistration);

impl CancelHandle {
    /// A new handle and the registration an operation listens on.
    pub fn new() -> (CancelHandle, CancelRegistration) {
        let (handle, registration) = AbortHandle::new_pair();
        (CancelHandle(handle), CancelRegistration(registration))
    }

    /// Cancels the operation: at once when it is running, at its start when it has not started.
    pub fn cancel(&self) {
        self.0.abort();
    }

    /// Whether [`CancelHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.is_aborted()
    }
}

/// Runs `operation` until it ends or `registration`'s handle cancels it; a cancelled operation
/// is dropped where it stands and the result is [`Error::Cancelled`].
pub async fn cancellable<T>(
    registration: CancelRegistration,
    operation: impl Future<Output = Result<T>>,
) -> Result<T> {
    match Abortable::new(operation, registration.0).await {
        Ok(result) => result,
        Err(_aborted) => Err(Error::Cancelled),
    }
}

/// Runs `operation` for at most `limit`; past it the operation is dropped and the result is
/// [`Error::Timeout`] naming `what`.
pub async fn within<T>(
    runtime: &impl Runtime,
    limit: Duration,
    what: &str,
    operation: impl Future<Output = Result<T>>,
) -> Result<T> {
    let operation = pin!(operation);
    let timer = pin!(runtime.sleep(limit));
    match select(operation, timer).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => Err(Error::Timeout(format!(
            "{what} did not finish within {} ms.",
            limit.as_millis()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::future::{pending, ready};

    use super::*;

    /// A timer that fires at once or never, so no test sleeps.
    struct Timer {
        fires: bool,
    }

    impl Runtime for Timer {
        fn now_ms(&self) -> u64 {
            0
        }
        async fn sleep(&self, _duration: Duration) {
            if !self.fires {
                pending::<()>().await;
            }
        }
    }

    /// Counts its drops, to show a cancelled operation is dropped.
    struct DropFlag<'a>(&'a Cell<u32>);
    impl Drop for DropFlag<'_> {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    #[tokio::test]
    async fn a_finished_operation_keeps_its_result() {
        let (_handle, registration) = CancelHandle::new();
        assert_eq!(cancellable(registration, ready(Ok(7))).await.ok(), Some(7));
        let timer = Timer { fires: false };
        let limited = within(&timer, Duration::from_secs(1), "Login", ready(Ok(8)));
        assert_eq!(limited.await.ok(), Some(8));
    }

    #[tokio::test]
    async fn cancelling_before_the_start_drops_the_operation_unpolled() {
        let drops = Cell::new(0);
        let (handle, registration) = CancelHandle::new();
        handle.cancel();
        assert!(handle.is_cancelled());
        let flag = DropFlag(&drops);
        let operation = async move {
            let _flag = flag;
            pending::<Result<()>>().await
        };
        let result = cancellable(registration, operation).await;
        assert_eq!(result.err().map(|e| e.code()), Some("cancelled"));
        assert_eq!(drops.get(), 1);
    }

    #[tokio::test]
    async fn cancelling_while_waiting_ends_with_cancelled() {
        let (handle, registration) = CancelHandle::new();
        let operation = async {
            handle.cancel();
            pending::<Result<()>>().await
        };
        let result = cancellable(registration, operation).await;
        assert_eq!(result.err().map(|e| e.code()), Some("cancelled"));
    }

    #[tokio::test]
    async fn a_passed_limit_ends_with_timeout() {
        let timer = Timer { fires: true };
        let limited = within(
            &timer,
            Duration::from_millis(1500),
            "Login",
            pending::<Result<()>>(),
        );
        let err = limited.await.err();
        assert_eq!(err.as_ref().map(|e| e.code()), Some("timeout"));
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("Login did not finish within 1500 ms.")
        );
    }
}
