//! Forged copies of a real ID token, for the negative logout cases: the same header and claims
//! re-signed with a key the provider never saw ([`ForeignSigner`]), or turned into an unsigned
//! token (`alg: none`, empty signature, [`stripped_to_alg_none`]). The harness sends them as
//! `id_token_hint` to show that the provider refuses them; it never trusts them itself.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::JoseError;

/// The header and claims segments of a compact JWS, the header decoded.
fn split(compact: &str) -> Result<(Map<String, Value>, &str), JoseError> {
    let parts: Vec<&str> = compact.split('.').collect();
    let [header, claims, _] = parts.as_slice() else {
        return Err(JoseError::Segments(parts.len()));
    };
    let bytes = URL_SAFE_NO_PAD.decode(header).map_err(|_| JoseError::Base64("JOSE header"))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok((map, claims)),
        _ => Err(JoseError::NotJsonObject { part: "JOSE header", found: "another value".into() }),
    }
}

fn encode_header(header: &Map<String, Value>) -> String {
    URL_SAFE_NO_PAD.encode(Value::Object(header.clone()).to_string())
}

/// `compact` with its header's `alg` set to `none` and its signature removed (RFC 7519 6.1).
pub fn stripped_to_alg_none(compact: &str) -> Result<String, JoseError> {
    let (mut header, claims) = split(compact)?;
    header.insert("alg".into(), Value::from("none"));
    Ok(format!("{}.{claims}.", encode_header(&header)))
}

/// An RSA-2048 key generated for one run, that no provider knows.
pub struct ForeignSigner {
    key: RsaKeyPair,
}

impl std::fmt::Debug for ForeignSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForeignSigner([generated key])")
    }
}

impl ForeignSigner {
    /// Generates the key.
    pub fn generate() -> Result<ForeignSigner, JoseError> {
        let key = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| JoseError::Signing("RSA key generation failed"))?;
        Ok(ForeignSigner { key })
    }

    /// `compact` re-signed with this key as RS256, its header otherwise unchanged (a `kid`
    /// still names the provider's key, so only the signature gives the forgery away).
    pub fn resign(&self, compact: &str) -> Result<String, JoseError> {
        let (mut header, claims) = split(compact)?;
        header.insert("alg".into(), Value::from("RS256"));
        let input = format!("{}.{claims}", encode_header(&header));
        let mut sig = vec![0; self.key.public_modulus_len()];
        self.key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut sig).map_err(|_| JoseError::Signing("RS256 signing failed"))?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use serde_json::json;

    use super::{ForeignSigner, stripped_to_alg_none};
    use crate::jose::testkit::{rsa_jwk, sign};
    use crate::jose::{PublicKey, UnverifiedJwt, verify_signature};

    #[test]
    fn forgeries_keep_the_claims_and_fail_verification_with_the_real_key() {
        let real = sign(&json!({"alg": "RS256", "kid": "k1"}), &json!({"iss": "https://op", "sub": "alice"}));
        let key = PublicKey::from_jwk(rsa_jwk("k1").as_object().unwrap()).unwrap();
        assert!(verify_signature(&UnverifiedJwt::parse(&real).unwrap(), &key).is_ok(), "the real token verifies");

        let foreign = ForeignSigner::generate().unwrap().resign(&real).unwrap();
        let parsed = UnverifiedJwt::parse(&foreign).unwrap();
        assert_eq!((parsed.alg(), parsed.kid(), parsed.claim_str("sub")), (Some("RS256"), Some("k1"), Some("alice")));
        assert!(verify_signature(&parsed, &key).is_err(), "a foreign signature does not verify");

        let none = stripped_to_alg_none(&real).unwrap();
        assert!(none.ends_with('.'), "{none}");
        let parsed = UnverifiedJwt::parse(&none).unwrap();
        assert_eq!((parsed.alg(), parsed.claim_str("sub")), (Some("none"), Some("alice")));
        assert!(stripped_to_alg_none("a.b").is_err());
    }
}
