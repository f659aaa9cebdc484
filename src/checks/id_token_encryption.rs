//! Checks over encrypted ID tokens (OIDC Core 10.2, OIDC Registration 2): a client that
//! registered `id_token_encrypted_response_alg` gets its ID token as a compact JWE with the
//! registered `alg` and `enc`, marked `cty: JWT`, that decrypts with its key and carries a SIGNED
//! JWT (sign, then encrypt: a Nested JWT).
//!
//! [`IdTokenEncryptionEvidence::open`] decrypts the token as received (pure: the key comes from
//! the profile) and hands back the inner token, on which the ordinary ID token checks run.

use serde_json::{Map, Value};

use super::{Check, Verdict, must, should};
use crate::jose::{DecryptionKey, UnverifiedJwt, decrypt_compact, jwe_header};
use crate::spec;

/// What the client registered for ID token encryption, with its private key.
#[derive(Debug, Clone, Copy)]
pub struct EncryptionRegistration<'a> {
    /// The client's private key (from the profile).
    pub key: &'a DecryptionKey,
    /// Registered `id_token_encrypted_response_alg`.
    pub alg: &'a str,
    /// Registered `id_token_encrypted_response_enc`.
    pub enc: &'a str,
}

/// How an ID token arrived and what decrypting it gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdTokenEncryptionEvidence {
    /// The client registered ID token encryption (the profile holds its decryption key).
    pub registered: bool,
    /// Registered `id_token_encrypted_response_alg`.
    pub expected_alg: String,
    /// Registered `id_token_encrypted_response_enc`.
    pub expected_enc: String,
    /// The token as received has the five segments of a compact JWE.
    pub is_jwe: bool,
    /// The JWE protected header, when it decoded.
    pub header: Option<Map<String, Value>>,
    /// Whether decryption succeeded.
    pub decrypted: bool,
    /// Why the header did not decode or decryption failed.
    pub error: Option<String>,
    /// The decrypted content's JWS header `alg`, when the content parsed as a JWS.
    pub inner_alg: Option<String>,
    /// Why the decrypted content is not a JWS.
    pub inner_error: Option<String>,
}

impl IdTokenEncryptionEvidence {
    /// Opens the ID token `raw` as received: for a registered client and a five-segment token,
    /// decrypts it. Returns the evidence and the token the ordinary ID token checks should judge
    /// (the inner JWS when decryption worked, otherwise `raw` itself).
    pub fn open(raw: &str, registration: Option<EncryptionRegistration<'_>>) -> (Self, String) {
        let mut ev = IdTokenEncryptionEvidence { is_jwe: UnverifiedJwt::is_jwe(raw), ..Self::default() };
        let Some(reg) = registration else {
            return (ev, raw.to_owned());
        };
        ev.registered = true;
        ev.expected_alg = reg.alg.to_owned();
        ev.expected_enc = reg.enc.to_owned();
        if !ev.is_jwe {
            return (ev, raw.to_owned());
        }
        match jwe_header(raw) {
            Ok(header) => ev.header = Some(header),
            Err(e) => {
                ev.error = Some(e.to_string());
                return (ev, raw.to_owned());
            }
        }
        let decrypted = match decrypt_compact(raw, reg.key) {
            Ok(d) => d,
            Err(e) => {
                ev.error = Some(e.to_string());
                return (ev, raw.to_owned());
            }
        };
        ev.decrypted = true;
        let Ok(inner) = String::from_utf8(decrypted.plaintext) else {
            ev.inner_error = Some("expected a compact JWS (found content that is not UTF-8)".to_owned());
            return (ev, raw.to_owned());
        };
        match UnverifiedJwt::parse(&inner) {
            Ok(jwt) => ev.inner_alg = jwt.alg().map(str::to_owned),
            Err(e) => ev.inner_error = Some(e.to_string()),
        }
        (ev, inner)
    }

    fn header_str(&self, name: &str) -> Option<&str> {
        self.header.as_ref()?.get(name)?.as_str()
    }
}

/// Runs `f` for a registered client's JWE whose header decoded; skips otherwise.
fn with_header(e: &IdTokenEncryptionEvidence, f: impl FnOnce(&Map<String, Value>) -> Verdict) -> Verdict {
    match (&e.header, e.registered, e.is_jwe) {
        (_, false, _) => Verdict::skip("the client registered no ID token encryption"),
        (_, true, false) => Verdict::skip("the ID token is not a JWE (see idtoken.jwe.encrypted)"),
        (None, true, true) => Verdict::skip("the JWE header did not decode (see idtoken.jwe.decrypts)"),
        (Some(h), true, true) => f(h),
    }
}

