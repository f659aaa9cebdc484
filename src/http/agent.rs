//! The core both user agents are built on ([`super::Browser`] and [`super::BackChannel`]): a
//! reqwest client with no automatic redirects, a body size cap, a shared redacted transcript of
//! every exchange (or only timings, for load), and — for the browser only — a cookie jar.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::session::SessionJar;
pub use super::session::Timing;

use super::message::{HttpRequest, HttpResponse};
use super::redact::{Redactor, fingerprint, is_sensitive_name};
use super::client::{AgentConfig, AgentError, build_client, error_chain};
use super::tls::client_config;
use super::transcript::Exchange;

/// What the agent keeps of each exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Recording {
    /// A full redacted [`Exchange`] (conformance evidence).
    Transcript,
    /// A [`Timing`] only (load tests: cheap, bounded by the caller draining it).
    Timings,
}

/// What both user agents share: configuration, TLS, redaction, transcript or timings. Each user
/// agent brings its own reqwest client (and the browser its jar) to [`Core::send`].
#[derive(Clone)]
pub(super) struct Core {
    pub(super) cfg: Arc<AgentConfig>,
    /// The TLS configuration every client of this family shares.
    pub(super) tls: Arc<rustls::ClientConfig>,
    pub(super) redactor: Redactor,
    pub(super) transcript: Arc<Mutex<Vec<Exchange>>>,
    pub(super) timings: Arc<Mutex<Vec<Timing>>>,
    pub(super) recording: Recording,
    seq: Arc<AtomicU32>,
}

impl Core {
    /// A core with an empty transcript.
    pub(super) fn new(cfg: &AgentConfig, redactor: Redactor) -> Result<Core, AgentError> {
        Ok(Core {
            cfg: Arc::new(cfg.clone()),
            tls: Arc::new(client_config(cfg)?),
            redactor,
            transcript: Arc::default(),
            timings: Arc::default(),
            recording: Recording::Transcript,
            seq: Arc::default(),
        })
    }

    /// A new reqwest client of this family (its own connection pool).
    pub(super) fn client(&self) -> Result<reqwest::Client, AgentError> {
        build_client(&self.cfg, &self.tls)
    }

    /// The same core keeping only timings, in a buffer of its own (a load-test user).
    pub(super) fn for_load(&self) -> Core {
        Core { timings: Arc::default(), recording: Recording::Timings, ..self.clone() }
    }

    /// Drains the timings recorded so far.
    pub(super) fn take_timings(&self) -> Vec<Timing> {
        match self.timings.lock() {
            Ok(mut t) => std::mem::take(&mut *t),
            Err(_) => Vec::new(),
        }
    }

    /// Drains the transcript recorded so far.
    pub(super) fn take_transcript(&self) -> Vec<Exchange> {
        match self.transcript.lock() {
            Ok(mut t) => std::mem::take(&mut *t),
            Err(_) => Vec::new(),
        }
    }

    /// Sends exactly one request, never follows a redirect, and records the exchange.
    /// `jar`: the browser's cookies (sent, and filled from `Set-Cookie`); `None` on the back
    /// channel, which sends no cookie and keeps none.
    pub(super) async fn send(&self, client: &reqwest::Client, jar: Option<&SessionJar>, req: HttpRequest) -> Result<HttpResponse, AgentError> {
        if self.recording == Recording::Timings {
            return self.send_timed(client, jar, req).await;
        }
        let method = req.method.to_string();
        let exchange = self.open_exchange(jar, &req);
        let red_url = exchange.url.clone();
        let started = Instant::now();
        let result = self.exchange(client, jar, req, &method, Some(&red_url)).await;
        self.close_exchange(exchange, started, &result);
        result
    }

    /// The transcript entry of `req` before it is sent (redacted, numbered).
    pub(super) fn open_exchange(&self, jar: Option<&SessionJar>, req: &HttpRequest) -> Exchange {
        Exchange {
            seq: self.seq.fetch_add(1, Ordering::Relaxed).saturating_add(1),
            method: req.method.to_string(),
            url: self.redactor.url(&req.url),
            request_headers: self.request_headers(jar, req),
            request_body: match (&req.form, &req.body) {
                (Some(f), _) => Some(self.redactor.form(f)),
                (None, b) => b.as_deref().map(|b| redact_body(&self.redactor, b)),
            },
            status: None,
            response_headers: Vec::new(),
            response_body: None,
            elapsed_ms: 0,
            error: None,
        }
    }

    /// Completes an entry opened by [`Core::open_exchange`] with what came back, and keeps it.
    pub(super) fn close_exchange(&self, mut exchange: Exchange, started: Instant, result: &Result<HttpResponse, AgentError>) {
        exchange.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match result {
            Ok(resp) => {
                exchange.status = Some(resp.status);
                exchange.response_headers = resp
                    .headers
                    .iter()
                    .map(|(n, v)| (n.clone(), self.redactor.header(n, v)))
                    .collect();
                if !resp.body.is_empty() {
                    exchange.response_body = Some(self.redactor.text(&resp.text()));
                }
            }
            Err(e) => exchange.error = Some(e.to_string()),
        }
        if let Ok(mut t) = self.transcript.lock() {
            t.push(exchange);
        }
    }

    /// [`Agent::send`] for load agents: only a [`Timing`] is kept; redaction happens only
    /// when an error message must be built.
    async fn send_timed(&self, client: &reqwest::Client, jar: Option<&SessionJar>, req: HttpRequest) -> Result<HttpResponse, AgentError> {
        let (label, method) = (req.label, req.method.clone());
        let started = Instant::now();
        let result = self.exchange(client, jar, req, method.as_str(), None).await;
        let timing = Timing {
            label,
            method,
            status: result.as_ref().ok().map(|r| r.status),
            elapsed: started.elapsed(),
            error: result.as_ref().err().map(ToString::to_string),
        };
        if let Ok(mut t) = self.timings.lock() {
            t.push(timing);
        }
        result
    }

