//! Signature verification over an [`UnverifiedJwt`] with a pre-parsed [`PublicKey`] or a prepared
//! [`HmacSecret`], and the OIDC left-half hashes (`at_hash`, `c_hash`).

use aws_lc_rs::{digest, hmac};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::alg::JwsAlg;
use super::{HmacSecret, JoseError, Jwks, PublicKey, UnverifiedJwt};

/// Smallest RSA modulus accepted for verification (RFC 7518 section 3.3).
pub const MIN_RSA_BITS: usize = 2048;

/// Verifies `jwt`'s signature with `key`.
///
/// Supports RS256/384/512, PS256/384/512, ES256/384/512 (JOSE fixed-width `r||s`) and EdDSA
/// (Ed25519). `alg: none` is always refused, as is an algorithm that does not fit the key (other
/// `kty`, other curve, or another `alg` declared by the JWK) and an RSA key under 2048 bits.
pub fn verify_signature(jwt: &UnverifiedJwt, key: &PublicKey) -> Result<(), JoseError> {
    let alg = signed_alg(jwt)?;
    if let Some(declared) = key.declared_alg()
        && declared != alg
    {
        return Err(JoseError::AlgKeyMismatch {
            alg: alg.to_owned(),
            key: format!("a key declared for {declared}"),
        });
    }
    if !is_asymmetric_alg(alg) {
        return Err(JoseError::UnsupportedAlg(alg.to_owned()));
    }
    let Some(verifier) = key.verifier(alg) else {
        let described = match key.crv() {
            Some(crv) => format!("a {} key on {crv}", key.kty()),
            None => format!("an {} key", key.kty()),
        };
        return Err(JoseError::AlgKeyMismatch {
            alg: alg.to_owned(),
            key: described,
        });
    };
    if key.kty() == "RSA" && key.bits() < MIN_RSA_BITS {
        return Err(JoseError::AlgKeyMismatch {
            alg: alg.to_owned(),
            key: format!(
                "an RSA key of {} bits (at least {MIN_RSA_BITS} required)",
                key.bits()
            ),
        });
    }
    verifier
        .verify_sig(jwt.signing_input(), jwt.signature())
        .map_err(|_| JoseError::BadSignature)
}

impl Jwks {
    /// Verifies `jwt` with this JWK Set: every entry that fits the header `kid` (when present)
    /// and `alg` is tried, and the first that verifies wins. Keys were parsed when the set was.
    pub fn verify(&self, jwt: &UnverifiedJwt) -> Result<(), JoseError> {
        let alg = signed_alg(jwt)?;
        let mut outcome = Err(JoseError::NoMatchingKey {
            kid: jwt.kid().map(str::to_owned),
            alg: alg.to_owned(),
        });
        for entry in self.candidates(jwt.kid(), alg) {
            outcome = match &entry.verifier {
                Ok(key) => verify_signature(jwt, key),
                Err(err) => Err(err.clone()),
            };
            if outcome.is_ok() {
                break;
            }
        }
        outcome
    }
}

/// Verifies an HS256/HS384/HS512 signature with the client secret, prepared once as an
/// [`HmacSecret`] (for ID tokens signed with the client secret, OIDC Core section 10.1).
/// Comparison is constant-time.
pub fn verify_hmac(jwt: &UnverifiedJwt, secret: &HmacSecret) -> Result<(), JoseError> {
    let alg = signed_alg(jwt)?;
    let Some(key) = secret.key_for(alg) else {
        return Err(if is_asymmetric_alg(alg) {
            JoseError::AlgKeyMismatch {
                alg: alg.to_owned(),
                key: "a shared secret".to_owned(),
            }
        } else {
            JoseError::UnsupportedAlg(alg.to_owned())
        });
    };
    hmac::verify(key, jwt.signing_input(), jwt.signature()).map_err(|_| JoseError::BadSignature)
}

/// `at_hash` / `c_hash` (OIDC Core 3.1.3.6, 3.3.2.11): hash `value` with the hash of the JWS
/// `alg` (…256 → SHA-256, …384 → SHA-384, …512 and EdDSA → SHA-512), keep the left half,
/// base64url-encode it. `None` for `none` or an algorithm without a defined hash.
pub fn left_half_hash(alg: &str, value: &str) -> Option<String> {
    let algorithm = alg.parse::<JwsAlg>().ok()?.hash()?;
    let hash = digest::digest(algorithm, value.as_bytes());
    let bytes = hash.as_ref();
    let half = bytes.get(..bytes.len() / 2)?;
    Some(URL_SAFE_NO_PAD.encode(half))
}

/// Whether `alg` is one of the asymmetric JWS algorithms [`verify_signature`] handles.
pub(crate) fn is_asymmetric_alg(alg: &str) -> bool {
    alg.parse::<JwsAlg>().is_ok_and(JwsAlg::verified_with_public_key)
}

/// The header `alg`, refusing a missing one and `none`.
fn signed_alg(jwt: &UnverifiedJwt) -> Result<&str, JoseError> {
    match jwt.alg() {
        None => Err(JoseError::MissingAlg),
        Some(alg) if alg.eq_ignore_ascii_case("none") => Err(JoseError::AlgNone),
        Some(alg) => Ok(alg),
    }
}
