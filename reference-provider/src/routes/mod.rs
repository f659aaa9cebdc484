//! HTTP edge: the axum router and thin handlers that translate requests into `protocol` calls
//! and protocol answers (bent by `faults`) back into responses; one file per endpoint, named like
//! its `protocol` file. Shared request/response helpers live here.

mod authorize;
mod body;
mod discovery;
mod interaction;
mod introspection;
mod jwks;
mod logout;
mod revocation;
mod spa;
mod token;
mod userinfo;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::paths;
use crate::protocol::{Answer, Caching, ErrorCode, JsonAnswer, OAuthError, Params, ProtocolError};
use crate::provider::Provider;

/// Shared state of every handler.
pub(crate) type AppState = Arc<Provider>;

/// Largest request body accepted (bytes); larger bodies get 413.
pub const MAX_BODY: usize = 64 * 1024;

/// Builds the provider's router.
pub(crate) fn router(provider: Arc<Provider>) -> Router {
    Router::new()
        .route(paths::DISCOVERY, get(discovery::discovery_get))
        .route(paths::OAUTH_METADATA, get(discovery::discovery_get))
        .route(paths::JWKS, get(jwks::jwks_get))
        .route(paths::AUTHORIZE, get(authorize::authorize_get).post(authorize::authorize_post))
        .route(paths::LOGIN, get(interaction::login_get).post(interaction::login_post))
        .route(paths::CONSENT, get(interaction::consent_get).post(interaction::consent_post))
        .route(paths::INTERACTION_API, get(spa::interaction_get))
        .route(paths::LOGIN_API, post(spa::login_post))
        .route(paths::CONSENT_API, post(spa::consent_post))
        .route(paths::TOKEN, post(token::token_post))
        .route(paths::USERINFO, get(userinfo::userinfo_get).post(userinfo::userinfo_post))
        .route(paths::REVOKE, post(revocation::revoke_post))
        .route(paths::INTROSPECT, post(introspection::introspect_post))
        .route(paths::LOGOUT, get(logout::logout_get).post(logout::logout_post))
        .layer(axum::middleware::map_response(security_headers))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(provider)
}

/// Security headers on every response (unless a handler set its own).
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    let defaults: [(HeaderName, &str); 5] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in defaults {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    res
}

/// The client's address when the router is served with connect info (not under `oneshot`).
pub(crate) struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let info = parts.extensions.get::<axum::extract::ConnectInfo<crate::serve::PeerAddr>>();
        Ok(ClientAddr(info.map(|c| c.0.0.ip())))
    }
}

/// Runs a login (argon2) on the blocking pool, at most `password_hash.max_concurrent` at once,
/// so password checks never hold the async workers other endpoints need.
pub(crate) async fn on_hashing_pool(p: &AppState, f: impl FnOnce() -> Response + Send + 'static) -> Response {
    let Ok(_slot) = Arc::clone(&p.hashing).acquire_owned().await else {
        return WebError(ProtocolError::Internal("the hashing pool is closed".into())).into_response();
    };
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| WebError(ProtocolError::Internal(format!("login task failed: {e}"))).into_response())
}

/// Parameters from a query string.
pub(crate) fn query_params(query: Option<&str>) -> Params {
    Params(url::form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect())
}

/// Parameters from an `application/x-www-form-urlencoded` body; other content types are refused.
pub(crate) fn form_params(headers: &HeaderMap, body: &Bytes) -> Result<Params, OAuthError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim();
    if !body.is_empty() && !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(OAuthError::bad_request(ErrorCode::InvalidRequest, "the body must be application/x-www-form-urlencoded"));
    }
    Ok(Params(url::form_urlencoded::parse(body).into_owned().collect()))
}

/// A cookie's value from the request.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when the issuer is https.
pub(crate) fn set_cookie(provider: &Provider, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if provider.issuer().starts_with("https://") { "; Secure" } else { "" };
    let v = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The `Authorization` header as text.
pub(crate) fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
}

/// An HTML page.
pub(crate) fn html(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// A protocol error as an HTTP response: OAuth error JSON, or an opaque 500 that is logged.
pub(crate) struct WebError(pub ProtocolError);

impl From<ProtocolError> for WebError {
    fn from(e: ProtocolError) -> Self {
        WebError(e)
    }
}

impl From<OAuthError> for WebError {
    fn from(e: OAuthError) -> Self {
        WebError(ProtocolError::OAuth(e))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self.0 {
            ProtocolError::OAuth(e) => JsonAnswer::from(e).into_response(),
            ProtocolError::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                let body = serde_json::json!({"error": ErrorCode::ServerError, "error_description": "internal error"});
                JsonAnswer::private(500, body).into_response()
            }
        }
    }
}

/// An answer, or the error that stopped it.
pub(crate) fn respond<A: IntoResponse>(result: Result<A, ProtocolError>) -> Response {
    result.map_or_else(|e| WebError(e).into_response(), IntoResponse::into_response)
}

impl IntoResponse for JsonAnswer {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut res = (
            status,
            [(header::CONTENT_TYPE, self.content_type.as_str()), (header::CACHE_CONTROL, self.caching.cache_control())],
            self.body.into_string(),
        )
            .into_response();
        if self.caching == Caching::NoStore {
            res.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        }
        if let Some(challenge) = self.www_authenticate.and_then(|c| HeaderValue::from_str(&c).ok()) {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        res
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self {
            Answer::Json(a) => a.into_response(),
            Answer::Empty { status, allow } => {
                let mut res = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response();
                if let Some(allow) = allow {
                    res.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
                }
                res
            }
        }
    }
}
