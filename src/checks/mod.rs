//! The check catalog: pure functions over evidence, each with a stable id, spec tag and level.
//!
//! One file per evidence group; each exposes a `CHECKS` table. [`catalog`] lists every check
//! definition (for `oidc-harness checks` and for validating `--only`/`--skip`).

mod declare;
mod model;

pub mod catalog_doc;
pub mod quotes;

pub mod authorization;
pub mod authz_errors;
pub mod consent;
pub mod discovery;
pub mod endpoints;
pub mod flow;
pub mod id_token;
pub mod id_token_encryption;
pub mod jwks;
pub mod load;
pub mod logout;
pub mod observed;
pub mod pkce;
pub mod races;
pub mod refresh_rules;
pub mod robustness;
pub mod scopes;
pub mod session;
pub mod tenants;
pub mod threats;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod test_support;
pub mod token_errors;
pub mod token_response;
pub mod userinfo;

pub use authorization::{AuthorizationEvidence, CHECKS as AUTHORIZATION_CHECKS};
pub use authz_errors::{AuthzErrorEvidence, CHECKS as AUTHZ_ERROR_CHECKS, Expectation as AuthzErrorExpectation};
pub use consent::{CHECKS as CONSENT_CHECKS, ConsentCase, ConsentEvidence};
pub use discovery::{CHECKS as DISCOVERY_CHECKS, DiscoveryEvidence};
pub use endpoints::{CHECKS as ENDPOINT_CHECKS, EndpointCase, EndpointEvidence};
pub use flow::{CHECKS as FLOW_CHECKS, FlowEvidence, THIRD_PARTY_CONSENT_CHECKS as FLOW_THIRD_PARTY_CONSENT_CHECKS};
pub use id_token::{AUTH_TIME_CHECKS as ID_TOKEN_AUTH_TIME_CHECKS, CHECKS as ID_TOKEN_CHECKS, IdTokenEvidence};
pub use id_token_encryption::{CHECKS as ID_TOKEN_ENCRYPTION_CHECKS, EncryptionRegistration, IdTokenEncryptionEvidence};
pub use jwks::{CHECKS as JWKS_CHECKS, JwksEvidence};
pub use logout::{CHECKS as LOGOUT_CHECKS, LogoutCase, LogoutEvidence, SessionAfter as LogoutSessionAfter};
pub use declare::{Cited, Declared, concat, count, may, must, should};
pub use model::{Check, CheckDef, FailDetail, Finding, Level, Status, Verdict};
pub use pkce::{
    MISSING_VERIFIER_CHECKS as PKCE_MISSING_VERIFIER_CHECKS, PLAIN_CHECKS as PKCE_PLAIN_CHECKS,
    PUBLIC_CLIENT_CHECKS as PKCE_PUBLIC_CLIENT_CHECKS, PkceEvidence, SHORT_VERIFIER_CHECKS as PKCE_SHORT_VERIFIER_CHECKS,
    VERIFIER_CHARSET_CHECKS as PKCE_VERIFIER_CHARSET_CHECKS, WRONG_VERIFIER_CHECKS as PKCE_WRONG_VERIFIER_CHECKS,
};
pub use robustness::{Answer as RobustAnswer, CHECKS as ROBUSTNESS_CHECKS, Expect, Probe as RobustProbe, RobustEndpoint, RobustnessEvidence, classify as classify_robust};
pub use observed::{CLAIMS_ADVERTISED_CHECKS, ClaimsEvidence, ObservedEvidence, PKCE_ADVERTISED_CHECKS, REFRESH_ADVERTISED_CHECKS};
pub use races::{CODE_RACE_CHECKS, REFRESH_RACE_CHECKS, RaceEvidence};
pub use scopes::{CHECKS as SCOPE_CHECKS, GRANT_BOUND_CHECKS as SCOPE_GRANT_BOUND_CHECKS, ScopeEvidence};
pub use token_errors::{
    CLIENT_AUTH_CHECKS, CODE_EXPIRED_CHECKS, CODE_REUSE_CHECKS, CODE_WRONG_CLIENT_CHECKS, CODE_WRONG_REDIRECT_URI_CHECKS,
    ClientAuthEvidence, CodeReuseEvidence, TokenAnswer,
};
pub use refresh_rules::{CHECKS as REFRESH_RULE_CHECKS, RefreshCase, RefreshRuleEvidence};
pub use session::{CHECKS as SESSION_CHECKS, SessionCase, SessionEvidence};
pub use tenants::{CHECKS as TENANT_CHECKS, ForeignRedemption, TenantEvidence};
pub use token_response::{CHECKS as TOKEN_RESPONSE_CHECKS, ERROR_CHECKS as TOKEN_ERROR_RESPONSE_CHECKS, TokenResponseEvidence};
pub use userinfo::{
    CHECKS as USERINFO_CHECKS, INVALID_TOKEN_CHECKS as USERINFO_INVALID_TOKEN_CHECKS,
    NO_TOKEN_CHECKS as USERINFO_NO_TOKEN_CHECKS, UserInfoErrorEvidence, UserInfoEvidence,
};

