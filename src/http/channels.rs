//! The two user agents of a flow, as two types that cannot be mixed up (DESIGN §6):
//!
//! - [`Browser`], the front channel: authorize, login, consent, logout page, callback. It has a
//!   cookie jar, as a user's browser does.
//! - [`BackChannel`], the relying party's server: discovery, JWKS, token, userinfo, revocation,
//!   introspection, registration. It has no cookie jar: it never sends a cookie and keeps none
//!   (a provider may refuse a token request that carries a user session, and an RP's server
//!   never has the user agent's cookies).
//!
//! Both share one configuration, one redactor and one transcript (or, for load, one timings
//! buffer per simulated user). Functions that make back-channel calls take a `&BackChannel`, so
//! the browser cannot be handed to them by mistake.

use std::sync::Arc;

use url::Url;

use super::agent::Core;
use super::client::{AgentConfig, AgentError};
use super::message::{HttpRequest, HttpResponse};
use super::redact::Redactor;
use super::session::{SessionJar, StoredCookie, Timing};
use super::transcript::Exchange;

/// The user's browser (front channel): cookie jar, no automatic redirects, redacted transcript.
///
/// Cloning is cheap and shares the jar and the transcript. `Debug` shows no cookie.
#[derive(Clone)]
pub struct Browser {
    core: Core,
    client: reqwest::Client,
    jar: Arc<SessionJar>,
    /// The back channel's client, shared by every browser of the family (one RP server).
    back: reqwest::Client,
    /// The run's headless Chromium, started on first need and shared by the whole family.
    engine: Arc<crate::browser::Engine>,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser").field("cfg", &self.core.cfg).field("redactor", &self.core.redactor).finish()
    }
}

impl Browser {
    /// A browser with an empty cookie jar and an empty transcript (and its back channel).
    pub fn new(cfg: &AgentConfig, redactor: Redactor) -> Result<Browser, AgentError> {
        let core = Core::new(cfg, redactor)?;
        Ok(Browser { client: core.client()?, back: core.client()?, jar: Arc::default(), engine: Arc::default(), core })
    }

    /// The same configuration and transcript with a new, empty cookie jar (a "new browser").
    pub fn with_fresh_cookies(&self) -> Result<Browser, AgentError> {
        Ok(Browser { client: self.core.client()?, jar: Arc::default(), ..self.clone() })
    }

    /// A new browser (own client, pool and empty jar) that keeps only [`Timing`]s, in its own
    /// buffer: what a load-test user needs. Its [`Browser::back_channel`] records into the same
    /// buffer. Drain it with [`Browser::take_timings`].
    pub fn for_load(&self) -> Result<Browser, AgentError> {
        Ok(Browser { core: self.core.for_load(), client: self.core.client()?, jar: Arc::default(), back: self.back.clone(), engine: Arc::clone(&self.engine) })
    }

    /// The relying party's server next to this browser: no cookies, the same transcript (or
    /// timings buffer).
    pub fn back_channel(&self) -> BackChannel {
        BackChannel { core: self.core.clone(), client: self.back.clone() }
    }

    /// Forgets every cookie (the next request starts a new browser session).
    pub fn clear_cookies(&self) {
        self.jar.clear();
    }

    /// Drains the timings recorded so far (browsers from [`Browser::for_load`]).
    pub fn take_timings(&self) -> Vec<Timing> {
        self.core.take_timings()
    }

    /// The configuration.
    pub fn config(&self) -> &AgentConfig {
        &self.core.cfg
    }

    /// The redactor used for the transcript (also useful to redact URLs in outcomes).
    pub fn redactor(&self) -> &Redactor {
        &self.core.redactor
    }

    /// Drains the transcript recorded so far (shared by clones, fresh-cookie browsers and the
    /// back channel).
    pub fn take_transcript(&self) -> Vec<Exchange> {
        self.core.take_transcript()
    }

    /// The `Cookie` header the jar would send to `url`.
    pub fn cookie_header_for(&self, url: &Url) -> Option<String> {
        self.jar.header_for(url)
    }

    /// Every unexpired cookie of the jar (to hand the session to a real browser).
    pub fn cookies(&self) -> Vec<StoredCookie> {
        self.jar.cookies()
    }

    /// Replaces the jar's cookies with a real browser's, at the end of a drive in it.
    pub fn replace_cookies(&self, cookies: &[StoredCookie]) {
        self.jar.replace(cookies);
    }

    /// The headless Chromium shared by this browser family (started on first use).
    pub fn engine(&self) -> &crate::browser::Engine {
        &self.engine
    }

    /// Sends exactly one front-channel request with the jar's cookies (unless the request sets
    /// its own `Cookie` header), never follows a redirect, stores the cookies set, and records
    /// the exchange.
    pub async fn send(&self, req: HttpRequest) -> Result<HttpResponse, AgentError> {
        self.core.send(&self.client, Some(&self.jar), req).await
    }
}

/// The relying party's server (back channel): no cookie jar, no automatic redirects, the same
/// redacted transcript as the browser it came from.
#[derive(Clone)]
pub struct BackChannel {
    core: Core,
    client: reqwest::Client,
}

impl std::fmt::Debug for BackChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackChannel").field("cfg", &self.core.cfg).finish()
    }
}

impl BackChannel {
    /// Sends `n` copies of `req` so that they reach the server together (last-byte
    /// synchronisation, see [`super::race`]): each on a connection of its own, each recorded in
    /// the transcript. The answers come in the order the copies were sent.
    pub async fn send_synchronised(&self, req: &HttpRequest, n: usize) -> Vec<Result<HttpResponse, AgentError>> {
        super::race::send_synchronised(&self.core, req, n).await
    }

    /// A back channel of its own (e.g. `discover`, which drives no browser).
    pub fn new(cfg: &AgentConfig, redactor: Redactor) -> Result<BackChannel, AgentError> {
        let core = Core::new(cfg, redactor)?;
        Ok(BackChannel { client: core.client()?, core })
    }

    /// The configuration.
    pub fn config(&self) -> &AgentConfig {
        &self.core.cfg
    }

    /// The redactor used for the transcript.
    pub fn redactor(&self) -> &Redactor {
        &self.core.redactor
    }

    /// Drains the transcript recorded so far.
    pub fn take_transcript(&self) -> Vec<Exchange> {
        self.core.take_transcript()
    }

    /// Sends exactly one request without any cookie (unless the request sets a `Cookie` header
    /// itself, as a negative test may), ignores `Set-Cookie`, never follows a redirect, and
    /// records the exchange.
    pub async fn send(&self, req: HttpRequest) -> Result<HttpResponse, AgentError> {
        self.core.send(&self.client, None, req).await
    }
}
