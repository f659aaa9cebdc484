//! The console summary of a run: the one-line counts ([`summary_line`]) and, under it, each
//! open failure and warning with the first line of its message, grouped by module
//! ([`console_summary`]), painted green/red/yellow when the caller says colour is wanted.
//!
//! Messages are the findings' own, as the Markdown summary shows them: secrets were redacted
//! before they reached the report.

use super::{GateResult, MODULE_CHECK_ID, RunReport};
use crate::checks::Status;

/// Longest message shown on the console, in characters (the reports have the whole text).
pub const CONSOLE_MESSAGE_CHARS: usize = 160;

/// Most failure and warning lines printed; the rest are counted and left to the reports.
pub const CONSOLE_ISSUE_LINES: usize = 60;

/// The colour of a piece of console text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Passed: green.
    Pass,
    /// Failed: red.
    Fail,
    /// A warning, an incomplete run: yellow.
    Warn,
}

/// `text` in `tone`'s ANSI colour when `color`, else unchanged.
pub fn paint(text: &str, tone: Tone, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match tone {
        Tone::Pass => "32",
        Tone::Fail => "31",
        Tone::Warn => "33",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The console summary after a run, one string per line: the counts line, the incomplete
/// notice, then per module (in run order) its open failures (`FAIL`, not accepted by the
/// baseline) and warnings (`WARN`), each `check — first line of the message` cut at
/// [`CONSOLE_MESSAGE_CHARS`], at most [`CONSOLE_ISSUE_LINES`] of them.
pub fn console_summary(report: &RunReport, gate: &GateResult, color: bool) -> Vec<String> {
    let mut lines = vec![summary_line_painted(report, color)];
    if let Some(why) = &report.incomplete {
        lines.push(paint(&format!("INCOMPLETE: {why}; the modules after the stop are skipped, each with a note"), Tone::Warn, color));
    }
    let mut shown = 0usize;
    let mut left_out = 0usize;
    for m in &report.modules {
        let mut issues: Vec<(Tone, &str, &str)> = Vec::new();
        if gate.new_failures.iter().any(|(module, check)| module == &m.id && check == MODULE_CHECK_ID) {
            issues.push((Tone::Fail, MODULE_CHECK_ID, m.note.as_deref().unwrap_or("module did not complete")));
        }
        for f in &m.findings {
            let open_failure = f.status == Status::Fail && gate.new_failures.iter().any(|(module, check)| module == &m.id && check == &f.check_id);
            let open_warning = f.status == Status::Warn && f.accepted.is_none();
            if !(open_failure || open_warning) {
                continue;
            }
            let tone = if open_failure { Tone::Fail } else { Tone::Warn };
            let message = f.message.as_deref().unwrap_or("");
            if !issues.iter().any(|&(t, c, msg)| t == tone && c == f.check_id && msg == message) {
                issues.push((tone, &f.check_id, message));
            }
        }
        if issues.is_empty() {
            continue;
        }
        if shown >= CONSOLE_ISSUE_LINES {
            left_out += issues.len();
            continue;
        }
        lines.push(m.id.clone());
        for (tone, check, message) in issues {
            if shown >= CONSOLE_ISSUE_LINES {
                left_out += 1;
                continue;
            }
            shown += 1;
            let word = if tone == Tone::Fail { "FAIL" } else { "WARN" };
            let message = first_line(message, CONSOLE_MESSAGE_CHARS);
            let text = if message.is_empty() { check.to_owned() } else { format!("{check} — {message}") };
            lines.push(format!("  {} {text}", paint(word, tone, color)));
        }
    }
    if left_out > 0 {
        lines.push(format!("… and {left_out} more failure(s) and warning(s): see summary.md or report.html"));
    }
    lines
}

/// The first line of `text`, cut at `max` characters (an ellipsis marks the cut).
pub fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim_end();
    if line.chars().count() <= max {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// One line for the console, e.g.
/// `12 modules: 10 passed, 1 failed, 1 warning, 1 error — 143 checks: 139 pass, 2 fail, 1 warn, 1 skip`.
///
/// Passed/failed and pass/fail are always shown; the other counts only when non-zero.
pub fn summary_line(report: &RunReport) -> String {
    summary_line_painted(report, false)
}

/// [`summary_line`], with the counts that are not zero painted when `color`: passed green,
/// failed red, warnings yellow.
fn summary_line_painted(report: &RunReport, color: bool) -> String {
    let tint = |text: String, n: usize, tone: Tone| if n > 0 { paint(&text, tone, color) } else { text };
    let m = report.counts();
    let t = m.checks;
    let mut modules = vec![
        tint(format!("{} passed", m.passed), m.passed, Tone::Pass),
        tint(format!("{} failed", m.failed), m.failed, Tone::Fail),
    ];
    if m.warning > 0 {
        modules.push(paint(&format!("{} {}", m.warning, plural(m.warning, "warning", "warnings")), Tone::Warn, color));
    }
    if m.skipped > 0 {
        modules.push(format!("{} skipped", m.skipped));
    }
    if m.error > 0 {
        modules.push(paint(&format!("{} {} (could not run)", m.error, plural(m.error, "error", "errors")), Tone::Fail, color));
    }
    let accepted_fails = report.modules.iter().flat_map(|m| &m.findings).filter(|f| f.status == crate::checks::Status::Fail && f.accepted.is_some()).count();
    let fail = if accepted_fails > 0 { format!("{} fail ({accepted_fails} accepted by the baseline)", t.fail) } else { format!("{} fail", t.fail) };
    let mut checks = vec![tint(format!("{} pass", t.pass), t.pass, Tone::Pass), tint(fail, t.fail, Tone::Fail)];
    for (n, word) in [(t.warn, "warn"), (t.info, "info"), (t.skip, "skip")] {
        if n > 0 {
            checks.push(if word == "warn" { paint(&format!("{n} {word}"), Tone::Warn, color) } else { format!("{n} {word}") });
        }
    }
    let n_modules = report.modules.len();
    let n_checks = t.pass + t.fail + t.warn + t.info + t.skip;
    format!(
        "{n_modules} {}: {} — {n_checks} {}: {}",
        plural(n_modules, "module", "modules"),
        modules.join(", "),
        plural(n_checks, "check", "checks"),
        checks.join(", "),
    )
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
