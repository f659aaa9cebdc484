//! ID token checks on the JOSE layer: compact JWS format, `alg`, `typ`, `kid` resolution in the
//! JWK Set and the signature itself (OIDC Core 2, 3.1.3.7 steps 6–8, 10.1; RFC 9068 2.1).

use super::{IdTokenEvidence, with_jwt};
use crate::checks::{Check, Verdict, must, should};
use crate::jose::{UnverifiedJwt, verify_hmac};
use crate::spec;

type C = Check<IdTokenEvidence>;

/// Compact JWS, not JWE unless encryption was registered.
pub const FORMAT_JWS: C = must("idtoken.format.jws")
    .spec(spec::OIDCC_2)
    .title("the ID token is a compact JWS (a JWE only when encryption was registered)")
    .run(format_jws);
/// `alg` header present.
pub const ALG_PRESENT: C = must("idtoken.header.alg_present")
    .spec(spec::RFC7515_4_1_1)
    .title("the JOSE header has a string `alg`")
    .run(alg_present);
/// `alg` is not `none`.
pub const ALG_NOT_NONE: C = must("idtoken.header.alg_not_none")
    .spec(spec::OIDCC_2)
    .title("`alg` is not \"none\" unless the client registered unsigned ID tokens")
    .run(alg_not_none);
/// `alg` advertised in discovery.
pub const ALG_ADVERTISED: C = must("idtoken.header.alg_advertised")
    .spec(spec::OIDCD_3)
    .title("`alg` is listed in id_token_signing_alg_values_supported")
    .run(alg_advertised);
/// `alg` equals the registered one.
pub const ALG_REGISTERED: C = must("idtoken.header.alg_registered")
    .spec(spec::OIDCC_3_1_3_7_7)
    .title("`alg` equals the client's registered id_token_signed_response_alg")
    .run(alg_registered);
/// `typ` is not the access-token type.
pub const TYP_NOT_AT_JWT: C = should("idtoken.header.typ_not_at_jwt")
    .spec(spec::RFC9068_2_1)
    .title("`typ` is not at+jwt, so the ID token cannot pass as a JWT access token")
    .run(typ_not_at_jwt);
/// `kid` present when the JWK Set has several signing keys.
pub const KID_WHEN_SEVERAL: C = must("idtoken.header.kid_when_several")
    .spec(spec::OIDCC_10_1)
    .title("the header has `kid` when the JWK Set holds several signing keys")
    .run(kid_when_several);
/// `kid` resolves to one key.
pub const KID_RESOLVES: C = must("idtoken.header.kid_resolves")
    .spec(spec::OIDCC_10_1)
    .title("`kid`/`alg` select exactly one key of the JWK Set")
    .run(kid_resolves);
/// The signature verifies.
pub const SIGNATURE_VALID: C = must("idtoken.signature.valid")
    .spec(spec::OIDCC_3_1_3_7_6)
    .title("the signature verifies with the JWK Set key (or the client secret for HS*)")
    .run(signature_valid);

fn format_jws(e: &IdTokenEvidence) -> Verdict {
    if UnverifiedJwt::is_jwe(&e.raw) {
        return if e.encryption_registered {
            Verdict::skip("an encrypted ID token (JWE) as registered that did not decrypt (see idtoken.jwe.decrypts)")
        } else {
            Verdict::fail(
                "expected a signed JWS (found a JWE although no encryption was registered)",
            )
        };
    }
    match (&e.jwt, &e.parse_error) {
        (Some(_), _) => Verdict::Pass,
        (None, Some(err)) => Verdict::fail(err.clone()),
        (None, None) => Verdict::fail("expected a compact JWS (found nothing parseable)"),
    }
}

fn alg_present(e: &IdTokenEvidence) -> Verdict {
    with_jwt(e, |jwt| match jwt.header.get("alg") {
        Some(serde_json::Value::String(_)) => Verdict::Pass,
        Some(other) => Verdict::fail(format!("expected `alg` as a string (found {other})")),
        None => Verdict::fail("expected `alg` in the JOSE header (found none)"),
    })
}

/// Runs `f` with the header `alg`, or skips when there is none.
fn with_alg(e: &IdTokenEvidence, f: impl FnOnce(&UnverifiedJwt, &str) -> Verdict) -> Verdict {
    with_jwt(e, |jwt| match jwt.alg() {
        Some(alg) => f(jwt, alg),
        None => Verdict::skip("no `alg` in the header"),
    })
}

fn none_registered(e: &IdTokenEvidence) -> bool {
    e.registered_alg.as_deref() == Some("none")
}

