//! Endpoint behaviour through `app()` with `oneshot`: discovery is true, errors are shaped per spec.

use reference_provider::app;
use serde_json::Value;

use super::support::{get, oneshot, post_form, provider};

#[tokio::test]
async fn discovery_advertises_only_what_is_routed() {
    let app = app(provider(&[]));
    let (status, headers, body) = oneshot(&app, get("/.well-known/openid-configuration")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["issuer"], "http://op.test");
    for field in ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "revocation_endpoint", "introspection_endpoint", "end_session_endpoint"] {
        let url = doc[field].as_str().unwrap();
        let path = url.strip_prefix("http://op.test").unwrap();
        let (get_status, _, _) = oneshot(&app, get(path)).await;
        let (post_status, _, _) = oneshot(&app, post_form(path, "")).await;
        let routed = |s: u16| s != 404 && s != 405;
        assert!(routed(get_status) || routed(post_status), "{field} {path}: GET {get_status}, POST {post_status}");
    }
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(doc["code_challenge_methods_supported"], serde_json::json!(["S256"]));
    let algs: Vec<&str> = doc["id_token_signing_alg_values_supported"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(algs, ["RS256", "PS256", "ES256", "EdDSA"]);
}

#[tokio::test]
async fn jwks_has_one_key_per_alg_with_kid_alg_use_and_no_private_parts() {
    let app = app(provider(&[]));
    let (status, _, body) = oneshot(&app, get("/jwks")).await;
    assert_eq!(status, 200);
    let jwks: Value = serde_json::from_str(&body).unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 4);
    for k in keys {
        assert!(k["kid"].is_string() && k["alg"].is_string());
        assert_eq!(k["use"], "sig");
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(k.get(private).is_none());
        }
    }
}

#[tokio::test]
async fn unknown_client_and_unregistered_redirect_are_pages_not_redirects() {
    let app = app(provider(&[]));
    let (status, headers, body) = oneshot(&app, get("/authorize?response_type=code&client_id=nope&redirect_uri=http://evil/cb&scope=openid&state=s")).await;
    assert_eq!(status, 400);
    assert!(headers.get("location").is_none());
    assert!(body.contains("unknown client"));
    let (status, headers, _) = oneshot(&app, get("/authorize?response_type=code&client_id=demo-client&redirect_uri=http://evil/cb&scope=openid&state=s")).await;
    assert_eq!(status, 400);
    assert!(headers.get("location").is_none());
}

#[tokio::test]
async fn other_authorization_errors_are_redirected_with_state_and_iss() {
    let app = app(provider(&[]));
    let cases = [
        ("client_id=demo-client&redirect_uri=http://127.0.0.1:8765/callback&scope=openid&state=s1", "invalid_request"),
        ("response_type=token&client_id=demo-client&redirect_uri=http://127.0.0.1:8765/callback&scope=openid&state=s1", "unsupported_response_type"),
        ("response_type=code&client_id=demo-client&redirect_uri=http://127.0.0.1:8765/callback&scope=profile&state=s1", "invalid_scope"),
        ("response_type=code&client_id=demo-public&redirect_uri=http://127.0.0.1:8765/callback&scope=openid&state=s1", "invalid_request"),
        ("response_type=code&client_id=demo-client&redirect_uri=http://127.0.0.1:8765/callback&scope=openid&state=s1&code_challenge=abc&code_challenge_method=plain", "invalid_request"),
        ("response_type=code&response_type=code&client_id=demo-client&redirect_uri=http://127.0.0.1:8765/callback&scope=openid&state=s1", "invalid_request"),
        ("response_type=code&client_id=demo-client&redirect_uri=http://127.0.0.1:8765/callback&scope=openid&state=s1&max_age=-1", "invalid_request"),
        ("response_type=code&client_id=demo-client&redirect_uri=http://127.0.0.1:8765/callback&scope=openid&state=s1&prompt=none", "login_required"),
    ];
    for (query, expected) in cases {
        let (status, headers, _) = oneshot(&app, get(&format!("/authorize?{query}"))).await;
        assert_eq!(status, 302, "{query}");
        let loc = headers["location"].to_str().unwrap();
        assert!(loc.starts_with("http://127.0.0.1:8765/callback?"), "{loc}");
        let q = super::support::query(loc);
        assert_eq!(super::support::param(&q, "error").as_deref(), Some(expected), "{query}");
        assert_eq!(super::support::param(&q, "state").as_deref(), Some("s1"));
        assert_eq!(super::support::param(&q, "iss").as_deref(), Some("http://op.test"));
        let description = super::support::param(&q, "error_description").unwrap();
        // NQSCHAR only (RFC 6749 4.1.2.1): no double quote or backslash even when a value is quoted.
        assert!(description.bytes().all(|b| matches!(b, 0x20 | 0x21 | 0x23..=0x5B | 0x5D..=0x7E)), "{description}");
    }
}

