//! Faults that bend the token endpoint's answers: the success body and headers (RFC 6749 5.1)
//! and the error body (RFC 6749 5.2). The grant rules a fault switches off (single use, PKCE,
//! client binding, rotation, error codes) stay where they are decided, in `protocol/token.rs`.

use serde_json::Value;

use super::Fault;
use crate::protocol::{Caching, ContentType, JsonAnswer, ProtocolError};
use crate::provider::Provider;

/// The token endpoint's answer to `result` as the active faults bend it; internal errors pass.
pub(crate) fn answer(p: &Provider, result: Result<JsonAnswer, ProtocolError>) -> Result<JsonAnswer, ProtocolError> {
    match result {
        Ok(success) => Ok(bend_success(p, success)),
        Err(ProtocolError::OAuth(e)) => Ok(bend_error(p, e.into())),
        Err(e) => Err(e),
    }
}

fn bend_success(p: &Provider, mut a: JsonAnswer) -> JsonAnswer {
    let f = |fault| p.fault(fault);
    a.edit_object(|body| {
        if f(Fault::TokenTypeWrong) {
            body.insert("token_type".into(), "mac".into());
        }
        if f(Fault::TokenTypeMissing) {
            body.remove("token_type");
        }
        if f(Fault::TokenExpiresInZero) {
            body.insert("expires_in".into(), 0.into());
        }
        if f(Fault::TokenScopeDoubleSpace)
            && let Some(scope) = body.get("scope").and_then(Value::as_str)
        {
            let doubled = scope.replace(' ', "  ");
            body.insert("scope".into(), doubled.into());
        }
        if f(Fault::TokenSuccessWithErrorField) {
            body.insert("error".into(), "none".into());
        }
    });
    if f(Fault::TokenContentTypeText) {
        a.content_type = ContentType::TextPlain;
    }
    if f(Fault::NoCacheControl) {
        a.caching = Caching::Public;
    }
    a
}

/// The error-format faults (RFC 6749 5.2: NQSCHAR in error_description, a URI in error_uri).
fn bend_error(p: &Provider, mut a: JsonAnswer) -> JsonAnswer {
    let f = |fault| p.fault(fault);
    a.edit_object(|body| {
        if f(Fault::TokenErrorDescriptionBadCharset)
            && let Some(description) = body.get("error_description").and_then(Value::as_str)
        {
            let bent = format!("{description} \"r\u{e9}essayez\"");
            body.insert("error_description".into(), bent.into());
        }
        if f(Fault::TokenErrorUriInvalid) {
            body.insert("error_uri".into(), "see the manual".into());
        }
    });
    a
}
