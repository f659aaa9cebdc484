//! Token response checks on a successful (200) answer: tokens, token_type, expires_in, scope,
//! id_token and the no-store cache headers (RFC 6749 section 5.1, OIDC Core 3.1.3.3).

use serde_json::Value;

use super::{C, TokenResponseEvidence, has_directive, non_empty_string, on_success, shown};
use crate::checks::{Verdict, must, should};
use crate::flow::GrantType;
use crate::spec;

/// Longest `expires_in` considered sensible for an access token: one year.
pub const MAX_SENSIBLE_EXPIRES_IN: i64 = 365 * 24 * 3600;

/// access_token.
pub const ACCESS_TOKEN: C = must("token.access_token.present")
    .spec(spec::RFC6749_5_1)
    .title("access_token is a non-empty string")
    .run(access_token);
/// access_token character set.
pub const ACCESS_TOKEN_CHARSET: C = must("token.access_token.charset")
    .spec(spec::RFC6749_A_12)
    .title("access_token uses only printable ASCII (%x20-7E)")
    .run(access_token_charset);
/// A JWT access token is explicitly typed.
pub const ACCESS_TOKEN_TYPED: C = should("token.access_token.typ_at_jwt")
    .spec(spec::RFC9068_2_1)
    .title("a JWT access token is typed at+jwt")
    .run(access_token_typed);
/// token_type present.
pub const TOKEN_TYPE_PRESENT: C = must("token.token_type.present")
    .spec(spec::RFC6749_5_1)
    .title("token_type is present as a string")
    .run(token_type_present);
/// token_type Bearer.
pub const TOKEN_TYPE_BEARER: C = must("token.token_type.bearer")
    .spec(spec::OIDCC_3_1_3_3)
    .title("token_type is Bearer (compared case-insensitively)")
    .run(token_type_bearer);
/// expires_in type.
pub const EXPIRES_IN_VALID: C = should("token.expires_in.valid")
    .spec(spec::RFC6749_5_1)
    .title("expires_in, when present, is a positive integer number of seconds")
    .run(expires_in_valid);
/// expires_in recommended.
pub const EXPIRES_IN_PRESENT: C = should("token.expires_in.present")
    .spec(spec::RFC6749_5_1)
    .title("expires_in is present (RECOMMENDED)")
    .run(expires_in_present);
/// expires_in bounded.
pub const EXPIRES_IN_SENSIBLE: C = should("token.expires_in.sensible")
    .spec(spec::RFC6749_5_1)
    .title("expires_in is at most one year")
    .run(expires_in_sensible);
/// id_token returned for openid code exchange.
pub const ID_TOKEN_PRESENT: C = must("token.id_token.present")
    .spec(spec::OIDCC_3_1_3_3)
    .title("an authorization_code exchange for an openid request returns an id_token string")
    .run(id_token_present);
/// scope syntax.
pub const SCOPE_WELL_FORMED: C = must("token.scope.well_formed")
    .spec(spec::RFC6749_3_3)
    .title("scope, when returned, is a space-separated list of scope tokens")
    .run(scope_well_formed);
/// Cache-Control no-store.
pub const CACHE_CONTROL: C = must("token.cache_control.no_store")
    .spec(spec::RFC6749_5_1)
    .title("a response carrying tokens has Cache-Control: no-store")
    .run(cache_control);
/// Pragma no-cache.
pub const PRAGMA: C = should("token.pragma.no_cache")
    .spec(spec::RFC6749_5_1)
    .title("a response carrying tokens has Pragma: no-cache (legacy HTTP/1.0 caches)")
    .run(pragma);
/// refresh_token type.
pub const REFRESH_TOKEN_VALID: C = should("token.refresh_token.valid")
    .spec(spec::RFC6749_5_1)
    .title("refresh_token, when present, is a non-empty string")
    .run(refresh_token_valid);
/// refresh_token character set.
pub const REFRESH_TOKEN_CHARSET: C = should("token.refresh_token.charset")
    .spec(spec::RFC6749_A_17)
    .title("refresh_token uses only printable ASCII (%x20-7E)")
    .run(refresh_token_charset);
/// No error member on success.
pub const SUCCESS_NO_ERROR: C = should("token.success.no_error_field")
    .spec(spec::RFC6749_5_2)
    .title("a 200 response carries no `error` member (errors use 400/401)")
    .run(success_no_error);
fn access_token(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| non_empty_string(b, "access_token"))
}

/// RFC 6749 A.12 / A.17: `1*VSCHAR`, VSCHAR = %x20-7E.
fn vschar_only(e: &TokenResponseEvidence, name: &str) -> Verdict {
    on_success(e, |b| match b.get(name).and_then(Value::as_str) {
        None => Verdict::skip(format!("no string {name}")),
        Some(t) => Verdict::check(
            t.bytes().all(|c| (0x20..=0x7E).contains(&c)),
            format!("expected {name} in printable ASCII (found other characters)"),
        ),
    })
}

