//! HTML writer: self-contained (no external resources), complete, and escaped.

use super::fixture::fixture;
use crate::report::{HtmlWriter, ReportWriter};

fn render() -> String {
    String::from_utf8(HtmlWriter.render(&fixture()).expect("render")).expect("utf-8")
}

#[test]
fn html_references_no_external_resource() {
    let html = render();
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "<link", "<img", "@import", "url(", "<iframe", "<object", "<embed", " src=",
    ] {
        assert!(
            !lower.contains(banned),
            "found {banned:?} in the HTML report"
        );
    }
    // The only http(s) URLs in attributes are spec links in <a href>.
    for (i, _) in lower.match_indices("=\"http") {
        let before = &lower[..i];
        assert!(before.ends_with("href"), "non-link URL attribute at {i}");
        let tag_start = before.rfind('<').expect("inside a tag");
        assert!(
            lower[tag_start..].starts_with("<a "),
            "href outside <a> at {i}"
        );
    }
    assert!(lower.starts_with("<!doctype html>"));
    assert!(html.contains("<style>") && html.trim_end().ends_with("</html>"));
}

#[test]
fn every_finding_and_module_appears_with_spec_links() {
    let report = fixture();
    let html = render();
    for m in &report.modules {
        assert!(
            html.contains(&format!("id=\"m-{}\"", m.id)),
            "module {}",
            m.id
        );
        assert!(html.contains(&format!(
            "<section class=\"module m-{}",
            crate::report::markup::module_status_word(m.status)
        )));
        for f in &m.findings {
            assert!(
                html.contains(&format!("<code>{}</code>", f.check_id)),
                "{}",
                f.check_id
            );
        }
    }
    assert!(html.contains(
        "<a class=\"spec\" href=\"https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.3.1.3.7\">OIDCC-3.1.3.7-11</a>"
    ));
    assert_eq!(
        html.matches("<tr class=\"f-fail\">").count(),
        3,
        "2 in the issues table, 1 in the module"
    );
}

#[test]
fn report_text_is_escaped() {
    let html = render();
    assert!(html.contains("(found another) &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(
        html.contains("<pre>n-&lt;b&gt;&amp;&quot;other&quot;&#39;</pre>"),
        "evidence escaped"
    );
    assert!(
        html.contains("/userinfo?x=&lt;&amp;&gt;"),
        "transcript URL escaped"
    );
}

#[test]
fn transcripts_are_collapsible_per_module() {
    let html = render();
    assert_eq!(html.matches("<details class=\"transcript\">").count(), 2);
    assert!(html.contains("Transcript (2 exchanges, redacted)"));
    assert!(html.contains("authorization: Basic [redacted]"));
    assert!(html.contains("→ <span class=\"error\">connection refused</span>"));
    assert!(html.contains("→ <b>200</b>"));
    assert_eq!(HtmlWriter.file_name(), "report.html");
}

#[test]
fn the_page_opens_with_the_threats_then_ranked_failures() {
    let html = render();
    let threats = html.find("<h2>Threats</h2>").expect("threat section");
    let issues = html.find("<h2>Failures and warnings</h2>").expect("issues");
    assert!(threats < issues);
    let section = &html[threats..issues];
    assert!(section.contains("<tr class=\"t-partial\"><td><code>T-ID-TOKEN-SUBSTITUTION</code>"), "{section}");
    assert!(section.contains("<div>C-NONCE-ECHO absent: idtoken.nonce.matches fail (code-flow-basic)</div>"), "{section}");
    assert!(section.contains("<span class=\"badge t-untested\">not tested</span>"), "{section}");
    let rows = &html[issues..];
    let nonce = rows.find("<code>idtoken.nonce.matches</code>").expect("nonce row");
    let module = rows.find("<code>(module)</code>").expect("module row");
    assert!(nonce < module, "a failure leaving threats open ranks first");
    assert!(rows.contains("<td><code>T-CODE-INJECTION</code><br><code>T-ID-TOKEN-SUBSTITUTION</code><br><code>T-CSRF-AUTHZ</code></td>"));
}
