//! Entry points for fuzzing: one function per parser that reads provider or user input, each
//! taking raw bytes and never returning anything. The cargo-fuzz targets (`fuzz/fuzz_targets/`)
//! call them under libFuzzer; the bounded pass in `cargo test` (`fuzzing/tests.rs`) runs them
//! over the committed seed corpora (`fuzz/corpus/<target>/`) and seeded mutations of them.
//! A panic here is a bug in the parser; the few assertions state properties the parsers promise.
//! Not an API: hidden from the documentation, kept to thin wrappers.

use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;
use url::Url;

use crate::discovery::ProviderMetadata;
use crate::form::{FormHints, classify, meta_refresh, parse_forms};
use crate::jose::{DecryptionKey, HmacSecret, Jwks, JwkEntry, PublicKey, UnverifiedJwt};
use crate::target::{Profile, Target, interpolate};

#[cfg(test)]
mod mutate;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// A fuzz target: raw bytes in, a panic when the parser has a bug.
pub type FuzzTarget = fn(&[u8]);

/// The harness's fuzz targets by name (the name is the corpus directory and the cargo-fuzz target).
pub const TARGETS: &[(&str, FuzzTarget)] = &[
    ("form_parse", form_parse),
    ("form_classify", form_classify),
    ("jws", jws),
    ("jwe", jwe),
    ("jwk", jwk),
    ("discovery", discovery),
    ("www_authenticate", www_authenticate),
    ("callback", callback),
    ("profile_toml", profile_toml),
    ("scenario_toml", scenario_toml),
    ("interpolate", interpolate_env),
];

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

fn page_url() -> Url {
    Url::parse("https://op.example/login?x=1").unwrap_or_else(|_| unreachable!("a valid URL"))
}

/// The HTML form scanner (`form::parse_forms`), over lossily decoded bytes as the driver reads them.
pub fn form_parse(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    for form in parse_forms(&html, &page_url()) {
        let _ = form.fields.iter().filter(|f| f.is_text_like()).count();
    }
}

/// The page detector: login, consent or form_post (`form::classify`), `<meta refresh>` and
/// whether a page needs a script.
pub fn form_classify(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    let url = page_url();
    let _ = classify(&html, &url, &FormHints::default());
    let hints = FormHints {
        username_field: Some("login".into()),
        password_field: Some("pw".into()),
        submit: Some("Sign in".into()),
        consent_allow: Some("allow".into()),
        consent_deny: Some("deny".into()),
        ..FormHints::default()
    };
    let _ = classify(&html, &url, &hints);
    let _ = meta_refresh(&html, &url);
    let _ = crate::form::needs_script(&html, &url);
}

/// Compact JWS: split, decode, read the common members, verify an HMAC signature.
pub fn jws(data: &[u8]) {
    let Some(compact) = text(data) else { return };
    let _ = UnverifiedJwt::is_jwe(compact);
    let Ok(jwt) = UnverifiedJwt::parse(compact) else { return };
    let _ = (jwt.alg(), jwt.kid(), jwt.typ(), jwt.audiences(), jwt.claim_i64("exp"), jwt.claim_str("nonce"));
    assert_eq!(jwt.raw(), compact, "a parsed JWS keeps its compact form");
    assert!(jwt.signing_input().len() < compact.len(), "the signing input is a prefix of the token");
    static SECRET: OnceLock<HmacSecret> = OnceLock::new();
    let secret = SECRET.get_or_init(|| HmacSecret::new(b"fuzzing-secret-0123456789abcdef!"));
    let _ = crate::jose::verify_hmac(&jwt, secret);
    if let Some(alg) = jwt.alg() {
        let _ = crate::jose::left_half_hash(alg, jwt.claims_json());
    }
    let _ = jwt.into_claims();
}

/// Compact JWE: the protected header, a decryption attempt with a fixed key, and content
/// decryption with the CEK, IV and tag cut from the input (what a CEK unwrapped from a
/// provider's token reaches).
pub fn jwe(data: &[u8]) {
    if let Some(compact) = text(data) {
        let _ = crate::jose::jwe_header(compact);
        static KEY: OnceLock<Option<DecryptionKey>> = OnceLock::new();
        let key = KEY.get_or_init(|| {
            let generated = crate::jose::generate_decryption_jwk("fuzz").ok()?;
            DecryptionKey::from_jwk(&generated.private).ok()
        });
        if let Some(key) = key {
            let _ = crate::jose::decrypt_compact(compact, key);
        }
    }
    // Raw content decryption: [enc selector, cek len, iv len, tag len, aad len, bytes...].
    let [sel, cek, iv, tag, aad, rest @ ..] = data else { return };
    let enc = crate::jose::JWE_CONTENT_ENCS[usize::from(*sel) % crate::jose::JWE_CONTENT_ENCS.len()];
    let mut rest = rest;
    let mut take = |n: u8| {
        let (head, tail) = rest.split_at(usize::from(n).min(rest.len()));
        rest = tail;
        head
    };
    let (cek, iv, tag, aad) = (take(*cek), take(*iv), take(*tag), take(*aad));
    let _ = crate::jose::open_content(enc, cek, iv, aad, rest, tag);
}

