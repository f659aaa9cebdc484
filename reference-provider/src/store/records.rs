//! Plain records kept by the store. Secrets (codes, tokens, session ids, client secrets) are
//! stored only as hashes computed by the caller; the store never sees them in clear.

use serde::{Deserialize, Serialize};

/// A user account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRecord {
    /// Subject identifier (stable, ≤ 255 ASCII chars).
    pub sub: String,
    /// Login name (unique).
    pub username: String,
    /// PHC-format argon2 hash of the password.
    pub password_hash: String,
    /// Standard claims (name, email, email_verified, address, phone_number, ...).
    pub claims: serde_json::Map<String, serde_json::Value>,
}

/// A registered client. Stored as a JSON document keyed by `client_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    /// Client identifier.
    pub client_id: String,
    /// Display name (shown on the consent page).
    pub name: String,
    /// SHA-256 (base64url) of the client secret; `None` for public clients.
    pub secret_hash: Option<String>,
    /// `client_secret_basic`, `client_secret_post` or `none`.
    pub auth_method: String,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Exact post-logout redirect URIs.
    pub post_logout_redirect_uris: Vec<String>,
    /// First-party clients skip the consent page.
    pub first_party: bool,
    /// Registered ID token signing alg (`RS256`, `PS256`, `ES256`, `EdDSA`); `None` = default.
    pub id_token_signed_response_alg: Option<String>,
    /// Grant types the client may use.
    pub grant_types: Vec<String>,
    /// Scopes the client may request (besides `openid`).
    pub allowed_scopes: Vec<String>,
    /// Per-client authorization code lifetime (a short-lifetime client for expiry tests).
    pub code_lifetime_secs: Option<i64>,
    /// Per-client access/ID token lifetime.
    pub token_lifetime_secs: Option<i64>,
}

/// A persisted signing key (PKCS#8 DER private key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// Key id published in the JWKS.
    pub kid: String,
    /// JWS alg name.
    pub alg: String,
    /// PKCS#8 DER of the private key.
    pub pkcs8: Vec<u8>,
    /// Unix seconds.
    pub created_at: i64,
    /// When a newer key took over signing; the key is still published until `expires_at`.
    pub retired_at: Option<i64>,
    /// After this the key is no longer published.
    pub expires_at: Option<i64>,
}

/// A browser session (cookie value hashed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 (base64url) of the session cookie value.
    pub id_hash: String,
    /// Authenticated user.
    pub user_sub: String,
    /// When the user last authenticated (Unix seconds).
    pub auth_time: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
}

/// A pending authorization request waiting for login and/or consent.
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionRecord {
    /// Random id (also in the interaction cookie).
    pub id: String,
    /// CSRF token expected in the login/consent form.
    pub csrf: String,
    /// The validated authorization request, serialised by the protocol layer.
    pub request: serde_json::Value,
    /// Set once the user has logged in during this interaction.
    pub user_sub: Option<String>,
    /// Authentication time of that login.
    pub auth_time: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
}

/// An authorization code (hashed).
#[derive(Debug, Clone, PartialEq)]
pub struct CodeRecord {
    /// SHA-256 (base64url) of the code.
    pub code_hash: String,
    /// Grant (token family) id; tokens issued from this code carry it.
    pub grant_id: String,
    /// Client the code was issued to.
    pub client_id: String,
    /// redirect_uri of the authorization request.
    pub redirect_uri: String,
    /// Authenticated user.
    pub user_sub: String,
    /// Granted scope (space separated).
    pub scope: String,
    /// nonce of the authorization request.
    pub nonce: Option<String>,
    /// PKCE code_challenge.
    pub code_challenge: Option<String>,
    /// PKCE method (`S256` or `plain`).
    pub code_challenge_method: Option<String>,
    /// Authentication time (Unix seconds).
    pub auth_time: i64,
    /// `claims` request parameter (JSON), if any.
    pub claims_request: Option<serde_json::Value>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// Set when redeemed.
    pub redeemed_at: Option<i64>,
}

/// A refresh-token family: the chain of refresh tokens one grant's first token starts, each
/// rotation replacing the current token with its successor. One row per family; only hashes are
/// kept: of the family secret (which every token of the family carries) and of the current
/// token's own secret.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshRecord {
    /// Row id of the family, named by its tokens. The provider picks it at random (so that a
    /// token does not tell how many grants came before it); 0 asks
    /// [`Store::insert_refresh`](super::Store::insert_refresh) for the next free one.
    pub family: i64,
    /// SHA-256 (base64url) of the family secret; empty for a family carried over from schema
    /// version 2 that has not rotated since.
    pub family_hash: String,
    /// Generation of the current token: 0 for the family's first, one more per rotation.
    pub generation: i64,
    /// SHA-256 (base64url) of the current token's own secret.
    pub token_hash: String,
    /// SHA-256 (base64url) of the whole first token of a family carried over from schema
    /// version 2 (its tokens had no family); `None` for every other family.
    pub legacy_hash: Option<String>,
    /// Grant id (shared with the code and the access tokens of the grant).
    pub grant_id: String,
    /// Client it was issued to.
    pub client_id: String,
    /// User it was issued for.
    pub user_sub: String,
    /// Granted scope (space separated).
    pub scope: String,
    /// Original authentication time.
    pub auth_time: i64,
    /// `claims` request parameter (JSON), if any.
    pub claims_request: Option<serde_json::Value>,
    /// When the current token was issued (Unix seconds).
    pub created_at: i64,
    /// When the current token expires (Unix seconds); older tokens are used up.
    pub expires_at: i64,
    /// Set when revoked: the family's own revocation, else its grant's.
    pub revoked_at: Option<i64>,
}

/// The current token a rotation installs in its family (the family secret stays the same,
/// except for a carried-over family's first rotation, which sets it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor {
    /// SHA-256 (base64url) of the family secret the successor carries.
    pub family_hash: String,
    /// SHA-256 (base64url) of the successor's own secret.
    pub token_hash: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
}

/// Outcome of an atomic single-use redemption.
#[derive(Debug, Clone, PartialEq)]
pub enum Redemption<T> {
    /// This caller won: the record was unused and is now marked used.
    Won(T),
    /// The record exists but was already used (replay); the record is returned for revocation.
    AlreadyUsed(T),
    /// No such record.
    Unknown,
}

/// What [`Store::rotate_refresh`](super::Store::rotate_refresh) did with a refresh family.
#[derive(Debug, Clone, PartialEq)]
pub enum Rotation {
    /// This caller won: the family was still at the generation it read, and now holds the
    /// successor.
    Rotated,
    /// The family had moved on (reuse, or a lost race); its record, for revoking the grant.
    AlreadyUsed(Box<RefreshRecord>),
    /// No such family (purged meanwhile).
    Unknown,
}