/// Runs every check of a table over one piece of evidence.
pub fn evaluate<E: ?Sized>(checks: &[Check<E>], evidence: &E) -> Vec<Finding> {
    checks.iter().map(|c| c.evaluate(evidence)).collect()
}

/// Runs every check of a table and keeps only the broken rules (any level), as a load run
/// counts them: passes and skips build no finding (no strings copied per check per request).
pub fn evaluate_failures<E: ?Sized>(checks: &[Check<E>], evidence: &E) -> Vec<Finding> {
    checks
        .iter()
        .filter_map(|c| match (c.run)(evidence) {
            verdict @ Verdict::Fail(_) => Some(Finding::from_verdict(&c.def, verdict)),
            Verdict::Pass | Verdict::Skip(_) => None,
        })
        .collect()
}

/// Every check definition, grouped as the tables are, in a stable order.
pub fn catalog() -> Vec<(&'static str, Vec<CheckDef>)> {
    fn defs<E: ?Sized>(t: &[Check<E>]) -> Vec<CheckDef> {
        t.iter().map(|c| c.def).collect()
    }
    vec![
        ("discovery", defs(DISCOVERY_CHECKS)),
        ("jwks", defs(JWKS_CHECKS)),
        ("flow", defs(FLOW_CHECKS)),
        ("authorization response", defs(AUTHORIZATION_CHECKS)),
        ("invalid authorization requests", defs(AUTHZ_ERROR_CHECKS)),
        ("token response", defs(TOKEN_RESPONSE_CHECKS)),
        ("id token", defs(ID_TOKEN_CHECKS)),
        ("id token encryption", defs(ID_TOKEN_ENCRYPTION_CHECKS)),
        ("userinfo", defs(USERINFO_CHECKS)),
        ("userinfo without token", defs(USERINFO_NO_TOKEN_CHECKS)),
        ("userinfo with invalid token", defs(USERINFO_INVALID_TOKEN_CHECKS)),
        ("scopes", defs(SCOPE_CHECKS)),
        ("code exchange refusals", [defs(CODE_REUSE_CHECKS), defs(CODE_WRONG_CLIENT_CHECKS), defs(CODE_WRONG_REDIRECT_URI_CHECKS), defs(CODE_EXPIRED_CHECKS)].concat()),
        ("client authentication", defs(CLIENT_AUTH_CHECKS)),
        ("pkce", [PKCE_WRONG_VERIFIER_CHECKS, PKCE_MISSING_VERIFIER_CHECKS, PKCE_SHORT_VERIFIER_CHECKS, PKCE_VERIFIER_CHARSET_CHECKS, PKCE_PLAIN_CHECKS, PKCE_PUBLIC_CLIENT_CHECKS].iter().flat_map(|t| defs(t)).collect()),
        ("parallel redemptions", [defs(CODE_RACE_CHECKS), defs(REFRESH_RACE_CHECKS)].concat()),
        ("prompt and session", defs(SESSION_CHECKS)),
        ("consent", defs(CONSENT_CHECKS)),
        ("refresh rules", defs(REFRESH_RULE_CHECKS)),
        ("userinfo methods, revocation, introspection", defs(ENDPOINT_CHECKS)),
        ("rp-initiated logout", defs(LOGOUT_CHECKS)),
        ("cross-tenant", defs(TENANT_CHECKS)),
        ("robustness", defs(ROBUSTNESS_CHECKS)),
        ("advertised against observed", [defs(PKCE_ADVERTISED_CHECKS), defs(REFRESH_ADVERTISED_CHECKS), defs(CLAIMS_ADVERTISED_CHECKS)].concat()),
        ("under load", defs(load::CHECKS)),
    ]
}

