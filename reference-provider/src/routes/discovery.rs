//! `GET /.well-known/openid-configuration` and its RFC 8414 alias: the document built once at
//! start (`protocol/discovery.rs`), served as `faults/discovery.rs` bends it.

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::faults;
use crate::protocol::JsonAnswer;

/// `GET /.well-known/openid-configuration` (and the RFC 8414 alias).
pub(crate) async fn discovery_get(State(p): State<AppState>) -> Response {
    faults::discovery::answer(&p, JsonAnswer::public(p.discovery_json.clone())).into_response()
}
