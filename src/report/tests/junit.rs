//! JUnit writer: the output parses as XML and its structure matches the report.

use super::fixture::fixture;
use crate::report::{JunitWriter, MODULE_CHECK_ID, ReportWriter};

fn attr_usize(node: roxmltree::Node<'_, '_>, name: &str) -> usize {
    node.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("attribute {name}"))
}

#[test]
fn junit_parses_and_counts_match_the_report() {
    let report = fixture();
    let bytes = JunitWriter.render(&report).expect("render");
    let text = String::from_utf8(bytes).expect("utf-8");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), report.modules.len());
    let count = |tag: &str| doc.descendants().filter(|n| n.has_tag_name(tag)).count();
    // 7 findings + one synthetic case each for the failed-without-finding, skipped and error
    // modules.
    assert_eq!(count("testcase"), 10);
    assert_eq!(count("failure"), 2);
    assert_eq!(count("error"), 1);
    assert_eq!(count("skipped"), 2);
    assert_eq!(count("system-out"), 2, "one warning and one info note");
    assert_eq!(
        (attr_usize(root, "tests"), attr_usize(root, "failures"), attr_usize(root, "errors")),
        (10, 2, 1)
    );
    assert_eq!(attr_usize(root, "skipped"), 2);
    for (suite, module) in suites.iter().zip(&report.modules) {
        assert_eq!(suite.attribute("name"), Some(module.id.as_str()));
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(attr_usize(*suite, "tests"), cases.len());
        let failures = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("failure")));
        assert_eq!(attr_usize(*suite, "failures"), failures.count());
        for case in &cases {
            assert_eq!(case.attribute("classname"), Some(module.id.as_str()));
        }
    }
}

#[test]
fn failures_carry_level_message_and_evidence_unmangled() {
    let text = String::from_utf8(JunitWriter.render(&fixture()).expect("render")).expect("utf-8");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let case = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("idtoken.nonce.matches"))
        .expect("nonce case");
    let failure = case
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("failure");
    assert_eq!(failure.attribute("type"), Some("MUST"));
    let message = failure.attribute("message").expect("message");
    assert!(
        message.contains("| in the ID token\n(found another) <script>alert(1)</script>"),
        "{message}"
    );
    let body = failure.text().expect("body");
    assert!(body.contains("actual: n-<b>&\"other\"'"), "{body}");
    assert!(
        body.contains("https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.3.1.3.7")
    );
    assert!(!text.contains("<script>"), "raw markup leaked");

    let warn = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("discovery.scopes_supported.present"))
        .expect("warn case");
    assert!(
        warn.children().all(|n| !n.has_tag_name("failure")),
        "warnings must not fail CI"
    );
    let out = warn
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .expect("system-out");
    assert!(
        out.text()
            .expect("text")
            .starts_with("WARNING (SHOULD): expected scopes_supported")
    );

    let module_case = doc
        .descendants()
        .find(|n| {
            n.attribute("name") == Some(MODULE_CHECK_ID)
                && n.attribute("classname") == Some("pkce-wrong-verifier")
        })
        .expect("module-level case");
    let f = module_case
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("failure");
    assert_eq!(
        f.attribute("message"),
        Some("token endpoint unreachable: connection refused")
    );
}

#[test]
fn control_characters_are_dropped_so_the_xml_stays_valid() {
    let mut report = fixture();
    report.modules[1].findings[1].message = Some("bell\u{7} nul\u{0} esc\u{1b} end".into());
    let text = String::from_utf8(JunitWriter.render(&report).expect("render")).expect("utf-8");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML despite control chars");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("failure");
    assert_eq!(failure.attribute("message"), Some("bell nul esc end"));
    assert_eq!(JunitWriter.file_name(), "junit.xml");
}