/// Finds a check definition by id.
pub fn find(id: &str) -> Option<CheckDef> {
    catalog().into_iter().flat_map(|(_, d)| d).find(|d| d.id == id)
}

#[cfg(test)]
mod evaluate_tests {
    use super::{Check, Status, Verdict, evaluate, evaluate_failures, must, should};
    use crate::spec;

    const TABLE: &[Check<i32>] = &[
        must("t.positive").spec(spec::OIDCC_2).title("positive").run(|n| Verdict::check(*n > 0, "not positive")),
        should("t.even").spec(spec::OIDCC_2).title("even").run(|n| Verdict::check(n % 2 == 0, "odd")),
        must("t.small").spec(spec::OIDCC_2).title("small").run(|n| {
            if *n > 100 { Verdict::Skip("too big to judge".into()) } else { Verdict::Pass }
        }),
    ];

    #[test]
    fn failures_are_the_failed_findings_of_a_full_evaluation() {
        for n in [-3, -2, 3, 4, 101, 102] {
            let all: Vec<_> = evaluate(TABLE, &n)
                .into_iter()
                .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Info))
                .collect();
            assert_eq!(evaluate_failures(TABLE, &n), all, "n = {n}");
        }
        let failed = evaluate_failures(TABLE, &-3);
        let ids: Vec<_> = failed.iter().map(|f| (f.check_id.as_str(), f.status)).collect();
        assert_eq!(ids, [("t.positive", Status::Fail), ("t.even", Status::Warn)]);
        assert!(evaluate_failures(TABLE, &4).is_empty());
        assert!(evaluate_failures(TABLE, &102).is_empty(), "a skip is not a failure");
    }

    #[test]
    fn single_purpose_tables_are_their_checks_of_the_whole_table() {
        fn ids<E>(t: &[Check<E>]) -> Vec<&'static str> {
            t.iter().map(|c| c.def.id).collect()
        }
        fn within<E>(whole: &[Check<E>], part: &[Check<E>]) -> Vec<&'static str> {
            whole.iter().map(|c| c.def.id).filter(|id| part.iter().any(|p| p.def.id == *id)).collect()
        }
        let auth_time = ["idtoken.auth_time.present_when_required", "idtoken.auth_time.valid", "idtoken.auth_time.within_max_age"];
        assert_eq!(ids(super::ID_TOKEN_AUTH_TIME_CHECKS), auth_time);
        assert_eq!(within(super::ID_TOKEN_CHECKS, super::ID_TOKEN_AUTH_TIME_CHECKS), auth_time);
        assert_eq!(ids(super::SCOPE_GRANT_BOUND_CHECKS), ["scope.granted.subset_of_requested"]);
        assert_eq!(within(super::SCOPE_CHECKS, super::SCOPE_GRANT_BOUND_CHECKS), ["scope.granted.subset_of_requested"]);
        assert_eq!(ids(super::FLOW_THIRD_PARTY_CONSENT_CHECKS), ["flow.consent.third_party"]);
        assert_eq!(within(super::FLOW_CHECKS, super::FLOW_THIRD_PARTY_CONSENT_CHECKS), ["flow.consent.third_party"]);
    }
}
