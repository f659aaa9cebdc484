//! A small OpenID provider on wiremock whose login page is a JavaScript app: `/authorize`
//! redirects to `/ui/login?flow=…`, a page with `<div id=app></div><script src=app.js>` and a
//! CSRF cookie; the script would POST JSON to `/api/login` (CSRF cookie echoed in
//! `X-CSRF-Token`), which answers `{"redirect_to": "/authorize/resume?flow=…"}` or 400.
//!
//! It also does every allowed variation at once: profile and email claims only in UserInfo,
//! no `auth_time`, `token_type` `bearer` in lower case, no `scope` in the token response,
//! `aud` as a string, and consent for the third-party client remembered from an earlier run
//! (a consent page only with `prompt=consent`). The further variations of [`more`] (sessions
//! for `prompt=none`, introspection, refresh tokens, refusals) are chosen by [`Variations`].

mod more;

pub use more::{ASK_CLIENT, Variations};

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::RsaKeyPair;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::it::fake_kit::{b64, discovery, json, rsa_jwk, sign_rs256};
use url::Url;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The first-party client (never a consent page).
pub const WEB_CLIENT: &str = "spa-web";
/// The third-party client (consent remembered; a page with prompt=consent).
pub const THIRD_CLIENT: &str = "spa-third";
/// The secret of both clients.
pub const CLIENT_SECRET: &str = "spa-client-secret";
/// The redirect URI of both clients.
pub const REDIRECT_URI: &str = "https://client.example.org/cb";
/// The test user.
pub const USERNAME: &str = "alice";
/// Her password.
pub const PASSWORD: &str = "alice \"spa\" password";
const SUB: &str = "user-1";
const KID: &str = "spa-key-1";

/// One authorization request on its way through login and consent.
#[derive(Debug, Clone)]
struct Pending {
    client_id: String,
    state: Option<String>,
    nonce: Option<String>,
    challenge: Option<String>,
    scope: String,
    prompt_consent: bool,
    logged_in: bool,
    /// The request had `max_age`: the ID token carries `auth_time`.
    max_age: bool,
    /// When the user logged in (the fake's clock plus the real time elapsed).
    auth_time: i64,
}

#[derive(Debug, Default)]
struct State {
    flows: HashMap<String, Pending>,
    codes: HashMap<String, Pending>,
    access_tokens: HashMap<String, String>,
    refresh_tokens: HashMap<String, Pending>,
    /// Session cookie → the time of its login.
    sessions: HashMap<String, i64>,
    csrf: HashSet<String>,
    /// Calls to the login API, accepted or not.
    login_calls: usize,
    /// Redemptions of an unknown (or already redeemed) code.
    losers: usize,
}

/// The fake provider's responder.
struct SpaOp {
    issuer: String,
    now: i64,
    key: &'static RsaKeyPair,
    rng: SystemRandom,
    state: Arc<Mutex<State>>,
    started: std::time::Instant,
    variations: Variations,
}

/// A running fake: keep `server` alive.
pub struct Running {
    /// The mock server (stops when dropped).
    _server: MockServer,
    /// Its issuer URL.
    pub issuer: String,
    state: Arc<Mutex<State>>,
}

impl Running {
    /// How many times the login API was called.
    pub fn login_calls(&self) -> usize {
        self.state.lock().expect("state").login_calls
    }
}

/// Starts the fake with its clock at `now`, with the default [`Variations`].
pub async fn start(now: i64) -> Running {
    start_with(now, Variations::default()).await
}

/// Starts the fake with its clock at `now` and the given variations.
pub async fn start_with(now: i64, variations: Variations) -> Running {
    let server = MockServer::start().await;
    let issuer = server.uri();
    let state = Arc::new(Mutex::new(State::default()));
    let op = SpaOp { issuer: issuer.clone(), now, key: key(), rng: SystemRandom::new(), state: state.clone(), started: std::time::Instant::now(), variations };
    Mock::given(any()).respond_with(op).mount(&server).await;
    Running { _server: server, issuer, state }
}

