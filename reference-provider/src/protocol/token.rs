//! The token endpoint's grants (RFC 6749 4.1.3, 6, 4.4): authorization_code with PKCE,
//! refresh_token with rotation and reuse detection, client_credentials.
//!
//! Single use is enforced by the store's atomic conditional update: of N parallel redemptions of
//! one code (or rotations of one refresh token) exactly one wins. A replayed code or a reused rotated refresh
//! token revokes the whole grant (every token issued from it).

use aws_lc_rs::digest;
use serde_json::{Map, Value};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::client_auth::{self, Presented};
use super::mint::{self, Grant, Issued};
use super::refresh_token::{self, Standing};
use super::{ErrorCode, JsonAnswer, OAuthError, Params, ProtocolError, split_scope};
use crate::faults::Fault;
use crate::provider::Provider;
use crate::random::{self, constant_time_eq};
use crate::store::{ClientRecord, Redemption, Rotation};

fn err(error: ErrorCode, description: impl Into<String>) -> ProtocolError {
    OAuthError::bad_request(error, description).into()
}

fn param<'a>(params: &'a Params, name: &str) -> Result<Option<&'a str>, ProtocolError> {
    params.get(name).map_err(|m| err(ErrorCode::InvalidRequest, m))
}

/// The answer to a token request: [`exchange`], then the RFC 6749 5.1 success document.
pub fn answer(provider: &Provider, authorization: Option<&str>, params: &Params) -> Result<JsonAnswer, ProtocolError> {
    exchange(provider, authorization, params).map(success)
}

/// The successful token response (RFC 6749 5.1).
pub fn success(issued: Issued) -> JsonAnswer {
    let mut body = Map::new();
    body.insert("access_token".into(), issued.access_token.into());
    body.insert("token_type".into(), "Bearer".into());
    body.insert("expires_in".into(), issued.expires_in.into());
    if let Some(r) = issued.refresh_token {
        body.insert("refresh_token".into(), r.into());
    }
    if let Some(i) = issued.id_token {
        body.insert("id_token".into(), i.into());
    }
    // An empty scope is not a scope (RFC 6749 3.3: one or more scope tokens): omit it.
    if !issued.scope.is_empty() {
        body.insert("scope".into(), issued.scope.into());
    }
    JsonAnswer::private(200, Value::Object(body))
}

/// Handles a token request: authenticates the client and runs the grant.
pub fn exchange(provider: &Provider, authorization: Option<&str>, params: &Params) -> Result<Issued, ProtocolError> {
    if provider.fault(Fault::TokenCrashOnRepeat) && params.has_repeats() {
        return Err(ProtocolError::Internal("a repeated parameter reached the grant".into()));
    }
    let first_of_each;
    let params = if provider.fault(Fault::TokenFirstRepeatWins) {
        first_of_each = params.first_of_each();
        &first_of_each
    } else {
        params
    };
    if let Some(problem) = params.size_problem() {
        return Err(err(ErrorCode::InvalidRequest, problem));
    }
    let presented = client_auth::presented(authorization, params)?;
    let client = client_auth::authenticate(provider, &presented)?;
    let grant_type = param(params, "grant_type")?.ok_or_else(|| err(ErrorCode::InvalidRequest, "grant_type is missing"))?;
    if !matches!(grant_type, "authorization_code" | "refresh_token" | "client_credentials") {
        return Err(err(ErrorCode::UnsupportedGrantType, format!("grant_type {grant_type:?} is not supported")));
    }
    if !client.grant_types.iter().any(|g| g == grant_type) {
        return Err(err(ErrorCode::UnauthorizedClient, format!("this client may not use {grant_type}")));
    }
    match grant_type {
        "authorization_code" => authorization_code(provider, client, params),
        "refresh_token" => refresh(provider, client, params),
        _ => client_credentials(provider, client, &presented, params),
    }
}

/// The database round trip the `code-check-then-use` fault waits between looking a code up and
/// marking it used.
const CHECK_THEN_USE_ROUND_TRIP: std::time::Duration = std::time::Duration::from_millis(2);

