//! Faults that bend the published JWKS (RFC 7517, RFC 7518, OIDC Discovery 3): private members,
//! no document, no keys, or one extra malformed key next to the keys actually used.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::Fault;
use crate::protocol::{Answer, JsonAnswer, JsonBody};
use crate::provider::Provider;

/// The served JWKS as the active faults bend it.
pub(crate) fn answer(p: &Provider, mut a: JsonAnswer) -> Answer {
    if p.fault(Fault::JwksPrivateMaterial) {
        // Publishes a private-key member (a fake value: the fault is about the shape, not a real leak).
        a.body.edit(|doc| {
            if let Some(first) = doc.get_mut("keys").and_then(|k| k.get_mut(0)) {
                first["d"] = "ZmFrZS1wcml2YXRlLWV4cG9uZW50".into();
            }
        });
        return a.into();
    }
    if p.fault(Fault::JwksNotFound) {
        return Answer::Empty { status: 404, allow: None };
    }
    if p.fault(Fault::JwksEmpty) {
        a.body = JsonBody::Serialised(r#"{"keys":[]}"#.to_owned());
        return a.into();
    }
    if let JsonBody::Serialised(jwks) = &a.body
        && let Some(doc) = with_decoy_key(p, jwks)
    {
        a.body = JsonBody::Value(doc);
    }
    a.into()
}

/// The JWKS faults that publish one extra, malformed key (a copy of the first RSA key under a new
/// kid, bent in the way the fault names), so that the keys actually used stay valid.
fn with_decoy_key(p: &Provider, jwks: &str) -> Option<Value> {
    let f = |fault| p.fault(fault);
    let decoys = [
        Fault::JwksKeyWithoutKty,
        Fault::JwksAlgKtyMismatch,
        Fault::JwksRsaShortModulus,
        Fault::JwksRsaLeadingZero,
        Fault::JwksUseMissingWhenMixed,
        Fault::JwksKeyMalformed,
        Fault::JwksKeyWithoutAlgOrUse,
        Fault::JwksKeyForUnadvertisedAlg,
    ];
    if !decoys.into_iter().any(f) {
        return None;
    }
    let mut doc: Value = serde_json::from_str(jwks).ok()?;
    let keys = doc.get_mut("keys")?.as_array_mut()?;
    let mut decoy = keys.iter().find(|k| k["kty"] == "RSA")?.clone();
    decoy["kid"] = "decoy-key".into();
    let n = URL_SAFE_NO_PAD.decode(decoy["n"].as_str()?).ok()?;
    if f(Fault::JwksKeyWithoutKty) {
        decoy.as_object_mut()?.remove("kty");
    }
    if f(Fault::JwksAlgKtyMismatch) {
        decoy["alg"] = "ES256".into();
    }
    if f(Fault::JwksRsaShortModulus) {
        decoy["n"] = URL_SAFE_NO_PAD.encode(n.get(..128)?).into();
    }
    if f(Fault::JwksUseMissingWhenMixed) {
        // An encryption key next to signing keys that no longer say what they are for.
        decoy["use"] = "enc".into();
        decoy["alg"] = "RSA-OAEP-256".into();
        for k in keys.iter_mut().filter_map(Value::as_object_mut) {
            k.remove("use");
        }
    }
    if f(Fault::JwksKeyWithoutAlgOrUse) {
        let members = decoy.as_object_mut()?;
        members.remove("alg");
        members.remove("use");
    }
    if f(Fault::JwksKeyForUnadvertisedAlg) {
        decoy["alg"] = "RS512".into();
    }
    if f(Fault::JwksKeyMalformed) {
        decoy["n"] = "not base64url!".into();
    }
    if f(Fault::JwksRsaLeadingZero) {
        decoy["n"] = URL_SAFE_NO_PAD.encode([&[0u8][..], &n].concat()).into();
    }
    keys.push(decoy);
    Some(doc)
}
