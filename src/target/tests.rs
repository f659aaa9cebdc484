//! Profile parsing, interpolation and validation.

use std::path::Path;

use super::*;

const GOOD: &str = r#"
issuer = "https://op.example"
[[clients]]
client_id = "app"
client_secret = "${APP_SECRET}"
redirect_uri = "http://127.0.0.1:8765/callback"
[[users]]
username = "alice"
password = "${ALICE_PW}"
"#;

fn env(name: &str) -> Option<String> {
    match name {
        "APP_SECRET" => Some("s3cret".into()),
        "ALICE_PW" => Some("pw".into()),
        _ => None,
    }
}

#[test]
fn interpolates_secrets_and_defaults() {
    let p = Target::parse(GOOD, Path::new("scenarios/targets/op.toml"), &env).unwrap();
    assert_eq!(p.name(), "op");
    assert_eq!(p.clients[0].client_secret.as_ref().unwrap().expose(), "s3cret");
    assert_eq!(p.clients[0].auth_method, ClientAuth::ClientSecretBasic);
    assert_eq!(p.users[0].password.expose(), "pw");
    assert_eq!(p.secrets(), vec!["s3cret".to_owned(), "pw".to_owned()]);
    assert!(!format!("{p:?}").contains("s3cret"), "Debug must not print secrets");
}

#[test]
fn a_client_secret_is_prepared_for_hmac_once_and_shared_by_clones() {
    let p = Target::parse(GOOD, Path::new("op.toml"), &env).unwrap();
    let client = p.clients[0].clone();
    let secret = client.client_secret.as_ref().unwrap();
    // Prepared on first use through a clone, then the same keys for the profile's own value.
    let first = secret.hmac();
    assert!(first.shares_keys_with(&p.clients[0].client_secret.as_ref().unwrap().hmac()));
    assert!(!first.shares_keys_with(&Secret::new("s3cret").hmac()));
    assert_eq!(Secret::new("s3cret"), *secret, "equality is the secret's text");
    assert!(!format!("{first:?}").contains("s3cret"));
}

#[test]
fn missing_variable_is_named_with_its_field() {
    let err = Target::parse(GOOD, Path::new("op.toml"), &|_| None).unwrap_err().to_string();
    assert!(err.contains("APP_SECRET") && err.contains("clients[0].client_secret"), "{err}");
}

#[test]
fn interpolation_escapes_and_errors() {
    let lookup = |n: &str| (n == "A").then(|| "x".to_owned());
    assert_eq!(interpolate("a${A}b$${A}c$d", &lookup).unwrap(), "axb${A}c$d");
    assert_eq!(interpolate("${B}", &lookup), Err(InterpolateError::Missing("B".into())));
    assert_eq!(interpolate("${B:-dflt}/${A:-no}", &lookup).unwrap(), "dflt/x");
    assert!(matches!(interpolate("${A", &lookup), Err(InterpolateError::Malformed(_))));
}

#[test]
fn unknown_fields_and_bad_values_are_refused() {
    let e = Target::parse(&format!("{GOOD}\nbogus = 1\n"), Path::new("p.toml"), &env).unwrap_err().to_string();
    assert!(e.contains("bogus"), "{e}");
    let e = Target::parse(&GOOD.replace("https://op.example", "not a url"), Path::new("p.toml"), &env).unwrap_err().to_string();
    assert!(e.contains("issuer"), "{e}");
    let public_with_secret = GOOD.replace("redirect_uri =", "auth_method = \"none\"\nredirect_uri =");
    assert!(Target::parse(&public_with_secret, Path::new("p.toml"), &env).is_err());
}

#[test]
fn ad_hoc_flags_build_a_profile() {
    let origin = Path::new(AdHoc::ORIGIN);
    let p = Target::new(
        Profile::ad_hoc(AdHoc {
            issuer: "http://127.0.0.1:9400".into(),
            client_id: "c".into(),
            client_secret: None,
            redirect_uri: "http://127.0.0.1:8765/callback".into(),
            username: "u".into(),
            password: "p".into(),
            ..AdHoc::default()
        }),
        origin,
    )
    .unwrap();
    assert_eq!(p.clients[0].auth_method, ClientAuth::None);
    let e = Target::new(Profile::ad_hoc(AdHoc::default()), origin).unwrap_err().to_string();
    assert!(e.starts_with("invalid target profile ad-hoc flags: issuer must be"), "{e}");
}

