//! The fault matrix: which checks each reference-provider fault must make fail. One table, used
//! by the test that proves every check against a broken provider and by `conform --explain-faults`.

/// One fault and the checks that catch it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultProof {
    /// Fault name (`reference-provider --fault NAME`).
    pub fault: &'static str,
    /// Check ids that fail with this fault on — and no other MUST check does.
    pub checks: &'static [&'static str],
}

const fn p(fault: &'static str, checks: &'static [&'static str]) -> FaultProof {
    FaultProof { fault, checks }
}

/// Faults covered by the current plans; [`crate::conform::coverage`] lists the MUST checks no fault proves.
pub const FAULT_MATRIX: &[FaultProof] = &[
    p("id-token-wrong-iss", &["idtoken.iss.matches"]),
    p("id-token-no-aud", &["idtoken.aud.contains_client"]),
    p("id-token-wrong-aud", &["idtoken.aud.contains_client"]),
    p("id-token-expired", &["idtoken.exp.in_future"]),
    p("id-token-iat-future", &["idtoken.auth_time.within_max_age", "idtoken.iat.not_in_future"]),
    p("id-token-no-nonce", &["idtoken.nonce.matches"]),
    p("id-token-wrong-nonce", &["idtoken.nonce.matches"]),
    p("id-token-bad-at-hash", &["idtoken.at_hash.matches"]),
    p("id-token-unknown-kid", &["idtoken.header.kid_resolves", "idtoken.signature.valid"]),
    p(
        "id-token-alg-none",
        &["idtoken.header.alg_advertised", "idtoken.header.alg_not_none", "idtoken.header.alg_registered", "idtoken.signature.valid"],
    ),
    p("id-token-bad-signature", &["idtoken.signature.valid"]),
    p("id-token-typ-at-jwt", &["idtoken.header.typ_not_at_jwt"]),
    p("id-token-long-sub", &["idtoken.sub.length"]),
    p("state-not-echoed", &["authz.error.state_echoed", "authz.state.echoed"]),
    p("iss-param-missing", &["authz.iss.present"]),
    p("scope-widened", &["scope.granted.subset_of_requested"]),
    p("token-type-wrong", &["token.token_type.bearer"]),
    p("no-cache-control", &["token.cache_control.no_store"]),
    p("userinfo-wrong-sub", &["userinfo.sub.matches_id_token"]),
    p("userinfo-no-www-authenticate", &["userinfo.invalid_token.www_authenticate", "userinfo.no_token.www_authenticate"]),
    p("jwks-private-material", &["jwks.keys.no_private_members"]),
    p("redirect-uri-not-checked", &["authz.unverified_redirect.no_code", "authz.unverified_redirect.not_used"]),
    p("error-redirect-unregistered", &["authz.unverified_redirect.not_used"]),
    p("missing-response-type-accepted", &["authz.error.expected"]),
    p("unsupported-response-type-wrong-error", &["authz.error.code_for_case"]),
    p("unsupported-response-type-not-redirected", &["authz.error.redirected"]),
    p("discovery-wrong-issuer", &["disc.issuer.matches_configured", "disc.issuer.matches_url"]),
    // Discovery and JWKS lies: one field or one decoy key each.
    p("discovery-scopes-without-openid", &["disc.scopes.includes_openid"]),
    p("discovery-no-response-types", &["disc.response_types.present"]),
    p("discovery-no-subject-types", &["disc.subject_types.present"]),
    p("discovery-unknown-subject-type", &["disc.subject_types.valid"]),
    p("discovery-no-code-grant", &["disc.grant_types.includes_authorization_code"]),
    p("discovery-iss-param-not-boolean", &["disc.iss_parameter_supported.boolean"]),
    p("discovery-endpoint-fragment", &["disc.endpoints.absolute_no_fragment"]),
    p("discovery-scope-bad-syntax", &["disc.scopes.syntax"]),
    p("discovery-content-type-text", &["disc.fetch.content_type_json"]),
    p("jwks-key-without-kty", &["jwks.keys.alg_matches_kty", "jwks.keys.kty_present"]),
    p("jwks-alg-kty-mismatch", &["jwks.keys.alg_matches_kty"]),
    p("jwks-rsa-short-modulus", &["jwks.keys.rsa_min_2048"]),
    p("jwks-rsa-leading-zero", &["jwks.keys.rsa_minimal_integers"]),
    // Token response, client authentication and ID token contents.
    p("token-success-with-error-field", &["token.success.no_error_field"]),
    p("token-expires-in-zero", &["token.expires_in.valid"]),
    p("client-auth-no-challenge", &["client_auth.basic.challenge"]),
    p("id-token-nbf-future", &["idtoken.nbf.not_in_future"]),
    p("id-token-bad-c-hash", &["idtoken.c_hash.matches"]),
    p("id-token-wrong-azp", &["idtoken.azp.matches_client"]),
    p("id-token-no-iat", &["idtoken.iat.present"]),
    p("refresh-id-token-sub-changed", &["idtoken.refresh.sub_same"]),
    p("refresh-id-token-iat-earlier", &["idtoken.refresh.iat_not_earlier"]),
    p("refresh-id-token-auth-time-changed", &["idtoken.refresh.auth_time_same"]),
    // Authorization responses, userinfo, consent, prompt and introspection.
    p("iss-param-wrong", &["authz.iss.matches"]),
    p("state-repeated", &["authz.state.single"]),
    p("code-response-with-token", &["authz.code_response.no_tokens"]),
    p("error-response-with-code", &["authz.error.no_code", "consent.deny.access_denied"]),
    p("userinfo-claim-wrong-type", &["userinfo.claims.types"]),
    p("userinfo-post-refused", &["userinfo.method.post_header"]),
    p("userinfo-challenge-not-bearer", &["userinfo.invalid_token.www_authenticate", "userinfo.no_token.bearer_scheme"]),
    p("consent-deny-issues-code", &["consent.deny.access_denied"]),
    p("prompt-login-ignored", &["session.prompt_login.auth_time_advanced", "session.prompt_login.reauthenticated"]),
    p("introspection-always-inactive", &["introspection.active_token.active"]),
    p("code-reusable", &["code.reuse.rejected", "race.code.single_winner"]),
    p("code-not-bound-to-client", &["code.wrong_client.rejected"]),
    p("expired-code-accepted", &["code.expired.rejected"]),
    p("redirect-uri-not-checked-at-token", &["code.wrong_redirect_uri.rejected"]),
    p("client-secret-not-checked", &["client_auth.wrong_secret.rejected"]),
    p(
        "pkce-not-verified",
        &["pkce.missing_verifier.rejected", "pkce.verifier.bad_charset_rejected", "pkce.verifier.too_short_rejected", "pkce.wrong_verifier.rejected"],
    ),
    p("pkce-plain-accepted", &["pkce.plain.refused"]),
    p("public-client-without-pkce", &["pkce.public_client.required"]),
    // Stateful modules: prompt/session, consent, refresh rules, userinfo methods, token lifecycle.
    p("id-token-no-auth-time", &["idtoken.auth_time.present_when_required"]),
    p("consent-skipped-third-party", &["consent.third_party.asked"]),
    p("prompt-none-shows-login", &["session.prompt_none.no_ui"]),
    p("max-age-ignored", &["session.max_age.auth_time_fresh", "session.max_age.reauthenticated"]),
    p("refresh-not-rotated", &["race.refresh.single_winner", "refresh.reuse.refused"]),
    p("refresh-not-bound-to-client", &["refresh.other_client.refused"]),
    p("refresh-scope-widening", &["refresh.widening.refused"]),
    p("userinfo-accepts-id-token", &["userinfo.id_token_as_bearer.refused"]),
    p("revocation-noop", &["introspection.revoked_token.inactive", "revocation.refresh_token.unusable"]),
    p("logout-open-redirect", &["logout.unregistered_uri.not_redirected"]),
];
