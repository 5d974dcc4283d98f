//! Requests and answers of the emulator as plain values, so the responder never touches a socket.

use std::fmt;

use serde_json::Value;

use super::errors::Failure;

/// One HTTP request as the responder sees it. `Debug` hides the body and query: they carry
/// passwords, codes and tokens.
#[derive(Clone, Default)]
pub struct EmuRequest {
    /// `GET`, `POST`, `OPTIONS`…
    pub method: String,
    /// The path, starting with `/`, without the query.
    pub path: String,
    /// The raw query string without `?` (percent-encoded), empty when there is none.
    pub query: String,
    /// The headers as received.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl EmuRequest {
    /// A request for `target` (`/path?query`).
    pub fn new(method: &str, target: &str) -> Self {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, q),
            None => (target, ""),
        };
        Self {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            query: query.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A GET of `target`.
    pub fn get(target: &str) -> Self {
        Self::new("GET", target)
    }

    /// A form POST of the pairs to `target`.
    pub fn post_form<'a>(
        target: &str,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let mut r = Self::new("POST", target);
        r.body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
            .into_bytes();
        r.header("content-type", "application/x-www-form-urlencoded")
    }

    /// A JSON POST of `value` to `target`.
    pub fn post_json(target: &str, value: &Value) -> Self {
        let mut r = Self::new("POST", target);
        r.body = value.to_string().into_bytes();
        r.header("content-type", "application/json")
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The first header named `name` (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The decoded query parameters.
    pub(crate) fn query_params(&self) -> Params {
        Params::parse(self.query.as_bytes())
    }

    /// The decoded form body.
    pub(crate) fn form_params(&self) -> Params {
        Params::parse(&self.body)
    }
}

impl fmt::Debug for EmuRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmuRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// One HTTP answer.
#[derive(Clone, Default)]
pub struct EmuResponse {
    /// The status code.
    pub status: u16,
    /// The headers to send.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// A file the driver writes before sending the answer: the Azure Arc agent's key file. The
    /// responder stays free of I/O; the server (and the in-memory client) do the write.
    pub(crate) write_file: Option<FileWrite>,
}

/// A file to write, and its contents (a secret: never in `Debug`).
#[derive(Clone)]
pub(crate) struct FileWrite {
    pub(crate) path: std::path::PathBuf,
    pub(crate) contents: String,
}

impl FileWrite {
    /// Writes the file (owner-only where the platform says so, as the agent's key files are).
    pub(crate) fn write(&self) -> std::io::Result<()> {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(&self.path)?
            .write_all(self.contents.as_bytes())
    }
}

impl EmuResponse {
    /// Writes the file this answer asks its driver to write before sending it (the Azure Arc
    /// agent's key file), if any. On failure: the file and why.
    pub fn write_requested_file(&mut self) -> Result<(), (std::path::PathBuf, std::io::Error)> {
        match self.write_file.take() {
            Some(file) => file.write().map_err(|e| (file.path, e)),
            None => Ok(()),
        }
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The body as text, lossily.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON, `Value::Null` when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub(crate) fn json_status(status: u16, value: &Value) -> Self {
        Self {
            status,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/json; charset=utf-8".into(),
                ),
                ("Cache-Control".into(), "no-store, no-cache".into()),
            ],
            body: value.to_string().into_bytes(),
            write_file: None,
        }
    }

    pub(crate) fn html(status: u16, page: String) -> Self {
        Self {
            status,
            headers: vec![
                ("Content-Type".into(), "text/html; charset=utf-8".into()),
                ("Cache-Control".into(), "no-store, no-cache".into()),
            ],
            body: page.into_bytes(),
            write_file: None,
        }
    }

    pub(crate) fn redirect(location: &str) -> Self {
        Self {
            status: 302,
            headers: vec![
                ("Location".into(), location.to_string()),
                ("Cache-Control".into(), "no-store, no-cache".into()),
            ],
            body: Vec::new(),
            write_file: None,
        }
    }

    pub(crate) fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            write_file: None,
        }
    }
}

impl fmt::Debug for EmuResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmuResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Decoded `application/x-www-form-urlencoded` pairs, in order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn parse(bytes: &[u8]) -> Self {
        Self(
            url::form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first non-empty value of `name`.
    pub(crate) fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// The first non-empty value of `name`, else Entra's error for a missing parameter.
    pub(crate) fn required(&self, name: &str) -> Result<&str, Failure> {
        self.non_empty(name)
            .ok_or_else(|| Failure::missing_parameter(name))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The first header named `name` (case-insensitive) among `headers`.
fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Escapes text for HTML element content and attribute values (Python's `html.escape` with
/// `quote=True`, as the pages Entra ID and az's loopback listener serve).
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

/// The keys of a JSON object, in order (empty for anything else): tests compare them with
/// the reference answers' key order.
#[cfg(test)]
pub(crate) fn object_keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_split_target_and_hide_bodies() {
        let r = EmuRequest::post_form("/t/oauth2/v2.0/token?x=1", [("password", "hunter2")]);
        assert_eq!(r.path, "/t/oauth2/v2.0/token");
        assert_eq!(r.query, "x=1");
        assert_eq!(r.form_params().get("password"), Some("hunter2"));
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("x=1"),
            "{shown}"
        );
    }

    #[test]
    fn html_escape_covers_attribute_breakers() {
        assert_eq!(
            html_escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
        );
    }
}
