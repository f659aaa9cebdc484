//! Every fault changes the behaviour it names: each probe observes the rule the fault breaks and
//! must report "misbehaves" with the fault on and "behaves" with no fault.

use std::sync::Arc;

use reference_provider::clock::{Clock as _, ManualClock, SystemClock};
use reference_provider::keys::{SigningAlg, left_half_hash};
use reference_provider::{Fault, FaultSet, Options, Running, Storage};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
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

async fn discovery(b: &Browser) -> Value {
    get_json(b, "/.well-known/openid-configuration").await
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

async fn jwks(b: &Browser) -> Vec<Value> {
    get_json(b, "/jwks").await["keys"].as_array().unwrap().clone()
}

/// The decoded modulus of every published RSA key.
async fn rsa_moduli(b: &Browser) -> Vec<Vec<u8>> {
    let keys = jwks(b).await;
    keys.iter().filter(|k| k["kty"] == "RSA").map(|k| URL_SAFE_NO_PAD.decode(k["n"].as_str().unwrap()).unwrap()).collect()
}

/// The claims of the ID token from a code exchange and of the one from refreshing it.
async fn refreshed_id_tokens(op: &Op) -> (Value, Value) {
    let t = op.b.tokens(CONFIDENTIAL).await;
    let form = [("grant_type", "refresh_token"), ("refresh_token", t["refresh_token"].as_str().unwrap())];
    let (status, _, again) = op.b.token(CONFIDENTIAL, &form).await;
    assert_eq!(status, 200, "{again}");
    (claims(t["id_token"].as_str().unwrap()), claims(again["id_token"].as_str().unwrap()))
}

/// The post_logout_redirect_uri registered for the confidential client.
const LOGGED_OUT: &str = "http://127.0.0.1:8765/logged-out";

/// The `Location` of a logout request's answer, if it redirected.
async fn logout_location(b: &Browser, query: &[(&str, &str)]) -> Option<String> {
    let res = b.http.get(b.url("/logout")).query(query).send().await.unwrap();
    res.headers().get("location").map(|l| l.to_str().unwrap().to_owned())
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
        Fault::DiscoveryScopesWithoutOpenid => !strings(&discovery(b).await["scopes_supported"]).contains(&"openid".to_owned()),
        Fault::DiscoveryNoResponseTypes => discovery(b).await.get("response_types_supported").is_none(),
        Fault::DiscoveryNoSubjectTypes => discovery(b).await.get("subject_types_supported").is_none(),
        Fault::DiscoveryUnknownSubjectType => strings(&discovery(b).await["subject_types_supported"]).iter().any(|t| t != "public" && t != "pairwise"),
        Fault::AccessTokenTypJwt => {
            let t = b.tokens(CONFIDENTIAL).await;
            let at = t["access_token"].as_str().unwrap();
            segment(at, 0)["typ"] == "JWT" && b.http.get(b.url("/userinfo")).bearer_auth(at).send().await.unwrap().status() == 200
        }
        Fault::DiscoveryClaimsIncomplete => {
            let claims = strings(&discovery(b).await["claims_supported"]);
            !claims.is_empty() && !claims.contains(&"email".to_owned())
        }
        Fault::DiscoveryOmitsPkceMethods => discovery(b).await.get("code_challenge_methods_supported").is_none(),
        Fault::DiscoveryOmitsRefreshGrant => {
            let grants = strings(&discovery(b).await["grant_types_supported"]);
            !grants.is_empty() && !grants.contains(&"refresh_token".to_owned())
        }
        Fault::DiscoveryAdvertisesNone => strings(&discovery(b).await["id_token_signing_alg_values_supported"]).contains(&"none".to_owned()),
        Fault::DiscoveryResponseTypeUnregistered => strings(&discovery(b).await["response_types_supported"]).contains(&"authorization_code".to_owned()),
        Fault::DiscoveryNoCodeGrant => !strings(&discovery(b).await["grant_types_supported"]).contains(&"authorization_code".to_owned()),
        Fault::DiscoveryIssParamNotBoolean => !discovery(b).await["authorization_response_iss_parameter_supported"].is_boolean(),
        Fault::DiscoveryEndpointFragment => discovery(b).await.as_object().unwrap().iter().any(|(k, v)| k.ends_with("_endpoint") && v.as_str().is_some_and(|u| u.contains('#'))),
        Fault::DiscoveryScopeBadSyntax => strings(&discovery(b).await["scopes_supported"]).iter().any(|s| s.is_empty() || s.bytes().any(|c| !(c == 0x21 || (0x23..=0x5B).contains(&c) || (0x5D..=0x7E).contains(&c)))),
        Fault::DiscoveryResponseTypesWithoutCode => !strings(&discovery(b).await["response_types_supported"]).contains(&"code".to_owned()),
        Fault::DiscoveryNoS256 => !strings(&discovery(b).await["code_challenge_methods_supported"]).contains(&"S256".to_owned()),
        Fault::DiscoveryAlgsWithoutRs256 => !strings(&discovery(b).await["id_token_signing_alg_values_supported"]).contains(&"RS256".to_owned()),
        Fault::DiscoveryAlgsOnlyNone => strings(&discovery(b).await["id_token_signing_alg_values_supported"]).iter().all(|a| a == "none"),
        Fault::DiscoveryFieldWrongType => !discovery(b).await["claims_parameter_supported"].is_boolean(),
        Fault::DiscoveryNotFound => b.http.get(b.url("/.well-known/openid-configuration")).send().await.unwrap().status().as_u16() != 200,
        Fault::DiscoveryBodyArray => discovery(b).await.is_array(),
        Fault::DiscoveryNoIssuer => discovery(b).await.get("issuer").is_none(),
        Fault::DiscoveryNoTokenEndpoint => discovery(b).await.get("token_endpoint").is_none(),
        Fault::DiscoveryNoAuthorizationEndpoint => discovery(b).await.get("authorization_endpoint").is_none(),
        Fault::DiscoveryNoJwksUri => discovery(b).await.get("jwks_uri").is_none(),
        Fault::DiscoveryNoIdTokenAlgs => discovery(b).await.get("id_token_signing_alg_values_supported").is_none(),
        Fault::DiscoveryAlgWithoutKey => {
            let keys = jwks(b).await;
            let advertised = strings(&discovery(b).await["id_token_signing_alg_values_supported"]);
            advertised.iter().any(|a| !a.starts_with("HS") && !keys.iter().any(|k| k["alg"] == a.as_str()))
        }
        Fault::DiscoveryContentTypeText => {
            let res = b.http.get(b.url("/.well-known/openid-configuration")).send().await.unwrap();
            res.headers()["content-type"].to_str().unwrap() != "application/json"
        }
        Fault::JwksKeyWithoutKty => jwks(b).await.iter().any(|k| k.get("kty").is_none()),
        Fault::JwksAlgKtyMismatch => jwks(b).await.iter().any(|k| k["kty"] == "RSA" && k["alg"].as_str().is_some_and(|a| !a.starts_with("RS") && !a.starts_with("PS"))),
        Fault::JwksUseMissingWhenMixed => {
            let keys = jwks(b).await;
            keys.iter().any(|k| k["use"] == "enc") && keys.iter().any(|k| k.get("use").is_none())
        }
        Fault::JwksNotFound => b.http.get(b.url("/jwks")).send().await.unwrap().status().as_u16() != 200,
        Fault::JwksEmpty => jwks(b).await.is_empty(),
        Fault::JwksKeyMalformed => jwks(b).await.iter().any(|k| k["kty"] == "RSA" && URL_SAFE_NO_PAD.decode(k["n"].as_str().unwrap_or("")).is_err()),
        Fault::JwksRsaShortModulus => rsa_moduli(b).await.iter().any(|n| n.len() < 256),
        Fault::JwksRsaLeadingZero => rsa_moduli(b).await.iter().any(|n| n.first() == Some(&0)),
        Fault::TokenSuccessWithErrorField => b.tokens(CONFIDENTIAL).await.get("error").is_some(),
        Fault::TokenExpiresInZero => b.tokens(CONFIDENTIAL).await["expires_in"].as_i64().unwrap() <= 0,
        Fault::ClientAuthChallengeBearer | Fault::ClientAuthChallengeNoRealm => {
            let wrong = Client { id: CONFIDENTIAL.id, secret: Some("not-the-secret"), post: false };
            let (status, headers, _) = b.token(wrong, &[("grant_type", "client_credentials")]).await;
            let challenge = headers.get("www-authenticate").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            status == 401
                && if fault == Fault::ClientAuthChallengeBearer { challenge.starts_with("Bearer") } else { challenge.starts_with("Basic") && !challenge.contains("realm") }
        }
        Fault::ClientAuthNoChallenge => {
            let wrong = Client { id: CONFIDENTIAL.id, secret: Some("not-the-secret"), post: false };
            let (status, headers, _) = b.token(wrong, &[("grant_type", "client_credentials")]).await;
            status == 401 && headers.get("www-authenticate").is_none()
        }
        Fault::TokenContentTypeText => {
            let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
            exchange(b, CONFIDENTIAL, &code, &verifier).await.1["content-type"] != "application/json"
        }
        Fault::TokenTypeMissing => b.tokens(CONFIDENTIAL).await.get("token_type").is_none(),
        Fault::UsedCodeWrongError => {
            let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
            exchange(b, CONFIDENTIAL, &code, &verifier).await;
            exchange(b, CONFIDENTIAL, &code, &verifier).await.2["error"] != "invalid_grant"
        }
        Fault::UsedRefreshWrongError => {
            let t = b.tokens(CONFIDENTIAL).await;
            let rt = t["refresh_token"].as_str().unwrap();
            b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt)]).await;
            b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt)]).await.2["error"] != "invalid_grant"
        }
        Fault::TokenErrorDescriptionBadCharset => {
            let (_, _, e) = b.token(CONFIDENTIAL, &[("grant_type", "authorization_code"), ("code", "no-such-code")]).await;
            e["error_description"].as_str().is_some_and(|d| d.contains('"') && !d.is_ascii())
        }
        Fault::TokenErrorUriInvalid => {
            let (_, _, e) = b.token(CONFIDENTIAL, &[("grant_type", "authorization_code"), ("code", "no-such-code")]).await;
            e["error_uri"].as_str().is_some_and(|u| url::Url::parse(u).is_err())
        }
        Fault::TokenScopeDoubleSpace => b.tokens(CONFIDENTIAL).await["scope"].as_str().unwrap().contains("  "),
        Fault::ClientAuthMissingAccepted => {
            let id_only = Client { id: CONFIDENTIAL.id, secret: None, post: false };
            let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
            exchange(b, id_only, &code, &verifier).await.0 == 200
        }
        Fault::RevocationUnsupportedTokenType => {
            let t = b.tokens(CONFIDENTIAL).await;
            let res = b.http.post(b.url("/revoke")).basic_auth(CONFIDENTIAL.id, CONFIDENTIAL.secret).form(&[("token", t["refresh_token"].as_str().unwrap())]).send().await.unwrap();
            res.status().as_u16() != 200
        }
        Fault::IdTokenNoExp => id_token(op, &[]).await.1.get("exp").is_none(),
        Fault::IdTokenAuthTimeFuture => id_token(op, &[]).await.1["auth_time"].as_i64().is_some_and(|t| t > now(op) + 60),
        Fault::IdTokenNbfFuture => id_token(op, &[]).await.1["nbf"].as_i64().is_some_and(|n| n > now(op) + 60),
        Fault::IdTokenBadCHash => {
            let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
            let (_, _, t) = exchange(b, CONFIDENTIAL, &code, &verifier).await;
            let c = claims(t["id_token"].as_str().unwrap());
            c.get("c_hash").is_some_and(|h| h != left_half_hash(SigningAlg::Rs256, &code).as_str())
        }
        Fault::IdTokenWrongAzp => id_token(op, &[]).await.1.get("azp").is_some_and(|a| a != CONFIDENTIAL.id),
        Fault::IdTokenNoIat => id_token(op, &[]).await.1.get("iat").is_none(),
        Fault::RefreshIdTokenSubChanged => {
            let (first, again) = refreshed_id_tokens(op).await;
            first["sub"] != again["sub"]
        }
        Fault::RefreshIdTokenIatEarlier => {
            let (first, again) = refreshed_id_tokens(op).await;
            again["iat"].as_i64() < first["iat"].as_i64()
        }
        Fault::RefreshIdTokenAuthTimeChanged => {
            let (first, again) = refreshed_id_tokens(op).await;
            first["auth_time"] != again["auth_time"]
        }
        Fault::RefreshIdTokenIssChanged => {
            let (first, again) = refreshed_id_tokens(op).await;
            first["iss"] != again["iss"]
        }
        Fault::RefreshIdTokenAudChanged => {
            let (first, again) = refreshed_id_tokens(op).await;
            first["aud"] != again["aud"]
        }
        Fault::RefreshIdTokenNoAzp => {
            let (first, again) = refreshed_id_tokens(op).await;
            first.get("azp").is_some() && again.get("azp").is_none()
        }
        Fault::CodeRepeated => b.code(CONFIDENTIAL, &[]).await.2.iter().filter(|(k, _)| k == "code").count() > 1,
        Fault::IssParamRepeated => b.code(CONFIDENTIAL, &[]).await.2.iter().filter(|(k, _)| k == "iss").count() > 1,
        Fault::AuthzErrorDescriptionBadCharset => {
            let params = [("response_type", "token"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid")];
            param(&b.authorize(&params, None, true).await.callback(), "error_description").is_some_and(|d| d.contains('"'))
        }
        Fault::AuthzErrorUriBadCharset => {
            let params = [("response_type", "token"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid")];
            param(&b.authorize(&params, None, true).await.callback(), "error_uri").is_some_and(|u| u.contains(' '))
        }
        Fault::PromptNoneWrongError => {
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("prompt", "none"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            param(&b.authorize(&params, None, true).await.callback(), "error").as_deref() != Some("login_required")
        }
        Fault::IssParamWrong => param(&b.code(CONFIDENTIAL, &[]).await.2, "iss").is_some_and(|i| i != issuer),
        Fault::StateRepeated => b.code(CONFIDENTIAL, &[]).await.2.iter().filter(|(k, _)| k == "state").count() > 1,
        Fault::CodeResponseWithToken => param(&b.code(CONFIDENTIAL, &[]).await.2, "access_token").is_some(),
        Fault::ErrorResponseWithCode => {
            let params = [("response_type", "token"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid")];
            let cb = b.authorize(&params, None, true).await.callback();
            param(&cb, "error").is_some() && param(&cb, "code").is_some()
        }
        Fault::UserinfoClaimWrongType => {
            let t = b.tokens(CONFIDENTIAL).await;
            !b.userinfo(t["access_token"].as_str().unwrap()).await.2["email_verified"].is_boolean()
        }
        Fault::UserinfoPostRefused => {
            let t = b.tokens(CONFIDENTIAL).await;
            let res = b.http.post(b.url("/userinfo")).bearer_auth(t["access_token"].as_str().unwrap()).send().await.unwrap();
            res.status().as_u16() != 200
        }
        Fault::UserinfoChallengeNotBearer => b.userinfo("bogus").await.1.is_some_and(|c| !c.starts_with("Bearer ")),
        Fault::UserinfoContentTypeText => {
            let t = b.tokens(CONFIDENTIAL).await;
            let res = b.http.get(b.url("/userinfo")).bearer_auth(t["access_token"].as_str().unwrap()).send().await.unwrap();
            res.headers()["content-type"].to_str().unwrap() != "application/json"
        }
        Fault::UserinfoBodyArray => {
            let t = b.tokens(CONFIDENTIAL).await;
            b.userinfo(t["access_token"].as_str().unwrap()).await.2.is_array()
        }
        Fault::UserinfoNoSub => {
            let t = b.tokens(CONFIDENTIAL).await;
            b.userinfo(t["access_token"].as_str().unwrap()).await.2.get("sub").is_none()
        }
        Fault::ConsentDenyIssuesCode => {
            let (_, ch) = pkce();
            // prompt=consent forces the consent page, whatever the consent-skipping faults say.
            let params = [("response_type", "code"), ("client_id", THIRD_PARTY.id), ("redirect_uri", REDIRECT), ("scope", "openid email"), ("prompt", "consent"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            let cb = b.authorize(&params, Some(("alice", "alice-demo-password")), false).await.callback();
            param(&cb, "code").is_some()
        }
        Fault::PromptLoginIgnored => {
            b.code(CONFIDENTIAL, &[]).await;
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("prompt", "login"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            matches!(b.authorize(&params, None, true).await, Outcome::Callback(p) if param(&p, "code").is_some())
        }
        Fault::SilentAuthTimeReset => {
            let first = id_token(op, &[]).await.1;
            op.clock.advance(30);
            let silent = id_token(op, &[("prompt", "none")]).await.1;
            first["auth_time"] != silent["auth_time"]
        }
        Fault::LoginHintRejected => {
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("login_hint", "alice"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            param(&b.authorize(&params, Some(("alice", "alice-demo-password")), true).await.callback(), "code").is_none()
        }
        Fault::IdTokenHintRejected => {
            let hint = id_token(op, &[]).await.2["id_token"].as_str().unwrap().to_owned();
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("prompt", "none"), ("id_token_hint", hint.as_str()), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            param(&b.authorize(&params, None, true).await.callback(), "code").is_none()
        }
        Fault::IntrospectionAlwaysInactive => {
            let t = b.tokens(CONFIDENTIAL).await;
            let res = b.http.post(b.url("/introspect")).basic_auth(CONFIDENTIAL.id, CONFIDENTIAL.secret).form(&[("token", t["access_token"].as_str().unwrap())]).send().await.unwrap();
            res.json::<Value>().await.unwrap()["active"] != true
        }
        Fault::RevocationNoop => {
            let t = b.tokens(CONFIDENTIAL).await;
            let rt = t["refresh_token"].as_str().unwrap();
            b.http.post(b.url("/revoke")).basic_auth(CONFIDENTIAL.id, CONFIDENTIAL.secret).form(&[("token", rt)]).send().await.unwrap();
            b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt)]).await.0 == 200
        }
        Fault::LoginCrashWithoutPassword => {
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            let Outcome::Page(_, body) = b.authorize(&params, None, true).await else { return false };
            let form = [("interaction", hidden(&body, "interaction").unwrap()), ("csrf_token", hidden(&body, "csrf_token").unwrap()), ("username", "alice".to_owned())];
            b.http.post(b.url("/login")).form(&form).send().await.unwrap().status().is_server_error()
        }
        Fault::ConsentIgnoresCsrf | Fault::ConsentCrashWithoutDecision => {
            // Logged in, on the consent page: post it with a wrong token, or without a decision.
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", THIRD_PARTY.id), ("redirect_uri", REDIRECT), ("scope", "openid email"), ("prompt", "consent"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            let Outcome::Page(_, login) = b.authorize(&params, None, true).await else { return false };
            let form = [("interaction", hidden(&login, "interaction").unwrap()), ("csrf_token", hidden(&login, "csrf_token").unwrap()), ("username", "alice".to_owned()), ("password", "alice-demo-password".to_owned())];
            let mut res = b.http.post(b.url("/login")).form(&form).send().await.unwrap();
            while let Some(loc) = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned()) {
                res = b.http.get(url::Url::parse(&b.issuer).unwrap().join(&loc).unwrap()).send().await.unwrap();
            }
            let page = res.text().await.unwrap();
            let Some(interaction) = hidden(&page, "interaction") else { return false };
            let res = if fault == Fault::ConsentIgnoresCsrf {
                b.http.post(b.url("/consent")).form(&[("interaction", interaction.as_str()), ("csrf_token", "not-this-sessions"), ("decision", "allow")]).send().await.unwrap()
            } else {
                let csrf = hidden(&page, "csrf_token").unwrap();
                b.http.post(b.url("/consent")).form(&[("interaction", interaction.as_str()), ("csrf_token", csrf.as_str())]).send().await.unwrap()
            };
            if fault == Fault::ConsentIgnoresCsrf {
                res.headers().get("location").is_some_and(|l| l.to_str().unwrap().starts_with(REDIRECT) && l.to_str().unwrap().contains("code="))
            } else {
                res.status().is_server_error()
            }
        }
        Fault::LoginFormOtherOrigin => {
            // The login form's action names another origin than the issuer's, and a browser can
            // finish the login there (cookies do not depend on the port).
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            let Outcome::Page(_, body) = b.authorize(&params, None, true).await else { return false };
            let Some(action) = body.split("action=\"").nth(1).and_then(|r| r.split('"').next()).map(str::to_owned) else { return false };
            if !action.starts_with("http") || action.starts_with(&b.issuer) {
                return false;
            }
            let form = [("interaction", hidden(&body, "interaction").unwrap()), ("csrf_token", hidden(&body, "csrf_token").unwrap()), ("username", "alice".to_owned()), ("password", "alice-demo-password".to_owned())];
            b.http.post(action).form(&form).send().await.is_ok_and(|r| r.status().is_redirection())
        }
        Fault::LogoutOpenRedirect => {
            let t = b.tokens(CONFIDENTIAL).await;
            let res = b.http.get(b.url("/logout")).query(&[("id_token_hint", t["id_token"].as_str().unwrap()), ("post_logout_redirect_uri", "http://evil.example/")]).send().await.unwrap();
            res.headers().get("location").is_some_and(|l| l.to_str().unwrap().starts_with("http://evil.example/"))
        }
        Fault::LogoutDropsState => {
            let t = b.tokens(CONFIDENTIAL).await;
            let hint = t["id_token"].as_str().unwrap();
            !logout_location(b, &[("id_token_hint", hint), ("post_logout_redirect_uri", LOGGED_OUT), ("state", "s-1")]).await.is_some_and(|l| l.ends_with("state=s-1"))
        }
        Fault::LogoutKeepsSession => {
            let t = b.tokens(CONFIDENTIAL).await;
            let hint = t["id_token"].as_str().unwrap();
            assert!(logout_location(b, &[("id_token_hint", hint), ("post_logout_redirect_uri", LOGGED_OUT)]).await.is_some());
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("prompt", "none"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            param(&b.authorize(&params, None, true).await.callback(), "code").is_some()
        }
        Fault::LogoutAcceptsForeignHint | Fault::LogoutAcceptsUnsignedHint => {
            let t = b.tokens(CONFIDENTIAL).await;
            let hint = t["id_token"].as_str().unwrap();
            let &[header, claims, _] = hint.split('.').collect::<Vec<_>>().as_slice() else { panic!("{hint}") };
            let forged = if fault == Fault::LogoutAcceptsForeignHint {
                format!("{header}.{claims}.{}", URL_SAFE_NO_PAD.encode([7u8; 256]))
            } else {
                format!("{}.{claims}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#))
            };
            logout_location(b, &[("id_token_hint", forged.as_str()), ("post_logout_redirect_uri", LOGGED_OUT)]).await.is_some_and(|l| l.starts_with(LOGGED_OUT))
        }
        Fault::LogoutPrefixMatchRedirect => {
            let t = b.tokens(CONFIDENTIAL).await;
            let target = format!("{LOGGED_OUT}/elsewhere");
            let loc = logout_location(b, &[("id_token_hint", t["id_token"].as_str().unwrap()), ("post_logout_redirect_uri", target.as_str())]).await;
            loc.is_some_and(|l| l.starts_with(target.as_str()))
        }
        Fault::IdTokenNotEncrypted => {
            let encrypted = Client { id: "demo-encrypted", secret: Some("demo-encrypted-secret"), post: false };
            let (code, verifier, _) = b.code(encrypted, &[]).await;
            let (_, _, t) = exchange(b, encrypted, &code, &verifier).await;
            t["id_token"].as_str().unwrap().split('.').count() != 5
        }
        Fault::CodeCheckThenUse => {
            // Two redemptions of one code at once: with the fault both win (the window is a
            // database round trip long, so two tasks started together both land in it).
            let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
            let (a, c) = tokio::join!(exchange(b, CONFIDENTIAL, &code, &verifier), exchange(b, CONFIDENTIAL, &code, &verifier));
            a.0 == 200 && c.0 == 200
        }
        Fault::AuthorizeCrashOnLongNonce => {
            let (_, ch) = pkce();
            let nonce = "n".repeat(2048);
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("nonce", nonce.as_str()), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            b.http.get(b.url("/authorize")).query(&params).send().await.unwrap().status().as_u16() >= 500
        }
        Fault::AuthorizeFirstRepeatWins => {
            b.code(CONFIDENTIAL, &[]).await;
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", CONFIDENTIAL.id), ("redirect_uri", REDIRECT), ("scope", "openid"), ("state", "one"), ("state", "two"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            param(&b.authorize(&params, None, true).await.callback(), "code").is_some()
        }
        Fault::TokenCrashOnRepeat => b.token(CONFIDENTIAL, &[("grant_type", "client_credentials"), ("grant_type", "client_credentials")]).await.0 >= 500,
        Fault::TokenFirstRepeatWins => {
            let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
            let form = [("grant_type", "authorization_code"), ("code", code.as_str()), ("code", "another"), ("redirect_uri", REDIRECT), ("code_verifier", verifier.as_str())];
            b.token(CONFIDENTIAL, &form).await.0 == 200
        }
        Fault::UserinfoCrashOnLongToken => b.userinfo(&"t".repeat(5000)).await.0 >= 500,
        Fault::RevocationCrashWithoutToken => {
            let res = b.http.post(b.url("/revoke")).basic_auth(CONFIDENTIAL.id, CONFIDENTIAL.secret).form(&[("token_type_hint", "refresh_token")]).send().await.unwrap();
            res.status().as_u16() >= 500
        }
        Fault::IntrospectionCrashOnLongToken => {
            let long = "t".repeat(2048);
            let res = b.http.post(b.url("/introspect")).basic_auth(CONFIDENTIAL.id, CONFIDENTIAL.secret).form(&[("token", long.as_str())]).send().await.unwrap();
            res.status().as_u16() >= 500
        }
        Fault::EndSessionCrashOnLongState => {
            let state = "s".repeat(5000);
            b.http.get(b.url("/logout")).query(&[("state", state.as_str())]).send().await.unwrap().status().as_u16() >= 500
        }
        Fault::JwksKeyWithoutAlgOrUse => jwks(b).await.iter().any(|k| k.get("alg").is_none() && k.get("use").is_none()),
        Fault::JwksKeyForUnadvertisedAlg => {
            let advertised = strings(&discovery(b).await["id_token_signing_alg_values_supported"]);
            jwks(b).await.iter().any(|k| k["alg"].as_str().is_some_and(|a| !advertised.iter().any(|x| x == a)))
        }
        Fault::DiscoveryTokenEndpointOtherOrigin => !discovery(b).await["token_endpoint"].as_str().unwrap().starts_with(issuer.as_str()),
        Fault::PromptNoneShowsConsent | Fault::PromptNoneSkipsConsent => {
            // Signed in through the first-party client, then prompt=none for the never-approved
            // third-party client: consent_required, not a consent page and not a code.
            b.code(CONFIDENTIAL, &[]).await;
            let (_, ch) = pkce();
            let params = [("response_type", "code"), ("client_id", THIRD_PARTY.id), ("redirect_uri", REDIRECT), ("scope", "openid email"), ("prompt", "none"), ("code_challenge", &ch), ("code_challenge_method", "S256")];
            match b.authorize(&params, None, false).await {
                Outcome::Callback(p) => param(&p, "error").as_deref() != Some("consent_required"),
                Outcome::Page(..) => true,
            }
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
