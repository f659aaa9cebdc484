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
