//! The client's private RSA key for JWE decryption ([`DecryptionKey`]), read from a private JWK
//! (RFC 7518 6.3.2: n, e, d, p, q, dp, dq, qi) through aws-lc-rs `KeyPairComponents`, and
//! [`generate_decryption_jwk`], which makes a fresh RSA-2048 key pair as private and public JWKs
//! (for the embedded provider's encrypted-ID-token client). Key material never reaches `Debug`.

use std::fmt;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{
    KeyPairComponents, KeySize, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey,
    PrivateDecryptingKey, PublicKeyComponents,
};
use aws_lc_rs::signature::RsaKeyPair;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::JweError;

/// The private members of an RSA JWK, in PKCS#1 order after `n` and `e`.
const PRIVATE_MEMBERS: [&str; 6] = ["d", "p", "q", "dp", "dq", "qi"];

/// A client's private RSA key, parsed once, for unwrapping JWE content encryption keys.
pub struct DecryptionKey {
    key: OaepPrivateDecryptingKey,
    kid: Option<String>,
}

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptionKey").field("bits", &self.key.key_size_bits()).field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl DecryptionKey {
    /// Parses a private RSA JWK given as JSON text.
    pub fn from_jwk_json(text: &str) -> Result<DecryptionKey, JweError> {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(jwk)) => Self::from_jwk(&jwk),
            Ok(other) => Err(JweError::BadKey(format!("found {} instead of a JSON object", super::json_kind(&other)))),
            // serde's message may quote the input: keep it out, the text is a secret.
            Err(e) => Err(JweError::BadKey(format!("found invalid JSON at line {} column {}", e.line(), e.column()))),
        }
    }

    /// Parses a private RSA JWK: `kty` RSA with every CRT member; aws-lc-rs checks that the
    /// components are consistent and the modulus has 2048 to 8192 bits.
    pub fn from_jwk(jwk: &Map<String, Value>) -> Result<DecryptionKey, JweError> {
        match jwk.get("kty").and_then(Value::as_str) {
            Some("RSA") => {}
            other => return Err(JweError::BadKey(format!("found kty {}", other.unwrap_or("none")))),
        }
        let member = |name: &str| -> Result<Vec<u8>, JweError> {
            let text = jwk.get(name).and_then(Value::as_str).ok_or_else(|| JweError::BadKey(format!("`{name}` is missing")))?;
            URL_SAFE_NO_PAD.decode(text).map_err(|_| JweError::BadKey(format!("`{name}` is not unpadded base64url")))
        };
        let [d, p, q, dp, dq, qi] = PRIVATE_MEMBERS.map(&member);
        let components = KeyPairComponents {
            public_key: PublicKeyComponents { n: member("n")?, e: member("e")? },
            d: d?,
            p: p?,
            q: q?,
            dP: dp?,
            dQ: dq?,
            qInv: qi?,
        };
        let rejected = |what: &str| JweError::BadKey(format!("aws-lc-rs rejected the {what}"));
        let pair = RsaKeyPair::from_components(&components).map_err(|_| rejected("components"))?;
        let der = pair.as_der().map_err(|_| rejected("key encoding"))?;
        let private = PrivateDecryptingKey::from_pkcs8(der.as_ref()).map_err(|_| rejected("key size (2048 to 8192 bits)"))?;
        let key = OaepPrivateDecryptingKey::new(private).map_err(|_| rejected("key for OAEP"))?;
        Ok(DecryptionKey { key, kid: jwk.get("kid").and_then(Value::as_str).map(str::to_owned) })
    }

    /// The JWK's `kid`, when it has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.key_size_bits()
    }

    /// RSA-OAEP unwrap of a JWE encrypted key (`alg` RSA-OAEP-256 or RSA-OAEP).
    pub(crate) fn unwrap_cek(&self, alg: &str, encrypted_key: &[u8]) -> Result<Vec<u8>, JweError> {
        let oaep = match alg {
            "RSA-OAEP-256" => &OAEP_SHA256_MGF1SHA256,
            "RSA-OAEP" => &OAEP_SHA1_MGF1SHA1,
            other => return Err(JweError::UnsupportedAlg(other.to_owned())),
        };
        let mut out = vec![0u8; self.key.min_output_size()];
        let cek = self.key.decrypt(oaep, encrypted_key, &mut out, None).map_err(|_| JweError::KeyUnwrap)?;
        Ok(cek.to_vec())
    }
}

