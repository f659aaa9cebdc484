//! Slow and idle clients (issue 24 §1): a slow-loris connection is closed after the configured
//! header timeout, an idle one after the idle timeout, while normal requests are served.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::support::{start_with, test_config};
use reference_provider::Storage;

/// Reads until the server closes the connection; `None` if it is still open after `guard`
/// (a hang guard far above the configured timeouts, not a speed assertion).
async fn closed_by_server(conn: &mut TcpStream, guard: Duration) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(guard, async {
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()
    .map(|()| got)
}

#[tokio::test]
async fn slow_loris_and_idle_connections_are_closed_while_requests_are_served() {
    let mut config = test_config();
    config.connections.header_read_timeout_secs = 1;
    config.connections.idle_timeout_secs = 1;
    let op = start_with(config, &[], Storage::Memory).await;

    // Half the headers, then nothing.
    let mut loris = TcpStream::connect(op.addr).await.unwrap();
    loris.write_all(b"GET /jwks HTTP/1.1\r\nHost: op\r\nX-Slow: ").await.unwrap();
    // A connection that never sends a byte.
    let mut idle = TcpStream::connect(op.addr).await.unwrap();

    // Meanwhile a normal request is served.
    let res = reqwest::get(format!("{}/.well-known/openid-configuration", op.issuer())).await.unwrap();
    assert_eq!(res.status(), 200);

    let guard = Duration::from_secs(30);
    let got = closed_by_server(&mut loris, guard).await.expect("the slow-loris connection is closed");
    assert!(!String::from_utf8_lossy(&got).contains("200 OK"), "no answer to half a request");
    closed_by_server(&mut idle, guard).await.expect("the idle connection is closed");
}

/// Sends a GET for /jwks and reads its whole answer (by Content-Length); returns the status line.
async fn get_jwks(conn: &mut TcpStream) -> String {
    conn.write_all(b"GET /jwks HTTP/1.1\r\nHost: op\r\n\r\n").await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = conn.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed before the answer: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()))
                .unwrap();
            if body.len() >= len {
                return head.lines().next().unwrap().to_owned();
            }
        }
    }
}

#[tokio::test]
async fn a_complete_request_on_a_guarded_connection_is_answered_and_kept_alive() {
    let mut config = test_config();
    config.connections.header_read_timeout_secs = 1;
    let op = start_with(config, &[], Storage::Memory).await;
    let mut conn = TcpStream::connect(op.addr).await.unwrap();
    for _ in 0..3 {
        assert_eq!(get_jwks(&mut conn).await, "HTTP/1.1 200 OK");
    }
}

#[tokio::test]
async fn connections_over_the_cap_wait_until_one_closes() {
    let mut config = test_config();
    config.connections.max_connections = 1;
    let op = start_with(config, &[], Storage::Memory).await;
    let mut first = TcpStream::connect(op.addr).await.unwrap();
    assert_eq!(get_jwks(&mut first).await, "HTTP/1.1 200 OK");
    // The first connection stays open (kept alive): the second is not served meanwhile.
    let mut second = TcpStream::connect(op.addr).await.unwrap();
    second.write_all(b"GET /jwks HTTP/1.1\r\nHost: op\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 16];
    let early = tokio::time::timeout(Duration::from_millis(500), second.read(&mut buf)).await;
    assert!(early.is_err(), "a connection over the cap was served: {early:?}");
    drop(first);
    let mut got = Vec::new();
    while !String::from_utf8_lossy(&got).contains("\r\n") {
        let n = second.read(&mut buf).await.unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&got));
}

#[tokio::test]
async fn a_stalled_token_request_body_is_refused_with_oauth_json() {
    let mut config = test_config();
    config.connections.body_timeout_secs = 1;
    let op = start_with(config, &[], Storage::Memory).await;
    let mut conn = TcpStream::connect(op.addr).await.unwrap();
    let head = "POST /token HTTP/1.1\r\nHost: op\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n";
    conn.write_all(format!("{head}grant_type=").as_bytes()).await.unwrap();
    let got = closed_by_server(&mut conn, Duration::from_secs(30)).await.expect("the stalled request ends");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.to_ascii_lowercase().contains("content-type: application/json"), "{text}");
    assert!(text.contains("\"invalid_request\""), "{text}");
}
