//! Advertised against observed: a feature the provider was seen to support, and whether its
//! metadata says so. RFC 8414 §2 reads an absent or short list as "not supported", so a client
//! that follows the metadata does not use what the provider would have accepted (PKCE, the
//! refresh grant).

use crate::checks::{Check, Verdict, should};
use crate::spec;

/// What was seen and what the metadata lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedEvidence {
    /// What was seen working, in words ("a wrong code_verifier was refused"); `None` when the
    /// feature was not seen working (nothing to compare).
    pub seen: Option<String>,
    /// The metadata member's values, its default applied when the member is absent.
    pub advertised: Vec<String>,
    /// Whether the member was in the document.
    pub member_present: bool,
}

/// Pass when `value` is advertised or the feature was not seen; the message names the member.
fn listed(e: &ObservedEvidence, member: &str, value: &str) -> Verdict {
    let Some(seen) = &e.seen else {
        return Verdict::skip("the feature was not seen working");
    };
    if e.advertised.iter().any(|v| v == value) {
        return Verdict::Pass;
    }
    let how = if e.member_present { format!("{member} does not list {value}") } else { format!("{member} is absent") };
    Verdict::mismatch(
        format!("{seen}, but {how}: a client that follows the metadata will not use it"),
        format!("{value} in {member}"),
        if e.member_present { format!("{:?}", e.advertised) } else { "no member".to_owned() },
    )
}

fn pkce_listed(e: &ObservedEvidence) -> Verdict {
    listed(e, "code_challenge_methods_supported", "S256")
}

fn refresh_listed(e: &ObservedEvidence) -> Verdict {
    listed(e, "grant_types_supported", "refresh_token")
}

/// Claims a flow returned, against `claims_supported`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsEvidence {
    /// Claim names of the ID token and UserInfo of one flow.
    pub returned: Vec<String>,
    /// `claims_supported`, when advertised.
    pub claims_supported: Option<Vec<String>>,
}

/// Claims of the JWT and protocol machinery, not End-User claims a provider lists.
const PROTOCOL_CLAIMS: &[&str] = &[
    "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "auth_time", "nonce", "acr", "amr", "azp", "at_hash", "c_hash", "s_hash", "sid", "scope",
    "client_id", "typ",
];

fn claims_listed(e: &ClaimsEvidence) -> Verdict {
    let Some(listed) = &e.claims_supported else {
        return Verdict::skip("claims_supported is not advertised (see disc.claims_supported.present)");
    };
    let missing: Vec<&str> =
        e.returned.iter().map(String::as_str).filter(|c| !PROTOCOL_CLAIMS.contains(c) && !listed.iter().any(|l| l == c)).collect();
    Verdict::check(missing.is_empty(), format!("claims returned but not in claims_supported: {} (the list need not be exhaustive)", missing.join(", ")))
}

/// End-User claims returned are listed in `claims_supported` (a note: the list may be partial).
pub const CLAIMS_ADVERTISED_CHECKS: &[Check<ClaimsEvidence>] = &[crate::checks::may("claims.returned.advertised")
    .spec(spec::OIDCD_3)
    .title("End-User claims returned are listed in claims_supported")
    .run(claims_listed)];

/// PKCE verified: S256 advertised.
pub const PKCE_ADVERTISED_CHECKS: &[Check<ObservedEvidence>] = &[should("pkce.methods.advertised")
    .spec(spec::RFC8414_2)
    .title("a provider that verifies PKCE lists S256 in code_challenge_methods_supported")
    .run(pkce_listed)];

/// Refresh grant used: advertised.
pub const REFRESH_ADVERTISED_CHECKS: &[Check<ObservedEvidence>] = &[should("refresh.grant.advertised")
    .spec(spec::RFC8414_2)
    .title("a provider that grants refresh tokens lists refresh_token in grant_types_supported")
    .run(refresh_listed)];

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seen: bool, advertised: &[&str], present: bool) -> ObservedEvidence {
        ObservedEvidence {
            seen: seen.then(|| "a refresh grant succeeded".to_owned()),
            advertised: advertised.iter().map(|s| (*s).to_owned()).collect(),
            member_present: present,
        }
    }

    #[test]
    fn a_feature_seen_but_not_advertised_is_a_finding() {
        assert_eq!(refresh_listed(&ev(true, &["authorization_code", "refresh_token"], true)), Verdict::Pass);
        assert!(matches!(refresh_listed(&ev(true, &["authorization_code", "implicit"], false)), Verdict::Fail(d) if d.message.contains("is absent")));
        assert!(matches!(refresh_listed(&ev(true, &["authorization_code"], true)), Verdict::Fail(d) if d.message.contains("does not list refresh_token")));
        assert!(matches!(refresh_listed(&ev(false, &[], false)), Verdict::Skip(_)));
        assert_eq!(pkce_listed(&ev(true, &["S256"], true)), Verdict::Pass);
        assert!(matches!(pkce_listed(&ev(true, &[], false)), Verdict::Fail(_)));
    }

    #[test]
    fn claims_returned_but_not_listed_are_named() {
        let ev = |listed: Option<&[&str]>| ClaimsEvidence {
            returned: ["sub", "iss", "email", "name"].iter().map(|s| (*s).to_owned()).collect(),
            claims_supported: listed.map(|l| l.iter().map(|s| (*s).to_owned()).collect()),
        };
        assert_eq!(claims_listed(&ev(Some(&["sub", "email", "name"]))), Verdict::Pass);
        assert!(matches!(claims_listed(&ev(Some(&["sub", "name"]))), Verdict::Fail(d) if d.message.contains("email") && !d.message.contains("iss")));
        assert!(matches!(claims_listed(&ev(None)), Verdict::Skip(_)));
    }
}
