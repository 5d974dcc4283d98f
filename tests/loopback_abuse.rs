//! The browser login's loopback listener under abuse: junk, floods, slow clients, oversized
//! heads, a peer from another loopback address, a second redirect after success. Each time the
//! real redirect still completes the login (or the listener is already gone), and the listener
//! only ever binds 127.0.0.1.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::browser::{Login, assert_refused, post_form, raw, redirect_port, sign_in};
use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A login waiting on its listener, with the form_post fields that complete it.
async fn waiting_login(env: &TestEnv) -> (Login, u16, Vec<(String, String)>) {
    let login = Login::start(env, &[]);
    let url = login.browser_url().await;
    let port = redirect_port(&url);
    let (_, fields) = sign_in(env, &url, "signin").await;
    (login, port, fields)
}

/// Sends the real answer and checks the login completes.
async fn complete(login: Login, port: u16, fields: &[(String, String)]) -> Run {
    let answer = post_form(port, fields).await;
    assert!(
        answer.contains("You have logged into Microsoft Azure!"),
        "{answer}"
    );
    let run = login.finish().await.ok();
    assert_eq!(run.json().as_array().map(Vec::len), Some(2), "{run:?}");
    run
}

/// The form_post body as raw request bytes.
fn form_request(port: u16, fields: &[(String, String)]) -> Vec<u8> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    format!(
        "POST / HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Binary junk, a TLS hello, an HTTP/2 preface, a request cut short: each gets a 400 or a
/// close, and the login goes on.
#[tokio::test(flavor = "multi_thread")]
async fn junk_connections_do_not_end_the_login() {
    let env = TestEnv::start().await;
    let (login, port, fields) = waiting_login(&env).await;
    let junk: [&[u8]; 5] = [
        &[0u8, 159, 146, 150, 255, 254, 13, 10, 13, 10],
        // The start of a TLS ClientHello.
        &[22, 3, 1, 2, 0, 1, 0, 1, 252, 3, 3, 13, 10, 13, 10],
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\nstate=",
        b"GET /\r\n\r\n",
    ];
    for bytes in junk {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.expect("up");
        stream.write_all(bytes).await.expect("write");
        // Cut short: the half-sent request's client goes away.
        drop(stream);
    }
    for bytes in [junk[0], junk[1], junk[2], junk[4]] {
        let answer = raw(port, bytes).await;
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 400 "),
            "{answer}"
        );
    }
    complete(login, port, &fields).await;
    assert_refused(port).await;
}

/// A flood of idle and slowly trickling connections (slowloris) does not keep the browser's
/// redirect out: the oldest are closed to make room, and the login completes at once.
#[tokio::test(flavor = "multi_thread")]
async fn slow_and_idle_clients_do_not_block_the_redirect() {
    let env = TestEnv::start().await;
    let (login, port, fields) = waiting_login(&env).await;
    let mut held = Vec::new();
    for i in 0..60 {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.expect("up");
        if i % 2 == 0 {
            stream
                .write_all(b"POST / HTTP/1.1\r\nX-Slow: ")
                .await
                .expect("write");
        }
        held.push(stream);
    }
    let trickle = tokio::spawn(async move {
        for _ in 0..50 {
            for s in held.iter_mut() {
                let _ = s.write_all(b"a").await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        held
    });
    let started = Instant::now();
    complete(login, port, &fields).await;
    assert!(
        // Well under the 10 s a slow reader is allowed: nobody waited one out.
        started.elapsed() < Duration::from_secs(8),
        "the redirect waited {:?}",
        started.elapsed()
    );
    trickle.abort();
    assert_refused(port).await;
}

/// A head larger than the listener reads gets a 400 (or a reset while it is still being sent),
/// and the login goes on.
#[tokio::test(flavor = "multi_thread")]
async fn huge_headers_are_refused() {
    let env = TestEnv::start().await;
    let (login, port, fields) = waiting_login(&env).await;
    let mut huge = b"POST / HTTP/1.1\r\nX-Big: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 200 * 1024));
    huge.extend_from_slice(b"\r\n\r\n");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.expect("up");
    let _ = stream.write_all(&huge).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 400 "),
        "{answer}"
    );
    // Many headers, each small, add up the same way.
    let mut many = b"POST / HTTP/1.1\r\n".to_vec();
    for i in 0..5000 {
        many.extend_from_slice(format!("X-H{i}: value\r\n").as_bytes());
    }
    many.extend_from_slice(b"\r\n");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.expect("up");
    let _ = stream.write_all(&many).await;
    drop(stream);
    complete(login, port, &fields).await;
}

/// A connection from another loopback address (a process that bound 127.0.0.2 on purpose)
/// is closed unread, even with the right state and code; the browser's, from 127.0.0.1, wins.
#[tokio::test(flavor = "multi_thread")]
async fn peers_other_than_127_0_0_1_are_ignored() {
    let env = TestEnv::start().await;
    let (login, port, fields) = waiting_login(&env).await;
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.2:0".parse::<SocketAddr>().expect("addr"))
        .expect("bind 127.0.0.2");
    let mut stream = socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .expect("connect from 127.0.0.2");
    assert_eq!(
        stream.local_addr().expect("addr").ip().to_string(),
        "127.0.0.2"
    );
    let _ = stream.write_all(&form_request(port, &fields)).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the connection was not closed");
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    assert_eq!(env.grants("authorization_code"), 0, "nothing was redeemed");
    complete(login, port, &fields).await;
    assert_eq!(env.grants("authorization_code"), 1);
}

/// After the code arrived the listener is gone: a second redirect, replayed or with another
/// code, finds nothing to talk to.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_redirect_after_success_finds_no_listener() {
    let env = TestEnv::start().await;
    let (login, port, fields) = waiting_login(&env).await;
    complete(login, port, &fields).await;
    for _ in 0..2 {
        let replay = TcpStream::connect(("127.0.0.1", port)).await;
        assert!(replay.is_err(), "the listener on {port} still accepts");
    }
    assert_eq!(env.grants("authorization_code"), 1);
}

/// The listener binds 127.0.0.1 alone: the kernel's socket table shows that address for its
/// port, nothing on IPv6, and other loopback addresses are refused.
#[tokio::test(flavor = "multi_thread")]
async fn only_127_0_0_1_is_bound() {
    let env = TestEnv::start().await;
    let (login, port, fields) = waiting_login(&env).await;
    let listening = |table: &str| -> Vec<String> {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        text.lines()
            .skip(1)
            .filter_map(|line| {
                let cols: Vec<&str> = line.split_whitespace().collect();
                let (addr, state) = (cols.get(1)?, cols.get(3)?);
                let (ip, hex_port) = addr.rsplit_once(':')?;
                (*state == "0A" && u16::from_str_radix(hex_port, 16).ok()? == port)
                    .then(|| ip.to_string())
            })
            .collect()
    };
    // /proc/net/tcp prints the address as little-endian hex: 0100007F is 127.0.0.1.
    assert_eq!(listening("/proc/net/tcp"), ["0100007F"]);
    assert!(listening("/proc/net/tcp6").is_empty());
    assert!(TcpStream::connect(("127.0.0.2", port)).await.is_err());
    assert!(TcpStream::connect(("::1", port)).await.is_err());
    complete(login, port, &fields).await;
    assert!(
        listening("/proc/net/tcp").is_empty(),
        "closed after the login"
    );
}
