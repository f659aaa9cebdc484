//! What an endpoint answers, before HTTP: a JSON document with its status and the headers the
//! protocol cares about (media type, caching, `WWW-Authenticate`), or a bare status. The
//! protocol builds these, [`crate::faults`] bends them, `routes` turns them into responses.

use serde_json::{Map, Value, json};

use super::OAuthError;

/// The media type of a JSON answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentType {
    /// `application/json`.
    Json,
    /// `text/plain` (only ever sent by a fault).
    TextPlain,
}

impl ContentType {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Json => "application/json",
            ContentType::TextPlain => "text/plain",
        }
    }
}

/// Whether and how an answer may be cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 5.1): tokens, claims, errors.
    NoStore,
    /// `Cache-Control: public, max-age=60`: public metadata (discovery document, JWKS).
    Public,
}

impl Caching {
    /// The `Cache-Control` value.
    pub fn cache_control(self) -> &'static str {
        match self {
            Caching::NoStore => "no-store",
            Caching::Public => "public, max-age=60",
        }
    }
}

/// A JSON body: a document, or one serialised once at start (discovery, JWKS) and sent as is.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonBody {
    /// A document to serialise.
    Value(Value),
    /// A document serialised already.
    Serialised(String),
}

impl JsonBody {
    /// Edits the document (parsing it first if it was serialised).
    pub fn edit(&mut self, f: impl FnOnce(&mut Value)) {
        let mut doc = match std::mem::replace(self, JsonBody::Value(Value::Null)) {
            JsonBody::Value(v) => v,
            JsonBody::Serialised(s) => serde_json::from_str(&s).unwrap_or_default(),
        };
        f(&mut doc);
        *self = JsonBody::Value(doc);
    }

    /// The compact serialisation.
    pub fn into_string(self) -> String {
        match self {
            JsonBody::Value(v) => v.to_string(),
            JsonBody::Serialised(s) => s,
        }
    }
}

/// A JSON answer.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonAnswer {
    /// HTTP status.
    pub status: u16,
    /// The document.
    pub body: JsonBody,
    /// Media type.
    pub content_type: ContentType,
    /// Caching.
    pub caching: Caching,
    /// `WWW-Authenticate` value, when the spec demands one.
    pub www_authenticate: Option<String>,
}

impl JsonAnswer {
    /// A private answer (`no-store`): tokens, claims, introspection results.
    pub fn private(status: u16, body: Value) -> Self {
        JsonAnswer { status, body: JsonBody::Value(body), content_type: ContentType::Json, caching: Caching::NoStore, www_authenticate: None }
    }

    /// A public, cacheable 200 answer with a document serialised once.
    pub fn public(serialised: String) -> Self {
        JsonAnswer {
            status: 200,
            body: JsonBody::Serialised(serialised),
            content_type: ContentType::Json,
            caching: Caching::Public,
            www_authenticate: None,
        }
    }

    /// The body as an object, for faults that add or remove members (no-op for other documents).
    pub fn edit_object(&mut self, f: impl FnOnce(&mut Map<String, Value>)) {
        self.body.edit(|doc| {
            if let Some(m) = doc.as_object_mut() {
                f(m);
            }
        });
    }
}

/// The error answer of RFC 6749 5.2 / RFC 6750 3.1: `error` and `error_description`, with the
/// error's status and challenge.
impl From<OAuthError> for JsonAnswer {
    fn from(e: OAuthError) -> Self {
        let body = json!({"error": e.error, "error_description": e.description});
        JsonAnswer { www_authenticate: e.www_authenticate, ..JsonAnswer::private(e.status, body) }
    }
}

/// Any answer of a back-channel or metadata endpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A JSON document.
    Json(JsonAnswer),
    /// A status without a body.
    Empty {
        /// HTTP status.
        status: u16,
        /// `Allow` value (for 405).
        allow: Option<&'static str>,
    },
}

impl Answer {
    /// A bare 200 (RFC 7009 2.2: a revocation's answer).
    pub const OK: Answer = Answer::Empty { status: 200, allow: None };
}

impl From<JsonAnswer> for Answer {
    fn from(a: JsonAnswer) -> Self {
        Answer::Json(a)
    }
}
