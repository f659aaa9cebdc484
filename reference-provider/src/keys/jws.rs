//! Compact JWS (RFC 7515 section 7.1): encoding with a [`SigningKey`], the unsigned variant used
//! by fault injection, and the structural parsing that [`KeyRing::verify`](super::KeyRing::verify)
//! builds on. Error messages never echo token contents: a token is a bearer credential.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::{KeyError, SigningKey};

/// The header [`encode_jws`] writes; serialised directly, without building a JSON map.
#[derive(serde::Serialize)]
struct Header<'a> {
    alg: &'a str,
    kid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    typ: Option<&'a str>,
}

/// Compact JWS with header `{"alg","kid","typ"}` (`typ` only if `Some`) over the JSON `claims`
/// (a JSON object: a [`Value`] or a struct serialised as one).
///
/// # Errors
/// [`KeyError::Json`] if serialisation fails; [`KeyError::SigningFailed`] if signing fails.
pub fn encode_jws(
    key: &SigningKey,
    typ: Option<&str>,
    claims: &impl serde::Serialize,
) -> Result<String, KeyError> {
    let header = serde_json::to_vec(&Header {
        alg: key.alg().as_str(),
        kid: key.kid(),
        typ,
    })?;
    sign_compact(key, &header, &serde_json::to_vec(claims)?)
}

/// Compact JWS whose header is `{"alg": <key alg>, "kid": <key kid>}` overlaid with the members
/// of `header`: a member given there replaces the default (so `alg`, `kid` and `typ` can be
/// forged for fault injection), and a member whose value is `null` is removed (e.g.
/// `{"kid": null}` yields a header without `kid`). The signature is always made with `key`.
///
/// # Errors
/// [`KeyError::HeaderNotObject`] if `header` is not a JSON object; otherwise as [`encode_jws`].
pub fn encode_jws_with_header(
    key: &SigningKey,
    header: &Value,
    claims: &Value,
) -> Result<String, KeyError> {
    let overrides = header.as_object().ok_or(KeyError::HeaderNotObject {
        found: json_type(header),
    })?;
    let mut merged = Map::new();
    merged.insert("alg".to_owned(), Value::from(key.alg().as_str()));
    merged.insert("kid".to_owned(), Value::from(key.kid()));
    for (name, value) in overrides {
        if value.is_null() {
            merged.remove(name);
        } else {
            merged.insert(name.clone(), value.clone());
        }
    }
    sign_compact(
        key,
        &serde_json::to_vec(&merged)?,
        &serde_json::to_vec(claims)?,
    )
}

/// An Unsecured JWS (RFC 7519 section 6.1): header `{"alg":"none"}` (plus `typ` if `Some`),
/// the claims, and an empty signature part, i.e. `header.payload.`.
///
/// # Security Warning
/// The result carries no signature: anyone can forge it. Only for fault injection (the
/// provider serving an `alg: none` token to see whether a relying party accepts it).
#[must_use]
pub fn insecure_encode_unsigned(claims: &Value, typ: Option<&str>) -> String {
    let mut header = Map::new();
    header.insert("alg".to_owned(), Value::from("none"));
    if let Some(typ) = typ {
        header.insert("typ".to_owned(), Value::from(typ));
    }
    // `Value`'s Display is its compact JSON serialisation and cannot fail.
    let mut out = URL_SAFE_NO_PAD.encode(Value::Object(header).to_string());
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(claims.to_string(), &mut out);
    out.push('.');
    out
}

/// `BASE64URL(header) . BASE64URL(payload) . BASE64URL(sign(first two parts))`.
fn sign_compact(key: &SigningKey, header: &[u8], payload: &[u8]) -> Result<String, KeyError> {
    // 4/3 expansion of each part plus two dots and a (generous) signature allowance.
    let mut out = String::with_capacity((header.len() + payload.len()) * 4 / 3 + 360);
    URL_SAFE_NO_PAD.encode_string(header, &mut out);
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut out);
    let signature = key.sign(out.as_bytes())?;
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut out);
    Ok(out)
}

/// A compact JWS split into its parts, header decoded, payload still encoded.
pub(super) struct CompactJws<'a> {
    /// `BASE64URL(header) . BASE64URL(payload)`, the bytes the signature covers.
    pub(super) signing_input: &'a str,
    /// The decoded JOSE header (always a JSON object).
    pub(super) header: Map<String, Value>,
    /// The still-encoded payload; decode it with [`decode_claims`] after the signature checks.
    pub(super) payload_b64: &'a str,
    /// The decoded signature bytes.
    pub(super) signature: Vec<u8>,
}

/// Splits a compact JWS into exactly three base64url parts and decodes header and signature.
pub(super) fn parse_compact(token: &str) -> Result<CompactJws<'_>, KeyError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts.as_slice() else {
        return Err(KeyError::MalformedToken {
            expected: "three dot-separated parts",
            found: format!("{} parts", parts.len()),
        });
    };
    let signing_input = token
        .get(..header_b64.len() + 1 + payload_b64.len())
        .ok_or_else(|| KeyError::MalformedToken {
            expected: "a header and payload prefix",
            found: "a token shorter than its parts".to_owned(),
        })?;
    let header_bytes = decode_part(header_b64, "a base64url (unpadded) header")?;
    let header = match serde_json::from_slice::<Value>(&header_bytes) {
        Ok(Value::Object(map)) => map,
        Ok(other) => {
            return Err(KeyError::MalformedToken {
                expected: "a header that is a JSON object",
                found: format!("a JSON {}", json_type(&other)),
            });
        }
        Err(e) => {
            return Err(KeyError::MalformedToken {
                expected: "a header that is JSON",
                found: format!("invalid JSON ({e})"),
            });
        }
    };
    let signature = decode_part(signature_b64, "a base64url (unpadded) signature")?;
    Ok(CompactJws {
        signing_input,
        header,
        payload_b64,
        signature,
    })
}

/// Decodes the payload of a verified token; JWT claims must be a JSON object (RFC 7519 7.2).
pub(super) fn decode_claims(payload_b64: &str) -> Result<Value, KeyError> {
    let bytes = decode_part(payload_b64, "a base64url (unpadded) payload")?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(claims @ Value::Object(_)) => Ok(claims),
        Ok(other) => Err(KeyError::MalformedToken {
            expected: "claims that are a JSON object",
            found: format!("a JSON {}", json_type(&other)),
        }),
        Err(e) => Err(KeyError::MalformedToken {
            expected: "claims that are JSON",
            found: format!("invalid JSON ({e})"),
        }),
    }
}

fn decode_part(part: &str, expected: &'static str) -> Result<Vec<u8>, KeyError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|e| KeyError::MalformedToken {
            expected,
            found: format!("undecodable text ({e})"),
        })
}

/// The JSON type name of `value`, for error messages that must not echo the value.
pub(super) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
