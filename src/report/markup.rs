//! Helpers shared by the markup writers (Markdown, HTML): escaping, labels and the
//! "failures and warnings" table rows.

use super::{MODULE_CHECK_ID, ModuleStatus, RunReport};
use crate::checks::{Level, Status};
use crate::spec::url_for;

/// One row of the failures-and-warnings table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IssueRow<'a> {
    pub(super) module: &'a str,
    pub(super) check_id: &'a str,
    /// Spec tag (empty for a module-level failure).
    pub(super) spec: &'a str,
    pub(super) spec_url: Option<String>,
    pub(super) level: Level,
    pub(super) status: Status,
    pub(super) message: &'a str,
    /// A baseline accepts this failure or warning: shown as accepted, not as red.
    pub(super) accepted: bool,
}

impl IssueRow<'_> {
    /// The status word shown: `accepted` for what the baseline accepts, else the finding's.
    pub(super) fn word(&self) -> &'static str {
        if self.accepted { "accepted" } else { status_word(self.status) }
    }
}

/// Failed MUST findings (and modules that failed without one) first, then warnings, each in
/// module order.
pub(super) fn issue_rows(report: &RunReport) -> Vec<IssueRow<'_>> {
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    for m in &report.modules {
        if m.failed_without_finding() {
            fails.push(IssueRow {
                module: &m.id,
                check_id: MODULE_CHECK_ID,
                spec: "",
                spec_url: None,
                level: Level::Must,
                status: Status::Fail,
                message: m.note.as_deref().unwrap_or("module did not complete"),
                accepted: false,
            });
        }
        for f in &m.findings {
            let row = IssueRow {
                module: &m.id,
                check_id: &f.check_id,
                spec: &f.spec,
                spec_url: url_for(&f.spec),
                level: f.level,
                status: f.status,
                message: f.message.as_deref().unwrap_or(""),
                accepted: f.accepted.is_some(),
            };
            match f.status {
                Status::Fail => fails.push(row),
                Status::Warn => warns.push(row),
                Status::Pass | Status::Info | Status::Skip => {}
            }
        }
    }
    fails.extend(warns);
    fails
}

/// The modules the harness could not run to the end, with why.
pub(super) fn error_rows(report: &RunReport) -> Vec<(&str, &str)> {
    report
        .modules
        .iter()
        .filter(|m| m.status == ModuleStatus::Error)
        .map(|m| (m.id.as_str(), m.note.as_deref().unwrap_or("the harness could not run the module to the end")))
        .collect()
}

/// Lower-case status word as used in the JSON (`pass`, `fail`, ...).
pub(super) fn status_word(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Warn => "warn",
        Status::Info => "info",
        Status::Skip => "skip",
    }
}

/// Lower-case module status word as used in the JSON (`passed`, `failed`, ...).
pub(super) fn module_status_word(s: ModuleStatus) -> &'static str {
    match s {
        ModuleStatus::Passed => "passed",
        ModuleStatus::Failed => "failed",
        ModuleStatus::Warning => "warning",
        ModuleStatus::Skipped => "skipped",
        ModuleStatus::Error => "error",
    }
}

/// A duration for people: `850 ms`, `12.3 s`, `4 min 05 s`.
pub(super) fn human_duration(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{}.{} s", ms / 1_000, (ms % 1_000) / 100)
    } else {
        format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1_000)
    }
}

/// Escapes text for HTML element content and quoted attribute values; drops control characters
/// other than tab, newline and carriage return.
pub(super) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{html_escape, human_duration};

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(850), "850 ms");
        assert_eq!(human_duration(4321), "4.3 s");
        assert_eq!(human_duration(245_000), "4 min 05 s");
    }

    #[test]
    fn html_escape_covers_text_and_attributes() {
        assert_eq!(
            html_escape("<a href='x'>\"&\u{0}</a>\n"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&lt;/a&gt;\n"
        );
    }
}
