//! Checks over UserInfo responses (OIDC Core §5.3) and over the endpoint's refusals when it is
//! called without a token or with an invalid one (RFC 6750 §3).
//!
//! [`CHECKS`] judge a normal call; [`NO_TOKEN_CHECKS`] and [`INVALID_TOKEN_CHECKS`] judge the two
//! negative calls, which share [`UserInfoErrorEvidence`] (those live in `userinfo/refusals.rs`).

use serde_json::{Map, Value};

use super::discovery::{expect_200, expect_media_type};
use super::scopes::SCOPE_CLAIMS;
use super::{Check, Verdict, must, should};
use crate::discovery::json_type;

pub(crate) mod refusals;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

#[cfg(test)]
use refusals::Challenge;
pub(crate) use refusals::parse_www_authenticate;
use crate::spec;
pub use refusals::{INVALID_TOKEN_CHECKS, NO_TOKEN_CHECKS, UserInfoErrorEvidence};

/// A UserInfo call made with a valid access token.
#[derive(Debug, Clone, PartialEq)]
pub struct UserInfoEvidence {
    /// HTTP status.
    pub status: u16,
    /// Response headers (names in any case).
    pub headers: Vec<(String, String)>,
    /// The JSON body, or the payload claims when the body is a signed JWT; `None` if neither.
    pub body_json: Option<Value>,
    /// Whether the body was a JWT (signed UserInfo).
    pub body_is_jwt: bool,
    /// `sub` of the ID token issued in the same flow.
    pub id_token_sub: Option<String>,
    /// Scopes granted with the access token used.
    pub scopes_granted: Vec<String>,
    /// Whether the client registered `userinfo_signed_response_alg` (signed responses expected).
    pub registered_signed: bool,
}

