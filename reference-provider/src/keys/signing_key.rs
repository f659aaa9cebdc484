//! [`SigningKey`]: one private signing key, parsed once, with its public JWK and a parsed
//! verification key derived from that JWK.

use std::fmt;

use aws_lc_rs::encoding::{AsDer as _, Pkcs8V1Der};
use aws_lc_rs::pkcs8::Document;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ParsedPublicKey, RsaKeyPair,
    RsaPublicKeyComponents,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::{KeyError, SigningAlg, b64};

/// Smallest RSA modulus accepted, in bytes (2048 bits; RFC 7518 section 3.3 and 3.5).
const MIN_RSA_MODULUS_LEN: usize = 256;
/// Length of one P-256 coordinate in bytes.
const P256_COORD_LEN: usize = 32;

/// The parsed private key, kept for the key's whole life.
enum PrivateKey {
    /// RS256 or PS256 (the padding is chosen from the [`SigningAlg`]).
    Rsa(RsaKeyPair),
    /// ES256.
    Ecdsa(EcdsaKeyPair),
    /// EdDSA.
    Ed25519(Ed25519KeyPair),
}

/// PKCS#8 v1 DER as returned by aws-lc-rs; both variants zero their bytes on drop.
enum Pkcs8 {
    Document(Document),
    Der(Pkcs8V1Der<'static>),
}

impl AsRef<[u8]> for Pkcs8 {
    fn as_ref(&self) -> &[u8] {
        match self {
            Pkcs8::Document(doc) => doc.as_ref(),
            Pkcs8::Der(der) => der.as_ref(),
        }
    }
}

/// A private signing key, parsed once (`RsaKeyPair` / `EcdsaKeyPair` / `Ed25519KeyPair` kept
/// inside), so signing never re-parses. `Send + Sync`; share it behind an `Arc`.
///
/// It also holds its public JWK and a verification key parsed from that very JWK, so every
/// successful [`KeyRing::verify`](super::KeyRing::verify) also proves the published JWK matches.
pub struct SigningKey {
    kid: String,
    alg: SigningAlg,
    private: PrivateKey,
    pkcs8: Pkcs8,
    public_jwk: Value,
    verifier: ParsedPublicKey,
    rng: SystemRandom,
}

impl SigningKey {
    /// Generates a fresh key: RSA 2048 for RS256/PS256, P-256 for ES256, Ed25519 for EdDSA.
    ///
    /// # Errors
    /// [`KeyError::GenerationFailed`] if aws-lc-rs fails; [`KeyError::BadKey`] if the generated
    /// key cannot be serialised or published (not expected).
    pub fn generate(alg: SigningAlg, kid: String) -> Result<Self, KeyError> {
        let failed = |_| KeyError::GenerationFailed { alg };
        let private = match alg {
            SigningAlg::Rs256 | SigningAlg::Ps256 => {
                PrivateKey::Rsa(RsaKeyPair::generate(KeySize::Rsa2048).map_err(failed)?)
            }
            SigningAlg::Es256 => PrivateKey::Ecdsa(
                EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING)
                    .map_err(failed)?,
            ),
            SigningAlg::EdDsa => PrivateKey::Ed25519(Ed25519KeyPair::generate().map_err(failed)?),
        };
        Self::from_private(alg, kid, private)
    }

