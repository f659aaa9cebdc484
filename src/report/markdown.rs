//! The Markdown summary (`summary.md`), sized and shaped for GitHub's `$GITHUB_STEP_SUMMARY`:
//! header, totals line, the threats left unmitigated, partially mitigated or not tested (the
//! rest collapsed), a table of failures and warnings ranked by the threats they leave open,
//! then one collapsible `<details>` section per module with all its findings. Transcripts stay
//! in the HTML and JSON reports.

use std::fmt::Write as _;

use super::escape::{Escape, escape};
use super::markup::{
    IssueRow, capture_files, error_rows, html_escape, human_duration, issue_rows, missing_text, module_status_word, status_word,
    threat_counts, untested_text,
};
use super::summary::summary_line;
use super::{Mitigation, ModuleResult, ModuleStatus, ReportError, ReportWriter, RunReport, RunVerdict, ThreatStatus, threat_report};
use crate::checks::{Finding, Status};
use crate::spec::url_for;

/// Writes `summary.md`.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkdownWriter;

impl ReportWriter for MarkdownWriter {
    fn render(&self, report: &RunReport) -> Result<Vec<u8>, ReportError> {
        Ok(render(report).into_bytes())
    }

    fn file_name(&self) -> &'static str {
        "summary.md"
    }
}

fn render(report: &RunReport) -> String {
    let mut s = String::new();
    let verdict = match report.verdict() {
        RunVerdict::Failures => "❌ failures",
        RunVerdict::Incomplete => "⛔ not every module could run",
        RunVerdict::Warnings => "⚠️ warnings",
        RunVerdict::Conformant => "✅ conformant",
    };
    // Writing to a String cannot fail; `let _ =` keeps the library free of unwraps.
    let _ = writeln!(s, "# OIDC conformance: {}\n", cell(&report.run_name));
    let _ = writeln!(
        s,
        "**Target:** {} ({}) · **Plan:** {} · **Started:** {} · **Duration:** {} · **oidc-harness** {}\n",
        cell(&report.target.name),
        cell(&report.target.issuer),
        cell(&report.plan),
        cell(&report.started_at),
        human_duration(report.duration_ms),
        cell(&report.tool_version),
    );
    let _ = writeln!(
        s,
        "**Result:** {verdict} · {}\n",
        cell(&summary_line(report))
    );
    let threats = threat_report(report);
    threats_section(&mut s, &threats);
    issues_table(&mut s, &issue_rows(report, &threats));
    let errors = error_rows(report);
    if !errors.is_empty() {
        s.push_str("## Modules the harness could not run\n\nNot the provider's failures: nothing is known of these checks.\n\n| Module | Why |\n|---|---|\n");
        for (module, why) in errors {
            let _ = writeln!(s, "| {} | {} |", code(module), cell(why));
        }
        s.push('\n');
    }
    s.push_str("## Modules\n\n");
    for (i, m) in report.modules.iter().enumerate() {
        let mut section = String::new();
        module_details(&mut section, m);
        if s.len() + section.len() > BUDGET {
            let _ = writeln!(
                s,
                "_{} more modules omitted: the summary would exceed GitHub's step summary limit; \
                 see report.html._",
                report.modules.len() - i
            );
            break;
        }
        s.push_str(&section);
    }
    s
}

/// Size the summary stays under: GitHub rejects a step summary over 1 MiB; keep some margin.
const BUDGET: usize = 1_000_000;

/// Room kept for the module sections when the failures table is long.
const TABLE_BUDGET: usize = 900_000;

fn threats_section(s: &mut String, threats: &[ThreatStatus]) {
    s.push_str("## Threats\n\n");
    let counts: Vec<String> = threat_counts(threats).iter().map(|(m, n)| format!("{n} {}", m.label())).collect();
    let _ = writeln!(
        s,
        "{} of the threat catalog (RFC 6819, RFC 9700, OIDC Core §16); a threat is mitigated when a \
         whole set of its countermeasures was observed.\n",
        counts.join(" · ")
    );
    let (open, rest): (Vec<&ThreatStatus>, Vec<&ThreatStatus>) = threats.iter().partition(|t| t.status.is_open());
    if !open.is_empty() {
        s.push_str("| Threat | Status | Countermeasures missing | Not tested |\n|---|---|---|---|\n");
        for t in open {
            let missing = missing_text(t);
            let _ = writeln!(
                s,
                "| {} {} | {} {} | {} | {} |",
                code(t.id),
                cell(t.title),
                threat_icon(t.status),
                t.status.label(),
                if missing.is_empty() { "—".to_owned() } else { cell(&missing.join("\n")) },
                cell(&untested_text(t)),
            );
        }
        s.push('\n');
    }
    if !rest.is_empty() {
        let _ = writeln!(s, "<details><summary>{} mitigated or not applicable</summary>\n", rest.len());
        s.push_str("| Threat | Status |\n|---|---|\n");
        for t in rest {
            let _ = writeln!(s, "| {} {} | {} {} |", code(t.id), cell(t.title), threat_icon(t.status), t.status.label());
        }
        s.push_str("\n</details>\n\n");
    }
}

