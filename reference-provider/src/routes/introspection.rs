//! `POST /introspect` (RFC 7662 2.1); the answer is bent by `faults/introspection.rs`.

use axum::extract::State;
use axum::http::header::HeaderMap;
use axum::response::Response;

use super::body::ApiBody;
use super::{AppState, authorization, form_params, respond};
use crate::faults;
use crate::protocol::{ProtocolError, introspection};

/// `POST /introspect`.
pub(crate) async fn introspect_post(State(p): State<AppState>, headers: HeaderMap, ApiBody(body): ApiBody) -> Response {
    let params = form_params(&headers, &body).map_err(ProtocolError::from);
    let answer = params.and_then(|params| introspection::answer(&p, authorization(&headers), &params));
    respond(answer.map(|a| faults::introspection::answer(&p, a)))
}
