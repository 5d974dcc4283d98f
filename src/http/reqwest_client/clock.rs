//! The retry loop's clock: when an exchange started, and the system time for `Retry-After`.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

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
}
