//! ID token claim checks (OIDC Core 2 and 3.1.3.7 steps 2–11, 3.1.3.8, 3.3.2.11): issuer,
//! audience, azp, nonce, at_hash/c_hash and sub. The time claims (exp, iat, nbf, auth_time and
//! max_age) are in `times`. They read the unverified token.

use serde_json::Value;

use super::{IdTokenEvidence, with_jwt};
use crate::checks::{Check, Verdict, may, must, should};
use crate::jose::left_half_hash;
use crate::spec;

type C = Check<IdTokenEvidence>;

/// `iss` equals the issuer.
pub const ISS_MATCHES: C = must("idtoken.iss.matches")
    .spec(spec::OIDCC_3_1_3_7_2)
    .title("iss equals the issuer identifier exactly")
    .run(iss_matches);

/// `aud` contains the client.
pub const AUD_CONTAINS_CLIENT: C = must("idtoken.aud.contains_client")
    .spec(spec::OIDCC_3_1_3_7_3)
    .title("aud (a string or array of strings) contains the client_id")
    .run(aud_contains_client);

/// No extra audiences.
pub const AUD_NO_UNTRUSTED: C = should("idtoken.aud.no_untrusted")
    .spec(spec::OIDCC_3_1_3_7_3)
    .title("aud lists no audience other than the client")
    .run(aud_no_untrusted);

/// `azp` present with several audiences.
pub const AZP_WHEN_MULTIPLE_AUD: C = should("idtoken.azp.present_when_multiple_aud")
    .spec(spec::OIDCC_3_1_3_7_4)
    .title("azp is present when aud lists several audiences")
    .run(azp_when_multiple_aud);

/// `azp` is the client.
pub const AZP_MATCHES_CLIENT: C = must("idtoken.azp.matches_client")
    .spec(spec::OIDCC_2)
    .title("azp, when present, is the client_id")
    .run(azp_matches_client);

/// `nonce` echoes the request.
pub const NONCE_MATCHES: C = must("idtoken.nonce.matches")
    .spec(spec::OIDCC_3_1_3_7_11)
    .title("nonce equals the nonce sent in the authentication request")
    .run(nonce_matches);

/// No `nonce` when none was sent.
pub const NONCE_UNSOLICITED: C = should("idtoken.nonce.unsolicited")
    .spec(spec::OIDCC_2)
    .title("no nonce appears when the authentication request sent none")
    .run(nonce_unsolicited);

/// `at_hash` correct.
pub const AT_HASH_MATCHES: C = must("idtoken.at_hash.matches")
    .spec(spec::OIDCC_3_1_3_8)
    .title("at_hash, when present, is the left-half hash of the access token")
    .run(at_hash_matches);

/// `at_hash` present.
pub const AT_HASH_PRESENT: C = may("idtoken.at_hash.present")
    .spec(spec::OIDCC_3_1_3_6)
    .title("at_hash is present when an access token is issued with the ID token")
    .run(at_hash_present);

/// `c_hash` correct.
pub const C_HASH_MATCHES: C = must("idtoken.c_hash.matches")
    .spec(spec::OIDCC_3_3_2_11)
    .title("c_hash, when present, is the left-half hash of the authorization code")
    .run(c_hash_matches);

/// `sub` present.
pub const SUB_PRESENT: C = must("idtoken.sub.present")
    .spec(spec::OIDCC_2)
    .title("sub is a non-empty string")
    .run(sub_present);

/// `sub` length.
pub const SUB_LENGTH: C = must("idtoken.sub.length")
    .spec(spec::OIDCC_2)
    .title("sub is at most 255 ASCII characters")
    .run(sub_length);

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
