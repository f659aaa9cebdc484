//! Fault injection: each fault makes the provider break exactly one rule, so that the harness can
//! prove every check fails when it should. Faults are off unless named with `--fault NAME`.
//!
//! Where a fault is applied, by what it breaks:
//! - an endpoint's answer (its document, media type, caching or challenge): in this folder, one
//!   file per answer, named like the endpoint (`token.rs`, `userinfo.rs`, `introspection.rs`,
//!   `discovery.rs`, `jwks.rs`, `login.rs` for the login page); `routes` passes every answer
//!   through it;
//! - a token's contents (ID token claims and header, scope): `protocol/mint.rs`;
//! - an authorization response's parameters: `protocol/authorize.rs`;
//! - a rule the provider stops enforcing (single use, PKCE, client binding, redirect_uri, prompt,
//!   consent, revocation, logout): at the rule, in `protocol/<endpoint>.rs` (search for the
//!   variant); trusting a forged logout hint in `logout.rs`.

pub(crate) mod discovery;
pub(crate) mod introspection;
pub(crate) mod jwks;
pub(crate) mod login;
pub(crate) mod logout;
pub(crate) mod token;
pub(crate) mod userinfo;

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

macro_rules! faults {
    ($( $variant:ident => $name:literal, $desc:literal; )*) => {
        /// One deliberate misbehaviour.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Fault {
            $( #[doc = $desc] $variant, )*
        }

        impl Fault {
            /// Every fault, in a stable order.
            pub const ALL: &'static [Fault] = &[$(Fault::$variant),*];

            /// The command-line name (`--fault NAME`).
            pub fn name(self) -> &'static str {
                match self { $(Fault::$variant => $name,)* }
            }

            /// One line saying which rule the fault breaks.
            pub fn description(self) -> &'static str {
                match self { $(Fault::$variant => $desc,)* }
            }
        }
    };
}

