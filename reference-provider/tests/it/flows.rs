//! Complete flows over a real socket on 127.0.0.1:0.

use serde_json::Value;

use super::support::*;

#[tokio::test]
async fn code_flow_with_pkce_userinfo_refresh_revoke_introspect() {
    let op = start(&[]).await;
    let b = browser(&op);
    let (code, verifier, cb) = b.code(CONFIDENTIAL, &[]).await;
    assert_eq!(param(&cb, "state").as_deref(), Some("st-123"));
    assert_eq!(param(&cb, "iss").as_deref(), Some(op.issuer()));
    let (status, headers, t) = b
        .token(CONFIDENTIAL, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT), ("code_verifier", &verifier)])
        .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(t["token_type"], "Bearer");
    let id = t["id_token"].as_str().unwrap();
    let (hdr, c) = op.provider.keys().verify(id).expect("ID token verifies");
    assert_eq!(hdr["alg"], "RS256");
    assert_eq!(c["iss"], op.issuer());
    assert_eq!(c["aud"], "demo-client");
    assert_eq!(c["azp"], "demo-client");
    assert_eq!(c["nonce"], "n-456");
    assert!(c["auth_time"].is_i64() && c["exp"].as_i64() > c["iat"].as_i64());
    let at = t["access_token"].as_str().unwrap();
    assert_eq!(c["at_hash"], reference_provider::keys::left_half_hash(reference_provider::keys::SigningAlg::Rs256, at));
    assert_eq!(segment(at, 0)["typ"], "at+jwt");
    assert_eq!(claims(at)["scope"], "openid profile email");

    let (status, _, info) = b.userinfo(at).await;
    assert_eq!(status, 200);
    assert_eq!(info["sub"], c["sub"]);
    assert_eq!(info["email"], "alice@example.com");
    assert_eq!(info["name"], "Alice Example");
    assert!(info.get("phone_number").is_none(), "phone scope was not requested");

    // Userinfo by POST, token in the form body (RFC 6750 2.2).
    let res = b.http.post(b.url("/userinfo")).form(&[("access_token", at)]).send().await.unwrap();
    assert_eq!(res.status(), 200);

    // Refresh with rotation and narrowing.
    let rt = t["refresh_token"].as_str().unwrap();
    let (status, _, r) = b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt), ("scope", "openid email")]).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["scope"], "openid email");
    let c2 = claims(r["id_token"].as_str().unwrap());
    assert_eq!((c2["sub"].clone(), c2["auth_time"].clone()), (c["sub"].clone(), c["auth_time"].clone()));
    let rt2 = r["refresh_token"].as_str().unwrap();
    assert_ne!(rt, rt2);
    // Widening is refused.
    let (status, _, e) = b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt2), ("scope", "openid phone")]).await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_scope")));

    // Introspection: active, then revoked.
    let intro = |token: String| {
        let b = &b;
        async move {
            let res = b.http.post(b.url("/introspect")).basic_auth("demo-client", Some("demo-client-secret")).form(&[("token", token)]).send().await.unwrap();
            res.json::<Value>().await.unwrap()
        }
    };
    let new_at = r["access_token"].as_str().unwrap().to_owned();
    assert_eq!(intro(new_at.clone()).await["active"], true);
    assert_eq!(intro(rt2.to_owned()).await["active"], true);
    let res = b.http.post(b.url("/revoke")).basic_auth("demo-client", Some("demo-client-secret")).form(&[("token", rt2)]).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(intro(rt2.to_owned()).await["active"], false);
    assert_eq!(intro(new_at.clone()).await["active"], false, "revoking the refresh token revokes its grant");
    let (status, www, _) = b.userinfo(&new_at).await;
    assert_eq!(status, 401);
    assert!(www.unwrap().contains("invalid_token"));
}

#[tokio::test]
async fn replayed_code_fails_and_revokes_tokens_issued_from_it() {
    let op = start(&[]).await;
    let b = browser(&op);
    let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
    let form = [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", REDIRECT), ("code_verifier", verifier.as_str())];
    let (status, _, t) = b.token(CONFIDENTIAL, &form).await;
    assert_eq!(status, 200);
    let (status, _, e) = b.token(CONFIDENTIAL, &form).await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_grant")));
    let (status, _, _) = b.userinfo(t["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401, "the first access token is revoked after the replay");
    let (status, _, _) = b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", t["refresh_token"].as_str().unwrap())]).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn refresh_token_reuse_revokes_the_family() {
    let op = start(&[]).await;
    let b = browser(&op);
    let t = b.tokens(CONFIDENTIAL).await;
    let rt1 = t["refresh_token"].as_str().unwrap();
    let (_, _, r) = b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt1)]).await;
    let rt2 = r["refresh_token"].as_str().unwrap();
    let (status, _, _) = b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt1)]).await;
    assert_eq!(status, 400, "rotated token reused");
    let (status, _, e) = b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt2)]).await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_grant")), "family revoked");
}

