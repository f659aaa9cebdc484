//! Checks across the tenants of one multi-tenant provider (e.g. Fief's `https://<domain>/<slug>`):
//! a code of the home tenant (the profile's top level) is worthless at another tenant's token
//! endpoint, the other tenant's discovery and ID tokens name its own issuer, its keys are its own,
//! and the home tenant's access tokens are refused by its UserInfo.

use super::token_errors::TokenAnswer;
use super::{Check, Verdict, must, should};
use crate::spec;

/// How another tenant's token endpoint answered a code of the home tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignRedemption {
    /// Status, `error` and challenge of the answer.
    pub answer: TokenAnswer,
    /// Whether the body carried an `access_token` or an `id_token`.
    pub tokens_issued: bool,
    /// What the issued ID token says about whose it is (`iss … for aud …`), read unverified;
    /// `None` when no ID token came or it could not be read.
    pub issued_as: Option<String>,
}

/// What one cross-tenant module observed for one extra tenant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TenantEvidence {
    /// The home tenant's issuer (the profile's top level).
    pub home_issuer: String,
    /// The extra tenant's configured issuer.
    pub tenant_issuer: String,
    /// `issuer` of the extra tenant's discovery document (`None`: absent or not a string).
    pub discovery_issuer: Option<String>,
    /// A home code redeemed at the tenant's token endpoint with the tenant's own client and
    /// redirect_uri (`None`: not attempted).
    pub code_with_tenant_client: Option<ForeignRedemption>,
    /// A home code redeemed at the tenant's token endpoint with the home client's credentials.
    pub code_with_home_client: Option<ForeignRedemption>,
    /// `iss` of an ID token issued by the tenant (`None`: no ID token, or no `iss` string).
    pub tenant_id_token_iss: Option<String>,
    /// Whether the tenant's ID token verifies with the tenant's JWKS (`None`: not judged, e.g.
    /// an HMAC-signed token or no JWKS).
    pub verifies_with_tenant_keys: Option<bool>,
    /// Whether the tenant's ID token verifies with the home tenant's JWKS (`None`: not judged).
    pub verifies_with_home_keys: Option<bool>,
    /// Status of the tenant's UserInfo called with a home access token (`None`: no call).
    pub home_token_at_tenant_userinfo: Option<u16>,
}

/// Pass when the redemption was refused with a 4xx and released no token.
fn refused(r: &Option<ForeignRedemption>, what: &str) -> Verdict {
    let Some(r) = r else {
        return Verdict::skip(format!("{what} was not attempted"));
    };
    let expected = "HTTP 4xx without tokens";
    if r.tokens_issued || r.answer.accepted() {
        let found = match (r.tokens_issued, &r.issued_as) {
            (true, Some(whose)) => format!("{} with tokens: an ID token of {whose}", r.answer.describe()),
            (true, None) => format!("{} with tokens", r.answer.describe()),
            (false, _) => r.answer.describe(),
        };
        return Verdict::mismatch(format!("expected {what} to be refused (found it accepted: {found})"), expected, found);
    }
    if (400..500).contains(&r.answer.status) {
        Verdict::Pass
    } else {
        Verdict::mismatch(format!("expected {what} to be refused with a client error (found {})", r.answer.describe()), expected, r.answer.describe())
    }
}

/// RFC 6749 4.1.3: the token endpoint accepts only codes it issued (to the authenticated client).
fn code_not_redeemable_elsewhere(e: &TenantEvidence) -> Verdict {
    refused(&e.code_with_tenant_client, "a code of the home tenant redeemed at this tenant with this tenant's client")
}

/// RFC 6749 3.2.1: the token endpoint authenticates the client; a client of another tenant is unknown.
fn foreign_client_refused(e: &TenantEvidence) -> Verdict {
    refused(&e.code_with_home_client, "a code of the home tenant redeemed at this tenant with the home tenant's client")
}

/// OIDC Discovery 4.3: the discovery document's issuer is the tenant's issuer.
fn discovery_issuer_is_tenant(e: &TenantEvidence) -> Verdict {
    match &e.discovery_issuer {
        Some(iss) if *iss == e.tenant_issuer => Verdict::Pass,
        Some(iss) if *iss == e.home_issuer => Verdict::mismatch(
            format!("expected this tenant's discovery issuer {} (found the home tenant's issuer)", e.tenant_issuer),
            e.tenant_issuer.clone(),
            iss.clone(),
        ),
        Some(iss) => Verdict::mismatch(format!("expected discovery issuer {} (found {iss})", e.tenant_issuer), e.tenant_issuer.clone(), iss.clone()),
        None => Verdict::mismatch(format!("expected discovery issuer {} (found none)", e.tenant_issuer), e.tenant_issuer.clone(), "no issuer"),
    }
}