fn authorization_code(provider: &Provider, client: &ClientRecord, params: &Params) -> Result<Issued, ProtocolError> {
    let code = param(params, "code")?.ok_or_else(|| err(ErrorCode::InvalidRequest, "code is missing"))?;
    let redirect_uri = param(params, "redirect_uri")?;
    let verifier = param(params, "code_verifier")?;
    let now = provider.now();
    let code_hash = random::fingerprint(code);
    let check_then_use = provider.fault(Fault::CodeCheckThenUse);
    let record = if check_then_use {
        // Look up and check now; mark used only once the tokens are issued (below). The pause
        // stands for the round trip to a database server that real providers make between the
        // two statements (the embedded SQLite answers in microseconds).
        match provider.store.peek_code(&code_hash)? {
            Some(r) if r.redeemed_at.is_none() => {
                std::thread::sleep(CHECK_THEN_USE_ROUND_TRIP);
                r
            }
            Some(_) => return Err(err(ErrorCode::InvalidGrant, "authorization code was already used")),
            None => return Err(err(ErrorCode::InvalidGrant, "unknown authorization code")),
        }
    } else if provider.fault(Fault::CodeReusable) {
        match provider.store.redeem_code(&code_hash, now)? {
            Redemption::Won(r) | Redemption::AlreadyUsed(r) => r,
            Redemption::Unknown => return Err(err(ErrorCode::InvalidGrant, "unknown authorization code")),
        }
    } else {
        match provider.store.redeem_code(&code_hash, now)? {
            Redemption::Won(r) => r,
            Redemption::AlreadyUsed(r) => {
                // RFC 6749 4.1.2: SHOULD revoke all tokens previously issued from this code.
                provider.store.revoke_grant(&r.grant_id, now)?;
                let code = if provider.fault(Fault::UsedCodeWrongError) { ErrorCode::InvalidRequest } else { ErrorCode::InvalidGrant };
                return Err(err(code, "authorization code was already used; tokens issued from it are revoked"));
            }
            Redemption::Unknown => return Err(err(ErrorCode::InvalidGrant, "unknown authorization code")),
        }
    };
    if record.expires_at <= now && !provider.fault(Fault::ExpiredCodeAccepted) {
        return Err(err(ErrorCode::InvalidGrant, "authorization code expired"));
    }
    if record.client_id != client.client_id && !provider.fault(Fault::CodeNotBoundToClient) {
        return Err(err(ErrorCode::InvalidGrant, "authorization code was issued to another client"));
    }
    if redirect_uri != Some(record.redirect_uri.as_str()) && !provider.fault(Fault::RedirectUriNotCheckedAtToken) {
        return Err(err(ErrorCode::InvalidGrant, "redirect_uri does not match the authorization request"));
    }
    if !provider.fault(Fault::PkceNotVerified) {
        check_pkce(record.code_challenge.as_deref(), record.code_challenge_method.as_deref(), verifier)?;
    }
    let Some(user) = provider.user(&record.user_sub) else {
        return Err(err(ErrorCode::InvalidGrant, "the user no longer exists"));
    };
    let scopes = split_scope(&record.scope);
    let issued = mint::mint(provider, &Grant {
        client,
        user: Some(user),
        scopes,
        grant_id: &record.grant_id,
        auth_time: Some(record.auth_time),
        nonce: record.nonce.as_deref(),
        claims_request: record.claims_request.as_ref(),
        with_refresh: true,
        refreshed: false,
    })?;
    if check_then_use {
        provider.store.mark_code_redeemed(&code_hash, now)?;
    }
    Ok(issued)
}

/// RFC 7636 4.6: the verifier must match the challenge; a verifier without a challenge is refused.
pub fn check_pkce(challenge: Option<&str>, method: Option<&str>, verifier: Option<&str>) -> Result<(), ProtocolError> {
    match (challenge, verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(err(ErrorCode::InvalidGrant, "code_verifier sent but the authorization request had no code_challenge")),
        (Some(_), None) => Err(err(ErrorCode::InvalidGrant, "code_verifier is missing")),
        (Some(challenge), Some(v)) => {
            let well_formed = (43..=128).contains(&v.len())
                && v.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~'));
            if !well_formed {
                return Err(err(ErrorCode::InvalidGrant, "code_verifier must be 43 to 128 unreserved characters"));
            }
            let derived = match method.unwrap_or("plain") {
                "S256" => URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, v.as_bytes())),
                _ => v.to_owned(),
            };
            if constant_time_eq(derived.as_bytes(), challenge.as_bytes()) {
                Ok(())
            } else {
                Err(err(ErrorCode::InvalidGrant, "code_verifier does not match code_challenge"))
            }
        }
    }
}

