//! The Chromium driver against small fake pages served on loopback: a login rendered by script
//! with inputs outside any form, a JSON login API with a CSRF header, consent allowed and
//! denied through script only, a two-step (identifier-first) login, a `form_post` response,
//! a refused password, and a page that never shows a login field. The redirect_uri is served
//! too, and counted, to prove it is never loaded. Skipped loudly when Chromium is missing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use url::Url;

use super::{BrowserError, drive, locate};
use crate::flow::ResponseSource;
use crate::form::{ConsentChoice, Credentials, DriveOptions, DriveOutcome, FormHints};
use crate::http::{AgentConfig, Browser, Redactor};

const PASSWORD: &str = "s3cret-pw";

/// The script-rendered login: inputs and buttons in no form, a JSON API with a CSRF header
/// taken from a cookie, and the continue URL from the answer.
const SPA_LOGIN: &str = r#"<!DOCTYPE html><html><body><div id="app">Loading…</div><script>
setTimeout(() => {
  document.getElementById('app').innerHTML = '<label>Email <input id="email" type="email" autocomplete="username"></label>' +
    '<label>Password <input id="pw" type="password"></label><p id="err"></p><button type="button" id="go">Sign in</button>';
  document.getElementById('go').addEventListener('click', async () => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf=')).slice(5);
    const r = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ username: document.getElementById('email').value, password: document.getElementById('pw').value }) });
    const j = await r.json();
    if (j.continue) location.assign(j.continue); else document.getElementById('err').textContent = 'Wrong password';
  });
}, 150);
</script></body></html>"#;

/// Consent whose buttons only work through script (the deny answer is an API call too).
const SPA_CONSENT: &str = r#"<!DOCTYPE html><html><body><p>Allow access?</p><div id="c"></div><script>
const decide = async (d) => {
  const r = await fetch('/api/consent', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ decision: d }) });
  location.assign((await r.json()).continue);
};
setTimeout(() => {
  document.getElementById('c').innerHTML = '<button type="button" id="a">Allow</button><button type="button" id="d">Deny</button>';
  document.getElementById('a').onclick = () => decide('allow');
  document.getElementById('d').onclick = () => decide('deny');
}, 100);
</script></body></html>"#;

/// Counts requests that reached the redirect_uri (must stay 0).
#[derive(Clone, Default)]
struct Fake {
    callbacks: Arc<AtomicUsize>,
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let all = headers.get(header::COOKIE)?.to_str().ok()?;
    all.split("; ").find_map(|c| c.strip_prefix(name)?.strip_prefix('='))
}

async fn spa_login() -> Response {
    ([(header::SET_COOKIE, "csrf=tok123; Path=/")], Html(SPA_LOGIN)).into_response()
}

async fn api_login(headers: HeaderMap, body: String) -> Response {
    let csrf_ok = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) == Some("tok123") && cookie(&headers, "csrf") == Some("tok123");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    if !csrf_ok || v["username"] != "alice@example.com" || v["password"] != PASSWORD {
        return (StatusCode::UNAUTHORIZED, axum::Json(serde_json::json!({ "error": "invalid_credentials" }))).into_response();
    }
    ([(header::SET_COOKIE, "sid=session-1; Path=/; HttpOnly")], axum::Json(serde_json::json!({ "continue": "/consent" }))).into_response()
}

async fn api_consent(headers: HeaderMap, body: String) -> Response {
    let cb = if cookie(&headers, "sid") != Some("session-1") {
        "/cb?error=login_required&state=xyz"
    } else if body.contains("allow") {
        "/cb?code=abc&state=xyz"
    } else {
        "/cb?error=access_denied&state=xyz"
    };
    axum::Json(serde_json::json!({ "continue": cb })).into_response()
}

async fn two_step_name() -> Html<&'static str> {
    Html("<form method=post action=/two/password><input name=login autocomplete=username><button>Next</button></form>")
}

async fn two_step_password(body: String) -> Html<String> {
    let user = body.strip_prefix("login=").unwrap_or("");
    Html(format!("<form method=post action=/two/done><input type=hidden name=login value=\"{user}\"><input type=password name=pw><button>Sign in</button></form>"))
}

async fn two_step_done(body: String) -> Response {
    if body.contains(PASSWORD) { Redirect::to("/form-post").into_response() } else { Html("<p>Wrong</p>").into_response() }
}

async fn form_post() -> Html<&'static str> {
    Html("<form method=post action=/cb><input type=hidden name=code value=fp-code><input type=hidden name=state value=xyz></form><script>document.forms[0].submit()</script>")
}

async fn callback(State(f): State<Fake>) -> &'static str {
    f.callbacks.fetch_add(1, Ordering::SeqCst);
    "the client"
}

async fn serve() -> (Url, Fake) {
    let fake = Fake::default();
    let app = Router::new()
        .route("/authorize", get(|| async { Redirect::to("/login") }))
        .route("/login", get(spa_login))
        .route("/api/login", post(api_login))
        .route("/consent", get(|| async { Html(SPA_CONSENT) }))
        .route("/api/consent", post(api_consent))
        .route("/two/start", get(two_step_name))
        .route("/two/password", post(two_step_password))
        .route("/two/done", post(two_step_done))
        .route("/form-post", get(form_post))
        .route("/blank", get(|| async { Html("<div id=app></div><script>/* never renders */</script>") }))
        .route("/cb", get(callback).post(callback))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, fake)
}

