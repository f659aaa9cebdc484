//! Refresh-time ID token checks (OIDC Core 12.2): an ID token returned by a refresh_token grant
//! keeps iss, sub, aud, azp and auth_time of the one it replaces, and carries a new iat.
//! Every check skips when there is no earlier ID token (`previous`).

use std::collections::BTreeSet;

use serde_json::Value;

use super::{IdTokenEvidence, with_jwt};
use crate::checks::{Check, Verdict, must};
use crate::jose::UnverifiedJwt;
use crate::spec;

type C = Check<IdTokenEvidence>;

/// Same `iss`.
pub const ISS_SAME: C = must("idtoken.refresh.iss_same")
    .spec(spec::OIDCC_12_2)
    .title("a refreshed ID token has the original iss")
    .run(iss_same);
/// Same `sub`.
pub const SUB_SAME: C = must("idtoken.refresh.sub_same")
    .spec(spec::OIDCC_12_2)
    .title("a refreshed ID token has the original sub")
    .run(sub_same);
/// Same `aud`.
pub const AUD_SAME: C = must("idtoken.refresh.aud_same")
    .spec(spec::OIDCC_12_2)
    .title("a refreshed ID token has the original aud")
    .run(aud_same);
/// Same `azp` (or both absent).
pub const AZP_SAME: C = must("idtoken.refresh.azp_same")
    .spec(spec::OIDCC_12_2)
    .title("a refreshed ID token has the original azp, or none if the original had none")
    .run(azp_same);
/// Same `auth_time`.
pub const AUTH_TIME_SAME: C = must("idtoken.refresh.auth_time_same")
    .spec(spec::OIDCC_12_2)
    .title("auth_time in a refreshed ID token is the original authentication time")
    .run(auth_time_same);
/// New `iat`.
pub const IAT_NOT_EARLIER: C = must("idtoken.refresh.iat_not_earlier")
    .spec(spec::OIDCC_12_2)
    .title("iat of a refreshed ID token is not earlier than the original's")
    .run(iat_not_earlier);

/// Runs `f` with the new and the previous token; skips without a previous one.
fn with_previous(
    e: &IdTokenEvidence,
    f: impl FnOnce(&UnverifiedJwt, &UnverifiedJwt) -> Verdict,
) -> Verdict {
    match &e.previous {
        None => Verdict::skip("no earlier ID token to compare with"),
        Some(previous) => with_jwt(e, |jwt| f(jwt, previous)),
    }
}

/// Compares claim `name` as raw JSON (absent on both sides counts as equal).
fn same_claim(e: &IdTokenEvidence, name: &str) -> Verdict {
    with_previous(e, |jwt, previous| {
        let (now, before) = (jwt.claim(name), previous.claim(name));
        if now == before {
            Verdict::Pass
        } else {
            let show =
                |v: Option<&Value>| v.map_or_else(|| "(absent)".to_owned(), Value::to_string);
            Verdict::mismatch(
                format!("expected the original {name}"),
                show(before),
                show(now),
            )
        }
    })
}

fn iss_same(e: &IdTokenEvidence) -> Verdict {
    same_claim(e, "iss")
}

fn sub_same(e: &IdTokenEvidence) -> Verdict {
    same_claim(e, "sub")
}

fn aud_same(e: &IdTokenEvidence) -> Verdict {
    with_previous(e, |jwt, previous| {
        // "rp" and ["rp"] are the same audience; compare as sets when both are well formed.
        match (audience_set(jwt), audience_set(previous)) {
            (Some(now), Some(before)) if now == before => Verdict::Pass,
            (Some(now), Some(before)) => Verdict::mismatch(
                "expected the original aud",
                before.into_iter().collect::<Vec<_>>().join(" "),
                now.into_iter().collect::<Vec<_>>().join(" "),
            ),
            _ => same_claim(e, "aud"),
        }
    })
}

/// The audiences of `t` as a set.
fn audience_set(t: &UnverifiedJwt) -> Option<BTreeSet<&str>> {
    t.audiences().map(|a| a.into_iter().collect())
}

fn azp_same(e: &IdTokenEvidence) -> Verdict {
    same_claim(e, "azp")
}

fn auth_time_same(e: &IdTokenEvidence) -> Verdict {
    with_previous(e, |jwt, previous| {
        let Some(now) = jwt.claim("auth_time") else {
            return Verdict::skip("the refreshed ID token has no auth_time");
        };
        match previous.claim("auth_time") {
            Some(before) if before == now => Verdict::Pass,
            Some(before) => Verdict::mismatch(
                "expected the original auth_time",
                before.to_string(),
                now.to_string(),
            ),
            None => Verdict::skip("the original ID token had no auth_time"),
        }
    })
}

fn iat_not_earlier(e: &IdTokenEvidence) -> Verdict {
    with_previous(e, |jwt, previous| {
        match (jwt.claim_i64("iat"), previous.claim_i64("iat")) {
            (Some(now), Some(before)) => Verdict::check(
                now >= before,
                format!("expected iat ≥ the original {before} (found {now})"),
            ),
            _ => Verdict::skip("iat missing in one of the ID tokens"),
        }
    })
}