/// OIDC Registration 2: with id_token_encrypted_response_alg registered, the ID token is encrypted.
fn encrypted(e: &IdTokenEncryptionEvidence) -> Verdict {
    if !e.registered {
        return Verdict::skip("the client registered no ID token encryption");
    }
    if e.is_jwe {
        Verdict::Pass
    } else {
        Verdict::mismatch(
            format!("expected an ID token encrypted with {} / {} (found a plain JWS)", e.expected_alg, e.expected_enc),
            "a compact JWE (5 segments)",
            "a compact JWS (3 segments)",
        )
    }
}

fn registered_member(e: &IdTokenEncryptionEvidence, name: &'static str, expected: &str) -> Verdict {
    with_header(e, |_| match e.header_str(name) {
        Some(found) if found == expected => Verdict::Pass,
        found => {
            let found = found.unwrap_or("none");
            Verdict::mismatch(format!("expected JWE {name} {expected} as registered (found {found})"), expected, found)
        }
    })
}

/// OIDC Registration 2: the JWE alg is the registered id_token_encrypted_response_alg.
fn alg_registered(e: &IdTokenEncryptionEvidence) -> Verdict {
    registered_member(e, "alg", &e.expected_alg)
}

/// OIDC Registration 2: the JWE enc is the registered id_token_encrypted_response_enc.
fn enc_registered(e: &IdTokenEncryptionEvidence) -> Verdict {
    registered_member(e, "enc", &e.expected_enc)
}

/// OIDC Core 10.2 / RFC 7519 5.2: a Nested JWT says so with `cty: JWT`.
fn cty_jwt(e: &IdTokenEncryptionEvidence) -> Verdict {
    with_header(e, |_| match e.header_str("cty") {
        Some(cty) if cty.eq_ignore_ascii_case("JWT") => Verdict::Pass,
        found => Verdict::mismatch(format!("expected cty JWT for a nested ID token (found {})", found.unwrap_or("none")), "JWT", found.unwrap_or("none")),
    })
}

/// RFC 7516 5.2: the JWE decrypts with the client's key (tag verifies, CEK unwraps).
fn decrypts(e: &IdTokenEncryptionEvidence) -> Verdict {
    if !e.registered || !e.is_jwe {
        return Verdict::skip("no encrypted ID token for a client with a decryption key");
    }
    match (&e.error, e.decrypted) {
        (_, true) => Verdict::Pass,
        (Some(err), false) => Verdict::fail(err.clone()),
        (None, false) => Verdict::fail("expected the JWE to decrypt (found no result)"),
    }
}

/// OIDC Core 10.2 and 2: an encrypted ID token is signed, then encrypted.
fn inner_signed(e: &IdTokenEncryptionEvidence) -> Verdict {
    if !e.decrypted {
        return Verdict::skip("no decrypted ID token");
    }
    match (&e.inner_error, e.inner_alg.as_deref()) {
        (Some(err), _) => Verdict::fail(format!("expected a signed JWT inside the JWE: {err}")),
        (None, None) => Verdict::fail("expected a signed JWT inside the JWE (found no `alg`)"),
        (None, Some(alg)) if alg.eq_ignore_ascii_case("none") => Verdict::fail("expected a signed JWT inside the JWE (found alg \"none\")"),
        (None, Some(_)) => Verdict::Pass,
    }
}

/// The encrypted-ID-token checks.
pub const CHECKS: &[Check<IdTokenEncryptionEvidence>] = &[
    must("idtoken.jwe.encrypted").spec(spec::OIDCR_2).title("the ID token is a JWE when the client registered id_token_encrypted_response_alg").run(encrypted),
    must("idtoken.jwe.alg_registered").spec(spec::OIDCR_2).title("the JWE alg equals the registered id_token_encrypted_response_alg").run(alg_registered),
    must("idtoken.jwe.enc_registered").spec(spec::OIDCR_2).title("the JWE enc equals the registered id_token_encrypted_response_enc").run(enc_registered),
    should("idtoken.jwe.cty_jwt").spec(spec::OIDCC_10_2).title("the JWE header has cty JWT, marking a nested JWT (RFC 7519 5.2)").run(cty_jwt),
    must("idtoken.jwe.decrypts").spec(spec::RFC7516_5_2).title("the JWE decrypts with the client's private key").run(decrypts),
    must("idtoken.jwe.inner_signed").spec(spec::OIDCC_10_2).title("the encrypted ID token is signed, then encrypted (not alg none)").run(inner_signed),
];

#[cfg(test)]
mod tests;
