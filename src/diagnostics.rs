//! `--debug` and `--verbose` lines: what the command is doing (requests, answers and timings,
//! which files it reads and writes), never what it carries.
//!
//! Nothing is printed unless a host installs a sink ([`install`]); the `azlogin` command does
//! for `--debug`/`--verbose`, the bindings never do. Callers pass closures, so a message that
//! nobody will read is never formatted. Messages name endpoints without their query, file
//! paths, statuses, sizes and durations: no body, header value, token, code or password may
//! reach one.

use std::sync::OnceLock;

/// How detailed a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Level {
    /// Every step (`--debug`).
    Debug,
    /// Summaries (`--verbose`).
    Info,
}

/// Receives lines: the level, the component (`azlogin.http`) and the message.
pub type Sink = Box<dyn Fn(Level, &str, &str) + Send + Sync>;

static SINK: OnceLock<(Level, Sink)> = OnceLock::new();

/// Sends lines of `min_level` and above to `sink` for the rest of the process. Only the first
/// call takes effect.
pub fn install(min_level: Level, sink: Sink) {
    let _ = SINK.set((min_level, sink));
}

/// Whether lines of `level` go anywhere.
pub fn enabled(level: Level) -> bool {
    SINK.get().is_some_and(|(min, _)| level >= *min)
}

/// A `--debug` line from `component`.
pub fn debug(component: &str, message: impl FnOnce() -> String) {
    emit(Level::Debug, component, message);
}

/// A `--verbose` line from `component`.
pub fn info(component: &str, message: impl FnOnce() -> String) {
    emit(Level::Info, component, message);
}

fn emit(level: Level, component: &str, message: impl FnOnce() -> String) {
    if let Some((min, sink)) = SINK.get()
        && level >= *min
    {
        sink(level, component, &message());
    }
}

/// A URL as it may appear in a line: without its query and fragment, except `api-version`,
/// which says which ARM API was called and carries nothing private.
pub fn loggable_url(url: &str) -> String {
    let endpoint = crate::http::endpoint_of(url);
    let api_version = url
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or_default())
        .and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "api-version")
                .map(|(_, v)| v.into_owned())
        })
        .filter(|v| {
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        });
    match api_version {
        Some(v) => format!("{endpoint}?api-version={v}"),
        None => endpoint.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_everything_but_the_api_version() {
        assert_eq!(
            loggable_url("https://h/t/oauth2/v2.0/authorize?code=abc&state=x#frag"),
            "https://h/t/oauth2/v2.0/authorize"
        );
        assert_eq!(
            loggable_url("https://m/subscriptions?api-version=2022-12-01&%24skiptoken=secret"),
            "https://m/subscriptions?api-version=2022-12-01"
        );
        assert_eq!(
            loggable_url("https://m/tenants?api-version=%3Cscript%3E"),
            "https://m/tenants"
        );
    }
}
