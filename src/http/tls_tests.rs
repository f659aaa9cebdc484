//! The shared TLS configuration against a real TLS server on loopback (certificates in
//! `fixtures/`): the CA file's roots are trusted, the platform roots alone refuse the test CA,
//! `insecure_skip_tls_verify` accepts it, and load agents made from one agent share its roots.

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use url::Url;

use super::*;

const SERVER_CERT: &[u8] = include_bytes!("fixtures/test-server.pem");
const SERVER_KEY: &[u8] = include_bytes!("fixtures/test-server.key");
const CA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/fixtures/test-ca.pem");
const SELF_SIGNED_CERT: &[u8] = include_bytes!("fixtures/self-signed.pem");
const SELF_SIGNED_KEY: &[u8] = include_bytes!("fixtures/self-signed.key");
const SELF_SIGNED_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/fixtures/self-signed.pem");

/// An HTTPS server on 127.0.0.1 answering every request `200 ok` (it lives as long as the
/// test's runtime).
async fn https_server() -> SocketAddr {
    https_server_with(SERVER_CERT, SERVER_KEY).await
}

/// An HTTPS server presenting `cert` (PEM) with `key`.
async fn https_server_with(cert: &[u8], key: &[u8]) -> SocketAddr {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(cert).collect::<Result<_, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_slice(key).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
                let _ = tls.write_all(answer).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    addr
}

fn url(addr: SocketAddr) -> Url {
    Url::parse(&format!("https://127.0.0.1:{}/", addr.port())).unwrap()
}

#[tokio::test]
async fn the_ca_file_is_trusted_and_shared_by_load_agents() {
    let addr = https_server().await;
    let cfg = AgentConfig { ca_file: Some(CA_FILE.into()), ..AgentConfig::default() };
    let agent = Browser::new(&cfg, Redactor::default()).unwrap();
    let resp = agent.send(HttpRequest::get(url(addr))).await.unwrap();
    assert_eq!((resp.status, resp.body.as_slice()), (200, b"ok".as_slice()));
    // Clients made from this agent reuse its TLS configuration, roots included.
    for fresh in [agent.for_load().unwrap(), agent.with_fresh_cookies().unwrap()] {
        assert_eq!(fresh.send(HttpRequest::get(url(addr))).await.unwrap().status, 200);
    }
}

#[tokio::test]
async fn without_the_ca_file_the_test_ca_is_refused_and_insecure_mode_accepts_it() {
    let addr = https_server().await;
    let strict = Browser::new(&AgentConfig::default(), Redactor::default()).unwrap();
    let err = strict.send(HttpRequest::get(url(addr))).await.unwrap_err();
    assert!(matches!(err, AgentError::Transport { .. }), "{err}");
    let insecure = AgentConfig { insecure_skip_tls_verify: true, ..AgentConfig::default() };
    let agent = Browser::new(&insecure, Redactor::default()).unwrap();
    assert_eq!(agent.for_load().unwrap().send(HttpRequest::get(url(addr))).await.unwrap().status, 200);
}

#[test]
fn a_ca_file_without_certificates_is_refused() {
    let path = std::env::temp_dir().join(format!("oidc-harness-empty-ca-{}", std::process::id()));
    std::fs::write(&path, "").unwrap();
    let err = Browser::new(&AgentConfig { ca_file: Some(path.clone()), ..AgentConfig::default() }, Redactor::default())
        .unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(&err, AgentError::CaFileInvalid { found, .. } if found == "no certificate"), "{err}");
}

#[tokio::test]
async fn a_self_signed_server_certificate_given_as_ca_file_is_accepted_as_itself() {
    // `openssl req -x509` output: CA:TRUE, no subjectAltName (WebPKI alone refuses it).
    let addr = https_server_with(SELF_SIGNED_CERT, SELF_SIGNED_KEY).await;
    let pinned = AgentConfig { ca_file: Some(SELF_SIGNED_FILE.into()), ..AgentConfig::default() };
    let agent = Browser::new(&pinned, Redactor::default()).unwrap();
    assert_eq!(agent.send(HttpRequest::get(url(addr))).await.unwrap().status, 200);
    // Another CA file does not make that server trusted; the refusal says the fix in words.
    let other = AgentConfig { ca_file: Some(CA_FILE.into()), ..AgentConfig::default() };
    let err = Browser::new(&other, Redactor::default()).unwrap().send(HttpRequest::get(url(addr))).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("--ca-file") && text.contains("certificate"), "{text}");
    // A CA file's certificate is pinned as itself only: the test CA's server is not accepted
    // with the self-signed file.
    let ca_signed = https_server().await;
    let err = agent.send(HttpRequest::get(url(ca_signed))).await.unwrap_err();
    assert!(matches!(err, AgentError::Transport { .. }), "{err}");
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_in_words() {
    let addr = https_server().await;
    let strict = Browser::new(&AgentConfig::default(), Redactor::default()).unwrap();
    let text = strict.send(HttpRequest::get(url(addr))).await.unwrap_err().to_string();
    assert!(text.contains("not signed by an authority this machine trusts"), "{text}");
    assert!(text.contains("--insecure-skip-tls-verify"), "{text}");
}
