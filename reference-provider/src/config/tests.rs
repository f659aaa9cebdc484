//! Tests for configuration parsing and validation.

use super::*;

#[test]
fn demo_config_is_valid() {
    let c = Config::demo();
    assert!(c.clients.iter().any(|c| c.auth_method == AuthMethod::None));
    assert!(!c.users.is_empty());
}

#[test]
fn unknown_field_is_reported_with_position() {
    let err = Config::from_toml("listen = \"x\"\nbogus = 1\n", Path::new("p.toml")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("p.toml") && msg.contains("bogus"), "{msg}");
}

#[test]
fn public_client_with_secret_is_refused() {
    let t = "[[clients]]\nclient_id = \"a\"\nclient_secret = \"s\"\nauth_method = \"none\"\nredirect_uris = [\"http://x/cb\"]\n";
    let msg = Config::from_toml(t, Path::new("p")).unwrap_err().to_string();
    assert!(msg.contains("public client"), "{msg}");
}

#[test]
fn bad_issuer_and_lifetime_are_refused() {
    assert!(Config::from_toml("issuer = \"http://x/\"\n", Path::new("p")).is_err());
    assert!(Config::from_toml("[lifetimes]\ncode_secs = 0\n", Path::new("p")).is_err());
    assert!(Config::from_toml("default_alg = \"ES256\"\nsigning_algs = [\"RS256\"]\n", Path::new("p")).is_err());
}

#[test]
fn purge_interval_defaults_to_a_minute_and_must_be_positive() {
    assert_eq!(Config::demo().purge_interval_secs, 60);
    assert_eq!(Config::from_toml("purge_interval_secs = 5\n", Path::new("p")).unwrap().purge_interval_secs, 5);
    let msg = Config::from_toml("purge_interval_secs = 0\n", Path::new("p")).unwrap_err().to_string();
    assert!(msg.contains("purge_interval_secs must be positive"), "{msg}");
}

#[test]
fn missing_file_error_names_the_path() {
    let msg = Config::from_file(Path::new("/nonexistent/op.toml")).unwrap_err().to_string();
    assert!(msg.contains("/nonexistent/op.toml"), "{msg}");
}

#[test]
fn id_token_encryption_registration_is_validated() {
    let demo = Config::demo();
    let c = demo.clients.iter().find(|c| c.id_token_encrypted_response_alg.is_some()).expect("a demo client registers encryption");
    assert_eq!(c.id_token_encrypted_response_enc.as_deref(), Some("A256CBC-HS512"));
    let base = "[[clients]]\nclient_id = \"a\"\nclient_secret = \"s\"\nredirect_uris = [\"http://x/cb\"]\n";
    let msg = Config::from_toml(&format!("{base}id_token_encrypted_response_alg = \"RSA-OAEP-256\"\n"), Path::new("p")).unwrap_err().to_string();
    assert!(msg.contains("client \"a\"") && msg.contains("jwks"), "{msg}");
    let msg = Config::from_toml(&format!("{base}id_token_encrypted_response_alg = \"RSA1_5\"\n"), Path::new("p")).unwrap_err().to_string();
    assert!(msg.contains("RSA1_5"), "{msg}");
    let msg = Config::from_toml(&format!("{base}jwks = {{ keys = [] }}\nid_token_encrypted_response_alg = \"RSA-OAEP\"\n"), Path::new("p")).unwrap_err().to_string();
    assert!(msg.contains("use \\\"enc\\\"") || msg.contains("RSA key"), "{msg}");
}
