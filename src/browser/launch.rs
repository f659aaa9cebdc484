//! Finding and starting headless Chromium: the binary (`--browser-path`, `OIDC_HARNESS_CHROMIUM`,
//! then the usual Debian and distribution paths), the flags this machine needs, a fresh profile
//! directory, and the DevTools endpoint read from the profile's `DevToolsActivePort` file.
//! Dropping the [`Chromium`] kills the process and removes its profile directory.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::BrowserError;
use super::cdp::Cdp;

/// Environment variable naming the Chromium binary (same effect as `--browser-path`).
pub const CHROMIUM_ENV: &str = "OIDC_HARNESS_CHROMIUM";

/// Where distributions install Chromium or Chrome, tried in order.
const KNOWN_PATHS: &[&str] = &[
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
];

/// Flags for a headless, quiet browser: no sandbox (CI runs as root), no GPU, and nothing that
/// phones home (on a closed network those connections are refused and slow the start).
/// The same flags serve other headless uses of Chromium (the report screenshot tests).
pub const HEADLESS_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--mute-audio",
];

/// How long Chromium may take to open its DevTools endpoint.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// The Chromium binary to use: `explicit` (when given, it must exist), else the environment
/// variable, else the first known path that exists.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, BrowserError> {
    if let Some(path) = explicit {
        return if path.is_file() { Ok(path.to_owned()) } else { Err(BrowserError::Missing(format!("{} does not exist", path.display()))) };
    }
    if let Some(path) = std::env::var_os(CHROMIUM_ENV).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return if path.is_file() { Ok(path) } else { Err(BrowserError::Missing(format!("{CHROMIUM_ENV}={} does not exist", path.display()))) };
    }
    KNOWN_PATHS
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| BrowserError::Missing(format!("none of {} exists", KNOWN_PATHS.join(", "))))
}

/// A running headless Chromium and the DevTools connection to it (one per run).
pub struct Chromium {
    process: Process,
    pub(crate) cdp: Cdp,
}

impl std::fmt::Debug for Chromium {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chromium").field("pid", &self.process.child.id()).finish()
    }
}

/// The browser process and its profile directory, both gone when this is dropped.
struct Process {
    child: Child,
    profile: PathBuf,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Chromium {
    /// Starts `binary` headless with a fresh profile and connects to it.
    pub async fn start(binary: &Path) -> Result<Chromium, BrowserError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let profile = std::env::temp_dir().join(format!("oidc-harness-chromium-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).map_err(|e| BrowserError::Start(format!("cannot create {}: {e}", profile.display())))?;
        let child = Command::new(binary)
            .args(HEADLESS_FLAGS)
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| BrowserError::Start(format!("cannot start {}: {e}", binary.display())))?;
        let mut process = Process { child, profile };
        let ws = process.endpoint().await?;
        Ok(Chromium { cdp: Cdp::connect(&ws).await?, process })
    }

    /// The process id (to measure its CPU and memory).
    pub fn pid(&self) -> u32 {
        self.process.child.id()
    }
}

impl Process {
    /// Waits for `DevToolsActivePort` (port, then path) in the profile directory.
    async fn endpoint(&mut self) -> Result<String, BrowserError> {
        let file = self.profile.join("DevToolsActivePort");
        let step = Duration::from_millis(50);
        let tries = START_TIMEOUT.as_millis() / step.as_millis();
        for _ in 0..tries {
            if let Ok(text) = std::fs::read_to_string(&file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    return Ok(format!("ws://127.0.0.1:{}{}", port.trim(), path.trim()));
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(BrowserError::Start(format!("Chromium exited at start ({status})")));
            }
            tokio::time::sleep(step).await;
        }
        Err(BrowserError::Start(format!("Chromium opened no DevTools endpoint within {} s", START_TIMEOUT.as_secs())))
    }
}
