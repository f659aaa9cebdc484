//! ID token claim checks (OIDC Core 2 and 3.1.3.7 steps 2–13, 3.1.3.8, 3.3.2.11): issuer,
//! audience, azp, times, nonce, auth_time/max_age, at_hash/c_hash and sub. They read the
//! unverified token.

use serde_json::Value;

use super::{IdTokenEvidence, LEEWAY_SECS, MAX_IAT_AGE_SECS, check, with_jwt};
use crate::checks::{Check, Level, Verdict};
use crate::jose::{UnverifiedJwt, left_half_hash};

type C = Check<IdTokenEvidence>;

/// `iss` equals the issuer.
pub const ISS_MATCHES: C = check(
    "idtoken.iss.matches",
    "iss equals the issuer identifier exactly",
    "OIDCC-3.1.3.7-2",
    Level::Must,
    iss_matches,
);
/// `aud` contains the client.
pub const AUD_CONTAINS_CLIENT: C = check(
    "idtoken.aud.contains_client",
    "aud (a string or array of strings) contains the client_id",
    "OIDCC-3.1.3.7-3",
    Level::Must,
    aud_contains_client,
);
/// No extra audiences.
pub const AUD_NO_UNTRUSTED: C = check(
    "idtoken.aud.no_untrusted",
    "aud lists no audience other than the client",
    "OIDCC-3.1.3.7-3",
    Level::Should,
    aud_no_untrusted,
);
/// `azp` present with several audiences.
pub const AZP_WHEN_MULTIPLE_AUD: C = check(
    "idtoken.azp.present_when_multiple_aud",
    "azp is present when aud lists several audiences",
    "OIDCC-3.1.3.7-4",
    Level::Should,
    azp_when_multiple_aud,
);
/// `azp` is the client.
pub const AZP_MATCHES_CLIENT: C = check(
    "idtoken.azp.matches_client",
    "azp, when present, is the client_id",
    "OIDCC-2",
    Level::Must,
    azp_matches_client,
);
/// `exp` present.
pub const EXP_PRESENT: C = check(
    "idtoken.exp.present",
    "exp is present as a number",
    "OIDCC-2",
    Level::Must,
    exp_present,
);
/// `exp` in the future.
pub const EXP_IN_FUTURE: C = check(
    "idtoken.exp.in_future",
    "exp is after the current time (60 s leeway)",
    "OIDCC-3.1.3.7-9",
    Level::Must,
    exp_in_future,
);
/// `iat` present.
pub const IAT_PRESENT: C = check(
    "idtoken.iat.present",
    "iat is present as a number",
    "OIDCC-2",
    Level::Must,
    iat_present,
);
/// `iat` not in the future.
pub const IAT_NOT_IN_FUTURE: C = check(
    "idtoken.iat.not_in_future",
    "iat is not after the current time (60 s leeway)",
    "OIDCC-2",
    Level::Must,
    iat_not_in_future,
);
/// `iat` recent.
pub const IAT_RECENT: C = check(
    "idtoken.iat.recent",
    "iat of a freshly issued ID token is less than a day old",
    "OIDCC-3.1.3.7-10",
    Level::Should,
    iat_recent,
);
/// `nbf` not in the future.
pub const NBF_NOT_IN_FUTURE: C = check(
    "idtoken.nbf.not_in_future",
    "nbf, when present, is numeric and not after the current time (60 s leeway)",
    "RFC7519-4.1.5",
    Level::Must,
    nbf_not_in_future,
);
/// `nonce` echoes the request.
pub const NONCE_MATCHES: C = check(
    "idtoken.nonce.matches",
    "nonce equals the nonce sent in the authentication request",
    "OIDCC-3.1.3.7-11",
    Level::Must,
    nonce_matches,
);
/// No `nonce` when none was sent.
pub const NONCE_UNSOLICITED: C = check(
    "idtoken.nonce.unsolicited",
    "no nonce appears when the authentication request sent none",
    "OIDCC-2",
    Level::Should,
    nonce_unsolicited,
);
/// `auth_time` present when required.
pub const AUTH_TIME_WHEN_REQUIRED: C = check(
    "idtoken.auth_time.present_when_required",
    "auth_time is present when max_age was sent or auth_time requested as essential",
    "OIDCC-2",
    Level::Must,
    auth_time_when_required,
);
/// `auth_time` valid.
pub const AUTH_TIME_VALID: C = check(
    "idtoken.auth_time.valid",
    "auth_time, when present, is numeric and not in the future (60 s leeway)",
    "OIDCC-2",
    Level::Must,
    auth_time_valid,
);
/// `auth_time` within `max_age`.
pub const AUTH_TIME_WITHIN_MAX_AGE: C = check(
    "idtoken.auth_time.within_max_age",
    "the authentication is no older than max_age (60 s leeway) when max_age was sent",
    "OIDCC-3.1.2.1",
    Level::Must,
    auth_time_within_max_age,
);
/// `at_hash` correct.
pub const AT_HASH_MATCHES: C = check(
    "idtoken.at_hash.matches",
    "at_hash, when present, is the left-half hash of the access token",
    "OIDCC-3.1.3.8",
    Level::Must,
    at_hash_matches,
);
/// `at_hash` present.
pub const AT_HASH_PRESENT: C = check(
    "idtoken.at_hash.present",
    "at_hash is present when an access token is issued with the ID token",
    "OIDCC-3.1.3.6",
    Level::May,
    at_hash_present,
);
/// `c_hash` correct.
pub const C_HASH_MATCHES: C = check(
    "idtoken.c_hash.matches",
    "c_hash, when present, is the left-half hash of the authorization code",
    "OIDCC-3.3.2.11",
    Level::Must,
    c_hash_matches,
);
/// `sub` present.
pub const SUB_PRESENT: C = check(
    "idtoken.sub.present",
    "sub is a non-empty string",
    "OIDCC-2",
    Level::Must,
    sub_present,
);
/// `sub` length.
pub const SUB_LENGTH: C = check(
    "idtoken.sub.length",
    "sub is at most 255 ASCII characters",
    "OIDCC-2",
    Level::Must,
    sub_length,
);

