//! Quotes of the RP-initiated logout checks (OpenID Connect RP-Initiated Logout 1.0, Final,
//! September 2022: §2 the logout request, §3 redirection to the RP after logout, §4 validation,
//! §6 security considerations).

/// The sentence defining `post_logout_redirect_uri` (§3), shared by the redirect checks.
macro_rules! redirect_definition {
    () => {
        r#"RP-Initiated Logout §3: "In some cases, the RP will request that the End-User's User Agent to be redirected back to the RP after a logout has been performed." §2: "post_logout_redirect_uri OPTIONAL. URI to which the RP is requesting that the End-User's User Agent be redirected after a logout has been performed.""#
    };
}

/// The exact-match rule of §3, shared by the must-not-redirect checks of a URI.
macro_rules! exact_match {
    () => {
        r#"RP-Initiated Logout §3: "The OP also MUST NOT perform post-logout redirection if the post_logout_redirect_uri value supplied does not exactly match one of the previously registered post_logout_redirect_uris values.""#
    };
}

/// The validation rules of §2 and §4, shared by the must-not-redirect checks of a hint.
macro_rules! hint_validation {
    () => {
        r#"RP-Initiated Logout §2: "When an id_token_hint parameter is present, the OP MUST validate that it was the issuer of the ID Token." §4: "If any of the validation procedures defined in this specification fail, any operations requiring the information that failed to correctly validate MUST be aborted [...]" [and the OP MUST NOT perform post-logout redirection to an RP]."#
    };
}

/// `(check id, quoted normative words)` of the logout checks.
pub(super) const QUOTES: &[(&str, &str)] = &[
    ("logout.normal.redirected", concat!(redirect_definition!(), r#" [No keyword obliges the OP to redirect, and §2 lets it ask the user first: good practice, SHOULD; a page is not judged.]"#)),
    ("logout.normal.state_echoed", r#"RP-Initiated Logout §2: "state OPTIONAL. Opaque value used by the RP to maintain state between the logout request and the callback to the endpoint specified by the post_logout_redirect_uri parameter. If included in the logout request, the OP passes this value back to the RP using the state parameter when redirecting the User Agent back to the RP." [A definition without a keyword binds the provider: good practice, SHOULD.]"#),
    ("logout.normal.no_added_params", concat!(redirect_definition!(), r#" [Only state is defined to come back; a code or token added to the redirect leaks to the RP's logged-out page. No sentence forbids it: good practice, SHOULD.]"#)),
    ("logout.normal.session_ended", r#"RP-Initiated Logout §2: "At the Logout Endpoint, the OP SHOULD ask the End-User whether to log out of the OP as well. If the End-User says "yes", then the OP MUST log out the End-User." — a redirect to the post_logout_redirect_uri says the logout "has been performed" (§3)."#),
    ("logout.no_state.no_state_param", r#"RP-Initiated Logout §2 (state): "If included in the logout request, the OP passes this value back to the RP using the state parameter when redirecting the User Agent back to the RP." [Without a state sent there is nothing to pass back. A definition without a keyword binds the provider: good practice, SHOULD.]"#),
    ("logout.no_params.answered", r#"RP-Initiated Logout §2: [every logout parameter (id_token_hint, logout_hint, client_id, post_logout_redirect_uri, state, ui_locales) is OPTIONAL or RECOMMENDED], so a request without any is a valid request; nothing names a server error: good practice, SHOULD."#),
    ("logout.no_params.confirmed", r#"RP-Initiated Logout §6: "Logout requests without a valid id_token_hint value are a potential means of denial of service; therefore, OPs should obtain explicit confirmation from the End-User before acting upon them." [lower-case should: good practice, SHOULD.]"#),
    ("logout.unregistered_uri.not_redirected", exact_match!()),
    ("logout.modified_query.not_redirected", concat!(exact_match!(), r#" [A registered URI with a query parameter added does not exactly match.]"#)),
    ("logout.modified_path.not_redirected", concat!(exact_match!(), r#" [A registered URI with a path segment added does not exactly match.]"#)),
    ("logout.foreign_hint.not_redirected", concat!(hint_validation!(), r#" [An ID token signed by a key the OP does not hold was not issued by it.]"#)),
    ("logout.unsigned_hint.not_redirected", concat!(hint_validation!(), r#" [An unsigned (alg none) ID token cannot be validated as the OP's own.]"#)),
];
