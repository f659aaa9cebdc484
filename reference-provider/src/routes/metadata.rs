//! Discovery document and JWKS handlers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::faults::Fault;

/// `GET /.well-known/openid-configuration` (and the RFC 8414 alias).
pub(crate) async fn discovery_get(State(p): State<AppState>) -> Response {
    public_json(p.discovery_json.clone())
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
    public_json(ring.jwks_json().to_owned())
}

fn public_json(body: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "public, max-age=60")],
        body,
    )
        .into_response()
}
