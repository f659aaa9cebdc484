//! `GET|POST /authorize`, and rendering of authorization responses (query redirect or form_post)
//! and failures (error page or error redirect).

use aws_lc_rs::digest;
use axum::extract::{RawQuery, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::body::PageBody;
use super::{AppState, WebError, cookie, form_params, html, query_params, set_cookie};
use crate::html as pages;
use crate::paths;
use crate::protocol::authorize::{self, AuthzFailure, Callback, Next, ProtocolErrorOr, ResponseMode};
use crate::protocol::{Params, interaction};
use crate::provider::Provider;

/// `GET /authorize`.
pub(crate) async fn authorize_get(State(p): State<AppState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    handle(&p, &query_params(q.as_deref()), &headers)
}

/// `POST /authorize` (form-encoded, OIDC Core 3.1.2.1).
pub(crate) async fn authorize_post(State(p): State<AppState>, headers: HeaderMap, PageBody(body): PageBody) -> Response {
    match form_params(&headers, &body) {
        Ok(params) => handle(&p, &params, &headers),
        Err(e) => failure(&AuthzFailure::Page { status: 400, message: e.description }),
    }
}

fn handle(p: &Provider, params: &Params, headers: &HeaderMap) -> Response {
    let (req, client) = match authorize::validate(p, params) {
        Ok(v) => v,
        Err(ProtocolErrorOr::Authz(f)) => return failure(&f),
        Err(ProtocolErrorOr::Internal(e)) => return WebError(e).into_response(),
    };
    let result = (|| -> Result<Response, crate::protocol::ProtocolError> {
        let session = interaction::session(p, cookie(headers, paths::SESSION_COOKIE))?;
        match authorize::decide(p, &req, &client, session.as_ref())? {
            Next::Issue { user_sub, auth_time } => Ok(callback(&authorize::issue_code(p, &req, &client, &user_sub, auth_time)?)),
            Next::Fail(f) => Ok(failure(&f)),
            Next::Login => {
                let (rec, secret) = interaction::start(p, &req)?;
                Ok(to_interaction(p, paths::LOGIN, &rec.id, &secret))
            }
            Next::Consent { user_sub, auth_time } => {
                let (rec, secret) = interaction::start(p, &req)?;
                p.store.set_interaction_user(&rec.id, &user_sub, auth_time)?;
                Ok(to_interaction(p, paths::CONSENT, &rec.id, &secret))
            }
        }
    })();
    result.unwrap_or_else(|e| WebError(e).into_response())
}

/// Redirect to the login or consent page, binding the interaction to this browser by a cookie
/// holding its secret (the URL carries only the id, the secret's fingerprint).
fn to_interaction(p: &Provider, page: &str, id: &str, secret: &str) -> Response {
    let mut res = redirect(&format!("{page}?interaction={id}"));
    let ttl = p.config.lifetimes.interaction_secs;
    res.headers_mut().append(header::SET_COOKIE, set_cookie(p, &paths::interaction_cookie(id), secret, ttl));
    res
}

/// A 302 redirect.
pub(crate) fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)]).into_response(),
        Err(_) => html(StatusCode::BAD_REQUEST, pages::error("invalid redirect target")),
    }
}

/// Renders an authorization response to the client.
pub(crate) fn callback(cb: &Callback) -> Response {
    match cb.mode {
        ResponseMode::Query => match url::Url::parse(&cb.redirect_uri) {
            Ok(mut url) => {
                {
                    let mut q = url.query_pairs_mut();
                    for (k, v) in &cb.params {
                        q.append_pair(k, v);
                    }
                }
                redirect(url.as_str())
            }
            Err(_) => html(StatusCode::BAD_REQUEST, pages::error("the redirect_uri is not a valid URL")),
        },
        ResponseMode::FormPost => {
            let hash = STANDARD.encode(digest::digest(&digest::SHA256, pages::FORM_POST_SCRIPT.as_bytes()));
            let csp = format!("default-src 'none'; script-src 'sha256-{hash}'; frame-ancestors 'none'");
            let mut res = html(StatusCode::OK, pages::form_post(&cb.redirect_uri, &cb.params));
            if let Ok(v) = HeaderValue::from_str(&csp) {
                res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
            }
            res
        }
    }
}

/// Renders a failure: an error page (never redirected) or an error redirect.
pub(crate) fn failure(f: &AuthzFailure) -> Response {
    match f {
        AuthzFailure::Page { status, message } => {
            html(StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST), pages::error(message))
        }
        AuthzFailure::Redirect(cb) => callback(cb),
    }
}