    /// The network part of [`Agent::send`]. `red_url` is the redacted URL for error messages
    /// (computed here, only when an error needs it, if `None`).
    async fn exchange(
        &self,
        client: &reqwest::Client,
        jar: Option<&SessionJar>,
        req: HttpRequest,
        method: &str,
        red_url: Option<&str>,
    ) -> Result<HttpResponse, AgentError> {
        let url = req.url.clone();
        let raw_url = url.clone();
        let red_url = || red_url.map_or_else(|| self.redactor.url(&raw_url), str::to_owned);
        let mut builder = client.request(req.method, req.url);
        for (k, v) in &req.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        // As a browser: the jar's cookies, unless the caller set a Cookie header itself.
        if !req.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("cookie"))
            && let Some(cookies) = jar.and_then(|j| j.header_for(&url))
        {
            builder = builder.header(reqwest::header::COOKIE, cookies);
        }
        if let Some((id, secret)) = &req.basic_auth {
            builder = builder.basic_auth(id, Some(secret));
        }
        if let Some(token) = &req.bearer {
            builder = builder.bearer_auth(token);
        }
        if let Some(form) = &req.form {
            builder = builder.form(form);
        } else if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        let request = builder.build().map_err(|e| AgentError::InvalidRequest {
            method: method.to_owned(),
            url: red_url(),
            message: self.redactor.text(&error_chain(&e.without_url())),
        })?;
        let timeout_err = || AgentError::Timeout {
            method: method.to_owned(),
            url: red_url(),
            timeout_ms: u64::try_from(self.cfg.timeout.as_millis()).unwrap_or(u64::MAX),
        };
        let transport_err = |e: reqwest::Error| {
            if e.is_timeout() {
                timeout_err()
            } else {
                AgentError::Transport {
                    method: method.to_owned(),
                    url: red_url(),
                    message: self.redactor.text(&super::tls_words::explain(&error_chain(&e.without_url()))),
                }
            }
        };
        let too_large = || AgentError::BodyTooLarge {
            method: method.to_owned(),
            url: red_url(),
            limit: self.cfg.max_body_bytes,
        };
        let read = async {
            let mut resp = client.execute(request).await.map_err(transport_err)?;
            if let Some(jar) = jar {
                jar.store(resp.headers().get_all(reqwest::header::SET_COOKIE).iter(), &url);
            }
            let status = resp.status().as_u16();
            let headers: Vec<(String, String)> = resp
                .headers()
                .iter()
                .map(|(n, v)| {
                    // Visible ASCII (nearly every header) is copied as is; other bytes lossily.
                    let value = v.to_str().map_or_else(|_| String::from_utf8_lossy(v.as_bytes()).into_owned(), str::to_owned);
                    (n.as_str().to_owned(), value)
                })
                .collect();
            let limit = self.cfg.max_body_bytes;
            if resp.content_length().is_some_and(|n| n > limit as u64) {
                return Err(too_large());
            }
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(transport_err)? {
                if body.len().saturating_add(chunk.len()) > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(HttpResponse { status, url, headers, body })
        };
        // One bound for the whole exchange, body included (one timer per request: the client
        // itself has no timeout).
        match tokio::time::timeout(self.cfg.timeout, read).await {
            Ok(r) => r,
            Err(_) => Err(timeout_err()),
        }
    }

    /// The request headers worth recording, redacted.
    fn request_headers(&self, jar: Option<&SessionJar>, req: &HttpRequest) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = req
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), self.redactor.header(n, v)))
            .collect();
        if req.basic_auth.is_some() {
            out.push(("authorization".to_owned(), "Basic [redacted]".to_owned()));
        }
        if req.bearer.is_some() {
            out.push(("authorization".to_owned(), "Bearer [redacted]".to_owned()));
        }
        if req.form.is_some() {
            out.push(("content-type".to_owned(), "application/x-www-form-urlencoded".to_owned()));
        }
        // What the exchange adds: the jar's cookies, unless the caller set a Cookie header.
        let own_cookie = req.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("cookie"));
        if let Some(c) = jar.and_then(|j| j.header_for(&req.url)).filter(|_| !own_cookie) {
            out.push(("cookie".to_owned(), self.redactor.header("cookie", &c)));
        }
        out
    }
}

/// A raw request body for the transcript. Known secrets may sit in it escaped (`\"` in JSON,
/// `%22` in a form), where plain text redaction would miss them, so JSON and form bodies are
/// decoded first: sensitive members fingerprinted, known secrets removed from every value.
fn redact_body(r: &Redactor, body: &str) -> String {
    use serde_json::Value;
    fn scrub(r: &Redactor, v: &mut Value, key: Option<&str>) {
        match v {
            Value::String(s) if key.is_some_and(is_sensitive_name) => *s = fingerprint(s),
            Value::String(s) => *s = r.text(s),
            Value::Array(items) => items.iter_mut().for_each(|x| scrub(r, x, key)),
            Value::Object(map) => map.iter_mut().for_each(|(k, x)| scrub(r, x, Some(k))),
            _ => {}
        }
    }
    match serde_json::from_str::<Value>(body) {
        Ok(mut v) if v.is_object() || v.is_array() => {
            scrub(r, &mut v, None);
            r.text(&v.to_string())
        }
        _ if body.contains('=') && !body.contains(char::is_whitespace) => {
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
            r.form(&pairs)
        }
        _ => r.text(body),
    }
}