/// OIDC Core 3.1.3.7 step 2: the ID token's iss is exactly the issuer of the tenant that issued it.
fn id_token_iss_is_tenant(e: &TenantEvidence) -> Verdict {
    let Some(iss) = &e.tenant_id_token_iss else {
        return Verdict::skip("the tenant issued no ID token with an iss string");
    };
    if *iss == e.tenant_issuer {
        Verdict::Pass
    } else if *iss == e.home_issuer {
        Verdict::mismatch(
            format!("expected iss {} in this tenant's ID token (found the home tenant's issuer)", e.tenant_issuer),
            e.tenant_issuer.clone(),
            iss.clone(),
        )
    } else {
        Verdict::mismatch(format!("expected iss {} in this tenant's ID token (found {iss})", e.tenant_issuer), e.tenant_issuer.clone(), iss.clone())
    }
}

/// OIDC Core 3.1.3.7 step 6: the ID token verifies with the keys of the issuer that issued it.
fn id_token_signed_by_tenant(e: &TenantEvidence) -> Verdict {
    match e.verifies_with_tenant_keys {
        None => Verdict::skip("no ID token signed with a published key to verify"),
        Some(ok) => Verdict::check(ok, "this tenant's ID token does not verify with this tenant's JWKS"),
    }
}

/// OIDC Core 10.1: each issuer signs with its own keys; a shared key makes a token of one tenant
/// cryptographically valid for the other (only `iss` still tells them apart).
fn keys_distinct(e: &TenantEvidence) -> Verdict {
    match e.verifies_with_home_keys {
        None => Verdict::skip("no ID token signed with a published key to compare"),
        Some(false) => Verdict::Pass,
        Some(true) => Verdict::mismatch(
            "expected this tenant's ID token not to verify with the home tenant's JWKS (found the tenants sharing a signing key)",
            "a signing key of this tenant only",
            "a key published by both tenants",
        ),
    }
}

/// RFC 6750 3.1: a token this resource server did not issue is `invalid_token` (401).
fn access_token_not_accepted_elsewhere(e: &TenantEvidence) -> Verdict {
    match e.home_token_at_tenant_userinfo {
        None => Verdict::skip("no UserInfo call was possible (no userinfo_endpoint at this tenant or no home access token)"),
        Some(401) => Verdict::Pass,
        Some(s) if (200..300).contains(&s) => {
            Verdict::mismatch(format!("expected this tenant's UserInfo to refuse the home tenant's access token (found HTTP {s})"), "HTTP 401", format!("HTTP {s}"))
        }
        Some(s) => Verdict::mismatch(format!("expected HTTP 401 for the home tenant's access token (found HTTP {s})"), "HTTP 401", format!("HTTP {s}")),
    }
}

