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

/// A clock the caller moves: time stands still until [`ManualClock::advance`] or a
/// [`Runtime::sleep`], which moves it by the time slept and returns at once. Whole flows run
/// in memory on it (with the emulator's `MemoryClient` sharing the same time) with no waiting.
#[derive(Clone, Debug, Default)]
pub struct ManualClock {
    now_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl ManualClock {
    /// A clock at `now_ms` (milliseconds since the Unix epoch).
    pub fn at(now_ms: u64) -> Self {
        Self {
            now_ms: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(now_ms)),
        }
    }

    /// Moves the clock forward by `duration`.
    pub fn advance(&self, duration: Duration) {
        let ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        self.now_ms
            .fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }

    /// The shared time, for another part that reads the same clock (the emulator's in-memory
    /// client).
    pub fn shared(&self) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
        std::sync::Arc::clone(&self.now_ms)
    }
}

impl Runtime for ManualClock {
    fn now_ms(&self) -> u64 {
        self.now_ms.load(std::sync::atomic::Ordering::SeqCst)
    }
    async fn sleep(&self, duration: Duration) {
        self.advance(duration);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_clock_moves_only_when_told_or_slept() {
        let clock = ManualClock::at(1_000);
        let shared = clock.shared();
        assert_eq!(clock.now_ms(), 1_000);
        clock.advance(Duration::from_millis(500));
        clock.sleep(Duration::from_secs(2)).await;
        assert_eq!(clock.now_ms(), 3_500);
        assert_eq!(clock.now_secs(), 3);
        assert_eq!(shared.load(std::sync::atomic::Ordering::SeqCst), 3_500);
    }
}
