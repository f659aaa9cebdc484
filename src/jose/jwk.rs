//! JWK Sets as published ([`Jwks`]), parsed leniently: every entry is kept with its raw members
//! and either a ready-to-use [`PublicKey`] or the error that prevented one. Public keys are parsed
//! ONCE here into aws-lc-rs [`ParsedPublicKey`]s, so verification never re-parses key material.

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::alg::{JwsAlg, KeyType};
use super::{JoseError, json_kind};

/// The key types (`kty`) an algorithm can be used with, for the JWS algorithms of [`JwsAlg`] and
/// the key-management algs of RFC 7518 / RFC 8037. `None` for an algorithm we do not know.
pub fn key_types_for_alg(alg: &str) -> Option<&'static [&'static str]> {
    if let Ok(jws) = alg.parse::<JwsAlg>() {
        return Some(match jws.key_type() {
            KeyType::Oct => &["oct"],
            KeyType::Rsa => &["RSA"],
            KeyType::Ec => &["EC"],
            KeyType::Okp => &["OKP"],
        });
    }
    Some(match alg {
        "RSA1_5" | "RSA-OAEP" | "RSA-OAEP-256" | "RSA-OAEP-384" | "RSA-OAEP-512" => &["RSA"],
        "ECDH-ES" | "ECDH-ES+A128KW" | "ECDH-ES+A192KW" | "ECDH-ES+A256KW" => &["EC", "OKP"],
        "dir" | "A128KW" | "A192KW" | "A256KW" | "A128GCMKW" | "A192GCMKW" | "A256GCMKW" => &["oct"],
        _ => return None,
    })
}

/// Whether `alg` is a JWS (signature or MAC) algorithm rather than a key-management one.
pub fn is_signature_alg(alg: &str) -> bool {
    alg.parse::<JwsAlg>().is_ok()
}

/// The curve an ECDSA algorithm requires (`ES256` → `P-256`), if the algorithm pins one.
pub fn curve_for_alg(alg: &str) -> Option<&'static str> {
    alg.parse::<JwsAlg>().ok().and_then(JwsAlg::curve)
}

/// A public key parsed once into what aws-lc-rs verifies with, with its size in bits.
#[derive(Debug, Clone)]
pub struct PublicKey {
    kty: &'static str,
    crv: Option<&'static str>,
    bits: usize,
    declared_alg: Option<String>,
    /// One parsed key per JWS algorithm this key can verify.
    verifiers: Vec<(&'static str, ParsedPublicKey)>,
}

impl PublicKey {
    /// Parses the public part of a JWK (`RSA` n/e, `EC` crv/x/y, `OKP` Ed25519 x). Private members
    /// are ignored here (judging them is a check). A JWK `alg` restricts the key to that algorithm.
    pub fn from_jwk(jwk: &Map<String, Value>) -> Result<PublicKey, JoseError> {
        let kty = member(jwk, "kty")?;
        let declared_alg = jwk.get("alg").and_then(Value::as_str).map(str::to_owned);
        let mut key = match kty {
            "RSA" => rsa_key(jwk, declared_alg.as_deref())?,
            "EC" => ec_key(jwk)?,
            "OKP" => okp_key(jwk)?,
            other => return Err(JoseError::UnsupportedKeyType(other.to_owned())),
        };
        key.declared_alg = declared_alg;
        Ok(key)
    }

    /// Key size in bits: the RSA modulus length, or the curve size.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// `RSA`, `EC` or `OKP`.
    pub fn kty(&self) -> &str {
        self.kty
    }

    /// The curve (`P-256`, `P-384`, `P-521`, `Ed25519`); `None` for RSA.
    pub fn crv(&self) -> Option<&str> {
        self.crv
    }

    /// The JWK's own `alg`, which restricts the key to that algorithm.
    pub fn declared_alg(&self) -> Option<&str> {
        self.declared_alg.as_deref()
    }

