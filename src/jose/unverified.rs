//! [`UnverifiedJwt`]: a compact JWS split and decoded without trusting it, so that claim checks can
//! still report every problem when the signature is bad.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::{JoseError, json_kind};

/// A compact JWS parsed WITHOUT verifying it.
///
/// Holds the decoded header and claims plus the exact signing input and signature bytes, so that
/// verification later needs no re-parsing. `Debug` never prints the raw token.
#[derive(Clone, PartialEq)]
pub struct UnverifiedJwt {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The claims set.
    pub claims: Map<String, Value>,
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
        // One buffer for both decoded JSON parts (every verification passes here).
        let mut buf = Vec::with_capacity(h.len().max(p.len()) / 4 * 3 + 3);
        let header = decode_object(h, "JOSE header", &mut buf)?;
        let claims = decode_object(p, "claims", &mut buf)?;
        let signature = URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| JoseError::Base64("signature"))?;
        Ok(UnverifiedJwt {
            header,
            claims,
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

    /// A string claim.
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// A numeric claim (RFC 7519 NumericDate) as whole seconds; fractional values are floored.
    pub fn claim_i64(&self, name: &str) -> Option<i64> {
        numeric_date(self.claims.get(name)?)
    }

    /// The audiences: `aud` as a single string or an array of strings; `None` when absent or of
    /// another shape (an array with a non-string element counts as another shape).
    pub fn audiences(&self) -> Option<Vec<&str>> {
        match self.claims.get("aud")? {
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

impl fmt::Debug for UnverifiedJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnverifiedJwt")
            .field("header", &self.header)
            .field("claims", &self.claims)
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
    match serde_json::from_slice::<Value>(buf) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(JoseError::NotJsonObject {
            part,
            found: json_kind(&other).to_owned(),
        }),
        Err(e) => Err(JoseError::NotJsonObject {
            part,
            found: format!("invalid JSON: {e}"),
        }),
    }
}
