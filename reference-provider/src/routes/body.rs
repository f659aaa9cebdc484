//! Request bodies read the way each endpoint answers its errors: the body extractor's own
//! rejections (a body over [`super::MAX_BODY`], a broken or stalled upload) would otherwise be
//! axum's `text/plain` text. [`ApiBody`] refuses with OAuth error JSON (RFC 6749 §5.2) for the
//! token, revocation, introspection, userinfo and JSON login endpoints; [`PageBody`] with an
//! HTML page for the browser's forms.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::html;
use crate::html as pages;
use crate::protocol::{ErrorCode, JsonAnswer};

/// A body for an endpoint that answers errors as OAuth JSON.
pub(crate) struct ApiBody(pub Bytes);

/// A body for a browser endpoint that answers errors as an HTML page.
pub(crate) struct PageBody(pub Bytes);

/// What went wrong reading the body, and its status (413 for a body over the limit, else 400).
fn reason(e: &BytesRejection) -> (StatusCode, String) {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        (status, format!("the request body is larger than {} bytes", super::MAX_BODY))
    } else {
        (StatusCode::BAD_REQUEST, "the request body could not be read".to_owned())
    }
}

impl<S: Send + Sync> FromRequest<S> for ApiBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        Bytes::from_request(req, state).await.map(ApiBody).map_err(|e| {
            let (status, description) = reason(&e);
            let body = serde_json::json!({"error": ErrorCode::InvalidRequest, "error_description": description});
            JsonAnswer::private(status.as_u16(), body).into_response()
        })
    }
}

impl<S: Send + Sync> FromRequest<S> for PageBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        Bytes::from_request(req, state).await.map(PageBody).map_err(|e| {
            let (status, description) = reason(&e);
            html(status, pages::error(&format!("This form could not be read: {description}.")))
        })
    }
}