#[tokio::test]
async fn login_redirect_sets_an_httponly_samesite_interaction_cookie() {
    let app = app(provider(&[]));
    let (status, headers, _) = oneshot(&app, get("/authorize?response_type=code&client_id=demo-client&redirect_uri=http://127.0.0.1:8765/callback&scope=openid&state=s")).await;
    assert_eq!(status, 302);
    assert!(headers["location"].to_str().unwrap().starts_with("/login?interaction="));
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn login_post_without_the_interaction_cookie_is_refused() {
    let app = app(provider(&[]));
    let (_, headers, _) = oneshot(&app, get("/authorize?response_type=code&client_id=demo-client&redirect_uri=http://127.0.0.1:8765/callback&scope=openid")).await;
    let loc = headers["location"].to_str().unwrap();
    let id = loc.split('=').nth(1).unwrap();
    let (status, _, _) = oneshot(&app, post_form("/login", &format!("interaction={id}&csrf_token=x&username=alice&password=alice-demo-password"))).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn token_errors_follow_rfc6749_5_2() {
    let app = app(provider(&[]));
    let basic = |id: &str, secret: &str| {
        use base64::Engine as _;
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
    };
    let req = axum::http::Request::post("/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", basic("demo-client", "wrong"))
        .body(axum::body::Body::from("grant_type=authorization_code&code=x&redirect_uri=http://127.0.0.1:8765/callback"))
        .unwrap();
    let (status, headers, body) = oneshot(&app, req).await;
    assert_eq!(status, 401);
    assert!(headers["www-authenticate"].to_str().unwrap().starts_with("Basic"));
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"], "invalid_client");

    let req = axum::http::Request::post("/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", basic("demo-client", "demo-client-secret"))
        .body(axum::body::Body::from("grant_type=password&username=a&password=b"))
        .unwrap();
    let (status, _, body) = oneshot(&app, req).await;
    assert_eq!(status, 400);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"], "unsupported_grant_type");

    let (status, _, body) = oneshot(&app, post_form("/token", "grant_type=authorization_code&code=x&client_id=demo-public")).await;
    assert_eq!(status, 400);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"], "invalid_grant");
}

#[tokio::test]
async fn userinfo_without_or_with_bad_token_has_www_authenticate() {
    let app = app(provider(&[]));
    let (status, headers, _) = oneshot(&app, get("/userinfo")).await;
    assert_eq!(status, 401);
    assert_eq!(headers["www-authenticate"], "Bearer realm=\"reference-provider\"");
    let req = axum::http::Request::get("/userinfo").header("authorization", "Bearer not.a.token").body(axum::body::Body::empty()).unwrap();
    let (status, headers, _) = oneshot(&app, req).await;
    assert_eq!(status, 401);
    assert!(headers["www-authenticate"].to_str().unwrap().contains("error=\"invalid_token\""));
}

#[tokio::test]
async fn oversized_parameters_and_bodies_are_client_errors_not_500() {
    let app = app(provider(&[]));
    let long = "a".repeat(5000);
    let (status, headers, _) = oneshot(&app, get(&format!("/authorize?response_type=code&client_id=demo-client&redirect_uri=http://127.0.0.1:8765/callback&scope=openid&state={long}"))).await;
    assert_eq!(status, 302);
    assert!(headers["location"].to_str().unwrap().contains("error=invalid_request"));
    let (status, _, _) = oneshot(&app, post_form("/token", &format!("grant_type={long}&client_id=demo-public"))).await;
    assert_eq!(status, 400);
    let big = "x=".to_owned() + &"a".repeat(reference_provider::MAX_BODY + 10);
    let (status, _, _) = oneshot(&app, post_form("/token", &big)).await;
    assert_eq!(status, 413);
    let req = axum::http::Request::post("/token").header("content-type", "application/json").body(axum::body::Body::from("{}")).unwrap();
    let (status, _, _) = oneshot(&app, req).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn body_errors_answer_oauth_json_on_api_endpoints_and_html_on_pages() {
    let app = app(provider(&[]));
    let big = "x=".to_owned() + &"a".repeat(reference_provider::MAX_BODY + 10);
    for path in ["/token", "/revoke", "/introspect", "/userinfo"] {
        let (status, headers, body) = oneshot(&app, post_form(path, &big)).await;
        assert_eq!(status, 413, "{path}: {body}");
        assert_eq!(headers["content-type"], "application/json", "{path}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"], "invalid_request", "{path}: {body}");
        let req = axum::http::Request::post(path).header("content-type", "text/plain").body(axum::body::Body::from("x=1")).unwrap();
        let (status, headers, body) = oneshot(&app, req).await;
        assert_eq!((status, headers["content-type"].to_str().unwrap()), (400, "application/json"), "{path}: {body}");
    }
    for path in ["/login", "/consent", "/logout", "/authorize"] {
        let (status, headers, body) = oneshot(&app, post_form(path, &big)).await;
        assert_eq!(status, 413, "{path}: {body}");
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        assert!(!body.contains("Failed to buffer"), "{path}: {body}");
    }
}