fn key() -> &'static RsaKeyPair {
    static KEY: OnceLock<RsaKeyPair> = OnceLock::new();
    KEY.get_or_init(|| RsaKeyPair::generate(KeySize::Rsa2048).expect("RSA keygen"))
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn query(url: &Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

fn cookie(req: &Request, name: &str) -> Option<String> {
    header(req, "cookie")?.split(';').filter_map(|c| c.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_owned())
}

fn html(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "text/html; charset=utf-8")
}

fn redirect(location: &str) -> ResponseTemplate {
    ResponseTemplate::new(302).insert_header("Location", location)
}

impl Respond for SpaOp {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        match (req.method.as_str(), req.url.path()) {
            ("GET", "/.well-known/openid-configuration") => self.discovery(),
            ("GET", "/jwks") => self.jwks(),
            ("GET", "/authorize") => self.authorize(req),
            ("GET", "/ui/login") => self.login_page(),
            ("GET", "/app.js") => ResponseTemplate::new(200).set_body_raw(b"fetch('/api/login', {method: 'POST'})".to_vec(), "text/javascript"),
            ("POST", "/api/login") => self.api_login(req),
            ("GET", "/authorize/resume") => self.resume(query(&req.url).get("flow").map(String::as_str).unwrap_or_default()),
            ("POST", "/consent") => self.consent(&form(&req.body)),
            ("POST", "/token") => self.token(req),
            ("GET", "/userinfo") => self.userinfo(req),
            ("POST", "/introspect") => self.introspect(req),
            ("GET", "/logout") => self.logout_confirmation(),
            _ => ResponseTemplate::new(404),
        }
    }
}

impl SpaOp {
    fn random(&self) -> String {
        let mut bytes = [0u8; 24];
        self.rng.fill(&mut bytes).expect("random bytes");
        b64(&bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("state")
    }

    fn discovery(&self) -> ResponseTemplate {
        let mut doc = discovery(&self.issuer, json!({
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "introspection_endpoint": format!("{}/introspect", self.issuer),
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "at_hash", "name", "given_name", "family_name", "email", "email_verified"],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": true,
        }));
        if self.variations.logout_confirmation {
            doc["end_session_endpoint"] = json!(format!("{}/logout", self.issuer));
        }
        json(200, &doc)
    }

    fn jwks(&self) -> ResponseTemplate {
        json(200, &json!({ "keys": [rsa_jwk(self.key, KID)] }))
    }

    /// Validates the request and sends the browser to the app's login page.
    /// `prompt=none` and a scope without `openid` are [`more`]'s.
    fn authorize(&self, req: &Request) -> ResponseTemplate {
        let q = query(&req.url);
        let client = q.get("client_id").filter(|c| [WEB_CLIENT, THIRD_CLIENT, ASK_CLIENT].contains(&c.as_str()));
        let valid = q.get("response_type").is_some_and(|v| v == "code") && q.get("redirect_uri").is_some_and(|v| v == REDIRECT_URI);
        let Some(client) = client.filter(|_| valid) else {
            return ResponseTemplate::new(400).set_body_string("invalid authorization request");
        };
        let pending = Pending {
            client_id: client.clone(),
            state: q.get("state").cloned(),
            nonce: q.get("nonce").cloned(),
            challenge: q.get("code_challenge").cloned(),
            scope: q.get("scope").cloned().unwrap_or_default(),
            prompt_consent: q.get("prompt").is_some_and(|p| p.split(' ').any(|x| x == "consent")),
            logged_in: false,
            max_age: q.contains_key("max_age"),
            auth_time: 0,
        };
        if !pending.scope.split(' ').any(|x| x == "openid") {
            return self.not_openid(&pending);
        }
        if q.get("prompt").is_some_and(|p| p == "none") {
            return self.silent(req, pending);
        }
        let flow = self.random();
        self.lock().flows.insert(flow.clone(), pending);
        redirect(&format!("/ui/login?flow={flow}"))
    }

