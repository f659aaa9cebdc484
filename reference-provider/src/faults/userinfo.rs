//! Faults that bend the UserInfo endpoint's answers (OIDC Core 5.3.2, RFC 6750 3): the claims,
//! the document's shape and media type, the bearer challenge, and POST being refused. The token
//! rules a fault switches off (ID tokens accepted as access tokens) stay in `protocol/userinfo.rs`.

use serde_json::{Map, Value};

use super::Fault;
use crate::protocol::{Answer, ContentType, JsonAnswer, ProtocolError};
use crate::provider::Provider;

/// The userinfo answer to `result` as the active faults bend it; internal errors pass.
pub(crate) fn answer(p: &Provider, result: Result<JsonAnswer, ProtocolError>) -> Result<JsonAnswer, ProtocolError> {
    match result {
        Ok(success) => Ok(bend_success(p, success)),
        Err(ProtocolError::OAuth(mut e)) => {
            if p.fault(Fault::UserinfoChallengeNotBearer) {
                e.www_authenticate = e.www_authenticate.map(|c| c.replacen("Bearer", "Basic", 1));
            }
            if p.fault(Fault::UserinfoNoWwwAuthenticate) {
                e.www_authenticate = None;
            }
            Ok(e.into())
        }
        Err(e) => Err(e),
    }
}

/// `Some(405)` when the userinfo-post-refused fault is on (OIDC Core 5.3: POST MUST work).
pub(crate) fn refuse_post(p: &Provider) -> Option<Answer> {
    p.fault(Fault::UserinfoPostRefused).then_some(Answer::Empty { status: 405, allow: Some("GET") })
}

fn bend_success(p: &Provider, mut a: JsonAnswer) -> JsonAnswer {
    let f = |fault| p.fault(fault);
    a.edit_object(|claims| bend_claims(p, claims));
    if f(Fault::UserinfoBodyArray) {
        a.body.edit(|doc| *doc = Value::Array(vec![doc.take()]));
    }
    if f(Fault::UserinfoContentTypeText) {
        a.content_type = ContentType::TextPlain;
    }
    a
}

fn bend_claims(p: &Provider, claims: &mut Map<String, Value>) {
    let f = |fault| p.fault(fault);
    if f(Fault::UserinfoWrongSub)
        && let Some(sub) = claims.get("sub").and_then(Value::as_str)
    {
        let other = format!("{sub}-other");
        claims.insert("sub".into(), other.into());
    }
    if f(Fault::UserinfoNoSub) {
        claims.remove("sub");
    }
    if f(Fault::UserinfoClaimWrongType)
        && let Some(v) = claims.get_mut("email_verified")
    {
        *v = v.to_string().into();
    }
}