    /// Parses an unencrypted PKCS#8 private key (v1, or v2 for Ed25519) for `alg`.
    ///
    /// RSA keys must be at least 2048 bits; ES256 keys must be on P-256.
    ///
    /// # Errors
    /// [`KeyError::BadKey`] if the bytes are not a PKCS#8 key of the right type or size.
    pub fn from_pkcs8(alg: SigningAlg, kid: String, der: &[u8]) -> Result<Self, KeyError> {
        let rejected = |e: aws_lc_rs::error::KeyRejected| KeyError::BadKey {
            alg,
            reason: e.to_string(),
        };
        let private = match alg {
            SigningAlg::Rs256 | SigningAlg::Ps256 => {
                let key = RsaKeyPair::from_pkcs8(der).map_err(rejected)?;
                let len = key.public_modulus_len();
                if len < MIN_RSA_MODULUS_LEN {
                    return Err(KeyError::BadKey {
                        alg,
                        reason: format!(
                            "expected an RSA modulus of at least 2048 bits (found {} bits)",
                            len * 8
                        ),
                    });
                }
                PrivateKey::Rsa(key)
            }
            SigningAlg::Es256 => PrivateKey::Ecdsa(
                EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, der)
                    .map_err(rejected)?,
            ),
            SigningAlg::EdDsa => {
                PrivateKey::Ed25519(Ed25519KeyPair::from_pkcs8(der).map_err(rejected)?)
            }
        };
        Self::from_private(alg, kid, private)
    }

    /// Builds the PKCS#8 serialisation, the public JWK and the verifier once.
    fn from_private(alg: SigningAlg, kid: String, private: PrivateKey) -> Result<Self, KeyError> {
        let unserialisable = |_| KeyError::BadKey {
            alg,
            reason: "aws-lc-rs could not serialise it as PKCS#8".to_owned(),
        };
        let (pkcs8, public_jwk) = match &private {
            PrivateKey::Rsa(key) => {
                let components = RsaPublicKeyComponents::<Vec<u8>>::from(key.public_key());
                let jwk = json!({
                    "kty": "RSA", "kid": kid, "alg": alg.as_str(), "use": "sig",
                    "n": b64(&components.n), "e": b64(&components.e),
                });
                (Pkcs8::Der(key.as_der().map_err(unserialisable)?), jwk)
            }
            PrivateKey::Ecdsa(key) => {
                let (x, y) =
                    split_uncompressed_point(key.public_key().as_ref()).ok_or_else(|| {
                        KeyError::BadKey {
                            alg,
                            reason: "expected an uncompressed P-256 public point".to_owned(),
                        }
                    })?;
                let jwk = json!({
                    "kty": "EC", "kid": kid, "alg": alg.as_str(), "use": "sig",
                    "crv": "P-256", "x": b64(x), "y": b64(y),
                });
                (
                    Pkcs8::Document(key.to_pkcs8v1().map_err(unserialisable)?),
                    jwk,
                )
            }
            PrivateKey::Ed25519(key) => {
                let jwk = json!({
                    "kty": "OKP", "kid": kid, "alg": alg.as_str(), "use": "sig",
                    "crv": "Ed25519", "x": b64(key.public_key().as_ref()),
                });
                (
                    Pkcs8::Document(key.to_pkcs8v1().map_err(unserialisable)?),
                    jwk,
                )
            }
        };
        let verifier = verifier_from_jwk(alg, &public_jwk).ok_or_else(|| KeyError::BadKey {
            alg,
            reason: "its public JWK does not parse back into a verification key".to_owned(),
        })?;
        Ok(SigningKey {
            kid,
            alg,
            private,
            pkcs8,
            public_jwk,
            verifier,
            rng: SystemRandom::new(),
        })
    }

    /// The private key as PKCS#8 v1 DER, for persistence. This is aws-lc-rs's canonical
    /// re-serialisation, so it may differ byte-wise from what [`Self::from_pkcs8`] was given.
    #[must_use]
    pub fn pkcs8_der(&self) -> &[u8] {
        self.pkcs8.as_ref()
    }

    /// The key id published in the JWKS and put in JWS headers.
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The one algorithm this key signs with.
    #[must_use]
    pub fn alg(&self) -> SigningAlg {
        self.alg
    }

    /// The public JWK (RFC 7517/7518/8037): `kty`, `kid`, `alg`, `use: "sig"` and RSA `n`/`e`,
    /// EC `crv: "P-256"`/`x`/`y`, or OKP `crv: "Ed25519"`/`x`. Never any private member.
    #[must_use]
    pub fn public_jwk(&self) -> &Value {
        &self.public_jwk
    }

    /// Signs `signing_input` and returns the JOSE signature bytes: RSA signatures of the
    /// modulus length, ECDSA as fixed 64-byte `r || s`, Ed25519 as 64 bytes.
    ///
    /// # Errors
    /// [`KeyError::SigningFailed`] if aws-lc-rs fails.
    pub fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, KeyError> {
        let failed = |_| KeyError::SigningFailed {
            kid: self.kid.clone(),
            alg: self.alg,
        };
        match &self.private {
            PrivateKey::Rsa(key) => {
                let padding: &'static dyn signature::RsaEncoding = match self.alg {
                    SigningAlg::Ps256 => &signature::RSA_PSS_SHA256,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut sig = vec![0u8; key.public_modulus_len()];
                key.sign(padding, &self.rng, signing_input, &mut sig)
                    .map_err(failed)?;
                Ok(sig)
            }
            PrivateKey::Ecdsa(key) => Ok(key
                .sign(&self.rng, signing_input)
                .map_err(failed)?
                .as_ref()
                .to_vec()),
            PrivateKey::Ed25519(key) => Ok(key
                .try_sign(signing_input)
                .map_err(failed)?
                .as_ref()
                .to_vec()),
        }
    }

    /// Checks a JOSE signature over `signing_input` with the verifier parsed from the JWK.
    pub(super) fn verify_signature(
        &self,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), KeyError> {
        self.verifier
            .verify_sig(signing_input, signature)
            .map_err(|_| KeyError::BadSignature {
                kid: self.kid.clone(),
                alg: self.alg,
            })
    }
}

impl fmt::Debug for SigningKey {
    /// Only the key id and algorithm: never key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// Splits an uncompressed SEC1 P-256 point `04 || x || y` into its coordinates.
fn split_uncompressed_point(point: &[u8]) -> Option<(&[u8], &[u8])> {
    let (tag, coords) = point.split_first()?;
    if *tag != 0x04 || coords.len() != 2 * P256_COORD_LEN {
        return None;
    }
    Some(coords.split_at(P256_COORD_LEN))
}

/// Parses a verification key from the public members of our own JWK.
fn verifier_from_jwk(alg: SigningAlg, jwk: &Value) -> Option<ParsedPublicKey> {
    let member = |name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .and_then(|s| URL_SAFE_NO_PAD.decode(s).ok())
    };
    match alg {
        SigningAlg::Rs256 | SigningAlg::Ps256 => {
            let params = match alg {
                SigningAlg::Ps256 => &signature::RSA_PSS_2048_8192_SHA256,
                _ => &signature::RSA_PKCS1_2048_8192_SHA256,
            };
            RsaPublicKeyComponents {
                n: member("n")?,
                e: member("e")?,
            }
            .to_parsed_public_key(params)
            .ok()
        }
        SigningAlg::Es256 => {
            let (x, y) = (member("x")?, member("y")?);
            let mut point = Vec::with_capacity(1 + 2 * P256_COORD_LEN);
            point.push(0x04);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point).ok()
        }
        SigningAlg::EdDsa => ParsedPublicKey::new(&signature::ED25519, member("x")?).ok(),
    }
}
