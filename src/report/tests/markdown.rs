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
        .and_then(|rest| rest.split("\n\n").nth(1))
        .expect("table")
        .lines()
        .collect();
    // Header, separator, the failed MUST that leaves threats open, the module-level failure
    // (no threat), then the warning.
    assert_eq!(table.len(), 5, "{table:#?}");
    assert_eq!(
        table[2],
        "| `code-flow-basic` | [`idtoken.nonce.matches`](https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.3.1.3.7) \
         | MUST | ❌ fail | `T-CODE-INJECTION`, `T-ID-TOKEN-SUBSTITUTION`, `T-CSRF-AUTHZ` \
         | expected the nonce sent \\| in the ID token<br>(found another) &lt;script&gt;alert(1)&lt;/script&gt; |"
    );
    assert!(table[3].starts_with(
        "| `pkce-wrong-verifier` | `(module)` | MUST | ❌ fail | — | token endpoint unreachable"
    ));
    assert!(table[4].contains("[`discovery.scopes_supported.present`](https://openid.net/specs/openid-connect-discovery-1_0.html#rfc.section.3) | SHOULD | ⚠️ warn | — |"));
    for row in &table {
        let unescaped = row
            .char_indices()
            .filter(|&(i, c)| c == '|' && !row[..i].ends_with('\\'));
        assert_eq!(unescaped.count(), 7, "six cells in {row}");
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
                    let id = format!("c.{i}.{j}");
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

#[test]
fn the_report_opens_with_the_open_threats_and_collapses_the_rest() {
    let md = render(&fixture());
    let threats = md.find("## Threats\n").expect("threat section");
    assert!(threats < md.find("## Failures and warnings").expect("issues"), "threats come first");
    let section = &md[threats..md.find("## Failures and warnings").expect("issues")];
    assert!(section.contains("| Threat | Status | Countermeasures missing | Not tested |"), "{section}");
    assert!(
        section.contains("| `T-ID-TOKEN-SUBSTITUTION` an ID token of another client, session or issuer swapped in | ⚠️ partially mitigated \
         | C-NONCE-ECHO absent: idtoken.nonce.matches fail (code-flow-basic) |"),
        "{section}"
    );
    assert!(section.contains("❔ not tested"), "{section}");
    assert!(section.find("partially mitigated").expect("partial") < section.find("not tested |").expect("untested"));
    // Mitigated threats are collapsed below the open ones.
    use crate::checks::{Level, Status};
    let pass = |id: &str| super::fixture::finding(id, "RFC6749-5.1", Level::Must, Status::Pass, "");
    let md = render(&report_with(vec![module("code-flow", vec![pass("token.cache_control.no_store"), pass("token.pragma.no_cache")])]));
    let (open, rest) = md.split_once("<details><summary>1 mitigated or not applicable</summary>").expect("collapsed rest");
    assert!(!open.contains("T-CACHE-LEAK") && rest.contains("| `T-CACHE-LEAK` a token response kept by a browser or proxy cache | ✅ mitigated |"), "{md}");
}

#[test]
fn one_check_failing_in_several_modules_is_one_row_ranked_by_its_threats() {
    use crate::checks::{Level, Status};
    use super::fixture::finding;
    let fail = |id: &str| finding(id, "RFC6749-5.1", Level::Must, Status::Fail, "broken");
    let report = report_with(vec![
        module("a", vec![fail("token.error.code_registered"), fail("token.cache_control.no_store")]),
        module("b", vec![fail("token.cache_control.no_store")]),
    ]);
    let md = render(&report);
    let table = md.split("## Failures and warnings\n\n").nth(1).expect("table");
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| `")).collect();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert!(rows[0].starts_with("| `a`, `b` | [`token.cache_control.no_store`]"), "the leak first: {}", rows[0]);
    assert!(rows[0].contains("| `T-CACHE-LEAK`, "), "the unmitigated threat first: {}", rows[0]);
    assert!(rows[1].starts_with("| `a` | [`token.error.code_registered`]"), "format rule last: {}", rows[1]);
}
