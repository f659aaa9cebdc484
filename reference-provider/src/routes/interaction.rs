//! Login and consent pages: `GET|POST /login`, `GET|POST /consent` (with `--login-ui spa`, the
//! GETs serve the JavaScript app, see [`crate::spa`] and the JSON endpoints in `spa.rs`).

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::body::PageBody;
use super::authorize::{callback, failure, redirect};
use super::{AppState, ClientAddr, WebError, on_hashing_pool, cookie, form_params, html, query_params, set_cookie};
use crate::config::LoginUi;
use crate::html as pages;
use crate::paths;
use crate::protocol::authorize::{self, Next};
use crate::protocol::interaction::{self, InteractionError, Login, Pending, Step};
use crate::protocol::{Params, ProtocolError};
use crate::provider::Provider;
use crate::store::SessionRecord;

fn refused(e: &InteractionError) -> Response {
    match e {
        InteractionError::Expired => html(
            StatusCode::BAD_REQUEST,
            pages::error("This sign-in request has expired or is unknown. Start again from the application."),
        ),
        InteractionError::Forged => html(
            StatusCode::FORBIDDEN,
            pages::error("This form was not issued to this browser (CSRF protection). Start again from the application."),
        ),
        InteractionError::AlreadySubmitted => already_submitted(),
    }
}

/// The answer to the losing copy of a double-submitted form.
fn already_submitted() -> Response {
    html(
        StatusCode::CONFLICT,
        pages::error("This form was already submitted; the first submission is being completed. If nothing happens, start again from the application."),
    )
}

fn id(params: &Params) -> &str {
    params.get("interaction").ok().flatten().unwrap_or("")
}

fn field<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.get(name).ok().flatten()
}

/// `GET /login?interaction=ID`.
pub(crate) async fn login_get(State(p): State<AppState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let params = query_params(q.as_deref());
    match interaction::load(&p, id(&params), cookie(&headers, &paths::interaction_cookie(id(&params)))) {
        Ok(Ok(pending)) => login_page(&p, &pending, None),
        Ok(Err(e)) => refused(&e),
        Err(e) => WebError(e).into_response(),
    }
}

/// The first login page of the configured UI (`error` after a failed attempt).
fn login_page(p: &Provider, pending: &Pending, error: Option<&str>) -> Response {
    let (id, csrf, name, hint) = (&pending.record.id, &pending.record.csrf, &pending.client.name, pending.request.login_hint.as_deref());
    let body = match p.config.login_ui {
        LoginUi::Html => pages::login(id, csrf, name, hint, error),
        LoginUi::IdentifierFirst => pages::login_identifier(id, csrf, name, hint, error),
        LoginUi::Spa => return spa_shell("login"),
    };
    let body = crate::faults::login::page(p, body);
    let mut res = html(StatusCode::OK, body);
    if error.is_some() {
        res.headers_mut().insert("x-login-error", HeaderValue::from_static("invalid_credentials"));
    }
    res
}