fn alg_not_none(e: &IdTokenEvidence) -> Verdict {
    with_alg(e, |_, alg| {
        if !alg.eq_ignore_ascii_case("none") || none_registered(e) {
            Verdict::Pass
        } else {
            Verdict::fail(format!("expected a signed ID token (found alg {alg:?})"))
        }
    })
}

fn alg_advertised(e: &IdTokenEvidence) -> Verdict {
    if e.algs_advertised.is_empty() {
        return Verdict::skip("discovery advertised no id_token signing algs");
    }
    with_alg(e, |_, alg| {
        if e.algs_advertised.iter().any(|a| a == alg) {
            Verdict::Pass
        } else {
            Verdict::mismatch(
                format!("expected an advertised alg (found {alg})"),
                e.algs_advertised.join(" "),
                alg,
            )
        }
    })
}

fn alg_registered(e: &IdTokenEvidence) -> Verdict {
    let Some(registered) = e.registered_alg.as_deref() else {
        return Verdict::skip("no id_token_signed_response_alg registered");
    };
    with_alg(e, |_, alg| {
        if alg == registered {
            Verdict::Pass
        } else {
            Verdict::mismatch(
                format!("expected alg {registered} (found {alg})"),
                registered,
                alg,
            )
        }
    })
}

fn typ_not_at_jwt(e: &IdTokenEvidence) -> Verdict {
    with_jwt(e, |jwt| match jwt.typ() {
        Some(t)
            if t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt") =>
        {
            Verdict::fail(format!(
                "expected an ID token typ such as JWT (found {t:?})"
            ))
        }
        _ => Verdict::Pass,
    })
}

/// Runs `f` for asymmetric algs with a JWK Set; skips for HS*, none, or a missing JWK Set.
fn with_jwks_alg(
    e: &IdTokenEvidence,
    f: impl FnOnce(&UnverifiedJwt, &str, &crate::jose::Jwks) -> Verdict,
) -> Verdict {
    with_alg(e, |jwt, alg| {
        if alg.starts_with("HS") || alg.eq_ignore_ascii_case("none") {
            return Verdict::skip(format!("alg {alg} does not use the JWK Set"));
        }
        match &e.jwks {
            Some(jwks) => f(jwt, alg, jwks),
            None => Verdict::skip("no JWK Set available"),
        }
    })
}

fn kid_when_several(e: &IdTokenEvidence) -> Verdict {
    with_jwks_alg(e, |jwt, _, jwks| {
        let signing = jwks.signing_keys().count();
        if signing < 2 {
            return Verdict::skip("the JWK Set holds fewer than two signing keys");
        }
        Verdict::check(
            jwt.kid().is_some(),
            format!("expected `kid` in the header (found none, with {signing} signing keys)"),
        )
    })
}

fn kid_resolves(e: &IdTokenEvidence) -> Verdict {
    with_jwks_alg(e, |jwt, alg, jwks| {
        let found = jwks.candidates(jwt.kid(), alg).count();
        match (jwt.kid(), found) {
            (_, 1) => Verdict::Pass,
            (None, 0) => Verdict::fail(format!("expected a key usable for {alg} (found none)")),
            (Some(kid), 0) => Verdict::fail(format!(
                "expected a key with kid {kid:?} usable for {alg} (found none)"
            )),
            (Some(kid), n) => {
                Verdict::fail(format!("expected one key with kid {kid:?} (found {n})"))
            }
            (None, _) => Verdict::skip(
                "no kid and several candidate keys (see idtoken.header.kid_when_several)",
            ),
        }
    })
}

fn signature_valid(e: &IdTokenEvidence) -> Verdict {
    with_alg(e, |jwt, alg| {
        if alg.eq_ignore_ascii_case("none") {
            return if none_registered(e) {
                Verdict::skip("unsigned ID token, as registered")
            } else {
                Verdict::fail("expected a signature (found alg \"none\")")
            };
        }
        if alg.starts_with("HS") {
            let Some(secret) = &e.client_secret else {
                return Verdict::skip(format!(
                    "alg {alg} needs the client secret, which is not configured"
                ));
            };
            return match verify_hmac(jwt, secret) {
                Ok(()) => Verdict::Pass,
                Err(err) => Verdict::fail(err.to_string()),
            };
        }
        let Some(jwks) = &e.jwks else {
            return Verdict::skip("no JWK Set available");
        };
        match jwks.verify(jwt) {
            Ok(()) => Verdict::Pass,
            Err(err) => Verdict::fail(err.to_string()),
        }
    })
}
