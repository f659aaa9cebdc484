//! MUST coverage of the fault matrix: every MUST check of the catalog is either proven by a
//! reference-provider fault ([`FAULT_MATRIX`]) or listed here in [`UNPROVEN`] with the honest
//! reason why not. A unit test keeps the two tables and the catalog in step.

use std::collections::BTreeSet;

use super::faults::FAULT_MATRIX;
use crate::checks::{self, Level};

/// A MUST check no reference-provider fault proves, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unproven {
    /// Check id.
    pub check: &'static str,
    /// Why no fault proves it (and what proves it instead, if anything).
    pub reason: &'static str,
}

const fn u(check: &'static str, reason: &'static str) -> Unproven {
    Unproven { check, reason }
}

const LOOPBACK: &str = "only judged for a non-loopback endpoint: the embedded provider serves plain http on 127.0.0.1, where disc.endpoints.https_loopback (SHOULD) reports instead";
const TOKEN_ERRORS: &str = "judged on the refusals of the code-exchange and client-authentication modules; no fault yet: a missing or unregistered error code, another status or a missing 401 challenge also fails the code.*/client_auth.* checks that read the same answer, so a fault would not isolate it";
/// Why the cross-tenant checks have no fault.
const TENANTS: &str = "needs a multi-tenant provider: the reference provider has one issuer per process; passing against two embedded providers in tests/it/tenants.rs, failing in the unit tests of src/checks/tenants.rs";

const WIREMOCK: &str = "proven against the wiremock fake in tests/it/misbehaving.rs (see its TABLE); in the reference provider the same field also drives sessions or userinfo, so a fault would cascade";
const SETUP: &str = "part of the happy path every module needs: breaking it makes the later modules abort or skip instead of failing one check, so a fault would not isolate it";

