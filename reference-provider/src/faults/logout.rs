//! Faults that make the logout endpoint (RP-Initiated Logout 1.0) trust an `id_token_hint` it
//! must refuse: one whose signature does not verify (`logout-accepts-foreign-hint`), or one
//! changed to `alg: none` (`logout-accepts-unsigned-hint`). The other logout faults stop a rule
//! where it is enforced, in `protocol/logout.rs` (search for the variant).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::Fault;
use crate::provider::Provider;

/// The claims of a hint the provider's keys refused, when an active fault accepts it anyway:
/// decoded without any verification.
///
/// # Security Warning
///
/// Only a fault calls this: trusting an unverified token is the misbehaviour it injects.
pub(crate) fn insecure_accepted_hint(p: &Provider, hint: &str) -> Option<Value> {
    let (foreign, unsigned) = (p.fault(Fault::LogoutAcceptsForeignHint), p.fault(Fault::LogoutAcceptsUnsignedHint));
    if !foreign && !unsigned {
        return None;
    }
    let mut parts = hint.split('.');
    let (header, claims, signature) = (parts.next()?, parts.next()?, parts.next()?);
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s).ok().and_then(|b| serde_json::from_slice::<Value>(&b).ok());
    let alg_none = decode(header)?.get("alg").and_then(Value::as_str).is_some_and(|a| a.eq_ignore_ascii_case("none"));
    let accepted = if alg_none { unsigned && signature.is_empty() } else { foreign && !signature.is_empty() };
    accepted.then(|| decode(claims)).flatten().filter(Value::is_object)
}
