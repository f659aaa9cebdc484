//! Discovery document and JWKS handlers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::AppState;
use crate::faults::Fault;
use crate::provider::Provider;

/// `GET /.well-known/openid-configuration` (and the RFC 8414 alias).
pub(crate) async fn discovery_get(State(p): State<AppState>) -> Response {
    if p.fault(Fault::DiscoveryNotFound) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if p.fault(Fault::DiscoveryBodyArray) {
        return public_json(format!("[{}]", p.discovery_json));
    }
    let mut res = public_json(p.discovery_json.clone());
    if p.fault(Fault::DiscoveryContentTypeText) {
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    }
    res
}

/// `GET /jwks`.
pub(crate) async fn jwks_get(State(p): State<AppState>) -> Response {
    let ring = p.keys();
    if p.fault(Fault::JwksPrivateMaterial) {
        // Publishes a private-key member (a fake value: the fault is about the shape, not a real leak).
        let mut doc: serde_json::Value = serde_json::from_str(ring.jwks_json()).unwrap_or_default();
        if let Some(first) = doc.get_mut("keys").and_then(|k| k.get_mut(0)) {
            first["d"] = "ZmFrZS1wcml2YXRlLWV4cG9uZW50".into();
        }
        return public_json(doc.to_string());
    }
    if p.fault(Fault::JwksNotFound) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if p.fault(Fault::JwksEmpty) {
        return public_json(r#"{"keys":[]}"#.to_owned());
    }
    if let Some(doc) = insecure_decoy_key(&p, ring.jwks_json()) {
        return public_json(doc);
    }
    public_json(ring.jwks_json().to_owned())
}

/// The JWKS faults: publishes one extra, malformed key (a copy of the first RSA key under a new
/// kid, bent in the way the fault names), so that the keys actually used stay valid.
fn insecure_decoy_key(p: &Provider, jwks: &str) -> Option<String> {
    let f = |fault| p.fault(fault);
    let decoys = [Fault::JwksKeyWithoutKty, Fault::JwksAlgKtyMismatch, Fault::JwksRsaShortModulus, Fault::JwksRsaLeadingZero, Fault::JwksUseMissingWhenMixed, Fault::JwksKeyMalformed];
    if !decoys.into_iter().any(f) {
        return None;
    }
    let mut doc: Value = serde_json::from_str(jwks).ok()?;
    let keys = doc.get_mut("keys")?.as_array_mut()?;
    let mut decoy = keys.iter().find(|k| k["kty"] == "RSA")?.clone();
    decoy["kid"] = "decoy-key".into();
    let n = URL_SAFE_NO_PAD.decode(decoy["n"].as_str()?).ok()?;
    if f(Fault::JwksKeyWithoutKty) {
        decoy.as_object_mut()?.remove("kty");
    }
    if f(Fault::JwksAlgKtyMismatch) {
        decoy["alg"] = "ES256".into();
    }
    if f(Fault::JwksRsaShortModulus) {
        decoy["n"] = URL_SAFE_NO_PAD.encode(n.get(..128)?).into();
    }
    if f(Fault::JwksUseMissingWhenMixed) {
        // An encryption key next to signing keys that no longer say what they are for.
        decoy["use"] = "enc".into();
        decoy["alg"] = "RSA-OAEP-256".into();
        for k in keys.iter_mut().filter_map(Value::as_object_mut) {
            k.remove("use");
        }
    }
    if f(Fault::JwksKeyMalformed) {
        decoy["n"] = "not base64url!".into();
    }
    if f(Fault::JwksRsaLeadingZero) {
        decoy["n"] = URL_SAFE_NO_PAD.encode([&[0u8][..], &n].concat()).into();
    }
    keys.push(decoy);
    Some(doc.to_string())
}

fn public_json(body: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "public, max-age=60")],
        body,
    )
        .into_response()
}