/// MUST checks no fault proves, each with its reason (sorted by id).
pub const UNPROVEN: &[Unproven] = &[
    u("authz.code.present", SETUP),
    u("authz.error.charset", "no fault yet: the provider only sends registered error codes; a code with a bad character would also break authz.error.code_for_case"),
    u("authz.response_mode.honoured", "no fault yet: would need the provider to answer form_post requests in the query; the negative module only judges it for unsupported modes"),
    u("client_auth.method.accepted", SETUP),
    u("disc.authorization_endpoint.https", LOOPBACK),
    u("disc.end_session_endpoint.https", LOOPBACK),
    u("disc.issuer.https", "only judged for a non-loopback issuer: the embedded provider serves plain http on 127.0.0.1, where disc.issuer.https_loopback (SHOULD) reports instead"),
    u("disc.issuer.no_query_fragment", "an issuer with a query or fragment also differs from the discovery URL, so disc.issuer.matches_url fails too; needs a second issuer (the URL with the same query)"),
    u("disc.issuer.valid_url", "no fault yet: a non-URL issuer also breaks disc.issuer.matches_url and every issuer comparison"),
    u("disc.jwks_uri.https", LOOPBACK),
    u("disc.registration_endpoint.https", "the reference provider has no registration endpoint, and a loopback one would be reported by disc.endpoints.https_loopback"),
    u("disc.token_endpoint.https", LOOPBACK),
    u("disc.userinfo_endpoint.https", LOOPBACK),
    u("flow.callback.no_error", SETUP),
    u("flow.callback.reached", SETUP),
    u("flow.login.shown", "proven by wiremock misbehaviour NoLoginPage in tests/it/misbehaving.rs; a reference-provider fault skipping login would also break the session and prompt modules"),
    u("idtoken.format.jws", "no fault yet: a non-JWS ID token skips every other ID-token check; the JWE case needs a client registered for encryption"),
    u("idtoken.header.alg_present", "no fault yet: a header without alg cannot be signed by the provider's JWS encoder, which always sets it"),
    u("idtoken.header.kid_when_several", "the provider's JWS encoder always sets kid (header defaults in keys/jws.rs), so no fault can drop it"),
    u("idtoken.jwe.alg_registered", "no fault yet: the provider encrypts with the registered alg; the check's unit tests fail it with a JWE of another alg"),
    u("idtoken.jwe.decrypts", "no fault yet: would need a JWE for another key; the unit tests of src/jose/jwe fail decryption with a wrong key and each tampered segment"),
    u("idtoken.jwe.enc_registered", "no fault yet: the provider encrypts with the registered enc; the check's unit tests fail it with a JWE of another enc"),
    u("idtoken.sub.present", WIREMOCK),
    u("jwks.body.is_jwk_set", "no fault yet: without a JWK Set every signature check skips or fails with it"),
    u("refresh.rotation.new_token", "no fault yet: a provider that stops rotating also changes what refresh.reuse.refused and the refresh race observe"),
    u("scope.granted.syntax", "no fault yet: a malformed granted scope also breaks token.scope.well_formed and the scope comparisons"),
    u("scope.returned_when_changed", "unreachable in the plans: when scope is omitted the code-flow module takes the grant to be the request (RFC 6749 5.1 default), so the evidence can never show a changed grant without scope"),
    u("session.silent.code", SETUP),
    u("session.silent.same_sub", "no fault yet: would need the provider to answer prompt=none for another user than the session's"),
    u("tenant.access_token.not_accepted_elsewhere", TENANTS),
    u("tenant.code.foreign_client_refused", TENANTS),
    u("tenant.code.not_redeemable_elsewhere", "proven by the wiremock tenant of tests/it/tenants.rs that redeems foreign codes; the reference provider has one issuer per process, so two embedded providers are isolated by construction"),
    u("tenant.discovery.issuer_is_tenant", TENANTS),
    u("tenant.idtoken.iss_is_tenant", TENANTS),
    u("tenant.idtoken.signed_by_tenant", TENANTS),
    u("token.access_token.charset", "a non-printable access token cannot be sent back in an Authorization header, so userinfo would fail with it"),
    u("token.access_token.present", SETUP),
    u("token.error.code_present", TOKEN_ERRORS),
    u("token.error.code_registered", TOKEN_ERRORS),
    u("token.error.status", TOKEN_ERRORS),
    u("token.id_token.present", WIREMOCK),
    u("token.response.body_json_object", SETUP),
    u("token.response.status_ok", SETUP),
    u("userinfo.invalid_token.rejected", "proven by wiremock misbehaviour UserinfoAcceptsInvalidToken in tests/it/misbehaving.rs; no reference-provider fault accepts an invalid token yet"),
    u("userinfo.no_token.rejected", "proven by wiremock misbehaviour UserinfoAcceptsNoToken in tests/it/misbehaving.rs; no reference-provider fault accepts a missing token yet"),
    u("userinfo.status_200", SETUP),
];

/// Reference-provider faults deliberately left out of [`FAULT_MATRIX`], with the reason (none today:
/// every fault is proven by the plans).
pub const FAULTS_OUTSIDE_MATRIX: &[(&str, &str)] = &[(
    "code-check-then-use",
    "a real race window: whether parallel redemptions land in it is chance, so a test that expects race.code.single_winner to fail would be flaky; its detection rate is measured over many runs by scripts/measure-race-detection.sh (docs/performance.md)",
)];

/// How much of the catalog's MUST checks the fault matrix proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MustCoverage {
    /// MUST checks in the catalog.
    pub must: usize,
    /// MUST checks some fault in [`FAULT_MATRIX`] makes fail.
    pub proven: usize,
    /// MUST checks no fault proves, with reasons.
    pub unproven: &'static [Unproven],
}

/// Counts the catalog's MUST checks, those the matrix proves and those listed as unproven.
pub fn must_coverage() -> MustCoverage {
    let must: BTreeSet<&str> = must_ids();
    let proven = FAULT_MATRIX.iter().flat_map(|r| r.checks.iter().copied()).filter(|c| must.contains(c)).collect::<BTreeSet<_>>();
    MustCoverage { must: must.len(), proven: proven.len(), unproven: UNPROVEN }
}

fn must_ids() -> BTreeSet<&'static str> {
    checks::catalog().into_iter().flat_map(|(_, defs)| defs).filter(|d| d.level == Level::Must).map(|d| d.id).collect()
}

#[cfg(test)]
mod tests;