#[tokio::test]
async fn third_party_consent_deny_allow_and_remembered() {
    let op = start(&[]).await;
    let b = browser(&op);
    let base = [("response_type", "code"), ("client_id", THIRD_PARTY.id), ("redirect_uri", REDIRECT), ("scope", "openid email"), ("state", "s9")];
    let cb = b.authorize(&base, Some(("alice", "alice-demo-password")), false).await.callback();
    assert_eq!(param(&cb, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&cb, "state").as_deref(), Some("s9"));
    let cb = b.authorize(&base, None, true).await.callback();
    assert!(param(&cb, "code").is_some(), "session reused, consent page allowed: {cb:?}");
    // Remembered: no consent page now, even if we would deny.
    let cb = b.authorize(&base, None, false).await.callback();
    assert!(param(&cb, "code").is_some());
    // A wider scope asks again.
    let mut wider = base.to_vec();
    wider[3] = ("scope", "openid email phone");
    let cb = b.authorize(&wider, None, false).await.callback();
    assert_eq!(param(&cb, "error").as_deref(), Some("access_denied"));
}

#[tokio::test]
async fn wrong_password_shows_the_form_again_with_a_marker() {
    let op = start(&[]).await;
    let b = browser(&op);
    let (_, challenge) = pkce();
    let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("code_challenge", challenge.as_str()), ("code_challenge_method", "S256")];
    match b.authorize(&params, Some(("alice", "wrong")), true).await {
        Outcome::Page(200, body) => {
            assert!(body.contains("data-error=\"invalid_credentials\"") && body.contains("type=\"password\""));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn prompt_none_max_age_and_prompt_login() {
    let op = start(&[]).await;
    let b = browser(&op);
    let (_, challenge) = pkce();
    let base = vec![("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("code_challenge", challenge.as_str()), ("code_challenge_method", "S256")];
    let mut none = base.clone();
    none.push(("prompt", "none"));
    let cb = b.authorize(&none, None, true).await.callback();
    assert_eq!(param(&cb, "error").as_deref(), Some("login_required"));
    b.authorize(&base, Some(("alice", "alice-demo-password")), true).await.callback();
    let cb = b.authorize(&none, None, true).await.callback();
    assert!(param(&cb, "code").is_some(), "{cb:?}");
    let mut login = base.clone();
    login.push(("prompt", "login"));
    assert!(matches!(b.authorize(&login, None, true).await, Outcome::Page(200, _)), "prompt=login shows the form");
    let mut aged = none.clone();
    aged.push(("max_age", "0"));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let cb = b.authorize(&aged, None, true).await.callback();
    assert_eq!(param(&cb, "error").as_deref(), Some("login_required"));
}

#[tokio::test]
async fn form_post_response_mode_posts_the_code() {
    let op = start(&[]).await;
    let b = browser(&op);
    let (_, challenge) = pkce();
    b.authorize(&[("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("code_challenge", &challenge), ("code_challenge_method", "S256")], Some(("alice", "alice-demo-password")), true).await.callback();
    let mut url = url::Url::parse(&b.url("/authorize")).unwrap();
    url.query_pairs_mut().extend_pairs([("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("state", "fp"), ("response_mode", "form_post"), ("code_challenge", &challenge), ("code_challenge_method", "S256")]);
    let res = b.http.get(url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'sha256-"), "{csp}");
    let body = res.text().await.unwrap();
    assert!(body.contains(&format!("action=\"{REDIRECT}\"")) && hidden(&body, "code").is_some());
    assert_eq!(hidden(&body, "state").as_deref(), Some("fp"));
}

#[tokio::test]
async fn public_client_es256_client_and_client_credentials() {
    let op = start(&[]).await;
    let b = browser(&op);
    let t = b.tokens(PUBLIC).await;
    assert!(t["id_token"].is_string());
    let t = b.tokens(ES256).await;
    let (hdr, _) = op.provider.keys().verify(t["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(hdr["alg"], "ES256");
    let (status, _, cc) = b.token(CONFIDENTIAL, &[("grant_type", "client_credentials"), ("scope", "email")]).await;
    assert_eq!(status, 200, "{cc}");
    assert!(cc.get("id_token").is_none() && cc.get("refresh_token").is_none());
    assert_eq!(claims(cc["access_token"].as_str().unwrap())["sub"], "demo-client");
    assert_eq!(cc["scope"], "email");
    // Without a scope the grant carries none, and the response says none (no `"scope": ""`).
    let (status, _, cc) = b.token(CONFIDENTIAL, &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, 200, "{cc}");
    assert!(cc.get("scope").is_none(), "{cc}");
}

#[tokio::test]
async fn claims_parameter_releases_requested_claims() {
    let op = start(&[]).await;
    let b = browser(&op);
    let req = r#"{"userinfo":{"phone_number":{"essential":true}},"id_token":{"email":null}}"#;
    let (code, verifier, _) = b.code(CONFIDENTIAL, &[("scope", "openid"), ("claims", req)]).await;
    let (_, _, t) = b.token(CONFIDENTIAL, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT), ("code_verifier", &verifier)]).await;
    assert_eq!(claims(t["id_token"].as_str().unwrap())["email"], "alice@example.com");
    let (_, _, info) = b.userinfo(t["access_token"].as_str().unwrap()).await;
    assert_eq!(info["phone_number"], "+1 555 0100");
    assert!(info.get("email").is_none());
}

#[tokio::test]
async fn logout_redirects_only_to_registered_uris() {
    let op = start(&[]).await;
    let b = browser(&op);
    let t = b.tokens(CONFIDENTIAL).await;
    let id = t["id_token"].as_str().unwrap();
    assert!(b.http.has_cookie("op_session"), "the login left a session cookie");
    let res = b.http.get(b.url("/logout")).query(&[("id_token_hint", id), ("post_logout_redirect_uri", "http://evil.example/"), ("state", "x")]).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(b.http.has_cookie("op_session"), "a refused logout keeps the session");
    assert!(res.headers().get("location").is_none());
    let res = b.http.get(b.url("/logout")).query(&[("id_token_hint", id), ("post_logout_redirect_uri", "http://127.0.0.1:8765/logged-out"), ("state", "x")]).send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "http://127.0.0.1:8765/logged-out?state=x");
    assert!(!b.http.has_cookie("op_session"), "logout expires the session cookie");
    // The session is gone: prompt=none now needs a login.
    let (_, challenge) = pkce();
    let cb = b.authorize(&[("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("prompt", "none"), ("code_challenge", &challenge), ("code_challenge_method", "S256")], None, true).await.callback();
    assert_eq!(param(&cb, "error").as_deref(), Some("login_required"));
}

#[tokio::test]
async fn key_rotation_keeps_the_old_key_published() {
    let op = start(&[]).await;
    let b = browser(&op);
    let before = b.tokens(CONFIDENTIAL).await;
    let old_kid = segment(before["id_token"].as_str().unwrap(), 0)["kid"].as_str().unwrap().to_owned();
    let new_kid = op.provider.rotate_key(reference_provider::keys::SigningAlg::Rs256).unwrap();
    assert_ne!(old_kid, new_kid);
    let jwks: Value = b.http.get(b.url("/jwks")).send().await.unwrap().json().await.unwrap();
    let kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert!(kids.contains(&old_kid.as_str()) && kids.contains(&new_kid.as_str()));
    let after = b.tokens(CONFIDENTIAL).await;
    assert_eq!(segment(after["id_token"].as_str().unwrap(), 0)["kid"], new_kid.as_str());
    assert!(op.provider.keys().verify(before["id_token"].as_str().unwrap()).is_ok());
}

#[tokio::test]
async fn every_advertised_alg_signs_id_tokens_for_a_client_that_registered_it() {
    use reference_provider::keys::SigningAlg;
    let mut config = test_config();
    let template = config.clients.iter().find(|c| c.client_id == "demo-es256").unwrap().clone();
    for alg in SigningAlg::ALL {
        let mut c = template.clone();
        c.client_id = format!("alg-{}", alg.as_str());
        c.id_token_signed_response_alg = Some(alg);
        config.clients.push(c);
    }
    let op = start_with(config, &[], reference_provider::Storage::Memory).await;
    let b = browser(&op);
    let doc: Value = b.http.get(b.url("/.well-known/openid-configuration")).send().await.unwrap().json().await.unwrap();
    let advertised: Vec<&str> = doc["id_token_signing_alg_values_supported"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    for alg in SigningAlg::ALL {
        assert!(advertised.contains(&alg.as_str()));
        let id: &'static str = Box::leak(format!("alg-{}", alg.as_str()).into_boxed_str());
        let client = Client { id, secret: Some("demo-es256-secret"), post: false };
        let t = b.tokens(client).await;
        let (hdr, _) = op.provider.keys().verify(t["id_token"].as_str().unwrap()).unwrap();
        assert_eq!(hdr["alg"], alg.as_str());
    }
}
