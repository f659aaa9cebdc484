//! Validation of an authorization request (OIDC Core 3.1.2.1/3.1.2.2, RFC 7636, RFC 9207): the
//! client and redirect_uri first (errors before they are known are shown as a page, never
//! redirected), then every other parameter (errors go back to the client).

use crate::protocol::{ErrorCode, Params, ProtocolError, split_scope};
use super::{AuthRequest, AuthzFailure, ProtocolErrorOr, ResponseMode, error_callback};
use crate::config::{AuthMethod, SCOPES};
use crate::faults::Fault;
use crate::provider::Provider;
use crate::store::ClientRecord;

fn page(status: u16, message: impl Into<String>) -> AuthzFailure {
    AuthzFailure::Page { status, message: message.into() }
}

/// Validates an authorization request (GET query or POST form).
pub fn validate(provider: &Provider, params: &Params) -> Result<(AuthRequest, ClientRecord), ProtocolErrorOr> {
    if provider.fault(Fault::AuthorizeCrashOnLongNonce) && params.len_of("nonce") > 1024 {
        return Err(ProtocolError::Internal("the nonce does not fit its column".into()).into());
    }
    let first_of_each;
    let params = if provider.fault(Fault::AuthorizeFirstRepeatWins) {
        first_of_each = params.first_of_each();
        &first_of_each
    } else {
        params
    };
    // 1. The client and redirect_uri decide whether errors may be redirected at all.
    let client_id = params.get("client_id").map_err(|m| page(400, m))?.ok_or_else(|| page(400, "client_id is missing"))?;
    let client = provider.client(client_id).ok_or_else(|| page(400, format!("unknown client {client_id:?}")))?;
    let redirect_uri = params
        .get("redirect_uri")
        .map_err(|m| page(400, m))?
        .ok_or_else(|| page(400, "redirect_uri is missing"))?;
    let registered = client.redirect_uris.iter().any(|r| r == redirect_uri);
    let state = params.get("state").ok().flatten();
    let mode = match params.get("response_mode").ok().flatten() {
        Some("form_post") => ResponseMode::FormPost,
        _ => ResponseMode::Query,
    };
    if !registered && !provider.fault(Fault::RedirectUriNotChecked) {
        if provider.fault(Fault::ErrorRedirectUnregistered) {
            return Err(error_callback(provider, redirect_uri, mode, state, ErrorCode::InvalidRequest, "redirect_uri is not registered").into());
        }
        return Err(page(400, "redirect_uri is not registered for this client").into());
    }
    let fail = |error: ErrorCode, description: &str| -> ProtocolErrorOr {
        error_callback(provider, redirect_uri, mode, state, error, description).into()
    };
    // 2. Everything else is redirected.
    if let Some(problem) = params.size_problem() {
        return Err(fail(ErrorCode::InvalidRequest, &problem));
    }
    for (k, _) in &params.0 {
        if params.get(k).is_err() {
            return Err(fail(ErrorCode::InvalidRequest, &format!("parameter {k} is repeated")));
        }
    }
    let get = |name: &str| params.get(name).ok().flatten();
    match get("response_mode") {
        None | Some("query") | Some("form_post") => {}
        Some(other) => return Err(fail(ErrorCode::InvalidRequest, &format!("unsupported response_mode {other:?}"))),
    }
    if get("request").is_some() {
        return Err(fail(ErrorCode::RequestNotSupported, "the request parameter is not supported"));
    }
    if get("request_uri").is_some() {
        return Err(fail(ErrorCode::RequestUriNotSupported, "the request_uri parameter is not supported"));
    }
    if get("registration").is_some() {
        return Err(fail(ErrorCode::RegistrationNotSupported, "the registration parameter is not supported"));
    }
    match get("response_type") {
        None if provider.fault(Fault::MissingResponseTypeAccepted) => {}
        None => return Err(fail(ErrorCode::InvalidRequest, "response_type is missing")),
        Some("code") => {}
        Some(_) if provider.fault(Fault::UnsupportedResponseTypeNotRedirected) => {
            return Err(page(400, "this response_type is not supported").into());
        }
        Some(other) => {
            let error = if provider.fault(Fault::UnsupportedResponseTypeWrongError) { ErrorCode::InvalidRequest } else { ErrorCode::UnsupportedResponseType };
            return Err(fail(error, &format!("response_type {other:?} is not supported; use code")));
        }
    }
    if !client.grant_types.iter().any(|g| g == "authorization_code") {
        return Err(fail(ErrorCode::UnauthorizedClient, "this client may not use the authorization code grant"));
    }
    let scopes = split_scope(get("scope").unwrap_or(""));
    if !scopes.iter().any(|s| s == "openid") {
        return Err(fail(ErrorCode::InvalidScope, "scope must contain openid"));
    }
    if let Some(unknown) = scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return Err(fail(ErrorCode::InvalidScope, &format!("unknown scope {unknown:?}")));
    }
    if let Some(denied) = scopes.iter().find(|s| *s != "openid" && !client.allowed_scopes.contains(s)) {
        return Err(fail(ErrorCode::InvalidScope, &format!("scope {denied:?} is not allowed for this client")));
    }
    // PKCE (RFC 7636 4.3; method defaults to plain when absent).
    let challenge = get("code_challenge");
    let method = get("code_challenge_method");
    let method = match (challenge, method) {
        (None, Some(_)) => return Err(fail(ErrorCode::InvalidRequest, "code_challenge_method without code_challenge")),
        (None, None) => None,
        (Some(c), m) => {
            let m = m.unwrap_or("plain");
            let plain_ok = provider.config.pkce_plain_allowed || provider.fault(Fault::PkcePlainAccepted);
            match m {
                "S256" if c.len() == 43 && c.bytes().all(is_b64url) => {}
                "S256" => return Err(fail(ErrorCode::InvalidRequest, "code_challenge must be 43 base64url characters for S256")),
                "plain" if plain_ok && (43..=128).contains(&c.len()) && c.bytes().all(is_unreserved) => {}
                "plain" if plain_ok => return Err(fail(ErrorCode::InvalidRequest, "code_challenge must be 43 to 128 unreserved characters")),
                _ => return Err(fail(ErrorCode::InvalidRequest, &format!("code_challenge_method {m:?} is not supported; use S256"))),
            }
            Some(m.to_owned())
        }
    };
    if client.auth_method == AuthMethod::None.as_str() && challenge.is_none() && !provider.fault(Fault::PublicClientWithoutPkce) {
        return Err(fail(ErrorCode::InvalidRequest, "public clients must use PKCE (code_challenge)"));
    }
    let prompt = split_scope(get("prompt").unwrap_or(""));
    if prompt.iter().any(|p| p == "none") && prompt.len() > 1 {
        return Err(fail(ErrorCode::InvalidRequest, "prompt=none cannot be combined with other values"));
    }
    let max_age = match get("max_age") {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => return Err(fail(ErrorCode::InvalidRequest, "max_age must be a non-negative integer")),
        },
    };
    let claims = match get("claims") {
        None => None,
        Some(v) => match crate::protocol::claims::parse_request(v) {
            Some(j) => Some(j),
            None => return Err(fail(ErrorCode::InvalidRequest, "claims must be a JSON object")),
        },
    };
    let id_token_hint_sub = match get("id_token_hint") {
        None => None,
        Some(hint) => match hint_subject(provider, hint) {
            Some(sub) if !provider.fault(Fault::IdTokenHintRejected) => Some(sub),
            _ => return Err(fail(ErrorCode::InvalidRequest, "id_token_hint is not an ID token issued by this provider")),
        },
    };
    if provider.fault(Fault::LoginHintRejected) && get("login_hint").is_some() {
        return Err(fail(ErrorCode::InvalidRequest, "login_hint is not supported"));
    }
    let req = AuthRequest {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state: state.map(str::to_owned),
        nonce: get("nonce").map(str::to_owned),
        code_challenge: challenge.map(str::to_owned),
        code_challenge_method: method,
        response_mode: mode,
        prompt,
        max_age,
        login_hint: get("login_hint").map(str::to_owned),
        id_token_hint_sub,
        claims,
    };
    Ok((req, client.clone()))
}

/// The sub of an ID token this provider issued (signature checked; expiry is not, per OIDC Core
/// 3.1.2.1: an expired ID token is still a valid hint).
fn hint_subject(provider: &Provider, hint: &str) -> Option<String> {
    let (_, claims) = provider.keys().verify(hint).ok()?;
    if claims.get("iss").and_then(|v| v.as_str()) != Some(provider.issuer.as_str()) {
        return None;
    }
    claims.get("sub").and_then(|v| v.as_str()).map(str::to_owned)
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}
