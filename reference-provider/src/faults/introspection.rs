//! Faults that bend the introspection endpoint's answer (RFC 7662 2.2).

use serde_json::json;

use super::Fault;
use crate::protocol::{JsonAnswer, JsonBody};
use crate::provider::Provider;

/// The introspection answer as the active faults bend it.
pub(crate) fn answer(p: &Provider, mut a: JsonAnswer) -> JsonAnswer {
    if p.fault(Fault::IntrospectionAlwaysInactive) {
        a.body = JsonBody::Value(json!({"active": false}));
    }
    a
}
