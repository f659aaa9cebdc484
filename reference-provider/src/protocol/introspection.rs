//! Token introspection (RFC 7662): client authentication required; a client only learns about
//! its own tokens, every other token is `{"active": false}`.

use serde_json::{Value, json};

use super::client_auth;
use super::refresh_token::{self, Standing};
use super::userinfo::validate_access_token;
use super::{ErrorCode, JsonAnswer, OAuthError, Params, ProtocolError};
use crate::faults::Fault;
use crate::provider::Provider;

/// The RFC 7662 2.2 answer for `token`.
pub fn answer(provider: &Provider, authorization: Option<&str>, params: &Params) -> Result<JsonAnswer, ProtocolError> {
    introspect(provider, authorization, params).map(|doc| JsonAnswer::private(200, doc))
}

fn introspect(provider: &Provider, authorization: Option<&str>, params: &Params) -> Result<Value, ProtocolError> {
    let presented = client_auth::presented(authorization, params)?;
    if matches!(presented, client_auth::Presented::IdOnly(_)) {
        return Err(OAuthError { status: 401, error: ErrorCode::InvalidClient, description: "introspection needs client authentication".into(), www_authenticate: None }.into());
    }
    let client = client_auth::authenticate(provider, &presented)?;
    let token = params.required("token")?;
    if provider.fault(Fault::IntrospectionCrashOnLongToken) && token.len() > 1024 {
        return Err(ProtocolError::Internal("the token does not fit the lookup key".into()));
    }
    if let Some(at) = validate_access_token(provider, token)? {
        if at.str("client_id") == Some(client.client_id.as_str()) {
            let mut out = json!({"active": true, "token_type": "access_token"});
            for k in ["scope", "client_id", "sub", "exp", "iat", "iss", "aud", "jti"] {
                if let Some(v) = at.claims.get(k) {
                    out[k] = v.clone();
                }
            }
            return Ok(out);
        }
        return Ok(json!({"active": false}));
    }
    let now = provider.now();
    if let Some(found) = refresh_token::look_up(provider, token)? {
        let r = &found.record;
        let live = found.standing == Standing::Current && r.revoked_at.is_none() && !found.grant_revoked && r.expires_at > now;
        if live && r.client_id == client.client_id {
            return Ok(json!({
                "active": true, "token_type": "refresh_token", "scope": r.scope, "client_id": r.client_id,
                "sub": r.user_sub, "exp": r.expires_at, "iat": r.created_at, "iss": provider.issuer,
            }));
        }
    }
    Ok(json!({"active": false}))
}
