//! The one-line console summary of a run.

use super::RunReport;

/// One line for the console, e.g.
/// `12 modules: 10 passed, 1 failed, 1 warning, 1 error — 143 checks: 139 pass, 2 fail, 1 warn, 1 skip`.
///
/// Passed/failed and pass/fail are always shown; the other counts only when non-zero.
pub fn summary_line(report: &RunReport) -> String {
    let m = report.counts();
    let t = m.checks;
    let mut modules = vec![
        format!("{} passed", m.passed),
        format!("{} failed", m.failed),
    ];
    if m.warning > 0 {
        modules.push(format!(
            "{} {}",
            m.warning,
            plural(m.warning, "warning", "warnings")
        ));
    }
    if m.skipped > 0 {
        modules.push(format!("{} skipped", m.skipped));
    }
    if m.error > 0 {
        modules.push(format!("{} {} (could not run)", m.error, plural(m.error, "error", "errors")));
    }
    let accepted_fails = report.modules.iter().flat_map(|m| &m.findings).filter(|f| f.status == crate::checks::Status::Fail && f.accepted.is_some()).count();
    let fail = if accepted_fails > 0 { format!("{} fail ({accepted_fails} accepted by the baseline)", t.fail) } else { format!("{} fail", t.fail) };
    let mut checks = vec![format!("{} pass", t.pass), fail];
    for (n, word) in [(t.warn, "warn"), (t.info, "info"), (t.skip, "skip")] {
        if n > 0 {
            checks.push(format!("{n} {word}"));
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
