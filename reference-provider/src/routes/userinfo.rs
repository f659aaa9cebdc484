//! `GET|POST /userinfo` (OIDC Core 5.3): the bearer token from the header or the form body, the
//! claims (bent by `faults/userinfo.rs`) out.

use axum::extract::State;
use axum::http::header::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::body::ApiBody;
use super::{AppState, WebError, authorization, form_params, respond};
use crate::faults;
use crate::protocol::{ErrorCode, OAuthError, userinfo};
use crate::provider::Provider;

/// The bearer token of an `Authorization: Bearer` header (`Err` for another scheme).
fn bearer(headers: &HeaderMap) -> Result<Option<&str>, ()> {
    match authorization(headers) {
        None => Ok(None),
        Some(h) => match h.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(Some(token.trim())),
            _ => Err(()),
        },
    }
}

fn userinfo_response(p: &Provider, token: Option<&str>) -> Response {
    respond(faults::userinfo::answer(p, userinfo::answer(p, token)))
}

/// `GET /userinfo` with `Authorization: Bearer`.
pub(crate) async fn userinfo_get(State(p): State<AppState>, headers: HeaderMap) -> Response {
    userinfo_response(&p, bearer(&headers).unwrap_or(None))
}

/// `POST /userinfo`: bearer in the header or `access_token` in the form body (RFC 6750 2.2), not both.
pub(crate) async fn userinfo_post(State(p): State<AppState>, headers: HeaderMap, ApiBody(body): ApiBody) -> Response {
    if let Some(refusal) = faults::userinfo::refuse_post(&p) {
        return refusal.into_response();
    }
    let params = match form_params(&headers, &body) {
        Ok(params) => params,
        Err(e) => return WebError::from(e).into_response(),
    };
    let from_body = match params.get("access_token") {
        Ok(t) => t,
        Err(m) => return WebError::from(OAuthError::bad_request(ErrorCode::InvalidRequest, m)).into_response(),
    };
    match (bearer(&headers), from_body) {
        (Ok(Some(_)), Some(_)) => WebError::from(OAuthError::bad_request(
            ErrorCode::InvalidRequest,
            "the access token must be sent in exactly one way (RFC 6750 2)",
        ))
        .into_response(),
        (Ok(Some(t)), None) => userinfo_response(&p, Some(t)),
        (_, Some(t)) => userinfo_response(&p, Some(t)),
        (_, None) => userinfo_response(&p, None),
    }
}
