//! Benchmark fixtures: per algorithm, one key in both worlds (our key types and the raw
//! aws-lc-rs key object), one typical ID token, and the measured operations.
//!
//! RS256, PS256, ES256 and EdDSA keys are the reference provider's own [`SigningKey`]s; the raw
//! key pair is parsed from that key's PKCS#8, so both sides sign with the same key. ES384 and
//! HS256 are not signed by any code path of ours: their tokens are signed by the raw key, and
//! only verification has an "ours" side.

use std::hint::black_box;

use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ParsedPublicKey, RsaEncoding, RsaKeyPair,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reference_provider::keys::{SigningAlg, SigningKey, encode_jws};
use serde_json::{Value, json};

use super::{BenchAlg, BenchError};
use crate::jose::{HmacSecret, PublicKey, UnverifiedJwt, verify_hmac, verify_signature};

/// Key id in every benchmark token header.
const KID: &str = "bench-key-2026-11";

/// A typical ID token's claims (12 claims, 348 bytes of JSON, as in `jwt-limits.md`).
pub(crate) fn id_token_claims() -> Value {
    json!({
        "iss": "https://op.example.com",
        "sub": "248289761001",
        "aud": "bench-client-s6BhdRkqt3",
        "exp": 1_800_003_600,
        "iat": 1_800_000_000,
        "auth_time": 1_799_999_940,
        "nonce": "n-0S6_WzA2Mj-bench-nonce",
        "azp": "bench-client-s6BhdRkqt3",
        "sid": "08a5019c-17e1-4977-8f42-65a12843ea02",
        "email": "alice@example.com",
        "email_verified": true,
        "name": "Alice Example",
    })
}

/// The raw aws-lc-rs signing key.
enum RawSigner {
    Rsa(RsaKeyPair, &'static dyn RsaEncoding),
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
    Hmac(Box<hmac::Key>),
}

/// What our verification path is given, built once.
enum HarnessKey {
    /// A public key parsed from the JWK by [`PublicKey::from_jwk`].
    Public(PublicKey),
    /// The HMAC secret prepared once for [`verify_hmac`], as the harness prepares a client's.
    Secret(HmacSecret),
}

/// The raw aws-lc-rs verification key.
enum RawVerifier {
    Parsed(ParsedPublicKey),
    Hmac(Box<hmac::Key>),
}

/// One algorithm's keys and token, and the measured operations (also used by the criterion
/// benches in `benches/`). Each operation returns `Err` with the error text if it fails.
pub struct Fixture {
    alg: BenchAlg,
    claims: Value,
    /// The compact JWS verified by both sides.
    token: String,
    /// Its signature bytes (what raw verification checks).
    signature: Vec<u8>,
    /// The token as [`UnverifiedJwt::parse`] reads it (for the signature step alone).
    parsed: Option<UnverifiedJwt>,
    provider_key: Option<SigningKey>,
    raw_signer: RawSigner,
    harness_key: HarnessKey,
    raw_verifier: RawVerifier,
    rng: SystemRandom,
}

impl Fixture {
    /// Generates the keys and signs the token.
    ///
    /// # Errors
    /// [`BenchError::Setup`] if a key cannot be generated or the token cannot be built.
    pub fn new(alg: BenchAlg) -> Result<Fixture, BenchError> {
        let setup = |reason: String| BenchError::Setup { alg, reason };
        let claims = id_token_claims();
        let rng = SystemRandom::new();
        let (provider_key, raw_signer, harness_key, raw_verifier) = match alg {
            BenchAlg::Rs256 => provider_keys(SigningAlg::Rs256).map_err(setup)?,
            BenchAlg::Ps256 => provider_keys(SigningAlg::Ps256).map_err(setup)?,
            BenchAlg::Es256 => provider_keys(SigningAlg::Es256).map_err(setup)?,
            BenchAlg::EdDsa => provider_keys(SigningAlg::EdDsa).map_err(setup)?,
            BenchAlg::Es384 => {
                let pair = EcdsaKeyPair::generate(&signature::ECDSA_P384_SHA384_FIXED_SIGNING)
                    .map_err(|e| setup(format!("P-384 key generation failed: {e}")))?;
                let point = pair.public_key().as_ref();
                let coords = point.get(1..).unwrap_or_default();
                let (x, y) = coords.split_at(coords.len() / 2);
                let jwk = json!({
                    "kty": "EC", "kid": KID, "use": "sig", "crv": "P-384",
                    "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y),
                });
                let raw = ParsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, point)
                    .map_err(|e| setup(format!("P-384 public key rejected: {e}")))?;
                (
                    None,
                    RawSigner::Ecdsa(pair),
                    HarnessKey::Public(public_key(&jwk).map_err(setup)?),
                    RawVerifier::Parsed(raw),
                )
            }
            BenchAlg::Hs256 => {
                let mut secret = vec![0u8; 32];
                aws_lc_rs::rand::fill(&mut secret)
                    .map_err(|_| setup("no randomness for the HMAC secret".to_owned()))?;
                let key = hmac::Key::new(hmac::HMAC_SHA256, &secret);
                (
                    None,
                    RawSigner::Hmac(Box::new(key.clone())),
                    HarnessKey::Secret(HmacSecret::new(&secret)),
                    RawVerifier::Hmac(Box::new(key)),
                )
            }
        };
        let mut fixture = Fixture {
            alg,
            claims,
            token: String::new(),
            signature: Vec::new(),
            parsed: None,
            provider_key,
            raw_signer,
            harness_key,
            raw_verifier,
            rng,
        };
        fixture.token = match &fixture.provider_key {
            Some(key) => {
                encode_jws(key, Some("JWT"), &fixture.claims).map_err(|e| setup(e.to_string()))?
            }
            None => fixture.raw_token().map_err(setup)?,
        };
        let signature_b64 = fixture.token.rsplit('.').next().unwrap_or_default();
        fixture.signature = URL_SAFE_NO_PAD
            .decode(signature_b64)
            .map_err(|e| setup(format!("own token's signature is not base64url: {e}")))?;
        fixture.parsed =
            Some(UnverifiedJwt::parse(&fixture.token).map_err(|e| setup(e.to_string()))?);
        Ok(fixture)
    }