#[test]
fn shipped_profiles_parse() {
    // The encrypted-ID-token client reads its private JWK from a file.
    let jwk_file = std::env::temp_dir().join(format!("oh-fief-jwk-{}-{}.json", std::process::id(), line!()));
    let jwk = serde_json::Value::Object(crate::jose::generate_decryption_jwk("fief").unwrap().private).to_string();
    std::fs::write(&jwk_file, jwk).unwrap();
    // Secrets come from the environment; everything else falls back to the profile's defaults.
    let env = |name: &str| {
        if name == "FIEF_ENC_CLIENT_PRIVATE_JWK_FILE" {
            Some(jwk_file.to_string_lossy().into_owned())
        } else if name.ends_with("CA_FILE") {
            Some(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml").to_owned())
        } else if name.ends_with("ISSUER") {
            Some("https://localhost:9380".to_owned())
        } else if name.ends_with("REDIRECT_URI") {
            Some("http://127.0.0.1:9399/callback".to_owned())
        } else if name.contains("SECRET") || name.contains("PASSWORD") || name.starts_with("FIEF_") {
            Some(format!("value-of-{name}"))
        } else {
            None
        }
    };
    for file in ["template.toml", "reference.toml", "node-oidc-provider.toml", "fief.toml"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/targets").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let p = Target::parse(&text, &path, &env).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!p.clients.is_empty(), "{file}");
        if file == "fief.toml" {
            assert_eq!(p.tenants.len(), 1, "fief.toml lists the second tenant");
            assert!(p.secrets().contains(&"value-of-FIEF_TENANT2_CLIENT_SECRET".to_owned()));
            let enc = p.clients.iter().find(|c| c.label() == "encrypted-id-token").unwrap();
            assert_eq!(enc.id_token_encryption(), Some(("RSA-OAEP-256", "A256CBC-HS512")));
        }
    }
    let _ = std::fs::remove_file(&jwk_file);
}

#[test]
fn short_lifetime_client_and_parallel_requests() {
    let with = |features: &str| Target::parse(&format!("{GOOD}\n[features]\n{features}\n"), Path::new("p.toml"), &env);
    let p = with("short_lifetime_client = \"app\"\ncode_lifetime_secs = 2\nparallel_requests = 4").unwrap();
    assert_eq!(p.short_lifetime_client().map(|c| c.client_id.as_str()), Some("app"));
    assert!(p.is_short_lifetime(&p.clients[0]));
    assert_eq!(p.features.parallel_requests, 4);
    let plain = Target::parse(GOOD, Path::new("p.toml"), &env).unwrap();
    assert_eq!(plain.features.parallel_requests, 32);
    assert_eq!((plain.features.race_rounds, plain.features.race_method), (4, crate::target::RaceMethod::Mixed));
    assert_eq!([1, 2, 3].map(|r| plain.features.race_method.for_round(r)), [crate::target::RaceMethod::LastByte, crate::target::RaceMethod::Parallel, crate::target::RaceMethod::LastByte]);
    let e = with("race_rounds = 0").unwrap_err().to_string();
    assert!(e.contains("race_rounds"), "{e}");
    let p = with("race_method = \"parallel\"\nrace_rounds = 5").unwrap();
    assert_eq!((p.features.race_rounds, p.features.race_method), (5, crate::target::RaceMethod::Parallel));
    assert!(plain.short_lifetime_client().is_none() && !plain.is_short_lifetime(&plain.clients[0]));
    let e = with("short_lifetime_client = \"nobody\"\ncode_lifetime_secs = 2").unwrap_err().to_string();
    assert!(e.contains("nobody"), "{e}");
    let e = with("short_lifetime_client = \"app\"").unwrap_err().to_string();
    assert!(e.contains("code_lifetime_secs"), "{e}");
    let e = with("parallel_requests = 1").unwrap_err().to_string();
    assert!(e.contains("parallel_requests"), "{e}");
}

#[test]
fn json_login_hints_parse_and_are_validated() {
    let json = "[hints.json_login]\npage = \"/login\"\nurl = \"{origin}/api/login\"\nbody = '{\"u\": \"{username}\"}'\ncontinue = \"{json.redirect_to}\"\ncsrf_cookie = \"csrf\"\n";
    let p = Target::parse(&format!("{GOOD}\n{json}"), Path::new("p.toml"), &env).unwrap();
    let j = p.hints.json_login.as_ref().unwrap();
    assert_eq!((j.url.as_str(), j.method.as_str(), j.content_type.as_str()), ("{origin}/api/login", "POST", "application/json"));
    assert_eq!(j.continue_to.as_deref(), Some("{json.redirect_to}"));
    let e = Target::parse(&format!("{GOOD}\n{json}method = \"NOT A METHOD\"\n"), Path::new("p.toml"), &env).unwrap_err().to_string();
    assert!(e.contains("hints.json_login.method"), "{e}");
    assert!(Target::parse(&format!("{GOOD}\n[hints.json_login]\nurl = \"/x\"\n"), Path::new("p.toml"), &env).is_err(), "body is required");
}

#[test]
fn the_template_json_login_example_parses_once_uncommented() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/targets/template.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let block: String = text
        .lines()
        .skip_while(|l| !l.starts_with("# [hints.json_login]"))
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{}\n", l.trim_start_matches("# ")))
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    assert!(block.contains("csrf_header"), "{block}");
    let p = Target::parse(&format!("{GOOD}\n{block}"), Path::new("p.toml"), &env).unwrap_or_else(|e| panic!("{e}\n{block}"));
    let j = p.into_profile().hints.json_login.unwrap();
    assert_eq!((j.page.as_deref(), j.continue_to.as_deref(), j.csrf_cookie.as_deref()), (Some("/ui/login"), Some("{json.redirect_to}"), Some("csrf")));
    assert_eq!((j.before.len(), j.headers.len()), (1, 1), "the steps example parses too");
}

