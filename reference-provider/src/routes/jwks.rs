//! `GET /jwks`: the key ring's JWKS, serialised once per ring (`keys/ring.rs`), served as
//! `faults/jwks.rs` bends it.

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::faults;
use crate::protocol::JsonAnswer;

/// `GET /jwks`.
pub(crate) async fn jwks_get(State(p): State<AppState>) -> Response {
    let jwks = p.keys().jwks_json().to_owned();
    faults::jwks::answer(&p, JsonAnswer::public(jwks)).into_response()
}
