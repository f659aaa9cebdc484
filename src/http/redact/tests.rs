//! Redaction by shape: tokens in bodies that are not strict JSON, compact JOSE strings anywhere,
//! session and anti-forgery values in fields, headers and URLs, and no redaction of plain words.

use super::shape::{assignments, compact_jose, json_members};
use super::{Redactor, fingerprint, is_sensitive_name};

const JWS: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSIsImF1ZCI6ImMifQ.c2lnbmF0dXJlLWJ5dGVz";
const JWE: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXYtYnl0ZXM.Y2lwaGVydGV4dA.dGFn";
const UNSIGNED: &str = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";

#[test]
fn compact_jose_strings_are_found_by_shape() {
    let text = format!("id={JWS} and \"{JWE}\", then ({UNSIGNED}) end");
    assert_eq!(compact_jose(&text), vec![JWS, JWE, UNSIGNED]);
    // Not a token: part of a longer word, too short a header, or a single dot.
    assert!(compact_jose(&format!("x{JWS}")).is_empty());
    assert!(compact_jose("eyJhbGci.eyJz.c2ln").is_empty());
    assert!(compact_jose("eyJhbGciOiJSUzI1NiJ9.only-one-dot").is_empty());
    // A fourth dot ends a JWS before it (three segments), a sentence's full stop included.
    assert_eq!(compact_jose(&format!("{JWS}. Next")), vec![JWS]);
}

#[test]
fn members_are_found_in_text_that_is_not_json() {
    let body = "\u{feff}{\"access_token\" : \"opaque-AT-1\", \"token_type\":\"Bearer\", \"refresh_token\":\"r\\\"t-2\"} trailing";
    assert_eq!(json_members(body, is_sensitive_name), vec!["opaque-AT-1", "r\\\"t-2"]);
    assert_eq!(assignments("<a href=\"/cb?state=s1&code=c0de-XYZ-1#x\">", is_sensitive_name), vec!["c0de-XYZ-1"]);
}

#[test]
fn a_token_response_with_a_bom_or_trailing_text_keeps_no_token() {
    for body in [
        format!("\u{feff}{{\"access_token\":\"AT-opaque-0001\",\"id_token\":\"{JWS}\",\"token_type\":\"Bearer\"}}"),
        format!("{{\"access_token\":\"AT-opaque-0001\",\"id_token\":\"{JWS}\"}} <!-- served by X -->"),
        format!("<html><body><pre>{{\"access_token\": \"AT-opaque-0001\", \"id_token\": \"{JWS}\"}}</pre></body></html>"),
    ] {
        let r = Redactor::new(vec![]);
        let out = r.text(&body);
        assert!(!out.contains("AT-opaque-0001") && !out.contains(JWS), "{out}");
        assert!(out.contains(&fingerprint(JWS)), "{out}");
        assert!(out.contains("Bearer") || !body.contains("Bearer"), "{out}");
    }
}

#[test]
fn a_jose_string_in_any_field_or_text_is_fingerprinted() {
    let r = Redactor::new(vec![]);
    let u = url::Url::parse(&format!("https://op.test/cb?assertion_x={JWE}")).unwrap();
    assert!(!r.url(&u).contains(JWE));
    assert_eq!(r.text(&format!("error: token {JWS} expired")), format!("error: token {} expired", fingerprint(JWS)));
}

#[test]
fn session_and_csrf_values_are_redacted_where_they_show() {
    let r = Redactor::new(vec![]);
    let csrf = "Zq3-csrf-9f8e7d6c5b";
    let page = format!("<form method=post><input type=hidden name=csrf_token value=\"{csrf}\"><input name=email></form>");
    assert!(!r.text(&page).contains(csrf));
    let form = r.form(&[("csrf_token".into(), csrf.into()), ("email".into(), "a@b.test".into())]);
    assert_eq!(form, format!("csrf_token={}&email=a%40b.test", fingerprint(csrf)));
    let interaction = "Int3raction-0a1b2c3d";
    let u = url::Url::parse(&format!("https://op.test/login?interaction={interaction}")).unwrap();
    assert_eq!(r.url(&u), format!("https://op.test/login?interaction={}", fingerprint(interaction)));
    assert_eq!(r.header("X-CSRF-Token", "h3ader-Csrf-77"), fingerprint("h3ader-Csrf-77"));
    assert!(!r.text(&format!("Location: /consent?x=1 ({csrf})")).contains(csrf), "learned values go everywhere");
}

#[test]
fn plain_words_under_session_names_are_not_learned() {
    let r = Redactor::new(vec![]);
    assert_eq!(r.form(&[("remember_session".into(), "true".into())]), format!("remember_session={}", fingerprint("true")));
    assert_eq!(r.text(r#"{"email_verified":true,"session":"interaction_required"}"#), r#"{"email_verified":true,"session":"interaction_required"}"#);
    assert!(r.text("the interaction_required error").contains("interaction_required"));
}