fn threat_icon(m: Mitigation) -> &'static str {
    match m {
        Mitigation::Unmitigated => "❌",
        Mitigation::PartiallyMitigated => "⚠️",
        Mitigation::NotTested => "❔",
        Mitigation::Mitigated => "✅",
        Mitigation::NotApplicable => "➖",
    }
}

fn issues_table(s: &mut String, rows: &[IssueRow<'_>]) {
    s.push_str("## Failures and warnings\n\n");
    if rows.is_empty() {
        s.push_str("No failures or warnings.\n\n");
        return;
    }
    s.push_str(
        "Ranked by the threats each leaves open; a check failing in several modules is one row.\n\n\
         | Modules | Check | Level | Status | Leaves open | Message |\n|---|---|---|---|---|---|\n",
    );
    for (i, r) in rows.iter().enumerate() {
        let modules: Vec<String> = r.modules.iter().map(|m| code(m)).collect();
        let threats: Vec<String> = r.threats.iter().map(|t| code(t)).collect();
        let row = format!(
            "| {} | {} | {} | {} {} | {} | {} |\n",
            modules.join(", "),
            linked_check(r.check_id, r.spec_url.as_deref()),
            r.level.as_str(),
            if r.accepted { "☑️" } else { status_icon(r.status) },
            r.word(),
            if threats.is_empty() { "—".to_owned() } else { threats.join(", ") },
            cell(r.message),
        );
        if s.len() + row.len() > TABLE_BUDGET {
            let _ = writeln!(
                s,
                "\n_{} more rows omitted; see report.html._",
                rows.len() - i
            );
            break;
        }
        s.push_str(&row);
    }
    s.push('\n');
}

fn module_details(s: &mut String, m: &ModuleResult) {
    let _ = writeln!(
        s,
        "<details><summary>{} <code>{}</code> — {} ({} {}, {})</summary>\n",
        module_icon(m.status),
        html_escape(&m.id),
        module_status_word(m.status),
        m.findings.len(),
        if m.findings.len() == 1 {
            "finding"
        } else {
            "findings"
        },
        human_duration(m.duration_ms),
    );
    let _ = writeln!(s, "{}\n", cell(&m.description));
    if let Some(note) = &m.note {
        let _ = writeln!(s, "> **Note:** {}\n", cell(note));
        let files = capture_files(note);
        if !files.is_empty() {
            let links: Vec<String> = files.iter().map(|f| format!("[{f}]({f})")).collect();
            let _ = writeln!(s, "> **Page seen:** {}\n", links.join(" · "));
        }
    }
    if !m.findings.is_empty() {
        s.push_str("| Status | Check | Level | Title | Message |\n|---|---|---|---|---|\n");
        for f in &m.findings {
            finding_row(s, f);
        }
        s.push('\n');
    }
    s.push_str("</details>\n\n");
}

fn finding_row(s: &mut String, f: &Finding) {
    let mut message = f.message.clone().unwrap_or_default();
    if let Some(e) = &f.expected {
        let _ = write!(message, "\nexpected: {e}");
    }
    if let Some(a) = &f.actual {
        let _ = write!(message, "\nactual: {a}");
    }
    let _ = writeln!(
        s,
        "| {} {} | {} | {} | {} | {} |",
        if f.accepted.is_some() { "☑️" } else { status_icon(f.status) },
        if f.accepted.is_some() { "accepted" } else { status_word(f.status) },
        linked_check(&f.check_id, url_for(&f.spec).as_deref()),
        f.level.as_str(),
        cell(&f.title),
        cell(message.trim_start_matches('\n')),
    );
}

fn status_icon(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅",
        Status::Fail => "❌",
        Status::Warn => "⚠️",
        Status::Info => "ℹ️",
        Status::Skip => "⏭️",
    }
}

fn module_icon(s: ModuleStatus) -> &'static str {
    match s {
        ModuleStatus::Passed => "✅",
        ModuleStatus::Failed => "❌",
        ModuleStatus::Warning => "⚠️",
        ModuleStatus::Skipped => "⏭️",
        ModuleStatus::Error => "⛔",
    }
}

/// A check id as code, linked to its spec section when the tag resolves.
fn linked_check(id: &str, url: Option<&str>) -> String {
    match url {
        // Spec URLs come from the fixed prefix table; only `)` and spaces could break the link.
        Some(u) => format!(
            "[{}]({})",
            code(id),
            u.replace(' ', "%20").replace(')', "%29")
        ),
        None => code(id),
    }
}

/// Inline code for an id; falls back to escaped text when the id contains a backtick.
fn code(s: &str) -> String {
    if s.contains('`') || s.contains('\n') || s.contains('|') {
        cell(s)
    } else {
        format!("`{s}`")
    }
}

/// Text safe inside a table cell (and inline HTML): no raw HTML, no Markdown syntax, no `|`,
/// newlines as `<br>`.
pub(super) fn cell(s: &str) -> String {
    escape(s, Escape::MarkdownCell)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_escape_pipes_newlines_and_markup() {
        assert_eq!(cell("a|b\r\nc"), "a\\|b<br>c");
        assert_eq!(
            cell("<b>*x*</b> & [y](z)"),
            "&lt;b&gt;\\*x\\*&lt;/b&gt; &amp; \\[y\\](z)"
        );
    }
}
