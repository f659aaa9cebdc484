//! Back-channel endpoints: token, userinfo, revocation and introspection.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::{AppState, WebError, authorization, form_params, json};
use crate::faults::Fault;
use crate::protocol::{ErrorCode, OAuthError, ProtocolError, introspect, token, userinfo};

/// `POST /token`.
pub(crate) async fn token_post(State(p): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = match form_params(&headers, &body) {
        Ok(params) => params,
        Err(e) => return WebError::from(e).into_response(),
    };
    match token::exchange(&p, authorization(&headers), &params) {
        Ok(issued) => {
            let mut body = Map::new();
            body.insert("access_token".into(), issued.access_token.into());
            let token_type = if p.fault(Fault::TokenTypeWrong) { "mac" } else { "Bearer" };
            if !p.fault(Fault::TokenTypeMissing) {
                body.insert("token_type".into(), token_type.into());
            }
            let expires_in = if p.fault(Fault::TokenExpiresInZero) { 0 } else { issued.expires_in };
            body.insert("expires_in".into(), expires_in.into());
            if let Some(r) = issued.refresh_token {
                body.insert("refresh_token".into(), r.into());
            }
            if let Some(i) = issued.id_token {
                body.insert("id_token".into(), i.into());
            }
            // An empty scope is not a scope (RFC 6749 3.3: one or more scope tokens): omit it.
            if !issued.scope.is_empty() {
                let scope = if p.fault(Fault::TokenScopeDoubleSpace) { issued.scope.replace(' ', "  ") } else { issued.scope };
                body.insert("scope".into(), scope.into());
            }
            if p.fault(Fault::TokenSuccessWithErrorField) {
                body.insert("error".into(), "none".into());
            }
            let mut res = json(StatusCode::OK, Value::Object(body).to_string());
            if p.fault(Fault::TokenContentTypeText) {
                res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            }
            if p.fault(Fault::NoCacheControl) {
                let h = res.headers_mut();
                h.remove(header::PRAGMA);
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
            }
            res
        }
        Err(ProtocolError::OAuth(e)) if p.fault(Fault::TokenErrorDescriptionBadCharset) || p.fault(Fault::TokenErrorUriInvalid) => {
            insecure_malformed_token_error(&p, e)
        }
        Err(e) => WebError(e).into_response(),
    }
}

/// A token error answer broken by the error-format faults (RFC 6749 5.2 charsets and URI).
fn insecure_malformed_token_error(p: &crate::provider::Provider, e: OAuthError) -> Response {
    let mut body = Map::new();
    body.insert("error".into(), e.error.as_str().into());
    let description = if p.fault(Fault::TokenErrorDescriptionBadCharset) { format!("{} \"r\u{e9}essayez\"", e.description) } else { e.description };
    body.insert("error_description".into(), description.into());
    if p.fault(Fault::TokenErrorUriInvalid) {
        body.insert("error_uri".into(), "see the manual".into());
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut res = json(status, Value::Object(body).to_string());
    if let Some(challenge) = e.www_authenticate.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
    }
    res
}

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

fn userinfo_response(p: &crate::provider::Provider, token: Option<&str>) -> Response {
    match userinfo::userinfo(p, token) {
        Ok(claims) => {
            let body = if p.fault(Fault::UserinfoBodyArray) { format!("[{claims}]") } else { claims.to_string() };
            let mut res = json(StatusCode::OK, body);
            if p.fault(Fault::UserinfoContentTypeText) {
                res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            }
            res
        }
        Err(e) => WebError(e).into_response(),
    }
}

/// `GET /userinfo` with `Authorization: Bearer`.
pub(crate) async fn userinfo_get(State(p): State<AppState>, headers: HeaderMap) -> Response {
    match bearer(&headers) {
        Ok(token) => userinfo_response(&p, token),
        Err(()) => userinfo_response(&p, None),
    }
}

/// `POST /userinfo`: bearer in the header or `access_token` in the form body (RFC 6750 2.2), not both.
pub(crate) async fn userinfo_post(State(p): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if p.fault(Fault::UserinfoPostRefused) {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET")]).into_response();
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

/// `POST /revoke` (RFC 7009).
pub(crate) async fn revoke_post(State(p): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = form_params(&headers, &body)
        .map_err(ProtocolError::from)
        .and_then(|params| introspect::revoke(&p, authorization(&headers), &params));
    match result {
        Ok(()) => (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response(),
        Err(e) => WebError(e).into_response(),
    }
}

/// `POST /introspect` (RFC 7662).
pub(crate) async fn introspect_post(State(p): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = form_params(&headers, &body)
        .map_err(ProtocolError::from)
        .and_then(|params| introspect::introspect(&p, authorization(&headers), &params));
    match result {
        Ok(v) => json(StatusCode::OK, v.to_string()),
        Err(e) => WebError(e).into_response(),
    }
}
