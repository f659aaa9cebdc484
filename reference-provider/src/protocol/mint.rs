//! Minting tokens: the ID token (OIDC Core 2, 3.1.3.6), the access token as a JWT (RFC 9068,
//! `typ: at+jwt`) and the refresh token. Fault injection for token contents lives here.

use serde_json::{Map, Value, json};

use super::refresh_token::FirstToken;
use super::{ProtocolError, claims};
use crate::config::SCOPES;
use crate::faults::Fault;
use crate::keys::{self, SigningAlg};
use crate::provider::Provider;
use crate::store::{ClientRecord, RefreshRecord, UserRecord};

/// Tokens issued by one grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// Access token (a JWT).
    pub access_token: String,
    /// ID token, when `openid` was granted to a user.
    pub id_token: Option<String>,
    /// Refresh token, when the client may refresh.
    pub refresh_token: Option<String>,
    /// Access token lifetime.
    pub expires_in: i64,
    /// Granted scope (space separated).
    pub scope: String,
}

/// The claims of an access token (RFC 9068 2.2), written straight to JSON. `auth_time` and
/// `userinfo_claims` (the claims the `claims` request parameter asked of userinfo, which the
/// userinfo endpoint reads back from the token) only for a user's grant.
#[derive(Debug, serde::Serialize)]
struct AccessTokenClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    client_id: &'a str,
    iat: i64,
    exp: i64,
    jti: String,
    scope: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_time: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    userinfo_claims: Vec<String>,
}

/// What a grant issues tokens for.
#[derive(Debug)]
pub struct Grant<'a> {
    /// The client receiving the tokens.
    pub client: &'a ClientRecord,
    /// The user (None for client_credentials).
    pub user: Option<&'a UserRecord>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Token family id.
    pub grant_id: &'a str,
    /// Original authentication time.
    pub auth_time: Option<i64>,
    /// nonce to echo in the ID token.
    pub nonce: Option<&'a str>,
    /// `claims` request parameter.
    pub claims_request: Option<&'a Value>,
    /// Whether to issue a refresh token.
    pub with_refresh: bool,
    /// Whether this is a refresh grant (the refresh faults bend only refreshed ID tokens).
    pub refreshed: bool,
}

/// The `sub` the provider shows for a user (the long-sub fault stretches it everywhere).
pub fn public_sub(provider: &Provider, sub: &str) -> String {
    if provider.fault(Fault::IdTokenLongSub) { format!("{sub}{}", "x".repeat(300)) } else { sub.to_owned() }
}

/// The ID token alg for a client: its registered alg, else the provider default.
pub fn id_token_alg(provider: &Provider, client: &ClientRecord) -> SigningAlg {
    client
        .id_token_signed_response_alg
        .as_deref()
        .and_then(|a| a.parse().ok())
        .unwrap_or(provider.config.default_alg)
}

/// Mints the access token, ID token and refresh token of a grant, and stores the refresh token
/// as a new family.
pub fn mint(provider: &Provider, grant: &Grant<'_>) -> Result<Issued, ProtocolError> {
    let (mut issued, refresh) = mint_unstored(provider, grant)?;
    if let Some(mut record) = refresh {
        // A random row id taken already (one chance in 2^62 per stored family): draw again.
        let mut tries = 0;
        let first = loop {
            let first = FirstToken::generate(provider);
            first.fill(&mut record);
            match provider.store.insert_refresh(&record) {
                Err(e) if e.is_constraint_violation() && tries < 3 => tries += 1,
                stored => break stored.map(|_| first)?,
            }
        };
        issued.refresh_token = Some(first.text());
    }
    Ok(issued)
}

