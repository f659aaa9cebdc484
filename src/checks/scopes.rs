//! Checks over granted scopes and the claims they released (RFC 6749 §3.3, OIDC Core §5.4).

use serde_json::{Map, Value};

use super::discovery::is_scope_token;
use super::{Check, Verdict, may, must, should};
use crate::spec;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// Standard claims requested by each OIDC scope value (OIDC Core §5.4).
pub(crate) const SCOPE_CLAIMS: &[(&str, &[&str])] = &[
    ("profile", PROFILE_CLAIMS),
    ("email", &["email", "email_verified"]),
    ("address", &["address"]),
    ("phone", &["phone_number", "phone_number_verified"]),
];

/// Claims of the `profile` scope.
const PROFILE_CLAIMS: &[&str] = &[
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
];

/// What was asked for, what was granted and which claims came back.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeEvidence {
    /// Scopes sent in the authorization request.
    pub requested: Vec<String>,
    /// Scopes granted: the token response's `scope`; when absent, the best other knowledge
    /// (introspection, access-token claims), else the requested scopes.
    pub granted: Vec<String>,
    /// Whether the token response carried a `scope` member.
    pub scope_returned: bool,
    /// Claims of the ID token, when one was obtained.
    pub id_token_claims: Option<Map<String, Value>>,
    /// Claims returned by UserInfo, when it was called.
    pub userinfo_claims: Option<Map<String, Value>>,
    /// `scopes_supported` from discovery, when advertised.
    pub scopes_supported: Option<Vec<String>>,
}

impl ScopeEvidence {
    fn was_requested(&self, s: &str) -> bool {
        self.requested.iter().any(|r| r == s)
    }

    fn was_granted(&self, s: &str) -> bool {
        self.granted.iter().any(|g| g == s)
    }
}

/// No scope granted beyond the requested ones.
pub const SUBSET_OF_REQUESTED: Check<ScopeEvidence> = should("scope.granted.subset_of_requested")
    .spec(spec::RFC6749_3_3)
    .title("no scope is granted beyond those requested")
    .run(subset_of_requested);

/// The check of a grant's bound alone, for a token response whose other scope checks run elsewhere.
pub const GRANT_BOUND_CHECKS: &[Check<ScopeEvidence>] = &[SUBSET_OF_REQUESTED];

/// Every scope check, in report order.
pub const CHECKS: &[Check<ScopeEvidence>] = &[
    should("scope.openid.granted")
        .spec(spec::OIDCC_3_1_2_1)
        .title("the openid scope is granted")
        .run(openid_granted),
    SUBSET_OF_REQUESTED,
    must("scope.granted.syntax")
        .spec(spec::RFC6749_3_3)
        .title("granted scopes are valid scope tokens")
        .run(granted_syntax),
    must("scope.returned_when_changed")
        .spec(spec::RFC6749_5_1)
        .title("scope is returned when the grant differs from the request")
        .run(returned_when_changed),
    should("scope.profile.claims_released")
        .spec(spec::OIDCC_5_4)
        .title("profile scope releases profile claims")
        .run(profile_released),
    should("scope.email.claims_released")
        .spec(spec::OIDCC_5_4)
        .title("email scope releases the email claim")
        .run(email_released),
    should("scope.address.claims_released")
        .spec(spec::OIDCC_5_4)
        .title("address scope releases the address claim")
        .run(address_released),
    should("scope.phone.claims_released")
        .spec(spec::OIDCC_5_4)
        .title("phone scope releases the phone_number claim")
        .run(phone_released),
    may("scope.requested.advertised")
        .spec(spec::OIDCD_3)
        .title("requested scopes are listed in scopes_supported")
        .run(requested_advertised),
];

fn openid_granted(ev: &ScopeEvidence) -> Verdict {
    Verdict::check(
        ev.was_granted("openid"),
        format!(
            "expected openid among granted scopes (found {:?})",
            ev.granted
        ),
    )
}

fn subset_of_requested(ev: &ScopeEvidence) -> Verdict {
    // RFC 6749 §3.3 lets the server ignore (narrow) requested scope, not widen it. In our profile a
    // widened grant is a MUST failure: the client gets authority it never asked the user for, which
    // breaks least privilege and the consent the user saw.
    let extra: Vec<&String> = ev.granted.iter().filter(|g| !ev.was_requested(g)).collect();
    Verdict::check(
        extra.is_empty(),
        format!("granted scopes not requested: {extra:?}"),
    )
}

fn granted_syntax(ev: &ScopeEvidence) -> Verdict {
    let bad: Vec<&String> = ev.granted.iter().filter(|g| !is_scope_token(g)).collect();
    Verdict::check(
        bad.is_empty(),
        format!("expected scope tokens of NQCHAR (found {bad:?})"),
    )
}

fn returned_when_changed(ev: &ScopeEvidence) -> Verdict {
    // RFC 6749 §5.1 (and §3.3): if the issued scope differs from the requested one, the AS MUST return scope.
    if ev.scope_returned {
        return Verdict::Pass;
    }
    let same = ev.granted.iter().all(|g| ev.was_requested(g))
        && ev.requested.iter().all(|r| ev.was_granted(r));
    Verdict::check(
        same,
        format!(
            "scope not returned although the grant {:?} differs from the request {:?}",
            ev.granted, ev.requested
        ),
    )
}

/// Shared logic: `scope` granted → at least one of `names` released in ID token or UserInfo.
fn released(ev: &ScopeEvidence, scope: &str, names: &[&str]) -> Verdict {
    if !ev.was_requested(scope) {
        return Verdict::skip(format!("{scope} not requested"));
    }
    if !ev.was_granted(scope) {
        return Verdict::skip(format!("{scope} requested but not granted"));
    }
    if ev.id_token_claims.is_none() && ev.userinfo_claims.is_none() {
        return Verdict::skip("no ID token or UserInfo claims to inspect");
    }
    let found = [&ev.id_token_claims, &ev.userinfo_claims]
        .into_iter()
        .flatten()
        .any(|m| names.iter().any(|n| m.contains_key(*n)));
    Verdict::check(
        found,
        format!("expected at least one of {names:?} for scope {scope} (found none)"),
    )
}

fn profile_released(ev: &ScopeEvidence) -> Verdict {
    released(ev, "profile", PROFILE_CLAIMS)
}

fn email_released(ev: &ScopeEvidence) -> Verdict {
    released(ev, "email", &["email"])
}

fn address_released(ev: &ScopeEvidence) -> Verdict {
    released(ev, "address", &["address"])
}

fn phone_released(ev: &ScopeEvidence) -> Verdict {
    released(ev, "phone", &["phone_number"])
}

fn requested_advertised(ev: &ScopeEvidence) -> Verdict {
    // OIDCD-3: scopes_supported may omit scopes the server supports, hence information only.
    let Some(supported) = &ev.scopes_supported else {
        return Verdict::skip("scopes_supported not advertised");
    };
    let missing: Vec<&String> = ev
        .requested
        .iter()
        .filter(|r| !supported.contains(r))
        .collect();
    Verdict::check(
        missing.is_empty(),
        format!("requested scopes not in scopes_supported: {missing:?}"),
    )
}