faults! {
    IdTokenWrongIss => "id-token-wrong-iss", "ID token iss differs from the issuer (OIDC Core 3.1.3.7 step 2)";
    IdTokenNoAud => "id-token-no-aud", "ID token has no aud claim (OIDC Core 2)";
    IdTokenWrongAud => "id-token-wrong-aud", "ID token aud is another client, not the requesting one (OIDC Core 3.1.3.7 step 3)";
    IdTokenExpired => "id-token-expired", "ID token exp is in the past (OIDC Core 3.1.3.7 step 9)";
    IdTokenIatFuture => "id-token-iat-future", "ID token iat is an hour in the future (OIDC Core 3.1.3.7 step 10)";
    IdTokenNoNonce => "id-token-no-nonce", "ID token omits the nonce sent in the request (OIDC Core 3.1.3.7 step 11)";
    IdTokenWrongNonce => "id-token-wrong-nonce", "ID token nonce differs from the one sent (OIDC Core 3.1.3.7 step 11)";
    IdTokenBadAtHash => "id-token-bad-at-hash", "ID token at_hash does not match the access token (OIDC Core 3.2.2.9)";
    IdTokenUnknownKid => "id-token-unknown-kid", "ID token header kid is not in the JWKS (OIDC Core 10.1)";
    IdTokenAlgNone => "id-token-alg-none", "ID token is unsigned, alg none (OIDC Core 3.1.3.7 step 7)";
    IdTokenBadSignature => "id-token-bad-signature", "ID token signature does not verify (OIDC Core 3.1.3.7 step 6)";
    IdTokenTypAtJwt => "id-token-typ-at-jwt", "ID token header typ is at+jwt, confusable with an access token (RFC 9068 2.1)";
    IdTokenNoAuthTime => "id-token-no-auth-time", "ID token omits auth_time even when max_age was requested (OIDC Core 3.1.2.1)";
    IdTokenLongSub => "id-token-long-sub", "ID token and userinfo sub is longer than 255 ASCII characters (OIDC Core 2)";
    CodeReusable => "code-reusable", "an authorization code can be redeemed more than once (RFC 6749 4.1.2)";
    CodeNotBoundToClient => "code-not-bound-to-client", "a code issued to one client is redeemable by another (RFC 6749 4.1.3)";
    ExpiredCodeAccepted => "expired-code-accepted", "expired authorization codes are still redeemed (RFC 6749 4.1.2)";
    RedirectUriNotChecked => "redirect-uri-not-checked", "the authorization endpoint accepts any redirect_uri (RFC 6749 3.1.2.3)";
    RedirectUriNotCheckedAtToken => "redirect-uri-not-checked-at-token", "the token endpoint ignores a redirect_uri mismatch (RFC 6749 4.1.3)";
    ErrorRedirectUnregistered => "error-redirect-unregistered", "authorization errors for an unregistered redirect_uri are redirected to it (RFC 6749 4.1.2.1)";
    MissingResponseTypeAccepted => "missing-response-type-accepted", "a request without response_type is treated as response_type=code (RFC 6749 3.1.1)";
    UnsupportedResponseTypeWrongError => "unsupported-response-type-wrong-error", "an unsupported response_type is answered with invalid_request, not unsupported_response_type (RFC 6749 4.1.2.1)";
    UnsupportedResponseTypeNotRedirected => "unsupported-response-type-not-redirected", "an unsupported response_type is shown as an error page, not returned to the redirect_uri (RFC 6749 4.1.2.1)";
    PkceNotVerified => "pkce-not-verified", "the code_verifier is not checked against the code_challenge (RFC 7636 4.6)";
    PkcePlainAccepted => "pkce-plain-accepted", "code_challenge_method=plain is accepted though only S256 is advertised (RFC 7636 4.4.1)";
    PublicClientWithoutPkce => "public-client-without-pkce", "public clients may omit PKCE (RFC 9700 2.1.1)";
    StateNotEchoed => "state-not-echoed", "the authorization response omits state (RFC 6749 4.1.2)";
    IssParamMissing => "iss-param-missing", "the authorization response omits iss though it is advertised (RFC 9207 2)";
    ConsentSkippedThirdParty => "consent-skipped-third-party", "third-party clients get a code without a consent page (OIDC Core 3.1.2.4)";
    PromptNoneShowsLogin => "prompt-none-shows-login", "prompt=none without a session shows the login page instead of login_required (OIDC Core 3.1.2.1)";
    PromptNoneShowsConsent => "prompt-none-shows-consent", "prompt=none for a client the user never approved shows the consent page instead of consent_required (OIDC Core 3.1.2.1)";
    PromptNoneSkipsConsent => "prompt-none-skips-consent", "prompt=none for a client the user never approved returns a code without asking (OIDC Core 3.1.2.6)";
    MaxAgeIgnored => "max-age-ignored", "max_age is ignored: an old session is reused without re-authentication (OIDC Core 3.1.2.1)";
    ScopeWidened => "scope-widened", "tokens carry a scope that was not requested (RFC 6749 3.3)";
    TokenTypeWrong => "token-type-wrong", "token_type is \"mac\" instead of Bearer (RFC 6750 4)";
    NoCacheControl => "no-cache-control", "token responses lack Cache-Control: no-store (RFC 6749 5.1)";
    ClientSecretNotChecked => "client-secret-not-checked", "any client secret is accepted (RFC 6749 2.3.1)";
    RefreshNotRotated => "refresh-not-rotated", "a used refresh token stays valid after a new one was issued (RFC 9700 4.14.2)";
    RefreshNotBoundToClient => "refresh-not-bound-to-client", "a refresh token is usable by another client (RFC 6749 6)";
    RefreshScopeWidening => "refresh-scope-widening", "a refresh request may widen the original scope (RFC 6749 6)";
    UserinfoWrongSub => "userinfo-wrong-sub", "userinfo returns a sub different from the ID token's (OIDC Core 5.3.2)";
    UserinfoNoWwwAuthenticate => "userinfo-no-www-authenticate", "userinfo errors lack WWW-Authenticate (RFC 6750 3)";
    UserinfoAcceptsIdToken => "userinfo-accepts-id-token", "userinfo accepts an ID token as a bearer access token (RFC 9068 4)";
    JwksPrivateMaterial => "jwks-private-material", "the JWKS publishes private key members (RFC 7517 9.2)";
    DiscoveryWrongIssuer => "discovery-wrong-issuer", "the discovery document's issuer differs from the URL it is served under (OIDC Discovery 4.3)";
    DiscoveryTokenEndpointOtherOrigin => "discovery-token-endpoint-other-origin", "token_endpoint is advertised on another origin than the issuer's (the same loopback server under another host name)";
    DiscoveryScopesWithoutOpenid => "discovery-scopes-without-openid", "scopes_supported omits openid (OIDC Discovery 3)";
    DiscoveryNoResponseTypes => "discovery-no-response-types", "the discovery document omits the REQUIRED response_types_supported (OIDC Discovery 3)";
    DiscoveryNoSubjectTypes => "discovery-no-subject-types", "the discovery document omits the REQUIRED subject_types_supported (OIDC Discovery 3)";
    DiscoveryUnknownSubjectType => "discovery-unknown-subject-type", "subject_types_supported lists a value other than public or pairwise (OIDC Discovery 3)";
    LoginCrashWithoutPassword => "login-crash-without-password", "a login post without a password answers 500 (OIDC Core 3.1.2.3)";
    ConsentIgnoresCsrf => "consent-ignores-csrf", "a consent post with another session's or no anti-forgery token is taken as the user's decision (OIDC Core 3.1.2.4)";
    ConsentCrashWithoutDecision => "consent-crash-without-decision", "a consent post without a decision answers 500 (OIDC Core 3.1.2.4)";
    AccessTokenTypJwt => "access-token-typ-jwt", "JWT access tokens are typed JWT, not at+jwt (RFC 9068 2.1)";
    DiscoveryClaimsIncomplete => "discovery-claims-incomplete", "claims_supported leaves out email, which the provider returns (OIDC Discovery 3)";
    DiscoveryOmitsPkceMethods => "discovery-omits-pkce-methods", "code_challenge_methods_supported is absent though PKCE is verified (RFC 8414 2)";
    DiscoveryOmitsRefreshGrant => "discovery-omits-refresh-grant", "grant_types_supported omits refresh_token though refresh grants work (RFC 8414 2)";
    DiscoveryAdvertisesNone => "discovery-advertises-none", "id_token_signing_alg_values_supported lists none though every ID token is signed (RFC 8725 2.1)";
    DiscoveryResponseTypeUnregistered => "discovery-response-type-unregistered", "response_types_supported lists a value that is not a response type (RFC 6749 3.1.1)";
    DiscoveryNoCodeGrant => "discovery-no-code-grant", "grant_types_supported omits authorization_code though the code flow works (OIDC Discovery 3)";
    DiscoveryIssParamNotBoolean => "discovery-iss-param-not-boolean", "authorization_response_iss_parameter_supported is the string \"true\", not a boolean (RFC 9207 3)";
    DiscoveryEndpointFragment => "discovery-endpoint-fragment", "revocation_endpoint is advertised with a fragment (RFC 6749 3.1)";
    DiscoveryScopeBadSyntax => "discovery-scope-bad-syntax", "scopes_supported lists a value with a character outside scope-token syntax (RFC 6749 3.3)";
    DiscoveryResponseTypesWithoutCode => "discovery-response-types-without-code", "response_types_supported omits code though the code flow works (OIDC Discovery 3)";
    DiscoveryNoS256 => "discovery-no-s256", "code_challenge_methods_supported lists only plain, not S256 (RFC 7636 4.2)";
    DiscoveryAlgsWithoutRs256 => "discovery-algs-without-rs256", "id_token_signing_alg_values_supported omits RS256 (OIDC Discovery 3)";
    DiscoveryFieldWrongType => "discovery-field-wrong-type", "claims_parameter_supported is the string \"yes\", not a boolean (OIDC Discovery 3)";
    DiscoveryNotFound => "discovery-not-found", "the discovery document is answered 404 (OIDC Discovery 4.2)";
    DiscoveryBodyArray => "discovery-body-array", "the discovery document is a JSON array, not an object (OIDC Discovery 4.2)";
    DiscoveryNoIssuer => "discovery-no-issuer", "the discovery document omits the REQUIRED issuer (OIDC Discovery 3)";
    DiscoveryNoTokenEndpoint => "discovery-no-token-endpoint", "the discovery document omits token_endpoint though the code flow is offered (OIDC Discovery 3)";
    DiscoveryNoAuthorizationEndpoint => "discovery-no-authorization-endpoint", "the discovery document omits the REQUIRED authorization_endpoint (OIDC Discovery 3)";
    DiscoveryNoJwksUri => "discovery-no-jwks-uri", "the discovery document omits the REQUIRED jwks_uri (OIDC Discovery 3)";
    DiscoveryNoIdTokenAlgs => "discovery-no-id-token-algs", "the discovery document omits the REQUIRED id_token_signing_alg_values_supported (OIDC Discovery 3)";
    DiscoveryAlgWithoutKey => "discovery-alg-without-key", "id_token_signing_alg_values_supported advertises ES384, for which the JWKS has no key (OIDC Discovery 3)";
    DiscoveryAlgsOnlyNone => "discovery-algs-only-none", "id_token_signing_alg_values_supported lists only none, though ID tokens are signed (OIDC Discovery 3)";
    DiscoveryContentTypeText => "discovery-content-type-text", "the discovery document is served as text/plain, not application/json (OIDC Discovery 4.2)";
    JwksKeyWithoutKty => "jwks-key-without-kty", "the JWKS publishes a key without kty (RFC 7517 4.1)";
    JwksAlgKtyMismatch => "jwks-alg-kty-mismatch", "the JWKS publishes an RSA key labelled alg ES256 (RFC 7518 3.1)";
    JwksRsaShortModulus => "jwks-rsa-short-modulus", "the JWKS publishes an RSA key with a 1024-bit modulus (RFC 7518 3.3)";
    JwksRsaLeadingZero => "jwks-rsa-leading-zero", "the JWKS publishes an RSA modulus with a leading zero octet (RFC 7518 2, Base64urlUInt)";
    JwksNotFound => "jwks-not-found", "the jwks_uri answers 404 (OIDC Discovery 3)";
    JwksEmpty => "jwks-empty", "the JWKS publishes no key at all (OIDC Discovery 3)";
    JwksKeyWithoutAlgOrUse => "jwks-key-without-alg-or-use", "the JWKS publishes a key with neither alg nor use (RFC 7517 4.2, 4.4)";
    JwksKeyForUnadvertisedAlg => "jwks-key-for-unadvertised-alg", "the JWKS publishes a signing key for RS512, which discovery does not advertise (OIDC Discovery 3)";
    JwksKeyMalformed => "jwks-key-malformed", "the JWKS publishes an RSA key whose n is not base64url (RFC 7517 4)";
    JwksUseMissingWhenMixed => "jwks-use-missing-when-mixed", "the JWKS mixes signing and encryption keys but the signing keys lack use (OIDC Discovery 3)";
    TokenSuccessWithErrorField => "token-success-with-error-field", "a successful token response also carries an error member (RFC 6749 5.1)";
    TokenExpiresInZero => "token-expires-in-zero", "token responses say expires_in 0 (RFC 6749 5.1: lifetime in seconds)";
    ClientAuthChallengeBearer => "client-auth-challenge-bearer", "a failed HTTP Basic client authentication is challenged with the Bearer scheme (RFC 6749 5.2)";
    ClientAuthChallengeNoRealm => "client-auth-challenge-no-realm", "the Basic challenge of a failed client authentication has no realm (RFC 7617 2)";
    ClientAuthNoChallenge => "client-auth-no-challenge", "a failed HTTP Basic client authentication is 401 without WWW-Authenticate (RFC 6749 5.2)";
    TokenContentTypeText => "token-content-type-text", "successful token responses are served as text/plain, not application/json (RFC 6749 5.1)";
    TokenTypeMissing => "token-type-missing", "token responses omit the REQUIRED token_type (RFC 6749 5.1)";
    UsedCodeWrongError => "used-code-wrong-error", "a used authorization code is refused with invalid_request, not invalid_grant (RFC 6749 5.2)";
    UsedRefreshWrongError => "used-refresh-wrong-error", "a used refresh token is refused with invalid_request, not invalid_grant (RFC 6749 5.2)";
    TokenErrorDescriptionBadCharset => "token-error-description-bad-charset", "token error responses carry an error_description with a double quote and a non-ASCII letter (RFC 6749 5.2)";
    CodeCheckThenUse => "code-check-then-use", "a code is looked up, checked and used to issue tokens before it is marked used, in separate statements without a guard: parallel redemptions can each win (RFC 6749 4.1.2)";
    AuthorizeCrashOnLongNonce => "authorize-crash-on-long-nonce", "the authorization endpoint answers 500 to a nonce longer than 1 KiB instead of an error redirect (RFC 6749 4.1.2.1)";
    AuthorizeFirstRepeatWins => "authorize-first-repeat-wins", "a repeated authorization parameter is taken at its first value instead of refused (RFC 6749 3.1, 4.1.2.1)";
    TokenCrashOnRepeat => "token-crash-on-repeat", "the token endpoint answers 500 to a repeated parameter instead of invalid_request (RFC 6749 5.2)";
    TokenFirstRepeatWins => "token-first-repeat-wins", "a repeated token-request parameter is taken at its first value instead of refused (RFC 6749 3.2, 5.2)";
    UserinfoCrashOnLongToken => "userinfo-crash-on-long-token", "UserInfo answers 500 to a bearer token longer than 4 KiB (RFC 6750 3.1)";
    RevocationCrashWithoutToken => "revocation-crash-without-token", "the revocation endpoint answers 500 to a request without a token (RFC 7009 2.2.1)";
    IntrospectionCrashOnLongToken => "introspection-crash-on-long-token", "the introspection endpoint answers 500 to a token longer than 1 KiB (RFC 7662 2.2)";
    EndSessionCrashOnLongState => "end-session-crash-on-long-state", "the end-session endpoint answers 500 to a state longer than 4 KiB (RP-Initiated Logout 2)";
    TokenErrorUriInvalid => "token-error-uri-invalid", "token error responses carry an error_uri that is not an absolute URI (RFC 6749 5.2)";
    TokenScopeDoubleSpace => "token-scope-double-space", "the token response scope separates values with two spaces (RFC 6749 3.3)";
    ClientAuthMissingAccepted => "client-auth-missing-accepted", "a confidential client sending only its client_id is accepted (RFC 6749 2.3.1)";
    RevocationUnsupportedTokenType => "revocation-unsupported-token-type", "revoking a refresh token is answered unsupported_token_type though revocation is advertised (RFC 7009 2.2)";
    IdTokenNbfFuture => "id-token-nbf-future", "ID token nbf is an hour in the future (RFC 7519 4.1.5)";
    IdTokenBadCHash => "id-token-bad-c-hash", "ID token c_hash does not match the authorization code (OIDC Core 3.3.2.11)";
    IdTokenWrongAzp => "id-token-wrong-azp", "ID token azp names another client (OIDC Core 2)";
    IdTokenNoIat => "id-token-no-iat", "ID token omits the REQUIRED iat claim (OIDC Core 2)";
    IdTokenNoExp => "id-token-no-exp", "ID token omits the REQUIRED exp claim (OIDC Core 2)";
    IdTokenAuthTimeFuture => "id-token-auth-time-future", "ID token auth_time is an hour after the real authentication, so in the future (OIDC Core 2)";
    RefreshIdTokenSubChanged => "refresh-id-token-sub-changed", "a refreshed ID token has another sub than the original (OIDC Core 12.2)";
    RefreshIdTokenIatEarlier => "refresh-id-token-iat-earlier", "a refreshed ID token has an iat earlier than the original's (OIDC Core 12.2)";
    RefreshIdTokenAuthTimeChanged => "refresh-id-token-auth-time-changed", "a refreshed ID token carries another auth_time than the original authentication (OIDC Core 12.2)";
    RefreshIdTokenIssChanged => "refresh-id-token-iss-changed", "a refreshed ID token has another iss than the original (OIDC Core 12.2)";
    RefreshIdTokenAudChanged => "refresh-id-token-aud-changed", "a refreshed ID token has another aud than the original (OIDC Core 12.2)";
    RefreshIdTokenNoAzp => "refresh-id-token-no-azp", "a refreshed ID token drops the azp the original had (OIDC Core 12.2)";
    IssParamWrong => "iss-param-wrong", "the authorization response iss is not the issuer (RFC 9207 2)";
    StateRepeated => "state-repeated", "the authorization response repeats the state parameter (RFC 6749 3.1)";
    CodeResponseWithToken => "code-response-with-token", "a response_type=code response also carries an access_token (OIDC Core 3.1.2.5)";
    ErrorResponseWithCode => "error-response-with-code", "authorization error responses also carry a code (OIDC Core 3.1.2.6)";
    CodeRepeated => "code-repeated", "the authorization response repeats the code parameter (RFC 6749 3.1)";
    IssParamRepeated => "iss-param-repeated", "the authorization response repeats the iss parameter (RFC 6749 3.1)";
    AuthzErrorDescriptionBadCharset => "authz-error-description-bad-charset", "authorization error_description contains a double quote (RFC 6749 4.1.2.1)";
    AuthzErrorUriBadCharset => "authz-error-uri-bad-charset", "authorization error responses carry an error_uri with a space (RFC 6749 4.1.2.1)";
    PromptNoneWrongError => "prompt-none-wrong-error", "prompt=none without a session ends with invalid_request, not login_required (OIDC Core 3.1.2.6)";
    UserinfoClaimWrongType => "userinfo-claim-wrong-type", "userinfo returns email_verified as a string, not a boolean (OIDC Core 5.1)";
    UserinfoPostRefused => "userinfo-post-refused", "userinfo refuses POST with a bearer header (OIDC Core 5.3)";
    UserinfoChallengeNotBearer => "userinfo-challenge-not-bearer", "userinfo errors challenge with the Basic scheme, not Bearer (RFC 6750 3)";
    UserinfoBodyArray => "userinfo-body-array", "userinfo answers with a JSON array holding the claims, not an object (OIDC Core 5.3.2)";
    UserinfoContentTypeText => "userinfo-content-type-text", "userinfo answers as text/plain, not application/json (OIDC Core 5.3.2)";
    UserinfoNoSub => "userinfo-no-sub", "userinfo omits the REQUIRED sub claim (OIDC Core 5.3.2)";
    ConsentDenyIssuesCode => "consent-deny-issues-code", "a denied consent still returns a code, not access_denied (RFC 6749 4.1.2.1)";
    PromptLoginIgnored => "prompt-login-ignored", "prompt=login with a session reuses it without re-authentication (OIDC Core 3.1.2.1)";
    SilentAuthTimeReset => "silent-auth-time-reset", "prompt=none with a session reports the current time as auth_time (OIDC Core 2)";
    LoginHintRejected => "login-hint-rejected", "a request with login_hint is refused with invalid_request (OIDC Core 3.1.2.1)";
    IdTokenHintRejected => "id-token-hint-rejected", "a valid id_token_hint is refused with invalid_request (OIDC Core 3.1.2.1)";
    IntrospectionAlwaysInactive => "introspection-always-inactive", "introspection says active false even for a live access token (RFC 7662 2.2)";
    RevocationNoop => "revocation-noop", "revocation answers 200 but the token stays valid (RFC 7009 2.2)";
    LogoutOpenRedirect => "logout-open-redirect", "logout redirects to any post_logout_redirect_uri (OIDC RP-Initiated Logout 3)";
    LoginFormOtherOrigin => "login-form-other-origin", "the login form posts the password to another origin than the issuer's (RFC 6749 10.11)";
    LogoutDropsState => "logout-drops-state", "the post-logout redirect omits the state the RP sent (OIDC RP-Initiated Logout 2)";
    LogoutKeepsSession => "logout-keeps-session", "a logout redirected to the RP leaves the browser's session alive (OIDC RP-Initiated Logout 2)";
    LogoutAcceptsForeignHint => "logout-accepts-foreign-hint", "logout trusts an id_token_hint whose signature does not verify (OIDC RP-Initiated Logout 2, 4)";
    LogoutAcceptsUnsignedHint => "logout-accepts-unsigned-hint", "logout trusts an id_token_hint changed to alg none (OIDC RP-Initiated Logout 2, 4)";
    LogoutPrefixMatchRedirect => "logout-prefix-match-redirect", "logout accepts a post_logout_redirect_uri that merely starts with a registered one (OIDC RP-Initiated Logout 3)";
    IdTokenNotEncrypted => "id-token-not-encrypted", "ID token is a plain JWS for a client that registered id_token_encrypted_response_alg (OIDC Registration 2)";
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fault name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault {name:?} (see --list-faults){}", suggestion.map(|s| format!("; did you mean {s:?}?")).unwrap_or_default())]
pub struct UnknownFault {
    /// What was asked for.
    pub name: String,
    /// The closest existing name, if any is close.
    pub suggestion: Option<&'static str>,
}

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::ALL.iter().copied().find(|f| f.name() == s).ok_or_else(|| UnknownFault {
            name: s.to_owned(),
            suggestion: closest(s),
        })
    }
}