/// Runs `f` with the numeric claim `name`; skips when absent, fails when not a number.
fn with_time(
    e: &IdTokenEvidence,
    name: &str,
    f: impl FnOnce(&UnverifiedJwt, i64) -> Verdict,
) -> Verdict {
    with_jwt(e, |jwt| match (jwt.claim(name), jwt.claim_i64(name)) {
        (None, _) => Verdict::skip(format!("no {name}")),
        (Some(_), Some(t)) => f(jwt, t),
        (Some(v), None) => Verdict::fail(format!("expected {name} as a number (found {v})")),
    })
}

/// Pass when the claim is a number, fail otherwise.
fn numeric_present(e: &IdTokenEvidence, name: &str) -> Verdict {
    with_jwt(e, |jwt| match (jwt.claim(name), jwt.claim_i64(name)) {
        (Some(_), Some(_)) => Verdict::Pass,
        (Some(v), None) => Verdict::fail(format!("expected {name} as a number (found {v})")),
        (None, _) => Verdict::fail(format!("expected {name} (found none)")),
    })
}

fn iss_matches(e: &IdTokenEvidence) -> Verdict {
    with_jwt(e, |jwt| match jwt.claim_str("iss") {
        Some(iss) if iss == e.issuer => Verdict::Pass,
        Some(iss) => Verdict::mismatch("expected iss to equal the issuer", e.issuer.clone(), iss),
        None => Verdict::fail("expected iss as a string (found none)"),
    })
}

fn aud_contains_client(e: &IdTokenEvidence) -> Verdict {
    with_jwt(e, |jwt| match jwt.audiences() {
        Some(auds) if auds.contains(&e.client_id.as_str()) => Verdict::Pass,
        Some(auds) => Verdict::mismatch(
            "expected aud to contain the client_id",
            e.client_id.clone(),
            auds.join(" "),
        ),
        None => Verdict::fail(
            "expected aud as a string or array of strings (found none or another type)",
        ),
    })
}

fn aud_no_untrusted(e: &IdTokenEvidence) -> Verdict {
    with_jwt(e, |jwt| {
        let Some(auds) = jwt.audiences() else {
            return Verdict::skip("no usable aud");
        };
        let extra: Vec<&str> = auds.into_iter().filter(|a| *a != e.client_id).collect();
        Verdict::check(
            extra.is_empty(),
            format!("expected only the client in aud (found also {extra:?})"),
        )
    })
}

fn azp_when_multiple_aud(e: &IdTokenEvidence) -> Verdict {
    with_jwt(e, |jwt| match jwt.audiences() {
        Some(auds) if auds.len() > 1 => Verdict::check(
            jwt.claim_str("azp").is_some(),
            format!("expected azp with {} audiences (found none)", auds.len()),
        ),
        _ => Verdict::skip("a single audience"),
    })
}

fn azp_matches_client(e: &IdTokenEvidence) -> Verdict {
    with_jwt(e, |jwt| match jwt.claim("azp") {
        None => Verdict::skip("no azp"),
        Some(Value::String(azp)) if *azp == e.client_id => Verdict::Pass,
        Some(other) => Verdict::mismatch(
            "expected azp to be the client_id",
            e.client_id.clone(),
            other.to_string(),
        ),
    })
}

fn exp_present(e: &IdTokenEvidence) -> Verdict {
    numeric_present(e, "exp")
}

fn exp_in_future(e: &IdTokenEvidence) -> Verdict {
    with_time(e, "exp", |_, exp| {
        Verdict::check(
            e.now < exp + LEEWAY_SECS,
            format!("expected exp after now={} (found exp={exp})", e.now),
        )
    })
}

fn iat_present(e: &IdTokenEvidence) -> Verdict {
    numeric_present(e, "iat")
}

fn iat_not_in_future(e: &IdTokenEvidence) -> Verdict {
    with_time(e, "iat", |_, iat| {
        Verdict::check(
            iat <= e.now + LEEWAY_SECS,
            format!("expected iat ≤ now={} (found iat={iat})", e.now),
        )
    })
}

