//! The JWS algorithms the harness knows (RFC 7518 §3, RFC 8037, RFC 8812), as one typed table:
//! each [`JwsAlg`] with its name, key type, pinned curve, the hash of `at_hash`/`c_hash`, and
//! whether [`super::verify_signature`] verifies it. The string helpers of [`super::jwk`] and
//! [`super::verify`] read this table.

use std::str::FromStr;

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self, RsaParameters};

/// A JWS `alg` value (signature or MAC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JwsAlg {
    /// HMAC SHA-256.
    Hs256,
    /// HMAC SHA-384.
    Hs384,
    /// HMAC SHA-512.
    Hs512,
    /// RSASSA-PKCS1-v1_5 SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 SHA-512.
    Rs512,
    /// RSASSA-PSS SHA-256.
    Ps256,
    /// RSASSA-PSS SHA-384.
    Ps384,
    /// RSASSA-PSS SHA-512.
    Ps512,
    /// ECDSA P-256 SHA-256.
    Es256,
    /// ECDSA P-384 SHA-384.
    Es384,
    /// ECDSA P-521 SHA-512.
    Es512,
    /// ECDSA secp256k1 SHA-256 (RFC 8812).
    Es256k,
    /// EdDSA, curve named by the key (RFC 8037).
    EdDsa,
    /// EdDSA on Ed25519, named by its curve.
    Ed25519,
    /// EdDSA on Ed448, named by its curve.
    Ed448,
}

/// The key type (`kty`) a JWS algorithm is used with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// `oct`: a shared secret.
    Oct,
    /// `RSA`.
    Rsa,
    /// `EC`.
    Ec,
    /// `OKP` (RFC 8037).
    Okp,
}

impl KeyType {
    /// The `kty` value.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Oct => "oct",
            KeyType::Rsa => "RSA",
            KeyType::Ec => "EC",
            KeyType::Okp => "OKP",
        }
    }
}

impl JwsAlg {
    /// Every algorithm, in table order.
    pub const ALL: [JwsAlg; 16] = [
        JwsAlg::Hs256,
        JwsAlg::Hs384,
        JwsAlg::Hs512,
        JwsAlg::Rs256,
        JwsAlg::Rs384,
        JwsAlg::Rs512,
        JwsAlg::Ps256,
        JwsAlg::Ps384,
        JwsAlg::Ps512,
        JwsAlg::Es256,
        JwsAlg::Es384,
        JwsAlg::Es512,
        JwsAlg::Es256k,
        JwsAlg::EdDsa,
        JwsAlg::Ed25519,
        JwsAlg::Ed448,
    ];

