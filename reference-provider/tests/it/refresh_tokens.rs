//! Refresh-token families over HTTP: any older generation of a family is reuse and revokes the
//! grant, forged tokens revoke nothing, introspection tells current from used, and tokens carried
//! over from schema version 2 rotate into families.

use reference_provider::protocol::refresh_token::RefreshToken;
use reference_provider::random::fingerprint;
use reference_provider::store::RefreshRecord;
use serde_json::Value;

use super::support::*;

/// Presents `rt` to the refresh grant: status, `error`, and the new refresh token.
async fn refresh(b: &Browser, rt: &str) -> (u16, Option<String>, Option<String>) {
    let (status, _, r) = b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", rt)]).await;
    let field = |k: &str| r[k].as_str().map(str::to_owned);
    (status, field("error"), field("refresh_token"))
}

async fn introspect(b: &Browser, token: &str) -> Value {
    let res = b.http.post(b.url("/introspect")).basic_auth("demo-client", Some("demo-client-secret")).form(&[("token", token)]).send().await.unwrap();
    res.json::<Value>().await.unwrap()
}

/// The four dot-separated parts of a token.
fn parts(rt: &str) -> Vec<String> {
    rt.split('.').map(str::to_owned).collect()
}

#[tokio::test]
async fn tokens_name_their_family_and_any_older_generation_is_reuse() {
    let op = start(&[]).await;
    let b = browser(&op);
    let mut chain = vec![b.tokens(CONFIDENTIAL).await["refresh_token"].as_str().unwrap().to_owned()];
    for _ in 0..3 {
        let (status, error, next) = refresh(&b, chain.last().unwrap()).await;
        assert_eq!((status, error), (200, None));
        chain.push(next.unwrap());
    }
    let family = RefreshToken::parse(&chain[0]).unwrap().family;
    let other = RefreshToken::parse(b.tokens(CONFIDENTIAL).await["refresh_token"].as_str().unwrap()).unwrap().family;
    assert_ne!(family.abs_diff(other), 1, "family ids are random, not consecutive");
    for (generation, rt) in chain.iter().enumerate() {
        let parsed = RefreshToken::parse(rt).unwrap_or_else(|| panic!("{generation}: not a family token"));
        assert_eq!((parsed.family, parsed.generation), (family, i64::try_from(generation).unwrap()));
        assert_eq!(parts(rt)[2], parts(&chain[0])[2], "one family secret");
        assert_eq!(parts(rt)[3].len(), 43, "a 32-byte secret of its own");
    }
    assert_eq!(introspect(&b, &chain[3]).await["active"], true);
    assert_eq!(introspect(&b, &chain[1]).await["active"], false, "used");
    // The first token, three rotations old, is still recognised: the grant goes.
    assert_eq!(refresh(&b, &chain[0]).await.1.as_deref(), Some("invalid_grant"));
    assert_eq!(refresh(&b, &chain[3]).await.1.as_deref(), Some("invalid_grant"), "the grant is revoked");
    assert_eq!(introspect(&b, &chain[3]).await["active"], false);
    op.stop().await;
}

#[tokio::test]
async fn forged_tokens_are_unknown_and_revoke_nothing() {
    let op = start(&[]).await;
    let b = browser(&op);
    let rt = b.tokens(CONFIDENTIAL).await["refresh_token"].as_str().unwrap().to_owned();
    let [id, generation, family_secret, secret] = <[String; 4]>::try_from(parts(&rt)).unwrap();
    let other_id = (id.parse::<i64>().unwrap() + 1).to_string();
    let forged = [
        format!("{id}.{generation}.AAAAAAAAAAAAAAAAAAAAAA.{secret}"),
        format!("{id}.{generation}.{family_secret}.{}", "A".repeat(43)),
        format!("{id}.1.{family_secret}.{secret}"),
        format!("{other_id}.0.{family_secret}.{secret}"),
        format!("{id}.{generation}.{family_secret}"),
        format!("{id}.{generation}.{family_secret}.{secret}.x"),
        secret.clone(),
    ];
    for token in &forged {
        assert_eq!(refresh(&b, token).await, (400, Some("invalid_grant".to_owned()), None), "{token}");
        assert_eq!(introspect(&b, token).await["active"], false);
    }
    let (status, error, next) = refresh(&b, &rt).await;
    assert_eq!((status, error), (200, None), "the real token still works");
    assert!(next.is_some());
    op.stop().await;
}

#[tokio::test]
async fn a_carried_over_token_rotates_into_its_family_and_its_reuse_is_detected() {
    let op = start(&[]).await;
    let b = browser(&op);
    let store = op.provider.store();
    // What migration 3 makes of an unused version-2 token: its family, found by its hash.
    let rt = b.tokens(CONFIDENTIAL).await["refresh_token"].as_str().unwrap().to_owned();
    let (template, _) = store.refresh_family(RefreshToken::parse(&rt).unwrap().family).unwrap().unwrap();
    let legacy = "a-version-2-refresh-token-without-dots-0123456";
    let hash = fingerprint(legacy);
    let family = store
        .insert_refresh(&RefreshRecord {
            family: 0,
            family_hash: String::new(),
            token_hash: hash.clone(),
            legacy_hash: Some(hash),
            grant_id: "grant-carried-over".to_owned(),
            ..template
        })
        .unwrap();
    assert_eq!(introspect(&b, legacy).await["active"], true);

    let (status, error, next) = refresh(&b, legacy).await;
    assert_eq!((status, error), (200, None));
    let next = next.unwrap();
    let parsed = RefreshToken::parse(&next).unwrap();
    assert_eq!((parsed.family, parsed.generation), (family, 1));
    assert_eq!(introspect(&b, legacy).await["active"], false, "used");
    assert_eq!(introspect(&b, &next).await["active"], true);
    // The carried-over token is now used: presenting it again revokes the grant.
    assert_eq!(refresh(&b, legacy).await.1.as_deref(), Some("invalid_grant"));
    assert_eq!(refresh(&b, &next).await.1.as_deref(), Some("invalid_grant"));
    assert!(store.grant_revoked("grant-carried-over").unwrap());
    // The family the template came from is untouched.
    assert_eq!(refresh(&b, &rt).await.0, 200);
    op.stop().await;
}
