//! The reference OpenID provider: a complete, persistent, fault-injectable OP built on axum.
//!
//! An answer flows left to right (`protocol` also reads the [`Fault`] switches of the rules it
//! relaxes):
//!
//! ```text
//! config ─> store ─> protocol ─────────> faults ──────────> routes
//! (seed)   (SQLite)  (pure decisions,    (bend answers      (HTTP <-> protocol types,
//!                    typed answers)      for one fault)     one file per endpoint)
//! ```
//!
//! - [`config`] is the seed; [`store`] is SQLite; [`keys`] signs with aws-lc-rs (keys parsed once).
//! - [`protocol`] decides what to answer, in plain Rust with no axum types: one file per endpoint
//!   (`token`, `userinfo`, `introspection`, `revocation`, `discovery`, `authorize`, …) returning
//!   typed answers ([`protocol::JsonAnswer`], [`protocol::ErrorCode`]).
//! - [`faults`] lets one run break exactly one rule, to prove the harness's checks: answers are
//!   bent in `faults/<endpoint>.rs`; rules switched off stay at the rule in `protocol/`.
//! - `routes` is the HTTP edge: `routes/<endpoint>.rs` parses the request, calls `protocol`,
//!   passes the answer through `faults` and writes the response.
//! - [`app`] returns the `Router` (tests drive it with `oneshot`); [`start`] binds a socket and
//!   serves it in the background (the harness embeds the provider this way).
//! - [`serve`] guards the socket: a cap on connections, header-read and idle timeouts.
//! - `housekeeping` deletes expired rows while the provider runs (every `purge_interval_secs`).

pub mod clock;
pub mod config;
pub mod faults;
#[doc(hidden)]
pub mod fuzzing;
mod housekeeping;
pub mod html;
pub mod keys;
pub mod paths;
pub mod protocol;
pub mod provider;
pub mod random;
mod routes;
pub mod serve;
pub mod spa;
pub mod store;
pub mod throttle;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use config::Config;
pub use faults::{Fault, FaultSet};
pub use provider::{Provider, StartError};
pub use routes::MAX_BODY;

/// The provider's router over a shared [`Provider`].
pub fn app(provider: Arc<Provider>) -> axum::Router {
    routes::router(provider)
}

/// Where the provider keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// SQLite in memory (tests, throw-away runs; see [`store::Store::open_in_memory`]).
    Memory,
    /// `provider.sqlite3` in this directory (created if missing).
    Dir(PathBuf),
}

/// How to start a provider in-process.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seed configuration.
    pub config: Config,
    /// Active faults.
    pub faults: FaultSet,
    /// Storage location.
    pub storage: Storage,
    /// Time source.
    pub clock: Arc<dyn clock::Clock>,
}

impl Options {
    /// The demo configuration, in memory, no faults, system clock.
    pub fn demo() -> Self {
        Options { config: Config::demo(), faults: FaultSet::none(), storage: Storage::Memory, clock: Arc::new(clock::SystemClock) }
    }
}

/// A provider serving on a socket in the background; stops when dropped or on [`Running::stop`].
#[derive(Debug)]
pub struct Running {
    /// Bound address.
    pub addr: SocketAddr,
    /// The provider (issuer, keys, store).
    pub provider: Arc<Provider>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    housekeeping: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The issuer URL.
    pub fn issuer(&self) -> &str {
        self.provider.issuer()
    }

    /// Stops serving and waits for the server task to end.
    pub async fn stop(mut self) {
        self.housekeeping.abort();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.housekeeping.abort();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Opens the store for `storage`.
pub fn open_store(storage: &Storage) -> Result<store::Store, StartError> {
    Ok(match storage {
        Storage::Memory => store::Store::open_in_memory()?,
        Storage::Dir(dir) => store::Store::open(&dir.join("provider.sqlite3"))?,
    })
}

/// Binds `options.config.listen` (port 0 picks a free port), builds the provider (issuer defaults
/// to `http://<bound address>`) and serves it on a background task.
pub async fn start(options: Options) -> Result<Running, StartError> {
    let listener = tokio::net::TcpListener::bind(&options.config.listen)
        .await
        .map_err(|e| StartError::Io(format!("cannot listen on {}: {e}", options.config.listen)))?;
    let addr = listener.local_addr().map_err(|e| StartError::Io(e.to_string()))?;
    let issuer = options.config.issuer.clone().unwrap_or_else(|| format!("http://{addr}"));
    // A second origin on the same host, for the fault whose login form posts elsewhere.
    let other = if faults::login::needs_other_origin(&options.faults) {
        let l = tokio::net::TcpListener::bind((addr.ip(), 0)).await.map_err(|e| StartError::Io(format!("cannot listen on a second port: {e}")))?;
        let at = l.local_addr().map_err(|e| StartError::Io(e.to_string()))?;
        let scheme = issuer.split_once("://").map_or("http", |(s, _)| s);
        Some((serve::GuardedListener::new(l, options.config.connections.clone()), format!("{scheme}://{at}")))
    } else {
        None
    };
    let listener = serve::GuardedListener::new(listener, options.config.connections.clone());
    let store = open_store(&options.storage)?;
    // Key generation and password hashing are CPU-bound: keep them off the async workers.
    let provider = tokio::task::spawn_blocking(move || {
        Provider::new(options.config, issuer, store, options.faults, options.clock, Arc::new(random::SystemRandom))
    })
    .await
    .map_err(|e| StartError::Io(format!("startup task failed: {e}")))??;
    let mut provider = provider;
    let (other_listener, other_origin) = other.unzip();
    provider.other_origin = other_origin;
    let provider = Arc::new(provider);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let router = app(Arc::clone(&provider));
    let task = tokio::spawn(async move {
        // The second origin (a fault's) stops when the first does.
        let (stop_other, other_stopped) = tokio::sync::oneshot::channel::<()>();
        let other_task = other_listener.map(|l| {
            let service = router.clone().into_make_service_with_connect_info::<serve::PeerAddr>();
            tokio::spawn(async move {
                let _ = axum::serve(l, service).with_graceful_shutdown(async move {
                    let _ = other_stopped.await;
                }).await;
            })
        });
        let service = router.into_make_service_with_connect_info::<serve::PeerAddr>();
        let serve = axum::serve(listener, service).with_graceful_shutdown(async move {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "server stopped");
        }
        let _ = stop_other.send(());
        if let Some(t) = other_task {
            let _ = t.await;
        }
    });
    let housekeeping = tokio::spawn(housekeeping::purge_loop(Arc::clone(&provider)));
    Ok(Running { addr, provider, shutdown: Some(tx), task: Some(task), housekeeping })
}
