//! Token refusal checks: one passing and one failing piece of evidence per check id.

use serde_json::json;

use super::*;
use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

fn answer(status: u16, error: Option<&str>) -> TokenAnswer {
    TokenAnswer { status, error: error.map(str::to_owned), www_authenticate: None }
}

fn invalid_grant() -> TokenAnswer {
    answer(400, Some("invalid_grant"))
}

fn ok() -> TokenAnswer {
    answer(200, None)
}

#[test]
fn answer_reads_error_and_challenge() {
    let a = TokenAnswer::new(401, Some(&json!({"error": "invalid_client"})), Some("Basic realm=\"x\""));
    assert_eq!(a.error.as_deref(), Some("invalid_client"));
    assert_eq!(a.www_authenticate.as_deref(), Some("Basic realm=\"x\""));
    assert_eq!(a.describe(), "HTTP 401 error=invalid_client");
    assert!(!a.accepted());
    let b = TokenAnswer::new(200, Some(&json!(["not", "an", "object"])), None);
    assert_eq!(b.error, None);
    assert!(b.accepted());
    assert_eq!(answer(500, None).describe(), "HTTP 500 without an error code");
}

#[test]
fn refused_with_demands_400_and_the_code() {
    assert_eq!(refused_with(&invalid_grant(), &["invalid_grant"], "x"), Verdict::Pass);
    assert_eq!(refused_with(&answer(400, Some("invalid_request")), &["invalid_grant", "invalid_request"], "x"), Verdict::Pass);
    let Verdict::Fail(d) = refused_with(&ok(), &["invalid_grant"], "a replay") else { panic!() };
    assert!(d.message.contains("found it accepted"), "{}", d.message);
    assert!(matches!(refused_with(&answer(401, Some("invalid_grant")), &["invalid_grant"], "x"), Verdict::Fail(_)));
    assert!(matches!(refused_with(&answer(500, None), &["invalid_grant"], "x"), Verdict::Fail(_)));
    assert!(matches!(refused_with(&answer(400, Some("invalid_request")), &["invalid_grant"], "x"), Verdict::Fail(_)));
}

#[test]
fn code_reuse_cases() {
    let good = CodeReuseEvidence { second: invalid_grant(), userinfo_after: Some(401) };
    run_cases(CODE_REUSE_CHECKS, vec![
        ("code.reuse.rejected", good.clone(), CodeReuseEvidence { second: ok(), ..good.clone() }),
        ("code.reuse.tokens_revoked", good.clone(), CodeReuseEvidence { userinfo_after: Some(200), ..good.clone() }),
    ]);
    let no_call = CodeReuseEvidence { userinfo_after: None, ..good };
    assert!(matches!((CODE_REUSE_CHECKS[1].run)(&no_call), Verdict::Skip(_)));
}

#[test]
fn code_misuse_cases() {
    run_cases(CODE_WRONG_CLIENT_CHECKS, vec![("code.wrong_client.rejected", invalid_grant(), ok())]);
    run_cases(CODE_WRONG_REDIRECT_URI_CHECKS, vec![("code.wrong_redirect_uri.rejected", invalid_grant(), answer(400, Some("invalid_request")))]);
    run_cases(CODE_EXPIRED_CHECKS, vec![("code.expired.rejected", invalid_grant(), ok())]);
}

fn basic() -> ClientAuthEvidence {
    ClientAuthEvidence {
        method: "client_secret_basic".into(),
        advertised: vec!["client_secret_basic".into(), "client_secret_post".into()],
        wrong_secret: TokenAnswer { www_authenticate: Some("Basic realm=\"op\"".into()), ..answer(401, Some("invalid_client")) },
        no_secret: answer(401, Some("invalid_client")),
        correct: ok(),
    }
}

#[test]
fn client_auth_cases() {
    let good = basic();
    run_cases(CLIENT_AUTH_CHECKS, vec![
        ("client_auth.wrong_secret.rejected", good.clone(), ClientAuthEvidence { wrong_secret: ok(), ..good.clone() }),
        ("client_auth.no_secret.rejected", good.clone(), ClientAuthEvidence { no_secret: answer(400, Some("invalid_grant")), ..good.clone() }),
        ("client_auth.basic.challenge", good.clone(), ClientAuthEvidence { wrong_secret: answer(401, Some("invalid_client")), ..good.clone() }),
        (
            "client_auth.basic.challenge_scheme",
            good.clone(),
            ClientAuthEvidence { wrong_secret: TokenAnswer { www_authenticate: Some("Bearer error=\"invalid_client\"".into()), ..answer(401, Some("invalid_client")) }, ..good.clone() },
        ),
        (
            "client_auth.basic.challenge_realm",
            good.clone(),
            ClientAuthEvidence { wrong_secret: TokenAnswer { www_authenticate: Some("Basic charset=\"UTF-8\"".into()), ..answer(401, Some("invalid_client")) }, ..good.clone() },
        ),
        ("client_auth.method.accepted", good.clone(), ClientAuthEvidence { correct: answer(401, Some("invalid_client")), ..good.clone() }),
        ("client_auth.method.advertised", good.clone(), ClientAuthEvidence { advertised: vec!["client_secret_post".into()], ..good.clone() }),
    ]);
}

#[test]
fn client_auth_edges() {
    let verdict = |id: &str, e: &ClientAuthEvidence| (CLIENT_AUTH_CHECKS.iter().find(|c| c.def.id == id).unwrap().run)(e);
    // A post client refused with 400 invalid_client is fine, and the Basic challenge does not apply.
    let post = ClientAuthEvidence { method: "client_secret_post".into(), wrong_secret: answer(400, Some("invalid_client")), ..basic() };
    assert_eq!(verdict("client_auth.wrong_secret.rejected", &post), Verdict::Pass);
    assert!(matches!(verdict("client_auth.basic.challenge", &post), Verdict::Skip(_)));
    // A failed Basic authentication answered with 400 breaks the challenge rule.
    let basic_400 = ClientAuthEvidence { wrong_secret: answer(400, Some("invalid_client")), ..basic() };
    assert!(matches!(verdict("client_auth.basic.challenge", &basic_400), Verdict::Fail(_)));
    // An accepted wrong secret fails only the refusal check, not the challenge one.
    let accepted = ClientAuthEvidence { wrong_secret: ok(), ..basic() };
    assert!(matches!(verdict("client_auth.basic.challenge", &accepted), Verdict::Skip(_)));
    // A method not advertised is not required to work; one that does not work is not judged for advertising.
    let unadvertised = ClientAuthEvidence { advertised: vec![], correct: answer(401, Some("invalid_client")), ..basic() };
    assert!(matches!(verdict("client_auth.method.accepted", &unadvertised), Verdict::Skip(_)));
    assert!(matches!(verdict("client_auth.method.advertised", &unadvertised), Verdict::Skip(_)));
}

#[test]
fn catalogs_are_well_formed() {
    assert_catalog_well_formed(CODE_REUSE_CHECKS);
    assert_catalog_well_formed(CODE_WRONG_CLIENT_CHECKS);
    assert_catalog_well_formed(CODE_WRONG_REDIRECT_URI_CHECKS);
    assert_catalog_well_formed(CODE_EXPIRED_CHECKS);
    assert_catalog_well_formed(CLIENT_AUTH_CHECKS);
}
