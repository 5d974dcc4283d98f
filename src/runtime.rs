//! The clock and the timer, handed to drivers so the protocol never reads time itself and the
//! same drivers run on tokio natively and on the host's timers in wasm.

use std::time::Duration;

/// Time for drivers.
#[allow(async_fn_in_trait)]
pub trait Runtime {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    /// Waits for `duration`.
    async fn sleep(&self, duration: Duration);

    /// Seconds since the Unix epoch.
    fn now_secs(&self) -> u64 {
        self.now_ms() / 1000
    }
}

impl<T: Runtime + ?Sized> Runtime for &T {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
    async fn sleep(&self, duration: Duration) {
        (**self).sleep(duration).await
    }
}

/// The tokio runtime and the system clock.
#[cfg(feature = "native")]
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioRuntime;

#[cfg(feature = "native")]
impl Runtime for TokioRuntime {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await
    }
}
