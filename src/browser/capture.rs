//! Pages saved when a Chromium drive ends on a page it could not get past: a PNG screenshot and
//! the page's DOM (redacted like the transcript), kept until the command line writes them into
//! the report directory as `pages/capture-N.png` and `.html`. The drive's reason names them,
//! so the module's note in report.html and summary.md points at the files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Folder of the captures inside the report directory.
pub const CAPTURE_DIR: &str = "pages";

/// One saved page.
#[derive(Clone, PartialEq, Eq)]
pub struct PageCapture {
    /// File stem, e.g. `capture-3`.
    pub name: String,
    /// The screenshot.
    pub png: Vec<u8>,
    /// The serialised DOM, redacted.
    pub html: String,
}

impl std::fmt::Debug for PageCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCapture").field("name", &self.name).field("png_bytes", &self.png.len()).finish_non_exhaustive()
    }
}

/// Captures of this process not yet written.
static PENDING: Mutex<Vec<PageCapture>> = Mutex::new(Vec::new());

/// Keeps a capture (`png_base64` as Chromium answers it); returns the note naming its files.
pub(crate) fn keep(png_base64: &str, html: String) -> Option<String> {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let png = STANDARD.decode(png_base64).ok()?;
    let name = format!("capture-{}", COUNTER.fetch_add(1, Ordering::Relaxed));
    let note = format!("page saved as {CAPTURE_DIR}/{name}.png and {CAPTURE_DIR}/{name}.html");
    PENDING.lock().unwrap_or_else(PoisonError::into_inner).push(PageCapture { name, png, html });
    Some(note)
}

/// Takes every capture kept so far.
pub fn take_captures() -> Vec<PageCapture> {
    std::mem::take(&mut *PENDING.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Writes `captures` into `report_dir/pages/`; the files written.
pub fn write_captures(report_dir: &Path, captures: &[PageCapture]) -> std::io::Result<Vec<PathBuf>> {
    let dir = report_dir.join(CAPTURE_DIR);
    if !captures.is_empty() {
        std::fs::create_dir_all(&dir)?;
    }
    let mut written = Vec::with_capacity(captures.len() * 2);
    for c in captures {
        for (ext, bytes) in [("png", c.png.as_slice()), ("html", c.html.as_bytes())] {
            let path = dir.join(format!("{}.{ext}", c.name));
            std::fs::write(&path, bytes)?;
            written.push(path);
        }
    }
    Ok(written)
}
