//! The second browser driver: a real headless Chromium, for login and consent pages that the
//! HTML driver cannot vouch for (rendered by script, inputs outside any form, "deny" only
//! through script, JSON login APIs called by the page). Same contract as
//! [`form::drive`](crate::form::drive): start at an authorization URL, log in as a user, decide
//! consent, and hand back the callback (query or `form_post` body) — intercepted, never loaded.
//!
//! How it is driven: over the Chrome DevTools Protocol, with a small client of our own
//! ([`cdp`]) on `tokio-tungstenite`, which the tree already builds for Goose — so this driver
//! adds no crate to a clean build. Alternatives weighed (2026-12, on the 2-core build box):
//! - `chromiumoxide` 0.7: the mature typed CDP client, tokio-native, but its generated
//!   `chromiumoxide_cdp` crate is ~99 000 lines; a clean build of chromiumoxide alone took
//!   2 min 49 s and 2.2 GB of memory there (126 crates), in every CI run.
//! - `fantoccini` (WebDriver): light, but needs `chromedriver` as a second process and
//!   package, and WebDriver cannot pause a navigation, so the redirect_uri would be loaded.
//!
//! The driver needs nine commands and five events; the Fetch domain pauses any request to the
//! redirect_uri (a redirect or a `form_post` submission) so that it is read and never sent.
//!
//! One Chromium per run ([`Engine`], started on first need and shared by every [`Browser`] of
//! the run), one fresh incognito context per drive, seeded with the [`Browser`]'s cookies and
//! copied back into them at the end: the cookie jar stays the one session holder, so a session
//! started in Chromium continues in the HTML driver and back.
//!
//! [`Browser`]: crate::http::Browser

mod capture;
mod cdp;
mod driver;
mod launch;
mod page;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;

pub use capture::{CAPTURE_DIR, PageCapture, take_captures, write_captures};
pub use driver::{DEFAULT_WAIT, drive};
pub use launch::{CHROMIUM_ENV, Chromium, HEADLESS_FLAGS, locate};

/// The one sentence shown when a page needs a browser and none can be started.
pub const INSTALL_HINT: &str = "this login page needs a browser: install chromium (apt-get install chromium) or pass --browser-path";

/// Why the browser driver could not run (a harness error, never a provider failure).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BrowserError {
    /// No Chromium binary was found.
    #[error("{INSTALL_HINT} ({0})")]
    Missing(String),
    /// Chromium was found but did not start.
    #[error("cannot start Chromium: {0}")]
    Start(String),
    /// The DevTools conversation failed.
    #[error("Chromium DevTools: {0}")]
    Protocol(String),
}

/// When the real browser drives a login (`[hints] browser`, `--browser`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrowserMode {
    /// The HTML driver first; Chromium when a page needs a script to show its form (and, from
    /// then on, for the rest of the run).
    #[default]
    Auto,
    /// Chromium for every login and consent.
    Always,
    /// Never Chromium (a script-rendered page leaves the drive stuck).
    Never,
}

/// The run's Chromium: started on first need, shared, stopped when the last [`Browser`] of the
/// run is dropped. A failure to start is kept, so every later drive reports it at once.
///
/// [`Browser`]: crate::http::Browser
#[derive(Default)]
pub struct Engine {
    chromium: tokio::sync::OnceCell<Result<Arc<Chromium>, BrowserError>>,
    preferred: AtomicBool,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("started", &self.chromium.initialized()).finish()
    }
}

impl Engine {
    /// The running Chromium, started now (from `path`, or found) if it is not yet.
    pub async fn get(&self, path: Option<&Path>) -> Result<Arc<Chromium>, BrowserError> {
        let started = self.chromium.get_or_init(|| async { Chromium::start(&locate(path)?).await.map(Arc::new) }).await;
        started.clone()
    }

    /// Process id of the running Chromium, if one was started.
    pub fn pid(&self) -> Option<u32> {
        self.chromium.get().and_then(|r| r.as_ref().ok()).map(|c| c.pid())
    }

    /// Remembers that this provider's pages need the browser (auto mode goes straight to it).
    pub fn prefer(&self) {
        self.preferred.store(true, Ordering::Relaxed);
    }

    /// Whether a page of this run needed the browser.
    pub fn preferred(&self) -> bool {
        self.preferred.load(Ordering::Relaxed)
    }
}
