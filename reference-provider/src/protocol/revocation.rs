//! Token revocation (RFC 7009): client authentication required; revoking a refresh or access
//! token revokes its whole grant, and only the client's own tokens are revoked.

use super::client_auth;
use super::refresh_token;
use super::userinfo::validate_access_token;
use super::{Answer, ErrorCode, OAuthError, Params, ProtocolError};
use crate::faults::Fault;
use crate::provider::Provider;

/// RFC 7009 2.1: revokes `token` (refresh or access) and, with it, its whole grant. Invalid or
/// unknown tokens are answered with success too (RFC 7009 2.2).
pub fn answer(provider: &Provider, authorization: Option<&str>, params: &Params) -> Result<Answer, ProtocolError> {
    revoke(provider, authorization, params).map(|()| Answer::OK)
}

fn revoke(provider: &Provider, authorization: Option<&str>, params: &Params) -> Result<(), ProtocolError> {
    let presented = client_auth::presented(authorization, params)?;
    let client = client_auth::authenticate(provider, &presented)?;
    if provider.fault(Fault::RevocationCrashWithoutToken) && params.len_of("token") == 0 {
        return Err(ProtocolError::Internal("no token to look up".into()));
    }
    let token = params.required("token")?;
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
