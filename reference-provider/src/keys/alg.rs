//! [`SigningAlg`]: the JWS algorithms the provider signs with, and [`left_half_hash`] for the
//! OIDC `at_hash` / `c_hash` claims.

use std::fmt;
use std::str::FromStr;

use aws_lc_rs::digest;

use super::{KeyError, b64};

/// JWS algorithms the provider signs with (RFC 7518 section 3.1, RFC 8037 section 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SigningAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (2048-bit keys).
    #[serde(rename = "RS256")]
    Rs256,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256, 32-byte salt (2048-bit keys).
    #[serde(rename = "PS256")]
    Ps256,
    /// ECDSA on P-256 with SHA-256, signature as fixed 64-byte `r || s`.
    #[serde(rename = "ES256")]
    Es256,
    /// EdDSA on Ed25519.
    #[serde(rename = "EdDSA")]
    EdDsa,
}

impl SigningAlg {
    /// Every supported algorithm, in the order the provider advertises them.
    pub const ALL: [SigningAlg; 4] = [
        SigningAlg::Rs256,
        SigningAlg::Ps256,
        SigningAlg::Es256,
        SigningAlg::EdDsa,
    ];

    /// The JOSE `alg` name: `RS256`, `PS256`, `ES256` or `EdDSA`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlg::Rs256 => "RS256",
            SigningAlg::Ps256 => "PS256",
            SigningAlg::Es256 => "ES256",
            SigningAlg::EdDsa => "EdDSA",
        }
    }
}

impl FromStr for SigningAlg {
    type Err = KeyError;

    /// Parses the exact (case-sensitive) JOSE name; `rs256` or `none` are rejected.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SigningAlg::ALL
            .into_iter()
            .find(|alg| alg.as_str() == s)
            .ok_or_else(|| KeyError::UnknownAlg {
                found: s.to_owned(),
            })
    }
}

impl fmt::Display for SigningAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// OIDC `at_hash` / `c_hash` (OIDC Core 3.1.3.6 and 3.3.2.11): hash the ASCII `value` with the
/// hash of the token's `alg`, keep the left-most half, base64url-encode it without padding.
///
/// RS256, PS256 and ES256 use SHA-256 (16 bytes kept). EdDSA with Ed25519 uses SHA-512
/// (32 bytes kept): OIDC Core names no hash for EdDSA, but Ed25519 hashes with SHA-512
/// (RFC 8032 section 5.1) and that is the consensus of the OpenID Connect WG (bitbucket
/// openid/connect issue 1125), also followed by openidconnect-rs and zitadel/oidc.
#[must_use]
pub fn left_half_hash(alg: SigningAlg, value: &str) -> String {
    let algorithm = match alg {
        SigningAlg::Rs256 | SigningAlg::Ps256 | SigningAlg::Es256 => &digest::SHA256,
        SigningAlg::EdDsa => &digest::SHA512,
    };
    let hash = digest::digest(algorithm, value.as_bytes());
    let bytes = hash.as_ref();
    let half = bytes.get(..bytes.len() / 2).unwrap_or(bytes);
    b64(half)
}
