//! The JSON endpoints of the JavaScript login UI (see [`crate::spa`]): `GET /api/interaction`,
//! `POST /api/login`, `POST /api/consent`. They run the same protocol steps as the HTML pages'
//! handlers and answer where to go next as JSON instead of a redirect: `{"continue": URL}`, or
//! `{"form_post": {"action", "params"}}` for a `form_post` response the script submits.

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::body::ApiBody;
use super::interaction::{clear_interaction, logged_in};
use super::{AppState, ClientAddr, WebError, on_hashing_pool, cookie, query_params};
use crate::paths;
use crate::protocol::authorize::{AuthzFailure, Callback, Next, ResponseMode};
use crate::protocol::interaction::{self, InteractionError, Login, Pending, Step};
use crate::protocol::{JsonAnswer, ProtocolError};
use crate::provider::Provider;

/// The header carrying the interaction's CSRF token.
const CSRF_HEADER: &str = "x-csrf-token";

fn answer(status: StatusCode, body: &Value) -> Response {
    JsonAnswer::private(status.as_u16(), body.clone()).into_response()
}

fn refused(e: &InteractionError) -> Response {
    match e {
        InteractionError::Expired => answer(
            StatusCode::BAD_REQUEST,
            &json!({ "error": "request_refused", "error_description": "This sign-in request has expired or is unknown. Start again from the application." }),
        ),
        InteractionError::Forged => answer(
            StatusCode::FORBIDDEN,
            &json!({ "error": "request_refused", "error_description": "This request was not issued to this browser (CSRF protection). Start again from the application." }),
        ),
        InteractionError::AlreadySubmitted => already_submitted(),
    }
}

/// The answer to the losing copy of a double submission.
fn already_submitted() -> Response {
    answer(
        StatusCode::CONFLICT,
        &json!({ "error": "request_refused", "error_description": "This form was already submitted; the first submission is being completed." }),
    )
}

/// `GET /api/interaction?interaction=ID`: the state the app renders (only with the cookie).
pub(crate) async fn interaction_get(State(p): State<AppState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let params = query_params(q.as_deref());
    let id = params.get("interaction").ok().flatten().unwrap_or("");
    match interaction::load(&p, id, cookie(&headers, &paths::interaction_cookie(id))) {
        Ok(Ok(pending)) => answer(
            StatusCode::OK,
            &json!({
                "csrf_token": pending.record.csrf,
                "client_name": pending.client.name,
                "scopes": pending.request.scopes,
                "login_hint": pending.request.login_hint,
                "logged_in": pending.record.user_sub.is_some(),
            }),
        ),
        Ok(Err(e)) => refused(&e),
        Err(e) => WebError(e).into_response(),
    }
}

/// The JSON body and the pending interaction it names, checked as the HTML forms are: the
/// interaction cookie, and the CSRF token (from the header) bound to it.
fn pending_for(p: &Provider, headers: &HeaderMap, body: &Bytes) -> Result<Result<(Value, Pending), Response>, ProtocolError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(v) = ct.split(';').next().filter(|m| m.trim().eq_ignore_ascii_case("application/json")).and_then(|_| serde_json::from_slice::<Value>(body).ok()) else {
        let e = json!({ "error": "invalid_request", "error_description": "the body must be a JSON object (application/json)" });
        return Ok(Err(answer(StatusCode::BAD_REQUEST, &e)));
    };
    let id = v.get("interaction").and_then(Value::as_str).unwrap_or("");
    let csrf = headers.get(CSRF_HEADER).and_then(|h| h.to_str().ok());
    Ok(match interaction::load_for_post(p, id, cookie(headers, &paths::interaction_cookie(id)), csrf)? {
        Ok(pending) => Ok((v, pending)),
        Err(e) => Err(refused(&e)),
    })
}

/// `POST /api/login` with `{"interaction", "username", "password"}`.
pub(crate) async fn login_post(
    State(p): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Response {
    let provider = Arc::clone(&p);
    on_hashing_pool(&p, move || login_answer(&provider, &headers, &body, addr)).await
}

/// The answer to a JSON login (on the blocking pool).
fn login_answer(p: &Provider, headers: &HeaderMap, body: &Bytes, addr: Option<IpAddr>) -> Response {
    let run = || -> Result<Response, ProtocolError> {
        let (v, pending) = match pending_for(p, headers, body)? {
            Ok(found) => found,
            Err(res) => return Ok(res),
        };
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("");
        let (session_cookie, session) = match interaction::login(p, &pending, text("username"), text("password"), addr)? {
            Login::Done { cookie, session } => (cookie, session),
            Login::WrongCredentials => {
                let e = json!({ "error": "invalid_credentials", "error_description": "Wrong username or password." });
                return Ok(answer(StatusCode::UNAUTHORIZED, &e));
            }
            Login::AlreadySubmitted => return Ok(already_submitted()),
            Login::Throttled => {
                let e = json!({ "error": "too_many_attempts", "error_description": "Too many failed sign-ins. Wait a minute and try again." });
                return Ok(answer(StatusCode::TOO_MANY_REQUESTS, &e));
            }
        };
        logged_in(p, &pending, &session_cookie, &session, proceed)
    };
    run().unwrap_or_else(|e| WebError(e).into_response())
}

/// `POST /api/consent` with `{"interaction", "decision": "allow" | "deny"}`.
pub(crate) async fn consent_post(State(p): State<AppState>, headers: HeaderMap, ApiBody(body): ApiBody) -> Response {
    let run = || -> Result<Response, ProtocolError> {
        let (v, pending) = match pending_for(&p, &headers, &body)? {
            Ok(found) => found,
            Err(res) => return Ok(res),
        };
        match interaction::decide_consent(&p, &pending, v.get("decision").and_then(Value::as_str))? {
            Some(next) => proceed(&p, &pending, next),
            None => Ok(answer(StatusCode::BAD_REQUEST, &json!({ "error": "invalid_request", "error_description": "decision must be allow or deny" }))),
        }
    };
    run().unwrap_or_else(|e| WebError(e).into_response())
}

/// Answers where the app goes next: the authorization response or error (clearing the
/// interaction's cookie), or the next page.
fn proceed(p: &Provider, pending: &Pending, next: Next) -> Result<Response, ProtocolError> {
    Ok(match interaction::proceed(p, pending, next)? {
        Step::Callback(cb) => clear_interaction(p, pending, answer(StatusCode::OK, &to_client(&cb))),
        Step::Fail(AuthzFailure::Redirect(cb)) => clear_interaction(p, pending, answer(StatusCode::OK, &to_client(&cb))),
        Step::Fail(AuthzFailure::Page { status, message }) => {
            let e = json!({ "error": "request_refused", "error_description": message });
            clear_interaction(p, pending, answer(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), &e))
        }
        Step::Continue(url) => answer(StatusCode::OK, &json!({ "continue": url })),
        Step::AlreadySubmitted => already_submitted(),
    })
}

/// Where an authorization response goes: the redirect_uri with the parameters in its query,
/// or a `form_post` for the app to submit.
fn to_client(cb: &Callback) -> Value {
    match cb.mode {
        ResponseMode::FormPost => json!({ "form_post": { "action": cb.redirect_uri, "params": cb.params } }),
        ResponseMode::Query => match url::Url::parse(&cb.redirect_uri) {
            Ok(mut url) => {
                url.query_pairs_mut().extend_pairs(cb.params.iter());
                json!({ "continue": url.as_str() })
            }
            Err(_) => json!({ "error": "request_refused", "error_description": "the redirect_uri is not a valid URL" }),
        },
    }
}
