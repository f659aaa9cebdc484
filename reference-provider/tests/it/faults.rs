//! Every fault changes the behaviour it names: each probe observes the rule the fault breaks and
//! must report "misbehaves" with the fault on and "behaves" with no fault.

use std::sync::Arc;

use reference_provider::clock::{Clock as _, ManualClock, SystemClock};
use reference_provider::keys::{SigningAlg, left_half_hash};
use reference_provider::{Fault, FaultSet, Options, Running, Storage};
use serde_json::Value;

use super::support::*;

struct Op {
    running: Running,
    clock: Arc<ManualClock>,
    b: Browser,
}

async fn op(faults: &[Fault]) -> Op {
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let running = reference_provider::start(Options {
        config: test_config(),
        faults: FaultSet::of(faults.iter().copied()),
        storage: Storage::Memory,
        clock: clock.clone(),
    })
    .await
    .unwrap();
    let b = browser(&running);
    Op { running, clock, b }
}

fn now(op: &Op) -> i64 {
    op.clock.now()
}

async fn exchange(b: &Browser, client: Client, code: &str, verifier: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    b.token(client, &[("grant_type", "authorization_code"), ("code", code), ("redirect_uri", REDIRECT), ("code_verifier", verifier)]).await
}

async fn id_token(op: &Op, extra: &[(&str, &str)]) -> (Value, Value, Value) {
    let (code, verifier, _) = op.b.code(CONFIDENTIAL, extra).await;
    let (_, _, t) = exchange(&op.b, CONFIDENTIAL, &code, &verifier).await;
    let id = t["id_token"].as_str().unwrap();
    (segment(id, 0), claims(id), t)
}

async fn get_json(b: &Browser, path: &str) -> Value {
    b.http.get(b.url(path)).send().await.unwrap().json().await.unwrap()
}

