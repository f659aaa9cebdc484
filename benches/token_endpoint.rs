//! Criterion: the reference provider's token endpoint in-process (its axum router driven with
//! `tower::ServiceExt::oneshot`, no socket): a `client_credentials` grant, and a `refresh_token`
//! grant with rotation (each iteration presents the refresh token the previous one returned).
//! The provider runs the demo configuration on an in-memory store with cheap password hashing;
//! `demo-client` signs with RS256, so the refresh line includes an RS256 ID token.
//!
//! Run: `cargo bench --bench token_endpoint`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, header};
use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt as _;
use reference_provider::config::PasswordHashCost;
use reference_provider::protocol::refresh_token;
use reference_provider::store::RefreshRecord;
use reference_provider::{Config, FaultSet, Provider, Storage, clock::SystemClock, random};
use serde_json::Value;
use tower::ServiceExt as _;

/// The seed refresh token's family secret and own secret.
const SEED_SECRETS: (&str, &str) = ("bench-family-secret-01", "bench-seed-refresh-token-0123456789abcdef");

/// The demo provider with one refresh token for alice (demo-client) already in its store, and
/// that token.
fn router() -> (axum::Router, String) {
    let mut config = Config::demo();
    config.password_hash = PasswordHashCost::cheap();
    let store = reference_provider::open_store(&Storage::Memory).expect("in-memory store");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
    let (family_secret, secret) = SEED_SECRETS;
    let family = store
        .insert_refresh(&RefreshRecord {
            family: 0,
            family_hash: random::fingerprint(family_secret),
            generation: 0,
            token_hash: random::fingerprint(secret),
            legacy_hash: None,
            grant_id: "bench-grant".into(),
            client_id: "demo-client".into(),
            user_sub: "248289761001".into(),
            scope: "openid profile email".into(),
            auth_time: now,
            claims_request: None,
            created_at: now,
            expires_at: now + 86_400,
            revoked_at: None,
        })
        .expect("seed refresh token");
    let rng = Arc::new(random::SystemRandom);
    let provider = Provider::new(config, "http://op.test".into(), store, FaultSet::none(), Arc::new(SystemClock), rng);
    let app = reference_provider::app(Arc::new(provider.expect("provider starts")));
    (app, refresh_token::format(family, 0, family_secret, secret))
}

/// POSTs `form` to /token as demo-client (client_secret_basic); the JSON of a 200 response.
async fn token(app: &axum::Router, form: String) -> Value {
    let basic = base64::engine::general_purpose::STANDARD.encode("demo-client:demo-client-secret");
    let request = Request::post("/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, format!("Basic {basic}"))
        .body(Body::from(form))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("router is infallible");
    let status = response.status();
    let body = response.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).expect("token response JSON")
}

fn token_endpoint(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let (app, mut refresh) = router();
    c.bench_function("token/client_credentials", |b| {
        b.iter(|| rt.block_on(token(&app, "grant_type=client_credentials".into())))
    });
    c.bench_function("token/refresh_token", |b| {
        b.iter(|| {
            let body = rt.block_on(token(&app, format!("grant_type=refresh_token&refresh_token={refresh}")));
            refresh = body["refresh_token"].as_str().expect("a rotated refresh token").to_owned();
        })
    });
}

criterion_group!(benches, token_endpoint);
criterion_main!(benches);
