//! [`UnverifiedJwt`]: a compact JWS split and decoded without trusting it, so that claim checks can
//! still report every problem when the signature is bad.
//!
//! The claims are checked to be a JSON object when the token is parsed, but their map is built
//! only when a claim is first read: verifying a signature (what `oidc-harness bench` compares with
//! the raw primitive) does not pay for a map that no check asked for.

use std::fmt;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::object_check::is_json_object;
use super::{JoseError, json_kind};

/// A compact JWS parsed WITHOUT verifying it.
///
/// Holds the decoded header and claims plus the exact signing input and signature bytes, so that
/// verification later needs no re-parsing. `Debug` never prints the raw token. Two values are
/// equal when their compact serializations are.
#[derive(Clone)]
pub struct UnverifiedJwt {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The decoded claims JSON, known to be an object; see [`UnverifiedJwt::claims`].
    claims_json: Box<str>,
    claims: OnceLock<Map<String, Value>>,
    raw: String,
    signing_input_len: usize,
    signature: Vec<u8>,
}

impl UnverifiedJwt {
    /// Splits and decodes `header.payload.signature`. Fails on a wrong segment count, bad
    /// base64url or a header/payload that is not a JSON object. The signature is not checked.
    pub fn parse(compact: &str) -> Result<Self, JoseError> {
        let mut parts = compact.splitn(4, '.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JoseError::Segments(compact.split('.').count()));
        };
        let mut buf = Vec::with_capacity(h.len().max(p.len()) / 4 * 3 + 3);
        let header = decode_object(h, "JOSE header", &mut buf)?;
        let claims_json = decode_claims(p, buf)?;
        let signature = URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| JoseError::Base64("signature"))?;
        Ok(UnverifiedJwt {
            header,
            claims_json,
            claims: OnceLock::new(),
            signing_input_len: h.len() + 1 + p.len(),
            raw: compact.to_owned(),
            signature,
        })
    }

    /// True when `compact` has the five segments of a compact JWE (an encrypted token).
    pub fn is_jwe(compact: &str) -> bool {
        compact.split('.').count() == 5
    }

    /// The `alg` header, when it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// The `kid` header, when it is a string.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// The `typ` header, when it is a string.
    pub fn typ(&self) -> Option<&str> {
        self.header.get("typ").and_then(Value::as_str)
    }

    /// The claims set, decoded on first use (the text was checked to be a JSON object when the
    /// token was parsed).
    pub fn claims(&self) -> &Map<String, Value> {
        self.claims.get_or_init(|| claims_map(&self.claims_json))
    }

    /// The claims set, taken out of the token.
    pub fn into_claims(mut self) -> Map<String, Value> {
        match self.claims.take() {
            Some(map) => map,
            None => claims_map(&self.claims_json),
        }
    }

    /// The decoded claims JSON exactly as the token carries it.
    pub fn claims_json(&self) -> &str {
        &self.claims_json
    }

    /// A claim's value.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims().get(name)
    }

    /// A string claim.
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claim(name).and_then(Value::as_str)
    }

    /// A numeric claim (RFC 7519 NumericDate) as whole seconds; fractional values are floored.
    pub fn claim_i64(&self, name: &str) -> Option<i64> {
        numeric_date(self.claim(name)?)
    }

    /// The audiences: `aud` as a single string or an array of strings; `None` when absent or of
    /// another shape (an array with a non-string element counts as another shape).
    pub fn audiences(&self) -> Option<Vec<&str>> {
        match self.claim("aud")? {
            Value::String(s) => Some(vec![s.as_str()]),
            Value::Array(items) => items.iter().map(Value::as_str).collect(),
            _ => None,
        }
    }

    /// The exact bytes that were signed: `BASE64URL(header) '.' BASE64URL(payload)`.
    pub fn signing_input(&self) -> &[u8] {
        self.raw
            .as_bytes()
            .get(..self.signing_input_len)
            .unwrap_or_default()
    }

    /// The decoded signature bytes (empty for an unsecured `alg: none` token).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The compact serialization as received (a credential: never log it).
    pub fn raw(&self) -> &str {
        &self.raw
    }
}

impl PartialEq for UnverifiedJwt {
    fn eq(&self, other: &Self) -> bool {
        // Everything else is decoded from the compact serialization.
        self.raw == other.raw
    }
}

impl fmt::Debug for UnverifiedJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnverifiedJwt")
            .field("header", &self.header)
            .field("claims", self.claims())
            .field("raw_len", &self.raw.len())
            .finish_non_exhaustive()
    }
}

/// RFC 7519 NumericDate: a JSON number of seconds, possibly fractional.
pub(crate) fn numeric_date(value: &Value) -> Option<i64> {
    if let Some(i) = value.as_i64() {
        return Some(i);
    }
    let f = value.as_f64()?;
    // i64 range as f64 (exclusive upper bound 2^63).
    if f.is_finite() && (-9.2e18..9.2e18).contains(&f) {
        #[allow(clippy::cast_possible_truncation)]
        Some(f.floor() as i64)
    } else {
        None
    }
}

/// Decodes the base64url claims and checks that they are one JSON object, without building it.
fn decode_claims(segment: &str, mut buf: Vec<u8>) -> Result<Box<str>, JoseError> {
    buf.clear();
    URL_SAFE_NO_PAD
        .decode_vec(segment, &mut buf)
        .map_err(|_| JoseError::Base64("claims"))?;
    match String::from_utf8(buf) {
        Ok(text) if is_json_object(&text) => Ok(text.into_boxed_str()),
        Ok(text) => Err(not_an_object(text.as_bytes(), "claims")),
        Err(e) => Err(not_an_object(e.as_bytes(), "claims")),
    }
}

/// The claims map of a text [`decode_claims`] accepted.
fn claims_map(json: &str) -> Map<String, Value> {
    // Cannot fail: `is_json_object` accepts exactly what this parse accepts (tested in
    // object_check). An empty map would only ever stand for a bug there.
    serde_json::from_str(json).unwrap_or_default()
}

/// Decodes a base64url JSON object into `buf` (cleared first) and parses it. The common case,
/// UTF-8 text holding an object, is parsed straight into a map; anything else is parsed again
/// as a value only to say what was found instead.
fn decode_object(
    segment: &str,
    part: &'static str,
    buf: &mut Vec<u8>,
) -> Result<Map<String, Value>, JoseError> {
    buf.clear();
    URL_SAFE_NO_PAD
        .decode_vec(segment, buf)
        .map_err(|_| JoseError::Base64(part))?;
    if let Ok(map) = std::str::from_utf8(buf)
        .map_err(|_| ())
        .and_then(|text| serde_json::from_str::<Map<String, Value>>(text).map_err(|_| ()))
    {
        return Ok(map);
    }
    Err(not_an_object(buf, part))
}

/// Says what a JSON part that is not an object holds instead.
fn not_an_object(bytes: &[u8], part: &'static str) -> JoseError {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(other) => JoseError::NotJsonObject {
            part,
            found: json_kind(&other).to_owned(),
        },
        Err(e) => JoseError::NotJsonObject {
            part,
            found: format!("invalid JSON: {e}"),
        },
    }
}