/// Whether Chromium is installed; says so loudly when it is not.
fn have_chromium() -> bool {
    match locate(None) {
        Ok(_) => true,
        Err(e) => {
            eprintln!("\n!!! SKIPPING the Chromium driver tests: {e}\n");
            false
        }
    }
}

fn browser() -> Browser {
    Browser::new(&AgentConfig::default(), Redactor::new(vec![PASSWORD.into()])).unwrap()
}

async fn run(browser: &Browser, base: &Url, start: &str, username: &str, consent: ConsentChoice, hints: &FormHints) -> DriveOutcome {
    let redirect_uri = base.join("/cb").unwrap();
    let creds = Credentials { username: username.into(), password: PASSWORD.into() };
    let opts = DriveOptions { redirect_uri: &redirect_uri, credentials: Some(&creds), hints, consent, max_steps: 30 };
    drive(browser, &base.join(start).unwrap(), &opts, None).await.unwrap().outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn script_rendered_login_and_consent_are_driven_to_an_intercepted_callback() {
    if !have_chromium() {
        return;
    }
    let (base, fake) = serve().await;
    let b = browser();
    let hints = FormHints::default();
    let DriveOutcome::Callback(cb) = run(&b, &base, "/authorize", "alice@example.com", ConsentChoice::Allow, &hints).await else { panic!("no callback") };
    assert_eq!((cb.code(), cb.state(), cb.source), (Some("abc"), Some("xyz"), ResponseSource::Query));
    // The session cookie set in Chromium came back into the jar.
    let mut jar: Vec<String> = b.cookie_header_for(&base.join("/x").unwrap()).unwrap_or_default().split("; ").map(str::to_owned).collect();
    jar.sort();
    assert_eq!(jar, ["csrf=tok123", "sid=session-1"]);
    // Deny works through script only; the jar's session goes back into a new context.
    let DriveOutcome::Callback(cb) = run(&b, &base, "/consent", "alice@example.com", ConsentChoice::Deny, &hints).await else { panic!("no callback") };
    assert_eq!(cb.error(), Some("access_denied"));
    // A refused password shows the same login page again.
    let fresh = b.with_fresh_cookies().unwrap();
    let outcome = run(&fresh, &base, "/login", "mallory@example.com", ConsentChoice::Allow, &hints).await;
    assert!(matches!(outcome, DriveOutcome::LoginRejected { .. }), "{outcome:?}");
    assert_eq!(fake.callbacks.load(Ordering::SeqCst), 0, "the redirect_uri must never be loaded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_step_login_ends_in_an_intercepted_form_post() {
    if !have_chromium() {
        return;
    }
    let (base, fake) = serve().await;
    let b = browser();
    let DriveOutcome::Callback(cb) = run(&b, &base, "/two/start", "alice", ConsentChoice::Allow, &FormHints::default()).await else { panic!("no callback") };
    assert_eq!((cb.code(), cb.source), (Some("fp-code"), ResponseSource::FormPost));
    assert_eq!(fake.callbacks.load(Ordering::SeqCst), 0, "the redirect_uri must never be loaded");
    // A page that never renders a login field ends with a clear, bounded message: the harness
    // could not go on (an error of the module, not a provider failure).
    let DriveOutcome::CannotDrive { reason, .. } = run(&b, &base, "/blank", "alice", ConsentChoice::Allow, &FormHints::default()).await else { panic!("not cannot-drive") };
    assert!(reason.starts_with("no login field appeared within 10 s on http://127.0.0.1:"), "{reason}");
    // The page was saved, and the reason names the files.
    let name = reason.split("pages/").nth(2).and_then(|s| s.strip_suffix(".html)")).unwrap();
    let capture = super::take_captures().into_iter().find(|c| c.name == name).unwrap();
    assert!(capture.png.starts_with(b"\x89PNG") && capture.html.contains("never renders"));
    let dir = std::env::temp_dir().join(format!("oidc-harness-capture-test-{}", std::process::id()));
    let written = super::write_captures(&dir, &[capture]).unwrap();
    assert_eq!(written.len(), 2);
    assert!(written.iter().all(|p| p.is_file()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_missing_chromium_is_a_harness_error_with_one_sentence() {
    let b = browser();
    let redirect_uri = Url::parse("http://127.0.0.1:9/cb").unwrap();
    let opts = DriveOptions { redirect_uri: &redirect_uri, credentials: None, hints: &FormHints::default(), consent: ConsentChoice::Allow, max_steps: 30 };
    let path = std::path::Path::new("/nonexistent/chromium");
    let err = drive(&b, &redirect_uri, &opts, Some(path)).await.unwrap_err();
    assert!(matches!(err, BrowserError::Missing(_)));
    assert!(err.to_string().starts_with("this login page needs a browser: install chromium (apt-get install chromium) or pass --browser-path"), "{err}");
}
