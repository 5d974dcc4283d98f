//! The discovery progress line: on stderr, only when stderr is a terminal (scripts and az's
//! byte-for-byte stderr see nothing), rewritten in place and erased when discovery ends.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::discovery::DiscoveryProgress;

/// Erases the current terminal line.
const ERASE_LINE: &str = "\r\x1b[2K";

/// A progress line that is drawn only on a terminal.
#[derive(Debug)]
pub struct ProgressLine {
    enabled: bool,
    drawn: AtomicBool,
}

impl ProgressLine {
    /// A line drawn on stderr when `enabled` (stderr is a terminal and the user wants more than
    /// errors).
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            drawn: AtomicBool::new(false),
        }
    }

    /// Redraws the line.
    pub fn show(&self, progress: DiscoveryProgress) {
        if !self.enabled {
            return;
        }
        self.drawn.store(true, Ordering::Relaxed);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{ERASE_LINE}{}", text(progress));
        let _ = err.flush();
    }

    /// Erases the line, if it was drawn.
    pub fn clear(&self) {
        if self.drawn.swap(false, Ordering::Relaxed) {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{ERASE_LINE}");
            let _ = err.flush();
        }
    }
}

/// `Discovering subscriptions: 3/20 tenants, 150 subscriptions found`.
pub fn text(p: DiscoveryProgress) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "Discovering subscriptions: {}/{}, {} found",
        p.tenants_done,
        plural(p.tenants_total, "tenant", "tenants"),
        plural(p.subscriptions_found, "subscription", "subscriptions"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_tenants_and_subscriptions() {
        let p = |tenants_done, tenants_total, subscriptions_found| DiscoveryProgress {
            tenants_done,
            tenants_total,
            subscriptions_found,
        };
        assert_eq!(
            text(p(3, 20, 150)),
            "Discovering subscriptions: 3/20 tenants, 150 subscriptions found"
        );
        assert_eq!(
            text(p(0, 1, 1)),
            "Discovering subscriptions: 0/1 tenant, 1 subscription found"
        );
    }

    #[test]
    fn nothing_is_drawn_off_a_terminal() {
        let line = ProgressLine::new(false);
        line.show(DiscoveryProgress::default());
        assert!(!line.drawn.load(Ordering::Relaxed));
    }
}