/// One generated private JWK (JSON) for the encryption tests.
fn private_jwk() -> &'static str {
    static JWK: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JWK.get_or_init(|| serde_json::Value::Object(crate::jose::generate_decryption_jwk("k").unwrap().private).to_string())
}

fn with_client_lines(lines: &str, env: &dyn Fn(&str) -> Option<String>, path: &Path) -> Result<Target, ProfileError> {
    let text = GOOD.replace("redirect_uri = \"http://127.0.0.1:8765/callback\"\n", &format!("redirect_uri = \"http://127.0.0.1:8765/callback\"\n{lines}\n"));
    Target::parse(&text, path, env)
}

#[test]
fn decryption_jwk_from_the_environment_is_a_redacted_secret() {
    let jwk_env = |name: &str| if name == "APP_JWK" { Some(private_jwk().to_owned()) } else { env(name) };
    let p = with_client_lines("id_token_decryption_jwk = \"${APP_JWK}\"", &jwk_env, Path::new("p.toml")).unwrap();
    let c = &p.clients[0];
    assert_eq!(c.id_token_encryption(), Some((DEFAULT_ENCRYPTION_ALG, DEFAULT_ENCRYPTION_ENC)));
    assert_eq!(c.id_token_decryption_key().unwrap().unwrap().kid(), Some("k"));
    let d: serde_json::Value = serde_json::from_str(private_jwk()).unwrap();
    let d = d["d"].as_str().unwrap();
    assert!(!format!("{p:?}").contains(d), "Debug must not print the private key");
    let secrets = p.secrets();
    assert!(secrets.contains(&private_jwk().to_owned()) && secrets.contains(&d.to_owned()), "redaction covers the JWK");
    let plain = Target::parse(GOOD, Path::new("p.toml"), &env).unwrap();
    assert!(plain.clients[0].id_token_encryption().is_none() && plain.clients[0].id_token_decryption_key().is_none());
    let p = with_client_lines("id_token_decryption_jwk = \"${APP_JWK}\"\nid_token_encrypted_response_alg = \"RSA-OAEP\"\nid_token_encrypted_response_enc = \"A256GCM\"", &jwk_env, Path::new("p.toml")).unwrap();
    assert_eq!(p.clients[0].id_token_encryption(), Some(("RSA-OAEP", "A256GCM")));
}

