//! One truth in every report: the console line, summary.md, junit.xml, report.html and
//! report.json of one run show the same numbers, all from `RunReport::counts`.

use super::fixture::fixture;
use crate::report::{HtmlWriter, JsonWriter, JunitWriter, MarkdownWriter, ModuleStatus, ReportWriter, RunVerdict, gate, summary_line};

fn render(w: &dyn ReportWriter) -> String {
    String::from_utf8(w.render(&fixture()).expect("render")).expect("utf-8")
}

/// The value of `attr` on the first element named `tag`.
fn attr<'a>(doc: &'a roxmltree::Document<'a>, tag: &str, attr: &str) -> usize {
    doc.descendants().find(|n| n.has_tag_name(tag)).and_then(|n| n.attribute(attr)).expect("attribute").parse().expect("number")
}

#[test]
fn every_format_shows_the_same_counts() {
    let report = fixture();
    let c = report.counts();
    assert_eq!((c.passed + c.failed + c.warning + c.skipped + c.error), report.modules.len());
    assert_eq!(c.error, 1, "the fixture has one module the harness could not run");
    let line = summary_line(&report);
    assert!(line.contains("1 error (could not run)"), "{line}");
    // Markdown and HTML print the console line itself.
    assert!(render(&MarkdownWriter).contains(&line), "summary.md");
    assert!(render(&HtmlWriter).contains(&crate::report::markup::html_escape(&line)), "report.html");
    // JSON carries both counts.
    let json: serde_json::Value = serde_json::from_str(&render(&JsonWriter)).expect("json");
    let n = |v: &serde_json::Value, k: &str| usize::try_from(v[k].as_u64().expect(k)).expect("usize");
    let m = &json["module_totals"];
    assert_eq!([n(m, "passed"), n(m, "failed"), n(m, "warning"), n(m, "skipped"), n(m, "error")], [c.passed, c.failed, c.warning, c.skipped, c.error]);
    let t = &json["totals"];
    assert_eq!([n(t, "pass"), n(t, "fail"), n(t, "warn"), n(t, "skip")], [c.checks.pass, c.checks.fail, c.checks.warn, c.checks.skip]);
    // JUnit: failures are failed findings (plus old-style module failures), errors are the
    // modules the harness could not run.
    let xml = render(&JunitWriter);
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let old_style = report.modules.iter().filter(|m| m.failed_without_finding()).count();
    assert_eq!(attr(&doc, "testsuites", "failures"), c.checks.fail + old_style);
    assert_eq!(attr(&doc, "testsuites", "errors"), c.error);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("error")).count(), c.error);
}

#[test]
fn a_module_the_harness_could_not_run_is_not_a_failure_but_is_not_a_pass() {
    let mut report = fixture();
    // Only the error module left: no failure, yet not conformant, and exit 2.
    report.modules.retain(|m| m.status == ModuleStatus::Error || m.status == ModuleStatus::Passed);
    assert_eq!(report.verdict(), RunVerdict::Incomplete);
    let g = gate(&report, None, false);
    assert!(g.new_failures.is_empty(), "{:?}", g.new_failures);
    assert_eq!(g.errors.len(), 1);
    assert_eq!(g.exit_code(false), 2);
    // With a failure as well, the failure decides: exit 1.
    assert_eq!(gate(&fixture(), None, false).exit_code(false), 1);
    assert!(render(&MarkdownWriter).contains("Modules the harness could not run"));
}

#[test]
fn accepted_failures_are_shown_as_accepted_in_every_format() {
    use crate::report::{Baseline, ModuleStatus, accept};
    let mut report = fixture();
    // Keep the finding failures only (no old-style module failure, no module error).
    report.modules.retain(|m| !m.failed_without_finding() && m.status != ModuleStatus::Error);
    let b = Baseline::from_report(&report);
    accept(&mut report, &b);
    assert_ne!(report.verdict(), RunVerdict::Failures);
    assert!(gate(&report, Some(&b), false).new_failures.is_empty());
    let line = summary_line(&report);
    assert!(line.contains("1 fail (1 accepted by the baseline)"), "{line}");
    let md = String::from_utf8(MarkdownWriter.render(&report).expect("md")).expect("utf-8");
    assert!(md.contains("☑️ accepted") && !md.contains("❌ fail"), "{md}");
    let html = String::from_utf8(HtmlWriter.render(&report).expect("html")).expect("utf-8");
    assert!(html.contains("class=\"f-accepted\"") && !html.contains("class=\"f-fail\""));
    assert!(!html.contains("class=\"summary v-fail\""), "no red verdict");
    let xml = String::from_utf8(JunitWriter.render(&report).expect("junit")).expect("utf-8");
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    assert_eq!(attr(&doc, "testsuites", "failures"), 0);
    assert!(xml.contains("<skipped message=\"accepted by baseline"), "{xml}");
    let json: serde_json::Value = serde_json::from_slice(&JsonWriter.render(&report).expect("json")).expect("json");
    assert_eq!(json["totals"]["accepted"], 2, "the failure and the warning");
    // Read back, the acceptance stays.
    let back = crate::report::read_json(&JsonWriter.render(&report).expect("json")).expect("read");
    assert_eq!(back.verdict(), report.verdict());
}

#[test]
fn pages_the_browser_saved_are_linked_from_summary_md_and_report_html() {
    let mut report = fixture();
    let m = report.modules.iter_mut().find(|m| m.status == crate::report::ModuleStatus::Error).expect("an error module");
    m.note = Some("no login field appeared within 10 s on http://op/login; page saved as pages/capture-3.png and pages/capture-3.html".into());
    let md = String::from_utf8(MarkdownWriter.render(&report).expect("md")).expect("utf-8");
    assert!(md.contains("[pages/capture-3.png](pages/capture-3.png) · [pages/capture-3.html](pages/capture-3.html)"), "{md}");
    let html = String::from_utf8(HtmlWriter.render(&report).expect("html")).expect("utf-8");
    assert!(html.contains("<img src=\"pages/capture-3.png\"") && html.contains("<a href=\"pages/capture-3.html\">"), "{html}");
    assert_eq!(crate::report::markup::capture_files("pages/capture-.png pages/capture-7.txt pages/capture-7.png pages/capture-7.png"), ["pages/capture-7.png"]);
}
