//! The UserInfo endpoint (OIDC Core 5.3) with RFC 6750 bearer-token errors, and the access-token
//! validation shared with introspection and revocation. The faults that bend its answer (claims,
//! shape, challenge) are applied in `faults/userinfo.rs`.

use serde_json::{Map, Value};

use super::{ErrorCode, JsonAnswer, OAuthError, ProtocolError, claims, split_scope};
use crate::faults::Fault;
use crate::provider::Provider;

/// A validated access token issued by this provider.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessToken {
    /// All claims.
    pub claims: Map<String, Value>,
    /// Token family id (from the jti).
    pub grant_id: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
}

impl AccessToken {
    /// A string claim.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

/// Why a bearer token was refused (RFC 6750 3.1).
/// Without an `error` (no token presented, RFC 6750 3.1), the challenge carries no error code
/// and the body says invalid_request.
fn bearer_error(status: u16, error: Option<ErrorCode>, description: &str) -> ProtocolError {
    let challenge = match error {
        None => "Bearer realm=\"reference-provider\"".to_owned(),
        Some(error) => format!("Bearer realm=\"reference-provider\", error=\"{error}\", error_description=\"{description}\""),
    };
    ProtocolError::OAuth(OAuthError {
        status,
        error: error.unwrap_or(ErrorCode::InvalidRequest),
        description: description.to_owned(),
        www_authenticate: Some(challenge),
    })
}

/// Validates an access token: signature by a published key, `typ: at+jwt`, issuer, expiry, and
/// that its grant was not revoked. `None` when the token is not a valid, live access token.
pub fn validate_access_token(provider: &Provider, token: &str) -> Result<Option<AccessToken>, ProtocolError> {
    let Ok((header, claims)) = provider.keys().verify(token) else {
        return Ok(None);
    };
    let Value::Object(claims) = claims else { return Ok(None) };
    let typed_at = header.get("typ").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("at+jwt"));
    // Untyped access tokens (a fault) are still told from ID tokens by their client_id claim.
    let is_at = typed_at || (provider.fault(Fault::AccessTokenTypJwt) && claims.contains_key("client_id"));
    let id_token_ok = provider.fault(Fault::UserinfoAcceptsIdToken);
    if !is_at && !id_token_ok {
        return Ok(None);
    }
    if claims.get("iss").and_then(Value::as_str) != Some(provider.issuer.as_str()) {
        return Ok(None);
    }
    if claims.get("exp").and_then(Value::as_i64).is_none_or(|e| e <= provider.now()) {
        return Ok(None);
    }
    let scopes = match claims.get("scope").and_then(Value::as_str) {
        Some(s) => split_scope(s),
        None if !is_at => vec!["openid".to_owned()],
        None => Vec::new(),
    };
    let grant_id = claims
        .get("jti")
        .and_then(Value::as_str)
        .and_then(|j| j.split_once('.'))
        .map(|(g, _)| g.to_owned())
        .unwrap_or_default();
    if is_at && (grant_id.is_empty() || provider.store.grant_revoked(&grant_id)?) {
        return Ok(None);
    }
    Ok(Some(AccessToken { claims, grant_id, scopes }))
}

/// The answer to a UserInfo request made with `token` (None: no token presented).
pub fn answer(provider: &Provider, token: Option<&str>) -> Result<JsonAnswer, ProtocolError> {
    userinfo(provider, token).map(|claims| JsonAnswer::private(200, claims))
}

/// The claims for a UserInfo request made with `token` (None: no token presented).
pub fn userinfo(provider: &Provider, token: Option<&str>) -> Result<Value, ProtocolError> {
    let Some(token) = token else {
        return Err(bearer_error(401, None, "no access token"));
    };
    if provider.fault(Fault::UserinfoCrashOnLongToken) && token.len() > 4096 {
        return Err(ProtocolError::Internal("the token does not fit the cache key".into()));
    }
    let Some(at) = validate_access_token(provider, token)? else {
        return Err(bearer_error(401, Some(ErrorCode::InvalidToken), "the access token is invalid, expired or revoked"));
    };
    if !at.scopes.iter().any(|s| s == "openid") {
        return Err(bearer_error(403, Some(ErrorCode::InsufficientScope), "the access token lacks the openid scope"));
    }
    let shown_sub = at.str("sub").unwrap_or_default().to_owned();
    let stored_sub = if provider.fault(Fault::IdTokenLongSub) && shown_sub.len() > 300 {
        shown_sub[..shown_sub.len() - 300].to_owned()
    } else {
        shown_sub.clone()
    };
    let Some(user) = provider.user(&stored_sub) else {
        return Err(bearer_error(401, Some(ErrorCode::InvalidToken), "the token's user no longer exists"));
    };
    let scopes: Vec<&str> = at.scopes.iter().map(String::as_str).collect();
    let extra: Vec<String> = at
        .claims
        .get("userinfo_claims")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    out.insert("sub".into(), shown_sub.into());
    out.extend(claims::user_claims(user, &scopes, &extra));
    Ok(Value::Object(out))
}
