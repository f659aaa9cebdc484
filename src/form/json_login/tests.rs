//! Template rendering, the login request and the judgement of the API's answer.

use serde_json::json;
use url::Url;

use super::*;

const PAGE: &str = "https://op.example/ui/login?flow=f-1%2B2&lang=en";

fn config(toml_text: &str) -> JsonLogin {
    toml::from_str(toml_text).unwrap()
}

fn basic() -> JsonLogin {
    config(
        r#"
        url = "{origin}/api/login?flow={query.flow}"
        body = '{"username": "{username}", "password": "{password}", "flow": "{query.flow}"}'
        continue = "{json.redirect_to}"
        "#,
    )
}

fn vars<'a>(page: &'a Url, cookies: Option<&'a str>) -> Vars<'a> {
    Vars { page, cookies, username: "anne@example.test", password: "p\"w{x}", json: None, taken: &[] }
}

fn response(status: u16, url: &str, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    HttpResponse {
        status,
        url: Url::parse(url).unwrap(),
        headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn json_body_escapes_values_and_keeps_literal_braces() {
    let page = Url::parse(PAGE).unwrap();
    let req = basic().request(&vars(&page, None)).unwrap();
    assert_eq!(req.method, reqwest::Method::POST);
    assert_eq!(req.url.as_str(), "https://op.example/api/login?flow=f-1%2B2");
    let body: serde_json::Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(body, json!({ "username": "anne@example.test", "password": "p\"w{x}", "flow": "f-1+2" }));
    let header = |n: &str| req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| v.as_str());
    assert_eq!(header("content-type"), Some("application/json"));
    assert_eq!(header("accept"), Some("application/json"));
    assert_eq!(header("origin"), Some("https://op.example"));
    assert!(!format!("{req:?}").contains("p\\\"w"), "Debug must not show the body");
}

#[test]
fn form_body_and_method_and_csrf_cookie() {
    let page = Url::parse(PAGE).unwrap();
    let c = config(
        r#"
        url = "/api/session"
        method = "PUT"
        content_type = "application/x-www-form-urlencoded"
        body = "user={username}&pw={password}&t={cookie.csrf}"
        csrf_cookie = "csrf"
        csrf_header = "X-XSRF-TOKEN"
        "#,
    );
    c.validate().unwrap();
    let req = c.request(&vars(&page, Some("sid=1; csrf=tok%3D"))).unwrap();
    assert_eq!((req.method.as_str(), req.url.as_str()), ("PUT", "https://op.example/api/session"));
    assert_eq!(req.body.as_deref(), Some("user=anne%40example.test&pw=p%22w%7Bx%7D&t=tok%253D"));
    assert!(req.headers.iter().any(|(k, v)| k == "X-XSRF-TOKEN" && v == "tok%3D"));
    let e = c.request(&vars(&page, Some("sid=1"))).unwrap_err();
    assert!(e.contains("cookie csrf"), "{e}");
}

#[test]
fn unknown_or_missing_placeholders_are_errors() {
    let page = Url::parse("https://op.example/login").unwrap();
    let e = basic().request(&vars(&page, None)).unwrap_err();
    assert_eq!(e, "expected query parameter flow in the login page URL for {query.flow} (found none)");
    let c = config("url = \"{origin}/{nope}\"\nbody = \"{}\"");
    assert_eq!(c.request(&vars(&page, None)).unwrap_err(), "expected a known placeholder (found {nope})");
    let bad = config("url = \"/x\"\nbody = \"\"\nmethod = \"P OST\"");
    assert!(bad.validate().is_err());
    let header_only = config("url = \"/x\"\nbody = \"\"\ncsrf_header = \"X\"");
    assert!(header_only.validate().unwrap_err().contains("csrf_cookie"));
    assert!(toml::from_str::<JsonLogin>("url = \"/x\"\nbody = \"\"\nbogus = 1").is_err());
}

#[test]
fn answers_continue_reject_or_fail() {
    let page = Url::parse(PAGE).unwrap();
    let v = vars(&page, None);
    let api = "https://op.example/api/login";
    let ok = response(200, api, &[], r#"{"redirect_to": "/authorize/resume?x=1&y=%2F", "n": {"id": 7}}"#);
    assert_eq!(basic().judge(&ok, &v), ApiAnswer::Continue(Url::parse("https://op.example/authorize/resume?x=1&y=%2F").unwrap()));
    let pointer = config("url = \"/x\"\nbody = \"\"\ncontinue = \"/next/{json./n/id}?p={path}\"");
    assert_eq!(pointer.judge(&ok, &v), ApiAnswer::Continue(Url::parse("https://op.example/next/7?p=/ui/login").unwrap()));
    let default = config("url = \"/x\"\nbody = \"\"");
    assert_eq!(default.judge(&ok, &v), ApiAnswer::Continue(page.clone()));
    let redirect = response(303, api, &[("location", "/consent")], "");
    assert_eq!(basic().judge(&redirect, &v), ApiAnswer::Continue(Url::parse("https://op.example/consent").unwrap()));
    for status in [400, 401, 403, 422] {
        assert_eq!(basic().judge(&response(status, api, &[], r#"{"error":"bad"}"#), &v), ApiAnswer::Rejected, "{status}");
    }
    let ApiAnswer::Failed(e) = basic().judge(&response(404, api, &[], ""), &v) else { panic!("404 is a configuration error") };
    assert!(e.contains("found 404"), "{e}");
    let ApiAnswer::Failed(e) = basic().judge(&response(502, api, &[], ""), &v) else { panic!("502 is no rejection") };
    assert!(e.contains("found 502"), "{e}");
    let ApiAnswer::Failed(e) = basic().judge(&response(200, api, &[], r#"{"other": 1}"#), &v) else { panic!("missing field") };
    assert!(e.contains("JSON field redirect_to"), "{e}");
}

#[test]
fn login_page_matching() {
    let any = basic();
    let by_path = config("page = \"/ui/login\"\nurl = \"/x\"\nbody = \"\"");
    let by_url = config("page = \"https://op.example/ui/\"\nurl = \"/x\"\nbody = \"\"");
    let login = Url::parse(PAGE).unwrap();
    let error = Url::parse("https://op.example/error").unwrap();
    assert!(any.is_login_page(&error));
    assert!(by_path.is_login_page(&login) && !by_path.is_login_page(&error));
    assert!(by_url.is_login_page(&login) && !by_url.is_login_page(&error));
}

#[test]
fn steps_take_values_that_later_templates_use_raw_or_encoded() {
    let page = Url::parse(PAGE).unwrap();
    let c = config(
        r#"
        url = "{origin}/api/login?next={raw:query.flow}&flow={query.flow}"
        body = '{"u": "{username}"}'
        headers = { "X-CSRF-Token" = "{take.csrf}" }
        [[before]]
        url = "{origin}/api/state?flow={query.flow}"
        take = { csrf = "csrf.token", n = "/count" }
        "#,
    );
    let step = &c.before[0];
    let req = step.request(&vars(&page, None)).unwrap();
    assert_eq!((req.method.as_str(), req.url.as_str()), ("GET", "https://op.example/api/state?flow=f-1%2B2"));
    let answer = response(200, "https://op.example/api/state", &[], r#"{"csrf": {"token": "t\"1"}, "count": 3}"#);
    let taken = step.take_from(&answer, 0).unwrap();
    assert_eq!(taken, [("csrf".to_owned(), "t\"1".to_owned()), ("n".to_owned(), "3".to_owned())]);
    let login = c.request(&Vars { taken: &taken, ..vars(&page, None) }).unwrap();
    // {raw:query.flow} as it is (decoded value), {query.flow} percent-encoded.
    assert_eq!(login.url.as_str(), "https://op.example/api/login?next=f-1+2&flow=f-1%2B2");
    let header = login.headers.iter().find(|(k, _)| k == "X-CSRF-Token").map(|(_, v)| v.as_str());
    assert_eq!(header, Some("t\"1"));
    // A missing field or a refused step stops with a reason naming the step.
    let e = step.take_from(&response(200, "https://op.example/a", &[], "{}"), 0).unwrap_err();
    assert!(e.contains("csrf.token") && e.contains("before[0]"), "{e}");
    let e = step.take_from(&response(403, "https://op.example/a", &[], "{}"), 0).unwrap_err();
    assert!(e.contains("found 403"), "{e}");
    // Without the step's value, the login template names what is missing.
    assert!(c.request(&vars(&page, None)).unwrap_err().contains("take"));
}