/// JWK Sets and single JWKs: public keys as a provider publishes them, and a private
/// decryption JWK as a profile gives it.
pub fn jwk(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    if let Ok(set) = Jwks::parse(&value) {
        let _ = set.find(Some("k1"), "RS256");
        let _ = set.find(None, "ES256");
        let _ = set.candidates(None, "EdDSA").count();
        let _ = set.signing_keys().count();
    }
    let entry = JwkEntry::parse(&value);
    let _ = entry.usable_for("RS256");
    if let Value::Object(map) = &value {
        if let Ok(key) = PublicKey::from_jwk(map) {
            let _ = (key.bits(), key.kty(), key.crv(), key.declared_alg());
        }
        let _ = DecryptionKey::from_jwk(map).map(|k| k.bits());
    }
    if let Some(t) = text(data) {
        let _ = DecryptionKey::from_jwk_json(t);
    }
}

/// The discovery document (`ProviderMetadata::from_json`) and its accessors.
pub fn discovery(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    let Some(meta) = ProviderMetadata::from_json(&value) else { return };
    let _ = (meta.response_modes(), meta.grant_types(), meta.token_endpoint_auth_methods(), meta.endpoints());
    let _ = (meta.supports_response_mode("form_post"), meta.advertises_scope("openid"));
    let _ = (meta.iss_parameter_supported(), meta.request_uri_supported());
}

/// `WWW-Authenticate` challenges (RFC 9110 11.6.1).
pub fn www_authenticate(data: &[u8]) {
    let Some(header) = text(data) else { return };
    for challenge in crate::checks::userinfo::parse_www_authenticate(header) {
        assert!(!challenge.scheme.is_empty(), "a challenge has a scheme");
    }
}

/// The authorization response at the redirect_uri: `redirect_uri\nlocation`, or a location
/// against a fixed redirect_uri; and a form_post page's form.
pub fn callback(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let (redirect, location) = match t.split_once('\n') {
        Some((r, l)) => (Url::parse(r).ok(), l),
        None => (None, t),
    };
    let redirect = redirect.or_else(|| Url::parse("https://rp.example/cb?tenant=a").ok());
    let Some(redirect) = redirect else { return };
    if let Ok(location) = Url::parse(location)
        && let Some(response) = crate::flow::callback::parse_redirect(&location, &redirect)
    {
        let _ = (response.code(), response.state(), response.iss(), response.error(), response.count("code"));
    }
    for form in parse_forms(location, &page_url()) {
        let _ = crate::flow::callback::parse_form_post(&form, &redirect);
    }
}

/// A target profile: TOML, `${ENV}` interpolation (a fixed environment), then validation.
pub fn profile_toml(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let env = |name: &str| name.len().is_multiple_of(2).then(|| format!("value-of-{name}"));
    // A directory that does not exist: relative files named by the profile are never found.
    let path = Path::new("/nonexistent/oidc-harness-fuzz/profile.toml");
    if let Ok(profile) = Profile::from_toml(t, path, &env) {
        let _ = profile.secrets();
        let _ = Target::new(profile, path);
    }
}

/// A load scenario: TOML, validation (thresholds in Goose's syntax, durations).
pub fn scenario_toml(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let _ = crate::load::Scenario::parse(t, "fuzz.toml");
    let _ = crate::load::scenario::parse_duration_secs(t);
    let _ = crate::load::scenario::check_threshold(t);
}

/// `${ENV}` interpolation alone; text without `$` comes back unchanged.
pub fn interpolate_env(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let env = |name: &str| name.len().is_multiple_of(2).then(|| format!("<{name}>"));
    let out = interpolate(t, &env);
    if !t.contains('$') {
        assert_eq!(out.as_deref(), Ok(t), "text without $ is unchanged");
    }
}
