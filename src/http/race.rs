//! Races found every time: N copies of one request that reach the server together.
//!
//! Fired as N parallel requests, copies overlap only when the scheduler lets them; a provider's
//! check-then-use window is then hit in some runs and missed in others. Here each copy gets a
//! connection of its own (TCP, TLS with the agent's configuration); every copy is written but
//! for its last byte, and only when all of them are written are the last bytes released, in one
//! tight loop (last-byte synchronisation, the HTTP/1.1 technique of race-condition testers).
//! The server can start none of the copies before all have arrived. Responses are read to the
//! end (`Connection: close`) and parsed here; each copy is one entry of the transcript.

use std::future::Future;
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::TcpStream;
use url::{Url, form_urlencoded};

use super::agent::Core;
use super::client::AgentError;
use super::message::{HttpRequest, HttpResponse};

/// A connection, plain or TLS.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A connection opened for a race, or why it could not be.
type Opened = Result<Box<dyn Io>, String>;

/// Bytes of each copy held back until every copy is written.
const HELD_BACK: usize = 1;

/// How long the written copies rest before the release: long enough for the server to accept
/// every connection and read every request head, so that on release it has only the last bytes
/// to take in (race-condition testers pause the same way before their final bytes).
const SETTLE: std::time::Duration = std::time::Duration::from_millis(50);

/// Most response header lines parsed.
const MAX_HEADERS: usize = 96;

/// Sends `n` copies of `req` with last-byte synchronisation; the answers in the order sent.
pub(super) async fn send_synchronised(core: &Core, req: &HttpRequest, n: usize) -> Vec<Result<HttpResponse, AgentError>> {
    send_released(core, req, n, std::future::ready(())).await
}

/// [`send_synchronised`], releasing the held-back bytes only once `release` is ready too (tests
/// use it to look at the server's side before the release).
pub(super) async fn send_released(core: &Core, req: &HttpRequest, n: usize, release: impl Future<Output = ()>) -> Vec<Result<HttpResponse, AgentError>> {
    let bytes = wire(req, &core.cfg.user_agent);
    let split = bytes.len().saturating_sub(HELD_BACK);
    let method = req.method.to_string();
    let fail = |message: String| AgentError::Transport { method: method.clone(), url: core.redactor.url(&req.url), message };
    let started = Instant::now();
    let exchanges: Vec<_> = (0..n).map(|_| core.open_exchange(None, req)).collect();
    // Connect and write every copy but its last byte, all at once; keep the copies in the order
    // their connections were established (the order the server accepted them), which is the
    // order of the release.
    let order = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let heads: Vec<_> = (0..n)
        .map(|_| {
            let (core, url, head, order) = (core.clone(), req.url.clone(), bytes[..split].to_vec(), order.clone());
            tokio::spawn(async move {
                let mut io = connect(&core, &url).await?;
                let rank = order.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                io.write_all(&head).await.map_err(|e| e.to_string())?;
                io.flush().await.map_err(|e| e.to_string())?;
                Ok::<_, String>((rank, io))
            })
        })
        .collect();
    let mut streams: Vec<(usize, Opened)> = Vec::with_capacity(n);
    for (i, h) in heads.into_iter().enumerate() {
        streams.push(match h.await.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok((rank, io)) => (rank, Ok(io)),
            Err(e) => (n + i, Err(e)),
        });
    }
    let mut release_order: Vec<usize> = (0..n).collect();
    release_order.sort_by_key(|&i| streams[i].0);
    let mut streams: Vec<Opened> = streams.into_iter().map(|(_, s)| s).collect();
    release.await;
    tokio::time::sleep(SETTLE).await;
    // The release: the last bytes of every copy, back to back.
    let tail = &bytes[split..];
    for &i in &release_order {
        if let Ok(io) = &mut streams[i] {
            let _ = io.write_all(tail).await;
            let _ = io.flush().await;
        }
    }
    let timeout = core.cfg.timeout;
    let limit = core.cfg.max_body_bytes.saturating_add(64 * 1024);
    let readers: Vec<_> = streams
        .into_iter()
        .map(|s| {
            let url = req.url.clone();
            tokio::spawn(async move {
                let mut io = s?;
                let raw = tokio::time::timeout(timeout, read_all(&mut io, limit)).await.map_err(|_| "timeout".to_owned())??;
                parse_response(&raw, &url)
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for (reader, exchange) in readers.into_iter().zip(exchanges) {
        let result = match reader.await.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok(resp) => Ok(resp),
            Err(e) if e == "timeout" => Err(AgentError::Timeout {
                method: method.clone(),
                url: core.redactor.url(&req.url),
                timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
            }),
            Err(e) => Err(fail(core.redactor.text(&e))),
        };
        core.close_exchange(exchange, started, &result);
        out.push(result);
    }
    out
}

/// Opens a connection to `url`'s host: TCP, then TLS for `https` with the agent's configuration.
async fn connect(core: &Core, url: &Url) -> Opened {
    let host = url.host_str().ok_or("the URL has no host")?;
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    let tcp = tokio::time::timeout(core.cfg.timeout, TcpStream::connect((host.trim_matches(['[', ']']), port)))
        .await
        .map_err(|_| format!("connecting to {host}:{port} timed out"))?
        .map_err(|e| format!("tcp connect error: {e}"))?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    if url.scheme() != "https" {
        return Ok(Box::new(tcp));
    }
    let name = ServerName::try_from(host.trim_matches(['[', ']']).to_owned()).map_err(|e| e.to_string())?;
    let tls = tokio_rustls::TlsConnector::from(core.tls.clone()).connect(name, tcp).await.map_err(|e| format!("TLS: {e}"))?;
    Ok(Box::new(tls))
}

/// Reads until the server closes the connection (a TLS peer that closes without `close_notify`
/// ends the body too), at most `limit` bytes.
async fn read_all(io: &mut Box<dyn Io>, limit: usize) -> Result<Vec<u8>, String> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match io.read(&mut buf).await {
            Ok(0) => return Ok(raw),
            Ok(k) => raw.extend_from_slice(&buf[..k]),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !raw.is_empty() => return Ok(raw),
            Err(e) => return Err(format!("reading the answer: {e}")),
        }
        if raw.len() > limit {
            return Err(format!("answer larger than {limit} bytes"));
        }
    }
}

