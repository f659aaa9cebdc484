//! Baseline file format and the CI gate.

use super::fixture::{finding, fixture, module, report_with};
use crate::checks::{Level, Status};
use crate::report::{Baseline, MODULE_CHECK_ID, ReportError, gate};

fn key(m: &str, c: &str) -> (String, String) {
    (m.to_owned(), c.to_owned())
}

fn baseline(entries: &[(&str, &str)]) -> Baseline {
    Baseline {
        expected: entries.iter().map(|(m, c)| key(m, c)).collect(),
        ..Baseline::default()
    }
}

#[test]
fn new_failure_fails_the_gate() {
    let g = gate(&fixture(), None, false);
    assert_eq!(
        g.new_failures,
        vec![
            key("code-flow-basic", "idtoken.nonce.matches"),
            key("pkce-wrong-verifier", MODULE_CHECK_ID)
        ]
    );
    assert!(g.expected_failures.is_empty() && g.fixed.is_empty());
    assert_eq!(g.warnings, 1);
    assert_eq!(g.exit_code(false), 1);
}

#[test]
fn expected_failures_only_pass_the_gate_and_are_listed() {
    let b = baseline(&[
        ("code-flow-basic", "idtoken.nonce.matches"),
        ("pkce-wrong-verifier", MODULE_CHECK_ID),
    ]);
    let g = gate(&fixture(), Some(&b), false);
    assert!(g.new_failures.is_empty(), "{g:?}");
    assert_eq!(g.expected_failures.len(), 2);
    // The module the harness could not run still keeps the gate from passing: exit 2.
    assert_eq!(g.exit_code(false), 2);
    let mut without_error = fixture();
    without_error.modules.retain(|m| m.status != crate::report::ModuleStatus::Error);
    assert_eq!(gate(&without_error, Some(&b), false).exit_code(false), 0);
}

#[test]
fn fixed_lists_baseline_entries_that_now_pass_only() {
    let b = baseline(&[
        ("code-flow-basic", "token.response.content_type"), // passes now: fixed
        ("code-flow-basic", "pkce.s256.enforced"),          // skipped: not judged, not fixed
        ("refresh-rotation", MODULE_CHECK_ID),              // module skipped: not fixed
        ("discovery-metadata", MODULE_CHECK_ID),            // module ran, did not fail: fixed
        ("gone-module", "x.y"),                             // not run at all: not fixed
    ]);
    let g = gate(&fixture(), Some(&b), false);
    assert_eq!(
        g.fixed,
        vec![
            key("code-flow-basic", "token.response.content_type"),
            key("discovery-metadata", MODULE_CHECK_ID)
        ]
    );
    assert_eq!(g.exit_code(false), 1, "the unexpected failures still count");
}

#[test]
fn a_check_failing_in_a_repeat_is_not_fixed() {
    let r = report_with(vec![module(
        "m",
        vec![
            finding("c.d", "OIDCC-2", Level::Must, Status::Pass, ""),
            finding(
                "c.d",
                "OIDCC-2",
                Level::Must,
                Status::Fail,
                "second run failed",
            ),
        ],
    )]);
    let g = gate(&r, Some(&baseline(&[("m", "c.d")])), false);
    assert!(g.fixed.is_empty());
    assert_eq!(g.expected_failures, vec![key("m", "c.d")]);
}

#[test]
fn warnings_pass_unless_strict() {
    let r = report_with(vec![module(
        "m",
        vec![
            finding("a.b", "OIDCC-2", Level::Should, Status::Warn, "w"),
            finding("a.i", "OIDCC-2", Level::May, Status::Info, "i"),
        ],
    )]);
    let g = gate(&r, None, false);
    assert_eq!((g.warnings, g.exit_code(false)), (1, 0));
    assert!(g.new_failures.is_empty());
    let strict = gate(&r, None, true);
    assert_eq!(strict.new_failures, vec![key("m", "a.b")]);
    assert_eq!(strict.exit_code(true), 1);
    // A baselined warning is expected, even when strict.
    let b = baseline(&[("m", "a.b")]);
    let g = gate(&r, Some(&b), true);
    assert_eq!((g.warnings, g.exit_code(true)), (0, 0));
    assert_eq!(g.expected_failures, vec![key("m", "a.b")]);
}

#[test]
fn baseline_from_report_round_trips_through_json_and_passes_the_gate() {
    let report = fixture();
    let b = Baseline::from_report(&report);
    assert_eq!(
        b.expected.iter().cloned().collect::<Vec<_>>(),
        vec![
            key("code-flow-basic", "idtoken.nonce.matches"),
            key("discovery-metadata", "discovery.scopes_supported.present"),
            key("pkce-wrong-verifier", MODULE_CHECK_ID),
        ]
    );
    let bytes = b.to_json().expect("json");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    assert!(
        text.contains(
            "\"reason\": \"token endpoint unreachable: connection refused (run fixture-run)\""
        ),
        "{text}"
    );
    let value: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    super::json::validate_with("baseline.v1.json", &value).expect("baseline schema");
    let back = Baseline::from_json(&bytes).expect("read back");
    assert_eq!(back, b);
    let g = gate(&report, Some(&back), true);
    // Accepted failures and warnings pass; the module that could not run does not (exit 2).
    assert_eq!(
        (g.new_failures.len(), g.warnings, g.errors.len(), g.exit_code(true)),
        (0, 0, 1, 2)
    );
}

#[test]
fn baseline_file_format_is_checked() {
    let ok = br#"{"schema_version":1,"expected_failures":[{"module":"m","check":"c"}]}"#;
    assert!(
        Baseline::from_json(ok)
            .expect("reason is optional")
            .contains("m", "c")
    );
    let newer = br#"{"schema_version":2,"expected_failures":[]}"#;
    let err = Baseline::from_json(newer).expect_err("version 2");
    assert!(
        err.to_string()
            .contains("unsupported baseline schema_version: expected 1 (found 2)"),
        "{err}"
    );
    let empty =
        br#"{"schema_version":1,"expected_failures":[{"module":" ","check":"c","reason":""}]}"#;
    assert!(matches!(
        Baseline::from_json(empty),
        Err(ReportError::BaselineEntry { index: 0, .. })
    ));
    let typo = br#"{"schema_version":1,"expected_failures":[{"module":"m","chek":"c"}]}"#;
    let typo_value = serde_json::from_slice(typo).expect("json");
    assert!(super::json::validate_with("baseline.v1.json", &typo_value).is_err());
    assert!(matches!(
        Baseline::from_json(typo),
        Err(ReportError::BaselineDecode(_))
    ));
}
