//! The normative words each check judges: for every check id, the sentence of the spec its
//! level comes from, quoted (DESIGN §6: "a level is the spec's word"). A MUST check quotes a
//! sentence that says MUST, MUST NOT, SHALL or REQUIRED of the party observed (the provider);
//! a SHOULD check quotes SHOULD or RECOMMENDED — or, where the harness judges good practice
//! that no sentence demands of the provider, the sentence closest to it, and the check is
//! SHOULD at most. `oidc-harness checks --format md` prints them (docs/checks.md).
//!
//! Quotes are kept apart from the check tables so that a level and its reason can be read side
//! by side, and so that a test can hold every level to its words.

use super::Level;

/// `(check id, quoted normative words)`. Ellipses mark omitted words; `[...]` marks words of
/// ours that make a quote readable alone.
pub const QUOTES: &[(&str, &str)] = &[
    ("pkce.wrong_verifier.rejected", "RFC 7636 §4.6: \"If the values are not equal, an error response indicating \"invalid_grant\" as described in Section 5.2 of [RFC6749] MUST be returned.\""),
    ("pkce.missing_verifier.rejected", "RFC 7636 §4.6: \"Before returning the tokens, the server [...] MUST verify the code_verifier\" — no code_verifier, nothing to verify: the code is not redeemed."),
    ("pkce.verifier.too_short_rejected", "RFC 7636 §4.1 defines the verifier for the client (\"with a minimum length of 43 characters and a maximum length of 128 characters\"); the server's duty is to compare (§4.6). Refusing a malformed verifier is good practice: SHOULD."),
    ("pkce.verifier.bad_charset_rejected", "RFC 7636 §4.1 defines the verifier for the client (\"using the unreserved characters [A-Z] / [a-z] / [0-9] / \"-\" / \".\" / \"_\" / \"~\"\"); the server's duty is to compare (§4.6). Refusing a malformed verifier is good practice: SHOULD."),
    ("pkce.plain.refused", "RFC 7636 §4.4.1: \"If the server supporting PKCE does not support the requested transformation, the authorization endpoint MUST return the authorization error response with \"error\" value set to \"invalid_request\".\""),
    ("pkce.public_client.required", "RFC 9700 §2.1.1: \"Public clients MUST use PKCE [RFC7636]\" — a duty of the client; that the server refuses a public client without it is the recommended policy: SHOULD."),
];

/// The quoted words of check `id`, if recorded.
pub fn quote_for(id: &str) -> Option<&'static str> {
    QUOTES.iter().find(|(i, _)| *i == id).map(|(_, q)| *q)
}

/// Whether `quote` carries the keyword its check's `level` needs: MUST (or MUST NOT, SHALL,
/// REQUIRED) for a MUST check; SHOULD or RECOMMENDED, or a MUST of another party, for a
/// SHOULD check; anything for a MAY check.
pub fn supports(level: Level, quote: &str) -> bool {
    let has = |w: &str| quote.split(|c: char| !c.is_ascii_alphabetic()).any(|t| t == w);
    match level {
        Level::Must => has("MUST") || has("SHALL") || has("REQUIRED"),
        Level::Should => has("SHOULD") || has("RECOMMENDED") || has("MUST"),
        Level::May => true,
    }
}
