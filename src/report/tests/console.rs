//! The console summary: failures and warnings with their messages grouped by module, cut to one
//! bounded line, painted only when asked.

use super::fixture::{finding, fixture, module, report_with};
use crate::checks::{Level, Status};
use crate::report::{Baseline, CONSOLE_ISSUE_LINES, CONSOLE_MESSAGE_CHARS, accept, console_summary, first_line, gate, summary_line};

#[test]
fn failures_and_warnings_show_their_message_grouped_by_module() {
    let report = fixture();
    let lines = console_summary(&report, &gate(&report, None, false), false);
    assert_eq!(
        lines,
        [
            summary_line(&report).as_str(),
            "discovery-metadata",
            "  WARN discovery.scopes_supported.present — expected scopes_supported in the metadata (found none)",
            "code-flow-basic",
            // The message's first line only, as the finding has it (reports redact before this).
            "  FAIL idtoken.nonce.matches — expected the nonce sent | in the ID token",
            "pkce-wrong-verifier",
            "  FAIL (module) — token endpoint unreachable: connection refused",
        ]
    );
    assert!(lines.iter().all(|l| !l.contains('\x1b')), "no colour unless asked");
}

#[test]
fn colour_marks_pass_fail_and_warn() {
    let report = fixture();
    let lines = console_summary(&report, &gate(&report, None, false), true);
    assert!(lines[0].contains("\x1b[31m2 failed\x1b[0m") && lines[0].contains("\x1b[33m1 warning\x1b[0m"), "{:?}", lines[0]);
    assert!(lines[0].contains("\x1b[32m3 pass\x1b[0m") && lines[0].contains("\x1b[31m1 fail\x1b[0m"), "{:?}", lines[0]);
    // A zero count stays plain.
    assert!(lines[0].contains("0 passed") && !lines[0].contains("\x1b[32m0 passed"), "{:?}", lines[0]);
    assert!(lines.iter().any(|l| l.starts_with("  \x1b[31mFAIL\x1b[0m idtoken.nonce.matches")), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("  \x1b[33mWARN\x1b[0m discovery.scopes")), "{lines:?}");
}

#[test]
fn baseline_failures_are_left_to_the_count_line() {
    let mut report = fixture();
    let baseline = Baseline::from_report(&report);
    accept(&mut report, &baseline);
    let lines = console_summary(&report, &gate(&report, Some(&baseline), false), false);
    assert!(!lines.iter().any(|l| l.contains("FAIL") || l.contains("WARN")), "{lines:?}");
}

#[test]
fn messages_are_cut_and_the_list_is_bounded() {
    let long = "x".repeat(500);
    assert_eq!(first_line(&format!("{long}\nsecond"), CONSOLE_MESSAGE_CHARS).chars().count(), CONSOLE_MESSAGE_CHARS);
    assert!(first_line(&long, CONSOLE_MESSAGE_CHARS).ends_with('…'));
    assert_eq!(first_line("short\nsecond line", CONSOLE_MESSAGE_CHARS), "short");
    let modules = (0..CONSOLE_ISSUE_LINES + 5)
        .map(|i| module(&format!("m{i}"), vec![finding(&format!("c{i}"), "OIDCC-2", Level::Must, Status::Fail, &long)]))
        .collect();
    let report = report_with(modules);
    let lines = console_summary(&report, &gate(&report, None, false), false);
    assert_eq!(lines.iter().filter(|l| l.starts_with("  FAIL")).count(), CONSOLE_ISSUE_LINES);
    assert_eq!(lines.last().map(String::as_str), Some("… and 5 more failure(s) and warning(s): see summary.md or report.html"));
    assert!(lines.iter().all(|l| l.chars().count() < CONSOLE_MESSAGE_CHARS + 40), "bounded lines");
}
