//! `POST /token` (RFC 6749 3.2): the form in, the grant's answer (bent by `faults/token.rs`) out.

use axum::extract::State;
use axum::http::header::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::body::ApiBody;
use super::{AppState, WebError, authorization, form_params, respond};
use crate::faults;
use crate::protocol::token;

/// `POST /token`.
pub(crate) async fn token_post(State(p): State<AppState>, headers: HeaderMap, ApiBody(body): ApiBody) -> Response {
    let params = match form_params(&headers, &body) {
        Ok(params) => params,
        Err(e) => return WebError::from(e).into_response(),
    };
    respond(faults::token::answer(&p, token::answer(&p, authorization(&headers), &params)))
}