    /// The parsed verifier for `alg`, when this key can verify that algorithm.
    pub(crate) fn verifier(&self, alg: &str) -> Option<&ParsedPublicKey> {
        self.verifiers
            .iter()
            .find(|(a, _)| *a == alg)
            .map(|(_, k)| k)
    }
}

/// One entry of a JWK Set: raw members, the commonly read ones, and the parsed key or its error.
#[derive(Debug, Clone)]
pub struct JwkEntry {
    /// All members as published (an entry that is not a JSON object is kept as an empty map).
    pub raw: Map<String, Value>,
    /// `kid`, when a string.
    pub kid: Option<String>,
    /// `kty`, when a string.
    pub kty: Option<String>,
    /// `alg`, when a string.
    pub alg: Option<String>,
    /// `use`, when a string.
    pub use_: Option<String>,
    /// The parsed public key, or why it could not be parsed.
    pub verifier: Result<PublicKey, JoseError>,
}

impl JwkEntry {
    /// Parses one JWK Set entry; never fails (the error is kept in [`JwkEntry::verifier`]).
    pub fn parse(value: &Value) -> JwkEntry {
        let Value::Object(raw) = value else {
            return JwkEntry {
                raw: Map::new(),
                kid: None,
                kty: None,
                alg: None,
                use_: None,
                verifier: Err(JoseError::NotJsonObject {
                    part: "JWK",
                    found: json_kind(value).to_owned(),
                }),
            };
        };
        let text = |name: &str| raw.get(name).and_then(Value::as_str).map(str::to_owned);
        JwkEntry {
            kid: text("kid"),
            kty: text("kty"),
            alg: text("alg"),
            use_: text("use"),
            verifier: PublicKey::from_jwk(raw),
            raw: raw.clone(),
        }
    }

    /// Whether this entry may verify a JWS with `alg`: `use` absent or `sig`, `alg` absent or
    /// equal, and `kty` (and for ECDSA, `crv`) matching the algorithm.
    pub fn usable_for(&self, alg: &str) -> bool {
        let use_ok = self.use_.as_deref().is_none_or(|u| u == "sig");
        let alg_ok = self.alg.as_deref().is_none_or(|a| a == alg);
        let kty_ok = match (key_types_for_alg(alg), self.kty.as_deref()) {
            (Some(ktys), Some(kty)) => ktys.contains(&kty),
            _ => false,
        };
        let crv = self.raw.get("crv").and_then(Value::as_str);
        let crv_ok = match alg {
            "EdDSA" => crv.is_some_and(|c| c == "Ed25519" || c == "Ed448"),
            _ => curve_for_alg(alg).is_none_or(|want| crv == Some(want)),
        };
        use_ok && alg_ok && kty_ok && crv_ok
    }
}

/// A JWK Set as published.
#[derive(Debug, Clone, Default)]
pub struct Jwks {
    /// Every entry of `keys`, in order, including those that failed to parse.
    pub keys: Vec<JwkEntry>,
}

/// The result of looking a signing key up in a [`Jwks`].
#[derive(Debug, Clone, Copy)]
pub enum KeyLookup<'a> {
    /// Exactly one entry fits (its key may still have failed to parse).
    Found(&'a JwkEntry),
    /// No entry fits.
    NotFound,
    /// Several entries fit and nothing tells them apart.
    Ambiguous,
}

impl Jwks {
    /// Parses `{"keys":[...]}`. Fails only when the document is not of that shape; a bad key is
    /// kept with its error.
    pub fn parse(json: &Value) -> Result<Jwks, JoseError> {
        let keys = match json {
            Value::Object(map) => match map.get("keys") {
                Some(Value::Array(keys)) => keys,
                Some(other) => {
                    return Err(JoseError::NotJwkSet(format!(
                        "`keys` as {}",
                        json_kind(other)
                    )));
                }
                None => return Err(JoseError::NotJwkSet("an object without `keys`".to_owned())),
            },
            other => return Err(JoseError::NotJwkSet(json_kind(other).to_owned())),
        };
        Ok(Jwks {
            keys: keys.iter().map(JwkEntry::parse).collect(),
        })
    }

    /// Finds the key for a JWS with header `kid` and `alg`: entries with that `kid` (any, when
    /// `kid` is `None`) that are [`JwkEntry::usable_for`] the algorithm.
    pub fn find(&self, kid: Option<&str>, alg: &str) -> KeyLookup<'_> {
        let mut fits = self.candidates(kid, alg);
        match (fits.next(), fits.next()) {
            (Some(one), None) => KeyLookup::Found(one),
            (None, _) => KeyLookup::NotFound,
            (Some(_), Some(_)) => KeyLookup::Ambiguous,
        }
    }

    /// Entries with that `kid` (any, when `None`) that are [`JwkEntry::usable_for`] `alg`.
    pub fn candidates(&self, kid: Option<&str>, alg: &str) -> impl Iterator<Item = &JwkEntry> {
        self.keys
            .iter()
            .filter(move |k| kid.is_none_or(|kid| k.kid.as_deref() == Some(kid)))
            .filter(move |k| k.usable_for(alg))
    }

    /// Entries that may sign: `use` absent or `sig`, and `alg` absent or a signature alg.
    pub fn signing_keys(&self) -> impl Iterator<Item = &JwkEntry> {
        self.keys.iter().filter(|k| {
            k.use_.as_deref().is_none_or(|u| u == "sig")
                && k.alg.as_deref().is_none_or(is_signature_alg)
        })
    }
}

