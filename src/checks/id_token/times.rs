//! ID token time checks (OIDC Core 2 and 3.1.3.7 steps 9–13): exp, iat, nbf, and auth_time
//! against max_age. They read the unverified token and judge against the evidence's `now`, with
//! `LEEWAY_SECS` of clock skew.

use super::{IdTokenEvidence, LEEWAY_SECS, MAX_IAT_AGE_SECS, with_jwt};
use crate::checks::{Check, Verdict, must, should};
use crate::jose::UnverifiedJwt;
use crate::spec;

type C = Check<IdTokenEvidence>;

/// `exp` present.
pub const EXP_PRESENT: C = must("idtoken.exp.present")
    .spec(spec::OIDCC_2)
    .title("exp is present as a number")
    .run(exp_present);

/// `exp` in the future.
pub const EXP_IN_FUTURE: C = should("idtoken.exp.in_future")
    .spec(spec::OIDCC_3_1_3_7_9)
    .title("exp is after the current time (60 s leeway)")
    .run(exp_in_future);

/// `iat` present.
pub const IAT_PRESENT: C = must("idtoken.iat.present")
    .spec(spec::OIDCC_2)
    .title("iat is present as a number")
    .run(iat_present);

/// `iat` not in the future.
pub const IAT_NOT_IN_FUTURE: C = must("idtoken.iat.not_in_future")
    .spec(spec::OIDCC_2)
    .title("iat is not after the current time (60 s leeway)")
    .run(iat_not_in_future);

/// `iat` recent.
pub const IAT_RECENT: C = should("idtoken.iat.recent")
    .spec(spec::OIDCC_3_1_3_7_10)
    .title("iat of a freshly issued ID token is less than a day old")
    .run(iat_recent);

/// `nbf` not in the future.
pub const NBF_NOT_IN_FUTURE: C = must("idtoken.nbf.not_in_future")
    .spec(spec::RFC7519_4_1_5)
    .title("nbf, when present, is numeric and not after the current time (60 s leeway)")
    .run(nbf_not_in_future);

/// `auth_time` present when required.
pub const AUTH_TIME_WHEN_REQUIRED: C = must("idtoken.auth_time.present_when_required")
    .spec(spec::OIDCC_2)
    .title("auth_time is present when max_age was sent or auth_time requested as essential")
    .run(auth_time_when_required);

/// `auth_time` valid.
pub const AUTH_TIME_VALID: C = must("idtoken.auth_time.valid")
    .spec(spec::OIDCC_2)
    .title("auth_time, when present, is numeric and not in the future (60 s leeway)")
    .run(auth_time_valid);

/// `auth_time` within `max_age`.
pub const AUTH_TIME_WITHIN_MAX_AGE: C = must("idtoken.auth_time.within_max_age")
    .spec(spec::OIDCC_3_1_2_1)
    .title("the authentication is no older than max_age (60 s leeway) when max_age was sent")
    .run(auth_time_within_max_age);

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
