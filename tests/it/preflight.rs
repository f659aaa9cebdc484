//! Wrong credentials stop the run up front: the CLI against the embedded reference provider with
//! a wrong password or a wrong client secret exits 2 with one sentence naming the user or client
//! and what the provider answered, before any module runs, and never prints the secret.

use std::process::{Command, Output};

use oidc_harness::conform;
use reference_provider::FaultSet;

/// Runs `conform` with ad-hoc flags against `issuer`, the embedded profile's first confidential
/// client and first user, with the password and secret given.
async fn conform_ad_hoc(issuer: &str, secret: &str, password: &str) -> Output {
    let profile = conform::embedded_profile(issuer);
    let client = profile.clients.iter().find(|c| c.client_secret.is_some()).unwrap().clone();
    let user = profile.users[0].clone();
    let out = std::env::temp_dir().join(format!("oidc-harness-preflight-{}", std::process::id()));
    let args: Vec<String> = [
        "conform", "--plan", "basic", "--quiet", "--format", "json", "--issuer", issuer, "--client-id", &client.client_id,
        "--client-secret", secret, "--auth-method", client.auth_method.as_str(), "--redirect-uri", &client.redirect_uri,
        "--username", &user.username, "--password", password, "--out",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([out.display().to_string()])
    .collect();
    tokio::task::spawn_blocking(move || Command::new(env!("CARGO_BIN_EXE_oidc-harness")).args(&args).output().unwrap()).await.unwrap()
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_exit_2_naming_the_user() {
    let running = conform::start_embedded(FaultSet::none()).await.unwrap();
    let profile = conform::embedded_profile(running.issuer());
    let secret = profile.clients.iter().find_map(|c| c.client_secret.clone()).unwrap();
    let out = conform_ad_hoc(running.issuer(), secret.expose(), "not-the-password-123").await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains(&format!("rejected the password of user {:?}", profile.users[0].username)), "{stderr}");
    assert!(errors[0].contains("showed the login form again"), "{stderr}");
    assert!(!stdout.contains("FAIL") && !stderr.contains("not-the-password-123"), "{stdout}\n{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_client_secret_is_exit_2_naming_the_client() {
    let running = conform::start_embedded(FaultSet::none()).await.unwrap();
    let profile = conform::embedded_profile(running.issuer());
    let client = profile.clients.iter().find(|c| c.client_secret.is_some()).unwrap();
    let out = conform_ad_hoc(running.issuer(), "wrong-secret-4711", profile.users[0].password.expose()).await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    let line = errors[0];
    assert!(line.contains(&format!("client_id {:?}", client.client_id)) && line.contains("invalid_client"), "{stderr}");
    assert!(!line.contains("password of user"), "the password is right: {stderr}");
    assert!(!stdout.contains("FAIL") && !stderr.contains("wrong-secret-4711"), "{stdout}\n{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_credentials_pass_the_preflight_and_run_the_plan() {
    let running = conform::start_embedded(FaultSet::none()).await.unwrap();
    let profile = conform::embedded_profile(running.issuer());
    let secret = profile.clients.iter().find_map(|c| c.client_secret.clone()).unwrap();
    let out = conform_ad_hoc(running.issuer(), secret.expose(), profile.users[0].password.expose()).await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("modules:") && !stderr.contains("preflight:"), "{stdout}\n{stderr}");
    assert!(stderr.contains("ad-hoc: guessed features.refresh_token = true"), "the guesses are printed: {stderr}");
}