    /// The algorithm.
    pub fn alg(&self) -> BenchAlg {
        self.alg
    }

    /// The compact JWS both verification sides check.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// `BASE64URL(header) '.' BASE64URL(claims)` of [`Fixture::token`].
    pub fn signing_input(&self) -> &str {
        let end = self.token.rfind('.').unwrap_or(self.token.len());
        self.token.get(..end).unwrap_or_default()
    }

    /// Ours: the provider's `encode_jws` (header and claims serialised, base64url, signed).
    /// `Err` when no code path of ours signs this algorithm.
    pub fn ours_sign(&self) -> Result<(), String> {
        let key = self
            .provider_key
            .as_ref()
            .ok_or_else(|| format!("no code path of ours signs {}", self.alg))?;
        let token = encode_jws(key, Some("JWT"), &self.claims).map_err(|e| e.to_string())?;
        black_box(token);
        Ok(())
    }

    /// Raw: the aws-lc-rs key pair signing the token's exact signing input.
    pub fn raw_sign(&self) -> Result<(), String> {
        black_box(self.raw_signature(self.signing_input().as_bytes())?);
        Ok(())
    }

    /// Ours: [`UnverifiedJwt::parse`] then [`verify_signature`] (or [`verify_hmac`]).
    pub fn ours_verify(&self) -> Result<(), String> {
        let jwt = UnverifiedJwt::parse(black_box(&self.token)).map_err(|e| e.to_string())?;
        self.check_signature(&jwt)?;
        black_box(jwt);
        Ok(())
    }

    /// Ours, the signature step alone: [`verify_signature`] (or [`verify_hmac`]) on the token
    /// already read by [`UnverifiedJwt::parse`] — the `alg` checks and the primitive, without
    /// splitting and decoding the token.
    pub fn ours_verify_signature(&self) -> Result<(), String> {
        let jwt = self
            .parsed
            .as_ref()
            .ok_or_else(|| "the fixture token was not parsed".to_owned())?;
        self.check_signature(black_box(jwt))
    }

    /// Our verification of `jwt` with the harness key.
    fn check_signature(&self, jwt: &UnverifiedJwt) -> Result<(), String> {
        match &self.harness_key {
            HarnessKey::Public(key) => verify_signature(jwt, key),
            HarnessKey::Secret(secret) => verify_hmac(jwt, secret),
        }
        .map_err(|e| e.to_string())
    }