impl UserInfoEvidence {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Checks for a UserInfo call with a valid access token.
pub const CHECKS: &[Check<UserInfoEvidence>] = &[
    must("userinfo.status_200")
        .spec(spec::OIDCC_5_3_2)
        .title("UserInfo answers 200 OK")
        .run(status_200),
    must("userinfo.content_type")
        .spec(spec::OIDCC_5_3_2)
        .title("UserInfo served as application/json (application/jwt when signed)")
        .run(content_type),
    must("userinfo.body.json_object")
        .spec(spec::OIDCC_5_3_2)
        .title("UserInfo body is a JSON object")
        .run(body_json_object),
    must("userinfo.sub.present")
        .spec(spec::OIDCC_5_3_2)
        .title("UserInfo returns sub")
        .run(sub_present),
    must("userinfo.sub.matches_id_token")
        .spec(spec::OIDCC_5_3_2)
        .title("UserInfo sub equals the ID token sub")
        .run(sub_matches),
    should("userinfo.claims.types")
        .spec(spec::OIDCC_5_1)
        .title("standard claims have their defined JSON types")
        .run(claim_types),
    should("userinfo.claims.scope_bound")
        .spec(spec::OIDCC_5_4)
        .title("no claims of scopes that were not granted")
        .run(scope_bound),
];

fn status_200(ev: &UserInfoEvidence) -> Verdict {
    expect_200(ev.status)
}

/// Skips body checks when the call did not succeed (reported once, by `userinfo.status_200`).
fn succeeded(ev: &UserInfoEvidence) -> Result<(), Verdict> {
    if (200..300).contains(&ev.status) {
        Ok(())
    } else {
        Err(Verdict::skip(format!("status {}", ev.status)))
    }
}

fn content_type(ev: &UserInfoEvidence) -> Verdict {
    // OIDCC-5.3.2: application/json, or application/jwt when the client registered signing.
    if let Err(v) = succeeded(ev) {
        return v;
    }
    let want = if ev.registered_signed {
        "application/jwt"
    } else {
        "application/json"
    };
    expect_media_type(ev.header("content-type"), want)
}

/// The claims object, or the verdict to return instead.
fn claims(ev: &UserInfoEvidence) -> Result<&Map<String, Value>, Verdict> {
    succeeded(ev)?;
    match &ev.body_json {
        Some(Value::Object(m)) => Ok(m),
        _ => Err(Verdict::skip(
            "body is not a JSON object (see userinfo.body.json_object)",
        )),
    }
}

fn body_json_object(ev: &UserInfoEvidence) -> Verdict {
    if let Err(v) = succeeded(ev) {
        return v;
    }
    match &ev.body_json {
        Some(Value::Object(_)) => Verdict::Pass,
        Some(other) => Verdict::fail(format!(
            "expected a JSON object (found {})",
            json_type(other)
        )),
        None => Verdict::fail("expected a JSON object (found a body that is not JSON)"),
    }
}

fn sub_present(ev: &UserInfoEvidence) -> Verdict {
    // OIDCC-5.3.2: "The sub (subject) Claim MUST always be returned in the UserInfo Response."
    match claims(ev) {
        Err(v) => v,
        Ok(m) => match m.get("sub") {
            Some(Value::String(s)) if !s.is_empty() => Verdict::Pass,
            Some(other) => Verdict::fail(format!(
                "expected sub as a non-empty string (found {})",
                json_type(other)
            )),
            None => Verdict::fail("expected sub (found none)"),
        },
    }
}

fn sub_matches(ev: &UserInfoEvidence) -> Verdict {
    // OIDCC-5.3.2: the sub MUST exactly match the sub in the ID token; if not, values MUST NOT be used.
    let m = match claims(ev) {
        Err(v) => return v,
        Ok(m) => m,
    };
    let Some(want) = ev.id_token_sub.as_deref() else {
        return Verdict::skip("no ID token sub to compare");
    };
    match m.get("sub").and_then(Value::as_str) {
        None => Verdict::skip("no sub (see userinfo.sub.present)"),
        Some(s) if s == want => Verdict::Pass,
        Some(s) => Verdict::mismatch(format!("expected sub {want:?} (found {s:?})"), want, s),
    }
}

const STRING_CLAIMS: &[&str] = &[
    "sub",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
];
const BOOL_CLAIMS: &[&str] = &["email_verified", "phone_number_verified"];
const ADDRESS_MEMBERS: &[&str] = &[
    "formatted",
    "street_address",
    "locality",
    "region",
    "postal_code",
    "country",
];

/// Type problems among the standard claims of OIDC Core §5.1, one line each.
pub(crate) fn claim_type_errors(m: &Map<String, Value>) -> Vec<String> {
    let mut errors = Vec::new();
    let mut expect = |name: &str, want: &str, ok: bool, v: &Value| {
        if !ok {
            errors.push(format!("{name}: expected {want} (found {})", json_type(v)));
        }
    };
    for (name, v) in m {
        let n = name.as_str();
        if STRING_CLAIMS.contains(&n) {
            expect(n, "string", v.is_string(), v);
        } else if BOOL_CLAIMS.contains(&n) {
            expect(n, "boolean", v.is_boolean(), v);
        } else if n == "updated_at" {
            expect(n, "number", v.is_number(), v);
        } else if n == "address" {
            expect(n, "object", v.is_object(), v);
            for (k, av) in v.as_object().into_iter().flatten() {
                if ADDRESS_MEMBERS.contains(&k.as_str()) {
                    expect(&format!("address.{k}"), "string", av.is_string(), av);
                }
            }
        }
    }
    errors
}

fn claim_types(ev: &UserInfoEvidence) -> Verdict {
    match claims(ev) {
        Err(v) => v,
        Ok(m) => {
            let errors = claim_type_errors(m);
            Verdict::check(errors.is_empty(), errors.join("; "))
        }
    }
}

fn scope_bound(ev: &UserInfoEvidence) -> Verdict {
    // OIDCC-5.4: scopes request sets of claims; claims of ungranted scopes should not be released.
    // (A `claims` request parameter can legitimately ask for more, hence SHOULD level.)
    let m = match claims(ev) {
        Err(v) => return v,
        Ok(m) => m,
    };
    let leaked: Vec<String> = SCOPE_CLAIMS
        .iter()
        .filter(|(scope, _)| !ev.scopes_granted.iter().any(|g| g == scope))
        .flat_map(|(scope, names)| {
            names
                .iter()
                .filter(|n| m.contains_key(**n))
                .map(move |n| format!("{n} (scope {scope})"))
        })
        .collect();
    Verdict::check(
        leaked.is_empty(),
        format!("claims of scopes not granted: {}", leaked.join(", ")),
    )
}
