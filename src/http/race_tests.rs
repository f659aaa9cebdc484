//! The synchronised sender: the bytes it writes, the answers it parses, and — against a TCP
//! server on loopback that looks at every connection before the release — that every copy
//! waits, whole but for its last byte, until all copies are written.

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use url::Url;

use super::agent::Core;
use super::client::AgentConfig;
use super::message::HttpRequest;
use super::race::{parse_response, send_released, wire};
use super::redact::Redactor;

fn token_request(url: &str) -> HttpRequest {
    HttpRequest::post_form(Url::parse(url).unwrap(), vec![("grant_type".into(), "authorization_code".into()), ("code".into(), "c 1".into())])
        .basic("client", "s3cret")
}

#[test]
fn a_request_is_written_as_reqwest_would_send_it() {
    let bytes = wire(&token_request("http://127.0.0.1:8080/token?x=1"), "ua/1");
    let text = String::from_utf8(bytes).unwrap();
    let expected = "POST /token?x=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nuser-agent: ua/1\r\naccept: */*\r\nconnection: close\r\n\
        authorization: Basic Y2xpZW50OnMzY3JldA==\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 38\r\n\r\n\
        grant_type=authorization_code&code=c+1";
    assert_eq!(text, expected);
}

#[test]
fn answers_are_parsed_by_length_chunks_or_close() {
    let url = Url::parse("http://op.test/token").unwrap();
    let r = parse_response(b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}extra", &url).unwrap();
    assert_eq!((r.status, r.header("content-type"), r.body.as_slice()), (400, Some("application/json"), b"{}".as_slice()));
    let r = parse_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\n\r\n", &url).unwrap();
    assert_eq!(r.body, b"abcdefg");
    let r = parse_response(b"HTTP/1.1 500 Internal Server Error\r\n\r\nboom", &url).unwrap();
    assert_eq!((r.status, r.body.as_slice()), (500, b"boom".as_slice()));
    assert!(parse_response(b"HTTP/1.1 200 OK\r\nContent-Le", &url).is_err());
    assert!(parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", &url).is_err());
    assert!(parse_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", &url).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_copy_waits_for_its_last_byte_until_all_are_written() {
    const N: usize = 6;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    let req = token_request(&url);
    let core = Core::new(&AgentConfig::default(), Redactor::default()).unwrap();
    let full = wire(&req, &core.cfg.user_agent);
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let mut conns = Vec::new();
        for _ in 0..N {
            let (mut tcp, _) = listener.accept().await.unwrap();
            let mut head = vec![0u8; full.len() - 1];
            tcp.read_exact(&mut head).await.unwrap();
            assert_eq!(head, full[..full.len() - 1]);
            conns.push(tcp);
        }
        // Every copy is here but for its last byte, and none has more: nothing was released.
        let mut probe = [0u8; 8];
        for tcp in &conns {
            assert!(matches!(tcp.try_read(&mut probe), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock));
        }
        release_tx.send(()).unwrap();
        for (i, mut tcp) in conns.into_iter().enumerate() {
            let mut last = [0u8; 1];
            tcp.read_exact(&mut last).await.unwrap();
            assert_eq!(last[0], *full.last().unwrap());
            let answer = format!("HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n{i}");
            tcp.write_all(answer.as_bytes()).await.unwrap();
            tcp.shutdown().await.unwrap();
        }
    });
    let answers = send_released(&core, &req, N, async { release_rx.await.unwrap() }).await;
    server.await.unwrap();
    let bodies: Vec<String> = answers.into_iter().map(|a| String::from_utf8(a.unwrap().body).unwrap()).collect();
    assert_eq!(bodies.len(), N);
    assert!(bodies.iter().all(|b| b.len() == 1));
    // Each copy is one transcript entry, its credentials redacted.
    let transcript = core.take_transcript();
    assert_eq!(transcript.len(), N);
    assert!(transcript.iter().all(|e| e.status == Some(200) && !format!("{e:?}").contains("s3cret")));
}

#[tokio::test]
async fn a_server_that_is_not_there_is_an_error_per_copy() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    drop(listener);
    let core = Core::new(&AgentConfig::default(), Redactor::default()).unwrap();
    let answers = send_released(&core, &token_request(&url), 3, async {}).await;
    assert_eq!(answers.len(), 3);
    assert!(answers.iter().all(Result::is_err));
}
