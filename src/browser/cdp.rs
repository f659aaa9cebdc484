//! A small Chrome DevTools Protocol client over one WebSocket: commands with ids answered by
//! their results, and events routed to the session (page) that subscribed to them.
//!
//! Only what the driver needs: JSON in, JSON out, flattened target sessions (`sessionId` on
//! every message). One reader task owns the socket's read half; writes go through a mutex.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use super::BrowserError;

/// Longest wait for the answer to one command (a navigation command answers at once; waits
/// for pages are the driver's, bounded separately).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

type Sink = SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Message>;
type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<Value, String>>>>>;
type Subscribers = Arc<Mutex<HashMap<String, mpsc::UnboundedSender<Event>>>>;

/// One protocol event (`method` and `params`).
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// E.g. `Fetch.requestPaused`.
    pub(crate) method: String,
    /// The event's parameters.
    pub(crate) params: Value,
}

/// A connection to the browser's DevTools endpoint.
pub(crate) struct Cdp {
    sink: tokio::sync::Mutex<Sink>,
    next_id: AtomicU64,
    pending: Pending,
    subscribers: Subscribers,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Cdp {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl Cdp {
    /// Connects to `ws_url` (the browser's `webSocketDebuggerUrl`).
    pub(crate) async fn connect(ws_url: &str) -> Result<Cdp, BrowserError> {
        let (socket, _) = connect_async(ws_url).await.map_err(|e| BrowserError::Protocol(format!("cannot connect to Chromium's DevTools endpoint: {e}")))?;
        let (sink, mut stream) = socket.split();
        let pending: Pending = Arc::default();
        let subscribers: Subscribers = Arc::default();
        let (p, s) = (Arc::clone(&pending), Arc::clone(&subscribers));
        let reader = tokio::spawn(async move {
            while let Some(Ok(msg)) = stream.next().await {
                if let Message::Text(text) = msg {
                    route(text.as_str(), &p, &s);
                }
            }
            // The browser went away: every waiting command fails.
            for (_, tx) in p.lock().unwrap_or_else(PoisonError::into_inner).drain() {
                let _ = tx.send(Err("the connection to Chromium closed".into()));
            }
        });
        Ok(Cdp { sink: tokio::sync::Mutex::new(sink), next_id: AtomicU64::new(1), pending, subscribers, reader })
    }

    /// Sends `method` with `params` (to the page `session`, or to the browser when `None`) and
    /// waits for its result.
    pub(crate) async fn call(&self, session: Option<&str>, method: &str, params: Value) -> Result<Value, BrowserError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let (Some(s), Some(obj)) = (session, msg.as_object_mut()) {
            obj.insert("sessionId".into(), Value::String(s.to_owned()));
        }
        let (tx, rx) = oneshot::channel();
        self.pending.lock().unwrap_or_else(PoisonError::into_inner).insert(id, tx);
        let sent = self.sink.lock().await.send(Message::text(msg.to_string())).await;
        if let Err(e) = sent {
            self.pending.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
            return Err(BrowserError::Protocol(format!("cannot send {method} to Chromium: {e}")));
        }
        match tokio::time::timeout(COMMAND_TIMEOUT, rx).await {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(message))) => Err(BrowserError::Protocol(format!("{method}: {message}"))),
            Ok(Err(_)) => Err(BrowserError::Protocol(format!("{method}: the connection to Chromium closed"))),
            Err(_) => {
                self.pending.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
                Err(BrowserError::Protocol(format!("{method}: no answer from Chromium within {} s", COMMAND_TIMEOUT.as_secs())))
            }
        }
    }

    /// Sends `method` without waiting for its answer (which is dropped when it comes). For
    /// `Page.navigate`, which answers only once the navigation commits — after a paused request
    /// to the redirect_uri has been answered by the same caller.
    pub(crate) async fn send(&self, session: Option<&str>, method: &str, params: Value) -> Result<(), BrowserError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let (Some(s), Some(obj)) = (session, msg.as_object_mut()) {
            obj.insert("sessionId".into(), Value::String(s.to_owned()));
        }
        self.sink.lock().await.send(Message::text(msg.to_string())).await.map_err(|e| BrowserError::Protocol(format!("cannot send {method} to Chromium: {e}")))
    }

    /// Events of `session` from now on (until [`Cdp::unsubscribe`]).
    pub(crate) fn subscribe(&self, session: &str) -> mpsc::UnboundedReceiver<Event> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.subscribers.lock().unwrap_or_else(PoisonError::into_inner).insert(session.to_owned(), tx);
        rx
    }

    /// Stops routing the events of `session`.
    pub(crate) fn unsubscribe(&self, session: &str) {
        self.subscribers.lock().unwrap_or_else(PoisonError::into_inner).remove(session);
    }
}

/// Hands one incoming message to the command waiting for it or to its session's subscriber.
fn route(text: &str, pending: &Pending, subscribers: &Subscribers) {
    let Ok(msg) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if let Some(id) = msg.get("id").and_then(Value::as_u64) {
        let Some(tx) = pending.lock().unwrap_or_else(PoisonError::into_inner).remove(&id) else {
            return;
        };
        let answer = match msg.get("error") {
            Some(err) => Err(err.get("message").and_then(Value::as_str).unwrap_or("unknown error").to_owned()),
            None => Ok(msg.get("result").cloned().unwrap_or(Value::Null)),
        };
        let _ = tx.send(answer);
        return;
    }
    let (Some(method), Some(session)) = (msg.get("method").and_then(Value::as_str), msg.get("sessionId").and_then(Value::as_str)) else {
        return;
    };
    let subs = subscribers.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(tx) = subs.get(session) {
        let params = msg.get("params").cloned().unwrap_or(Value::Null);
        let _ = tx.send(Event { method: method.to_owned(), params });
    }
}
