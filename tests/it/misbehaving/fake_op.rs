//! A small OpenID provider on wiremock, independent of the reference provider: discovery, JWKS,
//! an authorization endpoint with a login form, a token endpoint issuing RS256 ID tokens and a
//! UserInfo endpoint. It behaves correctly except for the one [`Misbehaviour`] it is built with.
//!
//! One responder serves every path; state (pending logins, codes, access tokens) sits behind a
//! mutex. Time is a fixed Unix second shared with the harness's clock, so tokens are
//! deterministic relative to the run. ID tokens are RS256 (the one alg discovery MUST list);
//! the two RSA keys are generated once per test process.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::RsaKeyPair;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::it::fake_kit::{b64, discovery, rsa_jwk, sign_rs256};
use url::Url;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::misbehaviour::Misbehaviour;

/// The client registered at the fake.
pub const CLIENT_ID: &str = "fake-client";
/// Its secret.
pub const CLIENT_SECRET: &str = "fake-client-secret";
/// Its redirect URI (never requested: the harness stops there).
pub const REDIRECT_URI: &str = "https://client.example.org/cb";
/// The test user.
pub const USERNAME: &str = "alice";
/// Her password.
pub const PASSWORD: &str = "alice-fake-password";
/// Her subject identifier.
pub const SUB: &str = "user-1";
/// The only key id.
const KID: &str = "fake-key-1";

/// What the login, the callback and the token endpoint need from an authorization request.
#[derive(Debug, Clone)]
struct Pending {
    state: Option<String>,
    nonce: Option<String>,
    challenge: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    pending: HashMap<String, Pending>,
    codes: HashMap<String, Pending>,
    access_tokens: Vec<String>,
}

/// The fake provider's responder.
struct FakeOp {
    issuer: String,
    bad: Misbehaviour,
    now: i64,
    key: &'static RsaKeyPair,
    foreign_key: &'static RsaKeyPair,
    rng: SystemRandom,
    state: Mutex<State>,
}

/// Starts a fake provider misbehaving in `bad`, its clock at `now`. Returns the server (keep it
/// alive) and its issuer URL.
pub async fn start(bad: Misbehaviour, now: i64) -> (MockServer, String) {
    let server = MockServer::start().await;
    let issuer = server.uri();
    let op = FakeOp {
        issuer: issuer.clone(),
        bad,
        now,
        key: &keys().0,
        foreign_key: &keys().1,
        rng: SystemRandom::new(),
        state: Mutex::default(),
    };
    Mock::given(any()).respond_with(op).mount(&server).await;
    (server, issuer)
}

/// The published signing key and a foreign one (RSA generation is slow: once per process).
fn keys() -> &'static (RsaKeyPair, RsaKeyPair) {
    static KEYS: OnceLock<(RsaKeyPair, RsaKeyPair)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let keygen = || RsaKeyPair::generate(KeySize::Rsa2048).expect("RSA keygen");
        (keygen(), keygen())
    })
}

/// SHA-256 of `s`, left half, base64url (at_hash for RS256).
fn left_half_sha256(s: &str) -> String {
    let d = digest(&SHA256, s.as_bytes());
    b64(&d.as_ref()[..16])
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// A public RSA JWK for `key`.
/// JSON mislabelled as `text/plain`.
fn text_plain(body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_string().into_bytes(), "text/plain")
}

impl Respond for FakeOp {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        match (req.method.as_str(), req.url.path()) {
            ("GET", "/.well-known/openid-configuration") => self.discovery(),
            ("GET", "/jwks") => self.jwks(),
            ("GET", "/authorize") => self.authorize(&req.url),
            ("POST", "/login") => self.login(&form(&req.body)),
            ("POST", "/token") => self.token(req),
            ("GET", "/userinfo") => self.userinfo(req),
            _ => ResponseTemplate::new(404),
        }
    }
}

impl FakeOp {
    /// A JSON response.
    fn json(&self, status: u16, body: &Value) -> ResponseTemplate {
        let content_type = if self.bad == Misbehaviour::AllowedJsonCharset { "application/json;charset=UTF-8" } else { "application/json" };
        ResponseTemplate::new(status).set_body_raw(body.to_string().into_bytes(), content_type)
    }

    fn random(&self) -> String {
        let mut bytes = [0u8; 32];
        self.rng.fill(&mut bytes).expect("random bytes");
        b64(&bytes)
    }

