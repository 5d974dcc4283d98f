//! Without the `native` feature (wasm32) the retry loop has no clock and no timer: it reports
//! no timings and never retries.

use std::time::Duration;

/// Nothing to measure with.
pub(super) struct Clock;

impl Clock {
    pub(super) fn start() -> Self {
        Self
    }

    /// No timing to show.
    pub(super) fn elapsed_text(&self) -> String {
        String::new()
    }

    pub(super) fn unix_secs() -> u64 {
        0
    }

    /// There is no timer: false, so the caller hands the answer over instead of retrying.
    pub(super) async fn sleep(_delay: Duration) -> bool {
        false
    }
}