/// [`mint`] without the refresh token: when the grant issues one, its family's record is returned
/// without secrets (no hashes, generation 0), for the caller to make the token and store it, e.g.
/// as the successor of the token a refresh grant uses up; `refresh_token` is then still `None`.
pub fn mint_unstored(provider: &Provider, grant: &Grant<'_>) -> Result<(Issued, Option<RefreshRecord>), ProtocolError> {
    let now = provider.now();
    let lifetime = grant.client.token_lifetime_secs.unwrap_or(provider.config.lifetimes.token_secs);
    let mut scopes = grant.scopes.clone();
    if provider.fault(Fault::ScopeWidened)
        && let Some(extra) = SCOPES.iter().find(|s| !scopes.iter().any(|g| g == *s))
    {
        scopes.push((*extra).to_owned());
    }
    let scope = scopes.join(" ");
    let sub = grant.user.map_or_else(|| grant.client.client_id.clone(), |u| public_sub(provider, &u.sub));
    let ring = provider.keys();
    let at_alg = provider.config.default_alg;
    let at_key = ring.active(at_alg).ok_or_else(|| ProtocolError::Internal(format!("no active {at_alg} key")))?;
    let at = AccessTokenClaims {
        iss: &provider.issuer,
        sub: &sub,
        aud: &provider.issuer,
        client_id: &grant.client.client_id,
        iat: now,
        exp: now + lifetime,
        jti: format!("{}.{}", grant.grant_id, provider.token(12)),
        scope: &scope,
        auth_time: grant.auth_time,
        userinfo_claims: grant.auth_time.map(|_| claims::requested(grant.claims_request, "userinfo")).unwrap_or_default(),
    };
    let typ = if provider.fault(Fault::AccessTokenTypJwt) { "JWT" } else { "at+jwt" };
    let access_token = keys::encode_jws(at_key, Some(typ), &at)?;

    let id_token = match grant.user {
        Some(user) if scopes.iter().any(|s| s == "openid") => {
            let signed = signed_id_token(provider, grant, user, &access_token, &sub, now, lifetime)?;
            Some(encrypt_for_client(provider, grant.client, signed)?)
        }
        _ => None,
    };

    let record = (grant.with_refresh && grant.client.grant_types.iter().any(|g| g == "refresh_token")).then(|| RefreshRecord {
        family: 0,
        family_hash: String::new(),
        generation: 0,
        token_hash: String::new(),
        legacy_hash: None,
        grant_id: grant.grant_id.to_owned(),
        client_id: grant.client.client_id.clone(),
        user_sub: grant.user.map(|u| u.sub.clone()).unwrap_or_default(),
        scope: grant.scopes.join(" "),
        auth_time: grant.auth_time.unwrap_or(now),
        claims_request: grant.claims_request.cloned(),
        created_at: now,
        expires_at: now + provider.config.lifetimes.refresh_secs,
        revoked_at: None,
    });
    Ok((Issued { access_token, id_token, refresh_token: None, expires_in: lifetime, scope }, record))
}

/// Wraps a signed ID token in a compact JWE to the client's registered key (OIDC Core 10.2: a
/// Nested JWT, `cty: JWT`). Clients without encryption get the token unchanged.
fn encrypt_for_client(provider: &Provider, client: &ClientRecord, token: String) -> Result<String, ProtocolError> {
    let registered = provider.config.clients.iter().find(|c| c.client_id == client.client_id);
    let Some((alg, jwks, enc)) = registered.and_then(|c| Some((c.id_token_encrypted_response_alg.as_deref()?, c.jwks.as_ref()?, c.id_token_encrypted_response_enc.as_deref()))) else {
        return Ok(token);
    };
    if provider.fault(Fault::IdTokenNotEncrypted) {
        return Ok(token);
    }
    let key = keys::jwe::EncryptionKey::from_jwks(jwks)?;
    let mut header = Map::new();
    header.insert("alg".into(), alg.into());
    header.insert("enc".into(), enc.unwrap_or(keys::jwe::DEFAULT_ENC).into());
    header.insert("cty".into(), "JWT".into());
    if let Some(kid) = key.kid() {
        header.insert("kid".into(), kid.into());
    }
    Ok(keys::jwe::encrypt_compact(&key, &header, token.as_bytes(), provider.rng.as_ref())?)
}

