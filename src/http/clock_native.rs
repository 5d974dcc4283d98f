//! The retry loop's clock and timer natively: the system clock and tokio.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// When one exchange started.
pub(super) struct Clock {
    started: Instant,
}

impl Clock {
    pub(super) fn start() -> Self {
        Self {
            started: Instant::now(),
        }
    }

    /// ` in N ms`, for the `--debug` line.
    pub(super) fn elapsed_text(&self) -> String {
        format!(" in {} ms", self.started.elapsed().as_millis())
    }

    pub(super) fn unix_secs() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }

    /// Sleeps for `delay`; true, since there is a timer.
    pub(super) async fn sleep(delay: Duration) -> bool {
        tokio::time::sleep(delay).await;
        true
    }
}
