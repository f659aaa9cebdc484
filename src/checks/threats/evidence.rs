//! Which countermeasures each check observes: `(check id, countermeasure ids)`. A check is
//! listed when its failure shows a countermeasure of the threat catalog missing (or, for a
//! SHOULD, weakened); a check of format or interoperability only (status codes, content types,
//! error-code spelling, claim types) is absent and addresses no threat.

/// `(check id, countermeasures it gives evidence of)`, grouped as the check tables are.
pub const EVIDENCE: &[(&str, &[&str])] = &[
    // discovery: transport and advertised PKCE
    ("disc.issuer.https", &["C-TLS-ONLY"]),
    ("disc.issuer.https_loopback", &["C-TLS-ONLY"]),
    ("disc.authorization_endpoint.https", &["C-TLS-ONLY"]),
    ("disc.token_endpoint.https", &["C-TLS-ONLY"]),
    ("disc.jwks_uri.https", &["C-TLS-ONLY"]),
    ("disc.userinfo_endpoint.https", &["C-TLS-ONLY"]),
    ("disc.registration_endpoint.https", &["C-TLS-ONLY"]),
    ("disc.end_session_endpoint.https", &["C-TLS-ONLY"]),
    ("disc.endpoints.https_loopback", &["C-TLS-ONLY"]),
    ("disc.issuer.matches_url", &["C-IDT-CLAIMS"]),
    ("disc.issuer.matches_configured", &["C-IDT-CLAIMS"]),
    ("disc.id_token_algs.not_only_none", &["C-IDT-SIGNED"]),
    ("disc.pkce.s256", &["C-PKCE-S256"]),
    ("disc.pkce.plain_with_s256", &["C-PKCE-NO-PLAIN"]),
    // jwks: key hygiene
    ("jwks.keys.no_private_members", &["C-IDT-KEY-HYGIENE"]),
    ("jwks.keys.rsa_min_2048", &["C-IDT-KEY-HYGIENE"]),
    // flow and consent
    ("flow.consent.third_party", &["C-CONSENT-REQUIRED"]),
    ("consent.third_party.asked", &["C-CONSENT-REQUIRED"]),
    // authorization response
    ("authz.code.entropy", &["C-ENTROPY"]),
    ("authz.state.echoed", &["C-STATE-ECHO"]),
    ("authz.state.single", &["C-STATE-ECHO"]),
    ("authz.error.state_echoed", &["C-STATE-ECHO"]),
    ("authz.iss.present", &["C-ISS-PARAM"]),
    ("authz.iss.matches", &["C-ISS-PARAM"]),
    ("authz.response_mode.honoured", &["C-FORM-POST"]),
    // invalid authorization requests
    ("authz.unverified_redirect.not_used", &["C-NO-AUTO-REDIRECT-INVALID"]),
    ("authz.unverified_redirect.no_code", &["C-REDIRECT-EXACT"]),
    ("authz.unverified_redirect.error_page", &["C-NO-AUTO-REDIRECT-INVALID"]),
    // token response
    ("token.cache_control.no_store", &["C-NO-STORE"]),
    ("token.pragma.no_cache", &["C-NO-STORE"]),
    // id token
    ("idtoken.format.jws", &["C-IDT-SIGNED"]),
    ("idtoken.header.alg_not_none", &["C-IDT-SIGNED"]),
    ("idtoken.header.alg_advertised", &["C-IDT-SIGNED"]),
    ("idtoken.header.alg_registered", &["C-IDT-SIGNED"]),
    ("idtoken.header.kid_resolves", &["C-IDT-SIGNED"]),
    ("idtoken.signature.valid", &["C-IDT-SIGNED"]),
    ("idtoken.iss.matches", &["C-IDT-CLAIMS"]),
    ("idtoken.aud.contains_client", &["C-IDT-CLAIMS"]),
    ("idtoken.aud.no_untrusted", &["C-IDT-CLAIMS"]),
    ("idtoken.azp.matches_client", &["C-IDT-CLAIMS"]),
    ("idtoken.exp.present", &["C-IDT-CLAIMS"]),
    ("idtoken.iat.present", &["C-IDT-CLAIMS"]),
    ("idtoken.nonce.matches", &["C-NONCE-ECHO"]),
    ("idtoken.at_hash.matches", &["C-IDT-HASHES"]),
    ("idtoken.c_hash.matches", &["C-IDT-HASHES"]),
    ("idtoken.refresh.iss_same", &["C-IDT-CLAIMS"]),
    ("idtoken.refresh.sub_same", &["C-IDT-CLAIMS"]),
    ("idtoken.refresh.aud_same", &["C-IDT-CLAIMS"]),
    ("idtoken.jwe.inner_signed", &["C-IDT-SIGNED"]),
    ("userinfo.sub.matches_id_token", &["C-IDT-CLAIMS"]),
    // scopes
    ("scope.granted.subset_of_requested", &["C-SCOPE-ENFORCED"]),
    ("scope.returned_when_changed", &["C-SCOPE-ENFORCED"]),
    ("userinfo.claims.scope_bound", &["C-SCOPE-ENFORCED"]),
    // code exchange refusals
    ("code.reuse.rejected", &["C-CODE-SINGLE-USE"]),
    ("code.reuse.tokens_revoked", &["C-CODE-REUSE-REVOKES"]),
    ("code.wrong_client.rejected", &["C-CODE-CLIENT-BOUND"]),
    ("code.wrong_redirect_uri.rejected", &["C-CODE-REDIRECT-BOUND"]),
    ("code.expired.rejected", &["C-CODE-SHORT-TTL"]),
    ("race.code.single_winner", &["C-CODE-RACE-SAFE"]),
    // client authentication
    ("client_auth.wrong_secret.rejected", &["C-CLIENT-AUTH-REQUIRED"]),
    ("client_auth.no_secret.rejected", &["C-CLIENT-AUTH-REQUIRED"]),
    // pkce
    ("pkce.wrong_verifier.rejected", &["C-PKCE-VERIFIER-CHECKED"]),
    ("pkce.missing_verifier.rejected", &["C-PKCE-VERIFIER-CHECKED"]),
    ("pkce.verifier.too_short_rejected", &["C-PKCE-VERIFIER-SYNTAX"]),
    ("pkce.verifier.bad_charset_rejected", &["C-PKCE-VERIFIER-SYNTAX"]),
    ("pkce.plain.refused", &["C-PKCE-NO-PLAIN"]),
    ("pkce.public_client.required", &["C-PKCE-REQUIRED"]),
    // refresh rules
    ("refresh.other_client.refused", &["C-RT-CLIENT-BOUND"]),
    ("refresh.widening.refused", &["C-RT-SCOPE-BOUND"]),
    ("refresh.rotation.new_token", &["C-RT-ROTATION"]),
    ("refresh.reuse.refused", &["C-RT-ROTATION"]),
    ("race.refresh.single_winner", &["C-RT-ROTATION"]),
    ("refresh.after_reuse.revoked", &["C-RT-REUSE-DETECT"]),
    // userinfo, revocation, introspection, logout
    ("userinfo.id_token_as_bearer.refused", &["C-AT-AUDIENCE"]),
    ("revocation.refresh_token.unusable", &["C-REVOCATION"]),
    ("introspection.revoked_token.inactive", &["C-REVOCATION"]),
    // An open redirector at logout is the same abuse as at the authorization endpoint.
    ("logout.unregistered_uri.not_redirected", &["C-NO-AUTO-REDIRECT-INVALID"]),
    ("logout.modified_query.not_redirected", &["C-NO-AUTO-REDIRECT-INVALID"]),
    ("logout.modified_path.not_redirected", &["C-NO-AUTO-REDIRECT-INVALID"]),
    // cross-tenant
    ("tenant.discovery.issuer_is_tenant", &["C-TENANT-ISOLATION"]),
    ("tenant.code.not_redeemable_elsewhere", &["C-TENANT-ISOLATION"]),
    ("tenant.code.foreign_client_refused", &["C-TENANT-ISOLATION"]),
    ("tenant.idtoken.iss_is_tenant", &["C-TENANT-ISOLATION", "C-IDT-CLAIMS"]),
    ("tenant.idtoken.signed_by_tenant", &["C-TENANT-ISOLATION"]),
    ("tenant.keys.distinct", &["C-TENANT-ISOLATION"]),
    ("tenant.access_token.not_accepted_elsewhere", &["C-TENANT-ISOLATION"]),
];
