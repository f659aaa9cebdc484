//! Discovery checks: one passing and one failing piece of crafted evidence per check id.

use serde_json::{Value, json};
use url::Url;

use super::{CHECKS, DiscoveryEvidence};
use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

const ISSUER: &str = "https://op.example/tenant";

/// A conforming document for `ISSUER`.
fn good_doc() -> Value {
    json!({
        "issuer": ISSUER,
        "authorization_endpoint": "https://op.example/tenant/authorize",
        "token_endpoint": "https://op.example/tenant/token",
        "userinfo_endpoint": "https://op.example/tenant/userinfo",
        "jwks_uri": "https://op.example/tenant/jwks",
        "registration_endpoint": "https://op.example/tenant/register",
        "end_session_endpoint": "https://op.example/tenant/logout",
        "scopes_supported": ["openid", "profile", "email"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "claims_supported": ["sub", "email"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
    })
}

fn evidence_for(issuer: &str, doc: &Value) -> DiscoveryEvidence {
    let fetched = crate::discovery::discovery_url(&Url::parse(issuer).unwrap());
    let body = serde_json::to_vec(doc).unwrap();
    DiscoveryEvidence::from_response(
        &fetched,
        issuer,
        200,
        Some("application/json; charset=utf-8"),
        &body,
    )
}

fn good() -> DiscoveryEvidence {
    evidence_for(ISSUER, &good_doc())
}

/// Evidence for the good document with `field` replaced (or removed when `v` is null).
fn with(field: &str, v: Value) -> DiscoveryEvidence {
    let mut doc = good_doc();
    let obj = doc.as_object_mut().unwrap();
    if v.is_null() {
        obj.remove(field);
    } else {
        obj.insert(field.to_owned(), v);
    }
    evidence_for(ISSUER, &doc)
}

/// A loopback provider on plain http, otherwise conforming.
fn loopback(https: bool) -> DiscoveryEvidence {
    let scheme = if https { "https" } else { "http" };
    let base = format!("{scheme}://127.0.0.1:9301");
    let mut doc = good_doc();
    let text = serde_json::to_string(&doc)
        .unwrap()
        .replace("https://op.example/tenant", &base);
    doc = serde_json::from_str(&text).unwrap();
    evidence_for(&base, &doc)
}

fn cases() -> Vec<(&'static str, DiscoveryEvidence, DiscoveryEvidence)> {
    vec![
        (
            "disc.fetch.status_200",
            good(),
            DiscoveryEvidence {
                status: 404,
                ..good()
            },
        ),
        (
            "disc.fetch.content_type_json",
            good(),
            DiscoveryEvidence {
                content_type: Some("text/html".into()),
                ..good()
            },
        ),
        (
            "disc.body.json_object",
            good(),
            DiscoveryEvidence {
                body: Some(json!([1])),
                ..good()
            },
        ),
        (
            "disc.metadata.no_type_errors",
            good(),
            with("scopes_supported", json!("openid email")),
        ),
        ("disc.issuer.present", good(), with("issuer", Value::Null)),
        (
            "disc.issuer.valid_url",
            good(),
            with("issuer", json!("op.example/tenant")),
        ),
        (
            "disc.issuer.matches_url",
            good(),
            with("issuer", json!("https://op.example")),
        ),
        (
            "disc.issuer.matches_configured",
            good(),
            DiscoveryEvidence {
                expected_issuer: format!("{ISSUER}/"),
                ..good()
            },
        ),
        (
            "disc.issuer.https",
            good(),
            with("issuer", json!("http://op.example/tenant")),
        ),
        (
            "disc.issuer.https_loopback",
            loopback(true),
            loopback(false),
        ),
        (
            "disc.issuer.no_query_fragment",
            good(),
            with("issuer", json!("https://op.example/tenant?x=1")),
        ),
        (
            "disc.authorization_endpoint.present",
            good(),
            with("authorization_endpoint", Value::Null),
        ),
        (
            "disc.authorization_endpoint.https",
            good(),
            with(
                "authorization_endpoint",
                json!("http://op.example/authorize"),
            ),
        ),
        (
            "disc.token_endpoint.present",
            good(),
            with("token_endpoint", Value::Null),
        ),
        (
            "disc.token_endpoint.https",
            good(),
            with("token_endpoint", json!("http://op.example/token")),
        ),
        (
            "disc.jwks_uri.present",
            good(),
            with("jwks_uri", Value::Null),
        ),
        (
            "disc.jwks_uri.https",
            good(),
            with("jwks_uri", json!("http://op.example/jwks")),
        ),
        (
            "disc.userinfo_endpoint.present",
            good(),
            with("userinfo_endpoint", Value::Null),
        ),
        (
            "disc.userinfo_endpoint.https",
            good(),
            with("userinfo_endpoint", json!("http://op.example/me")),
        ),
        (
            "disc.registration_endpoint.https",
            good(),
            with("registration_endpoint", json!("http://op.example/reg")),
        ),
        (
            "disc.end_session_endpoint.https",
            good(),
            with("end_session_endpoint", json!("http://op.example/logout")),
        ),
        (
            "disc.endpoints.absolute_no_fragment",
            good(),
            with("token_endpoint", json!("https://op.example/token#frag")),
        ),
        (
            "disc.endpoints.https_loopback",
            loopback(true),
            loopback(false),
        ),
        (
            "disc.endpoints.same_origin",
            good(),
            with("userinfo_endpoint", json!("https://api.other.example/userinfo")),
        ),
        (
            "disc.token_endpoint.same_origin",
            with("userinfo_endpoint", json!("https://api.other.example/userinfo")),
            with("token_endpoint", json!("https://op.example:8443/token")),
        ),
        (
            "disc.response_types.present",
            good(),
            with("response_types_supported", Value::Null),
        ),
        (
            "disc.response_types.includes_code",
            good(),
            with("response_types_supported", json!(["id_token"])),
        ),
        (
            "disc.subject_types.present",
            good(),
            with("subject_types_supported", json!([])),
        ),
        (
            "disc.subject_types.valid",
            good(),
            with("subject_types_supported", json!(["public", "ppid"])),
        ),
        (
            "disc.id_token_algs.present",
            good(),
            with("id_token_signing_alg_values_supported", Value::Null),
        ),
        (
            "disc.id_token_algs.includes_rs256",
            good(),
            with("id_token_signing_alg_values_supported", json!(["ES256"])),
        ),
        (
            "disc.id_token_algs.not_only_none",
            good(),
            with("id_token_signing_alg_values_supported", json!(["none"])),
        ),
        (
            "disc.id_token_algs.no_none",
            good(),
            with("id_token_signing_alg_values_supported", json!(["RS256", "none"])),
        ),
        (
            "disc.response_types.registered",
            with("response_types_supported", json!(["code", "code id_token", "none", "id_token token"])),
            with("response_types_supported", json!(["code", "code code", "authorization_code"])),
        ),
        (
            "disc.scopes.present",
            good(),
            with("scopes_supported", Value::Null),
        ),
        (
            "disc.scopes.includes_openid",
            good(),
            with("scopes_supported", json!(["profile"])),
        ),
        (
            "disc.scopes.syntax",
            good(),
            with("scopes_supported", json!(["openid", "bad scope\""])),
        ),
        (
            "disc.grant_types.includes_authorization_code",
            with("grant_types_supported", Value::Null),
            with("grant_types_supported", json!(["client_credentials"])),
        ),
        (
            "disc.token_auth_methods.known",
            good(),
            with(
                "token_endpoint_auth_methods_supported",
                json!(["client_secret_basic", "magic"]),
            ),
        ),
        (
            "disc.claims_supported.present",
            good(),
            with("claims_supported", Value::Null),
        ),
        (
            "disc.pkce.s256",
            good(),
            with("code_challenge_methods_supported", json!(["plain"])),
        ),
        (
            "disc.pkce.plain_with_s256",
            with("code_challenge_methods_supported", json!(["plain", "S256"])),
            with("code_challenge_methods_supported", json!(["plain"])),
        ),
        (
            "disc.response_modes.known",
            good(),
            with("response_modes_supported", json!(["query", "web_message"])),
        ),
        (
            "disc.iss_parameter_supported.boolean",
            good(),
            with(
                "authorization_response_iss_parameter_supported",
                json!("true"),
            ),
        ),
    ]
}

#[test]
fn every_check_passes_and_fails_on_crafted_evidence() {
    run_cases(CHECKS, cases());
}

#[test]
fn catalog_is_well_formed() {
    assert_catalog_well_formed(CHECKS);
}

#[test]
fn good_document_passes_everything_that_applies() {
    let ev = good();
    for c in CHECKS {
        let v = (c.run)(&ev);
        assert!(
            !matches!(v, crate::checks::Verdict::Fail(_)),
            "{} failed: {v:?}",
            c.def.id
        );
    }
}

#[test]
fn a_redirect_instead_of_the_document_is_one_failure_of_its_cause() {
    // A login page behind a 302: HTML, no JSON. One MUST failure names the redirect; the media
    // type and body of what came instead are not judged again, and the rest skip.
    let ev = DiscoveryEvidence::from_response(
        &url::Url::parse("https://op.example/.well-known/openid-configuration").unwrap(),
        "https://op.example",
        302,
        Some("text/html"),
        b"<html>Sign in</html>",
    );
    let failed: Vec<(&str, String)> = CHECKS
        .iter()
        .filter_map(|c| match (c.run)(&ev) {
            crate::checks::Verdict::Fail(d) => Some((c.def.id, d.message)),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, "disc.fetch.status_200");
    assert!(failed[0].1.contains("redirect"), "{}", failed[0].1);
}

#[test]
fn metadata_checks_skip_without_an_object() {
    let ev = DiscoveryEvidence {
        body: None,
        metadata: None,
        ..good()
    };
    let skipped = CHECKS
        .iter()
        .filter(|c| matches!((c.run)(&ev), crate::checks::Verdict::Skip(_)))
        .count();
    assert_eq!(
        skipped,
        CHECKS.len() - 3,
        "all but status, content type and body skip"
    );
}

#[test]
fn https_checks_hand_over_to_loopback_checks() {
    let ev = loopback(false);
    for id in [
        "disc.issuer.https",
        "disc.token_endpoint.https",
        "disc.jwks_uri.https",
    ] {
        let c = CHECKS.iter().find(|c| c.def.id == id).unwrap();
        assert!(
            matches!((c.run)(&ev), crate::checks::Verdict::Skip(_)),
            "{id} should skip on loopback"
        );
    }
    let c = CHECKS
        .iter()
        .find(|c| c.def.id == "disc.issuer.https_loopback")
        .unwrap();
    assert!(matches!((c.run)(&good()), crate::checks::Verdict::Skip(_)));
}

#[test]
fn implicit_only_provider_needs_no_token_endpoint() {
    let mut doc = good_doc();
    let obj = doc.as_object_mut().unwrap();
    obj.remove("token_endpoint");
    obj.insert(
        "response_types_supported".into(),
        json!(["id_token", "id_token token"]),
    );
    let ev = evidence_for(ISSUER, &doc);
    let c = CHECKS
        .iter()
        .find(|c| c.def.id == "disc.token_endpoint.present")
        .unwrap();
    assert!(matches!((c.run)(&ev), crate::checks::Verdict::Skip(_)));
}

#[test]
fn trailing_slash_issuer_matches_its_discovery_url_but_not_a_bare_configuration() {
    let ev = evidence_for(
        "https://op.example/",
        &json!({"issuer": "https://op.example/"}),
    );
    let by_id = |id: &str| CHECKS.iter().find(|c| c.def.id == id).unwrap();
    assert_eq!(
        (by_id("disc.issuer.matches_url").run)(&ev),
        crate::checks::Verdict::Pass
    );
    let bare = DiscoveryEvidence {
        expected_issuer: "https://op.example".into(),
        ..ev
    };
    assert!(matches!(
        (by_id("disc.issuer.matches_configured").run)(&bare),
        crate::checks::Verdict::Fail(_)
    ));
}

#[test]
fn fixture_shaped_documents_have_no_must_failures_except_known_ones() {
    let fief: Value =
        serde_json::from_str(include_str!("../../discovery/fixtures/fief.json")).unwrap();
    let ev = evidence_for("https://localhost:9380", &fief);
    let failed: Vec<&str> = CHECKS
        .iter()
        .filter(|c| matches!((c.run)(&ev), crate::checks::Verdict::Fail(_)))
        .map(|c| c.def.id)
        .collect();
    // Fief advertises the "plain" PKCE method next to S256 (fine) and no unusual values.
    assert_eq!(failed, Vec::<&str>::new());

    let node: Value = serde_json::from_str(include_str!(
        "../../discovery/fixtures/node-oidc-provider.json"
    ))
    .unwrap();
    let ev = evidence_for("http://127.0.0.1:9301", &node);
    let failed: Vec<&str> = CHECKS
        .iter()
        .filter(|c| matches!((c.run)(&ev), crate::checks::Verdict::Fail(_)))
        .map(|c| c.def.id)
        .collect();
    assert_eq!(
        failed,
        vec![
            "disc.issuer.https_loopback",
            "disc.endpoints.https_loopback"
        ]
    );

    let keycloak: Value =
        serde_json::from_str(include_str!("../../discovery/fixtures/keycloak.json")).unwrap();
    let ev = evidence_for("https://sso.example.test/realms/harness", &keycloak);
    let failed: Vec<&str> = CHECKS
        .iter()
        .filter(|c| matches!((c.run)(&ev), crate::checks::Verdict::Fail(_)))
        .map(|c| c.def.id)
        .collect();
    assert_eq!(failed, Vec::<&str>::new());
}

#[test]
fn issuer_prefix_rule_skips_for_a_custom_discovery_url() {
    let ev = DiscoveryEvidence {
        fetched_from: "https://op.example/config.json".into(),
        ..good()
    };
    let c = CHECKS
        .iter()
        .find(|c| c.def.id == "disc.issuer.matches_url")
        .unwrap();
    assert!(matches!((c.run)(&ev), crate::checks::Verdict::Skip(_)));
}

#[test]
fn evidence_from_a_non_json_response_has_no_metadata() {
    let url = Url::parse("https://op.example/.well-known/openid-configuration").unwrap();
    let ev = DiscoveryEvidence::from_response(
        &url,
        "https://op.example",
        500,
        Some("text/html"),
        b"<h1>oops</h1>",
    );
    assert_eq!(ev.body, None);
    assert_eq!(ev.metadata, None);
    assert!(!ev.loopback);
    assert_eq!(ev.fetched_from, url.as_str());
}

#[test]
fn absent_and_mistyped_fields_are_told_apart() {
    let by_id = |id: &str| CHECKS.iter().find(|c| c.def.id == id).unwrap();
    let msg = |v: crate::checks::Verdict| match v {
        crate::checks::Verdict::Fail(d) => d.message,
        other => panic!("expected a failure (found {other:?})"),
    };
    let missing = msg((by_id("disc.issuer.present").run)(&with(
        "issuer",
        Value::Null,
    )));
    assert_eq!(missing, "expected issuer string (found none)");
    let number = msg((by_id("disc.issuer.present").run)(&with(
        "issuer",
        json!(7),
    )));
    assert_eq!(number, "expected issuer string (found a number)");
    let list = msg((by_id("disc.scopes.present").run)(&with(
        "scopes_supported",
        json!("openid"),
    )));
    assert_eq!(list, "expected scopes_supported array (found a string)");
}
