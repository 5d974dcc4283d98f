//! When to send a request again, as a pure function: the driver asks after every answer and
//! sleeps for what it is told. Only answers that say "not now" are retried (429 and the
//! transient 5xx statuses), a bounded number of times, after the server's `Retry-After` when it
//! gives one (capped, so a server cannot park a login for hours) or an exponential backoff.

use std::time::Duration;

/// How persistent the client is with a server that answers "not now".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Sends after the first one; 0 disables retries.
    pub max_retries: u32,
    /// The first backoff when the server names no delay; it doubles with each retry.
    pub base_delay: Duration,
    /// The longest wait before a retry, whether backed off or asked for by `Retry-After`.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
        }
    }
}

/// What the driver does with an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Hand the answer to the caller.
    Done,
    /// Sleep this long, then send the same request again.
    RetryAfter(Duration),
}

/// Whether a status means "try again later": too many requests, or a server or gateway that is
/// briefly down. Other errors (4xx, 501 and the like) would fail the same way again.
pub fn is_transient(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Decides after the `attempt`-th send (1 for the first) answered `status` with the
/// `Retry-After` header `retry_after`, at `now_unix_secs` (for the HTTP-date form).
pub fn decide(
    policy: &RetryPolicy,
    attempt: u32,
    status: u16,
    retry_after: Option<&str>,
    now_unix_secs: u64,
) -> RetryDecision {
    if !is_transient(status) || attempt > policy.max_retries {
        return RetryDecision::Done;
    }
    let asked = retry_after.and_then(|v| parse_retry_after(v, now_unix_secs));
    let delay = asked.unwrap_or_else(|| {
        let doublings = attempt.saturating_sub(1).min(16);
        policy.base_delay.saturating_mul(1 << doublings)
    });
    RetryDecision::RetryAfter(delay.min(policy.max_delay))
}

/// A `Retry-After` value: delay-seconds, or an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`)
/// turned into the time left from `now_unix_secs` (zero when it is past).
pub fn parse_retry_after(value: &str, now_unix_secs: u64) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_imf_fixdate(value)?;
    Some(Duration::from_secs(at.saturating_sub(now_unix_secs)))
}

/// Seconds since the Unix epoch of an IMF-fixdate, the one date form servers must send.
fn parse_imf_fixdate(value: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = value.split_ascii_whitespace();
    let (_weekday, day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() {
        return None;
    }
    let day: u64 = day.parse().ok()?;
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let year: u64 = year.parse().ok()?;
    let mut hms = time.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if !(1..=31).contains(&day) || year < 1970 || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).saturating_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(500),
        max_delay: Duration::from_secs(20),
    };

    #[test]
    fn only_transient_statuses_are_retried() {
        for status in [200, 302, 400, 401, 404, 501, 505] {
            assert_eq!(decide(&POLICY, 1, status, None, 0), RetryDecision::Done);
        }
        for status in [429, 500, 502, 503, 504] {
            assert!(matches!(
                decide(&POLICY, 1, status, None, 0),
                RetryDecision::RetryAfter(_)
            ));
        }
    }

    #[test]
    fn backoff_doubles_and_stops_after_the_last_retry() {
        let delays: Vec<RetryDecision> =
            (1..=4).map(|a| decide(&POLICY, a, 503, None, 0)).collect();
        assert_eq!(
            delays,
            [
                RetryDecision::RetryAfter(Duration::from_millis(500)),
                RetryDecision::RetryAfter(Duration::from_millis(1000)),
                RetryDecision::RetryAfter(Duration::from_millis(2000)),
                RetryDecision::Done,
            ]
        );
        let none = RetryPolicy {
            max_retries: 0,
            ..POLICY
        };
        assert_eq!(decide(&none, 1, 503, Some("1"), 0), RetryDecision::Done);
        let huge = decide(
            &RetryPolicy {
                max_retries: 100,
                ..POLICY
            },
            60,
            500,
            None,
            0,
        );
        assert_eq!(huge, RetryDecision::RetryAfter(POLICY.max_delay));
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        assert_eq!(
            decide(&POLICY, 1, 429, Some("7"), 0),
            RetryDecision::RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(
            decide(&POLICY, 1, 503, Some(" 0 "), 0),
            RetryDecision::RetryAfter(Duration::ZERO)
        );
        assert_eq!(
            decide(&POLICY, 1, 503, Some("86400"), 0),
            RetryDecision::RetryAfter(POLICY.max_delay)
        );
        // Unreadable values fall back to the backoff.
        assert_eq!(
            decide(&POLICY, 2, 503, Some("soon"), 0),
            RetryDecision::RetryAfter(Duration::from_secs(1))
        );
        assert_eq!(
            decide(&POLICY, 1, 503, Some("-5"), 0),
            RetryDecision::RetryAfter(Duration::from_millis(500))
        );
    }

    #[test]
    fn retry_after_dates_count_from_now() {
        // 1994-11-06T08:49:37Z is 784111777.
        assert_eq!(
            parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_770),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_200_000),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_imf_fixdate("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 PST"), None);
        assert_eq!(parse_imf_fixdate("Sun, 32 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(
            parse_imf_fixdate("Wed, 25 Nov 2026 06:12:00 GMT"),
            Some(1_795_587_120)
        );
    }
}