    /// The app shell: no form, only a script, and a CSRF cookie.
    fn login_page(&self) -> ResponseTemplate {
        let csrf = self.random();
        self.lock().csrf.insert(csrf.clone());
        html("<!doctype html><html><head><title>Sign in</title></head><body><div id=app></div><script src=app.js></script></body></html>".into())
            .insert_header("Set-Cookie", format!("csrf={csrf}; Path=/; SameSite=Strict").as_str())
    }

    /// The login API: JSON in, JSON out; 400 for wrong credentials, 403 without the CSRF pair.
    fn api_login(&self, req: &Request) -> ResponseTemplate {
        let mut state = self.lock();
        state.login_calls += 1;
        let csrf_ok = match (cookie(req, "csrf"), header(req, "x-csrf-token")) {
            (Some(c), Some(h)) => c == h && state.csrf.contains(&c),
            _ => false,
        };
        if !csrf_ok {
            return json(403, &json!({ "error": "csrf_failed" }));
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let field = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        let flow = field("flow");
        let Some(pending) = state.flows.get_mut(&flow) else {
            return json(400, &json!({ "error": "unknown_flow" }));
        };
        if field("username") != USERNAME || field("password") != PASSWORD {
            return json(400, &json!({ "error": "invalid_credentials", "message": "wrong username or password" }));
        }
        pending.logged_in = true;
        pending.auth_time = self.now + i64::try_from(self.started.elapsed().as_secs()).unwrap_or_default();
        json(200, &json!({ "redirect_to": format!("/authorize/resume?flow={flow}") }))
    }

    /// After login (which starts a session): the consent page when asked for with
    /// prompt=consent (always for [`ASK_CLIENT`]), else the callback.
    fn resume(&self, flow: &str) -> ResponseTemplate {
        let pending = self.lock().flows.get(flow).cloned();
        let Some(pending) = pending.filter(|p| p.logged_in) else {
            return ResponseTemplate::new(400).set_body_string("not logged in");
        };
        let sid = self.random();
        self.lock().sessions.insert(sid.clone(), pending.auth_time);
        let cookie = format!("sid={sid}; Path=/; HttpOnly");
        if pending.prompt_consent || pending.client_id == ASK_CLIENT {
            return html(format!(
                "<!doctype html><html><body><h1>Allow {} to see your profile?</h1><form method=\"post\" action=\"/consent\">\
                 <input type=\"hidden\" name=\"flow\" value=\"{flow}\">\
                 <button name=\"decision\" value=\"deny\">No</button><button name=\"decision\" value=\"allow\">Yes</button></form></body></html>",
                pending.client_id
            ))
            .insert_header("Set-Cookie", cookie.as_str());
        }
        self.lock().flows.remove(flow);
        self.callback(pending).insert_header("Set-Cookie", cookie.as_str())
    }

    fn consent(&self, f: &HashMap<String, String>) -> ResponseTemplate {
        let Some(pending) = f.get("flow").and_then(|flow| self.lock().flows.remove(flow)) else {
            return ResponseTemplate::new(400).set_body_string("unknown flow");
        };
        if f.get("decision").map(String::as_str) == Some("allow") {
            return self.callback(pending);
        }
        self.error_redirect(&pending, "access_denied")
    }

    fn callback(&self, pending: Pending) -> ResponseTemplate {
        let code = self.random();
        let mut location = Url::parse(REDIRECT_URI).expect("redirect_uri");
        location.query_pairs_mut().append_pair("code", &code);
        if let Some(s) = &pending.state {
            location.query_pairs_mut().append_pair("state", s);
        }
        location.query_pairs_mut().append_pair("iss", &self.issuer);
        self.lock().codes.insert(code, pending);
        redirect(location.as_str())
    }

    /// Redeems a code: Basic client authentication, PKCE S256, then the tokens.
    fn token(&self, req: &Request) -> ResponseTemplate {
        let invalid = |error: &str| json(400, &json!({ "error": error })).insert_header("Cache-Control", "no-store");
        let client = [WEB_CLIENT, THIRD_CLIENT, ASK_CLIENT]
            .into_iter()
            .find(|c| header(req, "authorization") == Some(format!("Basic {}", STANDARD.encode(format!("{c}:{CLIENT_SECRET}")))).as_deref());
        let Some(client) = client else {
            return json(401, &json!({ "error": "invalid_client" })).insert_header("WWW-Authenticate", "Basic realm=\"spa\"");
        };
        let f = form(&req.body);
        match f.get("grant_type").map(String::as_str) {
            Some("authorization_code") => {}
            Some("refresh_token") => return self.refresh(client, &f),
            _ => return invalid("unsupported_grant_type"),
        }
        let mut state = self.lock();
        let Some(grant) = f.get("code").and_then(|c| state.codes.remove(c)) else {
            drop(state);
            return self.lost_race(invalid("invalid_grant"));
        };
        let verifier_ok = match (&grant.challenge, f.get("code_verifier")) {
            (Some(ch), Some(v)) => b64(digest(&SHA256, v.as_bytes()).as_ref()) == *ch,
            (None, None) => true,
            _ => false,
        };
        if grant.client_id != client || !verifier_ok || f.get("redirect_uri").map(String::as_str) != Some(REDIRECT_URI) {
            return invalid("invalid_grant");
        }
        drop(state);
        self.issue(&grant, self.refresh_token_for(&grant))
    }

    /// The token response for `grant`: lower-case bearer, no scope (granted as requested), no
    /// auth_time unless asked, aud a string.
    fn issue(&self, grant: &Pending, refresh_token: Option<String>) -> ResponseTemplate {
        let access_token = self.random();
        self.lock().access_tokens.insert(access_token.clone(), grant.scope.clone());
        let mut body = json!({
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": 3600,
            "id_token": self.id_token(grant, &access_token),
        });
        if let Some(rt) = refresh_token {
            body["refresh_token"] = json!(rt);
        }
        json(200, &body).insert_header("Cache-Control", "no-store").insert_header("Pragma", "no-cache")
    }

    /// An RS256 ID token with the protocol claims only (profile claims are in UserInfo).
    fn id_token(&self, grant: &Pending, access_token: &str) -> String {
        let at_hash = b64(&digest(&SHA256, access_token.as_bytes()).as_ref()[..16]);
        let mut claims = json!({ "iss": self.issuer, "sub": SUB, "aud": grant.client_id, "iat": self.now, "exp": self.now + 600, "at_hash": at_hash });
        if let Some(n) = &grant.nonce {
            claims["nonce"] = json!(n);
        }
        if grant.max_age {
            claims["auth_time"] = json!(grant.auth_time);
        }
        sign_rs256(self.key, &self.rng, &json!({ "alg": "RS256", "typ": "JWT", "kid": KID }), &claims)
    }

    /// UserInfo: the claims of the granted scopes for a known token, a 401 challenge otherwise.
    fn userinfo(&self, req: &Request) -> ResponseTemplate {
        let token = header(req, "authorization").and_then(|v| v.split_once(' ')).filter(|(s, _)| s.eq_ignore_ascii_case("bearer")).map(|(_, t)| t);
        let scope = token.and_then(|t| self.lock().access_tokens.get(t).cloned());
        if let Some(scope) = scope {
            let mut claims = json!({ "sub": SUB });
            if scope.split(' ').any(|s| s == "profile") {
                claims["name"] = json!("Alice Liddell");
                claims["given_name"] = json!("Alice");
                claims["family_name"] = json!("Liddell");
            }
            if scope.split(' ').any(|s| s == "email") {
                claims["email"] = json!("alice@example.org");
                claims["email_verified"] = json!(true);
            }
            return json(200, &claims);
        }
        self.refusal(token.is_some())
    }
}
