//! Protocol decisions in plain Rust: what to answer to each request. No axum types here; the
//! handlers in `routes` translate HTTP to these calls and their results back to HTTP.

pub mod authorize;
pub mod claims;
pub mod client_auth;
pub mod discovery;
pub mod interaction;
pub mod introspection;
pub mod logout;
pub mod mint;
pub mod refresh_token;
pub mod revocation;
pub mod token;
pub mod userinfo;

mod answer;
mod error;

pub use answer::{Answer, Caching, ContentType, JsonAnswer, JsonBody};
pub use error::{ErrorCode, OAuthError, ProtocolError};

/// Longest accepted value of any request parameter, in bytes.
pub const MAX_PARAM_LEN: usize = 4096;
/// Most parameters accepted in one request.
pub const MAX_PARAMS: usize = 64;

/// Request parameters as received (order kept, repeats kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// The value of `name`; `Err` when the parameter is repeated (RFC 6749 3.1: parameters MUST
    /// NOT be included more than once). Empty values count as absent (RFC 6749 3.1).
    pub fn get(&self, name: &str) -> Result<Option<&str>, String> {
        let mut found = None;
        for (k, v) in &self.0 {
            if k == name {
                if found.is_some() {
                    return Err(format!("parameter {name} is repeated"));
                }
                found = Some(v.as_str());
            }
        }
        Ok(found.filter(|v| !v.is_empty()))
    }

    /// The value of `name`, which the request must carry (`invalid_request` when it is missing or
    /// repeated).
    pub fn required(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .map_err(|m| OAuthError::bad_request(ErrorCode::InvalidRequest, m))?
            .ok_or_else(|| OAuthError::bad_request(ErrorCode::InvalidRequest, format!("{name} is missing")))
    }

    /// Each parameter once, at its first value (what a provider that does not refuse repeated
    /// parameters sees; only faults use it).
    pub fn first_of_each(&self) -> Params {
        let mut out: Vec<(String, String)> = Vec::with_capacity(self.0.len());
        for (k, v) in &self.0 {
            if !out.iter().any(|(n, _)| n == k) {
                out.push((k.clone(), v.clone()));
            }
        }
        Params(out)
    }

    /// Whether any parameter is repeated.
    pub fn has_repeats(&self) -> bool {
        self.0.iter().enumerate().any(|(i, (k, _))| self.0[..i].iter().any(|(n, _)| n == k))
    }

    /// The length of `name`'s first value (0 when absent).
    pub fn len_of(&self, name: &str) -> usize {
        self.0.iter().find(|(k, _)| k == name).map_or(0, |(_, v)| v.len())
    }

    /// The first oversized value or a too-long list, described.
    pub fn size_problem(&self) -> Option<String> {
        if self.0.len() > MAX_PARAMS {
            return Some(format!("too many parameters (at most {MAX_PARAMS})"));
        }
        self.0
            .iter()
            .find(|(k, v)| k.len() + v.len() > MAX_PARAM_LEN)
            .map(|(k, _)| format!("parameter {k} is longer than {MAX_PARAM_LEN} bytes"))
    }
}

/// Space-separated list helpers.
pub(crate) fn split_scope(scope: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}
