//! Entry points for fuzzing the provider's parsers of client input: form bodies and query
//! strings, HTTP Basic client credentials, the refresh-token format and the `claims` request
//! parameter. Each takes raw bytes; a panic is a bug. The cargo-fuzz targets (`fuzz/`) and the
//! harness's bounded pass in `cargo test` call them. Not an API: hidden, thin wrappers.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use serde_json::{Map, Value};

use crate::protocol::client_auth::{Presented, presented};
use crate::protocol::refresh_token::{RefreshToken, format};
use crate::protocol::{Params, claims};
use crate::store::UserRecord;

/// A fuzz target: raw bytes in, a panic when the parser has a bug.
pub type FuzzTarget = fn(&[u8]);

/// The provider's fuzz targets by name (the corpus directory and the cargo-fuzz target).
pub const TARGETS: &[(&str, FuzzTarget)] = &[
    ("provider_params", params),
    ("provider_basic", basic),
    ("provider_refresh_token", refresh_token),
    ("provider_claims", claims_parameter),
];

/// Reads the parameters the way every endpoint does: the first line is the `Content-Type`, the
/// rest the body; the body again as a query string; then the checks every endpoint makes.
pub fn params(data: &[u8]) {
    let (content_type, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b""[..], data),
    };
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_bytes(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(p) = crate::routes::form_params(&headers, &Bytes::copy_from_slice(body)) {
        inspect(&p);
    }
    inspect(&crate::routes::query_params(std::str::from_utf8(body).ok()));
}

fn inspect(p: &Params) {
    let _ = (p.get("client_id"), p.required("grant_type"), p.has_repeats(), p.len_of("scope"), p.size_problem());
    let first = p.first_of_each();
    assert!(!first.has_repeats(), "first_of_each leaves no repeats");
    let _ = presented(None, p);
}

/// `Authorization: Basic ...` client credentials, with and without a `client_id` in the body.
pub fn basic(data: &[u8]) {
    let Ok(header) = std::str::from_utf8(data) else { return };
    let none = Params::default();
    let with_id = Params(vec![("client_id".into(), "app".into())]);
    for body in [&none, &with_id] {
        if let Ok(Presented::Basic { id, .. }) = presented(Some(header), body) {
            assert!(body.0.is_empty() || id == "app", "a body client_id must agree with Basic");
        }
    }
}

/// The refresh-token format `<family>.<generation>.<family secret>.<secret>`: what parses
/// formats back to the same text.
pub fn refresh_token(data: &[u8]) {
    let Ok(token) = std::str::from_utf8(data) else { return };
    if let Some(t) = RefreshToken::parse(token) {
        let parts: Vec<&str> = token.splitn(4, '.').collect();
        if let [_, _, family_secret, secret] = parts.as_slice() {
            assert_eq!(format(t.family, t.generation, family_secret, secret), token, "parse and format agree");
        }
    }
}

/// The `claims` request parameter (OIDC Core 5.5) and the claims it releases.
pub fn claims_parameter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(request) = claims::parse_request(text) else { return };
    let mut user_claims = Map::new();
    user_claims.insert("email".into(), Value::from("a@example.com"));
    user_claims.insert("name".into(), Value::from("A"));
    let user = UserRecord { sub: "s".into(), username: "a".into(), password_hash: String::new(), claims: user_claims };
    for member in ["userinfo", "id_token"] {
        let extra = claims::requested(Some(&request), member);
        let released = claims::user_claims(&user, &["openid", "profile"], &extra);
        assert!(released.keys().all(|k| user.claims.contains_key(k)), "only the user's own claims are released");
    }
}