/// Returns true when the provider breaks the rule `fault` names.
async fn misbehaves(fault: Fault, op: &Op) -> bool {
    let b = &op.b;
    let issuer = op.running.issuer().to_owned();
    match fault {
        Fault::IdTokenWrongIss => id_token(op, &[]).await.1["iss"] != issuer.as_str(),
        Fault::IdTokenNoAud => id_token(op, &[]).await.1.get("aud").is_none(),
        Fault::IdTokenWrongAud => id_token(op, &[]).await.1["aud"] != CONFIDENTIAL.id,
        Fault::IdTokenExpired => id_token(op, &[]).await.1["exp"].as_i64().unwrap() <= now(op),
        Fault::IdTokenIatFuture => id_token(op, &[]).await.1["iat"].as_i64().unwrap() > now(op) + 60,
        Fault::IdTokenNoNonce => id_token(op, &[]).await.1.get("nonce").is_none(),
        Fault::IdTokenWrongNonce => id_token(op, &[]).await.1["nonce"] != "n-456",
        Fault::IdTokenBadAtHash => {
            let (_, c, t) = id_token(op, &[]).await;
            c["at_hash"] != left_half_hash(SigningAlg::Rs256, t["access_token"].as_str().unwrap()).as_str()
        }
        Fault::IdTokenUnknownKid => {
            let kid = id_token(op, &[]).await.0["kid"].clone();
            !get_json(b, "/jwks").await["keys"].as_array().unwrap().iter().any(|k| k["kid"] == kid)
        }
        Fault::IdTokenAlgNone => id_token(op, &[]).await.0["alg"] == "none",
        Fault::IdTokenBadSignature => {
            let t = id_token(op, &[]).await.2;
            op.running.provider.keys().verify(t["id_token"].as_str().unwrap()).is_err()
        }
        Fault::IdTokenTypAtJwt => id_token(op, &[]).await.0["typ"] == "at+jwt",
        Fault::IdTokenNoAuthTime => id_token(op, &[("max_age", "3600")]).await.1.get("auth_time").is_none(),
        Fault::IdTokenLongSub => id_token(op, &[]).await.1["sub"].as_str().unwrap().len() > 255,
        Fault::CodeReusable => {
            let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
            exchange(b, CONFIDENTIAL, &code, &verifier).await;
            exchange(b, CONFIDENTIAL, &code, &verifier).await.0 == 200
        }
        Fault::CodeNotBoundToClient => {
            let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
            exchange(b, ES256, &code, &verifier).await.0 == 200
        }
        Fault::ExpiredCodeAccepted => {
            let (code, verifier, _) = b.code(SHORT, &[]).await;
            op.clock.advance(10);
            exchange(b, SHORT, &code, &verifier).await.0 == 200
        }
        Fault::RedirectUriNotChecked => {
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", "http://evil.example/cb"), ("scope", "openid"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            matches!(b.authorize(&params, Some(("alice", "alice-demo-password")), true).await, Outcome::Callback(p) if param(&p, "code").is_some())
        }
        Fault::RedirectUriNotCheckedAtToken => {
            let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
            let form = [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", "http://127.0.0.1:8765/other"), ("code_verifier", verifier.as_str())];
            b.token(CONFIDENTIAL, &form).await.0 == 200
        }
        Fault::ErrorRedirectUnregistered => {
            let res = b.http.get(b.url("/authorize")).query(&[("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", "http://evil.example/cb"), ("scope", "openid")]).send().await.unwrap();
            res.headers().get("location").is_some_and(|l| l.to_str().unwrap().starts_with("http://evil.example/"))
        }
        Fault::MissingResponseTypeAccepted => {
            let (_, ch) = pkce();
            let params = [("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            param(&b.authorize(&params, Some(("alice", "alice-demo-password")), true).await.callback(), "code").is_some()
        }
        Fault::UnsupportedResponseTypeWrongError => {
            let params = [("response_type", "token"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid")];
            param(&b.authorize(&params, None, true).await.callback(), "error").as_deref() != Some("unsupported_response_type")
        }
        Fault::UnsupportedResponseTypeNotRedirected => {
            let params = [("response_type", "token"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid")];
            matches!(b.authorize(&params, None, true).await, Outcome::Page(..))
        }
        Fault::PkceNotVerified => {
            let (code, _, _) = b.code(CONFIDENTIAL, &[]).await;
            exchange(b, CONFIDENTIAL, &code, &"w".repeat(43)).await.0 == 200
        }
        Fault::PkcePlainAccepted => {
            let v = "p".repeat(43);
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("code_challenge", v.as_str()), ("code_challenge_method", "plain")];
            let cb = b.authorize(&params, Some(("alice", "alice-demo-password")), true).await.callback();
            param(&cb, "code").is_some()
        }
        Fault::PublicClientWithoutPkce => {
            let params = [("response_type", "code"), ("client_id", PUBLIC.id), ("redirect_uri", REDIRECT), ("scope", "openid")];
            let cb = b.authorize(&params, Some(("alice", "alice-demo-password")), true).await.callback();
            param(&cb, "code").is_some()
        }
        Fault::StateNotEchoed => param(&b.code(CONFIDENTIAL, &[]).await.2, "state").is_none(),
        Fault::IssParamMissing => param(&b.code(CONFIDENTIAL, &[]).await.2, "iss").is_none(),
        Fault::ConsentSkippedThirdParty => {
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", THIRD_PARTY.id), ("redirect_uri", REDIRECT), ("scope", "openid email"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            // Denying consent yields access_denied, unless no consent page was shown at all.
            let cb = b.authorize(&params, Some(("alice", "alice-demo-password")), false).await.callback();
            param(&cb, "code").is_some()
        }
        Fault::PromptNoneShowsLogin => {
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("prompt", "none"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            matches!(b.authorize(&params, None, true).await, Outcome::Page(_, body) if body.contains("type=\"password\""))
        }
        Fault::MaxAgeIgnored => {
            b.code(CONFIDENTIAL, &[]).await;
            op.clock.advance(120);
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("prompt", "none"), ("max_age", "60"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            param(&b.authorize(&params, None, true).await.callback(), "code").is_some()
        }
        Fault::ScopeWidened => id_token(op, &[]).await.2["scope"] != "openid profile email",
        Fault::TokenTypeWrong => !id_token(op, &[]).await.2["token_type"].as_str().unwrap().eq_ignore_ascii_case("bearer"),
        Fault::NoCacheControl => {
            let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
            exchange(b, CONFIDENTIAL, &code, &verifier).await.1["cache-control"] != "no-store"
        }
        Fault::ClientSecretNotChecked => {
            let wrong = Client { id: CONFIDENTIAL.id, secret: Some("not-the-secret"), post: false };
            b.token(wrong, &[("grant_type", "client_credentials")]).await.0 == 200
        }
        Fault::RefreshNotRotated => {
            let t = b.tokens(CONFIDENTIAL).await;
            let rt = t["refresh_token"].as_str().unwrap();
            b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt)]).await;
            b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt)]).await.0 == 200
        }
        Fault::RefreshNotBoundToClient => {
            let t = b.tokens(CONFIDENTIAL).await;
            b.token(ES256, &[("grant_type", "refresh_token"), ("refresh_token", t["refresh_token"].as_str().unwrap())]).await.0 == 200
        }
        Fault::RefreshScopeWidening => {
            let t = b.tokens(CONFIDENTIAL).await;
            let form = [("grant_type", "refresh_token"), ("refresh_token", t["refresh_token"].as_str().unwrap()), ("scope", "openid phone")];
            b.token(CONFIDENTIAL, &form).await.0 == 200
        }
        Fault::UserinfoWrongSub => {
            let (_, c, t) = id_token(op, &[]).await;
            b.userinfo(t["access_token"].as_str().unwrap()).await.2["sub"] != c["sub"]
        }
        Fault::UserinfoNoWwwAuthenticate => b.userinfo("bogus").await.1.is_none(),
        Fault::UserinfoAcceptsIdToken => {
            let t = id_token(op, &[]).await.2;
            b.userinfo(t["id_token"].as_str().unwrap()).await.0 == 200
        }
        Fault::JwksPrivateMaterial => get_json(b, "/jwks").await["keys"].as_array().unwrap().iter().any(|k| k.get("d").is_some()),
        Fault::DiscoveryWrongIssuer => get_json(b, "/.well-known/openid-configuration").await["issuer"] != issuer.as_str(),
        Fault::RevocationNoop => {
            let t = b.tokens(CONFIDENTIAL).await;
            let rt = t["refresh_token"].as_str().unwrap();
            b.http.post(b.url("/revoke")).basic_auth(CONFIDENTIAL.id, CONFIDENTIAL.secret).form(&[("token", rt)]).send().await.unwrap();
            b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt)]).await.0 == 200
        }
        Fault::LogoutOpenRedirect => {
            let t = b.tokens(CONFIDENTIAL).await;
            let res = b.http.get(b.url("/logout")).query(&[("id_token_hint", t["id_token"].as_str().unwrap()), ("post_logout_redirect_uri", "http://evil.example/")]).send().await.unwrap();
            res.headers().get("location").is_some_and(|l| l.to_str().unwrap().starts_with("http://evil.example/"))
        }
        Fault::IdTokenNotEncrypted => {
            let encrypted = Client { id: "demo-encrypted", secret: Some("demo-encrypted-secret"), post: false };
            let (code, verifier, _) = b.code(encrypted, &[]).await;
            let (_, _, t) = exchange(b, encrypted, &code, &verifier).await;
            t["id_token"].as_str().unwrap().split('.').count() != 5
        }
        other => panic!("no probe for fault {other}: add one"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_breaks_its_rule_and_only_with_the_fault_on() {
    let mut failures = Vec::new();
    for &fault in Fault::ALL {
        let healthy = op(&[]).await;
        if misbehaves(fault, &healthy).await {
            failures.push(format!("{fault}: probe fires on a correct provider"));
        }
        let broken = op(&[fault]).await;
        if !misbehaves(fault, &broken).await {
            failures.push(format!("{fault}: fault on, but the behaviour did not change"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
