//! The loopback listener's HTTP, sans I/O: when a request has fully arrived, what it is, and the
//! bytes of the answer. Every answer closes the connection and says how long it is, so a
//! browser never waits on a half-open socket.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// The largest request the listener reads. A form_post answer is a few kilobytes.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// Whether the listener talks to a connection from `peer`. Browsers on this machine connect
/// from 127.0.0.1; any other source (another loopback address a local process bound to on
/// purpose) is closed unread.
pub fn accepts_peer(peer: IpAddr) -> bool {
    peer == IpAddr::V4(Ipv4Addr::LOCALHOST)
}

/// One HTTP request read from the loopback socket. `Debug` hides the target and the body: they
/// may carry an authorization code.
pub struct LoopbackRequest {
    /// `GET`, `POST`… as sent.
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body (exactly `Content-Length` bytes).
    pub body: Vec<u8>,
}

impl fmt::Debug for LoopbackRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopbackRequest")
            .field("method", &self.method)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl LoopbackRequest {
    /// The query string without `?`, when the target has one.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// Whether the body is an HTML form (`application/x-www-form-urlencoded`).
    pub fn is_form(&self) -> bool {
        self.content_type.as_deref().is_some_and(|c| {
            c.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        })
    }

    /// The form fields, percent- and `+`-decoded; the first of a repeated name wins.
    pub fn form_field(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(&self.body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// How far the bytes read so far get.
#[derive(Debug)]
pub enum Parsed {
    /// More bytes are needed.
    Incomplete,
    /// A whole request.
    Complete(LoopbackRequest),
    /// Not HTTP/1.x this listener takes (malformed, chunked, or larger than the cap).
    Invalid,
}

/// Reads a request from `buf` (everything received on the connection so far).
pub fn parse_request(buf: &[u8]) -> Parsed {
    if buf.len() > MAX_REQUEST_BYTES {
        return Parsed::Invalid;
    }
    let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Parsed::Incomplete;
    };
    let Ok(head) = std::str::from_utf8(&buf[..head_end]) else {
        return Parsed::Invalid;
    };
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Parsed::Invalid;
    };
    if method.is_empty() || !target.starts_with('/') || !version.starts_with("HTTP/1.") {
        return Parsed::Invalid;
    }
    let mut content_type = None;
    let mut content_length = 0usize;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Parsed::Invalid;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            match value.parse::<usize>() {
                Ok(n) if n <= MAX_REQUEST_BYTES => content_length = n,
                _ => return Parsed::Invalid,
            }
        } else if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Browsers send forms with a length; anything else is not a browser.
            return Parsed::Invalid;
        }
    }
    let body_start = head_end + 4;
    if buf.len() < body_start + content_length {
        return Parsed::Incomplete;
    }
    Parsed::Complete(LoopbackRequest {
        method: method.to_string(),
        target: target.to_string(),
        content_type,
        body: buf[body_start..body_start + content_length].to_vec(),
    })
}

/// An answer the listener sends before closing the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopbackResponse {
    /// 200 or 400.
    pub status: u16,
    /// HTML when it starts with `<` (az's rule), plain text otherwise.
    pub body: String,
}

impl LoopbackResponse {
    /// A 400 answer with a plain-text reason.
    pub fn bad_request(text: &str) -> Self {
        Self {
            status: 400,
            body: text.to_string(),
        }
    }

    /// The answer's bytes: HTTP/1.1, `Content-Length`, `Connection: close`, never cached.
    pub fn to_bytes(&self) -> Vec<u8> {
        let reason = match self.status {
            200 => "OK",
            _ => "Bad Request",
        };
        let content_type = if self.body.starts_with('<') {
            "text/html; charset=utf-8"
        } else {
            "text/plain; charset=utf-8"
        };
        let mut out = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
             Referrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
            self.status,
            self.body.len()
        )
        .into_bytes();
        out.extend_from_slice(self.body.as_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(raw: &[u8]) -> LoopbackRequest {
        match parse_request(raw) {
            Parsed::Complete(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn waits_for_the_head_and_the_whole_body() {
        assert!(matches!(
            parse_request(b"POST / HTTP/1.1\r\nHost: x"),
            Parsed::Incomplete
        ));
        let raw = b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\ncode=abc";
        assert!(matches!(parse_request(raw), Parsed::Incomplete));
        let raw = b"POST / HTTP/1.1\r\ncontent-type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: 10\r\n\r\ncode=abcde";
        let r = complete(raw);
        assert_eq!(r.method, "POST");
        assert_eq!(r.target, "/");
        assert!(r.is_form());
        assert_eq!(r.form_field("code").as_deref(), Some("abcde"));
    }

    #[test]
    fn decodes_percent_and_plus_and_keeps_the_first_of_a_repeat() {
        let body =
            "state=a%2Bb%3D&error_description=AADSTS65004%3A+User+declined+%26+left&state=second";
        let raw = format!(
            "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let r = complete(raw.as_bytes());
        assert_eq!(r.form_field("state").as_deref(), Some("a+b="));
        assert_eq!(
            r.form_field("error_description").as_deref(),
            Some("AADSTS65004: User declined & left")
        );
        assert_eq!(r.form_field("code"), None);
    }

    #[test]
    fn refuses_what_a_browser_would_not_send() {
        for raw in [
            &b"GARBAGE\r\n\r\n"[..],
            b"GET http://evil/ HTTP/1.1\r\n\r\n",
            b"GET / SPDY/3\r\n\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
            b"POST / HTTP/1.1\r\nno colon here\r\n\r\n",
        ] {
            assert!(matches!(parse_request(raw), Parsed::Invalid), "{raw:?}");
        }
        let huge = vec![b'a'; MAX_REQUEST_BYTES + 1];
        assert!(matches!(parse_request(&huge), Parsed::Invalid));
    }

    #[test]
    fn answers_close_and_carry_their_length() {
        let bytes = LoopbackResponse::bad_request("nope").to_bytes();
        let text = String::from_utf8(bytes).expect("utf8");
        assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{text}");
        assert!(text.contains("Content-Type: text/plain; charset=utf-8\r\n"));
        assert!(text.contains("Content-Length: 4\r\n"));
        assert!(text.contains("Connection: close\r\n"));
        assert!(text.ends_with("\r\n\r\nnope"));
        let html = LoopbackResponse {
            status: 200,
            body: "<p>ok</p>".into(),
        };
        assert!(
            String::from_utf8(html.to_bytes())
                .expect("utf8")
                .contains("Content-Type: text/html; charset=utf-8\r\n")
        );
    }

    #[test]
    fn only_127_0_0_1_is_a_peer() {
        assert!(accepts_peer("127.0.0.1".parse().expect("ip")));
        for other in [
            "127.0.0.2",
            "127.1.2.3",
            "::1",
            "::ffff:127.0.0.1",
            "10.0.0.1",
        ] {
            assert!(!accepts_peer(other.parse().expect("ip")), "{other}");
        }
    }

    #[test]
    fn debug_hides_target_and_body() {
        let r = complete(b"GET /?code=secret HTTP/1.1\r\n\r\n");
        assert!(!format!("{r:?}").contains("secret"));
        assert_eq!(r.query(), Some("code=secret"));
    }
}
