//! Markdown writer: header, totals, failures table with spec links, per-module details.

use super::fixture::{fixture, module, report_with};
use crate::report::{MarkdownWriter, ReportWriter, summary_line};

fn render(report: &crate::report::RunReport) -> String {
    String::from_utf8(MarkdownWriter.render(report).expect("render")).expect("utf-8")
}

#[test]
fn header_names_target_plan_and_totals() {
    let report = fixture();
    let md = render(&report);
    assert!(md.starts_with("# OIDC conformance: fixture-run\n"), "{md}");
    assert!(
        md.contains("**Target:** embedded (http://127.0.0.1:8080) · **Plan:** basic"),
        "{md}"
    );
    assert!(md.contains(&format!(
        "**Result:** ❌ failures · {}",
        summary_line(&report)
    )));
    assert_eq!(MarkdownWriter.file_name(), "summary.md");
}

#[test]
fn failures_table_links_checks_and_escapes_cells() {
    let md = render(&fixture());
    let table: Vec<&str> = md
        .split("## Failures and warnings\n\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("table")
        .lines()
        .collect();
    // Header, separator, the failed MUST, the module-level failure, then the warning.
    assert_eq!(table.len(), 5, "{table:#?}");
    assert_eq!(
        table[2],
        "| `code-flow-basic` | [`idtoken.nonce.matches`](https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.3.1.3.7) \
         | MUST | ❌ fail | expected the nonce sent \\| in the ID token<br>(found another) &lt;script&gt;alert(1)&lt;/script&gt; |"
    );
    assert!(table[3].starts_with(
        "| `pkce-wrong-verifier` | `(module)` | MUST | ❌ fail | token endpoint unreachable"
    ));
    assert!(table[4].contains("[`discovery.scopes_supported.present`](https://openid.net/specs/openid-connect-discovery-1_0.html#rfc.section.3) | SHOULD | ⚠️ warn"));
    for row in &table {
        let unescaped = row
            .char_indices()
            .filter(|&(i, c)| c == '|' && !row[..i].ends_with('\\'));
        assert_eq!(unescaped.count(), 6, "five cells in {row}");
    }
}

#[test]
fn every_module_gets_a_collapsible_section_with_all_findings() {
    let report = fixture();
    let md = render(&report);
    assert_eq!(md.matches("<details>").count(), report.modules.len());
    assert_eq!(md.matches("</details>").count(), report.modules.len());
    for f in report.modules.iter().flat_map(|m| &m.findings) {
        assert!(
            md.contains(&format!("`{}`", f.check_id)),
            "{} missing",
            f.check_id
        );
    }
    assert!(md.contains("<summary>⏭️ <code>refresh-rotation</code> — skipped"));
    assert!(md.contains("> **Note:** refresh\\_token grant not offered"));
    assert!(
        md.contains("expected: n-0S6\\_WzA2Mj<br>actual: n-&lt;b&gt;&amp;\"other\"'"),
        "{md}"
    );
}

#[test]
fn a_clean_run_says_so() {
    let md = render(&report_with(vec![module("m", Vec::new())]));
    assert!(md.contains("**Result:** ✅ conformant"));
    assert!(md.contains("No failures or warnings."));
}

#[test]
fn a_huge_run_stays_under_the_step_summary_limit() {
    use crate::checks::{Level, Status};
    let long = "x".repeat(2_000);
    let modules = (0..40)
        .map(|i| {
            let findings = (0..20)
                .map(|j| {
                    let id = format!("c.{j}");
                    super::fixture::finding(&id, "OIDCC-2", Level::Must, Status::Fail, &long)
                })
                .collect();
            module(&format!("m{i}"), findings)
        })
        .collect();
    let md = render(&report_with(modules));
    assert!(md.len() <= 1_000_000, "{} bytes", md.len());
    assert!(md.contains("more rows omitted; see report.html."));
    assert!(md.contains("more modules omitted"));
    assert!(md.starts_with("# OIDC conformance: fixture-run\n"));
}
