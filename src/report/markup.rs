//! Helpers shared by the markup writers (Markdown, HTML): escaping, labels, the threat
//! section's text and the "failures and warnings" table rows, ranked by the threats each
//! failure leaves open.

use super::escape::{Escape, escape};
use super::{MODULE_CHECK_ID, Mitigation, ModuleStatus, RunReport, ThreatStatus};
use crate::checks::threats::threats_of_check;
use crate::checks::{Level, Status};
use crate::spec::url_for;

/// One row of the failures-and-warnings table: one check, with every module it failed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IssueRow<'a> {
    /// The modules where the check failed (or warned), in run order.
    pub(super) modules: Vec<&'a str>,
    pub(super) check_id: &'a str,
    /// Spec tag (empty for a module-level failure).
    pub(super) spec: &'a str,
    pub(super) spec_url: Option<String>,
    pub(super) level: Level,
    pub(super) status: Status,
    /// The first module's message.
    pub(super) message: &'a str,
    /// A baseline accepts this failure or warning: shown as accepted, not as red.
    pub(super) accepted: bool,
    /// The threats the check addresses that this run leaves open (unmitigated, partially
    /// mitigated, not tested), worst first.
    pub(super) threats: Vec<&'static str>,
}

impl IssueRow<'_> {
    /// The status word shown: `accepted` for what the baseline accepts, else the finding's.
    pub(super) fn word(&self) -> &'static str {
        if self.accepted { "accepted" } else { status_word(self.status) }
    }
}

/// Failures and warnings ranked by the threats they leave open: checks addressing an
/// unmitigated threat first, then partially mitigated, then not tested, then checks whose
/// threats are mitigated anyway, then checks addressing no threat (format rules); failures
/// before warnings within a rank, run order otherwise. A check failing in several modules is
/// one row listing the modules (a module that failed without a finding keeps its own row).
pub(super) fn issue_rows<'a>(report: &'a RunReport, threats: &[ThreatStatus]) -> Vec<IssueRow<'a>> {
    let mut rows: Vec<(u8, IssueRow<'a>)> = Vec::new();
    for m in &report.modules {
        if m.failed_without_finding() {
            let row = IssueRow {
                modules: vec![&m.id],
                check_id: MODULE_CHECK_ID,
                spec: "",
                spec_url: None,
                level: Level::Must,
                status: Status::Fail,
                message: m.note.as_deref().unwrap_or("module did not complete"),
                accepted: false,
                threats: Vec::new(),
            };
            rows.push((NO_THREAT, row));
        }
        for f in m.findings.iter().filter(|f| matches!(f.status, Status::Fail | Status::Warn)) {
            let accepted = f.accepted.is_some();
            if let Some((_, r)) = rows.iter_mut().find(|(_, r)| r.check_id == f.check_id && r.accepted == accepted) {
                r.modules.push(&m.id);
                continue;
            }
            let (rank, open) = threat_rank(&f.check_id, threats);
            let row = IssueRow {
                modules: vec![&m.id],
                check_id: &f.check_id,
                spec: &f.spec,
                spec_url: url_for(&f.spec),
                level: f.level,
                status: f.status,
                message: f.message.as_deref().unwrap_or(""),
                accepted,
                threats: open,
            };
            rows.push((rank, row));
        }
    }
    rows.sort_by_key(|(rank, r)| (*rank, r.status != Status::Fail));
    rows.into_iter().map(|(_, r)| r).collect()
}

/// Rank of a check that addresses no threat of the catalog.
const NO_THREAT: u8 = 4;

/// The rank of a failing check (0 = it addresses an unmitigated threat … 3 = its threats are
/// mitigated or not applicable, [`NO_THREAT`]) and the open threats it addresses, worst first.
fn threat_rank(check_id: &str, threats: &[ThreatStatus]) -> (u8, Vec<&'static str>) {
    let addressed: Vec<&ThreatStatus> =
        threats_of_check(check_id).iter().filter_map(|t| threats.iter().find(|s| s.id == t.id)).collect();
    let mut open: Vec<&ThreatStatus> = addressed.iter().copied().filter(|t| t.status.is_open()).collect();
    open.sort_by_key(|t| t.status);
    let rank = match (addressed.is_empty(), open.first().map(|t| t.status)) {
        (true, _) => NO_THREAT,
        (false, Some(Mitigation::Unmitigated)) => 0,
        (false, Some(Mitigation::PartiallyMitigated)) => 1,
        (false, Some(_)) => 2,
        (false, None) => 3,
    };
    (rank, open.into_iter().map(|t| t.id).collect())
}

/// Threats by class, in the order the reports list them: `(class, how many)`.
pub(super) fn threat_counts(threats: &[ThreatStatus]) -> Vec<(Mitigation, usize)> {
    [Mitigation::Unmitigated, Mitigation::PartiallyMitigated, Mitigation::NotTested, Mitigation::Mitigated, Mitigation::NotApplicable]
        .into_iter()
        .map(|m| (m, threats.iter().filter(|t| t.status == m).count()))
        .collect()
}

/// Plain text of the countermeasures a threat is missing, one per entry: `C-X absent:
/// check.id fail (module, module)`.
pub(super) fn missing_text(t: &ThreatStatus) -> Vec<String> {
    t.missing()
        .map(|c| {
            let checks: Vec<String> = c
                .checks
                .iter()
                .filter(|k| matches!(k.status, Status::Fail | Status::Warn | Status::Info))
                .map(|k| format!("{} {} ({})", k.check_id, status_word(k.status), k.modules.join(", ")))
                .collect();
            format!("{} {}: {}", c.id, c.outcome.label(), checks.join("; "))
        })
        .collect()
}

/// Plain text of the countermeasures nobody could judge: `C-X (not run), C-Y (no check)`.
pub(super) fn untested_text(t: &ThreatStatus) -> String {
    let list: Vec<String> = t.untested().map(|c| format!("{} ({})", c.id, c.outcome.label())).collect();
    if list.is_empty() { "—".to_owned() } else { list.join(", ") }
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

/// Where the browser driver saves a page it could not get past, relative to the report
/// directory (`pages/capture-N.png` and `.html`, named in the module's note).
const CAPTURE_PREFIX: &str = "pages/capture-";

/// The page captures `text` names (`pages/capture-N.png`, `pages/capture-N.html`), each once,
/// in order: the files the writers link to.
pub(super) fn capture_files(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(CAPTURE_PREFIX) {
        let tail = &rest[i..];
        let digits = tail[CAPTURE_PREFIX.len()..].bytes().take_while(u8::is_ascii_digit).count();
        let stem = CAPTURE_PREFIX.len() + digits;
        let ext = [".png", ".html"].into_iter().find(|e| tail[stem..].starts_with(e));
        if let (true, Some(ext)) = (digits > 0, ext) {
            let file = &tail[..stem + ext.len()];
            if !out.contains(&file) {
                out.push(file);
            }
        }
        rest = &tail[CAPTURE_PREFIX.len()..];
    }
    out
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
    escape(s, Escape::Html)
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