/// The cross-tenant checks.
pub const CHECKS: &[Check<TenantEvidence>] = &[
    must("tenant.discovery.issuer_is_tenant").spec(spec::OIDCD_4_3).title("a tenant's discovery document names that tenant's issuer").run(discovery_issuer_is_tenant),
    must("tenant.code.not_redeemable_elsewhere").spec(spec::RFC6749_4_1_3).title("a code of one tenant is refused by another tenant's token endpoint").run(code_not_redeemable_elsewhere),
    must("tenant.code.foreign_client_refused").spec(spec::RFC6749_3_2_1).title("another tenant's token endpoint refuses the home tenant's client").run(foreign_client_refused),
    must("tenant.idtoken.iss_is_tenant").spec(spec::OIDCC_3_1_3_7_2).title("a tenant's ID token carries that tenant's issuer").run(id_token_iss_is_tenant),
    must("tenant.idtoken.signed_by_tenant").spec(spec::OIDCC_3_1_3_7_6).title("a tenant's ID token verifies with that tenant's JWKS").run(id_token_signed_by_tenant),
    should("tenant.keys.distinct").spec(spec::OIDCC_10_1).title("tenants sign with distinct keys").run(keys_distinct),
    must("tenant.access_token.not_accepted_elsewhere").spec(spec::RFC6750_3_1).title("another tenant's UserInfo refuses the home tenant's access token").run(access_token_not_accepted_elsewhere),
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

    const HOME: &str = "https://op.example";
    const TENANT: &str = "https://op.example/t2";

    fn redemption(status: u16, error: Option<&str>, tokens_issued: bool) -> Option<ForeignRedemption> {
        let issued_as = tokens_issued.then(|| format!("iss {TENANT} for aud home-client"));
        Some(ForeignRedemption { answer: TokenAnswer { status, error: error.map(str::to_owned), www_authenticate: None }, tokens_issued, issued_as })
    }

    fn good() -> TenantEvidence {
        TenantEvidence {
            home_issuer: HOME.into(),
            tenant_issuer: TENANT.into(),
            discovery_issuer: Some(TENANT.into()),
            code_with_tenant_client: redemption(400, Some("invalid_grant"), false),
            code_with_home_client: redemption(401, Some("invalid_client"), false),
            tenant_id_token_iss: Some(TENANT.into()),
            verifies_with_tenant_keys: Some(true),
            verifies_with_home_keys: Some(false),
            home_token_at_tenant_userinfo: Some(401),
        }
    }

    fn verdict(id: &str, e: &TenantEvidence) -> Verdict {
        (CHECKS.iter().find(|c| c.def.id == id).unwrap().run)(e)
    }

    #[test]
    fn one_passing_and_one_failing_evidence_per_check() {
        assert_catalog_well_formed(CHECKS);
        run_cases(
            CHECKS,
            vec![
                ("tenant.discovery.issuer_is_tenant", good(), TenantEvidence { discovery_issuer: Some(HOME.into()), ..good() }),
                ("tenant.code.not_redeemable_elsewhere", good(), TenantEvidence { code_with_tenant_client: redemption(200, None, true), ..good() }),
                ("tenant.code.foreign_client_refused", good(), TenantEvidence { code_with_home_client: redemption(200, None, true), ..good() }),
                ("tenant.idtoken.iss_is_tenant", good(), TenantEvidence { tenant_id_token_iss: Some(HOME.into()), ..good() }),
                ("tenant.idtoken.signed_by_tenant", good(), TenantEvidence { verifies_with_tenant_keys: Some(false), ..good() }),
                ("tenant.keys.distinct", good(), TenantEvidence { verifies_with_home_keys: Some(true), ..good() }),
                ("tenant.access_token.not_accepted_elsewhere", good(), TenantEvidence { home_token_at_tenant_userinfo: Some(200), ..good() }),
            ],
        );
    }

    #[test]
    fn what_a_foreign_redemption_issued_is_named() {
        let e = TenantEvidence { code_with_tenant_client: redemption(200, None, true), ..good() };
        assert!(matches!(verdict("tenant.code.not_redeemable_elsewhere", &e), Verdict::Fail(d) if d.message.contains("an ID token of iss https://op.example/t2 for aud home-client")));
    }

    #[test]
    fn refusals_need_a_client_error_without_tokens() {
        let id = "tenant.code.not_redeemable_elsewhere";
        let server_error = TenantEvidence { code_with_tenant_client: redemption(500, None, false), ..good() };
        assert!(matches!(verdict(id, &server_error), Verdict::Fail(d) if d.message.contains("client error")));
        let error_with_tokens = TenantEvidence { code_with_tenant_client: redemption(400, Some("invalid_grant"), true), ..good() };
        assert!(matches!(verdict(id, &error_with_tokens), Verdict::Fail(d) if d.message.contains("accepted")));
        let any_4xx = TenantEvidence { code_with_tenant_client: redemption(403, None, false), ..good() };
        assert_eq!(verdict(id, &any_4xx), Verdict::Pass);
        let untried = TenantEvidence { code_with_tenant_client: None, ..good() };
        assert!(matches!(verdict(id, &untried), Verdict::Skip(_)));
    }

    #[test]
    fn issuer_and_key_checks_name_what_they_found() {
        let other = TenantEvidence { tenant_id_token_iss: Some("https://elsewhere.example".into()), ..good() };
        assert!(matches!(verdict("tenant.idtoken.iss_is_tenant", &other), Verdict::Fail(d) if d.actual.as_deref() == Some("https://elsewhere.example")));
        let home = TenantEvidence { tenant_id_token_iss: Some(HOME.into()), ..good() };
        assert!(matches!(verdict("tenant.idtoken.iss_is_tenant", &home), Verdict::Fail(d) if d.message.contains("home tenant")));
        let none = TenantEvidence { discovery_issuer: None, ..good() };
        assert!(matches!(verdict("tenant.discovery.issuer_is_tenant", &none), Verdict::Fail(_)));
        let hmac = TenantEvidence { verifies_with_tenant_keys: None, verifies_with_home_keys: None, ..good() };
        assert!(matches!(verdict("tenant.idtoken.signed_by_tenant", &hmac), Verdict::Skip(_)));
        assert!(matches!(verdict("tenant.keys.distinct", &hmac), Verdict::Skip(_)));
        let forbidden = TenantEvidence { home_token_at_tenant_userinfo: Some(403), ..good() };
        assert!(matches!(verdict("tenant.access_token.not_accepted_elsewhere", &forbidden), Verdict::Fail(d) if d.message.contains("403")));
        let no_call = TenantEvidence { home_token_at_tenant_userinfo: None, ..good() };
        assert!(matches!(verdict("tenant.access_token.not_accepted_elsewhere", &no_call), Verdict::Skip(_)));
    }
}
