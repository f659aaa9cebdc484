//! Login and consent interactions under attack: double-submitted forms (2-way and 100-way, one
//! code at most, never a 5xx), the interaction's binding to the browser (login CSRF), and
//! password guessing (the 11th failure in a minute is refused).

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use reference_provider::app;

use super::support::{get, hidden, oneshot, provider};

const AUTHORIZE: &str = "/authorize?response_type=code&redirect_uri=http://127.0.0.1:8765/callback&scope=openid%20profile&state=s&client_id=";

/// The interaction id (from the login/consent URL) and the `name=value` of its binding cookie.
async fn begin(app: &Router, client_id: &str) -> (String, String) {
    let (status, headers, body) = oneshot(app, get(&format!("{AUTHORIZE}{client_id}"))).await;
    assert_eq!(status, 302, "{body}");
    let loc = headers["location"].to_str().unwrap();
    let id = loc.split_once("interaction=").unwrap().1.to_owned();
    let set = headers["set-cookie"].to_str().unwrap();
    (id, set.split(';').next().unwrap().to_owned())
}

fn with_cookie(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri).header("cookie", cookie).body(Body::empty()).unwrap()
}

fn post(uri: &str, cookie: &str, form: &str) -> Request<Body> {
    Request::post(uri)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap()
}

/// The hidden CSRF token of the page at `path` for interaction `id`.
async fn csrf(app: &Router, path: &str, id: &str, cookie: &str) -> String {
    let (status, _, body) = oneshot(app, with_cookie(&format!("{path}?interaction={id}"), cookie)).await;
    assert_eq!(status, 200, "{body}");
    hidden(&body, "csrf_token").unwrap()
}

/// Submits the same form `n` times at once; returns how many answers carried a code, and checks
/// that every other answer is a clear page (409 already submitted, or 400 expired), never a 5xx.
async fn race(app: &Router, n: usize, path: &'static str, cookie: &str, form: &str) -> usize {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (app, req) = (app.clone(), post(path, cookie, form));
            tokio::spawn(async move { oneshot(&app, req).await })
        })
        .collect();
    let mut codes = 0;
    for t in tasks {
        let (status, headers, body) = t.await.unwrap();
        let location = headers.get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        if status == 302 && location.contains("code=") {
            codes += 1;
        } else {
            assert!(status == 409 || status == 400, "{path}: {status} {location} {body}");
            assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"), "{path}: {status}");
        }
    }
    codes
}

async fn login_race(n: usize) {
    let app = app(provider(&[]));
    let (id, cookie) = begin(&app, "demo-client").await;
    let token = csrf(&app, "/login", &id, &cookie).await;
    let form = format!("interaction={id}&csrf_token={token}&username=alice&password=alice-demo-password");
    assert_eq!(race(&app, n, "/login", &cookie, &form).await, 1, "{n}-way login");
}

async fn consent_race(n: usize) {
    let app = app(provider(&[]));
    let (id, cookie) = begin(&app, "demo-third-party").await;
    let token = csrf(&app, "/login", &id, &cookie).await;
    let form = format!("interaction={id}&csrf_token={token}&username=alice&password=alice-demo-password");
    let (status, headers, body) = oneshot(&app, post("/login", &cookie, &form)).await;
    assert_eq!(status, 302, "{body}");
    assert!(headers["location"].to_str().unwrap().starts_with("/consent?"));
    let token = csrf(&app, "/consent", &id, &cookie).await;
    let form = format!("interaction={id}&csrf_token={token}&decision=allow");
    assert_eq!(race(&app, n, "/consent", &cookie, &form).await, 1, "{n}-way consent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_double_submitted_login_issues_one_code() {
    for _ in 0..20 {
        login_race(2).await;
    }
    for _ in 0..2 {
        login_race(100).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_double_submitted_consent_issues_one_code() {
    for _ in 0..20 {
        consent_race(2).await;
    }
    for _ in 0..2 {
        consent_race(100).await;
    }
}

#[tokio::test]
async fn the_interaction_id_in_the_url_does_not_bind_a_browser() {
    let app = app(provider(&[]));
    let (id, cookie) = begin(&app, "demo-client").await;
    let (name, secret) = cookie.split_once('=').unwrap();
    assert_ne!(secret, id, "the binding cookie must not be the id in the URL");
    // An attacker who saw /login?interaction=ID sets the cookie to what the URL shows.
    let forged = format!("{name}={id}");
    let (status, headers, body) = oneshot(&app, with_cookie(&format!("/login?interaction={id}"), &forged)).await;
    assert_eq!(status, 403, "{body}");
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(hidden(&body, "csrf_token").is_none(), "{body}");
    let (status, _, body) = oneshot(&app, post("/login", &forged, &format!("interaction={id}&csrf_token=x&username=mallory&password=x"))).await;
    assert_eq!(status, 403, "{body}");
    // The browser holding the secret still signs in.
    let token = csrf(&app, "/login", &id, &cookie).await;
    let form = format!("interaction={id}&csrf_token={token}&username=alice&password=alice-demo-password");
    let (status, headers, body) = oneshot(&app, post("/login", &cookie, &form)).await;
    assert_eq!(status, 302, "{body}");
    assert!(headers["location"].to_str().unwrap().contains("code="));
}

/// Ten wrong passwords for `username` on one login form, then `last_password`: its status.
async fn eleventh_attempt(app: &Router, username: &str, last_password: &str) -> u16 {
    let (id, cookie) = begin(app, "demo-client").await;
    let token = csrf(app, "/login", &id, &cookie).await;
    let form = |password: &str| format!("interaction={id}&csrf_token={token}&username={username}&password={password}");
    for i in 0..10 {
        let (status, _, body) = oneshot(app, post("/login", &cookie, &form("wrong"))).await;
        assert_eq!(status, 200, "attempt {i}: {body}");
        assert!(body.contains("Wrong username or password."), "attempt {i}");
    }
    let (status, _, body) = oneshot(app, post("/login", &cookie, &form(last_password))).await;
    assert!(status != 429 || body.contains("Too many failed sign-ins"), "{body}");
    status
}

#[tokio::test]
async fn the_eleventh_wrong_guess_in_a_minute_is_refused_whether_or_not_the_account_exists() {
    let app = app(provider(&[]));
    assert_eq!(eleventh_attempt(&app, "alice", "alice-demo-password").await, 429);
    assert_eq!(eleventh_attempt(&app, "nobody-here", "whatever").await, 429);
    // Another account is not affected.
    let (id, cookie) = begin(&app, "demo-client").await;
    let token = csrf(&app, "/login", &id, &cookie).await;
    let form = format!("interaction={id}&csrf_token={token}&username=bob&password=bob-demo-password");
    let (status, _, body) = oneshot(&app, post("/login", &cookie, &form)).await;
    assert_ne!(status, 429, "{body}");
}