/// A generated RSA encryption key pair as JWKs (see [`generate_decryption_jwk`]).
#[derive(Clone)]
pub struct GeneratedJwk {
    /// The private JWK (n, e, d, p, q, dp, dq, qi): a secret, never printed by `Debug`.
    pub private: Map<String, Value>,
    /// The public JWK (n, e) to register at the provider.
    pub public: Map<String, Value>,
}

impl fmt::Debug for GeneratedJwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedJwk").field("public", &self.public).finish_non_exhaustive()
    }
}

/// A fresh RSA-2048 encryption key pair, both JWKs with `kid`, `use: enc` and
/// `alg: RSA-OAEP-256`.
pub fn generate_decryption_jwk(kid: &str) -> Result<GeneratedJwk, JweError> {
    let failed = |what: &str| JweError::BadKey(format!("key generation failed: {what}"));
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| failed("aws-lc-rs"))?;
    let der = pair.as_der().map_err(|_| failed("PKCS#8 encoding"))?;
    let ints = rsa_private_key_integers(der.as_ref()).ok_or_else(|| failed("unexpected PKCS#8 layout"))?;
    let mut public = Map::new();
    for (name, value) in [("kty", "RSA"), ("kid", kid), ("use", "enc"), ("alg", "RSA-OAEP-256")] {
        public.insert(name.to_owned(), Value::from(value));
    }
    let mut private = public.clone();
    let names = ["n", "e"].into_iter().chain(PRIVATE_MEMBERS);
    for (name, int) in names.zip(ints) {
        let value = Value::from(URL_SAFE_NO_PAD.encode(int));
        if name == "n" || name == "e" {
            public.insert(name.to_owned(), value.clone());
        }
        private.insert(name.to_owned(), value);
    }
    Ok(GeneratedJwk { private, public })
}

/// The eight integers n, e, d, p, q, dp, dq, qi of a PKCS#8 (RFC 5208) RSA private key, as
/// minimal unsigned big-endian bytes.
fn rsa_private_key_integers(pkcs8: &[u8]) -> Option<Vec<&[u8]>> {
    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    const OCTET_STRING: u8 = 0x04;
    let (info, _) = der_element(pkcs8, SEQUENCE)?;
    let (_version, rest) = der_element(info, INTEGER)?;
    let (_algorithm, rest) = der_element(rest, SEQUENCE)?;
    let (octets, _) = der_element(rest, OCTET_STRING)?;
    let (rsa, _) = der_element(octets, SEQUENCE)?;
    let (_version, mut rest) = der_element(rsa, INTEGER)?;
    let mut ints = Vec::with_capacity(8);
    for _ in 0..8 {
        let (int, next) = der_element(rest, INTEGER)?;
        let start = int.iter().position(|b| *b != 0).unwrap_or(int.len().saturating_sub(1));
        ints.push(int.get(start..)?);
        rest = next;
    }
    Some(ints)
}

/// One DER element of type `tag` at the start of `input`: `(content, rest)`.
fn der_element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&first, rest) = input.split_first()?;
    if first != tag {
        return None;
    }
    let (&len_byte, rest) = rest.split_first()?;
    let (len, rest) = if len_byte < 0x80 {
        (usize::from(len_byte), rest)
    } else {
        let count = usize::from(len_byte & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let (bytes, rest) = (rest.get(..count)?, rest.get(count..)?);
        (bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b)), rest)
    };
    Some((rest.get(..len)?, rest.get(len..)?))
}
