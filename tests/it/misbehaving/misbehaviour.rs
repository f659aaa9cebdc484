//! The ways the fake provider can misbehave (one at a time), and variations it may choose that
//! are no misbehaviour at all.

/// The one rule the fake breaks (or none, or an allowed variation: the `Allowed*` variants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    /// A correct provider.
    None,
    /// Discovery `issuer` differs from the URL it was fetched under.
    DiscoveryIssuerMismatch,
    /// Discovery without `response_types_supported`.
    DiscoveryWithoutResponseTypes,
    /// Discovery served as `text/plain`.
    DiscoveryNotJsonContentType,
    /// The JWKS served as `text/plain`.
    JwksNotJsonContentType,
    /// The JWKS key carries the private member `d`.
    JwksPrivateMember,
    /// The token response has no `Cache-Control: no-store`.
    TokenCacheable,
    /// `token_type` is `MAC`.
    TokenTypeMac,
    /// The token response carries no `id_token`.
    TokenWithoutIdToken,
    /// The token response starts with a byte-order mark and ends with trailing text (not strict
    /// JSON); its access token starts `AT-not-strict-` so a test can look for it.
    TokenBodyNotStrictJson,
    /// A successful token response also carries an `error` member.
    TokenErrorMember,
    /// `expires_in` is a string.
    TokenExpiresInString,
    /// The ID token is signed by a key that is not in the JWKS (same `kid`).
    IdTokenForeignKey,
    /// The ID token `nonce` is not the one sent.
    IdTokenWrongNonce,
    /// The ID token `aud` is another client.
    IdTokenOtherAudience,
    /// The ID token `exp` is in the past.
    IdTokenExpired,
    /// The ID token `at_hash` does not match the access token.
    IdTokenWrongAtHash,
    /// The ID token `iss` is another issuer.
    IdTokenWrongIssuer,
    /// The ID token `iat` is an hour ahead.
    IdTokenIatFuture,
    /// The ID token `azp` is another client.
    IdTokenOtherAzp,
    /// The ID token has no `sub`.
    IdTokenWithoutSub,
    /// No login page: the authorization endpoint redirects with a code at once.
    NoLoginPage,
    /// The callback carries no `state`.
    CallbackWithoutState,
    /// The callback carries `state` twice.
    CallbackStateRepeated,
    /// The callback carries `code` twice.
    CallbackCodeRepeated,
    /// The callback carries no `iss` although discovery advertises it.
    CallbackWithoutIss,
    /// The callback `iss` is another issuer.
    CallbackWrongIss,
    /// The callback of a code request also carries an `access_token`.
    CallbackLeaksToken,
    /// UserInfo answers with another `sub` than the ID token's.
    UserinfoOtherSub,
    /// UserInfo answers without `sub`.
    UserinfoWithoutSub,
    /// UserInfo answers JSON labelled `text/plain`.
    UserinfoNotJsonContentType,
    /// UserInfo refuses requests with 401 but no `WWW-Authenticate`.
    UserinfoNoChallenge,
    /// UserInfo answers an invalid token with claims.
    UserinfoAcceptsInvalidToken,
    /// UserInfo answers a request without a token with claims.
    UserinfoAcceptsNoToken,
    /// Not a misbehaviour: the ID token header has no `kid` (the JWKS has one key).
    AllowedIdTokenWithoutKid,
    /// Not a misbehaviour: the ID token `aud` is an array holding just the client.
    AllowedAudienceArray,
    /// Not a misbehaviour: `token_type` is `bearer` in lower case.
    AllowedLowercaseBearer,
    /// Not a misbehaviour: the callback parameters come in another order, with `session_state`.
    AllowedCallbackOrder,
    /// Not a misbehaviour: the token response omits `scope` (it equals the request's).
    AllowedTokenWithoutScope,
    /// Not a misbehaviour: every JSON response is `application/json;charset=UTF-8`.
    AllowedJsonCharset,
    /// Not a misbehaviour: the JWKS holds a second signing key (listed first), told apart by `kid`.
    AllowedTwoKeys,
    /// Not a misbehaviour: UserInfo challenges use the scheme in lower case (`bearer`).
    AllowedLowercaseChallenge,
}
