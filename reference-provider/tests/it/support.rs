//! Test support: start a provider on 127.0.0.1:0 and drive it like a browser and a client would.
//! This is a deliberately small, independent client (the harness has the real driver).

use std::sync::Arc;

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reference_provider::config::PasswordHashCost;
use reference_provider::{Config, Fault, FaultSet, Options, Running, Storage};
use serde_json::Value;

pub(crate) use super::cookie_client::CookieClient;

pub const REDIRECT: &str = "http://127.0.0.1:8765/callback";

/// The demo config made fast for tests (cheap password hashing, free port).
pub fn test_config() -> Config {
    let mut c = Config::demo();
    c.listen = "127.0.0.1:0".into();
    c.password_hash = PasswordHashCost::cheap();
    c
}

pub async fn start(faults: &[Fault]) -> Running {
    start_with(test_config(), faults, Storage::Memory).await
}

pub async fn start_with(config: Config, faults: &[Fault], storage: Storage) -> Running {
    reference_provider::start(Options {
        config,
        faults: FaultSet::of(faults.iter().copied()),
        storage,
        clock: Arc::new(reference_provider::clock::SystemClock),
    })
    .await
    .expect("provider starts")
}

/// A demo client's credentials.
#[derive(Clone, Copy, Debug)]
pub struct Client {
    pub id: &'static str,
    pub secret: Option<&'static str>,
    pub post: bool,
}

pub const CONFIDENTIAL: Client = Client { id: "demo-client", secret: Some("demo-client-secret"), post: false };
pub const THIRD_PARTY: Client = Client { id: "demo-third-party", secret: Some("demo-third-party-secret"), post: true };
pub const PUBLIC: Client = Client { id: "demo-public", secret: None, post: false };
pub const ES256: Client = Client { id: "demo-es256", secret: Some("demo-es256-secret"), post: false };
pub const SHORT: Client = Client { id: "demo-short", secret: Some("demo-short-secret"), post: false };

/// A browser: its own cookie jar, no automatic redirects.
pub struct Browser {
    pub http: CookieClient,
    pub issuer: String,
}

/// A browser's HTTP client: an empty cookie jar, redirects not followed.
pub fn browser_http() -> CookieClient {
    CookieClient::new(reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap())
}

pub fn browser(op: &Running) -> Browser {
    Browser { http: browser_http(), issuer: op.issuer().to_owned() }
}

/// PKCE pair (verifier, S256 challenge).
pub fn pkce() -> (String, String) {
    let mut b = [0u8; 32];
    aws_lc_rs::rand::fill(&mut b).unwrap();
    let verifier = URL_SAFE_NO_PAD.encode(b);
    let challenge = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()));
    (verifier, challenge)
}

/// Query parameters of a URL.
pub fn query(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url).unwrap().query_pairs().into_owned().collect()
}

pub fn param(pairs: &[(String, String)], k: &str) -> Option<String> {
    pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
}

