//! `GET|POST /logout`: RP-initiated logout.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap};
use axum::response::{IntoResponse, Response};

use super::body::PageBody;
use super::authorize::redirect;
use super::{AppState, WebError, cookie, form_params, html, query_params, set_cookie};
use crate::faults::Fault;
use crate::html as pages;
use crate::paths;
use crate::protocol::Params;
use crate::protocol::logout::{self, Logout};
use crate::provider::Provider;

/// `GET /logout`.
pub(crate) async fn logout_get(State(p): State<AppState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    handle(&p, &query_params(q.as_deref()), &headers, None)
}

/// `POST /logout` (also the confirmation form's target).
pub(crate) async fn logout_post(State(p): State<AppState>, headers: HeaderMap, PageBody(body): PageBody) -> Response {
    match form_params(&headers, &body) {
        Ok(params) => {
            let csrf = params.get("csrf_token").ok().flatten().map(str::to_owned);
            handle(&p, &params, &headers, csrf.as_deref())
        }
        Err(e) => html(StatusCode::BAD_REQUEST, pages::error(&e.description)),
    }
}

fn handle(p: &Provider, params: &Params, headers: &HeaderMap, csrf: Option<&str>) -> Response {
    let session = cookie(headers, paths::SESSION_COOKIE);
    match logout::end_session(p, params, session, csrf) {
        Ok(Logout::Redirect(url)) => clear_session(p, redirect(&url)),
        Ok(Logout::Done) => clear_session(p, html(StatusCode::OK, pages::logged_out())),
        Ok(Logout::Confirm { csrf }) => {
            let keep: Vec<(String, String)> = ["client_id", "post_logout_redirect_uri", "state"]
                .iter()
                .filter_map(|k| params.get(k).ok().flatten().map(|v| ((*k).to_owned(), v.to_owned())))
                .collect();
            html(StatusCode::OK, pages::logout_confirm(&csrf, &keep))
        }
        Ok(Logout::Error(msg)) => html(StatusCode::BAD_REQUEST, pages::error(&msg)),
        Err(e) => WebError(e).into_response(),
    }
}

/// Expires the session cookie (not under the fault `logout-keeps-session`, which keeps the
/// session too: protocol/logout.rs).
fn clear_session(p: &Provider, mut res: Response) -> Response {
    if p.fault(Fault::LogoutKeepsSession) {
        return res;
    }
    res.headers_mut().append(header::SET_COOKIE, set_cookie(p, paths::SESSION_COOKIE, "", 0));
    res
}