fn member<'a>(jwk: &'a Map<String, Value>, name: &'static str) -> Result<&'a str, JoseError> {
    jwk.get(name)
        .and_then(Value::as_str)
        .ok_or(JoseError::MissingMember(name))
}

fn b64_member(
    jwk: &Map<String, Value>,
    name: &'static str,
    kty: &'static str,
) -> Result<Vec<u8>, JoseError> {
    URL_SAFE_NO_PAD
        .decode(member(jwk, name)?)
        .map_err(|_| JoseError::MalformedKey {
            kty,
            reason: format!("`{name}` is not unpadded base64url"),
        })
}

fn malformed(kty: &'static str, reason: impl Into<String>) -> JoseError {
    JoseError::MalformedKey {
        kty,
        reason: reason.into(),
    }
}

fn rsa_key(jwk: &Map<String, Value>, declared_alg: Option<&str>) -> Result<PublicKey, JoseError> {
    let n_raw = b64_member(jwk, "n", "RSA")?;
    let e_raw = b64_member(jwk, "e", "RSA")?;
    let n = strip_leading_zeros(&n_raw);
    let e = strip_leading_zeros(&e_raw);
    let Some(first) = n.first() else {
        return Err(malformed("RSA", "a zero modulus"));
    };
    if e.is_empty() {
        return Err(malformed("RSA", "a zero exponent"));
    }
    let bits = (n.len() - 1) * 8 + (8 - first.leading_zeros() as usize);
    let components = RsaPublicKeyComponents { n, e };
    // A key pinned to one RSA alg gets one parsed verifier; otherwise one per RSA alg.
    let pinned = declared_alg.filter(|a| a.parse::<JwsAlg>().is_ok_and(|alg| alg.rsa_parameters().is_some()));
    let mut verifiers = Vec::new();
    for (name, params) in JwsAlg::ALL.into_iter().filter_map(|alg| Some((alg.as_str(), alg.rsa_parameters()?))) {
        if pinned.is_some_and(|p| p != name) {
            continue;
        }
        let parsed = components
            .to_parsed_public_key(params)
            .map_err(|e| malformed("RSA", format!("modulus/exponent rejected: {e}")))?;
        verifiers.push((name, parsed));
    }
    Ok(PublicKey {
        kty: "RSA",
        crv: None,
        bits,
        declared_alg: None,
        verifiers,
    })
}

fn ec_key(jwk: &Map<String, Value>) -> Result<PublicKey, JoseError> {
    let crv = member(jwk, "crv")?;
    let (crv, alg, len, verification): (_, _, _, &'static signature::EcdsaVerificationAlgorithm) =
        match crv {
            "P-256" => ("P-256", "ES256", 32, &signature::ECDSA_P256_SHA256_FIXED),
            "P-384" => ("P-384", "ES384", 48, &signature::ECDSA_P384_SHA384_FIXED),
            "P-521" => ("P-521", "ES512", 66, &signature::ECDSA_P521_SHA512_FIXED),
            other => return Err(JoseError::UnsupportedCurve(other.to_owned())),
        };
    let x = b64_member(jwk, "x", "EC")?;
    let y = b64_member(jwk, "y", "EC")?;
    if x.len() != len || y.len() != len {
        return Err(malformed(
            "EC",
            format!(
                "x/y of {}/{} bytes where {crv} needs {len}",
                x.len(),
                y.len()
            ),
        ));
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(0x04);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    let parsed = ParsedPublicKey::new(verification, &point)
        .map_err(|e| malformed("EC", format!("point rejected: {e}")))?;
    let bits = if crv == "P-521" { 521 } else { len * 8 };
    Ok(PublicKey {
        kty: "EC",
        crv: Some(crv),
        bits,
        declared_alg: None,
        verifiers: vec![(alg, parsed)],
    })
}

fn okp_key(jwk: &Map<String, Value>) -> Result<PublicKey, JoseError> {
    let crv = member(jwk, "crv")?;
    if crv != "Ed25519" {
        return Err(JoseError::UnsupportedCurve(crv.to_owned()));
    }
    let x = b64_member(jwk, "x", "OKP")?;
    if x.len() != signature::ED25519_PUBLIC_KEY_LEN {
        return Err(malformed(
            "OKP",
            format!("x of {} bytes where Ed25519 needs 32", x.len()),
        ));
    }
    let parsed = ParsedPublicKey::new(&signature::ED25519, &x)
        .map_err(|e| malformed("OKP", format!("Ed25519 key rejected: {e}")))?;
    Ok(PublicKey {
        kty: "OKP",
        crv: Some("Ed25519"),
        bits: 256,
        declared_alg: None,
        verifiers: vec![("EdDSA", parsed)],
    })
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}
