//! `--out DIR`, the same for every command that writes files (`conform`, `load`, `report merge`,
//! `report render`, `discover`): a directory, created and proven writable (a probe file written
//! and removed) while the flags are checked, before anything runs, so that a finished run is
//! never lost to a path that cannot be written.
//!
//! `--out` used to name a file for `load`, `report merge` and `discover`; a value ending in one
//! of the old file extensions is refused with a line saying so, rather than silently becoming a
//! directory named `load.json`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::OptionsError;

/// Where the default report directories go (`reports/<run-name>/`, `reports/load-…/`).
pub(crate) const DEFAULT_PARENT: &str = "reports";

/// Extensions that name a report or profile file, not a directory.
const FILE_EXTENSIONS: [&str; 5] = ["json", "toml", "md", "html", "xml"];

/// Refuses a `--out` value that names a file (`reports/load.json`): `--out` is a directory.
/// Pure: nothing is created.
pub(crate) fn refuse_file_name(dir: &Path) -> Result<(), OptionsError> {
    let ext = dir.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext {
        Some(ext) if FILE_EXTENSIONS.contains(&ext.as_str()) => Err(OptionsError::OutIsAFile { path: dir.to_path_buf() }),
        _ => Ok(()),
    }
}

/// Checks `dir` as an `--out` value and makes sure the files can be written into it: creates
/// it (and its parents) and writes and removes a probe file. Returns `dir`.
pub(crate) fn prepare(dir: &Path) -> Result<PathBuf, OptionsError> {
    refuse_file_name(dir)?;
    probe(dir).map_err(|source| OptionsError::OutNotWritable { path: dir.to_path_buf(), source })?;
    Ok(dir.to_path_buf())
}

/// Creates `dir` and proves it writable.
fn probe(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // Unique per call: two probes of one directory at once (threads of one process) must not
    // remove each other's file.
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = dir.join(format!(".oidc-harness-probe-{}-{n}", std::process::id()));
    let written = std::fs::File::create(&file).and_then(|mut f| f.write_all(b"probe"));
    let removed = std::fs::remove_file(&file);
    written.and(removed)
}

#[cfg(test)]
mod tests {
    use super::{prepare, refuse_file_name};
    use crate::cli::tests::scratch;

    #[test]
    fn an_old_file_name_is_refused_with_one_line() {
        for old in ["reports/load.json", "my-provider.TOML", "x/summary.md"] {
            let e = refuse_file_name(old.as_ref()).unwrap_err().to_string();
            assert!(e.starts_with(&format!("--out {old}: --out is now a directory")), "{e}");
            assert!(!e.contains('\n'), "{e}");
        }
        for dir in ["reports/run-1", "out", "reports/v1.2"] {
            refuse_file_name(dir.as_ref()).unwrap_or_else(|e| panic!("{dir}: {e}"));
        }
    }

    #[test]
    fn the_directory_is_created_and_proven_writable_before_the_run() {
        let dir = scratch("out-prepare");
        let out = dir.join("a/b");
        assert_eq!(prepare(&out).unwrap(), out);
        assert!(out.is_dir());
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "the probe file is removed");
        // A regular file in the way: refused with one line naming the flag and the path.
        let blocker = dir.join("file");
        std::fs::write(&blocker, "x").unwrap();
        let e = prepare(&blocker.join("sub")).unwrap_err().to_string();
        assert!(e.starts_with(&format!("--out {}: cannot create or write this directory", blocker.join("sub").display())), "{e}");
        assert!(!e.contains('\n'), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
