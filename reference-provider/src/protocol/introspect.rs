//! Token introspection (RFC 7662) and revocation (RFC 7009). Both require client authentication;
//! a client only learns about, or revokes, its own tokens.

use serde_json::{Value, json};

use super::client_auth;
use super::refresh_token::{self, Standing};
use super::userinfo::validate_access_token;
use super::{ErrorCode, OAuthError, Params, ProtocolError};
use crate::faults::Fault;
use crate::provider::Provider;

fn token_param(params: &Params) -> Result<&str, ProtocolError> {
    params
        .get("token")
        .map_err(|m| OAuthError::bad_request(ErrorCode::InvalidRequest, m))?
        .ok_or_else(|| OAuthError::bad_request(ErrorCode::InvalidRequest, "token is missing").into())
}

/// RFC 7662 2.2 response for `token`.
pub fn introspect(provider: &Provider, authorization: Option<&str>, params: &Params) -> Result<Value, ProtocolError> {
    let presented = client_auth::presented(authorization, params)?;
    if matches!(presented, client_auth::Presented::IdOnly(_)) {
        return Err(OAuthError { status: 401, error: ErrorCode::InvalidClient, description: "introspection needs client authentication".into(), www_authenticate: None }.into());
    }
    let client = client_auth::authenticate(provider, &presented)?;
    let token = token_param(params)?;
    if provider.fault(Fault::IntrospectionAlwaysInactive) {
        return Ok(json!({"active": false}));
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

/// RFC 7009 2.1: revokes `token` (refresh or access) and, with it, its whole grant. Invalid or
/// unknown tokens are answered with success too (RFC 7009 2.2).
pub fn revoke(provider: &Provider, authorization: Option<&str>, params: &Params) -> Result<(), ProtocolError> {
    let presented = client_auth::presented(authorization, params)?;
    let client = client_auth::authenticate(provider, &presented)?;
    let token = token_param(params)?;
    if provider.fault(Fault::RevocationNoop) {
        return Ok(());
    }
    let refresh = refresh_token::look_up(provider, token)?;
    if provider.fault(Fault::RevocationUnsupportedTokenType) && refresh.is_some() {
        return Err(OAuthError::bad_request(ErrorCode::UnsupportedTokenType, "refresh tokens cannot be revoked").into());
    }
    let now = provider.now();
    if let Some(found) = refresh {
        // Any token of the family, current or used: the family and its grant go.
        let r = &found.record;
        if r.client_id == client.client_id {
            provider.store.revoke_refresh(r.family, now)?;
            provider.store.revoke_grant(&r.grant_id, now)?;
        }
        return Ok(());
    }
    if let Some(at) = validate_access_token(provider, token)?
        && at.str("client_id") == Some(client.client_id.as_str()) && !at.grant_id.is_empty()
    {
        provider.store.revoke_grant(&at.grant_id, now)?;
    }
    Ok(())
}
