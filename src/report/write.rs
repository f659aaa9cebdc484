//! The report manager: format names and writing a run's files atomically into a directory.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::{
    HtmlWriter, JsonWriter, JunitWriter, MarkdownWriter, ReportError, ReportWriter, RunReport,
};

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `report.json`, the versioned contract.
    Json,
    /// `junit.xml` for CI test views.
    Junit,
    /// `summary.md`, fit for `$GITHUB_STEP_SUMMARY`.
    Markdown,
    /// `report.html`, one self-contained page.
    Html,
}

impl Format {
    /// Every format, in the order files are written.
    pub const ALL: [Format; 4] = [Format::Json, Format::Junit, Format::Markdown, Format::Html];

    /// The writer for this format.
    pub fn writer(self) -> Box<dyn ReportWriter> {
        match self {
            Format::Json => Box::new(JsonWriter),
            Format::Junit => Box::new(JunitWriter),
            Format::Markdown => Box::new(MarkdownWriter),
            Format::Html => Box::new(HtmlWriter),
        }
    }

    /// The canonical name (`json`, `junit`, `md`, `html`), as accepted by [`FromStr`].
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ReportError;

    /// Accepts `json`, `junit`, `md` or `markdown`, `html` (ASCII case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "junit" => Ok(Format::Junit),
            "md" | "markdown" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            _ => Err(ReportError::UnknownFormat(s.to_owned())),
        }
    }
}

/// Renders `report` in each of `formats` and writes the files into `dir` (created if missing).
///
/// Every format is rendered before anything is written, and each file is written to a temporary
/// name in `dir` and then renamed, so a reader never sees a half-written file. A format listed
/// twice is written once. Returns the paths written, in the order of `formats`.
pub fn write_all(
    report: &RunReport,
    dir: &Path,
    formats: &[Format],
) -> Result<Vec<PathBuf>, ReportError> {
    let mut unique: Vec<Format> = Vec::with_capacity(formats.len());
    for f in formats {
        if !unique.contains(f) {
            unique.push(*f);
        }
    }
    let mut rendered = Vec::with_capacity(unique.len());
    for format in unique {
        let writer = format.writer();
        rendered.push((writer.file_name(), writer.render(report)?));
    }
    std::fs::create_dir_all(dir).map_err(|source| ReportError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::with_capacity(rendered.len());
    for (name, bytes) in rendered {
        let path = dir.join(name);
        write_atomically(
            &path,
            &dir.join(format!(".{name}.tmp-{}", std::process::id())),
            &bytes,
        )
        .map_err(|source| ReportError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// Writes `bytes` to `tmp`, then renames it to `path`; removes `tmp` if anything fails.
fn write_atomically(path: &Path, tmp: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let result = std::fs::write(tmp, bytes).and_then(|()| std::fs::rename(tmp, path));
    if result.is_err() {
        // Best effort: the original error is the one worth reporting.
        let _ = std::fs::remove_file(tmp);
    }
    result
}