    /// The `alg` value as registered (case-sensitive).
    pub fn as_str(self) -> &'static str {
        match self {
            JwsAlg::Hs256 => "HS256",
            JwsAlg::Hs384 => "HS384",
            JwsAlg::Hs512 => "HS512",
            JwsAlg::Rs256 => "RS256",
            JwsAlg::Rs384 => "RS384",
            JwsAlg::Rs512 => "RS512",
            JwsAlg::Ps256 => "PS256",
            JwsAlg::Ps384 => "PS384",
            JwsAlg::Ps512 => "PS512",
            JwsAlg::Es256 => "ES256",
            JwsAlg::Es384 => "ES384",
            JwsAlg::Es512 => "ES512",
            JwsAlg::Es256k => "ES256K",
            JwsAlg::EdDsa => "EdDSA",
            JwsAlg::Ed25519 => "Ed25519",
            JwsAlg::Ed448 => "Ed448",
        }
    }

    /// The key type the algorithm needs.
    pub fn key_type(self) -> KeyType {
        match self {
            JwsAlg::Hs256 | JwsAlg::Hs384 | JwsAlg::Hs512 => KeyType::Oct,
            JwsAlg::Rs256 | JwsAlg::Rs384 | JwsAlg::Rs512 | JwsAlg::Ps256 | JwsAlg::Ps384 | JwsAlg::Ps512 => KeyType::Rsa,
            JwsAlg::Es256 | JwsAlg::Es384 | JwsAlg::Es512 | JwsAlg::Es256k => KeyType::Ec,
            JwsAlg::EdDsa | JwsAlg::Ed25519 | JwsAlg::Ed448 => KeyType::Okp,
        }
    }

    /// The curve (`crv`) the algorithm pins, if it pins one (`EdDSA` leaves it to the key).
    pub fn curve(self) -> Option<&'static str> {
        match self {
            JwsAlg::Es256 => Some("P-256"),
            JwsAlg::Es384 => Some("P-384"),
            JwsAlg::Es512 => Some("P-521"),
            JwsAlg::Es256k => Some("secp256k1"),
            JwsAlg::Ed25519 => Some("Ed25519"),
            JwsAlg::Ed448 => Some("Ed448"),
            _ => None,
        }
    }

    /// The hash of the OIDC left-half hashes (`at_hash`, `c_hash`): the algorithm's own hash;
    /// SHA-512 for EdDSA on Ed25519 (OIDC Core errata); `None` for Ed448.
    pub fn hash(self) -> Option<&'static digest::Algorithm> {
        match self {
            JwsAlg::Hs256 | JwsAlg::Rs256 | JwsAlg::Ps256 | JwsAlg::Es256 | JwsAlg::Es256k => Some(&digest::SHA256),
            JwsAlg::Hs384 | JwsAlg::Rs384 | JwsAlg::Ps384 | JwsAlg::Es384 => Some(&digest::SHA384),
            JwsAlg::Hs512 | JwsAlg::Rs512 | JwsAlg::Ps512 | JwsAlg::Es512 | JwsAlg::EdDsa | JwsAlg::Ed25519 => {
                Some(&digest::SHA512)
            }
            JwsAlg::Ed448 => None,
        }
    }

    /// Whether [`super::verify_signature`] verifies it with a public key (RS*, PS*, ES256/384/512,
    /// EdDSA on Ed25519); the others are MACs or algorithms aws-lc-rs does not offer.
    pub fn verified_with_public_key(self) -> bool {
        matches!(
            self,
            JwsAlg::Rs256
                | JwsAlg::Rs384
                | JwsAlg::Rs512
                | JwsAlg::Ps256
                | JwsAlg::Ps384
                | JwsAlg::Ps512
                | JwsAlg::Es256
                | JwsAlg::Es384
                | JwsAlg::Es512
                | JwsAlg::EdDsa
        )
    }

    /// The aws-lc-rs parameters of an RSA algorithm.
    pub(crate) fn rsa_parameters(self) -> Option<&'static RsaParameters> {
        Some(match self {
            JwsAlg::Rs256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            JwsAlg::Rs384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            JwsAlg::Rs512 => &signature::RSA_PKCS1_2048_8192_SHA512,
            JwsAlg::Ps256 => &signature::RSA_PSS_2048_8192_SHA256,
            JwsAlg::Ps384 => &signature::RSA_PSS_2048_8192_SHA384,
            JwsAlg::Ps512 => &signature::RSA_PSS_2048_8192_SHA512,
            _ => return None,
        })
    }
}

/// An `alg` value that is no JWS algorithm of [`JwsAlg`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a JWS algorithm such as RS256 (found {0:?})")]
pub struct UnknownJwsAlg(pub String);

impl FromStr for JwsAlg {
    type Err = UnknownJwsAlg;

    /// The algorithm named exactly `s` (names are case-sensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JwsAlg::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| UnknownJwsAlg(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::{JwsAlg, KeyType};

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for alg in JwsAlg::ALL {
            assert_eq!(alg.as_str().parse::<JwsAlg>(), Ok(alg));
        }
        assert!("rs256".parse::<JwsAlg>().is_err());
        assert!("none".parse::<JwsAlg>().is_err());
        assert!("RSA-OAEP".parse::<JwsAlg>().is_err());
    }

    #[test]
    fn rsa_parameters_exactly_for_rsa_keys() {
        for alg in JwsAlg::ALL {
            assert_eq!(alg.rsa_parameters().is_some(), alg.key_type() == KeyType::Rsa, "{alg:?}");
        }
    }
}
