//! Request bodies read the way each endpoint answers its errors: the body extractor's own
//! rejections (a body over [`super::MAX_BODY`], a broken or stalled upload) would otherwise be
//! axum's `text/plain` text. [`ApiBody`] refuses with OAuth error JSON (RFC 6749 §5.2) for the
//! token, revocation, introspection, userinfo and JSON login endpoints; [`PageBody`] with an
//! HTML page for the browser's forms. A body that does not arrive within the configured
//! `body_timeout_secs` is refused with 408.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{AppState, html};
use crate::html as pages;
use crate::protocol::{ErrorCode, JsonAnswer};

/// A body for an endpoint that answers errors as OAuth JSON.
pub(crate) struct ApiBody(pub Bytes);

/// A body for a browser endpoint that answers errors as an HTML page.
pub(crate) struct PageBody(pub Bytes);

/// Reads the body within the configured body timeout.
async fn read(req: Request, p: &AppState) -> Result<Bytes, (StatusCode, String)> {
    let limit = Duration::from_secs(p.config.connections.body_timeout_secs.max(1));
    match tokio::time::timeout(limit, Bytes::from_request(req, p)).await {
        Ok(read) => read.map_err(|e| reason(&e)),
        Err(_) => Err((StatusCode::REQUEST_TIMEOUT, format!("the request body did not arrive within {} s", limit.as_secs()))),
    }
}

/// What went wrong reading the body, and its status (413 for a body over the limit, else 400).
fn reason(e: &BytesRejection) -> (StatusCode, String) {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        (status, format!("the request body is larger than {} bytes", super::MAX_BODY))
    } else {
        (StatusCode::BAD_REQUEST, "the request body could not be read".to_owned())
    }
}

impl FromRequest<AppState> for ApiBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        read(req, state).await.map(ApiBody).map_err(|(status, description)| {
            let body = serde_json::json!({"error": ErrorCode::InvalidRequest, "error_description": description});
            JsonAnswer::private(status.as_u16(), body).into_response()
        })
    }
}

impl FromRequest<AppState> for PageBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        read(req, state).await.map(PageBody).map_err(|(status, description)| {
            html(status, pages::error(&format!("This form could not be read: {description}.")))
        })
    }
}