    fn discovery(&self) -> ResponseTemplate {
        let i = &self.issuer;
        let mut doc = discovery(i, json!({
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "at_hash"],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": true,
        }));
        match self.bad {
            Misbehaviour::DiscoveryIssuerMismatch => doc["issuer"] = json!(format!("{i}/other")),
            Misbehaviour::DiscoveryWithoutResponseTypes => {
                doc.as_object_mut().expect("object").remove("response_types_supported");
            }
            _ => {}
        }
        if self.bad == Misbehaviour::DiscoveryNotJsonContentType {
            return text_plain(&doc);
        }
        self.json(200, &doc)
    }

    fn jwks(&self) -> ResponseTemplate {
        let mut jwk = rsa_jwk(self.key, KID);
        if self.bad == Misbehaviour::JwksPrivateMember {
            jwk["d"] = json!(self.random());
        }
        let keys = if self.bad == Misbehaviour::AllowedTwoKeys { vec![rsa_jwk(self.foreign_key, "fake-key-0"), jwk] } else { vec![jwk] };
        let jwks = json!({ "keys": keys });
        if self.bad == Misbehaviour::JwksNotJsonContentType {
            return text_plain(&jwks);
        }
        self.json(200, &jwks)
    }

    /// Validates the request and shows the login form for it.
    fn authorize(&self, url: &Url) -> ResponseTemplate {
        let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
        let valid = q.get("response_type").is_some_and(|v| v == "code")
            && q.get("client_id").is_some_and(|v| v == CLIENT_ID)
            && q.get("redirect_uri").is_some_and(|v| v == REDIRECT_URI)
            && q.get("scope").is_some_and(|s| s.split(' ').any(|x| x == "openid"));
        if !valid {
            return ResponseTemplate::new(400).set_body_string("invalid authorization request");
        }
        let param = |k: &str| q.get(k).cloned();
        let pending = Pending { state: param("state"), nonce: param("nonce"), challenge: param("code_challenge") };
        if self.bad == Misbehaviour::NoLoginPage {
            return self.callback(pending);
        }
        let tx = self.random();
        self.state.lock().expect("state").pending.insert(tx.clone(), pending);
        login_page(&tx)
    }

    /// Checks the credentials and redirects to the client with a code.
    fn login(&self, f: &HashMap<String, String>) -> ResponseTemplate {
        let tx = f.get("tx").cloned().unwrap_or_default();
        let ok = f.get("username").is_some_and(|u| u == USERNAME) && f.get("password").is_some_and(|p| p == PASSWORD);
        if !ok {
            return login_page(&tx);
        }
        let Some(pending) = self.state.lock().expect("state").pending.remove(&tx) else {
            return ResponseTemplate::new(400).set_body_string("unknown transaction");
        };
        self.callback(pending)
    }

    /// Issues a code for `pending` and redirects to the client with it.
    fn callback(&self, pending: Pending) -> ResponseTemplate {
        let code = self.random();
        self.state.lock().expect("state").codes.insert(code.clone(), pending.clone());
        let bad = self.bad;
        let mut params: Vec<(&str, String)> = vec![("code", code.clone())];
        if bad == Misbehaviour::CallbackCodeRepeated {
            params.push(("code", code));
        }
        if let Some(s) = pending.state {
            match bad {
                Misbehaviour::CallbackWithoutState => {}
                Misbehaviour::CallbackStateRepeated => params.extend([("state", s.clone()), ("state", s)]),
                _ => params.push(("state", s)),
            }
        }
        match bad {
            Misbehaviour::CallbackWithoutIss => {}
            Misbehaviour::CallbackWrongIss => params.push(("iss", format!("{}/other", self.issuer))),
            _ => params.push(("iss", self.issuer.clone())),
        }
        match bad {
            Misbehaviour::CallbackLeaksToken => params.push(("access_token", self.random())),
            Misbehaviour::AllowedCallbackOrder => {
                params.push(("session_state", self.random()));
                params.reverse();
            }
            _ => {}
        }
        let mut location = Url::parse(REDIRECT_URI).expect("redirect_uri");
        location.query_pairs_mut().extend_pairs(params);
        ResponseTemplate::new(302).insert_header("Location", location.as_str())
    }

    /// Redeems a code: client authentication (Basic), PKCE S256, then the tokens.
    fn token(&self, req: &Request) -> ResponseTemplate {
        let invalid = |error: &str| self.json(400, &json!({ "error": error })).insert_header("Cache-Control", "no-store");
        let expected_auth = format!("Basic {}", STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")));
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok());
        if auth != Some(expected_auth.as_str()) {
            return self.json(401, &json!({ "error": "invalid_client" })).insert_header("WWW-Authenticate", "Basic");
        }
        let f = form(&req.body);
        if f.get("grant_type").map(String::as_str) != Some("authorization_code") {
            return invalid("unsupported_grant_type");
        }
        let mut state = self.state.lock().expect("state");
        let Some(grant) = f.get("code").and_then(|c| state.codes.remove(c)) else {
            return invalid("invalid_grant");
        };
        let verifier_ok = match (&grant.challenge, f.get("code_verifier")) {
            (Some(ch), Some(v)) => b64(digest(&SHA256, v.as_bytes()).as_ref()) == *ch,
            (None, None) => true,
            _ => false,
        };
        if !verifier_ok || f.get("redirect_uri").map(String::as_str) != Some(REDIRECT_URI) {
            return invalid("invalid_grant");
        }
        let access_token = if self.bad == Misbehaviour::TokenBodyNotStrictJson { format!("AT-not-strict-{}", self.random()) } else { self.random() };
        state.access_tokens.push(access_token.clone());
        drop(state);
        let mut body = json!({
            "access_token": access_token,
            "token_type": match self.bad {
                Misbehaviour::TokenTypeMac => "MAC",
                Misbehaviour::AllowedLowercaseBearer => "bearer",
                _ => "Bearer",
            },
            "expires_in": if self.bad == Misbehaviour::TokenExpiresInString { json!("3600") } else { json!(3600) },
            "scope": "openid",
        });
        if self.bad == Misbehaviour::AllowedTokenWithoutScope {
            body.as_object_mut().expect("object").remove("scope");
        }
        if self.bad == Misbehaviour::TokenErrorMember {
            body["error"] = json!("server_error");
        }
        if self.bad != Misbehaviour::TokenWithoutIdToken {
            body["id_token"] = json!(self.id_token(&grant, &access_token));
        }
        let resp = if self.bad == Misbehaviour::TokenBodyNotStrictJson {
            ResponseTemplate::new(200).set_body_raw(format!("\u{feff}{body}\n<!-- served by fake -->").into_bytes(), "application/json")
        } else {
            self.json(200, &body)
        };
        let resp = resp.insert_header("Pragma", "no-cache");
        if self.bad == Misbehaviour::TokenCacheable { resp } else { resp.insert_header("Cache-Control", "no-store") }
    }

    /// An RS256 ID token for `grant`.
    fn id_token(&self, grant: &Pending, access_token: &str) -> String {
        let bad = self.bad;
        let (iat, exp) = match bad {
            Misbehaviour::IdTokenExpired => (self.now - 7200, self.now - 3600),
            Misbehaviour::IdTokenIatFuture => (self.now + 3600, self.now + 4200),
            _ => (self.now, self.now + 600),
        };
        let mut claims = json!({
            "iss": if bad == Misbehaviour::IdTokenWrongIssuer { format!("{}/other", self.issuer) } else { self.issuer.clone() },
            "sub": SUB,
            "aud": match bad {
                Misbehaviour::IdTokenOtherAudience => json!("another-client"),
                Misbehaviour::AllowedAudienceArray => json!([CLIENT_ID]),
                _ => json!(CLIENT_ID),
            },
            "iat": iat,
            "exp": exp,
            "at_hash": left_half_sha256(if bad == Misbehaviour::IdTokenWrongAtHash { "another-access-token" } else { access_token }),
        });
        match bad {
            Misbehaviour::IdTokenOtherAzp => claims["azp"] = json!("another-client"),
            Misbehaviour::IdTokenWithoutSub => {
                claims.as_object_mut().expect("object").remove("sub");
            }
            _ => {}
        }
        if let Some(n) = &grant.nonce {
            claims["nonce"] = json!(if bad == Misbehaviour::IdTokenWrongNonce { "another-nonce" } else { n.as_str() });
        }
        let header = match bad {
            Misbehaviour::AllowedIdTokenWithoutKid => json!({ "alg": "RS256" }),
            _ => json!({ "alg": "RS256", "typ": "JWT", "kid": KID }),
        };
        let key = if bad == Misbehaviour::IdTokenForeignKey { self.foreign_key } else { self.key };
        sign_rs256(key, &self.rng, &header, &claims)
    }

    /// UserInfo: claims for a known Bearer token, a 401 challenge otherwise.
    fn userinfo(&self, req: &Request) -> ResponseTemplate {
        let token = req.headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        let known = token.is_some_and(|t| self.state.lock().expect("state").access_tokens.iter().any(|a| a == t));
        let accepted = known
            || (token.is_some() && self.bad == Misbehaviour::UserinfoAcceptsInvalidToken)
            || (token.is_none() && self.bad == Misbehaviour::UserinfoAcceptsNoToken);
        if accepted {
            let claims = match self.bad {
                Misbehaviour::UserinfoOtherSub => json!({ "sub": "user-2" }),
                Misbehaviour::UserinfoWithoutSub => json!({}),
                _ => json!({ "sub": SUB }),
            };
            if self.bad == Misbehaviour::UserinfoNotJsonContentType {
                return text_plain(&claims);
            }
            return self.json(200, &claims);
        }
        // RFC 6750 3: no error code when no token was sent; error="invalid_token" for a bad one.
        let scheme = if self.bad == Misbehaviour::AllowedLowercaseChallenge { "bearer" } else { "Bearer" };
        let (resp, challenge) = match token {
            None => (ResponseTemplate::new(401), format!("{scheme} realm=\"fake\"")),
            Some(_) => (self.json(401, &json!({ "error": "invalid_token" })), format!("{scheme} realm=\"fake\", error=\"invalid_token\"")),
        };
        if self.bad == Misbehaviour::UserinfoNoChallenge { resp } else { resp.insert_header("WWW-Authenticate", challenge) }
    }
}

/// The login form for transaction `tx`.
fn login_page(tx: &str) -> ResponseTemplate {
    let html = format!(
        "<!doctype html><html><body><form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"tx\" value=\"{tx}\">\
         <input type=\"text\" name=\"username\" autocomplete=\"username\">\
         <input type=\"password\" name=\"password\">\
         <button type=\"submit\">Sign in</button></form></body></html>"
    );
    ResponseTemplate::new(200).set_body_raw(html.into_bytes(), "text/html; charset=utf-8")
}
