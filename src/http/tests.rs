//! Tests for the agent (against a wiremock server) and for redaction.

use std::time::{Duration, Instant};

use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

const CLIENT_SECRET: &str = "s3cret-client-Zq9";
const PASSWORD: &str = "hunter2 pw&x";
const CODE: &str = "SplxlOBeZQQYbYS6WxSbIA";

fn agent_with(cfg: AgentConfig) -> Browser {
    Browser::new(&cfg, Redactor::new(vec![CLIENT_SECRET.into(), PASSWORD.into()])).unwrap()
}

fn agent() -> Browser {
    agent_with(AgentConfig::default())
}

fn sorted_cookies(header: &str) -> Vec<String> {
    let mut v: Vec<String> = header.split("; ").map(str::to_owned).collect();
    v.sort();
    v
}

fn at(server: &MockServer, p: &str) -> Url {
    Url::parse(&format!("{}{p}", server.uri())).unwrap()
}

#[tokio::test]
async fn redirects_are_returned_not_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "next?x=1"))
        .mount(&server)
        .await;
    Mock::given(path("/next"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let a = agent();
    let resp = a.send(HttpRequest::get(at(&server, "/start"))).await.unwrap();
    assert_eq!(resp.status, 302);
    assert!(resp.is_redirect());
    assert_eq!(resp.location().unwrap(), at(&server, "/next?x=1"));
    assert_eq!(a.take_transcript().len(), 1);
    assert!(a.take_transcript().is_empty(), "take_transcript drains");
}

#[tokio::test]
async fn cookies_expire_clear_and_yield_to_an_explicit_cookie_header() {
    let server = MockServer::start().await;
    Mock::given(path("/set"))
        .respond_with(
            ResponseTemplate::new(200)
                .append_header("set-cookie", "sid=abc; Path=/")
                .append_header("set-cookie", "gone=1; Path=/; Max-Age=0")
                .append_header("set-cookie", "no equals sign"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/echo"))
        .and(|r: &wiremock::Request| r.headers.get("cookie").and_then(|v| v.to_str().ok()) == Some("own=1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let a = agent();
    a.send(HttpRequest::get(at(&server, "/set"))).await.unwrap();
    // An expired cookie and a malformed Set-Cookie are not kept.
    assert_eq!(a.cookie_header_for(&at(&server, "/x")).as_deref(), Some("sid=abc"));
    let resp = a.send(HttpRequest::get(at(&server, "/echo")).header("Cookie", "own=1")).await.unwrap();
    assert_eq!(resp.status, 204, "the caller's Cookie header is sent alone, as set");
    // The transcript shows what was sent: one Cookie header, the caller's (redacted).
    let sent = a.take_transcript().pop().unwrap().request_headers;
    let cookies: Vec<_> = sent.iter().filter(|(k, _)| k == "cookie").collect();
    assert_eq!(cookies.len(), 1, "{sent:?}");
    assert!(!cookies[0].1.contains("abc"), "{sent:?}");
    a.clear_cookies();
    assert_eq!(a.cookie_header_for(&at(&server, "/x")), None);
}

#[tokio::test]
async fn cookie_jar_honours_path_and_fresh_jar_is_empty() {
    let server = MockServer::start().await;
    Mock::given(path("/app/login"))
        .respond_with(
            ResponseTemplate::new(200)
                .append_header("set-cookie", "sid=abc; Path=/app; HttpOnly")
                .append_header("set-cookie", "lang=fr; Path=/"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/app/check"))
        .and(|r: &wiremock::Request| {
            r.headers.get("cookie").and_then(|v| v.to_str().ok()).map(sorted_cookies)
                == Some(vec!["lang=fr".to_owned(), "sid=abc".to_owned()])
        })
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let a = agent();
    let resp = a.send(HttpRequest::get(at(&server, "/app/login"))).await.unwrap();
    assert_eq!(resp.header_all("set-cookie").len(), 2);
    let app_cookies = a.cookie_header_for(&at(&server, "/app/x")).map(|c| sorted_cookies(&c));
    assert_eq!(app_cookies, Some(vec!["lang=fr".to_owned(), "sid=abc".to_owned()]));
    assert_eq!(a.cookie_header_for(&at(&server, "/other")).as_deref(), Some("lang=fr"));
    let resp = a.send(HttpRequest::get(at(&server, "/app/check"))).await.unwrap();
    assert_eq!(resp.status, 204, "the jar sent both cookies to /app/check");

    let fresh = a.with_fresh_cookies().unwrap();
    assert_eq!(fresh.cookie_header_for(&at(&server, "/app/x")), None);
    assert_eq!(a.cookie_header_for(&at(&server, "/other")).as_deref(), Some("lang=fr"));
    // The fresh agent shares the transcript.
    fresh.send(HttpRequest::get(at(&server, "/other"))).await.unwrap();
    let t = a.take_transcript();
    assert_eq!(t.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    // Cookie values never reach the transcript.
    let json = serde_json::to_string(&t).unwrap();
    assert!(!json.contains("abc"), "{json}");
    assert!(json.contains("sid=[redacted]"));
}

#[tokio::test]
async fn body_over_the_cap_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(5000)))
        .mount(&server)
        .await;
    Mock::given(path("/fits"))
        .respond_with(ResponseTemplate::new(200).set_body_string("y".repeat(1024)))
        .mount(&server)
        .await;
    let a = agent_with(AgentConfig { max_body_bytes: 1024, ..AgentConfig::default() });
    let err = a.send(HttpRequest::get(at(&server, "/big"))).await.unwrap_err();
    assert!(matches!(err, AgentError::BodyTooLarge { limit: 1024, .. }), "{err}");
    let ok = a.send(HttpRequest::get(at(&server, "/fits"))).await.unwrap();
    assert_eq!(ok.body.len(), 1024);
    let t = a.take_transcript();
    assert!(t[0].error.as_deref().unwrap().contains("at most 1024 bytes"));
    assert_eq!(t[0].status, None);
}

#[tokio::test]
async fn slow_response_times_out() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let a =
        agent_with(AgentConfig { timeout: Duration::from_millis(200), ..AgentConfig::default() });
    let started = Instant::now();
    let err = a.send(HttpRequest::get(at(&server, "/slow"))).await.unwrap_err();
    assert!(matches!(err, AgentError::Timeout { timeout_ms: 200, .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn transcript_never_holds_secrets_codes_or_tokens() {
    let server = MockServer::start().await;
    let cb = format!("https://rp.test/cb?code={CODE}&state=st-1");
    Mock::given(path("/authorize"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", cb.as_str())
                .set_body_string(format!("Found. Redirecting to {cb}")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "at-7f3a9c1e55", "id_token": "eyJhbGciOi.eyJzdWIi.sig-Qx", "token_type": "Bearer"
        })))
        .mount(&server)
        .await;
    Mock::given(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"<html><body><form method="post" action="https://rp.test/cb">
            <input type="hidden" name="code" value="{CODE}"></form></body></html>"#
        )))
        .mount(&server)
        .await;
    let a = agent();
    a.send(HttpRequest::get(at(&server, "/authorize?client_id=c&state=st-1"))).await.unwrap();
    let login = HttpRequest::post_form(
        at(&server, "/login"),
        vec![("username".into(), "anne".into()), ("password".into(), PASSWORD.into())],
    );
    a.send(login).await.unwrap();
    let token = HttpRequest::post_form(
        at(&server, &format!("/token?code={CODE}")),
        vec![
            ("grant_type".into(), "authorization_code".into()),
            ("code".into(), CODE.into()),
            ("code_verifier".into(), "verifier-0123456789abcdef".into()),
            ("note".into(), format!("secret is {CLIENT_SECRET}")),
        ],
    )
    .basic("client-1", CLIENT_SECRET);
    a.send(token).await.unwrap();
    a.send(HttpRequest::get(at(&server, "/userinfo")).bearer("at-7f3a9c1e55")).await.unwrap();

    let json = serde_json::to_string(&a.take_transcript()).unwrap();
    for secret in
        [CLIENT_SECRET, PASSWORD, "hunter2", CODE, "at-7f3a9c1e55", "sig-Qx", "verifier-0123"]
    {
        assert!(!json.contains(secret), "{secret} leaked: {json}");
    }
    let fp = fingerprint(CODE);
    assert!(json.matches(fp.as_str()).count() >= 4, "the code's fingerprint correlates: {json}");
    assert!(json.contains("state=st-1"), "non-secret parameters are kept");
    assert!(json.contains("Basic [redacted]"));
    assert!(json.contains("Bearer [redacted]"));
}

#[test]
fn redactor_url_keeps_encoding_and_fingerprints_sensitive_params() {
    let r = Redactor::new(vec![]);
    let u =
        Url::parse("https://rp.test/cb?state=a%20b&code=xyz123#access_token=tok-999&x=1").unwrap();
    let out = r.url(&u);
    assert_eq!(
        out,
        format!(
            "https://rp.test/cb?state=a%20b&code={}#access_token={}&x=1",
            fingerprint("xyz123"),
            fingerprint("tok-999")
        )
    );
    assert_eq!(fingerprint("xyz123").len(), "[redacted:".len() + 8 + 1);
    // Learned values are redacted in later free text.
    assert_eq!(r.text("echo xyz123"), format!("echo {}", fingerprint("xyz123")));
}

#[test]
fn redactor_headers_and_truncation() {
    let r = Redactor::new(vec!["pw".into(), String::new()]);
    assert_eq!(r.header("Authorization", "Basic Y2xpZW50OnNlY3JldA=="), "Basic [redacted]");
    assert_eq!(r.header("cookie", "a=1; b=2"), "a=[redacted]; b=[redacted]");
    assert_eq!(
        r.header("set-cookie", "sid=9; Path=/; HttpOnly"),
        "sid=[redacted]; Path=/; HttpOnly"
    );
    assert_eq!(
        r.form(&[("password".into(), "pw".into()), ("u".into(), "a b".into())]),
        format!("password={}&u=a+b", fingerprint("pw"))
    );
    let long = "é".repeat(3000);
    let out = r.text(&long);
    assert!(out.len() < MAX_EXCERPT_BYTES + 40);
    assert!(out.ends_with("[truncated; 6000 bytes in all]"), "{out}");
    assert_eq!(
        r.text(r#"{"refresh_token":"rt-abcdef","n":1}"#),
        format!(r#"{{"refresh_token":"{}","n":1}}"#, fingerprint("rt-abcdef"))
    );
    assert_eq!(
        r.header("Location", "/cb?state=s&code=rel-code-1#id_token=t0k3n"),
        format!("/cb?state=s&code={}#id_token={}", fingerprint("rel-code-1"), fingerprint("t0k3n"))
    );
    assert!(is_sensitive_name("ID_TOKEN"));
    assert!(is_sensitive_name("csrf_token"), "anti-forgery values are session secrets");
}

#[test]
fn excerpts_never_show_part_of_a_secret_whatever_the_cut() {
    let secret = "SECRETPASSWORD-XYZ";
    let r = Redactor::new(vec![secret.into()]);
    let (a, b) = ("a".repeat(3000), "b".repeat(3000));
    for pad in (1000..9000).step_by(97) {
        let body = format!(
            r#"{{"id_token":"{a}","access_token":"{b}","n":"{}{secret}"}}"#,
            "c".repeat(pad)
        );
        let out = r.text(&body);
        assert!(out.len() <= MAX_EXCERPT_BYTES + 64);
        assert!(!out.contains("SECRETPAS") && !out.contains("aaaa"), "pad {pad}: {out}");
    }
}

#[test]
fn redactor_debug_shows_no_secret() {
    let r = Redactor::new(vec!["topsecret".into()]);
    r.form(&[("code".into(), "code-value-1".into())]);
    let dbg = format!("{r:?}");
    assert!(!dbg.contains("topsecret") && !dbg.contains("code-value-1"), "{dbg}");
}

#[test]
fn bad_ca_files_are_reported_and_insecure_mode_builds() {
    let missing =
        AgentConfig { ca_file: Some("/nonexistent/ca.pem".into()), ..AgentConfig::default() };
    assert!(matches!(
        Browser::new(&missing, Redactor::default()),
        Err(AgentError::CaFileRead { .. })
    ));
    let dir = std::env::temp_dir().join(format!("oidc-harness-ca-{}", std::process::id()));
    std::fs::write(&dir, "not a certificate").unwrap();
    let garbage = AgentConfig { ca_file: Some(dir.clone()), ..AgentConfig::default() };
    let err = Browser::new(&garbage, Redactor::default()).unwrap_err();
    std::fs::remove_file(&dir).unwrap();
    assert!(matches!(err, AgentError::CaFileInvalid { .. }), "{err}");
    let insecure = AgentConfig { insecure_skip_tls_verify: true, ..AgentConfig::default() };
    assert!(Browser::new(&insecure, Redactor::default()).is_ok());
}

#[test]
fn response_helpers() {
    let resp = HttpResponse {
        status: 303,
        url: Url::parse("https://op.test/a/b").unwrap(),
        headers: vec![
            ("location".into(), " ../c?d=1 ".into()),
            ("x".into(), "1".into()),
            ("x".into(), "2".into()),
        ],
        body: br#"{"k":"v"}"#.to_vec(),
    };
    assert!(resp.is_redirect());
    assert_eq!(resp.location().unwrap().as_str(), "https://op.test/c?d=1");
    assert_eq!(resp.header("X"), Some("1"));
    assert_eq!(resp.header_all("x"), ["1", "2"]);
    assert_eq!(resp.json().unwrap()["k"], "v");
    let not = HttpResponse { status: 200, ..resp };
    assert!(!not.is_redirect());
}

#[test]
fn request_debug_shows_no_secret() {
    let req = HttpRequest::post_form(
        Url::parse("https://op.test/token?code=c-123456").unwrap(),
        vec![("client_secret".into(), "cs-98765".into())],
    )
    .basic("client-1", "bs-55555")
    .bearer("tok-44444")
    .header("x-api-key", "k-33333");
    let dbg = format!("{req:?}");
    for s in ["c-123456", "cs-98765", "bs-55555", "tok-44444", "k-33333"] {
        assert!(!dbg.contains(s), "{s} in {dbg}");
    }
    assert!(dbg.contains("client-1") && dbg.contains("client_secret") && dbg.contains("x-api-key"));
    let a = Browser::new(&AgentConfig::default(), Redactor::new(vec!["zz-secret".into()])).unwrap();
    assert!(!format!("{a:?}").contains("zz-secret"));
}

/// A one-shot HTTP/1.1 server streaming an endless chunked body (no Content-Length), so the
/// cap can only be enforced while reading. Gives up after 64 MiB so a bug cannot hang the test.
fn endless_chunked_server() -> Url {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let mut seen = Vec::new();
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = conn.read(&mut buf).unwrap();
            if n == 0 {
                return;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n";
        if conn.write_all(head.as_bytes()).is_err() {
            return;
        }
        let chunk = format!("1000\r\n{}\r\n", "z".repeat(0x1000));
        for _ in 0..(64 * 1024 * 1024 / 0x1000) {
            if conn.write_all(chunk.as_bytes()).is_err() {
                return;
            }
        }
    });
    Url::parse(&format!("http://{addr}/stream")).unwrap()
}

#[tokio::test]
async fn endless_chunked_body_stops_at_the_cap() {
    let url = endless_chunked_server();
    let a = agent_with(AgentConfig { max_body_bytes: 64 * 1024, ..AgentConfig::default() });
    let started = Instant::now();
    let err = a.send(HttpRequest::get(url)).await.unwrap_err();
    assert!(matches!(err, AgentError::BodyTooLarge { limit: 65536, .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn transport_errors_carry_a_redacted_url() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url =
        Url::parse(&format!("http://127.0.0.1:{port}/cb?code=conn-code-777&state=s")).unwrap();
    let a = agent();
    let err = a.send(HttpRequest::get(url)).await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, AgentError::Transport { .. }), "{msg}");
    assert!(!msg.contains("conn-code-777") && msg.contains("state=s"), "{msg}");
    let t = a.take_transcript();
    assert_eq!(t[0].status, None);
    assert!(!t[0].error.as_deref().unwrap().contains("conn-code-777"));
}

#[test]
fn cookie_values_echoed_in_a_page_are_redacted() {
    let r = Redactor::new(vec![]);
    assert_eq!(r.header("set-cookie", "sid=s3ss10n-value; Path=/; HttpOnly"), "sid=[redacted]; Path=/; HttpOnly");
    let body = r.text("<pre>DEBUG session: s3ss10n-value</pre>");
    assert!(!body.contains("s3ss10n-value"), "{body}");
    let _ = r.header("cookie", "other=c00kie-two");
    assert!(!r.text("c00kie-two").contains("c00kie-two"));
}

#[test]
fn body_text_borrows_valid_utf8_and_replaces_invalid_bytes() {
    let resp = |body: &[u8]| HttpResponse {
        status: 200,
        url: Url::parse("https://op.example/page").unwrap(),
        headers: Vec::new(),
        body: body.to_vec(),
    };
    let ok = resp("<form>é</form>".as_bytes());
    assert!(matches!(ok.text_ref(), std::borrow::Cow::Borrowed("<form>é</form>")));
    let bad = resp(b"<p>\xff</p>");
    assert_eq!(bad.text_ref(), "<p>\u{fffd}</p>");
    assert_eq!(bad.text(), "<p>\u{fffd}</p>");
}

#[tokio::test]
async fn the_back_channel_sends_no_cookie_and_keeps_none_while_the_browser_does() {
    let server = MockServer::start().await;
    Mock::given(path("/login"))
        .respond_with(ResponseTemplate::new(200).insert_header("set-cookie", "session=abc; Path=/"))
        .mount(&server)
        .await;
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(200).insert_header("set-cookie", "rp=xyz; Path=/"))
        .mount(&server)
        .await;
    let browser = agent();
    let back = browser.back_channel();
    browser.send(HttpRequest::get(at(&server, "/login"))).await.unwrap();
    assert_eq!(browser.cookie_header_for(&at(&server, "/token")).as_deref(), Some("session=abc"));
    back.send(HttpRequest::post_form(at(&server, "/token"), vec![("grant_type".into(), "x".into())])).await.unwrap();
    browser.send(HttpRequest::get(at(&server, "/login"))).await.unwrap();
    let received = server.received_requests().await.unwrap();
    let cookie_of = |i: usize| received[i].headers.get("cookie").map(|v| v.to_str().unwrap().to_owned());
    // The browser's second visit carries its session; the token request carries nothing.
    assert_eq!(cookie_of(1), None, "the back channel sent a cookie");
    assert_eq!(cookie_of(2).as_deref(), Some("session=abc"));
    // What the token endpoint set went nowhere: not into the browser's jar either.
    assert_eq!(browser.cookie_header_for(&at(&server, "/token")).as_deref(), Some("session=abc"));
    // One transcript for both, in order; the back-channel exchange records no cookie.
    let t = browser.take_transcript();
    assert_eq!(t.iter().map(|e| e.method.as_str()).collect::<Vec<_>>(), ["GET", "POST", "GET"]);
    assert!(!t[1].request_headers.iter().any(|(n, _)| n == "cookie"), "{:?}", t[1].request_headers);
    assert!(t[2].request_headers.iter().any(|(n, _)| n == "cookie"));
    // A fresh browser has no cookie; its back channel is still cookie-free.
    let fresh = browser.with_fresh_cookies().unwrap();
    assert_eq!(fresh.cookie_header_for(&at(&server, "/token")), None);
    // A back channel of its own (discover) works the same way.
    let own = BackChannel::new(&AgentConfig::default(), Redactor::default()).unwrap();
    own.send(HttpRequest::get(at(&server, "/login"))).await.unwrap();
    own.send(HttpRequest::get(at(&server, "/login"))).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 5);
    assert!(received[3..].iter().all(|r| r.headers.get("cookie").is_none()));
}

#[test]
fn a_short_secret_is_redacted_as_a_value_not_inside_other_words() {
    let r = Redactor::new(vec!["pw".into(), "a-long-client-secret".into()]);
    assert_eq!(r.text("expected pwned apps, upward; got pw."), "expected pwned apps, upward; got [redacted].");
    assert_eq!(r.text("user=pw&x=1 (pw) \"pw\""), "user=[redacted]&x=1 ([redacted]) \"[redacted]\"");
    // A long secret goes wherever it stands, even glued to other text.
    assert_eq!(r.text("xa-long-client-secretx"), "x[redacted]x");
    // By field, whatever its length.
    assert_eq!(r.form(&[("password".into(), "pw".into())]), format!("password={}", fingerprint("pw")));
    assert_eq!(r.header("cookie", "s=pw"), "s=[redacted]");
}
