//! Users, clients, keys, grants and refresh tokens survive a restart, including `kill -9`; what
//! the running provider keeps (expired rows are purged) and never shows (secrets in its `Debug`).

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::sync::Arc;
use std::process::{Child, Command, Stdio};

use reference_provider::Storage;

use super::support::*;

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let p = std::env::temp_dir().join(format!("rp-test-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn state_survives_a_graceful_restart() {
    let dir = TempDir::new("restart");
    let op = start_with(test_config(), &[], Storage::Dir(dir.0.clone())).await;
    let b = browser(&op);
    let t = b.tokens(CONFIDENTIAL).await;
    let jwks1 = b.http.get(b.url("/jwks")).send().await.unwrap().text().await.unwrap();
    op.stop().await;

    let op = start_with(test_config(), &[], Storage::Dir(dir.0.clone())).await;
    let b = browser(&op);
    let jwks2 = b.http.get(b.url("/jwks")).send().await.unwrap().text().await.unwrap();
    assert_eq!(jwks1, jwks2, "keys are persisted, not regenerated");
    assert!(op.provider.keys().verify(t["id_token"].as_str().unwrap()).is_ok());
    let (status, _, r) = b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", t["refresh_token"].as_str().unwrap())]).await;
    assert_eq!(status, 200, "{r}");
}

#[tokio::test]
async fn users_are_read_from_the_store_so_a_user_dropped_from_the_config_keeps_their_grants() {
    let dir = TempDir::new("users");
    let op = start_with(test_config(), &[], Storage::Dir(dir.0.clone())).await;
    let t = browser(&op).tokens(CONFIDENTIAL).await;
    op.stop().await;

    // Restarted with every configured user renamed: the store still holds the first run's users
    // (seeding adds and updates, never deletes), and the provider reads its users from the store.
    let mut config = test_config();
    for u in &mut config.users {
        u.sub = Some(format!("{}-renamed", u.username));
        u.username = format!("{}-renamed", u.username);
    }
    let op = start_with(config, &[], Storage::Dir(dir.0.clone())).await;
    let b = browser(&op);
    let (status, _, r) = b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", t["refresh_token"].as_str().unwrap())]).await;
    assert_eq!(status, 200, "{r}");
    let (_, old) = op.provider.keys().verify(t["id_token"].as_str().unwrap()).unwrap();
    let (_, new) = op.provider.keys().verify(r["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(new["sub"], old["sub"]);
    assert_eq!(new["email"], old["email"], "claims come from the stored user");
    let (status, _, info) = b.userinfo(r["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["sub"], old["sub"]);
    // The first run's user still logs in by name (the login form reads the same users).
    let again = browser(&op).tokens(CONFIDENTIAL).await;
    let (_, again) = op.provider.keys().verify(again["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(again["sub"], old["sub"]);
}

#[tokio::test]
async fn the_running_provider_purges_expired_refresh_tokens_and_keeps_live_ones() {
    use reference_provider::clock::{Clock as _, ManualClock, SystemClock};
    use reference_provider::protocol::refresh_token::RefreshToken;

    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let mut config = test_config();
    config.purge_interval_secs = 1;
    let lifetime = config.lifetimes.refresh_secs;
    let op = reference_provider::start(reference_provider::Options {
        config,
        faults: reference_provider::FaultSet::none(),
        storage: Storage::Memory,
        clock: clock.clone(),
    })
    .await
    .unwrap();
    let old = browser(&op).tokens(CONFIDENTIAL).await["refresh_token"].as_str().unwrap().to_owned();
    clock.advance(lifetime - 10);
    let live = browser(&op).tokens(CONFIDENTIAL).await["refresh_token"].as_str().unwrap().to_owned();
    clock.advance(20);
    let store = op.provider.store();
    let family = |rt: &str| RefreshToken::parse(rt).unwrap().family;
    let (old, live) = (family(&old), live);
    assert!(store.refresh_family(old).unwrap().is_some(), "expired, not yet purged");
    // The purge runs every second: wait for it (bounded), without asserting on time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while store.refresh_family(old).unwrap().is_some() {
        assert!(std::time::Instant::now() < deadline, "the expired refresh token was never purged");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(store.refresh_family(family(&live)).unwrap().is_some(), "the live token stays");
    let (status, _, r) = browser(&op).token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", live.as_str())]).await;
    assert_eq!(status, 200, "{r}");
    op.stop().await;
}

#[tokio::test]
async fn a_debug_formatted_provider_shows_no_password_secret_or_hash() {
    let op = start(&[]).await;
    let shown = format!("{op:?}");
    assert!(shown.contains(op.issuer()), "{shown}");
    for secret in ["alice-demo-password", "demo-client-secret", "$argon2"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    op.stop().await;
}

/// Starts the real binary; returns the child and its ISSUER line.
fn spawn_binary(dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reference-provider"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut issuer = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(i) = line.strip_prefix("ISSUER=") {
            issuer = Some(i.to_owned());
        }
        if line == "READY=1" {
            break;
        }
    }
    (child, issuer.expect("ISSUER line"))
}

#[tokio::test]
async fn refresh_tokens_and_keys_survive_kill_9() {
    let dir = TempDir::new("kill9");
    let (mut child, issuer) = spawn_binary(&dir.0);
    let b = Browser {
        http: browser_http(),
        issuer,
    };
    let t = b.tokens(CONFIDENTIAL).await;
    let jwks1 = b.http.get(b.url("/jwks")).send().await.unwrap().text().await.unwrap();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let (mut child, issuer) = spawn_binary(&dir.0);
    let b = Browser { http: b.http, issuer };
    let jwks2 = b.http.get(b.url("/jwks")).send().await.unwrap().text().await.unwrap();
    let (status, _, r) = b.token(CONFIDENTIAL, &[("grant_type", "refresh_token"), ("refresh_token", t["refresh_token"].as_str().unwrap())]).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(jwks1, jwks2);
    assert_eq!(status, 200, "{r}");
}