/// The value of a hidden input in an HTML page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// Decodes a JWT segment without verifying (tests inspect what the provider produced).
pub fn segment(jwt: &str, i: usize) -> Value {
    let part = jwt.split('.').nth(i).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

pub fn claims(jwt: &str) -> Value {
    segment(jwt, 1)
}

/// What an authorization attempt ended with.
#[derive(Debug)]
pub enum Outcome {
    /// Redirected to the redirect URI with these parameters.
    Callback(Vec<(String, String)>),
    /// Stopped on a page (status, body).
    Page(u16, String),
}

impl Outcome {
    pub fn callback(self) -> Vec<(String, String)> {
        match self {
            Outcome::Callback(p) => p,
            Outcome::Page(s, b) => panic!("expected a callback, got page {s}: {b}"),
        }
    }
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    /// GET /authorize with these parameters, then follow the provider's pages: log in as
    /// `user` (if a login form appears) and answer consent with `allow`.
    pub async fn authorize(&self, params: &[(&str, &str)], user: Option<(&str, &str)>, allow: bool) -> Outcome {
        let mut url = url::Url::parse(&self.url("/authorize")).unwrap();
        url.query_pairs_mut().extend_pairs(params);
        let mut res = self.http.get(url).send().await.unwrap();
        for _ in 0..10 {
            let status = res.status().as_u16();
            if let Some(loc) = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned()) {
                let abs = url::Url::parse(&self.issuer).unwrap().join(&loc).unwrap().to_string();
                if abs.starts_with(REDIRECT) || !abs.starts_with(&self.issuer) {
                    return Outcome::Callback(query(&abs));
                }
                res = self.http.get(abs).send().await.unwrap();
                continue;
            }
            let body = res.text().await.unwrap();
            if body.contains("type=\"password\"") {
                let Some((u, p)) = user else { return Outcome::Page(status, body) };
                let form = [
                    ("interaction", hidden(&body, "interaction").unwrap()),
                    ("csrf_token", hidden(&body, "csrf_token").unwrap()),
                    ("username", u.to_owned()),
                    ("password", p.to_owned()),
                ];
                let r = self.http.post(self.url("/login")).form(&form).send().await.unwrap();
                if r.status().as_u16() == 200 {
                    return Outcome::Page(200, r.text().await.unwrap());
                }
                res = r;
                continue;
            }
            if body.contains("name=\"decision\"") && body.contains("/consent") {
                let form = [
                    ("interaction", hidden(&body, "interaction").unwrap()),
                    ("csrf_token", hidden(&body, "csrf_token").unwrap()),
                    ("decision", if allow { "allow" } else { "deny" }.to_owned()),
                ];
                res = self.http.post(self.url("/consent")).form(&form).send().await.unwrap();
                continue;
            }
            return Outcome::Page(status, body);
        }
        panic!("too many steps");
    }

    /// A complete code flow for `client` as alice; returns (code, verifier, callback params).
    pub async fn code(&self, client: Client, extra: &[(&str, &str)]) -> (String, String, Vec<(String, String)>) {
        let (verifier, challenge) = pkce();
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", client.id),
            ("redirect_uri", REDIRECT),
            ("scope", "openid profile email"),
            ("state", "st-123"),
            ("nonce", "n-456"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        for (k, v) in extra {
            params.retain(|(n, _)| n != k);
            params.push((k, v));
        }
        let cb = self.authorize(&params, Some(("alice", "alice-demo-password")), true).await.callback();
        let code = param(&cb, "code").unwrap_or_else(|| panic!("no code in {cb:?}"));
        (code, verifier, cb)
    }

    /// POST /token with the client's auth method.
    pub async fn token(&self, client: Client, form: &[(&str, &str)]) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut form: Vec<(&str, &str)> = form.to_vec();
        let mut req = self.http.post(self.url("/token"));
        match (client.secret, client.post) {
            (Some(s), false) => req = req.basic_auth(client.id, Some(s)),
            (Some(s), true) => {
                form.push(("client_id", client.id));
                form.push(("client_secret", s));
            }
            (None, _) => form.push(("client_id", client.id)),
        }
        let res = req.form(&form).send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.json::<Value>().await.unwrap_or(Value::Null);
        (status, headers, body)
    }

    /// Code flow + exchange; returns the token response body.
    pub async fn tokens(&self, client: Client) -> Value {
        let (code, verifier, _) = self.code(client, &[]).await;
        let (status, _, body) = self
            .token(client, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT), ("code_verifier", &verifier)])
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn userinfo(&self, access_token: &str) -> (u16, Option<String>, Value) {
        let res = self.http.get(self.url("/userinfo")).bearer_auth(access_token).send().await.unwrap();
        let status = res.status().as_u16();
        let www = res.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
        (status, www, res.json().await.unwrap_or(Value::Null))
    }
}

/// A provider without a socket, for `oneshot` tests (issuer `http://op.test`).
pub fn provider(faults: &[Fault]) -> Arc<reference_provider::Provider> {
    let store = reference_provider::open_store(&Storage::Memory).unwrap();
    Arc::new(
        reference_provider::Provider::new(
            test_config(),
            "http://op.test".into(),
            store,
            FaultSet::of(faults.iter().copied()),
            Arc::new(reference_provider::clock::SystemClock),
            Arc::new(reference_provider::random::SystemRandom),
        )
        .unwrap(),
    )
}

/// Sends one request through the router with `oneshot`.
pub async fn oneshot(app: &axum::Router, req: axum::http::Request<axum::body::Body>) -> (u16, axum::http::HeaderMap, String) {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

pub fn get(uri: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap()
}

pub fn post_form(uri: &str, body: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap()
}