fn refresh(provider: &Provider, client: &ClientRecord, params: &Params) -> Result<Issued, ProtocolError> {
    let token = param(params, "refresh_token")?.ok_or_else(|| err(ErrorCode::InvalidRequest, "refresh_token is missing"))?;
    let now = provider.now();
    // Validate first (read only), so that a refused request does not burn a valid token; then
    // rotate the family by the atomic conditional update.
    let Some(found) = refresh_token::look_up(provider, token)? else {
        return Err(err(ErrorCode::InvalidGrant, "unknown refresh token"));
    };
    let record = &found.record;
    if record.client_id != client.client_id && !provider.fault(Fault::RefreshNotBoundToClient) {
        return Err(err(ErrorCode::InvalidGrant, "refresh token was issued to another client"));
    }
    let reuse_allowed = provider.fault(Fault::RefreshNotRotated);
    if found.standing == Standing::Used && !reuse_allowed {
        // RFC 9700 4.14.2: reuse of a rotated refresh token revokes the family.
        provider.store.revoke_grant(&record.grant_id, now)?;
        return Err(err(reuse_error(provider), "refresh token was already used; the grant is revoked"));
    }
    if record.revoked_at.is_some() || found.grant_revoked {
        return Err(err(ErrorCode::InvalidGrant, "refresh token was revoked"));
    }
    if record.expires_at <= now {
        return Err(err(ErrorCode::InvalidGrant, "refresh token expired"));
    }
    let original = split_scope(&record.scope);
    let scopes = match param(params, "scope")? {
        None => original.clone(),
        Some(s) => {
            let asked = split_scope(s);
            if let Some(extra) = asked.iter().find(|a| !original.contains(a))
                && !provider.fault(Fault::RefreshScopeWidening)
            {
                return Err(err(ErrorCode::InvalidScope, format!("scope {extra:?} was not granted originally")));
            }
            asked
        }
    };
    let Some(user) = provider.user(&record.user_sub) else {
        return Err(err(ErrorCode::InvalidGrant, "the user no longer exists"));
    };
    let (mut issued, next) = mint::mint_unstored(provider, &Grant {
        client,
        user: Some(user),
        scopes,
        grant_id: &record.grant_id,
        auth_time: Some(record.auth_time),
        nonce: None,
        claims_request: record.claims_request.as_ref(),
        with_refresh: true,
        refreshed: true,
    })?;
    // `exchange` let this client use the refresh grant, so the mint made a successor.
    let Some(next) = next else {
        return Err(ProtocolError::Internal("a refresh grant minted no refresh token".into()));
    };
    let (text, successor) = refresh_token::successor(provider, &found, next.created_at, next.expires_at);
    // The presented token is used up, and its successor stored, in one statement; of parallel
    // uses of one token exactly one wins, and the tokens minted for a loser are never handed out.
    match provider.store.rotate_refresh(record.family, record.generation, &successor)? {
        Rotation::Rotated => {
            issued.refresh_token = Some(text);
            Ok(issued)
        }
        // With the refresh-not-rotated fault, a used token stays valid, but only one of two
        // parallel uses can move the family on.
        Rotation::AlreadyUsed(_) if reuse_allowed => Err(err(ErrorCode::InvalidGrant, "refresh token was rotated concurrently")),
        Rotation::AlreadyUsed(r) => {
            // Lost a race with a parallel use of the same token: that is reuse too.
            provider.store.revoke_grant(&r.grant_id, now)?;
            Err(err(reuse_error(provider), "refresh token was already used; the grant is revoked"))
        }
        Rotation::Unknown => Err(err(ErrorCode::InvalidGrant, "unknown refresh token")),
    }
}

/// The error for a reused refresh token: invalid_grant, unless a fault says otherwise.
fn reuse_error(provider: &Provider) -> ErrorCode {
    if provider.fault(Fault::UsedRefreshWrongError) { ErrorCode::InvalidRequest } else { ErrorCode::InvalidGrant }
}

fn client_credentials(provider: &Provider, client: &ClientRecord, presented: &Presented, params: &Params) -> Result<Issued, ProtocolError> {
    if matches!(presented, Presented::IdOnly(_)) {
        return Err(err(ErrorCode::UnauthorizedClient, "client_credentials needs a confidential client"));
    }
    let asked = split_scope(param(params, "scope")?.unwrap_or(""));
    if let Some(bad) = asked.iter().find(|s| *s == "openid" || !client.allowed_scopes.contains(s)) {
        return Err(err(ErrorCode::InvalidScope, format!("scope {bad:?} is not available to client_credentials")));
    }
    let grant_id = provider.token(12);
    mint::mint(provider, &Grant {
        client,
        user: None,
        scopes: asked,
        grant_id: &grant_id,
        auth_time: None,
        nonce: None,
        claims_request: None,
        with_refresh: false,
        refreshed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::check_pkce;

    #[test]
    fn pkce_rfc7636_appendix_b_vector() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(check_pkce(Some(challenge), Some("S256"), Some(verifier)).is_ok());
        assert!(check_pkce(Some(challenge), Some("S256"), Some(&verifier.replace('d', "e"))).is_err());
    }

    #[test]
    fn pkce_missing_extra_and_malformed_verifiers() {
        assert!(check_pkce(None, None, None).is_ok());
        assert!(check_pkce(None, None, Some("x".repeat(43).as_str())).is_err());
        assert!(check_pkce(Some("c"), Some("S256"), None).is_err());
        assert!(check_pkce(Some("short"), Some("plain"), Some("short")).is_err());
        let plain = "a".repeat(43);
        assert!(check_pkce(Some(&plain), Some("plain"), Some(&plain)).is_ok());
        assert!(check_pkce(Some(&plain), Some("plain"), Some(&"a".repeat(44))).is_err());
    }
}