/// The fault name most like `s` (Jaro-Winkler similarity at least 0.8, which favours a shared
/// prefix and forgives a typo anywhere), or else one containing it.
fn closest(s: &str) -> Option<&'static str> {
    Fault::ALL
        .iter()
        .map(|f| (strsim::jaro_winkler(s, f.name()), f.name()))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
        .or_else(|| Fault::ALL.iter().map(|f| f.name()).find(|n| s.len() >= 4 && n.contains(s)))
}

/// The set of active faults (usually empty; tests switch on one at a time).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultSet(BTreeSet<Fault>);

impl FaultSet {
    /// No faults: a correct provider.
    pub fn none() -> Self {
        FaultSet::default()
    }

    /// Exactly these faults.
    pub fn of(faults: impl IntoIterator<Item = Fault>) -> Self {
        FaultSet(faults.into_iter().collect())
    }

    /// Whether `fault` is on.
    pub fn has(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
    }

    /// Whether any fault is on.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The active faults in order.
    pub fn iter(&self) -> impl Iterator<Item = Fault> + '_ {
        self.0.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_parse_back() {
        let mut seen = BTreeSet::new();
        for f in Fault::ALL {
            assert!(seen.insert(f.name()), "duplicate {}", f.name());
            assert!(f.name().bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'));
            assert!(f.name().starts_with(|c: char| c.is_ascii_lowercase()));
            assert_eq!(f.name().parse::<Fault>(), Ok(*f));
            assert!(!f.description().is_empty());
        }
        assert!(Fault::ALL.len() >= 60);
    }

    #[test]
    fn unknown_fault_suggests() {
        let err = "code-reuse".parse::<Fault>().unwrap_err();
        assert_eq!(err.suggestion, Some("code-reusable"));
        assert!(err.to_string().contains("did you mean"));
        assert_eq!("zzz".parse::<Fault>().unwrap_err().suggestion, None);
        // A typo in the middle, where a common prefix alone would pick a neighbour.
        assert_eq!("code-reuseable".parse::<Fault>().unwrap_err().suggestion, Some("code-reusable"));
        assert_eq!("id-tokn-wrong-nonce".parse::<Fault>().unwrap_err().suggestion, Some("id-token-wrong-nonce"));
    }
}