fn access_token_charset(e: &TokenResponseEvidence) -> Verdict {
    vschar_only(e, "access_token")
}

fn access_token_typed(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| {
        let Some(at) = b.get("access_token").and_then(Value::as_str) else {
            return Verdict::skip("no access_token");
        };
        if crate::jose::UnverifiedJwt::is_jwe(at) {
            return Verdict::skip("an encrypted access token (its header is the JWE's)");
        }
        let Ok(jwt) = crate::jose::UnverifiedJwt::parse(at) else {
            return Verdict::skip("an opaque access token (not a JWT)");
        };
        match jwt.typ() {
            Some(t) if t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt") => Verdict::Pass,
            other => Verdict::mismatch(
                "the access token is a JWT without the at+jwt type: a resource server cannot tell it from an ID token",
                "typ at+jwt",
                other.map_or_else(|| "no typ".to_owned(), |t| format!("typ {t}")),
            ),
        }
    })
}

fn refresh_token_charset(e: &TokenResponseEvidence) -> Verdict {
    vschar_only(e, "refresh_token")
}

fn token_type_present(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| non_empty_string(b, "token_type"))
}

fn token_type_bearer(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| match b.get("token_type").and_then(Value::as_str) {
        None => Verdict::skip("no token_type"),
        Some(t) if t.eq_ignore_ascii_case("bearer") => Verdict::Pass,
        Some(t) => Verdict::mismatch(
            format!("expected token_type Bearer (found {t:?})"),
            "Bearer",
            t,
        ),
    })
}

fn expires_in_valid(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| match b.get("expires_in") {
        None => Verdict::skip("no expires_in"),
        Some(v) if v.as_i64().is_some_and(|n| n > 0) => Verdict::Pass,
        Some(v) => Verdict::fail(format!(
            "expected a positive integer expires_in (found {})",
            shown(v)
        )),
    })
}

fn expires_in_present(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| {
        Verdict::check(
            b.contains_key("expires_in"),
            "expected expires_in (found none)",
        )
    })
}

fn expires_in_sensible(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| match b.get("expires_in").and_then(Value::as_i64) {
        None => Verdict::skip("no integer expires_in"),
        Some(n) if n <= MAX_SENSIBLE_EXPIRES_IN => Verdict::Pass,
        Some(n) => Verdict::fail(format!(
            "expected expires_in ≤ {MAX_SENSIBLE_EXPIRES_IN} s (found {n})"
        )),
    })
}

fn id_token_present(e: &TokenResponseEvidence) -> Verdict {
    if e.grant != GrantType::AuthorizationCode || !e.openid_requested {
        return Verdict::skip(
            "id_token is only required for an authorization_code exchange of an openid request",
        );
    }
    on_success(e, |b| non_empty_string(b, "id_token"))
}

/// RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
fn scope_well_formed(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| match b.get("scope") {
        None => Verdict::skip("no scope returned (granted scope equals the requested one)"),
        Some(Value::String(s)) => {
            let token_ok = |t: &str| {
                !t.is_empty()
                    && t.bytes().all(|c| {
                        c == 0x21 || (0x23..=0x5B).contains(&c) || (0x5D..=0x7E).contains(&c)
                    })
            };
            Verdict::check(
                s.split(' ').all(token_ok),
                format!("expected space-separated scope tokens (found {s:?})"),
            )
        }
        Some(other) => Verdict::fail(format!(
            "expected scope as a string (found {})",
            shown(other)
        )),
    })
}

fn cache_control(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |_| match e.header("cache-control") {
        Some(v) if has_directive(&v, "no-store") => Verdict::Pass,
        Some(v) => Verdict::mismatch("expected Cache-Control no-store", "no-store", v),
        None => Verdict::fail("expected Cache-Control: no-store (found no Cache-Control)"),
    })
}

fn pragma(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |_| match e.header("pragma") {
        Some(v) if has_directive(&v, "no-cache") => Verdict::Pass,
        Some(v) => Verdict::mismatch("expected Pragma no-cache", "no-cache", v),
        None => Verdict::fail("expected Pragma: no-cache (found no Pragma)"),
    })
}

fn refresh_token_valid(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| {
        if b.contains_key("refresh_token") {
            non_empty_string(b, "refresh_token")
        } else {
            Verdict::skip("no refresh_token")
        }
    })
}

fn success_no_error(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| match b.get("error") {
        None => Verdict::Pass,
        Some(v) => Verdict::fail(format!(
            "expected no `error` in a 200 response (found {})",
            shown(v)
        )),
    })
}