/// The signed ID token (OIDC Core 2); [`encrypt_for_client`] wraps it for clients that registered
/// `id_token_encrypted_response_alg`.
fn signed_id_token(
    provider: &Provider,
    grant: &Grant<'_>,
    user: &UserRecord,
    access_token: &str,
    sub: &str,
    now: i64,
    lifetime: i64,
) -> Result<String, ProtocolError> {
    let alg = id_token_alg(provider, grant.client);
    let ring = provider.keys();
    let key = ring.active(alg).ok_or_else(|| ProtocolError::Internal(format!("no active {alg} key")))?;
    let f = |fault| provider.fault(fault);
    let mut c = Map::new();
    let refreshed = |fault| grant.refreshed && f(fault);
    let wrong_iss = f(Fault::IdTokenWrongIss) || refreshed(Fault::RefreshIdTokenIssChanged);
    let iss = if wrong_iss { format!("{}/wrong", provider.issuer) } else { provider.issuer.clone() };
    c.insert("iss".into(), iss.into());
    let sub = if refreshed(Fault::RefreshIdTokenSubChanged) { format!("{sub}-refreshed") } else { sub.to_owned() };
    c.insert("sub".into(), sub.into());
    if !f(Fault::IdTokenNoAud) {
        let other = f(Fault::IdTokenWrongAud) || refreshed(Fault::RefreshIdTokenAudChanged);
        let aud = if other { format!("{}-other", grant.client.client_id) } else { grant.client.client_id.clone() };
        c.insert("aud".into(), aud.into());
    }
    let exp = if f(Fault::IdTokenExpired) { now - 300 } else { now + lifetime };
    if !f(Fault::IdTokenNoExp) {
        c.insert("exp".into(), exp.into());
    }
    let iat = match () {
        () if f(Fault::IdTokenIatFuture) => now + 3600,
        () if refreshed(Fault::RefreshIdTokenIatEarlier) => now - 3600,
        () => now,
    };
    if !f(Fault::IdTokenNoIat) {
        c.insert("iat".into(), iat.into());
    }
    if f(Fault::IdTokenNbfFuture) {
        c.insert("nbf".into(), (now + 3600).into());
    }
    if let Some(t) = grant.auth_time.filter(|_| !f(Fault::IdTokenNoAuthTime)) {
        let t = match () {
            () if refreshed(Fault::RefreshIdTokenAuthTimeChanged) => t - 3600,
            // Shifted from the real authentication time, so that every token of a session agrees.
            () if f(Fault::IdTokenAuthTimeFuture) => t + 3600,
            () => t,
        };
        c.insert("auth_time".into(), t.into());
    }
    match grant.nonce {
        Some(_) if f(Fault::IdTokenNoNonce) => {}
        Some(n) if f(Fault::IdTokenWrongNonce) => {
            c.insert("nonce".into(), format!("{n}-wrong").into());
        }
        Some(n) => {
            c.insert("nonce".into(), n.into());
        }
        None => {}
    }
    let azp = if f(Fault::IdTokenWrongAzp) { format!("{}-other", grant.client.client_id) } else { grant.client.client_id.clone() };
    if !refreshed(Fault::RefreshIdTokenNoAzp) {
        c.insert("azp".into(), azp.into());
    }
    if f(Fault::IdTokenBadCHash) && !grant.refreshed {
        c.insert("c_hash".into(), keys::left_half_hash(alg, "not-the-code").into());
    }
    let at_hash = keys::left_half_hash(alg, access_token);
    let at_hash = if f(Fault::IdTokenBadAtHash) { keys::left_half_hash(alg, "not-the-access-token") } else { at_hash };
    c.insert("at_hash".into(), at_hash.into());
    c.insert("amr".into(), json!(["pwd"]));
    c.insert("acr".into(), "urn:reference-provider:acr:password".into());
    let extra = claims::requested(grant.claims_request, "id_token");
    for (k, v) in claims::user_claims(user, &[], &extra) {
        c.entry(k).or_insert(v);
    }
    let claims = Value::Object(c);
    if f(Fault::IdTokenAlgNone) {
        return Ok(keys::insecure_encode_unsigned(&claims, Some("JWT")));
    }
    let typ = if f(Fault::IdTokenTypAtJwt) { "at+jwt" } else { "JWT" };
    let mut header = json!({"alg": alg.as_str(), "kid": key.kid(), "typ": typ});
    if f(Fault::IdTokenUnknownKid) {
        header["kid"] = "kid-not-in-jwks".into();
    }
    let token = keys::encode_jws_with_header(key, &header, &claims)?;
    if f(Fault::IdTokenBadSignature) {
        return Ok(corrupt_signature(&token));
    }
    Ok(token)
}

/// Changes the first signature character so the signature no longer verifies.
fn corrupt_signature(token: &str) -> String {
    match token.rfind('.') {
        Some(dot) if dot + 1 < token.len() => {
            let (head, sig) = token.split_at(dot + 1);
            let first = if sig.starts_with('A') { 'B' } else { 'A' };
            format!("{head}{first}{}", &sig[1..])
        }
        _ => token.to_owned(),
    }
}