/// `req` as HTTP/1.1 bytes, as reqwest would send it (form body urlencoded, Basic credentials
/// base64 of `id:secret`), with `Connection: close`.
pub(super) fn wire(req: &HttpRequest, user_agent: &str) -> Vec<u8> {
    let url = &req.url;
    let mut target = url.path().to_owned();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let body: Option<Vec<u8>> = match (&req.form, &req.body) {
        (Some(form), _) => Some(form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish().into_bytes()),
        (None, Some(b)) => Some(b.clone().into_bytes()),
        (None, None) => None,
    };
    let mut head = format!("{} {target} HTTP/1.1\r\nhost: {host}\r\nuser-agent: {user_agent}\r\naccept: */*\r\nconnection: close\r\n", req.method);
    for (n, v) in &req.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if let Some((id, secret)) = &req.basic_auth {
        head.push_str(&format!("authorization: Basic {}\r\n", STANDARD.encode(format!("{id}:{secret}"))));
    }
    if let Some(token) = &req.bearer {
        head.push_str(&format!("authorization: Bearer {token}\r\n"));
    }
    if req.form.is_some() {
        head.push_str("content-type: application/x-www-form-urlencoded\r\n");
    }
    if let Some(b) = &body {
        head.push_str(&format!("content-length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend(body.unwrap_or_default());
    bytes
}

/// Parses a complete HTTP/1.1 answer (status, headers with lower-case names, body after
/// `Content-Length` or chunked transfer coding, or to the end).
pub(super) fn parse_response(raw: &[u8], url: &Url) -> Result<HttpResponse, String> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Response::new(&mut headers);
    let head_len = match parsed.parse(raw) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err(format!("the answer ended inside its head ({} bytes)", raw.len())),
        Err(e) => return Err(format!("not an HTTP/1.1 answer: {e}")),
    };
    let status = parsed.code.ok_or("no status code")?;
    let headers: Vec<(String, String)> =
        parsed.headers.iter().map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned())).collect();
    let rest = &raw[head_len..];
    let find = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let body = if find("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        dechunk(rest)?
    } else if let Some(len) = find("content-length").and_then(|l| l.trim().parse::<usize>().ok()) {
        rest.get(..len).ok_or_else(|| format!("the body ended after {} of {len} bytes", rest.len()))?.to_vec()
    } else {
        rest.to_vec()
    };
    Ok(HttpResponse { status, url: url.clone(), headers, body })
}

/// Decodes a chunked body (RFC 9112 §7.1); trailers are dropped.
fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n").ok_or("a chunk size line without its end")?;
        let line = std::str::from_utf8(&rest[..line_end]).map_err(|_| "a chunk size that is not text")?;
        let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16).map_err(|_| format!("a bad chunk size {line:?}"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(rest.get(..size).ok_or("a chunk cut short")?);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
}
