//! Tests for redirect_uri matching and authorization response parsing.

use url::Url;

use super::*;
use crate::form::parse_forms;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn matching_compares_scheme_host_port_path_and_registered_query() {
    let r = url("https://rp.test/cb?tenant=a");
    assert!(matches_redirect_uri(&url("https://RP.test:443/cb?code=x&tenant=a"), &r));
    assert!(
        !matches_redirect_uri(&url("https://rp.test/cb?code=x"), &r),
        "registered query missing"
    );
    assert!(!matches_redirect_uri(&url("http://rp.test/cb?tenant=a"), &r));
    assert!(!matches_redirect_uri(&url("https://rp.test:8443/cb?tenant=a"), &r));
    assert!(!matches_redirect_uri(&url("https://rp.test/cb/?tenant=a"), &r));
    assert!(!matches_redirect_uri(&url("https://evil.test/cb?tenant=a"), &r));
}

#[test]
fn query_response_keeps_order_and_repeats_without_registered_params() {
    let r = url("https://rp.test/cb?tenant=a");
    let loc = url("https://rp.test/cb?tenant=a&code=c1&state=s&state=s2&iss=https%3A%2F%2Fop.test");
    let resp = parse_redirect(&loc, &r).unwrap();
    assert_eq!(resp.source, ResponseSource::Query);
    assert_eq!(resp.code(), Some("c1"));
    assert_eq!(resp.state(), Some("s"));
    assert_eq!(resp.count("state"), 2);
    assert_eq!(resp.iss(), Some("https://op.test"));
    assert_eq!(resp.count("tenant"), 0);
    assert_eq!(resp.params.len(), 4);
    assert_eq!(resp.url, loc.as_str());
}

#[test]
fn error_response_is_parsed() {
    let r = url("https://rp.test/cb");
    let loc =
        url("https://rp.test/cb?error=access_denied&error_description=User+said+no&state=xyz");
    let resp = parse_redirect(&loc, &r).unwrap();
    assert_eq!(resp.error(), Some("access_denied"));
    assert_eq!(resp.error_description(), Some("User said no"));
    assert_eq!(resp.state(), Some("xyz"));
    assert_eq!(resp.code(), None);
}

#[test]
fn fragment_response_is_parsed_when_query_adds_nothing() {
    let r = url("https://rp.test/cb");
    let resp =
        parse_redirect(&url("https://rp.test/cb#code=c&id_token=a.b.c&state=s"), &r).unwrap();
    assert_eq!(resp.source, ResponseSource::Fragment);
    assert_eq!(resp.get("id_token"), Some("a.b.c"));
    // Query parameters win over a decorative fragment.
    let resp = parse_redirect(&url("https://rp.test/cb?code=c#_=_"), &r).unwrap();
    assert_eq!(resp.source, ResponseSource::Query);
    assert_eq!(resp.params, [("code".to_owned(), "c".to_owned())]);
}

#[test]
fn redirect_elsewhere_is_not_a_response() {
    assert!(
        parse_redirect(&url("https://op.test/login?code=x"), &url("https://rp.test/cb")).is_none()
    );
}

#[test]
fn form_post_response_reads_hidden_fields() {
    let html = r#"<form method="post" action="https://rp.test/cb"><input type="hidden" name="code" value="c">
        <input type="hidden" name="state" value="s"></form>"#;
    let forms = parse_forms(html, &url("https://op.test/authorize"));
    let resp = parse_form_post(&forms[0], &url("https://rp.test/cb")).unwrap();
    assert_eq!(resp.source, ResponseSource::FormPost);
    assert_eq!(resp.code(), Some("c"));
    assert_eq!(resp.state(), Some("s"));
    assert!(parse_form_post(&forms[0], &url("https://rp.test/other")).is_none());
    let get = parse_forms(&html.replace("method=\"post\"", ""), &url("https://op.test/a"));
    assert!(parse_form_post(&get[0], &url("https://rp.test/cb")).is_none(), "GET is not form_post");
}
