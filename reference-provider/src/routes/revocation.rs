//! `POST /revoke` (RFC 7009 2.1).

use axum::extract::State;
use axum::http::header::HeaderMap;
use axum::response::Response;

use super::body::ApiBody;
use super::{AppState, authorization, form_params, respond};
use crate::protocol::{ProtocolError, revocation};

/// `POST /revoke`.
pub(crate) async fn revoke_post(State(p): State<AppState>, headers: HeaderMap, ApiBody(body): ApiBody) -> Response {
    let params = form_params(&headers, &body).map_err(ProtocolError::from);
    respond(params.and_then(|params| revocation::answer(&p, authorization(&headers), &params)))
}
