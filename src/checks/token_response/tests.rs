//! Tests for the token response checks: one passing and one failing response per check id.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};

use super::{CHECKS, TokenResponseEvidence};
use crate::flow::GrantType;
use crate::jose::testkit::{assert_check_table, assert_group_well_formed};

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

/// A conforming authorization_code success response.
/// A compact JWS (unsigned for the purpose: only the header is read) typed `typ`.
fn jwt(typ: &str) -> String {
    use base64::Engine as _;
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.c2ln", b64(json!({"alg": "RS256", "typ": typ})), b64(json!({"iss": "https://op.test", "sub": "s"})))
}

fn ok() -> TokenResponseEvidence {
    TokenResponseEvidence {
        status: 200,
        headers: headers(&[
            ("content-type", "application/json;charset=UTF-8"),
            ("cache-control", "private, no-store"),
            ("pragma", "no-cache"),
        ]),
        body: Some(json!({
            "access_token": "at-123", "token_type": "bearer", "expires_in": 3600,
            "id_token": "a.b.c", "refresh_token": "rt-1", "scope": "openid profile"
        })),
        requested_scope: "openid profile email".into(),
        openid_requested: true,
        grant: GrantType::AuthorizationCode,
    }
}

/// `ok()` with `f` applied to its body.
fn body(f: impl FnOnce(&mut Value)) -> TokenResponseEvidence {
    let mut e = ok();
    f(e.body.as_mut().unwrap());
    e
}

fn remove(name: &'static str) -> impl FnOnce(&mut Value) {
    move |b| drop(b.as_object_mut().unwrap().remove(name))
}

/// A conforming 400 error response with `error`.
fn err(code: &str) -> TokenResponseEvidence {
    TokenResponseEvidence {
        status: 400,
        headers: headers(&[
            ("content-type", "application/json"),
            ("cache-control", "no-store"),
        ]),
        body: Some(
            json!({"error": code, "error_description": "code expired", "error_uri": "https://op.example/e"}),
        ),
        ..ok()
    }
}

fn err_body(f: impl FnOnce(&mut Value)) -> TokenResponseEvidence {
    let mut e = err("invalid_grant");
    f(e.body.as_mut().unwrap());
    e
}

#[test]
fn every_token_check_has_a_pass_and_a_fail_case() {
    let mut no_ct = ok();
    no_ct.headers.retain(|(n, _)| n != "content-type");
    let mut no_pragma = ok();
    no_pragma.headers.retain(|(n, _)| n != "pragma");
    let cache_public = TokenResponseEvidence {
        headers: headers(&[
            ("content-type", "application/json"),
            ("cache-control", "max-age=60"),
            ("pragma", "no-cache"),
        ]),
        ..ok()
    };
    let client_401 = TokenResponseEvidence {
        status: 401,
        headers: headers(&[
            ("content-type", "application/json"),
            ("www-authenticate", "Basic realm=\"op\""),
        ]),
        ..err("invalid_client")
    };
    let cases = vec![
        ("token.response.status_ok", ok(), err("invalid_grant")),
        ("token.response.content_type_json", ok(), no_ct),
        (
            "token.response.body_json_object",
            err("invalid_grant"),
            TokenResponseEvidence {
                body: Some(json!(["x"])),
                ..ok()
            },
        ),
        (
            "token.access_token.present",
            ok(),
            body(|b| b["access_token"] = json!("")),
        ),
        (
            "token.access_token.charset",
            ok(),
            body(|b| b["access_token"] = json!("at\n123")),
        ),
        (
            "token.access_token.typ_at_jwt",
            body(|b| b["access_token"] = json!(jwt("at+jwt"))),
            body(|b| b["access_token"] = json!(jwt("JWT"))),
        ),
        (
            "token.refresh_token.charset",
            ok(),
            body(|b| b["refresh_token"] = json!("rt-ü")),
        ),
        ("token.token_type.present", ok(), body(remove("token_type"))),
        (
            "token.token_type.bearer",
            ok(),
            body(|b| b["token_type"] = json!("mac")),
        ),
        (
            "token.expires_in.valid",
            ok(),
            body(|b| b["expires_in"] = json!("3600")),
        ),
        ("token.expires_in.present", ok(), body(remove("expires_in"))),
        (
            "token.expires_in.sensible",
            ok(),
            body(|b| b["expires_in"] = json!(400 * 24 * 3600)),
        ),
        ("token.id_token.present", ok(), body(remove("id_token"))),
        (
            "token.scope.well_formed",
            ok(),
            body(|b| b["scope"] = json!("openid  \"profile\"")),
        ),
        ("token.cache_control.no_store", ok(), cache_public),
        ("token.pragma.no_cache", ok(), no_pragma),
        (
            "token.refresh_token.valid",
            ok(),
            body(|b| b["refresh_token"] = json!(42)),
        ),
        (
            "token.success.no_error_field",
            ok(),
            body(|b| b["error"] = json!("server_error")),
        ),
        (
            "token.error.status",
            client_401.clone(),
            TokenResponseEvidence {
                status: 500,
                ..err("invalid_grant")
            },
        ),
        (
            "token.error.code_present",
            err("invalid_grant"),
            err_body(remove("error")),
        ),
        (
            "token.error.code_registered",
            err("unsupported_grant_type"),
            err("grant_expired"),
        ),
        (
            "token.error.description_charset",
            err("invalid_grant"),
            err_body(|b| b["error_description"] = json!("say \"hi\"")),
        ),
        (
            "token.error.uri_valid",
            err("invalid_grant"),
            err_body(|b| b["error_uri"] = json!("/relative")),
        ),
        (
            "token.error.www_authenticate_on_401",
            client_401.clone(),
            TokenResponseEvidence {
                headers: headers(&[("content-type", "application/json")]),
                ..client_401
            },
        ),
    ];
    assert_check_table(CHECKS, cases);
}

#[test]
fn token_ids_and_specs_are_well_formed() {
    assert_group_well_formed(CHECKS);
}

#[test]
fn id_token_is_not_required_for_refresh_or_client_credentials() {
    for grant in [GrantType::RefreshToken, GrantType::ClientCredentials] {
        let e = TokenResponseEvidence {
            grant: grant.clone(),
            ..body(remove("id_token"))
        };
        assert!(
            matches!(
                (super::success::ID_TOKEN_PRESENT.run)(&e),
                crate::checks::Verdict::Skip(_)
            ),
            "{grant}"
        );
    }
}

#[test]
fn success_checks_skip_on_errors_and_error_checks_skip_on_success() {
    let error = err("invalid_grant");
    for c in CHECKS.iter().filter(|c| {
        c.def.id.starts_with("token.access_token") || c.def.id.starts_with("token.cache")
    }) {
        assert!(
            matches!((c.run)(&error), crate::checks::Verdict::Skip(_)),
            "{}",
            c.def.id
        );
    }
    for c in CHECKS
        .iter()
        .filter(|c| c.def.id.starts_with("token.error."))
    {
        assert!(
            matches!((c.run)(&ok()), crate::checks::Verdict::Skip(_)),
            "{}",
            c.def.id
        );
    }
}

#[test]
fn debug_redacts_tokens() {
    let shown = format!("{:?}", ok());
    assert!(
        !shown.contains("at-123") && !shown.contains("rt-1") && !shown.contains("a.b.c"),
        "{shown}"
    );
    assert!(shown.contains("token_type"));
}
