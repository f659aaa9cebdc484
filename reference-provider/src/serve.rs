//! The listening socket's guards against slow and idle clients, as an [`axum::serve::Listener`]
//! (axum's own server loop serves the connections; only accepting and the bytes are watched):
//!
//! - at most `max_connections` connections at once: when the cap is reached the provider logs
//!   one warning and accepts again only when a connection ends;
//! - a request's headers must arrive within `header_read_timeout_secs` of its first byte
//!   (slow-loris), and a connection waiting for its next request is closed after
//!   `idle_timeout_secs` without a byte;
//! - request bodies are read within `body_timeout_secs` (see `routes/body.rs`).
//!
//! HTTP/1 only (the provider does not serve HTTP/2): the end of the headers is the first empty
//! line after a request's first byte, and a request is over once its response starts.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// Limits on client connections (`[connections]` in the provider config).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConnectionLimits {
    /// Seconds from a request's first byte to the end of its headers.
    pub header_read_timeout_secs: u64,
    /// Seconds a request body may take to arrive.
    pub body_timeout_secs: u64,
    /// Seconds a connection may wait, silent, for its next request.
    pub idle_timeout_secs: u64,
    /// Connections served at once; more wait to be accepted. The default (4096) leaves load runs
    /// of thousands of users (a browser, so a connection, each) unchanged; keep it below the
    /// process's file-descriptor limit (`ulimit -n`).
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits { header_read_timeout_secs: 10, body_timeout_secs: 30, idle_timeout_secs: 60, max_connections: 4096 }
    }
}

/// The client's address, as the router's connect info.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub std::net::SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, GuardedListener>> for PeerAddr {
    fn connect_info(stream: axum::serve::IncomingStream<'_, GuardedListener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

/// A TCP listener that caps concurrent connections and times out slow and idle ones.
#[derive(Debug)]
pub struct GuardedListener {
    inner: TcpListener,
    limits: ConnectionLimits,
    permits: Arc<Semaphore>,
}

impl GuardedListener {
    /// Guards `inner` with `limits` (a cap of 0 counts as 1).
    pub fn new(inner: TcpListener, limits: ConnectionLimits) -> Self {
        let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
        GuardedListener { inner, limits, permits }
    }
}

impl axum::serve::Listener for GuardedListener {
    type Io = GuardedIo;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let permit = match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                tracing::warn!(
                    max_connections = self.limits.max_connections,
                    "connection limit reached: new connections wait until one closes"
                );
                match Arc::clone(&self.permits).acquire_owned().await {
                    Ok(permit) => permit,
                    // The semaphore is never closed; wait forever rather than serve uncapped.
                    Err(_) => std::future::pending().await,
                }
            }
        };
        let (stream, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        (GuardedIo::new(stream, &self.limits, permit), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// Where a connection is in its current request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for a request's first byte (the idle timeout runs).
    Idle,
    /// Reading headers; `matched` bytes of the closing CRLFCRLF seen (the header timeout runs).
    Headers { matched: u8 },
    /// Headers read; the body (timed by its reader) and the response follow.
    Request,
}

/// A connection with its slot under the cap and its timers.
#[derive(Debug)]
pub struct GuardedIo {
    inner: TcpStream,
    phase: Phase,
    timer: Pin<Box<Sleep>>,
    header_timeout: Duration,
    idle_timeout: Duration,
    _permit: OwnedSemaphorePermit,
}

impl GuardedIo {
    fn new(inner: TcpStream, limits: &ConnectionLimits, permit: OwnedSemaphorePermit) -> Self {
        let idle_timeout = Duration::from_secs(limits.idle_timeout_secs.max(1));
        GuardedIo {
            inner,
            phase: Phase::Idle,
            timer: Box::pin(tokio::time::sleep(idle_timeout)),
            header_timeout: Duration::from_secs(limits.header_read_timeout_secs.max(1)),
            idle_timeout,
            _permit: permit,
        }
    }

    /// Advances the phase over bytes just read.
    fn saw(&mut self, bytes: &[u8]) {
        const END: &[u8; 4] = b"\r\n\r\n";
        for &b in bytes {
            self.phase = match self.phase {
                Phase::Idle => {
                    self.timer.as_mut().reset(Instant::now() + self.header_timeout);
                    Phase::Headers { matched: u8::from(b == b'\r') }
                }
                Phase::Headers { matched } => {
                    let next = if END.get(usize::from(matched)) == Some(&b) {
                        matched + 1
                    } else {
                        u8::from(b == b'\r')
                    };
                    if usize::from(next) == END.len() { Phase::Request } else { Phase::Headers { matched: next } }
                }
                Phase::Request => return,
            };
        }
    }
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, format!("{what} timed out"))
}

impl AsyncRead for GuardedIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let this = &mut *self;
                this.saw(buf.filled().get(before..).unwrap_or_default());
                Poll::Ready(Ok(()))
            }
            Poll::Pending => {
                let waiting = match self.phase {
                    Phase::Idle => "idle connection",
                    Phase::Headers { .. } => "reading request headers",
                    Phase::Request => return Poll::Pending,
                };
                match self.timer.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        tracing::debug!(phase = waiting, "closing a slow or idle connection");
                        Poll::Ready(Err(timed_out(waiting)))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
            other => other,
        }
    }
}

impl AsyncWrite for GuardedIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let res = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(res, Poll::Ready(Ok(n)) if n > 0) && self.phase == Phase::Request {
            // The response has started: the connection now waits for its next request.
            let deadline = Instant::now() + self.idle_timeout;
            self.timer.as_mut().reset(deadline);
            self.phase = Phase::Idle;
        }
        res
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        let res = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(res, Poll::Ready(Ok(n)) if n > 0) && self.phase == Phase::Request {
            let deadline = Instant::now() + self.idle_timeout;
            self.timer.as_mut().reset(deadline);
            self.phase = Phase::Idle;
        }
        res
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