fn iat_recent(e: &IdTokenEvidence) -> Verdict {
    with_time(e, "iat", |_, iat| {
        Verdict::check(
            e.now - iat <= MAX_IAT_AGE_SECS,
            format!(
                "expected iat within {MAX_IAT_AGE_SECS} s of now (found {} s old)",
                e.now - iat
            ),
        )
    })
}

fn nbf_not_in_future(e: &IdTokenEvidence) -> Verdict {
    with_time(e, "nbf", |_, nbf| {
        Verdict::check(
            nbf <= e.now + LEEWAY_SECS,
            format!("expected nbf ≤ now={} (found nbf={nbf})", e.now),
        )
    })
}

fn nonce_matches(e: &IdTokenEvidence) -> Verdict {
    let Some(sent) = &e.nonce_sent else {
        return Verdict::skip("no nonce was sent");
    };
    with_jwt(e, |jwt| match jwt.claim("nonce") {
        Some(Value::String(n)) if n == sent => Verdict::Pass,
        Some(other) => {
            Verdict::mismatch("expected the nonce sent", sent.clone(), other.to_string())
        }
        None => Verdict::fail("expected the nonce sent (found no nonce)"),
    })
}

fn nonce_unsolicited(e: &IdTokenEvidence) -> Verdict {
    if e.nonce_sent.is_some() {
        return Verdict::skip("a nonce was sent");
    }
    if e.previous.is_some() {
        return Verdict::skip("a refreshed ID token may repeat the original nonce");
    }
    with_jwt(e, |jwt| match jwt.claim("nonce") {
        None => Verdict::Pass,
        Some(n) => Verdict::fail(format!("expected no nonce (found {n})")),
    })
}

fn auth_time_when_required(e: &IdTokenEvidence) -> Verdict {
    if e.max_age_sent.is_none() && !e.auth_time_requested {
        return Verdict::skip("neither max_age nor an essential auth_time was requested");
    }
    numeric_present(e, "auth_time")
}

fn auth_time_valid(e: &IdTokenEvidence) -> Verdict {
    with_time(e, "auth_time", |_, at| {
        Verdict::check(
            at <= e.now + LEEWAY_SECS,
            format!("expected auth_time ≤ now={} (found {at})", e.now),
        )
    })
}

fn auth_time_within_max_age(e: &IdTokenEvidence) -> Verdict {
    let Some(max_age) = e.max_age_sent else {
        return Verdict::skip("no max_age was sent");
    };
    with_time(e, "auth_time", |jwt, auth_time| {
        // Age at issuance (iat) when known, otherwise at receipt.
        let reference = jwt.claim_i64("iat").unwrap_or(e.now);
        let age = reference - auth_time;
        Verdict::check(
            age <= max_age + LEEWAY_SECS,
            format!("expected an authentication at most {max_age} s old (found {age} s)"),
        )
    })
}

/// Compares the left-half hash claim `name` with the hash of `value`.
fn left_half_matches(e: &IdTokenEvidence, name: &str, value: Option<&str>) -> Verdict {
    let Some(value) = value else {
        return Verdict::skip(format!("nothing to compare {name} with"));
    };
    with_jwt(e, |jwt| {
        let Some(claim) = jwt.claim(name) else {
            return Verdict::skip(format!("no {name}"));
        };
        let Some(expected) = jwt.alg().and_then(|alg| left_half_hash(alg, value)) else {
            return Verdict::skip(format!("no hash defined for alg {:?}", jwt.alg()));
        };
        match claim.as_str() {
            Some(found) if found == expected => Verdict::Pass,
            _ => Verdict::mismatch(
                format!("expected {name} to hash the issued value"),
                expected,
                claim.to_string(),
            ),
        }
    })
}

fn at_hash_matches(e: &IdTokenEvidence) -> Verdict {
    left_half_matches(e, "at_hash", e.access_token.as_deref())
}

fn at_hash_present(e: &IdTokenEvidence) -> Verdict {
    if e.access_token.is_none() {
        return Verdict::skip("no access token issued");
    }
    with_jwt(e, |jwt| {
        Verdict::check(
            jwt.claims().contains_key("at_hash"),
            "expected at_hash (found none)",
        )
    })
}

fn c_hash_matches(e: &IdTokenEvidence) -> Verdict {
    left_half_matches(e, "c_hash", e.code.as_deref())
}

fn sub_present(e: &IdTokenEvidence) -> Verdict {
    with_jwt(e, |jwt| match jwt.claim("sub") {
        Some(Value::String(s)) if !s.is_empty() => Verdict::Pass,
        Some(other) => Verdict::fail(format!(
            "expected sub as a non-empty string (found {other})"
        )),
        None => Verdict::fail("expected sub (found none)"),
    })
}

fn sub_length(e: &IdTokenEvidence) -> Verdict {
    with_jwt(e, |jwt| match jwt.claim_str("sub") {
        None => Verdict::skip("no string sub"),
        Some(s) => Verdict::check(
            s.is_ascii() && s.len() <= 255,
            format!(
                "expected at most 255 ASCII characters (found {} bytes, ascii={})",
                s.len(),
                s.is_ascii()
            ),
        ),
    })
}