#[test]
fn decryption_jwk_file_is_read_relative_to_the_profile() {
    let dir = std::env::temp_dir().join(format!("oidc-harness-jwk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("client.jwk.json"), private_jwk()).unwrap();
    let path = dir.join("op.toml");
    let p = with_client_lines("id_token_decryption_jwk_file = \"client.jwk.json\"", &env, &path).unwrap();
    assert_eq!(p.clients[0].id_token_decryption_jwk.as_ref().map(Secret::expose), Some(private_jwk()));
    let both = with_client_lines("id_token_decryption_jwk_file = \"client.jwk.json\"\nid_token_decryption_jwk = \"{}\"", &env, &path).unwrap_err();
    assert!(both.to_string().contains("not both"), "{both}");
    let missing = with_client_lines("id_token_decryption_jwk_file = \"nope.json\"", &env, &path).unwrap_err();
    assert!(matches!(&missing, ProfileError::Read { path, .. } if path.ends_with("nope.json")), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unusable_encryption_settings_are_refused_without_quoting_the_key() {
    let err = |lines: &str| with_client_lines(lines, &env, Path::new("p.toml")).unwrap_err().to_string();
    assert!(err("id_token_encrypted_response_alg = \"RSA-OAEP-256\"").contains("need id_token_decryption_jwk"));
    let jwk = private_jwk().replace('"', "\\\"");
    let e = err(&format!("id_token_decryption_jwk = \"{jwk}\"\nid_token_encrypted_response_alg = \"RSA1_5\""));
    assert!(e.contains("RSA1_5") && e.contains("RSA-OAEP-256"), "{e}");
    let e = err(&format!("id_token_decryption_jwk = \"{jwk}\"\nid_token_encrypted_response_enc = \"A192GCM\""));
    assert!(e.contains("A192GCM"), "{e}");
    let broken = private_jwk().replace("\"qi\"", "\"qx\"").replace('"', "\\\"");
    let e = err(&format!("id_token_decryption_jwk = \"{broken}\""));
    assert!(e.contains("`qi` is missing") && !e.contains(&private_jwk()[20..60]), "{e}");
}

const TENANT: &str = r#"
[[tenants]]
name = "second"
issuer = "https://op.example/${SLUG}"
[[tenants.clients]]
client_id = "t2-app"
client_secret = "${T2_SECRET}"
auth_method = "client_secret_post"
redirect_uri = "http://127.0.0.1:8765/callback"
"#;

fn tenant_env(name: &str) -> Option<String> {
    match name {
        "SLUG" => Some("t2".into()),
        "T2_SECRET" => Some("t2-s3cret".into()),
        "T2_PW" => Some("t2-pw".into()),
        other => env(other),
    }
}

#[test]
fn tenants_parse_with_interpolation_and_default_users() {
    let p = Target::parse(&format!("{GOOD}{TENANT}"), Path::new("op.toml"), &tenant_env).unwrap();
    assert_eq!(p.tenants.len(), 1);
    let t = &p.tenants[0];
    assert_eq!((t.name.as_str(), t.issuer.as_str()), ("second", "https://op.example/t2"));
    assert_eq!(t.clients[0].client_secret.as_ref().unwrap().expose(), "t2-s3cret");
    assert_eq!(t.clients[0].auth_method, ClientAuth::ClientSecretPost);
    assert!(t.users.is_empty());
    assert_eq!(t.users_or(&p.users)[0].username, "alice", "the top-level users are the default");
    assert!(p.secrets().contains(&"t2-s3cret".to_owned()), "tenant secrets are redacted");
    assert!(!format!("{p:?}").contains("t2-s3cret"));
    let plain = Target::parse(GOOD, Path::new("op.toml"), &env).unwrap();
    assert!(plain.tenants.is_empty());
}

#[test]
fn tenant_users_and_missing_variables() {
    let users = "[[tenants.users]]\nusername = \"carol\"\npassword = \"${T2_PW}\"\n";
    let p = Target::parse(&format!("{GOOD}{TENANT}{users}"), Path::new("op.toml"), &tenant_env).unwrap();
    assert_eq!(p.tenants[0].users_or(&p.users)[0].username, "carol");
    assert!(p.secrets().contains(&"t2-pw".to_owned()));
    let e = Target::parse(&format!("{GOOD}{TENANT}"), Path::new("op.toml"), &env).unwrap_err().to_string();
    assert!(e.contains("T2_SECRET") && e.contains("tenants[0].clients[0].client_secret"), "{e}");
}

#[test]
fn invalid_tenants_are_refused() {
    let bad = |tenant: String| Target::parse(&format!("{GOOD}{tenant}"), Path::new("op.toml"), &tenant_env).unwrap_err().to_string();
    let e = bad(TENANT.replace("https://op.example/${SLUG}", "https://op.example"));
    assert!(e.contains("distinct issuers"), "{e}");
    let e = bad(TENANT.replace("\"second\"", "\"op\""));
    assert!(e.contains("used twice"), "{e}");
    let e = bad(TENANT.replace("auth_method = \"client_secret_post\"", "auth_method = \"none\""));
    assert!(e.contains("tenants[0]") && e.contains("no client_secret"), "{e}");
    let e = bad(TENANT.replace("https://op.example/${SLUG}", "op.example/t2"));
    assert!(e.contains("tenants[0]") && e.contains("issuer"), "{e}");
    let e = bad(format!("{TENANT}\n[[tenants]]\nname = \"third\"\nissuer = \"https://op.example/t3\"\nclients = []\n"));
    assert!(e.contains("tenants[1]") && e.contains("at least one client"), "{e}");
    let e = bad(TENANT.replace("name = \"second\"", "name = \"second\"\nbogus = 1"));
    assert!(e.contains("bogus"), "{e}");
}

#[test]
fn the_template_tenant_example_parses_once_uncommented() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/targets/template.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let block: String = text
        .lines()
        .skip_while(|l| !l.starts_with("# [[tenants]]"))
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{}\n", l.trim_start_matches("# ")))
        .collect();
    let env = |n: &str| tenant_env(n).or_else(|| n.starts_with("HARNESS_").then(|| "x".to_owned()));
    let p = Target::parse(&format!("{GOOD}\n{block}"), Path::new("p.toml"), &env).unwrap_or_else(|e| panic!("{e}\n{block}"));
    assert_eq!((p.tenants[0].name.as_str(), p.tenants[0].users.len()), ("second", 1));
}

#[test]
fn logout_fields_parse_and_are_validated() {
    let path = Path::new("p.toml");
    let p = Target::parse(GOOD, path, &env).unwrap();
    assert_eq!((p.logout_url.as_deref(), p.logout_redirect_param(), p.clients[0].post_logout_redirect_uri.as_deref()), (None, "post_logout_redirect_uri", None));
    let top = "logout_url = \"https://op.example/signout\"\nlogout_redirect_param = \"redirect_uri\"\n";
    let p = with_client_lines("post_logout_redirect_uri = \"http://127.0.0.1:8765/logged-out\"", &env, path).unwrap();
    assert_eq!(p.clients[0].post_logout_redirect_uri.as_deref(), Some("http://127.0.0.1:8765/logged-out"));
    let p = Target::parse(&format!("{top}{GOOD}"), path, &env).unwrap();
    assert_eq!((p.logout_url.as_deref(), p.logout_redirect_param()), (Some("https://op.example/signout"), "redirect_uri"));
    let err = |text: String| Target::parse(&text, path, &env).unwrap_err().to_string();
    assert!(err(format!("logout_url = \"/signout\"\n{GOOD}")).contains("logout_url"));
    assert!(err(format!("logout_redirect_param = \"a b\"\n{GOOD}")).contains("logout_redirect_param"));
    assert!(err(format!("logout_redirect_param = \"\"\n{GOOD}")).contains("logout_redirect_param"));
    let e = with_client_lines("post_logout_redirect_uri = \"/logged-out\"", &env, path).unwrap_err().to_string();
    assert!(e.contains("post_logout_redirect_uri"), "{e}");
}

#[test]
fn the_template_logout_fields_parse_once_uncommented() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/targets/template.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let top: String = text.lines().filter(|l| l.starts_with("# logout_url = ") || l.starts_with("# logout_redirect_param = ")).map(|l| format!("{}\n", l.trim_start_matches("# "))).collect();
    let client = text.lines().find(|l| l.starts_with("# post_logout_redirect_uri = ")).unwrap().trim_start_matches("# ");
    assert_eq!(top.lines().count(), 2, "{top}");
    let with_client = GOOD.replace("redirect_uri = \"http://127.0.0.1:8765/callback\"\n", &format!("redirect_uri = \"http://127.0.0.1:8765/callback\"\n{client}\n"));
    let p = Target::parse(&format!("{top}{with_client}"), Path::new("p.toml"), &env).unwrap();
    assert!(p.logout_url.is_some() && p.clients[0].post_logout_redirect_uri.is_some());
}