/// The JavaScript UI's page (`--login-ui spa`), under its Content-Security-Policy.
fn spa_shell(page: &str) -> Response {
    let mut res = html(StatusCode::OK, crate::spa::shell(page));
    if let Ok(v) = HeaderValue::from_str(&crate::spa::content_security_policy()) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

/// The submitted form and the pending interaction it names (its cookie and CSRF token checked),
/// or the page refusing the submission (boxed: a response is large beside the found pair).
fn posted(p: &Provider, headers: &HeaderMap, body: &Bytes) -> Result<(Params, Pending), Box<Response>> {
    let params = form_params(headers, body).map_err(|e| Box::new(html(StatusCode::BAD_REQUEST, pages::error(&e.description))))?;
    let cookie = cookie(headers, &paths::interaction_cookie(id(&params)));
    match interaction::load_for_post(p, id(&params), cookie, field(&params, "csrf_token")) {
        Ok(Ok(pending)) => Ok((params, pending)),
        Ok(Err(e)) => Err(Box::new(refused(&e))),
        Err(e) => Err(Box::new(WebError(e).into_response())),
    }
}

/// `POST /login`.
pub(crate) async fn login_post(
    State(p): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    PageBody(body): PageBody,
) -> Response {
    let (params, pending) = match posted(&p, &headers, &body) {
        Ok(found) => found,
        Err(res) => return *res,
    };
    let provider = Arc::clone(&p);
    on_hashing_pool(&p, move || login_answer(&provider, &params, &pending, addr)).await
}

/// The answer to a login form (on the blocking pool).
fn login_answer(p: &Provider, params: &Params, pending: &Pending, addr: Option<IpAddr>) -> Response {
    let run = || -> Result<Response, ProtocolError> {
        let username = field(params, "username").unwrap_or("");
        let Some(password) = field(params, "password") else {
            if crate::faults::login::crash_without_password(p) {
                return Err(ProtocolError::Internal("a login post without a password (fault)".into()));
            }
            // Identifier-first: the login name alone asks for the password next, whether or not
            // the account exists (the answer must not tell).
            return Ok(match p.config.login_ui {
                LoginUi::IdentifierFirst if !username.is_empty() => {
                    html(StatusCode::OK, pages::login_password(&pending.record.id, &pending.record.csrf, &pending.client.name, username))
                }
                _ => login_page(p, pending, Some("Wrong username or password.")),
            });
        };
        let (session_cookie, session) = match interaction::login(p, pending, username, password, addr)? {
            Login::Done { cookie, session } => (cookie, session),
            Login::WrongCredentials => return Ok(login_page(p, pending, Some("Wrong username or password."))),
            Login::AlreadySubmitted => return Ok(already_submitted()),
            Login::Throttled => {
                let mut res = login_page(p, pending, Some("Too many failed sign-ins. Wait a minute and try again."));
                *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
                return Ok(res);
            }
        };
        logged_in(p, pending, &session_cookie, &session, proceed)
    };
    run().unwrap_or_else(|e| WebError(e).into_response())
}

/// The answer to a login that succeeded: the interaction's next step, rendered by `proceed`
/// (an HTML page or a JSON answer), with the session cookie set.
pub(super) fn logged_in(
    p: &Provider,
    pending: &Pending,
    session_cookie: &str,
    session: &SessionRecord,
    proceed: fn(&Provider, &Pending, Next) -> Result<Response, ProtocolError>,
) -> Result<Response, ProtocolError> {
    let next = authorize::after_login(p, &pending.request, &pending.client, &session.user_sub, session.auth_time)?;
    let mut res = proceed(p, pending, next)?;
    let ttl = p.config.lifetimes.session_secs;
    res.headers_mut().append(header::SET_COOKIE, set_cookie(p, paths::SESSION_COOKIE, session_cookie, ttl));
    Ok(res)
}

/// Renders the next step of an interaction: the authorization response or error (clearing the
/// interaction's cookie), or a redirect to the next page.
fn proceed(p: &Provider, pending: &Pending, next: Next) -> Result<Response, ProtocolError> {
    Ok(match interaction::proceed(p, pending, next)? {
        Step::Callback(cb) => clear_interaction(p, pending, callback(&cb)),
        Step::Fail(f) => clear_interaction(p, pending, failure(&f)),
        Step::Continue(url) => redirect(&url),
        Step::AlreadySubmitted => already_submitted(),
    })
}

pub(super) fn clear_interaction(p: &Provider, pending: &Pending, mut res: Response) -> Response {
    res.headers_mut().append(header::SET_COOKIE, set_cookie(p, &paths::interaction_cookie(&pending.record.id), "", 0));
    res
}

/// `GET /consent?interaction=ID`.
pub(crate) async fn consent_get(State(p): State<AppState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let params = query_params(q.as_deref());
    match interaction::load(&p, id(&params), cookie(&headers, &paths::interaction_cookie(id(&params)))) {
        Ok(Ok(pending)) if pending.record.user_sub.is_some() && p.config.login_ui == LoginUi::Spa => spa_shell("consent"),
        Ok(Ok(pending)) if pending.record.user_sub.is_some() => html(
            StatusCode::OK,
            pages::consent(&pending.record.id, &pending.record.csrf, &pending.client.name, &pending.request.scopes),
        ),
        Ok(Ok(pending)) => redirect(&format!("{}?interaction={}", paths::LOGIN, pending.record.id)),
        Ok(Err(e)) => refused(&e),
        Err(e) => WebError(e).into_response(),
    }
}

/// `POST /consent` with `decision=allow|deny`.
pub(crate) async fn consent_post(State(p): State<AppState>, headers: HeaderMap, PageBody(body): PageBody) -> Response {
    let (params, pending) = match posted(&p, &headers, &body) {
        Ok(found) => found,
        Err(res) => return *res,
    };
    let run = || -> Result<Response, ProtocolError> {
        match interaction::decide_consent(&p, &pending, field(&params, "decision"))? {
            Some(next) => proceed(&p, &pending, next),
            None => Ok(html(StatusCode::BAD_REQUEST, pages::error("decision must be allow or deny"))),
        }
    };
    run().unwrap_or_else(|e| WebError(e).into_response())
}