    /// Raw: the pre-parsed aws-lc-rs public key (or HMAC key) over the same bytes and signature.
    pub fn raw_verify(&self) -> Result<(), String> {
        let input = black_box(self.signing_input().as_bytes());
        let ok = match &self.raw_verifier {
            RawVerifier::Parsed(key) => key.verify_sig(input, &self.signature).is_ok(),
            RawVerifier::Hmac(key) => hmac::verify(key, input, &self.signature).is_ok(),
        };
        if ok {
            Ok(())
        } else {
            Err("the signature does not verify".to_owned())
        }
    }

    /// Signs `input` with the raw key (JOSE signature bytes).
    fn raw_signature(&self, input: &[u8]) -> Result<Vec<u8>, String> {
        let failed = |_| format!("raw {} signing failed", self.alg);
        Ok(match &self.raw_signer {
            RawSigner::Rsa(pair, padding) => {
                let mut sig = vec![0u8; pair.public_modulus_len()];
                pair.sign(*padding, &self.rng, input, &mut sig)
                    .map_err(failed)?;
                sig
            }
            RawSigner::Ecdsa(pair) => pair
                .sign(&self.rng, input)
                .map_err(failed)?
                .as_ref()
                .to_vec(),
            RawSigner::Ed25519(pair) => pair.try_sign(input).map_err(failed)?.as_ref().to_vec(),
            RawSigner::Hmac(key) => hmac::sign(key, input).as_ref().to_vec(),
        })
    }

    /// A token signed by the raw key, for the algorithms the provider does not sign; the header
    /// has the same members `encode_jws` writes.
    fn raw_token(&self) -> Result<String, String> {
        let header = json!({ "alg": self.alg.as_str(), "kid": KID, "typ": "JWT" });
        let mut token = URL_SAFE_NO_PAD.encode(header.to_string());
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(self.claims.to_string(), &mut token);
        let signature = self.raw_signature(token.as_bytes())?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }
}

/// A provider [`SigningKey`], the same key as a raw aws-lc-rs key pair (from its PKCS#8), our
/// [`PublicKey`] from its published JWK, and a raw [`ParsedPublicKey`] from the key pair.
fn provider_keys(
    alg: SigningAlg,
) -> Result<(Option<SigningKey>, RawSigner, HarnessKey, RawVerifier), String> {
    let key = SigningKey::generate(alg, KID.to_owned()).map_err(|e| e.to_string())?;
    let der = key.pkcs8_der();
    let rejected =
        |e: aws_lc_rs::error::KeyRejected| format!("PKCS#8 of the provider key rejected: {e}");
    let unparsed = |e: aws_lc_rs::error::KeyRejected| format!("public key rejected: {e}");
    let (raw_signer, raw_verifier) = match alg {
        SigningAlg::Rs256 | SigningAlg::Ps256 => {
            let pair = RsaKeyPair::from_pkcs8(der).map_err(rejected)?;
            let (padding, params): (&'static dyn RsaEncoding, _) = match alg {
                SigningAlg::Ps256 => (
                    &signature::RSA_PSS_SHA256,
                    &signature::RSA_PSS_2048_8192_SHA256,
                ),
                _ => (
                    &signature::RSA_PKCS1_SHA256,
                    &signature::RSA_PKCS1_2048_8192_SHA256,
                ),
            };
            let parsed =
                ParsedPublicKey::new(params, pair.public_key().as_ref()).map_err(unparsed)?;
            (RawSigner::Rsa(pair, padding), parsed)
        }
        SigningAlg::Es256 => {
            let pair = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, der)
                .map_err(rejected)?;
            let parsed = ParsedPublicKey::new(
                &signature::ECDSA_P256_SHA256_FIXED,
                pair.public_key().as_ref(),
            )
            .map_err(unparsed)?;
            (RawSigner::Ecdsa(pair), parsed)
        }
        SigningAlg::EdDsa => {
            let pair = Ed25519KeyPair::from_pkcs8(der).map_err(rejected)?;
            let parsed = ParsedPublicKey::new(&signature::ED25519, pair.public_key().as_ref())
                .map_err(unparsed)?;
            (RawSigner::Ed25519(pair), parsed)
        }
    };
    let harness = public_key(key.public_jwk())?;
    Ok((
        Some(key),
        raw_signer,
        HarnessKey::Public(harness),
        RawVerifier::Parsed(raw_verifier),
    ))
}

/// Our [`PublicKey`] from a JWK value.
fn public_key(jwk: &Value) -> Result<PublicKey, String> {
    let members = jwk
        .as_object()
        .ok_or_else(|| "the JWK is not a JSON object".to_owned())?;
    PublicKey::from_jwk(members).map_err(|e| e.to_string())
}
